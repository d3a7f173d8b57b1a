"""Extraction benchmark: the 9,800-line CommonMark spec as an article, against po4a
and mdpo, whole process against whole process, side by side in one run.

Run: `python bench/extract.py` (needs po4a from Debian and mdpo from PyPI:
`make bench` installs both). Prints a Markdown table for the README.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "corpora" / "commonmark-spec.md"
RUNS = 7


def as_article(text: str) -> str:
    """The spec as an article: our front matter, headings one level down (the title is
    the h1), its two HTML comment lines dropped (articles refuse raw HTML) and its `[term](@)`
    definition markers made plain text (a link to a file `@` is refused)."""
    if text.startswith("---"):
        text = text.split("\n...\n", 1)[1]
    text = re.sub(r"^(#{1,5}) ", lambda m: "#" + m[1] + " ", text, flags=re.M)
    text = re.sub(r"^<!-- .* -->\n", "", text, flags=re.M)
    text = text.replace("](@)", "]")  # the spec's own definition marker, not a link
    return "---\ntitle: CommonMark Spec\n---\n" + text


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def main() -> int:
    if not SPEC.is_file():
        print(f"missing {SPEC}", file=sys.stderr)
        return 1
    md2po = shutil.which("md2po") or str(Path(sys.executable).with_name("md2po"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "source").mkdir()
        shutil.copytree(ROOT / "templates", work / "templates")
        (work / "pyproject.toml").write_text(
            '[tool.pipeline]\nsource_language = "en"\n[tool.pipeline.clinic]\nname = "Bench"\n'
        )
        (work / "source" / "spec.md").write_text(as_article(SPEC.read_text("utf-8")), "utf-8")
        shutil.copy(SPEC, work / "spec.md")
        commands = {
            "ours: pipeline extract source/spec.md": [
                sys.executable,
                "-m",
                "pipeline",
                "extract",
                "source/spec.md",
            ],
            "ours, with the UI templates too: pipeline extract": [
                sys.executable,
                "-m",
                "pipeline",
                "extract",
            ],
            "po4a-updatepo -f text -o markdown": [
                "po4a-updatepo",
                "-f",
                "text",
                "-o",
                "markdown",
                "-m",
                "spec.md",
                "-p",
                "po4a.pot",
            ],
            "mdpo md2po": [md2po, "spec.md", "--save", "--po-filepath", "md2po.pot"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(RUNS + 1):
            for name, command in commands.items():
                for stale in ("locales", "po4a.pot", "md2po.pot"):
                    target = work / stale
                    if target.is_dir():
                        shutil.rmtree(target)
                    elif target.exists():
                        target.unlink()
                seconds = timed(command, work)
                if run:  # the first round warms the file cache
                    times[name].append(seconds)
        timed(commands["ours: pipeline extract source/spec.md"], work)
        messages = (work / "locales" / "spec.pot").read_text("utf-8").count("\nmsgid ") - 1
    ours = statistics.median(times["ours: pipeline extract source/spec.md"])
    print(f"CommonMark spec, {messages} messages; median of {RUNS} runs\n")
    print("| extractor | median (s) | ours ÷ it |")
    print("|---|--:|--:|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.3f} | {ours / median:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
