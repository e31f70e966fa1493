"""Interview transcripts: a speaker marker opening a paragraph, and the words after it.

Wikinews marks the turns of an interview ``((WN))`` (the interviewer) and ``((Gregory
Kurtzer))``; other outlets write ``Q:`` and ``A:``, or ``Gregory Kurtzer:`` and ``GK:``. The words
after a person's marker are that person's own words, without quotation marks.

* Markers open a paragraph. ``((Label))``, with an optional colon after it, for any label
  starting with a capital. ``Label: words`` where the label is Q, A, Question, Answer or
  Interviewer, initials of a person the article names in full ("NG" for Natasha Gownaris), a
  person's name, or a surname the article gives in full elsewhere. Initials alone before a
  capitalised word ("MS Although ...") when they open two paragraphs or more. ``Label:``
  lines count only in an article with two markers or more where someone asks (a bracketed
  marker, a ``Q:``, or a marker's paragraph that is a question): otherwise "Clinton: 1,769."
  and "Iowa: Tim Albrecht, ..." are tallies and lists, and a lone "Update: ..." is no
  transcript.
* A turn is the marker's paragraph and the paragraphs after it that have no marker, up to the
  next marker. A narrative paragraph ends it: one whose sentence subject is the speaker by
  name ("Wayne Tseng also shared ...", "Having won ..., IM Dorsa Derakhshani decided ...") or
  with an attribution to the speaker ("Tseng said ..."). After the last marker the turn runs
  on the same way, so a closing line of the interviewer's without a marker ("Well, thank you
  so much!") is taken as the speaker's: the one error of this rule on the Wikinews demo
  collection.
* Who speaks. A name or initials: that person, by the fullest name the article gives.
  ``WN``, ``Wikinews``, ``Q``, ``Question``, ``Interviewer``, bracketed initials that are no
  one the article names, a label whose every turn is a question, and a person the article
  calls a reporter, correspondent, journalist, editor or interviewer are the interviewer: the
  outlet asking, not a statement anyone is quoted on, so their turns are not quotations
  (quotations inside a question are found as anywhere else). ``A`` and ``Answer`` do not say
  who answers: those turns are quotations with no speaker.
* Each paragraph of a turn is one quotation of kind ``"direct"`` (the speaker's exact words, as
  they would be in quotation marks): its text is the paragraph without the marker; the marker
  is its attribution (``speaker_text`` on the turn's first paragraph, inside the quotation's
  context; no cue). Statements found inside a turn that are the turn speaker's own ("As I
  said, ...") or nobody's are dropped: the turn already quotes them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.sentences import Span

from .patterns import _OSP
from .people import _NAME, _PARTICLE_RE, _fold, _People, _split_title

_INTERVIEWER_LABELS = frozenset(["wn", "wikinews", "q", "question", "interviewer"])
_ANSWER_LABELS = frozenset(["a", "answer"])
# Titles that make a person named in a marker the interviewer.
_INTERVIEWER_TITLES = frozenset(
    ["reporter", "correspondent", "journalist", "editor", "interviewer"]
)
_BRACKETED = re.compile(rf"\(\((?P<label>[A-Z][^()\n]{{0,60}})\)\){_OSP}:?{_OSP}")
_COLON_LABEL = re.compile(
    rf"(?P<label>Q|A|Question|Answer|Interviewer|[A-Z]{{2,4}}|{_NAME}):[^\S\n]+(?=\S)"
)
_INITIALS_ALONE = re.compile(r"(?P<label>[A-Z]{2,4})[^\S\n]+(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class _Turn:
    """One paragraph of an interview turn."""

    start: int  # the words, without the marker
    end: int
    paragraph_start: int  # the marker's start (the paragraph's, for a continuing paragraph)
    speaker: str | None  # None: an answer whose marker names nobody
    speaker_text: str | None  # the marker's label as written; None on continuing paragraphs


@dataclass(frozen=True, slots=True)
class _Marker:
    end: int  # where the words start
    label: str
    label_start: int
    kind: str  # "person" | "interviewer" | "answer"
    speaker: str | None = None


def _question(text: str, paragraph: Span) -> bool:
    return text[paragraph.start : paragraph.end].rstrip("\"”’' ").endswith("?")


def _initials_person(people: _People, label: str) -> str | None:
    """The one person the article names in full whose initials are ``label`` ("NG")."""
    found = {
        " ".join(full)
        for full in people.full.values()
        if "".join(token[0] for token in full if not _PARTICLE_RE.fullmatch(token)) == label
        and people.is_person(full)
    }
    return found.pop() if len(found) == 1 else None


def _interviewer(people: _People, speaker: str) -> bool:
    titles = people.titles.get(_fold(speaker.split()[-1]), ())
    return any(title.split()[-1] in _INTERVIEWER_TITLES for title in titles)


def _classify(people: _People, label: str, *, bracketed: bool) -> str | None:
    """Who a marker's label is: "interviewer", "answer", a person's name, or None when the
    label is no speaker marker."""
    lower = label.lower()
    if lower in _INTERVIEWER_LABELS:
        return "interviewer"
    if lower in _ANSWER_LABELS:
        return "answer"
    if re.fullmatch(r"[A-Z]{2,4}", label):
        person = _initials_person(people, label)
        if person is None:
            return "interviewer" if bracketed else None
        return "interviewer" if _interviewer(people, person) else person
    tokens, _title = _split_title(label)
    if not tokens or not tokens[-1][:1].isupper() or not people.is_person(tokens):
        return None
    if not bracketed and len(tokens) == 1 and _fold(tokens[0]) not in people.full:
        return None  # "Update: ...": a surname alone needs the article's full name for it
    speaker = people.display(tokens)
    return "interviewer" if _interviewer(people, speaker) else speaker


def _markers(text: str, paragraphs: Sequence[Span], people: _People) -> dict[int, _Marker]:
    """The speaker markers opening paragraphs, by paragraph index."""
    found: dict[int, tuple[re.Match[str], bool]] = {}
    for index, paragraph in enumerate(paragraphs):
        if text.startswith("((", paragraph.start):
            match = _BRACKETED.match(text, paragraph.start, paragraph.end)
            if match is not None:
                found[index] = (match, True)
            continue
        match = None
        if text.find(":", paragraph.start, min(paragraph.end, paragraph.start + 72)) >= 0:
            match = _COLON_LABEL.match(text, paragraph.start, paragraph.end)
        if match is None and text[paragraph.start : paragraph.start + 2].isupper():
            match = _INITIALS_ALONE.match(text, paragraph.start, paragraph.end)
        if match is not None:
            found[index] = (match, False)
    if len(found) < 2:
        return {}
    # "Name: words" lines are a transcript only where someone asks: a bracketed marker, a "Q:",
    # or a marker's paragraph that is a question. Otherwise they are tallies or lists
    # ("Clinton: 1,769.", "Iowa: Tim Albrecht, Brad Anderson, ...").
    asking = any(
        bracketed
        or match.group("label").lower() in _INTERVIEWER_LABELS
        or _question(text, paragraphs[index])
        for index, (match, bracketed) in found.items()
    )
    if not asking:
        found = {index: item for index, item in found.items() if item[1]}
    alone = Counter(
        match.group("label") for match, bracketed in found.values() if match.re is _INITIALS_ALONE
    )
    # A label whose every turn is a question is the interviewer's, whoever it names ("((RS))"
    # in an article that also names a Richard Stallman).
    answers = Counter(
        match.group("label").strip()
        for index, (match, _bracketed) in found.items()
        if not _question(text, paragraphs[index])
    )
    markers: dict[int, _Marker] = {}
    for index, (match, bracketed) in found.items():
        label = match.group("label").strip()
        if match.re is _INITIALS_ALONE and alone[label] < 2:
            continue
        if not answers[label]:
            markers[index] = _Marker(match.end(), label, match.start("label"), "interviewer")
            continue
        who = _classify(people, label, bracketed=bracketed)
        if who is None:
            continue
        kind = who if who in ("interviewer", "answer") else "person"
        speaker = who if kind == "person" else None
        markers[index] = _Marker(match.end(), label, match.start("label"), kind, speaker)
    return markers


def _turns(
    text: str,
    paragraphs: Sequence[Span],
    people: _People,
    narrative: Callable[[Span, str | None], bool],
) -> tuple[list[_Turn], list[Span]]:
    """The quotable turns of the transcripts in ``text``, one per paragraph, and the spans of
    the interviewer's turns. ``narrative(paragraph, speaker)`` tells whether a paragraph without
    a marker is the article speaking about the speaker rather than the speaker speaking."""
    markers = _markers(text, paragraphs, people)
    turns: list[_Turn] = []
    asked: list[Span] = []
    current: _Marker | None = None
    for index, paragraph in enumerate(paragraphs):
        marker = markers.get(index)
        if marker is not None:
            current = marker
            start = marker.end
            label = marker.label
            context = paragraph.start
        elif current is None:
            continue
        elif narrative(paragraph, current.speaker):
            current = None
            continue
        else:
            start, label, context = paragraph.start, None, paragraph.start
        end = paragraph.end
        while start < end and text[start].isspace():
            start += 1
        if start >= end:
            continue
        if current.kind == "interviewer":
            asked.append(Span(start, end))
            continue
        turns.append(_Turn(start, end, context, current.speaker, label))
    return turns, asked
