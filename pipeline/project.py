"""Project-level catalog stages: extract, init and update, over every article and language."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.catalogs import (
    UI_DOMAIN,
    article_template,
    extract_templates,
    new_po,
    now_stamp,
    stable_text,
    ui_template,
)
from pipeline.config import Config
from pipeline.errors import CatalogError, ConfigError
from pipeline.fsutil import write_text
from pipeline.locales import invalid_reason
from pipeline.merge import merge
from pipeline.model import Layout
from pipeline.po import generate_po, parse_po, write_po
from pipeline.segments import ParsedArticle, segment_article
from pipeline.sources import find_articles, read_article


@dataclass(frozen=True)
class FileChange:
    """One catalog the stage wrote or would write."""

    path: Path
    changed: bool


def parse_articles(config: Config) -> list[ParsedArticle]:
    """Every article of the project, segmented."""
    return [segment_article(read_article(p)) for p in find_articles(config.source_dir)]


def template_files(config: Config) -> list[Path]:
    return sorted(config.templates_dir.glob("*.html"))


def templates(config: Config, only: list[Path] | None = None) -> dict[str, polib.POFile]:
    """Domain → fresh `.pot` content for every article and for the UI, or only for the
    articles and templates in `only`."""
    creation = now_stamp()
    result: dict[str, polib.POFile] = {}
    wanted = {p.resolve() for p in only} if only else None
    for path in find_articles(config.source_dir):
        if wanted is None or path.resolve() in wanted:
            parsed = segment_article(read_article(path))
            result[parsed.article.slug] = article_template(
                config.root, parsed.article.slug, parsed.segments, creation
            )
    ui_files = template_files(config)
    if wanted is None or wanted & {p.resolve() for p in ui_files}:
        strings = extract_templates(config.root, ui_files)
        result[UI_DOMAIN] = ui_template(config.root, strings, creation)
    return result


def pot_path(config: Config, domain: str) -> Path:
    """`Layout.of(config).pot(domain)`, for callers that hold a `Config`."""
    return Layout.of(config).pot(domain)


def po_path(config: Config, lang: str, domain: str) -> Path:
    """`Layout.of(config).po(lang, domain)`, for callers that hold a `Config`."""
    return Layout.of(config).po(lang, domain)


def extract(
    config: Config, check: bool = False, only: list[Path] | None = None
) -> list[FileChange]:
    """Write `locales/<domain>.pot` for every article and the UI (or only compare)."""
    changes = []
    layout = Layout.of(config)
    for domain, catalog in templates(config, only).items():
        path = layout.pot(domain)
        text = stable_text(catalog, path)
        changed = not path.exists() or path.read_text("utf-8") != text
        if changed and not check:
            write_text(path, text)
        changes.append(FileChange(path, changed))
    return changes


def read_templates(config: Config) -> dict[str, polib.POFile]:
    pots = Layout.of(config).pots()
    if not pots:
        raise CatalogError(config.locales_dir, 1, "no .pot files: run 'pipeline extract' first")
    return {p.stem: parse_po(p) for p in pots}


def validate_lang(config: Config, lang: str) -> str:
    reason = invalid_reason(lang)
    if reason:
        raise ConfigError(None, None, reason)
    return lang


def init(config: Config, lang: str) -> list[FileChange]:
    """Create `locales/LANG/LC_MESSAGES/*.po` for every template; never overwrite."""
    validate_lang(config, lang)
    changes = []
    layout = Layout.of(config)
    for domain, template in read_templates(config).items():
        path = layout.po(lang, domain)
        if path.exists():
            changes.append(FileChange(path, False))
            continue
        write_po(path, new_po(template, lang, domain))
        changes.append(FileChange(path, True))
    return changes


def languages_on_disk(config: Config) -> list[str]:
    return Layout.of(config).languages()


def chosen_languages(config: Config, langs: list[str] | None) -> list[str]:
    """The languages asked for (validated), or every configured and on-disk one."""
    if langs:
        return [validate_lang(config, lang) for lang in langs]
    return sorted(set(config.languages) | set(languages_on_disk(config)))


def read_template_keys(config: Config) -> dict[str, frozenset[tuple[str | None, str]]]:
    """Domain → the (msgctxt, msgid) keys of its `.pot`: the messages that are used."""
    keys = {}
    for path in Layout.of(config).pots():
        catalog = parse_po(path)
        keys[path.stem] = frozenset(
            (e.msgctxt, e.msgid) for e in catalog if not e.obsolete and e.msgid
        )
    return keys


def update(
    config: Config, langs: list[str] | None = None, check: bool = False, fuzzy_matching: bool = True
) -> list[FileChange]:
    """Bring every `.po` up to date with its `.pot`, creating missing ones."""
    pots = read_templates(config)
    chosen = langs or sorted(set(config.languages) | set(languages_on_disk(config)))
    changes = []
    for lang in chosen:
        validate_lang(config, lang)
        for domain, template in pots.items():
            path = Layout.of(config).po(lang, domain)
            if path.exists():
                catalog = merge(parse_po(path), template, lang, fuzzy_matching)
            else:
                catalog = new_po(template, lang, domain)
            text = generate_po(catalog)
            changed = not path.exists() or path.read_bytes() != text.encode("utf-8")
            if changed and not check:
                write_po(path, catalog)
            changes.append(FileChange(path, changed))
    return changes
