"""
From stores to an application: what a seller tool does after importing exports.

:func:`application_from_stores` builds an
:class:`~lazada_eligibility.Application` from stores or store documents (the
JSON that ``lazada-eligibility import`` writes), and :func:`store_document_hint`
tells a store document given where an application is expected, so that the
command line can say what to do instead of listing missing fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .models import Application, Store

__all__ = ["application_from_stores", "store_document_hint"]


def application_from_stores(
    applicant: str,
    category: str,
    stores: Iterable[Store | Mapping[str, Any]],
    *,
    market: str | None = None,
    id: str | None = None,  # noqa: A002 -- the field's name
) -> Application:
    """
    Return the application of *applicant* for *category* with *stores*.

    Each store is a :class:`~lazada_eligibility.Store` or a store document
    (:meth:`Store.to_dict <lazada_eligibility.Store.to_dict>`, as the
    ``import`` command writes it). The application is checked as
    :meth:`Application.from_dict <lazada_eligibility.Application.from_dict>`
    checks one: every problem at once, each with its path (``stores[1].store_id``).

    Raises:
        ValidationError: A field is bad, or a store is listed twice.

    Example:
        >>> from lazada_eligibility.assemble import application_from_stores
        >>> store = {
        ...     "platform": "Amazon US",
        ...     "store_id": "A1",
        ...     "category": "mobiles",
        ...     "turnover": [{"month": "2026-10", "amount": {"amount": "1200", "currency": "USD"}}],
        ... }
        >>> app = application_from_stores("Seller Co.", "mobiles", [store], market="ph", id="APP-9")
        >>> app.market, app.stores[0].label
        ('PH', 'Amazon US/A1')

    .. versionadded:: 0.2.0
    """
    data: dict[str, Any] = {
        "applicant": applicant,
        "category": category,
        "stores": [s.to_dict() if isinstance(s, Store) else s for s in stores],
    }
    if market is not None:
        data["market"] = market
    if id is not None:
        data["id"] = id
    return Application.from_dict(data)


def store_document_hint(data: object) -> str | None:
    """
    Return what to do when *data*, given as an application, is a store document; else ``None``.

    A store document has ``platform`` and ``store_id`` and none of an
    application's own fields.

    Example:
        >>> from lazada_eligibility.assemble import store_document_hint
        >>> print(store_document_hint({"platform": "eBay", "store_id": "shop", "turnover": []}))
        this is a store (as 'import' writes), not an application: make an application of it with 'lazada-eligibility application --applicant NAME --category ID STORE.json ...' or application_from_stores()
        >>> store_document_hint({"applicant": "x", "category": "mobiles", "stores": []}) is None
        True

    .. versionadded:: 0.2.0
    """
    if not isinstance(data, Mapping):
        return None
    if not {"platform", "store_id"} <= data.keys() or data.keys() & {"applicant", "stores"}:
        return None
    return (
        "this is a store (as 'import' writes), not an application: make an application of it "
        "with 'lazada-eligibility application --applicant NAME --category ID STORE.json ...' "
        "or application_from_stores()"
    )
