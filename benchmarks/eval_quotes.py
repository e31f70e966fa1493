"""Quotation extraction and speaker attribution (``index.quotes.find_quotes``) on PolNeAR.

Runs ``find_quotes`` over every article of the gold file, writes the predictions under ``.cache/``,
scores them with the shared scorer (``score_quotes.py`` beside the gold file) and prints one table:
extraction recall, the named-speaker figures (end-to-end, misattribution, unattributed), the
unsupported-prediction rate, the pronoun and description rows (how many of those quotations got a
resolved name, which the scorer counts as literal mismatches), and the speed in quotes and
articles per CPU second.

Only ``direct`` quotations are emitted by default: the gold holds direct quotations only, and a
paraphrase ("X said the plan would fail") would be scored as a prediction with no gold quote.
``--kinds direct,according_to,paraphrase`` scores everything ``find_quotes`` returns.

Run: ``.venv/bin/python benchmarks/eval_quotes.py [../shared/eval/quotes/polnear.jsonl]``

The gold file is for evaluation only (see the README beside it): nothing of it is copied here.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from index.quotes import find_quotes

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = REPO.parent / "shared" / "eval" / "quotes" / "polnear.jsonl"
PRONOUNS = frozenset(["he", "she", "they", "i", "we", "you", "who", "him", "her", "them", "it"])


def _load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _predict(articles: list[dict], kinds: set[str], repeats: int) -> tuple[list[dict], int, float]:
    """Predictions in the scorer's format, how many quotations ``find_quotes`` returned (all
    kinds), and the best CPU time of ``repeats`` full passes (CPU time, so that other processes
    on a busy machine don't count against it)."""
    best = float("inf")
    rows: list[dict] = []
    for _ in range(repeats):
        started = time.process_time()
        found = [find_quotes(article["text"]) for article in articles]
        best = min(best, time.process_time() - started)
    for article, quotes in zip(articles, found, strict=True):
        rows.append(
            {
                "id": article["id"],
                "quotes": [
                    {
                        "start": q.start,
                        "end": q.end,
                        "speaker": q.speaker,
                        "kind": q.kind,
                        "speaker_text": getattr(q, "speaker_text", None),
                        "cue": getattr(q, "cue", None),
                    }
                    for q in quotes
                    if q.kind in kinds
                ],
            }
        )
    return rows, sum(len(quotes) for quotes in found), best


def _is_name(speaker: str | None) -> bool:
    """Whether a predicted speaker is a person's name (not a pronoun or a description)."""
    if not speaker:
        return False
    words = speaker.split()
    return speaker.lower() not in PRONOUNS and words[0][:1].isupper()


def _resolutions(details: Path) -> Counter:
    """Per gold speaker type: matched quotations whose prediction carries a name."""
    counts: Counter = Counter()
    with details.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            kind = row["gold"].get("speaker_type")
            if row["outcome"] == "missed" or kind not in ("pronoun", "nominal"):
                continue
            counts[f"{kind} matched"] += 1
            speaker = row["pred"].get("speaker")
            if speaker is None:
                counts[f"{kind} unattributed"] += 1
            elif _is_name(speaker):
                counts[f"{kind} named"] += 1
            else:
                counts[f"{kind} literal"] += 1
    return counts


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--scorer", type=Path, help="default: score_quotes.py beside the gold")
    parser.add_argument("--kinds", default="direct", help="Quote.kind values to emit")
    parser.add_argument("--out", type=Path, default=REPO / ".cache" / "eval_quotes")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes (best is kept)")
    args = parser.parse_args()

    articles = _load(args.gold)
    kinds = set(args.kinds.split(","))
    find_quotes(articles[0]["text"])  # compiled patterns and caches warm, as in a running build
    rows, returned, seconds = _predict(articles, kinds, args.repeats)

    args.out.mkdir(parents=True, exist_ok=True)
    predictions = args.out / f"{args.gold.stem}-pred.jsonl"
    with predictions.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    scorer = args.scorer or args.gold.with_name("score_quotes.py")
    result_path = args.out / f"{args.gold.stem}-score.json"
    details = args.out / f"{args.gold.stem}-details.jsonl"
    run = subprocess.run(
        [
            sys.executable,
            str(scorer),
            str(predictions),
            str(args.gold),
            "--json-out",
            str(result_path),
            "--details",
            str(details),
        ],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        print(run.stdout + run.stderr, file=sys.stderr)
        return run.returncode
    result = json.loads(result_path.read_text(encoding="utf-8"))
    groups = result["by_speaker_type"]
    name = groups.get("name", {})
    resolved = _resolutions(details)
    predicted = sum(len(row["quotes"]) for row in rows)
    characters = sum(len(article["text"]) for article in articles)

    print(f"PolNeAR quotes: {args.gold}")
    print(f"{len(articles)} articles, {result['gold_quotes']} gold quotations; emitted {kinds}")
    print(f"{'figure':<46}{'value':>12}")
    table = [
        ("extraction recall (all gold)", _percent(result["extraction_recall"])),
        ("named speaker: found", _percent(name.get("recall"))),
        ("named speaker: end-to-end", _percent(name.get("end_to_end"))),
        ("named speaker: attribution accuracy", _percent(name.get("attribution_accuracy"))),
        ("named speaker: misattribution", _percent(name.get("misattribution_rate"))),
        ("named speaker: unattributed", _percent(name.get("unattributed_rate"))),
        ("unsupported predictions", _percent(result["unsupported_prediction_rate"])),
    ]
    for kind, label in (("pronoun", "pronoun"), ("nominal", "description")):
        group = groups.get(kind, {})
        matched = resolved[f"{kind} matched"]
        table += [
            (f"{label} speaker: found", _percent(group.get("recall"))),
            (
                f"{label} speaker: resolved to a name",
                f"{resolved[f'{kind} named']}/{matched}",
            ),
            (f"{label} speaker: kept as written", f"{resolved[f'{kind} literal']}/{matched}"),
            (f"{label} speaker: unattributed", f"{resolved[f'{kind} unattributed']}/{matched}"),
        ]
    table += [
        ("predicted quotations", f"{predicted:,}"),
        ("speed: quotations a second (all kinds)", f"{returned / seconds:,.0f}"),
        ("speed: articles a second", f"{len(articles) / seconds:,.0f}"),
        ("speed: MB of text a second", f"{characters / seconds / 1e6:.2f}"),
    ]
    for label, value in table:
        print(f"{label:<46}{value:>12}")
    print(f"predictions and scorer details: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
