"""The one `.po`/`.pot` reader and writer, formatted as GNU gettext formats them.

Reading goes through polib, with its errors turned into `path:line:` messages.
Writing follows gettext's `write-po.c`: 79 columns, breaks where Unicode line
breaking allows (after spaces, after hyphens, between ideographs), widths in
columns, so that `msgcat` and `msgmerge` reproduce our files byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import polib

from pipeline.errors import CatalogError
from pipeline.fsutil import write_text
from pipeline.wrap import PAGE_WIDTH, wrap_line

_CONFLICT = re.compile(r"^(<<<<<<<|=======|>>>>>>>)( |$)", re.M)


def format_string(keyword: str, value: str, prefix: str = "") -> list[str]:
    """Lines for `keyword "value"` as gettext writes them (with `prefix` like '#~ ')."""
    logical: list[str] = []
    rest = value
    while "\n" in rest[:-1] if rest else False:
        cut = rest.index("\n") + 1
        logical.append(rest[:cut])
        rest = rest[cut:]
    if rest or not logical:
        logical.append(rest)
    head = f"{prefix}{keyword} "
    one_line = wrap_line(value, PAGE_WIDTH - len(head) - 2, PAGE_WIDTH - len(prefix) - 2)
    if len(logical) == 1 and len(one_line) == 1:
        return [f'{head}"{one_line[0]}"']
    lines = [f'{head}""']
    for piece in logical:
        for chunk in wrap_line(piece, PAGE_WIDTH - len(prefix) - 2, PAGE_WIDTH - len(prefix) - 2):
            lines.append(f'{prefix}"{chunk}"')
    return lines


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
    if entry.flags:
        yield "#, " + ", ".join(entry.flags)
    previous = "#~| " if obsolete else "#| "
    if entry.previous_msgctxt:
        yield from format_string("msgctxt", entry.previous_msgctxt, previous)
    if entry.previous_msgid:
        yield from format_string("msgid", entry.previous_msgid, previous)
    if entry.previous_msgid_plural:
        yield from format_string("msgid_plural", entry.previous_msgid_plural, previous)
    if entry.msgctxt is not None:
        yield from format_string("msgctxt", entry.msgctxt, prefix)
    yield from format_string("msgid", entry.msgid, prefix)
    if entry.msgid_plural:
        yield from format_string("msgid_plural", entry.msgid_plural, prefix)
        for index in sorted(entry.msgstr_plural):
            yield from format_string(f"msgstr[{index}]", entry.msgstr_plural[index], prefix)
    else:
        yield from format_string("msgstr", entry.msgstr, prefix)


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
        blocks.append("\n".join(_entry_lines(entry)))
    return "\n\n".join(blocks) + "\n"


def _header_text(catalog: polib.POFile) -> str:
    return "".join(f"{key}: {value}\n" for key, value in catalog.ordered_metadata())


_STRING = r'"(?:[^"\\]|\\.)*"'
_LINE = re.compile(
    rf"(?:#~\s*)?(?:#\|\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?{_STRING}\s*"
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
        catalog = polib.pofile(decoded, wrapwidth=PAGE_WIDTH, check_for_duplicates=True)
    except (OSError, ValueError) as exc:
        message = str(exc)
        line = _syntax_line(message)
        if "duplicate" in message.lower() or "already exists" in message.lower():
            message = "duplicate message definition"
        else:
            message = re.sub(r"\s*\(line \d+\)", "", message).strip().lower() or "syntax error"
        raise CatalogError(path, line, message) from None
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
