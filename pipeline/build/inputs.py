"""Stage 1 of the build: the sources, read and checked, and the files pages refer to.

Templates must be there; every image must be a readable file under `source/` of a
sane size, every local link must lead to a file; the clinic logo and the articles'
images are copied into `output/`. A problem stops the build with its source line
before anything is written; a broken article is left out of the build and reported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from pipeline.build.state import References, code_fingerprint
from pipeline.config import Config
from pipeline.errors import SourceError, TemplateError
from pipeline.fsutil import write_bytes
from pipeline.references import check_references
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


_PARSED: dict[Path, tuple[str, ParsedArticle]] = {}
"""The newest article parsed in this process at each path, with its digest. Worker
processes are forked after the build parses what they need, so they find those articles
here; a long `build --watch` keeps one version per article, not one per save."""


def parsed_article(path: Path, digest: str) -> ParsedArticle:
    """The article at `path` as the file with this digest holds it, parsed once per process."""
    cached = _PARSED.get(path)
    if cached is not None and cached[0] == digest:
        return cached[1]
    from pipeline.segments import segment_article
    from pipeline.sources import read_article

    parsed = segment_article(read_article(path))
    _PARSED[path] = (digest, parsed)
    return parsed


def read_sources(
    config: Config, known: dict[str, References] | None = None
) -> tuple[tuple[Source, ...], tuple[SourceError, ...]]:
    """Every article, checked: templates present, images and links sound; and the error
    of each article that cannot be built (its front matter, markup or references), so
    that one broken article does not stop the others. Missing templates stop everything.

    `known` maps keys (`reference_key`) to the references of articles an earlier build
    parsed: such an article is not parsed again (the same bytes parse the same way), but
    its references are checked again. New entries are added to it.
    """
    _check_templates(config)
    known = {} if known is None else known
    sources = []
    broken = []
    for path in find_articles(config.source_dir):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        key = reference_key(path, digest)
        try:
            if key not in known:
                parsed = parsed_article(path, digest)
                known[key] = (parsed.images, parsed.links)
            images, links = known[key]
            check_references(config, path, images, links)
        except SourceError as exc:
            broken.append(exc)
            continue
        sources.append(Source(path, digest, images, links))
    return tuple(sources), tuple(broken)


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
