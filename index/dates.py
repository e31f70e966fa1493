"""Dates and times: the one place that parses them, for articles, the CLI, evaluation and the bot.

This module owns every conversion from text (or a YAML/JSON value) to a :class:`datetime`:

- :func:`parse_published` reads an article's publication date as outlets write it in their
  metadata, and keeps the outlet's own UTC offset, so ``published.date()`` is the day the outlet
  dated the story (a 7:40 PM Eastern story is not dated the next day);
- :func:`parse_moment` reads a date the user typed for ``--since``/``--until``/``--as-of`` or a
  question's ``question_date`` (optionally as the *end* of a day given without a time);
- :func:`parse_since` adds relative spans ("7d", "4w", "3 months") for the bot's ``since`` option;
- :func:`parse_timestamp` reads back the ISO strings the catalog stores, and :func:`to_utc`
  turns any of these into UTC for comparisons.

Time zones are never guessed silently. A numeric offset (``-05:00``, ``-0500``, ``UTC+2``) is
exact. A zone abbreviation must be one this module knows: the specific ones (``EST``, ``EDT``,
``PDT``, ``BST``, ``CEST``...) are fixed offsets, the generic US ones (``ET``, ``CT``, ``MT``,
``PT``, and "Eastern", "Pacific"... written out) mean the zone's local time on that date via
:mod:`zoneinfo` (``ET`` is EST in November, EDT in July). Any other abbreviation raises
:class:`UnknownTimezoneError` instead of being read as UTC, hours off. Only a value with no zone
at all is taken to be UTC.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from dateutil import parser as _dateutil

__all__ = [
    "TIMEZONE_NAMES",
    "DateError",
    "UnknownTimezoneError",
    "parse_moment",
    "parse_published",
    "parse_since",
    "parse_timestamp",
    "to_utc",
]


class DateError(ValueError):
    """A value that is not a date this module can read; the message says which value."""


class UnknownTimezoneError(DateError):
    """A date whose time zone abbreviation is not known, so its instant cannot be placed.

    Attributes
    ----------
    zone : str
        The abbreviation as written (``"XYZ"``).
    value : str
        The whole date string.
    """

    def __init__(self, zone: str, value: str) -> None:
        super().__init__(f"unknown time zone {zone!r} in date {value!r}")
        self.zone = zone
        self.value = value


def _fixed(hours: float) -> timezone:
    return UTC if hours == 0 else timezone(timedelta(hours=hours))


# Abbreviations as they appear in news metadata. Specific ones are fixed offsets as written
# ("EST" is UTC-5 even if a sloppy site writes it in July); CST/IST are read as US Central and
# India, the readings English-language news metadata uses.
_FIXED_ZONES: dict[str, float] = {
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "IST": 5.5,
    "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "PKT": 5,
    "WIB": 7, "ICT": 7, "HKT": 8, "SGT": 8, "AWST": 8, "JST": 9, "KST": 9, "ACST": 9.5,
    "ACDT": 10.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
}  # fmt: skip
# Generic names: standard or daylight time according to the date, as the zone's clocks showed.
_REGIONAL_ZONES: dict[str, str] = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
    "AKT": "America/Anchorage",
    "AT": "America/Halifax",
}
TIMEZONE_NAMES: frozenset[str] = frozenset(_FIXED_ZONES) | frozenset(_REGIONAL_ZONES)
"""Every zone abbreviation the parsers accept."""

# "5:03 p.m. Eastern", "Eastern Standard Time": written-out US zones become their abbreviation.
_SPELLED_ZONE = re.compile(
    r"\b(Eastern|Central|Mountain|Pacific)(?:\s+(Standard|Daylight))?(?:\s+Time)?\b", re.I
)
# "UTC+2", "GMT-05:00": dateutil reads these with POSIX's inverted sign; made plain offsets.
_NAMED_OFFSET = re.compile(r"\b(?:UTC|GMT|UT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b")
# "Updated 7:40 PM EST, ...", "Published: ...": a label before the date.
_LABEL = re.compile(
    r"^\s*(?:(?:last\s+)?updated|(?:first\s+)?published|posted|modified)\b\s*(?:on|at)?\s*:?\s*",
    re.I,
)
# "29.11.2024" is day.month.year wherever dots separate a numeric date.
_DOTTED_DATE = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_RELATIVE = re.compile(r"^\s*(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)\s*$", re.I)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}

# Missing date parts default to the start of the period rather than to today's date, so the
# same string always parses to the same instant ("November 2024" -> 2024-11-01).
_PUBLISHED_DEFAULT = datetime(1970, 1, 1)
_END_OF_DAY = (23, 59, 59, 999999)


# --------------------------------------------------------------------------------------------
# Public functions


def parse_published(value: object) -> datetime | None:
    """Read a publication date as found in article metadata, keeping the outlet's UTC offset.

    Parameters
    ----------
    value : str, datetime.date, datetime.datetime or None
        A string in any of these forms (and the others ``dateutil`` reads)::

            2024-11-29T17:03:00-05:00       ISO 8601, with or without offset, "Z", fractions
            Fri, 29 Nov 2024 22:03:00 GMT   RFC 2822 / HTTP
            Nov. 29, 2024 5:03 PM ET        US style; a.m./p.m.; zone abbreviation or offset
            Updated 7:40 PM EST, Fri November 29, 2024   a leading "Updated"/"Published" label
            Friday, 29 November 2024 17:03 GMT
            2022/06/16, 29.11.2024          numeric dates (dotted ones are day.month.year)
            November 2024                   missing parts are the start of the period

        or a date/datetime as YAML front matter yields them.

    Returns
    -------
    datetime or None
        Timezone-aware, at the offset the value was written in (a fixed-offset ``timezone``;
        ``datetime.UTC`` for offset zero), so ``.date()`` is the outlet's local date. A value
        without a zone is taken to be UTC; a bare date is midnight UTC. ``None`` for a missing or
        blank value.

    Raises
    ------
    UnknownTimezoneError
        When the value names a time zone abbreviation outside :data:`TIMEZONE_NAMES`.
    DateError
        (a ``ValueError``) When the value is not a date: ``"unparseable published date ..."``.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _fixed_offset(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str):
        raise DateError(f"unparseable published date {value!r}: expected a date string")
    text = value.strip()
    if not text:
        return None
    try:
        return _parse_text(text, _PUBLISHED_DEFAULT)
    except UnknownTimezoneError:
        raise
    except DateError as error:
        raise DateError(f"unparseable published date {text!r}") from error


def parse_moment(text: str, *, end_of_day: bool = False, now: datetime | None = None) -> datetime:
    """Read a date or date-time typed by a user or stored with a question.

    Parameters
    ----------
    text : str
        Any form :func:`parse_published` accepts: ``2024-11-29``, ``2024-11-29T15:00:00-05:00``,
        ``"Nov 29 2024 10am ET"``, ``2022/06/16``...
    end_of_day : bool
        Fill the time parts the text leaves out with the end of the day (23:59:59.999999), so a
        date-only ``--until 2024-11-29`` includes that whole day. Default: the start of the day.
    now : datetime, optional
        Supplies the year when the text has none ("Nov 29"); default: the current year.

    Returns
    -------
    datetime
        Timezone-aware, at the offset written (UTC when none was).

    Raises
    ------
    UnknownTimezoneError
        For an unknown zone abbreviation.
    DateError
        When the text is not a date (message ``"not a date: ..."``).
    """
    year = (now or datetime.now(UTC)).year
    default = datetime(year, 1, 1, *(_END_OF_DAY if end_of_day else ()))
    try:
        return _parse_text(text.strip(), default)
    except UnknownTimezoneError:
        raise
    except DateError as error:
        raise DateError(f"not a date: {text!r}") from error


def parse_since(text: str | None, *, now: datetime | None = None) -> datetime | None:
    """Read a "since" option: a date, or a span back from now.

    Parameters
    ----------
    text : str or None
        A span ``7d``, ``2w``, ``3 months``, ``1y`` (days, weeks, months of 30 days, years of
        365 days), or anything :func:`parse_moment` accepts.
    now : datetime, optional
        The moment spans count back from (default: the current time).

    Returns
    -------
    datetime or None
        Timezone-aware UTC; ``None`` for a missing or blank value.

    Raises
    ------
    DateError
        When the text is neither a span nor a date (an :class:`UnknownTimezoneError` included).
    """
    if text is None or not text.strip():
        return None
    now = now or datetime.now(UTC)
    match = _RELATIVE.match(text)
    if match:
        unit = match.group(2)[0].lower()
        return to_utc(now) - timedelta(days=int(match.group(1)) * _UNIT_DAYS[unit])
    return to_utc(parse_moment(text, now=now))


def parse_timestamp(value: str | None) -> datetime | None:
    """Read an ISO 8601 timestamp this project wrote (catalog rows, the manifest).

    Parameters
    ----------
    value : str or None
        The output of ``datetime.isoformat()``.

    Returns
    -------
    datetime or None
        With the offset it was written with; ``None`` for ``None`` or ``""``.

    Raises
    ------
    ValueError
        When the string is not ISO 8601.
    """
    return datetime.fromisoformat(value) if value else None


def to_utc(value: datetime) -> datetime:
    """The same instant in UTC; a naive value is taken to be UTC already."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# --------------------------------------------------------------------------------------------
# Parsing


# Collections repeat the same few thousand date strings, and dateutil is the slowest step of a
# JSONL load; datetimes are immutable, so sharing them is safe.
@functools.lru_cache(maxsize=8192)
def _parse_text(text: str, default: datetime) -> datetime:
    if not text:
        raise DateError("empty")
    if default.hour == 0:  # the fast path fills missing times with midnight
        try:
            return _fixed_offset(datetime.fromisoformat(text))
        except ValueError:
            pass  # not strict ISO 8601; dateutil reads the rest
    cleaned = _LABEL.sub("", text)
    cleaned = _SPELLED_ZONE.sub(_spelled_zone, cleaned)
    cleaned = _NAMED_OFFSET.sub(_named_offset, cleaned)
    try:
        parsed = _dateutil.parse(
            cleaned,
            default=default,
            dayfirst=bool(_DOTTED_DATE.match(cleaned)),
            tzinfos=functools.partial(_zone, value=text),
        )
    except UnknownTimezoneError:
        raise
    except (ValueError, OverflowError) as error:
        raise DateError(str(error)) from error
    return _fixed_offset(parsed)


def _zone(name: str | None, offset: int | None, *, value: str) -> tzinfo | None:
    """dateutil's ``tzinfos`` hook: the zone of a name or offset it found, else none."""
    if offset is not None:
        return _fixed(offset / 3600)  # an explicit offset is exact, whatever name goes with it
    if name is None:
        return None
    if name in _FIXED_ZONES:
        return _fixed(_FIXED_ZONES[name])
    if name in _REGIONAL_ZONES:
        return ZoneInfo(_REGIONAL_ZONES[name])
    raise UnknownTimezoneError(name, value)


def _fixed_offset(value: datetime) -> datetime:
    """Naive -> UTC; any zone -> a fixed offset (what ISO strings round-trip to)."""
    offset = value.utcoffset() if value.tzinfo is not None else None
    if offset is None:
        return value.replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC if not offset else timezone(offset), fold=0)


def _spelled_zone(match: re.Match[str]) -> str:
    region, kind = match.group(1)[0].upper(), match.group(2)
    if kind is None:
        return f"{region}T"
    return f"{region}{'S' if kind.lower() == 'standard' else 'D'}T"


def _named_offset(match: re.Match[str]) -> str:
    sign, hours, minutes = match.group(1), int(match.group(2)), match.group(3) or "00"
    return f" {sign}{hours:02d}:{minutes}"
