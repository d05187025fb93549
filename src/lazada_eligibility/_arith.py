"""
The one place money is added, multiplied, compared and rounded (internal).

Arithmetic here never uses the calling thread's :mod:`decimal` context: an
embedding program that lowers the precision or changes the rounding mode
must not change a decision. Sums and conversions run in :data:`EXACT`, a
private context that traps :class:`~decimal.Inexact`, so a result is either
exact or an error, never silently rounded.

Why the precision suffices: amounts are below 10^15 with at most 6 places and
rates below 10^9 with at most 12 (:mod:`lazada_eligibility.limits`), so a
converted amount is below 10^24 with at most 18 places: 42 digits. An
application holds at most 50 x 600 = 30,000 records, so a sum has at most 5
more integer digits: 47 digits. :data:`EXACT` keeps 80.
"""

from __future__ import annotations

import decimal
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Final

from .limits import AMOUNT_LIMIT, AMOUNT_PLACES, RATE_LIMIT, RATE_PLACES

__all__ = [
    "EXACT",
    "ROUNDING",
    "add",
    "amount_problem",
    "convert",
    "display",
    "divide",
    "mul",
    "places",
    "rate_problem",
    "round_down",
    "round_up",
    "sub",
    "usable_rate",
]

PRECISION: Final = 80

EXACT: Final = decimal.Context(
    prec=PRECISION,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.Inexact, decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
"""Sums, differences and products of bounded values: exact, or an error."""

ROUNDING: Final = decimal.Context(  # for display and quotients: rounds, never silently overflows
    prec=PRECISION,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

add: Final = EXACT.add
sub: Final = EXACT.subtract
mul: Final = EXACT.multiply

_ZERO: Final = Decimal(0)
_AMOUNT_LIMIT: Final = Decimal(AMOUNT_LIMIT)
_RATE_LIMIT: Final = Decimal(RATE_LIMIT)


def places(value: Decimal) -> int:
    """
    Return how many decimal places *value* needs (trailing zeros do not count).
    """
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # noqa: S101 -- callers pass finite values
    if exponent >= 0:
        return 0
    if value.is_zero():
        return 0
    # Trailing zeros ("1.50000") do not make an amount less exact.
    return max(0, -int(value.normalize(ROUNDING).as_tuple().exponent))


def amount_problem(value: Decimal) -> str | None:
    """
    Say why *value* (finite) is outside the bounds of an amount, or return ``None``.
    """
    if value.copy_abs() >= _AMOUNT_LIMIT:
        return f"must be below 10^15 in magnitude, got {_short(value)}"
    if places(value) > AMOUNT_PLACES:
        return f"must have at most {AMOUNT_PLACES} decimal places, got {_short(value)}"
    return None


def rate_problem(value: Decimal) -> str | None:
    """
    Say why *value* (finite) is outside the bounds of a rate, or return ``None``.
    """
    if value <= _ZERO:
        return f"must be positive, got {_short(value)}"
    if value >= _RATE_LIMIT:
        return f"must be below 10^9, got {_short(value)}"
    if places(value) > RATE_PLACES:
        return f"must have at most {RATE_PLACES} decimal places, got {_short(value)}"
    return None


def usable_rate(rate: object) -> bool:
    """
    Whether the engine converts with *rate*: a :class:`~decimal.Decimal` within the bounds of a rate.

    That is what keeps every product and sum within :data:`PRECISION`
    digits. A cross rate that does not end (given to 80 digits) is not.
    """
    if type(rate) is not Decimal or not rate.is_finite() or not _ZERO < rate < _RATE_LIMIT:
        return False
    exponent = rate.as_tuple().exponent
    return isinstance(exponent, int) and (exponent >= -RATE_PLACES or places(rate) <= RATE_PLACES)


def convert(amount: Decimal, rate: object) -> Decimal | None:
    """
    Return *amount* x *rate* exactly, or ``None`` when the engine does not convert with *rate*.

    *rate* comes from an exchange-rate source as given; see
    :func:`usable_rate`. The engine reviews then rather than round.
    """
    if not usable_rate(rate):
        return None
    return EXACT.multiply(amount, rate)  # type: ignore[arg-type]


def round_down(value: Decimal, digits: int) -> Decimal:
    """
    Return *value* rounded toward negative infinity to *digits* places.
    """
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_FLOOR, context=ROUNDING)


def round_up(value: Decimal, digits: int) -> Decimal:
    """
    Return *value* rounded toward positive infinity to *digits* places.
    """
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_CEILING, context=ROUNDING)


def display(value: Decimal, digits: int) -> Decimal:
    """
    Return *value* rounded half-even to *digits* places, for showing.
    """
    return value.quantize(Decimal(1).scaleb(-digits), context=ROUNDING)


def divide(value: Decimal, divisor: Decimal) -> Decimal:
    """
    Return *value* / *divisor*: exact when the quotient ends within :data:`PRECISION` digits.

    Otherwise the quotient is correctly rounded to :data:`PRECISION`
    significant digits (:func:`usable_rate` then refuses it as a rate).
    """
    try:
        return EXACT.divide(value, divisor)
    except decimal.Inexact:
        return ROUNDING.divide(value, divisor)


def _short(value: Decimal) -> str:
    # A 5,000-digit number in a message helps nobody.
    text = str(value)
    return text if len(text) <= 40 else f"{text[:20]}...{text[-10:]} ({len(text)} characters)"
