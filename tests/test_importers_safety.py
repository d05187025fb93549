"""
Tests for what the importers count per line, refuse, bound and say: issues 14 and 15.
"""

from __future__ import annotations

import csv
import decimal
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lazada_eligibility import ExportFormatError, Money, Month, ValidationError
from lazada_eligibility import importers as im
from lazada_eligibility.cli import main as cli_main
from lazada_eligibility.importers import Export

FIXTURES = Path(__file__).parent / "fixtures" / "exports"

CSV_OPTIONS = {"date_column": "day", "amount_column": "total", "currency": "USD"}

ORDERS_HEADER = (
    '"Sales Record Number","Item Number","Quantity","Sold For",'
    '"Shipping And Handling","Total Price","Sale Date"\n'
)
TAXED_HEADER = (
    '"Sales Record Number","Item Number","Quantity","Sold For","Shipping And Handling",'
    '"Seller Collected Tax","eBay Collected Tax","Total Price","Sale Date"\n'
)


def orders(*lines: str, header: str = ORDERS_HEADER) -> io.StringIO:
    """
    Return an eBay orders report with *lines* after its header.
    """
    return io.StringIO(header + "".join(line + "\n" for line in lines))


def amounts(result: im.ImportResult) -> dict[str, Money]:
    """
    Return the records of *result* by month.
    """
    return {str(t.month): t.amount for t in result.turnover}


def run_cli(*argv: str | Path) -> int:
    """
    Run the whole command line, as the lazada-eligibility script does.
    """
    return cli_main([str(a) for a in argv])


def child_report(folder: Path, name: str, sales: str = "1.234,56") -> Path:
    """
    Write a German Business Report by child item, its first SKU selling *sales* EUR.
    """
    text = (FIXTURES / "amazon_business_by_child_de.csv").read_text(encoding="utf-8-sig")
    path = folder / name
    path.write_text(text.replace('"1.234,56 €"', f'"{sales} €"'), encoding="utf-8-sig")
    return path


class TestEbayOrderLines:
    def test_quantity_multiplies_sold_for(self):
        """The issue's line: Quantity 2 at $25.00 is $50.00 of items, not $25.00."""
        export = orders('"1","22","2","$25.00","$4.99","$54.99","Sep-18-26"')
        result = im.read("ebay-orders", export, revenue="items")
        assert {"2026-09": Money("50.00", "USD")} == amounts(result)

    def test_default_counts_shipping(self):
        """The default basis, as the Amazon date range report's, adds the line's shipping."""
        export = orders('"1","22","2","$25.00","$4.99","$54.99","Sep-18-26"')
        result = im.read("ebay-orders", export)
        assert {"2026-09": Money("54.99", "USD")} == amounts(result)
        assert ("Sold For x Quantity", "Shipping And Handling") == result.report.counted

    def test_line_below_its_parts_names_the_line(self):
        """A Total Price below Sold For x Quantity + shipping is reported with its line."""
        export = orders(
            '"1","22","1","$10.00","$0.00","$10.00","Sep-18-26"',
            '"2","23","2","$25.00","$4.99","$29.99","Sep-18-26"',
        )
        with pytest.raises(ExportFormatError, match="does not add up") as e:
            im.read("ebay-orders", export)
        assert 3 == e.value.line
        assert "Total Price" == e.value.column
        assert "Sold For 25.00 x Quantity 2 + Shipping And Handling 4.99 = 54.99" in str(e.value)

    def test_untaxed_total_may_hold_hidden_tax(self):
        """Without tax columns a Total Price above the line's parts is the tax it does not show."""
        export = orders('"1","22","1","$1,090.00","$0.00","$1,097.99","Sep-18-26"')
        assert {"2026-09": Money("1090.00", "USD")} == amounts(im.read("ebay-orders", export))

    def test_taxed_line_must_add_up_exactly(self):
        """With the tax columns present, Total Price must equal the sum of the line's parts."""
        good = '"1","22","2","$25.00","$4.99","$1.00","$2.00","$57.99","Sep-18-26"'
        result = im.read("ebay-orders", orders(good, header=TAXED_HEADER), revenue="items")
        assert {"2026-09": Money("50.00", "USD")} == amounts(result)
        bad = '"1","22","2","$25.00","$4.99","$1.00","$2.00","$58.00","Sep-18-26"'
        with pytest.raises(ExportFormatError, match=r"but Total Price 58\.00") as e:
            im.read("ebay-orders", orders(bad, header=TAXED_HEADER))
        assert 2 == e.value.line

    def test_inconsistent_line_is_a_problem_when_reporting(self):
        """errors='report' skips the line that does not add up and lists it as a problem."""
        export = orders(
            '"1","22","2","$25.00","$4.99","$29.99","Sep-18-26"',
            '"2","23","1","$1,000.00","$0.00","$1,000.00","Sep-19-26"',
        )
        result = im.read("ebay-orders", export, errors="report")
        assert {"2026-09": Money("1000.00", "USD")} == amounts(result)
        assert (2,) == result.report.problems[0].lines

    def test_summary_row_states_the_order(self):
        """A multi-item order's summary row (no item number) already holds its items' total."""
        export = orders(
            '"7","","2","$28.00","$1.50","$31.05","Aug-25-26"',
            '"7","220004","1","$13.00","","","Aug-25-26"',
            '"7","220005","1","$15.00","","","Aug-25-26"',
        )
        result = im.read("ebay-orders", export, revenue="items")
        assert {"2026-08": Money("28.00", "USD")} == amounts(result)

    def test_quantity_column_is_required(self):
        """Without Quantity, Sold For cannot be turned into a line's revenue: refused."""
        export = io.StringIO('"Sales Record Number","Sale Date","Sold For"\n"1","Sep-01-26","$5"\n')
        with pytest.raises(ExportFormatError, match="no 'Quantity' column"):
            im.read("ebay-orders", export)

    def test_total_price_needs_no_quantity(self):
        """amount='total-price' counts Total Price, so an export without Quantity is fine."""
        export = io.StringIO(
            '"Sales Record Number","Sale Date","Sold For","Total Price"\n'
            '"1","Sep-01-26","$5.00","$5.40"\n'
        )
        result = im.read("ebay-orders", export, amount="total-price")
        assert {"2026-09": Money("5.40", "USD")} == amounts(result)

    @pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "two", "", "1" * 10, "\u0661"])
    def test_bad_quantity(self, quantity):
        """A quantity that is not a whole number of at least 1 names the Quantity column."""
        export = orders(f'"1","22","{quantity}","$25.00","$0","$25.00","Sep-18-26"')
        with pytest.raises(ExportFormatError) as e:
            im.read("ebay-orders", export)
        assert "Quantity" == e.value.column

    def test_quantity_with_grouping(self):
        """A quantity written with a thousands separator is read."""
        export = orders('"1","22","1,200","$1.00","$0","$1,200.00","Sep-18-26"')
        result = im.read("ebay-orders", export, revenue="items")
        assert {"2026-09": Money("1200.00", "USD")} == amounts(result)

    def test_product_beyond_bounds(self):
        """A price times a quantity beyond the bound of an amount is refused on its line."""
        export = orders('"1","22","999999999","$9,999,999.00","$0","","Sep-18-26"')
        with pytest.raises(ExportFormatError, match="too large") as e:
            im.read("ebay-orders", export)
        assert 2 == e.value.line

    def test_total_in_another_currency(self):
        """A Total Price in another currency than Sold For names its column."""
        export = orders('"1","22","1","$25.00","$0","€25.00","Sep-18-26"')
        with pytest.raises(ExportFormatError, match="in EUR") as e:
            im.read("ebay-orders", export)
        assert "Total Price" == e.value.column


class TestRevenueBasis:
    def test_date_range_items(self):
        """revenue='items' counts the Date Range report's product sales without shipping."""
        path = FIXTURES / "amazon_date_range_us.csv"
        with_shipping = amounts(im.read("amazon-date-range", path))
        items = amounts(im.read("amazon-date-range", path, revenue="items"))
        assert items.keys() == with_shipping.keys()
        assert all(items[m] <= with_shipping[m] for m in items)
        assert any(items[m] < with_shipping[m] for m in items)

    def test_settlement_items(self):
        """revenue='items' counts only ItemPrice/Principal in a settlement file."""
        result = im.read("amazon-settlement", FIXTURES / "amazon_settlement.txt", revenue="items")
        assert "ItemPrice/Principal)" in result.report.counted[0]
        full = im.read("amazon-settlement", FIXTURES / "amazon_settlement.txt")
        assert sum(t.amount.amount for t in result.turnover) < sum(
            t.amount.amount for t in full.turnover
        )

    def test_ebay_transactions_items_needs_item_amount(self):
        """The gross transaction amount includes shipping, so revenue='items' needs amount='items'."""
        with pytest.raises(ValidationError, match="amount='items'"):
            im.read("ebay-transactions", FIXTURES / "ebay_transactions.csv", revenue="items")
        result = im.read(
            "ebay-transactions", FIXTURES / "ebay_transactions.csv", revenue="items", amount="items"
        )
        assert ("Item subtotal",) == result.report.counted

    def test_bad_value(self):
        """An unknown basis is refused naming the option."""
        with pytest.raises(ValidationError, match="revenue: expected one of"):
            im.read("ebay-orders", FIXTURES / "ebay_orders.csv", revenue="net")

    def test_business_report_takes_no_basis(self):
        """Ordered Product Sales has no shipping in it: the option is not the Business Report's."""
        with pytest.raises(ValidationError, match="revenue"):
            im.read(
                "amazon-business-report",
                FIXTURES / "amazon_business_by_date_us.csv",
                revenue="items",
            )


class TestOneExportOnePeriod:
    def test_report_records_hashes(self):
        """The report holds the SHA-256 of the file and of its rows."""
        report = im.read("auto", FIXTURES / "amazon_date_range_us.csv").report
        assert 64 == len(report.sha256 or "")
        assert 64 == len(report.rows_sha256 or "")
        assert report.sha256 == report.to_dict()["sha256"]

    def test_one_report_three_months_refused(self):
        """One Business Report by child item given for three months is refused, naming both uses."""
        child = FIXTURES / "amazon_business_by_child_de.csv"
        exports = [Export(child, options={"month": m}) for m in ("2026-08", "2026-09", "2026-10")]
        with pytest.raises(ExportFormatError, match="same file") as e:
            im.import_store("amazon.de", "A1", exports)
        assert "export 2 (month='2026-09'" in str(e.value)
        assert "export 1 (" in str(e.value)
        assert "month='2026-08'" in str(e.value)

    def test_overlap_sum_does_not_double(self):
        """overlap='sum' with one file twice is refused, not a doubled month."""
        path = FIXTURES / "amazon_date_range_us.csv"
        with pytest.raises(ExportFormatError, match="same file"):
            im.import_store("amazon.com", "A1", [path, path], overlap="sum")

    def test_same_rows_in_another_file(self, tmp_path):
        """The same rows re-saved in another encoding, delimiter and quoting are still one export."""
        child = FIXTURES / "amazon_business_by_child_de.csv"
        rows = list(csv.reader(io.StringIO(child.read_text(encoding="utf-8-sig"))))
        copy = tmp_path / "copy.csv"
        with copy.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, delimiter=";", quoting=csv.QUOTE_ALL).writerows(rows)
        exports = [
            Export(child, options={"month": "2026-08"}),
            Export(copy, options={"month": "2026-09"}),
        ]
        with pytest.raises(ExportFormatError, match="same rows"):
            im.import_store("amazon.de", "A1", exports)

    def test_streams_are_hashed_too(self):
        """Two text streams with the same content are one export."""
        text = "day,total\n2026-09-01,600\n"
        exports = [Export(io.StringIO(text), "csv"), Export(io.StringIO(text), "csv")]
        with pytest.raises(ExportFormatError, match="export 2"):
            im.import_store("AliExpress", "s", exports, overlap="sum", **CSV_OPTIONS)

    def test_different_months_pass(self, tmp_path):
        """Three different reports for three months import as three months."""
        exports = [
            Export(child_report(tmp_path, f"{m}.csv", sales), options={"month": m})
            for m, sales in (
                ("2026-08", "1.000,00"),
                ("2026-09", "1.100,00"),
                ("2026-10", "1.200,00"),
            )
        ]
        store = im.import_store("amazon.de", "A1", exports).store
        assert [Month(2026, m) for m in (8, 9, 10)] == list(store.months)

    def test_exports_without_rows_are_not_repeats(self):
        """Two empty reports add nothing, so they are not refused as one."""
        exports = [
            Export(io.StringIO("day,total\n"), "csv"),
            Export(io.StringIO("day,total\n"), "csv"),
        ]
        imported = im.import_store("AliExpress", "s", exports, **CSV_OPTIONS)
        assert (None, None) == tuple(r.rows_sha256 for r in imported.reports)

    def test_cli_refuses_one_report_as_three_months(self, capsys):
        """The command line refuses it too, naming --month of both uses, with status 65."""
        child = FIXTURES / "amazon_business_by_child_de.csv"
        code = run_cli(
            "import", "amazon-business-report", child, child, child,
            "--month", "2026-08", "--month", "2026-09", "--month", "2026-10",
            "--store-id", "A1", "--platform", "amazon.de",
        )  # fmt: skip
        err = capsys.readouterr().err
        assert 65 == code
        assert "--month 2026-09" in err
        assert "--month 2026-08" in err


class TestAmountBounds:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("1" * 201, "characters"),
            ("1000000000000000", "too large"),
            ("-1,000,000,000,000,000.00", "too large"),
            ("1.1234567", "7 decimal places"),
        ],
    )
    def test_out_of_bounds_names_line_and_column(self, text, message):
        """An amount outside the bounds is an ExportFormatError naming its line and column."""
        export = io.StringIO(f'day,total\n2026-09-01,1\n2026-09-02,"{text}"\n')
        with pytest.raises(ExportFormatError, match=message) as e:
            im.read("csv", export, **CSV_OPTIONS)
        assert (3, "total") == (e.value.line, e.value.column)

    @pytest.mark.parametrize("text", ["999999999999999.999999", "-999999999999999", "0.000001"])
    def test_just_inside_passes(self, text):
        """Amounts just inside the bounds are read exactly."""
        export = io.StringIO(f"day,total\n2026-09-01,{text}\n")
        month = im.read("csv", export, **CSV_OPTIONS).report.months
        assert (Month(2026, 9),) == month

    def test_month_sum_beyond_bounds(self):
        """Rows within bounds whose month adds up beyond them are refused naming the month."""
        rows = "".join("2026-09-01,900000000000000\n" for _ in range(2))
        with pytest.raises(ExportFormatError, match="2026-09 add up to 1800000000000000"):
            im.read("csv", io.StringIO("day,total\n" + rows), **CSV_OPTIONS)

    def test_sums_ignore_the_callers_context(self):
        """A caller's decimal context with 4 digits and flooring changes no sum."""
        rows = "".join(
            f"2026-09-{d:02d},{v}\n" for d, v in ((1, "999.99"), (2, "0.01"), (3, "-12.345678"))
        )
        expected = amounts(im.read("csv", io.StringIO("day,total\n" + rows), **CSV_OPTIONS))
        for rounding in (decimal.ROUND_FLOOR, decimal.ROUND_HALF_EVEN, decimal.ROUND_UP):
            with decimal.localcontext(prec=4, rounding=rounding, traps=[decimal.Inexact]):
                got = amounts(im.read("csv", io.StringIO("day,total\n" + rows), **CSV_OPTIONS))
            assert expected == got
        assert {"2026-09": Money("987.654322", "USD")} == expected

    def test_negative_in_a_narrow_context(self):
        """A parenthesised negative amount is negated exactly whatever the context."""
        export = "day,total\n2026-09-01,1234567.89\n2026-09-02,(1234567.88)\n"
        with decimal.localcontext(prec=3):
            result = im.read("csv", io.StringIO(export), **CSV_OPTIONS)
        assert {"2026-09": Money("0.01", "USD")} == amounts(result)

    def test_ebay_product_in_a_narrow_context(self):
        """Sold For x Quantity is exact whatever the context."""
        export = orders('"1","22","3","$333.33","$0","$999.99","Sep-18-26"')
        with decimal.localcontext(prec=2):
            result = im.read("ebay-orders", export)
        assert {"2026-09": Money("999.99", "USD")} == amounts(result)


class TestHardening:
    def test_field_over_the_csv_limit_in_data(self):
        """A field over 131,072 characters in a data row names its line."""
        export = io.StringIO("day,total\n2026-09-01," + "1" * 131_073 + "\n")
        with pytest.raises(ExportFormatError, match="longer than 131,072 characters") as e:
            im.read("csv", export, **CSV_OPTIONS)
        assert 2 == e.value.line

    def test_field_over_the_csv_limit_before_the_header(self):
        """A huge field where the header is looked for names its line instead of a traceback."""
        export = io.StringIO('"x"\n"' + "1" * 131_073 + '"\n')
        with pytest.raises(ExportFormatError, match="longer than") as e:
            im.read("csv", export, **CSV_OPTIONS)
        assert 2 == e.value.line
        with pytest.raises(ExportFormatError, match="longer than"):
            im.detect(io.StringIO('"x"\n"' + "1" * 131_073 + '"\n'))

    @pytest.mark.parametrize(
        "encoding", ["rot13", "zip", "hex", "idna", "base64", "utf-7", "unicode_escape"]
    )
    def test_non_text_encodings_refused(self, encoding):
        """Codecs that are not how files are written are refused naming the option."""
        with pytest.raises(ValidationError, match=r"encoding: .*not a text encoding"):
            im.read("csv", FIXTURES / "aliexpress_orders.csv", encoding=encoding, **CSV_OPTIONS)

    @pytest.mark.parametrize("encoding", ["utf-16", "utf-32-le"])
    def test_wide_encodings_refused(self, encoding):
        """Encodings that hide newline bytes inside characters are refused, not misread."""
        with pytest.raises(ValidationError, match="not supported"):
            im.read("csv", FIXTURES / "aliexpress_orders.csv", encoding=encoding, **CSV_OPTIONS)

    @pytest.mark.parametrize("encoding", ["utf-8", "cp932", "gbk", "latin-1", "UTF8", "shift_jis"])
    def test_text_encodings_accepted(self, encoding):
        """The encodings exports are written in are accepted."""
        export = io.BytesIO("day,total\n2026-09-01,5\n".encode(encoding))
        assert 1 == im.read("csv", export, encoding=encoding, **CSV_OPTIONS).report.rows_used

    @pytest.mark.parametrize(
        "zone",
        ["../../etc/passwd", "/etc/localtime", "/usr/share/zoneinfo/UTC", "Europe/../../etc/passwd",
         "EST+5", "Europe/Berlin/", "+24:00", "+08:60", "", "   "],
    )  # fmt: skip
    def test_tz_paths_refused(self, zone):
        """--tz takes IANA names and offsets only: never a path, a POSIX TZ string or a bad offset."""
        with pytest.raises(ValidationError, match="tz: unknown time zone"):
            im.read("csv", FIXTURES / "aliexpress_orders.csv", tz=zone, **CSV_OPTIONS)

    @pytest.mark.parametrize("zone", ["Asia/Tokyo", "UTC", "Etc/GMT+5", "+08:00", "-03:30"])
    def test_tz_names_accepted(self, zone):
        """IANA zone names and fixed offsets are accepted."""
        export = io.StringIO("day,total\n2026-09-15T12:00:00+00:00,5\n")
        assert (Month(2026, 9),) == im.read("csv", export, tz=zone, **CSV_OPTIONS).report.months

    def test_year_9999_with_a_zone(self):
        """A row dated at the end of year 9999, moved into a zone, names its line and column."""
        export = io.StringIO("day,total\n9999-12-31T23:00:00+00:00,5\n")
        with pytest.raises(ExportFormatError, match="out of range") as e:
            im.read("csv", export, tz="Asia/Tokyo", **CSV_OPTIONS)
        assert (2, "day") == (e.value.line, e.value.column)

    def test_year_9999(self):
        """A row dated in 9999, beyond the months the library holds, names its line."""
        with pytest.raises(ExportFormatError, match="not a month") as e:
            im.read("csv", io.StringIO("day,total\n9999-12-31,5\n"), **CSV_OPTIONS)
        assert 2 == e.value.line

    def test_python_messages_name_python_options(self):
        """From Python, a message names the keyword argument and no hard-coded month."""
        with pytest.raises(ValidationError) as e:
            im.read("amazon-business-report", FIXTURES / "amazon_business_by_child_de.csv")
        assert "pass month=" in str(e.value)
        assert "2026-09" not in str(e.value)


class TestCommand:
    def args(self, *extra: str | Path) -> list[str | Path]:
        """
        A csv import of the AliExpress fixture with *extra* arguments.
        """
        return [
            "import", "csv", FIXTURES / "aliexpress_orders.csv", "--store-id", "s1",
            "--date-column", "Payment Time", "--amount-column", "Order Amount",
            "--currency-column", "Currency", *extra,
        ]  # fmt: skip

    def test_unknown_category_did_you_mean(self, capsys):
        """--category mobile is a usage error that suggests 'mobiles'."""
        code = run_cli(*self.args("--platform", "AliExpress", "--category", "mobile"))
        err = capsys.readouterr().err
        assert 64 == code
        assert "--category: unknown category id 'mobile'; did you mean 'mobiles'" in err

    def test_known_category_and_group(self, capsys):
        """A category id of the taxonomy, or a group id, is accepted."""
        assert 0 == run_cli(*self.args("--platform", "AliExpress", "--category", "mobiles", "-q"))
        assert 0 == run_cli(
            *self.args("--platform", "AliExpress", "--category", "3c-digital", "-q")
        )

    def test_unknown_platform_did_you_mean(self, capsys):
        """--platform 'Amazon Malaysia' is a usage error, with the closest names."""
        code = run_cli(*self.args("--platform", "Amazon Malaysia"))
        err = capsys.readouterr().err
        assert 64 == code
        assert "--platform: 'Amazon Malaysia' is not a platform of the catalog" in err
        assert "did you mean" in err
        assert "Traceback" not in err

    def test_unknown_sku_category(self, tmp_path, capsys):
        """A --sku-categories file naming an unknown category is bad input data (65)."""
        skus = tmp_path / "skus.csv"
        skus.write_text("sku,category\nCASE-BLK,mobile\n", encoding="utf-8")
        code = run_cli(*self.args("--platform", "AliExpress", "--sku-categories", skus))
        err = capsys.readouterr().err
        assert 65 == code
        assert "'mobile'" in err
        assert "did you mean 'mobiles'" in err

    @pytest.mark.parametrize("encoding", ["rot13", "zip", "hex", "idna"])
    def test_encoding_is_a_usage_error(self, encoding, capsys):
        """--encoding with a codec that is not a text encoding exits 64 naming --encoding."""
        code = run_cli(*self.args("--platform", "AliExpress", "--encoding", encoding))
        assert 64 == code
        assert "--encoding: " in capsys.readouterr().err

    @pytest.mark.parametrize("zone", ["../../etc/passwd", "/any/absolute/path"])
    def test_tz_path_is_a_usage_error(self, zone, capsys):
        """--tz with a path exits 64 naming --tz."""
        code = run_cli(*self.args("--platform", "AliExpress", "--tz", zone))
        assert 64 == code
        assert "--tz: unknown time zone" in capsys.readouterr().err

    def test_messages_name_flags(self, capsys):
        """A Business Report by child item without --month says --month, not month='2026-09'."""
        child = FIXTURES / "amazon_business_by_child_de.csv"
        code = run_cli("import", "auto", child, "--store-id", "s", "--platform", "amazon.de")
        err = capsys.readouterr().err
        assert 64 == code
        assert "--month: " in err
        assert "pass --month with" in err
        assert "month=" not in err
        assert "2026-09" not in err

    def test_overlap_message_names_the_flag(self, capsys):
        """Overlapping exports tell the command-line user to pass --overlap sum."""
        files = [FIXTURES / "amazon_business_by_date_us.csv", FIXTURES / "amazon_date_range_us.csv"]
        code = run_cli("import", "auto", *files, "--store-id", "s", "--platform", "amazon.com")
        err = capsys.readouterr().err
        assert 65 == code
        assert "pass --overlap sum" in err
        assert "overlap=" not in err

    def test_spelling_does_not_leak(self, capsys):
        """After a command-line run, Python callers see Python option names again."""
        run_cli("import", "auto", FIXTURES / "amazon_business_by_child_de.csv", "--store-id", "s",
                "--platform", "amazon.de")  # fmt: skip
        with pytest.raises(ValidationError, match="pass month="):
            im.read("amazon-business-report", FIXTURES / "amazon_business_by_child_de.csv")

    def test_row_dated_9999_is_65(self, tmp_path, capsys):
        """An export row dated 9999 exits 65 naming the file and line."""
        export = tmp_path / "late.csv"
        export.write_text("day,total\n9999-12-31T23:00:00+00:00,5\n", encoding="utf-8")
        code = run_cli(
            "import", "csv", export, "--store-id", "s", "--platform", "AliExpress",
            "--date-column", "day", "--amount-column", "total", "--currency", "USD",
            "--tz", "Asia/Tokyo",
        )  # fmt: skip
        err = capsys.readouterr().err
        assert 65 == code
        assert f"{export}, line 2, column 'day'" in err

    def test_output_cannot_be_created_is_73(self, tmp_path, capsys):
        """-o in a folder that does not exist exits 73 and creates nothing."""
        out = tmp_path / "missing" / "store.json"
        code = run_cli(*self.args("--platform", "AliExpress", "-q", "-o", out))
        assert 73 == code
        assert "cannot create" in capsys.readouterr().err
        assert not out.parent.exists()

    @pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
    def test_output_cannot_be_written_is_74(self, capsys):
        """-o to a full device exits 74."""
        code = run_cli(*self.args("--platform", "AliExpress", "-q", "-o", "/dev/full"))
        assert 74 == code
        assert "cannot write" in capsys.readouterr().err

    def test_revenue_flag(self, tmp_path, capsys):
        """--revenue items counts eBay lines without their shipping."""
        export = tmp_path / "orders.csv"
        export.write_text(
            ORDERS_HEADER + '"1","22","2","$25.00","$4.99","$54.99","Sep-18-26"\n', "utf-8"
        )
        code = run_cli("import", "ebay-orders", export, "--store-id", "s", "--platform", "ebay.com",
                       "--revenue", "items", "-q")  # fmt: skip
        out = capsys.readouterr().out
        assert 0 == code
        assert "50.00" == json.loads(out)["turnover"][0]["amount"]["amount"]

    def test_one_file_twice_with_overlap_sum(self, capsys):
        """--overlap sum with one file twice exits 65 instead of doubling a month."""
        path = FIXTURES / "amazon_date_range_us.csv"
        code = run_cli("import", "auto", path, path, "--overlap", "sum", "--store-id", "s",
                       "--platform", "amazon.com")  # fmt: skip
        assert 65 == code
        assert "is the same file as export 1" in capsys.readouterr().err


class TestDetect:
    @pytest.mark.parametrize("encoding", ["rot13", "zip", "hex", "utf-16", "bogus"])
    def test_bad_encoding_before_reading(self, encoding):
        """detect() refuses a bad encoding as a ValidationError before reading, as read() does."""
        with pytest.raises(ValidationError, match="encoding: "):
            im.detect(FIXTURES / "aliexpress_orders.csv", encoding)

    def test_auto_with_bad_encoding_on_the_command_line(self, capsys):
        """The command `import auto --encoding zip` is a usage error (64), found by fuzzing."""
        code = run_cli("import", "auto", FIXTURES / "amazon_date_range_us.csv", "--store-id", "s",
                       "--platform", "amazon.com", "--encoding", "zip")  # fmt: skip
        assert 64 == code
        assert "--encoding: 'zip' is not a text encoding" in capsys.readouterr().err


class TestOutputIsNotInput:
    def test_output_over_an_export_is_refused(self, tmp_path, capsys):
        """-o naming one of the exports is a usage error and leaves the export whole (found by fuzzing)."""
        export = tmp_path / "orders.csv"
        export.write_bytes((FIXTURES / "ebay_orders.csv").read_bytes())
        code = run_cli("import", "auto", export, "--store-id", "s", "--platform", "ebay.com",
                       "-q", "-o", export)  # fmt: skip
        assert 64 == code
        assert "writing would destroy it" in capsys.readouterr().err
        assert (FIXTURES / "ebay_orders.csv").read_bytes() == export.read_bytes()

    def test_output_through_a_link_is_refused(self, tmp_path, capsys):
        """A link to the export is the export."""
        export = tmp_path / "orders.csv"
        export.write_bytes((FIXTURES / "ebay_orders.csv").read_bytes())
        link = tmp_path / "link.json"
        link.symlink_to(export)
        code = run_cli("import", "auto", export, "--store-id", "s", "--platform", "ebay.com",
                       "-q", "-o", link)  # fmt: skip
        assert 64 == code
        assert (FIXTURES / "ebay_orders.csv").read_bytes() == export.read_bytes()

    def test_existing_other_output_is_replaced(self, tmp_path, capsys):
        """An existing output that is no input is replaced by the store."""
        out = tmp_path / "store.json"
        out.write_text("old", encoding="utf-8")
        code = run_cli("import", "auto", FIXTURES / "ebay_orders.csv", "--store-id", "s",
                       "--platform", "ebay.com", "-q", "-o", out)  # fmt: skip
        assert 0 == code
        assert "ebay.com" == json.loads(out.read_text(encoding="utf-8"))["platform"]


def _dollars(cents: int) -> str:
    """
    Return *cents* as an en_US dollar amount, such as ``$1,234.05``.
    """
    return f"${cents // 100:,}.{cents % 100:02d}"


class TestEbayLineProperties:
    @given(
        unit=st.integers(0, 10**8),
        quantity=st.integers(1, 1000),
        shipping=st.integers(0, 10**6),
        taxes=st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)),
        revenue=st.sampled_from(["with-shipping", "items"]),
    )
    def test_a_line_that_adds_up_counts_units_times_price(
        self, unit, quantity, shipping, taxes, revenue
    ):
        """A taxed line that adds up counts Sold For x Quantity (+ shipping on the default basis)."""
        total = unit * quantity + shipping + sum(taxes)
        line = [str(quantity), _dollars(unit), _dollars(shipping), *map(_dollars, taxes)]
        row = ",".join(f'"{c}"' for c in ["1", "22", *line, _dollars(total), "Sep-18-26"])
        result = im.read("ebay-orders", orders(row, header=TAXED_HEADER), revenue=revenue)
        expected = unit * quantity + (shipping if revenue == "with-shipping" else 0)
        assert [Money(Decimal(expected) / 100, "USD")] == [t.amount for t in result.turnover]

    @given(
        unit=st.integers(1, 10**8),
        quantity=st.integers(1, 1000),
        shipping=st.integers(0, 10**6),
        off=st.integers(-(10**6), 10**6).filter(bool),
        taxed=st.booleans(),
    )
    def test_a_line_that_does_not_add_up_is_refused(self, unit, quantity, shipping, off, taxed):
        """A Total Price off by any amount is refused with taxes shown, and when too low without."""
        expected = unit * quantity + shipping
        total = expected + off
        assume(total >= 0 and (taxed or off < 0))
        cells = [str(quantity), _dollars(unit), _dollars(shipping)]
        if taxed:
            cells += ["$0.00", "$0.00"]
        row = ",".join(f'"{c}"' for c in ["1", "22", *cells, _dollars(total), "Sep-18-26"])
        header = TAXED_HEADER if taxed else ORDERS_HEADER
        with pytest.raises(ExportFormatError, match="does not add up") as e:
            im.read("ebay-orders", orders(row, header=header))
        assert (2, "Total Price") == (e.value.line, e.value.column)


class TestMappingFlags:
    def test_zone_name(self, tmp_path, capsys):
        """--zone-name names an abbreviation the export uses, so the CLI can read it too."""
        export = tmp_path / "sales.csv"
        export.write_text("day,total\n2026-09-30 23:00 IST,5\n", encoding="utf-8")
        argv = ["import", "csv", export, "--store-id", "s", "--platform", "AliExpress",
                "--date-column", "day", "--amount-column", "total", "--currency", "USD",
                "--tz", "UTC", "-q"]  # fmt: skip
        assert 65 == run_cli(*argv)
        assert "name it with --zone-name" in capsys.readouterr().err
        assert 0 == run_cli(*argv, "--zone-name", "IST=Asia/Kolkata")
        assert "2026-09" == json.loads(capsys.readouterr().out)["turnover"][0]["month"]

    def test_column(self, tmp_path, capsys):
        """--column names a column the importer does not know."""
        text = (FIXTURES / "amazon_business_by_date_us.csv").read_text(encoding="utf-8-sig")
        export = tmp_path / "renamed.csv"
        export.write_text(text.replace('"Ordered Product Sales"', '"Sales (gross)"', 1), "utf-8")
        argv = ["import", "amazon-business-report", export, "--store-id", "s",
                "--platform", "amazon.com", "-q"]  # fmt: skip
        assert 65 == run_cli(*argv)
        capsys.readouterr()
        assert 0 == run_cli(*argv, "--column", "sales=Sales (gross)")

    @pytest.mark.parametrize(
        "extra",
        [
            ("--zone-name", "IST"),
            ("--zone-name", "=Asia/Kolkata"),
            ("--zone-name", "IST=../../etc/passwd"),
            ("--zone-name", "IST=Asia/Kolkata", "--zone-name", "IST=+05:30"),
            ("--column", "nope=x"),
        ],
    )
    def test_bad_pairs_are_usage_errors(self, extra, capsys):
        """A malformed, repeated or unusable pair is a usage error naming its flag."""
        code = run_cli("import", "auto", FIXTURES / "amazon_date_range_us.csv", "--store-id", "s",
                       "--platform", "amazon.com", *extra)  # fmt: skip
        err = capsys.readouterr().err
        assert 64 == code
        assert extra[0] in err
        assert "Traceback" not in err


class TestTotalPriceAmount:
    def test_checked_when_it_can_be(self):
        """amount='total-price' still refuses a line whose Total Price is below its items."""
        export = orders('"1","22","2","$25.00","$4.99","$29.99","Sep-18-26"')
        with pytest.raises(ExportFormatError, match="does not add up"):
            im.read("ebay-orders", export, amount="total-price")

    def test_empty_sold_for_is_not_needed(self):
        """amount='total-price' counts a line without a Sold For by its Total Price alone."""
        export = orders('"1","22","2","","","$54.99","Sep-18-26"')
        result = im.read("ebay-orders", export, amount="total-price")
        assert {"2026-09": Money("54.99", "USD")} == amounts(result)


def date_range_part(folder: Path, name: str, rows: slice) -> Path:
    """
    Write the US Date Range report with only its data rows in *rows*, as another download would.
    """
    lines = (FIXTURES / "amazon_date_range_us.csv").read_text(encoding="utf-8").splitlines()
    head, data = lines[:8], lines[8:]
    path = folder / name
    path.write_text("\n".join([*head, *data[rows]]) + "\n", encoding="utf-8")
    return path


class TestOverlappingRows:
    def test_overlapping_periods_refused_when_summed(self, tmp_path):
        """Two Date Range downloads sharing an order, added with overlap='sum', are refused at the row."""
        first = date_range_part(tmp_path, "aug-sep.csv", slice(0, 6))
        second = date_range_part(tmp_path, "sep-oct.csv", slice(5, None))
        with pytest.raises(ExportFormatError, match="would count that sale twice") as e:
            im.import_store("amazon.com", "A1", [first, second], overlap="sum")
        assert (str(second), 9) == (e.value.path, e.value.line)
        assert "export 1 (" in str(e.value)
        assert "on line 14" in str(e.value)

    def test_adjacent_periods_add_up(self, tmp_path):
        """Two downloads that share no row add up to the whole report."""
        first = date_range_part(tmp_path, "aug-sep.csv", slice(0, 5))
        second = date_range_part(tmp_path, "sep-oct.csv", slice(5, None))
        whole = im.read("amazon-date-range", FIXTURES / "amazon_date_range_us.csv").turnover
        store = im.import_store("amazon.com", "A1", [first, second], overlap="sum").store
        assert [t.amount for t in whole] == [t.amount for t in store.turnover]

    def test_generic_rows_may_repeat(self):
        """A generic CSV has no row identity: an equal row in another export is another sale."""
        exports = [
            Export(io.StringIO("day,total\n2026-09-01,600\n2026-09-02,1\n"), "csv"),
            Export(io.StringIO("day,total\n2026-09-01,600\n2026-09-03,2\n"), "csv"),
        ]
        store = im.import_store("AliExpress", "s", exports, overlap="sum", **CSV_OPTIONS).store
        assert Money("1203", "USD") == store.turnover[0].amount

    def test_child_item_figures_may_recur(self, tmp_path):
        """Reports by child item of two months may share a row's figures by chance."""
        exports = [
            Export(child_report(tmp_path, "aug.csv", "1.000,00"), options={"month": "2026-08"}),
            Export(child_report(tmp_path, "sep.csv", "1.100,00"), options={"month": "2026-09"}),
        ]
        store = im.import_store("amazon.de", "A1", exports, overlap="sum").store
        assert [Month(2026, 8), Month(2026, 9)] == list(store.months)


class TestMultiItemOrders:
    def test_items_must_add_up_to_the_summary(self):
        """Item rows that do not add up to their summary row are an error naming the summary's line."""
        export = orders(
            '"6","31","1","$5.00","$0","$5.00","Aug-20-26"',
            '"7","","2","$28.00","$1.50","$31.05","Aug-25-26"',
            '"7","220004","1","$13.00","","","Aug-25-26"',
            '"7","220005","2","$15.00","","","Aug-25-26"',
            '"8","32","1","$5.00","$0","$5.00","Aug-26-26"',
        )
        with pytest.raises(ExportFormatError, match=r"summary row says 2 items for 28\.00") as e:
            im.read("ebay-orders", export)
        assert (3, "Sold For") == (e.value.line, e.value.column)
        assert "3 items for 43.00" in str(e.value)

    def test_last_order_is_checked_without_a_footer(self):
        """The last order of an export without its footer is checked and counted too."""
        good = orders(
            '"7","","2","$28.00","$1.50","$31.05","Aug-25-26"',
            '"7","220004","1","$13.00","","","Aug-25-26"',
            '"7","220005","1","$15.00","","","Aug-25-26"',
        )
        assert {"2026-08": Money("29.50", "USD")} == amounts(im.read("ebay-orders", good))
        bad = orders(
            '"7","","2","$28.00","$1.50","$31.05","Aug-25-26"',
            '"7","220004","1","$13.00","","","Aug-25-26"',
        )
        with pytest.raises(ExportFormatError, match="1 item rows say 1 items") as e:
            im.read("ebay-orders", bad)
        assert 2 == e.value.line

    def test_row_without_item_number_or_items_is_a_line(self):
        """A row with no item number and no item rows after it is a line: its Sold For is per item."""
        export = orders(
            '"7","","2","$25.00","$4.99","$54.99","Sep-18-26"',
            '"8","32","1","$5.00","$0","$5.00","Sep-19-26"',
        )
        result = im.read("ebay-orders", export, revenue="items")
        assert {"2026-09": Money("55.00", "USD")} == amounts(result)

    def test_rows_of_one_record_without_a_summary_all_count(self):
        """Rows sharing a record number after a row with an item number are items of their own."""
        export = orders(
            '"7","220004","2","$13.00","$0","$26.00","Aug-25-26"',
            '"7","220005","1","$15.00","$0","$15.00","Aug-25-26"',
        )
        result = im.read("ebay-orders", export, revenue="items")
        assert {"2026-08": Money("41.00", "USD")} == amounts(result)
        assert 2 == result.report.rows_used
