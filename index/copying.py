"""Copying a collection between stores (``python -m index copy SRC DST``), without re-embedding.

The source store exports every live article with what was derived from it (chunks and their
vectors, keyword texts, quotations and their vectors, the title vector, the duplicate pointer)
and the destination's writer stores them as a build would, in one change: an index directory
gets one new segment and generation, a PostgreSQL collection gets them in transactions of whole
articles (a killed copy leaves what it committed; copying again into the same destination is
refused while it holds anything, so clear it first). The destination records the source's model,
dimension and chunking, so later builds reuse the vectors.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import NewsdeskError
from .storage import open_store, shown

log = logging.getLogger(__name__)


@dataclass
class CopySummary:
    """What a copy moved."""

    articles: int = 0
    duplicates: int = 0
    chunks: int = 0
    quotes: int = 0
    seconds: float = 0.0
    feeds: int = 0


def copy_collection(
    source: str | os.PathLike,
    target: str | os.PathLike,
    progress: Callable[[int, int], None] | None = None,
) -> CopySummary:
    """Copy the collection at ``source`` into the empty ``target`` (each a directory or URL).

    Parameters
    ----------
    source, target : path-like or str
        Index directories or ``postgresql://`` URLs (see :func:`index.storage.open_store`).
    progress : callable, optional
        ``progress(done, total)`` over the articles (duplicates included).

    Returns
    -------
    CopySummary

    Raises
    ------
    IndexNotFoundError
        If nothing is built at ``source``.
    NewsdeskError
        If ``target`` already holds articles, or is ``source`` itself.
    """
    started = time.perf_counter()
    origin, destination = open_store(source), open_store(target)
    if str(origin) == str(destination):
        raise NewsdeskError(f"{shown(source)} and {shown(target)} are the same collection")
    origin.open()  # the precise error when nothing usable is there
    manifest = origin.manifest()
    total = manifest.articles + manifest.duplicates
    summary = CopySummary()
    with destination.writer() as writer:
        held = writer.settings
        if held is not None and held.articles + held.duplicates:
            raise NewsdeskError(
                f"{shown(target)} already holds a collection "
                f"({held.articles} article{'s' * (held.articles != 1)}); copy into an empty "
                "directory or another collection (postgresql://...?collection=NAME)"
            )
        if hasattr(writer, "quotes_version"):
            # Quotations from an older extractor stay marked as such: the next build updates them.
            writer.quotes_version = manifest.quotes_version
        # PostgreSQL always searches with HNSW; an index directory gets the exact default back.
        index_type = manifest.index_type if getattr(origin, "kind", "") == "embedded" else "flat"
        writer.begin(manifest.model, manifest.dimension, manifest.chunking, index_type)
        if progress:
            progress(0, total)
        for done, item in enumerate(origin.export(), start=1):
            writer.add(item)
            if item.duplicate_of is None:
                summary.articles += 1
            else:
                summary.duplicates += 1
            summary.chunks += len(item.chunks)
            summary.quotes += len(item.quotes)
            if progress and (done % 64 == 0 or done == total):
                progress(done, total)
        writer.commit()
    summary.feeds = _copy_feeds(source, target)
    summary.seconds = time.perf_counter() - started
    log.info(
        "copied %d articles (%d duplicates, %d chunks, %d quotations) in %.1f s",
        summary.articles,
        summary.duplicates,
        summary.chunks,
        summary.quotes,
        summary.seconds,
    )
    return summary


def _copy_feeds(source: str | os.PathLike, target: str | os.PathLike) -> int:
    """Follow the source's feeds at the target too (with their entries seen and articles
    indexed, so the target's polls do not fetch them again); the number of feeds."""
    from datetime import UTC, datetime

    from .feeds.state import FeedStore

    if not FeedStore.exists(source):
        return 0
    return len(FeedStore(target).copy_from(FeedStore(source), now=datetime.now(UTC)))
