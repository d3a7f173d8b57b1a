"""Check benchmark: defects planted in copies of the shipped catalogs, found by
`pipeline check` and by translate-toolkit's `pofilter`, side by side in one run.

For each kind of defect (those pofilter has tests for, and a translation in the
wrong language, which it has none for), the script copies the project, plants the
defect in up to `--per-lang` entries of each of the shipped languages (chosen with
a fixed seed; each copy holds one kind only, each entry one defect), and runs both
tools on the copy. A planted defect counts as caught by a tool when the tool reports
on that entry something it did not report on the clean catalogs. False alarms are
what each tool reports on the clean shipped catalogs, which are reviewed and correct.

Run: `python bench/checks.py` (needs `pofilter`: `make bench` installs
translate-toolkit). Prints Markdown tables for the README. pofilter runs with its
default tests and `--language`; it is GPL and only ever run as a separate program.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.po import parse_po, write_po  # noqa: E402

TAG = re.compile(r"</?[a-z]+[0-9]+/?>")
ACRONYM = re.compile(r"(?<![A-Za-z0-9])[a-z]?(?:[A-Z][0-9]*){2,}s?(?![A-Za-z0-9])")
SENTENCE = re.compile(r"(?<=[.!?…؟।])\s+|(?<=[。！？])")
OTHER = {
    "es": "pt_BR", "pt_BR": "es", "fr": "ht", "ht": "fr", "ar": "fa", "fa": "ar",
    "ru": "es", "zh_Hans": "ko", "ko": "zh_Hans", "vi": "tl", "tl": "vi", "hi": "fr",
}  # fmt: skip
"""Whose translation a catalog receives for the wrong-language defect: close pairs
(Spanish and Portuguese, Arabic and Persian, Haitian Creole and French) first."""
CLOSING = "»”“」』’)）"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


@dataclass(frozen=True)
class Kind:
    """One kind of defect: its row label and how to plant it (None: not applicable)."""

    label: str
    plant: Callable[[polib.POEntry, str, dict[str, dict[str, str]]], str | None]
    distinct: Callable[[polib.POEntry], str] | None = None
    """What two defects of one language must not share (the acronym: dropping it from
    every message would make the language one that does not keep it)."""


def _plain_words(text: str) -> list[str]:
    return TAG.sub("", text).split()


def number_added(entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]) -> str | None:
    """A dose-like number the source does not have (`… 5 …`)."""
    text = entry.msgstr
    if re.search(r"\d", entry.msgid) or " " not in text:
        return None
    return text.replace(" ", " 5 ", 1)


def address_changed(entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]) -> str | None:
    """A domain or e-mail address with one letter changed (l → I, as a look-alike)."""
    match = re.search(r"[\w.-]+\.(?:com|org)|[\w.+-]+@[\w.-]+", entry.msgstr)
    if not match or "l" not in match[0]:
        return None
    return entry.msgstr.replace(match[0], match[0].replace("l", "I", 1))


def tag_dropped(entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]) -> str | None:
    """A closing inline tag deleted."""
    match = re.search(r"</[a-z]+[0-9]+>", entry.msgstr)
    return entry.msgstr.replace(match[0], "", 1) if match else None


def placeholder_dropped(
    entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]
) -> str | None:
    """A `%(name)s` placeholder deleted."""
    match = PLACEHOLDER.search(entry.msgstr)
    return entry.msgstr.replace(match[0], "", 1) if match else None


def bracket_unclosed(entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]) -> str | None:
    """The last closing bracket deleted."""
    text = TAG.sub("", entry.msgstr)
    index = max(entry.msgstr.rfind(")"), entry.msgstr.rfind("）"))
    if index < 0 or text.count("(") + text.count("（") == 0:
        return None
    return entry.msgstr[:index] + entry.msgstr[index + 1 :]


def quote_unclosed(entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]) -> str | None:
    """The last closing quotation mark deleted (`»`, `”`, `」`, …; not an apostrophe)."""
    marks = [i for i, c in enumerate(entry.msgstr) if c in CLOSING and c not in "’)）"]
    if not marks:
        return None
    index = marks[-1]
    return entry.msgstr[:index] + entry.msgstr[index + 1 :]


def _kept_acronym(entry: polib.POEntry, shortest: int = 2) -> str | None:
    """The first source acronym (of `shortest` letters or more) the translation writes too."""
    for match in ACRONYM.finditer(TAG.sub("", entry.msgid)):
        core = match[0][:-1] if match[0].endswith("s") and match[0][-2].isupper() else match[0]
        if len(core) >= shortest and re.search(rf"(?<![A-Za-z]){re.escape(core)}", entry.msgstr):
            return core
    return None


def _long_acronym(entry: polib.POEntry) -> str:
    return _kept_acronym(entry, 3) or ""


def acronym_changed(entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]) -> str | None:
    """A kept acronym with two neighbouring letters swapped (`HSCT` → `HCST`)."""
    core = _kept_acronym(entry, 3)
    if core is None:
        return None
    middle = len(core) // 2
    typo = core[: middle - 1] + core[middle] + core[middle - 1] + core[middle + 1 :]
    return re.sub(rf"(?<![A-Za-z]){re.escape(core)}", typo, entry.msgstr)


def acronym_dropped(entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]) -> str | None:
    """A kept acronym deleted, with its brackets when it stood in them."""
    core = _kept_acronym(entry)
    if core is None:
        return None
    pattern = rf"\s?[(（]{re.escape(core)}s?[)）]|(?<![A-Za-z]){re.escape(core)}s?(?![A-Za-z])"
    return re.sub(pattern, "", entry.msgstr)


def sentence_dropped(entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]) -> str | None:
    """The last sentence deleted from a translation of two or more."""
    parts = [p for p in SENTENCE.split(entry.msgstr) if p.strip()]
    if len(parts) < 2 or TAG.search(parts[-1]):
        return None
    joiner = "" if lang in ("zh_Hans", "ja") else " "
    return joiner.join(parts[:-1])


def double_space(entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]) -> str | None:
    """One space doubled."""
    if "  " in entry.msgid or " " not in entry.msgstr.strip():
        return None
    middle = entry.msgstr.find(" ", len(entry.msgstr) // 2)
    middle = middle if middle > 0 else entry.msgstr.find(" ")
    return entry.msgstr[:middle] + " " + entry.msgstr[middle:]


def end_punctuation_dropped(
    entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]
) -> str | None:
    """The final full stop, question or exclamation mark deleted."""
    if not re.search(r"[.?!。？！।؟]$", entry.msgstr):
        return None
    return entry.msgstr[:-1]


def trailing_space(entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]) -> str | None:
    """A space added at the end."""
    return None if entry.msgid.endswith(" ") else entry.msgstr + " "


def word_repeated(entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]) -> str | None:
    """A word written twice (`de de`)."""
    words = entry.msgstr.split(" ")
    if len(words) < 4 or lang in ("zh_Hans", "ja"):
        return None
    index = len(words) // 2
    if not words[index].isalpha():
        return None
    return " ".join([*words[:index], words[index], *words[index:]])


def left_in_english(entry: polib.POEntry, lang: str, _: dict[str, dict[str, str]]) -> str | None:
    """A sentence left as the English source text."""
    if len(_plain_words(entry.msgid)) < 5 or not entry.msgid.endswith("."):
        return None
    return str(entry.msgid)


def other_language(
    entry: polib.POEntry, lang: str, others: dict[str, dict[str, str]]
) -> str | None:
    """The same message as another shipped language translates it (Portuguese in the
    Spanish catalog, French in the Haitian Creole one…)."""
    if len(_plain_words(entry.msgid)) < 5:
        return None
    text = others.get(OTHER[lang], {}).get(entry.msgid)
    return text if text and text != entry.msgstr else None


KINDS = [
    Kind("number added", number_added),
    Kind("URL / e-mail address changed", address_changed),
    Kind("inline tag dropped", tag_dropped),
    Kind("placeholder dropped", placeholder_dropped),
    Kind("bracket left open", bracket_unclosed),
    Kind("quotation mark left open", quote_unclosed),
    Kind("acronym mistyped (HSCT → HCST)", acronym_changed, _long_acronym),
    Kind("acronym dropped", acronym_dropped, lambda entry: _kept_acronym(entry) or ""),
    Kind("sentence dropped", sentence_dropped),
    Kind("double space", double_space),
    Kind("end punctuation dropped", end_punctuation_dropped),
    Kind("trailing space", trailing_space),
    Kind("word repeated", word_repeated),
    Kind("sentence left in English", left_in_english),
    Kind("another language's translation", other_language),
]


# ---------------------------------------------------------------------------


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    for name in ("source", "templates"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copytree(ROOT / "locales", dest / "locales", ignore=shutil.ignore_patterns("*_X?"))
    return dest


def catalogs(project: Path) -> dict[str, list[Path]]:
    """Language → its `.po` files."""
    found: dict[str, list[Path]] = collections.defaultdict(list)
    for path in sorted((project / "locales").glob("*/LC_MESSAGES/*.po")):
        found[path.parts[-3]].append(path)
    return dict(found)


Key = tuple[str, str, str]
"""(language, file name, msgid): one entry."""


def ours(project: Path) -> tuple[dict[Key, set[str]], float]:
    """What `pipeline check` reports, by entry; and its wall time."""
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "check", "--format", "json"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    data = json.loads(run.stdout)
    lines: dict[tuple[str, int], str] = {}
    for paths in catalogs(project).values():
        for path in paths:
            for entry in parse_po(path):
                lines[(str(path.relative_to(project)), entry.linenum)] = entry.msgid
    found: dict[Key, set[str]] = collections.defaultdict(set)
    for finding in data["findings"]:
        path = Path(finding["path"])
        msgid = lines.get((finding["path"], finding["line"]), "")
        found[(path.parts[-3], path.name, msgid)].add(finding["check"])
    return found, seconds


def pofilter(project: Path, work: Path) -> tuple[dict[Key, set[str]], float]:
    """What `pofilter` reports, by entry (one run per language); and the total wall time."""
    found: dict[Key, set[str]] = collections.defaultdict(set)
    seconds = 0.0
    for lang, paths in catalogs(project).items():
        out = work / f"pofilter-{lang}"
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(
            ["pofilter", "--progress=none", f"--language={lang}", "--nofuzzy",
             "-i", str(paths[0].parent), "-o", str(out)],
            check=True, capture_output=True,
        )  # fmt: skip
        seconds += time.perf_counter() - start
        for result in sorted(out.glob("*.po")):
            for entry in polib.pofile(str(result)):
                tests = re.findall(r"\(pofilter\) ([a-z]+):", entry.comment + entry.tcomment)
                if entry.msgid and tests:
                    found[(lang, result.name, entry.msgid)].update(tests)
    return found, seconds


def plant(project: Path, kind: Kind, per_lang: int, seed: int) -> list[Key]:
    """Plant `kind` in up to `per_lang` entries per language; return the entries."""
    translations = {
        lang: {e.msgid: e.msgstr for p in paths for e in parse_po(p) if e.msgstr}
        for lang, paths in catalogs(project).items()
    }
    planted: list[Key] = []
    rng = random.Random(f"{seed}-{kind.label}")
    for lang, paths in catalogs(project).items():
        candidates = []
        for path in paths:
            for entry in parse_po(path):
                if (
                    entry.msgid
                    and entry.msgstr
                    and not entry.obsolete
                    and "fuzzy" not in entry.flags
                ):
                    defect = kind.plant(entry, lang, translations)
                    if defect is not None and defect != entry.msgstr:
                        key = kind.distinct(entry) if kind.distinct else ""
                        candidates.append((path, entry.msgid, defect, key))
        rng.shuffle(candidates)
        chosen = []
        taken: set[str] = set()
        for path, msgid, defect, key in candidates:
            if len(chosen) < per_lang and (not key or key not in taken):
                chosen.append((path, msgid, defect))
                taken.add(key)
        for path in {c[0] for c in chosen}:
            catalog = parse_po(path)
            changes = {msgid: defect for p, msgid, defect in chosen if p == path}
            for entry in catalog:
                if entry.msgid in changes:
                    entry.msgstr = changes[entry.msgid]
            write_po(path, catalog)
        planted += [(lang, path.name, msgid) for path, msgid, _ in chosen]
    return planted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-lang", type=int, default=2, help="defects per kind and language")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs on the clean copy")
    args = parser.parse_args()
    if shutil.which("pofilter") is None:
        print("pofilter not found: pip install translate-toolkit", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clean = copy_project(work / "clean")
        ours_clean, _ = ours(clean)
        theirs_clean, _ = pofilter(clean, work)
        ours_times = [ours(clean)[1] for _ in range(args.repeat)]
        theirs_times = [pofilter(clean, work)[1] for _ in range(args.repeat)]

        rows = []
        missed: list[str] = []
        ours_only: list[str] = []
        for number, kind in enumerate(KINDS):
            project = copy_project(work / f"kind-{number}")
            planted = plant(project, kind, args.per_lang, args.seed)
            ours_found, _ = ours(project)
            theirs_found, _ = pofilter(project, work)
            caught_ours = [
                k for k in planted if ours_found.get(k, set()) - ours_clean.get(k, set())
            ]
            caught_theirs = [
                k for k in planted if theirs_found.get(k, set()) - theirs_clean.get(k, set())
            ]
            rows.append((kind.label, len(planted), len(caught_theirs), len(caught_ours)))
            missed += [
                f"{kind.label}: {lang}/{name}: {msgid[:60]!r}"
                for lang, name, msgid in planted
                if (lang, name, msgid) in caught_theirs and (lang, name, msgid) not in caught_ours
            ]
            ours_only += [
                f"{kind.label}: {lang}/{name}: {msgid[:60]!r}"
                for lang, name, msgid in planted
                if (lang, name, msgid) not in caught_ours
            ]
            shutil.rmtree(project)

    print(f"Defects planted in copies of the {len(catalogs(ROOT))} shipped languages "
          f"(up to {args.per_lang} per kind and language, seed {args.seed}):\n")  # fmt: skip
    print("| defect | planted | pofilter caught | `pipeline check` caught |")
    print("| --- | --: | --: | --: |")
    for label, planted_n, theirs_n, ours_n in rows:
        print(f"| {label} | {planted_n} | {theirs_n} | {ours_n} |")
    total = [sum(r[i] for r in rows) for i in (1, 2, 3)]
    print(f"| **total** | {total[0]} | {total[1]} | {total[2]} |")

    def alarms(found: dict[Key, set[str]]) -> tuple[int, int, str]:
        by_test = collections.Counter(t for tests in found.values() for t in tests)
        shown = ", ".join(f"{t} {n}" for t, n in by_test.most_common())
        return len(found), sum(by_test.values()), shown or "none"

    print("\nOn the clean shipped catalogs (24 files, 12 languages):\n")
    print("| tool | entries flagged | findings | by test | median time (s) |")
    print("| --- | --: | --: | --- | --: |")
    entries, findings, shown = alarms(theirs_clean)
    print(
        f"| pofilter | {entries} | {findings} | {shown} | {statistics.median(theirs_times):.2f} |"
    )
    entries, findings, shown = alarms(ours_clean)
    print(
        f"| `pipeline check` | {entries} | {findings} | {shown} | "
        f"{statistics.median(ours_times):.2f} |"
    )
    if missed:
        print("\nCaught by pofilter only:")
        for line in missed:
            print(f"- {line}")
    if ours_only:
        print("\nNot caught by `pipeline check`:")
        for line in ours_only:
            print(f"- {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
