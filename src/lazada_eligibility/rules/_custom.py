"""
Rules of your own: subclass :class:`CustomRule`, or decorate a function with :func:`leaf_rule`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import attrs

from ..exceptions import PolicyError
from ..money import Money
from ..periods import Month
from ..subjects import MonthRef, Subject
from ._core import _RANK, Compiled, Context, Env, Level, Outcome, Rule, StoreMonth, Verdict

if TYPE_CHECKING:
    from ..models import Application


__all__ = ["CustomRule", "leaf_rule"]

S = TypeVar("S")
Result = Outcome | Verdict | bool


def encode_param(value: object) -> object:
    """
    Return a rule parameter as a policy-document value.
    """
    if isinstance(value, Rule):
        return value.to_doc()
    if isinstance(value, Money):
        return value.to_dict()
    if isinstance(value, Month):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list | frozenset):
        return [encode_param(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): encode_param(v) for k, v in value.items()}
    return value


def _subject(level: Level, s: Any, m: Any, ctx: Context) -> tuple[Any, Subject]:
    if level is Level.APPLICATION:
        return ctx.application, ctx.subject()
    if level is Level.STORE:
        return s, ctx.ref(s)
    return StoreMonth(s, m), MonthRef(m, tuple(ctx.ref(x) for x in s))


def _outcome(kind: str, result: Result, subject: Subject) -> Outcome:
    if isinstance(result, Outcome):
        return result
    if isinstance(result, bool):
        result = Verdict.PASS if result else Verdict.FAIL
    if not isinstance(result, Verdict):
        msg = f"rule {kind!r} returned {result!r}; expected an Outcome, a Verdict or a bool"
        raise TypeError(msg)
    return Outcome(kind, result, f"{kind}.{result.value}", subject)


def _wrap(kind: str, level: Level, run: Callable[[Any, Context], Result], env: Env) -> Compiled:
    def explain(s: Any, m: Any, ctx: Context) -> Outcome:
        subject, label = _subject(level, s, m, ctx)
        return _outcome(kind, run(subject, ctx), label)

    def check(s: Any, m: Any, app: Application, as_of: dt.date) -> int:
        return _RANK[explain(s, m, Context(env, app, as_of)).verdict]

    return Compiled(check, explain)


class CustomRule(Rule[S]):
    """
    Base class for a rule of your own.

    Subclass it as a frozen attrs class, set ``kind`` (a unique name) and
    ``subject`` (:class:`~lazada_eligibility.rules.Level`), and implement :meth:`evaluate`. It composes
    with the built-in rules, hashes and compares by its fields, and dumps
    to a policy document by its fields.

    Example:
        >>> import attrs
        >>> from lazada_eligibility import Store
        >>> from lazada_eligibility.rules import CustomRule, Level, Verdict, platform_kind
        >>> @attrs.frozen
        ... class StoreNamed(CustomRule[Store]):
        ...     kind = "store_named"
        ...     subject = Level.STORE
        ...
        ...     def evaluate(self, store, ctx):
        ...         return Verdict.PASS if store.name else Verdict.REVIEW
        >>> print(platform_kind("cross-border") & StoreNamed())
        platform_kind('cross-border') & store_named()

    .. versionadded:: 0.1.0
    """

    __slots__ = ()

    subject: ClassVar[Level]

    @property
    def level(self) -> Level:
        return type(self).subject

    def evaluate(self, subject: S, ctx: Context) -> Outcome | Verdict | bool:
        """
        Judge *subject*: an Application, a Store or a StoreMonth, as ``subject`` says.

        Return an :class:`~lazada_eligibility.Outcome` (with your own code and facts), or a
        :class:`~lazada_eligibility.Verdict` or bool, for which the code is ``kind.verdict``.
        """
        raise NotImplementedError

    def compile(self, env: Env) -> Compiled:
        return _wrap(self.kind, self.level, self.evaluate, env)

    def _params(self) -> dict[str, Any]:
        if attrs.has(type(self)):
            return {f.name: getattr(self, f.name) for f in attrs.fields(cast("Any", type(self)))}
        return {}

    def to_doc(self) -> dict[str, Any]:
        return {self.kind: {k: encode_param(v) for k, v in self._params().items()}}

    def __str__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{self.kind}({args})"

    def __repr__(self) -> str:
        return str(self)


@attrs.frozen(repr=False)
class FunctionRule(Rule[Any]):
    """
    A rule made by :func:`leaf_rule` from a function and its parameters.
    """

    kind: str  # type: ignore[misc]
    subject: Level
    function: Callable[..., Result] = attrs.field(eq=False)
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def level(self) -> Level:
        return self.subject

    def compile(self, env: Env) -> Compiled:
        params = dict(self.params)

        def run(subject: Any, ctx: Context) -> Result:
            return self.function(subject, ctx, **params)

        return _wrap(self.kind, self.subject, run, env)

    def to_doc(self) -> dict[str, Any]:
        return {self.kind: {k: encode_param(v) for k, v in self.params}}

    def __str__(self) -> str:
        return f"{self.kind}({', '.join(f'{k}={v!r}' for k, v in self.params)})"

    def __repr__(self) -> str:
        return str(self)


def leaf_rule(
    subject: Level | str, *, kind: str | None = None
) -> Callable[[Callable[..., Result]], Callable[..., Rule[Any]]]:
    """
    Turn ``function(subject, ctx, **params)`` into a factory of rules.

    The factory takes the keyword parameters (hashable values) and returns
    a rule that composes with the built-in ones. The function returns an
    :class:`~lazada_eligibility.Outcome`, a :class:`~lazada_eligibility.Verdict` or a bool.

    Example:
        >>> from lazada_eligibility.rules import leaf_rule, any_store, platform_kind
        >>> @leaf_rule("store")
        ... def min_months_on_record(store, ctx, *, months):
        ...     return len(store.months) >= months
        >>> print(any_store(platform_kind("cross-border") & min_months_on_record(months=6)))
        any_store(platform_kind('cross-border') & min_months_on_record(months=6))

    .. versionadded:: 0.1.0
    """
    level = subject if isinstance(subject, Level) else Level(subject)

    def decorate(function: Callable[..., Result]) -> Callable[..., Rule[Any]]:
        name = kind or function.__name__

        def factory(**params: Any) -> Rule[Any]:
            try:
                hash(tuple(params.values()))
            except TypeError:
                raise PolicyError(
                    f"{name}(): parameters must be hashable, got {params!r}"
                ) from None
            return FunctionRule(name, level, function, tuple(sorted(params.items())))

        factory.__name__ = name
        factory.__doc__ = function.__doc__
        return factory

    return decorate
