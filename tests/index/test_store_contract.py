"""The same contract on both stores: the embedded store (an index directory) and PostgreSQL
(a collection on the session's real server, its own key per test).

Build, incremental update, delete, filters by source and date, answers, a reader during a write
and a writer killed with SIGKILL mid-ingest run against each store through the real path
(Builder, Engine, the CLI's driver). Across stores: the dense side is identical (same chunks,
same order, scores equal to float32 rounding); the keyword side ranks with BM25 on one and
``ts_rank`` on the other, so only what both must agree on is asserted there.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from index.articles import Article
from index.build import Builder
from index.engine import Engine
from index.errors import IndexMismatchError
from index.storage import Collection, open_store

REPO = Path(__file__).resolve().parents[2]
STORES = ["embedded", "postgres"]


def _location(kind: str, tmp_path: Path, request) -> str | Path:
    if kind == "embedded":
        return tmp_path / "index"
    server = request.getfixturevalue("postgres_server")
    return f"{server.url}?collection=t{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=STORES)
def location(request, tmp_path):
    """A fresh, empty collection on each store."""
    return _location(request.param, tmp_path, request)


@pytest.fixture
def pg_location(request, tmp_path):
    return _location("postgres", tmp_path, request)


def ids(hits) -> list[str]:
    return [hit.article_id for hit in hits]


def town(n: int, version: int = 0) -> Article:
    """A one-chunk article with a word of its own (``tokenN``) and a speaker."""
    return Article(
        id=f"town-{n}",
        title=f"Town {n} budget",
        text=(
            f"The council of town {n} approved {n * 1000 + 7 + version} dollars for road repairs "
            f"and token{n} lamps. “We fixed the roads,” said Mayor Alma Reyes{n} on Monday."
        ),
        source=["Reuters", "AP"][n % 2],
        published=datetime(2024, 1 + n % 12, 1 + n % 27, tzinfo=UTC),
    )


def assert_consistent(location, expected: dict[str, str]) -> Collection:
    """Every live article is whole (its text, and a chunk the keyword side finds by its own
    word), counts add up, and nothing but ``expected`` (id -> text) is live."""
    view = open_store(location).open()
    rows = view.article_rows_by_id(expected)
    assert view.manifest.articles == len(rows)
    for article_id, row in rows.items():
        assert view.article_text(row) == expected[article_id]
        word = "token" + re.search(r"\d+", article_id).group()
        positions, _ = view.keywords.search(word, 5)
        articles, _ = view.chunk_facts(positions)
        assert row in articles.tolist(), f"{article_id} is live without its chunk"
    if str(location).startswith("postgresql://"):
        _assert_tables_agree(location)
    return view


def _assert_tables_agree(location: str) -> None:
    """The collection's counts and term statistics equal what its rows say."""
    from collections import Counter

    import Stemmer

    from index.chunking import embedding_text
    from index.keyword import analyze_terms

    store = open_store(location)
    with store.pool.connection() as connection:
        row = store._row(connection)
        cid = row["id"]
        count = connection.execute(
            "SELECT count(*) FILTER (WHERE duplicate_of IS NULL), "
            "count(*) FILTER (WHERE duplicate_of IS NOT NULL) FROM articles "
            "WHERE collection_id = %s",
            (cid,),
        ).fetchone()
        assert (row["articles"], row["duplicates"]) == count
        texts = connection.execute(
            'SELECT a.title, c.text FROM chunks c JOIN articles a ON a."row" = c.article_row '
            "WHERE c.collection_id = %s",
            (cid,),
        ).fetchall()
        assert row["chunks"] == len(texts)
        (quotes,) = connection.execute(
            "SELECT count(*) FROM quotes WHERE collection_id = %s", (cid,)
        ).fetchone()
        assert row["quotes"] == quotes
        stored = dict(
            connection.execute(
                "SELECT term, documents FROM term_stats WHERE collection_id = %s", (cid,)
            ).fetchall()
        )
        lexemes = dict(
            connection.execute(
                "SELECT lexeme, documents FROM lexeme_stats "
                "WHERE collection_id = %s AND documents <> 0",
                (cid,),
            ).fetchall()
        )
        # PostgreSQL's own lexemes, counted from the stored tsvectors as a reference.
        counted = dict(
            connection.execute(
                "SELECT word, ndoc FROM ts_stat(format("
                "'SELECT keywords FROM chunks WHERE collection_id = %%s', %s::int))",
                (cid,),
            ).fetchall()
        )
    assert lexemes == counted
    prepend = row["chunking"].get("prepend_title", True)
    expected: Counter[str] = Counter()
    stemmer = Stemmer.Stemmer("english")
    for terms in analyze_terms(stemmer, [embedding_text(t, x, prepend) for t, x in texts]):
        expected.update(set(terms))
    assert stored == dict(expected)


# ------------------------------------------------------------------------------------------------
# Build, update, delete, filters


def test_build_search_and_filters(location, news_corpus, embedder):
    summary = Builder(location, embedder).build(news_corpus.paths)
    assert summary.failed == 0
    assert summary.articles == 14 and summary.duplicates == 1 and summary.generation
    engine = Engine(location, embedder=embedder)
    march = datetime(2024, 3, 12, tzinfo=UTC)
    assert ids(engine.search("dockworkers strike at East Coast ports", as_of=march))[0] in {
        "port-strike-reuters",
        "port-strike-bbc",
    }
    only_bbc = engine.search("port strike", sources=["bbc"], k=5)
    assert ids(only_bbc) == ["port-strike-bbc"]
    since, until = datetime(2024, 6, 1, tzinfo=UTC), datetime(2024, 12, 31, tzinfo=UTC)
    dated = engine.search("port strike", since=since, until=until, k=10)
    assert dated and all(since <= hit.published <= until for hit in dated)
    assert "port-explainer-undated" not in ids(dated)
    assert engine.search("port strike", sources=["Nobody's Gazette"]) == []
    assert not engine.searcher().filters_match(sources=["Nobody's Gazette"])
    for hit in engine.search("wildfire evacuation", k=5):
        text = news_corpus.texts[hit.article_id]
        assert all(text[p.start : p.end] == p.text for p in hit.passages)
    stats = engine.stats()
    assert stats.articles == 14 and stats.duplicates == 1
    assert {s.name: s.articles for s in stats.sources}["Reuters"] == 6
    # A stored duplicate resolves to its canonical article.
    rows = engine.generation.article_rows_by_id(["zz-fed-copy", "fed-cuts-rates"])
    assert rows["zz-fed-copy"] == rows["fed-cuts-rates"]


def test_incremental_update_and_delete(location, embedder):
    builder = Builder(location, embedder)
    first = builder.add_articles([town(n) for n in range(6)])
    assert first.added == 6 and first.embedded_chunks == 6
    engine = Engine(location, embedder=embedder)
    version = engine.generation.version

    again = builder.add_articles([town(n) for n in range(6)])
    assert again.unchanged == 6 and again.generation is None and again.embedded_chunks == 0
    changed = builder.add_articles([town(2, version=1), town(6)])
    assert (changed.updated, changed.added, changed.embedded_chunks) == (1, 1, 2)
    assert engine.refresh() and engine.generation.version != version
    row = engine.generation.article_rows_by_id(["town-2"])["town-2"]
    assert "2008 dollars" in engine.generation.article_text(row)
    assert ids(engine.search("token2 lamps", k=1, mode="keyword")) == ["town-2"]

    removed = builder.remove(["town-3", "no-such-article"])
    assert removed.removed == 1 and removed.failed == 1
    engine.refresh()
    assert "town-3" not in ids(engine.search("token3 lamps", k=7))
    assert engine.stats().articles == 6
    expected = {f"town-{n}": town(n, version=int(n == 2)).text for n in (0, 1, 2, 4, 5, 6)}
    assert_consistent(location, expected)


def test_a_collection_built_with_another_model_is_refused(location, embedder):
    Builder(location, embedder).add_articles([town(1)])
    view = open_store(location).open()
    with pytest.raises(IndexMismatchError, match="was built with model") as refused:
        view.check_model("another-model", 768)
    assert "--model" in str(refused.value)
    view.check_model(embedder.model_name, embedder.dimension)


def test_a_second_writer_is_refused(location, embedder):
    from index.errors import BuildInProgressError

    Builder(location, embedder).add_articles([town(1)])
    store = open_store(location)
    with store.writer(), pytest.raises(BuildInProgressError), open_store(location).writer():
        pass


# ------------------------------------------------------------------------------------------------
# The same results on both stores


@pytest.fixture(scope="module")
def both(tmp_path_factory, news_corpus, embedder, postgres_server):
    directory = tmp_path_factory.mktemp("both") / "index"
    url = f"{postgres_server.url}?collection=both{uuid.uuid4().hex[:8]}"
    for location in (directory, url):
        Builder(location, embedder).build(news_corpus.paths)
    return Engine(directory, embedder=embedder), Engine(url, embedder=embedder)


QUERIES = [
    "dockworkers strike at the ports",
    "wildfire evacuation in the Ventana hills",
    "Federal Reserve interest rate cut",
    "Millbrook bridge cracks",
    "new riverside park vote",
    "chat app outage",
]


def test_the_dense_side_is_identical_on_both_stores(both):
    embedded, postgres = both
    for query in QUERIES:
        a = embedded.searcher().retrieve(query, mode="dense")
        b = postgres.searcher().retrieve(query, mode="dense")
        texts_a = [c.text for c in embedded.generation.chunks(a.dense_ids.tolist()).values()]
        chunks_b = postgres.generation.chunks(b.dense_ids.tolist())
        assert sorted(texts_a) == sorted(c.text for c in chunks_b.values())
        assert [embedded.generation.chunks([p])[p].text for p in a.dense_ids.tolist()] == [
            chunks_b[p].text for p in b.dense_ids.tolist()
        ]
        np.testing.assert_allclose(a.dense_scores, b.dense_scores, atol=1e-5)
        dense = [ids(e.search(query, mode="dense")) for e in (embedded, postgres)]
        assert dense[0] == dense[1]


def test_title_cosines_are_the_same_on_both_stores_and_those_of_the_titles(both, embedder):
    embedded, postgres = both
    query = embedder.encode_query(QUERIES[0])[0]
    cosines = {}
    for engine in (embedded, postgres):
        view = engine.generation
        rows = view.article_rows_by_id(["port-strike-bbc", "port-strike-reuters", "fed-cuts-rates"])
        ids_in_order = sorted(rows)
        found = view.title_cosines([rows[i] for i in ids_in_order], query)
        assert found.shape == (3,)
        cosines[engine] = dict(zip(ids_in_order, found.tolist(), strict=True))
    np.testing.assert_allclose(
        [cosines[embedded][i] for i in sorted(cosines[embedded])],
        [cosines[postgres][i] for i in sorted(cosines[postgres])],
        atol=1e-5,
    )
    titles = {
        a.id: a.title
        for a in embedded.generation.articles(
            embedded.generation.article_rows_by_id(cosines[embedded]).values()
        ).values()
    }
    for article_id, cosine in cosines[postgres].items():
        expected = float(embedder.encode([titles[article_id]])[0] @ query)
        assert cosine == pytest.approx(expected, abs=1e-3), article_id
    # A row without a title vector (gone) counts 0.
    assert postgres.generation.title_cosines([10**12], query).tolist() == [0.0]


def test_what_the_retrievers_bring_along_is_what_the_tables_hold(both, embedder):
    """On PostgreSQL the retrievers return their chunks' facts (article row, publication time)
    and their articles' title cosines with the candidates, and ranking reads them from memory:
    they must be the tables' own."""
    _, postgres = both
    where = str(postgres.generation.store.where)
    fresh = open_store(where).open()  # remembers nothing yet
    for mode in ("keyword", "hybrid"):
        engine = Engine(where, embedder=embedder)  # remembers only this mode's rows
        for query in QUERIES:
            found = engine.searcher().retrieve(query, mode=mode)
            positions = sorted({*found.dense_ids.tolist(), *found.keyword_ids.tolist()})
            assert found.keyword_ids.size and (mode == "keyword" or found.dense_ids.size)
            remembered = engine.generation.chunk_facts(np.array(positions))
            read = fresh.chunk_facts(np.array(positions))
            assert remembered[0].tolist() == read[0].tolist()
            np.testing.assert_array_equal(remembered[1], read[1])
            if mode == "hybrid":
                rows, _ = engine.generation.chunk_facts(np.array(positions))
                articles = sorted(set(rows.tolist()))
                np.testing.assert_allclose(
                    engine.generation.title_cosines(articles, found.query_vector),
                    fresh.title_cosines(articles, found.query_vector),
                    atol=1e-6,
                )
            # Ranked from memory or not, the same articles in the same order.
            assert ids(engine.search(query)) == ids(Engine(where, embedder=embedder).search(query))


def test_the_dense_query_sets_its_hnsw_settings_for_the_filter_at_hand(both):
    _, postgres = both
    store = postgres.generation.store

    def session_settings() -> tuple[str, str]:
        # The pool lends its most recently returned connection first: the query's.
        with store.pool.connection() as connection:
            return connection.execute(
                "SELECT current_setting('hnsw.ef_search'), current_setting('hnsw.iterative_scan')"
            ).fetchone()

    searcher = postgres.searcher()
    searcher.retrieve("port strike", mode="dense", sources=["BBC"])
    assert session_settings() == ("200", "strict_order")
    plain = searcher.retrieve("port strike", mode="dense")
    assert session_settings() == ("200", "off")
    bbc = searcher.retrieve("port strike", mode="dense", sources=["BBC"])
    assert session_settings() == ("200", "strict_order")
    assert 0 < len(bbc.dense_ids) < len(plain.dense_ids)
    assert ids(postgres.search("port strike", mode="dense", sources=["BBC"])) == ["port-strike-bbc"]


def test_an_article_removed_between_retrieval_and_ranking_is_not_shown(pg_location, embedder):
    builder = Builder(pg_location, embedder)
    builder.add_articles([town(n) for n in range(4)])
    engine = Engine(pg_location, embedder=embedder)
    searcher = engine.searcher()
    candidates = searcher.retrieve("token2 lamps town 2 budget")
    assert ids(searcher.rank(candidates, k=4))[0] == "town-2"
    builder.remove(["town-2"])
    # Its chunks and title cosine were remembered with the candidates; its article is gone.
    shown = ids(searcher.rank(candidates, k=4))
    assert "town-2" not in shown and shown


def test_an_article_removed_between_search_and_answer_is_not_quoted(pg_location, embedder):
    # A bot answering while a feed update removes an article: the answer reads the article's
    # text after the search (its lede, the sentence around a quote), and it is gone.
    builder = Builder(pg_location, embedder)
    builder.add_articles([town(n) for n in range(4)])
    engine = Engine(pg_location, embedder=embedder)
    question = "How many dollars did the council of town 2 approve for road repairs?"
    hits = engine.search(question, k=4)
    assert ids(hits)[0] == "town-2"
    assert "2007 dollars" in engine.answer_from_hits(question, hits).text
    builder.remove(["town-2"])
    answer = engine.answer_from_hits(question, hits)
    assert "town-2" not in [c.article_id for c in answer.citations]
    assert "2007 dollars" not in answer.text


def test_keyword_and_hybrid_agree_where_both_rankings_must(both):
    embedded, postgres = both
    for query in QUERIES:
        # Each finds the chunks holding the query's words; the best article is the same one.
        assert ids(embedded.search(query, mode="keyword", k=1)) == ids(
            postgres.search(query, mode="keyword", k=1)
        ), query
        assert ids(embedded.search(query, k=1)) == ids(postgres.search(query, k=1)), query
    # Filters hold on the keyword side too.
    assert ids(postgres.search("strike", mode="keyword", sources=["BBC"])) == ["port-strike-bbc"]
    assert postgres.search("zzzz qqqq", mode="keyword") == []


def test_answers_and_quotations_are_the_same_on_both_stores(both, assert_extractive):
    embedded, postgres = both
    # A "what did X say" question is answered from the quote index: the same whole answer.
    question = "What did Mayor Lucia Ortega say about the park?"
    a, b = embedded.ask(question), postgres.ask(question)
    assert a.covered and b.covered
    assert [p.text for p in a.parts] == [p.text for p in b.parts]
    assert [c.article_id for c in a.citations] == [c.article_id for c in b.citations]
    # Other answers: composed the same from the same hits (the dense side is identical; hybrid
    # hits may differ with the keyword ranking).
    for question in ("Why did the dockworkers strike?", "How big is the Ventana fire?"):
        answers = [
            engine.answer_from_hits(question, engine.search(question, mode="dense"))
            for engine in (embedded, postgres)
        ]
        assert answers[0].covered and answers[1].covered
        assert [p.text for p in answers[0].parts] == [p.text for p in answers[1].parts]
        assert [c.article_id for c in answers[0].citations] == [
            c.article_id for c in answers[1].citations
        ]
        hybrid = postgres.ask(question)
        assert hybrid.covered
        assert_extractive(postgres, hybrid)
    quotes_a, quotes_b = embedded.quotes("Ortega"), postgres.quotes("Ortega")
    assert quotes_b and [q.text for q in quotes_a] == [q.text for q in quotes_b]
    about_a = embedded.quotes("Lucia Ortega", about="public space")
    about_b = postgres.quotes("Lucia Ortega", about="public space")
    assert [(q.text, round(q.score, 4)) for q in about_a] == [
        (q.text, round(q.score, 4)) for q in about_b
    ]
    # The same IDF weights (answers and quotations weigh words with them).
    terms = ["strike", "port", "ventana", "unknownword"]
    weights_a = embedded.generation.keywords.idf(terms)
    weights_b = postgres.generation.keywords.idf(terms)
    assert weights_a == pytest.approx(weights_b)


# ------------------------------------------------------------------------------------------------
# Concurrency and crashes


def test_a_reader_answers_during_a_write(location, embedder):
    builder = Builder(location, embedder, merge=False)
    builder.add_articles([town(n) for n in range(4)])
    engine = Engine(location, embedder=embedder, background_merge=False)
    stop, problems, answered = threading.Event(), [], []

    def read() -> None:
        while not stop.is_set():
            try:
                generation = engine.generation
                for hit in engine.search("road repairs lamps", k=4):
                    text = generation.article_text(hit.article_row)
                    assert all(text[p.start : p.end] == p.text for p in hit.passages)
                answered.append(1)
                engine.refresh()
            except Exception as error:  # reported below, in the test's thread
                problems.append(error)
                return

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for start in range(4, 40, 6):
            builder.add_articles([town(n) for n in range(start, start + 6)])
            builder.add_articles([town(start - 2, version=1)])
    finally:
        stop.set()
        reader.join()
    assert not problems, problems
    assert len(answered) > 3
    engine.refresh()
    assert engine.stats().articles == 40


KILLED_DRIVER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, "tests/index")
    from index.build import Builder
    from index.embedding import Embedder
    from test_store_contract import town

    def progress(done, total):
        print("progress", done, total, flush=True)

    Builder(sys.argv[1], Embedder()).add_articles([town(n) for n in range(100)], progress=progress)
    print("finished", flush=True)
    """
)


def test_a_writer_killed_mid_ingest_leaves_a_consistent_store_and_the_next_run_resumes(
    location, embedder, tmp_path
):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_DRIVER, str(location)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 300  # a guard against hanging, not a timing assertion
        while True:
            line = process.stdout.readline()
            assert line and time.monotonic() < deadline, "the driver ended before any step"
            if line.startswith("progress") and int(line.split()[1]) >= 64:
                # Two steps handed to the writer: PostgreSQL committed the first (it is written
                # before the second starts) and may be writing the second, on its own thread,
                # while the third is embedded.
                break
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait() == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    store = open_store(location)
    committed = 0
    if store.current_version() is not None:
        with store.writer() as writer:
            committed = len(writer.scan())
        every = {f"town-{n}": town(n).text for n in range(100)}
        assert_consistent(location, {k: v for k, v in every.items()})
    # The embedded store commits a change whole; PostgreSQL keeps the steps that committed.
    if isinstance(location, Path):
        assert committed == 0
    else:
        assert committed in (32, 64)

    summary = Builder(location, embedder).add_articles([town(n) for n in range(100)])
    assert (summary.unchanged, summary.added) == (committed, 100 - committed)
    view = assert_consistent(location, {f"town-{n}": town(n).text for n in range(100)})
    assert view.manifest.articles == 100


def test_a_chunking_change_re_embeds_everything_and_swaps_it_in_whole(location, embedder):
    from index.chunking import ChunkingParams

    Builder(location, embedder).add_articles([town(n) for n in range(5)])
    reader = Engine(location, embedder=embedder)
    assert reader.stats().chunking["target_tokens"] != 40
    rebuilt = Builder(location, embedder, ChunkingParams(target_tokens=40)).add_articles(
        [town(n) for n in range(5)]
    )
    assert rebuilt.embedded_chunks >= 5 and rebuilt.generation
    assert reader.refresh()
    assert reader.stats().chunking["target_tokens"] == 40 and reader.stats().articles == 5
    assert ids(reader.search("token3 lamps", k=1)) == ["town-3"]
    assert_consistent(location, {f"town-{n}": town(n).text for n in range(5)})
    if isinstance(location, str):
        store = open_store(location)
        with store.pool.connection() as connection:
            (collections,) = connection.execute(
                "SELECT count(*) FROM collections WHERE key = %s OR replaces = %s",
                (store.key, store.key),
            ).fetchone()
            (row_id,) = connection.execute(
                "SELECT id FROM collections WHERE key = %s", (store.key,)
            ).fetchone()
            indexes = [
                name
                for (name,) in connection.execute(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'chunks' "
                    "AND indexname LIKE 'chunks_hnsw_%%'"
                )
            ]
        assert collections == 1
        # The replaced collection's HNSW index went with it.
        assert f"chunks_hnsw_{row_id}" in indexes
        assert f"chunks_hnsw_{row_id - 1}" not in indexes


def test_a_moved_article_keeps_its_vectors_and_a_removed_original_promotes_its_copy(
    location, embedder
):
    from dataclasses import replace

    builder = Builder(location, embedder)
    copy = replace(town(1), id="town-1-copy", source="Wire Copy")
    builder.add_articles([town(1), copy, town(2)])
    engine = Engine(location, embedder=embedder)
    assert engine.stats().duplicates == 1
    moved = builder.add_articles(
        [replace(town(2), origin="moved.jsonl:1", origin_path="moved.jsonl")]
    )
    assert moved.unchanged == 1 and moved.embedded_chunks == 0
    with open_store(location).writer() as writer:
        assert writer.lookup(["town-2"])["town-2"].origin_path == "moved.jsonl"

    removed = builder.remove(["town-1"])
    assert removed.removed == 1 and removed.embedded_chunks == 1  # the copy, now canonical
    engine.refresh()
    assert ids(engine.search("token1", mode="keyword")) == ["town-1-copy"]
    assert engine.stats().duplicates == 0 and engine.stats().articles == 2
    assert_consistent(location, {"town-1-copy": town(1).text, "town-2": town(2).text})
