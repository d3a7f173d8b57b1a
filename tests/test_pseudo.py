"""Pseudo-localisation: accented, longer, bracketed, mirrored; builds through the real path."""

from __future__ import annotations

import re
from pathlib import Path

import polib

from conftest import SLUG, Structure, copy_project, html_structure, pdftotext, run_cli, squash
from pipeline.pseudo import pseudo_text
from pipeline.translate import check_tags

_Structure = Structure  # its old name here: other tests may import it from this module


def test_pseudo_text_keeps_tags_and_placeholders() -> None:
    text = "Ask <a1>your doctor</a1> about %(name)s and {count} <img1/> 50%% more."
    fake = pseudo_text(text)
    assert fake.startswith("[") and fake.endswith("]")
    assert check_tags(text, fake) == []
    assert "%(name)s" in fake and "{count}" in fake and "%%" in fake

    def visible(value: str) -> str:
        return re.sub(r"<[^>]+>|%\(\w+\)s|\{\w+\}|%%", "", value)

    assert len(visible(fake)) >= len(visible(text)) * 1.3
    assert "ȧ" in fake and "a" not in re.sub(r"<[^>]+>|%\(\w+\)s|\{\w+\}", "", fake)
    mirrored = pseudo_text("Hello", rtl=True)
    assert "\u202e" in mirrored and "\u202c" in mirrored


def test_pseudo_locales_build_with_the_same_structure(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = run_cli("pseudo", cwd=project)
    assert "wrote locales/en_XA/LC_MESSAGES/ui.po" in result.stdout
    for code in ("en_XA", "ar_XB"):
        for domain in (SLUG, "ui"):
            po = polib.pofile(str(project / "locales" / code / "LC_MESSAGES" / f"{domain}.po"))
            assert po.percent_translated() == 100
            assert not [e for e in po if "fuzzy" in e.flags]
    run_cli("build", "--lang", "en", "--lang", "en_XA", "--lang", "ar_XB", cwd=project)
    out = project / "output"
    source = html_structure((out / "en" / f"{SLUG}.html").read_text("utf-8"))
    accented = (out / "en_XA" / f"{SLUG}.html").read_text("utf-8")
    mirrored = (out / "ar_XB" / f"{SLUG}.html").read_text("utf-8")
    assert html_structure(accented) == source
    assert html_structure(mirrored) == source
    assert '<html lang="en-XA" dir="ltr">' in accented
    assert '<html lang="ar-XB" dir="rtl">' in mirrored
    text = squash(pdftotext(out / "en_XA" / f"{SLUG}.pdf"))
    assert "[Ẇħȧŧ īş Ḿŭŀŧīƥŀḗ Şƈŀḗřǿşīş?" in text
    assert "draft" not in run_cli("build", "--lang", "en_XA", cwd=project).stdout
    # pseudo-locales are tools, not languages: check and update leave them alone
    assert "en_XA" not in run_cli("update", cwd=project).stdout
