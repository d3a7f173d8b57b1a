"""A fake locale whose translations are visibly transformed builds through the real path."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import SLUG, copy_project, new_language, pdftotext, run_cli, squash
from pipeline.checks import ADDRESS
from pipeline.segments import TAG_RE


def shout(text: str) -> str:
    """Upper-case the text but keep tags and python-format placeholders intact."""
    pieces = re.split(rf"(<[^>]+>|%\([a-z_]+\)s|{ADDRESS.pattern})", text)
    return "".join(
        p if TAG_RE.fullmatch(p) or p.startswith("%(") or ADDRESS.fullmatch(p) else p.upper()
        for p in pieces
    )


def test_upper_cased_locale_builds_and_shows(tmp_path: Path) -> None:
    from pipeline.po import parse_po, write_po

    project = copy_project(tmp_path / "p")
    lang = new_language(project)
    run_cli("init", lang, cwd=project)
    for domain in (SLUG, "ui"):
        path = project / "locales" / lang / "LC_MESSAGES" / f"{domain}.po"
        catalog = parse_po(path)
        for entry in catalog:
            entry.msgstr = shout(entry.msgid)
        write_po(path, catalog)
    result = run_cli("build", "--lang", lang, cwd=project)
    assert "draft" not in result.stdout
    text = squash(pdftotext(project / "output" / lang / f"{SLUG}.pdf"))
    assert "WHAT IS MULTIPLE SCLEROSIS?" in text
    assert "STEM CELL THERAPY IS NOT A CURE" in text
    assert re.search(r"PAGE 1 OF \d+", text)
    html = (project / "output" / lang / f"{SLUG}.html").read_text("utf-8")
    assert f'<html lang="{lang}" dir="ltr">' in html
    assert "<strong>NOT A CURE</strong>" in html
