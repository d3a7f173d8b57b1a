"""The checks of what an article refers to, shared by `extract` and the build.

An image must be a readable file under `source/` of a sane size (measured from its
header, never decoded; an SVG may embed rasters only as data: URIs); a link must use a
web, mail or phone scheme, or lead to a file under `source/`. `pipeline extract` and the
build call the same function, so an article one refuses the other refuses too, with the
same line. Written from the URL scheme syntax of RFC 3986 and the image headers Pillow reads.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from pipeline.config import Config
from pipeline.errors import SourceError


def check_references(
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
