"""A real HTTP server on 127.0.0.1 for the feed tests, and feeds and pages shaped like real ones.

Nothing of ours is mocked and nothing leaves the machine: :class:`Site` serves what a test puts
on it (feeds, article pages, robots.txt, redirects, errors, a server that never answers) from a
``ThreadingHTTPServer`` in a thread, on a free port, over real sockets. It honours ``ETag`` /
``If-None-Match`` and ``Last-Modified`` / ``If-Modified-Since`` with 304s the way servers do, and
logs every request so tests can count them.
"""

from __future__ import annotations

import contextlib
import email.utils
import gzip
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    hang: bool = False
    redirect: str | None = None
    gzip: bool = False
    no_length: bool = False
    delay: float = 0.0


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float


class Site:
    """What the local server serves; ``serve`` returns the URL of what it put there."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Request] = []
        self.closing = threading.Event()
        self.active = 0
        self.most_active = 0
        self._lock = threading.Lock()
        self.port = 0

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: str | bytes = b"", **route) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **route)
        return self.url(path)

    def requests(self, path: str | None = None) -> list[Request]:
        """Requests for ``path`` (its query string aside), or all of them."""
        return [r for r in self.log if path is None or r.path.split("?")[0] == path]

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?")[0]
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            self.log.append(Request(handler.path, headers, time.monotonic()))
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        try:
            self._respond(handler, self.routes.get(path), headers)
        finally:
            with self._lock:
                self.active -= 1

    def _respond(self, handler, route: Route | None, headers: dict[str, str]) -> None:
        if route is None:
            self._send(handler, 404, b"not found", "text/plain", {})
            return
        if route.hang:
            self.closing.wait(30)  # never answers (until the test ends)
            return
        if route.delay:
            time.sleep(route.delay)
        if route.redirect:
            self._send(handler, route.status, b"", "text/plain", {"Location": route.redirect})
            return
        extra = dict(route.headers)
        if route.etag:
            extra["ETag"] = route.etag
        if route.last_modified:
            extra["Last-Modified"] = route.last_modified
        if route.etag and headers.get("if-none-match") == route.etag:
            self._send(handler, 304, b"", None, extra)
            return
        since = headers.get("if-modified-since")
        if (
            route.last_modified
            and since
            and not route.etag
            and email.utils.parsedate_to_datetime(since)
            >= email.utils.parsedate_to_datetime(route.last_modified)
        ):
            self._send(handler, 304, b"", None, extra)
            return
        body = route.body
        if route.gzip:
            body = gzip.compress(body)
            extra["Content-Encoding"] = "gzip"
        self._send(handler, route.status, body, route.content_type, extra, route.no_length)

    @staticmethod
    def _send(handler, status, body, content_type, extra, no_length=False) -> None:
        try:
            handler.send_response(status)
            if content_type:
                handler.send_header("Content-Type", content_type)
            for name, value in extra.items():
                handler.send_header(name, value)
            if not no_length:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            for start in range(0, len(body), 64 * 1024):
                handler.wfile.write(body[start : start + 64 * 1024])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a cap, a timeout): that is the point of some tests


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            site.handle(self)

        def log_message(self, *args) -> None:
            pass

    return Handler


def start_site() -> tuple[Site, ThreadingHTTPServer]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return site, server


@contextlib.contextmanager
def running_site() -> Iterator[Site]:
    """A fresh local web server for the duration (the feed tests' and the bot tests' ``site``)."""
    site, server = start_site()
    try:
        yield site
    finally:
        site.closing.set()
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------------------------
# Documents shaped like real ones


def rss(items: list[dict], title: str = "Example News", link: str = "/", encoding="utf-8") -> str:
    """RSS 2.0 with guid, pubDate, description, content:encoded and dc:creator as given."""
    parts = []
    for item in items:
        fields = [f"<title>{escape(item['title'])}</title>"]
        if "link" in item:
            fields.append(f"<link>{escape(item['link'])}</link>")
        if "guid" in item:
            permalink = "true" if item["guid"].startswith("http") else "false"
            fields.append(f'<guid isPermaLink="{permalink}">{escape(item["guid"])}</guid>')
        if "date" in item:
            fields.append(f"<pubDate>{item['date']}</pubDate>")
        if "summary" in item:
            fields.append(f"<description>{escape(item['summary'])}</description>")
        if "content" in item:
            fields.append(f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>")
        if "author" in item:
            fields.append(f"<dc:creator>{escape(item['author'])}</dc:creator>")
        parts.append("<item>" + "".join(fields) + "</item>")
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link>"
        "<description>News</description>" + "".join(parts) + "</channel></rss>"
    )


def atom(entries: list[dict], title: str = "Example Atom", base: str | None = None) -> str:
    """Atom 1.0 with id, published, updated, summary, content and author as given."""
    parts = []
    for entry in entries:
        fields = [f"<title>{escape(entry['title'])}</title>", f"<id>{escape(entry['id'])}</id>"]
        if "link" in entry:
            fields.append(f'<link rel="alternate" href="{escape(entry["link"])}"/>')
        for name in ("published", "updated"):
            if name in entry:
                fields.append(f"<{name}>{entry[name]}</{name}>")
        if "summary" in entry:
            fields.append(f"<summary>{escape(entry['summary'])}</summary>")
        if "content" in entry:
            fields.append(f'<content type="html">{escape(entry["content"])}</content>')
        if "author" in entry:
            fields.append(f"<author><name>{escape(entry['author'])}</name></author>")
        parts.append("<entry>" + "".join(fields) + "</entry>")
    xml_base = f' xml:base="{escape(base)}"' if base else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom"{xml_base}><title>{escape(title)}</title>'
        "<id>urn:example:feed</id><updated>2024-11-29T12:00:00Z</updated>"
        + "".join(parts)
        + "</feed>"
    )


def json_feed(items: list[dict], title: str = "Example JSON", version: str = "1.1") -> str:
    """JSON Feed (https://jsonfeed.org/version/1.1)."""
    return json.dumps(
        {
            "version": f"https://jsonfeed.org/version/{version}",
            "title": title,
            "home_page_url": "https://json.example/",
            "items": items,
        }
    )


def page(
    title: str,
    paragraphs: list[str],
    *,
    head: str = "",
    before: str = "",
    after: str = "",
    json_ld: dict | None = None,
) -> str:
    """An article page: <head> extras, an <article> with an <h1> and paragraphs, and the rest."""
    ld = f'<script type="application/ld+json">{json.dumps(json_ld)}</script>' if json_ld else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"{head}{ld}</head><body><header><nav><a href='/'>Home</a> <a href='/world'>World</a>"
        f"</nav></header><main><article><h1>{escape(title)}</h1>{before}{body}{after}"
        "</article></main><footer><p>About us</p></footer></body></html>"
    )


STORY = [
    "The city council voted on Tuesday to expand the night bus network to every district, "
    "after two years of complaints from shift workers who said they could not get home.",
    "The plan adds eleven routes and doubles the frequency on four existing ones, at a cost the "
    "council's finance committee put at 4.2 million euros a year.",
    '"People who clean our hospitals and bake our bread deserve a ride home," said Maria Lopez, '
    "who chairs the transport committee. Opposition members said the money should go to roads.",
    "The first new routes start in March, and the rest follow by the end of the year, the "
    "council said in a statement.",
]
"""A plausible four-paragraph news story (about 700 characters)."""
