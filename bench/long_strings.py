"""Reading a catalog with one very long translation: our reader against GNU `msgcat` (the
peer) and against polib reading the same text alone (what the reader did before it joined
continuation lines: polib appends each line to the string read so far, quadratic time).

A hostile or careless catalog may hold one multi-megabyte msgstr (the reader's limit is 20
MB per file); reading it must take time linear in its size. The table gives, per size, the
best of N CPU seconds of `parse_po`, of `polib.pofile` on the same text, and the wall
seconds of a whole `msgcat` process, with our time as a ratio of msgcat's.

    python bench/long_strings.py [--repeat N] [--sizes 1,4,16]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.po import parse_po

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def catalog(megabytes: float) -> str:
    """One entry whose msgstr is `megabytes` MB of words, in 79-column lines as msgcat writes."""
    words = " ".join(["esclerosis"] * int(megabytes * 1_000_000 / 11))
    lines = [f'"{words[i : i + 76]}"' for i in range(0, len(words), 76)]
    return HEADER + 'msgid "Clinical Trials"\nmsgstr ""\n' + "\n".join(lines) + "\n"


def best(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="1,4,16")
    args = parser.parse_args()
    print("| msgstr | parse_po (s CPU) | polib alone (s CPU) | msgcat (s wall) | ours / msgcat |")
    print("|--:|--:|--:|--:|--:|")
    with tempfile.TemporaryDirectory() as folder:
        for size in (float(s) for s in args.sizes.split(",")):
            path = Path(folder) / "long.po"
            text = catalog(size)
            path.write_text(text, "utf-8")
            ours = best(partial(parse_po, path), args.repeat)
            alone = best(partial(polib.pofile, str(path)), 1) if size <= 4 else float("nan")
            walls = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                subprocess.run(["msgcat", str(path), "-o", "/dev/null"], check=True)
                walls.append(time.perf_counter() - start)
            gnu = min(walls)
            shown = f"{alone:.2f}" if alone == alone else "(minutes: not run)"
            print(f"| {size:g} MB | {ours:.2f} | {shown} | {gnu:.2f} | {ours / gnu:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
