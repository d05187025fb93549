"""
Calendar months and the review window.

A month is a calendar month, with no time zone: importers decide which month
a timestamp belongs to, in the zone the export uses. Month arithmetic is done
with :mod:`dateutil.relativedelta`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import overload

import attrs
from dateutil import parser as _dateutil_parser
from dateutil.relativedelta import relativedelta

from .exceptions import ValidationError

__all__ = ["Month", "review_window"]

_NUMERIC = re.compile(r"^\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*$")
_CJK = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?\s*$")
_NAMED = re.compile(r"^\s*([A-Za-z]{3,9})\.?,?\s+(\d{4})\s*$")
_NAMED_YEAR_FIRST = re.compile(r"^\s*(\d{4})\s+([A-Za-z]{3,9})\.?\s*$")
_MONTH_NAMES = _dateutil_parser.parserinfo()


def _check_year(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or not 1 <= value <= 9998:
        raise ValidationError.single(
            attribute.name, f"must be a whole number from 1 to 9998, got {value!r}"
        )


def _check_month(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or not 1 <= value <= 12:
        raise ValidationError.single(
            attribute.name, f"must be a whole number from 1 to 12, got {value!r}"
        )


@functools.total_ordering
@attrs.frozen(repr=False, order=False)
class Month:
    """
    A calendar month: frozen, ordered and hashable.

    Args:
        year: The year, 1 to 9998.
        month: The month, 1 to 12.

    Example:
        >>> from lazada_eligibility import Month
        >>> m = Month(2026, 9)
        >>> str(m), str(m + 4), m - Month(2025, 12)
        ('2026-09', '2027-01', 9)
        >>> Month.parse("Sep 2026") == Month.parse("2026年9月") == m
        True
        >>> m.last_day
        datetime.date(2026, 9, 30)

    .. versionadded:: 0.1.0
    """

    year: int = attrs.field(validator=_check_year)
    month: int = attrs.field(validator=_check_month)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        """
        Return the month that *day* (a date or datetime) falls in.

        .. versionadded:: 0.1.0
        """
        if not isinstance(day, dt.date):
            raise ValidationError.single("as_of", f"expected a date, got {day!r}")
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """
        Parse ``2026-09``, ``2026/9``, ``Sep 2026``, ``September 2026`` or ``2026年9月``.

        English month names are read by :mod:`dateutil`.

        Raises:
            ValidationError: *text* is none of those forms.

        .. versionadded:: 0.1.0
        """
        if isinstance(text, Month):
            return text
        if not isinstance(text, str):
            raise ValidationError.single(
                "month", f"expected a month such as '2026-09', got {text!r}"
            )
        return _parse_text(text)

    @property
    def first_day(self) -> dt.date:
        """
        The month's first day.
        """
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        """
        The month's last day.
        """
        return self.first_day + relativedelta(day=31)

    @property
    def index(self) -> int:
        """
        A number that grows by one each month; handy as a sort or array key.
        """
        return self.year * 12 + self.month - 1

    def __add__(self, months: object) -> Month:
        if type(months) is not int:
            return NotImplemented
        return _shift(self, months)

    __radd__ = __add__

    @overload
    def __sub__(self, other: Month) -> int: ...

    @overload
    def __sub__(self, other: int) -> Month: ...

    def __sub__(self, other: object) -> Month | int:
        if isinstance(other, Month):
            delta = relativedelta(self.first_day, other.first_day)
            return delta.years * 12 + delta.months
        if isinstance(other, bool) or not isinstance(other, int):
            return NotImplemented
        return _shift(self, -other)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return (self.year, self.month) < (other.year, other.month)

    def __repr__(self) -> str:
        return f"Month({self.year}, {self.month})"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@functools.lru_cache(maxsize=4096)
def _parse_text(text: str) -> Month:
    # Exports and JSON repeat the same few month strings; parse each once.
    year: int | None = None
    month: int | None = None
    if match := _NUMERIC.match(text) or _CJK.match(text):
        year, month = int(match[1]), int(match[2])
    elif match := _NAMED.match(text):
        year, month = int(match[2]), _MONTH_NAMES.month(match[1])
    elif match := _NAMED_YEAR_FIRST.match(text):
        year, month = int(match[1]), _MONTH_NAMES.month(match[2])
    if year is None or month is None or not 1 <= month <= 12 or year < 1:
        raise ValidationError.single(
            "month",
            "expected a month such as '2026-09', '2026/9', 'Sep 2026', "
            f"'September 2026' or '2026年9月', got {text!r}",
        )
    return Month(year, month)


@functools.lru_cache(maxsize=4096)
def _shift(month: Month, months: int) -> Month:
    day = month.first_day + relativedelta(months=months)
    return Month(day.year, day.month)


def review_window(as_of: dt.date, months: int = 3, lag_days: int = 0) -> tuple[Month, ...]:
    """
    Return the *months* complete calendar months before *as_of*'s month, oldest first.

    When ``as_of.day <= lag_days`` the window ends one month earlier: last
    month's statement is not out yet.

    Args:
        as_of: The day of the decision.
        months: How many months the window holds (at least 1).
        lag_days: How many days into a month the previous month's figures
            are not yet expected (0 to 27).

    Example:
        >>> from lazada_eligibility import review_window
        >>> import datetime as dt
        >>> [str(m) for m in review_window(dt.date(2026, 11, 28))]
        ['2026-08', '2026-09', '2026-10']
        >>> [str(m) for m in review_window(dt.date(2026, 11, 3), lag_days=5)]
        ['2026-07', '2026-08', '2026-09']

    .. versionadded:: 0.1.0
    """
    if not isinstance(as_of, dt.date):
        raise ValidationError.single("as_of", f"expected a date, got {as_of!r}")
    if type(months) is not int or months < 1:
        raise ValidationError.single(
            "months", f"must be a whole number of at least 1, got {months!r}"
        )
    if type(lag_days) is not int or not 0 <= lag_days <= 27:
        raise ValidationError.single(
            "lag_days", f"must be a whole number from 0 to 27, got {lag_days!r}"
        )
    lagging = as_of.day <= lag_days
    return _window(Month(as_of.year, as_of.month), months, lagging)


@functools.lru_cache(maxsize=1024)
def _window(current: Month, months: int, lagging: bool) -> tuple[Month, ...]:
    last = _shift(current, -2 if lagging else -1)
    return tuple(_shift(last, -k) for k in range(months - 1, -1, -1))
