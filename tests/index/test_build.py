"""Building and updating indexes with the real model: incremental re-ingest, pruning, duplicates,
bad input, the manifest, model checks, atomic generations, killed and concurrent builds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from index.articles import Article
from index.build import Builder, BuildSummary
from index.engine import Engine
from index.errors import BuildInProgressError, IndexMismatchError, IndexNotFoundError
from index.store import Generation, IndexDirectory

REPO = Path(__file__).resolve().parents[2]

# One short sentence each: this machine embeds slowly, and a sentence is all these tests need.
RATES = "The Federal Reserve cut its benchmark interest rate by a quarter point on Wednesday."
STRIKE = "Dockworkers walked off the job at every East Coast port after contract talks collapsed."
PARK = "The city council voted to turn the abandoned rail yard into a riverside park."
OUTAGE = "A chat app outage left gaming communities unable to talk for three hours."
VOLCANO = "A volcano erupted in Iceland, sending lava toward the evacuated town of Grindavik."


def build(index_dir: Path, embedder, *paths: Path, **options) -> BuildSummary:
    return Builder(index_dir, embedder).build(list(paths), **options)


def stored_ids(index_dir: Path) -> set[str]:
    """Ids of the live articles that have their own chunks in the live generation."""
    generation = Generation(IndexDirectory(index_dir).current())
    live = live_chunks(generation)
    rows = {chunk.article_row for chunk in live}
    return {a.id for a in generation.articles(rows).values()}


def live_chunks(generation) -> list:
    """Every live (not tombstoned) chunk of a snapshot."""
    positions = np.arange(len(generation.chunk_article))
    if generation.live is not None:
        positions = positions[generation.live]
    return list(generation.chunks(positions.tolist()).values())


def live_name(index_dir: Path) -> str:
    return (index_dir / "CURRENT").read_text().strip()


def top_id(engine: Engine, query: str) -> str:
    return engine.search(query, k=1)[0].article_id


@pytest.fixture
def collection(tmp_path: Path, write_jsonl, write_markdown, make_record) -> dict[str, Path]:
    """A JSONL file of three articles and a directory with one Markdown article."""
    wire = write_jsonl(
        tmp_path / "src" / "wire.jsonl",
        [
            make_record("rates", "Fed cuts rates", RATES, source="Reuters"),
            make_record("strike", "Port strike", STRIKE, source="AP"),
            make_record("park", "Council approves park", PARK, source="Gazette"),
        ],
    )
    outage = write_markdown(
        tmp_path / "src" / "more" / "outage.md", OUTAGE, id="outage", title="Chat app outage"
    )
    return {"wire": wire, "outage": outage, "dir": outage.parent, "root": tmp_path / "src"}


@pytest.fixture
def built(tmp_path: Path, embedder, collection) -> Path:
    """The collection, indexed (generation 1)."""
    index_dir = tmp_path / "index"
    summary = build(index_dir, embedder, collection["wire"], collection["dir"])
    assert (summary.added, summary.generation, summary.failed) == (4, 1, 0)
    return index_dir


def test_first_build_indexes_everything_and_writes_a_manifest(tmp_path, embedder, collection):
    index_dir = tmp_path / "index"
    before = datetime.now(UTC)
    summary = build(index_dir, embedder, collection["wire"], collection["dir"])
    after = datetime.now(UTC)
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (4, 0, 0, 0)
    assert summary.articles == 4 and summary.chunks == 4 and summary.embedded_chunks == 4
    assert summary.generation == 1 and summary.problems == [] and summary.failed == 0
    assert live_name(index_dir) == "gen-000001"

    manifest = json.loads((index_dir / "gen-000001" / "manifest.json").read_text())
    assert manifest["model"] == "all-MiniLM-L6-v2"
    assert manifest["dimension"] == embedder.dimension == 384
    assert manifest["chunking"]["target_tokens"] == 200
    assert manifest["chunking"]["overlap_sentences"] == 1
    assert manifest["chunking"]["max_tokens"] <= embedder.max_tokens
    assert (manifest["articles"], manifest["chunks"], manifest["duplicates"]) == (4, 4, 0)
    assert manifest["generation"] == 1
    built_at = datetime.fromisoformat(manifest["built_at"])
    assert built_at.tzinfo is not None and before <= built_at <= after

    stats = Engine(index_dir, embedder=embedder).stats()
    assert (stats.articles, stats.chunks, stats.model) == (4, 4, "all-MiniLM-L6-v2")
    assert {s.name for s in stats.sources} == {"Reuters", "AP", "Gazette", "(unknown outlet)"}


def test_rebuilding_unchanged_articles_embeds_and_writes_nothing(built, embedder, collection):
    summary = build(built, embedder, collection["wire"], collection["dir"], prune=True)
    assert summary.unchanged == 4
    assert (summary.added, summary.updated, summary.removed, summary.embedded_chunks) == (
        0,
        0,
        0,
        0,
    )
    assert summary.generation is None  # nothing written
    assert summary.articles == 4 and summary.chunks == 4
    assert live_name(built) == "gen-000001"
    assert [p.name for p in IndexDirectory(built).generations()] == ["gen-000001"]


def test_a_changed_article_is_re_embedded_and_the_others_reused(
    built, embedder, collection, write_jsonl, make_record
):
    first = Generation(built / "gen-000001")
    old_vectors = {
        a: first.segments[0].vectors._index.reconstruct(int(p))
        for p, a in enumerate(first.chunk_article.tolist())
    }
    old_rows = first.article_rows_by_id(["rates", "park", "outage"])
    write_jsonl(
        collection["wire"],
        [
            make_record("rates", "Fed cuts rates", RATES, source="Reuters"),
            make_record("strike", "Port strike", VOLCANO, source="AP"),  # new text
            make_record("park", "Council approves park", PARK, source="Gazette"),
        ],
    )
    summary = build(built, embedder, collection["wire"], collection["dir"])
    assert (summary.updated, summary.unchanged, summary.added, summary.removed) == (1, 3, 0, 0)
    assert summary.embedded_chunks == 1 and summary.generation == 2
    assert live_name(built) == "gen-000002"

    # The unchanged articles stay where they were: the first segment, untouched, gains a
    # tombstone for the old 'strike'; a new segment holds only the new 'strike'.
    second = Generation(built / "gen-000002")
    assert second.segments[0].name == first.segments[0].name
    assert len(second.segments) == 2 and second.segments[1].meta.articles == 1
    assert second.manifest.segments[0]["deleted"] == [
        first.article_rows_by_id(["strike"])["strike"]
    ]
    new_rows = second.article_rows_by_id(["rates", "park", "outage", "strike"])
    for article_id in ("rates", "park", "outage"):
        assert new_rows[article_id] == old_rows[article_id]
        position = int(np.flatnonzero(second.chunk_article == new_rows[article_id])[0])
        assert np.array_equal(
            second.segments[0].vectors._index.reconstruct(position),
            old_vectors[old_rows[article_id]],
        )

    engine = Engine(built, embedder=embedder)
    assert top_id(engine, "volcano eruption lava Iceland") == "strike"
    texts = [chunk.text for chunk in live_chunks(engine.generation)]
    assert len(texts) == 4 and not any("Dockworkers" in text for text in texts)
    assert engine.search("Dockworkers walked off the job", k=5, mode="keyword") == []


def test_titles_are_embedded_once_and_carried_to_the_next_generation(
    built, embedder, collection, write_jsonl, make_record
):
    first = Generation(built / "gen-000001")
    assert first.manifest.titles and first.segments[0].titles.shape == (5, embedder.dimension)
    row = first.article_rows_by_id(["park"])["park"]
    expected = embedder.encode(["Council approves park"])[0]
    assert np.allclose(first.title_vectors([row])[0], expected, atol=1e-5)
    assert not first.segments[0].titles[0].any(), "row 0 is no article"
    write_jsonl(
        collection["wire"],
        [
            make_record("rates", "Fed cuts rates", RATES, source="Reuters"),
            make_record("strike", "Volcano erupts", VOLCANO, source="AP"),  # new title and text
            make_record("park", "Council approves park", PARK, source="Gazette"),
        ],
    )
    summary = build(built, embedder, collection["wire"], collection["dir"])
    assert summary.updated == 1 and summary.embedded_chunks == 1
    second = Generation(built / "gen-000002")
    # The unchanged article's title vector is the very same row, not re-embedded.
    park = second.article_rows_by_id(["park"])["park"]
    assert np.array_equal(second.title_vectors([park]), first.title_vectors([row]))
    strike = second.article_rows_by_id(["strike"])["strike"]
    assert np.allclose(
        second.title_vectors([strike])[0], embedder.encode(["Volcano erupts"])[0], atol=1e-5
    )


def test_an_index_without_title_vectors_gains_them_on_its_next_build(built, embedder, collection):
    segment = Generation(built / "gen-000001").segments[0]
    meta_path = segment.path / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["titles"] = False  # as a segment from before the title signal reads
    meta_path.write_text(json.dumps(meta))
    assert Generation(built / "gen-000001").titles is None

    summary = build(built, embedder, collection["wire"], collection["dir"])
    assert summary.generation == 2 and summary.embedded_chunks == 0
    assert Generation(built / "gen-000002").titles is not None


def test_prune_removes_articles_whose_source_disappeared(built, embedder, collection):
    collection["outage"].unlink()
    kept = build(built, embedder, collection["wire"], collection["dir"])  # no prune: kept
    assert kept.removed == 0 and kept.generation is None
    assert "outage" in stored_ids(built)

    summary = build(built, embedder, collection["wire"], collection["dir"], prune=True)
    assert summary.removed == 1 and summary.unchanged == 3 and summary.embedded_chunks == 0
    assert stored_ids(built) == {"rates", "strike", "park"}


def test_prune_leaves_files_elsewhere_while_they_exist_and_articles_from_no_file(
    built, embedder, collection
):
    """A build of the directory alone reads the wire file no more: its articles stay while it
    exists, and go once it is deleted. Articles added from a feed or page (a URL as origin)
    or with no origin are no file's: no prune removes them."""
    Builder(built, embedder).add_articles(
        [
            Article(
                id="feed-volcano",
                title="Volcano erupts",
                text=VOLCANO,
                url="https://news.example/volcano",
                origin="https://news.example/volcano",
                origin_path="https://news.example/volcano",
                partial=True,
            ),
            Article(id="loose", title="Loose", text=STRIKE.replace("every", "one")),
        ]
    )
    summary = build(built, embedder, collection["dir"], prune=True)
    assert (summary.removed, summary.generation) == (0, None)
    assert stored_ids(built) == {"rates", "strike", "park", "outage", "feed-volcano", "loose"}

    collection["wire"].unlink()
    collection["outage"].unlink()
    summary = build(built, embedder, collection["dir"], prune=True)
    assert summary.removed == 4
    assert stored_ids(built) == {"feed-volcano", "loose"}


def test_prune_keeps_what_lies_under_a_folder_that_is_missing(built, embedder, collection):
    """An unmounted or mistyped folder is a problem reported, not a deletion of its files."""
    collection["dir"].rename(collection["dir"].with_name("elsewhere"))
    summary = build(built, embedder, collection["wire"], collection["dir"], prune=True)
    assert summary.failed == 1 and summary.removed == 0
    assert "outage" in stored_ids(built)


def test_prune_keeps_the_articles_of_a_jsonl_file_with_a_broken_line(built, embedder, collection):
    wire = collection["wire"]
    lines = wire.read_text().splitlines()
    lines[1] = lines[1][:40]  # the "strike" line is cut off mid-object
    wire.write_text("\n".join(lines) + "\n")
    summary = build(built, embedder, wire, collection["dir"], prune=True)
    assert summary.failed == 1 and summary.removed == 0
    problem = summary.problems[0]
    assert (problem.path, problem.line) == (str(wire), 2) and "invalid JSON" in problem.reason
    assert stored_ids(built) == {"rates", "strike", "park", "outage"}


def test_prune_keeps_the_articles_of_a_file_that_became_undecodable(built, embedder, collection):
    collection["outage"].write_bytes(b"---\nid: outage\n---\nA chat app \xff\xfe outage.\n")
    summary = build(built, embedder, collection["wire"], collection["dir"], prune=True)
    assert summary.failed == 1 and summary.removed == 0 and summary.generation is None
    problem = summary.problems[0]
    assert problem.path == str(collection["outage"]) and "UTF-8" in problem.reason
    assert "outage" in stored_ids(built)
    engine = Engine(built, embedder=embedder)
    assert top_id(engine, "chat app outage gamers") == "outage"


def test_prune_keeps_the_articles_of_a_moved_collection_whose_file_breaks(
    built, embedder, collection
):
    """Moving the collection is not an edit; a file that then breaks must still protect its
    articles from pruning."""
    moved = Path(shutil.move(collection["root"], collection["root"].with_name("moved")))
    wire, more = moved / "wire.jsonl", moved / "more"
    summary = build(built, embedder, wire, more, prune=True)
    assert summary.unchanged == 4 and summary.removed == 0

    lines = wire.read_text().splitlines()
    lines[1] = "{broken"
    wire.write_text("\n".join(lines) + "\n")
    summary = build(built, embedder, wire, more, prune=True)
    assert summary.failed == 1
    assert "strike" in stored_ids(built), (
        "the 'strike' article was pruned although its file could not be read: the catalog "
        "still names the file's old location as its origin"
    )


def test_exact_duplicates_are_stored_once(tmp_path, embedder, write_jsonl, make_record):
    source = write_jsonl(
        tmp_path / "a.jsonl",
        [
            make_record("b-copy", "Copy", RATES.replace(" a ", "  a\n") + "\n", source="Wire"),
            make_record("a-original", "Original", RATES, source="Reuters"),
            make_record("c-other", "Other", PARK),
        ],
    )
    index_dir = tmp_path / "index"
    summary = build(index_dir, embedder, source)
    assert summary.duplicates == 1 and summary.articles == 2
    assert summary.chunks == 2 and summary.embedded_chunks == 2

    engine = Engine(index_dir, embedder=embedder)
    rows = engine.generation.article_rows_by_id(["a-original", "b-copy", "c-other"])
    assert rows["a-original"] == rows["b-copy"] != rows["c-other"]
    hits = engine.search("Federal Reserve interest rate cut", k=5)
    assert hits[0].article_id == "a-original"
    assert "b-copy" not in {h.article_id for h in hits}
    assert engine.stats().duplicates == 1 and engine.stats().articles == 2

    again = build(index_dir, embedder, source)
    assert again.unchanged == 3 and again.generation is None and again.duplicates == 1


def test_removing_the_stored_copy_of_a_duplicate_keeps_the_other(
    tmp_path, embedder, write_jsonl, make_record
):
    original = make_record("a-original", "Original", RATES)
    copy = make_record("b-copy", "Copy", RATES + "\n")
    source = write_jsonl(tmp_path / "a.jsonl", [original, copy])
    index_dir = tmp_path / "index"
    assert build(index_dir, embedder, source).duplicates == 1

    write_jsonl(source, [copy])
    summary = build(index_dir, embedder, source, prune=True)
    assert summary.removed == 1 and summary.articles == 1 and summary.duplicates == 0
    assert summary.embedded_chunks == 1  # the copy now needs vectors of its own
    engine = Engine(index_dir, embedder=embedder)
    assert top_id(engine, "interest rate cut") == "b-copy"


def test_bad_input_is_reported_and_counted_while_the_rest_is_indexed(
    tmp_path, embedder, write_jsonl, write_markdown, make_record
):
    wire = write_jsonl(
        tmp_path / "src" / "wire.jsonl",
        [make_record("rates", "Fed cuts rates", RATES), {"id": "x", "title": "No text"}],
    )
    with wire.open("a") as handle:
        handle.write('{"id": "broken", "title": "Cut off\n')
        handle.write(json.dumps(make_record("strike", "Port strike", STRIKE)) + "\n")
    bad_front = tmp_path / "src" / "bad.md"
    bad_front.write_text("---\ntitle: [unclosed\n---\nSome text.\n")
    write_markdown(tmp_path / "src" / "good.md", PARK, id="park", title="Park")
    missing = tmp_path / "nowhere.jsonl"

    index_dir = tmp_path / "index"
    summary = build(index_dir, embedder, tmp_path / "src", missing)
    assert summary.added == 3 and summary.articles == 3
    assert summary.failed == 4 == len(summary.problems)
    found = {(p.path, p.line): p.reason for p in summary.problems}
    assert found.keys() == {
        (str(wire), 2),
        (str(wire), 3),
        (str(bad_front), 3),
        (str(missing), None),
    }
    assert "missing text" in found[str(wire), 2]
    assert "invalid JSON" in found[str(wire), 3]
    # The unclosed list is noticed where the front matter ends; the reason says where it began.
    assert "YAML" in found[str(bad_front), 3] and "line 2" in found[str(bad_front), 3]
    assert "no such file" in found[str(missing), None]
    assert f"{wire}:2: missing text" in [str(p) for p in summary.problems]
    assert summary.as_dict()["problems"] == [str(p) for p in summary.problems]
    assert stored_ids(index_dir) == {"rates", "strike", "park"}


def test_a_build_of_only_bad_input_leaves_no_usable_index(tmp_path, embedder):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    index_dir = tmp_path / "index"
    summary = build(index_dir, embedder, bad)
    assert summary.failed == 1 and summary.articles == 0
    with pytest.raises(IndexNotFoundError, match="python -m index build"):
        Engine(index_dir, embedder=embedder)


def test_removing_articles_by_id(built, embedder):
    summary = Builder(built, embedder).remove(["strike", "no-such-id"])
    assert summary.removed == 1 and summary.articles == 3 and summary.embedded_chunks == 0
    assert summary.failed == 1 and "no-such-id" in summary.problems[0].reason
    assert stored_ids(built) == {"rates", "park", "outage"}


def test_an_index_built_with_another_model_is_refused(built, embedder):
    manifest_path = built / live_name(built) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**manifest, "model": "intfloat/e5-large-v2"}))
    with pytest.raises(IndexMismatchError) as raised:
        Engine(built, embedder=embedder)
    assert "intfloat/e5-large-v2" in str(raised.value)
    assert "all-MiniLM-L6-v2" in str(raised.value)

    manifest_path.write_text(json.dumps({**manifest, "dimension": 768}))
    with pytest.raises(IndexMismatchError, match="768"):
        Engine(built, embedder=embedder)


def test_a_build_after_a_model_change_re_embeds_everything(built, embedder, collection):
    manifest_path = built / live_name(built) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**manifest, "model": "intfloat/e5-large-v2"}))
    summary = build(built, embedder, collection["wire"], collection["dir"])
    assert summary.generation == 2 and summary.embedded_chunks == 4
    assert Engine(built, embedder=embedder).stats().model == "all-MiniLM-L6-v2"


def test_a_missing_or_empty_index_says_how_to_build(tmp_path, embedder):
    for index_dir in (tmp_path / "never-built", tmp_path):
        with pytest.raises(IndexNotFoundError) as raised:
            Engine(index_dir, embedder=embedder)
        message = str(raised.value)
        assert str(index_dir) in message
        assert f"python -m index build PATH... --index {index_dir}" in message


def test_an_empty_engine_can_be_built_into(tmp_path, embedder, collection):
    engine = Engine(tmp_path / "index", embedder=embedder, require_index=False)
    with pytest.raises(IndexNotFoundError):
        engine.search("interest rates")
    summary = engine.build([collection["wire"]])
    assert summary.added == 3
    assert top_id(engine, "interest rates") == "rates"


def test_a_reader_keeps_its_generation_until_refresh(built, embedder, collection, write_markdown):
    engine = Engine(built, embedder=embedder)
    query = "volcano lava eruption Iceland"
    before = [(h.article_id, h.score) for h in engine.search(query)]

    write_markdown(collection["dir"] / "volcano.md", VOLCANO, id="volcano", title="Eruption")
    summary = build(built, embedder, collection["wire"], collection["dir"])
    assert summary.added == 1 and live_name(built) == "gen-000002"

    assert engine.generation.manifest.generation == 1
    assert [(h.article_id, h.score) for h in engine.search(query)] == before
    assert engine.stats().articles == 4

    assert engine.refresh() is True
    assert engine.generation.manifest.generation == 2
    assert top_id(engine, query) == "volcano"
    assert engine.refresh() is False  # already on the newest


def test_a_reader_keeps_answering_after_its_generation_is_deleted(
    built, embedder, collection, write_markdown
):
    engine = Engine(built, embedder=embedder)
    for n, text in enumerate((VOLCANO, "Scientists found water ice in a crater on the Moon.")):
        write_markdown(collection["dir"] / f"new{n}.md", text, id=f"new{n}", title=f"New {n}")
        build(built, embedder, collection["wire"], collection["dir"])
    assert live_name(built) == "gen-000003"
    assert not (built / "gen-000001").exists()  # only the two newest generations are kept

    hits = engine.search("port strike dockworkers")
    assert hits[0].article_id == "strike"
    passage = hits[0].passage
    assert engine.generation.article_text(hits[0].article_row)[passage.start : passage.end] == (
        passage.text
    )


def test_a_second_concurrent_build_is_refused(built, embedder, collection, write_markdown):
    write_markdown(collection["dir"] / "volcano.md", VOLCANO, id="volcano", title="Eruption")
    with IndexDirectory(built).build_lock():
        with pytest.raises(BuildInProgressError, match="another build"):
            build(built, embedder, collection["wire"], collection["dir"])
        with pytest.raises(BuildInProgressError):
            Builder(built, embedder).remove(["rates"])
    assert live_name(built) == "gen-000001"
    assert not list(built.glob("gen-*.tmp-*"))
    # Once the lock is released, building works again.
    assert build(built, embedder, collection["wire"], collection["dir"]).added == 1


@pytest.mark.slow
def test_a_killed_build_leaves_the_live_generation_and_the_next_build_recovers(
    built, embedder, tmp_path, write_jsonl, make_record
):
    big = write_jsonl(
        tmp_path / "big.jsonl",
        [
            make_record(
                f"town-{n}",
                f"Town {n} budget",
                f"The council of town {n} approved {n * 1000 + 7} dollars for road repairs.",
            )
            for n in range(150)
        ],
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    output = tmp_path / "build.log"
    log = output.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "index", "build", str(big), "--index", str(built)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 300  # a guard against hanging, not a timing assertion
        while not list(built.glob("segments/*.tmp-*")):
            if process.poll() is not None:
                pytest.fail(f"the build ended before it could be killed:\n{output.read_text()}")
            assert time.monotonic() < deadline, "the build never started a generation"
            time.sleep(0.005)
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait() == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()

    assert list(built.glob("segments/*.tmp-*")), "the killed build's scratch is expected"
    assert live_name(built) == "gen-000001"
    engine = Engine(built, embedder=embedder)
    assert engine.stats().articles == 4
    assert top_id(engine, "dockworkers port strike") == "strike"

    summary = build(built, embedder, big)
    assert summary.added == 150 and summary.generation == 2
    assert not list(built.glob("segments/*.tmp-*")), "the next build must clear the leftovers"
    assert live_name(built) == "gen-000002"
    assert engine.refresh() is True
    assert engine.stats().articles == 154
    assert top_id(engine, "road repairs in town 42") == "town-42"


def test_loaded_articles_are_added_updated_or_left_alone(built, embedder):
    from index.articles import Article

    engine = Engine(built, embedder=embedder)
    fresh = Article(id="volcano", title="Volcano erupts", text=VOLCANO, source="RÚV")
    same = Article(id="rates", title="Fed cuts rates", text=RATES, source="Reuters")
    summary = engine.add_articles([fresh, same])
    # The same content under the same id is left alone; nothing absent is pruned.
    assert (summary.added, summary.updated, summary.unchanged, summary.removed) == (1, 0, 1, 0)
    assert summary.articles == 5
    assert top_id(engine, "volcano eruption lava Iceland") == "volcano"
    again = engine.add_articles([fresh])
    assert again.generation is None and again.unchanged == 1
