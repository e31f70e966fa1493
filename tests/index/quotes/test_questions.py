"""Questions asking what someone said (``index.quotes.questions``)."""

from __future__ import annotations

import pytest

from index.quotes import SpeechQuestion, parse_speech_question

# --------------------------------------------------------------------------------------------
# Questions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "speaker", "topic"),
    [
        ("what did Zelenskyy say about NATO?", "Zelenskyy", "NATO"),
        # The occasion, or what the question asks him to explain, is the topic.
        ("what did Trump tweet when he tested positive", "Trump", "he tested positive"),
        ("What did Biden say after the debate?", "Biden", "debate"),
        ("did bernie say why he was quitting?", "bernie", "why he was quitting"),
        ("Did Ruiz say whether the plant will close?", "Ruiz", "whether the plant will close"),
        ("What did Zelenskyy say?", "Zelenskyy", None),
        ("WHAT DID ZELENSKYY SAY ABOUT NATO", "ZELENSKYY", "NATO"),
        ("what did zelensky say about nato", "zelensky", "nato"),
        ("What has Zelenskyy said on NATO?", "Zelenskyy", "NATO"),
        ("What has Zelenskyy said about the ceasefire?", "Zelenskyy", "ceasefire"),
        ("what is Zelenskyy saying about the war", "Zelenskyy", "war"),
        ("what's Zelenskyy saying about NATO?", "Zelenskyy", "NATO"),
        ("What’s Zelenskyy saying about NATO?", "Zelenskyy", "NATO"),
        ("Zelenskyy's comments on NATO", "Zelenskyy", "NATO"),
        ("Zelenskyy’s remarks about NATO membership", "Zelenskyy", "NATO membership"),
        ("What were Zelenskyy’s comments on NATO?", "Zelenskyy", "NATO"),
        ("What's Zelenskyy's position on NATO?", "Zelenskyy", "NATO"),
        ("did Zelenskyy mention Trump?", "Zelenskyy", "Trump"),
        ("Did Zelenskyy say anything about Crimea?", "Zelenskyy", "Crimea"),
        ("Has Zelenskyy commented on the ceasefire?", "Zelenskyy", "ceasefire"),
        ("what does Zelenskyy think about NATO?", "Zelenskyy", "NATO"),
        ("What does Zelenskyy think of Trump?", "Zelenskyy", "Trump"),
        ("How did Zelenskyy respond to Trump's victory?", "Zelenskyy", "Trump's victory"),
        ("Any quotes from Zelenskyy on NATO?", "Zelenskyy", "NATO"),
        ("Tell me what Zelenskyy said about NATO", "Zelenskyy", "NATO"),
        ("Can you tell me what Zelenskyy said about NATO?", "Zelenskyy", "NATO"),
        ("What was said by Zelenskyy about NATO?", "Zelenskyy", "NATO"),
        ("what did President Zelenskyy say about NATO?", "Zelenskyy", "NATO"),
        ("What did Volodymyr Zelenskyy tell Sky News about NATO?", "Volodymyr Zelenskyy", "NATO"),
        ("What did Zelenskyy tell Sky News?", "Zelenskyy", None),
        ("What did Zelenskyy say on Friday?", "Zelenskyy", None),
        ("What did Keir Starmer say about Ukraine in the interview?", "Keir Starmer", "Ukraine"),
        ("What did the foreign minister say about NATO?", "the foreign minister", "NATO"),
    ],
)
def test_parse_speech_question(question, speaker, topic):
    assert parse_speech_question(question) == SpeechQuestion(speaker=speaker, topic=topic)


@pytest.mark.parametrize(
    "question",
    [
        "when is the election?",
        "What is NATO?",
        "What happened in Kyiv?",
        "What's the latest on the war?",
        "Who said that Ukraine should join NATO?",
        "What did the article say about NATO?",
        "What did the report say about casualties?",
        "what did you say?",
        "what do people say about the ceasefire?",
        "Summarize the article",
        "",
        "?",
    ],
)
def test_other_questions_are_not_speech_questions(question):
    assert parse_speech_question(question) is None
