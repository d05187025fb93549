"""
Tests that both engines, the closures and the generated code, agree with the naive reference.

The reference (tests/reference.py) reads the policy's document and decides by
the documented semantics in straight-line Python with exact fractions. The
equivalence tests in test_engine_equivalence.py compare the two engines with
each other; these compare each of them with a third party that shares no
code with either, so a mistake made in both the same way is caught too.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lazada_eligibility import (
    Application,
    Money,
    Month,
    MonthlyTurnover,
    Policy,
    RateTable,
    Store,
)
from lazada_eligibility.policy.shipped import lazada_cross_border
from lazada_eligibility.registry import Claim
from lazada_eligibility.rules import (
    any_store,
    by_applied_category,
    by_market,
    category_matches,
    combined_stores,
    each_month,
    evidence_not_reused,
    min_turnover,
    owner_is,
    platform_kind,
)
from lazada_eligibility.rules._core import Context, Outcome
from reference import FAIL, PASS, REVIEW, Node, Reference, reasons, usable, window
from strategies import AS_OF, application_rules, applications, rate_tables

EXAMPLES = Path(__file__).parent.parent / "examples"
DAYS = (AS_OF, dt.date(2026, 11, 3), dt.date(2026, 12, 2), dt.date(2026, 10, 15))
USD = "USD"


@attrs.frozen
class Registry:
    """An evidence registry holding the stores *held* for application APP-1 of Seller Co."""

    held: frozenset[str]

    def holder(self, platform: str, store_id: str) -> Claim | None:
        if store_id not in self.held:
            return None
        at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        return Claim(namespace=platform, store_id=store_id, platform=platform,
                     application_id="APP-1", applicant="Seller Co.", claimed_at=at)  # fmt: skip


# The strategies' stores are 100, 101 and 102; an application APP-1 of Seller Co. holds its own.
registries = st.none() | st.builds(
    Registry, st.frozensets(st.sampled_from(("100", "101", "102")), max_size=2)
)


def shape(outcome: Outcome) -> tuple[Any, ...]:
    """An engine outcome as the reference writes one: kind, verdict, code, children."""
    return (outcome.rule, outcome.verdict.value, outcome.code,
            tuple(shape(c) for c in outcome.children))  # fmt: skip


def ref_shape(node: Node) -> tuple[Any, ...]:
    return (node.rule, node.verdict, node.code, tuple(ref_shape(c) for c in node.children))


def amounts(outcome: Outcome) -> list[tuple[str, Any, Fraction | None]]:
    """Each turnover leaf's code, month and exact total, in order."""
    return [
        (o.code, o.facts.get("month"), Fraction(o.facts["amount"].amount) if "amount" in o.facts else None)
        for o in outcome.walk()
        if o.rule == "min_turnover"
    ]  # fmt: skip


def ref_amounts(node: Node) -> list[tuple[str, Any, Fraction | None]]:
    found = []

    def walk(n: Node) -> None:
        if n.rule == "min_turnover":
            facts = dict(n.facts)
            found.append((n.code, facts.get("month"), facts.get("amount")))
        for c in n.children:
            walk(c)

    walk(node)
    return found


def agree(policy: Policy, app: Application, as_of: dt.date, **env: Any) -> None:
    """Assert the closures, the generated code and the public API all decide *app* as the reference does."""
    expected = Reference(as_of, rates=env.get("rates"), registry=env.get("registry")).decide(
        policy.rule.to_doc(), app
    )
    prepared = policy.prepare(**env)
    closures = policy.rule.compile(prepared.env)
    by_closures = closures.explain(None, None, Context(prepared.env, app, as_of))
    decision = prepared.evaluate(app, as_of=as_of)
    generated = prepared._program.explain(app, as_of)

    for outcome in (by_closures, generated, decision.outcome):
        assert ref_shape(expected) == shape(outcome)
        assert ref_amounts(expected) == amounts(outcome)
    assert expected.verdict == decision.verdict.value
    assert expected.verdict == prepared.check(app, as_of=as_of).value
    assert expected.verdict == {0: FAIL, 1: REVIEW, 2: PASS}[closures.check(None, None, app, as_of)]
    assert [r.code for r in reasons(expected)] == [r.code for r in decision.reasons]


class TestAgainstTheReference:
    @settings(max_examples=150, deadline=None)
    @given(
        applications(),
        application_rules(),
        st.none() | rate_tables(),
        registries,
        st.sampled_from(DAYS),
    )
    def test_random_policies(self, app, rule, rates, registry, as_of):
        """On random rule trees, branching included, both engines decide as the reference does."""
        agree(Policy("t", "1", rule), app, as_of, rates=rates, registry=registry)

    @settings(max_examples=60, deadline=None)
    @given(
        applications(),
        st.integers(1, 6),
        st.sampled_from(("exact", "within", "same-top-level")),
        st.sampled_from(("any", "combined")),
        st.integers(0, 5),
        st.none() | rate_tables(),
        st.sampled_from(DAYS),
    )
    def test_default_policy_variants(self, app, months, mode, stores, lag, rates, as_of):  # noqa: PLR0917
        """Every variant of the default policy decides as the reference does."""
        policy = lazada_cross_border(months=months, category_mode=mode, stores=stores, lag_days=lag)
        agree(policy, app, as_of, rates=rates)

    @pytest.mark.parametrize("name", ["eligible", "short-month", "domestic-only",
                                      "category-mismatch", "two-currencies"])  # fmt: skip
    def test_examples(self, name):
        """The shipped examples decide as the reference does, with the rates file for two currencies."""
        app = Application.from_dict(json.loads((EXAMPLES / f"{name}.json").read_text("utf-8")))
        rates = RateTable.from_csv(EXAMPLES / "rates-2026.csv")
        agree(lazada_cross_border(), app, AS_OF, rates=rates)


def one_store(amounts: dict[int, str], *, currency: str = USD, platform: str = "Amazon US",
              category: str | None = "mobiles", owner: str | None = None) -> Store:  # fmt: skip
    records = [MonthlyTurnover(Month(2026, m), Money(a, currency)) for m, a in amounts.items()]
    return Store(platform, "100", records, category=category, owner=owner)


class TestTheReferenceItself:
    """The oracle is only useful if it is right where the docs are explicit, and can disagree."""

    def test_exactly_the_minimum_passes(self):
        """US$1,000.00 exactly passes and US$999.99 fails: "not less than"."""
        rule = lazada_cross_border().rule.to_doc()
        ok = Application("Seller Co.", "mobiles", [one_store(dict.fromkeys((8, 9, 10), "1000.00"))])
        short = Application(
            "Seller Co.", "mobiles", [one_store({8: "1000", 9: "999.99", 10: "1000"})]
        )
        reference = Reference(AS_OF)
        assert PASS == reference.decide(rule, ok).verdict
        decided = reference.decide(rule, short)
        assert FAIL == decided.verdict
        assert ["turnover.below-minimum"] == [r.code for r in reasons(decided)]
        assert Fraction("0.01") == dict(reasons(decided)[0].facts)["shortfall"]

    def test_a_wrong_engine_is_caught(self):
        """A decision that treats the minimum as exclusive disagrees with the reference."""
        boundary = Application(
            "Seller Co.", "mobiles", [one_store(dict.fromkeys((8, 9, 10), "1000"))]
        )
        exclusive = lazada_cross_border(minimum=Money("1000.01", USD))  # what ">" would decide
        expected = Reference(AS_OF).decide(lazada_cross_border().rule.to_doc(), boundary)
        wrong = exclusive.evaluate(boundary, as_of=AS_OF)
        assert expected.verdict != wrong.verdict.value
        with pytest.raises(AssertionError):
            assert ref_shape(expected) == shape(wrong.outcome)

    def test_window_and_lag(self):
        """The window is the complete months before as_of's month, a month earlier within the lag days."""
        assert [Month(2026, 8), Month(2026, 9), Month(2026, 10)] == window(AS_OF, 3, 0)
        assert [Month(2026, 7), Month(2026, 8), Month(2026, 9)] == window(
            dt.date(2026, 11, 5), 3, 5
        )
        assert [Month(2026, 12)] == window(dt.date(2027, 1, 6), 1, 5)

    @pytest.mark.parametrize(
        ("rate", "expected"),
        [("1.08", True), (Decimal(1) / Decimal("1.08"), False), ("0.000000000001", True),
         ("0.0000000000001", False), ("0", False), ("1000000000", False)],
    )  # fmt: skip
    def test_usable_rates(self, rate, expected):
        """A rate converts only when positive, below 10^9 and with at most 12 places."""
        assert expected == usable(Decimal(rate))

    def test_cross_rate_that_does_not_end_reviews(self):
        """EUR turnover against a GBP minimum goes through USD; 1.08 / 1.27 does not end: review."""
        rates = RateTable({(c, Month(2026, m)): Decimal(r) for c, r in (("EUR", "1.08"), ("GBP", "1.27"))
                           for m in (8, 9, 10)})  # fmt: skip
        app = Application(
            "Seller Co.", "mobiles", [one_store(dict.fromkeys((8, 9, 10), "2000"), currency="EUR")]
        )
        rule = any_store(each_month(min_turnover(Money("1000", "GBP"))))
        decided = Reference(AS_OF, rates=rates).decide(rule.to_doc(), app)
        assert REVIEW == decided.verdict
        assert {"fx.rate-inexact"} == {r.code for r in reasons(decided)}
        agree(Policy("gbp", "1", rule), app, AS_OF, rates=rates)

    @pytest.mark.parametrize(
        ("market", "category", "minimum"),
        [("PH", "mobiles", "800"), ("SG", "mobiles", "1000"), (None, "mobiles", "1000"),
         ("PH", "womens-fashion", "1500")],
    )  # fmt: skip
    def test_branches(self, market, category, minimum):
        """Only the branch that applies is decided: its minimum is the one in the outcome."""
        month_rule = each_month(min_turnover(Money("1000", USD), "any"))
        rule = by_applied_category(
            [(["womens-fashion"], any_store(each_month(min_turnover(Money("1500", USD), "any"))))],
            by_market([(["PH"], any_store(each_month(min_turnover(Money("800", USD), "any"))))],
                      any_store(month_rule)),
        )  # fmt: skip
        app = Application("Seller Co.", category, [one_store(dict.fromkeys((8, 9, 10), "900"))],
                          market=market)  # fmt: skip
        decided = Reference(AS_OF).decide(rule.to_doc(), app)
        expected = PASS if minimum == "800" else FAIL
        assert expected == decided.verdict
        shortfalls = {dict(r.facts)["shortfall"] for r in reasons(decided)}
        assert (set() if expected == PASS else {Fraction(minimum) - 900}) == shortfalls
        agree(Policy("b", "1", rule), app, AS_OF)

    def test_combined_stores_with_a_store_that_reviews(self):
        """Summing reviews when counting a store on an unknown platform would change the answer."""
        rule = combined_stores(
            platform_kind("cross-border") & each_month(min_turnover(Money("1000", USD), "any"))
        )
        app = Application("Seller Co.", "mobiles", [
            one_store(dict.fromkeys((8, 9, 10), "600")),
            attrs.evolve(one_store(dict.fromkeys((8, 9, 10), "600"), platform="Unknown Bazaar"),
                         store_id="101"),
        ])  # fmt: skip
        assert REVIEW == Reference(AS_OF).decide(rule.to_doc(), app).verdict
        agree(Policy("c", "1", rule), app, AS_OF)

    def test_evidence_and_owner(self):
        """A store held by another application fails; the holder's own application passes; owners compare folded."""
        rule = any_store(owner_is("Seller Co.") & category_matches()) & evidence_not_reused()
        store = one_store(dict.fromkeys((8, 9, 10), "1000"), owner=" seller co. ")
        registry = Registry(frozenset({"100"}))
        mine = Application("Seller Co.", "mobiles", [store], id="APP-1")
        other = Application("Seller Co.", "mobiles", [store], id="APP-2")
        reference = Reference(AS_OF, registry=registry)
        assert PASS == reference.decide(rule.to_doc(), mine).verdict
        assert ["evidence.reused"] == [
            r.code for r in reasons(reference.decide(rule.to_doc(), other))
        ]
        for app in (mine, other):
            agree(Policy("e", "1", rule), app, AS_OF, registry=registry)

    @pytest.mark.parametrize("months", [1, 3, 6, 7, 8, 10])
    @pytest.mark.parametrize("amount", ["999.99", "1000", "1000.01"])
    def test_windows_unrolled_or_looped_at_the_minimum(self, months, amount):
        """Short windows (unrolled) and long ones (looped) decide exactly at, below and above the minimum."""
        app = Application("Seller Co.", "mobiles", [one_store(dict.fromkeys(range(1, 13), "1000"))])
        shifted = attrs.evolve(
            app, stores=[one_store({m: amount if m == 10 else "1000" for m in range(1, 13)})]
        )
        for policy in (
            lazada_cross_border(months=months),
            lazada_cross_border(months=months, stores="combined"),
        ):
            for each in (app, shifted):
                agree(policy, each, AS_OF)
        assert (FAIL if amount == "999.99" else PASS) == Reference(AS_OF).decide(
            lazada_cross_border(months=months).rule.to_doc(), shifted
        ).verdict
