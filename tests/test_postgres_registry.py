"""
Tests of PostgresRegistry against a real PostgreSQL server.

Run them under ``scripts/postgres_for_tests.sh`` (``.ci/run`` does), which
starts a throwaway server and sets ``LAZADA_TEST_POSTGRES``; each test gets a
schema of its own. Without the variable they skip locally and fail in CI.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazada_eligibility import (
    Application,
    EvidenceAlreadyClaimed,
    Money,
    Month,
    MonthlyTurnover,
    Store,
    ValidationError,
    cli,
    evaluate_and_claim,
)
from lazada_eligibility.registry import (
    PostgresRegistry,
    RegistryBusyError,
    RegistryError,
    SqliteRegistry,
    open_registry,
)
from test_registry_concurrency import (  # the same workload as SQLite's race
    race,
    run_claimant,
)

if os.environ.get("CI", "").lower() == "true":
    import psycopg  # in CI a missing driver is a failure, never a skip
else:
    psycopg = pytest.importorskip("psycopg")

SPAWN = multiprocessing.get_context("spawn")
AS_OF = dt.date(2026, 11, 28)
STAMP = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def fixed_clock() -> dt.datetime:
    """The same instant for every claim, so that two registries can be compared."""
    return STAMP


def app(
    app_id: str, *store_ids: str, applicant: str = "Seller Co.", platform: str = "eBay"
) -> Application:
    """An application with one store per id on *platform*."""
    return Application(applicant, "mobiles", [Store(platform, s) for s in store_ids], id=app_id)


def passing_store(store_id: str) -> Store:
    """A store that meets the default policy on AS_OF."""
    months = [MonthlyTurnover(Month(2026, m), Money("1500", "USD")) for m in (8, 9, 10)]
    return Store("Amazon US", store_id, months, category="mobiles")


class TestContract:
    def test_claim_then_holder_under_other_spellings(self, postgres_url):
        """A claimed record is found by any spelling of its platform and id."""
        with PostgresRegistry(postgres_url) as registry:
            registry.claim(app("APP-1", " Best-Shop "))
            found = registry.holder("https://www.ebay.de/str/shop", "BEST-SHOP")
            assert ("APP-1", "ebay", "best-shop") == (
                found.application_id,
                found.namespace,
                found.store_id,
            )

    def test_all_or_nothing(self, postgres_url):
        """When one record is held by another, none of the application's records are claimed."""
        with PostgresRegistry(postgres_url) as registry:
            registry.claim(app("A", "x"))
            with pytest.raises(EvidenceAlreadyClaimed) as caught:
                registry.claim(app("B", "free-1", "x", "free-2", applicant="Other Co."))
            assert ["A"] == [c.application_id for c in caught.value.conflicts]
            assert [] == registry.claims_of("B")
            assert None is registry.holder("ebay.com", "free-1")

    def test_same_holder_claims_again_harmlessly(self, postgres_url):
        """Claiming again with the same id and applicant keeps the first claims."""
        clock_calls = iter([STAMP, STAMP + dt.timedelta(days=1)])
        with PostgresRegistry(postgres_url, clock=lambda: next(clock_calls)) as registry:
            first = registry.claim(app("A", "x"))
            again = registry.claim(app("A", "x", "y"))
            assert first[0] == again[0]
            assert [STAMP, STAMP + dt.timedelta(days=1)] == [c.claimed_at for c in again]

    def test_same_id_other_applicant_is_another_holder(self, postgres_url):
        """Another applicant sending the same application id cannot take the record."""
        with PostgresRegistry(postgres_url) as registry:
            registry.claim(app("A", "x"))
            with pytest.raises(EvidenceAlreadyClaimed):
                registry.claim(app("A", "x", applicant="Impostor Ltd."))

    def test_release_and_listing_order(self, postgres_url):
        """Release gives back every record; listings are in byte order as in SQLite."""
        with PostgresRegistry(postgres_url, clock=fixed_clock) as registry:
            registry.claim(app("A", "b", "B-2", "a"))
            registry.claim(app("C", "z", platform="Amazon US"))
            assert [("amazon", "z"), ("ebay", "a"), ("ebay", "b"), ("ebay", "b-2")] == [
                (c.namespace, c.store_id) for c in registry.claims()
            ]
            released = registry.release("A")
            assert ["a", "b", "b-2"] == [c.store_id for c in released]
            assert [] == registry.release("A")
            assert ["C"] == [c.application_id for c in registry.claims()]

    def test_audit_columns_stored(self, postgres_url):
        """The decision's policy and date are stored beside the claim."""
        with PostgresRegistry(postgres_url) as registry:
            application = Application("Seller Co.", "mobiles", [passing_store("s1")], id="A")
            decision = evaluate_and_claim(application, as_of=AS_OF, registry=registry)
            assert decision.eligible
        with psycopg.connect(postgres_url) as conn:
            row = conn.execute(
                "SELECT policy_id, policy_digest, decided_as_of FROM lazada_claims"
            ).fetchone()
        assert (decision.policy_id, decision.policy_digest, AS_OF) == row

    def test_evaluate_and_claim_second_application_loses(self, postgres_url):
        """Of two applications over one record, the second is decided ineligible: evidence.reused."""
        with PostgresRegistry(postgres_url) as registry:
            first = Application("Seller Co.", "mobiles", [passing_store("s1")], id="APP-1")
            second = Application("Other Co.", "mobiles", [passing_store("S1")], id="APP-2")
            assert evaluate_and_claim(first, as_of=AS_OF, registry=registry).eligible
            decision = evaluate_and_claim(second, as_of=AS_OF, registry=registry)
            assert (False, ["evidence.reused"]) == (
                decision.eligible,
                [r.code for r in decision.reasons],
            )

    def test_transaction_rolls_back_on_error(self, postgres_url):
        """A block that raises leaves nothing it claimed."""
        with PostgresRegistry(postgres_url) as registry:

            def claim_then_fail() -> None:
                with registry.transaction() as held:
                    held.claim(app("A", "x"))
                    raise RuntimeError

            with pytest.raises(RuntimeError):
                claim_then_fail()
            assert [] == registry.claims()

    def test_nul_in_application_id_is_a_validation_error(self, postgres_url):
        """An id PostgreSQL text cannot hold is refused by name, not by the driver."""
        with PostgresRegistry(postgres_url) as registry:
            with pytest.raises(ValidationError, match="id"):
                registry.claim(app("A\x00B", "x"))
            assert [] == registry.claims_of("A\x00B")

    def test_pickled_registry_connects_itself(self, postgres_url):
        """A pickled registry reaches the same database on its own connection."""
        with PostgresRegistry(postgres_url, clock=fixed_clock) as registry:
            registry.claim(app("A", "x"))
            copy = pickle.loads(pickle.dumps(registry))
            assert registry.claims() == copy.claims()
            copy.close()


class TestOpening:
    def test_open_registry_dispatches_on_url(self, postgres_url, tmp_path):
        """open_registry opens PostgreSQL for a URL and SQLite for a path."""
        with open_registry(postgres_url) as pg, open_registry(str(tmp_path / "c.db")) as lite:
            assert (PostgresRegistry, SqliteRegistry) == (type(pg), type(lite))

    def test_read_only_on_empty_database_is_refused(self, postgres_url):
        """A read-only registry on a database without the tables says it is not a registry."""
        with pytest.raises(RegistryError, match="not an evidence registry"):
            PostgresRegistry(postgres_url, read_only=True)

    def test_read_only_refuses_writes_but_reads(self, postgres_url):
        """A read-only registry reads claims and refuses to claim, release or lock."""
        PostgresRegistry(postgres_url, clock=fixed_clock).claim(app("A", "x"))
        with PostgresRegistry(postgres_url, read_only=True) as registry:
            assert ["A"] == [c.application_id for c in registry.claims()]
            with pytest.raises(RegistryError, match="read-only"):
                registry.claim(app("B", "y"))
            with pytest.raises(RegistryError, match="read-only"):
                registry.release("A")
            with pytest.raises(RegistryError, match="read-only"), registry.transaction():
                pass

    def test_newer_schema_is_refused(self, postgres_url):
        """A database upgraded by a newer version is not written by this one."""
        PostgresRegistry(postgres_url).close()
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute("UPDATE lazada_registry_schema SET version = 99")
        with pytest.raises(RegistryError, match="version 99 is newer"):
            PostgresRegistry(postgres_url)
        with pytest.raises(RegistryError, match="version 99, not 1"):
            PostgresRegistry(postgres_url, read_only=True)

    def test_foreign_table_of_the_same_name_is_refused(self, postgres_url):
        """A lazada_claims table the registry did not create is not taken over."""
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE lazada_claims (x int)")
        with pytest.raises(RegistryError, match="not an evidence registry"):
            PostgresRegistry(postgres_url)

    def test_concurrent_first_opens_create_one_schema(self, postgres_url):
        """Threads opening an empty database at once all succeed on one schema."""
        errors: list[BaseException] = []

        def open_one() -> None:
            try:
                PostgresRegistry(postgres_url).close()
            except BaseException as e:  # noqa: BLE001 -- reported below
                errors.append(e)

        threads = [threading.Thread(target=open_one) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [] == errors

    def test_unreachable_server_names_target_without_password(self, tmp_path):
        """A server that does not answer is a RegistryError that never shows the password."""
        url = f"postgresql://someone:s3cret@/nodb?host={tmp_path}"
        with pytest.raises(RegistryError, match="cannot connect") as caught:
            PostgresRegistry(url, busy_timeout=2)
        assert "s3cret" not in str(caught.value)
        assert "postgresql://someone@/nodb" in str(caught.value)

    def test_bad_conninfo_is_a_validation_error(self):
        """A string that is no connection string is refused by name, password unshown."""
        with pytest.raises(ValidationError, match="conninfo") as caught:
            PostgresRegistry("password=s3cret = =")
        assert "s3cret" not in str(caught.value)

    @pytest.mark.parametrize("timeout", [0, -1, float("nan")])
    def test_busy_timeout_must_be_positive(self, timeout):
        """busy_timeout must be seconds above zero."""
        with pytest.raises(ValidationError, match="busy_timeout"):
            PostgresRegistry("postgresql:///x", busy_timeout=timeout)


class TestBusy:
    def test_lock_held_longer_than_busy_timeout(self, postgres_url):
        """A writer waiting for longer than busy_timeout gets RegistryBusyError, and nothing is written."""
        holder = PostgresRegistry(postgres_url)
        waiter = PostgresRegistry(postgres_url, busy_timeout=0.2)
        with holder.transaction():
            with pytest.raises(RegistryBusyError, match="busy_timeout"):
                waiter.claim(app("W", "x"))
            # Reads go on while a writer holds the lock.
            assert [] == waiter.claims()
        assert [] == holder.claims()
        assert ["W"] == [c.application_id for c in waiter.claim(app("W", "x"))]
        holder.close()
        waiter.close()


def process_main(url: str, claimant: int, start: Any, results: Any) -> None:
    """A claimant in a process of its own, with its own registry object."""
    results.put(run_claimant(PostgresRegistry(url), claimant, start))


class TestRace:
    def test_threads_and_processes_racing(self, postgres_url):
        """8 threads and 4 processes over 1,000 records: one holder each, nothing partial or lost."""
        # Every run must keep the guarantees; which side wins depends on the
        # scheduler, so race again (from an empty registry), up to three
        # times, until threads and processes lost records to each other both ways.
        registry = PostgresRegistry(postgres_url)
        crossed: set[tuple[str, str]] = set()
        for _ in range(3):
            crossed = self.race(registry, postgres_url)
            if {("thread", "process"), ("process", "thread")} <= crossed:
                break
            for application_id in {c.application_id for c in registry.claims()}:
                registry.release(application_id)
        registry.close()
        assert {("thread", "process"), ("process", "thread")} <= crossed

    @staticmethod
    def race(registry: PostgresRegistry, postgres_url: str) -> set[tuple[str, str]]:
        """Race once, assert the guarantees, and return who lost to whom."""
        return race(registry, postgres_url, process_main, timeout=300)

    def test_evaluate_and_claim_race_exactly_one_passes(self, postgres_url):
        """Processes deciding overlapping applications at once: exactly one eligible per record."""
        records = 40
        workers = 4
        start = SPAWN.Barrier(workers, timeout=60)
        queue = SPAWN.Queue()
        processes = [
            SPAWN.Process(target=decide_main, args=(postgres_url, w, records, start, queue))
            for w in range(workers)
        ]
        for p in processes:
            p.start()
        results = [queue.get(timeout=300) for _ in processes]
        for p in processes:
            p.join()
        eligible = [a for r in results for a, ok in r if ok]
        # Every worker applied for every record: one winner each, the rest lost on reuse.
        assert records == len(eligible)
        with PostgresRegistry(postgres_url) as registry:
            rows = registry.claims()
        assert sorted(eligible) == sorted(c.application_id for c in rows)
        assert records == len({c.store_id for c in rows})


def decide_main(url: str, worker: int, records: int, start: Any, results: Any) -> None:
    """Decide and claim one application per record, each record contested by every worker."""
    registry = PostgresRegistry(url)
    start.wait()
    out = []
    for r in range(records):
        application = Application(
            f"Worker {worker}", "mobiles", [passing_store(f"rec{r}")], id=f"w{worker}-{r}"
        )
        out.append(
            (
                application.id,
                evaluate_and_claim(application, as_of=AS_OF, registry=registry).eligible,
            )
        )
    results.put(out)


def hang_mid_claim(url: str, ready: Any) -> None:
    """Claim three records inside a transaction, then stop forever before it commits."""
    registry = PostgresRegistry(url)
    with registry.transaction() as held:
        held.claim(app("CRASH", "k0", "k1", "k2", applicant="Crash Co."))
        ready.set()
        threading.Event().wait(120)


class TestCrash:
    def test_killed_mid_claim_leaves_no_partial_claim(self, postgres_url):
        """A process killed inside a claim leaves nothing of it, and the lock goes with it."""
        registry = PostgresRegistry(postgres_url)
        registry.claim(app("BEFORE", "old", applicant="Before Co."))
        ready = SPAWN.Event()
        child = SPAWN.Process(target=hang_mid_claim, args=(postgres_url, ready))
        child.start()
        assert ready.wait(60)
        with pytest.raises(RegistryBusyError):
            PostgresRegistry(postgres_url, busy_timeout=0.2).claim(app("WAIT", "k0"))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert -signal.SIGKILL == child.exitcode
        assert ["BEFORE"] == [c.application_id for c in registry.claims()]
        # The server notices the dropped connection and releases the lock.
        after = PostgresRegistry(postgres_url, busy_timeout=10)
        assert ["AFTER"] == [c.application_id for c in after.claim(app("AFTER", "k0"))]
        registry.close()
        after.close()


OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("claim"),
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from(["Seller Co.", "Other Co."]),
            st.lists(
                st.tuples(
                    st.sampled_from(["eBay", "ebay.de", "Amazon US", "amazon.de", "AliExpress"]),
                    st.sampled_from(["x", "X ", "y", "z-1", "Z-1"]),
                ),
                min_size=1,
                max_size=3,
            ),
        ),
        st.tuples(st.just("release"), st.sampled_from(["A", "B", "C"])),
    ),
    max_size=12,
)


def apply(registry: Any, op: tuple[Any, ...]) -> Any:
    """Run one operation and return what a caller sees: claims, or the conflict's holders."""
    if op[0] == "release":
        return [c.to_dict() for c in registry.release(op[1])]
    _, app_id, applicant, stores = op
    try:
        # The same store twice (one account however written) is not an application.
        application = Application(applicant, "mobiles", [Store(p, s) for p, s in stores], id=app_id)
    except ValidationError:
        return ("not an application",)
    try:
        return [c.to_dict() for c in registry.claim(application)]
    except EvidenceAlreadyClaimed as e:
        return ("conflict", [c.to_dict() for c in e.conflicts])


class TestAgreesWithSqlite:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(ops=OPS)
    def test_same_answers_over_random_sequences(self, postgres_url, ops):
        """SQLite and PostgreSQL answer every claim and release of a random sequence identically."""
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS lazada_claims, lazada_registry_schema")
        with tempfile.TemporaryDirectory() as folder:
            lite = SqliteRegistry(Path(folder) / "c.db", clock=fixed_clock)
            pg = PostgresRegistry(postgres_url, clock=fixed_clock)
            for op in ops:
                assert apply(lite, op) == apply(pg, op)
                assert lite.claims() == pg.claims()
            for app_id in ("A", "B", "C"):
                assert lite.claims_of(app_id) == pg.claims_of(app_id)
            lite.close()
            pg.close()


EXAMPLE = Path(__file__).parent.parent / "examples" / "eligible.json"


def cli_run(*argv: str) -> tuple[int, str]:
    """Run the command line in this process; return its status and standard output."""
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


def rival_file(tmp_path: Path) -> str:
    """The eligible example under another id and applicant: the same store record."""
    data = json.loads(EXAMPLE.read_text("utf-8"))
    data.update(id="APP-2026-0002", applicant="Another Trading Co.")
    path = tmp_path / "rival.json"
    path.write_text(json.dumps(data), "utf-8")
    return str(path)


class TestCommandLine:
    def test_registry_claim_show_release_with_a_url(self, postgres_url, tmp_path):
        """--db takes a postgresql:// URL: claim, a rival refused, show, release."""
        day = ("--as-of", "2026-11-28")
        assert 0 == cli_run("registry", "claim", str(EXAMPLE), "--db", postgres_url, *day)[0]
        assert (
            1 == cli_run("registry", "claim", rival_file(tmp_path), "--db", postgres_url, *day)[0]
        )
        status, out = cli_run("registry", "show", "--db", postgres_url, "--format", "json")
        assert (0, ["APP-2026-0001"]) == (status, [c["application_id"] for c in json.loads(out)])
        assert 0 == cli_run("registry", "release", "APP-2026-0001", "--db", postgres_url)[0]
        assert [] == PostgresRegistry(postgres_url).claims()

    def test_check_and_batch_read_a_url(self, postgres_url, tmp_path):
        """Check and batch --registry URL see the claims; batch with workers too."""
        cli_run(
            "registry", "claim", rival_file(tmp_path), "--db", postgres_url, "--as-of", "2026-11-28"
        )
        common = ("--registry", postgres_url, "--as-of", "2026-11-28")
        assert 1 == cli_run("check", str(EXAMPLE), *common)[0]
        lines = tmp_path / "in.jsonl"
        lines.write_text(json.dumps(json.loads(EXAMPLE.read_text("utf-8"))) + "\n", "utf-8")
        for workers in ("1", "2"):
            out = tmp_path / f"out{workers}.jsonl"
            status, _ = cli_run("batch", str(lines), "-o", str(out), "--workers", workers, *common)
            decided = json.loads(out.read_text("utf-8"))
            assert (0, False) == (
                status,
                decided["eligible"],
            )  # batch: 0 when every line is written
            assert "evidence.reused" in [r["code"] for r in decided["reasons"]]

    def test_password_never_written(self, postgres_url, tmp_path, capsys):
        """A URL's password appears in no output, message or run settings file."""
        secret = "s3cret-pw"
        url = postgres_url.replace("postgresql://postgres@", f"postgresql://postgres:{secret}@")
        PostgresRegistry(postgres_url).close()
        lines = tmp_path / "in.jsonl"
        lines.write_text(json.dumps(json.loads(EXAMPLE.read_text("utf-8"))) + "\n", "utf-8")
        out = tmp_path / "out.jsonl"
        cli_run("batch", str(lines), "-o", str(out), "--registry", url, "--as-of", "2026-11-28")
        cli_run("registry", "show", "--db", url)
        written = "".join(p.read_text("utf-8") for p in tmp_path.iterdir() if p.is_file())
        captured = capsys.readouterr()
        assert secret not in written + captured.out + captured.err

    @pytest.mark.parametrize(
        ("argv", "status", "message"),
        [
            (
                ["registry", "show", "--db", "postgresql://nobody@/x?host=/nonexistent"],
                66,
                "cannot connect",
            ),
            (["registry", "show", "--db", "postgresql://[bad"], 64, "registry"),
        ],
    )
    def test_unusable_urls(self, argv, status, message, capsys):
        """A server that does not answer is 66; a URL that is no URL is a usage error, 64."""
        assert status == cli_run(*argv)[0]
        assert message in capsys.readouterr().err
