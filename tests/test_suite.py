"""The suite itself: CI runs every test (a skip fails there), a fresh clone has every file a
test reads, and each file of test data carries its source and licence."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA

TESTS = Path(__file__).resolve().parent

SKIPPING = """
import pytest

pytestmark = pytest.mark.filterwarnings("ignore")


def test_runs() -> None:
    pass


def test_skips() -> None:
    pytest.skip("a tool is missing")


@pytest.mark.skipif(True, reason="a file is missing")
def test_skipif() -> None:
    pass


@pytest.mark.xfail(reason="a known bug", strict=True)
def test_xfail() -> None:
    raise AssertionError
"""


def _pytest(folder: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with this suite's conftest.py and tests that skip, at test and module level."""
    folder = tmp_path_factory.mktemp("suite")
    shutil.copy(TESTS / "conftest.py", folder / "conftest.py")
    (folder / "test_skipping.py").write_text(SKIPPING, "utf-8")
    (folder / "test_module_skip.py").write_text(
        'import pytest\n\npytest.skip("no browser", allow_module_level=True)\n', "utf-8"
    )
    return folder


def _summary(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout.strip().splitlines()[-1]


def test_skips_are_skips_outside_ci(suite: Path) -> None:
    result = _pytest(suite, None)
    assert result.returncode == 0, result.stdout
    assert re.search(r"\b1 passed, 3 skipped, 1 xfailed\b", _summary(result)), result.stdout
    assert _pytest(suite, "false").returncode == 0


@pytest.mark.parametrize("value", ["true"])
def test_every_skip_fails_under_ci(suite: Path, value: str) -> None:
    result = _pytest(suite, value)
    assert result.returncode == 1, result.stdout
    summary = _summary(result)
    assert "skipped" not in summary, summary
    # a skip in the test fails it, a skip at set-up (skipif) or collection is an error; xfail
    # is not a skip
    assert re.search(r"\b1 failed, 1 passed, 1 xfailed, 2 errors\b", summary), result.stdout
    for reason in ("a tool is missing", "a file is missing", "no browser"):
        assert f"skipped while CI='{value}'" in result.stdout and reason in result.stdout


def test_no_test_reads_the_benchmarks_shared_corpora() -> None:
    """CI has ../shared beside the clone, a user's clone does not: a test that read it would
    pass in CI and fail (or skip) for everyone else. Tests read tests/data instead."""
    pattern = re.compile(r"""(\.\./shared|["']shared["'])""")
    readers = [
        f"{path.name}:{number}"
        for path in sorted(TESTS.rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if pattern.search(line) and path.name != Path(__file__).name
    ]
    assert readers == []


def test_every_data_file_has_its_source_and_licence() -> None:
    """tests/data/README.md names every file and folder of test data, with a licence."""
    notes = (DATA / "README.md").read_text("utf-8")
    for path in sorted(DATA.rglob("*")):
        if path.is_file() and path.name != "README.md":
            top, *rest = path.relative_to(DATA).parts
            assert f"## `{top}{'/' if rest else ''}`" in notes, top
            assert "/".join(rest) in notes, path
    for licence in ("CC-BY-SA 4.0", "CC0"):
        assert licence in notes
