"""Search quality after many small updates against a full build of the same articles.

Run: ``python benchmarks/eval_updates.py --index .cache/ix/rtqa5000 \\
        --articles ../shared/eval/realtimeqa/articles.jsonl \\
        --questions ../shared/eval/realtimeqa/questions.jsonl [--base .cache/bench/update/base]``

1. The full build: a copy of ``--index`` (or ``--base``, an already migrated copy such as
   bench_update's), in the current format (migrated, quotations current), one segment. Its
   eval is the reference.
2. The same collection built as a feed would grow it: from a copy of the full build the chosen
   articles are removed and everything merged into one segment (exactly what a build of the
   others writes: the same vectors, chunks and postings), then the chosen articles are added
   back, read from ``--articles``, in ``--updates`` updates of ``--batch`` (each embedded anew,
   each one new segment; merges off, so the collection ends cut into 1 + updates segments).
3. The same after merging every segment into one.

The chosen articles are the questions' answering articles first (so every answer comes back
through an update), then the last articles of ``--articles`` up to ``updates x batch``.
Prints each eval metric for the three, and the largest difference (target: <= 0.005).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

TOLERANCE = 0.005


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--base", type=Path, default=None, help="an already migrated copy")
    parser.add_argument("--articles", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, default=REPO / ".cache/bench/eval-updates")
    parser.add_argument("--updates", type=int, default=10)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--no-dates", action="store_true", help="also eval without dates")
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from index.articles import load_articles
    from index.build import Builder
    from index.chunking import ChunkingParams
    from index.embedding import Embedder
    from index.engine import Engine
    from index.evaluate import evaluate, load_questions
    from index.store import IndexDirectory, Manifest

    name = args.index.name
    work = args.workdir / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    embedder = Embedder()
    full = work / "full"
    started = time.perf_counter()
    shutil.copytree(args.base or args.index, full, copy_function=os.link)
    manifest = Manifest.read(IndexDirectory(full).current() / "manifest.json")
    params = ChunkingParams(**manifest.chunking)

    def builder_of(index_dir: Path, merge: bool = False) -> Builder:
        # The index's own chunking: other parameters would re-embed everything.
        return Builder(index_dir, embedder, params, manifest.index_type, merge=merge)

    builder_of(full).add_articles([])  # migrate, quotations current
    print(f"{name}: full build ready in {time.perf_counter() - started:.0f} s", flush=True)

    questions = load_questions(args.questions)
    loaded = {a.id: a for a in load_articles([args.articles]).articles}
    wanted = args.updates * args.batch
    chosen: list[str] = []
    for question in questions:
        for article_id in question.article_ids:
            if article_id in loaded and article_id not in chosen and len(chosen) < wanted:
                chosen.append(article_id)
    answering = len(chosen)
    for article_id in reversed(list(loaded)):
        if len(chosen) >= wanted:
            break
        if article_id not in chosen:
            chosen.append(article_id)

    if len(chosen) < wanted:
        raise SystemExit(f"error: only {len(chosen)} of {wanted} articles in {args.articles}")
    updated = work / "updated"
    shutil.copytree(full, updated, copy_function=os.link)
    builder = builder_of(updated)
    removed = builder.remove(chosen)
    assert removed.removed == len(chosen), removed
    builder.merge(everything=True)
    started = time.perf_counter()
    embedded = 0
    for step in range(args.updates):
        batch = [loaded[i] for i in chosen[step * args.batch : (step + 1) * args.batch]]
        summary = builder.add_articles(batch)
        assert summary.added == len(batch), summary
        embedded += summary.embedded_chunks
    print(
        f"{name}: removed {len(chosen)} articles ({answering} answering a question), merged, "
        f"added them back in {args.updates} updates of {args.batch} ({embedded} chunks embedded, "
        f"{time.perf_counter() - started:.0f} s)",
        flush=True,
    )

    def run(index_dir: Path) -> dict[str, dict]:
        engine = Engine(index_dir, embedder=embedder, background_merge=False)
        results = {"dates": evaluate(engine, questions)}
        if args.no_dates:
            results["no dates"] = evaluate(engine, questions, use_dates=False)
        return results, len(engine.generation.segments), engine.generation.manifest.articles

    reference, _, articles = run(full)
    segmented, segments, articles_updated = run(updated)
    assert articles == articles_updated, (articles, articles_updated)
    builder_of(updated).merge(everything=True)
    merged, _, _ = run(updated)

    worst = 0.0
    print()
    print(f"{name}: {len(questions)} questions, {articles:,} articles")
    header = f"{'dates':<9} {'metric':<20} {'full build':>10} {str(segments) + ' segments':>12}"
    print(header + f" {'diff':>7} {'merged':>8} {'diff':>7}")
    print("-" * 80)
    for mode, metrics in reference.items():
        for key, value in metrics.items():
            if not isinstance(value, float):
                continue
            a, b = segmented[mode][key], merged[mode][key]
            worst = max(worst, abs(a - value), abs(b - value))
            print(
                f"{mode:<9} {key:<20} {value:>10.3f} {a:>12.3f} {a - value:>+7.3f} {b:>8.3f} "
                f"{b - value:>+7.3f}"
            )
    verdict = "PASS" if worst <= TOLERANCE else "FAIL"
    print(f"\nlargest difference {worst:.4f} (target <= {TOLERANCE}) {verdict}")
    (work / "result.json").write_text(
        json.dumps({"reference": reference, "segmented": segmented, "merged": merged}, indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
