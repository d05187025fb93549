"""Tests for lazada_eligibility.policy.diff: what changing a policy does to a corpus."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lazada_eligibility import Application, Money, Month, MonthlyTurnover, RateTable, Store
from lazada_eligibility.policy import Policy
from lazada_eligibility.policy.diff import ChangedApplication, policy_diff
from lazada_eligibility.policy.shipped import LAZADA_CROSS_BORDER, lazada_cross_border
from lazada_eligibility.rules import Verdict
from strategies import AS_OF, application_rules, applications

PASS, REVIEW, FAIL = Verdict.PASS, Verdict.REVIEW, Verdict.FAIL
RAISED = lazada_cross_border(minimum=Money("1500", "USD"), version="2026.12")


def application(app_id: str, *amounts: str, platform: str = "Amazon US") -> Application:
    """Return an application with one mobiles store and these amounts for Aug-Oct 2026."""
    turnover = [MonthlyTurnover(Month(2026, 8 + i), Money(a, "USD")) for i, a in enumerate(amounts)]
    store = Store(platform, f"S{app_id}", turnover, category="mobiles")
    return Application("Seller Co.", "mobiles", [store], id=app_id)


CORPUS = [
    application("strong", "1600", "1700", "1800"),  # passes under both
    application("middling", "1200", "1600", "1000"),  # passes, then fails two months
    application("weak", "900", "1600", "1600"),  # fails one month, then the same month
    application("weaker", "900", "1400", "1600"),  # fails one month, then two
    application("unknown", "5000", "5000", "5000", platform="Bazaar"),  # reviews under both
]


class TestPolicyDiff:
    """Counts and changes on a small corpus with a known answer."""

    def test_known_answer(self):
        """Raising the minimum to US$1,500 moves exactly the expected applications."""
        diff = policy_diff(LAZADA_CROSS_BORDER, RAISED, CORPUS, as_of=AS_OF)

        assert 5 == diff.total
        assert {(PASS, PASS): 1, (PASS, FAIL): 1, (FAIL, FAIL): 2, (REVIEW, REVIEW): 1} == {
            pair: n for pair, n in diff.counts.items() if n
        }
        assert 9 == len(diff.counts)
        assert [(1, "middling"), (3, "weaker")] == [
            (c.index, c.application_id) for c in diff.changed
        ]

    def test_changed_entries(self):
        """Each change holds both decisions, under their own policies."""
        diff = policy_diff(LAZADA_CROSS_BORDER, RAISED, CORPUS, as_of=AS_OF)
        middling, weaker = diff.changed

        assert (PASS, FAIL, True) == (
            middling.old.verdict,
            middling.new.verdict,
            middling.verdict_changed,
        )
        assert (LAZADA_CROSS_BORDER.digest, RAISED.digest) == (
            middling.old.policy_digest,
            middling.new.policy_digest,
        )
        assert ["2026-08", "2026-10"] == sorted(str(r.facts["month"]) for r in middling.new.reasons)
        assert (FAIL, FAIL, False) == (
            weaker.old.verdict,
            weaker.new.verdict,
            weaker.verdict_changed,
        )
        assert "weaker: fail, reasons changed (turnover.below-minimum)" == str(weaker)
        assert "middling: pass -> fail (turnover.below-minimum)" == str(middling)
        assert (middling,) == diff.moved(PASS, FAIL)

    def test_same_reasons_other_facts_unchanged(self):
        """A month short under both policies, by other amounts, is not a change."""
        diff = policy_diff(LAZADA_CROSS_BORDER, RAISED, [CORPUS[2]], as_of=AS_OF)

        assert () == diff.changed
        assert 1 == diff.counts[FAIL, FAIL]

    def test_streams_once(self):
        """The corpus is iterated once, in order, so a generator over a file works."""
        taken: list[str | None] = []

        def corpus() -> Iterator[Application]:
            for app in CORPUS:
                taken.append(app.id)
                yield app

        diff = policy_diff(LAZADA_CROSS_BORDER, RAISED, corpus(), as_of=AS_OF)

        assert [a.id for a in CORPUS] == taken
        assert 5 == diff.total

    def test_rates_reach_both_policies(self):
        """Exchange rates given to the diff are used by both policies."""
        eur = Application(
            "Seller Co.",
            "mobiles",
            [
                Store(
                    "Amazon DE",
                    "E1",
                    [MonthlyTurnover(Month(2026, m), Money("1000", "EUR")) for m in (8, 9, 10)],
                    category="mobiles",
                )
            ],
        )
        rates = RateTable({("EUR", Month(2026, m)): "1.2" for m in (8, 9, 10)})

        diff = policy_diff(LAZADA_CROSS_BORDER, RAISED, [eur], as_of=AS_OF, rates=rates)

        assert 1 == diff.counts[PASS, FAIL]

    def test_as_of_datetime(self):
        """A datetime as_of counts as its date."""
        diff = policy_diff(
            LAZADA_CROSS_BORDER, RAISED, CORPUS, as_of=dt.datetime(2026, 11, 28, 23, 59)
        )

        assert dt.date(2026, 11, 28) == diff.changed[0].new.as_of

    def test_to_dict(self):
        """The summary is JSON-ready and names both policies by digest."""
        diff = policy_diff(LAZADA_CROSS_BORDER, RAISED, CORPUS, as_of=AS_OF)

        data = json.loads(json.dumps(diff.to_dict()))

        assert RAISED.digest == data["new"]["digest"]
        assert 5 == data["total"]
        assert {"old": "pass", "new": "fail", "count": 1} in data["counts"]
        assert [
            {
                "index": 1,
                "application_id": "middling",
                "old": {"verdict": "pass", "reasons": []},
                "new": {
                    "verdict": "fail",
                    "reasons": [
                        {
                            "code": "turnover.below-minimum",
                            "rule": "min_turnover",
                            "subject": f"month 2026-{m} of amazon.com/Smiddling",
                        }
                        for m in ("08", "10")
                    ],
                },
            }
        ] == data["changed"][:1]

    def test_empty_corpus(self):
        """No applications: every count is zero and nothing changed."""
        diff = policy_diff(LAZADA_CROSS_BORDER, RAISED, [], as_of=AS_OF)

        assert (0, ()) == (diff.total, diff.changed)

    def test_unnamed_application(self):
        """An application without an id is named by its position."""
        unnamed = ChangedApplication(
            7, None, *(p.evaluate(CORPUS[1], as_of=AS_OF) for p in (LAZADA_CROSS_BORDER, RAISED))
        )

        assert str(unnamed).startswith("#7: pass -> fail")

    @pytest.mark.parametrize("bad", ["not an application", None])
    def test_not_an_application(self, bad):
        """Something other than an Application in the corpus is a TypeError."""
        with pytest.raises(TypeError):
            policy_diff(LAZADA_CROSS_BORDER, RAISED, [bad], as_of=AS_OF)


class TestPolicyDiffLaws:
    """Laws that hold for any policies and corpus."""

    @settings(max_examples=60, deadline=None)
    @given(application_rules(), application_rules(), st.lists(applications(), max_size=5))
    def test_counts_and_changes(self, old_rule, new_rule, corpus):
        """Counts sum to the corpus size; changed is exactly the verdict or reason changes."""
        old, new = Policy("old", "1", old_rule), Policy("new", "1", new_rule)

        diff = policy_diff(old, new, corpus, as_of=AS_OF)

        assert len(corpus) == diff.total
        expected = [
            i
            for i, app in enumerate(corpus)
            if old.evaluate(app, as_of=AS_OF).verdict is not new.evaluate(app, as_of=AS_OF).verdict
            or sorted(
                (r.code, r.rule, str(r.subject)) for r in old.evaluate(app, as_of=AS_OF).reasons
            )
            != sorted(
                (r.code, r.rule, str(r.subject)) for r in new.evaluate(app, as_of=AS_OF).reasons
            )
        ]
        assert expected == [c.index for c in diff.changed]
        for (o, n), count in diff.counts.items():
            assert count == sum(
                1
                for app in corpus
                if old.check(app, as_of=AS_OF) is o and new.check(app, as_of=AS_OF) is n
            )

    @settings(max_examples=40, deadline=None)
    @given(application_rules(), st.lists(applications(), max_size=5))
    def test_identity(self, rule, corpus):
        """A policy compared with itself changes nothing and keeps every verdict."""
        policy = Policy("p", "1", rule)

        diff = policy_diff(policy, policy, corpus, as_of=AS_OF)

        assert () == diff.changed
        assert len(corpus) == sum(diff.counts[v, v] for v in (PASS, REVIEW, FAIL))
