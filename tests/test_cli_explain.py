"""
Tests for ``check --explain``, ``check --locale`` and the ``when`` command, run in-process.
"""

# Chinese sentences are written with full-width commas and colons: that is the point.
# ruff: noqa: RUF001

from __future__ import annotations

import io
import json
from pathlib import Path

from lazada_eligibility import cli

EXAMPLES = Path(__file__).parent.parent / "examples"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = cli.main(list(argv), out=out)
    return status, out.getvalue()


class TestCheckExplain:
    def test_done_when_chinese_explanation_of_the_short_month(self):
        """--explain --locale zh_CN says the shortfall, what to do and the earliest date, in Chinese."""
        status, text = run(
            "check", str(EXAMPLES / "short-month.json"), "--explain", "--locale", "zh_CN",
            "--as-of", "2026-11-28",
        )  # fmt: skip
        lines = text.splitlines()

        assert 1 == status
        assert lines[0].startswith("不符合入驻条件")
        assert "- 2026年9月：销售额 US$850.00，距最低要求 US$1,000.00 还差 US$150.00。" in lines
        assert "处理建议：" in lines
        assert any(
            line.startswith("最早可申请日期：2027年1月1日，前提是2026年11月和2026年12月")
            for line in lines
        )

    def test_without_explain_there_is_no_date_and_no_passed_checks(self):
        """Plain check text is the decision's explanation: no earliest date, no passed checks."""
        status, text = run("check", str(EXAMPLES / "short-month.json"), "--as-of", "2026-11-28")

        assert 1 == status
        assert "Earliest date" not in text
        assert "Checks passed:" not in text
        assert "- September 2026: turnover US$850.00" in text

    def test_explain_lists_passed_checks(self):
        """--explain also lists the checks that passed."""
        _, text = run(
            "check", str(EXAMPLES / "eligible.json"), "--explain", "--as-of", "2026-11-28"
        )

        assert "Checks passed:" in text
        assert "The application can pass today, November 28, 2026." in text

    def test_json_gains_the_plan_with_explain(self):
        """--format json --explain adds the earliest date; the remediation is always there."""
        status, text = run(
            "check", str(EXAMPLES / "domestic-only.json"), "--format", "json", "--explain",
            "--as-of", "2026-11-28",
        )  # fmt: skip
        data = json.loads(text)

        assert 1 == status
        assert data["earliest"]["date"] is None
        assert ["platform.use-cross-border"] * 2 == [r["code"] for r in data["remediation"]]

    def test_unknown_locale_falls_back_to_english(self):
        """--locale with no catalog gives English rather than an error."""
        _, english = run("check", str(EXAMPLES / "short-month.json"), "--as-of", "2026-11-28")
        status, text = run(
            "check", str(EXAMPLES / "short-month.json"), "--as-of", "2026-11-28", "--locale", "de"
        )

        assert (1, english) == (status, text)


class TestWhen:
    def test_prints_the_date_and_exits_zero(self):
        """The when command prints the earliest date and the months it relies on."""
        status, text = run("when", str(EXAMPLES / "short-month.json"), "--as-of", "2026-11-28")

        assert 0 == status
        assert text.startswith("Earliest date to apply: January 1, 2027, provided November 2026")

    def test_no_date_exits_one(self):
        """An application that can never pass exits 1, saying so in the locale."""
        status, text = run(
            "when", str(EXAMPLES / "domestic-only.json"), "--as-of", "2026-11-28", "--locale", "vi"
        )

        assert 1 == status
        assert text.startswith("Không thể đưa ra ngày đăng ký")

    def test_json(self):
        """--format json gives the plan as data."""
        status, text = run(
            "when", str(EXAMPLES / "category-mismatch.json"), "--as-of", "2026-11-28",
            "--format", "json",
        )  # fmt: skip

        assert 0 == status
        assert {
            "as_of": "2026-11-28",
            "date": "2027-02-01",
            "months": ["2026-11", "2026-12", "2027-01"],
            "minimum": {"amount": "1000", "currency": "USD"},
            "stores": [
                {
                    "platform": "https://www.ebay.com/str/brightbeauty",
                    "store_id": "brightbeauty",
                    "platform_id": "ebay.com",
                    "namespace": "ebay",
                    "canonical_id": "brightbeauty",
                    "label": "ebay.com/brightbeauty",
                }
            ],
            "alternatives": False,
        } == json.loads(text)

    def test_missing_rates_file_is_an_input_error(self, tmp_path):
        """A missing rates file is an input error (66), named on standard error."""
        status, _ = run(
            "when", str(EXAMPLES / "two-currencies.json"), "--rates", str(tmp_path / "none.csv")
        )

        assert cli.EXIT_NOINPUT == status

    def test_missing_application_is_an_input_error(self, tmp_path, capsys):
        """A missing application file exits 66 with one line naming it."""
        status, _ = run("when", str(tmp_path / "nope.json"))

        assert cli.EXIT_NOINPUT == status
        assert "nope.json" in capsys.readouterr().err

    def test_bad_date_is_a_usage_error(self):
        """A malformed --as-of exits 64."""
        status, _ = run("when", str(EXAMPLES / "eligible.json"), "--as-of", "28/11/2026")

        assert cli.EXIT_USAGE == status
