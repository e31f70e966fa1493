"""Retrieval evaluation against labelled questions: Recall@k, MRR@10 and answer-shown rates.

A question file is JSONL with ``question``, ``article_ids`` (or ``article_id``), optionally
``answer`` and ``question_date``. A question counts as found at k when any of its articles is
among the first k distinct articles returned; answer_in_article@k counts it found when one of
the first k articles holds the normalised ``answer`` string anywhere in its text (other coverage
of the same story answers too, and single-article labels undercount it); answer-shown@3 asks
whether the answer appears in the best passages of the top 3 articles. Each question is searched
as of its ``question_date`` when it has one, so preferring recent coverage is measured as if the
question had been asked that day.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .dates import parse_moment
from .engine import Engine
from .question_types import wants_latest

KS = (1, 5, 10)


@dataclass(frozen=True)
class EvalQuestion:
    """One labelled question."""

    qid: str
    question: str
    article_ids: tuple[str, ...]
    answer: str | None = None
    as_of: datetime | None = None


def load_questions(path: str | Path) -> list[EvalQuestion]:
    """Read a question file.

    Raises
    ------
    ValueError
        Naming the line of the first malformed question.
    """
    questions = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                ids = record.get("article_ids") or [record["article_id"]]
                questions.append(
                    EvalQuestion(
                        qid=str(record.get("qid", number)),
                        question=record["question"],
                        article_ids=tuple(str(i) for i in ids),
                        answer=record.get("answer") or None,
                        as_of=_end_of_day(record.get("question_date")),
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{path}:{number}: not a valid question ({error})") from None
    return questions


def normalise(text: str) -> str:
    """Lower-case, strip accents, quotes and punctuation, collapse spaces (for answer matching)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^\w$%.]+", " ", text)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # keep decimal points, drop full stops
    return " ".join(text.split())


def answer_shown(answer: str, texts: Iterable[str]) -> bool:
    """Whether the normalised ``answer`` occurs in any of ``texts`` (on word boundaries)."""
    wanted = normalise(answer)
    if not wanted:
        return False
    # "$5" must not match "$5.25": a decimal point followed by a digit continues the number.
    pattern = re.compile(rf"(?<!\w){re.escape(wanted)}(?!\w|\.\d)")
    return any(pattern.search(normalise(text)) for text in texts)


def evaluate(
    engine: Engine,
    questions: list[EvalQuestion],
    *,
    mode: str = "hybrid",
    use_dates: bool = True,
    with_answers: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Run every question and return the metrics.

    Parameters
    ----------
    engine : Engine
        The index to evaluate.
    questions : list[EvalQuestion]
    mode : {"hybrid", "dense", "keyword"}
        Retrievers to use.
    use_dates : bool
        Search each question as of its ``question_date``.
    with_answers : bool
        Also compose the answer and report ``answer_shown_in_answer``.
    progress : callable, optional
        ``progress(done, total)``.

    Returns
    -------
    dict
        ``n``, ``recall@1``, ``recall@5``, ``recall@10``, ``mrr@10``, ``answer_shown@3`` and
        ``answer_in_article@1/5/10`` (None if no question has an answer) and, with answers,
        ``answer_shown_in_answer``.
    """
    generation = engine.generation
    searcher = engine.searcher()
    tally = Tally(with_answers, generation.article_text)
    for done, question in enumerate(questions, start=1):
        candidates = searcher.retrieve(question.question, mode=mode)
        # As Engine.ask does: a question asking for the latest leads with the newest coverage.
        hits = searcher.rank(
            candidates,
            k=max(KS),
            as_of=question.as_of if use_dates else None,
            latest=wants_latest(question.question),
        )
        answer = (
            engine.answer_from_hits(question.question, hits, generation) if with_answers else None
        )
        tally.add(question, hits, generation.article_rows_by_id(question.article_ids), answer)
        if progress:
            progress(done, len(questions))
    return tally.metrics()


class Tally:
    """Accumulates per-question outcomes into the metrics :func:`evaluate` reports."""

    def __init__(
        self, with_answers: bool = False, article_text: Callable[[int], str] | None = None
    ):
        self.with_answers = with_answers
        self.article_text = article_text
        self.n = 0
        self.found = dict.fromkeys(KS, 0)
        self.reciprocal_rank = 0.0
        self.with_answer = self.shown = self.shown_in_answer = 0
        self.answered_in = dict.fromkeys(KS, 0)

    def add(self, question: EvalQuestion, hits, target_rows: dict[str, int], answer=None) -> None:
        """Score one question's hits (best first) against its labelled articles."""
        self.n += 1
        targets = set(target_rows.values())
        rank = next((i for i, hit in enumerate(hits, 1) if hit.article_row in targets), None)
        for k in KS:
            self.found[k] += rank is not None and rank <= k
        self.reciprocal_rank += 1.0 / rank if rank else 0.0
        if question.answer:
            self.with_answer += 1
            self.shown += answer_shown(question.answer, (hit.passage.text for hit in hits[:3]))
            if answer is not None:
                self.shown_in_answer += answer_shown(question.answer, [answer.text])
            if self.article_text is not None:
                # Other coverage of the same story answers too: the first of the top articles
                # whose text holds the answer string, whatever the label says.
                first = next(
                    (
                        i
                        for i, hit in enumerate(hits[: max(KS)], 1)
                        if answer_shown(question.answer, [self.article_text(hit.article_row)])
                    ),
                    None,
                )
                for k in KS:
                    self.answered_in[k] += first is not None and first <= k

    def metrics(self) -> dict:
        """``n``, ``recall@k``, ``mrr@10``, ``answer_shown@3``, ``answer_in_article@k`` (with an
        ``article_text``) and ``answer_shown_in_answer`` (with answers)."""
        n = self.n
        result = {
            "n": n,
            **{f"recall@{k}": self.found[k] / n if n else 0.0 for k in KS},
            "mrr@10": self.reciprocal_rank / n if n else 0.0,
            "answer_shown@3": self.shown / self.with_answer if self.with_answer else None,
        }
        if self.article_text is not None:
            for k in KS:
                result[f"answer_in_article@{k}"] = (
                    self.answered_in[k] / self.with_answer if self.with_answer else None
                )
        if self.with_answers:
            result["answer_shown_in_answer"] = (
                self.shown_in_answer / self.with_answer if self.with_answer else None
            )
        return result


def _end_of_day(value: str | None) -> datetime | None:
    """A ``question_date`` without a time is asked at the end of that day."""
    return parse_moment(value, end_of_day=True) if value else None
