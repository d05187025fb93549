"""
Protocols that host applications implement.

The library asks for these rather than for concrete classes, so an embedder
can plug in its own exchange-rate service or evidence store.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol, runtime_checkable

from .periods import Month

__all__ = ["ExchangeRates"]


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
