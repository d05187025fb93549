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

from ._branching import Branching, ByAppliedCategory, ByMarket
from ._category import CategoryMatches, check_category_matches
from ._codegen import _MAX_INDENT, _UNROLL, Generator, _Scope, _Writer
from ._core import AllOf, AnyOf, Level, Not, Rule
from ._evidence import EvidenceNotReused
from ._platform import PlatformKindRule, check_platform_kind
from ._quantifiers import AnyStore, EachMonth, EveryStore
from ._turnover import MinTurnover, check_min_turnover, window_tally

__all__ = ["branch_index", "check", "constant"]

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
    PlatformKindRule: check_platform_kind,
    CategoryMatches: check_category_matches,
    MinTurnover: check_min_turnover,
    ByAppliedCategory: _branching,
    ByMarket: _branching,
}
