"""Incremental builds: a build remakes exactly the pages and PDFs whose inputs changed,
and never keeps one whose inputs did."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from conftest import copy_project, run_cli, set_msgstrs
from pipeline.po import parse_po

SLUG = "stem-cell-therapy-ms"
EPOCH = {"SOURCE_DATE_EPOCH": "1764115200"}


def small_project(dest: Path) -> Path:
    """The project with two target languages and one edition: quick to build."""
    project = copy_project(dest)
    config = project / "pyproject.toml"
    text = config.read_text("utf-8")
    start = text.index("languages = [")
    text = text[:start] + 'languages = ["es", "fr"]' + text[text.index("\n", start) :]
    config.write_text(text.replace("large_print = true", "large_print = false"), "utf-8")
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = small_project(tmp_path_factory.mktemp("incremental") / "p")
    run_cli("build", cwd=project, env=EPOCH)
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A copy of the built project, output and build state included."""
    copy = tmp_path / "p"
    shutil.copytree(built, copy)
    return copy


def build(project: Path, *args: str) -> dict[str, object]:
    run_cli("build", *args, cwd=project, env=EPOCH)
    report: dict[str, object] = json.loads((project / "output" / "report.json").read_text())
    return report


def made(report: dict[str, object]) -> list[str]:
    return sorted(report["pages"]["made"])  # type: ignore[index]


def built_pdfs(report: dict[str, object]) -> list[str]:
    rows = report["outputs"]
    return sorted(r["pdf"] for r in rows if r["status"] == "built")  # type: ignore[attr-defined]


def test_a_noop_build_makes_nothing(project: Path) -> None:
    report = build(project)
    assert made(report) == [] and built_pdfs(report) == []
    assert sorted(report["pages"]["kept"]) == [f"{lang}/{SLUG}.html" for lang in ("en", "es", "fr")]  # type: ignore[index]


def test_editing_one_catalog_makes_only_its_page_and_pdf(project: Path) -> None:
    po = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    po.write_text(po.read_text("utf-8").replace("Ensayos clínicos", "Ensayos clínicos (EC)"))
    report = build(project)
    assert made(report) == [f"es/{SLUG}.html"]
    assert built_pdfs(report) == [f"es/{SLUG}.pdf"]
    assert "Ensayos clínicos (EC)" in (project / "output" / "es" / f"{SLUG}.html").read_text()


def test_a_language_falling_below_its_threshold_changes_every_switcher(project: Path) -> None:
    """The other pages link to the languages the article is published in: when French is
    no longer published, the English and Spanish pages are made again without it."""
    po = project / "locales" / "fr" / "LC_MESSAGES" / f"{SLUG}.po"
    entries = [e for e in parse_po(po) if e.msgid and e.msgstr and not e.obsolete]
    set_msgstrs(po, {e.msgid: "" for e in entries[: len(entries) // 2]})
    for lang in ("en", "es"):
        assert 'hreflang="fr"' in (project / "output" / lang / f"{SLUG}.html").read_text()
    report = build(project)
    assert made(report) == [f"{lang}/{SLUG}.html" for lang in ("en", "es", "fr")]
    statuses = {r["pdf"]: r["status"] for r in report["outputs"]}  # type: ignore[attr-defined]
    assert statuses[f"fr/{SLUG}.pdf"] == "not-published"
    for lang in ("en", "es"):
        assert 'hreflang="fr"' not in (project / "output" / lang / f"{SLUG}.html").read_text()
        assert statuses[f"{lang}/{SLUG}.pdf"] == "built"


def test_an_untranslated_interface_string_makes_a_draft(project: Path) -> None:
    """The draft mark also depends on the interface catalog; only that language changes."""
    set_msgstrs(project / "locales" / "es" / "LC_MESSAGES" / "ui.po", {"Phone": ""})
    report = build(project)
    assert made(report) == [f"es/{SLUG}.html"]
    html = (project / "output" / "es" / f"{SLUG}.html").read_text()
    assert 'class="watermark"' in html and 'class="draft-note"' in html
    assert "<dt>Phone</dt>" in html
    row = next(r for r in report["outputs"] if r["lang"] == "es")  # type: ignore[attr-defined]
    assert (row["status"], row["ui_untranslated"], row["fallback"]) == ("built", 1, 0)
    french = (project / "output" / "fr" / f"{SLUG}.html").read_text()
    assert 'class="watermark"' not in french


def test_outputs_changed_or_removed_behind_the_builds_back_are_made_again(
    project: Path,
) -> None:
    out = project / "output"
    page = out / "es" / f"{SLUG}.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"</body>", b"<p>tampered</p></body>"))
    (out / "fr" / f"{SLUG}.qr.svg").unlink()
    (out / "en" / f"{SLUG}.pdf").unlink()
    index = (out / "index.html").read_bytes()
    (out / "index.html").write_text("tampered")
    report = build(project)
    assert made(report) == [f"es/{SLUG}.html"]
    assert page.read_bytes() == original
    assert (out / "fr" / f"{SLUG}.qr.svg").read_text().startswith("<!-- https://")
    assert (out / "index.html").read_bytes() == index
    # The Spanish PDF is made of the same HTML as before: it stays.
    assert built_pdfs(report) == [f"en/{SLUG}.pdf"]


def test_a_damaged_build_state_means_everything_is_made_again(project: Path) -> None:
    (project / "output" / ".build-pages.json").write_text('{"pages": {"es/x": 1}}')
    (project / "output" / ".build-state.json").write_text("[1, 2")
    report = build(project)
    assert len(made(report)) == 3 and len(built_pdfs(report)) == 3


def test_pages_made_in_workers_are_those_made_here(tmp_path: Path) -> None:
    """The page stage gives the same bytes whether its languages run in worker processes
    or one after the other in the build's own process."""
    from pipeline.build import BuildOptions
    from pipeline.build import build as run_build
    from pipeline.config import load_config

    pages: list[dict[str, bytes]] = []
    for jobs in (1, 2):
        project = small_project(tmp_path / f"jobs{jobs}")
        config = dataclasses.replace(load_config(project), root=project)
        report = run_build(config, BuildOptions(jobs=jobs, pdf=False))
        assert len(report.pages_made) == 3
        pages.append(
            {
                p.relative_to(project).as_posix(): p.read_bytes()
                for p in (project / "output").rglob("*")
                if p.is_file() and not p.name.startswith((".", "report"))
            }
        )
    assert pages[0] == pages[1] and len(pages[0]) > 6


def test_a_removed_language_is_forgotten(project: Path) -> None:
    config = project / "pyproject.toml"
    config.write_text(config.read_text("utf-8").replace('["es", "fr"]', '["es"]'))
    build(project)
    assert not (project / "output" / "fr").exists()
    pages = json.loads((project / "output" / ".build-pages.json").read_text())
    pdfs = json.loads((project / "output" / ".build-state.json").read_text())
    assert sorted(pages["pages"]) == [f"en/{SLUG}", f"es/{SLUG}"]
    assert not [key for key in pages["catalogs"] if key.startswith("fr/")]
    assert sorted(pdfs) == [f"en/{SLUG}.pdf", f"es/{SLUG}.pdf"]


def test_a_page_is_rendered_once_even_when_its_interface_makes_it_a_draft(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether a page is a draft is decided before it is rendered, from its catalog and
    the interface strings of the handout template."""
    import pipeline.render
    from pipeline.build import BuildOptions
    from pipeline.build import build as run_build
    from pipeline.config import load_config

    set_msgstrs(project / "locales" / "es" / "LC_MESSAGES" / "ui.po", {"Phone": ""})
    rendered: list[str] = []
    render = pipeline.render.render_template

    def counting(env: object, name: str, context: dict[str, object]) -> str:
        rendered.append(name)
        return render(env, name, context)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.render, "render_template", counting)
    monkeypatch.chdir(project)
    run_build(load_config(project), BuildOptions(langs=("es",), jobs=1, pdf=False))
    assert rendered.count("handout.html") == 1
    assert 'class="watermark"' in (project / "output" / "es" / f"{SLUG}.html").read_text()
