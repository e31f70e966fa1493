"""The PostgreSQL store's own paths on the session's real server: locations, the schema and its
upgrade from an older version, collections side by side, and ``copy`` between stores (the CLI
with a URL: tests/index/test_cli.py)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import psycopg
import pytest

from index.build import Builder
from index.copying import copy_collection
from index.engine import Engine
from index.errors import IndexNotFoundError, NewsdeskError
from index.postgres import schema
from index.postgres.connection import Location, connect
from index.storage import is_url, open_store, shown

QUERIES = [
    "dockworkers strike at the ports",
    "wildfire evacuation in the Ventana hills",
    "Federal Reserve interest rate cut",
    "new riverside park vote",
]


@pytest.fixture
def database(postgres_server) -> str:
    """The URL of a new, empty database of its own on the session server."""
    name = f"db{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server.url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return postgres_server.url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def collection(postgres_server) -> str:
    return f"{postgres_server.url}?collection=c{uuid.uuid4().hex[:12]}"


def ids(hits) -> list[str]:
    return [hit.article_id for hit in hits]


def lexeme_counts(collection: str) -> dict[str, int]:
    """The collection's ``lexeme_stats``: chunks holding each lexeme (counts of 0 left out)."""
    with connect(collection.split("?")[0]) as connection:
        return dict(
            connection.execute(
                "SELECT s.lexeme, s.documents FROM lexeme_stats s JOIN collections c "
                "ON c.id = s.collection_id WHERE c.key = %s AND s.documents <> 0",
                (Location.parse(collection).collection,),
            ).fetchall()
        )


def test_locations():
    assert is_url("postgresql://u@h/db") and is_url("POSTGRES://h/db")
    assert not is_url("indexes/sample") and not is_url(None)
    where = Location.parse(
        "postgresql://me:secret@db.example:5433/news?collection=guild-1&sslmode=require"
    )
    assert where.collection == "guild-1"
    assert where.conninfo == "postgresql://me:secret@db.example:5433/news?sslmode=require"
    assert str(where) == "postgresql://me@db.example:5433/news?collection=guild-1"
    assert shown("postgresql://me:secret@db:5433/news?collection=x") == (
        "postgresql://me@db:5433/news?collection=x"
    )
    assert shown(Path("indexes/sample")) == "indexes/sample"
    # What is shown pastes back as the same location, in any shell.
    spaced = Location.parse("postgresql://me@db/news?collection=guild%201")
    assert spaced.collection == "guild 1"
    assert Location.parse(str(spaced)).collection == "guild 1"
    hint = str(IndexNotFoundError(spaced, "no collection"))
    assert hint.endswith("--index 'postgresql://me@db/news?collection=guild%201'")
    assert Location.parse("postgres://h/db").collection == "default"
    assert Location.parse("postgres://h/db?text_search=simple").text_search == "simple"
    with pytest.raises(ValueError):
        Location.parse("postgresql://h/db?collection=")
    assert Location.parse("postgresql://h/db").text_rank == "ts_rank"
    assert Location.parse("postgresql://h/db?text_rank=ts_rank_cd").text_rank == "ts_rank_cd"
    assert Location.parse("postgresql://h/db?text_rank=ts_rank_cd").conninfo == "postgresql://h/db"
    with pytest.raises(ValueError, match="text_rank"):
        Location.parse("postgresql://h/db?text_rank=bm25")


def test_an_empty_database_is_not_built_and_opening_creates_nothing(database):
    store = open_store(database)
    assert store.current_version() is None and store.manifest() is None
    with pytest.raises(IndexNotFoundError, match="no Newsdesk tables"):
        store.open()
    with connect(database, vectors=False) as connection:
        assert schema.version(connection) == 0


VERSION_1_ARTICLE = """
INSERT INTO collections (key, model, dimension, chunking, articles, chunks)
VALUES ('old', %(model)s, %(dimension)s, '{"target_tokens": 200}', 1, 1) RETURNING id
"""


def test_a_database_of_schema_version_1_is_migrated_when_opened(database, embedder):
    with connect(database, vectors=False) as connection:
        schema.migrate(connection, target=1)
        assert schema.version(connection) == 1
        columns = {
            r[0]
            for r in connection.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles'"
            )
        }
        assert "partial" not in columns  # version 1 as it was
        from pgvector.psycopg import register_vector

        register_vector(connection)
        (cid,) = connection.execute(
            VERSION_1_ARTICLE, {"model": embedder.model_name, "dimension": embedder.dimension}
        ).fetchone()
        (row,) = connection.execute(
            "INSERT INTO articles (collection_id, id, title, text, source, content_hash, "
            "text_hash, indexed_at) VALUES (%s, 'a', 'Harbour dredging', "
            "'The harbour will be dredged next spring.', 'Gazette', 'h1', 't1', '2024') "
            'RETURNING "row"',
            (cid,),
        ).fetchone()
        vector = embedder.encode(["Harbour dredging\nThe harbour will be dredged next spring."])[0]
        connection.execute(
            'INSERT INTO chunks (collection_id, article_row, ordinal, start, "end", text, '
            "tokens, source, embedding, keywords) VALUES (%s, %s, 0, 0, 40, "
            "'The harbour will be dredged next spring.', 9, 'Gazette', %s, "
            "to_tsvector('english', 'Harbour dredging The harbour will be dredged next spring.'))",
            (cid, row, np.asarray(vector, dtype=np.float32)),
        )
    location = f"{database}?collection=old"
    engine = Engine(location, embedder=embedder)
    with connect(database) as connection:
        assert schema.version(connection) == schema.VERSION
        # Versions 4 and 5: vectors and tsvectors of new rows are kept in the row.
        storage = dict(
            connection.execute(
                "SELECT attname, attstorage FROM pg_attribute "
                "WHERE attrelid = 'chunks'::regclass AND attname IN ('embedding', 'keywords')"
            ).fetchall()
        )
        assert storage == {"embedding": "m", "keywords": "m"}
    hit = engine.search("when is the harbour dredged", k=1)[0]
    assert hit.article_id == "a" and hit.source == "Gazette"
    assert engine.generation.articles([hit.article_row])[hit.article_row].title == (
        "Harbour dredging"
    )


def test_a_database_newer_than_the_code_is_refused(database):
    with connect(database, vectors=False) as connection:
        schema.migrate(connection)
        connection.execute(
            "UPDATE schema_version SET version = %s WHERE component = %s",
            (schema.VERSION + 1, schema.COMPONENT),
        )
    with pytest.raises(schema.SchemaError, match="newer"):
        open_store(f"{database}?collection=x").current_version()


def test_collections_of_one_database_are_apart(postgres_server, embedder, caplog):
    from datetime import UTC, datetime

    from index.articles import Article

    base = f"{postgres_server.url}?collection="
    names = [f"k{uuid.uuid4().hex[:8]}" for _ in range(2)]
    for n, name in enumerate(names):
        Builder(base + name, embedder).add_articles(
            [
                Article(
                    id="same-id",
                    title=f"Collection {n}",
                    text=f"Only collection {n} holds this text about ferries {n}.",
                    published=datetime(2024, 5, 1, tzinfo=UTC),
                )
            ]
        )
    ids = []
    for n, name in enumerate(names):
        with caplog.at_level(logging.INFO, logger="index.engine"):
            engine = Engine(base + name, embedder=embedder)
        (hit,) = engine.search("ferries", k=5)
        assert hit.title == f"Collection {n}"
        assert engine.stats().articles == 1
        # The log names the collection and its version in words, not as "2.1".
        serving = re.search(r"serving collection (\d+) version (\d+) of (\S+)", caplog.text)
        assert serving and serving.group(3).endswith(f"?collection={name}"), caplog.text
        ids.append(serving.group(1))
        caplog.clear()
    assert ids[0] != ids[1]


def test_copy_to_postgres_and_back_keeps_vectors_and_results(
    tmp_path, news_corpus, embedder, collection
):
    first = tmp_path / "first"
    Builder(first, embedder).build(news_corpus.paths)
    there = copy_collection(first, collection)
    assert (there.articles, there.duplicates) == (14, 1) and there.quotes > 0
    back = tmp_path / "back"
    copy_collection(collection, back)
    engines = [Engine(where, embedder=embedder) for where in (first, collection, back)]
    for query in QUERIES:
        dense = [ids(engine.search(query, mode="dense")) for engine in engines]
        assert dense[0] == dense[1] == dense[2], query
        assert ids(engines[0].search(query)) == ids(engines[2].search(query)), query
    question = "What did Mayor Lucia Ortega say about the park?"
    answers = [engines[0].ask(question), engines[2].ask(question)]
    assert [p.text for p in answers[0].parts] == [p.text for p in answers[1].parts]
    stats = [engine.stats() for engine in engines]
    assert stats[0].sources == stats[2].sources
    assert {s.name: s.articles for s in stats[0].sources} == {
        s.name: s.articles for s in stats[1].sources
    }
    # The very vectors, not new ones: a build of the same files embeds nothing.
    exported = [
        {item.article.id: item for item in open_store(where).export()}
        for where in (first, collection, back)
    ]
    for article_id, item in exported[0].items():
        for other in exported[1:]:
            copied = other[article_id]
            assert copied.duplicate_of == item.duplicate_of
            if item.vectors is not None:
                np.testing.assert_array_equal(copied.vectors, item.vectors)
                np.testing.assert_array_equal(copied.title_vector, item.title_vector)
    for where in (collection, back):
        again = Builder(where, embedder).build(news_corpus.paths)
        assert again.embedded_chunks == 0 and again.unchanged == 15
    with pytest.raises(NewsdeskError, match="already holds"):
        copy_collection(first, collection)


def test_the_text_search_configuration_can_be_switched(collection, embedder):
    from index.articles import Article

    Builder(collection, embedder).add_articles(
        [Article(id="a", title="Notes", text="To be or not to be is the question of the play.")]
    )
    engine = Engine(collection, embedder=embedder)
    # English drops every word of this query as a stop word; "simple" keeps them.
    assert engine.search("to be or not", mode="keyword") == []
    open_store(collection).set_text_search("simple")
    assert engine.refresh()
    assert ids(engine.search("to be or not", mode="keyword")) == ["a"]
    # The lexeme counts are those of the new configuration's tsvectors.
    counts = lexeme_counts(collection)
    assert counts["to"] == 1 and counts["be"] == 1 and "question" in counts
    assert ids(engine.search("question", mode="keyword")) == ["a"]
    # The ranking function is the reader's choice (nothing stored changes).
    assert engine.generation.keywords.function == "ts_rank"
    plain = Engine(f"{collection}&text_rank=ts_rank_cd", embedder=embedder)
    assert plain.generation.keywords.function == "ts_rank_cd"
    assert ids(plain.search("question", mode="keyword")) == ["a"]


def test_quotations_of_an_older_extractor_and_missing_titles_are_rebuilt_by_the_next_build(
    collection, news_corpus, embedder
):
    from index import quote_index

    Builder(collection, embedder).build(news_corpus.paths)
    store = open_store(collection)
    with store.pool.connection() as connection:
        cid = store._row(connection)["id"]

        def counts():
            return connection.execute(
                "SELECT (SELECT count(*) FROM quotes WHERE collection_id = %s), "
                "(SELECT count(*) FROM title_vectors WHERE collection_id = %s), "
                "(SELECT quotes_version FROM collections WHERE id = %s)",
                (cid, cid, cid),
            ).fetchone()

        before = counts()
        assert before[0] > 0 and before[2] == quote_index.QUOTES_VERSION
        # As a collection copied from an index of an older extractor, with a title missing.
        connection.execute("DELETE FROM quotes WHERE collection_id = %s", (cid,))
        connection.execute(
            'DELETE FROM title_vectors WHERE article_row = (SELECT "row" FROM articles '
            "WHERE collection_id = %s AND id = 'riverside-park')",
            (cid,),
        )
        connection.execute("UPDATE collections SET quotes_version = 1 WHERE id = %s", (cid,))
        summary = Builder(collection, embedder).build(news_corpus.paths)
        assert summary.generation is not None and summary.embedded_chunks == 0
        assert counts() == before
    engine = Engine(collection, embedder=embedder)
    assert [q.speaker for q in engine.quotes("Ortega")]


def test_the_keyword_side_ranks_the_chunks_of_the_rarest_words_within_its_budget(
    collection, embedder
):
    from index.articles import Article
    from index.postgres.collection import PostgresKeywords

    harbour = [
        Article(
            id=f"h{i}",
            title=f"Harbour notes {i}",
            text=f"The harbour market opened on day {i} after Covid-19.",
        )
        for i in range(5)
    ]
    zebra = Article(id="z", title="Zoo", text="A zebra was seen near the harbour market.")
    Builder(collection, embedder).add_articles([*harbour, zebra])
    view = open_store(collection).open()

    def found(keywords: PostgresKeywords, query: str = "zebra harbour market") -> set[str]:
        positions, _ = keywords.search(query, 10)
        facts = view.articles(view.chunk_facts(positions)[0].tolist())
        return {article.id for article in facts.values()}

    # Within the budget: the plain OR, every chunk sharing a word, ranked.
    assert view.keywords._candidate_lexemes("zebra harbour market") == [
        "zebra",
        "harbour",
        "market",
    ]
    assert found(view.keywords) == {"z", "h0", "h1", "h2", "h3", "h4"}
    # A budget of one chunk: only the rarest word's chunks are ranked (always at least one word).
    tight = PostgresKeywords(view, candidate_chunks=1)
    assert tight._candidate_lexemes("zebra harbour market") == ["zebra"]
    assert found(tight) == {"z"}
    assert tight._candidate_lexemes("harbour market") == ["harbour"]
    # ... and at most that many of them, even when the rarest word is in more.
    assert len(found(PostgresKeywords(view, candidate_chunks=2), "harbour market")) == 2
    # Counted as PostgreSQL parses: "-19" of "Covid-19" is in the five harbour chunks (the
    # embedded analysis, which term_stats count, has no such term).
    counts = lexeme_counts(collection)
    assert (counts["-19"], counts["zebra"]) == (5, 1)
    # A word in no chunk comes last, whatever the budget: it never crowds the others out;
    # alone, it is still the one asked.
    assert tight._candidate_lexemes("qwertyuiop harbour") == ["harbour"]
    assert view.keywords._candidate_lexemes("qwertyuiop") == ["qwertyuiop"]


def test_the_keyword_rows_are_read_once_the_encoding_is_done(collection, embedder):
    """Search passes the keyword side the question's encoding as ``after``: the server runs the
    query at once, and its rows become Python objects only when the encoding is done (parsing
    them slowed the encoding), whether it succeeded or failed."""
    from index.articles import Article

    Builder(collection, embedder).add_articles(
        [
            Article(id="z", title="Zoo", text="A zebra was seen near the harbour market."),
            Article(id="h", title="Harbour", text="The harbour market opened on Monday."),
        ]
    )
    view = open_store(collection).open()
    query = "zebra harbour market"
    expected = view.keywords.search(query, 10)
    assert len(expected[0]) == 2

    def answered_by_the_server() -> bool:
        with connect(collection.split("?")[0]) as connection:
            return (
                connection.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle' "
                    "AND query LIKE %s AND pid <> pg_backend_pid()",
                    ("%ts_rank%@@ c.c%",),
                ).fetchone()[0]
                > 0
            )

    for outcome in ("result", "exception"):
        encoded: Future = Future()
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(view.keywords.search, query, 10, after=encoded)
            deadline = time.monotonic() + 10
            while not answered_by_the_server() and time.monotonic() < deadline:
                time.sleep(0.02)
            assert answered_by_the_server()
            assert not futures.wait([pending], timeout=0.3).done
            if outcome == "result":
                encoded.set_result(np.zeros(3))
            else:
                encoded.set_exception(RuntimeError("the model failed"))
            positions, scores = pending.result(timeout=10)
        assert positions.tolist() == expected[0].tolist()
        np.testing.assert_allclose(scores, expected[1])


def test_a_transaction_that_fails_on_the_writers_thread_is_raised_and_none_of_it_is_kept(
    collection, embedder
):
    """Full transactions are written on the writer's thread while the builder embeds on; one
    that fails there is raised by the writer's next call, none of its articles are visible, and
    the transaction before it stays committed."""
    from datetime import UTC, datetime

    from index.articles import Article
    from index.errors import BuildError
    from index.postgres.store import ARTICLES_PER_TRANSACTION
    from index.storage import NewArticle

    def item(n: int, broken: bool = False) -> NewArticle:
        text = f"The council of town {n} approved money for token{n} road repairs on Monday."
        article = Article(
            id=f"town-{n}",
            title=f"Town {n}",
            text=text,
            source="Reuters",
            published=datetime(2024, 1, 1 + n % 27, tzinfo=UTC),
        )
        vectors = embedder.encode([text])
        return NewArticle(
            article,
            "2024-02-01T00:00:00+00:00",
            chunks=[{"ordinal": 0, "start": 0, "end": len(text), "text": text, "tokens": 16}],
            # A vector too few: the transaction holding it fails inside the writer.
            vectors=vectors[:0] if broken else vectors,
            keyword_texts=[text],
            title_vector=embedder.encode([article.title])[0],
        )

    size = ARTICLES_PER_TRANSACTION
    store = open_store(collection)
    with (
        pytest.raises(BuildError, match="vectors do not match town-"),
        store.writer() as writer,
    ):
        writer.begin(embedder.model_name, embedder.dimension, {}, "hnsw")
        for n in range(size):
            writer.add(item(n))
        for n in range(size, 2 * size):
            writer.add(item(n, broken=n == 2 * size - 1))
        # The second transaction was handed to the writer's thread by the last add.
        writer.commit()
    view = open_store(collection).open()
    assert sorted(view.article_rows_by_id([f"town-{n}" for n in range(2 * size)])) == sorted(
        f"town-{n}" for n in range(size)
    )
    assert view.manifest.articles == size
    # The next writer goes on from the committed state.
    with store.writer() as writer:
        writer.begin(embedder.model_name, embedder.dimension, {}, "hnsw")
        writer.add(item(2 * size))
        assert writer.commit().articles == size + 1


def test_a_locations_own_session_options_and_application_name_are_kept(collection):
    # A deployment's -c settings (a statement timeout, a search path) and its name in
    # pg_stat_activity reach the sessions; the session stays in UTC whatever they say.
    options = "options=-c%20statement_timeout%3D1234%20-c%20TimeZone%3DEST"
    url = f"{collection}&{options}&application_name=bot-eu"
    with open_store(url).pool.connection() as connection:
        settings = connection.execute(
            "SELECT current_setting('statement_timeout'), current_setting('application_name'), "
            "current_setting('TimeZone')"
        ).fetchone()
    assert settings == ("1234ms", "bot-eu", "UTC")
    with open_store(collection).pool.connection() as connection:
        assert connection.execute("SHOW application_name").fetchone() == ("newsdesk",)
