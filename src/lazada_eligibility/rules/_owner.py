"""
The ``owner_is`` rule: its closures and its codes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from .._l10n import N_
from ..exceptions import PolicyError
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
from ._leaf import LeafRule, _is_text
from ._spec import CodeSpec

if TYPE_CHECKING:
    from ..models import Application, Store


@attrs.frozen(repr=False)
class OwnerIs(LeafRule):
    """
    The store's records belong to the applicant, or to one of *owners*.
    """

    owners: tuple[str, ...] = ()
    kind: ClassVar[str] = "owner_is"

    @property
    def level(self) -> Level:
        return Level.STORE

    def __str__(self) -> str:
        return f"owner_is({', '.join(repr(o) for o in self.owners)})"

    def to_doc(self) -> dict[str, Any]:
        return {"owner_is": {"owners": list(self.owners)}}

    def compile(self, env: Env) -> Compiled:
        owners = frozenset(o.casefold() for o in self.owners)

        def verdict(store: Store, app: Application) -> int:
            if store.owner is None:
                return REVIEW
            wanted = owners or {app.applicant.strip().casefold()}
            return PASS if store.owner.strip().casefold() in wanted else FAIL

        def check(s: Store, m: object, app: Application, as_of: dt.date) -> int:
            return verdict(s, app)

        def explain(s: Store, m: object, ctx: Context) -> Outcome:
            v = verdict(s, ctx.application)
            code = ("owner.mismatch", "owner.unknown", "owner.match")[v]
            facts = {"owner": s.owner, "expected": self.owners or (ctx.application.applicant,)}
            return Outcome("owner_is", VERDICTS[v], code, env.store_ref(s), facts)

        return Compiled(check, explain)


def owner_is(*owners: str) -> Rule[Store]:
    """
    The store's records belong to one of *owners*, or with none named, to the applicant.

    The default policy has no owner check: the source says records need not
    be the applicant's own. Names compare trimmed and case-folded; a store
    with no owner reviews. Codes: ``owner.match``, ``owner.mismatch``,
    ``owner.unknown``.

    Example:
        >>> from lazada_eligibility.rules import owner_is
        >>> owner_is()
        owner_is()

    .. versionadded:: 0.1.0
    """
    if not all(_is_text(o) for o in owners):
        raise PolicyError(f"owner_is() takes non-blank names, got {owners!r}")
    return OwnerIs(tuple(sorted(set(owners))))


CODES: Final[tuple[CodeSpec, ...]] = (
    CodeSpec("owner.match", {"owner": "text", "expected": "texts"}, N_("{where}: its records belong to {owner}."), None, "The store's records belong to the expected owner."),
    CodeSpec("owner.mismatch", {"owner": "text", "expected": "texts"}, N_("{where}: its records belong to {owner}, not to {expected}."), "owner.use-owned-store", "The store's records belong to someone else."),
    CodeSpec("owner.unknown", {"owner": "text", "expected": "texts"}, N_("{where}: the owner of its records is not known; it needs manual review."), "owner.state", "The owner of the store's records is not known."),
)  # fmt: skip
"""The specs of the codes this rule raises."""
