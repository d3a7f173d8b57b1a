"""Every folder of tests/bad_inputs/ is one broken project: one clear line, exit 1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import make_project, run_cli

CASES = sorted(p for p in (Path(__file__).parent / "bad_inputs").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_bad_input_gives_one_line(tmp_path: Path, case: Path) -> None:
    project = make_project(tmp_path / "p")
    shutil.copytree(case / "files", project, dirs_exist_ok=True)
    removals = case / "remove"  # optional: project files the case deletes, one per line
    for name in removals.read_text().split() if removals.exists() else []:
        (project / name).unlink()
    command = (case / "cmd").read_text().split()
    if command[0] == "build" and not (project / "locales").exists():
        run_cli("extract", cwd=project, check=False)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    result = run_cli(*command, cwd=project, check=False)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [(case / "expected").read_text().strip()]
    after = {
        p: p.read_bytes()
        for p in project.rglob("*")
        if p.is_file() and "output" not in p.parts and p.name != ".pipeline.lock"
    }
    assert {
        p: b for p, b in before.items() if "output" not in p.parts and p.name != ".pipeline.lock"
    } == after
