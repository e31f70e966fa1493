"""Calibrate the "not covered" threshold: questions the index should answer vs ones it cannot.

Should answer: the RealTimeQA questions on the full index. Cannot answer: the same questions on a
copy of the index with every answering article removed, plus off-topic questions
(``benchmarks/data/offtopic_questions.jsonl``) on the full index. For each threshold on the best
passage's cosine similarity, prints the false-refusal rate (should-answer questions refused) and
the false-answer rate (cannot-answer questions answered).

Run: ``python benchmarks/calibrate_coverage.py --index .cache/ix/rtqa5000``
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from index.build import Builder
from index.embedding import Embedder
from index.engine import Engine
from index.evaluate import EvalQuestion, load_questions

HERE = Path(__file__).resolve().parent


def top_similarities(engine: Engine, questions, use_dates: bool = True) -> list[float]:
    """Best passage cosine of the top hit per question (0 when nothing is retrieved)."""
    scores = []
    for question in questions:
        hits = engine.search(question.question, k=5, as_of=question.as_of if use_dates else None)
        scores.append(hits[0].dense_score or 0.0 if hits else 0.0)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--offtopic", type=Path, default=HERE / "data/offtopic_questions.jsonl")
    args = parser.parse_args()

    questions = load_questions(args.shared / "eval/realtimeqa/questions.jsonl")
    offtopic = [json.loads(line) for line in args.offtopic.read_text().splitlines() if line]
    embedder = Embedder()
    full = Engine(args.index, embedder=embedder)
    answerable = top_similarities(full, questions)
    off = top_similarities(full, [EvalQuestion(r["qid"], r["question"], ()) for r in offtopic])

    removed_dir = args.index.parent / f"{args.index.name}-without-answers"
    if not removed_dir.exists():
        shutil.copytree(args.index, removed_dir)
        answering = {i for q in questions for i in q.article_ids}
        Builder(removed_dir, embedder).remove(answering)
    removed = top_similarities(Engine(removed_dir, embedder=embedder), questions)
    cannot = removed + off

    print(
        f"should answer: {len(answerable)}; cannot answer: {len(removed)} (answering articles "
        f"removed) + {len(off)} off-topic"
    )
    print(
        f"{'threshold':>9} {'false refusal':>14} {'false answer':>13} "
        f"{'(removed)':>10} {'(off-topic)':>12}"
    )
    best = None
    for step in range(0, 25):
        threshold = 0.20 + step * 0.025
        refusal = sum(s < threshold for s in answerable) / len(answerable)
        false_answer = sum(s >= threshold for s in cannot) / len(cannot)
        removed_rate = sum(s >= threshold for s in removed) / len(removed)
        off_rate = sum(s >= threshold for s in off) / len(off) if off else 0.0
        print(
            f"{threshold:>9.3f} {refusal:>14.3f} {false_answer:>13.3f} "
            f"{removed_rate:>10.3f} {off_rate:>12.3f}"
        )
        # Refusing a question the coverage answers costs more than showing weak evidence with
        # its citations, so false refusals weigh double.
        cost = 2 * refusal + false_answer
        if best is None or cost < best[0]:
            best = (cost, threshold, refusal, false_answer)
    _, threshold, refusal, false_answer = best
    print(
        f"chosen threshold {threshold:.3f}: false refusal {refusal:.3f}, "
        f"false answer {false_answer:.3f}"
    )


if __name__ == "__main__":
    main()
