"""``python -m index feeds ...``, ``add URL`` and ``watch`` as users run them, against a local
web server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from feed_site import STORY, atom, page, rss

from index.cli import main
from index.engine import Engine
from index.feeds.state import FeedStore

REPO = Path(__file__).resolve().parents[3]
HOME = (
    "<!DOCTYPE html><html><head><title>Example News</title>"
    '<link rel="alternate" type="application/rss+xml" title="Top" href="/rss.xml">'
    "</head><body><h1>Example News</h1></body></html>"
)


@pytest.fixture
def news_site(site):
    story = site.serve("/news/buses", page("Council backs night buses", STORY))
    item = {"title": "Council backs night buses", "link": story, "guid": "b-1"}
    site.serve("/rss.xml", rss([item], title="Example News"), content_type="application/rss+xml")
    site.serve("/", HOME)
    return site


def cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_feeds_add_finds_a_homepages_feed_and_list_shows_its_health(news_site, feed_state, capsys):
    index = feed_state
    code, out, _ = cli(
        capsys, "feeds", "add", news_site.url("/"), "--index", index, "--every", "30m"
    )
    assert code == 0
    assert f"following {news_site.url('/rss.xml')} (found on {news_site.url('/')})" in out
    assert "as 'Example News' every 30m; 1 entries in it now" in out
    code, out, _ = cli(capsys, "feeds", "list", "--index", index, "--json")
    (feed,) = json.loads(out)["feeds"]
    assert (feed["url"], feed["outlet"], feed["interval"], feed["enabled"]) == (
        news_site.url("/rss.xml"),
        "Example News",
        1800.0,
        True,
    )
    assert feed["last_success"] is None and feed["failures"] == 0 and feed["next_due"]
    code, out, _ = cli(capsys, "feeds", "list", "--index", index)
    assert "[ok]" in out and "last success never; 0 failures; next attempt 20" in out
    code, _, err = cli(capsys, "feeds", "add", news_site.url("/rss.xml"), "--index", index)
    assert code == 1 and "followed already" in err


def test_feeds_add_refuses_what_is_no_feed_unless_forced(news_site, feed_state, capsys):
    index = feed_state
    code, _, err = cli(capsys, "feeds", "add", news_site.url("/missing.xml"), "--index", index)
    assert code == 1 and "cannot follow" in err and "HTTP 404" in err
    code, out, _ = cli(
        capsys,
        "feeds",
        "add",
        news_site.url("/missing.xml"),
        "--index",
        index,
        "--force",
        "--source",
        "Later",
    )
    assert code == 0 and "as 'Later' every 15m" in out
    with pytest.raises(SystemExit) as usage:
        main(["feeds", "add", news_site.url("/rss.xml"), "--index", str(index), "--every", "10s"])
    assert usage.value.code == 2 and "at least 1 minute" in capsys.readouterr().err


def test_feeds_check_shows_what_would_be_added_and_changes_nothing(news_site, feed_state, capsys):
    index = feed_state
    code, out, _ = cli(capsys, "feeds", "check", news_site.url("/"), "--index", index, "--json")
    assert code == 0
    found = json.loads(out)
    assert (found["url"], found["kind"], found["discovered_on"]) == (
        news_site.url("/rss.xml"),
        "rss",
        news_site.url("/"),
    )
    (entry,) = found["entries"]
    assert entry["status"] == "new" and entry["text_chars"] == len("\n".join(STORY))
    assert entry["partial"] is False and entry["text_from"] == "page"
    assert not FeedStore.exists(index)
    if isinstance(index, Path):
        assert not index.exists()  # not even the directory
    code, out, _ = cli(
        capsys, "feeds", "check", news_site.url("/rss.xml"), "--index", index, "--no-pages"
    )
    assert code == 0 and "new     Council backs night buses" in out and "nothing was changed" in out


def test_feeds_remove(news_site, feed_state, capsys):
    index = feed_state
    cli(capsys, "feeds", "add", news_site.url("/rss.xml"), "--index", index)
    code, out, _ = cli(capsys, "feeds", "remove", news_site.url("/rss.xml"), "--index", index)
    assert code == 0 and "its articles stay in the index" in out
    code, _, err = cli(capsys, "feeds", "remove", news_site.url("/rss.xml"), "--index", index)
    assert code == 1 and "no feed" in err


def test_add_reads_article_urls_into_the_index(news_site, tmp_path, capsys, embedder):
    index = tmp_path / "index"
    code, out, err = cli(
        capsys, "add", news_site.url("/news/buses"), news_site.url("/gone"), "--index", index
    )
    assert code == 0, err
    assert f"read {news_site.url('/news/buses')}: 'Council backs night buses'" in out
    assert "1 added" in out and "HTTP 404" in err
    hit = Engine(index, embedder=embedder).search("night bus routes", k=1)[0]
    assert hit.title == "Council backs night buses" and hit.url == news_site.url("/news/buses")
    code, _, _ = cli(capsys, "add", news_site.url("/gone"), "--index", index)
    assert code == 1


def test_a_pruning_build_keeps_pages_and_feed_articles_and_drops_deleted_files(
    news_site, tmp_path, capsys, embedder, write_markdown
):
    articles = tmp_path / "articles"
    write_markdown(
        articles / "ferry.md",
        "The harbour ferry will run every twenty minutes from April, the port said.\n",
        id="ferry",
        title="Ferry every twenty minutes",
    )
    write_markdown(
        articles / "library.md",
        "The town library will open on Sundays from March, the mayor announced.\n",
        id="library",
        title="Library opens on Sundays",
    )
    index = tmp_path / "index"
    assert cli(capsys, "build", articles, "--index", index)[0] == 0
    assert cli(capsys, "add", news_site.url("/news/buses"), "--index", index)[0] == 0
    (articles / "library.md").unlink()

    code, out, err = cli(capsys, "build", articles, "--index", index, "--prune")
    assert code == 0, err
    assert "1 removed, 1 unchanged" in out and "2 articles" in out
    engine = Engine(index, embedder=embedder)
    found = {hit.article_id for hit in engine.search("night buses ferry library", k=5)}
    assert "ferry" in found and "library" not in found
    assert any(h.url == news_site.url("/news/buses") for h in engine.search("night buses", k=3))


def test_citations_say_partial_and_updated(site, tmp_path, capsys, embedder):
    """An entry whose page is gone is its feed's summary (partial); one the outlet changed after
    publishing says when. ask, search and quotes show both, as text and as JSON."""
    summary = (
        "The harbour ferry will run every twenty minutes from April, the port authority said. "
        '"Commuters voted with their feet," said the port director, Hannah Weiss.'
    )
    entry = {
        "title": "Harbour ferry to run every twenty minutes",
        "id": "urn:gazette:ferry",
        "link": site.url("/news/ferry"),  # not served: a 404
        "published": "2024-12-20T11:00:00Z",
        "updated": "2024-12-21T08:30:00Z",
        "summary": summary,
    }
    feed = site.serve(
        "/atom.xml", atom([entry], title="Harbour Gazette"), content_type="application/atom+xml"
    )
    index = tmp_path / "index"
    assert cli(capsys, "feeds", "add", feed, "--index", index)[0] == 0
    code, out, err = cli(capsys, "watch", "--index", index, "--once")
    assert code == 0 and "1 added" in out, (out, err)
    flags = "2024-12-20, updated 2024-12-21, partial: feed summary only"

    question = "How often will the harbour ferry run from April?"
    code, out, _ = cli(capsys, "ask", question, "--index", index)
    assert code == 0
    assert f"Harbour ferry to run every twenty minutes — Harbour Gazette, {flags}" in out
    _, out, _ = cli(capsys, "ask", question, "--index", index, "--json")
    (cited,) = json.loads(out)["citations"]
    assert (cited["partial"], cited["updated"]) == (True, "2024-12-21T08:30:00+00:00")
    _, out, _ = cli(capsys, "search", "harbour ferry", "--index", index)
    assert f"— Harbour Gazette, {flags} [" in out
    _, out, _ = cli(capsys, "search", "harbour ferry", "--index", index, "--json")
    (hit,) = json.loads(out)["hits"]
    assert (hit["partial"], hit["updated"]) == (True, "2024-12-21T08:30:00+00:00")
    _, out, _ = cli(capsys, "quotes", "Hannah Weiss", "--index", index)
    assert f"Harbour ferry to run every twenty minutes — Harbour Gazette, {flags}" in out


def _spawn(*args: object) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    return subprocess.Popen(
        [sys.executable, "-m", "index", *map(str, args)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_watch_polls_until_ctrl_c_and_a_second_watcher_exits_1(site, tmp_path, capsys):
    # An empty feed: watching it needs no model.
    site.serve("/rss.xml", rss([], title="Quiet"), content_type="application/rss+xml", etag='"q"')
    index = tmp_path / "index"
    cli(capsys, "feeds", "add", site.url("/rss.xml"), "--index", index)
    watcher = _spawn("watch", "--index", index)
    try:
        line = watcher.stdout.readline()
        assert line.startswith(f"watching 1 feed of {index}")
        deadline = time.monotonic() + 30
        while len(site.requests("/rss.xml")) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)  # the first poll (after feeds add's own fetch)
        second = _spawn("watch", "--index", index)
        _, second_err = second.communicate(timeout=60)
        assert second.returncode == 1 and "another poller (pid" in second_err
        watcher.send_signal(signal.SIGINT)
        out, err = watcher.communicate(timeout=60)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    assert watcher.returncode == 0, err
    assert "1 feed polled (0 not modified): 0 added" in out and "stopped after 1 poll" in out
    _, out, _ = cli(capsys, "feeds", "list", "--index", index, "--json")
    assert json.loads(out)["feeds"][0]["last_success"] is not None
