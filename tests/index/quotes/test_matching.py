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
