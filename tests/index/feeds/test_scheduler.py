"""Timing without waiting: due feeds, backoff with jitter, disabling, state across restarts, and
one poller per index."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from index.feeds.scheduler import ManualClock, PollerBusyError, Scheduler, poller_lock
from index.feeds.state import (
    ArticleRecord,
    EntryRecord,
    FeedExistsError,
    FeedNotFoundError,
    FeedState,
    FeedStore,
)

START = datetime(2024, 11, 29, 12, 0, tzinfo=UTC)


def scheduler(clock: ManualClock | None = None) -> Scheduler:
    return Scheduler(clock or ManualClock(START), rng=random.Random(7))


def test_a_new_feed_is_due_at_once_then_every_interval(feed_state):
    store, clock = FeedStore(feed_state), ManualClock(START)
    rules = scheduler(clock)
    store.add("https://a.example/rss", now=clock.now(), interval=900)
    (feed,) = rules.due(store.feeds())
    rules.succeeded(feed, clock.now())
    store.record([feed], now=clock.now())
    assert rules.due(store.feeds()) == []
    clock.advance(899)
    assert rules.due(store.feeds()) == []
    clock.advance(1)
    assert [f.url for f in rules.due(store.feeds())] == ["https://a.example/rss"]
    assert rules.next_due(store.feeds()) == START + timedelta(seconds=900)


def test_failures_back_off_exponentially_with_jitter_and_retry_after():
    rules = scheduler()
    state = FeedState("https://a.example/rss", interval=900)
    waits = []
    now = START
    for _ in range(6):
        rules.failed(state, now, "HTTP 500")
        waits.append((state.next_due - now).total_seconds())
        now = state.next_due
    bases = [600, 1200, 2400, 4800, 9600, 19200]
    assert all(0.75 * b <= w <= 1.25 * b for w, b in zip(waits, bases, strict=True))
    assert state.failures == 6 and state.last_error == "HTTP 500" and state.enabled
    rules.failed(state, now, "HTTP 503", retry_after=10 * 3600)
    assert (state.next_due - now).total_seconds() >= 0.75 * 10 * 3600
    capped = FeedState("https://b.example/rss", interval=900, failures=20)
    assert rules.retry_delay(capped) <= 1.25 * 6 * 3600


def test_a_day_of_failures_disables_the_feed_and_success_resets():
    rules = scheduler()
    state = FeedState("https://a.example/rss", interval=900)
    now = START
    while state.enabled:
        rules.failed(state, now, "timed out (read)")
        now = state.next_due or now
    assert (state.last_fetch - START) >= timedelta(hours=24)
    assert state.next_due is None and "disabled after failing for 2" in state.last_error
    other = FeedState("https://b.example/rss", interval=900)
    rules.failed(other, START, "HTTP 500")
    rules.succeeded(other, START + timedelta(hours=1))
    assert (other.failures, other.failing_since, other.last_error) == (0, None, None)
    assert other.last_success == START + timedelta(hours=1)


def test_state_survives_a_restart(feed_state, tmp_path):
    assert not FeedStore.exists(feed_state)
    store = FeedStore(feed_state)
    feed = store.add("https://a.example/rss", now=START, source="Example", interval=600)
    feed.etag, feed.last_modified, feed.failures = '"v9"', "Fri, 29 Nov 2024 12:00:00 GMT", 2
    feed.last_error, feed.failing_since = "HTTP 500", START
    store.record(
        [feed],
        [EntryRecord(feed.url, "guid:1", "h1", "url:abc")],
        [ArticleRecord("url:abc", "c1", "https://a.example/1")],
        now=START,
    )
    again = FeedStore(feed_state).get("https://a.example/rss")
    assert again == feed and again.entries_seen == 1 and again.outlet == "Example"
    assert FeedStore(feed_state).entry(feed.url, "guid:1").article_id == "url:abc"
    assert FeedStore(feed_state).article_for_url("https://a.example/1").content_hash == "c1"
    assert FeedStore(feed_state).article("url:abc") == ArticleRecord(
        "url:abc", "c1", "https://a.example/1"
    )
    assert FeedStore.exists(feed_state)
    assert not list(tmp_path.rglob("gen-*"))
    if isinstance(feed_state, Path):
        assert (feed_state / "feeds.sqlite").exists()


def test_add_remove_and_re_enable(feed_state):
    store = FeedStore(feed_state)
    store.add("https://a.example/rss", now=START)
    with pytest.raises(FeedExistsError):
        store.add("https://a.example/rss", now=START)
    feed = store.get("https://a.example/rss")
    feed.enabled, feed.next_due, feed.last_error, feed.etag = False, None, "disabled", '"e"'
    store.record([feed], now=START)
    back = store.add("https://a.example/rss", now=START + timedelta(days=2))
    assert back.enabled and back.next_due == START + timedelta(days=2) and back.etag == '"e"'
    store.remove("https://a.example/rss")
    with pytest.raises(FeedNotFoundError):
        store.remove("https://a.example/rss")
    # A poll finishing after the feed was removed does not bring it back.
    store.record([back], [EntryRecord(back.url, "k", "h", "id")], now=START)
    assert store.feeds() == []


def test_one_poller_per_index(tmp_path):
    with (
        poller_lock(tmp_path),
        pytest.raises(PollerBusyError, match=r"another poller \(pid \d+\)"),
        poller_lock(tmp_path),
    ):
        pass
    with poller_lock(tmp_path):  # released
        pass
