"""Shared fixtures: a throw-away copy of the project and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"

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


def pdftotext(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


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


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project copied, extracted, updated and built once for the whole session."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    run_cli("extract", cwd=project)
    run_cli("update", cwd=project)
    run_cli("build", cwd=project)
    return project
