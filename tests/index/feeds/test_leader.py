"""One poller per collection in PostgreSQL, elected by an advisory lock, against the real server:
collections elect separately, a leader whose session ends loses the lead, and when the leading
process is killed (-9) a standby in another process takes over within its interval."""

from __future__ import annotations

import os
import queue
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from feed_site import STORY, page, rss
from pgserver import wait_for

from index.build import Builder
from index.feeds.fetch import FetchConfig, Fetcher
from index.feeds.poller import Poller
from index.feeds.scheduler import PollerBusyError, poller_lock
from index.feeds.state import FeedStore
from index.postgres.leader import Leadership, lock_key
from index.storage import open_store

REPO = Path(__file__).resolve().parents[3]
# What `watch` prints, as the states the test waits for.
STATES = [
    ("leading", "this process polls the feeds of"),
    ("standby", "standing by: another poller"),
    ("lost", "lost the lead"),
    ("polled", "feed polled"),
    ("watching", "watching "),
]


@pytest.fixture
def collection_url(postgres_server) -> str:
    return f"{postgres_server.url}?collection=lead-{uuid.uuid4().hex[:10]}"


def test_one_leader_per_collection_and_collections_elect_separately(postgres_server):
    url = postgres_server.url
    first, second = Leadership(url, "news", name="first"), Leadership(url, "news", name="second")
    other = Leadership(url, "sport", name="other")
    try:
        assert first.try_acquire() and first.held()
        assert first.try_acquire()  # asking again while leading is harmless
        assert not second.try_acquire() and not second.held()
        assert second.holder() == "first at 127.0.0.1"
        assert other.try_acquire()  # another collection, another election
        first.release()
        assert not first.held()
        assert second.try_acquire() and second.holder() == "second at 127.0.0.1"
    finally:
        for leadership in (first, second, other):
            leadership.release()
    assert lock_key("news") != lock_key("sport") and lock_key("news") == lock_key("news")


def test_a_leader_whose_session_ends_stands_down(postgres_server, collection_url):
    with poller_lock(collection_url) as lease:
        assert lease.held()
        with (
            pytest.raises(PollerBusyError, match=r"another poller \(newsdesk pid \d+ on "),
            poller_lock(collection_url),
        ):
            pass
        # The server ends the leader's session (a restart, a failover, an admin): the lock goes
        # with it, another process may lead, and this one must notice before its next poll.
        (leader,) = lock_holders(postgres_server.url, collection_url)
        with psycopg.connect(postgres_server.url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (leader,))
        assert not lease.held()
        with poller_lock(collection_url) as taken_over:
            assert taken_over.held()


def test_a_poller_that_lost_the_lead_mid_poll_keeps_nothing(
    site, config, embedder, tmp_path, postgres_server, collection_url
):
    url = site.serve("/news/buses", page("Council backs night buses", STORY))
    site.serve(
        "/rss.xml",
        rss([{"title": "Council backs night buses", "link": url, "guid": "b-1"}]),
        content_type="application/rss+xml",
    )
    FeedStore(collection_url).add(site.url("/rss.xml"), now=datetime.now(UTC))
    builder = Builder(tmp_path / "index", embedder)
    with Fetcher(config) as fetcher, poller_lock(collection_url) as lease:
        poller = Poller(collection_url, builder, fetcher=fetcher)
        # The server ends the leader's session while it polls (here: before it starts).
        (leader,) = lock_holders(postgres_server.url, collection_url)
        with psycopg.connect(postgres_server.url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (leader,))
        report = poller.poll(lease=lease)
    assert len(site.requests("/news/buses")) == 1  # fetched, then dropped
    assert report.index_error.startswith("no longer the poller") and report.articles == []
    assert open_store(tmp_path / "index").current_version() is None  # nothing indexed
    (feed,) = FeedStore(collection_url).feeds()
    assert feed.last_fetch is None and feed.entries_seen == 0  # the next leader polls it afresh


def test_a_follower_whose_sessions_are_ended_carries_on(site, postgres_server):
    """The server ends every session of a following process (a restart or failover does as
    much): it stands by, connects again, leads again and keeps polling; it does not end."""
    name = f"follow_{uuid.uuid4().hex[:8]}"  # a database of its own: only its sessions end
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    database = urlunsplit(urlsplit(postgres_server.url)._replace(path=f"/{name}"))
    collection_url = f"{database}?collection=news"
    site.serve("/rss.xml", rss([], title="Quiet"), content_type="application/rss+xml")
    FeedStore(collection_url).add(site.url("/rss.xml"), now=datetime.now(UTC), interval=0.1)
    states: list[str] = []
    stop = threading.Event()
    with Fetcher(FetchConfig(delay=0.0)) as fetcher:
        poller = Poller(collection_url, NothingToIndex(), fetcher=fetcher)
        follower = threading.Thread(
            target=poller.follow,
            args=(stop,),
            kwargs={"on_status": lambda state, _: states.append(state), "max_wait": 0.2},
        )
        follower.start()
        try:
            assert wait_for(lambda: len(site.requests("/rss.xml")) >= 2)
            with psycopg.connect(postgres_server.url, autocommit=True) as admin:
                (ended,) = admin.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = %s",
                    (name,),
                ).fetchone()
            assert ended >= 2  # the leader's session and the feed state's
            polled = len(site.requests("/rss.xml"))
            assert wait_for(lambda: len(site.requests("/rss.xml")) >= polled + 2)
            assert follower.is_alive() and states[0] == states[-1] == "leading", states
            assert {"lost", "standby"} & set(states[1:-1]), states
        finally:
            stop.set()
            follower.join(30)
    assert not follower.is_alive()


class NothingToIndex:
    """The sink of a poller whose feed has no entries: nothing may reach it."""

    def add_articles(self, articles):
        raise AssertionError("the feed has no entries")


def test_no_poller_is_elected_without_a_database():
    with socket.socket() as sock:  # a port nothing listens on: connecting is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = f"postgresql://newsdesk@127.0.0.1:{port}/newsdesk?collection=x"
    with (
        pytest.raises(PollerBusyError, match=r"no poller can be elected.*cannot connect"),
        poller_lock(dead),
    ):
        pass


def lock_holders(server_url: str, collection_url: str) -> list[int]:
    """Backend pids holding the feeds lock of the collection at ``collection_url``."""
    key = lock_key(collection_url.rsplit("collection=", 1)[1])
    with psycopg.connect(server_url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = %s AND objid = %s AND objsubid = 1",
            ((key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF),
        ).fetchall()
    return [pid for (pid,) in rows]


class Worker:
    """``python -m index watch`` in a subprocess; its stdout lines are collected as
    ``(time received, state, text)``, the state read from the line."""

    def __init__(self, url: str, max_wait: float) -> None:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "index", "watch", "--index", url, "--max-wait", str(max_wait)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[tuple[float, str, str]] = queue.Queue()
        self.seen: list[tuple[float, str, str]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            text = line.rstrip("\n")
            state = next((s for s, cue in STATES if cue in text), "other")
            self.lines.put((time.time(), state, text))

    def wait_for(self, state: str, timeout: float = 30.0) -> tuple[float, str, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if line[1] == state:
                return line
        raise AssertionError(
            f"no {state!r} from the worker in {timeout} s; saw {self.seen}; "
            f"stderr: {self.stderr_now()}"
        )

    def drain(self) -> list[tuple[float, str, str]]:
        while True:
            try:
                self.seen.append(self.lines.get_nowait())
            except queue.Empty:
                return self.seen

    def stderr_now(self) -> str:
        if self.process.poll() is None:
            return "(running)"
        return self.process.stderr.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)


@pytest.mark.slow
def test_kill_9_the_leading_watch_and_a_standby_takes_over_within_its_interval(
    site, postgres_server, collection_url
):
    site.serve("/rss.xml", rss([], title="Quiet"), content_type="application/rss+xml")
    feed = site.url("/rss.xml")
    FeedStore(collection_url).add(feed, now=_now(), interval=0.2)
    max_wait = 0.5
    first = Worker(collection_url, max_wait)
    second = None
    try:
        first.wait_for("leading")
        first.wait_for("polled")
        second = Worker(collection_url, max_wait)
        second.wait_for("standby")
        polled_before = len(site.requests("/rss.xml"))
        # Killed at any moment of the standby's cycle, not in step with it.
        time.sleep(4 * max_wait + random.uniform(0, max_wait))
        # Only the leader polls: the standby has said nothing since, the feed kept being polled.
        assert [s for _, s, _ in second.drain()] == ["watching", "standby"]
        assert len(site.requests("/rss.xml")) > polled_before
        assert any(s == "polled" for _, s, _ in first.drain())

        first.process.send_signal(signal.SIGKILL)
        killed = time.time()
        first.process.wait(timeout=10)
        took_over, _, message = second.wait_for("leading", timeout=10 * max_wait + 10)
        second.wait_for("polled")
        takeover = took_over - killed
        print(f"takeover after kill -9: {takeover:.3f} s (standby interval {max_wait} s)")
        assert "this process polls the feeds of collection" in message
        assert 0 <= takeover <= max_wait + 1.0
        assert len(lock_holders(postgres_server.url, collection_url)) == 1
        assert (
            f"newsdesk pid {second.process.pid} on "
            in Leadership(postgres_server.url, collection_url.rsplit("collection=", 1)[1]).holder()
        )
    finally:
        first.stop()
        if second is not None:
            second.stop()


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)
