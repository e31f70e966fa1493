"""Article pages as they really are: text and metadata read from a fetched page.

This module owns turning one article page (and, when it came from a feed, the feed's entry) into
an :class:`~index.articles.Article`. trafilatura finds the text, and the page's own metadata
decides what trafilatura guesses at:

- JSON-LD (``NewsArticle``, ``Article``, ``ReportageNewsArticle``, ``BlogPosting``... also inside
  ``@graph``): ``headline``, ``articleBody``, ``datePublished``, ``dateModified``, ``author``,
  ``publisher``, ``isAccessibleForFree``; ``article:published_time`` / ``article:modified_time``,
  ``og:site_name``, ``og:title``, ``rel=canonical`` from the ``<head>``;
- the body: related-story and newsletter containers are removed before extraction, paywall
  prompts, adverts, captions, "Read more:" lines and the like are dropped after it
  (:mod:`index.furniture`), and so are the headline repeated at the top and a date (or "date
  label" line) glued to its start. A body that is missing or implausibly short is replaced by the
  JSON-LD ``articleBody``, else by the feed entry's content or summary, and the article is marked
  partial (so is a page behind a paywall);
- the title loses the site's name and a date tacked on ("... | DW | 19.01.2020"), and a headline
  cut short with "..." gives way to a whole one;
- the publication date is the most precise one the page (or the feed) gives, with its own offset
  (:func:`index.dates.parse_published`); a modified date is never taken for it and becomes
  :attr:`~index.articles.Article.updated` only when later; a value that is only a date is kept as
  that day (midnight UTC, ``index.dates``' reading of a bare date) only when nothing gives the time;
- the outlet's name is never an author ("Deutsche Welle (www.dw.com)" on dw.com).

:func:`fetch_article` adds the fetching: robots.txt, the page cap, and falling back to the feed
entry when the page cannot be had.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from ..articles import Article, decode_html, url_article_id
from ..dates import DateError, parse_moment, parse_published
from ..furniture import furniture_kind
from . import identity
from .fetch import Fetcher, FetchError
from .identity import clean_url
from .parse import FeedEntry, html_to_text

__all__ = [
    "MIN_BODY_CHARS",
    "Extracted",
    "ExtractionError",
    "PageMeta",
    "article_from_entry",
    "clean_title",
    "extract_page",
    "fetch_article",
    "read_metadata",
]

log = logging.getLogger(__name__)

MIN_BODY_CHARS = 300
"""A page body shorter than this is implausible for a news article (a caption, a teaser)."""

_MIN_WORDS = 8  # fewer words than this are navigation or a button, not an article
_ARTICLE_TYPES = re.compile(r"(?:Article|Posting|Report)$")
_ORGANISATION_TYPES = {"Organization", "NewsMediaOrganization", "Corporation", "WebSite"}
# id/class words of containers that hold other stories or sign-up forms, not this one.
_TEASER_CONTAINER = re.compile(
    r"(?:^|[\s_-])(?:related|recommend\w*|next-?(?:post|story|stories|article)\w*|nextstory|"
    r"more-?(?:about|stories|articles|from|on|news)\w*|moreabout|read-?next|also-?read|"
    r"newsletter\w*|outbrain|taboola|revcontent|trending|most-?(?:popular|read)|"
    r"you-?may-?(?:also-?)?like|sponsored|promo(?:ted)?-?(?:stories|content))(?:$|[\s_-])",
    re.I,
)
_KEEP_TAGS = {"html", "body", "main", "article"}
# Dates as outlets print them at the top of a body: "19.01.2020", "2020-01-19 10:00",
# "October 22, 2019", "Mon, Jan 20, 2020 10:00 am ET", "22 October 2019".
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,5})?)?"
_LEADING_DATE = re.compile(
    r"^\s*(?:(?:updated|published|posted)\s*:?\s*)?"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
    r"(?:\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"
    rf"|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}){_TIME}",
    re.I,
)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|–—»·:]{1,2}|-|/)\s+")
_TRUNCATED = re.compile(r"(?:\.\.\.|…)\s*$")
_TEASER_LINE = re.compile(r"(?:\[(?:…|\.\.\.)\]|\bREAD THE REST)\s*$")
_DOMAIN_IN_NAME = re.compile(r"\bwww\.|\.(?:com|org|net|co\.uk|de|io)\b", re.I)


class ExtractionError(ValueError):
    """A page (and entry) with no article text at all; the message says why."""


@dataclass(frozen=True)
class PageMeta:
    """What a page says about itself in its markup (all values as written).

    Attributes
    ----------
    headline, body : str or None
        JSON-LD ``headline`` and ``articleBody`` (plain text).
    published, modified : str or None
        JSON-LD ``datePublished``/``dateModified``, else ``article:published_time`` /
        ``article:modified_time`` (``og:updated_time``).
    authors : tuple of str
        People named as authors (JSON-LD ``author`` of a type other than an organisation, else
        ``article:author`` / ``<meta name="author">``).
    site_names : tuple of str
        The outlet's names: JSON-LD ``publisher``, ``og:site_name``, ``application-name``.
    og_title, canonical : str or None
        ``og:title``; ``rel=canonical`` (else ``og:url``), absolute.
    free : bool or None
        JSON-LD ``isAccessibleForFree``.
    """

    headline: str | None = None
    body: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: tuple[str, ...] = ()
    site_names: tuple[str, ...] = ()
    og_title: str | None = None
    canonical: str | None = None
    free: bool | None = None


@dataclass
class Extracted:
    """An article read from a page (or a feed entry), and how.

    Attributes
    ----------
    article : Article
    text_from : str
        ``"page"``, ``"json-ld"`` or ``"feed"``.
    notes : list of str
        What was worked around ("page body 151 characters; used the JSON-LD articleBody").
    canonical : str or None
        The page's canonical URL (else where it was fetched from), cleaned; None when the text
        came from the feed entry alone.
    """

    article: Article
    text_from: str
    notes: list[str] = field(default_factory=list)
    canonical: str | None = None

    @property
    def partial(self) -> bool:
        return self.article.partial


def read_metadata(tree: lxml.html.HtmlElement, base_url: str) -> PageMeta:
    """The page's own metadata: JSON-LD article objects and ``<head>`` tags.

    Parameters
    ----------
    tree : lxml.html.HtmlElement
        The parsed page.
    base_url : str
        The page's URL, to make the canonical URL absolute.

    Returns
    -------
    PageMeta
    """
    article: dict = {}
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        for item in _json_ld_items(script.text or ""):
            types = item.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and _ARTICLE_TYPES.search(t) for t in types):
                # The first article object wins; later ones only fill gaps (SCMP has several).
                for key, value in item.items():
                    article.setdefault(key, value)
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = (meta.get("content") or "").strip()
        if name and content:
            metas.setdefault(name.removeprefix("og:article:").removeprefix("og:"), content)
            metas.setdefault(name, content)
    canonical = next(
        (
            link.get("href")
            for link in tree.iter("link")
            if "canonical" in (link.get("rel") or "").lower().split() and link.get("href")
        ),
        None,
    ) or metas.get("og:url")
    canonical = urljoin(base_url, canonical.strip()) if canonical else None
    if canonical and urlsplit(canonical).scheme not in ("http", "https"):
        canonical = None

    publisher = article.get("publisher")
    site_names = [
        _name_of(publisher) if isinstance(publisher, dict | str) else "",
        metas.get("og:site_name", ""),
        metas.get("application-name", ""),
    ]
    authors = _people(article.get("author"))
    if not authors:
        byline = metas.get("article:author") or metas.get("author") or ""
        if byline and not byline.startswith(("http://", "https://")):
            authors = [part.strip() for part in re.split(r"\s*(?:;|,|\band\b)\s*", byline)]
    free = article.get("isAccessibleForFree")
    if isinstance(free, str):
        free = {"true": True, "false": False}.get(free.strip().lower())
    body = article.get("articleBody")
    return PageMeta(
        headline=_text(article.get("headline")) or None,
        body=html_to_text(body) if isinstance(body, str) and body.strip() else None,
        published=_text(article.get("datePublished"))
        or metas.get("article:published_time")
        or None,
        modified=_text(article.get("dateModified"))
        or metas.get("article:modified_time")
        or metas.get("og:updated_time")
        or None,
        authors=_unique(a for a in authors if a),
        site_names=_unique(n for n in site_names if n),
        og_title=" ".join(metas["og:title"].split()) if metas.get("og:title") else None,
        canonical=canonical,
        free=free if isinstance(free, bool) else None,
    )


def extract_page(
    html: str | bytes,
    url: str,
    *,
    charset: str | None = None,
    entry: FeedEntry | None = None,
    source: str | None = None,
    article_id: str | None = None,
) -> Extracted:
    """Read an article page into an :class:`Article`.

    Parameters
    ----------
    html : str or bytes
        The page (bytes are decoded as a browser would, ``charset`` first).
    url : str
        Where it was fetched from (after redirects).
    charset : str, optional
        The charset the server declared.
    entry : FeedEntry, optional
        The feed entry that linked to it: its title, date, authors and content fill gaps and
        stand in for a body the page does not have.
    source : str, optional
        The outlet's name as configured (the feed's); else the page's own site name.
    article_id : str, optional
        The id to store it under (a feed entry's identity); default: from the canonical URL.

    Returns
    -------
    Extracted

    Raises
    ------
    ExtractionError
        When neither the page nor the entry holds any text.
    """
    text = html if isinstance(html, str) else decode_html(html, charset)
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        if entry is None:
            raise ExtractionError(f"not an HTML page: {error}") from None
        return article_from_entry(
            entry, url, source=source, article_id=article_id, reason="unreadable page"
        )
    meta = read_metadata(tree, url)
    document = _trafilatura(tree, url)
    notes: list[str] = []

    site_names = _site_names(meta, document, source, url)
    titles = [
        meta.headline,
        meta.og_title,
        entry.title if entry else None,
        getattr(document, "title", None),
    ]
    title = _choose_title(titles, site_names)
    lines, paywalled = _body_lines(getattr(document, "text", None) or "", [title, *titles])
    body = "\n".join(lines)
    text_from = "page"
    partial = False
    json_body = "\n".join(_body_lines(meta.body or "", [title, *titles])[0])
    if json_body and " ".join(json_body.split()) == " ".join(body.split()):
        body, text_from = json_body, "json-ld"  # the same words; the JSON-LD keeps paragraphs
    elif json_body and (len(body) < MIN_BODY_CHARS or len(json_body) >= 2 * len(body)):
        notes.append(
            f"page body {len(body)} characters; used the JSON-LD articleBody ({len(json_body)})"
        )
        body, text_from = json_body, "json-ld"
    short = len(body) < MIN_BODY_CHARS
    closed = paywalled or (meta.free is False and len(body) < 3 * MIN_BODY_CHARS)
    if short or closed:
        partial = True
        why = "behind a paywall" if closed else f"implausibly short ({len(body)} characters)"
        fallback = entry.body if entry else ""
        if len(fallback) > len(body):
            notes.append(f"page body {why}; used the feed entry's text")
            body, text_from = fallback, "feed"
        else:
            notes.append(f"page body {why}; kept it, marked partial")
    if len(body.split()) < _MIN_WORDS:
        raise ExtractionError(f"no article text on the page ({len(body.split())} words)")

    published, updated, date_notes = _dates(meta, entry, getattr(document, "date", None))
    notes.extend(date_notes)
    final_url = clean_url(meta.canonical or url)
    authors = _authors(
        [
            meta.authors,
            _split_byline(getattr(document, "author", None)),
            entry.authors if entry else (),
        ],
        site_names,
        url,
    )
    article = Article(
        id=article_id or url_article_id(final_url),
        title=title or _fallback_title(url),
        text=body,
        url=final_url,
        source=site_names[0] if site_names else None,
        published=published,
        authors=authors,
        origin=url,
        origin_path=url,
        partial=partial,
        updated=updated,
    )
    return Extracted(article, text_from, notes, final_url)


def article_from_entry(
    entry: FeedEntry,
    feed_url: str,
    *,
    source: str | None = None,
    article_id: str | None = None,
    reason: str = "no page",
) -> Extracted:
    """An article from the feed entry alone (its page could not be had), marked partial.

    Parameters
    ----------
    entry : FeedEntry
    feed_url : str
        The feed's URL (the article's origin when the entry has no link).
    source : str, optional
        The outlet's name.
    article_id : str, optional
        The id to store it under; default: from the entry's link.
    reason : str
        Why the page was not used, for the notes.

    Returns
    -------
    Extracted

    Raises
    ------
    ExtractionError
        When the entry has no text either.
    """
    body = entry.body
    if not body:
        raise ExtractionError(f"{reason}, and the feed entry has no text")
    published, updated, notes = _dates(PageMeta(), entry, None)
    link = clean_url(entry.link) if entry.link else None
    title = clean_title(entry.title, [source] if source else []) or body.split("\n")[0][:120]
    article = Article(
        # hash() of a str differs from one process to the next: this id must not.
        id=article_id or (url_article_id(link) if link else identity.article_id(entry, feed_url)),
        title=title,
        text=body,
        url=link,
        source=source,
        published=published,
        authors=_authors([entry.authors], [source] if source else [], link or feed_url),
        origin=entry.link or feed_url,
        origin_path=entry.link or feed_url,
        partial=True,
        updated=updated,
    )
    return Extracted(article, "feed", [f"{reason}; used the feed entry's text", *notes], None)


def fetch_article(
    fetcher: Fetcher,
    url: str,
    *,
    entry: FeedEntry | None = None,
    source: str | None = None,
    article_id: str | None = None,
) -> Extracted:
    """Fetch an article page (if robots.txt allows) and read it; fall back to the feed entry.

    Parameters
    ----------
    fetcher : Fetcher
    url : str
        The page.
    entry, source, article_id
        As for :func:`extract_page`.

    Returns
    -------
    Extracted
        Partial, from the entry, when the page is disallowed, fails or is not HTML.

    Raises
    ------
    FetchError
        When the page cannot be had and there is no entry to fall back on.
    ExtractionError
        When nothing holds any text.
    """
    try:
        if not fetcher.allowed(url):
            raise FetchError(url, "robots.txt disallows it")
        response = fetcher.get(
            url, max_bytes=fetcher.config.max_page_bytes, accept="text/html,*/*;q=0.5"
        )
        if response.content_type not in ("", "text/html", "application/xhtml+xml"):
            raise FetchError(url, f"not a web page ({response.content_type})")
    except FetchError as error:
        if entry is None:
            raise
        return article_from_entry(
            entry, url, source=source, article_id=article_id, reason=f"page: {error.reason}"
        )
    return extract_page(
        response.body,
        response.url,
        charset=response.charset,
        entry=entry,
        source=source,
        article_id=article_id,
    )


def clean_title(title: str | None, site_names: list[str] | tuple[str, ...]) -> str:
    """A headline without the site's name and a date tacked on to either end.

    Parameters
    ----------
    title : str or None
        ``"Berlin confronts Germany's colonial past | DW | 19.01.2020"``.
    site_names : sequence of str
        The outlet's names (``"DW.COM"``, ``"Deutsche Welle"``); their initials, and the host's
        name, count as well.

    Returns
    -------
    str
        ``"Berlin confronts Germany's colonial past"``; segments that are neither site nor date
        are kept (``"Hating Millennials - the prejudice you're allowed to boast about"``).
    """
    if not title:
        return ""
    title = " ".join(title.split())
    parts = _TITLE_SEPARATORS.split(title)
    separators = _TITLE_SEPARATORS.findall(title)
    names = _name_keys(site_names)
    while len(parts) > 1 and (_is_site(parts[-1], names) or _is_date(parts[-1])):
        parts.pop()
        separators.pop()
    while len(parts) > 1 and (_is_site(parts[0], names) or _is_date(parts[0])):
        parts.pop(0)
        separators.pop(0)
    rebuilt = parts[0]
    for separator, part in zip(separators, parts[1:], strict=True):
        rebuilt += separator + part
    return rebuilt.strip()


# --------------------------------------------------------------------------------------------
# The body


def _trafilatura(tree: lxml.html.HtmlElement, url: str):
    import trafilatura

    cleaned = copy.deepcopy(tree)
    for element in list(cleaned.iter()):
        if not isinstance(element.tag, str) or element.tag.lower() in _KEEP_TAGS:
            continue
        names = f"{element.get('id') or ''} {element.get('class') or ''}"
        if (
            names.strip()
            and _TEASER_CONTAINER.search(names)
            and element.getparent() is not None
            and element.find(".//h1") is None
            and not element.xpath(".//*[@itemprop='articleBody']")
        ):
            element.drop_tree()
    try:
        return trafilatura.bare_extraction(
            cleaned,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except Exception as error:  # odd markup is bad input, not a bug of ours
        log.warning("trafilatura failed on %s: %s: %s", url, type(error).__name__, error)
        return None


def _body_lines(text: str, titles: list[str | None]) -> tuple[list[str], bool]:
    """The body's paragraphs without furniture, headline repeats and a leading date; and
    whether a paywall prompt was among what was dropped."""
    heads = {_key(t) for t in titles if t}
    heads.discard("")
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    kept: list[str] = []
    paywalled = False
    for line in lines:
        if not line:
            continue
        kind = furniture_kind(line)
        if kind is not None:
            paywalled = paywalled or kind == "paywall"
            continue
        if _TEASER_LINE.search(line) or re.fullmatch(r"[\w ’'&.-]{0,40}\bNewsletter", line):
            continue  # a teaser of another story ("... [...]"), a newsletter box's heading
        if len(kept) < 3 and not any(len(k) > 200 for k in kept):
            # The top of the body: the headline again, a dateline of its own, a date glued on.
            if _key(line) in heads:
                continue
            match = _LEADING_DATE.match(line)
            if match:
                rest = line[match.end() :]
                if len(rest.strip()) <= 25 and len(rest.split()) <= 2:
                    continue  # "October 22, 2019 report", "19.01.2020"
                glued = re.match(r"\s*(?:[—–|:-]\s*|(?=[A-Z“\"]))", rest)
                if glued and (glued.group() or not rest[:1].isspace()):
                    line = rest[glued.end() :].strip()
                    if _key(line) in heads or not line:
                        continue
        kept.append(line)
    return kept, paywalled


# --------------------------------------------------------------------------------------------
# Dates


def _dates(
    meta: PageMeta, entry: FeedEntry | None, extracted: str | None
) -> tuple[datetime | None, datetime | None, list[str]]:
    """(published, updated, notes): the most precise publication time; a later modified one."""
    notes: list[str] = []
    modified_raw = meta.modified or (entry.updated if entry else None)
    modified_day = _parse(modified_raw, [], "")
    if extracted and modified_day and extracted == modified_day.date().isoformat():
        # trafilatura falls back on the modified date when the page states no publication
        # date: Reuters' pages came out dated the day they were edited.
        extracted = None
    candidates = [
        ("JSON-LD/meta", meta.published),
        ("feed", entry.published if entry else None),
        ("extracted", extracted),
    ]
    parsed: list[tuple[datetime, bool]] = []
    for where, raw in candidates:
        value = _parse(raw, notes, where)
        if value is not None:
            parsed.append((value, _has_time(raw)))
    published = next((value for value, timed in parsed if timed), None)
    if published is None and parsed:
        published = parsed[0][0]
        notes.append(f"published date has no time: {published.date().isoformat()}")
    modified = None
    for where, raw in (("JSON-LD/meta", meta.modified), ("feed", entry.updated if entry else None)):
        modified = _parse(raw, notes, where)
        if modified is not None:
            break
    updated = None
    if modified is not None and (published is None or (modified - published).total_seconds() > 60):
        updated = modified
    if published is None and modified is not None:
        notes.append("only a modified date: the article is kept undated")
    return published, updated, notes


def _parse(raw: str | None, notes: list[str], where: str) -> datetime | None:
    if not raw:
        return None
    try:
        return parse_published(raw)
    except DateError as error:
        notes.append(f"{where} date ignored: {error}")
        return None


def _has_time(raw: str | None) -> bool:
    """Whether a date string gives a time of day (filling the day's start and end differ not)."""
    if not raw:
        return False
    try:
        return parse_moment(raw) == parse_moment(raw, end_of_day=True)
    except DateError:
        return False


# --------------------------------------------------------------------------------------------
# Titles, outlets, authors


def _choose_title(titles: list[str | None], site_names: list[str]) -> str:
    cleaned = [clean_title(t, site_names) for t in titles if t]
    whole = [t for t in cleaned if t and not _TRUNCATED.search(t)]
    return (whole or cleaned or [""])[0]


def _site_names(meta: PageMeta, document, source: str | None, url: str) -> list[str]:
    names = [source or "", *meta.site_names, getattr(document, "sitename", None) or ""]
    names = [n for n in (" ".join(n.split()) for n in names) if n and not _looks_like_url(n)]
    return list(_unique(names))


def _authors(groups: list, site_names: list[str], url: str) -> tuple[str, ...]:
    outlet_keys = _name_keys([*site_names, _host_label(url)])
    for group in groups:
        people = [
            name
            for name in (" ".join(str(n).split()) for n in group or ())
            if name and not _is_site(name, outlet_keys) and not _DOMAIN_IN_NAME.search(name)
        ]
        if people:
            return _unique(people)
    return ()


def _name_keys(names) -> set[str]:
    """Comparable forms of an outlet's names: letters only, and each name's initials."""
    keys: set[str] = set()
    for name in names:
        if not name:
            continue
        base = re.sub(r"\(.*?\)", "", name)
        base = re.sub(r"^(?:the|www)\W+", "", base.strip(), flags=re.I)
        base = re.sub(r"\.(?:com|org|net|co\.uk|de)$", "", base.strip(), flags=re.I)
        key = _key(base)
        if key:
            keys.add(key)
        words = re.findall(r"[A-Za-z][\w’']*", base)
        if len(words) > 1:
            keys.add("".join(w[0] for w in words).lower())
    return keys


def _is_site(segment: str, names: set[str]) -> bool:
    keys = _name_keys([segment])
    return bool(keys & names) and len(segment) <= 60


def _is_date(segment: str) -> bool:
    segment = segment.strip()
    if not re.search(r"\d", segment) or len(segment) > 40:
        return False
    match = _LEADING_DATE.match(segment)
    return bool(match and not segment[match.end() :].strip())


def _host_label(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return host.split(".")[0] if host else ""


def _split_byline(value: str | None) -> list[str]:
    return [part.strip() for part in value.split(";")] if value else []


def _fallback_title(url: str) -> str:
    path = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    words = " ".join(re.sub(r"[-_]+|\.html?$", " ", path).split())
    return words[:1].upper() + words[1:] if words else url


# --------------------------------------------------------------------------------------------
# JSON-LD


def _json_ld_items(text: str) -> list[dict]:
    try:
        data = json.loads(text.strip().removeprefix("<!--").removesuffix("-->"), strict=False)
    except json.JSONDecodeError:
        return []
    items: list[dict] = []
    stack = [data]
    while stack:
        value = stack.pop(0)
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            items.append(value)
            graph = value.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)
    return items


def _people(value: object) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in values:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            types = item.get("@type")
            types = set(types) if isinstance(types, list) else {types}
            if types & _ORGANISATION_TYPES:
                continue
            names.append(_name_of(item))
    return [" ".join(n.split()) for n in names if n and n.strip()]


def _name_of(value: dict | str) -> str:
    if isinstance(value, str):
        return value.strip()
    name = value.get("name")
    return name.strip() if isinstance(name, str) else ""


def _text(value: object) -> str:
    if isinstance(value, list) and value:
        value = value[0]
    return " ".join(value.split()) if isinstance(value, str) else ""


def _key(text: str | None) -> str:
    return re.sub(r"\W+", "", (text or "").casefold())


def _looks_like_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _unique(values) -> tuple[str, ...]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return tuple(seen)
