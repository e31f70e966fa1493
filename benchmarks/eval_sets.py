"""Prepare the shared evaluation sets for indexing (derived copies in a scratch directory).

Run: ``python benchmarks/eval_sets.py [--shared ../shared] [--out .cache/eval]``. Writes:

- ``bbc.jsonl``: the BBC articles with their headline removed from what is indexed (the
  headlines are the queries): the displayed title is the article's first sentence, and the
  build uses ``--no-title``; the "2004-2005" date range is dropped (it is not a date).
- ``rtqa-2000.jsonl``: every RealTimeQA article that answers a question plus random others
  (seed 13) up to 2,000, the subset the issue's first table was measured on.

The full RealTimeQA set is indexed straight from ``../shared/eval/realtimeqa/articles.jsonl``.
Nothing here is committed: the article texts are their publishers' copyright.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--out", type=Path, default=HERE.parent / ".cache" / "eval")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with (
        open(args.shared / "eval/bbc/articles.jsonl") as source,
        open(args.out / "bbc.jsonl", "w") as target,
    ):
        for line in source:
            record = json.loads(line)
            first = record["text"].strip().split("\n")[0]
            title = first if len(first) <= 120 else first[:120].rsplit(" ", 1)[0] + "…"
            target.write(
                json.dumps(
                    {
                        "id": record["id"],
                        "title": title,
                        "text": record["text"],
                        "source": "BBC",
                    }
                )
                + "\n"
            )

    rtqa = args.shared / "eval/realtimeqa"
    articles = _jsonl(rtqa / "articles.jsonl")
    questions = _jsonl(rtqa / "questions.jsonl")
    answering = {i for q in questions for i in (q.get("article_ids") or [q["article_id"]])}
    others = [a for a in articles if a["id"] not in answering]
    random.Random(13).shuffle(others)
    subset = [a for a in articles if a["id"] in answering] + others[: 2000 - len(answering)]
    with open(args.out / "rtqa-2000.jsonl", "w") as target:
        for article in subset:
            target.write(json.dumps(article) + "\n")
    print(
        f"wrote {args.out}: bbc.jsonl, rtqa-2000.jsonl ({len(subset)} articles, "
        f"{len(answering)} answering)"
    )


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


if __name__ == "__main__":
    main()
