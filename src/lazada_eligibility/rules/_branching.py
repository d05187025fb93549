"""
Branching rules: one rule per category applied for, or per market.

A branching rule holds *cases*, each a list of keys (category ids or groups,
or markets) with a rule, and an *otherwise* rule. The first case whose keys
take in the application decides; when none does, *otherwise* does. Only
that branch is evaluated and explained, so reasons, remediation and plans
speak of that branch alone. The outcome records which branch applied and
why in its facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from ..exceptions import EligibilityError, PolicyError
from ..subjects import ApplicationRef
from ._core import REVIEW, VERDICTS, Compiled, Context, Env, Level, Outcome, Rule

if TYPE_CHECKING:
    from ..categories import CategoryTaxonomy
    from ..models import Application

__all__ = ["UNKNOWN", "by_applied_category", "by_market"]

UNKNOWN: Final = -1
"""The branch index of an application whose category the taxonomy does not know."""

_MARKETS: Final = ("ID", "MY", "PH", "SG", "TH", "VN")


def _app_subject(app: Application) -> ApplicationRef:
    return ApplicationRef(app.id, app.applicant)


@attrs.frozen(repr=False)
class Branching(Rule[Any]):
    """
    The first case whose keys take in the application decides; else *otherwise*.
    """

    cases: tuple[tuple[tuple[str, ...], Rule[Any]], ...]
    otherwise: Rule[Any]
    # The fact naming the application's value, and the one naming a case's keys.
    key_fact: ClassVar[str]
    keys_fact: ClassVar[str]

    @property
    def level(self) -> Level:
        return self.otherwise.level

    def children(self) -> tuple[Rule[Any], ...]:
        return (*(rule for _, rule in self.cases), self.otherwise)

    def value(self, app: Application) -> str | None:
        """
        The application's value the cases are about.
        """
        raise NotImplementedError

    def chooser(self, env: Env) -> Any:
        """
        Return ``choose(value) -> index``: a case's index, ``len(cases)`` for otherwise.
        """
        raise NotImplementedError

    def branch(self, app: Application, categories: CategoryTaxonomy) -> Rule[Any] | None:
        """
        Return the rule that decides *app*, or ``None`` when none can (an unknown category).
        """
        from ..platforms import DEFAULT_PLATFORMS  # noqa: PLC0415 -- only for an Env

        i = self.chooser(Env(DEFAULT_PLATFORMS, categories, None, None))(self.value(app))
        if i == UNKNOWN:
            return None
        return self.cases[i][1] if i < len(self.cases) else self.otherwise

    def facts(self, app: Application, index: int) -> dict[str, Any]:
        """
        The facts of the outcome: the application's value, the branch and its keys.
        """
        keys = self.cases[index][0] if 0 <= index < len(self.cases) else ()
        case = index if 0 <= index < len(self.cases) else None
        facts = {self.key_fact: self.value(app), "case": case, self.keys_fact: keys}
        if index == UNKNOWN:
            facts["category"] = self.value(app)  # as category.unknown messages name it
        return facts

    def __str__(self) -> str:
        parts = [f"{list(keys)!r}: {rule}" for keys, rule in self.cases]
        return f"{self.kind}({', '.join(parts)}, otherwise: {self.otherwise})"

    def __repr__(self) -> str:
        return str(self)

    def to_doc(self) -> dict[str, Any]:
        cases = [{self.keys_fact: list(keys), "rule": rule.to_doc()} for keys, rule in self.cases]
        return {self.kind: {"cases": cases, "otherwise": self.otherwise.to_doc()}}

    def compile(self, env: Env) -> Compiled:
        parts = [rule.compile(env) for _, rule in self.cases]
        parts.append(self.otherwise.compile(env))
        checks = tuple(p.check for p in parts)
        explains = tuple(p.explain for p in parts)
        choose = self.chooser(env)
        value, kind, codes = self.value, self.kind, _codes(self.kind)

        def check(s: Any, m: Any, app: Application, as_of: dt.date) -> int:
            i = choose(value(app))
            return REVIEW if i == UNKNOWN else checks[i](s, m, app, as_of)

        def explain(s: Any, m: Any, ctx: Context) -> Outcome:
            app = ctx.application
            i = choose(value(app))
            facts = self.facts(app, i)
            if i == UNKNOWN:
                return Outcome(kind, VERDICTS[REVIEW], "category.unknown", _app_subject(app), facts)
            child = explains[i](s, m, ctx)
            v = child.verdict.rank
            return Outcome(kind, VERDICTS[v], codes[v], child.subject, facts, (child,))

        return Compiled(check, explain)


def _codes(kind: str) -> tuple[str, str, str]:
    return (f"{kind}.fail", f"{kind}.review", f"{kind}.pass")


@attrs.frozen(repr=False)
class ByAppliedCategory(Branching):
    """
    Branches on the category applied for.
    """

    kind: ClassVar[str] = "by_applied_category"
    key_fact: ClassVar[str] = "applied"
    keys_fact: ClassVar[str] = "categories"

    def value(self, app: Application) -> str | None:
        return app.category

    def chooser(self, env: Env) -> Any:
        taxonomy = env.categories
        for c in {c for keys, _ in self.cases for c in keys}:
            if c not in taxonomy and not taxonomy.is_group(c):
                try:
                    taxonomy.get(c)  # raises, with suggestions
                except EligibilityError as e:
                    raise PolicyError(f"by_applied_category(): {e}") from e
        cases = tuple(keys for keys, _ in self.cases)
        seen: dict[str | None, int] = {}

        def choose(applied: str) -> int:
            try:
                return seen[applied]
            except KeyError:
                found = _case_of(taxonomy, cases, applied)
                if len(seen) < 100_000:
                    seen[applied] = found
                return found

        return choose


def _within(taxonomy: CategoryTaxonomy, applied: str, key: str) -> bool:
    if applied == key:
        return True
    if applied in taxonomy:
        return taxonomy.is_within(applied, key)
    # A group applied for (say 3c-digital) is within a key when all its members are.
    return all(taxonomy.is_within(m, key) for m in taxonomy.groups[applied])


def _case_of(taxonomy: CategoryTaxonomy, cases: tuple[tuple[str, ...], ...], applied: str) -> int:
    if applied not in taxonomy and not taxonomy.is_group(applied):
        return UNKNOWN
    for i, keys in enumerate(cases):
        if any(_within(taxonomy, applied, c) for c in keys):
            return i
    return len(cases)


@attrs.frozen(repr=False)
class ByMarket(Branching):
    """
    Branches on the application's market; no market takes *otherwise*.
    """

    kind: ClassVar[str] = "by_market"
    key_fact: ClassVar[str] = "market"
    keys_fact: ClassVar[str] = "markets"

    def value(self, app: Application) -> str | None:
        return app.market

    def chooser(self, env: Env) -> Any:  # noqa: ARG002 -- markets need no taxonomy
        index: dict[str | None, int] = {}
        for i, (keys, _) in enumerate(self.cases):
            for k in keys:
                index.setdefault(k, i)
        other = len(self.cases)

        def choose(market: str | None) -> int:
            return index.get(market, other)

        return choose


def _cases(  # noqa: C901 -- one check per way a case can be wrong
    kind: str,
    cases: Iterable[tuple[Sequence[str], Rule[Any]]],
    otherwise: Rule[Any],
    check_key: Any,
) -> tuple[tuple[tuple[str, ...], Rule[Any]], ...]:
    found: list[tuple[tuple[str, ...], Rule[Any]]] = []
    if isinstance(cases, str | bytes):
        raise PolicyError(f"{kind}() takes a list of (keys, rule) cases, got {cases!r}")
    listed: list[object] = list(cases)  # loose input: check every part
    for i, case in enumerate(listed):
        if not isinstance(case, tuple | list) or len(case) != 2:
            raise PolicyError(f"{kind}(): case {i} must be a pair (keys, rule), got {case!r}")
        keys, rule = case
        if isinstance(keys, str | set | frozenset) or not isinstance(keys, Iterable):
            # A set has no order across processes: the document, and the digest, would vary.
            raise PolicyError(f"{kind}(): case {i} needs a list of keys, got {keys!r}")
        normal = tuple(check_key(k) for k in keys)
        if not normal:
            raise PolicyError(f"{kind}(): case {i} needs at least one key")
        if not isinstance(rule, Rule):
            raise PolicyError(f"{kind}(): case {i} takes a rule, got {rule!r}")
        found.append((normal, rule))
    if not found:
        raise PolicyError(f"{kind}() needs at least one case")
    if not isinstance(otherwise, Rule):
        raise PolicyError(f"{kind}(): otherwise takes a rule, got {otherwise!r}")
    for i, (_, rule) in enumerate(found):
        if rule.level is not otherwise.level:
            raise PolicyError(
                f"{kind}() cannot branch between rules about different subjects: case {i}, "
                f"{rule}, is {rule.level.article} rule and otherwise, {otherwise}, is "
                f"{otherwise.level.article} rule"
            )
    return tuple(found)


def _category_key(key: object) -> str:
    if not isinstance(key, str) or not key.strip():
        raise PolicyError(
            f"by_applied_category(): a category id must be non-blank text, got {key!r}"
        )
    return key


def _market_key(key: object) -> str:
    if not isinstance(key, str) or key.strip().upper() not in _MARKETS:
        raise PolicyError(
            f"by_market(): a market must be one of {', '.join(_MARKETS)}, got {key!r}"
        )
    return key.strip().upper()


def by_applied_category(
    cases: Iterable[tuple[Sequence[str], Rule[Any]]], otherwise: Rule[Any]
) -> Rule[Any]:
    """
    The rule of the first case whose categories take in the category applied for.

    Each case is ``(categories, rule)``; a case applies when the category
    applied for is one of its categories, below one, or within one of its
    groups. The first case that applies decides; when none does,
    *otherwise* does. Only that branch runs, so a decision's reasons, its
    remediation and :func:`~lazada_eligibility.planning.earliest_eligible` speak of
    it alone. The outcome's facts record the branch: ``applied``, ``case``
    (the index of the case, ``None`` for otherwise) and ``categories`` (the
    case's). A category applied for that the taxonomy does not know reviews
    with ``category.unknown``. Codes: ``by_applied_category.pass``,
    ``.review``, ``.fail`` (the branch's verdict), ``category.unknown``.

    Raises:
        PolicyError: A case is not a pair of a non-empty list of categories
            and a rule, or the branches are about different subjects.

    Example:
        >>> from lazada_eligibility import Money
        >>> from lazada_eligibility.rules import by_applied_category, min_turnover
        >>> rule = by_applied_category(
        ...     [(["womens-fashion"], min_turnover(Money("1500", "USD")))],
        ...     otherwise=min_turnover(Money("1000", "USD")),
        ... )
        >>> print(rule)
        by_applied_category(['womens-fashion']: min_turnover(Money('1500', 'USD')), otherwise: min_turnover(Money('1000', 'USD')))

    .. versionadded:: 0.2.0
    """
    found = _cases("by_applied_category", cases, otherwise, _category_key)
    return ByAppliedCategory(found, otherwise)


def by_market(cases: Iterable[tuple[Sequence[str], Rule[Any]]], otherwise: Rule[Any]) -> Rule[Any]:
    """
    The rule of the first case whose markets include the application's market.

    Markets are ``ID MY PH SG TH VN`` (any case). An application with no
    market takes *otherwise*, as does one whose market no case names. The
    outcome's facts record the branch: ``market``, ``case`` (the index of
    the case, ``None`` for otherwise) and ``markets`` (the case's). Codes:
    ``by_market.pass``, ``.review``, ``.fail`` (the branch's verdict).

    Raises:
        PolicyError: A case is not a pair of a non-empty list of markets
            and a rule, or the branches are about different subjects.

    Example:
        >>> from lazada_eligibility import Money
        >>> from lazada_eligibility.rules import by_market, min_turnover
        >>> print(
        ...     by_market(
        ...         [(["ph"], min_turnover(Money("800", "USD")))],
        ...         otherwise=min_turnover(Money("1000", "USD")),
        ...     )
        ... )
        by_market(['PH']: min_turnover(Money('800', 'USD')), otherwise: min_turnover(Money('1000', 'USD')))

    .. versionadded:: 0.2.0
    """
    return ByMarket(_cases("by_market", cases, otherwise, _market_key), otherwise)
