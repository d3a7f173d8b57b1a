"""`pipeline.fuzzy` and `pipeline.merge` against GNU msgmerge, as the black box they imitate.

These are the experiments the rules of `pipeline/fuzzy.py` come from: generated old
catalogs and templates through `msgmerge --previous`, compared with `pipeline.merge.merge`.
Each rule's test also checks that its cases tell that rule from a plausible other one, so
that it fails when the rule is changed.
"""

from __future__ import annotations

import random
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import polib
import pytest
from rapidfuzz.distance import Indel

from pipeline.fuzzy import CONTEXT_BONUS, FuzzyMatcher
from pipeline.merge import merge
from pipeline.po import generate_po, parse_po

HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=n != 1;\\n"\n\n'
)


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def entry(msgid: str, msgstr: str = "", msgctxt: str | None = None) -> str:
    context = f"msgctxt {quote(msgctxt)}\n" if msgctxt is not None else ""
    return f"{context}msgid {quote(msgid)}\nmsgstr {quote(msgstr)}\n"


Case = tuple[list[str], list[str]]
"""Old entries and template entries, as PO text."""


def both(directory: Path, case: Case) -> tuple[polib.POFile, polib.POFile]:
    """The update of one case by msgmerge and by us."""
    directory.mkdir(parents=True)
    old, pot, out = directory / "old.po", directory / "new.pot", directory / "gnu.po"
    old.write_text(HEADER + "\n".join(case[0]), "utf-8")
    pot.write_text(HEADER + "\n".join(case[1]), "utf-8")
    command = ["msgmerge", "-q", "--previous", str(old), str(pot), "-o", str(out)]
    subprocess.run(command, check=True)
    return polib.pofile(str(out)), merge(parse_po(old), parse_po(pot))


def outcome(entry: polib.POEntry | None) -> tuple[object, ...]:
    """What a translator sees of one message: translation, fuzzy flag, previous msgid."""
    if entry is None:
        return ("absent",)
    forms = tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)) or (entry.msgstr,)
    if not any(forms):
        return ("untranslated",)
    fuzzy = "fuzzy" in entry.flags
    return (forms, fuzzy, entry.previous_msgid if fuzzy else None)


def outcomes(po: polib.POFile) -> dict[tuple[str | None, str, bool], tuple[object, ...]]:
    return {(e.msgctxt, e.msgid, bool(e.obsolete)): outcome(e) for e in po if e.msgid}


def disagreements(tmp_path: Path, cases: list[Case]) -> list[str]:
    """The cases on which our update differs from msgmerge's, shown."""
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(lambda item: both(tmp_path / str(item[0]), item[1]), enumerate(cases))
        )
    found = []
    for case, (gnu, ours) in zip(cases, results, strict=True):
        if outcomes(gnu) != outcomes(ours):
            found.append(f"{case}\nmsgmerge: {outcomes(gnu)}\nours: {outcomes(ours)}")
    return found


def utf8(text: str) -> str:
    return text.encode().decode("latin-1")


def similarity(a: str, b: str) -> float:
    return float(Indel.normalized_similarity(a, b))


def mutate(rng: random.Random, text: str, edits: int, alphabet: str) -> str:
    chars = list(text)
    for _ in range(edits):
        at = rng.randrange(len(chars) + 1)
        roll = rng.random()
        if roll < 0.4 and chars:
            chars[min(at, len(chars) - 1)] = rng.choice(alphabet)
        elif roll < 0.7:
            chars.insert(at, rng.choice(alphabet))
        elif chars:
            del chars[min(at, len(chars) - 1)]
    return "".join(chars)


def pairs(seed: int, alphabet: str, count: int) -> list[tuple[str, str]]:
    """(old msgid, new msgid) pairs, from identical to unrelated."""
    rng = random.Random(seed)
    found: list[tuple[str, str]] = []
    while len(found) < count:
        new = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        old = mutate(rng, new, rng.randint(1, len(new)), alphabet)
        if old and old != new and new.strip() and old.strip():
            found.append((old, new))
    return found


def grams(text: str) -> set[str]:
    return {text[i : i + 4] for i in range(len(text) - 3)}


# --- one candidate: the score, the threshold, the 4-gram filter -------------------------------


def test_one_candidate_score_is_over_bytes_with_a_4_gram_filter(tmp_path: Path) -> None:
    """A translation is offered when 2·LCS/(a+b) over UTF-8 bytes (+0.00001) exceeds 0.6 and,
    for a msgid of 4 characters or more, the two share a 4-character substring."""
    cases = pairs(1, "abcd ", 90) + pairs(2, "aéè字 b", 90)

    def predicted(old: str, new: str, on_bytes: bool, filtered: bool) -> bool:
        score = similarity(utf8(old), utf8(new)) if on_bytes else similarity(old, new)
        shares = len(new) < 4 or bool(grams(old) & grams(new))
        return score + 0.00001 > 0.6 and (shares or not filtered)

    truth = [predicted(old, new, on_bytes=True, filtered=True) for old, new in cases]
    for alternative in ((False, True), (True, False)):  # characters; no 4-gram filter
        assert truth != [predicted(old, new, *alternative) for old, new in cases]
    assert sum(truth) > 30 and sum(not t for t in truth) > 30
    assert disagreements(tmp_path, [([entry(o, "T")], [entry(n)]) for o, n in cases]) == []


def test_context_bonus_is_a_hundred_thousandth(tmp_path: Path) -> None:
    """An old message in another context loses to one in the wanted context unless it scores
    more than about 0.00001 higher (measured: 0.0000092 loses, 0.0000104 wins)."""
    rng = random.Random(1)
    new = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(600))

    def candidate(common: int, size: int) -> str:  # shares exactly `common` characters
        return new[:common] + "".join(rng.choice("0123456789") for _ in range(size - common))

    cases, winners = [], []
    for (c1, s1), (c2, s2) in [((522, 566), (492, 499)), ((497, 535), (504, 551))]:
        gap = Fraction(2 * c1, 600 + s1) - Fraction(2 * c2, 600 + s2)
        winners.append("other" if gap > CONTEXT_BONUS else "wanted")
        other, wanted = candidate(c1, s1), candidate(c2, s2)
        cases.append(
            ([entry(other, "other", "Y"), entry(wanted, "wanted", "X")], [entry(new, "", "X")])
        )
    assert winners == ["wanted", "other"]  # 0.0000094 and 0.0000107 apart
    assert disagreements(tmp_path, cases) == []


# --- several candidates: the best one, and ties -----------------------------------------------


Triple = tuple[str, str, str]
"""A new msgid and two old ones."""


def ties(
    seed: int, alphabet: str, short: bool, keep: Callable[[str, str, str], bool]
) -> list[Triple]:
    """Two old msgids with the same score against a new one."""
    rng = random.Random(seed)
    found: list[Triple] = []
    while len(found) < 30:
        new = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3) if short else 12))
        one, two = (mutate(rng, new, rng.randint(1, 4), alphabet) for _ in range(2))
        if len({new, one, two}) < 3 or not one or not two:
            continue
        score = similarity(utf8(one), utf8(new))
        if score != similarity(utf8(two), utf8(new)) or score <= 0.6 or not keep(new, one, two):
            continue
        found.append((new, one, two))
    return found


def both_orders(triples: list[Triple]) -> list[Case]:
    """Each tie with the two old messages in one file order, then in the other."""
    return [
        (old, [entry(new)])
        for new, one, two in triples
        for old in ([entry(one, "1"), entry(two, "2")], [entry(two, "2"), entry(one, "1")])
    ]


def shared(new: str, old: str) -> int:
    """The new msgid's 4-character substrings, with repetition, that the old msgid contains."""
    return sum(1 for i in range(len(new) - 3) if new[i : i + 4] in grams(old))


def test_ties_go_to_the_most_shared_4_grams_counted_with_repetition(tmp_path: Path) -> None:
    def discriminating(new: str, one: str, two: str) -> bool:
        distinct = len(grams(new) & grams(one)) - len(grams(new) & grams(two))
        repeated = shared(new, one) - shared(new, two)
        return shared(new, one) > 0 < shared(new, two) and (distinct > 0) != (repeated > 0)

    assert disagreements(tmp_path, both_orders(ties(3, "ab", False, discriminating))) == []


def test_ties_with_as_many_4_grams_go_to_the_earliest(tmp_path: Path) -> None:
    """Not to the shorter one: `one` is the new msgid less k characters, `two` the new msgid
    with j = 12k/(12-k) more, so both score 2(12-k)/(24-k)."""
    rng = random.Random(4)
    triples: list[Triple] = []
    while len(triples) < 30:
        new = "".join(rng.choice("abcd") for _ in range(12))
        cut = rng.choice([3, 4, 6])
        kept = sorted(rng.sample(range(12), 12 - cut))
        one = "".join(new[i] for i in kept)
        two = list(new)
        for _ in range(12 * cut // (12 - cut)):
            two.insert(rng.randint(0, len(two)), rng.choice("abcd"))
        pair = (one, "".join(two))
        if shared(new, pair[0]) == shared(new, pair[1]) > 0 and len(set((new, *pair))) == 3:
            triples.append((new, *pair))
    scores = {(similarity(new, one), similarity(new, two)) for new, one, two in triples}
    assert all(a == b for a, b in scores)
    assert disagreements(tmp_path, both_orders(triples)) == []


def test_ties_for_a_short_msgid_go_to_the_shortest(tmp_path: Path) -> None:
    """Under four characters there are no 4-grams: the shortest (in bytes), then the earliest."""
    triples = ties(5, "aé字b", True, lambda new, one, two: True)
    assert sum(len(utf8(one)) != len(utf8(two)) for _, one, two in triples) > 5
    assert disagreements(tmp_path, both_orders(triples)) == []


# --- whole updates ----------------------------------------------------------------------------


def random_update(seed: int) -> Case:
    """Old catalog and template with contexts, plurals, fuzzy, obsolete and untranslated
    entries, in few letters so that many messages are alike.  Left out: what we do
    differently on purpose (a plural whose first form is empty keeps its translation) or
    cannot read (an obsolete entry's `#~|` previous msgid)."""
    rng = random.Random(seed)
    alphabet = rng.choice(["abcd ", "ab", "aé字 b", "abcdefgh "])
    sizes = [1, 2, 3, 5, 8, 12, 20, 40]
    words = ["".join(rng.choice(alphabet) for _ in range(rng.choice(sizes))) for _ in range(12)]

    def catalog(old: bool) -> list[str]:
        entries, seen = [], set()
        for word in rng.sample(words, rng.randint(3, 12)):
            context = rng.choice([None, None, None, "c1", "c2"])
            if not word or (context, word) in seen:
                continue
            seen.add((context, word))
            obsolete = old and rng.random() < 0.2
            mark = "#~ " if obsolete else ""
            translated = old and rng.random() < 0.75
            lines = []
            if old and rng.random() < 0.25:
                lines.append("#, fuzzy")
                if not obsolete and rng.random() < 0.6:
                    lines.append(f"#| msgid {quote(rng.choice(words) or 'x')}")
            if context:
                lines.append(f"{mark}msgctxt {quote(context)}")
            lines.append(f"{mark}msgid {quote(word)}")
            if rng.random() < 0.2:
                lines.append(f"{mark}msgid_plural {quote(word + 's')}")
                for form in range(2):
                    text = f"T{form}-{word}" if translated else ""
                    lines.append(f"{mark}msgstr[{form}] {quote(text)}")
            else:
                lines.append(f"{mark}msgstr {quote(f'T-{word}' if translated else '')}")
            entries.append("\n".join(lines) + "\n")
        return entries

    return catalog(old=True), catalog(old=False)


def test_random_updates_agree_with_msgmerge(tmp_path: Path) -> None:
    """Exact matches (obsolete ones revived, fuzzy ones kept fuzzy), fuzzy matches with their
    previous msgid, plurals, and which old entries become obsolete, in which order."""
    assert disagreements(tmp_path, [random_update(seed) for seed in range(100)]) == []


def test_header_agrees_with_msgmerge(tmp_path: Path) -> None:
    """Known fields in msgmerge's order with the template's two, unknown ones after them."""
    old = tmp_path / "old.po"
    old.write_text(
        '# Old comment\nmsgid ""\nmsgstr ""\n"X-Custom: 1\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: nplurals=2; plural=n != 1;\\n"\n'
        '"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"PO-Revision-Date: 2024-02-02\\n"\n"Project-Id-Version: old 1\\n"\n'
        '"Last-Translator: Me\\n"\n"POT-Creation-Date: 2020-01-01\\n"\n"MIME-Version: 1.0\\n"\n'
        '"Report-Msgid-Bugs-To: old@x\\n"\n"Language-Team: French\\n"\n'
        '"X-Generator: Poedit\\n"\n\nmsgid "a"\nmsgstr "b"\n',
        "utf-8",
    )
    pot = tmp_path / "new.pot"
    pot.write_text(
        '# Template comment\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Project-Id-Version: new 2\\n"\n'
        '"Report-Msgid-Bugs-To: new@x\\n"\n"POT-Creation-Date: 2025-05-05\\n"\n'
        '"PO-Revision-Date: YEAR\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"X-Template: t\\n"\n\nmsgid "a"\nmsgstr ""\n',
        "utf-8",
    )
    gnu = subprocess.run(
        ["msgmerge", "-q", str(old), str(pot)], capture_output=True, text=True, check=True
    ).stdout
    assert generate_po(merge(parse_po(old), parse_po(pot))) == gnu


@pytest.mark.parametrize("size", [3, 4])
def test_fuzzy_matcher_on_its_own(size: int) -> None:
    """The 4-gram filter applies from four characters on."""
    old = polib.POEntry(msgid="aXbXcXdXeXf"[: 2 * size - 1], msgstr="T")
    new = "abcdef"[:size]
    found = FuzzyMatcher([old]).best(None, new)
    assert similarity(old.msgid, new) > 0.6
    assert (found is old) == (size < 4)


def test_a_plural_is_offered_by_its_first_form(tmp_path: Path) -> None:
    """An old plural whose first form is empty is not offered, whatever its other forms.
    (msgmerge then drops it; we keep it as obsolete: the one difference on purpose.)"""
    old = [
        'msgid "abcdefgh"\nmsgid_plural "abcdefghs"\nmsgstr[0] ""\nmsgstr[1] "T1"\n',
        'msgid "zzzzzzzz"\nmsgid_plural "zs"\nmsgstr[0] "Z0"\nmsgstr[1] ""\n',
    ]
    gnu, ours = both(tmp_path / "plural", (old, [entry("abcdefgX"), entry("zzzzzzzX")]))
    live = {key: value for key, value in outcomes(gnu).items() if not key[2]}
    assert {key: value for key, value in outcomes(ours).items() if not key[2]} == live
    assert live[(None, "zzzzzzzX", False)][1] is True  # offered, fuzzy
    assert live[(None, "abcdefgX", False)] == ("untranslated",)


def test_plural_changes_agree_with_msgmerge(tmp_path: Path) -> None:
    """A changed msgid_plural makes the entry fuzzy with both previous strings; a singular
    translation fills every plural form; the template's own msgstr, comments and flags stay
    on a message nothing matches (though the manual says they are discarded)."""
    old = [
        'msgid "apple"\nmsgid_plural "apples"\nmsgstr[0] "A0"\nmsgstr[1] "A1"\n',
        'msgid "pear"\nmsgstr "P"\n',
        "# old note\n#. old\n#: old.c\n#, python-format\n" + entry("same", "S"),
    ]
    new = [
        'msgid "apple"\nmsgid_plural "many apples"\nmsgstr[0] ""\nmsgstr[1] ""\n',
        'msgid "pear"\nmsgid_plural "pears"\nmsgstr[0] ""\nmsgstr[1] ""\n',
        "# template note\n#. new\n#: new.c\n#, c-format, fuzzy\n" + entry("same", "T"),
        "# template comment\n#, fuzzy, no-wrap\n" + entry("fresh", "T2"),
    ]
    directory = tmp_path / "plurals"
    gnu, ours = both(directory, (old, new))
    assert outcomes(ours) == outcomes(gnu)
    assert generate_po(ours) == (directory / "gnu.po").read_text("utf-8")
