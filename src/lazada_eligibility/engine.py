"""
The main entry point: decide an application.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .policy.shipped import LAZADA_CROSS_BORDER

if TYPE_CHECKING:
    from .categories import CategoryTaxonomy
    from .decision import Decision
    from .models import Application
    from .platforms import PlatformCatalog
    from .policy._policy import Policy
    from .typing import EvidenceRegistry, ExchangeRates


__all__ = ["evaluate"]


def evaluate(
    application: Application,
    *,
    as_of: dt.date,
    policy: Policy | None = None,
    rates: ExchangeRates | None = None,
    registry: EvidenceRegistry | None = None,
    platforms: PlatformCatalog | None = None,
    categories: CategoryTaxonomy | None = None,
) -> Decision:
    """
    Decide whether *application* qualifies, as of *as_of*, and say why.

    Args:
        application: What the seller applies with.
        as_of: The day of the decision; the review window ends before its month.
        policy: The policy; :data:`~lazada_eligibility.LAZADA_CROSS_BORDER` by default.
        rates: Exchange rates for turnover not in the minimum's currency.
        registry: The evidence registry; without one, reuse is not checked
            and the decision says so in its caveats.
        platforms: The platform catalog (default
            :data:`~lazada_eligibility.DEFAULT_PLATFORMS`).
        categories: The category taxonomy (default
            :data:`~lazada_eligibility.LAZADA_CATEGORIES`).

    Returns:
        The decision. Being ineligible is a decision, never an exception.

    Example:
        >>> from lazada_eligibility import evaluate
        >>> import datetime as dt
        >>> from lazada_eligibility import Application, Money, Month, MonthlyTurnover, Store
        >>> store = Store(
        ...     "Amazon US",
        ...     "A1B2C3",
        ...     [
        ...         MonthlyTurnover(Month(2026, 8), Money("1200", "USD")),
        ...         MonthlyTurnover(Month(2026, 9), Money("850", "USD")),
        ...         MonthlyTurnover(Month(2026, 10), Money("1000.00", "USD")),
        ...     ],
        ...     category="mobiles",
        ... )
        >>> decision = evaluate(
        ...     Application("Seller Co.", "mobiles", [store]), as_of=dt.date(2026, 11, 28)
        ... )
        >>> decision.verdict, decision.eligible
        (<Verdict.FAIL: 'fail'>, False)
        >>> [(r.code, str(r.facts["shortfall"])) for r in decision.reasons]
        [('turnover.below-minimum', '150 USD')]

    .. versionadded:: 0.1.0
    """
    policy = LAZADA_CROSS_BORDER if policy is None else policy
    return policy.evaluate(
        application,
        as_of=as_of,
        rates=rates,
        registry=registry,
        platforms=platforms,
        categories=categories,
    )
