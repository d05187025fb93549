"""
Tests for each export format, on fixtures written like the real exports, and for messy cells.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from lazada_eligibility import ExportFormatError, Money, Month, ValidationError
from lazada_eligibility import importers as im
from lazada_eligibility.importers._dates import DateReader, zone_of
from lazada_eligibility.importers._values import AmountReader, RowError, locale_of

FIXTURES = Path(__file__).parent / "fixtures" / "exports"


def sums(result: im.ImportResult) -> dict[str, Money]:
    """
    Return the records of *result* by month, for exports without categories.
    """
    return {str(t.month): t.amount for t in result.turnover}


def usd(amount: str) -> Money:
    """
    Return *amount* US dollars.
    """
    return Money(amount, "USD")


def eur(amount: str) -> Money:
    """
    Return *amount* euros.
    """
    return Money(amount, "EUR")


class TestBusinessReport:
    def test_by_date_us(self):
        """The US report by date (BOM, CRLF, '$1,234.56') sums Ordered Product Sales by month."""
        result = im.read("amazon-business-report", FIXTURES / "amazon_business_by_date_us.csv")
        expected = {"2026-08": usd("1101.50"), "2026-09": usd("1204.55"), "2026-10": usd("1010.00")}
        assert expected == sums(result)
        assert ("Ordered Product Sales",) == result.report.counted

    def test_b2b_is_not_added_again(self):
        """Ordered Product Sales already includes B2B: the B2B column is not added on top."""
        result = im.read("amazon-business-report", FIXTURES / "amazon_business_by_date_us.csv")
        assert usd("1101.50") == sums(result)["2026-08"]

    def test_by_date_chinese_ui(self):
        """Chinese headers with US$ amounts: a US marketplace seen through the Chinese UI."""
        result = im.read("auto", FIXTURES / "amazon_business_by_date_zh.csv")
        assert {"2026-09": usd("1235.00"), "2026-10": usd("2000.00")} == sums(result)
        assert "zh" == result.report.language

    def test_by_date_spanish(self):
        """Spanish headers, day-first dates and '1.234,56 €'."""
        result = im.read("auto", FIXTURES / "amazon_business_by_date_es.csv")
        assert {"2026-09": eur("1250.00"), "2026-10": eur("999.00")} == sums(result)
        assert "es_ES" == result.report.locale

    def test_by_child_item_german(self):
        """The German report by child item, en-dash headers, for the month the caller names."""
        result = im.read(
            "amazon-business-report", FIXTURES / "amazon_business_by_child_de.csv", month="2026-09"
        )
        assert {"2026-09": eur("1553.97")} == sums(result)

    def test_by_child_item_japanese(self):
        """Japanese full-width bracket headers and full-width yen amounts."""
        result = im.read("auto", FIXTURES / "amazon_business_by_child_ja.csv", month="2026-09")
        assert {"2026-09": Money("14325", "JPY")} == sums(result)

    def test_by_child_item_needs_month(self):
        """Without a date column the caller must name the month."""
        with pytest.raises(ValidationError, match="pass month= with the one calendar month"):
            im.read("amazon-business-report", FIXTURES / "amazon_business_by_child_de.csv")

    def test_by_date_refuses_month(self):
        """month= with a report that has dates is a mistake, and says so."""
        with pytest.raises(ValidationError, match="has a date column"):
            im.read(
                "amazon-business-report",
                FIXTURES / "amazon_business_by_date_us.csv",
                month="2026-09",
            )

    def test_empty_sales_cell(self):
        """An empty Ordered Product Sales cell is a malformed row, not a zero."""
        export = io.StringIO('"Date","Ordered Product Sales"\n"9/1/2026",""\n')
        with pytest.raises(ExportFormatError, match="empty cell") as e:
            im.read("amazon-business-report", export)
        assert "Ordered Product Sales" == e.value.column

    def test_dash_variants_and_spaces(self):
        """Headers with en or em dashes, odd spaces and no spaces around the dash all match."""
        for header in ("Ordered  Product Sales \u2013 B2B", "Ordered Product Sales\u2014B2B"):
            export = io.StringIO(
                f'"Date","{header}"," Ordered Product Sales "\n"9/1/2026","$1","$2"\n'
            )
            result = im.read("amazon-business-report", export)
            assert {"2026-09": usd("2")} == sums(result)

    def test_day_first_locale(self):
        """An Indian report reads '01/07/26' as 1 July with locale en_IN."""
        export = io.StringIO('"Date","Ordered Product Sales"\n"01/07/26","₹1,08,218.36"\n')
        result = im.read("amazon-business-report", export, locale="en_IN")
        assert {"2026-07": Money("108218.36", "INR")} == sums(result)

    def test_month_first_date_that_cannot_be(self):
        """'13/07/26' in a US report is not silently read as 13 July."""
        export = io.StringIO('"Date","Ordered Product Sales"\n"13/07/26","$1.00"\n')
        with pytest.raises(ExportFormatError, match="not a month/day/year date"):
            im.read("amazon-business-report", export)


class TestDateRange:
    def test_us_gross(self):
        """Orders count: product sales + shipping credits + gift wrap credits, by posted month."""
        result = im.read("amazon-date-range", FIXTURES / "amazon_date_range_us.csv")
        expected = {"2026-08": usd("499.00"), "2026-09": usd("1461.99"), "2026-10": usd("1100.00")}
        assert expected == sums(result)
        reasons = {s.reason: s.lines for s in result.report.skipped}
        assert {
            "type 'Refund': refunds count only on the net basis": (11,),
            "type 'Service Fee': not a sale": (12,),
            "type 'Transfer': not a sale": (13,),
            "type 'FBA Inventory Fee': not a sale": (16,),
        } == reasons
        assert 8 == result.report.header_line

    def test_us_net(self):
        """On the net basis refunds and promotional rebates are counted too."""
        result = im.read("amazon-date-range", FIXTURES / "amazon_date_range_us.csv", basis="net")
        assert usd("1420.00") == sums(result)["2026-09"]
        assert "promotional rebates" in result.report.counted

    def test_pacific_boundary(self):
        """An order at 2026-09-30 23:30 PDT belongs to September."""
        result = im.read("amazon-date-range", FIXTURES / "amazon_date_range_us.csv")
        assert usd("1461.99") == sums(result)["2026-09"]
        assert ("PDT",) == result.report.zones

    def test_pacific_boundary_with_zone_named(self):
        """Naming the Pacific zone does not move PDT timestamps out of their month."""
        result = im.read(
            "amazon-date-range",
            FIXTURES / "amazon_date_range_us.csv",
            tz="America/Los_Angeles",
        )
        assert usd("1461.99") == sums(result)["2026-09"]

    def test_counting_in_another_zone(self):
        """Counted in UTC, the 23:30 PDT order moves to October."""
        result = im.read("amazon-date-range", FIXTURES / "amazon_date_range_us.csv", tz="UTC")
        assert usd("1211.99") == sums(result)["2026-09"]
        assert usd("1350.00") == sums(result)["2026-10"]

    def test_preamble_currency(self):
        """'All amounts in USD' in the preamble gives the currency of the plain numbers."""
        result = im.read("amazon-date-range", FIXTURES / "amazon_date_range_us.csv")
        assert ("USD",) == result.report.currencies

    def test_german(self):
        """German headers, types, 'dd.mm.yyyy' dates and '1.234,56' amounts."""
        result = im.read("auto", FIXTURES / "amazon_date_range_de.csv", basis="net")
        assert {"2026-09": eur("1199.00"), "2026-10": eur("1100.00")} == sums(result)

    def test_french(self):
        """French headers, 'sept.' months and narrow no-break space thousands."""
        result = im.read("auto", FIXTURES / "amazon_date_range_fr.csv", basis="net")
        assert {"2026-09": eur("1204.99")} == sums(result)

    def test_italian_zone(self):
        """Italian headers; a UTC 23:30 order on 30 September is October in Rome."""
        as_printed = im.read("auto", FIXTURES / "amazon_date_range_it.csv")
        in_rome = im.read("auto", FIXTURES / "amazon_date_range_it.csv", tz="Europe/Rome")
        assert {"2026-09": eur("1000.00")} == sums(as_printed)
        assert {"2026-10": eur("1000.00")} == sums(in_rome)

    def test_platform_gives_zone(self):
        """platform='amazon.it' counts months in Rome time by default."""
        result = im.read("auto", FIXTURES / "amazon_date_range_it.csv", platform="amazon.it")
        assert {"2026-10": eur("1000.00")} == sums(result)

    def test_spanish(self):
        """Spanish headers and types."""
        result = im.read("auto", FIXTURES / "amazon_date_range_es.csv")
        assert {"2026-09": eur("1510.00")} == sums(result)

    def test_japanese(self):
        """Japanese headers, types, JST timestamps and a currency named inside Japanese text."""
        result = im.read("auto", FIXTURES / "amazon_date_range_ja.csv", basis="net")
        assert [Month(2026, 9)] == [t.month for t in result.turnover]
        assert Money("12695", "JPY") == result.turnover[0].amount
        assert Month(2026, 10) == result.report.excluded[0].month

    def test_currency_option_conflicting_with_preamble(self):
        """A currency the preamble contradicts is refused rather than guessed."""
        with pytest.raises(ExportFormatError, match="says its amounts are in EUR, not USD"):
            im.read("auto", FIXTURES / "amazon_date_range_de.csv", currency="USD")

    def test_no_currency_anywhere(self):
        """Plain numbers with no stated currency ask for one."""
        export = io.StringIO('"date/time","type","product sales"\n"Sep 1, 2026","Order","5.00"\n')
        with pytest.raises(ExportFormatError, match="pass currency="):
            im.read("amazon-date-range", export)
        result = im.read("amazon-date-range", io.StringIO(export.getvalue()), currency="CAD")
        assert {"2026-09": Money("5.00", "CAD")} == sums(result)

    def test_empty_type(self):
        """A row without a type is malformed."""
        export = io.StringIO('"date/time","type","product sales"\n"Sep 1, 2026","","5.00"\n')
        with pytest.raises(ExportFormatError, match="expected a transaction type"):
            im.read("amazon-date-range", export, currency="USD")

    def test_empty_component_is_zero(self):
        """An empty shipping or gift wrap cell adds nothing."""
        export = io.StringIO(
            '"date/time","type","product sales","shipping credits"\n'
            '"Sep 1, 2026","Order","5.00",""\n'
        )
        result = im.read("amazon-date-range", export, currency="USD")
        assert {"2026-09": usd("5.00")} == sums(result)

    def test_unknown_zone_abbreviation(self):
        """A zone abbreviation the library does not know is an error until it is named."""
        export = io.StringIO(
            '"date/time","type","product sales"\n"Sep 30, 2026 11:00:00 PM IST","Order","5.00"\n'
        )
        with pytest.raises(ExportFormatError, match="unknown time zone 'IST'"):
            im.read("amazon-date-range", export, currency="INR")
        export.seek(0)
        result = im.read(
            "amazon-date-range",
            export,
            currency="INR",
            zone_names={"IST": "Asia/Kolkata"},
            tz="UTC",
        )
        assert {"2026-09": Money("5.00", "INR")} == sums(result)


class TestSettlement:
    def test_gross(self):
        """ItemPrice Principal, Shipping and GiftWrap of orders count; the summary row does not."""
        result = im.read("amazon-settlement", FIXTURES / "amazon_settlement.txt")
        assert {"2026-09": usd("1209.99"), "2026-10": usd("500.00")} == sums(result)
        first = result.report.skipped[0]
        assert ("settlement summary row: the deposit total, not a sale", (2,)) == (
            first.reason,
            first.lines,
        )

    def test_net_in_pacific_time(self):
        """Net adds refunds and promotions; amazon.com counts the UTC posting times in Pacific."""
        result = im.read(
            "amazon-settlement",
            FIXTURES / "amazon_settlement.txt",
            basis="net",
            platform="amazon.com",
        )
        assert {"2026-09": usd("1639.99")} == sums(result)

    def test_summary_currency_conflict(self):
        """The summary row's currency wins over a contradicting option, by refusing it."""
        with pytest.raises(ExportFormatError, match="summary row says its amounts are in USD"):
            im.read("amazon-settlement", FIXTURES / "amazon_settlement.txt", currency="EUR")

    def test_row_currency_column(self):
        """A data row's own currency cell is used when it has one."""
        lines = (FIXTURES / "amazon_settlement.txt").read_text("utf-8").splitlines()
        header, row = lines[0].split("\t"), lines[2].split("\t")
        row[header.index("currency")] = "CAD"
        export = io.StringIO("\t".join(header) + "\n" + "\t".join(row) + "\n")
        assert {"2026-09": Money("1200.00", "CAD")} == sums(im.read("amazon-settlement", export))

    def test_bad_currency_code(self):
        """A currency cell that is not an ISO code names its column."""
        text = "settlement-id\ttransaction-type\tamount-type\tamount-description\tamount\tposted-date\tcurrency\n"
        text += "1\tOrder\tItemPrice\tPrincipal\t5.00\t2026-09-01\tdollars\n"
        with pytest.raises(ExportFormatError, match="expected a currency code") as e:
            im.read("amazon-settlement", io.StringIO(text))
        assert "currency" == e.value.column

    def test_posted_date_without_time(self):
        """Without posted-date-time the posted date is used, day first when dotted."""
        text = "settlement-id\ttransaction-type\tamount-type\tamount-description\tamount\tposted-date\n"
        text += "1\tOrder\tItemPrice\tPrincipal\t5,00\t30.09.2026\n"
        result = im.read("amazon-settlement", io.StringIO(text), locale="de_DE", currency="EUR")
        assert {"2026-09": eur("5.00")} == sums(result)

    def test_decimal_comma_in_english_locale(self):
        """'19,99' in an en_US settlement file is an error that suggests '19.99' and a locale."""
        text = "settlement-id\ttransaction-type\tamount-type\tamount-description\tamount\tposted-date\n"
        text += "1\tOrder\tItemPrice\tPrincipal\t19,99\t2026-09-30\n"
        with pytest.raises(ExportFormatError, match=r"'19\.99'.*pass locale="):
            im.read("amazon-settlement", io.StringIO(text), currency="EUR")


class TestEbayOrders:
    def test_orders(self):
        """Sold For plus shipping of each order; item rows of multi-item orders are not added again."""
        result = im.read("ebay-orders", FIXTURES / "ebay_orders.csv")
        expected = {"2026-08": usd("29.50"), "2026-09": usd("1145.00"), "2026-10": usd("1000.00")}
        assert expected == sums(result)
        reasons = {s.reason: s.lines for s in result.report.skipped}
        assert {
            "blank row": (3, 10),
            "item row of a multi-item order: the order's summary row counts it": (7, 8),
            "report footer": (11, 12),
        } == reasons
        assert 2 == result.report.header_line

    def test_total_price(self):
        """The total-price amount counts Total Price, taxes included."""
        result = im.read("ebay-orders", FIXTURES / "ebay_orders.csv", amount="total-price")
        assert usd("1157.09") == sums(result)["2026-09"]

    def test_total_price_needs_the_column(self):
        """amount='total-price' on a report without that column says so."""
        export = io.StringIO("Sales Record Number,Sale Date,Sold For\n1,Sep-01-26,$5\n")
        with pytest.raises(ValidationError, match="no 'Total Price' column"):
            im.read("ebay-orders", export, amount="total-price")

    def test_bad_amount_choice(self):
        """The amount option takes the documented values for the kind."""
        with pytest.raises(ValidationError, match="'sold-for', 'total-price'"):
            im.read("ebay-orders", FIXTURES / "ebay_orders.csv", amount="gross")

    def test_uk_postage_and_pounds(self):
        """The UK report: Postage And Handling, '£1,012.99', day-first '26-Sep-26'."""
        result = im.read("auto", FIXTURES / "ebay_orders_uk.csv")
        expected = {"2026-09": Money("1016.49", "GBP"), "2026-10": Money("19.98", "GBP")}
        assert expected == sums(result)

    def test_empty_sold_for(self):
        """An order row without Sold For is malformed."""
        export = io.StringIO("Sales Record Number,Sale Date,Quantity,Sold For\n1,Sep-01-26,1,\n")
        with pytest.raises(ExportFormatError, match="empty cell"):
            im.read("ebay-orders", export)

    def test_euro_prefix_with_locale(self):
        """'EUR 90,00' reads with a German locale."""
        export = io.StringIO(
            '"Sales Record Number","Sale Date","Quantity","Sold For"\n'
            '"1","Oct-05-26","1","EUR 90,00"\n'
        )
        result = im.read("ebay-orders", export, locale="de_DE")
        assert {"2026-10": eur("90.00")} == sums(result)

    def test_semicolon_delimited(self):
        """A semicolon-separated report (as European spreadsheets save it) is read."""
        export = io.StringIO(
            "Sales Record Number;Sale Date;Quantity;Sold For\n1;Oct-05-26;1;€1.234,50\n"
        )
        result = im.read("ebay-orders", export, locale="de_DE")
        assert {"2026-10": eur("1234.50")} == sums(result)


class TestEbayTransactions:
    def test_gross(self):
        """Gross transaction amount of orders, with '--' empty cells and preamble lines."""
        result = im.read("ebay-transactions", FIXTURES / "ebay_transactions.csv")
        expected = {"2026-08": usd("31.05"), "2026-09": usd("1097.99"), "2026-10": usd("1070.00")}
        assert expected == sums(result)
        assert 6 == result.report.header_line

    def test_net_items(self):
        """Net item subtotals plus shipping: refunds are taken off."""
        result = im.read(
            "ebay-transactions", FIXTURES / "ebay_transactions.csv", basis="net", amount="items"
        )
        expected = {"2026-08": usd("29.50"), "2026-09": usd("1000.00"), "2026-10": usd("1000.00")}
        assert expected == sums(result)

    def test_items_needs_the_column(self):
        """amount='items' on a report without Item subtotal says so."""
        export = io.StringIO("Transaction creation date,Type,Gross transaction amount\n")
        with pytest.raises(ValidationError, match="no 'Item subtotal' column"):
            im.read("ebay-transactions", export, amount="items")

    def test_empty_gross(self):
        """An order without a gross amount ('--') is malformed."""
        export = io.StringIO(
            "Transaction creation date,Type,Gross transaction amount,Transaction currency\n"
            "Sep 1 2026,Order,--,USD\n"
        )
        with pytest.raises(ExportFormatError, match="empty cell"):
            im.read("ebay-transactions", export)


class TestGenericCsv:
    def test_aliexpress(self):
        """An AliExpress export: only finished orders, categories mapped, per-row currency."""
        result = im.read(
            "csv",
            FIXTURES / "aliexpress_orders.csv",
            date_column="Payment Time",
            amount_column="Order Amount",
            currency_column="Currency",
            category_column="Category",
            only={"Order Status": ["Finished"]},
            category_map={"Cellphones & Telecommunications": "mobiles"},
            category="health-beauty",
        )
        expected = {
            ("2026-08", "mobiles"): usd("1150.20"),
            ("2026-09", "mobiles"): usd("1001.00"),
            ("2026-10", "health-beauty"): usd("5.00"),
        }
        assert expected == {(str(t.month), t.category): t.amount for t in result.turnover}
        assert ("Beauty & Health",) == result.report.unmapped

    def test_columns_option(self):
        """columns= can name the generic importer's columns too."""
        export = io.StringIO("when;how much\n2026-09-01;1.000,00\n")
        result = im.read(
            "csv",
            export,
            columns={"date": "when", "amount": "how much"},
            currency="EUR",
            locale="de_DE",
            delimiter=";",
        )
        assert {"2026-09": eur("1000.00")} == sums(result)

    def test_date_format(self):
        """date_format= reads dates with strptime, and names a mismatch."""
        export = io.StringIO("d,a\n30092026,5\n")
        result = im.read(
            "csv", export, date_column="d", amount_column="a", currency="USD", date_format="%d%m%Y"
        )
        assert {"2026-09": usd("5")} == sums(result)
        bad = io.StringIO("d,a\n2026-09-30,5\n")
        with pytest.raises(ExportFormatError, match="expected a date as '%d%m%Y'"):
            im.read(
                "csv", bad, date_column="d", amount_column="a", currency="USD", date_format="%d%m%Y"
            )

    def test_sku_column(self):
        """sku_column with sku_categories splits by category."""
        export = io.StringIO("d,a,s\n2026-09-01,5,A\n2026-09-01,6,B\n")
        result = im.read(
            "csv",
            export,
            date_column="d",
            amount_column="a",
            sku_column="s",
            currency="USD",
            sku_categories={"A": "mobiles", "B": "cameras"},
        )
        assert {"mobiles", "cameras"} == {t.category for t in result.turnover}


class TestAmounts:
    @pytest.mark.parametrize(
        ("locale", "text", "value", "symbol"),
        [
            ("en_US", "$1,234.56", "1234.56", "$"),
            ("en_US", "(12.34)", "-12.34", None),
            ("en_US", "($12.34)", "-12.34", "$"),
            ("en_US", "-$5.00", "-5.00", "$"),
            ("en_US", "$-5.00", "-5.00", "$"),
            ("en_US", "\u22125.00", "-5.00", None),
            ("en_US", "+3", "3", None),
            ("en_US", "US $12.00", "12.00", "US$"),
            ("en_US", "AU $3,000.00", "3000.00", "AU$"),
            ("en_US", "12 USD", "12", "USD"),
            ("de_DE", "1.234,56 €", "1234.56", "€"),
            ("de_DE", "EUR 90,00", "90.00", "EUR"),
            ("fr_FR", "1 234,50 €", "1234.50", "€"),
            ("fr_FR", "1\u00a0234,50 €", "1234.50", "€"),
            ("fr_FR", "1\u202f234,50 €", "1234.50", "€"),
            ("de_CH", "1\u2019234.50", "1234.50", None),
            ("ja_JP", "￥12,345", "12345", "¥"),
            ("en_IN", "₹1,08,218.36", "108218.36", "₹"),
        ],
    )
    def test_read(self, locale, text, value, symbol):
        """Amounts in each locale's own writing are read exactly."""
        assert (Decimal(value), symbol) == AmountReader(locale).read(text, "c")

    @pytest.mark.parametrize(
        ("locale", "text", "message"),
        [
            ("en_US", "1.234,56", "perhaps '1.23456' or '1,234.56'"),
            ("de_DE", "989.91", "as de_DE writes numbers"),
            ("en_US", "abc", "expected an amount"),
            ("en_US", "(5", "expected an amount"),
            ("en_US", "-(5)", "expected an amount"),
            ("en_US", "5-", "expected an amount"),
            ("en_US", "$5 USD", "expected an amount"),
            ("en_US", "--5", "expected an amount"),
        ],
    )
    def test_refused(self, locale, text, message):
        """Text that is not an amount in the locale is refused, never misread."""
        with pytest.raises(RowError, match=message):
            AmountReader(locale).read(text, "c")

    @pytest.mark.parametrize(
        ("locale", "symbol", "currency"),
        [
            ("en_US", "$", "USD"),
            ("en_CA", "$", "CAD"),
            ("en_US", "¥", "JPY"),
            ("ja_JP", "¥", "JPY"),
            ("zh_CN", "¥", "CNY"),
            ("zh_CN", "US$", "USD"),
            ("en_US", "€", "EUR"),
            ("en_US", "eur", "EUR"),
            ("en_US", "AU$", "AUD"),
        ],
    )
    def test_symbols(self, locale, symbol, currency):
        """A symbol stands for the currency the export's locale gives it."""
        assert currency == AmountReader(locale).resolve(symbol)

    def test_generic_symbol_fits_known_currency(self):
        """A bare '$' fits a known CAD currency; '€' does not fit USD."""
        reader = AmountReader("en_US")
        assert reader.consistent("$", "CAD")
        assert not reader.consistent("€", "USD")

    def test_symbol_against_currency(self):
        """A euro amount in an export known to be in dollars is a malformed row."""
        export = io.StringIO("d,a\n2026-09-01,€5\n")
        with pytest.raises(ExportFormatError, match="not an amount in USD"):
            im.read("csv", export, date_column="d", amount_column="a", currency="USD")

    def test_unknown_symbol(self):
        """A symbol no currency has asks for the currency."""
        export = io.StringIO("d,a\n2026-09-01,$$5\n")
        with pytest.raises(ExportFormatError, match="cannot tell which currency '\\$\\$'"):
            im.read("csv", export, date_column="d", amount_column="a")

    def test_symbol_gives_currency(self):
        """Without a currency option the symbol says it."""
        export = io.StringIO("d,a\n2026-09-01,£5\n")
        result = im.read("csv", export, date_column="d", amount_column="a")
        assert {"2026-09": Money("5", "GBP")} == sums(result)

    def test_mixed_currencies_in_one_row(self):
        """Two amounts of one row in different currencies are malformed."""
        export = io.StringIO(
            '"Sales Record Number","Sale Date","Quantity","Sold For","Shipping And Handling"\n'
            '"1","Sep-01-26","1","$5.00","€1.00"\n'
        )
        with pytest.raises(ExportFormatError, match="in EUR, the row's other amounts in USD"):
            im.read("ebay-orders", export)

    def test_sums_are_exact(self):
        """Many small amounts add up exactly, with no float in the way."""
        rows = "".join("2026-09-01,0.10\n" for _ in range(1000))
        result = im.read(
            "csv", io.StringIO("d,a\n" + rows), date_column="d", amount_column="a", currency="USD"
        )
        assert usd("100.00") == result.turnover[0].amount


class TestDates:
    @pytest.mark.parametrize(
        ("locale", "text", "month"),
        [
            ("en_US", "Sep 30, 2026 11:30:00 PM PDT", (2026, 9)),
            ("en_US", "9/30/2026", (2026, 9)),
            ("en_US", "Sep-18-26", (2026, 9)),
            ("en_US", "2026-10-01T06:30:00Z", (2026, 10)),
            ("en_GB", "1 Jan 2024 00:39:48 GMT+01:00", (2024, 1)),
            ("fr_FR", "30 sept. 2026 23:30:00 UTC", (2026, 9)),
            ("fr_FR", "05-oct.-26", (2026, 10)),
            ("de_DE", "3. März 2026", (2026, 3)),
            ("de_DE", "30.09.2026 23:30:00 MESZ", (2026, 9)),
            ("es_ES", "1 ene 2026", (2026, 1)),
            ("it_IT", "1 mag 2026", (2026, 5)),
            ("ja_JP", "2026年9月30日", (2026, 9)),
            ("ja_JP", "2026/09/30 23:30:00 JST", (2026, 9)),
            ("zh_CN", "2026/9/30", (2026, 9)),
        ],
    )
    def test_month(self, locale, text, month):
        """Dates in each export's own form give their month as printed."""
        assert Month(*month) == DateReader(locale).month(text, "c")

    def test_gmt_offset_is_not_inverted(self):
        """'GMT+01:00' means one hour ahead of UTC (dateutil alone would read it as behind)."""
        reader = DateReader("en_GB", tz=zone_of("UTC"))
        assert Month(2025, 12) == reader.month("1 Jan 2026 00:30:00 GMT+01:00", "c")
        assert {"+01:00"} == reader.zones_seen

    def test_stated_offset_wins_over_zone_for_naive(self):
        """A stated offset places the moment; a timestamp without one stays as printed."""
        reader = DateReader("en_US", tz=zone_of("America/Los_Angeles"))
        assert Month(2026, 9) == reader.month("2026-10-01 06:30:00 UTC", "c")
        assert Month(2026, 10) == reader.month("2026-10-01 06:30:00", "c")

    def test_offset_zone(self):
        """The zone may be a fixed offset such as '+08:00'."""
        reader = DateReader("en_US", tz=zone_of("+08:00"))
        assert Month(2026, 10) == reader.month("2026-09-30 17:00:00 UTC", "c")

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "empty cell"),
            ("hello", "expected a date, got 'hello'"),
            ("Sep 30", "with a year"),
            ("13/07/26", "not a month/day/year date"),
            ("Sep 30, 2026 1:00 PM IST", "unknown time zone 'IST'"),
        ],
    )
    def test_refused(self, text, message):
        """Text that is not a date of the export is refused with the reason."""
        with pytest.raises(RowError, match=message):
            DateReader("en_US").month(text, "c")

    def test_day_first_mismatch(self):
        """In a day-first export, a date only valid month-first is refused."""
        with pytest.raises(RowError, match="not a day/month/year date"):
            DateReader("en_GB").month("09/30/2026", "c")

    def test_zone_names(self):
        """zone_names adds abbreviations, by IANA name or offset."""
        reader = DateReader("en_US", zone_names={"IST": "+05:30"})
        assert Month(2026, 9) == reader.month("Sep 30, 2026 1:00 PM IST", "c")
        assert {"IST"} == reader.zones_seen

    def test_bad_zone(self):
        """An unknown zone name is a ValueError naming it."""
        with pytest.raises(ValueError, match="unknown time zone 'Mars/Base'"):
            zone_of("Mars/Base")

    def test_unknown_locale(self):
        """An unknown locale is a ValueError naming it."""
        with pytest.raises(ValueError, match="unknown locale 'xx_YY'"):
            locale_of("xx_YY")
