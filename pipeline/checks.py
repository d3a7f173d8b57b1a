"""`.po` entries → `Finding`s: what a translator broke, by file and line.

Each check has a kebab-case name, used in the output and in the flag comment a
translator adds to silence it on one entry (`#, no-check-numbers`). Checks
compare each translation with its own source text; only `consistency` looks
across the catalogs of one language, and `acronyms` and `sentences` weigh one message
against the language's habits (`LanguageUsage`). The core is pure (`check_catalog`),
and `run_checks` is the thin layer that finds and reads the files.

Provenance: written from specifications and data, not from other checkers' code —
quotation marks from CLDR's delimiters data, sentence terminators from Unicode's
Sentence_Terminal characters (the common ones, and the ellipsis), plural rules from
CLDR through Babel, numbers by value through `unicodedata`; the language of a text
from py3langid's model (`language_id`).
translate-toolkit's `pofilter` (GPL) is only run, as a separate program, by
`bench/checks.py` to compare results.
"""

from __future__ import annotations

import gettext
import itertools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path

import polib

from pipeline.config import Config
from pipeline.errors import display_path
from pipeline.glossary import Glossary, glossary_for
from pipeline.links import LINK_CONTEXT, comparable_address, printed_address, target_problem
from pipeline.locales import PSEUDO, invalid_reason, locale_info
from pipeline.model import (
    TAG_RE,
    EntryState,
    Layout,
    check_tags,
    count_words,
    live_entries,
    mapping_format_problems,
    raw_state,
)
from pipeline.model import UI_DOMAIN as UI_DOMAIN
from pipeline.po import parse_po
from pipeline.project import chosen_languages, read_template_keys

TRANSLATED, FUZZY, UNTRANSLATED, INVALID = (
    EntryState.TRANSLATED,
    EntryState.FUZZY,
    EntryState.UNTRANSLATED,
    EntryState.INVALID,
)

ERROR, WARNING = "error", "warning"

CHECKS = (
    "header",
    "template",
    "tags",
    "placeholders",
    "numbers",
    "urls",
    "characters",
    "whitespace",
    "punctuation",
    "brackets",
    "quotes",
    "acronyms",
    "sentences",
    "repeated-word",
    "untranslated-copy",
    "language",
    "consistency",
    "glossary",
    "untranslated",
    "fuzzy",
)
"""Every check, in the order findings on one line are listed."""

SILENCE_PREFIX = "no-check-"
UNSILENCEABLE = frozenset({"template", "tags", "placeholders", "urls", "characters"})
"""Checks whose errors a flag cannot silence: the build could not render the text, or it
would print something the source does not say (an address, a reordered number)."""


@dataclass(frozen=True)
class Finding:
    """One problem in one catalog entry (or in the catalog's header)."""

    path: Path
    line: int
    """Line of the entry's msgid (or of the header field)."""
    check: str
    """Name of the check, one of `CHECKS`."""
    severity: str
    """`error` (the text is wrong or will not be used) or `warning` (worth a look)."""
    message: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.check}: {self.message}"


@dataclass(frozen=True)
class CheckReport:
    """Everything `check` found over a set of catalogs."""

    findings: tuple[Finding, ...]
    silenced: int
    """Findings not reported because the entry carries `#, no-check-<name>`."""
    files: int
    """Catalogs checked."""

    def errors(self, strict: bool) -> int:
        """Findings that fail the check: errors, and with `strict` warnings too."""
        return sum(1 for f in self.findings if strict or f.severity == ERROR)

    @property
    def warnings(self) -> int:
        """Findings of warning severity."""
        return sum(1 for f in self.findings if f.severity == WARNING)


# ---------------------------------------------------------------------------
# Collecting findings, honouring the translators' `no-check-` flags


@dataclass
class _Sink:
    """Findings of one catalog, minus those the entry's flags silence."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    silenced: int = 0

    def add(
        self, entry: polib.POEntry | None, line: int, check: str, severity: str, message: str
    ) -> None:
        """Record a finding unless `#, no-check-<check>` on the entry silences it."""
        if (
            entry is not None
            and SILENCE_PREFIX + check in entry.flags
            and check not in UNSILENCEABLE
        ):
            self.silenced += 1
            return
        self.findings.append(Finding(self.path, line, check, severity, message))


def _show(text: str, limit: int = 40) -> str:
    """A short, one-line, quoted rendering of a text for a message."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


# ---------------------------------------------------------------------------
# Language facts


def _primary(lang: str) -> str:
    """The language subtag of a gettext id: `zh` for `zh_Hans`."""
    return lang.split("_")[0]


_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
_JOINERS = {"\u200c", "\u200d"}
_JOINER_LANGS = {
    # Arabic script
    "ar", "fa", "ur", "ps", "ckb", "sd", "ug", "ks",
    # Indic scripts
    "hi", "mr", "ne", "sa", "bn", "as", "pa", "gu", "or", "ta", "te", "kn", "ml", "si",
    # other scripts that shape with joiners
    "my", "km", "lo", "bo", "dv",
}  # fmt: skip
"""Languages whose scripts legitimately use ZWNJ/ZWJ (U+200C/U+200D) inside words."""

_END_CLASSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ellipsis", ("...", "…", "……", "⋯")),
    ("question", ("?", "؟", "？", "\u037e")),
    ("exclamation", ("!", "！")),
    ("stop", (".", "。", "।", "۔", "။", "።", "។", "．", "։")),
    ("colon", (":", "：")),
)
"""End punctuation marks by meaning, in any language (Greek `;` handled apart)."""

_Marks = dict[str, tuple[str, ...]]
_CJK_FULLWIDTH: _Marks = {
    "question": ("？",),
    "exclamation": ("！",),
    "stop": ("。",),
    "colon": ("：",),
    "ellipsis": ("……", "…"),
}
_ARABIC_QUESTION: _Marks = {"question": ("؟",)}
_DANDA: _Marks = {"stop": ("।",)}
_END_BY_LANG: dict[str, _Marks] = {
    "zh": _CJK_FULLWIDTH,
    "ja": _CJK_FULLWIDTH,
    "yue": _CJK_FULLWIDTH,
    "ar": _ARABIC_QUESTION,
    "fa": _ARABIC_QUESTION,
    "ps": _ARABIC_QUESTION,
    "ckb": _ARABIC_QUESTION,
    "sd": _ARABIC_QUESTION,
    "ug": _ARABIC_QUESTION,
    "ur": {"question": ("؟",), "stop": ("۔",)},
    "hi": _DANDA,
    "bn": _DANDA,
    "ne": _DANDA,
    "pa": _DANDA,
    "sa": _DANDA,
    "as": _DANDA,
    "or": _DANDA,
    "el": {"question": (";", "\u037e")},
    "hy": {"stop": ("։",)},
    "my": {"stop": ("။",)},
    "am": {"stop": ("።",)},
    "km": {"stop": ("។",)},
}
"""Where a language ends sentences differently from `? ! . : ...`."""
_END_DEFAULT: _Marks = {
    "question": ("?",),
    "exclamation": ("!",),
    "stop": (".",),
    "colon": (":",),
    "ellipsis": ("...", "…"),
}
_NO_STOP_LANGS = {"th", "lo"}
"""Languages that end sentences without a mark."""

_REPEAT_OK = {"fr": {"nous", "vous"}}
"""Words a language doubles in correct sentences (`nous nous sommes`)."""


@dataclass(frozen=True)
class _Plural:
    """Which plural forms of a language are used for a single number (like `one`)."""

    nplurals: int
    single: frozenset[int]


@cache
def _plural_info(lang: str) -> _Plural | None:
    """The CLDR plural facts of `lang`, or None for a code CLDR does not know."""
    if invalid_reason(lang):
        return None
    info = locale_info(lang)
    choose = _plural_function(info.plural_forms)
    if choose is None:
        return _Plural(info.nplurals, frozenset())
    uses: dict[int, int] = {}
    for n in range(1001):
        form = choose(n)
        uses[form] = uses.get(form, 0) + 1
    return _Plural(info.nplurals, frozenset(i for i in range(info.nplurals) if uses.get(i, 0) <= 1))


_PLURAL_FORMS = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.*?)\s*;?\s*$", re.S)


def _plural_function(plural_forms: str) -> Callable[[int], int] | None:
    """A `Plural-Forms` value as a Python function n → form index (None if unparsable)."""
    match = _PLURAL_FORMS.match(plural_forms)
    if not match:
        return None
    try:
        return gettext.c2py(match[2])
    except (ValueError, SyntaxError, RecursionError):
        return None


# ---------------------------------------------------------------------------
# What the entry-level checks compare


@dataclass(frozen=True)
class _Form:
    """One translated text and the source text(s) it must agree with."""

    label: str
    """`msgstr[1]: ` for plural forms, empty otherwise (prefixed to messages)."""
    text: str
    sources: tuple[str, ...]
    """Acceptable source texts: the msgid, or for plural forms msgid_plural (and msgid)."""
    partial: bool
    """A plural form used for one number only; it may leave out placeholders and numbers."""


def _forms(entry: polib.POEntry, plural: _Plural | None) -> list[_Form]:
    """The non-empty translations of an entry, each with the source text(s) to compare with."""
    if not entry.msgid_plural:
        return [_Form("", entry.msgstr, (entry.msgid,), False)] if entry.msgstr else []
    forms = []
    for index in sorted(entry.msgstr_plural):
        text = entry.msgstr_plural[index]
        if not text:
            continue
        partial = plural is not None and int(index) in plural.single
        sources = (entry.msgid_plural, entry.msgid) if partial else (entry.msgid_plural,)
        forms.append(_Form(f"msgstr[{index}]: ", text, sources, partial))
    return forms


# Placeholders -------------------------------------------------------------

_PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<conv>[diouxXeEfFgGcrsa%])"
)
_BRACE = re.compile(
    r"(?<!\{)\{(?P<name>[A-Za-z_][A-Za-z0-9_]*|\d*)(?:\.[A-Za-z_]\w*|\[[^\]]*\])*"
    r"(?:![rsa])?(?::[^{}]*)?\}"
)


def _uses_percent(entry: polib.POEntry, domain: str = "") -> bool:
    """Whether `%` directives are placeholders here: always in the interface catalog (Jinja2
    formats every string with `%`), elsewhere by gettext's python-format flag."""
    if domain == UI_DOMAIN:
        return True
    if "no-python-format" in entry.flags:
        return False
    return "python-format" in entry.flags or bool(re.search(r"%\([A-Za-z_]\w*\)", entry.msgid))


def _uses_brace(entry: polib.POEntry) -> bool:
    """Whether `{name}` fields are placeholders here (flag, or seen in the msgid)."""
    if "no-python-brace-format" in entry.flags:
        return False
    return "python-brace-format" in entry.flags or bool(_BRACE.search(entry.msgid))


def _placeholders(text: str, percent: bool, brace: bool) -> tuple[set[str], list[str]]:
    """Named placeholders (a set: order and repetition are free) and positional ones (a list)."""
    named: set[str] = set()
    positional: list[str] = []
    if percent:
        for match in _PERCENT.finditer(text):
            if match["conv"] == "%":
                continue
            if match["name"] is not None:
                named.add(f"%({match['name']}){match['conv']}")
            else:
                positional.append(f"%{match['conv']}")
    if brace:
        plain = text.replace("{{", "").replace("}}", "")
        for match in _BRACE.finditer(plain):
            name = match["name"]
            if name and not name.isdigit():
                named.add(f"{{{name}}}")
            else:
                positional.append(f"{{{name}}}")
    return named, positional


def _strip_placeholders(text: str, percent: bool) -> str:
    """The text with its placeholders blanked, so their digits are not numbers."""
    text = _BRACE.sub(" ", text)
    if percent:
        return _PERCENT.sub(" ", text)
    return re.sub(r"%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]", " ", text)


def _placeholder_problems(form: _Form, percent: bool, brace: bool, mapping: bool) -> list[str]:
    """Placeholders missing or invented in a form; named ones may move freely. With
    `mapping` (interface strings), every `%` must be `%%` or a named placeholder."""
    if mapping:
        stray = mapping_format_problems(form.text)
        if stray:
            return stray
    named, positional = _placeholders(form.text, percent, brace)
    wanted_named: set[str] = set()
    wanted_positional: list[str] = []
    results = []
    for source in form.sources:
        src_named, src_positional = _placeholders(source, percent, brace)
        wanted_named |= src_named
        wanted_positional = wanted_positional or src_positional
        results.append((src_named, src_positional))
    problems = [f"placeholder {p} is not in the source text" for p in sorted(named - wanted_named)]
    if form.partial:
        if len(positional) > len(wanted_positional):
            problems.append("more positional placeholders than the source text")
        return problems
    if any(n == named and p == positional for n, p in results):
        if mapping:  # Jinja2 applies the flags, width and precision too: as the source has them
            return _directive_spec_problems(form)
        return []
    src_named, src_positional = results[0]
    problems.extend(f"placeholder {p} is missing" for p in sorted(src_named - named))
    if src_positional != positional:
        shown = " ".join(src_positional) or "none"
        problems.append(
            f"positional placeholders {' '.join(positional) or 'none'} differ from the "
            f"source's {shown} (use named ones to reorder)"
        )
    return problems


_SPEC_DIRECTIVE = re.compile(r"%\([^()]*\)[#0 +-]*\d*(?:\.\d*)?[hlL]?[a-zA-Z]")


def _directive_spec_problems(form: _Form) -> list[str]:
    """A named directive written otherwise than in the source (`%(name)9999999s` pads the
    page with a gigabyte of spaces, `%(name).0s` prints nothing)."""
    allowed = {m[0] for source in form.sources for m in _SPEC_DIRECTIVE.finditer(source)}
    odd = [m[0] for m in _SPEC_DIRECTIVE.finditer(form.text) if m[0] not in allowed]
    return [f"placeholder {d} is not written as in the source text" for d in dict.fromkeys(odd)]


# Numbers ----------------------------------------------------------------

_DECIMAL_MARK = "\u066b"  # ARABIC DECIMAL SEPARATOR
_GROUP_MARK = "\u066c"  # ARABIC THOUSANDS SEPARATOR
_SPACE_GROUPS = "\u00a0\u202f\u2009"
_NUMBER = re.compile(
    rf"\d+(?:(?:[.,\uff0e{_DECIMAL_MARK}{_GROUP_MARK}]|[{_SPACE_GROUPS}](?=\d{{3}}(?!\d)))\d+)*"
)


def _number_value(raw: str) -> Decimal | None:
    """The value of a number in any decimal digits, with either `.` or `,` as decimal mark."""
    ascii_digits = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in raw)
    parts = re.split(r"(\D)", ascii_digits)
    groups, seps = parts[0::2], parts[1::2]
    decimal_at: int | None = None
    if _DECIMAL_MARK in seps:
        decimal_at = seps.index(_DECIMAL_MARK)
    else:
        marks = [i for i, s in enumerate(seps) if s in ".,\uff0e"]
        kinds = {seps[i].replace("\uff0e", ".") for i in marks}
        if len(kinds) == 2:
            decimal_at = marks[-1]
        elif len(marks) == 1:
            i = marks[0]
            # `1,000` / `1.000` group thousands; `2,5`, `0.125` and `12.50` are decimals.
            grouping = len(groups[i + 1]) == 3 and 1 <= len(groups[i]) <= 3 and groups[i] != "0"
            decimal_at = None if grouping else i
    if decimal_at is None:
        digits = "".join(groups)
    else:
        digits = "".join(groups[: decimal_at + 1]) + "." + "".join(groups[decimal_at + 1 :])
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _number_counts(text: str, percent: bool) -> Counter[Decimal]:
    """How many times each value is written in a text (tags and placeholders out)."""
    plain = _strip_placeholders(TAG_RE.sub(" ", text), percent)
    values = (_number_value(m[0]) for m in _NUMBER.finditer(plain))
    return Counter(v for v in values if v is not None)


def _numbers(text: str, percent: bool) -> dict[Decimal, str]:
    """Value → how it is first written, for every number of a text (tags and placeholders out)."""
    plain = _strip_placeholders(TAG_RE.sub(" ", text), percent)
    found: dict[Decimal, str] = {}
    for match in _NUMBER.finditer(plain):
        value = _number_value(match[0])
        if value is not None:
            found.setdefault(value, match[0])
    return found


def _number_problems(form: _Form, percent: bool) -> list[str]:
    """Numbers missing, invented or repeated in a form, compared by value; numerals that
    are not decimal digits (`½`, `²`, `Ⅻ`) must be the source's own."""
    have = _numbers(form.text, percent)
    sources = [_numbers(s, percent) for s in form.sources]
    numerals = sorted(
        {c for c in set(form.text) if unicodedata.category(c) in ("No", "Nl")}
        - set("".join(form.sources))
    )
    odd = [f"number {c!r} is not in the source text" for c in numerals]
    if form.partial:
        allowed = set().union(*sources)
        extra = [have[v] for v in have if v not in allowed]
        return odd + [f"number {n} is not in the source text" for n in extra]
    for source, values in zip(form.sources, sources, strict=True):
        if set(have) == set(values):
            counted, expected = _number_counts(form.text, percent), _number_counts(source, percent)
            odd += [
                f"number {have[v]} appears {n} times where the source text has it {expected[v]}"
                for v, n in counted.items()
                if n > expected[v]
            ]
            return odd
    wanted = sources[0]
    problems = [f"number {wanted[v]} is missing" for v in wanted if v not in have]
    problems += [f"number {have[v]} is not in the source text" for v in have if v not in wanted]
    return odd + problems


# Whitespace -------------------------------------------------------------


def _edges(text: str) -> tuple[str, str]:
    """Leading and trailing white space of a text."""
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


def _whitespace_problems(form: _Form, lang: str) -> list[str]:
    """Errors: different edges or line breaks; invisible or control characters."""
    problems: list[str] = []
    for source in form.sources:
        problems = []
        (lead, trail), (src_lead, src_trail) = _edges(form.text), _edges(source)
        if lead != src_lead:
            problems.append(f"leading white space {lead!r} where the source has {src_lead!r}")
        if trail != src_trail:
            problems.append(f"trailing white space {trail!r} where the source has {src_trail!r}")
        if form.text.count("\n") != source.count("\n"):
            problems.append(
                f"{form.text.count(chr(10))} line breaks where the source text has "
                f"{source.count(chr(10))}"
            )
        if not problems:
            break
    return problems


_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
"""Marks, embeddings, overrides and isolates: they can reorder what is printed
("Tome \u202e20\u202c mg" shows "Tome 02 mg"), so a translation may use only those
its source has."""


def _character_problems(form: _Form, lang: str) -> list[str]:
    """Errors: invisible, bidi-control and control characters the source does not have."""
    problems: list[str] = []
    allowed = set("".join(form.sources))
    if _primary(lang) in _JOINER_LANGS:
        allowed |= _JOINERS
    if lang in PSEUDO:
        allowed |= _BIDI_CONTROLS  # ar_XB mirrors its text with overrides, by design
    for char in sorted(set(form.text) - allowed):
        name = unicodedata.name(char, "")
        if char in _BIDI_CONTROLS:
            problems.append(f"bidi control character U+{ord(char):04X} {name}")
        elif char in _ZERO_WIDTH:
            problems.append(f"invisible character U+{ord(char):04X} {name}")
        elif unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char != "\n":
            problems.append(f"control or unassigned character U+{ord(char):04X}")
        elif char in "\u2028\u2029":
            problems.append(f"line or paragraph separator U+{ord(char):04X}")
    return problems


ADDRESS = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[A-Za-z0-9\-._~:/?#@!$&*+,;=%]*[A-Za-z0-9\-_~/#=%]"
    r"|(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|(?<![A-Za-z0-9@.-])[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*"
    r"\.(?:com|org|net|gov|edu|info|int|health|io|co|[a-z]{2})(?![A-Za-z0-9-])"
)
"""URLs, e-mail addresses and bare domain names, in ASCII (what follows may be any script)."""


def addresses(text: str) -> list[str]:
    """The URLs, e-mail addresses and domain names of a text, tags removed, in order."""
    return [m[0] for m in ADDRESS.finditer(TAG_RE.sub(" ", text))]


Aliases = frozenset[tuple[str, str]]
"""(source address, localised address) pairs, levelled by `links.comparable_address`: the
targets a catalog's `link` entries localise, which its texts may show instead."""


def link_aliases(catalog: Iterable[polib.POEntry]) -> Aliases:
    """The localised link targets of a catalog (reviewed, valid, not the source's own): a
    text that shows the source's address as a link's words may show the localised one."""
    return frozenset(
        (
            comparable_address(printed_address(entry.msgid)),
            comparable_address(printed_address(entry.msgstr)),
        )
        for entry in catalog
        if entry.msgctxt == LINK_CONTEXT
        and not entry.obsolete
        and entry.msgstr
        and entry.msgstr != entry.msgid
        and "fuzzy" not in entry.flags
        and not target_problem(entry.msgstr)
    )


def _url_problems(form: _Form, aliases: Aliases = frozenset()) -> list[str]:
    """Errors: a URL, e-mail address or domain of the source changed, dropped or added. An
    address the catalog's `link` entries localise may be shown localised."""
    have = addresses(form.text)
    if aliases:
        wanted_all = {a for source in form.sources for a in addresses(source)}
        stands_for = {
            comparable_address(to): comparable_address(address)
            for address in wanted_all
            for source, to in aliases
            if source == comparable_address(address)
        }
        # what each localised address stands for: the source's own address text
        back = {
            level: next(a for a in wanted_all if comparable_address(a) == source)
            for level, source in stands_for.items()
        }
        have = [back.get(comparable_address(a), a) for a in have]
    for source in form.sources:
        wanted = addresses(source)
        if sorted(set(have)) == sorted(set(wanted)):
            return []
    wanted = addresses(form.sources[0])
    problems = [f"address {a!r} is missing" for a in dict.fromkeys(wanted) if a not in have]
    problems += [
        f"address {a!r} is not in the source text" for a in dict.fromkeys(have) if a not in wanted
    ]
    return problems


def _link_problems(form: _Form) -> list[str]:
    """Errors: a `link` entry's target that the build may not use (`links.target_problem`)."""
    problem = target_problem(form.text)
    return [f"{problem}; the source's link is used"] if problem else []


def _double_space_problems(form: _Form) -> list[str]:
    """A warning for double spaces the source text does not have."""
    if "  " in form.text and not any("  " in s for s in form.sources):
        return ["double space in the translation"]
    return []


# Punctuation ------------------------------------------------------------

_CLOSERS = "\"'”’»›」』"


def _strip_end(text: str) -> str:
    """The text without trailing white space, tags and closing quotes."""
    previous = None
    while previous != text:
        previous = text
        text = text.rstrip().rstrip(_CLOSERS)
        text = re.sub(r"<(?:/?)[a-z]+[0-9]+/?>$", "", text)
    return text


def _ending(text: str, lang: str) -> tuple[str | None, str]:
    """The kind of end punctuation of a text (`question`, `stop`...) and the mark itself.

    Other punctuation (`;`, `)`) gives no kind but is returned, for messages.
    """
    end = _strip_end(text)
    if _primary(lang) == "el" and end.endswith((";", "\u037e")):
        return "question", end[-1]
    for kind, marks in _END_CLASSES:
        for mark in sorted(marks, key=len, reverse=True):
            if end.endswith(mark):
                return kind, mark
    if end and unicodedata.category(end[-1]).startswith("P"):
        return None, end[-1]
    return None, ""


def _expected_end(kind: str, lang: str) -> tuple[str, ...]:
    """The marks `lang` ends a sentence of this kind with."""
    primary = _primary(lang)
    if kind == "stop" and primary in _NO_STOP_LANGS:
        return ("",)
    return _END_BY_LANG.get(primary, {}).get(kind, _END_DEFAULT[kind])


def _punctuation_problems(form: _Form, lang: str, source_language: str | None) -> list[str]:
    """End punctuation that does not match the source's, in the language's marks."""
    problems: list[str] = []
    source_lang = source_language or "en"
    for source in form.sources:
        problems = []
        kind, src_mark = _ending(source, source_lang)
        got_kind, got = _ending(form.text, lang)
        if kind is None:
            if got_kind is not None:
                problems.append(f"ends with {got!r} but the source text has no end punctuation")
        else:
            expected = _expected_end(kind, lang)
            if got not in expected:
                wanted = " or ".join(repr(m) if m else "no mark" for m in expected)
                if got_kind == kind:
                    problems.append(f"ends with {got!r} instead of {wanted}")
                else:
                    shown = f"ends with {got!r}" if got else "has no end punctuation"
                    problems.append(
                        f"{shown} where the source ends with {src_mark!r} (expected {wanted})"
                    )
            if _primary(lang) == "es" and kind in ("question", "exclamation"):
                opener = "¿" if kind == "question" else "¡"
                if opener not in form.text:
                    problems.append(f"Spanish needs the opening {opener!r}")
        if not problems:
            break
    if _primary(lang) == "fr":
        problems.extend(_french_spacing(form.text, lang))
    return problems


def _french_spacing(text: str, lang: str) -> list[str]:
    """French puts a no-break space before `: ; ! ?` (Canadian French only before `:`)."""
    marks = ":" if lang == "fr_CA" else ":;!?"
    plain = TAG_RE.sub("", text)
    missing: list[str] = []
    for match in re.finditer(rf"[{re.escape(marks)}][{re.escape(marks)}!?]*", plain):
        before = plain[match.start() - 1] if match.start() else ""
        after = plain[match.end()] if match.end() < len(plain) else " "
        if before in "\u00a0\u202f" or not (after.isspace() or after in _CLOSERS + ")]"):
            continue
        if before and match[0][0] not in missing:
            missing.append(match[0][0])
    if not missing:
        return []
    marks_shown = " and ".join(repr(mark) for mark in missing)
    return [f"French needs a no-break space (U+00A0 or U+202F) before {marks_shown}"]


# Words ------------------------------------------------------------------


def _words(text: str) -> list[tuple[str, str]]:
    """(word, what precedes it) for every run of letters, tags removed."""
    plain = TAG_RE.sub("", text)
    words: list[tuple[str, str]] = []
    start = None
    gap_start = 0
    for index, char in enumerate([*plain, " "]):
        letter = unicodedata.category(char)[0] in "LM"
        if letter and start is None:
            start = index
        elif not letter and start is not None:
            words.append((plain[start:index], plain[gap_start:start]))
            start = None
            gap_start = index
    return words


def _repeats(text: str, lang: str) -> list[str]:
    """Words written twice in a row (case-insensitive), minus the language's usual ones."""
    repeated: list[str] = []
    words = _words(text)
    allowed = _REPEAT_OK.get(_primary(lang), set())
    for (first, _), (second, gap) in itertools.pairwise(words):
        word = first.casefold()
        same = gap and gap.isspace() and word == second.casefold()
        if same and word not in allowed and word not in repeated:
            repeated.append(word)
    return repeated


def _repeated_word_problems(form: _Form, lang: str, source_language: str | None) -> list[str]:
    """Repeated words of a form that are not also repeated in its source."""
    in_source = {w for s in form.sources for w in _repeats(s, source_language or "en")}
    return [f"word {w!r} is repeated" for w in _repeats(form.text, lang) if w not in in_source]


def _copy_problems(form: _Form) -> list[str]:
    """A warning when a sentence of 5+ words was copied instead of translated."""
    if any(form.text == s and count_words(s) >= 5 for s in form.sources):
        return ["translation is a copy of the source text"]
    return []


# Brackets and quotation marks -------------------------------------------

_BRACKETS = {
    "(": ")", "[": "]", "{": "}", "（": "）", "［": "］", "｛": "｝",
    "【": "】", "〔": "〕", "〖": "〗", "《": "》", "〈": "〉", "⟨": "⟩",
}  # fmt: skip
"""Opening bracket → its closing bracket (ASCII, full-width and CJK)."""

_QUOTES: frozenset[tuple[str, str]] = frozenset(
    {("“", "”"), ("‘", "’"), ("«", "»"), ("‹", "›"), ("「", "」"), ("『", "』"), ("〝", "〞"),
     ("〝", "〟"), ('"', '"'), ("＂", "＂")}
)  # fmt: skip
"""Quotation mark pairs every language may use (CLDR's `en`, `fr`, `ja`, and straight
double quotes)."""
_LOW_9 = frozenset({("„", "“"), ("„", "”"), ("‚", "‘"), ("‚", "’")})
_REVERSED_GUILLEMETS = frozenset({("»", "«"), ("›", "‹")})
_LOW_9_LANGS = (
    "be", "bg", "bs", "cs", "et", "hr", "is", "ka", "lt", "mk", "nl", "pl", "ro", "ru", "sk",
    "sl", "sr", "uk",
)  # fmt: skip
_QUOTES_BY_LANG: dict[str, frozenset[tuple[str, str]]] = {
    **dict.fromkeys(["de", "da", "hu"], _LOW_9 | _REVERSED_GUILLEMETS),
    **dict.fromkeys(_LOW_9_LANGS, _LOW_9),
    **dict.fromkeys(["sv", "fi"], frozenset({("”", "”"), ("»", "»")})),
    "he": frozenset({("”", "”"), ("„", "”")}),
    "ar": frozenset({("”", "“")}),
    "fr": frozenset({("”", "“")}),  # fr_CA's inner quotes
}
"""Pairs a language adds to `_QUOTES`, from CLDR's delimiters (`quotationStart`/`End`,
`alternateQuotationStart`/`End`): German `„…“`, Swedish `”…”`, Danish `»…«`, Arabic `”…“`."""


def _quote_pairs(lang: str) -> frozenset[tuple[str, str]]:
    return _QUOTES | _QUOTES_BY_LANG.get(_primary(lang), frozenset())


@lru_cache(maxsize=8192)
def _unbalanced(text: str, pairs: frozenset[tuple[str, str]]) -> tuple[str, ...]:
    """Marks of `text` that open without closing or close without opening, in order.

    A mark closes the innermost open one when they pair, else opens when it can;
    `’` is also the apostrophe and `‘`/`'` letters in some orthographies, so they
    count only as quotation marks, never as a problem on their own.
    """
    openers = {a for a, _ in pairs}
    closers = {b for _, b in pairs}
    if not (openers | closers) & set(text):
        return ()
    stack: list[str] = []
    stray: list[str] = []
    for index, char in enumerate(text):
        if char not in openers and char not in closers:
            continue
        if stack and (stack[-1], char) in pairs:
            stack.pop()
            continue
        if char == "’":
            continue
        if char == "‘":
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            if before.isalpha() and after.isalpha():
                continue
        if char in openers:
            stack.append(char)
        else:
            stray.append(char)
    return (*stray, *stack)


def _pairing_problems(form: _Form, lang: str, source_language: str | None, kind: str) -> list[str]:
    """Brackets (`kind` = `brackets`) or quotation marks left open or closing nothing,
    when the source text pairs all of its own."""
    if kind == "brackets":
        pairs = frozenset(_BRACKETS.items())
        source_pairs = pairs
    else:
        pairs = _quote_pairs(lang)
        source_pairs = _quote_pairs(source_language or "en")
    if any(_unbalanced(_plain(source), source_pairs) for source in form.sources):
        return []
    closers = {b for _, b in pairs}
    problems = []
    for mark in dict.fromkeys(_unbalanced(_plain(form.text), pairs)):
        name = "bracket" if kind == "brackets" else "quotation mark"
        if mark in closers and not any(a == mark for a, _ in pairs):
            problems.append(f"{name} {mark!r} closes nothing")
        else:
            problems.append(f"{name} {mark!r} is not closed")
    return problems


@lru_cache(maxsize=16384)
def _plain(text: str) -> str:
    """A text without its tags and placeholders (which have brackets of their own)."""
    return _strip_placeholders(TAG_RE.sub("", text), percent=False)


# Acronyms ---------------------------------------------------------------

_ACRONYM = re.compile(r"(?<![A-Za-z0-9])[a-z]?(?:[A-Z][0-9]*){2,}s?(?![A-Za-z0-9])")
"""An acronym as English writes it: two or more capitals (`MS`, `HSCT`), a lowercase
prefix or plural `s` allowed (`iPSCs`, `DMTs`)."""
_DEFINED = re.compile(r"[(（]\s*([a-z]?(?:[A-Z][0-9]*){2,}s?)\s*[)）]")
"""An acronym a source text defines, alone in brackets: `multiple sclerosis (MS)`."""
_WORD_CHARS = r"[^\s()（）,;:]"
_BRACKET_WORDS = (
    re.compile(rf"[(（]\s*({_WORD_CHARS}+)"),
    re.compile(rf"(?<!{_WORD_CHARS})({_WORD_CHARS}+)\s*[)）]"),
)


def _bracketed_words(text: str) -> list[str]:
    """The words just inside a bracket, where a translation puts its own acronym: `(SEP)`."""
    found = {m.start(1): m[1] for pattern in _BRACKET_WORDS for m in pattern.finditer(text)}
    return [found[start] for start in sorted(found)]


_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9])")


def _acronym_core(acronym: str) -> str:
    """An acronym without its plural `s` (`HSCs` → `HSC`)."""
    if acronym.endswith("s") and len(acronym) > 2 and acronym[-2].isupper():
        return acronym[:-1]
    return acronym


@lru_cache(maxsize=8192)
def _acronyms(text: str) -> tuple[tuple[str, str], ...]:
    """The distinct acronyms of a text, in order: (core, as first written): (`HSC`, `HSCs`)."""
    found: dict[str, str] = {}
    for match in _ACRONYM.finditer(_plain(text)):
        found.setdefault(_acronym_core(match[0]), match[0])
    return tuple(found.items())


def _keeps(text: str, core: str) -> bool:
    """Whether a translation writes the acronym, singular or plural."""
    return _acronym_pattern(core).search(text) is not None


@cache
def _acronym_pattern(core: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(core)}s?(?![A-Za-z0-9])")


def _near_miss(word: str, core: str) -> bool:
    """`word` is `core` with one letter changed or two neighbours swapped (`HCST` for
    `HSCT`), or in lower case (`hsct`); never for two-letter acronyms, which are too
    often another language's own (`SM` for `MS` in Italian)."""
    if len(core) < 3 or word == core or len(word) != len(core):
        return False
    if word.islower():
        return word == core.casefold()
    diff = [i for i, (a, b) in enumerate(zip(word, core, strict=True)) if a != b]
    if len(diff) == 1:
        return True
    if len(diff) != 2 or diff[1] != diff[0] + 1:
        return False
    swapped = core[: diff[0]] + core[diff[1]] + core[diff[0]] + core[diff[1] + 1 :]
    return word == swapped


def _dropped_definitions(source: str, translation: str) -> list[str]:
    """Acronyms the source defines in brackets (`(CNS)`) that the translation neither
    keeps nor replaces with its own bracketed acronym (`(SNC)`, `(РС)`)."""
    defined = {_acronym_core(a): a for a in _DEFINED.findall(_plain(source))}
    missing = [written for core, written in defined.items() if not _keeps(translation, core)]
    if not missing:
        return []
    own = sum(
        1
        for word in _bracketed_words(translation)
        if sum(c.isupper() for c in word) >= 2 and not any(_keeps(word, c) for c in defined)
    )
    return missing if own < len(missing) else []


@dataclass(frozen=True)
class LanguageUsage:
    """How one language's translations render their sources, across its catalogs: the
    evidence that tells a language's habit from a slip in one message."""

    total: dict[str, int]
    """Acronym → translated messages whose source has it."""
    kept: dict[str, int]
    """Acronym → of those, the messages whose translation keeps it."""
    definitions: int
    """Acronyms defined in brackets (`multiple sclerosis (MS)`) in translated messages."""
    dropped: int
    """Of those, the ones a translation neither keeps nor replaces with its own."""
    length_ratio: float | None
    """Characters of translation per character of source (no spaces or tags), from 20
    translated messages at least."""


def language_usage(entries: Iterable[polib.POEntry]) -> LanguageUsage:
    """Count, over translated entries, how the language renders each source acronym, and
    how long its translations are."""
    total: dict[str, int] = {}
    kept: dict[str, int] = {}
    definitions = dropped = messages = source_length = length = 0
    for entry in entries:
        if raw_state(entry) != TRANSLATED:
            continue
        text = _plain(_translation(entry))
        if not entry.msgid_plural:
            messages += 1
            source_length += _length(entry.msgid)
            length += _length(entry.msgstr)
        for core, _ in _acronyms(entry.msgid):
            total[core] = total.get(core, 0) + 1
            kept[core] = kept.get(core, 0) + _keeps(text, core)
        definitions += len(set(_DEFINED.findall(_plain(entry.msgid))))
        dropped += len(_dropped_definitions(entry.msgid, text))
    ratio = length / source_length if messages >= 20 and source_length else None
    return LanguageUsage(total, kept, definitions, dropped, ratio)


def _habit(others: int, followed: int) -> bool:
    """Whether the other messages show a habit: two at least, and at most one in ten not
    following it (so that a second slip in the language does not hide the first)."""
    return others >= 2 and (others - followed) * 10 <= others


def _acronym_problems(form: _Form, usage: LanguageUsage | None) -> list[str]:
    """A source acronym the translation changed (`HSCT` → `HCST`), or dropped where the
    language keeps it: in the other messages that have it, or, for one the source defines
    in brackets, where the other such definitions are kept or replaced (`_habit`).

    A language that writes its own acronym (French `SEP`, Spanish `EM`, Russian `РС`) or
    spells the term out is never asked for the English one.
    """
    text = _plain(form.text)
    source = form.sources[0]
    if all(_keeps(text, core) for core, _ in _acronyms(source)):
        return []
    words = list(dict.fromkeys(m[0] for m in _LATIN_WORD.finditer(text)))
    source_cores = {core for source in form.sources for core, _ in _acronyms(source)}
    dropped = _dropped_definitions(source, text)
    defining = False
    if usage is not None:
        others = usage.definitions - len(set(_DEFINED.findall(_plain(source))))
        defining = _habit(others, others - (usage.dropped - len(dropped)))
    problems: list[str] = []
    for core, written in _acronyms(source):
        if _keeps(text, core):
            continue
        changed = [
            w
            for w in words
            if w not in source_cores and (_near_miss(w, core) or _near_miss(_acronym_core(w), core))
        ]
        if changed:
            problems.append(f"acronym {written!r} became {changed[0]!r}")
        elif defining and core in {_acronym_core(d) for d in dropped}:
            problems.append(
                f"acronym {written!r} and its brackets are missing (this language keeps or"
                " replaces the acronyms the source defines in brackets)"
            )
        elif usage is not None:
            others = usage.total.get(core, 0) - 1
            kept = usage.kept.get(core, 0)
            if _habit(others, kept):
                problems.append(
                    f"acronym {written!r} is missing (kept in {kept} of the {others} other"
                    " messages that have it)"
                )
    return problems


# Sentences --------------------------------------------------------------

_SPACED_STOPS = ".!?…؟۔।॥።။។։‼⁇⁈⁉"
"""Marks that end a sentence when white space (or the end) follows them."""
_UNSPACED_STOPS = "。！？｡"
"""Full-width marks that end a sentence wherever they stand (Chinese, Japanese)."""
_ABBREVIATIONS = frozenset({"Dr", "Mr", "Mrs", "Ms", "Prof", "St", "vs", "e.g", "i.e", "Fig"})
"""English words whose full stop ends no sentence (`Dr. Smith`), with initials (`J. Smith`).
Only the source text is read with them: a translation's sentences are never undercounted,
so a missing abbreviation can only hide a finding, not make one."""
_SENTENCE_END, _SENTENCE_END_GREEK = (
    re.compile(
        rf"[{re.escape(_UNSPACED_STOPS)}]+[{re.escape(_CLOSERS)}）)\]]*"
        rf"|[{re.escape(stops)}]+[{re.escape(_CLOSERS)}）)\]]*(?=\s|$)"
    )
    for stops in (_SPACED_STOPS, _SPACED_STOPS + ";")
)
"""A sentence's end, everywhere and in Greek (whose question mark is `;`)."""
_LAST_WORD = re.compile(r"([\w.]+)$")
_NEXT_CHAR = re.compile(r"\s*(\S)")


@lru_cache(maxsize=8192)
def sentences(text: str, lang: str) -> int:
    """How many sentences a text has, by its language's terminators: a mark followed by
    white space ends one unless a lowercase letter (or, after an abbreviation or an
    initial, any letter) starts the next."""
    plain = TAG_RE.sub("", text)
    marks = _SENTENCE_END_GREEK if _primary(lang) == "el" else _SENTENCE_END
    count = 0
    start = 0
    for match in marks.finditer(plain):
        after = _NEXT_CHAR.match(plain, match.end())
        if match[0][0] in _SPACED_STOPS and after:
            following = after[1]
            word = _LAST_WORD.search(plain[max(start, match.start() - 12) : match.start()])
            before = word[1] if word else ""
            abbreviation = (
                match[0][0] == "."
                and _primary(lang) == "en"
                and (before in _ABBREVIATIONS or (len(before) == 1 and before.isupper()))
            )
            if following.islower() or (abbreviation and following.isalpha()):
                continue
        if any(c.isalpha() for c in plain[start : match.start()]):
            count += 1
        start = match.end()
    if any(c.isalpha() for c in plain[start:]):
        count += 1
    return count


_SHORT = 0.7
"""A translation of several sentences under this share of the length the language's
translations usually have is reported (the shipped ones are at 0.74 of it at least;
dropping a sentence from one that split another left 0.51 to 0.83 in Korean)."""


def _length(text: str) -> int:
    """Characters of a text that are not white space or tags."""
    return len(_SPACES.sub("", TAG_RE.sub("", text)))


_SPACES = re.compile(r"\s+")


def _sentence_problems(
    form: _Form, lang: str, source_language: str | None, usage: LanguageUsage | None
) -> list[str]:
    """A dropped sentence: fewer sentences than the source text (splitting one is fine),
    or, for a source of several, far shorter than the language's translations usually
    are (a dropped sentence hidden by another split in two)."""
    have = sentences(form.text, lang)
    wanted = [sentences(source, source_language or "en") for source in form.sources]
    if any(n < 2 for n in wanted):
        return []
    if all(have < n for n in wanted):
        return [f"{have} sentence{'s' * (have != 1)} where the source text has {wanted[0]}:"
                " is one missing?"]  # fmt: skip
    if usage is None or usage.length_ratio is None or form.partial:
        return []
    expected = usage.length_ratio * max(_length(source) for source in form.sources)
    if _length(form.text) < _SHORT * expected:
        short = 1 - _length(form.text) / expected
        return [f"{short:.0%} shorter than this language's translations usually are:"
                " is a sentence missing?"]  # fmt: skip
    return []


# The language of the text -----------------------------------------------

_MIN_LETTERS = 30
"""Letters a translation needs (tags, placeholders, addresses, numbers and acronyms
removed) before its language is judged: shorter texts are often names or loanwords."""
_MAX_CHARS = 200
"""Characters given to the identifier: enough to judge, and it walks every byte."""
_UNLIKELY = 0.02
"""Below this probability of being in its own language, a translation is reported.
On the shipped catalogs the lowest is 0.17 (a Portuguese heading that reads as
Galician); a text in another language scores under 0.02 in 99.9% of cases."""
_LETTER = re.compile(r"[^\W\d_]")
_PLACEHOLDER_LIKE = re.compile(r"%\(\w+\)\w|\{\w*\}|%%")


def _language_text(text: str) -> str:
    """What the identifier reads: the words, without tags, placeholders, addresses,
    numbers and acronyms (shared by every language)."""
    text = TAG_RE.sub(" ", text)
    text = ADDRESS.sub(" ", text)
    text = _ACRONYM.sub(" ", _PLACEHOLDER_LIKE.sub(" ", text))
    return " ".join(word for word in text.split() if not any(c.isdigit() for c in word))


def _language_problems(form: _Form, lang: str, source_language: str | None) -> list[str]:
    """A translation that reads as another language (the source's, or any other)."""
    if lang in PSEUDO or form.text in form.sources:
        return []  # an exact copy is `untranslated-copy`'s finding
    text = _language_text(form.text)
    if len(_LETTER.findall(text)) < _MIN_LETTERS:
        return []
    from pipeline import language_id

    code = language_id.model_code(lang)
    if code is None:
        return []
    found = language_id.probabilities(text[:_MAX_CHARS])
    if found.get(code, 0.0) >= _UNLIKELY:
        return []
    top = max(found, key=lambda k: found[k])
    seen = _language_name(top)
    if source_language and top == language_id.model_code(source_language):
        seen += ", the source language"
    return [f"reads as {seen} ({found[top]:.0%}), not {_language_name(code)}"]


def _language_name(code: str) -> str:
    """A language's English name (`pt` → `Portuguese`), or its code."""
    from babel import Locale

    return str(Locale("en").languages.get(code, code))


# ---------------------------------------------------------------------------
# One catalog


def _header_lines(text: str | None) -> dict[str, int]:
    """Line of each header field (`Language` → 11) and of `msgid ""` (key ``)."""
    lines: dict[str, int] = {}
    if text is None:
        return lines
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith('msgid ""') and "" not in lines:
            lines[""] = number
        elif "" in lines:
            if not line.strip():
                break
            match = re.match(r'"([A-Za-z-]+):', line)
            if match:
                lines.setdefault(match[1], number)
    return lines


def _normalise_plural(expression: str) -> str:
    """A plural expression without white space, trailing `;` or outer brackets."""
    expression = re.sub(r"\s+", "", expression).rstrip(";")
    while expression.startswith("(") and expression.endswith(")"):
        inner = expression[1:-1]
        depth = 0
        for char in inner:
            depth += (char == "(") - (char == ")")
            if depth < 0:
                return expression
        expression = inner
    return expression


def _same_plural(declared: str, expected: str) -> bool:
    """Same expression up to white space and outer brackets, or the same form for every n."""
    if _normalise_plural(declared) == _normalise_plural(expected):
        return True
    mine, theirs = _plural_function(declared), _plural_function(expected)
    if mine is None or theirs is None:
        return False
    numbers = [*range(1001), 10_000, 100_000, 1_000_000, 2_000_000, 10**9]
    return all(mine(n) == theirs(n) for n in numbers)


def _check_header(
    sink: _Sink, catalog: polib.POFile, lang: str, lines: dict[str, int], plural: _Plural | None
) -> None:
    """Header fields against the folder's language and CLDR; plural entries' form counts."""
    header_line = lines.get("", 1)

    def add(key: str, message: str, severity: str = ERROR) -> None:
        sink.add(None, lines.get(key, header_line), "header", severity, message)

    meta = catalog.metadata
    if catalog.metadata_is_fuzzy:
        add("", "the header is marked fuzzy: gettext tools ignore a fuzzy header", WARNING)
    declared = meta.get("Language", "").strip()
    if not declared:
        add("Language", f"no Language header (the folder says {lang!r})")
    elif declared != lang:
        add("Language", f"Language {declared!r} does not match the folder {lang!r}")
    charset = re.search(r"charset=([^;\s]+)", meta.get("Content-Type", ""))
    if not charset:
        add("Content-Type", "no charset in the Content-Type header (must be UTF-8)")
    elif charset[1].lower() not in ("utf-8", "utf8"):
        add("Content-Type", f"charset {charset[1]!r} is not UTF-8")
    reason = invalid_reason(lang)
    if reason:
        add("Language", f"folder {reason}")
        return
    info = locale_info(lang)
    forms = meta.get("Plural-Forms", "")
    match = _PLURAL_FORMS.match(forms)
    expected = _PLURAL_FORMS.match(info.plural_forms)
    assert expected is not None
    if not forms:
        add("Plural-Forms", f"no Plural-Forms header (expected {info.plural_forms!r})")
    elif not match or int(match[1]) != info.nplurals or not _same_plural(match[2], expected[2]):
        add("Plural-Forms", f"Plural-Forms {forms!r} is not CLDR's {info.plural_forms!r}")
    if plural is None:
        return
    for entry in live_entries(catalog):
        if entry.msgid_plural and len(entry.msgstr_plural) != plural.nplurals:
            sink.add(
                entry,
                entry.linenum,
                "header",
                ERROR,
                f"{len(entry.msgstr_plural)} plural forms where {info.english_name} "
                f"needs {plural.nplurals}",
            )


_FormCheck = Callable[[_Form], list[str]]


def _entry_checks(
    entry: polib.POEntry,
    lang: str,
    source_language: str | None,
    domain: str = "",
    usage: LanguageUsage | None = None,
    aliases: Aliases = frozenset(),
) -> list[tuple[str, str, _FormCheck]]:
    """(check, severity, function) for every check that compares a form with its source."""
    if entry.msgctxt == LINK_CONTEXT:
        # A link target: not text to compare with its source but a URL of the language's
        # own choosing (`pipeline.links`), as strictly validated as a source link.
        return [("urls", ERROR, _link_problems)]
    percent, brace = _uses_percent(entry, domain), _uses_brace(entry)
    mapping = domain == UI_DOMAIN
    same_language = source_language is not None and _primary(source_language) == _primary(lang)
    checks: list[tuple[str, str, _FormCheck]] = [
        ("tags", ERROR, lambda f: _any_source(f, check_tags)),
        ("placeholders", ERROR, lambda f: _placeholder_problems(f, percent, brace, mapping)),
        ("numbers", ERROR, lambda f: _number_problems(f, percent)),
        ("urls", ERROR, lambda f: _url_problems(f, aliases)),
        ("characters", ERROR, lambda f: _character_problems(f, lang)),
        ("whitespace", ERROR, lambda f: _whitespace_problems(f, lang)),
        ("whitespace", WARNING, _double_space_problems),
        ("punctuation", WARNING, lambda f: _punctuation_problems(f, lang, source_language)),
        ("brackets", WARNING, lambda f: _pairing_problems(f, lang, source_language, "brackets")),
        ("quotes", WARNING, lambda f: _pairing_problems(f, lang, source_language, "quotes")),
        ("sentences", WARNING, lambda f: _sentence_problems(f, lang, source_language, usage)),
        ("repeated-word", WARNING, lambda f: _repeated_word_problems(f, lang, source_language)),
    ]
    if not same_language:
        checks += [
            ("acronyms", WARNING, lambda f: _acronym_problems(f, usage)),
            ("untranslated-copy", WARNING, _copy_problems),
            ("language", WARNING, lambda f: _language_problems(f, lang, source_language)),
        ]
    return checks


def _any_source(form: _Form, compare: Callable[[str, str], list[str]]) -> list[str]:
    """No problem when the form agrees with one of its sources; else the first's problems."""
    problems = [compare(source, form.text) for source in form.sources]
    return [] if any(not p for p in problems) else problems[0]


def check_catalog(
    path: Path,
    catalog: polib.POFile,
    lang: str,
    domain: str,
    *,
    text: str | None = None,
    source_language: str | None = None,
    glossary: Glossary | None = None,
    template: frozenset[tuple[str | None, str]] | None = None,
    usage: LanguageUsage | None = None,
    plurals: frozenset[tuple[str | None, str]] | None = None,
) -> tuple[list[Finding], int]:
    """Findings for one catalog (every check but `consistency`) and how many were silenced.

    `text` is the file's content, used only to give header problems their line
    (read from `path` when not given); `domain` names the catalog (its file stem).
    `source_language` lets `untranslated-copy` stay quiet for e.g. en_GB from en.
    `template` holds the (msgctxt, msgid) keys of the domain's `.pot`: an entry outside
    it is never published (a `msgctxt` twin of a real message, a stale entry); `plurals`
    those of its messages that have plural forms (an entry of the other shape is refused).
    `usage` says how the language renders its sources over all its catalogs (acronyms,
    lengths; counted from this catalog alone when not given).
    """
    if text is None:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            text = None
    sink = _Sink(path)
    plural = _plural_info(lang)
    if usage is None:
        usage = language_usage(live_entries(catalog))
    aliases = link_aliases(live_entries(catalog))
    _check_header(sink, catalog, lang, _header_lines(text), plural)
    first: dict[str, int] = {}
    counts = {FUZZY: 0, UNTRANSLATED: 0}
    for entry in live_entries(catalog):
        if template is not None and (entry.msgctxt, entry.msgid) not in template:
            context = f" with msgctxt {_show(entry.msgctxt)}" if entry.msgctxt is not None else ""
            sink.add(
                entry,
                entry.linenum,
                "template",
                ERROR,
                f"message{context} is not in the template {domain}.pot and is never used"
                " (run 'pipeline update')",
            )
            continue
        if template is not None and domain != UI_DOMAIN and entry.msgid_plural:
            sink.add(entry, entry.linenum, "template", ERROR, PLURAL_ARTICLE)
            continue
        if plurals is not None:
            shape = _shape_problem(entry, (entry.msgctxt, entry.msgid) in plurals)
            if shape:
                sink.add(entry, entry.linenum, "template", ERROR, shape)
                continue
        state = raw_state(entry)
        if state != TRANSLATED:
            if SILENCE_PREFIX + state in entry.flags:
                sink.silenced += 1
                continue
            counts[state] += 1
            first.setdefault(state, entry.linenum)
            continue
        _check_entry(sink, entry, lang, plural, source_language, domain, usage, aliases=aliases)
        if glossary is not None and entry.msgctxt != LINK_CONTEXT:
            _check_glossary(sink, entry, glossary, plural)
    if counts[UNTRANSLATED]:
        n = counts[UNTRANSLATED]
        sink.add(
            None,
            first[UNTRANSLATED],
            "untranslated",
            WARNING,
            f"{n} message{'s are' if n > 1 else ' is'} untranslated (first here)",
        )
    if counts[FUZZY]:
        n = counts[FUZZY]
        sink.add(
            None,
            first[FUZZY],
            "fuzzy",
            WARNING,
            f"{n} message{'s are' if n > 1 else ' is'} fuzzy and not published until reviewed "
            "(first here)",
        )
    order = {name: i for i, name in enumerate(CHECKS)}
    sink.findings.sort(key=lambda f: (f.line, order[f.check]))
    return sink.findings, sink.silenced


def _check_entry(
    sink: _Sink,
    entry: polib.POEntry,
    lang: str,
    plural: _Plural | None,
    source_language: str | None,
    domain: str = "",
    usage: LanguageUsage | None = None,
    errors_only: bool = False,
    aliases: Aliases = frozenset(),
) -> None:
    """Run every form-level check on a translated entry; one finding per check and severity.

    `errors_only` skips the warnings (the publishing gate needs only errors)."""
    for check, severity, function in _entry_checks(
        entry, lang, source_language, domain, usage, aliases
    ):
        if errors_only and severity != ERROR:
            continue
        problems = [f"{form.label}{p}" for form in _forms(entry, plural) for p in function(form)]
        if problems:
            sink.add(entry, entry.linenum, check, severity, "; ".join(problems))


# ---------------------------------------------------------------------------
# The publishing gate


PLURAL_ARTICLE = (
    "message has plural forms (msgid_plural) but the article's text is one sentence, which"
    " the handout would print empty: remove msgid_plural and the msgstr[N] lines"
)


def _shape_problem(entry: polib.POEntry, plural: bool | None) -> str:
    """Why `entry` cannot stand for a template message that has (`plural`) or has not
    plural forms; empty when its shape is the template's or the template is not known."""
    if plural is None or bool(entry.msgid_plural) == plural:
        return ""
    if entry.msgid_plural:
        return (
            "message has plural forms (msgid_plural) but the template's has one text, so the"
            " page never uses it: run 'pipeline update'"
        )
    return (
        "message has one text but the template's has plural forms (msgid_plural), so the"
        " page never uses it: run 'pipeline update'"
    )


def entry_errors(
    entry: polib.POEntry,
    lang: str,
    domain: str,
    source_language: str | None = "en",
    *,
    article: bool = False,
    aliases: Aliases = frozenset(),
    plural: bool | None = None,
) -> list[str]:
    """The check errors of a translated entry (`check: message`), flags honoured except for
    the checks in `UNSILENCEABLE`; empty when it may be published. An `article` message
    has one text: a plural entry for it is refused. `plural` says whether the template's
    message has plural forms (None: not known): an entry of the other shape is refused."""
    if article and entry.msgid_plural:
        return [f"template: {PLURAL_ARTICLE}"]
    shape = _shape_problem(entry, plural)
    if shape:
        return [f"template: {shape}"]
    key = (
        entry.msgctxt,
        entry.msgid,
        entry.msgid_plural,
        entry.msgstr,
        tuple(sorted(entry.msgstr_plural.items())),
        tuple(entry.flags),
        lang,
        domain,
        source_language,
        aliases,
    )
    found = _ERRORS_CACHE.get(key)
    if found is None:
        rules = _plural_info(lang)
        sink = _Sink(Path())
        if entry.msgid_plural and rules is not None and len(entry.msgstr_plural) != rules.nplurals:
            sink.add(entry, 0, "header", ERROR, f"{len(entry.msgstr_plural)} plural forms")
        _check_entry(
            sink, entry, lang, rules, source_language, domain, errors_only=True, aliases=aliases
        )
        found = tuple(f"{f.check}: {f.message}" for f in sink.findings if f.severity == ERROR)
        if len(_ERRORS_CACHE) > 100_000:
            _ERRORS_CACHE.clear()
        _ERRORS_CACHE[key] = found
    return list(found)


_ERRORS_CACHE: dict[tuple[object, ...], tuple[str, ...]] = {}


def entry_state(
    entry: polib.POEntry | None,
    lang: str,
    domain: str,
    source_language: str | None = "en",
    *,
    article: bool = False,
    aliases: Aliases = frozenset(),
    plural: bool | None = None,
) -> EntryState:
    """The publishing gate: an entry is usable (`translated`) when it is translated, not
    fuzzy and free of every check error. `check`, `stats`, `build`, `serve` and the
    report all ask this one function. `aliases` are the catalog's localised link targets
    (`link_aliases`), which its texts may show in place of the source's addresses."""
    if entry is None:
        return UNTRANSLATED
    state = raw_state(entry)
    if state == TRANSLATED and entry_errors(
        entry, lang, domain, source_language, article=article, aliases=aliases, plural=plural
    ):
        return INVALID
    return state


def _check_glossary(
    sink: _Sink, entry: polib.POEntry, glossary: Glossary, plural: _Plural | None
) -> None:
    """A warning for each glossary term of the source whose rendering a form lacks."""
    problems = []
    for form in _forms(entry, plural):
        for term in glossary.missing(form.sources[0], form.text):
            shown = " | ".join(term.targets)
            problems.append(
                f"{form.label}{term.source!r} should be translated as {shown!r}"
                f" ({glossary.path.name}:{term.line})"
            )
    if problems:
        sink.add(entry, entry.linenum, "glossary", WARNING, "; ".join(problems))


# ---------------------------------------------------------------------------
# One language, the project


def _translation(entry: polib.POEntry) -> str:
    """An entry's translation as one comparable string (plural forms joined)."""
    if entry.msgid_plural:
        return " | ".join(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
    return str(entry.msgstr)


def check_consistency(catalogs: Sequence[tuple[Path, polib.POFile]]) -> tuple[list[Finding], int]:
    """Warn where a source text already translated in an earlier catalog is translated otherwise.

    The catalogs are those of one language, in order; each later occurrence
    that differs from the first is reported, at its own line.
    """
    first: dict[tuple[str | None, str, str], tuple[Path, int, str]] = {}
    findings: list[Finding] = []
    silenced = 0
    for path, catalog in catalogs:
        sink = _Sink(path)
        for entry in live_entries(catalog):
            if raw_state(entry) != TRANSLATED:
                continue
            key = (entry.msgctxt, entry.msgid, entry.msgid_plural or "")
            text = _translation(entry)
            seen = first.setdefault(key, (path, entry.linenum, text))
            if seen[0] != path and seen[2] != text:
                sink.add(
                    entry,
                    entry.linenum,
                    "consistency",
                    WARNING,
                    f"translated as {_show(seen[2])} in {seen[0].name}:{seen[1]}",
                )
        findings.extend(sink.findings)
        silenced += sink.silenced
    return findings, silenced


def check_language(
    lang: str,
    catalogs: Sequence[tuple[Path, polib.POFile]],
    source_language: str | None = None,
    glossary: Glossary | None = None,
    templates: dict[str, frozenset[tuple[str | None, str]]] | None = None,
    plurals: dict[str, frozenset[tuple[str | None, str]]] | None = None,
) -> tuple[list[Finding], int]:
    """Every check over the catalogs of one language (per file, then `consistency`)."""
    findings: list[Finding] = []
    silenced = 0
    usage = language_usage(e for _, catalog in catalogs for e in live_entries(catalog))
    for path, catalog in catalogs:
        found, quiet = check_catalog(
            path,
            catalog,
            lang,
            path.stem,
            source_language=source_language,
            glossary=glossary,
            template=(templates or {}).get(path.stem),
            usage=usage,
            plurals=(plurals or {}).get(path.stem),
        )
        findings.extend(found)
        silenced += quiet
    found, quiet = check_consistency(catalogs)
    return _sorted([*findings, *found]), silenced + quiet


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by file, line, then check order, for stable output."""
    order = {name: i for i, name in enumerate(CHECKS)}
    return sorted(findings, key=lambda f: (str(f.path), f.line, order[f.check], f.message))


def run_checks(config: Config, langs: list[str] | None = None) -> CheckReport:
    """Check every `.po` of the given languages (default: configured and on disk).

    A catalog that cannot be read raises `CatalogError`, as everywhere else.
    """
    findings: list[Finding] = []
    silenced = files = 0
    templates, plurals = read_template_keys(config)
    for lang in chosen_languages(config, langs):
        catalogs = [(path, parse_po(path)) for path in Layout.of(config).pos(lang)]
        glossary = glossary_for(config.locales_dir, lang)
        found, quiet = check_language(
            lang, catalogs, config.source_language, glossary, templates, plurals
        )
        findings.extend(found)
        silenced += quiet
        files += len(catalogs)
    return CheckReport(tuple(findings), silenced, files)


# ---------------------------------------------------------------------------
# Output


def to_text(report: CheckReport, strict: bool = False) -> str:
    """One `path:line: severity: check: message` line per finding, then a one-line summary
    that agrees with the exit status (`--strict` says that warnings count as errors)."""
    errors = report.errors(strict=False)
    summary = (
        f"{errors} error{'s' * (errors != 1)}, "
        f"{report.warnings} warning{'s' * (report.warnings != 1)} "
        f"in {report.files} file{'s' * (report.files != 1)}"
    )
    if report.silenced:
        summary += f" ({report.silenced} silenced)"
    if strict and report.warnings:
        summary += ": failed, --strict counts warnings as errors"
    lines = [
        f"{display_path(f.path)}:{f.line}: {f.severity}: {f.check}: {f.message}"
        for f in report.findings
    ]
    return "\n".join([*lines, summary])


def to_json(report: CheckReport) -> str:
    """`{"findings": [{path, line, check, severity, message}], "silenced": n, "files": n}`."""
    data = {
        "findings": [{**asdict(f), "path": display_path(f.path)} for f in report.findings],
        "silenced": report.silenced,
        "files": report.files,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
