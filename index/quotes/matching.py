"""Whether a quotation's speaker is the person a question names: :func:`speaker_matches`.

Names are compared by folded tokens (case, accents, punctuation, y/i and doubled letters ignored),
tolerating transliteration variants (Zelensky / Zelenskyy / Zelenskiy), one-letter spelling
differences in long names and common short forms of given names (Joe / Joseph, Bill / William).

Wrong is worse than unknown, so a name never matches a speaker shown to be someone else:

* a different given name of the same surname ("Tak-Sing Wong" for "Joshua Wong", "Barack Obama"
  for "Michelle Obama"), whatever the quotation's aliases say (its alias "Wong" does not make
  Tak-Sing Wong Joshua Wong);
* a surname the article gives a stranger ("a university student named Wong", among the
  aliases) for a question that gives a given name; a surname alone asked ("Obama") matches
  every bearer of it, each shown under their own name;
* a body or group named after the person ("the Trump campaign", "Biden's team", "Trump White
  House", "the Trump family"): a description, which answers only a question naming it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .people import _LEADING_STOP, _PARTICLE_RE, _fold, _group_word, _split_title


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


# Common short forms of given names: "Joe Biden" is "Joseph Biden", "Bill Clinton" is "William
# Clinton". Any other two different given names are two people.
_NICKNAMES = {
    _fold(short): frozenset(_fold(full) for full in fulls.split())
    for short, fulls in (
        ("joe", "joseph"),
        ("joey", "joseph"),
        ("bill", "william"),
        ("billy", "william"),
        ("will", "william"),
        ("bob", "robert"),
        ("bobby", "robert"),
        ("rob", "robert"),
        ("mike", "michael"),
        ("tom", "thomas"),
        ("jim", "james"),
        ("jimmy", "james"),
        ("dick", "richard"),
        ("rick", "richard"),
        ("ted", "edward theodore"),
        ("ed", "edward"),
        ("chuck", "charles"),
        ("charlie", "charles"),
        ("chris", "christopher christine christina"),
        ("dan", "daniel"),
        ("dave", "david"),
        ("steve", "steven stephen"),
        ("tony", "anthony"),
        ("ben", "benjamin"),
        ("sam", "samuel samantha"),
        ("pete", "peter"),
        ("jeff", "jeffrey"),
        ("ron", "ronald"),
        ("don", "donald"),
        ("larry", "lawrence"),
        ("jack", "john"),
        ("jon", "jonathan"),
        ("hank", "henry"),
        ("harry", "henry"),
        ("nick", "nicholas"),
        ("matt", "matthew"),
        ("andy", "andrew"),
        ("greg", "gregory"),
        ("tim", "timothy"),
        ("ken", "kenneth"),
        ("alex", "alexander alexandra alexandria"),
        ("kate", "katherine catherine kathryn"),
        ("kathy", "kathleen katherine"),
        ("liz", "elizabeth"),
        ("beth", "elizabeth"),
        ("betsy", "elizabeth"),
        ("peggy", "margaret"),
        ("maggie", "margaret"),
        ("sue", "susan"),
        ("jen", "jennifer"),
        ("pat", "patrick patricia"),
        ("josh", "joshua"),
        ("bernie", "bernard"),
        ("mitch", "mitchell"),
        ("newt", "newton"),
        ("rudy", "rudolph"),
    )
}


def _given_names_fit(a: str, b: str) -> bool:
    """Folded given names of one person: the same, an initial ("J." for "John"), spelling
    variants (Andrii / Andriy) or a common short form (Joe / Joseph)."""
    if a == b:
        return True
    if a[:1] == b[:1] and (len(a) == 1 or len(b) == 1 or _surnames_match(a, b)):
        return True
    return b in _NICKNAMES.get(a, ()) or a in _NICKNAMES.get(b, ())


# "a university student named Wong": someone the article introduces by a surname only.
_UNNAMED_INTRODUCTION = re.compile(
    r"(?:a|an|one)\s.*\b(?:named|surnamed|called|identified|known)\s", re.IGNORECASE
)

# Modifiers that make a title another office: the vice president is not the president.
_OTHER_OFFICE = frozenset(_fold(word) for word in ("vice", "deputy", "assistant", "former", "ex"))


def speaker_matches(speaker: str | None, name: str, aliases: Sequence[str] = ()) -> bool:
    """Whether a quotation's speaker is the person (or title) called ``name`` in a question.

    Parameters
    ----------
    speaker : str | None
        A :attr:`Quote.speaker`: a name ("Volodymyr Zelenskyy"), a title kept as written
        ("the prime minister"), or ``None``.
    name : str
        The name or title as asked ("Zelenskyy", "zelensky", "President Zelenskyy", "the prime
        minister").
    aliases : Sequence[str], optional
        The quotation's :attr:`Quote.aliases`: the other ways its article refers to the
        speaker. A question may name any of them ("the Ukrainian president", "Zelensky").

    Returns
    -------
    bool
        True when the surnames agree (ignoring case, accents, titles and transliteration
        variants such as Zelensky / Zelenskyy / Zelenskiy), and any first name given in
        ``name`` fits the speaker's; a single word also matches the speaker's first name. A
        title asked for matches a speaker that is that title ("the prime minister"), or one
        whose aliases carry it, but never a different office ("the vice president"). False
        for a speaker shown to be another bearer of the surname (another given name, or a
        stranger "named Wong" when a given name is asked), whatever the aliases, and for a
        body named after the person ("the Trump campaign" is not "Trump").
    """
    if not speaker or not name:
        return False
    asked_title = _title_only(name)
    if not asked_title and _another_person(speaker, name, aliases):
        return False
    # A description answers only a question naming a title: "What did Trump say?" is not about
    # "Trump's spokeswoman" or "a Trump adviser".
    return any(
        _title_only(candidate) == asked_title and _matches(candidate, name)
        for candidate in (speaker, *aliases)
    )


def _title_only(text: str) -> bool:
    """Whether ``text`` names a title or description and no person ("the prime minister",
    "a Rubio spokesman", "the Trump campaign", "Biden's team", "Trump White House"), as
    opposed to a name ("Jo Bell", "President Zelenskyy")."""
    names, _title = _split_title(text.replace("’", "'").replace("'s ", " "))
    return not names or _group_word(names[-1])


def _another_person(speaker: str, name: str, aliases: Sequence[str]) -> bool:
    """Whether the speaker is shown to be someone else of the asked surname, so that no alias
    may stand in for them: another given name ("Tak-Sing Wong" for "Joshua Wong", even with
    the alias "Wong"), or a surname alone that the article gives a stranger ("a university
    student named Wong") where the question gives a given name."""
    speaker_keys = _name_keys(speaker)
    name_keys = _name_keys(name)
    if len(name_keys) < 2 or not speaker_keys:
        return False  # a surname alone is asked: any bearer of it may be meant
    if not _surnames_match(name_keys[-1], speaker_keys[-1]):
        return False
    if len(speaker_keys) >= 2:
        return not _given_names_fit(name_keys[0], speaker_keys[0])
    return any(_UNNAMED_INTRODUCTION.match(alias) for alias in aliases)


def _matches(speaker: str, name: str) -> bool:
    speaker_keys = _name_keys(speaker)
    name_keys = _name_keys(name)
    if not speaker_keys or not name_keys:
        return False
    if not _surnames_match(name_keys[-1], speaker_keys[-1]):
        return len(name_keys) == 1 and name_keys[0] in speaker_keys[:-1]
    if (_OTHER_OFFICE & set(speaker_keys)) - set(name_keys):
        return False
    if len(name_keys) == 1 or len(speaker_keys) == 1:
        return True
    # An initial fits its name ("J. Smith"); otherwise first names may differ only in spelling
    # or be a common short form (Joe / Joseph).
    return _given_names_fit(name_keys[0], speaker_keys[0])
