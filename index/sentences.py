"""Sentence and paragraph boundaries, as character offsets into the original text.

Everything downstream (chunks, quotes, answers) quotes articles exactly, so this module never
rewrites text: it only reports ``(start, end)`` spans. The splitter is rule-based and tuned for
news prose: it knows common abbreviations ("Mr.", "U.S.", "Sen."), initials, decimals, and
closing quotation marks after a full stop (``... he said."``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm maj gov sen rep pres supt insp
    rev hon messrs mme mlle no nos vol vols fig figs est approx dept univ assn bros inc ltd co
    corp plc llc jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur
    thurs fri sat sun vs etc al ca cf ed eds e.g i.e a.m p.m u.s u.k u.n e.u d.c ave blvd rd
    """.split()  # noqa: SIM905 - a word list reads better as prose
)

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n(?=\s*\S)")
# A candidate end: terminal punctuation, optional closing quotes/brackets, then whitespace.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")
_OPENING = re.compile(r"\s+[\"'“‘(\[]*[A-Z0-9]")


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``text[start:end]``."""

    start: int
    end: int

    def of(self, text: str) -> str:
        """Return the slice of ``text`` this span covers."""
        return text[self.start : self.end]


def split_paragraphs(text: str) -> list[Span]:
    """Split ``text`` into paragraphs (separated by line breaks), trimmed of outer whitespace.

    Parameters
    ----------
    text : str
        The article text.

    Returns
    -------
    list[Span]
        Non-empty paragraph spans in document order.
    """
    spans: list[Span] = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.extend(_trimmed(text, position, match.start()))
        position = match.end()
    spans.extend(_trimmed(text, position, len(text)))
    return spans


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into sentences; paragraphs always end a sentence.

    Parameters
    ----------
    text : str
        The whole article text; returned offsets index into it.
    start, end : int
        The region to split (default: all of ``text``).

    Returns
    -------
    list[Span]
        Sentence spans, trimmed of surrounding whitespace, in document order.
    """
    end = len(text) if end is None else end
    sentences: list[Span] = []
    for paragraph in split_paragraphs(text[start:end]):
        sentences.extend(_split_paragraph(text, start + paragraph.start, start + paragraph.end))
    return sentences


def _split_paragraph(text: str, start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    sentence_start = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if not _is_boundary(text, match, end):
            continue
        spans.extend(_trimmed(text, sentence_start, match.end()))
        sentence_start = match.end()
    spans.extend(_trimmed(text, sentence_start, end))
    return spans


def _is_boundary(text: str, match: re.Match[str], end: int) -> bool:
    following = _OPENING.match(text, match.end(), end)
    if following is None:
        return False  # next word starts lower-case or with punctuation: same sentence
    if text[match.start()] != ".":
        return True
    word_match = re.search(r"([\w.]+)$", text[max(0, match.start() - 20) : match.start()])
    if word_match is None:
        return True
    token = word_match.group(1)
    word = token.lower().rstrip(".")
    if word in ABBREVIATIONS:
        return False
    # An initial ("John F. Kennedy") is followed by a capitalised name, not a new sentence.
    return not (len(token) == 1 and token.isupper())


def _trimmed(text: str, start: int, end: int) -> list[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [Span(start, end)] if start < end else []
