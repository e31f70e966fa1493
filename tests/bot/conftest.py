"""Fixtures for the bot tests: a local fake Discord, and discord.py pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import discord
import pytest
import yarl
from fake_discord import FakeDiscord


@pytest.fixture
async def discord_factory(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Callable[..., Awaitable[FakeDiscord]]]:
    """Starts fake Discords (``await discord_factory(**options)``); discord.py talks to the last."""
    fakes: list[FakeDiscord] = []

    async def make(**options: Any) -> FakeDiscord:
        fake = FakeDiscord(**options)
        await fake.start()
        fakes.append(fake)
        monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
        gateway = yarl.URL(fake.gateway_url)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", gateway)
        return fake

    yield make
    for fake in fakes:
        await fake.close()


@pytest.fixture
async def fake_discord(discord_factory) -> FakeDiscord:
    """A running fake Discord that discord.py talks to during the test."""
    return await discord_factory()
