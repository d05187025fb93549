"""
:class:`PostgresRegistry`: the evidence registry in a PostgreSQL database, for many machines.

The contract is :class:`~lazada_eligibility.SqliteRegistry`'s: identity keys,
claims bound to the application id and its applicant, all-or-nothing claims,
one write lock held across a decision and its claim, bounded waits, a
versioned schema upgraded on open, read-only use for reads. psycopg 3 is an
optional dependency (the ``postgres`` extra), imported when a registry opens.
"""

from __future__ import annotations

import collections.abc
import contextlib
import datetime  # noqa: ICN001 -- for class signatures, which the docs see unevaluated
import datetime as dt
import math
import os
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from ..exceptions import EvidenceAlreadyClaimed, RegistryBusyError, RegistryError, ValidationError
from ..identity import same_holder
from ..models import Application
from ..platforms import DEFAULT_PLATFORMS, PlatformCatalog
from . import Claim, _check_decision, _claim_keys, _key, _timestamp, _utc_now
from ._sqlite import DEFAULT_BUSY_TIMEOUT

if TYPE_CHECKING:
    from ..decision import Decision

__all__ = ["PostgresRegistry", "is_postgres_url", "redacted"]

_T = TypeVar("_T")
_Row = dict[str, Any]

_TABLE: Final = "lazada_claims"
_VERSION_TABLE: Final = "lazada_registry_schema"
_COLUMNS: Final = "namespace, store_id, platform, application_id, applicant, claimed_at"
_AUDIT: Final = "policy_id, policy_version, policy_digest, decided_as_of"
# Byte order, as SQLite's BINARY collation and Python's str ordering: the
# database's own collation may sort by language rules.
_ORDER: Final = 'ORDER BY namespace COLLATE "C", store_id COLLATE "C"'
# Serialises first opens: two processes creating the tables at once would
# collide in the catalog. Any constant works; this one spells "lazada".
_MIGRATION_LOCK: Final = 0x6C617A616461
_URL_SCHEMES: Final = ("postgresql://", "postgres://")

# MIGRATIONS[n] upgrades a database from schema version n to n + 1; the current
# version is len(MIGRATIONS). Append a step for every change; never edit one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        # 0 -> 1: the layout of SQLite's version 2, keyed on the store
        # identity. The primary key is the guarantee: whatever the code above
        # does, two rows never hold one store record.
        f"""
        CREATE TABLE {_TABLE} (
            namespace text NOT NULL,
            store_id text NOT NULL,
            platform text NOT NULL,
            application_id text NOT NULL,
            applicant text NOT NULL,
            claimed_at timestamptz NOT NULL,
            policy_id text,
            policy_version text,
            policy_digest text,
            decided_as_of date,
            CONSTRAINT lazada_one_holder_per_store PRIMARY KEY (namespace, store_id)
        )
        """,
        f"CREATE INDEX lazada_claims_by_application ON {_TABLE} (application_id)",
    ),
)


def is_postgres_url(target: object) -> bool:
    """
    Whether *target* is a ``postgresql://`` (or ``postgres://``) URL rather than a file name.
    """
    return isinstance(target, str) and target.lower().startswith(_URL_SCHEMES)


def redacted(url: str) -> str:
    """
    Return a ``postgresql://`` URL without its password, as run settings and messages keep it.
    """
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}@{host}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "password"])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _psycopg() -> Any:  # noqa: ANN401 -- the psycopg module, optional
    try:
        import psycopg  # noqa: PLC0415 -- optional: only a PostgreSQL registry needs it
    except ImportError:
        raise RegistryError(
            "the PostgreSQL registry needs psycopg 3: pip install 'lazada-eligibility[postgres]'"
        ) from None
    return psycopg


def _display(conninfo: str) -> str:
    # The target as messages show it: never the password.
    psycopg = _psycopg()
    try:
        params = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        # libpq's message may quote the string, password and all: not shown.
        raise ValidationError.single(
            "conninfo", "not a PostgreSQL connection string or postgresql:// URL"
        ) from None
    user = params.get("user")
    host = params.get("host") or ""
    port = params.get("port")
    dbname = params.get("dbname") or ""
    where = "" if host.startswith("/") else host
    if port and where:
        where += f":{port}"
    text = "postgresql://" + (f"{quote(str(user), safe='')}@" if user else "") + where
    text += f"/{quote(str(dbname), safe='')}"
    if host.startswith("/"):
        text += f"?host={host}"
    return text


class _Local(threading.local):
    conn: Any = None
    depth = 0  # open transaction() blocks in this thread


class _Database:
    """
    One PostgreSQL database: a connection per thread, one locked transaction per write.
    """

    def __init__(self, conninfo: object, *, busy_timeout: float, read_only: bool) -> None:
        if not isinstance(conninfo, str) or not conninfo.strip():
            raise ValidationError.single(
                "conninfo", f"expected a postgresql:// URL or a connection string, got {conninfo!r}"
            )
        if not busy_timeout > 0 or not math.isfinite(busy_timeout):
            raise ValidationError.single(
                "busy_timeout", f"expected seconds above zero, got {busy_timeout!r}"
            )
        self._pg = _psycopg()
        self.conninfo = conninfo
        self.display = _display(conninfo)
        self.busy_timeout = float(busy_timeout)
        self.read_only = read_only
        self._lock = threading.Lock()
        self._open: list[Any] = []
        self._forked_away: list[Any] = []
        self._pid = os.getpid()
        self._local = _Local()
        weakref.finalize(self, _close_all, self._open, self._pid)
        if read_only:
            self._check_version()
        else:
            self._migrate()

    # Connections -------------------------------------------------------------

    def connection(self) -> Any:  # noqa: ANN401 -- a psycopg.Connection
        """
        Return this thread's connection, opening it on first use, again after it broke.
        """
        if os.getpid() != self._pid:
            self._after_fork()
        conn = self._local.conn
        if conn is not None and (conn.closed or conn.broken) and not self._local.depth:
            self._forget(conn)
            conn = None
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def _forget(self, conn: Any) -> None:  # noqa: ANN401 -- a psycopg.Connection
        with self._lock:
            if conn in self._open:
                self._open.remove(conn)
        self._local.conn = None

    def _after_fork(self) -> None:
        # A connection shares its socket with the parent: using or closing it
        # in a child would end the parent's session. Keep them alive, unused.
        with self._lock:
            self._forked_away.extend(self._open)
            self._open.clear()
            self._local = _Local()
            self._pid = os.getpid()

    def _connect(self) -> Any:  # noqa: ANN401 -- a psycopg.Connection
        pg = self._pg
        try:
            conn = pg.connect(
                self.conninfo,
                autocommit=True,  # transactions here are explicit BEGIN ... COMMIT
                connect_timeout=max(2, math.ceil(self.busy_timeout)),
                application_name="lazada-eligibility",
            )
        except pg.Error as e:
            raise RegistryError(
                f"{self.display}: cannot connect to the registry: {_first_line(e)}"
            ) from None
        with self._lock:
            self._open.append(conn)
        try:
            conn.execute("SET TIME ZONE 'UTC'")
            # The bounded wait: a lock held by another writer for longer than
            # this raises LockNotAvailable, which becomes RegistryBusyError.
            conn.execute(f"SET lock_timeout = {max(1, int(self.busy_timeout * 1000)):d}")
            if self.read_only:
                # The server itself refuses every write on this connection.
                conn.execute("SET default_transaction_read_only = on")
        except pg.Error as e:
            raise RegistryError(f"{self.display}: cannot open the registry: {e}") from None
        return conn

    def close(self) -> None:
        """
        Close every connection opened in this process.
        """
        if os.getpid() != self._pid:
            self._after_fork()
        with self._lock:
            self._local = _Local()
            _close_all(self._open, self._pid)

    # Schema ------------------------------------------------------------------

    def _version(self, conn: Any) -> int | None:  # noqa: ANN401 -- a psycopg.Connection
        exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (_VERSION_TABLE,)).fetchone()[0]
        if not exists:
            return None
        found = conn.execute(f"SELECT version FROM {_VERSION_TABLE}").fetchone()  # noqa: S608 -- constant
        return 0 if found is None else int(found[0])

    def _check_version(self) -> None:
        target = len(MIGRATIONS)
        try:
            version = self._version(self.connection())
        except self._pg.Error as e:
            raise self._unusable(e, "cannot open the registry") from None
        if version is None:
            raise RegistryError(
                f"{self.display}: not an evidence registry: it has no {_VERSION_TABLE} table"
            )
        if version != target:
            raise RegistryError(
                f"{self.display}: registry schema version {version}, not {target}: open it once "
                "for writing (with this version of lazada-eligibility) to upgrade it"
            )

    def _migrate(self) -> None:
        target = len(MIGRATIONS)

        def upgrade(conn: Any) -> None:  # noqa: ANN401 -- a psycopg.Connection
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            version = self._version(conn)
            if version is None:
                if conn.execute("SELECT to_regclass(%s) IS NOT NULL", (_TABLE,)).fetchone()[0]:
                    raise RegistryError(
                        f"{self.display}: not an evidence registry: it holds a table {_TABLE} "
                        f"but no {_VERSION_TABLE}"
                    )
                conn.execute(f"CREATE TABLE {_VERSION_TABLE} (version integer NOT NULL)")
                conn.execute(f"INSERT INTO {_VERSION_TABLE} VALUES (0)")  # noqa: S608 -- constant
                version = 0
            if version > target:
                raise RegistryError(
                    f"{self.display}: registry schema version {version} is newer than "
                    f"{target}, the newest this version of lazada-eligibility knows"
                )
            for step in MIGRATIONS[version:]:
                for statement in step:
                    conn.execute(statement)
            if version != target:
                conn.execute(f"UPDATE {_VERSION_TABLE} SET version = %s", (target,))  # noqa: S608 -- constant

        try:
            self._run(self.connection(), upgrade, lock=False)
        except self._pg.Error as e:
            raise self._unusable(
                e, f"cannot bring the registry to schema version {target}"
            ) from None

    # Work --------------------------------------------------------------------

    def _unusable(self, error: Exception, doing: str) -> RegistryError:
        errors = self._pg.errors
        if isinstance(error, errors.LockNotAvailable | errors.QueryCanceled):
            return RegistryBusyError(
                f"{self.display}: other writers held the registry for "
                f"{self.busy_timeout:g} s (busy_timeout); nothing was written"
            )
        if isinstance(error, errors.DeadlockDetected | errors.SerializationFailure):
            return RegistryBusyError(
                f"{self.display}: {doing}: the database gave up on a conflict "
                f"({_first_line(error)}); nothing was written; try again"
            )
        if isinstance(error, errors.ReadOnlySqlTransaction) or self.read_only:
            return RegistryError(f"{self.display}: {doing}: the registry is read-only: {error}")
        return RegistryError(f"{self.display}: {doing}: {_first_line(error)}")

    def read(self, work: Callable[[Any], _T]) -> _T:
        """
        Run *work* in this thread's open transaction, or on its own.
        """
        conn = self.connection()
        try:
            return work(conn)
        except self._pg.Error as e:
            raise self._unusable(e, "cannot read the registry") from None

    def write(self, work: Callable[[Any], _T]) -> _T:
        """
        Run *work* in this thread's open transaction, or in one of its own.
        """
        self._refuse_read_only("nothing can be claimed or released")
        conn = self.connection()
        if self._local.depth:
            try:
                return work(conn)
            except self._pg.Error as e:
                raise self._unusable(e, "cannot write the registry") from None
        try:
            return self._run(conn, work, lock=True)
        except self._pg.Error as e:
            raise self._unusable(e, "cannot write the registry") from None

    def _refuse_read_only(self, what: str) -> None:
        if self.read_only:
            raise RegistryError(f"{self.display}: the registry is open read-only: {what}")

    def _begin(self, conn: Any, *, lock: bool) -> None:  # noqa: ANN401 -- a psycopg.Connection
        conn.execute("BEGIN")
        if lock:
            # EXCLUSIVE: plain reads go on, every other writer (a claim, a
            # release, another decision) waits; so what a decision reads
            # still holds when it claims. lock_timeout bounds the wait.
            conn.execute(f"LOCK TABLE {_TABLE} IN EXCLUSIVE MODE")

    def _run(self, conn: Any, work: Callable[[Any], _T], *, lock: bool) -> _T:  # noqa: ANN401 -- a psycopg.Connection
        try:
            # BEGIN inside: a lock that times out must roll back, or the
            # connection stays in an aborted transaction.
            self._begin(conn, lock=lock)
            result = work(conn)
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn, self._pg)
            raise
        return result

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """
        Hold the write lock on this thread's connection for a block.
        """
        self._refuse_read_only("it has no write transactions")
        conn = self.connection()
        local = self._local
        if local.depth:  # nested: the outermost block commits
            local.depth += 1
            try:
                yield
            finally:
                local.depth -= 1
            return
        try:
            self._begin(conn, lock=True)
        except self._pg.Error as e:
            _rollback(conn, self._pg)
            raise self._unusable(e, "cannot write the registry") from None
        local.depth = 1
        try:
            yield
            conn.execute("COMMIT")
        except self._pg.Error as e:
            _rollback(conn, self._pg)
            raise self._unusable(e, "cannot write the registry") from None
        except BaseException:
            _rollback(conn, self._pg)
            raise
        finally:
            local.depth = 0


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _close_all(connections: list[Any], pid: int) -> None:
    # Never in a forked child: closing there ends the parent's session.
    if os.getpid() == pid:
        for conn in connections:
            with contextlib.suppress(Exception):
                conn.close()
        connections.clear()


def _rollback(conn: Any, pg: Any) -> None:  # noqa: ANN401 -- psycopg objects
    # A failed ROLLBACK must not hide the error that caused it; the server
    # rolls back on its own when the connection drops or the process dies.
    with contextlib.suppress(pg.Error):
        conn.execute("ROLLBACK")


def _row(values: Sequence[Any]) -> _Row:
    namespace, store_id, platform, application_id, applicant, claimed_at = values
    return {
        "namespace": namespace,
        "store_id": store_id,
        "platform": platform,
        "application_id": application_id,
        "applicant": applicant,
        "claimed_at": claimed_at.astimezone(dt.UTC),
    }


def _holder(conn: Any, key: tuple[str, str]) -> _Row | None:  # noqa: ANN401 -- a psycopg.Connection
    found = conn.execute(
        f"SELECT {_COLUMNS} FROM {_TABLE} WHERE namespace = %s AND store_id = %s",  # noqa: S608 -- constant columns
        key,
    ).fetchone()
    return None if found is None else _row(found)


def _holders(conn: Any, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], _Row]:  # noqa: ANN401 -- a psycopg.Connection
    # One round trip for every key of a claim, not one per store.
    found = conn.execute(
        f"SELECT {_COLUMNS} FROM {_TABLE} JOIN unnest(%s::text[], %s::text[]) AS k(ns, sid)"  # noqa: S608 -- constant columns
        " ON namespace = k.ns AND store_id = k.sid",
        ([k[0] for k in keys], [k[1] for k in keys]),
    ).fetchall()
    return {(r[0], r[1]): _row(r) for r in found}


def _claims(conn: Any, application_id: str | None) -> list[_Row]:  # noqa: ANN401 -- a psycopg.Connection
    if application_id is None:
        cursor = conn.execute(f"SELECT {_COLUMNS} FROM {_TABLE} {_ORDER}")  # noqa: S608 -- constant
    else:
        cursor = conn.execute(
            f"SELECT {_COLUMNS} FROM {_TABLE} WHERE application_id = %s {_ORDER}",  # noqa: S608 -- constant
            (application_id,),
        )
    return [_row(r) for r in cursor.fetchall()]


def _no_nul(application: Application) -> None:
    # PostgreSQL text cannot hold NUL; say so rather than fail inside the driver.
    for field, value in (("id", application.id), ("applicant", application.applicant)):
        if value is not None and "\x00" in value:
            raise ValidationError.single(
                field,
                f"contains a NUL character, which a PostgreSQL registry cannot store: {value!r}",
            )


class PostgresRegistry:
    """
    An evidence registry in a PostgreSQL database: for pipelines on many machines.

    The same contract and guarantees as
    :class:`~lazada_eligibility.SqliteRegistry`, over the network: records
    are keyed on their :class:`~lazada_eligibility.StoreIdentity`; a claim
    is one transaction that takes the claims table's write lock (``LOCK
    TABLE ... IN EXCLUSIVE MODE``: reads go on, writers queue), so claims are
    all-or-nothing and :meth:`transaction` holds the lock across a decision
    and its claim; a primary key on (namespace, store id) makes a double
    claim impossible at the database level. A process or machine that dies in
    the middle of a claim leaves nothing of it: the server rolls back when
    the connection drops. The schema is versioned (table
    ``lazada_registry_schema``) and upgraded when the registry opens.

    The tables are ``lazada_claims`` and ``lazada_registry_schema``, created
    in the first schema of the connection's ``search_path``: to keep them
    apart, give the registry a database or a schema of its own
    (``?options=-csearch_path%3Dlazada`` in the URL).

    Each thread gets its own connection; a pickled registry (sent to a worker
    process or a Spark executor) connects on its own. Needs the ``postgres``
    extra (psycopg 3).

    Args:
        conninfo: A ``postgresql://`` URL or a libpq connection string.
            Messages show it without the password.
        platforms: The catalog that normalises platforms and store ids
            (default :data:`~lazada_eligibility.DEFAULT_PLATFORMS`).
        clock: Returns the aware :class:`~datetime.datetime` each claim is
            stamped with, called once per :meth:`claim`; default the system
            clock in UTC.
        busy_timeout: The longest an operation waits for other writers'
            locks, in seconds (PostgreSQL's ``lock_timeout``), and for a
            connection; then :class:`~lazada_eligibility.RegistryBusyError`.
        read_only: Connect only to read: nothing is created or upgraded, the
            server refuses writes (``default_transaction_read_only``), and
            claiming or releasing raises
            :class:`~lazada_eligibility.RegistryError`.

    Raises:
        RegistryError: psycopg is missing, the server cannot be reached, the
            database holds a ``lazada_claims`` table that is not a registry's,
            or the schema is newer than this version knows.

    Example:
        >>> import os
        >>> from lazada_eligibility import Application, Store
        >>> from lazada_eligibility.registry import PostgresRegistry
        >>> url = os.environ["LAZADA_TEST_POSTGRES"]  # doctest: +SKIP
        >>> with PostgresRegistry(url) as registry:  # doctest: +SKIP
        ...     app = Application(
        ...         "Seller Co.", "mobiles", [Store("eBay US", "Best-Shop")], id="APP-1"
        ...     )
        ...     [c.store_id for c in registry.claim(app)]
        ['best-shop']

    .. versionadded:: 0.3.0
    """

    # Class signatures reach the docs unevaluated, as text: hence types spelled in full.
    def __init__(
        self,
        conninfo: str,
        *,
        platforms: PlatformCatalog | None = None,
        clock: collections.abc.Callable[[], datetime.datetime] | None = None,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        read_only: bool = False,
    ) -> None:
        self.platforms = DEFAULT_PLATFORMS if platforms is None else platforms
        self._clock = _utc_now if clock is None else clock
        self._db = _Database(conninfo, busy_timeout=busy_timeout, read_only=read_only)

    @property
    def read_only(self) -> bool:
        """
        Whether the registry was opened only to read, so that claims and releases raise.
        """
        return self._db.read_only

    @property
    def target(self) -> str:
        """
        The database, as a URL without the password.
        """
        return self._db.display

    @property
    def busy_timeout(self) -> float:
        """
        The longest an operation waits for other writers, in seconds.
        """
        return self._db.busy_timeout

    def holder(self, platform: str, store_id: str) -> Claim | None:
        """
        Return the claim that holds the store record, or ``None``.

        Raises:
            ValidationError: The catalog does not know the platform.
        """
        key = _key(self.platforms, platform, store_id)
        row = self._db.read(lambda conn: _holder(conn, (key.namespace, key.store_id)))
        return None if row is None else Claim(**row)

    def claim(self, application: Application, *, decision: Decision | None = None) -> list[Claim]:
        """
        Claim all of the application's stores, or none of them, in one transaction.

        Claiming again for the same application (the same id and the same
        applicant) is harmless. With *decision*, its policy and date are
        stored beside the claim for audit.

        Returns:
            One claim per store identity, in the application's order.

        Raises:
            EvidenceAlreadyClaimed: Naming each store another holder holds.
            RegistryError: The registry was opened read-only.
            ValidationError: The application has no id, a store is on a
                platform the catalog does not know, an id holds NUL, or the
                decision does not fit.
            RegistryBusyError: Other writers held the lock for ``busy_timeout``.
        """
        keys = _claim_keys(application, self.platforms)
        _check_decision(application, decision)
        _no_nul(application)
        app_id = application.id
        assert app_id is not None  # noqa: S101 -- checked by claim_keys
        now = _timestamp(self._clock)
        audit: tuple[Any, ...] = (
            (None, None, None, None)
            if decision is None
            else (
                decision.policy_id,
                decision.policy_version,
                decision.policy_digest,
                decision.as_of,
            )
        )

        def work(conn: Any) -> list[Claim]:  # noqa: ANN401 -- a psycopg.Connection
            pairs = [(k.namespace, k.store_id) for k, _ in keys]
            held = _holders(conn, pairs)
            found = [held.get(p) for p in pairs]
            conflicts = [
                Claim(**r)
                for r in found
                if r is not None and not same_holder(Claim(**r), application)
            ]
            if conflicts:
                raise EvidenceAlreadyClaimed(conflicts, application_id=app_id)
            new = [
                (*pair, platform, app_id, application.applicant, now, *audit)
                for pair, (_, platform), row in zip(pairs, keys, found, strict=True)
                if row is None
            ]
            if new:
                with conn.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {_TABLE} ({_COLUMNS}, {_AUDIT}) "  # noqa: S608 -- constant columns
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        new,
                    )
            result = []
            for pair, (_, platform), row in zip(pairs, keys, found, strict=True):
                values = (*pair, platform, app_id, application.applicant, now)
                result.append(Claim(**(row if row is not None else _row(values))))
            return result

        return self._db.write(work)

    def release(self, application_id: str) -> list[Claim]:
        """
        Give back every store record the application holds; return what was released.
        """

        def work(conn: Any) -> list[_Row]:  # noqa: ANN401 -- a psycopg.Connection
            found = _claims(conn, application_id)
            conn.execute(f"DELETE FROM {_TABLE} WHERE application_id = %s", (application_id,))  # noqa: S608 -- constant
            return found

        if "\x00" in application_id:
            return []  # no id PostgreSQL holds has one
        return [Claim(**r) for r in self._db.write(work)]

    def claims_of(self, application_id: str) -> list[Claim]:
        """
        Return the claims the application holds, by namespace and store id.
        """
        if "\x00" in application_id:
            return []
        return [Claim(**r) for r in self._db.read(lambda c: _claims(c, application_id))]

    def claims(self) -> list[Claim]:
        """
        Return every claim, by namespace and store id.
        """
        return [Claim(**r) for r in self._db.read(lambda c: _claims(c, None))]

    @contextmanager
    def transaction(self) -> Iterator[PostgresRegistry]:
        """
        Run a block in one transaction that holds the registry's write lock.

        Inside the block, every call on this registry from this thread reads
        and writes in the transaction, which commits at the end, or rolls
        back if the block raises. Other writers on every machine wait, so
        what the block read still holds when it claims.

        Raises:
            RegistryBusyError: Other writers held the lock for ``busy_timeout``.
        """
        with self._db.transaction():
            yield self

    def close(self) -> None:
        """
        Close every connection the registry opened; it reopens them when used again.
        """
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __reduce__(self) -> tuple[Any, ...]:
        # Worker processes and Spark executors connect themselves.
        return (
            _rebuild_postgres,
            (self._db.conninfo, self.platforms, self._clock, self.busy_timeout, self.read_only),
        )

    def __repr__(self) -> str:
        return f"<PostgresRegistry {self.target!r}>"


def _rebuild_postgres(
    conninfo: str,
    platforms: PlatformCatalog,
    clock: Callable[[], dt.datetime],
    busy_timeout: float,
    read_only: bool,
) -> PostgresRegistry:
    return PostgresRegistry(
        conninfo, platforms=platforms, clock=clock, busy_timeout=busy_timeout, read_only=read_only
    )
