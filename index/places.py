"""Country, state and province names: does a sentence name the kind of place a question asks for?

"Which country's lawmakers urged...?" is answered by a sentence naming a country ("227 of
Iran's 290 members of Parliament"), wherever the name stands; "Which state has the most
cases?" by one naming a state ("California has the most cases"). A capitalised word after "in"
(the test for "where" questions) would take London, Harris County or Press TV for a country.

The names are ISO 3166 as the `pycountry` package ships it (ISO 3166-1 countries: the short,
common and official names; ISO 3166-2 subdivisions of type State or Province), plus the
spellings news text uses that ISO does not (:data:`NEWS_NAMES`: "Russia", "Britain", "the
U.S."). Matching ignores accents ("Tamil Nadu" is ISO's "Tamil Nādu") but not case: a place name
is capitalised, "turkey" and "china" are not places.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pycountry

__all__ = ["NEWS_NAMES", "PLACE_NOUNS", "place_names", "places_in"]

# The question's noun -> the class of places that answer it.
PLACE_NOUNS = {
    "country": "country",
    "countries": "country",
    "nation": "country",
    "nations": "country",
    "state": "state",
    "states": "state",
    "province": "province",
    "provinces": "province",
}

# Country names as English-language news writes them where ISO's differ (ISO: "Russian
# Federation", "United Kingdom of Great Britain and Northern Ireland", "Türkiye", "Korea,
# Republic of"...). England, Scotland and Wales are left out: "which country" in a news quiz
# asks for a state ("at a castle in Scotland" does not say of which country Truss became PM).
NEWS_NAMES = {
    "country": (
        "Russia",
        "Britain",
        "Great Britain",
        "UK",
        "U.K.",
        "US",
        "U.S.",
        "USA",
        "U.S.A.",
        "America",
        "United States of America",
        "Turkey",
        "South Korea",
        "North Korea",
        "Czech Republic",
        "Ivory Coast",
        "Congo",
        "Democratic Republic of Congo",
        "Democratic Republic of the Congo",
        "Vatican",
        "Vatican City",
        "Holland",
        "Burma",
        "Macedonia",
        "Swaziland",
        "East Timor",
        "Cape Verde",
        "Palestine",
        "Kosovo",
    ),
    "state": (),
    "province": (),
}


def _plain(text: str) -> str:
    """``text`` without accents (NFKD, combining marks dropped): for comparing names only,
    as offsets into it are not offsets into ``text``."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@functools.cache
def place_names(kind: str) -> frozenset[str]:
    """Every name of a ``kind`` of place ("country", "state" or "province"), without accents.

    Raises
    ------
    KeyError
        If ``kind`` is none of them.
    """
    names: set[str] = set(NEWS_NAMES[kind])
    if kind == "country":
        for country in pycountry.countries:
            for attribute in ("name", "common_name", "official_name"):
                name = getattr(country, attribute, None)
                # "Iran, Islamic Republic of": the part before the comma is the name in use.
                if name:
                    names.add(name.split(",")[0].strip())
    else:
        wanted = {"state": "State", "province": "Province"}[kind]
        names.update(s.name for s in pycountry.subdivisions if s.type == wanted)
    return frozenset(_plain(n) for n in names if n)


@functools.cache
def _pattern(kind: str) -> re.Pattern[str]:
    # Longest first, so "South Korea" wins over "Korea" and "New South Wales" over "Wales".
    names = sorted(place_names(kind), key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w]|\.\w)")


# A capitalised word before a name makes it part of a longer one ("New Jersey", "New Mexico",
# "Latin America", "George Washington University"), unless it is a word any clause may open with.
_NAME_BEFORE = re.compile(r"(?:^|\s)(?P<word>[A-Z][\w'’.-]*)\s+$")
_OPENERS = frozenset(
    """
    in on at from to for by with and or of the a an as but after before while since when if
    than into across over under throughout both neither
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
# A city named after its country or state ("Mexico City", "Jersey City", "Kuwait City"), and
# the federal district ("Washington, D.C.").
_NOT_THE_PLACE_AFTER = re.compile(r"\s+City\b|,?\s*D\.\s?C\.")


def places_in(sentence: str, kind: str) -> list[str]:
    """The names of places of ``kind`` in ``sentence``, in order (accents removed); a name
    inside a longer one ("New Mexico" is not Mexico) does not count.

    Examples
    --------
    >>> places_in("In an open letter signed by 227 of Iran's 290 members", "country")
    ['Iran']
    >>> places_in("California has the most cases: 4,300.", "state")
    ['California']
    >>> places_in("Wind farms off New Jersey and in Mexico City", "country")
    []
    """
    plain = _plain(sentence)
    found = []
    for match in _pattern(kind).finditer(plain):
        before = _NAME_BEFORE.search(plain, 0, match.start())
        if before and before.group("word").casefold() not in _OPENERS:
            continue
        if _NOT_THE_PLACE_AFTER.match(plain, match.end()):
            continue
        found.append(match.group())
    return found
