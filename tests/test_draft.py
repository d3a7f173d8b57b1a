"""`pipeline build --draft`: a language below its publishing threshold is built, marked
DRAFT on every page and handout, and not published (not in the index, not in the published
pages' menus, `published: false` in the report); a build without `--draft` removes it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import SLUG, copy_project, pdftotext, run_cli, squash
from pipeline.po import parse_po, write_po

EPOCH = {"SOURCE_DATE_EPOCH": "1764115200"}
BROKEN_TEXT = "Texte dont les balises sont perdues"
"""Planted as the French translation of a message with tags: refused by the gate."""
FUZZY_TEXT = "Texte flou jamais relu par personne"
"""Planted as a fuzzy French translation."""


def draft_project(dest: Path) -> Path:
    """The project with Spanish (complete) and French (half untranslated, one translation
    with its tags lost, one fuzzy: below the threshold of 80%), one edition, and no
    `base_url` (no QR code: a draft's page differs from a published one only by what the
    build knows)."""
    project = copy_project(dest)
    config = project / "pyproject.toml"
    text = config.read_text("utf-8")
    start = text.index("languages = [")
    text = text[:start] + 'languages = ["es", "fr"]' + text[text.index("\n", start) :]
    text = re.sub(r"(?m)^base_url = .*\n", "", text)
    config.write_text(text.replace("large_print = true", "large_print = false"), "utf-8")
    po = project / "locales" / "fr" / "LC_MESSAGES" / f"{SLUG}.po"
    catalog = parse_po(po)
    entries = [e for e in catalog if e.msgid and e.msgstr and not e.obsolete]
    broken = next(e for e in entries if re.search(r"<(\w+)1>", e.msgid))
    broken.msgstr = BROKEN_TEXT
    fuzzy = next(e for e in entries if e is not broken and "(paragraph)" in e.comment)
    fuzzy.msgstr = FUZZY_TEXT
    fuzzy.flags.append("fuzzy")
    rest = [e for e in entries if e not in (broken, fuzzy)]
    for entry in rest[: len(rest) // 2]:
        entry.msgstr = ""
    write_po(po, catalog)
    return project


def report(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((project / "output" / "report.json").read_text("utf-8"))
    return data


def row(project: Path, lang: str) -> dict[str, Any]:
    return next(r for r in report(project)["outputs"] if r["lang"] == lang)


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The project after one `build --draft`, and what the build printed."""
    project = draft_project(tmp_path_factory.mktemp("draft") / "p")
    result = run_cli("build", "--draft", cwd=project, env=EPOCH)
    return project, result.stdout


@pytest.fixture
def project(drafted: tuple[Path, str], tmp_path: Path) -> Path:
    """A copy of the drafted project, output and build state included."""
    return Path(shutil.copytree(drafted[0], tmp_path / "p"))


def build(project: Path, *args: str) -> str:
    return run_cli("build", *args, cwd=project, env=EPOCH).stdout


def test_a_draft_build_writes_the_language_marked_and_unpublished(
    drafted: tuple[Path, str],
) -> None:
    project, printed = drafted
    out = project / "output"
    html = (out / "fr" / f"{SLUG}.html").read_text("utf-8")
    assert 'class="watermark"' in html and 'class="draft-note"' in html
    mark = parse_po(project / "locales" / "fr" / "LC_MESSAGES" / "ui.po").find("DRAFT").msgstr
    pages = PdfReader(out / "fr" / f"{SLUG}.pdf").pages
    assert mark and all(mark in page.extract_text() for page in pages), "DRAFT on every page"
    # Its own menu names it; the published pages and the index do not link it.
    assert re.search(rf'href="\.\./fr/{SLUG}\.html"[^>]*aria-current="page"', html)
    for lang in ("en", "es"):
        assert f"../fr/{SLUG}" not in (out / lang / f"{SLUG}.html").read_text("utf-8")
    index = (out / "index.html").read_text("utf-8")
    assert f"fr/{SLUG}" not in index and f"es/{SLUG}.pdf" in index
    assert not (out / "fr" / f"{SLUG}.qr.svg").exists()
    french = row(project, "fr")
    assert (french["status"], french["published"], french["draft"]) == ("built", False, True)
    assert re.fullmatch(r"\d+% translated, below the threshold of 80%", french["reason"])
    assert french["percent"] < 80
    spanish = row(project, "es")
    assert (spanish["status"], spanish["published"], spanish["draft"]) == ("built", True, False)
    assert (
        f"draft, not published: fr (1 handout in output/fr/): {SLUG}: {french['reason']}"
        in printed.splitlines()
    )
    assert printed.rstrip().endswith("; 1 draft, not published"), printed


def test_a_draft_prints_only_usable_translations(drafted: tuple[Path, str]) -> None:
    """Draft lifts the threshold, not the gate: a broken or fuzzy translation is not
    printed; the source's text is."""
    project, _ = drafted
    html = (project / "output" / "fr" / f"{SLUG}.html").read_text("utf-8")
    text = squash(pdftotext(project / "output" / "fr" / f"{SLUG}.pdf"))
    for shown in (html, text):
        assert BROKEN_TEXT not in shown and FUZZY_TEXT not in shown
    french = row(project, "fr")
    assert (french["invalid"], french["fuzzy"]) == (1, 1)


def test_a_second_draft_build_keeps_the_drafts_as_drafts(project: Path) -> None:
    printed = build(project, "--draft")
    data = report(project)
    assert data["pages"]["made"] == []
    french = row(project, "fr")
    assert (french["status"], french["published"], french["draft"]) == ("up-to-date", False, True)
    assert "draft, not published: fr" in printed


def test_a_build_without_draft_removes_the_drafts(project: Path) -> None:
    printed = build(project)
    out = project / "output"
    assert not (out / "fr").exists()
    data = report(project)
    assert data["pages"]["made"] == [f"fr/{SLUG}.html"], "the published pages stay"
    statuses = {r["lang"]: (r["status"], r["published"]) for r in data["outputs"]}
    assert statuses == {
        "en": ("up-to-date", True),
        "es": ("up-to-date", True),
        "fr": ("not-published", False),
    }
    assert "not published: fr" in printed and "draft" not in printed
    assert f"fr/{SLUG}.pdf" not in json.loads((out / ".build-state.json").read_text())


def test_a_draft_is_never_kept_as_the_published_handout(project: Path) -> None:
    """When the threshold lets French be published, its page and PDF are made again,
    published, even though the draft's HTML holds the same text."""
    config = project / "pyproject.toml"
    text = config.read_text("utf-8")
    clinic = "[tool.pipeline.clinic]"  # `thresholds` belongs to [tool.pipeline], before it
    config.write_text(text.replace(clinic, f"thresholds = {{ fr = 10 }}\n{clinic}"), "utf-8")
    build(project)
    data = report(project)
    assert f"fr/{SLUG}.html" in data["pages"]["made"]
    french = row(project, "fr")
    assert (french["status"], french["published"]) == ("built", True)
    index = (project / "output" / "index.html").read_text("utf-8")
    assert f'href="fr/{SLUG}.html"' in index
    spanish = (project / "output" / "es" / f"{SLUG}.html").read_text("utf-8")
    assert f"../fr/{SLUG}.html" in spanish


def test_draft_with_lang_of_a_new_language(project: Path) -> None:
    """As a careless user: a language neither configured nor on disk is refused in one
    line; once initialised, `--draft --lang` builds it unlisted, and `--lang` alone (no
    full build) removes it again."""
    refused = run_cli("build", "--draft", "--lang", "de", cwd=project, check=False)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "'de' is not configured" in refused.stderr
    assert not (project / "output" / "de").exists()
    run_cli("init", "de", cwd=project)
    printed = build(project, "--draft", "--lang", "de")
    assert "its pages are built but output/index.html does not list them" in printed
    assert f"draft, not published: de (1 handout in output/de/): {SLUG}: 0% translated" in printed
    page = project / "output" / "de" / f"{SLUG}.html"
    assert 'class="watermark"' in page.read_text("utf-8")
    assert (project / "output" / "de" / f"{SLUG}.pdf").is_file()
    assert "de/" not in (project / "output" / "index.html").read_text("utf-8")
    assert row(project, "fr")["draft"], "the other languages' rows stay"
    build(project, "--lang", "de")
    assert not (project / "output" / "de").exists()
    assert (project / "output" / "fr" / f"{SLUG}.pdf").is_file(), "not a full build"


def test_reports_written_before_drafts_read_back(tmp_path: Path) -> None:
    """A shard report without `published` (older builds): only its not-published rows
    were unpublished."""
    from pipeline.build import merge_reports

    rows = [
        {"slug": SLUG, "lang": lang, "edition": "standard", "pdf": f"{lang}/{SLUG}.pdf"}
        | {"status": status}
        for lang, status in (("es", "built"), ("fr", "not-published"))
    ]
    path = tmp_path / "report.json"
    data = {"outputs": rows, "errors": [], "shard": {"index": 1, "count": 1, "plan": "x"}}
    path.write_text(json.dumps(data))
    merged = merge_reports([path])
    assert [(r.lang, r.published) for r in merged.outputs] == [("es", True), ("fr", False)]


def test_a_published_language_that_becomes_a_draft_loses_its_qr_code(project: Path) -> None:
    """A draft's QR code would point to a page that is not online: it goes."""
    config = project / "pyproject.toml"
    text = config.read_text("utf-8")
    clinic = "[tool.pipeline.clinic]"
    published = f'base_url = "https://clinic.example.org/h"\nthresholds = {{ fr = 10 }}\n{clinic}'
    config.write_text(text.replace(clinic, published), "utf-8")
    build(project)
    qr = project / "output" / "fr" / f"{SLUG}.qr.svg"
    assert qr.is_file() and row(project, "fr")["published"]
    config.write_text(
        text.replace(clinic, f'base_url = "https://clinic.example.org/h"\n{clinic}'), "utf-8"
    )
    build(project, "--draft")
    html = (project / "output" / "fr" / f"{SLUG}.html").read_text("utf-8")
    assert not qr.exists() and ".qr.svg" not in html
    assert (project / "output" / "es" / f"{SLUG}.qr.svg").is_file()
    french = row(project, "fr")
    assert (french["status"], french["published"], french["draft"]) == ("built", False, True)
