"""`pipeline fix`: safe mechanical fixes, entry by entry, that leave `check` nothing to say."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import copy_project, run_cli
from pipeline.checks import check_catalog
from pipeline.fix import NBSP, NNBSP, fix_catalog, french_spacing
from pipeline.po import parse_po

HEADER = """msgid ""
msgstr ""
"Language: {lang}\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

"""


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("Attention : lisez ceci.", f"Attention{NBSP}: lisez ceci."),
        ("Attention: lisez ceci.", f"Attention{NBSP}: lisez ceci."),
        ("Pourquoi ? Parce que !", f"Pourquoi{NNBSP}? Parce que{NNBSP}!"),
        ("Vraiment ?!", f"Vraiment{NNBSP}?!"),
        ("Oui ; non.", f"Oui{NNBSP}; non."),
        ("« Pourquoi ? »", f"« Pourquoi{NNBSP}? »"),
        ("<strong1>Attention</strong1>: lisez.", f"<strong1>Attention</strong1>{NBSP}: lisez."),
        ("<strong1>Attention </strong1>: lisez.", f"<strong1>Attention{NBSP}</strong1>: lisez."),
        # already right, or not punctuation of a sentence: untouched
        (f"Attention{NBSP}: lisez.", f"Attention{NBSP}: lisez."),
        (f"Pourquoi{NNBSP}?", f"Pourquoi{NNBSP}?"),
        ("À 10:30, voir https://example.org/a?b=c.", "À 10:30, voir https://example.org/a?b=c."),
        (": en tête", ": en tête"),
    ],
)
def test_french_spacing(text: str, fixed: str) -> None:
    assert french_spacing(text, "fr")[0] == fixed


def test_french_spacing_of_a_huge_text_is_one_pass() -> None:
    """A hostile msgstr with tens of thousands of marks is rebuilt once, not per mark."""
    text, changes = french_spacing("mot : " * 40_000, "fr")
    assert text == f"mot{NBSP}: " * 40_000 and changes == ["no-break space before ':'"]


def test_canadian_french_spaces_only_the_colon() -> None:
    assert french_spacing("Pourquoi? Voici:", "fr_CA") == (
        f"Pourquoi? Voici{NBSP}:",
        ["no-break space before ':'"],
    )


CATALOG = """#: a.md
msgid "Warning: read this."
msgstr "Attention : lisez ceci."

msgid "Ask your doctor"
msgstr "  Demandez à votre  médecin "

msgid "Page %(page)s "
msgstr "Page %(page)s"

msgid "Wait…"
msgstr "Attendez..."

msgid "Wait..."
msgstr "Attendez..."

#, no-check-punctuation
msgid "Note: kept as written"
msgstr "Note : gardé tel quel"

#, fuzzy
msgid "Why?"
msgstr "Pourquoi ?"

msgid "%(n)s day: rest"
msgid_plural "%(n)s days: rest"
msgstr[0] "%(n)s jour : repos"
msgstr[1] "%(n)s jours : repos"
"""


def test_fixes_leave_the_checks_nothing_to_report(tmp_path: Path) -> None:
    path = tmp_path / "demo.po"
    path.write_text(HEADER.format(lang="fr") + CATALOG, "utf-8")
    catalog = parse_po(path)
    before, _ = check_catalog(path, catalog, "fr", "demo", source_language="en")
    assert {f.check for f in before} >= {"punctuation", "whitespace"}

    fixes = fix_catalog(catalog, "fr")
    assert [(fix.msgid, fix.changes) for fix in fixes] == [
        ("Warning: read this.", ("no-break space before ':'",)),
        (
            "Ask your doctor",
            (
                "leading white space as in the source",
                "trailing white space as in the source",
                "double space made single",
            ),
        ),
        ("Page %(page)s ", ("trailing white space as in the source",)),
        ("Wait…", ("'...' written '…' as in the source",)),
        ("%(n)s day: rest", ("no-break space before ':'",)),
    ]
    assert fixes[0].line == 7  # the entry's line, where `check` reports it
    texts = {e.msgid: e.msgstr for e in catalog}
    assert texts["Ask your doctor"] == "Demandez à votre médecin"
    assert texts["Page %(page)s "] == "Page %(page)s "
    assert texts["Wait…"] == "Attendez…"
    assert texts["Wait..."] == "Attendez..."  # the source writes three dots
    assert texts["Note: kept as written"] == "Note : gardé tel quel"  # silenced by its flag
    assert texts["Why?"] == "Pourquoi ?"  # fuzzy: not reviewed, not ours to touch
    plural = catalog.find("%(n)s day: rest")
    assert plural.msgstr_plural == {0: f"%(n)s jour{NBSP}: repos", 1: f"%(n)s jours{NBSP}: repos"}

    after, _ = check_catalog(path, catalog, "fr", "demo", source_language="en")
    left = [f for f in after if f.check in ("punctuation", "whitespace")]
    assert left == []
    assert fix_catalog(catalog, "fr") == []


def test_other_languages_get_no_french_spacing(tmp_path: Path) -> None:
    path = tmp_path / "demo.po"
    path.write_text(
        HEADER.format(lang="es") + 'msgid "Note: this"\nmsgstr "Nota : esto "\n', "utf-8"
    )
    catalog = parse_po(path)
    assert [fix.changes for fix in fix_catalog(catalog, "es")] == [
        ("trailing white space as in the source",)
    ]
    assert catalog.find("Note: this").msgstr == "Nota : esto"


def _break_french(project: Path) -> tuple[Path, bytes]:
    """Put plain spaces where the French catalog has no-break ones; the file and its bytes."""
    path = project / "locales" / "fr" / "LC_MESSAGES" / "stem-cell-therapy-ms.po"
    original = path.read_bytes()
    text = original.decode("utf-8")
    broken = text.replace(f"{NBSP}:", " :", 2).replace(f"{NNBSP}?", "?", 1)
    assert broken != text
    path.write_text(broken, "utf-8")
    return path, original


def test_fix_command_reports_each_entry_and_writes_through_the_lock(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    path, original = _break_french(project)
    broken = path.read_bytes()
    warned = run_cli("check", "--lang", "fr", cwd=project)
    assert warned.stdout.startswith("0 errors, 3 warnings")

    check = run_cli("fix", "--check", cwd=project, check=False)
    assert check.returncode == 1
    lines = check.stdout.splitlines()
    assert len(lines) == 4 and lines[-1] == "3 entries in 1 file can be fixed: run 'pipeline fix'"
    for line in lines[:3]:
        assert line.startswith("locales/fr/LC_MESSAGES/stem-cell-therapy-ms.po:")
        assert ": can fix: no-break space before " in line
    assert path.read_bytes() == broken  # --check writes nothing

    from pipeline.fsutil import project_lock

    with project_lock(project):
        locked = run_cli("fix", cwd=project, check=False)
    assert locked.returncode == 1
    assert locked.stderr.endswith("another pipeline process is working on this project\n")
    assert path.read_bytes() == broken

    fixed = run_cli("fix", "--lang", "fr", cwd=project)
    assert [line.replace("fixed:", "can fix:") for line in fixed.stdout.splitlines()[:3]] == (
        lines[:3]
    )
    assert fixed.stdout.splitlines()[-1] == "fixed 3 entries in 1 file"
    # The translators' own characters come back: U+00A0 before ':', U+202F before '?'.
    assert path.read_bytes() == original
    assert run_cli("check", "--lang", "fr", "--strict", cwd=project).returncode == 0
    assert run_cli("fix", "--check", cwd=project).stdout == "nothing to fix\n"
    assert subprocess.run(["msgcat", str(path)], capture_output=True).stdout == original


def test_a_broken_catalog_stops_fix_before_anything_is_written(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    path, _ = _break_french(project)
    broken = path.read_bytes()
    later = project / "locales" / "hi" / "LC_MESSAGES" / "ui.po"  # read after French
    later.write_text(later.read_text("utf-8") + 'msgid "unterminated\n', "utf-8")
    result = run_cli("fix", cwd=project, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("locales/hi/LC_MESSAGES/ui.po:")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert path.read_bytes() == broken


def test_fix_refuses_a_language_that_is_not_there(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = run_cli("fix", "--lang", "de", cwd=project, check=False)
    assert result.returncode == 1
    assert "'de' is not configured and has no catalogs" in result.stderr
    assert len(result.stderr.splitlines()) == 1
