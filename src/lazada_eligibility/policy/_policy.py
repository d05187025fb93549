"""
Policies: a rule tree with an identity, a version and a stable digest.

A policy is prepared once per environment (platform catalog, category
taxonomy, exchange rates, evidence registry) and then evaluated many times;
:class:`Policy` keeps a few prepared forms so that callers do not have to.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import attrs

from .._digest import canonical_json, digest_text
from .._known import require_known_categories
from ..categories import LAZADA_CATEGORIES, CategoryTaxonomy
from ..exceptions import PolicyError, ValidationError
from ..identity import same_holder
from ..limits import AS_OF_RANGE
from ..models import Application
from ..platforms import DEFAULT_PLATFORMS, PlatformCatalog
from ..provenance import Provenance, Stamper
from ..rules import Level, Rule, Verdict
from ..rules._codegen import Program, generate
from ..rules._core import VERDICTS, Env, Outcome
from ..rules._quantifiers import stores_relied_on

if TYPE_CHECKING:
    from ..decision import Decision
    from ..registry import Claim
    from ..typing import EvidenceRegistry, ExchangeRates


__all__ = ["Policy", "PreparedPolicy"]

_PREPARED_KEEP = 16


def _check_rule(_: object, __: attrs.Attribute[Rule[Any]], rule: object) -> None:
    if not isinstance(rule, Rule):
        raise PolicyError(f"rule: expected a Rule, got {rule!r}")
    if rule.level is not Level.APPLICATION:
        raise PolicyError(
            f"rule: a policy needs an application rule, but {rule} is {rule.level.article} rule"
        )


def _check_text(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or (attribute.name in {"id", "version"} and not value.strip()):
        raise PolicyError(f"{attribute.name}: expected non-blank text, got {value!r}")


def _as_groups(value: object) -> object:
    # A mapping, as a document writes [categories.groups], or pairs: pairs by name,
    # so that equality does not depend on the order a document (or JSON) lists them.
    if isinstance(value, dict):
        value = list(value.items())
    if not isinstance(value, list | tuple):
        return value
    pairs = tuple(
        (p[0], tuple(p[1]))
        if isinstance(p, list | tuple) and len(p) == 2 and isinstance(p[1], list | tuple)
        else p
        for p in value
    )
    if all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in pairs):
        return tuple(sorted(pairs, key=lambda p: p[0]))
    return pairs


def _check_groups(_: object, __: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise PolicyError(f"groups: expected a mapping of names to categories, got {value!r}")
    names: set[str] = set()
    for pair in value:
        ok = isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)
        if not ok or not pair[0].strip() or pair[0] in names:
            raise PolicyError(
                f"groups: expected distinct names, each with categories, got {pair!r}"
            )
        members = pair[1]
        if not members or not all(isinstance(m, str) and m.strip() for m in members):
            raise PolicyError(
                f"groups: {pair[0]!r} needs one or more category ids, got {members!r}"
            )
        names.add(pair[0])


_FIRST_DAY, _LAST_DAY = AS_OF_RANGE


def as_date(as_of: object) -> dt.date:
    """
    Return *as_of* as a :class:`datetime.date`; a datetime gives its date.

    Raises:
        ValidationError: *as_of* is not a date, or lies outside
            :data:`~lazada_eligibility.limits.AS_OF_RANGE`.
    """
    if type(as_of) is dt.date:
        day = as_of
    elif isinstance(as_of, dt.datetime):
        day = as_of.date()
    elif isinstance(as_of, dt.date):
        day = dt.date(as_of.year, as_of.month, as_of.day)
    else:
        raise ValidationError.single("as_of", f"expected a date, got {as_of!r}")
    low, high = AS_OF_RANGE
    if not low <= day <= high:
        raise ValidationError.single("as_of", f"must be a date from {low} to {high}, got {day}")
    return day


@attrs.frozen
class Policy:
    """
    A rule tree with an id, a version, a title and where its defaults come from.

    Args:
        id: A stable id, such as ``lazada-cross-border``.
        version: The policy's version; change it whenever the rule changes.
        rule: An application rule.
        title: A one-line title.
        source: Where the policy and each default come from.
        groups: The category groups of the policy's document
            (``[categories.groups]``), name to member ids in order, as a
            mapping or pairs; kept as pairs sorted by name. The rule holds the members;
            :func:`~lazada_eligibility.policy.dump_policy` writes a
            group's name back wherever a list of categories holds its
            members. Like the title, the groups are not part of the digest:
            naming a list changes no decision.

    Example:
        >>> from lazada_eligibility import Policy
        >>> from lazada_eligibility.rules import any_store, platform_kind
        >>> policy = Policy("demo", "1", any_store(platform_kind("cross-border")))
        >>> len(policy.digest)
        64

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.3.0
       *groups*.
    """

    id: str = attrs.field(validator=_check_text)
    version: str = attrs.field(validator=_check_text)
    rule: Rule[Application] = attrs.field(validator=_check_rule)
    title: str = attrs.field(default="", validator=_check_text)
    source: str = attrs.field(default="", validator=_check_text)
    groups: tuple[tuple[str, tuple[str, ...]], ...] = attrs.field(
        default=(), converter=_as_groups, validator=_check_groups
    )
    _digest: str = attrs.field(init=False, eq=False, hash=False, repr=False)
    _prepared: OrderedDict[tuple[int, ...], PreparedPolicy] = attrs.field(
        init=False, eq=False, hash=False, repr=False, factory=OrderedDict
    )
    _lock: threading.Lock = attrs.field(
        init=False, eq=False, hash=False, repr=False, factory=threading.Lock
    )
    # The last prepared form with the arguments it was asked for, so that a
    # run of calls with the same arguments skips the lookup in _prepared.
    _last: tuple[object, object, object, object, PreparedPolicy] | None = attrs.field(
        init=False, eq=False, hash=False, repr=False, default=None
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_digest", digest_text(self.canonical()))

    def canonical(self) -> str:
        """
        Return the canonical JSON text of what decides: id, version and rule.

        .. versionadded:: 0.1.0
        """
        doc = {"id": self.id, "version": self.version, "rule": self.rule.to_doc()}
        return canonical_json(doc)

    @property
    def digest(self) -> str:
        """
        SHA-256 of :meth:`canonical`: identical across processes and machines.
        """
        return self._digest

    def __getstate__(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "rule": self.rule,
            "title": self.title,
            "source": self.source,
            "groups": self.groups,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def prepare(
        self,
        *,
        platforms: PlatformCatalog | None = None,
        categories: CategoryTaxonomy | None = None,
        rates: ExchangeRates | None = None,
        registry: EvidenceRegistry | None = None,
    ) -> PreparedPolicy:
        """
        Return the policy compiled against these catalogs, rates and registry.

        The last few prepared forms are kept, so calling this for every
        application is cheap.

        Raises:
            PolicyError: The rule names a category the taxonomy lacks.

        .. versionadded:: 0.1.0
        """
        last = self._last
        if (
            last is not None
            and last[0] is platforms
            and last[1] is categories
            and last[2] is rates
            and last[3] is registry
        ):
            return last[4]
        asked = (platforms, categories, rates, registry)
        platforms = DEFAULT_PLATFORMS if platforms is None else platforms
        categories = LAZADA_CATEGORIES if categories is None else categories
        key = (id(platforms), id(categories), id(rates), id(registry))
        cache = self._prepared
        found = cache.get(key)
        if found is None or not found.holds(platforms, categories, rates, registry):
            found = PreparedPolicy(self, Env(platforms, categories, rates, registry))
            with self._lock:
                cache[key] = found
                while len(cache) > _PREPARED_KEEP:
                    cache.popitem(last=False)
        object.__setattr__(self, "_last", (*asked, found))
        return found

    def check(
        self,
        application: Application,
        *,
        as_of: dt.date,
        rates: ExchangeRates | None = None,
        registry: EvidenceRegistry | None = None,
        platforms: PlatformCatalog | None = None,
        categories: CategoryTaxonomy | None = None,
    ) -> Verdict:
        """
        Return only the verdict: the fast path, with no outcome tree.

        .. versionadded:: 0.1.0
        """
        last = self._last  # prepare()'s first test, inlined: this is the hot path
        if (
            last is not None
            and last[2] is rates
            and last[3] is registry
            and last[0] is platforms
            and last[1] is categories
        ):
            return last[4].check(application, as_of=as_of)
        prepared = self.prepare(
            platforms=platforms, categories=categories, rates=rates, registry=registry
        )
        return prepared.check(application, as_of=as_of)

    def evaluate(
        self,
        application: Application,
        *,
        as_of: dt.date,
        rates: ExchangeRates | None = None,
        registry: EvidenceRegistry | None = None,
        platforms: PlatformCatalog | None = None,
        categories: CategoryTaxonomy | None = None,
    ) -> Decision:
        """
        Decide *application* as of *as_of*, with every reason.

        .. versionadded:: 0.1.0
        """
        last = self._last  # prepare()'s first test, inlined: this is the hot path
        if (
            last is not None
            and last[2] is rates
            and last[3] is registry
            and last[0] is platforms
            and last[1] is categories
        ):
            return last[4].evaluate(application, as_of=as_of)
        prepared = self.prepare(
            platforms=platforms, categories=categories, rates=rates, registry=registry
        )
        return prepared.evaluate(application, as_of=as_of)


class PreparedPolicy:
    """
    A policy compiled against one environment; evaluate it as often as you like.

    Preparing writes the rule tree out as straight-line Python (from the
    rule values the factories validated, never from user text) with its
    lookups resolved; :meth:`check` and :meth:`evaluate` then only run it.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility import LAZADA_CROSS_BORDER, Application
        >>> prepared = LAZADA_CROSS_BORDER.prepare()
        >>> prepared.check(Application("Seller Co.", "mobiles", []), as_of=dt.date(2026, 11, 28))
        <Verdict.FAIL: 'fail'>

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_check", "_decision", "_explain", "_program", "_stamper", "env", "policy")

    def __init__(self, policy: Policy, env: Env) -> None:
        from ..decision import Decision  # noqa: PLC0415 -- decision sits above policy

        self._decision = Decision
        self.policy = policy
        self.env = env
        self._program: Program = generate(policy.rule, env)
        self._check = self._program.check
        self._explain = self._program.explain
        self._stamper = Stamper(policy.rule, env)

    def holds(self, *things: object) -> bool:
        """
        Tell whether this was prepared against exactly these objects.
        """
        env = self.env
        mine = (env.platforms, env.categories, env.rates, env.registry)
        return all(a is b for a, b in zip(mine, things, strict=True))

    def check(self, application: Application, *, as_of: dt.date) -> Verdict:
        """
        Return only the verdict for *application* as of *as_of*.

        Always the verdict :meth:`evaluate` gives, found with less work: it
        stops at the first store that passes and builds no outcome.
        """
        if type(application) is not Application:
            _not_application(application)
        if type(as_of) is not dt.date or not _FIRST_DAY <= as_of <= _LAST_DAY:
            as_of = as_date(as_of)
        self.env.check_stores(application)
        require_known_categories(application, self.env.categories)
        return VERDICTS[self._check(application, as_of)]

    def evaluate(self, application: Application, *, as_of: dt.date) -> Decision:
        """
        Decide *application* as of *as_of*, with the whole outcome tree.
        """
        if type(application) is not Application:
            _not_application(application)
        if type(as_of) is not dt.date or not _FIRST_DAY <= as_of <= _LAST_DAY:
            as_of = as_date(as_of)
        self.env.check_stores(application)
        require_known_categories(application, self.env.categories)
        policy = self.policy
        outcome = self._explain(application, as_of)
        return self._decision(
            policy_id=policy.id,
            policy_version=policy.version,
            policy_digest=policy._digest,  # noqa: SLF001 -- the property, one call less
            as_of=as_of,
            outcome=outcome,
            application_id=application.id,
            holders=_holders(self.env, application, outcome),
            relied_on=_relied_on(self.env, application, outcome),
            provenance=self._stamper.stamp(application, outcome),
        )

    def pass_provenance(self, application: Application) -> Provenance | None:
        """
        Return the provenance of an application :meth:`check` found to pass, or ``None``.

        ``None`` when it cannot be told without the outcome tree: then
        :meth:`evaluate` it. Batch summaries use this to keep passing lines
        on the verdict-only path.

        .. versionadded:: 0.2.0
        """
        return self._stamper.stamp_pass(application)


def _holders(env: Env, app: Application, outcome: Outcome) -> tuple[Claim, ...]:
    # Operator-facing only: who holds the records an outcome says are reused.
    # Outcomes never carry the holder, so nothing shown to the seller can.
    registry = env.registry
    if registry is None or not any(o.code == "evidence.reused" for o in outcome.walk()):
        return ()
    found: dict[tuple[str, str], Claim] = {}
    for store in app.stores:
        identity = env.identity_of(store)
        platform = env.platform_of(store.platform)
        if identity is None or platform is None:
            continue
        held = registry.holder(platform.id, identity.store_id)
        if held is not None and not same_holder(held, app):
            found.setdefault((held.platform, held.store_id), held)
    return tuple(found.values())


def _relied_on(env: Env, app: Application, outcome: Outcome) -> tuple[tuple[str, str], ...]:
    if outcome.verdict is not Verdict.PASS:
        return ()
    return tuple([(s.platform, s.store_id) for s in stores_relied_on(outcome, app, env)])


def _not_application(value: object) -> None:
    if not isinstance(value, Application):
        msg = f"expected an Application, got {type(value).__name__} {value!r}"
        raise TypeError(msg)
