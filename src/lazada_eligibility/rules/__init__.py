"""
The composable rule engine.

Rules are frozen values about an application, a store or a month of a store.
Combine them with ``&``, ``|`` and ``~`` (:func:`all_of`, :func:`any_of`,
:func:`not_`), move between subjects with the quantifiers, and wrap a tree in
a :class:`~lazada_eligibility.Policy` to evaluate it.
"""

from __future__ import annotations

from ._branching import by_applied_category, by_market
from ._core import Context, Level, Outcome, Rule, StoreMonth, Verdict, all_of, any_of, not_
from ._custom import CustomRule, leaf_rule
from ._leaves import (
    CATEGORY_MODES,
    category_matches,
    evidence_not_reused,
    min_turnover,
    owner_is,
    platform_kind,
    prohibited_categories,
)
from ._quantifiers import any_store, combined_stores, each_month, every_store

__all__ = [
    "CATEGORY_MODES",
    "Context",
    "CustomRule",
    "Level",
    "Outcome",
    "Rule",
    "StoreMonth",
    "Verdict",
    "all_of",
    "any_of",
    "any_store",
    "by_applied_category",
    "by_market",
    "category_matches",
    "combined_stores",
    "each_month",
    "every_store",
    "evidence_not_reused",
    "leaf_rule",
    "min_turnover",
    "not_",
    "owner_is",
    "platform_kind",
    "prohibited_categories",
]
