"""
The ``evidence_not_reused`` rule: its closures, its generated explanation without a registry, and its codes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from .._l10n import N_
from ..identity import same_holder
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
from ._leaf import LeafRule, Result, _app_subject, app_subject
from ._spec import CodeSpec

if TYPE_CHECKING:
    from ..models import Application, Store
    from ._codegen import Generator, _Scope, _Writer


@attrs.frozen(repr=False)
class EvidenceNotReused(LeafRule):
    """
    No store of the application is held by another application.
    """

    kind: ClassVar[str] = "evidence_not_reused"

    @property
    def level(self) -> Level:
        return Level.APPLICATION

    def __str__(self) -> str:
        return "evidence_not_reused()"

    def to_doc(self) -> dict[str, Any]:
        return {"evidence_not_reused": {}}

    def compile(self, env: Env) -> Compiled:  # noqa: C901 -- check and explain kept side by side
        registry = env.registry
        platform_of = env.platform_of

        def one(store: Store, app: Application) -> tuple[int, Any]:
            assert registry is not None  # noqa: S101 -- only called with a registry
            platform = platform_of(store.platform)
            if platform is None:
                return REVIEW, None
            identity = env.identity_of(store)
            assert identity is not None  # noqa: S101 -- the platform is known
            held = registry.holder(platform.id, identity.store_id)
            if held is None or same_holder(held, app):
                return PASS, held
            return FAIL, held

        def check(s: object, m: object, app: Application, as_of: dt.date) -> int:
            if registry is None:
                return PASS
            result = PASS
            for store in app.stores:
                v = one(store, app)[0]
                if v < result:
                    if v == FAIL:
                        return v
                    result = v
            return result

        def explain(s: object, m: object, ctx: Context) -> Outcome:
            app = ctx.application
            subject = _app_subject(ctx)
            if registry is None:
                return Outcome("evidence_not_reused", VERDICTS[PASS], "evidence.unchecked", subject)
            children = []
            for store in app.stores:
                v, _ = one(store, app)
                store_subject = env.store_ref(store)
                if v == REVIEW:
                    children.append(
                        Outcome(
                            "evidence_not_reused",
                            VERDICTS[v],
                            "platform.unknown",
                            store_subject,
                            {"platform": store.platform},
                        )
                    )
                elif v == FAIL:
                    children.append(
                        Outcome(
                            "evidence_not_reused",
                            VERDICTS[v],
                            "evidence.reused",
                            store_subject,
                        )
                    )
                else:
                    children.append(
                        Outcome(
                            "evidence_not_reused", VERDICTS[v], "evidence.unused", store_subject
                        )
                    )
            v = min((c.verdict.rank for c in children), default=PASS)
            code = ("evidence.reused", "evidence.unverified", "evidence.unused")[v]
            return Outcome("evidence_not_reused", VERDICTS[v], code, subject, {}, tuple(children))

        return Compiled(check, explain)


def evidence_not_reused() -> Rule[Application]:
    """
    No store record of the application is already held by another application.

    Consults the registry passed to :func:`~lazada_eligibility.evaluate`;
    a store held by the same application (the same id *and* the same
    applicant) passes. Without a registry it passes with code
    ``evidence.unchecked``, which a decision lists as a caveat. Codes:
    ``evidence.unused``, ``evidence.reused`` (no facts: the holder is
    operator-facing, in :attr:`~lazada_eligibility.Decision.holders`),
    ``evidence.unverified`` (a store on an unknown platform cannot be
    looked up), ``evidence.unchecked``.

    Example:
        >>> from lazada_eligibility.rules import evidence_not_reused
        >>> evidence_not_reused()
        evidence_not_reused()

    .. versionadded:: 0.1.0
    """
    return EvidenceNotReused()


def explain_evidence_not_reused(
    gen: Generator, w: _Writer, rule: EvidenceNotReused, scope: _Scope
) -> Result:
    # Only with no registry (see _fits): passes, saying it was not checked.
    o = gen.name("o")
    asub = app_subject(w)
    w.emit(
        scope.indent,
        f"{o} = _O('evidence_not_reused', _VS[2], 'evidence.unchecked', {asub}, {{}}, ())",
    )
    return o, "2"


CODES: Final[tuple[CodeSpec, ...]] = (
    CodeSpec("evidence.unused", {}, N_("{where}: its records are not used by another Lazada store."), None, "The store's records are not used for another Lazada store."),
    CodeSpec("evidence.reused", {}, N_("{where}: its records were already used for a Lazada store; records cannot be used twice."), "evidence.use-unused-store", "The store's records were already used for a Lazada store."),
    CodeSpec("evidence.unverified", {}, N_("Some store records could not be looked up in the registry."), "review.resolve", "Some store records could not be looked up."),
    CodeSpec("evidence.unchecked", {}, N_("Whether the store records were already used on Lazada was not checked."), None, "No registry was given: reuse was not checked (a caveat)."),
)  # fmt: skip
"""The specs of the codes this rule raises."""
