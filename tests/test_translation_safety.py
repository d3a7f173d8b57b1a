"""Translator text is never trusted as HTML; broken tags fall back to the source."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from conftest import SLUG, copy_project, pdftotext, run_cli, set_msgstrs, squash

ATTACKS = {
    "What is Multiple Sclerosis?": "<script>alert(document.cookie)</script>",
    "Autoimmune Disease": '<img src=x onerror="alert(document.domain)">',
    "Symptoms and Progression": '<a href="javascript:alert(window.name)">click</a> <style>body{display:none}</style>',
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("hostile") / "p")
    set_msgstrs(project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po", ATTACKS)
    set_msgstrs(
        project / "locales" / "es" / "LC_MESSAGES" / "ui.po",
        {"Disclaimer": "<iframe src=//evil></iframe>Aviso"},
    )
    run_cli("build", "--lang", "es", cwd=project)
    return project


def test_msgstr_markup_is_escaped_in_html(hostile: Path) -> None:
    html = (hostile / "output" / "es" / f"{SLUG}.html").read_text("utf-8")
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert '<a href="javascript:' not in html and "<style>body{display:none}" not in html
    assert "<iframe" not in html and "&lt;iframe src=//evil&gt;&lt;/iframe&gt;Aviso" in html


def test_msgstr_markup_is_literal_text_in_pdf(hostile: Path) -> None:
    text = squash(pdftotext(hostile / "output" / "es" / f"{SLUG}.pdf"))
    assert "<script>alert(document.cookie)</script>" in text
    assert '<img src=x onerror="alert(document.domain)">' in text
    assert "<iframe src=//evil></iframe>Aviso" in text


def test_tag_mismatch_falls_back_to_source_and_is_reported(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    po = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    msgid = next(e.msgid for e in polib.pofile(str(po)) if "<strong1>" in e.msgid)
    set_msgstrs(po, {msgid: "La terapia <b>no</b> es una cura."})
    result = run_cli("build", "--lang", "es", cwd=project)
    assert "invalid translation: tags: tag <strong1> is missing" in result.stderr
    html = (project / "output" / "es" / f"{SLUG}.html").read_text("utf-8")
    assert "&lt;b&gt;no" not in html
    assert '<p lang="en" dir="ltr">Stem cell therapy is <strong>not a cure</strong>' in html


def test_check_tags_reports_each_problem_once() -> None:
    from pipeline.translate import check_tags

    msgid = "Ask <a1>your <em1>doctor</em1></a1> about <strong1>HSCT</strong1> <img1/>."
    assert check_tags(msgid, "<img1/> <strong1>HSCT</strong1>: <a1><em1>médico</em1></a1>") == []
    assert check_tags(msgid, "<a1><em1>x</em1></a1> <img1/> HSCT") == ["tag <strong1> is missing"]
    assert check_tags(msgid, "<a1><em1>x</a1></em1> <strong1>y</strong1> <img1/>") == [
        "tag <em1> and <a1> are badly nested"
    ]
    assert check_tags(msgid, "</strong1><a1><em1>x</em1></a1> <img1/>") == [
        "tag </strong1> closes a tag that is not open",
        "tag <strong1> is missing",
    ]
    assert check_tags(msgid, "<a1><em1>x</em1></a1> <b1>y</b1> <strong1>z</strong1> <img1/>") == [
        "tag <b1> is not in the source text",
        "tag </b1> is not in the source text",
    ]
    assert check_tags(msgid, "<a1><em1>x</em1></a1> <strong1>z</strong1> <img1/> <img1/>") == [
        "tag <img1/> appears 2 times"
    ]
    assert check_tags(msgid, "<a1><em1>x</em1> <strong1>z</strong1> <img1/>") == [
        "tag <a1> is not closed"
    ]
