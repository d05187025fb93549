"""
Tests for ``batch --detail summary``: the compact line, its schema, and its agreement with ``full``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema

from lazada_eligibility import (
    LAZADA_CROSS_BORDER,
    Application,
    Money,
    Month,
    MonthlyTurnover,
    Store,
    cli,
    evaluate,
)
from lazada_eligibility.batch._summary import (
    outcome_subject,
    pass_record,
    summary_record,
    summary_schema,
)
from lazada_eligibility.policy.shipped import lazada_cross_border
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
            "subject": {
                "kind": "month",
                "month": "2026-09",
                "stores": [
                    {
                        "platform": "Amazon US",
                        "store_id": "A1",
                        "platform_id": "amazon.com",
                        "namespace": "amazon",
                        "canonical_id": "a1",
                        "label": "amazon.com/A1",
                    }
                ],
            },
            "month": "2026-09",
            "turnover": {"amount": "900.10", "currency": "USD"},
            "minimum": {"amount": "1000", "currency": "USD"},
            "shortfall": {"amount": "99.90", "currency": "USD"},
        } == record["reasons"][0]
        assert ["turnover.keep-minimum"] == [t["code"] for t in record["todo"]]

    def test_fast_pass_equals_the_full_path(self):
        """The verdict-only pass line is exactly what the whole decision would give."""
        prepared = LAZADA_CROSS_BORDER.prepare(rates=RATES)
        fast = 0
        for raw in corpus(200):
            application = Application.from_dict(raw)
            decision = evaluate(application, as_of=AS_OF, rates=RATES)
            provenance = prepared.pass_provenance(application)
            if decision.eligible and provenance is not None:
                fast += 1
                assert summary_record(3, decision) == pass_record(
                    3, application.id, AS_OF, decision.policy_digest, provenance
                )
        assert fast > 0

    def test_typed_subjects_are_written_as_the_decision_writes_them(self):
        """Each typed subject of a decision (application, store, stores, month) keeps its structure."""
        stores = [
            Store(
                "Amazon US",
                "A1",
                [MonthlyTurnover(Month(2026, 9), Money("900", "USD"))],
                category="mobiles",
            ),
            Store(
                "eBay",
                "shop",
                [MonthlyTurnover(Month(2026, 9), Money("200", "USD"))],
                category="mobiles",
            ),
        ]
        application = Application("S", "mobiles", stores, id="APP-1")
        seen = {}
        for policy in (None, lazada_cross_border(stores="combined")):
            decision = evaluate(application, as_of=AS_OF, policy=policy)
            for outcome in walk(decision.outcome):
                seen[outcome.subject.kind] = outcome
        assert {"application", "store", "stores", "month"} == set(seen)
        for outcome in seen.values():
            assert outcome.subject.to_dict() == outcome_subject(outcome)

    def test_text_subjects_are_kept_whole(self):
        """A custom rule's text subject is kept whole as an 'other' subject."""
        outcome = Outcome("r", Verdict.FAIL, "x.y", "store month 2026-09, a + b")
        assert {"kind": "other", "text": "store month 2026-09, a + b"} == outcome_subject(outcome)


def walk(outcome):
    yield outcome
    for child in outcome.children:
        yield from walk(child)


class TestSummarySchema:
    def test_subjects_are_the_decision_schemas_subjects(self):
        """The summary line's subjects are exactly the decision document's, plus text kept whole."""
        from lazada_eligibility.batch._summary import summary_schema
        from lazada_eligibility.decision import decision_schema

        summary, decision = summary_schema()["$defs"], decision_schema()["$defs"]
        for name in ("store_ref", "store_ref_fields"):
            assert decision[name] == summary[name]
        assert decision["subject"]["oneOf"] == summary["subject"]["oneOf"][:-1]
        assert "other" == summary["subject"]["oneOf"][-1]["properties"]["kind"]["const"]
