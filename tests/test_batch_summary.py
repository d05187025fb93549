"""
Tests for ``batch --detail summary``: the compact line, its schema, and its agreement with ``full``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from lazada_eligibility import Application, Money, Month, MonthlyTurnover, Store, cli, evaluate
from lazada_eligibility._batch_summary import (
    outcome_subject,
    pass_record,
    summary_record,
    summary_schema,
)
from lazada_eligibility.rules import Outcome, Verdict
from test_batch import AS_OF, RATES, corpus, jsonl, write_input

EXAMPLES = Path(__file__).parent.parent / "examples"
DAY = ("--as-of", "2026-11-28", "--rates", str(EXAMPLES / "rates-2026.csv"))
# Lines the thorough path refuses: the summary path must refuse them alike.
HOSTILE = [
    b"not json",
    b'{"id": "X-1"}',
    b"[1, 2]",
    json.dumps({"id": "X-2", "applicant": "A", "category": "mobiles", "stores": [
        {"platform": "Amazon US", "store_id": "s", "turnover": [
            {"month": "2026-09", "amount": {"amount": 1000.5, "currency": "USD"}}]}]}).encode(),
    b"",
]  # fmt: skip


def run(*argv: str) -> tuple[int, str]:
    """Run ``batch`` in this process; return its status and standard output."""
    out = io.StringIO()
    return cli.main(["batch", *argv], out=out), out.getvalue()


def lines_of(tmp_path: Path, detail: str, *more: str, records: int = 400) -> list[dict]:
    """Decide a generated file (with hostile lines mixed in) at one detail level."""
    source = write_input(tmp_path, jsonl(corpus(records)) + HOSTILE, name=f"in-{detail}.jsonl")
    out = tmp_path / f"out-{detail}-{'-'.join(more)}.jsonl"
    status, _ = run(source, "-o", str(out), "--detail", detail, *DAY, *more)
    assert 65 == status  # every line written; the hostile ones are errors
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def codes(line: dict) -> list[str]:
    """The reason codes of a line, in order."""
    return [r["code"] for r in line.get("reasons", [])]


class TestSummaryLines:
    def test_validate_and_agree_with_full(self, tmp_path):
        """Every summary line validates and agrees with full on verdict, eligibility and reason codes."""
        summary = lines_of(tmp_path, "summary")
        full = lines_of(tmp_path, "full")
        validator = jsonschema.Draft202012Validator(
            summary_schema(), format_checker=jsonschema.FormatChecker()
        )
        assert len(full) == len(summary) == 400 + len(HOSTILE)
        for s, f in zip(summary, full, strict=True):
            validator.validate(s)
            assert (f["line"], f.get("verdict"), f.get("eligible"), codes(f)) == (
                s["line"],
                s.get("verdict"),
                s.get("eligible"),
                codes(s),
            )
            if "error" in f:
                assert f == s  # refused alike, with the same words
            else:
                assert (f["application_id"], f["as_of"], f["policy"]["digest"]) == (
                    s["application_id"],
                    s["as_of"],
                    s["policy_digest"],
                )
                assert [r["code"] for r in f["remediation"]] == [t["code"] for t in s["todo"]]
        verdicts = {s.get("verdict") for s in summary}
        assert {"pass", "fail", "review", None} == verdicts  # the corpus covers every kind

    def test_same_bytes_for_any_worker_count(self, tmp_path):
        """One worker and three give byte-identical summary output."""
        source = write_input(tmp_path, jsonl(corpus(300)) + HOSTILE)
        outputs = []
        for workers in ("1", "3"):
            out = tmp_path / f"w{workers}.jsonl"
            run(source, "-o", str(out), "--workers", workers, *DAY)
            outputs.append(out.read_bytes())
        assert outputs[0] == outputs[1]

    def test_summary_is_the_default(self, tmp_path):
        """Without --detail, batch writes summary lines."""
        source = write_input(tmp_path, jsonl(corpus(3)))
        _, out = run(source, *DAY)
        assert all("policy_digest" in json.loads(line) for line in out.splitlines())

    def test_resume_refuses_another_detail(self, tmp_path, capsys):
        """A run written as summary cannot be resumed as full."""
        source = write_input(tmp_path, jsonl(corpus(5)))
        out = tmp_path / "out.jsonl"
        assert 0 == run(source, "-o", str(out), *DAY)[0]
        status, _ = run(source, "-o", str(out), "--resume", "--detail", "full", *DAY)
        assert 64 <= status
        assert "--detail" in capsys.readouterr().err


class TestSummaryRecord:
    def test_below_minimum_carries_key_figures(self):
        """A month below the minimum names the month, the turnover, the minimum and the shortfall."""
        months = [(8, "1500"), (9, "900.10"), (10, "1200")]
        store = Store(
            "Amazon US",
            "A1",
            [MonthlyTurnover(Month(2026, m), Money(a, "USD")) for m, a in months],
            category="mobiles",
        )
        decision = evaluate(Application("S", "mobiles", [store], id="APP-1"), as_of=AS_OF)
        record = summary_record(7, decision)
        assert {
            "code": "turnover.below-minimum",
            "subject": {"kind": "month", "month": "2026-09", "stores": ["amazon.com/A1"]},
            "month": "2026-09",
            "turnover": {"amount": "900.10", "currency": "USD"},
            "minimum": {"amount": "1000", "currency": "USD"},
            "shortfall": {"amount": "99.90", "currency": "USD"},
        } == record["reasons"][0]
        assert ["turnover.keep-minimum"] == [t["code"] for t in record["todo"]]

    def test_fast_pass_equals_the_full_path(self):
        """The verdict-only pass line is exactly what the whole decision would give."""
        for raw in corpus(200):
            application = Application.from_dict(raw)
            decision = evaluate(application, as_of=AS_OF, rates=RATES)
            if decision.eligible:
                assert summary_record(3, decision) == pass_record(
                    3, application.id, AS_OF, decision.policy_digest
                )

    @pytest.mark.parametrize(
        ("subject", "expected"),
        [
            ("store taobao.com/t1", {"kind": "store", "store": "taobao.com/t1"}),
            ("application APP-9", {"kind": "application", "application_id": "APP-9"}),
            ("application of Seller Co.", {"kind": "application", "applicant": "Seller Co."}),
            (
                "month 2026-09 of amazon.com/A + ebay.com/b",
                {"kind": "month", "month": "2026-09", "stores": ["amazon.com/A", "ebay.com/b"]},
            ),
            ("stores a.com/x, b.com/y", {"kind": "stores", "stores": ["a.com/x", "b.com/y"]}),
            ("something new", {"kind": "other", "text": "something new"}),
            # A store label that merely starts like another form keeps its own kind.
            ("store month 2026-09", {"kind": "store", "store": "month 2026-09"}),
        ],
    )
    def test_subject_forms(self, subject, expected):
        """Each subject form becomes its structured object; an unknown one is kept whole."""
        outcome = Outcome("r", Verdict.FAIL, "x.y", subject)
        assert expected == outcome_subject(outcome)
