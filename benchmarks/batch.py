"""
Batch decisions end to end: JSON Lines in, decisions out, on 1 and 2 workers and on Spark.

Run from the repository root::

    python benchmarks/batch.py                       # 200,000 applications, 1 and 2 workers
    python benchmarks/batch.py --n 1000000 --workers 1
    python benchmarks/batch.py --n 20000 --stages    # where one application's time goes
    python benchmarks/batch.py --n 100000 --spark    # also Spark in local mode (spark extra), per --detail
    python benchmarks/batch.py --n 20000 --workload failure-heavy --detail summary full

Both workloads (``--workload current failure-heavy``, the default) and both
detail levels (``--detail summary full``) are measured, next to a
plain-Python floor: the same lines parsed with ``json.loads``, the default
rule decided by hand (cross-border platform, same category, each of the
three months at least US$1,000 with the same rates, no reuse check) and a
three-field line written. Targets: ``summary`` within 3x the floor's time.

Each run is the real command, ``lazada-eligibility batch FILE -o OUT
--workers N``, in a child process: reading, parsing, validating, deciding,
serialising and writing every line, from start-up to exit. Peak memory is
the largest resident set of the command and its workers together, sampled
every 50 ms with psutil (the ``bench`` extra), or else the largest single
process from ``getrusage``. The outputs of all worker counts are checked to
be byte-identical.

The workload is deterministic (a seeded :class:`random.Random`) and written
once per ``--n`` into ``--dir``: 1 to 3 stores per application, 3 to 5
months each, about 10% in EUR, GBP or JPY with a rates file, some domestic
or unknown platforms, category mismatches, missing months and amounts right
at US$1,000.00.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib
import itertools
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

AS_OF = "2026-11-28"
MONTHS = ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10")  # window: 08 .. 10
CROSS_BORDER = ("Amazon US", "amazon.com", "Amazon.de", "eBay", "ebay.co.uk", "AliExpress",
                "Shopee", "Etsy", "Walmart", "Temu", "TikTok Shop")  # fmt: skip
DOMESTIC = ("Taobao", "淘宝", "JD", "Pinduoduo", "Tmall", "1688")
UNKNOWN = ("Unknown Bazaar", "MegaMart Online")
CATEGORIES = ("mobiles", "laptops", "tablets", "audio", "skincare", "make-up", "home-living",
              "sports-lifestyle", "womens-fashion", "drinks")  # fmt: skip
USD_PER_UNIT = {"EUR": Decimal("1.08"), "GBP": Decimal("1.27"), "JPY": Decimal("0.0067")}


# -- the workload ------------------------------------------------------------------------


def _amount(rng: random.Random, currency: str, low: float = 0.5) -> dict[str, str]:
    if low == 0.5:
        usd = Decimal(rng.choice((rng.randint(1100, 5000), rng.randint(700, 1400))))
    else:
        usd = Decimal(rng.randint(700, 1400) if rng.random() < low else rng.randint(1100, 5000))
    usd += Decimal(rng.randint(-2000, 2000)) / 100
    if rng.random() < 0.02:
        usd = Decimal("1000.00")  # the edge: exactly the minimum passes
    if currency == "USD":
        return {"amount": str(usd.quantize(Decimal("0.01"))), "currency": "USD"}
    digits = Decimal(1) if currency == "JPY" else Decimal("0.01")
    return {"amount": str((usd / USD_PER_UNIT[currency]).quantize(digits)), "currency": currency}


# The odds of each way to fail: (unknown platform, domestic platform, category
# mismatch, October missing, a month's amount drawn from the low range).
WORKLOADS = {
    "current": (0.02, 0.12, 0.10, 0.04, 0.5),
    # Most applications fail, as in a review queue of first-time applicants.
    "failure-heavy": (0.05, 0.30, 0.25, 0.20, 0.8),
}


def _store(  # noqa: PLR0917 -- a private helper of the generator
    rng: random.Random, i: int, k: int, applied: str, currency: str, odds: tuple[float, ...]
) -> dict[str, Any]:
    unknown, domestic, mismatch, missing, low = odds
    roll = rng.random()
    if roll < unknown:
        name = rng.choice(UNKNOWN)
    elif roll < unknown + domestic:
        name = rng.choice(DOMESTIC)
    else:
        name = rng.choice(CROSS_BORDER)
    category = applied if rng.random() >= mismatch else rng.choice(CATEGORIES)
    count = rng.randint(3, 5)
    months = list(MONTHS[-count:])
    if rng.random() < missing:
        months.pop()  # October missing
    turnover = [{"month": m, "amount": _amount(rng, currency, low)} for m in months]
    # Digits: an id every platform accepts (AliExpress store numbers are digits).
    return {"platform": name, "store_id": f"{i}0{k}", "category": category, "turnover": turnover}


def generate(path: Path, n: int, seed: int = 2026, workload: str = "current") -> None:
    """
    Write *n* applications as JSON Lines (the same file for the same *n*, *seed* and *workload*).
    """
    rng = random.Random(seed)
    odds = WORKLOADS[workload]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            applied = rng.choice(CATEGORIES)
            currency = "USD" if rng.random() < 0.9 else rng.choice(sorted(USD_PER_UNIT))
            stores = [_store(rng, i, k, applied, currency, odds) for k in range(rng.randint(1, 3))]
            record = {"id": f"APP-{i:07d}", "applicant": f"Seller {i}", "category": applied,
                      "market": rng.choice(("MY", "SG", "TH", "ID", "PH", "VN")), "stores": stores}  # fmt: skip
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_rates(path: Path) -> None:
    """
    Write rates for EUR, GBP and JPY in every month of the workload.
    """
    lines = ["currency,month,rate_to_usd"]
    lines += [f"{c},{m},{r}" for c, r in USD_PER_UNIT.items() for m in MONTHS]
    path.write_text("\n".join(lines) + "\n", "utf-8")


# -- measuring ---------------------------------------------------------------------------


class PeakMemory:
    """
    The largest resident set of a process and its children together, sampled in a thread.
    """

    def __init__(self, pid: int) -> None:
        self.peak_total = 0
        self.peak_single = 0
        self._stop = threading.Event()
        try:
            psutil = importlib.import_module("psutil")
        except ImportError:
            self._thread = None
            return
        self._root = psutil.Process(pid)
        self._error = psutil.Error
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            try:
                tree = [self._root, *self._root.children(recursive=True)]
                sizes = [p.memory_info().rss for p in tree]
            except self._error:
                continue
            self.peak_total = max(self.peak_total, sum(sizes))
            self.peak_single = max(self.peak_single, *sizes)

    def stop(self) -> str:
        """
        Stop sampling; return the peak as text.
        """
        self._stop.set()
        if self._thread is None:
            # Without psutil: the largest single descendant, as the kernel kept it (KiB).
            single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
            return f"{single / 2**20:.0f} MB (largest process; install psutil for the sum)"
        self._thread.join()
        return (
            f"{self.peak_total / 2**20:.0f} MB ({self.peak_single / 2**20:.0f} MB largest process)"
        )


def run_cli(
    source: Path, out: Path, rates: Path, workers: int, detail: str = "full"
) -> tuple[float, float, str]:
    """
    Run ``lazada-eligibility batch`` once; return the wall time, the CPU time and the peak memory.

    The CPU time (user and system, of the command and its workers) does not
    grow when other processes compete for the cores, so the applications
    decided per CPU-second are the steadier per-worker figure on a busy machine.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-m", "lazada_eligibility", "batch", str(source), "-o", str(out),
               "--as-of", AS_OF, "--rates", str(rates), "--workers", str(workers),
               "--no-progress", "--detail", detail]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)  # noqa: S603
    memory = PeakMemory(process.pid)
    _, err = process.communicate()
    elapsed = time.perf_counter() - started
    peak = memory.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if process.returncode not in {0, 65}:
        sys.exit(f"batch failed ({process.returncode}):\n{err}")
    print(err.strip())
    return elapsed, cpu, peak


def digest(path: Path) -> tuple[str, int]:
    """
    Return the SHA-256 and the line count of *path*.
    """
    h = hashlib.sha256()
    lines = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
            lines += block.count(b"\n")
    return h.hexdigest(), lines


def stages(source: Path, rates_path: Path, n: int) -> None:
    """
    Time each stage of one application's way through the batch, in CPU microseconds.

    The applications stream through one at a time, as in the command, so
    that the garbage collector sees what it sees there (holding every
    object of every stage in lists would make collections, and the figures,
    several times larger).
    """
    from lazada_eligibility import LAZADA_CROSS_BORDER, Application, RateTable  # noqa: PLC0415
    from lazada_eligibility.batch._summary import (  # noqa: PLC0415
        pass_record,
        summary_record,
    )
    from lazada_eligibility.rules import Verdict  # noqa: PLC0415

    prepared = LAZADA_CROSS_BORDER.prepare(rates=RateTable.from_csv(rates_path))
    digest_ = LAZADA_CROSS_BORDER.digest
    as_of = dt.date.fromisoformat(AS_OF)
    clock = time.process_time_ns
    spent = [0] * 9
    size = 0
    with source.open("rb") as f:
        for i, line in enumerate(itertools.islice(f, n), 1):
            t0 = clock()
            doc = json.loads(line)
            t1 = clock()
            app = Application.from_dict(doc)
            t2 = clock()
            decision = prepared.evaluate(app, as_of=as_of)
            t3 = clock()
            record = {"line": i, **decision.to_dict()}
            t4 = clock()
            size += len(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            t5 = clock()
            verdict = prepared.check(app, as_of=as_of)
            t6 = clock()
            # The summary path: the verdict above, then reasons only where it does not pass.
            # As the worker does: a pass whose provenance needs the outcome tree is decided in full.
            provenance = prepared.pass_provenance(app) if verdict is Verdict.PASS else None
            if provenance is not None:
                short = pass_record(i, app.id, as_of, digest_, provenance)
                t7 = t8 = clock()
            else:
                failed = prepared.evaluate(app, as_of=as_of)
                t7 = clock()
                short = summary_record(i, failed)
                t8 = clock()
            json.dumps(short, ensure_ascii=False, separators=(",", ":"))
            t9 = clock()
            for k, (a, b) in enumerate(
                itertools.pairwise((t0, t1, t2, t3, t4, t5, t6, t7, t8, t9))
            ):
                spent[k] += b - a
    total = sum(spent[:5])
    print(f"\nCPU time per application, {n:,} applications (mean output {size / n:,.0f} bytes):\n")
    print("| stage | µs | share |\n|---|---:|---:|")
    names = ("json.loads", "Application.from_dict", "evaluate (outcome tree)",
             "Decision.to_dict", "json.dumps")  # fmt: skip
    for name, ns in zip(names, spent, strict=False):
        print(f"| {name} | {ns / n / 1e3:.1f} | {ns / total:.0%} |")
    print(f"| total | {total / n / 1e3:.1f} | = {n / total * 1e9:,.0f} applications/s of CPU |")
    print(f"| (check: verdict only, for reference) | {spent[5] / n / 1e3:.1f} | |")
    summary = spent[0] + spent[1] + sum(spent[5:9])
    print("\nThe summary path, per application:\n")
    print("| stage | µs | share |\n|---|---:|---:|")
    parts = (("json.loads", spent[0]), ("Application.from_dict", spent[1]),
             ("check (verdict only)", spent[5]), ("evaluate, lines not passing", spent[6]),
             ("summary_record (reasons, remedies)", spent[7]), ("json.dumps", spent[8]))  # fmt: skip
    for name, ns in parts:
        print(f"| {name} | {ns / n / 1e3:.1f} | {ns / summary:.0%} |")
    print(f"| total | {summary / n / 1e3:.1f} | = {n / summary * 1e9:,.0f} applications/s of CPU |")


def floor(source: Path, out: Path) -> tuple[float, float]:
    """
    The plain-Python floor: parse each line, decide the default rule by hand, write three fields.

    Returns the wall and CPU seconds. It is what no engine can beat in
    Python: no validation, no identity, no explanation.
    """
    cross_border = {p.casefold() for p in CROSS_BORDER}
    window = ("2026-08", "2026-09", "2026-10")
    minimum = Decimal(1000)
    rates = {**USD_PER_UNIT, "USD": Decimal(1)}
    started, cpu = time.perf_counter(), time.process_time()
    with source.open("rb") as f, out.open("wb") as g:
        for n, line in enumerate(f, 1):
            app = json.loads(line)
            applied = app["category"]
            eligible = False
            for store in app["stores"]:
                if store["platform"].casefold() not in cross_border:
                    continue
                if store["category"] != applied:
                    continue
                amounts = {t["month"]: t["amount"] for t in store["turnover"]}
                if all(
                    m in amounts
                    and Decimal(amounts[m]["amount"]) * rates[amounts[m]["currency"]] >= minimum
                    for m in window
                ):
                    eligible = True
                    break
            record = {"line": n, "application_id": app["id"], "eligible": eligible}
            g.write(json.dumps(record, separators=(",", ":")).encode() + b"\n")
    return time.perf_counter() - started, time.process_time() - cpu


def spark(source: Path, rates_path: Path, folder: Path, n: int, details: list[str]) -> None:
    """
    Decide the first *n* applications with Spark in local mode: read JSON, decide, write JSON.

    Once per detail level (the ``decision`` column holds the summary line or
    the whole decision), in one session, after a warm-up run on a few rows.
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession  # noqa: PLC0415 -- the spark extra is optional

    from lazada_eligibility import RateTable  # noqa: PLC0415
    from lazada_eligibility.batch.spark import APPLICATION_SCHEMA, evaluate_dataframe  # noqa: PLC0415

    subset = folder / f"spark-{n}.jsonl"
    with source.open("rb") as f, subset.open("wb") as g:
        for _ in range(n):
            g.write(f.readline())
    started = time.perf_counter()
    session = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.files.maxPartitionBytes", 8 << 20)  # several partitions per core
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    startup = time.perf_counter() - started
    df = session.read.schema(APPLICATION_SCHEMA).json(str(subset))
    rates = RateTable.from_csv(rates_path)
    as_of = dt.date.fromisoformat(AS_OF)
    evaluate_dataframe(df.limit(100), as_of=as_of, rates=rates).count()  # warm-up: JVM, workers
    partitions = df.rdd.getNumPartitions()
    print(
        f"\nSpark {session.version} local[2], {partitions} partitions: session start {startup:.1f} s\n"
    )
    print("| detail | applications | seconds | applications/s | bytes/row (decision) |")
    print("|---|---:|---:|---:|---:|")
    for detail in details:
        decided = evaluate_dataframe(df, as_of=as_of, rates=rates, detail=detail)
        out = folder / f"spark-out-{detail}"
        started = time.perf_counter()
        decided.write.mode("overwrite").json(str(out))
        elapsed = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.glob("part-*")) / n
        print(f"| {detail} | {n:,} | {elapsed:.1f} | {n / elapsed:,.0f} | {size:,.0f} B |")
    session.stop()


def main() -> None:
    """
    Generate the workloads, run the command on each worker count and detail level, print the table.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200_000, help="applications (default 200,000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--workload", nargs="+", choices=sorted(WORKLOADS), default=["current", "failure-heavy"]
    )
    parser.add_argument(
        "--detail", nargs="+", choices=("summary", "full"), default=["summary", "full"]
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "lazada-batch-bench",
        help="where the workload and outputs go (default: a folder in the temp dir)",
    )
    parser.add_argument("--stages", action="store_true", help="time each stage, in one process")
    parser.add_argument("--spark", action="store_true", help="also run Spark in local mode")
    parser.add_argument(
        "--spark-n", type=int, default=None, help="applications for Spark (default --n)"
    )
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    rates = args.dir / "rates.csv"
    write_rates(rates)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"Python {platform.python_version()} on {platform.machine()}, {cpus} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    rows = []
    for workload in args.workload:
        source = args.dir / f"applications-{workload}-{args.n}.jsonl"
        if not source.exists():
            generate(source, args.n, workload=workload)
        if args.stages:
            stages(source, rates, min(args.n, 20_000))
        out = args.dir / "floor.jsonl"
        wall, cpu = floor(source, out)
        out.unlink()
        floor_rate = args.n / cpu
        rows.append(f"| {workload} | floor | 1 | {wall:,.1f} | {args.n / wall:,.0f} "
                    f"| {floor_rate:,.0f} | 1.0x | - | - |")  # fmt: skip
        for detail in args.detail:
            digests = set()
            for workers in args.workers:
                out = args.dir / f"decisions-{workload}-{detail}-w{workers}.jsonl"
                load = os.getloadavg()[0]
                elapsed, cpu, peak = run_cli(source, out, rates, workers, detail)
                sha, lines = digest(out)
                if lines != args.n:
                    sys.exit(f"{out}: {lines:,} lines for {args.n:,} applications")
                digests.add(sha)
                size = out.stat().st_size / args.n
                out.unlink()
                per_cpu = args.n / cpu
                rows.append(f"| {workload} | {detail} | {workers} | {elapsed:,.1f} "
                            f"| {args.n / elapsed:,.0f} | {per_cpu:,.0f} "
                            f"| {floor_rate / per_cpu:.1f}x | {size:,.0f} B | {peak}, load {load:.1f} |")  # fmt: skip
            if len(digests) > 1:
                sys.exit(f"{workload}/{detail}: the worker counts wrote different outputs")
    print(
        f"\n{args.n:,} applications per run; times per CPU-second are the steady figure on a busy machine\n"
    )
    print("| workload | detail | workers | seconds | applications/s | per CPU-second "
          "| CPU time vs floor | bytes/line | peak RSS |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    print("\noutputs identical across worker counts")
    if args.spark:
        source = args.dir / f"applications-{args.workload[0]}-{args.n}.jsonl"
        spark(source, rates, args.dir, args.spark_n or args.n, args.detail)


if __name__ == "__main__":
    main()
