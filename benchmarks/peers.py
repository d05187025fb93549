"""
The simplified policy in peer rule engines, in a plain function and in this library.

Run from the repository root, in an environment with the ``bench`` extra::

    python benchmarks/peers.py                 # 100,000 records, 3 runs
    python benchmarks/peers.py --n 20000 --runs 1

The simplified policy: the platform is cross-border, the store's category
equals the applied one, and each of three monthly figures is at least 1,000.
The workload is 100,000 flat records, made deterministically. Each engine
gets the records in the form it takes (peers: a dict of six fields with
float amounts; this library: an Application with one Store and three
MonthlyTurnover records in Decimal money, its platform as the seller wrote
it), built before timing. Every engine's verdicts are checked against the
plain function's on every record. All figures come from one process.

Then the library's full default policy on the realistic workload of
``benchmarks/engine.py``, and how decision time grows with stores and months.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import importlib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import engine  # the sibling benchmark, found through the line above

from lazada_eligibility import (
    DEFAULT_PLATFORMS,
    LAZADA_CROSS_BORDER,
    Application,
    Money,
    Month,
    MonthlyTurnover,
    Policy,
    Store,
    Verdict,
    review_window,
)
from lazada_eligibility.policy.shipped import lazada_cross_border
from lazada_eligibility.rules import (
    any_store,
    category_matches,
    each_month,
    min_turnover,
    platform_kind,
)

AS_OF = dt.date(2026, 11, 28)
MONTHS = (Month(2026, 8), Month(2026, 9), Month(2026, 10))
PLATFORMS = (*engine.CROSS_BORDER, *engine.DOMESTIC)
CATEGORIES = ("mobiles", "laptops", "audio", "skincare", "bedding", "mens-shoes")

EXPRESSION = (
    'platform_kind == "cross-border" and category == applied'
    " and m1 >= 1000 and m2 >= 1000 and m3 >= 1000"
)
CEL = (
    'platform_kind == "cross-border" && category == applied'
    " && m1 >= 1000.0 && m2 >= 1000.0 && m3 >= 1000.0"
)
JSON_LOGIC = {
    "and": [
        {"==": [{"var": "platform_kind"}, "cross-border"]},
        {"==": [{"var": "category"}, {"var": "applied"}]},
        *({">=": [{"var": f"m{k}"}, 1000]} for k in (1, 2, 3)),
    ]
}

Record = dict[str, Any]
Decide = Callable[[], list[bool]]


# -- the flat workload -------------------------------------------------------------------


def records(n: int = 100_000, seed: int = 9) -> list[dict[str, str]]:
    """
    Return *n* flat records with amounts as decimal text (the same for the same seed).
    """
    rng = random.Random(seed)
    found = []
    for _ in range(n):
        platform = rng.choice(PLATFORMS)
        resolved = DEFAULT_PLATFORMS.resolve(platform)
        assert resolved is not None  # noqa: S101 -- every name above is in the catalog
        category = rng.choice(CATEGORIES)
        applied = category if rng.random() < 0.8 else rng.choice(CATEGORIES)
        row = {
            "platform": platform,
            "platform_kind": resolved.kind.value,
            "category": category,
            "applied": applied,
        }
        for k in (1, 2, 3):
            low = rng.random() < 0.08
            cents = rng.randint(60_000, 99_999) if low else rng.randint(100_000, 400_000)
            row[f"m{k}"] = str(Decimal(cents) / 100) if rng.random() > 0.01 else "1000.00"
        found.append(row)
    return found


def as_dict(row: dict[str, str]) -> Record:
    """
    Return a record as the peers take it: six fields, float amounts.
    """
    d: Record = {k: row[k] for k in ("platform_kind", "category", "applied")}
    d.update({f"m{k}": float(row[f"m{k}"]) for k in (1, 2, 3)})
    return d


def as_application(row: dict[str, str]) -> Application:
    """
    Return a record as this library takes it: an Application, Decimal money.
    """
    turnover = [
        MonthlyTurnover(month, Money(row[f"m{k}"], "USD"))
        for k, month in zip((1, 2, 3), MONTHS, strict=True)
    ]
    store = Store(row["platform"], "1", turnover, category=row["category"])  # digits: any platform
    return Application("Seller Co.", row["applied"], [store])


SIMPLIFIED = Policy(
    "simplified",
    "1",
    any_store(
        platform_kind("cross-border")
        & category_matches("exact")
        & each_month(min_turnover(Money("1000", "USD"), "any"), window=3)
    ),
)
"""The simplified policy in this library's own rules."""


# -- the engines -------------------------------------------------------------------------


def plain(r: Record) -> bool:
    """
    The simplified policy by hand, on a flat record: the floor.
    """
    return (  # type: ignore[no-any-return]
        r["platform_kind"] == "cross-border"
        and r["category"] == r["applied"]
        and r["m1"] >= 1000
        and r["m2"] >= 1000
        and r["m3"] >= 1000
    )


def plain_on_objects() -> Callable[[Application], bool]:
    """
    The simplified policy by hand, on the library's own objects.

    What the library does, without the library: the platform resolved
    through the catalog (cached per platform text), the store's category,
    each month's records through ``Store.records_in()``, Decimal money.
    """
    kinds: dict[str, bool] = {}
    cross_border = DEFAULT_PLATFORMS.resolve("Amazon US")
    assert cross_border is not None  # noqa: S101 -- a catalog entry
    minimum = Decimal(1000)

    def decide(app: Application) -> bool:
        for store in app.stores:
            ok = kinds.get(store.platform)
            if ok is None:
                found = DEFAULT_PLATFORMS.resolve(store.platform)
                ok = kinds[store.platform] = found is not None and found.kind is cross_border.kind
            if not ok or store.category != app.category:
                continue
            for month in MONTHS:
                total = sum((r.amount.amount for r in store.records_in(month)), Decimal(0))
                if total < minimum:
                    break
            else:
                return True
        return False

    return decide


def _business_rules_classes() -> tuple[type, type]:
    # The variables and actions business-rules reads a record through.
    variables = importlib.import_module("business_rules.variables")
    actions = importlib.import_module("business_rules.actions")

    class Variables(variables.BaseVariables):  # type: ignore[misc,name-defined]
        def __init__(self, record: Record) -> None:
            self.record = record

        @variables.string_rule_variable  # type: ignore[untyped-decorator]
        def platform_kind(self) -> str:
            return str(self.record["platform_kind"])

        # business-rules compares a variable with a constant, so "the
        # category equals the applied one" is a variable of its own.
        @variables.boolean_rule_variable  # type: ignore[untyped-decorator]
        def category_matches(self) -> bool:
            return bool(self.record["category"] == self.record["applied"])

        @variables.numeric_rule_variable  # type: ignore[untyped-decorator]
        def m1(self) -> float:
            return float(self.record["m1"])

        @variables.numeric_rule_variable  # type: ignore[untyped-decorator]
        def m2(self) -> float:
            return float(self.record["m2"])

        @variables.numeric_rule_variable  # type: ignore[untyped-decorator]
        def m3(self) -> float:
            return float(self.record["m3"])

    class Actions(actions.BaseActions):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            self.eligible = False

        @actions.rule_action(params={})  # type: ignore[untyped-decorator]
        def accept(self) -> None:
            self.eligible = True

    return Variables, Actions


def _business_rules(module: ModuleType, rows: list[Record]) -> Callable[[], Decide]:
    variables, actions = _business_rules_classes()
    months = [
        {"name": f"m{k}", "operator": "greater_than_or_equal_to", "value": 1000} for k in (1, 2, 3)
    ]
    conditions = [
        {"name": "platform_kind", "operator": "equal_to", "value": "cross-border"},
        {"name": "category_matches", "operator": "is_true", "value": True},
        *months,
    ]
    rule = {"conditions": {"all": conditions}, "actions": [{"name": "accept", "params": {}}]}
    run_all = module.run_all

    def decide() -> list[bool]:
        found = []
        for r in rows:
            acts = actions()
            run_all([rule], variables(r), acts, stop_on_first_trigger=True)
            found.append(acts.eligible)
        return found

    return lambda: decide


def _zen_table(module: ModuleType, rows: list[Record]) -> Callable[[], Decide]:
    columns = [("platform_kind", '"cross-border"'), ("category", "$ == applied")]
    columns += [(f"m{k}", ">= 1000") for k in (1, 2, 3)]
    inputs = [{"id": f"i{k}", "name": f, "field": f} for k, (f, _) in enumerate(columns)]
    passing = {"_id": "r1", "o": "true"} | {f"i{k}": c for k, (_, c) in enumerate(columns)}
    otherwise = {"_id": "r2", "o": "false"} | {f"i{k}": "" for k in range(len(columns))}
    table = {
        "hitPolicy": "first",
        "inputs": inputs,
        "outputs": [{"id": "o", "name": "eligible", "field": "eligible"}],
        "rules": [passing, otherwise],
    }
    at = {"x": 0, "y": 0}
    content = {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "request", "position": at},
            {"id": "t", "type": "decisionTableNode", "name": "t", "position": at, "content": table},
            {"id": "out", "type": "outputNode", "name": "response", "position": at},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "t", "type": "edge"},
            {"id": "e2", "sourceId": "t", "targetId": "out", "type": "edge"},
        ],
    }

    def prepare() -> Decide:
        decision = module.ZenEngine().create_decision(json.dumps(content))
        return lambda: [decision.evaluate(r)["result"]["eligible"] for r in rows]

    return prepare


def _datalogic(m: ModuleType, rows: list[Record]) -> Callable[[], Decide]:
    def prepare() -> Decide:
        rule = m.Engine().compile(JSON_LOGIC)
        return lambda: [rule.evaluate(r) for r in rows]

    return prepare


def _zen_expression(m: ModuleType, rows: list[Record]) -> Callable[[], Decide]:
    def prepare() -> Decide:
        expression = m.compile_expression(EXPRESSION)
        return lambda: [expression.evaluate(r) for r in rows]

    return prepare


def _cel(m: ModuleType, rows: list[Record]) -> Callable[[], Decide]:
    def prepare() -> Decide:
        program = m.compile(CEL)
        return lambda: [program.execute(r) for r in rows]

    return prepare


def _json_logic(m: ModuleType, rows: list[Record]) -> Callable[[], Decide]:
    def prepare() -> Decide:
        apply = m.jsonLogic
        return lambda: [bool(apply(JSON_LOGIC, r)) for r in rows]

    return prepare


def _rule_engine(m: ModuleType, rows: list[Record]) -> Callable[[], Decide]:
    def prepare() -> Decide:
        rule = m.Rule(EXPRESSION)
        return lambda: [rule.matches(r) for r in rows]

    return prepare


Peer = Callable[[ModuleType, list[Record]], Callable[[], Decide]]

PEERS: dict[str, tuple[str, Peer]] = {
    "datalogic-py (Rust; compiled JsonLogic)": ("datalogic_py", _datalogic),
    "zen-engine (Rust; compiled expression)": ("zen", _zen_expression),
    "common-expression-language (Rust; compiled CEL)": ("cel", _cel),
    "panzi-json-logic (JsonLogic)": ("json_logic", _json_logic),
    "business-rules": ("business_rules", _business_rules),
    "rule-engine (compiled rule)": ("rule_engine", _rule_engine),
    "zen-engine (Rust; decision table)": ("zen", _zen_table),
}
"""Each peer by name: its module, and a function from module and records to its preparer."""


# -- measuring ---------------------------------------------------------------------------


def time_once(decide: Decide) -> tuple[float, list[bool]]:
    """
    Return how long one pass takes, and its verdicts.
    """
    start = time.perf_counter()
    got = decide()
    return time.perf_counter() - start, got


def _library(path: str, apps: list[Application]) -> Callable[[], Decide]:
    def prepare() -> Decide:
        prepared = SIMPLIFIED.prepare()
        passed = Verdict.PASS
        if path == "check":
            check = prepared.check
            return lambda: [check(a, as_of=AS_OF) is passed for a in apps]
        if path == "policy.check":
            check = SIMPLIFIED.check
            return lambda: [check(a, as_of=AS_OF) is passed for a in apps]
        ev = SIMPLIFIED.evaluate
        return lambda: [ev(a, as_of=AS_OF).verdict is passed for a in apps]

    return prepare


def contenders(
    dicts: list[Record], apps: list[Application]
) -> tuple[dict[str, tuple[float, Decide]], list[str]]:
    """
    Prepare every engine; return them by name with their preparation time, and what is missing.
    """
    found: dict[str, tuple[float, Decide]] = {}
    missing: list[str] = []

    def add(name: str, prepare: Callable[[], Decide]) -> None:
        start = time.perf_counter()
        decide = prepare()
        found[name] = ((time.perf_counter() - start) * 1e3, decide)

    add(FLOOR, lambda: lambda: [plain(r) for r in dicts])

    def by_hand() -> Decide:
        decide = plain_on_objects()
        return lambda: [decide(a) for a in apps]

    add("plain Python function on the library's objects", by_hand)
    add("lazada_eligibility prepared.check() (verdict only)", _library("check", apps))
    add("lazada_eligibility policy.check() (verdict only)", _library("policy.check", apps))
    add("lazada_eligibility evaluate() (full reasons)", _library("evaluate", apps))
    for name, (module_name, make) in PEERS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError as e:
            missing.append(f"{name}: not installed ({e}); pip install -e '.[bench]'")
            continue
        add(name, make(module, dicts))
    return found, missing


FLOOR = "plain Python function (the floor)"


def flat_table(n: int, runs: int) -> str:
    """
    Time the plain function, this library and every installed peer on the flat workload.
    """
    rows = records(n)
    dicts = [as_dict(r) for r in rows]
    apps = [as_application(r) for r in rows]
    gc.collect()
    gc.freeze()
    expected = [plain(r) for r in dicts]
    engines, missing = contenders(dicts, apps)
    times: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(runs):
        for name, (_, decide) in engines.items():
            took, got = time_once(decide)
            if got != expected:
                bad = next(i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b)
                msg = f"{name} disagrees with the plain function on record {bad}: {dicts[bad]}"
                raise AssertionError(msg)
            times[name].append(took)
    lines = [
        "| engine | decisions/s | µs per decision | ratio to plain (median, min-max) | prepare ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, samples in sorted(times.items(), key=lambda kv: statistics.median(kv[1])):
        median = statistics.median(samples)
        ratios = [t / f for t, f in zip(samples, times[FLOOR], strict=True)]
        lines.append(
            f"| {name} | {n / median:,.0f} | {median / n * 1e6:.2f} | "
            f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f}) | "
            f"{engines[name][0]:.2f} |"
        )
    lines.extend(f"\nleft out: {m}" for m in missing)
    passed = sum(expected)
    lines.append(f"\n{n:,} records, {passed / n:.0%} pass; every engine agreed on every record.")
    return "\n".join(lines)


def growth_table(count: int = 3000, repeat: int = 5) -> str:
    """
    Time decisions as stores and months grow: every store fails only its last month.

    So the verdict-only path, which stops early where it can, still reads
    every month of every store.
    """
    lines = [
        "| stores | months | check µs | ns per store-month | evaluate µs | µs per store-month |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for months in (3, 6, 12):
        policy = lazada_cross_border(months=months)
        window = review_window(AS_OF, months)
        prepared = policy.prepare()
        for n_stores in (1, 2, 4, 8):
            stores = [
                Store(
                    "Amazon US",
                    f"S{k}",
                    [
                        MonthlyTurnover(m, Money("500" if m == window[-1] else "1500", "USD"))
                        for m in window
                    ],
                    category="mobiles",
                )
                for k in range(n_stores)
            ]
            apps = [Application(f"Seller {i}", "mobiles", stores) for i in range(count)]
            check, explain = prepared.check, prepared.evaluate
            for a in apps[:50]:
                assert check(a, as_of=AS_OF) is Verdict.FAIL  # noqa: S101 -- the setup's point
            c = min(_loop(functools.partial(check, as_of=AS_OF), apps) for _ in range(repeat))
            e = min(_loop(functools.partial(explain, as_of=AS_OF), apps) for _ in range(repeat))
            units = n_stores * months
            lines.append(
                f"| {n_stores} | {months} | {c * 1e6:.2f} | {c * 1e9 / units:.0f} | "
                f"{e * 1e6:.2f} | {e * 1e6 / units:.2f} |"
            )
    return "\n".join(lines)


def _loop(fn: Callable[[Application], object], apps: Sequence[Application]) -> float:
    start = time.perf_counter()
    for a in apps:
        fn(a)
    return (time.perf_counter() - start) / len(apps)


def main(argv: Sequence[str] | None = None) -> int:
    """
    Print the peer table, the default policy's table and the growth table.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--n", type=int, default=100_000, help="records (100,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of every engine (3)")
    parser.add_argument(
        "--only",
        choices=("peers", "default", "growth"),
        action="append",
        help="run only these tables (all three by default)",
    )
    args = parser.parse_args(argv)
    only = set(args.only or ("peers", "default", "growth"))

    print(f"machine: {engine.machine()}")
    print(f"command: python {' '.join(sys.argv)}")
    if "peers" in only:
        print()
        print("## The simplified policy, flat records")
        print()
        print(flat_table(args.n, args.runs))
    if "default" in only:
        default_table(args.n, args.runs)
    if "growth" in only:
        print()
        print("## Decision time as stores and months grow (default policy)")
        print()
        print(growth_table())
    return 0


def default_table(n: int, runs: int) -> None:
    """
    Print the full default policy's table on ``benchmarks/engine.py``'s workload.
    """
    print()
    print("## The full default policy, realistic applications (benchmarks/engine.py)")
    print()
    rates = engine.rate_table()
    apps = engine.workload(n)
    gc.collect()
    gc.freeze()
    first, again = engine.preparation_ms(LAZADA_CROSS_BORDER, rates)
    named = engine.paths(LAZADA_CROSS_BORDER, rates)
    for run in named.values():
        run(apps[:1000])
    print(f"prepare (one-time): {first:.2f} ms the first time, {again:.2f} ms for an equal policy")
    print()
    print(engine.table(engine.measure(named, apps, runs), len(apps), "floor (hand-written)"))


if __name__ == "__main__":
    raise SystemExit(main())
