"""Quotation marks: pairing, nesting, apostrophes and inch marks (``index.quotes.marks``)."""

from __future__ import annotations

from quote_samples import speakers

from index.quotes import find_quotes

# --------------------------------------------------------------------------------------------
# Quotation marks
# --------------------------------------------------------------------------------------------


def test_nested_straight_quotes():
    text = "Olena Kovalenko runs a bakery in Kharkiv. \"He told me 'never again,'\" she said."

    assert speakers(text) == [("He told me 'never again,'", "Olena Kovalenko")]


def test_nested_curly_quotes_and_no_inner_speaker():
    text = (
        "German Chancellor Olaf Scholz met Zelenskyy in Berlin. “Germany will not waver,” Scholz "
        "said.\nZelenskyy thanked him. “He told me ‘we are with you,’” the Ukrainian leader said."
    )

    assert speakers(text) == [
        ("Germany will not waver", "Olaf Scholz"),
        ("He told me ‘we are with you,’", "the Ukrainian leader"),
    ]


def test_apostrophes_are_not_quotation_marks():
    text = (
        "It’s the leaders’ summit, and Zelenskyy’s team won't say what's planned. "
        "Don't expect a deal, diplomats' notes suggest."
    )

    assert find_quotes(text) == []


def test_curly_straight_and_mixed_marks_all_pair():
    text = (
        "“Curly both,” Sybiha said.\n"
        '"Straight both," Sybiha said.\n'
        '"Straight then curly,” Sybiha said.\n'
        '“Curly then straight," Sybiha said.\n'
    )

    assert speakers(text) == [
        ("Curly both", "Sybiha"),
        ("Straight both", "Sybiha"),
        ("Straight then curly", "Sybiha"),
        ("Curly then straight", "Sybiha"),
    ]


def test_inch_marks_and_stray_closing_marks_are_not_quotes():
    text = 'The soldier is 6\'2" tall and carried a 12" knife.” Nothing else happened.'

    assert find_quotes(text) == []
