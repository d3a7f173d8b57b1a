"""Translation progress per language and catalog: message and source-word counts.

A message counts as translated only when the publishing gate (`checks.entry_state`)
lets it be printed: fuzzy messages and translations with a check error (`invalid`)
are not. The messages counted are those of the domain's template (`.pot`), so an
entry the build never uses (a stale one, a `msgctxt` twin) counts for nothing, and
obsolete `#~` entries and the header are ignored: the numbers say what a reader of
the handout would actually get in their language.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import polib

from pipeline.checks import UI_DOMAIN, entry_state, link_aliases
from pipeline.config import Config
from pipeline.locales import invalid_reason, locale_info
from pipeline.model import EntryState, Layout, count_words, live_entries
from pipeline.po import parse_po
from pipeline.project import chosen_languages, read_template_keys

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["StatRow", "catalog_row", "chosen_languages", "collect", "count_words"]


@dataclass(frozen=True)
class StatRow:
    """Progress of one catalog (`locales/<lang>/LC_MESSAGES/<domain>.po`)."""

    lang: str
    domain: str
    messages: int
    """Messages to translate (header and obsolete entries excluded)."""
    translated: int
    """Messages with a complete translation that is not fuzzy."""
    fuzzy: int
    """Messages with a translation awaiting review; not published."""
    untranslated: int
    invalid: int
    """Messages whose translation has a check error; not published."""
    words: int
    """Words of the source texts (msgid), the usual measure of translation work."""
    words_translated: int
    words_fuzzy: int
    words_untranslated: int
    words_invalid: int

    @property
    def percent(self) -> float:
        """Share of messages translated, 0-100 (100 for a catalog with nothing to do)."""
        return 100.0 * self.translated / self.messages if self.messages else 100.0

    @property
    def percent_words(self) -> float:
        """Share of source words translated, 0-100."""
        return 100.0 * self.words_translated / self.words if self.words else 100.0


def catalog_row(
    lang: str,
    domain: str,
    catalog: polib.POFile,
    template: frozenset[tuple[str | None, str]] | None = None,
    source_language: str = "en",
    plurals: frozenset[tuple[str | None, str]] | None = None,
) -> StatRow:
    """Count the messages and source words of one catalog by what the gate decides.

    With `template`, the messages are the template's, each looked up in the catalog
    (missing ones are untranslated); without it, the catalog's own live entries.
    `plurals` are the template's messages with plural forms: an entry of the other shape
    is invalid, as the gate says.
    """
    counts = dict.fromkeys(EntryState, 0)
    words = dict.fromkeys(EntryState, 0)
    by_key = {(e.msgctxt, e.msgid): e for e in live_entries(catalog)}
    aliases = link_aliases(by_key.values())
    keys = sorted(template, key=lambda k: (k[0] or "", k[1])) if template is not None else by_key
    for key in keys:
        article = template is not None and domain != UI_DOMAIN  # one text per message
        plural = key in plurals if plurals is not None else None
        state = entry_state(
            by_key.get(key),
            lang,
            domain,
            source_language,
            article=article,
            aliases=aliases,
            plural=plural,
        )
        counts[state] += 1
        words[state] += count_words(key[1])
    return StatRow(
        lang=lang,
        domain=domain,
        messages=sum(counts.values()),
        translated=counts[EntryState.TRANSLATED],
        fuzzy=counts[EntryState.FUZZY],
        untranslated=counts[EntryState.UNTRANSLATED],
        invalid=counts[EntryState.INVALID],
        words=sum(words.values()),
        words_translated=words[EntryState.TRANSLATED],
        words_fuzzy=words[EntryState.FUZZY],
        words_untranslated=words[EntryState.UNTRANSLATED],
        words_invalid=words[EntryState.INVALID],
    )


def collect(config: Config, langs: list[str] | None = None) -> list[StatRow]:
    """One row per `.po` file of the chosen languages, by language then domain."""
    rows = []
    templates, plurals = read_template_keys(config)
    for lang in chosen_languages(config, langs):
        for path in Layout.of(config).pos(lang):
            row = catalog_row(
                lang,
                path.stem,
                parse_po(path),
                templates.get(path.stem),
                config.source_language,
                plurals.get(path.stem),
            )
            rows.append(row)
    return rows


def total(rows: list[StatRow], lang: str) -> StatRow:
    """The sum of `rows` (usually one language's catalogs), with domain `total`."""
    return StatRow(
        lang,
        "total",
        *(sum(getattr(r, name) for r in rows) for name in _COUNTS),
    )


_COUNTS = (
    "messages",
    "translated",
    "fuzzy",
    "untranslated",
    "invalid",
    "words",
    "words_translated",
    "words_fuzzy",
    "words_untranslated",
    "words_invalid",
)


def _by_language(rows: list[StatRow]) -> dict[str, list[StatRow]]:
    """Rows grouped by language, in their original order."""
    groups: dict[str, list[StatRow]] = {}
    for row in rows:
        groups.setdefault(row.lang, []).append(row)
    return groups


def _percent(value: float) -> str:
    """Rounded down, so that 100% only ever means complete."""
    return f"{math.floor(value)}%"


def language_label(lang: str) -> str:
    """`Spanish (es)`, or the bare code when it is not a known locale."""
    if invalid_reason(lang):
        return lang
    return f"{locale_info(lang).english_name} ({lang})"


def to_json(rows: list[StatRow]) -> str:
    """A JSON array, one object per catalog with every count and its `percent`."""
    data = [{**asdict(row), "percent": round(row.percent, 1)} for row in rows]
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_markdown(rows: list[StatRow]) -> str:
    """One GitHub-flavoured table for a pull-request comment, a total row per language."""
    lines = [
        "| Language | Catalog | Translated | Fuzzy | Untranslated | Invalid | Words translated"
        " | Progress |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]

    def line(row: StatRow, label: str, domain: str, bold: bool) -> str:
        cells = [
            f"{row.translated}/{row.messages}",
            str(row.fuzzy),
            str(row.untranslated),
            str(row.invalid),
            f"{row.words_translated}/{row.words}",
            _percent(row.percent),
        ]
        if bold:
            cells = [f"**{c}**" for c in cells]
        return f"| {label} | {domain} | {' | '.join(cells)} |"

    for lang, group in _by_language(rows).items():
        label = language_label(lang)
        for row in group:
            lines.append(line(row, label, f"`{row.domain}`", bold=False))
        if len(group) > 1:
            lines.append(line(total(group, lang), label, "**total**", bold=True))
    return "\n".join(lines)


def to_table(rows: list[StatRow]) -> Table:
    """A rich table for the terminal, with a total row per language."""
    from rich.table import Table

    table = Table(title="Translation status")
    table.add_column("Language")
    table.add_column("Catalog")
    for name in ("Translated", "Fuzzy", "Untranslated", "Invalid", "Words", "Progress"):
        table.add_column(name, justify="right")

    def add(row: StatRow, label: str, domain: str, style: str | None) -> None:
        colour = "green" if row.translated == row.messages else "yellow"
        table.add_row(
            label,
            domain,
            f"{row.translated}/{row.messages}",
            str(row.fuzzy),
            str(row.untranslated),
            str(row.invalid),
            f"{row.words_translated}/{row.words}",
            f"[{colour}]{_percent(row.percent)}[/{colour}]",
            style=style,
        )

    for lang, group in _by_language(rows).items():
        label = language_label(lang)
        for index, row in enumerate(group):
            add(row, "" if index else label, row.domain, None)
        if len(group) > 1:
            add(total(group, lang), "", "total", "bold")
        table.add_section()
    return table
