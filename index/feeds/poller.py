"""A poll: due feeds fetched in parallel, new and changed entries read, articles indexed at once.

This module owns one round of following the news and the loop that repeats it. For each due
feed (in worker threads; the fetcher keeps each host's pace) it sends a conditional GET (an
unchanged feed costs one 304 and nothing else), parses the feed, and for every entry that is new
to this feed or whose content changed, reads its article page (robots.txt permitting; the feed
entry stands in, marked partial, when the page cannot be had). A story another feed already
brought in is recorded, not fetched again. All the articles of the poll go to the index in ONE
``add_articles`` call (an :class:`~index.engine.Engine` or a :class:`~index.build.Builder`); an
article whose content is what was indexed before is left out, and a changed one carries its
updated time. Only then is the feeds' state written (validators, entries seen), so a poll whose
indexing failed is fetched again in full rather than lost behind a 304. A feed that fails
(network, HTTP status, not a feed) is backed off by :mod:`index.feeds.scheduler`; the others go
on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from ..articles import Article
from ..errors import StoreUnavailableError
from .fetch import Fetcher, FetchError, Response
from .identity import article_id, entry_hash, entry_key
from .pages import Extracted, ExtractionError, article_from_entry, fetch_article
from .parse import FEED_ACCEPT, FeedEntry, FeedParseError, ParsedFeed, parse_feed
from .scheduler import PollerBusyError, PollerLease, Scheduler, poller_lock
from .state import ArticleRecord, EntryRecord, FeedState, FeedStore, is_database_url

__all__ = [
    "CheckedEntry",
    "FeedCheck",
    "FeedResult",
    "PollReport",
    "Poller",
    "Sink",
    "describe",
    "resolve_feed",
]

log = logging.getLogger(__name__)


class Sink(Protocol):
    """Where a poll's articles go: ``Engine.add_articles`` or ``Builder.add_articles``."""

    def add_articles(self, articles: Iterable[Article]): ...


@dataclass
class FeedResult:
    """What polling one feed gave.

    Attributes
    ----------
    feed : FeedState
        Its state, updated by the poll.
    status : str
        ``"ok"`` (fetched and read), ``"not modified"`` (304) or ``"failed"``.
    error : str or None
    articles : list of Extracted
        New or changed articles read from its entries.
    entries : int
        Entries in the feed.
    notes : list of str
        Problems that cost nothing but a detail (malformed markup, a page disallowed, a short
        body).
    """

    feed: FeedState
    status: str
    error: str | None = None
    retry_after: float | None = None
    response: Response | None = None
    parsed: ParsedFeed | None = None
    articles: list[Extracted] = field(default_factory=list)
    records: list[EntryRecord] = field(default_factory=list)
    entries: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "url": self.feed.url,
            "outlet": self.feed.outlet,
            "status": self.status,
            "error": self.error,
            "entries": self.entries,
            "articles": len(self.articles),
            "notes": self.notes,
        }


@dataclass
class PollReport:
    """One poll.

    Attributes
    ----------
    started : datetime
    feeds : list of FeedResult
        One per due feed.
    requests : int
        HTTP requests sent (feeds, pages, robots.txt, redirects).
    seconds : float
    articles : list of Article
        Handed to the index.
    added, updated : int
        As the index counted them.
    index_error : str or None
        Why the index refused the articles (they are fetched again next time).
    """

    started: datetime
    feeds: list[FeedResult] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    articles: list[Article] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    index_error: str | None = None

    @property
    def failed(self) -> list[FeedResult]:
        return [r for r in self.feeds if r.status == "failed"]

    @property
    def not_modified(self) -> int:
        return sum(r.status == "not modified" for r in self.feeds)

    def line(self) -> str:
        """One line for a log or terminal."""
        failed = f", {len(self.failed)} failed" if self.failed else ""
        return (
            f"{len(self.feeds)} feed{'s' * (len(self.feeds) != 1)} polled "
            f"({self.not_modified} not modified{failed}): {self.added} added, "
            f"{self.updated} updated; {self.requests} requests in {self.seconds:.1f} s"
        )

    def as_dict(self) -> dict:
        return {
            "started": self.started.isoformat(),
            "feeds": [r.as_dict() for r in self.feeds],
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "articles": len(self.articles),
            "added": self.added,
            "updated": self.updated,
            "index_error": self.index_error,
        }


@dataclass
class CheckedEntry:
    """An entry as ``feeds check`` shows it."""

    title: str
    link: str | None
    article_id: str
    status: str  # "new", "changed", "seen"
    extracted: Extracted | None = None
    problem: str | None = None

    def as_dict(self) -> dict:
        data = {
            "title": self.title,
            "link": self.link,
            "id": self.article_id,
            "status": self.status,
            "problem": self.problem,
        }
        if self.extracted is not None:
            article = self.extracted.article
            data.update(
                text_chars=len(article.text),
                text_from=self.extracted.text_from,
                partial=article.partial,
                source=article.source,
                published=article.published.isoformat() if article.published else None,
                updated=article.updated.isoformat() if article.updated else None,
                authors=list(article.authors),
                notes=self.extracted.notes,
            )
        return data


@dataclass
class FeedCheck:
    """What ``feeds check`` found at a URL."""

    url: str
    kind: str
    title: str | None
    discovered_on: str | None
    entries: list[CheckedEntry]
    problems: list[str]
    requests: int = 0

    def as_dict(self) -> dict:
        return {
            "url": self.url,
            "kind": self.kind,
            "title": self.title,
            "discovered_on": self.discovered_on,
            "entries": [e.as_dict() for e in self.entries],
            "problems": self.problems,
            "requests": self.requests,
        }


def describe(location: str | Path) -> str:
    """A collection as messages and logs name it: its directory, or ``collection 'NAME' in
    postgresql://host:port/database`` (never a URL's password)."""
    if is_database_url(location):
        from ..postgres.connection import Location

        where = Location.parse(str(location))
        database = str(where).split("?", 1)[0]
        return f"collection {where.collection!r} in {database}"
    return str(location)


def resolve_feed(fetcher: Fetcher, url: str) -> tuple[Response, ParsedFeed, str | None]:
    """Fetch a feed URL, or a web page and then the first feed it advertises.

    Returns
    -------
    (Response, ParsedFeed, str or None)
        The feed's response and contents, and the page it was discovered on (None for a feed
        URL).

    Raises
    ------
    FetchError, FeedParseError
    """
    cap = fetcher.config.max_feed_bytes
    response = fetcher.get(url, max_bytes=cap, accept=FEED_ACCEPT)
    parsed = parse_feed(response.body, response.url, response.content_type, response.charset)
    if parsed.kind != "html":
        return response, parsed, None
    feed_url = parsed.discovered[0].url
    response = fetcher.get(feed_url, max_bytes=cap, accept=FEED_ACCEPT)
    parsed = parse_feed(response.body, response.url, response.content_type, response.charset)
    if parsed.kind == "html":
        raise FeedParseError(f"{feed_url}, advertised on {url}, is a web page, not a feed")
    return response, parsed, url


def feed_to_follow(fetcher: Fetcher, url: str) -> tuple[str, ParsedFeed, str | None]:
    """The address to follow for ``url`` (a feed, or a page advertising one), as both the CLI's
    ``feeds add`` and the bot's ``/feeds add`` store it.

    A feed found on a page is followed at its own address; a feed URL that only redirected is
    followed at the address given (redirects are cheap, and the given one is the stable one).

    Returns
    -------
    (str, ParsedFeed, str or None)
        The address to store, the feed as fetched now, and the page it was found on.

    Raises
    ------
    FetchError, FeedParseError
        When ``url`` gives no feed.
    """
    response, parsed, discovered_on = resolve_feed(fetcher, url)
    if discovered_on is None and response.redirected_from:
        return url, parsed, None
    return response.url, parsed, discovered_on


class Poller:
    """Polls an index's due feeds and hands their new articles to the index.

    Parameters
    ----------
    index_dir : path-like or str
        Where the feeds' state lives: the index directory (``feeds.sqlite`` there) or the
        collection's ``postgresql://`` URL (see :class:`~index.feeds.state.FeedStore`).
    sink : Sink
        Takes each poll's articles in one ``add_articles`` call.
    fetcher : Fetcher, optional
        Shared HTTP client (default: a new one with default politeness).
    scheduler : Scheduler, optional
        Timing rules and the clock.
    workers : int
        Feeds fetched at once.
    max_entries : int
        Entries read per feed per poll (the newest, in feed order).
    """

    def __init__(
        self,
        index_dir: str | Path,
        sink: Sink,
        *,
        fetcher: Fetcher | None = None,
        scheduler: Scheduler | None = None,
        workers: int = 4,
        max_entries: int = 100,
    ) -> None:
        self.location = index_dir
        self.store = FeedStore(index_dir)
        self.sink = sink
        self.fetcher = fetcher or Fetcher()
        self.scheduler = scheduler or Scheduler()
        self.workers = workers
        self.max_entries = max_entries

    @property
    def clock(self):
        return self.scheduler.clock

    def poll(
        self, urls: Iterable[str] | None = None, *, lease: PollerLease | None = None
    ) -> PollReport:
        """Poll the due feeds (or exactly ``urls``, due or not) once.

        With the ``lease`` of :func:`~index.feeds.scheduler.poller_lock`, the lead is checked
        again once the feeds are fetched: a poller that lost it meanwhile (its database
        connection broke, another process may lead and poll the same feeds) indexes and records
        nothing, and says so in ``index_error``.

        Returns
        -------
        PollReport
        """
        started, clock_start = time.perf_counter(), self.clock.now()
        requests_before = self.fetcher.requests
        feeds = self.store.feeds()
        if urls is None:
            due = self.scheduler.due(feeds, clock_start)
        else:
            wanted = set(urls)
            due = [f for f in feeds if f.url in wanted]
        report = PollReport(clock_start)
        if not due:
            return report
        claims = _Claims()
        with ThreadPoolExecutor(max(1, min(self.workers, len(due)))) as pool:
            report.feeds = list(pool.map(lambda feed: self._poll_feed(feed, claims), due))
        now = self.clock.now()

        articles: dict[str, Article] = {}
        indexed: list[ArticleRecord] = []
        for result in report.feeds:
            for extracted in result.articles:
                article = extracted.article
                if article.id in articles:
                    continue  # the same story from another feed in this poll
                # Compared as read, before an updated time of our own is put on it.
                read_hash = article.content_hash
                before = self.store.article(article.id)
                if before is not None and before.content_hash == read_hash:
                    continue
                if before is not None and article.updated is None:
                    article = replace(article, updated=now)  # changed with no date of its own
                articles[article.id] = article
                indexed.append(ArticleRecord(article.id, read_hash, article.url, article.partial))
        if lease is not None and not lease.held():
            report.index_error = "no longer the poller (another process may lead): nothing kept"
            log.warning("%s; %d feeds fetched for nothing", report.index_error, len(report.feeds))
            report.requests = self.fetcher.requests - requests_before
            report.seconds = time.perf_counter() - started
            return report
        report.articles = list(articles.values())
        if report.articles:
            try:
                summary = self.sink.add_articles(report.articles)
                report.added = getattr(summary, "added", len(report.articles))
                report.updated = getattr(summary, "updated", 0)
            except Exception as error:  # the index's trouble must not stop the poller
                report.index_error = f"{type(error).__name__}: {error}"
                log.error("indexing %d articles failed: %s", len(articles), report.index_error)

        states, records = [], []
        for result in report.feeds:
            state = result.feed
            if result.status == "failed":
                self.scheduler.failed(state, now, result.error or "failed", result.retry_after)
            elif report.index_error and result.articles:
                state.last_fetch = now
                state.last_error = f"indexing failed: {report.index_error}"
                state.next_due = now + timedelta(seconds=min(state.interval, 300.0))
            else:
                self.scheduler.succeeded(state, now)
                if result.response is not None and not result.response.not_modified:
                    state.etag = result.response.etag
                    state.last_modified = result.response.last_modified
                if result.parsed is not None and result.parsed.title:
                    state.title = result.parsed.title
                records.extend(result.records)
            states.append(state)
        self.store.record(states, records, [] if report.index_error else indexed, now=now)
        report.requests = self.fetcher.requests - requests_before
        report.seconds = time.perf_counter() - started
        for result in report.feeds:
            if result.status == "failed":
                log.warning("feed %s failed: %s", result.feed.url, result.error)
            for note in result.notes:
                log.info("feed %s: %s", result.feed.url, note)
        return report

    def run(
        self,
        stop: threading.Event,
        *,
        on_report: Callable[[PollReport], None] | None = None,
        max_wait: float = 60.0,
        lease: PollerLease | None = None,
    ) -> int:
        """Poll due feeds until ``stop`` is set; returns the number of polls that did something.

        Between polls it sleeps until the next feed is due, at most ``max_wait`` seconds (so
        feeds added meanwhile are picked up). A poll in progress when ``stop`` is set finishes.
        Hold :func:`~index.feeds.scheduler.poller_lock` around it and pass its ``lease``: the
        loop also ends, before a poll, once the lease is no longer held (see :meth:`follow`).
        """
        polls = 0
        while not stop.is_set():
            if lease is not None and not lease.held():
                log.warning("no longer the poller of %s: another process may lead", self.where)
                break
            report = self.poll(lease=lease)
            if report.feeds:
                polls += 1
                if on_report is not None:
                    on_report(report)
            upcoming = self.scheduler.next_due(self.store.feeds())
            wait = max_wait
            if upcoming is not None:
                wait = min(max_wait, max(0.0, (upcoming - self.clock.now()).total_seconds()))
            if self.clock.sleep(max(wait, 0.05), stop):
                break
        return polls

    def follow(
        self,
        stop: threading.Event,
        *,
        on_report: Callable[[PollReport], None] | None = None,
        on_status: Callable[[str, str], None] | None = None,
        max_wait: float = 60.0,
    ) -> int:
        """Follow the collection's feeds as its one poller until ``stop`` is set; returns the
        number of polls that did something.

        On an index directory it takes the poller lock or fails at once, as it always has. On a
        collection in PostgreSQL several processes may follow it: one leads and polls, the
        others stand by and try to take over every ``max_wait`` seconds (real time), so a
        leader that dies (even by ``kill -9``) is replaced within that; a leader whose database
        connection broke stands by again, and a database that went away (a restart, a
        failover) is waited for in the same way.

        Parameters
        ----------
        on_status : callable, optional
            Called with ``("leading", message)``, ``("standby", message)`` (once per spell of
            standing by) or ``("lost", message)``.

        Raises
        ------
        PollerBusyError
            On an index directory, when another poller holds it.
        """
        say = on_status or (lambda state, message: log.info("%s", message))
        polls, standing_by = 0, False
        while not stop.is_set():
            try:
                with poller_lock(self.location) as lease:
                    standing_by = False
                    say("leading", f"this process polls the feeds of {self.where}")
                    polls += self.run(stop, on_report=on_report, max_wait=max_wait, lease=lease)
            except (PollerBusyError, StoreUnavailableError) as error:
                if not is_database_url(self.location):
                    raise
                # Another process leads, or the database is away for now (a restart, a
                # failover): either way try again later rather than end the worker.
                if not standing_by:
                    say("standby", f"standing by: {error}; trying every {max_wait:g} s")
                    standing_by = True
                stop.wait(max_wait)
                continue
            if not stop.is_set():
                say("lost", f"lost the lead of {self.where}; standing by")
        return polls

    @property
    def where(self) -> str:
        """The collection, for messages (see :func:`describe`)."""
        return describe(self.location)

    def check(self, url: str, *, pages: bool = True, limit: int = 10) -> FeedCheck:
        """Fetch a feed (or a homepage's feed) once and say what polling it would add.

        Nothing is written: not the feed's state, not the index. With ``pages``, the pages of
        the first ``limit`` new or changed entries are fetched and read as a poll would.

        Raises
        ------
        FetchError, FeedParseError
        """
        requests_before = self.fetcher.requests
        response, parsed, discovered_on = resolve_feed(self.fetcher, url)
        state = self.store.get(response.url) or self.store.get(url)
        feed_url = state.url if state else response.url
        outlet = (state.source if state else None) or parsed.title or feed_url
        checked: list[CheckedEntry] = []
        read = 0
        for entry in parsed.entries[: self.max_entries]:
            key, digest = entry_key(entry), entry_hash(entry)
            known = self.store.entry(feed_url, key)
            status = "new" if known is None else "seen" if known.entry_hash == digest else "changed"
            identity = known.article_id if known else article_id(entry, feed_url)
            item = CheckedEntry(entry.title, entry.link, identity, status)
            if pages and status != "seen" and read < limit:
                read += 1
                try:
                    item.extracted = self._read_entry(entry, feed_url, outlet, identity)
                except (FetchError, ExtractionError) as error:
                    item.problem = str(error)
            checked.append(item)
        return FeedCheck(
            response.url,
            parsed.kind,
            parsed.title,
            discovered_on,
            checked,
            list(parsed.problems),
            self.fetcher.requests - requests_before,
        )

    # ----------------------------------------------------------------------------------------

    def _poll_feed(self, state: FeedState, claims: _Claims) -> FeedResult:
        try:
            return self._poll_feed_unguarded(state, claims)
        except Exception as error:  # one feed's surprise must not cost the others their poll
            log.exception("polling %s failed", state.url)
            return FeedResult(state, "failed", error=f"{type(error).__name__}: {error}")

    def _poll_feed_unguarded(self, state: FeedState, claims: _Claims) -> FeedResult:
        try:
            response = self.fetcher.get(
                state.url,
                etag=state.etag,
                last_modified=state.last_modified,
                max_bytes=self.fetcher.config.max_feed_bytes,
                accept=FEED_ACCEPT,
            )
        except FetchError as error:
            return FeedResult(state, "failed", error=error.reason, retry_after=error.retry_after)
        if response.not_modified:
            return FeedResult(state, "not modified", response=response)
        try:
            parsed = parse_feed(
                response.body, response.url, response.content_type, response.charset
            )
        except FeedParseError as error:
            return FeedResult(state, "failed", error=str(error), response=response)
        if parsed.kind == "html":
            found = ", ".join(d.url for d in parsed.discovered[:3])
            return FeedResult(state, "failed", error=f"a web page, not a feed (feeds: {found})")
        result = FeedResult(state, "ok", response=response, parsed=parsed)
        result.entries = len(parsed.entries)
        result.notes.extend(parsed.problems)
        if response.redirected_from:
            result.notes.append(f"redirected to {response.url}")
        outlet = state.source or parsed.title or state.outlet
        keys: set[str] = set()
        for entry in parsed.entries[: self.max_entries]:
            key, digest = entry_key(entry), entry_hash(entry)
            if key in keys:
                continue
            keys.add(key)
            known = self.store.entry(state.url, key)
            if known is not None and known.entry_hash == digest:
                continue  # unchanged since the last poll
            identity = known.article_id if known else article_id(entry, state.url)
            if known is None and (
                self.store.article(identity) is not None or not claims.claim(identity)
            ):
                # Another feed brought this story in, before or during this poll: one article.
                result.records.append(EntryRecord(state.url, key, digest, identity))
                continue
            try:
                extracted = self._read_entry(entry, state.url, outlet, identity)
            except (FetchError, ExtractionError) as error:
                result.notes.append(f"{entry.title or key}: {error}")
                result.records.append(EntryRecord(state.url, key, digest, identity))
                continue
            if known is None and extracted.canonical:
                # The page names the article: one already indexed from another entry, or read
                # in this poll by another feed, is that article (feeds giving one story
                # different GUIDs or links make one article); without a GUID, its canonical URL
                # is the id.
                by_url = self.store.article_for_url(extracted.canonical)
                if by_url is not None:
                    named = by_url.article_id
                elif entry.guid:
                    named = identity
                else:
                    named = article_id(entry, state.url, extracted.canonical)
                first = claims.page(extracted.canonical, named)
                if by_url is not None or first != named:
                    result.records.append(EntryRecord(state.url, key, digest, first))
                    continue
                if named != identity:
                    identity = named
                    extracted.article = replace(extracted.article, id=identity)
            result.notes.extend(f"{entry.title or key}: {note}" for note in extracted.notes)
            result.articles.append(extracted)
            result.records.append(EntryRecord(state.url, key, digest, identity))
        return result

    def _read_entry(self, entry: FeedEntry, feed_url: str, outlet: str, identity: str) -> Extracted:
        if entry.link:
            return fetch_article(
                self.fetcher, entry.link, entry=entry, source=outlet, article_id=identity
            )
        return article_from_entry(
            entry, feed_url, source=outlet, article_id=identity, reason="no link"
        )


class _Claims:
    """Article ids and pages read in this poll, so two feeds carrying a story make one article
    (and, when they name it alike, fetch it once)."""

    def __init__(self) -> None:
        self._ids: set[str] = set()
        self._pages: dict[str, str] = {}
        self._lock = threading.Lock()

    def page(self, url: str, identity: str) -> str:
        """The id of the article at ``url`` in this poll: the first claimant's."""
        with self._lock:
            return self._pages.setdefault(url, identity)

    def claim(self, identity: str) -> bool:
        with self._lock:
            if identity in self._ids:
                return False
            self._ids.add(identity)
            return True
