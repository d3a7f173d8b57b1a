"""`pyproject.toml [tool.pipeline]` → a frozen, validated `Config`."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.fsutil import check_tree
from pipeline.images import image_problem
from pipeline.locales import invalid_reason

PAPER_SIZES = {"A4": "A4", "LETTER": "letter", "A5": "A5", "LEGAL": "legal"}
PAPER_MM = {
    "A4": (210.0, 297.0),
    "LETTER": (215.9, 279.4),
    "A5": (148.0, 210.0),
    "LEGAL": (215.9, 355.6),
}
"""Width and height of each paper, for checking that the margins leave room for text."""
_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}


RENDER_TIMEOUT_RANGE = (10, 3600)
"""Seconds: below 10 a normal handout cannot finish; above an hour a stuck render stalls CI."""
RENDER_MEMORY_RANGE = (512, 1_048_576)
"""Megabytes of address space per PDF worker: below 512 the renderer cannot start."""
LOGO_TYPES = {
    ".svg": b"<",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}
"""Logo file types and how their content starts (an SVG is XML text)."""


@dataclass(frozen=True)
class Clinic:
    """The clinic that prints the handouts: its name and contact block."""

    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    website: str = ""
    logo: str = ""
    """Path of an SVG logo, relative to the project root."""


@dataclass(frozen=True)
class Config:
    """Validated project configuration."""

    root: Path
    """Folder holding pyproject.toml."""
    pyproject: Path
    source_language: str
    languages: tuple[str, ...]
    """Target languages, gettext ids (`es`, `zh_Hans`)."""
    paper: str
    """CSS page size keyword (`A4`, `letter`)."""
    margin: str
    """CSS page margin."""
    clinic: Clinic
    base_url: str
    """Where the web edition lives; empty when not published online."""
    threshold: int
    """Percent of translated segments below which a language is not published."""
    thresholds: tuple[tuple[str, int], ...]
    """Per-language overrides of `threshold`."""
    large_print: bool
    """Also make `<slug>.large.pdf` with 18 pt body text."""
    max_image_pixels: int = 25_000_000
    """Raster images larger than this (width × height) are refused before decoding."""
    render_timeout: float = 300.0
    """Seconds one PDF may take before its worker is killed."""
    render_memory_mb: int = 4096
    """Address-space limit of each PDF worker."""
    output: str = "output"
    """Output folder, relative to `root` (the live preview builds elsewhere)."""

    def threshold_for(self, lang: str) -> int:
        return dict(self.thresholds).get(lang, self.threshold)

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def output_dir(self) -> Path:
        return self.root / self.output


_TOP_KEYS = {
    "source_language",
    "languages",
    "paper",
    "margin",
    "clinic",
    "base_url",
    "threshold",
    "thresholds",
    "large_print",
    "max_image_pixels",
    "render_timeout",
    "render_memory_mb",
}
_CLINIC_KEYS = {"name", "phone", "email", "address", "website", "logo"}


def _logo_problem(root: Path, logo: str, max_pixels: int) -> str | None:
    """Why `logo` cannot be the clinic's logo: it must be an SVG, PNG or JPEG file inside
    the project (no absolute path, no `..`, no link leading out), of that type, within the
    pixel limit, and an SVG may load nothing from elsewhere."""
    relative = Path(logo)
    if relative.is_absolute() or ".." in relative.parts:
        return f"logo must be a path inside the project, not {logo!r}"
    path = root / relative
    if not path.resolve().is_relative_to(root.resolve()):
        return f"logo {logo!r} leads outside the project (a symbolic link?)"
    if not path.is_file():
        return f"logo file not found: {logo}"
    magic = LOGO_TYPES.get(path.suffix.lower())
    if magic is None:
        return f"logo must be an .svg, .png or .jpg file, not {logo!r}"
    with path.open("rb") as handle:
        start = handle.read(512)
    if path.suffix.lower() == ".svg":
        start = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(magic) or (
        path.suffix.lower() == ".svg" and b"<svg" not in path.read_bytes()[:65536]
    ):
        return f"logo {logo!r} is not a {path.suffix.lower().lstrip('.').upper()} file"
    problem = image_problem(path.read_bytes(), max_pixels)
    return f"logo {logo!r} {problem}" if problem else None


def _margins_mm(margin: str) -> tuple[float, float]:
    """Total horizontal and vertical margin of a CSS `margin` value, in millimetres."""
    values = [
        float(n) * _MM[unit] for n, unit in re.findall(r"(\d+(?:\.\d+)?)(mm|cm|in|pt)", margin)
    ]
    top = values[0]  # CSS: right defaults to top, bottom to top, left to right
    right = values[1] if len(values) > 1 else top
    bottom = values[2] if len(values) > 2 else top
    left = values[3] if len(values) > 3 else right
    return left + right, top + bottom


def find_project(start: Path) -> Path:
    """The nearest folder from `start` upwards whose pyproject.toml has [tool.pipeline]."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and b"[tool.pipeline" in candidate.read_bytes():
            return folder
    raise ConfigError(None, None, f"no pyproject.toml with [tool.pipeline] in {start} or above")


def _key_line(text: str, table: str, key: str) -> int:
    """Line of `key` inside `[table]` in the TOML text (1 when not found)."""
    return key_line(text, table, key) or 1


def key_line(text: str, table: str, key: str) -> int | None:
    """Line of `key` inside `[table]` in the TOML text (of `[table]` when `key` is empty),
    None when not found."""
    lines = text.splitlines()
    in_table = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = stripped.strip("[] ") == table
            if in_table and not key:
                return number
            continue
        if in_table and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return None


def load_config(root: Path) -> Config:
    """Read and validate `root/pyproject.toml`; every error names file, line and key."""
    path = root / "pyproject.toml"
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ConfigError(path, line, "pyproject.toml is not valid UTF-8") from None
    except OSError as exc:
        raise ConfigError(path, 1, f"cannot read pyproject.toml: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(path, int(match[1]) if match else 1, f"invalid TOML: {exc}") from None
    table: Any = data.get("tool", {}).get("pipeline")
    if not isinstance(table, dict):
        raise ConfigError(path, 1, "missing [tool.pipeline] table")

    def fail(tbl: str, key: str, message: str) -> ConfigError:
        return ConfigError(path, _key_line(text, tbl, key), message)

    for key in table:
        if key not in _TOP_KEYS:
            raise fail("tool.pipeline", key, f"unknown key 'tool.pipeline.{key}'")

    def string(tbl: dict[str, Any], name: str, key: str, default: str | None) -> str:
        value = tbl.get(key, default)
        if value is None:
            raise fail(name, "", f"missing key '{name}.{key}'")
        if not isinstance(value, str):
            raise fail(name, key, f"'{name}.{key}' must be a string")
        return value

    source_language = string(table, "tool.pipeline", "source_language", "en")
    languages = table.get("languages", [])
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        raise fail(
            "tool.pipeline", "languages", "'tool.pipeline.languages' must be a list of strings"
        )
    for code in [source_language, *languages]:
        reason = invalid_reason(code)
        if reason:
            key = "source_language" if code == source_language else "languages"
            raise fail("tool.pipeline", key, reason)
    if source_language in languages:
        raise fail(
            "tool.pipeline",
            "languages",
            f"'tool.pipeline.languages' lists the source language {source_language!r}:"
            " it is always built",
        )
    if len(set(languages)) != len(languages):
        raise fail("tool.pipeline", "languages", "'tool.pipeline.languages' lists a language twice")

    paper = string(table, "tool.pipeline", "paper", "A4")
    if paper.upper() not in PAPER_SIZES:
        raise fail(
            "tool.pipeline",
            "paper",
            f"unknown paper size {paper!r} (use one of: {', '.join(PAPER_SIZES)})",
        )
    margin = string(table, "tool.pipeline", "margin", "20mm 18mm 22mm")
    if not re.fullmatch(r"(\s*\d+(\.\d+)?(mm|cm|in|pt)){1,4}\s*", margin):
        raise fail("tool.pipeline", "margin", f"invalid margin {margin!r} (e.g. '20mm 18mm')")
    across, down = _margins_mm(margin)
    width, height = PAPER_MM[paper.upper()]
    if across > width / 2 or down > height / 2:
        raise fail(
            "tool.pipeline",
            "margin",
            f"margin {margin!r} leaves less than half of the {paper} page for the text",
        )

    clinic_table = table.get("clinic", {})
    if not isinstance(clinic_table, dict):
        raise fail("tool.pipeline", "clinic", "'tool.pipeline.clinic' must be a table")
    for key in clinic_table:
        if key not in _CLINIC_KEYS:
            raise fail("tool.pipeline.clinic", key, f"unknown key 'tool.pipeline.clinic.{key}'")
    name = "tool.pipeline.clinic"
    clinic = Clinic(
        name=" ".join(string(clinic_table, name, "name", None).split()),
        **{k: string(clinic_table, name, k, "").strip() for k in sorted(_CLINIC_KEYS - {"name"})},
    )
    if not clinic.name:
        raise fail(name, "name", "'tool.pipeline.clinic.name' is empty: every handout prints it")
    base_url = string(table, "tool.pipeline", "base_url", "")
    if base_url and not re.match(r"https?://", base_url):
        raise fail(
            "tool.pipeline",
            "base_url",
            "'tool.pipeline.base_url' must start with http:// or https://",
        )

    def percent(value: object, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise fail("tool.pipeline", key, f"'tool.pipeline.{key}' must be a percentage 0-100")
        return value

    threshold = percent(table.get("threshold", 0), "threshold")
    raw_thresholds = table.get("thresholds", {})
    if not isinstance(raw_thresholds, dict):
        raise fail("tool.pipeline", "thresholds", "'tool.pipeline.thresholds' must be a table")
    thresholds = []
    for code, value in sorted(raw_thresholds.items()):
        if code not in languages:
            raise fail("tool.pipeline", "thresholds", f"threshold for {code!r}, not in languages")
        thresholds.append((code, percent(value, "thresholds")))
    large_print = table.get("large_print", True)
    if not isinstance(large_print, bool):
        raise fail(
            "tool.pipeline", "large_print", "'tool.pipeline.large_print' must be true or false"
        )

    def positive(key: str, default: int, low: int = 1, high: int = 2**62) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(
                "tool.pipeline",
                key,
                f"'tool.pipeline.{key}' must be a whole number from {low} to {high}",
            )
        return value

    max_image_pixels = positive("max_image_pixels", 25_000_000, 1, 1_000_000_000)
    if clinic.logo:
        problem = _logo_problem(root, clinic.logo, max_image_pixels)
        if problem:
            raise fail(name, "logo", problem)
    check_tree(root)
    return Config(
        root=root,
        pyproject=path,
        source_language=source_language,
        languages=tuple(languages),
        paper=PAPER_SIZES[paper.upper()],
        margin=margin.strip(),
        clinic=clinic,
        base_url=base_url.rstrip("/"),
        threshold=threshold,
        thresholds=tuple(thresholds),
        large_print=large_print,
        max_image_pixels=max_image_pixels,
        render_timeout=positive("render_timeout", 300, *RENDER_TIMEOUT_RANGE),
        render_memory_mb=positive("render_memory_mb", 4096, *RENDER_MEMORY_RANGE),
    )
