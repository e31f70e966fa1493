"""Which article an entry is: GUID, canonical URL without tracking, hash; and whether it changed."""

from __future__ import annotations

from index.articles import url_article_id
from index.feeds.identity import article_id, clean_url, entry_hash, entry_key
from index.feeds.pages import article_from_entry
from index.feeds.parse import FeedEntry

FEED = "https://news.example/rss"


def test_tracking_parameters_fragment_and_default_port_go():
    url = "HTTPS://News.Example:443/a/b?id=7&utm_source=rss&utm_medium=feed&fbclid=x&gclid=y#top"
    assert clean_url(url) == "https://news.example/a/b?id=7"
    assert clean_url("http://news.example:8080") == "http://news.example:8080/"


def test_entry_key_prefers_guid_then_link_then_content():
    assert entry_key(FeedEntry("g-1", "https://n.example/a", "T")) == "guid:g-1"
    assert (
        entry_key(FeedEntry(None, "https://n.example/a?utm_campaign=x", "T"))
        == "link:https://n.example/a"
    )
    one, two = FeedEntry(None, None, "T", "s"), FeedEntry(None, None, "T", "other")
    assert entry_key(one).startswith("hash:") and entry_key(one) != entry_key(two)


def test_a_url_guid_or_link_gives_the_id_the_page_itself_gets():
    page_id = url_article_id("https://news.example/story/1")
    assert (
        article_id(FeedEntry("https://news.example/story/1/?utm_source=x", None, "T"), FEED)
        == page_id
    )
    assert (
        article_id(FeedEntry(None, "https://news.example/story/1?fbclid=z", "T"), FEED) == page_id
    )
    # Without a GUID the page's canonical URL names the article.
    via_canonical = article_id(
        FeedEntry(None, "https://m.news.example/s1", "T"), FEED, "https://news.example/story/1"
    )
    assert via_canonical == page_id


def test_a_plain_guid_is_scoped_to_the_outlet():
    a = article_id(FeedEntry("12345", "https://one.example/x", "T"), FEED)
    b = article_id(
        FeedEntry("12345", "https://www.one.example/y", "T"), "https://feeds.one.example/2"
    )
    c = article_id(FeedEntry("12345", "https://two.example/x", "T"), FEED)
    assert a == b != c and a.startswith("guid:")


def test_entry_hash_changes_with_content_only():
    entry = FeedEntry("g", "https://n.example/a", "Title", "Summary", published="2024-11-29")
    same = FeedEntry("g", "https://n.example/a", "Title", "Summary", published="2024-11-29")
    edited = FeedEntry(
        "g", "https://n.example/a", "Title", "Summary, corrected", published="2024-11-29"
    )
    assert entry_hash(entry) == entry_hash(same) != entry_hash(edited)


def test_an_entry_with_neither_guid_nor_link_read_alone_gets_its_stable_id():
    """What ``feeds check`` and other callers without a poller get: the id a poll would give,
    the same in every process (not Python's per-process str hash)."""
    entry = FeedEntry(None, None, "Ferry", "The harbour ferry will run every twenty minutes.")
    article = article_from_entry(entry, FEED).article
    assert article.id == article_id(entry, FEED) and article.id.startswith("entry:")
