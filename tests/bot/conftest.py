"""Fixtures for the bot tests: a local fake Discord, the real engine, and the bot between them.

The model is loaded once per session and a small index is built once from ``articles.py``; each
test gets its own copy of the articles and the index, so a /reindex in one test changes nothing
for the others. Nothing of ours is mocked: the bot is the real ``NewsdeskBot`` on the real
discord.py client, talking to ``fake_discord.FakeDiscord`` over HTTP and a websocket.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import discord
import pytest
import yarl
from fake_discord import FakeDiscord
from sample_articles import write_corpus

from bot.client import NewsdeskBot
from bot.settings import Settings
from index.embedding import Embedder
from index.engine import Engine


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


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real model, loaded once."""
    return Embedder()


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> tuple[Path, Path]:
    """The test articles and an index built from them, once per session (do not modify)."""
    root = tmp_path_factory.mktemp("template")
    corpus = write_corpus(root / "articles")
    index_dir = root / "index"
    Engine(index_dir, embedder=embedder, require_index=False).build([corpus])
    return corpus, index_dir


@pytest.fixture
def corpus(tmp_path: Path, built_index: tuple[Path, Path]) -> Path:
    """This test's copy of the articles (what /reindex reads)."""
    return Path(shutil.copytree(built_index[0], tmp_path / "articles"))


@pytest.fixture
def index_dir(tmp_path: Path, built_index: tuple[Path, Path]) -> Path:
    """This test's copy of the built index."""
    return Path(shutil.copytree(built_index[1], tmp_path / "index"))


def changed(settings: Settings, **changes: Any) -> Settings:
    """A validated copy of ``settings`` with ``changes``."""
    return Settings(_env_file=None, **{**settings.model_dump(), **changes})


@pytest.fixture
def settings_with(settings: Settings) -> Callable[..., Settings]:
    """``settings_with(**changes)``: this test's settings with some changed."""
    return lambda **changes: changed(settings, **changes)


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, corpus: Path, index_dir: Path) -> Settings:
    """Settings for a test bot, independent of the machine's environment and .env."""
    for name in list(os.environ):
        if name == "DISCORD_TOKEN" or name.startswith("NEWSDESK_"):
            monkeypatch.delenv(name)
    return Settings(
        _env_file=None,
        discord_token="fake-token.abc.def",
        index_dir=index_dir,
        sources=[corpus],
        rate_limit=100,
        progress_interval=0.0,
    )


@pytest.fixture
async def start_bot(embedder: Embedder) -> AsyncIterator[Callable[..., Awaitable[NewsdeskBot]]]:
    """``await start_bot(fake, settings)``: a NewsdeskBot logged in and ready; closed afterwards."""
    running: list[tuple[NewsdeskBot, asyncio.Task]] = []

    async def start(fake: FakeDiscord, settings: Settings, **changes: Any) -> NewsdeskBot:
        settings = changed(settings, discord_token=fake.token, **changes)
        bot = NewsdeskBot(settings, embedder=embedder, guild_ready_timeout=0.05)
        running.append((bot, asyncio.create_task(bot.start(fake.token))))
        await fake.wait_until_connected()
        await asyncio.wait_for(bot.wait_until_ready(), 30)
        return bot

    yield start
    for bot, task in running:
        await bot.close()
        await task


@pytest.fixture
async def newsdesk(fake_discord: FakeDiscord, settings: Settings, start_bot) -> NewsdeskBot:
    """The bot, running against ``fake_discord`` with this test's index."""
    return await start_bot(fake_discord, settings)
