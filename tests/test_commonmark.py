"""Property tests on the CommonMark spec examples and on random input.

For every example the article format supports, extracting it and "translating"
each msgid by itself reproduces the HTML markdown-it renders from the source
(white space inside a block normalised, by design); a pseudo-translation keeps
the same element structure. Unsupported examples fail with a `SourceError`, never
anything else, and the README lists why."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_pseudo import _Structure

from conftest import CORPORA
from pipeline.errors import PipelineError
from pipeline.locales import locale_info
from pipeline.pseudo import pseudo_text
from pipeline.segments import markdown_parser, segment_article
from pipeline.sources import Article
from pipeline.translate import Lookup, translate_article

EXAMPLES = CORPORA / "commonmark-spec-examples.json"
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
    parser = _Structure()
    parser.feed(f"<main>{html}</main>")
    return parser.tags


def render_example(markdown: str) -> tuple[str, str, str]:
    """(markdown-it's HTML, our identity-translated HTML, our pseudo-translated HTML)."""
    parsed = segment_article(article(markdown))
    texts = [s.text for s in parsed.segments]
    same = translate_article(parsed, catalog(texts), EN, EN).body_html
    fake = translate_article(parsed, catalog(texts, pseudo_text), EN, EN).body_html
    return markdown_parser().render(markdown), same, fake


@pytest.mark.skipif(not EXAMPLES.is_file(), reason="shared corpora not present")
def test_commonmark_examples_round_trip() -> None:
    examples = json.loads(EXAMPLES.read_text("utf-8"))
    unsupported: Counter[str] = Counter()
    mismatched = []
    for example in examples:
        try:
            direct, same, fake = render_example(example["markdown"])
        except PipelineError as error:
            unsupported[re.sub(r"'.*", "", error.message).strip()] += 1
            continue
        if squeeze(same) != squeeze(direct):
            mismatched.append((example["example"], direct, same))
        elif structure(fake) != structure(same):
            mismatched.append((example["example"], same, fake))
    supported = len(examples) - sum(unsupported.values())
    print(f"\n{supported} of {len(examples)} examples supported; unsupported: {dict(unsupported)}")
    assert not mismatched, mismatched[:3]
    assert supported >= 500
    # Every unsupported construct is refused with a clear reason (see README, "Known limits"):
    # raw HTML, an h1 in the body (the title is the front matter's), skipped heading levels,
    # an image without alt text.
    reasons = ("raw HTML is not allowed", "use", "heading level skipped", "image")
    assert all(reason.startswith(reasons) for reason in unsupported), unsupported


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
