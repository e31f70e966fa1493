"""The Discord client: a Bot with explicit intents, no pings, the extensions, and command sync.

Intents are the non-privileged minimum: ``guilds`` (servers and channels, for interactions),
``guild_messages`` (to see messages that mention the bot; Discord includes their text without
the privileged message-content intent) and ``dm_messages``. ``allowed_mentions`` is set
client-wide to ping nobody, because answers quote articles that can contain "@everyone".

``setup_hook`` runs after login and before the gateway connects: it loads the engine (model and
index, in a thread), loads the extensions, bulk-overwrites the slash commands, to the servers in
``NEWSDESK_GUILD_IDS`` (instant) or globally, then starts following the index's feeds in the
background (:mod:`bot.feeds`). ``close`` stops that first (a poll in progress finishes).
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.ext import commands

from bot.errors import ErrorReportingTree
from bot.feeds import PollOptions
from bot.service import Newsdesk
from bot.settings import Settings
from index.embedding import Embedder
from index.storage import shown

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.exts.ask",
    "bot.exts.quotes",
    "bot.exts.admin",
    "bot.exts.feeds",
    "bot.exts.messages",
)


def intents() -> discord.Intents:
    """The gateway intents the bot needs; none of them privileged."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    return wanted


class NewsdeskBot(commands.Bot):
    """The Discord side of Newsdesk.

    ``embedder`` is an already loaded model to reuse (otherwise ``setup_hook`` loads one);
    ``polling`` overrides how feeds are polled (:class:`bot.feeds.PollOptions`); other keyword
    arguments go to :class:`discord.ext.commands.Bot`.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        polling: PollOptions | None = None,
        **options: Any,
    ):
        super().__init__(
            command_prefix=commands.when_mentioned,  # unused: only slash commands and listeners
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ErrorReportingTree,
            **options,
        )
        self.settings = settings
        self._embedder = embedder
        self._polling = polling
        self._service: Newsdesk | None = None

    @property
    def service(self) -> Newsdesk:
        if self._service is None:
            raise RuntimeError("the engine is loaded in setup_hook, before any event arrives")
        return self._service

    async def setup_hook(self) -> None:
        log.info("Loading the model and the index at %s…", shown(self.settings.index_dir))
        self._service = await Newsdesk.open(
            self.settings, embedder=self._embedder, polling=self._polling
        )
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()
        self._service.start()

    async def close(self) -> None:
        """Stop following the feeds (a poll in progress finishes), then disconnect."""
        if self._service is not None:
            await self._service.close()
        await super().close()

    async def sync_commands(self) -> None:
        """Replace the registered slash commands with this code's (one bulk overwrite each)."""
        if self.settings.guild_ids:
            for guild_id in self.settings.guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("Synced %d commands to server %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("Synced %d global commands (they can take a while to appear)", len(synced))

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: messages are handled by ``bot.exts.messages``."""

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info("Connected as %s (%s) to %d servers", self.user, self.user.id, len(self.guilds))
