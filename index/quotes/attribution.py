"""Attributions: the speech verbs (cues), their subjects, and the clause a cue introduces.

An attribution is a speaker followed by a speech verb (``Zelenskyy told Sky News``, ``he said``,
``the minister added``), the inverted form right after a quotation (``said Zelenskyy``), or
``according to X``. Attributions are found verb first: speech verbs are rare, and trying the
subject pattern at every word of the text costs ten times more than trying it in front of each
verb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .marks import _MASK
from .patterns import _DAYS, _LOWER, _OSP, _SP, _UPPER, _WORD_START, _alternation, _words
from .people import _NAME, _NAME_RUN, _TITLE_NP, _People, _Ref, _split_title, _title_from_words

_SPEECH_VERBS = _words(
    "said says say told tells added adds wrote writes stated states warned warns insisted insists "
    "argued argues explained explains asked asks noted notes posted posts tweeted tweets "
    "continued continues replied replies claimed claims declared declares acknowledged "
    "acknowledges admitted admits stressed stresses emphasised emphasized emphasises emphasizes "
    "recalled recalls responded responds conceded concedes concluded concludes announced "
    "announces suggested suggests predicted predicts promised promises vowed vows cautioned "
    "cautions agreed agrees"
)
# Verbs after which a bare noun phrase is almost always the start of the reported clause
# ("said the plan would work"); for the others ("noted the importance", "wrote a letter") a
# paraphrase needs "that" or a subject pronoun.
_LOOSE_VERBS = _words("said says say told tells insisted insists argued argues")
# Verbs that take the person spoken to before the reported words.
_ADDRESSEE_VERBS = _words("told tells asked asks")

_VERBS = _alternation(_SPEECH_VERBS)
_ANON = (
    rf"(?:(?:[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome|[Mm]any|[Oo]ther)"
    rf"{_SP}(?:[\w-]+{_SP}){{0,2}}?(?:spokes(?:man|woman|person)|officials?|sources?|aides?"
    r"|diplomats?|analysts?|experts?|people|residents?|witness(?:es)?|observers?|lawmakers?"
    r"|critics?|insiders?)|(?:[Oo]fficials|[Ss]ources|[Dd]iplomats|[Aa]nalysts|[Ee]xperts"
    r"|[Cc]ritics|[Ww]itnesses|[Rr]esidents|[Oo]bservers|[Ll]awmakers|[Aa]uthorities|[Oo]thers"
    r"|[Pp]olice))(?![\w’'])"
)
_PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)(?![\w’'])"
_SUBJECT = (
    rf"{_WORD_START}(?:(?P<pron>{_PRONOUN})|(?P<title>{_TITLE_NP})|(?P<anon>{_ANON})"
    rf"|(?P<name>{_NAME}))"
)
_PRE_VERB = (
    rf"(?:(?:also|later|then|previously|earlier|repeatedly|once|recently|again|publicly"
    rf"|reportedly|has|have|had|would|will|on{_SP}{_DAYS}|{_DAYS}|yesterday|today){_SP}){{0,2}}"
)
# "Zelenskyy said", "Andrii Sybiha, the foreign minister, said", "the president has said".
_ANCHOR = re.compile(
    rf"{_SUBJECT}(?P<appos>,{_SP}[^,.;:!?\"“”\n{_MASK}]{{2,80}}?,)?{_SP}{_PRE_VERB}"
    rf"(?P<verb>{_VERBS})(?![\w’'-])"
)
# Attributions are found verb first: speech verbs are rare, and trying the subject pattern at
# every word of the text costs ten times more than trying it in front of each verb.
_VERB_HIT = re.compile(rf"(?:{_VERBS})(?![\w’'-])")
_WORD_STARTS = re.compile(r"(?<![\w’'.\-])\w")
_SUBJECT_REACH = 160  # characters before a verb where its subject may start
_SUBJECT_MISSES = 12  # words tried, nearest first, before giving up on a subject
# The inverted form, only valid right after a closing quotation mark: '"...," said Zelenskyy.'
_INVERTED = re.compile(rf"{_OSP},?{_OSP}(?P<verb>{_VERBS}){_SP}{_SUBJECT}")
_AFTER_CLOSE = re.compile(rf"{_OSP},?{_OSP}(?=\S)")
_ACCORDING = re.compile(
    rf"(?<![\w’'])[Aa]ccording{_SP}to{_SP}"
    rf"(?:(?:a|an|the|his|her|its|their){_SP}(?:[\w-]+{_SP}){{0,2}}?(?:statement|post|letter"
    rf"|report|interview|message|transcript|readout|video|speech|comments|remarks){_SP}"
    rf"(?:from|by|with|of){_SP})?"
    rf"(?:(?P<pron>him|her|them)|(?P<title>{_TITLE_NP})|(?P<anon>{_ANON})"
    rf"|(?:the{_SP})?(?P<name>{_NAME}))"
    rf"(?={_OSP}(?:[,.;:!?]|$))",
    re.MULTILINE,
)
_ADDRESSEE = re.compile(
    rf"{_SP}(?:reporters|journalists|lawmakers|supporters|parliament|him|her|them|us|me"
    rf"|(?:the|a|an|his|her|their){_SP}(?:[\w’'-]+{_SP}){{0,2}}?[\w’'-]+"
    rf"(?={_SP}(?:that|on|in|at|during|he|she|it|they|we|I)\b|{_OSP}[,:.]|{_OSP}[\"“])"
    rf"|{_NAME})"
)
_ADVERBIAL = re.compile(
    rf",?{_SP}(?:(?:on{_SP})?{_DAYS}|yesterday|today|tonight|earlier|later|recently|previously"
    rf"|again|also|(?:last|this){_SP}(?:week|month|year|night|morning|weekend)"
    rf"|(?:late|early){_SP}{_DAYS}"
    rf"|(?:in|at|during|after|before|on){_SP}[^,.;:!?\"“”\n{_MASK}]{{1,60}}?"
    rf"(?={_OSP}[,:]|{_SP}that\b|{_OSP}[\"“]|{_SP}(?:he|she|it|they|we|I)\b))"
)
# Between an attribution and the opening mark it introduces: "said:" (the quote may start the
# next paragraph), "said that", or a place or occasion ending in a colon ("wrote in a post on
# X:", "said, adding:"). Free text before a colon is not enough: in 'X said the message was
# clear: "..."' the words are not X's.
_LEAD_TAIL = re.compile(
    rf"(?:{_OSP}(?::\s*|,|{_SP}that\b)?{_OSP}"
    rf"|(?:{_SP}(?:on|in|at|during|after|before|to|from|via|with|through)\b"
    rf"|,{_SP}(?:adding|saying|writing|noting)\b)[^.!?\"“”\n{_MASK}]{{0,60}}?:{_OSP})"
    rf"(?=[\"“«‘'])"
)
_THAT = re.compile(rf",?{_SP}that{_SP}")
_STRICT_CLAUSE = re.compile(rf"{_SP}(?=(?:he|she|it|they|we|I|you|there|this|these|those)\b)")
_LOOSE_CLAUSE = re.compile(
    rf"{_SP}(?=(?:the|a|an|his|her|its|their|our|no|some|all|both|every|many|[{_UPPER}]"
    rf"[{_LOWER}]+)(?!\w))"
)
# A later attribution joined by a coordinator starts a separate statement:
# "Zelenskyy said he was ready, but Sybiha said it was too early."
_COORDINATED = re.compile(
    rf"(?:[,;]{_OSP}(?:and|but|while|whereas|although|though)?|{_SP}"
    rf"(?:but|while|whereas)){_OSP}$"
)


def _ref_from_match(match: re.Match[str], people: _People) -> _Ref | None:
    apposition = match.groupdict().get("appos")
    if (match.group("title") or match.group("anon")) and apposition:
        # "The minister, Andrii Sybiha, said": the apposition names the speaker.
        named = _NAME_RUN.fullmatch(apposition.strip(", \t"))
        if named:
            tokens, _title = _split_title(named.group())
            if tokens and tokens[-1][:1].isupper():
                return _Ref("name", people.display(tokens))
    if match.group("pron"):
        return _Ref("pron", match.group("pron").lower())
    if match.group("title"):
        words = match.group("title").split()[1:]  # drop "the"
        return _Ref("title", _title_from_words(" ".join(words)) or words[-1].lower())
    if match.group("anon"):
        return _Ref("anon", match.group("anon"))
    tokens, _title = _split_title(match.group("name"))
    if not tokens or not tokens[-1][:1].isupper():
        return None
    return _Ref("name", people.display(tokens))


@dataclass(slots=True)
class _Anchor:
    start: int
    end: int  # end of the verb (or of the "according to" subject)
    ref: _Ref
    verb: str  # "according" for "according to X"
    capitalised: bool  # starts with a capital: may begin a new sentence


def _anchor(match: re.Match[str], people: _People) -> _Anchor | None:
    ref = _ref_from_match(match, people)
    if ref is None:
        return None
    verb = match.group("verb") if "verb" in match.re.groupindex else "according"
    start = match.start("verb") if match.re is _INVERTED else match.start()
    return _Anchor(start, match.end(), ref, verb, match.group().lstrip(" ,")[:1].isupper())


def _skip_adverbials(masked: str, position: int, verb: str) -> int:
    if verb in _ADDRESSEE_VERBS:
        found = _ADDRESSEE.match(masked, position)
        if found:
            position = found.end()
    for _ in range(2):
        found = _ADVERBIAL.match(masked, position)
        if not found:
            break
        position = found.end()
    return position


def _clause_start(masked: str, verb_end: int, position: int, verb: str) -> int | None:
    """Where the reported clause starts after a speech verb (and its addressee and adverbials,
    which end at ``position``), or None when what follows is not a reported clause."""
    found = _THAT.match(masked, position)
    if found:
        return found.end()
    found = _STRICT_CLAUSE.match(masked, position)
    # "told reporters the plan ..." is a clause; "told the story of ..." is an object.
    loose = verb in _LOOSE_VERBS and (
        verb not in _ADDRESSEE_VERBS or _ADDRESSEE.match(masked, verb_end) is not None
    )
    if found is None and loose:
        found = _LOOSE_CLAUSE.match(masked, position)
    return found.end() if found else None
