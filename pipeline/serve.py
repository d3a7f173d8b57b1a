"""`pipeline serve`: a live HTML preview for translators.

The preview is built into `.preview/` (HTML only, no PDFs), so published output is never
touched. Every previewed language is written whatever its publishing threshold (below it
as a draft, marked DRAFT), linked from every page's language menu and from the front page
(`preview_index`), which says which languages are drafts and why. A watcher rebuilds the
preview when `source/`, `locales/` or `templates/` change, and a small script added to
every served page (never to the files) reloads the page when the preview changes. A broken
catalog shows its one-line error on the page; the server keeps running with the last good
pages.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import html
import json
import re
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO

import click

from pipeline.config import Config, find_project, key_line, load_config
from pipeline.errors import ConfigError, PipelineError, display_path
from pipeline.model import Layout
from pipeline.preview_index import Skipped, front_page
from pipeline.watch import Watcher

PREVIEW_DIR = ".preview"
VERSION_PATH = "/__version"

_RELOAD_SCRIPT = """<script>
/* pipeline serve: reload when the preview changes (added to this response only). */
(() => {{
  const seen = {version};
  const poll = () => fetch("{endpoint}", {{cache: "no-store"}})
    .then((response) => response.json())
    .then((state) => state.version !== seen ? location.reload() : setTimeout(poll, 400))
    .catch(() => setTimeout(poll, 1000));
  setTimeout(poll, 400);
}})();
</script>
"""

_ERROR_BANNER = (
    '<div role="alert" lang="en" dir="ltr" style="position: sticky; top: 0; z-index: 100; '
    "margin: 0 0 1rem; padding: .75rem 1rem; background: #fde2e2; color: #7f1d1d; "
    'border: 2px solid #b91c1c; font: 1rem/1.4 monospace; white-space: pre-wrap">'
    "The preview could not be rebuilt: {error}</div>\n"
)

_NOT_FOUND = """<!DOCTYPE html>
<html lang="en" dir="ltr">
<head><meta charset="utf-8"><title>Not in the preview</title></head>
<body>
<main>
<h1>Not in the preview</h1>
<p>{path} is not in the preview. The preview has the HTML pages only;
run <code>pipeline build</code> for the PDF handouts.</p>
<p><a href="/">All articles</a></p>
</main>
</body>
</html>
"""


@dataclasses.dataclass
class PreviewState:
    """What the pages need to know about the last rebuild: a counter that changes whenever
    the preview does (the pages poll it) and the error that stopped the last rebuild."""

    version: int = 0
    error: str | None = None
    front: str = ""
    """The front page (`preview_index`) of the last good rebuild."""
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def snapshot(self) -> tuple[int, str | None]:
        with self.lock:
            return self.version, self.error

    def front_page(self) -> str:
        with self.lock:
            return self.front

    def update(self, changed: bool, error: str | None, front: str | None = None) -> None:
        with self.lock:
            if changed or error != self.error or (front is not None and front != self.front):
                self.version += 1
            self.error = error
            if front is not None:
                self.front = front


class Previewer:
    """Builds the preview into `.preview/` and reports what each rebuild changed."""

    def __init__(
        self,
        config: Config,
        langs: list[str],
        annotate: bool,
        skipped: list[Skipped] | None = None,
    ) -> None:
        self.config = dataclasses.replace(config, output=PREVIEW_DIR)
        self.langs = langs
        self.annotate = annotate
        self.skipped = skipped or []
        """Configured languages left out (no catalogs), named on the front page."""
        # Until a rebuild succeeds, the front page has no pages (and shows the error).
        self.state = PreviewState(front=front_page(self.config, (), self.skipped))

    @property
    def folder(self) -> Path:
        return self.config.output_dir

    def rebuild(self) -> str:
        """Rebuild the HTML pages; return the line to print about it."""
        from pipeline.build import BuildOptions, build

        before = _stamps(self.folder)
        started = time.monotonic()
        error: str | None = None
        front: str | None = None
        try:
            # One process (jobs=1): the server's threads make forking workers unsafe.
            # Every language is shown, drafts too, and every menu links them all.
            options = BuildOptions(
                tuple(self.langs),
                jobs=1,
                annotate=self.annotate,
                pdf=False,
                draft=True,
                link_drafts=True,
            )
            report = build(self.config, options)
            front = front_page(self.config, report.pages, self.skipped)
        except PipelineError as exc:
            error = str(exc)
        except Exception as exc:  # a bug: show it and keep serving the last good pages
            traceback.print_exc()
            error = f"internal error: {type(exc).__name__}: {exc}"
        seconds = time.monotonic() - started
        after = _stamps(self.folder)
        pages = sorted(
            p for p, stamp in after.items() if p.endswith(".html") and before.get(p) != stamp
        )
        self.state.update(bool(pages) or before != after, error, front)
        if error:
            return f"rebuild failed: {error}"
        if not pages:
            return f"rebuilt: no page changed ({seconds:.1f} s)"
        shown = ", ".join(pages) if len(pages) <= 3 else f"{len(pages)} pages"
        return f"rebuilt {shown} ({seconds:.1f} s)"

    def watch(self, watcher: Watcher, stop: threading.Event) -> None:
        """Rebuild after every batch of changes until `stop` is set."""
        while watcher.wait(stop) is not None:
            _echo(self.rebuild())


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file under `folder`, by relative path."""
    stamps: dict[str, tuple[int, int]] = {}
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.is_file():
                stat = path.stat()
                stamps[path.relative_to(folder).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return stamps


def _echo(line: str) -> None:
    click.echo(line, err=line.startswith("rebuild failed"))


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves `.preview/` with the reload script and the last error added to HTML pages."""

    def __init__(self, *args: Any, state: PreviewState, **kwargs: Any) -> None:
        self.state = state
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == VERSION_PATH:
            version, error = self.state.snapshot()
            self._send(json.dumps({"version": version, "error": error}), "application/json")
            return
        super().do_GET()

    def send_head(self) -> BinaryIO | None:
        """HTML pages get the reload script (and any error); missing files a helpful 404."""
        # Read the version before the file: a rebuild in between then costs one extra
        # reload instead of leaving a stale page that never reloads.
        version, error = self.state.snapshot()
        url_path = self.path.split("?", 1)[0].split("#", 1)[0]
        if url_path in ("/", "/index.html"):  # the preview's own front page
            page = _decorate(self.state.front_page(), version, error)
            return self._head(page, "text/html; charset=utf-8")
        path = Path(self.translate_path(self.path))
        if path.is_dir() and url_path.endswith("/"):
            path = path / "index.html"
        if path.is_dir():
            return super().send_head()  # redirects to the address with a slash
        if path.suffix == ".html" and path.is_file():
            page = _decorate(path.read_text("utf-8"), version, error)
            return self._head(page, "text/html; charset=utf-8")
        if not path.is_file():
            page = _decorate(_NOT_FOUND.format(path=html.escape(url_path)), version, error)
            return self._head(page, "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the command prints only its address and the rebuilds."""

    def _head(self, text: str, content_type: str, status: HTTPStatus = HTTPStatus.OK) -> BinaryIO:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)

    def _send(self, text: str, content_type: str) -> None:
        stream = self._head(text, content_type)
        self.copyfile(stream, self.wfile)


def _decorate(page: str, version: int, error: str | None) -> str:
    """The page with the error banner after `<body>` and the reload script before `</body>`."""
    if error:
        banner = _ERROR_BANNER.format(error=html.escape(error))
        body = re.search(r"<body[^>]*>\n?", page)
        at = body.end() if body else 0
        page = page[:at] + banner + page[at:]
    script = _RELOAD_SCRIPT.format(version=version, endpoint=VERSION_PATH)
    end = page.rfind("</body>")
    return page + script if end < 0 else page[:end] + script + page[end:]


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C and SIGTERM set `stop` instead of killing the process mid-write."""

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _project_config(ctx: click.Context) -> Config:
    """The project of `pipeline --project DIR`, or the nearest one upwards."""
    obj = ctx.find_root().obj
    project = obj.get("project") if isinstance(obj, dict) else None
    return load_config(Path(project) if project else find_project(Path.cwd()))


def _preview_langs(config: Config, langs: tuple[str, ...]) -> tuple[list[str], list[Skipped]]:
    """The languages to preview, whatever their threshold: the source language first (the
    pages link to it), then the chosen ones — configured or not, as long as their catalogs
    are on disk — or every configured one that has catalogs; and the configured ones left
    out for having none."""
    from pipeline.project import has_catalogs, known_language

    for lang in langs:
        known_language(config, lang, to_build=True)
        if lang != config.source_language and not has_catalogs(config, lang):
            folder = display_path(Layout.of(config).folder(lang))
            raise ConfigError(
                config.pyproject,
                _line_of(config, "languages"),
                f"{lang!r} has no catalogs ({folder}/ is missing): run 'pipeline init {lang}'",
            )
    if langs:
        return list(dict.fromkeys([config.source_language, *langs])), []
    chosen, skipped = [config.source_language], []
    for lang in config.languages:
        if has_catalogs(config, lang):
            chosen.append(lang)
        else:
            folder = display_path(Layout.of(config).folder(lang))
            reason = f"no catalogs ({folder}/ is missing): run 'pipeline init {lang}'"
            skipped.append(Skipped(lang, reason))
    return list(dict.fromkeys(chosen)), skipped


def _line_of(config: Config, key: str) -> int:
    """The line of pyproject.toml that sets `key` in [tool.pipeline] (1 when none does)."""
    return key_line(config.pyproject.read_text("utf-8"), "tool.pipeline", key) or 1


@click.command("serve")
@click.option(
    "--lang",
    "langs",
    multiple=True,
    help="Only this language (repeatable), configured or with catalogs on disk, whatever its"
    " threshold; the source language is always built too. Default: every configured"
    " language with catalogs.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1; 0 picks a free one.",
)
@click.option("--show-ids", is_flag=True, help="Mark each block with its .po entry and state.")
@click.pass_context
def serve_command(ctx: click.Context, langs: tuple[str, ...], port: int, show_ids: bool) -> None:
    """Preview the HTML pages while you translate: rebuilt and reloaded on every save.

    Every language is shown whatever its publishing threshold: below it as a draft,
    marked DRAFT; the front page says which languages are drafts and why.
    """
    config = _project_config(ctx)
    chosen, skipped = _preview_langs(config, langs)
    previewer = Previewer(config, chosen, annotate=show_ids, skipped=skipped)
    handler = functools.partial(
        PreviewHandler, directory=str(previewer.folder), state=previewer.state
    )
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise PipelineError(None, None, f"cannot listen on port {port}: {exc.strerror}") from None
    server.daemon_threads = True
    stop = threading.Event()
    # Watched from before the first preview: a save made while it is built is not lost.
    with server, _stop_on_signals(stop), Watcher(config.root, output=previewer.folder) as changes:
        line = previewer.rebuild()
        if line.startswith("rebuild failed"):
            _echo(line)
        click.echo(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
        threads = [
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}),
            threading.Thread(target=previewer.watch, args=(changes, stop)),
        ]
        for thread in threads:
            thread.daemon = True
            thread.start()
        while not stop.wait(0.5):
            pass
        server.shutdown()
        for thread in threads:
            thread.join(timeout=5)
