"""
What a seller applies with: an application, its stores and their monthly turnover.

The models are frozen values. Their constructors take typed values and check
them; loose input (JSON, CSV rows) goes through the named constructors
``from_dict``, which report every bad field at once with its path, such as
``stores[1].turnover[0].amount``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar, cast

import attrs

from .exceptions import FieldProblem, ValidationError
from .identity import StoreIdentity, store_id_problem
from .limits import MAX_RECORDS_PER_STORE, MAX_STORES, MAX_TEXT_LENGTH
from .money import Money, exact_money, is_currency_code
from .periods import Month
from .platforms import DEFAULT_PLATFORMS

if TYPE_CHECKING:
    from .platforms import Platform

__all__ = ["MARKETS", "Application", "MonthlyTurnover", "Store"]

MARKETS: Final = frozenset({"MY", "SG", "TH", "ID", "PH", "VN"})
"""Lazada's markets: Malaysia, Singapore, Thailand, Indonesia, the Philippines, Vietnam."""

_T = TypeVar("_T")


def _blank(value: object) -> bool:
    return not isinstance(value, str) or not value.strip()


def _text_problem(path: str, value: object, *, optional: bool = False) -> FieldProblem | None:
    if optional and value is None:
        return None
    if _blank(value):
        return FieldProblem(path, f"must not be blank, got {value!r}")
    return _long_problem(path, value)


def _long_problem(path: str, value: object) -> FieldProblem | None:
    if isinstance(value, str) and len(value) > MAX_TEXT_LENGTH:
        return FieldProblem(
            path,
            f"must be at most {MAX_TEXT_LENGTH} characters, got {len(value)}: {value[:20]!r}...",
        )
    return None


def _count_problem(path: str, count: int, limit: int, what: str) -> FieldProblem | None:
    if count > limit:
        return FieldProblem(path, f"at most {limit} {what}, got {count}")
    return None


def _raise(problems: Iterable[FieldProblem | None]) -> None:
    found = [p for p in problems if p is not None]
    if found:
        raise ValidationError(found)


@attrs.frozen
class MonthlyTurnover:
    """
    One month of one store's turnover, optionally in one category.

    Args:
        month: The calendar month.
        amount: The turnover; never negative.
        category: A Lazada category id; ``None`` means the store's category.
            Several records of one month with different categories are a
            breakdown of that month.

    Example:
        >>> from lazada_eligibility import Money, Month, MonthlyTurnover
        >>> MonthlyTurnover(Month(2026, 9), Money("1250.00", "USD"), "mobiles")
        MonthlyTurnover(month=Month(2026, 9), amount=Money('1250.00', 'USD'), category='mobiles')

    .. versionadded:: 0.1.0
    """

    month: Month
    amount: Money
    category: str | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[FieldProblem | None] = []
        if not isinstance(self.month, Month):
            problems.append(FieldProblem("month", f"expected a Month, got {self.month!r}"))
        if not isinstance(self.amount, Money):
            problems.append(FieldProblem("amount", f"expected Money, got {self.amount!r}"))
        elif self.amount.amount < 0:
            problems.append(FieldProblem("amount", f"must not be negative, got {self.amount}"))
        problems.append(_text_problem("category", self.category, optional=True))
        _raise(problems)

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping that :meth:`from_dict` reads back.

        .. versionadded:: 0.1.0
        """
        d: dict[str, Any] = {"month": str(self.month), "amount": self.amount.to_dict()}
        if self.category is not None:
            d["category"] = self.category
        return d

    @classmethod
    def from_dict(cls, data: object) -> MonthlyTurnover:
        """
        Build from a mapping as written by :meth:`to_dict`.

        That is ``{"month": "2026-09", "amount": {"amount": "1250", "currency": "USD"}}``;
        ``amount`` may also be a string with the currency in a ``currency`` key.

        Raises:
            ValidationError: Naming every bad field.

        .. versionadded:: 0.1.0
        """
        r = _Reader(data, required=("month", "amount"), optional=("category", "currency"))
        month = r.get("month", Month.parse)
        raw_amount = r.raw("amount")
        if isinstance(raw_amount, Mapping) or "currency" not in r:
            amount = r.get("amount", Money.from_dict)
            if "currency" in r:
                r.problem("currency", "give the currency inside 'amount', not beside it")
        else:
            currency = r.raw("currency")
            amount = r.get("amount", lambda a: Money.from_dict({"amount": a, "currency": currency}))
        category = r.get("category", _optional_text, None)
        r.done()
        return cls(month, amount, category)


def _optional_text(value: object) -> str | None:
    if value is None:
        return None
    if _blank(value):
        raise ValidationError.single("", f"must be non-blank text, got {value!r}")
    assert isinstance(value, str)  # noqa: S101 -- narrowed by _blank
    return value


def _text(value: object) -> str:
    if _blank(value):
        raise ValidationError.single("", f"must be non-blank text, got {value!r}")
    assert isinstance(value, str)  # noqa: S101 -- narrowed by _blank
    return value


def _id_problem(value: object) -> FieldProblem | None:
    problem = store_id_problem(value)
    return None if problem is None else FieldProblem("store_id", problem)


def _identity(store: Store) -> StoreIdentity | tuple[str, str]:
    # The default catalog's identity; a platform it does not know keeps the
    # text as written (trimmed and case-folded), as the registry cannot claim it.
    found = DEFAULT_PLATFORMS.resolved_identity(store.platform, store.store_id)
    if found is None:
        return (store.platform.strip().casefold(), store.store_id.strip().casefold())
    # Kept for the rules, which name the store by it (see known_identity);
    # by the platform's id, so that a pickled store stays small.
    object.__setattr__(store, "_known", (found[0].id, found[1]))
    return found[1]


def known_identity(store: Store, platform: Platform) -> StoreIdentity | None:
    """
    Return the identity of *store* under *platform* if it is known already, else ``None``.

    An :class:`Application` finds each store's identity under the default
    catalog when it is built; the rules reuse it when they resolve the store
    to the same platform, instead of making the store id canonical again.
    """
    known = store._known  # noqa: SLF001 -- the class's own cache, read beside it
    if known is not None and DEFAULT_PLATFORMS.get(known[0]) is platform:
        return known[1]
    return None


def _store_tuple(value: Iterable[Store]) -> tuple[Store, ...]:
    return tuple(value)


def _turnover_tuple(value: Iterable[MonthlyTurnover]) -> tuple[MonthlyTurnover, ...]:
    return tuple(value)


@attrs.frozen
class Store:
    """
    A store on a platform, with its monthly turnover.

    Args:
        platform: The platform as the seller names it (``"Amazon US"``,
            ``"amazon.de"``, ``"淘宝"``, a store URL); resolved through a
            :class:`~lazada_eligibility.PlatformCatalog` when rules run.
        store_id: The store's id on that platform (a seller id). Control,
            invisible (format), private-use, unassigned and surrogate
            characters are refused, as are ids over 200 characters; the
            platform's own rules apply when it is resolved (see
            :func:`~lazada_eligibility.canonical_store_id`).
        turnover: The monthly records; at most one per month and category.
        name: The store's display name.
        owner: Who owns the records; need not be the applicant.
        category: The store's main Lazada category id: the category of
            records that name none.

    Example:
        >>> from lazada_eligibility import Money, Month, MonthlyTurnover, Store
        >>> store = Store(
        ...     "Amazon US",
        ...     "A1B2C3",
        ...     [MonthlyTurnover(Month(2026, 9), Money("1250", "USD"))],
        ...     category="mobiles",
        ... )
        >>> store.records_in(Month(2026, 9))[0].amount
        Money('1250', 'USD')

    .. versionadded:: 0.1.0
    """

    platform: str
    store_id: str
    turnover: tuple[MonthlyTurnover, ...] = attrs.field(default=(), converter=_turnover_tuple)
    name: str | None = None
    owner: str | None = None
    category: str | None = None
    _by_month: Mapping[Month, tuple[MonthlyTurnover, ...]] = attrs.field(
        init=False, repr=False, eq=False, hash=False, default=None
    )
    # The store's identity under the default catalog, with its platform's
    # id, once an Application has found it (a store id is made canonical once).
    _known: tuple[str, StoreIdentity] | None = attrs.field(
        init=False, repr=False, eq=False, hash=False, default=None
    )
    # Planning's hypothetical stores (input plus assumed months) may exceed it.
    _max_records: ClassVar[int] = MAX_RECORDS_PER_STORE

    def __attrs_post_init__(self) -> None:
        problems: list[FieldProblem | None] = [
            _text_problem("platform", self.platform),
            _id_problem(self.store_id),
            _text_problem("category", self.category, optional=True),
        ]
        for field in ("name", "owner"):
            value = getattr(self, field)
            if value is not None and not isinstance(value, str):
                problems.append(FieldProblem(field, f"must be text or None, got {value!r}"))
            problems.append(_long_problem(field, value))
        # Checked before any record is looked at: the engine's work grows with them.
        too_many = _count_problem(
            "turnover", len(self.turnover), self._max_records, "monthly records"
        )
        if too_many is not None:
            raise ValidationError([p for p in (*problems, too_many) if p is not None])
        by_month: dict[Month, list[MonthlyTurnover]] = {}
        seen: dict[tuple[Month, str | None], int] = {}
        for i, record in enumerate(self.turnover):
            if not isinstance(record, MonthlyTurnover):
                problems.append(
                    FieldProblem(f"turnover[{i}]", f"expected MonthlyTurnover, got {record!r}")
                )
                continue
            key = (record.month, record.category or self.category)
            if key in seen:
                what = f" in category {key[1]!r}" if key[1] else ""
                problems.append(
                    FieldProblem(
                        f"turnover[{i}]",
                        f"a second record for {record.month}{what} "
                        f"(the first is turnover[{seen[key]}])",
                    )
                )
                continue
            seen[key] = i
            by_month.setdefault(record.month, []).append(record)
        _raise(problems)
        object.__setattr__(self, "_by_month", {m: tuple(rs) for m, rs in by_month.items()})

    def records_in(self, month: Month) -> tuple[MonthlyTurnover, ...]:
        """
        Return the records of *month* (several when the month is broken down by category).

        .. versionadded:: 0.1.0
        """
        return self._by_month.get(month, ())

    @property
    def months(self) -> tuple[Month, ...]:
        """
        The months that have records, oldest first.
        """
        return tuple(sorted(self._by_month))

    @property
    def label(self) -> str:
        """
        ``platform/store_id``, as outcomes name the store.
        """
        return f"{self.platform}/{self.store_id}"

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping that :meth:`from_dict` reads back.

        .. versionadded:: 0.1.0
        """
        d: dict[str, Any] = {"platform": self.platform, "store_id": self.store_id}
        for field in ("name", "owner", "category"):
            if (value := getattr(self, field)) is not None:
                d[field] = value
        d["turnover"] = [t.to_dict() for t in self.turnover]
        return d

    @classmethod
    def from_exports(
        cls,
        platform: str,
        store_id: str,
        files: Iterable[Any],
        **options: Any,  # noqa: ANN401 -- passed through to the importers
    ) -> Store:
        """
        Build a store from platform export files in one call.

        A thin front for :func:`lazada_eligibility.importers.store_from_exports`,
        which documents the *files* and *options* it takes.

        .. versionadded:: 0.1.0
        """
        from .importers import store_from_exports  # noqa: PLC0415 -- importers sit above models

        return store_from_exports(platform, store_id, files, **options)

    @classmethod
    def from_dict(cls, data: object) -> Store:
        """
        Build from a mapping as written by :meth:`to_dict`.

        Raises:
            ValidationError: Naming every bad field, with paths such as
                ``turnover[2].month``.

        .. versionadded:: 0.1.0
        """
        r = _Reader(
            data,
            required=("platform", "store_id"),
            optional=("turnover", "name", "owner", "category"),
        )
        platform = r.get("platform", _text)
        store_id = r.get("store_id", _text)
        turnover = r.get_list(
            "turnover", MonthlyTurnover.from_dict, MAX_RECORDS_PER_STORE, "monthly records"
        )
        name = r.get("name", _optional_text, None)
        owner = r.get("owner", _optional_text, None)
        category = r.get("category", _optional_text, None)
        r.done()
        return cls(platform, store_id, turnover, name=name, owner=owner, category=category)


def _market(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.strip().upper() not in MARKETS:
        raise ValidationError.single(
            "market",
            f"must be one of {', '.join(sorted(MARKETS))} or None, got {value!r}",
        )
    return value.strip().upper()


@attrs.frozen
class Application:
    """
    What a seller applies with.

    Args:
        applicant: Who applies (a company or person id).
        category: The Lazada category id applied for.
        stores: The stores whose records support the application; one store
            (one :class:`~lazada_eligibility.StoreIdentity` under the default
            catalog) at most once, however it is written.
        id: The application's own id, when it has one.
        market: One of ``MY SG TH ID PH VN``, or ``None``.

    Example:
        >>> from lazada_eligibility import Application
        >>> app = Application("Shenzhen Example Co.", "mobiles", [], market="ph")
        >>> app.market
        'PH'

    .. versionadded:: 0.1.0
    """

    applicant: str
    category: str
    stores: tuple[Store, ...] = attrs.field(converter=_store_tuple)
    id: str | None = None
    market: str | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        problems: list[FieldProblem | None] = [
            _text_problem("applicant", self.applicant),
            _text_problem("category", self.category),
            _text_problem("id", self.id, optional=True),
        ]
        try:
            object.__setattr__(self, "market", _market(self.market))
        except ValidationError as e:
            problems.extend(e.problems)
        too_many = _count_problem("stores", len(self.stores), MAX_STORES, "stores")
        if too_many is not None:
            raise ValidationError([p for p in (*problems, too_many) if p is not None])
        seen: dict[StoreIdentity | tuple[str, str], int] = {}
        for i, store in enumerate(self.stores):
            if not isinstance(store, Store):
                problems.append(FieldProblem(f"stores[{i}]", f"expected Store, got {store!r}"))
                continue
            try:
                key = _identity(store)
            except ValidationError as e:
                problems.extend(e.prefixed(f"stores[{i}]").problems)
                continue
            if key in seen:
                problems.append(
                    FieldProblem(
                        f"stores[{i}]",
                        f"the store {store.label!r} is listed twice: it is the store of "
                        f"stores[{seen[key]}] (one account, however written)",
                    )
                )
            seen.setdefault(key, i)
        _raise(problems)

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping that :meth:`from_dict` reads back.

        .. versionadded:: 0.1.0
        """
        d: dict[str, Any] = {}
        if self.id is not None:
            d["id"] = self.id
        d["applicant"] = self.applicant
        d["category"] = self.category
        if self.market is not None:
            d["market"] = self.market
        d["stores"] = [s.to_dict() for s in self.stores]
        return d

    @classmethod
    def from_dict(cls, data: object) -> Application:
        r"""
        Build from a mapping as written by :meth:`to_dict` (a parsed JSON document).

        Raises:
            ValidationError: Naming every bad field, with paths such as
                ``stores[1].turnover[0].amount``.

        Example:
            >>> from lazada_eligibility import Application, ValidationError
            >>> store = {
            ...     "platform": "ebay.com",
            ...     "store_id": "x",
            ...     "turnover": [{"month": "2026-13", "amount": "5", "currency": "USD"}],
            ... }
            >>> try:
            ...     Application.from_dict({"applicant": " ", "category": "c", "stores": [store]})
            ... except ValidationError as e:
            ...     print(*e.problems, sep="\n")
            applicant: must be non-blank text, got ' '
            stores[0].turnover[0].month: expected a month such as '2026-09', ...

        .. versionadded:: 0.1.0
        """
        try:
            return _fast_application(data)
        except _NotCanonical:
            return cls._read(data)

    @classmethod
    def _read(cls, data: object) -> Application:
        # The thorough path: every problem, with its path.
        r = _Reader(
            data,
            required=("applicant", "category", "stores"),
            optional=("id", "market"),
        )
        applicant = r.get("applicant", _text)
        category = r.get("category", _text)
        stores = r.get_list("stores", Store.from_dict, MAX_STORES, "stores")
        app_id = r.get("id", _optional_text, None)
        market = r.get("market", _market, None)
        r.done()
        return cls(applicant, category, stores, id=app_id, market=market)


class _NotCanonical(Exception):  # noqa: N818 -- a signal, not an error
    """
    The input is not in the canonical shape: take the thorough path.
    """


_APPLICATION_KEYS: Final = frozenset({"applicant", "category", "stores", "id", "market"})
_STORE_KEYS: Final = frozenset({"platform", "store_id", "turnover", "name", "owner", "category"})
_TURNOVER_KEYS: Final = frozenset({"month", "amount", "category"})
_MONEY_KEYS: Final = frozenset({"amount", "currency"})
_EXPECTED: Final = (ValidationError, TypeError, ValueError, KeyError, AttributeError)


def _fast_application(data: object) -> Application:
    # Batch runs read millions of well-formed documents in exactly the form
    # to_dict() writes. Build those directly; anything unusual, and every
    # error, goes to the thorough path, which reports all problems with paths.
    # This path must never accept what the thorough path would refuse.
    try:
        if type(data) is not dict or not data.keys() <= _APPLICATION_KEYS:
            raise _NotCanonical
        stores = data["stores"]
        if type(stores) is not list or len(stores) > MAX_STORES:
            raise _NotCanonical
        return Application(
            data["applicant"],
            data["category"],
            [_fast_store(s) for s in stores],
            id=data.get("id"),
            market=data.get("market"),
        )
    except _EXPECTED:
        raise _NotCanonical from None


def _fast_store(data: object) -> Store:
    if type(data) is not dict or not data.keys() <= _STORE_KEYS:
        raise _NotCanonical
    name, owner = data.get("name"), data.get("owner")
    if (name is not None and _blank(name)) or (owner is not None and _blank(owner)):
        raise _NotCanonical
    records = data.get("turnover", [])
    if type(records) is not list or len(records) > MAX_RECORDS_PER_STORE:
        raise _NotCanonical
    return Store(
        data["platform"],
        data["store_id"],
        [_fast_turnover(r) for r in records],
        name=name,
        owner=owner,
        category=data.get("category"),
    )


def _fast_turnover(data: object) -> MonthlyTurnover:
    if type(data) is not dict or not data.keys() <= _TURNOVER_KEYS:
        raise _NotCanonical
    amount = data["amount"]
    if type(amount) is not dict or amount.keys() != _MONEY_KEYS:
        raise _NotCanonical
    month = data["month"]
    if type(month) is not str:
        raise _NotCanonical
    value, currency, category = amount["amount"], amount["currency"], data.get("category")
    if (
        type(value) is str
        and _PLAIN_AMOUNT.fullmatch(value)
        and is_currency_code(currency)
        and (category is None or _text_problem("category", category) is None)
    ):
        # What the constructors would check, checked once: a plain amount
        # (digits, at most 15 before the point and 6 after) is finite, in
        # bounds and not negative, and the code is a known one as written.
        record: MonthlyTurnover = object.__new__(MonthlyTurnover)
        object.__setattr__(record, "month", _month(month))
        object.__setattr__(record, "amount", exact_money(Decimal(value), currency))
        object.__setattr__(record, "category", category)
        return record
    return MonthlyTurnover(Month.parse(month), Money(value, currency), category)


# An amount as to_dict() writes it, which the constructors always accept
# (ASCII digits only: str.isdigit and \d also take other scripts' digits).
_PLAIN_AMOUNT: Final = re.compile(r"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,6})?")

# Documents repeat a few month strings: each is parsed once (a bounded cache).
_MONTHS: dict[str, Month] = {}
_MONTHS_KEPT: Final = 4096


def _month(text: str) -> Month:
    found = _MONTHS.get(text)
    if found is None:
        found = Month.parse(text)
        if len(_MONTHS) < _MONTHS_KEPT:
            _MONTHS[text] = found
    return found


class _Reader:
    """
    Reads a mapping field by field, collecting every problem before raising.
    """

    def __init__(self, data: object, *, required: Sequence[str], optional: Sequence[str]) -> None:
        self.problems: list[FieldProblem] = []
        if not isinstance(data, Mapping):
            raise ValidationError.single("", f"expected a mapping, got {data!r}")
        self.data = data
        self.problems.extend(FieldProblem(k, "is required") for k in required if k not in data)
        known = {*required, *optional}
        self.problems.extend(FieldProblem(str(k), "unexpected key") for k in data if k not in known)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str) -> object:
        return self.data.get(key)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(FieldProblem(path, message))

    def get(self, key: str, convert: Callable[[Any], _T], default: _T | None = None) -> _T:
        # After a problem the value returned is only a placeholder: done()
        # raises before any caller can use it.
        if key not in self.data:
            return cast("_T", default)
        try:
            return convert(self.data[key])
        except ValidationError as e:
            self.problems.extend(
                FieldProblem(key if p.path in ("", key) else _sub(key, p.path), p.message)
                for p in e.problems
            )
        except TypeError as e:
            self.problems.append(FieldProblem(key, str(e)))
        return cast("_T", default)

    def get_list(self, key: str, convert: Callable[[Any], _T], limit: int, what: str) -> list[_T]:
        value = self.data.get(key, [])
        if not isinstance(value, list | tuple):
            self.problems.append(FieldProblem(key, f"expected a list, got {value!r}"))
            return []
        if len(value) > limit:
            # Refused before converting a single item: a document of a
            # million records costs nothing to turn away.
            self.problems.append(FieldProblem(key, f"at most {limit} {what}, got {len(value)}"))
            return []
        result = []
        for i, item in enumerate(value):
            try:
                result.append(convert(item))
            except ValidationError as e:
                self.problems.extend(e.prefixed(f"{key}[{i}]").problems)
        return result

    def done(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)


def _sub(key: str, path: str) -> str:
    # Money.from_dict reports "amount"/"currency"; keep them under the key read.
    return f"{key}.{path}"
