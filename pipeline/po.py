"""The one `.po`/`.pot` reader and writer, formatted as GNU gettext formats them.

Reading follows the PO format as the GNU gettext manual describes it and as gettext 0.21's
`msgcat` and `msgfmt --check` behave: lines end at LF only (VT, FF, U+001C-U+001E, NEL, U+2028
and U+2029 are ordinary characters), CRLF is read as LF, a CR alone outside a string is refused,
escapes mean what they mean to gettext (`\\101`, `\\x41`, `\\a`; unknown ones are refused), and
what gettext would silently cut (a NUL) is refused instead, so that nothing a translator typed is
lost. polib parses; this module checks and prepares its input and turns every problem into one
`path:line: what to do` message. The reading rules were written from the documented format and
from black-box observation of the installed tools (tests/test_po_reader.py keeps them as the
oracle); no gettext source code was read for them, copied or translated.

Writing produces what gettext 0.21's `msgcat` prints for the same catalog, byte for byte, so
that gettext's tools, Poedit and Weblate cause no churn: the entry layout of the manual's
"The Format of PO Files", strings broken into lines of at most 79 columns by the installed
libunistring (`pipeline.wrap`) but never inside a format directive (`pipeline.formats`), and
the details listed above `format_string`.  Those details were found by black-box experiments
(generated catalogs written by `msgcat -w N` at every page width N and compared with ours,
`tests/test_wrap.py`) and are held to the real python-docs-fr catalogs by
`tests/test_po_format.py`; no gettext source code was read for the writer, copied or
translated.  It replaces a writer of unknown provenance, which was read before this one was
written; its rules were kept where the experiments confirmed them (they showed two wrong:
repeated references and the references of obsolete entries).
"""

from __future__ import annotations

import re
import stat
from collections.abc import Collection, Iterator
from pathlib import Path

import polib

from pipeline.errors import CatalogError, display_path
from pipeline.formats import no_break_positions
from pipeline.fsutil import write_text
from pipeline.wrap import PAGE_WIDTH, wrap_value

MAX_CATALOG_BYTES = 20_000_000
"""Larger files are refused at once: no real catalog comes near it."""
_CONFLICT = re.compile(r"^(<<<<<<<|=======|>>>>>>>)( |$)", re.M)


# --- Writing ---------------------------------------------------------------------------------
# An entry is laid out as the manual's "The Format of PO Files" shows it: translator comments,
# extracted comments, references, flags, previous strings, then msgctxt, msgid, msgid_plural
# and msgstr, one blank line between entries.  The rest is what msgcat prints, observed:
# `fuzzy` leads the flags and is only written on a translated entry (or the header), a
# reference is written once and as many share a `#:` line as fit the page, an obsolete entry
# without a translation is left out.


def format_string(
    keyword: str,
    value: str,
    prefix: str = "",
    flags: Collection[str] = (),
    page_width: int = PAGE_WIDTH,
) -> list[str]:
    """Lines for `keyword "value"` as gettext writes them (with `prefix` like '#~ ').

    `flags` are the entry's flags: `no-wrap` keeps each line whole, and a format flag forbids
    breaks inside its directives (`%(name)s`), as gettext does. `page_width` is msgcat's `-w`.
    """
    room = _NO_WRAP if "no-wrap" in flags else page_width - 2 - len(prefix)
    no_break = no_break_positions(value, flags, keyword.startswith("msgstr")) if flags else ()
    first, *rest = wrap_value(value, len(keyword) + 1, room, no_break)
    return [f'{prefix}{keyword} "{first}"', *(f'{prefix}"{chunk}"' for chunk in rest)]


_NO_WRAP = 2**30
"""A width no line reaches: with `no-wrap`, lines end only after `\\n`."""


def _comments(mark: str, text: str) -> Iterator[str]:
    """`text` as comment lines starting with `mark` ("#" or "#."); an empty line is the mark."""
    for line in text.split("\n"):
        yield f"{mark} {line}".rstrip() if line else mark


def _references(entry: polib.POEntry, page_width: int) -> Iterator[str]:
    """`#:` lines, each holding as many references as fit in `page_width` columns."""
    refs = (f"{path}:{number}" if number else path for path, number in entry.occurrences)
    line = ""
    for ref in dict.fromkeys(refs):
        if line and len(line) + 1 + len(ref) > page_width:
            yield line
            line = ""
        line = f"{line or '#:'} {ref}"
    if line:
        yield line


def _has_translation(entry: polib.POEntry) -> bool:
    return any(entry.msgstr_plural.values()) if entry.msgid_plural else bool(entry.msgstr)


def _flags(entry: polib.POEntry) -> list[str]:
    """The flags to write: `fuzzy` first, and only where there is a translation to doubt."""
    rest = [flag for flag in entry.flags if flag != "fuzzy"]
    doubted = "fuzzy" in entry.flags and (_has_translation(entry) or entry.msgid == "")
    return ["fuzzy", *rest] if doubted else rest


def _entry_lines(entry: polib.POEntry, page_width: int) -> Iterator[str]:
    """The lines of one entry, without the blank line that separates it from the next."""
    obsolete = bool(entry.obsolete)
    yield from _comments("#", entry.tcomment) if entry.tcomment else ()
    yield from _comments("#.", entry.comment) if entry.comment else ()
    yield from _references(entry, page_width)
    flags = _flags(entry)
    if flags:
        yield "#, " + ", ".join(flags)
    strings = [
        ("#~| " if obsolete else "#| ", "msgctxt", entry.previous_msgctxt or None),
        ("#~| " if obsolete else "#| ", "msgid", entry.previous_msgid or None),
        ("#~| " if obsolete else "#| ", "msgid_plural", entry.previous_msgid_plural or None),
        ("#~ " if obsolete else "", "msgctxt", entry.msgctxt),
        ("#~ " if obsolete else "", "msgid", entry.msgid),
    ]
    prefix = "#~ " if obsolete else ""
    if entry.msgid_plural:
        strings.append((prefix, "msgid_plural", entry.msgid_plural))
        forms = sorted(entry.msgstr_plural.items())
        strings.extend((prefix, f"msgstr[{index}]", text) for index, text in forms)
    else:
        strings.append((prefix, "msgstr", entry.msgstr))
    for mark, keyword, value in strings:
        if value is not None:
            yield from format_string(keyword, value, mark, entry.flags, page_width)


def generate_po(catalog: polib.POFile, page_width: int = PAGE_WIDTH) -> str:
    """The text of a catalog, in gettext's own formatting (`page_width`: msgcat's `-w`)."""
    header = polib.POEntry(msgid="", msgstr=_header_text(catalog))
    header.flags = ["fuzzy"] if catalog.metadata_is_fuzzy else []
    comments = list(getattr(catalog, "header_lines", None) or [])
    if not comments and catalog.header:
        comments = list(_comments("#", catalog.header))
    blocks = ["\n".join([*comments, *_entry_lines(header, page_width)])]
    live = [e for e in catalog if not e.obsolete and (e.msgid or e.msgctxt)]
    gone = [e for e in catalog.obsolete_entries() if _has_translation(e)]
    blocks.extend("\n".join(_entry_lines(entry, page_width)) for entry in [*live, *gone])
    return "\n\n".join(blocks) + "\n"


def _header_text(catalog: polib.POFile) -> str:
    return "".join(f"{key}: {value}\n" for key, value in catalog.ordered_metadata())


# --- Reading ---------------------------------------------------------------------------------
# What a line means to GNU gettext, as its manual describes the format and as msgcat/msgfmt 0.21
# behave on test files (tests/test_po_reader.py asks them): lines end at LF only; between tokens
# only space, tab, CR, FF and VT are white space; a string holds any other character as itself.

_SPACE = " \t\r\f\v"
_S = "[ \t\r\f\v]"
_KEYWORD = r"(?:msgctxt|msgid_plural|msgid|msgstr\[[0-9]+\]|msgstr)"
_MARKER = rf"(?:#~\|?{_S}*|#\|{_S}*)?"
_STRING = r'"(?:[^"\\]|\\[\\"ntrvbf])*"'  # with only the escapes polib decodes
_LINE = re.compile(rf"{_MARKER}(?:{_KEYWORD}{_S}+)?{_STRING}")
_ANY_STRING = r'"(?:[^"\\]|\\.)*"'  # with any escape
_ESCAPED_LINE = re.compile(rf"({_MARKER}(?:{_KEYWORD}{_S}*)?)((?:{_ANY_STRING}{_S}*)+)")
"""A line gettext reads but polib cannot: other escapes, `msgid"a"`, or `"a" "b"` (joined)."""
_PREFIX = re.compile(rf"{_MARKER}(?:({_KEYWORD})(?={_S}|\"){_S}*)?")
_PYTHON_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""Where `str.splitlines()` (and so polib) breaks lines but gettext does not."""
_ESCAPE = re.compile(r'\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|([ntbrfva\\"])|(.))', re.S)
_SIMPLE_ESCAPES = {"n": 10, "t": 9, "b": 8, "r": 13, "f": 12, "v": 11, "a": 7, "\\": 92, '"': 34}
_LONE_BYTE = re.compile("[\udc80-\udcff]")


class _Lines(str):
    """The catalog text for polib, which reads a text with `splitlines()`: split at LF only,
    so that VT, FF, U+001C–U+001E, NEL, U+2028 and U+2029 stay inside their strings."""

    __slots__ = ()

    def splitlines(self, keepends: bool = False) -> list[str]:
        return self.split("\n")


_STRING_START = re.compile(rf'{_S}*(#~)?{_S}*{_KEYWORD}{_S}+"')
_CONTINUATION = re.compile(rf'{_S}*(#~)?{_S}*"')


def _join_continuations(text: str) -> str:
    """The text with each string's continuation lines joined into the line that starts it,
    and left blank (polib skips blank lines, so every line keeps its number). polib appends
    each continuation to the string read so far, which takes time quadratic in its length:
    a 4 MB translation took 16 s, a 20 MB one would take minutes. Runs after the syntax
    check, so every string line holds one string."""
    lines = text.split("\n")
    start, parts, obsolete = -1, [""], False

    def flush() -> None:
        if len(parts) > 1:
            lines[start] = "".join(parts) + '"'

    for index, line in enumerate(lines):
        more = _CONTINUATION.match(line)
        if more and start >= 0 and bool(more[1]) == obsolete:
            parts.append(line.rstrip(_SPACE)[more.end() : -1])
            lines[index] = ""
            continue
        flush()
        begin = _STRING_START.match(line)
        start, parts = (index, [line.rstrip(_SPACE)[:-1]]) if begin else (-1, [""])
        obsolete = bool(begin and begin[1])
    flush()
    return "\n".join(lines)


class _KeepHeader(polib.POFile):  # type: ignore[misc]
    """polib's catalog, remembering the header's msgstr: polib splits it into `metadata`
    with `splitlines()`, which we redo at LF only when the header needs it."""

    header_msgstr: str | None = None

    def remove(self, entry: polib.POEntry) -> None:
        if entry.msgid == "" and self.header_msgstr is None:
            self.header_msgstr = entry.msgstr
        super().remove(entry)


def _describe(char: str) -> str:
    import unicodedata

    return f"U+{ord(char):04X} {unicodedata.name(char, 'CONTROL CHARACTER')}"


def _comment(stripped: str) -> bool:
    return stripped.startswith("#") and not stripped.startswith(("#~", "#|"))


def _check_syntax(path: Path, text: str) -> list[int]:
    """Refuse lines gettext refuses (and lines polib would silently accept: unterminated
    strings, stray words); return the indices of the lines gettext reads but polib cannot
    (escapes other than polib's, several strings on one line)."""
    escaped: list[int] = []
    for index, line in enumerate(text.split("\n")):
        stripped = line.strip(_SPACE)
        if not stripped or (stripped[0] == "#" and not stripped.startswith(("#~", "#|"))):
            continue
        if stripped.startswith("#~") and not stripped[2:].lstrip(_SPACE).startswith(
            ("msg", '"', "#|", "|")
        ):
            continue
        if not _LINE.fullmatch(stripped):
            if _ESCAPED_LINE.fullmatch(stripped):
                escaped.append(index)
            else:
                raise CatalogError(path, index + 1, _syntax_problem(stripped))
    return escaped


_ENTRY_KEYWORD = re.compile(rf"(?:#~{_S}*)?(msgctxt|msgid_plural|msgid|msgstr)\b")


def _check_last_entry(path: Path, text: str) -> None:
    """Refuse a file that ends inside an entry (a msgid with no msgstr after it), which
    gettext refuses ("missing 'msgstr' section") and polib would silently complete."""
    last, lines = "", {"msgctxt": 0, "msgid": 0}
    for number, line in enumerate(text.split("\n"), 1):
        match = _ENTRY_KEYWORD.match(line.strip(_SPACE))
        if match:
            last = match[1]
            lines[last] = number
    if last in ("", "msgstr"):
        return
    at = lines["msgctxt" if last == "msgctxt" else "msgid"]
    advice = {
        "msgctxt": "msgctxt without msgid and msgstr: add them, or delete it",
        "msgid": 'msgid without msgstr: add msgstr "" after it',
        "msgid_plural": "msgid_plural without msgstr[0], msgstr[1]...: add them",
    }[last]
    raise CatalogError(path, at, advice)


def _syntax_problem(stripped: str) -> str:
    """What is wrong with a line that is neither a comment nor `keyword "string"`, and what
    to do about it."""
    prefix = _PREFIX.match(stripped)
    assert prefix is not None  # every part is optional
    rest = stripped[prefix.end() :]
    if not rest.startswith('"'):
        for char in stripped:
            if not (char.isascii() and char.isprintable()) and char not in _SPACE:
                return (
                    f"unexpected {_describe(char)} outside the quotes: delete it, or move it"
                    " inside the string"
                )
        return (
            f"syntax error: unexpected {rest.split()[0][:30]!r}: a line is a # comment, a"
            ' keyword (msgid, msgstr...) followed by a "string", or a "string" that continues'
            " the one above"
        )
    first = re.match(_ANY_STRING, rest)
    if first is None:
        return (
            'syntax error: unterminated string: end it with " on the same line (write \\n'
            " for a line break inside the text)"
        )
    after = rest[first.end() :].strip(_SPACE)
    if '"' in after:
        column = len(stripped) - len(rest) + first.end()
        return f'unescaped double quote (column {column}): write \\" for a quote inside a string'
    char = after[0]
    shown = repr(char) if char.isascii() and char.isprintable() else _describe(char)
    return f"unexpected {shown} after the closing quote: delete it, or move it inside the string"


def _line_endings(path: Path, text: str) -> str:
    """CRLF becomes LF, as msgfmt accepts it. A CR without LF outside a string is refused:
    gettext does not end a line there, so what an editor shows as the next lines would be
    read as part of this one (a comment swallows them; a CR-only file is one line)."""
    text = text.replace("\r\n", "\n")
    if "\r" not in text:
        return text
    for number, line in enumerate(text.split("\n"), 1):
        if "\r" not in line:
            continue
        stripped = line.strip(_SPACE)
        strings = (
            []
            if _comment(stripped)
            else [m.span() for m in re.finditer(r'"(?:[^"\\]|\\.)*"?', line, re.S)]
        )
        for cr in (m.start() for m in re.finditer("\r", line)):
            inside = any(start < cr < end for start, end in strings)
            if not inside and line[cr:].strip(_SPACE):
                raise CatalogError(
                    path,
                    number,
                    "carriage return without a line feed (old Mac line endings): gettext does"
                    " not end the line there; save the file with LF (Unix) line endings",
                )
    return text


def _decode_strings(path: Path, lines: list[str], indices: list[int]) -> bool:
    """Rewrite each indexed line as one string in the escapes polib decodes, with gettext's
    meaning: its strings joined, their escapes as bytes read as UTF-8 with the text around
    them. The bytes of a character split over two lines stay lone surrogates until polib has
    joined the lines (`_join_bytes`). Returns whether any such byte was left."""
    lone: list[int] = []
    for index in indices:
        line = lines[index]
        match = _ESCAPED_LINE.match(line, len(line) - len(line.lstrip(_SPACE)))
        assert match is not None
        data = bytearray()
        for literal in re.finditer(_ANY_STRING, match[2]):
            body = literal[0][1:-1]
            column = match.start(2) + literal.start() + 2  # of the body's first character
            position = 0
            for escape in _ESCAPE.finditer(body):
                data += body[position : escape.start()].encode()
                position = escape.end()
                data += _escape_byte(path, index + 1, body, escape, column + escape.start())
            data += body[position:].encode()
        value = data.decode("utf-8", "surrogateescape")
        if _LONE_BYTE.search(value):
            lone.append(index)
        keyword = match[1].rstrip(_SPACE)
        space = " " if keyword else ""
        lines[index] = f'{line[: match.start(1)]}{keyword}{space}"{polib.escape(value)}"'
    for index in lone:
        _check_whole_string(path, lines, index)
    return bool(lone)


def _escape_byte(path: Path, number: int, body: str, escape: re.Match[str], column: int) -> bytes:
    """The byte of one escape sequence, as gettext reads it; refuse what it refuses or cuts."""
    octal, hexa, simple, _ = escape.groups()
    if simple:
        return bytes((_SIMPLE_ESCAPES[simple],))
    if not (octal or hexa):
        raise CatalogError(path, number, _escape_problem(body, escape, column))
    byte = (int(octal, 8) if octal else int(hexa, 16)) & 0xFF
    if byte == 0:
        raise CatalogError(
            path,
            number,
            f"{escape[0]} is a NUL character, where gettext ends the string (msgfmt drops the"
            " rest of it): delete it",
        )
    return bytes((byte,))


def _parts(line: str) -> tuple[str | None, str]:
    """A line's keyword (None on a continuation line) and what follows it."""
    stripped = line.strip(_SPACE)
    prefix = _PREFIX.match(stripped)
    assert prefix is not None  # every part is optional
    return prefix[1], stripped[prefix.end() :]


def _check_whole_string(path: Path, lines: list[str], index: int) -> None:
    """Refuse a string whose escaped bytes make no UTF-8 even joined over its lines, on the
    line gettext names: its entry's first msgstr line."""
    first = index
    while first > 0 and _parts(lines[first])[0] is None:
        first -= 1
    last = index
    while (
        last + 1 < len(lines)
        and _parts(lines[last + 1])[0] is None
        and _parts(lines[last + 1])[1].startswith('"')
    ):
        last += 1
    value = "".join(polib.unescape(_parts(line)[1][1:-1]) for line in lines[first : last + 1])
    try:
        value.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return
    line = first
    keyword = _parts(lines[first])[0] or ""
    if keyword.startswith("msgstr"):  # back to the entry's first msgstr
        for earlier in range(first - 1, -1, -1):
            word, rest = _parts(lines[earlier])
            if word is None and rest.startswith('"'):
                continue
            if not (word or "").startswith("msgstr"):
                break
            line = earlier
    else:  # on to the entry's msgstr
        for later in range(first + 1, len(lines)):
            if (_parts(lines[later])[0] or "").startswith("msgstr"):
                line = later
                break
    raise CatalogError(
        path,
        line + 1,
        "escape sequences make bytes that are not UTF-8 (gettext: invalid multibyte"
        " sequence): write the characters themselves",
    )


def _escape_problem(body: str, escape: re.Match[str], column: int) -> str:
    sequence = escape[0]
    advice = "write \\\\ for a backslash"
    code = re.match(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))", body[escape.start() :])
    if code:
        number = int(code[1] or code[2], 16)
        if number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF:
            sequence, advice = code[0], f"write the character itself ({chr(number)})"
    return f"invalid escape sequence {sequence} (column {column}), which gettext refuses: {advice}"


_STRING_FIELDS = (
    "msgctxt",
    "msgid",
    "msgid_plural",
    "msgstr",
    "previous_msgctxt",
    "previous_msgid",
    "previous_msgid_plural",
)


def _join_bytes(path: Path, catalog: polib.POFile, header: str | None) -> str | None:
    """Decode the escaped bytes of characters split over several lines, now that each message
    is whole; refuse bytes that still make no UTF-8 character (gettext refuses them too)."""

    def join(value: str, line: int) -> str:
        if not _LONE_BYTE.search(value):
            return value
        try:
            return value.encode("utf-8", "surrogateescape").decode("utf-8")
        except UnicodeDecodeError:
            raise CatalogError(
                path, line, "escape sequences make bytes that are not UTF-8: write the characters"
            ) from None

    for entry in catalog:  # obsolete entries included
        line = max(entry.linenum, 1)
        for name in _STRING_FIELDS:
            value = getattr(entry, name)
            if value:
                setattr(entry, name, join(value, line))
        for index, value in entry.msgstr_plural.items():
            entry.msgstr_plural[index] = join(value, line)
    return join(header, 1) if header else header


def _metadata(header: str) -> dict[str, str]:
    """polib's reading of the header fields, with lines that end at LF only."""
    metadata: dict[str, str] = {}
    key = None
    lines = header.split("\n")
    if lines[-1] == "":
        lines.pop()
    for line in lines:
        if ":" in line:
            key, value = line.split(":", 1)
            metadata[key] = value.strip(_SPACE + "\n")
        elif key is not None:
            metadata[key] += "\n" + line.strip(_SPACE)
    return metadata


def _syntax_line(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match[1]) if match else 1


def _order_problem(lines: list[str], number: int) -> tuple[int, str]:
    """The line and message for a keyword polib found out of order on line `number`."""
    word = _parts(lines[number - 1])[0] if 0 < number <= len(lines) else None
    if word in ("msgid", "msgctxt"):  # the entry before has no msgstr: gettext names its msgid
        for index in range(number - 2, -1, -1):
            before = _parts(lines[index])[0]
            if before in ("msgid", "msgid_plural"):
                if before == "msgid":
                    return index + 1, 'msgid without msgstr: add msgstr "" after it'
                continue
            if before is not None:
                break
    return number, (
        f"syntax error: {word or 'this line'} is out of place: an entry is its comments, then"
        " [msgctxt], msgid, [msgid_plural], and msgstr (or msgstr[0], msgstr[1]...)"
    )


def parse_po(path: Path, text: str | None = None, *, strip_bom: bool = False) -> polib.POFile:
    """Read a catalog; any problem raises `CatalogError` with the file and line.

    A UTF-8 byte order mark is refused, as gettext refuses it, unless `strip_bom` (`pipeline
    fmt`, which removes it).
    """
    try:
        if text is None and not stat.S_ISREG(path.stat().st_mode):
            # A pipe or a device would block or never end: only plain files are catalogs.
            raise CatalogError(path, 1, "not a regular file (a folder, pipe or device)")
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
    if raw.startswith(b"\xef\xbb\xbf"):
        if not strip_bom:
            raise CatalogError(
                path,
                1,
                "the file starts with a UTF-8 byte order mark (BOM), which gettext refuses:"
                f" run 'pipeline fmt {display_path(path)}' to remove it",
            )
        raw = raw[3:]
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
    if "\r" in decoded:
        decoded = _line_endings(path, decoded)
    if "\0" in decoded:
        line = decoded.count("\n", 0, decoded.index("\0")) + 1
        raise CatalogError(
            path, line, "NUL character (byte 0), where gettext ends the string: delete it"
        )
    charset = re.search(r'"Content-Type:[^"]*charset=([^\\"]*)', decoded)
    if not charset:
        raise CatalogError(path, 1, "header does not declare a charset (Content-Type)")
    if charset[1].strip().lower() not in ("utf-8", "utf8"):
        line = decoded[: charset.start()].count("\n") + 1
        raise CatalogError(path, line, f"charset {charset[1]!r} is not UTF-8")
    escaped = _check_syntax(path, decoded)
    lone_bytes = False
    if escaped:
        lines = decoded.split("\n")
        lone_bytes = _decode_strings(path, lines, escaped)
        decoded = "\n".join(lines)
    odd_header = lone_bytes or any(char in decoded for char in _PYTHON_LINE_BREAKS)
    try:
        catalog = polib.pofile(
            _Lines(_join_continuations(decoded)),
            wrapwidth=PAGE_WIDTH,
            klass=_KeepHeader if odd_header else None,
        )
    except (OSError, ValueError) as exc:
        message = str(exc)
        line = _syntax_line(message)
        if "duplicate" in message.lower() or "already exists" in message.lower():
            message = "duplicate message definition"
        elif "syntax error in po file" in message.lower():
            line, message = _order_problem(decoded.split("\n"), line)
        else:
            message = re.sub(r"\s*\(line \d+\)", "", message).strip().lower() or "syntax error"
        raise CatalogError(path, line, message) from None
    _check_last_entry(path, decoded)  # what polib completes silently (after its own errors)
    if odd_header:
        header = catalog.header_msgstr
        if lone_bytes:
            header = _join_bytes(path, catalog, header)
        if header is not None:
            catalog.metadata = _metadata(header)
    seen: set[tuple[str | None, str]] = set()
    for entry in catalog:  # an obsolete twin of a live entry too: gettext refuses it
        key = (entry.msgctxt, entry.msgid)
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
