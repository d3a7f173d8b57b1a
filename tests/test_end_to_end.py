"""Extract → update → build on the real article, read back with poppler and pypdf."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import polib
import pytest
from pypdf import PdfReader

from conftest import ROOT, SLUG, assert_fonts_embedded, bare, pdffonts, pdftotext, squash

LANGS = ("es", "ar", "zh_Hans", "ru")


def _headings(lang: str) -> list[str]:
    po = polib.pofile(str(ROOT / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"))
    return [e.msgstr for e in po if "(heading)" in e.comment or "(title)" in e.comment]


@pytest.mark.parametrize("lang", LANGS)
def test_every_heading_is_in_the_pdf(built_project: Path, lang: str) -> None:
    headings = _headings(lang)
    assert len(headings) >= 25
    pdf = built_project / "output" / lang / f"{SLUG}.pdf"
    text = squash(pdftotext(pdf))
    if lang == "ar":
        # pdftotext may emit the last line of a wrapped RTL heading first: compare words.
        def words(line: str) -> set[str]:
            unmarked = "".join(c for c in line if unicodedata.category(c) != "Mn")
            return set(re.findall(r"\w+", unmarked))

        seen = words(text)
        missing = [h for h in headings if not words(h) <= seen]
    else:
        compact = bare(text)
        missing = [h for h in headings if bare(squash(h)) not in compact]
    assert not missing, missing


@pytest.mark.parametrize("lang", LANGS)
def test_complete_translations_build_clean_handouts(built_project: Path, lang: str) -> None:
    report = json.loads((built_project / "output" / "report.json").read_text("utf-8"))
    row = next(r for r in report["outputs"] if r["lang"] == lang)
    assert row["status"] == "built"
    assert row["fallback"] == row["fuzzy"] == row["invalid"] == 0
    html = (built_project / "output" / lang / f"{SLUG}.html").read_text("utf-8")
    assert 'class="watermark"' not in html
    assert "DRAFT" not in pdftotext(built_project / "output" / lang / f"{SLUG}.pdf")


def test_arabic_page_is_right_to_left(built_project: Path) -> None:
    html = (built_project / "output" / "ar" / f"{SLUG}.html").read_text("utf-8")
    assert re.search(r'<html lang="ar" dir="rtl">', html)
    es = (built_project / "output" / "es" / f"{SLUG}.html").read_text("utf-8")
    assert '<html lang="es" dir="ltr">' in es
    zh = (built_project / "output" / "zh_Hans" / f"{SLUG}.html").read_text("utf-8")
    assert '<html lang="zh-Hans" dir="ltr">' in zh


@pytest.mark.parametrize("lang", ("en", *LANGS))
def test_every_font_is_embedded(built_project: Path, lang: str) -> None:
    assert_fonts_embedded(built_project / "output" / lang / f"{SLUG}.pdf")


def test_script_fonts_are_the_right_ones(built_project: Path) -> None:
    def fonts(lang: str) -> str:
        return pdffonts(built_project / "output" / lang / f"{SLUG}.pdf")

    assert "NotoNaskhArabic" in fonts("ar").replace("-", "")
    assert "NotoSansCJKSC" in fonts("zh_Hans").replace("-", "")
    assert "NotoSans" in fonts("es").replace("-", "")
    assert "CJK" not in fonts("es") and "Arabic" not in fonts("es")


def test_page_footer_is_translated_with_its_word_order(built_project: Path) -> None:
    reader = PdfReader(built_project / "output" / "es" / f"{SLUG}.pdf")
    pages = len(reader.pages)
    first = squash(reader.pages[0].extract_text())
    assert f"Página 1 de {pages}" in first
    zh = squash(pdftotext(built_project / "output" / "zh_Hans" / f"{SLUG}.pdf"))
    ui = polib.pofile(str(ROOT / "locales" / "zh_Hans" / "LC_MESSAGES" / "ui.po"))
    pattern = ui.find("Page %(page)s of %(pages)s").msgstr
    expected = pattern.replace("%(page)s", "1").replace(
        "%(pages)s", str(len(PdfReader(built_project / "output" / "zh_Hans" / f"{SLUG}.pdf").pages))
    )
    assert squash(expected).replace(" ", "") in zh.replace(" ", "")


def test_images_have_alt_text_in_the_target_language(built_project: Path) -> None:
    html = (built_project / "output" / "es" / f"{SLUG}.html").read_text("utf-8")
    alts = re.findall(r'<img src="\.\./media/images/[^"]+" alt="([^"]*)"', html)
    assert len(alts) == 3
    assert all(alt and "illustration" not in alt.lower() for alt in alts), alts


def test_index_lists_every_language_by_native_name(built_project: Path) -> None:
    index = (built_project / "output" / "index.html").read_text("utf-8")
    for name in ("English", "Español", "العربية", "中文 (简体)"):
        assert name in index
    for lang in ("en", *LANGS):
        assert f'href="{lang}/{SLUG}.pdf"' in index
        assert f'href="{lang}/{SLUG}.html"' in index
        assert (built_project / "output" / lang / f"{SLUG}.pdf").stat().st_size > 10_000


def test_pdf_metadata_and_language(built_project: Path) -> None:
    reader = PdfReader(built_project / "output" / "es" / f"{SLUG}.pdf")
    title = str(reader.metadata.title if reader.metadata else "")
    assert title == _headings("es")[0]
    assert str(reader.trailer["/Root"].get("/Lang")) == "es"
