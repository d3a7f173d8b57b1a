"""The script test matrix: one handout per supported script, in both editions, built once
from our own sample sentences (tests/data/scripts/samples.json), and read back from the
PDFs: fonts, glyphs inside the content box, words recovered by pdftotext, Korean line
breaks, CLDR digits. Also the shipped handouts' paper use and the HTML pass that inserts
break opportunities (pipeline/scripts.py)."""

from __future__ import annotations

import html
import json
import re
import subprocess
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from script_matrix import (
    MATRIX,
    SAMPLES,
    SLUG,
    empty_share,
    margins_pt,
    paragraphs,
    translate,
    write_project,
)

from conftest import ROOT, pdftotext, run_cli
from pipeline.scripts import SCRIPTS, WJ, ZWSP, prepare_html, script_for

EPOCH = {"SOURCE_DATE_EPOCH": "1764115200"}  # 2025-11-26
MARGIN = margins_pt("18mm 18mm 22mm")
EDITIONS = ("pdf", "large.pdf")
LANGS = ["en", *MATRIX]

TEXT_LAYER = {"ur"}
"""Scripts whose words pdftotext does not recover: Noto Nastaliq Urdu climbs each word above
the baseline and pdftotext groups text by baseline, splitting such words (pypdf reads them;
tests/test_text_layer.py). Every other script reads back through pipeline/textlayer.py.
One /ActualText span per Nastaliq word keeps each word whole in pdftotext, but only with
the word's letters written in reverse (poppler reverses RTL span text once more), which
readers that honour /ActualText as logical text would then read backwards: not done."""


@pytest.fixture(scope="session")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project with a language per script, every entry translated, `threshold = 0`,
    built once (46 PDFs)."""
    project = write_project(tmp_path_factory.mktemp("scripts") / "project", MATRIX)
    run_cli("extract", cwd=project)
    for lang in MATRIX:
        translate(project, lang)
    run_cli("build", cwd=project, env=EPOCH)
    return project


def _pdf(project: Path, lang: str, edition: str) -> Path:
    return project / "output" / lang / f"{SLUG}.{edition}"


def _cases(marks: dict[str, pytest.MarkDecorator] | None = None) -> list[object]:
    return [
        pytest.param(lang, edition, marks=(marks or {}).get(lang, ()), id=f"{lang}-{edition}")
        for lang in LANGS
        for edition in EDITIONS
    ]


# -- fonts and glyphs ----------------------------------------------------------------------


def _font_names(pdf: Path) -> str:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return out.stdout.replace("-", "").replace(" ", "").lower()


@pytest.mark.parametrize(("lang", "edition"), _cases())
def test_each_script_prints_in_its_own_font(matrix: Path, lang: str, edition: str) -> None:
    """The family the script's `:lang()` stack names is the one embedded (not whatever
    fontconfig falls back to on this machine), and the build reported no missing glyph."""
    pdf = _pdf(matrix, lang, edition)
    family = script_for(lang).font.replace(" ", "").lower()
    assert family in _font_names(pdf), (family, _font_names(pdf))
    report = json.loads((matrix / "output" / "report.json").read_text("utf-8"))
    row = next(r for r in report["outputs"] if r["lang"] == lang and r["pdf"].endswith(edition))
    assert (row["status"], row["warnings"], row["percent"]) == ("built", [], 100)


@pytest.mark.parametrize(("lang", "edition"), _cases())
def test_no_glyph_leaves_the_content_box(matrix: Path, lang: str, edition: str) -> None:
    """Every printed character's box lies inside the page box minus the margins, except the
    footer's (page number, clinic name), which lies wholly in the bottom margin."""
    _assert_inside(_pdf(matrix, lang, edition))


def _assert_inside(pdf: Path) -> None:
    top, right, bottom_margin, left = MARGIN
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, 1):
            width = float(page.width)
            bottom = float(page.height) - bottom_margin
            for char in page.chars:
                if char["text"].isspace():
                    continue  # a space at a line end has no ink
                where = f"{pdf.name} p{number} {char['text']!r}"
                assert char["x0"] >= left - 0.5 and char["x1"] <= width - right + 0.5, where
                assert char["top"] >= top - 0.5, where
                # body text ends above the bottom margin; the footer starts below it
                assert char["bottom"] <= bottom + 0.5 or char["top"] >= bottom, where


# -- the text layer ------------------------------------------------------------------------

_NO_SPACES = {"th", "lo", "km", "my", "zh_Hans", "zh_Hant", "ja"}
_IGNORED = dict.fromkeys(map(ord, "\u00ad\u200c\u200d\u200e\u200f\u061c"))


def _normal(text: str) -> str:
    """What a search that ignores hyphens compares: NFC, no hyphens (a line-end hyphen and
    a word's own read alike), soft hyphens, joiners or bidi marks. The invisible break
    helpers (U+200B, U+2060) are NOT removed: the text layer must not carry them."""
    text = re.sub(r"[-\u2010\u00ad]\n?", "", unicodedata.normalize("NFC", text))
    return text.translate(_IGNORED)


def _words(lang: str, text: str) -> list[str]:
    """The words of a paragraph: between spaces, or as ICU's dictionaries segment scripts
    written without spaces; punctuation stripped."""
    if lang in _NO_SPACES:
        from icu4py.breakers import WordBreaker

        pieces = list(WordBreaker(text, lang.split("_")[0]))
    else:
        pieces = text.split()
    words = []
    for piece in pieces:
        word = _normal(piece)
        while word and unicodedata.category(word[0])[0] not in "LMN":
            word = word[1:]
        while word and unicodedata.category(word[-1])[0] not in "LMN":
            word = word[:-1]
        if word:
            words.append(word)
    return words


def _recovered(pdf: Path, lang: str) -> list[tuple[str, float, list[str]]]:
    extracted = _normal(pdftotext(pdf))
    flat = "".join(extracted.split()) if lang in _NO_SPACES else " ".join(extracted.split())
    sample = SAMPLES[lang]
    rows = []
    for text in [str(sample["title"]), str(sample["heading"]), *paragraphs(lang)]:
        words = _words(lang, text)
        missing = [w for w in words if w not in flat]
        rows.append((text[:30], 1 - len(missing) / len(words), missing))
    return rows


_XFAIL = pytest.mark.xfail(strict=True, reason="pdftotext splits Nastaliq words by baseline")


@pytest.mark.parametrize(("lang", "edition"), _cases(dict.fromkeys(TEXT_LAYER, _XFAIL)))
def test_pdftotext_recovers_the_printed_words(matrix: Path, lang: str, edition: str) -> None:
    """At least 95% of the words of the title, the heading and each paragraph are found in
    the text pdftotext reads from the PDF."""
    for start, share, missing in _recovered(_pdf(matrix, lang, edition), lang):
        assert share >= 0.95, (start, f"{share:.0%}", missing[:8])


# -- line breaking -------------------------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS)
def test_korean_breaks_only_at_spaces(matrix: Path, edition: str) -> None:
    """Every Korean run pdftotext reads between white space is a whole word of the page's
    text: no line ends inside a word (체계|를)."""
    page = (matrix / "output" / "ko" / f"{SLUG}.html").read_text("utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.split("<body>", 1)[1]))
    words = set(text.replace(WJ, "").split())
    lines = pdftotext(_pdf(matrix, "ko", edition)).splitlines()
    hangul = [t for t in " ".join(lines).split() if re.search("[\uac00-\ud7a3]", t)]
    assert len(hangul) > 60
    broken = [t for t in hangul if t not in words]
    assert broken == []
    assert sum(len(line.split()) > 1 for line in lines) > 10  # it did wrap


def test_words_are_segmented_for_thai_lao_khmer_and_burmese(matrix: Path) -> None:
    """Break opportunities (U+200B) between the words of scripts written without spaces,
    where ICU's dictionaries put them: more of them than spaces, and each one between two
    letters of the script, never in the title element or an attribute."""
    for lang in ("th", "lo", "km", "my"):
        web = (matrix / "output" / lang / f"{SLUG}.html").read_text("utf-8")
        assert ZWSP not in web, lang  # the web page keeps the translator's text
        page = prepare_html(web)  # what the PDF is set from
        body = page.split("<body>", 1)[1]
        assert body.count(ZWSP) > 20, lang
        assert ZWSP not in page.split("<body>", 1)[0], lang  # <title>, <meta> untouched
        assert not re.search(f"<[^>]*{ZWSP}", page), lang


@pytest.fixture(scope="module")
def long_word(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A handout whose first paragraph holds a 200,000-letter word (standard edition)."""
    project = write_project(tmp_path_factory.mktemp("long") / "p", ["es"], large_print=False)
    run_cli("extract", cwd=project)
    english = paragraphs("en")
    word = "Esclerosismúltiple" * (200_000 // 18)
    translate(project, "es", {english[0]: f"Una palabra muy larga: {word}. Fin."})
    run_cli("build", "--lang", "es", cwd=project, env=EPOCH)
    return project / "output" / "es" / f"{SLUG}.pdf"


def test_a_200000_letter_word_stays_on_the_paper(long_word: Path) -> None:
    _assert_inside(long_word)
    pages = len(pdfplumber.open(long_word).pages)
    assert pages > 40
    text = _normal("".join(pdftotext(long_word).split()))
    # every repetition is read back, but those the footer cuts at a page end
    assert text.count("Esclerosismúltiple") >= 200_000 // 18 - pages


# -- digits ---------------------------------------------------------------------------------

ZERO = {"fa": "۰", "bn": "০", "my": "၀"}
"""CLDR's default numbering system (Babel 2.19, CLDR 47): Persian digits for `fa`, Bengali
for `bn`, Myanmar for `my`; `ar` and every other language here use 0-9."""


@pytest.mark.parametrize(("lang", "edition"), _cases())
def test_digits_follow_cldr(matrix: Path, lang: str, edition: str) -> None:
    """Page numbers, the dates and the percentage of the provenance block are written in
    the locale's default digits; no other digits appear there."""
    pdf = _pdf(matrix, lang, edition)
    zero = ZERO.get(lang, "0")
    digits = "".join(chr(ord(zero) + i) for i in range(10))
    with pdfplumber.open(pdf) as doc:
        footer = "".join(
            c["text"] for c in doc.pages[0].chars if c["top"] > float(doc.pages[0].height) - 60
        )
        last = doc.pages[-1].extract_text()
    assert digits[1] in footer, footer  # "page 1 of N"
    assert "".join(digits[int(d)] for d in "2025") in last
    if lang != "en":  # the source has no translation line
        assert "".join(digits[int(d)] for d in "100") in last  # 100% translated
    if zero != "0":
        assert "2025" not in last and not re.search("[0-9]", footer), (footer, last)


# -- fonts installed and named -------------------------------------------------------------


def test_every_script_has_an_installed_font_and_a_lang_rule() -> None:
    """Each row of the table names a family that fontconfig has, and style.css gives its
    languages a `:lang()` stack that starts with it."""
    css = (ROOT / "templates" / "style.css").read_text("utf-8")
    installed = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, check=True
    ).stdout
    families = {f.strip() for line in installed.splitlines() for f in line.split(",")}
    for script in SCRIPTS:
        assert script.font in families, script
        lang = script.languages[0].replace("_", "-")
        if script.font == "Noto Sans":
            continue  # the [lang] rule's own stack
        rule = re.search(rf":lang\({re.escape(lang)}\)[^{{]*\{{\s*font-family:\s*\"([^\"]+)\"", css)
        assert rule and rule[1] == script.font, script


def test_make_installs_the_font_packages_of_the_configured_languages(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.pipeline]\nlanguages = ["es", "th"]\n', "utf-8")
    out = subprocess.run(
        ["python3", "-m", "pipeline.fonts", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["fonts-noto-core", "fonts-dejavu-core"]
    config.write_text('[tool.pipeline]\nlanguages = ["th", "zh_TW"]\n', "utf-8")
    out = subprocess.run(
        ["python3", "-m", "pipeline.fonts", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["fonts-noto-core", "fonts-noto-cjk", "fonts-dejavu-core"]


# -- the HTML pass ---------------------------------------------------------------------------


def test_breaks_go_into_text_only() -> None:
    page = (
        '<html><head><title>การรักษาด้วย</title><style>p > a { content: "การรักษา" }</style>'
        '</head><body><p title="การรักษาด้วย" data-x="다발성">การรักษา<strong>ด้วย</strong>'
        "เซลล์ &amp; &lt;b&gt; 다발성<em>경화증</em></p><pre>การรักษาด้วย</pre>"
        "<!-- การรักษาด้วย --><code>다발성</code></body></html>"
    )
    out = prepare_html(page)
    assert out.count(ZWSP) == 1  # การ|รักษา
    assert "<title>การรักษาด้วย</title>" in out
    assert 'title="การรักษาด้วย" data-x="다발성"' in out
    assert '<style>p > a { content: "การรักษา" }</style>' in out
    assert "<pre>การรักษาด้วย</pre><!-- การรักษาด้วย --><code>다발성</code>" in out
    assert "&amp; &lt;b&gt;" in out
    assert f"다{WJ}발{WJ}성<em>{WJ}경{WJ}화{WJ}증</em>" in out


def test_text_that_needs_nothing_is_left_byte_for_byte() -> None:
    page = "<p>Un texto &quot;normal&quot; y &#39;comillas&#39; en <b>español</b>.</p>"
    assert prepare_html(page) == page
    url = prepare_html("<p>Lea https://example.org/x</p>")
    assert url == f"<p>Lea https://{WJ}example.org/x</p>"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=120))
def test_the_pass_only_adds_invisible_breaks_and_is_idempotent(text: str) -> None:
    """Whatever the text (any script, astral characters, markup characters), the pass adds
    only U+200B and U+2060, keeps every character and changes nothing a second time."""
    page = f"<p>{html.escape(text, quote=False)}</p>"
    once = prepare_html(page)
    assert prepare_html(once) == once
    back = html.unescape(once[3:-4])
    assert back.replace(ZWSP, "").replace(WJ, "") == text.replace(ZWSP, "").replace(WJ, "")


# -- the shipped handouts -------------------------------------------------------------------


def test_no_shipped_page_is_more_than_40_percent_empty(built_project: Path) -> None:
    """Every page but the last of every shipped handout (all languages, both editions) is
    filled to at least 60% of its content box."""
    pdfs = sorted((built_project / "output").glob("*/*.pdf"))
    assert len(pdfs) >= 26
    emptier = {
        f"{pdf.parent.name}/{pdf.name} p{number}": round(share, 2)
        for pdf in pdfs
        for number, share in enumerate(empty_share(pdf, MARGIN)[:-1], 1)
        if share > 0.40
    }
    assert emptier == {}


def test_large_print_hyphenates_english_at_us_break_points(built_project: Path) -> None:
    """Line-end hyphens in the English large print fall where the US English dictionary
    allows, with at least three letters on each side."""
    import pyphen

    us = pyphen.Pyphen(lang="en_US")
    lines = pdftotext(built_project / "output" / "en" / "stem-cell-therapy-ms.large.pdf")
    pairs = re.findall(r"(\w+)[-\u2010\u00ad]\n(\w+)", lines)
    hyphenated = [(a, b) for a, b in pairs if a[-1].islower() and b[0].islower()]
    assert hyphenated, "no hyphenated line at all"
    for start, end in hyphenated:
        word = start + end
        assert len(start) >= 3 and len(end) >= 3, word
        assert len(start) in us.positions(word.lower()), (start, end, us.inserted(word))


def test_the_web_address_never_leaves_its_scheme_alone(built_project: Path) -> None:
    for pdf in sorted((built_project / "output").glob("*/*.pdf")):
        lines = [line.strip() for line in pdftotext(pdf).splitlines()]
        assert "https://" not in lines, pdf


def test_the_qr_caption_never_ends_with_one_word_alone(built_project: Path) -> None:
    """In the narrow QR column of every shipped standard handout (Arabic and Persian
    included), the caption's last line, just above the web address, holds two words or
    more."""
    top, right, bottom_margin, left = MARGIN
    column = 58 * 72 / 25.4
    standard = [p for p in (built_project / "output").glob("*/*.pdf") if ".large." not in p.name]
    assert len(standard) >= 13
    for pdf in sorted(standard):
        if script_for(pdf.parent.name).breaking in ("cjk", "dictionary"):
            continue  # Chinese, Japanese...: no words between spaces to leave alone
        found: list[dict[str, object]] = []
        with pdfplumber.open(pdf) as doc:
            for page in reversed(doc.pages):
                for x0 in (float(page.width) - right - column, left):  # either side
                    box = (x0, top, x0 + column, float(page.height) - bottom_margin)
                    words = page.crop(box).extract_words()
                    found = [w for w in words if "example" in str(w["text"])]
                    if found:
                        break
                if found:
                    break
        url = min(found, key=lambda w: float(w["top"]))  # type: ignore[arg-type]
        above = [w for w in words if float(w["bottom"]) <= float(url["top"]) + 1]  # type: ignore[arg-type]
        last_top = max(float(w["top"]) for w in above)  # type: ignore[arg-type]
        line = [w["text"] for w in above if abs(float(w["top"]) - last_top) < 2]  # type: ignore[arg-type]
        assert len(line) >= 2, (pdf.parent.name, line)


# -- right to left ----------------------------------------------------------------------------


def _baseline(char: dict[str, object]) -> float:
    return float(char["matrix"][5])  # type: ignore[index]


def _contact_row(
    pdf: Path,
) -> tuple[dict[str, float], list[dict[str, object]], list[dict[str, object]]]:
    """The box and baseline of the e-mail value of the contact block, the characters of its
    label (the letters on its baseline outside the value), and the words of the last line
    of the QR caption's web address."""
    box: dict[str, float] = {}
    label: list[dict[str, object]] = []
    url: list[dict[str, object]] = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            words = page.extract_words()
            found = [w for w in words if str(w["text"]).endswith("html")]
            if found:  # the address's last line (the reader may split it in words)
                url = [w for w in words if abs(float(w["top"]) - float(found[-1]["top"])) < 2]
            found = [w for w in words if "clinic@example" in str(w["text"])]
            if not found:
                continue
            # the reader may split the address at its punctuation: join its pieces
            pieces = [
                w
                for w in words
                if abs(float(w["top"]) - float(found[0]["top"])) < 2
                and str(w["text"]) in "ms-clinic@example.org"
            ]
            value = {
                "x0": min(float(w["x0"]) for w in pieces),
                "x1": max(float(w["x1"]) for w in pieces),
                "top": min(float(w["top"]) for w in pieces),
                "bottom": max(float(w["bottom"]) for w in pieces),
            }
            inside = [
                c
                for c in page.chars
                if value["x0"] - 0.5 <= c["x0"]
                and c["x1"] <= value["x1"] + 0.5
                and value["top"] - 0.5 <= c["top"]
                and c["bottom"] <= value["bottom"] + 0.5
            ]
            base = sorted(_baseline(c) for c in inside)[len(inside) // 2]
            box = {"x0": float(value["x0"]), "x1": float(value["x1"]), "base": base}
            label = [
                c
                for c in page.chars
                if abs(_baseline(c) - base) < 0.5 * float(c["size"])
                and (c["x1"] <= value["x0"] or c["x0"] >= value["x1"])
                and str(c["text"]).isalpha()
            ]
    assert box, f"{pdf.name}: no contact block"
    return box, label, url


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("lang", ["ar", "fa", "en"])
def test_the_contact_block_follows_the_page_direction(
    built_project: Path, lang: str, edition: str
) -> None:
    """Each label stands at the start side of its value (right of it in Arabic and
    Persian), close to it and on the same baseline; in the standard edition the QR column
    is at the end side (left in RTL), in large print the web address's last line starts at
    the start edge of the content box (right in RTL)."""
    pdf = built_project / "output" / lang / f"stem-cell-therapy-ms.{edition}"
    _assert_follows_direction(pdf, rtl=lang != "en", large=edition != "pdf")


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("lang", ["ur", "he"])
def test_the_contact_block_follows_urdu_and_hebrew_pages(
    matrix: Path, lang: str, edition: str
) -> None:
    """The same in Nastaliq Urdu and Hebrew (whose matrix labels are the English msgids:
    the page's direction decides, not the label's script)."""
    _assert_follows_direction(_pdf(matrix, lang, edition), rtl=True, large=edition != "pdf")


def _assert_follows_direction(pdf: Path, rtl: bool, large: bool) -> None:
    value, label, url = _contact_row(pdf)
    assert label, pdf
    if rtl:
        gap = min(float(c["x0"]) for c in label) - value["x1"]
    else:
        gap = value["x0"] - max(float(c["x1"]) for c in label)
    assert 0 < gap < 90, (pdf, gap)  # beside the value, not across the page
    for char in label:  # one baseline, whatever the scripts' sizes
        assert abs(_baseline(char) - value["base"]) < 0.5, (char["text"], value["base"])
    assert url, pdf
    _top, right, _bottom, left = MARGIN
    with pdfplumber.open(pdf) as doc:
        width = float(doc.pages[0].width)
    if not large:
        if rtl:
            assert max(float(w["x1"]) for w in url) < value["x0"], url
        else:
            assert min(float(w["x0"]) for w in url) > value["x1"], url
    elif rtl:
        assert max(float(w["x1"]) for w in url) > width - right - 2, url
    else:
        assert min(float(w["x0"]) for w in url) < left + 2, url
