"""The storage interface the engine talks to: a collection's read views and its writers.

Everything above this interface (building, search, answers, stats) is written against these
protocols and never learns where the collection lives. Two implementations, chosen by the
location given (:func:`open_store`): the embedded store (:mod:`index.segmented`: FAISS, BM25
postings and SQLite in immutable segments under one index directory, the default) and the
PostgreSQL store (:mod:`index.postgres`: pgvector, a ``tsvector`` column, for a
``postgresql://`` URL).

Three roles:

- :class:`Collection`: one read-only view of the collection (what a reader opened). Search runs
  its two retrievers through it (``vectors.search``, ``keywords.search``: chunk positions and
  scores, removed rows never returned), pushes its filters into it (:meth:`Collection.allowed`)
  and asks it about the few candidate positions (:meth:`Collection.chunk_facts`) instead of
  holding per-chunk arrays of the whole collection, then fetches rows. Positions and article
  rows are valid within one view (an embedded view is a snapshot; a PostgreSQL view reads the
  latest commit, where a row removed meanwhile is simply absent).
- :class:`Store`: where a collection lives: opens views, hands out the one writer, merges,
  exports everything for ``copy``.
- :class:`StoreWriter`: one change (a build, an add, a remove): looks up what is stored by id,
  content hash and text hash, adds new article versions with their chunks, vectors, quotations
  and title vector, deletes by id, and commits (an article is never half-visible; a killed
  writer leaves a consistent store: the previous generation on the embedded store, the whole
  articles committed so far on PostgreSQL).

The ranking logic (fusion, title signal, recency, as-of, latest, duplicate collapse) stays in
:mod:`index.search` and the answer in :mod:`index.answer`, the same on every store.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable
from urllib.parse import parse_qsl, quote

import numpy as np

if TYPE_CHECKING:
    from .articles import Article
    from .quote_index import QuoteRecord
    from .store import IndexStats, Manifest, SourceStats, StoredArticle, StoredChunk


@dataclass(frozen=True)
class StoredVersion:
    """The stored (live) version of one article, as a writer looks it up."""

    id: str
    content_hash: str
    text_hash: str
    origin_path: str
    indexed_at: str
    duplicate_of: str | None
    # Where it is stored (opaque to callers: the store's own address of the row).
    location: tuple = ()


@dataclass
class NewArticle:
    """An article version to store, with everything derived from it.

    ``chunks`` are dicts with ``ordinal``, ``start``, ``end``, ``text`` and ``tokens``;
    ``vectors`` has one row per chunk; ``keyword_texts`` one text per chunk (what BM25 indexes);
    ``quotes`` and ``quote_vectors`` match one for one. A duplicate (``duplicate_of`` set) has
    no chunks, quotations or title vector.
    """

    article: Article
    indexed_at: str
    duplicate_of: str | None = None
    chunks: list[dict] = field(default_factory=list)
    vectors: np.ndarray | None = None
    keyword_texts: list[str] = field(default_factory=list)
    quotes: list[QuoteRecord] = field(default_factory=list)
    quote_vectors: np.ndarray | None = None
    title_vector: np.ndarray | None = None


@dataclass
class MergeSummary:
    """What a merge did."""

    merged: list[str]
    into: str
    articles: int
    chunks: int
    dropped_rows: int
    seconds: float
    generation: int


class Vectors(Protocol):
    """Dense retrieval over a view: ids are chunk positions."""

    size: int

    def search(
        self, query: np.ndarray, k: int, allowed: object | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Positions (int64) and inner products (float32) of the ``k`` nearest live chunks
        passing ``allowed`` (from :meth:`Collection.allowed`), best first. ``query`` has shape
        ``(1, dimension)`` or ``(dimension,)``, normalised."""
        ...


class Keywords(Protocol):
    """Keyword retrieval and term statistics over a view.

    ``search`` scores are the store's own (BM25 on the embedded store, ``ts_rank`` on
    PostgreSQL); ``terms`` and ``idf`` are the same analysis and formula on every store (what
    answers and quotations weigh words with).
    """

    size: int

    def search(
        self, query: str, k: int, allowed: object | None = None
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def terms(self, texts: Sequence[str], more_stopwords: bool = False) -> list[list[str]]: ...

    def idf(self, terms: Sequence[str]) -> dict[str, float]: ...


@runtime_checkable
class Collection(Protocol):
    """One consistent read-only view of a collection (safe for concurrent readers).

    Filters are pushed into the collection: :meth:`allowed` turns outlets and a date range
    into an opaque filter (a mask on the embedded store, a SQL condition on PostgreSQL) that
    both retrievers accept, and :meth:`chunk_facts` gives the article row and publication time
    of a few chunk positions. Nothing above this interface holds per-chunk arrays of the whole
    collection. ``version`` names what the view reads (compare with
    :meth:`Store.current_version`); ``reusable`` is what a newer view of the same store may
    reuse (loaded immutable parts; empty when nothing is). A view that waits on a server may
    answer :meth:`chunk_facts` and :meth:`title_cosines` from what its retrievers read with
    the candidates (immutable while the rows exist); :meth:`chunks` and :meth:`articles` are
    read when asked, so an article removed since retrieval is absent there, and
    :meth:`article_text` raises ``KeyError`` for it.
    """

    manifest: Manifest
    vectors: Vectors
    keywords: Keywords
    # True when the retrievers wait on a server (PostgreSQL): search then runs the keyword
    # query beside encoding the question and the dense query, and passes its
    # ``keywords.search`` an ``after`` future (the encoding) to read the rows after. False: one
    # after the other, in the caller's thread.
    waits_on_server: bool

    @property
    def version(self) -> str: ...

    @property
    def reusable(self) -> dict: ...

    def allowed(
        self,
        sources: Iterable[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> object | None: ...

    def matches(self, allowed: object) -> bool: ...

    def chunk_facts(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

    def title_vectors(self, rows: Sequence[int]) -> np.ndarray | None: ...

    def title_cosines(self, rows: Sequence[int], query: np.ndarray) -> np.ndarray | None: ...

    def chunks(self, positions: Iterable[int]) -> dict[int, StoredChunk]: ...

    def articles(self, rows: Iterable[int]) -> dict[int, StoredArticle]: ...

    def chunks_and_articles(
        self, positions: Iterable[int], rows: Iterable[int]
    ) -> tuple[dict[int, StoredChunk], dict[int, StoredArticle]]:
        """``(chunks(positions), articles(rows))``; on a server, one round trip."""
        ...

    def article_text(self, row: int) -> str: ...

    def article_rows_by_id(self, article_ids: Iterable[str]) -> dict[str, int]: ...

    def stats(self) -> IndexStats: ...

    def check_model(self, model: str, dimension: int) -> None: ...


class StoreWriter(Protocol):
    """The one change in progress on a store (exclusive: a second one is refused)."""

    @property
    def settings(self) -> Manifest | None:
        """Model, dimension, chunking and index type of what is stored (None: empty)."""

    def lookup(self, article_ids: Iterable[str]) -> dict[str, StoredVersion]: ...

    def scan(self) -> list[StoredVersion]: ...

    def canonical_by_text(
        self, text_hashes: Iterable[str], exclude: set[str]
    ) -> dict[str, str]: ...

    def duplicates_of(self, article_ids: Iterable[str]) -> list[StoredVersion]: ...

    def load(self, versions: Iterable[StoredVersion]) -> dict[str, Article]: ...

    def outdated(self) -> bool: ...

    def upgrade(self, embedder) -> int | None: ...

    def begin(self, model: str, dimension: int, chunking: dict, index_type: str) -> None: ...

    def add(self, item: NewArticle) -> None: ...

    def carry(self, version: StoredVersion, article: Article, indexed_at: str) -> int: ...

    def delete(self, article_ids: Iterable[str]) -> None: ...

    def replace_all(self) -> None: ...

    def commit(self) -> Manifest | None: ...


class Store(Protocol):
    """Where a collection lives."""

    location: str

    def current_version(self) -> str | None: ...

    def open(self, cache: dict | None = None) -> Collection: ...

    def writer(self) -> AbstractContextManager[StoreWriter]: ...

    def merge(self, *, everything: bool = False, embedder=None) -> MergeSummary | None: ...

    def merge_plan(self) -> list[str]: ...

    def manifest(self) -> Manifest | None: ...

    def export(self) -> Iterator[NewArticle]: ...


_URL_SCHEMES = ("postgresql://", "postgres://")
# What looks like a URL (``scheme:/...``): never taken for a directory's name.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:/")
ACCEPTED = (
    "an index directory, or a PostgreSQL URL: "
    "postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE[?collection=NAME] (or postgres://)"
)


class LocationError(ValueError):
    """A location that is neither a directory nor a usable ``postgresql://`` URL (bad usage).
    Its message never holds a password."""


def is_url(location: str | os.PathLike | None) -> bool:
    """Whether ``location`` names a PostgreSQL collection (a ``postgresql://`` URL), not a
    directory."""
    return location is not None and str(location).lower().startswith(_URL_SCHEMES)


def looks_like_url(location: str | os.PathLike | None) -> bool:
    """Whether ``location`` has the form of a URL (``scheme:/...``, spaces around it aside),
    whatever its scheme. A one-letter scheme is a drive (``C:/``) on Windows."""
    if location is None:
        return False
    text = str(location).strip()
    match = _SCHEME.match(text)
    return bool(match) and not (os.name == "nt" and match.end() == 3)


def shown(location: str | os.PathLike | None) -> str:
    """``location`` as logs and messages may show it: a URL (of any scheme, even a misspelled
    one) without its password, whether in ``user:password@`` or a ``password=`` option, nor the
    password of a replica named in its query."""
    if not looks_like_url(location):
        return str(location)
    text = str(location)
    head, mark, query = text.partition("?")
    # user:password@ -> user@ (the password runs to the last "@" before the host's "/").
    head = re.sub(r"^(\s*[A-Za-z][A-Za-z0-9+.-]*:/*)([^@/:]*):[^/]*@", r"\1\2@", head)
    if mark:
        try:
            pairs = parse_qsl(query, keep_blank_values=True)
        except ValueError:
            pairs = []
        query = "&".join(f"{quote(k, safe='')}={_shown_value(k, v)}" for k, v in pairs)
    return head + mark + query


def _shown_value(key: str, value: str) -> str:
    """One option of a URL's query as :func:`shown` gives it."""
    if key.strip().lower() == "password":
        return "********"
    return quote(shown(value) if looks_like_url(value) else value, safe=":/@")


def check_location(location: str | os.PathLike | None) -> str | Path | None:
    """``location`` as the stores take it: a ``postgresql://`` URL as a string (its options
    checked), anything else a directory (a Path; a Path would fold a URL's ``//``).

    Raises
    ------
    LocationError
        When it looks like a URL but is not a ``postgresql://`` or ``postgres://`` one
        (``postgresq://``, ``postgresql:/``, ``pg://``...), has spaces around it, or its options
        cannot be read (an unknown option, an empty collection, a port that is no number...):
        never taken for a directory, so nothing is created under such a name.
    """
    if location is None:
        return None
    text = str(location)
    if not text.strip():
        raise LocationError(f"an empty location: give {ACCEPTED}")
    if looks_like_url(text) and text != text.strip():
        raise LocationError(f"spaces around the URL {shown(text.strip())!r}: remove them")
    if is_url(text):
        from .postgres.connection import Location

        try:
            Location.parse(text)
        except ValueError as error:
            raise LocationError(str(error)) from None
        return text
    if looks_like_url(text):
        raise LocationError(f"not a location Newsdesk can use: {shown(text)!r}; give {ACCEPTED}")
    return Path(location)


def open_store(location: str | os.PathLike) -> Store:
    """The store at ``location``: a ``postgresql://`` (or ``postgres://``) URL is a collection
    in PostgreSQL (:class:`index.postgres.store.PostgresStore`), anything else an index
    directory (the embedded store, :class:`index.segmented.EmbeddedStore`).

    Opening touches nothing: a directory is created by the first build, a database's tables by
    the first writer (or the first reader of an older schema, which migrates it).
    """
    location = check_location(location)
    if is_url(location):
        from .postgres.store import PostgresStore

        return PostgresStore(str(location))
    from .segmented import EmbeddedStore

    return EmbeddedStore(location)


def model_mismatch(where: str, manifest: Manifest, model: str, dimension: int) -> str | None:
    """The error message when a collection built with ``manifest``'s model is opened with
    another (None when they agree): the same words on every store."""
    if manifest.model == model and manifest.dimension == dimension:
        return None
    return (
        f"the index at {where} was built with model {manifest.model!r} "
        f"(dimension {manifest.dimension}) but the engine uses {model!r} "
        f"(dimension {dimension}). Use --model {manifest.model!r}, or rebuild with "
        "'python -m index build ... --full'."
    )


def collection_stats(manifest: Manifest, sources: list[SourceStats]) -> IndexStats:
    """A collection's :class:`IndexStats`: the manifest's facts and its outlets (sorted here:
    most articles first, then by name)."""
    from .store import IndexStats, parse_timestamp

    return IndexStats(
        articles=manifest.articles,
        chunks=manifest.chunks,
        duplicates=manifest.duplicates,
        sources=sorted(sources, key=lambda s: (-s.articles, s.name)),
        built_at=parse_timestamp(manifest.built_at),
        model=manifest.model,
        dimension=manifest.dimension,
        index_type=manifest.index_type,
        generation=manifest.generation,
        chunking=manifest.chunking,
    )
