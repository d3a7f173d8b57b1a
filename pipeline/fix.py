"""`pipeline fix`: the safe mechanical fixes of translations, each reported by entry.

A fix changes only typography that `check` reports and that has one right answer,
never a word: French no-break spaces before `: ; ! ?` (U+00A0 before a colon, U+202F
before the others, as the Imprimerie nationale's rules and the French catalogs here
write them), leading and trailing white space as the source text has it, `...` → `…`
where the source writes `…`, and double spaces the source does not have. An entry
whose `#, no-check-<name>` flag silences the matching check is left alone, and only
reviewed translations (not fuzzy) are touched, the entries `check` looks at. The
rules are written from the check messages they answer (`pipeline/checks.py`); the
core (`fix_entry`) is pure, `fix_catalog` applies it to one parsed catalog.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.config import Config
from pipeline.links import LINK_CONTEXT
from pipeline.model import TAG_RE, EntryState, Layout, live_entries, raw_state
from pipeline.po import parse_po

NBSP, NNBSP = "\u00a0", "\u202f"
_CLOSERS = "\"'”’»›」』)]"
_DOUBLE_SPACE = re.compile(r"  +")
_DOTS = re.compile(r"(?<!\.)\.\.\.(?!\.)")


@dataclass(frozen=True)
class EntryFix:
    """What `fix` changed (or would change) in one catalog entry."""

    line: int
    """Line of the entry's msgid in the catalog as read."""
    msgid: str
    changes: tuple[str, ...]
    """One short description per kind of fix, e.g. `no-break space before ':'`."""


def _plain(text: str) -> tuple[str, list[int]]:
    """The text without tags, and for each of its characters the index in `text`."""
    plain: list[str] = []
    where: list[int] = []
    position = 0
    for match in TAG_RE.finditer(text):
        for index in range(position, match.start()):
            plain.append(text[index])
            where.append(index)
        position = match.end()
    for index in range(position, len(text)):
        plain.append(text[index])
        where.append(index)
    return "".join(plain), where


def french_spacing(text: str, lang: str) -> tuple[str, list[str]]:
    """The text with a no-break space before each French high punctuation mark that has a
    plain space or none (Canadian French: before `:` only), as the punctuation check asks.

    Only marks followed by white space, a closing quote or bracket, or the end count,
    so `10:30`, `https://` and `?!` inside a word are untouched; tags are skipped over.
    """
    marks = ":" if lang == "fr_CA" else ":;!?"
    plain, where = _plain(text)
    edits: list[tuple[int, int, str]] = []
    fixed: list[str] = []
    pattern = rf"[{re.escape(marks)}][{re.escape(marks)}!?]*"
    for match in re.finditer(pattern, plain):
        start = match.start()
        after = plain[match.end()] if match.end() < len(plain) else " "
        if not start or not (after.isspace() or after in _CLOSERS):
            continue
        before = plain[start - 1]
        if before in NBSP + NNBSP:
            continue
        mark = match[0][0]
        space = NBSP if mark == ":" else NNBSP
        if before in " \t":
            edits.append((where[start - 1], where[start - 1] + 1, space))
        elif before.isspace():
            continue  # a line break before the mark: not ours to decide
        else:
            edits.append((where[start], where[start], space))
        if mark not in fixed:
            fixed.append(mark)
    pieces: list[str] = []
    position = 0
    for begin, end, space in edits:  # in order, so the text is rebuilt once
        pieces += [text[position:begin], space]
        position = end
    pieces.append(text[position:])
    return "".join(pieces), [f"no-break space before {mark!r}" for mark in fixed]


def _edges(text: str) -> tuple[str, str, str]:
    """Leading white space, the text between, trailing white space."""
    core = text.strip()
    if not core:
        return text, "", ""
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return lead, core, trail


def _fix_form(text: str, source: str, lang: str, flags: list[str]) -> tuple[str, list[str]]:
    """One translated text fixed against its source text; the list says what changed."""
    changes: list[str] = []
    whitespace = "no-check-whitespace" not in flags
    punctuation = "no-check-punctuation" not in flags
    if whitespace and text.strip():
        lead, core, trail = _edges(text)
        src_lead, _, src_trail = _edges(source)
        if lead != src_lead:
            changes.append("leading white space as in the source")
        if trail != src_trail:
            changes.append("trailing white space as in the source")
        if "  " in core and "  " not in source:
            core = _DOUBLE_SPACE.sub(" ", core)
            changes.append("double space made single")
        text = src_lead + core + src_trail
    if punctuation and "…" in source and "..." not in source and _DOTS.search(text):
        text = _DOTS.sub("…", text)
        changes.append("'...' written '…' as in the source")
    if punctuation and lang.split("_")[0] == "fr":
        text, spacing = french_spacing(text, lang)
        changes += spacing
    return text, changes


def fix_entry(entry: polib.POEntry, lang: str) -> list[str]:
    """Apply the fixes to a reviewed translation in place; return what changed (empty: none).

    Plural forms are compared with `msgid_plural` (the first form with `msgid`)."""
    if raw_state(entry) != EntryState.TRANSLATED or entry.msgctxt == LINK_CONTEXT:
        return []  # a link target is a URL: nothing to fix in it
    changes: list[str] = []

    def apply(text: str, source: str, store: Callable[[str], None]) -> None:
        new, what = _fix_form(text, source, lang, entry.flags)
        if new != text:
            store(new)
            changes.extend(c for c in what if c not in changes)

    if entry.msgid_plural:
        for index in sorted(entry.msgstr_plural):
            source = entry.msgid if index == 0 else entry.msgid_plural

            def store(new: str, index: int = index) -> None:
                entry.msgstr_plural[index] = new

            apply(entry.msgstr_plural[index], source, store)
    else:

        def store_single(new: str) -> None:
            entry.msgstr = new

        apply(entry.msgstr, entry.msgid, store_single)
    return changes


def fix_catalog(catalog: polib.POFile, lang: str) -> list[EntryFix]:
    """Fix every live entry of a parsed catalog in place; one `EntryFix` per changed entry."""
    fixes = []
    for entry in live_entries(catalog):
        changes = fix_entry(entry, lang)
        if changes:
            fixes.append(EntryFix(entry.linenum, entry.msgid, tuple(changes)))
    return fixes


@dataclass(frozen=True)
class CatalogFixes:
    """One catalog with its fixes applied in memory, to report and write."""

    path: Path
    catalog: polib.POFile
    fixes: tuple[EntryFix, ...]


def fix_project(config: Config, langs: list[str] | None = None) -> list[CatalogFixes]:
    """Read and fix every catalog of the chosen languages (see `project.chosen_languages`),
    in memory; only catalogs with something fixed are returned. All are read before any is
    returned, so a broken catalog stops `fix` before it writes anything."""
    from pipeline.project import chosen_languages

    result = []
    for lang in chosen_languages(config, langs):
        for path in Layout.of(config).pos(lang):
            catalog = parse_po(path)
            fixes = fix_catalog(catalog, lang)
            if fixes:
                result.append(CatalogFixes(path, catalog, tuple(fixes)))
    return result
