"""Where a PostgreSQL collection lives, and the one place connections to it are made.

A location is a libpq URL naming the database, plus options of ours in its query string
(removed before libpq sees them): ``collection`` (which collection of the database, default
``default``) and ``text_search`` (the text-search configuration a new collection's keyword side
uses, default ``english``). Everything that talks to the database connects through
:func:`connect`, so routing (a replica for reads, say) has one place to go.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg

from ..storage import is_url

DEFAULT_COLLECTION = "default"
DEFAULT_TEXT_SEARCH = "english"
# Our options in a location's query string; libpq refuses parameters it does not know.
_OURS = ("collection", "text_search")

__all__ = [
    "DEFAULT_COLLECTION",
    "DEFAULT_TEXT_SEARCH",
    "Location",
    "Pool",
    "advisory_key",
    "connect",
    "is_url",
]


@dataclass(frozen=True)
class Location:
    """A parsed ``postgresql://`` location.

    Attributes
    ----------
    conninfo : str
        What libpq connects to (the URL without our options).
    collection : str
        The collection's key in that database.
    text_search : str
        Text-search configuration for a collection created here (an existing one keeps its own).
    """

    conninfo: str
    collection: str = DEFAULT_COLLECTION
    text_search: str = DEFAULT_TEXT_SEARCH

    @classmethod
    def parse(cls, location: str) -> Location:
        """Split ``location`` into libpq's URL and our options.

        Raises
        ------
        ValueError
            If it is not a ``postgresql://`` or ``postgres://`` URL, or names no collection.
        """
        if not is_url(location):
            raise ValueError(f"not a PostgreSQL URL: {location!r}")
        parts = urlsplit(str(location))
        query = parse_qsl(parts.query, keep_blank_values=True)
        ours = {k: v for k, v in query if k in _OURS}
        collection = ours.get("collection", DEFAULT_COLLECTION).strip()
        if not collection:
            raise ValueError(f"an empty collection name in {location!r}")
        rest = urlencode([(k, v) for k, v in query if k not in _OURS])
        return cls(
            urlunsplit(parts._replace(query=rest)),
            collection,
            ours.get("text_search", DEFAULT_TEXT_SEARCH).strip() or DEFAULT_TEXT_SEARCH,
        )

    def __str__(self) -> str:
        """The location without credentials (for messages and logs)."""
        parts = urlsplit(self.conninfo)
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        shown = urlunsplit(parts._replace(netloc=host, query=""))
        return f"{shown}?collection={self.collection}"


def connect(
    conninfo: str,
    *,
    autocommit: bool = True,
    vectors: bool = True,
    application_name: str = "newsdesk",
    settings: dict[str, str | int] | None = None,
    **params: str | int,
) -> psycopg.Connection:
    """A new connection to ``conninfo``, in UTC, with pgvector's types registered.

    Parameters
    ----------
    conninfo : str
        A libpq URL or keyword string (see :class:`Location`).
    autocommit : bool
        Statements commit on their own unless run in ``connection.transaction()``.
    vectors : bool
        Register the ``vector`` type (the extension must exist: False before the schema is made).
    application_name : str
        How the session shows in ``pg_stat_activity`` (63 characters at most).
    settings : dict, optional
        Server settings for this session (``-c name=value``), beside ``TimeZone=UTC``.
    **params
        Further libpq connection parameters (``connect_timeout``, ``keepalives_idle``...).

    Raises
    ------
    psycopg.OperationalError
        When the server cannot be reached or refuses the connection.
    """
    # UTC sessions: timestamptz values come back in UTC, as the embedded catalog keeps them.
    options = " ".join(f"-c {k}={v}" for k, v in {"TimeZone": "UTC", **(settings or {})}.items())
    connection = psycopg.connect(
        conninfo,
        autocommit=autocommit,
        options=options,
        application_name=application_name,
        **params,
    )
    if vectors:
        from pgvector.psycopg import register_vector

        register_vector(connection)
    return connection


class Pool:
    """Connections for concurrent readers: each query borrows one and gives it back.

    Thread-safe. Idle connections are kept (up to ``keep``); a broken one is dropped, so the
    next borrower connects afresh (after a server restart, say).

    Parameters
    ----------
    conninfo : str
        What :func:`connect` connects to.
    keep : int
        Idle connections kept for reuse.
    """

    def __init__(self, conninfo: str, keep: int = 8):
        self.conninfo = conninfo
        self.keep = keep
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """Borrow a connection (autocommit) for the duration of the block."""
        with self._lock:
            connection = self._idle.pop() if self._idle else None
        if connection is None or connection.closed:
            connection = connect(self.conninfo)
        try:
            yield connection
        except BaseException:
            connection.close()  # its state is unknown (a failed transaction, a broken socket)
            raise
        with self._lock:
            if len(self._idle) < self.keep and not connection.closed:
                self._idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        """Close the idle connections (borrowed ones close when given back)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


def advisory_key(*names: str) -> int:
    """A signed 64-bit advisory-lock key for ``names`` (stable across processes and machines)."""
    digest = hashlib.blake2b(":".join(("newsdesk", *names)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
