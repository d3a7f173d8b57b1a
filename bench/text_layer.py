"""Text layer benchmark: bare WeasyPrint against the text layer adapter (pipeline/textlayer.py).

1. Words read back, per script: the sample paragraphs of tests/data/text_layer/samples.toml
   (a page each, as tests/test_text_layer.py renders them), rendered both ways; for each
   extractor (pdftotext, pypdf) the share of each paragraph's words recovered — the
   lowest paragraph of the script and the mean.
2. Size and render time of the shipped Hindi and Arabic handouts (standard and large
   print; `pipeline build --lang hi --lang ar` makes their HTML), rendered both ways in
   alternating processes through pipeline.pdf.render_pdf: bytes, and the CPU seconds of
   the fastest render of each, once its process has rendered it once (fonts loaded,
   as in a build's long-lived workers; CPU time and the best of N, since a shared
   machine's load moves wall times and medians by ±20%), ratios.

Run: `python bench/text_layer.py [--rounds N]` (about eight minutes on 2 cores). Prints
Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from test_text_layer import SAMPLES, pdftotext_pages, recovered, sample_html  # noqa: E402

SLUG = "stem-cell-therapy-ms"
EPOCH = {"SOURCE_DATE_EPOCH": "1764115200"}

WORKER = """
import json, sys, time
from pathlib import Path
import pipeline.textlayer
if sys.argv[1] == "bare":
    pipeline.textlayer.install = lambda: None
from pipeline.pdf import render_pdf
import gc, weasyprint
gc.freeze()
gc.set_threshold(20_000, 20, 20)  # as the build's PDF workers do (pipeline/workers.py)
jobs = json.loads(sys.argv[2])
out = {}
for job in jobs:
    args = (
        Path(job["html"]), [Path(p) for p in job["allowed"]], [Path(s) for s in job["sheets"]]
    )
    data, _, _ = render_pdf(*args)  # warm: fonts loaded and read once per process
    if job.get("pdf"):
        Path(job["pdf"]).write_bytes(data)
    best = None
    for _ in range(int(job.get("repeat", 0))):
        start = time.process_time()
        render_pdf(*args)
        seconds = time.process_time() - start
        best = seconds if best is None else min(best, seconds)
    out[job["name"]] = [best, len(data)]
print(json.dumps(out))
"""


def render(variant: str, jobs: list[dict[str, object]]) -> dict[str, list[float]]:
    """Render `jobs` in a fresh process, with the adapter (`ours`) or without (`bare`)."""
    result = subprocess.run(
        [sys.executable, "-c", WORKER, variant, json.dumps(jobs)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **EPOCH},
    )
    return dict(json.loads(result.stdout))


def words_table(folder: Path) -> list[str]:
    """Per script: the lowest and mean share of a paragraph's words, both ways."""
    html = folder / "scripts.html"
    html.write_text(sample_html(), "utf-8")
    texts = {}
    for variant in ("bare", "ours"):
        pdf = folder / f"scripts-{variant}.pdf"
        job = {"name": "scripts", "html": str(html), "allowed": [str(folder)], "sheets": []}
        render(variant, [{**job, "pdf": str(pdf)}])
        texts[variant] = {
            "pdftotext": pdftotext_pages(pdf),
            "pypdf": [page.extract_text() for page in PdfReader(pdf).pages],
        }
    rows = [
        "| script | pdftotext before | pdftotext after | pypdf before | pypdf after |",
        "| --- | --: | --: | --: | --: |",
    ]
    page = 0
    for sample in SAMPLES.values():
        paragraphs = list(sample["paragraphs"])  # type: ignore[call-overload]
        cells = []
        for tool in ("pdftotext", "pypdf"):
            for variant in ("bare", "ours"):
                shares = [
                    recovered(p, texts[variant][tool][page + i])[0]
                    for i, p in enumerate(paragraphs)
                ]
                cells.append(f"{min(shares):.0%} ({statistics.mean(shares):.0%})")
        page += len(paragraphs)
        rows.append(f"| {sample['script']} | " + " | ".join(cells) + " |")
    return rows


def size_time_table(folder: Path, rounds: int) -> list[str]:
    """Bytes and median render seconds of the Hindi and Arabic handouts, both ways."""
    project = folder / "project"
    project.mkdir()
    for name in ("pyproject.toml", "source", "templates", "locales"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, project / name)
    subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--lang", "hi", "--lang", "ar"],
        cwd=project,
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, **EPOCH},
    )
    out = project / "output"
    allowed = [str(out.resolve()), str((project / "source").resolve())]
    large = str(project / "templates" / "large-print.css")
    jobs: list[dict[str, object]] = [
        {
            "name": f"{lang} {edition}",
            "html": str(out / lang / f"{SLUG}.html"),
            "allowed": allowed,
            "sheets": [large] if edition == "large" else [],
            "repeat": 3,
        }
        for lang in ("hi", "ar")
        for edition in ("standard", "large")
    ]
    times: dict[str, dict[str, list[float]]] = {"bare": {}, "ours": {}}
    sizes: dict[str, dict[str, int]] = {"bare": {}, "ours": {}}
    for _ in range(rounds):
        for variant in ("bare", "ours"):
            for name, (seconds, size) in render(variant, jobs).items():
                times[variant].setdefault(name, []).append(seconds)
                sizes[variant][name] = int(size)
    rows = [
        "| handout | bytes bare | bytes ours | ratio | CPU s bare | CPU s ours | ratio |",
        "| --- | --: | --: | --: | --: | --: | --: |",
    ]
    for job in jobs:
        name = str(job["name"])
        b, o = sizes["bare"][name], sizes["ours"][name]
        tb, to = min(times["bare"][name]), min(times["ours"][name])
        rows.append(f"| {name} | {b} | {o} | {o / b:.3f} | {tb:.2f} | {to:.2f} | {to / tb:.2f} |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("Words of each paragraph recovered: lowest paragraph (mean)\n")
        print("\n".join(words_table(folder)))
        print(f"\nShipped handouts, best of {3 * args.rounds} renders each (alternating)\n")
        print("\n".join(size_time_table(folder, args.rounds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
