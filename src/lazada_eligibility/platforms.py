"""
Where turnover was earned: the catalog of selling platforms.

By default only turnover from cross-border platforms counts, so every store
names a platform and the catalog turns what sellers write (``Amazon US``,
``亚马逊德国站``, ``https://www.amazon.de/shops/X``) into one :class:`Platform`
with a :class:`PlatformKind`. Text the catalog does not know resolves to
``None``: the rules then send the store to review instead of guessing.

Example:
    >>> from lazada_eligibility import DEFAULT_PLATFORMS
    >>> DEFAULT_PLATFORMS.resolve("亚马逊德国站").name
    'Amazon Germany'
    >>> str(DEFAULT_PLATFORMS.resolve("https://www.amazon.de/shops/X").kind)
    'cross-border'
    >>> str(DEFAULT_PLATFORMS.resolve("淘宝").kind)
    'domestic'
    >>> DEFAULT_PLATFORMS.resolve("Lazada") is None
    True
"""

from __future__ import annotations

import enum
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import attrs

from lazada_eligibility.exceptions import FieldProblem, ValidationError
from lazada_eligibility.identity import StoreIdentity, canonical_store_id, seller_url_problem

__all__ = ["DEFAULT_PLATFORMS", "Platform", "PlatformCatalog", "PlatformKind"]

_ID: Final = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?")
_HOST: Final = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]")
_PORT: Final = re.compile(r":\d*$")
_NOT_WORD: Final = re.compile(r"[\W_]+")
_CACHE_SIZE: Final = 4096
_FORMAT_VERSION: Final = 1


class PlatformKind(enum.Enum):
    """
    Whether a platform's turnover is cross-border (counts) or domestic.

    Example:
        >>> from lazada_eligibility import PlatformKind
        >>> str(PlatformKind.CROSS_BORDER)
        'cross-border'

    .. versionadded:: 0.1.0
    """

    CROSS_BORDER = "cross-border"
    DOMESTIC = "domestic"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, text: object) -> PlatformKind:
        """
        Read a kind, ignoring case, spaces and ``_`` versus ``-``.

        Raises:
            ValidationError: *text* names no kind; the problem's path is ``kind``.

        Example:
            >>> from lazada_eligibility import PlatformKind
            >>> PlatformKind.parse(" Cross_Border ")
            <PlatformKind.CROSS_BORDER: 'cross-border'>

        .. versionadded:: 0.1.0
        """
        if isinstance(text, PlatformKind):
            return text
        if isinstance(text, str):
            folded = re.sub(r"[\s_-]+", "-", text.strip().casefold())
            for kind in cls:
                if kind.value == folded:
                    return kind
        raise ValidationError.single("kind", f"expected 'cross-border' or 'domestic', got {text!r}")


@attrs.frozen(kw_only=True)
class Platform:
    """
    A place where a seller sells, such as one Amazon marketplace.

    Args:
        id: Stable lowercase id; a marketplace's domain where it has one
            (``amazon.de``, ``ebay.co.uk``).
        name: Display name, such as ``Amazon Germany``.
        kind: Whether its turnover is cross-border.
        family: The platform group that shares category maps and store id
            rules, such as ``amazon``.
        aliases: Other names sellers use, in any language.
        domains: Host names; their subdomains belong to the platform too.
        source: Where the classification comes from, or that it is a judgment.
        store_id_case_sensitive: Whether ``ABC`` and ``abc`` are two stores.
        namespace: The account namespace its store ids live in; platforms
            that share one (every eBay site) share their sellers' accounts,
            so one id on two of them is one store. Default: the platform's id.
        namespace_source: Where the namespace comes from, or that it is a judgment.
        store_id_pattern: A regular expression the whole case-folded store
            id must match (the platform's known character set); empty for any.
        seller_urls: How a seller page URL names the store id:
            ``query:NAME`` (a query parameter) or ``path:/PREFIX/{id}``.

    Raises:
        ValidationError: Every bad field, by name.

    Example:
        >>> from lazada_eligibility import Platform, PlatformKind
        >>> shop = Platform(
        ...     id="myshop", name="My Shop", kind=PlatformKind.DOMESTIC, family="myshop"
        ... )
        >>> shop.normalize_store_id("  Store-42 ")
        'store-42'

    .. versionadded:: 0.1.0
    """

    id: str
    name: str
    kind: PlatformKind
    family: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    source: str = ""
    store_id_case_sensitive: bool = False
    namespace: str = attrs.field(default=attrs.Factory(lambda self: self.id, takes_self=True))
    namespace_source: str = ""
    store_id_pattern: str = ""
    seller_urls: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        values = attrs.asdict(self, recurse=False)
        if values["namespace"] == values["id"]:
            del values["namespace"]  # the default; a bad id is reported once
        problems = _field_problems(values)
        if problems:
            raise ValidationError(problems)

    def identity(self, store_id: str) -> StoreIdentity:
        """
        Return the identity of the store with this id on this platform.

        Raises:
            ValidationError: The id is refused (see
                :func:`~lazada_eligibility.canonical_store_id`); the
                problem's path is ``store_id``.

        Example:
            >>> from lazada_eligibility import DEFAULT_PLATFORMS
            >>> DEFAULT_PLATFORMS.get("amazon.de").identity("A2X9K4PLMN7Q")
            StoreIdentity(namespace='amazon', store_id='a2x9k4plmn7q')

        .. versionadded:: 0.2.0
        """
        return StoreIdentity(self.namespace, self.normalize_store_id(store_id))

    def normalize_store_id(self, store_id: str) -> str:
        """
        Return the canonical form of a store id on this platform.

        The id is NFKC-normalised and trimmed, case-folded unless the
        platform's store ids are case sensitive, reduced from a seller page
        URL, checked against the platform's character set and folded to a
        look-alike skeleton: see :func:`~lazada_eligibility.canonical_store_id`.

        Raises:
            ValidationError: The id is refused; the problem's path is ``store_id``.

        .. versionchanged:: 0.2.0
           Invisible and control characters, spaces inside, URLs that name
           no id and characters outside the platform's set are refused.

        Example:
            >>> from lazada_eligibility import DEFAULT_PLATFORMS
            >>> DEFAULT_PLATFORMS.get("amazon.com").normalize_store_id(" A1B2C3 ")
            'a1b2c3'

        .. versionadded:: 0.1.0
        """
        return canonical_store_id(
            store_id,
            case_sensitive=self.store_id_case_sensitive,
            pattern=self.store_id_pattern,
            seller_urls=self.seller_urls,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Platform:
        """
        Build a platform from one JSON entry of a catalog file.

        Raises:
            ValidationError: Every bad or missing field, by name.

        Example:
            >>> from lazada_eligibility import Platform
            >>> Platform.from_dict(
            ...     {"id": "x.com", "name": "X", "kind": "Domestic", "family": "x"}
            ... ).kind
            <PlatformKind.DOMESTIC: 'domestic'>

        .. versionadded:: 0.1.0
        """
        if not isinstance(data, Mapping):
            raise ValidationError.single("", f"expected an object, got {data!r}")
        problems: list[FieldProblem] = []
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name not in _CHECKS:
                problems.append(FieldProblem(str(name), "unknown field"))
            elif name == "kind":
                try:
                    values[name] = PlatformKind.parse(value)
                except ValidationError as e:
                    problems.extend(e.problems)
            elif name in _LISTS and not isinstance(value, list):
                problems.append(FieldProblem(name, f"expected a list of strings, got {value!r}"))
            else:
                values[name] = tuple(value) if isinstance(value, list) else value
                problems += _field_problems({name: values[name]})
        problems += [FieldProblem(name, "is required") for name in _REQUIRED if name not in data]
        if problems:
            raise ValidationError(problems)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """
        Return the JSON-ready form that :meth:`from_dict` reads.

        Example:
            >>> from lazada_eligibility import DEFAULT_PLATFORMS
            >>> DEFAULT_PLATFORMS.get("taobao.com").to_dict()["kind"]
            'domestic'

        .. versionadded:: 0.1.0
        """
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "family": self.family,
            "aliases": list(self.aliases),
            "domains": list(self.domains),
            "source": self.source,
            "store_id_case_sensitive": self.store_id_case_sensitive,
            "namespace": self.namespace,
            "namespace_source": self.namespace_source,
            "store_id_pattern": self.store_id_pattern,
            "seller_urls": list(self.seller_urls),
        }


def _is_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def _is_pattern(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        re.compile(value)
    except re.error:
        return False
    return True


# Each field's test and what the error says it expected; aliases and domains
# are tested item by item.
_CHECKS: Final[dict[str, tuple[Callable[[object], bool], str]]] = {
    "id": (_is_id, "a lowercase id of letters, digits, '.', '-' or '_'"),
    "name": (lambda v: isinstance(v, str) and bool(v.strip()), "a non-blank string"),
    "kind": (lambda v: isinstance(v, PlatformKind), "a PlatformKind"),
    "family": (_is_id, "a lowercase id of letters, digits, '.', '-' or '_'"),
    "aliases": (lambda v: isinstance(v, str) and bool(_key(v)), "a string with a letter or digit"),
    "domains": (
        lambda v: isinstance(v, str) and _HOST.fullmatch(v) is not None,
        "a lowercase host name such as 'amazon.de'",
    ),
    "source": (lambda v: isinstance(v, str), "a string"),
    "store_id_case_sensitive": (lambda v: isinstance(v, bool), "true or false"),
    "namespace": (_is_id, "a lowercase id of letters, digits, '.', '-' or '_'"),
    "namespace_source": (lambda v: isinstance(v, str), "a string"),
    "store_id_pattern": (_is_pattern, "a regular expression"),
    "seller_urls": (
        lambda v: seller_url_problem(v) is None,
        "'query:NAME' or 'path:/PREFIX/{id}'",
    ),
}
_LISTS: Final = frozenset({"aliases", "domains", "seller_urls"})
# Platforms of one namespace share its store ids, so they must read them alike.
_NAMESPACE_RULES: Final = ("store_id_case_sensitive", "store_id_pattern", "seller_urls")
_REQUIRED: Final = ("id", "name", "kind", "family")


def _field_problems(values: Mapping[str, object]) -> list[FieldProblem]:
    problems = []
    for name, value in values.items():
        check, expected = _CHECKS[name]
        if name not in _LISTS:
            items = [(name, value)]
        elif isinstance(value, tuple):
            items = [(f"{name}[{i}]", item) for i, item in enumerate(value)]
        else:
            problems.append(FieldProblem(name, f"expected a tuple of strings, got {value!r}"))
            continue
        problems += [
            FieldProblem(path, f"expected {expected}, got {item!r}")
            for path, item in items
            if not check(item)
        ]
    return problems


def _fold(text: str) -> str:
    # NFKC twice around casefold is the canonical caseless match (Unicode ch. 3.13).
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.strip()


def _key(text: str) -> str:
    return _NOT_WORD.sub("", _fold(text))


# What may stand in a URL's authority that a browser and urllib read alike.
_AUTHORITY: Final = re.compile(r"[a-z0-9.-]+(?::\d*)?")


def _host_of(folded: str) -> str | None:
    if "://" in folded:
        host = _url_host(folded) or ""
    else:
        host = _PORT.sub("", re.split(r"[/?#]", folded, maxsplit=1)[0])
    host = host.rstrip(".")
    return host if _HOST.fullmatch(host) else None


def _url_host(url: str) -> str | None:
    # A URL names a platform only when a browser (the WHATWG URL standard)
    # and urllib agree on its host. Browsers end the authority at "\\" as
    # at "/", strip tabs and newlines, decode "%2e", drop "user@": any of
    # these and the URL resolves to nothing, so the store goes to review.
    scheme, _, rest = url.partition("://")
    if scheme not in {"http", "https"} or any(c.isspace() or ord(c) < 0x20 for c in url):
        return None
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if _AUTHORITY.fullmatch(authority) is None:
        return None
    # The authority is plain ASCII by now, so urlsplit cannot refuse it.
    host = urlsplit(url).hostname or ""
    return host if host == _PORT.sub("", authority) else None


_Index = dict[str, tuple[Platform, str, str]]


def _claim(index: _Index, key: str, platform: Platform, path: str, text: str) -> str | None:
    owner, owner_path, owner_text = index.setdefault(key, (platform, path, text))
    if owner.id == platform.id:
        return None
    return (
        f"{text!r} of {platform.id!r} clashes with {owner_text!r} of {owner.id!r} at {owner_path}"
    )


def _index(
    entries: Iterable[tuple[int, Platform]],
) -> tuple[dict[str, Platform], _Index, _Index, list[FieldProblem]]:
    by_id: dict[str, Platform] = {}
    first: dict[str, int] = {}
    by_key: _Index = {}
    by_domain: _Index = {}
    namespaces: dict[str, tuple[int, Platform]] = {}
    problems = []
    for i, platform in entries:
        where = f"platforms[{i}]"
        if platform.id in by_id:
            duplicate = f"duplicate id {platform.id!r}, first at platforms[{first[platform.id]}]"
            problems.append(FieldProblem(f"{where}.id", duplicate))
            continue
        by_id[platform.id] = platform
        first[platform.id] = i
        k, other = namespaces.setdefault(platform.namespace, (i, platform))
        problems += [
            FieldProblem(
                f"{where}.{rule}",
                f"platforms of namespace {platform.namespace!r} must read store ids alike: "
                f"{getattr(platform, rule)!r} differs from {getattr(other, rule)!r} "
                f"at platforms[{k}].{rule}",
            )
            for rule in _NAMESPACE_RULES
            if getattr(platform, rule) != getattr(other, rule)
        ]
        names = [("id", platform.id), ("name", platform.name)]
        names += [(f"aliases[{k}]", alias) for k, alias in enumerate(platform.aliases)]
        claims = [(by_key, _key(text), path, text) for path, text in names]
        claims += [
            (by_domain, domain, f"domains[{k}]", domain)
            for k, domain in enumerate(platform.domains)
        ]
        for index, key, path, text in claims:
            if (message := _claim(index, key, platform, f"{where}.{path}", text)) is not None:
                problems.append(FieldProblem(f"{where}.{path}", message))
    return by_id, by_key, by_domain, problems


class PlatformCatalog:
    """
    An immutable set of platforms that resolves what sellers write.

    :meth:`PlatformCatalog.resolve` accepts ids, names, aliases (Chinese ones included),
    URLs and host names, ignoring case, width, spaces and punctuation.
    ``Amazon`` and ``亚马逊`` alone mean Amazon US, the marketplace sellers
    usually mean; every Amazon marketplace but amazon.cn is cross-border.

    Args:
        platforms: The platforms, each with its own id, aliases and domains.

    Raises:
        ValidationError: Duplicate ids, or an alias, name or domain claimed by
            two platforms; every clash names both.

    Example:
        >>> from lazada_eligibility import DEFAULT_PLATFORMS, PlatformCatalog
        >>> catalog = PlatformCatalog(DEFAULT_PLATFORMS)
        >>> catalog.resolve(" AMAZON-us ").id
        'amazon.com'
        >>> catalog.resolve("sellercentral.amazon.co.uk").name
        'Amazon UK'

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_by_domain", "_by_id", "_by_key", "_cache", "_platforms")

    def __init__(self, platforms: Iterable[Platform] = ()) -> None:
        entries = tuple(platforms)
        if problems := _not_platforms(entries):
            raise ValidationError(problems)
        by_id, by_key, by_domain, problems = _index(enumerate(entries))
        if problems:
            raise ValidationError(problems)
        self._platforms = entries
        self._by_id = by_id
        self._by_key = {key: owner for key, (owner, _, _) in by_key.items()}
        self._by_domain = {key: owner for key, (owner, _, _) in by_domain.items()}
        # Resolution sits on a rule engine's hot path; sellers repeat the same
        # few spellings, so a small memo pays off. Cleared when full.
        self._cache: dict[str, Platform | None] = {}

    def resolve(self, text: str) -> Platform | None:
        """
        Return the platform *text* names, or ``None`` when it names none.

        A URL or host resolves by its longest registered domain on a dot
        boundary, so ``sellercentral.amazon.de`` is Amazon Germany and an
        unregistered ``amazon.com.au`` never falls back to ``amazon.com``.

        Example:
            >>> from lazada_eligibility import DEFAULT_PLATFORMS
            >>> DEFAULT_PLATFORMS.resolve("https://www.ebay.co.uk/str/shop").id
            'ebay.co.uk'
            >>> DEFAULT_PLATFORMS.resolve("速卖通").name
            'AliExpress'

        .. versionadded:: 0.1.0
        """
        try:
            return self._cache[text]
        except KeyError:
            pass
        found = self._resolve(text)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[text] = found
        return found

    def _resolve(self, text: str) -> Platform | None:
        folded = _fold(text)
        host = _host_of(folded)
        if host is None and ("://" in folded or "\\" in folded):
            return None  # a URL whose host a browser may read otherwise
        if host is not None:
            labels = host.split(".")
            for start in range(len(labels) - 1):
                found = self._by_domain.get(".".join(labels[start:]))
                if found is not None:
                    return found
            if "/" in folded:  # a URL names its platform by its host only
                return None
        return self._by_key.get(_key(folded))

    def identity(self, platform: str, store_id: str) -> StoreIdentity | None:
        """
        Return the identity of a store as sellers write it, or ``None`` for an unknown platform.

        *platform* is a platform id or anything :meth:`resolve` reads; ids
        come first, so an id never resolves to another platform.

        Raises:
            ValidationError: The platform refuses the store id; the
                problem's path is ``store_id``.

        Example:
            >>> from lazada_eligibility import DEFAULT_PLATFORMS
            >>> DEFAULT_PLATFORMS.identity("ebay.co.uk", "best-shop")
            StoreIdentity(namespace='ebay', store_id='best-shop')
            >>> DEFAULT_PLATFORMS.identity("Lazada", "x") is None
            True

        .. versionadded:: 0.2.0
        """
        found = self.resolved_identity(platform, store_id)
        return None if found is None else found[1]

    def resolved_identity(
        self, platform: str, store_id: str
    ) -> tuple[Platform, StoreIdentity] | None:
        """
        Return :meth:`identity` with the platform it was made under, or ``None`` for an unknown platform.

        Raises:
            ValidationError: As :meth:`identity`.

        Example:
            >>> from lazada_eligibility import DEFAULT_PLATFORMS
            >>> platform, identity = DEFAULT_PLATFORMS.resolved_identity("eBay UK", "best-shop")
            >>> platform.id, identity.namespace
            ('ebay.co.uk', 'ebay')

        .. versionadded:: Unreleased
        """
        found = self._by_id.get(platform) or self.resolve(platform)
        return None if found is None else (found, found.identity(store_id))

    def get(self, platform_id: str) -> Platform:
        """
        Return the platform with this id.

        Raises:
            KeyError: No platform has this id.

        Example:
            >>> from lazada_eligibility import DEFAULT_PLATFORMS
            >>> DEFAULT_PLATFORMS.get("1688.com").name
            '1688'

        .. versionadded:: 0.1.0
        """
        try:
            return self._by_id[platform_id]
        except KeyError:
            raise KeyError(f"unknown platform id {platform_id!r}") from None

    def ids(self) -> tuple[str, ...]:
        """
        Return every platform id, in catalog order.

        Example:
            >>> from lazada_eligibility import DEFAULT_PLATFORMS
            >>> DEFAULT_PLATFORMS.ids()[0]
            'amazon.com'

        .. versionadded:: 0.1.0
        """
        return tuple(self._by_id)

    def with_platforms(self, *platforms: Platform) -> PlatformCatalog:
        """
        Return a catalog where *platforms* replace those with their ids.

        Platforms with new ids are added at the end.

        Raises:
            ValidationError: Two of *platforms* share an id, or the result has
                clashing aliases or domains.

        Example:
            >>> from lazada_eligibility import DEFAULT_PLATFORMS, PlatformKind
            >>> import attrs
            >>> wish = attrs.evolve(DEFAULT_PLATFORMS.get("wish.com"), kind=PlatformKind.DOMESTIC)
            >>> str(DEFAULT_PLATFORMS.with_platforms(wish).resolve("Wish").kind)
            'domestic'

        .. versionadded:: 0.1.0
        """
        new = {p.id: p for p in platforms}
        if len(new) != len(platforms):
            return PlatformCatalog(platforms)  # reports the duplicate ids
        merged = [new.pop(p.id, p) for p in self._platforms]
        return PlatformCatalog([*merged, *new.values()])

    def without(self, *platform_ids: str) -> PlatformCatalog:
        """
        Return a catalog without these platforms, which then resolve to ``None``.

        Raises:
            KeyError: One of the ids is not in the catalog.

        Example:
            >>> from lazada_eligibility import DEFAULT_PLATFORMS
            >>> DEFAULT_PLATFORMS.without("shopee").resolve("Shopee") is None
            True

        .. versionadded:: 0.1.0
        """
        for platform_id in platform_ids:
            self.get(platform_id)
        return PlatformCatalog(p for p in self._platforms if p.id not in platform_ids)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlatformCatalog:
        """
        Build a catalog from the JSON shape of the package's ``platforms.json``.

        That is ``{"version": 1, "platforms": [...]}`` with each entry as read
        by :meth:`Platform.from_dict`, and an optional ``description``.

        Raises:
            ValidationError: Every problem in every entry, with paths such as
                ``platforms[3].kind``.

        Example:
            >>> from lazada_eligibility import DEFAULT_PLATFORMS, PlatformCatalog
            >>> catalog = PlatformCatalog.from_dict(DEFAULT_PLATFORMS.to_dict())
            >>> catalog == DEFAULT_PLATFORMS
            True

        .. versionadded:: 0.1.0
        """
        if not isinstance(data, Mapping):
            raise ValidationError.single("", f"expected an object, got {data!r}")
        problems = [
            FieldProblem(str(k), "unknown field")
            for k in data
            if k not in {"version", "description", "platforms"}
        ]
        version = data.get("version", _FORMAT_VERSION)
        if version != _FORMAT_VERSION or isinstance(version, bool):
            problems.append(FieldProblem("version", f"expected 1, got {version!r}"))
        entries = data.get("platforms")
        if not isinstance(entries, list):
            message = f"expected a list of platforms, got {entries!r}"
            raise ValidationError([*problems, FieldProblem("platforms", message)])
        good: list[tuple[int, Platform]] = []
        for i, entry in enumerate(entries):
            try:
                good.append((i, Platform.from_dict(entry)))
            except ValidationError as e:
                problems += e.prefixed(f"platforms[{i}]").problems
        problems += _index(good)[3]
        if problems:
            raise ValidationError(problems)
        return cls(p for _, p in good)

    @classmethod
    def from_file(cls, path: str | PathLike[str]) -> PlatformCatalog:
        """
        Read a catalog from a UTF-8 JSON file in the :meth:`from_dict` shape.

        Raises:
            ValidationError: The file is not JSON, or has bad entries.
            OSError: The file cannot be read.

        .. versionadded:: 0.1.0
        """
        return _from_json(Path(path).read_text(encoding="utf-8"), str(path))

    def to_dict(self) -> dict[str, Any]:
        """
        Return the JSON-ready form that :meth:`from_dict` reads.

        Example:
            >>> from lazada_eligibility import DEFAULT_PLATFORMS
            >>> len(DEFAULT_PLATFORMS.to_dict()["platforms"]) == len(DEFAULT_PLATFORMS)
            True

        .. versionadded:: 0.1.0
        """
        return {
            "version": _FORMAT_VERSION,
            "platforms": [p.to_dict() for p in self._platforms],
        }

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Platform):
            return self._by_id.get(item.id) == item
        return isinstance(item, str) and item in self._by_id

    def __iter__(self) -> Iterator[Platform]:
        return iter(self._platforms)

    def __len__(self) -> int:
        return len(self._platforms)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PlatformCatalog):
            return NotImplemented
        return self._platforms == other._platforms

    def __hash__(self) -> int:
        return hash(self._platforms)

    def __repr__(self) -> str:
        return f"<PlatformCatalog of {len(self)} platforms>"

    def __reduce__(self) -> tuple[type[PlatformCatalog], tuple[tuple[Platform, ...]]]:
        # Rebuild from the platforms so worker processes get fresh indexes, not the memo.
        return (type(self), (self._platforms,))


def _not_platforms(items: Sequence[object]) -> list[FieldProblem]:
    return [
        FieldProblem(f"platforms[{i}]", f"expected a Platform, got {item!r}")
        for i, item in enumerate(items)
        if not isinstance(item, Platform)
    ]


def _from_json(text: str, origin: str) -> PlatformCatalog:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        message = f"{origin} is not JSON: {e.msg} at line {e.lineno} column {e.colno}"
        raise ValidationError.single("", message) from None
    return PlatformCatalog.from_dict(data)


#: The platforms the default policy knows, from the package's
#: ``data/platforms.json``; each entry's ``source`` says why it has its kind.
DEFAULT_PLATFORMS: Final[PlatformCatalog] = _from_json(
    resources.files("lazada_eligibility")
    .joinpath("data")
    .joinpath("platforms.json")
    .read_text(encoding="utf-8"),
    "lazada_eligibility/data/platforms.json",
)
