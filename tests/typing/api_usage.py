"""
The public API as a user writes against it; checked by mypy and pyright (strict), not run.

Lines marked ``# type: ignore[...]`` must stay errors: with
``warn_unused_ignores`` mypy fails if a misuse stops being caught.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import lazada_eligibility as le
from lazada_eligibility.rules import (
    Context,
    Rule,
    StoreMonth,
    any_store,
    category_matches,
    each_month,
    evidence_not_reused,
    min_turnover,
    platform_kind,
)


def build() -> le.Decision:
    store = le.Store(
        "Amazon US",
        "A1",
        [le.MonthlyTurnover(le.Month(2026, 9), le.Money("1000", "USD"))],
        category="mobiles",
    )
    app = le.Application("Seller Co.", "mobiles", [store])
    month_rule: Rule[StoreMonth] = min_turnover(le.Money("1000", "USD"))
    store_rule: Rule[le.Store] = (
        platform_kind("cross-border") & category_matches() & each_month(month_rule)
    )
    app_rule: Rule[le.Application] = any_store(store_rule) & evidence_not_reused()
    policy = le.Policy("mine", "1", app_rule)
    verdict: le.Verdict = policy.check(app, as_of=dt.date(2026, 11, 28))
    assert verdict in le.Verdict
    rates = le.RateTable({("EUR", le.Month(2026, 9)): Decimal("1.1")})
    return le.evaluate(app, as_of=dt.date(2026, 11, 28), policy=policy, rates=rates)


def misuse() -> None:
    store_rule = platform_kind("cross-border")
    a = any_store(min_turnover(le.Money("1", "USD")))  # type: ignore[arg-type]
    b = each_month(store_rule)  # type: ignore[arg-type]
    c = le.Money(1.5, "USD")  # type: ignore[arg-type]
    d = le.Policy("p", "1", store_rule)  # type: ignore[arg-type]
    print(a, b, c, d)  # noqa: T201


def custom(ctx: Context, store: le.Store) -> le.Platform | None:
    return ctx.platform_of(store)


def amounts(decision: le.Decision) -> list[le.Money]:
    return [r.facts["amount"] for r in decision.reasons if "amount" in r.facts]
