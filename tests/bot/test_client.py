"""Starting the bot: order of start-up, intents, command sync, bad tokens, missing index, logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fake_discord import (
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILDS,
    PRIVILEGED_INTENTS,
    FakeDiscord,
)

from bot import logs
from bot.__main__ import BAD_TOKEN, serve
from bot.client import NewsdeskBot


async def test_startup_logs_in_loads_syncs_then_connects(fake_discord: FakeDiscord, newsdesk):
    order = [(r.method, r.path) for r in fake_discord.requests]
    app = fake_discord.application_id
    assert order[:3] == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
        ("PUT", f"/applications/{app}/commands"),
    ]
    synced_at = fake_discord.requests[2].at
    assert fake_discord.identified_at is not None and fake_discord.identified_at > synced_at
    names = {c["name"]: c for c in fake_discord.commands[None]}
    assert sorted(names) == ["ask", "feeds", "help", "quotes", "reindex", "sources"]
    for name in ("ask", "quotes"):
        assert names[name]["contexts"] == [0, 1] and names[name]["integration_types"] == [0]


async def test_intents_are_minimal_and_not_privileged(fake_discord: FakeDiscord, newsdesk):
    intents = fake_discord.identify["intents"]
    assert intents & PRIVILEGED_INTENTS == 0
    assert intents == INTENT_GUILDS | INTENT_GUILD_MESSAGES | INTENT_DIRECT_MESSAGES


async def test_guild_ids_sync_commands_to_those_servers_only(
    fake_discord: FakeDiscord, settings, start_bot
):
    await start_bot(fake_discord, settings, guild_ids=[int(fake_discord.guild_id)])
    app, guild = fake_discord.application_id, fake_discord.guild_id
    assert fake_discord.find_requests("PUT", rf"/applications/{app}/guilds/{guild}/commands")
    assert not fake_discord.find_requests("PUT", rf"/applications/{app}/commands")
    ix = await fake_discord.send_interaction("ask", {"question": "Did the Fed cut rates?"})
    message = await ix.wait_for_original(lambda m: bool(m["embeds"]))
    assert "fed-cuts-rates" in message["embeds"][0]["fields"][0]["value"]
    with pytest.raises(AssertionError, match="never synced"):
        await fake_discord.send_interaction("ask", {"question": "x"}, dm=True)


async def test_a_wrong_token_is_a_clear_error(
    fake_discord: FakeDiscord, settings_with, embedder, capsys
):
    wrong = settings_with(discord_token="not-the-token")
    assert await serve(wrong, embedder=embedder) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"newsdesk: {BAD_TOKEN}"


async def test_a_missing_index_says_how_to_build_one(
    settings_with, embedder, tmp_path: Path, capsys
):
    console = settings_with(discord_token=None, index_dir=tmp_path / "nothing", sources=[])
    assert await serve(console, embedder=embedder) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"newsdesk: No usable index at {tmp_path / 'nothing'}")
    assert "python -m index build PATH... --index" in err
    assert "Traceback" not in err


async def test_with_sources_an_empty_index_can_be_built_with_reindex(
    fake_discord: FakeDiscord, settings, start_bot, tmp_path: Path
):
    await start_bot(fake_discord, settings, index_dir=tmp_path / "empty")
    ix = await fake_discord.send_interaction("ask", {"question": "Did the Fed cut rates?"})
    message = await ix.wait_for_original(lambda m: bool(m["content"]))
    assert message["content"].startswith("No usable index at")
    assert message["content"].endswith("Or an admin can build it with /reindex.")

    reindex = await fake_discord.send_interaction("reindex", user=fake_discord.admin)
    done = await reindex.wait_for_original(lambda m: m["content"].startswith("Reindex done"))
    assert done["content"].startswith("Reindex done: added 4,")
    ix = await fake_discord.send_interaction("ask", {"question": "Did the Fed cut rates?"})
    message = await ix.wait_for_original(lambda m: bool(m["embeds"]))
    assert "fed-cuts-rates" in message["embeds"][0]["fields"][0]["value"]


async def test_the_token_never_reaches_the_logs(
    fake_discord: FakeDiscord, settings, start_bot, capsys
):
    handler = logs.configure("DEBUG", secret=fake_discord.token)
    try:
        bot: NewsdeskBot = await start_bot(fake_discord, settings)
        logging.getLogger("bot").debug("settings: %s; token %s", bot.settings, bot.settings.token)
        ix = await fake_discord.send_interaction("ask", {"question": "Did the Fed cut rates?"})
        await ix.wait_for_original(lambda m: bool(m["embeds"]))
    finally:
        logging.getLogger().removeHandler(handler)
    err = capsys.readouterr().err
    assert "Connected as Newsdesk" in err and "[token]" in err
    assert fake_discord.token not in err


def test_redact_filter_covers_messages_and_tracebacks():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "token=%s", ("s3cret",), None)
    try:
        raise RuntimeError("bad s3cret")
    except RuntimeError as exc:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    logs.RedactFilter("s3cret").filter(record)
    assert record.getMessage() == "token=[token]"
    assert "s3cret" not in record.exc_text and "bad [token]" in record.exc_text
