"""Evaluation helpers: answer normalisation and matching, question files."""

from __future__ import annotations

import json

import pytest

from index.evaluate import answer_shown, load_questions, normalise


def test_normalise_folds_case_quotes_accents_and_full_stops_but_keeps_numbers():
    assert normalise("“Squid Game”") == "squid game"
    assert normalise("Pokémon Go.") == "pokemon go"
    assert normalise("$5.25 a gallon") == "$5.25 a gallon"
    assert normalise("U.S. Open") == "u s open"


@pytest.mark.parametrize(
    ("answer", "texts", "shown"),
    [
        ("“Squid Game”", ["\u201cSquid Game\u201d is officially coming back."], True),
        ("The Tony Awards", ["Broadway celebrated at Sunday's Tony Awards."], False),
        ("Tony Awards", ["Broadway celebrated at the Tony Awards on Sunday."], True),
        ("$5", ["Gas averaged $5 a gallon."], True),
        ("$5", ["Gas averaged $5.25 a gallon."], False),
        ("Iran", ["Iranian officials met on Monday."], False),
        ("", ["anything"], False),
    ],
)
def test_answer_shown_matches_whole_normalised_words(answer, texts, shown):
    assert answer_shown(answer, texts) is shown


def test_load_questions_reads_ids_answers_and_end_of_question_day(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(
        json.dumps(
            {
                "qid": "a",
                "question": "Who?",
                "article_id": "x",
                "answer": "Bob",
                "question_date": "2022/06/16",
            }
        )
        + "\n\n"
        + json.dumps({"question": "Where?", "article_ids": ["y", "z"]})
        + "\n"
    )
    first, second = load_questions(path)
    assert first.article_ids == ("x",) and first.answer == "Bob"
    assert (first.as_of.date().isoformat(), first.as_of.hour) == ("2022-06-16", 23)
    assert second.article_ids == ("y", "z") and second.as_of is None and second.qid == "3"


def test_load_questions_names_the_bad_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "ok", "article_id": "x"}\n{"question": "no ids"}\n')
    with pytest.raises(ValueError, match=r"q.jsonl:2"):
        load_questions(path)
