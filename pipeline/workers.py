"""A pool of long-lived PDF workers with a wall-time and memory limit per render.

Each worker imports WeasyPrint once and renders many documents. A render that
runs past its time limit is killed with its worker, reported, and a fresh worker
takes its place, so one pathological document never stops the rest of a build.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path


@dataclass(frozen=True)
class RenderTask:
    """One PDF to make from one HTML file."""

    key: str
    """Identifies the task in results (the PDF's path relative to output/)."""
    html: Path
    pdf: Path
    stylesheets: tuple[Path, ...] = ()
    allowed: tuple[Path, ...] = ()
    """Folders WeasyPrint may read from."""
    weight: int = 0
    """Expected cost, for largest-first ordering and shard balancing."""
    online: tuple[Path, str] | None = None
    """(output folder, its public URL): local links in the PDF point online."""


@dataclass(frozen=True)
class RenderResult:
    """What became of one task."""

    key: str
    pages: int = 0
    size: int = 0
    seconds: float = 0.0
    warnings: tuple[str, ...] = field(default=())
    error: str = ""


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the build process dies, even by SIGKILL."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _worker(conn: Connection, memory_mb: int, parent: int) -> None:
    """Worker loop: render tasks until told to stop (None)."""
    from pipeline.fsutil import release_inherited_lock

    # Ctrl-C reaches the whole process group: the build process answers it (and kills its
    # workers), so a worker must not die of it with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    release_inherited_lock()
    _limit_memory(memory_mb)
    import weasyprint  # noqa: F401  (imported once per worker, before the first task)

    # Objects inherited from the build process and WeasyPrint's modules live as long as
    # the worker: keep them out of the collector's way, and collect less often, since
    # a render allocates many short-lived objects.
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)

    from pipeline.pdf import render_to_file

    while True:
        task = conn.recv()
        if task is None:
            return
        start = time.perf_counter()
        try:
            pages, size, warnings = render_to_file(
                task.html, task.pdf, list(task.allowed), list(task.stylesheets), task.online
            )
            result = RenderResult(
                task.key, pages, size, time.perf_counter() - start, tuple(warnings)
            )
        except MemoryError:
            result = RenderResult(task.key, error=f"{task.html}:1: ran out of memory")
        except Exception as exc:
            from pipeline.errors import PipelineError

            message = str(exc) if isinstance(exc, PipelineError) else f"{task.html}:1: {exc!r}"
            result = RenderResult(task.key, error=message, seconds=time.perf_counter() - start)
        conn.send(result)


class _Slot:
    def __init__(self, ctx: multiprocessing.context.BaseContext, memory_mb: int) -> None:
        self.conn, child = ctx.Pipe()  # type: ignore[attr-defined]
        self.process = ctx.Process(  # type: ignore[attr-defined]
            target=_worker, args=(child, memory_mb, os.getpid()), daemon=True
        )
        self.process.start()
        child.close()
        self.task: RenderTask | None = None
        self.started = 0.0

    def give(self, task: RenderTask) -> None:
        self.task = task
        self.started = time.monotonic()
        self.conn.send(task)

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def _context() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("fork" if os.name == "posix" else "spawn")


def start_workers(jobs: int, memory_mb: int = 4096) -> list[_Slot]:
    """Start `jobs` workers now, so they import WeasyPrint while the build prepares HTML."""
    return [_Slot(_context(), memory_mb) for _ in range(max(1, jobs))]


def run_tasks(
    batches: Iterable[Sequence[RenderTask]],
    jobs: int,
    timeout: float = 300.0,
    memory_mb: int = 4096,
    workers: list[_Slot] | None = None,
) -> Iterator[RenderResult]:
    """Render the tasks of `batches` on `jobs` workers (or the given started ones), largest
    pending task first; yield each result as it comes.

    Batches are pulled only when the workers run short of work, so the caller can
    prepare the next batch (the next language's HTML) while the PDFs of the previous
    one render. The workers are stopped at the end.
    """
    ctx = _context()
    slots = list(workers) if workers is not None else []
    slots += [_Slot(ctx, memory_mb) for _ in range(max(1, jobs) - len(slots))]
    pending = iter(batches)
    queue: list[RenderTask] = []
    exhausted = False
    dispatched = False

    def refill() -> None:
        nonlocal exhausted
        while not exhausted and len(queue) < 2 * len(slots):
            batch = next(pending, None)
            if batch is None:
                exhausted = True
            else:
                queue.extend(batch)
        queue.sort(key=lambda t: (t.weight, t.key))  # pop() takes the largest

    try:
        refill()
        if not queue:
            return
        dispatched = True
        for slot in slots:
            if queue:
                slot.give(queue.pop())
        while any(slot.task is not None for slot in slots):
            busy = [s for s in slots if s.task is not None]
            now = time.monotonic()
            ready = wait(
                [s.conn for s in busy] + [s.process.sentinel for s in busy],
                timeout=max(0.0, min(s.started + timeout - now for s in busy)),
            )
            for index, slot in enumerate(slots):
                if slot.task is None:
                    continue
                result: RenderResult | None = None
                if slot.conn in ready:
                    try:
                        result = slot.conn.recv()
                    except (EOFError, OSError):
                        result = None
                if result is None and (
                    slot.process.sentinel in ready or time.monotonic() - slot.started > timeout
                ):
                    task = slot.task
                    reason = (
                        f"took longer than {timeout:g} s"
                        if slot.process.is_alive()
                        else "the renderer crashed (out of memory?)"
                    )
                    slot.kill()
                    result = RenderResult(
                        task.key, error=f"{task.html}:1: rendering stopped: {reason}"
                    )
                    slots[index] = slot = _Slot(ctx, memory_mb)
                if result is None:
                    continue
                slot.task = None
                yield result
                refill()
                if queue:
                    slot.give(queue.pop())
            # Idle workers take work that arrived with a later batch.
            for slot in slots:
                if slot.task is None and queue:
                    slot.give(queue.pop())
    finally:
        if dispatched and exhausted and not queue:
            stop_workers(slots)  # idle and warm: they finish at once
        else:
            kill_workers(slots)  # never used (maybe still importing), or interrupted


def kill_workers(slots: list[_Slot]) -> None:
    """Stop workers that have nothing to do at once."""
    for slot in slots:
        if slot.process.is_alive():
            slot.kill()


def stop_workers(slots: list[_Slot]) -> None:
    """Ask idle workers to finish; kill those that do not within a few seconds."""
    for slot in slots:
        if slot.process.is_alive():
            with contextlib.suppress(OSError):
                slot.conn.send(None)
    for slot in slots:
        slot.process.join(timeout=5)
        if slot.process.is_alive():
            slot.kill()
