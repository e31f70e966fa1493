"""index.dates: every date form news metadata and users write, zones placed or reported."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from index.dates import (
    TIMEZONE_NAMES,
    DateError,
    UnknownTimezoneError,
    parse_moment,
    parse_published,
    parse_since,
    parse_timestamp,
    to_utc,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# (value as an outlet writes it, the instant in UTC, the outlet's local date and UTC offset)
PUBLISHED = [
    ("Nov. 29, 2024 5:03 PM ET", utc(2024, 11, 29, 22, 3), date(2024, 11, 29), -5),
    ("July 4, 2024 5:03 PM ET", utc(2024, 7, 4, 21, 3), date(2024, 7, 4), -4),
    ("Nov. 29, 2024 5:03 PM EST", utc(2024, 11, 29, 22, 3), date(2024, 11, 29), -5),
    ("Jun 3, 2024 9:15 AM EDT", utc(2024, 6, 3, 13, 15), date(2024, 6, 3), -4),
    ("Mar. 1, 2024 11:30 p.m. PT", utc(2024, 3, 2, 7, 30), date(2024, 3, 1), -8),
    ("Aug. 9, 2024 11:30 p.m. PT", utc(2024, 8, 10, 6, 30), date(2024, 8, 9), -7),
    ("Jan 5, 2024 6:00 PM PST", utc(2024, 1, 6, 2), date(2024, 1, 5), -8),
    ("May 5, 2024 6:00 PM PDT", utc(2024, 5, 6, 1), date(2024, 5, 5), -7),
    ("Feb 2, 2024 8:00 PM CT", utc(2024, 2, 3, 2), date(2024, 2, 2), -6),
    ("Sept. 2, 2024 8:00 PM CDT", utc(2024, 9, 3, 1), date(2024, 9, 2), -5),
    ("Dec 1, 2024 10:00 PM MT", utc(2024, 12, 2, 5), date(2024, 12, 1), -7),
    ("Dec 1, 2024 10:00 PM MST", utc(2024, 12, 2, 5), date(2024, 12, 1), -7),
    ("Jul 1, 2024 10:00 PM MDT", utc(2024, 7, 2, 4), date(2024, 7, 1), -6),
    ("Nov. 29, 2024, 5:03 p.m. Eastern", utc(2024, 11, 29, 22, 3), date(2024, 11, 29), -5),
    ("June 3, 2024 9:15 AM Pacific Daylight Time", utc(2024, 6, 3, 16, 15), date(2024, 6, 3), -7),
    ("Updated 7:40 PM EST, Fri Nov 29, 2024", utc(2024, 11, 30, 0, 40), date(2024, 11, 29), -5),
    (
        "Updated 7:40 PM EST, Fri November 29, 2024",
        utc(2024, 11, 30, 0, 40),
        date(2024, 11, 29),
        -5,
    ),
    ("Published: Nov 29, 2024 at 7:40 p.m. ET", utc(2024, 11, 30, 0, 40), date(2024, 11, 29), -5),
    ("2024-11-29T17:03:00-05:00", utc(2024, 11, 29, 22, 3), date(2024, 11, 29), -5),
    ("2024-11-29T19:40:00.000-0500", utc(2024, 11, 30, 0, 40), date(2024, 11, 29), -5),
    ("2024-11-29T10:00:00Z", utc(2024, 11, 29, 10), date(2024, 11, 29), 0),
    ("Friday, 29 November 2024 17:03 GMT", utc(2024, 11, 29, 17, 3), date(2024, 11, 29), 0),
    ("Fri, 29 Nov 2024 22:03:00 +0000", utc(2024, 11, 29, 22, 3), date(2024, 11, 29), 0),
    ("29 November 2024 23:30 BST", utc(2024, 11, 29, 22, 30), date(2024, 11, 29), 1),
    ("29.11.2024 00:30 CET", utc(2024, 11, 28, 23, 30), date(2024, 11, 29), 1),
    ("12.07.2024 08:00 CEST", utc(2024, 7, 12, 6), date(2024, 7, 12), 2),
    ("2024-11-29 10:00 GMT+3", utc(2024, 11, 29, 7), date(2024, 11, 29), 3),
    ("2024-11-29 10:00 UTC-05:00", utc(2024, 11, 29, 15), date(2024, 11, 29), -5),
    ("Nov 29, 2024, 17:03 IST", utc(2024, 11, 29, 11, 33), date(2024, 11, 29), 5.5),
    ("29.11.2024", utc(2024, 11, 29), date(2024, 11, 29), 0),
    ("2022/06/16", utc(2022, 6, 16), date(2022, 6, 16), 0),
    ("2024-11-29", utc(2024, 11, 29), date(2024, 11, 29), 0),
    ("November 2024", utc(2024, 11, 1), date(2024, 11, 1), 0),
    ("2024-11-29 17:03", utc(2024, 11, 29, 17, 3), date(2024, 11, 29), 0),
]


@pytest.mark.parametrize(("value", "instant", "local_date", "offset_hours"), PUBLISHED)
def test_published_dates_are_placed_at_the_right_instant_in_the_outlets_zone(
    value: str, instant: datetime, local_date: date, offset_hours: float
) -> None:
    parsed = parse_published(value)

    assert parsed == instant  # compares instants
    assert parsed.date() == local_date  # the day the outlet dated it, not UTC's
    assert parsed.utcoffset() == timedelta(hours=offset_hours)
    # What the catalog stores and reads back is the same moment at the same offset.
    assert parse_timestamp(parsed.isoformat()) == parsed
    assert parse_timestamp(parsed.isoformat()).utcoffset() == parsed.utcoffset()


def test_a_generic_zone_follows_daylight_saving_on_its_date() -> None:
    # US clocks went back on 3 Nov 2024: the same wall time is an hour later in UTC after it.
    before = parse_published("Nov. 2, 2024 5:00 PM ET")
    after = parse_published("Nov. 4, 2024 5:00 PM ET")
    assert before.utcoffset() == timedelta(hours=-4) and after.utcoffset() == timedelta(hours=-5)
    assert (to_utc(before).hour, to_utc(after).hour) == (21, 22)


@pytest.mark.parametrize(
    ("value", "zone"),
    [
        ("Nov. 29, 2024 5:03 PM XYZ", "XYZ"),
        ("2024-11-29 17:03 QQT", "QQT"),
        ("Friday 29 November 2024 9:00 AM ABCD", "ABCD"),
    ],
)
def test_an_unknown_zone_abbreviation_is_reported_not_read_as_utc(value: str, zone: str) -> None:
    assert zone not in TIMEZONE_NAMES
    with pytest.raises(UnknownTimezoneError, match=f"unknown time zone '{zone}'") as raised:
        parse_published(value)
    assert raised.value.zone == zone and raised.value.value == value
    with pytest.raises(UnknownTimezoneError):
        parse_moment(value)


@pytest.mark.parametrize("value", ["someday", "2024-13-45", "the day after tomorrow", 2024, [1]])
def test_non_dates_are_errors_that_name_the_value(value: object) -> None:
    with pytest.raises(DateError, match="unparseable published date") as raised:
        parse_published(value)
    assert not isinstance(raised.value, UnknownTimezoneError)
    assert isinstance(raised.value, ValueError)


def test_blank_and_missing_values_are_no_date() -> None:
    assert parse_published(None) is None
    assert parse_published("   ") is None
    assert parse_timestamp(None) is None and parse_timestamp("") is None


def test_yaml_front_matter_values_keep_their_offset() -> None:
    meta = yaml.safe_load("a: 2024-11-29 19:40:00-05:00\nb: 2024-11-29\nc: 2024-11-29 19:40:00")
    aware, bare, naive = (parse_published(meta[key]) for key in "abc")
    assert aware == utc(2024, 11, 30, 0, 40) and aware.date() == date(2024, 11, 29)
    assert bare == utc(2024, 11, 29) and bare.tzinfo is UTC
    assert naive == utc(2024, 11, 29, 19, 40) and naive.tzinfo is UTC
    assert parse_published(datetime(2024, 1, 2, 3, 4)) == utc(2024, 1, 2, 3, 4)


def test_moments_honour_offsets_and_end_of_day_fills_only_missing_parts() -> None:
    now = utc(2025, 1, 31, 12)
    assert parse_moment("2024-11-29T15:00:00-05:00") == utc(2024, 11, 29, 20)
    assert parse_moment("2024-11-29T15:00:00-05:00", end_of_day=True) == utc(2024, 11, 29, 20)
    assert parse_moment("2024-11-29", end_of_day=True) == datetime(
        2024, 11, 29, 23, 59, 59, 999999, tzinfo=UTC
    )
    assert parse_moment("2024-11-29") == utc(2024, 11, 29)
    assert parse_moment("2024-11-29", end_of_day=True, now=now).utcoffset() == timedelta(0)
    assert parse_moment("Nov 29 2024 10am ET") == utc(2024, 11, 29, 15)
    assert parse_moment("Nov 29", now=now) == utc(2025, 11, 29)  # the year from `now`
    with pytest.raises(DateError, match="not a date: 'soon'"):
        parse_moment("soon")


def test_since_spans_count_back_from_now_and_dates_are_utc() -> None:
    now = datetime(2025, 1, 31, 7, tzinfo=timezone(timedelta(hours=-5)))
    assert parse_since("7d", now=now) == now - timedelta(days=7)
    assert parse_since("2 Weeks", now=now) == now - timedelta(days=14)
    assert parse_since("3 months", now=now) == now - timedelta(days=90)
    assert parse_since("1y", now=now) == now - timedelta(days=365)
    since = parse_since("2024-11-29T15:00:00-05:00", now=now)
    assert since == utc(2024, 11, 29, 20) and since.tzinfo is UTC
    assert parse_since("1 March 2024", now=now) == utc(2024, 3, 1)
    assert parse_since(None) is None and parse_since(" ") is None
    with pytest.raises(DateError):
        parse_since("soon", now=now)


def test_the_cli_date_options_go_through_the_same_parser() -> None:
    from index.cli import _parser

    args = _parser().parse_args(
        ["search", "derailment", "--since", "2024-11-29T15:00:00-05:00", "--until", "2024-11-29"]
    )
    assert args.since == utc(2024, 11, 29, 20)
    assert args.until == datetime(2024, 11, 29, 23, 59, 59, 999999, tzinfo=UTC)
    with pytest.raises(SystemExit):
        _parser().parse_args(["search", "q", "--since", "Nov 29 2024 5 PM XYZ"])


def test_evaluation_asks_a_question_dated_by_day_at_the_end_of_that_day(tmp_path: Path) -> None:
    from index.evaluate import load_questions

    path = tmp_path / "q.jsonl"
    rows = [
        {"question": "Who?", "article_id": "a", "question_date": "2022/06/16"},
        {"question": "Who?", "article_id": "a", "question_date": "2022-06-16T09:00:00-04:00"},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    by_day, by_moment = load_questions(path)
    assert by_day.as_of == datetime(2022, 6, 16, 23, 59, 59, 999999, tzinfo=UTC)
    assert by_moment.as_of == utc(2022, 6, 16, 13)


# ---------------------------------------------------------------------------------------------
# Through a real build: stored with the outlet's offset, filtered by instant, cited by local date

WIRE = [
    {
        "id": "rail-1",
        "title": "Freight train derails near Millbrook, spilling corn",
        "text": "A freight train carrying corn derailed near Millbrook on Friday afternoon, "
        "blocking the main line for hours. No injuries were reported, the railroad said.",
        "source": "Prairie Wire",
        "published": "Nov. 29, 2024 5:03 PM ET",
    },
    {
        "id": "rail-2",
        "title": "Millbrook derailment: crews work into the night",
        "text": "Crews with cranes worked into the night to lift the derailed corn cars near "
        "Millbrook back onto the rails, the railroad said on Friday evening.",
        "source": "Prairie Wire",
        "published": "Updated 7:40 PM EST, Fri November 29, 2024",
    },
    {
        "id": "rail-4",
        "title": "Millbrook derailment blocks grain shipments",
        "text": "Grain shipments through Millbrook were held up on Friday after a corn train "
        "derailed, a shippers' group in London said.",
        "source": "Prairie Wire",
        "published": "Friday, 29 November 2024 23:00 GMT",
    },
    {
        "id": "rail-3",
        "title": "Millbrook line reopens after derailment",
        "text": "The main line near Millbrook reopened on Saturday after the corn train "
        "derailment, the railroad said.",
        "source": "Prairie Wire",
        "published": "Nov. 30, 2024 8:00 AM XYZ",
    },
]


@pytest.fixture(scope="module")
def wire_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> tuple[Path, object]:
    from index.build import Builder

    root = tmp_path_factory.mktemp("wire")
    feed = root / "news" / "wire.jsonl"
    feed.parent.mkdir()
    feed.write_text("".join(json.dumps(row) + "\n" for row in WIRE), encoding="utf-8")
    index_dir = root / "index"
    summary = Builder(index_dir, embedder).build([feed.parent])
    return index_dir, summary


def test_a_build_reports_the_unknown_zone_and_keeps_the_article_undated(wire_index) -> None:
    _, summary = wire_index
    assert summary.articles == 4
    assert [(Path(p.path).name, p.line) for p in summary.problems] == [("wire.jsonl", 4)]
    assert "unknown time zone 'XYZ'" in summary.problems[0].reason
    assert "kept the article without a date" in summary.problems[0].reason


def test_since_with_an_offset_filters_by_instant_and_citations_show_the_outlets_date(
    wire_index, embedder
) -> None:
    from bot.render import format_date
    from index.answer import describe
    from index.cli import _parser
    from index.engine import Engine

    index_dir, _ = wire_index
    engine = Engine.open(index_dir, embedder=embedder)
    since = _parser().parse_args(["search", "q", "--since", "2024-11-29T15:00:00-05:00"]).since
    hits = engine.search("Millbrook derailment", since=since, k=5)
    # The stamped articles are after 3 PM Eastern; the undated one is left out by the filter.
    assert sorted(hit.article_id for hit in hits) == ["rail-1", "rail-2", "rail-4"]
    later = _parser().parse_args(["search", "q", "--since", "2024-11-29T17:30:00-05:00"]).since
    later_hits = engine.search("Millbrook derailment", since=later)
    assert sorted(hit.article_id for hit in later_hits) == ["rail-2", "rail-4"]
    # The newest is the 7:40 PM Eastern one (00:40 UTC), though "...T23:00:00+00:00" sorts
    # after "...T19:40:00-05:00" as text.
    (outlet,) = engine.stats().sources
    assert outlet.newest == utc(2024, 11, 30, 0, 40)

    evening = next(hit for hit in hits if hit.article_id == "rail-2")
    # 7:40 PM Eastern is 00:40 UTC on the 30th; the outlet dated it the 29th, and so do we.
    assert evening.published == utc(2024, 11, 30, 0, 40)
    assert evening.published.date() == date(2024, 11, 29)
    answer = engine.ask("When did crews lift the corn cars near Millbrook?", since=since)
    cited = {c.article_id: c for c in answer.citations}
    assert "rail-2" in cited
    assert "2024-11-29" in describe(cited["rail-2"])
    assert format_date(cited["rail-2"].published) == "29 Nov 2024"
