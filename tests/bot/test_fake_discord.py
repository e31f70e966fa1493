"""The fake Discord itself, driven by a plain discord.py bot: it works, and it enforces the rules.

These tests use no Newsdesk code, so a failure here points at the fake, not at the bot.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
from discord.ext import commands
from fake_discord import FakeDiscord


class PlainBot(commands.Bot):
    """A bot with one command whose behaviour each test chooses."""

    def __init__(self, behaviour, intents: discord.Intents | None = None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents or discord.Intents.default(),
            guild_ready_timeout=0.05,
        )
        self.errors: list[BaseException] = []

        @self.tree.command(name="echo", description="Echo")
        async def echo(interaction: discord.Interaction, text: str) -> None:
            try:
                await behaviour(interaction, text)
            except Exception as exc:
                self.errors.append(exc)

    async def setup_hook(self) -> None:
        await self.tree.sync()


@pytest.fixture
async def plain_bot() -> AsyncIterator:
    """``await plain_bot(behaviour, fake)`` starts a PlainBot; all are closed afterwards."""
    bots: list[tuple[PlainBot, asyncio.Task]] = []

    async def start(behaviour, fake: FakeDiscord) -> PlainBot:
        bot = PlainBot(behaviour)
        bots.append((bot, asyncio.create_task(bot.start(fake.token))))
        await fake.wait_until_connected()
        await bot.wait_until_ready()
        return bot

    yield start
    for bot, task in bots:
        await bot.close()
        await task


async def test_login_sync_interaction_defer_and_edit(fake_discord: FakeDiscord, plain_bot):
    async def behaviour(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content=f"echo: {text}")

    await plain_bot(behaviour, fake_discord)
    assert fake_discord.commands[None][0]["name"] == "echo"
    ix = await fake_discord.send_interaction("echo", {"text": "hi"})
    message = await ix.wait_for_original(lambda m: bool(m["content"]))
    assert message["content"] == "echo: hi"
    assert ix.ack is not None and ix.ack["type"] == 5
    assert fake_discord.heartbeat_acks, "the client heartbeats as soon as it connects"


async def test_second_ack_is_rejected_with_40060(fake_discord: FakeDiscord, plain_bot):
    async def behaviour(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.defer()
        interaction.response._response_type = None  # make discord.py try again
        await interaction.response.defer()

    bot = await plain_bot(behaviour, fake_discord)
    await fake_discord.send_interaction("echo", {"text": "x"})
    await fake_discord.wait_for_request(
        "POST", r"/interactions/.*/callback", lambda r: r.status == 400
    )
    await fake_discord.wait_until(lambda: bool(bot.errors))
    assert isinstance(bot.errors[0], discord.HTTPException) and bot.errors[0].code == 40060


async def test_late_ack_is_rejected_with_10062(discord_factory, plain_bot):
    fake = await discord_factory(ack_deadline=0.2)

    async def behaviour(interaction: discord.Interaction, text: str) -> None:
        await asyncio.sleep(0.3)
        await interaction.response.defer()

    bot = await plain_bot(behaviour, fake)
    await fake.send_interaction("echo", {"text": "x"})
    await fake.wait_until(lambda: bool(bot.errors))
    assert isinstance(bot.errors[0], discord.NotFound) and bot.errors[0].code == 10062


async def test_followup_before_ack_is_rejected_with_10015(fake_discord: FakeDiscord, plain_bot):
    async def behaviour(interaction: discord.Interaction, text: str) -> None:
        await interaction.followup.send("too early")

    bot = await plain_bot(behaviour, fake_discord)
    await fake_discord.send_interaction("echo", {"text": "x"})
    await fake_discord.wait_until(lambda: bool(bot.errors))
    assert isinstance(bot.errors[0], discord.NotFound) and bot.errors[0].code == 10015


async def test_edit_over_discord_limits_is_rejected(fake_discord: FakeDiscord, plain_bot):
    async def behaviour(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(embed=discord.Embed(description="x" * 4097))

    bot = await plain_bot(behaviour, fake_discord)
    await fake_discord.send_interaction("echo", {"text": "x"})
    await fake_discord.wait_until(lambda: bool(bot.errors))
    assert isinstance(bot.errors[0], discord.HTTPException) and bot.errors[0].code == 50035


async def test_routes_need_the_bot_token(fake_discord: FakeDiscord):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{fake_discord.api_base}/users/@me") as response:
            assert response.status == 401
        headers = {"Authorization": f"Bot {fake_discord.token}"}
        async with session.get(f"{fake_discord.api_base}/users/@me", headers=headers) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "application/json"


async def test_wrong_token_fails_login(fake_discord: FakeDiscord):
    bot = PlainBot(None)
    with pytest.raises(discord.LoginFailure):
        async with bot:
            await bot.start("not-the-token")


async def test_privileged_intents_are_refused(fake_discord: FakeDiscord):
    bot = PlainBot(None, intents=discord.Intents.all())
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with bot:
            await bot.start(fake_discord.token)


async def test_unsynced_or_hidden_commands_cannot_be_invoked(fake_discord: FakeDiscord, plain_bot):
    with pytest.raises(AssertionError, match="never synced"):
        await fake_discord.send_interaction("echo", {"text": "x"})
    await plain_bot(lambda interaction, text: interaction.response.defer(), fake_discord)
    fake_discord.commands[None][0]["default_member_permissions"] = str(1 << 5)
    with pytest.raises(AssertionError, match="would not show"):
        await fake_discord.send_interaction("echo", {"text": "x"})
    await fake_discord.send_interaction("echo", {"text": "x"}, server_override=True)
