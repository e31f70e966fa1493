"""The segmented store with the real model: updates as new segments and tombstones, merges,
collection-wide keyword statistics, readers during updates and merges, old-format indexes,
and a writer killed at random moments."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from index.articles import Article
from index.build import Builder
from index.engine import Engine
from index.keyword import CollectionKeywords, KeywordIndex, Postings
from index.segmented import EmbeddedStore, MergePolicy, Snapshot

REPO = Path(__file__).resolve().parents[2]

TOPICS = [
    ("storm", "A storm flooded the coastal town of {town}, and {n} homes lost power overnight."),
    ("budget", "The council of {town} approved {n} dollars for road repairs and new buses."),
    ("school", "Teachers in {town} went on strike over pay, closing {n} schools on Monday."),
    ("bridge", "Inspectors closed the {town} bridge after finding {n} cracks in its beams."),
    ("fire", "A warehouse fire in {town} sent smoke over the harbour; {n} firefighters came."),
]
TOWNS = ["Ashford", "Brill", "Carrow", "Dunmore", "Elsby", "Fenwick", "Garth", "Hollin"]


def article(n: int, version: int = 0) -> Article:
    topic, text = TOPICS[n % len(TOPICS)]
    town = TOWNS[n % len(TOWNS)]
    body = text.format(town=town, n=n * 7 + 3 + version * 1000)
    return Article(
        id=f"{topic}-{n}",
        title=f"{town} {topic} report {n}",
        text=body,
        source=["Reuters", "AP", "BBC"][n % 3],
    )


def ids(hits) -> list[str]:
    return [hit.article_id for hit in hits]


def snapshot(index_dir: Path) -> Snapshot:
    return Snapshot.open_current(index_dir)


def live_ids(view: Snapshot) -> list[str]:
    """Ids of the live canonical articles, with repeats if an id were live twice."""
    found = []
    for segment, alive in zip(view.segments, view.live_rows, strict=True):
        for row in segment.query("SELECT row, id, duplicate_of FROM articles"):
            if alive[row["row"]] and row["duplicate_of"] is None:
                found.append(row["id"])
    return found


def assert_consistent(index_dir: Path) -> Snapshot:
    """The live generation opens, counts add up, and no article is live twice."""
    view = snapshot(index_dir)
    found = live_ids(view)
    assert len(found) == len(set(found)), "an article is live in two segments"
    assert view.manifest.articles == len(found)
    live = view.live if view.live is not None else np.ones(len(view.chunk_article), bool)
    assert view.manifest.chunks == int(live.sum())
    assert view.vectors.size == view.keywords.size == int(live.sum())
    # Every live chunk belongs to a live article.
    rows = set(view.chunk_article[live].tolist())
    assert {a.id for a in view.articles(rows).values()} == set(found) - {
        i for i in found if not (view.chunk_article[live] == view.article_rows_by_id([i])[i]).any()
    }
    return view


@pytest.fixture(scope="module")
def twenty(tmp_path_factory, embedder) -> Path:
    """20 articles added in 4 updates of 5 (4 segments), merging off (read-only)."""
    index_dir = tmp_path_factory.mktemp("twenty") / "index"
    builder = Builder(index_dir, embedder, merge=False)
    for start in range(0, 20, 5):
        builder.add_articles([article(n) for n in range(start, start + 5)])
    return index_dir


@pytest.fixture(scope="module")
def whole(tmp_path_factory, embedder) -> Path:
    """The same 20 articles built at once (one segment)."""
    index_dir = tmp_path_factory.mktemp("whole") / "index"
    Builder(index_dir, embedder).add_articles([article(n) for n in range(20)])
    return index_dir


def test_each_update_writes_one_segment_of_what_changed(twenty):
    view = snapshot(twenty)
    assert len(view.segments) == 4
    assert [s.meta.articles for s in view.segments] == [5, 5, 5, 5]
    assert view.manifest.articles == 20 and view.live is None


def test_keyword_scores_do_not_depend_on_how_the_collection_was_cut(twenty, whole):
    split, unsplit = snapshot(twenty), snapshot(whole)
    for query in ("storm flooded town power", "council road repairs Ashford", "bridge cracks"):
        a_ids, a_scores = split.keywords.search(query, 50)
        b_ids, b_scores = unsplit.keywords.search(query, 50)
        by_id_a = dict(zip(_article_ids(split, a_ids), a_scores.tolist(), strict=True))
        by_id_b = dict(zip(_article_ids(unsplit, b_ids), b_scores.tolist(), strict=True))
        assert by_id_a.keys() == by_id_b.keys()
        for key, score in by_id_a.items():
            assert score == pytest.approx(by_id_b[key], rel=1e-5)
        assert split.keywords.idf(["storm", "bridg"]) == pytest.approx(
            unsplit.keywords.idf(["storm", "bridg"])
        )


def _article_ids(view: Snapshot, positions) -> list[str]:
    rows = view.chunk_article[np.asarray(positions, dtype=np.int64)].tolist()
    found = view.articles(rows)
    return [found[r].id for r in rows]


def test_search_results_are_the_same_split_or_unsplit(twenty, whole, embedder):
    split = Engine(twenty, embedder=embedder)
    unsplit = Engine(whole, embedder=embedder)
    for query in ("flooding and power cuts", "teachers strike over pay", "harbour fire smoke"):
        a = [(h.article_id, round(h.score, 4)) for h in split.search(query, k=8)]
        b = [(h.article_id, round(h.score, 4)) for h in unsplit.search(query, k=8)]
        assert a == b


def test_bm25_equals_one_bm25s_index_over_the_live_texts():
    texts = [f"{a.title}\n{a.text}" for a in (article(n) for n in range(30))]
    reference = KeywordIndex.build(texts)
    parts, offset = [], 0
    for start in range(0, 30, 7):
        postings = Postings.build(texts[start : start + 7])
        parts.append((postings, offset, None))
        offset += postings.size
    keywords = CollectionKeywords(parts)
    for query in ("storm town homes power", "council dollars road", "Garth bridge beams"):
        want_ids, want = reference.search(query, 30)
        got_ids, got = keywords.search(query, 30)
        assert dict(zip(got_ids.tolist(), got.tolist(), strict=True)) == pytest.approx(
            dict(zip(want_ids.tolist(), want.tolist(), strict=True)), rel=1e-5
        )
    # A tombstoned document leaves the statistics as if it had never been indexed.
    live = np.ones(7, dtype=bool)
    live[3] = False
    keywords = CollectionKeywords([(parts[0][0], 0, live), *parts[1:]])
    reference = KeywordIndex.build(texts[:3] + texts[4:])
    want_ids, want = reference.search("storm town homes power", 30)
    got_ids, got = keywords.search("storm town homes power", 30)
    renumbered = [i if i < 3 else i - 1 for i in got_ids.tolist()]
    assert 3 not in got_ids.tolist()
    assert dict(zip(renumbered, got.tolist(), strict=True)) == pytest.approx(
        dict(zip(want_ids.tolist(), want.tolist(), strict=True)), rel=1e-5
    )


def test_updated_and_removed_articles_are_never_returned(tmp_path, embedder, copy_index, twenty):
    index_dir = copy_index(twenty)
    engine = Engine(index_dir, embedder=embedder, background_merge=False)
    old = article(2)
    changed = Article(
        id=old.id,
        title="Volcano report",
        text="A volcano erupted near Grindavik, and lava crossed the road to the harbour.",
        source="RÚV",
    )
    summary = engine.add_articles([changed])
    assert (summary.updated, summary.embedded_chunks) == (1, 1)
    engine.remove(["bridge-3", "fire-4"])
    view = engine.generation
    assert view.manifest.articles == 18 and len(view.segments) == 5
    for mode in ("hybrid", "dense", "keyword"):
        for query in (old.text, article(3).text, article(4).text, "school strike teachers"):
            found = ids(engine.search(query, k=20, mode=mode))
            assert "bridge-3" not in found and "fire-4" not in found
            for hit in engine.search(query, k=20, mode=mode):
                if hit.article_id == old.id:
                    assert "volcano" in hit.passage.text
    assert ids(engine.search("volcano lava Grindavik", k=1)) == [old.id]
    assert engine.search(old.text, k=20, mode="keyword", sources=["Reuters"]) == [] or all(
        h.article_id != old.id for h in engine.search(old.text, k=20, sources=["Reuters"])
    )
    assert view.article_rows_by_id(["bridge-3", "fire-4"]) == {}
    assert sum(s.articles for s in engine.stats().sources) == 18
    assert_consistent(index_dir)


def test_a_merge_preserves_results_and_drops_tombstones(copy_index, twenty, embedder):
    index_dir = copy_index(twenty)
    engine = Engine(index_dir, embedder=embedder, background_merge=False)
    engine.remove(["storm-0", "budget-6"])
    queries = ("flooding and power cuts", "road repairs buses", "cracked bridge", "fire smoke")
    before = {
        q: [(h.article_id, round(h.score, 5)) for h in engine.search(q, k=10)] for q in queries
    }
    merged = engine.merge(everything=True)
    assert len(merged) == 1 and merged[0].dropped_rows == 2
    view = engine.generation
    assert len(view.segments) == 1 and view.live is None and view.manifest.articles == 18
    after = {
        q: [(h.article_id, round(h.score, 5)) for h in engine.search(q, k=10)] for q in queries
    }
    assert after == before
    assert_consistent(index_dir)
    # Merged segments are gone from disk once no retained generation lists them.
    Builder(index_dir, embedder).add_articles([article(40)])
    listed = {s["name"] for s in json.loads((view.path / "manifest.json").read_text())["segments"]}
    on_disk = {p.name for p in (index_dir / "segments").iterdir()}
    assert listed <= on_disk and len(on_disk) == 2


def test_the_tiered_policy_merges_a_full_tier(tmp_path, embedder):
    store = EmbeddedStore(tmp_path / "index", MergePolicy(segments_per_tier=3))
    builder = Builder(tmp_path / "index", embedder, merge=False)
    for n in range(3):
        builder.add_articles([article(n)])
    store.policy = MergePolicy(segments_per_tier=3)
    assert len(store.merge_plan()) == 3
    summary = store.merge()
    assert summary is not None and len(summary.merged) == 3
    assert store.merge() is None
    assert len(snapshot(tmp_path / "index").segments) == 1


def test_questions_are_answered_during_updates_and_merges(copy_index, twenty, embedder):
    """4 threads search while the engine adds articles in several updates and merges."""
    index_dir = copy_index(twenty)
    engine = Engine(index_dir, embedder=embedder, background_merge=False)
    queries = {  # each names a number only its article holds
        "storm flooded Carrow, 73 homes lost power": "storm-10",
        "teachers strike, 87 schools closed in Elsby": "school-12",
        "Fenwick bridge closed after 94 cracks found": "bridge-13",
    }
    stop = threading.Event()
    errors: list[BaseException] = []
    answered: list[int] = []

    def ask() -> None:
        try:
            while not stop.is_set():
                for query, expected in queries.items():
                    hits = engine.search(query, k=3)
                    assert hits and hits[0].article_id == expected, (query, ids(hits))
                    answer = engine.ask(query)
                    assert answer.citations
                    answered.append(1)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for start in range(20, 32, 4):
            engine.add_articles([article(n) for n in range(start, start + 4)])
        engine.remove(["fire-24"])
        engine.merge(everything=True)
        engine.add_articles([article(40)])
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors, errors
    assert len(answered) >= 4
    assert engine.generation.manifest.articles == 20 + 12 - 1 + 1
    assert_consistent(index_dir)


def test_a_question_asked_while_an_update_is_being_written_is_answered_at_once(
    copy_index, twenty, embedder
):
    """The update is held inside its writer (its articles embedded, the build lock held, the
    segment not committed) while another thread asks: the answer comes from the collection as
    it was, without waiting; the new article is served once the update commits."""
    index_dir = copy_index(twenty)
    engine = Engine(index_dir, embedder=embedder, background_merge=False)
    writing, release = threading.Event(), threading.Event()

    def progress(done: int, total: int) -> None:  # called in the updating thread
        if done == total:
            writing.set()
            assert release.wait(120)

    summaries = []
    updater = threading.Thread(
        target=lambda: summaries.append(engine.add_articles([article(60)], progress=progress))
    )
    updater.start()
    try:
        assert writing.wait(120)
        # Were the question to wait for the update, it would wait for ever (the update waits
        # for it): the updater gives up after 120 s and the checks below fail.
        answer = engine.ask("How many schools closed in the Elsby teachers strike?")
        assert answer.covered and answer.citations[0].article_id == "school-12"
        hits = engine.search("Elsby storm, 423 homes lost power", k=3)
        assert updater.is_alive() and not summaries, "answered while the update was in progress"
        assert "storm-60" not in ids(hits)
    finally:
        release.set()
        updater.join()
    assert summaries[0].added == 1
    assert ids(engine.search("Elsby storm, 423 homes lost power", k=1)) == ["storm-60"]


def test_a_background_merge_never_blocks_updates(copy_index, twenty, embedder):
    index_dir = copy_index(twenty)
    engine = Engine(index_dir, embedder=embedder)
    engine.store.policy = MergePolicy(segments_per_tier=3)
    engine.add_articles([article(50)])  # 5 small segments: a tier is full, a merge starts
    engine.add_articles([article(51)])  # while it may still run: the update is not refused
    assert engine.wait_for_merges(timeout=120)
    assert engine.merge_error is None and engine.merges
    engine.refresh()
    view = assert_consistent(index_dir)
    assert view.manifest.articles == 22
    assert ids(engine.search("Carrow storm, 353 homes lost power", k=1)) == ["storm-50"]


FERRY = Article(
    id="ferry",
    title="Harbour ferry to run every twenty minutes",
    text=(
        "The harbour ferry between Northport and Eastwick will run every twenty minutes from "
        "April. \u201cCommuters voted with their feet, and now we follow them,\u201d said the "
        "port director, Hannah Weiss."
    ),
    url="https://gazette.example/ferry",
    source="Harbour Gazette",
    published=datetime(2024, 12, 20, 11, 0, tzinfo=UTC),
    origin="https://gazette.example/ferry",
    origin_path="https://gazette.example/ferry",
    partial=True,
    updated=datetime(2024, 12, 21, 8, 30, tzinfo=UTC),
)


def test_partial_and_updated_are_stored_cited_merged_and_absent_from_older_segments(
    tmp_path, embedder
):
    index_dir = tmp_path / "index"
    builder = Builder(index_dir, embedder, merge=False)
    builder.add_articles([article(0), article(1)])
    builder.add_articles([FERRY])
    # The first segment as written before the columns existed (segments are never altered
    # afterwards, so an index keeps such catalogs until a merge rewrites them).
    older = snapshot(index_dir).segments[0]
    with sqlite3.connect(older.path / "catalog.sqlite") as db:
        db.execute("ALTER TABLE articles DROP COLUMN partial")
        db.execute("ALTER TABLE articles DROP COLUMN updated")

    def check(engine: Engine) -> None:
        answer = engine.ask("How often will the harbour ferry run from April?")
        (cited,) = answer.citations
        assert (cited.article_id, cited.partial, cited.updated) == ("ferry", True, FERRY.updated)
        assert "updated 2024-12-21, partial: feed summary only" in answer.render_plain()
        answer = engine.ask("How many homes lost power in the Ashford storm?")
        assert answer.citations[0].article_id == "storm-0"
        assert (answer.citations[0].partial, answer.citations[0].updated) == (False, None)
        (quote,) = engine.quotes("Hannah Weiss")
        assert (quote.partial, quote.updated) == (True, FERRY.updated)

    engine = Engine(index_dir, embedder=embedder, background_merge=False)
    check(engine)
    engine.merge(everything=True)
    assert engine.refresh() is False and len(engine.generation.segments) == 1
    check(engine)
    # What a re-embedding or a promoted duplicate reads back is the article as it was given,
    # so a poll that meets the same entry again finds it unchanged.
    with EmbeddedStore(index_dir).writer() as writer:
        version = writer.lookup(["ferry"])["ferry"]
        assert writer.load([version])["ferry"] == FERRY
        assert version.content_hash == FERRY.content_hash
    assert Builder(index_dir, embedder).add_articles([FERRY]).unchanged == 1


def test_an_index_of_the_previous_format_is_read_and_migrated_on_the_next_build(
    tmp_path, embedder, whole
):
    legacy = tmp_path / "legacy"
    _write_legacy(whole, legacy)
    engine = Engine(legacy, embedder=embedder, background_merge=False)
    assert engine.generation.segments[0].legacy
    queries = ("flooding and power cuts", "teachers strike over pay")
    reference = Engine(whole, embedder=embedder)
    for query in queries:
        assert ids(engine.search(query, k=5)) == ids(reference.search(query, k=5))

    # Any write migrates first (even one that changes nothing), re-embedding nothing.
    summary = Builder(legacy, embedder).add_articles([article(0)])
    assert summary.unchanged == 1 and summary.embedded_chunks == 0
    migrated = snapshot(legacy)
    assert migrated.manifest.format == 2 and len(migrated.segments) == 1
    assert not migrated.segments[0].legacy
    assert engine.refresh() is True
    for query in queries:
        assert [(h.article_id, round(h.score, 5)) for h in engine.search(query, k=5)] == [
            (h.article_id, round(h.score, 5)) for h in reference.search(query, k=5)
        ]
    summary = Builder(legacy, embedder).add_articles([article(60)])
    assert summary.added == 1 and summary.embedded_chunks == 1
    engine.refresh()
    assert ids(engine.search("Elsby storm, 423 homes lost power", k=1)) == ["storm-60"]


def _write_legacy(source: Path, target: Path) -> None:
    """A format-1 generation (as builds before segments wrote) of a one-segment index."""
    view = snapshot(source)
    (segment,) = view.segments
    generation = target / "gen-000001"
    generation.mkdir(parents=True)
    for name in ("catalog.sqlite", "vectors.npy", "quotes.npy", "titles.npy"):
        shutil.copy(segment.path / name, generation / name)
    rows = segment.query(
        "SELECT a.title, c.text FROM chunks c JOIN articles a ON a.row = c.article_row "
        "ORDER BY c.position"
    )
    from index.vectors import VectorIndex

    VectorIndex.build(np.load(segment.path / "vectors.npy")).save(generation / "vectors.faiss")
    (generation / "keyword").mkdir()
    KeywordIndex.build([f"{r[0]}\n{r[1]}" for r in rows]).save(generation / "keyword")
    manifest = json.loads((view.path / "manifest.json").read_text())
    manifest.pop("segments")
    manifest.update(format=1, generation=1)
    (generation / "manifest.json").write_text(json.dumps(manifest))
    (target / "CURRENT").write_text("gen-000001\n")


DRIVER = textwrap.dedent(
    """
    import sys
    from index.articles import Article
    from index.build import Builder
    from index.embedding import Embedder

    index_dir, start = sys.argv[1], int(sys.argv[2])
    builder = Builder(index_dir, Embedder())
    for n in range(start, start + 1000):
        text = f"Report {n}: the council of town {n % 13} approved {n * 7} dollars for roads."
        builder.add_articles([
            Article(id=f"a-{n}", title=f"Town {n % 13} report", text=text),
            Article(id=f"a-{n - 3}", title=f"Town {n % 13} update", text=text + " Updated."),
        ])
        if n % 4 == 0:
            builder.remove([f"a-{n - 6}"])
        print("committed", n, flush=True)
    """
)


@pytest.mark.slow
def test_a_writer_killed_at_random_moments_leaves_a_consistent_index_and_the_next_recovers(
    tmp_path, embedder
):
    index_dir = tmp_path / "index"
    Builder(index_dir, embedder).add_articles([article(n) for n in range(5)])
    # The driver's builder merges inline (a tier of 10 small segments fills up every 10 adds).
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    rng = random.Random(20261130)
    start = 100
    for _round in range(4):
        log = tmp_path / f"driver-{_round}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "-c", DRIVER, str(index_dir), str(start)],
                cwd=REPO,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            try:
                # Past the model load (a few seconds), then anywhere in a commit or a merge.
                deadline = time.monotonic() + 240
                while "committed" not in log.read_text():
                    assert process.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, "the driver never committed"
                    time.sleep(0.05)
                time.sleep(rng.uniform(0.0, 3.0))
                os.kill(process.pid, signal.SIGKILL)
                assert process.wait() == -signal.SIGKILL
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        committed = [
            int(line.split()[1])
            for line in log.read_text().split("\n")
            if line.startswith("committed ")
        ]
        first, newest = committed[0], committed[-1]
        start = newest + 10
        view = assert_consistent(index_dir)
        # Everything reported committed is there, in its newest version, and what was removed
        # is gone.
        rows = view.article_rows_by_id([f"a-{newest}", f"a-{newest - 3}"])
        assert f"a-{newest}" in rows, f"a-{newest} was committed but is not live"
        assert view.article_text(rows[f"a-{newest - 3}"]).endswith("Updated.")
        removed = newest - newest % 4
        if removed >= first:
            assert view.article_rows_by_id([f"a-{removed - 6}"]) == {}
    # The next writer clears what the killed ones left and carries on.
    summary = Builder(index_dir, embedder).add_articles([article(99)])
    assert summary.added == 1
    assert not list((index_dir / "segments").glob("*.tmp-*"))
    assert not list(index_dir.glob("gen-*.tmp-*"))
    view = assert_consistent(index_dir)
    generations = sorted(p.name for p in index_dir.glob("gen-*"))
    assert len(generations) <= 2
    listed = set()
    for name in generations:
        listed |= {
            s["name"]
            for s in json.loads((index_dir / name / "manifest.json").read_text())["segments"]
        }
    assert {p.name for p in (index_dir / "segments").iterdir()} == listed
    engine = Engine(index_dir, embedder=embedder, background_merge=False)
    assert engine.search("council town roads dollars", k=3)
    assert view.manifest.articles == len(live_ids(view))
