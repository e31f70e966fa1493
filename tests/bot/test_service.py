"""The transport-neutral parts of the service: rate limits, the ``since`` and ``every`` options."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import UserFacingError
from bot.feeds import parse_every
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


def test_parse_every():
    assert [parse_every(t) for t in ("15m", "2h", "1h30m", "90s", "1 day", "30", "2 hours")] == [
        900.0,
        7200.0,
        5400.0,
        90.0,
        86400.0,
        1800.0,
        7200.0,
    ]
    for text, refusal in (
        ("soon", "can't read 'soon' as an interval"),
        ("15x", "can't read '15x'"),
        ("30s", "at most every minute"),
        ("8d", "at least once a week"),
    ):
        with pytest.raises(UserFacingError, match=refusal):
            parse_every(text)
