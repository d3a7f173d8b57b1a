"""Stage 5 of the build: the index page, the removal of outputs nobody makes any more,
and the report."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from markupsafe import Markup

from pipeline.build.inputs import ASSETS, MEDIA, Source, logo_url, stylesheet
from pipeline.build.pages import load_ui
from pipeline.build.plan import Plan
from pipeline.build.records import BuildReport, OutputRecord, PageSummary, Status
from pipeline.config import Config
from pipeline.fsutil import write_text
from pipeline.locales import LocaleInfo, locale_info
from pipeline.render import make_environment, render_template


@dataclass(frozen=True)
class IndexRow:
    """One language of one article on the index page."""

    locale: LocaleInfo
    title: str
    title_locale: LocaleInfo
    published: bool
    reason: str
    html: str
    pdf: str
    large: str
    """Empty without large print."""
    percent: int


@dataclass(frozen=True)
class IndexArticle:
    title: str
    rows: tuple[IndexRow, ...]


def write_index(
    config: Config, sources: tuple[Source, ...], plan: Plan, pages: list[PageSummary]
) -> None:
    """`output/index.html`: every article in every language, linked where published."""
    made = {(p.lang, p.slug): p for p in pages}
    articles = []
    for source in sources:
        slug = source.slug
        rows = []
        for lang in plan.targets:
            catalog = plan.catalogs[lang, slug]
            page = made.get((lang, slug))
            html = f"{lang}/{slug}.html"
            rows.append(
                IndexRow(
                    locale=locale_info(lang),
                    title=catalog.title,
                    title_locale=locale_info(catalog.title_lang),
                    # A language this build did not make is linked if its page is there.
                    published=page.published
                    if page
                    else lang in plan.published[slug] and (config.output_dir / html).exists(),
                    reason=page.reason if page else "",
                    html=html,
                    pdf=f"{lang}/{slug}.pdf",
                    large=f"{lang}/{slug}.large.pdf" if config.large_print else "",
                    percent=catalog.percent,
                )
            )
        articles.append(IndexArticle(source.parsed.article.title, tuple(rows)))
    env = make_environment(config.templates_dir, load_ui(config, config.source_language))
    index = render_template(
        env,
        "index.html",
        {
            "source": locale_info(config.source_language),
            "clinic": config.clinic,
            "stylesheet": Markup(stylesheet(config)),
            "logo": logo_url(config).removeprefix("../"),
            "articles": articles,
        },
    )
    write_text(config.output_dir / "index.html", index, durable=False)


def remove_stale(config: Config, records: list[OutputRecord]) -> None:
    """Delete outputs of languages and articles that are no longer built or published."""
    out = config.output_dir
    keep_langs = {config.source_language, *config.languages}
    for folder in out.iterdir() if out.is_dir() else []:
        if folder.is_dir() and folder.name not in {ASSETS, MEDIA, *keep_langs}:
            shutil.rmtree(folder)
    made = {(r.lang, r.slug) for r in records if r.status is not Status.NOT_PUBLISHED}
    for lang in keep_langs:
        folder = out / lang
        if not folder.is_dir():
            continue
        for item in folder.iterdir():
            if (lang, item.name.split(".", 1)[0]) in made:
                continue
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()


def report(pages: list[PageSummary], records: list[OutputRecord], errors: list[str]) -> BuildReport:
    """The report: every output, every error, and each refused catalog entry once."""
    warnings: dict[str, None] = {}
    for page in pages:
        warnings.update(dict.fromkeys(page.problems))
    ordered = sorted(records, key=lambda r: (r.slug, r.lang, r.edition))
    return BuildReport(tuple(ordered), tuple(errors), tuple(warnings))
