"""
The category rules, ``category_matches`` and ``prohibited_categories``: closures, generated fragments and codes.
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
from ._leaf import LeafRule, Result, _app_subject, _is_text
from ._spec import MONTH_FACTS, CodeSpec

if TYPE_CHECKING:
    from ..categories import CategoryTaxonomy
    from ..models import Application, Store
    from ._codegen import Generator, _Scope, _Writer


CATEGORY_MODES: Final = ("exact", "within", "same-top-level")


def _mode(mode: str, allowed: tuple[str, ...] = CATEGORY_MODES) -> str:
    if mode not in allowed:
        choices = ", ".join(repr(m) for m in allowed)
        raise PolicyError(f"category mode must be one of {choices}, got {mode!r}")
    return mode


def _related(taxonomy: CategoryTaxonomy, mode: str, applied: str, category: str) -> bool:
    # Both are known ids or groups, and differ.
    if mode == "exact":
        return False
    if taxonomy.is_group(category):
        # Turnover labelled with a group (say 3c-digital) is within no single
        # category, but its top level is the group itself.
        same_top = mode != "within" and not taxonomy.is_group(applied)
        return same_top and taxonomy.match_key(applied) == category
    if mode == "within" or taxonomy.is_group(applied):
        return taxonomy.is_within(category, applied)
    return taxonomy.match_key(category) == taxonomy.match_key(applied)


def category_matcher(taxonomy: CategoryTaxonomy, mode: str) -> Any:
    """
    Return ``match(applied, category) -> 0/1/2`` for *mode*, memoised.

    REVIEW (1) when either category is unknown to the taxonomy or missing.
    """
    cache: dict[tuple[str, str | None], int] = {}

    def known(c: str) -> bool:
        return c in taxonomy or taxonomy.is_group(c)

    def compute(applied: str, category: str | None) -> int:
        if category is None or not known(category) or not known(applied):
            return REVIEW
        if category == applied or _related(taxonomy, mode, applied, category):
            return PASS
        return FAIL

    def match(applied: str, category: str | None) -> int:
        key = (applied, category)
        try:
            return cache[key]
        except KeyError:
            v = compute(applied, category)
            if len(cache) < 100_000:
                cache[key] = v
            return v

    return match


def store_categories(store: Store) -> list[str | None]:
    """
    The distinct categories of *store*'s records, in order; its own when it has none.
    """
    found: dict[str | None, None] = {}
    for record in store.turnover:
        found[record.category or store.category] = None
    if not found:
        found[store.category] = None
    return list(found)


@attrs.frozen(repr=False)
class CategoryMatches(LeafRule):
    """
    The store's turnover is in the category applied for.
    """

    mode: str
    kind: ClassVar[str] = "category_matches"

    @property
    def level(self) -> Level:
        return Level.STORE

    def __str__(self) -> str:
        return f"category_matches({self.mode!r})"

    def to_doc(self) -> dict[str, Any]:
        return {"category_matches": {"mode": self.mode}}

    def compile(self, env: Env) -> Compiled:
        match = category_matcher(env.categories, self.mode)

        def verdict(s: Store, applied: str) -> tuple[int, str | None]:
            result, which = FAIL, None
            for c in store_categories(s):
                v = match(applied, c)
                if v > result:
                    result, which = v, c
                    if v == PASS:
                        break
            return result, which

        def check(s: Store, m: object, app: Application, as_of: dt.date) -> int:
            return verdict(s, app.category)[0]

        def explain(s: Store, m: object, ctx: Context) -> Outcome:
            applied = ctx.application.category
            v, which = verdict(s, applied)
            subject = env.store_ref(s)
            facts: dict[str, Any] = {"applied": applied, "mode": self.mode}
            if v == PASS:
                code = "category.match"
                facts["category"] = which
            elif v == REVIEW:
                code = "category.unknown"
                facts["category"] = which if match(applied, applied) != REVIEW else applied
            else:
                code = "category.mismatch"
                facts["categories"] = tuple(sorted(c for c in store_categories(s) if c))
            return Outcome("category_matches", VERDICTS[v], code, subject, facts)

        return Compiled(check, explain)


def category_matches(mode: str = "same-top-level") -> Rule[Store]:
    """
    The store's turnover is in the category applied for.

    A record's category is its own, or else its store's. Modes:

    - ``exact``: the same category id;
    - ``within``: the record's category is the applied one or below it;
    - ``same-top-level``: both have the same top-level category, where a
      group such as ``3c-digital`` counts as one top level.

    A store passes when any of its categories matches. A category the
    taxonomy does not know, or a store with no category at all, reviews.
    Codes: ``category.match``, ``category.mismatch``, ``category.unknown``.

    Example:
        >>> from lazada_eligibility.rules import category_matches
        >>> category_matches("within")
        category_matches('within')

    .. versionadded:: 0.1.0
    """
    return CategoryMatches(_mode(mode))


@attrs.frozen(repr=False)
class ProhibitedCategories(LeafRule):
    """
    The category applied for is not within any of *categories*.
    """

    categories: tuple[str, ...]
    kind: ClassVar[str] = "prohibited_categories"

    @property
    def level(self) -> Level:
        return Level.APPLICATION

    def __str__(self) -> str:
        return f"prohibited_categories({', '.join(repr(c) for c in self.categories)})"

    def to_doc(self) -> dict[str, Any]:
        return {"prohibited_categories": {"categories": list(self.categories)}}

    def compile(self, env: Env) -> Compiled:
        taxonomy = env.categories
        for c in self.categories:
            if c not in taxonomy and not taxonomy.is_group(c):
                raise PolicyError(f"prohibited_categories(): {taxonomy.get(c)}")  # raises

        def which(applied: str) -> tuple[int, str | None]:
            if applied not in taxonomy and not taxonomy.is_group(applied):
                return REVIEW, None
            for c in self.categories:
                if taxonomy.is_within(applied, c):
                    return FAIL, c
            return PASS, None

        def check(s: object, m: object, app: Application, as_of: dt.date) -> int:
            return which(app.category)[0]

        def explain(s: object, m: object, ctx: Context) -> Outcome:
            applied = ctx.application.category
            v, c = which(applied)
            code = ("category.prohibited", "category.unknown", "category.allowed")[v]
            facts: dict[str, Any] = {"category": applied}
            if c is not None:
                facts["prohibited"] = c
            return Outcome("prohibited_categories", VERDICTS[v], code, _app_subject(ctx), facts)

        return Compiled(check, explain)


def prohibited_categories(*categories: str) -> Rule[Application]:
    """
    The category applied for is not within any of *categories* (ids or groups).

    Some sources list 3C electronics as closed to new cross-border sellers;
    this rule is the overlay a policy adds for that. Codes:
    ``category.allowed``, ``category.prohibited``, ``category.unknown``.

    Example:
        >>> from lazada_eligibility.rules import prohibited_categories
        >>> prohibited_categories("3c-digital")
        prohibited_categories('3c-digital')

    .. versionadded:: 0.1.0
    """
    if not categories or not all(_is_text(c) for c in categories):
        raise PolicyError(f"prohibited_categories() needs category ids, got {categories!r}")
    return ProhibitedCategories(tuple(sorted(set(categories))))


def check_category_matches(gen: Generator, w: _Writer, rule: CategoryMatches, scope: _Scope) -> str:
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


def explain_category_matches(
    gen: Generator, w: _Writer, rule: CategoryMatches, scope: _Scope
) -> Result:
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


def mismatch_categories(store: Store) -> tuple[str, ...]:
    """
    The categories a ``category.mismatch`` outcome lists for *store*.
    """
    return tuple(sorted(c for c in store_categories(store) if c))


CODES: Final[tuple[CodeSpec, ...]] = (
    CodeSpec("category.match", {"applied": "text", "mode": "text", "category": "text"}, N_("{where}: its turnover is in the category applied for ({applied})."), None, "The store's turnover is in the category applied for."),
    CodeSpec("category.mismatch", {"applied": "text", "mode": "text", "categories": "texts"}, N_("{where}: its turnover is in {categories}, not in the category applied for ({applied})."), "category.add-turnover", "The store's turnover is in other categories."),
    CodeSpec("category.unknown", {"applied": "text", "mode": "text", "category": "text", **MONTH_FACTS}, N_("{where}: the category “{category}” is not known; it needs manual review."), "category.identify", "A category is not in the taxonomy."),
    CodeSpec("category.prohibited", {"category": "text", "prohibited": "text"}, N_("The category applied for, {category}, falls under {prohibited}, which is closed to new sellers."), "category.choose-another", "The category applied for is closed to new sellers."),
    CodeSpec("category.allowed", {"category": "text"}, N_("The category applied for, {category}, is open to new sellers."), None, "The category applied for is open to new sellers."),
)  # fmt: skip
"""The specs of the codes this rule raises."""
