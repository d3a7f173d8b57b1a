"""`TranslatedArticle` + Jinja2 templates → HTML, with UI strings from the `ui` catalog.

Jinja2 marks the result of `_()` and `{% trans %}` safe, so our gettext callables
escape the translator's text before Jinja2 sees it; only placeholders are filled.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polib
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateSyntaxError,
    UndefinedError,
)
from markupsafe import Markup, escape

from pipeline.errors import TemplateError
from pipeline.scripts import no_widow

PAGE, PAGES = "\ue000", "\ue001"
"""Sentinels passed as the page placeholders, turned into CSS counters afterwards."""


LRI, PDI = "\u2066", "\u2069"
"""Isolate and its end around an untranslated string on a page of the other direction, so
that it keeps its own order (its full stop stays at its end). In attributes they stay; in
text `render_template` turns them into a `<bdi lang dir>`, because WeasyPrint lays out
each line on its own and an isolate that wraps loses its effect on the next line."""


class UICatalog:
    """Translations of the template strings, as the publishing gate lets them be used; the
    others fall back to the source string (isolated on a page of the other direction)."""

    def __init__(
        self,
        catalog: polib.POFile | None,
        plural_index: Any = None,
        lang: str = "",
        source_language: str = "en",
        isolate: bool = False,
        path: Path | None = None,
        plurals: frozenset[str] | None = None,
    ) -> None:
        """`plurals`: the msgids of the template's messages with plural forms (the page
        asks `ngettext` for those, `gettext` for the others); None when not known."""
        from pipeline.checks import UI_DOMAIN, entry_errors, entry_state
        from pipeline.errors import display_path
        from pipeline.model import EntryState
        from pipeline.translate import ignored_context

        self.singular: dict[str, str] = {}
        self.plural: dict[str, dict[int, str]] = {}
        self.plural_index = plural_index or (lambda n: 0 if n == 1 else 1)
        self.missing: set[str] = set()
        self.isolate = isolate
        self.source_language = source_language
        self.invalid: list[str] = []
        """`path:line: invalid translation: ...` for each entry the gate refused."""
        if catalog is None:
            return
        for entry in catalog:
            if entry.obsolete or not entry.msgid:
                continue
            if entry.msgctxt is not None:  # no template string has one: never printed
                if path is not None:
                    self.invalid.append(ignored_context(path, entry))
                continue
            plural = entry.msgid in plurals if plurals is not None else None
            state = entry_state(entry, lang, UI_DOMAIN, source_language, plural=plural)
            if state == EntryState.INVALID and path is not None:
                problems = "; ".join(
                    entry_errors(entry, lang, UI_DOMAIN, source_language, plural=plural)
                )
                self.invalid.append(
                    f"{display_path(path)}:{entry.linenum}: invalid translation: {problems}"
                )
            if state != EntryState.TRANSLATED:
                continue
            if entry.msgid_plural:
                self.plural[entry.msgid] = {int(k): v for k, v in entry.msgstr_plural.items()}
            else:
                self.singular[entry.msgid] = entry.msgstr

    def _fallback(self, text: str) -> Markup:
        return escape(f"{LRI}{text}{PDI}" if self.isolate else text)

    def gettext(self, message: str) -> Markup:
        found = self.singular.get(message)
        if found is None:
            self.missing.add(message)
            return self._fallback(message)
        return escape(found)

    def ngettext(self, singular: str, plural: str, n: int) -> Markup:
        forms = self.plural.get(singular)
        if forms is None:
            self.missing.add(singular)
            return self._fallback(singular if n == 1 else plural)
        return escape(forms.get(self.plural_index(n), plural))


def css_string(text: str) -> str:
    """A CSS string literal holding `text`; everything but letters and digits is escaped."""
    out = ['"']
    for char in text:
        if char.isalnum() or char == " ":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    out.append('"')
    return "".join(out)


def page_counter_css(label: Markup | str, counter_style: str = "decimal") -> Markup:
    """CSS `content` for a translated "Page X of Y" whose placeholders are sentinels."""
    text = html.unescape(str(label))
    parts: list[str] = []
    for piece in re.split(f"([{PAGE}{PAGES}])", text):
        if piece == PAGE:
            parts.append(f"counter(page, {counter_style})")
        elif piece == PAGES:
            parts.append(f"counter(pages, {counter_style})")
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ".join(parts) or '""')


_DOUBLE_STOP = re.compile(r"(?<![.])\.(\s*)\.(?![.])")


def one_stop(text: str) -> Markup:
    """A sentence whose date ends with its own abbreviation point (`2026 г.`) gets no second
    full stop; an ellipsis is left alone."""
    return Markup(_DOUBLE_STOP.sub(r".\1", str(text)))


_ENVIRONMENTS: dict[Path, Environment] = {}


def make_environment(templates_dir: Path, ui: UICatalog) -> Environment:
    """A Jinja2 environment: autoescape, StrictUndefined, escaping gettext.

    One environment per template folder, so each template is compiled once per
    process (Jinja2 still reloads a template whose file changed); only the gettext
    callables change from one language to the next.
    """
    env = _ENVIRONMENTS.get(templates_dir)
    if env is None:
        env = Environment(
            loader=FileSystemLoader(str(templates_dir)),
            autoescape=True,
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            keep_trailing_newline=True,
        )
        env.policies["ext.i18n.trimmed"] = True
        env.globals.update(PAGE=PAGE, PAGES=PAGES, page_counter_css=page_counter_css)
        env.filters["one_stop"] = one_stop
        env.filters["no_widow"] = no_widow  # pipeline/scripts.py: QR caption line breaks
        _ENVIRONMENTS[templates_dir] = env
    env.install_gettext_callables(ui.gettext, ui.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_fallback_language"] = ui.source_language if ui.isolate else ""
    return env


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_ISOLATED = re.compile(f"{LRI}([^{LRI}{PDI}]*){PDI}")


def _isolate_in_text(html_text: str, source_language: str) -> str:
    """Each isolated fallback string in the page's text becomes a `<bdi>` in its own language
    and direction (attribute values keep their isolates)."""
    from pipeline.locales import locale_info

    info = locale_info(source_language)
    bdi = f'<bdi lang="{info.tag}" dir="{info.direction}">\\1</bdi>'
    parts = _TAG_OR_TEXT.split(html_text)
    for index in range(0, len(parts), 2):  # even parts are text between tags
        if LRI in parts[index]:
            parts[index] = _ISOLATED.sub(bdi, parts[index])
    return "".join(parts)


def render_template(env: Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render one template; template mistakes become one-line `TemplateError`s."""
    templates_dir = Path(env.loader.searchpath[0])  # type: ignore[union-attr]
    try:
        rendered = env.get_template(name).render(**context)
    except TemplateSyntaxError as exc:
        raise TemplateError(
            Path(exc.filename or templates_dir / name), exc.lineno, exc.message or "syntax error"
        ) from None
    except UndefinedError as exc:
        raise TemplateError(
            templates_dir / name, _template_line(exc, name), f"undefined: {exc.message}"
        ) from None
    fallback_language = str(env.globals.get("_fallback_language", ""))
    if fallback_language and LRI in rendered:
        rendered = _isolate_in_text(rendered, fallback_language)
    return rendered


def _template_line(exc: BaseException, name: str) -> int:
    tb = exc.__traceback__
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
