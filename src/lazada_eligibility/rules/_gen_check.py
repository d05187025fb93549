"""
Templates of the generated verdict-only function: ``check(app, as_of) -> 0/1/2``.

Each template writes statements that leave a node's verdict in a fresh
variable and returns that variable (or a literal, for a node whose verdict
is known when the policy is prepared, such as evidence with no registry).
Junctions and quantifiers short-circuit exactly as the closures do: "and"
stops at the first FAIL, "or" at the first PASS.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

import attrs

from .. import _arith
from ..money import RateTable
from ._branching import Branching, ByAppliedCategory, ByMarket
from ._codegen import _MAX_INDENT, _UNROLL, Generator, _Scope, _Writer
from ._core import AllOf, AnyOf, Level, Not, Rule
from ._leaves import CategoryMatches, EvidenceNotReused, MinTurnover, PlatformKindRule
from ._quantifiers import AnyStore, EachMonth, EveryStore

__all__ = ["all_usable", "branch_index", "check", "constant"]

_ZERO: Final = Decimal(0)


def constant(gen: Generator, rule: Rule[Any]) -> int | None:
    """
    Return the verdict *rule* always gives in this environment, or ``None``.
    """
    kind = type(rule)
    if kind is EvidenceNotReused:
        return 2 if gen.env.registry is None else None
    if isinstance(rule, Not) and kind is Not:
        inner = constant(gen, rule.rule)
        return None if inner is None else 2 - inner
    if isinstance(rule, AllOf | AnyOf) and kind in {AllOf, AnyOf}:
        found = [constant(gen, r) for r in rule.rules]
        known = [c for c in found if c is not None]
        if len(known) < len(found):
            return None
        return min(known) if kind is AllOf else max(known)
    return None


def check(gen: Generator, w: _Writer, rule: Rule[Any], scope: _Scope) -> str:
    """
    Write *rule*'s check at *scope*; return the expression holding its verdict.
    """
    fixed = constant(gen, rule)
    if fixed is not None:
        return str(fixed)
    template = _TEMPLATES.get(type(rule))
    if template is None or scope.indent > _MAX_INDENT or not _fits(rule, scope):
        return _closure(gen, w, rule, scope)
    return template(gen, w, rule, scope)


def _fits(rule: Rule[Any], scope: _Scope) -> bool:
    # Month templates read one store's records; a group of stores (only under
    # combined_stores, which runs as closures) never reaches them.
    if isinstance(rule, EachMonth):
        return scope.store is not None
    if isinstance(rule, MinTurnover):
        return scope.store is not None and scope.month is not None
    return True


def _closure(gen: Generator, w: _Writer, rule: Rule[Any], scope: _Scope) -> str:
    ck, _ = gen.closures(rule)
    v = gen.name("v")
    if rule.level is Level.APPLICATION:
        args = "None, None"
    elif rule.level is Level.STORE:
        args = f"{scope.store}, None"
    else:
        args = f"({scope.store},), {scope.month}"
    w.emit(scope.indent, f"{v} = {ck}({args}, app, as_of)")
    return v


def _junction(gen: Generator, w: _Writer, rule: AllOf[Any] | AnyOf[Any], scope: _Scope) -> str:
    is_all = isinstance(rule, AllOf)
    # Constant children are PASS or FAIL (built from evidence with no
    # registry): one that decides the junction decides it here; the others
    # change nothing and are left out.
    if (0 if is_all else 2) in (constant(gen, r) for r in rule.rules):
        return "0" if is_all else "2"
    live = [r for r in rule.rules if constant(gen, r) is None]
    v = gen.name("v")
    indent = scope.indent
    # "and" goes on while nothing failed, "or" while nothing passed.
    going, better = (f"if {v}:", "<") if is_all else (f"if {v} != 2:", ">")
    for i, r in enumerate(live):
        if i:
            w.emit(indent, going)
            indent += 1
        e = check(gen, w, r, scope.at(indent))
        if i:
            w.emit(indent, f"if {e} {better} {v}:")
            w.emit(indent + 1, f"{v} = {e}")
        else:
            w.emit(indent, f"{v} = {e}")
    return v


def _not(gen: Generator, w: _Writer, rule: Not[Any], scope: _Scope) -> str:
    e = check(gen, w, rule.rule, scope)
    v = gen.name("v")
    w.emit(scope.indent, f"{v} = 2 - {e}")
    return v


def _stores(gen: Generator, w: _Writer, rule: AnyStore | EveryStore, scope: _Scope) -> str:
    is_any = isinstance(rule, AnyStore)
    v, s = gen.name("v"), gen.name("s")
    i = scope.indent
    w.emit(i, f"{v} = 0" if is_any else f"{v} = 2 if app.stores else 0")
    w.emit(i, f"for {s} in app.stores:")
    e = check(gen, w, rule.rule, scope.at(i + 1, store=s))
    w.emit(i + 1, f"if {e} {'>' if is_any else '<'} {v}:")
    w.emit(i + 2, f"{v} = {e}")
    w.emit(i + 2, f"if {v} == 2:" if is_any else f"if not {v}:")
    w.emit(i + 3, "break")
    return v


def _each_month(gen: Generator, w: _Writer, rule: EachMonth, scope: _Scope) -> str:
    if type(rule.rule) is MinTurnover:
        return _each_month_total(gen, w, rule, scope)
    months = gen.window(w, rule).months
    v = gen.name("v")
    i = scope.indent
    if rule.window > _UNROLL:
        m = gen.name("m")
        w.emit(i, f"{v} = 2")
        w.emit(i, f"for {m} in {months}:")
        e = check(gen, w, rule.rule, scope.at(i + 1, month=m))
        w.emit(i + 1, f"if {e} < {v}:")
        w.emit(i + 2, f"{v} = {e}")
        w.emit(i + 2, f"if not {v}:")
        w.emit(i + 3, "break")
        return v
    names = [gen.name("m") for _ in range(rule.window)]
    w.emit(i, f"{', '.join(names)}, = {months}")
    for k, m in enumerate(names):
        if k:
            w.emit(i, f"if {v}:")
            i += 1
        e = check(gen, w, rule.rule, scope.at(i, month=m))
        if k:
            w.emit(i, f"if {e} < {v}:")
            w.emit(i + 1, f"{v} = {e}")
        else:
            w.emit(i, f"{v} = {e}")
    return v


def _each_month_total(gen: Generator, w: _Writer, rule: EachMonth, scope: _Scope) -> str:
    assert isinstance(rule.rule, MinTurnover)  # noqa: S101 -- see _each_month
    t = window_tally(gen, w, rule, scope)
    floor = gen.const(rule.rule.minimum.amount, "_min")
    v, x, i = gen.name("v"), gen.name("x"), scope.indent
    if rule.window > _UNROLL:
        kv = gen.name("k")
        w.emit(i, f"{v} = 2")
        w.emit(i, f"for {kv} in range({gen.const(rule.window, '_n')}):")
        w.emit(i + 1, f"{x} = 2 if {t.total}[{kv}] >= {floor} else {t.unsure}[{kv}]")
        w.emit(i + 1, f"if {x} < {v}:")
        w.emit(i + 2, f"{v} = {x}")
        w.emit(i + 2, f"if not {v}:")
        w.emit(i + 3, "break")
        return v
    w.emit(i, f"{v} = 2 if {t.total}[0] >= {floor} else {t.unsure}[0]")
    for k in range(1, rule.window):
        w.emit(i, f"if {v}:")
        i += 1
        w.emit(i, f"{x} = 2 if {t.total}[{k}] >= {floor} else {t.unsure}[{k}]")
        w.emit(i, f"if {x} < {v}:")
        w.emit(i + 1, f"{v} = {x}")
    return v


def _platform_kind(gen: Generator, w: _Writer, rule: PlatformKindRule, scope: _Scope) -> str:
    v = gen.name("v")
    w.emit(scope.indent, f"{v} = {gen.platform_verdicts(rule)}[{scope.store}.platform]")
    return v


def _category(gen: Generator, w: _Writer, rule: CategoryMatches, scope: _Scope) -> str:
    cm = gen.matcher(w, rule.mode)
    v, r, x = gen.name("v"), gen.name("r"), gen.name("x")
    s, i = scope.store, scope.indent
    w.emit(i, f"{v} = 0")
    w.emit(i, f"if {s}.turnover:")
    w.emit(i + 1, f"for {r} in {s}.turnover:")
    w.emit(i + 2, f"{x} = {cm}[{r}.category or {s}.category]")
    w.emit(i + 2, f"if {x} > {v}:")
    w.emit(i + 3, f"{v} = {x}")
    w.emit(i + 3, f"if {v} == 2:")
    w.emit(i + 4, "break")
    w.emit(i, "else:")
    w.emit(i + 1, f"{v} = {cm}[{s}.category]")
    return v


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


def _min_turnover(gen: Generator, w: _Writer, rule: MinTurnover, scope: _Scope) -> str:
    t = tally(gen, w, rule, scope)
    v = gen.name("v")
    floor = gen.const(rule.minimum.amount, "_min")
    w.emit(scope.indent, f"{v} = 2 if {t.total} >= {floor} else {t.unsure}")
    return v


def branch_index(gen: Generator, w: _Writer, rule: Branching, scope: _Scope) -> str:
    """
    Emit the index of the branch that decides this application; return its variable.
    """
    choose = gen.const(rule.chooser(gen.env), "_br")
    field = "category" if isinstance(rule, ByAppliedCategory) else "market"
    b = gen.name("b")
    w.emit(scope.indent, f"{b} = {choose}(app.{field})")
    return b


def _branching(gen: Generator, w: _Writer, rule: Branching, scope: _Scope) -> str:
    # Only the branch that applies runs: an if/elif chain on its index.
    b, v, i = branch_index(gen, w, rule, scope), gen.name("v"), scope.indent
    branches = [r for _, r in rule.cases]
    for k, r in enumerate(branches):
        w.emit(i, f"{'if' if k == 0 else 'elif'} {b} == {k}:")
        e = check(gen, w, r, scope.at(i + 1))
        w.emit(i + 1, f"{v} = {e}")
    if isinstance(rule, ByAppliedCategory):  # a market needs no taxonomy: never unknown
        w.emit(i, f"elif {b} < 0:")
        w.emit(i + 1, f"{v} = 1")
    w.emit(i, "else:")
    e = check(gen, w, rule.otherwise, scope.at(i + 1))
    w.emit(i + 1, f"{v} = {e}")
    return v


Template = Callable[[Generator, _Writer, Any, _Scope], str]

_TEMPLATES: Final[dict[type, Template]] = {
    AllOf: _junction,
    AnyOf: _junction,
    Not: _not,
    AnyStore: _stores,
    EveryStore: _stores,
    EachMonth: _each_month,
    PlatformKindRule: _platform_kind,
    CategoryMatches: _category,
    MinTurnover: _min_turnover,
    ByAppliedCategory: _branching,
    ByMarket: _branching,
}
