"""
Straight-line Python for a prepared policy, generated once from its rule tree.

Every rule can compile itself into closures (``Rule.compile``): that is the
reference implementation, and what custom rules and the rarer built-ins use.
For the built-in rules that decide most applications (the junctions, the
store and month quantifiers, platform kind, category match, minimum
turnover, unchecked evidence), this module writes one Python function per
policy instead: the leaf checks inlined into the quantifier loops, months
unrolled, lookups cached per platform text, per (applied, category) pair and
per ``as_of`` window. A function call costs as much as a leaf check, so the
tree of closures spends most of its time calling; straight-line code does
not.

Two functions are generated: ``check(app, as_of) -> 0/1/2``, which
short-circuits and builds no outcome, and ``explain(app, as_of) -> Outcome``,
which builds the same outcome tree, fact for fact, as the closures do.

Safety: the source text holds only names this module makes up, small
integers, and the library's own outcome codes and fact keys. Every value that
comes from a rule (amounts, currencies, categories, kinds, windows) is bound
as a constant in the function's namespace, never spelt out in the source, so
no parameter and no user string can become code.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import linecache
import threading
from collections import OrderedDict
from collections.abc import Callable
from types import CodeType
from typing import TYPE_CHECKING, Any, Final

import attrs

from ..money import Money
from ..periods import Month, review_window
from ..subjects import ApplicationRef, MonthRef
from ._category import category_matcher
from ._core import _RANK, VERDICTS, Context, Env, Outcome, Rule, make_outcome

if TYPE_CHECKING:
    from ._platform import PlatformKindRule
    from ._quantifiers import EachMonth

if TYPE_CHECKING:
    from decimal import Decimal

    from ..models import Application


__all__ = ["Program", "generate"]

_CACHE_LIMIT: Final = 100_000
_MAX_INDENT: Final = 40  # deeper subtrees run as closures: Python caps nesting at 100
_UNROLL: Final = 6  # windows up to this many months are unrolled

_new = object.__new__
_set = object.__setattr__


def fast_money(amount: Decimal, currency: str) -> Money:
    """
    Return ``Money(amount, currency)`` without re-validating what is already valid.

    *amount* is a sum of validated amounts, *currency* a validated code.
    """
    money = _new(Money)
    _set(money, "amount", amount)
    _set(money, "currency", currency)
    return money


class Memo(dict[Any, Any]):
    """
    A dict that computes, keeps and returns what it lacks: ``memo[key]``.

    The generated code looks everything up by subscript; a miss runs
    ``compute(key)`` through ``__missing__``, so the code has no miss branch.
    Cleared when full: keys come from applications, which are unbounded.
    """

    __slots__ = ("compute",)

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: object) -> Any:
        value = self.compute(key)
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        self[key] = value
        return value


@attrs.frozen
class Program:
    """
    A policy's generated functions and their source (internal).
    """

    check: Callable[[Application, dt.date], int]
    explain: Callable[[Application, dt.date], Outcome]
    source: str


@attrs.frozen
class Window:
    """
    The variables holding a decision's review window.
    """

    months: str  # the months, oldest first
    heads: str  # their subject heads, "month 2026-09 of "
    first: str  # the first month's year * 12 + month


@attrs.frozen
class _Scope:
    indent: int
    store: str | None = None  # the variable holding the current Store
    label: str | None = None  # ... its StoreRef
    subject: str | None = None  # ... and its subject (the same StoreRef)
    month: str | None = None  # the variable holding the current Month
    text: str | None = None  # ... and its subject head, "month 2026-09 of "

    def at(self, indent: int, **changes: str) -> _Scope:
        return attrs.evolve(self, indent=indent, **changes)


class _Writer:
    """
    Accumulates one function's lines, its prelude and its namespace.
    """

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        self.lines: list[str] = []
        self.prelude: dict[str, str] = {}

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def need(self, key: str, line: str) -> None:
        self.prelude.setdefault(key, line)

    def function(self, name: str, result: str) -> list[str]:
        body = [f"def {name}(app, as_of):"]
        body.extend("    " + line for line in self.prelude.values())
        body.extend("    " + line for line in self.lines)
        body.append(f"    return {result}")
        return body


class Generator:
    """
    Writes the check and explain functions of one rule tree for one environment.
    """

    def __init__(self, env: Env) -> None:
        self.env = env
        self.ns: dict[str, Any] = {
            "_VS": VERDICTS,
            "_RANK": _RANK,
            "_O": make_outcome,
            "_M": fast_money,
            "_ENV": env,
            "_Context": Context,
            "_SR": env.store_ref,
            "_AR": ApplicationRef,
            "_MR": MonthRef,
        }
        self._ids = itertools.count()
        self._consts: dict[tuple[type, object], str] = {}  # values are kept alive by ns
        self._matchers: dict[str, str] = {}
        self._windows: dict[tuple[int, int], str] = {}
        self._compiled: dict[int, tuple[str, str]] = {}

    # -- names ---------------------------------------------------------------------------

    def name(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def const(self, value: object, prefix: str = "_k") -> str:
        # Text and whole numbers are shared by value; anything else by
        # identity: Decimal("1000") == Decimal("1000.00"), but facts must
        # keep the digits they were given.
        key = (type(value), value if type(value) in {str, int} else id(value))
        found = self._consts.get(key)
        if found is None:
            found = self.name(prefix)
            self.ns[found] = value
            self._consts[key] = found
        return found

    def codes(self, kind: str) -> str:
        return self.const(tuple(f"{kind}.{v.value}" for v in VERDICTS), "_C")

    # -- shared lookups ------------------------------------------------------------------

    def matcher(self, w: _Writer, mode: str) -> str:
        """
        Return the variable holding this application's category verdicts by category.
        """
        if mode not in self._matchers:
            match = category_matcher(self.env.categories, mode)

            def verdicts(applied: str) -> Memo:
                return Memo(functools.partial(match, applied))

            self._matchers[mode] = self.name("cm")
            self.ns[f"_T{self._matchers[mode]}"] = Memo(verdicts)
        var = self._matchers[mode]
        w.need("applied", "applied = app.category")
        w.need(var, f"{var} = _T{var}[applied]")
        return var

    def window(self, w: _Writer, rule: EachMonth) -> Window:
        """
        Return the variables holding this decision's window for *rule*.
        """
        key = (rule.window, rule.lag_days)
        if key not in self._windows:
            window, lag = key

            def months(as_of: dt.date) -> tuple[tuple[Month, ...], tuple[str, ...], int]:
                found = review_window(as_of, window, lag)
                heads = tuple(f"month {m} of " for m in found)
                return found, heads, found[0].year * 12 + found[0].month

            self._windows[key] = var = self.name("w")
            self.ns[f"_W{var}"] = Memo(months)
        var = self._windows[key]
        found = Window(f"{var}m", f"{var}h", f"{var}i")
        w.need(var, f"{found.months}, {found.heads}, {found.first} = _W{var}[as_of]")
        return found

    def platform_verdicts(self, rule: PlatformKindRule) -> str:
        """
        Return the name of the verdicts of *rule* by platform text.
        """
        wanted = frozenset(rule.kinds)
        platform_of = self.env.platform_of

        def verdict(raw: str) -> int:
            p = platform_of(raw)
            return 1 if p is None else 2 if p.kind in wanted else 0

        return self.const(Memo(verdict), "_pk")

    def platform_facts(self, rule: PlatformKindRule) -> str:
        """
        Return the name of *rule*'s outcome parts by platform text.

        Each is ``(verdict, Verdict, code, platform id, name, kind)``, the
        last three ``None`` for a platform the catalog does not know.
        """
        wanted = frozenset(rule.kinds)
        platform_of = self.env.platform_of

        def facts(raw: str) -> tuple[Any, ...]:
            p = platform_of(raw)
            if p is None:
                return (1, VERDICTS[1], "platform.unknown", None, None, None)
            v = 2 if p.kind in wanted else 0
            kind = p.kind.value
            return (v, VERDICTS[v], f"platform.{kind}", p.id, p.name, kind)

        return self.const(Memo(facts), "_pf")

    def labels(self, w: _Writer, store: str, indent: int) -> str:
        """
        Emit the typed reference to *store* (a :class:`StoreRef`); return its variable.
        """
        ref = self.name("lb")
        w.emit(indent, f"{ref} = _SR({store})")
        return ref

    def closures(self, rule: Rule[Any]) -> tuple[str, str]:
        """
        Return the names of *rule*'s reference closures (check, explain).
        """
        if id(rule) not in self._compiled:
            compiled = rule.compile(self.env)
            self._compiled[id(rule)] = (
                self.const(compiled.check, "_ck"),
                self.const(compiled.explain, "_ex"),
            )
        return self._compiled[id(rule)]

    # -- assembling ----------------------------------------------------------------------

    def build(self, rule: Rule[Any]) -> Program:
        from ._gen_check import check  # noqa: PLC0415 -- the templates import this module
        from ._gen_explain import explain  # noqa: PLC0415 -- likewise

        cw = _Writer(self)
        verdict = check(self, cw, rule, _Scope(0))
        ew = _Writer(self)
        outcome, _ = explain(self, ew, rule, _Scope(0))
        lines = [*cw.function("check", verdict), "", *ew.function("explain", outcome)]
        source = "\n".join(lines) + "\n"
        exec(_code(source), self.ns)  # noqa: S102 -- source made here from names only; see module doc
        return Program(self.ns["check"], self.ns["explain"], source)


_CODE_KEEP: Final = 256
_codes: OrderedDict[str, CodeType] = OrderedDict()
_codes_lock = threading.Lock()


def _code(source: str) -> CodeType:
    """
    Return *source* compiled, from a cache of the last few.

    Compiling is nine tenths of preparing; a service that loads the same
    policy document for each request gets the same source each time.
    """
    with _codes_lock:
        code = _codes.get(source)
        if code is not None:
            _codes.move_to_end(source)
            return code
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    filename = f"<lazada_eligibility prepared policy {digest}>"
    code = compile(source, filename, "exec")
    with _codes_lock:
        _codes[source] = code
        # Tracebacks through generated code (a custom rule raising) show its lines.
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        while len(_codes) > _CODE_KEEP:
            _, old = _codes.popitem(last=False)
            linecache.cache.pop(old.co_filename, None)
    return code


def generate(rule: Rule[Any], env: Env) -> Program:
    """
    Return the generated check and explain functions of an application rule.
    """
    return Generator(env).build(rule)
