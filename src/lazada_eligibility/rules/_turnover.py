"""
The ``min_turnover`` rule: its closures, the generated month tally and its explanation, and its codes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from .. import _arith
from .._arith import add, convert, sub
from .._l10n import N_
from ..exceptions import PolicyError
from ..money import Money, RateTable, exact_money
from ..subjects import MonthRef
from ._category import CATEGORY_MODES, _mode, category_matcher
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
from ._leaf import LeafRule, Result, rate_text
from ._quantifiers import EachMonth
from ._spec import MONTH_FACTS, CodeSpec

if TYPE_CHECKING:
    from ..models import Application, Store
    from ..periods import Month
    from ._codegen import Generator, _Scope, _Writer


_ZERO: Final = Decimal(0)


# (total counted, any record?, currency without a rate, (currency, rate) that
# cannot convert exactly, unknown category)
_Tally = tuple[Decimal, bool, "str | None", "tuple[str, object] | None", "str | bool | None"]


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


@attrs.frozen
class Tally:
    """
    The variables a tally sets: one value each, or one list of them per window month.
    """

    total: str  # the counted turnover, Decimal
    seen: str  # any record that month (truthy)
    unsure: str  # 1 when a record was left out for a missing rate or unknown category
    no_rate: str  # the first currency without a rate, or None (explanations only)
    unknown: str  # the first unknown category, or False (explanations only)
    inexact: str  # the first (currency, rate) that cannot convert exactly, or None (ditto)
    per_month: bool = False

    def of(self, field: str, k: str) -> str:
        """
        The expression for *field* in month *k* (an int expression) of the window.
        """
        name: str = getattr(self, field)
        return f"{name}[{k}]" if self.per_month else name


def tally(
    gen: Generator, w: _Writer, rule: MinTurnover, scope: _Scope, *, full: bool = False
) -> Tally:
    """
    Write the sum of the counted turnover of the scope's month.

    With *full*, for explanations, also which currency lacked a rate and
    which category was unknown.
    """
    t = Tally(
        gen.name("to"),
        gen.name("re"),
        gen.name("un"),
        gen.name("nr"),
        gen.name("uk"),
        gen.name("ie"),
    )
    s, i = scope.store, scope.indent
    w.emit(i, f"{t.total} = {gen.const(_ZERO, '_zero')}")
    w.emit(i, f"{t.unsure} = 0")
    if full:
        w.emit(i, f"{t.no_rate} = None")
        w.emit(i, f"{t.unknown} = False")
        w.emit(i, f"{t.inexact} = None")
    # Store._by_month is the index behind Store.records_in(); one call less.
    w.emit(i, f"{t.seen} = {s}._by_month.get({scope.month}, ())")
    r = gen.name("r")
    w.emit(i, f"for {r} in {t.seen}:")
    _count(gen, w, rule, t, scope.at(i + 1), r=r, k="", full=full)
    return t


def window_tally(
    gen: Generator, w: _Writer, each: EachMonth, scope: _Scope, *, full: bool = False
) -> Tally:
    """
    Write the sums of every window month of ``each_month(min_turnover(...))`` in one pass.

    One pass over the store's records, each placed by its month's index,
    costs less than a lookup per month: a Month hashes in Python.
    """
    rule = each.rule
    assert isinstance(rule, MinTurnover)  # noqa: S101 -- only called for that shape
    names = (
        gen.name("tl"),
        gen.name("sl"),
        gen.name("ul"),
        gen.name("nl"),
        gen.name("kl"),
        gen.name("il"),
    )
    t = Tally(*names, per_month=True)
    window = gen.window(w, each)
    s, i, n = scope.store, scope.indent, gen.const(each.window, "_n")
    w.emit(i, f"{t.total} = [{gen.const(_ZERO, '_zero')}] * {n}")
    w.emit(i, f"{t.unsure} = [0] * {n}")
    if full:
        w.emit(i, f"{t.seen} = [0] * {n}")
        w.emit(i, f"{t.no_rate} = [None] * {n}")
        w.emit(i, f"{t.unknown} = [False] * {n}")
        w.emit(i, f"{t.inexact} = [None] * {n}")
    r, mo, k = gen.name("r"), gen.name("mo"), gen.name("k")
    w.emit(i, f"for {r} in {s}.turnover:")
    w.emit(i + 1, f"{mo} = {r}.month")
    w.emit(i + 1, f"{k} = {mo}.year * 12 + {mo}.month - {window.first}")
    w.emit(i + 1, f"if {k} < 0 or {k} >= {n}:")
    w.emit(i + 2, "continue")
    if full:
        w.emit(i + 1, f"{t.seen}[{k}] = 1")
    at = scope.at(i + 1, month=f"{window.months}[{k}]")
    _count(gen, w, rule, t, at, r=r, k=k, full=full)
    return t


def _count(
    gen: Generator,
    w: _Writer,
    rule: MinTurnover,
    t: Tally,
    scope: _Scope,
    *,
    r: str,
    k: str,
    full: bool,
) -> None:
    # The body of the loop over records: count record r in month k.
    c, x, a = gen.name("c"), gen.name("x"), gen.name("a")
    s, i = scope.store, scope.indent
    target = gen.const(rule.minimum.currency, "_cur")
    if rule.category_mode != "any":
        cm = gen.matcher(w, rule.category_mode)
        w.emit(i, f"{c} = {r}.category or {s}.category")
        w.emit(i, f"{x} = {cm}[{c}]")
        w.emit(i, f"if {x} != 2:")
        w.emit(i + 1, f"if {x} == 1:")
        w.emit(i + 2, f"{t.of('unsure', k)} = 1")
        if full:
            w.emit(i + 2, f"if {t.of('unknown', k)} is False:")
            w.emit(i + 3, f"{t.of('unknown', k)} = {c}")
        w.emit(i + 1, "continue")
    # Sums and products in the private exact context (_arith), never the
    # caller's: a lowered precision or another rounding mode changes nothing.
    add, mul = gen.const(_arith.add, "_add"), gen.const(_arith.mul, "_mul")
    total = t.of("total", k)
    w.emit(i, f"{a} = {r}.amount")
    w.emit(i, f"if {a}.currency == {target}:")
    w.emit(i + 1, f"{total} = {add}({total}, {a}.amount)")
    w.emit(i, "else:")
    rates = gen.env.rates
    j = i + 1
    if rates is not None:
        rate = gen.const(rates.rate, "_rate")
        w.emit(j, f"{x} = {rate}({a}.currency, {target}, {scope.month})")
        w.emit(j, f"if {x} is not None:")
        if all_usable(rates, rule.minimum.currency):
            w.emit(j + 1, f"{total} = {add}({total}, {mul}({a}.amount, {x}))")
            w.emit(j + 1, "continue")
            w.emit(j, f"{t.of('unsure', k)} = 1")
            if full:
                w.emit(j, f"if {t.of('no_rate', k)} is None:")
                w.emit(j + 1, f"{t.of('no_rate', k)} = {a}.currency")
            return
        conv, y = gen.const(_arith.convert, "_convert"), gen.name("y")
        w.emit(j + 1, f"{y} = {conv}({a}.amount, {x})")
        w.emit(j + 1, f"if {y} is not None:")
        w.emit(j + 2, f"{total} = {add}({total}, {y})")
        w.emit(j + 2, "continue")
        w.emit(j + 1, f"{t.of('unsure', k)} = 1")
        if full:
            w.emit(j + 1, f"if {t.of('inexact', k)} is None:")
            w.emit(j + 2, f"{t.of('inexact', k)} = ({a}.currency, {x})")
        w.emit(j + 1, "continue")
    w.emit(j, f"{t.of('unsure', k)} = 1")
    if full:
        w.emit(j, f"if {t.of('no_rate', k)} is None:")
        w.emit(j + 1, f"{t.of('no_rate', k)} = {a}.currency")


def all_usable(rates: object, target: str) -> bool:
    """
    Whether every rate *rates* gives into *target* converts exactly (no check needed).

    A RateTable holds rates to USD within the bounds of a rate, and a
    bounded amount times a bounded rate always fits the exact context; a
    cross rate between two other currencies may not end. No rates at all:
    none to check.
    """
    return rates is None or (type(rates) is RateTable and target == "USD")


def check_min_turnover(gen: Generator, w: _Writer, rule: MinTurnover, scope: _Scope) -> str:
    t = tally(gen, w, rule, scope)
    v = gen.name("v")
    floor = gen.const(rule.minimum.amount, "_min")
    w.emit(scope.indent, f"{v} = 2 if {t.total} >= {floor} else {t.unsure}")
    return v


def explain_min_turnover(gen: Generator, w: _Writer, rule: MinTurnover, scope: _Scope) -> Result:
    return month_outcome(gen, w, rule, tally(gen, w, rule, scope, full=True), k="", scope=scope)


def month_outcome(
    gen: Generator, w: _Writer, rule: MinTurnover, t: Tally, *, k: str, scope: _Scope
) -> Result:
    # The outcome of min_turnover for month k of a tally; scope names the month.
    o, v, sub = gen.name("o"), gen.name("v"), gen.name("sub")
    m, i = scope.month, scope.indent
    total, target = t.of("total", k), gen.const(rule.minimum.currency, "_cur")
    floor, minimum = gen.const(rule.minimum.amount, "_min"), gen.const(rule.minimum, "_money")
    w.emit(i, f"{sub} = _MR({m}, ({scope.label},))")
    head = f"{o} = _O('min_turnover', _VS[{v}], "
    amount = f"'amount': _M({total}, {target}), "
    w.emit(i, f"if {total} >= {floor}:")
    w.emit(i + 1, f"{v} = 2")
    ok = f"{{'month': {m}, {amount}'minimum': {minimum}}}"
    w.emit(i + 1, f"{head}'turnover.ok', {sub}, {ok}, ())")
    w.emit(i, f"elif not {t.of('seen', k)}:")
    w.emit(i + 1, f"{v} = 0")
    missing = f"{{'month': {m}, 'minimum': {minimum}}}"
    w.emit(i + 1, f"{head}'turnover.month-missing', {sub}, {missing}, ())")
    w.emit(i, f"elif {t.of('no_rate', k)} is not None:")
    w.emit(i + 1, f"{v} = 1")
    extra = f"'currency': {t.of('no_rate', k)}, 'target': {target}"
    facts = f"{{'month': {m}, {amount}'minimum': {minimum}, {extra}}}"
    w.emit(i + 1, f"{head}'fx.rate-missing', {sub}, {facts}, ())")
    if not all_usable(gen.env.rates, rule.minimum.currency):
        inexact = t.of("inexact", k)
        w.emit(i, f"elif {inexact} is not None:")
        w.emit(i + 1, f"{v} = 1")
        shown = gen.const(rate_text, "_rate_text")
        extra = f"'currency': {inexact}[0], 'target': {target}, 'rate': {shown}({inexact}[1])"
        facts = f"{{'month': {m}, {amount}'minimum': {minimum}, {extra}}}"
        w.emit(i + 1, f"{head}'fx.rate-inexact', {sub}, {facts}, ())")
    if rule.category_mode != "any":  # else every record counts: no category is unknown
        w.emit(i, f"elif {t.of('unknown', k)} is not False:")
        w.emit(i + 1, f"{v} = 1")
        unknown = f"'category': {t.of('unknown', k)}"
        facts = f"{{'month': {m}, {amount}'minimum': {minimum}, {unknown}}}"
        w.emit(i + 1, f"{head}'category.unknown', {sub}, {facts}, ())")
    w.emit(i, "else:")
    w.emit(i + 1, f"{v} = 0")
    short = f"'shortfall': _M({gen.const(_arith.sub, '_sub')}({floor}, {total}), {target})"
    facts = f"{{'month': {m}, {amount}'minimum': {minimum}, {short}}}"
    w.emit(i + 1, f"{head}'turnover.below-minimum', {sub}, {facts}, ())")
    return o, v


CODES: Final[tuple[CodeSpec, ...]] = (
    CodeSpec("turnover.ok", MONTH_FACTS, N_("{where}: turnover {amount}, meeting the minimum of {minimum}."), None, "The month's turnover meets the minimum."),
    CodeSpec("turnover.month-missing", {"month": "month", "minimum": "money"}, N_("{where}: no turnover on record; at least {minimum} is needed."), "turnover.add-record", "No turnover is on record for the month."),
    CodeSpec("turnover.below-minimum", {**MONTH_FACTS, "shortfall": "money"}, N_("{where}: turnover {amount}, {shortfall} short of the minimum of {minimum}."), "turnover.keep-minimum", "The month's turnover is below the minimum."),
    CodeSpec("fx.rate-missing", {**MONTH_FACTS, "currency": "text", "target": "text"}, N_("{where}: no exchange rate from {currency} to {target}; it needs manual review."), "fx.provide-rate", "An exchange rate is missing."),
    CodeSpec("fx.rate-inexact", {**MONTH_FACTS, "currency": "text", "target": "text", "rate": "text"}, N_("{where}: the exchange rate from {currency} to {target} ({rate}) cannot convert the turnover exactly; it needs manual review."), "review.resolve", "A rate cannot convert the turnover exactly (a cross rate that does not end, or a rate out of bounds)."),
)  # fmt: skip
"""The specs of the codes this rule raises."""
