"""`locales/<lang>/glossary.csv` → `Glossary`: the terms a language must translate one way.

The file is plain CSV (RFC 4180, UTF-8) with the header `source,target,note`, the
shape Weblate and spreadsheet tools import and export. `check` warns when a msgid
holds a source term and its msgstr holds none of the term's target alternatives.

Matching is deliberately forgiving, so that a warning means a real deviation:
- a source term matches case-insensitively at word boundaries, each English word
  also in its plural (`cell`/`cells`, `therapy`/`therapies`); an all-capital term
  (`HSCT`) matches only itself, as a whole word;
- a target holds alternatives separated by `|`; an alternative matches when its
  words occur in order, each as the beginning of a word of the msgstr (stems for
  inflected languages: `рассеянн склероз`), joined by spaces or hyphens; an
  alternative without spaces (Chinese, Japanese) is a plain substring.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.errors import CatalogError

GLOSSARY_FILE = "glossary.csv"
_JOIN = r"[\s\u00a0\u202f\-\u2010\u2011]+"


@dataclass(frozen=True)
class Term:
    """One glossary line: a source term and the language's accepted renderings."""

    source: str
    targets: tuple[str, ...]
    """Alternatives; any one of them in the msgstr is enough."""
    note: str
    path: Path
    line: int

    @cached_property
    def source_pattern(self) -> re.Pattern[str]:
        words = self.source.split()
        if self.source.isupper():
            return re.compile(rf"(?<!\w){_JOIN.join(map(re.escape, words))}(?!\w)")
        parts = [_english_word(word) for word in words]
        return re.compile(rf"(?<!\w){_JOIN.join(parts)}(?!\w)", re.I)

    @cached_property
    def target_patterns(self) -> tuple[re.Pattern[str], ...]:
        patterns = []
        for target in self.targets:
            words = target.split()
            if len(words) == 1:
                patterns.append(re.compile(re.escape(words[0]), re.I))
            else:
                body = (r"\w*" + _JOIN).join(map(re.escape, words))
                patterns.append(re.compile(body, re.I))
        return tuple(patterns)

    def in_source(self, text: str) -> bool:
        return self.source_pattern.search(text) is not None

    def in_translation(self, text: str) -> bool:
        return any(p.search(text) for p in self.target_patterns)


def _english_word(word: str) -> str:
    """A pattern for an English word and its regular plural; hyphens match hyphens or
    spaces (`disease-modifying` also finds `disease modifying`)."""
    pieces = [re.escape(piece) for piece in word.split("-")]
    last = pieces[-1]
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        pieces[-1] = f"(?:{last}|{re.escape(word.split('-')[-1][:-1])}ies)"
    else:
        pieces[-1] = f"{last}(?:s|es)?"
    return _JOIN.join(pieces)


@dataclass(frozen=True)
class Glossary:
    """The terms of one language, in file order."""

    path: Path
    terms: tuple[Term, ...]

    def missing(self, msgid: str, msgstr: str) -> list[Term]:
        """Terms the msgid uses whose renderings the msgstr lacks."""
        return [t for t in self.terms if t.in_source(msgid) and not t.in_translation(msgstr)]


def read_glossary(path: Path) -> Glossary:
    """Read a glossary; a malformed line raises `CatalogError` with its line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError(path, 1, f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(path, line, "invalid UTF-8 (glossaries must be UTF-8)") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise CatalogError(path, reader.line_num or 1, f"invalid CSV: {exc}") from None
    if not rows or [cell.strip().lower() for cell in rows[0][1][:2]] != ["source", "target"]:
        raise CatalogError(path, 1, "the first line must be the header 'source,target,note'")
    terms: list[Term] = []
    seen: set[str] = set()
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise CatalogError(path, line, "each line needs a source term and a target term")
        if len(row) > 3:
            raise CatalogError(path, line, "more than 3 columns (quote cells holding commas)")
        source = " ".join(row[0].split())
        if source.casefold() in seen:
            raise CatalogError(path, line, f"source term {source!r} is listed twice")
        seen.add(source.casefold())
        targets = tuple(" ".join(t.split()) for t in row[1].split("|") if t.strip())
        note = row[2].strip() if len(row) > 2 else ""
        terms.append(Term(source, targets, note, path, line))
    return Glossary(path, tuple(terms))


def glossary_for(locales_dir: Path, lang: str) -> Glossary | None:
    """The glossary of `lang`, or None when it has none."""
    path = locales_dir / lang / GLOSSARY_FILE
    return read_glossary(path) if path.is_file() else None
