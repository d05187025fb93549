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

from .. import _arith
from ._branching import Branching, ByAppliedCategory, ByMarket
from ._codegen import _MAX_INDENT, _UNROLL, Generator, _Scope, _Writer, mismatch_categories
from ._core import AllOf, AnyOf, Level, Not, Rule
from ._gen_check import Tally, all_usable, branch_index, constant, tally, window_tally
from ._leaves import CategoryMatches, EvidenceNotReused, MinTurnover, PlatformKindRule, rate_text
from ._quantifiers import AnyStore, EachMonth, EveryStore

__all__ = ["explain"]

Result = tuple[str, str]  # (outcome variable, verdict expression)
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


def _app_subject(w: _Writer) -> str:
    w.need("asub", "asub = _AR(app.id, app.applicant)")
    return "asub"


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
    asub, i = _app_subject(w), scope.indent
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
            return _month_outcome(gen, w, rule.rule, t, k=k, scope=at)  # type: ignore[arg-type]
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


def _platform_kind(gen: Generator, w: _Writer, rule: PlatformKindRule, scope: _Scope) -> Result:
    o, v, q = gen.name("o"), gen.name("v"), gen.name("q")
    s, ss, i = scope.store, scope.subject, scope.indent
    w.emit(i, f"{q} = {gen.platform_facts(rule)}[{s}.platform]")
    w.emit(i, f"{v} = {q}[0]")
    w.emit(i, f"if {q}[3] is None:")
    w.emit(
        i + 1, f"{o} = _O('platform_kind', {q}[1], {q}[2], {ss}, {{'platform': {s}.platform}}, ())"
    )
    w.emit(i, "else:")
    facts = f"{{'platform': {q}[3], 'name': {q}[4], 'kind': {q}[5]}}"
    w.emit(i + 1, f"{o} = _O('platform_kind', {q}[1], {q}[2], {ss}, {facts}, ())")
    return o, v


def _category(gen: Generator, w: _Writer, rule: CategoryMatches, scope: _Scope) -> Result:
    cm = gen.matcher(w, rule.mode)
    o, v, which, r, c, x = (gen.name(p) for p in ("o", "v", "wh", "r", "c", "x"))
    s, ss, i = scope.store, scope.subject, scope.indent
    mode = gen.const(rule.mode, "_mode")
    # The first category with the best verdict, as the closures pick it.
    w.emit(i, f"{v} = 0")
    w.emit(i, f"{which} = None")
    w.emit(i, f"if {s}.turnover:")
    w.emit(i + 1, f"for {r} in {s}.turnover:")
    w.emit(i + 2, f"{c} = {r}.category or {s}.category")
    w.emit(i + 2, f"{x} = {cm}[{c}]")
    w.emit(i + 2, f"if {x} > {v}:")
    w.emit(i + 3, f"{v}, {which} = {x}, {c}")
    w.emit(i + 3, f"if {v} == 2:")
    w.emit(i + 4, "break")
    w.emit(i, "else:")
    w.emit(i + 1, f"{x} = {cm}[{s}.category]")
    w.emit(i + 1, f"if {x}:")
    w.emit(i + 2, f"{v}, {which} = {x}, {s}.category")
    head = f"_O('category_matches', _VS[{v}], "
    facts = f"{{'applied': applied, 'mode': {mode}, "
    w.emit(i, f"if {v} == 2:")
    w.emit(i + 1, f"{o} = {head}'category.match', {ss}, {facts}'category': {which}}}, ())")
    w.emit(i, f"elif {v} == 1:")
    w.emit(i + 1, f"if {cm}[applied] == 1:")
    w.emit(i + 2, f"{which} = applied")
    w.emit(i + 1, f"{o} = {head}'category.unknown', {ss}, {facts}'category': {which}}}, ())")
    w.emit(i, "else:")
    cats = f"{gen.const(mismatch_categories, '_cats')}({s})"
    w.emit(i + 1, f"{o} = {head}'category.mismatch', {ss}, {facts}'categories': {cats}}}, ())")
    return o, v


def _min_turnover(gen: Generator, w: _Writer, rule: MinTurnover, scope: _Scope) -> Result:
    return _month_outcome(gen, w, rule, tally(gen, w, rule, scope, full=True), k="", scope=scope)


def _month_outcome(
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


def _evidence(gen: Generator, w: _Writer, rule: EvidenceNotReused, scope: _Scope) -> Result:
    # Only with no registry (see _fits): passes, saying it was not checked.
    o = gen.name("o")
    asub = _app_subject(w)
    w.emit(
        scope.indent,
        f"{o} = _O('evidence_not_reused', _VS[2], 'evidence.unchecked', {asub}, {{}}, ())",
    )
    return o, "2"


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
        asub = _app_subject(w)
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
    PlatformKindRule: _platform_kind,
    CategoryMatches: _category,
    MinTurnover: _min_turnover,
    EvidenceNotReused: _evidence,
    ByAppliedCategory: _branching,
    ByMarket: _branching,
}
