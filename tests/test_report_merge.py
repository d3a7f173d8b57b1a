"""`pipeline report merge` joins exactly the shards of one build: each report carries its
shard (index, count) and its plan's fingerprint; a missing, repeated or mixed shard is
refused with one line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import ARTICLE, make_project, run_cli


def test_merge_refuses_incomplete_repeated_and_mixed_sets(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    run_cli("extract", cwd=project)
    out = project / "output"
    for index in (1, 2):
        run_cli("build", "--shard", f"{index}/2", cwd=project)
        shutil.copy(out / f"report.shard-{index}-of-2.json", project / f"s{index}.json")
        (out / ".build-state.json").unlink()  # each CI runner starts clean
    shards = [json.loads((project / f"s{i}.json").read_text("utf-8"))["shard"] for i in (1, 2)]
    assert [(s["index"], s["count"]) for s in shards] == [(1, 2), (2, 2)]
    assert shards[0]["plan"] == shards[1]["plan"] and len(shards[0]["plan"]) == 64

    def merge(*names: str) -> tuple[int, list[str]]:
        result = run_cli("report", "merge", *names, "-o", "merged.json", cwd=project, check=False)
        assert "Traceback" not in result.stderr
        return result.returncode, result.stderr.splitlines()

    assert merge("s1.json", "s2.json") == (0, [])
    assert merge("s1.json") == (1, ["s1.json:1: incomplete set: shard 2 of 2 missing"])
    assert merge("s1.json", "s1.json", "s2.json") == (
        1,
        ["s1.json:1: shard 1 of 2 repeated (s1.json)"],
    )
    # A shard built from other sources belongs to another plan.
    (project / "source" / "demo.md").write_text(ARTICLE + "\nA new paragraph.\n", "utf-8")
    run_cli("build", "--shard", "2/2", cwd=project)
    shutil.copy(out / "report.shard-2-of-2.json", project / "s2-new.json")
    code, lines = merge("s1.json", "s2-new.json")
    assert code == 1
    assert lines == ["s2-new.json:1: shard of another build than s1.json (a mixed set of reports)"]
    assert merge("s1.json", "merged.json") == (
        1,
        ["merged.json:1: shard of another build than s1.json (a mixed set of reports)"],
    )


def test_build_one_language_keeps_the_other_rows(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    run_cli("extract", cwd=project)
    run_cli("build", cwd=project)
    path = project / "output" / "report.json"
    before = json.loads(path.read_text("utf-8"))["outputs"]
    assert {r["lang"] for r in before} == {"en", "es"}
    result = run_cli("build", "--lang", "en", cwd=project)
    after = json.loads(path.read_text("utf-8"))["outputs"]
    assert [(r["lang"], r["pdf"]) for r in after] == [(r["lang"], r["pdf"]) for r in before]
    assert {r["lang"]: r["rebuilt"] for r in after} == {"en": True, "es": False}
    assert "not published: es" not in result.stdout  # the command shows what it built
