"""Rendering stays within Discord's limits and never cuts a citation in half."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fake_discord import check_message_limits

from bot import render
from index.answer import Answer, AnswerPart, Citation
from index.store import IndexStats, SourceStats


def citation(n: int) -> Citation:
    return Citation(
        marker=n,
        article_id=f"a{n}",
        title=f"Headline number {n} " + "about a long story " * 8,
        source=f"Outlet {n}",
        published=datetime(2024, 11, n, tzinfo=UTC),
        url=f"https://news.example.com/{n}/" + "x" * 80,
    )


def sentence(n: int) -> str:
    return f"Sentence {n} says something *important* about the_news. " + "More words here. " * 20


def long_answer(parts: int = 40, citations: int = 12) -> Answer:
    return Answer(
        question="What happened? " * 30,
        covered=True,
        parts=[
            AnswerPart(
                text=sentence(n),
                citation=1 + n % citations,
                label="Someone said" if n % 3 else None,
                is_quote=n % 2 == 0,
            )
            for n in range(parts)
        ],
        citations=[citation(n) for n in range(1, citations + 1)],
    )


def test_a_long_answer_fits_discord_and_keeps_whole_parts():
    answer = long_answer()
    embed = render.answer_embed(answer).to_dict()
    check_message_limits({"embeds": [embed]})
    description = embed["description"]
    assert description.endswith("\n\n…")
    blocks = description.split("\n\n")[:-1]
    assert len(blocks) < len(answer.parts)
    for block, part in zip(blocks, answer.parts, strict=False):
        assert block.endswith(f" [{part.citation}]")
        assert re.sub(r"\\(.)", r"\1", block).count(part.text.strip()[:40]) == 1
    shown = {int(m) for m in re.findall(r" \[(\d+)\]$", description, re.MULTILINE)}
    listed = {int(m) for f in embed["fields"] for m in re.findall(r"\*\*\[(\d+)\]\*\*", f["value"])}
    assert shown == listed


def test_one_huge_part_is_cut_at_a_sentence_and_keeps_its_marker():
    part = AnswerPart(text="A short sentence. " * 400, citation=1)
    answer = Answer(question="q", covered=True, parts=[part], citations=[citation(1)])
    embed = render.answer_embed(answer).to_dict()
    check_message_limits({"embeds": [embed]})
    assert embed["description"].endswith("A short sentence. … [1]")


def test_article_markdown_is_shown_literally():
    part = AnswerPart(text="He said *never* and __now__.", citation=1, is_quote=True)
    answer = Answer(question="q", covered=True, parts=[part], citations=[citation(1)])
    assert render.answer_embed(answer).description == r"“He said \*never\* and \_\_now\_\_.” [1]"


def test_plain_text_fits_a_message_and_wraps_links():
    text = render.answer_text(long_answer(), limit=render.CONTENT_LIMIT)
    assert len(text) <= 2000
    assert "\n\nSources:\n[1] Headline number 1" in text
    assert re.search(r"<https://news\.example\.com/1/x+>", text)
    assert "](" not in text


def test_sources_with_many_outlets_fit():
    stats = IndexStats(
        articles=300 * 7,
        chunks=0,
        duplicates=0,
        sources=[
            SourceStats(f"Outlet {n}", 7, datetime(2024, 5, 1, tzinfo=UTC)) for n in range(300)
        ],
        built_at=datetime(2024, 5, 2, 10, 30, tzinfo=UTC),
        model="m",
        dimension=384,
        index_type="flat",
        generation=3,
    )
    embed = render.sources_embed(stats, None).to_dict()
    check_message_limits({"embeds": [embed]})
    assert embed["description"].endswith("… and more (300 outlets)")
    assert {"name": "Index built", "value": "2024-05-02 10:30 UTC", "inline": True} in embed[
        "fields"
    ]
