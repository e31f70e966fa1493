"""Entry point: ``python -m bot`` runs the Discord bot, or the console chat without a token.

Settings come from the environment and ``.env`` (see :mod:`bot.settings`). Problems an operator
can fix (no index, a rejected token, bad settings) end with one clear line on stderr and exit
code 1 (2 for invalid settings), never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import sys

import discord
from pydantic import ValidationError

from bot import logs
from bot.client import NewsdeskBot
from bot.console import Console
from bot.errors import UserFacingError
from bot.service import Newsdesk
from bot.settings import Settings
from index.embedding import Embedder
from index.errors import NewsdeskError

log = logging.getLogger("bot")

BAD_TOKEN = (
    "Discord rejected DISCORD_TOKEN. Copy the bot's token again from the Developer Portal "
    "(your application → Bot → Reset Token) into DISCORD_TOKEN."
)
PRIVILEGED = (
    "Discord refused the gateway intents. Newsdesk needs no privileged intents; check that "
    "this is the right application and token."
)


async def serve(settings: Settings, *, embedder: Embedder | None = None) -> int:
    """Run the Discord bot (or the console without a token) until it stops; the exit code.

    ``embedder`` is an already loaded model to reuse instead of loading one.
    """
    try:
        if settings.token is None:
            log.info("No DISCORD_TOKEN set: starting the console chat.")
            service = await Newsdesk.open(settings, embedder=embedder)
            await Console(service).run()
        else:
            async with NewsdeskBot(settings, embedder=embedder) as bot:
                await bot.start(settings.token)
    except (NewsdeskError, UserFacingError) as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        return 1
    except discord.LoginFailure:
        print(f"newsdesk: {BAD_TOKEN}", file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        print(f"newsdesk: {PRIVILEGED}", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"newsdesk: invalid settings:\n{exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, secret=settings.token)
    try:
        return asyncio.run(serve(settings))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
