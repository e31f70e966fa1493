"""The PostgreSQL schema of the store, created and migrated by the product.

``schema_version`` holds the version the database is at; :data:`MIGRATIONS` are applied in
order, each in one transaction with the version bump, under a transaction-level advisory lock
(two processes opening an empty database at once do not both create tables), so a database is
always at one whole version. A database newer than this code is refused.

One database holds several collections. ``collections`` names each (``key``) and records what
it was built with (model, dimension, chunking, text-search configuration); every other row
carries its collection's ``collection_id``, the distribution column if the tables are ever
sharded (Citus) and the partition key if a deployment with one collection per Discord server
needs them partitioned. Chunk vectors are untyped ``vector`` columns so collections may use
models of different dimensions; each collection gets its own partial HNSW index over
``embedding::vector(dim)`` (inner product: vectors are normalised, so it ranks as cosine),
created with the collection, and queries use that same expression and a literal
``collection_id`` so the planner picks it.

Version 1: collections, articles, chunks (text, offsets, published, source, vector, tsvector
with a GIN index), title vectors, quotations (with their vectors and speaker-name prefixes),
per-collection term document frequencies. Version 2: the articles' ``partial`` and ``updated``
catalog fields (from feeds). Version 3: feed state (:mod:`.feeds`): ``feeds``, ``feed_entries``
and ``feed_articles``, keyed by the collection's name rather than its id, because feeds are
followed before the first build and through a full rebuild (which gives the collection a new
id). Version 4: chunk vectors kept in their rows (storage ``main``). Version 5: chunk
``tsvector``s kept in their rows too. Version 6: ``lexeme_stats``, how many chunks hold each
lexeme of the collection's text-search configuration (the keyword side's candidate choice; the
rows already stored are counted by the migration).
"""

from __future__ import annotations

import psycopg

from ..errors import NewsdeskError
from .connection import advisory_key

SCHEMA_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    component text PRIMARY KEY,
    version integer NOT NULL,
    migrated timestamptz NOT NULL DEFAULT now()
)
"""
COMPONENT = "store"

_VERSION_1 = """
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE collections (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL while a full rebuild writes the collection that will replace the one named here.
    key text UNIQUE,
    replaces text,
    model text NOT NULL,
    dimension integer NOT NULL CHECK (dimension > 0),
    chunking jsonb NOT NULL,
    index_type text NOT NULL DEFAULT 'hnsw',
    text_search regconfig NOT NULL DEFAULT 'english',
    quotes_version integer NOT NULL DEFAULT 0,
    -- Live counts, changed in the writers' transactions (readers never count rows).
    articles bigint NOT NULL DEFAULT 0,
    duplicates bigint NOT NULL DEFAULT 0,
    chunks bigint NOT NULL DEFAULT 0,
    quotes bigint NOT NULL DEFAULT 0,
    created timestamptz NOT NULL DEFAULT now(),
    changed timestamptz NOT NULL DEFAULT now(),
    -- Bumped by every committed change: a reader refreshes when it moves.
    version bigint NOT NULL DEFAULT 0
);

CREATE TABLE articles (
    "row" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    collection_id integer NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    id text NOT NULL,
    title text NOT NULL,
    text text NOT NULL,
    url text,
    source text,
    published timestamptz,
    -- As the article gave it (offset kept), so an article reads back exactly as it was written.
    published_text text,
    authors text[] NOT NULL DEFAULT '{}',
    content_hash text NOT NULL,
    text_hash text NOT NULL,
    origin text NOT NULL DEFAULT '',
    origin_path text NOT NULL DEFAULT '',
    duplicate_of text,
    indexed_at text NOT NULL,
    UNIQUE (collection_id, id)
);
CREATE INDEX articles_text_hash ON articles (collection_id, text_hash);
CREATE INDEX articles_duplicate_of ON articles (collection_id, duplicate_of)
    WHERE duplicate_of IS NOT NULL;

CREATE TABLE chunks (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    collection_id integer NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    article_row bigint NOT NULL REFERENCES articles ("row") ON DELETE CASCADE,
    ordinal integer NOT NULL,
    start integer NOT NULL,
    "end" integer NOT NULL,
    text text NOT NULL,
    tokens integer NOT NULL,
    -- The article's, copied so filters never join.
    published timestamptz,
    source text,
    embedding vector NOT NULL,
    keywords tsvector NOT NULL
);
CREATE INDEX chunks_article ON chunks (article_row);
CREATE INDEX chunks_published ON chunks (collection_id, published);
CREATE INDEX chunks_source ON chunks (collection_id, lower(source));
CREATE INDEX chunks_keywords ON chunks USING gin (keywords);

CREATE TABLE title_vectors (
    article_row bigint PRIMARY KEY REFERENCES articles ("row") ON DELETE CASCADE,
    collection_id integer NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    embedding vector NOT NULL
);

CREATE TABLE quotes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    collection_id integer NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    article_row bigint NOT NULL REFERENCES articles ("row") ON DELETE CASCADE,
    ordinal integer NOT NULL,
    start integer NOT NULL,
    "end" integer NOT NULL,
    sentence_start integer NOT NULL,
    sentence_end integer NOT NULL,
    kind text NOT NULL,
    speaker text NOT NULL,
    speaker_text text,
    cue text,
    aliases text[] NOT NULL DEFAULT '{}',
    -- Three-letter keys of the speaker's and aliases' words: the speaker lookup's prefilter.
    prefixes text[] NOT NULL,
    embedding vector NOT NULL
);
CREATE INDEX quotes_article ON quotes (article_row);
CREATE INDEX quotes_prefixes ON quotes USING gin (prefixes);

-- Chunks holding each term (our analysis: index.keyword.analyze_terms), for IDF weights in
-- answers and quotations; the term '' counts the chunks. Kept in the writers' transactions.
CREATE TABLE term_stats (
    collection_id integer NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    term text NOT NULL,
    documents bigint NOT NULL,
    PRIMARY KEY (collection_id, term)
);
"""

_VERSION_2 = """
ALTER TABLE articles
    ADD COLUMN partial boolean NOT NULL DEFAULT false,
    ADD COLUMN updated timestamptz;
"""

# IF NOT EXISTS: databases where the feed store made these tables itself before version 3.
_VERSION_3 = """
CREATE TABLE IF NOT EXISTS feeds (
    collection text NOT NULL,
    url text NOT NULL,
    source text,
    title text,
    interval double precision NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    etag text,
    last_modified text,
    added timestamptz NOT NULL,
    last_fetch timestamptz,
    last_success timestamptz,
    failures integer NOT NULL DEFAULT 0,
    failing_since timestamptz,
    next_due timestamptz,
    last_error text,
    PRIMARY KEY (collection, url)
);
CREATE TABLE IF NOT EXISTS feed_entries (
    collection text NOT NULL,
    feed_url text NOT NULL,
    key text NOT NULL,
    entry_hash text NOT NULL,
    article_id text NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    PRIMARY KEY (collection, feed_url, key)
);
CREATE TABLE IF NOT EXISTS feed_articles (
    collection text NOT NULL,
    article_id text NOT NULL,
    content_hash text NOT NULL,
    url text,
    partial boolean NOT NULL DEFAULT false,
    indexed timestamptz NOT NULL,
    PRIMARY KEY (collection, article_id)
);
CREATE INDEX IF NOT EXISTS feed_articles_by_url ON feed_articles (collection, url);
"""

# Chunk vectors stay in the row (pgvector's default stores them out of line once the row
# passes 2 kB, which a chunk's text and tsvector make it): an exact scan, which a selective
# filter makes the planner choose, then reads each vector with its row, not from TOAST (six
# buffer reads a row). Rows written before keep their storage until rewritten.
_VERSION_4 = """
ALTER TABLE chunks ALTER COLUMN embedding SET STORAGE MAIN;
"""

# The keyword side ranks each candidate chunk by its tsvector (up to 3,000 a question): kept in
# the row, the bitmap scan that finds the chunk has it, instead of a TOAST lookup for each (1M
# chunks: the keyword query p50 8.9 -> 7.0 ms; the table 1.5 -> 2.6 GB, its TOAST 1.9 -> 0.7 GB).
# Rows written before keep their storage until rewritten (VACUUM FULL chunks, or a copy).
_VERSION_5 = """
ALTER TABLE chunks ALTER COLUMN keywords SET STORAGE MAIN;
"""

# term_stats counts the embedded analysis's terms (for IDF in answers, equal on both stores);
# PostgreSQL's parser and stemmer disagree with it on many words ("university": universiti vs
# univers, 47,333 vs 50,606 of 1M chunks; numbers, "-19" of Covid-19), and the keyword side
# must know how many chunks each of its own lexemes would bring. Counted from the chunks
# themselves, by the writer in the transaction that adds or removes them.
_VERSION_6 = """
CREATE TABLE lexeme_stats (
    collection_id integer NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    lexeme text NOT NULL,
    documents bigint NOT NULL,
    PRIMARY KEY (collection_id, lexeme)
);
INSERT INTO lexeme_stats (collection_id, lexeme, documents)
SELECT c.collection_id, l.lexeme, count(*)
FROM chunks c, unnest(tsvector_to_array(c.keywords)) AS l(lexeme)
GROUP BY c.collection_id, l.lexeme;
"""

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, _VERSION_1),
    (2, _VERSION_2),
    (3, _VERSION_3),
    (4, _VERSION_4),
    (5, _VERSION_5),
    (6, _VERSION_6),
)
VERSION = MIGRATIONS[-1][0]


class SchemaError(RuntimeError):
    """The database's schema is newer than this code knows."""


def version(connection: psycopg.Connection) -> int:
    """The schema version of the database (0: never created)."""
    exists = connection.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    row = connection.execute(
        "SELECT version FROM schema_version WHERE component = %s", (COMPONENT,)
    ).fetchone()
    return row[0] if row else 0


def migrate(connection: psycopg.Connection, target: int = VERSION) -> int:
    """Bring the database to schema version ``target``; returns the version it was at.

    Parameters
    ----------
    connection : psycopg.Connection
        An autocommit connection (each migration runs in a transaction of its own).
    target : int
        The version to reach (tests stop early to make an older database).

    Raises
    ------
    SchemaError
        If the database is at a version newer than :data:`VERSION`.
    """
    found = version(connection)
    if found == target:
        return found
    try:
        _migrate(connection, target)
    except psycopg.errors.InsufficientPrivilege as error:
        raise _privilege_error(connection, error) from None
    return found


def _privilege_error(connection: psycopg.Connection, error: psycopg.Error) -> NewsdeskError:
    """What to do when our role may not create what the schema needs (a user's error)."""
    database, role = connection.info.dbname, connection.info.user
    reason = error.diag.message_primary or str(error)
    if "extension" in reason:
        return NewsdeskError(
            f'the database "{database}" has no "vector" extension (pgvector) and the role '
            f'"{role}" may not create it: an administrator must create it once, connected to '
            "that database: CREATE EXTENSION vector;"
        )
    return NewsdeskError(
        f'the role "{role}" may not create the store\'s tables in the database "{database}" '
        f"({reason}): grant it CREATE on the schema, or have the database's owner open the "
        "collection once"
    )


def _migrate(connection: psycopg.Connection, target: int) -> None:
    with connection.transaction():
        # Serialise migrations between processes; re-read the version under the lock.
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (advisory_key("schema", COMPONENT),))
        connection.execute(SCHEMA_TABLE)
        found = version(connection)
        if found > VERSION:
            raise SchemaError(
                f"the database's store schema is version {found}, newer than this Newsdesk "
                f"knows ({VERSION}); upgrade Newsdesk"
            )
        for number, sql in MIGRATIONS:
            if found < number <= target:
                connection.execute(sql)
        if found < target:
            connection.execute(
                "INSERT INTO schema_version (component, version) VALUES (%s, %s) "
                "ON CONFLICT (component) DO UPDATE SET version = excluded.version, "
                "migrated = now()",
                (COMPONENT, target),
            )


def hnsw_index_sql(collection_id: int, dimension: int) -> str:
    """DDL of one collection's HNSW index (inner product over its normalised vectors)."""
    return (
        f"CREATE INDEX IF NOT EXISTS chunks_hnsw_{int(collection_id)} ON chunks USING hnsw "
        f"((embedding::vector({int(dimension)})) vector_ip_ops) "
        f"WHERE collection_id = {int(collection_id)}"
    )
