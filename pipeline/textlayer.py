"""A PDF text layer that reads back as the printed words, around WeasyPrint.

WeasyPrint gives each glyph one ToUnicode entry: the text of the first cluster it drew it
in. Where shaping reorders or merges characters (a Devanagari vowel sign drawn before its
consonant, Thai and Lao AM split in two, Khmer and Burmese pre-base vowels, conjuncts) and
where one glyph stands for different text in different places, copy/paste, search and
screen readers read other words than the page shows; and the hyphen that hyphenation adds
at a line end reads as a real hyphen (U+2010) inside the word.

Here each shaping cluster (Pango's log_clusters) reads, in drawing order, as exactly its
characters, and the glyphs draw as before:

- each glyph that moves the pen reads as one of the cluster's characters in reading order
  (the first takes any left over: a conjunct, a ligature), and a mark that does not move
  the pen reads as nothing, its character joined to its letter's, so that extractors which
  order text by position see no gap and no character above the line. Right to left,
  extractors reverse what one glyph reads as, so there every glyph, marks too, reads as one
  character, and a zero-width joiner or non-joiner (Persian) is drawn as an empty glyph of
  the same font that reads as it;
- a glyph that stands for several texts gets one character code per text: Identity-H
  keeps code = CID, the CIDFont's CIDToGIDMap (ISO 32000-1 §9.7.4.2) sends each extra CID
  to its glyph, the ToUnicode CMap (§9.10.3) gives each its text, and W its glyph's width.
  CFF fonts (Noto Sans CJK) have no CIDToGIDMap: there, in a font out of codes, and
  around a cluster with fewer characters than glyphs that move the pen (a Bengali or
  Tamil two-part vowel), a marked span's /ActualText (§14.9.4) gives the text;
- a hyphen that hyphenation added reads as a soft hyphen (U+00AD, §14.8.2.2.3), so that
  "complica-" / "ciones" reads "complicaciones";
- inside a word, a move of the pen to the right written as one number in a TJ array (a
  mark set back over its letter, then the pen returning) reads as a word space to
  extractors that count those numbers (pypdf); it is written as several smaller numbers
  of the same sum.

Fonts whose glyphs each stand for one text keep WeasyPrint's encoding and maps.

Written from the PDF specification, Pango's glyph-item structures and the observed output
of WeasyPrint 70 (BSD-3-Clause) and of pdftotext and pypdf: three of WeasyPrint's functions
are wrapped, none is copied, and each wrapped drawing checks that WeasyPrint wrote the
glyphs this module expects.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

import pydyf  # type: ignore[import-untyped]  # WeasyPrint's PDF writer: small, no stubs

REVISION = 1
"""Changes whenever the same HTML renders to another PDF through this module: a build's
content hash of a PDF's inputs should include it."""
SOFT_HYPHEN = "\u00ad"
JOINERS = frozenset("\u200c\u200d")
"""Zero-width non-joiner and joiner are part of a word's spelling (Persian, Indic); other
text that draws no glyph (soft hyphens, zero-width spaces, bidi marks) is left out."""

_HYPHENATED = "_handouts_hyphenated"
_UTF8 = "_handouts_utf8"
_CODES = "_handouts_codes"
_ORIGINAL: dict[str, Any] = {}
_HEX = re.compile(rb"<([0-9a-f]*)>")
_MOVE_RIGHT = re.compile(rb"-([0-9.]+)")
_INFO = struct.Struct("=IiiiI")
"""PangoGlyphInfo as Pango lays it out: glyph, width, x_offset, y_offset, attributes"""
_NUMBER = re.compile(rb"-?[0-9.]+")
_EMPTY_GLYPHS: dict[tuple[str, int], int | None] = {}


class TextLayerError(RuntimeError):
    """WeasyPrint drew something this adapter does not expect (a version it does not know)."""


IDENTITY, CODED, SPANNED = 0, 1, 2
"""How a glyph reads as a text: by its own code, by another code, or in /ActualText."""


@dataclass
class FontCodes:
    """The character codes of one PDF font: the glyph each draws and the text it reads as.

    A glyph's first text keeps the code equal to its glyph id (as WeasyPrint writes it);
    each other text of the same glyph gets a code no glyph id uses, assigned once every
    page is drawn. Past `room` other texts (none in a CFF font, which has no
    CIDToGIDMap), the glyph keeps its code inside an /ActualText span.
    """

    room: int
    """how many other (glyph, text) pairs can get a code of their own"""
    identity: dict[int, str] = field(default_factory=dict)
    """glyph id → the text read for code == glyph id"""
    others: dict[tuple[int, str], int] = field(default_factory=dict)
    """(glyph id, text) → its code; -1 until `assign`; -2: none, the glyph is spanned"""
    reserved: set[int] = field(default_factory=set)
    """codes WeasyPrint gave to characters no font has (never reused)"""
    assigned: bool = False
    coded: int = 0
    """other pairs given a code of their own so far"""
    space: float = 0
    """width of the font's space glyph, 1/1000 em (0: not drawn)"""

    def use(self, glyph: int, text: str) -> int:
        """Record that `glyph` is drawn standing for `text`: IDENTITY, CODED or SPANNED."""
        if self.identity.setdefault(glyph, text) == text:
            return IDENTITY
        code = self.others.get((glyph, text))
        if code is None:
            code = -1 if self.coded < self.room else -2
            self.coded += code == -1
            self.others[glyph, text] = code
        return SPANNED if code == -2 else CODED

    def assign(self) -> None:
        """Give every other (glyph, text) pair the lowest code no glyph id or pair uses."""
        taken = set(self.identity) | self.reserved | set(self.others.values())
        free = (code for code in range(0x10000) if code not in taken)
        for pair, code in self.others.items():
            if code == -1:
                # No code left only if WeasyPrint reserved hundreds for missing characters,
                # and then the render fails anyway: read as the glyph's first text.
                self.others[pair] = next(free, -2)
        self.assigned = True

    def code(self, glyph: int, text: str) -> int:
        """The code that draws `glyph` and reads as `text` (spanned: its own code)."""
        if self.identity.get(glyph) == text:
            return glyph
        if not self.assigned:
            raise TextLayerError("character codes written before the fonts")
        code = self.others[glyph, text]
        return glyph if code < 0 else code

    @property
    def extra(self) -> list[tuple[int, int, str]]:
        """(code, glyph id, text) of every code that differs from its glyph id."""
        return [(code, glyph, text) for (glyph, text), code in self.others.items() if code >= 0]


class Glyph(NamedTuple):
    """One glyph in a text-showing operator, with the text it stands for."""

    codes: FontCodes | None
    """None: keep WeasyPrint's code (bitmap fonts, characters no font has)"""
    code: int
    """the code WeasyPrint writes: the glyph id, or its code for a character no font has"""
    text: str
    digits: int = 4
    """hex digits of the code: 4, or 2 for bitmap fonts"""
    actual: str | None = None
    """the text of the /ActualText span that opens before this glyph, if one does"""
    close: bool = False
    """whether the span closes after this glyph"""
    inserted: bool = False
    """an empty glyph this module adds to carry a joiner, not one WeasyPrint wrote"""


class ShowText(pydyf.Object):  # type: ignore[misc]
    """A `[...] TJ` operator whose codes are resolved when the PDF is written (pydyf writes
    an Object's `data`), after every page is drawn and every code assigned."""

    def __init__(self, parts: list[bytes | Glyph]) -> None:
        super().__init__()
        self.parts = parts

    @property
    def data(self) -> bytes:
        out = []
        for part in self.parts:
            if isinstance(part, bytes):
                out.append(part)
                continue
            # A span opens and closes between text-showing operators: inside `[<...>]`,
            # close the string and the array, write the operator, reopen them.
            if part.actual is not None:
                out.append(b">] TJ /Span <</ActualText %s>> BDC [<" % _pdf_string(part.actual))
            if part.codes is None:
                out.append(b"%0*x" % (part.digits, part.code))
            else:
                out.append(b"%04x" % part.codes.code(part.code, part.text))
            if part.close:
                out.append(b">] TJ EMC [<")
        return b"".join(out)


def _pdf_string(text: str) -> bytes:
    return b"<feff%s>" % text.encode("utf-16-be").hex().encode()


def install() -> None:
    """Wrap WeasyPrint's line splitting, text drawing and font writing (once per process)."""
    if _ORIGINAL:
        return
    import weasyprint.draw.text as draw_text
    import weasyprint.layout.inline as inline
    import weasyprint.pdf as pdf
    from weasyprint.text.ffi import ffi

    if ffi.sizeof("PangoGlyphInfo") != _INFO.size:
        raise TextLayerError("Pango's glyph records are not laid out as this module reads them")
    _ORIGINAL.update(
        split=inline.split_text_box,
        draw=draw_text.draw_first_line,
        fonts=pdf.build_fonts_dictionary,
    )
    inline.split_text_box = _split_text_box
    draw_text.draw_first_line = _draw_first_line
    pdf.build_fonts_dictionary = _build_fonts_dictionary


def _split_text_box(context: Any, box: Any, available_width: Any, skip: Any, **kwargs: Any) -> Any:
    """Mark the line boxes that hyphenation ended with an added hyphenate-character."""
    new_box, resume, line_break = _ORIGINAL["split"](context, box, available_width, skip, **kwargs)
    if new_box is not None:
        hyphen = box.style["hyphenate_character"]
        added = bool(hyphen) and new_box.text.endswith(hyphen)
        if added:
            # Added, unless the text itself has the hyphen there. The box's text is
            # encoded once, not once per line: a paragraph may be megabytes long.
            cached = getattr(box, _UTF8, None)
            if cached is None or cached[0] is not box.text:
                cached = (box.text, box.text.encode())
                setattr(box, _UTF8, cached)
            line = new_box.text.encode()
            start = skip or 0
            added = cached[1][start : start + len(line)] != line
        setattr(new_box, _HYPHENATED, added)
    return new_box, resume, line_break


def _draw_first_line(stream: Any, textbox: Any, *args: Any) -> Any:
    """Draw as WeasyPrint does, then recode the glyphs it wrote by the text they stand for
    (most lines keep every code WeasyPrint wrote, and are left as they are)."""
    start = len(stream.stream)
    emojis = _ORIGINAL["draw"](stream, textbox, *args)
    if len(stream.stream) > start:
        glyphs, final = _glyphs(stream, textbox)
        items = stream.stream
        if final and not _has_long_moves(items, start, glyphs):
            return emojis
        glyphs.reverse()  # popped from the end
        for index in range(start, len(items)):
            item = items[index]
            if isinstance(item, bytes) and item.endswith(b"] TJ"):
                items[index] = _recode(item, glyphs)
        if any(not glyph.inserted for glyph in glyphs):
            raise TextLayerError("WeasyPrint wrote fewer glyphs than its line has")
    return emojis


def _has_long_moves(items: list[Any], start: int, glyphs: list[Glyph]) -> bool:
    """Whether a TJ operator of the line moves the pen right by more than `_split_moves`
    lets one number do (in any of the line's fonts)."""
    spaces = [glyph.codes.space or 250 for glyph in glyphs if glyph.codes is not None]
    limit = 0.4 * min(spaces, default=250)
    for index in range(start, len(items)):
        item = items[index]
        if isinstance(item, bytes) and b"-" in item:
            for match in _MOVE_RIGHT.finditer(item):
                if float(match.group(1)) > limit:
                    return True
    return False


def _recode(operator: bytes, glyphs: list[Glyph]) -> bytes | ShowText:
    """The TJ operator with the glyphs its hex strings hold (taken from the end of `glyphs`,
    with the empty glyphs added before them): bytes if every code is known now, else an
    operator resolved when the PDF is written."""
    parts: list[bytes | Glyph] = []
    last = 0
    previous: Glyph | None = None
    lazy = changed = False
    for match in _HEX.finditer(operator):
        between = operator[last : match.start(1)]
        digits = match.group(1)
        position = 0
        while position < len(digits):
            while glyphs and glyphs[-1].inserted:
                glyph = glyphs.pop()
                parts += [between, glyph]
                lazy = changed = True
                between = b""
            if not glyphs:
                raise TextLayerError("WeasyPrint wrote more glyphs than its line has")
            glyph = glyphs.pop()
            if int(digits[position : position + glyph.digits], 16) != glyph.code:
                raise TextLayerError("WeasyPrint wrote other glyphs than its line has")
            if previous is not None and b"-" in between:
                split = _split_moves(between, previous, glyph)
                changed |= split != between
                between = split
            codes = glyph.codes
            if (
                glyph.actual is None
                and not glyph.close
                and (codes is None or codes.identity.get(glyph.code) == glyph.text)
            ):
                # Its code is final: the one WeasyPrint wrote.
                parts.append(between + digits[position : position + glyph.digits])
            else:
                parts += [between, glyph]
                lazy = changed = True
            previous, between = glyph, b""
            position += glyph.digits
        parts.append(between)
        last = match.end(1)
    parts.append(operator[last:])
    if not changed:
        return operator
    if not lazy:
        return b"".join(part for part in parts if isinstance(part, bytes))
    return ShowText(parts)


def _split_moves(between: bytes, before: Glyph, after: Glyph) -> bytes:
    """Inside a word, write each move to the right of more than 0.4 space as several
    moves of at most that, of the same sum (pypdf reads 0.475 space as a word space)."""
    codes = after.codes or before.codes
    if codes is None or any(c.isspace() for c in before.text + after.text):
        return between
    limit = Decimal(int(0.4 * (codes.space or 250)))

    def split(match: re.Match[bytes]) -> bytes:
        value = Decimal(match.group(0).decode())
        if -value <= limit:
            return match.group(0)
        moves = []
        while -value > limit:
            moves.append(-limit)
            value += limit
        moves.append(value)
        return " ".join(format(move, "f") for move in moves).encode()

    return _NUMBER.sub(split, between)


class _Cluster:
    """A shaping cluster: its characters and the glyphs WeasyPrint writes for it."""

    __slots__ = ("advances", "glyphs", "text")

    def __init__(self, text: str, glyphs: list[tuple[int, int] | Glyph]) -> None:
        self.text = text
        self.glyphs = glyphs
        """(glyph id, advance) in drawing order; a Glyph for a character no font has
        (WeasyPrint's own code and text are kept)"""
        self.advances = False
        """whether a glyph of the cluster moves the pen (a mark alone does not)"""
        for glyph in glyphs:
            if not isinstance(glyph, Glyph) and glyph[1]:
                self.advances = True
                break


def _glyphs(stream: Any, textbox: Any) -> tuple[list[Glyph], bool]:
    """The glyphs WeasyPrint wrote for the first line of `textbox`, in order, each with the
    text it stands for; and whether each keeps the code WeasyPrint wrote."""
    from weasyprint.text.ffi import ffi

    layout = textbox.pango_layout
    line, _ = layout.get_first_line()
    utf8 = layout.text.encode()
    hyphen_at = -1
    if getattr(textbox, _HYPHENATED, False):
        hyphen = textbox.style["hyphenate_character"].encode()
        if utf8.endswith(hyphen):
            hyphen_at = len(utf8) - len(hyphen)
    glyphs: list[Glyph] = []
    final = True
    run = line.runs
    pango_font: Any = None
    font: Any = None
    codes: FontCodes | None = None
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        if glyph_item.item.analysis.font != pango_font:
            pango_font = glyph_item.item.analysis.font
            font, _ = stream.add_font(pango_font)
            codes = None if font.bitmap else _codes_for(stream, font)
        rtl = bool(glyph_item.item.analysis.level % 2)
        empty = _empty_glyph(font) if rtl and codes is not None and codes.room else None
        simple = _simple_run(glyph_item, utf8, hyphen_at)
        if simple is not None and codes is not None:
            # One glyph that moves the pen per cluster, whatever the direction: each reads
            # as its cluster's text (what WeasyPrint gives the first glyph of a cluster).
            use, space = codes.use, codes.space
            for glyph, text in simple:
                how = use(glyph, text)
                if how == IDENTITY:
                    if text == " ":
                        space = font.widths.get(glyph, 0)
                    glyphs.append(Glyph(codes, glyph, text))
                    continue
                final = False
                if how == CODED:
                    glyphs.append(Glyph(codes, glyph, text))
                else:
                    glyphs.append(Glyph(codes, glyph, text, actual=text, close=True))
            codes.space = space
            continue
        clusters = _clusters(glyph_item, utf8, hyphen_at, font)
        # Join in reading order; right to left, glyphs are drawn from the left.
        if rtl:
            clusters = _join_marks(clusters[::-1], rtl, empty is not None)[::-1]
        else:
            clusters = _join_marks(clusters, rtl, True)
        for cluster in clusters:
            final &= _cluster_glyphs(cluster, codes, font, rtl, empty, glyphs)
    return glyphs, final


def _clusters(glyph_item: Any, utf8: bytes, hyphen_at: int, font: Any) -> list[_Cluster]:
    """Pango's clusters of one run, in drawing order, with their text (a hyphen that
    hyphenation added reads as a soft hyphen)."""
    from weasyprint.text.ffi import ffi, pango

    item, string = glyph_item.item, glyph_item.glyphs
    rtl = item.analysis.level % 2
    offset, length = item.offset, item.length
    count = string.num_glyphs
    starts = ffi.unpack(string.log_clusters, count)
    infos = list(_INFO.iter_unpack(ffi.buffer(string.glyphs, count * _INFO.size)))
    glyph_ids = [info[0] for info in infos]
    widths = [info[1] for info in infos]
    empty, unknown = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG
    clusters = []
    start = 0
    while start < count:
        first = starts[start]
        stop = start + 1
        while stop < count and starts[stop] == first:
            stop += 1
        # A right-to-left cluster ends where the one on its left starts.
        if rtl:
            end = length if start == 0 else starts[start - 1]
        else:
            end = length if stop == count else starts[stop]
        text = utf8[offset + first : offset + end].decode() if end > first else ""
        if offset + first == hyphen_at:
            text = SOFT_HYPHEN
        drawn: list[tuple[int, int] | Glyph] = []
        for index in range(start, stop):
            glyph = glyph_ids[index]
            if glyph == empty:
                continue
            if glyph & unknown:
                code = font.missing[glyph - unknown]
                drawn.append(Glyph(None, code, "", 2 if font.bitmap else 4))
            else:
                drawn.append((glyph, widths[index]))
        clusters.append(_Cluster(text, drawn))
        start = stop
    return clusters


def _simple_run(glyph_item: Any, utf8: bytes, hyphen_at: int) -> list[tuple[int, str]] | None:
    """(glyph id, text) of each glyph of a run whose clusters are each one glyph that
    moves the pen (most runs: Latin, Cyrillic, CJK...); None for any other run. Right to
    left, each cluster must also be one character."""
    from weasyprint.text.ffi import ffi, pango

    item, string = glyph_item.item, glyph_item.glyphs
    count = string.num_glyphs
    if not count:
        return []
    starts = ffi.unpack(string.log_clusters, count)
    if len(set(starts)) != count:
        return None
    infos = list(_INFO.iter_unpack(ffi.buffer(string.glyphs, count * _INFO.size)))
    glyph_ids = [info[0] for info in infos]
    if max(glyph_ids) >= pango.PANGO_GLYPH_EMPTY or not all(info[1] for info in infos):
        return None
    offset = item.offset
    ends = (
        [*starts[1:], item.length] if item.analysis.level % 2 == 0 else [item.length, *starts[:-1]]
    )
    texts = [utf8[offset + a : offset + b].decode() for a, b in zip(starts, ends, strict=True)]
    if item.analysis.level % 2 and any(len(text) != 1 for text in texts):
        return None
    if offset + starts[-1 if item.analysis.level % 2 == 0 else 0] == hyphen_at:
        return None
    return list(zip(glyph_ids, texts, strict=True))


def _join_marks(logical: list[_Cluster], rtl: bool, marks: bool) -> list[_Cluster]:
    """Clusters in reading order, each mark that stands alone (it does not move the pen: a
    Thai tone mark, an Arabic vowel sign) joined to the cluster before it if `marks`, and
    the text of clusters that draw nothing dropped, but for joiners, which join the cluster
    before them. Extractors place a mark's text where its glyph is, raised and apart from
    its letter; joined, the letter's cluster reads as both."""

    def join(first: _Cluster, then: _Cluster) -> _Cluster:
        glyphs = then.glyphs + first.glyphs if rtl else first.glyphs + then.glyphs
        return _Cluster(first.text + then.text, glyphs)

    joined: list[_Cluster] = []
    pending: _Cluster | None = None
    for cluster in logical:
        if not cluster.glyphs:
            cluster = _Cluster("".join(c for c in cluster.text if c in JOINERS), [])
        if cluster.advances or (cluster.glyphs and not marks):
            if pending is not None:
                cluster = join(pending, cluster)
                pending = None
            joined.append(cluster)
        elif joined:
            joined[-1] = join(joined[-1], cluster)
        else:
            pending = cluster if pending is None else join(pending, cluster)
    if pending is not None and pending.glyphs:
        joined.append(pending)
    return joined


def _cluster_glyphs(
    cluster: _Cluster,
    codes: FontCodes | None,
    font: Any,
    rtl: bool,
    empty: int | None,
    out: list[Glyph],
) -> bool:
    """Append the glyphs of one cluster, reading in drawing order as its characters;
    return whether each keeps the code WeasyPrint wrote.

    Each glyph that moves the pen reads as one character in reading order; marks read as
    nothing. Left to right, the first takes the characters left over (a conjunct, a
    ligature, joined marks); right to left, extractors would reverse those, so each is
    read from an empty glyph (`empty`) added just before the last of them, or, in a font
    without one, glyphs read as one character each, marks too. A cluster with fewer
    characters than glyphs that move the pen (a Bengali or Tamil two-part vowel) is drawn
    inside an /ActualText span, so that extractors which order text by position do not
    read the gap as a space; so is a glyph that a CFF font cannot give a second text.
    """
    drawn = cluster.glyphs
    first = drawn[0] if len(drawn) == 1 else None
    if first is not None and not isinstance(first, Glyph) and (len(cluster.text) < 2 or not rtl):
        # The common case: one glyph, one cluster.
        glyph, text = first[0], cluster.text
        if codes is None:
            out.append(Glyph(None, glyph, text, 2))
            return True
        if text == " ":
            codes.space = font.widths.get(glyph, 0)
        how = codes.use(glyph, text)
        if how == SPANNED:
            out.append(Glyph(codes, glyph, text, actual=text, close=True))
        else:
            out.append(Glyph(codes, glyph, text))
        return how == IDENTITY
    advancing = [i for i, g in enumerate(drawn) if not isinstance(g, Glyph) and g[1]]
    readers = advancing
    if rtl and empty is not None:
        readers = advancing[::-1]
    elif rtl:
        readers = [i for i, g in enumerate(drawn) if not isinstance(g, Glyph)][::-1]
    chars = list(cluster.text)
    texts = [""] * len(drawn)
    phantoms: list[str] = []
    if readers:
        extra = max(len(chars) - len(readers), 0)
        if rtl and empty is not None:
            for index, char in zip(readers, chars, strict=False):
                texts[index] = char
            phantoms = chars[len(readers) :][::-1]
        else:
            texts[readers[0]] = "".join(chars[: extra + 1])
            for index, char in zip(readers[1:], chars[extra + 1 :], strict=False):
                texts[index] = char
    elif drawn:
        texts[0] = cluster.text
    glyphs: list[Glyph] = []
    span = len(chars) < len(advancing) and not rtl
    final = not span and not phantoms
    for index, entry in enumerate(drawn):
        if phantoms and readers and index == readers[-1]:
            assert codes is not None and empty is not None
            for char in phantoms:
                spanned = codes.use(empty, char) == SPANNED
                actual = char if spanned else None
                glyphs.append(
                    Glyph(codes, empty, char, actual=actual, close=spanned, inserted=True)
                )
            font.widths.setdefault(empty, 0)
        if isinstance(entry, Glyph):
            glyphs.append(entry)
        elif codes is None:
            glyphs.append(Glyph(None, entry[0], texts[index], 2))
        else:
            how = codes.use(entry[0], texts[index])
            span |= how == SPANNED
            final &= how == IDENTITY
            glyphs.append(Glyph(codes, entry[0], texts[index]))
    if span and glyphs:
        glyphs[0] = glyphs[0]._replace(actual=cluster.text)
        glyphs[-1] = glyphs[-1]._replace(close=True)
    out += glyphs
    return final and not span


def _empty_glyph(font: Any) -> int | None:
    """A glyph of `font` that draws nothing and does not move the pen (the one for U+200B,
    U+200C or U+200D, if it is), to carry a joiner's text; None if there is none."""
    key = (font.hash, len(font.file_content))
    if key not in _EMPTY_GLYPHS:
        _EMPTY_GLYPHS[key] = None
        from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

        try:
            ttfont = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
            cmap = ttfont.getBestCmap() or {}
            glyf = ttfont.get("glyf")
            for char in (0x200B, 0x200C, 0x200D):
                name = cmap.get(char)
                if name is None or glyf is None or ttfont["hmtx"][name][0] != 0:
                    continue
                if glyf[name].numberOfContours == 0:
                    _EMPTY_GLYPHS[key] = ttfont.getGlyphID(name)
                    break
        except Exception:  # an unreadable font draws no joiner; WeasyPrint reads it anyway
            pass
    return _EMPTY_GLYPHS[key]


def _codes_for(stream: Any, font: Any) -> FontCodes:
    """The codes of `font`, shared with every font WeasyPrint writes under the same name."""
    codes: FontCodes | None = getattr(font, _CODES, None)
    if codes is None:
        for other in stream._fonts.values():
            if other.hash == font.hash and hasattr(other, _CODES):
                codes = getattr(other, _CODES)
                break
        else:
            # A CFF font's codes are its glyph ids (no CIDToGIDMap): no room for others.
            cff = {"CFF ", "CFF2"} & set(font.tables)
            codes = FontCodes(room=0 if cff else 0x10000 - font.glyph_count - 256)
        setattr(font, _CODES, codes)
    if font.missing:
        codes.reserved.update(font.missing.values())
    return codes


def _build_fonts_dictionary(pdf: Any, fonts: dict[Any, Any], *args: Any) -> Any:
    """Write the fonts as WeasyPrint does, each glyph with its first text; then give the
    other codes of TrueType fonts their text and their glyph."""
    groups: dict[str, FontCodes] = {}
    for font in fonts.values():
        codes: FontCodes | None = getattr(font, _CODES, None)
        if codes is None:
            continue
        if font.hash not in groups:
            codes.assign()
            groups[font.hash] = codes
        font.to_unicode.update(codes.identity)
        for code, glyph, _ in codes.extra:
            font.widths[code] = font.widths[glyph]
    result = _ORIGINAL["fonts"](pdf, fonts, *args)
    for name, codes in groups.items():
        extra = codes.extra
        if not extra or name not in result:
            continue
        font_dict = pdf.objects[_number(result[name])]
        to_unicode = pdf.objects[_number(font_dict["ToUnicode"])]
        at = to_unicode.stream.index(b"endcmap")
        to_unicode.stream[at:at] = _bfchar([(code, text) for code, _, text in extra])
        cid_font = pdf.objects[_number(font_dict["DescendantFonts"][0])]
        gids = list(range(max([*codes.identity, *(code for code, _, _ in extra)]) + 1))
        for code, glyph, _ in extra:
            gids[code] = glyph
        cid_to_gid = pydyf.Stream(
            [b"".join(gid.to_bytes(2, "big") for gid in gids)], compress=to_unicode.compress
        )
        pdf.add_object(cid_to_gid)
        cid_font["CIDToGIDMap"] = cid_to_gid.reference
    return result


def _number(reference: bytes) -> int:
    return int(reference.split()[0])


def _bfchar(pairs: list[tuple[int, str]]) -> list[bytes]:
    """ToUnicode entries in blocks of at most 100, as CMaps require (§9.7.5.4)."""
    entries = [
        b"<%04x> <%s>" % (code, text.encode("utf-16-be").hex().encode()) for code, text in pairs
    ]
    out: list[bytes] = []
    for start in range(0, len(entries), 100):
        block = entries[start : start + 100]
        out += [b"%d beginbfchar" % len(block), *block, b"endbfchar"]
    return out
