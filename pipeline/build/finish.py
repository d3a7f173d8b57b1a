"""Stage 5 of the build: the index page, the removal of outputs nobody makes any more
(and of drafts a build without `--draft` does not make), and the report."""

from __future__ import annotations

import dataclasses
import json
import shutil
from dataclasses import asdict, dataclass

from pipeline.build.inputs import ASSETS, MEDIA, Source, logo_url, reference_key, stylesheet
from pipeline.build.pdfs import PdfStage
from pipeline.build.plan import Plan
from pipeline.build.records import (
    BuildOptions,
    BuildReport,
    Edition,
    OutputRecord,
    PageSummary,
    Status,
)
from pipeline.build.state import PageState, digest, file_digest
from pipeline.config import Config
from pipeline.errors import SourceError
from pipeline.fsutil import write_text
from pipeline.locales import LocaleInfo, locale_info


def finish(
    config: Config,
    options: BuildOptions,
    sources: tuple[Source, ...],
    broken: tuple[SourceError, ...],
    plan: Plan,
    pages: list[PageSummary],
    pdfs: PdfStage,
    state: PageState,
) -> BuildReport:
    """Remove what a complete build no longer makes (but not the outputs of an article
    that is broken now) and forget it; write the index; the report, the broken articles
    first."""
    if not options.langs and options.shard == (1, 1) and options.pdf:
        remove_stale(config, pdfs.records, {exc.path.stem for exc in broken if exc.path})
        state.keep(
            pages={f"{p.lang}/{p.slug}" for p in pages},
            catalogs={f"{lang}/{slug}" for lang, slug in plan.catalogs},
            references={reference_key(s.path, s.digest) for s in sources},
        )
        pdfs.state.keep({r.pdf for r in pdfs.records})
    remove_unwritten(config, pages, pdfs)
    write_index(config, sources, plan, pages, state)
    errors = [str(exc) for exc in broken] + pdfs.errors
    result = report(plan, pages, pdfs.records, errors)
    fingerprint = digest(plan.shared, *sorted(f"{p.lang}/{p.slug} {p.key}" for p in pages))
    return dataclasses.replace(result, shard=options.shard, plan=fingerprint, pages=tuple(pages))


@dataclass(frozen=True)
class IndexRow:
    """One language of one article on the index page."""

    lang: str
    title: str
    title_lang: str
    """The language the title is shown in."""
    published: bool
    reason: str
    html: str
    pdf: str
    large: str
    """Empty without large print."""
    percent: int

    @property
    def locale(self) -> LocaleInfo:
        return locale_info(self.lang)

    @property
    def title_locale(self) -> LocaleInfo:
        return locale_info(self.title_lang)


@dataclass(frozen=True)
class IndexArticle:
    title: str
    rows: tuple[IndexRow, ...]


def write_index(
    config: Config,
    sources: tuple[Source, ...],
    plan: Plan,
    pages: list[PageSummary],
    state: PageState,
) -> None:
    """`output/index.html`: every article in every language, linked where published.
    Left alone when its inputs are those it was last written from."""
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
                    lang=lang,
                    title=catalog.title,
                    title_lang=catalog.title_lang,
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
        title = plan.catalogs[config.source_language, slug].title
        articles.append(IndexArticle(title, tuple(rows)))
    path = config.output_dir / "index.html"
    key = digest(plan.shared, json.dumps([asdict(a) for a in articles], sort_keys=True))
    if state.index == f"{key} {file_digest(path)}":
        return
    from markupsafe import Markup

    from pipeline.build.pages import load_ui
    from pipeline.render import make_environment, render_template

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
    write_text(path, index, durable=False)
    state.index = f"{key} {file_digest(path)}"
    state.save()


def remove_stale(
    config: Config, records: list[OutputRecord], broken: set[str] | frozenset[str] = frozenset()
) -> None:
    """Delete outputs of languages and articles that are no longer built or published;
    the `broken` articles' outputs stay until they build again."""
    out = config.output_dir
    keep_langs = {config.source_language, *config.languages}
    for folder in out.iterdir() if out.is_dir() else []:
        if folder.is_symlink():  # never followed: what it leads to is not ours to delete
            folder.unlink()
        elif folder.is_dir() and folder.name not in {ASSETS, MEDIA, *keep_langs}:
            shutil.rmtree(folder)
    made = {(r.lang, r.slug) for r in records if r.status is not Status.NOT_PUBLISHED}
    for lang in keep_langs:
        folder = out / lang
        if not folder.is_dir():
            continue
        for item in folder.iterdir():
            slug = item.name.split(".", 1)[0]
            if (lang, slug) in made or slug in broken:
                continue
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()


def remove_unwritten(config: Config, pages: list[PageSummary], pdfs: PdfStage) -> None:
    """Delete what the pages of this build's languages do not have: every output of a
    page not written (below its threshold without `--draft`, as an earlier `build --draft`
    may have left it), and the QR code of a draft (it points to no published page). So
    nothing in output/ claims to be current and published when it is not, `--lang` or not."""
    gone: list[str] = []
    for page in pages:
        if page.published:
            continue
        folder = config.output_dir / page.lang
        names = [f"{page.slug}.qr.svg"]
        if not page.written:
            names += [f"{page.slug}.html", *(page.slug + e.suffix for e in Edition)]
            gone += [f"{page.lang}/{page.slug}{e.suffix}" for e in Edition]
        for name in names:
            path = folder / name
            if path.is_symlink() or path.is_file():
                path.unlink()
        if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()
    pdfs.state.forget(gone)


def report(
    plan: Plan, pages: list[PageSummary], records: list[OutputRecord], errors: list[str]
) -> BuildReport:
    """The report: every output, every error, each refused catalog entry once, and the
    pages made and kept."""
    warnings: dict[str, None] = {}
    for page in pages:
        warnings.update(dict.fromkeys(page.problems))
    ordered = sorted(records, key=lambda r: (r.slug, r.lang, r.edition))
    kept = {(p.lang, p.slug) for p in plan.kept}
    names = [(f"{p.lang}/{p.slug}.html", (p.lang, p.slug) in kept) for p in pages]
    return BuildReport(
        tuple(ordered),
        tuple(errors),
        tuple(warnings),
        pages_made=tuple(name for name, was_kept in names if not was_kept),
        pages_kept=tuple(name for name, was_kept in names if was_kept),
    )
