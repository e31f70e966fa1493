"""Extractive, cited answers: the articles' own sentences for a question, or "not covered".

An :class:`Answer` is made only of text copied from articles (exact character spans), each part
followed by a citation marker, plus connective labels naming a speaker. Nothing is generated.

Two paths:

- "What did X say (about Y)?" questions (recognised by :mod:`index.quotes`) collect the
  quotations attributed to X in the retrieved articles, prefer those matching Y, and show them
  as quotes with the speaker's name.
- Any other question scores the sentences of the retrieved passages against it (the IDF-weighted
  share of the question's stemmed terms a sentence contains). The sentence covering the question
  best leads, whichever retrieved article it is in; the next ones are discounted by their
  article's rank and by how much they repeat a sentence already chosen (maximal marginal
  relevance), so the answer adds facts rather than restating one. Sentences that are themselves
  questions or page furniture (photo credits, captions, "Read more"), and word-for-word repeats
  from wire copies, are demoted. Two or three sentences are kept, up to ~600 characters; a
  sentence that leans on the one before it ("It", "He", "The show") brings that one along.

When the best evidence is too weak (the top passage's cosine similarity below a threshold
calibrated on the shared eval sets, see README), the answer says the coverage does not answer the
question and lists the closest articles instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from .dates import to_utc
from .furniture import is_furniture
from .keyword import KeywordIndex, term_share
from .question_types import (
    asking_part,
    checkable,
    classify,
    focus_words,
    is_question,
    offers,
    place_noun,
    reports_update,
    superlative,
    superlative_windows,
    without_latest,
)
from .quote_index import QuoteHit
from .quotes import parse_speech_question
from .search import Hit
from .sentences import split_sentences

NOT_COVERED = "The articles I have don't answer that, so I won't guess."
# After a citation whose article is only its feed's summary (the page could not be read).
PARTIAL = "partial: feed summary only"
# A sentence opening like this usually needs the previous sentence to make sense.
_LEANS_BACK = re.compile(
    r"^[\"“‘']?(It|He|She|They|This|That|These|Those|The (show|company|move|deal|group|film|"
    r"bill|president|country|team|event|star|singer|actor|network|agency|report|plan))\b"
)


@dataclass(frozen=True)
class Evidence:
    """What the retrieved articles offer for one question, for the coverage decision.

    Attributes
    ----------
    kind : str
        The question's type (:data:`index.question_types.TYPES`).
    similarity : float
        The best cosine between the question and a passage of the retrieved articles (0 to 1;
        0 when only the keyword retriever found them).
    match : float
        The IDF-weighted share of the question's terms held by the best-matching sentence of
        the retrieved passages (0 to 1): rare names and terms found word for word.
    typed_match : float
        The same, over the sentences holding what the question asks for (a number for "how
        many", a description for "who is X"; :func:`index.question_types.offers`); 0 if none.
        For "which country/state/province" questions, without that word, which the sentence
        naming one rarely repeats.
    """

    kind: str
    similarity: float
    match: float
    typed_match: float


@dataclass(frozen=True)
class CoverageRule:
    """When the articles answer a question: per question type, a passage similarity strong
    enough on its own, or a sentence that matches the question's words that well *and* holds
    what the question asks for (a number for "how many", a description for "who is X"...).
    Calibrated in ``benchmarks/calibrate_coverage.py``; figures in README.

    ``similarity[kind]`` and ``match[kind]`` fall back to the ``"default"`` entry. A match
    threshold above 1 switches the sentence path off for that type.
    """

    # Chosen by benchmarks/calibrate_coverage.py on 191 questions the collections answer
    # (RealTimeQA, Wikinews) and 256 they cannot (off-topic, Wikinews-era details no article
    # gives): 2.6 % false refusals, 3.1 % / 2.0 % of off-topic questions answered (README).
    similarity: tuple[tuple[str, float], ...] = (
        ("count", 0.55),
        ("default", 0.45),
        ("definition", 0.55),
        ("entity", 0.5),
        ("other", 0.525),
        ("place", 0.625),
        ("statement", 0.65),
        ("time", 0.5),
    )
    match: tuple[tuple[str, float], ...] = (("default", 0.85),)
    # The sentence path still needs passages loosely about the question: a recipe's
    # "2 tablespoons" matches "how many teaspoons are in a tablespoon" word for word.
    match_floor: float = 0.35

    def covers(self, evidence: Evidence) -> bool:
        """Whether ``evidence`` is enough to answer."""
        similarity, match = dict(self.similarity), dict(self.match)
        kind = evidence.kind
        if evidence.similarity >= similarity.get(kind, similarity["default"]):
            return True
        return evidence.similarity >= self.match_floor and evidence.typed_match >= match.get(
            kind, match["default"]
        )


@dataclass(frozen=True)
class AnswerParams:
    """Limits and the coverage threshold (calibrated on the shared eval sets; see README)."""

    max_sentences: int = 3
    max_chars: int = 600
    coverage: CoverageRule = field(default_factory=CoverageRule)  # when to say "not covered"
    max_articles: int = 5
    # The first sentences of each retrieved article, up to this many characters, are candidates
    # too, beside its retrieved passages (0: passages only).
    lede_chars: int = 300
    # The lead sentence is the one covering the question best in any retrieved article (the
    # articles are already ranked); the following ones are discounted by their article's rank,
    # dividing by 1 + rank_decay * rank, since the best article usually holds the rest.
    lead_rank_decay: float = 0.0
    rank_decay: float = 1.0
    # ... and multiplied by their article's retrieval score relative to the best article's,
    # to this power: two articles on the same story share the answer; a rank alone would
    # discount the second as much as an off-topic one.
    relevance_decay: float = 1.0
    # Maximal marginal relevance: a sentence sharing most of its words with one already chosen
    # (the same fact again) loses up to this share of the lead sentence's score.
    redundancy: float = 0.3
    # A sentence that asks a question ("Which team has played the most games?") restates the
    # question rather than answering it; its score is multiplied by this.
    question_penalty: float = 0.3
    # A question sentence holding at least this share of the question's words is the question
    # itself, as a quiz or an FAQ prints it: never shown (above 1: kept, with the penalty).
    restated_question: float = 0.8
    # A line of fewer words than this without final punctuation is a heading, a caption, a list
    # item or a quiz's option: never shown (0: all lines are candidates).
    fragment_words: int = 8
    # What the question asks for (index.question_types): a sentence holding an answer of that
    # type (a number for "how many", a date for "when", a name for "who") counts this much more.
    type_bonus: float = 0.5
    # The words right after the question word ("how many *delegates*", "who *claimed*") weigh
    # this many times their IDF weight.
    focus_weight: float = 2.0
    # "Which state has the most cases?": a sentence with the same superlative before one of the
    # question's words ("California has the most cases") counts this much more.
    superlative_bonus: float = 0.5
    # "How many ... now?": a sentence reporting an updated figure ("rose to 58") counts more.
    update_bonus: float = 0.5
    # A sentence of the best article that holds what the question asks for scores at least this
    # much (before the type bonus), even when it shares no word with the question ...
    typed_floor: float = 0.3
    # ... plus this share of the question's words it does hold, so that of two such sentences
    # ("Shelter costs were up 5.6%", "gasoline ... up 60% over the year") the one sharing more
    # words with the question still ranks first.
    typed_floor_slope: float = 0.5
    # In a question of several sentences ("Judge hit his 62nd home run this week. Who holds the
    # record?"), words only in the scene-setting sentences weigh this much; the asking one, 1.
    preamble_weight: float = 0.5
    # ... unless the asking sentence stands alone, with no pronoun pointing back into them
    # ("Judge hit his 62nd home run. Who holds the record?"): then they weigh this much.
    standalone_preamble_weight: float = 0.0
    # Context for the best sentence: "lean" (only when it opens with "It", "He", ...),
    # "previous" (always the sentence before), "around" (the sentences before and after).
    context: str = "lean"


@dataclass(frozen=True)
class Citation:
    """A cited article; ``marker`` is the number shown as ``[n]``.

    ``partial``: the article is its feed's summary or teaser (the page could not be read), so
    readers know the quote may lack context; ``updated``: when the outlet changed the story
    after publishing it (None when it never did, or it is not known).
    """

    marker: int
    article_id: str
    title: str
    source: str | None
    published: datetime | None
    url: str | None
    partial: bool = False
    updated: datetime | None = None

    @property
    def update_shown(self) -> tuple[datetime, bool] | None:
        """See :func:`update_shown`."""
        return update_shown(self.updated, self.published)

    @property
    def flags(self) -> list[str]:
        """See :func:`coverage_flags`."""
        return coverage_flags(self.partial, self.updated, self.published)

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "marker": self.marker,
            "article_id": self.article_id,
            "title": self.title,
            "source": self.source,
            "published": self.published.isoformat() if self.published else None,
            "url": self.url,
            "partial": self.partial,
            "updated": self.updated.isoformat() if self.updated else None,
        }


def update_shown(
    updated: datetime | None, published: datetime | None
) -> tuple[datetime, bool] | None:
    """The update of a cited article to mention, if any: ``(updated, with_time)``.

    Only an update after publication counts (pages often give the publication time as their
    modified time too). On the day of publication the time of day is what tells the reader
    something, so ``with_time`` says to show it.
    """
    if updated is None or (published is not None and to_utc(updated) <= to_utc(published)):
        return None
    return updated, published is not None and updated.date() == published.date()


def coverage_flags(
    partial: bool, updated: datetime | None, published: datetime | None
) -> list[str]:
    """``updated 2024-11-30`` (with the time in UTC on the day of publication) and
    ``partial: feed summary only``, when they apply: what a citation shows after the date."""
    flags = []
    if (shown := update_shown(updated, published)) is not None:
        moment, with_time = shown
        when = (
            to_utc(moment).strftime("%Y-%m-%d %H:%M UTC")
            if with_time
            else moment.date().isoformat()
        )
        flags.append(f"updated {when}")
    if partial:
        flags.append(PARTIAL)
    return flags


@dataclass(frozen=True)
class AnswerPart:
    """One piece of the answer: exact article words, an optional label, one citation."""

    text: str
    citation: int
    label: str | None = None
    is_quote: bool = False
    article_id: str = ""
    start: int = 0  # offsets of ``text`` in the article
    end: int = 0

    def render(self) -> str:
        """Plain-text form: ``Label: “quote” [n]`` or ``sentence [n]``."""
        body = f"“{self.text}”" if self.is_quote else self.text
        if self.label:
            body = f"{self.label}: {body}"
        return f"{body} [{self.citation}]"


@dataclass(frozen=True)
class Answer:
    """The answer to one question, ready for any transport (Discord, console, CLI)."""

    question: str
    covered: bool
    parts: list[AnswerPart] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    closest: list[Citation] = field(default_factory=list)
    note: str | None = None  # e.g. why a speech question fell back to plain sentences

    @property
    def text(self) -> str:
        """The answer as shown to the user, with ``[n]`` citation markers."""
        if not self.covered:
            return self.note or NOT_COVERED
        lines = [part.render() for part in self.parts]
        if self.note:
            lines.insert(0, self.note)
        return "\n".join(lines)

    def as_dict(self) -> dict:
        """JSON-ready form: ``answer``, ``covered``, ``citations`` and more."""
        return {
            "question": self.question,
            "answer": self.text,
            "covered": self.covered,
            "citations": [c.as_dict() for c in self.citations],
            "closest": [c.as_dict() for c in self.closest],
            "parts": [
                {
                    "text": p.text,
                    "citation": p.citation,
                    "label": p.label,
                    "is_quote": p.is_quote,
                    "article_id": p.article_id,
                    "start": p.start,
                    "end": p.end,
                }
                for p in self.parts
            ],
        }

    def render_plain(self) -> str:
        """A terminal rendering: the answer, then the numbered sources."""
        lines = [self.text, ""]
        listed = self.citations if self.covered else self.closest
        if listed:
            lines.append("Sources:" if self.covered else "Closest articles:")
        for citation in listed:
            lines.append(f"[{citation.marker}] {describe(citation)}")
        return "\n".join(lines).rstrip()


def no_articles_note(
    sources: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> str:
    """Why nothing was searched: "No articles from Reuters since 2025-01-01." (dates as given,
    in their own zone)."""
    parts = []
    outlets = [s.strip() for s in sources or () if s and s.strip()]
    if outlets:
        parts.append("from " + " or ".join(outlets))
    if since is not None:
        parts.append(f"since {since.date().isoformat()}")
    if until is not None:
        parts.append(f"until {until.date().isoformat()}")
    return f"No articles {' '.join(parts)} in the collection." if parts else NOT_COVERED


def describe(citation: Citation) -> str:
    """``Title — Outlet, 2024-11-29, updated 2024-11-30, partial: feed summary only <url>``
    with whatever is known."""
    details = [citation.source or "unknown outlet"]
    if citation.published:
        details.append(citation.published.date().isoformat())
    details += citation.flags
    text = f"{citation.title} — {', '.join(details)}"
    return f"{text} <{citation.url}>" if citation.url else text


@dataclass
class _Candidate:
    hit_rank: int
    hit: Hit
    start: int
    end: int
    text: str
    score: float
    terms: set[str] = field(default_factory=set)
    label: str | None = None
    is_quote: bool = False
    # The IDF-weighted share of the question's terms the sentence holds, before any bonus.
    match: float = 0.0
    # The best sentence and what it needs around it (the sentence it leans on, the answer to
    # a question sentence): shown first.
    lead: bool = False


class Composer:
    """Builds answers from search hits.

    Parameters
    ----------
    keywords : KeywordIndex
        For term analysis and IDF weights (the live generation's BM25 index).
    article_text : callable
        ``article_text(article_row) -> str``: the full text (quotes need surrounding context);
        raises ``KeyError`` for an article removed since the search.
    params : AnswerParams
    articles : callable, optional
        ``articles(rows) -> {row: StoredArticle}`` (the collection's catalog): citations then
        say whether an article is partial and when it was updated.
    """

    def __init__(
        self,
        keywords: KeywordIndex,
        article_text,
        params: AnswerParams | None = None,
        articles=None,
    ):
        self.keywords = keywords
        self.article_text = article_text
        self.params = params or AnswerParams()
        self.articles = articles

    def compose(
        self, question: str, hits: Sequence[Hit], quoted: Sequence[QuoteHit] | None = None
    ) -> Answer:
        """Answer ``question`` from ``hits`` (best first).

        Parameters
        ----------
        question : str
        hits : sequence of Hit
            Retrieved articles, best first.
        quoted : sequence of QuoteHit, optional
            For a "what did X say" question: X's quotations from the quote index, best first
            (see :meth:`index.engine.Engine.answer_from_hits`). When there are any, they are
            the answer; when there are none, the answer falls back to the passages, saying so.
        """
        answer = self._compose(question, hits, quoted)
        rows = {hit.article_id: hit.article_row for hit in hits}
        rows.update({quote.article_id: quote.article_row for quote in quoted or ()})
        return self._with_coverage_facts(answer, rows)

    def _with_coverage_facts(self, answer: Answer, rows: dict[str, int]) -> Answer:
        """The answer with each citation's partial flag and update time from the catalog
        (search hits do not carry them)."""
        cited = [*answer.citations, *answer.closest]
        if self.articles is None or not cited:
            return answer
        stored = self.articles({rows[c.article_id] for c in cited if c.article_id in rows})

        def noted(citation: Citation) -> Citation:
            meta = stored.get(rows.get(citation.article_id, -1))
            if meta is None:
                return citation
            return replace(citation, partial=meta.partial, updated=meta.updated)

        return replace(
            answer,
            citations=[noted(c) for c in answer.citations],
            closest=[noted(c) for c in answer.closest],
        )

    def _compose(
        self, question: str, hits: Sequence[Hit], quoted: Sequence[QuoteHit] | None
    ) -> Answer:
        hits = list(hits)[: self.params.max_articles]
        speech = parse_speech_question(question)
        if speech is not None and quoted:
            # The speaker's own quotations are the evidence: "what did X say" questions embed
            # far from any passage, so the similarity threshold does not apply to them.
            return self._assemble(question, _quote_candidates(quoted))
        if not hits:
            return Answer(question, covered=False)
        candidates = self._sentences(question, hits)
        about = f" about {speech.topic}" if speech is not None and speech.topic else ""
        if not self.params.coverage.covers(self.evidence(question, hits, candidates)):
            note = None
            if speech is not None:
                note = f"I found no quotes from {speech.speaker}{about} in the coverage."
            return Answer(question, covered=False, closest=_citations(hits), note=note)
        answer = self._assemble(question, candidates)
        if speech is not None and answer.covered:
            note = (
                f"I found no quotes from {speech.speaker}{about}; the closest coverage says "
                "(not their words):"
            )
            return Answer(
                question, answer.covered, answer.parts, answer.citations, answer.closest, note=note
            )
        return answer

    def evidence(
        self, question: str, hits: Sequence[Hit], candidates: list[_Candidate] | None = None
    ) -> Evidence:
        """What the retrieved articles offer for ``question``; see :class:`Evidence`."""
        hits = list(hits)[: self.params.max_articles]
        if candidates is None:
            candidates = self._sentences(question, hits)
        asked = classify(question)
        kind = asked.kind
        if not checkable(kind, question) and (kind == "entity" or asked.latest):
            # "Which show was green lit?": no test tells a sentence holding the answer, so the
            # sentence that matches the question's words best stands for one. "Latest on
            # Navalny" asks for the newest coverage of its words, whatever it says.
            typed = [c.match for c in candidates]
        else:
            holding = [c for c in candidates if offers(kind, c.text, question)]
            typed = [c.match for c in holding]
            place = place_noun(question) if kind == "place" else None
            if place is not None and holding:
                # "Which state recorded the highest temperature?": "Tamil Nadu recorded the
                # highest temperature" answers it all, though it does not say "state".
                weights = self._question_weights(question)
                for term in self.keywords.terms([place])[0]:
                    weights.pop(term, None)
                total = math.fsum(weights.values()) or 1.0
                typed = [term_share(c.terms, weights, total) for c in holding]
        return Evidence(
            kind=kind,
            similarity=max((h.dense_score or 0.0 for h in hits), default=0.0),
            match=max((c.match for c in candidates), default=0.0),
            typed_match=max(typed, default=0.0),
        )

    def _sentences(self, question: str, hits: list[Hit]) -> list[_Candidate]:
        """Score every sentence of the retrieved passages against the question, best first."""
        weights = self._question_weights(question)
        total = math.fsum(weights.values()) or 1.0
        spans: list[tuple[int, Hit, int, int, str]] = []
        seen: set[tuple[int, int]] = set()
        seen_texts: set[str] = set()
        for rank, hit in enumerate(hits):
            regions = [(passage.start, passage.text) for passage in hit.passages]
            if self.params.lede_chars:
                # The lede says who and what the story is about ("Finnish open-source game
                # developer Perttu Ahola discussed..."), even when retrieval preferred passages
                # that only repeat the name.
                text = self._text(hit.article_row)
                if text is None:
                    continue  # removed since the search (a feed update): not quoted
                regions.append((0, text[: _sentence_end(text, self.params.lede_chars)]))
            for offset, region in regions:
                for span in split_sentences(region):
                    start, end = offset + span.start, offset + span.end
                    text = span.of(region)
                    if (hit.article_row, start) in seen or text in seen_texts:
                        continue  # chunks overlap by a sentence; wire copies repeat sentences
                    seen.add((hit.article_row, start))
                    seen_texts.add(text)
                    spans.append((rank, hit, start, end, text))
        sentence_terms = self.keywords.terms([s[4] for s in spans])
        params = self.params
        asked = classify(question)
        superlatives = self._superlatives(question, [s[4] for s in spans], weights)
        candidates = []
        for (rank, hit, start, end, text), terms, same_superlative in zip(
            spans, sentence_terms, superlatives, strict=True
        ):
            coverage = term_share(terms, weights, total)
            typed = offers(asked.kind, text, question)
            if typed and rank == 0:
                # "How much did the storm cost farmers?": "crop losses could top $20 million"
                # shares no word with it, but in the best article it is the one that answers.
                coverage = max(coverage, params.typed_floor + params.typed_floor_slope * coverage)
            if coverage <= 0 or is_furniture(text) or _is_fragment(text, params.fragment_words):
                continue  # page furniture, headings and list items are never quoted as answers
            match = coverage
            if is_question(text):
                if match >= params.restated_question:
                    continue  # the question itself, as a quiz or an FAQ prints it
                coverage *= params.question_penalty
            if typed:
                coverage *= 1 + params.type_bonus
            if same_superlative:
                coverage *= 1 + params.superlative_bonus
            if asked.latest and asked.kind == "count" and reports_update(text):
                coverage *= 1 + params.update_bonus
            candidates.append(
                _Candidate(rank, hit, start, end, text, coverage, set(terms), match=match)
            )
        return self._with_context(self._by_marginal_relevance(candidates, latest=asked.latest))

    def _superlatives(
        self, question: str, sentences: list[str], weights: dict[str, float]
    ) -> list[bool]:
        """For each sentence, whether it holds the question's superlative qualifying one of the
        question's terms ("which state has the most cases?": "California has the most cases",
        not "the most recent figures"). All False when the question has none."""
        word = superlative(question)
        if word is None or self.params.superlative_bonus <= 0:
            return [False] * len(sentences)
        windows = [superlative_windows(text, word) for text in sentences]
        flat = [w for ws in windows for w in ws]
        terms = self.keywords.terms(flat) if flat else []
        found, at = [], 0
        for ws in windows:
            found.append(any(t in weights for window in terms[at : at + len(ws)] for t in window))
            at += len(ws)
        return found

    def _question_weights(self, question: str) -> dict[str, float]:
        """IDF weight of each question term: scene-setting sentences' own terms discounted, the
        words right after a "how many" or "who" question word raised."""
        story = without_latest(question)
        weights = self.keywords.idf(self.keywords.terms([story], more_stopwords=True)[0])
        for term in self.keywords.terms([" ".join(focus_words(question))])[0]:
            if term in weights:
                weights[term] *= self.params.focus_weight
        asking = asking_part(question)
        if asking == question.strip():
            return weights  # one sentence: no scene is set
        focus = set(self.keywords.terms([asking], more_stopwords=True)[0])
        preamble = self.params.preamble_weight
        if not _POINTS_BACK.search(asking):
            preamble = self.params.standalone_preamble_weight
        return {t: w if t in focus else w * preamble for t, w in weights.items()}

    def _by_marginal_relevance(
        self, candidates: list[_Candidate], latest: bool = False
    ) -> list[_Candidate]:
        """Order sentences greedily: relevance discounted by article rank and, after the lead,
        by the article's retrieval score relative to the best one's, minus redundancy.

        The lead is discounted by article rank too when the question asks for the latest: the
        articles come newest first then (their scores include recency, so only the rank
        counts), and the answer leads with the newest coverage. Each candidate's ``score`` is
        replaced by its value when it was picked.
        """
        params = self.params
        remaining = list(candidates)
        ordered: list[_Candidate] = []
        lead_value = 0.0
        best_hit = max((c.hit.score for c in candidates), default=0.0)
        while remaining and len(ordered) < params.max_sentences * 3:
            decay = params.rank_decay if ordered or latest else params.lead_rank_decay
            values = []
            for candidate in remaining:
                value = candidate.score / (1 + decay * candidate.hit_rank)
                if ordered and not latest and best_hit > 0:
                    value *= max(candidate.hit.score / best_hit, 0.0) ** params.relevance_decay
                if ordered:
                    overlap = max(_jaccard(candidate.terms, chosen.terms) for chosen in ordered)
                    value -= params.redundancy * overlap * lead_value
                values.append(value)
            pick = max(range(len(remaining)), key=values.__getitem__)
            best = remaining.pop(pick)
            best.score = values[pick]
            lead_value = lead_value or best.score
            ordered.append(best)
        return ordered

    def _with_context(self, ranked: list[_Candidate]) -> list[_Candidate]:
        """Pick sentences in score order, each preceded by the sentence it leans on."""
        if not ranked:
            return []
        by_position = {(c.hit.article_row, c.start): c for c in ranked}
        context = self.params.context
        ordered: list[_Candidate] = []
        for index, candidate in enumerate(ranked):
            best = index == 0
            if _LEANS_BACK.match(candidate.text) or (best and context in ("previous", "around")):
                previous = self._adjacent(candidate, by_position, before=True)
                if previous is not None and previous not in ordered:
                    ordered.append(previous)
            if candidate not in ordered:
                ordered.append(candidate)
            # A sentence that asks ("Which team has played the most games?") is answered next.
            if best and (context == "around" or is_question(candidate.text)):
                following = self._adjacent(candidate, by_position, before=False)
                if following is not None and following not in ordered:
                    ordered.append(following)
            if best:
                for unit in ordered:
                    unit.lead = True
            if len(ordered) >= self.params.max_sentences * 2:
                break
        return ordered

    def _text(self, article_row: int) -> str | None:
        """An article's full text, or None when it was removed after the search (a server
        store reads the latest commit; a reindex or feed update may have run meanwhile)."""
        try:
            return self.article_text(article_row)
        except KeyError:
            return None

    def _adjacent(self, candidate: _Candidate, by_position, before: bool) -> _Candidate | None:
        """The sentence just before (or after) ``candidate`` in its article, if any."""
        text = self._text(candidate.hit.article_row)
        if text is None:
            return None
        if before:
            spans = split_sentences(text, max(0, candidate.start - 600), candidate.start)
            span = spans[-1] if spans else None
        else:
            spans = split_sentences(text, candidate.end, min(len(text), candidate.end + 600))
            span = spans[0] if spans else None
        if span is None:
            return None
        found = by_position.get((candidate.hit.article_row, span.start))
        if found is not None:
            return found
        return _Candidate(
            candidate.hit_rank, candidate.hit, span.start, span.end, span.of(text), candidate.score
        )

    def _assemble(self, question: str, candidates: list[_Candidate]) -> Answer:
        """Keep the best candidates within the limits, numbering citations by first use."""
        params = self.params
        chosen: list[_Candidate] = []
        used = 0
        for candidate in candidates:
            if len(chosen) == params.max_sentences:
                break
            if any(_overlaps(candidate, other) for other in chosen):
                continue
            if chosen and used + len(candidate.text) > params.max_chars:
                continue
            chosen.append(candidate)
            used += len(candidate.text)
        if not chosen:
            hits = list(dict.fromkeys(c.hit for c in candidates))
            return Answer(question, covered=False, closest=_citations(hits))
        # The sentence that answers comes first (after the sentence it leans on, if any), then the
        # rest of its article, then the other articles in rank order; each in document order.
        first = chosen[0]
        chosen.sort(
            key=lambda c: (
                not (c.lead or c is first),
                c.hit_rank != first.hit_rank,
                c.hit_rank,
                c.start,
            )
        )
        markers: dict[str, int] = {}
        citations: list[Citation] = []
        parts: list[AnswerPart] = []
        for candidate in chosen:
            hit = candidate.hit
            if hit.article_id not in markers:
                markers[hit.article_id] = len(markers) + 1
                citations.append(_citation(markers[hit.article_id], hit))
            parts.append(
                AnswerPart(
                    text=candidate.text,
                    citation=markers[hit.article_id],
                    label=candidate.label,
                    is_quote=candidate.is_quote,
                    article_id=hit.article_id,
                    start=candidate.start,
                    end=candidate.end,
                )
            )
        return Answer(question, covered=True, parts=parts, citations=citations)


def _quote_candidates(quoted: Sequence[QuoteHit]) -> list[_Candidate]:
    """Candidates from a speaker's quotations, in the order given; articles ranked by first use.

    A direct quotation is shown in quotation marks under its speaker's name; a paraphrase, an
    "according to" statement or a quoted fragment is the reporter's sentence, shown whole and
    labelled as reported.
    """
    ranks: dict[int, int] = {}
    hits: dict[int, Hit] = {}
    candidates = []
    for order, quote in enumerate(quoted):
        rank = ranks.setdefault(quote.article_row, len(ranks))
        hit = hits.setdefault(
            quote.article_row,
            Hit(
                article_id=quote.article_id,
                article_row=quote.article_row,
                title=quote.title,
                source=quote.source,
                url=quote.url,
                published=quote.published,
                authors=quote.authors,
                score=quote.score or 0.0,
            ),
        )
        score = float(len(quoted) - order)
        text, start, end = quote.shown
        candidates.append(
            _Candidate(
                rank, hit, start, end, text, score, label=quote.label, is_quote=quote.own_words
            )
        )
    return candidates


def _sentence_end(text: str, at_least: int) -> int:
    """The end of the sentence running at character ``at_least`` (the whole text if shorter)."""
    if len(text) <= at_least:
        return len(text)
    spans = split_sentences(text, 0, min(len(text), at_least + 600))
    return next((span.end for span in spans if span.end >= at_least), len(text))


# A sentence ends with these (a closing quotation mark or bracket may follow).
_TERMINAL = re.compile(r"[.!?…:;][\s\"'”’)\]]*$")


# A pronoun in a question's asking sentence that refers to its scene-setting ones ("Which team
# did *he* play for?").
_POINTS_BACK = re.compile(
    r"\b(?:he|she|it|its|they|them|their|theirs|his|her|hers|him|this|these|those)\b", re.I
)


def _is_fragment(sentence: str, words: int) -> bool:
    """A line of fewer than ``words`` words without a sentence's final punctuation: a heading,
    a caption, a list item or a quiz's option ("Disney Princess costumes"), not a statement."""
    return len(sentence.split()) < words and not _TERMINAL.search(sentence)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _overlaps(a: _Candidate, b: _Candidate) -> bool:
    return a.hit.article_row == b.hit.article_row and a.start < b.end and b.start < a.end


def quote_citation(marker: int, quote: QuoteHit) -> Citation:
    """The citation of the article a quotation is from."""
    return Citation(
        marker,
        quote.article_id,
        quote.title,
        quote.source,
        quote.published,
        quote.url,
        partial=quote.partial,
        updated=quote.updated,
    )


def _citation(marker: int, hit: Hit) -> Citation:
    return Citation(marker, hit.article_id, hit.title, hit.source, hit.published, hit.url)


def _citations(hits: Sequence[Hit]) -> list[Citation]:
    return [_citation(i, hit) for i, hit in enumerate(hits, start=1)]
