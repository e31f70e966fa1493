"""The quote index: who said what, extracted once at build time, looked up by speaker and topic.

A build runs :func:`index.quotes.find_quotes` over every article and stores each attributed
quotation in its segment's catalog (``quotes``: offsets, kind, cue verb, the speaker as the
article writes it and as its fullest name; ``quote_names``: the other names the article ties to
that speaker, such as "Zelenskyy" or "the Ukrainian president"), with one vector per quotation
(the segment's ``quotes.npy``, the embedding of the sentence(s) holding it) so a topic is
matched by meaning: "the invoices" finds a quote about overbilling.

"What did X say (about Y)?" then searches X's quotations across the whole collection, not only
in the passages retrieval happened to return:

1. speaker: every quotation whose speaker, with its aliases, :func:`index.quotes.speaker_matches`
   the asked name (spelling variants, surnames; a title only where the article ties it to the
   speaker); a three-letter prefix per name token narrows the candidates first.
2. filters: outlet and date range, as in search.
3. topic: cosine between the topic and each quotation's vector, plus the share of the topic's
   IDF-weighted terms its sentence contains; quotations below :data:`TOPIC_MIN_SIMILARITY`
   with no topic term are not about the topic.
4. order: by topic relevance, or newest first when no topic is given or the latest is asked.

Quotations without a speaker are not stored: nobody can ask for them by name.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from .dates import parse_timestamp, to_utc
from .keyword import term_share
from .quotes import Quote, find_quotes, speaker_matches

if TYPE_CHECKING:
    from .segmented import Segment

log = logging.getLogger(__name__)

# Bump when find_quotes changes what it finds: a build then re-extracts every article's
# quotations (cheap: rules and short embeddings) instead of copying them from the old generation.
QUOTES_VERSION = 5
VECTORS_FILE = "quotes.npy"
# Below this cosine between topic and quotation (and with no topic word in its sentence) a
# quotation is not about the topic. MiniLM puts a short topic and a sentence about it at ~0.2 and
# unrelated ones near 0 (measured on the made-up quotes of tests/index/test_quote_index.py).
TOPIC_MIN_SIMILARITY = 0.15
# A direct quotation shorter than this ("a fantasy", "fake news") reads as the speaker's words only
# inside the reporter's sentence around it.
FRAGMENT_WORDS = 4
# Quoted words this long stand on their own wherever they sit in the sentence.
OWN_WORDS = 15
# What may stand before quoted words that are the speaker's own: nothing or the end of the
# sentence before (they open a sentence), a colon or comma, or a speech verb; anything else is
# the reporter's narrative ("accused Trump of ignoring", "hailed the agreements as the").
_INTRODUCES_SPEECH = re.compile(
    r"(?:^|[:,;—–.!?]|\b(?:said|says|say|saying|told\s+[\w’'-]+(?:\s+[\w’'-]+)?|asked|asks"
    r"|wrote|writes|writing|added|adds|adding|tweeted|posted|stated|stating|replied|answered"
    r"|declared|insisted|warned|explained|continued))[\s(]*[\"“‘'«]?\s*$",
    re.IGNORECASE,
)
# A quotation's sentence is embedded up to this many characters (~100 tokens): the quotation
# and its attribution, not the paragraph around it.
CONTEXT_CHARS = 500


@dataclass(frozen=True, slots=True)
class QuoteRecord:
    """One attributed quotation as the build stores it (offsets into the article text)."""

    start: int
    end: int
    sentence_start: int
    sentence_end: int
    kind: str
    speaker: str
    speaker_text: str | None
    cue: str | None
    aliases: tuple[str, ...]

    def context(self, text: str) -> str:
        """The sentence(s) holding the quotation, as embedded."""
        return text[self.sentence_start : self.sentence_end][:CONTEXT_CHARS]


def extract(text: str) -> list[QuoteRecord]:
    """The attributed quotations of one article, ready to store.

    Parameters
    ----------
    text : str
        The article text.

    Returns
    -------
    list[QuoteRecord]
        In document order; quotations with no speaker are left out. ``aliases`` holds the
        other names the article ties to the speaker (:attr:`index.quotes.Quote.aliases`).
    """
    return [_record(quote) for quote in find_quotes(text) if quote.speaker]


def _record(quote: Quote) -> QuoteRecord:
    return QuoteRecord(
        start=quote.start,
        end=quote.end,
        sentence_start=quote.sentence_start,
        sentence_end=quote.sentence_end,
        kind=quote.kind,
        speaker=quote.speaker,
        speaker_text=quote.speaker_text,
        cue=quote.cue,
        aliases=tuple(dict.fromkeys(a for a in quote.aliases if a and a != quote.speaker)),
    )


def insert(db, quote_id: int, article_row: int, record: QuoteRecord) -> None:
    """Write one quotation and its aliases into a catalog being built."""
    db.execute(
        "INSERT INTO quotes (id, article_row, start, end, sentence_start, sentence_end, kind, "
        "speaker, speaker_text, cue) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            quote_id,
            article_row,
            record.start,
            record.end,
            record.sentence_start,
            record.sentence_end,
            record.kind,
            record.speaker,
            record.speaker_text,
            record.cue,
        ),
    )
    db.executemany(
        "INSERT INTO quote_names (quote_id, name) VALUES (?, ?)",
        [(quote_id, alias) for alias in record.aliases],
    )


def records_of(db, article_row: int) -> list[tuple[int, QuoteRecord]]:
    """The stored quotations of one article as ``(quote id, record)``, in document order."""
    rows = db.execute(
        "SELECT id, start, end, sentence_start, sentence_end, kind, speaker, speaker_text, cue "
        "FROM quotes WHERE article_row = ? ORDER BY id",
        (article_row,),
    ).fetchall()
    if not rows:
        return []
    marks = ",".join("?" * len(rows))
    names: dict[int, list[str]] = {}
    for quote_id, name in db.execute(
        f"SELECT quote_id, name FROM quote_names WHERE quote_id IN ({marks}) ORDER BY rowid",
        [row[0] for row in rows],
    ):
        names.setdefault(quote_id, []).append(name)
    return [
        (
            row[0],
            QuoteRecord(*tuple(row)[1:], aliases=tuple(names.get(row[0], ()))),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class QuoteHit:
    """A stored quotation found for a speaker, with its article's citation facts.

    ``text == article_text[start:end]``; ``sentence_start:sentence_end`` is the sentence(s)
    holding it. ``score`` is the topic relevance (cosine plus keyword share), or None when no
    topic was asked.
    """

    quote_id: int
    article_row: int
    article_id: str
    title: str
    source: str | None
    url: str | None
    published: datetime | None
    authors: tuple[str, ...]
    speaker: str
    speaker_text: str | None
    cue: str | None
    kind: str
    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    sentence: str
    score: float | None = None
    partial: bool = False  # the article is its feed's summary (see Article.partial)
    updated: datetime | None = None

    @property
    def own_words(self) -> bool:
        """Whether to show ``text`` as the speaker's words in quotation marks: a direct
        quotation of at least :data:`FRAGMENT_WORDS` words that is most of its sentence, or a
        long one. A paraphrase, or words quoted inside the reporter's sentence ("accused Trump
        of ignoring "truth, evidence, data and facts""), are shown as that sentence instead:
        alone they can read as the opposite of what was said."""
        if self.kind != "direct":
            return False
        words = len(self.text.split())
        if words < FRAGMENT_WORDS:
            return False
        before = self.sentence[: max(0, self.start - self.sentence_start)]
        # Speech opens its sentence ("“We will win,” she said"), follows a colon or comma, or
        # a speech verb ("Biden said “Will you shut up, man?”"); narrative runs up to a fragment.
        return words >= OWN_WORDS or _INTRODUCES_SPEECH.search(before) is not None

    @property
    def shown(self) -> tuple[str, int, int]:
        """``(text, start, end)`` to show: the quoted words when :attr:`own_words`, else the
        reporter's sentence around them."""
        if self.own_words:
            return self.text, self.start, self.end
        return self.sentence, self.sentence_start, self.sentence_end

    @property
    def label(self) -> str:
        """ "Dana Whitfield", or "Dana Whitfield, as reported" for the reporter's sentence."""
        speaker = self.speaker[:1].upper() + self.speaker[1:]
        return speaker if self.own_words else f"{speaker}, as reported"

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "speaker": self.speaker,
            "speaker_text": self.speaker_text,
            "cue": self.cue,
            "kind": self.kind,
            "text": self.text,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "article_id": self.article_id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "partial": self.partial,
            "updated": self.updated.isoformat() if self.updated else None,
            "score": None if self.score is None else round(self.score, 4),
        }


def _prefixes(name: str) -> set[str]:
    """Three-letter keys of a name's words (accents and case folded): the lookup's prefilter."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c if c.isalpha() else " " for c in decomposed if not unicodedata.combining(c))
    return {word[:3] for word in letters.split() if len(word) >= 2}


class SegmentQuotes:
    """One segment's speakers, loaded on first use and kept with the segment (it is immutable,
    so a refreshed snapshot reuses them); safe for concurrent readers.

    Parameters
    ----------
    segment : Segment
        The loaded segment whose catalog holds the ``quotes`` tables.
    """

    def __init__(self, segment: Segment):
        self._segment = segment
        self._lock = threading.Lock()
        # quote id -> (speaker, aliases); identical pairs are shared, and so is their match.
        self._speakers: dict[int, tuple[str, tuple[str, ...]]] | None = None
        self._by_prefix: dict[str, set[int]] = {}

    @property
    def available(self) -> bool:
        """Whether the segment was built with a quote index."""
        return self._segment.meta.quotes_version > 0

    def _load(self) -> dict[int, tuple[str, tuple[str, ...]]]:
        with self._lock:
            if self._speakers is None:
                speakers: dict[int, tuple[str, tuple[str, ...]]] = {}
                if self.available:
                    aliases: dict[int, list[str]] = {}
                    for quote_id, name in self._segment.query(
                        "SELECT quote_id, name FROM quote_names ORDER BY rowid"
                    ):
                        aliases.setdefault(quote_id, []).append(name)
                    shared: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]] = {}
                    for quote_id, speaker in self._segment.query("SELECT id, speaker FROM quotes"):
                        pair = (speaker, tuple(aliases.get(quote_id, ())))
                        speakers[quote_id] = shared.setdefault(pair, pair)
                        for name in (pair[0], *pair[1]):
                            for prefix in _prefixes(name):
                                self._by_prefix.setdefault(prefix, set()).add(quote_id)
                self._speakers = speakers
            return self._speakers

    def speaker_quote_ids(self, speaker: str, verdicts: dict | None = None) -> list[int]:
        """Local ids of every quotation whose speaker (or an alias the article ties to them)
        matches ``speaker``."""
        speakers = self._load()
        candidates: set[int] = set()
        for prefix in _prefixes(speaker):
            candidates |= self._by_prefix.get(prefix, set())
        verdicts = {} if verdicts is None else verdicts
        found = []
        for quote_id in candidates:
            pair = speakers[quote_id]
            if pair not in verdicts:
                verdicts[pair] = speaker_matches(pair[0], speaker, pair[1])
            if verdicts[pair]:
                found.append(quote_id)
        return sorted(found)


class QuoteIndex:
    """Read side of the quote index over a collection view; safe for concurrent readers.

    The view supplies its quotations in parts (:meth:`quote_parts`: each segment of an embedded
    snapshot, the whole collection on PostgreSQL); matching speakers, topics and ordering are
    done here, the same on every store. Quotation ids and article rows are the view's; quotations
    of removed articles are never returned.

    Parameters
    ----------
    snapshot : Collection
        The loaded collection view (with ``manifest``, ``keywords`` and ``quote_parts()``).
    """

    def __init__(self, snapshot):
        self._snapshot = snapshot

    @property
    def available(self) -> bool:
        """Whether the collection was built with a quote index (every segment: the manifest
        records the oldest extractor's version, 0 when a segment has none)."""
        return self._snapshot.manifest.quotes_version > 0

    def lookup(
        self,
        speaker: str,
        *,
        topic: str | None = None,
        topic_vector: np.ndarray | None = None,
        sources: Iterable[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        newest_first: bool = False,
        limit: int | None = 10,
    ) -> list[QuoteHit]:
        """Quotations by ``speaker``, about ``topic`` when given, best (or newest) first.

        Parameters
        ----------
        speaker : str
            A name, surname or title as a user types it ("Zelensky", "the prime minister").
        topic : str, optional
            What the quotation should be about; needs ``topic_vector`` (its embedding, shape
            ``(1, dimension)`` or ``(dimension,)``) for matching by meaning.
        sources : iterable of str, optional
            Keep only these outlets (case-insensitive).
        since, until : datetime, optional
            Keep only articles published in this range (inclusive); undated ones are dropped.
        newest_first : bool
            Order by publication time (undated last) instead of topic relevance.
        limit : int or None
            At most this many quotations.

        Returns
        -------
        list[QuoteHit]
        """
        if not self.available:
            return []
        hits = []
        verdicts: dict = {}
        for part in self._snapshot.quote_parts():
            rows = part.rows(speaker, verdicts, sources, since, until)
            if not rows:
                continue
            scores = self._topic_scores(part, rows, topic, topic_vector) if topic else None
            for index, row in enumerate(rows):
                score = None if scores is None else float(scores[index])
                if score is not None and score < 0:
                    continue  # not about the topic
                hits.append(part.hit(row, score))
        if newest_first or topic is None:
            hits.sort(key=lambda h: (-_timestamp(h.published), h.article_row, h.start))
            if topic is not None:
                # Among the newest coverage, the quotation most about the topic first.
                hits.sort(key=lambda h: (-_timestamp(h.published), -(h.score or 0.0)))
        else:
            hits.sort(key=lambda h: (-(h.score or 0.0), -_timestamp(h.published), h.start))
        return hits if limit is None else hits[:limit]

    def _topic_scores(self, part, rows, topic: str, topic_vector: np.ndarray | None) -> np.ndarray:
        """Cosine plus keyword share per row; negative where the quotation is off-topic."""
        keywords = self._snapshot.keywords
        topic_terms = set(keywords.terms([topic], more_stopwords=True)[0])
        weights = keywords.idf(list(topic_terms))
        total = math.fsum(weights.values()) or 1.0
        sentence_terms = keywords.terms([row["sentence"] for row in rows])
        share = np.array([term_share(terms, weights, total) for terms in sentence_terms])
        cosine = np.zeros(len(rows))
        vectors = part.vectors(rows) if topic_vector is not None else None
        if vectors is not None:
            cosine = vectors @ np.asarray(topic_vector, dtype=np.float32).reshape(-1)
        relevant = (cosine >= TOPIC_MIN_SIMILARITY) | (share > 0)
        return np.where(relevant, cosine + 0.5 * share, -1.0)


class SegmentQuotePart:
    """One embedded segment's quotations as :class:`QuoteIndex` reads them.

    Parameters
    ----------
    segment : Segment
        The loaded segment.
    row_offset, quote_offset : int
        Its first global article row and quotation id in the snapshot.
    alive : numpy.ndarray
        Mask of its live (not tombstoned) article rows.
    """

    def __init__(self, segment: Segment, row_offset: int, quote_offset: int, alive: np.ndarray):
        self.segment = segment
        self.row_offset = row_offset
        self.quote_offset = quote_offset
        self.alive = alive

    def rows(self, speaker: str, verdicts: dict, sources, since, until) -> list:
        """Live quotations whose speaker matches, within the filters (catalog rows)."""
        ids = self.segment.quotes.speaker_quote_ids(speaker, verdicts)
        if not ids:
            return []
        return [r for r in self._rows(self.segment, ids, sources, since, until) if self.alive[r[1]]]

    def vectors(self, rows) -> np.ndarray | None:
        """The quotations' sentence embeddings, shape ``(len(rows), dimension)``."""
        if self.segment.quote_vectors is None:
            return None
        return self.segment.quote_vectors[[row["id"] for row in rows]]

    def hit(self, row, score: float | None) -> QuoteHit:
        return quote_hit(
            row,
            score,
            self.quote_offset + row["id"],
            self.row_offset + row["article_row"],
            tuple(json.loads(row["authors"] or "[]")),
        )

    @staticmethod
    def _rows(segment, ids: Sequence[int], sources, since, until) -> list:
        found = []
        for batch in _chunks(ids):
            marks = ",".join("?" * len(batch))
            sql = (
                "SELECT q.id, q.article_row, q.start, q.end, q.sentence_start, q.sentence_end, "
                "q.kind, q.speaker, q.speaker_text, q.cue, a.id AS article_id, a.title, "
                "a.source, a.url, a.published, a.authors, a.published_ts, "
                f"{segment.added_columns('a')}, "
                "substr(a.text, q.start + 1, q.end - q.start) AS quote_text, "
                "substr(a.text, q.sentence_start + 1, q.sentence_end - q.sentence_start) "
                f"AS sentence FROM quotes q JOIN articles a ON a.row = q.article_row "
                f"WHERE q.id IN ({marks})"
            )
            parameters: list = list(batch)
            wanted = [s.strip().casefold() for s in sources or () if s and s.strip()]
            if wanted:
                sql += f" AND lower(COALESCE(a.source, '')) IN ({','.join('?' * len(wanted))})"
                parameters += wanted
            if since is not None:
                sql += " AND a.published_ts >= ?"
                parameters.append(to_utc(since).timestamp())
            if until is not None:
                sql += " AND a.published_ts <= ?"
                parameters.append(to_utc(until).timestamp())
            found += segment.query(sql + " ORDER BY q.id", parameters)
        return found


def quote_hit(row, score: float | None, quote_id: int, article_row: int, authors) -> QuoteHit:
    """A :class:`QuoteHit` from a quotation row joined with its article (any store's)."""
    published = row["published"]
    return QuoteHit(
        quote_id=quote_id,
        article_row=article_row,
        article_id=row["article_id"],
        title=row["title"],
        source=row["source"],
        url=row["url"],
        published=parse_timestamp(published) if isinstance(published, str) else published,
        authors=tuple(authors),
        speaker=row["speaker"],
        speaker_text=row["speaker_text"],
        cue=row["cue"],
        kind=row["kind"],
        text=row["quote_text"],
        start=row["start"],
        end=row["end"],
        sentence_start=row["sentence_start"],
        sentence_end=row["sentence_end"],
        sentence=row["sentence"],
        score=score,
        **_catalog_flags(row),
    )


def _catalog_flags(row) -> dict:
    """``partial`` and ``updated`` when the query selected them (as the catalog holds them)."""
    names = row.keys()
    flags = {}
    if "partial" in names:
        flags["partial"] = bool(row["partial"])
    if "updated" in names:
        updated = row["updated"]
        flags["updated"] = parse_timestamp(updated) if isinstance(updated, str) else updated
    return flags


def name_prefixes(names: Iterable[str]) -> list[str]:
    """The prefilter keys of a speaker's names (what the PostgreSQL store indexes)."""
    return sorted({p for name in names for p in _prefixes(name)})


def _marks(items: Sequence) -> str:
    return ",".join("?" * len(items))


def _chunks(items: Sequence, size: int = 500):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _timestamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else float("-inf")
