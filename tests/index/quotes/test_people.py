"""Names, titles, pronouns: who a speaker is (``index.quotes.people``)."""

from __future__ import annotations

import pytest
from quote_samples import speakers


def test_title_with_a_department_before_the_name():
    text = 'US Secretary of State Antony Blinken visited Kyiv. "We are with you," Blinken said.'

    assert speakers(text) == [("We are with you", "Antony Blinken")]


def test_full_name_given_once_is_used_for_every_later_surname_attribution():
    text = (
        'Finance Minister Serhiy Marchenko presented the budget. "It is a war budget," '
        "Marchenko said."
    )

    assert speakers(text) == [("It is a war budget", "Serhiy Marchenko")]


# --------------------------------------------------------------------------------------------
# Pronouns and titles
# --------------------------------------------------------------------------------------------


def test_pronoun_goes_to_the_person_who_opened_the_previous_sentence():
    text = (
        '"We expect an invitation," Zelenskyy said.\n'
        "Ukrainian Foreign Minister Andrii Sybiha arrived in Brussels on Tuesday. "
        '"Now is the time," he said.'
    )

    assert speakers(text) == [
        ("We expect an invitation", "Zelenskyy"),
        ("Now is the time", "Andrii Sybiha"),
    ]


def test_pronoun_skips_people_merely_mentioned_after_the_speaker():
    text = (
        "Further, Zelenskyy said he would need assurances that Russian President Vladimir Putin "
        "doesn’t come back. “We need guarantees,” he said."
    )

    assert speakers(text)[-1] == ("We need guarantees", "Zelenskyy")


def test_title_resolves_to_the_person_named_with_that_title():
    text = (
        "Foreign Minister Andrii Sybiha and President Volodymyr Zelenskyy met in Kyiv.\n"
        '"We are ready," Zelenskyy said.\n'
        '"We are also ready," Sybiha said.\n'
        '"The minister is right," the president said.\n'
        '"Thank you," the minister said.'
    )

    assert speakers(text) == [
        ("We are ready", "Volodymyr Zelenskyy"),
        ("We are also ready", "Andrii Sybiha"),
        ("The minister is right", "Volodymyr Zelenskyy"),
        ("Thank you", "Andrii Sybiha"),
    ]


def test_title_not_known_for_anyone_stays_the_title_not_someone_with_another_title():
    text = (
        'President Volodymyr Zelenskyy spoke first. "We are ready," he said.\n'
        '"We are not," the minister said.'
    )

    assert speakers(text) == [
        ("We are ready", "Volodymyr Zelenskyy"),
        ("We are not", "the minister"),
    ]


def test_title_tied_to_nobody_is_kept_not_given_to_the_most_recent_speaker():
    text = '"We are ready," Zelenskyy said. "Nobody doubts it," the Ukrainian leader added.'

    assert speakers(text) == [
        ("We are ready", "Zelenskyy"),
        ("Nobody doubts it", "the ukrainian leader"),
    ]


def test_title_the_article_ties_to_a_person_resolves_to_that_person():
    text = (
        "Ukrainian leader Volodymyr Zelenskyy met Prime Minister Keir Starmer in London.\n"
        '"We are ready," Starmer said. "Nobody doubts it," the Ukrainian leader added.'
    )

    assert speakers(text) == [
        ("We are ready", "Keir Starmer"),
        ("Nobody doubts it", "Volodymyr Zelenskyy"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        '"We are ready," Zelenskyy said. "The strikes will continue," it said.',
        '"We are ready," Zelenskyy said. "The strikes will continue," they said.',
        '"We are ready," Zelenskyy said. "The strikes will continue," a spokesperson said.',
        '"We are ready," Zelenskyy said. "The strikes will continue," officials said.',
    ],
)
def test_it_they_and_anonymous_sources_stay_anonymous(text):
    assert speakers(text)[-1] == ("The strikes will continue", None)


def test_pronoun_with_nobody_named_before_is_anonymous():
    assert speakers('"We will win," he said.') == [("We will win", None)]
