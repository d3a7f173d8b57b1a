"""The script test matrix's project: one short article (tests/data/scripts/samples.json, our
own sentences) translated into one language per supported script, built once.

Shared by tests/test_scripts.py and bench/scripts.py."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES: dict[str, dict[str, object]] = json.loads(
    (ROOT / "tests" / "data" / "scripts" / "samples.json").read_text("utf-8")
)
SLUG = "living-well"
MATRIX = [lang for lang in SAMPLES if lang != "en"]
"""One language per script (Latin: Spanish; the English source is Latin too)."""
REVISED = "2025-11-20 10:00+0000"


def paragraphs(lang: str) -> list[str]:
    return [str(p) for p in SAMPLES[lang]["paragraphs"]]  # type: ignore[attr-defined]


def write_project(dest: Path, languages: list[str], large_print: bool = True) -> Path:
    """The repository's configuration and templates, our article, the given languages
    configured with `threshold = 0` (catalogs still to be made: see `translate`)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "templates", dest / "templates")
    config = (ROOT / "pyproject.toml").read_text("utf-8")
    config = re.sub(r"(?m)^languages = \[.*\]$", f"languages = {json.dumps(languages)}", config)
    config = re.sub(r"(?m)^threshold = \d+", "threshold = 0", config)
    config = re.sub(
        r"(?m)^large_print = \w+", f"large_print = {'true' if large_print else 'false'}", config
    )
    (dest / "pyproject.toml").write_text(config, "utf-8")
    source = SAMPLES["en"]
    body = "\n\n".join(paragraphs("en"))
    (dest / "source").mkdir()
    (dest / "source" / f"{SLUG}.md").write_text(
        f"---\ntitle: {source['title']}\nslug: {SLUG}\ndate: 2025-10-07\n---\n\n"
        f"## {source['heading']}\n\n{body}\n",
        "utf-8",
    )
    return dest


def translate(project: Path, lang: str, texts: dict[str, str] | None = None) -> None:
    """Create `lang`'s catalogs (as `pipeline init` does) and translate every entry: the
    article from the samples (or `texts`), the interface strings as their English source, so
    that the handout is complete (no draft watermark across the text we read back)."""
    from pipeline.config import load_config
    from pipeline.po import parse_po, write_po
    from pipeline.project import init, po_path

    config = load_config(project)
    init(config, lang)
    sample = SAMPLES.get(lang, SAMPLES["en"])
    english = SAMPLES["en"]
    values = texts or {
        str(english["title"]): str(sample["title"]),
        str(english["heading"]): str(sample["heading"]),
        **dict(zip(paragraphs("en"), paragraphs(lang if lang in SAMPLES else "en"), strict=True)),
    }
    for domain in (SLUG, "ui"):
        path = po_path(config, lang, domain)
        catalog = parse_po(path)
        catalog.metadata["PO-Revision-Date"] = REVISED
        for entry in catalog:
            if entry.msgid_plural:
                entry.msgstr_plural = {
                    k: entry.msgid if k == 0 else entry.msgid_plural for k in entry.msgstr_plural
                }
            else:
                entry.msgstr = (
                    values.get(entry.msgid, entry.msgid) if domain == SLUG else entry.msgid
                )
        write_po(path, catalog)


def ink_heights(pdf: Path, page_number: int = 0, dpi: int = 288) -> tuple[float, float]:
    """How big the body text looks: over the lines of body text on a page (the most common
    character size), the height of the band holding the central 80% of each line's ink,
    as a share of the font size, and that size in points. Measured on the page rendered by
    pdfium, line by line as pdfplumber finds the characters."""
    from collections import Counter, defaultdict

    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        page = doc.pages[page_number]
        chars = [c for c in page.chars if c["text"].strip()]
        size = Counter(round(c["size"], 2) for c in chars).most_common(1)[0][0]
        lines: dict[int, list[dict[str, float]]] = defaultdict(list)
        for char in chars:
            if round(char["size"], 2) == size:
                lines[round(char["bottom"])].append(char)
        image = page.to_image(resolution=dpi).original.convert("L")
    scale = dpi / 72
    shares = []
    for members in lines.values():
        if len(members) < 8:
            continue
        x0 = min(c["x0"] for c in members) * scale
        x1 = max(c["x1"] for c in members) * scale
        top = min(c["top"] for c in members) * scale
        bottom = max(c["bottom"] for c in members) * scale
        crop = image.crop((int(x0), int(top), int(x1) + 1, int(bottom) + 1))
        width, height = crop.size
        pixels = crop.load()
        rows = [sum(255 - pixels[x, y] for x in range(width)) for y in range(height)]
        total = sum(rows)
        if not total:
            continue
        seen, low, high = 0.0, None, None
        for y, ink in enumerate(rows):
            seen += ink
            if low is None and seen >= 0.1 * total:
                low = y
            if high is None and seen >= 0.9 * total:
                high = y
        assert low is not None and high is not None
        shares.append((high - low + 1) / (size * scale))
    shares.sort()
    return shares[len(shares) // 2], float(size)


def content_box(page: object, margin: tuple[float, float, float, float]) -> tuple[float, ...]:
    """(left, top, right, bottom) of a pdfplumber page's content box, in points."""
    top, right, bottom, left = margin
    return (left, top, float(page.width) - right, float(page.height) - bottom)  # type: ignore[attr-defined]


MM = 72 / 25.4


def margins_pt(css_margin: str) -> tuple[float, float, float, float]:
    """A CSS margin shorthand in mm (`18mm 18mm 22mm`) → top, right, bottom, left in points."""
    v = [float(x.removesuffix("mm")) * MM for x in css_margin.split()]
    top = v[0]
    right = v[1] if len(v) > 1 else top
    bottom = v[2] if len(v) > 2 else top
    return top, right, bottom, v[3] if len(v) > 3 else right


def empty_share(pdf: Path, margin: tuple[float, float, float, float]) -> list[float]:
    """For each page, the share of the content box's height left empty below its last
    text, image or drawing (the margin boxes — footer, page number —, the page background
    and the draft watermark are not content)."""
    import pdfplumber

    shares = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            _left, top, _right, bottom = content_box(page, margin)
            lowest = top
            for obj in [*page.chars, *page.images, *page.rects, *page.lines, *page.curves]:
                if obj.get("upright") is False:
                    continue  # the rotated draft watermark
                if obj["object_type"] == "rect" and obj["height"] > 0.9 * (bottom - top):
                    continue  # the page's background
                if top - 1 <= obj["top"] and obj["bottom"] <= bottom + 1:
                    lowest = max(lowest, obj["bottom"])
            shares.append((bottom - lowest) / (bottom - top))
    return shares
