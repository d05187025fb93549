"""
Exact amounts of money, and the exchange rates that convert them.

Amounts are :class:`~decimal.Decimal` and never :class:`float`: a turnover of
US$999.99 must not pass a US$1,000 minimum because of binary rounding.
Amounts keep the precision they were given; they are rounded only for
display, to the currency's own digits.

An amount given to :class:`Money` is below 10^15 in magnitude with at most 6
decimal places, and a rate given to :class:`RateTable` is positive, below
10^9, with at most 12 places (:mod:`lazada_eligibility.limits` says why).
Sums, differences and conversions are then always exact, whatever
``decimal`` context the calling program has set: they run in a private
context that raises rather than rounds. Their results may carry more places
than an amount given (a converted amount up to 18), and are kept whole.
"""

from __future__ import annotations

import csv
import decimal
import functools
import io
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import babel.numbers

from . import _arith, _reading
from .exceptions import CurrencyMismatchError, FieldProblem, ValidationError
from .limits import AMOUNT_LIMIT
from .periods import Month

if TYPE_CHECKING:
    from typing import Self

__all__ = ["Money", "RateTable", "bounded_amount", "bounded_rate", "known_currency"]

_CURRENCIES = frozenset(babel.numbers.list_currencies())


def known_currency(code: object) -> str:
    """
    Return *code* as an upper-case ISO 4217 code that babel knows.

    Raises:
        ValidationError: The code is not a string or not a known currency.

    Example:
        >>> from lazada_eligibility.money import known_currency
        >>> known_currency("usd")
        'USD'

    .. versionadded:: 0.1.0
    """
    if not isinstance(code, str):
        raise ValidationError.single(
            "currency", f"must be an ISO 4217 code such as 'USD', got {code!r}"
        )
    upper = code.strip().upper()
    if upper not in _CURRENCIES:
        raise ValidationError.single("currency", f"unknown ISO 4217 currency code {code!r}")
    return upper


def is_currency_code(code: object) -> bool:
    """
    Return whether *code* is, exactly as written, a code that :func:`known_currency` returns.
    """
    return type(code) is str and code in _CURRENCIES


def to_decimal(value: Decimal | int | str, field: str = "amount") -> Decimal:
    """
    Turn *value* into a finite :class:`~decimal.Decimal` without losing digits.

    Accepts :class:`~decimal.Decimal`, :class:`int` and numeric strings.

    Raises:
        TypeError: *value* is a :class:`float` (it cannot hold money exactly)
            or another type that is not a number.
        ValidationError: *value* is a string that is not a number, or is not
            finite.

    .. versionadded:: 0.1.0
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        msg = f"{field} must be a Decimal, str or int, not bool {value!r}"
        raise TypeError(msg)
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        msg = (
            f"{field} must be a Decimal, str or int, not float {value!r}: "
            "a float cannot represent money exactly; pass str(value) or a Decimal"
        )
        raise TypeError(msg)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace("_", ""))
        except InvalidOperation:
            raise ValidationError.single(
                field, f"must be a decimal number such as '1000.50', got {value!r}"
            ) from None
    else:
        msg = f"{field} must be a Decimal, str or int, not {type(value).__name__} {value!r}"
        raise TypeError(msg)
    if not result.is_finite():
        raise ValidationError.single(field, f"must be a finite number, got {value!r}")
    return result


_MAX_NUMBER_TEXT = 64  # longer text cannot be a bounded amount or rate; refused before parsing


def bounded_amount(value: Decimal | int | str, field: str = "amount") -> Decimal:
    """
    Turn *value* into a :class:`~decimal.Decimal` within the bounds of an amount.

    Raises:
        TypeError: As ``to_decimal()``.
        ValidationError: Naming *field*: not a number, not finite, 10^15 or
            more in magnitude, or more than 6 decimal places.

    Example:
        >>> from lazada_eligibility.money import bounded_amount
        >>> bounded_amount("1e26")
        Traceback (most recent call last):
        ...
        lazada_eligibility.exceptions.ValidationError: amount: must be below 10^15 in magnitude, got 1E+26

    .. versionadded:: 0.2.0
    """
    return _bounded(value, field, _arith.amount_problem)


def bounded_rate(value: Decimal | int | str, field: str = "rate") -> Decimal:
    """
    Turn *value* into a :class:`~decimal.Decimal` within the bounds of an exchange rate.

    Raises:
        TypeError: As ``to_decimal()``.
        ValidationError: Naming *field*: not a number, not positive, 10^9 or
            more, or more than 12 decimal places.

    Example:
        >>> from lazada_eligibility.money import bounded_rate
        >>> bounded_rate("0.0000400000")
        Decimal('0.0000400000')

    .. versionadded:: 0.2.0
    """
    return _bounded(value, field, _arith.rate_problem)


def _bounded(
    value: Decimal | int | str, field: str, problem_of: Callable[[Decimal], str | None]
) -> Decimal:
    _precheck(value, field)
    result = to_decimal(value, field)
    problem = problem_of(result)
    if problem is not None:
        raise ValidationError.single(field, problem)
    return result


def _precheck(value: object, field: str) -> None:
    # Refuse what is plainly out of bounds before converting it: a
    # 5,000-digit integer or a megabyte of digits costs time to parse.
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= AMOUNT_LIMIT:
        digits = f"about {abs(value).bit_length() * 30103 // 100000 + 1} digits"
        raise ValidationError.single(
            field, f"must be below 10^15 in magnitude, got an integer of {digits}"
        )
    if isinstance(value, str) and len(value.strip()) > _MAX_NUMBER_TEXT:
        raise ValidationError.single(
            field, f"must be a number of at most {_MAX_NUMBER_TEXT} characters, got {len(value)}"
        )


def exact_money(amount: Decimal, currency: str) -> Money:
    """
    Return a :class:`Money` for an exact computed *amount* (a sum or a conversion).

    *currency* is a validated code. Computed amounts are not held to the
    bounds of an amount given: a conversion carries up to 18 places.
    """
    money = object.__new__(Money)
    object.__setattr__(money, "amount", amount)
    object.__setattr__(money, "currency", currency)
    return money


def money_fact(data: Mapping[str, object]) -> Money:
    """
    Read back a computed amount written by a decision (``{"amount", "currency"}``).

    Facts hold exact sums and conversions, which may carry more places than
    an amount given; they need a finite number and a known currency only.

    Raises:
        ValidationError: Naming the bad key.
    """
    amount = data["amount"]
    if not isinstance(amount, str | int | Decimal) or isinstance(amount, bool):
        raise ValidationError.single("amount", f"expected a number as text, got {amount!r}")
    _precheck_text(amount)
    value = to_decimal(amount)
    return exact_money(value, known_currency(data["currency"]))


def _precheck_text(value: object) -> None:
    if isinstance(value, str) and len(value) > _MAX_FACT_TEXT:
        raise ValidationError.single(
            "amount", f"must be a number of at most {_MAX_FACT_TEXT} characters, got {len(value)}"
        )


_MAX_FACT_TEXT = 200  # an exact sum has at most ~50 digits; a cross-rate fact at most ~120


@functools.cache
def currency_digits(currency: str) -> int:
    """
    Return how many decimal digits *currency* shows (2 for USD, 0 for JPY).

    .. versionadded:: 0.1.0
    """
    return int(babel.numbers.get_currency_precision(currency))


@attrs.frozen(repr=False, order=False)
class Money:
    r"""
    An exact amount in one currency.

    Arithmetic and comparisons work within one currency; mixing currencies
    raises :class:`~lazada_eligibility.exceptions.CurrencyMismatchError`.

    Args:
        amount: A :class:`~decimal.Decimal`, :class:`int` or numeric string,
            below 10^15 in magnitude with at most 6 decimal places
            (:mod:`~lazada_eligibility.limits`). Floats are refused with
            :class:`TypeError`.
        currency: An ISO 4217 code that babel knows; upper-cased.

    Example:
        >>> from lazada_eligibility import Money
        >>> m = Money("999.99", "usd") + Money("0.01", "USD")
        >>> m
        Money('1000.00', 'USD')
        >>> m >= Money(1000, "USD")
        True
        >>> m.format("vi")
        '1.000,00\xa0US$'

    The sum, difference or multiple of amounts is exact whatever
    ``decimal`` context is current, and may have more places than an
    amount given.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Amounts are bounded; arithmetic is exact and context-independent.
    """

    amount: Decimal = attrs.field(converter=bounded_amount)
    currency: str = attrs.field(converter=known_currency)

    _ZERO: ClassVar[Decimal] = Decimal(0)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """
        Return nothing at all in *currency*.

        .. versionadded:: 0.1.0
        """
        return cls(cls._ZERO, currency)

    @property
    def digits(self) -> int:
        """
        How many decimal digits the currency shows.
        """
        return currency_digits(self.currency)

    def rounded(self) -> Money:
        """
        Return the amount rounded half-even to the currency's digits.

        Example:
            >>> from lazada_eligibility import Money
            >>> Money("10.005", "USD").rounded()
            Money('10.00', 'USD')

        .. versionadded:: 0.1.0
        """
        return exact_money(_arith.display(self.amount, self.digits), self.currency)

    def format(self, locale: str = "en") -> str:
        """
        Format for people reading *locale*, rounded to the currency's digits.

        Example:
            >>> from lazada_eligibility import Money
            >>> Money("1234.5", "USD").format("id")
            'US$1.234,50'

        .. versionadded:: 0.1.0
        """
        with decimal.localcontext(_arith.ROUNDING):
            return babel.numbers.format_currency(self.amount, self.currency, locale=locale)

    def to_dict(self) -> dict[str, str]:
        """
        Return a JSON-ready mapping; the amount is a string, so no digit is lost.

        .. versionadded:: 0.1.0
        """
        return {"amount": str(self.amount), "currency": self.currency}

    @classmethod
    def from_dict(cls, data: object) -> Self:
        """
        Build from ``{"amount": "1000", "currency": "USD"}``.

        Raises:
            ValidationError: Naming every bad or missing key.

        .. versionadded:: 0.1.0
        """
        if not isinstance(data, Mapping):
            raise ValidationError.single(
                "", f"expected a mapping with 'amount' and 'currency', got {data!r}"
            )
        problems: list[FieldProblem] = []
        values: dict[str, Any] = {}
        for key, convert in (("amount", bounded_amount), ("currency", known_currency)):
            if key not in data:
                problems.append(FieldProblem(key, "is required"))
                continue
            try:
                values[key] = convert(data[key])
            except ValidationError as e:
                problems.extend(e.problems)
            except TypeError as e:
                problems.append(FieldProblem(key, str(e)))
        extra = sorted(set(data) - {"amount", "currency"}, key=str)
        problems.extend(FieldProblem(str(k), "unexpected key") for k in extra)
        if problems:
            raise ValidationError(problems)
        return cls(values["amount"], values["currency"])

    def _same(self, other: Money, op: str) -> None:
        if self.currency != other.currency:
            msg = f"cannot {op} {self!r} and {other!r}: convert one currency to the other first"
            raise CurrencyMismatchError(msg)

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "add")
        return exact_money(_exact(_arith.add, self.amount, other.amount), self.currency)

    def __radd__(self, other: object) -> Money:
        # sum() starts from the integer 0.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return exact_money(_exact(_arith.sub, self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return exact_money(self.amount.copy_negate(), self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, (int, Decimal)):
            return NotImplemented
        return exact_money(_exact(_arith.mul, self.amount, Decimal(factor)), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compare")
        return self.amount >= other.amount

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency!r})"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def _exact(op: Callable[[Decimal, Decimal], Decimal], a: Decimal, b: Decimal) -> Decimal:
    try:
        return op(a, b)
    except decimal.Inexact:
        # Only a product by a factor far outside any amount's bounds gets here.
        msg = f"the result of {a} and {b} cannot be held exactly"
        raise ValidationError.single("amount", msg) from None


_ONE = Decimal(1)


@attrs.frozen(init=False, eq=False)
class RateTable:
    """
    Monthly exchange rates to US dollars, from a mapping or a CSV file.

    Implements :class:`~lazada_eligibility.typing.ExchangeRates`: any two
    currencies the table covers in a month convert through USD. A missing
    rate is ``None``, never a guess.

    Args:
        rates: ``{(currency, month): rate_to_usd}``, where one unit of
            *currency* is worth *rate_to_usd* US dollars.

    Example:
        >>> from decimal import Decimal
        >>> from lazada_eligibility import Money, Month, RateTable
        >>> table = RateTable({("EUR", Month(2026, 8)): Decimal("1.08")})
        >>> table.rate("EUR", "USD", Month(2026, 8))
        Decimal('1.08')
        >>> table.convert(Money("100", "EUR"), "USD", Month(2026, 8))
        Money('108.00', 'USD')
        >>> table.rate("EUR", "USD", Month(2026, 9)) is None
        True

    .. versionadded:: 0.1.0
    """

    _to_usd: Mapping[tuple[str, Month], Decimal]

    def __init__(self, rates: Mapping[tuple[str, Month], Decimal | str | int]) -> None:
        problems: list[FieldProblem] = []
        table: dict[tuple[str, Month], Decimal] = {}
        for key, value in rates.items():
            path = f"[{key!r}]"
            try:
                currency, month = key
                currency = known_currency(currency)
                if not isinstance(month, Month):
                    month = Month.parse(month)
                rate = bounded_rate(value, "rate")
            except (ValidationError, TypeError, ValueError) as e:
                problems.append(FieldProblem(path, str(e)))
                continue
            table[currency, month] = rate
        if problems:
            raise ValidationError(problems)
        self.__attrs_init__(table)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, Month | str, Decimal | str]]) -> RateTable:
        """
        Build from ``(currency, month, rate_to_usd)`` rows.

        .. versionadded:: 0.1.0
        """
        return cls({(c, m if isinstance(m, Month) else Month.parse(m)): r for c, m, r in rows})

    @classmethod
    def from_csv(cls, path: str | Path) -> RateTable:
        """
        Read a CSV file with the header ``currency,month,rate_to_usd``.

        The file is read as every input is: at most 16 MiB of UTF-8 (a
        byte-order mark is dropped), fields no longer than :mod:`csv` reads.

        Raises:
            ValidationError: Naming the file and line of every bad row, a
                missing header, or a rate given twice; or naming the file
                when it is too large, not UTF-8 or not CSV.
            OSError: The file cannot be opened or read.

        .. versionadded:: 0.1.0
        """
        path = Path(path)
        try:
            text = _reading.read_text(path, _reading.RATES_BYTES)
            _reading.check_csv(text)
        except ValidationError as e:
            # "line 7" becomes "rates.csv:7", as the rows' problems are named.
            raise ValidationError(
                FieldProblem(
                    f"{path}:{p.path.removeprefix('line ')}" if p.path else str(path), p.message
                )
                for p in e.problems
            ) from None
        problems: list[FieldProblem] = []
        table: dict[tuple[str, Month], Decimal] = {}
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in next(reader, [])]
        if header != ["currency", "month", "rate_to_usd"]:
            raise ValidationError.single(
                f"{path}:1",
                f"expected the header 'currency,month,rate_to_usd', got {','.join(header)!r}",
            )
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != 3:
                problems.append(FieldProblem(where, f"expected 3 cells, got {len(row)}"))
                continue
            try:
                currency = known_currency(row[0])
                month = Month.parse(row[1])
                rate = bounded_rate(row[2], "rate_to_usd")
            except ValidationError as e:
                problems.extend(e.prefixed(where).problems)
                continue
            if (currency, month) in table:
                problems.append(FieldProblem(where, f"a second rate for {currency} in {month}"))
                continue
            table[currency, month] = rate
        if problems:
            raise ValidationError(problems)
        return cls(table)

    def rate(self, source: str, target: str, month: Month) -> Decimal | None:
        """
        Return how many units of *target* one unit of *source* buys in *month*.

        ``None`` when the table lacks a rate for either currency that month.
        Into a currency other than USD the rate is a quotient of two rates
        to USD; when that quotient does not end (1 / 1.08), it comes back
        correctly rounded to 80 significant digits, and the engine does not
        convert with it: ``min_turnover`` reviews with ``fx.rate-inexact``
        rather than round. Give a policy's minimum in USD to avoid that.

        .. versionadded:: 0.1.0
        """
        if source == target:
            return _ONE
        to_usd = self._to_usd
        s = _ONE if source == "USD" else to_usd.get((source, month))
        t = _ONE if target == "USD" else to_usd.get((target, month))
        if s is None or t is None:
            return None
        return s if t is _ONE else _arith.divide(s, t)

    def convert(self, money: Money, target: str, month: Month) -> Money | None:
        """
        Return *money* in *target* at *month*'s rate, unrounded; ``None`` without a rate.

        The product is exact. A cross rate that does not end (see
        :meth:`rate`) converts with its 80-digit quotient.

        .. versionadded:: 0.1.0
        """
        rate = self.rate(money.currency, target, month)
        if rate is None:
            return None
        try:
            return exact_money(_arith.mul(money.amount, rate), target)
        except decimal.Inexact:
            return exact_money(_arith.ROUNDING.multiply(money.amount, rate), target)

    def __len__(self) -> int:
        return len(self._to_usd)

    def __contains__(self, key: object) -> bool:
        return key in self._to_usd

    def items(self) -> Iterable[tuple[tuple[str, Month], Decimal]]:
        """
        Return the ``((currency, month), rate_to_usd)`` pairs, sorted.

        .. versionadded:: 0.1.0
        """
        return sorted(self._to_usd.items())
