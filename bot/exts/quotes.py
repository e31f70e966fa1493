"""/quotes: what a person said across the articles, each quotation cited.

Like /ask, it acknowledges at once ("thinking…", ephemeral when ``private``), looks the
quotations up in a worker thread, then edits the response with the embed. Errors go to the one
error handler through the command tree, so the "thinking…" is always replaced by a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.exts.ask import everywhere, installed_in_servers, outlet_choices
from bot.service import MAX_QUESTION_LENGTH, MAX_SPEAKER_LENGTH

if TYPE_CHECKING:
    from bot.client import NewsdeskBot
    from bot.service import Newsdesk


class Quotes(commands.Cog):
    """A person's quotations."""

    def __init__(self, bot: NewsdeskBot):
        self.bot = bot

    @property
    def service(self) -> Newsdesk:
        return self.bot.service

    @app_commands.command(name="quotes", description="What someone said, quoted from the articles.")
    @app_commands.describe(
        speaker="Whose words, e.g. Zelenskyy",
        about="Only quotations about this topic, e.g. NATO",
        source="Only articles from this outlet",
        since="Only articles published since a date (2024-03-01) or a span (7d, 4w)",
        private="Only you see the quotations",
    )
    @everywhere
    @installed_in_servers
    async def quotes(
        self,
        interaction: discord.Interaction,
        speaker: app_commands.Range[str, 1, MAX_SPEAKER_LENGTH],
        about: app_commands.Range[str, 1, MAX_QUESTION_LENGTH] | None = None,
        source: str | None = None,
        since: str | None = None,
        private: bool = False,
    ) -> None:
        self.service.admit(interaction.user.id)
        await interaction.response.defer(thinking=True, ephemeral=private)
        hits = await self.service.quotes(speaker, about=about, source=source, since=since)
        embed = render.quotes_embed(speaker, hits, about=about, source=source, since=since)
        await interaction.edit_original_response(embed=embed)

    @quotes.autocomplete("source")
    async def _complete_source(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await outlet_choices(self.service, current)


async def setup(bot: NewsdeskBot) -> None:
    await bot.add_cog(Quotes(bot))
