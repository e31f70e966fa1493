"""Compare retrieval configurations on one built index, all in one run.

Each question is retrieved once (dense and BM25 candidates); every configuration then fuses,
groups and ranks those same candidates, so the comparison is exact and cheap. Prints
Recall@1/5/10, MRR@10 and answer-shown@3 for plain BM25, plain dense and hybrid variants (fusion
level, RRF k and weights, recency preference), each question asked as of its ``question_date``.

Run: ``python benchmarks/tune_search.py --index .cache/ix/rtqa5000 \\
--questions ../shared/eval/realtimeqa/questions.jsonl``
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from index.embedding import Embedder
from index.engine import Engine
from index.evaluate import Tally, load_questions

CONFIGS = [
    ("BM25", "keyword", {}),
    ("dense", "dense", {}),
    (
        "hybrid RRF k=60 (chunk)",
        "hybrid",
        {"fusion": "chunk", "dense_weight": 1, "keyword_weight": 1},
    ),
    (
        "hybrid RRF k=20 (chunk)",
        "hybrid",
        {"fusion": "chunk", "rrf_k": 20, "dense_weight": 1, "keyword_weight": 1},
    ),
    (
        "hybrid RRF k=60 (article)",
        "hybrid",
        {"fusion": "article", "dense_weight": 1, "keyword_weight": 1},
    ),
    (
        "hybrid RRF k=20 (article)",
        "hybrid",
        {"fusion": "article", "rrf_k": 20, "dense_weight": 1, "keyword_weight": 1},
    ),
    (
        "hybrid RRF k=20 dense x1.3",
        "hybrid",
        {"fusion": "chunk", "rrf_k": 20, "dense_weight": 1.3, "keyword_weight": 1},
    ),
    (
        "hybrid RRF k=20 keyword x1.3",
        "hybrid",
        {"fusion": "chunk", "rrf_k": 20, "dense_weight": 1, "keyword_weight": 1.3},
    ),
    *[
        (
            f"hybrid weighted dense {w:.1f}",
            "hybrid",
            {"fusion": "weighted", "dense_weight": w, "keyword_weight": 1 - w},
        )
        for w in (0.3, 0.4, 0.5, 0.6, 0.7)
    ],
]
RECENCY = [(weight, half_life) for weight in (0.25, 0.5, 1.0, 2.0) for half_life in (3, 7, 14, 30)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--recency", action="store_true", help="also sweep recency settings")
    parser.add_argument("--base", default="{}", help="JSON SearchParams overrides for recency runs")
    parser.add_argument("--answers", action="store_true", help="also answer_shown_in_answer")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    questions = load_questions(args.questions)
    engine = Engine(args.index, embedder=Embedder())
    generation = engine.generation
    searcher = engine.searcher()
    base = engine.search_params
    print(
        f"{args.index} ({generation.manifest.articles} articles, "
        f"{generation.manifest.chunks} chunks), {len(questions)} questions",
        flush=True,
    )
    retrieved = [searcher.retrieve(q.question) for q in questions]
    targets = [generation.article_rows_by_id(q.article_ids) for q in questions]

    configs = list(CONFIGS)
    if args.recency:
        recency_base = json.loads(args.base)
        configs += [
            (
                f"hybrid + recency w{w} hl{h}",
                "hybrid",
                {**recency_base, "recency_weight": w, "recency_half_life_days": h},
            )
            for w, h in RECENCY
        ]
    header = f"{'configuration':<34} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7} {'ans@3':>6}"
    print(header + (f" {'ans-in-answer':>13}" if args.answers else ""))
    rows = []
    for name, mode, overrides in configs:
        # Rows without a recency setting measure retrieval alone.
        searcher.params = replace(base, **{"recency_weight": 0.0, **overrides})
        tally = Tally(args.answers)
        for question, candidates, rows_by_id in zip(questions, retrieved, targets, strict=True):
            hits = searcher.rank(candidates.only(mode), k=10, as_of=question.as_of)
            answer = (
                engine.answer_from_hits(question.question, hits, generation)
                if args.answers
                else None
            )
            tally.add(question, hits, rows_by_id, answer)
        metrics = tally.metrics()
        rows.append({"configuration": name, **metrics})
        shown = metrics["answer_shown@3"]
        line = (
            f"{name:<34} {metrics['recall@1']:>6.3f} {metrics['recall@5']:>6.3f} "
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
