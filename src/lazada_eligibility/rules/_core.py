"""
Verdicts, outcomes, the Rule base class and the Kleene combinators.

A rule is a frozen value. Before it runs, a policy *prepares* it: every rule
compiles itself, once, into two closures over the catalogs, taxonomy, rates
and registry it will run against:

- ``check(s, m, app, as_of) -> int``: the verdict only, as 0 (FAIL),
  1 (REVIEW) or 2 (PASS), short-circuiting, allocating nothing;
- ``explain(s, m, ctx) -> Outcome``: the whole outcome tree.

``s`` is the subject below the application (a :class:`Store` for store
rules, a tuple of stores for month rules), ``m`` the month for month rules.
Kleene logic on 0/1/2 is ``min`` for "and", ``max`` for "or" and ``2 - v``
for "not".
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, TypeVar

import attrs

from ..exceptions import FieldProblem, PolicyError, ValidationError
from ..models import known_identity
from ..platforms import DEFAULT_PLATFORMS
from ..subjects import ApplicationRef, StoreRef, Subject

if TYPE_CHECKING:
    from ..categories import CategoryTaxonomy
    from ..identity import StoreIdentity
    from ..models import Application, Store
    from ..periods import Month
    from ..platforms import Platform, PlatformCatalog
    from ..typing import EvidenceRegistry, ExchangeRates


__all__ = [
    "Context",
    "Level",
    "Outcome",
    "Rule",
    "StoreMonth",
    "Verdict",
    "all_of",
    "any_of",
    "not_",
]

S = TypeVar("S")

FAIL: Final = 0
REVIEW: Final = 1
PASS: Final = 2


class Verdict(enum.Enum):
    """
    The three answers a rule can give.

    ``REVIEW`` means the rule cannot decide automatically: an unknown
    platform, a missing exchange rate, an unknown category.

    .. versionadded:: 0.1.0
    """

    PASS = "pass"
    FAIL = "fail"
    REVIEW = "review"

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        """
        The verdict's rank (FAIL 0, REVIEW 1, PASS 2), so "and" is ``min`` and "or" is ``max``.
        """
        return _RANK[self]


VERDICTS: Final = (Verdict.FAIL, Verdict.REVIEW, Verdict.PASS)
_RANK: Final = {Verdict.FAIL: FAIL, Verdict.REVIEW: REVIEW, Verdict.PASS: PASS}


class Level(enum.Enum):
    """
    What a rule applies to.

    .. versionadded:: 0.1.0
    """

    APPLICATION = "application"
    STORE = "store"
    MONTH = "month"

    def __str__(self) -> str:
        return self.value

    @property
    def article(self) -> str:
        """
        The level with its indefinite article, for messages.
        """
        return f"an {self.value}" if self.value[0] in "aeiou" else f"a {self.value}"


@attrs.frozen(weakref_slot=False)  # no __weakref__ slot: see _OutcomeBuilder
class Outcome:
    """
    What one rule said about one subject, and why.

    Args:
        rule: The rule's kind, such as ``min_turnover``.
        verdict: PASS, FAIL or REVIEW.
        code: A stable code that embedders switch on and translations are
            keyed by, such as ``turnover.below-minimum``.
        subject: What was judged, a typed value: the application
            (:class:`~lazada_eligibility.subjects.ApplicationRef`), a store
            (:class:`~lazada_eligibility.subjects.StoreRef`), stores combined
            (:class:`~lazada_eligibility.subjects.StoreGroup`) or a month of
            them (:class:`~lazada_eligibility.subjects.MonthRef`).
        facts: The figures behind the verdict (amounts as
            :class:`~lazada_eligibility.Money`, months as
            :class:`~lazada_eligibility.Month`).
        children: The outcomes of the rules this one combines.

    .. versionadded:: 0.1.0
    """

    rule: str
    verdict: Verdict
    code: str
    subject: Subject
    facts: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    children: tuple[Outcome, ...] = ()

    def walk(self) -> list[Outcome]:
        """
        Return this outcome and all below it, depth first.

        .. versionadded:: 0.1.0
        """
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


class _OutcomeBuilder:
    """
    Builds an :class:`Outcome` at a third of the cost of ``Outcome(...)``.

    A frozen attrs class sets each field through ``object.__setattr__``; a
    decision builds a few dozen outcomes, and those calls were a third of
    its time. This class has the very same slots, fills them with plain
    stores, then becomes an ``Outcome`` by ``__class__`` assignment, which
    CPython allows between classes of identical layout (hence no
    ``__weakref__`` slot on Outcome: CPython's layout check rejects one).
    The generated explain functions call it with already-valid values.
    """

    __slots__ = ("children", "code", "facts", "rule", "subject", "verdict")

    def __init__(  # noqa: PLR0917 -- Outcome's own positional signature
        self,
        rule: str,
        verdict: Verdict,
        code: str,
        subject: Subject,
        facts: Mapping[str, Any],
        children: tuple[Outcome, ...],
    ) -> None:
        self.rule = rule
        self.verdict = verdict
        self.code = code
        self.subject = subject
        self.facts = facts
        self.children = children
        self.__class__ = Outcome  # type: ignore[assignment]  # noqa: PLE0237 -- see the class doc


def _outcome_maker() -> Callable[..., Outcome]:
    # Should a future attrs lay Outcome out differently, fall back to the
    # class itself: slower, never wrong.
    args: tuple[Any, ...] = ("all", Verdict.PASS, "all.pass", ApplicationRef(None, ""), {}, ())
    try:
        probe: object = _OutcomeBuilder(*args)
    except TypeError:
        return Outcome
    same = type(probe) is Outcome and probe == Outcome(*args)
    return _OutcomeBuilder if same else Outcome  # type: ignore[return-value]


make_outcome: Final = _outcome_maker()
"""``make_outcome(rule, verdict, code, subject, facts, children) -> Outcome``, fast."""


class Context:
    """
    Everything a rule may consult while it runs, besides its subject.

    Custom rules receive it; nothing in it reads the clock or the network.

    Attributes:
        as_of: The day of the decision.
        application: The application being decided.

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_env", "application", "as_of")

    def __init__(self, env: Env, application: Application, as_of: dt.date) -> None:
        self._env = env
        self.application = application
        self.as_of = as_of

    @property
    def platforms(self) -> PlatformCatalog:
        """
        The platform catalog.
        """
        return self._env.platforms

    @property
    def categories(self) -> CategoryTaxonomy:
        """
        The category taxonomy.
        """
        return self._env.categories

    @property
    def rates(self) -> ExchangeRates | None:
        """
        Exchange rates, or ``None``.
        """
        return self._env.rates

    @property
    def registry(self) -> EvidenceRegistry | None:
        """
        The evidence registry, or ``None``.
        """
        return self._env.registry

    def platform_of(self, store: Store) -> Platform | None:
        """
        Return the store's platform as the catalog knows it, or ``None``.
        """
        return self._env.platform_of(store.platform)

    def label(self, store: Store) -> str:
        """
        Return ``platform-id/store-id``, as outcomes name a store.
        """
        return self._env.store_ref(store).label

    def ref(self, store: Store) -> StoreRef:
        """
        Return the typed reference to *store* that an outcome about it carries.

        .. versionadded:: 0.2.0
        """
        return self._env.store_ref(store)

    def subject(self) -> ApplicationRef:
        """
        Return the typed subject of an outcome about the application.

        .. versionadded:: 0.2.0
        """
        app = self.application
        return ApplicationRef(app.id, app.applicant)


@attrs.frozen
class StoreMonth:
    """
    The subject of a month rule: one month of one store, or of stores combined.

    Attributes:
        stores: One store, or the stores whose turnover is summed.
        month: The month.

    .. versionadded:: 0.1.0
    """

    stores: tuple[Store, ...]
    month: Month

    @property
    def records(self) -> tuple[tuple[Store, Any], ...]:
        """
        ``(store, record)`` pairs of the month's turnover records.
        """
        return tuple((s, r) for s in self.stores for r in s.records_in(self.month))


Check = Callable[[Any, Any, "Application", dt.date], int]
Explain = Callable[[Any, Any, Context], Outcome]


@attrs.frozen
class Compiled:
    """
    A rule prepared against one environment (internal).
    """

    check: Check
    explain: Explain


@attrs.define(eq=False)
class Env:
    """
    The fixed things a prepared policy runs against, with its lookup caches.
    """

    platforms: PlatformCatalog
    categories: CategoryTaxonomy
    rates: ExchangeRates | None
    registry: EvidenceRegistry | None
    _platforms_seen: dict[str, Platform | None] = attrs.field(factory=dict)
    _identities: dict[tuple[str, str], StoreIdentity | None] = attrs.field(factory=dict)
    _refs: dict[tuple[str, str], StoreRef] = attrs.field(factory=dict)

    def platform_of(self, raw: str) -> Platform | None:
        seen = self._platforms_seen
        try:
            return seen[raw]
        except KeyError:
            if len(seen) > 100_000:
                seen.clear()
            found = seen[raw] = self.platforms.resolve(raw)
            return found

    def identity_of(self, store: Store) -> StoreIdentity | None:
        """
        Return the store's identity under this catalog, ``None`` on an unknown platform.

        Raises:
            ValidationError: The platform refuses the store id.
        """
        key = (store.platform, store.store_id)
        seen = self._identities
        try:
            return seen[key]
        except KeyError:
            if len(seen) > 100_000:
                seen.clear()
            platform = self.platform_of(store.platform)
            if platform is None:
                found = None
            else:
                found = known_identity(store, platform) or platform.identity(store.store_id)
            seen[key] = found
            return found

    def check_stores(self, app: Application) -> None:
        """
        Refuse an application whose store ids this catalog refuses, or that lists one store twice.

        Raises:
            ValidationError: Naming every bad store, with paths such as ``stores[1].store_id``.
        """
        if self.platforms is DEFAULT_PLATFORMS:
            return  # an Application checks exactly this when it is built
        problems: list[FieldProblem] = []
        seen: dict[StoreIdentity, int] = {}
        for i, store in enumerate(app.stores):
            try:
                found = self.identity_of(store)
            except ValidationError as e:
                problems.extend(e.prefixed(f"stores[{i}]").problems)
                continue
            if found is None:
                continue
            first = seen.setdefault(found, i)
            if first != i:
                problems.append(
                    FieldProblem(
                        f"stores[{i}]",
                        f"the store {store.label!r} is listed twice: it is the store of "
                        f"stores[{first}] (one account, however written)",
                    )
                )
        if problems:
            raise ValidationError(problems)

    def store_label(self, store: Store) -> str:
        return self.store_ref(store).label

    def store_ref(self, store: Store) -> StoreRef:
        """
        Return the typed reference to *store* that outcomes are about, memoised.
        """
        key = (store.platform, store.store_id)
        refs = self._refs
        try:
            return refs[key]
        except KeyError:
            if len(refs) > 100_000:
                refs.clear()
            found = refs[key] = self._make_ref(store)
            return found

    def _make_ref(self, store: Store) -> StoreRef:
        platform = self.platform_of(store.platform)
        if platform is None:
            label = f"{store.platform}/{store.store_id}"
            return StoreRef(store.platform, store.store_id, None, None, None, label)
        written = store.store_id.strip()
        try:
            identity = self.identity_of(store)
        except ValidationError:
            identity = None
        if "/" in written and identity is not None:
            # A seller page URL: name the store by the id it stands for. Any
            # other id is shown as written, in whatever script (the canonical
            # form folds look-alikes, which would show the seller a stranger).
            written = identity.store_id
        return StoreRef(
            store.platform,
            store.store_id,
            platform.id,
            None if identity is None else identity.namespace,
            None if identity is None else identity.store_id,
            f"{platform.id}/{written}",
        )


class Rule(Generic[S]):
    """
    A composable, frozen, hashable rule about a subject ``S``.

    ``S`` is :class:`~lazada_eligibility.Application`,
    :class:`~lazada_eligibility.Store` or :class:`StoreMonth`. Equal trees are
    equal and hash equal; ``str(rule)`` reads like the policy. ``&``, ``|``
    and ``~`` are :func:`all_of`, :func:`any_of` and :func:`not_`.

    To write a rule of your own, subclass
    :class:`~lazada_eligibility.rules.CustomRule` (or use
    :func:`~lazada_eligibility.rules.leaf_rule`).

    .. versionadded:: 0.1.0
    """

    __slots__ = ()

    kind: ClassVar[str]

    @property
    def level(self) -> Level:
        """
        What the rule applies to.
        """
        raise NotImplementedError

    def compile(self, env: Env) -> Compiled:
        """
        Prepare the rule against *env* (internal; policies call it).
        """
        raise NotImplementedError

    def to_doc(self) -> dict[str, Any]:
        """
        Return the rule as a policy-document node: ``{kind: parameters}``.

        .. versionadded:: 0.1.0
        """
        raise NotImplementedError

    def children(self) -> tuple[Rule[Any], ...]:
        """
        The rules this rule combines (none for a leaf).

        .. versionadded:: 0.1.0
        """
        return ()

    def __and__(self, other: Rule[S]) -> Rule[S]:
        if not isinstance(other, Rule):
            return NotImplemented
        return all_of(self, other)

    def __or__(self, other: Rule[S]) -> Rule[S]:
        if not isinstance(other, Rule):
            return NotImplemented
        return any_of(self, other)

    def __invert__(self) -> Rule[S]:
        return not_(self)


def _same_level(kind: str, rules: Sequence[Rule[Any]]) -> Level:
    if not rules:
        raise PolicyError(f"{kind}() needs at least one rule")
    for r in rules:
        if not isinstance(r, Rule):
            raise PolicyError(f"{kind}() takes rules, got {r!r}")
    levels = {r.level for r in rules}
    if len(levels) > 1:
        detail = ", ".join(f"{r} is {r.level.article} rule" for r in rules)
        raise PolicyError(f"{kind}() cannot combine rules about different subjects: {detail}")
    return rules[0].level


def _label(r: Rule[Any], parent: type) -> str:
    text = str(r)
    return f"({text})" if isinstance(r, _Junction) and not isinstance(r, parent) else text


@attrs.frozen(repr=False)
class _Junction(Rule[S]):
    rules: tuple[Rule[S], ...]
    # Kleene "and" and "or" differ only in which verdict decides at once
    # (FAIL for "and", PASS for "or") and in which way the others combine.
    _decisive: ClassVar[int]

    def children(self) -> tuple[Rule[Any], ...]:
        return self.rules

    @property
    def level(self) -> Level:
        return self.rules[0].level

    def __repr__(self) -> str:
        return str(self)

    def to_doc(self) -> dict[str, Any]:
        return {self.kind: [r.to_doc() for r in self.rules]}

    def compile(self, env: Env) -> Compiled:
        parts = [r.compile(env) for r in self.rules]
        checks = tuple(p.check for p in parts)
        explains = tuple(p.explain for p in parts)
        decisive, kind = self._decisive, self.kind
        combine = min if decisive == FAIL else max
        otherwise = PASS - decisive  # what an empty run of the others gives
        codes = _JUNCTION_CODES[kind]

        def check(s: Any, m: Any, app: Application, as_of: dt.date) -> int:
            result = otherwise
            for c in checks:
                v = c(s, m, app, as_of)
                if v == decisive:
                    return v
                if v == REVIEW:
                    result = REVIEW
            return result

        def explain(s: Any, m: Any, ctx: Context) -> Outcome:
            children = tuple(e(s, m, ctx) for e in explains)
            v = combine(_RANK[c.verdict] for c in children)
            return Outcome(kind, VERDICTS[v], codes[v], children[0].subject, {}, children)

        return Compiled(check, explain)


@attrs.frozen(repr=False)
class AllOf(_Junction[S]):
    """
    Passes when every rule passes; fails when any fails; else reviews.
    """

    kind: ClassVar[str] = "all"
    _decisive: ClassVar[int] = FAIL

    def __str__(self) -> str:
        return " & ".join(_label(r, AllOf) for r in self.rules)


@attrs.frozen(repr=False)
class AnyOf(_Junction[S]):
    """
    Passes when any rule passes; fails when all fail; else reviews.
    """

    kind: ClassVar[str] = "any"
    _decisive: ClassVar[int] = PASS

    def __str__(self) -> str:
        return " | ".join(_label(r, AnyOf) for r in self.rules)


@attrs.frozen(repr=False)
class Not(Rule[S]):
    """
    Swaps PASS and FAIL; keeps REVIEW.
    """

    rule: Rule[S]
    kind: ClassVar[str] = "not"

    @property
    def level(self) -> Level:
        return self.rule.level

    def children(self) -> tuple[Rule[Any], ...]:
        return (self.rule,)

    def __str__(self) -> str:
        inner = str(self.rule)
        return f"~({inner})" if isinstance(self.rule, _Junction) else f"~{inner}"

    def __repr__(self) -> str:
        return str(self)

    def to_doc(self) -> dict[str, Any]:
        return {"not": self.rule.to_doc()}

    def compile(self, env: Env) -> Compiled:
        inner = self.rule.compile(env)
        inner_check = inner.check
        inner_explain = inner.explain

        def check(s: Any, m: Any, app: Application, as_of: dt.date) -> int:
            return PASS - inner_check(s, m, app, as_of)

        def explain(s: Any, m: Any, ctx: Context) -> Outcome:
            child = inner_explain(s, m, ctx)
            v = PASS - _RANK[child.verdict]
            return Outcome(
                "not", VERDICTS[v], _JUNCTION_CODES["not"][v], child.subject, {}, (child,)
            )

        return Compiled(check, explain)


_JUNCTION_CODES: Final = {
    kind: tuple(f"{kind}.{v.value}" for v in VERDICTS) for kind in ("all", "any", "not")
}


def all_of(*rules: Rule[S]) -> Rule[S]:
    """
    Combine *rules* with Kleene "and".

    Fails if any rule fails, else reviews if any reviews, else passes.
    Nested :func:`all_of` are flattened, and one rule is itself.

    Raises:
        PolicyError: The rules are about different subjects (say a store
            rule and an application rule), or there are none.

    Example:
        >>> from lazada_eligibility.rules import all_of, category_matches, platform_kind
        >>> rule = all_of(platform_kind("cross-border"), category_matches())
        >>> rule == platform_kind("cross-border") & category_matches()
        True
        >>> print(rule)
        platform_kind('cross-border') & category_matches('same-top-level')

    .. versionadded:: 0.1.0
    """
    flat: list[Rule[S]] = []
    for r in rules:
        flat.extend(r.rules if isinstance(r, AllOf) else (r,))
    _same_level("all_of", flat)
    return flat[0] if len(flat) == 1 else AllOf(tuple(flat))


def any_of(*rules: Rule[S]) -> Rule[S]:
    """
    Combine *rules* with Kleene "or".

    Passes if any rule passes, else reviews if any reviews, else fails.
    Nested :func:`any_of` are flattened, and one rule is itself.

    Raises:
        PolicyError: The rules are about different subjects, or there are none.

    Example:
        >>> from lazada_eligibility.rules import platform_kind
        >>> print(platform_kind("cross-border") | ~platform_kind("domestic"))
        platform_kind('cross-border') | ~platform_kind('domestic')

    .. versionadded:: 0.1.0
    """
    flat: list[Rule[S]] = []
    for r in rules:
        flat.extend(r.rules if isinstance(r, AnyOf) else (r,))
    _same_level("any_of", flat)
    return flat[0] if len(flat) == 1 else AnyOf(tuple(flat))


def not_(rule: Rule[S]) -> Rule[S]:
    """
    Negate *rule*: PASS and FAIL swap, REVIEW stays. ``~~r`` is ``r``.

    Example:
        >>> from lazada_eligibility.rules import platform_kind
        >>> r = platform_kind("domestic")
        >>> ~~r == r
        True

    .. versionadded:: 0.1.0
    """
    if not isinstance(rule, Rule):
        raise PolicyError(f"not_() takes a rule, got {rule!r}")
    return rule.rule if isinstance(rule, Not) else Not(rule)
