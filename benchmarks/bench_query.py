"""Query latency and memory on a 100,000-chunk index, against a floor measured in the same run.

Run: ``python benchmarks/bench_query.py [--source .cache/ix/rtqa5000] [--queries 200]``.

The benchmark index. Embedding 100k fresh chunks takes ~2 h on a 2-core CPU, so the index is
constructed from a real one (default: the full RealTimeQA index, ~50k chunks of 5,000 articles,
built with ``python -m index``) and cached in ``.cache/bench/index100k`` (rebuilt only if missing,
if the source changed, or with ``--rebuild``). It is written as a format-1 generation
(``CURRENT`` -> ``gen-000001/`` with ``manifest.json``, ``catalog.sqlite``, ``vectors.npy``,
``vectors.faiss``, ``keyword/``) and then migrated by the store, as any index of that format
is on its next build, into the segmented layout (one segment, ``gen-000002``); it holds every
source article twice: the copy's id is the
original's plus ``#copy`` and its chunks are placed after all the originals'; its vectors are the
original's plus Gaussian noise (sigma 0.01, re-normalised), so FAISS scans 100k distinct vectors.
If one copy of everything is not enough, further copies (``#copy2``, ...) are added article by
article until there are at least ``--min-chunks`` chunks. BM25 is built over all chunk texts.
Copies share their original's text, so search's near-duplicate collapse removes them from the
results, as it would a wire story republished by another outlet.

Measured, interleaved per query (search, floor, keyword, ask, rotating who goes first) over
~200 realistic queries (the RealTimeQA questions, cycled, and BBC headlines):

- ``engine.search(q, k=5)``: the full hybrid search;
- the floor: one ``embedder.encode_query(q)`` + one exact FAISS search (a separate
  ``faiss.IndexFlatIP`` over the same vectors, k=100, 1 OpenMP thread); target: search p50
  <= 1.5 x floor p50;
- BM25 alone (``generation.keywords.search(q, 100)``: collection-wide statistics over the
  segments' postings), for the breakdown;
- ``engine.ask(q)``, if the engine has ``ask`` (else n/a);
- memory: resident set size after opening the engine minus before (model already loaded),
  total RSS, and the generation's size on disk.

``--torch-threads N`` sets ``torch.set_num_threads`` first (default: torch's, i.e. the cores).
With ``--profile`` (or automatically when the search target fails) 50 searches run under
cProfile and the top functions are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

TARGET_RATIO = 1.5
SIGMA = 0.01
SEED = 20261127
GENERATION = "gen-000001"
MARKER = "bench_source.json"


# --------------------------------------------------------------------------- index construction


def source_description(source: Path) -> dict:
    from index.store import IndexDirectory

    live = IndexDirectory(source).current()
    if live is None:
        raise SystemExit(f"error: no live generation in {source} (is its build finished?)")
    manifest = json.loads((live / "manifest.json").read_text())
    return {
        "source": str(live.resolve()),
        "source_built_at": manifest.get("built_at"),
        "source_chunks": manifest.get("chunks"),
        "sigma": SIGMA,
        "seed": SEED,
    }


def cached(out: Path, wanted: dict, min_chunks: int) -> bool:
    try:
        marker = json.loads((out / MARKER).read_text())
        current = (out / "CURRENT").read_text().strip()
        manifest = json.loads((out / current / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    return (
        manifest.get("format", 1) >= 2
        and {k: marker.get(k) for k in wanted} == wanted
        and manifest.get("chunks", 0) >= min_chunks
    )


def construct(source: Path, out: Path, min_chunks: int) -> None:
    """Write the benchmark index (see the module docstring); runs in a child process."""
    from index.chunking import ChunkingParams, embedding_text
    from index.embedding import Embedder
    from index.keyword import KeywordIndex
    from index.store import SCHEMA, IndexDirectory, connect, utc_now
    from index.vectors import VectorIndex

    started = time.perf_counter()
    description = source_description(source)
    live = IndexDirectory(source).current()
    manifest = json.loads((live / "manifest.json").read_text())
    if manifest.get("format", 1) >= 2:  # a segmented source: its one segment
        (segment,) = manifest["segments"]
        if segment["deleted"]:
            raise SystemExit(f"error: merge {source} into one segment first")
        live = source / "segments" / segment["name"]
    db = connect(live / "catalog.sqlite", readonly=True)
    articles = [dict(r) for r in db.execute("SELECT * FROM articles ORDER BY row")]
    chunks = [dict(r) for r in db.execute("SELECT * FROM chunks ORDER BY position")]
    db.close()
    vectors = np.load(live / "vectors.npy")
    if not chunks or len(vectors) != len(chunks):
        raise SystemExit(f"error: {live} has {len(chunks)} chunks and {len(vectors)} vectors")

    by_article: dict[int, list[dict]] = {}
    for chunk in chunks:
        by_article.setdefault(chunk["article_row"], []).append(chunk)
    for group in by_article.values():
        group.sort(key=lambda c: c["ordinal"])
    max_row = max(a["row"] for a in articles)

    # Copy rounds: every article once ("#copy"), then more ("#copy2", ...) only if still short.
    plan: list[tuple[int, dict]] = []  # (round, article)
    total = len(chunks)
    round_number = 0
    while round_number == 0 or total < min_chunks:
        round_number += 1
        for article in articles:
            if round_number > 1 and total >= min_chunks:
                break
            plan.append((round_number, article))
            total += len(by_article.get(article["row"], []))

    def suffix(number: int) -> str:
        return "#copy" if number == 1 else f"#copy{number}"

    chunking = ChunkingParams(**manifest["chunking"])
    embedder = Embedder(manifest["model"])  # tokenizer only: titles are clipped like the builder
    titles: dict[int, str] = {}
    for article in articles:
        title = article["title"]
        if chunking.prepend_title:
            title = embedder.clip(title, chunking.max_title_tokens)
        titles[article["row"]] = title

    new_articles = list(articles)
    new_chunks = list(chunks)
    texts = [
        embedding_text(titles[c["article_row"]], c["text"], chunking.prepend_title) for c in chunks
    ]
    rng = np.random.default_rng(SEED)
    sources: list[np.ndarray] = []
    position = len(chunks)
    for number, article in plan:
        offset = number * max_row
        copy = dict(article)
        copy["row"] = article["row"] + offset
        copy["id"] = article["id"] + suffix(number)
        if article["duplicate_of"]:
            copy["duplicate_of"] = article["duplicate_of"] + suffix(number)
        new_articles.append(copy)
        group = by_article.get(article["row"], [])
        for chunk in group:
            moved = dict(chunk)
            moved["position"] = position
            moved["article_row"] = copy["row"]
            new_chunks.append(moved)
            texts.append(texts[chunk["position"]])
            position += 1
        if group:
            sources.append(np.array([c["position"] for c in group], dtype=np.int64))
    copied = vectors[np.concatenate(sources)] if sources else vectors[:0]
    noisy = copied + rng.normal(0.0, SIGMA, size=copied.shape).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    all_vectors = np.ascontiguousarray(np.concatenate([vectors, noisy]), dtype=np.float32)
    assert len(all_vectors) == len(new_chunks) == len(texts) == position

    if out.exists():
        shutil.rmtree(out)
    scratch = out / f"{GENERATION}.tmp-{os.getpid()}"
    scratch.mkdir(parents=True)
    catalog = sqlite3.connect(scratch / "catalog.sqlite")
    catalog.executescript(SCHEMA)
    columns = list(articles[0])
    catalog.executemany(
        f"INSERT INTO articles ({','.join(columns)}) VALUES ({','.join('?' * len(columns))})",
        [tuple(a[c] for c in columns) for a in new_articles],
    )
    chunk_columns = list(chunks[0])
    catalog.executemany(
        f"INSERT INTO chunks ({','.join(chunk_columns)}) "
        f"VALUES ({','.join('?' * len(chunk_columns))})",
        [tuple(c[k] for k in chunk_columns) for c in new_chunks],
    )
    catalog.commit()
    catalog.close()
    np.save(scratch / "vectors.npy", all_vectors)
    if (live / "titles.npy").exists():  # a copy's title vector is its original's
        titles = np.load(live / "titles.npy")
        rows = np.zeros((max(a["row"] for a in new_articles) + 1, titles.shape[1]), np.float32)
        rows[: len(titles)] = titles
        for number, article in plan:
            rows[article["row"] + number * max_row] = titles[article["row"]]
        np.save(scratch / "titles.npy", rows)
    else:
        manifest["titles"] = False
    VectorIndex.build(all_vectors, manifest.get("index_type", "flat")).save(
        scratch / "vectors.faiss"
    )
    (scratch / "keyword").mkdir()
    KeywordIndex.build(texts).save(scratch / "keyword")
    canonical = sum(1 for a in new_articles if not a["duplicate_of"])
    manifest.update(
        generation=1,
        articles=canonical,
        chunks=len(new_chunks),
        duplicates=len(new_articles) - canonical,
        built_at=utc_now().isoformat(),
        build_seconds=time.perf_counter() - started,
        benchmark=(
            f"constructed by benchmarks/bench_query.py from {description['source']}: every "
            f"article twice (copy id + '#copy', chunks after the originals), copy vectors = "
            f"original + N(0, {SIGMA}) re-normalised; {round_number} copy round(s)"
        ),
    )
    (scratch / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    os.replace(scratch, out / GENERATION)
    (out / "CURRENT").write_text(GENERATION + "\n")
    from index.segmented import EmbeddedStore

    with EmbeddedStore(out).writer():
        pass  # migrates the format-1 generation into one segment (nothing re-embedded)
    description["min_chunks"] = min_chunks
    description["chunking"] = asdict(chunking)
    (out / MARKER).write_text(json.dumps(description, indent=2) + "\n")
    print(
        f"constructed {out}: {len(articles)} + {len(plan)} copied articles, {len(chunks)} + "
        f"{len(new_chunks) - len(chunks)} chunks in {time.perf_counter() - started:.0f}s",
        flush=True,
    )


# --------------------------------------------------------------------------- measurement


def read_questions(path: Path) -> list[str]:
    with open(path) as lines:
        return [json.loads(line)["question"] for line in lines if line.strip()]


def load_queries(shared: Path, count: int) -> list[tuple[str, str]]:
    rtqa = read_questions(shared / "eval/realtimeqa/questions.jsonl")
    bbc = read_questions(shared / "eval/bbc/questions.jsonl")
    n_rtqa = (count + 1) // 2
    n_bbc = count - n_rtqa
    rtqa_cycled = [rtqa[i % len(rtqa)] for i in range(n_rtqa)]
    step = max(1, len(bbc) // max(n_bbc, 1))
    bbc_spread = bbc[::step][:n_bbc]  # evenly over the file, so every category is asked
    queries: list[tuple[str, str]] = []
    for i in range(max(n_rtqa, n_bbc)):
        if i < len(rtqa_cycled):
            queries.append(("rtqa", rtqa_cycled[i]))
        if i < len(bbc_spread):
            queries.append(("bbc", bbc_spread[i]))
    return queries


def rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def mb(size: float) -> str:
    return f"{size / 2**20:,.0f} MB"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def percentiles(values: list[float]) -> tuple[float, float, float]:
    array = np.asarray(values)
    return float(np.percentile(array, 50)), float(np.percentile(array, 99)), float(array.mean())


def profile_search(engine, queries: list[str], top: int = 25) -> None:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for query in queries:
        engine.search(query, k=5)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(order)
        stats.print_stats(top)
        text = buffer.getvalue()
        start = text.find("   ncalls")
        print(f"\ncProfile of {len(queries)} searches, by {order}:")
        print(text[start:].rstrip())


def measure(args) -> int:
    import faiss
    import torch

    from index.embedding import Embedder, cpu_supports_bf16
    from index.engine import Engine
    from index.store import IndexDirectory

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    queries = load_queries(args.shared, args.queries)
    load_before = os.getloadavg()
    rss_start = rss()
    embedder = Embedder()
    rss_model = rss()
    opened = time.perf_counter()
    engine = Engine(args.out, embedder=embedder)
    open_seconds = time.perf_counter() - opened
    rss_engine = rss()
    generation = engine.generation
    live = IndexDirectory(args.out).current()
    manifest = generation.manifest
    disk = sum(directory_size(segment.path) for segment in generation.segments)

    vectors = np.concatenate([np.load(s.path / "vectors.npy") for s in generation.segments])
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    faiss.omp_set_num_threads(1)
    rows_as_bytes = np.ascontiguousarray(vectors).view(np.dtype((np.void, vectors[0].nbytes)))
    distinct = len(np.unique(rows_as_bytes.ravel()))
    del vectors

    def floor(query: str) -> tuple[float, float]:
        started = time.perf_counter()
        vector = embedder.encode_query(query)
        encoded = time.perf_counter()
        flat.search(vector, 100)
        done = time.perf_counter()
        return encoded - started, done - encoded

    has_ask = hasattr(engine, "ask")
    ask_error = None
    calls = {
        "search": lambda q: engine.search(q, k=5),
        "floor": floor,
        "keyword": lambda q: generation.keywords.search(q, 100),
    }
    if has_ask:
        calls["ask"] = lambda q: engine.ask(q)

    # Warm-up (first calls allocate, load kernels, fill caches).
    for _, query in queries[:5]:
        for name, call in list(calls.items()):
            try:
                call(query)
            except Exception as error:  # ask is work in progress: report, go on
                if name != "ask":
                    raise
                ask_error = f"{type(error).__name__}: {error}"
                del calls["ask"]

    times: dict[str, list[float]] = {name: [] for name in calls}
    times["encode_query"] = []
    times["faiss_flat"] = []
    empty = 0
    names = list(calls)
    started = time.perf_counter()
    for i, (_, query) in enumerate(queries):
        order = names[i % len(names) :] + names[: i % len(names)]
        for name in order:
            if name == "floor":
                encode_seconds, search_seconds = floor(query)
                times["encode_query"].append(encode_seconds)
                times["faiss_flat"].append(search_seconds)
                times["floor"].append(encode_seconds + search_seconds)
                continue
            t0 = time.perf_counter()
            result = calls[name](query)
            times[name].append(time.perf_counter() - t0)
            if name == "search" and not result:
                empty += 1
    loop_seconds = time.perf_counter() - started
    rss_end = rss()

    search_p50 = percentiles(times["search"])[0]
    floor_p50 = percentiles(times["floor"])[0]
    ratio = search_p50 / floor_p50
    n_rtqa = sum(1 for kind, _ in queries if kind == "rtqa")
    print()
    print(
        f"index: {live} ({manifest.articles:,} articles, {manifest.chunks:,} chunks in "
        f"{len(generation.segments)} segment(s), {distinct:,} distinct vectors, "
        f"dim {manifest.dimension}, {manifest.index_type})"
    )
    print(
        f"queries: {len(queries)} ({n_rtqa} RealTimeQA questions, cycled; "
        f"{len(queries) - n_rtqa} BBC headlines), interleaved search/floor/keyword"
        f"{'/ask' if 'ask' in calls else ''}; {loop_seconds:.0f}s; torch threads "
        f"{torch.get_num_threads()}, FAISS threads 1; precision {embedder.precision} "
        f"(bf16 native: {cpu_supports_bf16()})"
    )
    print()
    print(f"{'measure (ms)':<52} {'p50':>8} {'p99':>8} {'mean':>8}")
    print("-" * 80)
    rows = [
        ("engine.search(q, k=5)", "search"),
        ("floor: encode_query + IndexFlatIP k=100", "floor"),
        ("  of which encode_query", "encode_query"),
        ("  of which FAISS IndexFlatIP search (1 thread)", "faiss_flat"),
        ("BM25 alone (keywords.search, k=100)", "keyword"),
        ("engine.ask(q)", "ask"),
    ]
    for label, name in rows:
        if times.get(name):
            p50, p99, mean = percentiles(times[name])
            print(f"{label:<52} {ms(p50):>8} {ms(p99):>8} {ms(mean):>8}")
        else:
            print(f"{label:<52} {'n/a':>8} {'n/a':>8} {'n/a':>8}")
    print()

    def check(label: str, value: str, target: str = "") -> None:
        print(f"{label:<52} {value:>14}  {target}".rstrip())

    check("check", "value", "target")
    print("-" * 80)
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    check("search p50 / floor p50", f"{ratio:.2f}x", f"<= {TARGET_RATIO}x  {verdict}")
    if times.get("ask"):
        ask_ratio = percentiles(times["ask"])[0] / search_p50
        check("ask p50 / search p50", f"{ask_ratio:.2f}x", "(info)")
    else:
        check("ask p50 / search p50", "n/a", f"({ask_error or 'Engine has no ask()'})")
    check("searches with no hits", str(empty))
    check("RSS after opening index - before (model loaded)", mb(rss_engine - rss_model))
    check("RSS of the model alone (after load - start)", mb(rss_model - rss_start))
    check("total RSS after opening", mb(rss_engine))
    check("total RSS at the end (incl. floor FAISS copy)", mb(rss_end))
    check("index size on disk", mb(disk))
    check("Engine open time", f"{open_seconds:.1f} s")

    load_after = os.getloadavg()
    print(
        f"note: 1-minute load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at "
        f"the end ({os.cpu_count()} cores: above that, every timing shares the CPU)"
    )
    if args.profile or ratio > TARGET_RATIO:
        profile_search(engine, [q for _, q in queries[: args.profile_queries]])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO / ".cache/ix/rtqa5000")
    parser.add_argument("--out", type=Path, default=REPO / ".cache/bench/index100k")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--min-chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true", help="reconstruct the index")
    parser.add_argument("--profile", action="store_true", help="cProfile searches regardless")
    parser.add_argument("--profile-queries", type=int, default=50)
    parser.add_argument("--torch-threads", type=int, default=None, help="torch.set_num_threads")
    parser.add_argument("--construct-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)

    if args.construct_only:
        construct(args.source, args.out, args.min_chunks)
        return 0
    print(
        f"bench_query: benchmark index {args.out}, constructed from the real index "
        f"{args.source}:\n  every article twice (the copy's id + '#copy', its chunks after the "
        f"originals', more copies only if needed for >= {args.min_chunks:,} chunks);\n  copy "
        f"vectors = original + N(0, {SIGMA}) noise, re-normalised, so FAISS scans distinct "
        f"vectors; BM25 over all chunk texts."
    )
    if args.rebuild or not cached(args.out, source_description(args.source), args.min_chunks):
        print("  not cached (or the source changed): constructing it in a child process ...")
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--construct-only",
                "--source",
                str(args.source),
                "--out",
                str(args.out),
                "--min-chunks",
                str(args.min_chunks),
            ],
            check=True,
        )
    else:
        print("  cached: reusing it (--rebuild to reconstruct)")
    return measure(args)


if __name__ == "__main__":
    sys.exit(main())
