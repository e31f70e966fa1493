"""Article pages written in the shapes real outlets' pages have (measured on saved pages of SCMP,
Reuters, Boing Boing, DW, Phys.org and PC Gamer; those are not shipped): each case is a page of
our own with the same structure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from feed_site import STORY, page

from index.articles import url_article_id
from index.feeds.fetch import Fetcher, FetchError
from index.feeds.pages import ExtractionError, clean_title, extract_page, fetch_article
from index.feeds.parse import FeedEntry

URL = "https://news.example/2024/11/29/night-buses"


def test_body_only_in_json_ld_is_taken_from_article_body():
    # SCMP's shape: the extractor finds only a photo caption; the text is in the JSON-LD.
    caption = (
        "Night buses wait at the central depot on Tuesday evening, hours before the council "
        "voted to add eleven routes across every district of the city. Photo: AP"
    )
    ld = {
        "@context": "https://schema.org",
        "@type": "OpinionNewsArticle",
        "headline": "Night buses for every district, says council after two years of...",
        "articleBody": "\n".join(STORY),
        "datePublished": "2024-11-29T10:00:08+08:00",
        "dateModified": "2024-11-29T10:09:41+08:00",
        "author": {"@type": "Person", "name": "Alice Wu"},
        "publisher": {"@type": "NewsMediaOrganization", "name": "Morning Post"},
    }
    html = page(
        "Night buses for every district",
        [caption],
        head='<meta property="og:title" content="Council backs night buses">',
        json_ld=ld,
    )
    extracted = extract_page(html, URL)
    article = extracted.article
    assert extracted.text_from == "json-ld" and not article.partial
    assert article.text == "\n".join(STORY)
    assert article.title == "Council backs night buses"  # the JSON-LD headline is cut short
    assert article.published == datetime(
        2024, 11, 29, 10, 0, 8, tzinfo=timezone(timedelta(hours=8))
    )
    assert article.updated == datetime(2024, 11, 29, 10, 9, 41, tzinfo=timezone(timedelta(hours=8)))
    assert article.authors == ("Alice Wu",) and article.source == "Morning Post"


def test_teasers_newsletters_and_furniture_are_not_article_text():
    # Boing Boing's "next post" teasers, PC Gamer's newsletter box, Reuters' credits, DW's
    # "Read more:" lines, Phys.org's copyright line.
    teasers = (
        '<div id="next-post-thumbnails"><div class="nextstory"><h2><a href="/other">Other story'
        "</a></h2><p>A teaser for another story that runs on and on about something else [&hellip;]"
        "</p></div></div>"
    )
    newsletter = (
        '<div class="newsletter-form"><p>Example Newsletter</p><p>Get the best stories of the week '
        "in your inbox, as picked by the editors.</p></div>"
    )
    html = page(
        "Council backs night buses",
        [
            STORY[0],
            "Read more: Why the night shift needs buses",
            STORY[1],
            STORY[2],
            "Reporting by Jane Doe; Editing by John Roe",
            "Our Standards: The Thomson Reuters Trust Principles.",
            STORY[3],
            "© 2024 Example Media",
        ],
        after=newsletter + teasers,
    )
    text = extract_page(html, URL).article.text
    assert text == "\n".join(STORY)


def test_title_with_site_and_date_is_cleaned():
    # DW's shape: "headline | DW | 19.01.2020", og:site_name "DW.COM".
    html = page(
        "Berlin renames colonial streets | DW | 19.01.2020",
        STORY,
        head='<meta property="og:site_name" content="DW.COM">',
    )
    article = extract_page(html, "https://www.dw.com/en/berlin/a-52060881").article
    assert article.title == "Berlin renames colonial streets"
    assert article.source == "DW.COM"


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("Berlin renames streets | DW | 19.01.2020", "Berlin renames streets"),
        (
            "Hating Millennials - the prejudice you're allowed to boast about / Boing Boing",
            "Hating Millennials - the prejudice you're allowed to boast about",
        ),
        ("'Parasite' scores historic upset | Reuters", "'Parasite' scores historic upset"),
        ("Opinion: the case for buses — Example Post", "Opinion: the case for buses"),
        ("Budget 2025 - What it means", "Budget 2025 - What it means"),
    ],
)
def test_clean_title(title, clean):
    names = ["DW.COM", "Boing Boing", "Reuters", "Example Post"]
    assert clean_title(title, names) == clean


def test_modified_date_is_never_the_published_date():
    # Reuters' shape: published on the 19th, modified on the 20th; trafilatura alone returns
    # the modified day.
    ld = {
        "@type": "NewsArticle",
        "headline": "Parasite wins",
        "dateCreated": "2020-01-19T12:25:36Z",
        "datePublished": "2020-01-19T12:25:36Z",
        "dateModified": "2020-01-20T09:49:32Z",
    }
    head = (
        '<meta property="og:article:published_time" content="2020-01-19T12:25:36Z">'
        '<meta property="og:article:modified_time" content="2020-01-20T09:49:32Z">'
        '<meta name="sailthru.date" content="2020-01-20T09:49:32Z">'
    )
    article = extract_page(page("Parasite wins", STORY, head=head, json_ld=ld), URL).article
    assert article.published == datetime(2020, 1, 19, 12, 25, 36, tzinfo=UTC)
    assert article.updated == datetime(2020, 1, 20, 9, 49, 32, tzinfo=UTC)


def test_a_page_with_only_a_modified_date_stays_undated():
    head = '<meta property="article:modified_time" content="2024-11-29T09:00:00Z">'
    extracted = extract_page(page("Buses", STORY, head=head), "https://news.example/buses")
    assert extracted.article.published is None
    assert extracted.article.updated == datetime(2024, 11, 29, 9, tzinfo=UTC)
    assert any("only a modified date" in note for note in extracted.notes)


def test_a_date_only_page_takes_the_time_from_its_feed_entry():
    # DW's pages carry only "19.01.2020"; its feed's pubDate has the time.
    entry = FeedEntry("g", URL, "Buses", published="Sun, 19 Jan 2020 14:05:00 +0100")
    with_feed = extract_page(page("Buses | DW | 19.01.2020", STORY), URL, entry=entry).article
    assert with_feed.published == datetime(2020, 1, 19, 14, 5, tzinfo=timezone(timedelta(hours=1)))
    head = '<meta property="article:published_time" content="2020-01-19">'
    alone = extract_page(page("Buses", STORY, head=head), URL)
    assert alone.article.published == datetime(2020, 1, 19, tzinfo=UTC)  # index.dates' bare date
    assert "published date has no time: 2020-01-19" in alone.notes


def test_headline_repeated_and_date_glued_at_the_top_are_removed():
    # Phys.org's shape: "October 22, 2019 report" then the headline again, then the story.
    html = page(
        "Flint tool shows Neanderthal planning",
        ["October 22, 2019 report", "Flint tool shows Neanderthal planning", *STORY],
    )
    assert extract_page(html, URL).article.text == "\n".join(STORY)
    glued = page("Buses", ["19.01.2020 — " + STORY[0], *STORY[1:]])
    assert extract_page(glued, URL).article.text == "\n".join(STORY)
    # A story that merely starts with a date keeps it.
    starts = page(
        "Buses", ["January 19, 2020 was the coldest night of the year, " + STORY[0], *STORY[1:]]
    )
    assert extract_page(starts, URL).article.text.startswith("January 19, 2020 was")


def test_the_outlet_is_not_an_author():
    # DW's shape: <meta name="author" content="Deutsche Welle (www.dw.com)">.
    head = (
        '<meta name="author" content="Deutsche Welle (www.dw.com)">'
        '<meta property="og:site_name" content="DW.COM">'
    )
    dw = extract_page(page("Buses", STORY, head=head), "https://www.dw.com/en/a-1").article
    assert dw.authors == ()
    ld = {
        "@type": "NewsArticle",
        "author": [
            {"@type": "Organization", "name": "Example Post"},
            {"@type": "Person", "name": "Jo Park"},
        ],
        "publisher": {"@type": "Organization", "name": "Example Post"},
    }
    assert extract_page(page("Buses", STORY, json_ld=ld), URL).article.authors == ("Jo Park",)
    entry = FeedEntry("g", URL, "Buses", authors=("Example Post Staff", "Example Post"))
    assert extract_page(
        page("Buses", STORY), URL, entry=entry, source="Example Post"
    ).article.authors == ("Example Post Staff",)


def test_a_paywalled_page_uses_the_feed_text_and_is_partial():
    teaser = "The city council voted on Tuesday to expand the night bus network."
    html = page("Buses", [teaser, "Subscribe to continue reading", "Already a subscriber? Log in"])
    entry = FeedEntry("g", URL, "Buses", summary="\n".join(STORY[:2]))
    extracted = extract_page(html, URL, entry=entry)
    assert extracted.article.partial and extracted.text_from == "feed"
    assert extracted.article.text == "\n".join(STORY[:2])
    assert "paywall" in extracted.notes[0]
    without_entry = extract_page(html, URL)
    assert without_entry.article.partial and without_entry.article.text == teaser


def test_is_accessible_for_free_false_with_a_short_body_is_partial():
    ld = {"@type": "NewsArticle", "isAccessibleForFree": "False"}
    assert extract_page(page("Buses", STORY[:2], json_ld=ld), URL).article.partial
    assert not extract_page(page("Buses", STORY * 2, json_ld=ld), URL).article.partial


def test_an_implausibly_short_body_is_reported_and_marked_partial():
    entry = FeedEntry("g", URL, "Buses", content="\n".join(STORY))
    extracted = extract_page(page("Buses", ["Watch the video."]), URL, entry=entry)
    assert extracted.article.partial and extracted.text_from == "feed"
    assert "implausibly short" in extracted.notes[0]


def test_canonical_url_without_tracking_names_the_article():
    head = '<link rel="canonical" href="/2024/11/29/night-buses?utm_source=twitter">'
    article = extract_page(
        page("Buses", STORY, head=head), URL + "?utm_medium=social&ref_src=tw"
    ).article
    assert article.url == URL and article.id == url_article_id(URL)


def test_legacy_charset_page_decodes_as_a_browser_would():
    html = page("Minister’s “final” offer", STORY).replace(
        "charset='utf-8'", "charset='iso-8859-1'"
    )
    article = extract_page(html.encode("cp1252"), URL).article
    assert article.title == "Minister’s “final” offer"


def test_nothing_to_read_raises():
    with pytest.raises(ExtractionError):
        extract_page("<html><body><nav>Home</nav></body></html>", URL)


def test_fetch_article_honours_robots_and_falls_back_to_the_entry(site, config):
    site.serve("/robots.txt", "User-agent: *\nDisallow: /members/\n", content_type="text/plain")
    blocked = site.serve("/members/story", page("Buses", STORY))
    open_page = site.serve("/news/story", page("Buses", STORY))
    entry = FeedEntry("g", blocked, "Buses", summary="The council voted on night buses.")
    with Fetcher(config) as fetcher:
        fallback = fetch_article(fetcher, blocked, entry=entry, source="Example")
        read = fetch_article(fetcher, open_page)
        with pytest.raises(FetchError, match=r"robots\.txt disallows"):
            fetch_article(fetcher, blocked)
    assert site.requests("/members/story") == []
    assert fallback.article.partial and fallback.article.text == "The council voted on night buses."
    assert "robots.txt disallows it" in fallback.notes[0]
    assert read.article.text == "\n".join(STORY) and not read.article.partial


def test_fetch_article_falls_back_when_the_page_is_over_the_cap_or_missing(site, config):
    big = site.serve("/big", page("Buses", STORY * 400))
    entry = FeedEntry("g", big, "Buses", summary="Summary of the bus story.")
    with Fetcher(config) as fetcher:
        capped = fetch_article(fetcher, big, entry=entry)
        missing = fetch_article(fetcher, site.url("/nope"), entry=entry)
    assert capped.article.partial and "over the" in capped.notes[0]
    assert missing.article.partial and "HTTP 404" in missing.notes[0]
