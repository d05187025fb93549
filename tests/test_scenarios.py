"""
Scenario tests: every clause of the default policy, at its edges.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from lazada_eligibility import (
    LAZADA_CROSS_BORDER,
    Application,
    Claim,
    Money,
    Month,
    MonthlyTurnover,
    RateTable,
    Store,
    ValidationError,
    Verdict,
    evaluate,
)
from lazada_eligibility.policy.shipped import lazada_cross_border

AS_OF = dt.date(2026, 11, 28)
WINDOW = (8, 9, 10)


def store(
    platform: str = "Amazon US",
    amounts: tuple[str, ...] = ("1200", "1300", "1400"),
    currency: str = "USD",
    *,
    store_id: str = "A1",
    category: str | None = "mobiles",
    owner: str | None = None,
    months: tuple[int, ...] = WINDOW,
) -> Store:
    return Store(
        platform,
        store_id,
        [
            MonthlyTurnover(Month(2026, m), Money(a, currency))
            for m, a in zip(months, amounts, strict=True)
        ],
        category=category,
        owner=owner,
    )


def app(*stores: Store, category: str = "mobiles", applicant: str = "Seller Co.") -> Application:
    return Application(applicant, category, stores, id="APP-1")


def codes(decision) -> list[str]:
    return [r.code for r in decision.reasons]


@attrs.frozen
class FakeRegistry:
    """A registry that holds a fixed set of claims (the real ones are tested elsewhere)."""

    held: dict[tuple[str, str], str]

    def holder(self, platform: str, store_id: str) -> Claim | None:
        app_id = self.held.get((platform, store_id))
        if app_id is None:
            return None
        return Claim(namespace=platform.partition(".")[0], store_id=store_id, platform=platform,
                     application_id=app_id, applicant="Seller Co.",
                     claimed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # fmt: skip


class TestThreshold:
    def test_exactly_the_minimum_passes(self):
        """US$1,000.00 exactly is not less than US$1,000."""
        d = evaluate(app(store(amounts=("1000.00", "1000", "1000.000"))), as_of=AS_OF)
        assert Verdict.PASS == d.verdict
        assert d.eligible

    def test_a_cent_short_fails(self):
        """US$999.99 in one month fails, with the shortfall in the facts."""
        d = evaluate(app(store(amounts=("1000", "999.99", "1000"))), as_of=AS_OF)
        assert Verdict.FAIL == d.verdict
        [reason] = d.reasons
        assert "turnover.below-minimum" == reason.code
        assert Month(2026, 9) == reason.facts["month"]
        assert Money("0.01", "USD") == reason.facts["shortfall"]
        assert Money("999.99", "USD") == reason.facts["amount"]
        assert Money("1000", "USD") == reason.facts["minimum"]

    def test_missing_month_fails(self):
        """A month of the window without a record fails with month-missing."""
        d = evaluate(app(store(amounts=("5000", "5000"), months=(8, 10))), as_of=AS_OF)
        assert ["turnover.month-missing"] == codes(d)
        assert Month(2026, 9) == d.reasons[0].facts["month"]

    def test_months_outside_the_window_do_not_count(self):
        """Turnover before the window or in the current month does not help."""
        d = evaluate(app(store(amounts=("5000", "5000", "5000"), months=(7, 9, 11))), as_of=AS_OF)
        assert ["turnover.month-missing", "turnover.month-missing"] == codes(d)

    def test_every_problem_at_once(self):
        """A seller sees every short month, not just the first."""
        d = evaluate(app(store(amounts=("10", "20", "30"))), as_of=AS_OF)
        assert 3 == len(d.reasons)


class TestPlatforms:
    def test_domestic_turnover_does_not_count(self):
        """A domestic store with large turnover fails on its platform."""
        d = evaluate(app(store("淘宝", ("99999", "99999", "99999"), "CNY")), as_of=AS_OF)
        assert Verdict.FAIL == d.verdict
        assert ["platform.domestic"] == codes(d)

    def test_domestic_store_does_not_rescue(self):
        """A big domestic store beside a short cross-border one changes nothing."""
        short = store(amounts=("500", "500", "500"))
        big = store("JD", ("99999", "99999", "99999"), store_id="JD1")
        assert Verdict.FAIL == evaluate(app(short, big), as_of=AS_OF).verdict

    def test_second_cross_border_store_rescues(self):
        """Any one qualifying cross-border store is enough."""
        short = store(amounts=("500", "500", "500"))
        good = store("eBay UK", ("1000", "1000", "1000"), store_id="E1")
        d = evaluate(app(short, good), as_of=AS_OF)
        assert Verdict.PASS == d.verdict
        assert () == d.reasons

    def test_unknown_platform_reviews(self):
        """A platform the catalog does not know goes to review, never passes or fails silently."""
        d = evaluate(app(store("Bazaar of Wonders")), as_of=AS_OF)
        assert Verdict.REVIEW == d.verdict
        assert ["platform.unknown"] == codes(d)

    def test_amazon_cn_is_domestic(self):
        """amazon.cn is domestic."""
        assert ["platform.domestic"] == codes(evaluate(app(store("amazon.cn")), as_of=AS_OF))

    def test_urls_resolve(self):
        """A store URL resolves to its platform."""
        d = evaluate(app(store("https://www.amazon.de/shops/A1")), as_of=AS_OF)
        assert "store amazon.de/A1" == str(d.outcome.children[0].children[0].subject)


class TestOwner:
    def test_owner_need_not_be_the_applicant(self):
        """Records of another owner qualify under the default policy."""
        d = evaluate(app(store(owner="Someone Else Ltd.")), as_of=AS_OF)
        assert Verdict.PASS == d.verdict


class TestCurrency:
    rates = RateTable({("EUR", Month(2026, m)): Decimal("1.08") for m in WINDOW})

    def test_conversion_at_the_threshold(self):
        """EUR 925.93 at 1.08 is US$1,000.0044: it passes; EUR 925.92 does not."""
        passing = app(store("amazon.de", ("925.93",) * 3, "EUR"))
        failing = app(store("amazon.de", ("925.92",) * 3, "EUR"))
        assert Verdict.PASS == evaluate(passing, as_of=AS_OF, rates=self.rates).verdict
        d = evaluate(failing, as_of=AS_OF, rates=self.rates)
        assert Verdict.FAIL == d.verdict
        assert Money("999.9936", "USD") == d.reasons[0].facts["amount"]

    def test_missing_rate_reviews(self):
        """Without a rate the month reviews with fx.rate-missing."""
        d = evaluate(app(store("amazon.de", ("2000",) * 3, "EUR")), as_of=AS_OF)
        assert Verdict.REVIEW == d.verdict
        assert {"fx.rate-missing"} == set(codes(d))
        assert "EUR" == d.reasons[0].facts["currency"]

    def test_enough_without_the_missing_rate_passes(self):
        """Turnover already enough in USD passes even if another record lacks a rate."""
        s = Store(
            "Amazon US",
            "A1",
            [
                MonthlyTurnover(Month(2026, m), Money("1000", "USD"), c)
                for m in WINDOW
                for c in ("mobiles",)
            ]
            + [MonthlyTurnover(Month(2026, m), Money("5", "EUR"), "tablets") for m in WINDOW],
        )
        assert Verdict.PASS == evaluate(app(s), as_of=AS_OF).verdict


class TestCategory:
    def test_mismatch_fails(self):
        """Health & beauty turnover does not support a mobiles application."""
        d = evaluate(app(store(category="health-beauty")), as_of=AS_OF)
        assert Verdict.FAIL == d.verdict
        assert "category.mismatch" in codes(d)

    def test_3c_group_counts_as_one_top_level(self):
        """Electronic accessories turnover supports a mobiles application (both 3C digital)."""
        d = evaluate(app(store(category="electronic-accessories")), as_of=AS_OF)
        assert Verdict.PASS == d.verdict

    def test_exact_mode_is_stricter(self):
        """With category_mode='exact' laptops turnover does not support mobiles."""
        policy = lazada_cross_border(category_mode="exact")
        d = evaluate(app(store(category="laptops")), as_of=AS_OF, policy=policy)
        assert Verdict.FAIL == d.verdict

    def test_unknown_category_is_refused(self):
        """A store category the taxonomy does not know is an input error, not a review."""
        with pytest.raises(ValidationError) as e:
            evaluate(app(store(category="phones-ish")), as_of=AS_OF)
        [problem] = e.value.problems
        assert "stores[0].category" == problem.path
        assert problem.message.startswith("unknown category id 'phones-ish'")

    def test_unknown_applied_category_has_a_did_you_mean(self):
        """Applying for "mobile" is refused with a did-you-mean naming "mobiles"."""
        with pytest.raises(ValidationError) as e:
            evaluate(app(store(), category="mobile"), as_of=AS_OF)
        [problem] = e.value.problems
        assert "category" == problem.path
        assert "did you mean 'mobiles'" in problem.message

    def test_no_category_at_all_reviews(self):
        """A store and records with no category cannot be matched: review."""
        assert Verdict.REVIEW == evaluate(app(store(category=None)), as_of=AS_OF).verdict

    def test_breakdown_counts_only_the_applied_category(self):
        """Only the applied category's share of a month counts toward the minimum."""
        s = Store(
            "Amazon US",
            "A1",
            [MonthlyTurnover(Month(2026, m), Money("600", "USD"), c)
             for m in WINDOW for c in ("mobiles", "health-beauty")],
        )  # fmt: skip
        d = evaluate(app(s), as_of=AS_OF)
        assert Verdict.FAIL == d.verdict
        assert Money("600", "USD") == d.reasons[0].facts["amount"]


class TestEvidence:
    def test_no_registry_is_a_caveat(self):
        """Without a registry reuse is unchecked, and the decision says so."""
        d = evaluate(app(store()), as_of=AS_OF)
        assert ["evidence.unchecked"] == [c.code for c in d.caveats]

    def test_reused_records_fail(self):
        """A store held by another application fails the application."""
        registry = FakeRegistry({("amazon.com", "a1"): "APP-0"})
        d = evaluate(app(store()), as_of=AS_OF, registry=registry)
        assert Verdict.FAIL == d.verdict
        assert ["evidence.reused"] == codes(d)
        assert {} == d.reasons[0].facts  # the holder is operator-facing only
        assert ["APP-0"] == [c.application_id for c in d.holders]
        assert () == d.caveats

    def test_held_by_the_same_application_passes(self):
        """Re-deciding the application that holds the records passes."""
        registry = FakeRegistry({("amazon.com", "a1"): "APP-1"})
        assert Verdict.PASS == evaluate(app(store()), as_of=AS_OF, registry=registry).verdict

    def test_unknown_platform_cannot_be_looked_up(self):
        """A store on an unknown platform makes the evidence check review."""
        registry = FakeRegistry({})
        d = evaluate(app(store(), store("Bazaar", store_id="B")), as_of=AS_OF, registry=registry)
        evidence = d.outcome.children[-1]
        assert "evidence.unverified" == evidence.code


class TestParameters:
    def test_no_stores(self):
        """An application with no store fails with stores.none."""
        d = evaluate(app(), as_of=AS_OF)
        assert ["stores.none"] == codes(d)

    def test_six_months(self):
        """months=6 asks for six months of records."""
        policy = lazada_cross_border(months=6)
        d = evaluate(app(store()), as_of=AS_OF, policy=policy)
        assert 3 == codes(d).count("turnover.month-missing")

    def test_higher_minimum(self):
        """Minimum is a parameter."""
        policy = lazada_cross_border(minimum=Money("1500", "USD"))
        assert Verdict.FAIL == evaluate(app(store()), as_of=AS_OF, policy=policy).verdict

    def test_lag_days(self):
        """Early in a month, lag_days moves the window back a month."""
        early = dt.date(2026, 11, 3)
        s = store(months=(7, 8, 9))
        assert Verdict.FAIL == evaluate(app(s), as_of=early).verdict
        assert (
            Verdict.PASS
            == evaluate(app(s), as_of=early, policy=lazada_cross_border(lag_days=5)).verdict
        )

    def test_combined_stores(self):
        """stores='combined' sums qualifying stores month by month; domestic stores do not count."""
        a = store(amounts=("600", "600", "600"))
        b = store("ebay.com", ("400", "400", "400"), store_id="E1")
        c = store("Taobao", ("9999", "9999", "9999"), store_id="T1")
        combined = lazada_cross_border(stores="combined")
        assert Verdict.FAIL == evaluate(app(a, b, c), as_of=AS_OF).verdict
        d = evaluate(app(a, b, c), as_of=AS_OF, policy=combined)
        assert Verdict.PASS == d.verdict
        stores = d.outcome.children[0].facts["stores"]
        assert ("amazon.com/A1", "ebay.com/E1") == tuple(s.label for s in stores)

    def test_combined_with_unknown_platform_reviews(self):
        """In combined mode, a store that might count if its platform were known makes it review."""
        a = store(amounts=("600", "600", "600"))
        b = store("Bazaar", ("400", "400", "400"), store_id="B1")
        combined = lazada_cross_border(stores="combined")
        assert Verdict.REVIEW == evaluate(app(a, b), as_of=AS_OF, policy=combined).verdict

    def test_bad_stores_parameter(self):
        """Stores must be 'any' or 'combined'."""
        with pytest.raises(ValueError, match="stores"):
            lazada_cross_border(stores="all")  # type: ignore[arg-type]

    def test_default_policy_is_the_builder_with_defaults(self):
        """LAZADA_CROSS_BORDER equals lazada_cross_border() and names its sources."""
        assert lazada_cross_border() == LAZADA_CROSS_BORDER
        assert lazada_cross_border().digest == LAZADA_CROSS_BORDER.digest
        assert "ssopdot" in LAZADA_CROSS_BORDER.source
