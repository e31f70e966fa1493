"""Relevance without a date: compare search configurations on several indexes, with and without
question dates, all from one retrieval pass per index.

For each index and question file, each question is retrieved once; every configuration then
fuses and ranks those same candidates, with each question asked as of its ``question_date``
("dates") and as of nothing ("no dates": the bot's case on an archive). Prints R@1, R@5 and
MRR@10 against the labelled articles, and answer_in_article@5 (one of the first five articles
holds the answer string: other coverage of the same story counts), for every configuration,
index and date mode.

Run (after ``benchmarks/eval_sets.py`` and the builds the README describes)::

    python benchmarks/tune_relevance.py \\
        --set rtqa5000=.cache/ix/rtqa5000:../shared/eval/realtimeqa/questions.jsonl \\
        --set rtqa2000=.cache/ix/rtqa2000:../shared/eval/realtimeqa/questions.jsonl \\
        --set bbc=.cache/ix/bbc:../shared/eval/bbc/questions.jsonl
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from index.embedding import Embedder
from index.engine import Engine
from index.evaluate import Tally, load_questions
from index.question_types import wants_latest
from index.search import SearchParams

DEFAULT = SearchParams()
# The search before this comparison: no title signal, every question asked as of now.
BASE = replace(DEFAULT, title_weight=0.0, title_floor=0.0, asof_articles=0)
TITLE = {"title_weight": 0.3}
ASOF = {
    "asof_articles": 3,
    "collection_recency_weight": 1.0,
    "collection_recency_half_life_days": 30,
}
CONFIGS: list[tuple[str, dict]] = [
    ("previous default (no title, as of now)", {}),
    (
        "** default: title 0.5 above 0.4, as-of top5 w1.5 hl60",
        {
            "title_weight": DEFAULT.title_weight,
            "title_floor": DEFAULT.title_floor,
            "asof_articles": DEFAULT.asof_articles,
            "collection_recency_weight": DEFAULT.collection_recency_weight,
            "collection_recency_half_life_days": DEFAULT.collection_recency_half_life_days,
        },
    ),
    *[
        (f"  title 0.5 above {floor}", {"title_weight": 0.5, "title_floor": floor})
        for floor in (0.2, 0.3, 0.4, 0.5)
    ],
    *[(f"+ title signal {w}", {"title_weight": w}) for w in (0.2, 0.3, 0.4, 0.5, 0.6, 0.8)],
    ("+ as-of from the collection", ASOF),
    ("+ title 0.3 + as-of", {**TITLE, **ASOF}),
    *[
        (
            f"  title {t}, as-of top{n} w{w} hl{h}",
            {
                "title_weight": t,
                "asof_articles": n,
                "collection_recency_weight": w,
                "collection_recency_half_life_days": h,
            },
        )
        for t in (0.3, 0.5)
        for n in (1, 3, 5)
        for w in (0.5, 1.0, 2.0)
        for h in (14, 30, 90)
    ],
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        action="append",
        required=True,
        metavar="NAME=INDEX:QUESTIONS",
        help="an index and its question file (repeatable)",
    )
    parser.add_argument("--quick", action="store_true", help="only the main configurations")
    parser.add_argument("--json", type=Path, help="also write every row as JSONL here")
    args = parser.parse_args()
    embedder = Embedder()
    configs = CONFIGS[:14] if args.quick else CONFIGS
    rows = []
    for spec in args.set:
        name, _, paths = spec.partition("=")
        index, _, questions_path = paths.partition(":")
        questions = load_questions(questions_path)
        engine = Engine(index, embedder=embedder)
        generation = engine.generation
        searcher = engine.searcher()
        targets = [generation.article_rows_by_id(q.article_ids) for q in questions]
        searcher.params = BASE
        retrieved = [searcher.retrieve(q.question) for q in questions]
        print(f"\n{name}: {index} ({generation.manifest.articles} articles), {len(questions)} q")
        print(
            f"{'configuration':<42} {'dates: R@1':>10} {'R@5':>6} {'MRR':>6} {'ans@5':>6}"
            f" {'no dates: R@1':>14} {'R@5':>6} {'MRR':>6} {'ans@5':>6}"
        )
        for label, overrides in configs:
            searcher.params = replace(BASE, **overrides)
            cells = []
            for dates in (True, False):
                tally = Tally(article_text=generation.article_text)
                for question, candidates, rows_by_id in zip(
                    questions, retrieved, targets, strict=True
                ):
                    hits = searcher.rank(
                        candidates,
                        k=10,
                        as_of=question.as_of if dates else None,
                        latest=wants_latest(question.question),
                    )
                    tally.add(question, hits, rows_by_id)
                metrics = tally.metrics()
                cells.append(metrics)
                rows.append({"set": name, "configuration": label, "dates": dates, **metrics})
            line = f"{label:<42}"
            for metrics in cells:
                answered = metrics.get("answer_in_article@5")
                line += (
                    f" {metrics['recall@1']:>10.3f} {metrics['recall@5']:>6.3f}"
                    f" {metrics['mrr@10']:>6.3f}"
                    f" {'n/a' if answered is None else f'{answered:.3f}':>6}"
                )
            print(line, flush=True)
    if args.json:
        args.json.write_text("".join(json.dumps(row) + "\n" for row in rows))


if __name__ == "__main__":
    main()
