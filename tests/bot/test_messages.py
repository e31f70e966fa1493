"""Direct messages and mentions through the real client."""

from __future__ import annotations

from fake_discord import FakeDiscord

ZELENSKYY_URL = "https://news.example.com/zelenskyy-nato"


async def test_a_dm_is_a_question_answered_with_typing_shown(fake_discord: FakeDiscord, newsdesk):
    question = await fake_discord.send_dm("What did Zelenskyy say about NATO?")
    channel = question["channel_id"]
    await fake_discord.wait_until(lambda: bool(fake_discord.bot_messages(channel)))
    assert fake_discord.find_requests("POST", rf"/channels/{channel}/typing")
    (reply,) = fake_discord.bot_messages(channel)
    assert reply["message_reference"]["message_id"] == question["id"]
    embed = reply["embeds"][0]
    assert ZELENSKYY_URL in embed["fields"][0]["value"]
    assert reply["allowed_mentions"]["parse"] == []


async def test_a_mention_in_a_channel_is_answered_as_a_reply(fake_discord: FakeDiscord, newsdesk):
    ignored = await fake_discord.send_channel_message("Did the Fed cut rates?", mention_bot=False)
    question = await fake_discord.send_channel_message("Did the Fed cut rates?")
    await fake_discord.wait_until(lambda: bool(fake_discord.bot_messages()))
    (reply,) = fake_discord.bot_messages(fake_discord.channel_id)
    assert reply["message_reference"]["message_id"] == question["id"] != ignored["id"]
    assert reply["embeds"][0]["title"] == "Did the Fed cut rates?"  # the mention is stripped
    assert "fed-cuts-rates" in reply["embeds"][0]["fields"][0]["value"]
    assert reply["allowed_mentions"] == {"parse": [], "replied_user": False}


async def test_a_bare_mention_gets_the_help(fake_discord: FakeDiscord, newsdesk):
    await fake_discord.send_channel_message("")
    await fake_discord.wait_until(lambda: bool(fake_discord.bot_messages()))
    (reply,) = fake_discord.bot_messages()
    assert "/ask question" in reply["embeds"][0]["description"]


async def test_dm_errors_are_answered_too(fake_discord: FakeDiscord, settings, start_bot):
    await start_bot(fake_discord, settings, rate_limit=1)
    await fake_discord.send_dm("Did the Fed cut rates?")
    await fake_discord.wait_until(lambda: len(fake_discord.bot_messages()) == 1)
    await fake_discord.send_dm("And what about the ECB?")
    await fake_discord.wait_until(lambda: len(fake_discord.bot_messages()) == 2)
    refusal = fake_discord.bot_messages()[1]
    assert refusal["content"].startswith("You're asking faster than I can read.")
