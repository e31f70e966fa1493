"""Attributions: the speech verbs (cues), their subjects, and the clause a cue introduces.

An attribution is a speaker followed by a cue (``Zelenskyy told Sky News``, ``he said``, ``the
minister added``, ``Whitfield testified``, ``Rubio shot back``), the inverted form right after a
quotation (``said Zelenskyy``, ``said county treasurer Ana Ruiz``), or ``according to X``.

* Cues come in three sets. *Reporting verbs* (said, told, argued, ...) also introduce reported
  speech without quotation marks ("X said (that) ..."). *Quotation cues* (testified, countered,
  snapped, quipped, shot back, pointed out, ...) are manner-of-speaking and reply verbs that
  attribute only a quotation they touch: "the stock snapped a losing streak" is no statement.
  *Participle cues* (saying, adding, writing, ...) hand a quotation that follows them to the
  subject of their sentence ("Clinton claimed victory in a tweet, saying: ..."), also across a
  dozen words of time, place, medium and parentheses ("Holt took to social media, posting at
  9:15 pm local time (0115 UTC) on Facebook, ...").
* A subject is a pronoun, a title phrase ("the prime minister"), an anonymous source ("a
  spokesman", "officials", "Reports", "Prosecutors") or a name; a name or title after a
  preposition ("analysts at the bank said", "authorities in Britain and the United States
  announced") is not the subject. A name may carry descriptors in front ("Apex CEO Mia
  Chen", "super PAC spokeswoman Kellyanne Conway": the speaker is the last run of capitalised
  words, after any title or honorific), a parenthesis ("Sen. Marco Rubio (R-Fla.)") and an
  apposition ("Tom Field, a local clerk, said"; "Harry Bond, 30, of Raleigh, said").
* Attributions are found verb first: cues are rare, and trying the subject pattern at every word
  of the text costs ten times more than trying it in front of each cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .marks import _MASK
from .patterns import _DAYS, _LOWER, _OSP, _SP, _UPPER, _WORD_START, _alternation, _words
from .people import (
    _DEMONYM_ENDINGS,
    _DEMONYMS,
    _DESCRIPTOR,
    _LEADING_STOP,
    _NAME,
    _NAME_RUN,
    _TITLE_NP,
    _description_start,
    _People,
    _Ref,
    _split_title,
    _title_from_words,
    _written_title,
)

# Reporting verbs: they introduce reported speech with or without quotation marks.
_REPORTING_VERBS = _words(
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
# Quotation cues: how something was said, or in answer to whom. Next to a quotation they
# attribute it; elsewhere they are too often not speech ("the stock snapped", "he charged the
# gate") to introduce a paraphrase.
_QUOTE_CUES = _words(
    """
    remarked remarks testified testifies countered counters snapped snaps quipped quips joked
    jokes retorted retorts answered answers observed observes mused muses lamented laments
    complained complains charged charges contended contends maintained maintains asserted asserts
    boasted boasts bragged brags confirmed confirms denied denies objected objects protested
    protests pleaded pleads urged urges demanded demands scoffed scoffs sniffed sniffs shouted
    shouts yelled yells screamed screams exclaimed exclaims proclaimed proclaims speculated
    speculates reasoned reasons opined opines ventured ventures wondered wonders interjected
    interjects interrupted interrupts echoed echoes repeated repeats reiterated reiterates
    elaborated elaborates clarified clarifies recounted recounts assured assures reminded reminds
    mocked mocks teased teases deadpanned deadpans laughed laughs sighed sighs fumed fumes
    retaliated barked barks implored implores begged begs cried cries chanted chants murmured
    murmurs whispered whispers muttered mutters grumbled grumbles groused grouses griped gripes
    bemoaned bemoans confessed confesses revealed reveals alleged alleges blasted blasts emailed
    emails texted texts messaged commented comments summarized summarizes summarised summarises
    hinted hints pledged pledges swore swears threatened threatens challenged challenges
    questioned questions reflected reflects disagreed disagrees rejoined boomed booms thundered
    thunders gushed gushes raved raves cheered cheers marveled marvelled marvels
    state argue write add note claim insist warn explain agree respond reply
    """
)
# Phrasal cues, each as written with one space between its words.
_PHRASAL_CUES = frozenset(
    f"{verb} {particle}"
    for verbs, particle in (
        ("shot shoots fired fires hit hits wrote writes", "back"),
        ("pointed points spoke speaks lashed lashes", "out"),
        ("chimed chimes cut cuts weighed weighs", "in"),
        ("spoke speaks summed sums followed follows piped pipes", "up"),
        ("went goes", "on"),
        ("put puts", "it"),
    )
    for verb in verbs.split()
)
_CUES = _REPORTING_VERBS | _QUOTE_CUES | _PHRASAL_CUES
# Participle cues hand the quotation after them to their sentence's subject.
_PARTICIPLE_CUES = _words(
    "saying adding writing tweeting posting noting telling explaining arguing declaring "
    "insisting warning asking stating remarking replying responding answering quipping joking "
    "continuing concluding"
)

_VERBS = _alternation(_CUES).replace(r"\ ", _SP)
_PARTICIPLES = _alternation(_PARTICIPLE_CUES)
_ANON = (
    rf"(?:(?:[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome|[Mm]any|[Oo]ther)"
    rf"{_SP}(?:[\w-]+{_SP}){{0,2}}?(?:spokes(?:man|woman|person)|officials?|sources?|aides?"
    r"|diplomats?|analysts?|experts?|people|residents?|witness(?:es)?|observers?|lawmakers?"
    r"|critics?|insiders?|advisers?|advisors?|persons?|members?|supporters?|allies|ally"
    r"|strategists?|operatives?|consultants?|friends?|voters?)"
    r"|(?:[Oo]fficials|[Ss]ources|[Dd]iplomats|[Aa]nalysts|[Ee]xperts"
    r"|[Cc]ritics|[Ww]itnesses|[Rr]esidents|[Oo]bservers|[Ll]awmakers|[Aa]uthorities|[Oo]thers"
    r"|[Pp]olice))(?![\w’'])"
)
_PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)(?![\w’'])"
# A party-and-state tag or an age after a name: "Sen. Marco Rubio (R-Fla.)".
_PAREN = rf"(?:{_SP}\([^()\n{_MASK}]{{1,30}}\))"
# "Mr. Morgan of the Sierra Club", "Angela Merkel of Germany".
_OF_PLACE = rf"(?:{_SP}of{_SP}(?:the{_SP})?{_NAME})"
_SUBJECT = (
    rf"{_WORD_START}(?:(?P<pron>{_PRONOUN})|(?P<title>{_TITLE_NP})|(?P<anon>{_ANON})"
    rf"|(?P<name>{_NAME}){_PAREN}?{_OF_PLACE}?)"
)
# A manner adverb ("angrily", "evenly"), not a noun that happens to end in -ly ("Clinton ally").
_MANNER = (
    r"(?!(?:family|ally|rally|daily|weekly|monthly|assembly|supply|early|only|belly|bully|jelly"
    r"|holly|lily|sally|billy|molly|kelly|emily|polly|tally|folly|gully|reply|apply|comply"
    r"|imply|fly|july)\b)[a-z]{3,}ly"
)
_PRE_VERB = (
    rf"(?:(?:also|later|then|previously|earlier|repeatedly|once|recently|again|publicly"
    rf"|reportedly|has|have|had|would|will|long|often|never|always|just|still|only|even|first"
    rf"|quickly|flatly|simply|angrily|bluntly|sharply|firmly|openly|proudly|quietly|loudly"
    rf"|forcefully|calmly|jokingly|testily|curtly|privately|frequently|immediately|initially"
    rf"|subsequently|ultimately|finally|emphatically|defiantly|tersely|candidly|evenly|further"
    rf"|on{_SP}{_DAYS}|{_DAYS}|yesterday|today|{_MANNER}){_SP}){{0,2}}"
)
# An apposition: "Andrii Sybiha, the foreign minister, said"; "Harry Bond, 30, of Raleigh,
# N.C., said". It may hold commas and abbreviations, never a quotation or a clause break.
_APPOSITION = rf"(?P<appos>,{_SP}[^;:!?\"“”\n{_MASK}]{{2,160}}?,)"
# "Zelenskyy said", "Andrii Sybiha, the foreign minister, said", "the president has said".
_ANCHOR = re.compile(rf"{_SUBJECT}{_APPOSITION}?{_SP}{_PRE_VERB}(?P<verb>{_VERBS})(?![\w’'-])")
# Attributions are found verb first: speech verbs are rare, and trying the subject pattern at
# every word of the text costs ten times more than trying it in front of each verb.
# Checking the word start first skips most positions before the long alternation is tried.
_VERB_HIT = re.compile(rf"(?<![\w’'.\-])(?:{_VERBS})(?![\w’'-])")
_WORD_STARTS = re.compile(r"(?<![\w’'.\-])\w")
_SUBJECT_REACH = 200  # characters before a verb where its subject may start
_SUBJECT_MISSES = 12  # words tried, nearest first, before giving up on a subject

# Where an inverted subject's name may end: punctuation, a relative clause, a preposition.
_INVERTED_END = (
    rf"(?=[^\S\n]*(?:[,.;:!?—–(\n]|$)|{_SP}(?:who|whose|in|on|at|during|after|before|when|while"
    rf"|as|to|about|from|via|for|with|of|told|said|adding|referring|speaking|according|citing)\b)"
)
# The inverted form, only valid right after a closing quotation mark: '"...," said Zelenskyy',
# '"...," said county treasurer Ana Ruiz', '"...," said the governor'.
_INVERTED = re.compile(
    rf"{_OSP},?{_OSP}(?P<verb>{_VERBS}){_SP}{_WORD_START}(?:(?P<pron>{_PRONOUN})"
    rf"|(?P<desc>(?:(?:[Tt]he|[Aa]n?){_SP})?(?:{_DESCRIPTOR}{_SP}){{0,6}}?)"
    rf"(?P<name>{_NAME}){_PAREN}?{_OF_PLACE}?{_INVERTED_END}"
    rf"|(?P<title>{_TITLE_NP})(?:,{_SP}(?P<named>{_NAME}){_INVERTED_END})?|(?P<anon>{_ANON}))",
    re.MULTILINE,
)
_AFTER_CLOSE = re.compile(rf"{_OSP},?{_OSP}(?=\S)")
# Between a closing mark and the subject of its attribution: descriptors only ('"...," State
# spokesman Mark Toner said'); a clause word means the attribution is not this quotation's.
_TRAILING_GAP = re.compile(rf"(?:(?:[Tt]he|[Aa]n?){_SP})?(?:{_DESCRIPTOR}{_SP}){{0,6}}")
_TRAILING_REACH = 160  # characters after a closing mark where its attribution's cue may be
_CLAUSE_STOP = re.compile(rf"[\n{_MASK}\"“”«»;!?]")
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
    rf"|{_MANNER}(?={_OSP}[,:\"“]|{_SP}that\b)"
    rf"|again|also|(?:last|this){_SP}(?:week|month|year|night|morning|weekend)"
    rf"|(?:late|early){_SP}{_DAYS}"
    rf"|(?:in|at|during|after|before|on){_SP}[^,.;:!?\"“”\n{_MASK}]{{1,60}}?"
    rf"(?={_OSP}[,:]|{_SP}that\b|{_OSP}[\"“]|{_SP}(?:he|she|it|they|we|I)\b|\.(?:\s|$)))"
)
# Between an attribution and the opening mark it introduces: "said:" (the quote may start the
# next paragraph), "said that", a place or occasion ending in a colon or comma ("wrote in a
# post on X:", "said about the movement,"), or a participle cue ("said, adding:"). Free text
# before a colon is not enough: in 'X said the message was clear: "..."' the words are not X's.
_LEAD_TAIL = re.compile(
    rf"(?:{_OSP}(?::\s*|,|{_SP}that\b)?{_OSP}"
    rf"|{_SP}(?:on|in|at|during|after|before|to|from|via|with|through|about|of|by|for|against)\b"
    rf"(?:(?!\bthat\b)[^.!?\"“”\n{_MASK}]){{0,80}}?[:,]\s*"
    rf"|,?{_SP}(?:{_PARTICIPLES})\b[^.!?\"“”\n{_MASK}]{{0,60}}?[:,]?{_OSP})"
    rf"(?=[\"“«‘'])"
)
# A participle cue right before an opening mark: 'Clinton claimed victory in a tweet, saying: "',
# 'Holt took to social media, posting at 9:15 pm local time (0115 UTC) on Facebook, "'. Between
# the cue and the mark: nothing, or up to a dozen words and parentheses (times, places, the
# medium, the addressee) ending in a comma, a colon or "that"; no clause break.
_PARTICIPLE_GAP = rf"(?:\([^()\n\"“”{_MASK}]{{1,40}}\)|[^\s\"“”!?,;(){_MASK}]+)"
_PARTICIPLE_BEFORE = re.compile(
    rf"(?:,|{_SP}by|{_SP}and|{_SP}before|{_SP}after|{_SP}while|{_SP}then)?{_SP}"
    rf"(?P<cue>{_PARTICIPLES}|to{_SP}(?:say|add|ask|write|tweet|declare|note|argue|insist))"
    rf"(?:(?:{_SP}{_PARTICIPLE_GAP}){{1,14}}(?:[,:]|{_SP}that)|[,:]?)?{_OSP}$"
)
# A cue with no subject of its own, coordinated with an attribution before it: "Suu Kyi said it
# was too early but added, ..."; "Hayek confirmed she had been and said, ...".
_COORDINATED_CUE = re.compile(rf"(?:,|{_SP}(?:and|but|then))(?:{_SP}then)?{_SP}$")
# After a cue taking an addressee, the person spoken to and a comma or colon: 'told the
# Reuters news agency simply, "'.
_TOLD_TAIL = re.compile(rf"{_SP}(?:(?!that\b)[^.!?\"“”\n{_MASK},:;]){{1,60}}[,:]\s*(?=[\"“«‘'])")
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


# Capitalised words that open a sentence before its subject's name ("When Trump tweeted"); an
# article stays with a name ("The Guardian").
_OPENER = re.compile(
    rf"(?:(?:{'|'.join(sorted(word.capitalize() for word in _LEADING_STOP - {'the', 'a', 'an'}))})"
    rf"{_SP})+(?=\S)"
)


def _ref_from_match(match: re.Match[str], people: _People) -> _Ref | None:
    groups = match.groupdict()
    apposition = groups.get("appos") or groups.get("named")
    if (groups.get("title") or groups.get("anon")) and apposition:
        # "The minister, Andrii Sybiha, said": the apposition names the speaker.
        named = _NAME_RUN.fullmatch(apposition.strip(", \t"))
        if named:
            tokens, _title = _split_title(named.group())
            if tokens and tokens[-1][:1].isupper():
                return _Ref("name", people.display(tokens))
    if groups.get("pron"):
        return _Ref("pron", groups["pron"].lower())
    if groups.get("title"):
        phrase = " ".join(groups["title"].split())
        words = phrase.split()[1:]  # drop the determiner
        key = _title_from_words(" ".join(words)) or words[-1].lower()
        return _Ref("title", key, _written_title(phrase))
    if groups.get("anon"):
        return _Ref("anon", groups["anon"])
    tokens, _title = _split_title(groups["name"])
    if not tokens or not tokens[-1][:1].isupper():
        return None
    if len(tokens) == 1 and people.gerund(tokens[0]):
        return None  # "Fighting went on ..."
    if (
        (groups.get("desc") or "").lower().startswith(("a ", "an "))
        or _is_group(tokens)
        or people.collective(tokens)
    ):
        # "said a New Hampshire Republican", "Democrats said", "Reports said": nobody we can
        # name.
        return _Ref("anon", " ".join(tokens))
    if match.start("name") in people.strangers:
        # "a university student named Wong said": not the article's Joshua Wong.
        return _Ref("name", " ".join(tokens))
    return _Ref("name", people.display(tokens))


_GROUP_WORDS = _words(
    "republican democrat democratic conservative liberal progressive independent voter supporter "
    "critic"
)


def _is_group(tokens: tuple[str, ...]) -> bool:
    """A single word naming a party, a nationality or a group, not a person."""
    if len(tokens) != 1:
        return False
    lower = tokens[0].lower()
    return (
        lower.rstrip("s") in _GROUP_WORDS
        or lower.endswith(_DEMONYM_ENDINGS)
        or lower.rstrip("s").endswith(_DEMONYM_ENDINGS)
        or lower in _DEMONYMS
    )


@dataclass(slots=True)
class _Anchor:
    start: int
    end: int  # end of the verb (or of the "according to" subject)
    ref: _Ref
    verb: str  # the cue as written, one space between words; "according to" for according
    capitalised: bool  # starts with a capital: may begin a new sentence
    subject_start: int = 0
    subject_end: int = 0
    relative: bool = False  # "Mark Hay, a marine ecologist, who said": quotations only

    @property
    def reporting(self) -> bool:
        """Whether the cue may introduce reported speech without quotation marks (a relative
        clause's does not: in "Hay, who said taxes would rise, voted no" the words after its
        comma are not Hay's)."""
        return not self.relative and (self.verb in _REPORTING_VERBS or self.verb == "according to")


def _anchor(match: re.Match[str], people: _People) -> _Anchor | None:
    ref = _ref_from_match(match, people)
    if ref is None:
        return None
    groups = match.groupdict()
    verb = " ".join(groups["verb"].split()) if "verb" in groups else "according to"
    start = match.start("verb") if match.re is _INVERTED else match.start()
    subject = next(
        group for group in ("pron", "title", "anon", "name") if groups.get(group) is not None
    )
    subject_start, subject_end = match.span(subject)
    if subject == "name":
        # "When Trump tweeted", "After President Trump suggested": the opener is no part of it.
        opener = _OPENER.match(match.string, subject_start, subject_end)
        if opener is not None:
            subject_start = opener.end()
    if groups.get("desc"):
        subject_start = match.start("desc")
    if groups.get("appos") and subject == "name":
        subject_end = match.end("appos") - 1
    if groups.get("named"):
        subject_end = match.end("named")  # "the chancellor, Pradeep Khosla"
    anchor = _Anchor(
        start,
        match.end(),
        ref,
        verb,
        match.group().lstrip(" ,")[:1].isupper(),
        subject_start,
        subject_end,
    )
    return anchor


def _with_descriptors(masked: str, anchor: _Anchor, floor: int) -> None:
    """Widen a named subject over the descriptors written before it ("county spokeswoman Jane
    Doe"), for :attr:`Quote.speaker_text`; needs one lower-case descriptor word."""
    if anchor.ref.kind != "name" or anchor.subject_start <= floor:
        return
    start = _description_start(masked, anchor.subject_start, floor)
    if start is not None and any(
        word[:1].islower() for word in masked[start : anchor.subject_start].split()
    ):
        anchor.subject_start = start


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
