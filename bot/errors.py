"""The one error handler: every failure ends in a message to the user and a log line.

Errors the user can act on (``UserFacingError`` and the engine's ``NewsdeskError``) are shown
as they are (on Discord escaped, so an address, a feed's error or what the user typed never turns
into markdown) and logged at INFO; anything else is logged with its traceback and the user gets a
short apology with an incident id to quote. An interaction that was deferred ("thinking…") is
edited, one not yet answered gets an ephemeral reply, and a message gets a reply; if even that
fails, the failure is logged and swallowed, so no error handler ever raises.
"""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from bot.render import escape, truncate
from index.errors import NewsdeskError

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 2000  # characters of plain message content Discord accepts


class UserFacingError(Exception):
    """A refusal or a bad request whose message is meant for the user as is."""


class RateLimitedError(UserFacingError):
    """The user asked too often; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        super().__init__(
            f"You're asking faster than I can read. Try again in {max(1, round(retry_after))} s."
        )


class NotAllowedError(UserFacingError):
    """The user may not run this command."""


class ReindexRunningError(UserFacingError):
    """A reindex is already running."""


def unwrap(error: BaseException) -> BaseException:
    """The exception that actually happened, without discord.py's wrappers."""
    while isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    return error


def describe(error: BaseException, *, where: str, markdown: bool = False) -> str:
    """Log ``error`` once and return the text to show the user (as Discord markdown if asked)."""
    error = unwrap(error)
    if isinstance(error, UserFacingError | NewsdeskError):
        log.info("%s: refused: %s", where, error)
        return escape(str(error)) if markdown else str(error)
    if isinstance(error, app_commands.CheckFailure):
        log.info("%s: check failed: %s", where, error)
        return "You can't use this command here."
    incident = secrets.token_hex(4)
    log.error("%s: incident %s", where, incident, exc_info=error)
    return (
        f"Sorry, something went wrong on my side (incident `{incident}`). Please try again later."
    )


async def report_interaction_error(interaction: discord.Interaction, error: BaseException) -> None:
    """End ``interaction`` with an error message, whatever state its response is in."""
    name = interaction.command.qualified_name if interaction.command else "interaction"
    text = describe(error, where=f"/{name} by {interaction.user.id}", markdown=True)
    text = truncate(text, MESSAGE_LIMIT)
    try:
        if interaction.response.is_done():
            await interaction.edit_original_response(content=text, embed=None, attachments=[])
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.exception("/%s: could not tell user %s about the error", name, interaction.user.id)


async def report_message_error(message: discord.Message, error: BaseException) -> None:
    """Reply to ``message`` with an error message."""
    where = f"message {message.id} from {message.author.id}"
    text = truncate(describe(error, where=where, markdown=True), MESSAGE_LIMIT)
    try:
        await message.reply(text, mention_author=False)
    except discord.HTTPException:
        log.exception("message %s: could not tell the author about the error", message.id)


class ErrorReportingTree(app_commands.CommandTree):
    """A command tree whose every command error goes to ``report_interaction_error``."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_interaction_error(interaction, error)
