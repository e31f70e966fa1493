"""Which sentences an answer keeps, through the real path: real model, real index, ``Engine``.

Each test also runs the same question with the behaviour under test switched off through
``AnswerParams``, to show that the behaviour (not luck of the corpus) makes the difference.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.answer import AnswerParams
from index.build import Builder
from index.engine import Engine

QUIZ = """\
Which town will host the 2031 Lantern Games? Readers sent in more than 400 guesses last week, \
and the most popular answer was Porto.

The shortlist included four coastal towns and two inland cities.

After a final vote in Lisbon on Friday, the committee confirmed that Aveiro will host the 2031 \
Lantern Games.
"""

BRIDGE_WIRE = """\
The Meridian Bridge will close for repairs from 3 March, the city engineer said on Tuesday.

Ferries between the old harbour and the university quay will run every twenty minutes \
instead, and the operator has leased two extra boats from a company in Bilbao.
"""

BRIDGE_LOCAL = """\
The Meridian Bridge will close for repairs from 3 March, the city engineer said on Tuesday.

Cyclists are advised to use the northern crossing near the rail depot; shopkeepers on \
Quay Street fear a quiet spring and want a rent holiday from the municipality.
"""

FERRY_FEATURE = """\
The night ferry is popular with tourists who want to wake up in another country.

Passengers praised the night ferry's new cabins in 2024, according to a survey by the \
operator.
"""

FERRY_FIGURES = """\
The night ferry carried 48,000 passengers in 2024, the operator said in its annual report.

Freight volumes on the route fell slightly over the same period.
"""

TRAM = """\
The city council approved a new tram line to the airport on Monday, with construction \
starting in May.

On Monday the city council approved the new tram line to the airport.

The tram line will cost 310 million euros, the council said.
"""

LAVA = """\
Ana Costa/Reuters Lava from the Keanu volcano flows across the coastal road on Sunday.

The road will stay closed until Friday, the county said, after lava from the Keanu volcano \
crossed it on Sunday night.

Read more: Keanu volcano lava and coastal road closures
"""

SWIM = """\
Club swimmer Lena Ortiz swam the harbour crossing on Saturday, despite the cold.

Tomas Reyes holds the fastest harbour crossing ever recorded, 38 minutes in 1987.
"""


@pytest.fixture(scope="module")
def index_dir(embedder, tmp_path_factory, write_jsonl, make_record):
    """A small index of the articles above."""
    folder = tmp_path_factory.mktemp("selection-articles")
    record = make_record
    write_jsonl(
        folder / "articles.jsonl",
        [
            record("quiz", "Lantern Games quiz", QUIZ, source="Coast Weekly"),
            record("bridge-wire", "Meridian Bridge to close", BRIDGE_WIRE, source="Wire"),
            record("bridge-local", "Bridge closure worries shops", BRIDGE_LOCAL, source="Courier"),
            record("ferry-feature", "Life on the night ferry", FERRY_FEATURE, source="Travel"),
            record("ferry-figures", "Ferry operator annual report", FERRY_FIGURES, source="Port"),
            record("tram", "Airport tram line approved", TRAM, source="City Hall News"),
            record("lava", "Lava closes island road", LAVA, source="Island Times"),
            record("swim", "Harbour swim season opens", SWIM, source="Island Times"),
        ],
    )
    index_dir = tmp_path_factory.mktemp("selection-index")
    summary = Builder(index_dir, embedder).build([folder])
    assert summary.failed == 0 and summary.articles == 8
    return index_dir


def _engine(index_dir, embedder, **params) -> Engine:
    return Engine(index_dir, embedder=embedder, answer_params=replace(AnswerParams(), **params))


def test_a_quiz_question_in_an_article_does_not_lead_so_its_wrong_guess_stays_out(
    index_dir, embedder
):
    # A leading question brings the sentence after it along (that is usually its answer); here
    # the sentence after the quiz question is the readers' wrong guess.
    question = "Which town will host the 2031 Lantern Games?"

    answer = _engine(index_dir, embedder).ask(question)
    unpenalised = _engine(index_dir, embedder, question_penalty=1.0).ask(question)

    assert answer.covered
    assert "Aveiro will host the 2031 Lantern Games" in answer.text
    assert "most popular answer was Porto" not in answer.text
    assert "most popular answer was Porto" in unpenalised.text


def test_a_sentence_repeated_by_a_wire_copy_is_shown_once(index_dir, embedder, assert_extractive):
    question = "When will the Meridian Bridge close for repairs?"
    sentence = "The Meridian Bridge will close for repairs from 3 March"

    engine = _engine(index_dir, embedder)
    hits = engine.search(question)
    answer = engine.answer_from_hits(question, hits)

    assert {"bridge-wire", "bridge-local"} <= {hit.article_id for hit in hits[:2]}
    assert sum(sentence in part.text for part in answer.parts) == 1
    assert_extractive(engine, answer)


def test_the_best_covering_sentence_leads_even_from_a_lower_ranked_article(index_dir, embedder):
    question = "How many passengers did the night ferry carry in 2024?"
    engine = _engine(index_dir, embedder)
    hits = {hit.article_id: hit for hit in engine.search(question)}
    # The feature ranked first, as retrieval could: it is about the ferry but not the number.
    ranked = [hits["ferry-feature"], hits["ferry-figures"]]

    answer = engine.answer_from_hits(question, ranked)
    rank_first = _engine(index_dir, embedder, lead_rank_decay=3.0).answer_from_hits(
        question, ranked
    )

    assert answer.parts[0].text.startswith("The night ferry carried 48,000 passengers in 2024")
    assert answer.citations[0].article_id == "ferry-figures"
    assert answer.parts[0].citation == 1
    assert not rank_first.parts[0].text.startswith("The night ferry carried")


def test_a_restatement_of_a_chosen_sentence_gives_way_to_a_new_fact(index_dir, embedder):
    question = "How much will the airport tram line cost?"
    restatement = "On Monday the city council approved the new tram line to the airport."

    answer = _engine(index_dir, embedder, max_sentences=2).ask(question)
    without = _engine(index_dir, embedder, max_sentences=2, redundancy=0.0).ask(question)

    texts = [part.text for part in answer.parts]
    assert any("310 million euros" in text for text in texts), texts
    assert restatement not in texts
    assert restatement in [part.text for part in without.parts]


def test_photo_credits_and_link_lines_give_way_to_the_reporting(index_dir, embedder):
    question = "When will the coastal road reopen after the Keanu volcano lava?"

    answer = _engine(index_dir, embedder, max_sentences=1).ask(question)
    unpenalised = _engine(index_dir, embedder, max_sentences=1, boilerplate_penalty=1.0).ask(
        question
    )

    assert answer.covered
    assert "closed until Friday" in answer.text
    assert "Ana Costa/Reuters" not in answer.text and "Read more" not in answer.text
    assert "Ana Costa/Reuters" in unpenalised.text or "Read more" in unpenalised.text


def test_the_asking_sentence_of_a_question_counts_more_than_its_scene_setting(index_dir, embedder):
    question = (
        "Club swimmer Lena Ortiz swam this week. "
        "Who holds the fastest harbour crossing ever recorded?"
    )

    answer = _engine(index_dir, embedder, max_sentences=1).ask(question)
    flat = _engine(index_dir, embedder, max_sentences=1, preamble_weight=1.0).ask(question)

    assert answer.covered
    assert answer.parts[0].text.startswith("Tomas Reyes holds the fastest harbour crossing")
    assert flat.parts[0].text.startswith("Club swimmer Lena Ortiz swam")
