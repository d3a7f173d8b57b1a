"""The build: articles × languages → HTML pages, PDF handouts, index and report.

Stages, in order: read sources and catalogs, translate and render HTML (in this
process), render PDFs (in a pool of worker processes), then index and report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.plurals import get_plural

from pipeline.catalogs import UI_DOMAIN
from pipeline.config import Config
from pipeline.errors import PipelineError, SourceError, display_path
from pipeline.fsutil import write_bytes, write_text
from pipeline.locales import LocaleInfo, locale_info
from pipeline.po import parse_po
from pipeline.project import parse_articles, po_path
from pipeline.render import UICatalog, make_environment, render_template
from pipeline.segments import ParsedArticle
from pipeline.translate import FUZZY, INVALID, TRANSLATED, UNTRANSLATED, Lookup, translate_article


@dataclass(frozen=True)
class OutputRecord:
    """What the build made of one article in one language."""

    slug: str
    lang: str
    html: str
    pdf: str
    status: str
    """`built` or `failed`."""
    pages: int = 0
    bytes: int = 0
    seconds: float = 0.0
    translated: int = 0
    fuzzy: int = 0
    fallback: int = 0
    invalid: int = 0
    ui_untranslated: int = 0
    """Interface strings shown in the source language."""
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class BuildReport:
    """Every output of one build, written to `output/report.json`."""

    outputs: tuple[OutputRecord, ...]
    errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def _plural_index(lang: str) -> Any:
    from gettext import c2py

    return c2py(get_plural(lang).plural_expr)


def _load_ui(config: Config, lang: str) -> UICatalog:
    path = po_path(config, lang, UI_DOMAIN)
    catalog = parse_po(path) if path.exists() and lang != config.source_language else None
    return UICatalog(catalog, _plural_index(lang))


def _lookup(config: Config, lang: str, slug: str) -> Lookup:
    path = po_path(config, lang, slug)
    if lang == config.source_language or not path.exists():
        return Lookup(None, path)
    return Lookup(parse_po(path), path)


def _identity(config: Config, parsed: ParsedArticle) -> Lookup:
    """The source language "translates" every segment by itself."""
    import polib

    catalog = polib.POFile()
    for segment in parsed.segments:
        catalog.append(polib.POEntry(msgid=segment.text, msgstr=segment.text))
    return Lookup(catalog, parsed.article.path)


def _check_images(config: Config, parsed: ParsedArticle) -> None:
    root = config.source_dir.resolve()
    for src, line in parsed.images:
        target = (config.source_dir / src).resolve()
        if "://" in src or src.startswith("/") or not target.is_relative_to(root):
            raise SourceError(
                parsed.article.path, line, f"image {src!r} must be a file under source/"
            )
        if not target.is_file():
            raise SourceError(parsed.article.path, line, f"image not found: {src}")


def _local_date(iso: str, lang: str) -> str:
    """An ISO date written the way the language writes dates (CLDR long format)."""
    from babel.dates import format_date

    try:
        return format_date(dt.date.fromisoformat(iso), "long", locale=lang)
    except ValueError:
        return iso


def _version(parsed: ParsedArticle) -> str:
    return hashlib.sha256(parsed.article.path.read_bytes()).hexdigest()[:10]


def _pdf_job(
    html_path: str, allowed: list[str], lang: str
) -> tuple[bytes, int, list[str], float, str]:
    """Worker-side PDF render; returns an error line instead of raising."""
    from pipeline.pdf import render_pdf

    start = time.perf_counter()
    try:
        data, pages, warnings = render_pdf(Path(html_path), [Path(p) for p in allowed], lang)
    except PipelineError as exc:
        return b"", 0, [], time.perf_counter() - start, str(exc)
    return data, pages, warnings, time.perf_counter() - start, ""


def build(config: Config, langs: list[str] | None = None, jobs: int | None = None) -> BuildReport:
    """Regenerate every language's pages and handouts into `output/`."""
    chosen = langs or [config.source_language, *config.languages]
    source = locale_info(config.source_language)
    articles = parse_articles(config)
    for parsed in articles:
        _check_images(config, parsed)
    out = config.output_dir
    stylesheet = (config.templates_dir / "style.css").read_text("utf-8")
    assets = out / "assets"
    logo = ""
    if config.clinic.logo:
        logo_src = config.root / config.clinic.logo
        write_bytes(assets / logo_src.name, logo_src.read_bytes())
        logo = f"../assets/{logo_src.name}"
    for parsed in articles:
        for src, _line in parsed.images:
            write_bytes(
                out / "images" / src.removeprefix("images/"), (config.source_dir / src).read_bytes()
            )
    all_langs = [locale_info(c) for c in [config.source_language, *config.languages]]

    pending: list[tuple[ParsedArticle, LocaleInfo, Path, Any, int]] = []
    index_rows: dict[str, list[dict[str, Any]]] = {p.article.slug: [] for p in articles}
    records: list[OutputRecord] = []
    errors: list[str] = []
    for lang in chosen:
        info = locale_info(lang)
        ui = _load_ui(config, lang)
        env = make_environment(config.templates_dir, ui)
        for parsed in articles:
            slug = parsed.article.slug
            lookup = (
                _identity(config, parsed)
                if lang == config.source_language
                else _lookup(config, lang, slug)
            )
            translated = translate_article(parsed, lookup, info, source, image_prefix="../")
            html_path = out / lang / f"{slug}.html"
            context = {
                "article": translated,
                "body": _markup(translated.body_html),
                "locale": info,
                "source": source,
                "clinic": config.clinic,
                "paper": config.paper,
                "margin": config.margin,
                "stylesheet": _markup(stylesheet),
                "logo": logo,
                "slug": slug,
                "languages": all_langs,
                "draft": not translated.complete,
                "version": _version(parsed),
                "updated": _local_date(parsed.article.updated or parsed.article.date, lang),
            }
            html = render_template(env, "handout.html", context)
            if ui.missing and lang != config.source_language and not context["draft"]:
                # An untranslated interface string makes the handout a draft too.
                html = render_template(env, "handout.html", {**context, "draft": True})
            write_text(html_path, html)
            ui_missing = len(ui.missing) if lang != config.source_language else 0
            pending.append((parsed, info, html_path, translated, ui_missing))
            total = len(translated.statuses)
            done = translated.count(TRANSLATED)
            index_rows[slug].append(
                {
                    "locale": info,
                    "title": translated.title,
                    "published": True,
                    "html": f"{lang}/{slug}.html",
                    "pdf": f"{lang}/{slug}.pdf",
                    "percent": round(100 * done / total) if total else 100,
                }
            )

    allowed = [str(out.resolve()), str(config.source_dir.resolve())]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(pending)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [
            (item, pool.submit(_pdf_job, str(item[2]), allowed, item[1].tag))
            for item in sorted(pending, key=lambda it: -len(it[2].read_bytes()))
        ]
        for (parsed, info, html_path, translated, ui_missing), future in futures:
            data, pages, warnings, seconds, error = future.result()
            pdf_path = html_path.with_suffix(".pdf")
            if error:
                errors.append(_locate_glyph_error(config, info.code, parsed, error))
            else:
                write_bytes(pdf_path, data)
            records.append(
                OutputRecord(
                    slug=parsed.article.slug,
                    lang=info.code,
                    html=html_path.relative_to(out).as_posix(),
                    pdf=pdf_path.relative_to(out).as_posix(),
                    status="failed" if error else "built",
                    pages=pages,
                    bytes=len(data),
                    seconds=round(seconds, 3),
                    translated=translated.count(TRANSLATED),
                    fuzzy=translated.count(FUZZY),
                    fallback=translated.count(UNTRANSLATED),
                    invalid=translated.count(INVALID),
                    ui_untranslated=ui_missing,
                    warnings=tuple(warnings)
                    + tuple(
                        f"{s.path}:{s.line}: invalid translation: {s.problem}"
                        for s in translated.statuses
                        if s.status == INVALID
                    ),
                )
            )

    ui = _load_ui(config, config.source_language)
    env = make_environment(config.templates_dir, ui)
    index = render_template(
        env,
        "index.html",
        {
            "source": source,
            "clinic": config.clinic,
            "stylesheet": _markup(stylesheet),
            "logo": logo.removeprefix("../"),
            "articles": [
                {"title": p.article.title, "rows": index_rows[p.article.slug]} for p in articles
            ],
        },
    )
    write_text(out / "index.html", index)
    records.sort(key=lambda r: (r.slug, r.lang))
    report = BuildReport(tuple(records), tuple(errors))
    write_text(
        out / "report.json",
        json.dumps(
            {"outputs": [asdict(r) for r in records], "errors": list(errors)},
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
    )
    return report


def _locate_glyph_error(config: Config, lang: str, parsed: ParsedArticle, error: str) -> str:
    """Point a missing-glyph error at the catalog, source or template line holding it."""
    match = re.search(r"\(U\+([0-9A-F]{4,6})\)$", error)
    if not match:
        return error
    char = chr(int(match[1], 16))
    candidates = [
        po_path(config, lang, parsed.article.slug),
        po_path(config, lang, UI_DOMAIN),
        parsed.article.path,
        *sorted(config.templates_dir.glob("*.html")),
    ]
    for path in candidates:
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if char in line:
                return f"{display_path(path)}:{number}: {error.split(': ', 1)[1]}"
    return error


def _markup(text: str) -> Any:
    from markupsafe import Markup

    return Markup(text)


def clean(config: Config) -> None:
    """Remove `output/` entirely."""
    shutil.rmtree(config.output_dir, ignore_errors=True)
