"""The old translation `msgmerge` offers, as a fuzzy match, for a message it cannot match exactly.

How this was written.  The gettext manual says only that msgmerge falls back on fuzzy
matching when no exact match exists.  The rules below were found by black-box experiments
with GNU `msgmerge --previous` 0.21: old and new catalogs generated at random (one candidate
against one message, several candidates, hundreds of them, with contexts, non-ASCII text and
short strings), each hypothesis scored by how many of msgmerge's choices it predicts, and
kept only at 100%.  `tests/test_fuzzy.py` repeats those experiments.  The similarity itself
is rapidfuzz's Indel similarity.  No gettext source code was read for this module, copied or
translated.  It replaces a search of unknown provenance, which was read before this one was
written; the experiments confirmed each of its rules, and the code is new.

- The score of an old message is 2·LCS/(a+b), its longest common subsequence with the new
  msgid over the two lengths, counted in UTF-8 bytes; plus 0.00001 (measured between 0.0000092
  and 0.0000104) when it has no msgctxt or the new message's one.  It must exceed 0.6.
- A new msgid of four characters or more only considers old msgids that contain at least one
  of its 4-character substrings.
- The highest score wins.  On a tie, the old msgid that contains the most of the new msgid's
  4-character substrings (counted with repetition) wins, then the earliest in the old file;
  for a new msgid under four characters, the shortest old msgid (in bytes), then the earliest.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from fractions import Fraction

import polib

THRESHOLD = Fraction(3, 5)
"""A fuzzy match needs a score above 0.6."""
CONTEXT_BONUS = Fraction(1, 100_000)
"""Added for an old message with no msgctxt or the wanted one."""
_GRAM = 4
# Whatever the contents, 2·LCS/(a+b) <= 2·min(a, b)/(a+b): lengths outside these ratios of
# the new msgid's cannot reach THRESHOLD - CONTEXT_BONUS (kept a little wide).
_SHORTEST, _LONGEST = 0.4285, 2.3334
_CUTOFF = 0.5999
"""rapidfuzz's float pre-filter, below THRESHOLD - CONTEXT_BONUS; exact fractions decide."""


def _utf8(text: str) -> str:
    """The UTF-8 bytes of `text`, one character each, for rapidfuzz to compare bytes."""
    return text if text.isascii() else text.encode("utf-8").decode("latin-1")


def _grams(text: str) -> list[str]:
    """The 4-character substrings of `text`, in order, repeated ones repeated."""
    return [text[i : i + _GRAM] for i in range(len(text) - _GRAM + 1)]


class FuzzyMatcher:
    """Old messages, searchable for the one msgmerge would offer a new message."""

    def __init__(self, entries: Iterable[polib.POEntry]) -> None:
        """`entries`: the old messages that may be offered, in old-file order."""
        ranked = sorted(
            ((len(_utf8(e.msgid)), order, e) for order, e in enumerate(entries) if e.msgid),
            key=lambda item: (item[0], item[1]),
        )
        self._sizes = [size for size, _, _ in ranked]
        self._orders = [order for _, order, _ in ranked]
        self._entries = [entry for _, _, entry in ranked]
        self._keys = [_utf8(entry.msgid) for entry in self._entries]
        self._gram_sets: dict[int, frozenset[str]] = {}

    def _contained(self, slot: int, grams: list[str]) -> int:
        """How many of `grams` the old msgid in `slot` contains."""
        own = self._gram_sets.get(slot)
        if own is None:
            own = self._gram_sets[slot] = frozenset(_grams(self._entries[slot].msgid))
        return sum(1 for gram in grams if gram in own)

    def best(self, msgctxt: str | None, msgid: str) -> polib.POEntry | None:
        """The old message msgmerge would offer for (`msgctxt`, `msgid`), or None."""
        from rapidfuzz.distance import Indel
        from rapidfuzz.process import extract

        key = _utf8(msgid)
        size = len(key)
        low = bisect_left(self._sizes, int(size * _SHORTEST))
        high = bisect_right(self._sizes, int(size * _LONGEST) + 1)
        if not msgid or low >= high:
            return None
        hits = extract(
            key,
            self._keys[low:high],
            scorer=Indel.normalized_similarity,
            score_cutoff=_CUTOFF,
            limit=None,
        )
        grams = _grams(msgid) if len(msgid) >= _GRAM else None
        best: tuple[Fraction, int, int] | None = None
        chosen = None
        for _, _, offset in hits:
            slot = low + offset
            total = size + self._sizes[slot]
            score = Fraction(total - Indel.distance(key, self._keys[slot]), total)
            entry = self._entries[slot]
            if entry.msgctxt is None or entry.msgctxt == msgctxt:
                score += CONTEXT_BONUS
            if score <= THRESHOLD:
                continue
            if grams is None:
                tie = -self._sizes[slot]
            else:
                tie = self._contained(slot, grams)
                if not tie:
                    continue
            rank = (score, tie, -self._orders[slot])
            if best is None or rank > best:
                best, chosen = rank, entry
        return chosen
