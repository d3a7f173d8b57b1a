"""The build as CI runs it: incremental, sharded, reported, cleaned up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SLUG, copy_project, run_cli


def _report(project: Path, name: str = "report.json") -> dict[str, list[dict[str, object]]]:
    data: dict[str, list[dict[str, object]]] = json.loads(
        (project / "output" / name).read_text("utf-8")
    )
    return data


def _statuses(project: Path) -> dict[str, str]:
    return {str(r["pdf"]): str(r["status"]) for r in _report(project)["outputs"]}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("build") / "p")
    run_cli("build", cwd=project)
    return project


def test_full_build_reports_every_output(project: Path) -> None:
    rows = _report(project)["outputs"]
    from pipeline.config import load_config

    config = load_config(project)
    assert {(r["lang"], r["edition"]) for r in rows} == {
        (lang, edition)
        for lang in (config.source_language, *config.languages)
        for edition in ("standard", "large")
    }
    for row in rows:
        assert row["status"] == "built"
        assert int(str(row["pages"])) > 5 and int(str(row["bytes"])) > 10_000
        assert float(str(row["seconds"])) > 0
        assert row["translated"] and row["fuzzy"] == 0
    assert _report(project)["errors"] == []


def test_noop_build_renders_nothing(project: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (project / "output").rglob("*.pdf")}
    result = run_cli("build", cwd=project)
    assert "summary: 0 built" in result.stdout
    assert set(_statuses(project).values()) == {"up-to-date"}
    assert before == {p: p.stat().st_mtime_ns for p in (project / "output").rglob("*.pdf")}
    # Up-to-date rows describe the PDF on disk, not zeros.
    from pypdf import PdfReader

    for row in _report(project)["outputs"]:
        pdf = project / "output" / str(row["pdf"])
        assert row["bytes"] == pdf.stat().st_size
        assert row["pages"] == len(PdfReader(pdf).pages)


def test_editing_one_catalog_rebuilds_only_that_language(project: Path) -> None:
    po = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    po.write_text(po.read_text("utf-8").replace("Ensayos clínicos", "Ensayos clínicos (EC)"))
    run_cli("build", cwd=project)
    rebuilt = sorted(k for k, v in _statuses(project).items() if v == "built")
    assert rebuilt == [f"es/{SLUG}.large.pdf", f"es/{SLUG}.pdf"]


def test_editing_a_template_rebuilds_everything(project: Path) -> None:
    css = project / "templates" / "style.css"
    css.write_text(css.read_text("utf-8") + "\n/* a new rule */ .summary { font-style: italic; }\n")
    run_cli("build", cwd=project)
    assert set(_statuses(project).values()) == {"built"}


def test_force_rebuilds_everything(project: Path) -> None:
    run_cli("build", "--force", "--jobs", "2", cwd=project)
    assert set(_statuses(project).values()) == {"built"}


def test_stale_outputs_are_removed(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    run_cli("build", cwd=project)
    assert (project / "output" / "zh_Hans" / f"{SLUG}.pdf").exists()
    config = project / "pyproject.toml"
    config.write_text(config.read_text("utf-8").replace(', "zh_Hans"', ""))
    run_cli("build", cwd=project)
    assert not (project / "output" / "zh_Hans").exists()
    assert (project / "output" / "es" / f"{SLUG}.pdf").exists()
    (project / "source" / f"{SLUG}.md").rename(project / "source" / "renamed.md")
    text = (project / "source" / "renamed.md").read_text("utf-8")
    (project / "source" / "renamed.md").write_text(text.replace(f"slug: {SLUG}", "slug: renamed"))
    run_cli("build", cwd=project)
    assert not list((project / "output").rglob(f"{SLUG}*"))
    assert (project / "output" / "en" / "renamed.pdf").exists()
    assert not (project / "output" / "es" / "renamed.pdf").exists()  # 0% translated


def test_shards_split_the_work_and_reports_merge(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    seen: list[set[str]] = []
    for index in (1, 2, 3):
        run_cli("build", "--shard", f"{index}/3", cwd=project)
        report = _report(project, f"report.shard-{index}-of-3.json")
        seen.append({str(r["pdf"]) for r in report["outputs"] if r["status"] == "built"})
        (project / "output" / ".build-state.json").unlink()  # each CI runner starts clean
    assert all(seen), seen
    assert not (seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2])
    everything = set().union(*seen)
    assert f"ar/{SLUG}.large.pdf" in everything and f"es/{SLUG}.pdf" in everything
    reports = [project / "output" / f"report.shard-{i}-of-3.json" for i in (1, 2, 3)]
    result = run_cli("report", "merge", *map(str, reports), "-o", "merged.json", cwd=project)
    merged = json.loads((project / "merged.json").read_text("utf-8"))
    assert {r["pdf"] for r in merged["outputs"]} == everything
    assert "summary: " in result.stdout


def test_plain_progress_lines_when_not_a_terminal(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = run_cli("build", "--lang", "es", cwd=project)
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"built output/es/{SLUG}.pdf (") for line in lines)
    assert lines[-1].startswith("summary: 2 built")
    assert "\x1b[" not in result.stdout


def test_bad_shard_is_a_usage_error(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = run_cli("build", "--shard", "4/3", cwd=project, check=False)
    assert result.returncode == 2
    assert "is not I/N" in result.stderr
