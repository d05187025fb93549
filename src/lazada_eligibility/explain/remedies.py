"""
What to do about a decision: one concrete action, with its figures, per reason.

A :class:`Remedy` is data: a stable code and the facts behind it (months,
amounts, shortfalls, a currency that lacks a rate, the category to add
turnover in, the domestic platform), so that a seller tool can build its own
screens. :meth:`Remedy.render` says it in the seller's language.

Remedy codes: ``turnover.keep-minimum``, ``turnover.add-record``,
``fx.provide-rate``, ``category.add-turnover``, ``category.identify``,
``category.choose-another``, ``platform.use-cross-border``,
``platform.identify``, ``evidence.use-unused-store``, ``owner.use-owned-store``,
``owner.state``, ``stores.add`` and ``review.resolve`` (any other reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from .._l10n import N_, speaker
from ..categories import LAZADA_CATEGORIES, CategoryTaxonomy
from ..codes import code_spec, remedy_spec
from ..decision import encode_fact
from ..money import Money
from ..periods import Month
from ..rules import Outcome, Verdict

if TYPE_CHECKING:
    import babel

    from .._l10n import Speaker
    from ..decision import Decision
    from ..subjects import Subject


__all__ = ["REMEDIES", "Remedy", "remediation"]

REMEDIES: Final[Mapping[str, str]] = {
    "turnover.keep-minimum": N_("{where}: {shortfall} short of {minimum}. Turnover already booked cannot change: keep every month from now on at {minimum} or more; {month} leaves the review window on {clears_on}."),
    "turnover.keep-minimum/open": N_("{where}: {shortfall} short of {minimum}. Turnover already booked cannot change: keep every month from now on at {minimum} or more."),
    "turnover.add-record": N_("{where}: no turnover on record. If the store sold that month, add the month's turnover from the platform's sales report; otherwise the month counts as zero until it leaves the review window on {clears_on}."),
    "turnover.add-record/open": N_("{where}: no turnover on record. If the store sold that month, add the month's turnover from the platform's sales report; otherwise the month counts as zero."),
    "fx.provide-rate": N_("Provide an exchange rate from {currency} to {target} for {months} (for example in the rates file); until then the month needs manual review."),
    "fx.provide-rate/many": N_("Provide exchange rates from {currency} to {target} for {months} (for example in the rates file); until then those months need manual review."),
    "category.add-turnover": N_("{where}: add turnover in {scope}, which includes {applied}, the category applied for; the store's turnover so far is in {categories}."),
    "category.add-turnover/applied": N_("{where}: add turnover in {applied}, the category applied for, or a category under it; the store's turnover so far is in {categories}."),
    "category.add-turnover/exact": N_("{where}: add turnover in exactly {applied}, the category applied for; the store's turnover so far is in {categories}."),
    "category.identify": N_("{where}: give the category “{category}” as a Lazada category id, or expect a manual review."),
    "category.identify/none": N_("{where}: give the store's Lazada category, or expect a manual review."),
    "category.identify/applied": N_("Apply with a Lazada category id instead of “{category}”, or expect a manual review."),
    "category.choose-another": N_("Apply for a category that is open to new sellers: {category} falls under {prohibited}, which is closed."),
    "platform.use-cross-border": N_("{where}: {name} is a domestic platform, so its turnover does not count. Add a store on a cross-border platform such as Amazon, eBay or AliExpress."),
    "platform.identify": N_("{where}: name the platform “{platform}” as the catalog knows it (a marketplace name or domain such as amazon.com), or expect a manual review."),
    "evidence.use-unused-store": N_("{where}: its records were already used for a Lazada store and cannot be used again; apply with a store whose records are not used on Lazada."),
    "owner.use-owned-store": N_("{where}: its records belong to {owner}; use a store whose records belong to {expected}."),
    "owner.state": N_("{where}: say who owns the store's records."),
    "stores.add": N_("Add a store on a cross-border platform, with its monthly turnover."),
    "review.resolve": N_("Resolve this before applying: {reason}"),
}  # fmt: skip
"""English templates of the remedies, keyed by code (and ``/variant``); translated through the catalogs."""

_WHERE_STORE: Final = N_("Store {store}")
_WHERE_STORES: Final = N_("Stores {stores} combined")
_WHERE_STORE_MONTH: Final = N_("Store {store}, {month}")
_WHERE_STORES_MONTH: Final = N_("Stores {stores} combined, {month}")
_THE_APPLICATION: Final = N_("The application")


def store_labels(subject: Subject) -> tuple[str, ...]:
    """
    Return the labels of the stores a typed subject names (none for the application).
    """
    return tuple(s.label for s in subject.stores)


def where(
    labels: Sequence[str], sp: Speaker, *, name_store: bool = True, month: Month | None = None
) -> str:
    """
    Return where an outcome applies, for the start of a sentence (internal).

    *labels* are the stores' labels, each put in verbatim (a store id may
    hold ``+``, commas or quotes). A month of one store is the month alone
    unless *name_store*; a store rule names the store; an application rule
    says "The application".
    """
    if month is not None:
        if not labels or not name_store:
            return sp.month(month)
        if len(labels) == 1:
            return sp.fill(_WHERE_STORE_MONTH, {"store": labels[0], "month": month})
        return sp.fill(_WHERE_STORES_MONTH, {"stores": labels, "month": month})
    if len(labels) == 1:
        return sp.fill(_WHERE_STORE, {"store": labels[0]})
    if labels:
        return sp.fill(_WHERE_STORES, {"stores": labels})
    return sp.gettext(_THE_APPLICATION)


@attrs.frozen
class Remedy:
    """
    One thing to do about one or more reasons of a decision.

    Attributes:
        code: What to do, such as ``turnover.keep-minimum`` (see the module).
        facts: The figures: ``stores`` (labels), ``month``, ``amount``,
            ``minimum``, ``shortfall``, ``clears_on`` (the day the month
            leaves the review window), ``currency``, ``target``,
            ``applied``, ``scope``, ``categories``, ``name``...
        reasons: The reasons (leaf outcomes) it answers.

    Example:
        >>> from lazada_eligibility import Month
        >>> from lazada_eligibility.explain.remedies import Remedy
        >>> remedy = Remedy(
        ...     "fx.provide-rate", {"currency": "EUR", "target": "USD", "months": (Month(2026, 8),)}
        ... )
        >>> remedy.render("en")
        'Provide an exchange rate from EUR to USD for August 2026 (for example in the rates file); until then the month needs manual review.'

    .. versionadded:: 0.1.0
    """

    code: str
    facts: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    reasons: tuple[Outcome, ...] = attrs.field(default=(), eq=False, hash=False)

    @property
    def variant(self) -> str:
        """
        The key of the template that says this remedy (internal).
        """
        facts, code = self.facts, self.code
        if code in {"turnover.keep-minimum", "turnover.add-record"} and not facts.get("clears_on"):
            return f"{code}/open"
        if code == "category.add-turnover":
            if facts.get("mode") == "exact":
                return f"{code}/exact"
            if facts.get("scope") == facts.get("applied"):
                return f"{code}/applied"
        if code == "fx.provide-rate" and len(facts.get("months", ())) > 1:
            return f"{code}/many"
        if code == "category.identify":
            if not facts.get("stores"):
                return f"{code}/applied"
            if facts.get("category") is None:
                return f"{code}/none"
        return code

    def render(
        self,
        locale: str | babel.Locale | None = "en",
        *,
        name_store: bool = True,
        categories: CategoryTaxonomy | None = None,
    ) -> str:
        """
        Say what to do, in *locale*, with amounts, months and dates formatted for it.

        Args:
            locale: The reader's locale; see :func:`~lazada_eligibility.explain.explain`
                for how an unsupported one falls back.
            name_store: Name the store even for a month (an explanation of a
                one-store application leaves it out).
            categories: The taxonomy that names category ids.

        .. versionadded:: 0.1.0
        """
        sp = speaker(locale, categories)
        values: dict[str, Any] = {k: v for k, v in self.facts.items() if v is not None}
        stores = tuple(self.facts.get("stores", ()))
        month = self.facts.get("month")
        values["where"] = where(
            stores, sp, name_store=name_store, month=month if _MONTH_WHERE.get(self.code) else None
        )
        if self.code == "review.resolve" and self.reasons:
            from . import render_reason  # noqa: PLC0415 -- explain builds on this module

            values["reason"] = render_reason(self.reasons[0], locale, categories=categories)
        template = REMEDIES.get(self.variant)
        own = None
        if template is None:
            custom = remedy_spec(self.code)
            template = REMEDIES["review.resolve"] if custom is None else custom.remedy_message
            own = None if custom is None else custom.remedy_translations
        return sp.fill(template or "", values, fallback="{where}", translations=own)

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping: the code, the facts and the reasons' codes and subjects.

        .. versionadded:: 0.1.0
        """
        return {
            "code": self.code,
            "facts": {k: encode_fact(v) for k, v in sorted(self.facts.items())},
            "reasons": [{"code": r.code, "subject": r.subject.to_dict()} for r in self.reasons],
        }


_DISQUALIFYING: Final = frozenset({"platform.domestic", "evidence.reused"})

# Remedies whose "where" names the month as well as the store.
_MONTH_WHERE: Final = {"turnover.keep-minimum": True, "turnover.add-record": True}


def _windows(outcome: Outcome, window: Outcome | None, found: dict[int, Outcome | None]) -> None:
    # For every outcome, the nearest each_month outcome above it (its window).
    found[id(outcome)] = window
    below = outcome if outcome.rule == "each_month" else window
    for child in outcome.children:
        _windows(child, below, found)


def clears_on(month: Month, window: int, lag_days: int) -> dt.date:
    """
    Return the first day on which *month* is no longer in the review window.

    The window on day *d* ends with the month before *d*'s month (two
    months before while ``d.day <= lag_days``), so *month* has left it once
    ``window + 1`` months have begun after it and the lag has passed.

    Example:
        >>> from lazada_eligibility import Month
        >>> from lazada_eligibility.explain.remedies import clears_on
        >>> clears_on(Month(2026, 9), 3, 0)
        datetime.date(2027, 1, 1)
        >>> clears_on(Month(2026, 9), 3, 5)
        datetime.date(2027, 1, 6)

    .. versionadded:: 0.1.0
    """
    return (month + (window + 1)).first_day + dt.timedelta(days=lag_days)


def _clears_on(reason: Outcome, window: Outcome | None) -> dt.date | None:
    month = reason.facts.get("month")
    if not isinstance(month, Month) or window is None:
        return None
    return clears_on(month, int(window.facts["window"]), int(window.facts["lag_days"]))


def _scope(applied: str, mode: str, taxonomy: CategoryTaxonomy) -> str:
    # What "in the category applied for" means under each matching mode.
    if mode != "same-top-level" or (applied not in taxonomy and not taxonomy.is_group(applied)):
        return applied
    return taxonomy.match_key(applied)


def category_gaps(reasons: Sequence[Outcome]) -> dict[str, tuple[Outcome, ...]]:
    """
    Return, per store whose category mismatches, its months with nothing counted in that category.

    Those months fail only because the store sells elsewhere; an
    explanation says so once instead of "US$0.00 counted" month by month.
    """
    mismatched = {
        labels[0]
        for r in reasons
        if r.code == "category.mismatch" and len(labels := store_labels(r.subject)) == 1
    }
    gaps: dict[str, list[Outcome]] = {}
    for r in reasons:
        labels = store_labels(r.subject)
        amount = r.facts.get("amount")
        if (
            r.code == "turnover.below-minimum"
            and len(labels) == 1
            and labels[0] in mismatched
            and isinstance(amount, Money)
            and not amount.amount
        ):
            gaps.setdefault(labels[0], []).append(r)
    return {k: tuple(v) for k, v in gaps.items()}


def _remedy(  # noqa: C901, PLR0912 -- one case per reason code, kept in one table-like place
    reason: Outcome, window: Outcome | None, taxonomy: CategoryTaxonomy, stores: tuple[str, ...]
) -> Remedy:
    facts = reason.facts
    base: dict[str, Any] = {"stores": stores} if stores else {}
    code = reason.code
    if reason.verdict is Verdict.PASS:
        # A check that passed but had to fail (under not_): nothing generic to advise.
        return Remedy("review.resolve", {**base, "reason": code}, (reason,))
    if code == "turnover.below-minimum":
        keys = ("month", "amount", "minimum", "shortfall")
        found = {k: facts[k] for k in keys if k in facts}
        return Remedy(
            "turnover.keep-minimum",
            {**base, **found, "clears_on": _clears_on(reason, window)},
            (reason,),
        )
    if code == "turnover.month-missing":
        found = {k: facts[k] for k in ("month", "minimum") if k in facts}
        return Remedy(
            "turnover.add-record",
            {**base, **found, "clears_on": _clears_on(reason, window)},
            (reason,),
        )
    if code == "fx.rate-missing":
        found = {k: facts[k] for k in ("currency", "target") if k in facts}
        months = (facts["month"],) if "month" in facts else ()
        return Remedy("fx.provide-rate", {**found, "months": months}, (reason,))
    if code == "category.mismatch":
        applied, mode = str(facts.get("applied")), str(facts.get("mode", "same-top-level"))
        return Remedy(
            "category.add-turnover",
            {
                **base,
                "applied": applied,
                "mode": mode,
                "scope": _scope(applied, mode, taxonomy),
                "categories": tuple(facts.get("categories", ())),
            },
            (reason,),
        )
    if code == "category.unknown":
        category = facts.get("category")
        if reason.rule == "prohibited_categories":
            base = {}
        return Remedy("category.identify", {**base, "category": category}, (reason,))
    if code == "category.prohibited":
        found = {k: facts[k] for k in ("category", "prohibited") if k in facts}
        return Remedy("category.choose-another", found, (reason,))
    if code == "platform.domestic":
        found = {k: facts[k] for k in ("platform", "name") if k in facts}
        return Remedy("platform.use-cross-border", {**base, **found}, (reason,))
    if code == "platform.unknown":
        return Remedy("platform.identify", {**base, "platform": facts.get("platform")}, (reason,))
    if code == "evidence.reused":
        return Remedy("evidence.use-unused-store", dict(base), (reason,))
    if code == "owner.mismatch":
        found = {k: facts[k] for k in ("owner", "expected") if k in facts}
        return Remedy("owner.use-owned-store", {**base, **found}, (reason,))
    if code == "owner.unknown":
        return Remedy("owner.state", base, (reason,))
    if code == "stores.none":
        return Remedy("stores.add", {}, (reason,))
    spec = code_spec(code)
    if spec.remedy is not None and spec.remedy_message is not None:
        # A custom code that brings its own remedy: its facts fill the template.
        return Remedy(spec.remedy, {**base, **facts}, (reason,))
    return Remedy("review.resolve", {**base, "reason": code}, (reason,))


def remediation(
    decision: Decision, *, categories: CategoryTaxonomy | None = None
) -> tuple[Remedy, ...]:
    """
    Return what to do about each reason of *decision*, in the order of the reasons.

    Reasons that call for the same action (a rate missing for one currency
    and month, seen by two stores) share one remedy; the months a store
    fails only because its turnover is in another category are answered by
    its ``category.add-turnover`` remedy; a store on a domestic platform, or
    whose records another application uses, gets only the remedy for that.
    A decision that passes needs none.

    Args:
        decision: The decision.
        categories: The taxonomy, to tell what "the category applied for"
            covers (default :data:`~lazada_eligibility.LAZADA_CATEGORIES`).

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility import (
        ...     Application,
        ...     Money,
        ...     Month,
        ...     MonthlyTurnover,
        ...     Store,
        ...     evaluate,
        ... )
        >>> store = Store(
        ...     "Amazon US",
        ...     "A1",
        ...     [
        ...         MonthlyTurnover(Month(2026, m), Money(a, "USD"))
        ...         for m, a in ((8, 1200), (9, 850), (10, 1000))
        ...     ],
        ...     category="mobiles",
        ... )
        >>> decision = evaluate(
        ...     Application("Seller Co.", "mobiles", [store]), as_of=dt.date(2026, 11, 28)
        ... )
        >>> from lazada_eligibility.explain.remedies import remediation
        >>> [remedy] = remediation(decision)
        >>> remedy.code, str(remedy.facts["shortfall"]), remedy.facts["clears_on"]
        ('turnover.keep-minimum', '150 USD', datetime.date(2027, 1, 1))
        >>> print(remedy.render("id"))
        Toko amazon.com/A1, September 2026: ...

    .. versionadded:: 0.1.0
    """
    return plan(decision, decision.reasons, categories)


# The reason codes whose remedy says when the month leaves the window.
_WINDOWED: Final = frozenset({"turnover.below-minimum", "turnover.month-missing"})


def plan(
    decision: Decision,
    reasons: Sequence[Outcome],
    categories: CategoryTaxonomy | None = None,
) -> tuple[Remedy, ...]:
    """
    Return :func:`remediation` of *decision*, whose reasons the caller already has (internal).

    The batch summary line finds the reasons once for both its parts.
    """
    taxonomy = LAZADA_CATEGORIES if categories is None else categories
    labelled = [(r, store_labels(r.subject)) for r in reasons]
    gaps = category_gaps(reasons)
    covered = {id(r) for months in gaps.values() for r in months}
    windows: dict[int, Outcome | None] = {}
    if any(r.code in _WINDOWED for r in reasons):
        _windows(decision.outcome, None, windows)
    # A store on a domestic platform, or whose records are used already,
    # cannot qualify whatever its months say: only that is worth fixing.
    moot = {
        labels[0]
        for r, labels in labelled
        if r.code in _DISQUALIFYING and r.verdict is Verdict.FAIL and len(labels) == 1
    }
    found: dict[tuple[str, str], Remedy] = {}
    for reason, labels in labelled:
        if id(reason) in covered or (
            reason.code not in _DISQUALIFYING and len(labels) == 1 and labels[0] in moot
        ):
            continue
        remedy = _remedy(reason, windows.get(id(reason)), taxonomy, labels)
        if remedy.code == "category.add-turnover":
            months = gaps.get(labels[0], ())
            facts = {**remedy.facts, "months": tuple(m.facts["month"] for m in months)}
            remedy = attrs.evolve(remedy, facts=facts, reasons=(reason, *months))
        if remedy.code == "fx.provide-rate":
            # One rate table serves every store: one remedy per currency pair.
            key = (remedy.code, repr((remedy.facts.get("currency"), remedy.facts.get("target"))))
        else:
            key = (remedy.code, repr(sorted(remedy.facts.items())))
        held = found.get(key)
        found[key] = remedy if held is None else _merged(held, remedy)
    return tuple(found.values())


def _merged(held: Remedy, more: Remedy) -> Remedy:
    facts = held.facts
    if held.code == "fx.provide-rate":
        months = sorted(set(facts.get("months", ())) | set(more.facts.get("months", ())))
        facts = {**facts, "months": tuple(months)}
    return attrs.evolve(held, facts=facts, reasons=(*held.reasons, *more.reasons))
