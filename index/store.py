"""The on-disk index: immutable segments, and generations that say which of them are live.

Layout of an index directory::

    CURRENT              name of the live generation, switched with one os.replace()
    .build.lock          flock()ed by the one running build (or add, remove)
    .commit.lock         flock()ed for the moment a generation is committed
    .merge.lock          flock()ed by the one running merge
    gen-000012/          a generation (a commit point; read-only once written)
        manifest.json    model, dimension, chunking, counts, build time, and the live
                         segments, each with its tombstones (rows of deleted articles)
    segments/seg-000007/ a segment (read-only once written), see index.segmented:
        meta.json        what it was built with and what it holds
        catalog.sqlite   articles (rows 1..n), chunks (positions 0..m-1, the row in the vector
                         arrays) and attributed quotations with their speakers' names
        vectors.npy      normalised float32 embeddings, one row per chunk
        chunks.npy       the article row of each chunk
        quotes.npy       one embedding per quotation (its sentence)
        titles.npy       one embedding per article title, by row
        vectors.faiss    only for HNSW (a flat index is built from vectors.npy when opened)
        postings/        keyword postings: raw term frequencies and lengths, no statistics
    segments/seg-000009.tmp-*/, gen-000013.tmp-*/   work in progress (or killed: removed)

A change (build, add, remove) writes one new segment holding only the articles it adds and
commits a generation listing the old segments, the new one, and tombstones for the articles it
replaces or removes; a merge rewrites several segments as one, dropping tombstoned rows. Both
commit by writing a generation beside the live one and switching ``CURRENT`` in one atomic step,
so readers never see a half-written index and a killed process leaves the previous generation
untouched. Readers keep the segments they loaded, so they answer from the generation they opened
even after a newer one replaces it.

Generations of format 1 (before segments: ``gen-*/`` holding the catalog, vectors and a bm25s
index itself) are read as they are, as one segment; the next build migrates them (their files
are hard-linked into a segment, nothing is re-embedded).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .dates import parse_timestamp  # catalog timestamps; build.py imports it from here too
from .errors import BuildInProgressError

log = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 1: a generation held its data itself; 2: segments
TITLES_FILE = "titles.npy"
_GENERATION = re.compile(r"^gen-(\d{6})$")

SCHEMA = """
CREATE TABLE articles (
    row INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    url TEXT,
    source TEXT,
    published TEXT,
    published_ts REAL,
    authors TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT '',
    origin_path TEXT NOT NULL DEFAULT '',
    duplicate_of TEXT,
    indexed_at TEXT NOT NULL,
    partial INTEGER NOT NULL DEFAULT 0,
    updated TEXT
);
CREATE INDEX articles_text_hash ON articles(text_hash);
CREATE TABLE chunks (
    position INTEGER PRIMARY KEY,
    article_row INTEGER NOT NULL REFERENCES articles(row),
    ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    tokens INTEGER NOT NULL
);
CREATE INDEX chunks_article ON chunks(article_row);
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    article_row INTEGER NOT NULL REFERENCES articles(row),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    kind TEXT NOT NULL,
    speaker TEXT NOT NULL,
    speaker_text TEXT,
    cue TEXT
);
CREATE INDEX quotes_article ON quotes(article_row);
CREATE TABLE quote_names (
    quote_id INTEGER NOT NULL REFERENCES quotes(id),
    name TEXT NOT NULL
);
CREATE INDEX quote_names_quote ON quote_names(quote_id);
"""


@dataclass
class Manifest:
    """What a generation was built with, and what it holds."""

    model: str
    dimension: int
    chunking: dict
    index_type: str = "flat"
    generation: int = 0
    articles: int = 0
    chunks: int = 0
    duplicates: int = 0
    built_at: str = ""
    build_seconds: float = 0.0
    format: int = FORMAT_VERSION
    quotes: int = 0
    # The quote extractor's version the quotes table was built with; 0: no quote index.
    quotes_version: int = 0
    # Whether titles.npy holds a vector per article title (for the title signal in search).
    titles: bool = False
    # Format 2: the live segments, each {"name", "deleted": [rows], "articles", "duplicates",
    # "chunks", "quotes"} (counts of live rows).
    segments: list = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Load ``manifest.json``."""
        data = json.loads(path.read_text())
        known = {name for name in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def write(self, path: Path) -> None:
        """Write ``manifest.json``."""
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")


@dataclass(frozen=True)
class SourceStats:
    """One outlet in the index."""

    name: str
    articles: int
    newest: datetime | None


@dataclass(frozen=True)
class IndexStats:
    """A summary of the live generation, for ``stats`` and the bot's ``/sources``."""

    articles: int
    chunks: int
    duplicates: int
    sources: list[SourceStats]
    built_at: datetime | None
    model: str
    dimension: int
    index_type: str
    generation: int
    chunking: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StoredArticle:
    """An article row as the catalog holds it.

    ``partial``: only the feed's summary or teaser was available (see
    :attr:`index.articles.Article.partial`); ``updated``: when the outlet changed the story
    after publishing it. Both are shown in citations.
    """

    row: int
    id: str
    title: str
    url: str | None
    source: str | None
    published: datetime | None
    authors: tuple[str, ...]
    partial: bool = False
    updated: datetime | None = None


@dataclass(frozen=True)
class StoredChunk:
    """A chunk row: ``text == article.text[start:end]``."""

    position: int
    article_row: int
    ordinal: int
    start: int
    end: int
    text: str


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """Open a catalog; read-only connections may be shared by threads (callers lock)."""
    if readonly:
        connection = sqlite3.connect(
            f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
    else:
        connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    return connection


class IndexDirectory:
    """The files of one index: which generation is live, locking, and atomic switching.

    Parameters
    ----------
    path : path-like
        The index directory (created by the first build).
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    @property
    def current_file(self) -> Path:
        return self.path / "CURRENT"

    def current(self) -> Path | None:
        """The live generation's directory, or None if nothing was ever built."""
        try:
            name = self.current_file.read_text().strip()
        except FileNotFoundError:
            return None
        generation = self.path / name
        return generation if _GENERATION.match(name) and generation.is_dir() else None

    def generations(self) -> list[Path]:
        """Completed generation directories, oldest first."""
        if not self.path.is_dir():
            return []
        return sorted(p for p in self.path.iterdir() if _GENERATION.match(p.name) and p.is_dir())

    @contextlib.contextmanager
    def build_lock(self) -> Iterator[None]:
        """Hold the exclusive build lock; released by the kernel even if the process is killed."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".build.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise BuildInProgressError(
                    f"another build of {self.path} is running; try again when it finishes"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def commit_lock(self) -> Iterator[None]:
        """Hold the lock under which generations are committed and leftovers removed (short;
        waits for the holder)."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".commit.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def merge_lock(self, wait: bool = False) -> Iterator[bool]:
        """Try to become the one merge of this index; yields whether it did."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".merge.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def next_number(self, prefix: str, directory: Path) -> int:
        """The next free number for ``prefix-NNNNNN`` in ``directory`` (call under the commit
        lock): above every committed, scratch or orphaned one."""
        pattern = re.compile(rf"^{prefix}-(\d{{6}})(?:$|\.tmp-)")
        numbers = [
            int(m.group(1))
            for p in (directory.iterdir() if directory.is_dir() else ())
            if (m := pattern.match(p.name))
        ]
        return max(numbers, default=0) + 1

    def switch(self, name: str) -> None:
        """Point ``CURRENT`` at generation ``name`` atomically (durably, before returning)."""
        pointer = self.path / f"CURRENT.tmp-{os.getpid()}-{threading.get_ident()}"
        pointer.write_text(name + "\n")
        fsync(pointer)
        os.replace(pointer, self.current_file)
        fsync(self.path)


def fsync(path: Path) -> None:
    """Flush a file or directory to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stored_article(row: sqlite3.Row) -> StoredArticle:
    return StoredArticle(
        row=row["row"],
        id=row["id"],
        title=row["title"],
        url=row["url"],
        source=row["source"],
        published=parse_timestamp(row["published"]),
        authors=tuple(json.loads(row["authors"] or "[]")),
        partial=bool(column(row, "partial", False)),
        updated=parse_timestamp(column(row, "updated")),
    )


def column(row: sqlite3.Row, name: str, default=None):
    """``row[name]``, or ``default`` for a catalog written before that column existed.

    Segments are immutable (opened read-only), so columns added later are never added to old
    catalogs: their readers take the default, and a merge writes the rows out with the column.
    """
    # ``in`` on a sqlite3.Row looks at its values, not its column names.
    return row[name] if name in row.keys() else default  # noqa: SIM118


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def __getattr__(name: str):
    # The reader of a generation lives in index.segmented (which imports this module).
    if name == "Generation":
        from .segmented import Snapshot

        return Snapshot
    raise AttributeError(name)
