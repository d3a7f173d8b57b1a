"""`pipeline build --watch`: every save rebuilds what it changed, with the worker
processes kept ready; errors are one line and the watch goes on; Ctrl-C stops it and its
workers. Driven as a user would: a real process, real edits, real PDFs read back."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import SLUG, Running, copy_project, pdftotext, run_cli, set_msgstrs, squash
from pipeline.po import parse_po
from pipeline.watch import Watcher

EPOCH = {"SOURCE_DATE_EPOCH": "1764115200"}
PO = Path("locales") / "es" / "LC_MESSAGES" / f"{SLUG}.po"
BUILD_LIMIT = 120.0
"""Seconds a build of one language's two PDFs may take on a loaded CI machine."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with Spanish only, built once."""
    project = copy_project(tmp_path_factory.mktemp("watch") / "p")
    config = project / "pyproject.toml"
    text = config.read_text("utf-8")
    start = text.index("languages = [")
    config.write_text(text[:start] + 'languages = ["es"]' + text[text.index("\n", start) :])
    run_cli("build", cwd=project, env=EPOCH)
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A copy of the built project, its outputs and build state included."""
    return Path(shutil.copytree(built, tmp_path / "p", symlinks=True))


@pytest.fixture
def watching(project: Path) -> Iterator[Running]:
    """`pipeline build --watch` running in the project, its first build (nothing to do) over."""
    running = Running(project, "build", "--watch", env=EPOCH)
    try:
        lines = until_done(running)
        assert any(line.startswith("summary: 0 built") for line in lines), lines
        yield running
    finally:
        running.kill()


def until_done(running: Running, timeout: float = BUILD_LIMIT) -> list[str]:
    """The lines printed up to the one that ends a build (`done in …; watching …`)."""
    lines = []
    deadline = time.monotonic() + timeout
    while True:
        line = running.line(timeout=max(0.1, deadline - time.monotonic()))
        lines.append(line)
        if line.startswith("done in "):
            assert re.fullmatch(
                r"done in \d+\.\d\d s; watching source/, locales/, templates/, pyproject\.toml"
                r" \(Ctrl-C to stop\)",
                line,
            ), line
            return lines


def stderr_lines(running: Running) -> list[str]:
    """What it printed on stderr by now: read by a thread of its own, so wait for the
    first line (10 s at most), then a little for any more."""
    deadline = time.monotonic() + 10
    while not running.stderr and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    return [line for line in running.stderr if line]


def report(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((project / "output" / "report.json").read_text("utf-8"))
    return data


def built_pdfs(project: Path) -> list[str]:
    return sorted(r["pdf"] for r in report(project)["outputs"] if r["status"] == "built")


def plain_entry(project: Path) -> str:
    """The msgid of a translated paragraph with no number, tag or placeholder: a word can
    be added to its translation without the gate refusing it."""
    for entry in parse_po(project / PO):
        text = entry.msgid
        if entry.msgstr and "(paragraph)" in entry.comment and not re.search(r"[\d<%{\[]", text):
            return text
    raise AssertionError("no plain paragraph in the Spanish catalog")


def add_word(project: Path, word: str) -> None:
    msgid = plain_entry(project)
    msgstr = next(e.msgstr for e in parse_po(project / PO) if e.msgid == msgid)
    set_msgstrs(project / PO, {msgid: f"{msgstr} {word}"})


def es_text(project: Path) -> str:
    return squash(pdftotext(project / "output" / "es" / f"{SLUG}.pdf"))


def test_a_save_rebuilds_only_what_it_changed(project: Path, watching: Running) -> None:
    english = project / "output" / "en" / f"{SLUG}.pdf"
    before = english.stat().st_mtime_ns
    add_word(project, "Kwoz")
    lines = until_done(watching)
    assert f"changed: {PO.as_posix()}" in lines
    assert report(project)["pages"]["made"] == [f"es/{SLUG}.html"]
    assert built_pdfs(project) == [f"es/{SLUG}.large.pdf", f"es/{SLUG}.pdf"]
    assert "Kwoz" in es_text(project)
    assert english.stat().st_mtime_ns == before
    assert report(project)["complete"] is True
    time.sleep(1.5)
    assert watching.drain() == []  # the build wrote nothing it watches: no endless loop


def test_a_broken_catalog_is_one_line_and_the_watch_goes_on(
    project: Path, watching: Running
) -> None:
    good = (project / PO).read_bytes()
    pdf = (project / "output" / "es" / f"{SLUG}.pdf").read_bytes()
    with (project / PO).open("a", encoding="utf-8") as po:
        po.write('\nmsgid "x"\nmsgstr "never closed\n')
    until_done(watching)
    errors = stderr_lines(watching)
    assert len(errors) == 1, errors
    assert re.match(rf"{re.escape(PO.as_posix())}:\d+: \S", errors[0]), errors
    assert (project / "output" / "es" / f"{SLUG}.pdf").read_bytes() == pdf
    (project / PO).write_bytes(good)  # fixed: the watch builds again
    lines = until_done(watching)
    assert any(line.startswith("summary: ") for line in lines), lines
    assert watching.process.poll() is None
    assert not any("Traceback" in line for line in watching.stderr)


def _replace(path: Path, text: str) -> None:
    """Save as many editors do: a new file renamed over the old one."""
    new = path.with_name(path.name + ".new")
    new.write_text(text, "utf-8")
    os.replace(new, path)


def test_the_configuration_is_read_again_after_every_save(project: Path, watching: Running) -> None:
    config = project / "pyproject.toml"
    for name in ("Lakeside Neurology Clinic", "Hillcrest Neurology Clinic"):
        text = re.sub(r'(?m)^name = "[^"]*"$', f'name = "{name}"', config.read_text("utf-8"))
        _replace(config, text)  # the second save proves the first did not end the watch
        lines = until_done(watching)
        assert "changed: pyproject.toml" in lines
        assert name in es_text(project)


def test_other_commands_run_between_builds_and_a_busy_project_is_awaited(
    project: Path, watching: Running
) -> None:
    assert run_cli("fmt", str(PO), cwd=project).returncode == 0  # no lock held while idle
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\n"
            "from pipeline.fsutil import project_lock\n"
            "with project_lock(Path('.')):\n"
            "    print('locked', flush=True)\n"
            "    sys.stdin.readline()\n",
        ],
        cwd=project,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline() == "locked\n"
        add_word(project, "Jyph")
        waiting = watching.line(timeout=BUILD_LIMIT)
        while not waiting.startswith("waiting: "):  # `fmt` may have started a build
            waiting = watching.line(timeout=BUILD_LIMIT)
        assert waiting == (
            "waiting: .pipeline.lock:1: another pipeline process is working on this project"
        )
        time.sleep(0.5)
        assert watching.drain() == []  # nothing is built while the lock is held
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    until_done(watching)
    assert "Jyph" in es_text(project)


def test_an_edit_made_while_a_build_runs_is_built_next(project: Path, watching: Running) -> None:
    add_word(project, "Vyxo")
    assert watching.line(timeout=BUILD_LIMIT).startswith("changed: ")
    add_word(project, "Qeft")  # while the first edit's build runs
    deadline = time.monotonic() + 2 * BUILD_LIMIT
    while "Qeft" not in es_text(project):
        assert time.monotonic() < deadline, "the second edit was never built"
        until_done(watching, timeout=max(1.0, deadline - time.monotonic()))


def test_temporaries_and_editor_backups_start_no_build(project: Path, watching: Running) -> None:
    (project / PO.parent / f".{SLUG}.po.tmp").write_text("half-written", "utf-8")
    (project / "source" / f"{SLUG}.md~").write_text("backup", "utf-8")
    (project / "source" / f".{SLUG}.md.swp").write_text("swap", "utf-8")
    time.sleep(1.5)
    assert watching.drain() == []
    css = project / "templates" / "style.css"
    css.write_bytes(css.read_bytes())  # a real save still is one
    lines = until_done(watching)
    assert "changed: templates/style.css" in lines


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in status


def test_ctrl_c_stops_the_watch_and_its_workers(project: Path, watching: Running) -> None:
    workers = _children(watching.process.pid)
    assert len(workers) >= 1  # started with the watch, WeasyPrint loaded, waiting
    assert watching.stop(signal.SIGINT) == 130
    assert stderr_lines(watching) == ["interrupted"]
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived the watch"
        time.sleep(0.1)


def test_the_watcher_follows_replaced_files_and_remade_folders(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "pyproject.toml").write_text("a", "utf-8")
    seen: list[list[str]] = []
    stop = threading.Event()
    with Watcher(tmp_path, config=True) as watcher:

        def collect() -> None:
            while (batch := watcher.wait(stop)) is not None:
                seen.append(batch)

        thread = threading.Thread(target=collect, daemon=True)
        thread.start()

        def expect(batch: list[str]) -> None:
            deadline = time.monotonic() + 10
            while batch not in seen:
                assert time.monotonic() < deadline, f"{batch} not seen; seen: {seen}"
                time.sleep(0.05)

        for text in ("b", "c"):
            _replace(tmp_path / "pyproject.toml", text)
            expect(["pyproject.toml"])
            seen.clear()
        shutil.rmtree(tmp_path / "templates")
        expect(["templates"])
        seen.clear()
        (tmp_path / "templates").mkdir()
        expect(["templates"])  # made again: noticed within a second, and watched
        seen.clear()
        (tmp_path / "templates" / "page.html").write_text("x", "utf-8")
        expect(["templates/page.html"])
        stop.set()
        thread.join(timeout=5)


def test_a_worker_killed_while_idle_is_replaced(project: Path, watching: Running) -> None:
    for pid in _children(watching.process.pid):
        os.kill(pid, signal.SIGKILL)  # the out-of-memory killer, or a user's `kill`
    add_word(project, "Zumo")
    lines = until_done(watching)
    assert built_pdfs(project) == [f"es/{SLUG}.large.pdf", f"es/{SLUG}.pdf"], lines
    assert "Zumo" in es_text(project)
    assert not any("Traceback" in line for line in watching.stderr)


def test_an_invalid_configuration_is_one_line_and_the_watch_goes_on(
    project: Path, watching: Running
) -> None:
    config = project / "pyproject.toml"
    good = config.read_text("utf-8")
    _replace(config, good.replace("[tool.pipeline.clinic]", "[tool.pipeline.clinic"))
    until_done(watching)
    errors = stderr_lines(watching)
    assert len(errors) == 1 and re.fullmatch(r"pyproject\.toml:\d+: .+", errors[0]), errors
    _replace(config, good.replace("Riverside MS Clinic", "Northside MS Clinic"))
    until_done(watching)
    assert "Northside MS Clinic" in es_text(project)


def test_a_link_out_of_the_project_is_one_line_and_the_watch_goes_on(
    project: Path, watching: Running
) -> None:
    """Every build checks the project again, as every command does; and inotify's own
    recursion, which would follow `source/root -> /` through the whole file system, is
    not used."""
    (project / "source" / "root").symlink_to("/")
    lines = until_done(watching)
    assert "changed: source/root" in lines
    assert stderr_lines(watching) == ["source/root:1: symbolic link to a file outside the project"]
    (project / "source" / "root").unlink()
    lines = until_done(watching, timeout=60)
    assert "changed: source/root" in lines
    assert any(line.startswith("summary: 0 built") for line in lines), lines


def test_a_watch_started_on_a_broken_project_is_one_line(project: Path) -> None:
    (project / "source" / "root").symlink_to("/")
    result = run_cli("build", "--watch", cwd=project, check=False, env=EPOCH)
    assert (result.returncode, result.stderr) == (
        1,
        "source/root:1: symbolic link to a file outside the project\n",
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("xx", "unknown locale code 'xx' (not in CLDR)"),
        (
            "de",
            "pyproject.toml:LINE: 'de' is not configured and has no catalogs: run"
            " 'pipeline init de' and add \"de\" to languages in [tool.pipeline]",
        ),
    ],
)
def test_a_mistyped_language_stops_the_watch_at_once(
    project: Path, lang: str, expected: str
) -> None:
    """No save can make `--lang xx` a language: exit 1 with its line, as `build` does,
    not a watch that waits for ever."""
    line = next(
        n
        for n, text in enumerate((project / "pyproject.toml").read_text("utf-8").splitlines(), 1)
        if text.startswith("languages = ")
    )
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--watch", "--lang", lang],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        expected.replace("LINE", str(line)) + "\n",
    )


def test_a_link_into_the_output_starts_no_endless_rebuilds(
    project: Path, watching: Running
) -> None:
    """`source/out -> ../output`: the folder each build writes, watched through a link,
    started the next build, for ever (hundreds of builds a second)."""
    (project / "source" / "out").symlink_to(Path("..") / "output")
    assert until_done(watching)[0] == "changed: source/out"
    time.sleep(1.5)
    assert watching.drain() == []
    add_word(project, "Kwoz")  # the rest is still watched
    until_done(watching)
    assert "Kwoz" in es_text(project)


def test_a_new_language_folder_is_watched_too(project: Path, watching: Running) -> None:
    """`pipeline init` makes locales/LANG/LC_MESSAGES/: a later save in it is seen."""
    shutil.copytree(project / "locales" / "es", project / "locales" / "es_MX")
    until_done(watching)
    po = project / "locales" / "es_MX" / "LC_MESSAGES" / f"{SLUG}.po"
    po.write_bytes(po.read_bytes())
    lines = until_done(watching)
    assert f"changed: locales/es_MX/LC_MESSAGES/{SLUG}.po" in lines


def test_a_watch_the_system_refuses_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """inotify refuses more watches than `fs.inotify.max_user_watches` allows (ENOSPC):
    the kernel's answer, played by the watchfiles backend it would come from."""
    import errno

    import watchfiles._rust_notify

    from pipeline.errors import PipelineError

    class Refused:
        def __init__(self, *args: object) -> None:
            raise OSError(errno.ENOSPC, "OS file watch limit reached")

    monkeypatch.setattr(watchfiles._rust_notify, "RustNotify", Refused)
    (tmp_path / "source").mkdir()
    with pytest.raises(PipelineError) as raised:
        Watcher(tmp_path)
    assert str(raised.value).endswith(
        ":1: cannot watch the project: [Errno 28] OS file watch limit reached"
    )


def test_a_changed_file_named_with_a_newline_is_one_line(project: Path, watching: Running) -> None:
    (project / "templates" / "note\nchanged: forged.css").write_text("x", "utf-8")
    lines = until_done(watching)
    assert lines[0] == "changed: templates/note\\nchanged: forged.css", lines
    assert "changed: forged.css" not in lines


def test_force_remakes_everything_in_the_first_build_only(project: Path) -> None:
    """`build --watch --force`: a careless user leaves `--force` on; a save still remakes
    only what it changed, not all 220 pages and 440 PDFs."""
    running = Running(project, "build", "--watch", "--force", env=EPOCH)
    try:
        until_done(running)
        assert built_pdfs(project) == [
            f"en/{SLUG}.large.pdf",
            f"en/{SLUG}.pdf",
            f"es/{SLUG}.large.pdf",
            f"es/{SLUG}.pdf",
        ]
        add_word(project, "Kwoz")
        until_done(running)
        assert built_pdfs(project) == [f"es/{SLUG}.large.pdf", f"es/{SLUG}.pdf"]
        assert report(project)["pages"]["made"] == [f"es/{SLUG}.html"]
    finally:
        running.kill()
