"""Pseudo-translations for layout testing: every catalog into `en_XA` (accented,
about 35% longer, bracketed so truncation shows) and `ar_XB` (the same, mirrored
right to left). Tags, placeholders and addresses stay intact, so the real templates build and the
publishing gate accepts every entry."""

from __future__ import annotations

import math
import re

import polib

from pipeline.catalogs import new_po
from pipeline.checks import ADDRESS
from pipeline.config import Config
from pipeline.fsutil import write_text
from pipeline.links import LINK_CONTEXT
from pipeline.model import Layout
from pipeline.po import generate_po
from pipeline.project import FileChange, read_templates

CODES = ("en_XA", "ar_XB")
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ",
)
_KEEP = re.compile(
    rf"(</?[a-z]+[0-9]+/?>|%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]|%[sdif%]|\{{[^{{}}]*\}}"
    rf"|{ADDRESS.pattern})"
)
_RLO, _PDF = "\u202e", "\u202c"


def pseudo_text(text: str, rtl: bool = False) -> str:
    """Accent letters, pad by ~35% and bracket the text; keep tags and placeholders."""
    if not text:
        return text
    pieces = _KEEP.split(text)
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:  # a tag or placeholder
            out.append(piece)
        elif piece:
            accented = piece.translate(_ACCENTED)
            out.append(f"{_RLO}{accented}{_PDF}" if rtl else accented)
    letters = sum(len(p) for i, p in enumerate(pieces) if not i % 2)
    padding = "·" * math.ceil(letters * 0.35)
    return f"[{''.join(out)}{' ' + padding if padding else ''}]"


def pseudo_catalog(template: polib.POFile, code: str, domain: str) -> polib.POFile:
    """A complete, non-fuzzy pseudo-translation of one template."""
    catalog = new_po(template, code, domain)
    rtl = code == "ar_XB"
    for entry in catalog:
        if entry.obsolete or not entry.msgid:
            continue
        if entry.msgctxt == LINK_CONTEXT:  # a link target stays the source's URL
            entry.msgstr = entry.msgid
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {
                i: pseudo_text(entry.msgid if i == 0 else entry.msgid_plural, rtl)
                for i in entry.msgstr_plural
            }
        else:
            entry.msgstr = pseudo_text(entry.msgid, rtl)
    catalog.metadata["PO-Revision-Date"] = template.metadata.get("POT-Creation-Date", "")
    return catalog


def make_pseudo(config: Config) -> list[FileChange]:
    """Write `locales/en_XA` and `locales/ar_XB` catalogs for every template."""
    changes = []
    for domain, template in read_templates(config).items():
        for code in CODES:
            path = Layout.of(config).po(code, domain)
            text = generate_po(pseudo_catalog(template, code, domain))
            changed = write_text(path, text)
            changes.append(FileChange(path, changed))
    return changes
