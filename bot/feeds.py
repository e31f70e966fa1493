"""Following news feeds from the bot: ``/feeds add|list|remove`` and the poller in the background.

:class:`FeedFollower` is the bot's side of :mod:`index.feeds`. Its handlers (add, list, remove,
the health /sources shows) read and write the index's ``feeds.sqlite`` through
:class:`~index.feeds.state.FeedStore`, and fetch (a homepage's feed, found by autodiscovery) with
the one :class:`~index.feeds.fetch.Fetcher` the poller uses too; all of that blocks, so it runs in
worker threads (``asyncio.to_thread``) and the event loop keeps answering and heartbeating.

The background task (:meth:`FeedFollower.start`) polls the due feeds with
:class:`~index.feeds.poller.Poller` into the bot's own :class:`~index.engine.Engine`, which
switches to the new generation as soon as a poll's articles are in, so the next question is
answered from them. It:

* polls only while the index has enabled feeds, and only while it holds the index's poller lock
  (:func:`~index.feeds.scheduler.poller_lock`): when ``python -m index watch`` already follows
  that index, the bot says so in the log, polls nothing, refreshes its engine now and then to
  serve what the watcher adds, and takes over if the watcher stops. On a collection in
  PostgreSQL the lock is an election among every process sharing it (other bots, watchers):
  the bot stands by the same way, and a bot whose database connection broke under it stops
  polling before its next poll and stands by again;
* never overlaps with itself or a /reindex: each poll holds ``update_lock``, the asyncio lock
  /reindex builds under;
* sleeps until the next feed is due (at most ``max_wait`` seconds, so feeds added by the CLI are
  noticed), and wakes at once when /feeds add schedules one;
* survives every failure: a feed's failure is the poller's to back off, anything else is logged
  and tried again later;
* stops cleanly: :meth:`FeedFollower.stop` lets a poll in progress finish, then releases the lock
  and closes the HTTP client.

With ``NEWSDESK_POLL=false`` it never polls (``python -m index watch`` is expected to), but the
commands work and the engine is refreshed as above.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.errors import UserFacingError
from index.feeds.fetch import FetchConfig, Fetcher, FetchError
from index.feeds.parse import FeedParseError
from index.feeds.poller import Poller, PollReport, describe, feed_to_follow
from index.feeds.scheduler import PollerBusyError, PollerLease, Scheduler, poller_lock
from index.feeds.state import (
    DEFAULT_INTERVAL,
    FeedExistsError,
    FeedNotFoundError,
    FeedState,
    FeedStore,
)

if TYPE_CHECKING:
    from index.engine import Engine

log = logging.getLogger(__name__)

MAX_URL_LENGTH = 1000
MAX_OUTLET_LENGTH = 100
MIN_INTERVAL = 60.0
MAX_INTERVAL = 7 * 86400.0
_URL = re.compile(r"https?://[^\s/?#]+\S*", re.IGNORECASE)
_SPAN = r"(\d+(?:\.\d+)?)\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)"
_SPANS = re.compile(rf"(?:\s*{_SPAN})+\s*", re.IGNORECASE)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> float:
    """``15m``, ``2h``, ``90s``, ``1h30m``, ``1 day`` or a bare number of minutes, in seconds.

    Raises ``UserFacingError`` for anything else, or for less than a minute or more than a week.
    """
    value = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        seconds = float(value) * 60
    elif _SPANS.fullmatch(value):
        seconds = sum(
            float(number) * _UNIT[unit[0]]
            for number, unit in re.findall(_SPAN, value, re.IGNORECASE)
        )
    else:
        raise UserFacingError(f"I can't read {text!r} as an interval. Try 15m, 2h or 1h30m.")
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise UserFacingError(
            f"Poll a feed at most every minute and at least once a week, not every {text!r}."
        )
    return seconds


@dataclass(frozen=True)
class PollOptions:
    """How the bot polls; the defaults are for service (tests shorten them).

    Attributes
    ----------
    fetch : FetchConfig or None
        Timeouts, caps and politeness; default: :class:`FetchConfig` with the settings'
        ``NEWSDESK_CONTACT_URL``.
    scheduler : Scheduler or None
        Backoff rules and the clock (default: the system clock).
    workers : int
        Feeds fetched at once.
    max_wait : float
        Longest sleep, in seconds, between two looks at the feeds: how soon feeds added or
        removed by the CLI, or a watcher that stopped, are noticed.
    """

    fetch: FetchConfig | None = None
    scheduler: Scheduler | None = None
    workers: int = 4
    max_wait: float = 60.0


@dataclass(frozen=True)
class AddedFeed:
    """What /feeds add did."""

    feed: FeedState
    discovered_on: str | None
    entries: int
    polling: str


class FeedFollower:
    """The feeds of the bot's index: their commands and the poller in the background.

    Parameters
    ----------
    engine : Engine
        Where polls' articles go (it serves them as soon as they are in).
    update_lock : asyncio.Lock
        Held by each poll and by /reindex, so they never overlap.
    poll : bool
        False (``NEWSDESK_POLL=false``): never poll, leave it to ``python -m index watch``.
    options : PollOptions
    """

    def __init__(
        self,
        engine: Engine,
        update_lock: asyncio.Lock,
        *,
        poll: bool = True,
        options: PollOptions | None = None,
    ):
        self.engine = engine
        self.index_dir = engine.index_dir
        self.update_lock = update_lock
        self.poll_enabled = poll
        self.options = options or PollOptions()
        self.scheduler = self.options.scheduler or Scheduler()
        self.polls = 0
        """Polls that polled at least one feed."""
        self.last_report: PollReport | None = None
        self.polling_now = False
        self._state = "stopped"
        self._busy: str | None = None
        self._fetcher: Fetcher | None = None
        self._fetcher_lock = threading.Lock()
        self._poller: Poller | None = None
        self._feed_store: FeedStore | None = None
        self._held: contextlib.ExitStack | None = None
        self._lease: PollerLease | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    # -- the commands ------------------------------------------------------------------------

    async def feeds(self) -> list[FeedState]:
        """Every followed feed with its health, in the order they were added."""
        return await asyncio.to_thread(self._read_feeds)

    async def add(
        self, url: str, *, source: str | None = None, every: str | None = None
    ) -> AddedFeed:
        """Follow the feed at ``url``, or the feed the page at ``url`` advertises.

        Nothing is added when ``url`` gives no feed; the refusal says why. The new feed is due
        at once: the background poller is woken to poll it.
        """
        url = url.strip()
        if len(url) > MAX_URL_LENGTH or not _URL.fullmatch(url):
            raise UserFacingError(
                "Give me the http:// or https:// address of a feed (RSS, Atom or JSON Feed) or of "
                "a news site's page that links to one."
            )
        interval = parse_every(every) if every and every.strip() else DEFAULT_INTERVAL
        source = " ".join((source or "").split())[:MAX_OUTLET_LENGTH] or None
        try:
            feed_url, parsed, discovered_on = await asyncio.to_thread(
                feed_to_follow, self.fetcher, url
            )
        except (FetchError, FeedParseError) as error:
            reason = error.reason if isinstance(error, FetchError) else str(error)
            raise UserFacingError(
                f"I can't follow {url}: {reason}. Nothing was added. Give me the address of an "
                "RSS, Atom or JSON feed, or of a page that links to one."
            ) from None
        try:
            feed = await asyncio.to_thread(
                self._store().add,
                feed_url,
                now=self.scheduler.clock.now(),
                source=source,
                title=parsed.title,
                interval=interval,
            )
        except FeedExistsError:
            raise UserFacingError(
                f"I already follow {feed_url}. /feeds list shows it; /feeds remove it first to "
                "change it."
            ) from None
        log.info("feeds: following %s as %r every %.0f s", feed.url, feed.outlet, interval)
        self.wake()
        return AddedFeed(feed, discovered_on, len(parsed.entries), self.status())

    async def remove(self, url: str) -> FeedState:
        """Stop following the feed at ``url`` (its articles stay in the index)."""
        url = url.strip()
        feeds = await self.feeds()
        feed = next((f for f in feeds if f.url == url), None)
        if feed is None:
            raise UserFacingError(
                f"I don't follow {url[:MAX_URL_LENGTH]}. /feeds list shows the feeds I follow."
            )
        with contextlib.suppress(FeedNotFoundError):  # removed by the CLI meanwhile: as asked
            await asyncio.to_thread(self._store().remove, feed.url)
        log.info("feeds: no longer following %s", feed.url)
        self.wake()
        return feed

    def status(self) -> str:
        """Who polls the feeds, in a sentence for /feeds replies."""
        if not self.poll_enabled:
            return (
                "The bot does not poll feeds (NEWSDESK_POLL=false): "
                "python -m index watch on its index does."
            )
        if self._state == "busy":
            return (
                f"The bot does not poll: {self._busy}. It serves what that poller adds and "
                "takes over when it stops."
            )
        if self._state == "stopped":
            return "The bot's poller is not running."
        return "The bot polls each feed in the background on its schedule."

    # -- the poller in the background --------------------------------------------------------

    def start(self) -> None:
        """Start following the feeds in the background (once)."""
        if self._task is None:
            self._stopping.clear()
            self._state = "idle"
            self._task = asyncio.create_task(self._run(), name="newsdesk-feeds")

    def wake(self) -> None:
        """Look at the feeds now (one was added or removed)."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop the background poller: a poll in progress finishes, then the lock is released
        and the HTTP client closed."""
        self._stopping.set()
        self._wake.set()
        task, self._task = self._task, None
        if task is not None:
            if self.polling_now:
                log.info("feeds: stopping after the current poll")
            await task
        self._state = "stopped"
        with self._fetcher_lock:
            fetcher, self._fetcher = self._fetcher, None
        if fetcher is not None:
            await asyncio.to_thread(fetcher.close)

    async def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    wait = await self._step()
                except Exception:
                    wait = self.options.max_wait
                    log.exception("feeds: the poller failed; trying again in %.0f s", wait)
                await self._sleep(wait)
        finally:
            self._release()

    async def _step(self) -> float:
        """Poll the due feeds if this bot is the index's poller; seconds until the next look."""
        feeds = [f for f in await self.feeds() if f.enabled]
        if not feeds:
            self._release()  # nothing to follow: leave the lock to a `python -m index watch`
            self._state = "idle"
            return self.options.max_wait
        if not self.poll_enabled:
            await asyncio.to_thread(self._refresh)
            return self.options.max_wait
        if self._held is not None and not await asyncio.to_thread(self._still_leads):
            log.warning("feeds: the bot lost the lead of %s; standing by", describe(self.index_dir))
            self._release()
        if self._held is None:
            try:
                self._held = await asyncio.to_thread(self._acquire)
            except PollerBusyError as error:
                if self._state != "busy":
                    log.warning(
                        "feeds: %s. The bot does not poll while that one runs; it serves what "
                        "that poller adds.",
                        error,
                    )
                self._state, self._busy = "busy", str(error)
                await asyncio.to_thread(self._refresh)
                return self.options.max_wait
            self._state, self._busy = "polling", None
            log.info(
                "feeds: the bot polls the %d feed(s) of %s", len(feeds), describe(self.index_dir)
            )
        async with self.update_lock:  # never during a /reindex
            if self._stopping.is_set():
                return 0.0
            self.polling_now = True
            try:
                report = await asyncio.to_thread(self._poll)
            finally:
                self.polling_now = False
        upcoming = self.scheduler.next_due(await self.feeds())
        if upcoming is None:
            return self.options.max_wait
        seconds = (upcoming - self.scheduler.clock.now()).total_seconds()
        if report.feeds:
            log.debug("feeds: next poll in %.0f s", seconds)
        return min(self.options.max_wait, max(0.1, seconds))

    def _poll(self) -> PollReport:  # in a worker thread
        if self._poller is None:
            self._poller = Poller(
                self.index_dir,
                self.engine,
                fetcher=self.fetcher,
                scheduler=self.scheduler,
                workers=self.options.workers,
            )
        report = self._poller.poll(lease=self._lease)
        if report.feeds:
            self.polls += 1
            self.last_report = report
            log.info("feeds: %s", report.line())
        if report.index_error:
            log.warning("feeds: not indexed (fetched again next poll): %s", report.index_error)
        return report

    async def _sleep(self, seconds: float) -> None:
        if not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.05, seconds))
        self._wake.clear()

    def _acquire(self) -> contextlib.ExitStack:
        stack = contextlib.ExitStack()
        self._lease = stack.enter_context(poller_lock(self.index_dir))
        return stack

    def _still_leads(self) -> bool:  # in a worker thread: on PostgreSQL it asks the server
        return self._lease is not None and self._lease.held()

    def _release(self) -> None:
        held, self._held, self._lease = self._held, None, None
        if held is not None:
            held.close()
            log.info("feeds: the bot no longer polls the feeds of %s", describe(self.index_dir))

    def _refresh(self) -> None:
        """Serve what another poller added (a cheap look at the index's current generation)."""
        try:
            self.engine.refresh()
        except Exception:
            log.warning("feeds: could not load the index's new generation", exc_info=True)

    # -- plumbing ----------------------------------------------------------------------------

    @property
    def fetcher(self) -> Fetcher:
        """The HTTP client for feeds and pages, made on first use (thread-safe)."""
        with self._fetcher_lock:
            if self._fetcher is None:
                config = self.options.fetch or FetchConfig()
                if not config.contact_url:
                    log.info("NEWSDESK_CONTACT_URL is not set: requests name the bot, no contact")
                self._fetcher = Fetcher(config)
            return self._fetcher

    def _store(self) -> FeedStore:
        """The index's feed state, created on first use (by /feeds add)."""
        if self._feed_store is None:
            self._feed_store = FeedStore(self.index_dir)
        return self._feed_store

    def _read_feeds(self) -> list[FeedState]:
        if self._feed_store is None and not FeedStore.exists(self.index_dir):
            return []  # never create the state of an index that follows no feed
        return self._store().feeds()
