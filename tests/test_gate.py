"""Issue 10, "Nothing wrong is ever printed": one test per bullet of the issue.

A clinic prints what `pipeline build` leaves in `output/` without reading languages it does
not know, so a handout shows the source's numbers, links and words, or the source's own text;
an attack or a typo gives one `path:line: message` line, never a traceback, a wrong handout
or a lost translation. Each test here failed on the code before the fixes (the commit before
c969c58 "One publishing gate..." and before 3b50ca1 "The .po reader reads what GNU gettext
reads"). Bullets already proven elsewhere are named where they are:

- fmt and merge -o take the project lock: test_hostile.py::test_fmt_and_merge_into_a_project_wait_for_no_one
- a build killed between PDF writes, then reverted: test_hostile.py::test_a_build_killed_between_pdfs_never_leaves_a_stale_pdf_current

The handouts with broken entries are built once for the module (Spanish, Arabic and Russian,
both editions) and read back with pdftotext and pypdf.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import polib
import pytest
from attack import cli, html_build, msgcat, small_project
from pypdf import PdfReader

from conftest import copy_project, pdftotext, run_cli, set_msgstrs, squash
from pipeline.po import parse_po

SLUG = "stem-cell-therapy-ms"
DOSAGE = """\
## Dosage

Take 10 mg twice a day.

Call 555 0100 before 8 am.

Ask your doctor before **any** change.

See [the picture of stem cells](images/stem-cells.svg) and [the guide](https://example.org/guide).

"""
ES = {
    "Dosage": "Dosis",
    # a number the source does not say
    "Take 10 mg twice a day.": "Tome 20 mg dos veces al día.",
    # a right-to-left override: "555 0100" would print as "0010 555"
    "Call 555 0100 before 8 am.": "Llame al \u202e555 0100\u202c antes de las 8 am.",
    "See <a1>the picture of stem cells</a1> and <a2>the guide</a2>.": (
        "Vea <a1>la imagen de las células madre</a1> y <a2>la guía</a2>."
    ),
}
TWIN = "Pregunte a su médico antes de <strong1>cualquier</strong1> cambio falso."
UI_ES = {
    # every '%' that is not the msgid's own placeholder (Jinja2 formats them all)
    "Phone": "Tel %d",
    "Email": "100% correo",
    "Address": "Dirección %c",
    "Website": "Web %s",
    "Logo of %(name)s": "Logotipo de %(name)d",
    "For more information, contact %(name)s": "Más información: %(nombre)s",
}
DRAFT_NOTE = (
    "Draft: this translation is not complete or not yet reviewed. Parts in another language"
    " are shown where the translation is missing."
)


@dataclass(frozen=True)
class Gate:
    project: Path
    build: subprocess.CompletedProcess[str]
    lines: dict[str, int]
    """Catalog line of each broken entry, by what it is."""

    def pdf(self, lang: str, edition: str = "") -> Path:
        return self.project / "output" / lang / f"{SLUG}{edition}.pdf"


def _line_of(path: Path, msgid: str, context: str | None = None) -> int:
    return next(
        e.linenum
        for e in polib.pofile(str(path))
        if e.msgid == msgid and e.msgctxt == context and not e.obsolete
    )


@pytest.fixture(scope="module")
def gate(tmp_path_factory: pytest.TempPathFactory) -> Gate:
    project = copy_project(tmp_path_factory.mktemp("gate") / "p")
    source = project / "source" / f"{SLUG}.md"
    source.write_text(source.read_text("utf-8").replace("## Conclusion", DOSAGE + "## Conclusion"))
    run_cli("extract", cwd=project)
    run_cli("update", "--lang", "es", "--lang", "ar", "--lang", "ru", cwd=project)
    es = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    set_msgstrs(es, ES)
    # The real entry is fuzzy; a msgctxt twin with the same msgid is "translated".
    catalog = polib.pofile(str(es))
    real = catalog.find("Ask your doctor before <strong1>any</strong1> change.")
    real.msgstr = "Pregunte a su médico antes de <strong1>cualquier</strong1> cambio."
    real.flags.append("fuzzy")
    catalog.append(polib.POEntry(msgctxt="twin", msgid=real.msgid, msgstr=TWIN))
    catalog.save()
    run_cli("fmt", str(es), cwd=project)
    ui = project / "locales" / "es" / "LC_MESSAGES" / "ui.po"
    set_msgstrs(ui, UI_ES)
    ar_ui = project / "locales" / "ar" / "LC_MESSAGES" / "ui.po"
    set_msgstrs(ar_ui, {DRAFT_NOTE: ""})
    lines = {
        "number": _line_of(es, "Take 10 mg twice a day."),
        "bidi": _line_of(es, "Call 555 0100 before 8 am."),
        "twin": _line_of(es, real.msgid, "twin"),
        **{f"ui:{msgid}": _line_of(ui, msgid) for msgid in UI_ES},
    }
    result = run_cli(
        "build", "--lang", "es", "--lang", "ar", "--lang", "ru", cwd=project, check=False
    )
    assert result.returncode == 0, result.stderr
    return Gate(project, result, lines)


# -- Prints wrong facts ---------------------------------------------------------------------


def body_text(pdf: Path) -> str:
    """The PDF's horizontal text (the diagonal draft watermark left out), squashed."""
    with pdfplumber.open(pdf) as document:
        pages = [
            page.filter(lambda o: o.get("object_type") != "char" or abs(o["matrix"][1]) < 1e-6)
            for page in document.pages
        ]
        return squash("\n".join(page.extract_text() for page in pages))


def test_a_wrong_number_prints_the_source_sentence(gate: Gate) -> None:
    for edition in ("", ".large"):
        text = body_text(gate.pdf("es", edition))
        assert "Take 10 mg twice a day." in text
        assert "20 mg" not in text and "Tome" not in text


def test_bidi_controls_are_errors_and_print_the_source_sentence(gate: Gate) -> None:
    check = run_cli("check", "--lang", "es", "--strict", cwd=gate.project, check=False)
    po = f"locales/es/LC_MESSAGES/{SLUG}.po"
    assert (
        f"{po}:{gate.lines['bidi']}: error: characters: bidi control character U+202C"
        in check.stderr
    )
    text = body_text(gate.pdf("es"))
    assert "Call 555 0100 before 8 am." in text
    assert "Llame" not in text and "0010" not in text


def test_a_msgctxt_twin_is_never_printed_instead_of_the_fuzzy_entry(gate: Gate) -> None:
    text = body_text(gate.pdf("es"))
    assert "Ask your doctor before any change." in text
    assert "Pregunte a su médico antes de" not in text and "cambio falso" not in text


def test_broken_entries_are_named_once_not_once_per_edition(gate: Gate) -> None:
    po = f"locales/es/LC_MESSAGES/{SLUG}.po"
    ui = "locales/es/LC_MESSAGES/ui.po"
    named = [line for line in gate.build.stderr.splitlines() if line.startswith("warning: ")]
    expected = [f"{po}:{gate.lines[k]}:" for k in ("number", "bidi", "twin")]
    expected += [f"{ui}:{gate.lines['ui:' + m]}:" for m in UI_ES]
    for where in expected:
        hits = [line for line in named if line.startswith(f"warning: {where}")]
        assert len(hits) == 1, (where, named)
    assert len(named) == len(expected), named


def test_stats_report_and_draft_mark_count_them_as_not_translated(gate: Gate) -> None:
    rows = json.loads(run_cli("stats", "--lang", "es", "--format", "json", cwd=gate.project).stdout)
    article = next(r for r in rows if r["domain"] == SLUG)
    ui = next(r for r in rows if r["domain"] == "ui")
    assert article["invalid"] == 2 and article["fuzzy"] == 1
    assert article["translated"] == article["messages"] - 3
    assert ui["invalid"] == len(UI_ES) and ui["translated"] == ui["messages"] - len(UI_ES)
    report = json.loads((gate.project / "output" / "report.json").read_text("utf-8"))
    assert report["complete"] is True and report["errors"] == []
    for record in (r for r in report["outputs"] if r["lang"] == "es"):
        assert (record["invalid"], record["fuzzy"], record["status"]) == (2, 1, "built")
        assert record["ui_untranslated"] >= len(UI_ES) and record["percent"] < 100
    ui_po = polib.pofile(str(gate.project / "locales" / "es" / "LC_MESSAGES" / "ui.po"))
    mark = ui_po.find("DRAFT").msgstr
    pages = PdfReader(gate.pdf("es")).pages
    assert all(mark in page.extract_text() for page in pages)
    # The list of sections still in English closes the handout.
    html = (gate.project / "output" / "es" / f"{SLUG}.html").read_text("utf-8")
    missing = html.split('<section class="missing">', 1)[1].split("</section>", 1)[0]
    assert ui_po.find("Sections not yet translated or reviewed").msgstr in missing
    assert ">Dosis<" in missing


def test_stray_percent_in_the_interface_catalog_is_a_placeholder_error_and_falls_back(
    gate: Gate,
) -> None:
    check = run_cli("check", "--lang", "es", cwd=gate.project, check=False)
    for msgid in UI_ES:
        line = f"locales/es/LC_MESSAGES/ui.po:{gate.lines['ui:' + msgid]}: error: placeholders: "
        assert line in check.stderr, msgid
    text = squash(pdftotext(gate.pdf("es")))
    for fallback in ("Phone", "Email", "Address", "Website", "For more information, contact"):
        assert fallback in text
    for msgstr in UI_ES.values():
        assert squash(msgstr) not in text
    html = (gate.project / "output" / "es" / f"{SLUG}.html").read_text("utf-8")
    assert 'alt="Logo of Riverside MS Clinic"' in html


def test_local_links_in_pdfs_point_online_never_at_the_build_machine(gate: Gate) -> None:
    uris = [
        str(annotation.get_object().get("/A", {}).get("/URI", ""))
        for page in PdfReader(gate.pdf("es")).pages
        for annotation in page.get("/Annots") or []
    ]
    assert "https://example.org/guide" in uris
    assert "https://clinic.example.org/handouts/media/images/stem-cells.svg" in uris
    assert not [u for u in uris if u.startswith("file:") or str(gate.project) in u]


def test_untranslated_interface_text_keeps_its_full_stop_on_a_right_to_left_page(
    gate: Gate,
) -> None:
    first = squash(pdftotext(gate.pdf("ar")).split("\f")[0])
    start = first.index("Draft: this translation")
    sentence = first[start : first.index("missing", start) + len("missing") + 1]
    assert sentence.endswith("translation is missing."), sentence
    assert ".language" not in sentence and ". language" not in sentence


def test_russian_provenance_has_one_full_stop_after_the_year(gate: Gate) -> None:
    text = squash(pdftotext(gate.pdf("ru")))
    assert "г." in text and "г.." not in text and "г. ." not in text


def test_a_failed_render_removes_the_old_pdf_and_the_report_says_so(gate: Gate) -> None:
    """Last in the module: it breaks the shared project's Spanish catalog."""
    es = gate.project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    assert gate.pdf("es").exists()
    set_msgstrs(es, {"Dosage": "Dosis \U00011ee0"})  # a glyph no installed font has
    result = run_cli("build", "--lang", "es", cwd=gate.project, check=False)
    assert result.returncode == 1 and "no font has a glyph" in result.stderr
    assert not gate.pdf("es").exists() and not gate.pdf("es", ".large").exists()
    report = json.loads((gate.project / "output" / "report.json").read_text("utf-8"))
    assert {r["status"] for r in report["outputs"] if r["lang"] == "es"} == {"failed"}
    state = json.loads((gate.project / "output" / ".build-state.json").read_text("utf-8"))
    assert f"es/{SLUG}.pdf" not in state


# -- Crashes with a traceback ---------------------------------------------------------------


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return small_project(tmp_path / "p")


def _article(project: Path, old: str, new: str) -> int:
    """Edit the small project's article; the line of the first line of `new`."""
    path = project / "source" / "demo.md"
    text = path.read_text("utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    return text[: text.index(new)].count("\n") + 1


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-02-30", "2026-02-30"),
        ('"2026-02-30"', "2026-02-30"),
        ("tomorrow", "tomorrow"),
        ("2026-13-01T10:00:00", "2026-13-01T10:00:00"),
    ],
)
def test_an_impossible_date_is_one_line(small: Path, value: str, shown: str) -> None:
    line = _article(small, "date: 2026-01-15", f"date: {value}")
    for run in (cli(small, "extract"), html_build(small)):
        assert (run.code, run.lines) == (
            1,
            [f"source/demo.md:{line}: 'date' is not a valid date: {shown} (use YYYY-MM-DD)"],
        )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("render_timeout", "1"),
        ("render_timeout", "0"),
        ("render_timeout", "99999999999"),
        ("render_memory_mb", "1"),
        ("render_memory_mb", "100"),
        ("render_memory_mb", "99999999999"),
        ("render_timeout", '"300"'),
    ],
)
def test_extreme_render_limits_are_refused_at_their_line(small: Path, key: str, value: str) -> None:
    config = small / "pyproject.toml"
    text = config.read_text("utf-8").replace("large_print = false", f"{key} = {value}")
    config.write_text(text, "utf-8")
    line = text.splitlines().index(f"{key} = {value}") + 1
    run = cli(small, "build")
    assert run.code == 1 and len(run.lines) == 1
    assert run.lines[0].startswith(f"pyproject.toml:{line}: 'tool.pipeline.{key}' must be")


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("*" * 3000 + "x" + "*" * 3000, "inline markup nested more than 12 levels deep"),
        ("_a " * 20 + "x" + " b_" * 20, "inline markup nested more than 12 levels deep"),
        (">" * 3000 + " x", "blocks nested more than 24 levels deep"),
        ("- " * 1000 + "x", "blocks nested more than 24 levels deep"),
    ],
    ids=["strong", "emphasis", "quotes", "lists"],
)
def test_deep_nesting_is_one_line_at_its_line(small: Path, markdown: str, message: str) -> None:
    line = _article(small, "Take 10 mg", markdown + "\n\nTake 10 mg")
    for run in (cli(small, "extract"), html_build(small)):
        assert (run.code, run.lines) == (1, [f"source/demo.md:{line}: {message}"])


# -- Loses or corrupts a translator's text --------------------------------------------------

SEPARATORS = ["\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\x1c", "\x1d", "\x1e"]


def test_line_separators_in_a_translation_survive_update_and_fmt(small: Path) -> None:
    po = small / "locales" / "es" / "LC_MESSAGES" / "demo.po"
    text = po.read_text("utf-8")
    typed = "Una" + "".join(SEPARATORS) + "línea"
    po.write_text(text.replace("[Ŧȧķḗ 10 ḿɠ ŧẇīƈḗ ȧ ḓȧẏ. ·········]", typed), "utf-8")
    before = msgcat(po)
    assert before is not None and typed in parse_po(po).find("Take 10 mg twice a day.").msgstr
    for command in (("update", "--lang", "es"), ("fmt", str(po))):
        assert cli(small, *command).code == 0
        assert msgcat(po) == before
        assert parse_po(po).find("Take 10 mg twice a day.").msgstr == typed


def test_a_cr_only_catalog_is_refused_where_gettext_refuses_it(small: Path) -> None:
    po = small / "locales" / "es" / "LC_MESSAGES" / "demo.po"
    po.write_bytes(po.read_bytes().replace(b"\n", b"\r"))
    for run in (cli(small, "check", "--lang", "es"), cli(small, "update", "--lang", "es")):
        assert run.code == 1 and len(run.lines) == 1
        assert run.lines[0].startswith("locales/es/LC_MESSAGES/demo.po:1: carriage return")
    assert b"\n" not in po.read_bytes()


@pytest.mark.parametrize("nul", ["\\000", "\0"], ids=["escape", "raw"])
def test_a_nul_in_a_msgstr_is_refused_never_written(small: Path, nul: str) -> None:
    po = small / "locales" / "es" / "LC_MESSAGES" / "demo.po"
    text = po.read_text("utf-8").replace("[Ŧȧķḗ 10 ḿɠ", f"[Ŧȧķḗ{nul} 10 ḿɠ")
    po.write_text(text, "utf-8")
    line = text[: text.index(nul)].count("\n") + 1
    for run in (cli(small, "update", "--lang", "es"), html_build(small)):
        assert run.code == 1 and len(run.lines) == 1
        assert run.lines[0].startswith(f"locales/es/LC_MESSAGES/demo.po:{line}: ")
        assert "NUL" in run.lines[0]
    assert po.read_text("utf-8") == text
    assert not list((small / "output").rglob("*.html"))


# -- Reads or publishes what it must not ----------------------------------------------------


def test_a_symlinked_article_outside_the_project_is_refused(small: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\n\n## Secret\n\nroot:x:0:0\n", "utf-8")
    (small / "source" / "secret.md").symlink_to(secret)
    for run in (cli(small, "extract"), html_build(small)):
        assert run.code == 1 and len(run.lines) == 1
        assert run.lines[0].startswith("source/secret.md:1: ")
    outputs = [p for p in (small / "output").rglob("*") if p.is_file()]
    assert not [p for p in outputs if b"root:x" in p.read_bytes()]


@pytest.mark.parametrize("logo", ["/etc/passwd", "../outside.svg", "templates/link.svg"])
def test_the_logo_must_be_a_file_of_the_project(small: Path, tmp_path: Path, logo: str) -> None:
    outside = tmp_path / "outside.svg"
    outside.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', "utf-8")
    (small / "templates" / "link.svg").symlink_to(outside)
    config = small / "pyproject.toml"
    text = config.read_text("utf-8").replace('"templates/logo.svg"', f'"{logo}"')
    config.write_text(text, "utf-8")
    run = cli(small, "build")
    assert run.code == 1 and len(run.lines) == 1, run.err
    assert re.match(r"(pyproject\.toml:\d+: logo|templates/link\.svg:1: symbolic link)", run.err)
    assert not (small / "output" / "assets").exists()


def test_source_files_named_like_outputs_replace_no_qr_code_and_no_logo(small: Path) -> None:
    qr_name = "es/demo.qr.svg"
    for name in (qr_name, "assets/logo.svg"):
        (small / "source" / name).parent.mkdir(parents=True, exist_ok=True)
        (small / "source" / name).write_text(
            '<svg xmlns="http://www.w3.org/2000/svg"><title>IMPOSTOR</title></svg>', "utf-8"
        )
    _article(
        small,
        "- One item",
        f"![An impostor]({qr_name})\n\n![Another](assets/logo.svg)\n\n- One item",
    )
    assert cli(small, "extract").code == 0
    assert html_build(small, "es").code == 0
    out = small / "output"
    assert (
        (out / "es" / "demo.qr.svg")
        .read_text("utf-8")
        .startswith("<!-- https://clinic.example.org/handouts/es/demo.html -->")
    )
    assert (out / "assets" / "logo.svg").read_bytes() == (
        small / "templates" / "logo.svg"
    ).read_bytes()
    assert b"IMPOSTOR" not in b"".join(
        p.read_bytes() for p in out.rglob("*.svg") if "media" not in p.parts
    )


def test_a_protocol_relative_link_is_refused_at_its_line(small: Path) -> None:
    line = _article(small, "Take 10 mg", "See [x](//169.254.169.254/latest).\n\nTake 10 mg")
    run = html_build(small)
    assert (run.code, run.lines) == (
        1,
        [
            f"source/demo.md:{line}: link without a scheme: //169.254.169.254/latest"
            " (write https://169.254.169.254/latest for a web page)"
        ],
    )


def _png(width: int, height: int) -> bytes:
    """A valid, tiny-on-disk PNG of `width` × `height` grey pixels."""
    raw = zlib.compress(b"".join(b"\0" + b"\x80" * width for _ in range(height)))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _limit_pixels(project: Path, limit: int) -> None:
    config = project / "pyproject.toml"
    text = config.read_text("utf-8").replace("large_print = false", f"max_image_pixels = {limit}")
    config.write_text(text, "utf-8")


@pytest.mark.parametrize("inside_svg", [False, True], ids=["png-named-svg", "png-inside-svg"])
def test_pixel_limits_read_the_content_not_the_name(small: Path, inside_svg: bool) -> None:
    _limit_pixels(small, 100)
    png = _png(20, 20)
    data = png
    if inside_svg:
        uri = "data:image/png;base64," + base64.b64encode(png).decode()
        data = f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{uri}"/></svg>'.encode()
    (small / "source" / "images" / "cells.svg").write_bytes(data)
    line = (small / "source" / "demo.md").read_text("utf-8").splitlines().index(
        "![A drawing of cells](images/cells.svg)"
    ) + 1
    run = html_build(small)
    assert (run.code, run.lines) == (
        1,
        [
            f"source/demo.md:{line}: image 'images/cells.svg' is 20×20 pixels, over the"
            " limit of 100 (max_image_pixels)"
        ],
    )


def test_pillow_keeps_its_own_pixel_limit_after_a_build(small: Path) -> None:
    """The build reads raster headers with Pillow's limit off; the PDF workers, forked from
    it, decode images and must find Pillow's own limit in place."""
    from PIL import Image

    (small / "source" / "images" / "dot.png").write_bytes(_png(4, 4))
    _article(small, "- One item", "![A dot](images/dot.png)\n\n- One item")
    limit = Image.MAX_IMAGE_PIXELS
    assert limit is not None
    assert html_build(small).code == 0
    assert limit == Image.MAX_IMAGE_PIXELS


@pytest.mark.parametrize(
    "svg",
    [
        '<image href="file:///etc/passwd"/>',
        '<image xlink:href="../../../../etc/passwd"/>',
        '<use href="http://169.254.169.254/x.svg#a"/>',
        "<style>@import url(file:///etc/passwd);</style>",
        '<rect style="fill: url(http://169.254.169.254/p)"/>',
    ],
    ids=["image-file", "image-relative", "use-remote", "css-import", "css-url"],
)
def test_an_svg_that_would_fetch_fails_the_build_at_the_image_line(small: Path, svg: str) -> None:
    (small / "source" / "images" / "cells.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f"{svg}</svg>",
        "utf-8",
    )
    line = (small / "source" / "demo.md").read_text("utf-8").splitlines().index(
        "![A drawing of cells](images/cells.svg)"
    ) + 1
    run = html_build(small)
    assert run.code == 1 and len(run.lines) == 1
    assert run.lines[0].startswith(
        f"source/demo.md:{line}: image 'images/cells.svg' refers to another file ("
    )


@pytest.mark.parametrize("name", ["ui", "index", "report", "assets", "media"])
def test_an_article_named_like_the_pipeline_s_own_files_is_refused(small: Path, name: str) -> None:
    text = (small / "source" / "demo.md").read_text("utf-8").replace("slug: demo", f"slug: {name}")
    (small / "source" / "demo.md").unlink()
    (small / "source" / f"{name}.md").write_text(text, "utf-8")
    run = cli(small, "extract")
    assert run.lines == [
        f"source/{name}.md:5: the name '{name}' is reserved by the pipeline: rename the file"
    ]


def test_duplicate_front_matter_keys_are_refused(small: Path) -> None:
    line = _article(small, "lang: en", "lang: en\ntitle: Another title")
    run = cli(small, "extract")
    assert run.lines == [f"source/demo.md:{line + 1}: front-matter key 'title' appears twice"]


@pytest.mark.parametrize("to_plural", [True, False])
def test_an_interface_entry_of_the_other_shape_is_refused_by_every_stage(
    small: Path, to_plural: bool
) -> None:
    """A `ui.po` entry written with plural forms where the template's message has one text
    (or one text where it has plural forms) is never used by the page: `check` says so at
    its line, `stats` counts it invalid, and the build names it once and prints the
    source string."""
    ui = small / "locales" / "es" / "LC_MESSAGES" / "ui.po"
    template = polib.pofile(str(small / "locales" / "ui.pot"))
    catalog = polib.pofile(str(ui))
    if to_plural:
        entry = catalog.find("Phone")
        entry.msgid_plural, entry.msgstr = "Phones", ""
        entry.msgstr_plural = {0: "Teléfono", 1: "Teléfonos"}
        shown = "message has plural forms (msgid_plural) but the template's has one text"
    else:
        # The shipped templates ask for no plural: give the interface template one.
        msgid = "%(count)s handout"
        template.append(polib.POEntry(msgid=msgid, msgid_plural="%(count)s handouts"))
        template.save()
        entry = polib.POEntry(msgid=msgid, msgstr="Una forma", flags=["python-format"])
        catalog.append(entry)
        shown = "message has one text but the template's has plural forms (msgid_plural)"
    catalog.save()
    line = _line_of(ui, entry.msgid)
    where = f"locales/es/LC_MESSAGES/ui.po:{line}"

    check = cli(small, "check", "--lang", "es")
    assert check.code == 1
    assert f"{where}: error: template: {shown}, so the page never uses it" in check.err
    rows = json.loads(cli(small, "stats", "--lang", "es", "--format", "json").out)
    assert next(r for r in rows if r["domain"] == "ui")["invalid"] == 1
    build = html_build(small)
    assert build.code == 0
    named = [line for line in build.lines if where in line]
    assert len(named) == 1, named
    assert named[0].startswith(f"warning: {where}: invalid translation: template: {shown}")
    html = (small / "output" / "es" / "demo.html").read_text("utf-8")
    assert "Teléfono" not in html and "Una forma" not in html
