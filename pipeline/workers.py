"""A pool of long-lived worker processes with a wall-time and a memory limit per task.

Each worker may import heavy modules once (WeasyPrint) and then runs many tasks:
HTML pages of a language, PDFs. A task that runs past its time limit is killed with
its worker, reported, and a fresh worker takes its place, so one pathological
document never stops the rest of a build. What a task raises comes back as data
(`Failure`: its kind, file, line, glyph or URL), never as a string to parse.

Written for this project on the standard library's documented `multiprocessing`
(fork context, pipes, `connection.wait`) and `resource` APIs and Linux's `prctl`.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import multiprocessing
import os
import resource
import signal
import time
import traceback
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from pipeline.errors import PipelineError, RenderError

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Task(Protocol[R_co]):
    """Work for a worker: picklable, with a key and an expected cost."""

    @property
    def key(self) -> str:
        """Identifies the task in its outcome."""

    @property
    def weight(self) -> int:
        """Expected cost: the heaviest tasks start first."""

    def run(self) -> R_co:
        """Do the work (in the worker); raise `PipelineError` for a user error."""


class FailureKind(StrEnum):
    """Why a task gave no result."""

    ERROR = "error"
    """It raised a user error (`PipelineError`): bad input, with its file and line."""
    TIMEOUT = "timeout"
    """It ran past the time limit and was killed."""
    CRASH = "crash"
    """Its worker died (the memory limit, a crash in a library)."""
    MEMORY = "memory"
    """It ran out of memory and said so."""
    BUG = "bug"
    """It raised anything else: a bug, reported with its traceback."""


@dataclass(frozen=True)
class Failure:
    """Why a task failed, as data: it crosses the process boundary."""

    kind: FailureKind
    message: str
    """Without the location."""
    path: Path | None = None
    line: int | None = None
    glyph: str = ""
    """A character no font has (a render that would print an empty box)."""
    url: str = ""
    """A URL the renderer was refused."""

    def error(self) -> PipelineError:
        """The failure as the user error it stands for."""
        if self.glyph or self.url:
            return RenderError(self.path, self.line, self.message, glyph=self.glyph, url=self.url)
        return PipelineError(self.path, self.line, self.message)


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What became of one task: its value, or why there is none."""

    key: str
    value: R | None = None
    failure: Failure | None = None
    seconds: float = 0.0
    """Time the task ran, measured where it ran."""


def run_task(task: Task[R]) -> Outcome[R]:
    """Run one task here, turning what it raises into a `Failure`."""
    start = time.perf_counter()
    failure: Failure
    try:
        value = task.run()
        return Outcome(task.key, value, None, time.perf_counter() - start)
    except RenderError as exc:
        failure = Failure(FailureKind.ERROR, exc.message, exc.path, exc.line, exc.glyph, exc.url)
    except PipelineError as exc:
        failure = Failure(FailureKind.ERROR, exc.message, exc.path, exc.line)
    except MemoryError:
        failure = Failure(FailureKind.MEMORY, "ran out of memory")
    except Exception:
        failure = Failure(FailureKind.BUG, traceback.format_exc())
    return Outcome(task.key, None, failure, time.perf_counter() - start)


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


READY = "ready"
"""What a worker sends once its modules are imported: its tasks' clocks start then."""
STARTUP_LIMIT = 120.0
"""Seconds a worker may take to import its modules (a few on a busy machine)."""


def _worker(conn: Connection, memory_mb: int, parent: int, preload: tuple[str, ...]) -> None:
    """Worker loop: say when ready, then run tasks until told to stop (None)."""
    from pipeline.fsutil import release_inherited_lock

    # Ctrl-C reaches the whole process group: the build process answers it (and kills its
    # workers), so a worker must not die of it with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    release_inherited_lock()
    _limit_memory(memory_mb)
    for module in preload:  # imported once per worker, before the first task
        importlib.import_module(module)
    # Objects inherited from the build process and the imported modules live as long as
    # the worker: keep them out of the collector's way, and collect less often, since
    # a render allocates many short-lived objects.
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    conn.send(READY)
    while True:
        task = conn.recv()
        if task is None:
            return
        conn.send(run_task(task))


class _Slot:
    """One worker process and the task it is running."""

    def __init__(self, memory_mb: int, preload: tuple[str, ...]) -> None:
        ctx = multiprocessing.get_context("fork")  # the worker inherits the parsed sources
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker, args=(child, memory_mb, os.getpid(), preload), daemon=True
        )
        self.process.start()
        child.close()
        self.born = time.monotonic()
        self.ready = False
        """The worker has imported its modules (it said `READY`)."""
        self.task: Task[object] | None = None
        self.started = 0.0
        """When the task's clock started: when it was given to a ready worker."""

    def give(self, task: Task[object]) -> None:
        self.task = task
        self.started = time.monotonic()
        # A worker that has just died cannot take it: its end of the pipe is closed. Its
        # death is then seen by `Pool._collect` (the process sentinel), as a crash.
        with contextlib.suppress(OSError):
            self.conn.send(task)

    def deadline(self, timeout: float | None) -> float | None:
        """When the running task, or the worker's start, runs out of time."""
        if timeout is None:
            return None
        if not self.ready:
            return self.born + max(timeout, STARTUP_LIMIT)
        return self.started + timeout

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class Pool:
    """Worker processes, started on first use (or early by `start`) and reused by every
    `map`; stopped when the pool is closed."""

    def __init__(self, jobs: int, memory_mb: int = 4096, preload: tuple[str, ...] = ()) -> None:
        self.jobs = max(1, jobs)
        self.memory_mb = memory_mb
        self.preload = preload
        self._slots: list[_Slot] = []

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def started(self) -> bool:
        return bool(self._slots)

    def start(self, tasks: int | None = None) -> None:
        """Start the workers now, so that they import their modules while this process
        prepares their first tasks: as many as `tasks` at most (each imports WeasyPrint:
        two PDFs to make on a 64-core machine need two workers, not 64)."""
        count = self.jobs if tasks is None else min(self.jobs, max(1, tasks))
        while len(self._slots) < count:
            self._slots.append(_Slot(self.memory_mb, self.preload))

    def run(self, tasks: Sequence[Task[R]]) -> Iterator[Outcome[R]]:
        """Run tasks that need no time limit: in the workers when there are several tasks
        and workers; otherwise here, one after the other (no process to start, nothing
        to send)."""
        if len(tasks) > 1 and self.jobs > 1:
            return self.map(tasks)
        return (run_task(task) for task in tasks)

    def map(self, tasks: Iterable[Task[R]], timeout: float | None = None) -> Iterator[Outcome[R]]:
        """Run `tasks` on the workers, heaviest first; yield each outcome as it comes.

        A task running longer than `timeout` seconds (counted once its worker is ready)
        is killed with its worker. If the caller stops early, the tasks still running
        are killed with their workers.
        """
        queue: list[Task[R]] = sorted(tasks, key=lambda t: (t.weight, t.key))  # pop(): heaviest
        if not queue:
            return
        self.start(len(queue))
        finished = False
        try:
            for index in range(len(self._slots)):
                if queue:
                    self._give(index, queue.pop())
            while any(slot.task is not None for slot in self._slots):
                yield from self._collect(queue, timeout)
            finished = True
        finally:
            if not finished:
                self._kill_busy()

    def _collect(self, queue: list[Task[R]], timeout: float | None) -> Iterator[Outcome[R]]:
        """Wait for the next outcomes (or time-outs); give the freed workers more work."""
        busy = [s for s in self._slots if s.task is not None]
        deadlines = [d for s in busy if (d := s.deadline(timeout)) is not None]
        ready = wait(
            [s.conn for s in busy] + [s.process.sentinel for s in busy],
            timeout=max(0.0, min(deadlines) - time.monotonic()) if deadlines else None,
        )
        for index, slot in enumerate(self._slots):
            task = slot.task
            if task is None:
                continue
            outcome: Outcome[R] | None = None
            ended = slot.process.sentinel in ready
            if slot.conn in ready:
                try:
                    message = slot.conn.recv()
                except (EOFError, OSError):
                    ended = True  # the worker closed its end: it is dying
                else:
                    if message == READY:  # its startup is over: the task's clock starts
                        slot.ready, slot.started = True, time.monotonic()
                        continue
                    outcome = message
            deadline = slot.deadline(timeout)
            timed_out = deadline is not None and time.monotonic() > deadline
            if outcome is None and (ended or timed_out):
                if ended:
                    failure = Failure(FailureKind.CRASH, "the worker crashed (out of memory?)")
                elif slot.ready:
                    failure = Failure(FailureKind.TIMEOUT, f"took longer than {timeout:g} s")
                else:
                    failure = Failure(FailureKind.TIMEOUT, "the worker did not start")
                seconds = time.monotonic() - slot.started
                slot.kill()
                self._slots[index] = slot = _Slot(self.memory_mb, self.preload)
                outcome = Outcome(task.key, None, failure, seconds)
            if outcome is None:
                continue
            slot.task = None
            if queue:
                self._give(index, queue.pop())
            yield outcome

    def _give(self, index: int, task: Task[R]) -> None:
        """Give a task to a worker; one that died while it waited for work (killed by the
        system or a user, between builds of `build --watch` too) is replaced first."""
        slot = self._slots[index]
        if not slot.process.is_alive():
            slot.kill()
            slot = self._slots[index] = _Slot(self.memory_mb, self.preload)
        slot.give(task)

    def _kill_busy(self) -> None:
        for slot in self._slots:
            if slot.task is not None:
                slot.kill()
        self._slots = [s for s in self._slots if s.task is None]

    def close(self) -> None:
        """Stop every worker at once: an idle one holds nothing half-done (every output is
        written through a temporary file), and one still importing need not finish."""
        for slot in self._slots:
            slot.kill()
        self._slots = []


def values(outcomes: Iterable[Outcome[R]]) -> Iterator[R]:
    """The tasks' results; the first failure stops the caller: a user error as that
    error, a time-out or crash naming the task, a bug as a bug (with its traceback)."""
    for outcome in outcomes:
        failure = outcome.failure
        if failure is None and outcome.value is not None:
            yield outcome.value
            continue
        if failure is None or failure.kind is FailureKind.BUG:
            raise RuntimeError(f"{outcome.key} failed:\n{failure.message if failure else ''}")
        if failure.kind is FailureKind.ERROR:
            raise failure.error()
        raise PipelineError(None, None, f"{outcome.key}: {failure.message}")
