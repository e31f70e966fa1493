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
from dataclasses import replace
from pathlib import Path

from index.build import Builder
from index.embedding import Embedder
from index.engine import Engine
from index.evaluate import EvalQuestion, answer_shown, load_questions

HERE = Path(__file__).resolve().parent


def top_similarities(engine: Engine, questions) -> list[tuple[float, bool]]:
    """Per question: the best passage's cosine (0 when nothing is retrieved), and whether the
    answer composed from those hits shows the question's answer string."""
    results = []
    for question in questions:
        hits = engine.search(question.question, k=5, as_of=question.as_of)
        similarity = (hits[0].dense_score or 0.0) if hits else 0.0
        shown = False
        if question.answer and hits:
            answer = engine.answer_from_hits(question.question, hits)
            shown = answer_shown(question.answer, [answer.text])
        results.append((similarity, shown))
    return results


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
    # Measure the evidence itself: the threshold under test must not refuse inside the loop.
    full.answer_params = replace(full.answer_params, min_similarity=0.0)
    answerable = top_similarities(full, questions)
    off = top_similarities(full, [EvalQuestion(r["qid"], r["question"], ()) for r in offtopic])

    removed_dir = args.index.parent / f"{args.index.name}-without-answers"
    if not removed_dir.exists():
        shutil.copytree(args.index, removed_dir)
        answering = {i for q in questions for i in q.article_ids}
        Builder(removed_dir, embedder).remove(answering)
    without = Engine(removed_dir, embedder=embedder)
    without.answer_params = full.answer_params
    removed = top_similarities(without, questions)

    # Without its own article a question may still be answered by other coverage of the same
    # story: answering it is only false when the answer shown lacks the quiz's answer.
    print(
        f"should answer: {len(answerable)}; cannot answer: {len(removed)} (answering articles "
        f"removed; an answer showing the right answer from other coverage counts as correct) "
        f"+ {len(off)} off-topic"
    )
    print(
        f"{'threshold':>9} {'false refusal':>14} {'false answer':>13} "
        f"{'(removed)':>10} {'(off-topic)':>12} {'removed, right':>15}"
    )
    best = None
    for step in range(0, 25):
        threshold = 0.20 + step * 0.025
        refusal = sum(s < threshold for s, _ in answerable) / len(answerable)
        removed_false = sum(s >= threshold and not shown for s, shown in removed)
        removed_right = sum(s >= threshold and shown for s, shown in removed)
        off_false = sum(s >= threshold for s, _ in off)
        false_answer = (removed_false + off_false) / (len(removed) + len(off))
        print(
            f"{threshold:>9.3f} {refusal:>14.3f} {false_answer:>13.3f} "
            f"{removed_false / len(removed):>10.3f} {off_false / max(len(off), 1):>12.3f} "
            f"{removed_right / len(removed):>15.3f}"
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
