"""Benchmark `pipeline merge` against `msgmerge --previous` on real translation updates.

For each python-docs-fr scenario (old `3.12/X.po`, new `3.13-templates/X.pot`) both whole
processes run alternately, several times; the table shows median wall-clock seconds, their
ratio and how often both tools reuse the same old translation. Every file we write must pass
`msgfmt --check`. A second table gives both tools' CPU time and splits ours into parsing,
merging and writing, measured in-process, so that the writer's share is visible.

    python bench/update.py [--repeat N] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "python-docs-fr"
SCENARIOS = ("howto-logging", "library-os", "library-re", "library-stdtypes")


def timed(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system, all threads) seconds of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def outcome(entry: polib.POEntry | None) -> tuple[object, ...]:
    """What a translator sees of one message: its translation, fuzzy flag and previous msgid."""
    if entry is None:
        return ("untranslated",)
    forms = tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)) or (entry.msgstr,)
    if not any(forms):
        return ("untranslated",)
    fuzzy = "fuzzy" in entry.flags
    return (forms, fuzzy, entry.previous_msgid if fuzzy else None)


def agreement(ours: Path, theirs: Path, pot: Path) -> tuple[int, int, list[str]]:
    """Messages of `pot` on which both outputs agree, the total, and the msgids that differ."""
    mine = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(ours)) if not e.obsolete}
    gnu = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(theirs)) if not e.obsolete}
    keys = [(e.msgctxt, e.msgid) for e in polib.pofile(str(pot)) if not e.obsolete]
    differ = [key[1] for key in keys if outcome(mine.get(key)) != outcome(gnu.get(key))]
    return len(keys) - len(differ), len(keys), differ


def msgfmt_check(path: Path) -> None:
    """Fail loudly unless `msgfmt --check` accepts `path`."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"msgfmt --check rejects {path}:\n{result.stderr}")


def breakdown(old: Path, pot: Path, repeat: int) -> dict[str, float]:
    """Median in-process seconds of our parse, merge and write steps for one scenario."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from pipeline.merge import merge
    from pipeline.po import generate_po, parse_po

    samples: dict[str, list[float]] = {"parse": [], "merge": [], "write": []}
    for _ in range(repeat):
        start = time.perf_counter()
        po, template = parse_po(old), parse_po(pot)
        parsed = time.perf_counter()
        catalog = merge(po, template)
        merged = time.perf_counter()
        generate_po(catalog)
        written = time.perf_counter()
        samples["parse"].append(parsed - start)
        samples["merge"].append(merged - parsed)
        samples["write"].append(written - merged)
    return {step: statistics.median(values) for step, values in samples.items()}


def startup(repeat: int) -> float:
    """Median seconds of `python -m pipeline merge --help`: interpreter and CLI start-up."""
    command = [sys.executable, "-m", "pipeline", "merge", "--help"]
    return statistics.median(timed(command)[0] for _ in range(repeat))


def markdown(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, numbers right-aligned."""
    align = ["---"] + ["---:"] * (len(header) - 1)
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [header, align, *rows])


def run_scenario(name: str, corpus: Path, tmp: Path, repeat: int) -> dict[str, float]:
    """Time both tools alternately on one scenario; check and compare their outputs."""
    old = corpus / "3.12" / f"{name}.po"
    pot = corpus / "3.13-templates" / f"{name}.pot"
    gnu_out, our_out = tmp / f"{name}.gnu.po", tmp / f"{name}.ours.po"
    gnu_cmd = ["msgmerge", "-q", "--previous", str(old), str(pot), "-o", str(gnu_out)]
    our_cmd = [sys.executable, "-m", "pipeline", "merge", str(old), str(pot), "-o", str(our_out)]
    gnu, ours = [], []
    for _ in range(repeat):
        gnu.append(timed(gnu_cmd))
        ours.append(timed(our_cmd))
    msgfmt_check(our_out)
    same, total, differ = agreement(our_out, gnu_out, pot)
    for msgid in differ:
        print(f"{name}: outcomes differ on {msgid[:70]!r}")
    return {
        "gnu": statistics.median(t[0] for t in gnu),
        "ours": statistics.median(t[0] for t in ours),
        "gnu_cpu": statistics.median(t[1] for t in gnu),
        "ours_cpu": statistics.median(t[1] for t in ours),
        "same": same,
        "total": total,
        **breakdown(old, pot, repeat),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per tool and scenario")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="python-docs-fr folder")
    args = parser.parse_args(argv)
    for tool in ("msgmerge", "msgfmt"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: install GNU gettext")
    if not (args.corpus / "3.12").is_dir():
        raise SystemExit(f"corpus not found: {args.corpus}")

    with tempfile.TemporaryDirectory() as tmp:
        results = {
            name: run_scenario(name, args.corpus, Path(tmp), args.repeat) for name in SCENARIOS
        }
    total = {key: sum(r[key] for r in results.values()) for key in next(iter(results.values()))}
    results["**total**"] = total
    start_s = startup(args.repeat)

    print(f"\nWhole processes, wall-clock median of {args.repeat} alternating runs (seconds):\n")
    print(
        markdown(
            ["scenario", "msgmerge s", "ours s", "ratio", "agreement %"],
            [
                [
                    name,
                    f"{r['gnu']:.3f}",
                    f"{r['ours']:.3f}",
                    f"{r['ours'] / r['gnu']:.2f}",
                    f"{100 * r['same'] / r['total']:.2f}",
                ]
                for name, r in results.items()
            ],
        )
    )
    print(
        f"\nCPU seconds (user + system, all threads) and our in-process split; "
        f"start-up of one `pipeline` process: {start_s:.3f} s\n"
    )
    print(
        markdown(
            ["scenario", "msgmerge CPU", "ours CPU", "parse", "merge", "write"],
            [
                [
                    name,
                    *(
                        f"{r[key]:.3f}"
                        for key in ("gnu_cpu", "ours_cpu", "parse", "merge", "write")
                    ),
                ]
                for name, r in results.items()
            ],
        )
    )
    bare = total["ours"] - total["write"]
    print(
        f"\nours without the writer: {bare:.3f} s wall (msgmerge {total['gnu']:.3f} s, "
        f"ratio {bare / total['gnu']:.2f}); msgfmt --check accepts every file ours wrote."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
