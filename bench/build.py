"""Build benchmark: full, no-op and one-language builds against the ideal.

The ideal is the sum of bare WeasyPrint render times of the very HTML files the
build made (same stylesheets, same PDF variant), divided by the number of
cores, measured in the same run on the same machine. Run: `python bench/build.py`
(about ten minutes on 2 cores). Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["es", "ar", "zh_Hans", "ru", "fr", "de", "pt_BR", "ja", "hi", "he"]
SLUG = "stem-cell-therapy-ms"


def pipeline(project: Path, *args: str) -> float:
    """Run the CLI as a whole process; return its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=project,
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1764115200"},
    )
    return time.perf_counter() - start


def make_project(folder: Path, articles: int, langs: list[str]) -> Path:
    """A project of `articles` articles (slices of the real one) × `langs`, all translated."""
    from pipeline.catalogs import new_po
    from pipeline.po import parse_po, write_po
    from pipeline.pseudo import pseudo_text

    project = folder / "project"
    (project / "source").mkdir(parents=True)
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "source" / "images", project / "source" / "images")
    config = (ROOT / "pyproject.toml").read_text("utf-8")
    table = config[config.index("[tool.pipeline]") : config.index("[tool.ruff]")]
    table = table.replace(
        table[table.index("languages =") : table.index("\n", table.index("languages ="))],
        "languages = [" + ", ".join(f'"{code}"' for code in langs) + "]",
    )
    (project / "pyproject.toml").write_text(table, "utf-8")
    text = (ROOT / "source" / f"{SLUG}.md").read_text("utf-8")
    head, body = text.split("\n---\n", 1)
    sections = body.split("\n## ")
    for number in range(articles):
        slug = f"article-{number:02d}"
        chosen = [sections[(number + k) % len(sections)] for k in range(3)]
        article_body = "\n".join(c if c is sections[0] else "## " + c for c in chosen)
        front = head.replace(f"slug: {SLUG}", f"slug: {slug}")
        (project / "source" / f"{slug}.md").write_text(f"{front}\n---\n{article_body}", "utf-8")
    pipeline(project, "extract")
    for lang in langs:
        for pot in sorted((project / "locales").glob("*.pot")):
            catalog = new_po(parse_po(pot), lang, pot.stem)
            for entry in catalog:
                if entry.msgid:
                    entry.msgstr = pseudo_text(entry.msgid)
            write_po(project / "locales" / lang / "LC_MESSAGES" / f"{pot.stem}.po", catalog)
    return project


IDEAL = """
import json, sys, time
from pathlib import Path
from pipeline.pdf import render_pdf
out = Path(sys.argv[1]); large = Path(sys.argv[2])
built = [r["pdf"] for r in json.loads((out / "report.json").read_text())["outputs"]
         if r["status"] == "built"]
allowed = [out.resolve(), out.parent.joinpath("source").resolve()]
total = 0.0
for pdf in built:
    html = out / (pdf.split(".")[0] + ".html")
    sheets = (large,) if pdf.endswith(".large.pdf") else ()
    start = time.perf_counter()
    render_pdf(html, allowed, sheets)
    total += time.perf_counter() - start
print(total)
"""


def ideal(project: Path) -> float:
    """Sum of bare WeasyPrint render times of the PDFs the last build made (same HTML,
    stylesheets and PDF variant), divided by the cores."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            IDEAL,
            str(project / "output"),
            str(project / "templates" / "large-print.css"),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout) / (os.cpu_count() or 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--languages", type=int, default=10)
    args = parser.parse_args()
    langs = LANGS[: args.languages]
    rows: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        demo.mkdir()
        for name in ("pyproject.toml", "source", "templates", "locales"):
            src = ROOT / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, demo / name)
        pipeline(demo, "build")
        demo_noop = min(pipeline(demo, "build") for _ in range(5))
        rows.append(("demo project: no-op build", demo_noop, 0.5, "limit 0.5 s"))

        project = make_project(Path(tmp), args.articles, langs)
        all_langs = ["en", *langs]
        full = pipeline(project, "build")
        report = json.loads((project / "output" / "report.json").read_text("utf-8"))
        in_workers = sum(row["seconds"] for row in report["outputs"]) / (os.cpu_count() or 1)
        best = ideal(project)
        rows.append(
            (f"full build, {args.articles} articles × {len(all_langs)} languages", full, best, "")
        )
        noop = min(pipeline(project, "build") for _ in range(3))
        rows.append(("no-op build", noop, full * 0.05, "limit: 5% of the full build"))
        po = project / "locales" / "es" / "LC_MESSAGES" / "article-00.po"
        po.write_text(po.read_text("utf-8").replace("[", "[¡", 1), "utf-8")
        one = pipeline(project, "build")
        rows.append(("one catalog edited (es, one article)", one, ideal(project), ""))

    print(
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}; full build: render time"
        f" inside the workers ÷ cores = {in_workers:.2f} s\n"
    )
    print("| build | ours (s) | ideal or limit (s) | ratio |")
    print("|---|--:|--:|--:|")
    for name, ours, reference, note in rows:
        label = f"{name} ({note})" if note else name
        print(f"| {label} | {ours:.2f} | {reference:.2f} | {ours / reference:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
