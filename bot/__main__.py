"""Entry point: ``python -m bot`` runs the Discord bot, or the console chat without a token.

Settings come from the environment and ``.env`` (see :mod:`bot.settings`). Problems an operator
can fix (no index, a rejected token, bad settings) end with one clear line on stderr and exit
code 1 (2 for invalid settings), never a traceback. The bot logs to stderr; the console chat logs
to :func:`bot.logs.console_log_file`, so log lines never land between its answers.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import discord
from pydantic import ValidationError

from bot import logs
from bot.client import NewsdeskBot
from bot.console import Console
from bot.errors import UserFacingError
from bot.service import Newsdesk
from bot.settings import Settings
from index.config import settings_problem
from index.embedding import Embedder
from index.errors import NewsdeskError
from index.storage import LocationError

log = logging.getLogger("bot")

BAD_TOKEN = (
    "Discord rejected DISCORD_TOKEN. Copy the bot's token again from the Developer Portal "
    "(your application → Bot → Reset Token) into DISCORD_TOKEN."
)
PRIVILEGED = (
    "Discord refused the gateway intents. Newsdesk needs no privileged intents; check that "
    "this is the right application and token."
)


async def serve(
    settings: Settings, *, embedder: Embedder | None = None, log_file: Path | None = None
) -> int:
    """Run the Discord bot (or the console without a token) until it stops; the exit code.

    ``embedder`` is an already loaded model to reuse instead of loading one; ``log_file`` is
    where the log goes, for the console's banner.
    """
    try:
        if settings.token is None:
            log.info("No DISCORD_TOKEN set: starting the console chat.")
            service = await Newsdesk.open(settings, embedder=embedder)
            service.start()
            try:
                await Console(service, log_file=log_file).run()
            finally:
                await service.close()
        else:
            async with NewsdeskBot(settings, embedder=embedder) as bot:
                await bot.start(settings.token)
    except (NewsdeskError, UserFacingError) as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        # A setting found bad only when used (?sslmode=bogus) is bad usage, as in the CLI.
        return 2 if isinstance(exc, LocationError) else 1
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
        print(f"newsdesk: invalid settings: {settings_problem(exc)}", file=sys.stderr)
        return 2
    wanted = logs.console_log_file() if settings.token is None else None
    handler = logs.configure(settings.log_level, secret=settings.token, log_file=wanted)
    log_file = Path(handler.baseFilename) if isinstance(handler, logging.FileHandler) else None
    try:
        return asyncio.run(serve(settings, log_file=log_file))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
