"""External links on paper and in other languages: printed addresses and `link` entries.

A printed handout cannot be clicked, so each external link (web or mail) gets a note
number after its text and its address in a numbered list at the end of its section
(`translate.translate_article` places them; print only, the web page keeps plain links).
A translator may give their language's own target for a link in the article catalog's
entry with `msgctxt "link"` whose msgid is the source URL; it is validated here, as
strictly as a source link or more. Written from RFC 3986 (URI syntax), RFC 6068
(`mailto:`) and the Chicago Manual of Style's advice on breaking URLs in print.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it.common.utils import escapeHtml
from markupsafe import Markup

LINK_CONTEXT = "link"
"""The `msgctxt` of the catalog entry that localises a link target."""
SCHEMES = ("http", "https", "mailto")
"""Schemes of the links that are printed and may be localised."""
MAX_URL = 2000
"""Longest localised URL accepted (the usual limit of browsers and servers)."""

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_ADDR_SPEC = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_MAIL_HEADERS = frozenset({"subject", "body"})


def scheme_of(href: str) -> str:
    """The URL's scheme in lower case, or '' for a relative reference."""
    match = _SCHEME.match(href)
    return match[1].lower() if match else ""


def is_external(href: str) -> bool:
    """A web or mail link: printed with its address, and localisable."""
    return scheme_of(href) in SCHEMES


def _bad_character(text: str) -> str:
    for char in text:
        name = unicodedata.name(char, "")
        if char in _BIDI:
            return f"bidi control character U+{ord(char):04X} {name}"
        if char in _INVISIBLE:
            return f"invisible character U+{ord(char):04X} {name}"
        if char.isspace():
            return f"white space U+{ord(char):04X}"
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return f"control or unassigned character U+{ord(char):04X}"
    return ""


def target_problem(url: str) -> str:
    """Why `url` may not be a link's target in a translation ('' when it may): a web
    (http, https) or mail address, no other scheme, no scheme-relative `//host`, no
    white space, control, invisible or bidi characters (as typed or %-encoded), a host
    without user name (`https://good.org@evil.example`), and for mail only addresses with
    a subject or body (no other headers, no line breaks outside the body)."""
    if len(url) > MAX_URL:
        return f"link target longer than {MAX_URL} characters"
    bad = _bad_character(url)
    if bad:
        return f"link target has a {bad}"
    if url.startswith("//"):
        return f"link target without a scheme: {url[:60]} (write https:{url[:60]})"
    scheme = scheme_of(url)
    if not scheme:
        return f"link target is not a web or mail address: {url[:60]}"
    if scheme not in SCHEMES:
        return f"link target with a forbidden URL scheme: {scheme}:"
    if scheme == "mailto":
        return _mail_problem(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"link target is not a valid URL: {url[:60]}"
    if not parts.hostname or not url[len(scheme) + 1 :].startswith("//"):
        return f"link target has no host: {url[:60]}"
    if "@" in parts.netloc:
        return "link target has a user name before its host (user@host): write the host only"
    decoded = _bad_character(unquote(url))
    if decoded:
        return f"link target has a %-encoded {decoded}"
    return ""


def _mail_problem(url: str) -> str:
    to, _, query = url[len("mailto:") :].partition("?")
    addresses = [unquote(a) for a in to.split(",") if a]
    if not addresses or not all(_ADDR_SPEC.fullmatch(a) for a in addresses):
        return f"mail link target is not an e-mail address: {url[:60]}"
    for field in query.split("&") if query else []:
        name, _, value = field.partition("=")
        if name.lower() not in _MAIL_HEADERS:
            return f"mail link target sets a header other than subject and body: {name[:20]!r}"
        decoded = unquote(value)
        if name.lower() == "subject" and _bad_character(decoded.replace(" ", "")):
            return "mail link target's subject has a line break or control character"
        if name.lower() == "body" and _bad_character(re.sub(r"[\r\n ]", "", decoded)):
            return "mail link target's body has a control, invisible or bidi character"
    return ""


def _readable(text: str) -> str:
    """Percent-encoded letters of other scripts shown as letters (as browsers do), when
    every decoded character is printable and no %-escape of ASCII is undone."""
    if "%" not in text:
        return text
    decoded = re.sub(r"(?:%[89A-Fa-f][0-9A-Fa-f])+", lambda m: unquote(m[0], errors="strict"), text)
    if _bad_character(decoded) or any(unicodedata.category(c)[0] == "Z" for c in decoded):
        return text
    return decoded


def printed_address(href: str) -> str:
    """The address a reader types, as printed: `https://` dropped (kept for `http://`, so it
    is typed as written), `www.` kept, a lone `/` after the host dropped; a mail link prints
    its address(es) only."""
    scheme = scheme_of(href)
    if scheme == "mailto":
        to = href[len("mailto:") :].split("?", 1)[0]
        return ", ".join(unquote(a) for a in to.split(",") if a)
    shown = href[len("https://") :] if scheme == "https" and href[6:8] == "//" else href
    host, slash, rest = shown.partition("/")
    if slash and not rest and scheme == "https":
        shown = host
    try:
        return _readable(shown)
    except UnicodeDecodeError:
        return shown


_BREAK_AFTER = "/"
ZERO_WIDTH_SPACE = "\u200b"
"""A line-break opportunity that WeasyPrint obeys (it does not break at `<wbr>`)."""
WORD_JOINER = "\u2060"
"""Keeps a hyphen with what follows (no glyph, no text in the PDF's text layer)."""
_BREAK_BEFORE = "?&#"


def address_html(address: str) -> str:
    """The address as HTML with line-break opportunities (U+200B, no hyphen) only after a
    `/` and before `? & #`, never inside `http://` nor after one of its own hyphens or a `?`."""
    head = ""
    if address.lower().startswith(("http://", "https://")):
        head, address = address[: address.index("//") + 2], address[address.index("//") + 2 :]
    out = [escapeHtml(head)]
    for index, char in enumerate(address):
        if char in _BREAK_BEFORE and index:
            out.append(ZERO_WIDTH_SPACE)
        out.append(escapeHtml(char))
        if char in "-?!":  # a line never ends at a hyphen (it would read as added) nor
            out.append(WORD_JOINER)  # at a '?' (the break comes before it)
        if char in _BREAK_AFTER and index + 1 < len(address):
            out.append(ZERO_WIDTH_SPACE)
    return "".join(out)


def comparable_address(text: str) -> str:
    """An address as written in text or as a target, levelled for comparison: case, the
    scheme (`https://`, `mailto:`), `www.` and a final `/` or `.` do not count."""
    return _comparable(text)


def _comparable(text: str) -> str:
    text = text.strip().casefold()
    text = re.sub(r"^(?:https?://|mailto:)", "", text)
    text = re.sub(r"^www\.", "", text)
    return text.rstrip("/.")


def text_is_address(text: str, href: str) -> bool:
    """Whether a link's visible text already is its address (`www.mssociety.org.uk` for
    `https://www.mssociety.org.uk/`): it gets no note."""
    plain = re.sub(r"<[^>]*>", "", text)
    return bool(plain.strip()) and _comparable(plain) in (
        _comparable(href),
        _comparable(printed_address(href)),
    )


@dataclass(frozen=True)
class LinkNote:
    """One printed address: its note number and where the link is."""

    number: int
    mark: str
    """The number as printed, in the language's digits."""
    href: str
    """The target the page links to (the translator's own when valid)."""
    address: str
    """The address as printed (`printed_address`)."""
    path: Path
    line: int

    @property
    def html(self) -> Markup:
        """The address, escaped, with its line-break opportunities."""
        return Markup(address_html(self.address))
