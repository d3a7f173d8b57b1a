"""Tools for attacking the pipeline from a test: the command line run in this process, an
HTML-only build, a small translated project to break, and a watch on files outside it.

The command line runs through `pipeline.cli.main`, exactly as the console script does, but
without a new interpreter per call, so hundreds of hostile inputs stay cheap. A Python audit
hook (PEP 578) records every file opened under a *canary* folder outside the project and
every network call, in this process and in the PDF workers it forks, so a test can prove
that nothing outside the project was read or fetched.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import ROOT

LINE = re.compile(r"^(?:warning: )?[^\s:][^:]*:\d+: \S.*$")
"""One `path:line: message` line (a build warning starts with `warning: `)."""


@dataclass(frozen=True)
class Run:
    """What one command did: exit status and what it printed."""

    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.err.splitlines()


def cli(project: Path, *args: str) -> Run:
    """`pipeline ARGS` in `project`, in this process; an unexpected exception propagates
    (the console script would print its traceback)."""
    from pipeline.cli import main

    out, err = io.StringIO(), io.StringIO()
    with _inside(project), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Run(code, out.getvalue(), err.getvalue())


def html_build(project: Path, *langs: str) -> Run:
    """`pipeline build` without the PDF stage, in this process: exit 1 and the error's one
    line, or exit 0 and one `warning: ` line per entry the publishing gate refused."""
    from pipeline.build import BuildOptions, build
    from pipeline.config import load_config
    from pipeline.errors import PipelineError

    options = BuildOptions(langs=tuple(langs), jobs=1, pdf=False)
    with _inside(project):
        try:
            report = build(load_config(project), options)
        except PipelineError as exc:
            return Run(1, "", f"{exc}\n")
    if report.errors:  # a broken article: the others are built, it is named, exit 1
        return Run(1, "", "".join(f"{error}\n" for error in report.errors))
    return Run(0, "", "".join(f"warning: {w}\n" for w in report.warnings))


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


# ---------------------------------------------------------------------------
# A small project whose every message is translated (accented pseudo-Spanish), to break.

ARTICLE = """\
---
title: Hostile test article
summary: What to take, and when.
keywords: test, dose
slug: demo
lang: en
date: 2026-01-15
disclaimer: Ask your own doctor.
---

## First section

Take 10 mg twice a day.

Ask [your neurologist](https://example.org/neuro) about **HSCT** at www.example.org.

![A drawing of cells](images/cells.svg)

- One item
- Two items

### Sub section

| Drug | Dose |
| ---- | ---- |
| A    | 2 mg |

Write to clinic@example.org or call 555 0100.
"""

CELLS = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<circle cx="5" cy="5" r="4"/></svg>\n'
)


def small_project(root: Path, languages: tuple[str, ...] = ("es",)) -> Path:
    """A one-article project with complete, publishable pseudo-translations."""
    from pipeline.config import load_config
    from pipeline.po import write_po
    from pipeline.project import po_path, pot_path, read_templates
    from pipeline.pseudo import pseudo_catalog

    (root / "source" / "images").mkdir(parents=True)
    (root / "source" / "demo.md").write_text(ARTICLE, "utf-8")
    (root / "source" / "images" / "cells.svg").write_text(CELLS, "utf-8")
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "pyproject.toml").write_text(
        textwrap.dedent(f"""\
        [tool.pipeline]
        source_language = "en"
        languages = {list(languages)!r}
        base_url = "https://clinic.example.org/handouts"
        large_print = false

        [tool.pipeline.clinic]
        name = "Test Clinic"
        phone = "+1 555 0100"
        email = "clinic@example.org"
        address = "1 Main Street"
        website = "https://clinic.example.org"
        logo = "templates/logo.svg"
        """).replace("'", '"'),
        "utf-8",
    )
    assert cli(root, "extract").code == 0
    config = load_config(root)
    for domain, template in read_templates(config).items():
        assert pot_path(config, domain).is_file()
        for lang in languages:
            catalog = pseudo_catalog(template, lang, domain)
            catalog.metadata["PO-Revision-Date"] = "2026-01-20 10:00+0000"
            write_po(po_path(config, lang, domain), catalog)
    return root


# ---------------------------------------------------------------------------
# What gettext itself makes of a catalog: the oracle for "no character lost".


def msgcat(path: Path) -> str | None:
    """`msgcat --no-wrap FILE`, or None when GNU gettext refuses the file."""
    result = subprocess.run(
        ["msgcat", "--no-wrap", "--no-location", str(path)], capture_output=True
    )
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "surrogateescape")


def msgstrs(msgcat_output: str) -> list[str]:
    """Every translation in a `msgcat --no-wrap` output, live or obsolete, as written (escaped)."""
    found: list[str] = []
    current: list[str] | None = None
    for line in msgcat_output.split("\n"):
        bare = line.removeprefix("#~ ")
        if re.match(r"msgstr(\[\d+\])? \"", bare):
            current = [bare.split(" ", 1)[1][1:-1]]
            found.append("")
        elif current is not None and bare.startswith('"'):
            current.append(bare[1:-1])
        else:
            current = None
            continue
        found[-1] = "".join(current)
    return [s for s in found if s]


# ---------------------------------------------------------------------------
# Nothing read or fetched outside the project: an audit hook on a canary folder.

_WATCHED: list[str] = []
_LOG: list[int] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _WATCHED:
        return
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
        if flags & os.O_NOFOLLOW:  # a link as the last part is refused, not followed
            real = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        else:
            real = os.path.realpath(path)
        if not any(real == w or real.startswith(w + os.sep) for w in _WATCHED):
            return
        note = f"read {real}\n"
    elif event == "urllib.Request" and str(args[0]).startswith("file:"):
        return  # a local file: its open() is what is watched
    elif event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        note = f"{event} {args[:2]!r}\n"
    else:
        return
    for fd in _LOG:
        os.write(fd, note.encode("utf-8", "replace"))


sys.addaudithook(_audit)


@contextlib.contextmanager
def watch(canary: Path, log: Path) -> Iterator[Path]:
    """Record in `log` every open of a file under `canary` and every network call made
    inside the block, here or in a forked PDF worker."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    _WATCHED.append(os.path.realpath(canary))
    _LOG.append(fd)
    try:
        yield log
    finally:
        _WATCHED.clear()
        _LOG.clear()
        os.close(fd)
