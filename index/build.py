"""Building and updating an index: load → diff against the live generation → chunk → embed → write.

Builds are incremental. Every article carries a stable id and a content hash; an unchanged
article keeps its chunks and vectors (copied from the live generation, never re-embedded), a
changed one is re-chunked and re-embedded, and with ``prune`` an article whose source no longer
yields it is dropped. Exact duplicate texts (wire copy republished under another id) are stored
once: the copy is kept in the catalog, pointing at its canonical article, with no chunks.

If nothing changed, no generation is written. Otherwise the result is a complete new generation
committed atomically (see :mod:`index.store`); a failure or kill leaves the live one untouched.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import quote_index
from .articles import Article, LoadProblem, load_articles
from .chunking import Chunker, ChunkingParams, embedding_text
from .embedding import DEFAULT_MODEL, Embedder
from .errors import BuildError
from .keyword import KeywordIndex
from .store import (
    SCHEMA,
    TITLES_FILE,
    IndexDirectory,
    Manifest,
    connect,
    parse_timestamp,
    utc_now,
)
from .vectors import VectorIndex

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
# Articles embedded per step: enough chunks for efficient batches, small enough for live progress.
ARTICLES_PER_STEP = 32


@dataclass
class BuildSummary:
    """What a build did; ``generation`` is None when nothing changed and nothing was written."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: int = 0
    duplicates: int = 0
    articles: int = 0
    chunks: int = 0
    embedded_chunks: int = 0
    seconds: float = 0.0
    generation: int | None = None
    problems: list[LoadProblem] = field(default_factory=list)

    def as_dict(self) -> dict:
        """JSON-ready form (problems as strings)."""
        data = asdict(self)
        data["problems"] = [str(p) for p in self.problems]
        return data


@dataclass
class _Entry:
    """An article in the next generation, and whether its chunks can be reused."""

    article: Article
    old_row: int | None = None  # row in the live generation whose chunks are still valid
    duplicate_of: str | None = None
    indexed_at: str = ""


class Builder:
    """Writes new generations of one index directory.

    Parameters
    ----------
    index_dir : path-like
        The index directory; created on first build.
    embedder : Embedder or callable returning one
        The model; a callable is only called if something needs embedding, so an unchanged
        re-build never pays for loading the model.
    params : ChunkingParams
        Chunking parameters; ``max_tokens`` is derived from the model.
    index_type : {"flat", "hnsw"}
        The FAISS index to build.
    model_name : str, optional
        The model's name, when ``embedder`` is a factory (default: all-MiniLM-L6-v2).
    """

    def __init__(
        self,
        index_dir: str | Path,
        embedder: Embedder | Callable[[], Embedder],
        params: ChunkingParams | None = None,
        index_type: str = "flat",
        model_name: str | None = None,
    ):
        self.directory = IndexDirectory(index_dir)
        self.model_name = (
            embedder.model_name if isinstance(embedder, Embedder) else model_name or DEFAULT_MODEL
        )
        self._embedder = embedder
        self.params = params or ChunkingParams()
        self.index_type = index_type

    @property
    def embedder(self) -> Embedder:
        """The model, loaded on first use."""
        if not isinstance(self._embedder, Embedder):
            self._embedder = self._embedder()
        return self._embedder

    def build(
        self,
        paths: Sequence[str | Path],
        *,
        full: bool = False,
        prune: bool = False,
        progress: Progress | None = None,
    ) -> BuildSummary:
        """Ingest ``paths`` (files or directories) into the index.

        Parameters
        ----------
        paths : sequence of path-like
            What to read; see :func:`index.articles.load_articles`.
        full : bool
            Re-embed everything instead of reusing unchanged articles' vectors.
        prune : bool
            Remove indexed articles that ``paths`` no longer yield (except those from files that
            could not be fully read this time).
        progress : callable, optional
            ``progress(done, total)`` over the articles that need embedding.

        Returns
        -------
        BuildSummary
        """
        started = time.perf_counter()
        loaded = load_articles(paths)
        for problem in loaded.problems:
            log.warning("skipped: %s", problem)
        incoming: dict[str, Article] = {}
        problems = list(loaded.problems)
        for article in loaded.articles:
            if article.id in incoming:
                problems.append(
                    LoadProblem(
                        article.origin_path,
                        _line(article.origin),
                        f"duplicate id {article.id!r}; the first occurrence is kept",
                    )
                )
                continue
            incoming[article.id] = article
        with self.directory.build_lock():
            summary = self._update(incoming, loaded.problem_paths, full, prune, None, progress)
        summary.problems = problems
        summary.failed = len(problems)
        summary.seconds = time.perf_counter() - started
        return summary

    def add_articles(
        self, articles: Iterable[Article], *, progress: Progress | None = None
    ) -> BuildSummary:
        """Add or update articles already loaded (from feeds, pages, any source); never prunes.

        An article whose id is indexed with the same content hash is left alone; with another
        hash it is re-embedded (an updated story); a new id is added.

        Parameters
        ----------
        articles : iterable of Article
            Each with a stable ``id`` (see :class:`index.articles.Article`).
        progress : callable, optional
            ``progress(done, total)`` over the articles that need embedding.

        Returns
        -------
        BuildSummary
            With a problem for every repeated id after its first occurrence.
        """
        started = time.perf_counter()
        incoming: dict[str, Article] = {}
        problems: list[LoadProblem] = []
        for article in articles:
            if article.id in incoming:
                problems.append(
                    LoadProblem(article.origin_path, None, f"duplicate id {article.id!r}")
                )
                continue
            incoming[article.id] = article
        with self.directory.build_lock():
            summary = self._update(incoming, set(), False, False, None, progress)
        summary.problems = problems
        summary.failed = len(problems)
        summary.seconds = time.perf_counter() - started
        return summary

    def remove(self, article_ids: Iterable[str]) -> BuildSummary:
        """Remove articles by id; unknown ids are reported as problems, not errors."""
        started = time.perf_counter()
        with self.directory.build_lock():
            summary = self._update({}, set(), False, False, set(article_ids), None)
        summary.seconds = time.perf_counter() - started
        return summary

    def _update(
        self,
        incoming: dict[str, Article],
        protected_paths: set[str],
        full: bool,
        prune: bool,
        remove_ids: set[str] | None,
        progress: Progress | None,
    ) -> BuildSummary:
        summary = BuildSummary()
        live = self.directory.current()
        old = _LiveCatalog(live) if live is not None else None
        reusable = old is not None and not full and old.compatible(self.model_name, self.params)
        entries: dict[str, _Entry] = {}
        relocated = 0
        if old is not None:
            for article_id, (article, row, content_hash, indexed_at) in old.articles().items():
                if remove_ids is not None and article_id in remove_ids:
                    summary.removed += 1
                    continue
                pruned = prune and article_id not in incoming
                if pruned and article.origin_path not in protected_paths:
                    summary.removed += 1
                    continue
                new = incoming.get(article_id)
                if new is not None and new.content_hash != content_hash:
                    continue  # changed: handled below as an update
                # The incoming copy is identical but may come from a new place: prune and
                # problem reports must see where it lives now.
                current = new if new is not None else article
                relocated += new is not None and new.origin_path != article.origin_path
                entries[article_id] = _Entry(
                    current, row if reusable else None, indexed_at=indexed_at
                )
                if new is not None:
                    summary.unchanged += 1
        if remove_ids is not None:
            missing = remove_ids - set(old.ids() if old else ())
            summary.problems = [LoadProblem("", None, f"no article with id {i!r}") for i in missing]
            summary.failed = len(missing)
        now = utc_now().isoformat()
        for article_id, article in incoming.items():
            if article_id in entries:
                continue
            if old is not None and article_id in old.ids():
                summary.updated += 1
            else:
                summary.added += 1
            entries[article_id] = _Entry(article, indexed_at=now)
        changed = summary.added or summary.updated or summary.removed or relocated
        # An index from before the quote index or the title vectors gains them now.
        current = old is not None and old.quotes_compatible() and old.manifest.titles
        if old is not None and not changed and reusable and current:
            summary.articles, summary.chunks = old.manifest.articles, old.manifest.chunks
            summary.duplicates = old.manifest.duplicates
            log.info("nothing changed; generation %s stays live", live.name)
            return summary
        self._mark_duplicates(entries, old)
        number, scratch = self.directory.start_generation()
        try:
            self._write_generation(scratch, number, entries, old, summary, progress)
        except BaseException:
            # The scratch dir is also removed by the next build if this process dies here.
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        finally:
            if old is not None:
                old.close()
        self.directory.commit_generation(number, scratch)
        summary.generation = number
        log.info(
            "generation %d live: %d articles, %d chunks (%d embedded)",
            number,
            summary.articles,
            summary.chunks,
            summary.embedded_chunks,
        )
        return summary

    @staticmethod
    def _mark_duplicates(entries: dict[str, _Entry], old: _LiveCatalog | None) -> None:
        """Point every article whose exact text is already stored at the stored copy."""
        canonical: dict[str, str] = {}
        # Articles already indexed with chunks stay canonical, so duplicates never cost a re-embed.
        ordered = sorted(entries.values(), key=lambda e: (e.old_row is None, e.article.id))
        for entry in ordered:
            first = canonical.setdefault(entry.article.text_hash, entry.article.id)
            entry.duplicate_of = first if first != entry.article.id else None
            if entry.duplicate_of is not None:
                entry.old_row = None

    def _write_generation(
        self,
        scratch: Path,
        number: int,
        entries: dict[str, _Entry],
        old: _LiveCatalog | None,
        summary: BuildSummary,
        progress: Progress | None,
    ) -> None:
        started = time.perf_counter()
        db = connect(scratch / "catalog.sqlite")
        db.executescript(SCHEMA)
        ordered = sorted(entries.values(), key=lambda e: e.article.id)
        article_rows: dict[str, int] = {}
        for row, entry in enumerate(ordered, start=1):
            article_rows[entry.article.id] = row
            _insert_article(db, row, entry)
        canonical = [e for e in ordered if e.duplicate_of is None]
        reused = [e for e in canonical if e.old_row is not None]
        to_embed = [e for e in canonical if e.old_row is None]
        titles = self._title_vectors(canonical, article_rows, len(ordered) + 1, old)
        vector_parts: list[np.ndarray] = []
        keyword_texts: list[str] = []
        quotes = _QuoteWriter(db)
        position = 0
        if reused:
            old_vectors = np.load(old.path / "vectors.npy", mmap_mode="r")
            old_quotes = old.quote_vectors()
            for entry in reused:
                row = article_rows[entry.article.id]
                if old_quotes is not None:
                    quotes.copy(row, old.quotes_of(entry.old_row), old_quotes)
                else:
                    quotes.extract(row, entry.article.text)
                chunks = old.chunks_of(entry.old_row)
                if not chunks:
                    continue
                vector_parts.append(np.asarray(old_vectors[[c["position"] for c in chunks]]))
                for chunk in chunks:
                    _insert_chunk(db, position, row, chunk)
                    keyword_texts.append(self._embedding_text(entry.article.title, chunk["text"]))
                    position += 1
            if quotes.pending:
                log.info("adding the quote index to %d unchanged articles", len(reused))
                quotes.embed(self.embedder)
        if to_embed:
            embedder = self.embedder
            chunker = Chunker(embedder.count_tokens, self._effective_params())
            done = 0
            if progress:
                progress(0, len(to_embed))
            for step in range(0, len(to_embed), ARTICLES_PER_STEP):
                batch = to_embed[step : step + ARTICLES_PER_STEP]
                chunk_lists = chunker.chunk_many([e.article.text for e in batch])
                texts: list[str] = []
                for entry, chunks in zip(batch, chunk_lists, strict=True):
                    title = self._clip_title(entry.article.title)
                    quotes.extract(article_rows[entry.article.id], entry.article.text)
                    for chunk in chunks:
                        _insert_chunk(db, position, article_rows[entry.article.id], asdict(chunk))
                        texts.append(self._embedding_text(title, chunk.text))
                        # BM25 has no length limit: it gets the whole title, as reused chunks do.
                        keyword_texts.append(self._embedding_text(entry.article.title, chunk.text))
                        position += 1
                vector_parts.append(embedder.encode(texts))
                quotes.embed(embedder)
                summary.embedded_chunks += len(texts)
                done += len(batch)
                if progress:
                    progress(done, len(to_embed))
        dimension = self.embedder.dimension if to_embed or old is None else old.manifest.dimension
        vectors = (
            np.concatenate(vector_parts)
            if vector_parts
            else np.zeros((0, dimension), dtype=np.float32)
        )
        if len(vectors) != position:
            raise BuildError(f"internal error: {len(vectors)} vectors for {position} chunks")
        db.commit()
        db.close()
        np.save(scratch / "vectors.npy", vectors)
        np.save(scratch / quote_index.VECTORS_FILE, quotes.vectors(dimension))
        np.save(scratch / TITLES_FILE, titles)
        VectorIndex.build(vectors, self.index_type).save(scratch / "vectors.faiss")
        keyword_dir = scratch / "keyword"
        keyword_dir.mkdir()
        KeywordIndex.build(keyword_texts).save(keyword_dir)
        summary.articles = len(canonical)
        summary.duplicates = len(ordered) - len(canonical)
        summary.chunks = position
        Manifest(
            model=self.model_name,
            dimension=int(vectors.shape[1]),
            chunking=asdict(self._effective_params())
            if to_embed or old is None
            else old.manifest.chunking,
            index_type=self.index_type,
            generation=number,
            articles=summary.articles,
            chunks=summary.chunks,
            duplicates=summary.duplicates,
            built_at=utc_now().isoformat(),
            build_seconds=round(time.perf_counter() - started, 3),
            quotes=quotes.count,
            quotes_version=quote_index.QUOTES_VERSION,
            titles=True,
        ).write(scratch / "manifest.json")

    def _title_vectors(
        self,
        canonical: list[_Entry],
        article_rows: dict[str, int],
        rows: int,
        old: _LiveCatalog | None,
    ) -> np.ndarray:
        """One normalised title vector per catalog row (row 0 and stored duplicates: zeros).

        Unchanged articles keep their vector from the live generation; the others' titles are
        embedded here, in one batch (titles are short: 5,000 take seconds).
        """
        old_titles = old.title_vectors() if old is not None else None
        pending: list[tuple[int, str]] = []
        copied: list[tuple[int, int]] = []
        for entry in canonical:
            row = article_rows[entry.article.id]
            if entry.old_row is not None and old_titles is not None:
                copied.append((row, entry.old_row))
            else:
                pending.append((row, entry.article.title))
        if pending:
            dimension = self.embedder.dimension
        elif old is not None:
            dimension = old.manifest.dimension
        else:
            dimension = self.embedder.dimension
        titles = np.zeros((rows, dimension), dtype=np.float32)
        if copied:
            new_rows, old_rows = zip(*copied, strict=True)
            titles[list(new_rows)] = old_titles[list(old_rows)]
        if pending:
            new_rows, texts = zip(*pending, strict=True)
            titles[list(new_rows)] = self.embedder.encode(list(texts))
        return titles

    def _effective_params(self) -> ChunkingParams:
        """The chunking parameters with ``max_tokens`` fitted to the model and title budget."""
        embedder = self.embedder
        budget = embedder.max_tokens - embedder.special_tokens
        if self.params.prepend_title:
            budget -= self.params.max_title_tokens
        target = min(self.params.target_tokens, budget)
        return ChunkingParams(
            **{**asdict(self.params), "max_tokens": budget, "target_tokens": target}
        )

    def _clip_title(self, title: str) -> str:
        if not self.params.prepend_title:
            return title
        return self.embedder.clip(title, self.params.max_title_tokens)

    def _embedding_text(self, title: str, passage: str) -> str:
        return embedding_text(title, passage, self.params.prepend_title)


class _LiveCatalog:
    """Read access to the live generation's catalog while a new one is written."""

    def __init__(self, path: Path):
        self.path = path
        self.manifest = Manifest.read(path / "manifest.json")
        self._db = connect(path / "catalog.sqlite", readonly=True)
        self._ids: set[str] | None = None

    def compatible(self, model: str, params: ChunkingParams) -> bool:
        """Whether chunks and vectors of this generation can be reused as they are."""

        def comparable(chunking: dict) -> dict:
            # max_tokens is derived from the model, which is compared on its own.
            return {k: v for k, v in chunking.items() if k != "max_tokens"}

        same_params = comparable(self.manifest.chunking) == comparable(asdict(params))
        if self.manifest.model != model or not same_params:
            log.info("model or chunking changed since the live generation: re-embedding all")
            return False
        return True

    def title_vectors(self) -> np.ndarray | None:
        """Title vectors by catalog row, memory-mapped; None for a generation without them."""
        if not self.manifest.titles:
            return None
        return np.load(self.path / TITLES_FILE, mmap_mode="r")

    def quotes_compatible(self) -> bool:
        """Whether this generation's quote index was built by the current extractor."""
        return self.manifest.quotes_version == quote_index.QUOTES_VERSION

    def quote_vectors(self) -> np.ndarray | None:
        """The quotation vectors, memory-mapped, when they can be reused as they are."""
        if not self.quotes_compatible():
            return None
        return np.load(self.path / quote_index.VECTORS_FILE, mmap_mode="r")

    def quotes_of(self, row: int) -> list[tuple[int, quote_index.QuoteRecord]]:
        return quote_index.records_of(self._db, row)

    def ids(self) -> set[str]:
        if self._ids is None:
            self._ids = {r["id"] for r in self._db.execute("SELECT id FROM articles")}
        return self._ids

    def articles(self) -> dict[str, tuple[Article, int, str, str]]:
        """Every stored article with its row, content hash and first-indexed time."""
        result = {}
        for r in self._db.execute("SELECT * FROM articles"):
            article = Article(
                id=r["id"],
                title=r["title"],
                text=r["text"],
                url=r["url"],
                source=r["source"],
                published=parse_timestamp(r["published"]),
                authors=tuple(json.loads(r["authors"])),
                origin=r["origin"],
                origin_path=r["origin_path"],
            )
            row = r["row"] if r["duplicate_of"] is None else None
            result[r["id"]] = (article, row, r["content_hash"], r["indexed_at"])
        return result

    def chunks_of(self, row: int) -> list[dict]:
        return [
            dict(r)
            for r in self._db.execute(
                "SELECT position, ordinal, start, end, text, tokens FROM chunks "
                "WHERE article_row = ? ORDER BY ordinal",
                (row,),
            )
        ]

    def close(self) -> None:
        self._db.close()


class _QuoteWriter:
    """Collects a new generation's quotations: copied with their vectors from the live one,
    or extracted from the text and embedded (the sentence holding each quotation)."""

    def __init__(self, db):
        self._db = db
        self._parts: list[np.ndarray] = []
        self._contexts: list[str] = []
        self.count = 0

    @property
    def pending(self) -> int:
        """Quotations extracted but not embedded yet."""
        return len(self._contexts)

    def copy(self, article_row: int, stored, old_vectors: np.ndarray) -> None:
        if not stored:
            return
        self._parts.append(np.asarray(old_vectors[[quote_id for quote_id, _ in stored]]))
        for _, record in stored:
            quote_index.insert(self._db, self.count, article_row, record)
            self.count += 1

    def extract(self, article_row: int, text: str) -> None:
        for record in quote_index.extract(text):
            quote_index.insert(self._db, self.count, article_row, record)
            self._contexts.append(record.context(text))
            self.count += 1

    def embed(self, embedder: Embedder) -> None:
        if self._contexts:
            self._parts.append(embedder.encode(self._contexts))
            self._contexts = []

    def vectors(self, dimension: int) -> np.ndarray:
        if self._contexts:
            raise BuildError(f"internal error: {len(self._contexts)} quotations not embedded")
        if not self._parts:
            return np.zeros((0, dimension), dtype=np.float32)
        vectors = np.concatenate(self._parts)
        if len(vectors) != self.count:
            raise BuildError(f"internal error: {len(vectors)} vectors for {self.count} quotes")
        return vectors


def _insert_article(db, row: int, entry: _Entry) -> None:
    article = entry.article
    published = article.published
    db.execute(
        "INSERT INTO articles (row, id, title, text, url, source, published, published_ts, "
        "authors, content_hash, text_hash, origin, origin_path, duplicate_of, indexed_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            row,
            article.id,
            article.title,
            article.text,
            article.url,
            article.source,
            published.isoformat() if published else None,
            published.timestamp() if published else None,
            json.dumps(list(article.authors)),
            article.content_hash,
            article.text_hash,
            article.origin,
            article.origin_path,
            entry.duplicate_of,
            entry.indexed_at,
        ),
    )


def _insert_chunk(db, position: int, article_row: int, chunk: dict) -> None:
    db.execute(
        "INSERT INTO chunks (position, article_row, ordinal, start, end, text, tokens) "
        "VALUES (?,?,?,?,?,?,?)",
        (
            position,
            article_row,
            chunk["ordinal"],
            chunk["start"],
            chunk["end"],
            chunk["text"],
            chunk["tokens"],
        ),
    )


def _line(origin: str) -> int | None:
    _, _, line = origin.rpartition(":")
    return int(line) if line.isdigit() else None
