"""
Amazon Seller Central: the Business Report, the Date Range report, the settlement flat file.
"""

from __future__ import annotations

from typing import Final

from ..exceptions import ValidationError
from ._engine import Importer, Typed, revenue_of
from ._layout import Layout
from ._spelling import option
from ._values import normalize, stated_currency

__all__ = ["BusinessReport", "DateRange", "Settlement"]


class BusinessReport(Importer):
    """
    Sales and Traffic by Date, or by Child Item for one month the caller names.
    """

    kind = "amazon-business-report"
    title = "an Amazon Business Report"
    family = "amazon"
    required = frozenset({"sales"})
    options = frozenset({"month"})

    def begin(self, layout: Layout, name: str) -> None:
        super().begin(layout, name)
        if self.has("date") and self.opts.month is not None:
            raise ValidationError.single(
                "month",
                f"{name} has a date column ({self.column('date')!r}), so its rows say "
                f"their month; {option('month')} is for the report by child item",
            )
        if not self.has("date") and self.opts.month is None:
            raise ValidationError.single(
                "month",
                f"{name} is a Business Report by child item, which has no date column: "
                f"pass {option('month')} with the one calendar month the report covers",
            )

    def rows_are_unique(self) -> bool:
        # A day's row is that day; a child item's row is figures that may recur.
        return self.has("date")

    def handle(self, cells: list[str]) -> str | None:
        month = self.month(cells, "date") if self.has("date") else self.opts.month
        amount, currency = self.amount(cells, ("sales",))
        assert month is not None  # noqa: S101 -- begin() made sure
        self.add(month, amount, currency, self.category(cells))
        return None

    def counted(self) -> tuple[str, ...]:
        return (self.column("sales"),)


class DateRange(Typed):
    """
    The Date Range (transaction) report: preamble lines, then one row per transaction.
    """

    kind = "amazon-date-range"
    title = "an Amazon Date Range report"
    family = "amazon"
    type_key = "type"
    required = frozenset({"datetime", "type", "product_sales"})
    options = frozenset({"basis", "revenue"})
    GROSS: Final = ("product_sales", "shipping_credits", "gift_wrap_credits")

    def begin(self, layout: Layout, name: str) -> None:
        super().begin(layout, name)
        stated = stated_currency([list(row) for row in layout.preamble])
        if stated is not None:
            self.state_currency(stated, "preamble")
        net = ("promotional_rebates",) if self.opts.basis == "net" else ()
        gross = self.GROSS if revenue_of(self) == "with-shipping" else ("product_sales",)
        self._components = gross + net

    def handle(self, cells: list[str]) -> str | None:
        reason = self.not_counted(cells)
        if reason is not None:
            return reason
        month = self.month(cells, "datetime")
        amount, currency = self.amount(cells, self._components, empty_is_zero=True)
        self.add(month, amount, currency, self.category(cells))
        return None

    def counted(self) -> tuple[str, ...]:
        return tuple(self.column(k) for k in self._components if self.has(k))


class Settlement(Typed):
    """
    The settlement flat file (V2), tab-separated, one row per amount of a transaction.
    """

    kind = "amazon-settlement"
    title = "an Amazon settlement flat file"
    family = "amazon"
    delimiter = "\t"
    type_key = "transaction_type"
    required = frozenset(
        {
            "settlement_id",
            "transaction_type",
            "amount_type",
            "amount_description",
            "amount",
            "posted_date",
        }
    )
    options = frozenset({"basis", "revenue"})
    GROSS: Final = frozenset(
        {("itemprice", "principal"), ("itemprice", "shipping"), ("itemprice", "giftwrap")}
    )
    NET: Final = frozenset({("promotion", "principal"), ("promotion", "shipping")})
    ITEMS: Final = frozenset({("itemprice", "principal"), ("promotion", "principal")})

    def begin(self, layout: Layout, name: str) -> None:
        super().begin(layout, name)
        items_only = revenue_of(self) == "items"
        self._gross = self.GROSS & self.ITEMS if items_only else self.GROSS
        self._net = self.NET & self.ITEMS if items_only else self.NET

    def handle(self, cells: list[str]) -> str | None:
        if not self.text(cells, "transaction_type") and self.text(cells, "total_amount"):
            code = self.stated_currency(cells, "currency")
            if code is not None:
                self.state_currency(code, "settlement summary row")
            return "settlement summary row: the deposit total, not a sale"
        reason = self.not_counted(cells)
        if reason is not None:
            return reason
        amount_type = self.text(cells, "amount_type")
        description = self.text(cells, "amount_description")
        pair = (normalize(amount_type), normalize(description))
        if pair not in self._gross and not (self.opts.basis == "net" and pair in self._net):
            return f"{amount_type}/{description}: not turnover"
        when = "posted_date_time" if self.text(cells, "posted_date_time") else "posted_date"
        month = self.month(cells, when)
        stated = self.stated_currency(cells, "currency")
        amount, currency = self.amount(cells, ("amount",), stated=stated)
        self.add(month, amount, currency, self.category(cells))
        return None

    def counted(self) -> tuple[str, ...]:
        items_only = revenue_of(self) == "items"
        pairs = "ItemPrice/Principal" if items_only else "ItemPrice/Principal, Shipping, GiftWrap"
        if self.opts.basis == "net":
            pairs += "; Promotion/Principal" if items_only else "; Promotion/Principal, Shipping"
        return (f"{self.column('amount')} ({pairs})",)
