"""What a question asks for: its answer type, and whether it wants the latest coverage.

The answer composer chooses sentences by what the question asks for (a count, a place, a time,
a person, a statement by someone), and the coverage decision is calibrated per question type,
since short "who is" or "when" questions embed far from any passage even when the answer is
there. Types (the usual answer-type classes of question answering, coarse on purpose):

========== =============================================================== ================
type       asked as                                                        answer looks like
========== =============================================================== ================
statement  what did X say / X's comments on Y (see :mod:`index.quotes`)    X's quotations
count      how many / how much / what percentage / what number             a number
time       when / what time / what date / what year / how long ago         a date or time
place      where / in which city / what country                            a place name
person     who / whom / whose / which person / what company                a name
definition who is X / what is X (a short question about one thing)         a description
other      why / how / what happened / yes-no questions                    any sentence
========== =============================================================== ================

"Latest" questions ("what is the latest on X", "most recent", "still", "now", "currently") are
marked separately: whatever their type, they lead with the collection's newest relevant article.
Everything here is a few regular expressions over the question: no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .quotes import SpeechQuestion, parse_speech_question

TYPES = ("statement", "count", "time", "place", "person", "definition", "other")

_COUNT = re.compile(
    r"\bhow\s+(?:many|much)\b|\bwhat\s+(?:percentage|percent|share|proportion|number|amount"
    r"|fraction|sum|total|price|score|margin|rate|age)\b|\bhow\s+old\b|\bhow\s+(?:far|long|tall"
    r"|big|large|high|fast)\b(?!\s+ago)|\bby\s+how\s+much\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"^\s*(?:and\s+|so\s+)?when\b|\bwhat\s+(?:time|date|day|year|month|hour)\b|\bwhich\s+"
    r"(?:day|year|month|date)\b|\bhow\s+long\s+ago\b|\bsince\s+when\b|\bwhen\s+(?:did|does|do|"
    r"was|were|is|will|has|had)\b",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"\bwhere\b|\b(?:what|which)\s+(?:city|town|country|state|county|region|province|place"
    r"|village|island|location|venue|street|site|continent|airport|port|hospital)\b",
    re.IGNORECASE,
)
_PERSON = re.compile(
    r"\bwho(?:m|se)?\b|\b(?:what|which)\s+(?:person|people|man|woman|company|firm|team|group"
    r"|organi[sz]ation|party|agency|country|candidate|player|official|president|minister"
    r"|leader|actor|singer|astronaut|club|brand|network|outlet|newspaper|court|airline)\b",
    re.IGNORECASE,
)
# "Who is Keith Kellogg?", "What is Rocky Linux?": a short question about one named thing.
_DEFINITION = re.compile(
    r"^\s*(?:who|what)(?:'s|\s+(?:is|are|was|were))\s+(?:the\s+|a\s+|an\s+)?"
    r"(?P<subject>[^?]{1,60}?)\s*\??\s*$",
    re.IGNORECASE,
)
_LATEST = re.compile(
    r"\b(?:latest|most\s+recent(?:ly)?|newest|recent\s+(?:news|developments|updates?|coverage)"
    r"|still|currently|right\s+now|at\s+the\s+moment|as\s+of\s+now|these\s+days|so\s+far|to\s+date"
    r"|any\s+(?:news|updates?)|(?<!\w)now(?!\w)|update\s+on|what'?s\s+new)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QuestionType:
    """What one question asks for.

    Attributes
    ----------
    kind : str
        One of :data:`TYPES`.
    latest : bool
        Whether the question asks for the newest coverage ("latest", "still", "now"...).
    speech : SpeechQuestion | None
        For ``statement`` questions: the speaker and topic.
    """

    kind: str
    latest: bool
    speech: SpeechQuestion | None = None


def wants_latest(question: str) -> bool:
    """Whether ``question`` asks for the newest coverage ("what is the latest on X", "still",
    "now", "currently", "most recent")."""
    return bool(_LATEST.search(question))


def classify(question: str) -> QuestionType:
    """The answer type of ``question``; see the module docstring for the types.

    Parameters
    ----------
    question : str
        As the user typed it.

    Returns
    -------
    QuestionType

    Examples
    --------
    >>> classify("How many people died?").kind
    'count'
    >>> classify("What is the latest on the strike?").latest
    True
    """
    latest = wants_latest(question)
    speech = parse_speech_question(question)
    if speech is not None:
        return QuestionType("statement", latest, speech)
    # The asking part of a multi-sentence question is its last question sentence.
    asking = _asking_part(question)
    for kind, pattern in (("count", _COUNT), ("time", _TIME), ("place", _PLACE)):
        if pattern.search(asking):
            return QuestionType(kind, latest)
    if _DEFINITION.match(asking) and not re.search(r"\b(?:doing|happening|going)\b", asking):
        return QuestionType("definition", latest)
    if _PERSON.search(asking):
        return QuestionType("person", latest)
    return QuestionType("other", latest)


def _asking_part(question: str) -> str:
    parts = [p for p in re.split(r"(?<=[.?!])\s+", question.strip()) if p.strip()]
    asking = [p for p in parts if p.rstrip().endswith("?")]
    return (asking or parts or [question])[-1]
