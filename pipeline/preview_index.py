"""The front page of `pipeline serve`: every previewed page, and which are drafts and why.

It is the tool's page, in English like the command line (not the clinic's `index.html`,
which lists published languages only): a translator finds their language there whatever
its threshold, with its share translated against the threshold. Written for this
project; every text from a catalog or the configuration is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from pipeline.build.plan import threshold
from pipeline.build.records import PageSummary
from pipeline.config import Config
from pipeline.locales import locale_info


@dataclass(frozen=True)
class Skipped:
    """A configured language the preview leaves out, and why."""

    lang: str
    reason: str


_PAGE = """<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview · {clinic}</title>
<style>
body {{ font: 1rem/1.5 system-ui, sans-serif; margin: 1.5rem auto; max-width: 50rem;
  padding: 0 1rem; color: #1f2937; }}
li {{ margin: .3rem 0; }}
.draft {{ color: #9a3412; font-weight: bold; }}
.state {{ color: #4b5563; }}
</style>
</head>
<body>
<main>
<h1>Preview · {clinic}</h1>
<p>Rebuilt when a file under <code>source/</code>, <code>locales/</code> or
<code>templates/</code> is saved. HTML pages only: <code>pipeline build</code> makes the
PDF handouts and the clinic's index. A <span class="draft">draft</span> is below its
publishing threshold: <code>pipeline build</code> does not publish it;
<code>pipeline build --draft</code> builds it, marked DRAFT, without publishing it.</p>
{articles}{skipped}</main>
</body>
</html>
"""


def front_page(config: Config, pages: tuple[PageSummary, ...], skipped: list[Skipped]) -> str:
    """The HTML of the front page for the pages of the last rebuild."""
    articles: dict[str, list[PageSummary]] = {}
    for page in pages:
        articles.setdefault(page.slug, []).append(page)
    parts = []
    for items in articles.values():
        source = next((p for p in items if p.lang == config.source_language), items[0])
        rows = "".join(f"<li>{_row(config, page)}</li>\n" for page in items)
        parts.append(
            f'<section>\n<h2 lang="{escape(locale_info(source.catalog.title_lang).tag)}">'
            f"{escape(source.catalog.title)}</h2>\n<ul>\n{rows}</ul>\n</section>\n"
        )
    if not parts:
        parts.append("<p>No page yet: see the error above.</p>\n")
    rest = ""
    if skipped:
        listed = "".join(f"<li>{escape(s.lang)}: {escape(s.reason)}</li>\n" for s in skipped)
        rest = f"<section>\n<h2>Not previewed</h2>\n<ul>\n{listed}</ul>\n</section>\n"
    return _PAGE.format(clinic=escape(config.clinic.name), articles="".join(parts), skipped=rest)


def _row(config: Config, page: PageSummary) -> str:
    """One language of one article: its link and its state."""
    info = locale_info(page.lang)
    link = (
        f'<a href="{escape(page.lang)}/{escape(page.slug)}.html" hreflang="{info.tag}">'
        f'<span lang="{info.tag}" dir="{info.direction}">{escape(info.native_name)}</span></a>'
        f" ({escape(page.lang)})"
    )
    if not page.written:  # not expected: the preview writes every page
        return f"{escape(page.lang)}: not written: {escape(page.reason)}"
    if page.lang == config.source_language:
        return f'{link}: <span class="state">the source</span>'
    catalog = page.catalog
    counts = (
        f"{catalog.untranslated} untranslated, {catalog.fuzzy} fuzzy, {catalog.invalid} invalid"
        f", {page.ui_untranslated} interface strings untranslated"
    )
    if not page.published:
        return (
            f'{link}: <span class="draft">draft, not published</span>:'
            f" {escape(page.reason)} ({counts})"
        )
    state = f"published: {catalog.percent}% translated, threshold {threshold(config, page.lang)}%"
    if page.draft:
        state += f"; marked draft ({counts})"
    if page.lang not in config.languages:
        state += "; not in [tool.pipeline] languages, so output/index.html does not list it"
    return f'{link}: <span class="state">{state}</span>'
