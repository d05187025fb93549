"""
Deprecated alias of :mod:`lazada_eligibility.policy` (policy documents).

Import from ``lazada_eligibility.policy`` instead; this path goes in 0.2.0.
"""

from __future__ import annotations

from ._moved import forward

__getattr__, __dir__ = forward(__name__, "lazada_eligibility.policy")
