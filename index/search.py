"""Hybrid retrieval: dense (FAISS) + keyword (BM25) candidates, fused, grouped by article.

One query runs both retrievers over the chunks of a collection view (:class:`index.storage.
Collection`: every segment of the live generation, tombstoned rows never returned, keyword
statistics collection-wide), fuses the two rankings
with reciprocal-rank fusion, groups chunks into articles (an article scores as its best
passage), gently prefers coverage published shortly before the as-of moment, collapses
near-duplicate passages (the same wire story under two outlets), and returns the top articles
with their best passages, offsets and scores. Source and date filters are pushed into the
collection (``Collection.allowed``: a mask on the embedded store, a SQL condition on PostgreSQL)
and applied inside both retrievers, so a narrow filter still returns its best matches, not
leftovers. Nothing here reads per-chunk arrays of the whole collection: the few candidates'
articles and dates are looked up by position (``Collection.chunk_facts``).
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from .embedding import Embedder
from .question_types import without_latest
from .storage import Collection

MODES = ("hybrid", "dense", "keyword")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchParams:
    """Tunable retrieval settings (defaults chosen on the shared eval sets; see README)."""

    candidates: int = 100  # per retriever
    # "chunk": an article scores as its best passage under reciprocal-rank fusion; "article":
    # RRF over each retriever's ranking of articles; "weighted": an article scores as its best
    # passage under a weighted sum of min-max normalised retriever scores.
    fusion: str = "weighted"
    rrf_k: int = 60
    dense_weight: float = 0.5
    keyword_weight: float = 0.5
    # Bonus for articles published in the days before the as-of moment, in units of half the
    # best article's score; it decays with a half-life of ``recency_half_life_days``.
    recency_weight: float = 2.0
    recency_half_life_days: float = 14.0
    duplicate_jaccard: float = 0.8
    passages_per_hit: int = 3
    # The title signal: each candidate article gains title_weight x the best article's score x
    # the cosine between the query and its title (titles embedded at build time).
    title_weight: float = 0.5
    # Title cosines up to this count nothing; above it they rise to the full weight at 1.
    title_floor: float = 0.4
    # A question asked with no date (as_of None) takes its as-of moment from the collection: the
    # newest of the asof_articles most relevant articles, with the gentler recency below. 0: now.
    asof_articles: int = 5
    collection_recency_weight: float = 1.5
    collection_recency_half_life_days: float = 60.0
    # "What is the latest on X": among the articles whose relevance (recency aside) is at least
    # this share of the best one's, the newest leads, whatever the as-of moment.
    latest_min_relevance: float = 0.75


@dataclass
class Candidates:
    """What the retrievers found for one query: chunk positions and scores, best first."""

    dense_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    dense_scores: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    keyword_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    keyword_scores: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    # The query's embedding, shape (dimension,), when the dense retriever ran.
    query_vector: np.ndarray | None = None

    def only(self, mode: str) -> Candidates:
        """The same candidates restricted to one retriever (``dense`` or ``keyword``)."""
        if mode == "dense":
            return Candidates(self.dense_ids, self.dense_scores, query_vector=self.query_vector)
        if mode == "keyword":
            return Candidates(keyword_ids=self.keyword_ids, keyword_scores=self.keyword_scores)
        return self


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk: ``text == article_text[start:end]``."""

    position: int
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class Hit:
    """One article in the results, with its best passages (best first)."""

    article_id: str
    article_row: int
    title: str
    source: str | None
    url: str | None
    published: datetime | None
    authors: tuple[str, ...]
    score: float
    passages: tuple[Passage, ...] = field(default_factory=tuple)
    dense_score: float | None = None  # best cosine similarity among its passages, if retrieved
    keyword_score: float | None = None

    @property
    def passage(self) -> Passage:
        """The best passage."""
        return self.passages[0]


_RETRIEVERS: ThreadPoolExecutor | None = None
_RETRIEVERS_LOCK = threading.Lock()


def _retrievers() -> ThreadPoolExecutor:
    """The threads that run a server-backed collection's keyword query beside the caller's
    dense side (shared, made on first use: a process searching only an index directory never
    starts them)."""
    global _RETRIEVERS
    with _RETRIEVERS_LOCK:
        if _RETRIEVERS is None:
            _RETRIEVERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="newsdesk-queries")
        return _RETRIEVERS


class Searcher:
    """Runs queries against one collection view.

    Parameters
    ----------
    generation : Collection
        The loaded view (a snapshot of the live generation; any store's).
    embedder : Embedder
        The model the index was built with.
    params : SearchParams
        Retrieval settings.
    """

    def __init__(self, generation: Collection, embedder: Embedder, params: SearchParams):
        self.generation = generation
        self.embedder = embedder
        self.params = params

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
        """Find the ``k`` articles that best answer ``query``.

        Parameters
        ----------
        query : str
            Free text.
        k : int
            Number of distinct articles to return.
        sources : iterable of str, optional
            Keep only these outlets (case-insensitive).
        since, until : datetime, optional
            Keep only articles published in this range (inclusive); undated articles are
            dropped when either is given.
        as_of : datetime, optional
            The moment the question is asked (default: now); recent coverage before it is
            preferred when relevance is close. Later articles are not excluded.
        mode : {"hybrid", "dense", "keyword"}
            Which retrievers to use.
        latest : bool
            The question asks for the newest coverage ("what is the latest on X"): the newest
            of the articles nearly as relevant as the best one leads, then the others, newest
            first, then the rest by score. Works on an archive as well as on today's news.

        Returns
        -------
        list[Hit]
            Best first.
        """
        candidates = self.retrieve(query, sources=sources, since=since, until=until, mode=mode)
        return self.rank(candidates, k=k, as_of=as_of, latest=latest)

    def retrieve(
        self,
        query: str,
        *,
        sources: Iterable[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        mode: str = "hybrid",
    ) -> Candidates:
        """Run the retrievers: the first stage of :meth:`search`, before any fusion.

        Returns
        -------
        Candidates
            Chunk positions and scores from each retriever, best first (empty when unused).
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        candidates = Candidates()
        query = query.strip()
        if not query:
            return candidates
        allowed = self.generation.allowed(sources, since, until)
        if allowed is not None and not self.generation.matches(allowed):
            return candidates
        keywords = None  # gives the keyword side's (positions, scores) when called
        vector_later: Future | None = None  # the query's vector, for the keyword side's thread
        if mode in ("hybrid", "keyword"):
            keywords = functools.partial(
                self.generation.keywords.search,
                without_latest(query),
                self.params.candidates,
                allowed,
            )
            if mode == "hybrid" and self.generation.waits_on_server:
                # The keyword query waits on the server while this thread encodes the question
                # and runs the dense query (1M chunks in PostgreSQL: the two sides were 18 and
                # 13 ms one after the other); its rows are read once the question is encoded.
                # In-process retrievers gain nothing from a thread.
                vector_later = Future()
                keywords = functools.partial(keywords, after=vector_later)
                keywords = _retrievers().submit(self._keyword_side, keywords, vector_later).result
        if mode in ("hybrid", "dense"):
            try:
                vector = self.embedder.encode_query(query)
            except BaseException as error:
                if vector_later is not None:
                    vector_later.set_exception(error)
                raise
            candidates.query_vector = vector[0]
            if vector_later is not None:
                vector_later.set_result(vector[0])
            candidates.dense_ids, candidates.dense_scores = self.generation.vectors.search(
                vector, self.params.candidates, allowed
            )
        if keywords is not None:
            candidates.keyword_ids, candidates.keyword_scores = keywords()
        return candidates

    def _keyword_side(
        self, keywords: Callable[[], tuple[np.ndarray, np.ndarray]], vector_later: Future
    ) -> tuple[np.ndarray, np.ndarray]:
        """The keyword side on a server: its query, then, once the question is encoded and
        while the dense query runs, the title cosines of its chunks' articles, which the
        collection keeps for :meth:`rank` (1M chunks: one round trip fewer after retrieval)."""
        found = keywords()
        if self.params.title_weight > 0 and len(found[0]):
            try:
                query = vector_later.result()
            except BaseException:
                return found  # the encoder's error is raised by the caller
            rows, _ = self.generation.chunk_facts(found[0])
            self.generation.title_cosines(sorted(set(rows.tolist()) - {-1}), query)
        return found

    def rank(
        self,
        candidates: Candidates,
        k: int = 5,
        as_of: datetime | None = None,
        latest: bool = False,
    ) -> list[Hit]:
        """Fuse retriever candidates into the top ``k`` articles: the second stage of search."""
        params = self.params
        chunk_scores: dict[int, float] = {}
        if params.fusion == "weighted":
            _add_normalised(
                chunk_scores, candidates.dense_ids, candidates.dense_scores, params.dense_weight
            )
            _add_normalised(
                chunk_scores,
                candidates.keyword_ids,
                candidates.keyword_scores,
                params.keyword_weight,
            )
        else:
            _add_ranks(chunk_scores, candidates.dense_ids, params.dense_weight, params.rrf_k)
            _add_ranks(chunk_scores, candidates.keyword_ids, params.keyword_weight, params.rrf_k)
        if not chunk_scores:
            return []
        positions = np.fromiter(chunk_scores, dtype=np.int64, count=len(chunk_scores))
        rows, published = self.generation.chunk_facts(positions)
        article_of = dict(zip(positions.tolist(), rows.tolist(), strict=True))
        if params.fusion == "article":
            # Each retriever ranks articles by their best chunk; the ranks are fused, so an
            # article whose passages are found by both retrievers counts both votes even when
            # they found different passages of it.
            article_scores: dict[int, float] = {}
            _add_ranks(
                article_scores,
                _first_per_article(candidates.dense_ids, article_of),
                params.dense_weight,
                params.rrf_k,
            )
            _add_ranks(
                article_scores,
                _first_per_article(candidates.keyword_ids, article_of),
                params.keyword_weight,
                params.rrf_k,
            )
        else:
            article_scores = {}
            for position, score in chunk_scores.items():
                article = article_of[position]
                article_scores[article] = max(article_scores.get(article, 0.0), score)
        dense = dict(
            zip(candidates.dense_ids.tolist(), candidates.dense_scores.tolist(), strict=True)
        )
        keyword = dict(
            zip(candidates.keyword_ids.tolist(), candidates.keyword_scores.tolist(), strict=True)
        )
        self._add_title_signal(article_scores, candidates.query_vector)
        return self._articles(
            chunk_scores,
            positions,
            rows,
            published,
            article_scores,
            dense,
            keyword,
            k,
            as_of,
            latest,
        )

    def _add_title_signal(self, article_scores: dict[int, float], query: np.ndarray | None) -> None:
        """Raise each article by ``title_weight`` x the best score x cos(query, its title)."""
        weight = self.params.title_weight
        if weight <= 0 or query is None or not article_scores:
            return
        rows = list(article_scores)
        cosines = self.generation.title_cosines(rows, query)
        if cosines is None:
            return
        unit = weight * max(article_scores.values())
        floor = self.params.title_floor
        for row, cosine in zip(rows, cosines.tolist(), strict=True):
            article_scores[row] += unit * max(cosine - floor, 0.0) / (1.0 - floor)

    def filters_match(
        self,
        sources: Iterable[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> bool:
        """Whether any indexed article passes the outlet and date filters (all do without)."""
        allowed = self.generation.allowed(sources, since, until)
        return allowed is None or self.generation.matches(allowed)

    def _articles(
        self,
        fused: dict[int, float],
        positions: np.ndarray,
        articles: np.ndarray,
        published: np.ndarray,
        article_scores: dict[int, float],
        dense: dict[int, float],
        keyword: dict[int, float],
        k: int,
        as_of: datetime | None,
        latest: bool = False,
    ) -> list[Hit]:
        generation, params = self.generation, self.params
        by_article: dict[int, list[tuple[float, int]]] = {}
        for position, article in zip(positions.tolist(), articles.tolist(), strict=True):
            by_article.setdefault(article, []).append((fused[position], position))
        bonus = self._recency_bonus(published, articles, as_of, article_scores)
        ranked = sorted(
            (
                (score + bonus.get(article, 0.0), article)
                for article, score in article_scores.items()
            ),
            reverse=True,
        )
        if latest:
            ranked = self._newest_relevant_first(ranked, article_scores, published, articles)
        # Fetch a few more than k: some may collapse as near-duplicates.
        shortlist = ranked[: max(k * 3, k + 5)]
        chosen_positions = {
            article: [p for _, p in sorted(by_article[article], reverse=True)][
                : params.passages_per_hit
            ]
            for _, article in shortlist
        }
        chunks, metadata = generation.chunks_and_articles(
            (p for ps in chosen_positions.values() for p in ps), [a for _, a in shortlist]
        )
        hits: list[Hit] = []
        seen_shingles: list[set[tuple[str, ...]]] = []
        seen_texts: set[str] = set()
        for score, article in shortlist:
            if article not in metadata or any(p not in chunks for p in chosen_positions[article]):
                # Removed since the retrievers ran (PostgreSQL views read the latest commit).
                continue
            passages = tuple(
                Passage(p, chunks[p].start, chunks[p].end, chunks[p].text, fused[p])
                for p in chosen_positions[article]
            )
            # A wire story published word for word by several outlets needs no shingles.
            if passages[0].text in seen_texts:
                continue
            shingles = _shingles(passages[0].text)
            if any(
                _jaccard(shingles, other) >= params.duplicate_jaccard for other in seen_shingles
            ):
                continue
            seen_texts.add(passages[0].text)
            seen_shingles.append(shingles)
            meta = metadata[article]
            article_positions = [p for _, p in by_article[article]]
            dense_scores = [dense[p] for p in article_positions if p in dense]
            keyword_scores = [keyword[p] for p in article_positions if p in keyword]
            hits.append(
                Hit(
                    article_id=meta.id,
                    article_row=article,
                    title=meta.title,
                    source=meta.source,
                    url=meta.url,
                    published=meta.published,
                    authors=meta.authors,
                    score=score,
                    passages=passages,
                    dense_score=max(dense_scores) if dense_scores else None,
                    keyword_score=max(keyword_scores) if keyword_scores else None,
                )
            )
            if len(hits) == k:
                break
        return hits

    def _newest_relevant_first(
        self,
        ranked: list[tuple[float, int]],
        relevance: dict[int, float],
        published: np.ndarray,
        articles: np.ndarray,
    ) -> list[tuple[float, int]]:
        """Re-order for a "latest" question: the articles at least ``latest_min_relevance`` as
        relevant as the best one, newest first (undated last), then the rest as ranked."""
        published = dict(zip(articles.tolist(), published.tolist(), strict=True))
        floor = self.params.latest_min_relevance * max(relevance.values())
        close = [(score, a) for score, a in ranked if relevance[a] >= floor]
        rest = [(score, a) for score, a in ranked if relevance[a] < floor]

        def newest(item: tuple[float, int]) -> tuple[bool, float, float]:
            moment = published.get(item[1], math.nan)
            return (math.isnan(moment), -moment if not math.isnan(moment) else 0.0, -item[0])

        return sorted(close, key=newest) + rest

    def _recency_bonus(
        self,
        published: np.ndarray,
        articles: np.ndarray,
        as_of: datetime | None,
        relevance: dict[int, float],
    ) -> dict[int, float]:
        """Bonus per article for coverage published shortly before the as-of moment.

        With no ``as_of`` and ``asof_articles`` set, the moment is the newest publication time
        of the ``asof_articles`` most relevant articles (an archive asked today is measured
        against its own newest coverage of the story, not against today), with the gentler
        ``collection_recency_*`` settings; otherwise ``as_of`` or now, with ``recency_*``.
        """
        params = self.params
        weight, half_life = params.recency_weight, params.recency_half_life_days
        if as_of is None and params.asof_articles > 0:
            weight = params.collection_recency_weight
            half_life = params.collection_recency_half_life_days
            moment = self._collection_as_of(articles, published, relevance)
            if moment is None:
                return {}
        else:
            moment = _utc(as_of or datetime.now(UTC)).timestamp()
        if weight <= 0:
            return {}
        age_days = (moment - published) / 86400.0
        # In units of half the best article's score, so a weight means the same under every
        # fusion method: a fresh article can overtake one up to that far ahead of it.
        unit = weight * 0.5 * max(relevance.values())
        bonus: dict[int, float] = {}
        for article, age in zip(articles.tolist(), age_days.tolist(), strict=True):
            # Undated and later-than-as-of articles get no bonus (they are not excluded either).
            if age >= 0 and not math.isnan(age):
                bonus[article] = unit * 0.5 ** (age / half_life)
        return bonus

    def _collection_as_of(
        self, articles: np.ndarray, published: np.ndarray, relevance: dict[int, float]
    ) -> float | None:
        """The newest publication time (UTC seconds) among the most relevant articles."""
        when = dict(zip(articles.tolist(), published.tolist(), strict=True))
        top = sorted(relevance, key=relevance.__getitem__, reverse=True)
        dates = [when[a] for a in top[: self.params.asof_articles] if not math.isnan(when[a])]
        return max(dates) if dates else None


def _add_ranks(fused: dict[int, float], ids, weight: float, rrf_k: int) -> None:
    """Add reciprocal-rank-fusion votes ``weight / (rrf_k + rank)`` for a ranked id list."""
    for rank, key in enumerate(ids.tolist() if isinstance(ids, np.ndarray) else ids, start=1):
        fused[key] = fused.get(key, 0.0) + weight / (rrf_k + rank)


def _add_normalised(
    fused: dict[int, float], ids: np.ndarray, scores: np.ndarray, weight: float
) -> None:
    """Add ``weight`` times each score, min-max normalised over this candidate list.

    Min-max is undefined when every candidate scores the same, most often when a retriever
    returns a single candidate (a rare name only one passage contains): those candidates are
    all the retriever's best and get the full ``weight``, not zero.
    """
    if not len(ids):
        return
    low, high = float(scores.min()), float(scores.max())
    spread = high - low
    for key, score in zip(ids.tolist(), scores.tolist(), strict=True):
        # The epsilon keeps the last candidate above zero: it was retrieved, after all.
        normalised = (score - low) / spread + 1e-6 if spread > 0 else 1.0
        fused[key] = fused.get(key, 0.0) + weight * normalised


def _first_per_article(positions: np.ndarray, article_of: dict[int, int]) -> list[int]:
    """Articles in the order their best chunk appears in a ranked chunk list."""
    return list(dict.fromkeys(article_of[p] for p in positions.tolist()))


def _shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    """The text's word ``size``-grams (all of it as one when shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {tuple(words)}
    # zip over shifted lists (unequal lengths: it stops at the shortest): 40 us for a
    # 234-word passage, 56 us slicing a window per position; up to 15 passages per search.
    return set(zip(*(words[i:] for i in range(size)), strict=False))


def _jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
