"""
The evidence registry: which store records were already used on Lazada.

Store records already used for a Lazada store cannot be used again. A
registry remembers who holds each record; ``evidence_not_reused()`` consults
it, and :func:`~lazada_eligibility.evaluate_and_claim` decides and claims in
one step.

Two registries come with the library: :class:`InMemoryRegistry` for tests
and single processes, and :class:`SqliteRegistry`, the embedded default for
a real deployment (one SQLite file, safe across threads and processes on
one machine). Both key a record on its
:class:`~lazada_eligibility.StoreIdentity` under their platform catalog:
``Amazon US``, ``amazon.com`` and a seller-central URL name one platform,
every eBay site is one account namespace, and a store id is compared in its
canonical form, so one record written several ways is held once.

A record is held by an application id *and* its applicant: another
applicant sending the same application id is another holder.
"""

from __future__ import annotations

import collections.abc
import datetime  # noqa: ICN001 -- for class signatures, which the docs see unevaluated
import datetime as dt
import functools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Self

import attrs

from ..exceptions import (
    EvidenceAlreadyClaimed,
    FieldProblem,
    RegistryBusyError,
    RegistryError,
    ValidationError,
)
from ..identity import StoreIdentity, same_holder
from ..models import Application
from ..platforms import DEFAULT_PLATFORMS, PlatformCatalog
from . import _sqlite as _sql
from ._sqlite import DEFAULT_BUSY_TIMEOUT, Database

if TYPE_CHECKING:
    from ..decision import Decision

__all__ = [
    "Claim",
    "InMemoryRegistry",
    "PostgresRegistry",
    "RegistryBusyError",
    "RegistryError",
    "SqliteRegistry",
    "claim_keys",
    "open_registry",
]

_Clock = Callable[[], dt.datetime]
_Key = tuple[str, str]


@attrs.frozen(kw_only=True)
class Claim:
    """
    One store record held by one application: operator-facing data.

    Args:
        namespace: The account namespace of the store's platform, such as ``amazon``.
        store_id: The canonical store id.
        platform: The platform id it was claimed on, such as ``amazon.de``.
        application_id: The application that holds it.
        applicant: Who applied; with the application id, the holder.
        claimed_at: When it was claimed, in UTC.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility import Claim
        >>> claim = Claim(
        ...     namespace="amazon",
        ...     store_id="a1b2c3",
        ...     platform="amazon.com",
        ...     application_id="APP-1",
        ...     applicant="Seller Co.",
        ...     claimed_at=dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC),
        ... )
        >>> print(claim)
        amazon/a1b2c3 (claimed on amazon.com) is held by application 'APP-1' (Seller Co.)

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Keyed on the store identity: ``namespace`` added; ``platform`` is
       where it was claimed.
    """

    namespace: str
    store_id: str
    platform: str
    application_id: str
    applicant: str
    claimed_at: dt.datetime

    @property
    def identity(self) -> StoreIdentity:
        """
        The store the claim holds.
        """
        return StoreIdentity(self.namespace, self.store_id)

    def __str__(self) -> str:
        return (
            f"{self.namespace}/{self.store_id} (claimed on {self.platform}) is held by "
            f"application {self.application_id!r} ({self.applicant})"
        )

    def to_dict(self) -> dict[str, str]:
        """
        Return a JSON-ready mapping; ``claimed_at`` is ISO 8601.

        Example:
            >>> import datetime as dt
            >>> from lazada_eligibility import Claim
            >>> Claim(
            ...     namespace="ebay",
            ...     store_id="shop",
            ...     platform="ebay.com",
            ...     application_id="A",
            ...     applicant="S",
            ...     claimed_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
            ... ).to_dict()["claimed_at"]
            '2026-11-02T00:00:00+00:00'

        .. versionadded:: 0.1.0
        """
        return {
            "namespace": self.namespace,
            "store_id": self.store_id,
            "platform": self.platform,
            "application_id": self.application_id,
            "applicant": self.applicant,
            "claimed_at": self.claimed_at.isoformat(),
        }


def _utc_now() -> dt.datetime:
    # The one clock reading in the library outside the CLI; a registry takes
    # another clock (or a fixed one) where claimed_at must be reproducible.
    return dt.datetime.now(dt.UTC)


def _timestamp(clock: _Clock) -> dt.datetime:
    value = clock()
    if not isinstance(value, dt.datetime):
        raise TypeError(f"the registry's clock must return a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"the registry's clock must return an aware datetime, got {value!r}")
    return value.astimezone(dt.UTC)


def _order(claim: Claim) -> _Key:
    return claim.namespace, claim.store_id


def claim_keys(
    application: Application, *, platforms: PlatformCatalog | None = None
) -> list[StoreIdentity]:
    """
    Return the identities of the records an application would claim.

    The keys every registry uses, for registries of your own: each store's
    platform resolved through the catalog and its store id made canonical,
    in the platform's account namespace; two spellings of one store, or one
    account on two sites of a namespace, give one key. Keys come in the
    application's order.

    Args:
        application: The application; it must have an ``id``.
        platforms: The catalog (default :data:`~lazada_eligibility.DEFAULT_PLATFORMS`).

    Raises:
        ValidationError: The application has no id, a store is on a
            platform the catalog does not know, or a store id is refused;
            every problem at once, with paths such as ``stores[1].platform``.

    Example:
        >>> from lazada_eligibility import Application, Store, claim_keys
        >>> stores = [Store("Amazon US", " A1B2 "), Store("ebay.de", "Best-Shop")]
        >>> claim_keys(Application("Seller Co.", "mobiles", stores, id="APP-1"))
        [StoreIdentity(namespace='amazon', store_id='a1b2'), StoreIdentity(namespace='ebay', store_id='best-shop')]

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Returns :class:`~lazada_eligibility.StoreIdentity` values.
    """
    return [identity for identity, _ in _claim_keys(application, platforms)]


def _claim_keys(
    application: Application, platforms: PlatformCatalog | None
) -> list[tuple[StoreIdentity, str]]:
    # Each identity with the platform id of its first store.
    if not isinstance(application, Application):
        raise TypeError(f"expected an Application, got {type(application).__name__}")
    platforms = DEFAULT_PLATFORMS if platforms is None else platforms
    problems = []
    if application.id is None:
        problems.append(FieldProblem("id", "an application needs an id to claim store records"))
    keys: dict[StoreIdentity, str] = {}  # ordered and deduplicated: two spellings of one store
    for i, store in enumerate(application.stores):
        platform = platforms.resolve(store.platform)
        if platform is None:
            problems.append(
                FieldProblem(
                    f"stores[{i}].platform",
                    f"unknown platform {store.platform!r}: a store on a platform "
                    "the catalog does not know cannot be claimed",
                )
            )
            continue
        try:
            keys.setdefault(platform.identity(store.store_id), platform.id)
        except ValidationError as e:
            problems.extend(e.prefixed(f"stores[{i}]").problems)
    if problems:
        raise ValidationError(problems)
    return list(keys.items())


def _key(platforms: PlatformCatalog, platform: str, store_id: str) -> StoreIdentity:
    # Ids first: the rule engine passes ids, and an id must never resolve to
    # another platform through an alias or a domain.
    found = platforms.identity(platform, store_id)
    if found is None:
        raise ValidationError.single(
            "platform", f"unknown platform {platform!r}: the registry's platform catalog lacks it"
        )
    return found


def _rekey(platforms: PlatformCatalog) -> Callable[[str, str], tuple[str, str]]:
    def rekey(platform: str, store_id: str) -> tuple[str, str]:
        found = _key(platforms, platform, store_id)
        return found.namespace, found.store_id

    return rekey


def _check_decision(application: Application, decision: Decision | None) -> None:
    if decision is None:
        return
    if not decision.eligible:
        raise ValidationError.single(
            "decision",
            f"the verdict is {decision.verdict.value!r}: only an eligible decision claims records",
        )
    if decision.application_id != application.id:
        raise ValidationError.single(
            "decision",
            f"decides application {decision.application_id!r}, not {application.id!r}",
        )


class InMemoryRegistry:
    """
    An evidence registry in memory, safe to share between threads.

    For tests, notebooks and single-process services whose claims need not
    outlive the process. One lock guards every operation, so a claim is
    atomic; :meth:`transaction` holds it across several operations. A
    pickled copy (sent to a worker process) is a snapshot of the claims.

    Args:
        platforms: The catalog that normalises platforms and store ids
            (default :data:`~lazada_eligibility.DEFAULT_PLATFORMS`).
        clock: Returns the aware :class:`~datetime.datetime` each claim is
            stamped with, called once per :meth:`claim`; default the system
            clock in UTC.

    Example:
        >>> from lazada_eligibility import Application, InMemoryRegistry, Store
        >>> registry = InMemoryRegistry()
        >>> app = Application("Seller Co.", "mobiles", [Store("Amazon US", " A1B2C3 ")], id="APP-1")
        >>> [str(c) for c in registry.claim(app)]
        ["amazon/a1b2c3 (claimed on amazon.com) is held by application 'APP-1' (Seller Co.)"]
        >>> registry.holder("amazon.de", "https://www.amazon.de/sp?seller=A1B2C3").application_id
        'APP-1'

    .. versionadded:: 0.1.0
    """

    # Class signatures reach the docs unevaluated, as text: hence types spelled in full.
    def __init__(
        self,
        *,
        platforms: PlatformCatalog | None = None,
        clock: collections.abc.Callable[[], datetime.datetime] | None = None,
    ) -> None:
        self.platforms = DEFAULT_PLATFORMS if platforms is None else platforms
        self._clock = _utc_now if clock is None else clock
        self._lock = threading.RLock()
        self._held: dict[StoreIdentity, Claim] = {}
        self._by_application: dict[str, dict[StoreIdentity, Claim]] = {}
        # Undo steps of the open transaction; only the thread holding the lock sees it.
        self._undo: list[Callable[[], None]] | None = None

    def holder(self, platform: str, store_id: str) -> Claim | None:
        """
        Return the claim that holds the store record, or ``None``.

        *platform* is a platform id or anything the catalog resolves; the
        store id is normalised by the platform's rules.

        Raises:
            ValidationError: The catalog does not know the platform.

        Example:
            >>> from lazada_eligibility import InMemoryRegistry
            >>> InMemoryRegistry().holder("eBay", "Best-Shop") is None
            True

        .. versionadded:: 0.1.0
        """
        key = _key(self.platforms, platform, store_id)
        with self._lock:
            return self._held.get(key)

    def claim(self, application: Application, *, decision: Decision | None = None) -> list[Claim]:
        """
        Claim all of the application's stores, or none of them.

        Claiming again for the same application (the same id and the same
        applicant) is harmless: stores it already holds keep their claims.

        Args:
            application: The application; it must have an ``id``.
            decision: The decision the claim rests on; when given, it must be
                eligible and about this application.

        Returns:
            One claim per store identity, in the application's order.

        Raises:
            EvidenceAlreadyClaimed: Naming each store another holder holds.
            ValidationError: The application has no id, a store is on a
                platform the catalog does not know, or the decision does not fit.

        Example:
            >>> from lazada_eligibility import Application, InMemoryRegistry, Store
            >>> registry = InMemoryRegistry()
            >>> _ = registry.claim(Application("A Co.", "mobiles", [Store("eBay", "x")], id="A"))
            >>> registry.claim(Application("B Co.", "mobiles", [Store("eBay", "X")], id="B"))
            Traceback (most recent call last):
            ...
            lazada_eligibility.exceptions.EvidenceAlreadyClaimed: application 'B' cannot claim store records already used: ebay/x (claimed on ebay.com) is held by application 'A' (A Co.)

        .. versionadded:: 0.1.0
        """
        keys = _claim_keys(application, self.platforms)
        _check_decision(application, decision)
        app_id = application.id
        assert app_id is not None  # noqa: S101 -- checked by claim_keys
        now = _timestamp(self._clock)
        with self._lock:
            held = [self._held.get(key) for key, _ in keys]
            conflicts = [c for c in held if c is not None and not same_holder(c, application)]
            if conflicts:
                raise EvidenceAlreadyClaimed(conflicts, application_id=app_id)
            result = []
            for (key, platform), found in zip(keys, held, strict=True):
                claim = found
                if claim is None:
                    claim = Claim(
                        namespace=key.namespace,
                        store_id=key.store_id,
                        platform=platform,
                        application_id=app_id,
                        applicant=application.applicant,
                        claimed_at=now,
                    )
                    self._put(claim)
                result.append(claim)
            return result

    def release(self, application_id: str) -> list[Claim]:
        """
        Give back every store record the application holds; return what was released.

        Example:
            >>> from lazada_eligibility import Application, InMemoryRegistry, Store
            >>> registry = InMemoryRegistry()
            >>> _ = registry.claim(Application("A Co.", "mobiles", [Store("eBay", "x")], id="A"))
            >>> [str(c) for c in registry.release("A")], registry.release("A")
            (["ebay/x (claimed on ebay.com) is held by application 'A' (A Co.)"], [])

        .. versionadded:: 0.1.0
        """
        with self._lock:
            mine = self._by_application.pop(application_id, {})
            for key in mine:
                del self._held[key]
            if self._undo is not None:
                self._undo.extend(functools.partial(self._put, c) for c in mine.values())
            return sorted(mine.values(), key=_order)

    def claims_of(self, application_id: str) -> list[Claim]:
        """
        Return the claims the application holds, by platform and store id.

        Example:
            >>> from lazada_eligibility import Application, InMemoryRegistry, Store
            >>> registry = InMemoryRegistry()
            >>> stores = [Store("eBay", "z"), Store("Amazon US", "a")]
            >>> _ = registry.claim(Application("A Co.", "mobiles", stores, id="A"))
            >>> [(c.namespace, c.store_id) for c in registry.claims_of("A")]
            [('amazon', 'a'), ('ebay', 'z')]

        .. versionadded:: 0.1.0
        """
        with self._lock:
            return sorted(self._by_application.get(application_id, {}).values(), key=_order)

    def claims(self) -> list[Claim]:
        """
        Return every claim, by platform and store id.

        Example:
            >>> from lazada_eligibility import InMemoryRegistry
            >>> InMemoryRegistry().claims()
            []

        .. versionadded:: 0.1.0
        """
        with self._lock:
            return sorted(self._held.values(), key=_order)

    @contextmanager
    def transaction(self) -> Iterator[InMemoryRegistry]:
        """
        Hold the registry for a block: other threads wait, and an error undoes the block.

        Example:
            >>> from lazada_eligibility import InMemoryRegistry
            >>> registry = InMemoryRegistry()
            >>> with registry.transaction() as held:
            ...     held.holder("ebay.com", "shop") is None
            True

        .. versionadded:: 0.1.0
        """
        with self._lock:
            if self._undo is not None:  # nested: the outermost block decides
                yield self
                return
            self._undo = []
            try:
                yield self
            except BaseException:
                for undo in reversed(self._undo):
                    undo()
                raise
            finally:
                self._undo = None

    def _put(self, claim: Claim) -> None:
        key = claim.identity
        self._held[key] = claim
        self._by_application.setdefault(claim.application_id, {})[key] = claim
        if self._undo is not None:
            self._undo.append(lambda: self._drop(claim))

    def _drop(self, claim: Claim) -> None:
        key = claim.identity
        del self._held[key]
        mine = self._by_application[claim.application_id]
        del mine[key]
        if not mine:
            del self._by_application[claim.application_id]

    def __getstate__(self) -> dict[str, Any]:
        # A copy sent to another process is a snapshot: good for consulting
        # (as batch workers do), never for claiming; use SqliteRegistry for that.
        with self._lock:
            return {"platforms": self.platforms, "clock": self._clock, "claims": self.claims()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(platforms=state["platforms"], clock=state["clock"])  # type: ignore[misc]
        for claim in state["claims"]:
            self._put(claim)

    def __repr__(self) -> str:
        return f"<InMemoryRegistry of {len(self._held)} claims>"


class SqliteRegistry:
    """
    An evidence registry in one SQLite file: durable, atomic, shared by threads and processes.

    The embedded default for a real deployment on one machine. The file is
    in WAL mode with ``synchronous=FULL`` (a committed claim survives a
    power cut); each claim is one ``BEGIN IMMEDIATE`` transaction, and a
    ``UNIQUE (namespace, store_id)`` constraint makes a double claim
    impossible at the database level. A process killed in the middle of a
    claim leaves nothing of it. The schema is versioned with
    ``PRAGMA user_version`` and upgraded when the file is opened.

    Each thread gets its own connection. The registry can be pickled to
    worker processes, which then open the file themselves.

    Args:
        path: The database file; created with its schema when missing.
        platforms: The catalog that normalises platforms and store ids
            (default :data:`~lazada_eligibility.DEFAULT_PLATFORMS`).
        clock: Returns the aware :class:`~datetime.datetime` each claim is
            stamped with, called once per :meth:`claim`; default the system
            clock in UTC.
        read_only: Open the file only to read (``holder``, ``claims``,
            ``claims_of``), as a seller tool or a batch run that checks reuse
            does: a file without write permission opens, nothing is
            upgraded, and claiming or releasing raises :class:`RegistryError`.
        busy_timeout: The longest an operation waits, in seconds, while
            other connections write: SQLite's busy handler waits inside each
            statement, and a transaction SQLite refuses early (as it does for
            some lock upgrades) is retried with short random pauses until the
            same deadline. Then :class:`RegistryBusyError`; ``database is
            locked`` never reaches the caller before.

    Raises:
        RegistryError: The file cannot be opened, is not an SQLite database,
            holds other tables, or was written by a newer schema.

    Example:
        >>> import tempfile, pathlib
        >>> from lazada_eligibility import Application, SqliteRegistry, Store
        >>> folder = tempfile.TemporaryDirectory()
        >>> registry = SqliteRegistry(pathlib.Path(folder.name) / "claims.db")
        >>> app = Application("Seller Co.", "mobiles", [Store("eBay US", "Best-Shop")], id="APP-1")
        >>> [c.store_id for c in registry.claim(app)]
        ['best-shop']
        >>> [c.application_id for c in SqliteRegistry(registry.path).claims()]
        ['APP-1']
        >>> registry.close()
        >>> folder.cleanup()

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        platforms: PlatformCatalog | None = None,
        clock: collections.abc.Callable[[], datetime.datetime] | None = None,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        read_only: bool = False,
    ) -> None:
        self.platforms = DEFAULT_PLATFORMS if platforms is None else platforms
        self._clock = _utc_now if clock is None else clock
        self._db = Database(
            path, busy_timeout=busy_timeout, rekey=_rekey(self.platforms), read_only=read_only
        )

    @property
    def read_only(self) -> bool:
        """
        Whether the registry was opened only to read, so that claims and releases raise.
        """
        return self._db.read_only

    @property
    def path(self) -> str:
        """
        The database file.
        """
        return self._db.path

    @property
    def busy_timeout(self) -> float:
        """
        The longest an operation waits for other writers, in seconds.
        """
        return self._db.busy_timeout

    def holder(self, platform: str, store_id: str) -> Claim | None:
        """
        Return the claim that holds the store record, or ``None``.

        *platform* is a platform id or anything the catalog resolves; the
        store id is normalised by the platform's rules.

        Raises:
            ValidationError: The catalog does not know the platform.

        .. versionadded:: 0.1.0
        """
        key = _key(self.platforms, platform, store_id)
        row = self._db.read(lambda conn: _sql.holder(conn, (key.namespace, key.store_id)))
        return None if row is None else Claim(**row)

    def claim(self, application: Application, *, decision: Decision | None = None) -> list[Claim]:
        """
        Claim all of the application's stores, or none of them, in one transaction.

        Claiming again for the same application (the same id and the same
        applicant) is harmless: stores it already holds keep their claims.
        With *decision*, its policy and date are stored beside the claim for audit.

        Returns:
            One claim per store identity, in the application's order.

        Raises:
            EvidenceAlreadyClaimed: Naming each store another holder holds.
            RegistryError: The registry was opened read-only.
            ValidationError: The application has no id, a store is on a
                platform the catalog does not know, or the decision does not fit.
            RegistryBusyError: Other writers held the file for ``busy_timeout``.

        .. versionadded:: 0.1.0
        """
        keys = _claim_keys(application, self.platforms)
        _check_decision(application, decision)
        app_id = application.id
        assert app_id is not None  # noqa: S101 -- checked by claim_keys
        now = _timestamp(self._clock)
        audit = _sql.audit_of(decision)

        def work(conn: Any) -> list[Claim]:  # noqa: ANN401 -- a sqlite3.Connection
            rows = _sql.claim(
                conn,
                [(k.namespace, k.store_id, platform) for k, platform in keys],
                application_id=app_id,
                applicant=application.applicant,
                claimed_at=now,
                audit=audit,
            )
            conflicts = [Claim(**r) for r in rows if not same_holder(Claim(**r), application)]
            if conflicts:
                raise EvidenceAlreadyClaimed(conflicts, application_id=app_id)
            return [Claim(**r) for r in rows]

        return self._db.write(work)

    def release(self, application_id: str) -> list[Claim]:
        """
        Give back every store record the application holds; return what was released.

        .. versionadded:: 0.1.0
        """
        return [Claim(**r) for r in self._db.write(lambda c: _sql.release(c, application_id))]

    def claims_of(self, application_id: str) -> list[Claim]:
        """
        Return the claims the application holds, by platform and store id.

        .. versionadded:: 0.1.0
        """
        return [Claim(**r) for r in self._db.read(lambda c: _sql.claims(c, application_id))]

    def claims(self) -> list[Claim]:
        """
        Return every claim, by platform and store id.

        .. versionadded:: 0.1.0
        """
        return [Claim(**r) for r in self._db.read(lambda c: _sql.claims(c, None))]

    @contextmanager
    def transaction(self) -> Iterator[SqliteRegistry]:
        """
        Run a block in one write transaction of this thread's connection.

        Inside the block, every call on this registry from this thread reads
        and writes in the transaction, which commits at the end, or rolls
        back if the block raises. Other writers wait (threads and processes
        alike), so what the block read still holds when it claims.

        Raises:
            RegistryBusyError: Other writers held the file for ``busy_timeout``.

        Example:
            >>> import tempfile, pathlib
            >>> from lazada_eligibility import Application, SqliteRegistry, Store
            >>> folder = tempfile.TemporaryDirectory()
            >>> registry = SqliteRegistry(pathlib.Path(folder.name) / "claims.db")
            >>> app = Application("A Co.", "mobiles", [Store("eBay", "x")], id="A")
            >>> with registry.transaction() as held:
            ...     if held.holder("ebay.com", "x") is None:  # nobody can claim in between
            ...         _ = held.claim(app)
            >>> [c.application_id for c in registry.claims()]
            ['A']
            >>> registry.close()
            >>> folder.cleanup()

        .. versionadded:: 0.1.0
        """
        with self._db.transaction():
            yield self

    def close(self) -> None:
        """
        Close every connection the registry opened; it reopens them when used again.

        .. versionadded:: 0.1.0
        """
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __reduce__(self) -> tuple[Any, ...]:
        # Worker processes open the file themselves: connections never cross a fork.
        return (
            _rebuild_sqlite,
            (self.path, self.platforms, self._clock, self.busy_timeout, self.read_only),
        )

    def __repr__(self) -> str:
        return f"<SqliteRegistry {self.path!r}>"


def _rebuild_sqlite(
    path: str,
    platforms: PlatformCatalog,
    clock: _Clock,
    busy_timeout: float,
    read_only: bool = False,
) -> SqliteRegistry:
    return SqliteRegistry(
        path, platforms=platforms, clock=clock, busy_timeout=busy_timeout, read_only=read_only
    )


def open_registry(
    target: str | os.PathLike[str],
    *,
    platforms: PlatformCatalog | None = None,
    clock: collections.abc.Callable[[], datetime.datetime] | None = None,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    read_only: bool = False,
) -> SqliteRegistry | PostgresRegistry:
    """
    Open the registry *target* names: a ``postgresql://`` URL or an SQLite file.

    One option for every command and job that takes a registry: a file on
    one machine, a PostgreSQL database for many. A URL (``postgresql://`` or
    ``postgres://``) opens a :class:`PostgresRegistry`; anything else is a
    file name for a :class:`SqliteRegistry`. The keyword arguments go to the
    registry as they are.

    Raises:
        RegistryError: The registry cannot be opened (see each class).
        ValidationError: *target* is empty, or an argument is out of range.

    Example:
        >>> import tempfile, pathlib
        >>> from lazada_eligibility.registry import open_registry
        >>> folder = tempfile.TemporaryDirectory()
        >>> with open_registry(pathlib.Path(folder.name) / "claims.db") as registry:
        ...     type(registry).__name__
        'SqliteRegistry'
        >>> folder.cleanup()

    .. versionadded:: 0.3.0
    """
    if isinstance(target, str) and not target.strip():
        raise ValidationError.single(
            "registry", "expected an SQLite file name or a postgresql:// URL, got ''"
        )
    options: dict[str, Any] = {
        "platforms": platforms,
        "clock": clock,
        "busy_timeout": busy_timeout,
        "read_only": read_only,
    }
    if isinstance(target, str) and is_postgres_url(target):
        return PostgresRegistry(target, **options)
    return SqliteRegistry(target, **options)


# Last: the PostgreSQL module builds on the names above.
from ._postgres import PostgresRegistry, is_postgres_url  # noqa: E402
