"""The checks peers have (brackets, quotes, acronyms, sentences) and the one they lack
(a translation in the wrong language): what real translations may do without a
finding, what a careless or hostile edit gets, and the shipped catalogs staying clean.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, run_cli, set_msgstrs
from pipeline import language_id
from pipeline.checks import (
    WARNING,
    EntryState,
    check_catalog,
    entry_errors,
    entry_state,
    run_checks,
    sentences,
)
from pipeline.config import load_config
from pipeline.locales import locale_info
from pipeline.po import parse_po

SLUG = "stem-cell-therapy-ms"


def findings(lang: str, *pairs: tuple[str, str]) -> list[str]:
    """`line: check: message` for a catalog of `lang` holding these (msgid, msgstr)."""
    quote = lambda s: s.replace("\\", "\\\\").replace('"', '\\"')  # noqa: E731
    body = "".join(f'msgid "{quote(a)}"\nmsgstr "{quote(b)}"\n\n' for a, b in pairs)
    text = (
        'msgid ""\nmsgstr ""\n'
        f'"Language: {lang}\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Plural-Forms: {locale_info(lang).plural_forms}\\n"\n\n{body}'
    )
    path = Path(f"{lang}.po")
    found, _ = check_catalog(
        path, parse_po(path, text), lang, "demo", text=text, source_language="en"
    )
    return [f"{f.line}: {f.check}: {f.message}" for f in found]


def test_shipped_catalogs_are_clean_even_strict() -> None:
    """Twelve reviewed languages: not one finding, warnings included (`check --strict`)."""
    report = run_checks(load_config(ROOT))
    assert report.files == 24
    assert [str(f) for f in report.findings] == []
    assert report.errors(strict=True) == 0


# ---------------------------------------------------------------------------
# What correct translations do


@pytest.mark.parametrize(
    ("lang", "msgid", "msgstr"),
    [
        # quotation marks by the language's own conventions, apostrophes apart
        ("fr", "Hence the name “multiple sclerosis.”", "D’où le nom de «\u00a0sclérose en plaques\u00a0»."),
        ("de", "Hence the name “multiple sclerosis.”", "Daher der Name „Multiple Sklerose“."),
        ("de", "Hence the name “multiple sclerosis.”", "Daher der Name »Multiple Sklerose«."),
        ("sv", "Hence the name “multiple sclerosis.”", "Därav namnet ”multipel skleros”."),
        ("ar", "Hence the name “multiple sclerosis.”", "ومن هنا جاء اسم ”التصلب المتعدد“."),
        ("ar", "Hence the name “multiple sclerosis.”", "ومن هنا جاء اسم «التصلب المتعدد»."),
        ("ja", "Hence the name “multiple sclerosis.”", "そのため「多発性硬化症」と呼ばれます。"),
        ("pt_BR", "He said “it is ‘safe’ now.”", "Ele disse “agora é ‘seguro’”."),
        ("uz", "Speak Uzbek with your doctor.", "Shifokoringiz bilan o‘zbek tilida gaplashing."),
        # brackets: full-width ones, and a stray bracket the source has too
        ("zh_Hans", "It affects the central nervous system (CNS).", "它会影响中枢神经系统（CNS）。"),
        ("es", "Options: a) rest, b) exercise.", "Opciones: a) reposo, b) ejercicio."),
        ("es", "Page %(page)s (of %(pages)s)", "Página %(page)s (de %(pages)s)"),
        # sentences: a long one split in two, terminators of other scripts, abbreviations
        (
            "es",
            "Stem cells are unique cells that can become many cell types, which makes them useful.",
            "Las células madre son células únicas. Pueden convertirse en muchos tipos de células.",
        ),
        ("hi", "It is safe. Ask your doctor.", "यह सुरक्षित है। अपने डॉक्टर से पूछें।"),
        ("zh_Hans", "It is safe. Ask your doctor.", "这是安全的。请咨询您的医生。"),
        ("el", "Is it safe? Ask your doctor.", "Είναι ασφαλές; Ρωτήστε τον γιατρό σας."),
        ("es", "Some drugs, e.g. steroids, help. Ask Dr. Smith.", "Algunos fármacos ayudan. Pregunte al Dr. Smith."),
        # acronyms: the language's own, plurals, two-letter ones of another language
        ("es", "Multiple sclerosis (MS) is common.", "La esclerosis múltiple (EM) es frecuente."),
        ("ru", "Multiple sclerosis (MS) is common.", "Рассеянный склероз (РС) встречается часто."),
        ("fr", "Induced stem cells (iPSCs) are new.", "Les cellules souches induites (iPS) sont récentes."),
        ("ko", "They collect the HSCs.", "이들은 HSC를 채취합니다."),
        ("it", "Multiple sclerosis (MS) is common.", "La sclerosi multipla (SM) è frequente."),
        ("fr", "Ask about HSCT.", "Renseignez-vous sur la greffe."),
        # language: too short to judge, or a language the identifier does not know
        ("es", "Alternative Stem Cell Sources", "Fontes alternativas"),
        ("haw", "Multiple sclerosis is a disease of the nerves.", "He maʻi ʻo ka multiple sclerosis o nā aʻalolo."),
    ],
)  # fmt: skip
def test_correct_translations_have_no_finding(lang: str, msgid: str, msgstr: str) -> None:
    assert findings(lang, (msgid, msgstr)) == []


def test_sentence_counts_follow_each_script() -> None:
    assert sentences("Es seguro. ¿Y ahora? ¡Sí!", "es") == 3
    assert sentences("安全です。今は？はい！", "ja") == 3
    assert sentences("Wait... what is it? It is <strong1>safe</strong1>.", "en") == 2
    assert sentences("Take 2.5 mg, e.g. with water. Then rest.", "en") == 2
    assert sentences("Take 2.5 mg, e.g. with water. Then rest.", "es") == 2
    assert sentences("Consulte al Dr. García. Es seguro.", "es") == 3  # never undercounted


# ---------------------------------------------------------------------------
# What careless or hostile edits get


def test_unbalanced_marks_the_source_does_not_have() -> None:
    assert findings("es", ('He said "stop" twice.', 'Dijo "basta dos veces.')) == [
        "7: quotes: quotation mark '\"' is not closed"
    ]
    assert findings("ja", ("It is called “MS”.", "MS」と呼ばれます。")) == [
        "7: quotes: quotation mark '」' closes nothing"
    ]
    assert findings("es", ("Eat well.", "Coma bien :)")) == [
        "7: punctuation: ends with ')' where the source ends with '.' (expected '.')",
        "7: brackets: bracket ')' closes nothing",
    ]


def test_acronym_in_lower_case_or_a_look_alike_is_a_change() -> None:
    assert findings("es", ("Ask about HSCT.", "Pregunte por el hsct.")) == [
        "7: acronyms: acronym 'HSCT' became 'hsct'"
    ]
    assert findings("es", ("Ask about HSCT.", "Pregunte por el HSCI.")) == [
        "7: acronyms: acronym 'HSCT' became 'HSCI'"
    ]


def test_dropped_acronym_needs_the_language_to_keep_it_elsewhere() -> None:
    """Two other messages keep `HSCT`: dropping it in a third is reported. With only one
    other (Persian and Chinese introduce an acronym once, then spell it out), it is not."""
    keeps = [("HSCT is costly.", "HSCT coûte cher."), ("HSCT helps.", "La HSCT aide.")]
    dropped = ("Ask about HSCT.", "Renseignez-vous sur la greffe.")
    assert findings("fr", *keeps, dropped) == [
        "13: acronyms: acronym 'HSCT' is missing (kept in 2 of the 2 other messages that have it)"
    ]
    assert findings("fr", keeps[0], dropped) == []


def test_a_second_slip_does_not_hide_the_first() -> None:
    """Twenty messages keep `HSCT`, two drop it: both are reported (one in ten may)."""
    keeps = [(f"HSCT helps {n} times.", f"La HSCT aide {n} fois.") for n in range(20)]
    slips = [("Ask about HSCT.", "Renseignez-vous."), ("HSCT is costly.", "C’est coûteux.")]
    found = findings("fr", *keeps, *slips)
    assert [line.split(": ")[1] for line in found] == ["acronyms", "acronyms"]
    assert found[0].endswith("(kept in 20 of the 21 other messages that have it)")


def test_a_close_language_is_the_wrong_language() -> None:
    """Haitian Creole in the French catalog, Spanish in the Portuguese one."""
    msgid = "Stem cell therapy may not be covered by insurance for many patients."
    creole = "Terapi ak selil souch ka pa kouvri pa asirans pou anpil pasyan ki malad."
    spanish = (
        "Es posible que el seguro no cubra la terapia con células madre para muchos pacientes."
    )
    assert findings("fr", (msgid, creole)) == [
        "7: language: reads as Haitian Creole (96%), not French"
    ]
    assert findings("pt_BR", (msgid, spanish)) == [
        "7: language: reads as Spanish (95%), not Portuguese"
    ]


def test_wrong_language_is_a_warning_not_a_gate() -> None:
    """The identifier is statistical: a warning, which `--strict` fails in CI, not an
    error that would withdraw a translation. The gate does not even consult it."""
    import polib

    entry = polib.POEntry(
        msgid="The symptoms of multiple sclerosis can vary significantly from one person to another.",
        msgstr="Os sintomas da esclerose múltipla podem variar bastante de uma pessoa para outra.",
    )
    assert findings("es", (entry.msgid, entry.msgstr)) == [
        "7: language: reads as Portuguese (97%), not Spanish"
    ]
    entry.msgid += " "  # a key the gate has not cached
    entry.msgstr += " "
    before = language_id._identifier.cache_info()
    assert entry_errors(entry, "es", SLUG) == []
    assert entry_state(entry, "es", SLUG) == EntryState.TRANSLATED
    after = language_id._identifier.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)


def test_a_huge_hostile_translation_is_checked_in_linear_time() -> None:
    """200,000 characters without a space, of Chinese, of Latin letters, of brackets, of
    spaces, and 50,000 sentences: every check's patterns scan them once (a backtracking pattern here would
    take hours, which is how this test would fail)."""
    hostile = ("安" * 200_000, "a" * 200_000, "(" * 100_000, "HSCT" + " " * 200_000 + ")")
    for text in (*hostile, "Es. " * 50_000):
        found = findings("es", ("Ask about HSCT (MS).", text))
        assert found and all(line.startswith("7: ") for line in found)


# ---------------------------------------------------------------------------
# A project


def test_each_new_check_in_a_real_catalog(tmp_path: Path) -> None:
    """One defect of each kind in copies of the shipped catalogs: each found once, at
    its entry, as a warning; `check` exits 0 and `check --strict` 1."""
    project = copy_project(tmp_path / "p")
    catalogs = {
        lang: project / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po" for lang in ("fr", "es")
    }
    fr = {e.msgid: e.msgstr for e in parse_po(catalogs["fr"])}
    es = {e.msgid: e.msgstr for e in parse_po(catalogs["es"])}
    pt = {e.msgid: e.msgstr for e in parse_po(ROOT / "locales/pt_BR/LC_MESSAGES" / f"{SLUG}.po")}
    quoted = next(m for m in fr if "“multiple sclerosis.”" in m)
    hsct = next(m for m in fr if "(HSCT)" in m)
    three = next(m for m in es if m.startswith("Coverage for stem cell therapy"))
    bracketed = next(m for m in es if "(CNS)" in m)
    other = next(m for m in es if m.startswith("The symptoms of multiple sclerosis"))
    set_msgstrs(
        catalogs["fr"],
        {
            quoted: fr[quoted].replace("plaques\u00a0»", "plaques"),
            hsct: fr[hsct].replace("(HSCT)", "(HCST)"),
        },
    )
    set_msgstrs(
        catalogs["es"],
        {
            three: es[three].rsplit(". ", 1)[0] + ".",
            bracketed: es[bracketed].replace("(SNC)", "(SNC"),
            other: pt[other],
        },
    )
    report = run_checks(load_config(project), ["es", "fr"])
    found = sorted((f.path.parts[-3], f.check, f.severity) for f in report.findings)
    assert found == [
        ("es", "brackets", WARNING),
        ("es", "glossary", WARNING),  # the Portuguese lacks the Spanish terms, too
        ("es", "language", WARNING),
        ("es", "sentences", WARNING),
        ("fr", "acronyms", WARNING),
        ("fr", "quotes", WARNING),
    ]
    lines = {f.check: f.line for f in report.findings if f.check != "glossary"}
    by_line = {e.linenum: e.msgid for e in parse_po(catalogs["es"])}
    assert by_line[lines["sentences"]] == three and by_line[lines["language"]] == other
    assert run_cli("check", cwd=project).returncode == 0
    strict = run_cli("check", "--strict", cwd=project, check=False)
    assert strict.returncode == 1 and "0 errors, 6 warnings in 24 files" in strict.stdout


def test_a_dropped_sentence_hidden_by_a_split_one(tmp_path: Path) -> None:
    """The Korean translation splits one of the source's two sentences in two; dropping
    its last leaves two sentences, as many as the source, but half the usual length."""
    project = copy_project(tmp_path / "p")
    path = project / "locales" / "ko" / "LC_MESSAGES" / f"{SLUG}.po"
    msgid = next(e.msgid for e in parse_po(path) if e.msgid.startswith("The misguided immune"))
    msgstr = next(e.msgstr for e in parse_po(path) if e.msgid == msgid)
    assert (sentences(msgid, "en"), sentences(msgstr, "ko")) == (2, 3)
    shortened = msgstr[: msgstr.rindex(". ", 0, len(msgstr) - 1) + 1]
    assert sentences(shortened, "ko") == 2
    set_msgstrs(path, {msgid: shortened})
    report = run_checks(load_config(project), ["ko"])
    assert [(f.check, f.message) for f in report.findings] == [
        (
            "sentences",
            "49% shorter than this language's translations usually are: is a sentence missing?",
        )
    ]


# ---------------------------------------------------------------------------
# The identifier's cache


def _identify(cache_home: Path) -> subprocess.CompletedProcess[str]:
    """Identify one sentence in a fresh process whose cache folder is `cache_home`."""
    code = (
        "from pipeline import language_id as l; "
        "p = l.probabilities('La esclerosis múltiple afecta al sistema nervioso central.'); "
        "print(max(p, key=p.get))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
        cwd=ROOT,
        timeout=120,
    )


def test_identifier_cache_is_rebuilt_when_damaged_and_optional(tmp_path: Path) -> None:
    """A cut-off cache file (a run killed while another wrote it would leave none, but a
    disk can fill) is replaced; a cache folder that cannot be made is done without."""
    cached = language_id.cache_file().relative_to(language_id.cache_file().parents[1])
    damaged = tmp_path / "cache" / cached
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"PK\x03\x04 cut off")
    result = _identify(tmp_path / "cache")
    assert (result.returncode, result.stdout, result.stderr) == (0, "es\n", "")
    assert damaged.stat().st_size > 50_000_000
    assert not [p for p in damaged.parent.iterdir() if p.name.endswith(".tmp")]

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    result = _identify(blocked)
    assert (result.returncode, result.stdout, result.stderr) == (0, "es\n", "")
