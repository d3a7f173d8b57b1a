"""Stage 3 of the build: the HTML page of each article in each language.

A page is the article as the gate decided it (`GatedArticle`), through the Jinja2
templates, with the interface strings of the `ui` catalog. Whether it carries the
draft mark is decided before it is rendered, once: when a segment or one of the
handout template's interface strings has no usable translation. The pages of one
language are one task (`LanguagePages`), run in a worker when several languages are
to be made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.build.gate import ArticleRef, GatedArticle, gate_article
from pipeline.build.inputs import MEDIA, logo_url, stylesheet
from pipeline.build.records import PageSummary
from pipeline.build.state import generation_date
from pipeline.config import Config
from pipeline.fsutil import write_text
from pipeline.locales import LocaleInfo, locale_info, long_date
from pipeline.model import UI_DOMAIN, EntryState, Layout
from pipeline.scripts import counter_style, native_digits
from pipeline.workers import Pool, values

if TYPE_CHECKING:  # imported where pages are made: a build that keeps them needs none
    from pipeline.build.plan import Plan
    from pipeline.build.state import PageState
    from pipeline.render import UICatalog
    from pipeline.translate import TranslatedArticle


_SRC = re.compile(r'src="([^"]+)"')
"""The files a page refers to (images, the logo, its QR code): its PDFs are made of them."""


@dataclass(frozen=True)
class PageJob:
    """One page to make, as the plan decided it."""

    article: ArticleRef
    key: str
    """The page's input key (`PageSummary.key`)."""
    gated: GatedArticle | None
    """What the gate decided for its catalog; None when the plan reused the catalog's
    summary from an earlier build (the task passes the catalog through the gate again)."""
    published: bool
    reason: str
    languages: tuple[str, ...]
    """The language switcher's links: the languages the article is published in (and a
    draft's own language; in `serve`, every language previewed)."""
    preview: bool = False
    """Not published but written as a draft (`build --draft`, `serve`)."""


@dataclass(frozen=True)
class LanguagePages:
    """A task: some pages of one language, written to output/<lang>/."""

    config: Config
    lang: str
    jobs: tuple[PageJob, ...]
    handout_messages: tuple[str, ...]
    """The interface strings of `handout.html`: one without a usable translation makes
    every handout of the language a draft."""
    annotate: bool = False

    @property
    def key(self) -> str:
        return f"pages {self.lang}"

    @property
    def weight(self) -> int:
        return len(self.jobs)

    def run(self) -> tuple[PageSummary, ...]:
        config, lang = self.config, self.lang
        ui = load_ui(config, lang)
        missing = (
            [m for m in self.handout_messages if m not in ui.singular and m not in ui.plural]
            if lang != config.source_language
            else []
        )
        return tuple(_page(config, lang, job, ui, len(missing), self.annotate) for job in self.jobs)


def make_pages(
    config: Config, plan: Plan, state: PageState, pool: Pool, annotate: bool = False
) -> list[PageSummary]:
    """Make the plan's pages, one task per language; record each language's pages in the
    state once they are written. Returns every page of the chosen languages."""
    tasks = [
        LanguagePages(config, lang, jobs, plan.handout_messages, annotate)
        for lang, jobs in plan.jobs.items()
    ]
    made: dict[tuple[str, str], PageSummary] = {(p.lang, p.slug): p for p in plan.kept}
    for summaries in values(pool.run(tasks)):
        for page in summaries:
            made[page.lang, page.slug] = page
            state.pages[f"{page.lang}/{page.slug}"] = page
        state.save()
    if config.base_url:  # a kept page's QR code may have been deleted since
        for page in plan.kept:
            if page.published:
                url = f"{config.base_url}/{page.lang}/{page.slug}.html"
                write_qr(config.output_dir / page.lang / f"{page.slug}.qr.svg", url)
    return sorted(made.values(), key=lambda p: (plan.chosen.index(p.lang), p.slug))


@dataclass(frozen=True)
class MissingSection:
    """A part of the handout shown in another language, as the last page lists it."""

    kind: str
    """`section`, or the front-matter field: `title`, `summary`, `keywords`..."""
    text: str
    """The section's title as the reader sees it."""
    locale: LocaleInfo


@dataclass(frozen=True)
class Revision:
    """The translation's revision date (formatted) and completeness, for the footer."""

    revised: str
    percent: str
    """The share translated, in the language's own digits."""


def handout_messages(config: Config) -> tuple[str, ...]:
    """The msgids of the interface strings in `templates/handout.html`."""
    from pipeline.catalogs import extract_templates

    strings = extract_templates(config.root, [config.templates_dir / "handout.html"])
    return tuple(dict.fromkeys(s.msgid for s in strings))


def load_ui(config: Config, lang: str) -> UICatalog:
    """The interface catalog of `lang` through the gate (none for the source language)."""
    from gettext import c2py

    from pipeline.po import parse_po
    from pipeline.render import UICatalog

    layout = Layout.of(config)
    path = layout.po(lang, UI_DOMAIN)
    catalog = parse_po(path) if path.exists() and lang != config.source_language else None
    template = layout.pot(UI_DOMAIN)
    plurals = None
    if catalog is not None and template.is_file():
        plurals = frozenset(e.msgid for e in parse_po(template) if e.msgid_plural)
    info, source = locale_info(lang), locale_info(config.source_language)
    return UICatalog(
        catalog,
        c2py(info.plural_expr),
        lang=lang,
        source_language=config.source_language,
        isolate=info.direction != source.direction,
        path=path,
        plurals=plurals,
    )


def _page(
    config: Config, lang: str, job: PageJob, ui: UICatalog, ui_missing: int, annotate: bool
) -> PageSummary:
    """Render one page, write it (when published or a draft) and its QR code (when
    published); summarise it."""
    from markupsafe import Markup

    from pipeline.render import make_environment, render_template
    from pipeline.translate import translate_article

    parsed = job.article.parsed()
    slug = parsed.article.slug
    gated = job.gated or gate_article(config, lang, job.article)
    info, source = locale_info(lang), locale_info(config.source_language)
    translated = translate_article(
        parsed,
        gated,
        info,
        source,
        image_prefix=f"../{MEDIA}/",
        annotate=annotate,
        links=gated.links,
        link_notes=True,
    )
    # A page below its threshold is incomplete, hence a draft; said outright all the same.
    draft = not gated.summary.complete or ui_missing > 0 or not job.published
    html_path = config.output_dir / lang / f"{slug}.html"
    online = f"{config.base_url}/{lang}/{slug}.html" if config.base_url else ""
    qr = ""
    if online and job.published:
        qr = f"{slug}.qr.svg"
        write_qr(html_path.with_name(qr), online)
    percent = gated.summary.percent
    context: dict[str, object] = {
        "article": translated,
        "body": Markup(translated.body_html),
        "parts": [(Markup(part.html), part.notes) for part in translated.parts],
        "locale": info,
        "source": source,
        "clinic": config.clinic,
        "paper": config.paper,
        "margin": config.margin,
        "stylesheet": Markup(stylesheet(config)),
        "logo": logo_url(config),
        "slug": slug,
        "languages": [locale_info(code) for code in job.languages],
        "draft": draft,
        "missing_sections": missing_sections(translated),
        "version": job.article.digest[:10],
        "updated": local_date(parsed.article.updated or parsed.article.date, lang),
        "translation": Revision(
            local_date(gated.revised, lang), native_digits(str(percent), info.cldr)
        )
        if local_date(gated.revised, lang)
        else None,
        "generated": local_date(generation_date(), lang),
        "counter_style": counter_style(info.cldr),
        "large_print": config.large_print,
        "qr": qr,
        "online_url": online,
        "annotate": annotate,
    }
    env = make_environment(config.templates_dir, ui)
    ui.missing.clear()
    html = render_template(env, "handout.html", context)
    if not draft and lang != config.source_language and ui.missing:
        # A string the template computes (no literal for Babel to extract) had no
        # translation: the page is a draft after all. Never the case in the shipped
        # templates, so a page is rendered once.
        draft = True
        html = render_template(env, "handout.html", {**context, "draft": True})
    html_digest = ""
    if job.published or job.preview:
        write_text(html_path, html, durable=False)
        html_digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    refs = tuple(sorted(set(_SRC.findall(html))))
    return PageSummary(
        lang=lang,
        slug=slug,
        key=job.key,
        catalog=gated.summary,
        published=job.published,
        reason=job.reason,
        draft=draft,
        ui_untranslated=ui_missing,
        ui_problems=tuple(ui.invalid),
        html_digest=html_digest,
        refs=refs,
        preview=job.preview,
    )


def missing_sections(translated: TranslatedArticle) -> list[MissingSection]:
    """Where untranslated or fuzzy text sits: top sections as the reader sees their
    titles, or the front-matter field (title, summary, keywords, disclaimer)."""
    seen: list[MissingSection] = []
    for status in translated.statuses:
        if status.status == EntryState.TRANSLATED:
            continue
        if status.section:
            text, where = translated.heading_text(status.section[0])
            item = MissingSection("section", text, where)
        else:
            item = MissingSection(status.kind, "", translated.locale)
        if item not in seen:
            seen.append(item)
    return seen


def local_date(value: str | dt.date, lang: str) -> str:
    """A date written the way the language writes dates (CLDR long format)."""
    try:
        day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    except ValueError:
        return ""  # not a date (`YEAR-MO-DA` of a new catalog): nothing is printed for it
    return native_digits(long_date(day, lang), locale_info(lang).cldr)


def write_qr(path: Path, url: str) -> None:
    """The QR code of `url` as SVG; kept when the file already encodes that URL."""
    stamp = f"<!-- {url} -->\n" if "--" not in url else ""
    try:
        if stamp and path.read_text("utf-8").startswith(stamp):
            return
    except OSError:
        pass
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    write_text(path, stamp + buffer.getvalue().decode("utf-8"), durable=False)
