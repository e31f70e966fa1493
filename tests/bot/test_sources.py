"""/sources and /help through the real client."""

from __future__ import annotations

from fake_discord import FakeDiscord


async def test_sources_lists_outlets_with_counts_and_dates(fake_discord: FakeDiscord, newsdesk):
    ix = await fake_discord.send_interaction("sources")
    message = await ix.wait_for_original(lambda m: bool(m["embeds"]))
    embed = message["embeds"][0]
    assert embed["title"] == "4 articles from 4 outlets"
    assert "**Sky News** — 1 article, newest 29 Nov 2024" in embed["description"]
    assert "**Reuters** — 1 article, newest 18 Dec 2024" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Last reindex"] == "none since the bot started"
    assert fields["Index built"].endswith("UTC")
    assert ix.ephemeral


async def test_help_explains_how_to_ask(fake_discord: FakeDiscord, newsdesk):
    ix = await fake_discord.send_interaction("help", dm=True)
    message = await ix.wait_for_original(lambda m: bool(m["embeds"]))
    assert "/ask question" in message["embeds"][0]["description"]
    assert ix.ack["type"] == 4
