"""Rendering stays within Discord's limits and never cuts a citation in half."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import unquote

import discord_markdown as md
from discord.utils import escape_markdown
from fake_discord import check_message_limits

from bot import render
from index.answer import Answer, AnswerPart, Citation
from index.feeds.state import FeedState
from index.quote_index import QuoteHit
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


def many_outlets() -> IndexStats:
    return IndexStats(
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


def test_sources_with_many_outlets_fit():
    embed = render.sources_embed(many_outlets(), None).to_dict()
    check_message_limits({"embeds": [embed]})
    assert embed["description"].endswith("… and more (300 outlets)")
    assert {"name": "Index built", "value": "2024-05-02 10:30 UTC", "inline": True} in embed[
        "fields"
    ]


def many_feeds(count: int) -> list[FeedState]:
    """Feeds with long addresses, markdown in their titles and long errors."""
    when = datetime(2024, 5, 2, 10, 30, tzinfo=UTC)
    return [
        FeedState(
            url=f"https://outlet{n}.example.com/" + "feeds/" * 40 + "rss.xml",
            title=f"Outlet {n} **live** [x](https://evil.example.com) " + "word " * 30,
            last_success=when if n % 2 else None,
            failures=n % 4,
            next_due=when,
            enabled=n % 5 != 4,
            last_error="HTTP 500 [boom](https://evil.example.com) " * 20 if n % 4 else None,
        )
        for n in range(count)
    ]


def test_sources_with_many_outlets_and_feeds_fit():
    embed = render.sources_embed(many_outlets(), None, many_feeds(200)).to_dict()
    check_message_limits({"embeds": [embed]})
    feeds = [f["value"] for f in embed["fields"] if f["name"] in ("Feeds", "\u200b")]
    assert feeds and feeds[-1].endswith(" more feeds (/feeds list shows them all)")
    assert embed["description"].endswith("… and more (300 outlets)")
    for value in feeds:
        assert md.masked_links(value) == []


def test_feeds_list_with_many_feeds_fits_and_stays_literal():
    embed = render.feeds_embed(many_feeds(200), "The bot polls.").to_dict()
    check_message_limits({"embeds": [embed]})
    assert embed["title"] == "Following 200 feeds"
    assert embed["description"].endswith(" more (python -m index feeds list shows them all)")
    assert md.masked_links(embed["description"]) == []
    first = md.shown(embed["description"]).split("\n")[:3]
    assert first[0].startswith("**Outlet 0 **live** [x](https://evil.example.com) word word")
    assert first[1] == (
        "every 15 min · enabled · last success never · 0 failures · "
        "next attempt 2024-05-02 10:30 UTC"
    )


def test_intervals_read_as_people_write_them():
    assert [render.format_interval(s) for s in (60, 900, 3600, 5400, 86400, 90)] == [
        "1 min",
        "15 min",
        "1 h",
        "1 h 30 min",
        "1 d",
        "1 min 30 s",
    ]


# -- article text never becomes markdown -----------------------------------------------------

# Made-up article text of the shapes that turn into live markdown: masked links (two in one
# sentence, nested brackets, <url> targets, links split over backslashes), a link hidden in a
# URL, mentions and other <…> forms, formatting marks, and markers at the start of a line.
TRICKY = [
    "Residents can read [the council's notice](https://council.example.org/notice) and object "
    "through [this online form](https://forms.example.net/object-now).",
    "See [the [updated] guidance](https://health.example.gov/guidance) for details.",
    "Tickets are on [the box office site](<https://tickets.example.com/show>) from Friday.",
    "[Photo: [Getty](https://getty.example.com)](https://evil.example.com)",
    r"A reader wrote \[the agency](https://a.example.com) and [a second link](https://b.example.com).",
    r"Escaped close [not closed\](https://a.example.com) but [this is](https://b.example.com)",
    r"Double backslash \\[first](https://a.example.com) stays text.",
    "Split [over]\\(https://a.example.com) and [again]( https://b.example.com ).",
    "The page https://wiki.example.org/Foo_(bar)[trap](https://evil.example.com) moved.",
    "Read more at https://news.example.com/a_b_c* or https://x.example.com/?q[]=1.",
    "[https://bank.example.com](https://phish.example.net) is not the bank.",
    "The mayor <@123456789012345678> and <#987654321098765432> met <t:1718000000:R>.",
    "Write to <press@city.example.gov> or call <+1 (555) 123 4567> or <https://city.example.gov>.",
    "He called them **total a**holes** and __awful__, ~~then~~ ||apologised|| with `code`.",
    r"The shrug ¯\_(ツ)_/¯ and a path C:\Users\*\docs\ and a lone backslash at the end \\",
    "# Breaking\n## Update\n-# small print\n- first\n* second\n1. numbered\n> quoted\n>>> all",
    "Results:\n  - indented item\n  42. indented number",
    "@everyone the results are in: 3 * 4 = 12 and a_b_c.",
]


def quoted(text: str, *, label: str | None = None, is_quote: bool = True) -> Answer:
    part = AnswerPart(text=text, citation=1, label=label, is_quote=is_quote)
    return Answer(question="q", covered=True, parts=[part], citations=[citation(1)])


def test_discord_escape_markdown_leaves_the_second_link_of_a_sentence_live():
    # Why render has its own escaping: discord.py's regex \[.+\]\(.+\) is greedy.
    assert md.masked_links(escape_markdown(TRICKY[0])) == [
        ("this online form", "https://forms.example.net/object-now")
    ]


def test_article_text_never_makes_a_masked_link_or_markup_and_shows_as_written():
    for text in TRICKY:
        for is_quote in (True, False):
            description = render.answer_embed(quoted(text, is_quote=is_quote)).description
            assert md.masked_links(description) == [], (text, description)
            assert md.markup(description) == [], (text, description)
            expected = f"“{text}” [1]" if is_quote else f"{text} [1]"
            assert md.shown(description) == expected, description


def test_speaker_labels_and_notes_are_escaped_too():
    label = "[Jane Doe](https://evil.example.com), **spokeswoman**"
    note = "I found no quotes from [X](https://a.example.com) [Y](https://b.example.com):"
    answer = Answer(
        question="q",
        covered=True,
        parts=[AnswerPart(text=TRICKY[0], citation=1, label=label, is_quote=True)],
        citations=[citation(1)],
        note=note,
    )
    description = render.answer_embed(answer).description
    assert md.masked_links(description) == []
    italic, body = description.split("\n\n")
    assert italic.startswith("*") and italic.endswith("*")
    assert md.markup(italic[1:-1]) == [] and md.shown(italic[1:-1]) == note
    assert md.markup(body) == [] and md.shown(body) == f"{label}: “{TRICKY[0]}” [1]"

    refusal = Answer(question="q", covered=False, note=note)
    description = render.answer_embed(refusal).description
    assert md.masked_links(description) == [] and md.shown(description) == note


def test_random_mixtures_of_the_shapes_stay_literal():
    # Words, spaces and bracketed bits of the shapes above, glued in random orders.
    split = re.compile(r"(\s+|(?<=[\])>])|(?=[\[(<]))")
    pieces = [piece for text in TRICKY for piece in split.split(text) if piece]
    generator = random.Random(20241130)
    for _ in range(500):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(1, 15)))
        text = text.strip() or "x"
        description = render.answer_embed(quoted(text, is_quote=False)).description
        assert md.masked_links(description) == [], text
        assert md.markup(description) == [], text
        assert md.shown(description) == f"{text} [1]", text


def test_a_long_part_cut_to_fit_stays_literal():
    for lead in range(4):
        text = "x" * lead + "[a](https://e.example.com)\\" * 200  # the cut falls anywhere
        description = render.answer_embed(quoted(text, is_quote=False)).description
        assert len(description) <= render.DESCRIPTION_LIMIT
        assert md.masked_links(description) == [] and md.markup(description) == []
        seen = md.shown(description)
        assert seen.endswith("… [1]"), seen[-20:]
        assert text.startswith(seen.removesuffix("… [1]")), seen[-20:]


# -- headlines in the Sources field ----------------------------------------------------------


def headline(title: str, marker: int = 1, url: str | None = None) -> Citation:
    return Citation(
        marker=marker,
        article_id=f"h{marker}",
        title=title,
        source="Daily Ledger",
        published=datetime(2024, 6, 12, tzinfo=UTC),
        url=url or f"https://ledger.example.com/{marker}",
    )


HEADLINES = [
    "Heatwave live | Power cuts hit 40,000 homes as temperatures top 41C",
    "Mayor apologises after hot mic catches him calling critics 'total a**holes'",
    "[LIVE] Storm __Ciara__ ~~closes~~ roads",
    r"Why C:\Temp\*.log files vanish",
    "Users report outage at https://status.example.com",
    "Bot greets <@123> with `/hello`",
    "Council approves 2025 budget",
    "Vote (finally) passes: 61% in favour",
]


def test_each_headline_shows_as_written_numbered_and_linked():
    citations = [headline(t, n) for n, t in enumerate(HEADLINES, start=1)]
    parts = [AnswerPart(text=f"Sentence {c.marker}.", citation=c.marker) for c in citations]
    embed = render.answer_embed(Answer("q", True, parts, citations)).to_dict()
    lines = "\n".join(f["value"] for f in embed["fields"]).split("\n")
    assert len(lines) == len(HEADLINES)
    for line, c in zip(lines, citations, strict=True):
        number = f"**[{c.marker}]** "
        assert line.startswith(number)
        rest = line.removeprefix(number)
        (link,) = md.masked_links(rest)
        assert link[1] == c.url
        assert [mark for mark in md.markup(rest) if not mark.startswith("link ")] == []
        assert not re.search(r"[\\*_~|`\[\]<]|://", link[0]), "shown literally in link text"
        details = " — Daily Ledger · 12 Jun 2024"
        assert md.shown(rest) in (c.title + details, c.title + details + " · article"), rest


def test_a_plain_headline_is_the_link_text():
    line = (
        render.answer_embed(
            Answer("q", True, [AnswerPart("S.", 1)], [headline("Council approves 2025 budget")])
        )
        .fields[0]
        .value
    )
    assert line == (
        "**[1]** [Council approves 2025 budget](https://ledger.example.com/1)"
        " — Daily Ledger · 12 Jun 2024"
    )
    line = (
        render.answer_embed(Answer("q", True, [AnswerPart("S.", 1)], [headline(HEADLINES[0])]))
        .fields[0]
        .value
    )
    assert line == (
        r"**[1]** Heatwave live \| Power cuts hit 40,000 homes as temperatures top 41C"
        " — Daily Ledger · 12 Jun 2024 · [article](https://ledger.example.com/1)"
    )


def test_citations_say_partial_and_updated():
    ledger = headline("Council approves 2025 budget")
    partial = replace(ledger, partial=True, updated=datetime(2024, 6, 14, 9, 5, tzinfo=UTC))
    same_day = replace(ledger, marker=2, updated=datetime(2024, 6, 12, 18, 40, tzinfo=UTC))
    not_after = replace(ledger, marker=3, updated=datetime(2024, 6, 11, tzinfo=UTC))
    citations = [partial, same_day, not_after]
    parts = [AnswerPart(f"Sentence {c.marker}.", c.marker) for c in citations]
    answer = Answer("q", True, parts, citations)
    lines = render.answer_embed(answer).fields[0].value.split("\n")
    assert [md.shown(line).split(" — ", 1)[1] for line in lines] == [
        "Daily Ledger · 12 Jun 2024 · updated 14 Jun 2024 · partial: feed summary only",
        "Daily Ledger · 12 Jun 2024 · updated 2024-06-12 18:40 UTC",
        "Daily Ledger · 12 Jun 2024",
    ]
    text = render.answer_text(answer)
    assert "— Daily Ledger · 12 Jun 2024 · updated 14 Jun 2024 · partial: feed summary only" in text
    # /quotes cites the quotation's article the same way.
    hit = replace(quote_hit(1, 2), partial=True)
    assert "· 2 Nov 2024 · partial: feed summary only" in render.quotes_text("Ana Ruiz", [hit])


def test_closest_articles_and_outlet_names_are_escaped():
    outlet = "[Ledger](https://evil.example.com) **Daily**"
    closest = [headline(HEADLINES[1]), headline("Plain title", 2)]
    closest[1] = Citation(2, "p", "Plain title", outlet, None, "https://ledger.example.com/p")
    embed = render.answer_embed(Answer("q", False, closest=closest))
    value = embed.fields[0].value
    assert [url for _, url in md.masked_links(value)] == [c.url for c in closest]
    assert md.shown(value).split("\n") == [
        f"{HEADLINES[1]} — Daily Ledger · 12 Jun 2024 · article",
        f"Plain title — {outlet}",
    ]


def test_a_link_target_with_spaces_or_unbalanced_parentheses_stays_one_link():
    for url in (
        "https://wiki.example.org/Foo_(bar)",
        "https://x.example.com/a)b",
        "https://x.example.com/a b\\c<d>",
    ):
        line = (
            render.answer_embed(
                Answer("q", True, [AnswerPart("S.", 1)], [headline("Plain", url=url)])
            )
            .fields[0]
            .value
        )
        ((text, target),) = md.masked_links(line)
        assert text == "Plain"
        assert target == url or unquote(target) == url


# -- /quotes -----------------------------------------------------------------------------------


def quote_hit(
    n: int,
    article: int,
    *,
    kind: str = "direct",
    text: str | None = None,
    speaker: str = "Ana Ruiz",
) -> QuoteHit:
    """Quotation ``n`` from article ``article`` (shaped like ``citation(article)``)."""
    text = text or f"Quotation {n} about the *budget* and [roads](https://x.example). " * 8
    said = f"{speaker} said {text}" if kind != "direct" else f"“{text},” {speaker} said."
    c = citation(article)
    return QuoteHit(
        quote_id=n,
        article_row=article,
        article_id=c.article_id,
        title=c.title,
        source=c.source,
        url=c.url,
        published=c.published,
        authors=(),
        speaker=speaker,
        speaker_text=speaker,
        cue="said",
        kind=kind,
        text=text,
        start=0,
        end=len(text),
        sentence_start=0,
        sentence_end=len(said),
        sentence=said,
    )


def test_many_long_quotations_fit_discord_and_lose_whole_quotes_from_the_end():
    hits = [quote_hit(n, 1 + n % 12, kind="direct" if n % 3 else "paraphrase") for n in range(40)]
    embed = render.quotes_embed("Ana Ruiz", hits, about="the budget").to_dict()
    check_message_limits({"embeds": [embed]})
    assert embed["title"] == "Quotations from Ana Ruiz about the budget"
    description = embed["description"]
    assert md.markup(description) == [] and md.masked_links(description) == []
    assert description.endswith("\n\n…")
    shown = md.shown(description).split("\n\n")[:-1]
    assert 1 < len(shown) < len(hits)
    for block, hit in zip(shown, hits, strict=False):
        if hit.kind == "direct":
            assert block.startswith(f"Ana Ruiz: “{hit.text.strip()}” [")
        else:
            assert block.startswith(f"Ana Ruiz, as reported: {hit.sentence.strip()} [")
    markers = [int(m) for m in re.findall(r" \[(\d+)\]$", description, re.MULTILINE)]
    assert sorted(set(markers)) == list(range(1, max(markers) + 1)), "numbered as they come"
    listed = [int(m) for f in embed["fields"] for m in re.findall(r"\*\*\[(\d+)\]\*\*", f["value"])]
    assert listed == sorted(set(markers))


def test_quotations_shown_once_with_their_kind_in_plain_text():
    hits = [
        quote_hit(1, 2, text="We will fix the roads"),
        quote_hit(2, 5, kind="paraphrase", text="the roads would be fixed by May"),
        quote_hit(3, 7, text="We   will fix\nthe roads"),  # the same words in a wire copy
        quote_hit(4, 2, text="Not one more pothole", speaker="the mayor"),
    ]
    text = render.quotes_text("Ruiz", hits, about="roads")
    c2, c5 = (render._citation_line(citation(n), markdown=False, numbered=False) for n in (2, 5))
    assert text == (
        "Quotations from Ruiz about roads:\n\n"
        "Ana Ruiz: “We will fix the roads” [1]\n\n"
        "Ana Ruiz, as reported: Ana Ruiz said the roads would be fixed by May [2]\n\n"
        "The mayor: “Not one more pothole” [1]\n\n"
        f"Sources:\n[1] {c2}\n[2] {c5}"
    )
    assert render.quotes_text("Ruiz", [], about="roads", since="7d") == (
        "No quotations from Ruiz about roads in the collection (only articles since 7d).\n"
        "Try /ask what did Ruiz say about roads? — it reads every sentence of the articles, "
        "not only quotations attributed to Ruiz."
    )


def test_no_quotations_embed_escapes_what_the_user_typed():
    embed = render.quotes_embed("**Ruiz** <@123>", [], about="[x](https://evil.example)")
    assert md.markup(embed.description) == [] and md.masked_links(embed.description) == []
    assert md.shown(embed.description).startswith(
        "No quotations from **Ruiz** <@123> about [x](https://evil.example) in the collection."
    )
    assert embed.colour == render.NOT_COVERED_COLOUR and not embed.fields


def test_help_lists_quotes_for_both_transports():
    assert "• `/quotes speaker` — what a person said, e.g. `/quotes Zelenskyy about:NATO`" in (
        render.help_embed().description
    )
    assert "• /quotes speaker — what a person said, e.g. /quotes Zelenskyy about:NATO" in (
        render.help_text()
    )
