"""People in an article: names, titles, gender, who is who, and resolving pronouns and titles.

* A speaker is reported by the fullest name the article gives that surname (the first multi-word
  name ending in it, titles, honorifics and suffixes dropped): "Zelenskyy told Sky News" ->
  "Volodymyr Zelenskyy", "Navy Capt. Jeff Davis" -> "Jeff Davis". Two people sharing a surname
  get the first one's full name unless the attribution itself names them in full, and a
  different first name is a different person ("Rocky Linux" is not "Red Hat Enterprise
  Linux"). A given name alone takes the one full name starting with it, where the article also
  writes that surname alone ("Terri said" -> "Terri Collins"; "Ban" stays "Ban").
* What is not part of a name: titles and occupations written capitalised ("Senate Minority Whip
  Dick Durbin", "Immunologist Kristian Andersen", any word in -ologist/-ist), an acronym before
  a full name ("IM Dorsa Derakhshani", "NASA Administrator ..."), post-nominal letters ("QC"),
  a place before a name after "of" or "from" ("Senator from Vermont Bernie Sanders", "Chief
  Executive of Hong Kong Carrie Lam": a known place, one the article writes after "in", or up
  to a known given name), the words of a headline in title case ("Why Progressives Are
  Celebrating Hillary Clinton"), contractions and sentence openers ("I've", "Had I", "Let").
* "he"/"she" resolve to the most recent person in the preceding text who either spoke (a named
  attribution, also after its quotation: '"...," said Ryan Cole') or opened a sentence as its
  subject ("Andrii Sybiha arrived ..."), skipping anyone the article shows to be of the other
  gender (honorifics, gendered titles, common given names); with nobody left the quotation
  stays unattributed. Outlets ("Wikinews") and a capitalised word before a body word ("The
  Montreal team") are nobody "he" can be.
* "the <title>" (``the president said``) resolves to the person the article last named with that
  title; otherwise the title itself, as written, is the speaker ("the prime minister"), never
  someone else named nearby.
* "it", "they", "officials", "a spokesperson", "a New Hampshire Republican" stay anonymous
  (speaker ``None``), and so do the common nouns for groups of people and for texts that look
  like names when they open a sentence ("Reports said", "Prosecutors said", "Witnesses told",
  "Senators condemned", "Media said"): plurals of people, title and body words, and nouns for
  reports, polls, documents, records and media, unless the article gives the word as someone's
  surname ("Rep. Jim Banks").
* A name before a body or group word is no person: "the Trump campaign", "Biden's team", "the
  Obama White House", "Trump allies", "the Trump family" (:func:`_group_word`). A title phrase
  kept as a speaker is shown in lower case but for the names in it ("the prime minister", "the
  Trump campaign", "the Ukrainian leader").
* Someone the article introduces by a surname alone ("a university student named Wong",
  "a man identified only as Kim") is a stranger of that name: their attribution is not given the
  article's full name of another bearer of it ("Joshua Wong"), and the description is kept
  among their aliases, so that no question for another bearer of the surname takes their words.
* Every way the article writes a person's name, and the descriptions it ties to the person
  ("county spokeswoman", "Ukrainian president"), are kept for :attr:`Quote.aliases`.
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
    commissioner emperor sheikh emir chairperson nominee businessman businesswoman host anchor
    columnist strategist pollster lawyer consultant reporter correspondent editor publisher author
    historian scientist researcher physician manager officer activist organizer organiser
    legislator delegate sheriff superintendent treasurer clerk counsel actor actress singer
    comedian writer novelist filmmaker producer pastor bishop rabbi imam priest
    assemblyman assemblywoman councilman councilwoman councillor councilor alderman alderwoman
    administrator detective constable inspector whip magistrate broadcaster developer
    co-developer emeritus astronaut astronomer engineer architect entrepreneur executive designer
    artist justice
    """
)
# Occupations by their ending, before a name: "Immunologist Kristian Andersen", "Economist Jo
# Bell" (not the Swedish surnames in -qvist, -kvist, -quist).
_OCCUPATION_ENDINGS = ("ologist", "ist")
_NOT_OCCUPATION_ENDINGS = ("vist", "quist")
# Nouns that describe a speaker that is not a person ("the campaign said"): a title phrase may
# end in one, a name may not.
_BODY_HEADS = _words(
    """
    campaign company group ministry department agency newspaper committee network firm union
    party government administration organization organisation foundation council commission
    embassy court board bank hospital university team league association office
    """
)
# Nouns that, after a person's name, make the phrase a group of people or a body named after
# the person, not the person: "the Trump campaign", "Biden's team", "the Trump family", "Trump
# allies", "Trump's lawyers" (with every body, organisation, title and people noun in the plural).
_GROUP_NOUNS = _words(
    "family families camp circle estate loyalists backers donors allies supporters lawyers "
    "attorneys aides officials advisers advisors staff staffers associates surrogates "
    "spokespeople operatives insiders veterans alumni voters children"
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
    ultimately finally first next again having needless others thus hence said says added adds
    asked asks wrote writes told more most less between among across against along around behind
    beyond inside outside near toward towards upon within via except including
    monday tuesday wednesday thursday friday saturday sunday
    january february march july september october november december
    had were should would could did does do is was are has have you your let yes well oh okay
    um yeah hi hello thank thanks please
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

# Common nouns that open a sentence capitalised and so look like a name: groups of people
# ("Prosecutors said", "Witnesses told", "Senators condemned", with every plural of a title or
# body word) and texts or media ("Reports said", "Polls suggest", "Media reported", "The 14th
# Amendment states"). They are nobody we can name. People nouns count in the plural only; text
# nouns also in the singular, except those that are also given names or surnames (Bill, Law).
_PEOPLE_NOUNS = _words(
    """
    witness resident expert critic source observer investigator researcher scientist doctor
    protester protestor demonstrator student worker employee parent local organizer organiser
    volunteer medic nurse teacher authority insider ally supporter opponent voter neighbour
    neighbor relative family friend colleague survivor victim passenger rescuer firefighter
    soldier troop militant rebel fighter citizen person member participant attendee
    lawmaker legislator economist scholar academic activist campaigner user customer fan
    """
)
_TEXT_NOUNS = _words(
    """
    report poll survey study document record statement filing data figure estimate memo letter
    transcript release tweet article analysis audit review complaint indictment lawsuit affidavit
    ruling footage video image photo media outlet newspaper coverage reporting paper amendment
    constitution treaty resolution decree guideline regulation policy agreement contract minutes
    email message website accounts
    """
)
_DEMONYM_ENDINGS = ("ian", "ean", "ese", "ish", "ern")
_DEMONYMS = _words(
    "american israeli iraqi afghan pakistani german french dutch greek swiss thai arab soviet "
    "allied danish finnish swedish czech slovak serb croat welsh scottish irish kurdish"
)

# Generational suffixes and post-nominal letters ("Kama Melly QC").
# An age before a name: "Fifteen-year-old Robert".
_AGES = ("-year-old", "-years-old", "-month-old")
# Function words capitalised in title case; a name never holds one.
_HEADLINE_JOINTS = _words("and or the of for to in on with at by from a an is are was")
_SUFFIXES = _words("jr sr ii iii iv qc kc esq phd obe cbe mbe kbe")
# Gender, where the article shows it, so that "she said" never goes to a man. Honorifics and
# gendered titles say it outright; common given names are a weaker sign (ambiguous ones such as
# Chris, Jordan or Kim are in neither list).
_MALE_WORDS = _words(
    "mr sir lord spokesman chairman congressman businessman councilman assemblyman alderman "
    "king prince emperor pope father son brother husband uncle grandfather boy"
)
_FEMALE_WORDS = _words(
    "mrs ms miss dame lady madam spokeswoman chairwoman congresswoman businesswoman "
    "councilwoman assemblywoman alderwoman queen princess empress mother daughter sister wife "
    "aunt grandmother girl actress"
)
_MALE_NAMES = _words(
    """
    james john robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven stephen paul andrew joshua kenneth kevin brian george
    timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan larry justin scott
    brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron
    jose adam nathan henry douglas zachary peter kyle ethan walter noah jeremy christian keith
    roger gerald harold sean austin carl arthur lawrence dylan jesse bryan billy joe bruce
    gabriel logan albert willie alan juan wayne elijah randy roy vincent ralph eugene russell
    bobby philip louis barack bernie bernard ted marco jeb rand mike mitt newt rick ben bill tim
    tom jim bob dick dan dave steve ron ken greg jeff joel rudy reince rex mitch harry
    vladimir volodymyr boris emmanuel francois manuel recep narendra shinzo muammar bashar hassan
    ali mohammed muhammad ahmed omar abdul andrii serhiy dmitry sergei alexei mikhail viktor igor
    oleg yuri ivan pavel nikolai luis carlos miguel pedro jorge antonio francisco javier diego
    rafael fernando pablo ricardo eduardo hans klaus jurgen wolfgang friedrich olaf matteo
    giuseppe giovanni luca pierre jacques keir rishi tony gordon nigel hugh colin martin fred
    howard chuck lyndon dwight franklin herbert woodrow calvin hunter beau
    lloyd antony jake marcus max leon tucker
    """
)
_FEMALE_NAMES = _words(
    """
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty
    margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa deborah
    stephanie rebecca sharon laura cynthia kathleen amy shirley angela helen anna brenda pamela
    nicole emma samantha katherine christine debra rachel catherine carolyn janet ruth maria
    heather diane virginia julie joyce victoria olivia christina lauren joan evelyn judith megan
    cheryl hannah martha jacqueline frances gloria ann teresa kathryn sara janice alice madison
    doris abigail julia judy grace denise amber marilyn beverly danielle theresa sophia marie
    diana brittany natalie isabella charlotte rose alexis kayla hillary melania ivanka chelsea
    nikki kellyanne hope huma debbie dianne kirsten tammy tulsi kamala marine ursula jacinda
    olena yulia condoleezza madeleine loretta sonia elena sheryl oprah katy megyn greta jill
    lynne valerie liz susanna jane carly sheila maxine ilhan alexandria elise nina naomi
    """
)

# A contraction ends a word, never a name: "I'm", "You've", "I'd".
_WORD_TOKEN = (
    rf"[{_UPPER}][{_LOWER}{_UPPER}]*(?:[-’'](?!(?:s|m|ve|d|ll|re|t)\b)[{_UPPER}{_LOWER}]+)*"
)
_TOKEN = (
    rf"(?:(?:[A-Z]\.){{2,}}"  # U.S.
    r"|[A-Z]+&[A-Z]+"  # PG&E, AT&T
    r"|(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|Adm|Maj|Prof|Rev|Hon|St|Jr|Sr)\."
    rf"|[A-Z]\.(?={_SP}[{_UPPER}])"  # an initial: John F. Kennedy
    rf"|{_WORD_TOKEN})"
)
_PARTICLE = r"(?:van|von|der|den|de|da|del|della|di|du|la|le|bin|ibn|al|el|dos|das|ter|ten)"
_PARTICLE_RE = re.compile(_PARTICLE)
_NAME = rf"{_TOKEN}(?:{_SP}(?:{_PARTICLE}{_SP})?{_TOKEN}){{0,5}}"

# Titles as written in running text: "president" or "President" (case-insensitive matching
# of a long alternation is several times slower).
_HEADS = _alternation(_TITLE_HEADS | {head.capitalize() for head in _TITLE_HEADS})
_DESCRIPTION_HEADS = _alternation(_TITLE_HEADS | _BODY_HEADS)
# "the president", "the former top aide", "his spokesman", "Trump's spokeswoman", "the campaign".
_TITLE_NP = (
    rf"(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[{_UPPER}][\w-]*[’']s){_SP}"
    rf"(?:[\w’'-]+{_SP}){{0,3}}?(?:{_DESCRIPTION_HEADS})(?:-elect)?(?![\w’'-])"
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
    rf"(?P<name>{_NAME})(?=(?:{_SP}\([^()\n]{{1,30}}\))?(?:,{_SP}(?P<appos>[^\n]{{1,160}}?),)?{_SP}"
    rf"(?!(?:{_HEADS})\b)[a-z])"
)
_TITLE_BEFORE_NAME = re.compile(
    rf"(?<![\w’'.\-])(?P<head>(?:{_HEADS})(?:-elect)?),?{_SP}(?=[{_UPPER}])"
)
# Words that end a run of descriptors: a description ("super PAC spokeswoman", "former
# secretary of state") is content words only.
_STOP = (
    r"(?:and|or|but|nor|which|who|whom|whose|that|what|is|was|are|were|be|been|has|have|had|do"
    r"|does|did|as|while|when|because|if|after|before|since|then|so|than|with|according|in|on"
    r"|at|to|for|from|by|of|about|into|it|he|she|they|we|i|you|this|these|those|not|no|also"
    r"|said|says|told|tells|there|here|where|how|why|would|will|could|should|may|might|can"
    r"|the|a|an|yesterday|today|tonight|now|later|earlier|meanwhile|however|instead|last|next"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)
_DESCRIPTOR = rf"(?:(?<=[a-z]\s)of(?={_SP}[a-z])|(?!{_STOP}(?![\w’'-]))[\w’'&$.-]+)"
_STOP_WORDS = frozenset(re.sub(r"[^a-z|]", "", _STOP).split("|"))
_DESCRIPTION_WORD = re.compile(r"[\w’'&$.-]+")
_CLAUSE_MARKS = frozenset(f',;:("“”—–{_MASK}')
_DESCRIPTION_WORDS = 4


def _description_start(masked: str, end: int, floor: int) -> int | None:
    """Start of the description words ending at ``end`` ("with county spokeswoman Jane Doe":
    "county spokeswoman"), or None when there are none or they run on into another clause
    ("Zelenskyy met county spokeswoman Jane Doe": the words belong to another clause).
    ``floor`` counts as a clause start. A few words are looked at, so this is cheap."""
    low = max(floor, end - 60)
    words = masked[low:end].split(" ")
    if len(words) < 2 or words[-1]:
        return None  # description words end with a space before the name
    position = end - 1  # the space after the word being looked at
    taken: list[str] = []
    for word in reversed(words[:-1]):
        lower = word.lower()
        if not word or word[-1] in _CLAUSE_MARKS:
            break  # punctuation or a quotation ends the clause before
        if lower in _STOP_WORDS and not (lower == "of" and taken and taken[-1][:1].islower()):
            break
        if len(taken) == _DESCRIPTION_WORDS or not _DESCRIPTION_WORD.fullmatch(word):
            return None
        taken.append(word)
        position -= len(word) + 1
    else:
        if low != floor:
            return None  # ran out of window, not into a clause start
    if not taken or taken[-1].lower() == "of":
        return None
    return position + 1


# A name run after "of" or "from" may start with a place ("Senator from Vermont Bernie Sanders").
_OF_BEFORE = re.compile(
    rf"(?:(?<![\w’'])(?P<word>[\w-]+){_SP})?(?<![\w’'])(?:of|from)(?:{_SP}the)?{_SP}$"
)
_INITIAL = re.compile(r"[A-Z]\.")
# A one-word place: "in Libya," "in Libya on Monday" (not "in Obama's", "in Trump country").
# Both start with the literal "in" (the regex engine then jumps from one "in" to the next);
# the word start before it is checked by _after_word_start.
_IN_PLACE_WORD = re.compile(
    rf"in{_SP}(?P<word>{_WORD_TOKEN})(?=[^\S\n]*(?:[,.;:!?)\n]|$)"
    rf"|{_SP}(?:and|or|on|in|at|since|from|to|for|with|after|before|during|last|this|that"
    rf"|which|where|when|while|but)\b)"
)
_IN_PLACE = re.compile(rf"in{_SP}(?:the{_SP})?({_NAME})(?![’']s\b|{_SP}[{_UPPER}])")


# "a university student named Wong", "a man identified only as Kim".
_NAMED_STRANGER = re.compile(
    rf"(?<![\w’'])(?:named|surnamed|called|identified{_SP}(?:only{_SP})?as"
    rf"|known{_SP}only{_SP}as){_SP}(?=[{_UPPER}])"
)
_STRANGER_WORDS = ("named", "called", "identified", "known")


def _named_strangers(masked: str) -> list[re.Match[str]]:
    """The matches of :data:`_NAMED_STRANGER`, found from its words with ``str.find`` (a regex
    scan of the whole text would try its alternatives at every position)."""
    found = []
    for word in _STRANGER_WORDS:
        position = masked.find(word)
        while position >= 0:
            start = position - 3 if masked.startswith("sur", position - 3) else position
            match = _NAMED_STRANGER.match(masked, start)
            if match is not None:
                found.append(match)
            position = masked.find(word, position + len(word))
    return found


_INDEFINITE_BEFORE = re.compile(rf"(?<![\w’'])(?:[Aa]n?|[Oo]ne){_SP}(?:[\w’'-]+{_SP}){{1,4}}$")


def _after_word_start(masked: str, found: re.Match[str]) -> bool:
    start = found.start()
    return start == 0 or not (masked[start - 1].isalnum() or masked[start - 1] in "_’'")


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
    if len(word) >= 7 and word.endswith(_OCCUPATION_ENDINGS):
        return not word.endswith(_NOT_OCCUPATION_ENDINGS)
    return word in _TITLE_HEADS or any(part in _TITLE_HEADS for part in word.split("-"))


@lru_cache(maxsize=8192)
def _split_title(run: str) -> tuple[tuple[str, ...], str | None]:
    """Drop sentence-opening words, titles and honorifics from a capitalised run.

    Returns the name tokens ("Foreign Minister Andrii Sybiha" -> ("Andrii", "Sybiha")) and the
    title phrase in lower case ("foreign minister"), if the run carried one.
    """
    tokens = tuple(run.split())
    i = 0
    while i < len(tokens) and (
        tokens[i].rstrip(".").lower() in _LEADING_STOP or tokens[i].lower().endswith(_AGES)
    ):
        i += 1  # "But", "Fifteen-year-old"
    tokens = tokens[i:]
    # A headline in title case runs words into the name: "Let The Media And Marco Rubio".
    joints = [j for j, token in enumerate(tokens[:-1]) if token.lower() in _HEADLINE_JOINTS]
    if joints:
        tokens = tokens[joints[-1] + 1 :]
        while len(tokens) > 2 and tokens[0].endswith("ing"):
            tokens = tokens[1:]  # "Why Progressives Are Celebrating Hillary Clinton"
    if len(tokens) >= 3 and all(token.isupper() and len(token) > 1 for token in tokens):
        return (), None  # a headline in capitals: "NEW HAMPSHIRE SHOWS STRONG TRUMP LEAD"
    title = None
    heads = [j for j, token in enumerate(tokens) if _is_title_head(token)]
    if heads == [len(tokens) - 1] and any(_given_name_gender(token) for token in tokens[:-1]):
        heads = []  # a surname that is also a title word: "Gov. Jim Justice"
    if heads:
        head = heads[-1]
        first = head
        while first > 0 and tokens[first - 1].lower() in _TITLE_MODIFIERS:
            first -= 1
        title = " ".join(token.lower() for token in tokens[first : head + 1])
        tokens = tokens[head + 1 :]
    # An honorific anywhere before the name starts it: "Navy Capt. Jeff Davis", "South
    # Carolina Gov. Jim Hodges".
    honorifics = [
        j for j, token in enumerate(tokens[:-1]) if token.rstrip(".").lower() in _HONORIFICS
    ]
    if honorifics:
        tokens = tokens[honorifics[-1] + 1 :]
    while tokens and tokens[0].rstrip(".").lower() in _HONORIFICS:
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1].rstrip(".").lower() in _SUFFIXES:
        tokens = tokens[:-1]
    # An acronym before a full name is a title or an employer: "IM Dorsa Derakhshani" (a chess
    # title), "NASA Administrator ...". A short one before a surname alone is a name: "DJ Khaled".
    while len(tokens) > 2 and tokens[0].isupper() and 2 <= len(tokens[0].rstrip(".")) <= 5:
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


def _written_title(phrase: str) -> str:
    """A title phrase as a speaker is shown: in lower case ("The Prime Minister" -> "the prime
    minister"), but for the names in it ("the Trump campaign", "Trump's team")."""
    return " ".join(
        word
        if word[:1].isupper()
        and word.lower() not in _LEADING_STOP
        and word.lower() not in _TITLE_MODIFIERS
        and word.lower() not in _BODY_HEADS
        and not _is_title_head(word)
        else word.lower()
        for word in phrase.split()
    )


@dataclass(slots=True)
class _People:
    """What the article says about its people, keyed by folded surname: full names, titles,
    gender, and every way it writes each name (for :attr:`Quote.aliases`)."""

    full: dict[str, tuple[str, ...]] = field(default_factory=dict)
    titles: dict[str, set[str]] = field(default_factory=dict)
    # Words capitalised in mid-sentence: proper nouns, not just sentence openers ("Prices").
    proper: set[str] = field(default_factory=set)
    gender: dict[str, str] = field(default_factory=dict)  # "m" or "f"; absent when unknown
    variants: dict[str, dict[tuple[str, ...], None]] = field(default_factory=dict)
    positions: dict[str, list[int]] = field(default_factory=dict)  # where each name is written
    descriptions: dict[str, dict[str, None]] = field(default_factory=dict)
    _firsts: dict[str, set[tuple[str, ...]]] | None = None  # full names by given name
    places: set[str] = field(default_factory=set)  # folded one-word places ("in Libya")
    # People introduced by a surname alone ("a university student named Wong"): where that
    # name is written, and their descriptions by folded surname.
    strangers: dict[int, str] = field(default_factory=dict)
    stranger_descriptions: dict[str, dict[str, None]] = field(default_factory=dict)

    def add_title(self, key: str, title: str | None) -> None:
        if title:
            bucket = self.titles.setdefault(key, set())
            bucket.add(title)
            bucket.add(title.split()[-1])
            self.add_gender(key, title.split()[-1])

    def add_description(self, key: str, description: str) -> None:
        """A description the article ties to the person ("county spokeswoman")."""
        description = " ".join(description.split()).strip(" ,")
        if description:
            self.descriptions.setdefault(key, {})[description] = None

    def add_gender(self, key: str, word: str) -> None:
        """Record the gender ``word`` (an honorific or a gendered title) shows, if any; a
        contradiction (two people sharing a surname) makes it unknown."""
        word = word.lower().rstrip(".")
        found = "m" if word in _MALE_WORDS else "f" if word in _FEMALE_WORDS else None
        if found is None:
            return
        if self.gender.setdefault(key, found) != found:
            self.gender[key] = "?"

    def gender_of(self, name: str) -> str | None:
        """ "m", "f", or None when the article does not show it. A given name in ``name`` says
        most ("Bill Clinton" in an article that also has "Mrs. Clinton"); then an honorific or
        gendered title the article gave the surname, if the surname is one person's (every
        full name ending in it has the same given name); then the full name's given name."""
        tokens = name.split()
        key = _fold(tokens[-1])
        if len(tokens) >= 2:
            given = _given_name_gender(tokens[0])
            if given:
                return given
            firsts = {variant[0] for variant in self.variants.get(key, ()) if len(variant) > 1}
            if firsts - {tokens[0]}:
                return None  # "Hal Dorsey" is not the "Mrs. Dorsey" of the same article
        known = self.gender.get(key)
        if known:
            return None if known == "?" else known
        full = self.full.get(key)
        return _given_name_gender(full[0]) if full and len(tokens) == 1 else None

    def display(self, tokens: Sequence[str]) -> str:
        """The fullest name the article gives the person written ``tokens``: the full name
        ending in the same surname, or for a given name alone the one full name starting
        with it whose surname the article also writes alone ("Terri said" -> "Terri Collins"
        where it writes "Collins said"; "Ban" stays "Ban", for Ban Ki-moon's surname comes
        first)."""
        key = _fold(tokens[-1])
        known = self.full.get(key)
        if known and len(known) > len(tokens) and _compatible_first(tokens, known):
            return " ".join(known)
        if known is None and len(tokens) == 1:
            if self._firsts is None:
                self._firsts = {}
                for full in self.full.values():
                    self._firsts.setdefault(_fold(full[0]), set()).add(full)
            named = self._firsts.get(key, ())
            if len(named) == 1:
                full = next(iter(named))
                surname = (full[-1],)
                if surname in self.variants.get(_fold(full[-1]), {}) and self.is_person(full):
                    return " ".join(full)
        return " ".join(tokens)

    def named_with(self, title: str, position: int) -> str | None:
        """The person the article last named before ``position`` with ``title``."""
        best, best_position = None, -1
        for key, titles in self.titles.items():
            if title not in titles:
                continue
            positions = self.positions.get(key, ())
            index = bisect_right(positions, position - 1)
            if index and positions[index - 1] > best_position:
                tokens = self.full.get(key) or next(iter(self.variants[key]))
                if self.is_person(tokens):
                    best, best_position = " ".join(tokens), positions[index - 1]
        return best

    def collective(self, tokens: Sequence[str]) -> bool:
        """Whether a one-word subject is a group or a text ("Reports", "Prosecutors"), not a
        person: a common noun the article never gives as someone's surname ("Rep. Jim Banks")."""
        return len(tokens) == 1 and _common_noun(tokens[0]) and _fold(tokens[0]) not in self.full

    def gerund(self, token: str) -> bool:
        """Whether a capitalised word is a gerund opening a sentence ("Fighting went on"),
        not a surname in -ing ("Manning"), which the article writes in full or mid-sentence."""
        key = _fold(token)
        return token.endswith("ing") and key not in self.full and key not in self.proper

    def is_person(self, tokens: Sequence[str]) -> bool:
        if self.collective(tokens):
            return False
        if len(tokens) == 1 and _fold(tokens[0]) in self.places - self.full.keys():
            return False  # "Turkey and Libya agreed": the article writes "in Libya"
        known = self.full.get(_fold(tokens[-1]), tuple(tokens))
        for name in (tokens, known):
            last = name[-1]
            if last.lower() in _ORG_WORDS or last.lower() in _PLACES:
                return False
            if len(last) > 4 and last.lower().endswith("news"):
                return False  # Wikinews, Euronews
            if len(name) == 1 and len(last) > 1 and last.isupper():
                return False  # NATO, BBC
        return True

    def aliases(self, speaker: str, extra: Sequence[str] = ()) -> tuple[str, ...]:
        """Other ways the article refers to ``speaker``: its spellings of the name (surname
        alone, full name, variants) and the descriptions it ties to the person; for a surname
        the article gives a stranger ("a university student named Wong"), that description
        and no full name."""
        tokens = speaker.split()
        key = _fold(tokens[-1])
        found: dict[str, None] = {}
        strangers = self.stranger_descriptions.get(key, {}) if len(tokens) == 1 else {}
        for variant in self.variants.get(key, {}):
            # A stranger named by a surname alone is not the article's full name of it.
            if _compatible_first(variant, tuple(tokens)) and not (strangers and len(variant) > 1):
                found[" ".join(variant)] = None
        for description in (*self.descriptions.get(key, {}), *strangers, *extra):
            found[description] = None
        found.pop(speaker, None)
        return tuple(found)


def _singular(word: str) -> str | None:
    """The singular of an English plural ("witnesses" -> "witness", "authorities" ->
    "authority", "spokesmen" -> "spokesman"), or None when ``word`` is not plural in form."""
    if word.endswith("men"):
        return word[:-3] + "man"
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return None


@lru_cache(maxsize=4096)
def _common_noun(token: str) -> bool:
    """Whether a capitalised word is a noun for a group of people or for a text, not a name:
    "Reports", "Prosecutors", "Witnesses", "Senators", "Polls", "Media", "Amendment"."""
    word = token.lower()
    if word in _TEXT_NOUNS:
        return True
    singular = _singular(word)
    return singular is not None and (
        singular in _PEOPLE_NOUNS
        or singular in _TEXT_NOUNS
        or singular in _TITLE_HEADS
        or singular in _BODY_HEADS
    )


@lru_cache(maxsize=4096)
def _group_word(token: str) -> bool:
    """Whether a word after a person's name makes the phrase a group or a body named after the
    person ("campaign", "administration", "team", "House", "family", "allies", "lawyers"),
    or a text ("statement"): "the Trump campaign" is not Trump."""
    word = token.lower()
    return word in _BODY_HEADS or word in _ORG_WORDS or word in _GROUP_NOUNS or _common_noun(word)


def _given_name_gender(token: str) -> str | None:
    lower = token.lower()
    return "m" if lower in _MALE_NAMES else "f" if lower in _FEMALE_NAMES else None


def _compatible_first(tokens: Sequence[str], known: Sequence[str]) -> bool:
    # "Zelenskyy" fits "Volodymyr Zelenskyy", "La Riva" fits "Gloria La Riva", "Joe Biden" fits
    # "Joseph R. Biden"; "Melania Trump" does not fit "Donald Trump", nor "Rocky Linux" "Red Hat
    # Enterprise Linux".
    if len(tokens) == 1 or len(known) == 1:
        return True
    if tuple(known[-len(tokens) :]) == tuple(tokens):
        return True
    written, full = _fold(tokens[0]), _fold(known[0])
    shared = min(2, len(written), len(full))
    return written[:shared] == full[:shared]


_PLACE_OR_BODY = _PLACES | _ORG_WORDS  # "(Chief of) Staff Denis McDonough"


def _after_place(
    tokens: tuple[str, ...], places: set[tuple[str, ...]], titled: bool
) -> tuple[str, ...]:
    """The person's name in a run that starts with a place: "(Senator from) Vermont Bernie
    Sanders", "(Vice President of the) United States Joe Biden", "(Chief Executive of) Hong
    Kong Carrie Lam": after a known place or words the article also writes as a name of their
    own ("in Hong Kong", "Hong Kong's economy"), else from a known given name, else (after a
    title: "Chief Executive of ...") the last two words, three with an initial; a run that
    opens with a given name stays whole."""
    if _given_name_gender(tokens[0]):
        return tokens
    for length in range(len(tokens) - 2, 0, -1):
        if tokens[:length] in places or (length == 1 and tokens[0].lower() in _PLACE_OR_BODY):
            return tokens[length:]
    for index in range(1, len(tokens) - 1):
        if _given_name_gender(tokens[index]):
            return tokens[index:]
    if titled:
        return tokens[-3:] if _INITIAL.fullmatch(tokens[-2]) else tokens[-2:]
    return tokens


def _collect_people(masked: str) -> _People:
    people = _People()
    # Single words written after "in" are places, not people ("in Libya").
    people.places = {
        _fold(found.group("word"))
        for found in _IN_PLACE_WORD.finditer(masked)
        if _after_word_start(masked, found)
    }
    places: set[tuple[str, ...]] | None = None  # and runs of their own, found when needed
    for match in _NAME_RUN.finditer(masked):
        run = match.group()
        tokens, title = _split_title(run)
        if not tokens or not tokens[-1][:1].isupper():
            continue
        after_of = None
        if len(tokens) >= 3:
            after_of = _OF_BEFORE.search(masked, max(0, match.start() - 40), match.start())
        if after_of is not None:
            if places is None:
                places = {
                    tuple(found.group(1).split())
                    for found in _IN_PLACE.finditer(masked)
                    if _after_word_start(masked, found)
                } | {tuple(found.group().split()) for found in _NAME_RUN.finditer(masked)}
            titled = _is_title_head(after_of.group("word") or "")
            tokens = _after_place(tokens, places, titled)
        key = _fold(tokens[-1])
        if not key:
            continue
        start = match.start()
        if len(tokens) == 1 and start >= 2 and masked[start - 1] == " ":
            if masked[start - 2].islower():
                people.proper.add(key)
        elif len(tokens) >= 2 and key not in people.full:
            people.full[key] = tuple(tokens)
        people.variants.setdefault(key, {})[tuple(tokens)] = None
        people.positions.setdefault(key, []).append(start)
        people.add_title(key, title)
        if title:
            people.add_description(key, run[: run.rfind(tokens[0])])
        before = run.split()
        if len(before) > len(tokens):
            people.add_gender(key, before[-len(tokens) - 1])  # "Mrs. Clinton"
        if masked.startswith(",", match.end()):
            # Set off after the name: "Andrii Sybiha, Ukraine’s foreign minister, ..."
            found = _TITLE_APPOSITION_AFTER.match(masked, match.end(), match.end() + 80)
            if found:
                title = _title_from_words(found.group("words"), found.group("head"))
                people.add_title(key, title)
                people.add_description(key, found.group().lstrip(", "))
    # Someone introduced by a surname alone ("a university student named Wong") is a stranger
    # of that name: the description is kept, so that no question for another bearer of the
    # surname ("Joshua Wong") takes their words.
    for found in _named_strangers(masked):
        before = _INDEFINITE_BEFORE.search(masked, max(0, found.start() - 60), found.start())
        named = _NAME_RUN.match(masked, found.end()) if before is not None else None
        if named is not None:
            tokens, _title = _split_title(named.group())
            if len(tokens) == 1:
                description = " ".join(masked[before.start() : named.end()].split())
                people.strangers[named.start()] = description
                people.stranger_descriptions.setdefault(_fold(tokens[0]), {})[description] = None
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
        key = _fold(tokens[-1])
        words = masked[max(0, match.start() - 40) : match.start()].rsplit(None, 2)[-2:]
        title = _title_from_words(" ".join([*words, match.group("head")]))
        people.add_title(key, title)
        if match.group("head")[:1].islower():  # capitalised titles came with their name run
            start = _description_start(masked, match.start(), 0)
            if start is not None:
                people.add_description(key, masked[start : match.end("head")])
    return people


@dataclass(frozen=True, slots=True)
class _Ref:
    """Who an attribution points at before resolution: a name, a pronoun, a title phrase or an
    anonymous source."""

    kind: str  # "name" | "pron" | "title" | "anon"
    value: str  # display name, the pronoun, or the title key ("foreign minister")
    written: str = ""  # a title phrase as written, lower case ("the foreign minister")


@dataclass(frozen=True, slots=True)
class _Mention:
    position: int
    key: str
    name: str
    person: bool


_LOOKBACK = 64  # mentions searched back from a pronoun or title
_PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}


class _Resolver:
    """Resolves pronouns and title phrases against the people named earlier in the text.

    * "he"/"she" go to the nearest person who spoke or opened a sentence, skipping anyone the
      article shows to be of the other gender; nobody left means no speaker.
    * "the <title>" goes to the nearest person the article names with that title (or its head
      word: "the minister" for "foreign minister Andrii Sybiha"); otherwise the title itself is
      the speaker, as written ("the prime minister"), and never someone else named nearby. A
      title behind a possessive pronoun ("his spokesman") that names nobody is anonymous.
    * "it", "they", "we", "officials", "a spokesperson" stay anonymous.
    """

    def __init__(self, people: _People, mentions: list[_Mention]) -> None:
        self._people = people
        self._mentions = sorted(mentions, key=lambda mention: mention.position)
        self._positions = [mention.position for mention in self._mentions]

    def resolve(self, ref: _Ref, position: int) -> str | None:
        if ref.kind == "name":
            return ref.value
        if ref.kind == "anon" or (ref.kind == "pron" and ref.value not in _PRONOUN_GENDER):
            return None  # "it", "they", "officials": no one we can name
        latest = bisect_right(self._positions, position - 1)
        # The nearest people first; far enough back, nobody writes "he said" any more.
        people = [
            mention
            for mention in self._mentions[max(0, latest - _LOOKBACK) : latest][::-1]
            if mention.person
        ]
        if ref.kind == "pron":
            wanted = _PRONOUN_GENDER[ref.value]
            for mention in people:
                if self._people.gender_of(mention.name) in (None, wanted):
                    return mention.name
            return None
        title = ref.value
        for wanted_title in dict.fromkeys((title, title.split()[-1])):
            named = self._people.named_with(wanted_title, position)
            if named is not None:
                return named
        determiner = ref.written.split()[0]
        if determiner in ("his", "her", "their", "its"):
            return None
        return ref.written
