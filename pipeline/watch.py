"""Which files a rebuild depends on, and waiting until one of them changes.

`pipeline build --watch` and `pipeline serve` rebuild when a file of `source/`,
`locales/` or `templates/` changes (`build --watch` also when `pyproject.toml` does).
Changes come from the kernel (inotify, through the `watchfiles` package), grouped: an
editor's save, or `pipeline update` rewriting every catalog, is one batch, one rebuild.
Our own temporary files (`.name.tmp`, renamed into place) and editors' swap and backup
files start no rebuild.

Written for this project on the API of `watchfiles`: `DefaultFilter`, and its Rust
backend `RustNotify` as its type stub (`watchfiles/_rust_notify.pyi`) documents it.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import PipelineError

if TYPE_CHECKING:
    from watchfiles._rust_notify import RustNotify

WATCHED = ("source", "locales", "templates")
"""The project's folders whose files the build reads."""

MAX_FOLDERS = 10_000
"""Folders watched at most: a project is a few dozen."""

_TEMPORARY = re.compile(r"\..+\.tmp")
"""`fsutil`'s temporary files: the file they become is reported when it is moved in."""


class Watcher:
    """Watches the project's files from its creation until it is closed: changes made
    while a rebuild runs are the next batch, none is lost.

    inotify watches a file or folder, not a name: an editor that saves `pyproject.toml`
    by writing a new file and renaming it over the old one, or a folder deleted and made
    again, would end the watch. So after every batch, and every second, the watched paths
    are looked up again, and watched anew when one of them is not the file it was or a
    folder came or went.

    Built on watchfiles' Rust backend (`RustNotify`), which its `watch()` wraps,
    because `watch()` starts watching only when first asked for a batch."""

    def __init__(
        self,
        root: Path,
        config: bool = False,
        output: Path | None = None,
        debounce_ms: int = 400,
        step_ms: int = 20,
    ) -> None:
        """`output`: the folder the rebuilds write, never watched, even through a link
        (`source/out -> ../output` would make each build start the next, for ever).
        `step_ms`: a batch ends when no change came for this long (an editor's save
        takes well under that); `debounce_ms`: a batch ends after this long whatever comes."""
        from watchfiles import DefaultFilter

        self.root, self.config = root, config
        self.output = os.path.realpath(output) if output is not None else None
        self.debounce_ms, self.step_ms = debounce_ms, step_ms
        self._filter = DefaultFilter()
        self._seen = self._identities()
        self._notify = self._start()

    @property
    def paths(self) -> list[Path]:
        """What is watched: the folders that exist, and `pyproject.toml`."""
        names = [*WATCHED, "pyproject.toml"]
        return [self.root / name for name in names if str(self.root / name) in self._seen]

    def _identities(self) -> dict[str, tuple[int, int]]:
        """Every folder to watch and `pyproject.toml`, with their device and inode. The
        folders are walked here, as the build walks them (through links that stay in the
        project, each real folder once), and each is watched on its own: inotify's own
        recursion would follow a link out of the project, to `/` if that is where it
        leads (the build refuses such a link: that is one line, not a hung watcher), or
        into the output folder."""
        top = self.root.resolve()
        found: dict[str, tuple[int, int]] = {}
        tops = [str(self.root / name) for name in WATCHED]
        walked_once = {os.path.realpath(folder) for folder in tops}  # named, not reached
        for folder in tops:
            for inner, subfolders, _files in os.walk(folder, followlinks=True):
                real = os.path.realpath(inner)
                outside = not Path(real).is_relative_to(top)
                written = self.output is not None and Path(real).is_relative_to(self.output)
                again = inner != folder and real in walked_once
                if outside or written or again or len(found) >= MAX_FOLDERS:
                    subfolders[:] = []
                    continue
                walked_once.add(real)
                with contextlib.suppress(OSError):
                    stat = os.stat(inner)
                    found[inner] = (stat.st_dev, stat.st_ino)
        config = self.root / "pyproject.toml"
        if self.config and config.is_file():
            with contextlib.suppress(OSError):
                stat = config.stat()
                found[str(config)] = (stat.st_dev, stat.st_ino)
        return found

    def _start(self) -> RustNotify:
        """Watch what `_seen` holds; a path gone meanwhile is looked up again once. A
        watch the system refuses (the inotify limit reached) is the command's one line."""
        from watchfiles._rust_notify import RustNotify

        try:
            return RustNotify(list(self._seen), False, False, 300, False, False)
        except OSError:
            self._seen = self._identities()  # a folder went away meanwhile: look again
        try:
            return RustNotify(list(self._seen), False, False, 300, False, False)
        except OSError as exc:
            raise PipelineError(self.root, None, f"cannot watch the project: {exc}") from None

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._notify.close()

    def wait(self, stop: threading.Event | None = None) -> list[str] | None:
        """The next batch of changed files, as sorted paths relative to the project; None
        once `stop` is set. Ctrl-C raises `KeyboardInterrupt`, as everywhere else."""
        from watchfiles import Change

        while True:
            batch = self._notify.watch(self.debounce_ms, self.step_ms, 1000, stop)
            if batch == "signal":
                raise KeyboardInterrupt
            if batch == "stop":
                return None
            changed = set()
            if batch != "timeout":
                changed = {
                    _relative(self.root, Path(path))
                    for change, path in batch
                    if not _TEMPORARY.fullmatch(Path(path).name)
                    and self._filter(Change(change), path)
                }
            now = self._identities()
            if now != self._seen:  # replaced, deleted or made: watch what is there now
                changed |= {
                    _relative(self.root, Path(path))
                    for path in now.keys() ^ self._seen.keys()
                    | {p for p in now.keys() & self._seen.keys() if now[p] != self._seen[p]}
                }
                self._notify.close()
                self._seen = now
                self._notify = self._start()
            if changed:
                return sorted(changed)


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
