"""
What every importer shares: reading cells as months, amounts, currencies and categories.

An importer subclass says which columns it needs and what one row means;
:mod:`._run` streams the rows through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow
from typing import ClassVar, Final

from ..exceptions import ValidationError
from ..money import known_currency
from ..periods import Month
from ._dates import DateReader, zone_of
from ._layout import Field, Layout, fields_of
from ._options import Options
from ._spelling import option
from ._values import AmountReader, RowError, format_data, normalize

__all__ = [
    "HEAD_LINES",
    "FileError",
    "Importer",
    "Sums",
    "Typed",
    "add_exact",
    "multiply_exact",
    "revenue_of",
]

HEAD_LINES: Final = 60
MAX_UNMAPPED: Final = 50
_LANGUAGE_LOCALES: Final = {
    "en": "en_US",
    "de": "de_DE",
    "fr": "fr_FR",
    "es": "es_ES",
    "it": "it_IT",
    "ja": "ja_JP",
    "zh": "zh_CN",
}
# Sums never round: a private context, so the caller's decimal settings never
# apply, too wide to round sums of bounded cells (21 digits each), which
# raises if it ever had to. The library's money arithmetic can replace it.
_EXACT: Final = Context(prec=200, traps=[Inexact, Overflow, InvalidOperation])

Sums = dict[tuple[Month, str | None, str], Decimal]
"""(month, category, currency) -> the sum of the amounts counted."""


class FileError(RowError):
    """
    A problem of the whole export found on a row, such as amounts without a currency.

    Raised as :class:`~lazada_eligibility.ExportFormatError` even with
    ``errors="report"``: skipping every row would only hide it.
    """


class Importer:
    """
    One export format. Subclasses set the class variables and :meth:`handle`.
    """

    kind: ClassVar[str]
    title: ClassVar[str]
    family: ClassVar[str | None] = None
    delimiter: ClassVar[str] = ","
    empty: ClassVar[frozenset[str]] = frozenset({""})
    required: ClassVar[frozenset[str]] = frozenset()
    options: ClassVar[frozenset[str]] = frozenset()
    # Whether two equal rows are one transaction (or one day) counted twice:
    # rows with an order id, a timestamp or a date. A generic CSV may repeat
    # a row honestly, and a report by child item repeats figures by chance.
    unique_rows: ClassVar[bool] = True

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.file_currency: str | None = None
        self.sums: Sums = {}
        self.months: set[Month] = set()
        self.unmapped: set[str] = set()
        self.line = 0
        self.layout: Layout
        self.amounts: AmountReader
        self.dates: DateReader

    def fields(self) -> tuple[Field, ...]:
        """
        The columns this importer reads.
        """
        return fields_of(self.kind, self.required)

    def rows_are_unique(self) -> bool:
        """
        Whether an equal row in another export is this row counted twice.
        """
        return self.unique_rows

    def begin(self, layout: Layout, name: str) -> None:
        """
        Set up the readers once the header is known; subclasses check more.
        """
        self.layout = layout
        self.name = name
        market = self.opts.marketplace
        locale = (
            self.opts.locale
            or market.get("locale")
            or _LANGUAGE_LOCALES.get(layout.language or "", "en_US")
        )
        self.amounts = AmountReader(locale)
        self.dates = DateReader(
            locale,
            self.opts.tz or (zone_of(market["tz"]) if "tz" in market else None),
            dict(self.opts.zone_names),
            self.opts.date_format,
        )

    def handle(self, cells: list[str]) -> str | None:
        """
        Count one row, or return why it is not turnover.

        Raises:
            RowError: The row is malformed.
        """
        raise NotImplementedError

    def end(self) -> None:
        """
        Finish after the last row; count what was held back for later rows.

        Raises:
            RowError: What was held back is malformed (its ``line`` says where).
        """

    def counted(self) -> tuple[str, ...]:
        """
        The header names of the columns whose amounts were counted.
        """
        return ()

    # Helpers for handle().

    def has(self, key: str) -> bool:
        """
        Whether the export has the column *key*.
        """
        return key in self.layout.index

    def column(self, key: str) -> str:
        """
        The header name of *key*'s column.
        """
        return self.layout.header[self.layout.index[key]]

    def text(self, cells: list[str], key: str) -> str:
        """
        The stripped text of *key*'s cell; empty when missing or an empty marker.
        """
        i = self.layout.index.get(key)
        if i is None or i >= len(cells):
            return ""
        value = cells[i].strip()
        return "" if value in self.empty else value

    def month(self, cells: list[str], key: str) -> Month:
        """
        The month of *key*'s date cell.
        """
        return self.dates.month(self.text(cells, key), self.column(key))

    def amount(
        self,
        cells: list[str],
        keys: Iterable[str],
        *,
        stated: str | None = None,
        empty_is_zero: bool = False,
    ) -> tuple[Decimal, str | None]:
        """
        The sum of the amounts in *keys*' cells, and their currency.

        Args:
            cells: The row.
            keys: The columns to add up; columns the export lacks are left out.
            stated: The currency the row states in a column of its own.
            empty_is_zero: Whether an empty cell counts as 0 (else an error).
        """
        total = Decimal(0)
        currency: str | None = None
        for key in keys:
            if not self.has(key):
                continue
            text = self.text(cells, key)
            if not text:
                if empty_is_zero:
                    continue
                raise RowError("expected an amount, got an empty cell", self.column(key))
            value, symbol = self.amounts.read(text, self.column(key))
            found = self._currency(symbol, stated, text, self.column(key))
            if currency is not None and found is not None and found != currency:
                msg = f"{text!r} is in {found}, the row's other amounts in {currency}"
                raise RowError(msg, self.column(key))
            currency = currency or found
            total = _EXACT.add(total, value)
        if currency is None and total:
            msg = (
                "the export does not say which currency its amounts are in; "
                f"pass {option('currency')} (or {option('platform')}) to name it"
            )
            raise FileError(msg)
        return total, currency

    def stated_currency(self, cells: list[str], key: str) -> str | None:
        """
        The ISO code in *key*'s cell (a currency column), or ``None`` when empty.
        """
        text = self.text(cells, key)
        if not text:
            return None
        try:
            return known_currency(text)
        except ValidationError:
            msg = f"expected a currency code such as 'USD', got {text!r}"
            raise RowError(msg, self.column(key)) from None

    def state_currency(self, code: str, where: str) -> None:
        """
        Record the currency the export states for all its amounts (in *where*).

        Raises:
            FileError: It differs from the ``currency`` option.
        """
        if self.opts.currency is not None and self.opts.currency != code:
            msg = f"the export's {where} says its amounts are in {code}, not {self.opts.currency}"
            raise FileError(msg)
        self.file_currency = code

    def _currency(
        self, symbol: str | None, stated: str | None, text: str, column: str
    ) -> str | None:
        expected = (
            stated
            or self.file_currency
            or self.opts.currency
            or self.opts.marketplace.get("currency")
        )
        if symbol is None:
            return expected
        if expected is not None:
            if self.amounts.consistent(symbol, expected):
                return expected
            msg = f"{text!r} is not an amount in {expected}, the export's currency"
            raise RowError(msg, column)
        code = self.amounts.resolve(symbol)
        if code is None:
            msg = f"cannot tell which currency {symbol!r} in {text!r} is; pass {option('currency')}"
            raise RowError(msg, column)
        return code

    def category(self, cells: list[str]) -> str | None:
        """
        The Lazada category of a row: mapped from its platform category or SKU, else the default.
        """
        default = self.opts.category
        platform_category = self.text(cells, "category")
        if platform_category:
            mapped = self._map_category(platform_category)
            if mapped is None:
                self._unmapped(platform_category)
                return default
            return mapped
        sku = self.text(cells, "sku")
        table = self.opts.sku_categories
        if table is not None and sku:
            found = table.get(sku)
            if found is None:
                self._unmapped(sku)
                return default
            return found
        return default

    def _map_category(self, value: str) -> str | None:
        mapping = self.opts.category_map
        if mapping is None:
            return value
        if isinstance(mapping, Mapping):
            return mapping.get(value)
        return mapping(value)

    def _unmapped(self, value: str) -> None:
        if len(self.unmapped) < MAX_UNMAPPED:
            self.unmapped.add(value)

    def add(
        self, month: Month, amount: Decimal, currency: str | None, category: str | None
    ) -> None:
        """
        Count *amount* in *month*; an amount of 0 without a currency only marks the month.
        """
        self.months.add(month)
        if currency is None:
            return
        key = (month, category, currency)
        self.sums[key] = _EXACT.add(self.sums.get(key, Decimal(0)), amount)


class Typed(Importer):
    """
    An export whose rows have a transaction type: orders count, refunds on the net basis.
    """

    type_key: ClassVar[str]

    def begin(self, layout: Layout, name: str) -> None:
        super().begin(layout, name)
        types = format_data()[self.kind]["types"]
        self._orders = frozenset(normalize(t) for t in types["order"])
        self._refunds = frozenset(normalize(t) for t in types["refund"])

    def not_counted(self, cells: list[str]) -> str | None:
        """
        Why the row's type is not counted, or ``None`` when it is.
        """
        raw = self.text(cells, self.type_key)
        column = self.column(self.type_key)
        if not raw:
            raise RowError("expected a transaction type, got an empty cell", column)
        kind = normalize(raw)
        if kind in self._orders or (kind in self._refunds and self.opts.basis == "net"):
            return None
        if kind in self._refunds:
            return f"{column} {raw!r}: refunds count only on the net basis"
        return f"{column} {raw!r}: not a sale"


def add_exact(a: Decimal, b: Decimal) -> Decimal:
    """
    Return ``a + b`` without rounding (it raises rather than round).
    """
    return _EXACT.add(a, b)


def revenue_of(importer: Importer) -> str:
    """
    The revenue basis of *importer*: ``"with-shipping"`` unless the caller chose ``"items"``.
    """
    return importer.opts.revenue or "with-shipping"


def multiply_exact(a: Decimal, b: Decimal) -> Decimal:
    """
    Return ``a * b`` without rounding (it raises rather than round).
    """
    return _EXACT.multiply(a, b)
