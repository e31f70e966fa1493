"""Ingest speed: the index build against a bare sentence-transformers encode of the same texts.

Run: ``python benchmarks/bench_ingest.py [--articles 150] [--precision auto] [--repeats 2]``.

Takes the first N RealTimeQA articles (``<shared>/eval/realtimeqa/articles.jsonl``), writes them
to a temporary JSONL file and measures, in one process with one loaded model:

(a) build: ``Builder(tmp, embedder).build([file])`` into a fresh directory, as
    ``summary.embedded_chunks / wall time`` (model load excluded: the Embedder is created first);
(b) floor: ``embedder._model.encode(texts, batch_size=embedder.batch_size,
    normalize_embeddings=True)`` under the same precision context, over exactly the texts the
    build embedded (rebuilt from the built catalog with the builder's own title clipping and
    ``index.chunking.embedding_text``); target build/floor >= 0.9;
(c) on CPUs with native bf16: build in bf16 against a plain fp32 encode; target >= 2.5;
(d) a re-build of the unchanged collection, as a % of the full build time; target <= 3%.

After a warm-up, builds and floors run in ABBA order (build, floor, floor, build, ...; the
first build must come first, the floor needs its texts), so a drift in background load cancels
out of the means that are compared; every run is printed, with the load average. Each build goes
into a fresh directory. ``--torch-threads`` sets ``torch.set_num_threads`` (default: torch's).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

from index.build import Builder  # noqa: E402
from index.embedding import Embedder, cpu_supports_bf16  # noqa: E402
from index.store import IndexDirectory, connect  # noqa: E402

TARGET_FLOOR_RATIO = 0.9
TARGET_BF16_RATIO = 2.5
TARGET_REBUILD_PERCENT = 3.0


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def write_subset(source: Path, target: Path, count: int) -> int:
    written = 0
    with open(source) as lines, open(target, "w") as out:
        for line in lines:
            if not line.strip():
                continue
            out.write(line if line.endswith("\n") else line + "\n")
            written += 1
            if written == count:
                break
    return written


def embedded_texts(builder: Builder) -> list[str]:
    """The texts the build embedded, in vector order, recomputed from the built catalog."""
    live = IndexDirectory(builder.directory.path).current()
    db = connect(live / "catalog.sqlite", readonly=True)
    rows = db.execute(
        "SELECT a.title, c.text FROM chunks c JOIN articles a ON a.row = c.article_row "
        "ORDER BY c.position"
    ).fetchall()
    db.close()
    return [builder._embedding_text(builder._clip_title(r["title"]), r["text"]) for r in rows]


def plain_encode(embedder: Embedder, texts: list[str], autocast: bool = True) -> np.ndarray:
    """The floor: the same SentenceTransformer object, same batch size, one call."""
    import contextlib

    import torch

    context = embedder._autocast() if autocast else contextlib.nullcontext()
    with torch.inference_mode(), context:
        return embedder._model.encode(
            texts,
            batch_size=embedder.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=150, help="articles to ingest (150)")
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--precision", default="auto", choices=("auto", "bf16", "fp32"))
    parser.add_argument("--repeats", type=int, default=2, help="build/floor pairs (2)")
    parser.add_argument("--rebuilds", type=int, default=3, help="unchanged re-builds timed (3)")
    parser.add_argument("--torch-threads", type=int, default=None)
    parser.add_argument("--workdir", type=Path, default=None, help="scratch (a temp dir)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs at DEBUG on its own

    source = args.shared / "eval/realtimeqa/articles.jsonl"
    if not source.exists():
        print(f"error: {source} not found (use --shared)", file=sys.stderr)
        return 2
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench_ingest-", dir=args.workdir))
    articles_file = scratch / "articles.jsonl"
    n_articles = write_subset(source, articles_file, args.articles)

    import torch

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    started = time.perf_counter()
    embedder = Embedder(precision=args.precision)
    load_seconds = time.perf_counter() - started
    print(
        f"bench_ingest: {n_articles} RealTimeQA articles, model {embedder.model_name} loaded in "
        f"{load_seconds:.1f}s (excluded), precision {embedder.precision}, batch size "
        f"{embedder.batch_size}, torch threads {torch.get_num_threads()}"
    )
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}; bf16 native: {cpu_supports_bf16()}")
    print(f"scratch: {scratch}")

    # Warm-up: the first forward passes allocate and pick kernels.
    with open(articles_file) as lines:
        warm = [json.loads(next(lines))["text"][:2000] for _ in range(min(4, n_articles))]
    plain_encode(embedder, warm * 4)

    builds: list[tuple[float, int]] = []  # (seconds, embedded chunks)
    floors: list[float] = []
    texts: list[str] | None = None
    last_builder: Builder | None = None
    load_before = os.getloadavg()
    # The first build must come first (the floor embeds the texts it stored); after that the
    # order alternates (build, floor, floor, build, ...) so a drift in background load cancels
    # out of the sums compared below.
    build_dirs = iter(range(1, 2 * args.repeats + 1))

    def run_build() -> None:
        nonlocal texts, last_builder
        builder = Builder(scratch / f"index-{next(build_dirs)}", embedder)
        seconds, summary = timed(builder.build, [articles_file])
        if summary.failed:
            print(f"warning: {summary.failed} load problems: {summary.problems[:3]}")
        builds.append((seconds, summary.embedded_chunks))
        if texts is None:
            texts = embedded_texts(builder)
            if len(texts) != summary.embedded_chunks:
                raise SystemExit(
                    f"error: catalog has {len(texts)} chunks, build embedded "
                    f"{summary.embedded_chunks}"
                )
        last_builder = builder
        print(f"  build {seconds:7.2f}s ({summary.embedded_chunks / seconds:6.1f} chunks/s)")

    def run_floor() -> None:
        seconds, vectors = timed(plain_encode, embedder, texts)
        floors.append(seconds)
        built = np.load(last_builder.directory.current() / "vectors.npy")
        drift = float(np.abs(built - vectors).max())
        print(
            f"  floor {seconds:7.2f}s ({len(texts) / seconds:6.1f} chunks/s)   "
            f"max |built vector - floor vector| {drift:.1e}"
        )

    for repeat in range(args.repeats):
        for step in (run_build, run_floor) if repeat % 2 == 0 else (run_floor, run_build):
            step()

    chunks = builds[0][1]
    build_seconds = sum(s for s, _ in builds) / len(builds)
    floor_seconds = sum(floors) / len(floors)
    build_rate = chunks / build_seconds
    floor_rate = chunks / floor_seconds
    floor_ratio = build_rate / floor_rate

    # (c) bf16 build vs fp32 plain encode.
    bf16_row: tuple[str, str, str, str] | None = None
    bf16_note = ""
    if not cpu_supports_bf16():
        bf16_note = "bf16 is not available on this CPU (no avx512_bf16/amx_bf16): (c) skipped"
    elif embedder.precision != "bf16":
        bf16_note = f"precision is {embedder.precision}: run with --precision auto/bf16 for (c)"
    else:
        fp32_times = []
        for _ in range(args.repeats):
            fp32_times.append(timed(plain_encode, embedder, texts, autocast=False)[0])
        fp32_rate = chunks / (sum(fp32_times) / len(fp32_times))
        ratio = build_rate / fp32_rate
        bf16_row = (
            "(c) build bf16 / plain encode fp32",
            f"{build_rate:.1f} / {fp32_rate:.1f} chunks/s",
            f"{ratio:.2f}x",
            f">= {TARGET_BF16_RATIO}  {verdict(ratio >= TARGET_BF16_RATIO)}",
        )

    # (d) unchanged re-build.
    rebuilds = []
    for _ in range(args.rebuilds):
        seconds, summary = timed(last_builder.build, [articles_file])
        if summary.generation is not None or summary.embedded_chunks:
            print(f"warning: the unchanged re-build wrote generation {summary.generation}")
        rebuilds.append(seconds)
    rebuild_seconds = statistics.median(rebuilds)
    rebuild_percent = 100.0 * rebuild_seconds / build_seconds

    print()
    print(f"{'measure':<40} {'value':<32} {'ratio':<10} target")
    print("-" * 100)
    print(f"{'articles / chunks embedded':<40} {f'{n_articles} / {chunks}':<32}")
    print(
        f"{'(a) build, end to end':<40} {f'{build_rate:.1f} chunks/s ({build_seconds:.1f}s)':<32}"
    )
    print(
        f"{'(b) floor: bare SentenceTransformer':<40} "
        f"{f'{floor_rate:.1f} chunks/s ({floor_seconds:.1f}s)':<32} "
        f"{f'{floor_ratio:.2f}':<10} >= {TARGET_FLOOR_RATIO}  "
        f"{verdict(floor_ratio >= TARGET_FLOOR_RATIO)}"
    )
    if bf16_row:
        print(f"{bf16_row[0]:<40} {bf16_row[1]:<32} {bf16_row[2]:<10} {bf16_row[3]}")
    else:
        print(f"{'(c) bf16 build / fp32 encode':<40} {'n/a':<32} {'n/a':<10} skipped")
    print(
        f"{'(d) unchanged re-build (median)':<40} "
        f"{f'{rebuild_seconds * 1000:.0f} ms':<32} "
        f"{f'{rebuild_percent:.2f}%':<10} <= {TARGET_REBUILD_PERCENT}%  "
        f"{verdict(rebuild_percent <= TARGET_REBUILD_PERCENT)}"
    )
    if bf16_note:
        print(f"note: {bf16_note}")
    print(
        f"note: means of {args.repeats} build/floor pairs run in ABBA order (build, floor, "
        f"floor, build, ...); re-build is the median of {args.rebuilds}: "
        f"{', '.join(f'{s * 1000:.0f}' for s in rebuilds)} ms"
    )
    load_after = os.getloadavg()
    print(
        f"note: 1-minute load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at "
        f"the end (2 cores: anything above 2 means the timings share the CPU)"
    )
    import shutil

    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
