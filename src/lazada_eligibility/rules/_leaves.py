"""
The built-in leaf rules: platform, category, turnover, evidence and owner.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from .._arith import add, convert, sub
from ..exceptions import PolicyError, ValidationError
from ..identity import same_holder
from ..money import Money, exact_money
from ..platforms import PlatformKind
from ..subjects import ApplicationRef, MonthRef
from ._core import (
    FAIL,
    PASS,
    REVIEW,
    VERDICTS,
    Compiled,
    Context,
    Env,
    Level,
    Outcome,
    Rule,
    StoreMonth,
)

if TYPE_CHECKING:
    from ..categories import CategoryTaxonomy
    from ..models import Application, Store
    from ..periods import Month


__all__ = [
    "CATEGORY_MODES",
    "category_matches",
    "evidence_not_reused",
    "min_turnover",
    "owner_is",
    "platform_kind",
    "prohibited_categories",
]

CATEGORY_MODES: Final = ("exact", "within", "same-top-level")
_ZERO: Final = Decimal(0)

# (total counted, any record?, currency without a rate, (currency, rate) that
# cannot convert exactly, unknown category)
_Tally = tuple[Decimal, bool, "str | None", "tuple[str, object] | None", "str | bool | None"]


def rate_text(rate: object) -> str:
    """
    Show a rate the engine would not convert with, shortened when long.
    """
    text = str(rate)
    return text if len(text) <= 40 else f"{text[:32]}..."


@attrs.frozen(repr=False)
class LeafRule(Rule[Any]):
    """
    Base of leaf rules: ``str()`` and ``repr()`` read like the call that built it.

    .. versionadded:: 0.1.0
    """

    def __repr__(self) -> str:
        return str(self)


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _kinds(kinds: tuple[str | PlatformKind, ...]) -> tuple[PlatformKind, ...]:
    if not kinds:
        raise PolicyError("platform_kind() needs at least one kind")
    try:
        parsed = {PlatformKind.parse(k) for k in kinds}
    except ValidationError as e:
        raise PolicyError(f"platform_kind(): {e}") from None
    return tuple(sorted(parsed, key=lambda k: k.value))


@attrs.frozen(repr=False)
class PlatformKindRule(LeafRule):
    """
    The store's platform is of one of *kinds*; unknown platforms review.
    """

    kinds: tuple[PlatformKind, ...]
    kind: ClassVar[str] = "platform_kind"

    @property
    def level(self) -> Level:
        return Level.STORE

    def __str__(self) -> str:
        return f"platform_kind({', '.join(repr(k.value) for k in self.kinds)})"

    def to_doc(self) -> dict[str, Any]:
        return {"platform_kind": {"kinds": [k.value for k in self.kinds]}}

    def compile(self, env: Env) -> Compiled:
        wanted = frozenset(self.kinds)
        verdicts: dict[str, int] = {}
        platform_of = env.platform_of

        def check(s: Store, m: object, app: Application, as_of: dt.date) -> int:
            raw = s.platform
            try:
                return verdicts[raw]
            except KeyError:
                p = platform_of(raw)
                v = REVIEW if p is None else PASS if p.kind in wanted else FAIL
                if len(verdicts) < 100_000:
                    verdicts[raw] = v
                return v

        def explain(s: Store, m: object, ctx: Context) -> Outcome:
            p = platform_of(s.platform)
            subject = env.store_ref(s)
            if p is None:
                return Outcome(
                    "platform_kind",
                    VERDICTS[REVIEW],
                    "platform.unknown",
                    subject,
                    {"platform": s.platform},
                )
            v = PASS if p.kind in wanted else FAIL
            facts = {"platform": p.id, "name": p.name, "kind": p.kind.value}
            return Outcome("platform_kind", VERDICTS[v], f"platform.{p.kind.value}", subject, facts)

        return Compiled(check, explain)


def platform_kind(*kinds: str | PlatformKind) -> Rule[Store]:
    """
    The store's platform is of one of *kinds* (``"cross-border"``, ``"domestic"``).

    The store's platform text is resolved through the platform catalog; a
    platform the catalog does not know reviews (``platform.unknown``), never
    silently passes or fails. Codes: ``platform.cross-border``,
    ``platform.domestic``, ``platform.unknown``.

    Example:
        >>> from lazada_eligibility.rules import platform_kind
        >>> platform_kind("cross-border")
        platform_kind('cross-border')

    .. versionadded:: 0.1.0
    """
    return PlatformKindRule(_kinds(kinds))


def _mode(mode: str, allowed: tuple[str, ...] = CATEGORY_MODES) -> str:
    if mode not in allowed:
        choices = ", ".join(repr(m) for m in allowed)
        raise PolicyError(f"category mode must be one of {choices}, got {mode!r}")
    return mode


def _related(taxonomy: CategoryTaxonomy, mode: str, applied: str, category: str) -> bool:
    # Both are known ids or groups, and differ.
    if mode == "exact":
        return False
    if taxonomy.is_group(category):
        # Turnover labelled with a group (say 3c-digital) is within no single
        # category, but its top level is the group itself.
        same_top = mode != "within" and not taxonomy.is_group(applied)
        return same_top and taxonomy.match_key(applied) == category
    if mode == "within" or taxonomy.is_group(applied):
        return taxonomy.is_within(category, applied)
    return taxonomy.match_key(category) == taxonomy.match_key(applied)


def category_matcher(taxonomy: CategoryTaxonomy, mode: str) -> Any:
    """
    Return ``match(applied, category) -> 0/1/2`` for *mode*, memoised.

    REVIEW (1) when either category is unknown to the taxonomy or missing.
    """
    cache: dict[tuple[str, str | None], int] = {}

    def known(c: str) -> bool:
        return c in taxonomy or taxonomy.is_group(c)

    def compute(applied: str, category: str | None) -> int:
        if category is None or not known(category) or not known(applied):
            return REVIEW
        if category == applied or _related(taxonomy, mode, applied, category):
            return PASS
        return FAIL

    def match(applied: str, category: str | None) -> int:
        key = (applied, category)
        try:
            return cache[key]
        except KeyError:
            v = compute(applied, category)
            if len(cache) < 100_000:
                cache[key] = v
            return v

    return match


def store_categories(store: Store) -> list[str | None]:
    """
    The distinct categories of *store*'s records, in order; its own when it has none.
    """
    found: dict[str | None, None] = {}
    for record in store.turnover:
        found[record.category or store.category] = None
    if not found:
        found[store.category] = None
    return list(found)


@attrs.frozen(repr=False)
class CategoryMatches(LeafRule):
    """
    The store's turnover is in the category applied for.
    """

    mode: str
    kind: ClassVar[str] = "category_matches"

    @property
    def level(self) -> Level:
        return Level.STORE

    def __str__(self) -> str:
        return f"category_matches({self.mode!r})"

    def to_doc(self) -> dict[str, Any]:
        return {"category_matches": {"mode": self.mode}}

    def compile(self, env: Env) -> Compiled:
        match = category_matcher(env.categories, self.mode)

        def verdict(s: Store, applied: str) -> tuple[int, str | None]:
            result, which = FAIL, None
            for c in store_categories(s):
                v = match(applied, c)
                if v > result:
                    result, which = v, c
                    if v == PASS:
                        break
            return result, which

        def check(s: Store, m: object, app: Application, as_of: dt.date) -> int:
            return verdict(s, app.category)[0]

        def explain(s: Store, m: object, ctx: Context) -> Outcome:
            applied = ctx.application.category
            v, which = verdict(s, applied)
            subject = env.store_ref(s)
            facts: dict[str, Any] = {"applied": applied, "mode": self.mode}
            if v == PASS:
                code = "category.match"
                facts["category"] = which
            elif v == REVIEW:
                code = "category.unknown"
                facts["category"] = which if match(applied, applied) != REVIEW else applied
            else:
                code = "category.mismatch"
                facts["categories"] = tuple(sorted(c for c in store_categories(s) if c))
            return Outcome("category_matches", VERDICTS[v], code, subject, facts)

        return Compiled(check, explain)


def category_matches(mode: str = "same-top-level") -> Rule[Store]:
    """
    The store's turnover is in the category applied for.

    A record's category is its own, or else its store's. Modes:

    - ``exact``: the same category id;
    - ``within``: the record's category is the applied one or below it;
    - ``same-top-level``: both have the same top-level category, where a
      group such as ``3c-digital`` counts as one top level.

    A store passes when any of its categories matches. A category the
    taxonomy does not know, or a store with no category at all, reviews.
    Codes: ``category.match``, ``category.mismatch``, ``category.unknown``.

    Example:
        >>> from lazada_eligibility.rules import category_matches
        >>> category_matches("within")
        category_matches('within')

    .. versionadded:: 0.1.0
    """
    return CategoryMatches(_mode(mode))


@attrs.frozen(repr=False)
class ProhibitedCategories(LeafRule):
    """
    The category applied for is not within any of *categories*.
    """

    categories: tuple[str, ...]
    kind: ClassVar[str] = "prohibited_categories"

    @property
    def level(self) -> Level:
        return Level.APPLICATION

    def __str__(self) -> str:
        return f"prohibited_categories({', '.join(repr(c) for c in self.categories)})"

    def to_doc(self) -> dict[str, Any]:
        return {"prohibited_categories": {"categories": list(self.categories)}}

    def compile(self, env: Env) -> Compiled:
        taxonomy = env.categories
        for c in self.categories:
            if c not in taxonomy and not taxonomy.is_group(c):
                raise PolicyError(f"prohibited_categories(): {taxonomy.get(c)}")  # raises

        def which(applied: str) -> tuple[int, str | None]:
            if applied not in taxonomy and not taxonomy.is_group(applied):
                return REVIEW, None
            for c in self.categories:
                if taxonomy.is_within(applied, c):
                    return FAIL, c
            return PASS, None

        def check(s: object, m: object, app: Application, as_of: dt.date) -> int:
            return which(app.category)[0]

        def explain(s: object, m: object, ctx: Context) -> Outcome:
            applied = ctx.application.category
            v, c = which(applied)
            code = ("category.prohibited", "category.unknown", "category.allowed")[v]
            facts: dict[str, Any] = {"category": applied}
            if c is not None:
                facts["prohibited"] = c
            return Outcome("prohibited_categories", VERDICTS[v], code, _app_subject(ctx), facts)

        return Compiled(check, explain)


def prohibited_categories(*categories: str) -> Rule[Application]:
    """
    The category applied for is not within any of *categories* (ids or groups).

    Some sources list 3C electronics as closed to new cross-border sellers;
    this rule is the overlay a policy adds for that. Codes:
    ``category.allowed``, ``category.prohibited``, ``category.unknown``.

    Example:
        >>> from lazada_eligibility.rules import prohibited_categories
        >>> prohibited_categories("3c-digital")
        prohibited_categories('3c-digital')

    .. versionadded:: 0.1.0
    """
    if not categories or not all(_is_text(c) for c in categories):
        raise PolicyError(f"prohibited_categories() needs category ids, got {categories!r}")
    return ProhibitedCategories(tuple(sorted(set(categories))))


def _app_subject(ctx: Context) -> ApplicationRef:
    return ctx.subject()


@attrs.frozen(repr=False)
class MinTurnover(LeafRule):
    """
    The month's turnover in the applied category is at least *minimum*.
    """

    minimum: Money
    category_mode: str = "same-top-level"
    kind: ClassVar[str] = "min_turnover"

    @property
    def level(self) -> Level:
        return Level.MONTH

    def __str__(self) -> str:
        extra = "" if self.category_mode == "same-top-level" else f", {self.category_mode!r}"
        return f"min_turnover({self.minimum!r}{extra})"

    def to_doc(self) -> dict[str, Any]:
        return {
            "min_turnover": {
                "amount": str(self.minimum.amount),
                "currency": self.minimum.currency,
                "category_mode": self.category_mode,
            }
        }

    def compile(self, env: Env) -> Compiled:  # noqa: C901, PLR0915 -- one hot loop, kept together
        target = self.minimum.currency
        floor = self.minimum.amount
        rates = env.rates
        every = self.category_mode == "any"
        match = None if every else category_matcher(env.categories, self.category_mode)

        def tally(stores: tuple[Store, ...], month: Month, applied: str) -> _Tally:
            # Exact sums in the private context: the caller's decimal
            # settings never touch a decision.
            total = _ZERO
            seen = False
            no_rate: str | None = None
            inexact: tuple[str, object] | None = None
            unknown: str | bool | None = False
            for store in stores:
                for record in store.records_in(month):
                    seen = True
                    if match is not None:
                        v = match(applied, record.category or store.category)
                        if v != PASS:
                            if v == REVIEW and unknown is False:
                                unknown = record.category or store.category
                            continue
                    amount = record.amount
                    if amount.currency == target:
                        total = add(total, amount.amount)
                        continue
                    rate = None if rates is None else rates.rate(amount.currency, target, month)
                    if rate is None:
                        no_rate = no_rate or amount.currency
                        continue
                    converted = convert(amount.amount, rate)
                    if converted is None:
                        inexact = inexact or (amount.currency, rate)
                        continue
                    total = add(total, converted)
            return total, seen, no_rate, inexact, unknown

        def check(stores: tuple[Store, ...], month: Month, app: Application, as_of: dt.date) -> int:
            total, seen, no_rate, inexact, unknown = tally(stores, month, app.category)
            if total >= floor:
                return PASS
            if not seen:
                return FAIL
            return REVIEW if no_rate or inexact or unknown is not False else FAIL

        minimum = self.minimum

        def explain(stores: tuple[Store, ...], month: Month, ctx: Context) -> Outcome:
            total, seen, no_rate, inexact, unknown = tally(stores, month, ctx.application.category)
            subject = MonthRef(month, tuple(env.store_ref(s) for s in stores))
            amount = exact_money(total, target)
            facts: dict[str, Any] = {"month": month, "amount": amount, "minimum": minimum}
            if total >= floor:
                v, code = PASS, "turnover.ok"
            elif not seen:
                v, code = FAIL, "turnover.month-missing"
                del facts["amount"]
            elif no_rate:
                v, code = REVIEW, "fx.rate-missing"
                facts.update(currency=no_rate, target=target)
            elif inexact:
                v, code = REVIEW, "fx.rate-inexact"
                facts.update(currency=inexact[0], target=target, rate=rate_text(inexact[1]))
            elif unknown is not False:
                v, code = REVIEW, "category.unknown"
                facts["category"] = unknown
            else:
                v, code = FAIL, "turnover.below-minimum"
                facts["shortfall"] = exact_money(sub(floor, total), target)
            return Outcome("min_turnover", VERDICTS[v], code, subject, facts)

        return Compiled(check, explain)


def min_turnover(minimum: Money, category_mode: str = "same-top-level") -> Rule[StoreMonth]:
    """
    The month's turnover in the applied category is at least *minimum*.

    Records in the category applied for (by *category_mode*, as in
    :func:`category_matches`; ``"any"`` counts every record) are converted
    to the minimum's currency with that month's rate and summed, unrounded.
    Exactly the minimum passes. Codes: ``turnover.ok``,
    ``turnover.month-missing`` (no record that month),
    ``turnover.below-minimum`` (facts: month, amount, minimum, shortfall),
    ``fx.rate-missing``, ``fx.rate-inexact`` (converting with the rate
    given cannot be exact: a cross rate between two currencies other than
    USD that does not end, such as USD to EUR at 1 / 1.08, or a rate
    outside the bounds of a rate: positive, below 10^9, at most 12 places) and ``category.unknown`` (all
    review, and only when the counted turnover falls short without those
    records). Sums and conversions are exact and ignore the caller's
    ``decimal`` context.

    Example:
        >>> from lazada_eligibility import Money
        >>> from lazada_eligibility.rules import min_turnover
        >>> min_turnover(Money("1000", "USD"))
        min_turnover(Money('1000', 'USD'))

    .. versionadded:: 0.1.0
    """
    if not isinstance(minimum, Money):
        raise PolicyError(f"min_turnover() needs Money, got {minimum!r}")
    if minimum.amount < 0:
        raise PolicyError(f"min_turnover() needs a minimum of at least zero, got {minimum}")
    return MinTurnover(minimum, _mode(category_mode, (*CATEGORY_MODES, "any")))


@attrs.frozen(repr=False)
class EvidenceNotReused(LeafRule):
    """
    No store of the application is held by another application.
    """

    kind: ClassVar[str] = "evidence_not_reused"

    @property
    def level(self) -> Level:
        return Level.APPLICATION

    def __str__(self) -> str:
        return "evidence_not_reused()"

    def to_doc(self) -> dict[str, Any]:
        return {"evidence_not_reused": {}}

    def compile(self, env: Env) -> Compiled:  # noqa: C901 -- check and explain kept side by side
        registry = env.registry
        platform_of = env.platform_of

        def one(store: Store, app: Application) -> tuple[int, Any]:
            assert registry is not None  # noqa: S101 -- only called with a registry
            platform = platform_of(store.platform)
            if platform is None:
                return REVIEW, None
            identity = env.identity_of(store)
            assert identity is not None  # noqa: S101 -- the platform is known
            held = registry.holder(platform.id, identity.store_id)
            if held is None or same_holder(held, app):
                return PASS, held
            return FAIL, held

        def check(s: object, m: object, app: Application, as_of: dt.date) -> int:
            if registry is None:
                return PASS
            result = PASS
            for store in app.stores:
                v = one(store, app)[0]
                if v < result:
                    if v == FAIL:
                        return v
                    result = v
            return result

        def explain(s: object, m: object, ctx: Context) -> Outcome:
            app = ctx.application
            subject = _app_subject(ctx)
            if registry is None:
                return Outcome("evidence_not_reused", VERDICTS[PASS], "evidence.unchecked", subject)
            children = []
            for store in app.stores:
                v, _ = one(store, app)
                store_subject = env.store_ref(store)
                if v == REVIEW:
                    children.append(
                        Outcome(
                            "evidence_not_reused",
                            VERDICTS[v],
                            "platform.unknown",
                            store_subject,
                            {"platform": store.platform},
                        )
                    )
                elif v == FAIL:
                    children.append(
                        Outcome(
                            "evidence_not_reused",
                            VERDICTS[v],
                            "evidence.reused",
                            store_subject,
                        )
                    )
                else:
                    children.append(
                        Outcome(
                            "evidence_not_reused", VERDICTS[v], "evidence.unused", store_subject
                        )
                    )
            v = min((c.verdict.rank for c in children), default=PASS)
            code = ("evidence.reused", "evidence.unverified", "evidence.unused")[v]
            return Outcome("evidence_not_reused", VERDICTS[v], code, subject, {}, tuple(children))

        return Compiled(check, explain)


def evidence_not_reused() -> Rule[Application]:
    """
    No store record of the application is already held by another application.

    Consults the registry passed to :func:`~lazada_eligibility.evaluate`;
    a store held by the same application (the same id *and* the same
    applicant) passes. Without a registry it passes with code
    ``evidence.unchecked``, which a decision lists as a caveat. Codes:
    ``evidence.unused``, ``evidence.reused`` (no facts: the holder is
    operator-facing, in :attr:`~lazada_eligibility.Decision.holders`),
    ``evidence.unverified`` (a store on an unknown platform cannot be
    looked up), ``evidence.unchecked``.

    Example:
        >>> from lazada_eligibility.rules import evidence_not_reused
        >>> evidence_not_reused()
        evidence_not_reused()

    .. versionadded:: 0.1.0
    """
    return EvidenceNotReused()


@attrs.frozen(repr=False)
class OwnerIs(LeafRule):
    """
    The store's records belong to the applicant, or to one of *owners*.
    """

    owners: tuple[str, ...] = ()
    kind: ClassVar[str] = "owner_is"

    @property
    def level(self) -> Level:
        return Level.STORE

    def __str__(self) -> str:
        return f"owner_is({', '.join(repr(o) for o in self.owners)})"

    def to_doc(self) -> dict[str, Any]:
        return {"owner_is": {"owners": list(self.owners)}}

    def compile(self, env: Env) -> Compiled:
        owners = frozenset(o.casefold() for o in self.owners)

        def verdict(store: Store, app: Application) -> int:
            if store.owner is None:
                return REVIEW
            wanted = owners or {app.applicant.strip().casefold()}
            return PASS if store.owner.strip().casefold() in wanted else FAIL

        def check(s: Store, m: object, app: Application, as_of: dt.date) -> int:
            return verdict(s, app)

        def explain(s: Store, m: object, ctx: Context) -> Outcome:
            v = verdict(s, ctx.application)
            code = ("owner.mismatch", "owner.unknown", "owner.match")[v]
            facts = {"owner": s.owner, "expected": self.owners or (ctx.application.applicant,)}
            return Outcome("owner_is", VERDICTS[v], code, env.store_ref(s), facts)

        return Compiled(check, explain)


def owner_is(*owners: str) -> Rule[Store]:
    """
    The store's records belong to one of *owners*, or with none named, to the applicant.

    The default policy has no owner check: the source says records need not
    be the applicant's own. Names compare trimmed and case-folded; a store
    with no owner reviews. Codes: ``owner.match``, ``owner.mismatch``,
    ``owner.unknown``.

    Example:
        >>> from lazada_eligibility.rules import owner_is
        >>> owner_is()
        owner_is()

    .. versionadded:: 0.1.0
    """
    if not all(_is_text(o) for o in owners):
        raise PolicyError(f"owner_is() takes non-blank names, got {owners!r}")
    return OwnerIs(tuple(sorted(set(owners))))
