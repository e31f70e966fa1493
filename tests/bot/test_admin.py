"""/reindex through the real client: who may run it, progress, concurrency, failure, heartbeats."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_discord import MANAGE_GUILD, MEMBER_PERMISSIONS, FakeDiscord, FakeInteraction
from sample_articles import MARS, town_articles, write_corpus

from index.store import IndexDirectory

MARS_URL = "https://news.example.com/mars-lake"
MARS_QUESTION = "What did the Perseverance rover find on Mars?"


def is_final(message: dict) -> bool:
    return message["content"].startswith(("Reindex done", "Reindex failed"))


def is_progress(message: dict) -> bool:
    return "articles…" in message["content"] or "reading the sources" in message["content"]


@pytest.fixture
def bigger_corpus(corpus: Path) -> Path:
    """The test corpus plus the Mars article and enough filler that a reindex takes seconds."""
    return write_corpus(corpus, {"mars.md": MARS, **town_articles(64)})


async def wait_until_building(ix: FakeInteraction) -> None:
    """Wait until the reindex reported progress over a known number of articles."""
    await ix.wait_for_original(lambda m: "/" in m["content"] and is_progress(m))


async def test_reindex_is_declared_for_server_managers_only(fake_discord: FakeDiscord, newsdesk):
    command = fake_discord.command("reindex")
    assert command["default_member_permissions"] == str(MANAGE_GUILD)
    with pytest.raises(AssertionError, match="would not show"):
        await fake_discord.send_interaction("reindex")


async def test_non_admin_is_refused_at_run_time_despite_a_server_override(
    fake_discord: FakeDiscord, newsdesk
):
    ix = await fake_discord.send_interaction(
        "reindex", user=fake_discord.member, permissions=MEMBER_PERMISSIONS, server_override=True
    )
    ack = await ix.wait_for_ack()
    assert ack["type"] == 4 and ix.ephemeral
    assert ack["data"]["content"].startswith("Only server managers")
    assert newsdesk.service.last_job is None


async def test_dm_reindex_needs_a_configured_admin_id(
    fake_discord: FakeDiscord, settings, start_bot, bigger_corpus
):
    bot = await start_bot(fake_discord, settings, admin_ids=frozenset({int(fake_discord.admin.id)}))
    refused = await fake_discord.send_interaction("reindex", user=fake_discord.member, dm=True)
    assert (await refused.wait_for_ack())["data"]["content"].startswith("Only server managers")

    ix = await fake_discord.send_interaction("reindex", user=fake_discord.admin, dm=True)
    message = await ix.wait_for_original(is_final)
    assert message["content"].startswith(
        "Reindex done: added 65, updated 0, removed 0, unchanged 4"
    )
    assert bot.service.last_job is not None and bot.service.last_job.error is None


async def test_admin_reindex_shows_progress_while_questions_are_answered(
    fake_discord: FakeDiscord, newsdesk, bigger_corpus
):
    reindex = await fake_discord.send_interaction("reindex", user=fake_discord.admin)
    assert (await reindex.wait_for_ack())["type"] == 5
    await wait_until_building(reindex)

    ask = await fake_discord.send_interaction("ask", {"question": MARS_QUESTION})
    await ask.wait_for_original(lambda m: bool(m["embeds"]))
    assert ask.ack_delay is not None and ask.ack_delay < 0.5
    assert not is_final(reindex.original), "the answer came while the reindex was running"

    final = await reindex.wait_for_original(is_final)
    assert final["content"].startswith("Reindex done: added 65, updated 0, removed 0, unchanged 4")
    assert " s." in final["content"]
    progress = [m["content"] for m in reindex.edits if is_progress(m)]
    assert "Reindex running: 0/65 articles…" in progress
    assert any(p.startswith("Reindex running: 32/65") for p in progress)

    after = await fake_discord.send_interaction("ask", {"question": MARS_QUESTION})
    answer = await after.wait_for_original(lambda m: bool(m["embeds"]))
    assert MARS_URL in answer["embeds"][0]["fields"][0]["value"], "served from the new index"


async def test_second_reindex_while_one_runs_is_refused(
    fake_discord: FakeDiscord, newsdesk, bigger_corpus
):
    first = await fake_discord.send_interaction("reindex", user=fake_discord.admin)
    await wait_until_building(first)
    second = await fake_discord.send_interaction("reindex", user=fake_discord.admin)
    refusal = await second.wait_for_ack()
    assert refusal["type"] == 4 and second.ephemeral
    assert refusal["data"]["content"].startswith("A reindex is already running")
    final = await first.wait_for_original(is_final)
    assert final["content"].startswith("Reindex done")


async def test_heartbeats_are_acknowledged_during_a_reindex(
    fake_discord: FakeDiscord, newsdesk, corpus
):
    # Enough articles that embedding them takes well over a second even in bf16 on a fast CPU
    # (65 short ones took 0.3 s here): a test of the event loop needs a long blocking call.
    write_corpus(corpus, {"mars.md": MARS, **town_articles(600)})
    ix = await fake_discord.send_interaction("reindex", user=fake_discord.admin, dm=False)
    await wait_until_building(ix)
    building_since = fake_discord.requests[-1].at
    await ix.wait_for_original(is_final)
    done_at = fake_discord.requests[-1].at
    during = [t for t in fake_discord.heartbeat_acks if building_since < t < done_at]
    # The fake asks for a heartbeat every 0.2 s; a blocked event loop would send none.
    assert done_at - building_since > 1.0, "the reindex was too short to show anything"
    assert len(during) >= 3, (len(during), done_at - building_since)


async def test_failed_reindex_says_why_and_keeps_serving_the_old_index(
    fake_discord: FakeDiscord, newsdesk, settings, bigger_corpus
):
    with IndexDirectory(settings.index_dir).build_lock():  # e.g. the CLI is building right now
        ix = await fake_discord.send_interaction("reindex", {"full": True}, user=fake_discord.admin)
        message = await ix.wait_for_original(is_final)
    assert message["content"].startswith("Reindex failed; still answering from the previous index.")
    assert "another build" in message["content"]

    sources = await fake_discord.send_interaction("sources")
    embed = (await sources.wait_for_original(lambda m: bool(m["embeds"])))["embeds"][0]
    assert embed["title"] == "4 articles from 4 outlets"
    assert "failed" in {f["name"]: f["value"] for f in embed["fields"]}["Last reindex"]


async def test_a_reindex_that_outlives_its_token_reports_by_dm(
    discord_factory, settings, start_bot, corpus
):
    fake = await discord_factory(token_lifetime=0.0)  # every edit comes "after 15 minutes"
    await start_bot(fake, settings)
    write_corpus(corpus, {"mars.md": MARS})
    ix = await fake.send_interaction("reindex", user=fake.admin)
    dm = fake.dm_channel_of(fake.admin)
    await fake.wait_until(lambda: bool(fake.bot_messages(dm)))
    (message,) = fake.bot_messages(dm)
    assert message["content"].startswith("Reindex done: added 1, updated 0, removed 0, unchanged 4")
    assert ix.edits == []
    assert fake.find_requests("POST", "/users/@me/channels")
