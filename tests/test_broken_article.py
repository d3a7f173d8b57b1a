"""One broken article does not stop the build: the others are built, the broken one is
reported as one line (stderr and report.json) and the build exits 1."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ARTICLE, make_project, run_cli


def test_one_broken_article_does_not_stop_the_others(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    other = project / "source" / "other.md"
    other.write_text(ARTICLE.replace("slug: demo", "slug: other"), "utf-8")
    run_cli("extract", cwd=project)
    run_cli("build", cwd=project)
    old_pdf = project / "output" / "en" / "other.pdf"
    assert old_pdf.is_file()

    # The article breaks after it was published: a missing image, a bad link.
    text = other.read_text("utf-8").replace("images/cells.svg", "images/gone.svg")
    other.write_text(text, "utf-8")
    line = text.splitlines().index("![A drawing of cells](images/gone.svg)") + 1
    (project / "source" / "demo.md").write_text(ARTICLE + "\nOne more paragraph.\n", "utf-8")
    result = run_cli("build", cwd=project, check=False)

    expected = f"source/other.md:{line}: image not found: images/gone.svg"
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [expected]
    report = json.loads((project / "output" / "report.json").read_text("utf-8"))
    assert report["errors"] == [expected]
    assert report["complete"] is True
    # The good article was built again, with its edit.
    html = (project / "output" / "en" / "demo.html").read_text("utf-8")
    assert "One more paragraph." in html
    built = {(r["slug"], r["status"]) for r in report["outputs"] if r["lang"] == "en"}
    assert ("demo", "built") in built
    assert not any(slug == "other" for slug, _ in built)
    assert (project / "output" / "en" / "demo.pdf").is_file()
    # The broken article's last good handout stays until it builds again.
    assert old_pdf.is_file()


def test_a_broken_template_still_stops_everything(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    run_cli("extract", cwd=project)
    (project / "templates" / "handout.html").write_text("{% if %}", "utf-8")
    result = run_cli("build", cwd=project, check=False)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and "templates/handout.html" in result.stderr
    assert not (project / "output" / "en" / "demo.pdf").exists()


def test_a_file_name_with_a_newline_or_an_override_is_still_one_line(tmp_path: Path) -> None:
    """A name can hold any character but `/`: printed raw, a newline in it would forge a
    second line (`changed: fake.md`) and U+202E would reverse the rest of the line on the
    terminal. Hidden characters are printed as their escapes."""
    project = make_project(tmp_path / "p")
    (project / "source" / "evil\nfake\u202e.md").write_text("no front matter\n", "utf-8")
    result = run_cli("build", cwd=project, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "source/evil\\nfake\\u202e.md:1: missing front matter: start the file with a"
        " '# Title' line or with '---' front matter (title, summary...)"
    ]
