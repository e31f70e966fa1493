"""Hybrid retrieval over a real index of the shared news collection (see conftest.py)."""

from __future__ import annotations

import shutil
import threading
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from index.engine import Engine
from index.search import Candidates, Hit, SearchParams

AS_OF = datetime(2024, 12, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def engine(news_index, embedder) -> Engine:
    """A reader of the shared news index (read-only)."""
    return Engine(news_index, embedder=embedder)


def ids(hits: list[Hit]) -> list[str]:
    return [hit.article_id for hit in hits]


def assert_valid(hits: list[Hit], texts: dict[str, str]) -> None:
    """Distinct articles, best first, each with exact passages of its own text."""
    assert len(set(ids(hits))) == len(hits), "an article appears twice"
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        assert 1 <= len(hit.passages) <= 3
        assert hit.passage is hit.passages[0]
        passage_scores = [p.score for p in hit.passages]
        assert passage_scores == sorted(passage_scores, reverse=True)
        assert all(p.score > 0 for p in hit.passages)
        text = texts[hit.article_id]
        for passage in hit.passages:
            assert text[passage.start : passage.end] == passage.text


def test_hybrid_search_finds_the_answering_article_with_exact_passages(engine, news_corpus):
    hits = engine.search("Why did Jerome Powell's Fed lower borrowing costs?", k=3)
    assert ids(hits)[0] == "fed-cuts-rates"
    assert_valid(hits, news_corpus.texts)
    top = hits[0]
    assert top.title == "Federal Reserve cuts interest rates by a quarter point"
    assert top.source == "Reuters" and top.published == datetime(2024, 12, 18, 19, tzinfo=UTC)
    assert top.dense_score is not None and 0 < top.dense_score <= 1
    assert top.keyword_score is not None and top.keyword_score > 0
    assert engine.generation.article_text(top.article_row) == news_corpus.texts["fed-cuts-rates"]


def test_hits_are_grouped_by_article(engine, news_corpus):
    # The park article is long enough for several chunks; they all match, but it is one hit.
    assert engine.generation.manifest.chunks > engine.generation.manifest.articles
    hits = engine.search("riverside park rail yard council vote Mayor Ortega", k=10)
    assert ids(hits)[0] == "riverside-park"
    assert len(hits[0].passages) >= 2
    assert_valid(hits, news_corpus.texts)
    assert len(hits) == 10  # k distinct articles when there are enough


def test_dense_and_keyword_modes(engine, news_corpus):
    # No article shares a word with this question: only the model can see what it is about.
    dense = engine.search("harbor employees halting labor", k=3, mode="dense")
    assert engine.search("harbor employees halting labor", mode="keyword") == []
    assert ids(dense)[0].startswith("port-")
    assert all(h.keyword_score is None and h.dense_score is not None for h in dense)
    assert_valid(dense, news_corpus.texts)
    # …while keyword search matches words, stemmed ("banana" finds "bananas").
    keyword = engine.search("banana and furniture", k=3, mode="keyword")
    assert ids(keyword) == ["port-explainer-undated"]
    assert all(h.dense_score is None and h.keyword_score > 0 for h in keyword)
    assert engine.search("zzyzx qwerty", mode="keyword") == []
    assert engine.search("zzyzx qwerty", mode="dense")  # dense search always has neighbours


def test_an_unknown_mode_and_an_empty_query(engine):
    with pytest.raises(ValueError, match="mode"):
        engine.search("ports", mode="fuzzy")
    assert engine.search("   ") == []


def test_source_filter_is_case_insensitive(engine, news_corpus):
    hits = engine.search("dockworkers port strike", k=10, sources=["bbc"])
    assert ids(hits) == ["port-strike-bbc"]
    hits = engine.search("dockworkers port strike", k=10, sources=["REUTERS", "the verge"])
    assert {h.source for h in hits} == {"Reuters", "The Verge"}
    assert "port-strike-reuters" in ids(hits)
    assert_valid(hits, news_corpus.texts)
    assert engine.search("dockworkers", sources=["Nobody Press"]) == []


def test_date_filters_are_inclusive_and_drop_undated_articles(engine):
    since = datetime(2024, 3, 10, 8, tzinfo=UTC)  # exactly port-strike-reuters' time
    until = datetime(2024, 6, 30, 15, tzinfo=UTC)  # exactly port-backlog-june's time
    hits = engine.search("dockworkers port strike", k=20, since=since, until=until)
    assert {"port-strike-reuters", "port-strike-bbc", "port-backlog-june"} <= set(ids(hits))
    for hit in hits:
        assert hit.published is not None and since <= hit.published <= until
    assert "port-explainer-undated" not in ids(hits)
    only_since = engine.search("dockworkers port strike", k=20, since=datetime(2024, 7, 1))
    assert "port-deal-september" in ids(only_since)
    assert all(h.published >= datetime(2024, 7, 1, tzinfo=UTC) for h in only_since)
    combined = engine.search(
        "dockworkers port strike", k=20, sources=["reuters"], since=since, until=until
    )
    assert set(ids(combined)) == {"port-strike-reuters", "port-backlog-june"}


def test_near_duplicate_passages_are_collapsed(engine, news_corpus):
    rows = engine.generation.article_rows_by_id(["wildfire-ap", "wildfire-cnn"])
    assert len(set(rows.values())) == 2, "both copies are indexed as separate articles"
    hits = engine.search("wildfire evacuation Ventana hills", k=20)
    wildfires = [i for i in ids(hits) if i.startswith("wildfire")]
    assert len(wildfires) == 1, ids(hits)
    assert ids(hits)[0] == wildfires[0]
    # Collapsing must not cost other articles: every other indexed article is still returned.
    assert len(hits) == engine.stats().articles - 1
    assert_valid(hits, news_corpus.texts)


def test_an_exact_duplicate_is_never_returned_in_place_of_its_original(engine):
    hits = engine.search("Federal Reserve quarter point cut", k=20)
    assert "fed-cuts-rates" in ids(hits) and "zz-fed-copy" not in ids(hits)


def test_recency_prefers_recent_coverage_before_the_as_of_moment(news_index, embedder):
    query = "Millbrook bridge closed after inspectors found cracks in its steel supports"
    plain = Engine(
        news_index, embedder=embedder, search_params=SearchParams(recency_weight=0.0)
    ).search(query, k=3, as_of=AS_OF)
    # Without a recency weight the 2023 article, worded most like the question, wins.
    assert ids(plain)[0] == "bridge-2023"

    recent = Engine(
        news_index, embedder=embedder, search_params=SearchParams(recency_weight=1.0)
    ).search(query, k=3, as_of=AS_OF)
    assert ids(recent)[0] == "bridge-november"  # published six days before AS_OF
    # An article published after the as-of moment is not preferred, but not excluded either.
    assert set(ids(recent)) == {"bridge-2023", "bridge-november", "bridge-january"}


def test_concurrent_searches_during_a_build_stay_valid(
    tmp_path, news_index, news_corpus, embedder, write_markdown, copy_index
):
    """4 threads search 20 times while the same engine builds and switches generations."""
    index_dir = copy_index(news_index)
    corpus_dir = shutil.copytree(news_corpus.markdown_dir, tmp_path / "articles")
    volcano = "A volcano erupted in Iceland, sending lava toward the evacuated town of Grindavik."
    write_markdown(corpus_dir / "volcano.md", volcano, id="volcano", title="Eruption")
    texts = {**news_corpus.texts, "volcano": volcano}
    engine = Engine(index_dir, embedder=embedder)
    queries = {
        "Federal Reserve interest rate cut": "fed-cuts-rates",
        "wildfire evacuation Ventana": ("wildfire-ap", "wildfire-cnn"),
        "chat app outage gamers": "chat-outage",
        "Millbrook bridge cracks": ("bridge-2023", "bridge-november", "bridge-january"),
        "riverside park rail yard": "riverside-park",
    }
    started = threading.Event()
    errors: list[BaseException] = []
    results: list[tuple[str, list[Hit]]] = []

    def search(worker: int) -> None:
        try:
            started.wait()
            for n in range(5):
                query = list(queries)[(worker + n) % len(queries)]
                results.append((query, engine.search(query, k=5)))
        except BaseException as error:  # reported below
            errors.append(error)

    def progress(done: int, total: int) -> None:
        started.set()  # the searches start as the build starts embedding

    threads = [threading.Thread(target=search, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        summary = engine.build([news_corpus.jsonl, corpus_dir], progress=progress)
    finally:
        started.set()
        for thread in threads:
            thread.join()
    assert not errors, errors
    assert summary.added == 1 and summary.removed == 0 and summary.embedded_chunks == 1
    assert len(results) == 20
    for query, hits in results:
        expected = queries[query]
        assert hits and ids(hits)[0] in (expected if isinstance(expected, tuple) else (expected,))
        assert_valid(hits, texts)
    assert engine.generation.manifest.generation == 2
    assert ids(engine.search("volcano lava Iceland", k=1)) == ["volcano"]


def test_a_lone_keyword_candidate_keeps_its_full_weight(engine, news_corpus):
    # Only one passage in the collection mentions bananas: BM25 returns that single candidate,
    # and min-max normalisation over a list of one must not turn it into a zero.
    searcher = engine.searcher()
    # Fusion alone: no title signal, no recency (they add to the fused score).
    searcher.params = replace(searcher.params, title_weight=0.0, asof_articles=0)
    candidates = searcher.retrieve("bananas", mode="hybrid")
    assert len(candidates.keyword_ids) == 1
    keyword_only = searcher.rank(candidates.only("keyword"), k=1)
    assert keyword_only[0].score == pytest.approx(searcher.params.keyword_weight)
    hybrid = searcher.rank(candidates, k=3)
    assert ids(hybrid)[0] == "port-explainer-undated"
    assert hybrid[0].score > searcher.params.keyword_weight
    assert_valid(hybrid, news_corpus.texts)


def test_tied_candidates_all_keep_their_full_weight(engine):
    # Equal scores (two copies of a passage, or a filter leaving a few equals) are all the
    # retriever's best: each gets the full weight, none is zeroed by an empty min-max range.
    searcher = engine.searcher()
    searcher.params = replace(searcher.params, title_weight=0.0, asof_articles=0)
    found = searcher.retrieve("dockworkers port strike", mode="dense")
    positions = found.dense_ids[:3]
    tied = Candidates(positions, np.full(len(positions), 0.42, dtype=np.float32))
    hits = searcher.rank(tied, k=3)
    assert len(hits) == len(set(searcher.generation.chunk_article[positions].tolist()))
    assert all(hit.score == pytest.approx(searcher.params.dense_weight) for hit in hits)


def test_a_latest_question_leads_with_the_newest_relevant_article_whatever_the_date(engine):
    # Asked years after the coverage, the recency preference gives nothing: without "latest"
    # the best-worded 2023 article leads; with it, the newest of the relevant ones does.
    query = "Is the Millbrook bridge still closed over cracks in its steel supports?"
    years_later = datetime(2030, 1, 1, tzinfo=UTC)

    plain = engine.search(query, k=3, as_of=years_later)
    latest = engine.search(query, k=3, as_of=years_later, latest=True)

    assert ids(plain)[0] == "bridge-2023"
    assert ids(latest)[0] == "bridge-january"
    assert set(ids(latest)) == {"bridge-january", "bridge-november", "bridge-2023"}
    # Newer coverage of something else never jumps ahead: the Fed story (2024-12-18) is newer
    # than two of the bridge articles but not relevant.
    assert "fed-cuts-rates" not in ids(latest)


def test_ask_reads_latest_from_the_question(engine):
    answer = engine.ask("What is the latest on the Millbrook bridge cracks?")

    assert answer.covered
    assert answer.citations[0].article_id == "bridge-january"
    # The answer leads with the newest coverage's own sentence, though the 2023 report words
    # the cracks more like the question.
    assert answer.parts[0].article_id == "bridge-january"
    assert answer.parts[0].text.startswith("The Millbrook bridge will stay closed until spring")


def test_with_no_date_the_as_of_moment_is_the_collections_newest_relevant_coverage(
    news_index, embedder
):
    # An archive asked years later: "now" gives the recency preference nothing, so the best
    # worded 2023 report leads. Taking the as-of moment from the newest of the most relevant
    # articles (January 2025 here) prefers the story's recent coverage, as a reader would.
    query = "Millbrook bridge closed after inspectors found cracks in its steel supports"
    now = Engine(news_index, embedder=embedder, search_params=SearchParams(asof_articles=0))
    collection = Engine(news_index, embedder=embedder)

    assert ids(now.search(query, k=3))[0] == "bridge-2023"
    assert ids(collection.search(query, k=3))[0] in ("bridge-january", "bridge-november")
    # A question's own date still wins over the collection's.
    assert ids(collection.search(query, k=3, as_of=datetime(2023, 6, 2, tzinfo=UTC)))[0] == (
        "bridge-2023"
    )


def test_the_title_signal_lifts_the_article_whose_headline_answers(
    tmp_path, embedder, write_jsonl, make_record
):
    # Two reports mention the dredging in passing; only one headline is about it.
    write_jsonl(
        tmp_path / "articles" / "news.jsonl",
        [
            make_record(
                "minutes",
                "Council meeting: what was decided",
                "The regional council met on Monday and heard reports on harbour dredging, "
                "library opening hours and a new bus depot.",
            ),
            make_record(
                "dredging",
                "Harbour dredging to start in spring",
                "Councillors also discussed the budget for road repairs and harbour dredging at "
                "their Monday session, along with parking fees.",
            ),
        ],
    )
    from index.build import Builder

    Builder(tmp_path / "index", embedder).build([tmp_path / "articles"])
    question = "When does the harbour dredging start?"
    plain = Engine(
        tmp_path / "index", embedder=embedder, search_params=SearchParams(title_weight=0)
    )
    titled = Engine(tmp_path / "index", embedder=embedder)

    with_title = titled.search(question, k=2)
    assert ids(with_title)[0] == "dredging"
    assert with_title[0].score - with_title[1].score > (
        plain.search(question, k=2)[0].score - plain.search(question, k=2)[1].score
    )
