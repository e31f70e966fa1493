"""Interview transcripts: speaker markers and the words after them (``index.quotes.transcript``).

Made-up interviews written the way Wikinews and other outlets write them.
"""

from __future__ import annotations

import pytest
from quote_samples import assert_invariants

from index.quotes import find_quotes

WIKINEWS_STYLE = """\
Rosa Lind founded the Harbor Choir in 1998. Wikinews spoke to Lind about the choir's future.

((WN)) Why did you start the choir?

((Rosa Lind)) I wanted a place where anyone could sing. Nobody had to audition.

We still don't audition anyone today.

((WN)) What comes next?

((Lind)) : A tour of the coast next summer, if the money holds.
"""


def test_named_marker_quotes_the_words_after_it_as_that_persons():
    quotes = find_quotes(WIKINEWS_STYLE)
    assert_invariants(WIKINEWS_STYLE, quotes)

    assert [(q.text, q.speaker, q.kind) for q in quotes] == [
        (
            "I wanted a place where anyone could sing. Nobody had to audition.",
            "Rosa Lind",
            "direct",
        ),
        ("We still don't audition anyone today.", "Rosa Lind", "direct"),
        ("A tour of the coast next summer, if the money holds.", "Rosa Lind", "direct"),
    ]
    first, following, surname = quotes
    assert first.speaker_text == "Rosa Lind" and first.cue is None
    assert "((Rosa Lind))" in WIKINEWS_STYLE[first.sentence_start : first.sentence_end]
    assert following.speaker_text is None  # a paragraph going on with the same turn
    assert surname.speaker_text == "Lind"  # resolved to the fullest name the article gives


def test_interviewer_turns_are_no_quotations():
    quotes = find_quotes(WIKINEWS_STYLE)

    assert not any("choir?" in q.text or "What comes next" in q.text for q in quotes)


def test_q_and_a_answers_are_quotations_without_a_speaker():
    text = (
        "The council met on Monday.\n\n"
        "Q: Will taxes rise next year?\n\n"
        "A: Not if the council passes the plan.\n\n"
        "Q: And if it doesn't?\n\n"
        "A: Then we will have to talk again.\n"
    )
    quotes = find_quotes(text)
    assert_invariants(text, quotes)

    assert [(q.text, q.speaker) for q in quotes] == [
        ("Not if the council passes the plan.", None),
        ("Then we will have to talk again.", None),
    ]


def test_name_and_initials_with_a_colon():
    text = (
        "Biologist Nora Gale studies penguins. Gale answered our questions.\n\n"
        "((Wikinews)) What prompted your curiosity?\n\n"
        "Nora Gale: I have wanted to be a marine scientist since I was a child.\n\n"
        "((WN)) How long did the study take?\n\n"
        "NG: This study started in 1982, long before I joined the lab.\n"
    )

    assert [(q.text[:20], q.speaker) for q in find_quotes(text)] == [
        ("I have wanted to be ", "Nora Gale"),
        ("This study started i", "Nora Gale"),
    ]


def test_initials_alone_opening_paragraphs():
    text = (
        "Professor Mark Sorel led the study.\n\n"
        "((WN)) How old is the data?\n\n"
        "MS Although the data is old, we repeated the analysis with newer figures.\n\n"
        "((WN)) What comes next?\n\n"
        "MS The next step is to look at state laws.\n"
    )

    assert [(q.text[:15], q.speaker) for q in find_quotes(text)] == [
        ("Although the da", "Mark Sorel"),
        ("The next step i", "Mark Sorel"),
    ]


def test_a_narrative_paragraph_ends_the_turn():
    text = (
        "Ruth Ames spoke to Wikinews about the festival.\n\n"
        "((Ruth Ames)) It was the best year we have had.\n\n"
        "((WN)) Will it come back?\n\n"
        "((Ruth Ames)) Yes, next spring.\n\n"
        "Ruth Ames also shared photographs of the stage.\n\n"
        "The festival drew 40,000 people.\n"
    )

    assert [q.text for q in find_quotes(text)] == [
        "It was the best year we have had.",
        "Yes, next spring.",
    ]


@pytest.mark.parametrize(
    ("intro", "ask"),
    [
        # A person the article calls a reporter.
        ("Wikinews reporter Rob Sato interviewed the author, Rita Sol.", "Tell us about the book."),
        # Initials whose every turn is a question, though they fit someone the article names.
        ("The author Rita Sol was interviewed. Critic Rex Stone has praised her book.", "Why?"),
    ],
)
def test_the_interviewer_by_title_or_by_asking_only(intro, ask):
    text = (
        f"{intro}\n\n"
        f"((RS)) {ask}\n\n"
        "((Rita Sol)) It is about my grandmother's farm.\n\n"
        "((RS)) Did the reviews surprise you?\n\n"
        "((Rita Sol)) Yes, they did.\n"
    )

    assert [(q.text, q.speaker) for q in find_quotes(text)] == [
        ("It is about my grandmother's farm.", "Rita Sol"),
        ("Yes, they did.", "Rita Sol"),
    ]


def test_statements_inside_a_turn_are_the_turns_unless_someone_else_speaks():
    text = (
        "Rita Sol wrote the book.\n\n"
        "((WN)) Did anyone help?\n\n"
        "((Rita Sol)) As I said before, she never left the farm. My editor Tom Hale told me, "
        '"Finish the book before the winter comes."\n'
    )
    quotes = find_quotes(text)

    assert [(q.text[:20], q.speaker) for q in quotes] == [
        ("As I said before, sh", "Rita Sol"),
        ("Finish the book befo", "Tom Hale"),
    ]


def test_colon_lines_without_anyone_asking_are_no_transcript():
    text = (
        "Delegate count so far:\n\n"
        "Clinton: 1,769 pledged delegates from the states so far.\n\n"
        "Sanders: 1,501 pledged delegates from the states so far.\n\n"
        "Update: the count was revised on Monday.\n"
    )

    assert find_quotes(text) == []
