"""
The ``platform_kind`` rule: its closures, its generated check and explanation, and its codes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from .._l10n import N_
from ..exceptions import PolicyError, ValidationError
from ..platforms import PlatformKind
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
)
from ._leaf import LeafRule, Result
from ._spec import CodeSpec

if TYPE_CHECKING:
    from ..models import Application, Store
    from ._codegen import Generator, _Scope, _Writer


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


def check_platform_kind(gen: Generator, w: _Writer, rule: PlatformKindRule, scope: _Scope) -> str:
    v = gen.name("v")
    w.emit(scope.indent, f"{v} = {gen.platform_verdicts(rule)}[{scope.store}.platform]")
    return v


def explain_platform_kind(
    gen: Generator, w: _Writer, rule: PlatformKindRule, scope: _Scope
) -> Result:
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


CODES: Final[tuple[CodeSpec, ...]] = (
    CodeSpec("platform.cross-border", {"platform": "text", "name": "text", "kind": "text"}, N_("{where}: {name} is a cross-border platform."), None, "The store's platform is of a wanted kind."),
    CodeSpec("platform.domestic", {"platform": "text", "name": "text", "kind": "text"}, N_("{where}: {name} is a domestic platform; its turnover does not count."), "platform.use-cross-border", "The store's platform is domestic; its turnover does not count."),
    CodeSpec("platform.unknown", {"platform": "text"}, N_("{where}: the platform “{platform}” is not in the catalog; it needs manual review."), "platform.identify", "The catalog does not know the store's platform."),
)  # fmt: skip
"""The specs of the codes this rule raises."""
