"""Feed state that survives restarts: ``<index>/feeds.sqlite``.

This module owns what Newsdesk remembers about the feeds it follows, beside the index's
generations rather than inside one (state changes every poll; a generation is immutable): each
feed's URL, outlet name (given, else the feed's own title), interval, enabled flag, HTTP
validators (ETag, Last-Modified), last fetch, last success, consecutive failures and since when,
next due time and last error; every entry seen per feed (its key, content hash and the article
it became); and, per article id, the content hash and URL last handed to the index, which tells
a changed story from an unchanged one and finds a story another feed already brought in.

Two places, one interface (:class:`FeedStore`, which picks by where the collection lives): an
index directory keeps ``feeds.sqlite`` in SQLite (WAL mode with a busy timeout: the CLI's
``feeds add``/``list``/``remove`` may write while a watcher polls; times as ISO 8601 in UTC); a
collection in PostgreSQL keeps its feed state in the same database, in tables keyed by the
collection (:mod:`index.postgres.feeds`), where every process sharing the collection sees it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from ..dates import parse_timestamp, to_utc
from ..errors import NewsdeskError
from ..storage import is_url as is_database_url

__all__ = [
    "DEFAULT_INTERVAL",
    "STATE_FILE",
    "ArticleRecord",
    "EntryRecord",
    "FeedExistsError",
    "FeedNotFoundError",
    "FeedState",
    "FeedStore",
    "SqliteFeedStore",
    "is_database_url",
]

STATE_FILE = "feeds.sqlite"
DEFAULT_INTERVAL = 15 * 60.0
"""Seconds between polls of a feed unless told otherwise."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    source TEXT,
    title TEXT,
    interval REAL NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    etag TEXT,
    last_modified TEXT,
    added TEXT NOT NULL,
    last_fetch TEXT,
    last_success TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    failing_since TEXT,
    next_due TEXT,
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS entries (
    feed_url TEXT NOT NULL,
    key TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    article_id TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (feed_url, key)
);
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    url TEXT,
    partial INTEGER NOT NULL DEFAULT 0,
    indexed TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_by_url ON articles (url);
"""


class FeedExistsError(NewsdeskError):
    """The feed is followed already."""


class FeedNotFoundError(NewsdeskError):
    """No feed with that URL is followed."""


@dataclass
class FeedState:
    """One followed feed.

    Attributes
    ----------
    url : str
    source : str or None
        The outlet's name as given (``feeds add --source``).
    title : str or None
        The feed's own title, from its last successful fetch.
    interval : float
        Seconds between polls.
    enabled : bool
        False once it failed for a day on end (re-enabled by adding it again).
    etag, last_modified : str or None
        Validators for the next conditional GET.
    added, last_fetch, last_success, failing_since, next_due : datetime or None
        UTC.
    failures : int
        Consecutive failed polls.
    last_error : str or None
    entries_seen : int
        Entries recorded for this feed (read-only, counted).
    """

    url: str
    interval: float = DEFAULT_INTERVAL
    source: str | None = None
    title: str | None = None
    enabled: bool = True
    etag: str | None = None
    last_modified: str | None = None
    added: datetime | None = None
    last_fetch: datetime | None = None
    last_success: datetime | None = None
    failures: int = 0
    failing_since: datetime | None = None
    next_due: datetime | None = None
    last_error: str | None = None
    entries_seen: int = field(default=0, compare=False)

    @property
    def outlet(self) -> str:
        """The name articles are cited under: given, else the feed's title, else its host."""
        return self.source or self.title or (urlsplit(self.url).hostname or self.url)

    def as_dict(self) -> dict:
        """JSON-ready (times as ISO 8601)."""
        data = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            data[name] = value.isoformat() if isinstance(value, datetime) else value
        data["outlet"] = self.outlet
        return data


@dataclass(frozen=True)
class EntryRecord:
    """An entry seen in a feed, and the article it became."""

    feed_url: str
    key: str
    entry_hash: str
    article_id: str


@dataclass(frozen=True)
class ArticleRecord:
    """What was last handed to the index under an article id (its content hash as read from
    the page or entry, before the poller dated an update)."""

    article_id: str
    content_hash: str
    url: str | None = None
    partial: bool = False


_FEED_COLUMNS = [
    "url", "source", "title", "interval", "enabled", "etag", "last_modified", "added",
    "last_fetch", "last_success", "failures", "failing_since", "next_due", "last_error",
]  # fmt: skip
_TIMES = {"added", "last_fetch", "last_success", "failing_since", "next_due"}


class FeedStore:
    """The feed state of one collection (thread-safe; every method blocks on I/O).

    ``FeedStore(location)`` opens the right kind: :class:`SqliteFeedStore` for an index
    directory, :class:`~index.postgres.feeds.PostgresFeedStore` for a ``postgresql://`` URL.
    Both behave alike; this class holds the rules they share.

    Parameters
    ----------
    location : path-like or str
        An index directory (created if missing) or a ``postgresql://`` URL.
    """

    def __new__(cls, location: str | os.PathLike, *args, **kwargs):
        if cls is FeedStore:
            if is_database_url(location):
                from ..postgres.feeds import PostgresFeedStore

                cls = PostgresFeedStore
            else:
                cls = SqliteFeedStore
        return super().__new__(cls)

    @staticmethod
    def exists(location: str | os.PathLike) -> bool:
        """Whether the collection at ``location`` has feed state (without creating any)."""
        if is_database_url(location):
            from ..postgres.feeds import PostgresFeedStore

            return PostgresFeedStore.has_state(location)
        return (Path(location) / STATE_FILE).exists()

    def add(
        self,
        url: str,
        *,
        now: datetime,
        source: str | None = None,
        title: str | None = None,
        interval: float = DEFAULT_INTERVAL,
    ) -> FeedState:
        """Follow a feed; due at once. A disabled feed added again is re-enabled and reset.

        Raises
        ------
        FeedExistsError
            When the feed is followed and enabled already.
        """
        existing = self.get(url)
        if existing is not None and existing.enabled:
            raise FeedExistsError(f"{url} is followed already (feeds remove it first)")
        state = FeedState(
            url=url, source=source, title=title, interval=interval, added=now, next_due=now
        )
        if existing is not None:  # keep its validators and entries: only the failures reset
            state.etag, state.last_modified = existing.etag, existing.last_modified
            state.added, state.last_success = existing.added, existing.last_success
            state.title = title or existing.title
        self._insert(state)
        return state

    def get(self, url: str) -> FeedState | None:
        """One feed's state, or None."""
        raise NotImplementedError

    def feeds(self) -> list[FeedState]:
        """Every followed feed, in the order they were added."""
        raise NotImplementedError

    def remove(self, url: str) -> None:
        """Stop following a feed and forget its entries (its articles stay in the index).

        Raises
        ------
        FeedNotFoundError
        """
        raise NotImplementedError

    def entry(self, feed_url: str, key: str) -> EntryRecord | None:
        """An entry seen in this feed before, or None."""
        raise NotImplementedError

    def article(self, article_id: str) -> ArticleRecord | None:
        """What was last indexed under ``article_id`` from a feed or page, or None."""
        raise NotImplementedError

    def article_for_url(self, url: str) -> ArticleRecord | None:
        """The article indexed with this (clean) URL, or None."""
        raise NotImplementedError

    def entries(self) -> list[EntryRecord]:
        """Every entry seen in a followed feed."""
        raise NotImplementedError

    def articles(self) -> list[ArticleRecord]:
        """Every article indexed from a feed or page."""
        raise NotImplementedError

    def copy_from(self, other: FeedStore, *, now: datetime) -> list[FeedState]:
        """Follow ``other``'s feeds here, each with its whole state (outlet, interval, enabled,
        validators, schedule), and its entries seen and articles indexed, so a poll here does
        not fetch again what ``other`` already indexed (``copy``). Feeds followed here already
        are overwritten by ``other``'s. Returns the feeds copied."""
        feeds = other.feeds()
        for state in feeds:
            self._insert(state)
        self.record(entries=other.entries(), articles=other.articles(), now=now)
        return feeds

    def record(
        self,
        feeds: Iterable[FeedState] = (),
        entries: Iterable[EntryRecord] = (),
        articles: Iterable[ArticleRecord] = (),
        *,
        now: datetime,
    ) -> None:
        """Write what a poll learnt, in one transaction: feed states, entries seen, articles
        indexed. A feed removed meanwhile (``feeds remove`` during a poll) stays removed, and
        its entries are not recorded.
        """
        self._record(list(feeds), list(entries), list(articles), to_utc(now))

    def _record(
        self,
        feeds: list[FeedState],
        entries: list[EntryRecord],
        articles: list[ArticleRecord],
        seen: datetime,
    ) -> None:
        """:meth:`record`, with ``seen`` (UTC) the time entries were seen and articles indexed."""
        raise NotImplementedError

    def _insert(self, state: FeedState) -> None:
        """Write ``state`` whole, over the feed's row if it has one."""
        raise NotImplementedError


class SqliteFeedStore(FeedStore):
    """The feed state of one index directory, in ``feeds.sqlite`` there.

    Parameters
    ----------
    index_dir : path-like
        The index directory (created if missing).
    """

    def __init__(self, index_dir: str | os.PathLike) -> None:
        self.index_dir = Path(index_dir)
        self.path = self.index_dir / STATE_FILE
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=30000")
            yield db
        finally:
            db.close()

    # ----------------------------------------------------------------------------------------
    # Feeds

    def remove(self, url: str) -> None:
        with self._connect() as db, _transaction(db):
            removed = db.execute("DELETE FROM feeds WHERE url = ?", (url,)).rowcount
            db.execute("DELETE FROM entries WHERE feed_url = ?", (url,))
        if not removed:
            raise FeedNotFoundError(f"no feed {url} is followed (see: feeds list)")

    def get(self, url: str) -> FeedState | None:
        found = [f for f in self._feeds("WHERE url = ?", (url,))]
        return found[0] if found else None

    def feeds(self) -> list[FeedState]:
        return self._feeds("ORDER BY added, url", ())

    def _feeds(self, where: str, parameters: tuple) -> list[FeedState]:
        with self._connect() as db:
            rows = db.execute(
                f"SELECT feeds.*, (SELECT count(*) FROM entries WHERE feed_url = feeds.url) "
                f"AS entries_seen FROM feeds {where}",
                parameters,
            ).fetchall()
        states = []
        for row in rows:
            values = {
                name: (parse_timestamp(row[name]) if name in _TIMES else row[name])
                for name in _FEED_COLUMNS
            }
            values["enabled"] = bool(values["enabled"])
            states.append(FeedState(**values, entries_seen=row["entries_seen"]))
        return states

    # ----------------------------------------------------------------------------------------
    # Entries and articles

    def entry(self, feed_url: str, key: str) -> EntryRecord | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT * FROM entries WHERE feed_url = ? AND key = ?", (feed_url, key)
            ).fetchone()
        return (
            EntryRecord(row["feed_url"], row["key"], row["entry_hash"], row["article_id"])
            if row
            else None
        )

    def article(self, article_id: str) -> ArticleRecord | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT * FROM articles WHERE article_id = ?", (article_id,)
            ).fetchone()
        return _article_record(row) if row else None

    def article_for_url(self, url: str) -> ArticleRecord | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM articles WHERE url = ? LIMIT 1", (url,)).fetchone()
        return _article_record(row) if row else None

    def entries(self) -> list[EntryRecord]:
        with self._connect() as db:
            rows = db.execute("SELECT feed_url, key, entry_hash, article_id FROM entries")
            return [EntryRecord(*row) for row in rows]

    def articles(self) -> list[ArticleRecord]:
        with self._connect() as db:
            return [_article_record(row) for row in db.execute("SELECT * FROM articles")]

    # ----------------------------------------------------------------------------------------

    def _record(self, feeds, entries, articles, seen: datetime) -> None:
        seen = seen.isoformat()
        with self._connect() as db, _transaction(db):
            for state in feeds:
                values = _feed_values(state)
                db.execute(
                    "UPDATE feeds SET "
                    + ", ".join(f"{name} = ?" for name in _FEED_COLUMNS[1:])
                    + " WHERE url = ?",
                    [*values[1:], values[0]],
                )
            followed = {row[0] for row in db.execute("SELECT url FROM feeds")}
            db.executemany(
                "INSERT INTO entries (feed_url, key, entry_hash, article_id, first_seen, "
                "last_seen) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (feed_url, key) DO UPDATE "
                "SET entry_hash = excluded.entry_hash, article_id = excluded.article_id, "
                "last_seen = excluded.last_seen",
                [
                    (e.feed_url, e.key, e.entry_hash, e.article_id, seen, seen)
                    for e in entries
                    if e.feed_url in followed
                ],
            )
            db.executemany(
                "INSERT INTO articles (article_id, content_hash, url, partial, indexed) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
                "content_hash = excluded.content_hash, url = excluded.url, "
                "partial = excluded.partial, indexed = excluded.indexed",
                [(a.article_id, a.content_hash, a.url, int(a.partial), seen) for a in articles],
            )

    def _insert(self, state: FeedState) -> None:
        columns = ", ".join(_FEED_COLUMNS)
        updates = ", ".join(f"{name} = excluded.{name}" for name in _FEED_COLUMNS[1:])
        with self._connect() as db, _transaction(db):
            db.execute(
                f"INSERT INTO feeds ({columns}) VALUES ({', '.join('?' * len(_FEED_COLUMNS))}) "
                f"ON CONFLICT (url) DO UPDATE SET {updates}",
                _feed_values(state),
            )


def _feed_values(state: FeedState) -> list:
    values = []
    for name in _FEED_COLUMNS:
        value = getattr(state, name)
        if name in _TIMES:
            value = to_utc(value).isoformat() if value is not None else None
        elif name == "enabled":
            value = int(value)
        values.append(value)
    return values


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _article_record(row: sqlite3.Row) -> ArticleRecord:
    return ArticleRecord(row["article_id"], row["content_hash"], row["url"], bool(row["partial"]))
