"""
Decide whether a seller qualifies to open a store on the Lazada marketplace.

Everything public is importable from here; see the API reference.
"""

from __future__ import annotations

from importlib.metadata import version as _version

from .exceptions import (
    CurrencyMismatchError,
    EligibilityError,
    EvidenceAlreadyClaimed,
    ExportFormatError,
    FieldProblem,
    PolicyError,
    UnknownCategoryError,
    ValidationError,
)
from .models import MARKETS, Application, MonthlyTurnover, Store
from .money import Money, RateTable
from .periods import Month, review_window
from .typing import ExchangeRates

__version__ = _version("lazada-eligibility")

__all__ = [
    "MARKETS",
    "Application",
    "CurrencyMismatchError",
    "EligibilityError",
    "EvidenceAlreadyClaimed",
    "ExchangeRates",
    "ExportFormatError",
    "FieldProblem",
    "Money",
    "Month",
    "MonthlyTurnover",
    "PolicyError",
    "RateTable",
    "Store",
    "UnknownCategoryError",
    "ValidationError",
    "__version__",
    "review_window",
]
