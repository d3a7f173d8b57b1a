"""What earlier builds made, kept in `output/`, so that a build redoes only what changed.

- `.build-state.json`: each PDF (path under output/) → the hash of every input it was
  made from. It is rewritten as each PDF finishes, and a PDF is forgotten before it is
  rewritten, so a killed build never leaves a stale PDF marked current.
- `.build-pages.json`: each page's input key and summary, each catalog's gate summary,
  and the interface messages of the handout template. It is rewritten after each
  language's pages are written; a page counts as made only while its file still holds
  what was written (its SHA-256 is kept).

A missing or damaged file means that nothing is known: everything is made again. The
keys hash the pipeline's own code and the libraries that shape a page, so upgrading
the pipeline remakes what it makes differently.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import subprocess
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from pipeline.build.records import CatalogSummary, PageSummary
from pipeline.errors import PipelineError
from pipeline.fsutil import write_text

References = tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]
"""An article's images and links, each with its source line."""

PDF_STATE = ".build-state.json"
PAGE_STATE = ".build-pages.json"


def digest(*parts: str | bytes) -> str:
    """SHA-256 of the parts, each length-prefixed (so that no two lists hash alike)."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes; `absent` when there is no such file. A folder (or an
    unreadable file) where a file goes is the user's error, named by its path."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "absent"
    except IsADirectoryError:
        raise PipelineError(path, 1, "not a regular file (a folder)") from None
    except OSError as exc:
        raise PipelineError(path, 1, f"cannot read this file: {exc.strerror}") from None


def _module_text(name: str) -> bytes:
    """The text of a library's top module, found without importing it: it holds the
    library's version, so an upgrade changes it."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    return Path(spec.origin).read_bytes() if spec and spec.origin else name.encode()


_SHAPING = ("jinja2", "markupsafe", "markdown_it", "babel", "polib", "yaml", "segno")
"""The libraries that shape a page: their versions are part of every page's key."""


@cache
def code_fingerprint() -> str:
    """The pipeline's own code and the versions of the libraries that shape a page."""
    package = Path(__file__).resolve().parent.parent
    parts: list[str | bytes] = [_module_text(name) for name in _SHAPING]
    for path in sorted(package.rglob("*.py")):
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return digest(*parts)


_FC_LIST = ["fc-list", "--format", "%{file}\\n"]
_font_listing: subprocess.Popen[str] | None = None


def list_fonts_early() -> None:
    """Start fontconfig's listing of the fonts now (a subprocess of ~0.1 s), so that it
    runs while the build reads its inputs; `renderer_fingerprint` collects it."""
    global _font_listing
    if _font_listing is not None or renderer_fingerprint.cache_info().currsize:
        return
    try:
        _font_listing = subprocess.Popen(
            _FC_LIST, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
    except OSError:
        _font_listing = None


@cache
def renderer_fingerprint() -> str:
    """What a PDF depends on beyond its files: WeasyPrint's version and the installed
    fonts (fontconfig's list of font files)."""
    global _font_listing
    version = _module_text("weasyprint")
    listing = ""
    if _font_listing is not None:
        listing = _font_listing.communicate()[0]
        _font_listing = None
    else:
        with contextlib.suppress(OSError):
            listing = subprocess.run(_FC_LIST, capture_output=True, text=True, check=False).stdout
    return digest(version, "\n".join(sorted(set(listing.splitlines()))))


def templates_fingerprint(templates_dir: Path) -> str:
    """Every file of the templates folder: names and bytes."""
    parts: list[str | bytes] = []
    for path in sorted(templates_dir.rglob("*")):
        if path.is_file():
            parts += [path.relative_to(templates_dir).as_posix(), path.read_bytes()]
    return digest(*parts)


def generation_date() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


class PdfState:
    """PDF (path under output/) → hash of its inputs and its page count, on disk after
    every change (so that an up-to-date PDF is reported with its pages)."""

    def __init__(self, out: Path) -> None:
        self.path = out / PDF_STATE
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            data = {}
        self.hashes: dict[str, str] = {}
        self.pages: dict[str, int] = {}
        for key, value in data.items() if isinstance(data, dict) else ():
            inputs, _, pages = str(value).partition(" ")
            self.hashes[str(key)] = inputs
            self.pages[str(key)] = int(pages) if pages.isdigit() else 0

    def current(self, key: str, inputs: str) -> bool:
        return self.hashes.get(key) == inputs

    def forget(self, keys: list[str]) -> None:
        """Before these PDFs are rewritten: a build killed meanwhile leaves them unknown."""
        if any(key in self.hashes for key in keys):
            for key in keys:
                self.hashes.pop(key, None)
            self._save()

    def record(self, key: str, inputs: str | None, pages: int = 0) -> None:
        """A PDF of `pages` pages was written from these inputs (None: it failed and was
        removed)."""
        if inputs is None:
            self.hashes.pop(key, None)
        else:
            self.hashes[key] = inputs
            self.pages[key] = pages
        self._save()

    def keep(self, keys: set[str]) -> None:
        """Forget every PDF but these (the others are no longer made)."""
        if set(self.hashes) - keys:
            self.hashes = {k: v for k, v in self.hashes.items() if k in keys}
            self._save()

    def _save(self) -> None:
        data = {key: f"{inputs} {self.pages.get(key, 0)}" for key, inputs in self.hashes.items()}
        text = json.dumps(data, separators=(",", ":"), sort_keys=True)
        write_text(self.path, text + "\n", durable=False)


@dataclass
class PageState:
    """Pages, catalog summaries and the handout's interface messages of earlier builds."""

    path: Path
    pages: dict[str, PageSummary] = field(default_factory=dict)
    """`lang/slug` → the page's summary."""
    catalogs: dict[str, CatalogSummary] = field(default_factory=dict)
    """`lang/slug` → the gate's summary of that article's catalog."""
    handout: tuple[str, tuple[str, ...]] = ("", ())
    """(templates fingerprint, the msgids of the handout template's interface strings)."""
    references: dict[str, References] = field(default_factory=dict)
    """`inputs.reference_key` → an article's images and links (parsed once)."""
    index: str = ""
    """Key of the index page's inputs and the SHA-256 of what was written, joined."""

    @classmethod
    def load(cls, out: Path) -> PageState:
        state = cls(out / PAGE_STATE)
        try:
            data = json.loads(state.path.read_text("utf-8"))
            state.pages = {k: PageSummary.from_json(v) for k, v in data["pages"].items()}
            state.catalogs = {
                k: CatalogSummary(**{**v, "problems": tuple(v["problems"])})
                for k, v in data["catalogs"].items()
            }
            key, messages = data["handout"]
            state.handout = (str(key), tuple(str(m) for m in messages))
            state.references = {
                str(k): (
                    tuple((str(src), int(line)) for src, line in images),
                    tuple((str(href), int(line)) for href, line in links),
                )
                for k, (images, links) in data["references"].items()
            }
            state.index = str(data["index"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(out / PAGE_STATE)
        return state

    def keep(self, pages: set[str], catalogs: set[str], references: set[str]) -> None:
        """Forget the pages, catalogs and articles that are no longer made."""
        old = (len(self.pages), len(self.catalogs), len(self.references))
        self.pages = {k: v for k, v in self.pages.items() if k in pages}
        self.catalogs = {k: v for k, v in self.catalogs.items() if k in catalogs}
        self.references = {k: v for k, v in self.references.items() if k in references}
        if old != (len(self.pages), len(self.catalogs), len(self.references)):
            self.save()

    def save(self) -> None:
        data = {
            "pages": {k: asdict(v) for k, v in sorted(self.pages.items())},
            "catalogs": {k: asdict(v) for k, v in sorted(self.catalogs.items())},
            "handout": [self.handout[0], list(self.handout[1])],
            "references": self.references,
            "index": self.index,
        }
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        write_text(self.path, text + "\n", durable=False)
