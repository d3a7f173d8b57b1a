"""`.po` + `.pot` → updated `.po`: msgmerge's job, the way `msgmerge --previous` does it.

How this was written.  The rules are GNU msgmerge 0.21's observable behaviour, found by
black-box experiments: random old catalogs and templates (contexts, plurals, fuzzy, obsolete
and untranslated entries) through `msgmerge --previous` and through `merge`, compared message
by message, and small catalogs for each rule below; `tests/test_fuzzy.py` repeats them and
`bench/update.py` measures the agreement on real updates of the Python documentation.  This
module replaces one of unknown provenance that said it mirrored gettext's `msgmerge.c`; that
one was read before this one was written, its rules kept where the experiments confirmed them
(all of them), and the code is new.  No gettext source code was read, copied or translated.

- A template message takes the old entry with the same (msgctxt, msgid), obsolete ones
  included (a message that comes back revives its `#~` translation), even an untranslated
  one; failing that, the fuzzy match of `pipeline.fuzzy` among the old entries whose (first)
  translation is not empty, fuzzy and obsolete ones included.
- It keeps the template's msgid, msgid_plural, `#.`, `#:` and flags (but `fuzzy`), and takes
  the old entry's translation and translator comments.  A singular translation fills every
  plural form; a plural one gives its first form to a singular message.
- It is fuzzy when the old entry was, when it was matched fuzzily, or when its msgid_plural
  changed; the previous strings (`#|`) are the old entry's own, or the old entry's previous
  ones when it was fuzzy.  No `fuzzy` and no previous strings without a translation.
- A template message nothing matches is copied as it is (even a msgstr or translator comment
  it has), with the language's number of empty plural forms when it has none filled.
- Old entries nothing used become obsolete at the end, in old-file order, without `#.`/`#:`;
  untranslated ones are dropped.
- The header is the old one with the template's `Report-Msgid-Bugs-To` and
  `POT-Creation-Date`, its known fields in msgmerge's order and the others after them.

Where msgmerge would drop a translation (a plural whose first form is empty, when it
becomes obsolete or singular) we keep it: a translation is never lost.

One rule of our own, off by default (`carry_over`, which `pipeline update` turns on): a
reviewed translation whose msgid changed only in case, white space or typographic quotes
(`Stem cell therapy` → `Stem Cell Therapy`, `don’t` → `don't`) is carried over *not*
fuzzy, so a capitalisation edit does not turn finished handouts into drafts; the old
msgid stays as `#|` for review, and stays there on later updates until a translator
deletes it. Tags, placeholders and anything that looks like an address or number must
be identical, so a carried translation never says something its new source does not.
msgmerge makes such a message fuzzy; with `carry_over` off, so do we.

Link entries (`msgctxt "link"`, `pipeline.links`) hold a URL that the template pre-fills
as its own translation. A new one takes an old link entry's translation only when that
one was localised (its msgstr not its msgid) and the template dropped it, the most
similar pairs first, then fuzzy; else it keeps the template's pre-filled URL, so a
changed source link leaves a language translated. Link entries and text messages are
never matched with one another, and an old link entry that only repeated its URL is
dropped, not kept obsolete: it holds no translator's work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import polib

from pipeline.fuzzy import FuzzyMatcher
from pipeline.links import LINK_CONTEXT
from pipeline.model import EntryState, raw_state

_KNOWN_FIELDS = (
    "Project-Id-Version",
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
)
"""Header fields msgmerge writes in this order, before all others (observed)."""
_TEMPLATE_FIELDS = ("Report-Msgid-Bugs-To", "POT-Creation-Date")
"""Header fields the template's value replaces."""
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")

Key = tuple[str | None, str]

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'}
)
"""Typographic quotes → ASCII ones, for the carry-over key."""
_PROTECTED = re.compile(
    r"<(/?)[a-z]+[0-9]+/?>"  # inline tags
    r"|%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[a-zA-Z%]"  # printf-style placeholders
    r"|\{[^{}\s]*\}"  # brace placeholders
    r"|\S*(?:://|@|www\.)\S*|\S+\.[A-Za-z]{2,}\S*"  # URLs, e-mail addresses, domains
)
"""What a carried-over translation must find unchanged in its new msgid, case included."""


def carry_key(text: str) -> str:
    """`text` with case, white space and typographic quotes levelled: two msgids with the
    same key differ only in those."""
    return " ".join(text.translate(_QUOTES).split()).casefold()


def _same_protected(old: str, new: str) -> bool:
    return [m[0] for m in _PROTECTED.finditer(old)] == [m[0] for m in _PROTECTED.finditer(new)]


def _carry_candidate(old: polib.POEntry, ref: polib.POEntry) -> bool:
    """Whether `old`'s translation may be carried over to `ref`, not fuzzy (module doc):
    reviewed, and the same tags, placeholders and addresses in msgid and msgid_plural."""
    if raw_state(old) != EntryState.TRANSLATED or not _same_protected(old.msgid, ref.msgid):
        return False
    if not old.msgid_plural and not ref.msgid_plural:
        return True
    return (
        bool(old.msgid_plural and ref.msgid_plural)
        and carry_key(old.msgid_plural) == carry_key(ref.msgid_plural)
        and _same_protected(old.msgid_plural, ref.msgid_plural)
    )


def _edges(text: str) -> tuple[str, str]:
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


def _carried(ref: polib.POEntry, old: polib.POEntry) -> polib.POEntry:
    """`ref` with `old`'s reviewed translation, not fuzzy, `old`'s msgid as previous msgid.

    A form that mirrored the old msgid's leading/trailing white space takes the new one's."""
    old_edges, new_edges = _edges(old.msgid), _edges(ref.msgid)

    def moved(form: str) -> str:
        if old_edges != new_edges and form.strip() and _edges(form) == old_edges:
            return new_edges[0] + form.strip() + new_edges[1]
        return form

    entry = polib.POEntry(
        msgid=ref.msgid,
        msgctxt=ref.msgctxt,
        msgid_plural=ref.msgid_plural,
        msgstr=moved(old.msgstr),
        msgstr_plural={k: moved(v) for k, v in old.msgstr_plural.items()},
        comment=ref.comment,
        tcomment=old.tcomment,
        occurrences=list(ref.occurrences),
        flags=[flag for flag in ref.flags if flag != "fuzzy"],
    )
    entry.previous_msgctxt = old.msgctxt
    entry.previous_msgid = old.msgid
    entry.previous_msgid_plural = old.msgid_plural or None
    return entry


class MergedCatalog(polib.POFile):  # type: ignore[misc]
    """A catalog whose header fields are written in the order merge put them in."""

    carried_over: list[polib.POEntry]
    """Entries whose translation `carry_over` kept although their msgid changed."""

    def ordered_metadata(self) -> list[tuple[str, str]]:
        """The header fields in insertion order (msgmerge's order), not polib's."""
        return list(self.metadata.items())


def _forms(entry: polib.POEntry) -> list[str]:
    """The translations of `entry`: its msgstr, or its plural forms in order."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _first_form(entry: polib.POEntry) -> str:
    """The translation msgmerge looks at to call an entry translated: msgstr or msgstr[0]."""
    return str(entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr)


def has_translation(entry: polib.POEntry) -> bool:
    """True when any msgstr form of `entry` is non-empty."""
    return any(_forms(entry))


def _plural_count(po: polib.POFile, lang: str | None) -> int:
    """Plural forms of the language: Plural-Forms in the header, else CLDR's for `lang`, else 2."""
    declared = _NPLURALS.search(po.metadata.get("Plural-Forms", ""))
    if declared:
        return max(1, int(declared[1]))
    if lang:
        from pipeline.locales import invalid_reason, locale_info

        if invalid_reason(lang) is None:
            return locale_info(lang).nplurals
    return 2


def _header(po: polib.POFile, template: polib.POFile, lang: str | None) -> dict[str, str]:
    """The updated header fields, in the order msgmerge writes them."""
    spelling = {name.lower(): name for name in _KNOWN_FIELDS}
    known: dict[str, str] = {}
    others: dict[str, str] = {}
    for name, value in po.metadata.items():
        if name.lower() in spelling:
            known[spelling[name.lower()]] = value
        else:
            others[name] = value
    known.update(
        (name, template.metadata[name]) for name in _TEMPLATE_FIELDS if name in template.metadata
    )
    if lang and not known.get("Language"):
        known["Language"] = lang
    return {**{name: known[name] for name in _KNOWN_FIELDS if name in known}, **others}


def _unmatched(ref: polib.POEntry, nplurals: int) -> polib.POEntry:
    """A template message no old entry matches, as msgmerge copies it."""
    entry = polib.POEntry(
        msgctxt=ref.msgctxt,
        msgid=ref.msgid,
        msgid_plural=ref.msgid_plural,
        msgstr=ref.msgstr,
        msgstr_plural=dict(ref.msgstr_plural),
        tcomment=ref.tcomment,
        comment=ref.comment,
        occurrences=list(ref.occurrences),
        flags=list(ref.flags),
    )
    if entry.msgid_plural and not has_translation(entry):
        entry.msgstr_plural = dict.fromkeys(range(nplurals), "")
    if "fuzzy" in entry.flags and not _first_form(entry):
        entry.flags.remove("fuzzy")
    return entry


def _matched(
    ref: polib.POEntry,
    old: polib.POEntry,
    fuzzily: bool,
    nplurals: int,
    keep_previous: bool = False,
) -> polib.POEntry:
    """A template message with the translation of the old entry it was matched to."""
    msgstr, plural_forms = old.msgstr, dict(old.msgstr_plural)
    if ref.msgid_plural and not old.msgid_plural:
        msgstr, plural_forms = "", dict.fromkeys(range(nplurals), old.msgstr)
    elif old.msgid_plural and not ref.msgid_plural:
        # msgmerge takes the first form; when only a later one is filled, we keep that one.
        msgstr, plural_forms = next(filter(None, _forms(old)), ""), {}
    entry = polib.POEntry(
        msgctxt=ref.msgctxt,
        msgid=ref.msgid,
        msgid_plural=ref.msgid_plural,
        msgstr=msgstr,
        msgstr_plural=plural_forms,
        tcomment=old.tcomment,
        comment=ref.comment,
        occurrences=list(ref.occurrences),
        flags=[flag for flag in ref.flags if flag != "fuzzy"],
    )
    was_fuzzy = "fuzzy" in old.flags
    plural_changed = (ref.msgid_plural or None) != (old.msgid_plural or None)
    if (was_fuzzy or fuzzily or plural_changed) and _first_form(entry):
        entry.flags.insert(0, "fuzzy")
        if was_fuzzy:
            previous = (old.previous_msgctxt, old.previous_msgid, old.previous_msgid_plural)
        else:
            previous = (old.msgctxt, old.msgid, old.msgid_plural or None)
        entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural = previous
    elif keep_previous and old.previous_msgid and _first_form(entry):
        # A carried-over translation keeps its `#|` until a translator has reviewed it.
        entry.previous_msgctxt = old.previous_msgctxt
        entry.previous_msgid = old.previous_msgid
        entry.previous_msgid_plural = old.previous_msgid_plural
    return entry


def _retired(old: polib.POEntry) -> polib.POEntry:
    """An old entry nothing used, as the obsolete `#~` entry msgmerge keeps of it.

    msgmerge keeps its previous strings too, but polib does not read `#~|` lines back, so
    the next update would lose them anyway.
    """
    return polib.POEntry(
        msgctxt=old.msgctxt,
        msgid=old.msgid,
        msgid_plural=old.msgid_plural,
        msgstr=old.msgstr,
        msgstr_plural=dict(old.msgstr_plural),
        tcomment=old.tcomment,
        flags=list(old.flags),
        obsolete=True,
    )


def merge(
    po: polib.POFile,
    template: polib.POFile,
    lang: str | None = None,
    fuzzy_matching: bool = True,
    prune_obsolete: bool = False,
    carry_over: bool = False,
) -> MergedCatalog:
    """Update `po` to the messages of `template` the way `msgmerge --previous` does.

    `lang` fills a missing Language header and, failing a Plural-Forms header, gives the
    number of plural forms. `carry_over` keeps reviewed translations of msgids that
    changed only in case, white space or quotes (module doc); the result lists them in
    `carried_over`. Inputs are not modified.
    """
    olds = list(po)
    by_key: dict[Key, polib.POEntry] = {}
    for old in olds:
        by_key.setdefault((old.msgctxt, old.msgid), old)
    nplurals = _plural_count(po, lang)
    matcher: FuzzyMatcher | None = None
    used: set[int] = set()

    result = MergedCatalog(wrapwidth=po.wrapwidth, encoding=po.encoding)
    result.header = po.header
    result.header_lines = list(getattr(po, "header_lines", None) or [])
    result.metadata = _header(po, template, lang)
    result.metadata_is_fuzzy = po.metadata_is_fuzzy
    result.carried_over = []
    loose: dict[Key, polib.POEntry] = {}
    if carry_over:
        for entry in olds:
            if entry.msgid and raw_state(entry) == EntryState.TRANSLATED:
                loose.setdefault((entry.msgctxt, carry_key(entry.msgid)), entry)

    moved = _moved_links(template, olds, by_key) if fuzzy_matching else {}
    for ref in _messages(template):
        old = by_key.get((ref.msgctxt, ref.msgid))
        if ref.msgctxt == LINK_CONTEXT:
            if old is None and ref.msgid in moved:
                old = moved[ref.msgid]
                used.add(id(old))
                result.append(_matched(ref, old, True, nplurals))
                continue
            if old is None:
                result.append(_unmatched(ref, nplurals))
            else:
                used.add(id(old))
                result.append(_matched(ref, old, False, nplurals, keep_previous=carry_over))
            continue
        if carry_over and ref.msgid and (old is None or not has_translation(old)):
            near = loose.get((ref.msgctxt, carry_key(ref.msgid)))
            if near is not None and _carry_candidate(near, ref):
                used.add(id(near))
                result.append(_carried(ref, near))
                result.carried_over.append(result[-1])
                continue
        fuzzily = False
        if old is None and fuzzy_matching and ref.msgid:
            if matcher is None:
                matcher = FuzzyMatcher(
                    entry for entry in olds if _first_form(entry) and entry.msgctxt != LINK_CONTEXT
                )
            old = matcher.best(ref.msgctxt, ref.msgid)
            fuzzily = old is not None
        if old is None:
            result.append(_unmatched(ref, nplurals))
        else:
            used.add(id(old))
            result.append(_matched(ref, old, fuzzily, nplurals, keep_previous=carry_over))

    if not prune_obsolete:
        result.extend(
            _retired(old)
            for old in olds
            if id(old) not in used
            and has_translation(old)
            and (old.msgid or old.msgctxt is not None)
            and (old.msgctxt != LINK_CONTEXT or _localised_link(old))
        )
    return result


def _moved_links(
    template: polib.POFile, olds: list[polib.POEntry], by_key: dict[Key, polib.POEntry]
) -> dict[str, polib.POEntry]:
    """New link target → the localised old link entry it most likely replaces: old ones
    the template dropped, each paired once with the most similar new target (similarity
    over 0.6), the most similar pairs first, since URLs share long prefixes."""
    from difflib import SequenceMatcher

    keys = {(e.msgctxt, e.msgid) for e in _messages(template)}
    gone = [e for e in olds if _localised_link(e) and (e.msgctxt, e.msgid) not in keys]
    new = [
        e.msgid
        for e in _messages(template)
        if e.msgctxt == LINK_CONTEXT and (LINK_CONTEXT, e.msgid) not in by_key
    ]
    pairs = sorted(
        (
            (SequenceMatcher(None, old.msgid, target).ratio(), index, target, old)
            for index, old in enumerate(gone)
            for target in new
        ),
        key=lambda pair: (-pair[0], pair[1], pair[2]),
    )
    moved: dict[str, polib.POEntry] = {}
    taken: set[int] = set()
    for ratio, _index, target, old in pairs:
        if ratio > 0.6 and target not in moved and id(old) not in taken:
            moved[target] = old
            taken.add(id(old))
    return moved


def _localised_link(entry: polib.POEntry) -> bool:
    """A link entry whose translator gave a target of their own."""
    return entry.msgctxt == LINK_CONTEXT and bool(entry.msgstr) and entry.msgstr != entry.msgid


def _messages(template: polib.POFile) -> Iterable[polib.POEntry]:
    """The template's messages: not obsolete, not a header."""
    return (e for e in template if not e.obsolete and (e.msgid or e.msgctxt is not None))
