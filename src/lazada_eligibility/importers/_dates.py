"""
Reading the dates and timestamps of an export, and the months they fall in.

Dates are read by :mod:`dateutil` with the locale's month names (from babel)
and its day/month order; time zones by :mod:`dateutil.tz`, which ships its
own zone data.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, Final

import babel.dates
from dateutil import parser as _dateutil_parser
from dateutil import tz as _tz

from ..periods import Month
from ._spelling import option
from ._values import CACHE, RowError, format_data

__all__ = ["DateReader", "zone_of"]

_GMT_OFFSET: Final = re.compile(r"\b(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b")
_YEAR_FIRST: Final = re.compile(r"^\s*\d{4}\s*[-/.年]")
_NUMERIC_DATE: Final = re.compile(r"^\s*(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})(?!\d)")
_CJK_DATE: Final = re.compile(r"(\d+)\s*年\s*(\d+)\s*月\s*(\d+)\s*日")
_OFFSET: Final = re.compile(r"^([+-])(\d{2}):(\d{2})$")
_MAX_OFFSET_HOURS: Final = 24
# An IANA name is a relative path of letters, digits, "_", "+" and "-".
_ZONE_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z][A-Za-z0-9_+-]*)*")
_NO_YEAR: Final = dt.datetime(1, 1, 1)  # noqa: DTZ001 -- a sentinel default, never a real time


def zone_of(value: object, label: str | None = None) -> dt.tzinfo:
    """
    Return a tzinfo for an IANA name (``America/Los_Angeles``), an offset (``+08:00``) or a tzinfo.

    Only names in the time zone database are looked up: a path, or any
    other text that :func:`dateutil.tz.gettz` would read as a file or as a
    POSIX ``TZ`` string, is refused.

    Raises:
        ValueError: An unknown zone name or a malformed offset.
    """
    if isinstance(value, dt.tzinfo):
        return value
    if isinstance(value, str):
        text = value.strip()
        if match := _OFFSET.match(text):
            hours, minutes = int(match[2]), int(match[3])
            if hours < _MAX_OFFSET_HOURS and minutes < 60:
                sign = -1 if match[1] == "-" else 1
                return _tz.tzoffset(label or text, sign * (hours * 3600 + minutes * 60))
        elif _ZONE_NAME.fullmatch(text):
            # The name cannot be a path (no "/" first, no "."), and only a zone
            # file counts: gettz() would read other text as a POSIX TZ string.
            zone = _tz.gettz(text)
            if isinstance(zone, _tz.tzfile | _tz.tzutc):
                return zone
    msg = f"unknown time zone {value!r}; use an IANA name such as 'America/Los_Angeles' or '+08:00'"
    raise ValueError(msg)


class _UnknownZoneError(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@functools.cache
def _parserinfo(locale: str, dayfirst: bool, yearfirst: bool) -> _dateutil_parser.parserinfo:
    months: list[Any] = [tuple(names) for names in _dateutil_parser.parserinfo.MONTHS]
    for width in ("abbreviated", "wide"):
        for context in ("format", "stand-alone"):
            names = babel.dates.get_month_names(width, context, locale=locale)
            for number, name in names.items():
                plain = name.rstrip(".")
                months[number - 1] = (*months[number - 1], name, plain)

    class _Info(_dateutil_parser.parserinfo):
        MONTHS = months

    return _Info(dayfirst=dayfirst, yearfirst=yearfirst)


def _order(locale: str) -> tuple[bool, bool]:
    # The locale's short date pattern tells the order: M/d/yy, dd.MM.yy, y/M/d.
    pattern = babel.dates.get_date_format("short", locale=locale).pattern
    positions = {ch: pattern.find(ch) for ch in "dMy"}
    dayfirst = 0 <= positions["d"] < positions["M"]
    yearfirst = 0 <= positions["y"] < min(positions["d"], positions["M"])
    return dayfirst, yearfirst


class DateReader:
    """
    Turns the dates and timestamps of an export into months.

    A timestamp that states its zone (``PDT``, ``-07:00``, ``UTC``) is read
    in that zone; then, when *tz* is given, it is moved into *tz* before its
    month is taken. A timestamp without a zone, or a date, is taken to be in
    the export's own zone already: its month is the one it shows.

    Args:
        locale: The export's locale: month names and day/month order.
        tz: The zone months are counted in, or ``None`` for the export's own.
        zone_names: Extra zone abbreviations -> IANA name or ``+hh:mm``.
        date_format: A :meth:`~datetime.datetime.strptime` format that,
            when given, is used instead of dateutil.
    """

    def __init__(
        self,
        locale: str,
        tz: dt.tzinfo | None = None,
        zone_names: dict[str, str] | None = None,
        date_format: str | None = None,
    ) -> None:
        self.dayfirst, self.yearfirst = _order(locale)
        self._parser = _dateutil_parser.parser(_parserinfo(locale, self.dayfirst, self.yearfirst))
        self.tz = tz
        self.date_format = date_format
        zones = {**format_data()["zones"], **(zone_names or {})}
        self._zones = {name.upper(): zone_of(zone, name) for name, zone in zones.items()}
        self.zones_seen: set[str] = set()
        # Dates repeat on many rows of the same day; timestamps mostly do not.
        self._parse = functools.lru_cache(maxsize=CACHE)(self._parse_text)

    def month(self, text: str, column: str) -> Month:
        """
        Return the month of the date or timestamp *text*.

        Raises:
            RowError: *text* is empty, not a date, names an unknown zone, or
                has its day and month in the other order than the export.
        """
        when = self._parse(text.strip(), column)
        if when.tzinfo is not None:
            self.zones_seen.add(_zone_label(when))
            if self.tz is not None:
                try:
                    when = when.astimezone(self.tz)
                except (OverflowError, ValueError):
                    msg = f"{text!r} is out of range in the time zone months are counted in"
                    raise RowError(msg, column) from None
        try:
            return Month(when.year, when.month)
        except ValueError as e:
            raise RowError(f"{text!r} is not a month this library can hold: {e}", column) from None

    def _parse_text(self, text: str, column: str) -> dt.datetime:
        if not text:
            raise RowError("expected a date, got an empty cell", column)
        if self.date_format is not None:
            try:
                return dt.datetime.strptime(text, self.date_format)  # noqa: DTZ007 -- zone handled by the caller
            except ValueError:
                msg = f"expected a date as {self.date_format!r}, got {text!r}"
                raise RowError(msg, column) from None
        return self._dateutil(text, column)

    def _dateutil(self, text: str, column: str) -> dt.datetime:
        prepared = _CJK_DATE.sub(r"\1-\2-\3 ", _GMT_OFFSET.sub(_offset, text))
        numeric = _NUMERIC_DATE.match(prepared)
        # A dotted date is day first everywhere; one that starts with its year
        # is year-month-day everywhere; otherwise the locale decides.
        dayfirst = self.dayfirst or (numeric is not None and numeric[2] == ".")
        if _YEAR_FIRST.match(prepared):
            dayfirst = False
        try:
            when = self._parser.parse(
                prepared, default=_NO_YEAR, dayfirst=dayfirst, tzinfos=self._tzinfo
            )
        except _UnknownZoneError as e:
            msg = f"unknown time zone {e.name!r} in {text!r}; name it with {option('zone_names')}"
            raise RowError(msg, column) from None
        except (ValueError, OverflowError):
            raise RowError(f"expected a date, got {text!r}", column) from None
        if when.year == 1:
            raise RowError(f"expected a date with a year, got {text!r}", column)
        if numeric is not None:
            expected = int(numeric[3] if dayfirst else numeric[1])
            if when.month != expected:
                order = "day/month/year" if dayfirst else "month/day/year"
                msg = f"{text!r} is not a {order} date as the export's other dates are"
                raise RowError(msg, column)
        return when

    def _tzinfo(self, name: str | None, offset: int | None) -> dt.tzinfo | None:
        if name is not None and name.upper() in self._zones:
            return self._zones[name.upper()]
        if offset is not None:
            return _tz.tzoffset(name, offset)
        if name is None:
            return None
        raise _UnknownZoneError(name)


def _offset(match: re.Match[str]) -> str:
    # dateutil reads "GMT+01:00" POSIX-style, as UTC-1; Amazon means UTC+1.
    return f"{match[1]}{int(match[2]):02d}:{match[3] or '00'}"


def _zone_label(when: dt.datetime) -> str:
    name = when.tzname()
    if name:
        return name
    minutes = int((when.utcoffset() or dt.timedelta(0)).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
