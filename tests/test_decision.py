"""
Tests for Decision, Policy and evaluate().
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys

import pytest
from hypothesis import given, settings

from lazada_eligibility import (
    LAZADA_CROSS_BORDER,
    Application,
    Decision,
    Money,
    Month,
    MonthlyTurnover,
    Policy,
    PolicyError,
    Store,
    ValidationError,
    Verdict,
    evaluate,
)
from lazada_eligibility.rules import any_store, not_, platform_kind
from strategies import AS_OF, application_rules, applications, rate_tables


def short_app() -> Application:
    s = Store("Amazon US", "A1", [MonthlyTurnover(Month(2026, m), Money(a, "USD"))
                                 for m, a in ((8, "1200"), (9, "850"), (10, "1000"))], category="mobiles")  # fmt: skip
    return Application("Seller Co.", "mobiles", [s], id="APP-9")


class TestDecision:
    def test_fields(self):
        """A decision carries the policy's identity, as_of and the application id."""
        d = evaluate(short_app(), as_of=AS_OF)
        assert (LAZADA_CROSS_BORDER.id, LAZADA_CROSS_BORDER.version, LAZADA_CROSS_BORDER.digest) == (
            d.policy_id, d.policy_version, d.policy_digest)  # fmt: skip
        assert (AS_OF, "APP-9", False) == (d.as_of, d.application_id, d.eligible)

    def test_to_dict_shape(self):
        """to_dict holds the verdict, reasons, caveats, policy and the whole tree."""
        d = evaluate(short_app(), as_of=AS_OF).to_dict()
        assert {"application_id", "as_of", "caveats", "eligible", "outcome", "policy", "reasons",
                "verdict"} <= set(d)  # fmt: skip
        assert "fail" == d["verdict"]
        assert {"month": "2026-09", "amount": {"amount": "850", "currency": "USD"},
                "minimum": {"amount": "1000", "currency": "USD"},
                "shortfall": {"amount": "150", "currency": "USD"}} == d["reasons"][0]["facts"]  # fmt: skip

    def test_json_is_deterministic(self):
        """The same inputs give byte-identical JSON, also in another process."""
        a = evaluate(short_app(), as_of=AS_OF).to_json()
        b = evaluate(short_app(), as_of=AS_OF).to_json()
        assert a == b
        code = (
            "import sys, json, datetime as dt; sys.path.insert(0, 'tests');"
            "from test_decision import short_app; from lazada_eligibility import evaluate;"
            "print(evaluate(short_app(), as_of=dt.date(2026, 11, 28)).to_json(), end='')"
        )
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                               env={"PYTHONHASHSEED": "123", "PATH": ""})  # fmt: skip
        assert a == other.stdout

    @settings(max_examples=100, deadline=None)
    @given(applications(), application_rules(), rate_tables())
    def test_round_trip(self, app, rule, rates):
        """Decision.from_dict(to_dict()) gives back an equal decision through JSON."""
        d = Policy("t", "1", rule).evaluate(app, as_of=AS_OF, rates=rates)
        again = Decision.from_dict(json.loads(d.to_json()))
        assert d == again
        assert d.reasons == again.reasons

    def test_from_dict_errors(self):
        """A mapping that is not a decision raises ValidationError."""
        with pytest.raises(ValidationError):
            Decision.from_dict({"policy": {}})
        good = evaluate(short_app(), as_of=AS_OF).to_dict()
        good["outcome"]["verdict"] = "maybe"
        with pytest.raises(ValidationError, match="outcome"):
            Decision.from_dict(good)

    def test_reasons_under_not(self):
        """Under not_, the leaf that passed is the reason."""
        policy = Policy("t", "1", not_(any_store(platform_kind("cross-border"))))
        d = policy.evaluate(short_app(), as_of=AS_OF)
        assert Verdict.FAIL == d.verdict
        assert ["platform.cross-border"] == [r.code for r in d.reasons]

    def test_reasons_skip_reviews_below_a_failure(self):
        """A failing store's review-only problems are not reasons: they change nothing."""
        s = Store("Taobao", "T", [MonthlyTurnover(Month(2026, m), Money("1", "CNY")) for m in (8, 9, 10)],
                  category="mobiles")  # fmt: skip
        d = evaluate(Application("X", "mobiles", [s]), as_of=AS_OF)
        assert ["platform.domestic"] == [r.code for r in d.reasons]

    def test_explain_english(self):
        """explain() starts with the verdict and gives one line per reason and caveat."""
        text = evaluate(short_app(), as_of=AS_OF).explain()
        lines = text.splitlines()
        assert lines[0].startswith("Not eligible")
        assert any("September 2026" in line and "150.00" in line for line in lines)
        assert "Caveat" in lines[-1]

    def test_pickle(self):
        """Decisions pickle."""
        d = evaluate(short_app(), as_of=AS_OF)
        assert d == pickle.loads(pickle.dumps(d))


class TestPolicy:
    def test_digest_is_stable(self):
        """The digest is a SHA-256 of the canonical form and ignores title and source."""
        a = Policy("p", "1", any_store(platform_kind("cross-border")), title="A", source="x")
        b = Policy("p", "1", any_store(platform_kind("cross-border")))
        assert a.digest == b.digest
        assert 64 == len(a.digest)
        assert a.digest != Policy("p", "2", a.rule).digest
        assert (
            '{"id":"p","rule":{"any_store":{"platform_kind":{"kinds":["cross-border"]}}},"version":"1"}'
            == a.canonical()
        )

    def test_default_digest_is_pinned(self):
        """The default policy's digest changes only when its canonical form does."""
        import hashlib

        assert (
            hashlib.sha256(LAZADA_CROSS_BORDER.canonical().encode()).hexdigest()
            == LAZADA_CROSS_BORDER.digest
        )

    @pytest.mark.parametrize(
        "kwargs",
        [{"id": " "}, {"version": ""}, {"rule": "any"}, {"title": 5}],
    )
    def test_bad_fields(self, kwargs):
        """Bad policy fields raise PolicyError naming them."""
        fields = {"id": "p", "version": "1", "rule": any_store(platform_kind("domestic")), **kwargs}
        with pytest.raises(PolicyError, match=next(iter(kwargs))):
            Policy(**fields)

    def test_prepare_is_cached(self):
        """Preparing twice against the same objects gives the same prepared policy."""
        assert LAZADA_CROSS_BORDER.prepare() is LAZADA_CROSS_BORDER.prepare()

    def test_prepared_keeps_a_bounded_number(self):
        """Only the last few environments stay prepared."""
        from lazada_eligibility import RateTable

        policy = Policy("p", "1", any_store(platform_kind("domestic")))
        for _ in range(40):
            policy.prepare(rates=RateTable({}))
        assert len(policy._prepared) <= 16

    def test_pickle_drops_caches(self):
        """A policy pickles to an equal policy with the same digest."""
        LAZADA_CROSS_BORDER.prepare()
        again = pickle.loads(pickle.dumps(LAZADA_CROSS_BORDER))
        assert LAZADA_CROSS_BORDER == again
        assert LAZADA_CROSS_BORDER.digest == again.digest
        assert Verdict.FAIL == again.check(short_app(), as_of=AS_OF)

    def test_check_and_evaluate_validate_inputs(self):
        """A non-application is a TypeError; a non-date as_of a ValidationError."""
        with pytest.raises(TypeError, match="Application"):
            LAZADA_CROSS_BORDER.check({"applicant": "x"}, as_of=AS_OF)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="Application"):
            evaluate("x", as_of=AS_OF)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="as_of"):
            LAZADA_CROSS_BORDER.check(short_app(), as_of="2026-11-28")  # type: ignore[arg-type]

    def test_datetime_as_of(self):
        """A datetime as_of decides as its date."""
        d = evaluate(short_app(), as_of=dt.datetime(2026, 11, 28, 23, 59))
        assert AS_OF == d.as_of
        assert Verdict.FAIL == LAZADA_CROSS_BORDER.check(
            short_app(), as_of=dt.datetime(2026, 11, 28)
        )
