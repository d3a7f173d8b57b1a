"""`Article` → `Segment`s: one per block, inline markup as numbered tags.

A msgid like `Ask <a1>your doctor</a1> about <strong1>HSCT</strong1>.` keeps link
targets, image sources and code out of the translator's text; they come back
from the source, by tag number, when a translation is rendered.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.errors import SourceError
from pipeline.model import TAG_RE
from pipeline.sources import Article

__all__ = ["TAG_RE", "Block", "ParsedArticle", "Segment", "Tag", "segment_article"]
_PAIRED = {"strong_open": "strong", "em_open": "em", "s_open": "s", "link_open": "a"}
_CLOSE = {"strong_close": "strong", "em_close": "em", "s_close": "s", "link_close": "a"}
_SPACE = re.compile(r"\s+")
MAX_BLOCK_DEPTH = 24
"""Deepest block nesting an article may use (lists in quotes in lists...): far beyond any
handout, well before a renderer's recursion limit."""
MAX_INLINE_DEPTH = 12
"""Deepest inline nesting (emphasis in a link in strong text...)."""


@dataclass(frozen=True)
class Tag:
    """How one numbered tag of a msgid turns back into HTML."""

    name: str
    """`strong1`, `a2`, `img1` ..."""
    open_html: str
    close_html: str
    """Empty for self-closing placeholders (images, code, line breaks)."""
    local: bool = False
    """A link to a file under source/: its `href` is relative to source/, and the page that
    shows it sits elsewhere (the build copies the file and prefixes the link)."""
    href: str = ""
    """A link's target as the page has it (markdown-it's normalised form): a translation's
    `link` entry may replace it (`pipeline.links`)."""
    label: str = ""
    """An autolink's text, which is its URL (`<a1/>`, never translated)."""

    @property
    def paired(self) -> bool:
        return bool(self.close_html)


def is_local(href: str) -> bool:
    """A link to a file of the project: no scheme, no `//host`, not only a `#fragment`."""
    return bool(href) and not re.match(r"[a-z][a-z0-9+.-]*:|//|#", href, re.I)


@dataclass(frozen=True)
class Segment:
    """One translatable unit: a block's text with inline markup as numbered tags."""

    text: str
    """The msgid."""
    kind: str
    """`heading`, `paragraph`, `quotation`, `bulleted list item`, `numbered list item`,
    `table cell`, `image alt text`, `title`..."""
    section: tuple[str, ...]
    """Headings above the block, outermost first (for the `#.` comment)."""
    path: Path
    line: int
    tags: tuple[Tag, ...] = field(default=())
    detail: str = ""
    """Where in its block the text sits, for the translator: `row 2, column 1: Dose` for
    a table cell (the `#:` reference has no line numbers, by design)."""

    @property
    def comment(self) -> str:
        """The `#.` comment: section path, kind and detail, e.g. `Section: Risks (paragraph)`."""
        what = f"{self.kind}, {self.detail}" if self.detail else self.kind
        where = " › ".join(self.section)
        return f"Section: {where} ({what})" if where else f"({what})"


@dataclass(frozen=True)
class Block:
    """A segment and where it sits in the token stream, for rendering."""

    segment: Segment
    token_index: int
    """Index of the `inline` token (or of the image's inline token for alt text)."""
    attr_token_index: int
    """Index of the block token that carries `lang`/`dir` on fallback."""
    image_index: int = -1
    """For alt text: index of the image among the inline token's children."""


@dataclass(frozen=True)
class ParsedArticle:
    """An article split into segments, with the tokens needed to render it back."""

    article: Article
    tokens: tuple[Token, ...]
    blocks: tuple[Block, ...]
    front: tuple[Segment, ...]
    """Front-matter segments: title, summary, disclaimer."""
    images: tuple[tuple[str, int], ...]
    """Image sources with their source line."""
    links: tuple[tuple[str, int], ...] = ()
    """Link targets with their source line."""
    fixed: tuple[tuple[int, str, tuple[Tag, ...]], ...] = ()
    """Inline tokens with nothing to translate (only code, URLs, images): index,
    tagged text and tags, rendered as in the source."""

    @property
    def segments(self) -> list[Segment]:
        return [*self.front, *(b.segment for b in self.blocks)]


def markdown_parser() -> MarkdownIt:
    """CommonMark with tables and strikethrough. Raw HTML is recognised only so that
    `segment_article` can refuse it: it is never passed through."""
    parser = MarkdownIt("commonmark", {"html": True, "maxNesting": 4 * MAX_BLOCK_DEPTH})
    parser.enable(["table", "strikethrough"])
    # Parse every URL, so the build can refuse forbidden ones by source line instead of
    # markdown-it silently leaving `[x](javascript:...)` as literal text.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def normalise(text: str) -> str:
    """Collapse runs of white space, so re-wrapping a paragraph keeps its msgid."""
    return _SPACE.sub(" ", text).strip()


def _attrs(token: Token) -> str:
    return "".join(
        f' {html.escape(str(k))}="{html.escape(str(v))}"' for k, v in token.attrs.items()
    )


def _inline_text(article: Article, children: list[Token], line: int) -> tuple[str, list[Tag]]:
    """Turn inline tokens into tagged text and the tags that restore the markup."""
    counters: dict[str, int] = {}
    stack: list[str] = []
    tags: list[Tag] = []
    parts: list[str] = []

    def new(kind: str) -> str:
        counters[kind] = counters.get(kind, 0) + 1
        return f"{kind}{counters[kind]}"

    i = 0
    while i < len(children):
        child = children[i]
        kind = child.type
        i += 1
        if kind == "text":
            if TAG_RE.search(child.content):
                raise SourceError(
                    article.path, line, f"text {child.content!r} looks like a placeholder tag"
                )
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            name = new("br")
            tags.append(Tag(name, "<br />\n", ""))
            parts.append(f"<{name}/>")
        elif kind == "code_inline":
            name = new("code")
            tags.append(Tag(name, f"<code>{html.escape(child.content)}</code>", ""))
            parts.append(f"<{name}/>")
        elif kind == "image":
            name = new("img")
            tags.append(Tag(name, "", ""))  # its HTML is made at render time, with the alt
            parts.append(f"<{name}/>")
        elif kind == "link_open" and child.markup == "autolink":
            # The URL is both target and text: one placeholder, never translated.
            name = new("a")
            label = ""
            while i < len(children) and children[i].type != "link_close":
                label += children[i].content
                i += 1
            i += 1
            href = str(child.attrs.get("href", ""))
            tags.append(
                Tag(name, f"<a{_attrs(child)}>{html.escape(label)}</a>", "", href=href, label=label)
            )
            parts.append(f"<{name}/>")
        elif kind in _PAIRED:
            name = new(_PAIRED[kind])
            stack.append(name)
            if len(stack) > MAX_INLINE_DEPTH:
                raise SourceError(
                    article.path,
                    line,
                    f"inline markup nested more than {MAX_INLINE_DEPTH} levels deep",
                )
            tag = _PAIRED[kind]
            local = tag == "a" and is_local(str(child.attrs.get("href", "")))
            href = str(child.attrs.get("href", "")) if tag == "a" else ""
            tags.append(Tag(name, f"<{tag}{_attrs(child)}>", f"</{tag}>", local, href))
            parts.append(f"<{name}>")
        elif kind in _CLOSE:
            parts.append(f"</{stack.pop()}>")
        elif kind == "html_inline":
            raise SourceError(
                article.path, line, f"raw HTML is not allowed in articles: {child.content!r}"
            )
        else:
            raise SourceError(article.path, line, f"unsupported inline markup '{kind}'")
    return normalise("".join(parts)), tags


@dataclass
class _Context:
    """The containers around the current token, for the kind a translator is shown: lists
    and quotations open, and the position in the current table."""

    containers: list[str] = field(default_factory=list)
    """`bulleted list`, `numbered list` or `quotation` for each open one, outermost first."""
    header_row: bool = False
    row: int = 0
    """Body row of the current table (1 = first row under the header)."""
    column: int = 0
    headers: dict[int, str] = field(default_factory=dict)
    """The current table's header texts by column, tags removed."""

    def enter(self, token: Token) -> None:
        """Follow one block token (call for every token, in order)."""
        kind = token.type
        if kind in _CONTAINERS:
            self.containers.append(_CONTAINERS[kind])
        elif kind in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            self.containers.pop()
        elif kind == "table_open":
            self.row, self.headers = 0, {}
        elif kind in ("thead_open", "thead_close"):
            self.header_row = kind == "thead_open"
        elif kind == "tr_open":
            self.column = 0
            self.row += 0 if self.header_row else 1
        elif kind in ("th_open", "td_open"):
            self.column += 1

    def paragraph(self) -> str:
        """The kind of a paragraph here: `paragraph`, `quotation`, `numbered list item`,
        `bulleted list item in a quotation`..."""
        if not self.containers:
            return "paragraph"
        inner = self.containers[-1]
        kind = "quotation" if inner == "quotation" else f"{inner} item"
        if inner != "quotation" and "quotation" in self.containers:
            kind += " in a quotation"
        return kind

    def cell(self, text: str) -> str:
        """The detail of a table cell with this text: its row and column (and header)."""
        plain = TAG_RE.sub("", text)
        if self.header_row:
            self.headers[self.column] = plain
            return f"header row, column {self.column}"
        header = self.headers.get(self.column, "")
        if len(header) > _HEADER_SHOWN:
            header = header[: _HEADER_SHOWN - 1] + "…"
        where = f"row {self.row}, column {self.column}"
        return f"{where}: {header}" if header else where


_CONTAINERS = {
    "bullet_list_open": "bulleted list",
    "ordered_list_open": "numbered list",
    "blockquote_open": "quotation",
}
_HEADER_SHOWN = 40
"""Longest column header quoted in a table cell's comment."""


def _kind_of(tokens: list[Token], index: int, context: _Context) -> tuple[str, int]:
    """The block kind of the inline token at `index` and the token for lang/dir."""
    parent = tokens[index - 1]
    if parent.type == "heading_open":
        return "heading", index - 1
    if parent.type in ("th_open", "td_open"):
        return "table cell", index - 1
    if parent.type == "paragraph_open":
        attr_index = index - 1
        if index >= 2 and tokens[index - 2].type == "list_item_open" and parent.hidden:
            attr_index = index - 2
        return context.paragraph(), attr_index
    return "text", index - 1


def segment_article(article: Article) -> ParsedArticle:
    """Split an article into segments, in document order."""
    try:
        tokens = markdown_parser().parse(article.body)
    except RecursionError:
        raise SourceError(article.path, article.body_line, "markup nested too deeply") from None
    for token in tokens:
        if token.level > MAX_BLOCK_DEPTH:
            line = article.body_line + (token.map[0] if token.map else 0)
            raise SourceError(
                article.path, line, f"blocks nested more than {MAX_BLOCK_DEPTH} levels deep"
            )
    section: list[tuple[int, str]] = []
    blocks: list[Block] = []
    images: list[tuple[str, int]] = []
    links: list[tuple[str, int]] = []
    fixed: list[tuple[int, str, tuple[Tag, ...]]] = []
    context = _Context()
    for index, token in enumerate(tokens):
        context.enter(token)
        if token.type == "heading_open" and token.tag == "h1":
            line = article.body_line + (token.map[0] if token.map else 0)
            raise SourceError(
                article.path, line, "use '##' for sections: the title comes from the front matter"
            )
        if token.type == "html_block":
            line = article.body_line + (token.map[0] if token.map else 0)
            snippet = token.content.strip().splitlines()[0][:40]
            raise SourceError(
                article.path, line, f"raw HTML is not allowed in articles: {snippet!r}"
            )
        if token.type != "inline":
            continue
        line = article.body_line + (token.map[0] if token.map else 0)
        kind, attr_index = _kind_of(tokens, index, context)
        text, tags = _inline_text(article, token.children or [], line)
        detail = context.cell(text) if kind == "table cell" else ""
        path = tuple(title for _, title in section)
        if kind == "heading":
            level = int(tokens[index - 1].tag[1])
            previous = section[-1][0] if section else 1
            if level > previous + 1:
                raise SourceError(
                    article.path, line, f"heading level skipped: h{level} after h{previous}"
                )
            while section and section[-1][0] >= level:
                section.pop()
            path = tuple(title for _, title in section)
            section.append((level, TAG_RE.sub("", text)))
        for child in token.children or []:
            if child.type == "link_open":
                links.append((str(child.attrs.get("href", "")), line))
        for position, child in enumerate(token.children or []):
            if child.type != "image":
                continue
            alt = normalise("".join(c.content for c in child.children or []))
            src = str(child.attrs.get("src", ""))
            if not alt:
                raise SourceError(article.path, line, f"image {src!r} has no alt text")
            images.append((src, line))
            seg = Segment(alt, "image alt text", path, article.path, line, detail=detail)
            blocks.append(Block(seg, index, attr_index, position))
        if text and not TAG_RE.sub("", text).strip():
            fixed.append((index, text, tuple(tags)))
        elif text:
            segment = Segment(text, kind, path, article.path, line, tuple(tags), detail)
            blocks.append(Block(segment, index, attr_index))
    front = [
        Segment(getattr(article, key), key, (), article.path, article.line_of(key))
        for key in ("title", "summary", "keywords", "disclaimer")
        if getattr(article, key)
    ]
    return ParsedArticle(
        article,
        tuple(tokens),
        tuple(blocks),
        tuple(front),
        tuple(images),
        tuple(links),
        tuple(fixed),
    )
