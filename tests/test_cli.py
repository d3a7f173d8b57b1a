"""The command line as a user meets it: help, exit codes, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_project, new_language, run_cli

COMMANDS = ["extract", "init", "update", "build"]


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_command_has_help(tmp_path: Path, command: str) -> None:
    result = run_cli(*([command] if command else []), "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "Usage: pipeline" in result.stdout


def test_wrong_usage_exits_2(tmp_path: Path) -> None:
    result = run_cli("build", "--jobs", "zero", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert run_cli("no-such-command", cwd=tmp_path, check=False).returncode == 2


def test_outside_a_project_is_one_line(tmp_path: Path) -> None:
    result = run_cli("build", cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("no pyproject.toml with [tool.pipeline]")
    assert len(result.stderr.splitlines()) == 1


def test_project_option_and_subfolders(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    assert run_cli("--project", str(project), "extract", "--check", cwd=tmp_path).returncode == 0
    assert run_cli("extract", "--check", cwd=project / "source").returncode == 0


def test_a_glyph_no_font_has_fails_the_build_at_its_catalog_line(tmp_path: Path) -> None:
    from pipeline.po import parse_po, write_po

    project = copy_project(tmp_path / "p")
    po_path = project / "locales" / "es" / "LC_MESSAGES" / "stem-cell-therapy-ms.po"
    catalog = parse_po(po_path)
    entry = catalog.find("Autoimmune Disease")
    entry.msgstr = "Enfermedad \U00011ee0 autoinmune"
    write_po(po_path, catalog)
    line = next(
        n
        for n, text in enumerate(po_path.read_text("utf-8").splitlines(), 1)
        if "\U00011ee0" in text
    )
    result = run_cli("build", "--lang", "es", cwd=project, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"locales/es/LC_MESSAGES/stem-cell-therapy-ms.po:{line}: no font has a glyph for"
        f' "\U00011ee0" (U+11EE0)'
    ]
    assert not (project / "output" / "es" / "stem-cell-therapy-ms.pdf").exists()


def test_init_then_build_a_new_language(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = run_cli("init", "de", cwd=project)
    assert "created locales/de/LC_MESSAGES/stem-cell-therapy-ms.po" in result.stdout
    assert 'add "de" to [tool.pipeline] languages' in result.stdout
    again = run_cli("init", "de", cwd=project)
    assert "created" not in again.stdout and "nothing was written" in again.stdout
    for _ in range(2):  # the second build has nothing to do, and says the same once
        build = run_cli("build", "--lang", "de", cwd=project)
        lines = build.stdout.splitlines()
        assert lines[0] == (
            "note: 'de' is not in [tool.pipeline] languages: its pages are built but"
            ' output/index.html does not list them; add "de" to languages to publish it'
        )
        assert [line for line in lines if "not published" in line] == [
            "not published: de (2 handouts not written): stem-cell-therapy-ms:"
            " 0% translated, below the threshold of 80%"
        ]
    assert not (project / "output" / "de").exists()


def test_check_finds_a_changed_dose_and_strict_counts_warnings(tmp_path: Path) -> None:
    import json

    from pipeline.po import parse_po, write_po

    project = copy_project(tmp_path / "p")
    clean = run_cli("check", cwd=project)
    assert clean.stdout.startswith("0 errors, 0 warnings")
    po_path = project / "locales" / "es" / "LC_MESSAGES" / "ui.po"
    catalog = parse_po(po_path)
    catalog.find("Page %(page)s of %(pages)s").msgstr = "Página %(page)s de 2"
    write_po(po_path, catalog)
    result = run_cli("check", "--lang", "es", cwd=project, check=False)
    assert result.returncode == 1
    assert "locales/es/LC_MESSAGES/ui.po:" in result.stderr
    assert "placeholders:" in result.stderr and "numbers:" in result.stderr
    data = json.loads(run_cli("check", "--format", "json", cwd=project, check=False).stdout)
    assert {f["check"] for f in data["findings"]} >= {"placeholders", "numbers"}

    project2 = copy_project(tmp_path / "q")
    lang = new_language(project2)
    assert "created" in run_cli("init", lang, cwd=project2).stdout
    assert run_cli("check", "--lang", lang, cwd=project2).returncode == 0
    strict = run_cli("check", "--lang", lang, "--strict", cwd=project2, check=False)
    assert strict.returncode == 1
    assert "untranslated" in strict.stderr


def test_stats_markdown_fits_a_pull_request_comment(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    out = run_cli("stats", "--format", "markdown", cwd=project).stdout
    lines = out.splitlines()
    assert lines[0].startswith("| Language |") and set(lines[1]) <= set("|-: ")
    assert any("Spanish (es)" in line and "100%" in line for line in lines)
    assert out.endswith("\n")
