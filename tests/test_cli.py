"""
Tests for the command line's check command and its conventions.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lazada_eligibility import cli

EXAMPLES = Path(__file__).parent.parent / "examples"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = cli.main(list(argv), out=out)
    return status, out.getvalue()


class TestCheck:
    @pytest.mark.parametrize(
        ("example", "status"),
        [("eligible", 0), ("short-month", 1), ("domestic-only", 1), ("category-mismatch", 1),
         ("two-currencies", 0)],
    )  # fmt: skip
    def test_examples(self, example, status):
        """Each example decides as its name says; exit 0 eligible, 1 not eligible."""
        args = [str(EXAMPLES / f"{example}.json"), "--as-of", "2026-11-28", "--rates",
                str(EXAMPLES / "rates-2026.csv")]  # fmt: skip
        assert (status, status) == (run("check", *args)[0], status)

    def test_review_exits_2(self):
        """Needing review exits with 2: two currencies without rates."""
        status, out = run("check", str(EXAMPLES / "two-currencies.json"), "--as-of", "2026-11-28")
        assert 2 == status
        assert "exchange rate" in out

    def test_text_names_the_shortfall(self):
        """The text output gives the verdict, the month, the amount and the policy."""
        status, out = run("check", str(EXAMPLES / "short-month.json"), "--as-of", "2026-11-28")
        assert 1 == status
        assert "Not eligible under policy lazada-cross-border" in out
        assert "September 2026" in out
        assert "150.00" in out

    def test_json_format(self):
        """--format json prints the decision as JSON."""
        status, out = run("check", str(EXAMPLES / "eligible.json"), "--as-of", "2026-11-28",
                          "--format", "json")  # fmt: skip
        assert 0 == status
        assert "pass" == json.loads(out)["verdict"]

    def test_stdin(self, monkeypatch):
        """'-' reads the application from standard input."""
        data = (EXAMPLES / "eligible.json").read_bytes()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        assert 0 == run("check", "-", "--as-of", "2026-11-28")[0]

    def test_default_as_of_is_today(self):
        """Without --as-of the CLI decides as of today (the only place that reads the clock)."""
        status, _ = run("check", str(EXAMPLES / "eligible.json"))
        assert status in {0, 1, 2}


class TestErrors:
    def test_missing_file(self, capsys):
        """A missing file exits 66 with one line naming it."""
        assert 66 == run("check", "no/such.json")[0]
        err = capsys.readouterr().err.strip().splitlines()
        assert ["lazada-eligibility: no/such.json: cannot read: No such file or directory"] == err

    def test_not_json(self, tmp_path, capsys):
        """Broken JSON exits 65 naming the line and column."""
        path = tmp_path / "a.json"
        path.write_text('{"applicant": "x",\n "stores": [}\n')
        assert 65 == run("check", str(path))[0]
        assert "line 2, column" in capsys.readouterr().err

    def test_not_utf8(self, tmp_path, capsys):
        """A file that is not UTF-8 exits 65."""
        path = tmp_path / "a.json"
        path.write_bytes(b"\xff\xfe{")
        assert 65 == run("check", str(path))[0]
        assert "UTF-8" in capsys.readouterr().err

    def test_bad_field(self, tmp_path, capsys):
        """A bad field exits 65 with one line naming the file and the field path."""
        data = json.loads((EXAMPLES / "short-month.json").read_text())
        data["stores"][0]["turnover"][1]["amount"]["amount"] = 850.5
        path = tmp_path / "a.json"
        path.write_text(json.dumps(data))
        assert 65 == run("check", str(path))[0]
        err = capsys.readouterr().err
        assert 1 == len(err.strip().splitlines())
        assert "stores[0].turnover[1].amount" in err
        assert "Traceback" not in err

    @pytest.mark.parametrize(
        "argv",
        [[], ["check"], ["frobnicate"], ["check", "x.json", "--format", "xml"],
         ["check", str(EXAMPLES / "eligible.json"), "--as-of", "28/11/2026"]],
    )  # fmt: skip
    def test_usage_errors_exit_64(self, argv):
        """Usage errors exit 64, never 2 (which means 'needs review')."""
        assert 64 == run(*argv)[0]

    def test_bad_rates_file(self, tmp_path, capsys):
        """A bad or missing rates file is reported in one line."""
        app = str(EXAMPLES / "eligible.json")
        assert 66 == run("check", app, "--rates", str(tmp_path / "none.csv"))[0]
        bad = tmp_path / "r.csv"
        bad.write_text("currency,month,rate_to_usd\nEUR,2026-13,1\n")
        assert 65 == run("check", app, "--rates", str(bad))[0]
        assert "r.csv:2" in capsys.readouterr().err

    def test_missing_policy_file(self, tmp_path):
        """A missing --policy file exits 66."""
        assert (
            66
            == run("check", str(EXAMPLES / "eligible.json"), "--policy", str(tmp_path / "p.toml"))[
                0
            ]
        )


class TestEntryPoints:
    def test_python_dash_m(self):
        """Python -m lazada_eligibility runs the same command line."""
        result = subprocess.run(
            [sys.executable, "-m", "lazada_eligibility", "check", str(EXAMPLES / "short-month.json"),
             "--as-of", "2026-11-28"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert 1 == result.returncode
        assert "September 2026" in result.stdout
