"""Keyword engines for segments, compared on the real chunks: our postings vs tantivy vs bm25s.

Run: ``python benchmarks/compare_keyword.py [--index .cache/bench/update/base] [--queries 200]``
(needs ``pip install tantivy``, which the project does not depend on).

On the chunks of a one-segment index (default: bench_update's copy of the 80,192-chunk
RealTimeQA index), with the same keyword texts the builder indexes (full title + chunk):

- **postings**: ours (:class:`index.keyword.Postings` per segment, scored by
  :class:`index.keyword.CollectionKeywords` with collection-wide statistics), as search runs it;
- **bm25s**: one ``bm25s`` index over the same texts (what a generation held before segments;
  our scores are checked equal to it);
- **tantivy**: an in-memory tantivy index (``en_stem`` tokenizer, its BM25), one writer thread.

For each: build time over all chunks, time to add and commit 30 more chunks and see them in a
new searcher (what an update of 10 articles costs the keyword side), query p50 / p99 for the top
100 over RealTimeQA questions and BBC headlines, and top-10 agreement with bm25s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=REPO / ".cache/bench/update/base")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    try:
        import tantivy
    except ImportError:
        print("tantivy is not installed: pip install tantivy")
        return 1
    from index.chunking import embedding_text
    from index.keyword import CollectionKeywords, KeywordIndex, Postings
    from index.segmented import Snapshot

    view = Snapshot.open_current(args.index)
    (segment,) = view.segments
    prepend = view.manifest.chunking.get("prepend_title", True)
    rows = segment.query(
        "SELECT a.title, c.text FROM chunks c JOIN articles a ON a.row = c.article_row "
        "ORDER BY c.position"
    )
    texts = [embedding_text(r[0], r[1], prepend) for r in rows]
    extra, base = texts[-30:], texts[:-30]
    questions = []
    for name in ("realtimeqa", "bbc"):
        with open(args.shared / f"eval/{name}/questions.jsonl") as lines:
            questions += [json.loads(line)["question"] for line in lines if line.strip()]
    queries = questions[:: max(1, len(questions) // args.queries)][: args.queries]

    results = {}

    # ours
    started = time.perf_counter()
    postings = Postings.build(base)
    built = time.perf_counter() - started
    started = time.perf_counter()
    added = Postings.build(extra)
    ours = CollectionKeywords([(postings, 0, None), (added, len(base), None)])
    add_seconds = time.perf_counter() - started
    results["postings (ours, 2 segments)"] = (built, add_seconds, ours.search)

    # bm25s: an update rebuilds the whole index
    started = time.perf_counter()
    reference = KeywordIndex.build(base + extra)
    built = time.perf_counter() - started
    results["bm25s (one index, rebuilt)"] = (built, built, reference.search)

    # tantivy
    schema_builder = tantivy.SchemaBuilder()
    schema_builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
    schema_builder.add_integer_field("pos", stored=True, fast=True)
    schema = schema_builder.build()
    index = tantivy.Index(schema)
    started = time.perf_counter()
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for position, text in enumerate(base):
        writer.add_document(tantivy.Document(body=text, pos=position))
    writer.commit()
    built = time.perf_counter() - started
    started = time.perf_counter()
    for position, text in enumerate(extra, start=len(base)):
        writer.add_document(tantivy.Document(body=text, pos=position))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    add_seconds = time.perf_counter() - started
    word = re.compile(r"\w+")

    def tantivy_search(query: str, k: int):
        terms = " ".join(word.findall(query))
        if not terms:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        parsed = index.parse_query(terms, ["body"])
        hits = searcher.search(parsed, k).hits
        ids = [searcher.doc(address)["pos"][0] for _, address in hits]
        return np.array(ids, dtype=np.int64), np.array([s for s, _ in hits], dtype=np.float32)

    results["tantivy (en_stem, its BM25)"] = (built, add_seconds, tantivy_search)

    print(
        f"{len(texts):,} chunk texts of {args.index}; {len(queries)} queries (RealTimeQA "
        f"questions and BBC headlines); add = 30 chunks indexed and searchable"
    )
    print()
    header = f"{'engine':<30} {'build (s)':>10} {'add (ms)':>9} {'p50 (ms)':>9} {'p99 (ms)':>9}"
    print(header + f" {'top-10 = bm25s':>15}")
    print("-" * 86)
    for name, (built, add_seconds, search) in results.items():
        times, agree = [], []
        for query in queries:
            started = time.perf_counter()
            ids, _ = search(query, 100)
            times.append(time.perf_counter() - started)
            want, _ = reference.search(query, 10)
            agree.append(len(set(ids[:10].tolist()) & set(want.tolist())) / max(len(want), 1))
        print(
            f"{name:<30} {built:>10.1f} {add_seconds * 1000:>9.1f} "
            f"{np.percentile(times, 50) * 1000:>9.2f} {np.percentile(times, 99) * 1000:>9.2f} "
            f"{np.mean(agree):>15.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
