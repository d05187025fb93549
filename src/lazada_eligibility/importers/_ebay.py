"""
eBay Seller Hub: the orders report and the transaction report.
"""

from __future__ import annotations

import re
from typing import Final

from ..exceptions import ValidationError
from ._engine import Importer, Typed
from ._layout import Layout
from ._values import RowError

__all__ = ["EbayOrders", "EbayTransactions"]

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

    A multi-item order is a summary row followed by one row per item, all
    with the same sales record number; only the summary row is counted.
    """

    kind = "ebay-orders"
    title = "an eBay orders report"
    family = "ebay"
    required = frozenset({"record", "sale_date", "sold_for"})
    options = frozenset({"amount"})
    AMOUNTS: Final = ("sold-for", "total-price")

    def begin(self, layout: Layout, name: str) -> None:
        super().begin(layout, name)
        self._amount = _choose(self, self.AMOUNTS)
        if self._amount == "total-price" and not self.has("total_price"):
            raise ValidationError.single(
                "amount", f"{name} has no 'Total Price' column; use amount='sold-for'"
            )
        self._last_record: str | None = None

    def handle(self, cells: list[str]) -> str | None:
        if any(_FOOTER.search(cell) for cell in cells[:3]):
            return "report footer"
        record = self.text(cells, "record")
        if record and record == self._last_record:
            return "item row of a multi-item order: the order's summary row counts it"
        self._last_record = record or None
        month = self.month(cells, "sale_date")
        if self._amount == "total-price":
            amount, currency = self.amount(cells, ("total_price",))
        else:
            if not self.text(cells, "sold_for"):
                raise RowError("expected an amount, got an empty cell", self.column("sold_for"))
            amount, currency = self.amount(cells, ("sold_for", "shipping"), empty_is_zero=True)
        self.add(month, amount, currency, self.category(cells))
        return None

    def counted(self) -> tuple[str, ...]:
        keys = ("total_price",) if self._amount == "total-price" else ("sold_for", "shipping")
        return tuple(self.column(k) for k in keys if self.has(k))


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
    options = frozenset({"basis", "amount"})
    AMOUNTS: Final = ("gross", "items")

    def begin(self, layout: Layout, name: str) -> None:
        super().begin(layout, name)
        self._amount = _choose(self, self.AMOUNTS)
        if self._amount == "items" and not self.has("item_subtotal"):
            raise ValidationError.single(
                "amount", f"{name} has no 'Item subtotal' column; use amount='gross'"
            )
        self._keys = ("gross",) if self._amount == "gross" else ("item_subtotal", "shipping")

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
