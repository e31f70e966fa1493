"""The HTTP client against a real local server: headers, 304s, redirects, errors, caps, robots,
politeness."""

from __future__ import annotations

import gzip
import itertools
import threading
import time
from dataclasses import replace

import pytest

from index.feeds.fetch import Fetcher, FetchError, user_agent


def test_user_agent_names_the_bot_and_its_contact(site, config):
    url = site.serve("/a", "hello")
    with Fetcher(config) as fetcher:
        response = fetcher.get(url)
    assert response.status == 200 and response.body == b"hello"
    sent = site.requests("/a")[0].headers
    assert sent["user-agent"] == "NewsdeskBot/0.1 (+https://newsdesk.example/contact)"
    assert "gzip" in sent["accept-encoding"]
    assert user_agent(None) == "NewsdeskBot/0.1"


def test_etag_and_last_modified_make_an_unchanged_resource_one_304(site, config):
    tagged = site.serve("/tagged", "<rss/>", etag='"v1"')
    dated = site.serve("/dated", "<rss/>", last_modified="Fri, 29 Nov 2024 12:00:00 GMT")
    with Fetcher(config) as fetcher:
        first = fetcher.get(tagged)
        again = fetcher.get(tagged, etag=first.etag)
        first_dated = fetcher.get(dated)
        again_dated = fetcher.get(dated, last_modified=first_dated.last_modified)
    assert first.etag == '"v1"' and not first.not_modified
    assert again.not_modified and again.body == b""
    assert site.requests("/tagged")[1].headers["if-none-match"] == '"v1"'
    assert again_dated.not_modified
    assert site.requests("/dated")[1].headers["if-modified-since"] == first_dated.last_modified


def test_redirects_are_followed_up_to_the_cap(site, config):
    final = site.serve("/new-feed.xml", "<rss/>")
    site.serve("/old-feed.xml", redirect=final, status=301)
    for number in range(8):
        site.serve(f"/loop{number}", redirect=site.url(f"/loop{number + 1}"), status=302)
    with Fetcher(config) as fetcher:
        response = fetcher.get(site.url("/old-feed.xml"))
        with pytest.raises(FetchError, match="too many redirects"):
            fetcher.get(site.url("/loop0"))
    assert response.url == final and response.redirected_from == (site.url("/old-feed.xml"),)
    assert len(site.requests()) == 2 + 1 + config.max_redirects


@pytest.mark.parametrize(
    ("path", "status", "reason"), [("/gone", 404, "HTTP 404"), ("/boom", 500, "HTTP 500")]
)
def test_error_statuses_are_failures_with_their_status(site, config, path, status, reason):
    if status != 404:
        site.serve(path, "oops", status=status)
    with Fetcher(config) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(site.url(path))
    assert caught.value.status == status and caught.value.reason.startswith(reason)


def test_retry_after_is_read_from_a_503(site, config):
    site.serve("/busy", "later", status=503, headers={"Retry-After": "120"})
    with Fetcher(config) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/busy"))
    assert caught.value.retry_after == 120


def test_a_server_that_never_answers_times_out(site, config):
    site.serve("/hang", hang=True)
    started = time.monotonic()
    with Fetcher(config) as fetcher, pytest.raises(FetchError, match=r"timed out \(read\)"):
        fetcher.get(site.url("/hang"))
    assert time.monotonic() - started < 3


def test_nothing_listening_is_a_connect_failure(config):
    with Fetcher(config) as fetcher, pytest.raises(FetchError, match="cannot connect"):
        fetcher.get("http://127.0.0.1:9/feed.xml")


@pytest.mark.parametrize("shape", ["declared", "streamed", "gzip bomb"])
def test_a_body_over_the_cap_is_refused(site, config, shape):
    big = b"<p>" + b"x" * 300_000 + b"</p>"
    site.serve("/big", big, no_length=shape == "streamed", gzip=shape == "gzip bomb")
    with Fetcher(config) as fetcher, pytest.raises(FetchError, match="over the 195 kB cap"):
        fetcher.get(site.url("/big"), max_bytes=200_000)
    if shape == "gzip bomb":
        assert len(gzip.compress(big)) < 2_000  # small on the wire, over the cap unpacked


def test_compressed_bodies_are_decompressed(site, config):
    site.serve("/z", "<rss>" + "news " * 1000 + "</rss>", gzip=True)
    with Fetcher(config) as fetcher:
        assert fetcher.get(site.url("/z")).body.startswith(b"<rss>news news")


def test_robots_txt_is_honoured_and_cached(site, config):
    site.serve(
        "/robots.txt", "User-agent: NewsdeskBot\nDisallow: /private/\n", content_type="text/plain"
    )
    with Fetcher(config) as fetcher:
        assert fetcher.allowed(site.url("/news/1"))
        assert not fetcher.allowed(site.url("/private/2"))
    assert len(site.requests("/robots.txt")) == 1


def test_missing_robots_allows_and_a_failing_one_disallows(site, config):
    with Fetcher(config) as fetcher:
        assert fetcher.allowed(site.url("/news/1"))  # 404: no rules
    site.serve("/robots.txt", "down", status=500)
    with Fetcher(config) as fetcher:
        assert not fetcher.allowed(site.url("/news/1"))


def test_politeness_delay_spaces_requests_to_one_host(site, config):
    site.serve("/a", "a")
    with Fetcher(replace(config, delay=0.3)) as fetcher:
        for _ in range(3):
            fetcher.get(site.url("/a"))
    times = [r.at for r in site.requests("/a")]
    assert all(later - earlier >= 0.28 for earlier, later in itertools.pairwise(times))


def test_per_host_concurrency_is_limited(site, config):
    site.serve("/slow", "s", delay=0.2)
    with Fetcher(replace(config, per_host=2)) as fetcher:
        threads = [
            threading.Thread(target=fetcher.get, args=(site.url("/slow"),)) for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(site.requests("/slow")) == 6 and site.most_active == 2


def test_only_http_urls_are_fetched(config):
    with Fetcher(config) as fetcher, pytest.raises(FetchError, match="not an http"):
        fetcher.get("file:///etc/passwd")
