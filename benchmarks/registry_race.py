"""
Threads and processes racing to claim overlapping store records in one SQLite or PostgreSQL registry.

Run from the repository root::

    python benchmarks/registry_race.py                   # 1,000 records, the four set-ups
    python benchmarks/registry_race.py --records 5000 --contested 500
    scripts/postgres_for_tests.sh sh -c \
        'python benchmarks/registry_race.py --registry "$LAZADA_TEST_POSTGRES"'

With ``--registry URL`` the race runs against that PostgreSQL database: its
registry tables are DROPPED before each race, so give it a throwaway one.

Each claimant (a thread, or a process of its own) decides applications with
:func:`~lazada_eligibility.evaluate_and_claim` against one
:class:`~lazada_eligibility.SqliteRegistry` file in a temporary folder.
Every application is eligible on its turnover, so it loses only to another
application that claimed one of its records first: that is a conflict
detected (a decision with code ``evidence.reused``). Each claimant first
decides ``--contested`` applications of 2 to 4 neighbouring records, then
sweeps the records of two claimants one by one, so that every record ends
up held and each is still raced for.

After each run the registry is checked: every record held exactly once,
each by an application that was told it won, and no loser holding anything;
``errors`` counts any exception (such as ``database is locked``) that
reached a claimant, and must be 0. Times are wall-clock seconds from the
start barrier to the last claimant's end; the file is in WAL mode with
``synchronous=FULL``, so every winning claim waits for the disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import random
import sqlite3
import sys
import tempfile
import threading
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from lazada_eligibility import Application, Money, Month, MonthlyTurnover, Store
from lazada_eligibility.claiming import evaluate_and_claim
from lazada_eligibility.registry import PostgresRegistry, open_registry

AS_OF = dt.date(2026, 11, 28)
SPELLINGS = ("eBay", "ebay.com", "https://www.ebay.com/str/shop")
TURNOVER = tuple(MonthlyTurnover(Month(2026, m), Money("1500", "USD")) for m in (8, 9, 10))
SETUPS = ((1, 0), (8, 0), (0, 4), (8, 4))  # (threads in this process, processes)
SPAWN = multiprocessing.get_context("spawn")


def plan(claimant: int, claimants: int, records: int, contested: int) -> list[Application]:
    """
    The applications one claimant decides, in order.
    """
    rng = random.Random(claimant)
    spelled = SPELLINGS[claimant % len(SPELLINGS)]

    def application(name: str, numbers: list[int]) -> Application:
        stores = [Store(spelled, f"R{n}", TURNOVER, category="mobiles") for n in numbers]
        return Application(f"Claimant {claimant}", "mobiles", stores, id=f"c{claimant}-{name}")

    found = []
    for n in range(contested):
        start = rng.randrange(records)
        found.append(
            application(f"w{n}", [(start + k) % records for k in range(rng.randint(2, 4))])
        )
    mine = {claimant % claimants, (claimant + 1) % claimants}
    sweep = [r for r in range(records) if r % claimants in mine]
    rng.shuffle(sweep)
    return found + [application(f"s{r}", [r]) for r in sweep]


def run_claimant(
    path: str, claimant: int, args: tuple[int, int, int], start: Barrier
) -> dict[str, Any]:
    """
    Decide every application of the plan; report winners, conflicts and errors.
    """
    registry = open_registry(path)
    applications = plan(claimant, *args)
    won: dict[str, list[str]] = {}
    conflicts = 0
    errors: list[str] = []
    start.wait()
    for application in applications:
        try:
            decision = evaluate_and_claim(application, as_of=AS_OF, registry=registry)
        except Exception as e:  # noqa: BLE001 -- every error is a failure to count
            errors.append(repr(e))
            continue
        if decision.eligible:
            won[str(application.id)] = [c.store_id for c in registry.claims_of(str(application.id))]
        elif {r.code for r in decision.reasons} == {"evidence.reused"}:
            conflicts += 1
        else:
            errors.append(f"{application.id}: unexpected reasons {decision.reasons}")
    return {"won": won, "conflicts": conflicts, "errors": errors, "decided": len(applications)}


def process_main(
    path: str,
    claimant: int,
    args: tuple[int, int, int],
    start: Barrier,
    out: Queue[dict[str, Any]],
) -> None:
    """
    A claimant in a process of its own.
    """
    out.put(run_claimant(path, claimant, args, start))


def race(
    threads: int, processes: int, records: int, contested: int, url: str | None = None
) -> dict[str, Any]:
    """
    Run one race in a fresh file; check the registry; return the figures.
    """
    claimants = threads + processes
    args = (claimants, records, contested)
    with tempfile.TemporaryDirectory() as folder:
        path = url or str(Path(folder) / "claims.db")
        if url:
            import psycopg  # noqa: PLC0415 -- only for a PostgreSQL race

            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("DROP TABLE IF EXISTS lazada_claims, lazada_registry_schema")
        open_registry(path).close()  # the schema, before the race
        start = SPAWN.Barrier(claimants + 1, timeout=120)
        out = SPAWN.Queue()
        children = [
            SPAWN.Process(target=process_main, args=(path, threads + p, args, start, out))
            for p in range(processes)
        ]
        for child in children:
            child.start()
        reports: list[dict[str, Any]] = []
        lock = threading.Lock()

        def thread_main(claimant: int) -> None:
            report = run_claimant(path, claimant, args, start)
            with lock:
                reports.append(report)

        workers = [threading.Thread(target=thread_main, args=(t,)) for t in range(threads)]
        for worker in workers:
            worker.start()
        start.wait()  # everyone is ready: the clock starts now
        began = time.perf_counter()
        reports += [out.get(timeout=600) for _ in children]
        for worker in workers:
            worker.join()
        seconds = time.perf_counter() - began
        for child in children:
            child.join()
        with open_registry(path, read_only=True) as registry:
            held = sorted((c.application_id, c.store_id) for c in registry.claims())
    won = {(a, s) for r in reports for a, stores in r["won"].items() for s in stores}
    errors = [e for r in reports for e in r["errors"]]
    if sorted(f"r{n}" for n in range(records)) != sorted(s for _, s in held):
        raise SystemExit("FAILED: not every record is held exactly once")
    if won != set(held):
        raise SystemExit("FAILED: a claim was lost, or a loser holds a record")
    decided = sum(r["decided"] for r in reports)
    return {
        "processes": processes,
        "threads": threads,
        "records": records,
        "decided": decided,
        "won": sum(len(r["won"]) for r in reports),
        "conflicts": sum(r["conflicts"] for r in reports),
        "errors": len(errors),
        "seconds": seconds,
        "per_second": decided / seconds,
    }


def _server_version(url: str) -> str:
    import psycopg  # noqa: PLC0415 -- only for a PostgreSQL race

    with psycopg.connect(url) as conn:
        return str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]


def main(argv: list[str] | None = None) -> None:
    """
    Run every set-up and print the table.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--contested", type=int, default=150)
    parser.add_argument("--registry", metavar="URL", help="a throwaway PostgreSQL database")
    args = parser.parse_args(argv)
    if args.registry:
        with PostgresRegistry(args.registry) as registry:
            registry.claims()
            engine = "PostgreSQL " + _server_version(args.registry)
    else:
        engine = f"SQLite {sqlite3.sqlite_version}"
    print(
        f"Python {platform.python_version()}, {engine}, "
        f"{os.cpu_count()} CPUs, {sys.platform}; {args.records:,} records, "
        f"{args.contested} contested applications per claimant"
    )
    header = (
        "| processes | threads | records | decided | won | conflicts detected "
        "| errors | seconds | decisions/s |"
    )
    print(header)
    print("|" + "|".join("---:" for _ in range(header.count("|") - 1)) + "|")
    for threads, processes in SETUPS:
        f = race(threads, processes, args.records, args.contested, args.registry)
        print(
            f"| {f['processes']} | {f['threads']} | {f['records']:,} | {f['decided']:,} "
            f"| {f['won']:,} | {f['conflicts']:,} | {f['errors']} | {f['seconds']:.2f} "
            f"| {f['per_second']:,.0f} |"
        )


if __name__ == "__main__":
    main()
