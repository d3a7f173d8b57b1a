"""The usual Markdown habit: a leading `# Title` is the article's title."""

from __future__ import annotations

from pathlib import Path

import polib

from conftest import copy_project, pdftotext, run_cli
from pipeline.errors import SourceError
from pipeline.segments import segment_article
from pipeline.sources import read_article


def test_a_file_with_only_a_title_line_is_an_article(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "source" / "spasticity.md").write_text(
        "\n# Managing MS: Spasticity\n\nStretch every day.\n", "utf-8"
    )
    run_cli("extract", cwd=project)
    pot = polib.pofile(str(project / "locales" / "spasticity.pot"))
    assert [(e.comment, e.msgid) for e in pot] == [
        ("(title)", "Managing MS: Spasticity"),
        ("(paragraph)", "Stretch every day."),
    ]
    assert pot[1].occurrences == [("source/spasticity.md", "")]


def test_front_matter_title_repeated_as_heading_is_not_a_second_title(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Living with MS\n---\n\n# Living with MS\n\nText here.\n", "utf-8")
    parsed = segment_article(read_article(path))
    assert [(s.kind, s.text, s.line) for s in parsed.segments] == [
        ("title", "Living with MS", 2),
        ("paragraph", "Text here.", 7),
    ]


def test_a_different_leading_heading_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Living with MS\n---\n\n# Something else\n\nText.\n", "utf-8")
    try:
        segment_article(read_article(path))
    except SourceError as exc:
        assert (exc.line, exc.message) == (
            5,
            "use '##' for sections: the title comes from the front matter",
        )
    else:
        raise AssertionError("a second title was accepted")


def test_an_article_without_a_date_prints_no_empty_date(tmp_path: Path) -> None:
    """No `date` or `updated` in the front matter: the provenance line that needs a date
    is left out of the handout, never printed as "… of ."."""
    project = copy_project(tmp_path / "p")
    (project / "source" / "spasticity.md").write_text(
        "\n# Managing MS: Spasticity\n\nStretch every day.\n", "utf-8"
    )
    run_cli("extract", cwd=project)
    run_cli("build", "--lang", "en", cwd=project)
    html = (project / "output" / "en" / "spasticity.html").read_text("utf-8")
    text = pdftotext(project / "output" / "en" / "spasticity.pdf")
    for printed in (html, text):
        assert "Article version" not in printed
        assert "Printed from the edition generated" in " ".join(printed.split())
    dated = (project / "output" / "en" / "stem-cell-therapy-ms.html").read_text("utf-8")
    assert "Article version" in dated
