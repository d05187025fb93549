"""
What changing a policy does to a corpus of applications.

:func:`policy_diff` decides every application under two policies and
counts how the verdicts move; the applications whose verdict or reasons
change are kept with both decisions, for a policy owner to read before a
change ships.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from ..rules import Verdict
from ._policy import Policy, as_date

if TYPE_CHECKING:
    from ..categories import CategoryTaxonomy
    from ..decision import Decision
    from ..models import Application
    from ..platforms import PlatformCatalog
    from ..typing import EvidenceRegistry, ExchangeRates

__all__ = ["ChangedApplication", "PolicyDiff", "policy_diff"]

_ORDER: Final = (Verdict.PASS, Verdict.REVIEW, Verdict.FAIL)


def reason_keys(decision: Decision) -> tuple[tuple[str, str, str], ...]:
    """
    The reasons of *decision* as sorted ``(code, rule, subject)`` triples.

    Facts are left out on purpose: raising a minimum changes every
    shortfall, but a month that was short and stays short is the same reason.
    """
    return tuple(sorted((r.code, r.rule, str(r.subject)) for r in decision.reasons))


@attrs.frozen
class ChangedApplication:
    """
    One application whose verdict or reasons differ between two policies.

    Attributes:
        index: Its 0-based position in the corpus.
        application_id: Its id, when it has one.
        old: The decision under the old policy.
        new: The decision under the new policy.

    .. versionadded:: 0.1.0
    """

    index: int
    application_id: str | None
    old: Decision
    new: Decision

    @property
    def verdict_changed(self) -> bool:
        """
        Whether the verdict itself changed, not only the reasons.
        """
        return self.old.verdict is not self.new.verdict

    def __str__(self) -> str:
        name = self.application_id or f"#{self.index}"
        codes = ", ".join(sorted({r.code for r in self.new.reasons})) or "no reasons"
        if self.verdict_changed:
            return f"{name}: {self.old.verdict} -> {self.new.verdict} ({codes})"
        return f"{name}: {self.new.verdict}, reasons changed ({codes})"


@attrs.frozen(eq=False)
class PolicyDiff:
    """
    How the verdicts on a corpus move from one policy to another.

    Attributes:
        old: The old policy.
        new: The new policy.
        counts: For every ``(old verdict, new verdict)`` pair, how many
            applications moved that way; all nine pairs are present.
        changed: The applications whose verdict or reasons changed, in
            corpus order.

    .. versionadded:: 0.1.0
    """

    old: Policy
    new: Policy
    counts: Mapping[tuple[Verdict, Verdict], int]
    changed: tuple[ChangedApplication, ...]

    @property
    def total(self) -> int:
        """
        How many applications were decided.
        """
        return sum(self.counts.values())

    def moved(self, old: Verdict, new: Verdict) -> tuple[ChangedApplication, ...]:
        """
        The changed applications whose verdict went from *old* to *new*.

        .. versionadded:: 0.1.0
        """
        return tuple(c for c in self.changed if c.old.verdict is old and c.new.verdict is new)

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready summary: both policies, the counts and each change.

        .. versionadded:: 0.1.0
        """
        return {
            "old": _policy(self.old),
            "new": _policy(self.new),
            "total": self.total,
            "counts": [
                {"old": o.value, "new": n.value, "count": count}
                for (o, n), count in self.counts.items()
            ],
            "changed": [
                {
                    "index": c.index,
                    "application_id": c.application_id,
                    "old": {"verdict": c.old.verdict.value, "reasons": _codes(c.old)},
                    "new": {"verdict": c.new.verdict.value, "reasons": _codes(c.new)},
                }
                for c in self.changed
            ],
        }


def _policy(policy: Policy) -> dict[str, str]:
    return {"id": policy.id, "version": policy.version, "digest": policy.digest}


def _codes(decision: Decision) -> list[dict[str, str]]:
    return [
        {"code": code, "rule": rule, "subject": subject}
        for code, rule, subject in reason_keys(decision)
    ]


def policy_diff(
    old: Policy,
    new: Policy,
    applications: Iterable[Application],
    *,
    as_of: dt.date,
    rates: ExchangeRates | None = None,
    registry: EvidenceRegistry | None = None,
    platforms: PlatformCatalog | None = None,
    categories: CategoryTaxonomy | None = None,
) -> PolicyDiff:
    """
    Decide every application under *old* and *new* and say what changes.

    The applications are read one at a time, so a corpus can be a
    generator over a large file; only the changed ones are kept. An
    application counts as changed when its verdict changes, or when its
    reasons do (by code, rule and subject; facts such as a shortfall are
    not compared).

    Args:
        old: The policy in force.
        new: The policy proposed.
        applications: The corpus.
        as_of: The day of the decisions.
        rates: Exchange rates, as for :func:`~lazada_eligibility.evaluate`.
        registry: The evidence registry; only read.
        platforms: The platform catalog.
        categories: The category taxonomy.

    Returns:
        The counts of every verdict pair and the changed applications.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility import (
        ...     Application,
        ...     Money,
        ...     Month,
        ...     MonthlyTurnover,
        ...     Store,
        ...     Verdict,
        ... )
        >>> from lazada_eligibility.policy.diff import policy_diff
        >>> from lazada_eligibility.policy.shipped import LAZADA_CROSS_BORDER, lazada_cross_border
        >>> store = Store(
        ...     "Amazon US",
        ...     "A1",
        ...     [MonthlyTurnover(Month(2026, m), Money("1200", "USD")) for m in (8, 9, 10)],
        ...     category="mobiles",
        ... )
        >>> diff = policy_diff(
        ...     LAZADA_CROSS_BORDER,
        ...     lazada_cross_border(minimum=Money("1500", "USD")),
        ...     [Application("Seller Co.", "mobiles", [store], id="APP-1")],
        ...     as_of=dt.date(2026, 11, 28),
        ... )
        >>> diff.counts[Verdict.PASS, Verdict.FAIL], diff.total
        (1, 1)
        >>> print(diff.changed[0])
        APP-1: pass -> fail (turnover.below-minimum)

    .. versionadded:: 0.1.0
    """
    day = as_date(as_of)
    before, after = (
        p.prepare(platforms=platforms, categories=categories, rates=rates, registry=registry)
        for p in (old, new)
    )
    counts = dict.fromkeys(((o, n) for o in _ORDER for n in _ORDER), 0)
    changed: list[ChangedApplication] = []
    for index, application in enumerate(applications):
        a = before.evaluate(application, as_of=day)
        b = after.evaluate(application, as_of=day)
        counts[a.verdict, b.verdict] += 1
        if a.verdict is not b.verdict or reason_keys(a) != reason_keys(b):
            changed.append(ChangedApplication(index, application.id, a, b))
    return PolicyDiff(old, new, counts, tuple(changed))
