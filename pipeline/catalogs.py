"""Segments and templates → `.pot`; `.pot` + `.po` → updated `.po` that loses nothing."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.errors import TemplateError
from pipeline.links import LINK_CONTEXT, is_external
from pipeline.locales import locale_info
from pipeline.merge import merge
from pipeline.model import TAG_RE
from pipeline.model import UI_DOMAIN as UI_DOMAIN
from pipeline.po import generate_po
from pipeline.segments import ParsedArticle, Segment

TEMPLATE_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
_PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]|%[sdif]")


@dataclass(frozen=True)
class UIString:
    """One string found in a template."""

    msgid: str
    plural: str
    path: Path
    line: int
    comments: tuple[str, ...]


def now_stamp() -> str:
    """The current time as gettext writes it, from SOURCE_DATE_EPOCH when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        if epoch and epoch.isdigit()
        else dt.datetime.now(dt.UTC)
    )
    return moment.strftime("%Y-%m-%d %H:%M+0000")


@functools.cache
def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def new_catalog(project: str, creation: str) -> polib.POFile:
    """An empty template with gettext's usual header."""
    catalog = polib.POFile(wrapwidth=79)
    catalog.metadata = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": creation,
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    catalog.header_lines = [f"# Translations template for {project}.", "#"]  # type: ignore[attr-defined]
    catalog.metadata_is_fuzzy = True
    return catalog


def article_template(
    root: Path,
    slug: str,
    segments: Iterable[Segment],
    creation: str,
    links: Iterable[LinkTarget] = (),
) -> polib.POFile:
    """The `.pot` of one article: identical texts share one entry; then one `link` entry
    per distinct external link target, its msgstr pre-filled with the source URL (kept
    as it is, the page links where the source does)."""
    catalog = new_catalog(slug, creation)
    by_id: dict[str, polib.POEntry] = {}
    for segment in segments:
        entry = by_id.get(segment.text)
        if entry is None:
            entry = polib.POEntry(msgid=segment.text, msgstr="", comment=segment.comment)
            entry.occurrences = [(_relative(root, segment.path), "")]
            by_id[segment.text] = entry
            catalog.append(entry)
        elif segment.comment not in entry.comment.split("\n"):
            entry.comment += "\n" + segment.comment
    targets: dict[str, polib.POEntry] = {}
    for link in links:
        entry = targets.get(link.href)
        if entry is None:
            entry = polib.POEntry(
                msgctxt=LINK_CONTEXT, msgid=link.href, msgstr=link.href, comment=_LINK_HELP
            )
            entry.occurrences = [(_relative(root, link.path), "")]
            targets[link.href] = entry
            catalog.append(entry)
        if link.comment not in entry.comment.split("\n"):
            entry.comment += "\n" + link.comment
    return catalog


_LINK_HELP = (
    "Link target: keep this address, or give your language's own page (https://, http://"
    " or mailto:)"
)


@dataclass(frozen=True)
class LinkTarget:
    """An external link of an article, for its `link` entry in the `.pot`."""

    href: str
    text: str
    """The link's text in the source, tags removed."""
    section: tuple[str, ...]
    path: Path
    line: int

    @property
    def comment(self) -> str:
        where = " › ".join(self.section)
        text = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"Link “{text}”" + (f" in section: {where}" if where else "")


def link_targets(parsed: ParsedArticle) -> list[LinkTarget]:
    """The article's web and mail links, in document order (paragraphs, then the blocks
    whose only content is a link)."""
    found: list[tuple[int, LinkTarget]] = []
    path = parsed.article.path
    for block in parsed.blocks:
        segment = block.segment
        for tag in segment.tags:
            if tag.href and is_external(tag.href):
                inner = re.search(rf"<{tag.name}>(.*?)</{tag.name}>", segment.text)
                text = TAG_RE.sub("", inner[1]) if inner else tag.label
                link = LinkTarget(tag.href, text, segment.section, path, segment.line)
                found.append((block.token_index, link))
    for index, _text, tags in parsed.fixed:
        for tag in tags:
            if tag.href and is_external(tag.href):
                found.append((index, LinkTarget(tag.href, tag.label, (), path, 0)))
    return [link for _index, link in sorted(found, key=lambda item: item[0])]


def extract_templates(root: Path, templates: Iterable[Path]) -> list[UIString]:
    """Every translatable string of the Jinja2 templates, by Babel's Jinja2 extractor."""
    from babel.messages.extract import extract as babel_extract

    found: list[UIString] = []
    options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
    for path in templates:
        with path.open("rb") as handle:
            messages = list(
                babel_extract(
                    "jinja2.ext:babel_extract",
                    handle,
                    TEMPLATE_KEYWORDS,
                    comment_tags=("Translators:",),
                    options=options,
                )
            )
        if not messages:
            # Babel's extractor returns nothing for a template it cannot parse: say why.
            _check_template_syntax(path)
        for line, message, comments, _context in messages:
            singular, plural = (
                (message[0], message[1]) if isinstance(message, tuple) else (message, "")
            )
            found.append(UIString(singular, plural or "", path, line, tuple(comments)))
    return found


def _check_template_syntax(path: Path) -> None:
    from jinja2 import Environment, TemplateSyntaxError

    try:
        Environment(extensions=["jinja2.ext.i18n"]).parse(path.read_text("utf-8"), path.name)
    except TemplateSyntaxError as exc:
        raise TemplateError(path, exc.lineno, f"syntax error: {exc.message}") from None


def ui_template(root: Path, strings: Iterable[UIString], creation: str) -> polib.POFile:
    """The `ui.pot` with every template string, python-format flagged."""
    catalog = new_catalog(UI_DOMAIN, creation)
    by_id: dict[str, polib.POEntry] = {}
    for item in strings:
        ref = (_relative(root, item.path), "")
        entry = by_id.get(item.msgid)
        if entry is None:
            entry = polib.POEntry(msgid=item.msgid, msgstr="", msgid_plural=item.plural)
            if item.plural:
                entry.msgstr_plural = {0: "", 1: ""}
            if _PLACEHOLDER.search(item.msgid + item.plural):
                entry.flags.append("python-format")
            entry.comment = "\n".join(item.comments)
            by_id[item.msgid] = entry
            catalog.append(entry)
        if ref not in entry.occurrences:
            entry.occurrences.append(ref)
    for entry in catalog:
        entry.occurrences.sort()
    return catalog


def stable_text(catalog: polib.POFile, path: Path, key: str = "POT-Creation-Date") -> str:
    """The catalog's text, keeping the old file's date when nothing else changed.

    A second extract with unchanged sources must not touch the file, yet a real
    change must carry a fresh date; SOURCE_DATE_EPOCH, when set, always wins.
    """
    fresh = catalog.metadata.get(key, "")
    try:
        old_text = path.read_text("utf-8")
    except OSError:
        return generate_po(catalog)
    match = re.search(rf'^"{re.escape(key)}: ([^"\\]*)\\n"$', old_text, re.M)
    if "SOURCE_DATE_EPOCH" in os.environ or not match or not fresh:
        return generate_po(catalog)
    catalog.metadata[key] = match[1]
    try:
        text = generate_po(catalog)
    finally:
        catalog.metadata[key] = fresh
    if text == old_text:
        return text
    return text.replace(f'"{key}: {match[1]}\\n"', f'"{key}: {fresh}\\n"', 1)


def new_po(template: polib.POFile, lang: str, domain: str) -> polib.POFile:
    """A fresh translation of `template` into `lang` with a correct header."""
    info = locale_info(lang)
    catalog = polib.POFile(wrapwidth=79)
    catalog.header_lines = [  # type: ignore[attr-defined]
        f"# {info.english_name} translation of {domain}.",
        "#",
    ]
    catalog.metadata = {
        "Project-Id-Version": template.metadata.get("Project-Id-Version", domain),
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": template.metadata.get("POT-Creation-Date", now_stamp()),
        "PO-Revision-Date": now_stamp(),
        "Last-Translator": "",
        "Language-Team": info.english_name,
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": info.plural_forms,
    }
    return merge(catalog, template, lang)
