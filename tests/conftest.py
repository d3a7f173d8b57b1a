"""Shared fixtures and helpers: a throw-away copy of the project, a CLI runner, the GNU
gettext and poppler oracles, and the rule that CI runs every test (a skip fails there)."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import unicodedata
from collections.abc import Callable, Generator
from html.parser import HTMLParser
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
"""Test data kept in the repository (see tests/data/README.md for sources and licences),
so that a fresh clone runs every test; only the benchmarks read the full corpora."""
CORPORA = DATA
"""The old name of `DATA`: the same layout as the shared corpora, only what tests use."""

SLUG = "stem-cell-therapy-ms"
"""The slug of the project's one article."""

Run = Callable[..., subprocess.CompletedProcess[str]]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
"""Debian's Chromium, driven headless by Playwright; never a downloaded browser."""
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",  # the machine has no network
    "--disable-component-update",
    "--disable-sync",
]


# ---------------------------------------------------------------------------
# Under CI every test runs: a skip (a missing tool, a missing file) is a failure.


def skips_fail() -> bool:
    """True when the environment variable CI is set (to anything but empty, 0 or false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _as_failure(reason: object) -> str:
    if isinstance(reason, tuple) and len(reason) == 3:
        path, line, message = reason
        reason = f"{path}:{line}: {message}"
    return (
        f"skipped while CI={os.environ.get('CI')!r}: {reason}\n"
        "CI must run every test: `make setup` installs every tool the suite needs, and the"
        " data a test needs belongs in tests/data/."
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    """A skipped test (skip, skipif, importorskip) fails under CI."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and skips_fail() and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = _as_failure(report.longrepr)


def pytest_configure(config: pytest.Config) -> None:
    """Under CI a module that could not be collected (a skipped one included) is reported
    with the rest of the run instead of stopping it."""
    if skips_fail():
        config.option.continue_on_collection_errors = True


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, None]:
    """A module skipped as a whole (`allow_module_level`, `importorskip`) fails under CI."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and skips_fail():
        report.outcome = "failed"
        report.longrepr = _as_failure(report.longrepr)


# ---------------------------------------------------------------------------
# Projects


def run_cli(
    *args: str, cwd: Path, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m pipeline ARGS` in `cwd` as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"pipeline {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


class Running:
    """A `pipeline` command that keeps running (`serve`, `build --watch`) in `cwd`: its
    output lines arrive on a queue (stdout) and a list (stderr) as it prints them."""

    def __init__(self, cwd: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        self.stdout: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        for stream, sink in ((self.process.stdout, self.stdout.put), (self.process.stderr, None)):
            threading.Thread(
                target=self._pump, args=(stream, sink or self.stderr.append), daemon=True
            ).start()

    @staticmethod
    def _pump(stream: IO[str], sink: Callable[[str], None]) -> None:
        for line in stream:
            sink(line.rstrip("\n"))

    def line(self, timeout: float = 15) -> str:
        try:
            return self.stdout.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output within {timeout} s; stderr: {self.stderr}") from None

    def drain(self) -> list[str]:
        """The lines printed so far and not yet read."""
        lines = []
        while not self.stdout.empty():
            lines.append(self.stdout.get_nowait())
        return lines

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send `sig`; the exit status (the process is killed after 5 s)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the process did not stop within 5 s of signal {sig}") from None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def copy_project(dest: Path, locales: bool = True) -> Path:
    """A copy of this repository's project files (no output/) under `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "source", "templates"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copy2(src, dest / name)
    if locales:
        # pseudo-locales are generated and git-ignored: a test makes its own
        shutil.copytree(
            ROOT / "locales", dest / "locales", ignore=shutil.ignore_patterns("en_XA", "ar_XB")
        )
    return dest


ARTICLE = """\
---
title: Test article
summary: A short summary.
slug: demo
lang: en
---

## First section

Ask [your neurologist](https://example.org/neuro "Neurology") about **HSCT**,
the *transplant* with `code`.

![A drawing of cells](images/cells.svg)

- One item
- Two items

### Sub section

| Drug | Dose |
| ---- | ---- |
| A    | 2 mg |

Ask [your neurologist](https://example.org/other) about **HSCT**, the *transplant*
with `code`.
"""
"""The small article of `make_project`: links, an image, a list, a table, a repeated text."""


def new_language(project: Path) -> str:
    """A language CLDR knows that `project` neither configures nor has catalogs for: the
    project's own list grows as translators add languages, so no test names one."""
    from pipeline.config import load_config

    configured = set(load_config(project).languages)
    for code in ("de", "it", "nl", "pl", "sv", "da", "fi", "cs"):
        if code not in configured and not (project / "locales" / code).exists():
            return code
    raise AssertionError("every candidate language is already in the project")


def make_project(root: Path, article: str = ARTICLE) -> Path:
    """A minimal project under `root`: one article `source/demo.md` (and its image), the
    repository's templates, Spanish as the one target language; no catalogs yet."""
    (root / "source" / "images").mkdir(parents=True)
    (root / "source" / "demo.md").write_text(article, "utf-8")
    (root / "source" / "images" / "cells.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>'
    )
    (root / "templates").mkdir()
    for template in (ROOT / "templates").iterdir():
        if template.suffix in (".html", ".css"):
            (root / "templates" / template.name).write_text(template.read_text("utf-8"))
    (root / "pyproject.toml").write_text(
        textwrap.dedent("""\
        [tool.pipeline]
        source_language = "en"
        languages = ["es"]
        [tool.pipeline.clinic]
        name = "Test Clinic"
        """)
    )
    return root


def set_msgstrs(po_path: Path, values: dict[str, str]) -> None:
    """Give the entries with these msgids these msgstrs (not fuzzy), through our writer."""
    from pipeline.po import parse_po, write_po

    catalog = parse_po(po_path)
    for entry in catalog:
        if entry.msgid in values:
            entry.msgstr = values[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    write_po(po_path, catalog)


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project copied, extracted, updated and built once for the whole session."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    run_cli("extract", cwd=project)
    run_cli("update", cwd=project)
    run_cli("build", cwd=project)
    return project


# ---------------------------------------------------------------------------
# GNU gettext, the oracle for catalogs


def msgcat(path: Path) -> str:
    """What GNU `msgcat` writes for `path`: gettext's canonical form of the catalog."""
    result = subprocess.run(["msgcat", str(path)], capture_output=True)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    return result.stdout.decode("utf-8")


def msgfmt_check(path: Path) -> None:
    """`msgfmt --check` accepts the catalog, with no warning (a template may warn that its
    header holds the initial default values)."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    noise = [line for line in result.stderr.splitlines() if "initial default value" not in line]
    assert not noise or path.suffix == ".pot", noise


def msgfmt_statistics(path: Path) -> tuple[int, int, int]:
    """(translated, fuzzy, untranslated) messages as `msgfmt --statistics` counts them."""
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr

    def count(kind: str) -> int:
        found = re.search(rf"(\d+) {kind}", result.stderr)
        return int(found[1]) if found else 0

    return count("translated"), count("fuzzy"), count("untranslated")


# ---------------------------------------------------------------------------
# Reading PDFs back with poppler


def pdftotext(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


def pdffonts(pdf: Path) -> str:
    """poppler's `pdffonts` table of the fonts a PDF uses."""
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


def assert_fonts_embedded(pdf: Path) -> None:
    """Every font of the PDF is embedded, subset and has a ToUnicode map (PDF/UA)."""
    rows = pdffonts(pdf).splitlines()[2:]
    assert rows, f"{pdf.name}: no fonts listed"
    for row in rows:
        # columns: name type encoding emb sub uni object ID
        assert re.search(r"\syes\s+yes\s+yes\s+\d+\s+\d+\s*$", row), f"{pdf.name}: {row}"


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def squash(text: str) -> str:
    """Collapse white space, drop bidi controls and undo hyphenation, for comparisons."""
    return " ".join(text.translate(_INVISIBLE).replace("-\n", "").split())


def bare(text: str) -> str:
    """Text without spaces, hyphens and combining marks: what survives any PDF extraction
    (pdftotext moves Arabic vowel marks and splits lines at hyphens)."""
    return "".join(
        c for c in squash(text) if c not in " -\u2010" and unicodedata.category(c) != "Mn"
    )


# ---------------------------------------------------------------------------
# HTML


class Structure(HTMLParser):
    """The sequence of element names inside <main>, to compare page structures."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.inside = True
        elif self.inside:
            self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.inside = False


def html_structure(html: str) -> list[str]:
    """The element names inside <main> of a page, in document order."""
    parser = Structure()
    parser.feed(html)
    return parser.tags
