"""
Tests for batch decisions: evaluate_many, its summary, JSON Lines I/O and ``lazada-eligibility batch``.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lazada_eligibility import (
    DEFAULT_PLATFORMS,
    LAZADA_CATEGORIES,
    LAZADA_CROSS_BORDER,
    Application,
    Money,
    RateTable,
    ValidationError,
    Verdict,
    cli,
    evaluate,
)
from lazada_eligibility.batch import BatchResult, BatchSummary, evaluate_many
from lazada_eligibility.batch import _io as _batch_io
from lazada_eligibility.batch import _workers as _batch_workers
from lazada_eligibility.batch._io import (
    BatchIOError,
    LineSink,
    load_json,
    open_output,
    read_lines,
)
from lazada_eligibility.cli import _batch as _cli_batch
from lazada_eligibility.exceptions import FieldProblem
from lazada_eligibility.policy.shipped import lazada_cross_border
from lazada_eligibility.registry import SqliteRegistry
from strategies import AS_OF, applications, rate_tables

EXAMPLES = Path(__file__).parent.parent / "examples"
RATES = RateTable.from_csv(EXAMPLES / "rates-2026.csv")
PLATFORMS = ("Amazon US", "Amazon US", "eBay UK", "AliExpress", "amazon.de", "Taobao", "Bazaar X")
CATEGORIES = ("mobiles", "laptops", "health-beauty", "sports-lifestyle")


def corpus(n: int, seed: int = 8) -> list[dict[str, object]]:
    """*n* varied applications as JSON mappings: passes, fails, reviews, several currencies."""
    rng = random.Random(seed)  # noqa: S311 -- test data, not secrets
    records = []
    for i in range(n):
        category = rng.choice(CATEGORIES)
        stores = []
        for s in range(rng.randint(1, 3)):
            currency = rng.choice(("USD",) * 8 + ("EUR", "GBP"))
            months = ("2026-07", "2026-08", "2026-09", "2026-10")[rng.randint(0, 2) :]
            turnover = [
                {
                    "month": m,
                    "amount": {"amount": f"{rng.uniform(700, 2500):.2f}", "currency": currency},
                }
                for m in months
            ]
            stores.append({"platform": rng.choice(PLATFORMS), "store_id": f"{i}0{s}",
                           "category": category, "turnover": turnover})  # fmt: skip
        records.append({"id": f"APP-{i:05d}", "applicant": f"Seller {i}", "category": category,
                        "stores": stores})  # fmt: skip
    return records


def jsonl(records: list[object]) -> list[bytes]:
    return [r if isinstance(r, bytes) else json.dumps(r).encode() for r in records]


def expected_json(record: dict[str, object], rates: RateTable | None = RATES) -> str:
    """The decision that deciding the record on its own gives, as JSON."""
    return evaluate(Application.from_dict(record), as_of=AS_OF, rates=rates).to_json()


class TestEvaluateMany:
    @pytest.mark.parametrize("workers", [1, 2])
    def test_order_and_completeness(self, workers):
        """Every record gives one result, in input order, equal to deciding it alone."""
        records = corpus(300)
        results = list(
            evaluate_many(jsonl(records), as_of=AS_OF, rates=RATES, workers=workers, chunk_size=16)
        )
        assert list(range(1, 301)) == [r.position for r in results]
        assert [expected_json(r) for r in records] == [r.decision.to_json() for r in results]
        assert {Verdict.PASS, Verdict.FAIL, Verdict.REVIEW} == {r.verdict for r in results}

    @pytest.mark.parametrize("workers", [1, 2])
    def test_bad_record_in_the_middle(self, workers):
        """A bad record gives an error result naming its position and problem; the run goes on."""
        records = jsonl(corpus(40))
        records[19] = b'{"applicant": "X", "category": "mobiles", "stores": [{"platform": "eBay"}]}'
        records[24] = b"{not json"
        results = list(
            evaluate_many(records, as_of=AS_OF, rates=RATES, workers=workers, chunk_size=8)
        )
        assert 40 == len(results)
        bad = [(r.position, r.error) for r in results if not r.ok]
        assert [
            (20, "stores[0].store_id: is required"),
            (25, "not JSON: Expecting property name enclosed in double quotes at column 2"),
        ] == bad
        assert (FieldProblem("stores[0].store_id", "is required"),) == results[19].problems

    def test_applications_mappings_and_text_agree(self):
        """An Application, its mapping and its JSON text give the same decision."""
        records = corpus(20)
        forms = [
            [Application.from_dict(r) for r in records],
            records,
            [json.dumps(r) for r in records],
            jsonl(records),
        ]
        decided = [
            [r.decision.to_json() for r in evaluate_many(f, as_of=AS_OF, rates=RATES)]
            for f in forms
        ]
        assert [decided[0]] * 4 == decided

    @settings(max_examples=25, deadline=None)
    @given(st.lists(applications(), max_size=8), rate_tables())
    def test_same_as_one_by_one(self, apps, rates):
        """Deciding a batch equals deciding each application on its own."""
        expected = [evaluate(a, as_of=AS_OF, rates=rates) for a in apps]
        assert expected == [
            r.decision for r in evaluate_many(apps, as_of=AS_OF, rates=rates, chunk_size=3)
        ]

    def test_not_an_application(self):
        """Something that is neither an application nor JSON text is an error result."""
        [result] = evaluate_many([42], as_of=AS_OF)
        assert "expected an application as a JSON object, got int 42" == result.error

    def test_json_that_is_not_an_object(self):
        """JSON text that is not an object is refused with what it is."""
        [result] = evaluate_many(["[1, 2]"], as_of=AS_OF)
        assert "expected an application as a JSON object, got list [1, 2]" == result.error

    def test_error_while_deciding(self):
        """An error the registry raises for one record is that record's error; the id is kept."""

        class Refusing:
            def holder(self, platform, store_id):
                raise ValidationError.single("store_id", f"cannot read {store_id!r}")

            def claim(self, application, *, decision=None):
                return []

            def release(self, application_id):
                return []

            def claims_of(self, application_id):
                return []

        records = corpus(2)
        results = list(evaluate_many(records, as_of=AS_OF, rates=RATES, registry=Refusing()))
        assert ["APP-00000", "APP-00001"] == [r.application_id for r in results]
        assert all(r.error and r.error.startswith("store_id: cannot read") for r in results)

    def test_start(self):
        """The start option numbers the first result, as when lines already decided are skipped."""
        results = evaluate_many(jsonl(corpus(3)), as_of=AS_OF, rates=RATES, start=101)
        assert [101, 102, 103] == [r.position for r in results]

    @pytest.mark.parametrize("workers", [1, 2])
    def test_reads_lazily(self, workers):
        """The input is read as results are taken: an endless input still gives results."""
        taken = 0
        record = json.dumps(corpus(1)[0]).encode()

        def endless():
            nonlocal taken
            while True:
                taken += 1
                yield record

        results = evaluate_many(endless(), as_of=AS_OF, workers=workers, chunk_size=10)
        first = list(itertools.islice(results, 25))
        results.close()
        assert 25 == len(first)
        # At most the chunks in flight (two per worker) plus the one being handed over.
        assert taken <= 25 + (2 * workers + 1) * 10

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"workers": 0}, "workers must be a positive whole number, got 0"),
            ({"chunk_size": -1}, "chunk_size must be a positive whole number, got -1"),
            ({"start": True}, "start must be a positive whole number, got True"),
        ],
    )
    def test_bad_options_fail_at_once(self, options, message):
        """Bad options raise when evaluate_many is called, not when results are first taken."""
        with pytest.raises(ValueError, match=message):
            evaluate_many([], as_of=AS_OF, **options)

    def test_as_of_must_be_a_date(self):
        """as_of is checked at once, like the other options."""
        with pytest.raises(ValidationError, match="as_of: expected a date"):
            evaluate_many([], as_of="2026-11-28")

    def test_policy_must_be_a_policy(self):
        """A policy that is not a Policy is refused by name."""
        with pytest.raises(TypeError, match="policy: expected a Policy"):
            evaluate_many([], as_of=AS_OF, policy="lazada-cross-border")

    def test_workers_need_picklable_inputs(self):
        """With workers, something that cannot be pickled is named before any process starts."""

        class Local:
            def holder(self, platform, store_id):
                return None

        with pytest.raises(TypeError, match="workers > 1 needs a picklable registry"):
            evaluate_many([], as_of=AS_OF, workers=2, registry=Local())

    def test_all_cpus(self):
        """workers=None uses the available CPUs and decides as one worker does."""
        records = corpus(30)
        one = [r.decision for r in evaluate_many(records, as_of=AS_OF, rates=RATES)]
        auto = [r.decision for r in evaluate_many(records, as_of=AS_OF, rates=RATES, workers=None)]
        assert one == auto

    @pytest.mark.parametrize(
        "thing", [LAZADA_CROSS_BORDER, RATES, DEFAULT_PLATFORMS, LAZADA_CATEGORIES]
    )
    def test_what_workers_receive_pickles(self, thing):
        """The policy, rates and catalogs survive pickling: a decision with the copy is the same."""
        copy = pickle.loads(pickle.dumps(thing))
        options = {
            LAZADA_CROSS_BORDER: "policy",
            RATES: "rates",
            DEFAULT_PLATFORMS: "platforms",
            LAZADA_CATEGORIES: "categories",
        }
        key = options[thing]
        app = Application.from_dict(corpus(1, seed=3)[0])
        base = {"policy": LAZADA_CROSS_BORDER, "rates": RATES}
        assert evaluate(app, as_of=AS_OF, **base) == evaluate(
            app, as_of=AS_OF, **{**base, key: copy}
        )


class TestBatchResult:
    def test_decision_or_error(self):
        """A result holds a decision or an error, never both or neither."""
        with pytest.raises(ValueError, match="either a decision or an error"):
            BatchResult(position=1)

    def test_reason_codes_once_each(self):
        """reason_codes names each code once, in the reasons' order."""
        record = corpus(1)[0]
        record["stores"] = [{"platform": "Taobao", "store_id": "t", "category": "mobiles"}]
        [result] = evaluate_many([record], as_of=AS_OF)
        assert ("platform.domestic", "turnover.month-missing") == result.reason_codes
        assert 4 == len(result.decision.reasons)


class TestBatchSummary:
    def test_counts(self):
        """The summary counts verdicts, reasons (once per decision) and errors."""
        records = [*jsonl(corpus(60)), b"", b"{}"]
        summary = BatchSummary()
        results = list(evaluate_many(records, as_of=AS_OF, rates=RATES))
        for r in results:
            summary.add(r)
        verdicts = [r.verdict for r in results if r.ok]
        assert {v: verdicts.count(v) for v in Verdict} == summary.verdicts
        assert 2 == summary.errors
        assert 62 == summary.total
        failing = sum(1 for r in results if "turnover.below-minimum" in r.reason_codes)
        assert failing == summary.reasons["turnover.below-minimum"]

    def test_top_reasons_break_ties_by_code(self):
        """The commonest codes come first; equal counts in code order."""
        summary = BatchSummary()
        for codes in (["b", "a"], ["c"], ["a", "c"], ["b"]):
            summary.count(1, Verdict.FAIL, codes, None)
        assert [("a", 2), ("b", 2), ("c", 2)] == summary.top_reasons()
        assert [("a", 2)] == summary.top_reasons(1)

    def test_report_keeps_the_first_errors(self):
        """The report lists the first errors and counts the rest."""
        summary = BatchSummary()
        for i in range(1, 13):
            summary.count(i, None, (), f"problem {i}")
        lines = summary.report(noun="line").splitlines()
        assert "12 lines: 0 pass, 0 fail, 0 review, 12 errors" == lines[0]
        assert "line 1: problem 1" == lines[1]
        assert "line 10: problem 10" == lines[10]
        assert "... and 2 more errors" == lines[11]


class TestJsonLines:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (b"", "not JSON: empty"),
            (b"   ", "not JSON: empty"),
            (b'{"a" 1}', "not JSON: Expecting ':' delimiter at column 6"),
            (b'{"a": "\xff"}', "not UTF-8 text: invalid start byte at byte 8"),
            (b'"abc', "not JSON: Unterminated string starting at column 1"),
        ],
    )
    def test_load_json_says_what_and_where(self, text, message):
        """A line that is not JSON gets a message with the column, never a traceback."""
        with pytest.raises(ValueError, match="^" + message.replace("(", r"\(") + "$"):
            load_json(text)

    def test_read_lines(self):
        """Lines come without their line ends, after the skipped ones."""
        stream = io.BytesIO(b"a\r\nb\nc")
        assert [b"b", b"c"] == list(read_lines(stream, skip=1))

    def test_read_lines_too_few_to_skip(self):
        """Skipping more lines than the input has says so."""
        with pytest.raises(
            BatchIOError, match="the output already has 3 lines but the input has only 2"
        ):
            list(read_lines(io.BytesIO(b"a\nb\n"), skip=3, name="in.jsonl"))

    def test_sink_writes_text_streams(self):
        """A text stream gets the decoded lines."""
        out = io.StringIO()
        sink = LineSink(out)
        sink.write([b'{"a":"\xc3\xa9"}\n', b"{}\n"])
        sink.write([])
        assert ('{"a":"é"}\n{}\n', 2) == (out.getvalue(), sink.lines)

    def test_resume_cuts_a_torn_line(self, tmp_path):
        """Resuming keeps the complete lines and cuts a torn last one off."""
        path = tmp_path / "out.jsonl"
        path.write_bytes(b'{"line":1}\n{"line":2}\n{"line":3,"torn')
        f, count = open_output(str(path), resume=True)
        f.write(b'{"line":3}\n')
        f.close()
        assert (2, b'{"line":1}\n{"line":2}\n{"line":3}\n') == (count, path.read_bytes())

    def test_resume_long_lines(self, tmp_path):
        """The last line is found however long it is."""
        path = tmp_path / "out.jsonl"
        long = json.dumps({"line": 2, "pad": "x" * 300_000}).encode()
        path.write_bytes(b'{"line":1}\n' + long + b"\n")
        f, count = open_output(str(path), resume=True)
        f.close()
        assert 2 == count

    def test_resume_refuses_another_file(self, tmp_path):
        """Resuming onto a file that is not this command's output is refused."""
        path = tmp_path / "out.jsonl"
        path.write_bytes(b"currency,month,rate_to_usd\nEUR,2026-08,1.08\n")
        with pytest.raises(BatchIOError, match="line 2 is not the decision for input line 2"):
            open_output(str(path), resume=True)

    def test_resume_without_output_starts_afresh(self, tmp_path):
        """Resuming when there is no output yet starts at the first line."""
        f, count = open_output(str(tmp_path / "new.jsonl"), resume=True)
        f.close()
        assert 0 == count

    def test_output_that_cannot_be_opened(self, tmp_path):
        """An output in a missing folder is named."""
        with pytest.raises(BatchIOError, match="cannot open for writing"):
            open_output(str(tmp_path / "no" / "out.jsonl"), resume=False)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = cli.main(["batch", *argv], out=out)
    return status, out.getvalue()


def write_input(tmp_path: Path, lines: list[bytes], name: str = "in.jsonl") -> str:
    path = tmp_path / name
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return str(path)


COMMON = ("--as-of", "2026-11-28", "--rates", str(EXAMPLES / "rates-2026.csv"), "--detail", "full")


class TestBatchCommand:
    def test_one_line_per_input_line(self, tmp_path, capsys):
        """Each input line gives one output line: its number, then the decision."""
        records = corpus(50)
        source = write_input(tmp_path, jsonl(records))
        status, out = run(source, *COMMON)
        lines = out.splitlines()
        assert (0, 50) == (status, len(lines))
        for n, (line, record) in enumerate(zip(lines, records, strict=True), 1):
            decision = json.loads(expected_json(record))
            assert {"line": n, **decision} == json.loads(line)
        assert "50 lines: " in capsys.readouterr().err

    def test_bad_line_in_the_middle(self, tmp_path, capsys):
        """A bad line gets an error record naming it; the others are decided; exit 65."""
        lines = jsonl(corpus(9))
        lines[4] = b'{"id": "APP-X", "applicant": "X", "category": "mobiles", "stores": 3}'
        status, out = run(write_input(tmp_path, lines), *COMMON)
        records = [json.loads(line) for line in out.splitlines()]
        assert 65 == status
        assert list(range(1, 10)) == [r["line"] for r in records]
        assert {
            "line": 5,
            "application_id": "APP-X",
            "error": "stores: expected a list, got 3",
            "problems": [{"path": "stores", "message": "expected a list, got 3"}],
        } == records[4]
        assert "line 5: stores: expected a list, got 3" in capsys.readouterr().err

    def test_workers_write_the_same_bytes(self, tmp_path):
        """Two workers write exactly what one writes."""
        source = write_input(tmp_path, [*jsonl(corpus(300)), b"[]"])
        one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
        assert 65 == run(source, "-o", str(one), *COMMON)[0]
        assert 65 == run(source, "-o", str(two), "--workers", "2", *COMMON)[0]
        assert one.read_bytes() == two.read_bytes()

    def test_stdin_to_stdout(self, tmp_path, monkeypatch):
        """'-' reads standard input; without -o the decisions go to standard output."""
        data = b"".join(line + b"\n" for line in jsonl(corpus(3)))
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        status, out = run("-", "-o", "-", *COMMON)
        assert (0, [1, 2, 3]) == (status, [json.loads(x)["line"] for x in out.splitlines()])

    def test_policy_file(self, tmp_path):
        """--policy decides under the policy in the file."""
        policy_io = pytest.importorskip("lazada_eligibility.policy")
        strict = lazada_cross_border(id="strict", minimum=Money("5000", "USD"))
        policy = tmp_path / "policy.toml"
        policy.write_text(policy_io.dump_policy(strict), "utf-8")
        records = corpus(4)
        _, out = run(write_input(tmp_path, jsonl(records)), "--policy", str(policy), *COMMON)
        expected = [
            evaluate(
                Application.from_dict(r), as_of=AS_OF, rates=RATES, policy=strict
            ).verdict.value
            for r in records
        ]
        decided = [json.loads(x) for x in out.splitlines()]
        assert ["strict"] * 4 == [d["policy"]["id"] for d in decided]
        assert expected == [d["verdict"] for d in decided]

    @pytest.mark.parametrize(
        ("args", "status", "message"),
        [
            (["missing.jsonl"], 66, "missing.jsonl: cannot read"),
            (["IN", "--resume"], 64, "--resume needs an output file"),
            (["IN", "--workers", "0"], 64, "expected a positive whole number or 'auto'"),
            (
                ["IN", "--workers", "two"],
                64,
                "expected a positive whole number or 'auto', got 'two'",
            ),
            (["IN", "--registry", "IN"], 66, "in.jsonl: not an SQLite database"),
            (["IN", "--registry", "nowhere.db"], 66, "nowhere.db: no such registry file"),
            (["IN", "-o", "no/such/dir/out.jsonl"], 73, "cannot open for writing"),
        ],
    )
    def test_usage_and_input_errors(self, tmp_path, monkeypatch, capsys, args, status, message):  # noqa: PLR0917 -- fixtures and parameters
        """Usage and file problems end with one line naming them and the sysexits status."""
        source = write_input(tmp_path, jsonl(corpus(1)))
        monkeypatch.chdir(tmp_path)
        assert status == run(*[source if a == "IN" else a for a in args], *COMMON)[0]
        assert message in capsys.readouterr().err

    def test_resume(self, tmp_path, capsys):
        """--resume keeps the complete lines, cuts a torn one and continues after them."""
        source = write_input(tmp_path, jsonl(corpus(40)))
        whole, part = tmp_path / "whole.jsonl", tmp_path / "part.jsonl"
        run(source, "-o", str(whole), *COMMON)
        lines = whole.read_bytes().splitlines(keepends=True)
        part.write_bytes(b"".join(lines[:17]) + lines[17][:30])
        shutil.copy(f"{whole}.run.json", f"{part}.run.json")
        assert 0 == run(source, "-o", str(part), "--resume", *COMMON)[0]
        assert whole.read_bytes() == part.read_bytes()
        err = capsys.readouterr().err
        assert "40 lines: " in err
        assert "decided 23 in " in err
        assert 0 == run(source, "-o", str(part), "--resume", *COMMON)[0]
        assert whole.read_bytes() == part.read_bytes()
        assert "nothing left to decide: the output already has all 40 lines" in (
            capsys.readouterr().err
        )

    def test_resume_with_a_shorter_input(self, tmp_path, capsys):
        """Resuming onto more output lines than the input has is refused."""
        source = write_input(tmp_path, jsonl(corpus(5)))
        out = tmp_path / "out.jsonl"
        run(source, "-o", str(out), *COMMON)
        shorter = write_input(tmp_path, jsonl(corpus(3)), "short.jsonl")
        assert 64 == run(shorter, "-o", str(out), "--resume", *COMMON)[0]
        assert "cannot resume: the input's size differs" in capsys.readouterr().err

    def test_interrupted(self, tmp_path, monkeypatch, capsys):
        """Ctrl-C writes what was decided, says where it stopped and exits 130."""
        real = _cli_batch.decide_lines

        def interrupted(*args, **kwargs):
            yield from itertools.islice(real(*args, **kwargs), 7)
            raise KeyboardInterrupt

        monkeypatch.setattr(_cli_batch, "decide_lines", interrupted)
        out = tmp_path / "out.jsonl"
        assert 130 == run(write_input(tmp_path, jsonl(corpus(20))), "-o", str(out), *COMMON)[0]
        assert 7 == len(out.read_bytes().splitlines())
        assert "interrupted after line 7; run again with --resume" in capsys.readouterr().err

    def test_registry(self, tmp_path):
        """--registry checks reuse: a store another application holds fails the decision."""
        registry_module = pytest.importorskip("lazada_eligibility.registry")
        sqlite_registry = getattr(registry_module, "SqliteRegistry", None)
        if sqlite_registry is None:
            pytest.skip("no SqliteRegistry yet")
        known = [r for r in corpus(60) if all(s["platform"] != "Bazaar X" for s in r["stores"])]
        records = [r for r in known if json.loads(expected_json(r))["eligible"]][:2]
        db = tmp_path / "claims.db"
        holder = Application.from_dict({**records[0], "id": "APP-EARLIER"})
        registry = sqlite_registry(db)
        registry.claim(holder)
        registry.close()
        _, out = run(write_input(tmp_path, jsonl(records)), "--registry", str(db), *COMMON)
        decided = [json.loads(x) for x in out.splitlines()]
        assert [False, True] == [d["eligible"] for d in decided]
        assert "evidence.reused" in [r["code"] for r in decided[0]["reasons"]]

    @pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
    def test_output_cannot_be_written(self, tmp_path, capsys):
        """A full disk ends the run with 74 and says so in one line."""
        status, _ = run(write_input(tmp_path, jsonl(corpus(3))), "-o", "/dev/full", *COMMON)
        assert 74 == status
        assert "cannot write the output: No space left on device" in capsys.readouterr().err
        assert not Path("/dev/full.run.json").exists()  # no settings record beside a device

    def test_progress_bar(self, tmp_path, capsys):
        """--progress draws a bar on standard error when tqdm is installed."""
        pytest.importorskip("tqdm")
        run(write_input(tmp_path, jsonl(corpus(5))), "--progress", *COMMON)
        assert "100%" in capsys.readouterr().err

    def test_progress_bar_on_a_pipe(self, monkeypatch, capsys):
        """Reading standard input, whose size is unknown, the bar counts lines."""
        pytest.importorskip("tqdm")
        data = b"".join(line + b"\n" for line in jsonl(corpus(5)))
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        run("-", "--progress", *COMMON)
        assert "5 lines" in capsys.readouterr().err

    def test_workers_auto(self, tmp_path):
        """--workers auto decides with one process per CPU, as one worker does."""
        source = write_input(tmp_path, jsonl(corpus(20)))
        assert run(source, *COMMON) == run(source, "--workers", "auto", *COMMON)

    def test_no_bar_without_a_terminal(self, tmp_path, capsys):
        """Without a terminal, or with --no-progress, there is no bar."""
        source = write_input(tmp_path, jsonl(corpus(5)))
        run(source, *COMMON)
        run(source, "--no-progress", *COMMON)
        assert "%" not in capsys.readouterr().err

    def test_progress_without_tqdm(self, tmp_path, monkeypatch, capsys):
        """Asking for a bar without the progress extra says what to install."""
        monkeypatch.setitem(sys.modules, "tqdm", None)
        assert 64 == run(write_input(tmp_path, jsonl(corpus(1))), "--progress", *COMMON)[0]
        assert "pip install 'lazada-eligibility[progress]'" in capsys.readouterr().err


def batch_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "lazada_eligibility", "batch", *args]


def children_of(pid: int) -> set[int]:
    """The processes whose parent is *pid*, from /proc (Linux)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pids: set[int]) -> set[int]:
    return {p for p in pids if Path(f"/proc/{p}").exists()}


class TestKillAndResume:
    @pytest.mark.parametrize("workers", ["1", "2"])
    def test_resume_after_kill(self, tmp_path, workers):
        """A run killed mid-way leaves whole lines; --resume then gives the uninterrupted bytes."""
        source = write_input(tmp_path, jsonl(corpus(3000, seed=int(workers))))
        whole, part = tmp_path / "whole.jsonl", tmp_path / "part.jsonl"
        args = [source, *COMMON, "--workers", workers]
        subprocess.run(batch_command(*args, "-o", str(whole)), check=False, capture_output=True)
        process = subprocess.Popen(
            batch_command(*args, "-o", str(part)),
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while (not part.exists() or part.stat().st_size < 100_000) and (
                time.monotonic() < deadline
            ):
                time.sleep(0.01)
            process.send_signal(signal.SIGKILL)
            assert -signal.SIGKILL == process.wait()
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        prefix = part.read_bytes()
        assert 0 < prefix.count(b"\n") < 3000
        # A kill during a write may tear the last line; --resume cuts it off.
        assert whole.read_bytes().startswith(prefix)
        resumed = subprocess.run(
            batch_command(*args, "-o", str(part), "--resume"), check=False, capture_output=True
        )
        assert 0 == resumed.returncode, resumed.stderr
        assert whole.read_bytes() == part.read_bytes()

    @pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
    def test_workers_leave_with_a_killed_parent(self, tmp_path):
        """Workers whose parent is killed outright exit too, rather than wait forever."""
        source = write_input(tmp_path, jsonl(corpus(3000)))
        out = tmp_path / "out.jsonl"
        process = subprocess.Popen(
            batch_command(source, "-o", str(out), "--workers", "2", *COMMON),
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while not out.exists() or out.stat().st_size == 0:
                assert time.monotonic() < deadline
                time.sleep(0.01)
            workers = children_of(process.pid)
            process.send_signal(signal.SIGKILL)
            process.wait()
            deadline = time.monotonic() + 20
            while alive(workers) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(workers) >= 2
            assert set() == alive(workers)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def test_reader_goes_away(self, tmp_path):
        """When the reader of standard output goes away, the command stops quietly with 141."""
        source = write_input(tmp_path, jsonl(corpus(2000)))
        process = subprocess.Popen(
            batch_command(source, *COMMON), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        process.stdout.readline()
        process.stdout.close()
        _, err = process.communicate(timeout=120)
        assert (141, b"") == (process.returncode, err)


def poison(n: int, seed: int) -> list[bytes]:
    """*n* lines of the corpus with poison lines at random places: overflow, surrogates, junk."""
    rng = random.Random(seed)  # noqa: S311 -- test data, not secrets
    lines = jsonl(corpus(n, seed=seed))
    bad = [
        lines[0].replace(b'"amount": "', b'"amount": "1e1000000', 1),
        lines[0].replace(b'"store_id": "000"', b'"store_id": "\\ud800"'),
        lines[0].replace(b'"category": "', b'"category": "x', 1),
        b"[" * 100_000,
        b'{"applicant": ' + b"9" * 5000 + b"}",
        b"\xff\xfe not UTF-8",
        b"",
        lines[0].replace(b'"platform": ', b'"platform": "Taobao", "platform": ', 1),
    ]
    for i in rng.sample(range(n), len(bad)):
        lines[i] = bad.pop()
    return lines


class TestHostileBatch:
    def test_poison_lines_never_stop_the_run(self, tmp_path):
        """Lines that overflow, recurse or hold surrogates become error records; the rest decide."""
        lines = poison(40, seed=3)
        status, out = run(write_input(tmp_path, lines), *COMMON)
        records = [json.loads(x) for x in out.splitlines()]
        assert 65 == status
        assert list(range(1, 41)) == [r["line"] for r in records]
        assert 8 == sum("error" in r for r in records)

    @pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
    def test_unicode_line_breaks_stay_inside_their_line(self, tmp_path, char):
        """An id holding NEL or a Unicode line separator is escaped: str.splitlines sees one line each."""
        lines = jsonl(corpus(3))
        lines[1] = lines[1].replace(b'"APP-', f'"{char}APP-'.encode(), 1)
        _, out = run(write_input(tmp_path, lines), *COMMON)
        records = [json.loads(x) for x in out.splitlines()]
        assert [1, 2, 3] == [r["line"] for r in records]
        assert records[1]["application_id"].startswith(char)

    def test_lone_surrogate_on_line_2_of_3(self, tmp_path):
        r"""A \ud800 escape on line 2 of 3 gives three output lines, the second an error."""
        lines = jsonl(corpus(3))
        lines[1] = lines[1].replace(b'"store_id": "100"', b'"store_id": "\\ud800"')
        _, out = run(write_input(tmp_path, lines), *COMMON)
        records = [json.loads(x) for x in out.splitlines()]
        assert [1, 2, 3] == [r["line"] for r in records]
        assert "stores[0].store_id: text that is not valid Unicode" == records[1]["error"]

    def test_any_exception_while_deciding_is_the_lines_error(self, tmp_path, monkeypatch):
        """An unexpected exception deciding one line is that line's error record."""
        real = _batch_workers.Worker._decision

        def flaky(self, item):
            if b"APP-00001" in item:
                raise RecursionError("maximum recursion depth exceeded")
            return real(self, item)

        monkeypatch.setattr(_batch_workers.Worker, "_decision", flaky)
        status, out = run(write_input(tmp_path, jsonl(corpus(3))), *COMMON)
        records = [json.loads(x) for x in out.splitlines()]
        assert 65 == status
        assert (
            "could not be decided: internal error: RecursionError: maximum recursion depth exceeded"
            == records[1]["error"]
        )
        assert "verdict" in records[2]

    def test_a_line_over_the_limit(self, tmp_path, monkeypatch):
        """A line longer than the limit is an error record and is not read into memory."""
        monkeypatch.setattr(_batch_io, "LINE_BYTES", 1000)
        lines = jsonl(corpus(3))
        lines[1] = b'{"applicant": "' + b"x" * 5000 + b'"}'
        _, out = run(write_input(tmp_path, lines), *COMMON)
        records = [json.loads(x) for x in out.splitlines()]
        assert [1, 2, 3] == [r["line"] for r in records]
        assert records[1]["error"].startswith("a line of 5,")

    def test_repeated_keys_in_evaluate_many(self):
        """evaluate_many refuses JSON text that repeats a key, naming the key and its path."""
        text = '{"applicant": "A", "category": "mobiles", "category": "laptops", "stores": []}'
        [result] = evaluate_many([text], as_of=AS_OF)
        assert "category: repeated key" == result.error

    @pytest.mark.parametrize("how", ["same", "hard link", "symbolic link"])
    def test_output_is_never_the_input(self, tmp_path, capsys, how):
        """Batch X -o X (also through a link) is refused and the input is untouched."""
        source = write_input(tmp_path, jsonl(corpus(3)))
        before = Path(source).read_bytes()
        target = tmp_path / "other.jsonl"
        if how == "same":
            target = Path(source)
        elif how == "hard link":
            os.link(source, target)
        else:
            target.symlink_to(source)
        assert 64 == run(source, "-o", str(target), "--force", *COMMON)[0]
        assert "is the input file" in capsys.readouterr().err
        assert before == Path(source).read_bytes()

    def test_no_silent_overwrite(self, tmp_path, capsys):
        """An existing output is kept unless --resume or --force says what to do with it."""
        source = write_input(tmp_path, jsonl(corpus(3)))
        out = tmp_path / "out.jsonl"
        out.write_bytes(b"precious\n")
        assert 73 == run(source, "-o", str(out), *COMMON)[0]
        assert "pass --resume to continue that run or --force" in capsys.readouterr().err
        assert b"precious\n" == out.read_bytes()
        assert 0 == run(source, "-o", str(out), "--force", *COMMON)[0]
        assert 3 == len(out.read_bytes().splitlines())

    @pytest.mark.parametrize(
        ("change", "label"),
        [
            (["--as-of", "2026-11-29"], "--as-of differs"),
            (["--policy", "POLICY"], "--policy (its digest) differs"),
            (["--no-rates"], "--rates (a digest of the rates) differs"),
            (["--registry", "DB"], "--registry differs"),
            (["--input", "OTHER"], "the input's size differs"),
            (["--input", "SAME-SIZE"], "the input's content (SHA-256) differs"),
        ],
    )
    def test_resume_refuses_other_settings(self, tmp_path, capsys, change, label):
        """--resume with any setting changed is refused, naming the setting."""
        lines = jsonl(corpus(6))
        source = write_input(tmp_path, lines)
        out = tmp_path / "out.jsonl"
        assert 0 == run(source, "-o", str(out), *COMMON)[0]
        out.write_bytes(b"".join(out.read_bytes().splitlines(keepends=True)[:2]))
        args = [source, "-o", str(out), "--resume", *COMMON]
        option = change[0]
        if option == "--no-rates":
            args = [source, "-o", str(out), "--resume", "--as-of", "2026-11-28"]
        elif option == "--input":
            other = lines[:5] if change[1] == "OTHER" else [*lines[:5], lines[5].upper()]
            args[0] = write_input(tmp_path, other, "other.jsonl")
        elif option == "--policy":
            policy = tmp_path / "policy.toml"
            policy_io = pytest.importorskip("lazada_eligibility.policy")
            strict = lazada_cross_border(id="strict", minimum=Money("5000", "USD"))
            policy.write_text(policy_io.dump_policy(strict), "utf-8")
            args += ["--policy", str(policy)]
        elif option == "--registry":
            db = tmp_path / "claims.db"
            SqliteRegistry(db).close()
            args += ["--registry", str(db)]
        else:
            args += change
        capsys.readouterr()
        before = out.read_bytes()
        assert 64 == run(*args)[0]
        err = capsys.readouterr().err
        assert f"cannot resume: {label} from the run that wrote it" in err
        assert before == out.read_bytes()

    def test_resume_without_a_record(self, tmp_path, capsys):
        """An output with no record of its run's settings cannot be resumed."""
        source = write_input(tmp_path, jsonl(corpus(3)))
        out = tmp_path / "out.jsonl"
        run(source, "-o", str(out), *COMMON)
        Path(f"{out}.run.json").unlink()
        assert 64 == run(source, "-o", str(out), "--resume", *COMMON)[0]
        assert "no record of the run's settings" in capsys.readouterr().err

    def test_summary_covers_the_whole_file_after_resume(self, tmp_path, capsys):
        """After a resume the summary counts every line of the output, the earlier ones too."""
        lines = poison(30, seed=5)
        source = write_input(tmp_path, lines)
        whole, part = tmp_path / "whole.jsonl", tmp_path / "part.jsonl"
        run(source, "-o", str(whole), *COMMON)
        complete = capsys.readouterr().err.splitlines()[0]
        part.write_bytes(b"".join(whole.read_bytes().splitlines(keepends=True)[:12]))
        shutil.copy(f"{whole}.run.json", f"{part}.run.json")
        run(source, "-o", str(part), "--resume", *COMMON)
        assert complete == capsys.readouterr().err.splitlines()[0]
        assert whole.read_bytes() == part.read_bytes()

    def test_progress_bar_counts_applications(self, tmp_path, capsys):
        """The progress bar counts applications (input lines), not bytes."""
        pytest.importorskip("tqdm")
        run(write_input(tmp_path, jsonl(corpus(7))), "--progress", *COMMON)
        err = capsys.readouterr().err
        assert "7.00/7.00 " in err
        assert "applications" in err

    @pytest.mark.parametrize(("seed", "workers"), [(1, "1"), (2, "2")])
    def test_poison_and_kills_resume_to_the_same_bytes(self, tmp_path, seed, workers):
        """Poison lines anywhere and kills at random points, resumed, give the uninterrupted bytes."""
        rng = random.Random(seed)  # noqa: S311 -- test data, not secrets
        source = write_input(tmp_path, poison(1500, seed=seed))
        whole, part = tmp_path / "whole.jsonl", tmp_path / "part.jsonl"
        args = [source, *COMMON, "--workers", workers]
        subprocess.run(batch_command(*args, "-o", str(whole)), check=False, capture_output=True)
        size = whole.stat().st_size
        first = True
        cut: list[int] = []
        for _ in range(3):
            extra = [] if first else ["--resume"]
            process = subprocess.Popen(
                batch_command(*args, "-o", str(part), *extra),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            threshold = rng.randrange(1, size)
            try:
                deadline = time.monotonic() + 60
                while process.poll() is None and time.monotonic() < deadline:
                    if part.exists() and part.stat().st_size >= threshold:
                        break
                    time.sleep(0.005)
                process.send_signal(signal.SIGKILL)
                process.wait()
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            first = first and not part.exists()
            if part.exists():
                cut.append(part.read_bytes().count(b"\n"))
        assert any(0 < n < 1500 for n in cut), cut  # some kill did land mid-run
        resumed = subprocess.run(
            batch_command(*args, "-o", str(part), "--resume"), check=False, capture_output=True
        )
        assert 65 == resumed.returncode, resumed.stderr
        assert whole.read_bytes() == part.read_bytes()
