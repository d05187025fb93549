"""
Protocols that host applications implement.

The library asks for these rather than for concrete classes, so an embedder
can plug in its own exchange-rate service or evidence store.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .periods import Month

if TYPE_CHECKING:
    from .decision import Decision
    from .models import Application
    from .registry import Claim

__all__ = ["EvidenceRegistry", "ExchangeRates", "TransactionalRegistry"]


@runtime_checkable
class ExchangeRates(Protocol):
    """
    Monthly exchange rates.

    :class:`~lazada_eligibility.RateTable` implements it; so can a class
    that asks a rate service, as long as it answers from data it already
    holds (rules are evaluated many times and must not do I/O).

    .. versionadded:: 0.1.0
    """

    def rate(self, source: str, target: str, month: Month) -> Decimal | None:
        """
        Return how many units of *target* one unit of *source* buys in *month*.

        Return ``None`` when the rate is not known: the rule that needed it
        then reviews with code ``fx.rate-missing``. Never guess.
        """


@runtime_checkable
class EvidenceRegistry(Protocol):
    """
    Who already used which store record for a Lazada store.

    :class:`~lazada_eligibility.InMemoryRegistry` and
    :class:`~lazada_eligibility.SqliteRegistry` implement it; a registry on
    another database is a small class with these four methods. A record is
    keyed on its :class:`~lazada_eligibility.StoreIdentity` (account namespace
    and canonical store id): ``evidence_not_reused()`` asks :meth:`holder`
    with a platform id and a canonical store id, which
    :meth:`~lazada_eligibility.PlatformCatalog.identity` turns into the key,
    and :meth:`claim` keys the application's stores with
    :func:`~lazada_eligibility.claim_keys`, refusing a store on a platform its
    catalog does not know and an application without an ``id``. A record is
    held by an application id *and* its applicant: another applicant with the
    same id is another holder.

    A registry that can also hold its lock across several calls implements
    :class:`TransactionalRegistry`.

    .. versionadded:: 0.1.0
    """

    def holder(self, platform: str, store_id: str) -> Claim | None:
        """
        Return the claim that holds the store record, or ``None``.
        """

    def claim(self, application: Application, *, decision: Decision | None = None) -> list[Claim]:
        """
        Claim all of the application's stores, or none of them.

        Atomic: when two applications claim overlapping stores at once, one
        gets every store and the other none. Claiming again for the
        application that already holds a store (the same id and applicant)
        keeps its claim. *decision*,
        when given, is the eligible decision the claim rests on.

        Returns:
            One claim per store, in the application's order.

        Raises:
            EvidenceAlreadyClaimed: Naming each store another application holds.
            ValidationError: The application has no id, or a store is on a
                platform the registry's catalog does not know.
        """

    def release(self, application_id: str) -> list[Claim]:
        """
        Give back every store record the application holds; return what was released.
        """

    def claims_of(self, application_id: str) -> list[Claim]:
        """
        Return the claims the application holds.
        """


@runtime_checkable
class TransactionalRegistry(EvidenceRegistry, Protocol):
    """
    An evidence registry that can hold its write lock across several calls.

    :func:`~lazada_eligibility.evaluate_and_claim` uses it to decide and
    claim as one unit, so that what the decision read about the registry
    still holds when it claims. Both registries of the library implement
    it; a database registry does with a transaction that takes the write
    lock (or the rows' locks) before it reads, such as ``BEGIN IMMEDIATE``
    in SQLite or ``LOCK TABLE`` in PostgreSQL.

    Example:
        >>> from lazada_eligibility import TransactionalRegistry
        >>> from lazada_eligibility.registry import InMemoryRegistry
        >>> isinstance(InMemoryRegistry(), TransactionalRegistry)
        True

    .. versionadded:: 0.1.0
    """

    def transaction(self) -> AbstractContextManager[EvidenceRegistry]:
        """
        Return a context manager that holds the registry's write lock for a block.

        It yields the registry to call in the block: its calls from the
        same thread run in the transaction, which commits when the block
        ends and undoes everything the block did if it raises. Other writers
        wait until then.
        """
