"""
Tests for the evidence registries: normalisation, all-or-nothing claims, SQLite storage.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import pickle
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from lazada_eligibility import (
    DEFAULT_PLATFORMS,
    Application,
    EvidenceAlreadyClaimed,
    Store,
    StoreIdentity,
    ValidationError,
)
from lazada_eligibility.decision import Decision
from lazada_eligibility.registry import (
    Claim,
    InMemoryRegistry,
    RegistryBusyError,
    RegistryError,
    SqliteRegistry,
    claim_keys,
)
from lazada_eligibility.registry import _sqlite as sql
from lazada_eligibility.rules import Outcome, Verdict
from lazada_eligibility.typing import EvidenceRegistry, TransactionalRegistry

T0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def ticking_clock(start: dt.datetime = T0):
    """A clock that moves one second per reading."""
    seconds = itertools.count()
    return lambda: start + dt.timedelta(seconds=next(seconds))


def app(app_id: str | None, *stores: tuple[str, str], applicant: str = "Seller Co.") -> Application:
    return Application(applicant, "mobiles", [Store(p, s) for p, s in stores], id=app_id)


def decision_for(application_id: str | None, verdict: Verdict = Verdict.PASS) -> Decision:
    return Decision(
        policy_id="p",
        policy_version="1",
        policy_digest="d" * 8,
        as_of=dt.date(2026, 11, 28),
        outcome=Outcome("all_of", verdict, "all", "application"),
        application_id=application_id,
    )


@pytest.fixture(params=["memory", "sqlite"])
def registry(request, tmp_path):
    """Each registry of the library, with a clock that ticks once per claim."""
    if request.param == "memory":
        yield InMemoryRegistry(clock=ticking_clock())
    else:
        with SqliteRegistry(tmp_path / "claims.db", clock=ticking_clock()) as found:
            yield found


class TestClaim:
    def test_str_names_store_and_holder(self):
        """A claim reads as the store, the holding application and the applicant."""
        claim = Claim(
            namespace="ebay",
            store_id="shop",
            platform="ebay.com",
            application_id="A",
            applicant="S",
            claimed_at=T0,
        )
        assert "ebay/shop (claimed on ebay.com) is held by application 'A' (S)" == str(claim)

    def test_to_dict(self):
        """to_dict gives JSON-ready text, the time in ISO 8601."""
        claim = Claim(
            namespace="ebay",
            store_id="shop",
            platform="ebay.com",
            application_id="A",
            applicant="S",
            claimed_at=T0,
        )
        assert {
            "namespace": "ebay",
            "platform": "ebay.com",
            "store_id": "shop",
            "application_id": "A",
            "applicant": "S",
            "claimed_at": "2026-11-28T09:00:00+00:00",
        } == claim.to_dict()


class TestProtocol:
    def test_registries_implement_the_protocols(self, registry):
        """Both registries are evidence registries that can hold a transaction."""
        assert isinstance(registry, EvidenceRegistry)
        assert isinstance(registry, TransactionalRegistry)


class TestNormalisation:
    @pytest.mark.parametrize(
        "spelling", ["Amazon US", "amazon.com", "https://www.amazon.com/sp?seller=X", "亚马逊"]
    )
    def test_platform_spellings_are_one_platform(self, registry, spelling):
        """Every spelling the catalog resolves names one platform; store ids are folded."""
        registry.claim(app("APP-1", ("Amazon US", " A1B2C3 ")))
        assert "APP-1" == registry.holder(spelling, "a1b2c3").application_id
        with pytest.raises(EvidenceAlreadyClaimed):
            registry.claim(app("APP-2", (spelling, "A1B2C3")))

    def test_claims_are_normalised(self, registry):
        """A claim holds the platform id and the normalised store id."""
        (claim,) = registry.claim(app("APP-1", ("sellercentral.amazon.de", "\uff21\uff22\uff23 ")))
        assert ("amazon.de", "abc") == (claim.platform, claim.store_id)

    def test_case_sensitive_platform_keeps_case(self, tmp_path):
        """On a platform whose store ids are case sensitive, ABC and abc are two stores."""
        shop = attrs.evolve(
            DEFAULT_PLATFORMS.get("ebay.com"), store_id_case_sensitive=True, namespace="ebay.com"
        )
        catalog = DEFAULT_PLATFORMS.with_platforms(shop)
        for registry in (
            InMemoryRegistry(platforms=catalog),
            SqliteRegistry(tmp_path / "c.db", platforms=catalog),
        ):
            registry.claim(app("APP-1", ("eBay", "ABC")))
            registry.claim(app("APP-2", ("eBay", "abc")))
            assert ["APP-1", "APP-2"] == [c.application_id for c in registry.claims()]

    def test_two_spellings_of_one_store_claim_it_once(self, registry):
        """One store spelled two ways, on two sites of one namespace, is one claim."""
        first = registry.claim(app("APP-1", ("Amazon US", "x")))
        again = registry.claim(app("APP-1", ("amazon.de", "https://www.amazon.de/s?me=X")))
        assert first == again
        assert [("amazon", "x", "amazon.com")] == [
            (c.namespace, c.store_id, c.platform) for c in registry.claims()
        ]

    def test_unknown_platform_cannot_be_claimed(self, registry):
        """A store on an unknown platform is a clear error, and nothing is claimed."""
        with pytest.raises(ValidationError) as info:
            registry.claim(app("APP-1", ("eBay", "ok"), ("Lazada", "x")))
        assert ["stores[1].platform"] == [p.path for p in info.value.problems]
        assert "unknown platform 'Lazada'" in str(info.value)
        assert [] == registry.claims()

    def test_holder_on_unknown_platform(self, registry):
        """Asking about a platform the catalog lacks is a clear error."""
        with pytest.raises(ValidationError, match=r"unknown platform 'nowhere\.example'"):
            registry.holder("nowhere.example", "x")

    def test_application_without_id_cannot_claim(self, registry):
        """Without an id there is nothing to hold a claim: a clear error naming the field."""
        with pytest.raises(ValidationError) as info:
            registry.claim(app(None, ("eBay", "x")))
        assert ["id"] == [p.path for p in info.value.problems]

    def test_claim_keys_reports_every_problem(self):
        """claim_keys names a missing id and each unknown platform at once."""
        with pytest.raises(ValidationError) as info:
            claim_keys(app(None, ("Lazada", "x"), ("eBay", "ok"), ("Nowhere", "y")))
        assert ["id", "stores[0].platform", "stores[2].platform"] == [
            p.path for p in info.value.problems
        ]

    def test_claim_keys_with_a_catalog(self):
        """claim_keys resolves with the catalog it is given."""
        catalog = DEFAULT_PLATFORMS.without("ebay.com")
        assert [StoreIdentity("amazon", "x")] == claim_keys(
            app("A", ("Amazon US", "X")), platforms=catalog
        )
        with pytest.raises(ValidationError, match="unknown platform 'eBay'"):
            claim_keys(app("A", ("eBay", "x")), platforms=catalog)

    def test_not_an_application(self, registry):
        """Claiming something that is not an Application is a TypeError."""
        with pytest.raises(TypeError, match="expected an Application, got dict"):
            registry.claim({"id": "APP-1"})


class TestClaiming:
    def test_all_or_nothing(self, registry):
        """When one store is held elsewhere, none of the application's stores is claimed."""
        registry.claim(app("APP-1", ("eBay", "b")))
        with pytest.raises(EvidenceAlreadyClaimed) as info:
            registry.claim(app("APP-2", ("eBay", "a"), ("eBay", "b"), ("eBay", "c")))
        assert [] == registry.claims_of("APP-2")
        assert None is registry.holder("eBay", "a")
        assert "APP-2" == info.value.application_id

    def test_conflicts_name_each_store_and_holder(self, registry):
        """The error names every conflicting store with the application that holds it."""
        registry.claim(app("APP-1", ("eBay", "a")))
        registry.claim(app("APP-2", ("Amazon US", "b"), applicant="Other Co."))
        with pytest.raises(EvidenceAlreadyClaimed) as info:
            registry.claim(app("APP-3", ("Amazon US", "b"), ("eBay", "free"), ("eBay", "a")))
        assert [("amazon", "b", "APP-2"), ("ebay", "a", "APP-1")] == [
            (c.namespace, c.store_id, c.application_id) for c in info.value.conflicts
        ]
        assert (
            "application 'APP-3' cannot claim store records already used: "
            "amazon/b (claimed on amazon.com) is held by application 'APP-2' (Other Co.); "
            "ebay/a (claimed on ebay.com) is held by application 'APP-1' (Seller Co.)"
        ) == str(info.value)

    def test_error_pickles(self, registry):
        """The conflict error survives a trip to another process, conflicts and all."""
        registry.claim(app("APP-1", ("eBay", "a")))
        with pytest.raises(EvidenceAlreadyClaimed) as info:
            registry.claim(app("APP-2", ("eBay", "a")))
        again = pickle.loads(pickle.dumps(info.value))
        assert (info.value.conflicts, "APP-2", str(info.value)) == (
            again.conflicts,
            again.application_id,
            str(again),
        )

    def test_reclaim_is_idempotent(self, registry):
        """Claiming again keeps the first claims, timestamps included, and adds new stores."""
        first = registry.claim(app("APP-1", ("eBay", "a")))
        again = registry.claim(app("APP-1", ("eBay", "a"), ("eBay", "b")))
        assert first[0] == again[0]
        assert T0 == again[0].claimed_at
        assert T0 + dt.timedelta(seconds=1) == again[1].claimed_at
        assert 2 == len(registry.claims())

    def test_returns_claims_in_store_order(self, registry):
        """claim() answers one claim per store, in the application's order."""
        claims = registry.claim(app("APP-1", ("eBay", "z"), ("Amazon US", "a")))
        assert [("ebay.com", "z"), ("amazon.com", "a")] == [
            (c.platform, c.store_id) for c in claims
        ]
        assert [("amazon.com", "a"), ("ebay.com", "z")] == [
            (c.platform, c.store_id) for c in registry.claims_of("APP-1")
        ]

    def test_release(self, registry):
        """Releasing gives every record back and says which; the records can be claimed again."""
        registry.claim(app("APP-1", ("eBay", "b"), ("eBay", "a")))
        released = registry.release("APP-1")
        assert [("ebay.com", "a"), ("ebay.com", "b")] == [
            (c.platform, c.store_id) for c in released
        ]
        assert [] == registry.claims_of("APP-1")
        assert [] == registry.release("APP-1")
        assert "APP-2" == registry.claim(app("APP-2", ("eBay", "a")))[0].application_id

    def test_empty_application_claims_nothing(self, registry):
        """An application without stores claims nothing and holds nothing."""
        assert [] == registry.claim(app("APP-1"))
        assert [] == registry.claims()

    def test_eligible_decision_is_accepted(self, registry):
        """An eligible decision about the application may accompany the claim."""
        claims = registry.claim(app("APP-1", ("eBay", "a")), decision=decision_for("APP-1"))
        assert ["APP-1"] == [c.application_id for c in claims]

    @pytest.mark.parametrize(
        ("decision", "message"),
        [
            (decision_for("APP-1", Verdict.FAIL), "the verdict is 'fail'"),
            (decision_for("APP-1", Verdict.REVIEW), "the verdict is 'review'"),
            (decision_for("APP-9"), "decides application 'APP-9', not 'APP-1'"),
        ],
    )
    def test_decision_must_fit(self, registry, decision, message):
        """A decision that is not eligible, or is about another application, claims nothing."""
        with pytest.raises(ValidationError, match=message):
            registry.claim(app("APP-1", ("eBay", "a")), decision=decision)
        assert [] == registry.claims()


class TestClock:
    def test_claimed_at_comes_from_the_clock_in_utc(self):
        """The clock's reading, in any zone, is stored in UTC."""
        plus8 = dt.timezone(dt.timedelta(hours=8))
        registry = InMemoryRegistry(clock=lambda: dt.datetime(2026, 11, 28, 17, 0, tzinfo=plus8))
        (claim,) = registry.claim(app("APP-1", ("eBay", "a")))
        assert (T0, dt.UTC) == (claim.claimed_at, claim.claimed_at.tzinfo)

    def test_sqlite_keeps_microseconds(self, tmp_path):
        """What SQLite stores reads back as the same instant."""
        moment = T0.replace(microsecond=123456)
        registry = SqliteRegistry(tmp_path / "c.db", clock=lambda: moment)
        registry.claim(app("APP-1", ("eBay", "a")))
        assert moment == SqliteRegistry(tmp_path / "c.db").holder("eBay", "a").claimed_at

    def test_default_clock_is_now(self, tmp_path):
        """Without a clock, a claim is stamped with the current time in UTC."""
        for registry in (InMemoryRegistry(), SqliteRegistry(tmp_path / "c.db")):
            before = dt.datetime.now(dt.UTC)
            (claim,) = registry.claim(app("APP-1", ("eBay", "a")))
            assert before <= claim.claimed_at <= dt.datetime.now(dt.UTC)

    @pytest.mark.parametrize(
        ("reading", "error", "message"),
        [
            (dt.datetime(2026, 11, 28), ValueError, "must return an aware datetime"),
            (dt.date(2026, 11, 28), TypeError, "must return a datetime"),
        ],
    )
    def test_bad_clock(self, reading, error, message):
        """A clock that gives a naive datetime, or none, is refused."""
        with pytest.raises(error, match=message):
            InMemoryRegistry(clock=lambda: reading).claim(app("APP-1", ("eBay", "a")))


def in_transaction(registry, body):
    """Run body(registry) inside registry.transaction(); return what it returns."""
    with registry.transaction() as held:
        return body(held)


class TestTransaction:
    def test_error_undoes_the_block(self, registry):
        """An error in a transaction undoes its claims and releases."""
        registry.claim(app("APP-1", ("eBay", "a")))
        seen = []

        def body(held):
            held.release("APP-1")
            held.claim(app("APP-2", ("eBay", "a"), ("eBay", "b")))
            seen.append(held.holder("eBay", "a").application_id)
            raise KeyError("boom")

        with pytest.raises(KeyError):
            in_transaction(registry, body)
        assert ["APP-2"] == seen
        assert ["APP-1"] == [c.application_id for c in registry.claims()]

    def test_block_commits(self, registry):
        """A transaction that ends normally keeps what it did."""
        with registry.transaction() as held:
            held.claim(app("APP-1", ("eBay", "a")))
            with held.transaction():  # nested: the outer block decides
                held.claim(app("APP-2", ("eBay", "b")))
        assert ["APP-1", "APP-2"] == [c.application_id for c in registry.claims()]

    def test_nested_error_undoes_everything(self, registry):
        """An error escaping a nested block undoes the outer block too."""

        def inner(held):
            held.claim(app("APP-2", ("eBay", "b")))
            raise ValueError("boom")

        def outer(held):
            held.claim(app("APP-1", ("eBay", "a")))
            in_transaction(held, inner)

        with pytest.raises(ValueError, match="boom"):
            in_transaction(registry, outer)
        assert [] == registry.claims()

    def test_other_threads_wait(self, registry):
        """While one thread holds a transaction, another thread's claim waits for it."""
        order = []
        started = threading.Event()

        def other():
            started.wait()
            try:
                registry.claim(app("APP-2", ("eBay", "a")))
            except EvidenceAlreadyClaimed:
                order.append("refused")

        thread = threading.Thread(target=other)
        thread.start()
        with registry.transaction() as held:
            started.set()
            time.sleep(0.2)
            held.claim(app("APP-1", ("eBay", "a")))
            order.append("claimed")
        thread.join()
        assert ["claimed", "refused"] == order


class TestInMemory:
    def test_pickled_copy_is_a_snapshot(self):
        """A pickled registry answers like the original did, and claims on its own."""
        registry = InMemoryRegistry()
        registry.claim(app("APP-1", ("eBay", "a")))
        copy = pickle.loads(pickle.dumps(registry))
        assert registry.claims() == copy.claims()
        copy.claim(app("APP-2", ("eBay", "b")))
        assert (1, 2) == (len(registry.claims()), len(copy.claims()))
        assert "<InMemoryRegistry of 2 claims>" == repr(copy)


class TestThreads:
    def test_racing_threads_in_memory(self):
        """Eight threads racing over overlapping stores: one holder each, no partial claims."""
        registry = InMemoryRegistry()
        won: dict[str, list[str]] = {}
        lost: list[str] = []

        def worker(w: int) -> None:
            for n in range(200):
                stores = [("eBay", f"s{(n + k) % 100}") for k in (0, 1, 3)]
                application = app(f"T{w}-{n}", *stores)
                try:
                    won[application.id] = [c.store_id for c in registry.claim(application)]
                except EvidenceAlreadyClaimed:
                    lost.append(application.id)

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        held = {c.store_id: c.application_id for c in registry.claims()}
        assert sorted(s for stores in won.values() for s in stores) == sorted(held)
        assert all(held[s] == app_id for app_id, stores in won.items() for s in stores)
        assert all(registry.claims_of(app_id) == [] for app_id in lost)


class TestSqliteStorage:
    def test_file_settings(self, connect, tmp_path):
        """The file is in WAL mode, at the current schema version, synced fully."""
        registry = SqliteRegistry(tmp_path / "c.db")
        conn = connect(registry.path)
        assert "wal" == conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert len(sql.MIGRATIONS) == conn.execute("PRAGMA user_version").fetchone()[0]
        assert 2 == registry._db.connection().execute("PRAGMA synchronous").fetchone()[0]

    def test_claims_are_durable(self, tmp_path):
        """Claims outlive the registry object: another one on the file sees them."""
        with SqliteRegistry(tmp_path / "c.db") as first:
            first.claim(app("APP-1", ("eBay", "a")))
        assert ["APP-1"] == [c.application_id for c in SqliteRegistry(first.path).claims()]

    def test_close_then_use_reopens(self, tmp_path):
        """A closed registry reopens its connection when used again."""
        registry = SqliteRegistry(tmp_path / "c.db")
        registry.close()
        assert [] == registry.claims()

    def test_unique_constraint_in_the_database(self, connect, tmp_path):
        """The database itself refuses a second row for one store record."""
        registry = SqliteRegistry(tmp_path / "c.db")
        registry.claim(app("APP-1", ("eBay", "a")))
        conn = connect(registry.path)
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute(
                "INSERT INTO claims (namespace, store_id, platform, application_id, applicant,"
                " claimed_at) VALUES ('ebay', 'a', 'ebay.de', 'APP-2', 'x', "
                "'2026-01-01T00:00:00+00:00')"
            )

    def test_constraint_backs_the_check(self, tmp_path, monkeypatch):
        """Should the holder check miss a row, the constraint still refuses, naming the holder."""
        registry = SqliteRegistry(tmp_path / "c.db")
        registry.claim(app("APP-1", ("eBay", "b")))
        real = sql.holder
        blind = itertools.count()
        # The first two look-ups (the check of both stores) see nothing.
        monkeypatch.setattr(sql, "holder", lambda c, k: None if next(blind) < 2 else real(c, k))
        with pytest.raises(EvidenceAlreadyClaimed) as info:
            registry.claim(app("APP-2", ("eBay", "a"), ("eBay", "b")))
        assert ["APP-1"] == [c.application_id for c in info.value.conflicts]
        monkeypatch.undo()
        assert None is registry.holder("eBay", "a")

    def test_constraint_and_same_application(self, tmp_path, monkeypatch):
        """A row the check missed but the same application holds is kept, not a conflict."""
        registry = SqliteRegistry(tmp_path / "c.db")
        registry.claim(app("APP-1", ("eBay", "a")))
        real = sql.holder
        blind = itertools.count()
        monkeypatch.setattr(sql, "holder", lambda c, k: None if next(blind) < 2 else real(c, k))
        claims = registry.claim(app("APP-1", ("eBay", "a"), ("eBay", "b")))
        assert [T0.year, T0.year] == [c.claimed_at.year for c in claims]
        assert 2 == len(registry.claims_of("APP-1"))

    def test_decision_is_kept_for_audit(self, connect, tmp_path):
        """The decision's policy and date are stored beside the claim."""
        registry = SqliteRegistry(tmp_path / "c.db")
        registry.claim(app("APP-1", ("eBay", "a")), decision=decision_for("APP-1"))
        row = (
            connect(registry.path)
            .execute("SELECT policy_id, policy_version, policy_digest, decided_as_of FROM claims")
            .fetchone()
        )
        assert ("p", "1", "dddddddd", "2026-11-28") == row

    @pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
    def test_forked_child_opens_its_own_connection(self, tmp_path):
        """After a fork the child never touches the parent's connection, and claims through its own."""
        registry = SqliteRegistry(tmp_path / "c.db")
        registry.claim(app("PARENT", ("eBay", "a")))
        inherited = registry._db.connection()
        pid = os.fork()
        if pid == 0:  # pragma: no cover -- the child; coverage does not follow it
            ok = False
            try:
                registry.claim(app("CHILD", ("eBay", "b")))
                ok = registry._db.connection() is not inherited
            finally:
                os._exit(0 if ok else 1)
        assert 0 == os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        assert ["PARENT", "CHILD"] == [c.application_id for c in registry.claims()]
        assert inherited is registry._db.connection()

    def test_pickles_to_workers(self, tmp_path):
        """A pickled registry opens the same file with the same settings."""
        registry = SqliteRegistry(tmp_path / "c.db", busy_timeout=2.5)
        registry.claim(app("APP-1", ("eBay", "a")))
        again = pickle.loads(pickle.dumps(registry))
        assert (registry.path, 2.5) == (again.path, again.busy_timeout)
        assert "APP-1" == again.holder("eBay", "a").application_id
        assert f"<SqliteRegistry {registry.path!r}>" == repr(again)


class TestSqliteFiles:
    @pytest.mark.parametrize("path", [":memory:", "", "file:x?mode=memory"])
    def test_memory_paths_are_refused(self, path):
        """A database in memory would be one per thread: refused, pointing at InMemoryRegistry."""
        with pytest.raises(ValidationError, match="use InMemoryRegistry"):
            SqliteRegistry(path)

    @pytest.mark.parametrize("timeout", [0, -1.0])
    def test_busy_timeout_must_be_positive(self, tmp_path, timeout):
        """A busy_timeout of zero or less is refused, naming the argument."""
        with pytest.raises(ValidationError, match="busy_timeout"):
            SqliteRegistry(tmp_path / "c.db", busy_timeout=timeout)

    def test_missing_folder(self, tmp_path):
        """A file in a missing folder is a registry error naming it."""
        with pytest.raises(RegistryError, match="cannot open the registry"):
            SqliteRegistry(tmp_path / "no" / "c.db")

    def test_not_a_database(self, tmp_path):
        """A file that is not SQLite is a registry error, not a deep traceback."""
        path = tmp_path / "c.db"
        path.write_text("hello, this is not a database" * 100)
        with pytest.raises(RegistryError, match="not an SQLite database"):
            SqliteRegistry(path)

    def test_other_tables_are_refused(self, connect, tmp_path):
        """A database of something else is left alone."""
        path = tmp_path / "c.db"
        connect(path).execute("CREATE TABLE invoices (n)")
        with pytest.raises(RegistryError, match="not an evidence registry: it holds invoices"):
            SqliteRegistry(path)

    def test_newer_schema_is_refused(self, connect, tmp_path):
        """A file from a newer schema version is refused instead of misread."""
        path = tmp_path / "c.db"
        SqliteRegistry(path).close()
        conn = connect(path)
        conn.execute("PRAGMA user_version = 99")
        conn.close()
        with pytest.raises(RegistryError, match="schema version 99 is newer than 2"):
            SqliteRegistry(path)

    def test_migration_path(self, connect, tmp_path, monkeypatch):
        """Opening a file runs the steps it lacks, in one transaction, keeping its claims."""
        path = tmp_path / "c.db"
        SqliteRegistry(path, clock=lambda: T0).claim(app("APP-1", ("eBay", "a")))
        step = ("ALTER TABLE claims ADD COLUMN market TEXT",)
        monkeypatch.setattr(sql, "MIGRATIONS", (*sql.MIGRATIONS, step))
        registry = SqliteRegistry(path)
        conn = connect(path)
        assert 3 == conn.execute("PRAGMA user_version").fetchone()[0]
        assert "market" in [r[1] for r in conn.execute("PRAGMA table_info(claims)")]
        assert T0 == registry.holder("eBay", "a").claimed_at

    def test_failed_migration_changes_nothing(self, connect, tmp_path, monkeypatch):
        """A step that fails leaves the file at its old version, claims intact."""
        path = tmp_path / "c.db"
        SqliteRegistry(path).claim(app("APP-1", ("eBay", "a")))
        step = ("ALTER TABLE claims ADD COLUMN market TEXT", "CREATE TABLE claims (x)")
        monkeypatch.setattr(sql, "MIGRATIONS", (*sql.MIGRATIONS, step))
        with pytest.raises(RegistryError, match="cannot bring the registry to schema version 3"):
            SqliteRegistry(path)
        conn = connect(path)
        assert 2 == conn.execute("PRAGMA user_version").fetchone()[0]
        assert "market" not in [r[1] for r in conn.execute("PRAGMA table_info(claims)")]


class TestBusy:
    def test_waits_for_a_writer(self, connect, tmp_path):
        """A claim waits while another connection writes, then goes through."""
        registry = SqliteRegistry(tmp_path / "c.db", busy_timeout=10)
        blocker = connect(registry.path, isolation_level=None, check_same_thread=False)
        blocker.execute("BEGIN IMMEDIATE")
        threading.Timer(0.3, lambda: blocker.execute("COMMIT")).start()
        start = time.monotonic()
        registry.claim(app("APP-1", ("eBay", "a")))
        assert 0.25 < time.monotonic() - start < 5

    def test_gives_up_after_busy_timeout(self, connect, tmp_path):
        """Held longer than busy_timeout, a claim raises RegistryBusyError and writes nothing."""
        registry = SqliteRegistry(tmp_path / "c.db", busy_timeout=0.3)
        blocker = connect(registry.path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        start = time.monotonic()
        with pytest.raises(RegistryBusyError, match=r"for 0\.3 s \(busy_timeout\)"):
            registry.claim(app("APP-1", ("eBay", "a")))
        assert 0.25 < time.monotonic() - start < 1.5
        blocker.execute("ROLLBACK")
        assert [] == registry.claims()
        assert isinstance(RegistryBusyError("x"), TimeoutError)

    def test_transaction_gives_up_too(self, connect, tmp_path):
        """transaction() is bounded by busy_timeout like a claim."""
        registry = SqliteRegistry(tmp_path / "c.db", busy_timeout=0.2)
        blocker = connect(registry.path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        with pytest.raises(RegistryBusyError), registry.transaction():
            pass  # pragma: no cover -- never entered
        blocker.execute("ROLLBACK")

    def test_retries_early_refusals(self, tmp_path):
        """A busy refusal that SQLite's own wait did not absorb is retried."""
        registry = SqliteRegistry(tmp_path / "c.db")
        db = registry._db
        refusals = iter(range(3))

        def flaky():
            if next(refusals, None) is not None:
                error = sqlite3.OperationalError("database is locked")
                error.sqlite_errorcode = 5
                raise error
            return "done"

        assert "done" == db._retry(db.connection(), flaky)
        busy = db.connection().execute("PRAGMA busy_timeout").fetchone()[0]
        assert 30_000 == busy

    def test_other_errors_are_not_retried(self, tmp_path):
        """An error that is not about locking surfaces at once."""
        registry = SqliteRegistry(tmp_path / "c.db")
        calls = []

        def broken():
            calls.append(1)
            raise sqlite3.OperationalError("no such table: nothing")

        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            registry._db._retry(registry._db.connection(), broken)
        assert [1] == calls


# The law: whatever happens, the two registries give the same answers.

APP_IDS = ("A", "B", "C")
SPELLINGS = ("Amazon US", "amazon.com", "https://www.amazon.com/sp?seller=X", "eBay", "ebay.de")


def _one_store(pair: tuple[str, str]) -> object:
    # One store once: an application refuses one identity written twice.
    return DEFAULT_PLATFORMS.identity(*pair) or (pair[0].casefold(), pair[1].strip().casefold())


@st.composite
def claimants(draw: st.DrawFn) -> Application:
    """Applications over a few stores spelled many ways, some on unknown platforms."""
    platforms = st.sampled_from((*SPELLINGS, "Lazada"))
    ids = st.sampled_from(("a1", "A1", " a1", "b2", "C3"))
    pairs = draw(
        st.lists(
            st.tuples(platforms, ids),
            max_size=3,
            unique_by=_one_store,
        )
    )
    return app(
        draw(st.sampled_from(APP_IDS) | st.none()),
        *pairs,
        applicant=draw(st.sampled_from(("S", "T"))),
    )


def outcome(call):
    """What a registry call answered: its value, or the error and what it said."""
    try:
        return ("ok", call())
    except EvidenceAlreadyClaimed as e:
        return ("conflict", e.conflicts, e.application_id)
    except ValidationError as e:
        return ("invalid", e.problems)


class AbortError(Exception):
    """Thrown to abandon a transaction."""


class SameAnswers(RuleBasedStateMachine):
    """Runs one sequence of operations on both registries and compares every answer."""

    def __init__(self):
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.memory = InMemoryRegistry(clock=ticking_clock())
        self.sqlite = SqliteRegistry(Path(self.folder.name) / "c.db", clock=ticking_clock())

    def both(self, call):
        found = [outcome(lambda r=r: call(r)) for r in (self.memory, self.sqlite)]
        assert found[0] == found[1]
        return found[0]

    @rule(application=claimants())
    def claim(self, application):
        self.both(lambda r: r.claim(application))

    @rule(application=claimants())
    def abandoned_claim(self, application):
        answers = []

        def body(held):
            answers.append(outcome(lambda: held.claim(application)))
            raise AbortError

        def call(registry):
            with pytest.raises(AbortError):
                in_transaction(registry, body)
            return answers.pop()

        self.both(call)

    @rule(app_id=st.sampled_from(APP_IDS))
    def release(self, app_id):
        self.both(lambda r: r.release(app_id))

    @rule(app_id=st.sampled_from(APP_IDS))
    def claims_of(self, app_id):
        self.both(lambda r: r.claims_of(app_id))

    @rule(platform=st.sampled_from(SPELLINGS), store_id=st.sampled_from(("a1", "B2", "c3 ")))
    def holder(self, platform, store_id):
        self.both(lambda r: r.holder(platform, store_id))

    @invariant()
    def same_claims(self):
        self.both(lambda r: r.claims())

    def teardown(self):
        self.sqlite.close()
        self.folder.cleanup()


SameAnswers.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class TestSameAnswers(SameAnswers.TestCase):
    """Any sequence of claims and releases gives the same answers on both registries."""


FIXTURES = Path(__file__).parent / "fixtures"


class TestIdentityMigration:
    """Files written by 0.1 (schema 1) move to identity keys (schema 2)."""

    def copy(self, tmp_path, name):
        target = tmp_path / name
        target.write_bytes((FIXTURES / name).read_bytes())
        return target

    def test_a_file_of_the_previous_release_is_migrated(self, connect, tmp_path):
        """Every claim keeps its holder and time, keyed on its identity; one holder's twins merge."""
        registry = SqliteRegistry(self.copy(tmp_path, "registry-v1.db"))
        assert [
            ("aliexpress", "1101234567", "aliexpress.com", "APP-2", "B Co."),
            ("amazon", "a2x9k4plmn7q", "amazon.com", "APP-1", "A Co."),
            ("ebay", "best-shop", "ebay.com", "APP-1", "A Co."),
            ("ebay", "twin-shop", "ebay.com", "APP-3", "C Co."),
        ] == [
            (c.namespace, c.store_id, c.platform, c.application_id, c.applicant)
            for c in registry.claims()
        ]
        assert dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC) == registry.claims()[1].claimed_at
        assert "APP-1" == registry.holder("ebay.de", "BEST-SHOP").application_id
        conn = connect(registry.path)
        assert 2 == conn.execute("PRAGMA user_version").fetchone()[0]
        with pytest.raises(EvidenceAlreadyClaimed):
            registry.claim(app("APP-9", ("amazon.de", "A2X9K4PLMN7Q")))

    def test_collapsing_claims_are_reported_not_dropped(self, connect, tmp_path):
        """Two holders of one identity stop the migration, both named, the file unchanged."""
        path = self.copy(tmp_path, "registry-v1-collision.db")
        conn = connect(path)
        before = conn.execute("SELECT * FROM claims ORDER BY platform").fetchall()
        conn.close()
        with pytest.raises(RegistryError) as info:
            SqliteRegistry(path)
        message = str(info.value)
        assert str(path) in message
        assert "ebay.de/best-shop (application 'APP-2', B Co.)" in message
        assert "ebay.com/best-shop (application 'APP-1', A Co.)" in message
        conn = connect(path)
        assert 1 == conn.execute("PRAGMA user_version").fetchone()[0]
        assert before == conn.execute("SELECT * FROM claims ORDER BY platform").fetchall()
        assert 2 == len(before)

    def test_an_id_the_catalog_now_refuses_keeps_its_key(self, connect, tmp_path):
        """A claim of 0.1 on an id now refused (a zero-width space in it) is kept, not dropped."""
        path = self.copy(tmp_path, "registry-v1.db")
        conn = connect(path)
        conn.execute(
            "INSERT INTO claims (platform, store_id, application_id, applicant, claimed_at)"
            " VALUES ('amazon.com', 'a2x9\u200bk4', 'APP-9', 'Z Co.', '2026-11-02T09:00:00+00:00')"
        )
        conn.commit()
        conn.close()
        registry = SqliteRegistry(path)
        assert [("amazon.com", "a2x9\u200bk4")] == [
            (c.namespace, c.store_id) for c in registry.claims_of("APP-9")
        ]

    def test_keys_under_the_registry_catalog(self, tmp_path):
        """A catalog stricter than the default refuses, by path, an id it does not accept."""
        strict = attrs.evolve(DEFAULT_PLATFORMS.get("etsy.com"), store_id_pattern="[0-9]+")
        registry = InMemoryRegistry(platforms=DEFAULT_PLATFORMS.with_platforms(strict))
        with pytest.raises(ValidationError) as info:
            registry.claim(app("APP-1", ("Etsy", "shop")))
        assert ["stores[0].store_id"] == [p.path for p in info.value.problems]


class TestReadOnly:
    def test_empty_file_is_not_a_registry(self, tmp_path):
        """An empty file opened read-only is said not to be a registry."""
        path = tmp_path / "c.db"
        path.write_bytes(b"")
        with pytest.raises(RegistryError, match="not an evidence registry: it is empty"):
            SqliteRegistry(path, read_only=True)

    def test_reads_without_writing(self, tmp_path):
        """A read-only registry answers holder, claims and claims_of."""
        path = tmp_path / "c.db"
        with SqliteRegistry(path) as writer:
            writer.claim(app("APP-1", ("eBay", "x")))
        with SqliteRegistry(path, read_only=True) as reader:
            assert reader.read_only
            assert "APP-1" == reader.holder("ebay.de", "X").application_id
            assert ["APP-1"] == [c.application_id for c in reader.claims()]
            assert 1 == len(reader.claims_of("APP-1"))

    @pytest.mark.parametrize(
        "call",
        [
            lambda r: r.claim(app("APP-2", ("eBay", "y"))),
            lambda r: r.release("APP-1"),
            lambda r: r.transaction().__enter__(),
        ],
        ids=["claim", "release", "transaction"],
    )
    def test_writes_are_refused(self, tmp_path, call):
        """Claiming, releasing or a write transaction on a read-only registry is a RegistryError."""
        path = tmp_path / "c.db"
        SqliteRegistry(path).close()
        with (
            SqliteRegistry(path, read_only=True) as reader,
            pytest.raises(RegistryError, match="read-only"),
        ):
            call(reader)

    def test_missing_file_is_not_created(self, tmp_path):
        """Opening a missing file read-only is an error and creates nothing."""
        with pytest.raises(RegistryError, match="cannot open"):
            SqliteRegistry(tmp_path / "none.db", read_only=True)
        assert [] == list(tmp_path.iterdir())

    def test_old_schema_asks_for_an_upgrade(self, tmp_path):
        """A file of schema 1 opened read-only says how to upgrade it, and is left alone."""
        path = tmp_path / "v1.db"
        path.write_bytes((FIXTURES / "registry-v1.db").read_bytes())
        with pytest.raises(RegistryError, match="schema version 1, not 2"):
            SqliteRegistry(path, read_only=True)

    def test_pickled_reader_stays_read_only(self, tmp_path):
        """A read-only registry sent to a worker process opens read-only there too."""
        path = tmp_path / "c.db"
        SqliteRegistry(path).close()
        copy = pickle.loads(pickle.dumps(SqliteRegistry(path, read_only=True)))
        assert copy.read_only


class TestDamagedFile:
    def test_not_a_database(self, tmp_path):
        """A file that is not SQLite is a RegistryError naming it."""
        path = tmp_path / "c.db"
        path.write_bytes(b"not a database at all" * 100)
        for read_only in (False, True):
            with pytest.raises(RegistryError, match=f"{path}: not an SQLite database"):
                SqliteRegistry(path, read_only=read_only)

    def test_damaged_pages(self, tmp_path):
        """A registry whose pages are damaged is a RegistryError naming the file, not sqlite3's."""
        path = tmp_path / "c.db"
        with SqliteRegistry(path) as registry:
            for n in range(6):  # 300 claims: enough pages to damage some
                registry.claim(app(f"APP-{n}", *[("eBay", f"s{n}x{i}") for i in range(50)]))
        data = bytearray(path.read_bytes())
        page = 4096
        data[page : 3 * page] = b"\xff" * (2 * page)
        path.write_bytes(bytes(data))
        with pytest.raises(RegistryError, match=str(path)) as info:
            SqliteRegistry(path).claims()
        assert not isinstance(info.value, sqlite3.Error)
