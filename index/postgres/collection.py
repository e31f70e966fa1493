"""The read view of a PostgreSQL collection: :class:`PostgresCollection` implements
:class:`index.storage.Collection`.

It reads the latest committed state through the store's connections (MVCC: writers never block
it; a replica when the location names one). Filters are SQL conditions (:class:`SqlFilter`); the
dense side is the collection's HNSW index (inner product on normalised vectors), the keyword
side the chunks' ``tsvector`` ranked by ``ts_rank`` (an OR of the query's lexemes, in the
collection's text-search configuration; its rarer lexemes, by ``lexeme_stats``, choose the
chunks ranked). ``terms`` and ``idf`` use the embedded store's analysis
and formula over the ``term_stats`` table, so answers and quotations weigh words the same on
both stores.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Iterable, Sequence
from concurrent import futures
from concurrent.futures import Future
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import psycopg
import Stemmer
from psycopg.rows import dict_row, tuple_row

from ..dates import parse_timestamp, to_utc
from ..errors import IndexMismatchError
from ..keyword import analyze_terms, idf
from ..quote_index import QuoteIndex, name_prefixes, quote_hit
from ..quotes import speaker_matches
from ..storage import collection_stats, model_mismatch
from ..store import IndexStats, Manifest, SourceStats, StoredArticle, StoredChunk
from .connection import TEXT_RANKS

if TYPE_CHECKING:
    from .store import PostgresStore

# pgvector's ceiling for hnsw.ef_search; the candidate list is at least k long.
_EF_SEARCH_MAX = 1000
# The ranking function's normalisation flags (0: none; 1: divide by 1 + log of the length; see the
# PostgreSQL manual, "Ranking Search Results").
RANK_NORMALIZATION = 0
# How many chunks (summed chunk counts of lexemes) the keyword side ranks at most, taking the
# query's lexemes rarest first. On RealTimeQA's 80,192 chunks (ts_rank, 200 questions): the
# plain OR p50 88 ms, 20,000 80 ms, 5,000 38 ms, 2,000 15 ms. Counted by lexeme_stats, hybrid
# Recall@5 / MRR@10 (RealTimeQA with dates; without; BBC) at 5,000: 0.932 / 0.773, 0.830 /
# 0.667, 0.950 / 0.856; at 3,000: 0.932 / 0.767, 0.830 / 0.668, 0.950 / 0.856; at 2,000 without
# dates 0.818 / 0.667, past 0.02 of the embedded store's BM25 (0.841 / 0.686). At 1M chunks the
# keyword query takes p50 8.6 ms at 5,000, 5.7 at 3,000, 4.4 at 2,000.
CANDIDATE_CHUNKS = 3_000
# The query's lexemes (config, query, collection id, budget): each with its rank n (rarest first,
# those in no chunk last) and whether its chunks are ranked (the rarest always, then others in
# some chunk while the running sum of their chunk counts stays within the budget). See
# _candidate_lexemes.
_LEXEMES_SQL = (
    "WITH known AS (SELECT l.lexeme, t.documents "
    "FROM unnest(tsvector_to_array(to_tsvector(%s::regconfig, %s))) AS l(lexeme) "
    "LEFT JOIN lexeme_stats t ON t.collection_id = %s AND t.lexeme = l.lexeme "
    "AND t.documents > 0), "
    "ranked AS (SELECT lexeme, documents IS NOT NULL AS counted, row_number() OVER w AS n, "
    "sum(COALESCE(documents, 0)) OVER w AS running "
    "FROM known WINDOW w AS (ORDER BY documents NULLS LAST, lexeme ROWS UNBOUNDED PRECEDING)), "
    "lexemes AS (SELECT lexeme, n, (n = 1 OR (counted AND running <= %s)) AS chosen FROM ranked)"
)
_STORED_ARTICLE_FIELDS = {f.name for f in fields(StoredArticle)}


@dataclass(frozen=True)
class SqlFilter:
    """Outlet and date filters as a SQL condition over ``chunks`` (opaque to callers).

    ``sql`` starts with `` AND `` and uses ``%s`` placeholders for ``params``.
    """

    sql: str
    params: tuple


def as_array(vector) -> np.ndarray:
    """A float32 array from what the pgvector adapter returns (a ``Vector``)."""
    if hasattr(vector, "to_numpy"):
        vector = vector.to_numpy()
    return np.asarray(vector, dtype=np.float32)


def version_of(row: dict) -> str:
    """A collection row's version as views and logs show it: ``"collection 1 version 9"`` (the
    version counts committed transactions, 32 articles each during a build)."""
    return f"collection {row['id']} version {row['version']}"


def manifest_of(row: dict) -> Manifest:
    return Manifest(
        model=row["model"],
        dimension=row["dimension"],
        chunking=dict(row["chunking"]),
        index_type=row["index_type"],
        generation=int(row["version"]),
        articles=int(row["articles"]),
        chunks=int(row["chunks"]),
        duplicates=int(row["duplicates"]),
        built_at=row["changed"].isoformat(),
        quotes=int(row["quotes"]),
        quotes_version=int(row["quotes_version"]),
        titles=True,
    )


class PostgresCollection:
    """A read view of one collection (see :class:`index.storage.Collection`).

    It reads the latest committed state, not a snapshot: chunk positions and article rows are
    the tables' own keys, stable while the rows exist, and a row deleted between two calls is
    simply absent from the second (search skips such hits). ``manifest`` and ``version`` are
    those of the moment the view was opened.
    """

    # Both retrievers wait on the server: search runs them side by side (index.search).
    waits_on_server = True

    def __init__(self, store: PostgresStore, row: dict):
        self.store = store
        self.id = int(row["id"])
        self.dimension = int(row["dimension"])
        self.text_search = str(row["text_search"])
        self.manifest = manifest_of(row)
        self._version = version_of(row)
        # Article row and publication time (UTC seconds, NaN: undated) of the chunks the
        # retrievers returned lately, by position: the retrievers read them with the chunks, so
        # ranking needs no round trip of its own for them. A position is never reused, so an
        # entry holds for as long as its chunk exists (one deleted since then is found gone
        # when its article or text is fetched, as search expects).
        self._facts: dict[int, tuple[int, float]] = {}
        # Title cosines by article row for the latest queries (keyed by the query vector's
        # bytes): the dense query computes them for its own chunks' articles, and search asks
        # for the keyword side's while the dense query runs, so ranking finds them all here.
        self._cosines: dict[bytes, dict[int, float]] = {}
        self._cosines_lock = threading.Lock()
        self.vectors = PostgresVectors(self)
        self.keywords = PostgresKeywords(self)
        self.quotes = QuoteIndex(self)

    @property
    def version(self) -> str:
        return self._version

    @property
    def reusable(self) -> dict:
        return {}

    @property
    def path(self) -> str:
        """Where the collection lives (for messages)."""
        return str(self.store.where)

    def query(
        self,
        sql: str,
        parameters: Sequence = (),
        binary: bool = False,
        tuples: bool = False,
        after: Future | None = None,
    ) -> list:
        """Run a read-only query on a pooled connection (the replica's when it may); rows as
        dicts (``tuples``: as tuples). ``binary``: results in binary (vectors then load without
        parsing text: 20x faster for a hundred title vectors). ``after``: the rows the server
        sent are turned into Python objects only once this future is done (whatever its
        outcome), so a thread waiting on the server does not take the GIL from the work the
        future stands for."""

        def rows(connection: psycopg.Connection) -> list:
            factory = tuple_row if tuples else dict_row
            with connection.cursor(row_factory=factory, binary=binary) as cursor:
                cursor.execute(sql, parameters)
                if after is not None:
                    futures.wait([after])
                return cursor.fetchall()

        return self.store.reads.run(rows)

    # -- filters and per-position facts

    def allowed(
        self,
        sources: Iterable[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> SqlFilter | None:
        """Outlets (case-insensitive) and a publication range as a condition on chunks;
        undated chunks fail ``since`` and ``until``. None: no filter."""
        parts, parameters = [], []
        if sources:
            parts.append("lower(source) = ANY(%s)")
            parameters.append(sorted({s.strip().casefold() for s in sources if s and s.strip()}))
        if since is not None:
            parts.append("published >= %s")
            parameters.append(to_utc(since))
        if until is not None:
            parts.append("published <= %s")
            parameters.append(to_utc(until))
        if not parts:
            return None
        return SqlFilter("".join(f" AND {p}" for p in parts), tuple(parameters))

    def matches(self, allowed: SqlFilter) -> bool:
        """Whether any chunk passes ``allowed``."""
        return bool(
            self.query(
                f"SELECT EXISTS (SELECT 1 FROM chunks WHERE collection_id = {self.id}"
                f"{allowed.sql}) AS found",
                allowed.params,
            )[0]["found"]
        )

    # What retrievers select beside position and score, for _remember: the chunk's facts. Not
    # its text: parsing 200 chunks' text cost more than the one round trip that fetches the
    # dozen passages shown (1M chunks: search p50 1.57x the floor with, 1.43x without).
    FACT_COLUMNS = "article_row, extract(epoch FROM published)::float8"
    # Facts remembered at most; past it the memory starts again (a few KB per query).
    _FACTS_KEPT = 200_000
    # Queries whose title cosines are remembered (as many as search threads run at once).
    _COSINES_KEPT = 16

    def _remember(self, rows: Sequence[Sequence]) -> dict[int, tuple[int, float]]:
        """Keep the facts of retrieved rows ``(position, score, article_row, moment, ...)``;
        returns them by position."""
        found = {row[0]: (row[2], math.nan if row[3] is None else row[3]) for row in rows}
        if len(self._facts) > self._FACTS_KEPT:
            self._facts = {}
        self._facts.update(found)
        return found

    def chunk_facts(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Article rows (-1: gone) and publication times (UTC seconds, NaN: undated or gone);
        a chunk the retrievers just returned is answered from memory (see ``_facts``)."""
        wanted = np.asarray(positions, dtype=np.int64)
        rows = np.full(len(wanted), -1, dtype=np.int64)
        published = np.full(len(wanted), np.nan)
        if not len(wanted):
            return rows, published
        facts = self._facts  # this dict, even if _remember starts a new one
        missing = [p for p in wanted.tolist() if p not in facts]
        fetched = {}
        if missing:
            fetched = self._remember(
                self.query(
                    f"SELECT position, NULL, {self.FACT_COLUMNS} "
                    f"FROM chunks WHERE collection_id = {self.id} AND position = ANY(%s)",
                    (missing,),
                    tuples=True,
                )
            )
        for i, position in enumerate(wanted.tolist()):
            fact = facts.get(position) or fetched.get(position)
            if fact is not None:
                rows[i], published[i] = fact
        return rows, published

    # -- rows

    def title_cosines(self, rows: Sequence[int], query: np.ndarray) -> np.ndarray:
        """Cosines between ``query`` (shape ``(dimension,)``, unit length) and the titles of
        article rows, shape ``(len(rows),)`` (0: no title vector), computed by the server: a
        float per article crosses the wire, not its vector. Those computed for the same query
        lately (by the dense query for its chunks' articles, or by an earlier call) are
        answered from memory (``_cosines``)."""
        rows = [int(r) for r in rows]
        result = np.zeros(len(rows), dtype=np.float32)
        if not rows:
            return result
        vector = np.asarray(query, dtype=np.float32).reshape(-1)
        key = vector.tobytes()
        with self._cosines_lock:
            known = dict(self._cosines.get(key, ()))
        missing = [r for r in rows if r not in known]
        if missing:
            found = dict.fromkeys(missing, 0.0)
            found.update(
                self.query(
                    f"SELECT article_row, -(embedding::vector({self.dimension}) <#> %s) "
                    "FROM title_vectors WHERE article_row = ANY(%s)",
                    (vector, missing),
                    tuples=True,
                )
            )
            self._remember_cosines(key, found)
            known.update(found)
        for i, row in enumerate(rows):
            result[i] = known[row]
        return result

    def _remember_cosines(self, key: bytes, cosines: dict[int, float]) -> None:
        """Keep title cosines for the query whose vector's bytes are ``key``."""
        with self._cosines_lock:
            kept = self._cosines.pop(key, {})
            kept.update(cosines)
            self._cosines[key] = kept  # the newest last
            while len(self._cosines) > self._COSINES_KEPT:
                del self._cosines[next(iter(self._cosines))]

    def title_vectors(self, rows: Sequence[int]) -> np.ndarray | None:
        """Title vectors of article rows, shape ``(len(rows), dimension)`` (zeros: none)."""
        rows = [int(r) for r in rows]
        result = np.zeros((len(rows), self.dimension), dtype=np.float32)
        if not rows:
            return result
        found = {
            r["article_row"]: r["embedding"]
            for r in self.query(
                "SELECT article_row, embedding FROM title_vectors WHERE article_row = ANY(%s)",
                (rows,),
                binary=True,
            )
        }
        for i, row in enumerate(rows):
            if row in found:
                result[i] = as_array(found[row])
        return result

    def chunks(self, positions: Iterable[int]) -> dict[int, StoredChunk]:
        """Chunk rows by position (absent: gone)."""
        return self.chunks_and_articles(positions, ())[0]

    def articles(self, rows: Iterable[int]) -> dict[int, StoredArticle]:
        """Article metadata by row (absent: gone)."""
        return self.chunks_and_articles((), rows)[1]

    def chunks_and_articles(
        self, positions: Iterable[int], rows: Iterable[int]
    ) -> tuple[dict[int, StoredChunk], dict[int, StoredArticle]]:
        """:meth:`chunks` and :meth:`articles` in one round trip (the two queries pipelined on
        one connection: what search reads after ranking)."""
        positions, rows = [int(p) for p in positions], [int(r) for r in rows]

        def read(connection: psycopg.Connection) -> tuple[list, list]:
            with connection.pipeline():
                chunks = connection.cursor(row_factory=tuple_row)
                if positions:
                    chunks.execute(
                        'SELECT position, article_row, ordinal, start, "end", text FROM chunks '
                        f"WHERE collection_id = {self.id} AND position = ANY(%s)",
                        (positions,),
                    )
                articles = connection.cursor(row_factory=dict_row)
                if rows:
                    articles.execute(
                        'SELECT "row", id, title, url, source, published_text, authors, partial, '
                        f"updated FROM articles WHERE collection_id = {self.id} "
                        'AND "row" = ANY(%s)',
                        (rows,),
                    )
            return (
                chunks.fetchall() if positions else [],
                articles.fetchall() if rows else [],
            )

        if not positions and not rows:
            return {}, {}
        chunk_rows, article_rows = self.store.reads.run(read)
        return (
            {r[0]: StoredChunk(*r) for r in chunk_rows},
            {r["row"]: _stored_article(r) for r in article_rows},
        )

    def article_text(self, row: int) -> str:
        """The full text of one article.

        Raises
        ------
        KeyError
            If the article is gone.
        """
        found = self.query('SELECT text FROM articles WHERE "row" = %s', (int(row),))
        if not found:
            raise KeyError(row)
        return found[0]["text"]

    def article_rows_by_id(self, article_ids: Iterable[str]) -> dict[str, int]:
        """Rows of live articles by id; a stored duplicate maps to its canonical article's."""
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return {}
        return {
            r["id"]: r["row"]
            for r in self.query(
                'SELECT a.id, CASE WHEN a.duplicate_of IS NULL THEN a."row" ELSE c."row" END '
                'AS "row" FROM articles a LEFT JOIN articles c '
                "ON c.collection_id = a.collection_id AND c.id = a.duplicate_of "
                "AND c.duplicate_of IS NULL "
                f"WHERE a.collection_id = {self.id} AND a.id = ANY(%s)",
                (ids,),
            )
            if r["row"] is not None
        }

    def quote_parts(self) -> list[PostgresQuotes]:
        """The collection's quotations, as one part (see :class:`index.quote_index.QuoteIndex`)."""
        return [PostgresQuotes(self)]

    def stats(self) -> IndexStats:
        """Counts per outlet (canonical articles) and the collection's facts."""
        sources = []
        for r in self.query(
            "SELECT COALESCE(source, '') AS name, count(*) AS articles, "
            "(array_agg(published_text ORDER BY published DESC) "
            "FILTER (WHERE published IS NOT NULL))[1] AS newest FROM articles "
            f"WHERE collection_id = {self.id} AND duplicate_of IS NULL GROUP BY 1"
        ):
            sources.append(
                SourceStats(
                    r["name"] or "(unknown outlet)", r["articles"], parse_timestamp(r["newest"])
                )
            )
        return collection_stats(self.manifest, sources)

    def check_model(self, model: str, dimension: int) -> None:
        """Refuse to search with a model other than the one the vectors came from."""
        message = model_mismatch(str(self.store.where), self.manifest, model, dimension)
        if message:
            raise IndexMismatchError(message)

    def close(self) -> None:
        """Nothing to release (the store's pool holds the connections)."""


# The HNSW settings each pooled connection has for its session, so a query whose settings are
# those already set is one statement (set per transaction they were three more: BEGIN, the
# settings, COMMIT, 0.4 ms of a 1M-chunk search). The pool's connections serve only this module's
# queries, and only the dense query reads these settings.
_SESSION_SETTINGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SESSION_SETTINGS_LOCK = threading.Lock()


def _hnsw_settings(connection: psycopg.Connection, settings: tuple[str, str]) -> None:
    """Give ``connection``'s session ``hnsw.ef_search`` and ``hnsw.iterative_scan`` these
    values, unless it has them already."""
    with _SESSION_SETTINGS_LOCK:
        if _SESSION_SETTINGS.get(connection) == settings:
            return
    connection.execute(
        "SELECT set_config('hnsw.ef_search', %s, false), "
        "set_config('hnsw.iterative_scan', %s, false)",
        settings,
    )
    with _SESSION_SETTINGS_LOCK:
        _SESSION_SETTINGS[connection] = settings


def _stored_article(row: dict) -> StoredArticle:
    values = {
        "row": row["row"],
        "id": row["id"],
        "title": row["title"],
        "url": row["url"],
        "source": row["source"],
        "published": parse_timestamp(row["published_text"]),
        "authors": tuple(row["authors"]),
        "partial": bool(row["partial"]),
        "updated": row["updated"],
    }
    return StoredArticle(**{k: v for k, v in values.items() if k in _STORED_ARTICLE_FIELDS})


class PostgresVectors:
    """Dense search over a collection's HNSW index (inner product on normalised vectors)."""

    def __init__(self, view: PostgresCollection):
        self.view = view
        self.size = view.manifest.chunks

    def search(
        self, query: np.ndarray, k: int, allowed: SqlFilter | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Positions and inner products of the ``k`` nearest chunks passing ``allowed``, best
        first. ``query``: shape ``(dimension,)`` or ``(1, dimension)``."""
        vector = np.asarray(query, dtype=np.float32).reshape(-1)
        view, dimension = self.view, self.view.dimension
        condition = allowed or SqlFilter("", ())
        # The same expression as the collection's index, and its id as a literal, so the
        # planner can use the partial index.
        distance = f"embedding::vector({dimension}) <#> %s"
        # Each chunk's article's title cosine comes along (see title_cosines), joined after the
        # index scan so the scan stays the partial index's.
        sql = (
            f"SELECT n.*, -(t.embedding::vector({dimension}) <#> %s) FROM "
            f"(SELECT position, -({distance}) AS score, {view.FACT_COLUMNS} "
            f"FROM chunks WHERE collection_id = {view.id}{condition.sql} "
            f"ORDER BY {distance} LIMIT %s) n "
            "LEFT JOIN title_vectors t ON t.article_row = n.article_row "
            "ORDER BY n.score DESC, n.position"
        )

        # A filter drops candidates after the index scan: then scan on until k pass.
        settings = (
            str(min(max(2 * k, 100), _EF_SEARCH_MAX)),
            "off" if allowed is None else "strict_order",
        )

        def nearest(connection: psycopg.Connection) -> list[tuple]:
            _hnsw_settings(connection, settings)
            return connection.execute(
                sql, (vector, vector, *condition.params, vector, k)
            ).fetchall()

        rows = view.store.reads.run(nearest)
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        view._remember(rows)
        view._remember_cosines(
            vector.tobytes(), {r[2]: 0.0 if r[-1] is None else r[-1] for r in rows}
        )
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        scores = np.array([r[1] for r in rows], dtype=np.float32)
        return ids, scores


class PostgresKeywords:
    """Keyword search with ``ts_rank`` (or ``ts_rank_cd``) over the chunks' ``tsvector``; term
    statistics from ``term_stats`` (see the module docstring).

    Parameters
    ----------
    view : PostgresCollection
        The collection.
    normalization : int
        The ranking function's normalisation flags (:data:`RANK_NORMALIZATION` by default).
    candidate_chunks : int
        At most this many chunks are ranked (:data:`CANDIDATE_CHUNKS`; see
        :meth:`_candidate_lexemes`).
    function : {"ts_rank", "ts_rank_cd"}, optional
        The ranking function (default: the location's ``text_rank``, else ``ts_rank``).
        Measured with ``python -m index eval`` (hybrid Recall@5 / MRR@10, collections copied
        from the embedded indexes): RealTimeQA 5,000 with dates BM25 0.943 / 0.782, ts_rank
        0.932 / 0.773, ts_rank_cd 0.932 / 0.749; without dates 0.841 / 0.686, 0.830 / 0.668,
        0.784 / 0.596; BBC (2,045 headlines) 0.956 / 0.856, ts_rank 0.949 / 0.855, ts_rank_cd
        0.931 / 0.808. ts_rank_cd's cover density rewards query words close together, which a
        question's scattered words rarely are.
    """

    def __init__(
        self,
        view: PostgresCollection,
        normalization: int = RANK_NORMALIZATION,
        function: str | None = None,
        candidate_chunks: int = CANDIDATE_CHUNKS,
    ):
        self.view = view
        self.size = view.manifest.chunks
        self.normalization = normalization
        self.candidate_chunks = candidate_chunks
        self.function = function or view.store.where.text_rank
        if self.function not in TEXT_RANKS:
            raise ValueError(f"not a ranking function: {self.function!r}")
        self._stemmer = Stemmer.Stemmer("english")

    def search(
        self,
        query: str,
        k: int,
        allowed: SqlFilter | None = None,
        *,
        after: Future | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Positions and ranks (``ts_rank`` or ``ts_rank_cd``, over all of ``query``'s lexemes)
        of the best ``k`` chunks holding one of its rarer lexemes (:meth:`_candidate_lexemes`;
        on a small collection any of them: an OR, as BM25 scores), best first. ``after``: read
        the rows only once it is done (see :meth:`PostgresCollection.query`; search passes the
        question's encoding, which ran 0.3-0.9 ms slower while this thread parsed rows).

        At most ``candidate_chunks`` chunks are ranked even when the rarest lexeme alone is in
        more (a question of common words only, "who do you think you are?"): those the index
        scan meets first. Such a question's keyword side is weak anyway; the cap keeps it from
        reading a large part of the collection (1M chunks: 55,000 chunks, 122 ms)."""
        empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if k <= 0 or not query.strip():
            return empty
        view = self.view
        condition = allowed or SqlFilter("", ())
        # One round trip: no lexemes make both queries NULL, which no chunk matches.
        rows = view.query(
            _LEXEMES_SQL
            + ", q AS (SELECT to_tsquery('simple', string_agg(quote_literal(lexeme), ' | ')) "
            "AS q FROM lexemes), "
            "c AS (SELECT to_tsquery('simple', string_agg(quote_literal(lexeme), ' | ')) AS c "
            "FROM lexemes WHERE chosen) "
            f"SELECT m.position, {self.function}(m.keywords, q.q, %s) AS score, "
            f"{view.FACT_COLUMNS} FROM "
            "(SELECT position, keywords, article_row, published FROM chunks, c "
            f"WHERE collection_id = {view.id} AND keywords @@ c.c{condition.sql} LIMIT %s) m, q "
            "ORDER BY score DESC, m.position LIMIT %s",
            (
                *self._lexeme_parameters(query),
                self.normalization,
                *condition.params,
                self.candidate_chunks,
                k,
            ),
            tuples=True,
            after=after,
        )
        rows = [r for r in rows if r[1] > 0]
        if not rows:
            return empty
        view._remember(rows)
        return (
            np.array([r[0] for r in rows], dtype=np.int64),
            np.array([r[1] for r in rows], dtype=np.float32),
        )

    def _candidate_lexemes(self, query: str) -> list[str]:
        """The query's lexemes whose chunks are ranked: the rarest first, while the chunks
        holding them number at most ``candidate_chunks`` (the rarest always).

        Ranking reads every matching chunk's ``tsvector``, so an OR of a question's common
        words ("new", "year") ranks a large part of the collection (80k chunks: p50 88 ms,
        1M: ~2 s); a chunk holding only common words is rarely among the best 100. Chunk
        counts come from ``lexeme_stats``, PostgreSQL's own lexemes counted by the writer
        (the embedded analysis's ``term_stats`` disagree on many: numbers, "-19" of Covid-19,
        "university"; with them, such words counted as rare and one question ranked 52,000
        chunks). A lexeme in no chunk comes last, so a misspelt word never crowds out the
        others. On a small collection every lexeme is kept: the result is the plain OR.
        """
        rows = self.view.query(
            _LEXEMES_SQL + " SELECT lexeme FROM lexemes WHERE chosen ORDER BY n",
            self._lexeme_parameters(query),
        )
        return [row["lexeme"] for row in rows]

    def _lexeme_parameters(self, query: str) -> tuple:
        view = self.view
        return (view.text_search, query, view.id, self.candidate_chunks)

    def terms(self, texts: Sequence[str], more_stopwords: bool = False) -> list[list[str]]:
        """Analyse texts into index terms, as the embedded store does."""
        return analyze_terms(self._stemmer, texts, more_stopwords)

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """BM25's inverse document frequency of each term over the collection's chunks now."""
        wanted = sorted(set(terms))
        rows = self.view.query(
            "SELECT term, documents FROM term_stats WHERE collection_id = %s AND term = ANY(%s) "
            "UNION ALL SELECT NULL, chunks FROM collections WHERE id = %s",
            (self.view.id, wanted, self.view.id),
        )
        total = next((r["documents"] for r in rows if r["term"] is None), 0)
        if not total:
            return dict.fromkeys(wanted, 0.0)
        frequency = {r["term"]: r["documents"] for r in rows if r["term"] is not None}
        return {term: idf(total, frequency.get(term, 0)) for term in wanted}


class PostgresQuotes:
    """A collection's quotations as :class:`index.quote_index.QuoteIndex` reads them: the
    speaker's name prefixes narrow the rows in SQL (a GIN index), the names are matched here."""

    def __init__(self, view: PostgresCollection):
        self.view = view

    def rows(self, speaker: str, verdicts: dict, sources, since, until) -> list[dict]:
        """Quotations whose speaker matches, within the filters, by id."""
        prefixes = name_prefixes([speaker])
        if not prefixes:
            return []
        sql = (
            'SELECT q.id, q.article_row, q.start, q."end" AS end, q.sentence_start, '
            "q.sentence_end, q.kind, q.speaker, q.speaker_text, q.cue, q.aliases, q.embedding, "
            "a.id AS article_id, a.title, a.source, a.url, a.published_text AS published, "
            "a.authors, a.partial, a.updated, "
            'substr(a.text, q.start + 1, q."end" - q.start) AS quote_text, '
            "substr(a.text, q.sentence_start + 1, q.sentence_end - q.sentence_start) AS sentence "
            'FROM quotes q JOIN articles a ON a."row" = q.article_row '
            f"WHERE q.collection_id = {self.view.id} AND q.prefixes && %s"
        )
        parameters: list = [prefixes]
        wanted = sorted({s.strip().casefold() for s in sources or () if s and s.strip()})
        if wanted:
            sql += " AND lower(COALESCE(a.source, '')) = ANY(%s)"
            parameters.append(wanted)
        if since is not None:
            sql += " AND a.published >= %s"
            parameters.append(to_utc(since))
        if until is not None:
            sql += " AND a.published <= %s"
            parameters.append(to_utc(until))
        found = []
        for row in self.view.query(sql + " ORDER BY q.id", parameters, binary=True):
            pair = (row["speaker"], tuple(row["aliases"]))
            if pair not in verdicts:
                verdicts[pair] = speaker_matches(pair[0], speaker, pair[1])
            if verdicts[pair]:
                found.append(row)
        return found

    def vectors(self, rows: list[dict]) -> np.ndarray | None:
        """The quotations' sentence embeddings, shape ``(len(rows), dimension)``."""
        if not rows:
            return None
        return np.stack([as_array(r["embedding"]) for r in rows])

    def hit(self, row: dict, score: float | None):
        return quote_hit(row, score, row["id"], row["article_row"], row["authors"])
