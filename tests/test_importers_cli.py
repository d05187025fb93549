"""
Tests for the ``import`` subcommand.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from lazada_eligibility import Store
from lazada_eligibility.cli._import import register

FIXTURES = Path(__file__).parent / "fixtures" / "exports"


def main(*argv: str | Path) -> int:
    """
    Parse *argv* as the main CLI would, with the subcommand registered, and run it.
    """
    parser = argparse.ArgumentParser(prog="lazada-eligibility")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args([str(a) for a in argv])
    code: int = args.func(args)
    return code


class TestImportCommand:
    def test_writes_store_json(self, capsys):
        """The store goes to stdout as Store.to_dict() JSON; summaries go to stderr."""
        code = main(
            "import",
            "auto",
            FIXTURES / "amazon_date_range_us.csv",
            "--store-id",
            "A1B2C3",
            "--platform",
            "amazon.com",
            "--category",
            "home-living",
        )
        out, err = capsys.readouterr()
        assert 0 == code
        store = Store.from_dict(json.loads(out))
        assert ("amazon.com", "A1B2C3", "home-living") == (
            store.platform,
            store.store_id,
            store.category,
        )
        assert 3 == len(store.turnover)
        assert "amazon-date-range, header on line 8" in err

    def test_output_file_and_quiet(self, tmp_path, capsys):
        """-o writes the JSON to a file; -q keeps stderr empty."""
        out_file = tmp_path / "store.json"
        code = main(
            "import",
            "ebay-orders",
            FIXTURES / "ebay_orders.csv",
            "--store-id",
            "camera-corner",
            "--platform",
            "ebay.com",
            "-o",
            out_file,
            "-q",
        )
        assert 0 == code
        assert ("", "") == capsys.readouterr()
        assert "camera-corner" == json.loads(out_file.read_text("utf-8"))["store_id"]

    def test_month_per_file(self, capsys, tmp_path):
        """--month once per file pairs each Business Report by child item with its month."""
        child = FIXTURES / "amazon_business_by_child_de.csv"
        other = tmp_path / "september.csv"
        other.write_text(child.read_text("utf-8-sig").replace("1.234,56", "1.000,00"), "utf-8")
        code = main(
            "import",
            "amazon-business-report",
            child,
            other,
            "--month",
            "2026-08",
            "--month",
            "2026-09",
            "--store-id",
            "DE1",
            "--platform",
            "amazon.de",
        )
        out, _ = capsys.readouterr()
        assert 0 == code
        assert ["2026-08", "2026-09"] == [t["month"] for t in json.loads(out)["turnover"]]

    def test_month_count_mismatch(self, capsys):
        """--month given twice for three files is a usage error."""
        child = FIXTURES / "amazon_business_by_child_de.csv"
        code = main(
            "import",
            "auto",
            child,
            child,
            child,
            "--month",
            "2026-08",
            "--month",
            "2026-09",
            "--store-id",
            "DE1",
            "--platform",
            "amazon.de",
        )
        assert 64 == code
        assert "--month is given 2 times for 3 files" in capsys.readouterr().err

    def test_bad_data_is_65_with_file_and_line(self, tmp_path, capsys):
        """A malformed row exits 65 with one line naming file, line and column."""
        path = tmp_path / "sales.csv"
        path.write_text("day,total\n2026-09-01,five\n", encoding="utf-8")
        code = main(
            "import",
            "csv",
            path,
            "--store-id",
            "S",
            "--platform",
            "AliExpress",
            "--date-column",
            "day",
            "--amount-column",
            "total",
            "--currency",
            "USD",
        )
        err = capsys.readouterr().err
        assert 65 == code
        assert f"lazada-eligibility import: {path}, line 2, column 'total':" in err
        assert 1 == len(err.splitlines())

    def test_skip_bad_rows(self, tmp_path, capsys):
        """--skip-bad-rows reports the bad row and goes on."""
        path = tmp_path / "sales.csv"
        path.write_text("day,total\n2026-09-01,five\n2026-09-02,5\n", encoding="utf-8")
        code = main(
            "import",
            "csv",
            path,
            "--store-id",
            "S",
            "--platform",
            "AliExpress",
            "--date-column",
            "day",
            "--amount-column",
            "total",
            "--currency",
            "USD",
            "--skip-bad-rows",
        )
        out, err = capsys.readouterr()
        assert 0 == code
        assert "PROBLEM column 'total'" in err
        assert "5" == json.loads(out)["turnover"][0]["amount"]["amount"]

    def test_left_out_months_are_reported(self, capsys):
        """A month left out of the store is said on stderr."""
        code = main(
            "import",
            "auto",
            FIXTURES / "amazon_date_range_es.csv",
            "--basis",
            "net",
            "--store-id",
            "ES1",
            "--platform",
            "amazon.es",
        )
        assert 0 == code
        assert "left out of the store: 2026-10: net turnover is negative" in capsys.readouterr().err

    def test_missing_file_is_66(self, tmp_path, capsys):
        """A file that is not there exits 66."""
        code = main(
            "import", "auto", tmp_path / "none.csv", "--store-id", "S", "--platform", "AliExpress"
        )
        assert 66 == code
        assert "none.csv: no such file" in capsys.readouterr().err

    def test_missing_sku_file_is_66(self, tmp_path, capsys):
        """A missing --sku-categories file exits 66 too."""
        code = main(
            "import",
            "auto",
            FIXTURES / "ebay_orders.csv",
            "--store-id",
            "S",
            "--platform",
            "ebay.com",
            "--sku-categories",
            tmp_path / "skus.csv",
        )
        assert 66 == code

    def test_bad_option_is_64(self, capsys):
        """A bad option value exits 64."""
        code = main(
            "import",
            "auto",
            FIXTURES / "ebay_orders.csv",
            "--store-id",
            "S",
            "--platform",
            "ebay.com",
            "--currency",
            "dollars",
        )
        assert 64 == code
        assert "currency" in capsys.readouterr().err

    def test_error_messages_show_hostile_values_escaped(self, tmp_path, capsys):
        """A file name quoted in an error cannot move the cursor or turn the text around on the terminal."""
        missing = tmp_path / "orders\x1b[2J\u202e.csv"

        code = main("import", "auto", missing, "--store-id", "S", "--platform", "ebay.com")
        err = capsys.readouterr().err

        assert 66 == code
        assert "\x1b" not in err
        assert "\u202e" not in err
        assert "orders\\x1b[2J\\u202e.csv" in err

    def test_wrong_format_is_65(self, capsys):
        """A file of the wrong format exits 65 naming the missing columns."""
        code = main(
            "import",
            "amazon-settlement",
            FIXTURES / "ebay_orders.csv",
            "--store-id",
            "S",
            "--platform",
            "amazon.com",
        )
        assert 65 == code
        assert "missing the columns" in capsys.readouterr().err

    def test_unreadable_path_is_66(self, tmp_path, capsys, monkeypatch):
        """An OSError while reading (here: a file that vanishes) exits 66."""
        path = tmp_path / "sales.csv"
        path.write_text("x\n", encoding="utf-8")
        original = Path.open

        def vanish(self, *args, **kwargs):
            if self == path:
                raise FileNotFoundError(2, "No such file or directory", str(path))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", vanish)
        code = main("import", "auto", path, "--store-id", "S", "--platform", "AliExpress")
        assert 66 == code
        assert "No such file or directory" in capsys.readouterr().err

    def test_output_not_writable_is_73(self, tmp_path, capsys):
        """An output path that cannot be written exits 73."""
        code = main(
            "import",
            "auto",
            FIXTURES / "ebay_orders.csv",
            "--store-id",
            "S",
            "--platform",
            "ebay.com",
            "-o",
            tmp_path / "missing-dir" / "store.json",
            "-q",
        )
        assert 73 == code
        assert "store.json" in capsys.readouterr().err

    def test_kind_choices(self, capsys):
        """An unknown kind is an argparse usage error."""
        with pytest.raises(SystemExit):
            main("import", "shopify", "x.csv", "--store-id", "S", "--platform", "AliExpress")
        assert "invalid choice" in capsys.readouterr().err

    def test_main_cli_protocol(self, capsys):
        """The subcommand also runs as lazada_eligibility.cli calls it: run(args, out)."""
        import io

        parser = argparse.ArgumentParser(prog="lazada-eligibility")
        register(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(
            [
                "import",
                "auto",
                str(FIXTURES / "ebay_orders.csv"),
                "--store-id",
                "S",
                "--platform",
                "ebay.com",
                "-q",
            ]
        )
        out = io.StringIO()
        assert 0 == args.run(args, out)
        assert "S" == json.loads(out.getvalue())["store_id"]
        assert "" == capsys.readouterr().out
