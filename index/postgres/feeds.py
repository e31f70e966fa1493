"""Feed state in PostgreSQL, beside the collection it feeds: :class:`PostgresFeedStore`.

The same state as ``feeds.sqlite`` (:class:`~index.feeds.state.SqliteFeedStore`) with the same
behaviour, in three tables keyed by collection so one database holds several collections' feeds
(made by :mod:`.schema`, version 3): ``feeds`` (one row per followed feed), ``feed_entries``
(entries seen per feed) and ``feed_articles`` (what was last handed to the index per article
id). Every process sharing the
collection (bots, a ``python -m index watch`` worker, the CLI's ``feeds add``) sees one state;
whichever of them leads (:mod:`index.postgres.leader`) polls.

Times are ``timestamptz`` and come back in UTC. One connection per store, shared by its threads
(the poller reads entries from several at once; each query is well under a millisecond), and
made again after the server went away.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import datetime

import psycopg
from psycopg.rows import dict_row

from ..dates import to_utc
from ..errors import StoreUnavailableError
from ..feeds.state import (
    _FEED_COLUMNS,
    _TIMES,
    ArticleRecord,
    EntryRecord,
    FeedNotFoundError,
    FeedState,
    FeedStore,
)
from . import schema
from .connection import Location, connect

__all__ = ["PostgresFeedStore"]


def _ready(connection: psycopg.Connection) -> None:
    """Bring the schema to this code's version (the feed tables are its version 3)."""
    if schema.version(connection) < schema.VERSION:
        schema.migrate(connection)


class PostgresFeedStore(FeedStore):
    """The feed state of one collection in PostgreSQL (see :class:`FeedStore`).

    Parameters
    ----------
    location : str
        The collection's ``postgresql://`` URL.

    Raises
    ------
    StoreUnavailableError
        From any method, when the database cannot be reached or the connection broke (the next
        call connects again).
    """

    def __init__(self, location: str) -> None:
        self.location = location
        where = Location.parse(location)
        self.conninfo, self.collection, self.where = where.conninfo, where.collection, str(where)
        self._connection: psycopg.Connection | None = None
        self._lock = threading.Lock()
        with self._session() as db:
            _ready(db)

    @classmethod
    def has_state(cls, location: str) -> bool:
        """Whether the collection has feed state (a feed followed or an article recorded);
        creates nothing."""
        where = Location.parse(location)
        with connect(where.conninfo, vectors=False, where=str(where)) as db:
            exists = db.execute("SELECT to_regclass('feeds') IS NOT NULL").fetchone()[0]
            if not exists:
                return False
            row = db.execute(
                "SELECT EXISTS (SELECT 1 FROM feeds WHERE collection = %(c)s) "
                "OR EXISTS (SELECT 1 FROM feed_articles WHERE collection = %(c)s)",
                {"c": where.collection},
            ).fetchone()
        return bool(row[0])

    def close(self) -> None:
        """Close the store's connection (a later call opens another)."""
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    @contextlib.contextmanager
    def _session(self) -> Iterator[psycopg.Connection]:
        """The store's connection, for one statement or transaction at a time."""
        with self._lock:
            if self._connection is None or self._connection.closed:
                self._connection = connect(self.conninfo, vectors=False, where=self.where)
            try:
                yield self._connection
            except psycopg.OperationalError as error:
                if not self._connection.broken:
                    raise
                self._connection = None  # the server went away: connect again next time
                raise StoreUnavailableError(
                    f"lost the connection to the feed state of {self.where}: "
                    + " ".join(str(error).split())
                ) from error

    def _query(self, sql: str, parameters: dict) -> list[dict]:
        with self._session() as db, db.cursor(row_factory=dict_row) as cursor:
            return cursor.execute(sql, {"c": self.collection, **parameters}).fetchall()

    # ----------------------------------------------------------------------------------------

    def remove(self, url: str) -> None:
        with self._session() as db, db.transaction():
            removed = db.execute(
                "DELETE FROM feeds WHERE collection = %s AND url = %s", (self.collection, url)
            ).rowcount
            db.execute(
                "DELETE FROM feed_entries WHERE collection = %s AND feed_url = %s",
                (self.collection, url),
            )
        if not removed:
            raise FeedNotFoundError(f"no feed {url} is followed (see: feeds list)")

    def get(self, url: str) -> FeedState | None:
        found = self._feeds("AND f.url = %(url)s", {"url": url})
        return found[0] if found else None

    def feeds(self) -> list[FeedState]:
        return self._feeds("ORDER BY f.added, f.url", {})

    def _feeds(self, where: str, parameters: dict) -> list[FeedState]:
        rows = self._query(
            "SELECT f.*, (SELECT count(*) FROM feed_entries e WHERE e.collection = f.collection "
            f"AND e.feed_url = f.url) AS entries_seen FROM feeds f WHERE f.collection = %(c)s "
            f"{where}",
            parameters,
        )
        states = []
        for row in rows:
            values = {name: row[name] for name in _FEED_COLUMNS}
            for name in _TIMES:
                if values[name] is not None:
                    values[name] = to_utc(values[name])
            states.append(FeedState(**values, entries_seen=row["entries_seen"]))
        return states

    def entry(self, feed_url: str, key: str) -> EntryRecord | None:
        rows = self._query(
            "SELECT feed_url, key, entry_hash, article_id FROM feed_entries "
            "WHERE collection = %(c)s AND feed_url = %(f)s AND key = %(k)s",
            {"f": feed_url, "k": key},
        )
        return EntryRecord(**rows[0]) if rows else None

    def article(self, article_id: str) -> ArticleRecord | None:
        rows = self._query(
            "SELECT article_id, content_hash, url, partial FROM feed_articles "
            "WHERE collection = %(c)s AND article_id = %(a)s",
            {"a": article_id},
        )
        return ArticleRecord(**rows[0]) if rows else None

    def article_for_url(self, url: str) -> ArticleRecord | None:
        rows = self._query(
            "SELECT article_id, content_hash, url, partial FROM feed_articles "
            "WHERE collection = %(c)s AND url = %(u)s LIMIT 1",
            {"u": url},
        )
        return ArticleRecord(**rows[0]) if rows else None

    def entries(self) -> list[EntryRecord]:
        rows = self._query(
            "SELECT feed_url, key, entry_hash, article_id FROM feed_entries "
            "WHERE collection = %(c)s ORDER BY feed_url, key",
            {},
        )
        return [EntryRecord(**row) for row in rows]

    def articles(self) -> list[ArticleRecord]:
        rows = self._query(
            "SELECT article_id, content_hash, url, partial FROM feed_articles "
            "WHERE collection = %(c)s ORDER BY article_id",
            {},
        )
        return [ArticleRecord(**row) for row in rows]

    def _record(self, feeds, entries, articles, seen: datetime) -> None:
        assignments = ", ".join(f"{name} = %s" for name in _FEED_COLUMNS[1:])
        with self._session() as db, db.transaction():
            for state in feeds:
                values = _feed_values(state)
                db.execute(
                    f"UPDATE feeds SET {assignments} WHERE collection = %s AND url = %s",
                    [*values[1:], self.collection, values[0]],
                )
            # FOR SHARE: a `feeds remove` committing meanwhile waits for this transaction, and
            # one that committed first is not seen, so a removed feed's entries stay out.
            followed = {
                row[0]
                for row in db.execute(
                    "SELECT url FROM feeds WHERE collection = %s FOR SHARE", (self.collection,)
                )
            }
            with db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO feed_entries (collection, feed_url, key, entry_hash, article_id, "
                    "first_seen, last_seen) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (collection, feed_url, key) DO UPDATE SET "
                    "entry_hash = excluded.entry_hash, article_id = excluded.article_id, "
                    "last_seen = excluded.last_seen",
                    [
                        (self.collection, e.feed_url, e.key, e.entry_hash, e.article_id, seen, seen)
                        for e in entries
                        if e.feed_url in followed
                    ],
                )
                cursor.executemany(
                    "INSERT INTO feed_articles (collection, article_id, content_hash, url, "
                    "partial, indexed) VALUES (%s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (collection, article_id) DO UPDATE SET "
                    "content_hash = excluded.content_hash, url = excluded.url, "
                    "partial = excluded.partial, indexed = excluded.indexed",
                    [
                        (self.collection, a.article_id, a.content_hash, a.url, a.partial, seen)
                        for a in articles
                    ],
                )

    def _insert(self, state: FeedState) -> None:
        columns = ", ".join(_FEED_COLUMNS)
        updates = ", ".join(f"{name} = excluded.{name}" for name in _FEED_COLUMNS[1:])
        placeholders = ", ".join(["%s"] * (len(_FEED_COLUMNS) + 1))
        with self._session() as db:
            db.execute(
                f"INSERT INTO feeds (collection, {columns}) VALUES ({placeholders}) "
                f"ON CONFLICT (collection, url) DO UPDATE SET {updates}",
                [self.collection, *_feed_values(state)],
            )


def _feed_values(state: FeedState) -> list:
    return [
        to_utc(value) if name in _TIMES and value is not None else value
        for name in _FEED_COLUMNS
        for value in (getattr(state, name),)
    ]
