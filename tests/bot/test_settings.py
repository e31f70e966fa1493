"""Where the bot finds its collection: NEWSDESK_INDEX_DIR, and NEWSDESK_STORE_REPLICA to answer
from a streaming replica of a PostgreSQL collection."""

from __future__ import annotations

import os
import subprocess
import sys
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


def run_bot(cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot`` with only these NEWSDESK_/DISCORD settings, and no input."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DISCORD"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=cwd,
        env={**environment, **settings},
        capture_output=True,
        text=True,
        timeout=120,
        input="",
    )


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("NEWSDESK_INDEX_DIR", "postgresq://newsdesk:s3cr3t-pw@db-1/newsdesk", "a PostgreSQL URL"),
        ("NEWSDESK_INDEX_DIR", "postgresql:/newsdesk:s3cr3t-pw@db-1/newsdesk", "a PostgreSQL URL"),
        ("NEWSDESK_INDEX_DIR", " postgresql://newsdesk:s3cr3t-pw@db-1/n", "spaces around the URL"),
        ("NEWSDESK_INDEX_DIR", "postgresql://u:s3cr3t-pw@db-1/n?colection=a", "unknown option"),
        ("NEWSDESK_INDEX_DIR", "postgresql://u:s3cr3t-pw@db-1/n?collection=", "empty collection"),
        ("NEWSDESK_INDEX_DIR", "postgresql://u:s3cr3t-pw@db-1/n?text_rank=bogus", "text_rank"),
        ("NEWSDESK_INDEX_DIR", "postgresql://u:s3cr3t-pw@db-1:notaport/n", "not a port number"),
        ("NEWSDESK_INDEX_DIR", "postgresql://u@db-1/n?password=s3cr3t-pw&collection=", "empty"),
        ("NEWSDESK_STORE_REPLICA", "pg://u:s3cr3t-pw@db-2/n", "must be a postgresql:// URL"),
        ("NEWSDESK_STORE_REPLICA", "postgresql://u:s3cr3t-pw@db-2/n?colection=a", "unknown option"),
    ],
)
def test_a_bad_location_is_one_line_without_the_password(tmp_path, variable, value, says):
    settings = {"NEWSDESK_INDEX_DIR": "postgresql://newsdesk@db-1/newsdesk", variable: value}
    result = run_bot(tmp_path, **settings)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"newsdesk: invalid settings: {variable}")
    assert says in lines[0] and "s3cr3t-pw" not in result.stderr + result.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_location_value_refused_only_when_connecting_is_bad_usage_too(tmp_path):
    location = "postgresql://u:s3cr3t-pw@127.0.0.1:1/n?sslmode=bogus"
    result = run_bot(tmp_path, NEWSDESK_INDEX_DIR=location)
    assert result.returncode == 2, result.stderr
    said = result.stderr.strip().splitlines()[-1]
    assert said.startswith("newsdesk: cannot use") and 'invalid sslmode value: "bogus"' in said
    assert "s3cr3t-pw" not in result.stderr + result.stdout and "Traceback" not in result.stderr
