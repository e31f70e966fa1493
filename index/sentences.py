"""Sentence and paragraph boundaries, as character offsets into the original text.

Everything downstream (chunks, quotes, answers) quotes articles exactly, so this module never
rewrites text: it only reports ``(start, end)`` spans. The splitter is rule-based and tuned for
news prose. A full stop followed by a capitalised word ends a sentence unless the word before it
is an abbreviation, and abbreviations come in kinds:

- titles ("Mr.", "Sen.", "Sens.", "Gov.", "Gen.", "e.g.") never end a sentence;
- "No.", "Vol.", "p." are abbreviations only before a number ("No. 10"; but "said no. The...");
- months ("Jan. 31") only before a number, weekdays only before a date;
- "a.m."/"p.m." end a sentence unless a day, month or time zone follows ("7 p.m. Tuesday");
- the rest ("U.S.", "L.A.", "Co.", "Inc.", "Jr.", "Fla.", initials "F.") end one only when the
  next word is one that starts sentences ("in the U.S. The..." but "the U.S. Navy",
  "John F. Kennedy", "L.A. County").

Decimals, closing quotation marks after the stop (``... he said."``, ``?" asked``), a question
mark before a lower-case word, bracketed ellipses ("[...]"), a spaced three-dot ellipsis and
inline list numbers ("1. The first item.") do not cut sentences either; line breaks always do.
``benchmarks/bench_sentences.py`` measures it against pysbd, syntok, blingfire and nupunkt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import TIMEZONE_NAMES


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Before a capitalised word these never end a sentence (titles, Latin).
TITLES = _words(
    """
    mr mrs ms messrs mmes mme mlle dr drs prof profs gen gens col cols lt sgt sgts capt cmdr
    cmdt adm maj brig cpl pvt spc det insp supt gov govs sen sens rep reps pres rev hon atty
    amb sec vs v e.g i.e cf ca approx viz
    """
)
# Abbreviations only before a number: "No. 10", "Vol. 3", "p. 55" (so "said no. The" ends).
NUMBER_PREFIXES = _words("no nos vol vols p pp fig figs art ch est op n° nº")
MONTHS = _words("jan feb mar apr jun jul aug sep sept oct nov dec")
WEEKDAYS = _words("mon tue tues wed thu thur thurs fri sat sun")
# These end a sentence only before a word that starts sentences ("... & Co. It closed").
POSTPOSITIVE = _words(
    """
    inc ltd co corp plc llc bros jr sr esq etc al ed eds ave blvd rd st mt ft pl sq hwy dept
    univ assn ph.d
    """
)
# AP-style state abbreviations, capitalised only ("Tallahassee, Fla. The storm...").
STATES = _words(
    """
    ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo
    mont neb nev okla ore pa tenn tex va vt wash wis wyo
    """
)
# Words that begin sentences; after an ambiguous abbreviation they mean a new sentence began.
STARTERS = _words(
    """
    A About After Also Although An And Are As At Because Before Both But By Can Could Despite Did
    Do Does During Each Even For From Had Has Have He Her His How However I If In Instead Is It
    Its Last Many Meanwhile More Most My Neither No Nor Not Now On Once One Only Other Our She
    Since So Some Still That The Their Then There These They This Those Though To Under Until Was
    We Were What When Where Whether Which While Who Why Will With Would Yet You Your
    """
)
# After "a.m."/"p.m." these continue the time ("7 p.m. Tuesday", "9 a.m. ET").
_TIME_FOLLOWERS = (
    frozenset(TIMEZONE_NAMES)
    | {name.capitalize() for name in MONTHS | WEEKDAYS}
    | _words(
        """
        Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
        May June July August September October November December Eastern Central Mountain
        Pacific Atlantic Local
        """
    )
)
# Kept for callers that only want the set: every word after which a stop may be no boundary.
ABBREVIATIONS = TITLES | NUMBER_PREFIXES | MONTHS | WEEKDAYS | POSTPOSITIVE | STATES

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n(?=\s*\S)")
# A candidate end: terminal punctuation, optional closing quotes/brackets, then whitespace.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")
# What follows a boundary: whitespace, opening quotes/brackets, a capital or a digit; the word.
_OPENING = re.compile(r"\s+[\"'“‘(\[]*([A-Z0-9][\w°.-]*)?")
_TOKEN_BEFORE = re.compile(r"[\w.°º]+\Z")
_INITIALISM = re.compile(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}")
_LIST_MARKER = re.compile(r"[\s•·⁃*-]*\d{1,2}\Z")


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
        if not _is_boundary(text, match, sentence_start, end):
            continue
        spans.extend(_trimmed(text, sentence_start, match.end()))
        sentence_start = match.end()
    spans.extend(_trimmed(text, sentence_start, end))
    return spans


def _is_boundary(text: str, match: re.Match[str], sentence_start: int, end: int) -> bool:
    following = _OPENING.match(text, match.end(), end)
    if following is None or following.group(1) is None:
        return False  # next word starts lower-case or with punctuation: same sentence
    stop = match.start()
    if stop > 0 and text[stop - 1] == "[":
        return False  # "[...]": an omission inside a quotation
    if text[stop] != "." or match.group().startswith(".."):
        return True  # ? ! … and unspaced "..." before a capital
    if text.startswith(". .", stop - 4) and not text.startswith(". .", stop - 6):
        return False  # the last dot of a spaced ". . ." ellipsis, mid-sentence
    token_match = _TOKEN_BEFORE.search(text, max(sentence_start, stop - 30), stop)
    if token_match is None:
        return True
    token = token_match.group()
    word = token.lower()
    following_word = following.group(1).rstrip(".")
    if word in TITLES:
        return False
    if len(token) == 1 and token.isupper():
        return following_word in STARTERS  # an initial: "John F. Kennedy", "Francis P. Fleming"
    if word in NUMBER_PREFIXES:
        return not following_word[0].isdigit()
    if _INITIALISM.fullmatch(token):
        if word in {"a.m", "p.m"}:  # "(1.30 a.m. ET)" and "7 p.m. Tuesday" go on
            return not (following_word[0].isdigit() or following_word in _TIME_FOLLOWERS)
        return following_word in STARTERS  # "U.S.", "L.A.", "Ph.D."
    if token[0].isupper():
        if word in MONTHS:
            return not following_word[0].isdigit()
        if word in WEEKDAYS:
            return not (following_word[0].isdigit() or following_word in _TIME_FOLLOWERS)
        if word in STATES:
            return following_word in STARTERS  # "Tallahassee, Fla. The storm..."
    if word in POSTPOSITIVE:
        return following_word in STARTERS
    # "1. The first item": a number opening the sentence is a list marker, not a sentence.
    return not (token.isdigit() and _LIST_MARKER.fullmatch(text, sentence_start, stop))


def _trimmed(text: str, start: int, end: int) -> list[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [Span(start, end)] if start < end else []
