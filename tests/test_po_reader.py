"""The .po reader reads what GNU gettext reads; the installed msgcat and msgfmt are the oracle.

Each test writes a catalog, asks the GNU tools what it means (what `msgcat` writes back, what
`msgfmt --check` refuses and on which line), and compares our reader with that.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import make_project, msgcat, run_cli
from pipeline.errors import CatalogError
from pipeline.po import generate_po, parse_po

pytestmark = pytest.mark.skipif(
    shutil.which("msgcat") is None or shutil.which("msgfmt") is None,
    reason="GNU gettext's msgcat and msgfmt are the oracle",
)

HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)


def gettext(*command: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(list(command), capture_output=True)


def gettext_error_lines(path: Path) -> list[int]:
    """The lines msgfmt --check names in its errors (it must refuse the file)."""
    result = gettext("msgfmt", "--check", "-o", "/dev/null", str(path))
    assert result.returncode != 0, "msgfmt accepts the file"
    found = re.findall(rf"^{re.escape(str(path))}:(\d+):", result.stderr.decode(), re.M)
    return [int(line) for line in found]


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def refused(path: Path) -> CatalogError:
    with pytest.raises(CatalogError) as info:
        parse_po(path)
    return info.value


# ---------------------------------------------------------------------------
# 1. Characters Python treats as line breaks are ordinary characters in a .po line.

SEPARATORS = {
    "LS": "\u2028",
    "PS": "\u2029",
    "VT": "\x0b",
    "FF": "\x0c",
    "NEL": "\x85",
    "FS": "\x1c",
    "GS": "\x1d",
    "RS": "\x1e",
}


def separator_catalog(char: str) -> str:
    c = char
    return (
        'msgid ""\nmsgstr ""\n'
        f'"Last-Translator: Ana{c}María\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        f"# translator{c}comment\n#. extracted{c}comment\n"
        f'msgid "a{c}b"\nmsgstr "x{c}y{c}"\n\n'
        f'msgid ""\n"start{c}"\n"{c}end"\nmsgstr "{c}"\n\n'
        f'#, fuzzy\n#| msgid "old{c}text"\nmsgid "new{c}text"\nmsgstr "neu{c}"\n\n'
        f'msgctxt "ctx{c}"\nmsgid "one{c}"\nmsgid_plural "many{c}"\n'
        f'msgstr[0] "{c}1"\nmsgstr[1] "{c}2"\n\n'
        f'#~ msgid "gone{c}"\n#~ msgstr "weg{c}"\n'
    )


@pytest.mark.parametrize("char", SEPARATORS.values(), ids=SEPARATORS.keys())
def test_line_separators_inside_strings_survive_like_msgcat(tmp_path: Path, char: str) -> None:
    path = write(tmp_path / "sep.po", separator_catalog(char))
    assert gettext("msgfmt", "--check", "-o", "/dev/null", str(path)).returncode == 0
    expected = msgcat(path)
    assert generate_po(parse_po(path)) == expected
    assert generate_po(parse_po(path, expected)) == expected
    catalog = parse_po(path)
    assert catalog.find(f"a{char}b").msgstr == f"x{char}y{char}"
    assert catalog.metadata["Last-Translator"] == f"Ana{char}María"


@pytest.mark.parametrize("char", ["\u2028", "\x1c", "\x85"], ids=["LS", "FS", "NEL"])
def test_a_separator_outside_the_quotes_is_refused_like_msgfmt(tmp_path: Path, char: str) -> None:
    path = write(tmp_path / "stray.po", HEADER + f'msgid "m"\nmsgstr "x"{char}\n')
    assert gettext_error_lines(path)[0] == 7
    error = refused(path)
    assert error.line == 7
    assert f"U+{ord(char):04X}" in error.message and "delete it" in error.message


def test_update_keeps_a_line_separator_in_a_translation(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    run_cli("extract", cwd=project)
    run_cli("init", "es", cwd=project)
    po = project / "locales" / "es" / "LC_MESSAGES" / "demo.po"
    text = po.read_text("utf-8")
    po.write_text(text.replace('msgid "Dose"\nmsgstr ""', 'msgid "Dose"\nmsgstr "Do\u2028sis"'))
    run_cli("update", cwd=project)
    assert 'msgid "Dose"\nmsgstr "Do\u2028sis"\n' in msgcat(po)
    assert po.read_text("utf-8") == msgcat(po)


# ---------------------------------------------------------------------------
# 2. Line endings: gettext ends lines at LF only.

BODY = '# A comment\nmsgid "a"\nmsgstr "b"\n\n#. note\nmsgid "c"\nmsgstr "d\\n"\n"e"\n'


def test_cr_only_catalog_is_refused_on_line_one(tmp_path: Path) -> None:
    """gettext reads a CR-only file as one line: msgfmt finds no header (msgcat writes nothing)."""
    text = "# Spanish translation\n" + HEADER + BODY
    path = write(tmp_path / "mac.po", text.replace("\n", "\r"))
    result = gettext("msgfmt", "--check", "-o", "/dev/null", str(path))
    assert result.returncode != 0 and b"header missing" in result.stderr
    assert msgcat(path) == ""
    error = refused(path)
    assert error.line == 1
    assert "carriage return" in error.message and "LF" in error.message


def test_a_lone_cr_between_lines_is_refused_with_its_line(tmp_path: Path) -> None:
    """msgcat reads `#. note<CR>msgid "c"` as one comment: the message would vanish."""
    entries = '# A comment\nmsgid "a"\nmsgstr "b"\n\n#. note\rmsgid "c"\rmsgstr "d"\n'
    path = write(tmp_path / "mixed.po", HEADER + entries)
    assert 'msgid "a"' in msgcat(path) and 'msgid "c"' not in msgcat(path)
    error = refused(path)
    assert error.line == 10
    assert "carriage return" in error.message


def test_a_cr_inside_a_string_is_a_character(tmp_path: Path) -> None:
    path = write(tmp_path / "cr.po", HEADER + 'msgid "m"\nmsgstr "a\rb"\n')
    assert generate_po(parse_po(path)) == msgcat(path)
    assert parse_po(path).find("m").msgstr == "a\rb"


def test_crlf_catalog_is_read_and_written_with_lf(tmp_path: Path) -> None:
    """msgfmt accepts CRLF files; msgcat reads them as the LF file (keeping CRs only in
    comments, where they are the line ending): we read the LF file and write LF."""
    lf = write(tmp_path / "lf.po", "# Title\n#\n" + HEADER + BODY)
    crlf = write(tmp_path / "crlf.po", lf.read_text("utf-8").replace("\n", "\r\n"))
    assert gettext("msgfmt", "--check", "-o", "/dev/null", str(crlf)).returncode == 0
    ends = [line.rstrip(" \r") for line in msgcat(crlf).split("\n")]
    assert ends == [line.rstrip(" ") for line in msgcat(lf).split("\n")]
    assert generate_po(parse_po(crlf)) == msgcat(lf)


# ---------------------------------------------------------------------------
# 3. Escape sequences mean what they mean to gettext.

DECODED = {  # escapes msgcat decodes (and then writes as the character, or its own escape)
    "octal": r"a\101b",
    "octal-max-three-digits": r"a\1234",
    "octal-newline": r"a\12b",
    "octal-utf8-bytes": r"caf\303\251",
    "hex": r"\x41",
    "hex-greedy": r"a\x4142b",
    "hex-utf8-bytes": r"\xC3\xA9t\xc3\xa9",
    "hex-vertical-tab": r"a\x00b",
    "escape-char": r"a\033[1m",
    "bell": r"ding\a",
    "all-simple": r"\n\t\b\r\f\v\a\\\"",
}


@pytest.mark.parametrize("value", DECODED.values(), ids=DECODED.keys())
def test_escapes_are_decoded_like_msgcat(tmp_path: Path, value: str) -> None:
    entries = (
        f'msgid "m"\nmsgstr "{value}"\n\n'
        f'#, fuzzy\n#| msgid "{value}"\nmsgid "{value}?"\nmsgstr "{value}!"\n\n'
        f'#~ msgid "{value}."\n#~ msgstr "{value}"\n'
    )
    path = write(tmp_path / "esc.po", HEADER + entries)
    expected = msgcat(path)
    assert generate_po(parse_po(path)) == expected
    assert generate_po(parse_po(path, expected)) == expected


def test_utf8_bytes_split_over_two_lines_join_like_msgcat(tmp_path: Path) -> None:
    path = write(tmp_path / "split.po", HEADER + 'msgid "m"\nmsgstr ""\n"caf\\303"\n"\\251!"\n')
    assert generate_po(parse_po(path)) == msgcat(path)
    assert parse_po(path).find("m").msgstr == "café!"


REFUSED = {  # gettext refuses these: an invalid sequence on its own line (9), bytes that make
    # no UTF-8 on the entry's msgstr line (7); so do we
    "question-mark": (r"a\?b", 9),
    "single-quote": (r"it\'s", 9),
    "unicode": (r"caf\u00e9", 9),
    "big-unicode": (r"\U0001F600", 9),
    "digit-8": (r"a\8b", 9),
    "escape-e": (r"\e[0m", 9),
    "hex-without-digits": (r"a\xg", 9),
    "backslash-space": (r"a\ b", 9),
    "invalid-utf8-octal": (r"a\200b", 7),
    "invalid-utf8-hex": (r"a\xAb", 7),
    "octal-overflow": (r"a\777", 7),
}


@pytest.mark.parametrize(("value", "line"), REFUSED.values(), ids=REFUSED.keys())
def test_escapes_gettext_refuses_are_refused_on_its_line(
    tmp_path: Path, value: str, line: int
) -> None:
    path = write(tmp_path / "bad.po", HEADER + f'msgid "m"\nmsgstr ""\n"ok"\n"{value}"\n')
    result = gettext("msgcat", str(path))
    assert result.returncode != 0
    assert re.findall(rf"^{re.escape(str(path))}:(\d+):", result.stderr.decode(), re.M)[0] == str(
        line
    )
    error = refused(path)
    assert error.line == line
    assert "write " in error.message


def test_bytes_that_are_not_utf8_are_refused_on_the_msgstr_line(tmp_path: Path) -> None:
    """gettext names the entry's first msgstr line, wherever the bytes are."""
    entries = (
        '#, fuzzy\n#| msgid "x\\200"\nmsgid "m"\nmsgstr "ok"\n\n'
        'msgid "n"\nmsgid_plural "p"\nmsgstr[0] ""\n"a"\nmsgstr[1] ""\n"x"\n"\\377"\n'
    )
    first = write(tmp_path / "first.po", HEADER + entries)
    second = write(tmp_path / "second.po", HEADER + entries.replace("x\\200", "x"))
    for path, line in ((first, 9), (second, 13)):
        stderr = gettext("msgcat", str(path)).stderr.decode()
        assert f"{path}:{line}: invalid multibyte sequence" in stderr
        assert refused(path).line == line


@pytest.mark.parametrize("value", [r"a\000b", r"\0", r"x\x00", r"\x100"])
def test_nul_escapes_are_refused_instead_of_cutting_the_string(tmp_path: Path, value: str) -> None:
    """gettext accepts a NUL escape but ends the string there: msgcat and msgfmt drop the rest
    silently. Nothing a translator typed may be lost, so we refuse it on its line."""
    path = write(tmp_path / "nul.po", HEADER + f'msgid "m"\nmsgstr "{value}<rest>"\n')
    assert "<rest>" not in msgcat(path)
    mo = tmp_path / "nul.mo"
    assert gettext("msgfmt", "-o", str(mo), str(path)).returncode == 0
    assert b"<rest>" not in mo.read_bytes()
    error = refused(path)
    assert error.line == 7
    assert "NUL" in error.message and "delete it" in error.message


def test_a_raw_nul_character_is_refused(tmp_path: Path) -> None:
    """msgcat silently cuts a string at a NUL byte."""
    path = write(tmp_path / "nul.po", HEADER + 'msgid "m"\nmsgstr "a\x00b"\n')
    assert 'msgid "m"\nmsgstr "a"\n' in msgcat(path)
    error = refused(path)
    assert error.line == 7
    assert "NUL" in error.message and "delete it" in error.message


# ---------------------------------------------------------------------------
# 5. Errors say what to do.


def test_an_unescaped_quote_says_to_write_backslash_quote(tmp_path: Path) -> None:
    path = write(tmp_path / "q.po", HEADER + 'msgid "m"\nmsgstr ""\n"say "hi" now"\n')
    assert gettext_error_lines(path)[0] == 8
    error = refused(path)
    assert error.line == 8
    assert 'write \\"' in error.message


def test_a_bom_is_named_and_fmt_removes_it(tmp_path: Path) -> None:
    text = "# Title\n" + HEADER + 'msgid "m"\nmsgstr "x"\n'
    path = write(tmp_path / "bom.po", "\ufeff" + text)
    assert gettext_error_lines(path) == [1]
    error = refused(path)
    assert error.line == 1
    assert "byte order mark" in error.message and f"pipeline fmt {path}" in error.message
    result = run_cli("fmt", str(path), cwd=tmp_path)
    assert result.stdout == "formatted bom.po\n"
    assert path.read_bytes() == msgcat(write(tmp_path / "plain.po", text)).encode("utf-8")


def test_fmt_normalises_crlf(tmp_path: Path) -> None:
    """A canonical catalog saved with CRLF is not canonical: fmt writes it with LF."""
    canonical = msgcat(write(tmp_path / "lf.po", HEADER + BODY))
    path = write(tmp_path / "crlf.po", canonical.replace("\n", "\r\n"))
    result = run_cli("fmt", "--check", str(path), cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr == "crlf.po:1: not in canonical gettext formatting\n"
    run_cli("fmt", str(path), cwd=tmp_path)
    assert path.read_bytes() == canonical.encode("utf-8")


def test_update_rewrites_a_crlf_catalog_with_lf(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    run_cli("extract", cwd=project)
    run_cli("init", "es", cwd=project)
    po = project / "locales" / "es" / "LC_MESSAGES" / "demo.po"
    lf = po.read_bytes()
    po.write_bytes(lf.replace(b"\n", b"\r\n"))
    result = run_cli("update", "--check", cwd=project, check=False)
    assert result.returncode == 1
    assert result.stderr == (
        "locales/es/LC_MESSAGES/demo.po:1: only the formatting differs (line wrapping or line"
        " endings): run 'pipeline fmt locales/es/LC_MESSAGES/demo.po'\n"
    )
    run_cli("update", cwd=project)
    assert po.read_bytes() == lf


@pytest.mark.parametrize(
    ("entries", "line", "advice"),
    [
        ('msgid "a"\nmsgid "b"\nmsgstr "x"\n', 6, 'msgid without msgstr: add msgstr "" after it'),
        ('msgstr "x"\n', 6, "msgstr is out of place: an entry is"),
        ('msgid "a"\nmsgstr "x"\nmsgid_plural "y"\n', 8, "msgid_plural is out of place"),
        ('msgidd "a"\nmsgstr "x"\n', 6, "unexpected 'msgidd': a line is a # comment"),
        ('msgid "a"\nmsgstr "x";\n', 7, "unexpected ';' after the closing quote: delete it"),
        # The file ends inside an entry: polib would complete it silently, gettext refuses.
        ('msgid "a"\nmsgstr "x"\n\nmsgid "b"\n', 9, 'msgid without msgstr: add msgstr ""'),
        ('msgid "a"\nmsgid_plural "b"\n', 6, "msgid_plural without msgstr[0], msgstr[1]"),
        ('msgid "a"\nmsgstr "x"\n\n#~ msgid "b"\n', 9, 'msgid without msgstr: add msgstr ""'),
        # An obsolete twin of a live entry is a second definition to gettext too.
        ('msgid "a"\nmsgstr "x"\n\n#~ msgid "a"\n#~ msgstr "y"\n', 9, "duplicate message"),
    ],
)
def test_syntax_errors_say_what_to_do(tmp_path: Path, entries: str, line: int, advice: str) -> None:
    path = write(tmp_path / "bad.po", HEADER + entries)
    assert gettext_error_lines(path)[0] == line
    error = refused(path)
    assert error.line == line
    assert advice in error.message


def test_an_unterminated_string_is_refused_on_its_own_line(tmp_path: Path) -> None:
    """msgfmt notices the end of the line on the next one and names that; we name the line of
    the string, which is the one to fix."""
    path = write(tmp_path / "bad.po", HEADER + 'msgid "a"\nmsgstr "x\n\nmsgid "b"\nmsgstr ""\n')
    assert gettext_error_lines(path)[0] == 8
    error = refused(path)
    assert error.line == 7
    assert 'end it with " on the same line' in error.message


def test_strings_gettext_joins_on_one_line_are_read_like_msgcat(tmp_path: Path) -> None:
    entries = 'msgid"a"\nmsgstr"b" "c"\n\nmsgid "d"   "e\\101"\nmsgstr ""\n"x" "y"\n\n#~ msgid "o" "p"\n#~ msgstr "q"\n'
    path = write(tmp_path / "joined.po", HEADER + entries)
    expected = msgcat(path)
    assert generate_po(parse_po(path)) == expected
    assert parse_po(path).find("deA").msgstr == "xy"


def test_escapes_on_obsolete_and_previous_continuation_lines(tmp_path: Path) -> None:
    entries = (
        '#, fuzzy\n#| msgid ""\n#| "old\\101"\nmsgid "new"\nmsgstr "neu"\n\n'
        '#~ msgid ""\n#~ "gone\\x42"\n#~ msgstr ""\n#~ "weg\\103"\n'
    )
    path = write(tmp_path / "cont.po", HEADER + entries)
    assert generate_po(parse_po(path)) == msgcat(path)
    assert parse_po(path).find("new").previous_msgid == "oldA"


def test_continuation_lines_in_every_position_are_read_like_msgcat(tmp_path: Path) -> None:
    """The reader joins each string's continuation lines before polib sees them (polib's own
    joining is quadratic in the string's length): every kind of string, live and obsolete,
    reads as msgcat reads it, and every entry keeps its line number."""
    entries = (
        'msgctxt ""\n"ctx" \t\n"t"\nmsgid ""\n"one "\n"\\"two\\"\\\\"\n"n"\n'
        'msgid_plural ""\n"many"\nmsgstr[0] ""\n"uno"\nmsgstr[1] "mu"\n"chos"\n\n'
        '#, fuzzy\n#| msgid ""\n#| "prev"\n#| "ious"\nmsgid "x"\n"y"\nmsgstr "z"\n"w"\n\n'
        'msgid "tail"\nmsgstr "a"\n   "b"\n\n'
        '#~ msgid ""\n#~ "gone"\n#~ msgstr ""\n#~ "weg"\n#~ "gang"\n'
    )
    path = write(tmp_path / "cont.po", HEADER + entries)
    catalog = parse_po(path)
    assert generate_po(catalog) == msgcat(path)
    assert catalog.find('one "two"\\n', msgctxt="ctxt").msgstr_plural == {0: "uno", 1: "muchos"}
    assert catalog.find("tail").msgstr == "ab"
    obsolete = [e for e in catalog if e.obsolete]
    assert [e.msgstr for e in obsolete] == ["weggang"]
    lines = HEADER.count("\n") + 1
    assert [e.linenum for e in catalog if not e.obsolete] == [lines, lines + 14, lines + 23]
