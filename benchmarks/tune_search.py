"""Compare retrieval configurations on one built index, all in one run (the model loads once).

Prints Recall@1/5/10, MRR@10 and answer-shown@3 for plain BM25, plain dense, and hybrid fusion
variants (RRF weights, recency preference), each question asked as of its ``question_date``.

Run: ``python benchmarks/tune_search.py --index .cache/ix/rtqa5000 \
--questions ../shared/eval/realtimeqa/questions.jsonl``
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from index.embedding import Embedder
from index.engine import Engine
from index.evaluate import evaluate, load_questions
from index.search import SearchParams

CONFIGS = [
    ("BM25", "keyword", {}),
    ("dense", "dense", {}),
    ("hybrid RRF k=60", "hybrid", {}),
    ("hybrid RRF k=20", "hybrid", {"rrf_k": 20}),
    ("hybrid RRF dense x1.5", "hybrid", {"dense_weight": 1.5}),
    ("hybrid RRF keyword x1.5", "hybrid", {"keyword_weight": 1.5}),
    ("hybrid + recency w0.5 hl7", "hybrid", {"recency_weight": 0.5, "recency_half_life_days": 7}),
    ("hybrid + recency w1 hl7", "hybrid", {"recency_weight": 1.0, "recency_half_life_days": 7}),
    ("hybrid + recency w1 hl30", "hybrid", {"recency_weight": 1.0, "recency_half_life_days": 30}),
    ("hybrid + recency w2 hl7", "hybrid", {"recency_weight": 2.0, "recency_half_life_days": 7}),
    ("hybrid + recency w2 hl14", "hybrid", {"recency_weight": 2.0, "recency_half_life_days": 14}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--only", help="comma-separated config names to run")
    parser.add_argument("--answers", action="store_true", help="also answer_shown_in_answer")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    questions = load_questions(args.questions)
    engine = Engine(args.index, embedder=Embedder())
    base = engine.search_params
    wanted = set(args.only.split(",")) if args.only else None
    rows = []
    print(
        f"{args.index} ({engine.generation.manifest.articles} articles, "
        f"{engine.generation.manifest.chunks} chunks), {len(questions)} questions"
    )
    header = f"{'configuration':<30} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7} {'ans@3':>6}"
    print(header + (f" {'ans-in-answer':>13}" if args.answers else ""))
    for name, mode, overrides in CONFIGS:
        if wanted and name not in wanted:
            continue
        engine.search_params = (
            replace(base, **overrides) if overrides else SearchParams(**{**base.__dict__})
        )
        metrics = evaluate(engine, questions, mode=mode, with_answers=args.answers)
        rows.append({"configuration": name, **metrics})
        shown = metrics["answer_shown@3"]
        line = (
            f"{name:<30} {metrics['recall@1']:>6.3f} {metrics['recall@5']:>6.3f} "
            f"{metrics['recall@10']:>6.3f} {metrics['mrr@10']:>7.3f} "
            f"{'n/a' if shown is None else f'{shown:.3f}':>6}"
        )
        if args.answers:
            line += f" {metrics['answer_shown_in_answer'] or 0:>13.3f}"
        print(line, flush=True)
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
