"""Engine settings from the environment (and an optional ``.env``), via pydantic-settings.

``NEWSDESK_INDEX_DIR`` the index directory; ``NEWSDESK_MODEL`` a sentence-transformers model
name or path (default: the bundled all-MiniLM-L6-v2); ``NEWSDESK_PRECISION`` auto, bf16 or fp32;
``NEWSDESK_CONTACT_URL`` where outlets can reach whoever runs the bot (sent in the User-Agent of
feed and page requests). Command-line options override these.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class IndexSettings(BaseSettings):
    """Settings shared by the CLI and the bot."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSDESK_", env_file=".env", extra="ignore", protected_namespaces=()
    )

    index_dir: Path | None = None
    model: str | None = None
    precision: str = "auto"
    contact_url: str | None = None
