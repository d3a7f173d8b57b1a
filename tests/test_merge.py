"""`pipeline.merge`: msgmerge's update rules, nothing lost, and agreement with GNU msgmerge."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, run_cli
from pipeline.merge import merge
from pipeline.po import generate_po, parse_po, write_po

HEADER = """\
# Old translator notes.
msgid ""
msgstr ""
"Project-Id-Version: demo 1\\n"
"POT-Creation-Date: 2024-01-01 00:00+0000\\n"
"PO-Revision-Date: 2024-02-02 00:00+0000\\n"
"Language: pl\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

"""
POT_HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: demo 2\\n"
"POT-Creation-Date: 2025-05-05 05:05+0000\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

"""
PYTHON_DOCS = DATA / "python-docs-fr"
needs_msgmerge = pytest.mark.skipif(
    shutil.which("msgmerge") is None, reason="GNU gettext's msgmerge is not installed"
)


def catalog(body: str, header: str = HEADER) -> polib.POFile:
    return parse_po(Path("test.po"), header + body)


def template(body: str) -> polib.POFile:
    return parse_po(Path("test.pot"), POT_HEADER + body)


def only(po: polib.POFile, msgid: str, obsolete: bool = False) -> polib.POEntry:
    found = [e for e in po if e.msgid == msgid and bool(e.obsolete) == obsolete]
    assert len(found) == 1, [(e.msgid, e.obsolete) for e in po]
    return found[0]


def test_exact_match_keeps_translation_and_takes_template_comments() -> None:
    old = catalog('# translator note\n#. old extracted\n#: old.md\nmsgid "Hello"\nmsgstr "Cześć"\n')
    new = merge(old, template('#. new extracted\n#: new.md\nmsgid "Hello"\nmsgstr ""\n'))
    entry = only(new, "Hello")
    assert (entry.msgstr, entry.flags, entry.previous_msgid) == ("Cześć", [], None)
    assert (entry.tcomment, entry.comment, entry.occurrences) == (
        "translator note",
        "new extracted",
        [("new.md", "")],
    )
    assert not new.obsolete_entries()


def test_changed_message_is_fuzzy_with_previous_msgid() -> None:
    old = catalog('msgid "Ask your neurologist about HSCT."\nmsgstr "Zapytaj neurologa o HSCT."\n')
    new = merge(old, template('msgid "Ask your neurologist about aHSCT."\nmsgstr ""\n'))
    entry = only(new, "Ask your neurologist about aHSCT.")
    assert entry.msgstr == "Zapytaj neurologa o HSCT."
    assert entry.flags == ["fuzzy"]
    assert entry.previous_msgid == "Ask your neurologist about HSCT."
    assert not new.obsolete_entries(), "a translation used fuzzily is not also kept obsolete"


def test_fuzzy_source_that_was_fuzzy_keeps_its_own_previous_msgid() -> None:
    old = catalog('#, fuzzy\n#| msgid "First text"\nmsgid "Second text here"\nmsgstr "Drugi"\n')
    fuzzy = only(
        merge(old, template('msgid "Second text there"\nmsgstr ""\n')), "Second text there"
    )
    assert (fuzzy.flags, fuzzy.previous_msgid) == (["fuzzy"], "First text")
    exact = only(merge(old, template('msgid "Second text here"\nmsgstr ""\n')), "Second text here")
    assert (exact.flags, exact.previous_msgid, exact.msgstr) == (["fuzzy"], "First text", "Drugi")


def test_dissimilar_message_stays_untranslated_and_old_one_obsolete() -> None:
    old = catalog('#. extracted\nmsgid "Completely different words"\nmsgstr "Inne"\n')
    new = merge(old, template('msgid "Nothing alike at all"\nmsgstr ""\n'))
    assert only(new, "Nothing alike at all").msgstr == ""
    gone = only(new, "Completely different words", obsolete=True)
    assert (gone.msgstr, gone.comment, gone.occurrences) == ("Inne", "", [])


def test_obsolete_entry_is_revived_exactly_then_fuzzily() -> None:
    old = catalog('#~ msgid "Stem cells repair myelin."\n#~ msgstr "Komórki macierzyste."\n')
    revived = only(
        merge(old, template('msgid "Stem cells repair myelin."\nmsgstr ""\n')),
        "Stem cells repair myelin.",
    )
    assert (revived.msgstr, revived.flags, revived.obsolete) == ("Komórki macierzyste.", [], False)
    similar = merge(old, template('msgid "Stem cells may repair myelin."\nmsgstr ""\n'))
    entry = only(similar, "Stem cells may repair myelin.")
    assert (entry.msgstr, entry.flags) == ("Komórki macierzyste.", ["fuzzy"])
    assert entry.previous_msgid == "Stem cells repair myelin."
    assert not similar.obsolete_entries()


def test_removed_then_restored_round_trip() -> None:
    old = catalog('msgid "Keep me"\nmsgstr "Zostaw"\n\nmsgid "Drop me"\nmsgstr "Usuń"\n')
    removed = merge(old, template('msgid "Keep me"\nmsgstr ""\n'))
    assert only(removed, "Drop me", obsolete=True).msgstr == "Usuń"
    restored = merge(
        removed, template('msgid "Keep me"\nmsgstr ""\n\nmsgid "Drop me"\nmsgstr ""\n')
    )
    assert only(restored, "Drop me").msgstr == "Usuń"
    assert not restored.obsolete_entries()


def test_no_fuzzy_matching_and_prune_obsolete() -> None:
    old = catalog('msgid "The dose is 2 mg daily."\nmsgstr "Dawka 2 mg."\n')
    pot = template('msgid "The dose is 3 mg daily."\nmsgstr ""\n')
    plain = merge(old, pot, fuzzy_matching=False)
    assert only(plain, "The dose is 3 mg daily.").msgstr == ""
    assert only(plain, "The dose is 2 mg daily.", obsolete=True).msgstr == "Dawka 2 mg."
    pruned = merge(old, pot, fuzzy_matching=False, prune_obsolete=True)
    assert [e.msgid for e in pruned] == ["The dose is 3 mg daily."]
    assert only(merge(old, pot, prune_obsolete=True), "The dose is 3 mg daily.").flags == ["fuzzy"]


def test_plural_entries_get_the_languages_number_of_forms() -> None:
    old = catalog('msgid "%d page"\nmsgstr "%d strona"\n')
    pot = template(
        'msgid "%d page"\nmsgid_plural "%d pages"\nmsgstr[0] ""\nmsgstr[1] ""\n\n'
        'msgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] ""\nmsgstr[1] ""\n'
    )
    new = merge(old, pot)
    grown = only(new, "%d page")
    assert grown.msgstr_plural == {0: "%d strona", 1: "%d strona", 2: "%d strona"}
    assert "fuzzy" in grown.flags
    assert only(new, "%d file").msgstr_plural == {0: "", 1: "", 2: ""}
    no_header = catalog('msgid "x"\nmsgstr ""\n', header=POT_HEADER)
    assert only(merge(no_header, pot, lang="ar"), "%d file").msgstr_plural == dict.fromkeys(
        range(6), ""
    )


def test_header_takes_template_dates_and_keeps_translator_fields() -> None:
    new = merge(catalog('msgid "a"\nmsgstr "b"\n'), template('msgid "a"\nmsgstr ""\n'))
    assert new.metadata["POT-Creation-Date"] == "2025-05-05 05:05+0000"
    assert new.metadata["PO-Revision-Date"] == "2024-02-02 00:00+0000"
    assert new.metadata["Project-Id-Version"] == "demo 1"
    assert new.header_lines == ["# Old translator notes."]
    assert list(new.metadata)[:3] == ["Project-Id-Version", "POT-Creation-Date", "PO-Revision-Date"]


def test_inputs_are_not_modified() -> None:
    old = catalog('msgid "Old words here"\nmsgstr "Stare"\n')
    pot = template('#: a.md\nmsgid "Old words there"\nmsgstr ""\n')
    before = (_snapshot(old), _snapshot(pot))
    merged = merge(old, pot, lang="pl")
    assert (_snapshot(old), _snapshot(pot)) == before
    assert _snapshot(merged) != before[0]  # the merge did change something: in a copy


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_written_output_passes_msgfmt_check(tmp_path: Path) -> None:
    old = catalog(
        'msgid "Page %(page)s of %(pages)s"\nmsgstr "Strona %(page)s z %(pages)s"\n\n'
        'msgid "%d page"\nmsgstr "%d strona"\n\n'
        'msgid "Gone away now"\nmsgstr "Zniknęło"\n'
    )
    pot = template(
        '#, python-format\nmsgid "Page %(page)s of %(pages)s."\nmsgstr ""\n\n'
        'msgid "%d page"\nmsgid_plural "%d pages"\nmsgstr[0] ""\nmsgstr[1] ""\n\n'
        'msgid "%d item"\nmsgid_plural "%d items"\nmsgstr[0] ""\nmsgstr[1] ""\n'
    )
    out = tmp_path / "out.po"
    write_po(out, merge(old, pot))
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(out)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "#~ msgid" in out.read_text("utf-8")


def test_merge_command_writes_the_merged_catalog(tmp_path: Path) -> None:
    (tmp_path / "old.po").write_text(HEADER + 'msgid "Hello there"\nmsgstr "Cześć"\n', "utf-8")
    (tmp_path / "new.pot").write_text(POT_HEADER + 'msgid "Hello there!"\nmsgstr ""\n', "utf-8")
    run_cli("merge", "old.po", "new.pot", "-o", "out.po", cwd=tmp_path)
    entry = only(parse_po(tmp_path / "out.po"), "Hello there!")
    assert (entry.msgstr, entry.flags, entry.previous_msgid) == ("Cześć", ["fuzzy"], "Hello there")


# --- properties -----------------------------------------------------------------------------

_TEXT = st.text(alphabet="ab cé", min_size=1, max_size=10)


@st.composite
def _entries(draw: st.DrawFn, old: bool) -> list[polib.POEntry]:
    keys = draw(st.lists(st.tuples(st.sampled_from([None, "ctx"]), _TEXT), max_size=8, unique=True))
    entries = []
    for msgctxt, msgid in keys:
        plural = draw(st.booleans()) and draw(st.booleans())
        translated = old and draw(st.booleans())
        entry = polib.POEntry(msgctxt=msgctxt, msgid=msgid, obsolete=old and draw(st.booleans()))
        if plural:
            entry.msgid_plural = msgid + "s"
            entry.msgstr_plural = {
                i: (draw(st.sampled_from(["", f"T{i}"])) if translated else "") for i in range(3)
            }
        elif translated:
            entry.msgstr = "T-" + msgid
        if old and draw(st.booleans()):
            entry.flags = ["fuzzy"]
            entry.previous_msgid = draw(st.none() | _TEXT)
        entries.append(entry)
    return entries


def _file(entries: list[polib.POEntry]) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=3; plural=n%3;",
    }
    po.extend(entries)
    return po


def _has_text(entry: polib.POEntry) -> bool:
    """The entry holds some translated text (any form), whatever its flags: defined here,
    not taken from the module under test."""
    return bool(entry.msgstr) or any(entry.msgstr_plural.values())


def _carried(po: polib.POFile) -> int:
    """Entries holding a translation: translated or fuzzy, active or obsolete."""
    return sum(1 for entry in po if _has_text(entry))


def _snapshot(po: polib.POFile) -> tuple[object, ...]:
    return (
        list(po.metadata.items()),
        [
            (
                e.msgctxt,
                e.msgid,
                e.msgid_plural,
                e.msgstr,
                sorted(e.msgstr_plural.items()),
                e.flags,
                e.previous_msgid,
                bool(e.obsolete),
                e.comment,
                e.tcomment,
                e.occurrences,
            )
            for e in po
        ],
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_entries(old=True), _entries(old=False), st.booleans())
def test_merge_loses_nothing_and_is_idempotent(
    olds: list[polib.POEntry], refs: list[polib.POEntry], fuzzy_matching: bool
) -> None:
    po, pot = _file(olds), _file(refs)
    once = merge(po, pot, fuzzy_matching=fuzzy_matching)
    assert _carried(once) >= _carried(po)
    assert [(e.msgctxt, e.msgid) for e in once if not e.obsolete] == [
        (e.msgctxt, e.msgid) for e in refs
    ]
    twice = merge(once, pot, fuzzy_matching=fuzzy_matching)
    assert _snapshot(twice) == _snapshot(once)


# --- agreement with GNU msgmerge ---------------------------------------------------------------


def _outcome(entry: polib.POEntry | None) -> tuple[object, ...]:
    """What a translator sees of one message: its translation, fuzzy flag and previous msgid."""
    if entry is None or not _has_text(entry):
        return ("untranslated",)
    forms = tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
    fuzzy = "fuzzy" in entry.flags
    return (forms or (entry.msgstr,), fuzzy, entry.previous_msgid if fuzzy else None)


def agreement(ours: polib.POFile, theirs: polib.POFile, pot: polib.POFile) -> float:
    """Share of the template's messages on which both catalogs reuse the same old entry."""
    mine = {(e.msgctxt, e.msgid): e for e in ours if not e.obsolete}
    gnu = {(e.msgctxt, e.msgid): e for e in theirs if not e.obsolete}
    keys = [(e.msgctxt, e.msgid) for e in pot if not e.obsolete]
    same = sum(_outcome(mine.get(key)) == _outcome(gnu.get(key)) for key in keys)
    return same / len(keys)


def _msgmerge(old: Path, pot: Path, out: Path) -> polib.POFile:
    subprocess.run(["msgmerge", "-q", "--previous", str(old), str(pot), "-o", str(out)], check=True)
    return polib.pofile(str(out))


@needs_msgmerge
def test_agrees_with_msgmerge_on_a_real_update(tmp_path: Path) -> None:
    old, pot = (
        PYTHON_DOCS / "3.12" / "library-re.po",
        PYTHON_DOCS / "3.13-templates" / "library-re.pot",
    )
    template_file = parse_po(pot)
    ours = merge(parse_po(old), template_file)
    assert agreement(ours, _msgmerge(old, pot, tmp_path / "gnu.po"), template_file) >= 0.99


@needs_msgmerge
def test_agrees_with_msgmerge_on_contexts_plurals_ties_and_short_strings(tmp_path: Path) -> None:
    old = tmp_path / "old.po"
    old.write_text(
        HEADER
        + 'msgctxt "menu"\nmsgid "Open file"\nmsgstr "Otwórz plik"\n\n'
        + 'msgid "Open file"\nmsgstr "Otwórz"\n\n'
        + 'msgid "abcd"\nmsgstr "A"\n\nmsgid "abce"\nmsgstr "B"\n\n'
        + 'msgid "ab"\nmsgstr "C"\n\nmsgid "ba"\nmsgstr "D"\n\n'
        + 'msgid "%d apple"\nmsgid_plural "%d apples"\nmsgstr[0] "a0"\nmsgstr[1] "a1"\n'
        + 'msgstr[2] "a2"\n\n'
        + '#, fuzzy\nmsgid "Close the window"\nmsgstr ""\n\n'
        + '#~ msgid "Save the file now"\n#~ msgstr "Zapisz"\n',
        "utf-8",
    )
    pot = tmp_path / "new.pot"
    pot.write_text(
        POT_HEADER
        + 'msgctxt "toolbar"\nmsgid "Open file"\nmsgstr ""\n\n'
        + 'msgctxt "menu"\nmsgid "Open files"\nmsgstr ""\n\n'
        + 'msgid "abcf"\nmsgstr ""\n\nmsgid "abx"\nmsgstr ""\n\nmsgid "a"\nmsgstr ""\n\n'
        + 'msgid "%d apple"\nmsgstr ""\n\n'
        + 'msgid "%d pear"\nmsgid_plural "%d pears"\nmsgstr[0] ""\nmsgstr[1] ""\n\n'
        + 'msgid "Close the windows"\nmsgstr ""\n\nmsgid "Save the file"\nmsgstr ""\n',
        "utf-8",
    )
    ours = merge(parse_po(old), parse_po(pot))
    gnu = _msgmerge(old, pot, tmp_path / "gnu.po")
    assert [(e.msgctxt, e.msgid, _outcome(e), bool(e.obsolete)) for e in ours] == [
        (e.msgctxt, e.msgid, _outcome(e), bool(e.obsolete)) for e in gnu
    ]


# --- carry-over (ours; off by default, `pipeline update` turns it on) --------------------------

CARRIED_OLD = (
    'msgid "Stem cell therapy"\nmsgstr "Terapia komórkowa"\n\n'
    'msgid "Ask your  doctor."\nmsgstr "Zapytaj lekarza."\n\n'
    'msgid "Don’t stop “treatment”."\nmsgstr "Nie przerywaj leczenia."\n\n'
    'msgid "Skip "\nmsgstr "Pomiń "\n\n'
    'msgid "Take <strong1>2 mg</strong1>."\nmsgstr "Weź <strong1>2 mg</strong1>."\n\n'
    'msgid "See example.org/Page"\nmsgstr "Zobacz example.org/Page"\n\n'
    'msgid "Hello %(Name)s"\nmsgstr "Cześć %(Name)s"\n\n'
    '#, fuzzy\nmsgid "Relapse of symptoms"\nmsgstr "Nawrót objawów"\n'
)
CARRIED_NEW = (
    'msgid "Stem Cell Therapy"\nmsgstr ""\n\n'
    'msgid "Ask your doctor."\nmsgstr ""\n\n'
    'msgid "Don\'t stop \\"treatment\\"."\nmsgstr ""\n\n'
    'msgid "Skip"\nmsgstr ""\n\n'
    'msgid "TAKE <strong1>2 MG</strong1>."\nmsgstr ""\n\n'
    'msgid "See example.org/page"\nmsgstr ""\n\n'
    'msgid "Hello %(name)s"\nmsgstr ""\n\n'
    'msgid "Relapse of Symptoms"\nmsgstr ""\n'
)


def test_carry_over_keeps_case_space_and_quote_edits_translated() -> None:
    new = merge(catalog(CARRIED_OLD), template(CARRIED_NEW), carry_over=True)
    kept = {
        "Stem Cell Therapy": ("Terapia komórkowa", "Stem cell therapy"),
        "Ask your doctor.": ("Zapytaj lekarza.", "Ask your  doctor."),
        'Don\'t stop "treatment".': ("Nie przerywaj leczenia.", "Don’t stop “treatment”."),
        "Skip": ("Pomiń", "Skip "),  # the edge white space follows the new source
        "TAKE <strong1>2 MG</strong1>.": (
            "Weź <strong1>2 mg</strong1>.",
            "Take <strong1>2 mg</strong1>.",
        ),
    }
    for msgid, (msgstr, previous) in kept.items():
        entry = only(new, msgid)
        # not fuzzy, so published; the old source stays as `#|` for review
        assert (entry.msgstr, entry.flags, entry.previous_msgid) == (msgstr, [], previous)
    assert [e.msgid for e in new.carried_over] == list(kept)
    # Case is meaning in addresses and placeholders, and a fuzzy entry was never reviewed:
    # those follow msgmerge (fuzzy, previous msgid).
    for msgid in ("See example.org/page", "Hello %(name)s", "Relapse of Symptoms"):
        assert "fuzzy" in only(new, msgid).flags, msgid
    assert not new.obsolete_entries()


def test_carry_over_is_off_by_default_as_in_msgmerge() -> None:
    new = merge(catalog(CARRIED_OLD), template(CARRIED_NEW))
    entry = only(new, "Stem Cell Therapy")
    assert (entry.msgstr, entry.flags, entry.previous_msgid) == (
        "Terapia komórkowa",
        ["fuzzy"],
        "Stem cell therapy",
    )
    assert new.carried_over == []


def test_carried_previous_msgid_stays_until_reviewed_and_msgmerge_drops_it() -> None:
    pot = template(CARRIED_NEW)
    once = merge(catalog(CARRIED_OLD), pot, carry_over=True)
    twice = merge(once, pot, carry_over=True)
    assert generate_po(twice) == generate_po(once)
    assert twice.carried_over == []  # nothing new to carry: they match exactly now
    assert only(twice, "Stem Cell Therapy").previous_msgid == "Stem cell therapy"
    plain = only(merge(once, pot), "Stem Cell Therapy")
    assert (plain.msgstr, plain.flags, plain.previous_msgid) == ("Terapia komórkowa", [], None)


@needs_msgmerge
def test_merge_command_keeps_msgmerge_semantics_unless_asked(tmp_path: Path) -> None:
    """`pipeline merge` writes what `msgmerge --previous` writes for a case-only change;
    `--carry-over` keeps the translation, and gettext's own tools read it unchanged."""
    (tmp_path / "old.po").write_text(HEADER + CARRIED_OLD, "utf-8")
    (tmp_path / "new.pot").write_text(POT_HEADER + CARRIED_NEW, "utf-8")
    run_cli("merge", "old.po", "new.pot", "-o", "ours.po", cwd=tmp_path)
    gnu = _msgmerge(tmp_path / "old.po", tmp_path / "new.pot", tmp_path / "gnu.po")
    ours = parse_po(tmp_path / "ours.po")
    assert [(e.msgid, _outcome(e)) for e in ours] == [(e.msgid, _outcome(e)) for e in gnu]
    assert "fuzzy" in only(ours, "Stem Cell Therapy").flags

    run_cli("merge", "--carry-over", "old.po", "new.pot", "-o", "carried.po", cwd=tmp_path)
    carried = tmp_path / "carried.po"
    entry = only(parse_po(carried), "Stem Cell Therapy")
    assert (entry.flags, entry.previous_msgid) == ([], "Stem cell therapy")
    assert subprocess.run(["msgcat", str(carried)], capture_output=True).stdout == (
        carried.read_bytes()
    )
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(carried)]).returncode == 0


_CASES = st.text(alphabet="aA b’'\"“", min_size=1, max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(_CASES, st.booleans(), st.booleans()), max_size=8, unique_by=lambda t: t[0]),
    st.lists(_CASES, max_size=8, unique=True),
)
def test_carry_over_loses_nothing_and_is_idempotent(
    olds: list[tuple[str, bool, bool]], refs: list[str]
) -> None:
    entries = []
    for msgid, translated, fuzzy in olds:
        entry = polib.POEntry(msgid=msgid, msgstr=f"T-{msgid}" if translated else "")
        entry.flags = ["fuzzy"] if fuzzy and translated else []
        entries.append(entry)
    po = _file(entries)
    pot = _file([polib.POEntry(msgid=msgid) for msgid in refs])
    once = merge(po, pot, carry_over=True)
    assert _carried(once) >= _carried(po)
    assert [e.msgid for e in once if not e.obsolete] == refs
    for entry in once.carried_over:
        assert "fuzzy" not in entry.flags and entry.previous_msgid != entry.msgid
    assert _snapshot(merge(once, pot, carry_over=True)) == _snapshot(once)
