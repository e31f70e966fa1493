"""Which article a feed entry is: its identity, and whether it changed.

This module owns three answers. :func:`entry_key` names an entry within its feed (its GUID, else
its link, else a hash of what it says) so the next poll recognises it. :func:`article_id` names
the *article* behind it, the key the index stores it under: the GUID (a URL GUID as that URL,
any other scoped to the outlet's host), else the canonical URL with tracking parameters
(``utm_*``, ``fbclid``, ``gclid``...) removed, else a hash. An article known by URL gets the same
id as the same page saved to disk or added by URL (:func:`index.articles.url_article_id`), so a
story syndicated by several feeds, or added twice, is one article. :func:`entry_hash` changes
when the entry's content does, which is when its page is read again.
"""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..articles import url_article_id
from .parse import FeedEntry

__all__ = ["article_id", "clean_url", "entry_hash", "entry_key", "is_tracking_parameter"]

# Query parameters that only say where a click came from; the page is the same without them.
_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|"
    r"_ga|_gl|_hsenc|_hsmi|mkt_tok|ref_src|ref_url|cmpid|ocid|smid|ncid|icid|xtor|sr_share|taid|"
    r"at_medium|at_campaign|at_\w+|s_kwcid|spm|__twitter_impression|oly_enc_id|oly_anon_id|"
    r"vero_id|wt\.mc_id)$",
    re.I,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_parameter(name: str) -> bool:
    """Whether a query parameter only tracks the click (``utm_source``, ``fbclid``...)."""
    return bool(_TRACKING.match(name))


def clean_url(url: str) -> str:
    """``url`` without tracking parameters, fragment or default port; scheme and host lower case.

    Parameters
    ----------
    url : str
        An absolute URL.

    Returns
    -------
    str
        The other query parameters are kept, in their order.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(name)
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query, doseq=True), ""))


def entry_key(entry: FeedEntry) -> str:
    """The entry's name within its feed: ``guid:...``, else ``link:...``, else ``hash:...``."""
    if entry.guid:
        return f"guid:{entry.guid}"
    if entry.link:
        return f"link:{clean_url(entry.link)}"
    return "hash:" + _digest([entry.title, entry.summary, entry.content])


def article_id(entry: FeedEntry, feed_url: str, canonical_url: str | None = None) -> str:
    """The id the index keeps the entry's article under.

    Parameters
    ----------
    entry : FeedEntry
    feed_url : str
        The feed it came from (scopes a GUID that is not a URL, when the entry has no link).
    canonical_url : str, optional
        The page's ``rel=canonical`` URL, when the page was read.

    Returns
    -------
    str
        ``url:...`` for a URL GUID, a canonical URL or a link (the same id the page would get
        from :func:`index.articles.url_article_id`); ``guid:...`` for another GUID, scoped to the
        outlet's host; ``entry:...`` for an entry with neither.
    """
    guid = entry.guid
    if guid and urlsplit(guid).scheme in ("http", "https") and urlsplit(guid).netloc:
        return url_article_id(clean_url(guid))
    if guid:
        scope = _host(entry.link or canonical_url or feed_url)
        return "guid:" + _digest([scope, guid])[:16]
    if canonical_url or entry.link:
        return url_article_id(clean_url(canonical_url or entry.link or ""))
    return "entry:" + _digest([feed_url, entry.title, entry.summary, entry.content])[:16]


def entry_hash(entry: FeedEntry) -> str:
    """SHA-256 over what the entry says; a new value means the story changed."""
    return _digest(
        [
            entry.title,
            entry.summary,
            entry.content,
            entry.link,
            entry.published,
            entry.updated,
            list(entry.authors),
        ]
    )


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _digest(values: list) -> str:
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
