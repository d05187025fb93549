"""
The earliest date an application could pass, if the coming months go well.

The answer assumes exactly this, and nothing else:

- every month that has not ended by ``as_of`` (``as_of``'s own month and
  later) brings, in every store, turnover of exactly the minimum, in the
  category applied for: one record per store and month, replacing what the
  store has recorded for those months so far;
- a month that has ended by ``as_of`` is what the records say: a month with
  no record counts as zero;
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
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .categories import LAZADA_CATEGORIES
from .models import Application, MonthlyTurnover, Store
from .money import Money
from .periods import Month, review_window
from .policies import LAZADA_CROSS_BORDER
from .policy import as_date
from .rules import Rule, Verdict
from .rules._branching import Branching
from .rules._leaves import MinTurnover
from .rules._quantifiers import EachMonth

if TYPE_CHECKING:
    from .categories import CategoryTaxonomy
    from .platforms import PlatformCatalog
    from .policy import Policy
    from .typing import EvidenceRegistry, ExchangeRates


__all__ = ["EarliestDate", "earliest_eligible", "earliest_plan"]


@attrs.frozen(kw_only=True)
class EarliestDate:
    """
    The earliest date to apply, and the coming months it relies on.

    Attributes:
        as_of: The day the plan was made for.
        date: The first day on or after *as_of* the application could pass,
            or ``None`` when no day can work.
        months: The months that have not ended by *as_of* and are in the
            review window on *date*: each must reach :attr:`minimum`.
        minimum: The turnover each of :attr:`months` is assumed to reach, in
            the category applied for; ``None`` when the policy has no
            ``min_turnover`` rule.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility.planning import EarliestDate
        >>> plan = EarliestDate(as_of=dt.date(2026, 11, 28), date=None)
        >>> plan.possible
        False

    .. versionadded:: 0.1.0
    """

    as_of: dt.date
    date: dt.date | None
    months: tuple[Month, ...] = ()
    minimum: Money | None = None

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
        """
        return {
            "as_of": self.as_of.isoformat(),
            "date": None if self.date is None else self.date.isoformat(),
            "months": [str(m) for m in self.months],
            "minimum": None if self.minimum is None else self.minimum.to_dict(),
        }


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
    application: Application, *, as_of: dt.date, on: dt.date, minimum: Money | None
) -> Application:
    """
    Return *application* as it would stand on *on* under the module's assumption.

    The months from *as_of*'s month up to the one before *on*'s month each
    get exactly *minimum* in the applied category, replacing their records;
    with nothing assumed, *application* itself.

    .. versionadded:: 0.1.0
    """
    first, last = Month.of(as_of), Month.of(on)
    if minimum is None or last <= first:
        return application
    months = [first + k for k in range(last - first)]

    def store(s: Store) -> Store:
        kept = [r for r in s.turnover if r.month < first]
        added = [MonthlyTurnover(m, minimum, application.category) for m in months]
        fields: dict[str, Any] = {
            str(a.alias): getattr(s, a.name) for a in attrs.fields(Store) if a.init
        }
        return _AssumedStore(**{**fields, "turnover": (*kept, *added)})

    return attrs.evolve(application, stores=tuple(store(s) for s in application.stores))


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
            if as_of < day <= horizon:
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
) -> EarliestDate:
    """
    Return the earliest date *application* could pass, with the months it relies on.

    See the module for exactly what is assumed. The arguments are those of
    :func:`~lazada_eligibility.evaluate`.

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

    .. versionadded:: 0.1.0
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
        if prepared.check(candidate, as_of=day) is Verdict.PASS:
            first = Month.of(as_of)
            seen = {m for w, lag in windows for m in review_window(day, w, lag) if m >= first}
            months = tuple(sorted(seen)) if day != as_of and minimum is not None else ()
            return EarliestDate(as_of=as_of, date=day, months=months, minimum=minimum)
    return EarliestDate(as_of=as_of, date=None, minimum=minimum)


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
