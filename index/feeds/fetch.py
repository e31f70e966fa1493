"""HTTP for feeds and article pages: one well-kept, polite client.

This module owns every request Newsdesk makes to an outlet: the User-Agent that names the bot
(with a contact URL when one is configured), connect/read timeouts and an overall deadline, a cap
on redirects and on the (decompressed) body size, compression (gzip/deflate, as httpx offers),
conditional GET (``If-None-Match`` / ``If-Modified-Since`` from the feed's state, so an unchanged
feed costs one 304), robots.txt for article pages (``urllib.robotparser``, cached per host), and
politeness: at most :attr:`FetchConfig.per_host` requests in flight to one host and at least
:attr:`FetchConfig.delay` seconds between the starts of two requests to it.

A request either returns a :class:`Response` (2xx, or a 304 for a conditional GET) or raises
:class:`FetchError` with a short reason fit for ``feeds list`` ("HTTP 404", "timed out (read)",
"body over the 10 MB cap", "cannot connect: ..."). Nothing here knows about feeds or articles.
"""

from __future__ import annotations

import email.utils
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

__all__ = [
    "BOT_NAME",
    "FetchConfig",
    "FetchError",
    "Fetcher",
    "Response",
    "user_agent",
]

BOT_NAME = "NewsdeskBot"
"""The product token robots.txt rules are matched against."""
BOT_VERSION = "0.1"
MB = 1024 * 1024


def user_agent(contact_url: str | None = None) -> str:
    """The User-Agent header: the bot's name and version, and where to reach its operator.

    Parameters
    ----------
    contact_url : str, optional
        A page or ``mailto:`` address for the people running this bot (``NEWSDESK_CONTACT_URL``).

    Returns
    -------
    str
        ``"NewsdeskBot/0.1 (+https://example.org/bot)"``, or without the parenthesis.
    """
    base = f"{BOT_NAME}/{BOT_VERSION}"
    return f"{base} (+{contact_url})" if contact_url else base


@dataclass(frozen=True)
class FetchConfig:
    """How requests are made; the defaults are polite for real outlets.

    Attributes
    ----------
    contact_url : str or None
        Put into the User-Agent.
    connect_timeout, read_timeout : float
        Seconds to connect, and to wait for each piece of the response.
    deadline : float
        Seconds a whole request may take, body included (a server dribbling bytes is cut off).
    max_redirects : int
        Redirects followed before giving up.
    max_feed_bytes, max_page_bytes : int
        Caps on the decompressed body of a feed and of a page.
    per_host : int
        Requests in flight to one host at most.
    delay : float
        Seconds between the starts of two requests to one host.
    robots_ttl : float
        Seconds a host's robots.txt is trusted before it is fetched again.
    """

    contact_url: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0
    max_redirects: int = 5
    max_feed_bytes: int = 10 * MB
    max_page_bytes: int = 5 * MB
    per_host: int = 2
    delay: float = 1.0
    robots_ttl: float = 3600.0

    @property
    def user_agent(self) -> str:
        return user_agent(self.contact_url)


@dataclass(frozen=True)
class Response:
    """A successful response (or a 304).

    Attributes
    ----------
    url : str
        Where the request ended after redirects.
    status : int
    headers : dict of str to str
        Lower-case names.
    body : bytes
        Decompressed; empty for a 304.
    redirected_from : tuple of str
        The URLs that redirected here, first to last.
    """

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    redirected_from: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        """A conditional GET found nothing new."""
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        """The media type alone, lower case (``"application/rss+xml"``)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header declares, if any."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


class FetchError(Exception):
    """A request that gave nothing usable.

    Attributes
    ----------
    url : str
    reason : str
        Short and human: ``"HTTP 404"``, ``"timed out (read)"``, ``"body over the 10 MB cap"``.
    status : int or None
        The HTTP status when there was one.
    retry_after : float or None
        Seconds the server asked us to wait (429/503 ``Retry-After``).
    """

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{reason} ({url})")
        self.url = url
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


@dataclass
class _Host:
    """Politeness bookkeeping for one host."""

    slots: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_fetched: float = float("-inf")


class Fetcher:
    """The HTTP client every feed and page request goes through; safe to share between threads.

    Parameters
    ----------
    config : FetchConfig, optional
    monotonic, sleep : callable, optional
        The clock politeness waits on (tests may pass their own).
    """

    def __init__(
        self,
        config: FetchConfig | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config or FetchConfig()
        self._monotonic = monotonic
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self.requests = 0
        """Requests sent (redirect hops and robots.txt included)."""
        self._client = httpx.Client(
            follow_redirects=False,  # followed by hand: each hop is counted and politely spaced
            timeout=httpx.Timeout(
                self.config.read_timeout,
                connect=self.config.connect_timeout,
                pool=self.config.deadline,
            ),
            headers={"User-Agent": self.config.user_agent},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ----------------------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        accept: str | None = None,
    ) -> Response:
        """GET ``url``, following redirects, within the caps and politely.

        Parameters
        ----------
        url : str
            An http(s) URL.
        etag, last_modified : str, optional
            Validators from the previous response: sent as ``If-None-Match`` and
            ``If-Modified-Since``, so an unchanged resource answers 304 with no body.
        max_bytes : int, optional
            Cap on the decompressed body (default: :attr:`FetchConfig.max_page_bytes`).
        accept : str, optional
            The Accept header.

        Returns
        -------
        Response
            A 2xx response, or a 304 when a validator was sent.

        Raises
        ------
        FetchError
            For a network failure, a timeout, a status other than 2xx/304, too many redirects
            or a body over the cap.
        """
        cap = max_bytes or self.config.max_page_bytes
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        started = self._monotonic()
        hops: list[str] = []
        current = url
        while True:
            _check_scheme(current)
            with self._polite(current):
                response = self._one(current, headers, cap, started)
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                if not location:
                    raise FetchError(current, f"HTTP {response.status} without a Location")
                if len(hops) >= self.config.max_redirects:
                    raise FetchError(
                        url, f"too many redirects (more than {self.config.max_redirects})"
                    )
                hops.append(current)
                current = str(httpx.URL(current).join(location))
                continue
            return Response(current, response.status, response.headers, response.body, tuple(hops))

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this bot fetch ``url`` (fetched once per host and TTL).

        A missing robots.txt (4xx) allows everything; one that cannot be fetched (5xx, timeout)
        disallows the host's pages until it can be, as RFC 9309 asks.
        """
        parts = urlsplit(url)
        host = self._host(url)
        with host.lock:
            fresh = self._monotonic() - host.robots_fetched < self.config.robots_ttl
            robots = host.robots if fresh else None
        if robots is None:
            robots = self._fetch_robots(f"{parts.scheme}://{parts.netloc}/robots.txt")
            with host.lock:
                host.robots, host.robots_fetched = robots, self._monotonic()
        return robots.can_fetch(BOT_NAME, url)

    # ----------------------------------------------------------------------------------------

    def _fetch_robots(self, robots_url: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser(robots_url)
        try:
            response = self.get(robots_url, max_bytes=512 * 1024, accept="text/plain")
        except FetchError as error:
            if error.status is not None and 400 <= error.status < 500:
                parser.allow_all = True
            else:
                parser.disallow_all = True
            return parser
        text = response.body.decode("utf-8", errors="replace")
        parser.parse(text.splitlines())
        return parser

    @dataclass(frozen=True)
    class _Raw:
        status: int
        headers: dict[str, str]
        body: bytes

    def _one(self, url: str, headers: dict[str, str], cap: int, started: float) -> _Raw:
        with self._count_lock:
            self.requests += 1
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                lowered = {name.lower(): value for name, value in response.headers.items()}
                if status in (301, 302, 303, 307, 308) or status == 304:
                    return self._Raw(status, lowered, b"")
                if not 200 <= status < 300:
                    raise FetchError(
                        url,
                        f"HTTP {status}"
                        + (f" {response.reason_phrase}" if response.reason_phrase else ""),
                        status=status,
                        retry_after=_retry_after(lowered.get("retry-after")),
                    )
                declared = lowered.get("content-length", "")
                if declared.isdigit() and int(declared) > cap:
                    raise FetchError(
                        url, f"body over the {_size(cap)} cap ({_size(int(declared))})"
                    )
                body = bytearray()
                for piece in response.iter_bytes():  # decompressed: a gzip bomb hits the cap too
                    body += piece
                    if len(body) > cap:
                        raise FetchError(url, f"body over the {_size(cap)} cap")
                    if self._monotonic() - started > self.config.deadline:
                        raise FetchError(url, f"took over {self.config.deadline:g} s")
                return self._Raw(status, lowered, bytes(body))
        except httpx.TimeoutException as error:
            kind = {
                httpx.ConnectTimeout: "connect",
                httpx.ReadTimeout: "read",
                httpx.PoolTimeout: "pool",
            }.get(type(error), "write")
            raise FetchError(url, f"timed out ({kind})") from error
        except httpx.DecodingError as error:
            raise FetchError(url, f"cannot decompress the body: {error}") from error
        except httpx.TransportError as error:
            raise FetchError(url, f"cannot connect: {error or type(error).__name__}") from error

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        with self._hosts_lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(threading.Semaphore(self.config.per_host))
            return host

    @contextmanager
    def _polite(self, url: str) -> Iterator[None]:
        host = self._host(url)
        with host.slots:
            with host.lock:
                now = self._monotonic()
                start = max(now, host.next_start)
                host.next_start = start + self.config.delay
            if start > now:
                self._sleep(start - now)
            yield


def _check_scheme(url: str) -> None:
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise FetchError(url, "not an http(s) URL")


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _size(count: int) -> str:
    return f"{count / MB:.0f} MB" if count >= MB else f"{count / 1024:.0f} kB"
