"""The dense side of retrieval: a FAISS index over chunk embeddings.

Ids are a segment's chunk positions (row ``i`` of its ``vectors.npy``). The default is an exact
inner-product index (``IndexFlatIP``), which on normalised vectors is exact cosine search; HNSW is
offered for collections where an exact scan gets too slow. Searches run with one OpenMP thread:
an exact scan is bound by memory bandwidth, and on a busy 2-core machine a second thread made a
single query 5x slower, not faster.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

INDEX_TYPES = ("flat", "hnsw")


def use_one_thread() -> None:
    """Pin FAISS to a single OpenMP thread for query-time searches (see the module docstring)."""
    faiss.omp_set_num_threads(1)


class VectorIndex:
    """Inner-product nearest-neighbour search over a fixed set of vectors.

    Parameters
    ----------
    index : faiss.Index
        A built or loaded FAISS index.
    """

    def __init__(self, index: faiss.Index):
        self._index = index

    @property
    def size(self) -> int:
        """Number of indexed vectors."""
        return int(self._index.ntotal)

    @classmethod
    def build(cls, vectors: np.ndarray, index_type: str = "flat") -> VectorIndex:
        """Index ``vectors`` (float32, L2-normalised); row ``i`` gets id ``i``."""
        dimension = vectors.shape[1]
        if index_type == "flat":
            index = faiss.IndexFlatIP(dimension)
        elif index_type == "hnsw":
            index = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = 128
        else:
            raise ValueError(f"index type must be one of {INDEX_TYPES}, not {index_type!r}")
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        """Read an index written by :meth:`save`."""
        return cls(faiss.read_index(str(path)))

    @classmethod
    def open(cls, directory: Path, index_type: str) -> VectorIndex:
        """The index of a segment or generation directory: ``vectors.faiss`` when written
        (HNSW, and generations before segments), else an exact index over ``vectors.npy``
        (a flat index is the vectors themselves: storing it twice would double the writes)."""
        saved = directory / "vectors.faiss"
        if saved.exists():
            return cls.load(saved)
        return cls.build(np.load(directory / "vectors.npy"), index_type)

    def save(self, path: Path) -> None:
        """Write the index to ``path``."""
        faiss.write_index(self._index, str(path))

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return ids and inner-product scores of the ``k`` nearest vectors, best first.

        Parameters
        ----------
        query : numpy.ndarray
            Shape ``(1, dimension)``, float32, normalised.
        k : int
            How many results at most.
        allowed : numpy.ndarray of bool, optional
            A mask over ids; vectors outside it are never returned.
        """
        k = min(k, self.size)
        if k == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        params = None
        if allowed is not None:
            # A bitmap costs n/8 bytes to make; an id batch (a hash set) cost ms per query.
            bits = np.packbits(allowed, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bits))
            params = (
                faiss.SearchParametersHNSW(sel=selector, efSearch=128)
                if isinstance(self._index, faiss.IndexHNSW)
                else faiss.SearchParameters(sel=selector)
            )
        scores, ids = self._index.search(query, k, params=params)
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep]
