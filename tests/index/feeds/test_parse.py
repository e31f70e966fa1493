"""Feeds as outlets publish them: RSS 0.91/0.92/2.0, Atom 1.0, JSON Feed 1.0/1.1, broken ones,
legacy charsets, relative links, and homepages that advertise their feeds."""

from __future__ import annotations

import pytest
from feed_site import atom, json_feed, rss

from index.feeds.parse import FeedParseError, discover_feeds, html_to_text, parse_feed

FEED_URL = "https://news.example/feeds/world.xml"


def test_rss_entries_carry_guid_absolute_link_raw_dates_content_and_creator():
    body = rss(
        [
            {
                "title": "Council expands night buses",
                "link": "/2024/11/29/night-buses?utm_source=rss",
                "guid": "news-12345",
                "date": "Fri, 29 Nov 2024 17:03:00 -0500",
                "summary": "<p>The council voted on Tuesday.</p>",
                "content": "<p>The council voted.</p><p>Eleven routes are added.</p>",
                "author": "Jane Doe",
            }
        ]
    )
    feed = parse_feed(body.encode(), FEED_URL, "application/rss+xml")
    assert (feed.kind, feed.title, feed.problems) == ("rss", "Example News", [])
    (entry,) = feed.entries
    assert entry.guid == "news-12345"
    assert entry.link == "https://news.example/2024/11/29/night-buses?utm_source=rss"
    assert entry.published == "Fri, 29 Nov 2024 17:03:00 -0500" and entry.updated is None
    assert entry.summary == "The council voted on Tuesday."
    assert entry.content == "The council voted.\nEleven routes are added."
    assert entry.authors == ("Jane Doe",) and entry.body == entry.content


def test_rss_0_91_and_0_92_as_old_outlets_still_serve_them():
    rss091 = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>Old Gazette</title>'
        b"<link>https://old.example/</link><description>News</description>"
        b"<language>en-us</language><item><title>Harbour ferry to run every twenty minutes</title>"
        b"<link>/news/ferry.html</link><description>The harbour ferry will run every twenty "
        b"minutes from April.</description></item></channel></rss>"
    )
    feed = parse_feed(rss091, "https://old.example/rss091.xml", "text/xml")
    assert (feed.kind, feed.title, feed.problems) == ("rss", "Old Gazette", [])
    (entry,) = feed.entries
    assert entry.title == "Harbour ferry to run every twenty minutes"
    assert entry.link == "https://old.example/news/ferry.html" and entry.guid is None
    assert entry.summary == "The harbour ferry will run every twenty minutes from April."
    # 0.92: an item may be only a description (no title), and dates are optional.
    rss092 = (
        b'<?xml version="1.0"?><rss version="0.92"><channel><title>Old Wire</title>'
        b"<link>https://wire.example/</link><description>Wire</description>"
        b"<item><description>Night buses now run in every district.</description>"
        b"<link>https://wire.example/buses</link></item></channel></rss>"
    )
    feed = parse_feed(rss092, "https://wire.example/rss.xml", "application/rss+xml")
    (entry,) = feed.entries
    assert (feed.kind, entry.link) == ("rss", "https://wire.example/buses")
    assert entry.summary == "Night buses now run in every district."


def test_atom_keeps_published_and_updated_apart_and_resolves_xml_base():
    body = atom(
        [
            {
                "title": "Storm hits coast",
                "id": "tag:news.example,2024:storm",
                "link": "stories/storm",
                "published": "2024-11-29T08:00:00+01:00",
                "updated": "2024-11-29T11:30:00+01:00",
                "summary": "Winds of 120 km/h.",
                "author": "Ana Ruiz",
            }
        ],
        base="https://atom.example/en/",
    )
    feed = parse_feed(body.encode(), "https://atom.example/feed", "application/atom+xml")
    (entry,) = feed.entries
    assert feed.kind == "atom"
    assert entry.guid == "tag:news.example,2024:storm"
    assert entry.link == "https://atom.example/en/stories/storm"
    assert (entry.published, entry.updated) == (
        "2024-11-29T08:00:00+01:00",
        "2024-11-29T11:30:00+01:00",
    )
    assert entry.authors == ("Ana Ruiz",)


def test_json_feed_1_1_and_1_0():
    items = [
        {
            "id": 42,
            "url": "/posts/42",
            "title": "Mayor resigns",
            "content_html": "<p>The mayor resigned on Friday.</p><p>An election follows.</p>",
            "summary": "The mayor resigned.",
            "date_published": "2024-11-29T10:00:00-05:00",
            "date_modified": "2024-11-29T12:00:00-05:00",
            "authors": [{"name": "Sam Lee"}],
        }
    ]
    feed = parse_feed(
        json_feed(items).encode(), "https://json.example/feed.json", "application/feed+json"
    )
    (entry,) = feed.entries
    assert (feed.kind, feed.title, feed.problems) == ("json", "Example JSON", [])
    assert entry.guid == "42" and entry.link == "https://json.example/posts/42"
    assert entry.content == "The mayor resigned on Friday.\nAn election follows."
    assert entry.updated == "2024-11-29T12:00:00-05:00" and entry.authors == ("Sam Lee",)

    old = [
        {
            "id": "a",
            "url": "https://json.example/a",
            "content_text": "Text.",
            "author": {"name": "Old Style"},
        }
    ]
    (entry,) = parse_feed(
        json_feed(old, version="1").encode(), "https://json.example/f", ""
    ).entries
    assert entry.authors == ("Old Style",) and entry.content == "Text."


def test_malformed_xml_is_reported_and_parsed_where_it_can_be():
    body = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>Broken & Co</title>"
        b"<item><title>First story</title><link>https://b.example/1</link>"
        b"<description>Fine <b>bold</description></item>"
        b"<item><title>Second story</title><link>https://b.example/2</link></item>"
    )
    feed = parse_feed(body, "https://b.example/rss", "application/rss+xml")
    assert feed.problems and feed.problems[0].startswith("malformed feed")
    assert [e.title for e in feed.entries] == ["First story", "Second story"]


def test_windows_1252_feed_declared_in_xml_or_served_as_latin1():
    text = rss(
        [{"title": "Minister’s “final” offer – rejected", "guid": "w1", "summary": "€5 fee"}],
        encoding="windows-1252",
    )
    declared = parse_feed(text.encode("cp1252"), "https://w.example/rss", "application/rss+xml")
    assert declared.entries[0].title == "Minister’s “final” offer – rejected"
    assert declared.entries[0].summary == "€5 fee"
    # Served as ISO-8859-1 (as many old servers do), the 0x80-0x9F bytes are still curly quotes.
    latin = text.replace('encoding="windows-1252"', 'encoding="iso-8859-1"').encode("cp1252")
    served = parse_feed(latin, "https://w.example/rss", "application/rss+xml", "ISO-8859-1")
    assert served.entries[0].title == "Minister’s “final” offer – rejected"


def test_not_a_feed_raises():
    with pytest.raises(FeedParseError, match="not a feed"):
        parse_feed(b"just some text", "https://x.example/", "text/plain")
    with pytest.raises(FeedParseError, match="invalid JSON"):
        parse_feed(b"{not json", "https://x.example/f.json", "application/feed+json")
    with pytest.raises(FeedParseError, match="advertises no feed"):
        parse_feed(
            b"<!DOCTYPE html><html><head></head><body>Hi</body></html>",
            "https://x.example/",
            "text/html",
        )


def test_a_homepage_yields_the_feeds_it_advertises():
    home = (
        "<!DOCTYPE html><html><head><title>Example News</title>"
        '<link rel="stylesheet" href="/s.css">'
        '<link rel="alternate" type="application/rss+xml" title="Top stories" href="/rss/top.xml">'
        '<link rel="alternate" type="application/atom+xml" href="https://news.example/atom">'
        '<link rel="alternate" type="application/feed+json" href="feed.json">'
        '<link rel="alternate" hreflang="de" href="/de/">'
        '<link rel="alternate" type="application/rss+xml" href="/rss/top.xml">'
        "</head><body><h1>News</h1></body></html>"
    )
    found = parse_feed(home.encode(), "https://news.example/section/", "text/html").discovered
    assert [(f.url, f.kind, f.title) for f in found] == [
        ("https://news.example/rss/top.xml", "rss", "Top stories"),
        ("https://news.example/atom", "atom", None),
        ("https://news.example/section/feed.json", "json", None),
    ]
    assert discover_feeds("<html><head></head></html>", "https://x.example/") == []


def test_html_to_text_keeps_paragraphs_one_a_line():
    html = (
        "<div><p>One  <b>bold</b>\n word.</p><p>Two<br>lines</p><script>x()</script>"
        "<ul><li>a</li><li>b</li></ul></div>"
    )
    assert html_to_text(html) == "One bold word.\nTwo\nlines\na\nb"
    assert html_to_text("plain   text\n\n\nsecond") == "plain text\nsecond"
