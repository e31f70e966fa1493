"""What a question asks for: its answer type, and whether it wants the latest coverage.

The answer composer chooses sentences by what the question asks for (a count, a place, a time,
a person or organisation, a statement by someone), and the coverage decision is calibrated per
question type, since short "who is" or "when" questions embed far from any passage even when the
answer is there. Types (the usual answer-type classes of question answering, coarse on purpose):

========== =============================================================== ================
type       asked as                                                        answer looks like
========== =============================================================== ================
statement  what did X say / X's comments on Y (see :mod:`index.quotes`)    X's quotations
count      how many / how much / what percentage / what number             a number
time       when / what time / what date / what year / how long ago         a date or time
place      where / in which city / what country                            a place name
entity     who / whom / whose / which X / what company                     a name
definition who is X / what is X (a short question about one thing)         a description
other      why / how / what happened / yes-no questions                    any sentence
========== =============================================================== ================

"Latest" questions ("what is the latest on X", "most recent", "still", "now", "currently") are
marked separately: whatever their type, they lead with the collection's newest relevant article.
Everything here is a few regular expressions over the question: no model.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .places import PLACE_NOUNS, places_in
from .quotes import SpeechQuestion, parse_speech_question
from .sentences import split_sentences

TYPES = ("statement", "count", "time", "place", "entity", "definition", "other")

_COUNT = re.compile(
    r"\bhow\s+(?:many|much)\b|\bwhat\s+(?:was\s+|is\s+|were\s+|are\s+)?(?:the\s+)?(?:[\w-]+\s+)?"
    r"(?:percentage|percent|share|proportion|number|amount|fraction|sum|total|price|score"
    r"|margin|rate|age|magnitude|temperature|speed|height|length|distance|weight|cost|value"
    r"|population|salary|budget|deficit|odds|toll|count|tally|figure)\b|\bhow\s+old\b|\bhow\s+(?:far|long|tall"
    r"|big|large|high|fast)\b(?!\s+ago)|\bby\s+how\s+much\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"^\s*(?:and\s+|so\s+)?when\b|\bwhat\s+(?:time|date|day|year|month|hour)\b|\bwhich\s+"
    r"(?:day|year|month|date)\b|\bhow\s+long\s+ago\b|\bsince\s+when\b|\bwhen\s+(?:did|does|do|"
    r"was|were|is|will|has|had)\b",
    re.IGNORECASE,
)
# Up to two capitalised words may qualify the place ("which U.S. state", "which South American
# countries"), "which of the states" asks the same, and so does "name the country".
_PLACE_ASKED = r"\b(?:(?:what|which)(?:\s+of\s+the|(?:\s+(?-i:[A-Z])[\w.'’-]*){0,2})|name\s+the)\s+"
_PLACE = re.compile(
    rf"\bwhere\b|{_PLACE_ASKED}(?:city|cities|town"
    r"|countr(?:y|ies)|nations?|states?|count(?:y|ies)|regions?|provinces?|place|village|island"
    r"|location|venue|street|site|continent|airport|port|hospital)\b",
    re.IGNORECASE,
)
_ENTITY = re.compile(
    r"\bwho(?:m|se)?\b|\bwhich\b|\bwhat\s+(?:person|people|man|woman|company|firm|team|group"
    r"|organi[sz]ation|party|agency|country|candidate|player|official|president|minister"
    r"|leader|actor|singer|astronaut|club|brand|network|outlet|newspaper|court|airline)\b"
    # "What was the name of the storm?", "What title did the film take?": a name is asked for.
    r"|\bwhat(?:'s|\s+(?:is|was|are|were))\s+(?:the\s+)?names?\b|\bwhat\s+(?:name|title)s?\b",
    re.IGNORECASE,
)
# "Who is Keith Kellogg?", "What is Rocky Linux?": a short question about one named thing.
_DEFINITION = re.compile(
    r"^\s*(?:who|what)(?:'s|\s+(?:is|are|was|were))\s+(?:an?\s+)?"
    r"(?P<subject>(?!the\b)[\w'’.-]+(?:\s+[\w'’.-]+){0,3})\s*\??\s*$",
    re.IGNORECASE,
)
_LATEST = re.compile(
    r"\b(?:latest(?=\s+(?:on|about|with|in|news|updates?|developments?|figures?|numbers?|count"
    r"|tally|total|word|status)\b|\s*[?.!]?\s*$)|lately|most\s+recent(?:ly)?|newest"
    r"|recent\s+(?:news|developments|updates?|coverage)|currently|right\s+now|at\s+the\s+moment"
    r"|as\s+of\s+now|these\s+days|so\s+far|to\s+date|any\s+(?:news|updates?)|(?<!\w)now(?!\w)"
    r"|update\s+on|what'?s\s+new)\b"
    # "Is the bridge still closed?": "still" in a yes/no question.
    r"|^\s*(?:is|are|was|were|does|do|did|has|have|can|will)\b[^?]*\bstill\b",
    re.IGNORECASE,
)


# What an answer of each type looks like in a sentence. Numbers: digits, or number words.
_NUMBER = re.compile(
    r"(?<![\w.])(?:\d[\d,.]*\d|\d)(?:\s*(?:%|percent|per\s+cent))?(?![\w])|\b(?:one|two|three|four"
    r"|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?"
    r"|thousands?|millions?|billions?|trillions?|dozens?|half|third|quarter|twice|double)\b",
    re.IGNORECASE,
)
# What kind of number a count question wants: a percentage, a sum of money, or any count.
_PERCENT_ASKED = re.compile(r"\b(?:percent(?:age)?|per\s+cent|share|proportion)\b", re.I)
_PERCENT = re.compile(r"\d[\d,.]*\s*(?:%|percent\b|per\s+cent\b)", re.I)
_MONEY_ASKED = re.compile(
    r"\bhow\s+much\b.*\b(?:cost|costs|pay|paid|worth|price[ds]?|spen[dt]|raised?|fined?"
    r"|salary|wage|budget|bill|charged?|earn(?:ed)?|s[eo]ld?|bid|value[ds]?|fund(?:ing)?|loans?"
    r"|damages?|losses)\b|\bwhich\s+(?:\w+\s+)?amount\b|\$",
    re.I,
)
# "How much did prices rise?": a change, as a percentage or a sum.
_CHANGE_ASKED = re.compile(
    r"\bhow\s+much\b.*\b(?:increase[ds]?|rise[ns]?|rose|risen|gr[eo]w[ns]?|grown|f[ae]ll(?:en)?|"
    r"falls|drop(?:ped|s)?|decline[ds]?|jump(?:ed|s)?|climb(?:ed|s)?|surge[ds]?|soar(?:ed|s)?|"
    r"plunge[ds]?|shr[iau]nk|shrinks?|gain(?:ed|s)?|lost|los[et]s?)\b",
    re.I,
)
# A number of these counts a duration, not how many of something ("for less than 10 years").
_DURATION_AFTER = re.compile(
    r"\s*(?:-\s*)?(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries"
    r"|century)\b(?!\s+(?:old|ago)\b)",
    re.I,
)
_MONEY = re.compile(
    r"[$£€¥]\s?\d|\d[\d,.]*\s*(?:(?:million|billion|trillion|thousand)\s+)?(?:dollars|euros"
    r"|pounds|yuan|yen|rupees)\b|\bUS\$|\b(?:USD|EUR|GBP)\b",
    re.I,
)
_MONTHS = (
    r"Jan(?:uary|\.)?|Feb(?:ruary|\.)?|March|Mar\.|April|Apr\.|May|June|July|Aug(?:ust|\.)?"
    r"|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?"
)
_MONTHS_PLAIN = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
)
# A clock time: "9:40 p.m.", "6am", "0617 UTC".
_CLOCK_TIME = (
    r"\b\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)(?!\w)|\b\d{1,2}:\d{2}\b|\b\d{4}\s*(?:UTC|GMT)\b"
)
_WHEN = re.compile(
    rf"{_CLOCK_TIME}"
    r"|\blocal\s+time\b|\b(?:UTC|GMT|midnight|noon|dawn|overnight|yesterday|today|tonight)\b"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    rf"|\b(?:{_MONTHS})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:in|since|by|until)\s+(?:1[89]|20)\d\d\b"
    r"|\b(?:morning|afternoon|evening|night|week|month|year)s?\s+(?:ago|earlier|later)\b"
    # Ahead of the story's date: "next month", "later this year", "in a few weeks". Not "last
    # year" or "this week": news text says them of everything, and a sentence "erupting since
    # last year" does not say when Mauna Loa last erupted.
    r"|\b(?:next|later\s+this|(?:early|late)\s+next|by\s+next)\s+"
    r"(?:week|weekend|month|year|spring|summer|fall|autumn|winter)\b"
    r"|\b(?:in|within|at\s+least)\s+(?:a\s+(?:few|couple\s+of)|several|the\s+coming|\d+|two|three"
    r"|four|five|six|seven|eight|nine|ten)\s+(?:days|weeks|months|years)\b"
    # A month on its own: "in September", "mid-September", "early March 2020".
    rf"|\b(?:in|since|by|until|during|early|mid|late)[\s-]+(?:{_MONTHS_PLAIN})\b",
)
# "What time did the building collapse?", "at what hour": a clock time answers, not a day.
_CLOCK_ASKED = re.compile(r"\bwhat\s+(?:time|hour)\b|\bat\s+what\s+hour\b", re.IGNORECASE)
_CLOCK = re.compile(rf"{_CLOCK_TIME}|\b(?:midnight|noon|dawn)\b")
_WHERE = re.compile(
    r"\b(?:in|at|near|outside|inside|from|across|into|to|off|on)\s+(?:the\s+)?"
    # Days, months and clock zones follow the same prepositions ("on August 29", "at 9 ET").
    r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March"
    r"|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul"
    r"|Aug|Sept?|Oct|Nov|Dec|ET|EST|EDT|PT|PST|PDT|CT|CST|CDT|MT|UTC|GMT)\b)"
    r"(?:[A-Z][\w'’.-]+)(?:\s+[A-Z][\w'’.-]+)*"
)
# "Which country's lawmakers...", "what state has...": a kind of place the answer names anywhere
# in the sentence (index.places), not only after a preposition.
_PLACE_NOUN = re.compile(
    rf"{_PLACE_ASKED}(?P<noun>countr(?:y|ies)|nations?|states?|provinces?)\b",
    re.IGNORECASE,
)
# A person or organisation's name: two or more capitalised words ("Bob Behnken", "Yemen-based
# Houthi"); at the start of a sentence too ("Barry Bonds holds the record"), unless its first
# word is one any sentence may open with, capitalised ("After Biden spoke", "Monday's vote").
_SENTENCE_OPENERS = (
    "the|a|an|in|on|at|to|for|by|with|from|after|before|as|but|and|or|if|when|while|since|during"
    "|this|that|these|those|it|its|he|she|they|we|his|her|their|our|there|here|some|many|most"
    "|all|one|two|three|according|despite|although|though|because|under|over|meanwhile|still"
    "|yet|now|then|also|even|only|about|across|among|without|within|following|last|next"
    "|earlier|later|today|yesterday|what|which|who|where|why|how|asked|mr|mrs|ms|dr"
    "|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    "|january|february|march|april|may|june|july|august|september|october|november|december"
)
_FULL_NAME = re.compile(
    rf"(?:(?<![.!?]\s)(?<!^)\b|^[\"“‘']?(?!(?i:{_SENTENCE_OPENERS})\b))[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)+"
)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)*")
_QUOTE_MARK = re.compile(r"[\"“”]")
# A figure that was updated: the answer to "how many ... now?" is the latest count.
_UPDATED = re.compile(
    r"\b(?:rose|risen|climbed|jumped|increased|grew|reached|now|total(?:led|ed)?|so\s+far"
    r"|to\s+date|latest|updated|as\s+of)\b",
    re.IGNORECASE,
)
_FILLER = frozenset(
    """
    what which who whom whose when where why how is are was were did does do has have had be been
    the a an many much of in on at to for by with and or there that this these those it its
    time date day year place city country person people kind sort type exactly really now still
    currently i you we they he she me us them my your our their wait so ok okay hey please tell
    know about
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
# Question words after which the next words say what is asked for: the counted thing of "how
# many", the verb or role of "who" ("who claimed", "who were the astronauts"). After "which"
# and "what" they are mostly description ("which wildly popular show").
_FOCUS_WORD = re.compile(r"\b(?:who|how\s+(?:many|much))\b", re.IGNORECASE)
_WHO = re.compile(r"\bwho\b", re.IGNORECASE)
# "What was the name of the storm?", "what is the storm's name": a name is the answer, as for
# "who" (a name the question does not give).
_NAME_ASKED = re.compile(
    r"\bwhat(?:'s|\s+(?:is|was|are|were))\s+(?:the\s+)?names?\b|\bwhat\s+(?:name|title)s?\b"
    r"|['’]s\s+name\b",
    re.IGNORECASE,
)
# "Which [two major] supermarkets plan...", "which kind of animal": the noun phrase after "which",
# up to the verb, an adverb or a preposition; its last word is the head.
_WHICH_NOUN = re.compile(
    r"\bwhich\s+(?:(?:kind|type|sort)\s+of\s+)?(?:[\w'’-]+\s+){0,3}?(?P<head>[\w'’-]+)"
    r"(?=\s+(?:is|are|was|were|did|does|do|has|have|had|will|would|could|can|may|might|should"
    r"|plans?|recently|just|now|still|[a-z]+ly|to|of|in|on|at|for|with|from|by|that|the|this"
    r"|its|their|his|her)\b|\s*[?,.]|\s*$)",
    re.IGNORECASE,
)


# "Lava could soon reach which type of infrastructure?", "Disney stopped selling what?": asked
# in place, the word right before the question word (not a preposition: "playing in which
# tournament") is what the answer does, as "claimed" is in "who claimed the attack?".
_IN_SITU = re.compile(
    r"(?<=\w)\s+(?!(?:over|for|to|with|about|in|on|at|by|from|into|of|and|or|but)\b)"
    r"(?P<verb>[a-z][\w'’-]*)\s+(?:which|what)$"
)


def checkable(kind: str, question: str) -> bool:
    """Whether :func:`offers` can tell that a sentence holds what ``question`` asks for: not
    for ``other`` questions, nor for ``entity`` questions that ask neither "who" nor for a
    name ("Which show was green lit?": nearly every news sentence names something)."""
    if kind == "entity":
        asking = asking_part(question)
        return _WHO.search(asking) is not None or _NAME_ASKED.search(asking) is not None
    return kind != "other"


def offers(kind: str, sentence: str, question: str) -> bool:
    """Whether ``sentence`` holds what a question of type ``kind`` asks for.

    A number for ``count``, a date or time for ``time``, a capitalised place after a locative
    preposition for ``place`` (for "which country/state/province", a name of that kind of place
    anywhere: :mod:`index.places`), a name the question does not already give for ``entity``, a
    description of the thing asked about for ``definition``, a quotation or the speaker named
    for ``statement``. Expressions the question itself contains do not count ("how many of the
    54 delegates" is not answered by "54").

    Parameters
    ----------
    kind : str
        One of :data:`TYPES`; ``other`` never matches.
    sentence, question : str

    Returns
    -------
    bool
    """
    pattern = {
        "count": _NUMBER,
        "time": _WHEN,
        "place": _WHERE,
        "entity": _FULL_NAME,
        "definition": _NAME,
        "statement": _QUOTE_MARK,
    }.get(kind)
    if pattern is None:
        return False
    if kind == "entity":
        asking = asking_part(question)
        if _WHO.search(asking) is None:
            # Only "who" questions (a person or group) are helped by the name test; a question
            # asking for a name wants it next to the thing named.
            named = _NAME_ASKED.search(asking) is not None
            return named and _names_the_thing(sentence, question, asking)
    if kind == "place":
        noun = place_noun(question)
        if noun is not None:
            asked = question.casefold()
            named = places_in(sentence, PLACE_NOUNS[noun.casefold()])
            return any(not _in_question(name, asked) for name in named)
    if kind == "time" and _CLOCK_ASKED.search(asking_part(question)):
        pattern = _CLOCK
    if kind == "count":
        return _offers_count(sentence, question)
    if kind == "definition":
        return _describes(sentence, question)
    if kind == "statement":
        return _QUOTE_MARK.search(sentence) is not None or _names_speaker(sentence, question)
    asked = question.casefold()
    for match in pattern.finditer(sentence):
        found = match.group().casefold()
        if kind in ("place", "entity", "definition"):
            # The name itself: its capitalised words, without the preposition before a place.
            words = [w.casefold() for w in re.findall(r"[A-Z][\w'’-]*", match.group())]
            words = [w for w in words if w not in _FILLER]
            if words and all(w in asked for w in words):
                continue  # the question names it already
        elif kind != "statement" and _in_question(found, asked):
            continue
        return True
    return False


# "the name of the storm": what is named (the last word before the question mark).
_NAMED_THING = re.compile(
    r"\bnames?\s+of\s+(?:the\s+|a\s+|an\s+|this\s+|that\s+|its\s+|their\s+)?(?:[\w'’-]+\s+)?"
    r"(?P<head>[\w'’-]+)\s*\??\s*$|\bthe\s+(?P<owner>[\w'’-]+)['’]s\s+name\b",
    re.IGNORECASE,
)


def _names_the_thing(sentence: str, question: str, asking: str) -> bool:
    """For "what was the name of the storm?" (``asking``: the question's asking sentence): a
    capitalised name the question does not give, next to the thing named ("Storm Nicole", "the
    storm, Nicole") or after "named"/"called". Any name in the sentence would not do: nearly
    every news sentence names something."""
    found = _NAMED_THING.search(asking)
    head = (found.group("head") or found.group("owner")) if found else None
    names = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
    # The thing and "named" in any case; the name itself capitalised.
    pattern = rf"\b(?i:named|called|dubbed)\s+(?P<name>{names})"
    if head:
        head = re.escape(head.rstrip("s"))
        pattern += rf"|\b(?i:{head}s?),?\s+(?P<after>{names})|(?P<before>{names})\s+(?i:{head}s?)\b"
    asked = question.casefold()
    for match in re.finditer(pattern, sentence):
        name = match.group("name") or match.group("after") or match.group("before") or ""
        words = [w.casefold() for w in re.findall(r"[A-Z][\w'’-]*", name)]
        words = [w for w in words if w not in _FILLER]
        if words and not all(w in asked for w in words):
            return True
    return False


def _offers_count(sentence: str, question: str) -> bool:
    """A number of the kind asked for that the question does not give: a percentage for "what
    percentage", a sum of money for "how much ... cost", else a count that is not part of a date,
    a clock time or a year ("May 9", "9:40", "2024" are not how many)."""
    if _PERCENT_ASKED.search(question):
        patterns = (_PERCENT,)
    elif _CHANGE_ASKED.search(question):
        patterns = (_PERCENT, _MONEY)
    elif _MONEY_ASKED.search(question):
        patterns = (_MONEY,)
    else:
        patterns = (_NUMBER,)
    asked = question.casefold()
    # "10 years" answers "how many years", not "how many Russians".
    durations_asked = any(_DURATION_AFTER.match(" " + word) for word in focus_words(question))
    for pattern in patterns:
        for match in pattern.finditer(sentence):
            found = match.group()
            if _in_question(found, asked):
                continue
            if pattern is _NUMBER:
                before = sentence[max(0, match.start() - 12) : match.start()]
                after = sentence[match.end() : match.end() + 12]
                if _is_date_part(found, before, after):
                    continue
                if _DURATION_AFTER.match(after) and not durations_asked:
                    continue
            return True
    return False


# What follows a name in a sentence that says what it is: an apposition ("Keith Kellogg, a
# retired lieutenant general"), a copula ("Faithless Hijabi is an organisation"), a bracket.
_DESCRIPTION_AFTER = re.compile(
    r"\s*(?:,\s*(?:a|an|the|who|which|whose|one\s+of|now|then|former|[\w-]+['’]s)\b"
    r"|\s+(?:is|was|are|were|has\s+been|had\s+been|remains|became|serves\s+as)\s+"
    r"(?:a|an|the|one|now|also|still|widely|best)\b|\s*\()",
    re.IGNORECASE,
)
# ... or a role just before it ("retired general Keith Kellogg", "Finnish open-source video
# game developer Perttu Ahola", "the envoy, Keith Kellogg"): a role noun, not any word ("seen
# shortages on sourdough starter" does not say what a sourdough starter is).
_DESCRIPTION_BEFORE = re.compile(
    r"\b(?!(?:after|under|over|other|never|ever|whether|either|neither|rather|later|together"
    r"|her|per|for|current|recent|different|present|event|moment|meant|want|went|sent|spent)\b)"
    r"(?:[a-z-]+(?:er|or|ist|ian|ant|ent|man|woman|person|ate)|general|envoy|chief|leader"
    r"|minister|official|head|judge|star|coach|mayor|governor|senator|king|queen|prince|pope"
    r"|aide|adviser|advisor|host|icon|legend|veteran|hopeful|nominee|pick|ally|rival|critic"
    r"|group|organi[sz]ation|company|firm|party|agency|charity|band|movement|militia"
    # Titles written before a name, capitalised or not ("Foreign Secretary Dominic Raab",
    # "Secretary of Justice Wanda Vázquez").
    r"|secretary|president|chancellor|premier|ambassador|justice|commissioner|representative"
    r"|congress(?:wo)?man|sheriff|attorney\s+general|speaker|emir|sultan|archbishop|bishop)"
    r"(?:,\s*|\s+)$",
    re.IGNORECASE,
)


def _describes(sentence: str, question: str) -> bool:
    """Whether ``sentence`` says what the thing a "who is X" / "what is X" question names is."""
    found = _DEFINITION.match(asking_part(question))
    if found is None:
        return False
    subject = found.group("subject").strip(" ?.!")
    words = [re.escape(w) for w in subject.split()]
    mention = re.search(r"\b" + r"\s+".join(words) + r"\b", sentence, re.IGNORECASE)
    if mention is None:
        return False
    before = sentence[max(0, mention.start() - 60) : mention.start()]
    return bool(
        _DESCRIPTION_AFTER.match(sentence, mention.end()) or _DESCRIPTION_BEFORE.search(before)
    )


def _names_speaker(sentence: str, question: str) -> bool:
    """Whether ``sentence`` names the person a "what did X say" question asks about (by the
    last word of the name or title: "Putin", "service")."""
    speech = parse_speech_question(question)
    if speech is None:
        return False
    last = speech.speaker.split()[-1]
    return re.search(rf"\b{re.escape(last)}\b", sentence, re.IGNORECASE) is not None


def _in_question(found: str, asked: str) -> bool:
    """Whether the (case-folded) question already holds ``found`` as a whole word or number."""
    return re.search(rf"(?<![\w.]){re.escape(found.casefold())}(?![\w])", asked) is not None


def _is_date_part(number: str, before: str, after: str) -> bool:
    if re.fullmatch(r"(?:1[89]|20)\d\d", number):
        return True  # a year
    if re.search(rf"(?:{_MONTHS_PLAIN})\.?\s*$", before) or re.match(
        rf"\s*(?:{_MONTHS_PLAIN})\b", after
    ):
        return True  # "May 9", "9 May"
    return bool(re.search(r":\s*$", before) or re.match(r":\d", after))  # 9:40


def reports_update(sentence: str) -> bool:
    """Whether ``sentence`` reports a figure as updated ("rose to 58", "now", "so far")."""
    return bool(_UPDATED.search(sentence))


def focus_words(question: str) -> list[str]:
    """The words a question asks about first: after "who" or "how many/much", auxiliaries
    skipped; after "which", the head noun of what follows.

    "who claimed the drone attack?" -> ["claimed"]; "how many delegates did Biden win?" ->
    ["delegates"]; "who were the astronauts on the launch?" -> ["astronauts"]. At most two
    words (a counted noun may have a modifier: "how many covid cases"), lower case; "which
    wildly popular show was renewed?" -> ["show"]; asked in place, the word before the question
    word too: "lava could reach which type of infrastructure?" -> ["infrastructure", "reach"],
    "Disney stopped selling what?" -> ["selling"]; empty for other questions.
    """
    asking = asking_part(question)
    which = _WHICH_NOUN.search(asking)
    if which is not None:
        # "which wildly popular show was ...": the head noun says what is asked for.
        return [
            which.group("head").casefold(),
            *_asked_in_place(asking, which.start() + len("which")),
        ]
    for what in re.finditer(r"\bwhat\b", asking, re.IGNORECASE):
        if verb := _asked_in_place(asking, what.end()):
            return verb
    found = _FOCUS_WORD.search(asking)
    if found is None:
        return []
    words: list[str] = []
    for word in re.findall(r"[\w'’-]+", asking[found.end() :].casefold()):
        if word in _FILLER:
            if words:
                break
            continue
        words.append(word)
        if len(words) == 2:
            break
    return words


def _asked_in_place(asking: str, end: int) -> list[str]:
    """The word before the question word ending at ``end`` when it is asked in place ("reach
    which", "selling what"), else nothing."""
    found = _IN_SITU.search(asking[:end])
    verb = found.group("verb").casefold() if found else None
    return [verb] if verb and verb not in _FILLER else []


# "Which state has the most cases?", "the largest city": the answer holds the same superlative
# ("California has the most cases"). "Most recent" and "most likely" are not ones.
_SUPERLATIVE = re.compile(
    r"\b(?P<word>most|least|fewest|largest|biggest|highest|lowest|greatest|smallest|longest"
    r"|shortest|oldest|youngest|deadliest|costliest|richest|fastest|best|worst)\b"
    r"(?!\s+(?:recent(?:ly)?|likely|often|of\s+all)\b)",
    re.IGNORECASE,
)


def place_noun(question: str) -> str | None:
    """The kind of place a "which country/state/province" question asks for, as written
    ("states" in "which U.S. states..."), or None."""
    found = _PLACE_NOUN.search(asking_part(question))
    return found.group("noun") if found else None


def superlative(question: str) -> str | None:
    """The superlative the question's asking sentence turns on, lower case, or None.

    Examples
    --------
    >>> superlative("Which state has the most confirmed cases of monkeypox?")
    'most'
    >>> superlative("What is the most recent news on the strike?") is None
    True
    """
    found = _SUPERLATIVE.search(asking_part(question))
    return found.group("word").casefold() if found else None


def superlative_windows(sentence: str, word: str, width: int = 4) -> list[str]:
    """The ``width`` words after each use of the superlative ``word`` in ``sentence`` (what it
    qualifies: "the most *cases*", "the most *Thanksgiving games*"); empty if it has none."""
    return [
        " ".join(re.findall(r"[\w'’-]+", sentence[found.end() :])[:width])
        for found in re.finditer(rf"\b{re.escape(word)}\b", sentence, re.IGNORECASE)
    ]


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


# Verbs that only carry a where/when question ("where did the launch take place?", "when did
# it happen?"): the answer says "launched from Kennedy Space Center", not "took place".
_CARRIER_VERBS = re.compile(
    r"\b(?:take|took|taken|takes|taking)\s+place\b|\b(?:happen|happened|happens|occur"
    r"|occurred|occurs)\b|\bexactly\b",
    re.IGNORECASE,
)


def without_latest(question: str) -> str:
    """``question`` without the words that say when rather than what: the ones asking for the
    newest coverage ("what is the latest on Brexit"; as search words they find anything else
    that is "latest"), and verbs that only carry a where/when question ("take place")."""
    return _CARRIER_VERBS.sub(" ", _LATEST.sub(" ", question))


def wants_latest(question: str) -> bool:
    """Whether ``question`` asks for the newest coverage ("what is the latest on X", "still",
    "now", "currently", "most recent"). Only the asking sentence counts: in "Though still high,
    prices have been falling now for weeks. What was the record?" the scene is set in the past."""
    return bool(_LATEST.search(asking_part(question)))


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
    asking = asking_part(question)
    for kind, pattern in (("count", _COUNT), ("time", _TIME), ("place", _PLACE)):
        if pattern.search(asking):
            return QuestionType(kind, latest)
    if _DEFINITION.match(asking) and not re.search(r"\b(?:doing|happening|going)\b", asking):
        return QuestionType("definition", latest)
    if _ENTITY.search(asking):
        return QuestionType("entity", latest)
    return QuestionType("other", latest)


def is_question(sentence: str) -> bool:
    """Whether ``sentence`` asks: it ends with "?", before any closing quotes or brackets."""
    return sentence.rstrip("”\"'’) ").endswith("?")


@functools.lru_cache(maxsize=256)  # offers() asks it once per candidate sentence
def asking_part(question: str) -> str:
    """The sentence of ``question`` that asks (its last question sentence; else its last
    sentence), stripped: "Judge hit his 62nd home run. Who holds the record?" -> "Who holds the
    record?". The whole question, stripped, when it is one sentence."""
    # The news sentence splitter: "Which U.S. state has..." is one sentence.
    parts = [text for span in split_sentences(question) if (text := span.of(question).strip())]
    asking = [p for p in parts if is_question(p)]
    return (asking or parts or [question.strip()])[-1]
