"""
The evidence registry: which store records were already used on Lazada.

Store records already used for a Lazada store cannot be used again. A
registry remembers who holds each record; ``evidence_not_reused()`` consults
it, and :func:`~lazada_eligibility.evaluate_and_claim` decides and claims in
one step.
"""

from __future__ import annotations

import datetime as dt

import attrs

__all__ = ["Claim"]


@attrs.frozen(kw_only=True)
class Claim:
    """
    One store record held by one application.

    Args:
        platform: The platform id from the catalog, such as ``amazon.com``.
        store_id: The store id, normalised by the platform's rules.
        application_id: The application that holds it.
        applicant: Who applied.
        claimed_at: When it was claimed.

    .. versionadded:: 0.1.0
    """

    platform: str
    store_id: str
    application_id: str
    applicant: str
    claimed_at: dt.datetime

    def __str__(self) -> str:
        return (
            f"{self.platform}/{self.store_id} is held by application "
            f"{self.application_id!r} ({self.applicant})"
        )
