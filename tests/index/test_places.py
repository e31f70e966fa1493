"""Country, state and province names (index/places.py), against ISO 3166 as pycountry ships it."""

from __future__ import annotations

import pycountry
import pytest

from index.places import place_names, places_in


def test_every_iso_country_is_found_by_its_short_name():
    missing = [
        c.name
        for c in pycountry.countries
        if not places_in(f"Talks were held in {c.name.split(',')[0]} on Monday.", "country")
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("sentence", "kind", "found"),
    [
        # News spellings ISO does not use.
        (
            "Russia and Britain signed it; the U.S. did not.",
            "country",
            ["Russia", "Britain", "U.S."],
        ),
        ("Ankara said Turkey would veto it.", "country", ["Turkey"]),
        # The longest name wins: a state of Australia, not the country of Wales.
        ("Floods hit New South Wales again.", "state", ["New South Wales"]),
        ("South Korea and North Korea met.", "country", ["South Korea", "North Korea"]),
        # Accents are ignored: ISO writes "Tamil Nādu".
        ("Rain fell across Tamil Nadu.", "state", ["Tamil Nadu"]),
        ("Ontario and Quebec disagreed.", "province", ["Ontario", "Quebec"]),
        # A name inside a longer one is not that place; nor is a city named after it.
        ("Farms off New Jersey, in New Mexico and in Latin America.", "country", []),
        ("Officials in Mexico City and Washington, D.C. agreed.", "country", []),
        ("Officials in Washington, D.C. agreed.", "state", []),
        ("In Portugal, and in Spain, wind is cheap.", "country", ["Portugal", "Spain"]),
        # Case counts: these are not places.
        ("He carved the turkey on fine china.", "country", []),
        # Not inside other words or abbreviations.
        ("Thousands of USB sticks; the USSR's archive.", "country", []),
    ],
)
def test_places_in(sentence, kind, found):
    assert places_in(sentence, kind) == found


def test_an_unknown_kind_of_place_is_an_error():
    with pytest.raises(KeyError):
        place_names("city")
