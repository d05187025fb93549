"""
Deprecated alias of :mod:`lazada_eligibility.policy.shipped` (the shipped policies).

Import from ``lazada_eligibility.policy.shipped`` instead; this path goes in 0.2.0.
"""

from __future__ import annotations

from ._moved import forward

__getattr__, __dir__ = forward(__name__, "lazada_eligibility.policy.shipped")
