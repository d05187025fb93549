"""
Ready-made policies, starting with Lazada's cross-border onboarding rule.

The default policy is a document, ``lazada-cross-border.toml`` in this
package: its ``source`` says where each default comes from, and its
``[params]`` are the numbers a policy owner is most likely to change.
"""

from __future__ import annotations

import functools
import importlib.resources
from typing import Any, Final, Literal

import attrs

from ...exceptions import PolicyError
from ...money import Money
from ...rules import Rule, all_of, combined_stores
from ...rules._quantifiers import AnyStore
from .._documents import load_policy
from .._policy import Policy

__all__ = [
    "LAZADA_CROSS_BORDER",
    "SHIPPED_POLICIES",
    "SOURCE",
    "is_shipped",
    "lazada_cross_border",
    "lazada_cross_border_document",
]

_DOCUMENT: Final = "lazada-cross-border.toml"


@functools.cache
def lazada_cross_border_document() -> str:
    """
    Return the text of the shipped default policy document (TOML).

    Copy it to start a policy of your own.

    Example:
        >>> from lazada_eligibility.policy.shipped import lazada_cross_border_document
        >>> print(lazada_cross_border_document().splitlines()[0])
        # Lazada's cross-border seller onboarding rule: the default policy of lazada_eligibility.

    .. versionadded:: 0.1.0
    """
    return (importlib.resources.files(__name__) / _DOCUMENT).read_text(encoding="utf-8")


def lazada_cross_border(
    *,
    months: int | None = None,
    minimum: Money | None = None,
    lag_days: int | None = None,
    category_mode: str | None = None,
    stores: Literal["any", "combined"] = "any",
    id: str | None = None,  # noqa: A002 -- matches Policy.id
    version: str | None = None,
) -> Policy:
    """
    Build Lazada's cross-border onboarding policy with these parameters.

    Each parameter left out keeps the shipped document's value; the result
    equals loading the document with ``params=`` set to the others.

    Args:
        months: How many complete months before the decision must each meet
            the minimum (default 3).
        minimum: The least turnover of each month (default US$1,000).
        lag_days: While the decision day of the month is at most this, the
            window ends a month earlier (default 0).
        category_mode: How the turnover's category must match the applied
            one: ``exact``, ``within`` or ``same-top-level`` (the default).
        stores: ``any`` (one store meets every month on its own) or
            ``combined`` (the qualifying stores' turnover is summed).
        id: The policy id (default ``lazada-cross-border``).
        version: The policy version (default the document's).

    Raises:
        PolicyError: A parameter is not valid; the problem names it as
            ``params.NAME``.

    Example:
        >>> from lazada_eligibility import Money
        >>> from lazada_eligibility.policy.shipped import lazada_cross_border
        >>> policy = lazada_cross_border(minimum=Money("1500", "USD"), months=6)
        >>> print(policy.rule)
        any_store(platform_kind('cross-border') & category_matches('same-top-level') & each_month(min_turnover(Money('1500', 'USD')), window=6)) & evidence_not_reused()

    .. versionadded:: 0.1.0
    """
    params: dict[str, object] = {}
    if minimum is not None:
        if not isinstance(minimum, Money):
            raise PolicyError(f"minimum: expected Money, got {minimum!r}")
        params.update(minimum=minimum.amount, currency=minimum.currency)
    given = {"months": months, "lag_days": lag_days, "category_mode": category_mode}
    params.update({k: v for k, v in given.items() if v is not None})
    policy = load_policy(lazada_cross_border_document(), params=params)
    if stores == "combined":
        policy = attrs.evolve(policy, rule=_combined(policy.rule))
    elif stores != "any":
        raise PolicyError(f"stores must be 'any' or 'combined', got {stores!r}")
    if id is not None or version is not None:
        policy = attrs.evolve(policy, id=id or policy.id, version=version or policy.version)
    return policy


def _combined(rule: Rule[Any]) -> Rule[Any]:
    # The document says "some store on its own"; 'combined' sums the
    # qualifying stores instead, with the same store rule.
    parts = [
        combined_stores(part.rule) if isinstance(part, AnyStore) else part
        for part in (rule.children() if rule.kind == "all" else (rule,))
    ]
    return all_of(*parts)


LAZADA_CROSS_BORDER: Final = lazada_cross_border()
"""The default policy: three months of at least US$1,000 on a cross-border platform."""

SOURCE: Final = LAZADA_CROSS_BORDER.source
"""Where the default policy and each of its defaults come from."""

SHIPPED_POLICIES: Final[tuple[Policy, ...]] = (LAZADA_CROSS_BORDER,)
"""The policies the package ships; text output names the digest of any other policy."""


def is_shipped(digest: str) -> bool:
    """
    Return whether *digest* is the digest of a policy the package ships.

    A policy is shipped when its rule is a shipped one, whatever its id and
    version say: a document that takes ``lazada-cross-border`` as its id
    with another rule is not shipped, so explanations name its digest.

    Example:
        >>> from lazada_eligibility import Money
        >>> from lazada_eligibility.policy.shipped import (
        ...     LAZADA_CROSS_BORDER,
        ...     is_shipped,
        ...     lazada_cross_border,
        ... )
        >>> is_shipped(LAZADA_CROSS_BORDER.digest)
        True
        >>> is_shipped(lazada_cross_border(minimum=Money("1500", "USD")).digest)
        False

    .. versionadded:: 0.3.0
    """
    return any(digest == p.digest for p in SHIPPED_POLICIES)
