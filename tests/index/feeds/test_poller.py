"""Polls over real HTTP into a real index: first poll, steady state (all 304), updates,
syndication, failures that stay put, pages that cannot be read, and the watch loop."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime

import pytest
from feed_site import STORY, atom, json_feed, page, rss

from index.build import Builder
from index.engine import Engine
from index.feeds.fetch import Fetcher
from index.feeds.poller import Poller
from index.feeds.scheduler import ManualClock, Scheduler
from index.feeds.state import FeedStore
from index.store import IndexDirectory

START = datetime(2024, 11, 29, 12, 0, tzinfo=UTC)
STORIES = {
    "buses": ("Council backs night buses", STORY),
    "storm": (
        "Storm closes the coast road",
        [
            "A storm with winds of 120 km/h closed the coast road on Friday and cut power to "
            "about 8,000 homes, the regional authority said.",
            "Crews expect to reopen the road by Sunday once fallen trees are cleared, and the "
            "weather service warned of more rain on Monday.",
            '"We ask people to stay off the road until we say it is safe," said Tom Berg, who '
            "leads the emergency team.",
        ],
    ),
    "library": (
        "City library reopens after repairs",
        [
            "The central library reopened on Saturday after eight months of repairs to its "
            "roof, which was damaged by last winter's snow.",
            "The building now has a new reading room for children and longer opening hours on "
            "weekdays, the library's director, Ines Costa, said.",
            "Repairs cost 1.8 million euros, paid from the city's maintenance budget.",
        ],
    ),
}


class CountingSink:
    """The real builder, counting how many times a poll hands it articles."""

    def __init__(self, builder: Builder) -> None:
        self.builder = builder
        self.calls: list[list] = []

    def add_articles(self, articles):
        articles = list(articles)
        self.calls.append(articles)
        return self.builder.add_articles(articles)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def make_poller(tmp_path, feed_state, embedder, config, clock):
    made = []

    def make(**kwargs) -> tuple[Poller, CountingSink]:
        sink = CountingSink(Builder(tmp_path / "index", embedder))
        fetcher = Fetcher(config)
        made.append(fetcher)
        scheduler = Scheduler(clock, rng=random.Random(1))
        return Poller(feed_state, sink, fetcher=fetcher, scheduler=scheduler, **kwargs), sink

    yield make
    for fetcher in made:
        fetcher.close()


def serve_story(site, slug: str, **page_kwargs) -> str:
    title, paragraphs = STORIES[slug]
    return site.serve(f"/news/{slug}", page(title, paragraphs, **page_kwargs))


def titles(engine: Engine, query: str) -> list[str]:
    return [hit.title for hit in engine.search(query, k=5)]


def test_first_poll_then_steady_state_costs_one_304_per_feed(
    site, make_poller, clock, embedder, feed_state, tmp_path
):
    buses, storm, library = (serve_story(site, s) for s in ("buses", "storm", "library"))
    site.serve(
        "/rss.xml",
        rss(
            [
                {
                    "title": "Council backs night buses",
                    "link": "/news/buses",
                    "guid": buses,
                    "date": "Fri, 29 Nov 2024 17:03:00 -0500",
                }
            ]
        ),
        content_type="application/rss+xml",
        etag='"rss-1"',
    )
    site.serve(
        "/atom.xml",
        atom(
            [
                {
                    "title": "Storm closes the coast road",
                    "id": "tag:x,2024:storm",
                    "link": storm,
                    "published": "2024-11-29T08:00:00+01:00",
                }
            ]
        ),
        content_type="application/atom+xml",
        last_modified="Fri, 29 Nov 2024 12:00:00 GMT",
    )
    site.serve(
        "/feed.json",
        json_feed(
            [
                {
                    "id": "lib-1",
                    "url": library,
                    "title": "City library reopens after repairs",
                    "date_published": "2024-11-30T09:00:00Z",
                }
            ]
        ),
        content_type="application/feed+json",
        etag='"json-1"',
    )
    poller, sink = make_poller()
    store = FeedStore(feed_state)
    store.add(site.url("/rss.xml"), now=clock.now(), source="Example Post")
    store.add(site.url("/atom.xml"), now=clock.now())
    store.add(site.url("/feed.json"), now=clock.now())

    first = poller.poll()
    assert [r.status for r in first.feeds] == ["ok", "ok", "ok"]
    assert (first.added, first.updated, len(sink.calls)) == (3, 0, 1)
    engine = Engine(tmp_path / "index", embedder=embedder)
    hit = engine.search("night bus routes", k=1)[0]
    assert (hit.title, hit.source, hit.url) == ("Council backs night buses", "Example Post", buses)
    assert hit.published.isoformat() == "2024-11-29T17:03:00-05:00"
    assert engine.search("storm coast road", k=1)[0].source == "Example Atom"

    clock.advance(15 * 60)
    steady = poller.poll()
    assert [r.status for r in steady.feeds] == ["not modified"] * 3
    assert (steady.requests, steady.added, len(sink.calls)) == (3, 0, 1)
    assert site.requests("/rss.xml")[-1].headers["if-none-match"] == '"rss-1"'
    assert "if-modified-since" in site.requests("/atom.xml")[-1].headers
    assert all(f.entries_seen == 1 and f.failures == 0 for f in store.feeds())
    assert poller.poll().feeds == []  # nothing due yet


def test_an_entry_updated_under_the_same_guid_is_re_added_with_its_updated_time(
    site, make_poller, clock, embedder, feed_state, tmp_path
):
    url = serve_story(site, "storm")
    entry = {
        "title": "Storm closes the coast road",
        "guid": "storm-1",
        "link": url,
        "date": "Fri, 29 Nov 2024 08:00:00 +0100",
    }
    site.serve("/rss.xml", rss([entry]), content_type="application/rss+xml", etag='"1"')
    poller, sink = make_poller()
    FeedStore(feed_state).add(site.url("/rss.xml"), now=clock.now())
    assert poller.poll().added == 1

    clock.advance(15 * 60)
    title, paragraphs = STORIES["storm"]
    site.serve(
        "/news/storm",
        page(title, [*paragraphs, "The road reopened on Saturday evening, a day early."]),
    )
    site.serve(
        "/rss.xml",
        rss([{**entry, "summary": "Updated: the road has reopened."}]),
        content_type="application/rss+xml",
        etag='"2"',
    )
    report = poller.poll()
    assert (report.added, report.updated) == (0, 1)
    (article,) = report.articles
    assert article.id == sink.calls[0][0].id and article.updated == clock.now()
    engine = Engine(tmp_path / "index", embedder=embedder)
    assert (
        "reopened on Saturday evening"
        in engine.search("when did the coast road reopen", k=1)[0].passage.text
    )

    clock.advance(15 * 60)
    site.serve(
        "/rss.xml",
        rss([{**entry, "summary": "Updated again."}]),
        content_type="application/rss+xml",
        etag='"3"',
    )
    again = poller.poll()  # the entry changed, its page did not: nothing to re-index
    assert again.articles == [] and len(sink.calls) == 2


def test_one_story_in_two_feeds_is_one_article_fetched_once(site, make_poller, clock, feed_state):
    url = serve_story(site, "library")
    item = {
        "title": "City library reopens after repairs",
        "link": url + "?utm_source=rss",
        "guid": url,
    }
    site.serve("/top.xml", rss([item], title="Top"), content_type="application/rss+xml")
    site.serve(
        "/local.xml",
        rss([{**item, "link": url + "?utm_source=local"}], title="Local"),
        content_type="application/rss+xml",
    )
    poller, sink = make_poller()
    store = FeedStore(feed_state)
    store.add(site.url("/top.xml"), now=clock.now())
    store.add(site.url("/local.xml"), now=clock.now())
    report = poller.poll()
    assert report.added == 1 and len(sink.calls[0]) == 1
    assert len(site.requests("/news/library")) == 1
    assert [f.entries_seen for f in store.feeds()] == [1, 1]


def test_failing_feeds_do_not_stop_the_others(site, make_poller, clock, feed_state):
    url = serve_story(site, "buses")
    site.serve(
        "/moved.xml",
        rss([{"title": "Council backs night buses", "link": url, "guid": "b-1"}]),
        content_type="application/rss+xml",
    )
    site.serve("/old.xml", redirect=site.url("/moved.xml"), status=301)
    site.serve("/boom.xml", "oops", status=500)
    site.serve("/hang.xml", hang=True)
    site.serve(
        "/broken.xml",
        "<rss><channel><title>Broken</title><item><title>Night buses & more</title>"
        f"<link>{url}</link><guid>b-2</guid></item>",
        content_type="application/rss+xml",
    )
    site.serve("/garbage.xml", "this is no feed at all", content_type="application/rss+xml")
    site.serve("/home", "<!DOCTYPE html><html><head></head><body>no feeds</body></html>")
    urls = ["/old.xml", "/gone.xml", "/boom.xml", "/hang.xml", "/broken.xml", "/garbage.xml"]
    urls.append("/home")
    store = FeedStore(feed_state)
    for path in urls:
        store.add(site.url(path), now=clock.now())
    # A host no resolver knows (.invalid never resolves, RFC 6761): a DNS failure.
    store.add("http://newsdesk-feeds.invalid/rss.xml", now=clock.now())
    poller, _ = make_poller(workers=8)
    report = poller.poll()
    status = {r.feed.url.rsplit("/", 1)[1]: (r.status, r.error) for r in report.feeds}
    assert status["old.xml"] == ("ok", None) and report.added == 1
    assert status["gone.xml"] == ("failed", "HTTP 404 Not Found")
    assert status["boom.xml"][1].startswith("HTTP 500")
    assert status["hang.xml"][1] == "timed out (read)"
    broken = next(r for r in report.feeds if r.feed.url.endswith("/broken.xml"))
    assert broken.status == "ok" and broken.notes[0].startswith("malformed feed")
    assert status["garbage.xml"][1].startswith("not a feed")
    assert status["home"][1] == "a web page that advertises no feed"
    assert status["rss.xml"][0] == "failed" and status["rss.xml"][1].startswith("cannot connect")
    by_url = {f.url.rsplit("/", 1)[1]: f for f in store.feeds()}
    assert by_url["old.xml"].failures == 0 and by_url["old.xml"].last_success == clock.now()
    failed = by_url["boom.xml"]
    assert failed.failures == 1 and failed.last_error.startswith("HTTP 500")
    assert 450 <= (failed.next_due - clock.now()).total_seconds() <= 750  # 600 s +- jitter
    assert failed.last_success is None and failed.enabled


def test_pages_that_cannot_be_read_come_from_the_feed_marked_partial(
    site, make_poller, clock, feed_state
):
    site.serve("/robots.txt", "User-agent: *\nDisallow: /members/\n", content_type="text/plain")
    blocked = site.serve("/members/storm", page(*STORIES["storm"]))
    paywalled = site.serve(
        "/news/paywall",
        page("Library reopens", [STORIES["library"][1][0], "Subscribe to continue reading"]),
    )
    huge = site.serve("/news/huge", page("Council backs night buses", STORY * 500))
    items = [
        {
            "title": "Storm closes the coast road",
            "link": blocked,
            "guid": "s",
            "summary": " ".join(STORIES["storm"][1][:2]),
        },
        {
            "title": "City library reopens",
            "link": paywalled,
            "guid": "l",
            "summary": " ".join(STORIES["library"][1]),
        },
        {
            "title": "Council backs night buses",
            "link": huge,
            "guid": "b",
            "content": "".join(f"<p>{p}</p>" for p in STORY),
        },
    ]
    site.serve("/rss.xml", rss(items), content_type="application/rss+xml")
    FeedStore(feed_state).add(site.url("/rss.xml"), now=clock.now())
    poller, sink = make_poller()
    report = poller.poll()
    assert report.added == 3 and all(a.partial for a in sink.calls[0])
    (result,) = report.feeds
    assert any("robots.txt disallows it" in n for n in result.notes)
    assert any("paywall" in n for n in result.notes)
    assert any("over the" in n for n in result.notes)
    assert site.requests("/members/storm") == []


def test_a_poll_the_index_refused_is_fetched_again(site, make_poller, clock, feed_state, tmp_path):
    url = serve_story(site, "buses")
    site.serve(
        "/rss.xml",
        rss([{"title": "Council backs night buses", "link": url, "guid": "b"}]),
        content_type="application/rss+xml",
        etag='"1"',
    )
    store = FeedStore(feed_state)
    store.add(site.url("/rss.xml"), now=clock.now())
    poller, _ = make_poller()
    with IndexDirectory(tmp_path / "index").build_lock():  # another build is running
        refused = poller.poll()
    assert refused.index_error and "BuildInProgressError" in refused.index_error
    feed = store.get(site.url("/rss.xml"))
    assert feed.etag is None and feed.entries_seen == 0 and "indexing failed" in feed.last_error
    clock.advance(300)
    retried = poller.poll()
    assert retried.feeds[0].status == "ok" and retried.added == 1


def test_run_polls_until_stopped(site, make_poller, clock, feed_state):
    url = serve_story(site, "buses")
    site.serve(
        "/rss.xml",
        rss([{"title": "Council backs night buses", "link": url, "guid": "b"}]),
        content_type="application/rss+xml",
        etag='"1"',
    )
    FeedStore(feed_state).add(site.url("/rss.xml"), now=clock.now(), interval=600)
    poller, _ = make_poller()
    stop, reports = threading.Event(), []

    def on_report(report):
        reports.append(report)
        if len(reports) == 3:
            stop.set()

    assert poller.run(stop, on_report=on_report) == 3
    assert [r.added for r in reports] == [1, 0, 0]
    assert [r.started for r in reports] == [START, *(START.replace(minute=m) for m in (10, 20))]
