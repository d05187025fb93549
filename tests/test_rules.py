"""
Tests for the rule values, the combinators' Kleene logic and custom rules.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lazada_eligibility import (
    Application,
    Money,
    Month,
    MonthlyTurnover,
    Policy,
    PolicyError,
    Store,
    Verdict,
    evaluate,
)
from lazada_eligibility.policy.shipped import lazada_cross_border
from lazada_eligibility.rules import (
    Context,
    CustomRule,
    Level,
    Outcome,
    Rule,
    StoreMonth,
    all_of,
    any_of,
    any_store,
    category_matches,
    combined_stores,
    each_month,
    every_store,
    evidence_not_reused,
    leaf_rule,
    min_turnover,
    not_,
    owner_is,
    platform_kind,
    prohibited_categories,
)
from strategies import AS_OF, application_rules, applications, rate_tables, store_rules


def verdict_of(rule: Rule[Any], app: Application, **kwargs: Any) -> Verdict:
    return Policy("t", "1", rule).evaluate(app, as_of=AS_OF, **kwargs).verdict


def kleene_and(*vs: Verdict) -> Verdict:
    return min(vs, key=lambda v: v.rank)


def kleene_or(*vs: Verdict) -> Verdict:
    return max(vs, key=lambda v: v.rank)


def kleene_not(v: Verdict) -> Verdict:
    return {Verdict.PASS: Verdict.FAIL, Verdict.FAIL: Verdict.PASS}.get(v, v)


CROSS = platform_kind("cross-border")
CATEGORY = category_matches()
MONTHS = each_month(min_turnover(Money("1000", "USD")))


class TestValues:
    def test_operators_are_the_factories(self):
        """&, | and ~ build the same values as all_of, any_of and not_."""
        assert all_of(CROSS, CATEGORY) == CROSS & CATEGORY
        assert any_of(CROSS, CATEGORY) == CROSS | CATEGORY
        assert not_(CROSS) == ~CROSS

    def test_flattening(self):
        """Nested combinators of one kind flatten; one rule is itself."""
        assert all_of(CROSS, CATEGORY, MONTHS) == all_of(all_of(CROSS, CATEGORY), MONTHS)
        assert any_of(CROSS, CATEGORY, MONTHS) == (CROSS | CATEGORY) | MONTHS
        assert CROSS == all_of(CROSS) == any_of(CROSS)
        assert (CROSS | CATEGORY, MONTHS) == ((CROSS | CATEGORY) & MONTHS).children()

    def test_double_negation(self):
        """~~r is r."""
        assert CROSS == ~~CROSS

    def test_foreign_operands(self):
        """Operators return NotImplemented for non-rules."""
        assert NotImplemented == CROSS.__and__(1)  # type: ignore[arg-type]
        assert NotImplemented == CROSS.__or__("x")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            _ = CROSS & True  # type: ignore[operator]

    def test_str_reads_like_the_policy(self):
        """str() of the default rule reads like the policy."""
        expected = (
            "any_store(platform_kind('cross-border') & category_matches('same-top-level') & "
            "each_month(min_turnover(Money('1000', 'USD')), window=3)) & evidence_not_reused()"
        )
        assert expected == str(lazada_cross_border().rule)
        assert "~(platform_kind('domestic') | owner_is())" == str(
            ~(platform_kind("domestic") | owner_is())
        )
        assert "platform_kind('cross-border') & (category_matches('exact') | ~owner_is())" == str(
            CROSS & (category_matches("exact") | ~owner_is())
        )
        assert "each_month(min_turnover(Money('5', 'EUR'), 'any'), window=2, lag_days=3)" == str(
            each_month(min_turnover(Money(5, "EUR"), "any"), window=2, lag_days=3)
        )

    def test_repr_is_str(self):
        """repr() is the readable form too."""
        rule = any_store(CROSS | CATEGORY)
        assert str(rule) == repr(rule)

    @given(application_rules())
    def test_equal_trees_hash_equal(self, rule):
        """A copy of a tree is equal and hashes equal, and pickles to an equal tree."""
        again = copy.deepcopy(rule)
        assert rule == again
        assert hash(rule) == hash(again)
        assert rule == pickle.loads(pickle.dumps(rule))

    def test_levels(self):
        """Quantifiers move between subjects."""
        assert Level.MONTH == min_turnover(Money(1, "USD")).level
        assert Level.STORE == MONTHS.level
        assert Level.APPLICATION == any_store(CROSS).level
        assert Level.APPLICATION == (any_store(CROSS) & evidence_not_reused()).level

    @pytest.mark.parametrize(
        "build",
        [
            lambda: CROSS & evidence_not_reused(),
            lambda: any_of(MONTHS, min_turnover(Money(1, "USD"))),
            lambda: any_store(evidence_not_reused()),
            lambda: any_store(min_turnover(Money(1, "USD"))),
            lambda: every_store(any_store(CROSS)),
            lambda: each_month(CROSS),
            lambda: combined_stores(CROSS),
            lambda: combined_stores(CROSS & ~MONTHS),
            lambda: Policy("p", "1", CROSS),
            lambda: all_of(),
            lambda: all_of(CROSS, "x"),  # type: ignore[arg-type]
            lambda: not_("x"),  # type: ignore[arg-type]
            lambda: any_store("x"),  # type: ignore[arg-type]
        ],
    )
    def test_wrong_subjects_fail_when_built(self, build):
        """Composing rules about different subjects is a PolicyError at build time."""
        with pytest.raises(PolicyError):
            build()

    def test_article_in_messages(self):
        """Messages read naturally."""
        with pytest.raises(PolicyError, match="is an application rule"):
            CROSS & evidence_not_reused()

    @pytest.mark.parametrize(
        "build",
        [
            lambda: platform_kind(),
            lambda: platform_kind("offshore"),
            lambda: category_matches("fuzzy"),
            lambda: min_turnover(1000),  # type: ignore[arg-type]
            lambda: min_turnover(Money(-1, "USD")),
            lambda: min_turnover(Money(1, "USD"), "nearby"),
            lambda: each_month(min_turnover(Money(1, "USD")), window=0),
            lambda: each_month(min_turnover(Money(1, "USD")), window=121),
            lambda: each_month(min_turnover(Money(1, "USD")), lag_days=28),
            lambda: prohibited_categories(),
            lambda: prohibited_categories(""),
            lambda: owner_is(" "),
        ],
    )
    def test_bad_parameters(self, build):
        """Bad leaf parameters are PolicyErrors."""
        with pytest.raises(PolicyError):
            build()

    def test_parameters_are_canonical(self):
        """Order and duplicates of set-like parameters do not matter."""
        assert platform_kind("domestic", "cross-border") == platform_kind(
            "cross-border", "domestic", "domestic"
        )
        assert prohibited_categories("b", "a") == prohibited_categories("a", "b", "a")

    def test_to_doc(self):
        """to_doc gives the policy-document node of each rule."""
        assert {"not": {"owner_is": {"owners": ["X"]}}} == (~owner_is("X")).to_doc()
        assert {"every_store": {"any": [{"platform_kind": {"kinds": ["domestic"]}},
                                        {"category_matches": {"mode": "exact"}}]}} == every_store(
            platform_kind("domestic") | category_matches("exact")
        ).to_doc()  # fmt: skip
        assert {"prohibited_categories": {"categories": ["3c-digital"]}} == prohibited_categories(
            "3c-digital"
        ).to_doc()

    def test_unknown_prohibited_category_at_prepare(self):
        """A prohibited category the taxonomy lacks is refused when the policy is prepared."""
        policy = Policy("p", "1", prohibited_categories("no-such"))
        with pytest.raises(KeyError, match="no-such"):
            policy.prepare()


class TestKleene:
    @settings(max_examples=150, deadline=None)
    @given(applications(), application_rules(), rate_tables())
    def test_outcome_tree_follows_kleene(self, app, rule, rates):
        """Every all/any/not node's verdict is the Kleene function of its children's."""
        decision = Policy("t", "1", rule).evaluate(app, as_of=AS_OF, rates=rates)
        for node in decision.outcome.walk():
            vs = [c.verdict for c in node.children]
            if node.rule == "all" and node.code.startswith("all."):
                assert kleene_and(*vs) == node.verdict
            elif node.rule == "any":
                assert kleene_or(*vs) == node.verdict
            elif node.rule == "not":
                assert kleene_not(vs[0]) == node.verdict
            elif node.rule == "any_store" and vs:
                assert kleene_or(*vs) == node.verdict
            elif node.rule in {"every_store", "each_month"} and vs:
                assert kleene_and(*vs) == node.verdict

    @settings(max_examples=150, deadline=None)
    @given(applications(), application_rules(), rate_tables())
    def test_check_agrees_with_evaluate(self, app, rule, rates):
        """The verdict-only path gives the verdict of the full path."""
        policy = Policy("t", "1", rule)
        assert policy.evaluate(app, as_of=AS_OF, rates=rates).verdict == policy.check(
            app, as_of=AS_OF, rates=rates
        )

    @settings(max_examples=100, deadline=None)
    @given(applications(), store_rules(), store_rules())
    def test_de_morgan(self, app, a, b):
        """~(a & b) == ~a | ~b and ~(a | b) == ~a & ~b, as verdicts."""
        assert verdict_of(any_store(~(a & b)), app) == verdict_of(any_store(~a | ~b), app)
        assert verdict_of(any_store(~(a | b)), app) == verdict_of(any_store(~a & ~b), app)

    @settings(max_examples=100, deadline=None)
    @given(applications(), store_rules(), store_rules())
    def test_commutative(self, app, a, b):
        """A & b and b & a decide alike; so do a | b and b | a."""
        assert verdict_of(every_store(a & b), app) == verdict_of(every_store(b & a), app)
        assert verdict_of(every_store(a | b), app) == verdict_of(every_store(b | a), app)

    @settings(max_examples=100, deadline=None)
    @given(applications(), application_rules())
    def test_identity_with_itself(self, app, a):
        """A & a and a | a decide like a (idempotence)."""
        v = verdict_of(a, app)
        assert v == verdict_of(all_of(a, a), app) == verdict_of(any_of(a, a), app)


def raised(app: Application, index: int, extra: str) -> Application:
    stores = list(app.stores)
    s = stores[index]
    turnover = [
        attrs.evolve(r, amount=r.amount + Money(extra, r.amount.currency)) for r in s.turnover
    ]
    stores[index] = attrs.evolve(s, turnover=turnover)
    return attrs.evolve(app, stores=stores)


class TestMonotonicity:
    POLICIES = (lazada_cross_border(), lazada_cross_border(stores="combined"),
                lazada_cross_border(category_mode="within", months=2))  # fmt: skip

    @settings(max_examples=150, deadline=None)
    @given(applications(), st.integers(0, 2), st.sampled_from(["0.01", "1", "500", "5000"]),
           rate_tables(), st.sampled_from(POLICIES))  # fmt: skip
    def test_more_turnover_never_fails_a_pass(self, app, index, extra, rates, policy):
        """Raising a store's turnover never turns PASS into FAIL."""
        assume(index < len(app.stores))
        before = policy.check(app, as_of=AS_OF, rates=rates)
        after = policy.check(raised(app, index, extra), as_of=AS_OF, rates=rates)
        if before is Verdict.PASS:
            assert Verdict.PASS == after
        if after is Verdict.FAIL:
            assert Verdict.FAIL == before

    @settings(max_examples=150, deadline=None)
    @given(applications(max_stores=2), st.data(), rate_tables())
    def test_another_store_never_fails_a_pass(self, app, data, rates):
        """Under any_store, adding a store never turns PASS into FAIL."""
        from strategies import stores

        extra = data.draw(stores("999"))  # digits: every platform accepts it; no drawn store has it
        bigger = attrs.evolve(app, stores=[*app.stores, extra])
        policy = lazada_cross_border()
        if policy.check(app, as_of=AS_OF, rates=rates) is Verdict.PASS:
            assert Verdict.PASS == policy.check(bigger, as_of=AS_OF, rates=rates)


@attrs.frozen
class NamedStore(CustomRule[Store]):
    kind = "named_store"
    subject = Level.STORE
    prefix: str = ""

    def evaluate(self, subject: Store, ctx: Context) -> Outcome | Verdict | bool:
        if subject.name is None:
            return Verdict.REVIEW
        return subject.name.startswith(self.prefix)


@leaf_rule("month")
def any_record(month: StoreMonth, ctx: Context) -> Outcome | Verdict | bool:
    """Some turnover is on record that month."""
    return Outcome("any_record", Verdict.PASS if month.records else Verdict.FAIL, "demo.records",
                   f"month {month.month}", {"count": len(month.records)})  # fmt: skip


@leaf_rule("application", kind="market_is")
def market_is(app: Application, ctx: Context, *, market: str) -> bool:
    return app.market == market


class TestCustomRules:
    def make(self, name: str | None) -> Application:
        s = Store("Amazon US", "A1", [MonthlyTurnover(Month(2026, 10), Money(5, "USD"))], name=name)
        return Application("Seller Co.", "mobiles", [s], market="PH")

    def test_subclass_composes(self):
        """A CustomRule subclass composes with built-ins, with kind.verdict codes."""
        rule = any_store(CROSS & NamedStore("Lianhe"))
        assert "any_store(platform_kind('cross-border') & named_store(prefix='Lianhe'))" == str(
            rule
        )
        assert Verdict.PASS == verdict_of(rule, self.make("Lianhe Tech"))
        assert Verdict.FAIL == verdict_of(rule, self.make("Other"))
        d = Policy("t", "1", rule).evaluate(self.make(None), as_of=AS_OF)
        assert ["named_store.review"] == [r.code for r in d.reasons]
        assert Verdict.REVIEW == Policy("t", "1", rule).check(self.make(None), as_of=AS_OF)

    def test_subclass_values(self):
        """Custom rules compare, hash and dump by their fields."""
        assert NamedStore("a") == NamedStore("a")
        assert hash(NamedStore("a")) == hash(NamedStore("a"))
        assert {"named_store": {"prefix": "a"}} == NamedStore("a").to_doc()

    def test_decorated_month_rule(self):
        """A decorated month rule sees the month's records and returns its own outcome."""
        rule = any_store(each_month(any_record(), window=1))
        d = Policy("t", "1", rule).evaluate(self.make("x"), as_of=AS_OF)
        assert Verdict.PASS == d.verdict
        assert {"count": 1} == d.outcome.walk()[-1].facts

    def test_decorated_rule_with_parameters(self):
        """Decorated factories take keyword parameters that are part of the value."""
        assert market_is(market="PH") == market_is(market="PH")
        assert market_is(market="PH") != market_is(market="MY")
        assert "market_is(market='PH')" == str(market_is(market="PH"))
        assert {"market_is": {"market": "PH"}} == market_is(market="PH").to_doc()
        assert Verdict.PASS == verdict_of(market_is(market="PH"), self.make("x"))
        assert Verdict.FAIL == verdict_of(~market_is(market="PH"), self.make("x"))

    def test_unhashable_parameters_refused(self):
        """Parameters must be hashable so rules stay values."""
        with pytest.raises(PolicyError, match="hashable"):
            market_is(market=["PH"])

    def test_bad_return_value(self):
        """A rule returning something else is a TypeError naming the rule."""

        @leaf_rule(Level.APPLICATION)
        def broken(app: Application, ctx: Context) -> Any:
            return "yes"

        with pytest.raises(TypeError, match="broken"):
            evaluate(self.make("x"), as_of=AS_OF, policy=Policy("t", "1", broken()))

    def test_context(self):
        """Custom rules see the application, as_of, catalogs and label helpers."""
        seen: dict[str, Any] = {}

        @leaf_rule("store")
        def spy(store: Store, ctx: Context) -> bool:
            seen.update(as_of=ctx.as_of, app=ctx.application.applicant, label=ctx.label(store),
                        platform=ctx.platform_of(store).id, rates=ctx.rates, registry=ctx.registry,
                        n=len(ctx.platforms) > 10, m=len(ctx.categories) > 100)  # fmt: skip
            return True

        evaluate(
            self.make("x"),
            as_of=dt.datetime(2026, 11, 28, 9),
            policy=Policy("t", "1", any_store(spy())),
        )
        assert {"as_of": AS_OF, "app": "Seller Co.", "label": "amazon.com/A1", "platform": "amazon.com",
                "rates": None, "registry": None, "n": True, "m": True} == seen  # fmt: skip
