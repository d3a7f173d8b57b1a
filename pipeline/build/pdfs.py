"""Stage 4 of the build: the PDF editions of every page written (published, or a draft)
that is out of date.

A PDF is up to date when the hash of its inputs (its HTML, which holds the article,
the catalog entries used, templates and configuration; the extra stylesheet; every file
the page refers to; WeasyPrint's version and the installed fonts) is the one recorded
when it was written. The others render in the worker pool, heaviest first, each with
a time and memory limit; a failure is located at the line that caused it (the catalog
line holding a glyph no font has, the image asking for a refused URL) from the data
the worker sent back.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.inputs import Source
from pipeline.build.records import Edition, OutputRecord, PageSummary, Status
from pipeline.build.state import (
    PdfState,
    code_fingerprint,
    digest,
    file_digest,
    renderer_fingerprint,
)
from pipeline.config import Config
from pipeline.errors import display_path
from pipeline.model import UI_DOMAIN, Layout
from pipeline.workers import Failure, FailureKind, Outcome, Pool

Progress = Callable[[OutputRecord, int], None]
"""Told of each output as it is decided, with the number of PDFs being rendered."""


@dataclass(frozen=True)
class Rendered:
    """What a worker made of one PDF."""

    pages: int
    size: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderTask:
    """A task: one PDF from one HTML file."""

    key: str
    """The PDF's path under output/."""
    html: Path
    pdf: Path
    stylesheets: tuple[Path, ...] = ()
    allowed: tuple[Path, ...] = ()
    """Folders WeasyPrint may read from."""
    weight: int = 0
    """Expected cost, for heaviest-first ordering and shard balancing."""
    online: tuple[Path, str] | None = None
    """(output folder, its public URL): local links in the PDF point online."""

    def run(self) -> Rendered:
        from pipeline.pdf import render_to_file

        pages, size, warnings = render_to_file(
            self.html, self.pdf, list(self.allowed), list(self.stylesheets), self.online
        )
        return Rendered(pages, size, tuple(warnings))


@dataclass
class PdfStage:
    """The PDFs of one build: planned from the pages, rendered, recorded."""

    config: Config
    state: PdfState
    sources: tuple[Source, ...]
    """The articles, to locate failures in."""
    force: bool = False
    tasks: list[RenderTask] = field(default_factory=list)
    """PDFs to render."""
    records: list[OutputRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _inputs: dict[str, str] = field(default_factory=dict)
    _pages: dict[str, PageSummary] = field(default_factory=dict)
    _files: dict[Path, str] = field(default_factory=dict)

    def run(
        self,
        pages: list[PageSummary],
        shard: tuple[int, int],
        pool: Pool,
        progress: Progress | None,
    ) -> None:
        """Plan the PDFs of the pages, keep this shard's share, render it."""
        self.plan(pages)
        self.keep_shard(*shard)
        self.render(pool, progress)

    def plan(self, pages: list[PageSummary]) -> None:
        """Sort every edition of the pages into not published, up to date, or to render."""
        config = self.config
        allowed = (config.output_dir.resolve(), config.source_dir.resolve())
        large_css = config.templates_dir / "large-print.css"
        for page in pages:
            html = config.output_dir / page.lang / f"{page.slug}.html"
            for edition in _editions(config):
                pdf = html.with_name(page.slug + edition.suffix)
                key = pdf.relative_to(config.output_dir).as_posix()
                self._pages[key] = page
                if not page.written:
                    self.records.append(_record(page, edition, key, Status.NOT_PUBLISHED))
                    continue
                task = RenderTask(
                    key=key,
                    html=html,
                    pdf=pdf,
                    stylesheets=(large_css,) if edition is Edition.LARGE else (),
                    allowed=allowed,
                    weight=html.stat().st_size * (3 if edition is Edition.LARGE else 2),
                    online=(config.output_dir, config.base_url) if config.base_url else None,
                )
                self._inputs[key] = self._hash(task, page)
                if not self.force and pdf.exists() and self.state.current(key, self._inputs[key]):
                    self.records.append(
                        _record(
                            page,
                            edition,
                            key,
                            Status.UP_TO_DATE,
                            pages=self.state.pages.get(key, 0),
                            size=pdf.stat().st_size,
                        )
                    )
                    continue
                self.tasks.append(task)

    def keep_shard(self, index: int, count: int) -> None:
        """Render only this shard's balanced share; outputs that need no work are reported
        by the first shard only, so that merged reports count each output once."""
        self.tasks = shard_tasks(self.tasks, index, count)
        if index > 1:
            self.records = []

    def render(self, pool: Pool, progress: Progress | None) -> None:
        """Render the planned PDFs; record each as it finishes, on disk and in the report."""
        tasks = {task.key: task for task in self.tasks}
        # Forget these outputs before any is rewritten: a build killed meanwhile leaves
        # them unknown (made again), never "up to date".
        self.state.forget(list(tasks))
        for outcome in pool.map(self.tasks, self.config.render_timeout):
            task = tasks[outcome.key]
            record = self._outcome(task, outcome)
            self.records.append(record)
            if progress is not None:
                progress(record, len(tasks))

    def _outcome(self, task: RenderTask, outcome: Outcome[Rendered]) -> OutputRecord:
        page = self._pages[task.key]
        edition = (
            Edition.LARGE if task.pdf.name.endswith(Edition.LARGE.suffix) else Edition.STANDARD
        )
        if outcome.failure is not None or outcome.value is None:
            failure = outcome.failure or Failure(FailureKind.BUG, "no result")
            source = next(s for s in self.sources if s.slug == page.slug)
            error = locate(self.config, source, page, task, failure)
            if error not in self.errors:
                self.errors.append(error)
            task.pdf.unlink(missing_ok=True)  # never leave an old PDF that looks current
            self.state.record(task.key, None)
            return _record(page, edition, task.key, Status.FAILED, reason=error)
        rendered = outcome.value
        self.state.record(task.key, self._inputs[task.key], rendered.pages)
        return _record(
            page,
            edition,
            task.key,
            Status.BUILT,
            pages=rendered.pages,
            size=rendered.size,
            seconds=outcome.seconds,
            warnings=rendered.warnings,
        )

    def _hash(self, task: RenderTask, page: PageSummary) -> str:
        """Everything a PDF is made from: its HTML (the page's, whose file the plan
        checked), extra CSS, the files it refers to, the fonts installed and the versions
        of the tools and of our own code (line breaking by script, the text layer)."""
        parts: list[str | bytes] = [renderer_fingerprint(), code_fingerprint(), page.html_digest]
        # A draft's PDF is never taken for the published one (nor the other way round).
        parts.append("published" if page.published else "draft")
        for path in task.stylesheets:
            parts += [path.name, self._file(path)]
        for ref in page.refs:
            # Joined as a URL is (`..` taken away by its text, as WeasyPrint does): no
            # system call per reference, and the 11 languages' `../media/x.png` are one file.
            parts += [ref, self._file(Path(os.path.normpath(task.html.parent / ref)))]
        return digest(*parts)

    def _file(self, path: Path) -> str:
        """A file's SHA-256, read once per build."""
        if path not in self._files:
            self._files[path] = file_digest(path) if path.is_file() else "absent"
        return self._files[path]


def _editions(config: Config) -> list[Edition]:
    return [Edition.STANDARD, Edition.LARGE] if config.large_print else [Edition.STANDARD]


def _record(
    page: PageSummary,
    edition: Edition,
    key: str,
    status: Status,
    reason: str = "",
    pages: int = 0,
    size: int = 0,
    seconds: float = 0.0,
    warnings: tuple[str, ...] = (),
) -> OutputRecord:
    catalog = page.catalog
    return OutputRecord(
        slug=page.slug,
        lang=page.lang,
        edition=edition,
        pdf=key,
        status=status,
        reason=page.reason or reason,
        pages=pages,
        bytes=size,
        seconds=round(seconds, 3),
        percent=catalog.percent,
        translated=catalog.translated,
        fuzzy=catalog.fuzzy,
        fallback=catalog.untranslated,
        invalid=catalog.invalid,
        ui_untranslated=page.ui_untranslated,
        warnings=warnings,
        published=page.published,
        draft=page.draft,
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


def locate(
    config: Config, source: Source, page: PageSummary, task: RenderTask, failure: Failure
) -> str:
    """One line for a failed render, at the line that caused it: the image that asked for
    a refused URL, or the catalog, source or template line holding the URL or a glyph no
    font has; otherwise the page."""
    if failure.url:
        for src, line in source.images:
            image = config.source_dir / src
            if image.is_file() and failure.url.encode() in image.read_bytes():
                return (
                    f"{display_path(source.path)}:{line}: image {src!r}"
                    f" asks for {failure.url}, which is refused"
                )
    needle = failure.glyph or failure.url
    if needle:
        layout = Layout.of(config)
        candidates = [
            layout.po(page.lang, page.slug),
            layout.po(page.lang, UI_DOMAIN),
            source.path,
            *sorted(config.templates_dir.glob("*.html")),
            *sorted(config.templates_dir.glob("*.css")),
        ]
        for path in candidates:
            line = _line_holding(path, needle)
            if line:
                return f"{display_path(path)}:{line}: {failure.message}"
    where = f"{display_path(failure.path or task.html)}:{failure.line or 1}"
    if failure.kind in (FailureKind.TIMEOUT, FailureKind.CRASH):
        return f"{where}: rendering stopped: {failure.message}"
    if failure.kind is FailureKind.BUG:
        return f"{where}: internal error: {failure.message.strip().splitlines()[-1]}"
    return f"{where}: {failure.message}"


def _line_holding(path: Path, needle: str) -> int:
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    return next((number for number, line in enumerate(lines, 1) if needle in line), 0)
