"""Where a PostgreSQL collection lives, and the one place connections to it are made.

A location is a libpq URL naming the database, plus options of ours in its query string
(removed before libpq sees them): ``collection`` (which collection of the database, default
``default``), ``text_search`` (the text-search configuration a new collection's keyword side
uses, default ``english``) and ``replica`` (the URL, percent-encoded, of a streaming replica to
read from: see :mod:`.replica`). Everything that talks to the database connects through
:func:`connect`, so routing (a replica for reads, say) has one place to go.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict

from ..errors import StoreUnavailableError
from ..storage import LocationError, is_url, shown

DEFAULT_COLLECTION = "default"
DEFAULT_TEXT_SEARCH = "english"
# Our options in a location's query string; libpq refuses parameters it does not know.
_OURS = ("collection", "text_search", "replica", "text_rank")
# The keyword side's ranking functions: ts_rank (the default: within 0.02 of BM25's Recall@5
# and MRR@10 on RealTimeQA and BBC, see PostgresKeywords) or ts_rank_cd (cover density).
TEXT_RANKS = ("ts_rank", "ts_rank_cd")

__all__ = [
    "DEFAULT_COLLECTION",
    "DEFAULT_TEXT_SEARCH",
    "ConnectionFailed",
    "Location",
    "Pool",
    "advisory_key",
    "connect",
    "is_url",
    "register_vectors",
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
    replica : str or None
        What libpq connects to for reads (a streaming replica of ``conninfo``), or None.
    text_rank : {"ts_rank", "ts_rank_cd"}
        How this process ranks the keyword side (a reader's choice: nothing stored changes).
    """

    conninfo: str
    collection: str = DEFAULT_COLLECTION
    text_search: str = DEFAULT_TEXT_SEARCH
    replica: str | None = None
    text_rank: str = TEXT_RANKS[0]

    @classmethod
    def parse(cls, location: str) -> Location:
        """Split ``location`` into libpq's URL and our options.

        Raises
        ------
        ValueError
            If it is not a ``postgresql://`` or ``postgres://`` URL, names no collection, or
            an unknown ``text_rank``.
        """
        if not is_url(location):
            raise ValueError(f"not a PostgreSQL URL: {shown(location)!r}")
        where = shown(location)
        parts = urlsplit(str(location))
        try:
            if parts.port is not None and not 0 < parts.port < 65536:
                raise ValueError
        except ValueError:
            raise ValueError(f"the port in {where!r} is not a port number (1-65535)") from None
        query = parse_qsl(parts.query, keep_blank_values=True)
        ours = {k: v for k, v in query if k in _OURS}
        collection = ours.get("collection", DEFAULT_COLLECTION).strip()
        if not collection:
            raise ValueError(f"an empty collection name in {where!r} (?collection=NAME)")
        # %20, not "+", for a space: libpq decodes percent escapes only (options=-c a=b).
        rest = urlencode([(k, v) for k, v in query if k not in _OURS], quote_via=quote)
        text_rank = ours.get("text_rank", TEXT_RANKS[0]).strip() or TEXT_RANKS[0]
        if text_rank not in TEXT_RANKS:
            raise ValueError(
                f"text_rank must be one of {', '.join(TEXT_RANKS)}, not {text_rank!r} "
                f"(in {where!r})"
            )
        replica = ours.get("replica", "").strip() or None
        if replica is not None and not is_url(replica):
            raise ValueError(
                f"replica= must be a postgresql:// URL, not {shown(replica)!r} (in {where!r})"
            )
        conninfo = urlunsplit(parts._replace(query=rest))
        try:
            conninfo_to_dict(conninfo)  # libpq's own reading: an option it does not know...
        except psycopg.ProgrammingError as error:
            reason = " ".join(str(error).split())
            if parts.password:
                reason = reason.replace(parts.password, "********")
            unknown = re.match(r'invalid URI query parameter: "(.*)"', reason)
            if unknown:
                reason = (
                    f"unknown option {unknown.group(1)!r}: Newsdesk's are "
                    f"{', '.join(_OURS)}; others are libpq's connection parameters"
                )
            raise ValueError(f"cannot read {where!r}: {reason}") from None
        return cls(
            conninfo,
            collection,
            ours.get("text_search", DEFAULT_TEXT_SEARCH).strip() or DEFAULT_TEXT_SEARCH,
            replica,
            text_rank,
        )

    def __str__(self) -> str:
        """The location without its password (for messages and logs)."""
        parts = urlsplit(self.conninfo)
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        if parts.username:
            host = f"{parts.username}@{host}"  # the user, never the password
        shown = urlunsplit(parts._replace(netloc=host, query=""))
        # Percent-encoded, so what is shown can be pasted back as --index.
        return f"{shown}?collection={quote(self.collection, safe='')}"


def connect(
    conninfo: str,
    *,
    autocommit: bool = True,
    vectors: bool = True,
    application_name: str = "newsdesk",
    settings: dict[str, str | int] | None = None,
    where: str | None = None,
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
        Register the ``vector`` type (when the database has the extension; see
        :func:`register_vectors`).
    application_name : str
        How the session shows in ``pg_stat_activity`` (63 characters at most), unless
        ``conninfo`` names one.
    settings : dict, optional
        Server settings for this session (``-c name=value``), beside ``TimeZone=UTC``.
    where : str, optional
        What a failure names (the collection's location without its password); by default
        the server and database of ``conninfo``.
    **params
        Further libpq connection parameters (``connect_timeout``, ``keepalives_idle``...).

    Raises
    ------
    ConnectionFailed
        When the server cannot be reached or refuses the connection (a
        ``psycopg.OperationalError`` and a :class:`~index.errors.StoreUnavailableError`).
    BadConnectionOption
        When a connection parameter has a value libpq or psycopg refuses.
    """
    # UTC sessions: timestamptz values come back in UTC, as the embedded catalog keeps them.
    ours = " ".join(f"-c {k}={v}" for k, v in {"TimeZone": "UTC", **(settings or {})}.items())
    try:
        given = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        given = {}  # psycopg.connect says what is wrong with it, below
    try:
        connection = psycopg.connect(
            conninfo,
            autocommit=autocommit,
            # The location's own options (-c statement_timeout=..., -c search_path=...) are
            # kept; ours come last, so the session is in UTC whatever they say.
            options=" ".join(filter(None, (given.get("options", ""), ours))),
            application_name=given.get("application_name") or application_name,
            **params,
        )
    except psycopg.ProgrammingError as error:  # a parameter psycopg reads itself (connect_timeout)
        raise BadConnectionOption(f"cannot use {_named(where, conninfo)}: {error}") from None
    except psycopg.OperationalError as error:
        reason = " ".join(str(error).split())
        refused = _BAD_OPTION.search(reason)
        if refused:
            reason = reason[refused.start("what") :]
            raise BadConnectionOption(f"cannot use {_named(where, conninfo)}: {reason}") from None
        raise ConnectionFailed(f"cannot connect to {_named(where, conninfo)}: {reason}") from error
    if vectors:
        register_vectors(connection)
    return connection


# How libpq refuses a connection parameter's value before it contacts any server (fe-connect.c:
# 'invalid sslmode value: "bogus"', 'invalid integer value "x" for connection option "port"',
# 'invalid port number: "x"').
_BAD_OPTION = re.compile(r'(^|: )(?P<what>invalid (\w+ value: "|integer value "|port number: "))')


def _named(where: str | None, conninfo: str) -> str:
    return where or (shown(conninfo) if is_url(conninfo) else "the PostgreSQL server")


class BadConnectionOption(LocationError, StoreUnavailableError):
    """A connection parameter whose value libpq or psycopg refuses (``?sslmode=bogus``,
    ``?connect_timeout=soon``): bad usage, found when connecting. The CLI exits 2 on it (a
    :class:`~index.storage.LocationError`); the bot shows it as a store error."""


class ConnectionFailed(StoreUnavailableError, psycopg.OperationalError):
    """The server cannot be reached or refuses us: an error the CLI and bot show as it is
    (a :class:`~index.errors.NewsdeskError`), still a ``psycopg.OperationalError`` to callers
    that retry on those."""


def register_vectors(connection: psycopg.Connection) -> bool:
    """Register pgvector's types on ``connection``; False while the database has no ``vector``
    extension yet (the schema's first migration creates it)."""
    from pgvector.psycopg import register_vector

    try:
        register_vector(connection)
    except psycopg.ProgrammingError:
        return False
    return True


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
    where : str, optional
        What a connection failure names (see :func:`connect`).
    """

    def __init__(self, conninfo: str, keep: int = 8, where: str | None = None):
        self.conninfo = conninfo
        self.where = where
        self.keep = keep
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()
        # Connections whose vector type is registered (one made before the schema was is not).
        self._vectors: weakref.WeakSet = weakref.WeakSet()

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """Borrow a connection (autocommit) for the duration of the block."""
        with self._lock:
            connection = self._idle.pop() if self._idle else None
        if connection is None or connection.closed:
            connection = connect(self.conninfo, vectors=False, where=self.where)
        if connection not in self._vectors and register_vectors(connection):
            self._vectors.add(connection)
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
