"""The keyword side of retrieval: a BM25 index over chunk texts, built and queried with bm25s.

bm25s keeps BM25 scores in a sparse matrix and answers a query in well under a millisecond on
100,000 chunks (SQLite FTS5's ``bm25()`` took ~69 ms for the same OR query), which is what keeps
hybrid search within reach of pure dense search. Terms are lower-cased, English stop words
removed and Snowball-stemmed, so "elections" finds "election".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
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
        stopwords = _MORE_STOPWORDS if more_stopwords else _STOPWORDS
        words = [[w for w in _TOKEN.findall(t.lower()) if w not in stopwords] for t in texts]
        stems = iter(self._stemmer.stemWords([w for ws in words for w in ws]))
        return [[next(stems) for _ in ws] for ws in words]

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
