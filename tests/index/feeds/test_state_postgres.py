"""Feed state in PostgreSQL, where it differs from an index directory: the tables come with the
schema's migrations (an older database is upgraded when its feed state is first opened), and
collections sharing a database keep their feeds apart."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import psycopg

from index.feeds.state import EntryRecord, FeedStore
from index.postgres import schema
from index.postgres.feeds import PostgresFeedStore

START = datetime(2024, 11, 29, 12, 0, tzinfo=UTC)


def test_an_older_database_gets_the_feed_tables_by_migration(postgres_server):
    name = f"old_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    database = urlunsplit(urlsplit(postgres_server.url)._replace(path=f"/{name}"))
    with psycopg.connect(database, autocommit=True) as db:
        schema.migrate(db, target=2)  # as a database made before feed state moved in
        assert db.execute("SELECT to_regclass('feeds')").fetchone()[0] is None
    location = f"{database}?collection=news"
    assert not FeedStore.exists(location)
    store = FeedStore(location)
    assert isinstance(store, PostgresFeedStore)
    store.add("https://a.example/rss", now=START)
    with psycopg.connect(database, autocommit=True) as db:
        assert schema.version(db) == schema.VERSION >= 3
    assert FeedStore.exists(location)


def test_collections_in_one_database_keep_their_feeds_apart(postgres_server):
    tag = uuid.uuid4().hex[:8]
    news = FeedStore(f"{postgres_server.url}?collection=news-{tag}")
    sport = FeedStore(f"{postgres_server.url}?collection=sport-{tag}")
    feed = news.add("https://a.example/rss", now=START, source="A")
    sport.add("https://a.example/rss", now=START, source="A sport")
    news.record([feed], [EntryRecord(feed.url, "guid:1", "h", "id-1")], now=START)
    assert [f.source for f in news.feeds()] == ["A"]
    assert [f.source for f in sport.feeds()] == ["A sport"]
    assert news.entry(feed.url, "guid:1") is not None and sport.entry(feed.url, "guid:1") is None
    sport.remove("https://a.example/rss")
    assert sport.feeds() == [] and [f.entries_seen for f in news.feeds()] == [1]
