"""The one `.po`/`.pot` reader and writer, formatted as GNU gettext formats them.

Reading goes through polib, with its errors turned into `path:line:` messages.
Writing follows gettext's `write-po.c`: 79 columns, breaks where Unicode line
breaking allows (after spaces, after hyphens, between ideographs), widths in
columns, so that `msgcat` and `msgmerge` reproduce our files byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

import polib

from pipeline.errors import CatalogError
from pipeline.fsutil import write_text
from pipeline.wrap import PAGE_WIDTH, wrap_value

MAX_CATALOG_BYTES = 20_000_000
"""Larger files are refused at once: no real catalog comes near it."""
_CONFLICT = re.compile(r"^(<<<<<<<|=======|>>>>>>>)( |$)", re.M)


def format_string(
    keyword: str, value: str, prefix: str = "", flags: Collection[str] = ()
) -> list[str]:
    """Lines for `keyword "value"` as gettext writes them (with `prefix` like '#~ ').

    `flags` are the entry's flags: `no-wrap` keeps each line whole, and a format flag forbids
    breaks inside its directives (`%(name)s`), as gettext's parser for that language does.
    """
    width = PAGE_WIDTH - 2 - len(prefix)
    if "no-wrap" in flags:
        width = _NO_WRAP
    no_break = _directive_interiors(value, flags, keyword.startswith("msgstr")) if flags else ()
    chunks = wrap_value(value, len(keyword) + 1, width, no_break)
    lines = [f'{prefix}{keyword} "{chunks[0]}"']
    lines.extend(f'{prefix}"{chunk}"' for chunk in chunks[1:])
    return lines


_NO_WRAP = 2**31 - 2  # gettext's INT_MAX - 1 for `#, no-wrap`
_PYTHON_SPEC = re.compile(r"[-+ #0]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?", re.A)
_C_ARGUMENT = r"(?:(\d+)\$)?"  # "%m$" / "*m$": numbered argument
_C_DIRECTIVE = re.compile(
    rf"%{_C_ARGUMENT}([-+ #0'I]*)(?:(\*){_C_ARGUMENT}|\d*)(?:\.(?:(\*){_C_ARGUMENT}|\d*))?"
    r"(?:<PRI[diouxX](?:(?:LEAST|FAST)?(?:8|16|32|64)|MAX|PTR)>"  # <inttypes.h> macros
    r"|[hlLqjzZt]*([diouxXeEfFgGaAcCsSpnm%]))",  # any run of size letters, then the conversion
    re.A,
)
_BRACE_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*", re.A)
_BRACE_INDEX = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|[0-9]+", re.A)
_BRACE_SPEC = re.compile(r"[-+ ]?#?0?[0-9]*(?:\.[0-9]+)?[bcdoxXneEfFgG%]?", re.A)


def _python_directives(value: str, msgstr: bool) -> Iterator[tuple[int, int]]:
    """Spans of the python-format directives, up to the first malformed one (format-python.c)."""
    named = unnamed = 0
    position = value.find("%")
    while position >= 0:
        end = position + 1
        has_name = value.startswith("(", end)
        if has_name:
            depth = 0
            end += 1
            while end < len(value) and (value[end] != ")" or depth):
                depth += {"(": 1, ")": -1}.get(value[end], 0)
                end += 1
            if end == len(value):
                return
            end += 1
        spec = _PYTHON_SPEC.match(value, end)
        assert spec is not None  # every part is optional
        stars = (spec[1] == "*") + (spec[2] == "*")
        if stars and named:
            return
        unnamed += stars
        end = spec.end()
        if end == len(value) or value[end] not in "%csridouxXeEfgG":
            return
        if has_name:
            if unnamed:
                return
            named += 1
        elif value[end] != "%":
            if named:
                return
            unnamed += 1
        yield position, end + 1
        position = value.find("%", end + 1)


def _c_directives(value: str, msgstr: bool) -> Iterator[tuple[int, int]]:
    """Spans of the c-format directives, up to the first malformed one (format-c.c: ISO C
    directives, `%m`, `<PRI...>` macros; numbered and unnumbered arguments may not mix)."""
    numbered = unnumbered = False
    position = value.find("%")
    while position >= 0:
        match = _C_DIRECTIVE.match(value, position)
        if match is None or ("I" in match[2] and not msgstr):
            return
        numbers = [int(match[i]) for i in (1, 4, 6) if match[i]]
        if 0 in numbers:  # arguments count from 1
            return
        stars = sum(1 for i, j in ((3, 4), (5, 6)) if match[i] and not match[j])
        takes_value = match[7] not in ("%", "m")
        numbered = numbered or bool(numbers)
        unnumbered = unnumbered or bool(stars) or (takes_value and not match[1])
        if numbered and unnumbered:
            return
        yield match.span()
        position = value.find("%", match.end())


def _brace_directive(value: str, start: int, top: bool) -> tuple[int, list[int], bool]:
    """One python-brace-format directive at `start` (format-python-brace.c): where it ends,
    where gettext marks its end, and whether it is valid. Marks are offsets from `start`:
    gettext 0.21 records them relative to the directive, not to the string (in bytes)."""

    def mark(at: int) -> list[int]:
        return [len(value[start:at].encode())]

    position = start + 1
    if value.startswith("{", position):
        return position + 1, [], True  # "{{"
    name = _BRACE_INDEX.match(value, position)
    if name is None:
        return position, mark(position), False
    position = name.end()
    while value.startswith((".", "["), position):  # getattr and getitem operators
        item = value[position] == "["
        field = (_BRACE_INDEX if item else _BRACE_NAME).match(value, position + 1)
        if field is None:
            return position + 1, mark(position + 1), False
        position = field.end()
        if item:
            if not value.startswith("]", position):
                return position, mark(position), False
            position += 1
    if value.startswith(":", position):
        if not top:
            return position, mark(position), False
        position += 1
        if value.startswith("{", position):
            inner, marks, valid = _brace_directive(value, position, top=False)
            if not valid:
                return inner, marks, False
            position = inner
        else:
            if position == len(value):
                return position, mark(position), False
            if value[position + 1 : position + 2] in ("<", ">", "=", "^"):
                position += 2
            elif value[position] in "<>=^":
                position += 1
            spec = _BRACE_SPEC.match(value, position)
            assert spec is not None  # every part is optional
            position = spec.end()
    if not value.startswith("}", position):
        return position, mark(position), False
    return position + 1, mark(position) if top else [], True


def _brace_interiors(value: str) -> set[int]:
    """Where python-brace-format forbids breaks in gettext 0.21: its directives' marks all land
    at the start of the string, so the breaks up to the nearest end mark are forbidden."""
    ends: list[int] = []
    error: int | None = None
    position = value.find("{")
    while position >= 0 and error is None:
        position, marks, valid = _brace_directive(value, position, top=True)
        if valid:
            ends.extend(marks)
        else:
            error = marks[0]
        position = value.find("{", position)
    if not ends or (error is not None and error <= min(ends)):
        return set()
    limit = min(ends)  # a byte offset, as gettext indexes the UTF-8 string
    interiors = set()
    offset = 0
    for index, char in enumerate(value):
        if 0 < offset <= limit:
            interiors.add(index)
        offset += len(char.encode())
        if offset > limit:
            break
    return interiors


_FORMATS = (  # gettext tries the languages in this order and uses the first one flagged
    ("c", _c_directives),
    ("python", _python_directives),
)


def _directive_interiors(value: str, flags: Collection[str], msgstr: bool) -> set[int]:
    """Indices of the characters inside format directives, which gettext never breaks before.

    Parsed like gettext 0.21 does for c-format, python-format and python-brace-format (other
    languages are left alone); the scan stops at the first malformed directive.
    """
    for language, parse in _FORMATS:
        if f"{language}-format" in flags or f"possible-{language}-format" in flags:
            return {i for start, end in parse(value, msgstr) for i in range(start + 1, end)}
    if "python-brace-format" in flags or "possible-python-brace-format" in flags:
        return _brace_interiors(value)
    return set()


def _wrap_refs(refs: Iterable[str]) -> list[str]:
    lines: list[str] = []
    current = "#:"
    for ref in refs:
        if len(current) + 1 + len(ref) > PAGE_WIDTH and current != "#:":
            lines.append(current)
            current = "#:"
        current += " " + ref
    if current != "#:":
        lines.append(current)
    return lines


def _entry_lines(entry: polib.POEntry | polib.MOEntry) -> Iterator[str]:
    obsolete = bool(getattr(entry, "obsolete", False))
    prefix = "#~ " if obsolete else ""
    if entry.tcomment:
        for line in entry.tcomment.split("\n"):
            yield f"# {line}".rstrip() if line else "#"
    if entry.comment:
        for line in entry.comment.split("\n"):
            yield f"#. {line}".rstrip() if line else "#."
    if entry.occurrences and not obsolete:
        yield from _wrap_refs(
            f"{path}:{line}" if line else path for path, line in entry.occurrences
        )
    shown = _shown_flags(entry)
    if shown:
        yield "#, " + ", ".join(shown)
    previous = "#~| " if obsolete else "#| "
    flags = entry.flags
    if entry.previous_msgctxt:
        yield from format_string("msgctxt", entry.previous_msgctxt, previous, flags)
    if entry.previous_msgid:
        yield from format_string("msgid", entry.previous_msgid, previous, flags)
    if entry.previous_msgid_plural:
        yield from format_string("msgid_plural", entry.previous_msgid_plural, previous, flags)
    if entry.msgctxt is not None:
        yield from format_string("msgctxt", entry.msgctxt, prefix, flags)
    yield from format_string("msgid", entry.msgid, prefix, flags)
    if entry.msgid_plural:
        yield from format_string("msgid_plural", entry.msgid_plural, prefix, flags)
        for index in sorted(entry.msgstr_plural):
            yield from format_string(f"msgstr[{index}]", entry.msgstr_plural[index], prefix, flags)
    else:
        yield from format_string("msgstr", entry.msgstr, prefix, flags)


def _translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _shown_flags(entry: polib.POEntry) -> list[str]:
    """Flags in gettext's order: `fuzzy` first, and only on a translated entry."""
    others = [flag for flag in entry.flags if flag != "fuzzy"]
    if "fuzzy" in entry.flags and (_translated(entry) or not entry.msgid):
        return ["fuzzy", *others]
    return others


def generate_po(catalog: polib.POFile) -> str:
    """The text of a catalog, in gettext's own formatting."""
    blocks: list[str] = []
    header = polib.POEntry(msgid="", msgstr=_header_text(catalog))
    header.flags = list((catalog.metadata_is_fuzzy and ["fuzzy"]) or [])
    header_lines = list(getattr(catalog, "header_lines", None) or [])
    if not header_lines and catalog.header:
        for line in catalog.header.split("\n"):
            header_lines.append(f"# {line}".rstrip() if line else "#")
    header_lines.extend(_entry_lines(header))
    blocks.append("\n".join(header_lines))
    for entry in catalog:
        if entry.obsolete or (entry.msgid == "" and not entry.msgctxt):
            continue
        blocks.append("\n".join(_entry_lines(entry)))
    for entry in catalog.obsolete_entries():
        if _translated(entry):  # gettext drops untranslated obsolete entries
            blocks.append("\n".join(_entry_lines(entry)))
    return "\n\n".join(blocks) + "\n"


def _header_text(catalog: polib.POFile) -> str:
    return "".join(f"{key}: {value}\n" for key, value in catalog.ordered_metadata())


_STRING = r'"(?:[^"\\]|\\.)*"'
_LINE = re.compile(
    rf"(?:#~\|?\s*|#\|\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?{_STRING}\s*"
)


def _check_syntax(path: Path, text: str) -> None:
    """Refuse lines polib would silently accept: unterminated strings, stray words."""
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped or (stripped.startswith("#") and not stripped.startswith(("#~", "#|"))):
            continue
        if stripped.startswith("#~") and not stripped[2:].strip().startswith(
            ("msg", '"', "#|", "|")
        ):
            continue
        if not _LINE.fullmatch(stripped):
            if stripped.count('"') % 2 == 1 or not stripped.endswith('"'):
                raise CatalogError(path, number, "syntax error: unterminated string")
            raise CatalogError(path, number, f"syntax error: unexpected {stripped[:30]!r}")


def _syntax_line(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match[1]) if match else 1


def parse_po(path: Path, text: str | None = None) -> polib.POFile:
    """Read a catalog; any problem raises `CatalogError` with the file and line."""
    try:
        size = path.stat().st_size if text is None else len(text)
        if size > MAX_CATALOG_BYTES:
            raise CatalogError(
                path,
                1,
                f"catalog is too large ({size // 1_000_000} MB; the limit is"
                f" {MAX_CATALOG_BYTES // 1_000_000} MB)",
            )
        raw = path.read_bytes() if text is None else text.encode("utf-8")
    except OSError as exc:
        raise CatalogError(path, 1, f"cannot read: {exc.strerror}") from None
    if not raw.strip():
        raise CatalogError(path, 1, "empty catalog (no header entry)")
    conflict = _CONFLICT.search(raw.decode("utf-8", "replace"))
    if conflict:
        line = raw[: conflict.start()].count(b"\n") + 1
        raise CatalogError(path, line, "git conflict marker: resolve the merge first")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(path, line, "invalid UTF-8 (catalogs must be UTF-8)") from None
    charset = re.search(r'"Content-Type:[^"]*charset=([^\\"]*)', decoded)
    if not charset:
        raise CatalogError(path, 1, "header does not declare a charset (Content-Type)")
    if charset[1].strip().lower() not in ("utf-8", "utf8"):
        line = decoded[: charset.start()].count("\n") + 1
        raise CatalogError(path, line, f"charset {charset[1]!r} is not UTF-8")
    _check_syntax(path, decoded)
    try:
        catalog = polib.pofile(decoded, wrapwidth=PAGE_WIDTH)
    except (OSError, ValueError) as exc:
        message = str(exc)
        line = _syntax_line(message)
        if "duplicate" in message.lower() or "already exists" in message.lower():
            message = "duplicate message definition"
        else:
            message = re.sub(r"\s*\(line \d+\)", "", message).strip().lower() or "syntax error"
        raise CatalogError(path, line, message) from None
    seen: set[tuple[str | None, str, bool]] = set()
    for entry in catalog:
        key = (entry.msgctxt, entry.msgid, entry.obsolete)
        if key in seen:
            raise CatalogError(
                path, entry.linenum, f"duplicate message definition: {entry.msgid[:40]!r}"
            )
        seen.add(key)
    if not catalog.metadata:
        raise CatalogError(path, 1, 'missing header entry (msgid "")')
    head: list[str] = []
    for text_line in decoded.split("\n"):
        if text_line != "#" and not text_line.startswith("# "):
            break
        head.append(text_line)
    catalog.header_lines = head  # type: ignore[attr-defined]
    return catalog


def write_po(path: Path, catalog: polib.POFile) -> bool:
    """Write a catalog atomically; return False when the file was already identical."""
    return write_text(path, generate_po(catalog))
