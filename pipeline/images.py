"""What is wrong with an image file the handouts would embed: an article's image or the
clinic's logo.

A raster is measured from its header alone (Pillow reads the size without decoding), so a
decompression bomb is refused before anything decodes it, whatever its file name says. An
SVG may load nothing from elsewhere — WeasyPrint would fetch it — so every way SVG and CSS
name a resource (`href`, `xlink:href`, `src`, `url()`, `@import`) must point at the SVG's own
`#id` or be a `data:` URI of a raster, which is measured the same way; XML entities (which may
name files, or multiply text) are refused. Written from the SVG 1.1 and CSS 2.1 reference
syntaxes and the XML 1.0 entity declaration; `pipeline.references` and `pipeline.config`
both ask this module, so an article image and a logo obey one rule.
"""

from __future__ import annotations

import re

SVG_REFERENCE = re.compile(
    rb"""\b(?:href|src)\s*=\s*(["'])(.*?)\1|url\(\s*(["']?)(.*?)\3\s*\)|@import\s*(["'])(.*?)\5"""
    rb"|(<!ENTITY)",
    re.S,
)
"""Every way an SVG names something to load: links (`href`, `xlink:href`), CSS `url()` and
`@import`, and XML entities (which may name files)."""


def is_svg(data: bytes) -> bool:
    """An SVG (XML text) rather than a raster, by its first non-blank byte."""
    return data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def image_problem(data: bytes, max_pixels: int) -> str | None:
    """Why `data` may not be embedded in a handout, as words that follow the image's name
    (`is 6000×5000 pixels, ...`), or None when it may."""
    return _svg_problem(data, max_pixels) if is_svg(data) else _raster_problem(data, max_pixels)


def _raster_problem(data: bytes, max_pixels: int) -> str | None:
    import io

    from PIL import Image, UnidentifiedImageError

    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # only the header is read; our own limit applies below
    try:
        with Image.open(io.BytesIO(data)) as picture:
            width, height = picture.size
    except (UnidentifiedImageError, OSError, ValueError):
        return "is not a readable image"
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    if width * height > max_pixels:
        return f"is {width}×{height} pixels, over the limit of {max_pixels} (max_image_pixels)"
    return None


def _svg_problem(data: bytes, max_pixels: int) -> str | None:
    import base64
    import binascii
    from urllib.parse import unquote_to_bytes

    for match in SVG_REFERENCE.finditer(data):
        if match[7]:
            return "declares XML entities: remove them"
        raw = match[2] if match[2] is not None else match[4] if match[4] is not None else match[6]
        href = raw.decode("utf-8", "replace").strip()
        if href.startswith("#"):
            continue
        if not href.startswith("data:"):
            return f"refers to another file ({href[:60]}): embed it"
        header, _, payload = href.partition(",")
        try:
            if ";base64" in header:
                embedded = base64.b64decode(payload, validate=False)
            else:
                embedded = unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            return "embeds a broken image"
        if embedded and header[5:].lower().startswith("image/") and "svg" not in header.lower():
            problem = _raster_problem(embedded, max_pixels)
            if problem:
                return problem
        elif embedded:
            return f"embeds something other than a raster image: {header[:40]}"
    return None
