"""
Templates of the generated explaining function: ``explain(app, as_of) -> Outcome``.

Each template writes statements that build a node's :class:`Outcome`, with
the same rule, verdict, code, subject, facts (keys in the same order) and
children as the node's closures build, and returns the variables holding
the outcome and its verdict as 0/1/2. Nothing short-circuits: every child is
explained, so a seller sees every problem at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from ._branching import Branching, ByAppliedCategory, ByMarket
from ._category import CategoryMatches, explain_category_matches
from ._codegen import _MAX_INDENT, _UNROLL, Generator, _Scope, _Writer
from ._core import AllOf, AnyOf, Level, Not, Rule
from ._evidence import EvidenceNotReused, explain_evidence_not_reused
from ._gen_check import branch_index, constant
from ._leaf import Result, app_subject
from ._platform import PlatformKindRule, explain_platform_kind
from ._quantifiers import AnyStore, EachMonth, EveryStore
from ._turnover import MinTurnover, explain_min_turnover, month_outcome, window_tally

__all__ = ["explain"]

_Child = Callable[[str, str, str, int], Result]  # (k, month, head, indent) -> Result


def explain(gen: Generator, w: _Writer, rule: Rule[Any], scope: _Scope) -> Result:
    """
    Write *rule*'s explanation at *scope*; return its outcome and verdict variables.
    """
    template = _TEMPLATES.get(type(rule))
    if template is None or scope.indent > _MAX_INDENT or not _fits(gen, rule, scope):
        return _closure(gen, w, rule, scope)
    return template(gen, w, rule, scope)


def _fits(gen: Generator, rule: Rule[Any], scope: _Scope) -> bool:
    if isinstance(rule, EachMonth):
        return scope.store is not None
    if isinstance(rule, MinTurnover):
        return scope.store is not None and scope.month is not None
    if isinstance(rule, EvidenceNotReused):
        return constant(gen, rule) is not None
    return True


def _closure(gen: Generator, w: _Writer, rule: Rule[Any], scope: _Scope) -> Result:
    _, ex = gen.closures(rule)
    w.need("ctx", "ctx = _Context(_ENV, app, as_of)")
    o, v = gen.name("o"), gen.name("v")
    if rule.level is Level.APPLICATION:
        args = "None, None"
    elif rule.level is Level.STORE:
        args = f"{scope.store}, None"
    else:
        args = f"({scope.store},), {scope.month}"
    w.emit(scope.indent, f"{o} = {ex}({args}, ctx)")
    w.emit(scope.indent, f"{v} = _RANK[{o}.verdict]")
    return o, v


def _fold(w: _Writer, v: str, verdicts: list[str], *, lowest: bool, indent: int) -> None:
    # Literal verdicts (PASS or FAIL, from evidence with no registry) either
    # decide the junction or change nothing; the rest are compared in turn.
    literals = {int(x) for x in verdicts if x.isdigit()}
    names = [x for x in verdicts if not x.isdigit()]
    decisive = 0 if lowest else 2
    if decisive in literals or not names:
        w.emit(indent, f"{v} = {decisive if decisive in literals else 2 - decisive}")
        return
    w.emit(indent, f"{v} = {names[0]}")
    for x in names[1:]:
        w.emit(indent, f"if {x} {'<' if lowest else '>'} {v}:")
        w.emit(indent + 1, f"{v} = {x}")


def _junction(gen: Generator, w: _Writer, rule: AllOf[Any] | AnyOf[Any], scope: _Scope) -> Result:
    kind = rule.kind
    parts = [explain(gen, w, r, scope) for r in rule.rules]
    o, v, i = gen.name("o"), gen.name("v"), scope.indent
    _fold(w, v, [pv for _, pv in parts], lowest=kind == "all", indent=i)
    kids = "".join(f"{po}, " for po, _ in parts)
    codes = gen.codes(kind)
    w.emit(i, f"{o} = _O('{kind}', _VS[{v}], {codes}[{v}], {parts[0][0]}.subject, {{}}, ({kids}))")
    return o, v


def _not(gen: Generator, w: _Writer, rule: Not[Any], scope: _Scope) -> Result:
    po, pv = explain(gen, w, rule.rule, scope)
    o, i = gen.name("o"), scope.indent
    if pv.isdigit():
        v = str(2 - int(pv))
    else:
        v = gen.name("v")
        w.emit(i, f"{v} = 2 - {pv}")
    w.emit(i, f"{o} = _O('not', _VS[{v}], {gen.codes('not')}[{v}], {po}.subject, {{}}, ({po},))")
    return o, v


def _stores(gen: Generator, w: _Writer, rule: AnyStore | EveryStore, scope: _Scope) -> Result:
    is_any = isinstance(rule, AnyStore)
    kind = rule.kind
    o, v, ch, s, ss = (gen.name(p) for p in ("o", "v", "ch", "s", "ss"))
    asub, i = app_subject(w), scope.indent
    w.emit(i, f"{ch} = []")
    w.emit(i, f"{v} = {0 if is_any else 2}")
    w.emit(i, f"for {s} in app.stores:")
    label = gen.labels(w, s, i + 1)
    w.emit(i + 1, f"{ss} = {label}")
    co, cv = explain(gen, w, rule.rule, scope.at(i + 1, store=s, label=label, subject=ss))
    w.emit(i + 1, f"{ch}.append({co})")
    w.emit(i + 1, f"if {cv} {'>' if is_any else '<'} {v}:")
    w.emit(i + 2, f"{v} = {cv}")
    w.emit(i, f"if {ch}:")
    w.emit(
        i + 1, f"{o} = _O('{kind}', _VS[{v}], {gen.codes(kind)}[{v}], {asub}, {{}}, tuple({ch}))"
    )
    w.emit(i, "else:")
    w.emit(i + 1, f"{v} = 0")
    w.emit(i + 1, f"{o} = _O('{kind}', _VS[0], 'stores.none', {asub}, {{}}, ())")
    return o, v


def _each_month(gen: Generator, w: _Writer, rule: EachMonth, scope: _Scope) -> Result:
    window = gen.window(w, rule)
    o, v, i = gen.name("o"), gen.name("v"), scope.indent
    child: _Child
    if type(rule.rule) is MinTurnover:
        # One pass over the records fills every month's tally (see window_tally).
        t = window_tally(gen, w, rule, scope, full=True)

        def child(k: str, month: str, head: str, indent: int) -> Result:
            at = scope.at(indent, month=month, text=head)
            return month_outcome(gen, w, rule.rule, t, k=k, scope=at)  # type: ignore[arg-type]
    else:

        def child(k: str, month: str, head: str, indent: int) -> Result:
            return explain(gen, w, rule.rule, scope.at(indent, month=month, text=head))

    if rule.window > _UNROLL:
        ch, k, m, h = gen.name("ch"), gen.name("k"), gen.name("m"), gen.name("h")
        w.emit(i, f"{ch} = []")
        w.emit(i, f"{v} = 2")
        w.emit(i, f"for {k} in range({gen.const(rule.window, '_n')}):")
        w.emit(i + 1, f"{m}, {h} = {window.months}[{k}], {window.heads}[{k}]")
        co, cv = child(k, m, h, i + 1)
        w.emit(i + 1, f"{ch}.append({co})")
        w.emit(i + 1, f"if {cv} < {v}:")
        w.emit(i + 2, f"{v} = {cv}")
        kids = f"tuple({ch})"
    else:
        ms = [gen.name("m") for _ in range(rule.window)]
        hs = [gen.name("h") for _ in ms]
        w.emit(i, f"{', '.join(ms)}, = {window.months}")
        w.emit(i, f"{', '.join(hs)}, = {window.heads}")
        parts = [child(str(k), ms[k], hs[k], i) for k in range(rule.window)]
        _fold(w, v, [pv for _, pv in parts], lowest=True, indent=i)
        kids = "(" + "".join(f"{po}, " for po, _ in parts) + ")"
    n, lag = gen.const(rule.window, "_n"), gen.const(rule.lag_days, "_n")
    facts = f"{{'months': {window.months}, 'window': {n}, 'lag_days': {lag}}}"
    codes = gen.codes("each_month")
    w.emit(i, f"{o} = _O('each_month', _VS[{v}], {codes}[{v}], {scope.subject}, {facts}, {kids})")
    return o, v


def _branching(gen: Generator, w: _Writer, rule: Branching, scope: _Scope) -> Result:
    # Only the branch that applies is explained; its outcome is the one child.
    b, o, v, i = branch_index(gen, w, rule, scope), gen.name("o"), gen.name("v"), scope.indent
    facts, kind, codes = gen.const(rule.facts, "_bf"), rule.kind, gen.codes(rule.kind)
    branches = [r for _, r in rule.cases]
    for k, r in enumerate(branches):
        w.emit(i, f"{'if' if k == 0 else 'elif'} {b} == {k}:")
        _branch_outcome(gen, w, r, scope.at(i + 1), (o, v, b, facts, kind, codes))
    if isinstance(rule, ByAppliedCategory):  # a market needs no taxonomy: never unknown
        w.emit(i, f"elif {b} < 0:")
        w.emit(i + 1, f"{v} = 1")
        asub = app_subject(w)
        unknown = f"_O('{kind}', _VS[1], 'category.unknown', {asub}, {facts}(app, {b}), ())"
        w.emit(i + 1, f"{o} = {unknown}")
    w.emit(i, "else:")
    _branch_outcome(gen, w, rule.otherwise, scope.at(i + 1), (o, v, b, facts, kind, codes))
    return o, v


def _branch_outcome(
    gen: Generator, w: _Writer, rule: Rule[Any], scope: _Scope, names: tuple[str, ...]
) -> None:
    o, v, b, facts, kind, codes = names
    co, cv = explain(gen, w, rule, scope)
    w.emit(scope.indent, f"{v} = {cv}")
    made = f"_O('{kind}', _VS[{v}], {codes}[{v}], {co}.subject, {facts}(app, {b}), ({co},))"
    w.emit(scope.indent, f"{o} = {made}")


Template = Callable[[Generator, _Writer, Any, _Scope], Result]

_TEMPLATES: Final[dict[type, Template]] = {
    AllOf: _junction,
    AnyOf: _junction,
    Not: _not,
    AnyStore: _stores,
    EveryStore: _stores,
    EachMonth: _each_month,
    PlatformKindRule: explain_platform_kind,
    CategoryMatches: explain_category_matches,
    MinTurnover: explain_min_turnover,
    EvidenceNotReused: explain_evidence_not_reused,
    ByAppliedCategory: _branching,
    ByMarket: _branching,
}
