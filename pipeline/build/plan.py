"""Stage 2 of the build: which pages to make, and in which languages each article is
published — decided once, here.

Every (language, article) gets a key: the hash of what its catalog's gate reads (the
article, the catalog, the language, the pipeline's code). A catalog whose key an earlier
build recorded keeps that build's summary; the others go through the gate, one task
per language (in the worker pool when several languages need it). From the summaries
come publication (percent against the language's threshold) and every page's own key
(adding the interface catalog, templates, configuration, date and the languages the
article is published in). A page whose key and file are those recorded is kept; the
others are the page stage's jobs.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.build.gate import ArticleRef, GatedArticle, GateLanguage
from pipeline.build.inputs import Source
from pipeline.build.pages import PageJob, handout_messages
from pipeline.build.records import BuildOptions, CatalogSummary, PageSummary
from pipeline.build.state import (
    PageState,
    code_fingerprint,
    digest,
    file_digest,
    generation_date,
    templates_fingerprint,
)
from pipeline.config import Config
from pipeline.errors import display_path
from pipeline.model import UI_DOMAIN, Layout
from pipeline.workers import Pool, values


@dataclass(frozen=True)
class Plan:
    """What this build makes, and what it knows of every catalog."""

    targets: tuple[str, ...]
    """The source language and the configured languages."""
    chosen: tuple[str, ...]
    """The languages this build makes pages of."""
    catalogs: dict[tuple[str, str], CatalogSummary]
    """(language, slug) → the gate's summary, for every target and chosen language."""
    published: dict[str, tuple[str, ...]]
    """Slug → the target languages the article is published in."""
    kept: tuple[PageSummary, ...]
    """Pages of the chosen languages that are up to date."""
    jobs: dict[str, tuple[PageJob, ...]]
    """Language → the pages to make."""
    handout_messages: tuple[str, ...]
    """The interface strings of the handout template (known when there are jobs)."""
    shared: str
    """Hash of what every page shares: templates, configuration, date, options."""


def threshold(config: Config, lang: str) -> int:
    return config.threshold_for(lang) if lang != config.source_language else 0


def make_plan(
    config: Config,
    options: BuildOptions,
    sources: tuple[Source, ...],
    state: PageState,
    pool: Pool,
) -> Plan:
    """Decide what to make; gate the catalogs no earlier build summarised."""
    targets = (config.source_language, *config.languages)
    chosen = tuple(dict.fromkeys(options.langs or targets))
    templates = templates_fingerprint(config.templates_dir)
    refs = _catalog_refs(config, sources, (*targets, *chosen))
    catalogs, gated = _gate(config, options, refs, state, pool, templates)
    published = {
        source.slug: tuple(
            lang
            for lang in targets
            if catalogs[lang, source.slug].percent >= threshold(config, lang)
        )
        for source in sources
    }
    shared = digest(
        templates,
        _settings(config),
        generation_date().isoformat(),
        str(options.annotate),
    )
    kept, jobs = _pages(config, options, chosen, refs, catalogs, gated, published, state, shared)
    if jobs and options.pdf:
        _start(pool, [job.article for items in jobs.values() for job in items], len(jobs))
    messages = _handout_messages(config, state, templates) if jobs else ()
    if gated and not jobs:
        state.save()
    return Plan(targets, chosen, catalogs, published, tuple(kept), jobs, messages, shared)


def _handout_messages(config: Config, state: PageState, templates: str) -> tuple[str, ...]:
    """The handout template's interface strings, extracted once per version of the
    templates (kept in the state)."""
    if state.handout[0] != templates:
        state.handout = (templates, handout_messages(config))
    return state.handout[1]


def _catalog_refs(
    config: Config, sources: tuple[Source, ...], langs: tuple[str, ...]
) -> dict[tuple[str, str], ArticleRef]:
    """(language, slug) → the article with the key of its catalog in that language: what
    the gate reads (the article, the catalog, the languages, the pipeline's code)."""
    layout = Layout.of(config)
    code = code_fingerprint()
    where = display_path(config.root)  # how the summaries' problems name their files
    refs = {}
    for lang in dict.fromkeys(langs):
        for source in sources:
            if lang == config.source_language:
                catalog = "the source translates to itself"
            else:
                catalog = file_digest(layout.po(lang, source.slug))
            key = digest(code, where, config.source_language, lang, source.digest, catalog)
            refs[lang, source.slug] = ArticleRef(source.path, source.digest, key)
    return refs


def _gate(
    config: Config,
    options: BuildOptions,
    refs: dict[tuple[str, str], ArticleRef],
    state: PageState,
    pool: Pool,
    templates: str,
) -> tuple[dict[tuple[str, str], CatalogSummary], dict[tuple[str, str], GatedArticle]]:
    """Every catalog's summary: an earlier build's for the same key, or the gate's (one
    task per language); and what the gate decided for the catalogs it read."""
    summaries: dict[tuple[str, str], CatalogSummary] = {}
    stale: dict[str, list[ArticleRef]] = {}
    for (lang, slug), ref in refs.items():
        known = state.catalogs.get(f"{lang}/{slug}")
        if known is not None and known.key == ref.key and not options.force:
            summaries[lang, slug] = known
        else:
            stale.setdefault(lang, []).append(ref)
    if stale and options.pdf:
        _start(pool, [ref for items in stale.values() for ref in items], len(stale))
        # Pages will be made: while the workers start, read the template for them.
        _handout_messages(config, state, templates)
    gated: dict[tuple[str, str], GatedArticle] = {}
    tasks = [GateLanguage(config, lang, tuple(items)) for lang, items in stale.items()]
    for results in values(pool.run(tasks)):
        for article in results:
            gated[article.lang, article.slug] = article
            summaries[article.lang, article.slug] = article.summary
            state.catalogs[f"{article.lang}/{article.slug}"] = article.summary
    return summaries, gated


def _pages(
    config: Config,
    options: BuildOptions,
    chosen: tuple[str, ...],
    refs: dict[tuple[str, str], ArticleRef],
    catalogs: dict[tuple[str, str], CatalogSummary],
    gated: dict[tuple[str, str], GatedArticle],
    published: dict[str, tuple[str, ...]],
    state: PageState,
    shared: str,
) -> tuple[list[PageSummary], dict[str, tuple[PageJob, ...]]]:
    """The pages of the chosen languages: kept when their key and file are those an
    earlier build recorded; jobs for the page stage otherwise."""
    layout = Layout.of(config)
    kept: list[PageSummary] = []
    jobs: dict[str, tuple[PageJob, ...]] = {}
    for lang in chosen:
        ui = "" if lang == config.source_language else file_digest(layout.po(lang, UI_DOMAIN))
        todo = []
        for (code, slug), ref in refs.items():
            if code != lang:
                continue
            catalog = catalogs[lang, slug]
            needed = threshold(config, lang)
            is_published = catalog.percent >= needed
            reason = ""
            if not is_published:
                reason = f"{catalog.percent}% translated, below the threshold of {needed}%"
            preview = options.draft and not is_published
            menu = _menu(options, chosen, lang, published[slug], preview)
            # Whether the page is published or a draft is part of its key: a draft is never
            # kept as the published page, nor a published page as a draft.
            key = digest(shared, catalog.key, ui, lang, str(is_published), str(preview), *menu)
            page = state.pages.get(f"{lang}/{slug}")
            if page and page.key == key and not options.force and _on_disk(config, page):
                kept.append(page)
                continue
            job = PageJob(ref, key, gated.get((lang, slug)), is_published, reason, menu, preview)
            todo.append(job)
        if todo:
            jobs[lang] = tuple(todo)
    return kept, jobs


def _menu(
    options: BuildOptions,
    chosen: tuple[str, ...],
    lang: str,
    published: tuple[str, ...],
    preview: bool,
) -> tuple[str, ...]:
    """The languages a page's menu links: those the article is published in (a draft adds
    itself, so that it names its own language); in `serve`'s preview, every language it
    shows."""
    if options.link_drafts:
        return chosen
    if preview and lang not in published:
        return (*published, lang)
    return published


def _settings(config: Config) -> str:
    """The configuration as pages depend on it: every setting, and how paths are shown
    (relative to the working folder), but not where the project is (a moved checkout
    makes the same pages)."""
    return repr(dataclasses.replace(config, root=Path("."), pyproject=Path("."))) + display_path(
        config.root
    )


def _start(pool: Pool, articles: list[ArticleRef], tasks: int) -> None:
    """Start the workers early, so that they import WeasyPrint while this process gates
    and renders: as many as the tasks to come (one per language, then two PDFs per
    article's page). When the `tasks` will run in the workers, parse the articles they
    need first, so that the workers inherit them; otherwise start at once."""
    if not pool.started:
        if tasks > 1 and pool.jobs > 1:
            for article in articles:
                article.parsed()
        pool.start(max(tasks, 2 * len(articles)))


def _on_disk(config: Config, page: PageSummary) -> bool:
    """Whether a page's file still holds what the build wrote (nothing, if not written)."""
    if not page.written:
        return True
    try:
        data = (config.output_dir / page.lang / f"{page.slug}.html").read_bytes()
    except OSError:
        return False
    return hashlib.sha256(data).hexdigest() == page.html_digest
