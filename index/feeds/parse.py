"""Reading feeds: RSS 0.9x/2.0 and Atom 1.0 (feedparser), JSON Feed 1.0/1.1, and autodiscovery.

This module owns turning the bytes of a feed into :class:`ParsedFeed` / :class:`FeedEntry`
records with the raw values the rest of ``index.feeds`` needs: each entry's GUID, link (made
absolute against the feed's URL), title, summary and content as plain text, its published and
updated dates *as written* (``index.dates`` reads them later, keeping the outlet's offset) and its
authors. A malformed feed is parsed where it can be (feedparser's loose parser) and the problem is
reported in :attr:`ParsedFeed.problems`; only a document with nothing feed-like in it raises
:class:`FeedParseError`. An HTML page instead of a feed yields the feeds it advertises
(``<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">``), so a homepage URL
finds its feeds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from lxml import etree

__all__ = [
    "FEED_ACCEPT",
    "DiscoveredFeed",
    "FeedEntry",
    "FeedParseError",
    "ParsedFeed",
    "discover_feeds",
    "html_to_text",
    "looks_like_html",
    "parse_feed",
]

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1"
)
"""The Accept header for a feed request (a homepage may answer with HTML: it is then searched)."""

_FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "json",
    "application/json": "json",
}
_JSON_FEED_VERSION = re.compile(r"^https?://jsonfeed\.org/version/1(?:\.\d+)?/?$")
# Labels browsers read as windows-1252 (WHATWG): a feed served as iso-8859-1 with curly quotes
# in 0x80-0x9F is really windows-1252.
_LATIN1_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii", "l1"}
_BREAK = "\ue000"  # a private-use character: never in real text
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "tr", "table", "section", "article", "figure", "figcaption", "hr", "dd", "dt",
}  # fmt: skip


class FeedParseError(ValueError):
    """A document in which nothing feed-like could be found; the message says why."""


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, as the feed gives it.

    Attributes
    ----------
    guid : str or None
        The entry's own id (RSS ``guid``, Atom ``id``, JSON Feed ``id``).
    link : str or None
        The article's URL, absolute.
    title : str
    summary, content : str
        Plain text (paragraphs one a line); ``content`` is the fullest body the feed carries
        (``content:encoded``, Atom ``content``, ``content_html``/``content_text``).
    published, updated : str or None
        Dates exactly as written.
    authors : tuple of str
    """

    guid: str | None
    link: str | None
    title: str
    summary: str = ""
    content: str = ""
    published: str | None = None
    updated: str | None = None
    authors: tuple[str, ...] = ()

    @property
    def body(self) -> str:
        """The longer of content and summary."""
        return self.content if len(self.content) >= len(self.summary) else self.summary


@dataclass(frozen=True)
class DiscoveredFeed:
    """A feed a web page advertises with ``<link rel="alternate">``."""

    url: str
    kind: str  # "rss", "atom" or "json"
    title: str | None = None


@dataclass
class ParsedFeed:
    """What a feed URL gave.

    Attributes
    ----------
    kind : str
        ``"rss"``, ``"atom"``, ``"json"``, or ``"html"`` for a web page (see ``discovered``).
    title, link : str or None
        The feed's title (the outlet's name, usually) and its site's URL.
    entries : list of FeedEntry
    problems : list of str
        Malformed markup and the like: reported, not fatal.
    discovered : list of DiscoveredFeed
        For an HTML page, the feeds it advertises.
    """

    kind: str
    title: str | None = None
    link: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    discovered: list[DiscoveredFeed] = field(default_factory=list)


def parse_feed(
    body: bytes, url: str, content_type: str = "", charset: str | None = None
) -> ParsedFeed:
    """Parse a feed (or find the feeds of a web page).

    Parameters
    ----------
    body : bytes
        The document as served.
    url : str
        Where it was fetched from (after redirects): relative links are resolved against it.
    content_type : str
        The media type the server declared (``"application/rss+xml"``), if any.
    charset : str, optional
        The charset the server declared.

    Returns
    -------
    ParsedFeed

    Raises
    ------
    FeedParseError
        When the document holds no feed at all (and is not a page advertising feeds).
    """
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if content_type in ("application/feed+json", "application/json") or head.startswith(b"{"):
        return _parse_json_feed(body, url)
    if looks_like_html(body, content_type):
        html = body.decode(charset or "utf-8", errors="replace") if charset else _html_text(body)
        discovered = discover_feeds(html, url)
        if not discovered:
            raise FeedParseError("a web page that advertises no feed")
        return ParsedFeed("html", discovered=discovered)
    return _parse_xml_feed(body, url, content_type, charset)


def looks_like_html(body: bytes, content_type: str = "") -> bool:
    """Whether a response is a web page rather than a feed."""
    if content_type in ("text/html", "application/xhtml+xml"):
        return True
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def discover_feeds(html: str, base_url: str) -> list[DiscoveredFeed]:
    """The feeds a page advertises, in page order, without repeats.

    Parameters
    ----------
    html : str
        The page.
    base_url : str
        Its URL (``<base href>`` in the page takes precedence).

    Returns
    -------
    list of DiscoveredFeed
        From ``<link rel="alternate" type="application/rss+xml|atom+xml|feed+json" href>``.
    """
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base_href = next((b.get("href") for b in tree.iter("base") if b.get("href")), None)
    base = urljoin(base_url, base_href) if base_href else base_url
    found: list[DiscoveredFeed] = []
    seen: set[str] = set()
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = _FEED_TYPES.get((link.get("type") or "").split(";")[0].strip().lower())
        href = (link.get("href") or "").strip()
        if "alternate" not in rels or kind is None or not href:
            continue
        absolute = urljoin(base, href)
        if urlsplit(absolute).scheme not in ("http", "https") or absolute in seen:
            continue
        seen.add(absolute)
        found.append(DiscoveredFeed(absolute, kind, _clean(link.get("title")) or None))
    return found


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: one paragraph a line, spaces collapsed within lines.

    Parameters
    ----------
    fragment : str
        HTML (or plain text, returned with its lines tidied).

    Returns
    -------
    str
    """
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment and "&" not in fragment:
        return _tidy_lines(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy_lines(re.sub(r"<[^>]+>", " ", fragment))
    for element in list(root.iter("script", "style", "noscript")):
        element.drop_tree()
    # Whitespace in HTML source is one space; only block elements and <br> break lines.
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = _BREAK + (element.tail or "")
            if element.tag.lower() in ("br", "hr"):
                continue
            element.text = _BREAK + (element.text or "")
    return _tidy_lines(" ".join(root.text_content().split()).replace(_BREAK, "\n"))


# --------------------------------------------------------------------------------------------
# RSS and Atom


def _parse_xml_feed(body: bytes, url: str, content_type: str, charset: str | None) -> ParsedFeed:
    headers = {"content-location": url}
    if content_type:
        if charset and charset.lower() in _LATIN1_LABELS:
            charset = "windows-1252"
        headers["content-type"] = content_type + (f"; charset={charset}" if charset else "")
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True)
    problems: list[str] = []
    if parsed.get("bozo"):
        error = parsed.get("bozo_exception")
        if isinstance(error, feedparser.CharacterEncodingOverride):
            problems.append(f"encoding: {error}")
        else:
            problems.append(f"malformed feed: {error}")
    version = parsed.get("version") or ""
    meta = parsed.get("feed", {})
    if not parsed.entries and not meta.get("title") and not version:
        reason = problems[0] if problems else "no RSS, Atom or JSON Feed content"
        raise FeedParseError(f"not a feed: {reason}")
    entries = [_xml_entry(entry, url) for entry in parsed.entries]
    kind = "atom" if version.startswith("atom") else "rss"
    return ParsedFeed(
        kind,
        title=_clean(meta.get("title")) or None,
        link=_absolute(meta.get("link"), url),
        entries=[e for e in entries if e is not None],
        problems=problems,
    )


def _xml_entry(entry: feedparser.FeedParserDict, url: str) -> FeedEntry | None:
    raw = dict(entry)  # FeedParserDict.get("updated") falls back to "published"; we must not
    link = _absolute(raw.get("link"), url)
    contents = raw.get("content") or []
    content = max((html_to_text(c.get("value", "")) for c in contents), key=len, default="")
    summary = html_to_text(raw.get("summary", ""))
    if content == summary:
        content = ""
    authors = [a.get("name", "") for a in raw.get("authors", []) if isinstance(a, dict)]
    if not any(authors) and raw.get("author"):
        authors = [raw["author"]]
    title = _clean(html_to_text(raw.get("title", "")))
    guid = _clean(raw.get("id")) or None
    if not (title or link or guid or content or summary):
        return None
    return FeedEntry(
        guid=guid,
        link=link,
        title=title,
        summary=summary,
        content=content,
        published=_clean(raw.get("published")) or None,
        updated=_clean(raw.get("updated")) or None,
        authors=_names(authors),
    )


# --------------------------------------------------------------------------------------------
# JSON Feed (https://www.jsonfeed.org/version/1.1/)


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FeedParseError(f"not a feed: JSON Feed is not UTF-8 ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise FeedParseError(
            f"not a feed: invalid JSON: {error.msg} at line {error.lineno}"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise FeedParseError("not a feed: JSON without an 'items' list")
    problems = []
    if not _JSON_FEED_VERSION.match(str(document.get("version", ""))):
        problems.append(f"JSON Feed version missing or unknown: {document.get('version')!r}")
    base = _string(document.get("feed_url")) or url
    entries: list[FeedEntry] = []
    for number, item in enumerate(document["items"], start=1):
        if not isinstance(item, dict):
            problems.append(f"item {number} is not an object; skipped")
            continue
        link = _absolute(_string(item.get("url")) or _string(item.get("external_url")), base)
        html = _string(item.get("content_html"))
        content = html_to_text(html) if html else _tidy_lines(_string(item.get("content_text")))
        summary = _tidy_lines(_string(item.get("summary")))
        if content == summary:
            content = ""
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        if not authors:
            authors = document.get("authors") or []
        names = [a.get("name", "") for a in authors if isinstance(a, dict)]
        guid = item.get("id")
        entries.append(
            FeedEntry(
                guid=str(guid).strip() if guid not in (None, "") else None,
                link=link,
                title=_clean(_string(item.get("title"))),
                summary=summary,
                content=content,
                published=_string(item.get("date_published")) or None,
                updated=_string(item.get("date_modified")) or None,
                authors=_names(names),
            )
        )
    return ParsedFeed(
        "json",
        title=_clean(_string(document.get("title"))) or None,
        link=_absolute(_string(document.get("home_page_url")), base),
        entries=entries,
        problems=problems,
    )


# --------------------------------------------------------------------------------------------
# Helpers


def _html_text(body: bytes) -> str:
    declared = re.search(
        rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", body[:4096], re.I
    )
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _absolute(link: object, base: str) -> str | None:
    if not isinstance(link, str) or not link.strip():
        return None
    absolute = urljoin(base, link.strip())
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def _clean(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _names(names: list[str]) -> tuple[str, ...]:
    cleaned: list[str] = []
    for name in names:
        name = _clean(name)
        if name and name not in cleaned:
            cleaned.append(name)
    return tuple(cleaned)


def _tidy_lines(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)
