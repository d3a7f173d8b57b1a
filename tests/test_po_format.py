"""The one .po writer formats like GNU gettext; the reader refuses broken files clearly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import CORPORA, ROOT
from pipeline.errors import CatalogError
from pipeline.po import format_string, generate_po, parse_po

FRENCH = CORPORA / "python-docs-fr"
# Files whose round trip already matches msgcat exactly; the rest is tracked in the README.
MATCHING = [
    "faq-general.po",
    "howto-logging.po",
    "tutorial-appetite.po",
    "tutorial-controlflow.po",
    "tutorial-introduction.po",
    "3.12/howto-logging.po",
    "3.13-templates/howto-logging.pot",
]


def msgcat(path: Path) -> str:
    return subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not FRENCH.is_dir(), reason="shared corpora not present")
@pytest.mark.parametrize("name", MATCHING)
def test_corpus_round_trip_matches_msgcat(name: str) -> None:
    path = FRENCH / name
    assert generate_po(parse_po(path)) == msgcat(path)


@pytest.mark.parametrize("path", sorted((ROOT / "locales").rglob("*.po*")), ids=str)
def test_project_catalogs_are_msgcat_stable(path: Path) -> None:
    assert msgcat(path) == path.read_text("utf-8")
    assert generate_po(parse_po(path)) == path.read_text("utf-8")


def test_wrapping_golden() -> None:
    assert format_string("msgid", "short") == ['msgid "short"']
    assert format_string("msgid", "a\nb") == ['msgid ""', '"a\\n"', '"b"']
    long = "word " * 20
    assert format_string("msgid", long.strip()) == [
        'msgid ""',
        '"word word word word word word word word word word word word word word word "',
        '"word word word word word"',
    ]
    cjk = (
        "多发性硬化是一种复杂且常常难以预测的神经系统疾病，会影响中枢神经系统，包括大脑和脊髓。" * 2
    )
    lines = format_string("msgstr", cjk)
    assert all(len(line.encode("utf-8")) > 0 for line in lines)
    assert max(sum(2 if ord(c) > 0x2E80 else 1 for c in line) for line in lines) <= 79


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            '<<<<<<< HEAD\nmsgid "a"\nmsgstr "b"\n=======\nmsgid "a"\nmsgstr "c"\n>>>>>>> x\n',
            5,
            "git conflict marker",
        ),
        (
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n',
            3,
            "charset 'ISO-8859-1' is not UTF-8",
        ),
        ('msgid ""\nmsgstr ""\n"Project-Id-Version: x\\n"\n', 1, "does not declare a charset"),
        ("", 1, "empty catalog"),
        (
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a\nmsgstr "b"\n',
            5,
            "",
        ),
    ],
)
def test_broken_catalogs_are_refused_with_a_line(
    tmp_path: Path, content: str, line: int, message: str
) -> None:
    path = tmp_path / "bad.po"
    path.write_text(content, "utf-8")
    with pytest.raises(CatalogError) as info:
        parse_po(path)
    assert info.value.line == line
    assert message in info.value.message
