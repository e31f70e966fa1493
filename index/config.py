"""Engine settings from the environment (and an optional ``.env``), via pydantic-settings.

``NEWSDESK_INDEX_DIR`` the index directory, or a ``postgresql://`` URL for a collection in
PostgreSQL (see :func:`index.storage.open_store`); ``NEWSDESK_MODEL`` a sentence-transformers model
name or path (default: the bundled all-MiniLM-L6-v2); ``NEWSDESK_PRECISION`` auto, bf16 or fp32;
``NEWSDESK_CONTACT_URL`` where outlets can reach whoever runs the bot (sent in the User-Agent of
feed and page requests); ``NEWSDESK_STORE_REPLICA`` a ``postgresql://`` URL of a streaming
replica of the index's database to read from (searches and answers; writes go to the primary,
see :mod:`index.postgres.replica`). Command-line options override these.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class IndexSettings(BaseSettings):
    """Settings shared by the CLI and the bot."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSDESK_", env_file=".env", extra="ignore", protected_namespaces=()
    )

    # A directory as a Path; a URL stays a string (a Path would fold its "//").
    index_dir: Path | str | None = None
    model: str | None = None
    precision: str = "auto"
    contact_url: str | None = None
    store_replica: str | None = None

    @property
    def location(self) -> Path | str | None:
        """Where the collection is: ``index_dir``, reading from ``store_replica`` when both are
        set and the index is a collection in PostgreSQL (a directory has no replica)."""
        from .storage import is_url

        if self.store_replica and is_url(self.index_dir):
            from .postgres.replica import with_replica

            return with_replica(str(self.index_dir), self.store_replica)
        return self.index_dir

    @field_validator("store_replica", mode="before")
    @classmethod
    def _replica_url(cls, value: object) -> object:
        from .storage import check_location, is_url, shown

        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not is_url(str(value).strip()):
            raise ValueError(
                f"NEWSDESK_STORE_REPLICA must be a postgresql:// URL, not {shown(value)!r}"
            )
        return check_location(value)  # its options read, no spaces around it

    @field_validator("index_dir", mode="before")
    @classmethod
    def _directory_or_url(cls, value: object) -> object:
        from .storage import check_location

        if value is None or value == "":
            return None
        return check_location(value)


def settings_problem(error: ValidationError) -> str:
    """A settings error on one line, naming the variables and never their values (a URL's
    password, a token)."""
    problems = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        name = field if field.isupper() else f"NEWSDESK_{field.upper()}"
        message = item["msg"].removeprefix("Value error, ")
        problems.append(message if message.startswith(name) else f"{name}: {message}")
    return "; ".join(problems)
