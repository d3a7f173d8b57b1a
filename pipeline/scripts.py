"""Writing systems: which script a language is written in, its font, how its lines break,
and which digits it prints.

Follows ISO 15924 for script codes, CLDR (through Babel) for each locale's default numbering
system and the Unicode Character Database (Python's `unicodedata`) for the digits of each
system, and Unicode line breaking (UAX #14, with ICU's dictionaries for Thai, Lao, Khmer and
Burmese) through ICU's break iterators (`icu4py`, MIT). Written from those specifications and
from WeasyPrint's observable behaviour; no code was copied.

The top of this module imports only the standard library: `pipeline.fonts` runs on the bare
system Python before the virtual environment exists, and reads the table below.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Script:
    """One row of the supported-scripts table."""

    name: str
    """What a reader calls it: `Latin`, `Persian`, `Chinese (Simplified)`."""
    code: str
    """ISO 15924 code of the script: `Latn`, `Arab`, `Hans`."""
    languages: tuple[str, ...]
    """Language subtags (or gettext ids) written in it; the first is the sample language."""
    font: str
    """The first family of its `:lang()` stack in `templates/style.css`."""
    package: str
    """The Debian package that installs that font."""
    breaking: str
    """How lines break: `spaces`, `dictionary` (ICU word segmentation), `keep-all` (at
    spaces only) or `cjk` (between ideographs, with CJK punctuation rules)."""


_CORE, _CJK = "fonts-noto-core", "fonts-noto-cjk"

SCRIPTS: tuple[Script, ...] = (
    Script(
        "Latin",
        "Latn",
        ("en", "es", "fr", "pt", "de", "it", "nl", "pl", "ro", "tr", "tl", "fil", "ht", "so"),
        "Noto Sans",
        _CORE,
        "spaces",
    ),
    Script("Vietnamese", "Latn", ("vi",), "Noto Sans", _CORE, "spaces"),
    Script(
        "Cyrillic",
        "Cyrl",
        ("ru", "uk", "be", "bg", "sr", "mk", "kk", "ky"),
        "Noto Sans",
        _CORE,
        "spaces",
    ),
    Script("Greek", "Grek", ("el",), "Noto Sans", _CORE, "spaces"),
    Script("Arabic", "Arab", ("ar",), "Noto Naskh Arabic", _CORE, "spaces"),
    Script("Persian", "Arab", ("fa", "ps", "prs"), "Noto Naskh Arabic", _CORE, "spaces"),
    Script("Urdu", "Arab", ("ur", "pa_Arab", "sd"), "Noto Nastaliq Urdu", _CORE, "spaces"),
    Script("Hebrew", "Hebr", ("he", "yi"), "Noto Sans Hebrew", _CORE, "spaces"),
    Script("Devanagari", "Deva", ("hi", "mr", "ne", "sa"), "Noto Sans Devanagari", _CORE, "spaces"),
    Script("Bengali", "Beng", ("bn", "as"), "Noto Sans Bengali", _CORE, "spaces"),
    Script("Tamil", "Taml", ("ta",), "Noto Sans Tamil", _CORE, "spaces"),
    Script("Thai", "Thai", ("th",), "Noto Sans Thai", _CORE, "dictionary"),
    Script("Lao", "Laoo", ("lo",), "Noto Sans Lao", _CORE, "dictionary"),
    Script("Khmer", "Khmr", ("km",), "Noto Sans Khmer", _CORE, "dictionary"),
    Script("Burmese", "Mymr", ("my",), "Noto Sans Myanmar", _CORE, "dictionary"),
    Script("Ethiopic", "Ethi", ("am", "ti"), "Noto Sans Ethiopic", _CORE, "spaces"),
    Script("Georgian", "Geor", ("ka",), "Noto Sans Georgian", _CORE, "spaces"),
    Script("Armenian", "Armn", ("hy",), "Noto Sans Armenian", _CORE, "spaces"),
    Script("Chinese (Simplified)", "Hans", ("zh_Hans", "zh"), "Noto Sans CJK SC", _CJK, "cjk"),
    Script("Chinese (Traditional)", "Hant", ("zh_Hant", "yue"), "Noto Sans CJK TC", _CJK, "cjk"),
    Script("Japanese", "Jpan", ("ja",), "Noto Sans CJK JP", _CJK, "cjk"),
    Script("Korean", "Kore", ("ko",), "Noto Sans CJK KR", _CJK, "keep-all"),
)

_BY_LANGUAGE = {lang: script for script in SCRIPTS for lang in script.languages}
_BY_CODE = {script.code: script for script in reversed(SCRIPTS)}
"""Script subtag → its first row (`Latn` → Latin, `Arab` → Arabic)."""
_TRADITIONAL_REGIONS = {"TW", "HK", "MO"}


def script_for(code: str) -> Script:
    """The script a gettext locale id is written in (`zh_TW` → Traditional Chinese,
    `sr_Latn` → Latin, `pa_Arab` → Urdu's Nastaliq); Latin when the language is unknown."""
    parts = code.split("_")
    language = parts[0]
    subtags = parts[1:]
    if subtags in (["XA"], ["XB"]):
        return SCRIPTS[0]  # pseudo-locales (`en_XA`, `ar_XB`) are written in Latin letters
    script_tag = next((p for p in subtags if len(p) == 4 and p.isalpha()), "")
    if code in _BY_LANGUAGE:
        return _BY_LANGUAGE[code]
    if f"{language}_{script_tag}" in _BY_LANGUAGE:
        return _BY_LANGUAGE[f"{language}_{script_tag}"]
    if language in ("zh", "yue") and not script_tag:
        traditional = language == "yue" or any(p in _TRADITIONAL_REGIONS for p in subtags)
        return _BY_CODE["Hant" if traditional else "Hans"]
    if script_tag:
        return _BY_CODE.get(script_tag, _BY_LANGUAGE.get(language, SCRIPTS[0]))
    return _BY_LANGUAGE.get(language, SCRIPTS[0])


def font_packages(languages: list[str]) -> list[str]:
    """The Debian font packages that print these languages, in table order."""
    needed = {script_for(code).package for code in languages} | {_CORE}
    return sorted(needed, key=[_CORE, _CJK].index)


# -- digits --------------------------------------------------------------------------------

_ZERO = {
    "latn": "0",
    "arab": "\u0660",
    "arabext": "\u06f0",
    "beng": "\u09e6",
    "deva": "\u0966",
    "gujr": "\u0ae6",
    "guru": "\u0a66",
    "khmr": "\u17e0",
    "knda": "\u0ce6",
    "laoo": "\u0ed0",
    "mlym": "\u0d66",
    "mong": "\u1810",
    "mymr": "\u1040",
    "orya": "\u0b66",
    "tamldec": "\u0be6",
    "telu": "\u0c66",
    "thai": "\u0e50",
    "tibt": "\u0f20",
}
"""CLDR's decimal numbering systems: each is ten consecutive Unicode digits from its zero
(`unicodedata.digit` confirms it, see the tests)."""

_COUNTER_STYLE = {
    "latn": "decimal",
    "arab": "arabic-indic",
    "arabext": "persian",
    "beng": "bengali",
    "deva": "devanagari",
    "gujr": "gujarati",
    "guru": "gurmukhi",
    "khmr": "khmer",
    "knda": "kannada",
    "laoo": "lao",
    "mlym": "malayalam",
    "mong": "mongolian",
    "mymr": "myanmar",
    "orya": "oriya",
    "tamldec": "tamil",
    "telu": "telugu",
    "thai": "thai",
    "tibt": "tibetan",
}
"""The CSS predefined counter style (CSS Counter Styles 3, §7.1) with the same digits."""


@cache
def numbering_system(cldr: str) -> str:
    """CLDR's default numbering system of a locale (`fa` → `arabext`, `ar` → `latn`), or
    `latn` when it is not a decimal system we know."""
    from babel import Locale, UnknownLocaleError

    try:
        system = str(Locale.parse(cldr).default_numbering_system)
    except (UnknownLocaleError, ValueError):
        return "latn"
    return system if system in _ZERO else "latn"


def native_digits(text: str, cldr: str) -> str:
    """`text` with its ASCII digits written in the locale's default digits."""
    zero = _ZERO[numbering_system(cldr)]
    if zero == "0":
        return text
    return text.translate({ord("0") + i: ord(zero) + i for i in range(10)})


def counter_style(cldr: str) -> str:
    """The CSS counter style that writes page numbers in the locale's default digits."""
    return _COUNTER_STYLE[numbering_system(cldr)]


# -- line breaking --------------------------------------------------------------------------

ZWSP, WJ = "\u200b", "\u2060"
"""A break opportunity, and a word joiner (no break): both are invisible and absent from the
PDF's text layer (Pango draws them as empty glyphs)."""

_DICTIONARY = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\uaa60-\uaa7f\ua9e0-\ua9ff]"
)
"""Thai, Lao, Myanmar (and its extensions), Khmer (and its symbols): no spaces between words."""
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff]")
_LOCALE_OF = (("\u0e00", "\u0e7f", "th"), ("\u0e80", "\u0eff", "lo"), ("\u1780", "\u19ff", "km"))

LONGEST_PIECE = 40
"""Graphemes between two break opportunities beyond which a run gets extra ones, every
`LONGEST_PIECE // 2` graphemes: WeasyPrint lays out a word without break opportunities in
quadratic time (a 20,000-letter word takes 17 s), so the CSS last resort
(`overflow-wrap`) is not enough for a 200,000-letter one."""

_RAW = ("style", "script", "title", "textarea")
"""Elements whose content is not text to break."""
_VERBATIM = ("pre", "code", "kbd", "samp", "nav")
"""Elements whose text is copied as is: nothing invisible goes into it (code; the language
switcher, which is not printed and whose names are compared by browsers and tests)."""
_INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "i", "mark", "q", "s"}
    | {"small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"}
)
_TOKEN = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def _dictionary_breaks(text: str) -> str:
    """Break opportunities (U+200B) between the words of Thai, Lao, Khmer and Burmese runs,
    where ICU's dictionaries put them."""
    from icu4py.breakers import LineBreaker

    first = _DICTIONARY.search(text)
    assert first is not None
    locale = next((loc for lo, hi, loc in _LOCALE_OF if lo <= first[0] <= hi), "my")
    out: list[str] = []
    previous = ""
    for piece in LineBreaker(text, locale):
        if previous and _DICTIONARY.match(previous[-1]) and _DICTIONARY.match(piece[0]):
            out.append(ZWSP)
        out.append(piece)
        previous = piece
    return "".join(out)


def _split_long_pieces(text: str) -> str:
    """A break opportunity every `LONGEST_PIECE // 2` graphemes inside pieces of text that
    have none for more than `LONGEST_PIECE` graphemes."""
    from icu4py.breakers import CharacterBreaker, LineBreaker

    out: list[str] = []
    for piece in LineBreaker(text, "en"):
        if len(piece) <= LONGEST_PIECE:
            out.append(piece)
            continue
        graphemes = [g for g in CharacterBreaker(piece, "en") if g != WJ]
        if len(graphemes) <= LONGEST_PIECE:
            out.append(piece)
            continue
        step = LONGEST_PIECE // 2
        chunks = [graphemes[i : i + step] for i in range(0, len(graphemes), step)]
        out.append(ZWSP.join(WJ.join(chunk) if WJ in piece else "".join(chunk) for chunk in chunks))
    return "".join(out)


_LONG_RUN = re.compile(f"[^\\s{ZWSP}]{{{LONGEST_PIECE + 1},}}")


def _has_long_piece(text: str) -> bool:
    return _LONG_RUN.search(text) is not None


def _keep_hangul_words(text: str, before: str) -> str:
    """A word joiner between the letters of Korean words, so that Korean wraps at spaces only
    (`word-break: keep-all`, which WeasyPrint lacks). `before` is the character just before
    `text` in the same line of text (across inline tags)."""
    out: list[str] = []
    for char in text:
        if (
            before
            and _is_word_char(before)
            and _is_word_char(char)
            and (_HANGUL.match(before) or _HANGUL.match(char))
        ):
            out.append(WJ)
        out.append(char)
        before = char
    return "".join(out)


_SCHEME = re.compile(r"(?<=[a-z]://)(?=[^\s\u2060])", re.I)
"""After `https://`: a URL never leaves its scheme alone at a line end."""


def break_text(text: str, before: str = "") -> str:
    """Plain text with the break opportunities and word joiners its scripts need."""
    if "://" in text:
        text = _SCHEME.sub(WJ, text)
    if _DICTIONARY.search(text):
        text = _dictionary_breaks(text)
    if _HANGUL.search(text) or (before and _HANGUL.match(before)):
        text = _keep_hangul_words(text, before)
    if _has_long_piece(text):
        text = _split_long_pieces(text)
    return text


def no_widow(text: str) -> str:
    """A short caption's last two words joined by a no-break space, so that its last line
    never holds one word alone (a Jinja2 filter; the result keeps `text`'s escaping)."""
    from markupsafe import Markup

    value = str(text)
    stripped = value.rstrip()
    if stripped.count(" ") < 2:
        return Markup(value) if hasattr(text, "__html__") else value
    head, _, last = stripped.rpartition(" ")
    joined = f"{head}\u00a0{last}{value[len(stripped) :]}"
    return Markup(joined) if hasattr(text, "__html__") else joined


def prepare_html(page: str) -> str:
    """The page with `break_text` applied to its text (never inside tags, attributes,
    comments, styles, the title or code). Text that needs nothing is left byte for byte."""
    out: list[str] = []
    pos = 0
    skip_until = ""
    verbatim = 0
    before = ""
    for match in _TOKEN.finditer(page):
        text = page[pos : match.start()]
        if text:
            if skip_until or verbatim:
                out.append(text)
            else:
                out.append(_break_escaped(text, before))
                plain = html.unescape(text)
                before = plain[-1] if plain else before
        tag = match[0]
        out.append(tag)
        pos = match.end()
        name_match = _TAG_NAME.match(tag)
        name = name_match[1].lower() if name_match else ""
        closing = tag.startswith("</")
        if skip_until:
            if closing and name == skip_until:
                skip_until = ""
            continue
        if name in _RAW and not closing and not tag.endswith("/>"):
            skip_until = name
        elif name in _VERBATIM:
            verbatim = max(0, verbatim + (-1 if closing else 1))
        if name not in _INLINE:
            before = ""
    rest = page[pos:]
    out.append(rest if skip_until or verbatim else _break_escaped(rest, before))
    return "".join(out)


def _break_escaped(text: str, before: str) -> str:
    """`break_text` on HTML-escaped text, re-escaped only when something changed."""
    plain = html.unescape(text)
    broken = break_text(plain, before)
    if broken == plain:
        return text
    return html.escape(broken, quote=False)
