"""Who said what: quotations in article text, their speakers, and "what did X say" questions.

This module owns three things the answer composer needs to quote people faithfully:

* :func:`find_quotes` finds direct quotations (words in quotation marks), "according to X"
  statements and reported speech without quotation marks ("X said (that) ...") and attributes
  each to a speaker, or to nobody when the article does not say who spoke. Every
  :class:`Quote` points at exact character offsets of the article text; nothing is rewritten.
* :func:`parse_speech_question` recognises questions such as "what did Zelenskyy say about
  NATO?" and pulls out the speaker and the topic.
* :func:`speaker_matches` decides whether a speaker found in an article is the person a
  question names, tolerating transliteration variants (Zelensky / Zelenskyy / Zelenskiy).

Everything is rule-based (``re`` only) and linear in the length of the text. The rules follow
news-writing conventions; the heuristics that can be wrong are documented where they live:

* Quotation marks are paired per paragraph. Curly marks say which way they face; a straight
  ``"`` is read from its neighbours (space before = opening, space or punctuation after =
  closing), so mixed pairs such as ``"...”`` work. Inside a word (``it’s``, ``don't``) a
  single mark is an apostrophe. Single quotation marks are only taken as quotation marks when
  a paragraph has no double ones (British style); otherwise they are nested quotes and stay
  part of the outer quotation.
* An attribution is a speaker followed by a speech verb (``Zelenskyy told Sky News``,
  ``he said``, ``the minister added``), the inverted form right after a quotation
  (``said Zelenskyy``), or ``according to X``. It must touch the quotation: right after the
  closing mark, or right before the opening mark (``X said: "..."``, ``X said that "..."``).
  A name that is merely mentioned in the sentence never makes its bearer the speaker.
* A speaker is reported by the fullest name the article gives that surname (the first
  multi-word name ending in it, titles dropped): "Zelenskyy told Sky News" -> "Volodymyr
  Zelenskyy". Two people sharing a surname get the first one's full name unless the
  attribution itself names them in full.
* "he"/"she" resolve to the most recent person in the preceding text who either spoke
  (a named attribution) or opened a sentence as its subject ("Andrii Sybiha arrived ...").
  "the <title>" (``the president said``) resolves to the most recent such person the article
  named with that title, else to the most recent person not known under a different title.
  "it", "they", "officials", "a spokesperson" stay anonymous (speaker ``None``).
* A quotation without its own attribution inherits a speaker in two cases only: it shares a
  sentence with an attributed quotation, joined by a few lower-case words (``"..." in order
  to "...," Zelenskyy said``); or its sentences are entirely quotation and directly follow an
  attributed statement (the continuing-quote convention, including a quote that runs over a
  paragraph break with no closing mark).
* Quotation fragments inside reported speech (``Zelenskyy said he would end the “hot phase of
  the war”``) are part of that paraphrase's text and are not reported separately.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from index.sentences import Span, split_paragraphs, split_sentences

__all__ = [
    "Quote",
    "SpeechQuestion",
    "find_quotes",
    "parse_speech_question",
    "speaker_matches",
]


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation or reported statement in an article.

    Attributes
    ----------
    text : str
        The quoted words exactly as in the article, without the outer quotation marks (for
        reported speech: the reported clause, or the whole sentence when the attribution sits
        in its middle, as in "NATO, he said, should ...").
    start, end : int
        Offsets of ``text`` in the article: ``article_text[start:end] == text``.
    speaker : str | None
        The speaker's name as the article gives it in full where known ("Volodymyr
        Zelenskyy" even where the attribution says "Zelenskyy"); ``None`` if unattributed.
    sentence_start, sentence_end : int
        The whole sentence(s) holding the quotation and its attribution, for showing it in
        context. Always contains ``start:end``.
    kind : str
        ``"direct"`` (in quotation marks), ``"according_to"`` ("according to X, ...") or
        ``"paraphrase"`` ("X said (that) ..." without quotation marks).
    """

    text: str
    start: int
    end: int
    speaker: str | None
    sentence_start: int
    sentence_end: int
    kind: str


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


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


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

_TITLE_HEADS = _words(
    """
    president minister secretary chancellor premier leader spokesman spokeswoman spokesperson
    ambassador envoy senator governor mayor general commander chief director chairman chairwoman
    chair head king queen prince princess pope prosecutor judge attorney ceo founder coach
    speaker representative congressman congresswoman lawmaker mp candidate adviser advisor aide
    official diplomat economist analyst professor colonel lieutenant sergeant captain admiral
    commissioner emperor sheikh emir chairperson
    """
)
# Titles that don't identify an office, so they never contradict a more specific one
# ("the Ukrainian leader" can be the president).
_GENERIC_TITLES = _words("leader official chief head")
_TITLE_MODIFIERS = _words(
    """
    foreign prime defence defense finance interior deputy vice former acting interim state home
    health economy energy justice culture education trade first chief senior top executive press
    national security military army navy digital transport agriculture environment labour labor
    """
)
_DEPARTMENTS = _words(
    "state defense defence treasury commerce justice interior energy agriculture homeland "
    "security affairs health education labor labour transportation veterans finance"
)
_HONORIFICS = _words(
    "mr mrs ms miss mx dr sir dame lord lady prof professor rev reverend hon gen sen rep gov lt "
    "col capt sgt adm maj"
)
# Capitalised words that start sentences rather than names ("But Zelenskyy said").
_LEADING_STOP = _words(
    """
    the a an in on at but and or so yet however further furthermore meanwhile moreover also still
    then now when while after before asked speaking later earlier last this that these those its
    his her their our my if as although though since because despite under over from for with
    without by to of during following amid according today yesterday tonight it he she they we i
    there here what who why how where which even only just both neither either each every many
    some several other another such no not indeed instead overall separately elsewhere
    ultimately finally first next again having needless others thus hence
    monday tuesday wednesday thursday friday saturday sunday
    january february march july september october november december
    """
)
# Last words that make a name an organisation or outlet, not a person ("Sky News").
_ORG_WORDS = _words(
    """
    news times post journal independent press agency ministry office council commission union
    party group bank company corporation inc ltd house department government kremlin pentagon
    parliament assembly committee court forces army navy institute university foundation
    association organization organisation alliance nations reuters guardian telegraph herald
    tribune network service radio television channel police bureau administration senate
    congress cabinet embassy staff command fund federation republic kingdom states street media
    daily weekly
    """
)
_PLACES = _words(
    """
    ukraine russia kyiv kiev moscow washington china beijing israel iran europe brussels london
    paris berlin britain france germany america turkey poland gaza taiwan india japan korea syria
    crimea donbas belarus minsk
    """
)

_DEMONYM_ENDINGS = ("ian", "ean", "ese", "ish", "ern")
_DEMONYMS = _words(
    "american israeli iraqi afghan pakistani german french dutch greek swiss thai arab soviet "
    "allied danish finnish swedish czech slovak serb croat welsh scottish irish kurdish"
)

_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

# --------------------------------------------------------------------------------------------
# Regular-expression building blocks (all matched against a "masked" copy of the text in
# which the inside of every quotation is blanked out, so words inside quotes never look like
# attributions: "He told me 'never again,'" she said).
# --------------------------------------------------------------------------------------------

_MASK = "\x00"
_SP = r"[^\S\n]+"  # horizontal space: attributions never cross a line break
_OSP = r"[^\S\n]*"
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_WORD_TOKEN = rf"[{_UPPER}][{_LOWER}{_UPPER}]*(?:[-’'](?!s\b)[{_UPPER}{_LOWER}]+)*"
_TOKEN = (
    rf"(?:(?:[A-Z]\.){{2,}}"  # U.S.
    r"|(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|Adm|Maj|Prof|Rev|Hon|St)\."
    rf"|[A-Z]\.(?={_SP}[{_UPPER}])"  # an initial: John F. Kennedy
    rf"|{_WORD_TOKEN})"
)
_PARTICLE = r"(?:van|von|der|den|de|da|del|della|di|du|la|le|bin|ibn|al|el|dos|das|ter|ten)"
_PARTICLE_RE = re.compile(_PARTICLE)
_NAME = rf"{_TOKEN}(?:{_SP}(?:{_PARTICLE}{_SP})?{_TOKEN}){{0,5}}"


def _alternation(words: frozenset[str]) -> str:
    """A regex alternation of ``words`` grouped by first letter: the regex engine then skips
    positions by their first character, five times faster than a flat list of words."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in sorted(groups.items()))


# Titles as written in running text: "president" or "President" (case-insensitive matching
# of a long alternation is several times slower).
_HEADS = _alternation(_TITLE_HEADS | {head.capitalize() for head in _TITLE_HEADS})
_VERBS = _alternation(_SPEECH_VERBS)
_TITLE_NP = rf"[Tt]he{_SP}(?:[\w’'-]+{_SP}){{0,3}}?(?:{_HEADS})(?:-elect)?(?![\w’'-])"
_ANON = (
    rf"(?:(?:[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome|[Mm]any|[Oo]ther)"
    rf"{_SP}(?:[\w-]+{_SP}){{0,2}}?(?:spokes(?:man|woman|person)|officials?|sources?|aides?"
    r"|diplomats?|analysts?|experts?|people|residents?|witness(?:es)?|observers?|lawmakers?"
    r"|critics?|insiders?)|(?:[Oo]fficials|[Ss]ources|[Dd]iplomats|[Aa]nalysts|[Ee]xperts"
    r"|[Cc]ritics|[Ww]itnesses|[Rr]esidents|[Oo]bservers|[Ll]awmakers|[Aa]uthorities|[Oo]thers"
    r"|[Pp]olice))(?![\w’'])"
)
_PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)(?![\w’'])"
# Every subject starts at a word start; checking that once, up front, keeps the scan fast.
_WORD_START = r"(?<![\w’'.\-])"
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
_NAME_RUN = re.compile(rf"(?=[{_UPPER}]){_WORD_START}{_NAME}")
# A person opening a sentence as its subject, after an optional introductory phrase and the
# words that may stand before a name: "In a letter, Ukraine’s foreign minister Andrii Sybiha
# urged ...", "Ukrainian president Volodymyr Zelenskyy thanked ...".
_MODIFIERS = _alternation(_TITLE_MODIFIERS | {word.capitalize() for word in _TITLE_MODIFIERS})
_SENTENCE_SUBJECT = re.compile(
    rf"(?:[^,\n{_MASK}\"“”]{{1,40}}?,{_SP})?"
    rf"(?:(?:[{_UPPER}][\w-]*[’']s|[Tt]he|{_MODIFIERS}|{_HEADS}"
    rf"|[{_UPPER}][\w-]*(?={_SP}(?:{_MODIFIERS}|{_HEADS})\b)){_SP}){{0,4}}?"
    rf"(?P<name>{_NAME})(?=(?:,{_SP}[^,\n]{{1,80}},)?{_SP}[a-z])"
)
_TITLE_BEFORE_NAME = re.compile(rf"(?P<head>(?:{_HEADS})(?:-elect)?),?{_SP}(?=[{_UPPER}])")
_TITLE_APPOSITION_AFTER = re.compile(
    rf",{_SP}(?:the{_SP}|[\w-]+[’']s{_SP})?(?P<words>(?:[\w-]+{_SP}){{0,3}}?)"
    rf"(?P<head>(?:{_HEADS}))(?![\w’'-])"
)
_BLANK = re.compile(r"\s*")
_COMMA = re.compile(rf"{_OSP},")
_MID_SENTENCE = re.compile(rf"{_OSP},{_OSP}(?=[^\s\"“‘'])")
_SENTENCE_END = re.compile(r"\s*+(?:[.!?…]++\s*+)?")
_CLAUSE_END = re.compile(r"[^\S\n]*(?:[.!?;]|\n|$)")
# A few lower-case words between two quotations ("in order to"); possessive quantifiers keep
# a failing match linear.
_LOWER_WORDS_ONLY = re.compile(r"[\s,]*+(?:[a-z][\w’'-]*+[\s,]*+){0,8}+")
_QUOTE_ONLY_TAIL = re.compile(r"[\s.,;:!?…)\]]*")

_DOUBLE_MARKS = re.compile(r"[\"“”«»]")
_SINGLE_MARKS = re.compile(r"['‘’]")
_OPEN_CONTEXT = frozenset("([{—–-/:;“‘\"'")
_CLOSE_CONTEXT = frozenset(".,;:!?)]}—–-…’”")
_OPEN, _CLOSE = 1, 2


# --------------------------------------------------------------------------------------------
# Quotation marks
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Names, titles and who is who
# --------------------------------------------------------------------------------------------


_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=8192)
def _fold(token: str) -> str:
    """Comparison key for a name token: case, accents, punctuation, y/i and doubled letters
    ignored, so Zelensky, Zelenskyy, Zelenskiy and Zelenskyi all fold to ``zelenski``."""
    decomposed = unicodedata.normalize("NFKD", token.lower())
    letters = "".join(c for c in decomposed if c.isalpha() and not unicodedata.combining(c))
    if letters.endswith("j"):
        letters = letters[:-1] + "i"  # Zelenskyj
    return _DOUBLED.sub(r"\1", letters.replace("y", "i"))


@lru_cache(maxsize=4096)
def _is_title_head(token: str) -> bool:
    word = token.lower().rstrip(".")
    return word in _TITLE_HEADS or any(part in _TITLE_HEADS for part in word.split("-"))


@lru_cache(maxsize=8192)
def _split_title(run: str) -> tuple[tuple[str, ...], str | None]:
    """Drop sentence-opening words, titles and honorifics from a capitalised run.

    Returns the name tokens ("Foreign Minister Andrii Sybiha" -> ("Andrii", "Sybiha")) and the
    title phrase in lower case ("foreign minister"), if the run carried one.
    """
    tokens = tuple(run.split())
    i = 0
    while i < len(tokens) and tokens[i].rstrip(".").lower() in _LEADING_STOP:
        i += 1
    tokens = tokens[i:]
    title = None
    heads = [j for j, token in enumerate(tokens) if _is_title_head(token)]
    if heads:
        head = heads[-1]
        first = head
        while first > 0 and tokens[first - 1].lower() in _TITLE_MODIFIERS:
            first -= 1
        title = " ".join(token.lower() for token in tokens[first : head + 1])
        tokens = tokens[head + 1 :]
    while tokens and tokens[0].rstrip(".").lower() in _HONORIFICS:
        tokens = tokens[1:]
    # "Secretary of State Antony Blinken": the run starts after "of", with the department.
    while len(tokens) > 2 and tokens[0].lower() in _DEPARTMENTS:
        tokens = tokens[1:]
    return tokens, title


def _title_from_words(words: str, head: str | None = None) -> str | None:
    """Title phrase ending a run of words ("Ukrainian president" -> "president")."""
    tokens = words.split()
    if head is not None:
        tokens.append(head)
    if not tokens or not _is_title_head(tokens[-1]):
        return None
    first = len(tokens) - 1
    while first > 0 and tokens[first - 1].lower() in _TITLE_MODIFIERS:
        first -= 1
    return " ".join(token.lower() for token in tokens[first:])


@dataclass(slots=True)
class _People:
    """Full names and titles the article gives, keyed by folded surname."""

    full: dict[str, tuple[str, ...]] = field(default_factory=dict)
    titles: dict[str, set[str]] = field(default_factory=dict)
    # Words capitalised in mid-sentence: proper nouns, not just sentence openers ("Prices").
    proper: set[str] = field(default_factory=set)

    def add_title(self, key: str, title: str | None) -> None:
        if title:
            bucket = self.titles.setdefault(key, set())
            bucket.add(title)
            bucket.add(title.split()[-1])

    def display(self, tokens: Sequence[str]) -> str:
        known = self.full.get(_fold(tokens[-1]))
        if known and len(known) > len(tokens) and _compatible_first(tokens, known):
            return " ".join(known)
        return " ".join(tokens)

    def is_person(self, tokens: Sequence[str]) -> bool:
        known = self.full.get(_fold(tokens[-1]), tuple(tokens))
        for name in (tokens, known):
            last = name[-1]
            if last.lower() in _ORG_WORDS or last.lower() in _PLACES:
                return False
            if len(name) == 1 and len(last) > 1 and last.isupper():
                return False  # NATO, BBC
        return True


def _compatible_first(tokens: Sequence[str], known: tuple[str, ...]) -> bool:
    # "Zelenskyy" fits "Volodymyr Zelenskyy"; "Melania Trump" does not fit "Donald Trump".
    if len(tokens) == 1:
        return True
    return _fold(tokens[0])[:1] == _fold(known[0])[:1]


def _collect_people(masked: str) -> _People:
    people = _People()
    for match in _NAME_RUN.finditer(masked):
        tokens, title = _split_title(match.group())
        if not tokens or not tokens[-1][:1].isupper():
            continue
        key = _fold(tokens[-1])
        if not key:
            continue
        start = match.start()
        if len(tokens) == 1 and start >= 2 and masked[start - 1] == " ":
            if masked[start - 2].islower():
                people.proper.add(key)
        elif len(tokens) >= 2 and key not in people.full:
            people.full[key] = tuple(tokens)
        people.add_title(key, title)
        if masked.startswith(",", match.end()):
            # Set off after the name: "Andrii Sybiha, Ukraine’s foreign minister, ..."
            found = _TITLE_APPOSITION_AFTER.match(masked, match.end(), match.end() + 80)
            if found:
                title = _title_from_words(found.group("words"), found.group("head"))
                people.add_title(key, title)
    # A lower-case title in front of a name ("Ukrainian president Volodymyr Zelenskyy") or set
    # off by a comma ("Ukraine’s foreign minister, Andrii Sybiha"). Titles are rare words, so
    # they are found directly rather than looked for in front of every name.
    for match in _TITLE_BEFORE_NAME.finditer(masked):
        if match.start() and masked[match.start() - 1].isalnum():
            continue  # the end of a longer word
        named = _NAME_RUN.match(masked, match.end())
        if named is None:
            continue
        tokens, _title = _split_title(named.group())
        if not tokens:
            continue
        words = masked[max(0, match.start() - 40) : match.start()].rsplit(None, 2)[-2:]
        title = _title_from_words(" ".join([*words, match.group("head")]))
        people.add_title(_fold(tokens[-1]), title)
    return people


@dataclass(frozen=True, slots=True)
class _Ref:
    """Who an attribution points at before resolution: a name, a pronoun, a title phrase or an
    anonymous source."""

    kind: str  # "name" | "pron" | "title" | "anon"
    value: str  # display name, the pronoun, or the title phrase


@dataclass(frozen=True, slots=True)
class _Mention:
    position: int
    key: str
    name: str
    person: bool


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


_LOOKBACK = 64  # mentions searched back from a pronoun or title


class _Resolver:
    """Resolves pronouns and title phrases against the people named earlier in the text."""

    def __init__(self, people: _People, mentions: list[_Mention]) -> None:
        self._people = people
        self._mentions = sorted(mentions, key=lambda mention: mention.position)
        self._positions = [mention.position for mention in self._mentions]

    def resolve(self, ref: _Ref, position: int) -> str | None:
        if ref.kind == "name":
            return ref.value
        if ref.kind == "anon" or (
            ref.kind == "pron" and ref.value not in ("he", "she", "him", "her")
        ):
            return None  # "it", "they", "officials": no one we can name
        latest = bisect_right(self._positions, position - 1)
        # The nearest people first; far enough back, nobody writes "he said" any more.
        people = [
            mention
            for mention in self._mentions[max(0, latest - _LOOKBACK) : latest][::-1]
            if mention.person
        ]
        if ref.kind == "pron":
            return people[0].name if people else None
        title = ref.value
        head = title.split()[-1]
        for wanted in (title, head):
            for mention in people:
                if wanted in self._people.titles.get(mention.key, ()):
                    return mention.name
        for mention in people:
            known = self._people.titles.get(mention.key)
            if not known or head in _GENERIC_TITLES:
                return mention.name
        return None


# --------------------------------------------------------------------------------------------
# Attributions and statements
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Anchor:
    start: int
    end: int  # end of the verb (or of the "according to" subject)
    ref: _Ref
    verb: str  # "according" for "according to X"
    capitalised: bool  # starts with a capital: may begin a new sentence


@dataclass(slots=True)
class _Statement:
    start: int
    end: int
    kind: str
    context_start: int
    context_end: int
    ref: _Ref | None = None
    ref_position: int = 0
    marks: _Marks | None = None
    attributed: bool = False
    speaker: str | None = None


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


class _Finder:
    """One run of :func:`find_quotes` over one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences: list[Span] = split_sentences(text)
        self._sentence_starts = [span.start for span in self.sentences]
        self.marks: list[_Marks] = []
        for paragraph in split_paragraphs(text):
            self.marks.extend(_pair_marks(text, paragraph.start, paragraph.end))
        self.masked = _mask(text, self.marks)
        self.people = _collect_people(self.masked)

    def sentence_index(self, position: int) -> int:
        return max(0, bisect_right(self._sentence_starts, position) - 1)

    def run(self) -> list[Quote]:
        anchors = self._anchors()
        mentions = self._mentions(anchors)
        statements = self._direct(anchors)
        statements += self._reported(anchors)
        statements.sort(key=lambda statement: (statement.start, statement.end))
        statements = self._drop_absorbed(statements)
        resolver = _Resolver(self.people, mentions)
        for statement in statements:
            if statement.ref is not None:
                statement.speaker = resolver.resolve(statement.ref, statement.ref_position)
        self._inherit(statements)
        return [self._quote(statement) for statement in statements]

    # -- attributions -----------------------------------------------------------------------

    def _anchors(self) -> list[_Anchor]:
        masked = self.masked
        anchors: list[_Anchor] = []
        taken = 0  # attributions don't overlap
        for verb in _VERB_HIT.finditer(masked):
            if verb.start() and _WORD_STARTS.match(masked, verb.start()) is None:
                continue  # inside a word ("unsaid")
            sentence = self.sentences[self.sentence_index(verb.start())]
            reach = max(taken, sentence.start, verb.start() - _SUBJECT_REACH)
            starts = [word.start() for word in _WORD_STARTS.finditer(masked, reach, verb.start())]
            # Try subjects nearest first, then keep extending leftwards while the longer
            # subject still fits: "Foreign Minister Andrii Sybiha", not just "Sybiha".
            found = None
            misses = 0
            for start in reversed(starts):
                longer = _ANCHOR.fullmatch(masked, start, verb.end())
                if longer:
                    found = longer
                elif found is not None:
                    break
                else:
                    misses += 1
                    if misses > _SUBJECT_MISSES:
                        break
            if found is not None:
                anchor = _anchor(found, self.people)
                if anchor is not None:
                    anchors.append(anchor)
                    taken = anchor.end
        if "ccording" in masked:
            for match in _ACCORDING.finditer(masked):
                anchor = _anchor(match, self.people)
                if anchor is not None:
                    anchors.append(anchor)
        anchors.sort(key=lambda anchor: anchor.start)
        self._anchor_starts = [anchor.start for anchor in anchors]
        return anchors

    def _mentions(self, anchors: list[_Anchor]) -> list[_Mention]:
        """People who spoke (named attributions) or open a sentence as its subject."""
        mentions: list[_Mention] = []
        for anchor in anchors:
            if anchor.ref.kind == "name":
                mentions.append(self._mention(anchor.start, anchor.ref.value.split()))
        for sentence in self.sentences:
            found = _SENTENCE_SUBJECT.match(self.masked, sentence.start, sentence.end)
            if not found:
                continue
            tokens, _title = _split_title(found.group("name"))
            if tokens and (len(tokens) >= 2 or self._lone_name(tokens[0])):
                mentions.append(self._mention(found.start("name"), tokens))
        return mentions

    def _lone_name(self, token: str) -> bool:
        """Whether a single capitalised word opening a sentence is a person's name: the article
        gave it a full name, or capitalises it mid-sentence too and it is not a nationality
        ("Zelenskyy thanked him" yes; "Ukrainian forces", "Prices rose" no)."""
        key = _fold(token)
        if key in self.people.full:
            return True
        lower = token.lower()
        if lower.endswith(_DEMONYM_ENDINGS) or lower in _DEMONYMS:
            return False
        return key in self.people.proper

    def _mention(self, position: int, tokens: Sequence[str]) -> _Mention:
        name = self.people.display(tokens)
        return _Mention(position, _fold(tokens[-1]), name, self.people.is_person(tokens))

    def _trailing(self, quote: _Marks, inner_text: str) -> _Anchor | None:
        assert quote.close is not None
        position = quote.close + 1
        gap = _AFTER_CLOSE.match(self.masked, position)
        if gap is None:
            return None
        start = gap.end()
        candidates = (
            _ANCHOR.match(self.masked, start),
            _INVERTED.match(self.masked, position),
            _ACCORDING.match(self.masked, start),
        )
        for found in candidates:
            if found is None:
                continue
            anchor = _anchor(found, self.people)
            if anchor is None:
                continue
            # After '"We will win."' a capitalised attribution may start a new sentence of
            # reported speech ('Zelenskyy said the army ...'), which does not attribute the
            # quote; '"We will win." Zelenskyy said.' still does.
            if (
                anchor.capitalised
                and inner_text.endswith(".")
                and found.re is _ANCHOR
                and not _CLAUSE_END.match(
                    self.masked, _skip_adverbials(self.masked, anchor.end, anchor.verb)
                )
            ):
                return None
            return anchor
        return None

    def _direct(self, anchors: list[_Anchor]) -> list[_Statement]:
        openings = {quote.open: quote for quote in self.marks}
        leading: dict[int, _Anchor] = {}
        for anchor in anchors:
            position = anchor.end
            if anchor.verb != "according":
                position = _skip_adverbials(self.masked, position, anchor.verb)
            elif not self._opens_sentence(anchor.start):
                continue  # "according to X" introduces a quote only at the sentence start
            tail = _LEAD_TAIL.match(self.masked, position)
            if tail and tail.end() in openings:
                leading.setdefault(tail.end(), anchor)
        statements: list[_Statement] = []
        self._trailing_used: set[int] = set()
        self._leading_used: set[int] = set()
        for quote in self.marks:
            start, end = _trim(self.text, quote.open + 1, quote.inner_end, terminal=False)
            if start >= end:
                continue
            statement = _Statement(
                start,
                end,
                "direct",
                quote.open,
                quote.inner_end + (quote.close is not None),
                marks=quote,
            )
            anchor = None
            if quote.close is not None:
                anchor = self._trailing(quote, self.text[start:end])
                if anchor is not None:
                    self._trailing_used.add(anchor.start)
            if anchor is None and quote.open in leading:
                anchor = leading[quote.open]
                self._leading_used.add(anchor.start)
            if anchor is not None:
                statement.ref = anchor.ref
                statement.ref_position = anchor.start
                statement.attributed = True
                statement.context_start = min(statement.context_start, anchor.start)
                statement.context_end = max(statement.context_end, anchor.end)
            statements.append(statement)
        return statements

    def _opens_sentence(self, position: int) -> bool:
        sentence = self.sentences[self.sentence_index(position)]
        return _BLANK.fullmatch(self.masked, sentence.start, position) is not None

    def _reported(self, anchors: list[_Anchor]) -> list[_Statement]:
        """Paraphrase and "according to" statements, in document order."""
        statements: list[_Statement] = []
        covered_until = -1
        for index, anchor in enumerate(anchors):
            if anchor.start in self._leading_used or anchor.start < covered_until:
                continue
            sentence = self.sentences[self.sentence_index(anchor.start)]
            if anchor.verb == "according":
                if anchor.start in self._trailing_used:
                    continue
                statement = self._according(anchor, sentence)
            else:
                statement = self._paraphrase(anchor, sentence, anchors, index + 1)
            if statement is not None:
                statements.append(statement)
                covered_until = statement.end
        return statements

    def _paraphrase(
        self, anchor: _Anchor, sentence: Span, anchors: list[_Anchor], later: int
    ) -> _Statement | None:
        masked = self.masked
        position = _skip_adverbials(masked, anchor.end, anchor.verb)
        clause = _clause_start(masked, anchor.end, position, anchor.verb)
        if clause is not None and clause < sentence.end:
            end = sentence.end
            for other in anchors[later:]:
                if other.start >= sentence.end:
                    break
                joint = _COORDINATED.search(masked, max(clause, other.start - 16), other.start)
                if joint:
                    end = joint.start()
                    break
            start, end = _trim(self.text, clause, end, terminal=True)
            if start >= end:
                return None
            return _Statement(
                start,
                end,
                "paraphrase",
                anchor.start,
                end,
                ref=anchor.ref,
                ref_position=anchor.start,
                attributed=True,
            )
        if anchor.start in self._trailing_used:
            return None
        return self._around(anchor, position, sentence, "paraphrase")

    def _around(self, anchor: _Anchor, after: int, sentence: Span, kind: str) -> _Statement | None:
        """Attribution inside or at the end of a sentence, set off by commas:
        "NATO, he said, should ..." and "The plan would work, he said." """
        masked = self.masked
        comma = anchor.start
        while comma > sentence.start and masked[comma - 1].isspace():
            comma -= 1
        if comma <= sentence.start or masked[comma - 1] != ",":
            return None
        comma -= 1
        head_end = comma
        while head_end > sentence.start and masked[head_end - 1].isspace():
            head_end -= 1
        if head_end <= sentence.start or masked[head_end - 1] in "\"”’'":
            return None  # the comma closes a direct quotation: that's its trailing attribution
        if bisect_right(self._anchor_starts, comma) > bisect_right(
            self._anchor_starts, sentence.start - 1
        ):
            return None  # someone else speaks earlier in the sentence: whose words are these?
        if _MID_SENTENCE.match(masked, after, sentence.end):
            start, end = _trim(self.text, sentence.start, sentence.end, terminal=True)
        elif _SENTENCE_END.fullmatch(masked, after, sentence.end):
            start, end = _trim(self.text, sentence.start, comma, terminal=False)
        else:
            return None
        if start >= end:
            return None
        return _Statement(
            start,
            end,
            kind,
            sentence.start,
            sentence.end,
            ref=anchor.ref,
            ref_position=anchor.start,
            attributed=True,
        )

    def _according(self, anchor: _Anchor, sentence: Span) -> _Statement | None:
        masked = self.masked
        if self._opens_sentence(anchor.start):
            # "According to X, the plan would work."
            comma = _COMMA.match(masked, anchor.end, sentence.end)
            if comma is None:
                return None
            start, end = _trim(self.text, comma.end(), sentence.end, terminal=True)
            if start >= end:
                return None
            return _Statement(
                start,
                end,
                "according_to",
                sentence.start,
                sentence.end,
                ref=anchor.ref,
                ref_position=anchor.start,
                attributed=True,
            )
        return self._around(anchor, anchor.end, sentence, "according_to")

    # -- putting statements together ---------------------------------------------------------

    def _drop_absorbed(self, statements: list[_Statement]) -> list[_Statement]:
        """Drop unattributed quotation fragments inside reported speech: they are part of it."""
        kept: list[_Statement] = []
        reach = -1  # furthest end of the reported speech seen so far (statements are sorted)
        for statement in statements:
            if statement.kind != "direct":
                reach = max(reach, statement.end)
            elif not statement.attributed and statement.end <= reach + 1:
                continue
            kept.append(statement)
        return kept

    def _entirely_quoted(self, statement: _Statement) -> bool:
        marks = statement.marks
        assert marks is not None
        first = self.sentences[self.sentence_index(marks.open)]
        last = self.sentences[self.sentence_index(max(marks.open, statement.context_end - 1))]
        if _BLANK.fullmatch(self.masked, first.start, marks.open) is None:
            return False
        if marks.close is None:
            return True
        return _QUOTE_ONLY_TAIL.fullmatch(self.masked, marks.close + 1, last.end) is not None

    def _sentence_range(self, statement: _Statement) -> tuple[int, int]:
        return (
            self.sentence_index(statement.context_start),
            self.sentence_index(max(statement.context_start, statement.context_end - 1)),
        )

    def _inherit(self, statements: list[_Statement]) -> None:
        """Give unattributed direct quotations the speaker of the quotation they belong to."""
        for index, statement in enumerate(statements):
            if statement.attributed or statement.marks is None:
                continue
            donor = self._same_sentence_donor(statements, index)
            if donor is None and index > 0:
                previous = statements[index - 1]
                if previous.attributed and self._continues(previous, statement):
                    donor = previous
            if donor is not None:
                statement.speaker = donor.speaker
                statement.attributed = True
        # A quote left open at a paragraph's end takes the speaker named at the end of its
        # continuation in the next paragraph.
        for index in range(len(statements) - 2, -1, -1):
            statement, following = statements[index], statements[index + 1]
            if (
                not statement.attributed
                and statement.marks is not None
                and statement.marks.close is None
                and following.attributed
                and following.marks is not None
                and following.marks.open == following.marks.paragraph_start
            ):
                statement.speaker = following.speaker
                statement.attributed = True

    def _same_sentence_donor(self, statements: list[_Statement], index: int) -> _Statement | None:
        statement = statements[index]
        assert statement.marks is not None
        low, high = self._sentence_range(statement)
        for other_index in (index + 1, index - 1):
            if not 0 <= other_index < len(statements):
                continue
            other = statements[other_index]
            if other.kind != "direct" or not other.attributed or other.marks is None:
                continue
            other_low, other_high = self._sentence_range(other)
            if other_high < low or other_low > high:
                continue
            if other_index > index:
                if statement.marks.close is None:
                    continue
                between = (statement.marks.close + 1, other.marks.open)
            else:
                if other.marks.close is None:
                    continue
                between = (other.marks.close + 1, statement.marks.open)
            if 0 <= between[1] - between[0] <= 80 and _LOWER_WORDS_ONLY.fullmatch(
                self.masked, *between
            ):
                return other
        return None

    def _continues(self, previous: _Statement, statement: _Statement) -> bool:
        assert statement.marks is not None
        if (
            previous.marks is not None
            and previous.marks.close is None
            and statement.marks.open == statement.marks.paragraph_start
        ):
            return True
        _, previous_last = self._sentence_range(previous)
        first, _ = self._sentence_range(statement)
        return first == previous_last + 1 and self._entirely_quoted(statement)

    def _quote(self, statement: _Statement) -> Quote:
        low, high = self._sentence_range(statement)
        sentence_start = min(self.sentences[low].start, statement.start)
        sentence_end = max(self.sentences[high].end, statement.end)
        return Quote(
            text=self.text[statement.start : statement.end],
            start=statement.start,
            end=statement.end,
            speaker=statement.speaker,
            sentence_start=sentence_start,
            sentence_end=sentence_end,
            kind=statement.kind,
        )


def find_quotes(text: str) -> list[Quote]:
    """Find the quotations and reported statements in an article and attribute them.

    Parameters
    ----------
    text : str
        The article text (or any passage of it; offsets index into what is passed).

    Returns
    -------
    list[Quote]
        All quotations in document order: direct quotations (in quotation marks), "according
        to X" statements and reported speech ("X said (that) ..."). ``speaker`` is ``None``
        where the text does not say who is speaking.

    Examples
    --------
    >>> [(q.text, q.speaker) for q in find_quotes('"We need to do it fast," Zelenskyy said.')]
    [('We need to do it fast', 'Zelenskyy')]
    """
    if not text.strip():
        return []
    return _Finder(text).run()


# --------------------------------------------------------------------------------------------
# Questions
# --------------------------------------------------------------------------------------------

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
            r"|weigh(?:ed)?\s+in(?:\s+on)?|say\s+that|said\s+that)"
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
    found = _TOPIC_PREPOSITION.search(rest) or _WEAK_TOPIC_PREPOSITION.search(rest)
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


# --------------------------------------------------------------------------------------------
# Matching speakers to names
# --------------------------------------------------------------------------------------------


def _name_keys(name: str) -> list[str]:
    tokens = [token for token in re.split(r"[\s]+", name.replace("’", "'")) if token]
    tokens = [re.sub(r"'s$", "", token) for token in tokens]
    names, _title = _split_title(" ".join(tokens))
    if not names:
        # A bare title ("the president") is all there is: compare what's left of it.
        names = tuple(token for token in tokens if token.lower() not in _LEADING_STOP)
    # "von der Leyen" is a surname, not a first name plus a surname.
    names = tuple(token for token in names if not _PARTICLE_RE.fullmatch(token)) or names
    return [key for key in (_fold(token) for token in names) if key]


def _edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _surnames_match(a: str, b: str) -> bool:
    """Folded names that are the same or spelling variants of one long name.

    Folding already equates the common transliterations (Zelensky / Zelenskyy / Zelenskiy).
    Beyond that, a long name may differ in one letter (Gorbachev / Gorbachov), a very long
    one in two edits. Both must agree at both ends: a different ending is usually a different
    person (Zelenskyy / his wife Olena Zelenska), and an inserted letter in a shorter name
    often is too (Johnson / Johnston).
    """
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < 7 or a[:3] != b[:3] or a[-1] != b[-1]:
        return False
    if len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1:
        return True
    return shorter >= 10 and _edit_distance_at_most(a, b, 2)


def speaker_matches(speaker: str | None, name: str) -> bool:
    """Whether a quotation's speaker is the person called ``name`` in a question.

    Parameters
    ----------
    speaker : str | None
        A :attr:`Quote.speaker` ("Volodymyr Zelenskyy"), or ``None``.
    name : str
        The name as asked ("Zelenskyy", "zelensky", "President Zelenskyy").

    Returns
    -------
    bool
        True when the surnames agree (ignoring case, accents, titles and transliteration
        variants such as Zelensky / Zelenskyy / Zelenskiy), and any first name given in
        ``name`` fits the speaker's. A single word also matches the speaker's first name.
    """
    if not speaker or not name:
        return False
    speaker_keys = _name_keys(speaker)
    name_keys = _name_keys(name)
    if not speaker_keys or not name_keys:
        return False
    if not _surnames_match(name_keys[-1], speaker_keys[-1]):
        return len(name_keys) == 1 and name_keys[0] in speaker_keys[:-1]
    if len(name_keys) == 1 or len(speaker_keys) == 1:
        return True
    first, other = name_keys[0], speaker_keys[0]
    if first == other:
        return True
    # An initial fits its name ("J. Smith"); otherwise first names may differ only in spelling.
    return first[:1] == other[:1] and (
        len(first) == 1 or len(other) == 1 or _surnames_match(first, other)
    )
