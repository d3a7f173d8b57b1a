"""Format directives in `.po` strings, where GNU gettext never breaks a line.

An entry flagged `c-format`, `python-format` or `python-brace-format` (or `possible-...`) is
written by gettext with no line break inside its directives.  The grammar of each language
starts from the specification the gettext manual points to ("The Translator's View"): POSIX
`fprintf()`, with the `I` flag for translations and the `<inttypes.h>` macros (`%<PRId64>`)
that the manual describes; the printf-style `%` operator of the Python library reference;
PEP 3101 for `str.format`.  Where gettext 0.21 reads a string otherwise, this module follows
what its `msgcat` does, found by black-box experiments: catalogs of generated directives
written with `msgcat -w N` for every page width N from 20 to 79, so that every break
opportunity in and around a directive is tried, and compared with what the specification
predicts.  Each departure found that way is stated where it is implemented, and
`tests/test_wrap.py` repeats the experiments.  No gettext source code was read for this
module, copied or translated.  It replaces a scanner of unknown provenance, which was read
before this one was written: none of its code is kept, and its rules only where the
experiments confirmed them (they showed two of them wrong).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

Span = tuple[int, int]
"""Where a directive starts and ends in a string (Python indices, end exclusive)."""

# --- Python's printf-style `%` operator -----------------------------------------------------
# "%" ["(" key ")"] [flags #0- +] [width: * or digits] ["." precision: * or digits] [h, l or L]
# conversion.  Observed: a key may hold balanced parentheses (as Python itself reads it), the
# conversions are those of Python 2 (no `a`, no `F`), and the length modifier is one letter.
_PYTHON_REST = re.compile(
    r"[#0\- +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d*))?[hlL]?"
    r"(?P<conversion>[diouxXeEfgGcrs%])",
    re.A,
)


def _python_key_end(value: str, start: int) -> int:
    """The index after the ")" that closes the key opened at `start`, or -1."""
    depth = 0
    for index in range(start + 1, len(value)):
        if value[index] == "(":
            depth += 1
        elif value[index] == ")":
            if depth == 0:
                return index + 1
            depth -= 1
    return -1


def python_directives(value: str) -> Iterator[Span]:
    """Spans of the directives of a python-format string, up to the first one that is not one.

    A string's directives take either keys (`%(name)s`) or positional arguments (`%s`, `*`),
    not both; `%%` goes with either.
    """
    keyed = positional = False
    position = value.find("%")
    while position >= 0:
        rest = position + 1
        has_key = value.startswith("(", rest)
        if has_key:
            rest = _python_key_end(value, rest)
            if rest < 0:
                return
        match = _PYTHON_REST.match(value, rest)
        if match is None:
            return
        stars = "*" in (match["width"], match["precision"])
        keyed = keyed or has_key
        positional = positional or stars or (not has_key and match["conversion"] != "%")
        if keyed and positional:
            return
        yield position, match.end()
        position = value.find("%", match.end())


# --- C: POSIX fprintf() ---------------------------------------------------------------------
# "%" [n "$"] flags [width: * [m "$"] or digits] ["." precision] [size] conversion, or a
# `<PRI...>` macro in place of size and conversion.  Observed: any run of the size letters
# h l L q j z Z t is accepted (`%qqd`, `%lhd`), and `%m` (glibc) is a conversion.
_ARGUMENT = r"(?:(?P<{0}>\d+)\$)?"
_C = re.compile(
    "%" + _ARGUMENT.format("number") + r"(?P<flags>[-+ #0'I]*)"
    r"(?:(?P<star>\*)" + _ARGUMENT.format("star_number") + r"|\d+)?"
    r"(?:\.(?:(?P<pstar>\*)" + _ARGUMENT.format("pstar_number") + r"|\d*))?"
    r"(?:[hlLqjzZt]*(?P<conversion>[diouxXfFeEgGaAcspnCSm%])"
    r"|<PRI[diouxX](?:(?:LEAST|FAST)?(?:8|16|32|64)|MAX|PTR)>)",
    re.A,
)


def c_directives(value: str, msgstr: bool) -> Iterator[Span]:
    """Spans of the directives of a c-format string, up to the first one that is not one.

    A string's arguments (each `*`, and each conversion but `%%` and `%m`) are numbered
    (`%2$s`, from 1) or taken in order, not both.  The `I` flag (locale digits) belongs in
    translations only, as the manual says.
    """
    numbered = in_order = False
    position = value.find("%")
    while position >= 0:
        match = _C.match(value, position)
        if match is None or ("I" in match["flags"] and not msgstr):
            return
        numbers = [match[name] for name in ("number", "star_number", "pstar_number")]
        if any(number and int(number) == 0 for number in numbers):
            return
        # The arguments: each `*`, and the conversion unless it is `%` or `m` (observed: a
        # number on those is read but is no argument, `%1$-*%` is valid).
        arguments = [
            (match["star"], match["star_number"]),
            (match["pstar"], match["pstar_number"]),
            (match["conversion"] not in ("%", "m"), match["number"]),
        ]
        for used, number in arguments:
            if used:
                numbered = numbered or bool(number)
                in_order = in_order or not number
        if numbered and in_order:
            return
        yield match.span()
        position = value.find("%", match.end())


# --- Python's str.format (PEP 3101) ---------------------------------------------------------
# "{" name ("." attribute | "[" index "]")* [":" spec] "}"; "{{" and "}}" are braces.
# Observed: a name or an index is an ASCII identifier or digits, there is no "!" conversion,
# and a spec is either one nested field (without a spec of its own) or
# [[fill]align][sign][#][0][width][.[precision]][type] with an ASCII fill and no type `s`.
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|[0-9]+", re.A)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_0-9]*", re.A)
_SPEC = re.compile(r"(?:[\x00-\x7f]?[<>=^])?[-+ ]?#?0?[0-9]*(?:\.[0-9]*)?[bcdeEfFgGnoxX%]?")


def _field(value: str, start: int, nested: bool) -> tuple[int, int | None]:
    """Read the replacement field whose "{" is at `start`.

    Returns (index of its closing brace, None) when it is valid, else (index where gettext
    reports it malformed, index of the "{" that report is relative to).
    """
    position = start + 1
    name = _NAME.match(value, position)
    if name is None:
        return position, start
    position = name.end()
    while value.startswith((".", "["), position):
        part = (_IDENTIFIER if value[position] == "." else _NAME).match(value, position + 1)
        if part is None:
            return position + 1, start
        if value[position] == "[":
            if not value.startswith("]", part.end()):
                return part.end() + 1, start  # observed: one past what is not "]"
            position = part.end() + 1
        else:
            position = part.end()
    if value.startswith(":", position):
        if nested:
            return position, start
        position += 1
        if value.startswith("{", position):
            inner, anchor = _field(value, position, nested=True)
            if anchor is not None:
                return inner, anchor
            position = inner + 1
        elif position < len(value):
            spec = _SPEC.match(value, position)
            assert spec is not None  # every part is optional
            position = spec.end()
    if not value.startswith("}", position):
        return position, start
    return position, None


def brace_no_break(value: str) -> set[int]:
    """Where gettext 0.21 forbids breaks in a python-brace-format string.

    Observed, and not inside the fields: each valid field's closing brace is counted as an
    offset from the field's own "{" but applied from the start of the string, so breaks at
    UTF-8 byte offsets 1 to the smallest such offset are forbidden.  Reading stops at the
    first malformed field; it cancels everything when it fails at an offset (from its own
    "{", or from a nested field's) no greater than that smallest one.
    """
    closing: list[int] = []
    position = value.find("{")
    while position >= 0:
        if value.startswith("{{", position):
            position = value.find("{", position + 2)
            continue
        end, anchor = _field(value, position, nested=False)
        if anchor is not None:
            error = len(value[anchor:end].encode())
            if not closing or error <= min(closing):
                return set()
            break
        closing.append(len(value[position:end].encode()))
        position = value.find("{", end + 1)
    if not closing:
        return set()
    limit = min(closing)
    forbidden: set[int] = set()
    offset = 0
    for index, char in enumerate(value):
        if offset > limit:
            break
        if offset > 0:
            forbidden.add(index)
        offset += len(char.encode())
    return forbidden


def no_break_positions(value: str, flags: Collection[str], msgstr: bool) -> set[int]:
    """Indices of the characters of `value` that gettext never puts at the start of a line.

    Of the flags (`possible-` ones included), c-format rules over python-format, which rules
    over python-brace-format, whatever their order in the entry (observed).
    """
    languages = {flag.removeprefix("possible-") for flag in flags}
    if "c-format" in languages:
        spans = c_directives(value, msgstr)
    elif "python-format" in languages:
        spans = python_directives(value)
    elif "python-brace-format" in languages:
        return brace_no_break(value)
    else:
        return set()
    return {index for start, end in spans for index in range(start + 1, end)}
