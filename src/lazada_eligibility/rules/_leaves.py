"""
The built-in leaf rules, one module each (internal): platform, category, turnover, evidence and owner.

Each module holds its rule's closures, the fragments the code generator
writes for it, and the specs of the codes it raises, side by side.
"""

from __future__ import annotations

from ._category import (
    CATEGORY_MODES,
    CategoryMatches,
    ProhibitedCategories,
    category_matcher,
    category_matches,
    prohibited_categories,
    store_categories,
)
from ._evidence import EvidenceNotReused, evidence_not_reused
from ._leaf import LeafRule, rate_text
from ._owner import OwnerIs, owner_is
from ._platform import PlatformKindRule, platform_kind
from ._turnover import MinTurnover, min_turnover

__all__ = [
    "CATEGORY_MODES",
    "CategoryMatches",
    "EvidenceNotReused",
    "LeafRule",
    "MinTurnover",
    "OwnerIs",
    "PlatformKindRule",
    "ProhibitedCategories",
    "category_matcher",
    "category_matches",
    "evidence_not_reused",
    "min_turnover",
    "owner_is",
    "platform_kind",
    "prohibited_categories",
    "rate_text",
    "store_categories",
]
