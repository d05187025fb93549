"""
Decide whether a seller qualifies to open a store on the Lazada marketplace.

Everything public is importable from here; see the API reference.
"""

from __future__ import annotations

from importlib.metadata import version as _version

from .categories import (
    DEFAULT_CATEGORY_MAP,
    LAZADA_CATEGORIES,
    Category,
    CategoryMap,
    CategoryTaxonomy,
)
from .claiming import evaluate_and_claim
from .decision import Decision
from .engine import evaluate
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
from .explain.remedies import Remedy
from .identity import MAX_STORE_ID_LENGTH, StoreIdentity, canonical_store_id
from .models import MARKETS, Application, MonthlyTurnover, Store
from .money import Money, RateTable
from .periods import Month, review_window
from .planning import EarliestPlan, earliest_eligible, earliest_plan
from .platforms import DEFAULT_PLATFORMS, Platform, PlatformCatalog, PlatformKind
from .policy._documents import dump_policy, load_policy
from .policy._policy import Policy, PreparedPolicy
from .policy.diff import ChangedApplication, PolicyDiff, policy_diff
from .policy.shipped import LAZADA_CROSS_BORDER
from .registry import (
    Claim,
    InMemoryRegistry,
    PostgresRegistry,
    RegistryBusyError,
    RegistryError,
    SqliteRegistry,
    claim_keys,
    open_registry,
)
from .rules import Outcome, Verdict
from .typing import EvidenceRegistry, ExchangeRates, TransactionalRegistry

__version__ = _version("lazada-eligibility")

__all__ = [
    "DEFAULT_CATEGORY_MAP",
    "DEFAULT_PLATFORMS",
    "LAZADA_CATEGORIES",
    "LAZADA_CROSS_BORDER",
    "MARKETS",
    "MAX_STORE_ID_LENGTH",
    "Application",
    "Category",
    "CategoryMap",
    "CategoryTaxonomy",
    "ChangedApplication",
    "Claim",
    "CurrencyMismatchError",
    "Decision",
    "EarliestPlan",
    "EligibilityError",
    "EvidenceAlreadyClaimed",
    "EvidenceRegistry",
    "ExchangeRates",
    "ExportFormatError",
    "FieldProblem",
    "InMemoryRegistry",
    "Money",
    "Month",
    "MonthlyTurnover",
    "Outcome",
    "Platform",
    "PlatformCatalog",
    "PlatformKind",
    "Policy",
    "PolicyDiff",
    "PolicyError",
    "PostgresRegistry",
    "PreparedPolicy",
    "RateTable",
    "RegistryBusyError",
    "RegistryError",
    "Remedy",
    "SqliteRegistry",
    "Store",
    "StoreIdentity",
    "TransactionalRegistry",
    "UnknownCategoryError",
    "ValidationError",
    "Verdict",
    "__version__",
    "canonical_store_id",
    "claim_keys",
    "dump_policy",
    "earliest_eligible",
    "earliest_plan",
    "evaluate",
    "evaluate_and_claim",
    "load_policy",
    "open_registry",
    "policy_diff",
    "review_window",
]


def __getattr__(name: str) -> object:
    # Deprecated names, kept for one minor version.
    if name == "EarliestDate":
        from . import planning  # noqa: PLC0415 -- only for the deprecated name

        return getattr(planning, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
