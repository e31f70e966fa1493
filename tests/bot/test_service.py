"""The transport-neutral parts of the service: rate limiting and the ``since`` option."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import UserFacingError
from bot.service import RateLimiter, parse_since


def test_rate_limiter_is_a_sliding_window_per_key():
    now = [0.0]
    limiter = RateLimiter(2, 60.0, clock=lambda: now[0])
    assert limiter.hit("a") is None
    now[0] = 10.0
    assert limiter.hit("a") is None
    assert limiter.hit("a") == pytest.approx(50.0)
    assert limiter.hit("b") is None
    now[0] = 60.0
    assert limiter.hit("a") is None
    assert limiter.hit("a") == pytest.approx(10.0)


def test_parse_since():
    now = datetime(2025, 1, 31, 12, tzinfo=UTC)
    assert parse_since(None) is None and parse_since("  ") is None
    assert parse_since("2024-03-01", now=now) == datetime(2024, 3, 1, tzinfo=UTC)
    assert parse_since("1 March 2024", now=now) == datetime(2024, 3, 1, tzinfo=UTC)
    assert parse_since("7d", now=now) == datetime(2025, 1, 24, 12, tzinfo=UTC)
    assert parse_since("2 weeks", now=now) == datetime(2025, 1, 17, 12, tzinfo=UTC)
    with pytest.raises(UserFacingError, match="can't read 'soon'"):
        parse_since("soon", now=now)
