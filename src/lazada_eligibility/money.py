"""
Exact amounts of money, and the exchange rates that convert them.

Amounts are :class:`~decimal.Decimal` and never :class:`float`: a turnover of
US$999.99 must not pass a US$1,000 minimum because of binary rounding.
Amounts keep the precision they were given; they are rounded only for
display, to the currency's own digits.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import babel.numbers

from .exceptions import CurrencyMismatchError, FieldProblem, ValidationError
from .periods import Month

if TYPE_CHECKING:
    from typing import Self

__all__ = ["Money", "RateTable", "known_currency"]

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
        amount: A :class:`~decimal.Decimal`, :class:`int` or numeric string.
            Floats are refused with :class:`TypeError`.
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

    .. versionadded:: 0.1.0
    """

    amount: Decimal = attrs.field(converter=to_decimal)
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
        return Money(self.amount.quantize(Decimal(1).scaleb(-self.digits)), self.currency)

    def format(self, locale: str = "en") -> str:
        """
        Format for people reading *locale*, rounded to the currency's digits.

        Example:
            >>> from lazada_eligibility import Money
            >>> Money("1234.5", "USD").format("id")
            'US$1.234,50'

        .. versionadded:: 0.1.0
        """
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
        for key, convert in (("amount", to_decimal), ("currency", known_currency)):
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
        return Money(self.amount + other.amount, self.currency)

    def __radd__(self, other: object) -> Money:
        # sum() starts from the integer 0.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, (int, Decimal)):
            return NotImplemented
        return Money(self.amount * factor, self.currency)

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
                rate = to_decimal(value, "rate")
                if rate <= 0:
                    raise ValidationError.single("rate", f"must be positive, got {value!r}")
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

        Raises:
            ValidationError: Naming the file and line of every bad row, a
                missing header, or a rate given twice.

        .. versionadded:: 0.1.0
        """
        path = Path(path)
        problems: list[FieldProblem] = []
        table: dict[tuple[str, Month], Decimal] = {}
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
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
                    rate = to_decimal(row[2], "rate_to_usd")
                    if rate <= 0:
                        raise ValidationError.single(
                            "rate_to_usd", f"must be positive, got {row[2]!r}"
                        )
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

        .. versionadded:: 0.1.0
        """
        if source == target:
            return _ONE
        to_usd = self._to_usd
        s = _ONE if source == "USD" else to_usd.get((source, month))
        t = _ONE if target == "USD" else to_usd.get((target, month))
        if s is None or t is None:
            return None
        return s if t is _ONE else s / t

    def convert(self, money: Money, target: str, month: Month) -> Money | None:
        """
        Return *money* in *target* at *month*'s rate, unrounded; ``None`` without a rate.

        .. versionadded:: 0.1.0
        """
        rate = self.rate(money.currency, target, month)
        if rate is None:
            return None
        return Money(money.amount * rate, target)

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
