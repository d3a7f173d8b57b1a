"""User errors: each carries the file and line it is about, printed as one line."""

from __future__ import annotations

import os
import re
from pathlib import Path

_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters that would break a printed line or reorder it on the terminal (Trojan
Source): control characters, line and paragraph separators, bidi overrides and isolates."""


def printable(text: str) -> str:
    """`text` as one visible line: each hidden character as its escape (`\\n`, `\\u202e`),
    so that a file named with a newline cannot print a second, forged line."""
    return _HIDDEN.sub(lambda match: match[0].encode("unicode_escape").decode("ascii"), text)


class PipelineError(Exception):
    """An expected error caused by the user's input; printed as `path:line: message`."""

    def __init__(self, path: Path | str | None, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = Path(path) if path is not None else None
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{display_path(self.path)}:{self.line or 1}: "
        return printable(f"{where}{self.message}")


class ConfigError(PipelineError):
    """The project configuration is wrong."""


class SourceError(PipelineError):
    """A source article is malformed."""


class CatalogError(PipelineError):
    """A .po/.pot file cannot be read or is inconsistent."""


class TemplateError(PipelineError):
    """A Jinja2 template is broken."""


class RenderError(PipelineError):
    """A document could not be rendered (missing glyphs, refused fetches...)."""

    def __init__(
        self,
        path: Path | str | None,
        line: int | None,
        message: str,
        *,
        glyph: str = "",
        url: str = "",
    ) -> None:
        super().__init__(path, line, message)
        self.glyph = glyph
        """The character no font has, when that is the error."""
        self.url = url
        """The URL that was refused, when that is the error."""


class LockError(PipelineError):
    """The project lock cannot be taken."""


class ProjectBusy(LockError):
    """Another pipeline process holds the project lock (it will let go of it)."""


def display_path(path: Path) -> str:
    """Show paths relative to the working directory when they are inside it; a symbolic
    link is named where it is, not where it leads."""
    for mine, here in (
        (Path(os.path.abspath(path)), Path(os.path.abspath(os.curdir))),
        (path.resolve(), Path.cwd().resolve()),
    ):
        try:
            return str(mine.relative_to(here))
        except ValueError:
            continue
    return str(path)
