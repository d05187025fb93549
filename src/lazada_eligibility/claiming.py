"""
Decide an application and claim its store records as one step.

A review pipeline that decides many applications at once must never let two
of them win the same store record. Evaluating and then claiming in two steps
leaves a gap in which another process can claim; :func:`evaluate_and_claim`
closes it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

import attrs

from .engine import evaluate
from .exceptions import EvidenceAlreadyClaimed, ValidationError
from .models import Application
from .platforms import PlatformCatalog
from .typing import TransactionalRegistry

if TYPE_CHECKING:
    from .categories import CategoryTaxonomy
    from .decision import Decision
    from .policy._policy import Policy
    from .typing import EvidenceRegistry, ExchangeRates

__all__ = ["evaluate_and_claim"]

_CLAIMS: Final = ("used", "listed")


def evaluate_and_claim(
    application: Application,
    *,
    as_of: dt.date,
    registry: EvidenceRegistry,
    policy: Policy | None = None,
    rates: ExchangeRates | None = None,
    platforms: PlatformCatalog | None = None,
    categories: CategoryTaxonomy | None = None,
    claim: str = "used",
) -> Decision:
    """
    Decide *application* and, only when it is eligible, claim the store records it used.

    What is claimed is what the decision relied on
    (:attr:`~lazada_eligibility.Decision.relied_on`): for ``any_store`` the
    stores that qualified, for ``combined_stores`` the stores whose turnover
    was summed, for ``every_store`` all of them. A store the application
    merely lists (no turnover, a domestic platform, another seller's store)
    stays free for its owner. ``claim="listed"`` claims every listed store
    instead, for a marketplace that wants an application to lock all it shows.

    With a :class:`~lazada_eligibility.typing.TransactionalRegistry` (both
    registries of the library are), the decision and the claim run in one
    transaction that holds the registry's write lock, so the decision sees
    every claim committed before it and none can slip in before its own:
    of two applications decided at the same moment in different processes
    over one store record, exactly one is eligible. With a plain
    :class:`~lazada_eligibility.typing.EvidenceRegistry` the claim itself is
    atomic; when another application wins the race between decision and
    claim, the application is decided again, and that decision is returned.

    Args:
        application: What the seller applies with; it must have an ``id``.
        as_of: The day of the decision.
        registry: The evidence registry to consult and claim in.
        policy: The policy; :data:`~lazada_eligibility.LAZADA_CROSS_BORDER`
            by default. It should check ``evidence_not_reused()``.
        rates: Exchange rates for turnover not in the minimum's currency.
        platforms: The platform catalog; by default the registry's own
            (its ``platforms`` attribute), else
            :data:`~lazada_eligibility.DEFAULT_PLATFORMS`.
        categories: The category taxonomy.
        claim: ``"used"`` (default) claims the stores the decision relied
            on; ``"listed"`` every store the application lists.

    Returns:
        The decision. When it is eligible, the application holds the store
        records it relied on (or all it lists); otherwise nothing was claimed.

    Raises:
        ValidationError: The application has no id, *claim* is neither
            ``"used"`` nor ``"listed"``, or an eligible application has a
            store on a platform the registry cannot claim.
        EvidenceAlreadyClaimed: The policy does not check reuse, found the
            application eligible, and another application holds a record.

    Example:
        >>> from lazada_eligibility import evaluate_and_claim
        >>> import datetime as dt
        >>> from lazada_eligibility import Application, Money, Month, MonthlyTurnover, Store
        >>> from lazada_eligibility.registry import InMemoryRegistry
        >>> store = Store(
        ...     "Amazon US",
        ...     "A1B2C3",
        ...     [MonthlyTurnover(Month(2026, m), Money("1500", "USD")) for m in (8, 9, 10)],
        ...     category="mobiles",
        ... )
        >>> registry = InMemoryRegistry()
        >>> first = Application("Seller Co.", "mobiles", [store], id="APP-1")
        >>> second = Application("Other Co.", "mobiles", [store], id="APP-2")
        >>> evaluate_and_claim(first, as_of=dt.date(2026, 11, 28), registry=registry).eligible
        True
        >>> decision = evaluate_and_claim(second, as_of=dt.date(2026, 11, 28), registry=registry)
        >>> decision.eligible, [r.code for r in decision.reasons]
        (False, ['evidence.reused'])
        >>> [c.application_id for c in decision.holders]  # operator-facing only
        ['APP-1']

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Claims only the stores the decision relied on; *claim* added.
    """
    _check_arguments(application, claim)
    if platforms is None:
        own = getattr(registry, "platforms", None)
        platforms = own if isinstance(own, PlatformCatalog) else None

    def decide(view: EvidenceRegistry) -> Decision:
        return evaluate(
            application,
            as_of=as_of,
            policy=policy,
            rates=rates,
            registry=view,
            platforms=platforms,
            categories=categories,
        )

    if isinstance(registry, TransactionalRegistry):
        with registry.transaction() as view:
            decision = decide(view)
            if decision.eligible:
                view.claim(_claimed(application, decision, claim), decision=decision)
        return decision

    decision = decide(registry)
    if not decision.eligible:
        return decision
    try:
        registry.claim(_claimed(application, decision, claim), decision=decision)
    except EvidenceAlreadyClaimed:
        # Another application claimed between our decision and our claim:
        # decided again, the application now fails on evidence_not_reused().
        again = decide(registry)
        if again.eligible:  # the policy does not check reuse: say so
            raise
        return again
    return decision


def _claimed(application: Application, decision: Decision, claim: str) -> Application:
    # The application as it is claimed: every listed store, or those relied on.
    if claim == "listed":
        return application
    used = set(decision.relied_on)
    return attrs.evolve(
        application, stores=[s for s in application.stores if (s.platform, s.store_id) in used]
    )


def _check_arguments(application: Application, claim: str) -> None:
    if not isinstance(application, Application):
        raise TypeError(f"expected an Application, got {type(application).__name__}")
    if application.id is None:
        raise ValidationError.single("id", "an application needs an id to claim store records")
    if claim not in _CLAIMS:
        raise ValidationError.single("claim", f"expected 'used' or 'listed', got {claim!r}")
