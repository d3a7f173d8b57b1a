"""Line breaking and format directives, each rule shown on GNU msgcat as a black box.

`pipeline/wrap.py` asks the installed libunistring for the break opportunities and adds
gettext's own rules; `pipeline/formats.py` finds the directives gettext keeps whole.  These
tests are the experiments those rules come from: catalogs written by `msgcat -w N` for many
page widths N, compared with ours.  A rule is only kept here with a case where the library
alone would break otherwise, so that each test fails without the rule it shows.
"""

from __future__ import annotations

import ctypes
import random
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import wrap
from pipeline.errors import PipelineError
from pipeline.formats import brace_no_break, c_directives, python_directives
from pipeline.po import generate_po, parse_po

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
WIDTHS = range(20, 80)
"""msgcat's page widths: below 20 it uses 20 (observed)."""


def po_quote(text: str) -> str:
    """`text` as one unwrapped PO string literal, so that only msgcat chooses the lines."""
    table = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    return '"' + text.translate(str.maketrans(table)) + '"'


def write_catalog(path: Path, entries: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *entries]), "utf-8")
    return path


def msgcat(path: Path, width: int = 79) -> str:
    command = ["msgcat", "-w", str(width), str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def differences(
    path: Path, widths: range | list[int] = WIDTHS, strings_only: bool = False
) -> list[str]:
    """The entries (as msgcat writes them) that we write differently, at any of `widths`;
    `strings_only` leaves the flag lines out (msgcat sorts format flags, we keep their order)."""
    catalog = parse_po(path)
    found: dict[int, str] = {}
    for width in widths:
        ours = generate_po(catalog, page_width=width)
        gnu = msgcat(path, width)
        if strings_only:
            ours, gnu = (re.sub(r"(?m)^#,.*\n", "", text) for text in (ours, gnu))
        ours, theirs = ours.split("\n\n"), gnu.split("\n\n")
        assert len(ours) == len(theirs)
        for index, (mine, gnu) in enumerate(zip(ours, theirs, strict=True)):
            if mine != gnu and index not in found:
                found[index] = f"width {width}:\n{gnu}\n--- ours:\n{mine}"
    return list(found.values())


def library_cuts(text: str, width: int) -> list[int]:
    """Where libunistring alone breaks `text` (no rule of ours), as character indices."""
    data = text.encode()
    return [len(data[:cut].decode()) for cut in wrap._cuts(data, 0, width, ())]


# --- the rules wrap.py adds to the library ----------------------------------------------------


def test_no_break_inside_an_escaped_backslash(tmp_path: Path) -> None:
    """The library may break between the two characters of `\\\\`; gettext never does."""
    texts = ["字" * k + "\\" + "字" * 30 for k in range(36, 40)]
    escaped = [text.replace("\\", "\\\\") for text in texts]
    assert any(e[cut - 1 : cut + 1] == "\\\\" for e in escaped for cut in library_cuts(e, 77))
    entries = [f"msgid {po_quote(text)}\nmsgstr {po_quote(text)}\n" for text in texts]
    assert differences(write_catalog(tmp_path / "escapes.po", entries), [79]) == []


def test_no_break_before_the_final_newline(tmp_path: Path) -> None:
    """The library may put a final `\\n` after a space alone on a line; gettext keeps it
    with the word before, and breaks before any other escape sequence as the library does."""
    texts = [("mot " * 40)[:n] + " \n" + "suite " * 5 for n in range(70, 80)]
    texts += ["x" * n + ' "quoted" and \t tab' for n in range(60, 80)]
    assert any(
        e[cut:].startswith("\\n")
        for text in texts
        for e in [text.replace("\n", "\\n")]
        for cut in library_cuts(e, 77)
    )
    entries = [f"msgid {po_quote(text)}\nmsgstr {po_quote(text)}\n" for text in texts]
    assert differences(write_catalog(tmp_path / "newline.po", entries), [79]) == []


def test_first_line_empty_when_the_value_does_not_fit(tmp_path: Path) -> None:
    """On the keyword line when it fits (or cannot be broken at all), else `msgid ""` first."""
    texts = ["a" * 60 + " b" * k for k in range(1, 12)] + ["x" * 100, "x" * 100 + " y", "字" * 36]
    entries = [f"msgid {po_quote(text)}\nmsgstr {po_quote(text[:70])}\n" for text in texts]
    entries += [f'#~ msgid {po_quote(text + "!")}\n#~ msgstr "z"\n' for text in texts]
    assert differences(write_catalog(tmp_path / "first.po", entries)) == []


def test_no_wrap_keeps_each_line_whole(tmp_path: Path) -> None:
    text = "多发性硬化是一种复杂的神经系统疾病，" * 8 + "\nword " * 30
    entries = [f"#, no-wrap\nmsgid {po_quote(text)}\nmsgstr {po_quote(text[::-1])}\n"]
    entries.append(f'#, no-wrap\nmsgid {po_quote("one " * 40)}\nmsgstr ""\n')
    assert differences(write_catalog(tmp_path / "nowrap.po", entries), [20, 79]) == []
    assert max(map(len, generate_po(parse_po(tmp_path / "nowrap.po")).splitlines())) > 150


def test_mandatory_breaks_and_controls_match_msgcat(tmp_path: Path) -> None:
    """Characters UAX #14 treats specially: NEL, U+2028/9 (mandatory breaks, which gettext
    does not turn into lines), controls, soft hyphen, ZWSP/ZWJ, combining marks, BOM."""
    odd = "\x85\u2028\u2029\x01\x1b\x7f\u00ad\u200b\u200d\u0301\ufeff\u00a0\u3000\x1c\x0c\x0b\r"
    rng = random.Random(5)
    common = list("abcdefgh  -.,字") + [" "] * 10
    texts = set()
    while len(texts) < 300:
        size = rng.randint(40, 300)
        texts.add("".join(rng.choice(odd if rng.random() < 0.08 else common) for _ in range(size)))
    entries = [f"msgid {po_quote(t)}\nmsgstr {po_quote(t[::-1])}\n" for t in sorted(texts)]
    assert differences(write_catalog(tmp_path / "odd.po", entries), [79]) == []


def test_no_character_below_u1100_takes_two_columns() -> None:
    """What lets `wrap` know most lines fit without asking the library (`_WIDE`): asked about
    each character below U+1100, libunistring gives none more than one column."""
    function = wrap._linebreaker()
    result = (ctypes.c_char * 4)()
    columns = {}
    for code in range(0x1100):
        data = chr(code).encode()
        columns[code] = function(data, len(data), 1000, 0, 0, None, b"UTF-8", result)
    assert max(columns.values()) == 1
    data = "\u1100".encode()  # the first wide one: the test can tell
    assert function(data, len(data), 1000, 0, 0, None, b"UTF-8", result) == 2


def test_missing_library_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a machine without libunistring, a user error (one line), not a traceback."""
    monkeypatch.setattr(wrap, "_SONAMES", ("libunistring-absent.so.0",))
    monkeypatch.setattr("ctypes.util.find_library", lambda name: None)
    wrap._linebreaker.cache_clear()
    try:
        with pytest.raises(PipelineError, match="libunistring"):
            wrap.wrap_value("é " * 60, 6)
    finally:
        wrap._linebreaker.cache_clear()


# --- format directives, at every page width ---------------------------------------------------

WORDS = ["a-b", "word", "é-à", "字字", "x" * 9, '"q"', "t\tab", "back\\slash", "(p)", "1-2"]


def _python(rng: random.Random) -> str:
    key = rng.choice(["", "", "(n)", "(a-b)", "(x y)", "(a(b)c)", "(" + "k" * 30 + ")", "(", "(é)"])
    flags = rng.choice(["", "", "-", " ", "#0", "- +"])
    width = rng.choice(["", "", "5", "*", "12"])
    precision = rng.choice(["", "", ".", ".3", ".*"])
    length = rng.choice(["", "", "", "h", "l", "L", "ll", "hh"])
    conversion = rng.choice("sdrifxXeEgGc%%" + "aFzbq")
    return f"%{key}{flags}{width}{precision}{length}{conversion}"


def _c(rng: random.Random) -> str:
    number = rng.choice(["", "", "", "1$", "2$", "0$", "01$", "10$"])
    flags = rng.choice(["", "", "-", " ", "'", "#0", "I", " I-", "+ "])
    width = rng.choice(["", "", "5", "*", "*1$", "*2$", "*0$"])
    precision = rng.choice(["", "", ".", ".3", ".*", ".*2$"])
    tails = "d s lld hhd qqd lhd zu Lf m % C S p n a b y <PRId64> <PRIxFAST16> <PRIuMAX>"
    tail = rng.choice([*tails.split(), "<PRIfoo>", "l<PRId32>", "<PRId7>"])
    return f"%{number}{flags}{width}{precision}{tail}"


def _brace(rng: random.Random) -> str:
    name = rng.choice(["x", "0", "", "é", "a-b", "1a", "nm" * rng.randint(1, 20), "_k9"])
    for _ in range(rng.choice([0, 0, 1, 2])):
        name += rng.choice([".b", ".0", ".", "[0]", "[b]", "[b c]", "[]", "[-1]", "[0", "[a9]"])
    specs = ":>10 :x< :é< :+- :0# :. :5. :.3f :s :, :=+#010.3f :>>> :{y} :{} :{y:} :{y}x :x{y}"
    nested = ":{" + "y" * rng.randint(1, 30) + "}"
    spec = rng.choice(["", "", "", ":", ": >5", nested, "!r", "!s:>5", ":\t<", *specs.split()])
    close = rng.choice(["}", "}", "}", "}", "", "}}"])
    return rng.choice(["{", "{", "{", "{", "{{", "}", "}}"]) + name + spec + close


def directive_texts(make: Callable[[random.Random], str], seed: int, count: int) -> list[str]:
    """Texts of words and directives, valid and not, some directives long enough that the
    page width crosses them, some after multi-byte text or escapes."""
    rng = random.Random(seed)
    texts: set[str] = set()
    while len(texts) < count:
        parts = [rng.choice(WORDS) for _ in range(rng.randint(1, 6))]
        for _ in range(rng.randint(1, 4)):
            parts.insert(rng.randint(0, len(parts)), make(rng))
        if rng.random() < 0.3:
            parts.insert(0, rng.choice(["x-" * 20, "字" * 12, "w " * 15, '"quoted" ' * 3]))
        texts.add("".join(part + rng.choice(["", "", "-", " ", "字"]) for part in parts))
    return sorted(texts)


MAKERS = {"python-format": _python, "c-format": _c, "python-brace-format": _brace}


@pytest.mark.parametrize("flag", sorted(MAKERS))
def test_directive_breaks_match_msgcat_at_every_width(tmp_path: Path, flag: str) -> None:
    """Each width moves the first line's end across the text, so every break opportunity
    that gettext forbids (and we would allow) or allows (and we would forbid) shows."""
    texts = directive_texts(MAKERS[flag], seed=len(flag), count=120)
    entries = [f"#, {flag}\nmsgid {po_quote(t)}\nmsgstr {po_quote(t)}\n" for t in texts]
    path = write_catalog(tmp_path / "directives.po", entries)
    problems = differences(path)
    assert problems == [], f"{len(problems)} entries differ; first at " + problems[0]


def test_brace_fields_that_fail_near_the_limit(tmp_path: Path) -> None:
    """A valid field first (its closing brace 31 bytes from its "{"), then one that fails at
    about that offset from its own "{": where each kind of failure is counted decides
    whether the breaks of the first 31 bytes stay forbidden (observed: a missing "]" counts
    one past the character that is not "]"; a nested field counts from its own "{")."""
    valid = "{" + "n" * 30 + "}"
    failures = ["!r}", ".0}", "[b c]}", "[0}", "[0", ":,}", ":>>>}", ":{y}x}", ":", ":{yy!r}}"]
    texts = [
        "x-" * 20 + valid + " {" + "m" * size + failure + " tail"
        for failure in failures
        for size in range(24, 33)
    ]
    texts += ["x-" * 20 + valid + " {m:{" + "y" * size + "[0}}" for size in range(24, 33)]
    entries = [f'#, python-brace-format\nmsgid {po_quote(t)}\nmsgstr ""\n' for t in texts]
    problems = differences(write_catalog(tmp_path / "limits.po", entries), range(20, 80, 2))
    assert problems == [], problems[0]


def test_directives_stay_whole_in_every_string_of_the_entry(tmp_path: Path) -> None:
    """msgctxt, msgid_plural, the plural forms and the `#|` previous strings too (observed:
    without the flag's rule on any one of them, msgcat differs)."""
    texts = {
        "python-format": "x-" * 14 + "%(a-b)s %(c-d-e)s " + "字" * 25,
        "c-format": "x-" * 14 + "% -d %-5s " + "字" * 25,
        "python-brace-format": "x-" * 20 + "{" + "n" * 30 + "} tail-" * 3,
    }
    entries = []
    for flag, text in texts.items():
        q = po_quote
        entries.append(
            f"#, {flag}\n#| msgctxt {q(text)}\n#| msgid {q(text + 'p')}\n"
            f"#| msgid_plural {q(text + 'pp')}\nmsgctxt {q(text)}\nmsgid {q(text + flag)}\n"
            f"msgid_plural {q(text + 's')}\nmsgstr[0] {q(text)}\nmsgstr[1] {q(text)}\n"
        )
        entries.append(
            f"#, {flag}\n#~ msgctxt {q(text)}\n#~ msgid {q(text + 'gone')}\n#~ msgstr {q(text)}\n"
        )
    assert differences(write_catalog(tmp_path / "strings.po", entries)) == []


def test_format_flags_rule_in_a_fixed_order(tmp_path: Path) -> None:
    """c-format before python-format before python-brace-format, in either order of the
    flags; `possible-` counts, `no-` does not."""
    texts = [
        "x-" * 15 + "% -d %(a-b)s " + "{" + "n" * 30 + "}" + " tail-end" * 3,
        "x-" * 15 + "%(a-b)s % -d " + "{" + "n" * 30 + "}" + " tail-end" * 3,
    ]
    flag_sets = [
        "c-format, python-format",
        "python-format, c-format",
        "python-brace-format, python-format",
        "python-format, python-brace-format",
        "python-brace-format, c-format",
        "no-c-format, python-format",
        "possible-python-format",
        "possible-python-brace-format",
    ]
    entries = [
        f"#, {flags}\nmsgid {po_quote(text + str(n))}\nmsgstr {po_quote(text)}\n"
        for n, flags in enumerate(flag_sets)
        for text in texts
    ]
    assert differences(write_catalog(tmp_path / "order.po", entries), strings_only=True) == []


# --- the directive parsers, on cases the experiments settled ----------------------------------


def test_python_directives() -> None:
    spans = list(python_directives("%(a(b)c)s, %(n)5.2f and %% of %(k)d %z %(x)s"))
    assert [(a, b) for a, b in spans] == [(0, 9), (11, 19), (24, 26), (30, 35)]
    assert list(python_directives("%s %(x)s")) == [(0, 2)]  # keys and positions do not mix
    assert list(python_directives("%a %s")) == []  # no `a` (nor `F`) conversion


def test_c_directives() -> None:
    text = "%1$-*3$.*4$lld %2$<PRIuFAST16> %m %% %qqd"
    assert list(c_directives(text, msgstr=False)) == [(0, 14), (15, 30), (31, 33), (34, 36)]
    assert list(c_directives("% Id", msgstr=False)) == []
    assert list(c_directives("% Id", msgstr=True)) == [(0, 4)]
    assert list(c_directives("%0$d", msgstr=False)) == []


def test_brace_regions_start_at_the_string() -> None:
    field = "{" + "n" * 20 + "}"  # closing brace at offset 21 from its "{"
    assert brace_no_break("ab " + field) == set(range(1, 22))
    assert brace_no_break("字" * 9 + field) == set(range(1, 8))  # bytes 3..21
    assert brace_no_break(field + " {x!r}") == set()  # "!" at offset 2 from its "{": 2 <= 21
    assert brace_no_break(field + " {" + "m" * 25 + "!r}") == set(range(1, 22))
    assert brace_no_break("{" + "m" * 25 + "!r} " + field) == set()
    assert brace_no_break("{x:.} {y:5.}") == {1, 2, 3, 4}  # "." without digits is valid


def test_references_fill_lines_like_msgcat(tmp_path: Path) -> None:
    """`#:` lines hold what fits in the page width; a repeated reference is written once."""
    rng = random.Random(3)
    entries = []
    for number in range(40):
        refs = [
            f"source/{'d' * rng.randint(1, 30)}.md:{rng.randint(1, 999)}"
            if rng.random() < 0.7
            else f"src/{'x' * rng.randint(1, 60)}.py"
            for _ in range(rng.randint(1, 8))
        ]
        refs.insert(rng.randint(0, len(refs)), rng.choice(refs))
        entries.append(f'#: {" ".join(refs)}\nmsgid "m{number}"\nmsgstr ""\n')
    assert differences(write_catalog(tmp_path / "refs.po", entries)) == []


# --- the writer's layout ----------------------------------------------------------------------


def test_entry_layout_matches_msgcat(tmp_path: Path) -> None:
    """Comments, references, flags and previous strings in the manual's order; `fuzzy` first
    and only with a translation; obsolete entries keep their comments and references, and
    are left out when untranslated.  (Not shown: an obsolete entry's `#~|` previous msgid,
    which polib does not read, nor trailing spaces in comments, which polib strips.)"""
    path = tmp_path / "layout.po"
    path.write_text(
        '# Header comment.\n#\n#, fuzzy\nmsgid ""\nmsgstr ""\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        "# note\n#\n#   indented\n#. extracted\n#.   x\n#: a.md b.md\n#: a.md\n"
        '#, python-format, fuzzy\n#| msgctxt "old"\n#| msgid "a %s"\nmsgctxt "new"\n'
        'msgid "a %(x)s"\nmsgstr "b %(x)s"\n\n'
        '#, fuzzy, no-wrap\nmsgid "untranslated"\nmsgstr ""\n\n'
        '#, fuzzy\n#~ msgid "gone, untranslated"\n#~ msgstr ""\n\n'
        '# obsolete note\n#. gone\n#: ref.md\n#, fuzzy\n#~ msgid "e"\n'
        '#~ msgstr "f"\n',
        "utf-8",
    )
    assert generate_po(parse_po(path)) == msgcat(path)
