"""Pseudo-localisation: accented, longer, bracketed, mirrored; builds through the real path."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib

from conftest import copy_project, pdftotext, run_cli, squash
from pipeline.pseudo import pseudo_text
from pipeline.translate import check_tags

SLUG = "stem-cell-therapy-ms"


class _Structure(HTMLParser):
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


def _structure(html: str) -> list[str]:
    parser = _Structure()
    parser.feed(html)
    return parser.tags


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
    source = _structure((out / "en" / f"{SLUG}.html").read_text("utf-8"))
    accented = (out / "en_XA" / f"{SLUG}.html").read_text("utf-8")
    mirrored = (out / "ar_XB" / f"{SLUG}.html").read_text("utf-8")
    assert _structure(accented) == source
    assert _structure(mirrored) == source
    assert '<html lang="en-XA" dir="ltr">' in accented
    assert '<html lang="ar-XB" dir="rtl">' in mirrored
    text = squash(pdftotext(out / "en_XA" / f"{SLUG}.pdf"))
    assert "[Ẇħȧŧ īş Ḿŭŀŧīƥŀḗ Şƈŀḗřǿşīş?" in text
    assert "draft" not in run_cli("build", "--lang", "en_XA", cwd=project).stdout
    # pseudo-locales are tools, not languages: check and update leave them alone
    assert "en_XA" not in run_cli("update", cwd=project).stdout
