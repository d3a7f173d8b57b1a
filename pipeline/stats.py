"""Translation progress per language and catalog: message and source-word counts.

Fuzzy messages are never counted as translated (they are not published), and
obsolete `#~` entries and the header are ignored, so the numbers say what a
reader of the handout would actually get in their language.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import polib

from pipeline.config import Config
from pipeline.locales import invalid_reason, locale_info
from pipeline.po import parse_po
from pipeline.project import languages_on_disk, validate_lang
from pipeline.segments import TAG_RE
from pipeline.translate import FUZZY, TRANSLATED, UNTRANSLATED

if TYPE_CHECKING:
    from rich.table import Table

_NAMED_PLACEHOLDER = re.compile(r"%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|\{[^{}\s]*\}")
_IDEOGRAPH = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_IDEOGRAPH}]|[^\s{_IDEOGRAPH}]+")


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
    words: int
    """Words of the source texts (msgid), the usual measure of translation work."""
    words_translated: int
    words_fuzzy: int
    words_untranslated: int

    @property
    def percent(self) -> float:
        """Share of messages translated, 0-100 (100 for a catalog with nothing to do)."""
        return 100.0 * self.translated / self.messages if self.messages else 100.0

    @property
    def percent_words(self) -> float:
        """Share of source words translated, 0-100."""
        return 100.0 * self.words_translated / self.words if self.words else 100.0


def count_words(text: str) -> int:
    """Words of a source text: tags and placeholders dropped, each CJK ideograph one word."""
    plain = _NAMED_PLACEHOLDER.sub(" ", TAG_RE.sub("", text))
    return sum(1 for m in _WORD.finditer(plain) if any(c.isalnum() for c in m[0]))


def entry_state(entry: polib.POEntry) -> str:
    """`translated`, `fuzzy` or `untranslated`, as the build would treat the entry.

    A fuzzy entry without any text is untranslated (as in `msgfmt --statistics`);
    a plural entry with an empty form is not translated.
    """
    if entry.msgid_plural:
        forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    else:
        forms = [entry.msgstr]
    fuzzy = "fuzzy" in entry.flags
    if forms and all(forms):
        return FUZZY if fuzzy else TRANSLATED
    return FUZZY if fuzzy and any(forms) else UNTRANSLATED


def live_entries(catalog: polib.POFile) -> list[polib.POEntry]:
    """The entries a translator has to translate: no header, no obsolete entries."""
    return [e for e in catalog if not e.obsolete and not (e.msgid == "" and not e.msgctxt)]


def catalog_row(lang: str, domain: str, catalog: polib.POFile) -> StatRow:
    """Count the messages and source words of one catalog by state."""
    counts = {TRANSLATED: 0, FUZZY: 0, UNTRANSLATED: 0}
    words = {TRANSLATED: 0, FUZZY: 0, UNTRANSLATED: 0}
    for entry in live_entries(catalog):
        state = entry_state(entry)
        counts[state] += 1
        words[state] += count_words(entry.msgid)
    return StatRow(
        lang=lang,
        domain=domain,
        messages=sum(counts.values()),
        translated=counts[TRANSLATED],
        fuzzy=counts[FUZZY],
        untranslated=counts[UNTRANSLATED],
        words=sum(words.values()),
        words_translated=words[TRANSLATED],
        words_fuzzy=words[FUZZY],
        words_untranslated=words[UNTRANSLATED],
    )


def chosen_languages(config: Config, langs: list[str] | None) -> list[str]:
    """The languages asked for (validated), or every configured and on-disk one."""
    if langs:
        return [validate_lang(config, lang) for lang in langs]
    return sorted(set(config.languages) | set(languages_on_disk(config)))


def collect(config: Config, langs: list[str] | None = None) -> list[StatRow]:
    """One row per `.po` file of the chosen languages, by language then domain."""
    rows = []
    for lang in chosen_languages(config, langs):
        folder = config.locales_dir / lang / "LC_MESSAGES"
        for path in sorted(folder.glob("*.po")):
            rows.append(catalog_row(lang, path.stem, parse_po(path)))
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
    "words",
    "words_translated",
    "words_fuzzy",
    "words_untranslated",
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
        "| Language | Catalog | Translated | Fuzzy | Untranslated | Words translated | Progress |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]

    def line(row: StatRow, label: str, domain: str, bold: bool) -> str:
        cells = [
            f"{row.translated}/{row.messages}",
            str(row.fuzzy),
            str(row.untranslated),
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
    for name in ("Translated", "Fuzzy", "Untranslated", "Words", "Progress"):
        table.add_column(name, justify="right")

    def add(row: StatRow, label: str, domain: str, style: str | None) -> None:
        colour = "green" if row.translated == row.messages else "yellow"
        table.add_row(
            label,
            domain,
            f"{row.translated}/{row.messages}",
            str(row.fuzzy),
            str(row.untranslated),
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
