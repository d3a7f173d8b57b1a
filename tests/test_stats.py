"""`pipeline.stats`: counts per catalog, fuzzy never translated, JSON/Markdown/rich output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table

from conftest import ROOT, copy_project, msgfmt_statistics
from pipeline.config import load_config
from pipeline.po import parse_po
from pipeline.stats import (
    StatRow,
    catalog_row,
    collect,
    count_words,
    to_json,
    to_markdown,
    to_table,
)

SMALL = """msgid ""
msgstr ""
"Language: es\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Stem cell therapy is <strong1>not a cure</strong1>."
msgstr "La terapia con células madre <strong1>no es una cura</strong1>."

#, fuzzy
msgid "Ask your neurologist."
msgstr "Pregunte a su neurólogo."

msgid "Multiple sclerosis"
msgstr ""

#, fuzzy
msgid "Relapse"
msgstr ""

msgid "%(n)s day"
msgid_plural "%(n)s days"
msgstr[0] "%(n)s día"
msgstr[1] ""
msgstr[2] "%(n)s días"

msgid "Take 10 mg."
msgstr "Tome 20 mg."

#~ msgid "An old sentence"
#~ msgstr "Una frase antigua"
"""


def test_counts_and_words_of_one_catalog() -> None:
    row = catalog_row("es", "demo", parse_po(Path("demo.po"), SMALL))
    assert row == StatRow(
        lang="es",
        domain="demo",
        messages=6,
        translated=1,
        fuzzy=1,
        untranslated=3,  # empty, fuzzy-but-empty, a plural with an empty form
        invalid=1,  # a number that is not the source's: the gate refuses it
        words=7 + 3 + 2 + 1 + 1 + 3,
        words_translated=7,
        words_fuzzy=3,
        words_untranslated=4,
        words_invalid=3,
    )
    assert row.percent == pytest.approx(100 / 6)
    assert json.loads(to_json([row]))[0]["percent"] == 16.7


def test_counts_agree_with_msgfmt_statistics_where_the_gate_is_stricter(tmp_path: Path) -> None:
    """GNU msgfmt counts the same fuzzy and untranslated messages; the messages it counts as
    translated are ours plus those the gate refuses: the invalid one and the plural with an
    empty form."""
    path = tmp_path / "demo.po"
    plural_forms = (
        '"Plural-Forms: nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);\\n"\n'
    )
    path.write_text(SMALL.replace('"Language: es\\n"\n', '"Language: es\\n"\n' + plural_forms))
    row = catalog_row("es", "demo", parse_po(path))
    assert msgfmt_statistics(path) == (3, 1, 2)
    assert (row.translated + row.invalid + 1, row.fuzzy, row.untranslated - 1) == (3, 1, 2)


def test_words_are_source_words() -> None:
    assert count_words("Take <strong1>2 mg</strong1> of %(drug)s — daily.") == 5
    assert count_words("干细胞治疗") == 5
    assert count_words("") == 0


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project whose Spanish UI catalog has one fuzzy entry."""
    root = copy_project(tmp_path / "p")
    path = root / "locales" / "es" / "LC_MESSAGES" / "ui.po"
    text = path.read_text("utf-8")
    marked = text.replace('msgid "Languages"', '#, fuzzy\nmsgid "Languages"', 1)
    assert marked != text
    path.write_text(marked, "utf-8")
    return root


def test_fuzzy_is_not_translated(project: Path) -> None:
    """The counts of the project's catalogs are GNU msgfmt's (none has an invalid entry)."""
    rows = {(r.lang, r.domain): r for r in collect(load_config(project), ["es", "ar"])}
    for (lang, domain), row in rows.items():
        path = project / "locales" / lang / "LC_MESSAGES" / f"{domain}.po"
        assert (row.translated, row.fuzzy, row.untranslated) == msgfmt_statistics(path)
        assert row.invalid == 0 and row.messages == sum(msgfmt_statistics(path))
    assert rows["es", "ui"].fuzzy == 1
    assert rows["es", "ui"].words_fuzzy == 1  # "Languages"
    assert rows["es", "ui"].percent < 100
    assert rows["ar", "ui"].fuzzy == 0


def test_markdown_has_one_row_per_language_and_domain(project: Path) -> None:
    config = load_config(project)
    rows = collect(config)
    markdown = to_markdown(rows)
    lines = markdown.splitlines()
    assert lines[0].startswith("| Language | Catalog |")
    body = [line for line in lines[2:] if "**total**" not in line]
    catalogs = sorted(project.glob("locales/*/LC_MESSAGES/*.po"))
    assert len(body) == len(rows) == len(catalogs)
    for path in catalogs:
        lang, domain = path.parent.parent.name, path.stem
        assert sum(f"({lang}) | `{domain}` |" in line for line in body) == 1
    totals = [line for line in lines if "**total**" in line]
    assert len(totals) == len({r.lang for r in rows})
    spanish_ui = next(line for line in body if "(es) | `ui` |" in line)
    cells = [c.strip() for c in spanish_ui.strip("|").split("|")]
    translated, fuzzy, untranslated = msgfmt_statistics(
        project / "locales" / "es" / "LC_MESSAGES" / "ui.po"
    )
    assert (fuzzy, untranslated) == (1, 0)
    assert cells[2:6] == [f"{translated}/{translated + 1}", "1", "0", "0"]
    shown = int(cells[7].removesuffix("%"))
    assert shown <= 100 * translated / (translated + 1) < shown + 1  # rounded down: not 100%


@pytest.mark.parametrize(
    ("translated", "messages", "shown"),
    [(199, 200, "99%"), (2, 3, "66%"), (1, 3, "33%"), (0, 5, "0%"), (7, 7, "100%"), (0, 0, "100%")],
)
def test_progress_is_rounded_down(translated: int, messages: int, shown: str) -> None:
    """100% only ever means complete."""
    row = StatRow("es", "ui", messages, translated, 0, messages - translated, 0, *[0] * 5)
    cells = [c.strip() for c in to_markdown([row]).splitlines()[2].strip("|").split("|")]
    assert cells[7] == shown


def test_real_project_rows_and_json() -> None:
    config = load_config(ROOT)
    rows = collect(config, ["es"])
    assert [(r.lang, r.domain) for r in rows] == [
        ("es", p.stem) for p in sorted((config.locales_dir / "es" / "LC_MESSAGES").glob("*.po"))
    ]
    data = json.loads(to_json(rows))
    assert [(d["lang"], d["domain"]) for d in data] == [(r.lang, r.domain) for r in rows]
    for item in data:
        path = config.locales_dir / "es" / "LC_MESSAGES" / f"{item['domain']}.po"
        translated, fuzzy, untranslated = msgfmt_statistics(path)
        assert (item["translated"], item["fuzzy"], item["untranslated"]) == (
            translated,
            fuzzy,
            untranslated,
        )
        assert item["messages"] == translated + fuzzy + untranslated
        assert item["percent"] == round(100 * translated / item["messages"], 1)
        assert item["words"] > item["messages"] > 0


def test_table_renders(project: Path) -> None:
    rows = collect(load_config(project), ["es", "ar"])
    table = to_table(rows)
    assert isinstance(table, Table)
    assert table.row_count == len(rows) + 2  # a total row per language
    console = Console(width=120, record=True, color_system=None)
    console.print(table)
    text = console.export_text()
    assert "Spanish (es)" in text and "total" in text
