"""Project-level catalog stages: extract, init and update, over every article and language."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.catalogs import (
    UI_DOMAIN,
    article_template,
    extract_templates,
    link_targets,
    new_po,
    now_stamp,
    stable_text,
    ui_template,
)
from pipeline.config import Config, key_line
from pipeline.errors import CatalogError, ConfigError
from pipeline.fsutil import write_text
from pipeline.locales import PSEUDO, invalid_reason
from pipeline.merge import merge
from pipeline.model import Layout
from pipeline.po import generate_po, parse_po, write_po
from pipeline.references import check_references
from pipeline.segments import ParsedArticle, segment_article
from pipeline.sources import find_articles, read_article


@dataclass(frozen=True)
class FileChange:
    """One catalog the stage wrote or would write."""

    path: Path
    changed: bool
    created: bool = False
    """The file did not exist before."""
    formatting_only: bool = False
    """Only its formatting changes (an editor re-wrapped it): `pipeline fmt` would do."""
    carried_over: int = 0
    """Translations kept, not fuzzy, though their source changed only in case, white
    space or typographic quotes (`update`'s carry-over)."""


def parse_articles(config: Config) -> list[ParsedArticle]:
    """Every article of the project, segmented."""
    return [segment_article(read_article(p)) for p in find_articles(config.source_dir)]


def template_files(config: Config) -> list[Path]:
    return sorted(config.templates_dir.glob("*.html"))


def templates(config: Config, only: list[Path] | None = None) -> dict[str, polib.POFile]:
    """Domain → fresh `.pot` content for every article and for the UI, or only for the
    articles and templates in `only`. An article's images and links are checked as the
    build checks them (`check_references`): no catalog of an article the build refuses."""
    creation = now_stamp()
    result: dict[str, polib.POFile] = {}
    wanted = {p.resolve() for p in only} if only else None
    for path in find_articles(config.source_dir):
        if wanted is None or path.resolve() in wanted:
            parsed = segment_article(read_article(path))
            check_references(config, path, parsed.images, parsed.links)
            result[parsed.article.slug] = article_template(
                config.root, parsed.article.slug, parsed.segments, creation, link_targets(parsed)
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
    """`lang` if it is a well-formed locale code CLDR knows; else a `ConfigError`."""
    reason = invalid_reason(lang)
    if reason:
        raise ConfigError(None, None, reason)
    return lang


def has_catalogs(config: Config, lang: str) -> bool:
    """Whether `locales/LANG/LC_MESSAGES/` exists (made by `init`, or `pseudo`)."""
    return Layout.of(config).folder(lang).is_dir()


def _languages_line(config: Config) -> int:
    """The line of `languages` in pyproject.toml (of `[tool.pipeline]` when absent)."""
    text = config.pyproject.read_text("utf-8")
    return key_line(text, "tool.pipeline", "languages") or key_line(text, "tool.pipeline", "") or 1


def known_language(config: Config, lang: str, *, to_build: bool = False) -> str:
    """`lang`, validated for a command that reads its catalogs or (`to_build`) builds it.

    Every command takes a configured language or one whose catalogs are on disk (`init`
    made them, `pseudo` for the pseudo-locales; it is not configured yet); `build` also
    takes the source language. Anything else is a `ConfigError` at the `languages` line
    of pyproject.toml that says how to add it, so that a typo never checks "0 files",
    builds nothing or creates catalogs.
    """
    validate_lang(config, lang)
    where = (config.pyproject, _languages_line(config))
    if lang == config.source_language:
        if to_build:
            return lang
        raise ConfigError(*where, f"{lang!r} is the source language: it has no catalogs")
    if lang in config.languages or has_catalogs(config, lang):
        return lang
    if lang in PSEUDO:
        raise ConfigError(*where, f"{lang!r} is a pseudo-locale: run 'pipeline pseudo' first")
    raise ConfigError(
        *where,
        f"{lang!r} is not configured and has no catalogs: run 'pipeline init {lang}'"
        f' and add "{lang}" to languages in [tool.pipeline]',
    )


def unconfigured_note(config: Config, lang: str) -> str | None:
    """What to tell whoever builds `lang` when it has catalogs but is not configured."""
    if lang == config.source_language or lang in config.languages or lang in PSEUDO:
        return None
    return (
        f"note: {lang!r} is not in [tool.pipeline] languages: its pages are built but"
        f' output/index.html does not list them; add "{lang}" to languages to publish it'
    )


def init(config: Config, lang: str) -> list[FileChange]:
    """Create `locales/LANG/LC_MESSAGES/*.po` for every template; never overwrite."""
    validate_lang(config, lang)
    if lang == config.source_language:
        raise ConfigError(
            config.pyproject,
            _languages_line(config),
            f"{lang!r} is the source language: it needs no translation",
        )
    changes = []
    layout = Layout.of(config)
    for domain, template in read_templates(config).items():
        path = layout.po(lang, domain)
        if path.exists():
            changes.append(FileChange(path, False))
            continue
        write_po(path, new_po(template, lang, domain))
        changes.append(FileChange(path, True, created=True))
    return changes


def languages_on_disk(config: Config) -> list[str]:
    return Layout.of(config).languages()


def chosen_languages(config: Config, langs: list[str] | None) -> list[str]:
    """The languages asked for (see `known_language`), or every configured and on-disk one."""
    if langs:
        return [known_language(config, lang) for lang in dict.fromkeys(langs)]
    return sorted(set(config.languages) | set(languages_on_disk(config)))


TemplateKeys = dict[str, frozenset[tuple[str | None, str]]]
"""Domain → a set of (msgctxt, msgid) keys of its `.pot`."""


def read_template_keys(config: Config) -> tuple[TemplateKeys, TemplateKeys]:
    """Each domain's used messages (the live (msgctxt, msgid) keys of its `.pot`), and
    those of them that have plural forms: an interface entry of the other shape is never
    printed, since the page calls the other gettext function. Each `.pot` is read once."""
    keys: TemplateKeys = {}
    plurals: TemplateKeys = {}
    for path in Layout.of(config).pots():
        live = [e for e in parse_po(path) if not e.obsolete and e.msgid]
        keys[path.stem] = frozenset((e.msgctxt, e.msgid) for e in live)
        plurals[path.stem] = frozenset((e.msgctxt, e.msgid) for e in live if e.msgid_plural)
    return keys, plurals


def update(
    config: Config,
    langs: list[str] | None = None,
    check: bool = False,
    fuzzy_matching: bool = True,
    carry_over: bool = True,
) -> list[FileChange]:
    """Bring every `.po` up to date with its `.pot`, creating missing ones.

    `carry_over` keeps a translation whose source changed only in case, white space
    or typographic quotes (see `merge.merge`); msgmerge would make it fuzzy.
    """
    chosen = chosen_languages(config, langs)
    pots = read_templates(config)
    changes = []
    texts: dict[Path, str] = {}
    layout = Layout.of(config)
    for lang in chosen:
        for domain, template in pots.items():
            path = layout.po(lang, domain)
            if not path.exists():
                texts[path] = generate_po(new_po(template, lang, domain))
                changes.append(FileChange(path, True, created=True))
                continue
            old = parse_po(path)
            catalog = merge(old, template, lang, fuzzy_matching, carry_over=carry_over)
            text = generate_po(catalog)
            changed = path.read_bytes() != text.encode("utf-8")
            formatting_only = changed and generate_po(old) == text
            if changed:
                texts[path] = text
            carried = len(catalog.carried_over) if changed else 0
            changes.append(FileChange(path, changed, False, formatting_only, carried))
    if not check:
        # Only once every catalog has been read and merged: a broken one stops the run
        # before anything is written.
        for path, text in texts.items():
            write_text(path, text)
    return changes
