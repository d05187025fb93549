"""
Test helpers for systems that embed the library: Hypothesis strategies and builders.

Property-test your integration against random applications, stores, turnover
and policies. The module needs Hypothesis (``pip install
'lazada-eligibility[test]'``).

Example:
    >>> from hypothesis import given, settings
    >>> from lazada_eligibility import evaluate
    >>> from lazada_eligibility.testing import AS_OF, applications
    >>> @settings(max_examples=20)
    ... @given(applications())
    ... def test_never_raises(app):
    ...     evaluate(app, as_of=AS_OF)
    >>> test_never_raises()

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final

try:
    from hypothesis import strategies as st
except ImportError as e:  # pragma: no cover -- the test extra is installed wherever tests run
    msg = "lazada_eligibility.testing needs Hypothesis: pip install 'lazada-eligibility[test]'"
    raise ImportError(msg) from e

from .categories import LAZADA_CATEGORIES
from .models import Application, MonthlyTurnover, Store
from .money import Money, RateTable, currency_digits
from .periods import Month
from .platforms import Platform
from .policy._policy import Policy
from .provenance import Provenance, RateUsed
from .rules import (
    Rule,
    all_of,
    any_of,
    any_store,
    by_applied_category,
    by_market,
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

__all__ = [
    "AS_OF",
    "BRANCH_CATEGORIES",
    "CATEGORIES",
    "CURRENCIES",
    "PLATFORMS",
    "THRESHOLDS",
    "WINDOW_MONTHS",
    "application_rules",
    "applications",
    "boundary_amounts",
    "branching_rules",
    "category_ids",
    "decimals",
    "make_application",
    "make_store",
    "minimums",
    "money",
    "month_rules",
    "months",
    "policies",
    "provenances",
    "rate_tables",
    "store_ids",
    "store_leaves",
    "store_rules",
    "stores",
    "turnover_lists",
]

CURRENCIES: tuple[str, ...] = ("USD", "EUR", "GBP", "JPY", "CNY")
PLATFORMS = (
    "Amazon US",
    "amazon.de",
    "https://www.ebay.co.uk/str/shop",
    "AliExpress",
    "淘宝",
    "JD",
    "Pinduoduo",
    "Temu",
    "Unknown Bazaar",
)
# Only ids the taxonomy knows: an unknown id is an input error (a
# ValidationError with a did-you-mean), not a decision.
CATEGORIES = ("mobiles", "laptops", "cameras", "electronic-accessories", "health-beauty",
              "home-living", "sports-lifestyle")  # fmt: skip
THRESHOLDS: tuple[str, ...] = ("1000", "500", "1500", "999.99")
"""The minimums :func:`month_rules` draws most often; record amounts cluster around them."""
AS_OF = dt.date(2026, 11, 28)
"""The decision date the strategies' months are built around."""
WINDOW_MONTHS = (Month(2026, 7), Month(2026, 8), Month(2026, 9), Month(2026, 10))


def months(min_year: int = 2020, max_year: int = 2030) -> st.SearchStrategy[Month]:
    """
    Any calendar month in a range of years.

    .. versionadded:: 0.1.0
    """
    return st.builds(Month, st.integers(min_year, max_year), st.integers(1, 12))


def decimals(max_value: int = 10_000, places: int = 2) -> st.SearchStrategy[Decimal]:
    """
    Non-negative amounts with at most *places* decimal digits.

    .. versionadded:: 0.1.0
    """
    return st.decimals(min_value=0, max_value=max_value, places=places, allow_nan=False,
                       allow_infinity=False)  # fmt: skip


def money(currencies: tuple[str, ...] = CURRENCIES) -> st.SearchStrategy[Money]:
    """
    Non-negative Money in one of *currencies*.

    .. versionadded:: 0.1.0
    """
    return st.builds(Money, decimals(), st.sampled_from(currencies))


def boundary_amounts(
    currency: str, thresholds: Sequence[str | Decimal] = THRESHOLDS
) -> st.SearchStrategy[Decimal]:
    """
    Amounts exactly at, one minor unit below and one above each of *thresholds*.

    Also each threshold's half at, below and above, so that two records of a
    month (a category breakdown, or two stores combined) sum to exactly the
    threshold, a cent below or a cent above. The minor unit is *currency*'s
    (a cent for USD, a yen for JPY).

    Example:
        >>> from hypothesis import given, settings
        >>> from lazada_eligibility.testing import boundary_amounts
        >>> near = {"999.99", "1000", "1000.01", "499.99", "500", "500.01"}
        >>> @settings(max_examples=5)
        ... @given(boundary_amounts("USD", ["1000"]))
        ... def test(amount):
        ...     assert str(amount) in near
        >>> test()

    .. versionadded:: 0.2.0
    """
    unit = Decimal(1).scaleb(-currency_digits(currency))
    near: list[Decimal] = []
    for t in thresholds:
        for base in (Decimal(t), Decimal(t) / 2):
            near.extend(v for v in (base - unit, base, base + unit) if v >= 0)
    return st.sampled_from(sorted(set(near)))


def minimums(currencies: tuple[str, ...] = ("USD", "EUR")) -> st.SearchStrategy[Money]:
    """
    Minimums for ``min_turnover``: mostly :data:`THRESHOLDS`, sometimes any amount.

    .. versionadded:: 0.2.0
    """
    return st.builds(
        Money,
        st.sampled_from(THRESHOLDS) | decimals(),
        st.sampled_from(currencies),
    )


@st.composite
def turnover_lists(draw: st.DrawFn, store_category: str | None = None) -> list[MonthlyTurnover]:
    """
    Records of one store: one currency, at most one per month and effective category.

    Amounts are often exactly at a threshold of :data:`THRESHOLDS`, one minor
    unit either side of it, or half of it (see :func:`boundary_amounts`), so
    that a ``>=`` turned into ``>`` anywhere in the engine is seen.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Amounts cluster around the thresholds.
    """
    cur = draw(st.sampled_from(CURRENCIES))
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(WINDOW_MONTHS), st.none() | st.sampled_from(CATEGORIES)),
            unique_by=lambda k: (k[0], k[1] or store_category),
            max_size=6,
        )
    )
    amounts = decimals(3000) | boundary_amounts(cur)
    return [MonthlyTurnover(m, Money(draw(amounts), cur), c) for m, c in keys]


# Id characters by the catalog's store id pattern; a platform without one
# gets ids of letters and digits with an inner '-' or '_'.
_ID_ALPHABETS: Final = {
    "[a-z0-9]+": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "[a-z0-9._*-]+": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._*-",
    "[0-9]+": "0123456789",
}


def store_ids(platform: Platform) -> st.SearchStrategy[str]:
    """
    Store ids that *platform* accepts, in its character set, as sellers write them.

    Example:
        >>> from hypothesis import find
        >>> from lazada_eligibility import DEFAULT_PLATFORMS
        >>> from lazada_eligibility.testing import store_ids
        >>> find(store_ids(DEFAULT_PLATFORMS.get("aliexpress.com")), lambda s: len(s) > 2)
        '000'

    .. versionadded:: 0.2.0
    """
    alphabet = _ID_ALPHABETS.get(
        platform.store_id_pattern,
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
    )
    return st.text(alphabet, min_size=1, max_size=16).filter(
        lambda s: s[0].isalnum() and s[-1].isalnum()
    )


@st.composite
def stores(draw: st.DrawFn, store_id: str | None = None) -> Store:
    """
    A store on a known, domestic or unknown platform with a few months of turnover.

    .. versionadded:: 0.1.0
    """
    category = draw(st.none() | st.sampled_from(CATEGORIES))
    return Store(
        platform=draw(st.sampled_from(PLATFORMS)),
        # Digits: a store id every platform accepts (AliExpress store numbers are digits).
        store_id=store_id or draw(st.text("123456789", min_size=1, max_size=6)),
        turnover=draw(turnover_lists(category)),
        name=draw(st.none() | st.text(min_size=1, max_size=10).filter(str.strip)),
        owner=draw(st.none() | st.sampled_from(("Seller Co.", "Other Co."))),
        category=category,
    )


@st.composite
def applications(draw: st.DrawFn, max_stores: int = 3) -> Application:
    """
    An application with up to *max_stores* distinct stores.

    .. versionadded:: 0.1.0
    """
    n = draw(st.integers(0, max_stores))
    found = [draw(stores(f"10{i}")) for i in range(n)]
    return Application(
        applicant=draw(st.sampled_from(("Seller Co.", "Other Co."))),
        category=draw(st.sampled_from(CATEGORIES[:-1]) | st.sampled_from(CATEGORIES)),
        stores=found,
        id=draw(st.none() | st.just("APP-1")),
        market=draw(st.none() | st.sampled_from(("MY", "SG", "TH", "ID", "PH", "VN"))),
    )


def rate_tables() -> st.SearchStrategy[RateTable]:
    """
    Rates for some currencies in some months of the window (the rest missing).

    .. versionadded:: 0.1.0
    """
    keys = st.lists(st.tuples(st.sampled_from(CURRENCIES[1:]), st.sampled_from(WINDOW_MONTHS)),
                    unique=True)  # fmt: skip
    # Rates such as 1.25 and 0.8 convert a threshold into another exactly.
    exact = st.sampled_from([Decimal(r) for r in ("1.25", "0.8", "0.5", "2", "1.6")])
    return keys.flatmap(
        lambda ks: st.lists(
            st.decimals(min_value=Decimal("0.001"), max_value=5, places=4) | exact,
            min_size=len(ks),
            max_size=len(ks),
        ).map(lambda rs: RateTable(dict(zip(ks, rs, strict=True))))
    )


def provenances() -> st.SearchStrategy[Provenance]:
    """
    Decision provenances: digests, rates used (some missing), registry states, versions.

    .. versionadded:: 0.2.0
    """
    digests = st.text("0123456789abcdef", min_size=64, max_size=64)
    text = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12)
    used = st.builds(
        RateUsed,
        month=st.sampled_from(WINDOW_MONTHS),
        currency=st.sampled_from(CURRENCIES),
        target=st.sampled_from(("USD", "EUR")),
        rate=st.none() | st.decimals(min_value=Decimal("0.0001"), max_value=1000, places=6),
    )
    registry = st.none() | st.lists(st.tuples(st.sampled_from(PLATFORMS), text), max_size=3)
    return st.builds(
        Provenance,
        platforms=digests,
        categories=digests,
        rates=st.lists(used, max_size=4),
        registry=registry,
        library=text,
    )


def month_rules() -> st.SearchStrategy[Rule[Any]]:
    """
    Leaf rules about a month of a store, with minimums from :func:`minimums`.

    .. versionadded:: 0.1.0
    """
    return st.builds(
        min_turnover,
        minimums(),
        st.sampled_from(("same-top-level", "within", "exact", "any")),
    )


def store_leaves() -> st.SearchStrategy[Rule[Any]]:
    """
    Leaf rules about a store, including each_month over a month rule.

    .. versionadded:: 0.1.0
    """
    return st.one_of(
        st.sampled_from(("cross-border", "domestic")).map(platform_kind),
        st.sampled_from(("same-top-level", "within", "exact")).map(category_matches),
        st.just(owner_is()),
        st.builds(each_month, month_rules(), st.integers(1, 3), st.integers(0, 5)),
        # Composed month rules run the general min_turnover template, not the window tally.
        st.builds(each_month, _trees(month_rules(), 3), st.integers(1, 3), st.integers(0, 5)),
    )


BRANCH_CATEGORIES = ("mobiles", "3c-digital", "electronic-devices", "health-beauty", "home-living")
"""The category keys :func:`branching_rules` draws: ids at several depths, and a group."""


def branching_rules(inner: st.SearchStrategy[Rule[Any]]) -> st.SearchStrategy[Rule[Any]]:
    """
    ``by_applied_category`` and ``by_market`` rules over rules drawn from *inner*.

    *inner* must draw rules about one subject, as branches must be.

    .. versionadded:: 0.2.0
    """

    def cases(keys: st.SearchStrategy[str]) -> st.SearchStrategy[list[tuple[list[str], Rule[Any]]]]:
        case = st.tuples(st.lists(keys, min_size=1, max_size=2), inner)
        return st.lists(case, min_size=1, max_size=3)

    return st.one_of(
        st.builds(by_applied_category, cases(st.sampled_from(BRANCH_CATEGORIES)), inner),
        st.builds(by_market, cases(st.sampled_from(("MY", "SG", "TH", "ID", "PH", "VN"))), inner),
    )


def _trees(
    leaves: st.SearchStrategy[Rule[Any]], max_leaves: int = 6
) -> st.SearchStrategy[Rule[Any]]:
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda rs: all_of(*rs)),
            st.lists(inner, min_size=2, max_size=3).map(lambda rs: any_of(*rs)),
            inner.map(not_),
            branching_rules(inner),
        ),
        max_leaves=max_leaves,
    )


def store_rules() -> st.SearchStrategy[Rule[Any]]:
    """
    Random trees of store rules.

    .. versionadded:: 0.1.0
    """
    return _trees(store_leaves())


def application_rules() -> st.SearchStrategy[Rule[Any]]:
    """
    Random trees of application rules: quantified store trees and application leaves.

    .. versionadded:: 0.1.0
    """
    combined = st.builds(
        lambda f, e: combined_stores(all_of(f, e)),
        st.sampled_from(("cross-border", "domestic")).map(platform_kind),
        st.builds(each_month, month_rules(), st.integers(1, 3)),
    )
    leaves = st.one_of(
        store_rules().map(any_store),
        store_rules().map(every_store),
        combined,
        st.just(evidence_not_reused()),
        st.sampled_from(("3c-digital", "health-beauty")).map(prohibited_categories),
    )
    return _trees(leaves)


def category_ids() -> st.SearchStrategy[str]:
    """
    Ids of real categories in the default taxonomy.

    .. versionadded:: 0.1.0
    """
    return st.sampled_from(sorted(c.id for c in LAZADA_CATEGORIES))


def policies() -> st.SearchStrategy[Policy]:
    """
    Random policies: random application rule trees under a fixed id and version.

    .. versionadded:: 0.1.0
    """
    return application_rules().map(lambda rule: Policy("random", "1", rule))


def make_store(
    platform: str = "Amazon US",
    amounts: Sequence[str | int | Decimal] = ("1200", "1300", "1400"),
    currency: str = "USD",
    *,
    store_id: str = "A1",
    first: Month = WINDOW_MONTHS[1],
    category: str | None = "mobiles",
    owner: str | None = None,
) -> Store:
    """
    Build a store with one record per month from *first*, one per amount.

    Example:
        >>> from lazada_eligibility import Month
        >>> from lazada_eligibility.testing import make_store
        >>> make_store(amounts=["1000", "999.99"]).records_in(Month(2026, 9))[0].amount
        Money('999.99', 'USD')

    .. versionadded:: 0.1.0
    """
    turnover = [MonthlyTurnover(first + i, Money(a, currency)) for i, a in enumerate(amounts)]
    return Store(platform, store_id, turnover, category=category, owner=owner)


def make_application(
    stores: Iterable[Store] | None = None,
    *,
    category: str = "mobiles",
    applicant: str = "Seller Co.",
    id: str | None = "APP-1",  # noqa: A002 -- matches Application.id
    market: str | None = None,
) -> Application:
    """
    Build an application; by default one Amazon US store that passes the default policy.

    Example:
        >>> from lazada_eligibility.testing import AS_OF, make_application, make_store
        >>> from lazada_eligibility import evaluate
        >>> evaluate(make_application(), as_of=AS_OF).eligible
        True
        >>> short = make_application([make_store(amounts=["1200", "850", "1000"])])
        >>> [r.code for r in evaluate(short, as_of=AS_OF).reasons]
        ['turnover.below-minimum']

    .. versionadded:: 0.1.0
    """
    found = [make_store()] if stores is None else list(stores)
    return Application(applicant, category, found, id=id, market=market)
