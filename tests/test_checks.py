"""`pipeline.checks`: every failure in tests/bad_po/ gives its expected lines; real catalogs pass.

Each `tests/bad_po/<case>.<lang>.po` is one broken catalog (the language comes
from the name, as it would from the folder) and `<case>.<lang>.expected` holds
the exact finding lines. A folder `<case>.<lang>/` is one language's catalogs,
for the cross-catalog `consistency` check.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest

from conftest import ROOT, copy_project
from pipeline.checks import (
    CHECKS,
    ERROR,
    WARNING,
    CheckReport,
    Finding,
    check_catalog,
    check_language,
    run_checks,
    to_json,
    to_text,
)
from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.glossary import read_glossary
from pipeline.locales import locale_info
from pipeline.po import parse_po

BAD = Path(__file__).parent / "bad_po"
CASES = sorted(p for p in BAD.iterdir() if p.suffix == ".po" or p.is_dir())


def _case_name(case: Path) -> str:
    return case.name.removesuffix(".po")


def _report(case: Path) -> CheckReport:
    lang = _case_name(case).rsplit(".", 1)[1]
    if case.is_dir():
        catalogs = [(p, parse_po(p)) for p in sorted(case.glob("*.po"))]
        findings, silenced = check_language(lang, catalogs, "en")
        return CheckReport(tuple(findings), silenced, len(catalogs))
    # Optional companions: `<case>.pot` (the template) and `<case>.glossary.csv`.
    pot = case.with_name(f"{_case_name(case)}.pot")
    template = None
    if pot.is_file():
        template = frozenset((e.msgctxt, e.msgid) for e in parse_po(pot) if e.msgid)
    csv = case.with_name(f"{_case_name(case)}.glossary.csv")
    findings, silenced = check_catalog(
        case,
        parse_po(case),
        lang,
        _case_name(case).rsplit(".", 1)[0],
        source_language="en",
        glossary=read_glossary(csv) if csv.is_file() else None,
        template=template,
    )
    return CheckReport(tuple(findings), silenced, 1)


@pytest.mark.parametrize("case", CASES, ids=_case_name)
def test_bad_po_gives_expected_lines(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    expected = (BAD / f"{_case_name(case)}.expected").read_text("utf-8").splitlines()
    report = _report(case)
    assert [str(f) for f in report.findings] == expected
    assert expected, "a bad_po case must find something"
    # The text output says each finding's severity after its location.
    for line, finding in zip(to_text(report).splitlines()[:-1], report.findings, strict=True):
        location, rest = str(finding).split(": ", 1)
        assert line == f"{location}: {finding.severity}: {rest}"


def test_every_check_has_a_bad_po_case() -> None:
    found = set()
    for expected in BAD.glob("*.expected"):
        found |= {line.split(": ")[1] for line in expected.read_text("utf-8").splitlines()}
    assert found == set(CHECKS)
    assert {p.name.removesuffix(".expected") for p in BAD.glob("*.expected")} == {
        _case_name(c) for c in CASES
    }


def test_real_catalogs_have_no_errors() -> None:
    config = load_config(ROOT)
    report = run_checks(config)
    assert report.files == len(list(config.locales_dir.glob("*/LC_MESSAGES/*.po")))
    assert report.files > 0
    assert [str(f) for f in report.findings if f.severity == ERROR] == []
    assert report.errors(strict=False) == 0


# ---------------------------------------------------------------------------
# Small catalogs written inline


def catalog(lang: str, body: str, plural_forms: str | None = None) -> str:
    forms = plural_forms or locale_info(lang).plural_forms
    return (
        'msgid ""\nmsgstr ""\n'
        f'"Language: {lang}\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Plural-Forms: {forms}\\n"\n\n{body}'
    )


def check(lang: str, body: str, **kwargs: str) -> tuple[list[Finding], int]:
    text = catalog(lang, body, **kwargs)
    path = Path(f"{lang}.po")
    return check_catalog(path, parse_po(path, text), lang, "demo", text=text)


def messages(lang: str, body: str, **kwargs: str) -> list[str]:
    return [f"{f.line}: {f.check}: {f.message}" for f in check(lang, body, **kwargs)[0]]


def entry(msgid: str, msgstr: str, flags: str = "") -> str:
    head = f"#, {flags}\n" if flags else ""
    return f'{head}msgid "{msgid}"\nmsgstr "{msgstr}"\n\n'


@pytest.mark.parametrize(
    ("lang", "msgstr"),
    [
        ("ar", "تناول ٢٫٥ ملغ ٣ مرات يوميًا لمدة ١٤ يومًا."),  # Arabic-Indic digits, Arabic decimal
        ("ar", "تناول 2,5 ملغ 3 مرات يوميًا لمدة 14 يومًا."),  # decimal comma
        ("fa", "۲٫۵ میلی‌گرم را ۳ بار در روز به مدت ۱۴ روز مصرف کنید."),  # Extended Arabic-Indic
        ("hi", "१४ दिनों तक दिन में ३ बार २.५ मिलीग्राम लें।"),  # Devanagari
        ("ja", "２．５ mgを毎日３回、１４日間服用してください。"),  # full-width
        ("es", "Tome 2,5 mg 3 veces al día durante 14 días."),
    ],
)
def test_numbers_compare_by_value(lang: str, msgstr: str) -> None:
    body = entry("Take 2.5 mg 3 times a day for 14 days.", msgstr)
    assert messages(lang, body) == []


def test_arabic_indic_digit_with_another_value_is_an_error() -> None:
    body = entry("Take 2.5 mg 3 times a day.", "تناول ٢٥ ملغ ٣ مرات يوميًا.")
    assert messages("ar", body) == [
        "7: numbers: number 2.5 is missing; number ٢٥ is not in the source text"
    ]


def test_thousands_separators_compare_by_value() -> None:
    body = entry("About 2,300,000 people have MS; 1,000 of them here.", "")
    es = body.replace('msgstr ""', 'msgstr "Unas 2.300.000 personas tienen EM; 1000 aquí."')
    fr = body.replace(
        'msgstr ""',
        'msgstr "Environ 2\u202f300\u202f000 personnes ont la SEP\u202f; 1\u00a0000 ici."',
    )
    assert messages("es", es) == []
    assert messages("fr", fr) == []


def test_silencing_one_check_on_one_entry_is_counted() -> None:
    body = entry("Take 2 mg.", "Tome 20 mg.", "no-check-numbers") + entry(
        "Take 3 mg.", "Tome 30 mg."
    )
    findings, silenced = check("es", body)
    assert [(f.line, f.check) for f in findings] == [(11, "numbers")]
    assert silenced == 1
    # another check's flag does not silence this one
    findings, silenced = check("es", entry("Take 2 mg.", "Tome 20 mg.", "no-check-tags"))
    assert [f.check for f in findings] == ["numbers"] and silenced == 0


def test_silencing_untranslated_entries_counts_each() -> None:
    body = entry("Stem cells", "", "no-check-untranslated") + entry("Myelin", "")
    findings, silenced = check("es", body)
    assert [f.message for f in findings] == ["1 message is untranslated (first here)"]
    assert silenced == 1


def test_fuzzy_and_obsolete_entries_are_not_content_checked() -> None:
    body = entry("Take 2 mg.", "Tome 20 mg  ", "fuzzy") + '#~ msgid "Take 3 mg."\n#~ msgstr "30"\n'
    assert messages("es", body) == [
        "7: fuzzy: 1 message is fuzzy and not published until reviewed (first here)"
    ]


@pytest.mark.parametrize(
    ("lang", "msgid", "msgstr"),
    [
        ("es", "Is it safe?", "¿Es seguro?"),
        ("es", "Ask now!", "¡Pregunte ya!"),
        ("ar", "Is it safe?", "هل هو آمن؟"),
        ("zh_Hans", "Is it safe?", "安全吗？"),
        ("zh_Hans", "It is safe.", "这是安全的。"),
        ("zh_Hans", "Note:", "注意："),
        ("ja", "Ask now!", "今すぐ相談してください！"),
        ("hi", "It is safe.", "यह सुरक्षित है।"),
        ("fr", "Is it safe? Note: ask!", "Est-ce sûr\u202f? Remarque\u00a0: demandez\u202f!"),
        ("fr", "See https://example.org at 10:30.", "Voir https://example.org à 10:30."),
        ("el", "Is it safe?", "Είναι ασφαλές;"),
        ("es", "Ask <strong1>your doctor?</strong1>", "¿Pregunte a <strong1>su médico?</strong1>"),
    ],
)
def test_language_aware_punctuation_accepts(lang: str, msgid: str, msgstr: str) -> None:
    assert messages(lang, entry(msgid, msgstr)) == []


def test_joiners_are_allowed_only_in_scripts_that_need_them() -> None:
    persian = entry("Treatments", "درمان\u200cها")
    spanish = entry("Treatments", "Trata\u200cmientos")
    assert messages("fa", persian) == []
    assert messages("es", spanish) == [
        "7: characters: invisible character U+200C ZERO WIDTH NON-JOINER"
    ]
    assert messages("fa", entry("Treatments", "درمان\u200bها")) == [
        "7: characters: invisible character U+200B ZERO WIDTH SPACE"
    ]


def test_placeholders_may_move_and_python_percent_needs_the_flag() -> None:
    moved = entry("%(page)s of %(pages)s", "%(pages)s 页中的第 %(page)s 页", "python-format")
    assert messages("zh_Hans", moved) == []
    # without python-format, `50% of` is text, not a placeholder
    assert messages("es", entry("50% of patients", "el 50% de los pacientes")) == []


def test_plural_forms_used_for_one_number_may_drop_the_count() -> None:
    body = (
        "#, python-format\n"
        'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\n'
        'msgstr[0] "لا أيام"\nmsgstr[1] "يوم واحد"\nmsgstr[2] "يومان"\n'
        'msgstr[3] "%(n)s أيام"\nmsgstr[4] "%(n)s يومًا"\nmsgstr[5] "%(n)s يوم"\n'
    )
    assert messages("ar", body) == []
    broken = body.replace('msgstr[5] "%(n)s يوم"', 'msgstr[5] "يوم"')
    assert messages("ar", broken) == ["7: placeholders: msgstr[5]: placeholder %(n)s is missing"]


def test_header_plural_forms_compare_up_to_spacing_and_meaning() -> None:
    spaced = "nplurals=2;  plural=n>1;"
    assert messages("hi", "", plural_forms=spaced) == []  # CLDR: (n > 1)
    findings, _ = check("hi", "", plural_forms="nplurals=2; plural=(n != 1);")
    assert [(f.line, f.check, f.severity) for f in findings] == [(5, "header", ERROR)]


def test_header_charset_must_be_utf8() -> None:
    po = polib.POFile()
    po.metadata = {
        "Language": "es",
        "Content-Type": "text/plain; charset=ISO-8859-1",
        "Plural-Forms": locale_info("es").plural_forms,
    }
    findings, _ = check_catalog(Path("es.po"), po, "es", "demo", text="")
    assert [f.message for f in findings] == ["charset 'ISO-8859-1' is not UTF-8"]


def test_untranslated_copy_is_quiet_for_short_texts_and_the_source_language() -> None:
    body = entry("MS", "MS") + entry(
        "Stem cell therapy is not a cure.", "Stem cell therapy is not a cure."
    )
    assert messages("es", entry("MS", "MS")) == []
    text = catalog("en_GB", body)
    findings, _ = check_catalog(
        Path("en_GB.po"),
        parse_po(Path("x.po"), text),
        "en_GB",
        "d",
        text=text,
        source_language="en",
    )
    assert findings == []


def test_repeated_word_ignores_repeats_in_the_source_and_french_reflexives() -> None:
    assert messages("es", entry("Bora Bora is far.", "Bora Bora está lejos.")) == []
    assert messages("fr", entry("We met.", "Nous nous sommes rencontrés.")) == []
    assert messages("es", entry("It is the end.", "Es el El fin.")) == [
        "7: repeated-word: word 'el' is repeated"
    ]


# ---------------------------------------------------------------------------
# The project-level run and the output formats


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project whose Spanish catalog has one silenced and one reported problem."""
    root = copy_project(tmp_path / "p")
    path = root / "locales" / "es" / "LC_MESSAGES" / "ui.po"
    text = path.read_text("utf-8")
    text = text.replace(
        'msgid "Skip to the article"\nmsgstr "Saltar al artículo"',
        '#, no-check-whitespace\nmsgid "Skip to the article"\nmsgstr "Saltar al  artículo"',
    )
    text = text.replace('msgstr "Idiomas"', 'msgstr "Idiomas idiomas"')
    path.write_text(text, "utf-8")
    return root


def test_run_checks_reports_silenced_and_strict(project: Path) -> None:
    report = run_checks(load_config(project), ["es"])
    assert report.files == 2
    assert report.silenced == 1
    assert [(f.path.name, f.check, f.severity) for f in report.findings] == [
        ("ui.po", "repeated-word", WARNING)
    ]
    assert report.errors(strict=False) == 0
    assert report.errors(strict=True) == 1
    assert to_text(report).splitlines()[-1] == "0 errors, 1 warning in 2 files (1 silenced)"


def test_run_checks_refuses_a_malformed_language(project: Path) -> None:
    with pytest.raises(ConfigError):
        run_checks(load_config(project), ["../es"])


def test_json_output_parses(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    data = json.loads(to_json(run_checks(load_config(project), ["es"])))
    assert set(data) == {"findings", "silenced", "files"}
    assert data["silenced"] == 1 and data["files"] == 2
    # A finding names the first line of its entry (its first comment), found here by
    # reading the file: the line after the blank line that ends the previous entry.
    lines = (project / "locales" / "es" / "LC_MESSAGES" / "ui.po").read_text("utf-8").splitlines()
    msgid = lines.index('msgid "Languages"')
    assert lines[msgid + 1] == 'msgstr "Idiomas idiomas"'
    line = max(n for n in range(msgid) if not lines[n]) + 2
    assert lines[line - 1].startswith("#") and line < msgid + 1
    assert data["findings"] == [
        {
            "path": "locales/es/LC_MESSAGES/ui.po",
            "line": line,
            "check": "repeated-word",
            "severity": "warning",
            "message": "word 'idiomas' is repeated",
        }
    ]


def test_text_line_format(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    finding = Finding(tmp_path / "locales" / "es.po", 7, "numbers", ERROR, "number 2 is missing")
    assert str(finding) == "locales/es.po:7: numbers: number 2 is missing"
    outside = Finding(Path("/elsewhere/x.po"), 1, "tags", ERROR, "m")
    assert str(outside) == "/elsewhere/x.po:1: tags: m"


def test_copying_bad_po_into_a_project_is_found(project: Path) -> None:
    """The folder's language, not the file name, decides the rules in a real run."""
    target = project / "locales" / "ar" / "LC_MESSAGES" / "extra.po"
    shutil.copy(BAD / "punctuation-question.ar.po", target)
    report = run_checks(load_config(project), ["ar"])
    assert [(f.path.name, f.check) for f in report.findings] == [("extra.po", "punctuation")]


@pytest.mark.parametrize(
    ("msgid", "msgstr", "flags", "expected"),
    [
        ("Take 2 tablets.", "Tome 2 comprimidos.", [], "translated"),
        ("Take 2 tablets.", "Tome 3 comprimidos.", [], "invalid"),  # another number
        ("See <a1>the clinic</a1>.", "Vea la clínica.", [], "invalid"),  # a tag dropped
        ("Call https://example.org/a.", "Llame a https://example.org/b.", [], "invalid"),
        ("Take 2 tablets.", "Tome 3 comprimidos.", ["fuzzy"], "fuzzy"),  # not checked yet
        ("Take 2 tablets.", "", ["fuzzy"], "untranslated"),
        ("Take 2 tablets.", "", [], "untranslated"),
    ],
)
def test_entry_state_is_the_publishing_gate(
    msgid: str, msgstr: str, flags: list[str], expected: str
) -> None:
    """The one definition of a usable translation: translated, reviewed, and free of
    check errors; anything else prints the source's own text."""
    from pipeline.checks import entry_state

    entry = polib.POEntry(msgid=msgid, msgstr=msgstr, flags=flags)
    assert entry_state(entry, "es", "demo", article=True) == expected
    assert entry_state(None, "es", "demo") == "untranslated"
