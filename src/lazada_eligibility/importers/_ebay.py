"""
eBay Seller Hub: the orders report and the transaction report.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

import attrs

from ..exceptions import ValidationError
from ..periods import Month
from ._engine import FileError, Importer, Typed, add_exact, multiply_exact, revenue_of
from ._layout import Layout
from ._spelling import option
from ._values import MAX_AMOUNT, RowError

__all__ = ["EbayOrders", "EbayTransactions"]

_MAX_QUANTITY_DIGITS: Final = 9
_FOOTER: Final = re.compile(r"record\(s\) downloaded|^\s*seller id\s*:", re.IGNORECASE)


def _choose(importer: Importer, choices: tuple[str, ...]) -> str:
    value = importer.opts.amount or choices[0]
    if value not in choices:
        raise ValidationError.single(
            "amount",
            f"expected one of {', '.join(map(repr, choices))} for {importer.kind}, got {value!r}",
        )
    return value


class EbayOrders(Importer):
    """
    The orders report: a header, the orders, a footer with the record count.

    ``Sold For`` is the price of one item: a line's item revenue is
    ``Sold For`` x ``Quantity``. When the line has a ``Total Price``, the
    line is checked against it. A multi-item order is a summary row (no item
    number; its ``Sold For`` is the order's items) followed by one row per
    item, all with the same sales record number; only the summary row is
    counted.
    """

    kind = "ebay-orders"
    title = "an eBay orders report"
    family = "ebay"
    required = frozenset({"record", "sale_date", "sold_for"})
    options = frozenset({"amount", "revenue"})
    AMOUNTS: Final = ("sold-for", "total-price")
    TAXES: Final = ("seller_tax", "ebay_tax")
    FEES: Final = ("fee_ewaste", "fee_mattress", "fee_battery", "fee_additional")

    def begin(self, layout: Layout, name: str) -> None:
        super().begin(layout, name)
        self._amount = _choose(self, self.AMOUNTS)
        if self._amount == "total-price" and not self.has("total_price"):
            raise ValidationError.single(
                "amount",
                f"{name} has no 'Total Price' column; use {option('amount', 'sold-for')}",
            )
        if self._amount == "sold-for" and not self.has("quantity"):
            raise FileError(
                "has no 'Quantity' column: 'Sold For' is the price of one item, so a "
                "line's revenue cannot be known without it",
                None,
            )
        self._shipping = revenue_of(self) == "with-shipping"
        # Without the tax columns a Total Price may hold taxes the line does not
        # show, so it can only be checked to be at least the line's other amounts.
        self._exact = any(self.has(k) for k in self.TAXES)
        self._charges = tuple(k for k in (*self.TAXES, *self.FEES) if self.has(k))
        self._last_record: str | None = None
        self._order: _Order | None = None

    def handle(self, cells: list[str]) -> str | None:
        if any(_FOOTER.search(cell) for cell in cells[:3]):
            self._close()
            return "report footer"
        record = self.text(cells, "record")
        if record and record == self._last_record and self._order is not None:
            self._order.add(self._item(cells))
            return "item row of a multi-item order: the order's summary row counts it"
        self._close()
        self._last_record = record or None
        month = self.month(cells, "sale_date")
        category = self.category(cells)
        if self.has("item_number") and not self.text(cells, "item_number"):
            # An order's summary row: counted once its item rows are known.
            self._order = _Order(self.line, cells, month, category)
            return None
        self._count(cells, month, category, summary=False)
        return None

    def end(self) -> None:
        self._close()

    def _count(
        self, cells: list[str], month: Month, category: str | None, *, summary: bool
    ) -> None:
        """
        Count one line (or an order's summary row) after checking it against its Total Price.
        """
        if self._amount == "total-price":
            if self.has("quantity") and self.text(cells, "sold_for"):
                self._line(cells, summary=summary)  # checks the line against its Total Price
            amount, currency = self.amount(cells, ("total_price",))
        else:
            line = self._line(cells, summary=summary)
            amount = add_exact(line.items, line.shipping) if self._shipping else line.items
            currency = line.currency
        self.add(month, amount, currency, category)

    def _close(self) -> None:
        """
        Count the pending summary row, once its item rows agree with it.

        A summary row without item rows is a line like any other.

        Raises:
            FileError: Naming the summary row's line.
        """
        order, self._order = self._order, None
        if order is None:
            return
        try:
            if order.rows and self.text(order.cells, "sold_for"):
                self._check_items(order)
            self._count(order.cells, order.month, order.category, summary=order.rows > 0)
        except RowError as e:
            raise FileError(e.message, e.column, line=order.line) from None

    def _check_items(self, order: _Order) -> None:
        """
        Check that an order's item rows add up to its summary row's Sold For and Quantity.
        """
        price, _ = self.amount(order.cells, ("sold_for",))
        quantity = self._quantity(order.cells)
        if (price, quantity) != (order.items, order.quantity):
            msg = (
                f"the order's summary row says {quantity} items for {price}, but its "
                f"{order.rows} item rows say {order.quantity} items for {order.items}"
            )
            raise RowError(msg, self.column("sold_for"))

    def _item(self, cells: list[str]) -> tuple[Decimal, int]:
        """
        An item row's items (Sold For x Quantity) and quantity.
        """
        if not self.text(cells, "sold_for"):
            raise RowError("expected an amount, got an empty cell", self.column("sold_for"))
        price, _ = self.amount(cells, ("sold_for",))
        quantity = self._quantity(cells)
        return multiply_exact(price, Decimal(quantity)), quantity

    def _line(self, cells: list[str], *, summary: bool) -> _Line:
        """
        Read the line's amounts and check them against its Total Price.

        Args:
            cells: The row.
            summary: Whether the row is an order's summary, whose Sold For
                is the order's items already.
        """
        if not self.text(cells, "sold_for"):
            raise RowError("expected an amount, got an empty cell", self.column("sold_for"))
        price, currency = self.amount(cells, ("sold_for",))
        quantity = self._quantity(cells)
        items = price if summary else multiply_exact(price, Decimal(quantity))
        if items.copy_abs() >= MAX_AMOUNT:
            msg = f"{price} x {quantity} is too large: an amount must be below 10^15"
            raise RowError(msg, self.column("sold_for"))
        shipping, currency = self._same(cells, ("shipping",), currency)
        charges, currency = self._same(cells, self._charges, currency)
        line = _Line(price, quantity, summary, items, shipping, charges, currency)
        if self.has("total_price") and self.text(cells, "total_price"):
            total, _ = self._same(cells, ("total_price",), currency)
            self._check(line, total)
        return line

    def _quantity(self, cells: list[str]) -> int:
        text = self.text(cells, "quantity")
        digits = text.replace(",", "")
        if not digits.isascii() or not digits.isdigit() or len(digits) > _MAX_QUANTITY_DIGITS:
            msg = f"expected a whole number of items, got {text!r}"
            raise RowError(msg, self.column("quantity"))
        quantity = int(digits)
        if quantity < 1:
            msg = f"expected at least 1 item, got {text!r}"
            raise RowError(msg, self.column("quantity"))
        return quantity

    def _same(
        self, cells: list[str], keys: tuple[str, ...], currency: str | None
    ) -> tuple[Decimal, str | None]:
        total = Decimal(0)
        for key in keys:
            value, found = self.amount(cells, (key,), empty_is_zero=True)
            if currency is not None and found is not None and found != currency:
                text = self.text(cells, key)
                msg = f"{text!r} is in {found}, the row's other amounts in {currency}"
                raise RowError(msg, self.column(key))
            currency = currency or found
            total = add_exact(total, value)
        return total, currency

    def _check(self, line: _Line, total: Decimal) -> None:
        expected = add_exact(add_exact(line.items, line.shipping), line.charges)
        if total == expected or (not self._exact and total > expected):
            return
        sold = f"{self.column('sold_for')} {line.price}"
        if not line.summary:
            sold += f" x {self.column('quantity')} {line.quantity}"
        parts = [sold]
        if self.has("shipping"):
            parts.append(f"{self.column('shipping')} {line.shipping}")
        parts.extend(self.column(k) for k in self._charges)
        stated = f"{self.column('total_price')} {total}"
        outcome = f"but {stated}" if self._exact else f"more than its {stated}"
        msg = f"the line does not add up: {' + '.join(parts)} = {expected}, {outcome}"
        raise RowError(msg, self.column("total_price"))

    def counted(self) -> tuple[str, ...]:
        if self._amount == "total-price":
            return (self.column("total_price"),)
        sold = f"{self.column('sold_for')} x {self.column('quantity')}"
        if self._shipping and self.has("shipping"):
            return (sold, self.column("shipping"))
        return (sold,)


class _Order:
    """
    An order's summary row, held until its item rows have been read.
    """

    def __init__(self, line: int, cells: list[str], month: Month, category: str | None) -> None:
        self.line = line
        self.cells = cells
        self.month = month
        self.category = category
        self.items = Decimal(0)
        self.quantity = 0
        self.rows = 0

    def add(self, item: tuple[Decimal, int]) -> None:
        """
        Add one item row's items and quantity.
        """
        self.items = add_exact(self.items, item[0])
        self.quantity += item[1]
        self.rows += 1


@attrs.frozen
class _Line:
    """
    One line's amounts: its unit price and quantity, items, shipping and other charges.
    """

    price: Decimal
    quantity: int
    summary: bool
    items: Decimal
    shipping: Decimal
    charges: Decimal
    currency: str | None


class EbayTransactions(Typed):
    """
    The transaction report: preamble lines, then one row per order, refund, fee or payout.
    """

    kind = "ebay-transactions"
    title = "an eBay transaction report"
    family = "ebay"
    type_key = "type"
    empty = frozenset({"", "--"})
    required = frozenset({"date", "type", "gross"})
    options = frozenset({"basis", "amount", "revenue"})
    AMOUNTS: Final = ("gross", "items")

    def begin(self, layout: Layout, name: str) -> None:
        super().begin(layout, name)
        self._amount = _choose(self, self.AMOUNTS)
        if self._amount == "items" and not self.has("item_subtotal"):
            raise ValidationError.single(
                "amount", f"{name} has no 'Item subtotal' column; use {option('amount', 'gross')}"
            )
        if self._amount == "gross" and self.opts.revenue == "items":
            raise ValidationError.single(
                "revenue",
                f"'items' needs {option('amount', 'items')}: the gross transaction amount "
                "includes shipping",
            )
        shipping = ("shipping",) if revenue_of(self) == "with-shipping" else ()
        self._keys = ("gross",) if self._amount == "gross" else ("item_subtotal", *shipping)

    def handle(self, cells: list[str]) -> str | None:
        reason = self.not_counted(cells)
        if reason is not None:
            return reason
        month = self.month(cells, "date")
        stated = self.stated_currency(cells, "currency")
        if not self.text(cells, self._keys[0]):
            raise RowError("expected an amount, got an empty cell", self.column(self._keys[0]))
        amount, currency = self.amount(cells, self._keys, stated=stated, empty_is_zero=True)
        self.add(month, amount, currency, self.category(cells))
        return None

    def counted(self) -> tuple[str, ...]:
        return tuple(self.column(k) for k in self._keys if self.has(k))
