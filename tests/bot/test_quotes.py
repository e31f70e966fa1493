"""/quotes through the real client and the real engine: a person's words, each cited."""

from __future__ import annotations

import json
from pathlib import Path

import discord_markdown as md
import pytest
from fake_discord import FakeDiscord
from sample_articles import INITIAL, QUOTES, write_corpus

from bot.render import QUOTES_FOOTER
from index.embedding import Embedder
from index.engine import Engine

PAY_URL = "https://dailybyte.example.com/chatterbox-moderator-pay"
PINGS_URL = "https://techdesk.example.com/2024/10/03/chatterbox-mass-pings"
VOLUNTEERS = (
    "Ines Marlow: “Volunteers keep these communities safe, and it is time we paid them for it” [1]"
)
PILOT = (
    "Ines Marlow, as reported: According to Marlow, about 2,000 moderators will take part in "
    "the pilot. [1]"
)
PINGED = (
    "Ines Marlow: “Moderators typed @everyone and <@123> hundreds of times during the outage, "
    "and millions of phones buzzed at once” [2]"
)
LIMIT = (
    "Ines Marlow, as reported: Marlow said the new limit would allow one mass ping an hour in "
    "servers with more than 10,000 members. [2]"
)
WOKEN = (
    "Ines Marlow: “Nobody should be woken at 3 a.m. by a **bold** announcement about a "
    "[maintenance window](https://status.example.com/window)” [2]"
)


@pytest.fixture(scope="module")
def built_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> tuple[Path, Path]:
    """The bot tests' articles plus Ines Marlow's quotations in two articles, built once here."""
    root = tmp_path_factory.mktemp("quotes-template")
    corpus = write_corpus(root / "articles", {**INITIAL, **QUOTES})
    index_dir = root / "index"
    Engine(index_dir, embedder=embedder, require_index=False).build([corpus])
    return corpus, index_dir


def answered(message: dict) -> bool:
    return bool(message["embeds"]) or bool(message["content"])


def blocks(embed: dict) -> list[str]:
    """The description's quotations as a Discord reader sees them."""
    return md.shown(embed["description"]).split("\n\n")


def sources(embed: dict) -> str:
    return "\n".join(f["value"] for f in embed.get("fields", []))


async def test_quotes_lists_direct_and_reported_words_newest_first_with_sources(
    fake_discord: FakeDiscord, newsdesk
):
    ix = await fake_discord.send_interaction("quotes", {"speaker": "Ines Marlow"})
    ack = await ix.wait_for_ack()
    assert ack["type"] == 5 and not ix.ephemeral
    assert ix.ack_delay is not None and ix.ack_delay < 0.5
    embed = (await ix.wait_for_original(answered))["embeds"][0]
    assert embed["title"] == "Quotations from Ines Marlow"
    assert blocks(embed) == [VOLUNTEERS, PILOT, PINGED, LIMIT, WOKEN]
    assert "Critics said" not in embed["description"], "said by nobody named Marlow"
    fields = embed["fields"]
    assert [f["name"] for f in fields] == ["Sources"]
    assert fields[0]["value"].split("\n") == [
        f"**[1]** [Chatterbox to pay volunteer moderators in pilot scheme]({PAY_URL})"
        " — Daily Byte · 20 Nov 2024",
        f"**[2]** [Chatterbox limits mass pings after outage chaos]({PINGS_URL})"
        " — Tech Desk · 3 Oct 2024",
    ]
    assert embed["footer"]["text"] == QUOTES_FOOTER


async def test_quoted_mentions_and_markdown_stay_text_and_ping_nobody(
    fake_discord: FakeDiscord, newsdesk
):
    assert newsdesk.allowed_mentions.to_dict() == {"parse": []}
    ix = await fake_discord.send_interaction(
        "quotes", {"speaker": "Marlow", "about": "mass notifications"}
    )
    message = await ix.wait_for_original(answered)
    description = message["embeds"][0]["description"]
    assert md.markup(description) == [], "no live mention, bold or masked link"
    assert md.masked_links(description) == []
    shown = md.shown(description)
    assert "Moderators typed @everyone and <@123> hundreds of times" in shown
    assert "a **bold** announcement about a [maintenance window](https://status." in shown

    # An error message is plain content, where a mention would ping: it quotes the user's words,
    # escaped, so they show as typed and mention nobody.
    refused = await fake_discord.send_interaction(
        "quotes", {"speaker": "Marlow", "source": "@everyone <@123>"}
    )
    content = (await refused.wait_for_original(answered))["content"]
    assert md.shown(content).startswith("I have no articles from '@everyone <@123>'.")
    assert md.markup(content) == []
    writes = fake_discord.find_requests("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")
    assert len(writes) == 2
    for request in writes:
        assert request.json["allowed_mentions"] == {"parse": []}


async def test_about_puts_the_quotations_on_that_topic_first(fake_discord: FakeDiscord, newsdesk):
    ix = await fake_discord.send_interaction(
        "quotes", {"speaker": "Marlow", "about": "paying volunteer moderators"}
    )
    embed = (await ix.wait_for_original(answered))["embeds"][0]
    assert embed["title"] == "Quotations from Marlow about paying volunteer moderators"
    assert blocks(embed)[0] == VOLUNTEERS
    assert LIMIT not in blocks(embed), "about the ping limit, not about paying moderators"


async def test_none_found_says_so_and_suggests_ask(fake_discord: FakeDiscord, newsdesk):
    ix = await fake_discord.send_interaction(
        "quotes", {"speaker": "Marlow", "about": "banana bread recipes"}
    )
    embed = (await ix.wait_for_original(answered))["embeds"][0]
    assert md.shown(embed["description"]) == (
        "No quotations from Marlow about banana bread recipes in the collection.\n"
        "Try /ask what did Marlow say about banana bread recipes? — it reads every sentence "
        "of the articles, not only quotations attributed to Marlow."
    )
    assert "fields" not in embed or embed["fields"] == []

    ix = await fake_discord.send_interaction("quotes", {"speaker": "Nobody Atall"})
    embed = (await ix.wait_for_original(answered))["embeds"][0]
    assert md.shown(embed["description"]).startswith(
        "No quotations from Nobody Atall in the collection.\nTry /ask what did Nobody Atall say?"
    )


async def test_source_and_since_filters(fake_discord: FakeDiscord, newsdesk):
    ix = await fake_discord.send_interaction(
        "quotes", {"speaker": "Ines Marlow", "source": "tech desk"}
    )
    embed = (await ix.wait_for_original(answered))["embeds"][0]
    assert [b.replace("[2]", "[1]") for b in (PINGED, LIMIT, WOKEN)] == blocks(embed)
    assert PINGS_URL in sources(embed) and PAY_URL not in sources(embed)

    ix = await fake_discord.send_interaction(
        "quotes", {"speaker": "Ines Marlow", "since": "2024-11-01"}
    )
    embed = (await ix.wait_for_original(answered))["embeds"][0]
    assert blocks(embed) == [VOLUNTEERS, PILOT]
    assert PINGS_URL not in sources(embed), "published 3 Oct, before the 'since' date"

    ix = await fake_discord.send_interaction(
        "quotes", {"speaker": "Ines Marlow", "source": "Daily Byte", "since": "2024-12-01"}
    )
    embed = (await ix.wait_for_original(answered))["embeds"][0]
    assert md.shown(embed["description"]).startswith(
        "No quotations from Ines Marlow in the collection "
        "(only articles from Daily Byte since 2024-12-01).\n"
    )


async def test_private_quotes_in_a_dm(fake_discord: FakeDiscord, newsdesk):
    ix = await fake_discord.send_interaction(
        "quotes", {"speaker": "Zelenskyy", "about": "NATO", "private": True}, dm=True
    )
    assert ix.payload["context"] == 1
    await ix.wait_for_ack()
    assert ix.ephemeral
    embed = (await ix.wait_for_original(answered))["embeds"][0]
    assert blocks(embed)[0].startswith(
        "Volodymyr Zelenskyy: “If we want to stop the hot phase of the war"
    )
    assert "https://news.example.com/zelenskyy-nato" in sources(embed)


async def test_bad_input_gets_a_friendly_answer(fake_discord: FakeDiscord, newsdesk):
    ix = await fake_discord.send_interaction("quotes", {"speaker": "   "})
    message = await ix.wait_for_original(answered)
    assert message["content"].startswith("Whose quotations? Give me a name")
    assert message["embeds"] == []

    ix = await fake_discord.send_interaction("quotes", {"speaker": "Marlow", "since": "someday"})
    message = await ix.wait_for_original(answered)
    assert message["content"].startswith("I can't read 'someday' as a date.")

    speaker = fake_discord.command("quotes")["options"][0]
    assert (speaker["name"], speaker["required"], speaker["max_length"]) == ("speaker", True, 100)


async def test_source_autocomplete_offers_outlets(fake_discord: FakeDiscord, newsdesk):
    choices = await fake_discord.autocomplete(
        "quotes", {"speaker": "Marlow"}, focused=("source", "te")
    )
    assert [c["value"] for c in choices] == ["Daily Byte", "Reuters", "Tech Desk"]


async def test_quotes_and_ask_share_the_rate_limit(fake_discord: FakeDiscord, settings, start_bot):
    await start_bot(fake_discord, settings, rate_limit=1, rate_window=3600)
    ix = await fake_discord.send_interaction("ask", {"question": "Did the Fed cut rates?"})
    await ix.wait_for_original(answered)
    refused = await fake_discord.send_interaction("quotes", {"speaker": "Jerome Powell"})
    ack = await refused.wait_for_ack()
    assert ack["type"] == 4 and refused.ephemeral
    assert ack["data"]["content"].startswith("You're asking faster than I can read.")
    other = await fake_discord.send_interaction(
        "quotes", {"speaker": "Jerome Powell"}, user=fake_discord.admin
    )
    embed = (await other.wait_for_original(answered))["embeds"][0]
    assert blocks(embed) == [
        "Jerome Powell, as reported: Fed chair Jerome Powell said the central bank would be "
        "more cautious about further cuts next year. [1]"
    ]


async def test_an_index_built_before_quotations_says_so(
    fake_discord: FakeDiscord, settings, start_bot, index_dir: Path
):
    manifest = index_dir / (index_dir / "CURRENT").read_text().strip() / "manifest.json"
    facts = json.loads(manifest.read_text())
    del facts["quotes"], facts["quotes_version"]  # as an index built before the quote index
    manifest.write_text(json.dumps(facts))
    await start_bot(fake_discord, settings)
    ix = await fake_discord.send_interaction("quotes", {"speaker": "Ines Marlow"})
    message = await ix.wait_for_original(answered)
    assert message["content"].startswith(
        "This index was built before quotations were indexed, so I can't list anyone's yet"
    )
    assert message["embeds"] == []
