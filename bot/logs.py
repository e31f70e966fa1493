"""Logging for ``python -m bot``: one format, a level from the settings, and no secrets.

``configure`` installs a root handler whose filter replaces the bot token with ``[token]`` in
every record (message, arguments and traceback), as a second line of defence behind the token
being a ``SecretStr`` that is never logged on purpose.
"""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
NOISY = ("discord.gateway", "discord.http", "sentence_transformers", "httpx", "huggingface_hub")


class RedactFilter(logging.Filter):
    """Replaces each secret with ``[token]`` in records passing through a handler."""

    def __init__(self, *secrets: str | None):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self.secrets:
            message = message.replace(secret, "[token]")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "[token]")
        record.msg, record.args = message, ()
        return True


def configure(level: str = "INFO", *, secret: str | None = None) -> logging.Handler:
    """Log to stderr at ``level``, redacting ``secret``; quiet the chattiest libraries.

    Returns the handler it added to the root logger.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactFilter(secret))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in NOISY:
        logging.getLogger(name).setLevel(max(root.level, logging.WARNING))
    return handler
