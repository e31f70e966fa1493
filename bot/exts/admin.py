"""/reindex: re-read the configured sources into the index, for admins only.

The command is declared with default member permissions (Manage Server) so Discord hides it
from others, and the permission is checked again at run time because server admins can
override command permissions: the invoker must have Manage Server in that server, or have
their user id in ``NEWSDESK_ADMIN_IDS`` (the only way in a DM). The build runs in a worker
thread; the response is edited with progress and then the summary (or the reason it failed),
which goes to the admin by DM if the build outlived the interaction's 15-minute token.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render

if TYPE_CHECKING:
    from bot.client import NewsdeskBot
    from bot.service import Newsdesk, ReindexJob

log = logging.getLogger(__name__)


def manages_guild(interaction: discord.Interaction) -> bool:
    """Whether the invoker has Manage Server in the server the command was used in."""
    if interaction.guild_id is None:
        return False
    permissions = interaction.permissions
    return permissions.manage_guild or permissions.administrator


class Admin(commands.Cog):
    """Index maintenance."""

    def __init__(self, bot: NewsdeskBot):
        self.bot = bot

    @property
    def service(self) -> Newsdesk:
        return self.bot.service

    @app_commands.command(name="reindex", description="(Admins) Re-read the article sources.")
    @app_commands.describe(full="Re-embed every article, not only new and changed ones")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def reindex(self, interaction: discord.Interaction, full: bool = False) -> None:
        user = interaction.user
        self.service.check_reindex(user.id, manages_guild=manages_guild(interaction))
        await interaction.response.defer(thinking=True, ephemeral=interaction.guild_id is not None)

        async def progress(job: ReindexJob) -> None:
            await interaction.edit_original_response(content=render.reindex_progress(job))

        job = await self.service.reindex(
            requested_by=f"{user.name} ({user.id})", full=full, on_progress=progress
        )
        result = render.reindex_result(job)
        try:
            await interaction.edit_original_response(content=result)
        except discord.HTTPException:
            # An interaction token expires after 15 minutes: report a long reindex by DM.
            log.info("reindex: response expired; sending the result to %s by DM", user.id)
            await user.send(result)


async def setup(bot: NewsdeskBot) -> None:
    await bot.add_cog(Admin(bot))
