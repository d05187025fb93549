"""
Tests that the generated code decides and explains exactly as the rules' closures do.

A prepared policy runs Python generated from its rule tree; every rule's
``compile()`` closures are the reference. The properties here compare the two
on random policies and applications; the coverage tests trace the generated
source and require every line of it to run on a small corpus, so that no
template goes untested.
"""

from __future__ import annotations

import datetime as dt
import linecache
import random
import re
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable
from decimal import Decimal
from types import FrameType
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lazada_eligibility import (
    LAZADA_CATEGORIES,
    Application,
    Money,
    Month,
    MonthlyTurnover,
    Policy,
    RateTable,
    Store,
    Verdict,
)
from lazada_eligibility.exceptions import ValidationError
from lazada_eligibility.policy.shipped import lazada_cross_border
from lazada_eligibility.registry import Claim
from lazada_eligibility.rules import (
    Level,
    Rule,
    _codegen,
    _core,
    all_of,
    any_of,
    any_store,
    by_applied_category,
    by_market,
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
from lazada_eligibility.rules._codegen import Memo
from lazada_eligibility.rules._core import VERDICTS, Context, Outcome, make_outcome
from lazada_eligibility.rules._leaves import category_matcher
from strategies import AS_OF, application_rules, applications, rate_tables

USD = "USD"
DAYS = (AS_OF, dt.date(2026, 11, 3), dt.date(2026, 12, 2), dt.date(2026, 10, 15))


class Registry:
    """
    An evidence registry in which the stores named in *held* are held by ``APP-0``.
    """

    def __init__(self, *held: str) -> None:
        self.held = set(held)

    def holder(self, platform: str, store_id: str) -> Claim | None:
        if store_id not in self.held:
            return None
        at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        return Claim(
            namespace=platform,
            store_id=store_id,
            platform=platform,
            application_id="APP-0",
            applicant="Other Co.",
            claimed_at=at,
        )


def facts_in_order(outcome: Outcome) -> list[list[tuple[str, Any]]]:
    return [list(o.facts.items()) for o in outcome.walk()]


def known_categories(app: Application, taxonomy: Any) -> bool:
    ids = [app.category, *(s.category for s in app.stores)]
    ids += [r.category for s in app.stores for r in s.turnover]
    return all(i is None or i in taxonomy for i in ids)


def assert_same(policy: Policy, app: Application, as_of: dt.date, **env: Any) -> None:
    """Assert the generated and the reference functions agree on *app*."""
    prepared = policy.prepare(**env)
    reference = policy.rule.compile(prepared.env)
    expected = reference.explain(None, None, Context(prepared.env, app, as_of))
    program = prepared._program
    outcome = program.explain(app, as_of)
    assert expected == outcome
    assert facts_in_order(expected) == facts_in_order(outcome)
    assert expected.verdict == VERDICTS[program.check(app, as_of)]
    assert expected.verdict == VERDICTS[reference.check(None, None, app, as_of)]
    if known_categories(app, prepared.env.categories):
        assert outcome == prepared.evaluate(app, as_of=as_of).outcome
        assert expected.verdict == prepared.check(app, as_of=as_of)
    else:
        # The public door refuses unknown category ids before any rule runs.
        with pytest.raises(ValidationError, match="unknown category id"):
            prepared.evaluate(app, as_of=as_of)
        with pytest.raises(ValidationError, match="unknown category id"):
            prepared.check(app, as_of=as_of)


registries = st.none() | st.builds(Registry, st.sampled_from(("s0", "s1", "s2")))


class TestEquivalence:
    @settings(max_examples=300, deadline=None)
    @given(
        applications(),
        application_rules(),
        st.none() | rate_tables(),
        registries,
        st.sampled_from(DAYS),
    )
    def test_random_policies(self, app, rule, rates, registry, as_of):
        """On random policies, generated check and explain equal the closures, fact for fact."""
        assert_same(Policy("t", "1", rule), app, as_of, rates=rates, registry=registry)

    @settings(max_examples=200, deadline=None)
    @given(
        applications(),
        st.integers(1, 8),
        st.sampled_from(("exact", "within", "same-top-level")),
        st.sampled_from(("any", "combined")),
        st.integers(0, 5),
        st.none() | rate_tables(),
        st.sampled_from(DAYS),
    )
    def test_default_policy_variants(self, app, months, mode, stores, lag, rates, as_of):  # noqa: PLR0917
        """Every variant of the default policy agrees, windows unrolled or looped."""
        policy = lazada_cross_border(months=months, category_mode=mode, stores=stores, lag_days=lag)
        assert_same(policy, app, as_of, rates=rates)

    @settings(max_examples=100, deadline=None)
    @given(applications(), application_rules(), st.none() | rate_tables())
    def test_check_is_evaluate(self, app, rule, rates):
        """Through the public API, check() always gives evaluate()'s verdict."""
        policy = Policy("t", "1", rule)
        expected = policy.evaluate(app, as_of=AS_OF, rates=rates).verdict
        assert expected == policy.check(app, as_of=AS_OF, rates=rates)


# -- every line of the generated code runs ----------------------------------------------


def store(platform: str, sid: str, months: dict[int, str], category: str | None = "mobiles",
          *, currency: str = USD, extra: Iterable[MonthlyTurnover] = ()) -> Store:  # fmt: skip
    records = [MonthlyTurnover(Month(2026, m), Money(a, currency)) for m, a in months.items()]
    return Store(platform, sid, [*records, *extra], category=category)


FULL = {8: "1200", 9: "1500", 10: "1000.00"}
EDGES = (
    Application("Seller Co.", "mobiles", []),
    Application("Seller Co.", "mobiles", [store("Amazon US", "s0", FULL)], id="APP-1"),
    Application(
        "Seller Co.",
        "laptops",
        [
            store("JD", "s1", FULL),
            store("Unknown Bazaar", "s2", FULL),
            store("eBay", "s3", {8: "1200", 9: "999.99"}),
            store("AliExpress", "4", FULL, "skincare"),  # store numbers are digits
            store("Temu", "s5", FULL, "no-such-category"),
            store("Etsy", "s6", {}, None),
            store("Etsy", "s7", {}, "tablets"),
            store("Etsy", "s8", {}, "skincare"),
            store("amazon.de", "s9", {8: "1000", 9: "1000", 10: "900"}, currency="EUR"),
            store("amazon.fr", "s10", {8: "2000", 9: "2000", 10: "2000"}, currency="CHF"),
            store(
                "Shopee",
                "s11",
                {8: "1200", 9: "1200"},
                extra=[
                    MonthlyTurnover(Month(2026, 10), Money("300", USD)),
                    MonthlyTurnover(Month(2026, 10), Money("900", USD), "no-such-category"),
                    MonthlyTurnover(Month(2026, 9), Money("50", USD), "skincare"),
                ],
            ),
            store("Walmart", "s12", FULL),
            # GBP into EUR goes through USD: 1.27 / 1.08 does not end (fx.rate-inexact).
            store("amazon.co.uk", "s15", {8: "1000", 9: "1000", 10: "500"}, currency="GBP"),
        ],
    ),
    Application("Other Co.", "no-such-category", [store("Amazon US", "s13", FULL)]),
    # SGD into EUR: 0.54 / 1.08 = 0.5 ends, so it converts exactly.
    Application(
        "Seller Co.",
        "laptops",
        [store("amazon.sg", "s16", dict.fromkeys(range(3, 11), "2000"), "laptops", currency="SGD")],
    ),
    Application("Other Co.", "mobiles", [store("Etsy", "s14", {}, "laptops")]),
)


def random_corpus(n: int = 300, seed: int = 7) -> list[Application]:
    """Deterministic applications over every case the templates branch on."""
    rng = random.Random(seed)  # noqa: S311 -- test data, not secrets
    platforms = ("Amazon US", "eBay", "JD", "Taobao", "Unknown Bazaar", "Temu")
    categories = ("mobiles", "laptops", "audio", "skincare", "no-such-category", None)
    apps = []
    for i in range(n):
        stores = []
        for k in range(rng.randint(0, 3)):
            category = rng.choice(categories)
            currency = rng.choice((USD, USD, USD, "EUR", "CHF"))
            records = []
            for month in range(3, 11):
                if rng.random() < 0.15:
                    continue
                amount = Money(rng.choice(("400", "999.99", "1000", "1600", "2500")), currency)
                records.append(MonthlyTurnover(Month(2026, month), amount))
                if rng.random() < 0.2:
                    other = rng.choice([c for c in categories if c not in {category, None}])
                    records.append(MonthlyTurnover(Month(2026, month), amount, other))
            stores.append(Store(rng.choice(platforms), f"{k}", records, category=category))
        applied = rng.choice(("mobiles", "laptops", "skincare", "no-such-category"))
        market = (None, "PH", "SG", "MY")[i % 4]  # not drawn: the rest stays as it was
        apps.append(Application("Seller Co.", applied, stores, id=f"APP-{i}", market=market))
    return apps


CORPUS = (*EDGES, *random_corpus())
RATES = RateTable(
    {
        **{("EUR", Month(2026, m)): Decimal("1.08") for m in range(1, 13)},
        **{("GBP", Month(2026, m)): Decimal("1.27") for m in range(1, 13)},
        **{("SGD", Month(2026, m)): Decimal("0.54") for m in range(1, 13)},
    }
)

TEMPLATE_POLICIES: dict[str, tuple[Rule[Application], dict[str, Any]]] = {
    "default": (lazada_cross_border().rule, {"rates": RATES}),
    "default without rates": (lazada_cross_border().rule, {}),
    "every store, any of, not, month rule of any category, long window": (
        every_store(
            any_of(platform_kind("domestic"), not_(category_matches("exact")))
            | each_month(min_turnover(Money("500", USD), "any"), window=8)
        )
        & any_store(category_matches("within") & platform_kind("cross-border", "domestic"))
        & any_store(each_month(not_(min_turnover(Money("900", "EUR"), "exact")), window=7)),
        {"rates": RATES},
    ),
    "constants folded": (
        any_of(evidence_not_reused(), any_store(platform_kind("cross-border")))
        & all_of(evidence_not_reused(), any_store(category_matches()))
        & any_of(not_(evidence_not_reused()), every_store(platform_kind("domestic"))),
        {},
    ),
    "constant fail": (
        not_(evidence_not_reused()) & any_store(platform_kind("cross-border")),
        {},
    ),
    "branching on the category applied for and on the market, at every level": (
        by_applied_category(
            [
                (["mobiles"], any_store(platform_kind("cross-border"))),
                (
                    ["health-beauty", "home-living"],
                    every_store(
                        by_market(
                            [(["PH", "MY"], each_month(min_turnover(Money("900", USD)), window=4))],
                            platform_kind("cross-border"),
                        )
                    ),
                ),
            ],
            any_store(platform_kind("domestic")),
        )
        & any_store(
            each_month(
                by_applied_category(
                    [(["laptops"], min_turnover(Money("450", USD), "any"))],
                    min_turnover(Money("1500", USD)),
                ),
                window=2,
            )
        )
        & by_market([(["SG"], evidence_not_reused())], any_store(platform_kind("cross-border"))),
        {"rates": RATES},
    ),
    "closures where there is no template": (
        combined_stores(platform_kind("cross-border") & each_month(min_turnover(Money(1, USD))))
        & prohibited_categories("health-beauty")
        & any_store(owner_is() | each_month(not_(min_turnover(Money(1, USD))), window=2))
        & evidence_not_reused(),
        {"registry": Registry("s0")},
    ),
}


def executable_lines(function: Callable[..., Any]) -> set[int]:
    code = function.__code__
    return {line for _, _, line in code.co_lines() if line is not None} - {code.co_firstlineno}


def run_traced(filename: str, work: Callable[[], None]) -> set[int]:
    """Run *work*, returning the lines of *filename* it ran."""
    hit: set[int] = set()
    # A coverage run's tracer pauses meanwhile: called from here, it would
    # reinstall itself in place of this one.
    previous = sys.gettrace()

    def local(frame: FrameType, event: str, arg: object) -> Any:
        if event == "line":
            hit.add(frame.f_lineno)
        return local

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        return local if frame.f_code.co_filename == filename else None

    sys.settrace(tracer)
    try:
        work()
    finally:
        sys.settrace(previous)
    return hit


class TestGeneratedCoverage:
    @pytest.mark.parametrize("name", list(TEMPLATE_POLICIES))
    def test_every_generated_line_runs(self, name):
        """Each template policy's generated check and explain run every line on the corpus."""
        rule, env = TEMPLATE_POLICIES[name]
        policy = Policy("t", "1", rule)
        prepared = policy.prepare(**env)
        program = prepared._program
        lines = executable_lines(program.check) | executable_lines(program.explain)

        def work() -> None:
            # The generated functions themselves: the public door refuses
            # the corpus's unknown category ids before they would run.
            for app in CORPUS:
                for as_of in (AS_OF, dt.date(2026, 9, 1)):
                    program.check(app, as_of)
                    program.explain(app, as_of)

        hit = run_traced(program.check.__code__.co_filename, work)
        source = program.source.splitlines()
        missed = [f"{n}: {source[n - 1]}" for n in sorted(lines - hit)]
        assert [] == missed
        for app in CORPUS:
            assert_same(policy, app, AS_OF, **env)

    def test_templates_replace_closures(self):
        """The default policy's generated code calls no rule closure."""
        source = lazada_cross_border().prepare(rates=RATES)._program.source
        assert re.search(r"_(ck|ex)\d", source) is None

    def test_closures_for_the_rest(self):
        """Rules without a template run their closures, and still agree."""
        rule, env = TEMPLATE_POLICIES["closures where there is no template"]
        source = Policy("t", "1", rule).prepare(**env)._program.source
        assert 8 == len(set(re.findall(r"_(?:ck|ex)\d+", source)))

    def test_deep_trees_fall_back(self):
        """A junction too deep to indent runs its remaining children as closures."""
        kinds = [platform_kind("cross-border"), category_matches(), owner_is()]
        rule = any_store(all_of(*(kinds * 20)))
        policy = Policy("t", "1", rule)
        source = policy.prepare()._program.source
        assert "_ck" in source
        for app in CORPUS:
            assert_same(policy, app, AS_OF)


class TestSafety:
    def test_no_rule_value_in_the_source(self):
        """Rule values and user text are bound as constants, never written into the code."""
        odd = "x'); import os; os.system('true') #"

        @leaf_rule("store")
        def named(s: Store, ctx: Context, *, name: str) -> bool:
            return s.name == name

        rule = any_store(
            platform_kind("cross-border")
            & named(name=odd)
            & each_month(min_turnover(Money("1234.5678", "JPY"), "within"), window=2, lag_days=3)
        )
        source = Policy("t", "1", rule).prepare()._program.source
        literals = set(re.findall(r"'([^']*)'", source))
        allowed = {
            "application ", "application of ", "store ", "month ", " of ", "/", "all", "any",
            "not", "any_store", "every_store", "each_month", "platform_kind", "platform",
            "name", "kind", "category_matches", "applied", "mode", "category", "categories",
            "category.match", "category.unknown", "category.mismatch", "min_turnover", "month",
            "amount", "minimum", "currency", "target", "shortfall", "months", "window",
            "lag_days", "turnover.ok", "turnover.month-missing", "fx.rate-missing",
            "turnover.below-minimum", "stores.none", "evidence_not_reused", "evidence.unchecked",
        }  # fmt: skip
        assert set() == literals - allowed
        for value in (odd, "1234.5678", "JPY", "within", "cross-border"):
            assert value not in source


class TestOutcomeBuilder:
    def test_builds_a_real_outcome(self):
        """make_outcome gives an Outcome equal to the constructor's, and frozen."""
        args = ("all", Verdict.PASS, "all.pass", "store x/1", {"a": 1}, ())
        built = make_outcome(*args)
        assert Outcome is type(built)
        assert Outcome(*args) == built
        assert hash(Outcome(*args)) == hash(built)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            built.code = "changed"  # type: ignore[misc]


class TestGroupCategories:
    @pytest.mark.parametrize(
        ("mode", "applied", "category", "expected"),
        [
            ("same-top-level", "mobiles", "3c-digital", 2),
            ("same-top-level", "skincare", "3c-digital", 0),
            ("same-top-level", "3c-digital", "3c-digital", 2),
            ("same-top-level", "3c-digital", "mobiles", 2),
            ("within", "mobiles", "3c-digital", 0),
            ("within", "3c-digital", "3c-digital", 2),
            ("within", "3c-digital", "audio", 2),
            ("exact", "mobiles", "3c-digital", 0),
            ("exact", "3c-digital", "3c-digital", 2),
        ],
    )
    def test_group_as_turnover_category(self, mode, applied, category, expected):
        """Turnover labelled with a group matches by its top level instead of raising."""
        match = category_matcher(LAZADA_CATEGORIES, mode)
        assert expected == match(applied, category)

    def test_store_in_a_group_is_decided(self):
        """A store whose category is a group gets a decision, not an UnknownCategoryError."""
        app = Application("Seller Co.", "mobiles", [store("Amazon US", "g", FULL, "3c-digital")])
        decision = lazada_cross_border().evaluate(app, as_of=AS_OF)
        assert Verdict.PASS == decision.verdict


def test_levels_of_the_corpus_rules():
    """The template policies are application rules (a guard on the table above)."""
    assert {Level.APPLICATION} == {rule.level for rule, _ in TEMPLATE_POLICIES.values()}


class TestPrepared:
    def test_same_arguments_same_prepared(self):
        """Asking again with the same arguments returns the very same prepared policy."""
        policy = lazada_cross_border()
        first = policy.prepare(rates=RATES)
        assert first is policy.prepare(rates=RATES)
        assert first is not policy.prepare()
        assert first is policy.prepare(rates=RATES)

    def test_dates_and_subclasses(self):
        """A datetime or date subclass is a day, and an Application subclass is an application."""

        class Day(dt.date):
            pass

        class MyApplication(Application):
            pass

        prepared = lazada_cross_border().prepare()
        app = MyApplication("Seller Co.", "mobiles", [store("Amazon US", "a", FULL)])
        for day in (dt.datetime(2026, 11, 28, 9, 0), Day(2026, 11, 28)):
            assert Verdict.PASS == prepared.check(app, as_of=day)
            assert AS_OF == prepared.evaluate(app, as_of=day).as_of

    def test_not_an_application(self):
        """Anything but an Application is refused with a TypeError naming it."""
        prepared = lazada_cross_border().prepare()
        with pytest.raises(TypeError, match="expected an Application, got dict"):
            prepared.check({"applicant": "x"}, as_of=AS_OF)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="expected an Application"):
            prepared.evaluate("APP-1", as_of=AS_OF)  # type: ignore[arg-type]


class TestMemo:
    def test_computes_once_and_stays_bounded(self, monkeypatch):
        """A Memo computes a missing key once, and starts over when full."""
        calls: list[str] = []
        memo = Memo(lambda key: calls.append(key) or key.upper())
        monkeypatch.setattr(_codegen, "_CACHE_LIMIT", 2)
        assert ["A", "A", "B", "C"] == [memo["a"], memo["a"], memo["b"], memo["c"]]
        assert ["a", "b", "c"] == calls
        assert {"c": "C"} == dict(memo)


class TestOutcomeMaker:
    def test_falls_back_to_the_class(self, monkeypatch):
        """Should the layout trick stop working, outcomes are built by the class itself."""

        class Refused:
            def __init__(self, *args: object) -> None:
                raise TypeError

        class Unchanged:
            def __init__(self, *args: object) -> None:
                pass

        for builder in (Refused, Unchanged):
            monkeypatch.setattr(_core, "_OutcomeBuilder", builder)
            assert Outcome is _core._outcome_maker()


class TestCompiledCode:
    def test_same_policy_compiles_once(self):
        """Preparing an equal policy again reuses the compiled code, not just the source."""
        rule = lazada_cross_border(months=4).rule
        first = Policy("a", "1", rule).prepare()._program
        second = Policy("b", "2", rule).prepare()._program
        assert first.check is not second.check
        assert first.check.__code__ is second.check.__code__

    def test_cache_and_line_cache_stay_bounded(self, monkeypatch):
        """Old compiled code leaves the cache, and its source leaves the line cache."""
        monkeypatch.setattr(_codegen, "_CODE_KEEP", 2)
        monkeypatch.setattr(_codegen, "_codes", OrderedDict())
        names = []
        for months in (1, 2, 3, 4):
            program = lazada_cross_border(months=months, lag_days=13).prepare()._program
            names.append(program.check.__code__.co_filename)
        assert [False, False, True, True] == [name in linecache.cache for name in names]
        assert 2 >= len(_codegen._codes)
