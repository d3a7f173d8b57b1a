"""Stage 1 of the build: the sources, read and checked, and the files pages refer to.

Templates must be there; every image must be a readable file under `source/` of a
sane size, every local link must lead to a file; the clinic logo and the articles'
images are copied into `output/`. A problem stops the build with its source line
before anything is written.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from pipeline.build.state import References, code_fingerprint
from pipeline.config import Config
from pipeline.errors import SourceError, TemplateError
from pipeline.fsutil import write_bytes
from pipeline.segments import is_local
from pipeline.sources import find_articles

if TYPE_CHECKING:
    from pipeline.segments import ParsedArticle

MEDIA = "media"
"""Where articles' images are copied: a folder of their own, so that no source file can
take the place of an output (a QR code, the logo, a page)."""
ASSETS = "assets"
"""Where the clinic logo is copied."""


@dataclass(frozen=True)
class Source:
    """One article: its file, the hash of its bytes and what it refers to. It is parsed
    only when a page or catalog of it must be made (`parsed`)."""

    path: Path
    digest: str
    """SHA-256 of the source file: the article's identity for caching and its version."""
    images: tuple[tuple[str, int], ...]
    """Image sources with their source line."""
    links: tuple[tuple[str, int], ...]
    """Link targets with their source line."""

    @property
    def slug(self) -> str:
        return self.path.stem  # `read_article` makes sure the slug is the file's name

    @property
    def parsed(self) -> ParsedArticle:
        return parsed_article(self.path, self.digest)


_PARSED: dict[tuple[Path, str], ParsedArticle] = {}
"""Articles parsed in this process, by path and digest. Worker processes are forked after
the build parses what they need, so they find those articles here."""


def parsed_article(path: Path, digest: str) -> ParsedArticle:
    """The article at `path` as the file with this digest holds it, parsed once per process."""
    parsed = _PARSED.get((path, digest))
    if parsed is None:
        from pipeline.segments import segment_article
        from pipeline.sources import read_article

        parsed = segment_article(read_article(path))
        _PARSED[path, digest] = parsed
    return parsed


def read_sources(config: Config, known: dict[str, References] | None = None) -> tuple[Source, ...]:
    """Every article, checked: templates present, images and links sound.

    `known` maps keys (`reference_key`) to the references of articles an earlier build
    parsed: such an article is not parsed again (the same bytes parse the same way), but
    its references are checked again. New entries are added to it.
    """
    _check_templates(config)
    known = {} if known is None else known
    sources = []
    for path in find_articles(config.source_dir):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        key = reference_key(path, digest)
        if key not in known:
            parsed = parsed_article(path, digest)
            known[key] = (parsed.images, parsed.links)
        images, links = known[key]
        _check_references(config, path, images, links)
        sources.append(Source(path, digest, images, links))
    return tuple(sources)


def reference_key(path: Path, digest: str) -> str:
    """What an article's references depend on: its name, its bytes, the parser's code."""
    return hashlib.sha256(f"{path.name}\n{digest}\n{code_fingerprint()}".encode()).hexdigest()


def copy_assets(config: Config, sources: tuple[Source, ...]) -> None:
    """Copy the clinic logo and the articles' images into output/ (unchanged files are
    left alone)."""
    out = config.output_dir
    if config.clinic.logo:
        logo = config.root / config.clinic.logo
        write_bytes(out / ASSETS / logo.name, logo.read_bytes(), durable=False)
    for source in sources:
        linked = [h.split("#", 1)[0].split("?", 1)[0] for h, _ in source.links if is_local(h)]
        for src in [src for src, _line in source.images] + [unquote(h) for h in linked]:
            data = (config.source_dir / src).read_bytes()
            write_bytes(out / MEDIA / src, data, durable=False)


def logo_url(config: Config) -> str:
    """The logo's URL from a page in output/<lang>/; empty without a logo."""
    return f"../{ASSETS}/{Path(config.clinic.logo).name}" if config.clinic.logo else ""


def stylesheet(config: Config) -> str:
    return (config.templates_dir / "style.css").read_text("utf-8")


def _check_templates(config: Config) -> None:
    needed = ["handout.html", "index.html", "style.css"]
    if config.large_print:
        needed.append("large-print.css")
    for name in needed:
        if not (config.templates_dir / name).is_file():
            raise TemplateError(
                config.templates_dir / name, 1, f"missing template: templates/{name}"
            )


def _check_references(
    config: Config,
    path: Path,
    images: tuple[tuple[str, int], ...],
    links: tuple[tuple[str, int], ...],
) -> None:
    """Images must be files under source/ of a sane size; local links must exist."""
    root = config.source_dir.resolve()
    for src, line in images:
        if (
            re.match(r"[a-z][a-z0-9+.-]*:", src, re.I)
            or src.startswith("/")
            or ".." in src.split("/")
        ):
            # (named without '..': it is copied to the same path under output/media/)
            raise SourceError(path, line, f"image {src[:80]!r} must be a file under source/")
        try:  # a name too long for the file system, or holding a NUL, is no file of ours
            target = (config.source_dir / src).resolve()
            if not target.is_relative_to(root):
                raise SourceError(path, line, f"image {src!r} must be a file under source/")
            if not target.is_file():
                raise SourceError(path, line, f"image not found: {src[:80]}")
            _check_pixels(config, path, line, target, src)
        except (OSError, ValueError):
            raise SourceError(path, line, f"image {src[:80]!r} cannot be read") from None
    for href, line in links:
        scheme = re.match(r"([a-z][a-z0-9+.-]*):", href, re.I)
        if scheme and scheme[1].lower() not in ("http", "https", "mailto", "tel"):
            raise SourceError(path, line, f"link with a forbidden URL scheme: {href}")
        if href.startswith("//"):
            raise SourceError(
                path, line, f"link without a scheme: {href} (write https:{href} for a web page)"
            )
        if not href or href.startswith("#") or scheme:
            continue
        local = href.split("#", 1)[0].split("?", 1)[0]
        if ".." in unquote(local).split("/"):
            raise SourceError(path, line, f"link {href[:80]!r} must name a file under source/")
        try:
            target = (config.source_dir / unquote(local)).resolve()
            missing = not target.is_relative_to(root) or not target.is_file()
        except (OSError, ValueError):
            missing = True
        if missing:
            raise SourceError(path, line, f"link to a missing local file: {href[:80]}")


def _check_pixels(config: Config, path: Path, line: int, image: Path, src: str) -> None:
    """Refuse huge raster images from their header alone, before anything decodes them,
    whatever their file name says; an SVG may embed rasters only as data: URIs, which
    are measured the same way."""
    data = image.read_bytes()
    if data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        _check_svg(config, path, line, data, src)
        return
    _check_raster(config, path, line, data, src)


def _check_raster(config: Config, path: Path, line: int, data: bytes, src: str) -> None:
    import io

    from PIL import Image, UnidentifiedImageError

    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # only the header is read; our own limit applies below
    try:
        with Image.open(io.BytesIO(data)) as picture:
            width, height = picture.size
    except (UnidentifiedImageError, OSError, ValueError):
        raise SourceError(path, line, f"image {src!r} is not a readable image") from None
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    if width * height > config.max_image_pixels:
        raise SourceError(
            path,
            line,
            f"image {src!r} is {width}×{height} pixels, over the limit of"
            f" {config.max_image_pixels} (max_image_pixels)",
        )


_SVG_REFERENCE = re.compile(
    rb"""\b(?:href|src)\s*=\s*(["'])(.*?)\1|url\(\s*(["']?)(.*?)\3\s*\)|@import\s*(["'])(.*?)\5"""
    rb"|(<!ENTITY)",
    re.S,
)
"""Every way an SVG names something to load: links (`href`, `xlink:href`), CSS `url()` and
`@import`, and XML entities (which may name files)."""


def _check_svg(config: Config, path: Path, line: int, data: bytes, src: str) -> None:
    """Rasters inside an SVG: data: URIs are measured; references to anything but the SVG's
    own elements (`#id`) are refused (WeasyPrint would fetch them), and so are entities."""
    import base64
    import binascii
    from urllib.parse import unquote_to_bytes

    for match in _SVG_REFERENCE.finditer(data):
        if match[7]:
            raise SourceError(path, line, f"image {src!r} declares XML entities: remove them")
        raw = match[2] if match[2] is not None else match[4] if match[4] is not None else match[6]
        href = raw.decode("utf-8", "replace").strip()
        if href.startswith("#"):
            continue
        if not href.startswith("data:"):
            raise SourceError(
                path, line, f"image {src!r} refers to another file ({href[:60]}): embed it"
            )
        header, _, payload = href.partition(",")
        try:
            if ";base64" in header:
                embedded = base64.b64decode(payload, validate=False)
            else:
                embedded = unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            raise SourceError(path, line, f"image {src!r} embeds a broken image") from None
        if embedded and header[5:].lower().startswith("image/") and "svg" not in header.lower():
            _check_raster(config, path, line, embedded, src)
        elif embedded:
            raise SourceError(
                path,
                line,
                f"image {src!r} embeds something other than a raster image: {header[:40]}",
            )
