"""A build killed at any moment (SIGKILL) leaves no output marked current that is not:
the next build keeps only what is exactly what a clean build would make."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_catalogs import make_project

from conftest import run_cli, set_msgstrs

EPOCH = {"SOURCE_DATE_EPOCH": "1764115200"}


def _variant(project: Path, name: str, base: dict[Path, bytes]) -> None:
    """Put the project's inputs in one of three states: A (untranslated), B (two Spanish
    entries translated), C (B with a changed stylesheet: every page and PDF changes)."""
    for path, data in base.items():
        path.write_bytes(data)
    if name in ("B", "C"):
        set_msgstrs(
            project / "locales" / "es" / "LC_MESSAGES" / "demo.po",
            {"Test article": "Artículo de prueba", "First section": "Primera sección"},
        )
    if name == "C":
        css = project / "templates" / "style.css"
        css.write_text(css.read_text("utf-8") + "\nh2 { letter-spacing: 0.01em; }\n")


def _outputs(project: Path) -> dict[str, bytes]:
    out = project / "output"
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith(".") and not p.name.startswith("report")
    }


def _processes_in(folder: Path, wait: float = 5.0) -> list[int]:
    """Processes still running in `folder` (orphaned workers), after a short grace time."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    if Path(os.readlink(proc / "cwd")) == folder:
                        found.append(int(proc.name))
                except OSError:
                    continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _pdf_state(project: Path) -> dict[str, str]:
    try:
        state: dict[str, str] = json.loads((project / "output" / ".build-state.json").read_text())
    except FileNotFoundError:
        return {}
    return state


def test_killed_builds_never_leave_a_stale_output_marked_current(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    config = project / "pyproject.toml"
    config.write_text(config.read_text().replace('["es"]', '["es", "fr"]'))
    run_cli("extract", cwd=project)
    run_cli("init", "es", cwd=project)
    run_cli("init", "fr", cwd=project)
    inputs = [
        project / "locales" / "es" / "LC_MESSAGES" / "demo.po",
        project / "templates" / "style.css",
    ]
    base = {path: path.read_bytes() for path in inputs}

    expected: dict[str, dict[str, bytes]] = {}
    made_from: dict[tuple[str, str], bytes] = {}  # (PDF, hash of its inputs) -> its bytes
    for name in "ABC":  # what a clean build makes of each state
        clean = tmp_path / f"clean-{name}"
        shutil.copytree(project, clean)
        _variant(clean, name, {clean / p.relative_to(project): b for p, b in base.items()})
        run_cli("build", cwd=clean, env=EPOCH)
        expected[name] = _outputs(clean)
        assert len([k for k in expected[name] if k.endswith(".pdf")]) == 6
        for key, inputs in _pdf_state(clean).items():
            made_from[key, inputs] = expected[name][key]
    assert expected["A"] != expected["B"] != expected["C"]

    rng = random.Random(11)
    kept_seen = up_to_date_seen = 0
    for attempt in range(8):
        name = "ABCBACAC"[attempt]
        _variant(project, name, base)
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "build", "--jobs", "2"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **EPOCH},
        )
        time.sleep(rng.uniform(0.1, 3.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert _processes_in(project) == [], "workers outlived their killed build"
        for pdf in (project / "output").rglob("*.pdf"):
            assert len(PdfReader(pdf).pages) > 0  # whole, whatever its age
        # A PDF the state marks as made from some inputs is what those inputs make.
        for key, inputs in _pdf_state(project).items():
            pdf = project / "output" / key
            if pdf.exists() and (key, inputs) in made_from:
                assert pdf.read_bytes() == made_from[key, inputs], (attempt, key)
        # The next build keeps only outputs that are exactly current, and makes the rest.
        run_cli("build", cwd=project, env=EPOCH)
        report = json.loads((project / "output" / "report.json").read_text("utf-8"))
        now = _outputs(project)
        for row in report["outputs"]:
            if row["status"] == "up-to-date":
                up_to_date_seen += 1
                assert now[row["pdf"]] == expected[name][row["pdf"]], (attempt, row["pdf"])
        for page in report["pages"]["kept"]:
            kept_seen += 1
            assert now[page] == expected[name][page], (attempt, page)
        assert now == expected[name], attempt
    assert kept_seen and up_to_date_seen  # some kills came late enough to leave work done


class _DyingPool:
    """Writes the first PDF it is given, then the build dies (as SIGKILL would stop it
    between the worker's write and the state's update)."""

    def map(self, tasks: list[object], timeout: float | None = None) -> object:
        task = tasks[0]
        task.pdf.write_bytes(b"%PDF- new, not yet recorded")  # type: ignore[attr-defined]
        raise KeyboardInterrupt


def test_a_pdf_is_forgotten_before_it_is_rewritten(tmp_path: Path) -> None:
    """Deterministically, the moment the random kills above can only hit by chance."""
    from pipeline.build.pdfs import PdfStage
    from pipeline.build.records import CatalogSummary, PageSummary
    from pipeline.build.state import PdfState
    from pipeline.config import load_config

    project = make_project(tmp_path / "p")
    config = load_config(project)
    html = config.output_dir / "es" / "demo.html"
    html.parent.mkdir(parents=True)
    html.write_text("<p>new</p>")
    (config.output_dir / "es" / "demo.pdf").write_bytes(b"%PDF- old")
    catalog = CatalogSummary("k", 100, 1, 0, 0, 0, (), "T", "es")
    page = PageSummary("es", "demo", "k", catalog, True, "", False, 0, (), "digest of new")
    state = PdfState(config.output_dir)
    state.record("es/demo.pdf", "inputs of old")
    stage = PdfStage(config, state, ())
    stage.plan([page])
    assert [task.key for task in stage.tasks] == ["es/demo.pdf", "es/demo.large.pdf"]
    with pytest.raises(KeyboardInterrupt):
        stage.render(_DyingPool(), None)  # type: ignore[arg-type]
    assert "es/demo.pdf" not in PdfState(config.output_dir).hashes
