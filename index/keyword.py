"""The keyword side of retrieval: a BM25 index over chunk texts, built and queried with bm25s.

bm25s keeps BM25 scores in a sparse matrix and answers a query in well under a millisecond on
100,000 chunks (SQLite FTS5's ``bm25()`` took ~69 ms for the same OR query), which is what keeps
hybrid search within reach of pure dense search. Terms are lower-cased, English stop words
removed and Snowball-stemmed, so "elections" finds "election".
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_EN_PLUS

log = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG on import, which prints through any configured handler.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# bm25s logs a progress bar per call unless told otherwise.
_QUIET = {"show_progress": False}
# bm25s's default token pattern: words of two or more characters.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_EN)
_EMPTY_MARKER = "EMPTY"
# For matching sentences to questions, question words ("what", "did") are noise too.
_MORE_STOPWORDS = frozenset(STOPWORDS_EN_PLUS)


def analyze_terms(
    stemmer: Stemmer.Stemmer, texts: Sequence[str], more_stopwords: bool = False
) -> list[list[str]]:
    """Index terms of ``texts`` as BM25 analyses them: lower-cased words of two or more
    characters, English stop words out (``more_stopwords``: question and function words too),
    Snowball-stemmed; repeats kept, in order. Every store weighs words with this analysis."""
    stopwords = _MORE_STOPWORDS if more_stopwords else _STOPWORDS
    words = [[w for w in _TOKEN.findall(t.lower()) if w not in stopwords] for t in texts]
    stems = iter(stemmer.stemWords([w for ws in words for w in ws]))
    return [[next(stems) for _ in ws] for ws in words]


def term_share(terms: Iterable[str], weights: Mapping[str, float], total: float) -> float:
    """The weighted share of a query's terms that ``terms`` hold: the sum of ``weights`` over
    the distinct terms present, divided by ``total`` (the weights' sum, passed in as it is the
    same for every text). ``math.fsum``: exact whatever order a set of strings iterates in (it
    changes per process, and a plain sum then differs in its last bits)."""
    return math.fsum(weights[t] for t in set(terms) if t in weights) / total


def idf(documents: int, frequency: int) -> float:
    """BM25's inverse document frequency of a term held by ``frequency`` of ``documents``."""
    return float(np.log(1 + (documents - frequency + 0.5) / (frequency + 0.5)))


class KeywordIndex:
    """BM25 over a fixed list of texts; result ids are positions in that list.

    Parameters
    ----------
    retriever : bm25s.BM25
        A built or loaded bm25s index.
    """

    def __init__(self, retriever: bm25s.BM25 | None):
        self._retriever = retriever  # None: an empty collection, which bm25s cannot index
        self._stemmer = Stemmer.Stemmer("english")
        self.size = int(retriever.scores["num_docs"]) if retriever and retriever.scores else 0

    @classmethod
    def build(cls, texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> KeywordIndex:
        """Index ``texts``; the i-th text gets id ``i``."""
        if not texts:
            return cls(None)
        stemmer = Stemmer.Stemmer("english")
        tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=stemmer, **_QUIET)
        retriever = bm25s.BM25(k1=k1, b=b)
        retriever.index(tokens, **_QUIET)
        return cls(retriever)

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex:
        """Load an index saved with :meth:`save`, fully into memory."""
        if (directory / _EMPTY_MARKER).exists():
            return cls(None)
        return cls(bm25s.BM25.load(str(directory), mmap=False, **_QUIET))

    def save(self, directory: Path) -> None:
        """Write the index files into ``directory``."""
        if self._retriever is None:
            (directory / _EMPTY_MARKER).write_text("no documents\n")
            return
        self._retriever.save(str(directory), **_QUIET)

    def search(
        self, query: str, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the ids and BM25 scores of the best ``k`` texts, best first.

        Parameters
        ----------
        query : str
            Free text; tokenised like the indexed texts.
        k : int
            How many results at most.
        allowed : numpy.ndarray of bool, optional
            A mask over ids; texts outside it are never returned.

        Returns
        -------
        ids, scores : numpy.ndarray
            Only texts sharing at least one term with the query (score > 0).
        """
        if self.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        tokens = bm25s.tokenize(
            query, stopwords="en", stemmer=self._stemmer, return_ids=False, **_QUIET
        )
        vocabulary = self._retriever.vocab_dict
        terms = [[t for t in tokens[0] if t in vocabulary]]
        if not terms[0]:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        weight_mask = None if allowed is None else allowed.astype(np.float32)
        ids, scores = self._retriever.retrieve(
            terms, k=min(k, self.size), n_threads=1, weight_mask=weight_mask, **_QUIET
        )
        ids, scores = ids[0].astype(np.int64), scores[0]
        keep = scores > 0
        return ids[keep], scores[keep]

    def terms(self, texts: Sequence[str], more_stopwords: bool = False) -> list[list[str]]:
        """Analyse texts into index terms (lower-cased, stop words out, stemmed), as BM25 does.

        Parameters
        ----------
        texts : sequence of str
        more_stopwords : bool
            Also drop question and function words beyond BM25's short stop list.

        Returns
        -------
        list[list[str]]
            The terms of each text, in order, repeats kept.
        """
        return analyze_terms(self._stemmer, texts, more_stopwords)

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """Inverse document frequency of each term over the indexed texts (unknown terms: max)."""
        if self._retriever is None:
            return dict.fromkeys(terms, 0.0)
        scores = self._retriever.scores
        indptr, vocabulary = scores["indptr"], self._retriever.vocab_dict
        total = max(self.size, 1)
        weights = {}
        for term in set(terms):
            token = vocabulary.get(term)
            frequency = 0 if token is None else int(indptr[token + 1] - indptr[token])
            weights[term] = float(np.log(1 + (total - frequency + 0.5) / (frequency + 0.5)))
        return weights


# ------------------------------------------------------------------------------------------------
# Segmented BM25: raw term frequencies per segment, statistics over the whole collection.


def analyze(texts: Sequence[str]) -> tuple[list[list[int]], list[str]]:
    """Index terms of ``texts`` exactly as :meth:`KeywordIndex.build` analyses them.

    Returns
    -------
    ids, vocabulary : list[list[int]], list[str]
        Each text's term ids in order (repeats kept) and the term of each id.
    """
    if not texts:
        return [], []
    tokenized = bm25s.tokenize(
        list(texts), stopwords="en", stemmer=Stemmer.Stemmer("english"), **_QUIET
    )
    vocabulary = [""] * len(tokenized.vocab)
    for term, index in tokenized.vocab.items():
        vocabulary[index] = term
    return tokenized.ids, vocabulary


_POSTINGS_FILES = ("term_ptr.npy", "docs.npy", "tf.npy", "doc_len.npy")


class Postings:
    """One segment's keyword postings: for each term, the documents holding it and how often.

    No statistic of the collection is baked in (bm25s bakes IDF and the average length into
    its scores), so a segment never has to be rewritten when others come or go: scores are
    computed at query time from collection-wide statistics (:class:`CollectionKeywords`).

    Parameters
    ----------
    vocabulary : list of str
        Terms, sorted; term ``i`` owns ``docs[term_ptr[i]:term_ptr[i + 1]]``.
    term_ptr, docs, tf : numpy.ndarray
        CSC-style postings (documents ascending within a term) and term frequencies.
    doc_len : numpy.ndarray
        Terms per document (repeats counted), as BM25's length normalisation counts them.
    """

    def __init__(self, vocabulary, term_ptr, docs, tf, doc_len):
        self.vocabulary = list(vocabulary)
        self.lookup = {term: index for index, term in enumerate(self.vocabulary)}
        self.term_ptr = term_ptr
        self.docs = docs
        self.tf = tf
        self.doc_len = doc_len

    @property
    def size(self) -> int:
        """Number of documents."""
        return len(self.doc_len)

    @classmethod
    def build(cls, texts: Sequence[str]) -> Postings:
        """Analyse and index ``texts``; the i-th text is document ``i``."""
        ids, vocabulary = analyze(texts)
        return cls.from_ids(ids, vocabulary)

    @classmethod
    def from_ids(cls, ids: Sequence[Sequence[int]], vocabulary: Sequence[str]) -> Postings:
        """Postings from analysed documents (term ids into ``vocabulary``)."""
        lengths = np.fromiter((len(d) for d in ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter((t for d in ids for t in d), dtype=np.int64, count=int(lengths.sum()))
        doc_of = np.repeat(np.arange(len(ids), dtype=np.int64), lengths)
        # Re-number terms in sorted order, so that merging segments is a sorted union.
        order = sorted(range(len(vocabulary)), key=vocabulary.__getitem__)
        rank = np.empty(len(vocabulary), dtype=np.int64)
        rank[order] = np.arange(len(vocabulary))
        terms = rank[flat] if len(flat) else flat
        keys, counts = np.unique(terms * max(len(ids), 1) + doc_of, return_counts=True)
        term_of, doc = np.divmod(keys, max(len(ids), 1))
        term_ptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(np.bincount(term_of, minlength=len(vocabulary)), out=term_ptr[1:])
        return cls(
            [vocabulary[i] for i in order],
            term_ptr,
            doc.astype(np.int32),
            counts.astype(np.float32),
            lengths.astype(np.float32),
        )

    @classmethod
    def merge(cls, parts: Sequence[tuple[Postings, np.ndarray | None]]) -> Postings:
        """One segment's postings from several, in order, dropping documents not kept.

        Parameters
        ----------
        parts : sequence of (Postings, keep)
            ``keep``: a mask over that segment's documents (None keeps all).
        """
        vocabulary = sorted({t for postings, _ in parts for t in postings.vocabulary})
        index = {t: i for i, t in enumerate(vocabulary)}
        term_parts, doc_parts, tf_parts, lengths = [], [], [], []
        offset = 0
        for postings, keep in parts:
            if keep is None:
                keep = np.ones(postings.size, dtype=bool)
            renumber = np.cumsum(keep) - 1 + offset
            local_terms = np.array([index[t] for t in postings.vocabulary], dtype=np.int64)
            counts = np.diff(postings.term_ptr)
            term_of = np.repeat(local_terms, counts)
            docs = np.asarray(postings.docs)
            kept = keep[docs]
            term_parts.append(term_of[kept])
            doc_parts.append(renumber[docs[kept]])
            tf_parts.append(np.asarray(postings.tf)[kept])
            lengths.append(np.asarray(postings.doc_len)[keep])
            offset += int(keep.sum())
        term_of = np.concatenate(term_parts) if term_parts else np.zeros(0, dtype=np.int64)
        docs = np.concatenate(doc_parts) if doc_parts else np.zeros(0, dtype=np.int64)
        tf = np.concatenate(tf_parts) if tf_parts else np.zeros(0, dtype=np.float32)
        order = np.lexsort((docs, term_of))
        term_ptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(np.bincount(term_of, minlength=len(vocabulary)), out=term_ptr[1:])
        # Terms whose every document was dropped stay with empty postings: harmless.
        return cls(
            vocabulary,
            term_ptr,
            docs[order].astype(np.int32),
            tf[order].astype(np.float32),
            np.concatenate(lengths).astype(np.float32) if lengths else np.zeros(0, np.float32),
        )

    def save(self, directory: Path) -> None:
        """Write ``terms.txt`` and the arrays into ``directory`` (created)."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "terms.txt").write_text("\n".join(self.vocabulary), encoding="utf-8")
        for name, array in zip(
            _POSTINGS_FILES, (self.term_ptr, self.docs, self.tf, self.doc_len), strict=True
        ):
            np.save(directory / name, array)

    @classmethod
    def load(cls, directory: Path) -> Postings:
        """Read postings written by :meth:`save` (arrays memory-mapped)."""
        text = (directory / "terms.txt").read_text(encoding="utf-8")
        vocabulary = text.split("\n") if text else []
        arrays = [np.load(directory / name, mmap_mode="r") for name in _POSTINGS_FILES]
        # The lengths are read by every query that touches the segment: keep them in memory.
        arrays[3] = np.array(arrays[3])
        return cls(vocabulary, *arrays)

    def term(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """``(docs, tf)`` of one term, or None when no document holds it."""
        index = self.lookup.get(term)
        if index is None:
            return None
        start, end = int(self.term_ptr[index]), int(self.term_ptr[index + 1])
        if start == end:
            return None
        return self.docs[start:end], self.tf[start:end]


class CollectionKeywords:
    """BM25 over every segment of a collection, with collection-wide statistics.

    Scores equal those of one bm25s index (method "lucene") over the live documents of all
    segments together: the number of documents, each term's document frequency and the average
    length are summed over the segments, tombstoned documents left out, so results do not
    depend on how the collection was cut. Result ids are global positions (a segment's document
    ``i`` is ``offset + i``).

    Parameters
    ----------
    parts : sequence of (Postings, offset, live)
        Each segment's postings, its first global position and a mask of its live documents
        (None: all live).
    """

    def __init__(
        self,
        parts: Sequence[tuple[Postings, int, np.ndarray | None]],
        k1: float = 1.5,
        b: float = 0.75,
        total: int | None = None,
    ):
        self._parts = list(parts)
        self._stemmer = Stemmer.Stemmer("english")
        self.k1, self.b = k1, b
        self.size = sum(int(live.sum()) if live is not None else p.size for p, _, live in parts)
        length = sum(
            float(p.doc_len[live].sum()) if live is not None else float(p.doc_len.sum())
            for p, _, live in parts
        )
        self.average_length = length / self.size if self.size else 0.0
        self.total = total if total is not None else sum(p.size for p, _, _ in parts)

    def _postings(self, term: str):
        """Per segment ``(offset, docs, tf, live mask of those docs)``, and the live df."""
        found, frequency = [], 0
        for postings, offset, live in self._parts:
            hit = postings.term(term)
            if hit is None:
                continue
            docs, tf = hit
            alive = live[docs] if live is not None else None
            frequency += int(alive.sum()) if alive is not None else len(docs)
            found.append((postings, offset, docs, tf, alive))
        return found, frequency

    def _idf(self, frequency: int) -> float:
        return idf(self.size, frequency)

    def search(
        self, query: str, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Global positions and BM25 scores of the best ``k`` live documents, best first.

        ``allowed`` is a mask over global positions; only documents sharing a term with the
        query (score > 0) are returned.
        """
        empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if self.size == 0 or k <= 0:
            return empty
        terms = self.terms([query])[0]
        accumulators: dict[int, tuple[int, np.ndarray]] = {}
        k1, b, average = self.k1, self.b, self.average_length or 1.0
        for term in terms:  # a repeated term counts again, as in bm25s
            found, frequency = self._postings(term)
            if not frequency:
                continue
            idf = self._idf(frequency)
            for postings, offset, docs, tf, alive in found:
                norm = k1 * ((1 - b) + b * postings.doc_len[docs] / average)
                score = idf * tf / (norm + tf)
                if alive is not None:
                    docs, score = docs[alive], score[alive]
                if id(postings) not in accumulators:
                    accumulators[id(postings)] = (offset, np.zeros(postings.size))
                accumulators[id(postings)][1][:] += np.bincount(
                    docs, weights=score, minlength=postings.size
                )
        found_ids, found_scores = [], []
        for offset, scores in accumulators.values():
            if allowed is not None:
                scores = scores * allowed[offset : offset + len(scores)]
            hits = np.flatnonzero(scores > 0)
            if len(hits) > k:
                hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
            found_ids.append(hits + offset)
            found_scores.append(scores[hits])
        if not found_ids:
            return empty
        ids = np.concatenate(found_ids).astype(np.int64)
        scores = np.concatenate(found_scores).astype(np.float32)
        order = np.lexsort((ids, -scores))[:k]
        return ids[order], scores[order]

    def terms(self, texts: Sequence[str], more_stopwords: bool = False) -> list[list[str]]:
        """Analyse texts into index terms; see :meth:`KeywordIndex.terms`."""
        return analyze_terms(self._stemmer, texts, more_stopwords)

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """Inverse document frequency of each term over the live collection (unknown: max)."""
        if self.size == 0:
            return dict.fromkeys(terms, 0.0)
        return {term: self._idf(self._postings(term)[1]) for term in set(terms)}
