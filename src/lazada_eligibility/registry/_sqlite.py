"""
The SQLite side of :class:`~lazada_eligibility.SqliteRegistry`: connections, schema, SQL, retries.

Rows go in and out as plain dicts with the fields of a
:class:`~lazada_eligibility.Claim`, so this module needs nothing above it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ..exceptions import RegistryBusyError, RegistryError, ValidationError

if TYPE_CHECKING:
    from ..decision import Decision

_T = TypeVar("_T")
Row = dict[str, Any]

DEFAULT_BUSY_TIMEOUT: Final = 30.0
_SQLITE_BUSY: Final = 5
_SQLITE_LOCKED: Final = 6
_SQLITE_CORRUPT: Final = 11
_SQLITE_NOTADB: Final = 26
_SQLITE_READONLY: Final = 8
_MAX_PAUSE: Final = 0.05
_COLUMNS: Final = "namespace, store_id, platform, application_id, applicant, claimed_at"
_AUDIT: Final = "policy_id, policy_version, policy_digest, decided_as_of"

#: Turns a stored (platform, store_id) into its (namespace, canonical id)
#: under the registry's catalog; raises ValidationError when it cannot.
Rekey = Callable[[str, str], tuple[str, str]]

# MIGRATIONS[n] upgrades a file from schema version n to n + 1; the current
# version is len(MIGRATIONS). Append a step for every change; never edit one,
# files in the field were made by it. A step is SQL statements, or the name
# of a Python step (below) for what SQL alone cannot do.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        # 0 -> 1: the first layout. The UNIQUE constraint is the guarantee:
        # whatever the code above does, two rows never hold one store record.
        """
        CREATE TABLE claims (
            platform TEXT NOT NULL,
            store_id TEXT NOT NULL,
            application_id TEXT NOT NULL,
            applicant TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            policy_id TEXT,
            policy_version TEXT,
            policy_digest TEXT,
            decided_as_of TEXT,
            CONSTRAINT one_holder_per_store UNIQUE (platform, store_id)
        )
        """,
        "CREATE INDEX claims_by_application ON claims (application_id)",
    ),
    (
        # 1 -> 2: store identity. A claim is keyed on the account namespace
        # and the canonical store id, so one account on two eBay sites, or an
        # id written two ways, is one record; the platform it was claimed on
        # stays for the operator.
        "python:identity-keys",
    ),
)

_V2_TABLE: Final = """
CREATE TABLE claims (
    namespace TEXT NOT NULL,
    store_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    application_id TEXT NOT NULL,
    applicant TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    policy_id TEXT,
    policy_version TEXT,
    policy_digest TEXT,
    decided_as_of TEXT,
    CONSTRAINT one_holder_per_store UNIQUE (namespace, store_id)
)
"""


class MigrationConflict(Exception):  # noqa: N818 -- becomes a RegistryError with the path
    """
    Two claims of different holders collapse to one identity.
    """


def _identity_keys(conn: sqlite3.Connection, rekey: Rekey) -> None:
    # Re-key every claim. Two claims that become one identity are one record
    # held twice: when one application (same id and applicant) holds both,
    # the earlier claim stays; when two holders do, nothing is changed and
    # both are reported, for an operator to decide which holder keeps it.
    rows = conn.execute(
        "SELECT platform, store_id, application_id, applicant, claimed_at, "  # noqa: S608 -- constant
        f"{_AUDIT} FROM claims ORDER BY claimed_at, platform, store_id"
    ).fetchall()
    kept: dict[tuple[str, str], tuple[Any, ...]] = {}
    conflicts: list[str] = []
    for row in rows:
        platform, store_id, application_id, applicant = row[:4]
        try:
            key = rekey(platform, store_id)
        except Exception:  # noqa: BLE001 -- an id the catalog now refuses keeps its old key
            key = (platform, store_id)
        first = kept.setdefault(key, row)
        if first is not row and (first[2], first[3]) != (application_id, applicant):
            conflicts.append(
                f"{platform}/{store_id} (application {application_id!r}, {applicant}) and "
                f"{first[0]}/{first[1]} (application {first[2]!r}, {first[3]}) are one store, "
                f"{key[0]}/{key[1]}"
            )
    if conflicts:
        raise MigrationConflict("; ".join(conflicts))
    conn.execute("ALTER TABLE claims RENAME TO claims_v1")
    conn.execute("DROP INDEX IF EXISTS claims_by_application")
    conn.execute(_V2_TABLE)
    conn.execute("CREATE INDEX claims_by_application ON claims (application_id)")
    conn.executemany(
        f"INSERT INTO claims ({_COLUMNS}, {_AUDIT}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 -- constant
        [(*key, *row[:1], *row[2:]) for key, row in kept.items()],
    )
    conn.execute("DROP TABLE claims_v1")


def _primary_code(error: sqlite3.Error) -> int | None:
    # Without the extended bits: SQLITE_BUSY_SNAPSHOT is a BUSY too. Errors the
    # sqlite3 module raises itself carry no code.
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _is_busy(error: sqlite3.Error) -> bool:
    return _primary_code(error) in {_SQLITE_BUSY, _SQLITE_LOCKED}


class _Local(threading.local):
    conn: sqlite3.Connection | None = None
    depth = 0  # open transaction() blocks in this thread


class Database:
    """
    One SQLite file: a connection per thread, bounded retries, one transaction per write.
    """

    def __init__(
        self,
        path: str | PathLike[str],
        *,
        busy_timeout: float,
        rekey: Rekey,
        read_only: bool = False,
    ) -> None:
        self.path = os.fspath(path)
        self.read_only = read_only
        self._rekey = rekey
        if self.path in {"", ":memory:"} or self.path.startswith("file:"):
            raise ValidationError.single(
                "path",
                f"expected a file name, got {self.path!r}: each thread would get a database "
                "of its own; use InMemoryRegistry for a registry in memory",
            )
        if not busy_timeout > 0:
            raise ValidationError.single(
                "busy_timeout", f"expected seconds above zero, got {busy_timeout!r}"
            )
        self.busy_timeout = float(busy_timeout)
        self._lock = threading.Lock()
        self._open: list[sqlite3.Connection] = []
        self._forked_away: list[sqlite3.Connection] = []
        self._pid = os.getpid()
        self._local = _Local()
        # Connections of every thread close when the registry is collected.
        weakref.finalize(self, _close_all, self._open, self._pid)
        if read_only:
            self._check_version(self.connection())
        else:
            self._migrate(self.connection())

    def connection(self) -> sqlite3.Connection:
        """
        Return this thread's connection, opening it on first use.
        """
        if os.getpid() != self._pid:
            self._after_fork()
        conn = self._local.conn
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def _after_fork(self) -> None:
        # A connection must not be used, nor closed, in a forked child (closing
        # may checkpoint or unlink the parent's WAL): keep them unreachable but alive.
        with self._lock:
            self._forked_away.extend(self._open)
            self._open.clear()
            self._local = _Local()
            self._pid = os.getpid()

    def _connect(self) -> sqlite3.Connection:
        try:
            # isolation_level=None: the module opens no transactions of its
            # own; every one here is an explicit BEGIN IMMEDIATE.
            if self.read_only:
                # mode=ro: SQLite itself refuses every write, and a file
                # without write permission opens.
                target = Path(self.path).resolve().as_uri() + "?mode=ro"
                conn = sqlite3.connect(
                    target,
                    timeout=self.busy_timeout,
                    isolation_level=None,
                    check_same_thread=False,
                    uri=True,
                )
            else:
                conn = sqlite3.connect(
                    self.path,
                    timeout=self.busy_timeout,
                    isolation_level=None,
                    check_same_thread=False,
                )
        except sqlite3.Error as e:
            raise RegistryError(f"{self.path}: cannot open the registry: {e}") from None
        with self._lock:
            self._open.append(conn)
        if self.read_only:
            return conn
        try:
            self._retry(conn, lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
            # FULL: a commit is on disk when claim() returns, even across a power cut.
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as e:
            raise self._unusable(e, "cannot open the registry") from None
        return conn

    def _unusable(self, error: sqlite3.Error, doing: str) -> RegistryError:
        code = _primary_code(error)
        if code == _SQLITE_NOTADB:
            return RegistryError(f"{self.path}: not an SQLite database: {error}")
        if code == _SQLITE_CORRUPT:
            return RegistryError(f"{self.path}: the registry file is damaged: {error}")
        if code == _SQLITE_READONLY or self.read_only:
            return RegistryError(f"{self.path}: {doing}: the registry is read-only: {error}")
        return RegistryError(f"{self.path}: {doing}: {error}")

    def _check_version(self, conn: sqlite3.Connection) -> None:
        target = len(MIGRATIONS)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        except sqlite3.Error as e:
            raise self._unusable(e, "cannot open the registry") from None
        if version == 0 and not tables:
            raise RegistryError(f"{self.path}: not an evidence registry: it is empty")
        if version != target or "claims" not in tables:
            raise RegistryError(
                f"{self.path}: registry schema version {version}, not {target}: open it once "
                "for writing (with this version of lazada-eligibility) to upgrade it"
            )

    def _migrate(self, conn: sqlite3.Connection) -> None:
        target = len(MIGRATIONS)

        def upgrade(conn: sqlite3.Connection) -> None:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > target:
                raise RegistryError(
                    f"{self.path}: registry schema version {version} is newer than "
                    f"{target}, the newest this version of lazada-eligibility knows"
                )
            if version == 0:
                tables = [
                    r[0]
                    for r in conn.execute(
                        "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                    )
                ]
                if tables:
                    raise RegistryError(
                        f"{self.path}: not an evidence registry: it holds {', '.join(tables)}"
                    )
            for step in MIGRATIONS[version:]:
                self._run_step(conn, step)
            if version != target:
                conn.execute(f"PRAGMA user_version = {target:d}")

        try:
            self._transact(conn, upgrade)
        except sqlite3.Error as e:
            raise self._unusable(
                e, f"cannot bring the registry to schema version {target}"
            ) from None
        except MigrationConflict as e:
            raise RegistryError(
                f"{self.path}: cannot bring the registry to schema version {target}: claims of "  # noqa: S608 -- a hint in a message, not a query
                f"different applications are one store under the new store identity: {e}. "
                "Nothing was changed. Decide which holder keeps each record, delete the other "
                "row (sqlite3 FILE \"DELETE FROM claims WHERE platform = '...' AND "
                "store_id = '...'\"), then open the file again"
            ) from None

    def _run_step(self, conn: sqlite3.Connection, step: tuple[str, ...]) -> None:
        for statement in step:
            if statement == "python:identity-keys":
                _identity_keys(conn, self._rekey)
            else:
                conn.execute(statement)

    def read(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """
        Run *work* in this thread's open transaction, or on its own, retrying while busy.
        """
        conn = self.connection()
        try:
            if self._local.depth:
                return work(conn)
            return self._retry(conn, lambda: work(conn))
        except sqlite3.DatabaseError as e:
            if isinstance(e, sqlite3.OperationalError) and _is_busy(e):
                raise  # pragma: no cover -- _retry turns these into RegistryBusyError
            raise self._unusable(e, "cannot read the registry") from None

    def write(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """
        Run *work* in this thread's open transaction, or in one of its own.
        """
        if self.read_only:
            raise RegistryError(
                f"{self.path}: the registry is open read-only: nothing can be claimed or released"
            )
        conn = self.connection()
        try:
            if self._local.depth:
                return work(conn)
            return self._transact(conn, work)
        except sqlite3.DatabaseError as e:
            if isinstance(e, sqlite3.OperationalError) and _is_busy(e):
                raise  # pragma: no cover -- _retry turns these into RegistryBusyError
            raise self._unusable(e, "cannot write the registry") from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """
        Hold a write transaction on this thread's connection for a block.
        """
        if self.read_only:
            raise RegistryError(
                f"{self.path}: the registry is open read-only: it has no write transactions"
            )
        conn = self.connection()
        local = self._local
        if local.depth:  # nested: the outermost block commits
            local.depth += 1
            try:
                yield
            finally:
                local.depth -= 1
            return
        self._retry(conn, lambda: conn.execute("BEGIN IMMEDIATE"))
        local.depth = 1
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        finally:
            local.depth = 0

    def _transact(self, conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], _T]) -> _T:
        def attempt() -> _T:
            # IMMEDIATE takes the write lock before reading, so what work()
            # reads cannot change before it writes, in any process.
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
            return result

        return self._retry(conn, attempt)

    def _retry(self, conn: sqlite3.Connection, attempt: Callable[[], _T]) -> _T:
        """
        Run *attempt* until it is not refused as busy, for at most ``busy_timeout`` seconds.
        """
        deadline = time.monotonic() + self.busy_timeout
        pause = 0.001
        try:
            while True:
                try:
                    return attempt()
                except sqlite3.OperationalError as e:
                    if not _is_busy(e):
                        raise
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise RegistryBusyError(
                            f"{self.path}: other writers held the registry for "
                            f"{self.busy_timeout:g} s (busy_timeout); nothing was written"
                        ) from None
                # Random pauses keep retrying writers from waking in step.
                time.sleep(min(left, random.uniform(0, pause)))  # noqa: S311 -- not cryptographic
                pause = min(2 * pause, _MAX_PAUSE)
                # The busy handler of the next statement waits only as long as is left.
                conn.execute(f"PRAGMA busy_timeout = {max(1, int(left * 1000)):d}")
        finally:
            if pause > 0.001:
                conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000):d}")

    def close(self) -> None:
        """
        Close every connection opened in this process.
        """
        if os.getpid() != self._pid:
            self._after_fork()
        with self._lock:
            self._local = _Local()
            _close_all(self._open, self._pid)


def _close_all(connections: list[sqlite3.Connection], pid: int) -> None:
    # Never in a forked child: closing there may checkpoint or unlink the parent's WAL.
    if os.getpid() == pid:
        for conn in connections:
            conn.close()
        connections.clear()


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        # A failed ROLLBACK must not hide the error that caused it; SQLite
        # rolls back on its own when the connection closes or the process dies.
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _row(values: Sequence[Any]) -> Row:
    namespace, store_id, platform, application_id, applicant, claimed_at = values
    return {
        "namespace": namespace,
        "platform": platform,
        "store_id": store_id,
        "application_id": application_id,
        "applicant": applicant,
        "claimed_at": dt.datetime.fromisoformat(claimed_at),
    }


def audit_of(decision: Decision | None) -> tuple[str | None, ...]:
    """
    Return the decision's policy id, version, digest and date, as stored beside a claim.
    """
    if decision is None:
        return (None, None, None, None)
    return (
        decision.policy_id,
        decision.policy_version,
        decision.policy_digest,
        decision.as_of.isoformat(),
    )


def holder(conn: sqlite3.Connection, key: tuple[str, str]) -> Row | None:
    """
    Return the row holding *key*, a (namespace, store id) pair, or ``None``.
    """
    found = conn.execute(
        f"SELECT {_COLUMNS} FROM claims WHERE namespace = ? AND store_id = ?",  # noqa: S608 -- constant columns
        key,
    ).fetchone()
    return None if found is None else _row(found)


def insert(conn: sqlite3.Connection, values: Sequence[Any]) -> None:
    """
    Insert one claim row: the six claim fields, then the four audit fields.
    """
    conn.execute(
        f"INSERT INTO claims ({_COLUMNS}, {_AUDIT}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 -- constant columns
        values,
    )


def claim(
    conn: sqlite3.Connection,
    keys: Sequence[tuple[str, str, str]],
    *,
    application_id: str,
    applicant: str,
    claimed_at: dt.datetime,
    audit: tuple[str | None, ...],
) -> list[Row]:
    """
    Insert the rows *keys* lack, in the open transaction; return the holder of each key.

    Each key is (namespace, store id, platform id). When another holder (a
    different application id or applicant) holds a key, nothing is inserted
    and the returned rows say who holds what; the caller raises and rolls back.
    """

    def other(row: Row | None) -> bool:
        return row is not None and (row["application_id"], row["applicant"]) != (
            application_id,
            applicant,
        )

    rows = [holder(conn, key[:2]) for key in keys]
    if any(other(r) for r in rows):
        return [r for r in rows if r is not None]
    stamp = claimed_at.isoformat(timespec="microseconds")
    result = []
    for key, found in zip(keys, rows, strict=True):
        row = found
        if row is None:
            try:
                insert(conn, (*key, application_id, applicant, stamp, *audit))
            except sqlite3.IntegrityError:
                # Only a writer that skipped BEGIN IMMEDIATE gets here; the
                # constraint held, so report who holds the record.
                row = holder(conn, key[:2])
                if row is None:  # pragma: no cover -- the constraint names this key
                    raise
                if other(row):
                    return [row]
            else:
                row = _row((*key, application_id, applicant, stamp))
        result.append(row)
    return result


def release(conn: sqlite3.Connection, application_id: str) -> list[Row]:
    """
    Delete the application's rows in the open transaction; return them.
    """
    found = claims(conn, application_id)
    conn.execute("DELETE FROM claims WHERE application_id = ?", (application_id,))
    return found


def claims(conn: sqlite3.Connection, application_id: str | None) -> list[Row]:
    """
    Return the application's rows, or every row, by namespace and store id.
    """
    if application_id is None:
        cursor = conn.execute(f"SELECT {_COLUMNS} FROM claims ORDER BY namespace, store_id")  # noqa: S608 -- constant columns
    else:
        cursor = conn.execute(
            f"SELECT {_COLUMNS} FROM claims WHERE application_id = ?"  # noqa: S608 -- constant columns
            " ORDER BY namespace, store_id",
            (application_id,),
        )
    return [_row(r) for r in cursor]
