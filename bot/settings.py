"""The bot's settings, from the environment and an optional ``.env`` (pydantic-settings).

Extends the engine's :class:`index.config.IndexSettings` (``NEWSDESK_INDEX_DIR``, a directory or
a ``postgresql://`` URL; ``NEWSDESK_STORE_REPLICA``, a streaming replica of that database to
answer from; ``NEWSDESK_MODEL``, ``NEWSDESK_PRECISION``, and ``NEWSDESK_CONTACT_URL``, sent in
the User-Agent of feed and page requests) with:

| variable | meaning |
| --- | --- |
| ``DISCORD_TOKEN`` | the bot token; without it ``python -m bot`` opens the console chat |
| ``NEWSDESK_SOURCES`` | files or folders that ``/reindex`` ingests, comma-separated |
| ``NEWSDESK_ADMIN_IDS`` | Discord user ids allowed to ``/reindex`` anywhere, also in DMs |
| ``NEWSDESK_GUILD_IDS`` | sync commands to these servers only (instant); unset: globally |
| ``NEWSDESK_RATE_LIMIT`` | questions a user may ask per ``NEWSDESK_RATE_WINDOW`` seconds |
| ``NEWSDESK_PROGRESS_INTERVAL`` | seconds between /reindex progress edits (default 2) |
| ``NEWSDESK_POLL`` | ``false``: never poll the index's feeds (``python -m index watch`` does); |
|  | by default the bot polls them in the background whenever the index has feeds |
| ``NEWSDESK_LOG_LEVEL`` | DEBUG, INFO (default), WARNING… |

The token is a ``SecretStr``: it shows as ``**********`` in reprs and logs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from index.config import IndexSettings


def _split(value: object) -> object:
    """Accept ``"a, b"`` (comma-separated) as well as a list."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


class Settings(IndexSettings):
    """Everything ``python -m bot`` can be told from outside."""

    model_config = SettingsConfigDict(populate_by_name=True)

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    sources: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    rate_limit: int = Field(default=6, ge=1)
    rate_window: float = Field(default=60.0, gt=0)
    progress_interval: float = Field(default=2.0, ge=0)
    poll: bool = True
    log_level: str = "INFO"

    @field_validator("sources", "admin_ids", "guild_ids", mode="before")
    @classmethod
    def _split_lists(cls, value: object) -> object:
        return _split(value)

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @property
    def token(self) -> str | None:
        """The token in clear, for ``Client.start`` only."""
        return self.discord_token.get_secret_value() if self.discord_token else None
