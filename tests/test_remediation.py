"""
Tests for remediation: what to do about each reason, as data and in words.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import ClassVar

from hypothesis import given, settings
from hypothesis import strategies as st

from lazada_eligibility import (
    Application,
    Decision,
    Money,
    Month,
    MonthlyTurnover,
    Policy,
    RateTable,
    Store,
    evaluate,
    review_window,
)
from lazada_eligibility._l10n import LANGUAGES
from lazada_eligibility.explain.remedies import (
    REMEDIES,
    Remedy,
    clears_on,
    remediation,
    store_labels,
)
from lazada_eligibility.policy.shipped import lazada_cross_border
from lazada_eligibility.rules import any_store, not_, platform_kind
from strategies import AS_OF, application_rules, applications, months, rate_tables

EXAMPLES = Path(__file__).parent.parent / "examples"


def example(name: str) -> Application:
    return Application.from_dict(json.loads((EXAMPLES / f"{name}.json").read_text("utf-8")))


def decide(name: str, **kwargs: object) -> Decision:
    return evaluate(example(name), as_of=dt.date(2026, 11, 28), **kwargs)  # type: ignore[arg-type]


class TestRemedies:
    def test_short_month_figures(self):
        """A short month gets its shortfall, minimum and the day it leaves the window."""
        decision = decide("short-month")
        [reason] = decision.reasons
        [remedy] = remediation(decision)

        assert "turnover.keep-minimum" == remedy.code
        for key in ("month", "amount", "minimum", "shortfall"):
            assert reason.facts[key] == remedy.facts[key]
        assert dt.date(2027, 1, 1) == remedy.facts["clears_on"]
        assert (reason,) == remedy.reasons

    def test_domestic_store_gets_only_the_platform_remedy(self):
        """A store on a domestic platform is told to add a cross-border store, nothing about its months."""
        remedies = remediation(decide("domestic-only"))

        assert ["platform.use-cross-border"] * 2 == [r.code for r in remedies]
        assert ["Taobao", "Pinduoduo"] == [r.facts["name"] for r in remedies]

    def test_category_mismatch_names_the_category_to_add(self):
        """A store selling elsewhere is told to add turnover in the applied category's group."""
        decision = decide("category-mismatch")
        [remedy] = remediation(decision)

        assert "category.add-turnover" == remedy.code
        assert ("3c-digital", "mobiles") == (remedy.facts["scope"], remedy.facts["applied"])
        assert ("health-beauty",) == remedy.facts["categories"]
        assert (Month(2026, 8), Month(2026, 9), Month(2026, 10)) == remedy.facts["months"]
        assert set(map(id, decision.reasons)) == set(map(id, remedy.reasons))
        assert "add turnover in 3C digital" in remedy.render("en")

    def test_missing_rates_are_asked_for_once_per_currency(self):
        """Every store-month lacking a rate is covered, with one remedy per currency."""
        decision = decide("two-currencies")
        remedies = remediation(decision)
        window = (Month(2026, 8), Month(2026, 9), Month(2026, 10))

        assert [("EUR", window), ("GBP", window)] == [
            (r.facts["currency"], r.facts["months"]) for r in remedies
        ]
        assert len(decision.reasons) == sum(len(r.reasons) for r in remedies)

    def test_a_rate_for_one_month_is_asked_for_that_month(self):
        """With rates for all but one month, only that month is asked for."""
        rates = RateTable.from_csv(EXAMPLES / "rates-2026.csv")
        partial = RateTable({k: v for k, v in rates.items() if k != ("EUR", Month(2026, 9))})
        store = Store(
            "amazon.de",
            "X",
            [MonthlyTurnover(Month(2026, m), Money(1000, "EUR")) for m in (8, 9, 10)],
            category="mobiles",
        )
        decision = evaluate(Application("S", "mobiles", [store]), as_of=AS_OF, rates=partial)

        assert [{"currency": "EUR", "target": "USD", "months": (Month(2026, 9),)}] == [
            dict(r.facts) for r in remediation(decision) if r.code == "fx.provide-rate"
        ]

    def test_missing_month_asks_for_the_record(self):
        """A month without a record asks for it, with the day it stops counting as zero."""
        store = Store(
            "Amazon US",
            "A1",
            [MonthlyTurnover(Month(2026, m), Money(1500, "USD")) for m in (8, 9)],
            category="mobiles",
        )
        decision = evaluate(Application("S", "mobiles", [store]), as_of=AS_OF)
        [remedy] = remediation(decision)

        assert ("turnover.add-record", Month(2026, 10), dt.date(2027, 2, 1)) == (
            remedy.code,
            remedy.facts["month"],
            remedy.facts["clears_on"],
        )

    def test_negated_reason_falls_back_to_resolve(self):
        """A check that passed where the policy needed it to fail gets the generic remedy."""
        policy = Policy("no-cross-border", "1", any_store(not_(platform_kind("cross-border"))))
        decision = evaluate(example("eligible"), as_of=AS_OF, policy=policy)
        [remedy] = remediation(decision)

        assert "review.resolve" == remedy.code
        assert remedy.render("en").startswith("Resolve this before applying: Store amazon.com/")

    def test_passing_decision_needs_nothing(self):
        """An eligible application has no remedy."""
        assert () == remediation(decide("eligible"))


class TestClearsOn:
    @given(months(2020, 2030), st.integers(1, 12), st.integers(0, 27))
    def test_month_leaves_the_window_on_that_day_and_not_before(self, month, window, lag):
        """On clears_on the month is out of the window; the day before it is in."""
        day = clears_on(month, window, lag)

        assert month not in review_window(day, window, lag)
        assert month in review_window(day - dt.timedelta(days=1), window, lag)


class TestRendering:
    FACTS: ClassVar[dict[str, object]] = {
        "stores": ("amazon.com/A1",),
        "month": Month(2026, 9),
        "months": (Month(2026, 8), Month(2026, 9)),
        "amount": Money("850", "USD"),
        "minimum": Money("1000", "USD"),
        "shortfall": Money("150", "USD"),
        "clears_on": dt.date(2027, 1, 1),
        "currency": "EUR",
        "target": "USD",
        "applied": "mobiles",
        "mode": "same-top-level",
        "scope": "3c-digital",
        "categories": ("health-beauty",),
        "category": "nope",
        "prohibited": "3c-digital",
        "platform": "Some Bazaar",
        "name": "Taobao",
        "holder": "APP-9",
        "owner": "Other Co.",
        "expected": ("Seller Co.",),
        "reason": "custom.fail",
    }
    # The facts that select each variant of a template.
    VARIANTS: ClassVar[dict[str, dict[str, object]]] = {
        "turnover.keep-minimum/open": {"clears_on": None},
        "turnover.add-record/open": {"clears_on": None},
        "fx.provide-rate": {"months": (Month(2026, 9),)},
        "category.add-turnover/applied": {"scope": "mobiles"},
        "category.add-turnover/exact": {"mode": "exact", "scope": "mobiles"},
        "category.identify/none": {"category": None},
        "category.identify/applied": {"stores": ()},
    }

    def test_every_template_is_reached_and_renders_in_every_language(self):
        """Each template and variant is chosen by its facts and fills in every language."""
        for variant in REMEDIES:
            remedy = Remedy(variant.split("/")[0], {**self.FACTS, **self.VARIANTS.get(variant, {})})

            assert variant == remedy.variant
            for language in LANGUAGES:
                text = remedy.render(language)

                assert text.strip()
                assert "{" not in text, (variant, language, text)

    def test_combined_stores_are_named_together(self):
        """A month of stores summed together names them all, as combined."""
        stores = [
            Store(
                "Amazon US",
                sid,
                [MonthlyTurnover(Month(2026, 9), Money(400, "USD"))],
                category="mobiles",
            )
            for sid in ("A1", "B2")
        ]
        policy = lazada_cross_border(stores="combined")
        decision = evaluate(Application("S", "mobiles", stores), as_of=AS_OF, policy=policy)

        texts = [r.render("en") for r in remediation(decision)]

        assert any(
            t.startswith(
                "Stores amazon.com/A1 and amazon.com/B2 combined, September 2026: US$200.00 short"
            )
            for t in texts
        )

    def test_month_remedy_names_the_store_only_when_asked(self):
        """name_store=False leaves the store out of a month remedy, for one-store explanations."""
        [remedy] = remediation(decide("short-month"))

        assert remedy.render("en").startswith("Store amazon.com/A1MINGDA88, September 2026:")
        assert remedy.render("en", name_store=False).startswith("September 2026:")

    def test_decision_remediation_returns_remedies_only(self):
        """Decision.remediation() gives Remedy values; rendering them is Remedy.render's work."""
        decision = decide("short-month")

        [remedy] = decision.remediation()
        text = remedy.render("vi")

        assert isinstance(remedy, Remedy)

        assert "150,00\xa0US$" in text
        assert "1 tháng 1 năm 2027" in text


class TestToDict:
    def test_decision_json_carries_the_remediation(self):
        """to_dict() has the remedies as codes and facts, free of any language."""
        data = json.loads(decide("short-month").to_json())

        assert [
            {
                "code": "turnover.keep-minimum",
                "facts": {
                    "amount": {"amount": "850.00", "currency": "USD"},
                    "clears_on": "2027-01-01",
                    "minimum": {"amount": "1000", "currency": "USD"},
                    "month": "2026-09",
                    "shortfall": {"amount": "150.00", "currency": "USD"},
                    "stores": ["amazon.com/A1MINGDA88"],
                },
                "reasons": [
                    {
                        "code": "turnover.below-minimum",
                        "subject": {
                            "kind": "month",
                            "month": "2026-09",
                            "stores": [
                                {
                                    "canonical_id": "a1mingda88",
                                    "label": "amazon.com/A1MINGDA88",
                                    "namespace": "amazon",
                                    "platform": "amazon.com",
                                    "platform_id": "amazon.com",
                                    "store_id": "A1MINGDA88",
                                }
                            ],
                        },
                    }
                ],
            }
        ] == data["remediation"]

    @settings(max_examples=50, deadline=None)
    @given(applications(), application_rules(), st.none() | rate_tables())
    def test_remediation_survives_a_round_trip(self, app, rule, rates):
        """A decision read back from JSON has the same remediation."""
        decision = evaluate(app, as_of=AS_OF, policy=Policy("p", "1", rule), rates=rates)

        again = Decision.from_dict(json.loads(decision.to_json()))

        assert decision.to_dict()["remediation"] == again.to_dict()["remediation"]


class TestFiguresMatchFacts:
    @settings(max_examples=80, deadline=None)
    @given(applications(), application_rules(), st.none() | rate_tables())
    def test_every_reason_is_answered_with_its_own_figures(self, app, rule, rates):
        """Each reason is covered by a remedy (or its store is moot), with the reason's figures."""
        decision = evaluate(app, as_of=AS_OF, policy=Policy("p", "1", rule), rates=rates)
        remedies = remediation(decision)
        covered = {id(r) for remedy in remedies for r in remedy.reasons}
        moot = {
            store_labels(r.subject)
            for r in decision.reasons
            if r.code in {"platform.domestic", "evidence.reused"} and r.verdict.value == "fail"
        }

        for reason in decision.reasons:
            assert id(reason) in covered or store_labels(reason.subject) in moot
        for remedy in remedies:
            if remedy.code == "turnover.keep-minimum":
                # Several reasons only when the same check appears twice in the tree.
                for reason in remedy.reasons:
                    for key in ("month", "amount", "minimum", "shortfall"):
                        assert reason.facts[key] == remedy.facts[key]
                assert remedy.facts["shortfall"] == remedy.facts["minimum"] - remedy.facts["amount"]
            if remedy.code == "fx.provide-rate":
                assert {r.facts["month"] for r in remedy.reasons} == set(remedy.facts["months"])
                assert {r.facts["currency"] for r in remedy.reasons} == {remedy.facts["currency"]}


class TestTaxonomyInUse:
    def test_decision_remediation_uses_the_given_taxonomy(self):
        """Decision.remediation(categories=...) says the scope under the taxonomy the decision used."""
        from lazada_eligibility import Category, CategoryTaxonomy

        tree = CategoryTaxonomy(
            [
                Category(id="toys", name="Toys"),
                Category(id="dolls", name="Dolls", parent="toys", level=2),
                Category(id="rag-dolls", name="Rag Dolls", parent="dolls", level=3),
                Category(id="books", name="Books"),
            ]
        )
        turnover = [MonthlyTurnover(Month(2026, m), Money(2000, "USD")) for m in (8, 9, 10)]
        store = Store("Amazon US", "A1", turnover, category="books")
        decision = evaluate(
            Application("Seller Co.", "rag-dolls", [store]), as_of=AS_OF, categories=tree
        )

        [remedy] = decision.remediation(categories=tree)

        assert ("category.add-turnover", "toys") == (remedy.code, remedy.facts["scope"])
        assert "Toys" in remedy.render("en", categories=tree)
