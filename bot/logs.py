"""Logging for ``python -m bot``: one format, a level from the settings, and no secrets.

``configure`` installs a root handler whose filter replaces the bot token with ``[token]`` in
every record (message, arguments and traceback), as a second line of defence behind the token
being a ``SecretStr`` that is never logged on purpose.

The Discord bot logs to stderr. The console chat shares its terminal with the person chatting, so
there the log goes to a file (:func:`console_log_file`, named in the chat's banner) and stderr
stays free for the chat; only if that file cannot be opened do warnings and errors (no INFO)
go to stderr instead.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

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


def console_log_file() -> Path:
    """Where the console chat logs: ``$XDG_STATE_HOME/newsdesk/console.log``.

    ``XDG_STATE_HOME`` defaults to ``~/.local/state`` (the XDG base directory rule for logs).
    """
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "newsdesk" / "console.log"


def configure(
    level: str = "INFO", *, secret: str | None = None, log_file: Path | None = None
) -> logging.Handler:
    """Log at ``level`` to stderr, or appending to ``log_file``; redact ``secret``; quiet the
    chattiest libraries.

    With ``log_file`` Python warnings are logged there too. If the file cannot be opened, the log
    goes to stderr at WARNING and above. Returns the handler it added to the root logger (a
    ``logging.FileHandler`` when the log goes to ``log_file``).
    """
    handler: logging.Handler | None = _file_handler(log_file) if log_file else None
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        if log_file is not None:  # wanted a file: keep the chat free of INFO at least
            handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactFilter(secret))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in NOISY:
        logging.getLogger(name).setLevel(max(root.level, logging.WARNING))
    if log_file is not None:
        logging.captureWarnings(True)  # no library warning lands in the chat either
    return handler


def _file_handler(path: Path) -> logging.FileHandler | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
