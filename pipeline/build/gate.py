"""Stage 2a of the build: each article's catalog through the publishing gate.

The gate (`checks.entry_state`, asked through `translate.Lookup`) decides once per
build what every segment shows: its translation, or the source text and why. The
result is data (`GatedArticle`) from which the plan decides publication and the page
stage renders, in whichever process each runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.build.inputs import parsed_article
from pipeline.build.records import CatalogSummary
from pipeline.config import Config
from pipeline.errors import display_path
from pipeline.model import EntryState, Layout

if TYPE_CHECKING:  # imported where catalogs are gated: a build that keeps them needs none
    from pipeline.segments import ParsedArticle, Segment
    from pipeline.translate import Lookup, SegmentStatus

    Found = tuple[str | None, SegmentStatus]
    """The msgstr a segment shows (None: the source text) and the segment's status."""


@dataclass(frozen=True)
class GatedArticle:
    """One article's catalog in one language, as the publishing gate lets it be used."""

    lang: str
    slug: str
    summary: CatalogSummary
    found: dict[Segment, Found]
    """Every segment of the article → what it shows."""
    revised: str
    """The catalog's `PO-Revision-Date` (empty for the source language)."""
    links: dict[str, str] = field(default_factory=dict)
    """Source link target → the translation's own, from its usable `link` entries."""

    def find(self, segment: Segment) -> Found:
        return self.found[segment]


@dataclass(frozen=True)
class ArticleRef:
    """An article as a task names it: the worker has it parsed already (or parses it)."""

    path: Path
    digest: str
    key: str
    """The key of its catalog in the task's language (`CatalogSummary.key`)."""

    def parsed(self) -> ParsedArticle:
        return parsed_article(self.path, self.digest)


@dataclass(frozen=True)
class GateLanguage:
    """A task: the catalogs of some articles in one language, through the gate."""

    config: Config
    lang: str
    articles: tuple[ArticleRef, ...]

    @property
    def key(self) -> str:
        return f"gate {self.lang}"

    @property
    def weight(self) -> int:
        return len(self.articles)

    def run(self) -> tuple[GatedArticle, ...]:
        return tuple(gate_article(self.config, self.lang, ref) for ref in self.articles)


def gate_article(config: Config, lang: str, ref: ArticleRef) -> GatedArticle:
    """Read one article's catalog in `lang` and pass every segment through the gate."""
    parsed = ref.parsed()
    lookup = article_lookup(config, lang, parsed)
    found = {segment: lookup.find(segment) for segment in parsed.segments}
    # Counted per segment, not per entry: equal segments (two cells "Yes" on one table
    # row) are one key of `found` but two places on the page.
    statuses = [found[segment][1] for segment in parsed.segments]
    counts = {state: sum(1 for s in statuses if s.status == state) for state in EntryState}
    total = len(statuses)
    translated = counts[EntryState.TRANSLATED]
    title = next((s for s in parsed.front if s.kind == "title"), None)
    shown, title_lang = parsed.article.title, config.source_language
    if title is not None and found[title][0] is not None:
        shown, title_lang = str(found[title][0]), lang
    summary = CatalogSummary(
        key=ref.key,
        percent=100 * translated // total if total else 100,
        translated=translated,
        fuzzy=counts[EntryState.FUZZY],
        untranslated=counts[EntryState.UNTRANSLATED],
        invalid=counts[EntryState.INVALID],
        problems=tuple(
            dict.fromkeys(
                [
                    f"{display_path(s.path)}:{s.line}: invalid translation: {s.problem}"
                    for s in statuses
                    if s.status == EntryState.INVALID
                ]
                + lookup.ignored
            )
        ),
        title=shown,
        title_lang=title_lang,
    )
    revised = ""
    if lang != config.source_language and lookup.catalog is not None:
        revised = lookup.catalog.metadata.get("PO-Revision-Date", "")
    return GatedArticle(lang, parsed.article.slug, summary, found, revised, dict(lookup.links))


def article_lookup(config: Config, lang: str, parsed: ParsedArticle) -> Lookup:
    """The article's catalog in `lang`; the source language translates to itself."""
    import polib

    from pipeline.po import parse_po
    from pipeline.translate import Lookup

    if lang == config.source_language:
        identity = polib.POFile()
        for segment in parsed.segments:
            identity.append(polib.POEntry(msgid=segment.text, msgstr=segment.text))
        return Lookup(identity, parsed.article.path, lang, lang, trusted=True)
    path = Layout.of(config).po(lang, parsed.article.slug)
    catalog = parse_po(path) if path.exists() else None
    return Lookup(catalog, path, lang, config.source_language)
