"""The PostgreSQL store and its writer (tables: :mod:`.schema`; the read view: :mod:`.collection`).

- :class:`PostgresStore` implements :class:`index.storage.Store` for a ``postgresql://``
  location (one collection of the database, by key).
- :class:`PostgresWriter` implements :class:`index.storage.StoreWriter`. Articles are written in
  transactions of up to :data:`ARTICLES_PER_TRANSACTION` whole articles (an article replaces its
  stored version, by id, in the same transaction: it is never half-visible, and never visible
  twice); the collection's counts, its version and the term statistics change in the same
  transactions. A killed writer loses only its open transaction: the database stays consistent
  and the next run finds what was committed unchanged (same id and content hash) and goes on
  from there. While the builder embeds the next articles, the previous transaction is written
  on a thread of the writer's own (one at a time, in order), so the database's cost hides behind
  the model's. One writer per collection at a time (a session advisory lock, freed by the server
  when the writer's connection ends, however it ends). A full re-embed (another model) writes a
  new collection under no key and swaps it in at commit, so readers never see two models mixed.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import psycopg
import Stemmer
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from .. import quote_index
from ..articles import Article
from ..chunking import embedding_text
from ..dates import parse_timestamp
from ..errors import BuildError, BuildInProgressError, IndexMismatchError, IndexNotFoundError
from ..keyword import analyze_terms
from ..quote_index import QuoteRecord, name_prefixes
from ..storage import NewArticle, StoredVersion, model_mismatch
from ..store import Manifest
from . import schema
from .collection import PostgresCollection, as_array, manifest_of, version_of
from .connection import Location, Pool, advisory_key, connect
from .replica import Reads, wrote

log = logging.getLogger(__name__)

# Whole articles per writer transaction: one commit (one WAL flush) per step of the builder
# instead of one per article, and still a small unit to lose when killed.
ARTICLES_PER_TRANSACTION = 32
# A commit that wrote at least this many chunks (and a tenth of the collection) analyzes the
# tables: the planner's estimates for a collection that grew are otherwise wrong until
# autovacuum comes by.
ANALYZE_AFTER = 1000


class PostgresStore:
    """One collection of a PostgreSQL database; see the module docstring.

    Parameters
    ----------
    location : str
        ``postgresql://user@host:port/database?collection=NAME`` (see
        :class:`~index.postgres.connection.Location`).
    """

    kind = "postgres"

    def __init__(self, location: str):
        self.location = location
        self.where = Location.parse(location)
        self.key = self.where.collection
        self.pool = Pool(self.where.conninfo, where=str(self.where))
        self.reads = Reads(self.where.conninfo, self.pool, self.where.replica)
        self._schema_checked = False
        self._schema_lock = threading.Lock()

    def __str__(self) -> str:
        return str(self.where)

    # -- schema and the collection's row

    def _ready(self, connection: psycopg.Connection, create: bool) -> bool:
        """Bring the schema to this code's version (readers too: an older database is migrated
        when opened); False when there is none and ``create`` is not asked."""
        if self._schema_checked:
            return True
        with self._schema_lock:
            if not self._schema_checked:
                found = schema.version(connection)
                if found == 0 and not create:
                    return False
                if found != schema.VERSION:
                    schema.migrate(connection)
                    if found:
                        log.info(
                            "store schema migrated from version %d to %d", found, schema.VERSION
                        )
                self._schema_checked = True
        return True

    def _row(self, connection: psycopg.Connection, key: str | None = None) -> dict | None:
        with connection.cursor(row_factory=dict_row) as cursor:
            return cursor.execute(
                "SELECT * FROM collections WHERE key = %s", (key or self.key,)
            ).fetchone()

    def current_version(self) -> str | None:
        """The version of what is committed now (:func:`~.collection.version_of`), or None
        (nothing built)."""
        with self.pool.connection() as connection:
            if not self._ready(connection, create=False):
                return None
            row = self._row(connection)
        return None if row is None else version_of(row)

    def manifest(self) -> Manifest | None:
        """What the collection was built with and holds, or None when it does not exist."""
        with self.pool.connection() as connection:
            if not self._ready(connection, create=False):
                return None
            row = self._row(connection)
        return None if row is None else manifest_of(row)

    def open(self, cache: dict | None = None) -> PostgresCollection:
        """A read view of the collection (``cache`` is unused: nothing is loaded up front).

        Raises
        ------
        IndexNotFoundError
            If the database holds no such collection, or it holds no articles.
        """
        with self.pool.connection() as connection:
            if not self._ready(connection, create=False):
                raise IndexNotFoundError(self.where, "the database has no Newsdesk tables")
            row = self._row(connection)
        if row is None:
            raise IndexNotFoundError(self.where, f"no collection {self.key!r} in the database")
        if row["articles"] == 0:
            raise IndexNotFoundError(self.where, "the collection holds no articles")
        return PostgresCollection(self, row)

    @contextlib.contextmanager
    def writer(self) -> Iterator[PostgresWriter]:
        """The collection's one writer (raises BuildInProgressError while another one runs)."""
        connection = connect(self.where.conninfo, vectors=False, where=str(self.where))
        try:
            self._ready(connection, create=True)
            from pgvector.psycopg import register_vector

            register_vector(connection)
            locked = connection.execute(
                "SELECT pg_try_advisory_lock(%s)", (advisory_key("write", self.key),)
            ).fetchone()[0]
            if not locked:
                raise BuildInProgressError(
                    f"another build of {self.where} is running; try again when it finishes"
                )
            writer = PostgresWriter(self, connection)
            try:
                yield writer
            except BaseException:
                writer.close(raising=False)
                raise
            writer.close()
        finally:
            if not connection.closed and not connection.broken:
                with contextlib.suppress(psycopg.Error):  # it wrote nothing we could read then
                    wrote(self.where.conninfo, connection)
            # Closing the session frees the advisory lock and rolls back anything open.
            connection.close()

    def set_text_search(self, config: str) -> None:
        """Rank the keyword side with another text-search configuration (``simple``,
        ``english``, any ``regconfig``): every chunk's ``tsvector`` is computed again from its
        title and text, in one transaction (readers keep the old ones until it commits).

        Raises
        ------
        IndexNotFoundError
            If the collection does not exist.
        BuildInProgressError
            While another writer runs.
        """
        with self.writer() as writer:
            if writer.row is None:
                raise IndexNotFoundError(self.where, f"no collection {self.key!r} in the database")
            writer.set_text_search(config)

    def merge(self, *, everything: bool = False, embedder=None) -> None:
        """Nothing to merge: PostgreSQL maintains its own indexes (``VACUUM`` reclaims rows)."""
        return None

    def merge_plan(self) -> list[str]:
        """Never anything to merge (see :meth:`merge`)."""
        return []

    def export(self, batch: int = 256) -> Iterator[NewArticle]:
        """Every article with its chunks, vectors, quotations and title vector (for ``copy``):
        canonical articles first, then the duplicates pointing at them."""
        with self.pool.connection() as connection:
            row = self._row(connection) if self._ready(connection, create=False) else None
        if row is None:
            return
        prepend = row["chunking"].get("prepend_title", True)
        for duplicates in (False, True):
            last = 0
            while True:
                articles, chunks, quotes, titles = self._export_batch(
                    row["id"], duplicates, last, batch
                )
                for article in articles:
                    number = article["row"]
                    yield _exported(
                        article,
                        chunks.get(number, []),
                        quotes.get(number, []),
                        titles.get(number),
                        prepend,
                    )
                if len(articles) < batch:
                    break
                last = articles[-1]["row"]

    def _export_batch(self, collection: int, duplicates: bool, after: int, limit: int):
        with (
            self.pool.connection() as connection,
            # Binary results: vectors come back as arrays without parsing text.
            connection.cursor(row_factory=dict_row, binary=True) as cursor,
        ):
            articles = cursor.execute(
                'SELECT * FROM articles WHERE collection_id = %s AND "row" > %s AND '
                f"duplicate_of IS {'NOT ' if duplicates else ''}NULL "
                'ORDER BY "row" LIMIT %s',
                (collection, after, limit),
            ).fetchall()
            rows = [a["row"] for a in articles]
            chunks = _grouped(
                cursor.execute(
                    'SELECT article_row, ordinal, start, "end", text, tokens, embedding '
                    "FROM chunks WHERE article_row = ANY(%s) ORDER BY ordinal",
                    (rows,),
                ).fetchall()
            )
            quotes = _grouped(
                cursor.execute(
                    "SELECT * FROM quotes WHERE article_row = ANY(%s) ORDER BY id", (rows,)
                ).fetchall()
            )
            titles = {
                r["article_row"]: r["embedding"]
                for r in cursor.execute(
                    "SELECT article_row, embedding FROM title_vectors WHERE article_row = ANY(%s)",
                    (rows,),
                ).fetchall()
            }
        return articles, chunks, quotes, titles

    def close(self) -> None:
        """Close the idle connections."""
        self.pool.close()
        self.reads.close()


def _grouped(rows: list[dict]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["article_row"], []).append(row)
    return grouped


def _exported(row: dict, chunks, quotes, title, prepend: bool) -> NewArticle:
    article = _article(row)
    dimension_rows = [as_array(c["embedding"]) for c in chunks]
    return NewArticle(
        article,
        row["indexed_at"],
        duplicate_of=row["duplicate_of"],
        chunks=[{k: c[k] for k in ("ordinal", "start", "end", "text", "tokens")} for c in chunks],
        vectors=np.stack(dimension_rows) if dimension_rows else None,
        keyword_texts=[embedding_text(article.title, c["text"], prepend) for c in chunks],
        quotes=[_record(q) for q in quotes],
        quote_vectors=(np.stack([as_array(q["embedding"]) for q in quotes]) if quotes else None),
        title_vector=None if title is None else as_array(title),
    )


def _record(row: dict) -> QuoteRecord:
    return QuoteRecord(
        start=row["start"],
        end=row["end"],
        sentence_start=row["sentence_start"],
        sentence_end=row["sentence_end"],
        kind=row["kind"],
        speaker=row["speaker"],
        speaker_text=row["speaker_text"],
        cue=row["cue"],
        aliases=tuple(row["aliases"]),
    )


def _article(row: dict) -> Article:
    return Article(
        id=row["id"],
        title=row["title"],
        text=row["text"],
        url=row["url"],
        source=row["source"],
        published=parse_timestamp(row["published_text"]),
        authors=tuple(row["authors"]),
        origin=row["origin"],
        origin_path=row["origin_path"],
        partial=row["partial"],
        updated=row["updated"],
    )


def _version(row: dict) -> StoredVersion:
    return StoredVersion(
        row["id"],
        row["content_hash"],
        row["text_hash"],
        row["origin_path"],
        row["indexed_at"],
        row["duplicate_of"],
        (row["row"],),
    )


# ------------------------------------------------------------------------------------------------
# Writing


class PostgresWriter:
    """The one change in progress on a collection (see :class:`index.storage.StoreWriter`).

    Lookups read the committed collection; additions are buffered and written
    :data:`ARTICLES_PER_TRANSACTION` whole articles per transaction; deletes are written when
    asked (after the buffer). Ids written by this writer are never deleted by it: the builder
    deletes the versions its additions replace, and here an addition already replaced them.

    A full buffer is written on the writer's thread while :meth:`add`'s caller goes on (the
    builder embeds the next step meanwhile); every other call first waits for that transaction
    and raises what it raised, so the connection is used by one thread at a time and calls keep
    their order. :meth:`close` waits for it too.
    """

    def __init__(self, store: PostgresStore, connection: psycopg.Connection):
        self.store = store
        self.db = connection
        self._stemmer = Stemmer.Stemmer("english")
        # What a full re-embed killed before its commit left: a collection under no key.
        orphans = self.db.execute(
            "DELETE FROM collections WHERE key IS NULL AND replaces = %s RETURNING id", (store.key,)
        ).fetchall()
        self._drop_indexes([r[0] for r in orphans])
        self.row = store._row(connection)
        self.target: dict | None = None  # the collection written into (a new one to replace)
        self._pending: list[NewArticle] = []
        # The transaction being written in the background (at most one) and its thread.
        self._writing: Future | None = None
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="postgres-writer")
        self._written: set[str] = set()
        self._replace = False
        self._changed = False
        self._inserted = 0  # chunks written since the last commit
        # The extractor a new collection's quotations come from (``copy`` sets the source's).
        self.quotes_version = quote_index.QUOTES_VERSION

    def _drop_indexes(self, collections: Iterable[int]) -> None:
        """Drop the HNSW indexes of deleted collections, concurrently: a plain DROP INDEX would
        lock every collection's readers out of ``chunks`` while it waits."""
        for collection in collections:
            self.db.execute(f"DROP INDEX CONCURRENTLY IF EXISTS chunks_hnsw_{int(collection)}")

    @property
    def settings(self) -> Manifest | None:
        """The collection's model, dimension, chunking and index type (None: never built)."""
        return None if self.row is None else manifest_of(self.row)

    def _settle(self) -> None:
        """Wait for the transaction being written in the background; raises its error."""
        writing, self._writing = self._writing, None
        if writing is not None:
            writing.result()

    def close(self, raising: bool = True) -> None:
        """Wait for the background transaction and end the writer's thread (what is still
        buffered is not written: only :meth:`commit` writes it). ``raising`` False: a failure of
        that transaction is logged, not raised (the caller is already failing)."""
        try:
            self._settle()
        except Exception:
            if raising:
                raise
            log.debug("the background write failed too", exc_info=True)
        finally:
            self._thread.shutdown(wait=True)

    def _query(self, sql: str, parameters: Sequence = ()) -> list[dict]:
        """Rows of ``sql`` once the background transaction is written."""
        self._settle()
        return self._rows(sql, parameters)

    def _rows(self, sql: str, parameters: Sequence = ()) -> list[dict]:
        """Rows of ``sql`` now (inside a transaction of the writer's thread)."""
        with self.db.cursor(row_factory=dict_row) as cursor:
            return cursor.execute(sql, parameters).fetchall()

    _VERSION_COLUMNS = 'id, content_hash, text_hash, origin_path, indexed_at, duplicate_of, "row"'

    def _versions(self, where: str, parameters: Sequence) -> list[StoredVersion]:
        if self.row is None:
            return []
        rows = self._query(
            f"SELECT {self._VERSION_COLUMNS} FROM articles WHERE collection_id = %s AND {where}",
            (self.row["id"], *parameters),
        )
        return [_version(r) for r in rows]

    def lookup(self, article_ids: Iterable[str]) -> dict[str, StoredVersion]:
        ids = list(dict.fromkeys(article_ids))
        return {v.id: v for v in self._versions("id = ANY(%s)", (ids,))} if ids else {}

    def scan(self) -> list[StoredVersion]:
        return self._versions("true", ())

    def canonical_by_text(self, text_hashes: Iterable[str], exclude: set[str]) -> dict[str, str]:
        hashes = list(dict.fromkeys(text_hashes))
        found: dict[str, str] = {}
        if not hashes:
            return found
        for version in self._versions(
            'text_hash = ANY(%s) AND duplicate_of IS NULL ORDER BY "row"', (hashes,)
        ):
            if version.id not in exclude:
                found.setdefault(version.text_hash, version.id)
        return found

    def duplicates_of(self, article_ids: Iterable[str]) -> list[StoredVersion]:
        ids = list(dict.fromkeys(article_ids))
        return self._versions("duplicate_of = ANY(%s)", (ids,)) if ids else []

    def load(self, versions: Iterable[StoredVersion]) -> dict[str, Article]:
        rows = [v.location[0] for v in versions]
        if not rows:
            return {}
        return {
            r["id"]: _article(r)
            for r in self._query('SELECT * FROM articles WHERE "row" = ANY(%s)', (rows,))
        }

    # -- upgrades

    def outdated(self) -> bool:
        """Whether quotations come from an older extractor or canonical articles lack titles."""
        if self.row is None:
            return False
        if self.row["quotes_version"] != quote_index.QUOTES_VERSION:
            return True
        return bool(self._missing_titles(1))

    def _missing_titles(self, limit: int | None = None) -> list[int]:
        rows = self._query(
            'SELECT a."row" FROM articles a LEFT JOIN title_vectors t ON t.article_row = a."row" '
            "WHERE a.collection_id = %s AND a.duplicate_of IS NULL AND t.article_row IS NULL "
            'ORDER BY a."row"' + (f" LIMIT {int(limit)}" if limit else ""),
            (self.row["id"],),
        )
        return [r["row"] for r in rows]

    def upgrade(self, embedder) -> int | None:
        """Extract quotations again (older extractor) and embed missing title vectors, in
        transactions of whole articles; returns the new version, or None if nothing was due."""
        if self.row is None or not self.outdated():
            return None
        collection = self.row["id"]
        requote = self.row["quotes_version"] != quote_index.QUOTES_VERSION
        if requote:
            rows = [
                r["row"]
                for r in self._query(
                    'SELECT "row" FROM articles WHERE collection_id = %s '
                    'AND duplicate_of IS NULL ORDER BY "row"',
                    (collection,),
                )
            ]
        else:
            rows = self._missing_titles()
        log.info("updating the quotations and title vectors of %d article(s)", len(rows))
        for start in range(0, len(rows), ARTICLES_PER_TRANSACTION):
            batch = self._query(
                'SELECT a."row", a.title, a.text, t.article_row IS NOT NULL AS titled '
                'FROM articles a LEFT JOIN title_vectors t ON t.article_row = a."row" '
                'WHERE a."row" = ANY(%s) ORDER BY a."row"',
                (rows[start : start + ARTICLES_PER_TRANSACTION],),
            )
            untitled = [r for r in batch if not r["titled"]]
            titles = embedder.encode([r["title"] for r in untitled]) if untitled else []
            records = [quote_index.extract(r["text"]) for r in batch] if requote else []
            contexts = [
                q.context(r["text"]) for r, rs in zip(batch, records, strict=True) for q in rs
            ]
            vectors = embedder.encode(contexts) if contexts else None
            with self.db.transaction():
                for r, vector in zip(untitled, titles, strict=True):
                    self.db.execute(
                        "INSERT INTO title_vectors (article_row, collection_id, embedding) "
                        "VALUES (%s, %s, %b)",
                        (r["row"], collection, np.asarray(vector, dtype=np.float32)),
                    )
                if requote:
                    self.db.execute(
                        "DELETE FROM quotes WHERE article_row = ANY(%s)",
                        ([r["row"] for r in batch],),
                    )
                    at = 0
                    for r, found in zip(batch, records, strict=True):
                        self._insert_quotes(
                            collection, r["row"], found, vectors[at : at + len(found)]
                        )
                        at += len(found)
                self._recount_quotes(collection)
        self.db.execute(
            "UPDATE collections SET quotes_version = %s, version = version + 1, changed = now() "
            "WHERE id = %s",
            (quote_index.QUOTES_VERSION, collection),
        )
        self.row = self.store._row(self.db)
        return int(self.row["version"])

    def _recount_quotes(self, collection: int) -> None:
        self.db.execute(
            "UPDATE collections SET quotes = "
            "(SELECT count(*) FROM quotes WHERE collection_id = %s) WHERE id = %s",
            (collection, collection),
        )

    # -- changes

    def begin(self, model: str, dimension: int, chunking: dict, index_type: str) -> None:
        """Settings of what this change writes: a new collection when there is none or when
        everything is replaced (another model or chunking), else the stored one (which must
        have been built with these settings)."""
        self._settle()
        if self.row is not None and not self._replace:
            message = model_mismatch(str(self.store.where), self.settings, model, dimension)
            if message:
                raise IndexMismatchError(message)
            self.target = self.row
            return
        if self.target is not None:
            return
        text_search = self.row["text_search"] if self.row else self.store.where.text_search
        with self.db.transaction():
            created = self._query(
                "INSERT INTO collections (key, replaces, model, dimension, chunking, index_type, "
                "text_search, quotes_version) "
                "VALUES (%s, %s, %s, %s, %s, 'hnsw', %s::regconfig, %s) RETURNING *",
                (
                    None if self._replace else self.store.key,
                    self.store.key if self._replace else None,
                    model,
                    dimension,
                    Jsonb(chunking),
                    text_search,
                    self.quotes_version,
                ),
            )[0]
            self.db.execute(schema.hnsw_index_sql(created["id"], dimension))
        self.target = created
        if self.row is None:
            self.row = created

    def add(self, item: NewArticle) -> None:
        """Store a new article version (written with the next transaction of articles)."""
        if self.target is None:
            raise BuildError("internal error: begin() was not called")
        self._pending.append(item)
        if len(self._pending) >= ARTICLES_PER_TRANSACTION:
            self._flush(background=True)

    def carry(self, version: StoredVersion, article: Article, indexed_at: str) -> int:
        """Keep the stored version's chunks, vectors and quotations under ``article``'s new
        metadata (where it was read from); returns how many chunks it has."""
        self._flush()
        row = version.location[0]
        with self.db.transaction():
            self.db.execute(
                "UPDATE articles SET origin = %s, origin_path = %s, indexed_at = %s, "
                'partial = %s, updated = %s WHERE "row" = %s',
                (
                    article.origin,
                    article.origin_path,
                    indexed_at,
                    article.partial,
                    article.updated,
                    row,
                ),
            )
            self._bump(self.target["id"], {})
        self._written.add(article.id)
        return self.db.execute(
            "SELECT count(*) FROM chunks WHERE article_row = %s", (row,)
        ).fetchone()[0]

    def delete(self, article_ids: Iterable[str]) -> None:
        """Delete the stored versions of these articles (not those this writer wrote)."""
        self._flush()
        ids = sorted(set(article_ids) - self._written)
        if not ids or self.row is None or self._replace:
            return  # a replaced collection goes whole at commit
        collection = self.row["id"]
        with self.db.transaction():
            counts = self._remove(collection, ids)
            self._bump(collection, counts)

    def set_text_search(self, config: str) -> None:
        """See :meth:`PostgresStore.set_text_search`."""
        self._flush()
        collection = self.row["id"]
        prepend = bool(dict(self.row["chunking"]).get("prepend_title", True))
        with self.db.transaction():
            self.db.execute(
                "UPDATE collections SET text_search = %s::regconfig, version = version + 1, "
                "changed = now() WHERE id = %s",
                (config, collection),
            )
            # The keyword text as the builder gives it (index.chunking.embedding_text).
            self.db.execute(
                "UPDATE chunks c SET keywords = to_tsvector(%s::regconfig, "
                "CASE WHEN %s AND a.title <> '' THEN a.title || E'\\n' || c.text ELSE c.text END) "
                'FROM articles a WHERE a."row" = c.article_row AND c.collection_id = %s',
                (config, prepend, collection),
            )
            # Another configuration, other lexemes: counted again.
            self.db.execute("DELETE FROM lexeme_stats WHERE collection_id = %s", (collection,))
            self._count_lexemes(collection, "c.collection_id = %s", (collection,))
        self.row = self.store._row(self.db)
        self.target = self.row

    def replace_all(self) -> None:
        """Write everything into a new collection that replaces the stored one at commit."""
        if self.target is not None:
            raise BuildError("internal error: replace_all() after begin()")
        self._replace = True

    def commit(self) -> Manifest | None:
        """Write what is buffered (and swap in a replacing collection); returns the collection's
        manifest, or None when nothing changed."""
        self._flush()
        if self._replace and self.target is not None:
            with self.db.transaction():
                # Deleting the old collection cascades to its rows; readers keep seeing it until
                # this commits, then see the new one whole.
                replaced = self.db.execute(
                    "DELETE FROM collections WHERE key = %s AND id <> %s RETURNING id",
                    (self.store.key, self.target["id"]),
                ).fetchall()
                self.db.execute(
                    "UPDATE collections SET key = %s, replaces = NULL, version = version + 1, "
                    "changed = now() WHERE id = %s",
                    (self.store.key, self.target["id"]),
                )
            self._changed = True
            self._replace = False
            self._drop_indexes([r[0] for r in replaced])
        if not self._changed:
            return None
        # This process's next reads wait for a replica to have these writes (or use the primary).
        wrote(self.store.where.conninfo, self.db)
        self.row = self.store._row(self.db)
        self.target = self.row
        self._changed = False
        if self._inserted >= max(ANALYZE_AFTER, self.row["chunks"] // 10):
            # Fresh statistics now, not at autovacuum's next turn: without them the planner
            # scanned every chunk for a keyword query instead of using the GIN index (3x slower
            # on a copied collection). ANALYZE blocks neither readers nor writers.
            for table in (
                "articles",
                "chunks",
                "title_vectors",
                "quotes",
                "term_stats",
                "lexeme_stats",
            ):
                self.db.execute(f"ANALYZE {table}")
        self._inserted = 0
        return manifest_of(self.row)

    # -- one transaction of whole articles

    def _flush(self, background: bool = False) -> None:
        """Write the buffered articles in one transaction, after the one in the background;
        ``background``: on the writer's thread, returning at once."""
        self._settle()
        pending, self._pending = self._pending, []
        if not pending:
            return
        if background:
            self._writing = self._thread.submit(self._write, pending)
        else:
            self._write(pending)

    def _write(self, pending: list[NewArticle]) -> None:
        collection = self.target["id"]
        ids = [item.article.id for item in pending]
        with self.db.transaction():
            counts = self._remove(collection, ids)
            added_terms: Counter[str] = Counter()
            rows = [self._insert(collection, item, counts, added_terms) for item in pending]
            self._count_lexemes(collection, "c.article_row = ANY(%s)", (rows,))
            self._bump(collection, counts, added_terms)
        self._written.update(ids)

    def _insert(self, collection: int, item: NewArticle, counts: Counter, terms: Counter) -> int:
        """Write one article version with its chunks, quotations and title; returns its row."""
        article = item.article
        published = article.published
        row = self.db.execute(
            "INSERT INTO articles (collection_id, id, title, text, url, source, published, "
            "published_text, authors, content_hash, text_hash, origin, origin_path, duplicate_of, "
            "indexed_at, partial, updated) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            'RETURNING "row"',
            (
                collection,
                article.id,
                article.title,
                article.text,
                article.url,
                article.source,
                published,
                published.isoformat() if published else None,
                list(article.authors),
                article.content_hash,
                article.text_hash,
                article.origin,
                article.origin_path,
                item.duplicate_of,
                item.indexed_at,
                article.partial,
                article.updated,
            ),
        ).fetchone()[0]
        if item.duplicate_of is not None:
            counts["duplicates"] += 1
            return row
        counts["articles"] += 1
        if item.chunks:
            if item.vectors is None or len(item.vectors) != len(item.chunks):
                raise BuildError(f"internal error: vectors do not match {article.id}'s chunks")
            texts = item.keyword_texts or [c["text"] for c in item.chunks]
            config = self.target["text_search"]
            with self.db.cursor() as cursor:
                cursor.executemany(
                    'INSERT INTO chunks (collection_id, article_row, ordinal, start, "end", text, '
                    "tokens, published, source, embedding, keywords) VALUES "
                    # %b: vectors go in binary (formatting 384 floats as text costs more).
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %b, to_tsvector(%s::regconfig, %s))",
                    [
                        (
                            collection,
                            row,
                            c["ordinal"],
                            c["start"],
                            c["end"],
                            c["text"],
                            c["tokens"],
                            published,
                            article.source,
                            np.asarray(vector, dtype=np.float32),
                            config,
                            text,
                        )
                        for c, vector, text in zip(item.chunks, item.vectors, texts, strict=True)
                    ],
                )
            counts["chunks"] += len(item.chunks)
            self._inserted += len(item.chunks)
            for chunk_terms in analyze_terms(self._stemmer, texts):
                terms.update(set(chunk_terms))
        if item.quotes:
            if item.quote_vectors is None or len(item.quote_vectors) != len(item.quotes):
                raise BuildError(f"internal error: quote vectors do not match {article.id}")
            self._insert_quotes(collection, row, item.quotes, item.quote_vectors)
            counts["quotes"] += len(item.quotes)
        if item.title_vector is not None:
            self.db.execute(
                "INSERT INTO title_vectors (article_row, collection_id, embedding) "
                "VALUES (%s, %s, %b)",
                (row, collection, np.asarray(item.title_vector, dtype=np.float32)),
            )
        return row

    def _count_lexemes(
        self, collection: int, chunks: str, parameters: Sequence, sign: int = 1
    ) -> None:
        """Add (``sign`` 1) or subtract (-1) the lexemes of the chunks ``c`` matching the
        condition ``chunks`` (with ``parameters``) to the collection's ``lexeme_stats`` (inside
        the caller's transaction; lexemes in sorted order, so two transactions lock them in one
        order). Counts that reach 0 stay, as 0."""
        self.db.execute(
            "INSERT INTO lexeme_stats (collection_id, lexeme, documents) "
            "SELECT %s, l.lexeme, %s * count(*) "
            "FROM chunks c, unnest(tsvector_to_array(c.keywords)) AS l(lexeme) "
            f"WHERE {chunks} GROUP BY l.lexeme ORDER BY l.lexeme "
            "ON CONFLICT (collection_id, lexeme) DO UPDATE "
            "SET documents = lexeme_stats.documents + excluded.documents",
            (collection, sign, *parameters),
        )

    def _insert_quotes(self, collection: int, row: int, records, vectors) -> None:
        with self.db.cursor() as cursor:
            cursor.executemany(
                'INSERT INTO quotes (collection_id, article_row, ordinal, start, "end", '
                "sentence_start, sentence_end, kind, speaker, speaker_text, cue, aliases, "
                "prefixes, embedding) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                "%s, %b)",
                [
                    (
                        collection,
                        row,
                        n,
                        r.start,
                        r.end,
                        r.sentence_start,
                        r.sentence_end,
                        r.kind,
                        r.speaker,
                        r.speaker_text,
                        r.cue,
                        list(r.aliases),
                        name_prefixes((r.speaker, *r.aliases)),
                        np.asarray(vector, dtype=np.float32),
                    )
                    for n, (r, vector) in enumerate(zip(records, vectors, strict=True))
                ],
            )

    def _remove(self, collection: int, ids: Sequence[str]) -> Counter:
        """Delete the stored versions of ``ids`` (inside the caller's transaction); returns the
        counts to subtract, with the term statistics of their chunks under ``"terms"``."""
        counts: Counter = Counter()
        rows = self._rows(
            'SELECT "row", title, duplicate_of IS NOT NULL AS duplicate FROM articles '
            "WHERE collection_id = %s AND id = ANY(%s)",
            (collection, list(ids)),
        )
        if not rows:
            return counts
        numbers = [r["row"] for r in rows]
        titles = {r["row"]: r["title"] for r in rows}
        counts["duplicates"] -= sum(r["duplicate"] for r in rows)
        counts["articles"] -= sum(not r["duplicate"] for r in rows)
        chunks = self._rows(
            "SELECT article_row, text FROM chunks WHERE article_row = ANY(%s)", (numbers,)
        )
        counts["chunks"] -= len(chunks)
        counts["quotes"] -= self.db.execute(
            "SELECT count(*) FROM quotes WHERE article_row = ANY(%s)", (numbers,)
        ).fetchone()[0]
        prepend = self.target_settings().get("prepend_title", True)
        texts = [embedding_text(titles[c["article_row"]], c["text"], prepend) for c in chunks]
        gone: Counter[str] = Counter()
        for chunk_terms in analyze_terms(self._stemmer, texts):
            gone.update(set(chunk_terms))
        counts["terms"] = gone
        self._count_lexemes(collection, "c.article_row = ANY(%s)", (numbers,), sign=-1)
        self.db.execute('DELETE FROM articles WHERE "row" = ANY(%s)', (numbers,))
        return counts

    def target_settings(self) -> dict:
        return dict((self.target or self.row)["chunking"])

    def _bump(self, collection: int, counts: Counter, added: Counter | None = None) -> None:
        """Apply counts and term statistics, and move the collection's version (in the caller's
        transaction)."""
        delta: Counter[str] = Counter(added or {})
        delta.subtract(counts.get("terms", Counter()))
        terms = sorted(t for t, d in delta.items() if d)
        # Sorted, so two transactions touching the same terms lock them in one order.
        if terms:
            self.db.execute(
                "INSERT INTO term_stats (collection_id, term, documents) "
                "SELECT %s, t, d FROM unnest(%s::text[], %s::bigint[]) AS u(t, d) ORDER BY t "
                "ON CONFLICT (collection_id, term) DO UPDATE "
                "SET documents = term_stats.documents + excluded.documents",
                (collection, terms, [delta[t] for t in terms]),
            )
            self.db.execute(
                "DELETE FROM term_stats WHERE collection_id = %s AND term = ANY(%s) "
                "AND documents <= 0",
                (collection, terms),
            )
        self.db.execute(
            "UPDATE collections SET articles = articles + %s, duplicates = duplicates + %s, "
            "chunks = chunks + %s, quotes = quotes + %s, version = version + 1, changed = now() "
            "WHERE id = %s",
            (
                counts.get("articles", 0),
                counts.get("duplicates", 0),
                counts.get("chunks", 0),
                counts.get("quotes", 0),
                collection,
            ),
        )
        self._changed = True
