"""Answers through the real path: real model, a real index of real files, ``Engine.ask``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from index.answer import NOT_COVERED
from index.build import Builder
from index.engine import Engine

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "articles" / "zelenskyy-nato-sky-news.md"

HARBOUR = """\
The port authority and the transport ministry clashed on Tuesday over who should pay for \
dredging the harbour, a project estimated at 40 million euros.

"We have asked for this money three years in a row and the answer is always next year," said \
Marta Keller, the head of the port authority. "The ships are getting bigger and the channel is not."

Transport Minister Jonas Berg rejected the claim. "The ministry has never refused to fund the \
dredging," Berg told reporters in Rotterdam. "We are waiting for an environmental study that the \
port authority itself commissioned."

Keller said the study had been delivered in March.

According to Berg, the budget for next year already includes 12 million euros for harbour works.

The minister added that fishing crews would be consulted before any work began.
"""

WEATHER = """\
Heavy rain flooded several streets in the old town on Sunday night, and the fire brigade pumped \
water out of dozens of cellars.

The weather service said more than 80 millimetres of rain fell in six hours, a record for \
September. Residents were asked to avoid the riverbanks until Wednesday.
"""


@pytest.fixture(scope="module")
def engine(embedder, tmp_path_factory) -> Engine:
    """An index of the sample article plus two written here, opened by a real Engine."""
    collection = tmp_path_factory.mktemp("answer-articles")
    lines = [
        {
            "id": "harbour",
            "title": "Port authority and ministry clash over harbour dredging",
            "text": HARBOUR,
            "source": "Harbour Gazette",
            "published": "2024-09-10",
            "url": "https://example.org/harbour",
        },
        {
            "id": "floods",
            "title": "Record rain floods old town streets",
            "text": WEATHER,
            "source": "City Courier",
            "published": "2024-09-16",
        },
    ]
    (collection / "more.jsonl").write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    index_dir = tmp_path_factory.mktemp("answer-index")
    summary = Builder(index_dir, embedder).build([SAMPLE, collection])
    assert summary.failed == 0 and summary.articles == 3
    return Engine(index_dir, embedder=embedder)


def test_zelenskyy_on_nato_quotes_his_words_and_cites_the_article(engine, assert_extractive):
    answer = engine.ask("What did Zelenskyy say about NATO?")

    assert answer.covered
    assert_extractive(engine, answer)
    quotes = [p for p in answer.parts if p.is_quote]
    assert any("under the NATO umbrella" in p.text for p in quotes)
    for quote in quotes:
        assert "Zelenskyy" in quote.label
    assert answer.citations[0].article_id == "zelenskyy-nato-sky-news"
    assert answer.citations[0].published.date().isoformat() == "2024-11-29"
    assert "[1]" in answer.text and "“If we want to stop the hot phase" in answer.text


def test_zelenskyy_answer_never_gives_him_sybihas_letter_or_trumps_remarks(engine):
    answer = engine.ask("What did Zelenskyy say about NATO?")

    for part in answer.parts:
        if part.is_quote:
            assert "Sybiha" not in part.text and "letter" not in part.text
            assert "Kellogg" not in part.text
    assert "Sybiha’s renewed the push" not in answer.text
    assert "Trump on Wednesday tapped" not in answer.text


def test_answer_stays_within_three_sentences_and_600_characters(engine):
    answer = engine.ask("What did Zelenskyy say about NATO?")

    assert 1 <= len(answer.parts) <= 3
    assert sum(len(p.text) for p in answer.parts) <= 600 or len(answer.parts) == 1


def test_several_speakers_each_quote_goes_to_its_own_speaker(engine, assert_extractive):
    berg = engine.ask("What did Berg say about the dredging?")
    keller = engine.ask("what has Keller said about the ships?")

    assert berg.covered and keller.covered
    assert_extractive(engine, berg)
    assert_extractive(engine, keller)
    berg_quotes = [p for p in berg.parts if p.is_quote]
    assert berg_quotes and all("Berg" in p.label for p in berg_quotes)
    assert any("never refused to fund the dredging" in p.text for p in berg_quotes)
    assert not any("three years in a row" in p.text for p in berg_quotes)
    keller_quotes = [p for p in keller.parts if p.is_quote]
    assert any("The ships are getting bigger" in p.text for p in keller_quotes)
    assert all("Keller" in p.label for p in keller_quotes)


def test_paraphrase_is_shown_as_the_reporters_sentence_not_as_a_quote(engine):
    answer = engine.ask("Did Berg mention the budget?")

    assert answer.covered
    budget = [p for p in answer.parts if "12 million euros" in p.text]
    assert budget, answer.text
    assert not budget[0].is_quote
    assert budget[0].text.startswith("According to Berg")


def test_a_speaker_never_quoted_on_the_topic_is_said_so_with_the_closest_articles(engine):
    # Putin is mentioned in the Zelenskyy article, never quoted: no words are put in his mouth.
    answer = engine.ask("What did Putin say about NATO?")

    assert not answer.covered and answer.parts == []
    assert answer.text == "I found no quotes from Putin about NATO in the coverage."
    assert answer.closest[0].article_id == "zelenskyy-nato-sky-news"


def test_without_quotes_the_closest_coverage_is_shown_labelled_not_theirs(engine):
    # The weather service is an organisation, not a quoted person; the passage answers anyway.
    answer = engine.ask("What did the weather service say about the record rain in September?")

    assert answer.covered
    assert answer.note and "no quotes from the weather service" in answer.note
    assert "(not their words)" in answer.note
    assert any("80 millimetres" in p.text for p in answer.parts)
    assert not any(p.is_quote for p in answer.parts)


def test_plain_question_answers_with_cited_sentences(engine, assert_extractive):
    answer = engine.ask("How much rain fell in the old town?")

    assert answer.covered
    assert_extractive(engine, answer)
    assert "80 millimetres" in answer.text
    citation = answer.citations[0]
    assert (citation.title, citation.source) == (
        "Record rain floods old town streets",
        "City Courier",
    )


def test_question_the_coverage_cannot_answer_is_refused_with_closest_articles(engine):
    answer = engine.ask("What is the time complexity of heapsort?")

    assert not answer.covered
    assert answer.text == NOT_COVERED
    assert answer.parts == [] and answer.citations == []
    assert len(answer.closest) >= 1


def test_a_filter_leaving_other_articles_gives_not_covered(engine):
    answer = engine.ask("What did Zelenskyy say about NATO?", sources=["City Courier"])

    assert not answer.covered
    assert answer.closest and all(c.source == "City Courier" for c in answer.closest)


@pytest.mark.parametrize(
    ("filters", "note"),
    [
        ({"since": datetime(2030, 1, 1, tzinfo=UTC)}, "No articles since 2030-01-01"),
        ({"until": datetime(2001, 5, 2, tzinfo=UTC)}, "No articles until 2001-05-02"),
        ({"sources": ["Nobody Press"]}, "No articles from Nobody Press"),
        (
            {"sources": ["City Courier"], "since": datetime(2024, 10, 1, tzinfo=UTC)},
            "No articles from City Courier since 2024-10-01",
        ),
    ],
)
def test_a_filter_that_leaves_no_article_says_so_not_that_coverage_is_silent(engine, filters, note):
    answer = engine.ask("What did Zelenskyy say about NATO?", **filters)

    assert not answer.covered
    assert answer.text.startswith(note) and answer.text != NOT_COVERED
    assert answer.closest == [] and answer.parts == []


def test_ask_cli_json_has_the_keys_scripts_rely_on(engine):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "index",
            "ask",
            "What did Zelenskyy say about NATO?",
            "--index",
            str(engine.index_dir),
            "--json",
            "-q",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["covered"] is True
    assert "under the NATO umbrella" in data["answer"]
    citation = data["citations"][0]
    assert set(citation) >= {"title", "source", "published", "url"}
    assert citation["published"].startswith("2024-11-29")
