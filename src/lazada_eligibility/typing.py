"""
Protocols that host applications implement.

The library asks for these rather than for concrete classes, so an embedder
can plug in its own exchange-rate service or evidence store.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .periods import Month

if TYPE_CHECKING:
    from .decision import Decision
    from .models import Application
    from .registry import Claim

__all__ = ["EvidenceRegistry", "ExchangeRates"]


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
    another database is a small class with these four methods. Platforms are
    platform ids from the catalog and store ids are normalised by the
    platform's rules (:meth:`~lazada_eligibility.Platform.normalize_store_id`)
    before they reach a registry.

    .. versionadded:: 0.1.0
    """

    def holder(self, platform: str, store_id: str) -> Claim | None:
        """
        Return the claim that holds the store record, or ``None``.
        """

    def claim(self, application: Application, *, decision: Decision | None = None) -> list[Claim]:
        """
        Claim all of the application's stores, or none of them.

        Raises:
            EvidenceAlreadyClaimed: Naming each store another application holds.
        """

    def release(self, application_id: str) -> list[Claim]:
        """
        Give back every store record the application holds; return what was released.
        """

    def claims_of(self, application_id: str) -> list[Claim]:
        """
        Return the claims the application holds.
        """
