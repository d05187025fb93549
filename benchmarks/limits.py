"""
The worst case at the application limits: check, check --explain and when.

Run from the repository root::

    python benchmarks/limits.py              # library calls and the command line
    python benchmarks/limits.py --no-cli     # library calls only

The application has :data:`~lazada_eligibility.limits.MAX_STORES` stores of
:data:`~lazada_eligibility.limits.MAX_RECORDS_PER_STORE` records each (120
months, each split into 5 categories), in USD and EUR with a rates file, under
a policy with a 120-month window. Every store is on a cross-border platform in
the category applied for and one month of each store is US$0.01 short, so no
store passes and every store is planned and explained: the most work the
engine can be given. The command line runs ``check``, ``check --explain`` and
``when`` on the same document, from start-up to exit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lazada_eligibility import (
    Application,
    Money,
    Month,
    MonthlyTurnover,
    RateTable,
    Store,
    dump_policy,
    evaluate,
)
from lazada_eligibility.explain import explain
from lazada_eligibility.limits import MAX_RECORDS_PER_STORE, MAX_STORES
from lazada_eligibility.planning import earliest_plan
from lazada_eligibility.policy.shipped import lazada_cross_border

AS_OF = dt.date(2026, 12, 5)
MONTHS = 120
CATEGORIES = ("mobiles", "tablets", "laptops", "audio", "cameras")


def worst_application() -> Application:
    """The largest application the limits allow, with something short in every store."""
    per_month = MAX_RECORDS_PER_STORE // MONTHS
    first = Month(2026, 11) - (MONTHS - 1)
    stores = []
    for s in range(MAX_STORES):
        currency = "EUR" if s % 2 else "USD"
        records = []
        for k in range(MONTHS):
            for c in CATEGORIES[:per_month]:
                # 5 x 200 = 1,000 a month; one month per store falls just short.
                short = k == (s * 7) % MONTHS
                if currency == "USD":
                    amount = "199.99" if short and c == "mobiles" else "200"
                else:  # 5 x 185.19 x 1.08 = 1000.026; 5 x 185.18 x 1.08 = 999.972
                    amount = "185.18" if short else "185.19"
                records.append(MonthlyTurnover(first + k, Money(amount, currency), c))
        stores.append(Store("Amazon US", f"SELLER{s:04d}", records, category="mobiles"))
    return Application("Worst Case Co.", "mobiles", stores, id="APP-LIMITS")


def timed(label: str, work: Callable[[], object], repeat: int = 3) -> float:
    """Print and return the best of *repeat* wall-clock times of *work*."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<44} {best:8.3f} s")
    return best


def main() -> None:
    """Time every stage at the limits."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line runs")
    args = parser.parse_args()
    app = worst_application()
    first = Month(2026, 11) - (MONTHS - 1)
    rates = RateTable({("EUR", first + k): "1.08" for k in range(MONTHS)})
    policy = lazada_cross_border(months=MONTHS)
    records = sum(len(s.turnover) for s in app.stores)
    print(f"{len(app.stores)} stores x {records // len(app.stores)} records = {records} records")
    prepared = policy.prepare(rates=rates)
    timed("Policy.check", lambda: prepared.check(app, as_of=AS_OF))
    timed("evaluate", lambda: prepared.evaluate(app, as_of=AS_OF))
    decision = evaluate(app, as_of=AS_OF, policy=policy, rates=rates)
    print(f"verdict {decision.verdict.value}, {len(decision.reasons)} reasons")
    timed("earliest_plan", lambda: earliest_plan(app, as_of=AS_OF, policy=policy, rates=rates))
    plan = earliest_plan(app, as_of=AS_OF, policy=policy, rates=rates)
    timed(
        "explain(passed=True, earliest=plan)",
        lambda: explain(decision, "en", passed=True, earliest=plan),
    )
    if args.no_cli:
        return
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp, "app.json")
        doc.write_text(json.dumps(app.to_dict()), encoding="utf-8")
        pol = Path(tmp, "policy.toml")
        pol.write_text(dump_policy(policy), encoding="utf-8")
        rates_csv = Path(tmp, "rates.csv")
        rows = [f"EUR,{first + k},1.08" for k in range(MONTHS)]
        rates_csv.write_text("currency,month,rate_to_usd\n" + "\n".join(rows) + "\n")
        print(f"document {doc.stat().st_size / 1024 / 1024:.2f} MiB")
        base = [sys.executable, "-m", "lazada_eligibility"]
        common = ["--policy", str(pol), "--rates", str(rates_csv), "--as-of", str(AS_OF)]
        for label, argv in (
            ("lazada-eligibility check", ["check", str(doc), *common]),
            ("lazada-eligibility check --explain", ["check", str(doc), *common, "--explain"]),
            ("lazada-eligibility when", ["when", str(doc), *common]),
        ):
            timed(
                label,
                lambda argv=argv: subprocess.run(  # noqa: S603 -- this project's own command
                    [*base, *argv], capture_output=True, check=False
                ),
                repeat=1,
            )


if __name__ == "__main__":
    main()
