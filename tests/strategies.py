"""
Hypothesis strategies for the project's own tests.

They are the public ones from :mod:`lazada_eligibility.testing`, so the
project tests with exactly what embedders get; test-only strategies go here.
"""

from __future__ import annotations

from lazada_eligibility.testing import *  # noqa: F403
from lazada_eligibility.testing import __all__ as _public

__all__ = list(_public)
