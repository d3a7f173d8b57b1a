"""The build: articles × languages → HTML pages, PDF handouts, index and report.

The stages, in order (`build` below reads top to bottom):
1. read the sources and check their images;
2. per language and article: translate, decide whether to publish, render the
   HTML page (cheap, in this process);
3. render the PDF editions that are out of date in a pool of worker processes;
4. write the index page and `report.json`, and remove outputs nobody makes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from markupsafe import Markup

from pipeline import __version__
from pipeline.catalogs import UI_DOMAIN
from pipeline.config import Config
from pipeline.errors import PipelineError, SourceError, TemplateError, display_path
from pipeline.fsutil import write_bytes, write_text
from pipeline.locales import LocaleInfo, locale_info
from pipeline.po import parse_po
from pipeline.project import parse_articles, po_path
from pipeline.render import UICatalog, make_environment, render_template
from pipeline.scripts import counter_style, native_digits, prepare_html
from pipeline.segments import ParsedArticle
from pipeline.translate import (
    FUZZY,
    INVALID,
    TRANSLATED,
    UNTRANSLATED,
    Lookup,
    TranslatedArticle,
    translate_article,
)
from pipeline.workers import (
    RenderResult,
    RenderTask,
    kill_workers,
    run_tasks,
    start_workers,
)

STATE_FILE = ".build-state.json"
MEDIA = "media"
"""Where articles' images are copied: a folder of their own, so that no source file can
take the place of an output (a QR code, the logo, a page)."""
EDITIONS = {"standard": ".pdf", "large": ".large.pdf"}


@dataclass(frozen=True)
class OutputRecord:
    """What the build made of one article in one language and edition."""

    slug: str
    lang: str
    edition: str
    """`standard` or `large`."""
    pdf: str
    """Path under output/."""
    status: str
    """`built`, `up-to-date`, `not-published` or `failed`."""
    reason: str = ""
    """Why it was not published or failed."""
    pages: int = 0
    bytes: int = 0
    seconds: float = 0.0
    percent: int = 0
    """Share of the article's segments shown translated."""
    translated: int = 0
    fuzzy: int = 0
    fallback: int = 0
    """Untranslated segments shown in the source language."""
    invalid: int = 0
    ui_untranslated: int = 0
    """Interface strings shown in the source language."""
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class BuildReport:
    """Every output of one build, written to `output/report.json`."""

    outputs: tuple[OutputRecord, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    """Catalog entries the build would not print (`path:line: ...`), each named once."""
    complete: bool = True
    """False in the report written when a build starts, until it finishes: a killed or
    failed build never leaves the previous run's report behind."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> str:
        data = {
            "complete": self.complete,
            "outputs": [asdict(r) for r in self.outputs],
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class _Page:
    """One article in one language, translated and rendered to HTML."""

    parsed: ParsedArticle
    locale: LocaleInfo
    translated: TranslatedArticle
    html: Path
    ui_missing: int
    published: bool
    reason: str
    problems: tuple[str, ...] = ()
    """`path:line: invalid translation: ...` for each entry the gate refused."""


def build(
    config: Config,
    langs: list[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    shard: tuple[int, int] = (1, 1),
    progress: Callable[[OutputRecord, int], None] | None = None,
    annotate: bool = False,
    pdf: bool = True,
) -> BuildReport:
    """Regenerate every language's pages and handouts into `output/`.

    `annotate` marks each block with its catalog entry and state (translator
    preview); `pdf=False` stops after the HTML pages.
    """
    out = config.output_dir
    name = "report.json" if shard == (1, 1) else f"report.shard-{shard[0]}-of-{shard[1]}.json"
    unfinished = BuildReport((), ("the build did not finish",), complete=False)
    write_text(out / name, unfinished.to_json(), durable=False)
    try:
        report = _build(config, langs, jobs, force, shard, progress, annotate, pdf)
    except PipelineError as exc:
        write_text(out / name, BuildReport((), (str(exc),)).to_json(), durable=False)
        raise
    write_text(out / name, report.to_json(), durable=False)
    return report


def _build(
    config: Config,
    langs: list[str] | None,
    jobs: int | None,
    force: bool,
    shard: tuple[int, int],
    progress: Callable[[OutputRecord, int], None] | None,
    annotate: bool,
    pdf: bool,
) -> BuildReport:
    out = config.output_dir
    _check_templates(config)
    articles = parse_articles(config)
    for parsed in articles:
        _check_references(config, parsed)
    targets = [config.source_language, *config.languages]
    chosen = langs or targets
    # Workers start now and import WeasyPrint while this process prepares the HTML.
    workers = start_workers(jobs or os.cpu_count() or 1, config.render_memory_mb) if pdf else []
    try:
        pages, records, errors = _pages_and_pdfs(
            config, articles, chosen, workers, jobs, force, shard, progress, annotate, pdf
        )
    finally:
        kill_workers(workers)  # run_tasks stopped them; this is for errors before it

    if langs is None and shard == (1, 1) and pdf:
        _remove_stale(config, records, articles)
    index_source = locale_info(config.source_language)
    env = make_environment(config.templates_dir, _load_ui(config, config.source_language))
    index = render_template(
        env,
        "index.html",
        {
            "source": index_source,
            "clinic": config.clinic,
            "stylesheet": Markup(_stylesheet(config)),
            "logo": _logo_url(config).removeprefix("../"),
            "articles": _index_rows(config, articles, pages, targets),
        },
    )
    write_text(out / "index.html", index, durable=False)
    records.sort(key=lambda r: (r.slug, r.lang, r.edition))
    warnings: dict[str, None] = {}
    for page in pages:
        warnings.update(dict.fromkeys(page.problems))
    return BuildReport(tuple(records), tuple(errors), tuple(warnings))


def _pages_and_pdfs(
    config: Config,
    articles: list[ParsedArticle],
    chosen: list[str],
    workers: list[Any],
    jobs: int | None,
    force: bool,
    shard: tuple[int, int],
    progress: Callable[[OutputRecord, int], None] | None,
    annotate: bool,
    pdf: bool,
) -> tuple[list[_Page], list[OutputRecord], list[str]]:
    """Stages 2 and 3: every HTML page, then the PDFs that are out of date."""
    out = config.output_dir
    targets = [config.source_language, *config.languages]
    _copy_assets(config, articles)
    lookups = {
        (lang, p.article.slug): _lookup(config, lang, p) for lang in targets for p in articles
    }
    for lang in chosen:
        if lang not in targets:
            lookups.update({(lang, p.article.slug): _lookup(config, lang, p) for p in articles})
    published = {
        parsed.article.slug: [
            locale_info(lang)
            for lang in targets
            if lookups[lang, parsed.article.slug].percent(parsed.segments)
            >= _threshold(config, lang)
        ]
        for parsed in articles
    }
    pages: list[_Page] = []
    records: list[OutputRecord] = []
    tasks: dict[str, RenderTask] = {}
    state = _read_state(out)
    hashes: dict[str, str] = {}

    def language_batches() -> Iterator[list[RenderTask]]:
        """One language at a time: its HTML pages, then its PDF tasks."""
        for lang in chosen:
            rendered = _render_language(config, lang, articles, lookups, published, annotate)
            pages.extend(rendered)
            batch, done = _plan_pdfs(config, rendered, state, hashes, force) if pdf else ([], [])
            records.extend(done)
            tasks.update((t.key, t) for t in batch)
            if batch:
                # Forget these outputs before any is rewritten: a run killed mid-way must
                # leave them unknown (rebuilt next time), never "up to date".
                for task in batch:
                    state.pop(task.key, None)
                _write_state(out, state)
            yield batch

    if shard == (1, 1):
        batches: Iterable[list[RenderTask]] = language_batches()
    else:
        # A shard needs the whole plan to take its balanced share of it.
        everything = [task for batch in language_batches() for task in batch]
        batches = [shard_tasks(everything, *shard)]
        if shard[0] > 1:
            # Outputs that need no work are reported by the first shard only, so that
            # merged shard reports count each output once.
            records[:] = [r for r in records if r.status not in ("up-to-date", "not-published")]
    errors: list[str] = []
    page_of: dict[Path, _Page] = {}
    for result in run_tasks(
        batches,
        jobs or os.cpu_count() or 1,
        timeout=config.render_timeout,
        memory_mb=config.render_memory_mb,
        workers=workers,
    ):
        task = tasks[result.key]
        if task.html not in page_of:
            page_of = {p.html: p for p in pages}
        page = page_of[task.html]
        record = _record(page, _edition(task.pdf), result)
        if result.error:
            error = _locate_error(config, page, result.error)
            if error not in errors:
                errors.append(error)
            state.pop(result.key, None)
            task.pdf.unlink(missing_ok=True)  # never leave an old PDF that looks current
        else:
            state[result.key] = hashes[result.key]
        _write_state(out, state)
        records.append(record)
        if progress is not None:
            progress(record, len(tasks))

    return pages, records, errors


# -- stage 1: sources and assets ---------------------------------------------------------


def _check_templates(config: Config) -> None:
    needed = ["handout.html", "index.html", "style.css"]
    if config.large_print:
        needed.append("large-print.css")
    for name in needed:
        if not (config.templates_dir / name).is_file():
            raise TemplateError(
                config.templates_dir / name, 1, f"missing template: templates/{name}"
            )


def _check_references(config: Config, parsed: ParsedArticle) -> None:
    """Images must be files under source/ of a sane size; local links must exist."""
    root = config.source_dir.resolve()
    path = parsed.article.path
    for src, line in parsed.images:
        target = (config.source_dir / src).resolve()
        if re.match(r"[a-z][a-z0-9+.-]*:", src, re.I) or src.startswith("/"):
            raise SourceError(path, line, f"image {src!r} must be a file under source/")
        if not target.is_relative_to(root):
            raise SourceError(path, line, f"image {src!r} must be a file under source/")
        if not target.is_file():
            raise SourceError(path, line, f"image not found: {src}")
        _check_pixels(config, path, line, target, src)
    for href, line in parsed.links:
        scheme = re.match(r"([a-z][a-z0-9+.-]*):", href, re.I)
        if scheme and scheme[1].lower() not in ("http", "https", "mailto", "tel"):
            raise SourceError(path, line, f"link with a forbidden URL scheme: {href}")
        if href.startswith("//"):
            raise SourceError(
                path, line, f"link without a scheme: {href} (write https:{href} for a web page)"
            )
        if not href or href.startswith("#") or scheme:
            continue
        local = href.split("#", 1)[0].split("?", 1)[0]
        target = (config.source_dir / unquote(local)).resolve()
        if not target.is_relative_to(root) or not target.exists():
            raise SourceError(path, line, f"link to a missing local file: {href}")


def _check_pixels(config: Config, path: Path, line: int, image: Path, src: str) -> None:
    """Refuse huge raster images from their header alone, before anything decodes them,
    whatever their file name says; an SVG may embed rasters only as data: URIs, which
    are measured the same way."""
    head = image.read_bytes()[:65536]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        _check_svg(config, path, line, image, src)
        return
    _check_raster(config, path, line, image.read_bytes(), src)


def _check_raster(config: Config, path: Path, line: int, data: bytes, src: str) -> None:
    import io

    from PIL import Image, UnidentifiedImageError

    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # only the header is read; our own limit applies below
    try:
        with Image.open(io.BytesIO(data)) as picture:
            width, height = picture.size
    except (UnidentifiedImageError, OSError, ValueError):
        raise SourceError(path, line, f"image {src!r} is not a readable image") from None
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    if width * height > config.max_image_pixels:
        raise SourceError(
            path,
            line,
            f"image {src!r} is {width}×{height} pixels, over the limit of"
            f" {config.max_image_pixels} (max_image_pixels)",
        )


_SVG_IMAGE_HREF = re.compile(rb"<(?:[\w-]+:)?image\b[^>]*?\bhref\s*=\s*([\"'])(.*?)\1", re.S)


def _check_svg(config: Config, path: Path, line: int, image: Path, src: str) -> None:
    """Rasters inside an SVG: data: URIs are measured; references to other files are
    refused (WeasyPrint would fetch them)."""
    import base64
    import binascii

    for match in _SVG_IMAGE_HREF.finditer(image.read_bytes()):
        href = match[2].decode("utf-8", "replace").strip()
        if not href.startswith("data:"):
            raise SourceError(
                path, line, f"image {src!r} refers to another file ({href[:60]}): embed it"
            )
        header, _, payload = href.partition(",")
        try:
            data = base64.b64decode(payload, validate=False) if ";base64" in header else b""
        except (binascii.Error, ValueError):
            raise SourceError(path, line, f"image {src!r} embeds a broken image") from None
        if data:
            _check_raster(config, path, line, data, src)


def _copy_assets(config: Config, articles: list[ParsedArticle]) -> None:
    """Copy the clinic logo and the articles' images into output/."""
    out = config.output_dir
    if config.clinic.logo:
        logo = config.root / config.clinic.logo
        write_bytes(out / "assets" / logo.name, logo.read_bytes(), durable=False)
    for parsed in articles:
        for src, _line in parsed.images:
            data = (config.source_dir / src).read_bytes()
            write_bytes(out / MEDIA / src, data, durable=False)


def _logo_url(config: Config) -> str:
    """The logo's URL from a page in output/<lang>/; empty without a logo."""
    return f"../assets/{Path(config.clinic.logo).name}" if config.clinic.logo else ""


def _stylesheet(config: Config) -> str:
    return (config.templates_dir / "style.css").read_text("utf-8")


# -- stage 2: translate and render HTML ---------------------------------------------------


def _load_ui(config: Config, lang: str) -> UICatalog:
    from gettext import c2py

    path = po_path(config, lang, UI_DOMAIN)
    catalog = parse_po(path) if path.exists() and lang != config.source_language else None
    info, source = locale_info(lang), locale_info(config.source_language)
    return UICatalog(
        catalog,
        c2py(info.plural_expr),
        lang=lang,
        source_language=config.source_language,
        isolate=info.direction != source.direction,
        path=path,
    )


def _lookup(config: Config, lang: str, parsed: ParsedArticle) -> Lookup:
    """The article's catalog in `lang`; the source language translates to itself."""
    import polib

    if lang == config.source_language:
        identity = polib.POFile()
        for segment in parsed.segments:
            identity.append(polib.POEntry(msgid=segment.text, msgstr=segment.text))
        return Lookup(identity, parsed.article.path, lang, lang, trusted=True)
    path = po_path(config, lang, parsed.article.slug)
    catalog = parse_po(path) if path.exists() else None
    return Lookup(catalog, path, lang, config.source_language)


def _local_date(value: str | dt.date, lang: str) -> str:
    """A date written the way the language writes dates (CLDR long format)."""
    from babel.dates import format_date

    try:
        day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    except ValueError:
        return str(value)
    cldr = locale_info(lang).cldr
    return native_digits(format_date(day, "long", locale=cldr), cldr)


def generation_date() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def _version(parsed: ParsedArticle) -> str:
    return hashlib.sha256(parsed.article.path.read_bytes()).hexdigest()[:10]


def _missing_sections(translated: TranslatedArticle) -> list[dict[str, Any]]:
    """Where untranslated or fuzzy text sits: top sections as the reader sees their
    titles, or the front-matter field (title, summary, keywords, disclaimer)."""
    seen: list[dict[str, Any]] = []
    for status in translated.statuses:
        if status.status == TRANSLATED:
            continue
        if status.section:
            text, where = translated.heading_text(status.section[0])
            item = {"kind": "section", "text": text, "locale": where}
        else:
            item = {"kind": status.kind, "text": "", "locale": translated.locale}
        if item not in seen:
            seen.append(item)
    return seen


def _threshold(config: Config, lang: str) -> int:
    return config.threshold_for(lang) if lang != config.source_language else 0


def _render_language(
    config: Config,
    lang: str,
    articles: list[ParsedArticle],
    lookups: dict[tuple[str, str], Lookup],
    published_languages: dict[str, list[LocaleInfo]],
    annotate: bool = False,
) -> list[_Page]:
    """Translate and render every article's HTML page in one language; the language
    switcher and `hreflang` links name only the languages that are published."""
    info = locale_info(lang)
    source = locale_info(config.source_language)
    ui = _load_ui(config, lang)
    env = make_environment(config.templates_dir, ui)
    stylesheet = Markup(_stylesheet(config))
    logo = _logo_url(config)
    pages = []
    for parsed in articles:
        slug = parsed.article.slug
        lookup = lookups[lang, slug]
        translated = translate_article(
            parsed, lookup, info, source, image_prefix=f"../{MEDIA}/", annotate=annotate
        )
        html_path = config.output_dir / lang / f"{slug}.html"
        threshold = _threshold(config, lang)
        published = translated.percent >= threshold
        reason = (
            ""
            if published
            else f"{translated.percent}% translated, below the threshold of {threshold}%"
        )
        revised = ""
        if lang != config.source_language and lookup.catalog is not None:
            revised = lookup.catalog.metadata.get("PO-Revision-Date", "")
        online = f"{config.base_url}/{lang}/{slug}.html" if config.base_url else ""
        qr = ""
        if online and published:
            qr = f"{slug}.qr.svg"
            _write_qr(html_path.with_name(qr), online)
        context: dict[str, Any] = {
            "article": translated,
            "body": Markup(translated.body_html),
            "locale": info,
            "source": source,
            "clinic": config.clinic,
            "paper": config.paper,
            "margin": config.margin,
            "stylesheet": stylesheet,
            "logo": logo,
            "slug": slug,
            "languages": published_languages[slug],
            "draft": not translated.complete,
            "missing_sections": _missing_sections(translated),
            "version": _version(parsed),
            "updated": _local_date(parsed.article.updated or parsed.article.date, lang),
            "translation": {
                "revised": _local_date(revised, lang),
                "percent": native_digits(str(translated.percent), info.cldr),
            }
            if revised
            else None,
            "counter_style": counter_style(info.cldr),
            "generated": _local_date(generation_date(), lang),
            "large_print": config.large_print,
            "qr": qr,
            "online_url": online,
            "annotate": annotate,
        }
        html = render_template(env, "handout.html", context)
        ui_missing = len(ui.missing) if lang != config.source_language else 0
        if ui_missing and not context["draft"]:
            # An untranslated interface string makes the handout a draft too.
            html = render_template(env, "handout.html", {**context, "draft": True})
        html = prepare_html(html)  # line breaking by script (pipeline/scripts.py)
        if published:
            write_text(html_path, html, durable=False)
        problems = tuple(
            f"{display_path(s.path)}:{s.line}: invalid translation: {s.problem}"
            for s in translated.statuses
            if s.status == INVALID
        ) + tuple(ui.invalid)
        pages.append(
            _Page(parsed, info, translated, html_path, ui_missing, published, reason, problems)
        )
    return pages


def _write_qr(path: Path, url: str) -> None:
    """The QR code of `url` as SVG; kept when the file already encodes that URL."""
    import io

    import segno

    stamp = f"<!-- {url} -->\n" if "--" not in url else ""
    try:
        if stamp and path.read_text("utf-8").startswith(stamp):
            return
    except OSError:
        pass
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    write_text(path, stamp + buffer.getvalue().decode("utf-8"), durable=False)


# -- stage 3: PDFs ------------------------------------------------------------------------


def _edition(pdf: Path) -> str:
    return "large" if pdf.name.endswith(".large.pdf") else "standard"


def _plan_pdfs(
    config: Config, pages: list[_Page], state: dict[str, str], hashes: dict[str, str], force: bool
) -> tuple[list[RenderTask], list[OutputRecord]]:
    """The PDFs to render (their input hashes go to `hashes`), and records for those
    not published or already up to date according to `state`."""
    allowed = (config.output_dir.resolve(), config.source_dir.resolve())
    large_css = config.templates_dir / "large-print.css"
    tasks: list[RenderTask] = []
    records: list[OutputRecord] = []
    for page in pages:
        for edition, suffix in EDITIONS.items():
            if edition == "large" and not config.large_print:
                continue
            pdf = page.html.with_name(f"{page.parsed.article.slug}{suffix}")
            key = pdf.relative_to(config.output_dir).as_posix()
            if not page.published:
                records.append(_record(page, edition, RenderResult(key), "not-published"))
                continue
            task = RenderTask(
                key=key,
                html=page.html,
                pdf=pdf,
                stylesheets=(large_css,) if edition == "large" else (),
                allowed=allowed,
                weight=page.html.stat().st_size * (3 if edition == "large" else 2),
                online=(config.output_dir, config.base_url) if config.base_url else None,
            )
            hashes[key] = _task_hash(task)
            if not force and pdf.exists() and state.get(key) == hashes[key]:
                records.append(_record(page, edition, RenderResult(key), "up-to-date"))
                continue
            tasks.append(task)
    return tasks, records


def _task_hash(task: RenderTask) -> str:
    """Everything a PDF is made from: its HTML (which holds the article, the catalog
    entries used, templates and config), extra CSS, the files it refers to, the fonts
    installed and the versions of the tools."""
    digest = hashlib.sha256()
    digest.update(f"{__version__} {_weasyprint_version()} {_fonts_fingerprint()}".encode())
    digest.update(task.html.read_bytes())
    for css in task.stylesheets:
        digest.update(css.read_bytes())
    html = task.html.read_text("utf-8")
    for ref in sorted(set(re.findall(r'src="([^"]+)"', html))):
        target = (task.html.parent / ref).resolve()
        if target.is_file():
            digest.update(ref.encode() + target.read_bytes())
    return digest.hexdigest()


_CACHE: dict[str, str] = {}


def _weasyprint_version() -> str:
    if "weasyprint" not in _CACHE:
        from importlib.metadata import version

        _CACHE["weasyprint"] = version("weasyprint")
    return _CACHE["weasyprint"]


def _fonts_fingerprint() -> str:
    """A hash of the installed font files' names and sizes (fontconfig's view)."""
    if "fonts" not in _CACHE:
        import subprocess

        try:
            listing = subprocess.run(
                ["fc-list", "--format", "%{file}\\n"], capture_output=True, text=True, check=False
            ).stdout
        except OSError:
            listing = ""
        _CACHE["fonts"] = hashlib.sha256(
            "\n".join(sorted(set(listing.splitlines()))).encode()
        ).hexdigest()[:16]
    return _CACHE["fonts"]


def _record(page: _Page, edition: str, result: RenderResult, status: str = "") -> OutputRecord:
    translated = page.translated
    warnings = tuple(result.warnings)
    return OutputRecord(
        slug=page.parsed.article.slug,
        lang=page.locale.code,
        edition=edition,
        pdf=result.key,
        status=status or ("failed" if result.error else "built"),
        reason=page.reason or result.error,
        pages=result.pages,
        bytes=result.size,
        seconds=round(result.seconds, 3),
        percent=translated.percent,
        translated=translated.count(TRANSLATED),
        fuzzy=translated.count(FUZZY),
        fallback=translated.count(UNTRANSLATED),
        invalid=translated.count(INVALID),
        ui_untranslated=page.ui_missing,
        warnings=warnings,
    )


def shard_tasks(tasks: list[RenderTask], index: int, count: int) -> list[RenderTask]:
    """The `index`-th of `count` balanced, deterministic shares of the work (1-based)."""
    if count == 1:
        return tasks
    loads = [0] * count
    shares: list[list[RenderTask]] = [[] for _ in range(count)]
    for task in sorted(tasks, key=lambda t: (-t.weight, t.key)):
        target = min(range(count), key=lambda i: (loads[i], i))
        loads[target] += max(task.weight, 1)
        shares[target].append(task)
    return shares[index - 1]


def _read_state(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / STATE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_state(out: Path, state: dict[str, str]) -> None:
    write_text(out / STATE_FILE, json.dumps(state, indent=1, sort_keys=True) + "\n", durable=False)


def _locate_error(config: Config, page: _Page, error: str) -> str:
    """Point a render error at the line that caused it: the catalog, source or template
    line holding a glyph no font has, or the URL that was refused."""
    glyph = re.search(r"\(U\+([0-9A-F]{4,6})\)$", error)
    refused = re.search(r"refused to fetch (\S+)$", error)
    if glyph:
        needle = chr(int(glyph[1], 16))
    elif refused:
        needle = refused[1]
        for src, image_line in page.parsed.images:
            image = config.source_dir / src
            if image.is_file() and needle.encode() in image.read_bytes():
                return (
                    f"{display_path(page.parsed.article.path)}:{image_line}: image {src!r}"
                    f" asks for {needle}, which is refused"
                )
    else:
        return error
    candidates = [
        po_path(config, page.locale.code, page.parsed.article.slug),
        po_path(config, page.locale.code, UI_DOMAIN),
        page.parsed.article.path,
        *sorted(config.templates_dir.glob("*.html")),
        *sorted(config.templates_dir.glob("*.css")),
    ]
    for path in candidates:
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if needle in line:
                return f"{display_path(path)}:{number}: {error.split(': ', 1)[1]}"
    return error


# -- stage 4: index, report, clean-up -----------------------------------------------------


def _index_rows(
    config: Config, articles: list[ParsedArticle], pages: list[_Page], targets: list[str]
) -> list[dict[str, Any]]:
    by_key = {(p.parsed.article.slug, p.locale.code): p for p in pages}
    rows = []
    for parsed in articles:
        slug = parsed.article.slug
        items = []
        for lang in targets:
            page = by_key.get((slug, lang))
            published = (
                page.published if page else (config.output_dir / lang / f"{slug}.html").exists()
            )
            items.append(
                {
                    "locale": locale_info(lang),
                    "title": page.translated.title if page else parsed.article.title,
                    "title_locale": page.translated.title_locale
                    if page
                    else locale_info(config.source_language),
                    "published": published,
                    "reason": page.reason if page else "",
                    "html": f"{lang}/{slug}.html",
                    "pdf": f"{lang}/{slug}.pdf",
                    "large": f"{lang}/{slug}.large.pdf" if config.large_print else "",
                    "percent": page.translated.percent if page else None,
                }
            )
        rows.append({"title": parsed.article.title, "rows": items})
    return rows


def _remove_stale(
    config: Config, records: list[OutputRecord], articles: list[ParsedArticle]
) -> None:
    """Delete outputs of languages and articles that are no longer built or published."""
    out = config.output_dir
    keep_langs = {config.source_language, *config.languages}
    for folder in out.iterdir() if out.is_dir() else []:
        if folder.is_dir() and folder.name not in {"assets", MEDIA, *keep_langs}:
            shutil.rmtree(folder)
    published = {(r.lang, r.slug) for r in records if r.status in ("built", "up-to-date", "failed")}
    for lang in keep_langs:
        folder = out / lang
        if not folder.is_dir():
            continue
        for item in folder.iterdir():
            slug = item.name.split(".", 1)[0]
            if (lang, slug) not in published:
                item.unlink()


def merge_reports(paths: list[Path]) -> BuildReport:
    """Join the reports of a sharded build into one."""
    outputs: dict[tuple[str, str, str], OutputRecord] = {}
    errors: list[str] = []
    warnings: dict[str, None] = {}
    complete = True
    for path in paths:
        data = json.loads(path.read_text("utf-8"))
        complete = complete and bool(data.get("complete", True))
        warnings.update(dict.fromkeys(data.get("warnings", [])))
        for row in data.get("outputs", []):
            record = OutputRecord(**{**row, "warnings": tuple(row.get("warnings", ()))})
            key = (record.slug, record.lang, record.edition)
            if key not in outputs or outputs[key].status == "up-to-date":
                outputs[key] = record
        errors.extend(data.get("errors", []))
    return BuildReport(
        tuple(sorted(outputs.values(), key=lambda r: (r.slug, r.lang, r.edition))),
        tuple(dict.fromkeys(errors)),
        tuple(warnings),
        complete,
    )
