"""Line breaking of `.po` strings as GNU gettext's tools do it, through the installed libunistring.

How this was written.  GNU gettext's tools do not break lines themselves: `nm -D` on
`libgettextsrc-0.21.so` (Debian 12) shows that they import `ulc_width_linebreaks_v2` and
`uc_width` from GNU libunistring (LGPL), which gettext already installs.  We call that same
function of the same installed library through `ctypes`, following its documented interface
(the libunistring manual, chapter "Line breaking <unilbrk.h>", and the enum of break values
in its public header).  So the UAX #14 break opportunities and the column widths are the
library's own, for whatever Unicode version it was built with, and this module carries no
Unicode table.

What we add on top is gettext's observable behaviour, found by black-box experiments against
the installed `msgcat` (generated catalogs in, its output compared; `tests/test_wrap.py` keeps
each experiment as a test): each `\\n`-terminated portion of a string is escaped and wrapped
on its own; a break never falls inside an escape sequence, before the escape of a final
`\\n`, or inside a directive of the entry's format language (the caller finds those); a
string that does not fit on the keyword line starts with an empty `""` line.  Nothing here
comes from gettext's or libunistring's source code.  This module replaces one of unknown
provenance (a copied pair table and break loop); its portion and first-line handling was kept
because the experiments confirm it.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable, Collection, Iterator
from functools import cache
from itertools import pairwise

from pipeline.errors import PipelineError

PAGE_WIDTH = 79
ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}
"""The characters gettext writes as escape sequences (observed with msgcat)."""
_ESCAPE_TABLE = str.maketrans(ESCAPES)
_TO_ESCAPE = re.compile(r'[\\"\a\b\f\n\r\t\v]')
_ESCAPE_PAIR = re.compile(rb"\\.", re.S)
_PORTIONS = re.compile(r"[^\n]*\n|[^\n]+")

# <unilbrk.h>: the values of the `p` (result) and `o` (override) arrays.
_UNDEFINED, _PROHIBITED, _POSSIBLE = 0, 1, 2
_BREAK = re.compile(bytes([_POSSIBLE]))
_ENCODING = b"UTF-8"
_WIDE = re.compile("[\u1100-\U0010ffff]")
"""Where a character may take two columns: libunistring gives none below U+1100 more than one
(tests/test_wrap.py asks it about each), so most lines are known to fit without a call."""
_SONAMES = ("libunistring.so.5", "libunistring.so.2", "libunistring.so", "libunistring.dylib")


class LibraryMissing(PipelineError):
    """GNU libunistring, which GNU gettext brings, cannot be loaded."""


_Breaker = Callable[..., int]


def _library_names() -> Iterator[str]:
    """Where libunistring may be: its usual names, then wherever the system finds it."""
    yield from _SONAMES
    import ctypes.util

    found = ctypes.util.find_library("unistring")
    if found:
        yield found


@cache
def _linebreaker() -> _Breaker:
    """`ulc_width_linebreaks` (its `_v2` when present, as gettext 0.21 calls it)."""
    for name in _library_names():
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        function = getattr(library, "ulc_width_linebreaks_v2", None) or getattr(
            library, "ulc_width_linebreaks", None
        )
        if function is None:
            continue
        function.argtypes = [
            ctypes.c_char_p,  # s
            ctypes.c_size_t,  # n
            ctypes.c_int,  # width
            ctypes.c_int,  # start_column
            ctypes.c_int,  # at_end_columns
            ctypes.c_char_p,  # o: overrides, or NULL
            ctypes.c_char_p,  # encoding
            ctypes.c_char_p,  # p: result
        ]
        function.restype = ctypes.c_int
        return function  # type: ignore[no-any-return]
    raise LibraryMissing(
        None,
        None,
        "cannot write catalogs: GNU libunistring is not installed (it comes with GNU"
        " gettext: apt install gettext)",
    )


def _cuts(data: bytes, start: int, width: int, forbidden: Collection[int]) -> list[int]:
    """Byte offsets where libunistring breaks `data` (UTF-8) into lines of at most `width`
    columns, the first starting at column `start`; no break before the `forbidden` offsets."""
    override = None
    if forbidden:
        marks = bytearray(len(data))
        for offset in forbidden:
            marks[offset] = _PROHIBITED
        override = bytes(marks)
    result = (ctypes.c_char * len(data))()
    _linebreaker()(data, len(data), width, start, 0, override, _ENCODING, result)
    return [match.start() for match in _BREAK.finditer(result.raw)]


class _Portion:
    """One `\\n`-terminated portion of a string, escaped, with where it may not break."""

    def __init__(self, text: str, no_break: Collection[int]) -> None:
        self.text = text
        self.escaped = text.translate(_ESCAPE_TABLE) if _TO_ESCAPE.search(text) else text
        self.no_break = no_break

    def _fits(self, room: int) -> bool:
        """Whether the escaped text surely takes at most `room` columns, without asking the
        library: it takes at most one column a character below U+1100, two above."""
        size = len(self.escaped)
        if size > room:
            return False
        return size * 2 <= room or self.escaped.isascii() or not _WIDE.search(self.escaped)

    def _forbidden(self, data: bytes) -> set[int]:
        """Byte offsets of `data` (the escaped text) that a break may not precede."""
        forbidden: set[int] = set()
        if self.escaped != self.text:
            forbidden.update(match.start() + 1 for match in _ESCAPE_PAIR.finditer(data))
            if self.text.endswith("\n"):
                forbidden.add(len(data) - 2)
        if self.no_break:
            offset = 0
            for index, char in enumerate(self.text):
                if index in self.no_break:
                    forbidden.add(offset)
                offset += len(ESCAPES.get(char, char).encode())
        return forbidden

    def split(self, start: int, width: int) -> list[str]:
        """The lines of this portion when the first one starts at column `start`."""
        escaped = self.escaped
        if self._fits(width - start):
            return [escaped]
        data = escaped.encode()
        cuts = _cuts(data, start, width, self._forbidden(data))
        if not cuts:
            return [escaped]
        return [data[a:b].decode() for a, b in pairwise([0, *cuts, len(data)])]


def wrap_value(
    value: str,
    first_column: int,
    width: int = PAGE_WIDTH - 2,
    no_break: Collection[int] = (),
) -> list[str]:
    """Escaped chunks of `value` as gettext writes them, one per line.

    `width` is the room between the quotes of a continuation line, `first_column` where
    the text of the keyword line starts relative to them (`len("msgid ")`). A first chunk ""
    followed by others means gettext's `msgid ""` line: it starts with one whenever the
    value has several lines. `no_break` lists characters a break may not precede.
    """
    if "\n" not in value[:-1]:  # one portion, the usual case
        if not value:
            return [""]
        portion = _Portion(value, no_break)
        if first_column <= width and portion._fits(width - first_column):
            return [portion.escaped]
        lines = portion.split(0, width)
        if len(lines) == 1 and first_column <= width:
            # Whole from column 0: it stays on the keyword line unless it would break there.
            keyword_line = portion.split(first_column, width)
            if len(keyword_line) == 1:
                return keyword_line
        return ["", *lines]
    chunks = [""]
    offset = 0
    for text in _PORTIONS.findall(value):
        shifted = {i - offset for i in no_break if offset <= i < offset + len(text)}
        chunks.extend(_Portion(text, shifted).split(0, width))
        offset += len(text)
    return chunks
