"""
Tests for Month and review_window.
"""

from __future__ import annotations

import datetime as dt
import itertools
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazada_eligibility import Month, ValidationError, review_window
from strategies import months


class TestMonth:
    @pytest.mark.parametrize(
        "text",
        ["2026-09", "2026/9", "2026.09", " 2026 - 9 ", "Sep 2026", "sept 2026", "September 2026",
         "Sep. 2026", "2026 Sep", "2026年9月", "2026年09月份"],
    )  # fmt: skip
    def test_parse_forms(self, text):
        """Every documented form parses to the same month."""
        assert Month(2026, 9) == Month.parse(text)

    @pytest.mark.parametrize(
        "text", ["", "2026", "2026-13", "2026-00", "09/2026", "Sep", "Sept 26", "Smarch 2026",
                 "2026-09-15", "0000-01", "next month"],
    )  # fmt: skip
    def test_parse_rejects(self, text):
        """Anything else is refused with a ValidationError quoting the text."""
        with pytest.raises(ValidationError, match="expected a month"):
            Month.parse(text)

    def test_parse_non_text(self):
        """Non-text is refused; a Month passes through."""
        with pytest.raises(ValidationError):
            Month.parse(202609)  # type: ignore[arg-type]
        assert Month(2026, 9) == Month.parse(Month(2026, 9))  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("year", "month"), [(2026, 0), (2026, 13), (0, 1), (True, 1), (2026, 1.0)]
    )
    def test_bad_fields(self, year, month):
        """Out-of-range or non-integer fields raise ValidationError."""
        with pytest.raises(ValidationError):
            Month(year, month)

    def test_of_and_days(self):
        """of() takes dates and datetimes; first_day and last_day bound the month."""
        assert Month(2024, 2) == Month.of(dt.datetime(2024, 2, 29, 23, 59))
        assert dt.date(2024, 2, 1) == Month(2024, 2).first_day
        assert dt.date(2024, 2, 29) == Month(2024, 2).last_day
        assert dt.date(2025, 2, 28) == Month(2025, 2).last_day
        with pytest.raises(ValidationError):
            Month.of("2024-02-01")  # type: ignore[arg-type]

    def test_arithmetic(self):
        """Adding and subtracting months crosses years; Month - Month counts months."""
        assert Month(2027, 1) == Month(2026, 9) + 4
        assert Month(2027, 1) == 4 + Month(2026, 9)
        assert Month(2025, 12) == Month(2026, 1) - 1
        assert 13 == Month(2027, 2) - Month(2026, 1)
        assert -13 == Month(2026, 1) - Month(2027, 2)
        assert NotImplemented == Month(2026, 1).__add__("1")
        assert NotImplemented == Month(2026, 1).__sub__(1.0)

    def test_order_str_repr_hash(self):
        """Months order, print and hash as values."""
        assert Month(2025, 12) < Month(2026, 1) <= Month(2026, 1)
        assert "2026-09" == str(Month(2026, 9))
        assert "Month(2026, 9)" == repr(Month(2026, 9))
        assert {Month(2026, 9)} == {Month(2026, 9), Month.parse("2026-09")}
        assert NotImplemented == Month(2026, 1).__lt__("2026-01")

    def test_pickle(self):
        """Months pickle."""
        assert Month(2026, 9) == pickle.loads(pickle.dumps(Month(2026, 9)))

    @given(months(), st.integers(-500, 500))
    def test_add_then_subtract(self, m, k):
        """(m + k) - k == m and (m + k) - m == k."""
        assert m == (m + k) - k
        assert k == (m + k) - m

    @given(months(), months())
    def test_difference_agrees_with_order(self, a, b):
        """A - b is positive exactly when a is later."""
        assert (a - b > 0) == (a > b)
        assert (a - b == 0) == (a == b)

    @given(months())
    def test_str_round_trip(self, m):
        """parse(str(m)) == m."""
        assert m == Month.parse(str(m))


class TestReviewWindow:
    def test_default(self):
        """Three complete months before as_of's month, oldest first."""
        assert (Month(2026, 8), Month(2026, 9), Month(2026, 10)) == review_window(
            dt.date(2026, 11, 28)
        )

    def test_lag(self):
        """While as_of.day <= lag_days the window ends one month earlier."""
        assert Month(2026, 9) == review_window(dt.date(2026, 11, 5), lag_days=5)[-1]
        assert Month(2026, 10) == review_window(dt.date(2026, 11, 6), lag_days=5)[-1]

    def test_year_boundary_and_datetime(self):
        """The window crosses years, and a datetime counts by its date."""
        assert (Month(2025, 11), Month(2025, 12)) == review_window(dt.datetime(2026, 1, 1, 8), 2)

    @pytest.mark.parametrize(
        "kwargs",
        [{"months": 0}, {"months": True}, {"lag_days": -1}, {"lag_days": 28}, {"months": 2.0}],
    )
    def test_bad_parameters(self, kwargs):
        """Bad parameters raise ValidationError naming them."""
        with pytest.raises(ValidationError, match=next(iter(kwargs))):
            review_window(dt.date(2026, 11, 28), **kwargs)

    def test_bad_as_of(self):
        """as_of must be a date."""
        with pytest.raises(ValidationError, match="as_of"):
            review_window("2026-11-28")  # type: ignore[arg-type]

    @given(
        st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)), st.integers(1, 24), st.integers(0, 27)
    )
    def test_window_laws(self, as_of, n, lag):
        """Consecutive, complete, strictly before as_of's month, and exactly n long."""
        window = review_window(as_of, n, lag)
        assert n == len(window)
        assert all(b - a == 1 for a, b in itertools.pairwise(window))
        assert window[-1].last_day < as_of.replace(day=1)
        expected_gap = 2 if as_of.day <= lag else 1
        assert expected_gap == Month.of(as_of) - window[-1]
