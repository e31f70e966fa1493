"""People in an article: names, titles, who is who, and resolving pronouns and titles.

* A speaker is reported by the fullest name the article gives that surname (the first multi-word
  name ending in it, titles dropped): "Zelenskyy told Sky News" -> "Volodymyr Zelenskyy". Two
  people sharing a surname get the first one's full name unless the attribution itself names them
  in full.
* "he"/"she" resolve to the most recent person in the preceding text who either spoke (a named
  attribution) or opened a sentence as its subject ("Andrii Sybiha arrived ...").
* "the <title>" (``the president said``) resolves to the most recent such person the article named
  with that title, else to the most recent person not known under a different title.
* "it", "they", "officials", "a spokesperson" stay anonymous (speaker ``None``).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .marks import _MASK
from .patterns import _LOWER, _SP, _UPPER, _WORD_START, _alternation, _words

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

# Titles as written in running text: "president" or "President" (case-insensitive matching
# of a long alternation is several times slower).
_HEADS = _alternation(_TITLE_HEADS | {head.capitalize() for head in _TITLE_HEADS})
_TITLE_NP = rf"[Tt]he{_SP}(?:[\w’'-]+{_SP}){{0,3}}?(?:{_HEADS})(?:-elect)?(?![\w’'-])"
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
