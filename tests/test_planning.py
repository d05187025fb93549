"""
Tests for the earliest date to apply.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazada_eligibility import (
    LAZADA_CROSS_BORDER,
    Application,
    Money,
    Month,
    MonthlyTurnover,
    Policy,
    Store,
    ValidationError,
    Verdict,
    evaluate,
    review_window,
)
from lazada_eligibility._l10n import LANGUAGES
from lazada_eligibility.explain import render_earliest
from lazada_eligibility.planning import EarliestPlan, assumed, earliest_eligible, earliest_plan
from lazada_eligibility.policy.shipped import lazada_cross_border
from lazada_eligibility.rules import (
    Rule,
    any_store,
    by_market,
    category_matches,
    each_month,
    every_store,
    min_turnover,
    not_,
)
from lazada_eligibility.rules._branching import Branching
from lazada_eligibility.rules._leaves import MinTurnover
from lazada_eligibility.rules._quantifiers import EachMonth
from reference import Reference
from strategies import AS_OF, application_rules, applications, rate_tables

EXAMPLES = Path(__file__).parent.parent / "examples"
# Far enough that every window of the random policies (at most 6 months,
# 5 lag days) lies in assumed months: the brute force looks beyond the
# point where the search claims the verdict stops changing.
BRUTE_DAYS = 300
PLAN_DAYS = (
    AS_OF,
    dt.date(2026, 11, 1),
    dt.date(2026, 11, 3),
    dt.date(2026, 10, 31),
    dt.date(2026, 12, 15),
)


def example(name: str) -> Application:
    return Application.from_dict(json.loads((EXAMPLES / f"{name}.json").read_text("utf-8")))


def walk(rule: Rule[Any]) -> list[Rule[Any]]:
    found = [rule]
    for child in rule.children():
        found.extend(walk(child))
    return found


def walk_applied(rule: Rule[Any], app: Application) -> list[Rule[Any]]:
    """The nodes of *rule* that can decide *app*: of a branching rule, only the branch that applies."""
    if isinstance(rule, Branching):
        ref = Reference(as_of=AS_OF)
        for keys, branch in rule.cases:
            if any(ref.takes_in(rule.kind, key, app) for key in keys):
                return [rule, *walk_applied(branch, app)]
        return [rule, *walk_applied(rule.otherwise, app)]
    found = [rule]
    for child in rule.children():
        found.extend(walk_applied(child, app))
    return found


def oracle_minimum(rule: Rule[Any], app: Application) -> Money | None:
    # The documented assumption: a branch that does not apply assumes nothing.
    minimums = [r.minimum for r in walk_applied(rule, app) if isinstance(r, MinTurnover)]
    if not minimums:
        return None
    same = [m for m in minimums if m.currency == minimums[0].currency]
    return max(same)


def oracle_application(
    app: Application, as_of: dt.date, on: dt.date, minimum: Money | None
) -> Application:
    """The application on *on*, built directly from the documented assumption."""
    first = Month.of(as_of)
    ended = [first + k for k in range(Month.of(on) - first)]
    if minimum is None or not ended:
        return app
    stores = [
        Store(
            s.platform,
            s.store_id,
            [r for r in s.turnover if r.month < first]
            + [MonthlyTurnover(m, minimum, app.category) for m in ended],
            name=s.name,
            owner=s.owner,
            category=s.category,
        )
        for s in app.stores
    ]
    return Application(app.applicant, app.category, stores, id=app.id, market=app.market)


def brute_force(app: Application, as_of: dt.date, policy: Policy, rates: Any) -> dt.date | None:
    """The first day, trying every day in turn, on which the assumed application passes."""
    minimum = oracle_minimum(policy.rule, app)
    for k in range(BRUTE_DAYS):
        day = as_of + dt.timedelta(days=k)
        candidate = oracle_application(app, as_of, day, minimum)
        if policy.check(candidate, as_of=day, rates=rates) is Verdict.PASS:
            return day
    return None


def policies() -> st.SearchStrategy[Policy]:
    """Random rule trees, and the default policy with other windows, lags and store modes."""
    built = st.builds(
        lambda months, lag, stores: lazada_cross_border(months=months, lag_days=lag, stores=stores),
        st.integers(1, 4),
        st.integers(0, 5),
        st.sampled_from(("any", "combined")),
    )
    random = application_rules().map(lambda r: Policy("random", "1", r))
    return st.one_of(st.just(LAZADA_CROSS_BORDER), built, random)


class TestExamples:
    def test_short_month_waits_for_september_to_leave_the_window(self):
        """A short September on 2026-11-28 gives 2027-01-01, relying on November and December."""
        plan = earliest_plan(example("short-month"), as_of=dt.date(2026, 11, 28))

        assert dt.date(2027, 1, 1) == plan.date
        assert (Month(2026, 11), Month(2026, 12)) == plan.months
        assert Money("1000", "USD") == plan.minimum

    def test_domestic_only_has_no_date(self):
        """Stores on domestic platforms only can never pass: no date."""
        assert earliest_eligible(example("domestic-only"), as_of=dt.date(2026, 11, 28)) is None

    def test_eligible_today_gives_today(self):
        """An application that passes now gets as_of itself, relying on no coming month."""
        plan = earliest_plan(example("eligible"), as_of=dt.date(2026, 11, 28))

        assert (dt.date(2026, 11, 28), ()) == (plan.date, plan.months)

    def test_category_mismatch_needs_three_months_in_the_category(self):
        """A store selling in another category can pass once a whole window sells in the applied one."""
        plan = earliest_plan(example("category-mismatch"), as_of=dt.date(2026, 11, 28))

        assert dt.date(2027, 2, 1) == plan.date
        assert (Month(2026, 11), Month(2026, 12), Month(2027, 1)) == plan.months

    def test_lag_days_move_the_date(self):
        """With five lag days the window moves on the sixth, so the date does too."""
        policy = lazada_cross_border(lag_days=5)

        found = earliest_eligible(
            example("short-month"), as_of=dt.date(2026, 11, 28), policy=policy
        )

        assert dt.date(2027, 1, 6) == found

    def test_months_that_ended_without_records_count_as_zero(self):
        """An ended month with no record fails even though later months are assumed to pass."""
        store = Store(
            "Amazon US",
            "A1",
            [MonthlyTurnover(Month(2026, m), Money("1000", "USD")) for m in (8, 10)],
            category="mobiles",
        )
        app = Application("Seller Co.", "mobiles", [store])

        assert dt.date(2027, 1, 1) == earliest_eligible(app, as_of=dt.date(2026, 11, 28))

    def test_records_of_the_current_month_are_replaced_by_the_minimum(self):
        """A partial current month does not hold the date back: it is assumed to reach the minimum."""
        store = Store(
            "Amazon US",
            "A1",
            [MonthlyTurnover(Month(2026, m), Money("1000", "USD")) for m in (9, 10)]
            + [MonthlyTurnover(Month(2026, 11), Money("5", "USD"))],
            category="mobiles",
        )
        app = Application("Seller Co.", "mobiles", [store])

        plan = earliest_plan(app, as_of=dt.date(2026, 11, 28))

        assert (dt.date(2026, 12, 1), (Month(2026, 11),)) == (plan.date, plan.months)


class TestEarliestPlanValue:
    def test_to_dict_is_json_ready(self):
        """The plan reads back from JSON as dates, months, money and the store as text."""
        plan = earliest_plan(example("short-month"), as_of=dt.date(2026, 11, 28))

        assert {
            "as_of": "2026-11-28",
            "date": "2027-01-01",
            "months": ["2026-11", "2026-12"],
            "minimum": {"amount": "1000", "currency": "USD"},
            "stores": [
                {
                    "platform": "amazon.com",
                    "store_id": "A1MINGDA88",
                    "platform_id": "amazon.com",
                    "namespace": "amazon",
                    "canonical_id": "a1mingda88",
                    "label": "amazon.com/A1MINGDA88",
                }
            ],
            "alternatives": False,
        } == json.loads(json.dumps(plan.to_dict()))

    def test_earliest_date_is_a_deprecated_alias(self):
        """EarliestDate still imports, from the package and the module, with a DeprecationWarning."""
        import lazada_eligibility
        from lazada_eligibility import planning

        with pytest.warns(DeprecationWarning, match="EarliestPlan"):
            assert EarliestPlan is planning.EarliestDate
        with pytest.warns(DeprecationWarning, match="EarliestPlan"):
            assert EarliestPlan is lazada_eligibility.EarliestDate

    def test_impossible_plan(self):
        """A plan without a date says it is not possible."""
        plan = earliest_plan(example("domestic-only"), as_of=dt.date(2026, 11, 28))

        assert (False, None, ()) == (plan.possible, plan.date, plan.months)

    def test_bad_as_of_is_a_validation_error(self):
        """A non-date as_of names the field."""
        with pytest.raises(ValidationError, match="as_of"):
            earliest_plan(example("eligible"), as_of="2026-11-28")  # type: ignore[arg-type]

    def test_not_an_application_is_a_type_error(self):
        """Anything but an Application is refused with a TypeError."""
        with pytest.raises(TypeError, match="Application"):
            earliest_plan({"applicant": "x"}, as_of=AS_OF)  # type: ignore[arg-type]

    def test_policy_without_a_minimum_decides_on_todays_records(self):
        """With no min_turnover nothing is assumed: the date is today or never."""
        from lazada_eligibility.rules import any_store, platform_kind

        policy = Policy("platforms", "1", any_store(platform_kind("cross-border")))

        assert earliest_eligible(example("domestic-only"), as_of=AS_OF, policy=policy) is None
        assert AS_OF == earliest_eligible(example("short-month"), as_of=AS_OF, policy=policy)


class TestAgainstBruteForce:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(applications(), policies(), st.sampled_from(PLAN_DAYS), st.none() | rate_tables())
    def test_search_finds_the_first_passing_day(self, app, policy, as_of, rates):
        """The search over window boundaries finds the day a day-by-day search finds."""
        assert brute_force(app, as_of, policy, rates) == earliest_eligible(
            app, as_of=as_of, policy=policy, rates=rates
        )

    def test_a_branch_that_does_not_apply_assumes_no_turnover(self):
        """The minimum of a market's branch is not assumed for an application from another market."""
        rule = not_(
            any_store(
                not_(
                    by_market(
                        [(["MY"], each_month(min_turnover(Money(1000, "USD")), window=1))],
                        otherwise=category_matches(),
                    )
                )
            )
        )
        policy = Policy("branching", "1", rule)
        store = Store(
            "Amazon US", "A1", [MonthlyTurnover(Month(2026, 9), Money(50, "USD"), "toys-games")]
        )
        app = Application("S", "mobiles", [store], market="SG")
        as_of = dt.date(2026, 11, 28)

        assert None is oracle_minimum(rule, app)
        assert brute_force(app, as_of, policy, None) == earliest_eligible(
            app, as_of=as_of, policy=policy
        )

    @settings(max_examples=60, deadline=None)
    @given(applications(), policies(), st.sampled_from(PLAN_DAYS))
    def test_today_is_the_answer_exactly_when_it_passes_today(self, app, policy, as_of):
        """earliest_eligible returns as_of if and only if the application passes as it stands."""
        passes = policy.check(app, as_of=as_of) is Verdict.PASS

        assert passes == (earliest_eligible(app, as_of=as_of, policy=policy) == as_of)

    @settings(max_examples=60, deadline=None)
    @given(applications(), policies(), st.sampled_from(PLAN_DAYS))
    def test_months_are_assumed_months_in_the_window(self, app, policy, as_of):
        """The months a plan relies on have not ended by as_of and are reviewed on its date."""
        plan = earliest_plan(app, as_of=as_of, policy=policy)
        if plan.date is None:
            assert () == plan.months
            return
        windows = {
            m
            for r in walk(policy.rule)
            if isinstance(r, EachMonth)
            for m in review_window(plan.date, r.window, r.lag_days)
        }

        assert all(Month.of(as_of) <= m < Month.of(plan.date) for m in plan.months)
        assert set(plan.months) <= windows

    @settings(max_examples=40, deadline=None)
    @given(applications(), st.sampled_from(PLAN_DAYS))
    def test_the_plan_holds_on_its_date(self, app, as_of):
        """Under the default policy, the assumed application passes on the planned date."""
        plan = earliest_plan(app, as_of=as_of)
        if plan.date is not None:
            candidate = oracle_application(app, as_of, plan.date, plan.minimum)

            assert Verdict.PASS is LAZADA_CROSS_BORDER.check(candidate, as_of=plan.date)


def _turnover_store(platform: str, store_id: str, amounts: dict[int, int]) -> Store:
    records = [MonthlyTurnover(Month(2026, m), Money(a, "USD")) for m, a in amounts.items()]
    return Store(platform, store_id, records, category="mobiles")


class TestPlanStores:
    AS_OF = dt.date(2026, 11, 28)

    def test_names_the_one_store_that_can_make_it(self):
        """With an Amazon store that can qualify and an eBay store that cannot, the plan names Amazon."""
        amazon = _turnover_store("Amazon US", "A1", {10: 1500})
        ebay = _turnover_store("eBay", "shop-2", {9: 50})

        plan = earliest_plan(Application("S", "mobiles", [amazon, ebay]), as_of=self.AS_OF)

        assert (dt.date(2027, 1, 1), ("amazon.com/A1",), False) == (
            plan.date,
            tuple(s.label for s in plan.stores),
            plan.alternatives,
        )

    def test_growing_the_other_store_would_not_do(self):
        """The named store is the one whose growth makes the date come true; the other's does not."""
        amazon = _turnover_store("Amazon US", "A1", {10: 1500})
        ebay = _turnover_store("eBay", "shop-2", {9: 50})
        app = Application("S", "mobiles", [amazon, ebay])
        plan = earliest_plan(app, as_of=self.AS_OF)
        assert plan.date is not None

        for i, store in enumerate(app.stores):
            grown = assumed(
                app, as_of=self.AS_OF, on=plan.date, minimum=plan.minimum, only=frozenset({i})
            )
            named = store.store_id in {s.store_id for s in plan.stores}
            assert named == evaluate(grown, as_of=plan.date).eligible

    def test_several_stores_that_each_could(self):
        """Two stores that could each qualify alone are both named, as alternatives."""
        a = _turnover_store("Amazon US", "A1", {10: 1500})
        b = _turnover_store("eBay", "shop-2", {10: 2000})

        plan = earliest_plan(Application("S", "mobiles", [a, b]), as_of=self.AS_OF)

        assert (("amazon.com/A1", "ebay.com/shop-2"), True) == (
            tuple(s.label for s in plan.stores),
            plan.alternatives,
        )
        assert "any one of the stores amazon.com/A1 and ebay.com/shop-2" in render_earliest(
            plan, "en"
        )

    def test_stores_needed_together(self):
        """Under every_store, every cross-border store is needed, and the text says each."""
        a = _turnover_store("Amazon US", "A1", {10: 1500})
        b = _turnover_store("eBay", "shop-2", {10: 2000})
        rule = every_store(each_month(min_turnover(Money(1000, "USD"))))

        plan = earliest_plan(
            Application("S", "mobiles", [a, b]), as_of=self.AS_OF, policy=Policy("p", "1", rule)
        )

        assert (("amazon.com/A1", "ebay.com/shop-2"), False) == (
            tuple(s.label for s in plan.stores),
            plan.alternatives,
        )
        assert "each of the stores amazon.com/A1 and ebay.com/shop-2" in render_earliest(plan)

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_every_language_names_the_store(self, language):
        """The plan's sentence names the store in every language."""
        amazon = _turnover_store("Amazon US", "A1", {10: 1500})
        ebay = _turnover_store("eBay", "shop-2", {9: 50})
        plan = earliest_plan(Application("S", "mobiles", [amazon, ebay]), as_of=self.AS_OF)

        text = render_earliest(plan, language)

        assert "amazon.com/A1" in text
        assert "shop-2" not in text

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["Amazon US", "eBay", "Taobao"]),
                st.dictionaries(st.integers(8, 10), st.sampled_from([0, 400, 1000, 1500])),
            ),
            min_size=1,
            max_size=3,
        ),
        st.booleans(),
    )
    def test_stores_agree_with_brute_force(self, specs, combined):
        """The named stores are exactly what trying every subset of stores on the plan's date finds."""
        stores = [_turnover_store(p, f"s{i}", amounts) for i, (p, amounts) in enumerate(specs)]
        app = Application("S", "mobiles", stores)
        policy = lazada_cross_border(stores="combined" if combined else "any")
        plan = earliest_plan(app, as_of=self.AS_OF, policy=policy)
        if not plan.months:
            assert () == plan.stores
            return
        assert plan.date is not None

        def passes(subset: frozenset[int]) -> bool:
            some = assumed(app, as_of=self.AS_OF, on=plan.date, minimum=plan.minimum, only=subset)
            return evaluate(some, as_of=plan.date, policy=policy).eligible

        n = len(stores)
        subsets = [frozenset(c) for k in range(n + 1) for c in itertools.combinations(range(n), k)]
        working = [s for s in subsets if passes(s)]
        named = frozenset(int(s.store_id[1:]) for s in plan.stores)
        alone = {i for i in range(n) if frozenset({i}) in working}
        if alone:
            assert (alone, len(alone) > 1) == (set(named), plan.alternatives)
        else:
            # Needed together: they work, and no store can be left out of them.
            assert named in working
            assert not plan.alternatives
            assert all(named - {i} not in working for i in named)
        # Never a date earlier than the all-stores assumption allows.
        earlier = [
            day
            for day in (self.AS_OF, *((Month(2026, 12) + k).first_day for k in range(4)))
            if day < plan.date
        ]
        for day in earlier:
            whole = assumed(app, as_of=self.AS_OF, on=day, minimum=plan.minimum)
            assert not evaluate(whole, as_of=day, policy=policy).eligible
