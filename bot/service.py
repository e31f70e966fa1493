"""What the bot does, independent of Discord: ask, sources, reindex, feeds, and who may do what.

Both transports (the Discord cogs and the console) call these handlers, so they behave the
same. The engine is blocking (embedding, FAISS, SQLite), so every call into it runs in a worker
thread via ``asyncio.to_thread`` and the event loop keeps serving heartbeats and other users.

Also here: the per-user ``RateLimiter``, the state of the one reindex that may run at a time
(``ReindexJob``), and parsing of the user-typed ``since`` option. The feeds (``/feeds`` and the
poller in the background) are :class:`bot.feeds.FeedFollower`'s, as ``Newsdesk.feeds``; a
reindex and a poll never overlap (``update_lock``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.errors import NotAllowedError, RateLimitedError, ReindexRunningError, UserFacingError
from bot.feeds import FeedFollower, PollOptions
from bot.render import summary_text
from index import dates
from index.embedding import Embedder
from index.engine import Engine
from index.errors import IndexNotFoundError
from index.feeds.fetch import FetchConfig

if TYPE_CHECKING:
    from bot.settings import Settings
    from index.answer import Answer
    from index.build import BuildSummary
    from index.feeds.state import FeedState
    from index.quote_index import QuoteHit
    from index.store import IndexStats

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_QUESTION_LENGTH = 500
MAX_SPEAKER_LENGTH = 100
ProgressCallback = Callable[["ReindexJob"], Awaitable[None]]


class RateLimiter:
    """At most ``limit`` calls per ``window`` seconds per key (a sliding window)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self._clock = limit, window, clock
        self._calls: dict[Hashable, deque[float]] = {}

    def hit(self, key: Hashable) -> float | None:
        """Count a call; ``None`` if allowed, else the seconds until the next one would be."""
        now = self._clock()
        if len(self._calls) > 10_000:  # forget users who have not asked for a whole window
            self._calls = {k: v for k, v in self._calls.items() if v and v[-1] > now - self.window}
        calls = self._calls.setdefault(key, deque())
        while calls and calls[0] <= now - self.window:
            calls.popleft()
        if len(calls) >= self.limit:
            return calls[0] + self.window - now
        calls.append(now)
        return None


@dataclass
class ReindexJob:
    """One /reindex: who asked, how far it got, and how it ended."""

    requested_by: str
    full: bool
    started_at: datetime
    done: int = 0
    total: int = 0
    finished_at: datetime | None = None
    summary: BuildSummary | None = None
    error: str | None = None
    waiting: bool = False
    """Waiting for a feed poll to finish before it starts."""


@dataclass(frozen=True)
class SourcesReport:
    """What /sources shows."""

    stats: IndexStats
    last_reindex: ReindexJob | None
    feeds: list[FeedState]


def parse_since(text: str | None, *, now: datetime | None = None) -> datetime | None:
    """``2024-03-01``, ``1 March 2024``, ``7d``, ``2w``, ``3 months``… as an aware UTC datetime.

    :func:`index.dates.parse_since` reads it; what it cannot read is told to the user.
    """
    try:
        return dates.parse_since(text, now=now)
    except dates.DateError:
        raise UserFacingError(
            f"I can't read {text!r} as a date. Use a date like 2024-03-01, or a span like 7d or 4w."
        ) from None


def _open_engine(settings: Settings, embedder: Embedder | None) -> Engine:
    embedder = embedder or Embedder(settings.model, precision=settings.precision)
    # location: the index, reading from NEWSDESK_STORE_REPLICA when one is set.
    engine = Engine.open(settings.location, embedder=embedder, require_index=not settings.sources)
    try:
        engine.stats()
    except IndexNotFoundError as exc:
        log.warning("%s. Starting anyway: /reindex builds it from %s.", exc, settings.sources)
    return engine


class Newsdesk:
    """The handlers both transports share, over one engine.

    ``poll`` and ``polling`` configure the feed poller (:class:`bot.feeds.FeedFollower`), which
    runs once :meth:`start` is called and until :meth:`close`.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        sources: Sequence[Path] = (),
        admin_ids: frozenset[int] = frozenset(),
        rate_limiter: RateLimiter | None = None,
        progress_interval: float = 2.0,
        poll: bool = True,
        polling: PollOptions | None = None,
    ):
        self.engine = engine
        self.sources = list(sources)
        self.admin_ids = admin_ids
        self.rate_limiter = rate_limiter or RateLimiter(6, 60.0)
        self.progress_interval = progress_interval
        self.current_job: ReindexJob | None = None
        self.last_job: ReindexJob | None = None
        self.update_lock = asyncio.Lock()
        """Held by a reindex and by each feed poll: they never overlap."""
        self.feeds = FeedFollower(engine, self.update_lock, poll=poll, options=polling)

    @classmethod
    async def open(
        cls,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        polling: PollOptions | None = None,
    ) -> Newsdesk:
        """Load the model and the index named by ``settings`` (in a thread: it takes seconds).

        Raises the engine's ``IndexNotFoundError`` (whose message says how to build one) when
        there is no usable index, unless ``NEWSDESK_SOURCES`` is set: then the bot starts
        empty and an admin can build the index with /reindex. ``polling`` overrides how feeds
        are polled (by default: politely, with ``NEWSDESK_CONTACT_URL`` in the User-Agent).
        """
        if settings.index_dir is None:
            raise UserFacingError(
                "No index directory: set NEWSDESK_INDEX_DIR (build one with "
                "'python -m index build PATH... --index DIR')."
            )
        engine = await asyncio.to_thread(_open_engine, settings, embedder)
        polling = polling or PollOptions()
        if polling.fetch is None:
            polling = replace(polling, fetch=FetchConfig(contact_url=settings.contact_url))
        return cls(
            engine,
            sources=settings.sources,
            admin_ids=settings.admin_ids,
            rate_limiter=RateLimiter(settings.rate_limit, settings.rate_window),
            progress_interval=settings.progress_interval,
            poll=settings.poll,
            polling=polling,
        )

    def start(self) -> None:
        """Start the work in the background: following the index's feeds."""
        self.feeds.start()

    async def close(self) -> None:
        """Stop the work in the background (a feed poll in progress finishes first)."""
        await self.feeds.stop()

    # -- questions ---------------------------------------------------------------------------

    def admit(self, user_id: Hashable) -> None:
        """Count a question against ``user_id``'s rate limit; raise if over it."""
        retry_after = self.rate_limiter.hit(user_id)
        if retry_after is not None:
            raise RateLimitedError(retry_after)

    async def ask(
        self, question: str, *, source: str | None = None, since: str | None = None
    ) -> Answer:
        """Answer ``question`` from the articles (optionally one outlet, or recent ones only)."""
        question = " ".join(question.split())
        if not question:
            raise UserFacingError("Ask me a question about the news, e.g. “What did NATO decide?”")
        if len(question) > MAX_QUESTION_LENGTH:
            raise UserFacingError(
                f"That question is too long ({len(question)} characters); "
                f"please keep it under {MAX_QUESTION_LENGTH}."
            )
        since_at = parse_since(since)
        sources = [await self._resolve_source(source)] if source else None
        log.info("ask: %r (source=%s, since=%s)", question, source, since_at)
        return await self._call(self.engine.ask, question, sources=sources, since=since_at)

    async def quotes(
        self,
        speaker: str,
        about: str | None = None,
        source: str | None = None,
        since: str | None = None,
        *,
        limit: int = 10,
    ) -> list[QuoteHit]:
        """``speaker``'s quotations across the articles, best match for ``about`` first.

        Without ``about`` the newest come first. ``source`` and ``since`` filter as in
        :meth:`ask`; an empty list means nobody by that name is quoted (on that topic).
        """
        speaker = " ".join(speaker.split())
        if not speaker:
            raise UserFacingError(
                "Whose quotations? Give me a name, e.g. “/quotes Zelenskyy about:NATO”."
            )
        if len(speaker) > MAX_SPEAKER_LENGTH:
            raise UserFacingError(
                f"That name is too long ({len(speaker)} characters); "
                f"please keep it under {MAX_SPEAKER_LENGTH}."
            )
        about = " ".join((about or "").split()) or None
        if about is not None and len(about) > MAX_QUESTION_LENGTH:
            raise UserFacingError(
                f"That topic is too long ({len(about)} characters); "
                f"please keep it under {MAX_QUESTION_LENGTH}."
            )
        since_at = parse_since(since)
        sources = [await self._resolve_source(source)] if source else None
        log.info("quotes: %r about %r (source=%s, since=%s)", speaker, about, source, since_at)
        hits = await self._call(
            self.engine.quotes, speaker, about=about, sources=sources, since=since_at, limit=limit
        )
        if not hits and not self.engine.generation.quotes.available:
            raise UserFacingError(
                "This index was built before quotations were indexed, so I can't list anyone's "
                "yet; the next /reindex adds them. /ask still answers from the articles."
            )
        return hits

    async def _call(self, method: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a blocking engine method in a worker thread."""
        try:
            return await asyncio.to_thread(method, *args, **kwargs)
        except IndexNotFoundError as exc:
            if not self.sources:
                raise
            raise UserFacingError(f"{exc}. Or an admin can build it with /reindex.") from exc

    async def _resolve_source(self, name: str) -> str:
        stats = await self._call(self.engine.stats)
        wanted = name.strip().casefold()
        for outlet in stats.sources:
            if outlet.name.casefold() == wanted:
                return outlet.name
        known = ", ".join(sorted(s.name for s in stats.sources)) or "none yet"
        raise UserFacingError(f"I have no articles from {name!r}. Outlets I know: {known}.")

    async def outlet_names(self) -> list[str]:
        """Outlet names, for autocompletion."""
        stats = await self._call(self.engine.stats)
        return sorted(s.name for s in stats.sources)

    async def sources_report(self) -> SourcesReport:
        stats = await self._call(self.engine.stats)
        feeds = await self.feeds.feeds()
        return SourcesReport(stats, self.current_job or self.last_job, feeds)

    # -- who may administer ------------------------------------------------------------------

    def may_administer(self, user_id: int, *, manages_guild: bool = False) -> bool:
        """Server managers (in their server) and the configured admin ids, anywhere."""
        return manages_guild or user_id in self.admin_ids

    def check_admin(self, user_id: int, *, manages_guild: bool = False, to: str) -> None:
        """Raise the refusal if ``user_id`` may not do admin work (here); ``to`` names it."""
        if not self.may_administer(user_id, manages_guild=manages_guild):
            raise NotAllowedError(
                f"Only server managers and the bot's configured admins can {to}. "
                "In DMs, your user id must be in NEWSDESK_ADMIN_IDS."
            )

    # -- reindex -----------------------------------------------------------------------------

    def check_reindex(self, user_id: int, *, manages_guild: bool = False) -> None:
        """Raise the refusal if ``user_id`` may not reindex (here), or if a reindex is running."""
        self.check_admin(user_id, manages_guild=manages_guild, to="reindex")
        self._check_not_running()

    def _check_not_running(self) -> None:
        job = self.current_job
        if job is not None:
            raise ReindexRunningError(
                f"A reindex is already running ({job.done}/{job.total} articles, "
                f"started by {job.requested_by}). I'll keep answering from the current index; "
                "please try again when it has finished."
            )

    async def reindex(
        self,
        *,
        requested_by: str,
        full: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> ReindexJob:
        """Re-read the configured sources into a new index generation.

        The build runs in a worker thread; questions keep being answered from the old
        generation until it finishes, and from the new one right after. ``on_progress`` is
        awaited on the event loop with the job, at most every ``progress_interval`` seconds.
        A failed build leaves the old generation serving; the job records why. A feed poll
        in progress finishes first (the job says it is waiting). Articles whose source file is
        gone, or no longer holds them, are removed; those from feeds and pages come from no
        file and are kept (see :func:`index.build._prunable`).
        """
        self._check_not_running()
        if not self.sources:
            raise UserFacingError(
                "No sources are configured to reindex: set NEWSDESK_SOURCES to the article "
                "files or folders."
            )
        job = ReindexJob(requested_by=requested_by, full=full, started_at=datetime.now(UTC))
        self.current_job = job
        loop = asyncio.get_running_loop()
        progressed, stopped = asyncio.Event(), asyncio.Event()

        def progress(done: int, total: int) -> None:  # called from the build thread
            job.done, job.total = done, total
            loop.call_soon_threadsafe(progressed.set)

        async def relay() -> None:
            while True:
                await progressed.wait()
                if stopped.is_set():
                    return
                progressed.clear()
                if on_progress is not None:
                    try:
                        await on_progress(job)
                    except Exception:
                        log.warning("reindex: could not report progress", exc_info=True)
                with contextlib.suppress(TimeoutError):  # throttle: Discord rate-limits edits
                    await asyncio.wait_for(stopped.wait(), self.progress_interval)

        relay_task = asyncio.create_task(relay())
        log.info("reindex: started by %s (full=%s) over %s", requested_by, full, self.sources)
        try:
            if self.update_lock.locked():
                job.waiting = True
                progressed.set()
                log.info("reindex: waiting for the feed poll to finish")
            async with self.update_lock:
                job.waiting = False
                job.summary = await asyncio.to_thread(
                    self.engine.build, self.sources, full=full, prune=True, progress=progress
                )
        except Exception as exc:
            job.error = str(exc) or type(exc).__name__
            log.error("reindex: failed: %s", job.error, exc_info=exc)
        finally:
            stopped.set()
            progressed.set()
            await relay_task
            job.finished_at = datetime.now(UTC)
            self.current_job = None
            self.last_job = job
        if job.summary is not None:
            log.info("reindex: done: %s", summary_text(job.summary))
        return job
