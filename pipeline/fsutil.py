"""Atomic writes and the project lock, so a killed run never leaves half a file."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import ConfigError, LockError, PipelineError, ProjectBusy


def write_bytes(path: Path, data: bytes, durable: bool = True) -> bool:
    """Write `data` to `path` through a temporary file; return False if unchanged.

    The rename makes the write whole or absent even if the process is killed;
    `durable` also flushes it to disk (catalogs: yes; regenerable build outputs: no).
    """
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    tmp = str(path.parent / f".{path.name}.{os.urandom(6).hex()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # a folder in the way, a full disk, no permission
            raise PipelineError(path, 1, f"cannot write this file: {exc.strerror}") from None
        raise
    return True


def write_text(path: Path, text: str, durable: bool = True) -> bool:
    """Write UTF-8 text atomically; return False if the file already held it."""
    return write_bytes(path, text.encode("utf-8"), durable)


held_lock_fd: int | None = None
"""The descriptor of the project lock this process holds, if any."""


@contextlib.contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on the project; refuse at once if another run holds it."""
    lock_path = root / ".pipeline.lock"
    try:  # never through a link: opening it would create or touch a file elsewhere
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise LockError(lock_path, 1, f"cannot open the lock file: {exc.strerror}") from None
    with os.fdopen(fd, "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ProjectBusy(
                lock_path, 1, "another pipeline process is working on this project"
            ) from None
        global held_lock_fd
        held_lock_fd = handle.fileno()
        try:
            remove_temporaries(root)
            yield
        finally:
            held_lock_fd = None
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def release_inherited_lock() -> None:
    """In a forked worker: close our copy of the lock file, so that only the parent
    holds the project lock and it ends with the parent, even if the parent is killed."""
    if held_lock_fd is not None:
        with contextlib.suppress(OSError):
            os.close(held_lock_fd)


def remove_temporaries(root: Path) -> None:
    """Delete temporary files a killed run left behind (we hold the lock: none is live)."""
    for folder in ("locales", "output", ".preview"):
        for leftover in (root / folder).rglob(".*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()


PROJECT_FOLDERS = ("source", "locales", "templates")
"""The folders the pipeline reads; `output` and `.preview` are the ones it writes."""


def check_tree(root: Path) -> None:
    """Refuse a project whose files lead outside it or are not plain files, before anything
    reads or writes them: a symbolic link out of the project would publish the build
    machine's files (or let the clean-up of `output/` delete them), and a pipe or a device
    would block a read or never end it."""
    top = root.resolve()
    for name in ("output", ".preview"):
        folder = root / name
        if folder.is_symlink() or (folder.exists() and not folder.resolve().is_relative_to(top)):
            raise ConfigError(folder, 1, f"{name}/ must be a folder of the project, not a link")
        for inner, dirs, files in os.walk(folder):
            for entry in (*dirs, *files):
                path = Path(inner) / entry
                if path.is_symlink() and not path.resolve().is_relative_to(top):
                    raise ConfigError(path, 1, "symbolic link to a place outside the project")
    seen: set[str] = set()
    for name in PROJECT_FOLDERS:
        for walked, dirs, files in os.walk(root / name, followlinks=True):
            real = os.path.realpath(walked)
            if real in seen:  # a link back to a folder already walked
                dirs[:] = []
                continue
            seen.add(real)
            for entry in (*dirs, *files):
                path = Path(walked) / entry
                target = Path(os.path.realpath(path))
                if not target.is_relative_to(top):
                    raise ConfigError(path, 1, "symbolic link to a file outside the project")
                if entry in files and not target.is_file():
                    kind = "a broken symbolic link" if not target.exists() else "a pipe or device"
                    raise ConfigError(path, 1, f"not a regular file ({kind})")
