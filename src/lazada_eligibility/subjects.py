"""
What an outcome is about, as typed values: the application, a store, a group of stores, a month.

An :class:`~lazada_eligibility.Outcome`'s ``subject`` is one of these
values. Explanations and remedies render from them (a store's id, as the
seller wrote it, goes into the sentence verbatim), and a decision's JSON
form writes them as objects, never as text to be parsed back. ``str()``
of a subject still reads as before (``store amazon.com/A1``), for logs.

Example:
    >>> from lazada_eligibility import Month
    >>> from lazada_eligibility.subjects import MonthRef, StoreRef, subject_from_dict
    >>> ref = StoreRef(
    ...     platform="eBay UK",
    ...     store_id="shop + 1",
    ...     platform_id="ebay.co.uk",
    ...     namespace="ebay",
    ...     canonical_id="shop + 1",
    ...     label="ebay.co.uk/shop + 1",
    ... )
    >>> subject = MonthRef(Month(2026, 9), (ref,))
    >>> str(subject)
    'month 2026-09 of ebay.co.uk/shop + 1'
    >>> subject_from_dict(subject.to_dict()) == subject
    True

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from .exceptions import ValidationError
from .periods import Month

__all__ = [
    "ApplicationRef",
    "MonthRef",
    "StoreGroup",
    "StoreRef",
    "Subject",
    "subject_from_dict",
]


@attrs.frozen
class ApplicationRef:
    """
    The subject of an application rule: the application, by its id or its applicant.

    Example:
        >>> from lazada_eligibility.subjects import ApplicationRef
        >>> str(ApplicationRef("APP-1", "Seller Co."))
        'application APP-1'

    .. versionadded:: 0.2.0
    """

    id: str | None
    applicant: str

    kind: ClassVar[str] = "application"

    @property
    def stores(self) -> tuple[StoreRef, ...]:
        """
        No stores are named (an empty tuple).
        """
        return ()

    @property
    def month(self) -> Month | None:
        """
        No month is named (``None``).
        """
        return None

    def __str__(self) -> str:
        return f"application {self.id}" if self.id else f"application of {self.applicant}"

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping.
        """
        return {"kind": self.kind, "id": self.id, "applicant": self.applicant}


@attrs.frozen
class StoreRef:
    """
    One store, as the application gave it and as the platform catalog reads it.

    Attributes:
        platform: The platform as written in the application (``Amazon US``).
        store_id: The store id as written in the application.
        platform_id: The catalog's platform id (``amazon.com``), ``None`` when unknown.
        namespace: The platform's account namespace (``amazon``), ``None`` when unknown.
        canonical_id: The store id as the platform compares it, ``None`` when unknown.
        label: How explanations name the store: ``platform-id/store-id``.

    Example:
        >>> from lazada_eligibility.subjects import StoreRef
        >>> ref = StoreRef("Amazon US", "A1", "amazon.com", "amazon", "a1", "amazon.com/A1")
        >>> str(ref), ref.stores == (ref,)
        ('store amazon.com/A1', True)

    .. versionadded:: 0.2.0
    """

    platform: str
    store_id: str
    platform_id: str | None
    namespace: str | None
    canonical_id: str | None
    label: str

    kind: ClassVar[str] = "store"

    @property
    def stores(self) -> tuple[StoreRef, ...]:
        """
        This store, as a one-store tuple.
        """
        return (self,)

    @property
    def month(self) -> Month | None:
        """
        No month is named (``None``).
        """
        return None

    def __str__(self) -> str:
        return f"store {self.label}"

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping (with ``kind``, as a subject).
        """
        return {"kind": self.kind, **self.ref_dict()}

    def ref_dict(self) -> dict[str, Any]:
        """
        Return the store's fields as a JSON-ready mapping (without ``kind``).
        """
        return {
            "platform": self.platform,
            "store_id": self.store_id,
            "platform_id": self.platform_id,
            "namespace": self.namespace,
            "canonical_id": self.canonical_id,
            "label": self.label,
        }

    @classmethod
    def named(cls, platform_id: str, store_id: str) -> StoreRef:
        """
        Return a reference to the store *store_id* on the catalog platform *platform_id*.

        For outcomes built by hand (tests, custom rules' own outcomes); the
        engine builds full references from the catalog.

        Example:
            >>> from lazada_eligibility.subjects import StoreRef
            >>> StoreRef.named("ebay.com", "shop+1").label
            'ebay.com/shop+1'

        .. versionadded:: 0.2.0
        """
        label = f"{platform_id}/{store_id}"
        return cls(platform_id, store_id, platform_id, None, None, label)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoreRef:
        """
        Read back a store written by :meth:`ref_dict` or :meth:`to_dict`.

        Raises:
            ValidationError: Naming the bad key.
        """
        _mapping(data, "")
        values = {
            "platform": _text(data, "platform"),
            "store_id": _text(data, "store_id"),
            "platform_id": _text(data, "platform_id", optional=True),
            "namespace": _text(data, "namespace", optional=True),
            "canonical_id": _text(data, "canonical_id", optional=True),
            "label": _text(data, "label"),
        }
        return cls(**values)


@attrs.frozen
class StoreGroup:
    """
    The subject of a rule about stores whose turnover is summed.

    Example:
        >>> from lazada_eligibility.subjects import StoreGroup, StoreRef
        >>> a = StoreRef("eBay", "shop", "ebay.com", "ebay", "shop", "ebay.com/shop")
        >>> b = StoreRef("eBay UK", "x", "ebay.co.uk", "ebay", "x", "ebay.co.uk/x")
        >>> str(StoreGroup((a, b)))
        'store ebay.com/shop + ebay.co.uk/x'

    .. versionadded:: 0.2.0
    """

    stores: tuple[StoreRef, ...]

    kind: ClassVar[str] = "stores"

    @property
    def month(self) -> Month | None:
        """
        No month is named (``None``).
        """
        return None

    def __str__(self) -> str:
        return "store " + " + ".join(s.label for s in self.stores)

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping.
        """
        return {"kind": self.kind, "stores": [s.ref_dict() for s in self.stores]}


@attrs.frozen
class MonthRef:
    """
    The subject of a month rule: one month of one store, or of stores combined.

    Example:
        >>> from lazada_eligibility import Month
        >>> from lazada_eligibility.subjects import MonthRef, StoreRef
        >>> ref = StoreRef("Amazon US", "A1", "amazon.com", "amazon", "a1", "amazon.com/A1")
        >>> str(MonthRef(Month(2026, 9), (ref,)))
        'month 2026-09 of amazon.com/A1'

    .. versionadded:: 0.2.0
    """

    month: Month
    stores: tuple[StoreRef, ...]

    kind: ClassVar[str] = "month"

    def __str__(self) -> str:
        return f"month {self.month} of " + " + ".join(s.label for s in self.stores)

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping.
        """
        return {
            "kind": self.kind,
            "month": str(self.month),
            "stores": [s.ref_dict() for s in self.stores],
        }


Subject = ApplicationRef | StoreRef | StoreGroup | MonthRef
"""What an outcome is about."""


def _mapping(data: object, path: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValidationError.single(path, f"expected an object, got {type(data).__name__}")
    return data


def _text(data: Mapping[str, Any], key: str, *, optional: bool = False) -> Any:  # noqa: ANN401 -- str, or None when optional
    if key not in data:
        raise ValidationError.single(key, "missing")
    value = data[key]
    if isinstance(value, str) or (optional and value is None):
        return value
    wanted = "a string or null" if optional else "a string"
    raise ValidationError.single(key, f"expected {wanted}, got {value!r}")


def _refs(data: Mapping[str, Any]) -> tuple[StoreRef, ...]:
    stores = data.get("stores")
    if not isinstance(stores, list) or not stores:
        raise ValidationError.single("stores", f"expected a non-empty list, got {stores!r}")
    found = []
    for i, item in enumerate(stores):
        try:
            found.append(StoreRef.from_dict(_mapping(item, "")))
        except ValidationError as e:
            raise e.prefixed(f"stores[{i}]") from None
    return tuple(found)


def subject_from_dict(data: object) -> Subject:
    """
    Read back a subject written by its ``to_dict``.

    Raises:
        ValidationError: Naming the bad key (``kind``, ``stores[0].label``...).

    .. versionadded:: 0.2.0
    """
    found = _mapping(data, "")
    kind = found.get("kind")
    if kind == "application":
        applicant = _text(found, "applicant")
        return ApplicationRef(_text(found, "id", optional=True), applicant)
    if kind == "store":
        return StoreRef.from_dict(found)
    if kind == "stores":
        return StoreGroup(_refs(found))
    if kind == "month":
        try:
            month = Month.parse(_text(found, "month"))
        except ValidationError:
            raise
        except (ValueError, TypeError) as e:
            raise ValidationError.single("month", f"not a month: {e}") from None
        return MonthRef(month, _refs(found))
    kinds = "application, store, stores or month"
    raise ValidationError.single("kind", f"expected one of {kinds}, got {kind!r}")
