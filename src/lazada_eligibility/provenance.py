"""
Provenance: what decided a decision, recorded so that anyone can replay it.

Every :class:`~lazada_eligibility.Decision` made by the engine carries a
:class:`Provenance`: the digests of the platform catalog and the category
taxonomy it was decided with, the exchange rates it looked up (which, and
their values), the registry state it read (which of the application's own
stores it saw claimed by another application; never the holder) and the
library version. With the policy digest the decision already has, that is
everything that decided it: :func:`lazada_eligibility.replay.replay` decides
the application again and names the input that changed.

Digests are SHA-256 of canonical JSON of the content, as a policy's
:attr:`~lazada_eligibility.Policy.digest` is: equal in every process and on
every machine. A catalog's digest is computed once per catalog object.

Example:
    >>> import datetime as dt
    >>> from lazada_eligibility import DEFAULT_PLATFORMS, Application, Store, evaluate
    >>> from lazada_eligibility.provenance import content_digest
    >>> decision = evaluate(
    ...     Application("Seller Co.", "home-living", [Store("Taobao", "shop-1")]),
    ...     as_of=dt.date(2026, 11, 28),
    ... )
    >>> provenance = decision.provenance
    >>> provenance.platforms == content_digest(DEFAULT_PLATFORMS)
    True
    >>> provenance.rates, provenance.registry
    ((), None)

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, Final

import attrs

from ._digest import DIGEST, digest_of
from .exceptions import ValidationError
from .periods import Month
from .rules._core import AllOf
from .rules._leaves import EvidenceNotReused, MinTurnover
from .subjects import MonthRef, StoreRef

if TYPE_CHECKING:
    from .models import Application
    from .rules import Outcome, Rule
    from .rules._core import Env

__all__ = [
    "INPUTS",
    "LIBRARY_VERSION",
    "Provenance",
    "RateUsed",
    "content_digest",
]

LIBRARY_VERSION: Final = version("lazada-eligibility")
"""The version of this library, as decisions record it."""

INPUTS: Final = ("policy", "platforms", "categories", "rates", "registry", "library")
"""The inputs that decide a decision, in the order replay reports them."""

_KEEP: Final = 32
_digests: OrderedDict[int, tuple[object, str]] = OrderedDict()
_digests_lock = threading.Lock()


def content_digest(catalog: Any) -> str:  # noqa: ANN401 -- anything with to_dict()
    """
    Return the SHA-256 of the canonical JSON of ``catalog.to_dict()``, computed once per object.

    For a :class:`~lazada_eligibility.PlatformCatalog`, a
    :class:`~lazada_eligibility.CategoryTaxonomy` or a
    :class:`~lazada_eligibility.CategoryMap`: equal content, equal digest,
    in every process. The last few objects' digests are kept (the objects
    are immutable), so a batch run hashes each catalog once.

    Example:
        >>> from lazada_eligibility import LAZADA_CATEGORIES
        >>> from lazada_eligibility.provenance import content_digest
        >>> len(content_digest(LAZADA_CATEGORIES))
        64

    .. versionadded:: 0.2.0
    """
    key = id(catalog)
    found = _digests.get(key)
    if found is not None and found[0] is catalog:
        return found[1]
    digest = digest_of(catalog.to_dict())
    with _digests_lock:
        # The object is kept with its digest, so its id cannot be reused meanwhile.
        _digests[key] = (catalog, digest)
        while len(_digests) > _KEEP:
            _digests.popitem(last=False)
    return digest


@attrs.frozen(kw_only=True, order=True)
class RateUsed:
    """
    One exchange rate a decision looked up: *currency* to *target* in *month*.

    Args:
        month: The month of the turnover converted.
        currency: The turnover's currency.
        target: The minimum's currency.
        rate: What the rates gave; ``None`` when they had no rate.

    Example:
        >>> from decimal import Decimal
        >>> from lazada_eligibility import Month
        >>> from lazada_eligibility.provenance import RateUsed
        >>> used = RateUsed(
        ...     month=Month(2026, 8), currency="EUR", target="USD", rate=Decimal("1.08")
        ... )
        >>> used.to_dict()
        {'currency': 'EUR', 'target': 'USD', 'month': '2026-08', 'rate': '1.08'}

    .. versionadded:: 0.2.0
    """

    month: Month
    currency: str
    target: str
    rate: Decimal | None = attrs.field(order=False)

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping; the rate as a string, or ``None``.
        """
        return {
            "currency": self.currency,
            "target": self.target,
            "month": str(self.month),
            "rate": None if self.rate is None else str(self.rate),
        }

    @classmethod
    def from_dict(cls, data: object) -> RateUsed:
        """
        Read back a mapping written by :meth:`to_dict`.

        Raises:
            ValidationError: Naming the bad key.
        """
        if not isinstance(data, Mapping):
            raise ValidationError.single("", f"expected an object, got {_short(data)}")
        currency = _text(data, "currency")
        target = _text(data, "target")
        month_text = _text(data, "month")
        try:
            month = Month.parse(month_text)
        except (ValidationError, ValueError):
            raise ValidationError.single("month", f"not a month: {_short(month_text)}") from None
        raw = data.get("rate")
        rate = None
        if raw is not None:
            if not isinstance(raw, str):
                raise ValidationError.single(
                    "rate", f"expected a string or null, got {_short(raw)}"
                )
            try:
                rate = Decimal(raw)
            except ArithmeticError:
                raise ValidationError.single("rate", f"not a number: {_short(raw)}") from None
            if not rate.is_finite():
                raise ValidationError.single("rate", f"not a finite number: {_short(raw)}")
        return cls(month=month, currency=currency, target=target, rate=rate)


def _sorted_rates(value: Iterable[RateUsed]) -> tuple[RateUsed, ...]:
    return tuple(sorted(value))


def _sorted_stores(
    value: Iterable[tuple[str, str]] | None,
) -> tuple[tuple[str, str], ...] | None:
    if value is None:
        return None
    return tuple(sorted({(p, s) for p, s in value}))


def rates_digest(rates: tuple[RateUsed, ...]) -> str:
    """
    Return the digest of the rates a decision used (of their keys and values).
    """
    if not rates:
        return _NO_RATES  # most decisions convert nothing: hash that once
    return digest_of([r.to_dict() for r in rates])


_NO_RATES: Final = digest_of([])


@attrs.frozen(kw_only=True)
class Provenance:
    """
    What decided a decision, besides its policy and its application.

    Args:
        platforms: The digest of the platform catalog (:func:`content_digest`).
        categories: The digest of the category taxonomy.
        rates: The exchange rates the decision looked up, sorted: for each
            month the decision summed, each record of the stores summed
            whose currency is not the minimum's, with the rate found
            (``None``: none was). Empty when nothing needed converting.
        registry: The application's stores, as ``(platform, store_id)``
            written as in the application, that the evidence registry held
            for another application; ``()`` when it held none of them;
            ``None`` when no registry was read. Who holds them is never
            recorded.
        library: The version of this library.

    Example:
        >>> from lazada_eligibility.provenance import Provenance
        >>> p = Provenance(platforms="0" * 64, categories="1" * 64, rates=(), registry=())
        >>> Provenance.from_dict(p.to_dict()) == p
        True
        >>> sorted(p.summary())
        ['categories', 'library', 'platforms', 'rates', 'registry']

    .. versionadded:: 0.2.0
    """

    platforms: str = attrs.field(validator=attrs.validators.matches_re(DIGEST))
    categories: str = attrs.field(validator=attrs.validators.matches_re(DIGEST))
    rates: tuple[RateUsed, ...] = attrs.field(default=(), converter=_sorted_rates)
    registry: tuple[tuple[str, str], ...] | None = attrs.field(
        default=None, converter=_sorted_stores
    )
    library: str = LIBRARY_VERSION

    @property
    def rates_digest(self) -> str:
        """
        The digest of ``rates``: which rates were used and their values.
        """
        return rates_digest(self.rates)

    def _claimed(self) -> list[dict[str, str]] | None:
        if self.registry is None:
            return None
        return [{"platform": p, "store_id": s} for p, s in self.registry]

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping, as a decision writes it.

        Example:
            >>> from lazada_eligibility.provenance import Provenance
            >>> p = Provenance(platforms="0" * 64, categories="1" * 64, library="1.0")
            >>> p.to_dict()["rates"]["used"], p.to_dict()["registry"]
            ([], None)
        """
        return {
            "platforms": self.platforms,
            "categories": self.categories,
            "rates": {"digest": self.rates_digest, "used": [r.to_dict() for r in self.rates]},
            "registry": None if self.registry is None else {"claimed": self._claimed()},
            "library": self.library,
        }

    def summary(self) -> dict[str, Any]:
        """
        Return the compact form that ``batch --detail summary`` lines carry.

        The rates are their digest only; the claimed stores are kept, so a
        summary line can be replayed without the registry.
        """
        return {
            "platforms": self.platforms,
            "categories": self.categories,
            "rates": self.rates_digest,
            "registry": self._claimed(),
            "library": self.library,
        }

    def fingerprints(self) -> dict[str, object]:
        """
        Return each input's fingerprint, keyed as :data:`INPUTS` (but ``policy``), to compare.
        """
        return {
            "platforms": self.platforms,
            "categories": self.categories,
            "rates": self.rates_digest,
            "registry": self.registry,
            "library": self.library,
        }

    @classmethod
    def from_dict(cls, data: object) -> Provenance:
        """
        Read back a mapping written by :meth:`to_dict`.

        Raises:
            ValidationError: Naming the bad key by its path, such as
                ``rates.used[0].month``; a rates digest that does not match
                the rates listed is refused as tampered.
        """
        if not isinstance(data, Mapping):
            raise ValidationError.single("", f"expected an object, got {_short(data)}")
        _no_others(data, {"platforms", "categories", "rates", "registry", "library"})
        raw_rates = data.get("rates")
        if not isinstance(raw_rates, Mapping):
            raise ValidationError.single("rates", f"expected an object, got {_short(raw_rates)}")
        used = raw_rates.get("used")
        if not isinstance(used, list):
            raise ValidationError.single("rates.used", f"expected a list, got {_short(used)}")
        rates = []
        for i, item in enumerate(used):
            try:
                rates.append(RateUsed.from_dict(item))
            except ValidationError as e:
                raise e.prefixed(f"rates.used[{i}]") from None
        found = cls(
            platforms=_digest(data, "platforms"),
            categories=_digest(data, "categories"),
            rates=rates,
            registry=_registry(data.get("registry", ...), wrapped=True),
            library=_text(data, "library"),
        )
        written = _digest(raw_rates, "digest", "rates.digest")
        if written != found.rates_digest:
            msg = (
                f"{written[:12]}... does not match the rates listed ({found.rates_digest[:12]}...)"
            )
            raise ValidationError.single("rates.digest", msg)
        return found


def summary_fingerprints(data: object) -> dict[str, object]:
    """
    Read the compact provenance of a summary line (:meth:`Provenance.summary`) as fingerprints.

    Raises:
        ValidationError: Naming the bad key.
    """
    if not isinstance(data, Mapping):
        raise ValidationError.single("", f"expected an object, got {_short(data)}")
    _no_others(data, {"platforms", "categories", "rates", "registry", "library"})
    return {
        "platforms": _digest(data, "platforms"),
        "categories": _digest(data, "categories"),
        "rates": _digest(data, "rates"),
        "registry": _registry(data.get("registry", ...), wrapped=False),
        "library": _text(data, "library"),
    }


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text)} characters)"


def _no_others(data: Mapping[Any, Any], keys: set[str]) -> None:
    for key in data:
        if key not in keys:
            raise ValidationError.single(str(key)[:80], "not a key of a provenance")


def _text(data: Mapping[str, Any], key: str) -> str:
    if key not in data:
        raise ValidationError.single(key, "missing")
    value = data[key]
    if not isinstance(value, str) or not value:
        raise ValidationError.single(key, f"expected non-empty text, got {_short(value)}")
    return value


def _digest(data: Mapping[str, Any], key: str, path: str | None = None) -> str:
    if key not in data:
        raise ValidationError.single(path or key, "missing")
    value = data[key]
    if not isinstance(value, str) or DIGEST.fullmatch(value) is None:
        msg = f"expected a SHA-256 digest (64 lowercase hex digits), got {_short(value)}"
        raise ValidationError.single(path or key, msg)
    return value


def _registry(value: object, *, wrapped: bool) -> tuple[tuple[str, str], ...] | None:
    if value is ...:
        raise ValidationError.single("registry", "missing")
    if value is None:
        return None
    path = "registry"
    if wrapped:
        if not isinstance(value, Mapping) or set(value) != {"claimed"}:
            msg = f"expected null or an object with 'claimed', got {_short(value)}"
            raise ValidationError.single(path, msg)
        value = value["claimed"]
        path = "registry.claimed"
    if not isinstance(value, list):
        raise ValidationError.single(path, f"expected a list, got {_short(value)}")
    found = []
    for i, item in enumerate(value):
        if not isinstance(item, Mapping) or set(item) != {"platform", "store_id"}:
            msg = f"expected an object with platform and store_id, got {_short(item)}"
            raise ValidationError.single(f"{path}[{i}]", msg)
        platform, store_id = item["platform"], item["store_id"]
        if not isinstance(platform, str) or not isinstance(store_id, str):
            msg = f"expected text platform and store_id, got {_short(item)}"
            raise ValidationError.single(f"{path}[{i}]", msg)
        found.append((platform, store_id))
    return tuple(found)


def _contains(rule: Rule[Any], kind: type) -> bool:
    return isinstance(rule, kind) or any(_contains(c, kind) for c in rule.children())


def _evidence_must_pass(rule: Rule[Any]) -> bool:
    # True when every evidence rule sits below "all" nodes only: then a
    # decision that passes saw none of the application's stores claimed.
    if isinstance(rule, EvidenceNotReused):
        return True
    if isinstance(rule, AllOf):
        return all(_evidence_must_pass(c) for c in rule.children())
    return not _contains(rule, EvidenceNotReused)


def _minimum_currencies(rule: Rule[Any]) -> frozenset[str]:
    found = {rule.minimum.currency} if isinstance(rule, MinTurnover) else set()
    for child in rule.children():
        found |= _minimum_currencies(child)
    return frozenset(found)


class Stamper:
    """
    Makes the provenance of the decisions of one prepared policy (internal).

    The catalogs' digests are computed on first use, once per catalog object.
    """

    __slots__ = (
        "_base",
        "_currency",
        "_env",
        "_evidence_safe",
        "_needs_rates",
        "_passed",
        "_plain",
    )

    def __init__(self, rule: Rule[Any], env: Env) -> None:
        self._env = env
        currencies = _minimum_currencies(rule)
        self._currency = next(iter(currencies)) if len(currencies) == 1 else None
        self._needs_rates = bool(currencies)
        self._evidence_safe = _evidence_must_pass(rule)
        self._base: tuple[str, str] | None = None
        self._passed: Provenance | None = None
        self._plain: Provenance | None = None

    def _digests(self) -> tuple[str, str]:
        base = self._base
        if base is None:
            env = self._env
            base = self._base = (content_digest(env.platforms), content_digest(env.categories))
        return base

    def stamp(self, application: Application, outcome: Outcome) -> Provenance:
        """
        Return the provenance of the decision on *application* with outcome tree *outcome*.
        """
        platforms, categories = self._digests()
        # The tree is walked only when it can tell something: records in
        # another currency than the policy's one minimum currency (the
        # usual application has none), or a registry that was read.
        walked: list[Outcome] | None = None
        registry = None
        if self._env.registry is not None:
            walked = outcome.walk()
            registry = tuple(
                (o.subject.platform, o.subject.store_id)
                for o in walked
                if o.code == "evidence.reused" and isinstance(o.subject, StoreRef)
            )
        rates: tuple[RateUsed, ...] = ()
        if self._needs_rates and not self._in_one_currency(application):
            rates = self._rates(application, outcome.walk() if walked is None else walked)
        if not rates and registry is None:
            # The usual decision: one value serves them all (it is frozen).
            plain = self._plain
            if plain is None:
                plain = self._plain = Provenance(platforms=platforms, categories=categories)
            return plain
        return Provenance(
            platforms=platforms,
            categories=categories,
            rates=rates,
            registry=registry,
        )

    def _in_one_currency(self, application: Application) -> bool:
        # Every record in the policy's one minimum currency: no rate is used.
        currency = self._currency
        for store in application.stores:
            for record in store.turnover:
                if record.amount.currency != currency:
                    return False
        return True

    def stamp_pass(self, application: Application) -> Provenance | None:
        """
        Return the provenance of a decision known to pass, without its outcome tree, or ``None``.

        ``None`` when it cannot be told without the tree (records in another
        currency than the policy's one minimum currency, or a registry read
        by an evidence rule that a pass does not have to pass): then the
        caller builds the tree and calls :meth:`stamp`.
        """
        registry: tuple[tuple[str, str], ...] | None = None
        if self._env.registry is not None:
            if not self._evidence_safe:
                return None
            registry = ()
        if self._needs_rates and not self._in_one_currency(application):
            return None
        found = self._passed
        if found is None:
            # Every pass told without the tree has this one provenance: make it once.
            platforms, categories = self._digests()
            found = Provenance(platforms=platforms, categories=categories, registry=registry)
            self._passed = found
        return found

    def _rates(self, application: Application, walked: list[Outcome]) -> tuple[RateUsed, ...]:
        found: dict[tuple[str, str, Month], Decimal | None] = {}
        rates = self._env.rates
        stores = None
        for o in walked:
            subject = o.subject
            if o.rule != "min_turnover" or not isinstance(subject, MonthRef):
                continue
            minimum = o.facts.get("minimum")
            target = getattr(minimum, "currency", None)
            if target is None:
                continue
            if stores is None:
                stores = {(s.platform, s.store_id): s for s in application.stores}
            month = subject.month
            for ref in subject.stores:
                store = stores.get((ref.platform, ref.store_id))
                if store is None:
                    continue
                for record in store.records_in(month):
                    currency = record.amount.currency
                    key = (currency, target, month)
                    if currency == target or key in found:
                        continue
                    found[key] = None if rates is None else rates.rate(currency, target, month)
        return tuple(
            RateUsed(month=m, currency=c, target=t, rate=r) for (c, t, m), r in found.items()
        )
