"""Reads from a streaming replica, writes to the primary, and a process that reads its own writes.

A collection may name a replica of its database (``NEWSDESK_STORE_REPLICA``, ``--replica``, or
``replica=`` in the location). Searches and answers then read there (:class:`Reads`), and writes
(builds, polls, ``add``) still go to the primary. A replica replays the primary's WAL a little
behind it, so a process that just wrote would not find its own articles there: after each commit
the writer notes the primary's WAL position (:func:`wrote`, ``pg_current_wal_insert_lsn()``),
and this process reads from the primary until the replica's ``pg_last_wal_replay_lsn()`` has
passed it.
The note is per process and per primary, so the builder, the engine and the bot's poller of one
process share it whichever store object they write through. Other processes' writes show on the
replica when it has replayed them (a second or less on a healthy link).

A replica that cannot be reached is left alone for :data:`RETRY_AFTER` seconds: reads go to the
primary meanwhile, and are never lost to it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg

from ..storage import is_url, shown
from .connection import Pool

__all__ = ["RETRY_AFTER", "Reads", "lsn", "pending", "with_replica", "wrote"]

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_AFTER = 30.0
"""Seconds reads stay on the primary after the replica could not be reached."""

# Primary conninfo -> the WAL position (an integer) this process's last write committed at,
# until a replica is seen to have replayed it.
_written: dict[str, int] = {}
_written_lock = threading.Lock()


def with_replica(location: str, replica: str | None) -> str:
    """``location`` (a collection's ``postgresql://`` URL) reading from ``replica``.

    Parameters
    ----------
    location : str
    replica : str or None
        A ``postgresql://`` URL of a streaming replica of ``location``'s database (what
        ``NEWSDESK_STORE_REPLICA`` and ``--replica`` give); None or "" leaves ``location`` as it
        is.

    Raises
    ------
    ValueError
        When either is not a ``postgresql://`` URL.
    """
    if not replica:
        return location
    if not is_url(location) or not is_url(replica):
        raise ValueError(
            f"a replica is read for a collection in PostgreSQL: both {shown(location)!r} and "
            f"{shown(replica)!r} must be postgresql:// URLs"
        )
    parts = urlsplit(location)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "replica"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("replica", replica)])))


def lsn(text: str) -> int:
    """A ``pg_lsn`` as PostgreSQL prints it (``"16/B374D848"``) as one comparable integer."""
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def wrote(conninfo: str, connection: psycopg.Connection) -> None:
    """Note that this process committed a write to the primary at ``conninfo``.

    Call it on the writing connection right after the commit (outside a transaction): the WAL
    position read then is at or past the commit's record. One short query.
    """
    # The insert position, not pg_current_wal_lsn() (what has been written out): with
    # synchronous_commit off a commit record can still be in the WAL buffers, before the write
    # position, and a replica that replayed up to there would not yet show the commit.
    (position,) = connection.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
    with _written_lock:
        _written[conninfo] = max(lsn(position), _written.get(conninfo, 0))


def pending(conninfo: str) -> int | None:
    """The WAL position a replica must have replayed before this process reads from it, or
    None when it need not wait for anything (for tests and diagnostics)."""
    with _written_lock:
        return _written.get(conninfo)


class Reads:
    """Where one collection's reads go: the replica when it has this process's writes, else the
    primary. Thread-safe.

    Parameters
    ----------
    primary : str
        The primary's conninfo (writes go there; the key under which writes are noted).
    primary_pool : Pool
        Connections to the primary, shared with the store's other readers.
    replica : str, optional
        The replica's conninfo; None: every read goes to the primary.
    """

    def __init__(self, primary: str, primary_pool: Pool, replica: str | None = None) -> None:
        self.primary = primary
        self.primary_pool = primary_pool
        self.replica = replica
        where = f"the replica {shown(replica)}"
        self.replica_pool = Pool(replica, where=where) if replica else None
        self._down_until = 0.0
        self.last_read_from = "primary"
        """``"replica"`` or ``"primary"``: where the latest read went (for logs and tests)."""

    def run(self, read: Callable[[psycopg.Connection], T]) -> T:
        """``read(connection)`` on a connection to read from (autocommit), and its result.

        On the replica when it may; if the replica fails under it (its connection broke, or it
        cancelled the query for a conflict with replay) ``read`` runs again on the primary, so
        it must only read.

        Raises
        ------
        psycopg.Error
            What ``read`` raised on the primary, or on the replica for any other reason.
        """
        borrowed = self._replica()
        if borrowed is not None:
            stack, connection = borrowed
            self.last_read_from = "replica"
            try:
                with stack:  # back to the replica's pool afterwards (dropped if it failed)
                    return read(connection)
            except (psycopg.OperationalError, psycopg.errors.SerializationFailure) as error:
                if connection.broken:
                    self._unreachable(error)
                elif not isinstance(error, psycopg.errors.SerializationFailure):
                    raise
        self.last_read_from = "primary"
        with self.primary_pool.connection() as connection:
            return read(connection)

    def close(self) -> None:
        """Close the replica's idle connections (the primary's pool is the store's)."""
        if self.replica_pool is not None:
            self.replica_pool.close()

    def _replica(self) -> tuple[contextlib.ExitStack, psycopg.Connection] | None:
        """A replica connection that has replayed this process's writes, or None."""
        if self.replica_pool is None or time.monotonic() < self._down_until:
            return None
        stack = contextlib.ExitStack()
        try:
            connection = stack.enter_context(self.replica_pool.connection())
        except psycopg.OperationalError as error:
            self._unreachable(error)
            return None
        try:
            current = self._caught_up(connection)
        except psycopg.Error as error:
            connection.close()  # the pool drops a closed connection when it is given back
            stack.close()
            self._unreachable(error)
            return None
        if current:
            return stack, connection
        stack.close()
        return None

    def _caught_up(self, connection: psycopg.Connection) -> bool:
        target = pending(self.primary)
        if target is None:
            return True
        (replayed,) = connection.execute("SELECT pg_last_wal_replay_lsn()::text").fetchone()
        # NULL: not in recovery (promoted after a failover), so it holds what it holds.
        if replayed is not None and lsn(replayed) < target:
            return False
        with _written_lock:
            if _written.get(self.primary) == target:  # not if a newer write came meanwhile
                del _written[self.primary]
        return True

    def _unreachable(self, error: Exception) -> None:
        self._down_until = time.monotonic() + RETRY_AFTER
        log.warning(
            "the replica cannot be read (%s); reading from the primary for %.0f s",
            str(error).strip(),
            RETRY_AFTER,
        )
