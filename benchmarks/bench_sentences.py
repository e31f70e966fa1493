"""Sentence splitters compared on accuracy and speed: ours against the well-kept alternatives.

Run (from the repository root)::

    .venv/bin/python benchmarks/bench_sentences.py GOLDEN_RULES.py \\
        [--news ../shared/eval/realtimeqa/articles.jsonl] [--articles 1000] [--show-failures]

``GOLDEN_RULES.py`` is ``benchmarks/english_golden_rules.py`` of the pySBD repository
(github.com/nipunsadvilkar/pySBD, MIT licence): the English Golden Rules, 48 hard cases with the
expected sentences. It is read with ``ast.literal_eval`` (never executed) and is not shipped here;
fetch it from that repository. The other splitters are optional: install any of ``pysbd``,
``syntok``, ``blingfire``, ``nupunkt`` (``pip install --target DIR ...`` and put ``DIR`` on
``PYTHONPATH`` to keep them out of the project's environment); missing ones are skipped.

Accuracy, two sets, a case counting when the splitter returns exactly the expected sentences
(each stripped of surrounding whitespace):

- **golden**: the Golden Rules above;
- **news**: made-up sentences shaped like news prose (below): "said no." ends a sentence, "U.S.",
  "L.A.", "Sens.", "Gov.", "No. 10", decimals, initials and ``?"`` quotes do not, and so on.

Speed: characters a second over the texts of the first ``--articles`` articles of ``--news``
(default: the golden texts repeated), one pass each after a warm-up (a second pass over the same
texts would time some libraries' caches). News collections are split at build time, so this
matters.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.sentences import split_sentences

Splitter = Callable[[str], list[str]]

# Made-up news prose; every case is (text, expected sentences).
NEWS_CASES: list[tuple[str, list[str]]] = [
    (
        "Asked whether the county would close the clinic, Supervisor Dana Ruiz said no. "
        "The clinic's lease runs through June.",
        [
            "Asked whether the county would close the clinic, Supervisor Dana Ruiz said no.",
            "The clinic's lease runs through June.",
        ],
    ),
    (
        "The L.A. County fire chief said crews were ready. Winds eased overnight.",
        ["The L.A. County fire chief said crews were ready.", "Winds eased overnight."],
    ),
    (
        "Sens. Maria Vance and Tom Greer wrote to Gov. Ellen Park on Monday. She did not reply.",
        [
            "Sens. Maria Vance and Tom Greer wrote to Gov. Ellen Park on Monday.",
            "She did not reply.",
        ],
    ),
    (
        "The U.S. Navy said Gen. Ray Ortiz would visit. The trip was not announced in advance.",
        [
            "The U.S. Navy said Gen. Ray Ortiz would visit.",
            "The trip was not announced in advance.",
        ],
    ),
    (
        "Exports to the U.S. fell. Imports rose 2.4 percent in March.",
        ["Exports to the U.S. fell.", "Imports rose 2.4 percent in March."],
    ),
    (
        "The prime minister returned to No. 10 Downing Street on Friday. Aides said little.",
        [
            "The prime minister returned to No. 10 Downing Street on Friday.",
            "Aides said little.",
        ],
    ),
    (
        "The team is ranked No. 3 in the nation. Its coach, J. R. Simms, said the ranking "
        "meant nothing.",
        [
            "The team is ranked No. 3 in the nation.",
            "Its coach, J. R. Simms, said the ranking meant nothing.",
        ],
    ),
    (
        '"Where were the inspectors?" asked resident Carla Diaz. The agency did not comment.',
        ['"Where were the inspectors?" asked resident Carla Diaz.', "The agency did not comment."],
    ),
    (
        "“Who pays for it?” she asked. “Not us.”",
        ["“Who pays for it?” she asked.", "“Not us.”"],
    ),
    (
        "The vote is set for 7 p.m. Tuesday. Turnout is expected to be light.",
        ["The vote is set for 7 p.m. Tuesday.", "Turnout is expected to be light."],
    ),
    (
        "Polls close at 8 p.m. Results are expected by midnight.",
        ["Polls close at 8 p.m.", "Results are expected by midnight."],
    ),
    (
        "Shares of Acme Corp. rose 3.5% to $41.20. The company, based in St. Louis, did not "
        "comment.",
        [
            "Shares of Acme Corp. rose 3.5% to $41.20.",
            "The company, based in St. Louis, did not comment.",
        ],
    ),
    (
        "Rep. Ana Lee, D-Calif., voted against the bill. It passed 218-214.",
        ["Rep. Ana Lee, D-Calif., voted against the bill.", "It passed 218-214."],
    ),
    (
        "The hearing was moved to Jan. 31. Lawyers for both sides agreed.",
        ["The hearing was moved to Jan. 31.", "Lawyers for both sides agreed."],
    ),
    (
        "He moved to Washington, D.C. in 2019. He now runs a bakery.",
        ["He moved to Washington, D.C. in 2019.", "He now runs a bakery."],
    ),
    (
        "She works for Smith & Co. in Denver. The firm has 40 employees.",
        ["She works for Smith & Co. in Denver.", "The firm has 40 employees."],
    ),
    (
        'Dr. Lena Fox, a professor at the University of Iowa, disagreed. "It\'s not that simple," '
        "she said.",
        [
            "Dr. Lena Fox, a professor at the University of Iowa, disagreed.",
            '"It\'s not that simple," she said.',
        ],
    ),
    (
        "Was it worth it? The mayor thinks so.",
        ["Was it worth it?", "The mayor thinks so."],
    ),
    (
        "The U.N. Security Council met. The U.K. abstained.",
        ["The U.N. Security Council met.", "The U.K. abstained."],
    ),
    (
        "Mr. and Mrs. Patel opened the shop in 1998. It closed last month.",
        ["Mr. and Mrs. Patel opened the shop in 1998.", "It closed last month."],
    ),
    (
        "Lt. Col. Sam Reed and Sgt. Maj. Ida Cole spoke first. Then the families spoke.",
        [
            "Lt. Col. Sam Reed and Sgt. Maj. Ida Cole spoke first.",
            "Then the families spoke.",
        ],
    ),
    (
        "The sheriff said the answer was no. Deputies would stay.",
        ["The sheriff said the answer was no.", "Deputies would stay."],
    ),
    (
        "Vol. 3 of the report is due in Sept. The first two were late.",
        ["Vol. 3 of the report is due in Sept.", "The first two were late."],
    ),
    (
        "The storm hit Ft. Myers and Mt. Dora. Power was out for days.",
        ["The storm hit Ft. Myers and Mt. Dora.", "Power was out for days."],
    ),
    (
        "The bill now goes to the Senate... Its fate there is unclear.",
        ["The bill now goes to the Senate...", "Its fate there is unclear."],
    ),
    (
        "“We lost everything,” said farmer Ben Holt. “Every acre.”",
        ["“We lost everything,” said farmer Ben Holt.", "“Every acre.”"],
    ),
]


def load_golden(path: Path) -> list[tuple[str, list[str]]]:
    """The ``GOLDEN_EN_RULES`` list of pySBD's file, read as a literal (never executed)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "GOLDEN_EN_RULES"
            for target in node.targets
        ):
            return [(text, list(expected)) for text, expected in ast.literal_eval(node.value)]
    raise SystemExit(f"{path}: no GOLDEN_EN_RULES list")


def splitters() -> dict[str, Splitter]:
    """Every splitter that can be imported here, by name, as text -> stripped sentences."""
    found: dict[str, Splitter] = {
        "newsdesk": lambda text: [span.of(text) for span in split_sentences(text)]
    }
    try:
        import pysbd

        segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
        found["pysbd 0.3 (char_span)"] = lambda text: _strip(
            text[s.start : s.end] for s in segmenter.segment(text)
        )
    except ImportError:
        pass
    try:
        from syntok import segmenter as syntok

        def by_syntok(text: str) -> list[str]:
            return _strip(
                text[s[0].offset : s[-1].offset + len(s[-1].value)]
                for paragraph in syntok.analyze(text)
                for s in paragraph
            )

        found["syntok"] = by_syntok
    except ImportError:
        pass
    try:
        import blingfire

        found["blingfire"] = lambda text: _strip(
            text[start:end] for start, end in blingfire.text_to_sentences_and_offsets(text)[1]
        )
    except ImportError:
        pass
    try:
        import nupunkt

        nupunkt.sent_spans("Warm up. The model loads once.")
        found["nupunkt"] = lambda text: _strip(
            text[start:end] for start, end in nupunkt.sent_spans(text)
        )
    except ImportError:
        pass
    return found


def _strip(pieces) -> list[str]:
    return [piece.strip() for piece in pieces if piece.strip()]


def accuracy(split: Splitter, cases: list[tuple[str, list[str]]]) -> tuple[int, list[int]]:
    """(cases split exactly right, numbers of the failed ones, from 1)."""
    failed = []
    for number, (text, expected) in enumerate(cases, start=1):
        try:
            got = split(text)
        except Exception:  # a library crashing on a case is a failed case
            got = None
        if got != [sentence.strip() for sentence in expected]:
            failed.append(number)
    return len(cases) - len(failed), failed


def speed(found: dict[str, Splitter], texts: list[str]) -> dict[str, float]:
    """Characters a second over one pass through ``texts``, each splitter warmed up first.

    One pass, not the best of several: some libraries memoise what they saw, and a second pass
    over the same texts would time their caches.
    """
    chars = sum(len(text) for text in texts)
    rates = {}
    for name, split in found.items():
        split("Warm up, Mr. Smith. Models and tables load now.")
        started = time.perf_counter()
        for text in texts:
            split(text)
        rates[name] = chars / (time.perf_counter() - started)
    return rates


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("golden", type=Path, help="pySBD's benchmarks/english_golden_rules.py")
    parser.add_argument("--news", type=Path, help="a JSONL of articles whose texts are timed")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--show-failures", action="store_true", help="print each failed case")
    args = parser.parse_args(argv)

    golden = load_golden(args.golden)
    if args.news:
        with args.news.open(encoding="utf-8") as lines:
            texts = [
                json.loads(line)["text"]
                for _, line in zip(range(args.articles), lines, strict=False)
            ]
    else:
        texts = [text for text, _ in golden] * 50
    found = splitters()
    rates = speed(found, texts)

    source = f"{len(texts)} texts of {args.news.name}" if args.news else "golden texts x50"
    print(f"speed: one pass over {sum(map(len, texts)):,} characters ({source})\n")
    print(f"| splitter | golden rules ({len(golden)}) | news cases ({len(NEWS_CASES)}) | chars/s |")
    print("|---|---|---|---|")
    failures = {}
    for name, split in found.items():
        golden_ok, golden_failed = accuracy(split, golden)
        news_ok, news_failed = accuracy(split, NEWS_CASES)
        failures[name] = (golden_failed, news_failed)
        print(
            f"| {name} | {golden_ok} ({golden_ok / len(golden):.0%}) "
            f"| {news_ok} ({news_ok / len(NEWS_CASES):.0%}) | {rates[name]:,.0f} |"
        )
    print()
    for name, (golden_failed, news_failed) in failures.items():
        print(f"{name}: golden failed {golden_failed}; news failed {news_failed}")
        if args.show_failures:
            for number in news_failed:
                text, expected = NEWS_CASES[number - 1]
                print(f"  news {number}: {found[name](text)!r}\n    expected {expected!r}")
            for number in golden_failed:
                text, expected = golden[number - 1]
                print(f"  golden {number}: {found[name](text)!r}\n    expected {expected!r}")


if __name__ == "__main__":
    main()
