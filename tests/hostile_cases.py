"""The hostile-input pass: a few hundred broken, malicious or merely unusual inputs, each
run through the commands a translator, an author or CI would run, with what must happen.

Each case changes one thing in a small translated project (`attack.small_project`) and
says what the pipeline must do with it:

- `refused`: exit 1 with exactly one `path:line: message` line, and nothing written;
- `fell back`: the build succeeds and prints the source's text where the broken text was
  (the publishing gate refused it); the hostile text is nowhere in the output;
- `kept`: it is legitimate (if unusual) input, printed as typed, escaped, nothing lost.

For every case, whatever the outcome: no traceback, exit status 0 or 1, no file under the
canary folder outside the project opened and no network call made (an audit hook watches,
`attack.watch`), and for catalogs that are read, `pipeline fmt` and `pipeline update` keep
every translated character (compared through GNU `msgcat --no-wrap`, the oracle). Process
cases (kills, locks, concurrent runs) also check that no PDF is left marked current with
content its catalog no longer says.

`tests/test_hostile_pass.py` runs every case; `bench/hostile.py` prints the table of
outcomes by class for the README.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from attack import LINE, Run, cli, html_build, msgcat, msgstrs, watch

KINDS = ("catalogs", "articles", "configuration", "files", "process")
REFUSED, FELL_BACK, KEPT = "refused", "fell back", "kept"
MARK = "ZQX"
"""A word in every hostile text: where the text is refused, it must be nowhere in the output."""
SECRET = "CANARY-SECRET-7f3a"
"""Content of every file in the canary folder outside the project."""


@dataclass(frozen=True)
class Case:
    """One hostile input and what the pipeline must make of it."""

    kind: str
    name: str
    expect: str
    attack: Callable[[Path, Path], object]
    """Changes the project (first argument); the canary folder outside it is the second."""
    message: str = ""
    """For `refused`: a fragment of the one line."""
    shown: str = ""
    """For `fell back`: the source text printed instead."""
    marker: str = MARK
    absent: str = ""
    """Text that must not be printed even when the case is kept (a non-date as a date)."""
    runner: Callable[[Case, Path, Path], Outcome] | None = None
    """For process cases: runs the commands itself."""


@dataclass(frozen=True)
class Outcome:
    """What the pipeline did with a case: `refused`, `fell back`, `kept`, or `wrong` (a
    traceback, a lost character, a read outside the project, a wrong or stale output)."""

    result: str
    detail: str = ""
    runs: list[Run] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Editing the small project


def po(project: Path, domain: str = "demo", lang: str = "es") -> Path:
    return project / "locales" / lang / "LC_MESSAGES" / f"{domain}.po"


def q(text: str) -> str:
    """`text` as the inside of a PO string (quotes, backslashes and newlines escaped)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def set_raw(project: Path, msgid: str, raw: str, domain: str = "demo", flags: str = "") -> None:
    """Replace the msgstr of `msgid` by `msgstr "RAW"` exactly as written (RAW is already PO
    text: escapes are the caller's), and optionally put a `#, flags` line before it."""
    from pipeline.po import parse_po

    path = po(project, domain)
    entry = parse_po(path).find(msgid)
    assert entry is not None, msgid
    lines = path.read_text("utf-8").split("\n")
    start = next(i for i in range(entry.linenum - 1, len(lines)) if lines[i].startswith("msgstr"))
    end = start + 1
    while end < len(lines) and lines[end].startswith('"'):
        end += 1
    lines[start:end] = [f'msgstr "{raw}"']
    if flags:
        at = entry.linenum - 1
        while at > 0 and lines[at - 1].startswith("#"):
            at -= 1
        lines.insert(at, f"#, {flags}")
    path.write_text("\n".join(lines), "utf-8")


def msgstr(msgid: str, value: str, domain: str = "demo", flags: str = "") -> Callable[..., None]:
    return lambda p, c: set_raw(p, msgid, q(value), domain, flags)


def raw_msgstr(msgid: str, raw: str, domain: str = "demo") -> Callable[..., None]:
    return lambda p, c: set_raw(p, msgid, raw, domain)


def ui(msgid: str, value: str) -> Callable[..., None]:
    return msgstr(msgid, value, "ui")


def catalog_bytes(change: Callable[[bytes], bytes], domain: str = "demo") -> Callable[..., None]:
    def attack(project: Path, canary: Path) -> None:
        path = po(project, domain)
        path.write_bytes(change(path.read_bytes()))

    return attack


def append(text: str, domain: str = "demo") -> Callable[..., None]:
    return catalog_bytes(lambda data: data + text.encode("utf-8"), domain)


def article(old: str, new: str) -> Callable[..., None]:
    def attack(project: Path, canary: Path) -> None:
        path = project / "source" / "demo.md"
        text = path.read_text("utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), "utf-8")

    return attack


def body(markdown: str) -> Callable[..., None]:
    """Insert `markdown` as blocks before the article's list."""
    return article("- One item", f"{markdown}\n\n- One item")


def image_file(content: bytes, name: str = "cells.svg") -> Callable[..., None]:
    def attack(project: Path, canary: Path) -> None:
        (project / "source" / "images" / name).write_bytes(content)

    return attack


def svg(inner: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' viewBox="0 0 10 10">{inner}</svg>'
    ).encode()


def config(old: str, new: str) -> Callable[..., None]:
    def attack(project: Path, canary: Path) -> None:
        path = project / "pyproject.toml"
        text = path.read_text("utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), "utf-8")

    return attack


def setting(line: str) -> Callable[..., None]:
    """Add `line` to [tool.pipeline] (replacing `large_print = false`)."""
    return config("large_print = false", line)


def both(*attacks: Callable[..., object]) -> Callable[..., None]:
    def attack(project: Path, canary: Path) -> None:
        for one in attacks:
            one(project, canary)

    return attack


def link(relative: str, target: Callable[[Path, Path], Path]) -> Callable[..., None]:
    """Replace project file `relative` (or create it) by a symbolic link."""

    def attack(project: Path, canary: Path) -> None:
        path = project / relative
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target(project, canary))

    return attack


def fifo(relative: str) -> Callable[..., None]:
    def attack(project: Path, canary: Path) -> None:
        path = project / relative
        if path.exists():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)

    return attack


def folder(relative: str) -> Callable[..., None]:
    def attack(project: Path, canary: Path) -> None:
        path = project / relative
        if path.exists():
            path.unlink()
        path.mkdir(parents=True)

    return attack


def png(width: int, height: int, body_rows: bool = True) -> bytes:
    """A PNG of `width` × `height` grey pixels (only its header when not `body_rows`)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    rows = zlib.compress(b"".join(b"\0" + b"\x80" * width for _ in range(height)))
    data = chunk(b"IDAT", rows) if body_rows else b""
    return b"\x89PNG\r\n\x1a\n" + header + data + chunk(b"IEND", b"")


TAKE = "Take 10 mg twice a day."
LINKED = "Ask <a1>your neurologist</a1> about <strong1>HSCT</strong1> at www.example.org."
WRITE = "Write to clinic@example.org or call 555 0100."
PLAIN = "<b>ZQX</b>"


def _catalog_cases() -> list[Case]:
    k = "catalogs"
    ok_take = f"Tome 10 mg dos veces al día {MARK}."
    cases = [
        # -- the file: syntax, encodings, escapes, sizes (what gettext refuses, we refuse)
        Case(
            k,
            "UTF-8 byte order mark",
            REFUSED,
            catalog_bytes(lambda d: b"\xef\xbb\xbf" + d),
            "byte order mark",
        ),
        Case(
            k,
            "CR-only line endings",
            REFUSED,
            catalog_bytes(lambda d: d.replace(b"\n", b"\r")),
            "carriage return",
        ),
        Case(
            k,
            "a lone CR between two lines",
            REFUSED,
            catalog_bytes(
                lambda d: d.replace(b'\nmsgid "First', b'\r\nmsgid "First', 1).replace(
                    b"\r\n", b"\r", 1
                )
            ),
            "carriage return",
        ),
        Case(
            k,
            "CRLF line endings",
            KEPT,
            both(msgstr(TAKE, ok_take), catalog_bytes(lambda d: d.replace(b"\n", b"\r\n"))),
        ),
        Case(
            k,
            "Latin-1 byte in a msgstr",
            REFUSED,
            catalog_bytes(
                lambda d: (
                    d.replace("día".encode(), b"d\xeda")
                    if "día".encode() in d
                    else d.replace(b"[\xc5\xa6", b"[\xe9", 1)
                )
            ),
            "invalid UTF-8",
        ),
        Case(k, "UTF-16 file", REFUSED, catalog_bytes(lambda d: d.decode().encode("utf-16"))),
        Case(
            k,
            "charset ISO-8859-1 declared",
            REFUSED,
            catalog_bytes(lambda d: d.replace(b"charset=UTF-8", b"charset=ISO-8859-1")),
            "is not UTF-8",
        ),
        Case(
            k,
            "no charset declared",
            REFUSED,
            catalog_bytes(lambda d: d.replace(b"; charset=UTF-8", b"")),
            "charset",
        ),
        Case(
            k,
            "unterminated string",
            REFUSED,
            raw_msgstr(TAKE, "Tome 10 mg\\"),
            "unterminated string",
        ),
        Case(
            k,
            "unescaped quote",
            REFUSED,
            raw_msgstr(TAKE, 'Tome "10" mg'),
            "unescaped double quote",
        ),
        Case(
            k,
            "unknown escape \\q",
            REFUSED,
            raw_msgstr(TAKE, "Tome 10 mg \\q"),
            "invalid escape sequence",
        ),
        Case(
            k,
            "Python escape \\u00e9",
            REFUSED,
            raw_msgstr(TAKE, "Tome 10 mg \\u00e9"),
            "write the character itself",
        ),
        Case(k, "octal escape of NUL", REFUSED, raw_msgstr(TAKE, "Tome \\000 10 mg"), "NUL"),
        Case(k, "hex escape of NUL", REFUSED, raw_msgstr(TAKE, "Tome \\x00 10 mg"), "NUL"),
        Case(k, "raw NUL character", REFUSED, raw_msgstr(TAKE, "Tome \0 10 mg"), "NUL"),
        Case(
            k,
            "escapes making bytes that are not UTF-8",
            REFUSED,
            raw_msgstr(TAKE, "Tome 10 mg \\377"),
            "not UTF-8",
        ),
        Case(
            k,
            "escapes of a UTF-16 surrogate",
            REFUSED,
            raw_msgstr(TAKE, "Tome 10 mg \\355\\240\\200"),
            "not UTF-8",
        ),
        Case(
            k,
            "git conflict markers",
            REFUSED,
            catalog_bytes(
                lambda d: d.replace(
                    b'\nmsgid "First', b'\n<<<<<<< HEAD\n=======\n>>>>>>> theirs\nmsgid "First', 1
                )
            ),
            "conflict marker",
        ),
        Case(
            k,
            "the same msgid twice",
            REFUSED,
            append(f'\nmsgid "{TAKE}"\nmsgstr "Otra vez {MARK}"\n'),
            "duplicate message definition",
        ),
        Case(
            k, "msgid without msgstr", REFUSED, append('\nmsgid "Lonely"\n'), "msgid without msgstr"
        ),
        Case(k, "msgstr before its msgid", REFUSED, append('\nmsgstr "x"\nmsgid "y"\n'), ""),
        Case(k, "empty file", REFUSED, catalog_bytes(lambda d: b""), "empty catalog"),
        Case(
            k, "only white space", REFUSED, catalog_bytes(lambda d: b" \n\n\t\n"), "empty catalog"
        ),
        Case(
            k,
            "no header entry",
            REFUSED,
            catalog_bytes(lambda d: d[d.index(b"#. (title)") :]),
            "charset",
        ),
        Case(
            k,
            "msgid_plural without forms",
            REFUSED,
            append('\nmsgid "one"\nmsgid_plural "many"\n'),
            "",
        ),
        Case(k, "misspelt keyword", REFUSED, append('\nmsgid "x"\nmsgstrr "y"\n'), "unexpected"),
        Case(k, "a stray word between entries", REFUSED, append("\nhello\n"), "unexpected 'hello'"),
        Case(k, "text after the closing quote", REFUSED, raw_msgstr(TAKE, 'Tome 10 mg" ZQX'), ""),
        Case(
            k,
            "line separator outside the quotes",
            REFUSED,
            append('\nmsgid "x"\u2028\nmsgstr "y"\n'),
            "U+2028",
        ),
        Case(
            k,
            "catalog over 20 MB",
            REFUSED,
            append("# " + "x" * 21_000_000 + "\n"),
            "catalog is too large",
        ),
        Case(
            k,
            "words after #~ that are no entry",
            REFUSED,
            both(msgstr(TAKE, ok_take), append("\n#~ just a note\n")),
            "syntax error",
        ),
        Case(
            k,
            "octal escapes forming é",
            KEPT,
            raw_msgstr(TAKE, f"Tome 10 mg al d\\303\\255a {MARK}."),
        ),
        Case(
            k,
            "UTF-8 bytes of one character split over two lines",
            KEPT,
            catalog_bytes(
                lambda d: d.replace(
                    f'msgstr "[{chr(358)}ȧķḗ'.encode(),
                    f'msgstr "Tome {MARK} d\\303"\n"\\255a [{chr(358)}ȧķḗ'.encode(),
                )
            ),
        ),
        Case(k, "hex escape of a letter", KEPT, raw_msgstr(TAKE, f"Tome 10 mg \\x41 {MARK}.")),
        Case(k, "two strings on one line", KEPT, raw_msgstr(TAKE, f'Tome 10 mg " "{MARK}.')),
        Case(
            k,
            "100 kB translation",
            KEPT,
            msgstr(TAKE, "Tome 10 mg " + "muy " * 25_000 + f"{MARK}."),
        ),
        Case(
            k,
            "5 000 entries not in the template",
            KEPT,
            both(
                msgstr(TAKE, ok_take),
                append("".join(f'\nmsgid "x{i}"\nmsgstr "y{i}"\n' for i in range(5_000))),
            ),
        ),
    ]
    # -- what a translation may say: the gate's checks
    fell = [
        ("a changed dose", TAKE, f"Tome 20 mg dos veces al día {MARK}."),
        ("a dropped dose", TAKE, f"Tome la dosis dos veces al día {MARK}."),
        ("an added number", TAKE, f"Tome 10 mg 3 veces al día {MARK}."),
        ("a number as a word", TAKE, f"Tome diez mg dos veces al día {MARK}."),
        ("a number split in two", TAKE, f"Tome 1 0 mg dos veces al día {MARK}."),
        ("a number repeated", TAKE, f"Tome 10 mg, 10 veces al día {MARK}."),
        ("a fraction character", TAKE, f"Tome 10½ mg dos veces al día {MARK}."),
        ("a superscript digit", TAKE, f"Tome 10 mg² dos veces al día {MARK}."),
        ("a Roman numeral", TAKE, f"Tome 10 mg Ⅱ veces al día {MARK}."),
        ("a right-to-left override", TAKE, f"Tome \u202e01\u202c mg {MARK}."),
        ("a left-to-right override", TAKE, f"Tome \u202d10\u202c mg {MARK}."),
        ("a right-to-left embedding", TAKE, f"Tome \u202b10 mg\u202c {MARK}."),
        ("a left-to-right embedding", TAKE, f"Tome \u202a10 mg\u202c {MARK}."),
        ("a right-to-left isolate", TAKE, f"Tome \u206710 mg\u2069 {MARK}."),
        ("a first-strong isolate", TAKE, f"Tome \u206810 mg\u2069 {MARK}."),
        ("a left-to-right mark", TAKE, f"Tome 10\u200e mg {MARK}."),
        ("a right-to-left mark", TAKE, f"Tome 10\u200f mg {MARK}."),
        ("an Arabic letter mark", TAKE, f"Tome 10\u061c mg {MARK}."),
        ("a zero-width space", TAKE, f"Tome 1\u200b0 mg {MARK}."),
        ("a zero-width non-joiner in Spanish", TAKE, f"Tome 10 m\u200cg {MARK}."),
        ("a zero-width joiner in Spanish", TAKE, f"Tome 10 m\u200dg {MARK}."),
        ("a word joiner", TAKE, f"Tome 10\u2060 mg {MARK}."),
        ("a byte order mark inside", TAKE, f"Tome 10 mg\ufeff {MARK}."),
        ("a BEL character", TAKE, f"Tome 10 mg\x07 {MARK}."),
        ("an ESC character", TAKE, f"Tome 10 mg\x1b[31m {MARK}."),
        ("a tab", TAKE, f"Tome 10 mg\tdos veces {MARK}."),
        ("a line break", TAKE, f"Tome 10 mg\ndos veces {MARK}."),
        ("a line separator", TAKE, f"Tome 10 mg\u2028dos veces {MARK}."),
        ("a paragraph separator", TAKE, f"Tome 10 mg\u2029dos veces {MARK}."),
        ("a vertical tab", TAKE, f"Tome 10 mg\x0bdos veces {MARK}."),
        ("a form feed", TAKE, f"Tome 10 mg\x0cdos veces {MARK}."),
        ("a next-line character", TAKE, f"Tome 10 mg\x85dos veces {MARK}."),
        ("a file separator", TAKE, f"Tome 10 mg\x1cdos veces {MARK}."),
        ("a private-use character", TAKE, f"Tome 10 mg\ue000 {MARK}."),
        ("an unassigned code point", TAKE, f"Tome 10 mg\u0378 {MARK}."),
        ("a leading space", TAKE, f" Tome 10 mg dos veces {MARK}."),
        ("a trailing space", TAKE, f"Tome 10 mg dos veces {MARK}. "),
        (
            "a tag missing",
            LINKED,
            f"Pregunte a su neurólogo sobre <strong1>HSCT</strong1> en www.example.org {MARK}.",
        ),
        (
            "a tag invented",
            LINKED,
            f"Pregunte a <a1>su neurólogo</a1> sobre <strong1>HSCT</strong1> en www.example.org <em9>{MARK}</em9>.",
        ),
        (
            "a tag renamed",
            LINKED,
            f"Pregunte a <a2>su neurólogo</a2> sobre <strong1>HSCT</strong1> en www.example.org {MARK}.",
        ),
        (
            "tags badly nested",
            LINKED,
            f"Pregunte a <a1>su <strong1>neurólogo</a1> sobre HSCT</strong1> en www.example.org {MARK}.",
        ),
        (
            "a tag repeated",
            LINKED,
            f"Pregunte a <a1>su</a1> <a1>neurólogo</a1> sobre <strong1>HSCT</strong1> en www.example.org {MARK}.",
        ),
        (
            "a tag with an attribute",
            LINKED,
            f'Pregunte a <a1 href="javascript:alert(1)">su neurólogo</a1> sobre <strong1>HSCT</strong1> en www.example.org {MARK}.',
        ),
        (
            "a changed domain",
            LINKED,
            f"Pregunte a <a1>su neurólogo</a1> sobre <strong1>HSCT</strong1> en www.evil.org {MARK}.",
        ),
        (
            "an added URL",
            LINKED,
            f"Pregunte a <a1>su neurólogo</a1> sobre <strong1>HSCT</strong1> en www.example.org o https://evil.example.net/x {MARK}.",
        ),
        (
            "a look-alike domain (Cyrillic а)",
            LINKED,
            f"Pregunte a <a1>su neurólogo</a1> sobre <strong1>HSCT</strong1> en www.exаmple.org {MARK}.",
        ),
        (
            "a changed e-mail address",
            WRITE,
            f"Escriba a clinic@evil.org o llame al 555 0100 {MARK}.",
        ),
        (
            "an added bare domain",
            WRITE,
            f"Escriba a clinic@example.org o llame al 555 0100, o visite evil.com {MARK}.",
        ),
        (
            "a changed phone number",
            WRITE,
            f"Escriba a clinic@example.org o llame al 555 0199 {MARK}.",
        ),
    ]
    for name, msgid, value in fell:
        shown = msgid if "<" not in msgid else ""
        cases.append(Case(k, name, FELL_BACK, msgstr(msgid, value), shown=shown))
    cases += [
        Case(
            k,
            "a silenced check does not silence a bidi control",
            FELL_BACK,
            msgstr(TAKE, f"Tome \u202e01\u202c mg {MARK}.", flags="no-check-characters"),
            shown=TAKE,
        ),
        Case(k, "a fuzzy translation", FELL_BACK, msgstr(TAKE, ok_take, flags="fuzzy"), shown=TAKE),
        Case(
            k,
            "an empty translation",
            FELL_BACK,
            both(msgstr(TAKE, ""), append(f"\n# {MARK}\n")),
            shown=TAKE,
        ),
        Case(
            k,
            "the entry deleted",
            FELL_BACK,
            catalog_bytes(
                lambda d: re.sub(rb'msgid "Take 10 mg twice a day."\nmsgstr "[^\n]*"\n', b"", d)
            ),
            shown=TAKE,
            marker="\U0001f600",
        ),
        Case(
            k,
            "a msgctxt twin of a fuzzy entry",
            FELL_BACK,
            both(
                msgstr(TAKE, "Tome 10 mg dos veces al día.", flags="fuzzy"),
                append(f'\nmsgctxt "x"\nmsgid "{TAKE}"\nmsgstr "{ok_take}"\n'),
            ),
            shown=TAKE,
        ),
        Case(
            k,
            "a msgctxt twin of a deleted entry",
            FELL_BACK,
            both(
                catalog_bytes(
                    lambda d: re.sub(rb'msgid "Take 10 mg twice a day."\nmsgstr "[^\n]*"\n', b"", d)
                ),
                append(f'\nmsgctxt "x"\nmsgid "{TAKE}"\nmsgstr "{ok_take}"\n'),
            ),
            shown=TAKE,
        ),
        Case(
            k,
            "plural forms for an article sentence",
            FELL_BACK,
            catalog_bytes(
                lambda d: re.sub(
                    rb'(msgid "Take 10 mg twice a day.")\nmsgstr "[^\n]*"',
                    rb'\1\nmsgid_plural "x"\nmsgstr[0] "ZQX"\nmsgstr[1] "ZQX"\nmsgstr[2] "ZQX"',
                    d,
                )
            ),
            shown=TAKE,
        ),
        Case(
            k,
            "an obsolete entry with the same msgid",
            REFUSED,
            both(msgstr(TAKE, ok_take), append(f'\n#~ msgid "{TAKE}"\n#~ msgstr "Vieja {MARK}"\n')),
            "duplicate message definition",
        ),
        Case(
            k,
            "a silenced number check (the translator's call)",
            KEPT,
            msgstr(TAKE, f"Tome 10 mg, es decir 10 000 µg {MARK}.", flags="no-check-numbers"),
        ),
        Case(
            k,
            "markup as text",
            KEPT,
            msgstr(TAKE, f"Tome 10 mg <b>{MARK}</b> <script>alert('x')</script>."),
        ),
        Case(
            k,
            "an image tag as text",
            KEPT,
            msgstr(TAKE, f"Tome 10 mg <img src=x onerror=alert('x')> {MARK}."),
        ),
        Case(
            k,
            "Jinja2 syntax as text",
            KEPT,
            msgstr(TAKE, f"Tome 10 mg {{{{ seven*seven }}}} {{% raw %}} {MARK}."),
        ),
        Case(
            k, "an HTML entity as text", KEPT, msgstr(TAKE, f"Tome 10 mg &amp; &lt;b&gt; {MARK}.")
        ),
        Case(
            k,
            "Markdown syntax as text",
            KEPT,
            msgstr(TAKE, f"Tome 10 mg **{MARK}** [x](javascript:alert('x'))."),
        ),
        Case(
            k, "a percent sign in an article", KEPT, msgstr(TAKE, f"Tome 10 mg (el % de {MARK}).")
        ),
        Case(k, "a soft hyphen", KEPT, msgstr(TAKE, f"Tome 10 mg dos ve\u00adces {MARK}.")),
        Case(
            k,
            "combining marks piled up",
            KEPT,
            msgstr(TAKE, f"Tome 10 mg {MARK}" + "\u0301" * 40 + "."),
        ),
        Case(k, "an emoji", KEPT, msgstr(TAKE, f"Tome 10 mg 💊 {MARK}.")),
        Case(
            k,
            "Arabic-Indic digits of the same value",
            KEPT,
            msgstr(TAKE, f"Tome ١٠ mg dos veces {MARK}."),
        ),
        Case(
            k,
            "full-width digits of the same value",
            KEPT,
            msgstr(TAKE, f"Tome １０ mg dos veces {MARK}."),
        ),
        Case(
            k,
            "a decimal comma of the same value",
            KEPT,
            msgstr(TAKE, f"Tome 10,0 mg dos veces {MARK}."),
        ),
        Case(
            k,
            "tags moved",
            KEPT,
            msgstr(
                LINKED,
                f"Sobre <strong1>HSCT</strong1>, pregunte a <a1>su neurólogo</a1> en www.example.org {MARK}.",
            ),
        ),
        Case(k, "quotes and backslashes", KEPT, msgstr(TAKE, f'Tome "10 mg" \\ dos veces {MARK}.')),
        Case(
            k,
            "a fuzzy header",
            KEPT,
            both(
                msgstr(TAKE, ok_take),
                catalog_bytes(
                    lambda d: d.replace(b'msgid ""\nmsgstr ""', b'#, fuzzy\nmsgid ""\nmsgstr ""', 1)
                ),
            ),
        ),
        Case(
            k,
            "Language header of another language",
            KEPT,
            both(
                msgstr(TAKE, ok_take),
                catalog_bytes(lambda d: d.replace(b"Language: es", b"Language: fr")),
            ),
        ),
        Case(
            k,
            "Plural-Forms with code in it",
            KEPT,
            both(
                msgstr(TAKE, ok_take),
                catalog_bytes(
                    lambda d: re.sub(
                        rb'"Plural-Forms: [^"]*"\n"[^"]*"',
                        lambda m: (
                            b'"Plural-Forms: nplurals=2; plural=__import__(\\"os\\").system(\\"id\\");\\n"'
                        ),
                        d,
                    )
                ),
            ),
        ),
        Case(
            k,
            "Plural-Forms nested 5000 deep",
            KEPT,
            both(
                msgstr(TAKE, ok_take),
                catalog_bytes(
                    lambda d: re.sub(
                        rb'"Plural-Forms: [^"]*"\n"[^"]*"',
                        lambda m: (
                            b'"Plural-Forms: nplurals=2; plural='
                            + b"(" * 5000
                            + b"n"
                            + b")" * 5000
                            + b';\\n"'
                        ),
                        d,
                    )
                ),
            ),
        ),
        Case(
            k,
            "a revision date that is no date",
            KEPT,
            both(
                msgstr(TAKE, ok_take),
                catalog_bytes(
                    lambda d: d.replace(b"2026-01-20 10:00+0000", b"YEAR-MO-DA <b>ZQX-date</b>")
                ),
            ),
            absent="ZQX-date",
        ),
        Case(
            k,
            "an impossible revision date",
            KEPT,
            both(
                msgstr(TAKE, ok_take),
                catalog_bytes(
                    lambda d: d.replace(b"2026-01-20 10:00+0000", b"2026-02-30 10:00+0000")
                ),
            ),
            absent="2026-02-30",
        ),
        Case(
            k,
            "markup in the translator's name",
            KEPT,
            both(
                msgstr(TAKE, ok_take),
                catalog_bytes(
                    lambda d: d.replace(
                        b"Last-Translator: ", b"Last-Translator: <script>x</script> "
                    )
                ),
            ),
        ),
        Case(
            k,
            "a hundred extra header fields",
            KEPT,
            both(
                msgstr(TAKE, ok_take),
                catalog_bytes(
                    lambda d: d.replace(
                        b'"Content-Transfer-Encoding: 8bit\\n"',
                        b'"Content-Transfer-Encoding: 8bit\\n"'
                        + b"".join(b'"X-F%d: v\\n"\n' % i for i in range(100)).rstrip(b"\n"),
                    )
                ),
            ),
        ),
        Case(
            k,
            "an entry not in the template",
            KEPT,
            both(
                msgstr(TAKE, ok_take),
                append('\nmsgid "Not in the article"\nmsgstr "No está en el artículo"\n'),
            ),
        ),
    ]
    # -- the interface catalog: every '%' is formatted by Jinja2
    cases += [
        Case(
            k,
            "interface: %d that is not the msgid's",
            FELL_BACK,
            ui("Phone", f"Tel %d {MARK}"),
            shown="Phone",
        ),
        Case(
            k,
            "interface: a bare percent sign",
            FELL_BACK,
            ui("Phone", f"100% {MARK}"),
            shown="Phone",
        ),
        Case(k, "interface: %c", FELL_BACK, ui("Email", f"Correo %c {MARK}"), shown="Email"),
        Case(
            k,
            "interface: an extra %s",
            FELL_BACK,
            ui("Address", f"Dirección %s {MARK}"),
            shown="Address",
        ),
        Case(
            k,
            "interface: %(name)d for %(name)s",
            FELL_BACK,
            ui("For more information, contact %(name)s", f"Contacte {MARK} %(name)d"),
            shown="For more information, contact",
        ),
        Case(
            k,
            "interface: a renamed placeholder",
            FELL_BACK,
            ui("For more information, contact %(name)s", f"Contacte {MARK} %(nombre)s"),
            shown="For more information, contact",
        ),
        Case(
            k,
            "interface: a dropped placeholder",
            FELL_BACK,
            ui("For more information, contact %(name)s", f"Contacte {MARK}"),
            shown="For more information, contact",
        ),
        Case(
            k,
            "interface: a placeholder with a width",
            FELL_BACK,
            ui("For more information, contact %(name)s", f"Contacte {MARK} %(name)999999999s"),
            shown="For more information, contact",
        ),
        Case(
            k,
            "interface: a placeholder with precision 0 (prints nothing)",
            FELL_BACK,
            ui("For more information, contact %(name)s", f"Contacte {MARK} %(name).0s"),
            shown="For more information, contact",
        ),
        Case(
            k,
            "interface: a bidi override",
            FELL_BACK,
            ui("Phone", f"\u202eTel {MARK}"),
            shown="Phone",
        ),
        Case(
            k,
            "interface: the page-number sentinel character",
            FELL_BACK,
            ui("Page %(page)s of %(pages)s", f"{MARK} \ue000 %(page)s de %(pages)s"),
        ),
        Case(
            k,
            "interface: a changed address in the footer",
            FELL_BACK,
            ui("Phone", f"Tel (www.evil.com) {MARK}"),
            shown="Phone",
        ),
        Case(
            k,
            "interface: a msgctxt twin",
            FELL_BACK,
            append(f'\nmsgctxt "x"\nmsgid "Phone"\nmsgstr "{MARK}"\n', "ui"),
        ),
        Case(
            k,
            "interface: a fuzzy entry",
            FELL_BACK,
            msgstr("Phone", f"Tel {MARK}", "ui", "fuzzy"),
            shown="Phone",
        ),
        Case(k, "interface: a doubled percent sign", KEPT, ui("Phone", f"Teléfono %% {MARK}")),
        Case(
            k,
            "interface: placeholders reordered",
            KEPT,
            ui("Page %(page)s of %(pages)s", f"{MARK} %(pages)s / %(page)s"),
        ),
        Case(k, "interface: braces as text", KEPT, ui("Phone", f"Tel {{name}} {MARK}")),
        Case(
            k,
            "interface: markup as text",
            KEPT,
            ui("Phone", f"<b>{MARK}</b><script>alert('x')</script>"),
        ),
        Case(
            k,
            "interface: CSS-breaking text in the page footer",
            KEPT,
            ui(
                "Page %(page)s of %(pages)s",
                f'{MARK} %(page)s"; }} body {{ display: none }} /* %(pages)s',
            ),
        ),
    ]
    return cases


def _article_cases() -> list[Case]:
    k = "articles"
    secret_svg = lambda p, c: c / "secret.svg"  # noqa: E731
    cases = [
        # -- front matter
        Case(k, "no front matter", REFUSED, article("---\ntitle", "title"), "missing front matter"),
        Case(
            k,
            "front matter never closed",
            REFUSED,
            article("disclaimer: Ask your own doctor.\n---", "disclaimer: Ask your own doctor."),
            "not closed",
        ),
        Case(
            k,
            "front matter is a list",
            REFUSED,
            article("---\ntitle: Hostile test article\n", "---\n- a\n- b\n"),
            "front matter",
        ),
        Case(
            k,
            "front matter is a string",
            REFUSED,
            lambda p, c: (p / "source" / "demo.md").write_text(
                "---\njust text\n---\n\n## A\n\nB.\n", "utf-8"
            ),
            "front matter must be a mapping",
        ),
        Case(
            k,
            "a key twice",
            REFUSED,
            article("lang: en", "lang: en\ntitle: Other"),
            "appears twice",
        ),
        Case(
            k,
            "an unknown key",
            REFUSED,
            article("lang: en", "lang: en\nauthor: Me"),
            "unknown front-matter key 'author'",
        ),
        Case(k, "no title", REFUSED, article("title: Hostile test article\n", ""), "no 'title'"),
        Case(
            k,
            "an empty title",
            REFUSED,
            article("title: Hostile test article", 'title: ""'),
            "no 'title'",
        ),
        Case(
            k,
            "a title that is a list",
            REFUSED,
            article("title: Hostile test article", "title: [a, b]"),
            "must be text",
        ),
        Case(
            k,
            "a title that is a number",
            REFUSED,
            article("title: Hostile test article", "title: 42"),
            "must be text",
        ),
        Case(
            k,
            "markup in the title",
            KEPT,
            article("title: Hostile test article", f'title: "<script>alert(x)</script> {MARK}"'),
        ),
        Case(
            k,
            "a slug that is not the file name",
            REFUSED,
            article("slug: demo", "slug: other"),
            "differs from the file name",
        ),
        Case(
            k, "a slug with a path", REFUSED, article("slug: demo", "slug: ../../x"), "invalid slug"
        ),
        Case(
            k,
            "an impossible date",
            REFUSED,
            article("date: 2026-01-15", "date: 2026-02-30"),
            "not a valid date",
        ),
        Case(
            k,
            "an impossible quoted date",
            REFUSED,
            article("date: 2026-01-15", 'date: "2026-02-30"'),
            "not a valid date",
        ),
        Case(
            k,
            "a date in words",
            REFUSED,
            article("date: 2026-01-15", "date: tomorrow"),
            "not a valid date",
        ),
        Case(
            k,
            "a date as a number",
            REFUSED,
            article("date: 2026-01-15", "date: 20260115"),
            "must be a date",
        ),
        Case(
            k,
            "month 13",
            REFUSED,
            article("date: 2026-01-15", "date: 2026-13-01T10:00:00"),
            "not a valid date",
        ),
        Case(
            k,
            "a far but real date",
            KEPT,
            both(article("date: 2026-01-15", "date: 9999-12-31"), body(f"Dated {MARK}.")),
        ),
        Case(
            k,
            "a date with a time zone",
            KEPT,
            both(
                article("date: 2026-01-15", "date: 2026-01-15T10:00:00+05:00"),
                body(f"Dated {MARK}."),
            ),
        ),
        Case(
            k,
            "a Python object tag",
            REFUSED,
            article(
                "title: Hostile test article",
                "title: !!python/object/apply:os.system ['touch /tmp/ZQX-pwned']",
            ),
            "broken front matter",
        ),
        Case(
            k,
            "YAML aliases (billion laughs)",
            REFUSED,
            article(
                "lang: en",
                "lang: en\nkeywords: &a [x, x, x, x, x, x, x, x]\nsummary: &b [*a, *a, *a, *a, *a, *a, *a, *a]\ndisclaimer: [*b, *b, *b, *b, *b, *b, *b, *b]",
            ),
            "",
        ),
        Case(
            k,
            "YAML nested 10 000 deep",
            REFUSED,
            article("lang: en", "lang: en\nsummary: " + "[" * 10_000 + "]" * 10_000),
            "",
        ),
        Case(
            k, "a YAML merge key", REFUSED, article("lang: en", "lang: en\n<<: {title: Other}"), ""
        ),
        Case(
            k,
            "a tab in the front matter",
            REFUSED,
            article("lang: en", "lang:\ten\n\ttitle: x"),
            "broken front matter",
        ),
        Case(
            k,
            "a 100 kB title",
            KEPT,
            article("title: Hostile test article", f"title: {MARK} " + "long " * 20_000),
        ),
        Case(
            k,
            "a byte order mark",
            REFUSED,
            lambda p, c: (p / "source" / "demo.md").write_bytes(
                b"\xef\xbb\xbf" + (p / "source" / "demo.md").read_bytes()
            ),
            "missing front matter",
        ),
        Case(
            k,
            "CRLF line endings",
            KEPT,
            both(
                body(f"Windows {MARK}."),
                lambda p, c: (p / "source" / "demo.md").write_bytes(
                    (p / "source" / "demo.md").read_bytes().replace(b"\n", b"\r\n")
                ),
            ),
        ),
        Case(
            k,
            "CR-only line endings (read as lines, like CommonMark)",
            KEPT,
            both(
                body(f"Old Mac {MARK}."),
                lambda p, c: (p / "source" / "demo.md").write_bytes(
                    (p / "source" / "demo.md").read_bytes().replace(b"\n", b"\r")
                ),
            ),
        ),
        Case(
            k,
            "bytes that are not UTF-8",
            REFUSED,
            lambda p, c: (p / "source" / "demo.md").write_bytes(
                (p / "source" / "demo.md").read_bytes().replace(b"Take 10", b"Take \xe9 10")
            ),
            "not valid UTF-8",
        ),
        Case(k, "a NUL byte", REFUSED, body(f"Zero \0 {MARK}."), "NUL"),
        Case(k, "a line separator in the text", KEPT, body(f"One\u2028two {MARK}.")),
        Case(
            k,
            "a bidi override written by the author",
            KEPT,
            body(f"Author's \u202e{MARK}\u202c text."),
        ),
        # -- body
        Case(k, "a level-1 heading", REFUSED, body("# Big"), "use '##'"),
        Case(k, "a skipped heading level", REFUSED, body("#### Deep"), "heading level skipped"),
        Case(k, "an HTML block", REFUSED, body("<div>x</div>"), "raw HTML"),
        Case(k, "inline HTML", REFUSED, body("a <span>b</span>"), "raw HTML"),
        Case(k, "an HTML comment", REFUSED, body("<!-- note -->"), "raw HTML"),
        Case(k, "a script block", REFUSED, body("<script>alert('x')</script>"), "raw HTML"),
        Case(k, "a placeholder tag as raw HTML", REFUSED, body("Press <a1> now."), "raw HTML"),
        Case(
            k,
            "an escaped placeholder tag",
            REFUSED,
            body("Press \\<a1> now."),
            "looks like a placeholder tag",
        ),
        Case(k, "an escaped script", KEPT, body(f"&lt;script&gt;alert(1)&lt;/script&gt; {MARK}")),
        Case(
            k,
            "a javascript: link",
            REFUSED,
            body("[x](javascript:alert('x'))"),
            "forbidden URL scheme",
        ),
        Case(
            k,
            "a JaVaScRiPt: link",
            REFUSED,
            body("[x](JaVaScRiPt:alert(1))"),
            "forbidden URL scheme",
        ),
        Case(
            k,
            "an entity-encoded javascript: link",
            REFUSED,
            body("[x](&#106;avascript:alert(1))"),
            "forbidden URL scheme",
        ),
        Case(
            k,
            "a javascript: autolink",
            REFUSED,
            body("<javascript:alert(1)>"),
            "forbidden URL scheme",
        ),
        Case(
            k,
            "a javascript: reference link",
            REFUSED,
            body("[x][r]\n\n[r]: javascript:alert(1)"),
            "forbidden URL scheme",
        ),
        Case(
            k,
            "a data: link",
            REFUSED,
            body("[x](data:text/html,<script>alert('x')</script>)"),
            "forbidden URL scheme",
        ),
        Case(k, "a vbscript: link", REFUSED, body("[x](vbscript:msgbox)"), "forbidden URL scheme"),
        Case(k, "a file: link", REFUSED, body("[x](file:///etc/passwd)"), "forbidden URL scheme"),
        Case(
            k,
            "a protocol-relative link",
            REFUSED,
            body("[x](//169.254.169.254/latest)"),
            "link without a scheme",
        ),
        Case(
            k,
            "a backslashed host",
            REFUSED,
            body("[x](\\\\\\\\evil\\\\share)"),
            "missing local file",
        ),
        Case(
            k,
            "a link out of source/",
            REFUSED,
            body("[x](../pyproject.toml)"),
            "must name a file under source/",
        ),
        Case(k, "an absolute local link", REFUSED, body("[x](/etc/passwd)"), "missing local file"),
        Case(
            k, "a link with an encoded NUL", REFUSED, body("[x](images/%00)"), "missing local file"
        ),
        Case(
            k,
            "a link name too long for the disk",
            REFUSED,
            body("[x](" + "x" * 300 + ")"),
            "missing local file",
        ),
        Case(k, "a link to a folder", REFUSED, body("[x](images/)"), "missing local file"),
        Case(
            k,
            "a link to the canary through a symlink",
            REFUSED,
            both(link("source/images/out.svg", secret_svg), body("[x](images/out.svg)")),
            "",
        ),
        Case(k, "a local link", KEPT, body(f"See [the drawing {MARK}](images/cells.svg).")),
        Case(k, "an in-page link", KEPT, body(f"See [above {MARK}](#first-section).")),
        Case(
            k,
            "mailto: and tel: links",
            KEPT,
            body(f"[Mail {MARK}](mailto:clinic@example.org) or [call](tel:+15550100)."),
        ),
        Case(k, "an empty link text", KEPT, body(f"[](https://example.org) {MARK}")),
        Case(
            k,
            "an image inside a link",
            KEPT,
            body(f"[![A cell {MARK}](images/cells.svg)](https://example.org)"),
        ),
        Case(
            k,
            "an image from the web",
            REFUSED,
            body("![x](http://169.254.169.254/x.png)"),
            "must be a file under source/",
        ),
        Case(
            k,
            "an image as a data: URI",
            REFUSED,
            body("![x](data:image/png;base64,iVBORw0KGgo=)"),
            "must be a file under source/",
        ),
        Case(
            k,
            "an image with an absolute path",
            REFUSED,
            body("![x](/etc/passwd)"),
            "must be a file under source/",
        ),
        Case(
            k,
            "an image out of source/",
            REFUSED,
            body("![x](../templates/logo.svg)"),
            "must be a file under source/",
        ),
        Case(
            k,
            "an image through '..' inside source/",
            REFUSED,
            body("![x](../source/images/cells.svg)"),
            "must be a file under source/",
        ),
        Case(
            k,
            "an image that does not exist",
            REFUSED,
            body("![x](images/none.svg)"),
            "image not found",
        ),
        Case(
            k,
            "an image without alt text",
            REFUSED,
            body("![](images/cells.svg)"),
            "has no alt text",
        ),
        Case(
            k,
            "an image name too long for the disk",
            REFUSED,
            body("![x](" + "x" * 300 + ".png)"),
            "cannot be read",
        ),
        Case(
            k,
            "an image symlinked to the canary",
            REFUSED,
            both(link("source/images/out.svg", secret_svg), body("![x](images/out.svg)")),
            "",
        ),
        Case(
            k,
            "a PNG named .svg over the pixel limit",
            REFUSED,
            image_file(png(6000, 5000, body_rows=False)),
            "over the limit",
        ),
        Case(
            k,
            "a PNG header claiming 30000×30000",
            REFUSED,
            both(
                image_file(png(30000, 30000, body_rows=False), "bomb.png"),
                body("![A bomb](images/bomb.png)"),
            ),
            "over the limit",
        ),
        Case(k, "an empty image file", REFUSED, image_file(b""), "not a readable image"),
        Case(
            k,
            "a truncated PNG",
            REFUSED,
            both(image_file(b"\x89PNG\r\n\x1a\n\0\0", "cut.png"), body("![Cut](images/cut.png)")),
            "not a readable image",
        ),
        Case(
            k,
            "a text file as an image",
            REFUSED,
            both(image_file(b"hello", "text.png"), body("![Text](images/text.png)")),
            "not a readable image",
        ),
        Case(
            k,
            "an SVG linking a file",
            REFUSED,
            image_file(svg('<image href="file:///etc/passwd"/>')),
            "refers to another file",
        ),
        Case(
            k,
            "an SVG linking the canary",
            REFUSED,
            lambda p, c: (p / "source" / "images" / "cells.svg").write_bytes(
                svg(f'<image href="{(c / "secret.svg").as_uri()}"/>')
            ),
            "refers to another file",
        ),
        Case(
            k,
            "an SVG using a remote symbol",
            REFUSED,
            image_file(svg('<use href="http://169.254.169.254/s.svg#a"/>')),
            "refers to another file",
        ),
        Case(
            k,
            "an SVG importing CSS",
            REFUSED,
            image_file(svg("<style>@import 'http://169.254.169.254/x.css';</style>")),
            "refers to another file",
        ),
        Case(
            k,
            "an SVG style url()",
            REFUSED,
            image_file(svg('<rect style="fill:url(file:///etc/passwd)"/>')),
            "refers to another file",
        ),
        Case(
            k,
            "an SVG with an external entity",
            REFUSED,
            lambda p, c: (p / "source" / "images" / "cells.svg").write_bytes(
                f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "{(c / "secret.svg").as_uri()}">]>'.encode()
                + svg("<text>&x;</text>")
            ),
            "declares XML entities",
        ),
        Case(
            k,
            "an SVG entity bomb",
            REFUSED,
            image_file(
                b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                + svg("<text>&b;</text>")
            ),
            "declares XML entities",
        ),
        Case(
            k,
            "an SVG embedding a huge raster",
            REFUSED,
            image_file(
                svg(
                    '<image href="data:image/png;base64,'
                    + base64.b64encode(png(6000, 5000, body_rows=False)).decode()
                    + '"/>'
                )
            ),
            "over the limit",
        ),
        Case(
            k,
            "an SVG embedding another SVG",
            REFUSED,
            image_file(
                svg(
                    '<image href="data:image/svg+xml;base64,'
                    + base64.b64encode(svg("")).decode()
                    + '"/>'
                )
            ),
            "embeds something other than a raster",
        ),
        Case(
            k,
            "an SVG with internal references only",
            KEPT,
            both(
                image_file(
                    svg(
                        '<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="5" height="5"/><use href="#g"/>'
                    )
                ),
                body(f"Gradient {MARK}."),
            ),
        ),
        Case(
            k,
            "a small PNG",
            KEPT,
            both(image_file(png(4, 4), "dot.png"), body(f"![A dot {MARK}](images/dot.png)")),
        ),
        Case(
            k,
            "an image title with quotes",
            KEPT,
            body(f'![A cell {MARK}](images/cells.svg "a \\"quoted\\" <title>")'),
        ),
        Case(
            k,
            "emphasis 3000 deep",
            REFUSED,
            body("*" * 3000 + "x" + "*" * 3000),
            "nested more than",
        ),
        Case(
            k, "emphasis 20 deep", REFUSED, body("_a " * 20 + "x" + " b_" * 20), "nested more than"
        ),
        Case(k, "quotes 3000 deep", REFUSED, body(">" * 3000 + " x"), "nested more than"),
        Case(k, "lists 1000 deep", REFUSED, body("- " * 1000 + "x"), "nested more than"),
        Case(
            k,
            "indented lists 200 deep",
            REFUSED,
            body("".join("  " * i + "- x\n" for i in range(200))),
            "nested more than",
        ),
        Case(
            k,
            "links 3000 deep",
            REFUSED,
            body("[" * 3000 + "x" + "](y)" * 3000),
            "missing local file",
        ),
        Case(
            k,
            "200 headings",
            KEPT,
            body("\n\n".join(f"### Part {i} {MARK}\n\nText {i}." for i in range(200))),
        ),
        Case(k, "a 10 000-letter word", KEPT, body(MARK + "x" * 10_000)),
        Case(
            k,
            "a table of 200 columns",
            KEPT,
            body(
                "|"
                + "|".join(f"c{i}" for i in range(200))
                + "|\n|"
                + "|".join("-" for _ in range(200))
                + f"|\n|{MARK}"
                + "|x" * 199
                + "|"
            ),
        ),
        Case(
            k,
            "a code block with markup",
            KEPT,
            body(f"```\n<script>alert('x')</script> {MARK}\n```"),
        ),
        Case(k, "a half-megabyte paragraph", KEPT, body(f"{MARK} " + "word " * 100_000)),
        Case(
            k,
            "an empty body",
            KEPT,
            lambda p, c: (p / "source" / "demo.md").write_text(
                f"---\ntitle: {MARK}\nslug: demo\nlang: en\n---\n", "utf-8"
            ),
        ),
        Case(
            k,
            "a file name with a space",
            REFUSED,
            lambda p, c: (p / "source" / "demo.md").rename(p / "source" / "de mo.md"),
            "differs from the file name",
        ),
        Case(
            k,
            "a file name in capitals",
            REFUSED,
            lambda p, c: (p / "source" / "demo.md").rename(p / "source" / "Demo.md"),
            "slug",
        ),
        Case(
            k,
            "a hidden article",
            REFUSED,
            lambda p, c: (p / "source" / "demo.md").rename(p / "source" / ".demo.md"),
            "slug",
        ),
    ]
    for name in ("ui", "index", "report", "assets", "media"):
        cases.append(
            Case(
                k,
                f"an article named {name}.md",
                REFUSED,
                both(
                    article("slug: demo", f"slug: {name}"),
                    lambda p, c, n=name: (p / "source" / "demo.md").rename(
                        p / "source" / f"{n}.md"
                    ),
                ),
                "reserved by the pipeline",
            )
        )
    return cases


def _configuration_cases() -> list[Case]:
    k = "configuration"
    shown_name = lambda value: config('name = "Test Clinic"', f"name = {value}")  # noqa: E731
    return [
        Case(
            k,
            "TOML syntax error",
            REFUSED,
            config("large_print = false", "large_print = = false"),
            "invalid TOML",
        ),
        Case(
            k,
            "a key twice",
            REFUSED,
            setting("large_print = false\nlarge_print = true"),
            "invalid TOML",
        ),
        Case(
            k,
            "not UTF-8",
            REFUSED,
            lambda p, c: (p / "pyproject.toml").write_bytes(
                (p / "pyproject.toml").read_bytes() + b"# \xff\n"
            ),
            "not valid UTF-8",
        ),
        Case(
            k,
            "no clinic table",
            REFUSED,
            config("[tool.pipeline.clinic]", "[tool.other]"),
            "clinic",
        ),
        Case(k, "an empty clinic name", REFUSED, shown_name('""'), "is empty"),
        Case(k, "a blank clinic name", REFUSED, shown_name('"   "'), "is empty"),
        Case(k, "a clinic name that is a list", REFUSED, shown_name('["a"]'), "must be a string"),
        Case(
            k, "markup in the clinic name", KEPT, shown_name(f'"<script>alert(x)</script> {MARK}"')
        ),
        Case(
            k,
            "CSS in the clinic name (printed in @page)",
            KEPT,
            shown_name(f'"{MARK}\\"; }} body {{ display: none }} @page {{ x: \\""'),
        ),
        Case(
            k,
            "markup in the clinic e-mail",
            KEPT,
            config('email = "clinic@example.org"', f'email = "<img src=x onerror=alert(x)>{MARK}"'),
        ),
        Case(
            k,
            "an unknown key",
            REFUSED,
            setting("colour = 'red'"),
            "unknown key 'tool.pipeline.colour'",
        ),
        Case(
            k,
            "an unknown clinic key",
            REFUSED,
            config('name = "Test Clinic"', 'name = "Test Clinic"\nfax = "1"'),
            "unknown key 'tool.pipeline.clinic.fax'",
        ),
        Case(
            k,
            "an invalid source language",
            REFUSED,
            config('source_language = "en"', 'source_language = "english"'),
            "locale code",
        ),
        Case(
            k,
            "languages not a list",
            REFUSED,
            config('languages = ["es"]', 'languages = "es"'),
            "must be a list of strings",
        ),
        Case(
            k,
            "a language twice",
            REFUSED,
            config('languages = ["es"]', 'languages = ["es", "es"]'),
            "twice",
        ),
        Case(
            k,
            "a language that is a path",
            REFUSED,
            config('languages = ["es"]', 'languages = ["../../etc"]'),
            "locale code",
        ),
        Case(
            k,
            "the source language as a target",
            REFUSED,
            config('languages = ["es"]', 'languages = ["en", "es"]'),
            "source language",
        ),
        Case(k, "an unknown paper size", REFUSED, setting('paper = "A0"'), "unknown paper size"),
        Case(
            k,
            "a paper size in small letters",
            KEPT,
            both(setting('paper = "letter"'), body(f"Paper {MARK}.")),
        ),
        Case(
            k,
            "a margin that is not a length",
            REFUSED,
            setting('margin = "1px; } body { display: none"'),
            "invalid margin",
        ),
        Case(k, "a negative margin", REFUSED, setting('margin = "-5mm"'), "invalid margin"),
        Case(k, "a margin wider than the paper", REFUSED, setting('margin = "200mm"'), "margin"),
        Case(
            k,
            "a javascript: base URL",
            REFUSED,
            config(
                'base_url = "https://clinic.example.org/handouts"',
                'base_url = "javascript:alert(1)"',
            ),
            "must start with http",
        ),
        Case(
            k,
            "markup in the base URL",
            KEPT,
            both(
                config(
                    'base_url = "https://clinic.example.org/handouts"',
                    f'base_url = "https://x.example/\\"><script>{MARK}"',
                ),
                body("Online."),
            ),
            marker="&lt;script&gt;" + MARK,
        ),
        Case(k, "threshold 101", REFUSED, setting("threshold = 101"), "percentage"),
        Case(k, "threshold -1", REFUSED, setting("threshold = -1"), "percentage"),
        Case(k, "threshold as text", REFUSED, setting('threshold = "80"'), "percentage"),
        Case(k, "threshold 80.5", REFUSED, setting("threshold = 80.5"), "percentage"),
        Case(
            k,
            "a threshold for an unknown language",
            REFUSED,
            setting("thresholds = { fr = 90 }"),
            "not in languages",
        ),
        Case(k, "thresholds not a table", REFUSED, setting("thresholds = 90"), "must be a table"),
        Case(
            k,
            "large_print as text",
            REFUSED,
            config("large_print = false", 'large_print = "yes"'),
            "true or false",
        ),
        Case(k, "max_image_pixels 0", REFUSED, setting("max_image_pixels = 0"), "whole number"),
        Case(
            k,
            "max_image_pixels 2**63-1",
            REFUSED,
            setting("max_image_pixels = 9223372036854775807"),
            "whole number",
        ),
        Case(k, "render_timeout 9", REFUSED, setting("render_timeout = 9"), "whole number from 10"),
        Case(
            k,
            "render_timeout 3601",
            REFUSED,
            setting("render_timeout = 3601"),
            "whole number from 10",
        ),
        Case(
            k,
            "render_timeout 30.5",
            REFUSED,
            setting("render_timeout = 30.5"),
            "whole number from 10",
        ),
        Case(
            k,
            "render_memory_mb 511",
            REFUSED,
            setting("render_memory_mb = 511"),
            "whole number from 512",
        ),
        Case(
            k,
            "render_memory_mb 2**40",
            REFUSED,
            setting("render_memory_mb = 1099511627776"),
            "whole number from 512",
        ),
        Case(
            k,
            "a logo given by absolute path",
            REFUSED,
            config('logo = "templates/logo.svg"', 'logo = "/etc/passwd"'),
            "inside the project",
        ),
        Case(
            k,
            "a logo with '..'",
            REFUSED,
            config('logo = "templates/logo.svg"', 'logo = "../canary/secret.svg"'),
            "inside the project",
        ),
        Case(
            k,
            "a logo symlinked to the canary",
            REFUSED,
            both(
                link("templates/out.svg", lambda p, c: c / "secret.svg"),
                config('logo = "templates/logo.svg"', 'logo = "templates/out.svg"'),
            ),
            "leads outside the project",
        ),
        Case(
            k,
            "a GIF logo",
            REFUSED,
            both(
                image_file(b"GIF89a", "x.gif"),
                config('logo = "templates/logo.svg"', 'logo = "source/images/x.gif"'),
            ),
            "must be an .svg, .png or .jpg",
        ),
        Case(
            k,
            "a PNG named .svg as logo",
            REFUSED,
            both(
                image_file(png(4, 4), "p.svg"),
                config('logo = "templates/logo.svg"', 'logo = "source/images/p.svg"'),
            ),
            "is not a SVG file",
        ),
        Case(
            k,
            "a folder as logo",
            REFUSED,
            config('logo = "templates/logo.svg"', 'logo = "templates"'),
            "logo",
        ),
        Case(
            k,
            "a logo SVG that would fetch",
            REFUSED,
            both(
                image_file(svg('<image href="file:///etc/passwd"/>'), "l.svg"),
                config('logo = "templates/logo.svg"', 'logo = "source/images/l.svg"'),
            ),
            "refers to another file",
        ),
        Case(
            k,
            "a huge PNG logo",
            REFUSED,
            both(
                image_file(png(6000, 5000, body_rows=False), "l.png"),
                config('logo = "templates/logo.svg"', 'logo = "source/images/l.png"'),
            ),
            "over the limit",
        ),
        Case(
            k,
            "a logo SVG declaring an entity",
            REFUSED,
            both(
                image_file(
                    b'<!DOCTYPE svg [<!ENTITY a "aaaa">]>' + svg("<text>&a;</text>"), "l.svg"
                ),
                config('logo = "templates/logo.svg"', 'logo = "source/images/l.svg"'),
            ),
            "declares XML entities",
        ),
        Case(
            k,
            "a logo SVG embedding a huge raster",
            REFUSED,
            both(
                image_file(
                    svg(
                        '<image href="data:image/png;base64,'
                        + base64.b64encode(png(6000, 5000, body_rows=False)).decode()
                        + '"/>'
                    ),
                    "l.svg",
                ),
                config('logo = "templates/logo.svg"', 'logo = "source/images/l.svg"'),
            ),
            "over the limit",
        ),
        Case(
            k,
            "margins in inches wider than half a Letter page",
            REFUSED,
            setting('paper = "Letter"\nmargin = "1in 2.5in"'),
            "leaves less than half",
        ),
        Case(
            k,
            "margins just under half the page",
            KEPT,
            both(setting('margin = "50mm"'), body(f"Margins {MARK}.")),
        ),
    ]


def _file_cases() -> list[Case]:
    k = "files"
    secret = lambda name: lambda p, c: c / name  # noqa: E731
    return [
        Case(
            k,
            "an article symlinked out of the project",
            REFUSED,
            link("source/secret.md", secret("secret.md")),
            "outside the project",
        ),
        Case(
            k,
            "an article symlinked to another article",
            REFUSED,
            link("source/alias.md", lambda p, c: p / "source" / "demo.md"),
            "differs from the file name",
        ),
        Case(k, "an article that is a pipe", REFUSED, fifo("source/pipe.md"), "not a regular file"),
        Case(
            k,
            "an article that is a broken link",
            REFUSED,
            link("source/gone.md", lambda p, c: p / "source" / "nothing"),
            "not a regular file",
        ),
        Case(
            k, "an article that is a folder", REFUSED, folder("source/dir.md"), "not a regular file"
        ),
        Case(
            k,
            "an image symlinked out of the project",
            REFUSED,
            link("source/images/cells.svg", secret("secret.svg")),
            "outside the project",
        ),
        Case(
            k,
            "the images folder symlinked out",
            REFUSED,
            link("source/images", lambda p, c: c),
            "outside the project",
        ),
        Case(
            k,
            "an image that is a pipe",
            REFUSED,
            fifo("source/images/cells.svg"),
            "not a regular file",
        ),
        Case(
            k,
            "a catalog symlinked out",
            REFUSED,
            link("locales/es/LC_MESSAGES/demo.po", secret("secret.po")),
            "outside the project",
        ),
        Case(
            k,
            "a catalog that is a pipe",
            REFUSED,
            fifo("locales/es/LC_MESSAGES/demo.po"),
            "not a regular file",
        ),
        Case(
            k,
            "a catalog that is /dev/zero",
            REFUSED,
            link("locales/es/LC_MESSAGES/demo.po", lambda p, c: Path("/dev/zero")),
            "outside the project",
        ),
        Case(
            k,
            "a catalog that is a folder",
            REFUSED,
            folder("locales/es/LC_MESSAGES/ui.po"),
            "not a regular file",
        ),
        Case(
            k,
            "the article's catalog is a folder",
            REFUSED,
            folder("locales/es/LC_MESSAGES/demo.po"),
            "not a regular file",
        ),
        Case(
            k,
            "a template catalog that is a pipe",
            REFUSED,
            fifo("locales/demo.pot"),
            "not a regular file",
        ),
        Case(
            k,
            "a template catalog symlinked out",
            REFUSED,
            link("locales/ui.pot", secret("secret.po")),
            "outside the project",
        ),
        Case(
            k,
            "a language folder symlinked out",
            REFUSED,
            link("locales/es", lambda p, c: c),
            "outside the project",
        ),
        Case(
            k,
            "the page template symlinked out",
            REFUSED,
            link("templates/handout.html", secret("secret.md")),
            "outside the project",
        ),
        Case(
            k,
            "the stylesheet is a pipe",
            REFUSED,
            fifo("templates/style.css"),
            "not a regular file",
        ),
        Case(
            k,
            "a glossary symlinked out",
            REFUSED,
            link("locales/es/glossary.csv", secret("secret.md")),
            "outside the project",
        ),
        Case(
            k,
            "a glossary that is a pipe",
            REFUSED,
            fifo("locales/es/glossary.csv"),
            "not a regular file",
        ),
        Case(
            k,
            "output/ symlinked to another folder",
            REFUSED,
            link("output", lambda p, c: c),
            "must be a folder of the project",
        ),
        Case(
            k,
            "a folder in output/ symlinked out",
            REFUSED,
            link("output/zz", lambda p, c: c),
            "outside the project",
        ),
        Case(
            k,
            "the lock file symlinked out",
            REFUSED,
            link(".pipeline.lock", secret("secret.md")),
            "lock",
        ),
        Case(
            k,
            "a folder where a page goes",
            REFUSED,
            both(folder("output/es/demo.html/x"), body(f"Folder {MARK}.")),
            "cannot write this file",
        ),
        Case(
            k,
            "a source image named like the QR code",
            KEPT,
            both(
                image_file(svg(f"<title>{MARK}</title>"), "q.svg"),
                lambda p, c: (p / "source" / "es").mkdir(),
                lambda p, c: shutil.copy(
                    p / "source" / "images" / "q.svg", p / "source" / "es" / "demo.qr.svg"
                ),
                body(f"![QR {MARK}](es/demo.qr.svg)"),
            ),
        ),
        Case(
            k,
            "a source image named like the logo",
            KEPT,
            both(
                lambda p, c: (p / "source" / "assets").mkdir(),
                lambda p, c: (p / "source" / "assets" / "logo.svg").write_bytes(
                    svg(f"<title>{MARK}</title>")
                ),
                body(f"![Logo {MARK}](assets/logo.svg)"),
            ),
        ),
        Case(
            k,
            "a source image in a media/ folder",
            KEPT,
            both(
                lambda p, c: (p / "source" / "media").mkdir(),
                lambda p, c: (p / "source" / "media" / "x.svg").write_bytes(svg("")),
                body(f"![Media {MARK}](media/x.svg)"),
            ),
        ),
        Case(
            k,
            "leftover temporary files of a killed run",
            KEPT,
            both(
                lambda p, c: (p / "locales" / ".demo.po.abc.tmp").write_text("half"),
                body(f"Temp {MARK}."),
            ),
        ),
        Case(
            k,
            "an editor's lock link beside a catalog",
            REFUSED,
            link(
                "locales/es/LC_MESSAGES/.#demo.po", lambda p, c: Path("root@host.1234:1700000000")
            ),
            "broken symbolic link",
        ),
    ]


# ---------------------------------------------------------------------------
# Process: locks, signals, kills, concurrent runs


def _locked(*args: str) -> Callable[[Case, Path, Path], Outcome]:
    """Run `pipeline ARGS` while another process holds the project lock."""

    def runner(case: Case, project: Path, canary: Path) -> Outcome:
        words = [
            a.replace("{po}", str(po(project))).replace(
                "{pot}", str(project / "locales" / "demo.pot")
            )
            for a in args
        ]
        before = _inputs(project)
        with open(project / ".pipeline.lock", "a+") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            run = cli(project, *words)
        if _inputs(project) != before:
            return Outcome("wrong", "a locked project was written", [run])
        return _one_line(run, case)

    return runner


def _pipeline(project: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _pdf_texts(project: Path) -> dict[str, str]:
    texts = {}
    for pdf in sorted((project / "output").rglob("*.pdf")):
        out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
        texts[pdf.relative_to(project / "output").as_posix()] = " ".join(
            out.stdout.decode().split()
        )
    return texts


def _current(project: Path) -> Outcome | None:
    """After a rebuild: a wrong outcome if a PDF says what its catalog no longer says (the
    mark of an earlier, abandoned translation) or a PDF of the state is missing."""
    state = json.loads((project / "output" / ".build-state.json").read_text("utf-8"))
    texts = _pdf_texts(project)
    for key in state:
        if key not in texts:
            return Outcome("wrong", f"{key} is marked current but missing")
    stale = [key for key, text in texts.items() if MARK in text]
    if stale:
        return Outcome("wrong", f"stale PDF marked current: {stale}")
    return None


def _interrupted(sig: signal.Signals) -> Callable[[Case, Path, Path], Outcome]:
    """Start a build, interrupt it with `sig` once its first PDF is written, revert the
    translation it was building, rebuild: no traceback, no stale PDF."""

    def runner(case: Case, project: Path, canary: Path) -> Outcome:
        first = cli(project, "build")
        if first.code != 0:
            return Outcome("wrong", "the first build failed", [first])
        original = po(project).read_bytes()
        set_raw(project, TAKE, q(f"Tome 10 mg dos veces al día {MARK}."))
        pdfs = sorted((project / "output").rglob("*.pdf"))
        inodes = {pdf: pdf.stat().st_ino for pdf in pdfs}
        process = _pipeline(project, "build", "--jobs", "1")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if any(p.exists() and p.stat().st_ino != inodes[p] for p in pdfs):
                break
            time.sleep(0.005)
        process.send_signal(sig)
        _, err = process.communicate(timeout=60)
        if b"Traceback" in err:
            return Outcome("wrong", f"traceback on {sig.name}: {err.decode()[-300:]}")
        if process.returncode not in (0, 1, -sig, 128 + sig):  # 130 after Ctrl-C, as shells say
            return Outcome("wrong", f"exit status {process.returncode} on {sig.name}")
        report = json.loads((project / "output" / "report.json").read_text("utf-8"))
        if process.returncode != 0 and report.get("complete") is not False:
            # On a loaded machine the signal may come after the build wrote its last
            # report, while the process exits: then every Spanish PDF must say the new text.
            spanish = {k: t for k, t in _pdf_texts(project).items() if k.startswith("es/")}
            if not spanish or not all(MARK in text for text in spanish.values()):
                return Outcome("wrong", "an interrupted build left a report that looks complete")
        po(project).write_bytes(original)
        again = cli(project, "build")
        if again.code != 0:
            return Outcome("wrong", "the rebuild failed", [again])
        return _current(project) or Outcome(KEPT)

    return runner


def _killed_update(case: Case, project: Path, canary: Path) -> Outcome:
    """SIGKILL `pipeline update` at a few moments: every catalog parses and is either the
    old file or the new one."""
    from pipeline.po import parse_po

    article(TAKE, "Take 10 mg three times a day.")(project, canary)
    assert cli(project, "extract").code == 0
    old = {p: p.read_bytes() for p in (project / "locales").rglob("*.po")}
    for delay in (0.05, 0.2, 0.4, 0.8):
        process = _pipeline(project, "update")
        time.sleep(delay)
        process.kill()
        process.wait()
        for path in old:
            parse_po(path)
    run = cli(project, "update")
    new = {p: p.read_bytes() for p in old}
    if run.code != 0 or new == old:
        return Outcome("wrong", "update after the kills failed", [run])
    return Outcome(KEPT, runs=[run])


def _concurrent(case: Case, project: Path, canary: Path) -> Outcome:
    """Two builds started together: one works, the other is refused with one line."""
    first, second = _pipeline(project, "build"), _pipeline(project, "build")
    results = [(p.wait(timeout=300), p.communicate()[1].decode()) for p in (first, second)]
    codes = sorted(code for code, _ in results)
    refused = [err for code, err in results if code == 1]
    if (
        codes != [0, 1]
        or refused[0].count("\n") != 1
        or "another pipeline process" not in refused[0]
    ):
        return Outcome("wrong", f"two builds at once: {results}")
    return _current(project) or Outcome(REFUSED)


def _temporaries(case: Case, project: Path, canary: Path) -> Outcome:
    (project / "output" / "es").mkdir(parents=True)
    leftover = project / "output" / "es" / ".demo.pdf.123abc.tmp"
    leftover.write_bytes(b"%PDF-half")
    run = cli(project, "build", "--lang", "es")
    if run.code != 0 or leftover.exists():
        return Outcome("wrong", "a killed run's temporary file outlived the next run", [run])
    return _current(project) or Outcome(KEPT)


def _process_cases() -> list[Case]:
    k = "process"
    nothing = lambda p, c: None  # noqa: E731
    cases = [
        Case(
            k,
            f"{' '.join(args[:2])} while another process works",
            REFUSED,
            nothing,
            "another pipeline process",
            runner=_locked(*args),
        )
        for args in (
            ("extract",),
            ("init", "fr"),
            ("update",),
            ("pseudo",),
            ("build", "--lang", "es"),
            ("fmt", "{po}"),
            ("merge", "{po}", "{pot}", "-o", "{po}"),
        )
    ]
    cases += [
        Case(
            k,
            "Ctrl-C during a build, then a reverted catalog",
            KEPT,
            nothing,
            runner=_interrupted(signal.SIGINT),
        ),
        Case(
            k,
            "SIGTERM during a build, then a reverted catalog",
            KEPT,
            nothing,
            runner=_interrupted(signal.SIGTERM),
        ),
        Case(
            k,
            "SIGKILL during a build, then a reverted catalog",
            KEPT,
            nothing,
            runner=_interrupted(signal.SIGKILL),
        ),
        Case(k, "SIGKILL during update, four times", KEPT, nothing, runner=_killed_update),
        Case(k, "two builds at once", REFUSED, nothing, runner=_concurrent),
        Case(k, "a killed run's temporary PDF", KEPT, nothing, runner=_temporaries),
    ]
    return cases


CASES: list[Case] = [
    *_catalog_cases(),
    *_article_cases(),
    *_configuration_cases(),
    *_file_cases(),
    *_process_cases(),
]


# ---------------------------------------------------------------------------
# Running a case


def _inputs(project: Path) -> dict[str, bytes]:
    """The project's own files (everything but output/ and the lock), to prove a refused
    command wrote nothing."""
    found = {}
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if relative.parts[0] in ("output", ".pipeline.lock") or path.is_symlink():
            continue
        if path.is_file():
            found[relative.as_posix()] = path.read_bytes()
    return found


def _one_line(run: Run, case: Case) -> Outcome:
    if run.code != 1 or len(run.lines) != 1 or not LINE.match(run.lines[0]):
        return Outcome("wrong", f"not one path:line line: exit {run.code}, {run.err!r}", [run])
    if case.message and case.message not in run.err:
        return Outcome("wrong", f"refused, but not for the expected reason: {run.err!r}", [run])
    return Outcome(REFUSED, run.lines[0], [run])


def _pages(project: Path) -> str:
    return "\n".join(p.read_text("utf-8") for p in sorted((project / "output").rglob("*.html")))


_FORBIDDEN = re.compile(
    r"""(?:href|src)\s*=\s*["']?\s*(?:javascript|data|file|vbscript):|<script""", re.I
)


def _published(case: Case, project: Path, runs: list[Run]) -> Outcome:
    """The build succeeded: what did it print?"""
    html = _pages(project)
    everything = b"".join(p.read_bytes() for p in (project / "output").rglob("*") if p.is_file())
    if SECRET.encode() in everything:
        return Outcome("wrong", "a file outside the project was published", runs)
    bad = _FORBIDDEN.search(html)
    if bad:
        return Outcome("wrong", f"active markup or a forbidden URL in a page: {bad[0]!r}", runs)
    if case.absent and case.absent in html:
        return Outcome("wrong", f"{case.absent!r} is printed", runs)
    if case.marker in html:
        return Outcome(KEPT, "", runs)
    if case.shown and case.shown not in html:
        return Outcome("wrong", f"neither the text nor the source's {case.shown!r} is shown", runs)
    return Outcome(FELL_BACK, "", runs)


def _messages(msgcat_output: str | None) -> list[str]:
    """What gettext read, comments aside (gettext keeps a CRLF file's CR in its comments),
    header fields in any order and without trailing spaces (the writer puts them in polib's
    order and trims their values: no translation is in them)."""

    def read(part: str) -> list[str]:
        return [
            line.rstrip("\r") if line.startswith("#") else line
            for line in part.split("\n")
            if not line.startswith("#") or line.startswith(("#,", "#~"))
        ]

    header, _, rest = (msgcat_output or "").partition("\n\n")
    fields = [re.sub(r" *\\n\"$", '\\n"', line) for line in read(header)]
    return sorted(fields) + read(rest)


def _round_trip(case: Case, project: Path, originals: dict[Path, str | None]) -> Outcome | None:
    """`pipeline fmt` and `pipeline update` keep every translated character that gettext
    reads in the file (msgcat --no-wrap of before and after, compared)."""
    for path, before in originals.items():
        if before is None:
            return Outcome("wrong", f"gettext refuses {path.name}, which the pipeline read")
        copy = path.with_name(f"copy-{path.name}")
        shutil.copyfile(path, copy)
        run = cli(project, "fmt", str(copy))
        after = msgcat(copy)
        copy.unlink()
        if run.code != 0 or _messages(after) != _messages(before):
            return Outcome("wrong", f"fmt changed what gettext reads in {path.name}", [run])
    run = cli(project, "update", "--lang", "es")
    if run.code != 0:
        return Outcome("wrong", "update failed on a catalog check and build read", [run])
    for path, before in originals.items():
        after = msgcat(path)
        # Every translation typed is still there (the header's field values aside).
        typed = {s for s in msgstrs(before or "") if "Content-Type:" not in s}
        missing = sorted(typed - set(msgstrs(after or "")))
        if after is None or missing:
            return Outcome(
                "wrong", f"update lost translations of {path.name}: {missing[:3]}", [run]
            )
    return None


TIME_LIMIT = 300
"""Seconds a case may take: a read that never ends (a pipe, a device) is a failure, not a
hung test run."""


class CaseTimeout(BaseException):
    """Raised by the alarm: not an OSError, so that no `except OSError` of ours hides it."""


def _too_long(signum: int, frame: object) -> None:
    raise CaseTimeout(f"the case took more than {TIME_LIMIT} s (a read that never ends?)")


def run_case(case: Case, base: Path, work: Path, canary: Path) -> Outcome:
    """Copy the small project, attack it, run the commands, and say what happened."""
    project = work / "p"
    shutil.copytree(base, project, symlinks=True)
    case.attack(project, canary)
    log = work / "audit.log"
    previous = signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(TIME_LIMIT)
    try:
        with watch(canary, log):
            outcome = (case.runner or _standard)(case, project, canary)
    except (Exception, CaseTimeout) as exc:  # a traceback: the console script would print it
        import traceback

        return Outcome("wrong", "traceback: " + "".join(traceback.format_exception(exc))[-1500:])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    reads = log.read_text("utf-8") if log.exists() else ""
    if reads:
        return Outcome("wrong", f"outside the project: {reads[:300]}", outcome.runs)
    return outcome


def _standard(case: Case, project: Path, canary: Path) -> Outcome:
    before = _inputs(project)
    runs: list[Run] = []
    if case.kind == "catalogs":
        check = cli(project, "check", "--lang", "es")
        runs.append(check)
        if check.code not in (0, 1) or not all(LINE.match(line) for line in check.lines):
            return Outcome(
                "wrong", f"check printed something else than path:line lines: {check.err!r}", runs
            )
        build = html_build(project, "es")
        runs.append(build)
        if check.code == 1 and not check.out:  # the file itself is refused
            outcome = _one_line(check, case)
            if outcome.result == REFUSED and build.err != check.err:
                return Outcome(
                    "wrong", f"check and build disagree: {check.err!r} {build.err!r}", runs
                )
            return _unchanged(outcome, project, before)
        if build.code != 0:
            return Outcome(
                "wrong", f"check read the catalog, the build refused it: {build.err!r}", runs
            )
        outcome = _published(case, project, runs)
        originals = {path: msgcat(path) for path in (po(project), po(project, "ui"))}
        return _round_trip(case, project, originals) or outcome
    extract = cli(project, "extract")
    runs.append(extract)
    if extract.code != 0:
        return _unchanged(_one_line(extract, case), project, before)
    build = html_build(project)
    runs.append(build)
    if build.code != 0:
        return _one_line(build, case)
    return _published(case, project, runs)


def _unchanged(outcome: Outcome, project: Path, before: dict[str, bytes]) -> Outcome:
    if outcome.result == REFUSED and _inputs(project) != before:
        return Outcome("wrong", "a refused command changed the project's files", outcome.runs)
    return outcome


def make_canary(folder: Path) -> Path:
    """Files outside the project an attack points at; none may be opened."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secret.md").write_text(f"---\ntitle: {SECRET}\n---\n\n## {SECRET}\n", "utf-8")
    (folder / "secret.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg"><title>{SECRET}</title></svg>', "utf-8"
    )
    (folder / "secret.po").write_text(
        f'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n# {SECRET}\n', "utf-8"
    )
    return folder


def table(results: list[tuple[Case, Outcome]]) -> str:
    """The README's table: per class, cases tried, refused, fell back, kept, wrong."""
    rows = ["| class | tried | refused | fell back | kept | wrong |", "|---|--:|--:|--:|--:|--:|"]
    for kind in [*KINDS, "total"]:
        mine = [o for c, o in results if kind in (c.kind, "total")]
        counts = [
            sum(1 for o in mine if o.result == r) for r in (REFUSED, FELL_BACK, KEPT, "wrong")
        ]
        label = f"**{kind}**" if kind == "total" else kind
        rows.append(f"| {label} | {len(mine)} | " + " | ".join(map(str, counts)) + " |")
    return "\n".join(rows) + "\n"
