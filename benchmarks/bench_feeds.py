"""Following feeds: a first poll and a steady-state poll of 20 feeds x 50 entries, served locally.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_feeds.py \
        [--feeds 20] [--entries 50] [--delay 1.0] \
        [--articles ../shared/eval/realtimeqa/articles.jsonl]

Each feed is its own host (an HTTP server on 127.0.0.N, N = 1..feeds, so the per-host
politeness applies as it would to 20 outlets) serving an RSS 2.0 feed with an ETag and one
article page per entry. The pages carry real article texts from the RealTimeQA evaluation
collection (read at run time, never copied into the repository), as HTML with JSON-LD and Open
Graph metadata like a news site's. A fresh temporary index receives the first poll through
``Builder.add_articles`` (one call), with the bundled model. The second poll comes right after,
with every feed unchanged: each costs one conditional GET answered 304. Prints requests,
seconds (fetching and reading vs indexing) and articles added per poll.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from index.build import Builder  # noqa: E402
from index.dates import parse_published  # noqa: E402
from index.embedding import Embedder  # noqa: E402
from index.feeds.fetch import FetchConfig, Fetcher  # noqa: E402
from index.feeds.poller import Poller  # noqa: E402
from index.feeds.state import FeedStore  # noqa: E402


def load_articles(path: Path, count: int) -> list[dict]:
    articles = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("title") and record.get("text"):
                articles.append(record)
            if len(articles) == count:
                break
    if len(articles) < count:
        raise SystemExit(f"{path} holds only {len(articles)} usable articles; {count} needed")
    return articles


def article_page(record: dict, outlet: str) -> bytes:
    published = parse_published(record.get("published"))
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": record["title"],
        "datePublished": published.isoformat() if published else None,
        "author": [{"@type": "Person", "name": a} for a in record.get("authors") or []],
        "publisher": {"@type": "Organization", "name": outlet},
    }
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in record["text"].split("\n") if p.strip())
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{escape(record['title'])} | {escape(outlet)}</title>"
        f"<meta property='og:site_name' content='{escape(outlet)}'>"
        f"<script type='application/ld+json'>{json.dumps(ld)}</script></head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header><main><article>"
        f"<h1>{escape(record['title'])}</h1>{paragraphs}</article>"
        "<aside class='related-stories'><p>More from us: another story [...]</p></aside></main>"
        "<footer><p>© 2026 Example Media</p></footer></body></html>"
    ).encode()


def feed_xml(host: str, outlet: str, records: list[dict]) -> bytes:
    items = []
    for number, record in enumerate(records):
        published = parse_published(record.get("published"))
        date = f"<pubDate>{format_datetime(published)}</pubDate>" if published else ""
        link = f"http://{host}/news/{number}"
        items.append(
            f"<item><title>{escape(record['title'])}</title><link>{link}</link>"
            f"<guid>{link}</guid>{date}<description>{escape(record['text'][:300])}"
            "</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(outlet)}</title><link>http://{host}/</link>" + "".join(items)
    ).encode("utf-8") + b"</channel></rss>"


class Outlet:
    """One host: its feed (with an ETag) and its pages."""

    def __init__(self, address: str, number: int, records: list[dict]) -> None:
        handler = self._handler()
        self.server = ThreadingHTTPServer((address, 0), handler)
        self.server.daemon_threads = True
        self.host = f"{address}:{self.server.server_address[1]}"
        self.name = f"Outlet {number:02d}"
        self.feed = feed_xml(self.host, self.name, records)
        self.pages = {f"/news/{i}": article_page(r, self.name) for i, r in enumerate(records)}
        self.etag = f'"feed-{number}"'
        self.requests = 0
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self):
        outlet = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outlet.requests += 1
                if self.path == "/feed.xml":
                    if self.headers.get("If-None-Match") == outlet.etag:
                        self._send(304, b"", None)
                    else:
                        self._send(200, outlet.feed, "application/rss+xml")
                elif self.path in outlet.pages:
                    self._send(200, outlet.pages[self.path], "text/html; charset=utf-8")
                else:
                    self._send(404, b"not found", "text/plain")

            def _send(self, status: int, body: bytes, content_type: str | None) -> None:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                self.send_header("ETag", outlet.etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        return Handler


class TimedSink:
    """The real builder; records how long indexing took."""

    def __init__(self, builder: Builder) -> None:
        self.builder = builder
        self.seconds = 0.0
        self.chunks = 0

    def add_articles(self, articles):
        started = time.perf_counter()
        summary = self.builder.add_articles(articles)
        self.seconds += time.perf_counter() - started
        self.chunks = summary.chunks
        return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--delay", type=float, default=1.0, help="politeness delay per host (s)")
    parser.add_argument(
        "--articles", type=Path, default=REPO.parent / "shared/eval/realtimeqa/articles.jsonl"
    )
    args = parser.parse_args()
    if not 1 <= args.feeds <= 250:
        parser.error("--feeds must be 1..250 (one 127.0.0.N address each)")
    records = load_articles(args.articles, args.feeds * args.entries)
    outlets = [
        Outlet(f"127.0.0.{n + 1}", n + 1, records[n * args.entries : (n + 1) * args.entries])
        for n in range(args.feeds)
    ]
    embedder = Embedder()
    embedder.encode_query("warm up")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as scratch:
        index = Path(scratch) / "index"
        store = FeedStore(index)
        for outlet in outlets:
            store.add(f"http://{outlet.host}/feed.xml", now=datetime.now(UTC))
        sink = TimedSink(Builder(index, embedder))
        config = FetchConfig(delay=args.delay)
        with Fetcher(config) as fetcher:
            poller = Poller(index, sink, fetcher=fetcher, workers=args.feeds)
            urls = [f.url for f in store.feeds()]
            for label in ("first poll", "steady state (all 304)"):
                before = sink.seconds
                report = poller.poll(urls)
                indexing = sink.seconds - before
                statuses = {r.status for r in report.feeds}
                partial = sum(article.partial for article in report.articles)
                rows.append(
                    (
                        label,
                        report.requests,
                        report.seconds,
                        report.seconds - indexing,
                        indexing,
                        report.added,
                        partial,
                        ", ".join(sorted(statuses)),
                    )
                )
    print(
        f"{args.feeds} feeds x {args.entries} entries, {len(records)} RealTimeQA articles "
        f"({sum(len(r['text']) for r in records) / len(records):,.0f} characters on average), "
        f"politeness delay {args.delay:g} s per host, {sink.chunks} chunks indexed"
    )
    print()
    print(
        "| poll | requests | seconds | fetching + reading | indexing | articles added | "
        "partial | feeds |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, requests, total, fetching, indexing, added, partial, statuses in rows:
        print(
            f"| {label} | {requests} | {total:.2f} | {fetching:.2f} | {indexing:.2f} | "
            f"{added} | {partial} | {statuses} |"
        )


if __name__ == "__main__":
    main()
