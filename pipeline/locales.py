"""Locale codes: validation against CLDR, BCP 47 tags, direction, names, plural forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import localedata

PSEUDO = {"en_XA": ("en", "ltr", "Pseudo (accented)"), "ar_XB": ("en", "rtl", "Pseudo (RTL)")}
"""Reserved pseudo-locales for layout testing (as in Android and Chrome): code →
(the language whose plural rules they borrow, direction, name)."""
_CODE = re.compile(r"[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|[0-9]{3}))?")


@dataclass(frozen=True)
class LocaleInfo:
    """What the pipeline needs to know about one language."""

    code: str
    """gettext/POSIX id, as used for folders: `zh_Hans`, `pt_BR`."""
    tag: str
    """BCP 47 tag for HTML `lang`: `zh-Hans`, `pt-BR`."""
    direction: str
    """`ltr` or `rtl`."""
    native_name: str
    """The language's name in itself, e.g. `español`, `العربية`."""
    english_name: str
    """The language's name in English."""
    plural_forms: str
    """The `Plural-Forms` header value from CLDR."""
    nplurals: int
    """Number of plural forms."""
    cldr: str
    """The locale Babel formats dates and numbers with (pseudo-locales borrow one)."""

    @property
    def plural_expr(self) -> str:
        """The C expression of `Plural-Forms`, e.g. `(n != 1)`."""
        return self.plural_forms.split("plural=", 1)[1].strip().rstrip(";")


def invalid_reason(code: str) -> str | None:
    """Why `code` is not a usable locale id, or None when it is one. A BCP 47 tag or a
    miscased id (`fr-CA`, `pt_br`, `zh-hans`) is told the gettext id to write instead."""
    if code in PSEUDO:
        return None
    if not _CODE.fullmatch(code):
        suggestion = _gettext_id(code)
        if suggestion:
            why = "gettext ids use '_', not '-'" if "-" in code else "as in 'pt_BR', 'zh_Hans'"
            return f"invalid locale code {code!r}: write {suggestion!r} ({why})"
        return f"invalid locale code {code!r} (expected e.g. 'es', 'pt_BR', 'zh_Hans')"
    if not localedata.exists(code) and _cldr_alias(code) is None:
        return f"unknown locale code {code!r} (not in CLDR)"
    return None


def _gettext_id(code: str) -> str | None:
    """The valid gettext id a BCP 47 tag or miscased id stands for (`fr-CA` → `fr_CA`),
    or None when there is none."""
    parts = re.split(r"[-_]", code.strip())
    if not parts or not parts[0]:
        return None
    fixed = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            fixed.append(part.title())
        elif len(part) == 2 and part.isalpha():
            fixed.append(part.upper())
        else:
            fixed.append(part)
    candidate = "_".join(fixed)
    if candidate == code or not _CODE.fullmatch(candidate):
        return None
    return candidate if invalid_reason(candidate) is None else None


def _cldr_alias(code: str) -> str | None:
    """The CLDR locale a deprecated but common language code stands for (`tl` → `fil`,
    `iw` → `he`), when CLDR has data only under the new code."""
    from babel.core import get_global

    language, _, rest = code.partition("_")
    target = get_global("language_aliases").get(language)
    if not isinstance(target, str) or "_" in target:
        return None
    resolved = f"{target}_{rest}" if rest else target
    return resolved if localedata.exists(resolved) else None


@cache
def locale_info(code: str) -> LocaleInfo:
    """Describe a valid locale code; call `invalid_reason` first."""
    from babel import Locale
    from babel.messages.plurals import get_plural

    if code in PSEUDO:
        base, direction, name = PSEUDO[code]
        plural = get_plural(base)
        return LocaleInfo(
            code,
            code.replace("_", "-"),
            direction,
            name,
            name,
            plural.plural_forms,
            plural.num_plurals,
            base,
        )
    cldr = code if localedata.exists(code) else _cldr_alias(code) or code
    loc = Locale.parse(cldr)
    plural = get_plural(cldr)
    if cldr == code:
        native = loc.get_display_name(loc) or code
        english = loc.get_display_name("en") or code
    else:
        # An alias keeps its own name: `tl` is Tagalog, though CLDR files it under `fil`.
        language = code.split("_")[0]
        native = loc.languages.get(language) or loc.get_display_name(loc) or code
        english = Locale("en").languages.get(language) or loc.get_display_name("en") or code
    return LocaleInfo(
        code=code,
        tag=code.replace("_", "-"),
        direction="rtl" if loc.character_order == "right-to-left" else "ltr",
        native_name=native[:1].upper() + native[1:],
        english_name=english,
        plural_forms=plural.plural_forms,
        nplurals=plural.num_plurals,
        cldr=cldr,
    )


def long_date(day: object, lang: str) -> str:
    """`day` in the language's CLDR long date format; where CLDR has no month names for
    the language (Haitian Creole: `M11`), the unambiguous ISO form `2026-11-26`."""
    import datetime as dt

    from babel import Locale
    from babel.dates import format_date

    assert isinstance(day, dt.date)
    cldr = locale_info(lang).cldr
    months = Locale.parse(cldr).months.get("format", {}).get("wide", {})
    if not months or any(re.fullmatch(r"M\d\d", str(name)) for name in months.values()):
        return day.isoformat()
    return format_date(day, "long", locale=cldr)
