"""Fixtures for the feed tests: a local web server (``feed_site.Site``), fetch settings, and
where feed state lives (an index directory's SQLite, or a collection in PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_site import Site, running_site

from index.feeds.fetch import FetchConfig


@pytest.fixture
def site() -> Iterator[Site]:
    """A fresh local web server for one test."""
    with running_site() as site:
        yield site


@pytest.fixture
def config() -> FetchConfig:
    """Fetch settings for tests: short timeouts, no politeness delay."""
    return FetchConfig(
        contact_url="https://newsdesk.example/contact",
        connect_timeout=2.0,
        read_timeout=0.5,
        deadline=5.0,
        delay=0.0,
        max_feed_bytes=200_000,
        max_page_bytes=200_000,
    )


@pytest.fixture(params=["sqlite", "postgres"])
def feed_state(request, tmp_path) -> Path | str:
    """Where a test's feed state lives, once per store: ``tmp_path/index`` (``feeds.sqlite``),
    or a fresh collection in the session's real PostgreSQL server."""
    if request.param == "sqlite":
        return tmp_path / "index"
    server = request.getfixturevalue("postgres_server")
    return f"{server.url}?collection=feeds-{uuid.uuid4().hex[:12]}"
