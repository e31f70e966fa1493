"""Leader election over PostgreSQL: one process at a time does a collection's scheduled work.

Several processes may share one collection in one database (``python -m bot`` processes, a
``python -m index watch`` worker). Exactly one of them should poll the feeds; the others stand
by and take over when it goes. :class:`Leadership` elects it with a session-level advisory lock
(``pg_try_advisory_lock``) taken on a connection of its own, which the holder keeps open for as
long as it leads. The lock belongs to that session, so it ends with it: a holder that exits,
crashes or is killed (``kill -9``) closes its socket and the server frees the lock at once; a
holder cut off by the network is dropped once the server's TCP keepalives give up on it (set
short on this connection, about 30 s). Standbys simply try again every poll interval.

The lock's key is a 64-bit hash of the job and the collection's name, so several collections in
one database (and several jobs per collection) elect separately. A leader checks it still holds
the lock (:meth:`Leadership.held`) before each round of work: a connection that broke under it
(a server restart, a failover) means another process may lead now, and it stands by again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading

import psycopg

from .connection import advisory_key, connect

log = logging.getLogger(__name__)

__all__ = ["Leadership", "lock_key"]

# The server drops a silent client after idle + interval x count seconds (10 + 5 x 4 = 30 s),
# freeing the lock of a holder cut off by the network; the client side likewise notices a
# server that went away instead of waiting for the kernel's two hours.
_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 4,
}
_SERVER_KEEPALIVES = {
    "tcp_keepalives_idle": 10,
    "tcp_keepalives_interval": 5,
    "tcp_keepalives_count": 4,
}


def lock_key(collection: str, job: str = "feeds") -> int:
    """The advisory-lock key for ``job`` on ``collection``: a signed 64-bit integer, stable
    across processes, versions and machines."""
    return advisory_key(job, collection)


class Leadership:
    """Leadership of one job on one collection, elected by an advisory lock.

    Thread-safe; the methods block on the network (the bot calls them in worker threads).

    Parameters
    ----------
    conninfo : str
        A libpq connection string or ``postgresql://`` URL of the database (the primary).
    collection : str
        The collection's name; several collections in one database elect separately.
    job : str
        What is being led (default ``"feeds"``: scheduled ingestion).
    name : str, optional
        How this process shows to standbys and in ``pg_stat_activity.application_name``
        (default: ``newsdesk pid N on HOST``).
    connect_timeout : float
        Seconds to wait for the server when connecting.
    """

    def __init__(
        self,
        conninfo: str,
        collection: str,
        *,
        job: str = "feeds",
        name: str | None = None,
        connect_timeout: float = 10.0,
    ) -> None:
        self.conninfo = conninfo
        self.collection = collection
        self.job = job
        self.key = lock_key(collection, job)
        self.name = (name or f"newsdesk pid {os.getpid()} on {socket.gethostname()}")[:63]
        self.connect_timeout = connect_timeout
        self._connection: psycopg.Connection | None = None
        self._lock = threading.Lock()
        self.last_error: str | None = None
        """Why the last :meth:`try_acquire` could not ask the server (None: it asked)."""

    def __repr__(self) -> str:
        state = "leading" if self._connection is not None else "standing by"
        return f"<Leadership {self.job} of {self.collection!r}: {state}>"

    # pg_locks shows a bigint key as two oids: its high and low 32 bits (objsubid 1).
    @property
    def _classid(self) -> int:
        return (self.key >> 32) & 0xFFFFFFFF

    @property
    def _objid(self) -> int:
        return self.key & 0xFFFFFFFF

    def try_acquire(self) -> bool:
        """Lead now if nobody does; True when this process leads (already or from now on).

        Never waits for the lock. A connection failure counts as not leading (it is logged);
        the caller tries again at its next interval.
        """
        with self._lock:
            if self._connection is not None and self._still_held():
                return True
            try:
                connection = connect(
                    self.conninfo,
                    vectors=False,
                    application_name=self.name,
                    settings=_SERVER_KEEPALIVES,
                    connect_timeout=max(1, round(self.connect_timeout)),
                    **_KEEPALIVES,
                )
            except psycopg.OperationalError as error:
                self.last_error = f"cannot connect: {error}".strip()
                log.warning("leader election for %s: %s", self.collection, self.last_error)
                return False
            try:
                (won,) = connection.execute(
                    "SELECT pg_try_advisory_lock(%s)", (self.key,)
                ).fetchone()
            except psycopg.Error as error:
                self.last_error = str(error).strip()
                log.warning("leader election for %s failed: %s", self.collection, error)
                connection.close()
                return False
            self.last_error = None
            if not won:
                connection.close()  # a standby keeps no connection between attempts
                return False
            self._connection = connection
            return True

    def held(self) -> bool:
        """Whether this process still leads: asked of the server on the lock's own connection.

        False when it never led, released, or its connection broke (then another process may
        have taken over: stop leading, stand by, and :meth:`try_acquire` again later).
        """
        with self._lock:
            return self._connection is not None and self._still_held()

    def release(self) -> None:
        """Stop leading (closing the session frees the lock); harmless when not leading."""
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            # The session is gone either way, and the lock with it.
            with contextlib.suppress(psycopg.Error):
                connection.close()

    def holder(self) -> str | None:
        """Who leads now, as that process named itself (None: nobody, or unknown).

        A one-off connection; for messages, not for decisions.
        """
        try:
            with connect(
                self.conninfo, vectors=False, connect_timeout=max(1, round(self.connect_timeout))
            ) as connection:
                row = connection.execute(
                    "SELECT a.application_name, host(a.client_addr) FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                    "AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname "
                    "= current_database()) AND l.classid = %s AND l.objid = %s "
                    "AND l.objsubid = 1",
                    (self._classid, self._objid),
                ).fetchone()
        except psycopg.Error:
            return None
        if row is None:
            return None
        name, address = row
        return f"{name or 'a process'}{f' at {address}' if address else ''}"

    def __enter__(self) -> Leadership:
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def _still_held(self) -> bool:
        assert self._connection is not None
        try:
            (held,) = self._connection.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = pg_backend_pid() AND classid = %s AND objid = %s AND objsubid = 1)",
                (self._classid, self._objid),
            ).fetchone()
        except psycopg.Error as error:
            log.warning("leader of %s: lost the database connection: %s", self.collection, error)
            held = False
        if not held:
            connection, self._connection = self._connection, None
            with contextlib.suppress(psycopg.Error):
                connection.close()
        return bool(held)
