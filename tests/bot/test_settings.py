"""Where the bot finds its collection: NEWSDESK_INDEX_DIR, and NEWSDESK_STORE_REPLICA to answer
from a streaming replica of a PostgreSQL collection."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from index.postgres.connection import Location

PRIMARY = "postgresql://newsdesk@db-1:5432/newsdesk?collection=news"
REPLICA = "postgresql://newsdesk@db-2:5432/newsdesk"


def settings(monkeypatch, **env: str) -> Settings:
    for name in ("NEWSDESK_INDEX_DIR", "NEWSDESK_STORE_REPLICA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)


def test_a_postgresql_collection_reads_from_the_replica(monkeypatch):
    where = Location.parse(
        settings(monkeypatch, NEWSDESK_INDEX_DIR=PRIMARY, NEWSDESK_STORE_REPLICA=REPLICA).location
    )
    assert (where.conninfo, where.collection, where.replica) == (
        "postgresql://newsdesk@db-1:5432/newsdesk",
        "news",
        REPLICA,
    )
    assert settings(monkeypatch, NEWSDESK_INDEX_DIR=PRIMARY).location == PRIMARY


def test_a_directory_has_no_replica_and_a_replica_must_be_a_url(monkeypatch, tmp_path):
    directory = settings(
        monkeypatch, NEWSDESK_INDEX_DIR=str(tmp_path), NEWSDESK_STORE_REPLICA=REPLICA
    )
    assert directory.location == Path(tmp_path)
    with pytest.raises(ValidationError, match="NEWSDESK_STORE_REPLICA must be a postgresql://"):
        settings(monkeypatch, NEWSDESK_INDEX_DIR=PRIMARY, NEWSDESK_STORE_REPLICA="db-2:5432")
