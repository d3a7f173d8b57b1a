"""The catalog vocabulary every stage shares: entry states, inline tags, placeholders.

An entry's *raw* state (`raw_state`) says only whether it holds a reviewed
translation; whether that translation may be published is the publishing gate,
`checks.entry_state`, which adds the check errors on top of it.
"""

from __future__ import annotations

import re
from enum import StrEnum

import polib


class EntryState(StrEnum):
    """What a catalog entry gives a reader."""

    TRANSLATED = "translated"
    """Translated, reviewed (not fuzzy) and free of check errors: published."""
    FUZZY = "fuzzy"
    """A translation awaiting review: the source text is printed instead."""
    UNTRANSLATED = "untranslated"
    """No translation (or no entry): the source text is printed."""
    INVALID = "invalid"
    """A translation with a check error (tags, numbers, placeholders, URLs, control
    characters): the source text is printed and the entry is named."""


TAG_RE = re.compile(r"<(/?)([a-z]+)([0-9]+)(/?)>")
"""A numbered inline tag of a msgid: `<strong1>`, `</a2>`, `<img1/>`."""


_NAMED_PLACEHOLDER = re.compile(r"%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|\{[^{}\s]*\}")
_IDEOGRAPH = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_IDEOGRAPH}]|[^\s{_IDEOGRAPH}]+")


def count_words(text: str) -> int:
    """Words of a source text: tags and placeholders dropped, each CJK ideograph one word."""
    plain = _NAMED_PLACEHOLDER.sub(" ", TAG_RE.sub("", text))
    return sum(1 for m in _WORD.finditer(plain) if any(c.isalnum() for c in m[0]))


def live_entries(catalog: polib.POFile) -> list[polib.POEntry]:
    """The entries a translator has to translate: no header, no obsolete entries."""
    return [e for e in catalog if not e.obsolete and not (e.msgid == "" and not e.msgctxt)]


def raw_state(entry: polib.POEntry) -> EntryState:
    """`translated`, `fuzzy` or `untranslated` from the entry's text and flags alone.

    A fuzzy entry without any text is untranslated (as in `msgfmt --statistics`);
    a plural entry with an empty form is not translated.
    """
    if entry.msgid_plural:
        forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    else:
        forms = [entry.msgstr]
    fuzzy = "fuzzy" in entry.flags
    if forms and all(forms):
        return EntryState.FUZZY if fuzzy else EntryState.TRANSLATED
    return EntryState.FUZZY if fuzzy and any(forms) else EntryState.UNTRANSLATED


def check_tags(msgid: str, msgstr: str) -> list[str]:
    """Problems with the tags of `msgstr` compared to `msgid`; empty when they match.

    Every tag of the msgid must appear once, paired tags opened and closed in
    order; tags may move, but none may be dropped, renamed, repeated or invented.
    """
    wanted = {f"{m[2]}{m[3]}": bool(m[4]) for m in TAG_RE.finditer(msgid)}
    problems: list[str] = []
    stack: list[str] = []
    opened: dict[str, int] = {}
    for match in TAG_RE.finditer(msgstr):
        closing, name, number, selfclosing = match.groups()
        tag = f"{name}{number}"
        if tag not in wanted or wanted[tag] != bool(selfclosing):
            problems.append(f"tag {match[0]} is not in the source text")
        elif not closing:
            opened[tag] = opened.get(tag, 0) + 1
            if not selfclosing:
                stack.append(tag)
        elif tag not in stack:
            problems.append(f"tag {match[0]} closes a tag that is not open")
        elif stack[-1] != tag:
            problems.append(f"tag <{stack[-1]}> and <{tag}> are badly nested")
            stack.remove(tag)
        else:
            stack.pop()
    problems.extend(f"tag <{tag}> is not closed" for tag in stack)
    for tag, selfclosing in sorted(wanted.items()):
        shown = f"<{tag}/>" if selfclosing else f"<{tag}>"
        count = opened.get(tag, 0)
        if count == 0:
            problems.append(f"tag {shown} is missing")
        elif count > 1:
            problems.append(f"tag {shown} appears {count} times")
    return problems


_MAPPING_DIRECTIVE = re.compile(
    r"%(?:%|\((?P<name>[^()]*)\)[#0 +-]*\d*(?:\.\d+)?[hlL]?(?P<conv>[diouxXeEfFgGcrsa]))"
)


def mapping_format_problems(text: str) -> list[str]:
    """Why `text % {...}` (Python's `%` with a mapping, as Jinja2's gettext applies it to
    every interface string) could fail or print something else: a `%` that is not `%%`
    or a named directive."""
    stray = _MAPPING_DIRECTIVE.sub("", text)
    if "%" not in stray:
        return []
    position = stray.index("%")
    shown = stray[position : position + 4]
    return [f"{shown!r} is not a placeholder: write '%%' for a percent sign"]
