"""What a translator meets on the command line: messages they can act on, severities,
languages that are not configured, carry-over of trivial source edits, plain output
without a terminal, and Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_project, run_cli
from pipeline.po import parse_po

FR = Path("locales") / "fr" / "LC_MESSAGES"
ES = Path("locales") / "es" / "LC_MESSAGES"
ARTICLE = "stem-cell-therapy-ms"


def _snapshot(project: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((project / "locales").rglob("*")) if p.is_file()}


def test_check_says_error_or_warning_and_a_summary_that_matches_the_exit(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    path = project / FR / f"{ARTICLE}.po"
    text = path.read_text("utf-8")
    path.write_text(text.replace("\u00a0:", " :", 1), "utf-8")  # a warning: French spacing
    ui = project / FR / "ui.po"
    ui.write_text(
        ui.read_text("utf-8").replace(
            'msgstr "Page %(page)s sur %(pages)s"', 'msgstr "Page %(page)s sur 2"'
        ),
        "utf-8",
    )

    result = run_cli("check", "--lang", "fr", cwd=project, check=False)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(re.match(rf"{FR}/{ARTICLE}\.po:\d+: warning: punctuation: ", x) for x in lines)
    assert any(re.match(rf"{FR}/ui\.po:\d+: error: placeholders: ", x) for x in lines)
    assert all(re.match(r"\S+:\d+: (error|warning): [a-z-]+: ", line) for line in lines)
    assert result.stdout == "2 errors, 1 warning in 2 files\n"  # placeholders and numbers

    ui.write_text(
        ui.read_text("utf-8").replace(
            'msgstr "Page %(page)s sur 2"', 'msgstr "Page %(page)s sur %(pages)s"'
        ),
        "utf-8",
    )
    warned = run_cli("check", "--lang", "fr", cwd=project)
    assert warned.returncode == 0
    assert warned.stdout == "0 errors, 1 warning in 2 files\n"
    strict = run_cli("check", "--lang", "fr", "--strict", cwd=project, check=False)
    assert strict.returncode == 1
    assert strict.stdout == (
        "0 errors, 1 warning in 2 files: failed, --strict counts warnings as errors\n"
    )


def test_update_check_names_fmt_when_only_the_formatting_differs(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    path = project / ES / f"{ARTICLE}.po"
    # An editor that keeps each message on one line: GNU msgcat --no-wrap does just that.
    subprocess.run(["msgcat", "--no-wrap", "-o", str(path), str(path)], check=True)
    result = run_cli("update", "--check", cwd=project, check=False)
    assert result.returncode == 1
    assert result.stderr == (
        f"{ES}/{ARTICLE}.po:1: only the formatting differs (line wrapping or line endings):"
        f" run 'pipeline fmt {ES}/{ARTICLE}.po'\n"
    )
    run_cli("fmt", str(ES / f"{ARTICLE}.po"), cwd=project)
    assert run_cli("update", "--check", cwd=project).returncode == 0

    # A real change still says to update, even when the file is also re-wrapped.
    subprocess.run(["msgcat", "--no-wrap", "-o", str(path), str(path)], check=True)
    source = project / "source" / f"{ARTICLE}.md"
    source.write_text(source.read_text("utf-8") + "\nA new closing line.\n", "utf-8")
    run_cli("extract", cwd=project)
    stale = run_cli("update", "--check", "--lang", "es", cwd=project, check=False)
    assert stale.stderr == f"{ES}/{ARTICLE}.po:1: stale: run 'pipeline update'\n"


def test_messages_say_what_to_do(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    before = _snapshot(project)

    bcp47 = run_cli("init", "fr-CA", cwd=project, check=False)
    assert (bcp47.returncode, bcp47.stderr) == (
        1,
        "invalid locale code 'fr-CA': write 'fr_CA' (gettext ids use '_', not '-')\n",
    )
    again = run_cli("init", "fr", cwd=project)
    assert again.stdout == (
        f"fr already exists ({FR}): nothing was written; run 'pipeline update --lang fr'"
        " to bring it up to date with the templates\n"
    )
    source = run_cli("init", "en", cwd=project, check=False)
    assert source.stderr.endswith("'en' is the source language: it needs no translation\n")
    assert _snapshot(project) == before

    # A configured language without catalogs yet: update creates them and says so.
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text("utf-8").replace('languages = ["es",', 'languages = ["de", "es",'),
        "utf-8",
    )
    check = run_cli("update", "--check", cwd=project, check=False)
    assert check.stderr.splitlines() == [
        "locales/de/LC_MESSAGES/stem-cell-therapy-ms.po:1: missing: run 'pipeline update'",
        "locales/de/LC_MESSAGES/ui.po:1: missing: run 'pipeline update'",
    ]
    created = run_cli("update", cwd=project)
    assert created.stdout == (
        "created locales/de/LC_MESSAGES/stem-cell-therapy-ms.po\n"
        "created locales/de/LC_MESSAGES/ui.po\n"
    )


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip()


def test_a_language_that_is_not_configured_is_named_with_the_way_to_add_it(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path / "p")
    line = next(
        n
        for n, text in enumerate((project / "pyproject.toml").read_text().splitlines(), 1)
        if text.startswith("languages")
    )
    for command in (["build"], ["check"], ["update"], ["update", "--check"], ["stats"], ["fix"]):
        error = _one_line_error(run_cli(*command, "--lang", "de", cwd=project, check=False))
        assert error == (
            f"pyproject.toml:{line}: 'de' is not configured and has no catalogs:"
            " run 'pipeline init de' and add \"de\" to languages in [tool.pipeline]"
        ), command
    assert not (project / "locales" / "de").exists()
    source = _one_line_error(run_cli("check", "--lang", "en", cwd=project, check=False))
    assert source.endswith("'en' is the source language: it has no catalogs")

    # After `init`, the catalog commands work on it (as on any language on disk) ...
    run_cli("init", "de", cwd=project)
    assert run_cli("check", "--lang", "de", cwd=project).stdout.startswith(
        "0 errors, 2 warnings in 2 files"  # "untranslated", once per catalog
    )
    assert "German (de)" in run_cli("stats", "--lang", "de", cwd=project).stdout
    assert run_cli("update", "--lang", "de", cwd=project).stdout == ""
    # (and build makes its pages, not listed in the index: test_cli)


def test_a_broken_catalog_stops_update_before_anything_is_written(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    source = project / "source" / f"{ARTICLE}.md"
    source.write_text(source.read_text("utf-8") + "\nA new closing line.\n", "utf-8")
    run_cli("extract", cwd=project)
    later = project / "locales" / "zh_Hans" / "LC_MESSAGES" / "ui.po"  # the last one read
    later.write_text(later.read_text("utf-8") + 'msgid "unterminated\n', "utf-8")
    before = _snapshot(project)
    result = run_cli("update", cwd=project, check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("locales/zh_Hans/LC_MESSAGES/ui.po:")
    assert _snapshot(project) == before


def test_stats_without_a_terminal_uses_the_width_it_needs(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    out = run_cli("stats", cwd=project).stdout  # stdout is a pipe, as in CI logs
    assert "…" not in out
    assert "Portuguese (Brazil) (pt_BR)" in out and "stem-cell-therapy-ms" in out
    widths = {len(line) for line in out.splitlines()[1:]}
    assert len(widths) == 1 and widths.pop() > 80  # one table, not cut at 80 columns


def test_a_capitalisation_edit_keeps_finished_handouts_finished(tmp_path: Path) -> None:
    from pipeline import build
    from pipeline.checks import entry_state
    from pipeline.config import load_config
    from pipeline.model import EntryState

    project = copy_project(tmp_path / "p")
    source = project / "source" / f"{ARTICLE}.md"
    text = source.read_text("utf-8")
    assert "### Autoimmune Disease\n" in text
    source.write_text(text.replace("### Autoimmune Disease\n", "### Autoimmune disease\n"))
    run_cli("extract", cwd=project)

    languages = len(load_config(project).languages)
    result = run_cli("update", cwd=project)
    assert result.stdout.splitlines()[-1] == (
        f"carried over {languages} translations whose source changed only in case/space/quotes"
        " (not fuzzy; the old source is kept as #| for review)"
    )
    path = project / ES / f"{ARTICLE}.po"
    entry = parse_po(path).find("Autoimmune disease")
    assert (entry.msgstr, entry.flags) == ("Enfermedad autoinmune", [])
    assert entry.previous_msgid == "Autoimmune Disease"
    assert entry_state(entry, "es", ARTICLE) == EntryState.TRANSLATED
    assert run_cli("check", "--strict", cwd=project).returncode == 0
    assert (
        '"translated": 118'
        in run_cli("stats", "--lang", "es", "--format", "json", cwd=project).stdout
    )
    assert run_cli("update", "--check", cwd=project).returncode == 0  # a second run: no change
    build.build(load_config(project), build.BuildOptions(langs=("es",), pdf=False))
    html = (project / "output" / "es" / f"{ARTICLE}.html").read_text("utf-8")
    assert "<h3>Enfermedad autoinmune</h3>" in html  # not the English fallback
    assert 'class="draft-note"' not in html

    # msgmerge's way, on request: fuzzy, so the handouts become drafts.
    source.write_text(text)
    run_cli("extract", cwd=project)
    plain = run_cli("update", "--no-carry-over", cwd=project)
    assert "carried over" not in plain.stdout
    entry = parse_po(path).find("Autoimmune Disease")
    assert (entry.flags, entry.previous_msgid) == (["fuzzy"], "Autoimmune disease")
    assert entry_state(entry, "es", ARTICLE) == EntryState.FUZZY


def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    # Ctrl-C on a terminal sends SIGINT to the whole foreground process group: the
    # build and its PDF workers. The default action is restored, as a shell does.
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        process_group=0,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    first = process.stdout.readline()  # a PDF is done: workers are busy with the next ones
    assert first.startswith("built ")
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err.strip() == "interrupted"
    assert "summary:" not in out
    report = (project / "output" / "report.json").read_text("utf-8")
    assert '"complete": false' in report


@pytest.mark.parametrize("command", ["fix", "update", "check", "stats", "build", "merge"])
def test_new_options_have_help(tmp_path: Path, command: str) -> None:
    out = run_cli(command, "--help", cwd=tmp_path).stdout
    assert "Usage: pipeline" in out
    if command == "update":
        assert "--no-carry-over" in out
    if command == "merge":
        assert "--carry-over" in out
