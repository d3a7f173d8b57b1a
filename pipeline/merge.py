"""`.po` + `.pot` → updated `.po`: msgmerge's job, without ever losing a translation.

Exact matches keep their translation; changed messages get the most similar old
translation marked fuzzy with the previous msgid; vanished translations stay as
obsolete entries and are revived when their message returns.
"""

from __future__ import annotations

import polib

from pipeline.locales import locale_info


def _similar_index(entries: list[polib.POEntry]) -> tuple[list[str], list[polib.POEntry]]:
    usable = [e for e in entries if e.msgid and _translated(e)]
    return [e.msgid for e in usable], usable


def _translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def merge(
    po: polib.POFile,
    template: polib.POFile,
    lang: str | None = None,
    fuzzy_matching: bool = True,
    prune_obsolete: bool = False,
) -> polib.POFile:
    """Update `po` to the messages of `template`: exact reuse, fuzzy guesses, obsolete kept.

    Nothing translated is ever lost: a translation whose message vanished is kept as
    an obsolete (`#~`) entry and revived when the message comes back.
    """
    from rapidfuzz import fuzz, process

    lang = lang or po.metadata.get("Language", "")
    nplurals = locale_info(lang).nplurals if lang else 2
    old: dict[tuple[str | None, str], polib.POEntry] = {}
    for entry in po:
        key = (entry.msgctxt, entry.msgid)
        if entry.msgid and (key not in old or not entry.obsolete):
            old[key] = entry
    used: set[tuple[str | None, str]] = set()
    choices, candidates = _similar_index(list(old.values()))

    result = polib.POFile(wrapwidth=79)
    result.header_lines = getattr(po, "header_lines", [])  # type: ignore[attr-defined]
    result.metadata = dict(po.metadata)
    result.metadata_is_fuzzy = po.metadata_is_fuzzy
    if "POT-Creation-Date" in template.metadata:
        result.metadata["POT-Creation-Date"] = template.metadata["POT-Creation-Date"]

    for tentry in template:
        if not tentry.msgid or tentry.obsolete:
            continue
        entry = polib.POEntry(
            msgid=tentry.msgid,
            msgctxt=tentry.msgctxt,
            msgid_plural=tentry.msgid_plural,
            comment=tentry.comment,
            occurrences=list(tentry.occurrences),
            flags=[f for f in tentry.flags if f != "fuzzy"],
        )
        key = (tentry.msgctxt, tentry.msgid)
        previous = old.get(key)
        fuzzy = False
        if previous is None and fuzzy_matching and choices:
            best = process.extractOne(
                tentry.msgid,
                choices,
                scorer=fuzz.ratio,
                score_cutoff=60,
            )
            if best is not None:
                previous = candidates[best[2]]
                fuzzy = True
        if previous is not None:
            used.add((previous.msgctxt, previous.msgid))
            entry.tcomment = previous.tcomment
            entry.msgstr = previous.msgstr
            entry.msgstr_plural = dict(previous.msgstr_plural)
            if fuzzy or "fuzzy" in previous.flags:
                entry.flags.insert(0, "fuzzy")
                if fuzzy:
                    entry.previous_msgid = previous.msgid
                    entry.previous_msgctxt = previous.msgctxt
                else:
                    entry.previous_msgid = previous.previous_msgid
                    entry.previous_msgctxt = previous.previous_msgctxt
            for flag in previous.flags:
                if flag.startswith("no-") and flag not in entry.flags:
                    entry.flags.append(flag)
        if entry.msgid_plural:
            entry.msgstr_plural = {i: entry.msgstr_plural.get(i, "") for i in range(nplurals)}
        result.append(entry)

    if prune_obsolete:
        return result
    current = {(e.msgctxt, e.msgid) for e in result}
    for key, entry in old.items():
        if key in used or key in current or not _translated(entry):
            continue
        gone = polib.POEntry(
            msgid=entry.msgid,
            msgctxt=entry.msgctxt,
            msgid_plural=entry.msgid_plural,
            msgstr=entry.msgstr,
            tcomment=entry.tcomment,
            flags=list(entry.flags),
            previous_msgid=entry.previous_msgid,
            obsolete=True,
        )
        gone.msgstr_plural = dict(entry.msgstr_plural)
        result.append(gone)
    return result
