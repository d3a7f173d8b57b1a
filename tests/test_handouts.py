"""Clinic-ready handouts, read back from real PDFs: paper, type size, provenance,
metadata, accessibility tags, draft marks and reproducibility."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import pdfplumber
import polib
import pytest
import yaml
from pypdf import PdfReader

from conftest import (
    ROOT,
    SLUG,
    assert_fonts_embedded,
    bare,
    copy_project,
    pdffonts,
    pdftotext,
    run_cli,
    squash,
)

EPOCH = {"SOURCE_DATE_EPOCH": "1764115200"}  # 2025-11-26


def _ui(lang: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locales" / lang / "LC_MESSAGES" / "ui.po"))


def _smallest_font(pdf: Path) -> float:
    with pdfplumber.open(pdf) as doc:
        return min(
            round(char["size"], 2)
            for page in doc.pages
            for char in page.chars
            if char["text"].strip()
        )


@pytest.mark.parametrize("lang", ["en", "es", "ar", "zh_Hans"])
def test_body_text_is_at_least_12pt_and_18pt_in_large_print(built_project: Path, lang: str) -> None:
    out = built_project / "output" / lang
    assert _smallest_font(out / f"{SLUG}.pdf") >= 12
    assert _smallest_font(out / f"{SLUG}.large.pdf") >= 18
    assert len(PdfReader(out / f"{SLUG}.large.pdf").pages) > len(
        PdfReader(out / f"{SLUG}.pdf").pages
    )


def test_paper_size_comes_from_the_clinic_config(built_project: Path, tmp_path: Path) -> None:
    a4 = PdfReader(built_project / "output" / "es" / f"{SLUG}.pdf").pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    project = copy_project(tmp_path / "p")
    config = project / "pyproject.toml"
    config.write_text(config.read_text("utf-8").replace('paper = "A4"', 'paper = "Letter"'))
    run_cli("build", "--lang", "es", cwd=project)
    letter = PdfReader(project / "output" / "es" / f"{SLUG}.pdf").pages[-1].mediabox
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


@pytest.mark.parametrize("lang", ["es", "ar", "zh_Hans", "ru"])
def test_provenance_and_clinic_are_printed_in_the_handout_language(
    built_project: Path, lang: str
) -> None:
    text = squash(pdftotext(built_project / "output" / lang / f"{SLUG}.pdf"))
    version = hashlib.sha256((ROOT / "source" / f"{SLUG}.md").read_bytes()).hexdigest()[:10]
    assert version in text
    assert "Riverside MS Clinic" in text
    ui = _ui(lang)
    for msgid in (
        "Article version %(version)s of %(date)s.",
        "Translation revised %(date)s, %(percent)s%% translated.",
        "Printed from the edition generated %(date)s.",
    ):
        msgstr = ui.find(msgid).msgstr
        first_words = re.split(r"%\(\w+\)s", msgstr)[0].strip()
        assert bare(first_words) in bare(text), (msgid, first_words)


def test_pdf_metadata_lets_a_clinic_audit_a_printed_copy(built_project: Path) -> None:
    reader = PdfReader(built_project / "output" / "es" / f"{SLUG}.pdf")
    meta = reader.metadata
    assert meta is not None
    po = polib.pofile(str(ROOT / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"))
    by_kind = {e.comment: e.msgstr for e in po if e.comment.startswith("(")}
    assert meta.title == by_kind["(title)"]
    assert meta.subject == by_kind["(summary)"]
    assert meta["/Keywords"] == by_kind["(keywords)"]
    assert meta.author == "Riverside MS Clinic"
    # The article's own dates (front matter), not the day of the build.
    front = yaml.safe_load((ROOT / "source" / f"{SLUG}.md").read_text("utf-8").split("---")[1])
    assert meta["/CreationDate"].startswith("D:" + front["date"].strftime("%Y%m%d"))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "es"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


def test_complete_handout_has_no_draft_mark_and_a_qr_code(built_project: Path) -> None:
    html = (built_project / "output" / "es" / f"{SLUG}.html").read_text("utf-8")
    assert 'class="watermark"' not in html
    qr = built_project / "output" / "es" / f"{SLUG}.qr.svg"
    assert qr.read_text("utf-8").startswith(
        "<!-- https://clinic.example.org/handouts/es/stem-cell-therapy-ms.html -->\n<svg"
    )
    text = squash(pdftotext(built_project / "output" / "es" / f"{SLUG}.pdf"))
    assert bare("https://clinic.example.org/handouts/es/stem-cell-therapy-ms.html") in bare(text)
    assert _ui("es").find("DRAFT").msgstr not in text


def test_fuzzy_entry_makes_a_watermarked_draft_on_every_page(tmp_path: Path) -> None:
    from pipeline.po import parse_po, write_po

    project = copy_project(tmp_path / "p")
    po_path = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    catalog = parse_po(po_path)
    entry = catalog.find("Clinical Trials")
    entry.flags.append("fuzzy")
    write_po(po_path, catalog)
    run_cli("build", "--lang", "es", cwd=project, env=EPOCH)
    pdf = project / "output" / "es" / f"{SLUG}.pdf"
    mark = _ui("es").find("DRAFT").msgstr
    pages = PdfReader(pdf).pages
    for number, page in enumerate(pages, 1):
        assert mark in page.extract_text(), f"page {number} has no draft mark"
    last = squash(pages[-1].extract_text())
    assert _ui("es").find("Sections not yet translated or reviewed").msgstr in last
    # the fuzzy heading falls back to English, inside its Spanish section
    assert "La carretera" not in last
    html = (project / "output" / "es" / f"{SLUG}.html").read_text("utf-8")
    assert '<h4 lang="en" dir="ltr">Clinical Trials</h4>' in html


def test_below_threshold_is_not_published_and_reported(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    config = project / "pyproject.toml"
    config.write_text(
        config.read_text("utf-8").replace(
            "threshold = 80", "threshold = 80\nthresholds = { es = 100 }"
        )
    )
    po_path = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    text = po_path.read_text("utf-8")
    po_path.write_text(text.replace('msgstr "Ensayos clínicos"', 'msgstr ""'), "utf-8")
    result = run_cli("build", cwd=project)
    assert (
        "not published: es (2 handouts not written): stem-cell-therapy-ms:"
        " 99% translated, below the threshold of 100%"
    ) in result.stdout.splitlines()
    assert not (project / "output" / "es").exists()
    import json

    report = json.loads((project / "output" / "report.json").read_text("utf-8"))
    rows = [r for r in report["outputs"] if r["lang"] == "es"]
    assert {r["status"] for r in rows} == {"not-published"}
    index = (project / "output" / "index.html").read_text("utf-8")
    assert 'href="es/stem-cell-therapy-ms.pdf"' not in index


def test_same_inputs_give_byte_identical_pdfs(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    run_cli("build", "--lang", "ar", cwd=project, env=EPOCH)
    out = project / "output" / "ar"
    first = {p.name: p.read_bytes() for p in out.glob("*.pdf")}
    run_cli("build", "--lang", "ar", "--force", "--jobs", "1", cwd=project, env=EPOCH)
    assert first == {p.name: p.read_bytes() for p in out.glob("*.pdf")}
    assert len(first) == 2


def test_index_links_every_edition(built_project: Path) -> None:
    index = (built_project / "output" / "index.html").read_text("utf-8")
    for lang in ("en", "es", "ar", "zh_Hans"):
        assert f'href="{lang}/{SLUG}.large.pdf"' in index


def test_pdf_ua_fonts_all_embedded_in_large_print(built_project: Path) -> None:
    assert_fonts_embedded(built_project / "output" / "zh_Hans" / f"{SLUG}.large.pdf")


def test_an_untranslated_entry_also_makes_a_draft(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    po_path = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    text = po_path.read_text("utf-8")
    po_path.write_text(text.replace('msgstr "Ensayos clínicos"', 'msgstr ""'), "utf-8")
    run_cli("build", "--lang", "es", cwd=project, env=EPOCH)
    pdf = project / "output" / "es" / f"{SLUG}.pdf"
    mark = _ui("es").find("DRAFT").msgstr
    assert all(mark in page.extract_text() for page in PdfReader(pdf).pages)


SCRIPTS = {
    # language: (title, a heading, the CJK font family pdffonts must show, if any)
    "vi": (
        "Liệu pháp tế bào gốc: hy vọng mới cho người bệnh đa xơ cứng",
        "Bệnh đa xơ cứng là gì?",
        "",
    ),
    "ja": ("幹細胞療法：多発性硬化症の患者さんへの希望", "多発性硬化症とは？", "NotoSansCJKjp"),
    "ko": (
        "줄기세포 치료: 다발성 경화증 환자를 위한 희망",
        "다발성 경화증이란 무엇인가요?",
        "NotoSansCJKkr",
    ),
    "he": ("טיפול בתאי גזע: תקווה לחולי טרשת נפוצה", "מהי טרשת נפוצה?", ""),
    "hi": ("स्टेम सेल थेरेपी: मल्टीपल स्क्लेरोसिस के रोगियों के लिए आशा", "मल्टीपल स्क्लेरोसिस क्या है?", ""),
}


@pytest.mark.parametrize("lang", sorted(SCRIPTS))
def test_every_script_renders_with_its_own_font(tmp_path: Path, lang: str) -> None:
    """Vietnamese stacked diacritics, Japanese and Korean regional CJK fonts, Hebrew RTL
    and Devanagari: no missing glyph (the build would fail), text extractable."""
    from pipeline.po import parse_po, write_po

    title, heading, cjk = SCRIPTS[lang]
    project = copy_project(tmp_path / "p")
    config = project / "pyproject.toml"
    config.write_text(config.read_text("utf-8").replace("threshold = 80", "threshold = 0"))
    run_cli("init", lang, cwd=project)
    po_path = project / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"
    catalog = parse_po(po_path)
    catalog.find(
        "Stem Cell Salvation: A Glimmer of Hope for Multiple Sclerosis Sufferers"
    ).msgstr = title
    catalog.find("What is Multiple Sclerosis?").msgstr = heading
    write_po(po_path, catalog)
    run_cli("build", "--lang", lang, cwd=project)
    pdf = project / "output" / lang / f"{SLUG}.pdf"

    # Letters only: text extraction moves marks (Devanagari matras) and RTL punctuation.
    def letters(value: str) -> str:
        return "".join(c for c in value if unicodedata.category(c) in ("Lu", "Ll", "Lo"))

    assert letters(heading) in letters(pdftotext(pdf))
    assert letters(title)[:8] in letters(pdftotext(pdf))
    fonts = pdffonts(pdf)
    if cjk:
        assert cjk.lower() in fonts.replace("-", "").lower()
    html = (project / "output" / lang / f"{SLUG}.html").read_text("utf-8")
    direction = "rtl" if lang == "he" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in html
