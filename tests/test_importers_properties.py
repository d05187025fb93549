"""
Property tests: rows rendered in each export format and locale read back to exact monthly sums.

The strategies live here, not in ``tests/strategies.py``: they build export
files, which only the importers' tests need.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import tracemalloc
from collections.abc import Callable, Iterator
from decimal import Decimal

import attrs
import babel.dates
import babel.numbers
from hypothesis import given
from hypothesis import strategies as st

from lazada_eligibility import Money, Month
from lazada_eligibility import importers as im
from lazada_eligibility.importers._values import format_data


@attrs.frozen
class Row:
    """
    One sale or refund to render: when (wall-clock time in the export's zone), how much, which SKU.
    """

    when: dt.datetime
    cents: int
    sku: str


@attrs.frozen
class Rendered:
    """
    An export file and how to read it.
    """

    kind: str
    text: str
    options: dict[str, object]
    currency: str
    rows: int


def rows(*, negative: bool = True) -> st.SearchStrategy[list[Row]]:
    """
    Rows over three years, amounts up to a million, refunds when *negative*.
    """
    low = -10_000_000 if negative else 0
    return st.lists(
        st.builds(
            Row,
            when=st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2027, 12, 31, 23, 59, 59)),
            cents=st.integers(low, 100_000_000),
            sku=st.sampled_from(["MUG-1", "LAMP-2", "CASE-BLK"]),
        ),
        max_size=25,
    )


def amount(row: Row, currency: str) -> Decimal:
    """
    The row's amount in *currency* (whole units for currencies without cents).
    """
    digits = babel.numbers.get_currency_precision(currency)
    return Decimal(row.cents).scaleb(-2) if digits == 2 else Decimal(row.cents)


def expected_sums(data: list[Row], currency: str) -> dict[Month, Decimal]:
    """
    What the importer must find: the sum of the rows' amounts per wall-clock month.
    """
    result: dict[Month, Decimal] = {}
    for row in data:
        month = Month(row.when.year, row.when.month)
        result[month] = result.get(month, Decimal(0)) + amount(row, currency)
    return result


def found_sums(result: im.ImportResult) -> dict[Month, Decimal]:
    """
    What the importer found: the records plus what it left out (and why, checked).
    """
    found = {t.month: t.amount.amount for t in result.turnover}
    for excluded in result.report.excluded:
        (money,) = excluded.amounts
        assert money.amount < 0
        assert "negative" in excluded.reason
        found[excluded.month] = money.amount
    return found


def quote(cells: list[str], delimiter: str = ",") -> str:
    """
    One CSV line with every cell quoted, as Amazon and eBay write them.
    """
    return delimiter.join('"' + c.replace('"', '""') + '"' for c in cells)


def header(kind: str, key: str, language: str) -> str:
    """
    The column name of *key* in *kind*'s export in *language*.
    """
    return format_data()[kind]["fields"][key][language][0]


def money_text(value: Decimal, currency: str, locale: str, *, accounting: bool = False) -> str:
    """
    *value* as the locale writes an amount of money.
    """
    kind = "accounting" if accounting else "standard"
    return babel.numbers.format_currency(value, currency, locale=locale, format_type=kind)


def number_text(value: Decimal, locale: str, *, grouped: bool) -> str:
    """
    *value* as the locale writes a plain number, with or without thousands separators.
    """
    pattern = "#,##0.00" if grouped else "0.00"
    return babel.numbers.format_decimal(value, format=pattern, locale=locale)


BUSINESS_LOCALES = {
    "en": ("en_US", "USD", "{d.month}/{d.day}/{d.year}"),
    "de": ("de_DE", "EUR", "{d.day:02d}.{d.month:02d}.{d.year}"),
    "es": ("es_ES", "EUR", "{d.day:02d}/{d.month:02d}/{d.year}"),
    "ja": ("ja_JP", "JPY", "{d.year}/{d.month:02d}/{d.day:02d}"),
    "zh": ("zh_CN", "USD", "{d.year}/{d.month}/{d.day}"),
}


def business_report(data: list[Row], language: str) -> Rendered:
    """
    A Business Report by date in *language*, amounts with the currency symbol.
    """
    locale, currency, date = BUSINESS_LOCALES[language]
    kind = "amazon-business-report"
    lines = [
        quote([header(kind, "date", language), header(kind, "sales", language), "Units Ordered"])
    ]
    for row in data:
        value = money_text(amount(row, currency), currency, locale)
        lines.append(quote([date.format(d=row.when), value, "1"]))
    return Rendered(kind, "\ufeff" + "\r\n".join(lines) + "\r\n", {}, currency, len(data))


DATE_RANGE_LOCALES = {
    "en": ("en_US", "USD", "PDT"),
    "de": ("de_DE", "EUR", "UTC"),
    "fr": ("fr_FR", "EUR", "UTC"),
    "es": ("es_ES", "EUR", "UTC"),
    "it": ("it_IT", "EUR", "UTC"),
    "ja": ("ja_JP", "JPY", "JST"),
}


def stamp(when: dt.datetime, language: str, zone: str) -> str:
    """
    A Date Range report timestamp as the site in *language* writes it.
    """
    locale = DATE_RANGE_LOCALES[language][0]
    time = when.strftime("%H:%M:%S")
    if language == "en":
        return f"{when:%b} {when.day}, {when.year} {when:%I:%M:%S %p} {zone}"
    if language == "de":
        return f"{when:%d.%m.%Y} {time} {zone}"
    if language == "ja":
        return f"{when:%Y/%m/%d} {time} {zone}"
    month = babel.dates.get_month_names("abbreviated", locale=locale)[when.month]
    return f"{when.day} {month} {when.year} {time} {zone}"


def date_range(data: list[Row], language: str, *, grouped: bool) -> Rendered:
    """
    A Date Range report in *language*: preamble, orders, refunds and a transfer.
    """
    locale, currency, zone = DATE_RANGE_LOCALES[language]
    kind = "amazon-date-range"
    types = format_data()[kind]["types"]
    order, refund = (
        types[t][["en", "de", "fr", "es", "it", "ja"].index(language)] for t in ("order", "refund")
    )
    columns = ["datetime", "type", "sku", "product_sales", "shipping_credits"]
    lines = [
        quote(["Includes Amazon Marketplace transactions"]),
        quote([f"All amounts in {currency}, unless specified"]),
        quote([header(kind, key, language) for key in columns] + ["total"]),
    ]
    for row in data:
        value = number_text(amount(row, currency), locale, grouped=grouped)
        kind_text = refund if row.cents < 0 else order
        lines.append(
            quote([stamp(row.when, language, zone), kind_text, row.sku, value, "0", value])
        )
    lines.append(
        quote([stamp(dt.datetime(2026, 1, 2), language, zone), "Transfer", "", "0", "0", "-1"])
    )
    return Rendered(kind, "\n".join(lines) + "\n", {"basis": "net"}, currency, len(data) + 1)


def settlement(data: list[Row]) -> Rendered:
    """
    A settlement flat file: a summary row, then one ItemPrice/Principal row per sale or refund.
    """
    names = [
        "settlement-id",
        "total-amount",
        "currency",
        "transaction-type",
        "amount-type",
        "amount-description",
        "amount",
        "posted-date",
        "posted-date-time",
        "sku",
    ]
    lines = ["\t".join(names), "1\t0.00\tUSD" + "\t" * 7]
    for row in data:
        kind = "Refund" if row.cents < 0 else "Order"
        cells = [
            "1",
            "",
            "",
            kind,
            "ItemPrice",
            "Principal",
            f"{amount(row, 'USD'):.2f}",
            f"{row.when:%Y-%m-%d}",
            f"{row.when:%Y-%m-%d %H:%M:%S} UTC",
            row.sku,
        ]
        lines.append("\t".join(cells))
    return Rendered(
        "amazon-settlement", "\n".join(lines) + "\n", {"basis": "net"}, "USD", len(data) + 1
    )


def ebay_orders(data: list[Row]) -> Rendered:
    """
    An eBay orders report: a line of commas, the header, a padding row, orders, the footer.
    """
    lines = [
        ",,,,,",
        quote(
            [
                "Sales Record Number",
                "Sale Date",
                "Quantity",
                "Sold For",
                "Shipping And Handling",
                "Total Price",
            ]
        ),
        quote(["", "", "", "", "", ""]),
    ]
    for number, row in enumerate(data, 1):
        value = money_text(amount(row, "USD"), "USD", "en_US")
        lines.append(quote([str(number), f"{row.when:%b-%d-%y}", "1", value, "$0.00", value]))
    lines.extend(["", f"{len(data)},record(s) downloaded,", "Seller ID : someone"])
    return Rendered("ebay-orders", "\n".join(lines) + "\n", {}, "USD", len(data) + 4)


def ebay_transactions(data: list[Row], *, grouped: bool) -> Rendered:
    """
    An eBay transaction report: preamble, orders and refunds, '--' for empty cells.
    """
    lines = [
        quote(["Transaction report"]),
        quote(["Start date", "Jan 1, 2025"]),
        "",
        quote(
            [
                "Transaction creation date",
                "Type",
                "Order number",
                "Item subtotal",
                "Gross transaction amount",
                "Transaction currency",
            ]
        ),
    ]
    for row in data:
        value = number_text(amount(row, "USD"), "en_US", grouped=grouped)
        kind = "Refund" if row.cents < 0 else "Order"
        lines.append(
            quote(
                [f"{row.when:%b} {row.when.day}, {row.when.year}", kind, "--", "--", value, "USD"]
            )
        )
    return Rendered(
        "ebay-transactions", "\n".join(lines) + "\n", {"basis": "net"}, "USD", len(data)
    )


CSV_LOCALES = ("en_US", "de_DE", "fr_FR", "ja_JP", "en_IN", "de_CH")


def generic(data: list[Row], locale: str, currency: str, *, accounting: bool) -> Rendered:
    """
    A generic CSV with ISO timestamps, a currency column and locale-written amounts.
    """
    lines = ["Payment Time;Order Amount;Currency"]
    for row in data:
        value = money_text(amount(row, currency), currency, locale, accounting=accounting)
        lines.append(f'{row.when:%Y-%m-%d %H:%M:%S};"{value}";{currency}')
    options = {
        "date_column": "Payment Time",
        "amount_column": "Order Amount",
        "currency_column": "Currency",
        "locale": locale,
        "delimiter": ";",
    }
    return Rendered("csv", "\n".join(lines) + "\n", options, currency, len(data))


def check(rendered: Rendered, data: list[Row]) -> None:
    """
    Read *rendered* and compare with what *data* says, exactly.
    """
    result = im.read(rendered.kind, io.StringIO(rendered.text), **rendered.options)
    assert expected_sums(data, rendered.currency) == found_sums(result)
    assert {rendered.currency} >= {t.amount.currency for t in result.turnover}
    report = result.report
    assert rendered.rows == report.rows_read
    assert report.rows_read == report.rows_used + report.rows_skipped
    assert len(data) == report.rows_used
    assert () == report.problems


class TestRoundTrip:
    @given(rows(negative=False), st.sampled_from(sorted(BUSINESS_LOCALES)))
    def test_business_report(self, data, language):
        """Business Reports by date in five languages give back each month's sum."""
        check(business_report(data, language), data)

    @given(rows(), st.sampled_from(sorted(DATE_RANGE_LOCALES)), st.booleans())
    def test_date_range(self, data, language, grouped):
        """Date Range reports in six languages give back each month's net sum."""
        check(date_range(data, language, grouped=grouped), data)

    @given(rows())
    def test_settlement(self, data):
        """Settlement flat files give back each month's net sum."""
        check(settlement(data), data)

    @given(rows(negative=False))
    def test_ebay_orders(self, data):
        """Orders reports from eBay give back each month's sum."""
        check(ebay_orders(data), data)

    @given(rows(), st.booleans())
    def test_ebay_transactions(self, data, grouped):
        """Transaction reports from eBay give back each month's net sum."""
        check(ebay_transactions(data, grouped=grouped), data)

    @given(
        rows(),
        st.sampled_from(CSV_LOCALES),
        st.sampled_from(["USD", "EUR", "JPY", "GBP", "INR"]),
        st.booleans(),
    )
    def test_generic(self, data, locale, currency, accounting):
        """Generic CSVs in six locales, standard or accounting negatives, give back the sums."""
        check(generic(data, locale, currency, accounting=accounting), data)

    @given(rows(), st.sampled_from(["UTC", "Asia/Tokyo", "America/Los_Angeles"]))
    def test_zone_moves_whole_rows(self, data, zone):
        """Counting in another zone moves rows between months but never loses or adds money."""
        rendered = settlement(data)
        result = im.read(rendered.kind, io.StringIO(rendered.text), basis="net", tz=zone)
        total = sum(found_sums(result).values(), Decimal(0))
        assert sum((amount(r, "USD") for r in data), Decimal(0)) == total


class _Endless(io.TextIOBase):
    """
    A text stream that makes its lines as they are read: a file too big to hold.
    """

    def __init__(self, rows: int, line: Callable[[int], str]) -> None:
        self._lines: Iterator[str] = itertools.chain(
            ["Payment Time,Order Amount\n"], (line(i) for i in range(rows))
        )

    def readable(self) -> bool:
        return True

    def __next__(self) -> str:
        return next(self._lines)

    def read(self, size: int | None = -1) -> str:
        return ""


class TestStreaming:
    def test_memory_does_not_grow_with_rows(self):
        """Ten times the rows take about the same memory: rows are streamed, not kept."""

        def line(i: int) -> str:
            return f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d},1{i % 1000:03d}.50\n"

        def peak(rows: int) -> tuple[int, Money]:
            tracemalloc.start()
            result = im.read(
                "csv",
                _Endless(rows, line),
                date_column="Payment Time",
                amount_column="Order Amount",
                currency="USD",
            )
            used = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            return used, result.turnover[0].amount

        im.read(
            "csv",
            _Endless(10, line),
            date_column="Payment Time",
            amount_column="Order Amount",
            currency="USD",
        )
        small, _ = peak(2_000)
        large, january = peak(20_000)
        assert large < 2 * small + 200_000
        expected = sum(Decimal(f"1{i % 1000:03d}.50") for i in range(0, 20_000, 12))
        assert Money(expected, "USD") == january
