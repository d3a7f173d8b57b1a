"""HTML → PDF with WeasyPrint; the only module that imports it.

Fetches are limited to files under the allowed folders; a glyph drawn as .notdef
or a refused fetch fails the render with a one-line error. The text layer reads back
as the printed words in every script (`pipeline.textlayer`, which wraps WeasyPrint).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.errors import RenderError
from pipeline.fsutil import write_bytes


def _fetcher_class() -> type:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class LocalFetcher(URLFetcher):  # type: ignore[misc]
        """Serves `file:` URLs under the allowed folders and refuses everything else."""

        def __init__(self, allowed: Sequence[Path]) -> None:
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)
            self.allowed = [p.resolve() for p in allowed]
            self.refused: list[str] = []

        def fetch(self, url: str, headers: object = None) -> object:
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or not any(path.is_relative_to(root) for root in self.allowed):
                self.refused.append(url)
                raise FatalURLFetchingError(f"refused to fetch {url}")
            return super().fetch(url, headers)

    return LocalFetcher


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.missing: list[str] = []
        """Characters WeasyPrint drew as .notdef (the first argument of its message)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        args = record.args if isinstance(record.args, tuple) else ()
        if ".notdef" in str(record.msg) and args and isinstance(args[0], str):
            self.missing.append(args[0])


@contextmanager
def _captured() -> Iterator[_Collect]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    old = logger.propagate
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = old


_FAILURES = ("Failed to", "Error", "Missing href")
"""WeasyPrint log messages that mean part of the document is missing (an image that could
not be loaded or drawn, an SVG whose fetch was refused): the render fails instead."""


def _relink(document: object, local: str, online: str) -> None:
    """Links into the build machine's files (`file://…/output/…`) would be dead on paper and
    leak a path: point them at the online copy (`online` + the same path), or drop them."""
    for page in document.pages:  # type: ignore[attr-defined]
        kept = []
        for link in page.links:
            kind, target = link[0], link[1]
            if kind == "external" and str(target).startswith("file:"):
                if online and str(target).startswith(local):
                    kept.append((kind, online + str(target)[len(local) :], *link[2:]))
                continue
            kept.append(link)
        page.links[:] = kept


def render_pdf(
    html_path: Path,
    allowed: Sequence[Path],
    stylesheets: Sequence[Path] = (),
    online: tuple[Path, str] | None = None,
) -> tuple[bytes, int, list[str]]:
    """Render an HTML file to tagged PDF/UA-1 bytes; return them, the page count, warnings.

    The page is set with the break helpers of `pipeline.scripts.prepare_html` (U+200B,
    U+2060), which only the printed edition needs: the web page keeps the translator's
    text, and browsers break it themselves. `online` is (output folder, its public URL):
    local links are rewritten to it.
    """
    from weasyprint import CSS, HTML
    from weasyprint.urls import FatalURLFetchingError, path2url

    from pipeline import textlayer
    from pipeline.scripts import prepare_html

    textlayer.install()
    fetcher = _fetcher_class()(allowed)
    with _captured() as log:
        try:
            extra = [CSS(filename=str(p), url_fetcher=fetcher) for p in stylesheets]
            page = prepare_html(html_path.read_text("utf-8"))
            document = HTML(string=page, base_url=str(html_path), url_fetcher=fetcher).render(
                stylesheets=extra
            )
            local, public = (path2url(str(online[0].resolve())), online[1]) if online else ("", "")
            if local and not local.endswith("/"):
                local += "/"
            _relink(document, local, public.rstrip("/") + "/" if public else "")
            data = document.write_pdf(pdf_variant="pdf/ua-1")
        except FatalURLFetchingError as exc:
            url = fetcher.refused[0] if fetcher.refused else ""
            raise RenderError(html_path, 1, str(exc), url=url) from None
    if fetcher.refused:
        url = fetcher.refused[0]
        raise RenderError(html_path, 1, f"refused to fetch {url}", url=url)
    notdef = [m for m in log.messages if ".notdef" in m]
    if notdef:
        glyph = log.missing[0] if log.missing else ""
        shown = notdef[0].split(": ", 1)[-1]
        raise RenderError(html_path, 1, f"no font has a glyph for {shown}", glyph=glyph)
    failed = [m for m in log.messages if m.startswith(_FAILURES)]
    if failed:
        raise RenderError(html_path, 1, failed[0].splitlines()[0])
    return data or b"", len(document.pages), log.messages


def render_to_file(
    html_path: Path,
    pdf_path: Path,
    allowed: Sequence[Path],
    stylesheets: Sequence[Path] = (),
    online: tuple[Path, str] | None = None,
) -> tuple[int, int, list[str]]:
    """Render and write the PDF atomically; return pages, bytes and warnings."""
    data, pages, warnings = render_pdf(html_path, allowed, stylesheets, online)
    write_bytes(pdf_path, data, durable=False)
    return pages, len(data), warnings
