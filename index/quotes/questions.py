"""Questions asking what someone said: :func:`parse_speech_question`.

Recognises "what did Zelenskyy say about NATO?", "X's comments on Y", "did X mention Y" and the
like, and pulls out the speaker (as the question spells it, leading titles dropped) and the topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .patterns import _DAYS, _words
from .people import _split_title


@dataclass(frozen=True, slots=True)
class SpeechQuestion:
    """A question asking what someone said.

    Attributes
    ----------
    speaker : str
        Who, as the question spells it, with leading titles dropped ("Zelenskyy").
    topic : str | None
        About what ("NATO"), or ``None`` when the question names no topic.
    """

    speaker: str
    topic: str | None


_LONGEST_QUESTION = 300  # characters; longer messages are not "what did X say" questions
_Q_TOPIC = r"(?P<topic>.+)"
_Q_SPEAKER = r"(?P<speaker>.+?)"
_Q_PREFIX = (
    r"(?:(?:can|could|would|will)\s+you\s+)?(?:please\s+)?"
    r"(?:(?:tell|show|give)\s+(?:me|us)\s+|summari[sz]e\s+|explain\s+|i\s+want\s+to\s+know\s+)?"
)
_Q_SAY_VERBS = (
    r"(?:(?:have|had|has)\s+to\s+say|quoted\s+as\s+saying|say(?:ing)?|said|says|tell(?:ing)?"
    r"|told|stat(?:e|ed|es|ing)|comment(?:ed|ing)?|write|wrote|written|writing|post(?:ed)?"
    r"|tweet(?:ed)?|mention(?:ed)?|claim(?:ed|s)?|argu(?:e|ed|es|ing)|warn(?:ed|s)?"
    r"|think(?:ing|s)?|thought|believe[ds]?|feel(?:s)?|felt)"
)
# Each pattern, and whether words before the speaker may be question filler ("tell me
# about X's remarks": the speaker group there can start too early).
_SPEECH_QUESTIONS: list[tuple[re.Pattern[str], bool]] = [
    # what did/has/is X say(ing) (about Y)
    (
        re.compile(
            rf"{_Q_PREFIX}what(?:'s|\s+(?:did|does|do|has|have|had|was|is|were|will|would))\s+"
            rf"{_Q_SPEAKER}\s+(?:(?:been|ever|actually|publicly|recently|really|just|also)\s+)?"
            rf"{_Q_SAY_VERBS}\b(?P<rest>.*)",
            re.IGNORECASE,
        ),
        False,
    ),
    # what was said by X (about Y)
    (
        re.compile(
            rf"{_Q_PREFIX}what\s+(?:was|has\s+been|have\s+been|is\s+being)\s+said\s+by\s+"
            rf"{_Q_SPEAKER}(?P<rest>(?:\s+(?:about|on|regarding|concerning)\s+.*)?)",
            re.IGNORECASE,
        ),
        False,
    ),
    # did/has X mention / talk about / comment on Y
    (
        re.compile(
            rf"{_Q_PREFIX}(?:did|does|do|has|have|had)\s+{_Q_SPEAKER}\s+(?:ever\s+|publicly\s+)?"
            r"(?:mention(?:ed)?|say\s+anything(?:\s+(?:about|on|regarding))?|said\s+anything"
            r"(?:\s+(?:about|on|regarding))?|talk(?:ed)?\s+about|speak\s+(?:about|on)"
            r"|spoken?\s+(?:about|on)|spoke\s+(?:about|on)|comment(?:ed)?(?:\s+on)?"
            r"|discuss(?:ed)?|address(?:ed)?|bring\s+up|brought\s+up|refer(?:red)?\s+to"
            r"|criticis(?:e|ed)|criticiz(?:e|ed)|respond(?:ed)?\s+to|react(?:ed)?\s+to"
            r"|weigh(?:ed)?\s+in(?:\s+on)?|say\s+that|said\s+that"
            # "did Bernie say why he was quitting": the rest of the question is the topic.
            r"|say(?=\s+(?:why|what|how|whether|if|when|where|who)\b))"
            rf"(?:\s+{_Q_TOPIC})?",
            re.IGNORECASE,
        ),
        False,
    ),
    # how did X respond/react to Y
    (
        re.compile(
            rf"{_Q_PREFIX}how\s+(?:did|does|do|has|have|had)\s+{_Q_SPEAKER}\s+"
            r"(?:respond(?:ed)?|react(?:ed)?|reply|replied|feel|felt|describe[ds]?)"
            rf"(?:\s+(?:to|about|on|regarding)\s+{_Q_TOPIC})?",
            re.IGNORECASE,
        ),
        False,
    ),
    # X's comments / remarks / position on Y
    (
        re.compile(
            r"(?:.*?\b)??(?<![\w'])(?P<speaker>(?:[\w.\-]+\s+){0,4}?[\w.\-]+)(?:'s|s')\s+"
            r"(?:comments?|remarks?|statements?|views?|words|quotes?|quotations?|position|stance"
            r"|response|reaction|thoughts?|opinions?|take|message|claims?|answer|reply|warnings?"
            r"|testimony|speech|interview)\b"
            r"(?:\s+(?:on|about|regarding|concerning|to|over|towards?|of|in)\s+(?P<topic>.+))?",
            re.IGNORECASE,
        ),
        True,
    ),
    # (any) quotes / comments from X (on Y)
    (
        re.compile(
            rf"{_Q_PREFIX}(?:(?:are\s+there|were\s+there|is\s+there|find|list|any)\s+)*"
            r"(?:quotes?|quotations?|comments?|remarks?|statements?|words)\s+(?:from|by)\s+"
            rf"{_Q_SPEAKER}(?:\s+(?:about|on|regarding|concerning)\s+{_Q_TOPIC})?",
            re.IGNORECASE,
        ),
        False,
    ),
    # tell me what X said about Y
    (
        re.compile(
            r"(?:.*?\b)?what\s+(?P<speaker>.+?)\s+(?:has\s+said|had\s+said|said|says|thinks|thought"
            r"|told\s+\S+(?:\s+\S+)?|has\s+to\s+say|had\s+to\s+say)\b(?P<rest>.*)",
            re.IGNORECASE,
        ),
        True,
    ),
]
_TOPIC_PREPOSITION = re.compile(r"\b(?:about|regarding|concerning)\s+(.+)", re.IGNORECASE)
_WEAK_TOPIC_PREPOSITION = re.compile(r"\b(?:on|over|of)\s+(.+)", re.IGNORECASE)
# "what did X tweet when he tested positive": the occasion is what the words were about.
_OCCASION = re.compile(
    r"^\s*(?:when|after|before|while|as|during|upon|once|following|in\s+response\s+to)\s+(.+)",
    re.IGNORECASE,
)
_QUESTION_WORDS = _words(
    "what who whom when where why how which happened happen happens is are was were did does do "
    "has have had be been being"
)
# Not speakers: "what did the article say about NATO?" asks about the text, not a person.
_NOT_SPEAKERS = _words(
    """
    article articles story stories report reports piece text news document paper coverage source
    sources you i we they it he she this that these those anyone anybody everyone everybody
    people someone somebody nobody one bot
    """
)
_SPEAKER_FILLER = _words(
    "what were was are is tell me us show give summarize summarise list find any about of on "
    "please can could you i want to know explain"
)
_TRAILING_TIME = re.compile(
    r"\s+(?:recently|lately|today|yesterday|(?:this|last)\s+(?:week|month|year)"
    r"|in\s+(?:the|this|that|his|her|their)\s+(?:interview|article|story|piece|report|letter))$",
    re.IGNORECASE,
)
_TIME_TOPIC = re.compile(
    rf"(?:(?:on|last|this)\s+)?(?:{_DAYS}|yesterday|today|tonight|(?:this|last)\s+"
    r"(?:week|month|year|weekend)|recently|lately)",
    re.IGNORECASE,
)


def _clean_topic(topic: str | None) -> str | None:
    if topic is None:
        return None
    topic = topic.strip().strip("\"'“”‘’").strip()
    topic = _TRAILING_TIME.sub("", topic)
    topic = re.sub(r"^(?:the|a|an)\s+", "", topic, flags=re.IGNORECASE).strip(" ,;:")
    if not topic or _TIME_TOPIC.fullmatch(topic):
        return None
    return topic


def _topic_from_rest(rest: str) -> str | None:
    found = (
        _TOPIC_PREPOSITION.search(rest)
        or _WEAK_TOPIC_PREPOSITION.search(rest)
        or _OCCASION.match(rest)
    )
    return found.group(1) if found else None


def _clean_speaker(speaker: str, *, trim_filler: bool) -> str | None:
    tokens = speaker.strip().strip("\"'“”‘’").split()
    if trim_filler:
        while len(tokens) > 1 and tokens[0].lower() in _SPEAKER_FILLER:
            tokens = tokens[1:]
    if tokens and tokens[-1].lower().endswith("'s"):
        tokens[-1] = tokens[-1][:-2]
    if not tokens or len(tokens) > 5:
        return None
    if any(token.lower() in _QUESTION_WORDS for token in tokens):
        return None
    generic = [t.lower() for t in tokens if t.lower() not in ("the", "this", "that", "your")]
    if not generic or " ".join(generic) in _NOT_SPEAKERS or generic[-1] in _NOT_SPEAKERS:
        return None
    names, _title = _split_title(" ".join(tokens))
    # Keep "the president" as asked; drop titles only in front of a name ("President Biden").
    if names and len(names) != len(tokens) and tokens[0].lower() not in ("the", "a", "an"):
        tokens = list(names)
    return " ".join(tokens)


def parse_speech_question(question: str) -> SpeechQuestion | None:
    """Recognise a question asking what someone said, and about what.

    Parameters
    ----------
    question : str
        The user's question, in any case, with straight or curly apostrophes.

    Returns
    -------
    SpeechQuestion | None
        The speaker and topic for questions such as "what did X say (about Y)?", "what has X
        said on Y", "X's comments on Y", "X's remarks about Y", "did X mention Y", "what does X
        think about Y", "how did X respond to Y", "quotes from X on Y"; ``None`` for any other
        question (including ones about the article itself, "what did the article say ...").

    Examples
    --------
    >>> parse_speech_question("What did Zelenskyy say about NATO?")
    SpeechQuestion(speaker='Zelenskyy', topic='NATO')
    >>> parse_speech_question("When is the election?") is None
    True
    """
    normalized = question.replace("’", "'").replace("‘", "'").replace("“", '"')
    normalized = " ".join(normalized.replace("”", '"').split()).rstrip(" ?!.")
    if not normalized or len(normalized) > _LONGEST_QUESTION:
        return None
    for pattern, trim_filler in _SPEECH_QUESTIONS:
        found = pattern.fullmatch(normalized)
        if not found:
            continue
        groups = found.groupdict()
        speaker = _clean_speaker(groups["speaker"], trim_filler=trim_filler)
        if speaker is None:
            continue
        if "rest" in groups and groups["rest"] is not None:
            topic = _topic_from_rest(groups["rest"])
        else:
            topic = groups.get("topic")
        return SpeechQuestion(speaker=speaker, topic=_clean_topic(topic))
    return None
