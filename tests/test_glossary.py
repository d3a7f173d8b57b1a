"""`pipeline.glossary` and the `glossary` check: terms matched as documented, bad files refused."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from conftest import copy_project, run_cli
from pipeline.checks import check_catalog
from pipeline.errors import CatalogError
from pipeline.glossary import read_glossary


def _glossary(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "glossary.csv"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(
    ("source", "msgid", "found"),
    [
        ("stem cell", "Stem cells may help.", True),
        ("stem cell", "A stem-cell transplant.", True),
        ("disease-modifying therapy", "Disease-modifying therapies exist.", True),
        ("disease-modifying therapy", "disease modifying therapy", True),
        ("cell", "Cellular therapy", False),
        ("HSCT", "HSCT is intense.", True),
        ("HSCT", "hsct is intense.", False),
        ("HSCT", "aHSCT trials", False),
        ("myelin", "Remyelination", False),
    ],
)
def test_source_terms_match_words_and_plurals(
    tmp_path: Path, source: str, msgid: str, found: bool
) -> None:
    glossary = read_glossary(_glossary(tmp_path, f"source,target,note\n{source},x,\n"))
    assert glossary.terms[0].in_source(msgid) is found


@pytest.mark.parametrize(
    ("target", "msgstr", "found"),
    [
        ("рассеянн склероз", "при рассеянном склерозе", True),
        ("рассеянн склероз", "склероз рассеянный", False),
        ("células madre | célula madre", "una célula madre", True),
        ("多发性硬化症", "患有多发性硬化症的人", True),
        ("esclerosis múltiple", "Esclerosis Múltiple", True),
        ("esclerosis múltiple", "esclerosis", False),
    ],
)
def test_target_alternatives_match_stems_in_order(
    tmp_path: Path, target: str, msgstr: str, found: bool
) -> None:
    glossary = read_glossary(_glossary(tmp_path, f'source,target,note\nterm,"{target}",\n'))
    assert glossary.terms[0].in_translation(msgstr) is found


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("term,target\n", 1, "the first line must be the header 'source,target,note'"),
        ("source,target,note\nstem cell,,\n", 2, "each line needs a source term and a target"),
        ("source,target,note\na,b,\nA,c,\n", 3, "source term 'A' is listed twice"),
        ("source,target,note\na,b,c,d\n", 2, "more than 3 columns"),
    ],
)
def test_malformed_glossary_is_refused_with_its_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = _glossary(tmp_path, text)
    with pytest.raises(CatalogError) as caught:
        read_glossary(path)
    assert caught.value.line == line
    assert caught.value.message.startswith(message)


def test_check_warns_once_per_entry_and_flag_silences(tmp_path: Path) -> None:
    glossary = read_glossary(
        _glossary(tmp_path, "source,target,note\nstem cell,célula madre,\nmyelin,mielina,\n")
    )
    catalog = polib.POFile()
    catalog.metadata = {
        "Language": "es",
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);",
    }
    good = polib.POEntry(
        msgid="Stem cells repair myelin.", msgstr="Las células madre reparan la mielina."
    )
    bad = polib.POEntry(
        msgid="Stem cells repair myelin.!", msgstr="Las células troncales reparan la vaina.!"
    )
    quiet = polib.POEntry(msgid="Stem cells.", msgstr="Las troncales.", flags=["no-check-glossary"])
    for entry in (good, bad, quiet):
        catalog.append(entry)
    findings, silenced = check_catalog(
        tmp_path / "x.po", catalog, "es", "x", text="", source_language="en", glossary=glossary
    )
    glossary_findings = [f for f in findings if f.check == "glossary"]
    assert [f.message for f in glossary_findings] == [
        "'stem cell' should be translated as 'célula madre' (glossary.csv:2); "
        "'myelin' should be translated as 'mielina' (glossary.csv:3)"
    ]
    assert silenced == 1


def test_project_glossary_is_used_by_pipeline_check(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "locales" / "es" / "glossary.csv").write_text(
        "source,target,note\nmultiple sclerosis,escleroZZZ,\n", "utf-8"
    )
    result = run_cli("check", "--lang", "es", cwd=project, check=False)
    assert "glossary: 'multiple sclerosis' should be translated as 'escleroZZZ'" in result.stderr
    (project / "locales" / "es" / "glossary.csv").write_text("nonsense\n", "utf-8")
    result = run_cli("check", "--lang", "es", cwd=project, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "locales/es/glossary.csv:1: the first line must be the header 'source,target,note'"
    )
