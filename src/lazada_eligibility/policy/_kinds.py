"""
The rule kinds a policy document may name, with their parameters (internal).

Each kind maps a document node ``{kind: parameters}`` to one public factory
in :mod:`lazada_eligibility.rules`. The loader builds rules through this
table only, so a document can name nothing else: no attribute lookups by
name, no imports, no code. The JSON Schema and the policy reference are
generated from the same table, so neither can drift from what loads.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from ..exceptions import PolicyError
from ..money import Money
from ..platforms import PlatformKind
from ..rules import (
    CATEGORY_MODES,
    Rule,
    all_of,
    any_of,
    any_store,
    category_matches,
    combined_stores,
    each_month,
    every_store,
    evidence_not_reused,
    min_turnover,
    not_,
    owner_is,
    platform_kind,
    prohibited_categories,
)
from ..rules._branching import by_applied_category, by_market
from ..rules._quantifiers import MAX_WINDOW

__all__ = ["KINDS", "PARAM_TYPES", "REQUIRED", "RuleKind", "RuleParam", "register"]

PARAM_TYPES: Final = (
    "int",
    "str",
    "bool",
    "decimal",
    "money",
    "currency",
    "month",
    "category",
    "rule",
)
"""What a parameter may hold; see :class:`RuleParam`."""

KIND_NAME: Final = re.compile(r"[a-z][a-z0-9_]*")


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Final[Any] = _Required()
"""The default of a parameter that a document must give."""


def _check_type(_: object, __: attrs.Attribute[str], value: object) -> None:
    if value not in PARAM_TYPES:
        choices = ", ".join(repr(t) for t in PARAM_TYPES)
        raise PolicyError(f"a parameter's type must be one of {choices}, got {value!r}")


def _strs(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class RuleParam:
    """
    One parameter of a rule kind, as policy documents write it.

    Args:
        type: What the parameter holds: ``"int"``, ``"str"`` (non-blank
            text), ``"bool"``, ``"decimal"`` (a number written as text, such
            as ``"1000.50"``; read as :class:`~decimal.Decimal`),
            ``"money"`` (``{ amount = "1000", currency = "USD" }``; read as
            :class:`~lazada_eligibility.Money`), ``"currency"`` (an ISO 4217
            code), ``"month"`` (such as ``"2026-09"``; read as
            :class:`~lazada_eligibility.Month`), ``"category"`` (a category
            id or group of the taxonomy) or ``"rule"`` (a rule node).
        default: The value, as a document writes it, when the document
            leaves the parameter out; without one the parameter is required.
        many: The parameter is a list of such values (read as a tuple).
        choices: The only values a ``"str"`` parameter may take.
        minimum: The least value of an ``"int"`` or ``"decimal"``.
        maximum: The greatest value of an ``"int"``.
        min_items: The fewest items of a list.
        doc: One line for the policy reference.

    Example:
        >>> from lazada_eligibility.policy import RuleParam
        >>> RuleParam("int", minimum=1, doc="How many months.")
        RuleParam(type='int', default=REQUIRED, many=False, choices=(), minimum=1, maximum=None, min_items=0, doc='How many months.')

    .. versionadded:: 0.1.0
    """

    type: str = attrs.field(validator=_check_type)
    default: object = REQUIRED
    many: bool = attrs.field(default=False, kw_only=True)
    choices: tuple[str, ...] = attrs.field(default=(), converter=_strs, kw_only=True)
    minimum: int | None = attrs.field(default=None, kw_only=True)
    maximum: int | None = attrs.field(default=None, kw_only=True)
    min_items: int = attrs.field(default=0, kw_only=True)
    doc: str = attrs.field(default="", kw_only=True)

    @property
    def required(self) -> bool:
        """
        Whether a document must give this parameter.
        """
        return self.default is REQUIRED


@attrs.frozen
class RuleKind:
    """
    A rule kind: its name, how documents write it, and how to build it.

    ``shape`` is ``"params"`` (the node's value is a table of parameters),
    ``"rule"`` (the value is one rule node, as in ``not`` and the store
    quantifiers), ``"rules"`` (a list of rule nodes, as in ``all``) or
    ``"cases"`` (``{ cases = [{ KEYS = [...], rule = {...} }, ...], otherwise
    = {...} }``, as in ``by_market``; the one parameter names KEYS and their type).
    """

    name: str
    build: Callable[..., Rule[Any]]
    params: tuple[tuple[str, RuleParam], ...]
    shape: str = "params"
    summary: str = ""
    subject: str = ""
    codes: tuple[tuple[str, str], ...] = ()
    factory: str = ""
    builtin: bool = False


_LOCK: Final = threading.Lock()
KINDS: dict[str, RuleKind] = {}
"""Every registered kind by name, the built-in ones first."""


def register(kind: RuleKind, *, replace: bool = False) -> None:
    """
    Add *kind* to the table.

    Raises:
        PolicyError: The name is not a lower-case identifier, is ``param``,
            is built in, or is taken and *replace* is false.
    """
    name: object = kind.name
    if not isinstance(name, str) or not KIND_NAME.fullmatch(name):
        raise PolicyError(
            f"a rule kind's name must be lower-case letters, digits and '_', got {kind.name!r}"
        )
    if kind.name == "param":
        raise PolicyError("'param' cannot be a rule kind: documents use it for parameters")
    with _LOCK:
        old = KINDS.get(kind.name)
        if old is not None and (old.builtin or not replace):
            why = "is built in" if old.builtin else "is already registered; pass replace=True"
            raise PolicyError(f"rule kind {kind.name!r} {why}")
        KINDS[kind.name] = kind


def _builtin(
    name: str,
    build: Callable[..., Rule[Any]],
    params: Mapping[str, RuleParam] | None = None,
    *,
    shape: str = "params",
    summary: str,
    subject: str,
    codes: Mapping[str, str],
    factory: str,
) -> None:
    register(
        RuleKind(
            name,
            build,
            tuple((params or {}).items()),
            shape,
            summary,
            subject,
            tuple(codes.items()),
            f"lazada_eligibility.rules.{factory}",
            builtin=True,
        )
    )


def _verdict_codes(kind: str, what: str) -> dict[str, str]:
    return {
        f"{kind}.pass": f"pass: {what}",
        f"{kind}.review": "review: nothing fails, but something needs a person",
        f"{kind}.fail": "fail: see the children",
    }


_NO_STORES: Final = {"stores.none": "fail: the application lists no store"}
_RULES: Final = {"rules": RuleParam("rule", many=True, min_items=1)}
_RULE: Final = {"rule": RuleParam("rule")}


def _build_min_turnover(amount: Any, currency: Any, category_mode: Any) -> Rule[Any]:  # noqa: ANN401 -- parsed document values
    return min_turnover(Money(amount, currency), category_mode)


_builtin(
    "all",
    lambda rules: all_of(*rules),
    _RULES,
    shape="rules",
    summary="Every rule in the list passes (Kleene 'and'); nested 'all' flatten.",
    subject="any, as long as every rule in the list is about the same subject",
    codes=_verdict_codes("all", "every rule passes"),
    factory="all_of",
)
_builtin(
    "any",
    lambda rules: any_of(*rules),
    _RULES,
    shape="rules",
    summary="Some rule in the list passes (Kleene 'or'); nested 'any' flatten.",
    subject="any, as long as every rule in the list is about the same subject",
    codes=_verdict_codes("any", "some rule passes"),
    factory="any_of",
)
_builtin(
    "not",
    not_,
    _RULE,
    shape="rule",
    summary="The rule does not pass: PASS and FAIL swap, REVIEW stays.",
    subject="that of its rule",
    codes={
        "not.pass": "pass: the rule failed",
        "not.review": "review: the rule reviewed",
        "not.fail": "fail: the rule passed",
    },
    factory="not_",
)
_builtin(
    "any_store",
    any_store,
    _RULE,
    shape="rule",
    summary="Some store of the application passes the store rule.",
    subject="the application; its rule is about a store",
    codes={**_verdict_codes("any_store", "some store passes"), **_NO_STORES},
    factory="any_store",
)
_builtin(
    "every_store",
    every_store,
    _RULE,
    shape="rule",
    summary="Every store of the application passes the store rule.",
    subject="the application; its rule is about a store",
    codes={**_verdict_codes("every_store", "every store passes"), **_NO_STORES},
    factory="every_store",
)
_builtin(
    "combined_stores",
    combined_stores,
    _RULE,
    shape="rule",
    summary=(
        "The stores that pass the store checks, with their turnover summed month by month, "
        "pass the each_month parts. The rule is store checks and each_month parts joined "
        "by 'all'."
    ),
    subject="the application; its rule is about a store",
    codes={
        **_verdict_codes("combined_stores", "the qualifying stores together pass"),
        **_NO_STORES,
    },
    factory="combined_stores",
)
_builtin(
    "each_month",
    lambda window, lag_days, rule: each_month(rule, window, lag_days),
    {
        "window": RuleParam(
            "int",
            3,
            minimum=1,
            maximum=MAX_WINDOW,
            doc="How many complete calendar months before the decision's month.",
        ),
        "lag_days": RuleParam(
            "int",
            0,
            minimum=0,
            maximum=27,
            doc="While the decision's day of the month is at most this, the window "
            "ends a month earlier (last month's statement is not out yet).",
        ),
        "rule": RuleParam("rule", doc="A rule about one month of a store."),
    },
    summary="Every month of the review window passes the month rule.",
    subject="a store; its rule is about a month of the store",
    codes=_verdict_codes("each_month", "every month passes"),
    factory="each_month",
)
_builtin(
    "platform_kind",
    lambda kinds: platform_kind(*kinds),
    {
        "kinds": RuleParam(
            "str",
            many=True,
            min_items=1,
            choices=tuple(k.value for k in PlatformKind),
            doc="The platform kinds whose turnover counts.",
        )
    },
    summary="The store's platform, as the platform catalog resolves it, is of one of the kinds.",
    subject="a store",
    codes={
        "platform.cross-border": "pass or fail: a cross-border platform",
        "platform.domestic": "pass or fail: a domestic platform",
        "platform.unknown": "review: the catalog does not know the platform",
    },
    factory="platform_kind",
)
_builtin(
    "category_matches",
    category_matches,
    {
        "mode": RuleParam(
            "str",
            "same-top-level",
            choices=CATEGORY_MODES,
            doc="'exact' (the same id), 'within' (the applied category or below it) or "
            "'same-top-level' (the same top level; a group such as 3c-digital is one).",
        )
    },
    summary="The store's turnover is in the category applied for.",
    subject="a store",
    codes={
        "category.match": "pass: a category of the store matches",
        "category.mismatch": "fail: no category of the store matches",
        "category.unknown": "review: a category is unknown to the taxonomy, or missing",
    },
    factory="category_matches",
)
_builtin(
    "prohibited_categories",
    lambda categories: prohibited_categories(*categories),
    {
        "categories": RuleParam(
            "category",
            many=True,
            min_items=1,
            doc="Category ids or groups that are closed to applications.",
        )
    },
    summary="The category applied for is not within any of the categories.",
    subject="the application",
    codes={
        "category.allowed": "pass: the category applied for is not prohibited",
        "category.prohibited": "fail: it is within a prohibited category (fact: prohibited)",
        "category.unknown": "review: the taxonomy does not know the category applied for",
    },
    factory="prohibited_categories",
)
_builtin(
    "min_turnover",
    _build_min_turnover,
    {
        "amount": RuleParam(
            "decimal", minimum=0, doc='The least turnover of the month, as text: "1000".'
        ),
        "currency": RuleParam("currency", doc='The minimum\'s currency, such as "USD".'),
        "category_mode": RuleParam(
            "str",
            "same-top-level",
            choices=(*CATEGORY_MODES, "any"),
            doc="Which records count, as in category_matches; 'any' counts every record.",
        ),
    },
    summary=(
        "The month's turnover in the applied category, converted with that month's rate and "
        "summed unrounded, is at least the minimum."
    ),
    subject="a month of a store",
    codes={
        "turnover.ok": "pass: at least the minimum",
        "turnover.month-missing": "fail: no record in the month",
        "turnover.below-minimum": "fail: below the minimum "
        "(facts: month, amount, minimum, shortfall)",
        "fx.rate-missing": "review: short without records that have no exchange rate",
        "fx.rate-inexact": "review: short without records whose rate cannot convert exactly",
        "category.unknown": "review: short without records of an unknown category",
    },
    factory="min_turnover",
)
_builtin(
    "evidence_not_reused",
    evidence_not_reused,
    summary="No store record of the application is already held by another application.",
    subject="the application",
    codes={
        "evidence.unused": "pass: no store is held by another application",
        "evidence.reused": "fail: a store is held by another holder (who, only in Decision.holders)",
        "evidence.unverified": "review: a store on an unknown platform cannot be looked up",
        "evidence.unchecked": "pass, as a caveat: no evidence registry was given",
        "platform.unknown": "review, for one store: its platform is unknown",
    },
    factory="evidence_not_reused",
)
_builtin(
    "owner_is",
    lambda owners: owner_is(*owners),
    {
        "owners": RuleParam(
            "str",
            (),
            many=True,
            doc="Names the records may belong to; none named means the applicant.",
        )
    },
    summary="The store's records belong to one of the owners, or to the applicant.",
    subject="a store",
    codes={
        "owner.match": "pass: the owner is one of those named",
        "owner.mismatch": "fail: someone else owns the store",
        "owner.unknown": "review: the store names no owner",
    },
    factory="owner_is",
)

_builtin(
    "by_applied_category",
    by_applied_category,
    {
        "categories": RuleParam(
            "category",
            many=True,
            min_items=1,
            doc="Category ids or groups (of the taxonomy or of the document's "
            "[categories.groups]); the case applies to a category applied for that is one of "
            "them, below one, or within one of the groups.",
        )
    },
    shape="cases",
    summary=(
        "The rule of the first case whose categories take in the category applied for; "
        "otherwise the 'otherwise' rule. Only that branch is evaluated and explained."
    ),
    subject="that of its rules, which must all be about the same subject",
    codes={
        "by_applied_category.pass": "pass: the branch that applies passes "
        "(facts: applied, case, categories)",
        "by_applied_category.review": "review: the branch that applies reviews",
        "by_applied_category.fail": "fail: the branch that applies fails",
        "category.unknown": "review: the taxonomy does not know the category applied for",
    },
    factory="by_applied_category",
)
_builtin(
    "by_market",
    by_market,
    {
        "markets": RuleParam(
            "str",
            many=True,
            min_items=1,
            choices=("ID", "MY", "PH", "SG", "TH", "VN"),
            doc="Markets: ID, MY, PH, SG, TH, VN. An application with no market takes 'otherwise'.",
        )
    },
    shape="cases",
    summary=(
        "The rule of the first case whose markets include the application's market; "
        "otherwise (also with no market) the 'otherwise' rule. Only that branch is evaluated "
        "and explained."
    ),
    subject="that of its rules, which must all be about the same subject",
    codes={
        "by_market.pass": "pass: the branch that applies passes (facts: market, case, markets)",
        "by_market.review": "review: the branch that applies reviews",
        "by_market.fail": "fail: the branch that applies fails",
    },
    factory="by_market",
)

BUILTIN_KINDS: Final = tuple(KINDS)
"""The names of the built-in kinds, in reference order."""
