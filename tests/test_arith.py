"""
Tests that money arithmetic in decisions is exact and ignores the caller's decimal context.

The engine adds and converts in the private context of
``lazada_eligibility._arith``; these tests hold every path to it (closures,
generated check, generated explain, planning, explanations) against an
oracle computed with :class:`fractions.Fraction`, and under contexts a host
program might set.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from fractions import Fraction

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
    ValidationError,
    Verdict,
    _arith,
    earliest_eligible,
    evaluate,
)
from lazada_eligibility.policy.shipped import lazada_cross_border
from lazada_eligibility.rules import (
    any_store,
    combined_stores,
    each_month,
    min_turnover,
)
from lazada_eligibility.rules._core import VERDICTS, Context
from strategies import AS_OF, WINDOW_MONTHS, application_rules, applications, rate_tables

WINDOW = WINDOW_MONTHS[1:]  # the three months before AS_OF's month
CONTEXTS = [
    {"prec": 1},
    {"prec": 4},
    {"prec": 9, "rounding": decimal.ROUND_UP},
    {"prec": 28, "rounding": decimal.ROUND_DOWN},
    {"prec": 6, "rounding": decimal.ROUND_CEILING},
    {"prec": 6, "rounding": decimal.ROUND_FLOOR},
    {"prec": 12, "rounding": decimal.ROUND_HALF_UP},
    {"prec": 50, "rounding": decimal.ROUND_05UP},
    {"prec": 28, "traps": [decimal.Inexact, decimal.Rounded]},
]


def app_of(*stores: Store, category: str = "mobiles") -> Application:
    return Application("Seller Co.", category, stores, id="APP-1")


def monthly(amounts: list[str], currency: str = "USD", sid: str = "S1") -> Store:
    records = [MonthlyTurnover(m, Money(a, currency)) for m, a in zip(WINDOW, amounts, strict=True)]
    return Store("Amazon US", sid, records, category="mobiles")


def all_paths(policy: Policy, app: Application, **env: object) -> set[Verdict]:
    """The verdicts of the generated check and explain and of the closures' check and explain."""
    prepared = policy.prepare(**env)  # type: ignore[arg-type]
    reference = policy.rule.compile(prepared.env)
    return {
        prepared.check(app, as_of=AS_OF),
        prepared.evaluate(app, as_of=AS_OF).verdict,
        VERDICTS[reference.check(None, None, app, AS_OF)],
        reference.explain(None, None, Context(prepared.env, app, AS_OF)).verdict,
    }


class TestReproductions:
    def test_a_long_fraction_below_the_minimum_is_refused(self):
        """US$999.99999999999999999999999999 is refused at the door: more than 6 places."""
        with pytest.raises(ValidationError, match="at most 6 decimal places"):
            Money("999.99999999999999999999999999", "USD")

    def test_a_millionth_below_the_minimum_fails(self):
        """US$999.999999 a month fails on every path: no sum is rounded up to 1,000."""
        app = app_of(monthly(["999.999999", "2000", "2000"]))
        assert {Verdict.FAIL} == all_paths(lazada_cross_border(), app)

    def test_converted_euros_just_below_fail(self):
        """EUR 925.925925 at 1.08 is US$999.999999 exactly: it fails."""
        rates = RateTable({("EUR", m): "1.08" for m in WINDOW})
        app = app_of(monthly(["925.925925", "1000", "1000"], "EUR"))
        assert {Verdict.FAIL} == all_paths(lazada_cross_border(), app, rates=rates)
        decision = evaluate(app, as_of=AS_OF, rates=rates)
        assert Decimal("999.99999900") == decision.reasons[0].facts["amount"].amount

    def test_the_issue_euro_amount_is_refused(self):
        """EUR 909.0909090909090909090909090909 (at 1.1, US$999.999...) is refused at the door."""
        with pytest.raises(ValidationError, match="at most 6 decimal places"):
            Money("909.0909090909090909090909090909", "EUR")

    def test_euro_amount_at_rate_just_below(self):
        """EUR 909.090909 at 1.1 is US$999.9999999: it fails, where rounding to 6 places would pass."""
        rates = RateTable({("EUR", m): "1.1" for m in WINDOW})
        app = app_of(monthly(["909.090909", "1000", "1000"], "EUR"))
        assert {Verdict.FAIL} == all_paths(lazada_cross_border(), app, rates=rates)

    @pytest.mark.parametrize("context", CONTEXTS)
    def test_a_low_precision_context_changes_nothing(self, context):
        """Inside the caller's context (prec=4 and others), US$999.99 still fails and 1,000 passes."""
        short = app_of(monthly(["999.99", "1000", "1000"]))
        enough = app_of(monthly(["1000", "1000.00", "1000"]))
        with decimal.localcontext(**context):
            assert {Verdict.FAIL} == all_paths(lazada_cross_border(), short)
            assert {Verdict.PASS} == all_paths(lazada_cross_border(), enough)
            text = evaluate(short, as_of=AS_OF).explain()
        assert "turnover US$999.99, US$0.01 short of the minimum of US$1,000.00" in text


def oracle(
    stores: list[Store], minimum: Money, rates: dict[tuple[str, Month], Fraction]
) -> Verdict:
    """The verdict of combined_stores(each_month(min_turnover(minimum, "any"))), in fractions."""
    verdicts = []
    floor = Fraction(minimum.amount)
    target = rates.get((minimum.currency, WINDOW[0]), Fraction(1))
    for month in WINDOW:
        records = [r for s in stores for r in s.records_in(month)]
        if not records:
            verdicts.append(Verdict.FAIL)
            continue
        total, unsure = Fraction(0), False
        for r in records:
            currency = r.amount.currency
            if currency == minimum.currency:
                total += Fraction(r.amount.amount)
                continue
            to_usd = Fraction(1) if currency == "USD" else rates.get((currency, month))
            into = (
                Fraction(1) if minimum.currency == "USD" else rates.get((minimum.currency, month))
            )
            if to_usd is None or into is None:
                unsure = True
                continue
            rate = to_usd / into
            if _terminates(rate):
                total += Fraction(r.amount.amount) * rate
            else:
                unsure = True  # the engine reviews rather than round (fx.rate-inexact)
        if total >= floor:
            verdicts.append(Verdict.PASS)
        else:
            verdicts.append(Verdict.REVIEW if unsure else Verdict.FAIL)
    del target
    return min(verdicts, key=lambda v: v.rank)


def _terminates(rate: Fraction) -> bool:
    """Whether *rate* is a decimal of at most 12 places (the bounds of a rate)."""
    return (rate * 10**12).denominator == 1


amounts = st.decimals(min_value=0, max_value=2000, places=2) | st.sampled_from(
    [Decimal(a) for a in ("999.99", "1000", "1000.01", "500", "499.99", "500.01", "333.333333")]
)
rate_values = st.sampled_from(
    [Decimal(r) for r in ("1.08", "1.1", "1.25", "0.8", "0.000040", "0.0000625", "3.3", "2")]
)


@st.composite
def split_stores(draw: st.DrawFn) -> tuple[list[Store], dict[tuple[str, Month], Decimal]]:
    """One to three stores whose month records, in several currencies, sum near a threshold."""
    stores = []
    for i in range(draw(st.integers(1, 3))):
        currency = draw(st.sampled_from(("USD", "EUR", "VND", "GBP")))
        records = [
            MonthlyTurnover(m, Money(draw(amounts), currency), c)
            for m in WINDOW
            for c in draw(st.lists(st.sampled_from((None, "laptops", "audio")), unique=True))
        ]
        stores.append(Store("Amazon US", f"S{i}", records, category="mobiles"))
    rates = {}
    for currency in ("EUR", "VND", "GBP"):
        for m in WINDOW:
            if draw(st.integers(0, 9)):  # now and then a rate is missing
                rates[currency, m] = draw(rate_values)
    return stores, rates


class TestFractionOracle:
    @settings(max_examples=300, deadline=None)
    @given(
        split_stores(),
        st.sampled_from(("1000", "999.99", "500", "1000.01")),
        st.sampled_from(("USD", "EUR")),
    )
    def test_decision_equals_fractions(self, stores_rates, minimum, currency):
        """For amounts, rates and month splits, every path decides as exact fractions do."""
        stores, rates = stores_rates
        floor = Money(minimum, currency)
        policy = Policy("t", "1", combined_stores(each_month(min_turnover(floor, "any"))))
        expected = oracle(stores, floor, {k: Fraction(v) for k, v in rates.items()})
        app = app_of(*stores)
        assert {expected} == all_paths(policy, app, rates=RateTable(rates))

    @settings(max_examples=150, deadline=None)
    @given(split_stores(), st.sampled_from(("1000", "999.99", "500")))
    def test_single_stores_equal_fractions(self, stores_rates, minimum):
        """any_store over each_month(min_turnover) decides each store as fractions do."""
        stores, rates = stores_rates
        floor = Money(minimum, "USD")
        fractions = {k: Fraction(v) for k, v in rates.items()}
        policy = Policy("t", "1", any_store(each_month(min_turnover(floor, "any"))))
        found = [oracle([s], floor, fractions) for s in stores]
        expected = max(found, key=lambda v: v.rank)
        assert {expected} == all_paths(policy, app_of(*stores), rates=RateTable(rates))

    @settings(max_examples=200, deadline=None)
    @given(
        split_stores(),
        st.sampled_from(("1000", "999.99", "500", "1000.01")),
        st.sampled_from(("1000", "1500", "500.01")),
        st.sampled_from(("any", "same-top-level")),
    )
    def test_composed_month_rules_equal_fractions(self, stores_rates, a, b, mode):
        """each_month(min_turnover(A) | min_turnover(B)), the general template, decides as fractions do."""
        stores, rates = stores_rates
        low = min(Money(a, "USD"), Money(b, "USD"))
        fractions = {k: Fraction(v) for k, v in rates.items()}
        month_rule = min_turnover(Money(a, "USD"), mode) | min_turnover(Money(b, "USD"), mode)
        policy = Policy("t", "1", any_store(each_month(month_rule)))
        # Every record's category (none, laptops, audio) is in the store's top level
        # (mobiles, 3C digital) or counts under "any"; none is unknown.
        found = [oracle([s], low, fractions) for s in stores]
        expected = max(found, key=lambda v: v.rank)
        assert {expected} == all_paths(policy, app_of(*stores), rates=RateTable(rates))


class TestContextIndependence:
    @settings(max_examples=100, deadline=None)
    @given(
        applications(),
        application_rules(),
        st.none() | rate_tables(),
        st.sampled_from(CONTEXTS),
    )
    def test_random_policies_under_any_context(self, app, rule, rates, context):
        """Decisions, facts and explanations are the same under any decimal context the caller sets."""
        policy = Policy("t", "1", rule)
        expected = policy.evaluate(app, as_of=AS_OF, rates=rates)
        with decimal.localcontext(**context):
            prepared = policy.prepare(rates=rates)
            reference = rule.compile(prepared.env)
            found = prepared.evaluate(app, as_of=AS_OF)
            closures = reference.explain(None, None, Context(prepared.env, app, AS_OF))
            checked = prepared.check(app, as_of=AS_OF)
            text = found.explain()
        assert expected.to_dict() == found.to_dict()
        assert expected.outcome == closures
        assert expected.verdict == checked
        assert expected.explain() == text

    @pytest.mark.parametrize("context", CONTEXTS)
    def test_planning_under_any_context(self, context):
        """The earliest date does not move with the caller's context."""
        app = app_of(monthly(["999.99", "1000", "1000"]))
        expected = earliest_eligible(app, as_of=AS_OF)
        with decimal.localcontext(**context):
            assert expected == earliest_eligible(app, as_of=AS_OF)
        assert dt.date(2026, 12, 1) == expected


class TestInexactRates:
    def test_a_cross_rate_that_does_not_end_reviews(self):
        """USD into a EUR minimum at 1 / 1.08 cannot be exact: review with fx.rate-inexact."""
        rates = RateTable({("EUR", m): "1.08" for m in WINDOW})
        policy = lazada_cross_border(minimum=Money("1000", "EUR"))
        app = app_of(monthly(["1080", "1080", "1080"]))
        assert {Verdict.REVIEW} == all_paths(policy, app, rates=rates)
        reason = evaluate(app, as_of=AS_OF, policy=policy, rates=rates).reasons[0]
        assert "fx.rate-inexact" == reason.code
        assert ("USD", "EUR") == (reason.facts["currency"], reason.facts["target"])
        assert reason.facts["rate"].startswith("0.92592592592592592592592592")
        assert "cannot convert the turnover exactly" in (
            evaluate(app, as_of=AS_OF, policy=policy, rates=rates).explain()
        )

    def test_a_cross_rate_that_ends_converts(self):
        """USD into EUR at 1 / 1.25 = 0.8 is exact: US$1,250 is EUR 1,000 and passes."""
        rates = RateTable({("EUR", m): "1.25" for m in WINDOW})
        policy = lazada_cross_border(minimum=Money("1000", "EUR"))
        app = app_of(monthly(["1250", "1250", "1250"]))
        assert {Verdict.PASS} == all_paths(policy, app, rates=rates)

    def test_enough_without_the_inexact_record_passes(self):
        """A record that cannot convert exactly only reviews when the rest falls short."""
        rates = RateTable({("EUR", m): "1.08" for m in WINDOW})
        policy = lazada_cross_border(minimum=Money("1000", "EUR"))
        eur = monthly(["1000", "1000", "1000"], "EUR", "S1")
        usd = monthly(["5", "5", "5"], "USD", "S1")
        both = Store(
            "Amazon US",
            "S1",
            (*eur.turnover, *(MonthlyTurnover(r.month, r.amount, "laptops") for r in usd.turnover)),
            category="mobiles",
        )
        assert {Verdict.PASS} == all_paths(policy, app_of(both), rates=rates)

    @pytest.mark.parametrize(
        "bad", [Decimal(-1), Decimal(0), Decimal("1e9"), Decimal("NaN"), 1.5, None]
    )
    def test_a_source_giving_an_unusable_rate_reviews(self, bad):
        """A custom rate source's rate that is not a positive decimal below 10^9 reviews, never raises."""

        class Odd:
            def rate(self, source: str, target: str, month: Month) -> object:
                return Decimal(1) if source == target else bad

        app = app_of(monthly(["1000", "1000", "1000"], "EUR"))
        assert {Verdict.REVIEW} == all_paths(lazada_cross_border(), app, rates=Odd())

    def test_a_rate_beyond_twelve_places_reviews(self):
        """A 39-place rate from a custom source reviews: past the bounds, sums could round."""

        class Long:
            def rate(self, source: str, target: str, month: Month) -> Decimal:
                return Decimal("1.000000000000000000000000000000000000001")

        app = app_of(monthly(["999.99", "1000", "1000"], "EUR"))
        assert {Verdict.REVIEW} == all_paths(lazada_cross_border(), app, rates=Long())

    @pytest.mark.parametrize(
        ("rate", "expected"),
        [
            ("0.999999999999", Verdict.FAIL),
            ("1.000000000000", Verdict.PASS),
            ("1", Verdict.PASS),
            # More than 12 digits after the point, but only trailing zeros past the 12th.
            ("0.9999999999990", Verdict.FAIL),
            ("1.0000000000000000", Verdict.PASS),
        ],
    )
    def test_a_rate_of_twelve_places_converts(self, rate, expected):
        """A 12-place rate converts exactly: EUR 1,000 at 0.999999999999 is short by a billionth."""

        class Fine:
            def rate(self, source: str, target: str, month: Month) -> Decimal:
                return Decimal(rate)

        app = app_of(monthly(["1000", "1000", "1000"], "EUR"))
        assert {expected} == all_paths(lazada_cross_border(), app, rates=Fine())


class TestArith:
    def test_exact_context_refuses_to_round(self):
        """The exact context raises rather than round a quotient."""
        with pytest.raises(decimal.Inexact):
            _arith.EXACT.divide(Decimal(1), Decimal(3))

    def test_bounded_extremes_stay_exact(self):
        """The largest amount times the largest rate, summed 30,000 times, is exact."""
        amount = Decimal("999999999999999.999999")
        rate = Decimal("999999999.999999999999")
        product = _arith.mul(amount, rate)
        assert Fraction(amount) * Fraction(rate) == Fraction(product)
        total = Decimal(0)
        for _ in range(30_000):
            total = _arith.add(total, product)
        assert Fraction(product) * 30_000 == Fraction(total)

    @pytest.mark.parametrize(
        ("value", "down", "up"),
        [
            ("999.995", "999.99", "1000.00"),
            ("0.001", "0.00", "0.01"),
            ("5", "5.00", "5.00"),
            ("1234.5", "1234.50", "1234.50"),
        ],
    )
    def test_directed_rounding(self, value, down, up):
        """round_down and round_up go toward minus and plus infinity, to the digits given."""
        assert Decimal(down) == _arith.round_down(Decimal(value), 2)
        assert Decimal(up) == _arith.round_up(Decimal(value), 2)

    def test_rounding_ignores_the_callers_context(self):
        """Directed and display rounding work under a 3-digit context that traps Inexact."""
        with decimal.localcontext(prec=3, traps=[decimal.Inexact, decimal.InvalidOperation]):
            assert Decimal("1000.00") == _arith.round_up(Decimal("999.995"), 2)
            assert Decimal("999.99") == _arith.round_down(Decimal("999.995"), 2)
            assert Decimal("1000.00") == _arith.display(Decimal("999.995"), 2)

    def test_divide_exact_or_eighty_digits(self):
        """A quotient that ends is exact; one that does not has 80 correctly rounded digits."""
        assert Decimal("0.8") == _arith.divide(Decimal(1), Decimal("1.25"))
        third = _arith.divide(Decimal(1), Decimal(3))
        assert Decimal("0." + "3" * 80) == third

    def test_long_numbers_are_shortened_in_messages(self):
        """A number past 40 characters is shown by its ends and its length; 40 are shown whole."""
        longer = Decimal("1." + "0" * 38 + "1")  # 41 characters
        expected = "1.000000000000000000...0000000001 (41 characters)"
        assert f"must have at most 6 decimal places, got {expected}" == _arith.amount_problem(
            longer
        )
        whole = "1." + "0" * 37 + "1"  # 40 characters
        assert f"must have at most 6 decimal places, got {whole}" == _arith.amount_problem(
            Decimal(whole)
        )

    def test_convert_none_when_inexact(self):
        """Convert gives None for a product that needs more than the context's digits."""
        rate = _arith.ROUNDING.divide(Decimal(1), Decimal("1.08"))
        assert _arith.convert(Decimal(1080), rate) is None
        assert Decimal("1350.00") == _arith.convert(Decimal(1080), Decimal("1.25"))

    @pytest.mark.parametrize(
        ("value", "places"),
        [
            ("1", 0),
            ("1.50000", 1),
            ("1000", 0),
            ("0.000001", 6),
            ("1E+3", 0),
            ("0E-9", 0),
            ("1.0", 0),
            ("100.00", 0),
        ],
    )
    def test_places(self, value, places):
        """Places count what an amount needs, not trailing zeros."""
        assert places == _arith.places(Decimal(value))
