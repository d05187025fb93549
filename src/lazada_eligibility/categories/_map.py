"""
The map from other platforms' categories to Lazada's.

Private: :class:`CategoryMap` is public as
:class:`lazada_eligibility.categories.CategoryMap`. This module does not
import :mod:`lazada_eligibility.categories` when it loads, because that
module builds the default map from this one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ..exceptions import FieldProblem, UnknownCategoryError, ValidationError
from ._io import as_mapping, lookup_key, optional_str

if TYPE_CHECKING:
    from . import CategoryTaxonomy

MAP_FIELDS = ("category", "ids", "lazada", "note")
_BREADCRUMB = re.compile(r"\s*[>\u203a\u00bb]\s*")


@attrs.frozen
class MapEntry:
    """One platform category and the Lazada category it maps to."""

    category: str
    lazada: str
    ids: tuple[str, ...] = ()
    note: str | None = None

    def lookup_keys(self) -> list[str]:
        """Return the lookup keys of the entry: its name and its ids."""
        return [lookup_key(self.category), *map(lookup_key, self.ids)]

    def to_dict(self) -> dict[str, object]:
        """Return the entry in the JSON shape of the data file."""
        out: dict[str, object] = {"category": self.category}
        if self.ids:
            out["ids"] = list(self.ids)
        out["lazada"] = self.lazada
        if self.note is not None:
            out["note"] = self.note
        return out


def read_category_map(
    data: object,
) -> tuple[str | None, dict[str, list[tuple[str, MapEntry]]], list[FieldProblem]]:
    """Read the JSON shape of a category map: source, entries with paths, problems."""
    problems: list[FieldProblem] = []
    doc = as_mapping(data, "", ("source", "families"), problems)
    source = optional_str(doc.get("source"), "source", problems)
    families: dict[str, list[tuple[str, MapEntry]]] = {}
    for family, raw_entries in as_mapping(
        doc.get("families", {}), "families", None, problems
    ).items():
        entries = families.setdefault(family, [])
        if not isinstance(raw_entries, list):
            problems.append(
                FieldProblem(f"families.{family}", f"must be a list, got {raw_entries!r}")
            )
            continue
        for index, raw in enumerate(raw_entries):
            path = f"families.{family}[{index}]"
            entry = as_mapping(raw, path, MAP_FIELDS, problems)
            if not isinstance(raw, Mapping):
                continue
            before = len(problems)
            category = entry.get("category")
            if not isinstance(category, str) or not lookup_key(category):
                problems.append(
                    FieldProblem(f"{path}.category", f"must be a name, got {category!r}")
                )
            lazada = entry.get("lazada")
            if not isinstance(lazada, str):
                problems.append(
                    FieldProblem(f"{path}.lazada", f"must be a category id, got {lazada!r}")
                )
            ids = entry.get("ids", [])
            if not isinstance(ids, list) or not all(
                isinstance(i, str) and lookup_key(i) for i in ids
            ):
                problems.append(FieldProblem(f"{path}.ids", f"must be a list of ids, got {ids!r}"))
            note = optional_str(entry.get("note"), f"{path}.note", problems)
            if len(problems) == before:
                entries.append((path, MapEntry(str(category), str(lazada), tuple(ids), note)))
    return source, families, problems


@attrs.frozen(init=False, repr=False)
class CategoryMap:
    """
    Maps the categories of other platforms to Lazada category ids.

    A platform category is looked up by *family* (``amazon``, ``ebay``,
    ``aliexpress``) and name, or the platform's own id where the map has
    one. Case, accents, spaces, punctuation and "and" versus ``&`` do not
    count. A breadcrumb such as ``"Electronics > Cell Phones"`` is looked up
    whole, then by its parts, the deepest first.

    Args:
        entries: Family -> {platform category -> Lazada category id}.
        taxonomy: The taxonomy every Lazada id must be in; by default
            :data:`~lazada_eligibility.LAZADA_CATEGORIES`.
        source: Where the mapping comes from.

    Raises:
        ValidationError: Listing every Lazada id the taxonomy does not have
            and every platform category that is given twice.

    Example:
        >>> from lazada_eligibility.categories import CategoryMap
        >>> cmap = CategoryMap({"shopify": {"Phones": "mobiles"}})
        >>> cmap.lookup("Shopify", "phones")
        'mobiles'

    .. versionadded:: 0.1.0
    """

    _families: tuple[tuple[str, tuple[MapEntry, ...]], ...]
    source: str | None
    _taxonomy: CategoryTaxonomy = attrs.field(eq=False)
    _index: dict[str, dict[str, str]] = attrs.field(eq=False)

    def __init__(
        self,
        entries: Mapping[str, Mapping[str, str]] | None = None,
        *,
        taxonomy: CategoryTaxonomy | None = None,
        source: str | None = None,
    ) -> None:
        families = {
            family: [
                (f"{family}[{name!r}]", MapEntry(name, target)) for name, target in mapping.items()
            ]
            for family, mapping in (entries or {}).items()
        }
        self._init(families, taxonomy or _default_taxonomy(), source)

    def _init(
        self,
        families: Mapping[str, list[tuple[str, MapEntry]]],
        taxonomy: CategoryTaxonomy,
        source: str | None,
    ) -> None:
        problems = []
        index: dict[str, dict[str, str]] = {}
        seen: dict[str, dict[str, str]] = {}
        for family, entries in families.items():
            family_key = lookup_key(family)
            if not family_key or family_key in index:
                problems.append(FieldProblem(family, "family given twice or blank"))
            keys = index.setdefault(family_key, {})
            where = seen.setdefault(family_key, {})
            for path, entry in entries:
                try:
                    taxonomy.get(entry.lazada)
                except UnknownCategoryError as e:
                    problems.append(FieldProblem(f"{path}.lazada", str(e)))
                for key in entry.lookup_keys():
                    if key in where:
                        problems.append(FieldProblem(path, f"same category as {where[key]}"))
                    where[key] = path
                    keys[key] = entry.lazada
        if problems:
            raise ValidationError(problems)
        self.__attrs_init__(
            tuple((f, tuple(e for _, e in es)) for f, es in families.items()),
            source,
            taxonomy,
            index,
        )

    def __repr__(self) -> str:
        return f"<CategoryMap: families {[f for f, _ in self._families]!r}>"

    def lookup(self, family: str, platform_category: str) -> str | None:
        """
        Return the Lazada category id for a platform category, or ``None``.

        ``None`` means the map does not know the family or the category.

        Example:
            >>> from lazada_eligibility.categories import DEFAULT_CATEGORY_MAP
            >>> DEFAULT_CATEGORY_MAP.lookup("aliexpress", "Cellphones & Telecommunications")
            'mobiles'
            >>> DEFAULT_CATEGORY_MAP.lookup("AliExpress", "66")
            'health-beauty'
            >>> DEFAULT_CATEGORY_MAP.lookup("amazon", "Garden") is None
            True

        .. versionadded:: 0.1.0
        """
        keys = self._index.get(lookup_key(family))
        if keys is None:
            return None
        found = keys.get(lookup_key(platform_category))
        if found is None and _BREADCRUMB.search(platform_category):
            for part in reversed(_BREADCRUMB.split(platform_category)):
                found = keys.get(lookup_key(part))
                if found is not None:
                    break
        return found

    @property
    def families(self) -> tuple[str, ...]:
        """
        The families the map has entries for.

        Example:
            >>> from lazada_eligibility.categories import DEFAULT_CATEGORY_MAP
            >>> DEFAULT_CATEGORY_MAP.families
            ('aliexpress', 'ebay', 'amazon')

        .. versionadded:: 0.1.0
        """
        return tuple(f for f, _ in self._families)

    def with_entries(self, family: str, entries: Mapping[str, str]) -> CategoryMap:
        """
        Return a copy where *entries* map the categories of *family*.

        An entry replaces the one for the same platform category, by name or
        by platform id.

        Example:
            >>> from lazada_eligibility.categories import DEFAULT_CATEGORY_MAP
            >>> cmap = DEFAULT_CATEGORY_MAP.with_entries("amazon", {"Toys & Games": "babies-toys"})
            >>> cmap.lookup("amazon", "toys and games")
            'babies-toys'

        .. versionadded:: 0.1.0
        """
        new = [MapEntry(name, target) for name, target in entries.items()]
        taken = {k for e in new for k in e.lookup_keys()}
        families = {f: list(es) for f, es in self._families}
        name = next((f for f in families if lookup_key(f) == lookup_key(family)), family)
        kept = [
            attrs.evolve(e, ids=tuple(i for i in e.ids if lookup_key(i) not in taken))
            for e in families.get(name, [])
            if lookup_key(e.category) not in taken
        ]
        families[name] = [*kept, *new]
        return self._rebuild(families)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, taxonomy: CategoryTaxonomy | None = None
    ) -> CategoryMap:
        """
        Build a map from the JSON shape of ``data/category_map.json``.

        Raises:
            ValidationError: Listing every problem, each with its family,
                entry index and field, such as ``families.ebay[2].lazada``.

        Example:
            >>> from lazada_eligibility.categories import CategoryMap
            >>> cmap = CategoryMap.from_dict(
            ...     {
            ...         "families": {
            ...             "aliexpress": [
            ...                 {
            ...                     "category": "Toys & Hobbies",
            ...                     "ids": ["26"],
            ...                     "lazada": "babies-toys",
            ...                 }
            ...             ]
            ...         }
            ...     }
            ... )
            >>> cmap.lookup("aliexpress", "26")
            'babies-toys'

        .. versionadded:: 0.1.0
        """
        source, families, problems = read_category_map(data)
        if problems:
            raise ValidationError(problems)
        self = cls.__new__(cls)
        self._init(families, taxonomy or _default_taxonomy(), source)
        return self

    def to_dict(self) -> dict[str, Any]:
        """
        Return the map in the JSON shape of ``data/category_map.json``.

        Example:
            >>> from lazada_eligibility.categories import CategoryMap
            >>> cmap = CategoryMap({"ebay": {"Cell Phones & Accessories": "mobiles"}})
            >>> cmap.to_dict()["families"]
            {'ebay': [{'category': 'Cell Phones & Accessories', 'lazada': 'mobiles'}]}

        .. versionadded:: 0.1.0
        """
        return {
            "source": self.source,
            "families": {f: [e.to_dict() for e in es] for f, es in self._families},
        }

    def _rebuild(self, families: Mapping[str, list[MapEntry]]) -> CategoryMap:
        new = type(self).__new__(type(self))
        new._init(  # noqa: SLF001 -- a fresh instance of this class
            {
                f: [(f"families.{f}[{n}]", e) for n, e in enumerate(es)]
                for f, es in families.items()
            },
            self._taxonomy,
            self.source,
        )
        return new


def _default_taxonomy() -> CategoryTaxonomy:
    from . import LAZADA_CATEGORIES  # noqa: PLC0415 -- it imports this module

    return LAZADA_CATEGORIES
