"""The on-disk index: generations of (SQLite catalog, FAISS vectors, BM25 index, manifest).

Layout of an index directory::

    CURRENT            name of the live generation, switched with one os.replace()
    .build.lock        flock()ed by the one running build
    gen-000007/        the live generation (read-only once written)
        manifest.json  model, dimension, chunking parameters, counts, build time
        catalog.sqlite articles, chunks (chunk ``position`` = row in the vector arrays) and
                       attributed quotations with their speakers' names (see index.quote_index)
        vectors.npy    normalised float32 embeddings, one row per chunk
        quotes.npy     normalised float32 embeddings, one row per quotation (its sentence)
        titles.npy     normalised float32 embeddings of each article's title, by catalog row
        vectors.faiss  FAISS index over those rows
        keyword/       bm25s index over the same rows
    gen-000008.tmp-*/  a build in progress (or killed: removed by the next build)

A build writes a complete new generation beside the live one and switches ``CURRENT`` to it in
one atomic step, so readers never see a half-written index and a killed build leaves the
previous generation untouched. Readers load a generation fully (vectors, BM25) and keep one
SQLite connection, so they keep answering from it even after a newer one replaces it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .dates import parse_timestamp  # catalog timestamps; build.py imports it from here too
from .errors import BuildInProgressError, IndexMismatchError, IndexNotFoundError
from .keyword import KeywordIndex
from .quote_index import QuoteIndex
from .vectors import VectorIndex

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
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
    indexed_at TEXT NOT NULL
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
    """An article row as the catalog holds it."""

    row: int
    id: str
    title: str
    url: str | None
    source: str | None
    published: datetime | None
    authors: tuple[str, ...]


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

    def start_generation(self) -> tuple[int, Path]:
        """Create a scratch directory for the next generation (call under the build lock).

        Scratch directories left by killed builds are removed first.
        """
        for leftover in self.path.glob("gen-*.tmp-*"):
            log.warning("removing %s left by an interrupted build", leftover.name)
            shutil.rmtree(leftover, ignore_errors=True)
        existing = [int(_GENERATION.match(p.name).group(1)) for p in self.generations()]
        number = max(existing, default=0) + 1
        scratch = self.path / f"gen-{number:06d}.tmp-{os.getpid()}"
        scratch.mkdir(parents=True)
        return number, scratch

    def commit_generation(self, number: int, scratch: Path, keep: int = 2) -> Path:
        """Make ``scratch`` the live generation atomically; keep the newest ``keep`` generations."""
        for item in scratch.rglob("*"):
            if item.is_file():
                _fsync(item)
        final = self.path / f"gen-{number:06d}"
        os.replace(scratch, final)
        pointer = self.path / f"CURRENT.tmp-{os.getpid()}"
        pointer.write_text(final.name + "\n")
        _fsync(pointer)
        os.replace(pointer, self.current_file)
        _fsync(self.path)
        for old in self.generations()[:-keep]:
            # Readers hold what they use (loaded vectors, an open SQLite handle): unlinking is safe.
            shutil.rmtree(old, ignore_errors=True)
        return final


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Generation:
    """A loaded, read-only generation: everything search needs, safe for concurrent readers.

    Parameters
    ----------
    path : Path
        A committed generation directory.
    """

    def __init__(self, path: Path):
        self.path = path
        self.manifest = Manifest.read(path / "manifest.json")
        self.vectors = VectorIndex.load(path / "vectors.faiss")
        self.keywords = KeywordIndex.load(path / "keyword")
        self._db = connect(path / "catalog.sqlite", readonly=True)
        self._lock = threading.Lock()
        self.quotes = QuoteIndex(self)
        # One vector per article title, by catalog row (memory-mapped: read a few rows a query).
        self.titles = np.load(path / TITLES_FILE, mmap_mode="r") if self.manifest.titles else None
        rows = self._db.execute(
            "SELECT c.position, c.article_row, a.published_ts, a.source FROM chunks c "
            "JOIN articles a ON a.row = c.article_row ORDER BY c.position"
        ).fetchall()
        # Per-chunk arrays let search filter, group and weigh by date without touching SQLite.
        self.chunk_article = np.array([r["article_row"] for r in rows], dtype=np.int64)
        self.chunk_published = np.array(
            [r["published_ts"] if r["published_ts"] is not None else np.nan for r in rows],
            dtype=np.float64,
        )
        sources = sorted({r["source"] or "" for r in rows})
        self.source_names = sources
        codes = {name: code for code, name in enumerate(sources)}
        self.chunk_source = np.array([codes[r["source"] or ""] for r in rows], dtype=np.int32)
        if len(rows) != self.vectors.size or len(rows) != self.keywords.size:
            raise IndexMismatchError(
                f"generation {path.name} is inconsistent: {len(rows)} chunks, "
                f"{self.vectors.size} vectors, {self.keywords.size} keyword documents"
            )

    @classmethod
    def open_current(cls, index_dir: str | os.PathLike) -> Generation:
        """Load the live generation of ``index_dir``.

        Raises
        ------
        IndexNotFoundError
            If nothing usable was built there.
        """
        directory = IndexDirectory(index_dir)
        if not directory.path.is_dir():
            raise IndexNotFoundError(index_dir, "the directory does not exist")
        current = directory.current()
        if current is None:
            raise IndexNotFoundError(index_dir)
        generation = cls(current)
        if generation.manifest.articles == 0:
            raise IndexNotFoundError(index_dir, "the index holds no articles")
        return generation

    def check_model(self, model: str, dimension: int) -> None:
        """Refuse to search with a model other than the one the vectors came from."""
        manifest = self.manifest
        if manifest.model != model or manifest.dimension != dimension:
            raise IndexMismatchError(
                f"the index at {self.path.parent} was built with model {manifest.model!r} "
                f"(dimension {manifest.dimension}) but the engine uses {model!r} "
                f"(dimension {dimension}). Use --model {manifest.model!r}, or rebuild with "
                "'python -m index build ... --full'."
            )

    def query(self, sql: str, parameters: Sequence = ()) -> list[sqlite3.Row]:
        """Run a read-only query against the catalog."""
        with self._lock:
            return self._db.execute(sql, parameters).fetchall()

    def chunks(self, positions: Iterable[int]) -> dict[int, StoredChunk]:
        """Chunk rows by position."""
        positions = [int(p) for p in positions]
        if not positions:
            return {}
        marks = ",".join("?" * len(positions))
        rows = self.query(
            f"SELECT position, article_row, ordinal, start, end, text FROM chunks "
            f"WHERE position IN ({marks})",
            positions,
        )
        return {row["position"]: StoredChunk(**dict(row)) for row in rows}

    def articles(self, rows: Iterable[int]) -> dict[int, StoredArticle]:
        """Article metadata by catalog row."""
        rows = [int(r) for r in rows]
        if not rows:
            return {}
        marks = ",".join("?" * len(rows))
        found = self.query(
            f"SELECT row, id, title, url, source, published, authors FROM articles "
            f"WHERE row IN ({marks})",
            rows,
        )
        return {row["row"]: _stored_article(row) for row in found}

    def article_text(self, row: int) -> str:
        """The full text of one article."""
        return self.query("SELECT text FROM articles WHERE row = ?", (row,))[0]["text"]

    def article_rows_by_id(self, article_ids: Iterable[str]) -> dict[str, int]:
        """Map article ids (including ids of stored duplicates) to catalog rows."""
        ids = list(article_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        found = self.query(
            f"SELECT a.id, COALESCE(d.row, a.row) AS row FROM articles a "
            f"LEFT JOIN articles d ON d.id = a.duplicate_of WHERE a.id IN ({marks})",
            ids,
        )
        return {row["id"]: row["row"] for row in found}

    def stats(self) -> IndexStats:
        """Counts per outlet and the manifest's facts."""
        rows = self.query(
            # published keeps each outlet's UTC offset, so its strings do not sort by instant:
            # SQLite takes the bare column from the row holding MAX(published_ts).
            "SELECT COALESCE(source, '') AS source, COUNT(*) AS n, MAX(published_ts), "
            "published AS newest FROM articles WHERE duplicate_of IS NULL "
            "GROUP BY 1 ORDER BY n DESC, source"
        )
        manifest = self.manifest
        return IndexStats(
            articles=manifest.articles,
            chunks=manifest.chunks,
            duplicates=manifest.duplicates,
            sources=[
                SourceStats(r["source"] or "(unknown outlet)", r["n"], parse_timestamp(r["newest"]))
                for r in rows
            ],
            built_at=parse_timestamp(manifest.built_at),
            model=manifest.model,
            dimension=manifest.dimension,
            index_type=manifest.index_type,
            generation=manifest.generation,
            chunking=manifest.chunking,
        )

    def close(self) -> None:
        """Close the catalog connection."""
        with self._lock:
            self._db.close()


def _stored_article(row: sqlite3.Row) -> StoredArticle:
    return StoredArticle(
        row=row["row"],
        id=row["id"],
        title=row["title"],
        url=row["url"],
        source=row["source"],
        published=parse_timestamp(row["published"]),
        authors=tuple(json.loads(row["authors"] or "[]")),
    )


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)
