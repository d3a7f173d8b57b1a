"""Build benchmark: full, no-op and one-catalog builds against the ideal.

The ideal is bare WeasyPrint rendering the very HTML files the build made (same
stylesheets, same PDF variant) in one warm process per core, fed from one queue, heaviest
first: what a build with no overhead at all (no start-up, no imports, no HTML stage, no
bookkeeping) would take on this machine. Each build is timed as a whole process, and each
round alternates it with its ideal, so that other users' processes slow both alike; the
tables give the median and the range of the rounds, the load average, and CPU time: our
whole build's CPU seconds (every process) against the ideal's render CPU seconds, which
other processes do not inflate.

    python bench/build.py [--articles 20] [--languages 10] [--rounds 3]

About three minutes per round on 2 quiet cores. Prints Markdown tables for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import selectors
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["es", "ar", "zh_Hans", "ru", "fr", "de", "pt_BR", "ja", "hi", "he"]
SLUG = "stem-cell-therapy-ms"
CORES = os.cpu_count() or 1


def pipeline(project: Path, *args: str) -> tuple[float, float]:
    """Run the CLI as a whole process; return its wall and CPU seconds (its workers too)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=project,
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1764115200"},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def make_project(folder: Path, articles: int, langs: list[str]) -> Path:
    """A project of `articles` articles (slices of the real one) × `langs`, all translated."""
    from pipeline.catalogs import new_po
    from pipeline.model import Layout
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
    layout = Layout(project / "locales")
    for lang in langs:
        for pot in layout.pots():
            catalog = new_po(parse_po(pot), lang, pot.stem)
            for entry in catalog:
                if entry.msgid:
                    entry.msgstr = pseudo_text(entry.msgid)
            write_po(layout.po(lang, pot.stem), catalog)
    return project


RENDERER = """
import sys, time
from pathlib import Path
import weasyprint  # pipeline.pdf imports it only when it first renders
from pipeline.pdf import render_pdf
allowed = [Path(sys.argv[1]), Path(sys.argv[2])]
warm_html, _, warm_sheet = sys.argv[3].partition("\t")
render_pdf(Path(warm_html), allowed, [Path(warm_sheet)] if warm_sheet else [])  # warm: fonts
print("ready", flush=True)
for line in sys.stdin:
    html, _, sheet = line.rstrip("\\n").partition("\\t")
    start = time.process_time()
    render_pdf(Path(html), allowed, [Path(sheet)] if sheet else [])
    print(time.process_time() - start, flush=True)
"""


def ideal(project: Path) -> tuple[float, float]:
    """The PDFs the last build made (same HTML, stylesheets and PDF variant) rendered by
    bare WeasyPrint in one warm process per core (WeasyPrint imported, one document
    already rendered: its fonts loaded), fed heaviest first from one queue as each
    finishes: wall seconds from the first render to the last, and CPU seconds of the
    renders. Processes of other users slow it as they slow the build."""
    out = project / "output"
    report = json.loads((out / "report.json").read_text("utf-8"))
    large = str(project / "templates" / "large-print.css")
    queue = []
    for pdf in (r["pdf"] for r in report["outputs"] if r["status"] == "built"):
        html = out / (pdf.split(".")[0] + ".html")
        big = pdf.endswith(".large.pdf")
        weight = html.stat().st_size * (3 if big else 2)  # as the build orders its tasks
        queue.append((weight, f"{html}\t{large if big else ''}\n"))
    queue.sort()
    allowed = [str(out.resolve()), str(project.joinpath("source").resolve())]
    warm_up = queue[0][1].rstrip("\n")  # the lightest document, rendered before the clock
    renderers = [
        subprocess.Popen(
            [sys.executable, "-c", RENDERER, *allowed, warm_up],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(min(CORES, len(queue)))
    ]
    for renderer in renderers:
        assert renderer.stdout is not None and renderer.stdout.readline() == "ready\n"
    cpu = 0.0
    with selectors.DefaultSelector() as selector:
        start = time.perf_counter()
        for renderer in renderers:
            assert renderer.stdin is not None and renderer.stdout is not None
            renderer.stdin.write(queue.pop()[1])
            renderer.stdin.flush()
            selector.register(renderer.stdout, selectors.EVENT_READ, renderer)
        while selector.get_map():
            for key, _ in selector.select():
                renderer = key.data
                cpu += float(renderer.stdout.readline())
                if queue:
                    renderer.stdin.write(queue.pop()[1])
                    renderer.stdin.flush()
                else:
                    selector.unregister(renderer.stdout)
        wall = time.perf_counter() - start
    for renderer in renderers:
        renderer.stdin.close()
        renderer.wait()
    return wall, cpu


COLD = """
import sys
from pathlib import Path
from pipeline.pdf import render_pdf
out, html, sheets = Path(sys.argv[1]), Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]]
render_pdf(html, [out.resolve(), out.parent.joinpath("source").resolve()], sheets)
"""


def cold_floor(project: Path) -> float:
    """Wall seconds for bare processes, one per PDF the last build made, all at once (as
    many as there are cores): start Python, import WeasyPrint, render. No build that
    starts its own processes can do less."""
    out = project / "output"
    report = json.loads((out / "report.json").read_text("utf-8"))
    built = [r["pdf"] for r in report["outputs"] if r["status"] == "built"]
    assert len(built) <= CORES, built
    large = str(project / "templates" / "large-print.css")
    start = time.perf_counter()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                COLD,
                str(out),
                str(out / (pdf.split(".")[0] + ".html")),
                *([large] if pdf.endswith(".large.pdf") else []),
            ]
        )
        for pdf in built
    ]
    for process in processes:
        process.wait()
    return time.perf_counter() - start


class Watching:
    """`pipeline build --watch` running in the project, its output read line by line."""

    def __init__(self, project: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "build", "--watch"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1764115200", "PYTHONUNBUFFERED": "1"},
            # A shell starts a background job with Ctrl-C ignored, and the ignoring is
            # inherited: give it back, so that `stop` can send it.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.done()  # its first build (nothing to do) is over, and it is watching

    def done(self) -> str:
        """Read up to the line that ends a build; return that line."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("done in "):
                return line
        raise RuntimeError(f"build --watch ended with {self.process.wait()}")

    def stop(self) -> None:
        """Ctrl-C; it must end with status 130 ("interrupted")."""
        self.process.send_signal(signal.SIGINT)
        try:
            status = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            where = subprocess.run(
                ["gdb", "-p", str(self.process.pid), "-batch", "-ex", "thread apply all bt"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            self.process.kill()
            raise RuntimeError(f"build --watch did not stop after Ctrl-C:\n{where}") from None
        if status != 130:
            raise RuntimeError(f"build --watch ended with {status} after Ctrl-C")


def spread(values: list[float]) -> str:
    """Median, and the range when there is more than one value."""
    middle = statistics.median(values)
    if len(values) == 1:
        return f"{middle:.2f}"
    return f"{middle:.2f} ({min(values):.2f}–{max(values):.2f})"


def edit_catalog(project: Path, round_: int) -> None:
    """Change one Spanish catalog of one article: a new letter each round (a digit would
    be a number the source does not have, which the gate refuses)."""
    po = project / "locales" / "es" / "LC_MESSAGES" / "article-00.po"
    text = po.read_text("utf-8")
    marker = text.index('msgstr "[') + len('msgstr "[')
    po.write_text(f"{text[:marker]}{chr(ord('a') + round_)}·{text[marker:]}", "utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--languages", type=int, default=10)
    parser.add_argument("--rounds", "--repeat", dest="rounds", type=int, default=3)
    args = parser.parse_args()
    langs = LANGS[: args.languages]
    load_before = os.getloadavg()
    rows: list[tuple[str, list[float], list[float], list[float], list[float]]] = []

    def done(row: tuple[str, list[float], list[float], list[float], list[float]]) -> None:
        """Keep a row, and show its raw numbers at once (a long run may be stopped)."""
        rows.append(row)
        print(*row, sep="\t", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        demo.mkdir()
        for name in ("pyproject.toml", "source", "templates", "locales"):
            src = ROOT / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, demo / name)
        pipeline(demo, "build")
        demo_noop = [pipeline(demo, "build") for _ in range(5)]
        done(
            (
                "demo project: no-op build (limit 0.5 s)",
                [w for w, _ in demo_noop],
                [0.5] * 5,
                [c for _, c in demo_noop],
                [],
            )
        )

        project = make_project(Path(tmp), args.articles, langs)
        name = f"full build, {args.articles} articles × {len(langs) + 1} languages"
        full: list[tuple[float, float]] = []
        best: list[tuple[float, float]] = []
        for _ in range(args.rounds):
            shutil.rmtree(project / "output", ignore_errors=True)
            full.append(pipeline(project, "build"))
            best.append(ideal(project))
        done(
            (
                name,
                [w for w, _ in full],
                [w for w, _ in best],
                [c for _, c in full],
                [c for _, c in best],
            )
        )
        noop = [pipeline(project, "build") for _ in range(5)]
        limit = statistics.median(w for w, _ in full) * 0.02
        done(
            (
                "no-op build (limit: 2% of the full build)",
                [w for w, _ in noop],
                [limit] * 5,
                [c for _, c in noop],
                [],
            )
        )
        one: list[tuple[float, float]] = []
        one_best: list[tuple[float, float]] = []
        floors: list[float] = []
        for round_ in range(max(3, args.rounds)):
            edit_catalog(project, round_)
            one.append(pipeline(project, "build"))
            report = json.loads((project / "output" / "report.json").read_text("utf-8"))
            assert report["pages"]["made"] == ["es/article-00.html"], report["pages"]["made"]
            one_best.append(ideal(project))
            floors.append(cold_floor(project))
        done(
            (
                "one catalog edited (es, one article): `pipeline build`",
                [w for w, _ in one],
                [w for w, _ in one_best],
                [c for _, c in one],
                [c for _, c in one_best],
            )
        )
        # The same edit while `pipeline build --watch` runs: from the moment the catalog is
        # saved to the end of the build it starts (its "done in" line). The first edit
        # after it starts is not counted (its workers have not rendered yet).
        watching = Watching(project)
        warm: list[float] = []
        warm_best: list[tuple[float, float]] = []
        for round_ in range(max(3, args.rounds) + 1):
            edit_catalog(project, 10 + round_)
            start = time.perf_counter()
            watching.done()
            if round_:
                warm.append(time.perf_counter() - start)
            report = json.loads((project / "output" / "report.json").read_text("utf-8"))
            assert report["pages"]["made"] == ["es/article-00.html"], report["pages"]["made"]
            if round_:
                warm_best.append(ideal(project))
        done(
            (
                "one catalog edited (es, one article): `pipeline build --watch`",
                warm,
                [w for w, _ in warm_best],
                [],
                [],
            )
        )
        watching.stop()

    load_after = os.getloadavg()
    print(
        f"{CORES} cores, Python {sys.version.split()[0]}; load average before/after:"
        f" {load_before[0]:.1f}/{load_after[0]:.1f}; median of the runs (range)\n"
    )
    print(
        "| build | ours (s) | ideal or limit (s) | ratio"
        " | ours CPU (s) | ideal CPU (s) | CPU ratio |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|")
    for label, ours, reference, ours_cpu, reference_cpu in rows:
        ratios = [o / r for o, r in zip(ours, reference, strict=False)]
        cpu = spread(ours_cpu) if ours_cpu else ""
        cpu_ideal = spread(reference_cpu) if reference_cpu else ""
        cpu_ratio = (
            spread([o / r for o, r in zip(ours_cpu, reference_cpu, strict=True)])
            if reference_cpu and ours_cpu
            else ""
        )
        print(
            f"| {label} | {spread(ours)} | {spread(reference)} | {spread(ratios)} | {cpu} |"
            f" {cpu_ideal} | {cpu_ratio} |"
        )
    ours_one = [w for w, _ in one]
    print(
        f"\nOne catalog edited, against bare processes that only start Python, import"
        f" WeasyPrint and render the same PDFs in parallel: {spread(floors)} s;"
        f" ours ÷ that = {spread([o / f for o, f in zip(ours_one, floors, strict=True)])}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
