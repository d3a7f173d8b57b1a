"""Issue 13, the two link bullets: printed addresses, and link targets a translator localises.

On paper each web or mail link is followed by a note number and its address is listed at
the end of its section ("Links in this section", an interface string); the web page keeps
plain links. Extraction adds one `msgctxt "link"` entry per distinct external target,
pre-filled with the source URL; a translator's own URL is used in the page, the PDF's link
and the printed address, and an invalid one is a check error that falls back to the source
URL, named once. One small project is built once for the module (Spanish and Arabic, both
editions; Persian for its digits) and read back with pdftotext, pypdf and pdfplumber.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from pypdf import PdfReader

from conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    make_project,
    msgfmt_check,
    pdftotext,
    run_cli,
    set_msgstrs,
)
from pipeline.links import (
    MAX_URL,
    address_html,
    printed_address,
    target_problem,
    text_is_address,
)
from pipeline.po import parse_po, write_po

LONG = (
    "https://www.mssociety.org.uk/about-ms/treatments-and-therapies/"
    "disease-modifying-therapies/stem-cell-transplantation?utm_source=handout&section=2"
)
ARTICLE = f"""\
---
title: Links on paper
summary: A handout with links.
slug: demo
---

The MS Society has [a detailed guide]({LONG}) on transplants.

## Contacts

Ask [your neurologist](https://example.org/neuro) or write to [the clinic](mailto:ms-clinic@example.org).
See <https://example.org/auto> and [www.example.org](https://www.example.org/), or call
[the nurse](tel:+15550100) about [the form](images/cells.svg).

## Charities

Ask [your neurologist](https://example.org/neuro) again, see [the charity](https://example.org/charity)
and the [old site](http://old.example.net/a-b/c).
"""
NEURO_ES = "https://example.es/neurólogo"
ES = {
    "Ask <a1>your neurologist</a1> again, see <a2>the charity</a2> and the <a3>old site</a3>.": (
        "Pregunte otra vez a <a1>su neurólogo</a1>, vea <a2>la asociación</a2> y el"
        " <a3>sitio antiguo</a3>."
    ),
}
UI_ES = {"Links in this section": "Enlaces de esta sección"}


def _links(po: Path, values: dict[str, str]) -> None:
    """Give the `link` entries with these msgids these msgstrs."""
    catalog = parse_po(po)
    for entry in catalog:
        if entry.msgctxt == "link" and entry.msgid in values:
            entry.msgstr = values[entry.msgid]
    write_po(po, catalog)


@dataclass(frozen=True)
class Built:
    project: Path
    build: subprocess.CompletedProcess[str]

    def html(self, lang: str) -> str:
        return (self.project / "output" / lang / "demo.html").read_text("utf-8")

    def pdf(self, lang: str, large: bool = False) -> Path:
        return self.project / "output" / lang / f"demo{'.large' if large else ''}.pdf"

    def text(self, lang: str, large: bool = False) -> str:
        return pdftotext(self.pdf(lang, large))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = make_project(tmp_path_factory.mktemp("links"), ARTICLE)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('["es"]', '["es", "ar", "fa"]'))
    run_cli("extract", cwd=project)
    run_cli("update", cwd=project)
    es = project / "locales" / "es" / "LC_MESSAGES"
    set_msgstrs(es / "demo.po", ES)
    set_msgstrs(es / "ui.po", UI_ES)
    _links(
        es / "demo.po",
        {
            "https://example.org/neuro": NEURO_ES,
            "https://example.org/charity": "javascript:alert(1)",
            "https://example.org/auto": "https://example.es/auto",
        },
    )
    build = run_cli("build", cwd=project, check=False)
    return Built(project, build)


# -- the two pure functions: what is printed, what a translator may give -----------------


def test_printed_address_drops_https_and_mailto_only() -> None:
    assert printed_address("https://www.mssociety.org.uk/") == "www.mssociety.org.uk"
    assert printed_address("https://example.org/a/") == "example.org/a/"
    assert printed_address("http://old.example.net/x") == "http://old.example.net/x"
    assert printed_address("mailto:ms-clinic@example.org?subject=Hi") == "ms-clinic@example.org"
    # letters of other scripts read as letters; an encoded space or control stays encoded
    assert printed_address("https://example.es/neur%C3%B3logo") == "example.es/neurólogo"
    assert printed_address("https://x.org/a%20b%E2%80%AEc") == "x.org/a%20b%E2%80%AEc"


def test_addresses_break_after_slashes_and_before_queries_never_in_the_scheme() -> None:
    zwsp, wj = "\u200b", "\u2060"
    shown = address_html("http://old.example.net/a-b/c?x=1&y=2#top")
    assert shown.startswith("http://old.example.net/" + zwsp)  # not inside http://
    assert f"a-{wj}b/{zwsp}c{zwsp}?{wj}x=1{zwsp}&amp;y=2{zwsp}#top" in shown
    assert shown.replace(zwsp, "").replace(wj, "") == "http://old.example.net/a-b/c?x=1&amp;y=2#top"


def test_a_link_whose_text_is_its_address_needs_no_note() -> None:
    assert text_is_address("www.example.org", "https://www.example.org/")
    assert text_is_address("<strong1>Example.org</strong1>", "https://example.org")
    assert text_is_address("ms-clinic@example.org", "mailto:ms-clinic@example.org")
    assert not text_is_address("the guide", "https://example.org/guide")
    assert not text_is_address("example.org", "https://example.org/guide")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("javascript:alert(1)", "forbidden URL scheme: javascript:"),
        ("JaVaScRiPt:alert(1)", "forbidden URL scheme: javascript:"),
        ("data:text/html,<script>alert(1)</script>", "forbidden URL scheme: data:"),
        ("file:///etc/passwd", "forbidden URL scheme: file:"),
        ("//evil.example/x", "without a scheme"),
        ("www.example.org", "not a web or mail address"),
        ("https://", "no host"),
        ("https://good.example@evil.example/", "user name before its host"),
        ("https://example.org/\u202egnp.exe", "bidi control character U+202E"),
        ("https://example.org/%E2%80%AEgnp.exe", "%-encoded bidi control character U+202E"),
        ("https://exa\u200bmple.org/", "invisible character U+200B"),
        ("https://example.org/a b", "white space U+0020"),
        ("https://example.org/\n", "white space U+000A"),
        ("https://example.org/" + "a" * MAX_URL, f"longer than {MAX_URL} characters"),
        ("mailto:a@example.org?bcc=spy@evil.example", "header other than subject and body"),
        ("mailto:a@example.org?subject=Hi%0D%0ABcc:spy@evil.example", "subject has a line"),
        ("mailto:a@example.org%0D%0ABcc:spy@evil.example", "not an e-mail address"),
        ("mailto:javascript:alert(1)", "not an e-mail address"),
    ],
)
def test_a_translators_link_target_is_refused_when_unsafe(url: str, problem: str) -> None:
    assert problem in target_problem(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.sep-france.fr/guide",
        "http://old.example.net/a?b=c&d=e#f",
        "https://例え.jp/案内",
        "mailto:contacto@example.es",
        "mailto:a@example.org?subject=Consulta%20HSCT&body=Hola%0D%0Aadi%C3%B3s",
    ],
)
def test_a_translators_web_or_mail_link_target_is_accepted(url: str) -> None:
    assert target_problem(url) == ""


# -- extraction and update ---------------------------------------------------------------


def test_extract_adds_one_prefilled_link_entry_per_external_target(built: Built) -> None:
    pot = polib.pofile(str(built.project / "locales" / "demo.pot"))
    links = [e for e in pot if e.msgctxt == "link"]
    assert [(e.msgid, e.msgstr) for e in links] == [
        (target, target)
        for target in (
            LONG,
            "https://example.org/neuro",  # twice in the article, once here
            "mailto:ms-clinic@example.org",
            "https://example.org/auto",
            "https://www.example.org/",
            "https://example.org/charity",
            "http://old.example.net/a-b/c",
        )
    ]  # no entry for the tel: link nor for the local file
    neuro = links[1]
    assert neuro.comment.splitlines() == [
        "Link target: keep this address, or give your language's own page (https://,"
        " http:// or mailto:)",
        "Link “your neurologist” in section: Contacts",
        "Link “your neurologist” in section: Charities",
    ]
    # the text messages keep their tags, never a target
    assert not any(re.search("https?:|mailto:", e.msgid) for e in pot if e.msgctxt is None)
    msgfmt_check(built.project / "locales" / "demo.pot")
    msgfmt_check(built.project / "locales" / "ar" / "LC_MESSAGES" / "demo.po")


def test_link_entries_keep_every_language_translated(built: Built) -> None:
    """Pre-filled by `update`: an untouched language counts its link entries translated, and
    `check --strict` has nothing to say about a valid localised URL."""
    stats = run_cli("stats", "--lang", "ar", "--format", "json", cwd=built.project).stdout
    (row,) = [r for r in json.loads(stats) if r["domain"] == "demo"]
    pot = polib.pofile(str(built.project / "locales" / "demo.pot"))
    texts = sum(1 for e in pot if e.msgctxt is None)
    # the text messages only: every link entry is pre-filled, so translated
    assert (row["messages"], row["untranslated"], row["translated"]) == (len(pot), texts, 7)
    check = run_cli("check", "--lang", "es", cwd=built.project, check=False)
    output = check.stdout + check.stderr
    lines = [line for line in output.splitlines() if "urls" in line]
    assert len(lines) == 1 and "javascript" in lines[0], output
    assert check.returncode == 1


def test_update_keeps_link_entries_prefilled_and_localised_ones_for_review(
    tmp_path: Path,
) -> None:
    from pipeline.catalogs import new_po
    from pipeline.merge import merge

    def template(*targets: str) -> polib.POFile:
        pot = polib.POFile()
        pot.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
        pot.append(polib.POEntry(msgid="See <a1>the guide</a1>.", msgstr=""))
        for target in targets:
            pot.append(polib.POEntry(msgctxt="link", msgid=target, msgstr=target))
        return pot

    old = new_po(template("https://example.org/guide", "https://example.org/help"), "es", "d")
    old[0].msgstr = "Vea <a1>la guía</a1>."
    old[2].msgstr = "https://example.es/ayuda"  # localised
    new = merge(old, template("https://example.org/guide-2", "https://example.org/help-2"), "es")
    guide, helps = new.find("https://example.org/guide-2", msgctxt="link"), None
    helps = new.find("https://example.org/help-2", msgctxt="link")
    # not localised: the new URL, pre-filled, not fuzzy; the old one leaves no obsolete entry
    assert (guide.msgstr, guide.flags) == ("https://example.org/guide-2", [])
    # localised: the translator's URL, fuzzy, with the old source URL to compare
    assert helps.msgstr == "https://example.es/ayuda" and "fuzzy" in helps.flags
    assert helps.previous_msgid == "https://example.org/help"
    assert [e.msgid for e in new if e.obsolete] == []
    # a text message never takes a URL as its fuzzy translation, nor the reverse
    assert new.find("See <a1>the guide</a1>.").msgstr == "Vea <a1>la guía</a1>."


def test_pseudo_locales_keep_the_link_targets(tmp_path: Path) -> None:
    from pipeline.pseudo import pseudo_catalog

    pot = polib.POFile()
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    pot.append(polib.POEntry(msgctxt="link", msgid="https://example.org/", msgstr=""))
    for code in ("en_XA", "ar_XB"):
        assert pseudo_catalog(pot, code, "demo")[0].msgstr == "https://example.org/"


# -- the build ---------------------------------------------------------------------------


def test_an_invalid_localised_target_falls_back_named_once(built: Built) -> None:
    assert built.build.returncode == 0, built.build.stderr
    lines = [line for line in built.build.stderr.splitlines() if "javascript" in line]
    assert len(lines) == 1, built.build.stderr
    assert re.fullmatch(
        r"warning: locales/es/LC_MESSAGES/demo\.po:\d+: invalid translation: urls: link target"
        r" with a forbidden URL scheme: javascript:; the source's link is used",
        lines[0],
    )
    html = built.html("es")
    assert "javascript" not in html
    assert '<a href="https://example.org/charity">la asociación</a>' in html
    assert "javascript" not in built.text("es")


def test_a_localised_target_is_used_on_the_page_in_the_pdf_and_on_paper(built: Built) -> None:
    html = built.html("es")
    assert '<a href="https://example.es/neur%C3%B3logo">su neurólogo</a>' in html
    assert 'href="https://example.org/neuro"' not in html
    # an autolink's text is its address: the translator's address is shown and linked
    assert '<a href="https://example.es/auto">https://example.es/auto</a>' in html
    for large in (False, True):
        uris = {
            str(annot.get_object()["/A"]["/URI"])
            for page in PdfReader(built.pdf("es", large)).pages
            for annot in page.get("/Annots") or []
            if "/URI" in annot.get_object().get("/A", {})
        }
        assert "https://example.es/neur%C3%B3logo" in uris
        assert "https://example.org/neuro" not in uris
        assert "https://example.org/charity" in uris  # the invalid one fell back
        text = " ".join(built.text("es", large).split())
        assert "example.es/neurólogo" in text
        assert "Enlaces de esta sección" in text


def _address_lines(text: str) -> list[str]:
    """The lines of the printed long address (the watermark of a draft interleaves none
    here: the address is in the first section)."""
    start = text.index("www.mssociety.org.uk")
    lines = text[start:].splitlines()
    out = []
    for line in lines:
        out.append(line.strip())
        if "section=2" in line:
            break
    return out


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-print"])
def test_printed_addresses_in_both_editions(built: Built, large: bool) -> None:
    text = built.text("en", large)
    flat = " ".join(text.split())
    # note numbers after the links' texts, one per target, in reading order
    assert "a detailed guide 1 on transplants" in flat
    assert "your neurologist 2 or write to the clinic 3" in flat
    assert "your neurologist 2 again, see the charity 4 and the old site 5" in flat
    # no note where the text is the address (an autolink, www.example.org), nor for tel:
    assert "https://example.org/auto and www.example.org, or call the nurse about" in flat
    assert flat.count("Links in this section") == 3
    # every address, https:// dropped, http:// kept, mail without mailto:
    lines = _address_lines(text)
    assert "".join(lines) == LONG.removeprefix("https://")
    for line in lines[:-1]:  # broken only after '/' or before '?', '&': no hyphen added
        assert line.endswith("/") or lines[lines.index(line) + 1][0] in "?&#", lines
    for shown in (
        "2 example.org/neuro",
        "3 ms-clinic@example.org",
        "4 example.org/charity",
        "5 http://old.example.net/a-b/c",
    ):
        assert shown in flat
    assert "mailto:" not in flat and "https://example.org/neuro" not in flat
    # the same address twice: one number, listed in both sections that link to it
    assert flat.count("2 example.org/neuro") == 2


def test_right_to_left_handout_prints_addresses_left_to_right(built: Built) -> None:
    """On an Arabic page the number is at the right, the address (left to right) beside it."""
    import pdfplumber

    for large in (False, True):
        flat = " ".join(built.text("ar", large).split())
        assert "example.org/charity" in flat
        with pdfplumber.open(built.pdf("ar", large)) as pdf:
            words = [w for page in pdf.pages for w in page.extract_words()]
        (address,) = [w for w in words if w["text"] == "ms-clinic@example.org"]
        (number,) = [
            w
            for w in words
            if w["text"] == "3" and abs(w["top"] - address["top"]) < 8 and w["x0"] > address["x1"]
        ]
        assert number["x0"] - address["x1"] < 30  # beside it, not across the page
        en = [w for w in _words(built.pdf("en", large)) if w["text"] == "ms-clinic@example.org"]
        assert en[0]["x0"] < number["x0"]


def test_note_numbers_are_in_the_languages_digits(built: Built) -> None:
    """Persian writes its note numbers ۱ ۲ ۳, in the text and in the list alike."""
    html = built.html("fa")
    assert '<sup class="link-ref">۲</sup>' in html
    assert '<span class="link-number">۲</span>' in html
    assert '<li value="2">' in html
    for large in (False, True):
        flat = " ".join(built.text("fa", large).split())
        assert "your neurologist ۲" in flat and "the charity ۴" in flat
        assert "ms-clinic@example.org ۳" in flat  # the list, read right to left


def _words(pdf_path: Path) -> list[dict[str, object]]:
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        return [w for page in pdf.pages for w in page.extract_words()]


def test_web_page_keeps_plain_links_without_notes(built: Built) -> None:
    """The notes and the lists are in the page for print only: a browser shows neither."""
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium")
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            page.goto((built.project / "output" / "es" / "demo.html").as_uri())
            shown = page.inner_text("main")
            assert "su neurólogo" in shown
            assert "Enlaces" not in shown and "example.es/neur" not in shown
            assert page.locator(".link-ref").first.is_hidden()
            assert page.locator("a", has_text="su neurólogo").first.get_attribute("href") == (
                "https://example.es/neur%C3%B3logo"
            )
        finally:
            browser.close()


def test_shipped_languages_translate_the_label() -> None:
    from conftest import ROOT

    for po in sorted((ROOT / "locales").glob("*/LC_MESSAGES/ui.po")):
        entry = parse_po(po).find("Links in this section")
        assert entry is not None and entry.msgstr and "fuzzy" not in entry.flags, po
    assert shutil.which("msgfmt")


def test_a_localised_target_cannot_break_out_of_its_attribute() -> None:
    """Escaped where it is inserted, whatever reached it (the gate normalises it first)."""
    from pipeline.segments import Tag
    from pipeline.translate import NoteBook, tagged_to_html

    tag = Tag("a1", '<a href="https://e.org/">', "</a>", href="https://e.org/")
    notes = NoteBook(str, Path("demo.md"))
    html = tagged_to_html(
        "Vea <a1>la guía</a1>.",
        (tag,),
        {},
        links={"https://e.org/": 'https://e.es/"><script>alert(1)</script>'},
        notes=notes,
    )
    assert html == (
        'Vea <a href="https://e.es/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">la guía</a>'
        '<sup class="link-ref">1</sup>.'
    )
    assert [n.address for n in notes.parts[0]] == ['e.es/"><script>alert(1)</script>']
    assert "<script>" not in notes.parts[0][0].html


def test_a_text_may_show_the_localised_address_its_link_entry_gives(tmp_path: Path) -> None:
    """`Visit <a1>www.mssociety.org.uk</a1>`: with the link localised to www.sep.fr, the
    translation may say `www.sep.fr` (the `urls` check accepts it, the gate publishes it);
    without it, the changed address is an error as before."""
    from pipeline.checks import check_catalog
    from pipeline.segments import Segment
    from pipeline.stats import catalog_row
    from pipeline.translate import Lookup

    text = "Visit <a1>www.mssociety.org.uk</a1> for more."
    path = tmp_path / "locales" / "fr" / "LC_MESSAGES" / "demo.po"

    def catalog(target: str) -> polib.POFile:
        po = polib.POFile()
        po.metadata = {
            "Language": "fr",
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=2; plural=(n > 1);",
        }
        po.append(polib.POEntry(msgid=text, msgstr="Voir <a1>www.sep.fr</a1> pour en savoir plus."))
        po.append(
            polib.POEntry(msgctxt="link", msgid="https://www.mssociety.org.uk/", msgstr=target)
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        write_po(path, po)
        return parse_po(path)  # with line numbers, as the commands read it

    kept = catalog("https://www.mssociety.org.uk/")
    localised = catalog("https://www.sep.fr/")
    segment = Segment(text, "paragraph", (), Path("source/demo.md"), 9)
    urls = [f for f in check_catalog(path, localised, "fr", "demo")[0] if f.check == "urls"]
    assert urls == []
    assert (
        Lookup(localised, path, "fr").find(segment)[0]
        == "Voir <a1>www.sep.fr</a1> pour en savoir plus."
    )
    assert catalog_row("fr", "demo", localised).translated == 2
    urls = [f for f in check_catalog(path, kept, "fr", "demo")[0] if f.check == "urls"]
    assert len(urls) == 1 and "www.sep.fr" in urls[0].message
    assert Lookup(kept, path, "fr").find(segment)[0] is None
    assert catalog_row("fr", "demo", kept).invalid == 1
