"""
Explanations of decisions in the seller's language.

Messages are keyed by outcome code. Their English text is marked with
``N_`` so that babel's extractor finds it; the translations live in gettext
catalogs under ``locale/``, one per language of ``LANGUAGES``, managed
with ``scripts/update_catalogs.py``. Amounts, months, dates and lists are
formatted for the locale by babel.

Fallbacks: every Chinese locale (``zh``, ``zh_CN``, ``zh_SG``, and also
``zh_TW``, ``zh_Hant_HK``) is served by the Simplified Chinese catalog, with
Simplified Chinese formatting; ``tl`` is Filipino and ``in`` Indonesian, as
babel aliases them; any other language, and text that is not a locale,
gets English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from .._l10n import LANGUAGES, N_, catalog_language, speaker
from ..codes import BUILTIN_CODES, code_spec
from ..decision import CAVEAT_CODES
from ..rules import Outcome, Verdict
from .remedies import category_gaps, remediation, store_labels, where

if TYPE_CHECKING:
    import babel

    from ..categories import CategoryTaxonomy
    from ..decision import Decision
    from ..planning import EarliestPlan


__all__ = [
    "LANGUAGES",
    "MESSAGES",
    "catalog_language",
    "explain",
    "render_branches",
    "render_earliest",
    "render_policy_note",
    "render_reason",
]

MESSAGES: Final[Mapping[str, str]] = {
    spec.code: spec.message for spec in BUILTIN_CODES if spec.message is not None
}
"""English templates of the outcome messages, keyed by outcome code."""

# Variants and the catch-all by verdict, for codes of combinators and custom rules.
_VARIANTS: Final = {
    "category.unknown/none": N_("{where}: no category is given; it needs manual review."),
    "category.unknown/applied": N_("The category applied for, “{category}”, is not known; it needs manual review."),
    "turnover.none-in-category": N_("{where}: no turnover in the category applied for in {months}; each month needs at least {minimum}."),
    "pass": N_("{where}: check {code} passed."),
    "fail": N_("{where}: check {code} failed."),
    "review": N_("{where}: check {code} needs manual review."),
}  # fmt: skip

_HEADLINES: Final = {
    Verdict.PASS: N_("Eligible: the application meets policy {policy} (version {version})."),
    Verdict.FAIL: N_("Not eligible under policy {policy} (version {version})."),
    Verdict.REVIEW: N_("Needs manual review under policy {policy} (version {version})."),
}
# Said after the headline when the policy is not one the package ships.
# TRANSLATORS: {digest} is the first 12 hexadecimal digits of the policy's SHA-256
# digest; "lazada-eligibility" is the library's name. Keep both as they are.
_NOT_SHIPPED: Final = N_("This is not a policy shipped with lazada-eligibility: its digest begins {digest}.")  # fmt: skip
_DIGEST_PREFIX: Final = 12

# Which branch of a branching rule decided, and why.
_BRANCHES: Final = {
    "by_applied_category": N_("Rules for {categories} apply because the category applied for is {applied}."),
    "by_applied_category/otherwise": N_("The general rules apply because the category applied for, {applied}, has no rules of its own."),
    "by_market": N_("Rules for market {markets} apply because the application's market is {market}."),
    "by_market/otherwise": N_("The general rules apply because the application's market, {market}, has no rules of its own."),
    "by_market/none": N_("The general rules apply because the application names no market."),
}  # fmt: skip
_REASONS: Final = N_("Reasons:")
_PASSED: Final = N_("Checks passed:")
_TO_DO: Final = N_("What to do:")
_NOTE: Final = N_("Caveat: {text}")

_EARLIEST: Final = {
    "now": N_("The application can pass today, {date}."),
    "later": N_("Earliest date to apply: {date}."),
    "one": N_("Earliest date to apply: {date}, provided {months} reaches at least {minimum} in the category applied for."),
    "many": N_("Earliest date to apply: {date}, provided {months} each reach at least {minimum} in the category applied for."),
    "none": N_("No date to apply can be given: even if every coming month reaches the minimum, these stores cannot pass the policy."),
}  # fmt: skip

# Which store(s) the plan's months must be met on: one, any one of several, or each of several.
_EARLIEST_STORES: Final = {
    "one": N_("This must happen on store {store}."),
    "any": N_("It is enough if it happens on any one of the stores {stores}."),
    "each": N_("It must happen on each of the stores {stores}."),
}  # fmt: skip


def _template(outcome: Outcome) -> str:
    code = outcome.code
    if code == "category.unknown":
        if outcome.rule in {"prohibited_categories", "by_applied_category"}:
            return _VARIANTS["category.unknown/applied"]
        if outcome.facts.get("category") is None:
            return _VARIANTS["category.unknown/none"]
    return code_spec(code).message or _VARIANTS.get(code) or _VARIANTS[outcome.verdict.value]


def render_reason(
    outcome: Outcome,
    locale: str | babel.Locale | None = "en",
    *,
    name_store: bool = True,
    categories: CategoryTaxonomy | None = None,
) -> str:
    r"""
    Return one outcome as a sentence in *locale*.

    Args:
        outcome: An outcome, usually a reason of a decision.
        locale: The reader's locale (see the module for fallbacks).
        name_store: Name the store of a month outcome; an explanation of a
            one-store application leaves it out.
        categories: The taxonomy that names category ids.

    Example:
        >>> from lazada_eligibility import Money, Month, Outcome, Verdict
        >>> from lazada_eligibility.explain import render_reason
        >>> from lazada_eligibility.subjects import MonthRef, StoreRef
        >>> outcome = Outcome(
        ...     "min_turnover",
        ...     Verdict.FAIL,
        ...     "turnover.below-minimum",
        ...     MonthRef(Month(2026, 9), (StoreRef.named("amazon.com", "A1"),)),
        ...     {
        ...         "month": Month(2026, 9),
        ...         "amount": Money("850", "USD"),
        ...         "minimum": Money("1000", "USD"),
        ...         "shortfall": Money("150", "USD"),
        ...     },
        ... )
        >>> render_reason(outcome)
        'Store amazon.com/A1, September 2026: turnover US$850.00, US$150.00 short of the minimum of US$1,000.00.'
        >>> render_reason(outcome, "vi", name_store=False)
        'Tháng 9 năm 2026: doanh thu 850,00\xa0US$, còn thiếu 150,00\xa0US$ so với mức tối thiểu 1.000,00\xa0US$.'

    .. versionadded:: 0.1.0
    """
    sp = speaker(locale, categories)
    values: dict[str, Any] = {k: v for k, v in outcome.facts.items() if v is not None}
    subject = outcome.subject
    values["where"] = where(store_labels(subject), sp, name_store=name_store, month=subject.month)
    values.setdefault("code", outcome.code)
    template = _template(outcome)
    own = code_spec(outcome.code).translations
    return sp.fill(template, values, fallback=_VARIANTS[outcome.verdict.value], translations=own)


def _gap_line(
    months: tuple[Outcome, ...],
    locale: str | babel.Locale | None,
    categories: CategoryTaxonomy | None,
) -> str:
    sp = speaker(locale, categories)
    values = {
        "where": where(store_labels(months[0].subject)[:1], sp),
        "months": tuple(m.facts["month"] for m in months),
        "minimum": months[0].facts["minimum"],
    }
    return sp.fill(_VARIANTS["turnover.none-in-category"], values)


def _passed(outcome: Outcome, *, negated: bool, found: list[Outcome]) -> None:
    # The leaves whose verdict, seen through the "not"s above them, is PASS.
    if not outcome.children:
        verdict = outcome.verdict
        if negated and verdict is not Verdict.REVIEW:
            verdict = Verdict.FAIL if verdict is Verdict.PASS else Verdict.PASS
        if verdict is Verdict.PASS and outcome.code not in CAVEAT_CODES:
            found.append(outcome)
        return
    below = negated ^ (outcome.rule == "not")
    for child in outcome.children:
        _passed(child, negated=below, found=found)


def _store_count(decision: Decision) -> int:
    return len({label for o in decision.outcome.walk() for label in store_labels(o.subject)})


def explain(
    decision: Decision,
    locale: str | babel.Locale | None = "en",
    *,
    passed: bool = False,
    earliest: EarliestPlan | None = None,
    categories: CategoryTaxonomy | None = None,
) -> str:
    """
    Explain *decision* in *locale*: the verdict, the reasons, what to do, and the caveats.

    Each reason is one line naming the store (when the application has
    several), the month, the amount and the threshold, formatted for the
    locale. A store whose turnover is in another category gets one line
    saying so, not a "short by the whole minimum" line per month.

    Args:
        decision: The decision.
        locale: The reader's locale, such as ``"zh_CN"`` or ``"vi"``; an
            unsupported one falls back as the module says.
        passed: Also list the checks that passed.
        earliest: A plan from :func:`~lazada_eligibility.planning.earliest_plan`,
            said after what to do.
        categories: The taxonomy that names category ids.

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
        >>> from lazada_eligibility.explain import explain
        >>> print(explain(decision, "en"))
        Not eligible under policy lazada-cross-border (version ...).
        Reasons:
        - September 2026: turnover US$850.00, US$150.00 short of the minimum of US$1,000.00.
        What to do:
        - September 2026: US$150.00 short of US$1,000.00. Turnover already booked cannot change: keep every month from now on at US$1,000.00 or more; September 2026 leaves the review window on January 1, 2027.
        Caveat: Whether the store records were already used on Lazada was not checked.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.3.0
       After the headline, the digest prefix of a policy that is not
       shipped (:func:`render_policy_note`) and the branch of each
       branching rule that decided (:func:`render_branches`).
    """
    sp = speaker(locale, categories)
    name_store = _store_count(decision) > 1
    lines = [
        sp.fill(
            _HEADLINES[decision.verdict],
            {"policy": decision.policy_id, "version": decision.policy_version},
        )
    ]
    note = render_policy_note(decision.policy_digest, locale)
    if note is not None:
        lines.append(note)
    lines.extend(render_branches(decision, locale, categories=categories))
    reasons = decision.reasons
    gaps = category_gaps(reasons)
    covered = {id(r) for months in gaps.values() for r in months}
    if reasons:
        lines.append(sp.gettext(_REASONS))
    for reason in reasons:
        if id(reason) in covered:
            continue
        lines.append(
            "- " + render_reason(reason, locale, name_store=name_store, categories=categories)
        )
        labels = store_labels(reason.subject)
        if reason.code == "category.mismatch" and labels and labels[0] in gaps:
            lines.append("- " + _gap_line(gaps[labels[0]], locale, categories))
    if passed:
        found: list[Outcome] = []
        _passed(decision.outcome, negated=False, found=found)
        if found:
            lines.append(sp.gettext(_PASSED))
            lines.extend(
                "- " + render_reason(o, locale, name_store=name_store, categories=categories)
                for o in found
            )
    remedies = remediation(decision, categories=categories)
    if remedies:
        lines.append(sp.gettext(_TO_DO))
        lines.extend(
            "- " + r.render(locale, name_store=name_store, categories=categories) for r in remedies
        )
    if earliest is not None:
        lines.append(render_earliest(earliest, locale, name_store=name_store))
    lines.extend(
        sp.fill(_NOTE, {"text": render_reason(c, locale, categories=categories)})
        for c in decision.caveats
    )
    return "\n".join(lines)


def render_policy_note(digest: str, locale: str | babel.Locale | None = "en") -> str | None:
    """
    Say that a policy is not a shipped one, naming its digest's first 12 characters.

    A policy document may take a shipped policy's id and version with
    another rule; the digest tells the two apart. Text output says it for
    every policy that is not shipped (see
    :func:`~lazada_eligibility.policy.shipped.is_shipped`).

    Args:
        digest: The policy's digest (:attr:`~lazada_eligibility.Policy.digest`).
        locale: The reader's locale (see the module for fallbacks).

    Returns:
        The sentence, or ``None`` for a shipped policy.

    Example:
        >>> from lazada_eligibility import LAZADA_CROSS_BORDER, Money
        >>> from lazada_eligibility.explain import render_policy_note
        >>> from lazada_eligibility.policy.shipped import lazada_cross_border
        >>> render_policy_note(LAZADA_CROSS_BORDER.digest) is None
        True
        >>> custom = lazada_cross_border(minimum=Money("1500", "USD"))
        >>> render_policy_note(custom.digest) == (
        ...     "This is not a policy shipped with lazada-eligibility: its digest begins "
        ...     f"{custom.digest[:12]}."
        ... )
        True

    .. versionadded:: 0.3.0
    """
    from ..policy.shipped import is_shipped  # noqa: PLC0415 -- loads the shipped policies on first use

    if is_shipped(digest):
        return None
    return speaker(locale).fill(_NOT_SHIPPED, {"digest": digest[:_DIGEST_PREFIX]})


def render_branches(
    decision: Decision,
    locale: str | babel.Locale | None = "en",
    *,
    categories: CategoryTaxonomy | None = None,
) -> tuple[str, ...]:
    """
    Say which branch of each branching rule decided *decision*, and why.

    One sentence per branch that ran (``by_applied_category`` and
    ``by_market``, see :mod:`lazada_eligibility.rules`), in the order the
    decision's outcome tree holds them; a branch run once per store is said
    once. Nothing is said of the branches that did not run.

    Args:
        decision: The decision.
        locale: The reader's locale (see the module for fallbacks).
        categories: The taxonomy that names category ids.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility import Application, Money, Policy, evaluate
        >>> from lazada_eligibility.explain import render_branches
        >>> from lazada_eligibility.rules import any_store, by_market, each_month, min_turnover
        >>> def minimum(amount):
        ...     return any_store(each_month(min_turnover(Money(amount, "USD")), window=3))
        >>> policy = Policy(
        ...     "per-market", "1", by_market([(["PH"], minimum("800"))], otherwise=minimum("1000"))
        ... )
        >>> ph = Application("Seller Co.", "mobiles", [], market="PH")
        >>> decision = evaluate(ph, as_of=dt.date(2026, 11, 28), policy=policy)
        >>> render_branches(decision)
        ("Rules for market Philippines apply because the application's market is Philippines.",)
        >>> anywhere = Application("Seller Co.", "mobiles", [])
        >>> render_branches(evaluate(anywhere, as_of=dt.date(2026, 11, 28), policy=policy), "id")
        ('Aturan umum berlaku karena pendaftaran ini tidak menyebutkan pasar.',)

    .. versionadded:: 0.3.0
    """
    sp = speaker(locale, categories)
    said: list[str] = []
    for outcome in decision.outcome.walk():
        kind = outcome.rule
        if kind not in {"by_applied_category", "by_market"} or not outcome.children:
            continue  # not a branch, or no branch ran (an unknown category)
        facts = outcome.facts
        if kind == "by_market":
            market = facts.get("market")
            values: dict[str, Any] = {
                "market": _market_name(sp, market),
                "markets": tuple(_market_name(sp, m) for m in facts.get("markets", ())),
            }
            if facts.get("case") is not None:
                key = kind
            else:
                key = "by_market/none" if market is None else "by_market/otherwise"
        else:
            values = {"applied": facts.get("applied"), "categories": facts.get("categories", ())}
            key = kind if facts.get("case") is not None else "by_applied_category/otherwise"
        text = sp.fill(_BRANCHES[key], {k: v for k, v in values.items() if v is not None})
        if text not in said:
            said.append(text)
    return tuple(said)


def _market_name(sp: Any, market: str | None) -> str | None:  # noqa: ANN401 -- a Speaker
    if market is None:
        return None
    return str(sp.locale.territories.get(market, market))


def render_earliest(
    plan: EarliestPlan, locale: str | babel.Locale | None = "en", *, name_store: bool = True
) -> str:
    """
    Say the earliest date to apply, which coming months it relies on, and on which store(s).

    Args:
        plan: A plan from :func:`~lazada_eligibility.planning.earliest_plan`.
        locale: The reader's locale (see the module for fallbacks).
        name_store: Say which store(s) must meet the months; an explanation
            of a one-store application leaves it out.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility import Money, Month
        >>> from lazada_eligibility.explain import render_earliest
        >>> from lazada_eligibility.planning import EarliestPlan
        >>> from lazada_eligibility.subjects import StoreRef
        >>> plan = EarliestPlan(
        ...     as_of=dt.date(2026, 11, 28),
        ...     date=dt.date(2027, 1, 1),
        ...     months=(Month(2026, 11), Month(2026, 12)),
        ...     minimum=Money(1000, "USD"),
        ...     stores=(StoreRef.named("amazon.com", "A1"),),
        ... )
        >>> print(render_earliest(plan, "id"))
        Tanggal paling awal untuk mendaftar: 1 Januari 2027, dengan syarat omzet November 2026 dan Desember 2026 di kategori yang diajukan masing-masing mencapai minimal US$1.000,00. Ini harus dicapai oleh toko amazon.com/A1.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Names the store(s); the *name_store* argument.
    """
    sp = speaker(locale)
    if plan.date is None:
        key = "none"
    elif plan.date == plan.as_of:
        key = "now"
    elif not plan.months or plan.minimum is None:
        key = "later"
    else:
        key = "one" if len(plan.months) == 1 else "many"
    values: dict[str, Any] = {"date": plan.date, "months": plan.months, "minimum": plan.minimum}
    if key == "one":
        values["months"] = plan.months[0]
    text = sp.fill(_EARLIEST[key], {k: v for k, v in values.items() if v is not None})
    if key not in {"one", "many"} or not plan.stores or not name_store:
        return text
    labels = tuple(s.label for s in plan.stores)
    if len(labels) == 1:
        which = sp.fill(_EARLIEST_STORES["one"], {"store": labels[0]})
    else:
        which = sp.fill(
            _EARLIEST_STORES["any" if plan.alternatives else "each"], {"stores": labels}
        )
    return f"{text} {which}"
