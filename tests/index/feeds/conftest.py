"""Fixtures for the feed tests: a local web server (``feed_site.Site``) and fetch settings."""

from __future__ import annotations

from collections.abc import Iterator

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
