"""Questions in direct messages, and in server channels when the bot is mentioned.

Any DM text is a question; in a server, a message that mentions the bot is answered as a
reply (the mention is stripped from the question). A typing indicator shows while the engine
works. Errors go to the one error handler, which replies with what went wrong.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot import render
from bot.errors import report_message_error

if TYPE_CHECKING:
    from bot.client import NewsdeskBot


class Messages(commands.Cog):
    """Answers to DMs and mentions."""

    def __init__(self, bot: NewsdeskBot):
        self.bot = bot

    def question_in(self, message: discord.Message) -> str | None:
        """The question ``message`` asks the bot, or None if it is not addressed to it."""
        me = self.bot.user
        if me is None or message.author.bot or message.author.id == me.id:
            return None
        if message.guild is None:
            return message.content.strip()
        if me not in message.mentions:
            return None
        return re.sub(rf"<@!?{me.id}>", " ", message.content).strip()

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        question = self.question_in(message)
        if question is None:
            return
        service = self.bot.service
        try:
            if not question:
                await message.reply(embed=render.help_embed(), mention_author=False)
                return
            service.admit(message.author.id)
            async with message.channel.typing():
                answer = await service.ask(question)
            await message.reply(embed=render.answer_embed(answer), mention_author=False)
        except Exception as exc:
            await report_message_error(message, exc)


async def setup(bot: NewsdeskBot) -> None:
    await bot.add_cog(Messages(bot))
