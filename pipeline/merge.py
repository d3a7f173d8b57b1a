"""`.po` + `.pot` → updated `.po`: msgmerge's job, the way `msgmerge --previous` does it.

The rules are GNU msgmerge 0.21's observable behaviour, re-derived by black-box experiments:
random old catalogs and templates (contexts, plurals, fuzzy, obsolete and untranslated
entries) through `msgmerge --previous` and through `merge`, compared message by message;
`tests/test_fuzzy.py` repeats them and `bench/update.py` measures the agreement on real
updates of the Python documentation.  Nothing here follows gettext's source code:

- exact match on (msgctxt, msgid) against every old entry, obsolete ones included, so a
  message that comes back revives its `#~` translation; an old fuzzy entry stays fuzzy; an
  exact match wins even when it is untranslated and a similar one is not;
- otherwise the fuzzy match of `pipeline.fuzzy` among the old entries whose (first)
  translation is not empty, fuzzy and obsolete ones included (the rules are there);
- the previous msgid (`#|`) is the old entry's msgid, or its own previous msgid when the old
  entry was itself fuzzy, and is kept only on fuzzy, translated results;
- old entries that nothing used become obsolete, in old-file order, without `#.`/`#:`;
- the header is the old one with the template's `Report-Msgid-Bugs-To` and
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
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import polib

from pipeline.fuzzy import FuzzyMatcher
from pipeline.model import EntryState, raw_state

_HEADER_FIELDS = (
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
"""The header fields msgmerge knows, in the order it writes them; others follow as found."""
_FROM_TEMPLATE = ("Report-Msgid-Bugs-To", "POT-Creation-Date")
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
    """A catalog whose header fields keep the order merge gave them, as msgmerge writes them."""

    carried_over: list[polib.POEntry]
    """Entries whose translation `carry_over` kept although their msgid changed."""

    def ordered_metadata(self) -> list[tuple[str, str]]:
        """The header fields in insertion order (msgmerge's order), not polib's."""
        return list(self.metadata.items())


def _forms(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _first_form(entry: polib.POEntry) -> str:
    """What msgmerge tests to call an entry translated: the (first) msgstr."""
    if entry.msgid_plural:
        return str(entry.msgstr_plural.get(0, "")) if entry.msgstr_plural else ""
    return str(entry.msgstr)


def has_translation(entry: polib.POEntry) -> bool:
    """True when any msgstr form of `entry` is non-empty."""
    return any(_forms(entry))


def _nplurals(po: polib.POFile, lang: str | None) -> int:
    """The number of plural forms: from the Plural-Forms header, else CLDR for `lang`, else 2."""
    match = _NPLURALS.search(po.metadata.get("Plural-Forms", ""))
    if match:
        return max(1, int(match[1]))
    if lang:
        from pipeline.locales import invalid_reason, locale_info

        if invalid_reason(lang) is None:
            return locale_info(lang).nplurals
    return 2


def _merge_header(po: polib.POFile, template: polib.POFile, lang: str | None) -> dict[str, str]:
    """The old header with the template's dates, fields in msgmerge's canonical order."""
    known = {name.lower(): name for name in _HEADER_FIELDS}
    fields: dict[str, str] = {}
    unknown: dict[str, str] = {}
    for name, value in po.metadata.items():
        canonical = known.get(name.lower())
        if canonical:
            fields[canonical] = value
        else:
            unknown[name] = value
    for name in _FROM_TEMPLATE:
        if name in template.metadata:
            fields[name] = template.metadata[name]
    if lang and not fields.get("Language"):
        fields["Language"] = lang
    header = {name: fields[name] for name in _HEADER_FIELDS if name in fields}
    header.update(unknown)
    return header


def _new_entry(
    ref: polib.POEntry,
    old: polib.POEntry | None,
    fuzzy_match: bool,
    nplurals: int,
    keep_previous: bool = False,
) -> polib.POEntry:
    """One updated message: `ref`'s identity and comments, `old`'s translation (see module)."""
    if old is None:
        entry = polib.POEntry(
            msgid=ref.msgid,
            msgctxt=ref.msgctxt,
            msgid_plural=ref.msgid_plural,
            msgstr=ref.msgstr,
            msgstr_plural=dict(ref.msgstr_plural),
            comment=ref.comment,
            tcomment=ref.tcomment,
            occurrences=list(ref.occurrences),
            flags=list(ref.flags),
        )
        if entry.msgid_plural and not any(_forms(entry)):
            entry.msgstr_plural = {i: "" for i in range(nplurals)}
        if not _first_form(entry) and "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        return entry
    old_fuzzy = "fuzzy" in old.flags
    fuzzy = old_fuzzy or fuzzy_match
    if old_fuzzy:
        previous = (old.previous_msgctxt, old.previous_msgid, old.previous_msgid_plural)
    else:
        previous = (old.msgctxt, old.msgid, old.msgid_plural or None)
    if (ref.msgid_plural or None) != (old.msgid_plural or None):
        fuzzy = True
    msgstr, msgstr_plural = old.msgstr, dict(old.msgstr_plural)
    if ref.msgid_plural and not old.msgid_plural:
        msgstr_plural = {i: old.msgstr for i in range(nplurals)}
        msgstr = ""
    elif old.msgid_plural and not ref.msgid_plural:
        # msgmerge keeps the first form; should only a later one be filled, keep that one.
        msgstr, msgstr_plural = next((form for form in _forms(old) if form), ""), {}
    entry = polib.POEntry(
        msgid=ref.msgid,
        msgctxt=ref.msgctxt,
        msgid_plural=ref.msgid_plural,
        msgstr=msgstr,
        msgstr_plural=msgstr_plural,
        comment=ref.comment,
        tcomment=old.tcomment,
        occurrences=list(ref.occurrences),
        flags=[flag for flag in ref.flags if flag != "fuzzy"],
    )
    # Like msgmerge's writer, no "fuzzy" (and so no previous msgid) without a translation.
    if fuzzy and _first_form(entry):
        entry.flags.insert(0, "fuzzy")
        entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural = previous
    elif keep_previous and old.previous_msgid and _first_form(entry):
        # A carried-over translation keeps its `#|` until a translator has reviewed it.
        entry.previous_msgctxt = old.previous_msgctxt
        entry.previous_msgid = old.previous_msgid
        entry.previous_msgid_plural = old.previous_msgid_plural
    return entry


def _obsolete(entry: polib.POEntry) -> polib.POEntry:
    """An unused old entry as `#~`: kept whole except `#.`, `#:` and `#~|` comments.

    msgmerge keeps the previous msgid too, but polib drops `#~|` lines when reading, so
    the next update would lose them anyway.
    """
    return polib.POEntry(
        msgid=entry.msgid,
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural,
        msgstr=entry.msgstr,
        msgstr_plural=dict(entry.msgstr_plural),
        tcomment=entry.tcomment,
        flags=list(entry.flags),
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
    olds: list[polib.POEntry] = list(po)
    exact: dict[Key, polib.POEntry] = {}
    for entry in olds:
        exact.setdefault((entry.msgctxt, entry.msgid), entry)
    nplurals = _nplurals(po, lang)
    index: FuzzyMatcher | None = None
    used: set[int] = set()

    result = MergedCatalog(wrapwidth=po.wrapwidth, encoding=po.encoding)
    result.header = po.header
    result.header_lines = list(getattr(po, "header_lines", None) or [])
    result.metadata = _merge_header(po, template, lang)
    result.metadata_is_fuzzy = po.metadata_is_fuzzy
    result.carried_over = []
    loose: dict[tuple[str | None, str], polib.POEntry] = {}
    if carry_over:
        for entry in olds:
            if entry.msgid and raw_state(entry) == EntryState.TRANSLATED:
                loose.setdefault((entry.msgctxt, carry_key(entry.msgid)), entry)

    for ref in _live(template):
        old = exact.get((ref.msgctxt, ref.msgid))
        if carry_over and ref.msgid and (old is None or not has_translation(old)):
            near = loose.get((ref.msgctxt, carry_key(ref.msgid)))
            if near is not None and _carry_candidate(near, ref):
                used.add(id(near))
                result.append(_carried(ref, near))
                result.carried_over.append(result[-1])
                continue
        fuzzy_match = False
        if old is None and fuzzy_matching and ref.msgid:
            if index is None:
                index = FuzzyMatcher(e for e in olds if _first_form(e))
            old = index.best(ref.msgctxt, ref.msgid)
            fuzzy_match = old is not None
        if old is not None:
            used.add(id(old))
        result.append(_new_entry(ref, old, fuzzy_match, nplurals, keep_previous=carry_over))

    if not prune_obsolete:
        for old in olds:
            if (
                id(old) not in used
                and has_translation(old)
                and (old.msgid or old.msgctxt is not None)
            ):
                result.append(_obsolete(old))
    return result


def _live(template: polib.POFile) -> Iterable[polib.POEntry]:
    """The template's messages: not obsolete, not a header."""
    return (e for e in template if not e.obsolete and (e.msgid or e.msgctxt is not None))
