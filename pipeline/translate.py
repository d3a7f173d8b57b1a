"""`ParsedArticle` + catalog → `TranslatedArticle`: translator text escaped, tags restored.

A msgstr is never trusted as HTML: its text is escaped and only the numbered tags
of its own msgid become markup again. Which translations are used is the publishing
gate's decision (`checks.entry_state`): a fuzzy, empty or invalid one falls back to
the source text, marked with the source language, and is counted.
"""

from __future__ import annotations

import copy
import dataclasses
import html
import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import polib
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from pipeline.checks import entry_errors, entry_state, link_aliases
from pipeline.errors import display_path
from pipeline.links import LINK_CONTEXT, LinkNote, is_external, printed_address, text_is_address
from pipeline.locales import LocaleInfo
from pipeline.model import TAG_RE, EntryState, check_tags
from pipeline.segments import Block, ParsedArticle, Segment, Tag, markdown_parser

TRANSLATED, FUZZY, UNTRANSLATED, INVALID = (
    EntryState.TRANSLATED,
    EntryState.FUZZY,
    EntryState.UNTRANSLATED,
    EntryState.INVALID,
)
__all__ = ["INVALID", "TRANSLATED", "Lookup", "TranslatedArticle", "check_tags"]


_IMAGES_ONLY = re.compile(r"<img[0-9]+/>|\s")


@dataclass(frozen=True)
class SegmentStatus:
    """What happened to one segment in one language."""

    msgid: str
    status: EntryState
    """`translated`, or why the source text was used: `fuzzy`, `untranslated`, `invalid`."""
    path: Path
    line: int
    problem: str = ""
    section: tuple[str, ...] = ()
    """Source headings above the segment, for the list of missing sections."""
    kind: str = ""
    """The segment's block kind (`paragraph`, `title`, `keywords`...)."""


@dataclass(frozen=True)
class BodyPart:
    """The text under one heading, up to the next heading (or what comes before the first),
    and the printed addresses of its external links, listed at its end on paper: as near
    to the links as the text's own structure allows."""

    html: str
    notes: tuple[LinkNote, ...]


class NoteBook:
    """Numbers the external links of one article in reading order: one number per target
    (the same address twice is one note), listed in every section that links to it."""

    def __init__(self, digits: Callable[[str], str], path: Path) -> None:
        self.digits = digits
        self.path = path
        self.numbers: dict[str, int] = {}
        self.parts: list[list[LinkNote]] = [[]]

    def new_part(self) -> None:
        self.parts.append([])

    def note(self, href: str, line: int) -> str:
        """The note mark to print after a link to `href`."""
        number = self.numbers.setdefault(href, len(self.numbers) + 1)
        mark = self.digits(str(number))
        if not any(n.number == number for n in self.parts[-1]):
            self.parts[-1].append(
                LinkNote(number, mark, href, printed_address(href), self.path, line)
            )
        return f'<sup class="link-ref">{mark}</sup>'


def _link_target(tag: Tag, links: Mapping[str, str]) -> str:
    return links.get(tag.href, tag.href)


def _relinked(tag: Tag, target: str) -> str:
    """The tag's opening HTML pointing at `target` (a translation's own link target)."""
    if target == tag.href:
        return tag.open_html
    old = f' href="{html.escape(tag.href)}"'
    new = f' href="{html.escape(target)}"'
    if tag.label and not tag.close_html:  # an autolink: its text is its address
        label = target if tag.label == tag.href else printed_address(target)
        return f"<a{new}>{html.escape(label)}</a>"
    return tag.open_html.replace(old, new, 1)


@dataclass(frozen=True)
class TranslatedArticle:
    """An article in one language, ready for the templates."""

    parsed: ParsedArticle
    locale: LocaleInfo
    source: LocaleInfo
    title: str
    """Plain text (escaped by the template)."""
    title_locale: LocaleInfo
    """The language the title is shown in: the target, or the source on fallback."""
    summary: str
    summary_locale: LocaleInfo
    disclaimer: str
    disclaimer_locale: LocaleInfo
    keywords: str
    """Keywords in the target language, or the source's when untranslated."""
    body_html: str
    statuses: tuple[SegmentStatus, ...]
    headings: dict[str, tuple[str, LocaleInfo]]
    """Plain source heading → (shown text, its language)."""
    parts: tuple[BodyPart, ...] = ()
    """The body cut before each heading, each part with the addresses its links print."""

    def count(self, status: str) -> int:
        return sum(1 for s in self.statuses if s.status == status)

    @property
    def percent(self) -> int:
        """Share of segments shown translated, rounded down (99.6% is not 100%)."""
        total = len(self.statuses)
        return 100 * self.count(TRANSLATED) // total if total else 100

    def heading_text(self, source_heading: str) -> tuple[str, LocaleInfo]:
        """A source heading as this translation shows it, with its language."""
        return self.headings.get(source_heading, (source_heading, self.source))

    @property
    def complete(self) -> bool:
        return all(s.status == TRANSLATED for s in self.statuses)


def tagged_to_html(
    text: str,
    tags: tuple[Tag, ...],
    images: dict[str, str],
    prefix: str = "",
    links: Mapping[str, str] | None = None,
    notes: NoteBook | None = None,
    line: int = 0,
) -> str:
    """Escape `text` and turn its known numbered tags back into the source's markup; links
    to files under source/ get `prefix`, where the build copies them. `links` maps source
    targets to a translation's own; with `notes`, an external link whose text is not its
    address is followed by its note number (shown in print only)."""
    by_name = {t.name: t for t in tags}
    links = links or {}
    inner = {m[1]: m[2] for m in re.finditer(r"<(a[0-9]+)>(.*?)</\1>", text, re.S)}
    out: list[str] = []
    pos = 0
    for match in TAG_RE.finditer(text):
        closing, name, number, _selfclosing = match.groups()
        tag = by_name.get(f"{name}{number}")
        if tag is None:
            continue
        out.append(escapeHtml(text[pos : match.start()]))
        pos = match.end()
        if tag.name in images:
            out.append(images[tag.name])
        elif closing:
            out.append(tag.close_html)
            target = _link_target(tag, links)
            shown = inner.get(tag.name, "")
            if notes is not None and is_external(target) and not text_is_address(shown, target):
                out.append(notes.note(target, line))
        elif tag.href and is_external(tag.href):
            out.append(_relinked(tag, _link_target(tag, links)))
        elif tag.local and prefix:
            out.append(tag.open_html.replace(' href="', f' href="{escapeHtml(prefix)}', 1))
        else:
            out.append(tag.open_html)
    out.append(escapeHtml(text[pos:]))
    return "".join(out)


class Lookup:
    """The translations of one article catalog, as the publishing gate lets the build use
    them. Only entries without `msgctxt` are articles' messages: a `msgctxt` twin of a
    message is never printed in its place."""

    def __init__(
        self,
        catalog: polib.POFile | None,
        path: Path | None,
        lang: str = "",
        source_language: str = "en",
        trusted: bool = False,
    ) -> None:
        self.path = path
        self.catalog = catalog
        self.lang = lang
        self.source_language = source_language
        self.trusted = trusted
        """The source language's own identity catalog: nothing to check."""
        self.entries: dict[str, polib.POEntry] = {}
        self.ignored: list[str] = []
        """`path:line: ...` for each `msgctxt` entry: never printed, named by the build;
        and for each `link` entry whose target the gate refused."""
        self.links: dict[str, str] = {}
        """Source link target → the translation's own (valid, reviewed, not the same)."""
        self.aliases = link_aliases(catalog) if catalog is not None and not trusted else frozenset()
        """The addresses the catalog localises, which its texts may show localised."""
        if catalog is not None:
            for entry in catalog:
                if entry.obsolete or not entry.msgid:
                    continue
                if entry.msgctxt is None:
                    self.entries[entry.msgid] = entry
                elif entry.msgctxt == LINK_CONTEXT and not trusted:
                    self._link(entry)
                elif path is not None and not trusted:
                    self.ignored.append(ignored_context(path, entry))

    def _link(self, entry: polib.POEntry) -> None:
        """A `link` entry through the gate: its target is used when usable, and named
        (the source's link is used) when it has a check error."""
        domain = self.path.stem if self.path is not None else ""
        state = entry_state(entry, self.lang, domain, self.source_language, article=True)
        if state == TRANSLATED and entry.msgstr != entry.msgid:
            self.links[entry.msgid] = markdown_parser().normalizeLink(entry.msgstr)
        elif state == INVALID and self.path is not None:
            problems = entry_errors(entry, self.lang, domain, self.source_language, article=True)
            self.ignored.append(
                f"{display_path(self.path)}:{entry.linenum}: invalid translation:"
                f" {'; '.join(problems)}"
            )

    def percent(self, segments: list[Segment]) -> int:
        """Share of `segments` this catalog translates usably, rounded down."""
        if not segments:
            return 100
        done = sum(1 for segment in segments if self.find(segment)[0] is not None)
        return 100 * done // len(segments)

    def find(self, segment: Segment) -> tuple[str | None, SegmentStatus]:
        """The usable msgstr for a segment (None to fall back) and its status."""
        entry = self.entries.get(segment.text)
        where = (self.path or segment.path, entry.linenum if entry is not None else segment.line)
        if entry is None:
            return None, SegmentStatus(segment.text, UNTRANSLATED, segment.path, segment.line)
        if self.trusted:
            return entry.msgstr, SegmentStatus(segment.text, TRANSLATED, *where)
        domain = self.path.stem if self.path is not None else ""
        state = entry_state(
            entry, self.lang, domain, self.source_language, article=True, aliases=self.aliases
        )
        if state == INVALID:
            problems = entry_errors(
                entry, self.lang, domain, self.source_language, article=True, aliases=self.aliases
            )
            return None, SegmentStatus(segment.text, INVALID, *where, "; ".join(problems))
        if state != TRANSLATED:
            return None, SegmentStatus(segment.text, state, *where)
        return entry.msgstr, SegmentStatus(segment.text, TRANSLATED, *where)


def ignored_context(path: Path, entry: polib.POEntry) -> str:
    """How the build names an entry with a `msgctxt`, which no message of ours has."""
    return (
        f"{display_path(path)}:{entry.linenum}: invalid translation: template: message with"
        f" msgctxt {entry.msgctxt[:40]!r} is not in the template and is never printed"
    )


def _section_of(segment: Segment) -> tuple[str, ...]:
    if segment.kind == "heading":
        return (*segment.section, TAG_RE.sub("", segment.text))
    return segment.section


def _set_lang(token: Token, info: LocaleInfo) -> None:
    token.attrSet("lang", info.tag)
    token.attrSet("dir", info.direction)


class Finder(Protocol):
    """What a segment shows: `Lookup` decides it, the build passes on what it decided."""

    def find(self, segment: Segment) -> tuple[str | None, SegmentStatus]: ...


def translate_article(
    parsed: ParsedArticle,
    lookup: Finder,
    locale: LocaleInfo,
    source: LocaleInfo,
    image_prefix: str = "",
    annotate: bool = False,
    links: Mapping[str, str] | None = None,
    link_notes: bool = False,
) -> TranslatedArticle:
    """Render the article body in `locale`, falling back segment by segment; `links` are
    the translation's own link targets (`Lookup.links`); with `link_notes`, each external
    link is followed by its note number and each part lists its addresses (for print)."""
    from pipeline.scripts import native_digits

    notes = NoteBook(lambda n: native_digits(n, locale.cldr), parsed.article.path)
    starts = [0]
    tokens = [copy.copy(t) for t in parsed.tokens]
    for token in tokens:
        token.attrs = dict(token.attrs)
    statuses: list[SegmentStatus] = []
    alts: dict[tuple[int, int], tuple[str, bool]] = {}
    texts: dict[int, tuple[Block, str, bool]] = {}
    for block in parsed.blocks:
        msgstr, status = lookup.find(block.segment)
        statuses.append(
            dataclasses.replace(status, section=_section_of(block.segment), kind=block.segment.kind)
        )
        text = msgstr if msgstr is not None else block.segment.text
        if block.image_index >= 0:
            alts[(block.token_index, block.image_index)] = (text, msgstr is None)
        else:
            texts[block.token_index] = (block, text, msgstr is None)
            if annotate:
                # Translator preview: which catalog entry made this block, and its state.
                tokens[block.attr_token_index].attrSet(
                    "data-entry", f"{display_path(status.path)}:{status.line}"
                )
                tokens[block.attr_token_index].attrSet("data-status", status.status)

    fixed = {index: (text, tags) for index, text, tags in parsed.fixed}
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and index:
            starts.append(index)
            notes.new_part()
        if token.type != "inline":
            continue
        children = token.children or []
        images: dict[str, str] = {}
        count = 0
        for position, child in enumerate(children):
            if child.type != "image":
                continue
            count += 1
            alt, fallback = alts.get((index, position), ("", False))
            lang = f' lang="{source.tag}"' if fallback and locale.code != source.code else ""
            src = escapeHtml(image_prefix + str(child.attrs.get("src", "")))
            image_title = child.attrs.get("title")
            title_attr = f' title="{escapeHtml(str(image_title))}"' if image_title else ""
            images[f"img{count}"] = f'<img src="{src}" alt="{escapeHtml(alt)}"{title_attr}{lang} />'

        if index in texts:
            block, text, fallback = texts[index]
            rendered = tagged_to_html(
                text,
                block.segment.tags,
                images,
                image_prefix,
                links,
                notes if link_notes else None,
                block.segment.line,
            )
            if fallback and locale.code != source.code:
                _set_lang(tokens[block.attr_token_index], source)
        elif index in fixed:
            rendered = tagged_to_html(
                *fixed[index], images, image_prefix, links, notes if link_notes else None
            )
        else:
            rendered = "".join(images.values())
        kept = fixed[index][0] if index in fixed else ""
        only_images = bool(images) and index not in texts and not _IMAGES_ONLY.sub("", kept)
        if only_images and tokens[index - 1].type == "paragraph_open":
            tokens[index - 1].tag = "figure"
            tokens[index + 1].tag = "figure"
        html_token = Token("html_inline", "", 0, content=rendered)
        token.children = [html_token]

    def front(key: str) -> tuple[str, LocaleInfo]:
        segment = next((s for s in parsed.front if s.kind == key), None)
        if segment is None:
            return "", locale
        msgstr, status = lookup.find(segment)
        statuses.insert(0, dataclasses.replace(status, kind=key))
        if msgstr is None:
            return segment.text, source
        return msgstr, locale

    headings: dict[str, tuple[str, LocaleInfo]] = {}
    for block in parsed.blocks:
        if block.segment.kind == "heading":
            msgstr, _status = lookup.find(block.segment)
            plain = TAG_RE.sub("", block.segment.text)
            headings[plain] = (
                (TAG_RE.sub("", msgstr), locale) if msgstr is not None else (plain, source)
            )
    keywords = front("keywords")
    disclaimer = front("disclaimer")
    summary = front("summary")
    title = front("title")
    parser = markdown_parser()
    bounds = [*starts, len(tokens)]
    parts = tuple(
        BodyPart(
            parser.renderer.render(tokens[start:end], parser.options, {}),
            tuple(notes.parts[number]),
        )
        for number, (start, end) in enumerate(itertools.pairwise(bounds))
    )
    body = "".join(part.html for part in parts)
    return TranslatedArticle(
        parsed=parsed,
        locale=locale,
        source=source,
        title=title[0],
        title_locale=title[1],
        summary=summary[0],
        summary_locale=summary[1],
        disclaimer=disclaimer[0],
        disclaimer_locale=disclaimer[1],
        keywords=keywords[0],
        body_html=body,
        statuses=tuple(statuses),
        headings=headings,
        parts=parts,
    )
