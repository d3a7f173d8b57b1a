"""Extraction and update: segments as msgids, stable files, nothing ever lost."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest

from conftest import ARTICLE, ROOT, copy_project, make_project, msgfmt_check, run_cli

__all__ = ["ARTICLE", "make_project", "msgfmt_check"]  # their old home: other tests import them


def test_segments_become_tagged_msgids(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    run_cli("extract", cwd=project)
    pot = polib.pofile(str(project / "locales" / "demo.pot"))
    ids = [e.msgid for e in pot if e.msgctxt is None]
    assert ids == [
        "Test article",
        "A short summary.",
        "First section",
        "Ask <a1>your neurologist</a1> about <strong1>HSCT</strong1>, the <em1>transplant</em1> "
        "with <code1/>.",
        "A drawing of cells",
        "One item",
        "Two items",
        "Sub section",
        "Drug",
        "Dose",
        "A",
        "2 mg",
    ]
    text = (project / "locales" / "demo.pot").read_text("utf-8")
    assert "cells.svg" not in text
    assert not any("example.org" in msgid for msgid in ids)  # link targets: own entries
    # then one `link` entry per distinct external target, pre-filled with the source URL
    links = [(e.msgid, e.msgstr) for e in pot if e.msgctxt == "link"]
    assert links == [("https://example.org/neuro",) * 2, ("https://example.org/other",) * 2]
    assert [e.msgctxt for e in pot][-2:] == ["link", "link"]
    entry = pot.find(ids[3])
    # identical texts share one entry; link targets differ but are not part of the msgid
    assert entry.comment.splitlines() == [
        "Section: First section (paragraph)",
        "Section: First section › Sub section (paragraph)",
    ]
    assert entry.occurrences == [("source/demo.md", "")]
    assert pot.find("One item").comment == "Section: First section (bulleted list item)"
    assert pot.find("Dose").comment == (
        "Section: First section › Sub section (table cell, header row, column 2)"
    )
    assert pot.find("2 mg").comment == (
        "Section: First section › Sub section (table cell, row 1, column 2: Dose)"
    )
    msgfmt_check(project / "locales" / "demo.pot")


KINDS_ARTICLE = """\
---
title: Kinds
slug: demo
---

## Daily life

> Rest when you feel **tired**.
>
> - Ask for help

1. Take the tablet
2. Drink water

   Do not crush it.

- Walk
  - Slowly

| Drug | Dose | When |
| ---- | ---- | ---- |
| A    | 2 mg | Morning |
| B    | 4 mg | Evening |

Rest when you feel **tired**.
"""


def test_comments_give_each_block_its_kind_and_place(tmp_path: Path) -> None:
    """`#:` references carry no line numbers (DESIGN decision 3); the `#.` comment says what
    the block is and where: quotation, list kind, table row and column with its header."""
    project = make_project(tmp_path, KINDS_ARTICLE)
    run_cli("extract", cwd=project)
    pot = polib.pofile(str(project / "locales" / "demo.pot"))
    comments = {e.msgid: e.comment.splitlines() for e in pot}
    where = "Section: Daily life"
    assert comments == {
        "Kinds": ["(title)"],
        "Daily life": ["(heading)"],
        "Rest when you feel <strong1>tired</strong1>.": [
            f"{where} (quotation)",
            f"{where} (paragraph)",
        ],
        "Ask for help": [f"{where} (bulleted list item in a quotation)"],
        "Take the tablet": [f"{where} (numbered list item)"],
        "Drink water": [f"{where} (numbered list item)"],
        "Do not crush it.": [f"{where} (numbered list item)"],
        "Walk": [f"{where} (bulleted list item)"],
        "Slowly": [f"{where} (bulleted list item)"],
        "Drug": [f"{where} (table cell, header row, column 1)"],
        "Dose": [f"{where} (table cell, header row, column 2)"],
        "When": [f"{where} (table cell, header row, column 3)"],
        "A": [f"{where} (table cell, row 1, column 1: Drug)"],
        "2 mg": [f"{where} (table cell, row 1, column 2: Dose)"],
        "Morning": [f"{where} (table cell, row 1, column 3: When)"],
        "B": [f"{where} (table cell, row 2, column 1: Drug)"],
        "4 mg": [f"{where} (table cell, row 2, column 2: Dose)"],
        "Evening": [f"{where} (table cell, row 2, column 3: When)"],
    }
    assert {ref for e in pot for ref in e.occurrences} == {("source/demo.md", "")}
    msgfmt_check(project / "locales" / "demo.pot")


def test_rewrapping_the_source_keeps_msgids(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    run_cli("extract", cwd=project)
    before = (project / "locales" / "demo.pot").read_bytes()
    src = project / "source" / "demo.md"
    src.write_text(
        src.read_text("utf-8").replace("about **HSCT**,\nthe", "about   **HSCT**, the\n")
    )
    result = run_cli("extract", cwd=project)
    assert result.stdout == ""
    assert (project / "locales" / "demo.pot").read_bytes() == before


def test_links_are_restored_from_the_source_by_tag(tmp_path: Path) -> None:
    from pipeline.po import parse_po, write_po

    project = make_project(tmp_path)
    run_cli("extract", cwd=project)
    run_cli("init", "es", cwd=project)
    po_path = project / "locales" / "es" / "LC_MESSAGES" / "demo.po"
    catalog = parse_po(po_path)
    for entry in catalog:
        if entry.msgctxt == "link":  # kept as pre-filled: the source's targets
            continue
        entry.msgstr = {
            "Ask <a1>your neurologist</a1> about <strong1>HSCT</strong1>, the <em1>transplant</em1> "
            "with <code1/>.": "Pregunte por el <strong1>TCMH</strong1> (<em1>trasplante</em1>, "
            "<code1/>) a <a1>su neurólogo</a1>.",
        }.get(entry.msgid, entry.msgid.upper())
    write_po(po_path, catalog)
    msgfmt_check(po_path)
    run_cli("build", "--lang", "es", cwd=project)
    html = (project / "output" / "es" / "demo.html").read_text("utf-8")
    assert (
        "Pregunte por el <strong>TCMH</strong> (<em>trasplante</em>, <code>code</code>) a "
        '<a href="https://example.org/neuro" title="Neurology">su neurólogo</a>'
        '<sup class="link-ref">1</sup>.'
    ) in html
    assert '<a href="https://example.org/other">su neurólogo</a><sup class="link-ref">2' in html
    assert (
        '<figure><img src="../media/images/cells.svg" alt="A DRAWING OF CELLS" /></figure>' in html
    )


def test_update_never_loses_a_translation(tmp_path: Path) -> None:
    from pipeline.po import parse_po, write_po

    project = make_project(tmp_path)
    run_cli("extract", cwd=project)
    run_cli("init", "es", cwd=project)
    po_path = project / "locales" / "es" / "LC_MESSAGES" / "demo.po"
    catalog = parse_po(po_path)
    for entry in catalog:
        entry.msgstr = "ES " + entry.msgid
    write_po(po_path, catalog)

    src = project / "source" / "demo.md"
    original = src.read_text("utf-8")
    src.write_text(original.replace("One item", "One single item").replace("- Two items\n", ""))
    run_cli("extract", cwd=project)
    run_cli("update", cwd=project)
    updated = polib.pofile(str(po_path))
    changed = updated.find("One single item")
    assert "fuzzy" in changed.flags
    assert changed.previous_msgid == "One item"
    assert changed.msgstr == "ES One item"
    gone = [e for e in updated.obsolete_entries() if e.msgid == "Two items"]
    assert gone and gone[0].msgstr == "ES Two items"
    msgfmt_check(po_path)

    src.write_text(original)
    run_cli("extract", cwd=project)
    run_cli("update", cwd=project)
    revived = polib.pofile(str(po_path))
    assert revived.find("Two items").msgstr == "ES Two items"
    assert "fuzzy" not in revived.find("Two items").flags
    assert revived.find("One item").msgstr == "ES One item"
    assert not [e for e in revived.obsolete_entries() if e.msgid == "Two items"]
    translated = {e.msgid: e.msgstr for e in revived if e.msgstr and not e.obsolete}
    assert len(translated) == len([e for e in revived if not e.obsolete])
    msgfmt_check(po_path)


@pytest.mark.parametrize("epoch", [None, "1700000000"])
def test_second_extract_and_update_change_nothing(tmp_path: Path, epoch: str | None) -> None:
    env = {"SOURCE_DATE_EPOCH": epoch} if epoch else {}
    project = make_project(tmp_path)
    run_cli("extract", cwd=project, env=env)
    run_cli("init", "es", cwd=project, env=env)
    run_cli("update", cwd=project, env=env)
    snapshot = {p: p.read_bytes() for p in (project / "locales").rglob("*.po*")}
    if epoch:
        assert (
            b"POT-Creation-Date: 2023-11-14 22:13+0000"
            in snapshot[project / "locales" / "demo.pot"]
        )
    for _ in range(2):
        assert run_cli("extract", cwd=project, env=env).stdout == ""
        assert run_cli("update", cwd=project, env=env).stdout == ""
    assert snapshot == {p: p.read_bytes() for p in (project / "locales").rglob("*.po*")}
    for path in snapshot:
        msgfmt_check(path)
        assert subprocess.run(["msgcat", str(path)], capture_output=True).stdout == snapshot[path]


def test_repository_catalogs_are_current_and_valid(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    assert run_cli("extract", "--check", cwd=project, check=False).returncode == 0
    assert run_cli("update", "--check", cwd=project, check=False).returncode == 0
    for path in sorted((ROOT / "locales").rglob("*.po*")):
        msgfmt_check(path)


def test_init_writes_cldr_plural_forms(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    run_cli("extract", cwd=project)
    run_cli("init", "ar", cwd=project)
    po = polib.pofile(str(project / "locales" / "ar" / "LC_MESSAGES" / "ui.po"))
    assert po.metadata["Language"] == "ar"
    assert po.metadata["Plural-Forms"].startswith("nplurals=6;")
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_extract_only_the_given_files(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    result = run_cli("extract", "source/demo.md", cwd=project)
    assert result.stdout == "wrote locales/demo.pot\n"
    assert not (project / "locales" / "ui.pot").exists()
    result = run_cli("extract", "templates/index.html", cwd=project)
    assert result.stdout == "wrote locales/ui.pot\n"
