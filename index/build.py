"""Building and updating an index: load → diff against what is stored → chunk → embed → write.

Builds are incremental and cost what changed. Every article carries a stable id and a content
hash; an unchanged article is left where it is (its chunks and vectors are never touched), a
changed one is re-chunked and re-embedded and its old version tombstoned, and with ``prune`` an
article whose file no longer yields it is tombstoned (articles from feeds and pages never are:
see :func:`_prunable`). Exact duplicate texts (wire copy
republished under another id) are stored once: the copy is kept in the catalog, pointing at its
canonical article, with no chunks; when the canonical article goes, a copy takes its place.

The builder talks to the store only through :class:`index.storage.StoreWriter`: it looks up the
stored versions of the incoming ids, hands over new versions with their chunks, vectors,
quotations and title vector, and commits. On the embedded store that writes one new segment and
a generation (see :mod:`index.segmented`); nothing is written when nothing changed, and a failure
or kill leaves the live generation untouched. A build then merges segments as the store's
policy asks (``merge=False`` leaves that to the caller: the engine merges in the background).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import quote_index
from .articles import Article, LoadProblem, load_articles
from .chunking import Chunker, ChunkingParams, embedding_text
from .embedding import DEFAULT_MODEL, Embedder
from .storage import MergeSummary, NewArticle, StoredVersion, open_store
from .store import Manifest, utc_now

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
    # Merges run after the change was committed (already visible), and their time.
    merges: int = 0
    merge_seconds: float = 0.0

    def as_dict(self) -> dict:
        """JSON-ready form (problems as strings)."""
        data = asdict(self)
        data["problems"] = [str(p) for p in self.problems]
        return data


@dataclass
class _Entry:
    """An article version to write, and whether its stored chunks and vectors can be reused."""

    article: Article
    indexed_at: str
    carried: StoredVersion | None = None  # same content stored: reuse its chunks and vectors
    duplicate_of: str | None = None


class Builder:
    """Writes changes into one collection (an index directory or a PostgreSQL collection).

    Parameters
    ----------
    index_dir : path-like or str
        The index directory (created on first build) or a ``postgresql://`` URL (the tables
        and the collection are created on first build); see :func:`index.storage.open_store`.
    embedder : Embedder or callable returning one
        The model; a callable is only called if something needs embedding, so an unchanged
        re-build never pays for loading the model.
    params : ChunkingParams
        Chunking parameters; ``max_tokens`` is derived from the model.
    index_type : {"flat", "hnsw"}
        The FAISS index to build.
    model_name : str, optional
        The model's name, when ``embedder`` is a factory (default: all-MiniLM-L6-v2).
    merge : bool
        Merge segments as the store's policy asks after each change (default). The engine
        passes False and merges in a background thread instead.
    """

    def __init__(
        self,
        index_dir: str | Path,
        embedder: Embedder | Callable[[], Embedder],
        params: ChunkingParams | None = None,
        index_type: str = "flat",
        model_name: str | None = None,
        merge: bool = True,
    ):
        self.store = open_store(index_dir)
        # The embedded store's directory (None on PostgreSQL).
        self.directory = getattr(self.store, "directory", None)
        self.merge_after = merge
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
            Remove indexed articles of files that no longer yield them: files under ``paths``,
            and files that no longer exist anywhere. Never those of files that could not be fully
            read this time (or under a path that could not be), and never articles that came
            from no file (feeds, pages, ``add_articles``): a build of files cannot know them.
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
        # Spelled as load_articles spells origins: absolute, symlinks not resolved.
        named = [paths] if isinstance(paths, str | os.PathLike) else paths
        roots = [os.path.abspath(path) for path in named]
        summary = self._update(
            incoming, loaded.problem_paths, full, prune, None, progress, roots=roots
        )
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
        summary = self._update(incoming, set(), False, False, None, progress)
        summary.problems = problems
        summary.failed = len(problems)
        summary.seconds = time.perf_counter() - started
        return summary

    def remove(self, article_ids: Iterable[str]) -> BuildSummary:
        """Remove articles by id; unknown ids are reported as problems, not errors."""
        started = time.perf_counter()
        summary = self._update({}, set(), False, False, set(article_ids), None)
        summary.seconds = time.perf_counter() - started
        return summary

    def merge(self, everything: bool = False) -> list[MergeSummary]:
        """Merge segments: as the policy asks (repeatedly, until it asks nothing), or all of
        them into one (``everything``). Builds go on meanwhile; readers are undisturbed."""
        done = []
        while True:
            summary = self.store.merge(everything=everything)
            if summary is None:
                return done
            done.append(summary)
            if everything:
                return done

    def _update(
        self,
        incoming: dict[str, Article],
        protected_paths: set[str],
        full: bool,
        prune: bool,
        remove_ids: set[str] | None,
        progress: Progress | None,
        roots: Sequence[str] = (),
    ) -> BuildSummary:
        summary = BuildSummary()
        with self.store.writer() as writer:
            upgraded = self._upgrade(writer) if writer.outdated() else None
            self._change(
                writer,
                summary,
                incoming,
                protected_paths,
                full,
                prune,
                remove_ids,
                progress,
                roots,
            )
            if summary.generation is None:
                summary.generation = upgraded
        if self.merge_after and summary.generation is not None:
            started = time.perf_counter()
            summary.merges = len(self.merge())
            summary.merge_seconds = time.perf_counter() - started
        return summary

    def _upgrade(self, writer) -> int | None:
        """Quotations from an older extractor, or missing title vectors: rebuild them (once)."""
        settings = writer.settings
        if settings is not None and settings.model != self.model_name:
            return None  # everything is re-embedded below anyway
        return writer.upgrade(self.embedder)

    def _change(
        self,
        writer,
        summary: BuildSummary,
        incoming: dict[str, Article],
        protected_paths: set[str],
        full: bool,
        prune: bool,
        remove_ids: set[str] | None,
        progress: Progress | None,
        roots: Sequence[str] = (),
    ) -> None:
        settings = writer.settings
        reusable = (
            settings is not None
            and not full
            and _compatible(settings, self.model_name, self.params)
        )
        if prune or (settings is not None and not reusable):
            stored = {v.id: v for v in writer.scan()}
        else:
            stored = writer.lookup(set(incoming) | (remove_ids or set()))
        gone: set[str] = set()  # ids whose stored version is tombstoned
        entries: list[_Entry] = []
        if remove_ids is not None:
            gone |= remove_ids & set(stored)
            summary.removed += len(gone)
            missing = remove_ids - set(stored)
            summary.problems = [LoadProblem("", None, f"no article with id {i!r}") for i in missing]
            summary.failed = len(missing)
        if prune:
            for article_id, version in stored.items():
                if article_id in incoming or article_id in gone:
                    continue
                if _prunable(version.origin_path, roots, protected_paths):
                    gone.add(article_id)
                    summary.removed += 1
        now = utc_now().isoformat()
        for article_id, article in incoming.items():
            version = stored.get(article_id)
            if version is None:
                summary.added += 1
                entries.append(_Entry(article, now))
            elif version.content_hash != article.content_hash:
                summary.updated += 1
                gone.add(article_id)
                entries.append(_Entry(article, now))
            else:
                summary.unchanged += 1
                if reusable and article.origin_path != version.origin_path:
                    # Moved: prune and problem reports must see where it lives now.
                    gone.add(article_id)
                    entries.append(_Entry(article, version.indexed_at, carried=version))
        if settings is not None and not reusable:
            # Another model or chunking: every article kept is embedded again.
            kept = [v for i, v in stored.items() if i not in gone]
            texts = writer.load(v for v in kept if v.id not in incoming)
            for version in kept:
                article = incoming.get(version.id) or texts[version.id]
                if version.id not in incoming or version.content_hash == article.content_hash:
                    entries.append(_Entry(article, version.indexed_at))
            entries = list({e.article.id: e for e in entries}.values())
            writer.replace_all()
        elif gone:
            entries += self._promoted(writer, stored, gone, entries, incoming)
        if not entries and not gone and not (settings is not None and not reusable):
            manifest = writer.settings
            if manifest is not None:
                summary.articles, summary.chunks = manifest.articles, manifest.chunks
                summary.duplicates = manifest.duplicates
            log.info("nothing changed")
            return
        self._mark_duplicates(writer, entries, gone if reusable else None)
        params = self._effective_params() if (not reusable or settings is None) else None
        dimension = (
            self.embedder.dimension
            if any(e.carried is None and e.duplicate_of is None for e in entries)
            else (settings.dimension if settings else self.embedder.dimension)
        )
        writer.begin(
            self.model_name,
            dimension,
            asdict(params) if params else settings.chunking,
            self.index_type if settings is None or not reusable else settings.index_type,
        )
        self._write(writer, entries, summary, progress)
        writer.delete(gone)
        manifest = writer.commit()
        if manifest is None:
            return
        summary.generation = manifest.generation
        summary.articles, summary.chunks = manifest.articles, manifest.chunks
        summary.duplicates = manifest.duplicates
        log.info(
            "generation %d live: %d articles, %d chunks (%d embedded)",
            manifest.generation,
            summary.articles,
            summary.chunks,
            summary.embedded_chunks,
        )

    @staticmethod
    def _promoted(
        writer,
        stored: dict[str, StoredVersion],
        gone: set[str],
        entries: list[_Entry],
        incoming: dict[str, Article],
    ) -> list[_Entry]:
        """Stored copies of canonical articles that go (removed, or their text changed): each
        is written again, and one of each text becomes canonical (with vectors of its own)."""
        carried = {e.article.id for e in entries if e.carried is not None}
        originals = [
            i
            for i in gone
            if i not in carried and (i not in stored or stored[i].duplicate_of is None)
        ]
        if not originals:
            return []
        handled = {e.article.id for e in entries} | gone
        copies = [v for v in writer.duplicates_of(originals) if v.id not in handled]
        if not copies:
            return []
        texts = writer.load(copies)
        gone |= {v.id for v in copies}
        return [_Entry(incoming.get(v.id) or texts[v.id], v.indexed_at) for v in copies]

    @staticmethod
    def _mark_duplicates(writer, entries: list[_Entry], gone: set[str] | None) -> None:
        """Point every entry whose exact text is already stored (or comes first in this
        change) at that canonical copy. ``gone`` None: nothing stored stays."""
        existing = (
            writer.canonical_by_text({e.article.text_hash for e in entries}, gone)
            if gone is not None
            else {}
        )
        canonical: dict[str, str] = {}
        # Articles whose vectors are reused stay canonical, so duplicates never cost a re-embed.
        for entry in sorted(entries, key=lambda e: (e.carried is None, e.article.id)):
            text_hash = entry.article.text_hash
            first = existing.get(text_hash) or canonical.setdefault(text_hash, entry.article.id)
            entry.duplicate_of = first if first != entry.article.id else None

    def _write(
        self, writer, entries: list[_Entry], summary: BuildSummary, progress: Progress | None
    ) -> None:
        """Hand every entry to the writer: duplicates and carried ones as they are, the rest
        chunked and embedded in steps (with their quotations and title)."""
        entries = sorted(entries, key=lambda e: e.article.id)
        to_embed = []
        for entry in entries:
            if entry.duplicate_of is not None:
                writer.add(NewArticle(entry.article, entry.indexed_at, entry.duplicate_of))
            elif entry.carried is not None:
                writer.carry(entry.carried, entry.article, entry.indexed_at)
            else:
                to_embed.append(entry)
        if not to_embed:
            return
        embedder = self.embedder
        chunker = Chunker(embedder.count_tokens, self._effective_params())
        done = 0
        if progress:
            progress(0, len(to_embed))
        for step in range(0, len(to_embed), ARTICLES_PER_STEP):
            batch = to_embed[step : step + ARTICLES_PER_STEP]
            chunk_lists = chunker.chunk_many([e.article.text for e in batch])
            texts: list[str] = []
            contexts: list[str] = []
            quotes = []
            for entry, chunks in zip(batch, chunk_lists, strict=True):
                title = self._clip_title(entry.article.title)
                texts += [self._embedding_text(title, c.text) for c in chunks]
                records = quote_index.extract(entry.article.text)
                quotes.append(records)
                contexts += [r.context(entry.article.text) for r in records]
            # Passages, quotations' sentences and titles are encoded apart: mixed in one batch,
            # padding to the longest text shifted short titles' vectors by ~1e-4.
            chunk_vectors = embedder.encode(texts) if texts else np.zeros((0, embedder.dimension))
            quote_vectors = (
                embedder.encode(contexts) if contexts else np.zeros((0, embedder.dimension))
            )
            title_vectors = embedder.encode([e.article.title for e in batch])
            at, quote_at = 0, 0
            for n, (entry, chunks) in enumerate(zip(batch, chunk_lists, strict=True)):
                records = quotes[n]
                writer.add(
                    NewArticle(
                        entry.article,
                        entry.indexed_at,
                        chunks=[asdict(c) for c in chunks],
                        vectors=chunk_vectors[at : at + len(chunks)],
                        # BM25 has no length limit: it gets the whole title.
                        keyword_texts=[
                            self._embedding_text(entry.article.title, c.text) for c in chunks
                        ],
                        quotes=records,
                        quote_vectors=quote_vectors[quote_at : quote_at + len(records)],
                        title_vector=title_vectors[n],
                    )
                )
                at += len(chunks)
                quote_at += len(records)
            summary.embedded_chunks += len(texts)
            done += len(batch)
            if progress:
                progress(done, len(to_embed))

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


def _compatible(manifest: Manifest, model: str, params: ChunkingParams) -> bool:
    """Whether stored chunks and vectors can be reused as they are."""

    def comparable(chunking: dict) -> dict:
        # max_tokens is derived from the model, which is compared on its own.
        return {k: v for k, v in chunking.items() if k != "max_tokens"}

    same_params = comparable(manifest.chunking) == comparable(asdict(params))
    if manifest.model != model or not same_params:
        log.info("model or chunking changed since the live generation: re-embedding all")
        return False
    return True


def _prunable(origin_path: str, roots: Sequence[str], protected: set[str]) -> bool:
    """Whether a prune may remove a stored article that this build's files did not yield.

    Only articles read from files qualify: a feed's or a page's article has a URL as its
    origin (an ``add_articles`` one may have none), and no file build can tell whether it
    still stands. A file's article goes when its file is under the paths built (which were all
    read) or no longer exists; a file elsewhere that still exists was not read, so it may still
    hold it. Files that could not be fully read, and whatever lies under a path that could
    not be read (an unmounted folder), keep theirs.
    """
    if not origin_path or not os.path.isabs(origin_path):
        return False
    if any(_within(origin_path, path) for path in protected if path):
        return False
    return any(_within(origin_path, root) for root in roots) or not os.path.lexists(origin_path)


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _line(origin: str) -> int | None:
    _, _, line = origin.rpartition(":")
    return int(line) if line.isdigit() else None
