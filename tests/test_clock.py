"""The clock: on another day (2027-01-02) the command line prints that day where it prints
today, and the dates that belong to the article and the catalog where they belong.

The real `pipeline update` and `pipeline build` run under libfaketime (`faketime`, the
Debian package of that name, in the Makefile's list), which moves the clock of the
process and of the worker processes it forks. One build of a one-article project.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from attack import small_project
from pypdf import PdfReader

from conftest import pdftotext, squash

FAKETIME = shutil.which("faketime")
DAY = "2027-01-02 10:00:00"


def _env() -> dict[str, str]:
    """This environment in UTC, without SOURCE_DATE_EPOCH, and without an outer libfaketime
    (`faketime ... make test`): a `faketime` run inside one keeps the outer clock."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "SOURCE_DATE_EPOCH" and not k.startswith(("FAKETIME", "DONT_FAKE"))
    }
    preload = [p for p in env.pop("LD_PRELOAD", "").split() if "faketime" not in p]
    if preload:
        env["LD_PRELOAD"] = " ".join(preload)
    return env | {"TZ": "UTC"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project (pseudo-Spanish catalogs revised 2026-01-20, an article dated
    2026-01-15) with German configured but without catalogs; `update --lang de` and
    `build --lang es` run on 2027-01-02."""
    if FAKETIME is None:
        pytest.skip("faketime is not installed (apt install faketime)")
    root = small_project(tmp_path_factory.mktemp("clock"), ("es", "de"))
    shutil.rmtree(root / "locales" / "de")
    env = _env()
    for args in (("update", "--lang", "de"), ("build", "--lang", "es")):
        result = subprocess.run(
            [FAKETIME, DAY, sys.executable, "-m", "pipeline", *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    return root


def test_the_clock_is_faked() -> None:
    """The oracle the other tests lean on: faketime really moves Python's clock."""
    if FAKETIME is None:
        pytest.skip("faketime is not installed (apt install faketime)")
    shown = subprocess.run(
        [FAKETIME, DAY, sys.executable, "-c", "import datetime; print(datetime.date.today())"],
        capture_output=True,
        text=True,
        check=True,
        env=_env(),
    ).stdout
    assert shown == "2027-01-02\n"


def test_a_new_catalog_is_revised_today(project: Path) -> None:
    for po in sorted((project / "locales" / "de" / "LC_MESSAGES").glob("*.po")):
        header = po.read_text("utf-8")
        assert re.search(r'^"PO-Revision-Date: 2027-01-02 10:0\d\+0000\\n"$', header, re.M), po


def test_the_handout_prints_the_build_day_and_keeps_its_own_dates(project: Path) -> None:
    """Generated 2 January 2027 (the faked day); the article's date and the catalog's
    revision as their files say; no other day."""
    html = (project / "output" / "es" / "demo.html").read_text("utf-8")
    pdf = project / "output" / "es" / "demo.pdf"
    for text in (squash(re.sub(r"<[^>]+>", " ", html)), squash(pdftotext(pdf))):
        dates = re.findall(r"\d{1,2} de \w+ de \d{4}", text)
        assert sorted(set(dates)) == [
            "15 de enero de 2026",  # the article's front matter
            "2 de enero de 2027",  # the edition: the day of the build
            "20 de enero de 2026",  # the catalog's PO-Revision-Date
        ], dates
    meta = PdfReader(pdf).metadata
    assert meta is not None
    assert str(meta["/CreationDate"]).startswith("D:20260115")  # the article's, not today
