"""
Any CSV export, described by options: which column is the date, the amount, the currency.
"""

from __future__ import annotations

from ..exceptions import FieldProblem, ValidationError
from ._engine import Importer
from ._layout import Field
from ._options import Options

__all__ = ["GenericCsv"]

_KEYS = ("date", "amount", "currency", "category", "sku")


class GenericCsv(Importer):
    """
    A CSV file with a date column and an amount column, such as an AliExpress order export.
    """

    kind = "csv"
    title = "the CSV export the options describe"
    unique_rows = False
    options = frozenset(
        {
            "amount_column",
            "category_column",
            "category_map",
            "currency_column",
            "date_column",
            "date_format",
            "delimiter",
            "only",
            "sku_column",
        }
    )

    def __init__(self, opts: Options) -> None:
        super().__init__(opts)
        named = {key: getattr(opts, f"{key}_column") for key in _KEYS}
        self._names = {k: v for k, v in named.items() if v is not None}
        problems = [
            FieldProblem(f"{key}_column", f"is required: the name of the {key} column")
            for key in ("date", "amount")
            if key not in self._names and key not in opts.columns
        ]
        if problems:
            raise ValidationError(problems)

    def fields(self) -> tuple[Field, ...]:
        fields = [
            Field(key, {"": (name,)}, key in ("date", "amount"))
            for key, name in self._names.items()
        ]
        fields.extend(
            Field(key, {"": (key,)}, key in ("date", "amount"))
            for key in _KEYS
            if key not in self._names and key in self.opts.columns
        )
        fields.extend(
            Field(f"only:{column}", {"": (column,)}, required=True) for column in self.opts.only
        )
        return tuple(fields)

    def handle(self, cells: list[str]) -> str | None:
        for column, accepted in self.opts.only.items():
            value = self.text(cells, f"only:{column}")
            if value not in accepted:
                return f"{self.column(f'only:{column}')} {value!r}: not one of the values counted"
        month = self.month(cells, "date")
        stated = self.stated_currency(cells, "currency")
        amount, currency = self.amount(cells, ("amount",), stated=stated)
        self.add(month, amount, currency, self.category(cells))
        return None

    def counted(self) -> tuple[str, ...]:
        return (self.column("amount"),)
