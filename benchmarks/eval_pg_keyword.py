"""The PostgreSQL store's keyword side against BM25: what closes the parity gap.

Run (a PostgreSQL collection copied from the embedded index, ``python -m index copy``)::

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/eval_pg_keyword.py \\
        --index 'postgresql://...?collection=rtqa5000' \\
        --questions ../shared/eval/realtimeqa/questions.jsonl [--no-dates] [--mode hybrid]

The store ranks keyword matches with ``ts_rank_cd`` over an OR of the query's lexemes, which
has no inverse document frequency: a common word counts as much as a rare one. This script
evaluates the same collection (``index.evaluate.evaluate``, as ``python -m index eval``) with
the keyword side replaced, in this process only, by:

- ``ts_rank_cd`` as shipped (normalisation 0), and with normalisation 1 (divided by
  1 + log of the length) and 2 (by the length);
- ``bm25-sql``: BM25 computed in SQL from the same ``tsvector`` column: candidates by the GIN
  index (an OR of the query's terms, as the embedded analysis stems them: the store's
  ``terms()``, Snowball English like PostgreSQL's ``english`` configuration), term frequency =
  the lexeme's positions, document length = the number of distinct lexemes (``length``; the
  embedded store counts tokens), IDF from the store's ``term_stats`` (``idf()``, the embedded
  formula), k1 1.5, b 0.75, a repeated query term counted again (as bm25s does);
- ``bm25-rareN``: the same BM25, but the candidates are only the chunks holding one of the
  query's N highest-IDF terms (fewer rows to rank on a large collection).

It prints each variant's metrics and the keyword search's p50 latency on those questions.
``--latency-only N`` only times each variant's keyword search on the first N questions
(interleaved), for a collection too large to evaluate quickly.
Nothing in ``index/`` is changed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

K1, B = 1.5, 0.75


def bm25_search(self, query, k, allowed=None, rare=None):
    """BM25 over the chunks' tsvector (see the module docstring); replaces
    ``PostgresKeywords.search`` for one variant. With ``rare``, candidates are the chunks
    holding one of the query's ``rare`` highest-IDF terms (all terms still score)."""
    from index.postgres.collection import SqlFilter

    empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    if k <= 0 or not query.strip():
        return empty
    terms = self.terms([query])[0]
    if not terms:
        return empty
    view = self.view
    counts = Counter(terms)
    weights = self.idf(list(counts))
    wanted = sorted(counts)
    matching = sorted(wanted, key=lambda t: -weights[t])[:rare] if rare else wanted
    average = getattr(self, "_average_length", None)
    if average is None:
        average = view.query(
            f"SELECT avg(length(keywords)) AS a FROM chunks WHERE collection_id = {view.id}"
        )[0]["a"]
        self._average_length = average = float(average or 1.0)
    condition = allowed or SqlFilter("", ())
    rows = view.query(
        "WITH q AS (SELECT * FROM unnest(%s::text[], %s::float8[], %s::int[]) "
        "AS q(term, idf, repeats)), "
        "m AS (SELECT position, keywords, length(keywords) AS dl FROM chunks "
        f"WHERE collection_id = {view.id} AND keywords @@ to_tsquery('simple', %s)"
        f"{condition.sql}) "
        "SELECT m.position, sum(q.repeats * q.idf * t.tf / "
        "(t.tf + %s * (1 - %s + %s * m.dl / %s))) AS score "
        "FROM m CROSS JOIN LATERAL (SELECT u.lexeme, "
        "coalesce(array_length(u.positions, 1), 1) AS tf FROM unnest(m.keywords) u) t "
        "JOIN q ON q.term = t.lexeme GROUP BY m.position ORDER BY score DESC, m.position "
        "LIMIT %s",
        (
            wanted,
            [weights[t] for t in wanted],
            [counts[t] for t in wanted],
            " | ".join("'" + t.replace("'", "''") + "'" for t in matching),
            *condition.params,
            K1,
            B,
            B,
            average,
            k,
        ),
    )
    if not rows:
        return empty
    return (
        np.array([r["position"] for r in rows], dtype=np.int64),
        np.array([r["score"] for r in rows], dtype=np.float32),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="postgresql://...?collection=NAME")
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--no-dates", action="store_true")
    parser.add_argument("--modes", default="hybrid,keyword")
    parser.add_argument(
        "--variants", default="ts_rank_cd/0,ts_rank_cd/1,ts_rank_cd/2,bm25-sql,bm25-rare3"
    )
    parser.add_argument(
        "--latency-only",
        type=int,
        default=0,
        metavar="N",
        help="only time each variant's keyword search on the first N questions, interleaved",
    )
    args = parser.parse_args()

    from index.engine import Engine
    from index.evaluate import evaluate, load_questions
    from index.postgres import collection

    questions = load_questions(args.questions)
    engine = Engine(args.index, background_merge=False)
    shipped = collection.PostgresKeywords.search
    if args.latency_only:
        return latency_only(engine, questions[: args.latency_only], args.variants.split(","))
    latencies: dict[str, list[float]] = {}
    current = [""]

    def timed(function):
        def run(self, query, k, allowed=None):
            started = time.perf_counter()
            result = function(self, query, k, allowed)
            latencies.setdefault(current[0], []).append(time.perf_counter() - started)
            return result

        return run

    metrics_wanted = ("recall@1", "recall@5", "recall@10", "mrr@10")
    print(
        f"{args.index}: {len(questions)} questions from {args.questions}, "
        f"{'without' if args.no_dates else 'with'} dates"
    )
    print(
        f"{'mode':<8} {'keyword side':<16} "
        + " ".join(f"{m:>9}" for m in metrics_wanted)
        + f" {'kw p50 ms':>10}"
    )
    print("-" * 80)
    for mode in args.modes.split(","):
        for variant in args.variants.split(","):
            current[0] = f"{mode} {variant}"
            collection.PostgresKeywords.search = timed(variant_function(variant, shipped))
            try:
                metrics = evaluate(engine, questions, mode=mode, use_dates=not args.no_dates)
            finally:
                collection.PostgresKeywords.search = shipped
            p50 = np.percentile(latencies.get(current[0], [0.0]), 50) * 1000
            print(
                f"{mode:<8} {variant:<16} "
                + " ".join(f"{metrics[m]:>9.3f}" for m in metrics_wanted)
                + f" {p50:>10.1f}",
                flush=True,
            )
    return 0


def variant_function(variant: str, shipped):
    if variant == "bm25-sql":
        return bm25_search
    if variant.startswith("bm25-rare"):
        rare = int(variant.removeprefix("bm25-rare"))
        return lambda self, query, k, allowed=None: bm25_search(self, query, k, allowed, rare)
    normalization = int(variant.split("/")[1])

    def function(self, query, k, allowed=None):
        self.normalization = normalization
        return shipped(self, query, k, allowed)

    return function


def latency_only(engine, questions, variants: list[str]) -> int:
    from index.postgres import collection
    from index.question_types import without_latest

    keywords = engine.generation.keywords
    shipped = collection.PostgresKeywords.search
    functions = {v: variant_function(v, shipped) for v in variants}
    times: dict[str, list[float]] = {v: [] for v in variants}
    found: dict[str, list[int]] = {v: [] for v in variants}
    for i, question in enumerate(questions):
        query = without_latest(question.question)
        order = variants[i % len(variants) :] + variants[: i % len(variants)]
        for variant in order:
            started = time.perf_counter()
            ids, _ = functions[variant](keywords, query, 100)
            times[variant].append(time.perf_counter() - started)
            found[variant].append(len(ids))
    print(f"keyword search alone, k=100, {len(questions)} questions interleaved")
    print(f"{'keyword side':<16} {'p50 ms':>9} {'p99 ms':>9} {'mean ms':>9}")
    print("-" * 48)
    for variant in variants:
        values = np.array(times[variant]) * 1000
        print(
            f"{variant:<16} {np.percentile(values, 50):>9.1f} {np.percentile(values, 99):>9.1f} "
            f"{values.mean():>9.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
