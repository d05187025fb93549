"""
Quantifiers: rules that move between an application, its stores and their months.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from ..exceptions import PolicyError
from ..periods import Month, review_window
from ..subjects import ApplicationRef, StoreGroup
from ._core import (
    FAIL,
    PASS,
    REVIEW,
    VERDICTS,
    AllOf,
    Compiled,
    Context,
    Env,
    Level,
    Outcome,
    Rule,
    StoreMonth,
)

if TYPE_CHECKING:
    from ..models import Application, Store


MAX_WINDOW: Final = 120
"""The longest review window, in months: ten years."""

__all__ = ["any_store", "combined_stores", "each_month", "every_store", "stores_relied_on"]

_CODES: Final = {
    kind: tuple(f"{kind}.{v.value}" for v in VERDICTS)
    for kind in ("any_store", "every_store", "combined_stores", "each_month")
}


def _app_subject(app: Application) -> ApplicationRef:
    return ApplicationRef(app.id, app.applicant)


def _expect(kind: str, rule: Rule[Any], level: Level) -> None:
    if not isinstance(rule, Rule):
        raise PolicyError(f"{kind}() takes a rule, got {rule!r}")
    if rule.level is not level:
        raise PolicyError(
            f"{kind}() takes {level.article} rule, but {rule} is {rule.level.article} rule"
        )


@attrs.frozen(repr=False)
class _StoreQuantifier(Rule[Any]):
    rule: Rule[Any]

    @property
    def level(self) -> Level:
        return Level.APPLICATION

    def children(self) -> tuple[Rule[Any], ...]:
        return (self.rule,)

    def __str__(self) -> str:
        return f"{self.kind}({self.rule})"

    def __repr__(self) -> str:
        return str(self)

    def to_doc(self) -> dict[str, Any]:
        return {self.kind: self.rule.to_doc()}


@attrs.frozen(repr=False)
class _EachStore(_StoreQuantifier):
    # Kleene "or" (any_store) or "and" (every_store) over the stores; no
    # store at all fails either way.
    _decisive: ClassVar[int]

    def compile(self, env: Env) -> Compiled:
        inner = self.rule.compile(env)
        inner_check, inner_explain = inner.check, inner.explain
        decisive, kind = self._decisive, self.kind
        combine = min if decisive == FAIL else max
        otherwise = PASS - decisive
        codes = _CODES[kind]

        def check(s: object, m: object, app: Application, as_of: dt.date) -> int:
            if not app.stores:
                return FAIL
            result = otherwise
            for store in app.stores:
                v = inner_check(store, None, app, as_of)
                if v == decisive:
                    return v
                if v == REVIEW:
                    result = REVIEW
            return result

        def explain(s: object, m: object, ctx: Context) -> Outcome:
            app = ctx.application
            children = tuple(inner_explain(store, None, ctx) for store in app.stores)
            if not children:
                return Outcome(kind, VERDICTS[FAIL], "stores.none", _app_subject(app))
            v = combine(c.verdict.rank for c in children)
            return Outcome(kind, VERDICTS[v], codes[v], _app_subject(app), {}, children)

        return Compiled(check, explain)


@attrs.frozen(repr=False)
class AnyStore(_EachStore):
    """
    Some store passes *rule*.
    """

    kind: ClassVar[str] = "any_store"
    _decisive: ClassVar[int] = PASS


@attrs.frozen(repr=False)
class EveryStore(_EachStore):
    """
    Every store passes *rule* (and there is at least one).
    """

    kind: ClassVar[str] = "every_store"
    _decisive: ClassVar[int] = FAIL


def any_store(rule: Rule[Store]) -> Rule[Application]:
    """
    Some store of the application passes *rule*, a store rule.

    An application with no store fails (code ``stores.none``). Kleene "or"
    over the stores: a store that passes makes the rest irrelevant.

    Example:
        >>> from lazada_eligibility.rules import any_store, platform_kind
        >>> any_store(platform_kind("cross-border"))
        any_store(platform_kind('cross-border'))

    .. versionadded:: 0.1.0
    """
    _expect("any_store", rule, Level.STORE)
    return AnyStore(rule)


def every_store(rule: Rule[Store]) -> Rule[Application]:
    """
    Every store of the application passes *rule*; an application with no store fails.

    Example:
        >>> from lazada_eligibility.rules import every_store, owner_is
        >>> every_store(owner_is())
        every_store(owner_is())

    .. versionadded:: 0.1.0
    """
    _expect("every_store", rule, Level.STORE)
    return EveryStore(rule)


@attrs.frozen(repr=False)
class EachMonth(Rule[Any]):
    """
    Every month of the review window passes *rule*, a month rule.
    """

    rule: Rule[Any]
    window: int = 3
    lag_days: int = 0
    kind: ClassVar[str] = "each_month"

    @property
    def level(self) -> Level:
        return Level.STORE

    def children(self) -> tuple[Rule[Any], ...]:
        return (self.rule,)

    def __str__(self) -> str:
        lag = f", lag_days={self.lag_days}" if self.lag_days else ""
        return f"each_month({self.rule}, window={self.window}{lag})"

    def __repr__(self) -> str:
        return str(self)

    def to_doc(self) -> dict[str, Any]:
        return {
            "each_month": {
                "window": self.window,
                "lag_days": self.lag_days,
                "rule": self.rule.to_doc(),
            }
        }

    def months(self, as_of: dt.date) -> tuple[Month, ...]:
        """
        The months this rule checks for a decision on *as_of*.
        """
        return review_window(as_of, self.window, self.lag_days)

    def compile(self, env: Env) -> Compiled:
        return self.compile_group(env, group=False)

    def compile_group(self, env: Env, *, group: bool) -> Compiled:
        """
        Compile for a single store (``s`` is a Store) or a group (a tuple of stores).
        """
        inner = self.rule.compile(env)
        inner_check, inner_explain = inner.check, inner.explain
        window, lag = self.window, self.lag_days
        windows: dict[dt.date, tuple[Month, ...]] = {}
        codes = _CODES["each_month"]

        def months_of(as_of: dt.date) -> tuple[Month, ...]:
            try:
                return windows[as_of]
            except KeyError:
                if len(windows) > 4096:
                    windows.clear()
                found = windows[as_of] = review_window(as_of, window, lag)
                return found

        def check(s: Any, m: object, app: Application, as_of: dt.date) -> int:
            stores = s if group else (s,)
            result = PASS
            for month in windows.get(as_of) or months_of(as_of):
                v = inner_check(stores, month, app, as_of)
                if v < result:
                    if v == FAIL:
                        return v
                    result = v
            return result

        def explain(s: Any, m: object, ctx: Context) -> Outcome:
            stores = s if group else (s,)
            months = months_of(ctx.as_of)
            children = tuple(inner_explain(stores, month, ctx) for month in months)
            v = min(c.verdict.rank for c in children)
            subject = (
                StoreGroup(tuple(env.store_ref(x) for x in stores)) if group else env.store_ref(s)
            )
            facts = {"months": months, "window": window, "lag_days": lag}
            return Outcome("each_month", VERDICTS[v], codes[v], subject, facts, children)

        return Compiled(check, explain)


def each_month(rule: Rule[StoreMonth], window: int = 3, lag_days: int = 0) -> Rule[Store]:
    """
    Every month of the review window passes *rule*, a month rule.

    The months are :func:`~lazada_eligibility.review_window` of the
    decision's ``as_of``: the *window* complete months before it, one month
    earlier while ``as_of.day <= lag_days``.

    Example:
        >>> from lazada_eligibility import Money
        >>> from lazada_eligibility.rules import each_month, min_turnover
        >>> each_month(min_turnover(Money("1000", "USD")), window=3)
        each_month(min_turnover(Money('1000', 'USD')), window=3)

    .. versionadded:: 0.1.0
    """
    _expect("each_month", rule, Level.MONTH)
    if type(window) is not int or not 1 <= window <= MAX_WINDOW:
        raise PolicyError(
            f"each_month(): window must be a whole number from 1 to {MAX_WINDOW}, got {window!r}"
        )
    if type(lag_days) is not int or not 0 <= lag_days <= 27:
        raise PolicyError(f"each_month(): lag_days must be a whole number 0-27, got {lag_days!r}")
    return EachMonth(rule, window, lag_days)


def _contains_month_rule(rule: Rule[Any]) -> bool:
    return isinstance(rule, EachMonth) or any(_contains_month_rule(c) for c in rule.children())


@attrs.frozen(repr=False)
class CombinedStores(_StoreQuantifier):
    """
    The stores that pass their store checks, with turnover summed, pass the month checks.
    """

    kind: ClassVar[str] = "combined_stores"

    @property
    def filters(self) -> tuple[Rule[Any], ...]:
        """
        The store checks: the parts of the rule without a month quantifier.
        """
        parts = self.rule.rules if isinstance(self.rule, AllOf) else (self.rule,)
        return tuple(p for p in parts if not _contains_month_rule(p))

    @property
    def totals(self) -> tuple[EachMonth, ...]:
        """
        The month checks, run on the qualifying stores combined.
        """
        parts = self.rule.rules if isinstance(self.rule, AllOf) else (self.rule,)
        return tuple(p for p in parts if isinstance(p, EachMonth))

    def compile(self, env: Env) -> Compiled:  # noqa: C901 -- the Kleene cases, kept together
        filters = [f.compile(env) for f in self.filters]
        totals = [t.compile_group(env, group=True) for t in self.totals]
        codes = _CODES["combined_stores"]

        def store_verdict(store: Store, app: Application, as_of: dt.date) -> int:
            result = PASS
            for f in filters:
                v = f.check(store, None, app, as_of)
                if v < result:
                    if v == FAIL:
                        return v
                    result = v
            return result

        def totals_verdict(stores: tuple[Store, ...], app: Application, as_of: dt.date) -> int:
            if not stores:
                return FAIL
            result = PASS
            for t in totals:
                v = t.check(stores, None, app, as_of)
                if v < result:
                    if v == FAIL:
                        return v
                    result = v
            return result

        def distinct(stores: tuple[Store, ...]) -> tuple[Store, ...]:
            # One store written two ways is summed once. Applications refuse
            # such twins under the default catalog; this holds under any other.
            seen: dict[object, Store] = {}
            for store in stores:
                seen.setdefault(env.identity_of(store) or store, store)
            return stores if len(seen) == len(stores) else tuple(seen.values())

        def decide(app: Application, as_of: dt.date) -> tuple[int, tuple[Store, ...]]:
            verdicts = [store_verdict(s, app, as_of) for s in app.stores]
            sure = distinct(
                tuple(s for s, v in zip(app.stores, verdicts, strict=True) if v == PASS)
            )
            v = totals_verdict(sure, app, as_of)
            if v == PASS or REVIEW not in verdicts:
                return v, sure
            # Stores whose checks reviewed might count: if the application
            # would pass with them, nobody can tell without a review.
            maybe = distinct(
                tuple(s for s, w in zip(app.stores, verdicts, strict=True) if w != FAIL)
            )
            return (REVIEW if totals_verdict(maybe, app, as_of) != FAIL else v), sure

        def check(s: object, m: object, app: Application, as_of: dt.date) -> int:
            return decide(app, as_of)[0]

        def explain(s: object, m: object, ctx: Context) -> Outcome:
            app = ctx.application
            v, sure = decide(app, ctx.as_of)
            children: list[Outcome] = []
            for store in app.stores:
                parts = tuple(f.explain(store, None, ctx) for f in filters)
                w = min((p.verdict.rank for p in parts), default=PASS)
                children.append(
                    Outcome(
                        "all",
                        VERDICTS[w],
                        f"all.{VERDICTS[w].value}",
                        env.store_ref(store),
                        {},
                        parts,
                    )
                )
            if sure:
                children.extend(t.explain(sure, None, ctx) for t in totals)
            facts = {"stores": tuple(env.store_ref(x) for x in sure)}
            code = codes[v] if app.stores else "stores.none"
            return Outcome(
                "combined_stores", VERDICTS[v], code, _app_subject(app), facts, tuple(children)
            )

        return Compiled(check, explain)


def combined_stores(rule: Rule[Store]) -> Rule[Application]:
    """
    The qualifying stores, with their turnover summed month by month, pass *rule*.

    *rule* is a store rule such as ``platform_kind(...) & category_matches()
    & each_month(...)``. Its parts without a month quantifier are the store
    checks: the stores that pass them qualify. Its :func:`each_month` parts
    then run once, on the qualifying stores' turnover summed month by month.
    A store whose checks review (an unknown platform) makes the result review
    when counting it could change the answer. No qualifying store fails.

    Raises:
        PolicyError: *rule* is not a store rule, has no :func:`each_month`
            part, or has a month quantifier anywhere but in a top-level
            ``each_month`` part.

    Example:
        >>> from lazada_eligibility import Money
        >>> from lazada_eligibility.rules import (
        ...     combined_stores,
        ...     each_month,
        ...     min_turnover,
        ...     platform_kind,
        ... )
        >>> combined_stores(
        ...     platform_kind("cross-border") & each_month(min_turnover(Money(1000, "USD")))
        ... )
        combined_stores(platform_kind('cross-border') & each_month(min_turnover(Money('1000', 'USD')), window=3))

    .. versionadded:: 0.1.0
    """
    _expect("combined_stores", rule, Level.STORE)
    result = CombinedStores(rule)
    parts = rule.rules if isinstance(rule, AllOf) else (rule,)
    nested = [p for p in parts if _contains_month_rule(p) and not isinstance(p, EachMonth)]
    if nested or not result.totals:
        raise PolicyError(
            "combined_stores() takes store checks and each_month(...) parts joined by '&'; "
            f"got {rule}"
        )
    return result


_PASSED: Final = VERDICTS[PASS]


def _relied(outcome: Outcome, count: int) -> set[int] | None:
    # Indexes of the stores a passing outcome rests on; None where it rests
    # on no store quantifier (a leaf, a custom rule, or a negation).
    rule = outcome.rule
    if rule == "any_store":
        return {i for i, c in enumerate(outcome.children) if c.verdict is _PASSED}
    if rule == "every_store":
        return set(range(count))
    if rule == "combined_stores":
        # Its first children are the stores' checks, in order; those that
        # passed are the stores whose turnover was summed.
        return {i for i, c in enumerate(outcome.children[:count]) if c.verdict is _PASSED}
    if rule == "all":
        parts = [_relied(c, count) for c in outcome.children]
        found = [p for p in parts if p is not None]
        return set().union(*found) if found else None
    if rule == "any":
        # The first alternative that passed is the one the decision used.
        for child in outcome.children:
            if child.verdict is _PASSED:
                return _relied(child, count)
    return None


def stores_relied_on(outcome: Outcome, app: Application, env: Env) -> tuple[Store, ...]:
    """
    Return the stores a passing outcome relied on, in the application's order (internal).

    For ``any_store`` the stores that passed; for ``every_store`` all; for
    ``combined_stores`` the stores whose turnover was summed; under ``all``
    the union, under ``any`` the first alternative that passed. A policy
    that passes on no store quantifier relies on every listed store.
    """
    found = _relied(outcome, len(app.stores))
    if found is None:
        return app.stores
    return tuple(s for i, s in enumerate(app.stores) if i in found)
