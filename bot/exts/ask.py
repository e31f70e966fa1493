"""Slash commands for everyone: /ask, /sources and /help, in servers and in DMs.

/ask acknowledges at once ("thinking…", ephemeral when ``private``), then the engine works in a
worker thread, then the response is edited with the answer embed. Errors go to the one error
handler through the command tree, so the "thinking…" is always replaced by a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.service import MAX_QUESTION_LENGTH

if TYPE_CHECKING:
    from bot.client import NewsdeskBot
    from bot.service import Newsdesk

everywhere = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
installed_in_servers = app_commands.allowed_installs(guilds=True, users=False)


async def outlet_choices(service: Newsdesk, current: str) -> list[app_commands.Choice[str]]:
    """The outlets whose name contains what the user typed so far (Discord shows 25 at most)."""
    names = await service.outlet_names()
    wanted = current.casefold()
    return [app_commands.Choice(name=n, value=n) for n in names if wanted in n.casefold()][:25]


class Ask(commands.Cog):
    """Questions and information about the collection."""

    def __init__(self, bot: NewsdeskBot):
        self.bot = bot

    @property
    def service(self) -> Newsdesk:
        return self.bot.service

    @app_commands.command(name="ask", description="Ask about the news; I answer with quotes.")
    @app_commands.describe(
        question="Your question, e.g. what did Zelenskyy say about NATO?",
        source="Only articles from this outlet",
        since="Only articles published since a date (2024-03-01) or a span (7d, 4w)",
        private="Only you see the answer",
    )
    @everywhere
    @installed_in_servers
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION_LENGTH],
        source: str | None = None,
        since: str | None = None,
        private: bool = False,
    ) -> None:
        self.service.admit(interaction.user.id)
        await interaction.response.defer(thinking=True, ephemeral=private)
        answer = await self.service.ask(question, source=source, since=since)
        await interaction.edit_original_response(embed=render.answer_embed(answer))

    @ask.autocomplete("source")
    async def _complete_source(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await outlet_choices(self.service, current)

    @app_commands.command(name="sources", description="The outlets I know and how fresh they are.")
    @everywhere
    @installed_in_servers
    async def sources(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        report = await self.service.sources_report()
        embed = render.sources_embed(report.stats, report.last_reindex, report.feeds)
        await interaction.edit_original_response(embed=embed)

    @app_commands.command(name="help", description="How to ask me questions.")
    @everywhere
    @installed_in_servers
    async def help(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=render.help_embed(), ephemeral=True)


async def setup(bot: NewsdeskBot) -> None:
    await bot.add_cog(Ask(bot))
