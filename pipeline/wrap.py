"""Line breaking as GNU gettext does it: where Unicode (UAX #14) allows, in columns.

`wrap_line` is used by the `.po` writer so that `msgcat` reproduces our files byte
for byte; it follows libunistring's `ulc_width_linebreaks`, which gettext calls.
"""

from __future__ import annotations

import unicodedata

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


def _width(char: str) -> int:
    if unicodedata.combining(char) or char in "\u200b\u200c\u200d\u2060\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


_CLOSING = set(".,:;!?)]}/-|\u2013\u00a0\u202f\u2019\u201d\"'")
_AFTER_PUNCT = set(".,:;!?}/")
_NO_BREAK_BEFORE = set(".,:;!?)]}/")
_NO_BREAK_AFTER = set("([{\uff08\u300c\u300e\u2018\u201c\"'\u00a0\u202f")
_CJK_CLOSING = set("\u3001\u3002\uff0c\uff09\u300d\u300f\uff01\uff1f\uff1a\uff1b")


def _lb_class(char: str) -> str:
    """A coarse UAX #14 class: enough to place breaks where libunistring does."""
    if char == " ":
        return "SP"
    if char == "-":
        return "HY"
    if char in "|\t\u2013":
        return "BA"
    if char == "\u2014":
        return "B2"
    if char.isdigit():
        return "NU"
    if char in _CJK_CLOSING:
        return "CL"
    if unicodedata.east_asian_width(char) in "WF":
        return "ID"
    if char.isalpha() or char in "`_~<>#$%&*+=@^":
        return "AL"
    return "XX"


def _break_after(text: str, i: int) -> bool:
    """May a line break after `text[i]` (the UAX #14 pairs libunistring applies)?"""
    here, after = text[i], text[i + 1]
    after_class = _lb_class(after)
    if after == " " or after in _NO_BREAK_BEFORE or after_class == "CL":
        return False
    here_class = _lb_class(here)
    if here_class == "SP":
        return True
    if after in _CLOSING:
        return False
    if here in _NO_BREAK_AFTER:
        return False
    if here_class in ("SP", "BA", "B2"):
        return True
    if here_class == "HY":
        return after_class != "NU"
    if here in _AFTER_PUNCT:
        return after_class in ("AL", "ID") or after in "([{"
    return here_class == "ID" or after_class in ("ID", "B2")


def wrap_line(text: str, first_width: int, width: int) -> list[str]:
    """Split one logical line (escaped per char) into chunks that fit the columns."""
    escaped = [ESCAPES.get(c, c) for c in text]
    widths = [len(e) if len(e) > 1 else _width(c) for e, c in zip(escaped, text, strict=True)]
    chunks: list[str] = []
    start = 0
    limit = first_width
    while start < len(text):
        col = 0
        last_break = -1
        i = start
        while i < len(text):
            if col + widths[i] > limit and last_break >= start:
                break
            col += widths[i]
            if i + 1 < len(text) and _break_after(text, i):
                last_break = i
            i += 1
        else:
            chunks.append("".join(escaped[start:]))
            break
        chunks.append("".join(escaped[start : last_break + 1]))
        start = last_break + 1
        limit = width
    return chunks or [""]
