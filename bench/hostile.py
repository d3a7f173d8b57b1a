"""The hostile-input pass as a table: `python bench/hostile.py` runs every case of
tests/hostile_cases.py (the same ones tests/test_hostile_pass.py asserts) and prints, per
class, how many were tried, refused with one line, fell back to the source's text, kept
intact, or went wrong (a traceback, a lost character, a read outside the project, a wrong
or stale output). `--verbose` lists every case with its outcome; `--skip WORDS` leaves out
the cases whose name holds WORDS (to run the pass on older code that would read /dev/zero
for ever)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from attack import small_project
from hostile_cases import CASES, make_canary, run_case, table


def main() -> int:
    verbose = "--verbose" in sys.argv
    skip = [sys.argv[i + 1] for i, a in enumerate(sys.argv[:-1]) if a == "--skip"]
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        base = small_project(root / "base")
        canary = make_canary(root / "canary")
        for number, case in enumerate(CASES):
            if any(words in case.name for words in skip):
                continue
            outcome = run_case(case, base, _fresh(root / f"case{number}"), canary)
            results.append((case, outcome))
            if verbose or outcome.result != case.expect:
                mark = "" if outcome.result == case.expect else f"  (expected {case.expect})"
                print(f"{case.kind:14} {outcome.result:9} {case.name}{mark} {outcome.detail[:200]}")
    print(table(results), end="")
    print(f"{len(results)} cases in {time.perf_counter() - started:.0f} s")
    return 0 if all(o.result == c.expect for c, o in results) else 1


def _fresh(folder: Path) -> Path:
    folder.mkdir()
    return folder


if __name__ == "__main__":
    sys.exit(main())
