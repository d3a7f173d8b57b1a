"""The hostile-input pass: every case of `hostile_cases.CASES` gives what it must (refused
with one line, fell back to the source, or kept intact), with no traceback, no character
lost, nothing read or fetched outside the project and no stale output marked current.

`python bench/hostile.py` runs the same cases and prints the table kept in the README.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from attack import small_project
from hostile_cases import CASES, KINDS, Case, Outcome, make_canary, run_case, table

from conftest import ROOT


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_project(tmp_path_factory.mktemp("hostile") / "base")


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_canary(tmp_path_factory.mktemp("canary"))


def test_the_pass_is_wide() -> None:
    assert len(CASES) >= 200
    assert {case.kind for case in CASES} == set(KINDS)
    assert len({(case.kind, case.name) for case in CASES}) == len(CASES)


def test_the_readme_table_is_the_pass() -> None:
    """Each case gives its expected outcome (the test below), so the README's table is the
    table of those outcomes: a case added or changed without updating the README fails."""
    expected = table([(case, Outcome(case.expect)) for case in CASES])
    assert expected in (ROOT / "README.md").read_text("utf-8")


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.kind}: {c.name}")
def test_hostile_input(case: Case, base: Path, canary: Path, tmp_path: Path) -> None:
    outcome = run_case(case, base, tmp_path, canary)
    assert (outcome.result, outcome.detail if outcome.result == "wrong" else "") == (
        case.expect,
        "",
    ), outcome.detail
