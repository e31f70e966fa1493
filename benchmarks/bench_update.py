"""What an update costs: adding 10 articles to the 80,192-chunk RealTimeQA index.

Run: ``python benchmarks/bench_update.py [--source .cache/ix/rtqa5000] [--repeats 3]``.

The index. ``--source`` (the full RealTimeQA index, 5,000 articles, 80,192 chunks) is copied once
into ``<workdir>/base`` and brought to the current format by one build that adds nothing: a
format-1 generation is migrated (its files hard-linked into one segment, keyword postings
computed from the chunk texts; nothing re-embedded) and quotations from an older extractor are
extracted again. That copy is cached (``--rebuild`` to redo it); its one-time cost is printed.
The source is never modified.

Each repeat works on its own copy of the base (hard links: segments are immutable) in a fresh
child process, as the bot would: the model is loaded, an ``Engine`` opened (background merges
off, so an update's own cost is measured), then ``--updates`` times:

- the floor: the model alone encoding what the update must embed (the articles' chunks, as the
  builder chunks and prefixes them; and, reported apart, their titles and quotations' sentences),
  timed before and after the update and averaged (a busy machine slows both alike);
- the update: ``engine.add_articles(batch)``, wall time, from the call to the new generation
  being served by the engine (load, diff against the store, chunk, embed, write one segment,
  commit, refresh); memory as the peak resident set size during the call (``VmHWM``, reset just
  before through ``/proc/self/clear_refs``) minus the resident size before it.

The new articles are BBC articles (``--new``; none is in the RealTimeQA index). Then, on the
same copy: search latency with the base and the update segments (1 + updates segments) and
after merging everything into one segment, and the cost of that merge, which rewrites the whole
collection as every update did before segments (the baseline, measured in the same run).

Targets: update - floor (chunks) <= 2 s; peak memory during the update <= 200 MB more.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

TARGET_SECONDS = 2.0
TARGET_MB = 200.0
MARKER = "bench_update_source.json"


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def peak_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def read_jsonl(path: Path, limit: int | None = None, offset: int = 0) -> list[dict]:
    found = []
    with open(path) as lines:
        for n, line in enumerate(lines):
            if n < offset or not line.strip():
                continue
            found.append(json.loads(line))
            if limit is not None and len(found) == limit:
                break
    return found


# --------------------------------------------------------------------------- the base index


def prepare(source: Path, base: Path) -> dict:
    """Copy ``source`` and bring it to the current format (in this, a child process)."""
    from index.build import Builder
    from index.embedding import Embedder
    from index.segmented import EmbeddedStore, Snapshot

    scratch = base.with_name(base.name + ".tmp")
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(source, scratch)
    started = time.perf_counter()
    store = EmbeddedStore(scratch)
    with store.writer():
        pass  # opening the writer migrates a format-1 generation
    migrated = time.perf_counter() - started
    embedder = Embedder()
    started = time.perf_counter()
    from index.chunking import ChunkingParams
    from index.store import IndexDirectory, Manifest

    manifest = Manifest.read(IndexDirectory(scratch).current() / "manifest.json")
    params = ChunkingParams(**manifest.chunking)  # the index's own: others re-embed everything
    builder = Builder(scratch, embedder, params, manifest.index_type, merge=False)
    builder.add_articles([])  # quotations, titles if outdated
    upgraded = time.perf_counter() - started
    shutil.rmtree(base, ignore_errors=True)
    os.replace(scratch, base)
    manifest = Snapshot.open_current(base).manifest
    return {
        "migrate_seconds": round(migrated, 1),
        "upgrade_seconds": round(upgraded, 1),
        "articles": manifest.articles,
        "chunks": manifest.chunks,
    }


def source_description(source: Path) -> dict:
    current = (source / "CURRENT").read_text().strip()
    manifest = json.loads((source / current / "manifest.json").read_text())
    return {
        "source": str(source.resolve()),
        "generation": current,
        "built_at": manifest["built_at"],
    }


# --------------------------------------------------------------------------- one measured run


def measure(run_dir: Path, new: Path, offset: int, batch: int, updates: int, queries: list[str]):
    import numpy as np

    from index.articles import Article
    from index.chunking import Chunker, embedding_text
    from index.embedding import Embedder
    from index.engine import Engine
    from index.quote_index import extract

    embedder = Embedder()
    engine = Engine(run_dir, embedder=embedder, background_merge=False)
    builder = engine.builder()
    params = builder._effective_params()
    chunker = Chunker(embedder.count_tokens, params)
    records = read_jsonl(new, batch * updates, offset)
    articles = [
        Article(id=r["id"], title=r["title"], text=r["text"], source="BBC") for r in records
    ]
    embedder.encode(["warm up the model"])
    engine.search("warm up the search", k=5)

    def floor(group: list[Article]) -> tuple[float, float, int]:
        texts, others = [], []
        for article in group:
            title = builder._clip_title(article.title)
            for chunks in chunker.chunk_many([article.text]):
                texts += [embedding_text(title, c.text, params.prepend_title) for c in chunks]
            others.append(article.title)
            others += [q.context(article.text) for q in extract(article.text)]
        started = time.perf_counter()
        embedder.encode(texts)
        middle = time.perf_counter()
        embedder.encode(others)
        return middle - started, time.perf_counter() - middle, len(texts)

    rows = []
    for u in range(updates):
        group = articles[u * batch : (u + 1) * batch]
        before_chunks, before_other, chunks = floor(group)
        rss_before = rss_mb()
        reset_peak()
        started = time.perf_counter()
        summary = engine.add_articles(group)
        seconds = time.perf_counter() - started
        peak = peak_mb()
        rss_after = rss_mb()
        after_chunks, after_other, _ = floor(group)
        assert summary.added == len(group), summary
        rows.append(
            {
                "update_seconds": seconds,
                "floor_chunks": (before_chunks + after_chunks) / 2,
                "floor_other": (before_other + after_other) / 2,
                "chunks": chunks,
                "embedded_chunks": summary.embedded_chunks,
                "peak_mb": peak - rss_before,
                "kept_mb": rss_after - rss_before,
                "segments": len(engine.generation.segments),
                "articles": engine.generation.manifest.articles,
                "live_chunks": engine.generation.manifest.chunks,
            }
        )

    def latency() -> float:
        times = []
        for query in queries:
            started = time.perf_counter()
            engine.search(query, k=5)
            times.append(time.perf_counter() - started)
        return float(np.percentile(times, 50))

    segmented = latency()
    rss_before = rss_mb()
    reset_peak()
    started = time.perf_counter()
    merged = engine.merge(everything=True)
    merge_seconds = time.perf_counter() - started
    merge_peak = peak_mb() - rss_before
    whole = latency()
    return {
        "updates": rows,
        "search_p50_segmented": segmented,
        "search_p50_merged": whole,
        "segments_before_merge": rows[-1]["segments"] if rows else 1,
        "merge_seconds": merge_seconds,
        "merge_peak_mb": merge_peak,
        "merged": len(merged),
    }


# --------------------------------------------------------------------------- the table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO / ".cache/ix/rtqa5000")
    parser.add_argument("--workdir", type=Path, default=REPO / ".cache/bench/update")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--new", type=Path, default=None, help="JSONL of articles to add")
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--updates", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--rebuild", action="store_true", help="prepare the base copy again")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    new = args.new or args.shared / "eval/bbc/articles.jsonl"
    if args.prepare:
        print(json.dumps(prepare(args.source, args.prepare)))
        return 0
    if args.measure:
        questions = [r["question"] for r in read_jsonl(args.shared / "eval/bbc/questions.jsonl")]
        questions += [
            r["question"] for r in read_jsonl(args.shared / "eval/realtimeqa/questions.jsonl")
        ]
        queries = questions[:: max(1, len(questions) // args.queries)][: args.queries]
        result = measure(args.measure, new, args.offset, args.batch, args.updates, queries)
        print(json.dumps(result))
        return 0

    base = args.workdir / "base"
    wanted = source_description(args.source)
    marker = args.workdir / MARKER
    cached = (
        not args.rebuild
        and base.is_dir()
        and marker.exists()
        and json.loads(marker.read_text()).get("source") == wanted
    )
    print(f"bench_update: {args.source} -> {base} ({'cached' if cached else 'preparing'})")
    if not cached:
        args.workdir.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(
            [sys.executable, __file__, "--source", str(args.source), "--prepare", str(base)],
            check=True,
            capture_output=True,
            text=True,
        )
        prepared = json.loads(out.stdout.strip().splitlines()[-1])
        marker.write_text(json.dumps({"source": wanted, "prepared": prepared}, indent=2))
    prepared = json.loads(marker.read_text())["prepared"]
    print(
        f"base: {prepared['articles']:,} articles, {prepared['chunks']:,} chunks; one-time "
        f"migration of the format-1 generation {prepared['migrate_seconds']} s (no embedding), "
        f"quotation re-extraction {prepared['upgrade_seconds']} s"
    )
    if args.repeats == 0:
        return 0
    load = os.getloadavg()[0]
    runs = []
    for repeat in range(args.repeats):
        run_dir = args.workdir / f"run-{repeat}"
        shutil.rmtree(run_dir, ignore_errors=True)
        shutil.copytree(base, run_dir, copy_function=os.link)
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                str(run_dir),
                "--new",
                str(new),
                "--shared",
                str(args.shared),
                "--offset",
                str(repeat * args.batch * args.updates),
                "--batch",
                str(args.batch),
                "--updates",
                str(args.updates),
                "--queries",
                str(args.queries),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        shutil.rmtree(run_dir, ignore_errors=True)

    updates = [row for run in runs for row in run["updates"]]

    def med(key: str) -> float:
        return statistics.median(row[key] for row in updates)

    def worst(key: str) -> float:
        return max(row[key] for row in updates)

    overhead = [row["update_seconds"] - row["floor_chunks"] for row in updates]
    overhead_all = [
        row["update_seconds"] - row["floor_chunks"] - row["floor_other"] for row in updates
    ]
    print()
    print(
        f"{len(updates)} updates of {args.batch} BBC articles ({args.repeats} runs x "
        f"{args.updates}, each run on a fresh copy, in a fresh process; "
        f"{updates[0]['live_chunks'] - updates[0]['chunks']:,} chunks before the first)"
    )
    print()
    print(f"{'measure':<58} {'median':>9} {'worst':>9}  target")
    print("-" * 90)
    lines = [
        (
            "chunks embedded per update",
            med("embedded_chunks"),
            worst("embedded_chunks"),
            "",
            "{:.0f}",
        ),
        (
            "update: engine.add_articles(10), wall (s)",
            med("update_seconds"),
            worst("update_seconds"),
            "",
            "{:.2f}",
        ),
        (
            "floor: encode their chunks (s)",
            med("floor_chunks"),
            worst("floor_chunks"),
            "",
            "{:.2f}",
        ),
        (
            "  encode their titles and quotations' sentences (s)",
            med("floor_other"),
            worst("floor_other"),
            "",
            "{:.2f}",
        ),
        (
            "update - floor (chunks) (s)",
            statistics.median(overhead),
            max(overhead),
            f"<= {TARGET_SECONDS}",
            "{:.2f}",
        ),
        (
            "update - all embedding (s)",
            statistics.median(overhead_all),
            max(overhead_all),
            "",
            "{:.2f}",
        ),
        (
            "peak RSS during the update - before (MB)",
            med("peak_mb"),
            worst("peak_mb"),
            f"<= {TARGET_MB:.0f}",
            "{:.0f}",
        ),
        ("RSS after the update - before (MB)", med("kept_mb"), worst("kept_mb"), "", "{:.0f}"),
    ]
    for label, middle, high, target, form in lines:
        verdict = ""
        if target.startswith("<="):
            limit = float(target.split()[1])
            verdict = "PASS" if high <= limit else ("PASS (median)" if middle <= limit else "FAIL")
        print(f"{label:<58} {form.format(middle):>9} {form.format(high):>9}  {target} {verdict}")
    print()
    merge_s = statistics.median(r["merge_seconds"] for r in runs)
    merge_mb = statistics.median(r["merge_peak_mb"] for r in runs)
    label = "baseline: rewrite the whole collection (merge all), s / MB"
    print(f"{label:<58} {merge_s:>9.1f} {merge_mb:>9.0f}")
    print(f"{'  update / baseline (time)':<58} {med('update_seconds') / merge_s:>9.3f}")
    segmented = statistics.median(r["search_p50_segmented"] for r in runs) * 1000
    merged = statistics.median(r["search_p50_merged"] for r in runs) * 1000
    label = f"search p50, {runs[0]['segments_before_merge']} segments / after merging (ms)"
    print(f"{label:<58} {segmented:>9.1f} {merged:>9.1f}")
    print(
        f"note: 1-minute load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the "
        f"end ({os.cpu_count()} cores)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
