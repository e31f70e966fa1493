"""Quotation marks: pairing them per paragraph, masking quoted words, and trimming spans.

Quotation marks are paired per paragraph. Curly marks say which way they face; a straight ``"`` is
read from its neighbours (space before = opening, space or punctuation after = closing), so mixed
pairs such as ``"...”`` work. Inside a word (``it’s``, ``don't``) a single mark is an apostrophe.
Single quotation marks are only taken as quotation marks when a paragraph has no double ones
(British style); otherwise they are nested quotes and stay part of the outer quotation.

Attribution patterns are matched against a *masked* copy of the text in which the inside of every
quotation is blanked out, so words inside quotes never look like attributions: ``"He told me
'never again,'" she said``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MASK = "\x00"
_DOUBLE_MARKS = re.compile(r"[\"“”«»]")
_SINGLE_MARKS = re.compile(r"['‘’]")
_OPEN_CONTEXT = frozenset("([{—–-/:;“‘\"'")
_CLOSE_CONTEXT = frozenset(".,;:!?)]}—–-…’”")
_OPEN, _CLOSE = 1, 2


@dataclass(slots=True)
class _Marks:
    """A quotation's marks: ``open`` and ``close`` are mark offsets; ``close`` is None when
    the quotation runs to the end of its paragraph without a closing mark."""

    open: int
    close: int | None
    inner_end: int  # end of the quoted words before trimming (the close mark or paragraph end)
    paragraph_start: int


def _pair_marks(text: str, start: int, end: int) -> list[_Marks]:
    if _DOUBLE_MARKS.search(text, start, end):
        pairs = _pair_double(text, start, end)
    else:
        pairs = _pair_single(text, start, end)
    return [_Marks(o, c, end if c is None else c, start) for o, c in pairs]


def _straight_role(before: str, after: str, inside: bool) -> int | None:
    if before.isdigit() and not inside:
        return None  # an inch mark: a 12" screen
    opens = before.isspace() or before in _OPEN_CONTEXT
    closes = after.isspace() or after in _CLOSE_CONTEXT
    if opens and not closes:
        return _OPEN
    if closes or opens:
        return _CLOSE if inside else None
    return _CLOSE if inside else _OPEN


def _pair_double(text: str, start: int, end: int) -> list[tuple[int, int | None]]:
    pairs: list[tuple[int, int | None]] = []
    stack: list[int] = []  # nested double quotes close before their outer quote does
    for match in _DOUBLE_MARKS.finditer(text, start, end):
        i = match.start()
        mark = text[i]
        if mark in "“«":
            role: int | None = _OPEN
        elif mark in "”»":
            role = _CLOSE
        else:
            before = text[i - 1] if i > start else " "
            after = text[i + 1] if i + 1 < end else " "
            role = _straight_role(before, after, bool(stack))
        if role == _OPEN:
            stack.append(i)
        elif role == _CLOSE and stack:
            opened = stack.pop()
            if not stack:
                pairs.append((opened, i))
    if stack:
        # News convention: a quote continuing into the next paragraph has no closing mark.
        pairs.append((stack[0], None))
    return pairs


def _pair_single(text: str, start: int, end: int) -> list[tuple[int, int | None]]:
    pairs: list[tuple[int, int | None]] = []
    opened: int | None = None
    for match in _SINGLE_MARKS.finditer(text, start, end):
        i = match.start()
        mark = text[i]
        before = text[i - 1] if i > start else " "
        after = text[i + 1] if i + 1 < end else " "
        if before.isalnum() and after.isalnum():
            continue  # an apostrophe: it’s, Zelenskyy’s, don't
        if opened is None:
            if mark in "‘'" and (before.isspace() or before in _OPEN_CONTEXT) and after.isalpha():
                opened = i
            continue
        if mark in "’'" and not before.isspace() and (after.isspace() or after in _CLOSE_CONTEXT):
            words = text[opened + 1 : i].split()
            # A straight mark is too easily an apostrophe ("rock 'n' roll", "the leaders'
            # summit") to trust it around a single word.
            if len(words) >= 2 or (text[opened] == "‘" and words):
                pairs.append((opened, i))
                opened = None
    return pairs  # an unclosed single mark is far more often an apostrophe than a quote


def _mask(text: str, marks: list[_Marks]) -> str:
    pieces: list[str] = []
    position = 0
    for quote in marks:
        inner_start = quote.open + 1
        pieces.append(text[position:inner_start])
        pieces.append(_MASK * (quote.inner_end - inner_start))
        position = quote.inner_end
    pieces.append(text[position:])
    return "".join(pieces)


def _trim(text: str, start: int, end: int, *, terminal: bool) -> tuple[int, int]:
    """Trim whitespace and trailing commas; with ``terminal``, also a sentence-final full stop
    (kept after a capital, where it is part of an abbreviation such as "U.S.")."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–"):
        end -= 1
    if (
        terminal
        and end - start > 1
        and text[end - 1] == "."
        and not text[end - 2].isupper()
        and text[end - 2] != "."
    ):
        end -= 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–"):
            end -= 1
    return start, end
