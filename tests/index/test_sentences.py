"""Sentence and paragraph splitting: news-prose rules, and offsets that index the original text."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.sentences import Span, split_paragraphs, split_sentences


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    assert_exact_spans(text, spans)
    return [span.of(text) for span in spans]


def assert_exact_spans(text: str, spans: list[Span], start: int = 0, end: int | None = None):
    """Spans are in order, do not overlap, are trimmed, and cover every word of the region."""
    end = len(text) if end is None else end
    position = start
    for span in spans:
        assert position <= span.start < span.end <= end
        piece = text[span.start : span.end]
        assert piece == piece.strip() and piece
        assert not text[position : span.start].strip(), "text between sentences was dropped"
        position = span.end
    assert not text[position:end].strip(), "text after the last sentence was dropped"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith went to Washington. He met Sen. Jones and Mrs. Lee there.",
            ["Mr. Smith went to Washington.", "He met Sen. Jones and Mrs. Lee there."],
        ),
        (
            "The U.S. Senate voted on Jan. 5. The bill passed easily.",
            ["The U.S. Senate voted on Jan. 5.", "The bill passed easily."],
        ),
        (
            "Dr. Alvarez, Gen. Ward and Prof. Kim met at St. Mary's on Dec. 3. Nothing was agreed.",
            [
                "Dr. Alvarez, Gen. Ward and Prof. Kim met at St. Mary's on Dec. 3.",
                "Nothing was agreed.",
            ],
        ),
        (
            "Talks with the U.K. and the E.U. resumed, i.e. quietly. Both sides declined comment.",
            [
                "Talks with the U.K. and the E.U. resumed, i.e. quietly.",
                "Both sides declined comment.",
            ],
        ),
    ],
    ids=["titles", "u.s.-and-month", "many-abbreviations", "dotted-abbreviations"],
)
def test_abbreviations_do_not_end_sentences(text: str, expected: list[str]):
    assert sentences(text) == expected


def test_initials_do_not_end_sentences():
    text = "John F. Kennedy was elected in 1960. J. R. R. Tolkien wrote novels. He died in 1973."
    assert sentences(text) == [
        "John F. Kennedy was elected in 1960.",
        "J. R. R. Tolkien wrote novels.",
        "He died in 1973.",
    ]


def test_decimals_and_numbers_stay_inside_sentences():
    text = "Inflation rose 2.5 percent in May. It was 3.1% a year ago. Shares fell $4.20 each."
    assert sentences(text) == [
        "Inflation rose 2.5 percent in May.",
        "It was 3.1% a year ago.",
        "Shares fell $4.20 each.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'Zelenskyy said, "We need to do it fast." Trump did not reply.',
            ['Zelenskyy said, "We need to do it fast."', "Trump did not reply."],
        ),
        (
            "“We need to do it fast.” “Then we talk,” he added.",
            ["“We need to do it fast.”", "“Then we talk,” he added."],
        ),
        (
            "He left early. ‘It was over,’ she said. (The vote came later.) Nobody objected.",
            [
                "He left early.",
                "‘It was over,’ she said.",
                "(The vote came later.)",
                "Nobody objected.",
            ],
        ),
    ],
    ids=["straight-quotes", "curly-quotes", "single-quotes-and-brackets"],
)
def test_closing_quotes_after_a_full_stop_stay_with_their_sentence(text, expected):
    assert sentences(text) == expected


def test_question_and_exclamation_marks_and_ellipses_end_sentences():
    text = "Will the deal hold? Nobody knows! Talks continue… Officials are hopeful."
    assert sentences(text) == [
        "Will the deal hold?",
        "Nobody knows!",
        "Talks continue…",
        "Officials are hopeful.",
    ]


def test_a_full_stop_before_a_lower_case_word_does_not_end_a_sentence():
    assert sentences("Prices were up 3 p.c. last year and fell. then rose.") == [
        "Prices were up 3 p.c. last year and fell. then rose."
    ]


def test_paragraphs_are_separated_by_line_breaks_and_trimmed():
    text = "  First paragraph here.\n\nSecond one,\nstill going? No.\n   \n\tThird.  \n"
    paragraphs = [span.of(text) for span in split_paragraphs(text)]
    assert paragraphs == ["First paragraph here.", "Second one,", "still going? No.", "Third."]


def test_a_paragraph_break_always_ends_a_sentence():
    text = "The headline had no full stop\nthe body starts lower-case. It goes on.\n\nNew paragraph"
    assert sentences(text) == [
        "The headline had no full stop",
        "the body starts lower-case.",
        "It goes on.",
        "New paragraph",
    ]


def test_offsets_index_the_original_text_exactly():
    text = (
        "\n  “Mr. Ortega said: ‘We will rebuild.’” The U.S. envoy agreed.\r\n"
        "\n\n    Costs rose 4.5%… Officials\u00a0said so.  \n"
    )
    spans = split_sentences(text)
    assert [span.of(text) for span in spans] == [
        "“Mr. Ortega said: ‘We will rebuild.’”",
        "The U.S. envoy agreed.",
        "Costs rose 4.5%…",
        "Officials\u00a0said so.",
    ]
    for span in spans:
        assert text[span.start : span.end] == span.of(text)
    assert_exact_spans(text, spans)


def test_a_region_is_split_with_offsets_into_the_whole_text():
    text = "Before the region. Mr. Smith arrived. He sat down. After the region."
    start = text.index("Mr.")
    end = text.index(" After")
    spans = split_sentences(text, start, end)
    assert [span.of(text) for span in spans] == ["Mr. Smith arrived.", "He sat down."]
    assert spans[0].start == start and spans[-1].end == end
    assert_exact_spans(text, spans, start, end)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t \n"])
def test_blank_text_has_no_sentences_or_paragraphs(text: str):
    assert split_sentences(text) == []
    assert split_paragraphs(text) == []


def test_text_without_terminal_punctuation_is_one_sentence():
    text = "breaking: markets fall sharply as traders flee risk"
    assert split_sentences(text) == [Span(0, len(text))]


SEED = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "seed"


@pytest.mark.skipif(
    not SEED.is_dir(), reason=f"needs the customer's seed article in {SEED} (../shared is absent)"
)
def test_the_customers_seed_article_splits_into_exact_sentences():
    text = (SEED / "zelenskyy-nato-sky-news.txt").read_text(encoding="utf-8")
    found = sentences(text)
    assert "Zelenskyy said he last spoke with Trump in September." in found
    assert (
        "“It was a very good meeting and it was an important first step — now we have to "
        'prepare some meetings."' in found
    )
    # One sentence per line in this article: line breaks end sentences, and "[Putin]",
    # "President-elect" and the closing quotes inside the lines do not cut them anywhere else.
    assert (
        "However, Zelenskyy’s new position could be a direct result of President-elect Donald "
        "Trump’s victory earlier this month." in found
    )
    assert (
        "NATO, he said, should “immediately” cover Ukrainian territories it still controls, "
        "“otherwise [Putin] will come back.”" in found
    )


# ---------------------------------------------------------------------------------------------
# News shapes: each kind of full stop, in made-up news prose


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Asked whether the board would sell the depot, Chair Rosa Mendel said no. The depot's "
            "roof needs $2 million in repairs.",
            [
                "Asked whether the board would sell the depot, Chair Rosa Mendel said no.",
                "The depot's roof needs $2 million in repairs.",
            ],
        ),
        (
            'The answer, the mayor said, was "no." The council moved on.',
            ['The answer, the mayor said, was "no."', "The council moved on."],
        ),
        (
            "The team climbed to No. 4 in the poll. Its coach was not surprised.",
            ["The team climbed to No. 4 in the poll.", "Its coach was not surprised."],
        ),
        (
            "Details are on p. 12 of the filing. The hearing is Monday.",
            ["Details are on p. 12 of the filing.", "The hearing is Monday."],
        ),
    ],
    ids=["said-no", "quoted-no", "number-sign", "page"],
)
def test_no_and_page_are_abbreviations_only_before_a_number(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The L.A. County assessor resigned. Her deputy takes over.",
            ["The L.A. County assessor resigned.", "Her deputy takes over."],
        ),
        (
            "Sens. Ruth Ibarra and Carl Dunn met Gov. Ned Price and Gen. Omar Vance. They agreed.",
            [
                "Sens. Ruth Ibarra and Carl Dunn met Gov. Ned Price and Gen. Omar Vance.",
                "They agreed.",
            ],
        ),
        (
            "Shipments to the U.S. slowed. The U.S. Postal Service blamed weather.",
            ["Shipments to the U.S. slowed.", "The U.S. Postal Service blamed weather."],
        ),
        (
            "Farm prices fell in the U.S. In Canada they rose.",
            ["Farm prices fell in the U.S.", "In Canada they rose."],
        ),
        (
            "She now lives in Washington, D.C. He stayed in Ohio.",
            ["She now lives in Washington, D.C.", "He stayed in Ohio."],
        ),
        (
            "The deal was signed with Hale & Co. It closes in May.",
            ["The deal was signed with Hale & Co.", "It closes in May."],
        ),
        (
            "Shares of Brightwater Inc. Chief Executive Mara Lund said little. Analysts shrugged.",
            [
                "Shares of Brightwater Inc. Chief Executive Mara Lund said little.",
                "Analysts shrugged.",
            ],
        ),
        (
            "Lawmakers cited Roe v. Wade in the debate. Reps. Ida Moss and Leo Hart disagreed.",
            [
                "Lawmakers cited Roe v. Wade in the debate.",
                "Reps. Ida Moss and Leo Hart disagreed.",
            ],
        ),
        (
            "The storm reached Pensacola, Fla. The next day it weakened.",
            ["The storm reached Pensacola, Fla.", "The next day it weakened."],
        ),
    ],
    ids=[
        "l.a.-county",
        "titles",
        "u.s.-both-ways",
        "u.s.-then-in",
        "d.c.-then-he",
        "co.-then-it",
        "inc.-then-name",
        "v.-and-reps.",
        "state-abbreviation",
    ],
)
def test_ambiguous_abbreviations_end_a_sentence_only_before_a_sentence_opener(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Doors open at 6 p.m. Friday at the armory. Tickets are free.",
            ["Doors open at 6 p.m. Friday at the armory.", "Tickets are free."],
        ),
        (
            "The polls closed at 8 p.m. Counting began at once.",
            ["The polls closed at 8 p.m.", "Counting began at once."],
        ),
        (
            "The launch is at 9:30 a.m. ET on Saturday. Crowds are expected.",
            ["The launch is at 9:30 a.m. ET on Saturday.", "Crowds are expected."],
        ),
        (
            "The trial starts Jan. 31 in Dover. It was delayed in Sept. Lawyers asked for time.",
            [
                "The trial starts Jan. 31 in Dover.",
                "It was delayed in Sept.",
                "Lawyers asked for time.",
            ],
        ),
    ],
    ids=["p.m.-weekday", "p.m.-end", "a.m.-zone", "months"],
)
def test_times_and_months_end_a_sentence_unless_the_date_goes_on(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"Who signed off on this?" asked council member Joy Adeyemi. Nobody answered.',
            ['"Who signed off on this?" asked council member Joy Adeyemi.', "Nobody answered."],
        ),
        (
            "“Is the water safe?” she asked. “We think so,” the chemist said.",
            ["“Is the water safe?” she asked.", "“We think so,” the chemist said."],
        ),
        (
            "The plant was named for Wendell P. Okafor. Franklin D. Roosevelt opened it.",
            ["The plant was named for Wendell P. Okafor.", "Franklin D. Roosevelt opened it."],
        ),
        (
            "The vitamin in question is vitamin D. It is cheap.",
            ["The vitamin in question is vitamin D.", "It is cheap."],
        ),
        (
            "Output rose 0.8% to 14.25 million barrels. Prices were steady at $81.40.",
            ["Output rose 0.8% to 14.25 million barrels.", "Prices were steady at $81.40."],
        ),
        (
            '"The report [...] was never finished" (Ames 2021). It was shelved.',
            ['"The report [...] was never finished" (Ames 2021).', "It was shelved."],
        ),
        (
            "1. Remove the filter. 2. Rinse it in warm water.",
            ["1. Remove the filter.", "2. Rinse it in warm water."],
        ),
    ],
    ids=[
        "question-quote",
        "curly-question",
        "initials",
        "letter-end",
        "decimals",
        "brackets",
        "list",
    ],
)
def test_quotes_initials_numbers_and_lists(text, expected):
    assert sentences(text) == expected


def test_the_shelter_case_splits_where_the_reporter_meant():
    # cases/split, made up again: "said no." ends the answer; "L.A. County" is one name.
    text = (
        "Asked whether the county would shut the Elm Avenue shelter before spring, Commissioner "
        "Hal Brooks said no. The shelter's lease expires on Jan. 31.\n\n"
        "The L.A. County health department said nurses would visit weekly."
    )
    found = sentences(text)
    assert found[0].endswith("Commissioner Hal Brooks said no.")
    assert found[1] == "The shelter's lease expires on Jan. 31."
    assert found[2] == "The L.A. County health department said nurses would visit weekly."
