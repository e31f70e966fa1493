"""Reads from a real streaming replica (``pg_basebackup -R`` of the session's server): searches
read there, the process that wrote reads its own writes at once, reads return to the replica
once it has replayed them, and a replica that is gone costs nothing but its speed.

Which server answered is told by what it holds: replay is paused on the replica and a change
is made on the primary behind this process's back (plain SQL, as another process's write would
arrive), so the replica and the primary give different titles for the same article.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from pgserver import wait_for

from index.articles import Article
from index.cli import main
from index.engine import Engine
from index.postgres.connection import Location
from index.postgres.replica import lsn, pending, with_replica


def town(n: int) -> Article:
    return Article(
        id=f"town-{n}",
        title=f"Town {n} budget",
        text=f"The council of town {n} approved money for road repairs and token{n} lamps.",
        source="Reuters",
        published=datetime(2024, 3, n, tzinfo=UTC),
    )


def replayed_everything(primary_url: str, replica_url: str) -> bool:
    with psycopg.connect(primary_url, autocommit=True) as primary:
        (written,) = primary.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
    with psycopg.connect(replica_url, autocommit=True) as replica:
        (replayed,) = replica.execute("SELECT pg_last_wal_replay_lsn()::text").fetchone()
    return lsn(replayed) >= lsn(written)


def retitle_behind_our_back(primary_url: str, collection: str, article_id: str, title: str):
    with psycopg.connect(primary_url, autocommit=True) as primary:
        primary.execute(
            "UPDATE articles SET title = %s WHERE id = %s AND collection_id = "
            "(SELECT id FROM collections WHERE key = %s)",
            (title, article_id, collection),
        )


def title_of(engine: Engine, article_id: str, query: str) -> str | None:
    return next((h.title for h in engine.search(query, k=5) if h.article_id == article_id), None)


@pytest.mark.slow
def test_reads_from_the_replica_and_the_writer_sees_its_own_writes(postgres_server, embedder):
    replica = postgres_server.replica()
    try:
        collection = f"r{uuid.uuid4().hex[:10]}"
        primary_location = f"{postgres_server.url}?collection={collection}"
        location = with_replica(primary_location, replica.url)
        assert Location.parse(location).replica == replica.url
        assert Location.parse(location).conninfo == postgres_server.url
        engine = Engine(location, embedder=embedder, require_index=False)
        engine.add_articles([town(1), town(2)])
        assert title_of(engine, "town-1", "token1 lamps") == "Town 1 budget"

        # Searches read from the replica: with its replay paused it does not see a change
        # another writer made on the primary.
        assert wait_for(lambda: replayed_everything(postgres_server.url, replica.url), 30)
        with psycopg.connect(replica.url, autocommit=True) as standby:
            standby.execute("SELECT pg_wal_replay_pause()")
        retitle_behind_our_back(postgres_server.url, collection, "town-1", "Retitled elsewhere")
        assert title_of(engine, "town-1", "token1 lamps") == "Town 1 budget"
        assert engine.store.reads.last_read_from == "replica"

        # This process writes: its next search has its article at once although the replica
        # (paused) has not replayed it: it reads from the primary, which also has the change.
        engine.add_articles([town(3)])
        assert pending(postgres_server.url) is not None
        assert title_of(engine, "town-3", "token3 lamps") == "Town 3 budget"
        assert title_of(engine, "town-1", "token1 lamps") == "Retitled elsewhere"
        assert engine.store.reads.last_read_from == "primary"

        # Once the replica has replayed the write, reads go back to it.
        with psycopg.connect(replica.url, autocommit=True) as standby:
            standby.execute("SELECT pg_wal_replay_resume()")
        assert wait_for(lambda: replayed_everything(postgres_server.url, replica.url), 30)
        with psycopg.connect(replica.url, autocommit=True) as standby:
            standby.execute("SELECT pg_wal_replay_pause()")
        retitle_behind_our_back(postgres_server.url, collection, "town-1", "Retitled again")
        assert title_of(engine, "town-3", "token3 lamps") == "Town 3 budget"
        assert title_of(engine, "town-1", "token1 lamps") == "Retitled elsewhere"
        assert engine.store.reads.last_read_from == "replica"
        assert pending(postgres_server.url) is None

        # The replica goes away: searches carry on from the primary.
        replica.stop()
        assert title_of(engine, "town-1", "token1 lamps") == "Retitled again"
        assert engine.store.reads.last_read_from == "primary"
    finally:
        replica.stop()


@pytest.mark.slow
def test_the_cli_reads_from_the_replica_given_by_option_or_environment(
    postgres_server, embedder, tmp_path, monkeypatch, capsys
):
    replica = postgres_server.replica()
    try:
        collection = f"r{uuid.uuid4().hex[:10]}"
        location = f"{postgres_server.url}?collection={collection}"
        Engine(location, embedder=embedder, require_index=False).add_articles([town(1)])
        assert wait_for(lambda: replayed_everything(postgres_server.url, replica.url), 30)
        with psycopg.connect(replica.url, autocommit=True) as standby:
            standby.execute("SELECT pg_wal_replay_pause()")
        retitle_behind_our_back(postgres_server.url, collection, "town-1", "Retitled elsewhere")

        def searched(*options: str) -> str:
            assert main(["search", "token1 lamps", "--index", location, "--json", *options]) == 0
            return json.loads(capsys.readouterr().out)["hits"][0]["title"]

        assert searched() == "Retitled elsewhere"  # the primary
        assert searched("--replica", replica.url) == "Town 1 budget"
        monkeypatch.setenv("NEWSDESK_STORE_REPLICA", replica.url)
        assert searched() == "Town 1 budget"
        # A directory has no replica to read from: asking for one is bad usage.
        with pytest.raises(SystemExit) as refused:
            main(["search", "x", "--index", str(tmp_path / "index"), "--replica", replica.url])
        assert refused.value.code == 2
        assert "--replica reads a collection in PostgreSQL" in capsys.readouterr().err
    finally:
        replica.stop()
