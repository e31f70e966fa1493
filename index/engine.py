"""The engine: one object that owns the model and the live generation, for the CLI and the bot.

``Engine`` loads the embedding model once and the current generation of an index directory,
and offers search, answers, stats and (re)builds. It is synchronous and safe to share between
threads: readers take a reference to the snapshot they started with, and a build swaps in the
new generation only once it is committed, so a question asked during an update is answered from
the old snapshot, and one asked right after from the new one. Switching to a new generation
reuses the segments already loaded (they are immutable) and loads only the new ones, so an
update of k articles costs the engine k articles of loading. Segment merges run in a background
thread after updates (``background_merge``), never blocking questions or the next update.
Callers on an asyncio loop (the bot) run every method in a worker thread.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from .answer import Answer, AnswerParams, Composer, no_articles_note
from .articles import Article
from .build import Builder, BuildSummary, Progress
from .chunking import ChunkingParams
from .embedding import Embedder
from .question_types import wants_latest
from .quote_index import QuoteHit
from .quotes import parse_speech_question
from .search import Hit, Searcher, SearchParams
from .storage import Collection, MergeSummary, is_url, open_store
from .store import IndexStats
from .vectors import use_one_thread

log = logging.getLogger(__name__)


class Engine:
    """Search and answer over one collection: an index directory or a PostgreSQL collection.

    Parameters
    ----------
    index_dir : path-like or str
        The index directory, or a ``postgresql://`` URL (see :func:`index.storage.open_store`).
        ``index_dir`` keeps it (a Path for a directory, the URL as given otherwise).
    embedder : Embedder, optional
        A loaded model to share. Otherwise ``model`` is loaded; either way it must be the model
        the index was built with (checked against the manifest, never guessed).
    model : str, optional
        Model name or path, when ``embedder`` is not given.
    search_params : SearchParams, optional
        Retrieval settings.
    answer_params : AnswerParams, optional
        Answer limits and the coverage threshold.
    require_index : bool
        Raise :class:`~index.errors.IndexNotFoundError` if nothing is built yet (the default);
        with False an engine can start empty and be built into.
    background_merge : bool
        After an update, merge segments (as the store's policy asks) in a background thread.
    """

    def __init__(
        self,
        index_dir: str | os.PathLike,
        *,
        embedder: Embedder | None = None,
        model: str | None = None,
        search_params: SearchParams | None = None,
        answer_params: AnswerParams | None = None,
        require_index: bool = True,
        background_merge: bool = True,
    ):
        use_one_thread()
        self.index_dir = str(index_dir) if is_url(index_dir) else Path(index_dir)
        self.store = open_store(self.index_dir)
        if require_index and self.store.current_version() is None:
            # Say so (the store's precise error) before spending seconds on loading a model.
            self.store.open()
        self.embedder = embedder or Embedder(model)
        self.search_params = search_params or SearchParams()
        self.answer_params = answer_params or AnswerParams()
        self.background_merge = background_merge
        self._generation: Collection | None = None
        # What the live view loaded that the next one may reuse (the embedded store's segments).
        self._reusable: dict = {}
        self._swap_lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._merge_lock = threading.Lock()
        self._merger: threading.Thread | None = None
        self._merge_again = False
        self.merges: list[MergeSummary] = []
        self.merge_error: BaseException | None = None
        if require_index:
            self._install(self._open())
        else:
            self.refresh()

    @classmethod
    def open(cls, index_dir: str | os.PathLike, **kwargs) -> Engine:
        """Open an existing index; see the class parameters."""
        return cls(index_dir, **kwargs)

    @property
    def generation(self) -> Collection:
        """The collection view (a snapshot of the live generation on the embedded store)
        answering queries right now."""
        generation = self._generation
        if generation is None:
            self.store.open()  # raises the precise "not built" error
            raise AssertionError("unreachable")
        return generation

    def _open(self) -> Collection:
        """Open a view of the collection, reusing what this engine's view already loaded."""
        return self.store.open(cache=dict(self._reusable))

    def refresh(self) -> bool:
        """Switch to the newest committed generation, if it is not the one in use.

        Returns
        -------
        bool
            Whether a different generation is now live.
        """
        with self._refresh_lock:  # an update and a background merge may both refresh
            current = self.store.current_version()
            if current is None or (self._generation and self._generation.version == current):
                return False
            try:
                generation = self._open()
            except Exception:
                if self._generation is None:
                    return False
                raise
            self._install(generation)
            return True

    def _install(self, generation: Collection) -> None:
        generation.check_model(self.embedder.model_name, self.embedder.dimension)
        with self._swap_lock:
            # The old snapshot is not closed: a search that started on it may still be running.
            self._generation = generation
            self._reusable = generation.reusable
        log.info(
            "serving %s of %s (%d articles, %d chunks)",
            generation.version,
            self.store,
            generation.manifest.articles,
            generation.manifest.chunks,
        )

    def searcher(self) -> Searcher:
        """A searcher bound to the live generation."""
        return Searcher(self.generation, self.embedder, self.search_params)

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        sources: Iterable[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        as_of: datetime | None = None,
        mode: str = "hybrid",
        latest: bool = False,
    ) -> list[Hit]:
        """Hybrid search; see :meth:`index.search.Searcher.search`."""
        return self.searcher().search(
            query,
            k=k,
            sources=sources,
            since=since,
            until=until,
            as_of=as_of,
            mode=mode,
            latest=latest,
        )

    def ask(
        self,
        question: str,
        *,
        k: int = 5,
        sources: Iterable[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        as_of: datetime | None = None,
    ) -> Answer:
        """Search, then compose an extractive, cited answer (or say the coverage is silent).

        A question asking for the latest ("what is the latest on X", "still", "now") leads
        with the collection's newest relevant coverage, whatever today's date is.
        """
        searcher = self.searcher()
        hits = searcher.search(
            question,
            k=k,
            sources=sources,
            since=since,
            until=until,
            as_of=as_of,
            latest=wants_latest(question),
        )
        if not hits and not searcher.filters_match(sources, since, until):
            # Not a gap in the coverage: the filters leave no article to look in.
            return Answer(question, covered=False, note=no_articles_note(sources, since, until))
        return self.answer_from_hits(
            question, hits, searcher.generation, sources=sources, since=since, until=until
        )

    def answer_from_hits(
        self,
        question: str,
        hits: list[Hit],
        generation: Collection | None = None,
        *,
        sources: Iterable[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Answer:
        """Compose an answer from hits already retrieved.

        ``generation`` must be the one the hits came from (default: the live one); hits carry
        catalog rows, which a generation swapped in meanwhile would not share. A "what did X
        say" question also looks up X's quotations in the whole collection (within the same
        outlet and date filters as the search).
        """
        generation = generation or self.generation
        speech = parse_speech_question(question)
        quoted = None
        if speech is not None:
            quoted = self._quotes_in(
                generation,
                speech.speaker,
                about=speech.topic,
                sources=sources,
                since=since,
                until=until,
                newest_first=wants_latest(question),
                limit=None,
            )
        composer = Composer(
            generation.keywords,
            generation.article_text,
            self.answer_params,
            articles=generation.articles,
        )
        return composer.compose(question, hits, quoted)

    def quotes(
        self,
        speaker: str,
        *,
        about: str | None = None,
        sources: Iterable[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        newest_first: bool = False,
        limit: int | None = 10,
    ) -> list[QuoteHit]:
        """A person's quotations across the collection; see :meth:`QuoteIndex.lookup`.

        ``about`` is matched by meaning (its embedding against each quotation's sentence) and
        by its words. Without ``about``, or with ``newest_first``, the newest come first.
        """
        return self._quotes_in(
            self.generation,
            speaker,
            about=about,
            sources=sources,
            since=since,
            until=until,
            newest_first=newest_first,
            limit=limit,
        )

    def _quotes_in(self, generation: Collection, speaker: str, *, about, **filters) -> list:
        vector = self.embedder.encode_query(about) if about else None
        return generation.quotes.lookup(speaker, topic=about, topic_vector=vector, **filters)

    def stats(self) -> IndexStats:
        """Counts per outlet and build facts of the live generation."""
        return self.generation.stats()

    def builder(
        self, params: ChunkingParams | None = None, index_type: str | None = None
    ) -> Builder:
        """A builder for this index that shares the engine's model."""
        manifest = self._generation.manifest if self._generation else None
        if index_type is None:
            index_type = manifest.index_type if manifest else "flat"
        if params is None and manifest is not None:
            params = ChunkingParams(**manifest.chunking)
        return Builder(self.index_dir, self.embedder, params, index_type, merge=False)

    def build(
        self,
        paths: Sequence[str | os.PathLike],
        *,
        full: bool = False,
        prune: bool = True,
        progress: Progress | None = None,
    ) -> BuildSummary:
        """Ingest ``paths`` and start serving the result; blocking.

        On any exception the previous generation keeps serving.
        """
        summary = self.builder().build(paths, full=full, prune=prune, progress=progress)
        self._after_update()
        return summary

    def add_articles(
        self, articles: Iterable[Article], *, progress: Progress | None = None
    ) -> BuildSummary:
        """Add or update loaded articles (feeds, pages) and serve the result; blocking."""
        summary = self.builder().add_articles(articles, progress=progress)
        self._after_update()
        return summary

    def remove(self, article_ids: Iterable[str]) -> BuildSummary:
        """Remove articles by id and serve the result."""
        summary = self.builder().remove(article_ids)
        self._after_update()
        return summary

    def merge(self, everything: bool = False) -> list[MergeSummary]:
        """Merge segments now (as the policy asks, or all into one) and serve the result."""
        done = self.builder().merge(everything=everything)
        self.refresh()
        return done

    def _after_update(self) -> None:
        self.refresh()
        if self.background_merge and self.store.merge_plan():
            self._merge_in_background()

    def _merge_in_background(self) -> None:
        """Start the merge thread, or tell the running one to look again when it is done."""
        with self._merge_lock:
            if self._merger is not None and self._merger.is_alive():
                self._merge_again = True
                return
            self._merge_again = False
            self._merger = threading.Thread(
                target=self._merge_loop, name="newsdesk-merge", daemon=True
            )
            self._merger.start()

    def _merge_loop(self) -> None:
        while True:
            try:
                summary = self.store.merge()
                if summary is not None:
                    self.merges.append(summary)
                    self.refresh()
                    continue
            except Exception as error:  # a failed merge changes nothing; say so and stop
                self.merge_error = error
                log.warning("background merge failed: %s", error, exc_info=True)
            with self._merge_lock:
                if not self._merge_again:
                    return
                self._merge_again = False

    def wait_for_merges(self, timeout: float | None = None) -> bool:
        """Wait for the background merge thread, if any; returns whether it has finished."""
        merger = self._merger
        if merger is not None:
            merger.join(timeout)
            return not merger.is_alive()
        return True
