"""
The earliest date an application could pass, if the coming months go well.

The answer assumes exactly this, and nothing else:

- every month that has not ended by ``as_of`` (``as_of``'s own month and
  later) brings, in every store, turnover of exactly the minimum, in the
  category applied for: one record per store and month, replacing what the
  store has recorded for those months so far;
- a month that has ended by ``as_of`` is what the records say: a month with
  no record counts as zero;
- to name the stores the plan relies on, the same is assumed of fewer
  stores (the others keep their records: a coming month with no record is
  zero): each store alone, else all but one, dropping one by one;
- on ``as_of`` itself nothing is assumed: the application passes that day
  only if it passes as it stands;
- the platforms, stores, registry and exchange rates stay as they are.

"The minimum" is the ``min_turnover`` minimum of the policy's rule tree; with
several, the largest in the currency of the first one found. A policy with
no ``min_turnover`` assumes no turnover at all, so only today's records
decide.

The verdict can change only on the days a review window moves (the first
day of a month, or the day after ``lag_days`` of an ``each_month`` rule) and
on the first of a month, when another assumed month has ended. Those are
the only dates tried, in order. Once every window lies wholly in assumed
months the verdict no longer changes, so the search stops there: the answer
is exact for policies built from the library's rules, not a bounded guess.
(A custom rule that reads ``ctx.as_of`` is only consulted on those dates;
so are exchange rates given for months that have not ended.)
"""

from __future__ import annotations

import datetime as dt
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .categories import LAZADA_CATEGORIES
from .limits import AS_OF_RANGE
from .models import Application, MonthlyTurnover, Store
from .money import Money
from .periods import Month, review_window
from .policy._policy import as_date
from .policy.shipped import LAZADA_CROSS_BORDER
from .rules import Rule, Verdict
from .rules._branching import Branching
from .rules._leaves import MinTurnover
from .rules._quantifiers import EachMonth

if TYPE_CHECKING:
    from .categories import CategoryTaxonomy
    from .platforms import PlatformCatalog
    from .policy._policy import Policy
    from .subjects import StoreRef
    from .typing import EvidenceRegistry, ExchangeRates


__all__ = ["EarliestPlan", "earliest_eligible", "earliest_plan"]


@attrs.frozen(kw_only=True)
class EarliestPlan:
    """
    The earliest date to apply, the coming months it relies on, and the stores that must meet them.

    Attributes:
        as_of: The day the plan was made for.
        date: The first day on or after *as_of* the application could pass,
            or ``None`` when no day can work.
        months: The months that have not ended by *as_of* and are in the
            review window on *date*: each must reach :attr:`minimum`.
        minimum: The turnover each of :attr:`months` is assumed to reach, in
            the category applied for, per store and in this currency;
            ``None`` when the policy has no ``min_turnover`` rule.
        stores: The stores on which :attr:`months` must reach the minimum;
            empty when nothing is assumed (the date is today, or no date).
        alternatives: ``True`` when any one of :attr:`stores` is enough on
            its own; ``False`` when every one of them is needed.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility.planning import EarliestPlan
        >>> plan = EarliestPlan(as_of=dt.date(2026, 11, 28), date=None)
        >>> plan.possible
        False

    .. versionadded:: 0.2.0
       Replaces ``EarliestDate``, which did not say which store.
    """

    as_of: dt.date
    date: dt.date | None
    months: tuple[Month, ...] = ()
    minimum: Money | None = None
    stores: tuple[StoreRef, ...] = ()
    alternatives: bool = False

    @property
    def possible(self) -> bool:
        """
        Whether some day can work.
        """
        return self.date is not None

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           Adds ``stores`` and ``alternatives``.
        """
        return {
            "as_of": self.as_of.isoformat(),
            "date": None if self.date is None else self.date.isoformat(),
            "months": [str(m) for m in self.months],
            "minimum": None if self.minimum is None else self.minimum.to_dict(),
            "stores": [s.ref_dict() for s in self.stores],
            "alternatives": self.alternatives,
        }


def __getattr__(name: str) -> Any:  # noqa: ANN401 -- the deprecated names' values
    if name == "EarliestDate":
        warnings.warn(
            "lazada_eligibility.planning.EarliestDate is deprecated: use EarliestPlan",
            DeprecationWarning,
            stacklevel=2,
        )
        return EarliestPlan
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def _rules(
    rule: Rule[Any], application: Application | None, categories: CategoryTaxonomy | None
) -> Iterator[Rule[Any]]:
    yield rule
    if application is not None and isinstance(rule, Branching):
        # Only the branch that decides the application: its months and minimum.
        taken = rule.branch(application, LAZADA_CATEGORIES if categories is None else categories)
        children: tuple[Rule[Any], ...] = () if taken is None else (taken,)
    else:
        children = rule.children()
    for child in children:
        yield from _rules(child, application, categories)


def assumed_minimum(
    rule: Rule[Any],
    application: Application | None = None,
    categories: CategoryTaxonomy | None = None,
) -> Money | None:
    """
    Return the turnover assumed for months that have not ended, under *rule*.

    The largest ``min_turnover`` minimum in the currency of the first one
    found, depth first; ``None`` when the tree has none. Given the
    *application*, a branching rule contributes only the branch that
    decides it (the taxonomy *categories*, by default the shipped one, says
    which).

    Example:
        >>> from lazada_eligibility import LAZADA_CROSS_BORDER
        >>> from lazada_eligibility.planning import assumed_minimum
        >>> assumed_minimum(LAZADA_CROSS_BORDER.rule)
        Money('1000', 'USD')

    .. versionadded:: 0.1.0
    """
    found = _rules(rule, application, categories)
    minimums = [r.minimum for r in found if isinstance(r, MinTurnover)]
    if not minimums:
        return None
    currency = minimums[0].currency
    return max(m for m in minimums if m.currency == currency)


def _windows(
    rule: Rule[Any], application: Application, categories: CategoryTaxonomy | None
) -> set[tuple[int, int]]:
    found = _rules(rule, application, categories)
    return {(r.window, r.lag_days) for r in found if isinstance(r, EachMonth)}


def assumed(
    application: Application,
    *,
    as_of: dt.date,
    on: dt.date,
    minimum: Money | None,
    only: frozenset[int] | None = None,
) -> Application:
    """
    Return *application* as it would stand on *on* under the module's assumption.

    The months from *as_of*'s month up to the one before *on*'s month each
    get exactly *minimum* in the applied category, replacing their records;
    with nothing assumed, *application* itself. With *only*, just the stores
    at those positions get the assumed months; the others keep their records.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       The *only* argument.
    """
    first, last = Month.of(as_of), Month.of(on)
    if minimum is None or last <= first:
        return application
    months = [first + k for k in range(last - first)]

    def store(i: int, s: Store) -> Store:
        if only is not None and i not in only:
            return s
        kept = [r for r in s.turnover if r.month < first]
        added = [MonthlyTurnover(m, minimum, application.category) for m in months]
        fields: dict[str, Any] = {
            str(a.alias): getattr(s, a.name) for a in attrs.fields(Store) if a.init
        }
        return _AssumedStore(**{**fields, "turnover": (*kept, *added)})

    return attrs.evolve(
        application, stores=tuple(store(i, s) for i, s in enumerate(application.stores))
    )


def _stores_needed(
    passes: Callable[[frozenset[int]], bool], count: int
) -> tuple[tuple[int, ...], bool]:
    # Which stores must bring the assumed months: every store that is
    # enough alone (any one will do), else one minimal set, found by
    # dropping each store that is not needed (all of them are).
    alone = tuple(i for i in range(count) if passes(frozenset({i})))
    if alone:
        return alone, len(alone) > 1
    needed = set(range(count))
    for i in range(count):
        if passes(frozenset(needed - {i})):
            needed.discard(i)
    return tuple(sorted(needed)), False


@attrs.frozen
class _AssumedStore(Store):
    """
    A store as it would stand with assumed months: not input, so not held to the input limit.

    A store at :data:`~lazada_eligibility.limits.MAX_RECORDS_PER_STORE`
    gains up to a window of assumed months.
    """

    _max_records: ClassVar[int] = sys.maxsize


def _candidates(as_of: dt.date, windows: set[tuple[int, int]]) -> Iterator[dt.date]:
    # The days the verdict can change on, in order, up to the day from which
    # every window lies in assumed months.
    widest = max((w for w, _ in windows), default=0)
    lags = sorted({0} | {lag for _, lag in windows})
    start = Month.of(as_of)
    horizon = (start + (widest + 1)).first_day + dt.timedelta(days=lags[-1])
    yield as_of
    for k in range(widest + 2):
        first_day = (start + k).first_day
        for lag in lags:
            day = first_day + dt.timedelta(days=lag)
            # Past the last as_of a decision takes, no date is promised.
            if as_of < day <= horizon and day <= AS_OF_RANGE[1]:
                yield day


def earliest_plan(
    application: Application,
    *,
    as_of: dt.date,
    policy: Policy | None = None,
    rates: ExchangeRates | None = None,
    registry: EvidenceRegistry | None = None,
    platforms: PlatformCatalog | None = None,
    categories: CategoryTaxonomy | None = None,
) -> EarliestPlan:
    """
    Return the earliest date *application* could pass, the months it relies on, and on which stores.

    See the module for exactly what is assumed. The arguments are those of
    :func:`~lazada_eligibility.evaluate`. The plan names the stores whose
    coming months must reach the minimum: every store that would be enough
    on its own (``alternatives``: any one of them), or else the stores
    needed together.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility import Application, Money, Month, MonthlyTurnover, Store
        >>> from lazada_eligibility.planning import earliest_plan
        >>> store = Store(
        ...     "Amazon US",
        ...     "A1",
        ...     [
        ...         MonthlyTurnover(Month(2026, m), Money(a, "USD"))
        ...         for m, a in ((8, 1200), (9, 850), (10, 1000))
        ...     ],
        ...     category="mobiles",
        ... )
        >>> plan = earliest_plan(
        ...     Application("Seller Co.", "mobiles", [store]), as_of=dt.date(2026, 11, 28)
        ... )
        >>> plan.date, [str(m) for m in plan.months], plan.minimum
        (datetime.date(2027, 1, 1), ['2026-11', '2026-12'], Money('1000', 'USD'))
        >>> [s.label for s in plan.stores], plan.alternatives
        (['amazon.com/A1'], False)

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Returns an :class:`EarliestPlan`, which names the stores.
    """
    as_of = as_date(as_of)
    policy = LAZADA_CROSS_BORDER if policy is None else policy
    prepared = policy.prepare(
        platforms=platforms, categories=categories, rates=rates, registry=registry
    )
    minimum = assumed_minimum(policy.rule, application, categories)
    windows = _windows(policy.rule, application, categories)
    for day in _candidates(as_of, windows):
        candidate = assumed(application, as_of=as_of, on=day, minimum=minimum)
        if prepared.check(candidate, as_of=day) is not Verdict.PASS:
            continue
        first = Month.of(as_of)
        seen = {m for w, lag in windows for m in review_window(day, w, lag) if m >= first}
        months = tuple(sorted(seen)) if day != as_of and minimum is not None else ()
        if not months:
            return EarliestPlan(as_of=as_of, date=day, minimum=minimum)

        def passes(only: frozenset[int], day: dt.date = day) -> bool:
            some = assumed(application, as_of=as_of, on=day, minimum=minimum, only=only)
            return prepared.check(some, as_of=day) is Verdict.PASS

        positions, alternatives = _stores_needed(passes, len(application.stores))
        refs = tuple(prepared.env.store_ref(application.stores[i]) for i in positions)
        return EarliestPlan(
            as_of=as_of,
            date=day,
            months=months,
            minimum=minimum,
            stores=refs,
            alternatives=alternatives,
        )
    return EarliestPlan(as_of=as_of, date=None, minimum=minimum)


def earliest_eligible(
    application: Application,
    *,
    as_of: dt.date,
    policy: Policy | None = None,
    rates: ExchangeRates | None = None,
    registry: EvidenceRegistry | None = None,
    platforms: PlatformCatalog | None = None,
    categories: CategoryTaxonomy | None = None,
) -> dt.date | None:
    """
    Return the first date on or after *as_of* the application could pass, or ``None``.

    That is the date of :func:`earliest_plan`: every month not ended by
    *as_of* is assumed to reach exactly the minimum in the category applied
    for, and a month that has ended with no record counts as zero. ``None``
    when no date can work, such as for an application with domestic stores only.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility import Application, Money, Month, MonthlyTurnover, Store
        >>> from lazada_eligibility.planning import earliest_eligible
        >>> store = Store("淘宝", "shop", [MonthlyTurnover(Month(2026, 10), Money(90000, "CNY"))])
        >>> earliest_eligible(
        ...     Application("Seller Co.", "home-living", [store]), as_of=dt.date(2026, 11, 28)
        ... ) is None
        True

    .. versionadded:: 0.1.0
    """
    return earliest_plan(
        application,
        as_of=as_of,
        policy=policy,
        rates=rates,
        registry=registry,
        platforms=platforms,
        categories=categories,
    ).date
