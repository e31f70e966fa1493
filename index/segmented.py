"""The embedded store: immutable segments under one index directory (see :mod:`index.store`).

A segment holds a set of article versions with everything search needs about them: catalog rows
(articles, chunks, quotations), chunk vectors, title vectors, quotation vectors and keyword
postings. It is written once, in a scratch directory, and renamed into place when a generation
that lists it is committed. A generation lists the live segments and, for each, its tombstones:
the rows of articles deleted or replaced since it was written. So adding k articles to a
collection of N chunks writes one segment of k articles and a manifest: time and memory in k.

- **Switching**: a generation is committed by writing ``gen-NNNNNN/manifest.json`` beside the live
  one and replacing ``CURRENT`` (under ``.commit.lock``, held for milliseconds). Readers load the
  segments their generation lists and keep them; an engine that refreshes reuses the segments it
  already has and loads only the new ones.
- **Recovery**: anything not reachable from the live generation or the one before it (scratch
  directories of a killed writer, a segment renamed but never committed, a generation written
  but never switched to) is removed by the next writer or merge; there is nothing to replay.
- **Merging**: :meth:`EmbeddedStore.merge` rewrites several segments as one, dropping tombstoned
  rows, without re-embedding (vectors are copied, keyword postings merged). It holds its own
  lock, so builds go on meanwhile; a delete committed while a merge ran is carried over to the
  merged segment by article id when the merge commits. A tiered policy (as Lucene's) merges
  once ten segments of one size tier exist, and rewrites a segment a quarter deleted.
- **Keyword statistics** are collection-wide (:class:`index.keyword.CollectionKeywords`): the same
  articles give the same BM25 scores however they are cut into segments.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from . import quote_index
from .articles import Article
from .dates import to_utc
from .errors import BuildError, IndexMismatchError, IndexNotFoundError
from .keyword import CollectionKeywords, KeywordIndex, Postings
from .quote_index import QuoteIndex, SegmentQuotePart, SegmentQuotes
from .storage import MergeSummary, NewArticle, StoredVersion, collection_stats, model_mismatch
from .store import (
    FORMAT_VERSION,
    SCHEMA,
    TITLES_FILE,
    IndexDirectory,
    IndexStats,
    Manifest,
    SourceStats,
    StoredArticle,
    StoredChunk,
    _stored_article,
    column,
    connect,
    fsync,
    parse_timestamp,
    utc_now,
)
from .vectors import VectorIndex

log = logging.getLogger(__name__)

SEGMENTS = "segments"
META = "meta.json"
CHUNKS_FILE = "chunks.npy"
POSTINGS = "postings"
# SQLite takes at most this many parameters per statement comfortably.
_BATCH = 500


@dataclass
class SegmentMeta:
    """What a segment was built with and what it holds (rows include duplicates)."""

    name: str
    model: str
    dimension: int
    chunking: dict
    index_type: str = "flat"
    rows: int = 0
    articles: int = 0
    duplicates: int = 0
    chunks: int = 0
    quotes: int = 0
    quotes_version: int = 0
    titles: bool = False
    created: str = ""
    format: int = FORMAT_VERSION

    @classmethod
    def read(cls, path: Path) -> SegmentMeta:
        data = json.loads(path.read_text())
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")


def _batches(items: Sequence, size: int = _BATCH) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ------------------------------------------------------------------------------------------------
# Reading


class SegmentCatalog:
    """A segment's metadata and catalog, without its vectors or postings (what writers need).

    Parameters
    ----------
    path : Path
        The segment directory, or a format-1 generation directory (``legacy``).
    """

    def __init__(self, path: Path, legacy: bool = False):
        self.path = path
        self.name = path.name
        self.legacy = legacy
        if not (path / "catalog.sqlite").exists():
            # Removed by a clean-up after newer generations: say so as a missing file.
            raise FileNotFoundError(path / "catalog.sqlite")
        self.db = connect(path / "catalog.sqlite", readonly=True)
        self._lock = threading.Lock()
        self._columns = {r["name"] for r in self.db.execute("PRAGMA table_info(articles)")}
        if legacy:
            manifest = Manifest.read(path / "manifest.json")
            rows = self.db.execute("SELECT COALESCE(MAX(row), 0) FROM articles").fetchone()[0]
            self.meta = SegmentMeta(
                name=path.name,
                model=manifest.model,
                dimension=manifest.dimension,
                chunking=manifest.chunking,
                index_type=manifest.index_type,
                rows=rows,
                articles=manifest.articles,
                duplicates=manifest.duplicates,
                chunks=manifest.chunks,
                quotes=manifest.quotes,
                quotes_version=manifest.quotes_version,
                titles=manifest.titles and (path / TITLES_FILE).exists(),
                created=manifest.built_at,
                format=1,
            )
        else:
            self.meta = SegmentMeta.read(path / META)

    def added_columns(self, table: str = "articles") -> str:
        """Select-list items for the article columns added since the first segments
        (``partial, updated``), named ``table`` in the query: an older catalog, never altered
        since segments are immutable, reads as holding their defaults."""
        return ", ".join(
            f"{table}.{name}" if name in self._columns else f"{_sql(default)} AS {name}"
            for name, default in _ADDED_COLUMNS.items()
        )

    def query(self, sql: str, parameters: Sequence = ()) -> list:
        """Run a read-only query against this segment's catalog."""
        with self._lock:
            return self.db.execute(sql, parameters).fetchall()

    def versions(self, where: str, values: Sequence, deleted: set[int]) -> list[StoredVersion]:
        """Live article versions matching ``where`` (a clause over ``articles`` with ``?``s)."""
        found = []
        for batch in _batches(list(values)) if values else [()]:
            marks = ",".join("?" * len(batch))
            rows = self.query(
                "SELECT row, id, content_hash, text_hash, origin_path, indexed_at, duplicate_of "
                f"FROM articles WHERE {where.format(marks=marks)}",
                list(batch),
            )
            found += [
                StoredVersion(
                    r["id"],
                    r["content_hash"],
                    r["text_hash"],
                    r["origin_path"],
                    r["indexed_at"],
                    r["duplicate_of"],
                    (self.name, r["row"]),
                )
                for r in rows
                if r["row"] not in deleted
            ]
        return found

    def close(self) -> None:
        with self._lock:
            self.db.close()


class Segment(SegmentCatalog):
    """A loaded, read-only segment: everything search needs, safe for concurrent readers."""

    def __init__(self, path: Path, legacy: bool = False):
        super().__init__(path, legacy)
        meta = self.meta
        rows = self.query("SELECT row, published_ts, source, duplicate_of FROM articles")
        size = meta.rows + 1
        self.article_published = np.full(size, np.nan)
        self.article_duplicate = np.zeros(size, dtype=bool)
        sources = sorted({r["source"] or "" for r in rows})
        self.source_names = sources
        codes = {name: code for code, name in enumerate(sources)}
        self.article_source = np.zeros(size, dtype=np.int32)
        for r in rows:
            if r["published_ts"] is not None:
                self.article_published[r["row"]] = r["published_ts"]
            self.article_duplicate[r["row"]] = r["duplicate_of"] is not None
            self.article_source[r["row"]] = codes[r["source"] or ""]
        if (path / CHUNKS_FILE).exists():
            self.chunk_article = np.load(path / CHUNKS_FILE).astype(np.int64)
        else:
            self.chunk_article = np.array(
                [r[0] for r in self.query("SELECT article_row FROM chunks ORDER BY position")],
                dtype=np.int64,
            )
        self.vectors = VectorIndex.open(path, meta.index_type)
        if legacy:
            self.postings = None
            self.legacy_keywords = KeywordIndex.load(path / "keyword")
            keyword_size = self.legacy_keywords.size
        else:
            self.postings = Postings.load(path / POSTINGS)
            self.legacy_keywords = None
            keyword_size = self.postings.size
        # Memory-mapped when first opened, so a reader keeps them after the files are removed.
        self.titles = np.load(path / TITLES_FILE, mmap_mode="r") if meta.titles else None
        vectors_file = path / quote_index.VECTORS_FILE
        self.quote_vectors = (
            np.load(vectors_file, mmap_mode="r")
            if meta.quotes_version > 0 and vectors_file.exists()
            else None
        )
        self.quotes = SegmentQuotes(self)
        chunks = len(self.chunk_article)
        if not chunks == self.vectors.size == keyword_size:
            raise IndexMismatchError(
                f"segment {path.name} is inconsistent: {chunks} chunks, "
                f"{self.vectors.size} vectors, {keyword_size} keyword documents"
            )


class SegmentedVectors:
    """Dense search over the live chunks of several segments (ids are global positions)."""

    def __init__(self, parts: Sequence[tuple[VectorIndex, int, np.ndarray | None]]):
        self._parts = list(parts)
        self.size = sum(int(live.sum()) if live is not None else v.size for v, _, live in parts)

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Global positions and inner products of the ``k`` nearest live vectors, best first."""
        found_ids, found_scores = [], []
        for index, offset, live in self._parts:
            mask = live
            if allowed is not None:
                part = allowed[offset : offset + index.size]
                mask = part if mask is None else part & mask
            if mask is not None and not mask.any():
                continue
            ids, scores = index.search(query, k, mask)
            found_ids.append(ids + offset)
            found_scores.append(scores)
        if not found_ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if len(found_ids) == 1:
            return found_ids[0], found_scores[0]
        ids, scores = np.concatenate(found_ids), np.concatenate(found_scores)
        order = np.lexsort((ids, -scores))[:k]
        return ids[order], scores[order]


class Snapshot:
    """One committed generation, loaded: a consistent read-only view of the collection.

    Implements :class:`index.storage.Collection`. Chunk positions and article rows are global
    within the snapshot: segment ``i``'s position ``p`` is ``chunk_offsets[i] + p`` and its row
    ``r`` is ``row_offsets[i] + r``.

    Parameters
    ----------
    path : Path
        A committed generation directory.
    cache : dict, optional
        Segments already loaded (by name), reused instead of loaded again (they are immutable).
    """

    # Everything is in this process: search runs the retrievers one after the other.
    waits_on_server = False

    def __init__(self, path: Path, cache: dict[str, Segment] | None = None):
        self.path = Path(path)
        self.manifest = Manifest.read(self.path / "manifest.json")
        cache = cache if cache is not None else {}
        if self.manifest.format < 2:
            self.segments = [cache.get(self.path.name) or Segment(self.path, legacy=True)]
            deleted = [np.zeros(0, dtype=np.int64)]
        else:
            root = self.path.parent / SEGMENTS
            self.segments = [
                cache.get(s["name"]) or Segment(root / s["name"]) for s in self.manifest.segments
            ]
            deleted = [
                np.asarray(s.get("deleted", []), dtype=np.int64) for s in self.manifest.segments
            ]
        self.deleted = deleted
        self._build()

    def _build(self) -> None:
        segments = self.segments
        self.row_offsets = np.cumsum([0] + [s.meta.rows for s in segments])[:-1].astype(np.int64)
        self.chunk_offsets = np.cumsum([0] + [len(s.chunk_article) for s in segments]).astype(
            np.int64
        )
        self.live_rows: list[np.ndarray] = []
        chunk_live: list[np.ndarray | None] = []
        for segment, deleted in zip(segments, self.deleted, strict=True):
            alive = np.ones(segment.meta.rows + 1, dtype=bool)
            alive[0] = False
            alive[deleted] = False
            self.live_rows.append(alive)
            chunk_live.append(alive[segment.chunk_article] if len(deleted) else None)
        names = sorted({n for s in segments for n in s.source_names})
        self.source_names = names
        codes = {n: i for i, n in enumerate(names)}
        articles, published, sources = [], [], []
        for segment, offset in zip(segments, self.row_offsets.tolist(), strict=True):
            articles.append(segment.chunk_article + offset)
            published.append(segment.article_published[segment.chunk_article])
            remap = np.array([codes[n] for n in segment.source_names] or [0], dtype=np.int32)
            sources.append(remap[segment.article_source[segment.chunk_article]])
        self.chunk_article = np.concatenate(articles) if articles else np.zeros(0, np.int64)
        self.chunk_published = np.concatenate(published) if published else np.zeros(0)
        self.chunk_source = np.concatenate(sources) if sources else np.zeros(0, np.int32)
        any_deleted = any(m is not None for m in chunk_live)
        self.live = (
            np.concatenate(
                [
                    m if m is not None else np.ones(len(s.chunk_article), dtype=bool)
                    for m, s in zip(chunk_live, segments, strict=True)
                ]
            )
            if any_deleted
            else None
        )
        offsets = self.chunk_offsets[:-1].tolist()
        self.vectors = SegmentedVectors(
            [(s.vectors, o, m) for s, o, m in zip(segments, offsets, chunk_live, strict=True)]
        )
        if len(segments) == 1 and segments[0].legacy:
            self.keywords = segments[0].legacy_keywords
        else:
            self.keywords = CollectionKeywords(
                [(s.postings, o, m) for s, o, m in zip(segments, offsets, chunk_live, strict=True)]
            )
        self.quotes = QuoteIndex(self)
        self._quote_offsets = np.cumsum([0] + [s.meta.quotes for s in segments])[:-1].tolist()

    # -- opening

    @classmethod
    def open_current(
        cls, index_dir: str | os.PathLike, cache: dict[str, Segment] | None = None
    ) -> Snapshot:
        """Load the live generation of ``index_dir``.

        Raises
        ------
        IndexNotFoundError
            If nothing usable was built there.
        """
        directory = IndexDirectory(index_dir)
        if not directory.path.is_dir():
            raise IndexNotFoundError(index_dir, "the directory does not exist")
        for attempt in range(5):
            current = directory.current()
            if current is None:
                raise IndexNotFoundError(index_dir)
            try:
                snapshot = cls(current, cache)
                break
            except (FileNotFoundError, sqlite3.OperationalError):
                # Two commits happened while this one loaded, and the second removed what the
                # first replaced: load the newest instead.
                if attempt == 4:
                    raise
        if snapshot.manifest.articles == 0:
            raise IndexNotFoundError(index_dir, "the index holds no articles")
        return snapshot

    def check_model(self, model: str, dimension: int) -> None:
        """Refuse to search with a model other than the one the vectors came from."""
        message = model_mismatch(str(self.path.parent), self.manifest, model, dimension)
        if message:
            raise IndexMismatchError(message)

    # -- filters and per-position facts (what search asks of the collection)

    @property
    def version(self) -> str:
        """The generation this view reads (compare with :meth:`EmbeddedStore.current_version`)."""
        return self.path.name

    @property
    def reusable(self) -> dict[str, Segment]:
        """The loaded segments by name, for the next view of this store to reuse."""
        return {segment.name: segment for segment in self.segments}

    def allowed(
        self,
        sources: Iterable[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> np.ndarray | None:
        """A mask over chunk positions of the chunks passing the filters (None: no filter).

        Undated chunks fail ``since`` and ``until``; outlets match case-insensitively.
        """
        mask = None
        if sources:
            wanted = {s.strip().casefold() for s in sources if s and s.strip()}
            codes = [i for i, name in enumerate(self.source_names) if name.casefold() in wanted]
            mask = np.isin(self.chunk_source, codes)
        published = self.chunk_published
        with np.errstate(invalid="ignore"):
            if since is not None:
                after = published >= to_utc(since).timestamp()
                mask = after if mask is None else mask & after
            if until is not None:
                before = published <= to_utc(until).timestamp()
                mask = before if mask is None else mask & before
        return mask

    def matches(self, allowed: np.ndarray) -> bool:
        """Whether any live chunk passes ``allowed`` (from :meth:`allowed`)."""
        live = self.live
        return bool((allowed if live is None else allowed & live).any())

    def chunk_facts(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The article row (int64) and publication time (UTC seconds, NaN: undated) of each
        chunk position, in order."""
        return self.chunk_article[positions], self.chunk_published[positions]

    # -- addressing

    def _segment_of_row(self, row: int) -> int:
        return int(np.searchsorted(self.row_offsets, row, side="left")) - 1

    def _split_rows(self, rows: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
        """Global rows grouped by segment index as ``(global, local)`` pairs."""
        grouped: dict[int, list[tuple[int, int]]] = {}
        for row in rows:
            row = int(row)
            index = self._segment_of_row(row)
            grouped.setdefault(index, []).append((row, row - int(self.row_offsets[index])))
        return grouped

    def _split_positions(self, positions: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
        grouped: dict[int, list[tuple[int, int]]] = {}
        for position in positions:
            position = int(position)
            index = int(np.searchsorted(self.chunk_offsets, position, side="right")) - 1
            grouped.setdefault(index, []).append(
                (position, position - int(self.chunk_offsets[index]))
            )
        return grouped

    # -- reads

    @property
    def titles(self) -> bool | None:
        """True when every segment has title vectors (None otherwise, as before segments)."""
        return True if all(s.titles is not None for s in self.segments) else None

    def title_cosines(self, rows: Sequence[int], query: np.ndarray) -> np.ndarray | None:
        """Cosines between ``query`` (shape ``(dimension,)``, unit length) and the titles of
        article rows, shape ``(len(rows),)`` (0: no title vector); None: no titles at all."""
        titles = self.title_vectors(rows)
        return None if titles is None else titles @ query

    def title_vectors(self, rows: Sequence[int]) -> np.ndarray | None:
        """Title vectors of global article rows (zeros for a segment without them)."""
        if not any(s.titles is not None for s in self.segments):
            return None
        result = np.zeros((len(rows), self.manifest.dimension), dtype=np.float32)
        where = {row: i for i, row in enumerate(rows)}
        for index, pairs in self._split_rows(rows).items():
            titles = self.segments[index].titles
            if titles is None:
                continue
            result[[where[g] for g, _ in pairs]] = titles[[local for _, local in pairs]]
        return result

    def chunks(self, positions: Iterable[int]) -> dict[int, StoredChunk]:
        """Chunk rows by global position."""
        found: dict[int, StoredChunk] = {}
        for index, pairs in self._split_positions(positions).items():
            segment, offset = self.segments[index], int(self.row_offsets[index])
            local = {loc: g for g, loc in pairs}
            marks = ",".join("?" * len(local))
            for row in segment.query(
                f"SELECT position, article_row, ordinal, start, end, text FROM chunks "
                f"WHERE position IN ({marks})",
                list(local),
            ):
                data = dict(row)
                data["position"] = local[row["position"]]
                data["article_row"] = row["article_row"] + offset
                found[data["position"]] = StoredChunk(**data)
        return found

    def articles(self, rows: Iterable[int]) -> dict[int, StoredArticle]:
        """Article metadata by global row."""
        found: dict[int, StoredArticle] = {}
        for index, pairs in self._split_rows(rows).items():
            segment, offset = self.segments[index], int(self.row_offsets[index])
            marks = ",".join("?" * len(pairs))
            for row in segment.query(
                f"SELECT row, id, title, url, source, published, authors, "
                f"{segment.added_columns()} FROM articles WHERE row IN ({marks})",
                [local for _, local in pairs],
            ):
                article = _stored_article(row)
                found[row["row"] + offset] = StoredArticle(
                    **{**asdict(article), "row": row["row"] + offset}
                )
        return found

    def chunks_and_articles(
        self, positions: Iterable[int], rows: Iterable[int]
    ) -> tuple[dict[int, StoredChunk], dict[int, StoredArticle]]:
        """:meth:`chunks` and :meth:`articles` at once."""
        return self.chunks(positions), self.articles(rows)

    def article_text(self, row: int) -> str:
        """The full text of one article."""
        index = self._segment_of_row(row)
        local = int(row) - int(self.row_offsets[index])
        return self.segments[index].query("SELECT text FROM articles WHERE row = ?", (local,))[0][
            "text"
        ]

    def article_rows_by_id(self, article_ids: Iterable[str]) -> dict[str, int]:
        """Map live article ids (including ids of stored duplicates) to global rows."""
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return {}
        found: dict[str, int] = {}
        pointers: dict[str, str] = {}
        for index, segment in enumerate(self.segments):
            alive, offset = self.live_rows[index], int(self.row_offsets[index])
            for batch in _batches(ids):
                marks = ",".join("?" * len(batch))
                for row in segment.query(
                    f"SELECT id, row, duplicate_of FROM articles WHERE id IN ({marks})", batch
                ):
                    if not alive[row["row"]]:
                        continue
                    if row["duplicate_of"] is None:
                        found[row["id"]] = row["row"] + offset
                    else:
                        pointers[row["id"]] = row["duplicate_of"]
        if pointers:
            canonical = self.article_rows_by_id(set(pointers.values()) - set(found))
            canonical.update(found)
            for article_id, original in pointers.items():
                if original in canonical:
                    found[article_id] = canonical[original]
        return found

    def quote_parts(self) -> list[SegmentQuotePart]:
        """Each segment's quotations, with its row and quotation id offsets and live rows."""
        return [
            SegmentQuotePart(segment, int(offset), int(quote_offset), alive)
            for segment, offset, quote_offset, alive in zip(
                self.segments, self.row_offsets, self._quote_offsets, self.live_rows, strict=True
            )
        ]

    def query(self, sql: str, parameters: Sequence = ()) -> list:
        """Run a read-only query against every segment's catalog and return all rows.

        For inspection and tests only: rows keep their segment-local numbers and tombstoned
        rows are included. Search and answers use the methods above.
        """
        return [row for segment in self.segments for row in segment.query(sql, parameters)]

    def stats(self) -> IndexStats:
        """Counts per outlet and the manifest's facts."""
        per_source: dict[str, list] = {}
        for segment, alive in zip(self.segments, self.live_rows, strict=True):
            canonical = alive & ~segment.article_duplicate
            rows = np.flatnonzero(canonical)
            if not len(rows):
                continue
            codes = segment.article_source[rows]
            for code in np.unique(codes).tolist():
                members = rows[codes == code]
                published = segment.article_published[members]
                name = segment.source_names[code]
                entry = per_source.setdefault(name, [0, -math.inf, None])
                entry[0] += len(members)
                if not np.isnan(published).all():
                    best = int(members[np.nanargmax(published)])
                    moment = float(np.nanmax(published))
                    if moment > entry[1]:
                        entry[1], entry[2] = moment, (segment, best)
        sources = []
        for name, (count, _, where) in per_source.items():
            newest = None
            if where is not None:
                segment, row = where
                newest = parse_timestamp(
                    segment.query("SELECT published FROM articles WHERE row = ?", (row,))[0][0]
                )
            sources.append(SourceStats(name or "(unknown outlet)", count, newest))
        return collection_stats(self.manifest, sources)

    def close(self) -> None:
        """Nothing to release: segments are closed when no snapshot uses them any more."""


# ------------------------------------------------------------------------------------------------
# Writing


def _article_values(article: Article, duplicate_of: str | None, indexed_at: str) -> dict:
    published = article.published
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "url": article.url,
        "source": article.source,
        "published": published.isoformat() if published else None,
        "published_ts": published.timestamp() if published else None,
        "authors": json.dumps(list(article.authors)),
        "content_hash": article.content_hash,
        "text_hash": article.text_hash,
        "origin": article.origin,
        "origin_path": article.origin_path,
        "duplicate_of": duplicate_of,
        "indexed_at": indexed_at,
        "partial": int(article.partial),
        "updated": article.updated.isoformat() if article.updated else None,
    }


def _article_from_row(r) -> Article:
    return Article(
        id=r["id"],
        title=r["title"],
        text=r["text"],
        url=r["url"],
        source=r["source"],
        published=parse_timestamp(r["published"]),
        authors=tuple(json.loads(r["authors"] or "[]")),
        origin=r["origin"],
        origin_path=r["origin_path"],
        partial=bool(column(r, "partial", False)),
        updated=parse_timestamp(column(r, "updated")),
    )


# Article columns added after segments were first written, with the value older rows stand for.
_ADDED_COLUMNS = {"partial": 0, "updated": None}


def _sql(value) -> str:
    return "NULL" if value is None else repr(value)


_ARTICLE_COLUMNS = (
    "id",
    "title",
    "text",
    "url",
    "source",
    "published",
    "published_ts",
    "authors",
    "content_hash",
    "text_hash",
    "origin",
    "origin_path",
    "duplicate_of",
    "indexed_at",
    *_ADDED_COLUMNS,
)


class SegmentWriter:
    """Writes one new segment into a scratch directory, article by article."""

    def __init__(
        self, scratch: Path, name: str, model: str, dimension: int, chunking: dict, index_type
    ):
        self.scratch = scratch
        self.meta = SegmentMeta(
            name=name,
            model=model,
            dimension=dimension,
            chunking=chunking,
            index_type=index_type,
            quotes_version=quote_index.QUOTES_VERSION,
            titles=True,
        )
        self.db = connect(scratch / "catalog.sqlite")
        self.db.executescript(SCHEMA)
        self._vectors: list[np.ndarray] = []
        self._chunk_article: list[int] = []
        self._keyword_texts: list[str] = []
        self._titles: dict[int, np.ndarray] = {}
        self._quote_vectors: list[np.ndarray] = []

    def add(
        self,
        values: dict,
        chunks: Sequence[dict] = (),
        vectors: np.ndarray | None = None,
        keyword_texts: Sequence[str] | None = None,
        quotes: Sequence = (),
        quote_vectors: np.ndarray | None = None,
        title_vector: np.ndarray | None = None,
    ) -> int:
        """Store one article version; returns its row in this segment."""
        meta = self.meta
        meta.rows += 1
        row = meta.rows
        self.db.execute(
            f"INSERT INTO articles (row, {','.join(_ARTICLE_COLUMNS)}) "
            f"VALUES (?{',?' * len(_ARTICLE_COLUMNS)})",
            (row, *(values[c] for c in _ARTICLE_COLUMNS)),
        )
        if values["duplicate_of"] is not None:
            meta.duplicates += 1
            return row
        meta.articles += 1
        if chunks:
            if vectors is None or len(vectors) != len(chunks):
                raise BuildError(f"internal error: vectors do not match {values['id']}'s chunks")
            self.db.executemany(
                "INSERT INTO chunks (position, article_row, ordinal, start, end, text, tokens) "
                "VALUES (?,?,?,?,?,?,?)",
                [
                    (
                        meta.chunks + i,
                        row,
                        c["ordinal"],
                        c["start"],
                        c["end"],
                        c["text"],
                        c["tokens"],
                    )
                    for i, c in enumerate(chunks)
                ],
            )
            meta.chunks += len(chunks)
            self._vectors.append(np.asarray(vectors, dtype=np.float32))
            self._chunk_article += [row] * len(chunks)
            if keyword_texts is not None:
                self._keyword_texts += list(keyword_texts)
        for record in quotes:
            quote_index.insert(self.db, meta.quotes, row, record)
            meta.quotes += 1
        if len(quotes):
            if quote_vectors is None or len(quote_vectors) != len(quotes):
                raise BuildError(f"internal error: quote vectors do not match {values['id']}")
            self._quote_vectors.append(np.asarray(quote_vectors, dtype=np.float32))
        if title_vector is not None:
            self._titles[row] = title_vector
        else:
            meta.titles = False
        return row

    @property
    def empty(self) -> bool:
        return self.meta.rows == 0

    def finish(self, postings: Postings | None = None) -> SegmentMeta:
        """Write the arrays, postings and meta, and flush everything to disk."""
        meta, scratch = self.meta, self.scratch
        self.db.commit()
        self.db.close()
        dimension = meta.dimension
        vectors = (
            np.concatenate(self._vectors) if self._vectors else np.zeros((0, dimension), np.float32)
        )
        np.save(scratch / "vectors.npy", vectors)
        np.save(scratch / CHUNKS_FILE, np.asarray(self._chunk_article, dtype=np.int32))
        quotes = (
            np.concatenate(self._quote_vectors)
            if self._quote_vectors
            else np.zeros((0, dimension), np.float32)
        )
        if len(quotes) != meta.quotes:
            raise BuildError(f"internal error: {len(quotes)} vectors for {meta.quotes} quotations")
        np.save(scratch / quote_index.VECTORS_FILE, quotes)
        titles = np.zeros((meta.rows + 1, dimension), dtype=np.float32)
        for row, vector in self._titles.items():
            titles[row] = vector
        np.save(scratch / TITLES_FILE, titles)
        if meta.index_type != "flat":
            VectorIndex.build(vectors, meta.index_type).save(scratch / "vectors.faiss")
        if postings is None:
            postings = Postings.build(self._keyword_texts)
        if postings.size != meta.chunks:
            raise BuildError(f"internal error: {postings.size} keyword documents, {meta.chunks}")
        postings.save(scratch / POSTINGS)
        meta.created = utc_now().isoformat()
        meta.write(scratch / META)
        for item in scratch.rglob("*"):
            if item.is_file():
                fsync(item)
        fsync(scratch)
        return meta

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.db.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


@dataclass(frozen=True)
class MergePolicy:
    """When segments are merged (tiered, as Lucene's TieredMergePolicy).

    Segments are put in size tiers (``floor_chunks`` and below, then each ``tier_factor``
    times larger); once a tier holds ``segments_per_tier`` segments they are merged into one.
    A segment above the floor whose tombstoned share of rows reaches ``deleted_share`` is
    rewritten without them.
    """

    segments_per_tier: int = 10
    floor_chunks: int = 1000
    tier_factor: float = 10.0
    deleted_share: float = 0.25

    def tier(self, chunks: int) -> int:
        if chunks <= self.floor_chunks:
            return 0
        return 1 + int(math.log(chunks / self.floor_chunks, self.tier_factor))

    def plan(self, entries: Sequence[dict], metas: dict[str, SegmentMeta]) -> list[str]:
        """Names of the segments to merge next (empty: none)."""
        tiers: dict[int, list[str]] = {}
        for entry in entries:
            tiers.setdefault(self.tier(entry["chunks"]), []).append(entry["name"])
        for tier in sorted(tiers):
            if len(tiers[tier]) >= self.segments_per_tier:
                return tiers[tier]
        for entry in entries:
            meta = metas[entry["name"]]
            # Small segments lose their tombstones when their tier merges.
            if meta.chunks <= self.floor_chunks or not meta.rows:
                continue
            if len(entry.get("deleted", [])) / meta.rows >= self.deleted_share:
                return [entry["name"]]
        return []


class EmbeddedStore:
    """The embedded store of one index directory; see the module docstring.

    Parameters
    ----------
    path : path-like
        The index directory (created by the first build).
    policy : MergePolicy, optional
        When :meth:`merge` merges without being told what.
    """

    kind = "embedded"

    def __init__(self, path: str | os.PathLike, policy: MergePolicy | None = None):
        self.directory = IndexDirectory(path)
        self.path = self.directory.path
        self.location = str(path)
        self.policy = policy or MergePolicy()
        self._metas: dict[str, SegmentMeta] = {}

    def __str__(self) -> str:
        return str(self.path)

    @property
    def segments_dir(self) -> Path:
        return self.path / SEGMENTS

    def current_version(self) -> str | None:
        """Name of the live generation, or None."""
        current = self.directory.current()
        return current.name if current is not None else None

    def open(self, cache: dict[str, Segment] | None = None) -> Snapshot:
        """Load the live generation (reusing ``cache``'s segments)."""
        return Snapshot.open_current(self.path, cache)

    def manifest(self) -> Manifest | None:
        """The live generation's manifest, or None."""
        current = self.directory.current()
        return Manifest.read(current / "manifest.json") if current is not None else None

    def meta(self, name: str) -> SegmentMeta:
        if name not in self._metas:
            self._metas[name] = SegmentMeta.read(self.segments_dir / name / META)
        return self._metas[name]

    # -- the one writer

    @contextlib.contextmanager
    def writer(self) -> Iterator[EmbeddedWriter]:
        """The exclusive writer (raises BuildInProgressError while another one runs)."""
        with self.directory.build_lock():
            self.collect(build_scratch=True)
            self._migrate_legacy()
            writer = EmbeddedWriter(self)
            try:
                yield writer
            finally:
                writer.close()

    def scratch(self, kind: str) -> tuple[str, Path]:
        """A new segment name and its scratch directory (``kind``: build or merge)."""
        with self.directory.commit_lock():
            self.segments_dir.mkdir(parents=True, exist_ok=True)
            number = self.directory.next_number("seg", self.segments_dir)
            name = f"seg-{number:06d}"
            scratch = self.segments_dir / f"{name}.tmp-{os.getpid()}-{kind}"
            scratch.mkdir()
        return name, scratch

    def commit(
        self,
        make: Callable[[Manifest | None], Manifest],
        new_segments: Sequence[tuple[str, Path]] = (),
        build_scratch: bool = False,
    ) -> Manifest:
        """Commit a generation: ``make`` turns the live manifest into the next one, under the
        commit lock; new segments are renamed into place first. Returns the committed one."""
        with self.directory.commit_lock():
            manifest = make(self.manifest())
            for name, scratch in new_segments:
                os.replace(scratch, self.segments_dir / name)
            if new_segments:
                fsync(self.segments_dir)
            number = self.directory.next_number("gen", self.path)
            manifest.generation = number
            manifest.built_at = utc_now().isoformat()
            manifest.format = FORMAT_VERSION
            name = f"gen-{number:06d}"
            scratch = self.path / f"{name}.tmp-{os.getpid()}-{threading.get_ident()}"
            scratch.mkdir()
            manifest.write(scratch / "manifest.json")
            fsync(scratch / "manifest.json")
            os.replace(scratch, self.path / name)
            fsync(self.path)
            self.directory.switch(name)
            self._collect_locked(build_scratch=build_scratch)
        return manifest

    # -- recovery and clean-up

    def collect(self, build_scratch: bool = False) -> None:
        """Remove what no reader can reach: generations but the live one and the one before,
        segments they do not list, and scratch left by killed writers (merge scratch only
        while no merge runs)."""
        with self.directory.commit_lock():
            self._collect_locked(build_scratch)

    def _collect_locked(self, build_scratch: bool) -> None:
        current = self.directory.current()
        if current is None:
            return
        committed = self.directory.generations()
        older = [g for g in committed if g.name < current.name]
        keep = {current.name} | ({older[-1].name} if older else set())
        for item in self.path.iterdir():
            if not item.name.startswith("gen-") or item.name in keep:
                continue
            # Scratch generations too: commits happen only under the lock held here.
            log.info("removing %s (not live)", item.name)
            shutil.rmtree(item, ignore_errors=True)
        referenced: set[str] = set()
        for name in keep:
            manifest = Manifest.read(self.path / name / "manifest.json")
            referenced |= {s["name"] for s in manifest.segments}
        if not self.segments_dir.is_dir():
            return
        with self.directory.merge_lock() as no_merge:
            for item in self.segments_dir.iterdir():
                if ".tmp-" in item.name:
                    kind = item.name.rsplit("-", 1)[-1]
                    if (kind == "build" and build_scratch) or (kind == "merge" and no_merge):
                        log.warning("removing %s left by an interrupted %s", item.name, kind)
                        shutil.rmtree(item, ignore_errors=True)
                elif item.name not in referenced:
                    shutil.rmtree(item, ignore_errors=True)
                    self._metas.pop(item.name, None)

    def _migrate_legacy(self) -> None:
        """Turn a format-1 live generation into a one-segment generation (files hard-linked,
        keyword postings computed from the chunk texts; nothing re-embedded)."""
        current = self.directory.current()
        if current is None:
            return
        manifest = Manifest.read(current / "manifest.json")
        if manifest.format >= 2:
            return
        started = time.perf_counter()
        log.info("migrating %s to segments (once; nothing is re-embedded)", current.name)
        old = SegmentCatalog(current, legacy=True)
        name, scratch = self.scratch("build")
        try:
            for file in ("catalog.sqlite", "vectors.npy", quote_index.VECTORS_FILE, TITLES_FILE):
                if (current / file).exists():
                    _link_or_copy(current / file, scratch / file)
            if manifest.index_type != "flat" and (current / "vectors.faiss").exists():
                _link_or_copy(current / "vectors.faiss", scratch / "vectors.faiss")
            rows = old.query(
                "SELECT c.article_row, a.title, c.text FROM chunks c "
                "JOIN articles a ON a.row = c.article_row ORDER BY c.position"
            )
            np.save(scratch / CHUNKS_FILE, np.array([r[0] for r in rows], dtype=np.int32))
            prepend = manifest.chunking.get("prepend_title", True)
            from .chunking import embedding_text

            Postings.build([embedding_text(r[1], r[2], prepend) for r in rows]).save(
                scratch / POSTINGS
            )
            meta = old.meta
            meta.name, meta.format, meta.created = name, FORMAT_VERSION, utc_now().isoformat()
            if not (scratch / quote_index.VECTORS_FILE).exists():
                meta.quotes_version = 0
            meta.titles = meta.titles and (scratch / TITLES_FILE).exists()
            meta.write(scratch / META)
            for item in scratch.rglob("*"):
                if item.is_file():
                    fsync(item)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        finally:
            old.close()

        def make(_: Manifest | None) -> Manifest:
            entry = {
                "name": name,
                "deleted": [],
                "articles": meta.articles,
                "duplicates": meta.duplicates,
                "chunks": meta.chunks,
                "quotes": meta.quotes,
            }
            return _manifest_for(manifest, [entry], {name: meta})

        self.commit(make, [(name, scratch)], build_scratch=True)
        log.info("migrated in %.1f s", time.perf_counter() - started)

    # -- merging

    def merge_plan(self) -> list[str]:
        """What the policy would merge now."""
        manifest = self.manifest()
        if manifest is None or manifest.format < 2:
            return []
        metas = {s["name"]: self.meta(s["name"]) for s in manifest.segments}
        return self.policy.plan(manifest.segments, metas)

    def merge(
        self,
        *,
        everything: bool = False,
        names: Sequence[str] | None = None,
        embedder=None,
        upgrade: bool = False,
    ) -> MergeSummary | None:
        """Merge segments into one: those the policy picks, ``names``, or all (``everything``).

        Returns None when there is nothing to merge or another merge is running. With
        ``upgrade`` (and an ``embedder``) the quotations of segments written by an older
        extractor are extracted again and missing title vectors embedded.
        """
        with self.directory.merge_lock() as mine:
            if not mine:
                return None
            return self._merge(everything, names, embedder, upgrade)

    def _merge(self, everything, names, embedder, upgrade) -> MergeSummary | None:
        started = time.perf_counter()
        base = self.manifest()
        if base is None or base.format < 2:
            return None
        entries = {s["name"]: s for s in base.segments}
        if names is None:
            if everything:
                names = list(entries)
                if len(names) == 1 and not entries[names[0]].get("deleted"):
                    return None
            else:
                names = self.merge_plan()
        names = [n for n in entries if n in set(names)]
        if not names:
            return None
        name, scratch = self.scratch("merge")
        writer = SegmentWriter(
            scratch, name, base.model, base.dimension, base.chunking, base.index_type
        )
        mapping: dict[tuple[str, int], int] = {}
        dropped = 0
        try:
            parts = []
            for segment_name in names:
                dropped += self._copy_segment(
                    segment_name,
                    set(entries[segment_name].get("deleted", [])),
                    writer,
                    mapping,
                    parts,
                    embedder if upgrade else None,
                )
            meta = writer.finish(Postings.merge(parts))
        except BaseException:
            writer.abort()
            raise

        def make(current: Manifest | None) -> Manifest:
            if current is None or current.format < 2:
                raise BuildError("the index changed format while merging")
            live = {s["name"]: s for s in current.segments}
            missing = [n for n in names if n not in live]
            if missing:
                raise BuildError(f"internal error: segments {missing} vanished during a merge")
            # Deletes committed while this merge ran: carry them to the merged rows.
            deleted = []
            for segment_name in names:
                since = set(live[segment_name].get("deleted", [])) - set(
                    entries[segment_name].get("deleted", [])
                )
                deleted += [mapping[(segment_name, row)] for row in since]
            entry = {"name": name, "deleted": sorted(deleted)}
            _count_live(entry, scratch if scratch.exists() else self.segments_dir / name, meta)
            segments = []
            for s in current.segments:
                if s["name"] == names[0]:
                    segments.append(entry)
                elif s["name"] not in names:
                    segments.append(s)
            all_metas = {s["name"]: self.meta(s["name"]) for s in segments if s["name"] != name}
            all_metas[name] = meta
            return _manifest_for(current, segments, all_metas)

        committed = self.commit(make, [(name, scratch)])
        self._metas[name] = meta
        summary = MergeSummary(
            merged=names,
            into=name,
            articles=meta.articles,
            chunks=meta.chunks,
            dropped_rows=dropped,
            seconds=time.perf_counter() - started,
            generation=committed.generation,
        )
        log.info(
            "merged %d segments into %s (%d chunks, %d tombstoned rows dropped) in %.1f s",
            len(names),
            name,
            meta.chunks,
            dropped,
            summary.seconds,
        )
        return summary

    def _copy_segment(self, name, deleted, writer, mapping, parts, embedder) -> int:
        """Copy a segment's live rows into ``writer``; returns how many rows were dropped."""
        source = SegmentCatalog(self.segments_dir / name)
        try:
            meta = source.meta
            vectors = np.load(source.path / "vectors.npy", mmap_mode="r")
            chunk_article = np.load(source.path / CHUNKS_FILE)
            titles = np.load(source.path / TITLES_FILE, mmap_mode="r") if meta.titles else None
            reextract = meta.quotes_version != quote_index.QUOTES_VERSION
            quote_vectors = (
                None
                if reextract
                else np.load(source.path / quote_index.VECTORS_FILE, mmap_mode="r")
            )
            if (reextract or titles is None) and embedder is None:
                raise BuildError(
                    f"segment {name} needs its quotations or titles rebuilt: merge with a model"
                )
            chunks_of: dict[int, list[dict]] = {}
            for row in source.query(
                "SELECT position, article_row, ordinal, start, end, text, tokens FROM chunks "
                "ORDER BY position"
            ):
                chunks_of.setdefault(row["article_row"], []).append(dict(row))
            keep_chunks = np.ones(len(chunk_article), dtype=bool)
            dropped = 0
            # Articles wait here until their new quotations' and titles' vectors are made, in
            # batches (one encode per article made an upgrade several times slower).
            pending: list[dict] = []

            def flush() -> None:
                contexts = [c for item in pending for c in item["contexts"]]
                titles_wanted = [item["values"]["title"] for item in pending if item["embed_title"]]
                quote_vecs = embedder.encode(contexts) if contexts else None
                title_vecs = iter(embedder.encode(titles_wanted) if titles_wanted else ())
                at = 0
                for item in pending:
                    count = len(item["contexts"])
                    if item["embed_title"]:
                        item["title"] = next(title_vecs)
                    if item["reextracted"]:
                        item["quote_vectors"] = quote_vecs[at : at + count] if count else None
                        at += count
                    add(item)
                pending.clear()

            def add(item: dict) -> None:
                values = item["values"]
                positions = item["positions"]
                mapping[(name, item["row"])] = writer.add(
                    values,
                    item["chunks"],
                    np.asarray(vectors[positions]) if positions else None,
                    None,
                    item["records"],
                    item["quote_vectors"],
                    item["title"] if values["duplicate_of"] is None else None,
                )

            for row in source.query("SELECT * FROM articles ORDER BY row"):
                local = row["row"]
                chunks = chunks_of.get(local, [])
                if local in deleted:
                    dropped += 1
                    for chunk in chunks:
                        keep_chunks[chunk["position"]] = False
                    continue
                values = {c: column(row, c, _ADDED_COLUMNS.get(c)) for c in _ARTICLE_COLUMNS}
                canonical = values["duplicate_of"] is None
                item = {
                    "row": local,
                    "values": values,
                    "chunks": chunks,
                    "positions": [c["position"] for c in chunks],
                    "title": titles[local] if titles is not None else None,
                    "embed_title": titles is None and canonical,
                    "reextracted": reextract and canonical,
                    "contexts": [],
                }
                if item["reextracted"]:
                    item["records"] = quote_index.extract(values["text"])
                    item["contexts"] = [r.context(values["text"]) for r in item["records"]]
                    item["quote_vectors"] = None
                else:
                    stored = quote_index.records_of(source.db, local)
                    item["records"] = [r for _, r in stored]
                    item["quote_vectors"] = (
                        np.asarray(quote_vectors[[i for i, _ in stored]]) if stored else None
                    )
                if item["reextracted"] or item["embed_title"] or pending:
                    pending.append(item)  # keeps the rows in order
                    if len(pending) >= 32:
                        flush()
                else:
                    add(item)
            flush()
            postings = Postings.load(source.path / POSTINGS)
            parts.append((postings, keep_chunks))
            return dropped
        finally:
            source.close()

    # -- export (for copying the collection to another store)

    def export(self) -> Iterator[NewArticle]:
        """Every live article with its chunks, vectors, quotations and title vector, as
        stored (nothing re-embedded; for ``python -m index copy``)."""
        with self.directory.build_lock():
            self._migrate_legacy()  # a format-1 generation becomes one segment first
        manifest = self.manifest()
        if manifest is None:
            return
        prepend = manifest.chunking.get("prepend_title", True)
        from .chunking import embedding_text

        for entry in manifest.segments:
            catalog = SegmentCatalog(self.segments_dir / entry["name"])
            try:
                deleted = set(entry.get("deleted", []))
                path = catalog.path
                vectors = np.load(path / "vectors.npy", mmap_mode="r")
                titles = np.load(path / TITLES_FILE, mmap_mode="r") if catalog.meta.titles else None
                vectors_file = path / quote_index.VECTORS_FILE
                quote_vectors = (
                    np.load(vectors_file, mmap_mode="r")
                    if catalog.meta.quotes_version > 0 and vectors_file.exists()
                    else None
                )
                chunks_of: dict[int, list[dict]] = {}
                for row in catalog.query(
                    "SELECT position, article_row, ordinal, start, end, text, tokens FROM chunks "
                    "ORDER BY position"
                ):
                    chunks_of.setdefault(row["article_row"], []).append(dict(row))
                for row in catalog.query("SELECT * FROM articles ORDER BY row"):
                    if row["row"] in deleted:
                        continue
                    article = _article_from_row(row)
                    chunks = chunks_of.get(row["row"], [])
                    stored = (
                        quote_index.records_of(catalog.db, row["row"])
                        if quote_vectors is not None
                        else []
                    )
                    canonical = row["duplicate_of"] is None
                    yield NewArticle(
                        article,
                        row["indexed_at"],
                        duplicate_of=row["duplicate_of"],
                        chunks=[
                            {k: c[k] for k in ("ordinal", "start", "end", "text", "tokens")}
                            for c in chunks
                        ],
                        vectors=(
                            np.asarray(vectors[[c["position"] for c in chunks]]) if chunks else None
                        ),
                        keyword_texts=[
                            embedding_text(article.title, c["text"], prepend) for c in chunks
                        ],
                        quotes=[r for _, r in stored],
                        quote_vectors=(
                            np.asarray(quote_vectors[[i for i, _ in stored]]) if stored else None
                        ),
                        title_vector=(
                            np.asarray(titles[row["row"]])
                            if titles is not None and canonical
                            else None
                        ),
                    )
            finally:
                catalog.close()


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _count_live(entry: dict, path: Path, meta: SegmentMeta) -> None:
    """Fill ``entry``'s live counts from ``meta`` minus its tombstoned rows."""
    entry.update(
        articles=meta.articles,
        duplicates=meta.duplicates,
        chunks=meta.chunks,
        quotes=meta.quotes,
    )
    deleted = entry.get("deleted", [])
    if not deleted:
        return
    catalog = SegmentCatalog(path)
    try:
        for batch in _batches(deleted):
            marks = ",".join("?" * len(batch))
            for row in catalog.query(
                f"SELECT row, duplicate_of IS NOT NULL AS dup, "
                f"(SELECT COUNT(*) FROM chunks WHERE article_row = a.row) AS chunks, "
                f"(SELECT COUNT(*) FROM quotes WHERE article_row = a.row) AS quotes "
                f"FROM articles a WHERE row IN ({marks})",
                list(batch),
            ):
                if row["dup"]:
                    entry["duplicates"] -= 1
                else:
                    entry["articles"] -= 1
                entry["chunks"] -= row["chunks"]
                entry["quotes"] -= row["quotes"]
    finally:
        catalog.close()


def _manifest_for(
    previous: Manifest, segments: list[dict], metas: dict[str, SegmentMeta]
) -> Manifest:
    """The next manifest: ``previous``'s settings, these segments and their totals."""
    used = [metas[s["name"]] for s in segments]
    return Manifest(
        model=previous.model,
        dimension=previous.dimension,
        chunking=previous.chunking,
        index_type=previous.index_type,
        articles=sum(s["articles"] for s in segments),
        chunks=sum(s["chunks"] for s in segments),
        duplicates=sum(s["duplicates"] for s in segments),
        quotes=sum(s["quotes"] for s in segments),
        quotes_version=min((m.quotes_version for m in used), default=quote_index.QUOTES_VERSION),
        titles=all(m.titles for m in used),
        segments=segments,
    )


@dataclass
class _Carried:
    version: StoredVersion
    article: Article
    indexed_at: str


class EmbeddedWriter:
    """The one change in progress on an embedded store (see :class:`index.storage.StoreWriter`).

    Lookups read the live generation's catalogs (never its vectors or postings); additions go
    into one new segment; deletes are kept as article ids and turned into tombstones when the
    generation is committed (after any merge that committed meanwhile).
    """

    def __init__(self, store: EmbeddedStore):
        self.store = store
        self._open()
        self._segment: SegmentWriter | None = None
        self._name: str | None = None
        self._deletes: set[str] = set()
        self._replace_all = False
        self._settings: dict | None = None

    def _open(self) -> None:
        self.manifest = self.store.manifest()
        self.catalogs: list[tuple[SegmentCatalog, set[int]]] = []
        if self.manifest is not None:
            for entry in self.manifest.segments:
                catalog = SegmentCatalog(self.store.segments_dir / entry["name"])
                self.catalogs.append((catalog, set(entry.get("deleted", []))))

    def _close_catalogs(self) -> None:
        for catalog, _ in self.catalogs:
            catalog.close()
        self.catalogs = []

    def close(self) -> None:
        self._close_catalogs()
        if self._segment is not None:
            self._segment.abort()
            self._segment = None

    @property
    def settings(self) -> Manifest | None:
        """The live generation's manifest (model, dimension, chunking, index type), or None."""
        return self.manifest

    # -- lookups

    def lookup(self, article_ids: Iterable[str]) -> dict[str, StoredVersion]:
        ids = list(dict.fromkeys(article_ids))
        found: dict[str, StoredVersion] = {}
        if not ids:
            return found
        for catalog, deleted in self.catalogs:
            for version in catalog.versions("id IN ({marks})", ids, deleted):
                found[version.id] = version
        return found

    def scan(self) -> list[StoredVersion]:
        found = []
        for catalog, deleted in self.catalogs:
            found += catalog.versions("1 = 1", [], deleted)
        return found

    def canonical_by_text(self, text_hashes: Iterable[str], exclude: set[str]) -> dict[str, str]:
        hashes = list(dict.fromkeys(text_hashes))
        found: dict[str, str] = {}
        if not hashes:
            return found
        for catalog, deleted in self.catalogs:
            for version in catalog.versions(
                "text_hash IN ({marks}) AND duplicate_of IS NULL", hashes, deleted
            ):
                if version.id not in exclude:
                    found.setdefault(version.text_hash, version.id)
        return found

    def duplicates_of(self, article_ids: Iterable[str]) -> list[StoredVersion]:
        ids = list(dict.fromkeys(article_ids))
        found: list[StoredVersion] = []
        if not ids:
            return found
        for catalog, deleted in self.catalogs:
            found += catalog.versions("duplicate_of IN ({marks})", ids, deleted)
        return found

    def _catalog(self, name: str) -> SegmentCatalog:
        for catalog, _ in self.catalogs:
            if catalog.name == name:
                return catalog
        raise KeyError(name)

    def load(self, versions: Iterable[StoredVersion]) -> dict[str, Article]:
        found: dict[str, Article] = {}
        by_segment: dict[str, list[int]] = {}
        for version in versions:
            by_segment.setdefault(version.location[0], []).append(version.location[1])
        for name, rows in by_segment.items():
            catalog = self._catalog(name)
            for batch in _batches(rows):
                marks = ",".join("?" * len(batch))
                for r in catalog.query(f"SELECT * FROM articles WHERE row IN ({marks})", batch):
                    found[r["id"]] = _article_from_row(r)
        return found

    # -- upgrades

    def outdated(self) -> bool:
        """Whether a segment's quotations come from an older extractor or it lacks titles."""
        return any(
            c.meta.quotes_version != quote_index.QUOTES_VERSION or not c.meta.titles
            for c, _ in self.catalogs
        )

    def upgrade(self, embedder) -> int | None:
        """Rewrite outdated segments (quotations extracted again, titles embedded)."""
        names = [
            c.name
            for c, _ in self.catalogs
            if c.meta.quotes_version != quote_index.QUOTES_VERSION or not c.meta.titles
        ]
        if not names:
            return None
        log.info("updating the quote index and title vectors of %d segment(s)", len(names))
        with self.store.directory.merge_lock(wait=True):
            summary = self.store._merge(False, names, embedder, True)
        self._close_catalogs()
        self._open()
        return summary.generation if summary else None

    # -- changes

    def begin(self, model: str, dimension: int, chunking: dict, index_type: str) -> None:
        """Settings of the segment this change writes (and of the collection, if it is new
        or everything is replaced)."""
        self._settings = {
            "model": model,
            "dimension": dimension,
            "chunking": chunking,
            "index_type": index_type,
        }

    def _writer(self) -> SegmentWriter:
        if self._segment is None:
            if self._settings is None:
                raise BuildError("internal error: begin() was not called")
            self._name, scratch = self.store.scratch("build")
            self._segment = SegmentWriter(scratch, self._name, **self._settings)
        return self._segment

    def add(self, item: NewArticle) -> None:
        """Store a new article version."""
        self._writer().add(
            _article_values(item.article, item.duplicate_of, item.indexed_at),
            item.chunks,
            item.vectors,
            item.keyword_texts,
            item.quotes,
            item.quote_vectors,
            item.title_vector,
        )

    def carry(self, version: StoredVersion, article: Article, indexed_at: str) -> int:
        """Store ``article`` again with the chunks, vectors, quotations and title vector of its
        stored ``version`` (same content, new metadata such as where it was read from)."""
        name, row = version.location
        catalog = self._catalog(name)
        chunks = [
            dict(r)
            for r in catalog.query(
                "SELECT position, ordinal, start, end, text, tokens FROM chunks "
                "WHERE article_row = ? ORDER BY ordinal",
                (row,),
            )
        ]
        positions = [c["position"] for c in chunks]
        vectors = np.load(catalog.path / "vectors.npy", mmap_mode="r")
        stored = quote_index.records_of(catalog.db, row)
        quote_vectors = None
        if stored:
            quote_vectors = np.asarray(
                np.load(catalog.path / quote_index.VECTORS_FILE, mmap_mode="r")[
                    [i for i, _ in stored]
                ]
            )
        title = None
        if catalog.meta.titles:
            title = np.asarray(np.load(catalog.path / TITLES_FILE, mmap_mode="r")[row])
        from .chunking import embedding_text

        prepend = (self._settings or {}).get("chunking", {}).get("prepend_title", True)
        self._writer().add(
            _article_values(article, version.duplicate_of, indexed_at),
            chunks,
            np.asarray(vectors[positions]) if positions else None,
            [embedding_text(article.title, c["text"], prepend) for c in chunks],
            [r for _, r in stored],
            quote_vectors,
            title if version.duplicate_of is None else None,
        )
        return len(chunks)

    def delete(self, article_ids: Iterable[str]) -> None:
        """Tombstone the live versions of these articles when committing."""
        self._deletes |= set(article_ids)

    def replace_all(self) -> None:
        """The new segment replaces every stored one (a full re-embed)."""
        self._replace_all = True

    def commit(self) -> Manifest | None:
        """Commit the change; returns the new manifest (None when there was nothing to do)."""
        segment = self._segment
        new: list[tuple[str, Path]] = []
        meta = None
        if segment is not None and not segment.empty:
            meta = segment.finish()
            new = [(self._name, segment.scratch)]
        elif segment is not None:
            segment.abort()
        self._segment = None
        if not new and not self._deletes and not self._replace_all:
            return None
        store, deletes, replace_all, settings = (
            self.store,
            set(self._deletes),
            self._replace_all,
            self._settings,
        )

        def make(current: Manifest | None) -> Manifest:
            segments: list[dict] = []
            metas: dict[str, SegmentMeta] = {}
            if current is not None and not replace_all:
                for entry in current.segments:
                    entry = {**entry, "deleted": list(entry.get("deleted", []))}
                    metas[entry["name"]] = store.meta(entry["name"])
                    path = store.segments_dir / entry["name"]
                    if deletes:
                        catalog = SegmentCatalog(path)
                        try:
                            have = set(entry["deleted"])
                            rows = catalog.versions("id IN ({marks})", sorted(deletes), have)
                        finally:
                            catalog.close()
                        if rows:
                            entry["deleted"] = sorted(have | {v.location[1] for v in rows})
                            _count_live(entry, path, metas[entry["name"]])
                    if entry["articles"] + entry["duplicates"] > 0:
                        segments.append(entry)
            if meta is not None:
                metas[meta.name] = meta
                entry = {"name": meta.name, "deleted": []}
                _count_live(entry, segment.scratch, meta)
                segments.append(entry)
            base = current
            if base is None or replace_all:
                base = Manifest(**settings)
            return _manifest_for(base, segments, metas)

        committed = store.commit(make, new, build_scratch=True)
        if meta is not None:
            store._metas[meta.name] = meta
        self._deletes = set()
        self._replace_all = False
        self._close_catalogs()
        self._open()
        return committed


__all__ = [
    "EmbeddedStore",
    "EmbeddedWriter",
    "MergePolicy",
    "Segment",
    "SegmentCatalog",
    "SegmentMeta",
    "SegmentWriter",
    "SegmentedVectors",
    "Snapshot",
]
