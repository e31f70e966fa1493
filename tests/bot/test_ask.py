"""/ask through the real client: acknowledged at once, then edited with a cited answer."""

from __future__ import annotations

from pathlib import Path

import discord_markdown as md
from fake_discord import FakeDiscord
from sample_articles import KETTLE_RECALL, write_corpus

from index.engine import Engine

ZELENSKYY_URL = "https://news.example.com/zelenskyy-nato"


def cites(message: dict, url: str) -> bool:
    return any(url in field["value"] for e in message["embeds"] for field in e.get("fields", []))


async def test_ask_in_a_guild_is_deferred_then_answered_with_citations(
    fake_discord: FakeDiscord, newsdesk
):
    ix = await fake_discord.send_interaction(
        "ask", {"question": "What did Zelenskyy say about NATO?"}
    )
    ack = await ix.wait_for_ack()
    assert ack["type"] == 5  # deferred: "Newsdesk is thinking…"
    assert ix.ack_delay is not None and ix.ack_delay < 0.5
    assert not ix.ephemeral
    message = await ix.wait_for_original(lambda m: bool(m["embeds"]))
    embed = message["embeds"][0]
    assert embed["title"] == "What did Zelenskyy say about NATO?"
    assert "NATO" in embed["description"]
    assert "[1]" in embed["description"]
    sources = embed["fields"][0]
    assert sources["name"] == "Sources"
    assert f"({ZELENSKYY_URL})" in sources["value"]
    assert "Sky News · 29 Nov 2024" in sources["value"]


def answered(message: dict) -> bool:
    return bool(message["embeds"]) or bool(message["content"])


async def test_ask_in_a_dm_context(fake_discord: FakeDiscord, newsdesk):
    ix = await fake_discord.send_interaction(
        "ask", {"question": "What did Zelenskyy tell Sky News?"}, dm=True
    )
    assert "member" not in ix.payload and ix.payload["context"] == 1
    assert (await ix.wait_for_ack())["type"] == 5
    assert ix.ack_delay is not None and ix.ack_delay < 0.5
    message = await ix.wait_for_original(answered)
    assert cites(message, ZELENSKYY_URL)


async def test_private_ask_is_ephemeral(fake_discord: FakeDiscord, newsdesk):
    ix = await fake_discord.send_interaction(
        "ask", {"question": "Did the Fed cut rates?", "private": True}
    )
    await ix.wait_for_ack()
    assert ix.ephemeral
    message = await ix.wait_for_original(answered)
    assert cites(message, "https://news.example.com/fed-cuts-rates")


async def test_source_and_since_filters(fake_discord: FakeDiscord, newsdesk):
    ix = await fake_discord.send_interaction(
        "ask", {"question": "What was agreed?", "source": "bbc", "since": "2024-11-01"}
    )
    message = await ix.wait_for_original(answered)
    sources = message["embeds"][0]["fields"][0]["value"]
    assert "BBC" in sources and "Reuters" not in sources and "Sky News" not in sources

    ix = await fake_discord.send_interaction(
        "ask", {"question": "What did Zelenskyy say?", "since": "2024-12-01"}
    )
    message = await ix.wait_for_original(answered)
    assert not cites(message, ZELENSKYY_URL), "published 29 Nov, before the 'since' date"


async def test_bad_options_get_a_friendly_answer(fake_discord: FakeDiscord, newsdesk):
    ix = await fake_discord.send_interaction("ask", {"question": "Why?", "source": "Pravda"})
    message = await ix.wait_for_original(answered)
    assert message["content"].startswith("I have no articles from 'Pravda'. Outlets I know: BBC")
    assert message["embeds"] == []

    ix = await fake_discord.send_interaction("ask", {"question": "Why?", "since": "someday"})
    message = await ix.wait_for_original(answered)
    assert message["content"].startswith("I can't read 'someday' as a date.")


async def test_source_autocomplete_offers_outlets(fake_discord: FakeDiscord, newsdesk):
    choices = await fake_discord.autocomplete("ask", {"question": "x"}, focused=("source", "r"))
    assert [c["value"] for c in choices] == ["Reuters", "The Verge"]


async def test_uncovered_question_says_so_and_lists_closest_articles(
    fake_discord: FakeDiscord, newsdesk
):
    ix = await fake_discord.send_interaction("ask", {"question": "How do I bake banana bread?"})
    embed = (await ix.wait_for_original(answered))["embeds"][0]
    assert embed["description"] == "The articles I have don't answer that, so I won't guess."
    assert embed["fields"][0]["name"] == "Closest articles"


async def test_quoted_everyone_pings_nobody(fake_discord: FakeDiscord, newsdesk):
    ix = await fake_discord.send_interaction(
        "ask", {"question": "What did the moderator post during the chat app outage?"}
    )
    message = await ix.wait_for_original(answered)
    assert "@everyone" in message["embeds"][0]["description"]
    await fake_discord.send_dm("What did the moderator post during the outage?")
    await fake_discord.wait_until(lambda: bool(fake_discord.bot_messages()))
    writes = fake_discord.find_requests("PATCH", r"/webhooks/.*") + fake_discord.find_requests(
        "POST", r"/channels/\d+/messages"
    )
    assert len(writes) == 2
    for request in writes:
        assert request.json["allowed_mentions"]["parse"] == [], request.path


async def test_rate_limit_answers_kindly(fake_discord: FakeDiscord, settings, start_bot):
    await start_bot(fake_discord, settings, rate_limit=2, rate_window=3600)
    for _ in range(2):
        ix = await fake_discord.send_interaction("ask", {"question": "Did the Fed cut rates?"})
        await ix.wait_for_original(answered)
    third = await fake_discord.send_interaction("ask", {"question": "Did the Fed cut rates?"})
    refusal = await third.wait_for_ack()
    assert refusal["type"] == 4 and third.ephemeral
    assert refusal["data"]["content"].startswith("You're asking faster than I can read.")
    other = await fake_discord.send_interaction(
        "ask", {"question": "Did the Fed cut rates?"}, user=fake_discord.admin
    )
    assert (await other.wait_for_ack())["type"] == 5, "the limit is per user"


async def test_failure_inside_a_handler_still_ends_with_a_message(
    fake_discord: FakeDiscord, newsdesk, caplog
):
    fake_discord.fail_next(
        "PATCH",
        r"/webhooks/\d+/[^/]+/messages/@original",
        status=403,
        code=50013,
        message="Missing Permissions",
    )
    ix = await fake_discord.send_interaction("ask", {"question": "Did the Fed cut rates?"})
    message = await ix.wait_for_original(answered)
    assert message["content"].startswith("Sorry, something went wrong on my side (incident `")
    assert message["embeds"] == []
    incident = message["content"].split("`")[1]
    assert any(incident in r.getMessage() and r.exc_info for r in caplog.records)


async def test_twenty_questions_at_once_are_all_acknowledged_and_answered(
    fake_discord: FakeDiscord, newsdesk
):
    questions = await fake_discord.send_interactions(
        20, "ask", {"question": "What did Zelenskyy say about NATO?"}
    )
    for ix in questions:
        await ix.wait_for_ack()
    delays = [ix.ack_delay for ix in questions]
    assert all(d is not None and d < 0.5 for d in delays), delays
    for ix in questions:
        message = await ix.wait_for_original(answered)
        assert cites(message, ZELENSKYY_URL)


async def test_article_links_in_an_answer_are_not_live_in_the_embed(
    fake_discord: FakeDiscord, settings, start_bot, corpus: Path, index_dir: Path, embedder
):
    write_corpus(corpus, {"kettle-recall.md": KETTLE_RECALL})
    Engine(index_dir, embedder=embedder).build([corpus])
    await start_bot(fake_discord, settings)
    ix = await fake_discord.send_interaction(
        "ask", {"question": "How do Hearthware kettle owners claim a replacement?"}
    )
    embed = (await ix.wait_for_original(answered))["embeds"][0]
    description = embed["description"]
    assert "replacement request form" in description
    assert md.masked_links(description) == []
    assert md.markup(description) == []
    assert (
        "Customers can look up their batch code on [the Hearthware safety page]"
        "(https://hearthware.example.com/safety) and claim a replacement kettle via "
        "[the replacement request form](https://claims.example.org/hearthware-kettle)."
    ) in md.shown(description)
    sources = embed["fields"][0]["value"]
    assert md.masked_links(sources) == [
        ("article", "https://homedesk.example.com/2024/10/02/hearthware-kettle-recall")
    ]
    assert md.shown(sources).startswith(
        "**[1]** Recall live | Hearthware kettles 'a **disaster**', say owners — Home Desk"
    )
