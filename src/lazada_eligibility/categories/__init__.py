"""
The Lazada category tree, and maps to it from other platforms' categories.

:data:`~lazada_eligibility.LAZADA_CATEGORIES` is Lazada's storefront tree: 13 top-level
categories, 131 below them and 1,000 below those. Every category has a
lowercase slug id such as ``mobiles`` and keeps Lazada's own numeric id as
``lazada_id``.

A *group* is a named set of categories that count as one: the default group
``3c-digital`` joins ``electronic-devices`` and ``electronic-accessories``,
because Lazada's storefront splits what sellers and the source rule call one
category, "3C digital" (computers, communication, consumer electronics).
:meth:`~lazada_eligibility.CategoryTaxonomy.match_key` is how "the same top level" is decided:
two categories match when their match keys are equal, and a group counts as
one top level.

:class:`~lazada_eligibility.CategoryMap` turns the category a store has on Amazon, eBay or
AliExpress into a Lazada category id.
"""

from __future__ import annotations

import importlib.resources
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from ..exceptions import FieldProblem, UnknownCategoryError, ValidationError
from . import _io
from ._map import CategoryMap

__all__ = [
    "DEFAULT_CATEGORY_MAP",
    "LAZADA_CATEGORIES",
    "Category",
    "CategoryMap",
    "CategoryTaxonomy",
]


@attrs.frozen(kw_only=True)
class Category:
    """
    One category of the tree.

    Args:
        id: Unique lowercase slug, such as ``mobiles``.
        name: The name Lazada shows, such as ``Mobiles``.
        parent: The parent's id; ``None`` for a top-level category.
        level: 1 for a top-level category, one more than the parent's below.
        lazada_id: Lazada's own id, ``None`` where Lazada has none.

    Raises:
        ValidationError: Naming every bad field.

    Example:
        >>> from lazada_eligibility.categories import Category
        >>> Category(id="drones", name="Drones", parent="gadgets", level=3)
        Category(id='drones', name='Drones', parent='gadgets', level=3, lazada_id=None)

    .. versionadded:: 0.1.0
    """

    id: str
    name: str
    parent: str | None = None
    level: int = 1
    lazada_id: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = _io.category_problems(
            self.id, self.name, self.parent, self.level, self.lazada_id
        )
        if problems:
            raise ValidationError(problems)


@attrs.frozen
class _Index:
    by_id: dict[str, Category]
    children: dict[str, tuple[Category, ...]]
    lineage: dict[str, frozenset[str]]  # the id and its ancestors' ids
    top: dict[str, Category]
    groups: dict[str, frozenset[str]]
    groups_of: dict[str, frozenset[str]]
    match_key: dict[str, str]
    names: dict[str, tuple[str, ...]]  # name_key -> ids


def _index(categories: tuple[Category, ...], groups: dict[str, frozenset[str]]) -> _Index:
    by_id = {c.id: c for c in categories}
    children: dict[str, list[Category]] = {}
    names: dict[str, list[str]] = {}
    lineage: dict[str, frozenset[str]] = {}
    top: dict[str, Category] = {}
    for c in sorted(categories, key=lambda c: c.level):  # parents first
        parent = c.parent
        lineage[c.id] = lineage[parent] | {c.id} if parent else frozenset([c.id])
        top[c.id] = top[parent] if parent else c
        if parent:
            children.setdefault(parent, []).append(c)
        names.setdefault(_io.name_key(c.name), []).append(c.id)
    group_of_top = {
        m: g for g, ms in groups.items() for m in ms if m in by_id and by_id[m].level == 1
    }
    return _Index(
        by_id=by_id,
        children={k: tuple(v) for k, v in children.items()},
        lineage=lineage,
        top=top,
        groups=groups,
        groups_of={c: frozenset(g for g, ms in groups.items() if lineage[c] & ms) for c in by_id},
        match_key={c: group_of_top.get(t.id, t.id) for c, t in top.items()},
        names={k: tuple(v) for k, v in names.items()},
    )


@attrs.frozen(init=False, repr=False)
class CategoryTaxonomy:
    """
    An immutable tree of categories, with named groups of them.

    ``in``, ``iter()`` and ``len()`` are about categories, not groups.
    Lookups by id are constant-time. Every method that takes an id raises
    :class:`~lazada_eligibility.UnknownCategoryError` for an id the taxonomy
    does not have, with the closest known ids as suggestions.

    Args:
        categories: The categories, parents anywhere among them.
        groups: Group id -> the ids of its members. A group counts as one
            category for matching; a top-level category can be in one group.
        group_info: Group id -> ``{"name": ..., "description": ...}``.
        source: Where the tree comes from.

    Raises:
        ValidationError: Listing every problem: duplicate ids, unknown
            parents, cycles, levels that do not follow the parent's, group
            ids that are category ids, groups naming unknown categories.

    Example:
        >>> from lazada_eligibility.categories import Category, CategoryTaxonomy
        >>> tree = CategoryTaxonomy(
        ...     [
        ...         Category(id="toys", name="Toys"),
        ...         Category(id="dolls", name="Dolls", parent="toys", level=2),
        ...     ]
        ... )
        >>> tree.top_level("dolls").name
        'Toys'

    .. versionadded:: 0.1.0
    """

    _categories: tuple[Category, ...]
    _groups: tuple[tuple[str, frozenset[str]], ...]
    _group_info: tuple[tuple[str, str | None, str | None], ...]
    source: str | None
    _ix: _Index = attrs.field(eq=False)

    def __init__(
        self,
        categories: Iterable[Category],
        groups: Mapping[str, Iterable[str]] | None = None,
        *,
        group_info: Mapping[str, Mapping[str, str]] | None = None,
        source: str | None = None,
    ) -> None:
        cats: tuple[object, ...] = tuple(categories)
        raw_groups = dict(groups or {})
        info = dict(group_info or {})
        problems = [
            FieldProblem(f"categories[{i}]", f"must be a Category, got {c!r}")
            for i, c in enumerate(cats)
            if not isinstance(c, Category)
        ]
        entries = [(i, c) for i, c in enumerate(cats) if isinstance(c, Category)]
        problems += _io.tree_problems(entries, raw_groups)
        problems += [
            FieldProblem(f"group_info.{g}", "names no group") for g in info if g not in raw_groups
        ]
        if problems:
            raise ValidationError(sorted(problems, key=_problem_order))
        valid = tuple(c for _, c in entries)
        frozen = {g: frozenset(raw_groups[g]) for g in sorted(raw_groups)}
        self.__attrs_init__(
            valid,
            tuple(frozen.items()),
            tuple(
                (g, info[g].get("name"), info[g].get("description")) for g in frozen if g in info
            ),
            source,
            _index(valid, frozen),
        )

    def get(self, category_id: str) -> Category:
        """
        Return the category with id *category_id*.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> LAZADA_CATEGORIES.get("desktop-computers").name
            'Desktops'

        .. versionadded:: 0.1.0
        """
        try:
            return self._ix.by_id[category_id]
        except KeyError:
            raise self._unknown(category_id) from None

    def __contains__(self, category_id: object) -> bool:
        return isinstance(category_id, str) and category_id in self._ix.by_id

    def __iter__(self) -> Iterator[Category]:
        return iter(self._categories)

    def __len__(self) -> int:
        return len(self._categories)

    def __repr__(self) -> str:
        return f"<CategoryTaxonomy: {len(self)} categories, groups {sorted(self._ix.groups)!r}>"

    @property
    def groups(self) -> Mapping[str, frozenset[str]]:
        """
        The groups, each with the ids of its members.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> sorted(LAZADA_CATEGORIES.groups["3c-digital"])
            ['electronic-accessories', 'electronic-devices']

        .. versionadded:: 0.1.0
        """
        return dict(self._groups)

    def top_level(self, category_id: str) -> Category:
        """
        Return the level-1 ancestor of *category_id*; a level-1 category is its own.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> LAZADA_CATEGORIES.top_level("laptops-gaming").id
            'electronic-devices'

        .. versionadded:: 0.1.0
        """
        try:
            return self._ix.top[category_id]
        except KeyError:
            raise self._unknown(category_id) from None

    def ancestors(self, category_id: str) -> tuple[Category, ...]:
        """
        Return the ancestors of *category_id*, its parent first.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> [c.id for c in LAZADA_CATEGORIES.ancestors("laptops-gaming")]
            ['laptops', 'electronic-devices']

        .. versionadded:: 0.1.0
        """
        out = []
        parent = self.get(category_id).parent
        while parent is not None:
            category = self._ix.by_id[parent]
            out.append(category)
            parent = category.parent
        return tuple(out)

    def children(self, category_id: str) -> tuple[Category, ...]:
        """
        Return the categories directly below *category_id*, in tree order.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> [c.name for c in LAZADA_CATEGORIES.children("laptops")]
            ['Traditional Laptops', 'Gaming', '2-in-1s']

        .. versionadded:: 0.1.0
        """
        self.get(category_id)
        return self._ix.children.get(category_id, ())

    def is_within(self, category_id: str, ancestor_or_group: str) -> bool:
        """
        Tell whether *category_id* is *ancestor_or_group* or below it.

        *ancestor_or_group* may be a category (true when it is *category_id*
        or one of its ancestors) or a group (true when *category_id* is
        within one of the group's members).

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> LAZADA_CATEGORIES.is_within("laptops-gaming", "electronic-devices")
            True
            >>> LAZADA_CATEGORIES.is_within("audio", "3c-digital")
            True
            >>> LAZADA_CATEGORIES.is_within("laptops", "mobiles")
            False

        .. versionadded:: 0.1.0
        """
        lineage = self._ix.lineage.get(category_id)
        if lineage is None:
            raise self._unknown(category_id)
        if ancestor_or_group in lineage:
            return True
        if ancestor_or_group in self._ix.groups:
            return ancestor_or_group in self._ix.groups_of[category_id]
        if ancestor_or_group not in self._ix.by_id:
            raise self._unknown(ancestor_or_group)
        return False

    def groups_of(self, category_id: str) -> frozenset[str]:
        """
        Return the ids of the groups that *category_id* is within.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> LAZADA_CATEGORIES.groups_of("mobiles")
            frozenset({'3c-digital'})

        .. versionadded:: 0.1.0
        """
        try:
            return self._ix.groups_of[category_id]
        except KeyError:
            raise self._unknown(category_id) from None

    def match_key(self, category_id: str) -> str:
        """
        Return what *category_id* is compared by for "same top level".

        That is the id of the group its top-level category is in, or else the
        top-level category's id: two categories have the same top level when
        their match keys are equal, and a group counts as one top level.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> LAZADA_CATEGORIES.match_key("mobiles")
            '3c-digital'
            >>> LAZADA_CATEGORIES.match_key("skincare")
            'health-beauty'

        .. versionadded:: 0.1.0
        """
        try:
            return self._ix.match_key[category_id]
        except KeyError:
            raise self._unknown(category_id) from None

    def is_group(self, group_id: str) -> bool:
        """
        Tell whether *group_id* names a group.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> LAZADA_CATEGORIES.is_group("3c-digital")
            True

        .. versionadded:: 0.1.0
        """
        return group_id in self._ix.groups

    def group(self, group_id: str) -> frozenset[str]:
        """
        Return the ids of the members of group *group_id*.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> "electronic-devices" in LAZADA_CATEGORIES.group("3c-digital")
            True

        .. versionadded:: 0.1.0
        """
        try:
            return self._ix.groups[group_id]
        except KeyError:
            raise self._unknown(group_id) from None

    def group_name(self, group_id: str) -> str:
        """
        Return the display name of group *group_id*, or its id if it has none.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> LAZADA_CATEGORIES.group_name("3c-digital")
            '3C digital'

        .. versionadded:: 0.1.0
        """
        self.group(group_id)
        names = {g: name for g, name, _ in self._group_info if name}
        return names.get(group_id, group_id)

    def find(self, name: str) -> tuple[Category, ...]:
        """
        Return the categories whose name contains *name*, exact matches first.

        Case, accents and punctuation do not count.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> [c.id for c in LAZADA_CATEGORIES.find("home decor")]
            ['home-decor']

        .. versionadded:: 0.1.0
        """
        query = _io.name_key(name)
        if not query:
            return ()
        exact = self._ix.names.get(query, ())
        partial = [
            c.id for c in self._categories if query in _io.name_key(c.name) and c.id not in exact
        ]
        return tuple(self._ix.by_id[i] for i in [*exact, *partial])

    def with_categories(self, *categories: Category) -> CategoryTaxonomy:
        """
        Return a copy with *categories* added.

        Example:
            >>> from lazada_eligibility.categories import Category, LAZADA_CATEGORIES
            >>> rings = Category(id="smart-rings", name="Smart Rings", parent="gadgets", level=3)
            >>> LAZADA_CATEGORIES.with_categories(rings).match_key("smart-rings")
            '3c-digital'

        .. versionadded:: 0.1.0
        """
        return self._evolve(categories=(*self._categories, *categories))

    def with_groups(
        self, groups: Mapping[str, Iterable[str]] | None = None, /, **more: Iterable[str]
    ) -> CategoryTaxonomy:
        """
        Return a copy with *groups* added or replaced.

        Group ids with a dash go in the mapping; others may be keywords.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> tree = LAZADA_CATEGORIES.with_groups(fashion=["womens-fashion", "mens-fashion"])
            >>> tree.match_key("womens-shoes") == tree.match_key("mens-shoes")
            True

        .. versionadded:: 0.1.0
        """
        return self._evolve(groups={**dict(self._groups), **(groups or {}), **more})

    def with_group(
        self,
        group_id: str,
        members: Iterable[str],
        *,
        name: str | None = None,
        description: str | None = None,
    ) -> CategoryTaxonomy:
        """
        Return a copy with group *group_id* added or replaced.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> tree = LAZADA_CATEGORIES.with_group(
            ...     "computing", ["laptops", "desktop-computers"], name="Computing"
            ... )
            >>> tree.is_within("laptops-gaming", "computing")
            True

        .. versionadded:: 0.1.0
        """
        info = self._info()
        info.pop(group_id, None)
        meta = {"name": name, "description": description}
        if any(meta.values()):
            info[group_id] = {k: v for k, v in meta.items() if v}
        groups = {**dict(self._groups), group_id: members}
        return self._evolve(groups=groups, group_info=info)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CategoryTaxonomy:
        """
        Build a taxonomy from the JSON shape of ``data/categories.json``.

        Raises:
            ValidationError: Listing every problem, each with the entry's
                index and field, such as ``categories[3].parent``.

        Example:
            >>> from lazada_eligibility.categories import CategoryTaxonomy
            >>> tree = CategoryTaxonomy.from_dict(
            ...     {"categories": [{"id": "toys", "name": "Toys", "level": 1}]}
            ... )
            >>> len(tree)
            1

        .. versionadded:: 0.1.0
        """
        doc = _io.read_taxonomy(data)
        problems = list(doc.problems)
        entries = []
        for index, fields in doc.categories:
            try:
                entries.append((index, Category(**fields)))
            except ValidationError as e:
                problems += e.prefixed(f"categories[{index}]").problems
        if problems:
            problems += _io.tree_problems(entries, doc.groups)
            raise ValidationError(sorted(problems, key=_problem_order))
        return cls(
            (c for _, c in entries),
            doc.groups,
            group_info=doc.group_info,
            source=doc.source,
        )

    @classmethod
    def from_file(cls, path: str | Path) -> CategoryTaxonomy:
        """
        Build a taxonomy from a JSON file in the shape of :meth:`to_dict`.

        Example:
            >>> import json, pathlib, tempfile
            >>> from lazada_eligibility.categories import CategoryTaxonomy, LAZADA_CATEGORIES
            >>> with tempfile.TemporaryDirectory() as tmp:
            ...     path = pathlib.Path(tmp, "tree.json")
            ...     _ = path.write_text(json.dumps(LAZADA_CATEGORIES.to_dict()))
            ...     CategoryTaxonomy.from_file(path) == LAZADA_CATEGORIES
            True

        .. versionadded:: 0.1.0
        """
        data = _io.read_json(path)
        if not isinstance(data, Mapping):
            raise ValidationError.single("", f"must be a JSON object, got {data!r}")
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """
        Return the taxonomy in the JSON shape of ``data/categories.json``.

        Example:
            >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
            >>> data = LAZADA_CATEGORIES.to_dict()
            >>> data["categories"][1]["id"], data["categories"][1]["lazada_id"]
            ('mobiles', '5121')

        .. versionadded:: 0.1.0
        """
        order = {c.id: n for n, c in enumerate(self._categories)}
        info = self._info()
        return {
            "source": self.source,
            "groups": {
                g: {**info.get(g, {}), "members": sorted(ms, key=order.__getitem__)}
                for g, ms in self._groups
            },
            "categories": [attrs.asdict(c) for c in self._categories],
        }

    def _info(self) -> dict[str, dict[str, str]]:
        return {
            g: {k: v for k, v in (("name", n), ("description", d)) if v}
            for g, n, d in self._group_info
        }

    def _evolve(
        self,
        *,
        categories: Iterable[Category] | None = None,
        groups: Mapping[str, Iterable[str]] | None = None,
        group_info: Mapping[str, Mapping[str, str]] | None = None,
    ) -> CategoryTaxonomy:
        return CategoryTaxonomy(
            self._categories if categories is None else categories,
            dict(self._groups) if groups is None else groups,
            group_info=self._info() if group_info is None else group_info,
            source=self.source,
        )

    def _unknown(self, category_id: object) -> UnknownCategoryError:
        text = str(category_id)
        known = [*self._ix.by_id, *self._ix.groups]
        return UnknownCategoryError(text, _io.suggest(text, known, self._ix.names))


# Documented, pickled and shown under the public module that re-exports it.
CategoryMap.__module__ = __name__


def _problem_order(problem: FieldProblem) -> int:
    # Problems of one entry together, in entry order; others after them.
    found = re.match(r"categories\[(\d+)\]", problem.path)
    return int(found.group(1)) if found else 1 << 30


def _data_file(name: str) -> dict[str, Any]:
    resource = importlib.resources.files("lazada_eligibility") / "data" / name
    data: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return data


LAZADA_CATEGORIES = CategoryTaxonomy.from_dict(_data_file("categories.json"))
"""
Lazada's storefront category tree, with the group ``3c-digital``.

Example:
    >>> from lazada_eligibility.categories import LAZADA_CATEGORIES
    >>> len(LAZADA_CATEGORIES), LAZADA_CATEGORIES.get("mobiles").lazada_id
    (1144, '5121')

.. versionadded:: 0.1.0
"""

DEFAULT_CATEGORY_MAP = CategoryMap.from_dict(
    _data_file("category_map.json"), taxonomy=LAZADA_CATEGORIES
)
"""
Top-level categories of Amazon US, eBay US and AliExpress, mapped to Lazada.

Example:
    >>> from lazada_eligibility.categories import DEFAULT_CATEGORY_MAP
    >>> DEFAULT_CATEGORY_MAP.lookup("ebay", "Computers/Tablets & Networking")
    'electronic-devices'

.. versionadded:: 0.1.0
"""
