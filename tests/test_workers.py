"""The worker pool: outcomes and failures cross the process boundary as data; time limits;
several tasks run in workers, a single one here."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.errors import PipelineError, RenderError
from pipeline.workers import FailureKind, Pool, values


@dataclass(frozen=True)
class Pid:
    """Returns the process it ran in."""

    key: str
    weight: int = 0

    def run(self) -> int:
        return os.getpid()


@dataclass(frozen=True)
class NoGlyph:
    """Fails as a render with a missing glyph and a refused URL would."""

    key: str = "no glyph"
    weight: int = 0

    def run(self) -> int:
        raise RenderError(
            Path("output/es/x.html"), 7, "no font has a glyph", glyph="\U00011ee0", url="http://x/"
        )


@dataclass(frozen=True)
class Sleep:
    key: str = "sleep"
    weight: int = 1

    def run(self) -> int:
        time.sleep(60)
        return 0


@dataclass(frozen=True)
class Bug:
    key: str = "bug"
    weight: int = 0

    def run(self) -> int:
        raise ValueError("a bug in the stage")


@dataclass(frozen=True)
class Die:
    key: str = "die"
    weight: int = 0

    def run(self) -> int:
        os._exit(3)


def test_a_render_error_crosses_the_process_boundary_as_data() -> None:
    with Pool(2) as pool:
        [outcome] = pool.map([NoGlyph()])
    failure = outcome.failure
    assert outcome.value is None and failure is not None
    assert (failure.kind, failure.glyph, failure.url) == (
        FailureKind.ERROR,
        "\U00011ee0",
        "http://x/",
    )
    assert (failure.path, failure.line, failure.message) == (
        Path("output/es/x.html"),
        7,
        "no font has a glyph",
    )
    error = failure.error()
    assert isinstance(error, RenderError) and error.glyph == "\U00011ee0"
    with pytest.raises(RenderError) as raised:
        list(values([outcome]))
    assert str(raised.value) == "output/es/x.html:7: no font has a glyph"


def test_a_task_past_its_time_limit_is_killed_and_the_rest_runs() -> None:
    started = time.monotonic()
    with Pool(1) as pool:
        outcomes = {o.key: o for o in pool.map([Sleep(), Pid("after")], timeout=1)}
    assert time.monotonic() - started < 30
    sleep = outcomes["sleep"].failure
    assert sleep is not None and sleep.kind is FailureKind.TIMEOUT
    assert sleep.message == "took longer than 1 s"
    assert outcomes["after"].value not in (None, os.getpid())
    with pytest.raises(PipelineError, match=r"^sleep: took longer than 1 s$"):
        list(values([outcomes["sleep"]]))


def test_a_bug_comes_back_with_its_traceback_and_a_dead_worker_as_a_crash() -> None:
    with Pool(2) as pool:
        outcomes = {o.key: o for o in pool.map([Bug(), Die(), Pid("still")])}
    bug, crash = outcomes["bug"].failure, outcomes["die"].failure
    assert bug is not None and bug.kind is FailureKind.BUG
    assert "Traceback" in bug.message and "ValueError: a bug in the stage" in bug.message
    assert crash is not None and crash.kind is FailureKind.CRASH
    assert outcomes["still"].value is not None
    with pytest.raises(RuntimeError, match="a bug in the stage"):
        list(values([outcomes["bug"]]))


def test_several_tasks_run_in_the_workers_and_one_runs_here() -> None:
    here = os.getpid()
    with Pool(2) as pool:
        [one] = pool.run([Pid("one")])
        assert one.value == here and not pool.started
        several = [o.value for o in pool.run([Pid("a"), Pid("b"), Pid("c")])]
        assert len(several) == 3 and here not in several
    with Pool(1) as pool:
        assert {o.value for o in pool.run([Pid("a"), Pid("b")])} == {here}


def test_heaviest_tasks_start_first() -> None:
    with Pool(1) as pool:
        order = [o.key for o in pool.map([Pid("light", 1), Pid("heavy", 9), Pid("middle", 5)])]
    assert order == ["heavy", "middle", "light"]


def test_a_workers_start_does_not_count_against_its_first_task(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers import their modules (WeasyPrint) before saying they are ready; a task's
    time limit counts from then, not from when it was handed over."""
    (tmp_path / "slow_to_import.py").write_text("import time\ntime.sleep(2)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with Pool(1, preload=("slow_to_import",)) as pool:
        pool.start()  # handed a task at once, while it imports
        [outcome] = pool.map([Pid("first")], timeout=1.5)
    assert outcome.failure is None and outcome.value not in (None, os.getpid())


def test_a_worker_that_died_between_tasks_is_replaced_before_it_is_given_one() -> None:
    """A pool kept from one build to the next (`build --watch`): a worker killed while it
    waited (the out-of-memory killer, a user's `kill`) must not take the next task down."""
    import signal

    with Pool(2) as pool:
        first = {o.value for o in pool.map([Pid("a"), Pid("b")])}
        for pid in first:
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # it is dead, not yet reaped
        outcomes = list(pool.map([Pid("c"), Pid("d")]))
    assert all(o.failure is None for o in outcomes), [o.failure for o in outcomes]
    assert not {o.value for o in outcomes} & first


def test_no_more_workers_start_than_there_are_tasks() -> None:
    """Each worker imports WeasyPrint: two PDFs on a 64-core machine need two workers.
    More tasks later start more, up to `jobs`."""
    import multiprocessing

    before = set(multiprocessing.active_children())
    with Pool(8) as pool:
        two = {o.value for o in pool.map([Pid("a"), Pid("b")])}
        assert len(set(multiprocessing.active_children()) - before) == 2
        pool.start(3)
        assert len(set(multiprocessing.active_children()) - before) == 3
        five = {o.value for o in pool.map([Pid(str(n)) for n in range(5)])}
        assert len(set(multiprocessing.active_children()) - before) == 5
    assert len(two) == 2 and five >= two and None not in five
