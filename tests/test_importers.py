"""
Tests for the importers' shared behaviour: entry points, options, reports, stores.
"""

from __future__ import annotations

import io
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from lazada_eligibility import (
    ExportFormatError,
    Money,
    Month,
    MonthlyTurnover,
    Store,
    ValidationError,
)
from lazada_eligibility import importers as im
from lazada_eligibility.importers import Export, ImportReport, SkippedRows

FIXTURES = Path(__file__).parent / "fixtures" / "exports"

CSV_OPTIONS = {"date_column": "day", "amount_column": "total", "currency": "USD"}


def child_report(folder: Path, month: str, sales: str) -> Path:
    """
    Write a German Business Report by child item for *month*, its first SKU selling *sales* EUR.
    """
    text = (FIXTURES / "amazon_business_by_child_de.csv").read_text(encoding="utf-8-sig")
    path = folder / f"BusinessReport-{month}.csv"
    path.write_text(text.replace('"1.234,56 €"', f'"{sales} €"'), encoding="utf-8-sig")
    return path


def csv_text(*rows: str, header: str = "day,total") -> io.StringIO:
    """
    Return a small generic CSV export as a stream.
    """
    return io.StringIO("\n".join((header, *rows)) + "\n")


def sums(result: im.ImportResult) -> dict[tuple[str, str | None], Money]:
    """
    Return the records of *result* keyed by month and category.
    """
    return {(str(t.month), t.category): t.amount for t in result.turnover}


class TestRead:
    def test_kinds(self):
        """Every documented kind is known, in the documented order."""
        expected = (
            "amazon-business-report",
            "amazon-date-range",
            "amazon-settlement",
            "ebay-orders",
            "ebay-transactions",
            "csv",
        )
        assert expected == im.KINDS

    def test_unknown_kind(self):
        """An unknown kind is a ValidationError that lists the kinds."""
        with pytest.raises(ValidationError, match="amazon-date-range") as e:
            im.read("shopify", csv_text())
        assert "kind" == e.value.problems[0].path

    def test_path_and_stream_read_alike(self):
        """A path, a text stream and a binary stream give the same result."""
        path = FIXTURES / "amazon_business_by_date_us.csv"
        from_path = im.read("amazon-business-report", path)
        from_text = im.read("amazon-business-report", io.StringIO(path.read_text("utf-8-sig")))
        from_bytes = im.read("amazon-business-report", io.BytesIO(path.read_bytes()))
        assert from_path.turnover == from_text.turnover == from_bytes.turnover
        assert str(path) == from_path.report.source
        assert "<stream>" == from_text.report.source

    def test_str_path(self):
        """A path given as a string is opened too."""
        path = FIXTURES / "amazon_business_by_date_us.csv"
        assert im.read("auto", str(path)).turnover == im.read("auto", path).turnover

    def test_bom_in_stream_is_dropped(self):
        """A byte-order mark at the start of a text stream does not spoil the first column."""
        result = im.read("csv", csv_text("2026-09-01,5", header="\ufeffday,total"), **CSV_OPTIONS)
        assert {("2026-09", None): Money("5", "USD")} == sums(result)

    def test_not_a_path_or_stream(self):
        """Something that is neither a path nor a stream is a TypeError."""
        with pytest.raises(TypeError, match="path or an open text stream"):
            im.read("csv", 42, **CSV_OPTIONS)  # type: ignore[arg-type]

    def test_missing_file(self):
        """A path that does not exist raises FileNotFoundError."""
        with pytest.raises(FileNotFoundError):
            im.read("csv", FIXTURES / "nope.csv", **CSV_OPTIONS)

    def test_empty_file(self):
        """An empty file is not the expected format, and the message says none were found."""
        with pytest.raises(ExportFormatError, match="the columns found are none"):
            im.read("csv", io.StringIO(""), **CSV_OPTIONS)

    def test_wrong_format_names_missing_and_found_columns(self):
        """A file of another format names the missing columns and the columns it has."""
        with pytest.raises(ExportFormatError) as e:
            im.read("amazon-date-range", FIXTURES / "ebay_orders.csv")
        message = str(e.value)
        assert "missing the columns 'date/time', 'type', 'product sales'" in message
        assert "'Sales Record Number'" in message
        assert 2 == e.value.line

    def test_wrong_format_one_missing_column(self):
        """When the header has all but one column, only that one is named."""
        with pytest.raises(ExportFormatError, match="missing the column 'product sales';"):
            im.read("amazon-date-range", io.StringIO('"date/time","type","total"\n'))

    def test_undecodable_file(self, tmp_path):
        """Bytes that are not in the encoding name the file, the line and the fix."""
        path = tmp_path / "jp.csv"
        path.write_bytes("日付,注文商品の売上額\n".encode("cp932"))
        with pytest.raises(ExportFormatError, match="pass encoding=") as e:
            im.read("amazon-business-report", path)
        assert 1 == e.value.line

    def test_undecodable_row_after_the_head(self, tmp_path):
        """A bad byte deep in a large file names the line it is on."""
        rows = "".join(f"2026-09-01,{i}\n" for i in range(100))
        path = tmp_path / "big.csv"
        path.write_bytes(b"day,total\n" + rows.encode() + b"2026-09-02,\xff\n")
        with pytest.raises(ExportFormatError, match="cannot be read as utf-8-sig") as e:
            im.read("csv", path, **CSV_OPTIONS)
        assert 102 == e.value.line

    def test_encoding_option(self, tmp_path):
        """encoding= reads a Shift-JIS export from Amazon Japan."""
        path = tmp_path / "jp.csv"
        path.write_bytes('日付,注文商品の売上額\n2026/09/30,"￥1,000"\n'.encode("cp932"))
        result = im.read("amazon-business-report", path, encoding="cp932")
        assert {("2026-09", None): Money("1000", "JPY")} == sums(result)

    def test_csv_error_names_line(self):
        """A line the csv module cannot split (a NUL byte) is an ExportFormatError with its line."""
        with pytest.raises(ExportFormatError) as e:
            im.read("csv", csv_text("2026-09-01,5", "2026-09-02,\x00"), **CSV_OPTIONS)
        assert 3 == e.value.line

    def test_stream_position_restored_by_detect(self):
        """detect() puts a seekable stream back, so read() can follow it."""
        stream = (FIXTURES / "ebay_orders.csv").open(encoding="utf-8", newline="")
        with stream:
            assert "ebay-orders" == im.detect(stream)
            assert 4 == im.read("auto", stream).report.rows_used


class TestOptions:
    def test_unknown_option_lists_the_accepted_ones(self):
        """An option the kind does not take is named, with the ones it takes."""
        with pytest.raises(ValidationError, match="basis: is not an option of 'csv'") as e:
            im.read("csv", csv_text(), basis="net", **CSV_OPTIONS)
        assert "date_column" in str(e.value)

    def test_every_bad_option_at_once(self):
        """Several bad options are all reported in one error."""
        with pytest.raises(ValidationError) as e:
            im.read(
                "amazon-date-range",
                csv_text(),
                basis="sometimes",
                errors="ignore",
                currency="dollars",
                locale="xx_YY",
                tz="Mars/Base",
                encoding="no-such",
                max_lines=-1,
            )
        paths = [p.path for p in e.value.problems]
        assert ["basis", "currency", "encoding", "errors", "locale", "max_lines", "tz"] == paths

    @pytest.mark.parametrize(
        ("name", "value", "message"),
        [
            ("category", " ", "non-blank text"),
            ("columns", {"date": 3}, "mapping of non-blank text"),
            ("zone_names", {"IST": "Nowhere/City"}, "unknown time zone"),
            ("month", "2026-13", "expected a month"),
            ("delimiter", ";;", "one character"),
            ("only", ["Finished"], "mapping of column"),
            ("only", {"Order Status": "Finished"}, "collection of accepted values"),
            ("category_map", 5, "mapping or a function"),
            ("sku_categories", 5, "mapping of non-blank text"),
            ("platform", 5, "non-blank text"),
        ],
    )
    def test_bad_values(self, name, value, message):
        """Each bad option value is named with what was wrong."""
        options = {**CSV_OPTIONS, name: value}
        kind = "amazon-business-report" if name == "month" else "csv"
        if kind != "csv":
            options = {name: value}
        with pytest.raises(ValidationError, match=message) as e:
            im.read(kind, csv_text(), **options)
        assert name == e.value.problems[0].path

    def test_required_generic_columns(self):
        """The generic importer needs the date and amount columns named."""
        with pytest.raises(ValidationError) as e:
            im.read("csv", csv_text(), currency="USD")
        assert ["date_column", "amount_column"] == [p.path for p in e.value.problems]

    def test_columns_override_unknown_key(self):
        """columns= with a key the kind does not have is refused, listing the keys."""
        with pytest.raises(ValidationError, match="sales_total: not a column"):
            im.read("amazon-business-report", csv_text(), columns={"sales_total": "x"})

    def test_columns_override(self):
        """columns= names a column whose header the importer does not know."""
        export = io.StringIO('Datum,Umsatz (brutto)\n30.09.2026,"1.000,00 €"\n')
        result = im.read(
            "amazon-business-report", export, columns={"sales": "Umsatz (brutto)"}, locale="de_DE"
        )
        assert {("2026-09", None): Money("1000.00", "EUR")} == sums(result)

    def test_platform_family_must_match(self):
        """An eBay export read for an Amazon store is refused."""
        with pytest.raises(ValidationError, match="export of ebay, not of Amazon US"):
            im.read("ebay-orders", FIXTURES / "ebay_orders.csv", platform="amazon.com")

    def test_unknown_platform_gives_no_defaults(self):
        """A platform the catalog does not know is allowed and sets nothing."""
        result = im.read("csv", csv_text("2026-09-01,5"), platform="My Shop", **CSV_OPTIONS)
        assert 1 == len(result.turnover)

    def test_platform_object(self):
        """A Platform value is taken as it is."""
        from lazada_eligibility.platforms import DEFAULT_PLATFORMS

        ebay = DEFAULT_PLATFORMS.get("ebay.co.uk")
        result = im.read("ebay-orders", FIXTURES / "ebay_orders_uk.csv", platform=ebay)
        assert "GBP" == result.turnover[0].amount.currency


class TestErrors:
    def test_malformed_row_raises_with_line_and_column(self):
        """By default the first malformed row stops the import, naming line and column."""
        with pytest.raises(ExportFormatError) as e:
            im.read("csv", csv_text("2026-09-01,5", "2026-09-02,five"), **CSV_OPTIONS)
        assert (3, "total") == (e.value.line, e.value.column)
        assert "<stream>, line 3, column 'total'" in str(e.value)

    def test_report_mode_records_problems(self):
        """With errors='report' malformed rows are skipped as problems, with their lines."""
        result = im.read(
            "csv",
            csv_text("2026-09-01,5", "2026-09-02,five", "someday,1", "2026-09-03,7"),
            errors="report",
            **CSV_OPTIONS,
        )
        assert {("2026-09", None): Money("12", "USD")} == sums(result)
        problems = result.report.problems
        assert [(3,), (4,)] == [p.lines for p in problems]
        assert all(p.problem for p in problems)
        assert "column 'total': expected an amount" in problems[0].reason

    def test_report_mode_still_stops_without_currency(self):
        """Amounts whose currency nothing states stop the import even with errors='report'."""
        with pytest.raises(ExportFormatError, match="pass currency="):
            im.read(
                "csv",
                csv_text("2026-09-01,5"),
                errors="report",
                date_column="day",
                amount_column="total",
            )

    def test_zero_without_currency_only_marks_the_month(self):
        """A zero amount with no currency adds nothing but still shows its month."""
        result = im.read("csv", csv_text("2026-09-01,0"), date_column="day", amount_column="total")
        assert () == result.turnover
        assert (Month(2026, 9),) == result.report.months

    def test_max_lines(self):
        """Only the first max_lines line numbers of a reason are kept; the count is exact."""
        rows = [f"2026-09-{d:02d},x" for d in range(1, 11)]
        result = im.read("csv", csv_text(*rows), errors="report", max_lines=3, **CSV_OPTIONS)
        (skipped,) = result.report.skipped
        assert (10, (2, 3, 4)) == (skipped.count, skipped.lines)
        assert skipped.describe().endswith("(lines 2, 3, 4, ...)")

    def test_reasons_are_bounded(self):
        """Past 50 distinct reasons, the rest are counted together: memory stays bounded."""
        rows = [f"2026-09-01,{i},S{i}" for i in range(60)]
        result = im.read(
            "csv",
            csv_text(*rows, header="day,total,status"),
            only={"status": ["none"]},
            **CSV_OPTIONS,
        )
        reasons = [s.reason for s in result.report.skipped]
        assert 51 == len(reasons)
        assert ("other reasons", 10) == (reasons[-1], result.report.skipped[-1].count)

    def test_problem_reasons_are_bounded_separately(self):
        """Past 50 distinct problems, the rest are 'other problems'."""
        rows = [f"2026-09-01,{i}x" for i in range(55)]
        result = im.read("csv", csv_text(*rows), errors="report", **CSV_OPTIONS)
        assert "other problems" == result.report.skipped[-1].reason


class TestReport:
    def test_rows_add_up(self):
        """Every row read is either used or skipped."""
        report = im.read("auto", FIXTURES / "ebay_orders.csv").report
        assert report.rows_read == report.rows_used + report.rows_skipped

    def test_fields(self):
        """The report names the source, kind, header line, language, locale and counted columns."""
        report = im.read("auto", FIXTURES / "amazon_date_range_de.csv").report
        assert "amazon-date-range" == report.kind
        assert 4 == report.header_line
        assert ("de", "de_DE") == (report.language, report.locale)
        expected = ("Umsätze", "Gutschrift für Versandkosten", "Gutschrift für Geschenkverpackung")
        assert expected == report.counted
        assert ("EUR",) == report.currencies
        assert ("UTC",) == report.zones

    def test_to_dict_is_json_ready(self):
        """to_dict() holds only JSON types, and amounts as strings."""
        import json

        result = im.read("auto", FIXTURES / "amazon_date_range_it.csv", basis="net")
        data = result.report.to_dict()
        assert data == json.loads(json.dumps(data))
        assert [{"amount": "-500.00", "currency": "EUR"}] == data["excluded"][0]["amounts"]
        assert data["rows_skipped"] == sum(s["count"] for s in data["skipped"])

    def test_summary(self):
        """summary() gives counts, reasons, months and what was left out."""
        report = im.read("auto", FIXTURES / "amazon_date_range_it.csv", basis="net").report
        expected = (
            f"{FIXTURES / 'amazon_date_range_it.csv'}: amazon-date-range, header on line 2, "
            "2 rows: 2 used, 0 skipped\n"
            "  months 2026-09, 2026-10; currencies EUR\n"
            "  left out 2026-10: net turnover is negative: refunds exceed sales (-500.00 EUR)"
        )
        assert expected == report.summary()

    def test_summary_marks_problems_and_unmapped(self):
        """Problems are marked and unmapped SKUs listed."""
        result = im.read(
            "csv",
            csv_text("2026-09-01,5,A", "2026-09-01,x,B", header="day,total,sku"),
            errors="report",
            sku_column="sku",
            sku_categories={"B": "mobiles"},
            **CSV_OPTIONS,
        )
        summary = result.report.summary()
        assert "  PROBLEM column 'total'" in summary
        assert "no category mapping for: A" in summary

    def test_summary_escapes_what_the_export_says(self):
        """Cells holding escapes, bidi overrides or line feeds are shown escaped: they cannot fake a line."""
        hostile = "A\x1b[2J\u202eB\nPROBLEM none"
        result = im.read(
            "csv",
            csv_text(
                f'2026-09-01,5,"{hostile}"', '2026-09-01,"x\x1b]0;t\x07",B', header="day,total,sku"
            ),
            errors="report",
            sku_column="sku",
            sku_categories={"B": "mobiles"},
            **CSV_OPTIONS,
        )
        summary = result.report.summary()

        assert "no category mapping for: A\\x1b[2J\\u202eB\\nPROBLEM none" in summary
        assert summary.isprintable() is False  # the report's own line breaks stay
        assert all(line.isprintable() for line in summary.split("\n"))
        assert 4 == len(summary.split("\n"))

    def test_summary_without_months(self):
        """A report with no counted rows says so."""
        report = im.read("csv", csv_text("", ""), **CSV_OPTIONS).report
        assert "months none; currencies none" in report.summary()

    def test_skipped_rows_without_lines(self):
        """A reason whose line numbers were not kept (max_lines=0) still reads well."""
        assert "blank row: 3 rows" == SkippedRows("blank row", 3, ()).describe()

    def test_report_is_a_value(self):
        """Reports compare by value and pickle."""
        report = im.read("auto", FIXTURES / "ebay_orders.csv").report
        assert isinstance(report, ImportReport)
        assert report == pickle.loads(pickle.dumps(report))

    def test_excluded_with_category(self):
        """An excluded record of a category names it."""
        excluded = im.ExcludedTurnover(Month(2026, 9), "mobiles", (Money(-1, "USD"),), "negative")
        assert "2026-09 mobiles: negative (-1 USD)" == excluded.describe()
        assert "mobiles" == excluded.to_dict()["category"]


class TestExclusions:
    def test_negative_month_is_left_out_not_clamped(self):
        """A month whose refunds exceed its sales is left out, with the amount and the reason."""
        result = im.read("auto", FIXTURES / "amazon_date_range_es.csv", basis="net")
        assert [Month(2026, 9)] == [t.month for t in result.turnover]
        (excluded,) = result.report.excluded
        assert (Month(2026, 10), (Money("-1610.00", "EUR"),)) == (
            excluded.month,
            excluded.amounts,
        )
        assert "negative" in excluded.reason

    def test_zero_month_is_kept(self):
        """A month that nets to exactly zero is a record of zero, not left out."""
        result = im.read("csv", csv_text("2026-09-01,5", "2026-09-02,-5"), **CSV_OPTIONS)
        assert (MonthlyTurnover(Month(2026, 9), Money("0", "USD")),) == result.turnover

    def test_several_currencies_in_a_month(self):
        """A month with amounts in two currencies is left out: they cannot be added."""
        result = im.read(
            "csv",
            csv_text(
                "2026-09-01,5,USD", "2026-09-02,6,CAD", "2026-10-01,7,USD", header="day,total,cur"
            ),
            date_column="day",
            amount_column="total",
            currency_column="cur",
        )
        assert [Month(2026, 10)] == [t.month for t in result.turnover]
        (excluded,) = result.report.excluded
        assert (Money("6", "CAD"), Money("5", "USD")) == excluded.amounts
        assert "several currencies" in excluded.reason

    def test_records_sorted_with_store_category_first(self):
        """Records come oldest first, the store's category (None) before named ones."""
        result = im.read(
            "csv",
            csv_text(
                "2026-10-01,1,",
                "2026-09-01,2,b",
                "2026-09-01,3,",
                "2026-09-01,4,a",
                header="day,total,cat",
            ),
            category_column="cat",
            **CSV_OPTIONS,
        )
        expected = [("2026-09", None), ("2026-09", "a"), ("2026-09", "b"), ("2026-10", None)]
        assert expected == [(str(t.month), t.category) for t in result.turnover]


class TestCategories:
    def test_default_category(self):
        """category= puts rows without a mapping into that category."""
        result = im.read("csv", csv_text("2026-09-01,5"), category="mobiles", **CSV_OPTIONS)
        assert "mobiles" == result.turnover[0].category

    def test_sku_categories_from_file(self):
        """A sku,category file splits the turnover by category; unmapped SKUs are listed."""
        result = im.read(
            "auto",
            FIXTURES / "amazon_business_by_child_de.csv",
            month="2026-09",
            sku_categories=FIXTURES / "sku_categories.csv",
        )
        expected = {
            ("2026-09", None): Money("29.97", "EUR"),
            ("2026-09", "electronic-accessories"): Money("1524.00", "EUR"),
        }
        assert expected == sums(result)
        assert ("CABLE-2M",) == result.report.unmapped

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("product,category\nA,b\n", "expected the header 'sku,category'"),
            ("sku,category\nA,\n", ":2: expected a SKU and a category"),
            ("sku,category\nA,b\n\nA,c\n", ":4: the SKU 'A' is given twice"),
        ],
    )
    def test_bad_sku_file(self, tmp_path, text, message):
        """A bad SKU file names its line."""
        path = tmp_path / "skus.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValidationError, match=message):
            im.read("csv", csv_text(), sku_categories=path, **CSV_OPTIONS)

    def test_missing_sku_file(self, tmp_path):
        """A SKU file that does not exist is a bad option."""
        with pytest.raises(ValidationError, match="sku_categories"):
            im.read("csv", csv_text(), sku_categories=tmp_path / "none.csv", **CSV_OPTIONS)

    def test_category_map_function(self):
        """category_map may be a function, such as a CategoryMap lookup."""
        from lazada_eligibility.categories import DEFAULT_CATEGORY_MAP

        result = im.read(
            "csv",
            FIXTURES / "aliexpress_orders.csv",
            date_column="Payment Time",
            amount_column="Order Amount",
            currency_column="Currency",
            category_column="Category",
            category_map=lambda name: DEFAULT_CATEGORY_MAP.lookup("aliexpress", name),
        )
        assert {t.category for t in result.turnover} >= {"mobiles"}

    def test_unmapped_values_are_bounded(self):
        """At most 50 unmapped values are listed, however many there are."""
        rows = [f"2026-09-01,1,S{i}" for i in range(70)]
        result = im.read(
            "csv",
            csv_text(*rows, header="day,total,sku"),
            sku_column="sku",
            sku_categories={"X": "mobiles"},
            **CSV_OPTIONS,
        )
        assert 50 == len(result.report.unmapped)


class TestDetect:
    @pytest.mark.parametrize(
        ("name", "kind"),
        [
            ("amazon_business_by_date_us.csv", "amazon-business-report"),
            ("amazon_business_by_child_de.csv", "amazon-business-report"),
            ("amazon_business_by_child_ja.csv", "amazon-business-report"),
            ("amazon_business_by_date_zh.csv", "amazon-business-report"),
            ("amazon_business_by_date_es.csv", "amazon-business-report"),
            ("amazon_date_range_us.csv", "amazon-date-range"),
            ("amazon_date_range_de.csv", "amazon-date-range"),
            ("amazon_date_range_fr.csv", "amazon-date-range"),
            ("amazon_date_range_it.csv", "amazon-date-range"),
            ("amazon_date_range_es.csv", "amazon-date-range"),
            ("amazon_date_range_ja.csv", "amazon-date-range"),
            ("amazon_settlement.txt", "amazon-settlement"),
            ("ebay_orders.csv", "ebay-orders"),
            ("ebay_orders_uk.csv", "ebay-orders"),
            ("ebay_transactions.csv", "ebay-transactions"),
        ],
    )
    def test_fixtures(self, name, kind):
        """Each fixture is recognised from its header."""
        assert kind == im.detect(FIXTURES / name)

    def test_unknown(self):
        """A file no importer knows names the columns found."""
        with pytest.raises(
            ExportFormatError, match="the first row's columns are 'Order ID', 'Order Status'"
        ):
            im.detect(FIXTURES / "aliexpress_orders.csv")

    def test_auto_needs_a_seekable_stream(self):
        """'auto' on a stream that cannot seek asks for the kind."""

        class Pipe(io.StringIO):
            def seekable(self):
                return False

        with pytest.raises(ValidationError, match="name the kind"):
            im.read("auto", Pipe("x\n"))


class TestImportStore:
    def test_three_months_from_three_files(self, tmp_path):
        """Business Reports by child item, one per month, become one store."""
        exports = [
            Export(child_report(tmp_path, month, sales), options={"month": month})
            for month, sales in (
                ("2026-08", "1.234,56"),
                ("2026-09", "1.100,00"),
                ("2026-10", "990,00"),
            )
        ]
        imported = im.import_store("amazon.de", "A1DE", exports, category="electronic-accessories")
        store = imported.store
        assert [Month(2026, m) for m in (8, 9, 10)] == list(store.months)
        expected = [Money(a, "EUR") for a in ("1553.97", "1419.41", "1309.41")]
        assert expected == [t.amount for t in store.turnover]
        assert 3 == len(imported.reports)

    def test_overlap_is_an_error(self):
        """Two exports with turnover in the same month would count it twice: refused."""
        files = [FIXTURES / "amazon_business_by_date_us.csv", FIXTURES / "amazon_date_range_us.csv"]
        with pytest.raises(ExportFormatError, match="counted twice") as e:
            im.import_store("amazon.com", "A1", files)
        assert str(files[1]) == e.value.path
        assert "2026-08, 2026-09, 2026-10" in str(e.value)

    def test_overlap_sum(self):
        """overlap='sum' adds exports that do not overlap, such as one per marketplace."""
        files = [FIXTURES / "ebay_orders.csv", FIXTURES / "ebay_transactions.csv"]
        store = im.import_store("ebay.com", "E1", files, overlap="sum").store
        expected = Money("1145.00", "USD") + Money("1097.99", "USD")
        assert expected == store.records_in(Month(2026, 9))[0].amount

    def test_bad_overlap(self):
        """The overlap argument takes 'error' or 'sum'."""
        with pytest.raises(ValidationError, match="overlap"):
            im.import_store("ebay.com", "E1", [], overlap="max")

    def test_no_files(self):
        """A store needs at least one export."""
        with pytest.raises(ValidationError, match="at least one export"):
            im.import_store("ebay.com", "E1", [])

    def test_shared_options_go_where_they_apply(self):
        """basis= reaches the Date Range report; the Business Report, which lacks it, is fine."""
        exports = [
            FIXTURES / "amazon_business_by_date_us.csv",
            FIXTURES / "amazon_date_range_us.csv",
        ]
        imported = im.import_store("amazon.com", "A1", exports, basis="net", overlap="sum")
        assert ("amazon-business-report", "amazon-date-range") == tuple(
            r.kind for r in imported.reports
        )
        september = Money("1204.55", "USD") + Money("1420.00", "USD")
        assert september == imported.store.records_in(Month(2026, 9))[0].amount

    def test_option_no_export_takes(self):
        """An option no export's kind takes is refused."""
        with pytest.raises(ValidationError, match="month: is not an option of any"):
            im.import_store("ebay.com", "E1", [FIXTURES / "ebay_orders.csv"], month="2026-09")

    def test_store_category_merges_with_mapped_records(self):
        """Records mapped to the store's own category merge into the store's records."""
        imported = im.import_store(
            "amazon.com",
            "A1",
            [FIXTURES / "amazon_date_range_us.csv"],
            category="home-living",
            sku_categories=FIXTURES / "sku_categories.csv",
        )
        assert {None} == {t.category for t in imported.store.turnover}
        assert "home-living" == imported.store.category

    def test_excluded_after_merging(self):
        """The store's exclusions come from the sums of all exports together."""
        refund = csv_text("2026-09-20,-80")
        sale = csv_text("2026-09-01,100", "2026-10-01,-1")
        imported = im.import_store(
            "Shopify", "S1", [refund, sale], kind="csv", overlap="sum", **CSV_OPTIONS
        )
        assert (Money("20", "USD"),) == tuple(t.amount for t in imported.store.turnover)
        assert [Month(2026, 10)] == [e.month for e in imported.excluded]
        assert [Month(2026, 9)] == [e.month for e in imported.reports[0].excluded]

    def test_store_fields(self):
        """name, owner and category reach the store."""
        store = im.store_from_exports(
            "ebay.com",
            "E1",
            [FIXTURES / "ebay_orders.csv"],
            name="Camera Corner",
            owner="Shenzhen Example Co.",
            category="cameras",
        )
        assert isinstance(store, Store)
        assert ("Camera Corner", "Shenzhen Example Co.", "cameras") == (
            store.name,
            store.owner,
            store.category,
        )

    def test_store_to_dict_round_trips(self):
        """The store built from exports reads back from its own to_dict()."""
        store = im.store_from_exports("amazon.com", "A1", [FIXTURES / "amazon_date_range_us.csv"])
        assert store == Store.from_dict(store.to_dict())
        assert Decimal("1461.99") == store.records_in(Month(2026, 9))[0].amount.amount

    def test_export_options_override_shared(self):
        """An Export's own options win over the shared ones."""
        exports = [Export(csv_text("2026-09-01,5"), "csv", {"currency": "EUR"})]
        store = im.store_from_exports("Shop", "S", exports, **CSV_OPTIONS)
        assert "EUR" == store.turnover[0].amount.currency

    def test_wrong_platform_for_a_file(self):
        """A file of another platform's kind is refused, naming both."""
        with pytest.raises(ValidationError, match="export of amazon"):
            im.store_from_exports("ebay.com", "E1", [FIXTURES / "amazon_date_range_us.csv"])
