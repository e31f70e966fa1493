"""Fixtures for the bot tests: a local fake Discord, the real engine, and the bot between them.

The model is loaded once per session and a small index is built once from ``articles.py``; each
test gets its own copy of the articles and the index, so a /reindex in one test changes nothing
for the others. Nothing of ours is mocked: the bot is the real ``NewsdeskBot`` on the real
discord.py client, talking to ``fake_discord.FakeDiscord`` over HTTP and a websocket. Feeds come
from a real HTTP server on 127.0.0.1 (``site``: the feed tests' ``feed_site.Site``), polled on a
clock the test moves (``clock``, ``polling``).
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# The feed tests' local web server (feed_site.py) serves the bot's feeds too.
sys.path.append(str(Path(__file__).resolve().parents[1] / "index" / "feeds"))

import discord
import pytest
import yarl
from fake_discord import FakeDiscord
from feed_site import Site, running_site
from sample_articles import write_corpus

from bot.client import NewsdeskBot
from bot.feeds import PollOptions
from bot.settings import Settings
from index.embedding import Embedder
from index.engine import Engine
from index.feeds.fetch import FetchConfig
from index.feeds.scheduler import ManualClock, Scheduler

CLOCK_START = datetime(2024, 12, 20, 12, 0, tzinfo=UTC)


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
def site() -> Iterator[Site]:
    """A local web server (127.0.0.1) serving the feeds and pages a test puts on it."""
    with running_site() as site:
        yield site


@pytest.fixture
def clock() -> ManualClock:
    """The feed scheduler's time: it moves only when the test says (``clock.advance``)."""
    return ManualClock(CLOCK_START)


@pytest.fixture
def polling(clock: ManualClock) -> PollOptions:
    """Polling for tests: the test's clock, short timeouts, no politeness delay, and a look at
    the feeds every 0.1 s (so a feed made due by ``clock.advance`` is polled at once)."""
    return PollOptions(
        fetch=FetchConfig(
            contact_url="https://newsdesk.example/contact",
            connect_timeout=2.0,
            read_timeout=3.0,
            deadline=5.0,
            delay=0.0,
        ),
        scheduler=Scheduler(clock, rng=random.Random(1)),
        max_wait=0.1,
    )


@pytest.fixture
async def start_bot(embedder: Embedder) -> AsyncIterator[Callable[..., Awaitable[NewsdeskBot]]]:
    """``await start_bot(fake, settings)``: a NewsdeskBot logged in and ready; closed afterwards.

    ``polling=PollOptions(...)`` sets how it polls feeds; other keywords change the settings.
    """
    running: list[tuple[NewsdeskBot, asyncio.Task]] = []

    async def start(
        fake: FakeDiscord, settings: Settings, *, polling: PollOptions | None = None, **changes: Any
    ) -> NewsdeskBot:
        settings = changed(settings, discord_token=fake.token, **changes)
        bot = NewsdeskBot(settings, embedder=embedder, polling=polling, guild_ready_timeout=0.05)
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
