"""/ask through the real client: acknowledged at once, then edited with a cited answer."""

from __future__ import annotations

from fake_discord import FakeDiscord

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

