"""Property tests on the CommonMark spec examples and on random input.

Each of the spec's 655 examples is one test. The oracle is the spec itself: its reference
HTML for the example. An example the article format supports must come out of extraction
and an identity "translation" of every msgid as that HTML (white space inside a block
normalised, by design), and a pseudo-translation must keep its element structure. An
example the format does not support must be refused with a `PipelineError` that names a
construct the example really has (raw HTML, an h1, a skipped heading level, an image
without alt text), found here from the reference HTML and markdown-it's tokens. The
README's "Known limits" counts are checked as fixed numbers."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import DATA, html_structure
from pipeline.errors import PipelineError
from pipeline.locales import locale_info
from pipeline.pseudo import pseudo_text
from pipeline.segments import segment_article
from pipeline.sources import Article
from pipeline.translate import Lookup, translate_article

EXAMPLES: list[dict[str, Any]] = json.loads(
    (DATA / "commonmark-spec-examples.json").read_text("utf-8")
)
EN = locale_info("en")


def article(body: str) -> Article:
    return Article(
        Path("source/example.md"), "example", "en", "Example", "", "", "", "", "", body, 4, ()
    )


def catalog(texts: list[str], transform: object = None) -> Lookup:
    po = polib.POFile()
    for text in texts:
        value = transform(text) if callable(transform) else text
        po.append(polib.POEntry(msgid=text, msgstr=value))
    return Lookup(po, Path("x.po"))


def squeeze(html: str) -> str:
    """Normalise white space the way segments do: runs collapse, none around tags.
    A paragraph holding only images becomes a <figure>, by design."""
    html = re.sub(r"<(/?)figure>", r"<\1p>", html)
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", html).strip()


def structure(html: str) -> list[str]:
    return html_structure(f"<main>{html}</main>")


# What the article format refuses, and the start of the error message for it.
REFUSALS = {
    "raw HTML": "raw HTML is not allowed",
    "h1": "use '##' for sections",
    "skipped heading level": "heading level skipped",
    "image without alt text": "image ",
}

_RAW_HTML = MarkdownIt("commonmark")  # markdown-it's own CommonMark preset, not ours


def unsupported(example: dict[str, Any]) -> set[str]:
    """The constructs of an example that the article format refuses, found without our
    code: raw HTML from markdown-it's tokens, the rest from the spec's reference HTML."""
    found = set()
    for token in _RAW_HTML.parse(example["markdown"]):
        kinds = [token.type, *(child.type for child in token.children or [])]
        if "html_block" in kinds or "html_inline" in kinds:
            found.add("raw HTML")
    levels = [int(level) for level in re.findall(r"<h([1-6])>", example["html"])]
    if 1 in levels:
        found.add("h1")
    if any(level > previous + 1 for previous, level in zip([1, *levels], levels, strict=False)):
        found.add("skipped heading level")
    if re.search(r'<img [^>]*alt=""', example["html"]):
        found.add("image without alt text")
    return found


def refusal(example: dict[str, Any]) -> str | None:
    """Which construct our segmenter refuses the example for, or None when it takes it."""
    try:
        segment_article(article(example["markdown"]))
    except PipelineError as error:
        return next(
            (name for name, start in REFUSALS.items() if error.message.startswith(start)),
            error.message,
        )
    return None


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"example-{e['example']}")
def test_commonmark_example(example: dict[str, Any]) -> None:
    markdown = example["markdown"]
    refused = unsupported(example)
    if refused:
        with pytest.raises(PipelineError) as caught:
            segment_article(article(markdown))
        assert any(caught.value.message.startswith(REFUSALS[name]) for name in refused), (
            f"{example['section']}: refused for {caught.value.message!r}, expected one of"
            f" {sorted(refused)}"
        )
        return
    parsed = segment_article(article(markdown))
    texts = [s.text for s in parsed.segments]
    same = translate_article(parsed, catalog(texts), EN, EN).body_html
    assert squeeze(same) == squeeze(example["html"]), example["section"]
    fake = translate_article(parsed, catalog(texts, pseudo_text), EN, EN).body_html
    assert structure(fake) == structure(same), example["section"]
    if parsed.blocks:  # the body has translatable text: the pseudo-translation shows
        assert squeeze(fake) != squeeze(same)


def test_unsupported_examples_are_those_the_readme_lists() -> None:
    """README, "Known limits": 551 of the 655 examples round-trip; the others are refused
    for raw HTML (74), an h1 in the body (23), skipped heading levels (6) and an image
    without alt text (1)."""
    assert len(EXAMPLES) == 655
    refusals = Counter(refusal(example) for example in EXAMPLES)
    assert refusals == {
        None: 551,
        "raw HTML": 74,
        "h1": 23,
        "skipped heading level": 6,
        "image without alt text": 1,
    }


markdown_pieces = st.sampled_from(
    [
        "# ",
        "## ",
        "### ",
        "- ",
        "1. ",
        "> ",
        "**",
        "*",
        "_",
        "`",
        "[",
        "](",
        ")",
        "![",
        "\n",
        "\n\n",
        "<",
        ">",
        "&",
        "|",
        "---",
        "    ",
        "\\",
        "<strong1>",
        "%(x)s",
        "https://x.org",
        "é",
        "字",
        "ع",
        " ",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.lists(st.one_of(markdown_pieces, st.text(max_size=8)), max_size=40).map("".join),
    msgstr=st.text(max_size=60),
)
def test_random_markdown_and_msgstrs_fail_only_with_pipeline_errors(body: str, msgstr: str) -> None:
    try:
        parsed = segment_article(article(body))
    except PipelineError:
        return
    texts = [s.text for s in parsed.segments]
    result = translate_article(parsed, catalog(texts, lambda _text: msgstr), EN, EN)
    assert "<script" not in result.body_html.replace("&lt;script", "")
