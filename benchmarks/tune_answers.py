"""Compare answer-composition settings on one built index, all in one run.

Each question is retrieved once with the default search (as of its ``question_date``); every
setting then composes an answer from those same hits, so only the sentence choice differs. Prints
answer-shown-in-the-answer (the question's answer string, normalised, in the answer text) for the
default :class:`index.answer.AnswerParams`, each selection rule switched off or changed in turn,
and all of them off (every sentence discounted by its article's rank, no answer types).

Run: ``python benchmarks/tune_answers.py --index .cache/ix/rtqa5000 \\
--questions ../shared/eval/realtimeqa/questions.jsonl``
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from index.answer import AnswerParams
from index.embedding import Embedder
from index.engine import Engine
from index.evaluate import answer_shown, load_questions

# The answer-type rules (index.question_types): what the question asks for.
NO_TYPES = {"type_bonus": 0.0, "focus_weight": 1.0, "update_bonus": 0.0, "superlative_bonus": 0.0}
# Every sentence discounted by its article's rank alone, as the first release did.
BY_RANK = {"rank_decay": 3.0, "relevance_decay": 0.0}
PREVIOUS = {
    "lead_rank_decay": 3.0,
    **BY_RANK,
    "redundancy": 0.0,
    "question_penalty": 1.0,
    "preamble_weight": 1.0,
    "standalone_preamble_weight": 1.0,
    "typed_floor_slope": 0.0,
    **NO_TYPES,
}

SETTINGS = [
    ("default", {}),
    ("no answer-type rules", NO_TYPES),
    ("no answer-type bonus (focus words kept)", {"type_bonus": 0.0}),
    ("no focus words (type bonus kept)", {"focus_weight": 1.0}),
    ("type bonus 1.0", {"type_bonus": 1.0}),
    ("type bonus 0.25", {"type_bonus": 0.25}),
    ("focus words x3", {"focus_weight": 3.0}),
    ("no superlative bonus", {"superlative_bonus": 0.0}),
    ("lead sentence also discounted by article rank", {"lead_rank_decay": 3.0}),
    ("following sentences discounted by article rank only (rank decay 3)", BY_RANK),
    ("typed floor without its slope (a flat 0.3)", {"typed_floor_slope": 0.0}),
    ("no redundancy discount (MMR off)", {"redundancy": 0.0}),
    ("no question-sentence penalty", {"question_penalty": 1.0}),
    (
        "scene-setting question terms weigh 1",
        {"preamble_weight": 1.0, "standalone_preamble_weight": 1.0},
    ),
    (
        "scene-setting terms weigh 0.5 even when the asking sentence stands alone",
        {"standalone_preamble_weight": 0.5},
    ),
    ("all off (the selection before answer types and MMR)", PREVIOUS),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("-k", type=int, default=5, help="articles retrieved per question")
    args = parser.parse_args()

    questions = [q for q in load_questions(args.questions) if q.answer]
    engine = Engine(args.index, embedder=Embedder())
    retrieved = []
    for question in questions:
        searcher = engine.searcher()
        hits = searcher.search(question.question, k=args.k, as_of=question.as_of)
        retrieved.append((question, hits, searcher.generation))

    print(f"{len(questions)} questions with an answer string, {args.index}")
    width = max(len(name) for name, _ in SETTINGS)
    print(f"{'setting':<{width}} {'answer shown in answer':>23}")
    for name, changes in SETTINGS:
        engine.answer_params = replace(AnswerParams(), **changes)
        shown = sum(
            answer_shown(q.answer, [engine.answer_from_hits(q.question, hits, generation).text])
            for q, hits, generation in retrieved
        )
        print(f"{name:<{width}} {shown / len(questions):>23.3f}")


if __name__ == "__main__":
    main()
