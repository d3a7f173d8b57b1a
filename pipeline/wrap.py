"""Line breaking as GNU gettext does it: where Unicode (UAX #14) allows, in columns.

gettext's `write-po.c` escapes each `\\n`-terminated portion of a string, then lets
libunistring's `ulc_width_linebreaks` choose the breaks: UAX #14 break opportunities
(libunistring 1.0's pair table and rules, the version gettext 0.21 runs with on Debian 12),
widths in columns, no break inside an escape sequence or a format directive. `wrap_value`
reproduces that, so that `msgcat` rewrites none of our lines.

The class and width tables below agree with libunistring 1.0 on every code point (Unicode 14,
the version of Python 3.11's `unicodedata`), and the break rules with its
`u8_width_linebreaks` on random text; the tests compare whole catalogs with `msgcat`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Collection
from itertools import accumulate, pairwise

PAGE_WIDTH = 79
ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}
_ESCAPE_TABLE = str.maketrans(ESCAPES)
_ESCAPE_PAIR = re.compile(r"\\.", re.S)
_PORTIONS = re.compile(r"[^\n]*\n|[^\n]+")  # gettext wraps each line separately
_TO_ESCAPE = re.compile(r'[\\"\a\b\f\n\r\t\v]')

# ---------------------------------------------------------------------------------------------
# Line-break classes.  The 33 rows of libunistring's pair table below are the classes pairs are
# looked up for; OP2/CP2 are OP/CP of East Asian width (LB30), ID2 unassigned pictographs
# (LB30b).  AI, SA and XX resolve to AL and CB to ID, as libunistring does for a non-CJK
# encoding; BK stands for BK, CR, LF and NL alike.
# The table is libunistring's unilbrk_table (UAX #14 table 7.3 with its amendments): row =
# class before, column = class after, in the same order as the rows.  D: break allowed;
# I: allowed only when spaces come between; P: prohibited.
_PAIRS_TEXT = """
    WJ   PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII
    GL   PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII
    B2   PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
    BA   PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
    BB   PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII
    HY   PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD
    CL   PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDDD
    CP   PIDIDIPPPPIIDDIPIIIPIDDDDDDDIDIDD
    CP2  PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDDD
    EX   PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
    IN   PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
    NS   PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
    OP   PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP
    OP2  PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP
    QU   PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIIII
    IS   PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD
    NU   PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD
    PO   PIDIDIPPPPIIIIIPIDDPIDDDDDDDIDIDD
    PR   PIDIDIPPPPIIIIIPIDDPIIIIIIIIIDIII
    SY   PIDIDIPPPPIIDDIPIDDPDDDDDDDDIDDDD
    AL   PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD
    H2   PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD
    H3   PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD
    ID   PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD
    ID2  PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI
    JL   PIDIDIPPPPIIDDIPDIDPDIIDDIIDDDDDD
    JV   PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD
    JT   PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD
    HL   PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD
    RI   PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
    ZWJ  PIDIDIPPPPIIIDIPIIIPIDDIIDDDIDIII
    EB   PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI
    EM   PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD
"""
_PAIRS = {row.split()[0]: row.split()[1] for row in _PAIRS_TEXT.strip().splitlines()}
_TABLE_CLASSES = list(_PAIRS)
_PAIR = list(_PAIRS.values())
_CLASSES = (*_TABLE_CLASSES, "SP", "CM", "ZW", "BK")
_INDEX = {name: number for number, name in enumerate(_CLASSES)}
# Each class is one character in a "class string", so regular expressions can scan it.
_CODE = {name: chr(0xC0 + number) for name, number in _INDEX.items()}
_CODE_INDEX = {code: _INDEX[name] for name, code in _CODE.items()}

# ASCII, explicitly; the other ASCII controls are CM and everything else is AL.
_ASCII_CLASSES = {
    "BA": "\t|",
    "BK": "\n\v\f\r",
    "SP": " ",
    "EX": "!?",
    "QU": "\"'",
    "PR": "$+\\",
    "PO": "%",
    "OP": "([{",
    "CP": ")]",
    "CL": "}",
    "IS": ",.:;",
    "HY": "-",
    "SY": "/",
    "NU": "0123456789",
}
_ASCII = {
    char: name
    for name, chars in (("CM", "".join(map(chr, [*range(32), 127]))), *_ASCII_CLASSES.items())
    for char in chars
}

# Beyond ASCII: the ranges where the class is not what `_fallback_class` derives from the
# Unicode category and East Asian width ("start[-end] CLASS", hexadecimal).  Together they give
# every code point libunistring 1.0's class (Unicode 14), resolved as described above.
_RANGES_TEXT = """
85 BK  A0 GL  A1 OP  A2 PO  AD BA  B0 PO  B1 PR  B4 BB  BF OP  2C8 BB  2CC BB  2DF BB  34F GL
35C-362 GL  37E IS  589 IS  58A BA  5BE BA  5C6 EX  5F3-608 AL  609-60B PO  60C-60D IS  61B EX
61D-61F EX  66A PO  66B-66C NU  6D4 EX  6DD-6DE AL  6FA-710 AL  7F8 IS  7F9 EX  85C-897 AL
8E2 AL  964-965 BA  9F2-9F3 PO  9F9 PO  C77 BB  C84 BB  D79 PO  E5A-E5B BA  F01-F04 BB
F06-F07 BB  F08 GL  F09-F0A BB  F0B BA  F0C GL  F0D-F11 EX  F12 GL  F14 EX  F34 BA  F7F BA
F85 BA  FBE-FBF BA  FD0-FD1 BB  FD2 BA  FD3 BB  FD9-FDA GL  104A-104B BA  1361 BA  1400 BA
16EB-16ED BA  1735-1736 BA  17D4-17D5 BA  17D6 NS  17D8 BA  17DA BA  1802-1803 EX  1804-1805 BA
1806 BB  1808-1809 EX  180E GL  1944-1945 EX  1A7F CM  1B5A-1B5B BA  1B5D-1B60 BA  1B7D-1B7E BA
1C3B-1C3F BA  1C7E-1C7F BA  1FFD BB  2007 GL  200B ZW  200D ZWJ  2010 BA  2011 GL  2012-2013 BA
2014 B2  2024-2026 IN  2027 BA  2028-2029 BK  202F GL  2030-2037 PO  203C-203D NS  2044 IS
2047-2049 NS  2056 BA  2058-205B BA  205D-205F BA  2060 WJ  2061-2065 AL  20A7 PO  20B6 PO
20BB PO  20BE PO  20C0 PO  20C1-20CF PR  2103 PO  2109 PO  2116 PR  2212-2213 PR  22EF IN
232B-23EF AL  23F0-23F3 ID  23F4-25FF AL  2600-2603 ID  2618 ID  261A-261C ID  261D EB
261E-261F ID  2639-263B ID  263C-2667 AL  2668 ID  2680-26BC AL  26BD-26C8 ID  26CD ID  26CE AL
26CF-26D1 ID  26D3-26D4 ID  26D8-26D9 ID  26DC ID  26DF-26E1 ID  26F1-26F5 ID  26F7-26F8 ID
26F9 EB  26FD-2704 ID  2705-2707 AL  2708-2709 ID  270A-270D EB  270E-275A AL  275B-2760 QU
2762-2763 EX  2764 ID  2776-27C4 AL  29FE-2CEE AL  2CF9 EX  2CFA-2CFC BA  2CFE EX  2CFF BA
2D70 BA  2E00-2E0D QU  2E0E-2E15 BA  2E17 BA  2E18 OP  2E19 BA  2E2A-2E2D BA  2E2E EX
2E30-2E31 BA  2E33-2E34 BA  2E3A-2E3B B2  2E3C-2E3E BA  2E40-2E41 BA  2E43-2E4A BA  2E4C BA
2E4E-2E4F BA  2E53-2E54 EX  2E5D BA  3000 BA  3001-3002 CL  3005 NS  301C NS  3035 CM
303B-303C NS  303D-303F ID  3041 NS  3043 NS  3045 NS  3047 NS  3049 NS  3063 NS  3083 NS
3085 NS  3087 NS  308E NS  3095-3096 NS  309B-309E NS  30A0-30A1 NS  30A3 NS  30A5 NS  30A7 NS
30A9 NS  30C3 NS  30E3 NS  30E5 NS  30E7 NS  30EE NS  30F5-30F6 NS  30FB-30FE NS  31F0-31FF NS
A015 NS  A4FE-A4FF BA  A60D BA  A60E EX  A60F BA  A6F3-A6F7 BA  A838 PO  A874-A875 BB
A876-A877 EX  A8CE-A8CF BA  A8FC BB  A92E-A92F BA  A9C7-A9C9 BA  AA5D-AA5F BA  AAF0-AAF1 BA
ABEB BA  FB1D HL  FB1F-FB28 HL  FB2A-FB36 HL  FB38-FB3C HL  FB3E HL  FB40-FB41 HL  FB43-FB44 HL
FB46-FB4F HL  FDFC PO  FE10 IS  FE11-FE12 CL  FE13-FE14 IS  FE15-FE16 EX  FE19 IN  FE50 CL
FE52 CL  FE54-FE55 NS  FE56-FE57 EX  FE69 PR  FE6A PO  FEFF WJ  FF01 EX  FF04 PR  FF05 PO
FF0C CL  FF0E CL  FF0F-FF19 ID  FF1A-FF1B NS  FF1F EX  FF60-FF61 CL  FF62 OP2  FF63-FF64 CL
FF65 NS  FF66 ID  FF67-FF70 NS  FF71-FF9D ID  FF9E-FF9F NS  FFA0-FFBE ID  FFC2-FFC7 ID
FFCA-FFCF ID  FFD2-FFD7 ID  FFDA-FFDC ID  FFE0 PO  FFE1 PR  FFE5-FFE6 PR  FFFC ID
10100-10102 BA  1039F BA  103D0 BA  10857 BA  1091F BA  10A50-10A57 BA  10AF0-10AF5 BA
10AF6 IN  10B39-10B3F BA  10EAD BA  11047-11048 BA  110BB-110BD AL  110BE-110C1 BA
110C3-110EF AL  11140-11143 BA  11175 BB  111C5-111C6 BA  111C8 BA  111DB BB  111DD-111DF BA
11238-11239 BA  1123B-1123C BA  112A9 BA  1144B-1144E BA  1145A-1145B BA  115C1 BB
115C2-115C3 BA  115C4-115C5 EX  115C9-115D7 BA  11641-11642 BA  11660-1166C BB  1173C-1173E BA
11944-11946 BA  119E2 BB  11A3F BB  11A41-11A44 BA  11A45 BB  11A9A-11A9C BA  11A9E-11AA0 BB
11AA1-11AA2 BA  11C41-11C45 BA  11C70 BB  11C71 EX  11FDD-11FE0 PO  11FFF BA  12470-12474 BA
13258-1325A OP  1325B-1325D CL  13282 CL  13286 OP  13287 CL  13288 OP  13289 CL  13379 OP
1337A-1337B CL  13430-13436 GL  13437 OP  13438 CL  145CE OP  145CF CL  16A6E-16A6F BA
16AF5 BA  16B37-16B39 BA  16B44 BA  16E97-16E98 BA  16FE0-16FE3 NS  16FE4 GL  18B00-18CFF AL
18D09-1AFFF AL  1B150-1B152 NS  1B164-1B167 NS  1BC9F BA  1DA87-1DA8A BA  1E95E-1E95F OP
1ECAC PO  1ECB0 PO  1F110-1F16C AL  1F170-1F1AC AL  1F1E6-1F1FF RI  1F385 EB  1F39C-1F39D AL
1F3B5-1F3B6 AL  1F3BC AL  1F3C2-1F3C4 EB  1F3C7 EB  1F3CA-1F3CC EB  1F3FB-1F3FF EM
1F442-1F443 EB  1F446-1F450 EB  1F466-1F478 EB  1F47C EB  1F481-1F483 EB  1F485-1F487 EB
1F48F EB  1F491 EB  1F4A0 AL  1F4A2 AL  1F4A4 AL  1F4AA EB  1F4AF AL  1F4B1-1F4B2 AL
1F500-1F506 AL  1F517-1F524 AL  1F532-1F549 AL  1F574-1F575 EB  1F57A EB  1F590 EB
1F595-1F596 EB  1F5D4-1F5DB AL  1F5F4-1F5F9 AL  1F645-1F647 EB  1F64B-1F64F EB  1F650-1F675 AL
1F676-1F678 QU  1F679-1F67B NS  1F67C-1F67F AL  1F6A3 EB  1F6B4-1F6B6 EB  1F6C0 EB  1F6CC EB
1F700-1F773 AL  1F780-1F7D4 AL  1F800-1F80B AL  1F810-1F847 AL  1F850-1F859 AL  1F860-1F887 AL
1F890-1F8AD AL  1F900-1F90B AL  1F90C EB  1F90F EB  1F918-1F91F EB  1F926 EB  1F930-1F939 EB
1F93C-1F93E EB  1F977 EB  1F9B5-1F9B6 EB  1F9B8-1F9B9 EB  1F9BB EB  1F9CD-1F9CF EB
1F9D1-1F9DD EB  1FA00-1FA53 AL  1FAC3-1FAC5 EB  1FAF0-1FAF6 EB  1FB00-1FBEF AL  1FBFA-1FBFF AL
2FFFE-2FFFF AL
"""


def _parse_ranges(text: str) -> tuple[list[int], list[int], list[str]]:
    """Starts, ends and classes of `_RANGES_TEXT`, sorted for bisection."""
    starts: list[int] = []
    ends: list[int] = []
    names: list[str] = []
    tokens = text.split()
    for span, name in zip(tokens[::2], tokens[1::2], strict=True):
        first, _, last = span.partition("-")
        starts.append(int(first, 16))
        ends.append(int(last or first, 16))
        names.append(name)
    return starts, ends, names


_RANGE_STARTS, _RANGE_ENDS, _RANGE_NAMES = _parse_ranges(_RANGES_TEXT)
# Scripts that UAX #14 leaves to dictionaries (SA); libunistring treats them as AL, marks too.
_SA_BLOCKS = (
    (0x0E00, 0x0EFF),
    (0x1000, 0x109F),
    (0x1780, 0x17FF),
    (0x1950, 0x19DF),
    (0x1A20, 0x1AAF),
    (0xA9E0, 0xA9FF),
    (0xAA60, 0xAADF),
    (0x11700, 0x1174F),
)
# Unassigned code points that UAX #14 already classes as ideographs.
_ID_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFD))


def _fallback_class(char: str) -> str:
    """The line-break class implied by Unicode category and East Asian width."""
    code = ord(char)
    category = unicodedata.category(char)
    if 0xAC00 <= code <= 0xD7A3:
        return "H2" if (code - 0xAC00) % 28 == 0 else "H3"
    if 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97C:
        return "JL"
    if 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
        return "JV"
    if 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
        return "JT"
    if category == "Cn":
        if 0x1F000 <= code <= 0x1FFFD:
            return "ID2"
        return "ID" if any(low <= code <= high for low, high in _ID_BLOCKS) else "AL"
    if category in ("Mn", "Mc"):
        return "AL" if any(low <= code <= high for low, high in _SA_BLOCKS) else "CM"
    if category in ("Me", "Cc", "Cf"):
        return "CM"
    if category == "Nd":
        return "NU"
    if unicodedata.east_asian_width(char) in "WF":
        return {"Ps": "OP2", "Pe": "CL"}.get(category, "ID")
    if category == "Lo" and 0x0590 <= code <= 0x05FF:
        return "HL"
    if 0x1F000 <= code <= 0x1FAFF and category == "So":
        return "ID"
    return {"Ps": "OP", "Pe": "CL", "Pi": "QU", "Pf": "QU", "Zs": "BA", "Sc": "PR"}.get(
        category, "AL"
    )


def _lb_class(char: str) -> str:
    """The UAX #14 line-break class libunistring 1.0 gives `char` (resolved for UTF-8)."""
    if char in _ASCII:
        return _ASCII[char]
    if char.isascii():
        return "AL"
    code = ord(char)
    index = bisect_right(_RANGE_STARTS, code) - 1
    if index >= 0 and code <= _RANGE_ENDS[index]:
        return _RANGE_NAMES[index]
    return _fallback_class(char)


class _ClassCodes(dict[int, str]):
    """`str.translate` table: character → one-character class code, filled on first use."""

    def __missing__(self, key: int) -> str:
        code = _CODE[_lb_class(chr(key))]
        self[key] = code
        return code


_CLASS_TABLE = _ClassCodes()

# ---------------------------------------------------------------------------------------------
# Widths, as libunistring's uc_width for a UTF-8 locale (controls count 0, not -1).
_WIDE_UNASSIGNED = (
    (0x2E80, 0x303E),
    (0x3040, 0xA4CF),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE6F),
    (0xFF00, 0xFF60),
    (0x1F200, 0x1F2FF),
    (0x20000, 0x3FFFF),
)
_SPACING_MARKS = frozenset("\u0cbf\u0cc6\U00011a07\U00011a08\U00011c3f")


def _width(char: str) -> int:
    """Columns `char` takes in a terminal, as gettext counts them."""
    code = ord(char)
    category = unicodedata.category(char)
    if category == "Cn":
        return 2 if any(low <= code <= high for low, high in _WIDE_UNASSIGNED) else 1
    if category in ("Mn", "Me", "Cf", "Cc") and char not in _SPACING_MARKS:
        return 0
    if 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF or code == 0x200B:
        return 0  # Hangul medial vowels and final consonants join the preceding syllable
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


class _Widths(dict[str, int]):
    """Character → columns, filled on first use."""

    def __missing__(self, key: str) -> int:
        width = _width(key)
        self[key] = width
        return width


_WIDTHS = _Widths()

# ---------------------------------------------------------------------------------------------
# Break opportunities.
_D, _I = "D", "I"
_BK, _SP, _CM, _ZW, _ZWJ = (_INDEX[name] for name in ("BK", "SP", "CM", "ZW", "ZWJ"))
_AL, _HL, _RI, _HY, _BA = (_INDEX[name] for name in ("AL", "HL", "RI", "HY", "BA"))
_HL_BA = len(_CLASSES)  # "Hebrew letter, then hyphen or BA" (LB21a), only as previous class


def _possible_breaks(classes: str) -> tuple[list[int], frozenset[int]]:
    """Break opportunities (before index i) and mandatory breaks: libunistring's loop, LB4-LB31."""
    breaks: list[int] = []
    mandatory: list[int] = []
    prev = last = _BK  # class of the previous character / of the last non-space one
    spaces = False  # spaces between `last` and here
    regional = 0  # regional indicators just before here
    for index, code in enumerate(classes):
        prop = _CODE_INDEX[code]
        if prop == _BK:
            mandatory.append(index)
            prev = last = _BK
            spaces = False
        else:
            if prop == _SP:
                spaces = True
            elif prop == _ZW:
                last = _ZW
                spaces = False
            elif prop in (_CM, _ZWJ):
                # LB9/LB10: a mark continues what precedes it, unless that is a space or
                # the start of the line, where it stands for an AL.
                if last == _BK:
                    last, spaces = _AL, False
                elif last == _ZW or spaces:
                    breaks.append(index)
                    last, spaces = _AL, False
            else:
                if last == _BK or (last != _ZW and prev == _ZWJ):
                    pass  # LB2 (start of line), LB8a (after ZWJ)
                elif last == _ZW:
                    breaks.append(index)  # LB8
                elif last == _RI and prop == _RI:
                    if spaces or regional % 2 == 0:
                        breaks.append(index)  # LB30a
                elif prev == _HL_BA:
                    pass  # LB21a
                else:
                    pair = _PAIR[last][prop]
                    if pair == _D or (pair == _I and spaces):
                        breaks.append(index)
                last, spaces = prop, False
            prev = _HL_BA if prev == _HL and prop in (_HY, _BA) else prop
        regional = regional + 1 if prop == _RI else 0
    return breaks, frozenset(mandatory)


# The regular expressions below decide breaks exactly like `_possible_breaks`, for the strings
# without the classes that need more state than "last class, spaces since" (BK, ZW, ZWJ, RI, HL).
_STATEFUL = ("BK", "ZW", "ZWJ", "RI", "HL")
_SIMPLE = [name for name in _TABLE_CLASSES if name not in _STATEFUL]
_NEEDS_STATE = re.compile(f"[{''.join(_CODE[name] for name in _STATEFUL)}]")
_S, _M = _CODE["SP"], _CODE["CM"]
_MARK_AS_AL = f"(?<![^{_S}]){_M}"  # LB10: a mark after a space or at the start acts as AL


def _pairs_regex(reverse: bool) -> re.Pattern[str]:
    """Break finder built from the pair table.

    Forward, each match runs from the class before a break (its marks and spaces) to the break.
    `reverse`, for the class string reversed: each match starts at the character after a break,
    so a search from any position finds the nearest break before it.
    """
    groups: dict[tuple[str, str], str] = {}
    for key in _SIMPLE:  # group classes with identical rows (forward) or columns (reverse)
        row = [
            _PAIRS[other][_INDEX[key]] if reverse else _PAIRS[key][_INDEX[other]]
            for other in _SIMPLE
        ]
        direct = "".join(_CODE[o] for o, pair in zip(_SIMPLE, row, strict=True) if pair == _D)
        spaced = "".join(_CODE[o] for o, pair in zip(_SIMPLE, row, strict=True) if pair != "P")
        groups[direct, spaced] = groups.get((direct, spaced), "") + _CODE[key]
    al = _CODE["AL"]
    as_al = f"{_M}(?![^{_S}])"  # reversed: the first of marks that follow a space or the start
    branches = []
    for (direct, spaced), keys in sorted(groups.items(), key=lambda item: -len(item[1])):
        if reverse and spaced:
            options = [f"{_S}+{_M}*(?:[{spaced}]{'|' + as_al if al in spaced else ''})"]
            if direct:
                options.append(f"{_M}*(?:[{direct}]{'|' + as_al if al in direct else ''})")
            branches.append(f"[{keys}](?:{'|'.join(options)})")
        elif not reverse:
            head = f"(?:[{keys}]|{_MARK_AS_AL})" if al in keys else f"[{keys}]"
            after = f"(?=[{direct}])|" if direct else ""
            branches.append(f"{head}{_M}*(?:{after}{_S}+(?=[{spaced}{_M}]))")
    if reverse:  # a mark after spaces: break before it, whatever precedes the spaces
        heads = "".join(_CODE[name] for name in _SIMPLE)
        branches.append(f"{_M}{_S}+{_M}*(?:[{heads}]|{as_al})")
    return re.compile("|".join(branches))


_BREAK_RE = _pairs_regex(reverse=False)
_BREAK_BEFORE_RE = _pairs_regex(reverse=True)


def _greedy(
    events: list[int],
    mandatory: Collection[int],
    columns: list[int] | range,
    start: int,
    width: int,
) -> list[int]:
    """Where `u8_width_linebreaks` breaks, given the opportunities and mandatory breaks
    (`events`, sorted) of a portion: fill each line with whole pieces up to `width`."""
    chosen: list[int] = []
    last = -1  # last opportunity, where a break can still go
    column = start  # column at which the current piece starts
    piece_start = 0
    for position in events:
        piece = columns[position] - columns[piece_start]
        if last >= 0 and column + piece > width:
            chosen.append(last)
            column = 0
        if position in mandatory:
            last, column, piece_start = -1, 0, position + 1
        else:
            last, column, piece_start = position, column + piece, position
    if last >= 0 and column + columns[-1] - columns[piece_start] > width:
        chosen.append(last)
    return chosen


class _Portion:
    """One escaped `\\n`-terminated portion, with its columns and break opportunities."""

    def __init__(self, text: str, no_break: Collection[int]) -> None:
        self.text = text
        self.escaped = escaped = text.translate(_ESCAPE_TABLE) if _TO_ESCAPE.search(text) else text
        self.narrow = escaped.isascii() and escaped.isprintable()
        if self.narrow:
            self.columns: list[int] | range = range(len(escaped) + 1)
        else:
            self.columns = [0, *accumulate(map(_WIDTHS.__getitem__, escaped))]
        self.no_break = no_break
        self.classes = ""
        self.reversed = ""
        self.forbidden: set[int] = set()

    def _analyse(self) -> None:
        """Class string and the breaks gettext forbids (escape sequences, directives, final \\n)."""
        escaped = self.escaped
        self.classes = escaped.translate(_CLASS_TABLE)
        self.reversed = self.classes[::-1]
        forbidden = self.forbidden
        if "\\" in escaped:
            forbidden.update(match.start() + 1 for match in _ESCAPE_PAIR.finditer(escaped))
            if self.text.endswith("\n"):
                forbidden.add(len(escaped) - 2)
        if self.no_break:
            offset = 0
            for index, char in enumerate(self.text):
                if index in self.no_break:
                    forbidden.add(offset)
                offset += 2 if char in ESCAPES else 1

    def split(self, start: int, width: int) -> list[str]:
        """The chunks of this portion when its first line starts at column `start`."""
        columns = self.columns
        if start + columns[-1] <= width:
            return [self.escaped]
        if not self.classes:
            self._analyse()
        if _NEEDS_STATE.search(self.classes):
            found, mandatory = _possible_breaks(self.classes)
            events = sorted({*found, *mandatory} - self.forbidden)
            cuts = _greedy(events, mandatory, columns, start, width)
        else:
            cuts = self._fill(start, width)
        bounds = [0, *cuts, len(self.escaped)]
        return [self.escaped[a:b] for a, b in pairwise(bounds)]

    def _fill(self, column: int, width: int) -> list[int]:
        """`_greedy` line by line: the last break that fits, else the first one after the start."""
        columns = self.columns
        cuts: list[int] = []
        line = 0
        while True:
            limit = columns[line] + width - column  # the furthest column a break may sit at
            if columns[-1] <= limit:
                return cuts
            last = limit if self.narrow else bisect_right(columns, limit) - 1
            cut = self._break_at_or_before(last)
            if cut <= line:
                cut = self._break_after(line)
                if cut < 0:
                    return cuts
            cuts.append(cut)
            line, column = cut, 0

    def _break_at_or_before(self, position: int) -> int:
        """The last allowed break at or before `position`, or -1."""
        end = len(self.classes) - 1
        match = _BREAK_BEFORE_RE.search(self.reversed, end - position)
        while match and end - match.start() in self.forbidden:
            match = _BREAK_BEFORE_RE.search(self.reversed, match.start() + 1)
        return end - match.start() if match else -1

    def _break_after(self, position: int) -> int:
        """The first allowed break after `position` (itself a break or 0), or -1."""
        match = _BREAK_RE.search(self.classes, position)
        while match and match.end() in self.forbidden:
            match = _BREAK_RE.search(self.classes, match.end())
        return match.end() if match else -1


def wrap_value(
    value: str,
    first_column: int,
    width: int = PAGE_WIDTH - 2,
    no_break: Collection[int] = (),
) -> list[str]:
    """Escaped chunks of `value` as gettext writes them, one per line.

    `width` is the room between the quotes of a continuation line, `first_column` where
    the text of the keyword line starts relative to them (`len("msgid ")`). A first chunk ""
    followed by others means gettext's `msgid ""` line: it starts with one whenever the
    value has several lines. `no_break` lists characters a break may not precede.
    """
    if "\n" not in value[:-1]:  # one portion, the usual case
        if not value:
            return [""]
        portion = _Portion(value, no_break)
        if first_column <= width:
            lines = portion.split(first_column, width)
            if len(lines) == 1:
                return lines
        return ["", *portion.split(0, width)]
    chunks = [""]
    offset = 0
    for text in _PORTIONS.findall(value):
        shifted = {i - offset for i in no_break if offset <= i < offset + len(text)}
        chunks.extend(_Portion(text, shifted).split(0, width))
        offset += len(text)
    return chunks
