"""/feeds add|list|remove: the news feeds the bot follows, for admins only.

One command group, declared exactly as /reindex: default member permissions (Manage Server), so
Discord shows it to server managers only, usable in servers and in DMs with the bot; and the
permission is checked again at run time (server admins can override command permissions): the
invoker must have Manage Server in that server, or have their user id in ``NEWSDESK_ADMIN_IDS``
(the only way in a DM). Each command acknowledges at once ("thinking…", ephemeral in a server),
then the work (fetching a homepage's feed, reading the feeds' state) runs in worker threads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.exts.admin import manages_guild
from bot.feeds import MAX_OUTLET_LENGTH, MAX_URL_LENGTH

if TYPE_CHECKING:
    from bot.client import NewsdeskBot
    from bot.service import Newsdesk

MANAGE_THE_FEEDS = "manage the feeds"
CHOICE_LIMIT = 100  # characters of an autocomplete choice's name and value


class Feeds(commands.Cog):
    """The news feeds the bot follows."""

    feeds = app_commands.Group(
        name="feeds",
        description="(Admins) The news feeds I follow.",
        default_permissions=discord.Permissions(manage_guild=True),
        allowed_contexts=app_commands.AppCommandContext(
            guild=True, dm_channel=True, private_channel=False
        ),
        allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
    )

    def __init__(self, bot: NewsdeskBot):
        self.bot = bot

    @property
    def service(self) -> Newsdesk:
        return self.bot.service

    async def _admitted(self, interaction: discord.Interaction) -> None:
        """Refuse anyone but an admin, then acknowledge ("thinking…")."""
        self.service.check_admin(
            interaction.user.id, manages_guild=manages_guild(interaction), to=MANAGE_THE_FEEDS
        )
        await interaction.response.defer(thinking=True, ephemeral=interaction.guild_id is not None)

    @feeds.command(name="add", description="(Admins) Follow a news feed, or a site's feed.")
    @app_commands.describe(
        url="The feed's address, or a news site's homepage that links to its feed",
        source="The outlet's name to cite (default: the feed's title)",
        every="How often to poll it: 15m (the default), 2h, 1h30m…",
    )
    async def add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, MAX_URL_LENGTH],
        source: app_commands.Range[str, 1, MAX_OUTLET_LENGTH] | None = None,
        every: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        await self._admitted(interaction)
        added = await self.service.feeds.add(url, source=source, every=every)
        text = render.feed_added(added, markdown=True)
        await interaction.edit_original_response(embed=render.notice_embed("Feed added", text))

    @feeds.command(name="list", description="(Admins) The feeds I follow and their health.")
    async def list_feeds(self, interaction: discord.Interaction) -> None:
        await self._admitted(interaction)
        feeds = await self.service.feeds.feeds()
        embed = render.feeds_embed(feeds, self.service.feeds.status())
        await interaction.edit_original_response(embed=embed)

    @feeds.command(name="remove", description="(Admins) Stop following a feed.")
    @app_commands.describe(url="The feed's address, as /feeds list shows it")
    async def remove(
        self, interaction: discord.Interaction, url: app_commands.Range[str, 1, MAX_URL_LENGTH]
    ) -> None:
        await self._admitted(interaction)
        feed = await self.service.feeds.remove(url)
        text = render.feed_removed(feed, markdown=True)
        await interaction.edit_original_response(embed=render.notice_embed("Feed removed", text))

    @remove.autocomplete("url")
    async def _complete_url(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The followed feeds' addresses containing what was typed (admins only)."""
        may = self.service.may_administer(
            interaction.user.id, manages_guild=manages_guild(interaction)
        )
        if not may:
            return []
        wanted = current.casefold()
        return [
            app_commands.Choice(name=feed.url, value=feed.url)
            for feed in await self.service.feeds.feeds()
            if wanted in feed.url.casefold() and len(feed.url) <= CHOICE_LIMIT
        ][:25]


async def setup(bot: NewsdeskBot) -> None:
    await bot.add_cog(Feeds(bot))
