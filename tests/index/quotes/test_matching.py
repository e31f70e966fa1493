"""Matching a quotation's speaker to the name a question gives (``index.quotes.matching``)."""

from __future__ import annotations

import pytest

from index.quotes import speaker_matches

# --------------------------------------------------------------------------------------------
# Matching speakers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("speaker", "name"),
    [
        ("Volodymyr Zelenskyy", "Zelenskyy"),
        ("Volodymyr Zelenskyy", "zelenskyy"),
        ("Volodymyr Zelenskyy", "ZELENSKYY"),
        ("Volodymyr Zelenskyy", "Zelensky"),
        ("Volodymyr Zelenskyy", "Zelenskiy"),
        ("Volodymyr Zelenskyy", "Zelenskyi"),
        ("Volodymyr Zelenskyy", "President Zelenskyy"),
        ("Volodymyr Zelenskyy", "Volodymyr Zelensky"),
        ("Volodymyr Zelenskyy", "Zelenskyy’s"),
        ("Volodymyr Zelenskyy", "Volodymyr"),
        ("Zelenskyy", "Volodymyr Zelenskyy"),
        ("Andrii Sybiha", "Andriy Sybiha"),
        ("Mikhail Gorbachev", "Gorbachov"),
        ("Alexei Navalny", "Navalnyy"),
        ("José Andrés", "Jose Andres"),
        ("Donald Trump", "Mr. Trump"),
        ("Donald Trump", "D. Trump"),
        ("Ursula von der Leyen", "von der Leyen"),
    ],
)
def test_speaker_matches(speaker, name):
    assert speaker_matches(speaker, name)


@pytest.mark.parametrize(
    ("speaker", "name"),
    [
        ("Volodymyr Zelenskyy", "Sybiha"),
        ("Volodymyr Zelenskyy", "Zelenska"),  # Olena Zelenska, his wife
        ("Olena Zelenska", "Zelenskyy"),
        ("Melania Trump", "Donald Trump"),
        ("Boris Johnson", "Johnston"),
        ("Chuck Norris", "Morris"),
        ("Vladimir Putin", "Putina"),
        ("Xi Jinping", "Li"),
        ("Volodymyr Zelenskyy", "the president"),
        ("Volodymyr Zelenskyy", ""),
        (None, "Zelenskyy"),
    ],
)
def test_speaker_does_not_match(speaker, name):
    assert not speaker_matches(speaker, name)


@pytest.mark.parametrize(
    ("speaker", "name", "aliases"),
    [
        ("the prime minister", "the prime minister", ()),
        ("the prime minister", "prime minister", ()),
        ("the ukrainian president", "the president", ()),
        ("Jo Bell", "the prime minister", ("Bell", "Prime Minister")),
        ("Volodymyr Zelenskyy", "the Ukrainian president", ("Ukrainian president",)),
        ("Jane Doe", "the county spokeswoman", ("county spokeswoman",)),
    ],
)
def test_titles_match_a_title_speaker_or_one_the_article_ties_to_the_person(speaker, name, aliases):
    assert speaker_matches(speaker, name, aliases)


@pytest.mark.parametrize(
    ("speaker", "name", "aliases"),
    [
        ("the vice president", "the president", ()),
        ("the prime minister", "Jo Bell", ()),
        ("Jo Bell", "the prime minister", ()),
        ("Jo Bell", "the governor", ("Bell", "Prime Minister")),
        (None, "the prime minister", ("Prime Minister",)),
        ("trump's spokeswoman", "Trump", ()),
        ("Mo Ahrens", "Rubio", ("a Rubio spokesman", "Ahrens")),
        ("Jo Bell", "Hale", ("Hale becomes prime minister",)),
    ],
)
def test_titles_do_not_match_another_office_an_untied_person_or_a_name_inside_them(
    speaker, name, aliases
):
    assert not speaker_matches(speaker, name, aliases)
