"""Attribution shapes: cues, inverted and colon forms, reported speech, "according to"
(``index.quotes.attribution``)."""

from __future__ import annotations

import pytest
from quote_samples import speakers

from index.quotes import find_quotes

# --------------------------------------------------------------------------------------------
# Attribution shapes
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted", "speaker"),
    [
        ('"We will win," Zelenskyy said.', "We will win", "Zelenskyy"),
        ('"We will win," said Zelenskyy.', "We will win", "Zelenskyy"),
        ('"We will win," says Volodymyr Zelenskyy.', "We will win", "Volodymyr Zelenskyy"),
        ('"We will win," Zelenskyy told Sky News.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy told reporters on Friday.', "We will win", "Zelenskyy"),
        ('Zelenskyy told Sky News: "We will win."', "We will win.", "Zelenskyy"),
        ('Zelenskyy said: "We will win."', "We will win.", "Zelenskyy"),
        ('Zelenskyy said that "we will win."', "we will win.", "Zelenskyy"),
        ("Zelenskyy wrote on Telegram: “We will win.”", "We will win.", "Zelenskyy"),
        ('"We will win," Zelenskyy added.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy wrote.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy insisted.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy warned.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy tweeted.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy posted.', "We will win", "Zelenskyy"),
        ('"Will we win?" Zelenskyy asked.', "Will we win?", "Zelenskyy"),
        ('"We will win," Zelenskyy replied.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy has repeatedly said.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy, the Ukrainian leader, said.', "We will win", "Zelenskyy"),
        (
            '"It is what it is," said German Chancellor Olaf Scholz.',
            "It is what it is",
            "Olaf Scholz",
        ),
        ('"We will win," according to Zelenskyy.', "We will win", "Zelenskyy"),
        (
            "‘We will stand with Ukraine,’ said Keir Starmer.",
            "We will stand with Ukraine",
            "Keir Starmer",
        ),
        (
            "'We will stand with Ukraine,' Keir Starmer said.",
            "We will stand with Ukraine",
            "Keir Starmer",
        ),
        ('"We will win," Mr. Smith said.', "We will win", "Smith"),
    ],
)
def test_attribution_shapes(text, quoted, speaker):
    quotes = find_quotes(text)

    assert [(q.text, q.speaker, q.kind) for q in quotes] == [(quoted, speaker, "direct")]
    assert (quotes[0].sentence_start, quotes[0].sentence_end) == (0, len(text))


def test_quote_split_by_its_attribution_in_one_sentence():
    text = "“We will fight on,” Zelenskyy said, “and we will win.”"

    assert speakers(text) == [("We will fight on", "Zelenskyy"), ("and we will win.", "Zelenskyy")]


def test_quote_split_by_its_attribution_across_sentences():
    text = 'Andrii Sybiha spoke first. "We need to do it fast," he said. "And then we talk."'

    assert speakers(text) == [
        ("We need to do it fast", "Andrii Sybiha"),
        ("And then we talk.", "Andrii Sybiha"),
    ]


def test_colon_attribution_introduces_a_quote_in_the_next_paragraph():
    text = (
        "Zelenskyy said in his nightly address:\n\n“We will win. We will rebuild.”\n\n"
        "“Every town will be free.”\n\nRussia launched more drones overnight."
    )
    quotes = find_quotes(text)

    assert speakers(text) == [
        ("We will win. We will rebuild.", "Zelenskyy"),
        ("Every town will be free.", "Zelenskyy"),
    ]
    first = quotes[0]
    assert text[first.sentence_start : first.sentence_end].startswith("Zelenskyy said in his")


def test_free_text_before_a_colon_is_not_an_attribution():
    text = "Zelenskyy said the message from Moscow was clear: “Surrender.”"

    # The whole sentence is his reported speech; the quoted word is Moscow's, not his.
    assert speakers(text) == [("the message from Moscow was clear: “Surrender.”", "Zelenskyy")]


def test_full_stop_inside_the_quote_then_a_new_sentence_of_reported_speech():
    assert speakers('"We will win." Zelenskyy said.') == [("We will win.", "Zelenskyy")]
    assert speakers('"We will win." Zelenskyy said the army was ready.') == [
        ("We will win.", None),
        ("the army was ready", "Zelenskyy"),
    ]


# --------------------------------------------------------------------------------------------
# Reported speech without quotation marks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reported", "speaker"),
    [
        (
            "Zelenskyy said he would consider a ceasefire deal.",
            "he would consider a ceasefire deal",
            "Zelenskyy",
        ),
        ("Zelenskyy said on Friday that the war must end.", "the war must end", "Zelenskyy"),
        (
            "Mr. Smith told The Associated Press on Monday that the deal was dead.",
            "the deal was dead",
            "Smith",
        ),
        ("Zelenskyy told reporters it was too early.", "it was too early", "Zelenskyy"),
        ("In a statement, Sybiha said Ukraine would not wait.", "Ukraine would not wait", "Sybiha"),
        ("The plan would work, Zelenskyy said.", "The plan would work", "Zelenskyy"),
        ("The Kremlin said the proposal was absurd.", "the proposal was absurd", "Kremlin"),
        ("Officials said the talks would resume.", "the talks would resume", None),
    ],
)
def test_paraphrase_without_quotation_marks(text, reported, speaker):
    quotes = find_quotes(text)

    assert [(q.text, q.speaker, q.kind) for q in quotes] == [(reported, speaker, "paraphrase")]


@pytest.mark.parametrize(
    "text",
    [
        "Zelenskyy said nothing about the talks.",
        "Zelenskyy asked for more air defence.",
        "Zelenskyy noted the importance of the meeting.",
        "Zelenskyy wrote a letter to the leaders.",
        "Zelenskyy told the story of his first day.",
        "Zelenskyy said so.",
        "That said, the talks continue.",
        "Having said that, nobody expects a deal soon.",
    ],
)
def test_speech_verbs_without_reported_clause_make_no_quote(text):
    assert find_quotes(text) == []


# --------------------------------------------------------------------------------------------
# According to
# --------------------------------------------------------------------------------------------


def test_according_to_at_start_end_and_middle():
    text = (
        "According to Foreign Minister Andrii Sybiha, the request was sent to all members.\n"
        "The talks will resume next week, according to Zelenskyy.\n"
        "The plan, according to the foreign minister, would protect every region.\n"
        "The vote was delayed, according to a senior official.\n"
    )
    quotes = find_quotes(text)

    assert [(q.text, q.speaker, q.kind) for q in quotes] == [
        ("the request was sent to all members", "Andrii Sybiha", "according_to"),
        ("The talks will resume next week", "Zelenskyy", "according_to"),
        (
            "The plan, according to the foreign minister, would protect every region",
            "Andrii Sybiha",  # named with that title, though Zelenskyy spoke more recently
            "according_to",
        ),
        ("The vote was delayed", None, "according_to"),
    ]


def test_according_to_a_thing_is_not_a_quote():
    assert find_quotes("The troops withdrew according to the plan.") == []
    assert find_quotes("According to the data, prices rose.") == []
