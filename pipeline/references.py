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
from pipeline.images import image_problem


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
    """Refuse huge raster images from their header alone, and SVGs that would load anything
    from elsewhere (`pipeline.images`)."""
    problem = image_problem(image.read_bytes(), config.max_image_pixels)
    if problem:
        raise SourceError(path, line, f"image {src!r} {problem}")
