"""When feeds are polled: due times, backoff, disabling, the clock, and one poller per index.

This module owns the timing rules. A feed is due when it is enabled and its ``next_due`` has
come. A successful poll (a 304 included) schedules the next one ``interval`` later. A failed one
backs off exponentially with jitter: ``min(interval, 5 min) x 2^failures`` (capped at six hours,
or the interval if longer), at least what a ``Retry-After`` asked, times a random factor in
[0.75, 1.25]; a feed that has failed on end for a day is disabled, with its last error kept.
Time comes from a :class:`Clock`: :class:`SystemClock` in service, :class:`ManualClock` where
tests and simulations move time by hand instead of waiting. :func:`poller_lock` makes sure one
poller at a time follows a collection's feeds: for an index directory an OS file lock, released
by the kernel if the process dies; for a collection in PostgreSQL, leadership elected by an
advisory lock (:mod:`index.postgres.leader`), released when the holder's session ends, so that
several processes sharing the collection take turns.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from ..errors import NewsdeskError
from .state import FeedState, is_database_url

__all__ = [
    "Backoff",
    "Clock",
    "ManualClock",
    "PollerBusyError",
    "PollerLease",
    "Scheduler",
    "SystemClock",
    "poller_lock",
]

LOCK_FILE = ".feeds.lock"


class Clock(Protocol):
    """Where the scheduler and poller get the time, and how they wait."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...

    def sleep(self, seconds: float, stop: threading.Event | None = None) -> bool:
        """Wait ``seconds`` (or until ``stop`` is set); return whether ``stop`` is set."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float, stop: threading.Event | None = None) -> bool:
        if stop is not None:
            return stop.wait(max(0.0, seconds))
        time.sleep(max(0.0, seconds))
        return False


class ManualClock:
    """A clock that moves only when told to; ``sleep`` moves it at once.

    Parameters
    ----------
    start : datetime
        Timezone-aware.
    """

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        """Move time forward; returns the new time."""
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now

    def sleep(self, seconds: float, stop: threading.Event | None = None) -> bool:
        self.advance(max(0.0, seconds))
        return stop is not None and stop.is_set()


@dataclass(frozen=True)
class Backoff:
    """How failures are spaced out.

    Attributes
    ----------
    base : float
        Seconds; the first retry waits ``2 x min(interval, base)``.
    cap : float
        Longest wait between attempts (a longer interval is kept).
    give_up_after : float
        Seconds of consecutive failures after which a feed is disabled.
    jitter : float
        Each wait is multiplied by a random factor in ``[1 - jitter, 1 + jitter]``.
    """

    base: float = 300.0
    cap: float = 6 * 3600.0
    give_up_after: float = 24 * 3600.0
    jitter: float = 0.25


class Scheduler:
    """Decides which feeds are due and when they come round again.

    Parameters
    ----------
    clock : Clock, optional
        Default: :class:`SystemClock`.
    rng : random.Random, optional
        For the jitter (seed it for repeatable tests).
    backoff : Backoff, optional
    """

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        rng: random.Random | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self.clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.backoff = backoff or Backoff()

    def due(self, feeds: Iterable[FeedState], now: datetime | None = None) -> list[FeedState]:
        """The enabled feeds whose time has come, most overdue first."""
        now = now or self.clock.now()
        ready = [f for f in feeds if f.enabled and (f.next_due is None or f.next_due <= now)]
        return sorted(ready, key=lambda f: f.next_due or now)

    def next_due(self, feeds: Iterable[FeedState]) -> datetime | None:
        """When the next enabled feed falls due, or None when none is enabled."""
        times = [f.next_due or self.clock.now() for f in feeds if f.enabled]
        return min(times, default=None)

    def succeeded(self, state: FeedState, now: datetime) -> None:
        """Record a successful poll (content or 304): the failures end, the interval resumes."""
        state.last_fetch = state.last_success = now
        state.failures = 0
        state.failing_since = None
        state.last_error = None
        state.next_due = now + timedelta(seconds=state.interval)

    def failed(
        self, state: FeedState, now: datetime, error: str, retry_after: float | None = None
    ) -> None:
        """Record a failed poll: back off, or disable the feed after a day of failures.

        Parameters
        ----------
        state : FeedState
            Updated in place.
        now : datetime
        error : str
            Shown by ``feeds list``.
        retry_after : float, optional
            Seconds the server asked for (``Retry-After``); the wait is at least that.
        """
        state.last_fetch = now
        state.failures += 1
        state.failing_since = state.failing_since or now
        state.last_error = error
        failing_for = (now - state.failing_since).total_seconds()
        if failing_for >= self.backoff.give_up_after:
            state.enabled = False
            state.next_due = None
            state.last_error = (
                f"{error} (disabled after failing for {failing_for / 3600:.0f} h; "
                "add it again to re-enable)"
            )
            return
        state.next_due = now + timedelta(seconds=self.retry_delay(state, retry_after))

    def retry_delay(self, state: FeedState, retry_after: float | None = None) -> float:
        """Seconds until the next attempt after ``state.failures`` consecutive failures."""
        base = min(state.interval, self.backoff.base)
        delay = min(base * 2.0 ** min(state.failures, 30), max(self.backoff.cap, state.interval))
        delay = max(delay, retry_after or 0.0)
        return delay * (1.0 + self.rng.uniform(-self.backoff.jitter, self.backoff.jitter))


class PollerBusyError(NewsdeskError):
    """Another poller follows this index's feeds."""


class PollerLease(Protocol):
    """What :func:`poller_lock` gives its holder."""

    def held(self) -> bool:
        """Whether this process is still the poller (blocks on the network for a database)."""
        ...


class _FileLease:
    def held(self) -> bool:
        return True  # the kernel keeps an flock for as long as the file stays open


@contextlib.contextmanager
def poller_lock(location: str | os.PathLike) -> Iterator[PollerLease]:
    """Be the collection's one poller for the duration.

    Parameters
    ----------
    location : path-like or str
        An index directory, or a collection's ``postgresql://`` URL.

    Yields
    ------
    PollerLease
        Ask ``held()`` before each poll: a database connection that broke loses the lead (then
        leave the block and stand by).

    Raises
    ------
    PollerBusyError
        When another process (or another poller in this one) is the poller; the message
        names it.
    """
    if is_database_url(location):
        from ..postgres.connection import Location
        from ..postgres.leader import Leadership

        where = Location.parse(str(location))
        collection = where.collection
        leadership = Leadership(where.conninfo, collection)
        if not leadership.try_acquire():
            if leadership.last_error:
                raise PollerBusyError(
                    f"no poller can be elected for collection {collection!r} "
                    f"({leadership.last_error})"
                )
            holder = leadership.holder() or "another process"
            raise PollerBusyError(
                f"another poller ({holder}) leads the feeds of collection {collection!r}"
            )
        try:
            yield leadership
        finally:
            leadership.release()
        return
    directory = Path(location)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise PollerBusyError(
                f"another poller{who} is already following the feeds of {directory}; "
                "only one may run per index"
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield _FileLease()
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
