"""
Checks, name normalisation and the JSON shape of category data.

Private: :mod:`lazada_eligibility.categories` is the public face. Nothing here
builds a :class:`~lazada_eligibility.categories.Category`, so that this
module does not import the one that uses it.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import attrs

from ..exceptions import FieldProblem, ValidationError

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CATEGORY_FIELDS = ("id", "name", "parent", "level", "lazada_id")
GROUP_FIELDS = ("name", "description", "members")


class CategoryLike(Protocol):
    """What the tree checks need to know of a category."""

    @property
    def id(self) -> str: ...
    @property
    def parent(self) -> str | None: ...
    @property
    def level(self) -> int: ...


def fold(text: str) -> str:
    """Return *text* ASCII-folded and case-folded: ``"Décor"`` -> ``"decor"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode().casefold()


def name_key(text: str) -> str:
    """Return the words of *text*, folded and space-separated, for name search."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text).replace("'", "")))


def lookup_key(text: str) -> str:
    """
    Return the key a platform category is looked up by.

    Case, accents, spaces, punctuation and the word "and" (or ``&``) do not
    count: ``"Cell Phones & Accessories"`` and ``"cellphones and
    accessories"`` have the same key.
    """
    words = re.findall(r"[a-z0-9]+", fold(text).replace("'", ""))
    return "".join(w for w in words if w != "and")


def suggest(query: str, ids: Iterable[str], names: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Return up to five known ids close to *query*, by id or by name."""
    known = set(ids)
    matches = difflib.get_close_matches(query.casefold().strip(), [*known, *names], n=5, cutoff=0.6)
    found: dict[str, None] = {}
    for match in matches:
        for category_id in [match] if match in known else names[match]:
            found.setdefault(category_id)
    return tuple(found)[:5]


def category_problems(
    category_id: object,
    name: object,
    parent: object,
    level: object,
    lazada_id: object,
) -> list[FieldProblem]:
    """Return what is wrong with the fields of one category."""
    problems = []
    if not isinstance(category_id, str) or not SLUG.fullmatch(category_id):
        problems.append(FieldProblem("id", f"must be a slug, got {category_id!r}"))
    if not isinstance(name, str) or not name.strip():
        problems.append(FieldProblem("name", f"must not be blank, got {name!r}"))
    if parent is not None and (not isinstance(parent, str) or not SLUG.fullmatch(parent)):
        problems.append(FieldProblem("parent", f"must be a slug or None, got {parent!r}"))
    if isinstance(level, bool) or not isinstance(level, int) or level < 1:
        problems.append(FieldProblem("level", f"must be an integer >= 1, got {level!r}"))
    elif (level == 1) != (parent is None):
        problems.append(
            FieldProblem(
                "level",
                f"must be 1 exactly when there is no parent, got {level!r} with parent {parent!r}",
            )
        )
    if lazada_id is not None and (not isinstance(lazada_id, str) or not lazada_id.strip()):
        problems.append(
            FieldProblem("lazada_id", f"must be a non-blank string or None, got {lazada_id!r}")
        )
    return problems


def tree_problems(
    entries: Sequence[tuple[int, CategoryLike]],
    groups: Mapping[str, object],
) -> list[FieldProblem]:
    """
    Return what is wrong with a tree of valid categories and its groups.

    *entries* pairs each category with its index in the input, so that a
    problem names the entry that has it. *groups* maps group ids to their
    members, which must be collections of strings.
    """
    problems: list[FieldProblem] = []
    by_id: dict[str, CategoryLike] = {}
    where: dict[str, int] = {}
    for index, category in entries:
        if category.id in by_id:
            problems.append(
                FieldProblem(
                    f"categories[{index}].id",
                    f"duplicate id {category.id!r}, first at categories[{where[category.id]}]",
                )
            )
            continue
        by_id[category.id] = category
        where[category.id] = index
    in_cycle = _cycles(by_id, where, problems)
    for category_id, category in by_id.items():
        parent = category.parent
        if parent is None or category_id in in_cycle:
            continue
        path = f"categories[{where[category_id]}]"
        if parent not in by_id:
            problems.append(
                FieldProblem(
                    f"{path}.parent",
                    f"unknown parent {parent!r}" + _hint(parent, by_id),
                )
            )
        elif category.level != by_id[parent].level + 1:
            problems.append(
                FieldProblem(
                    f"{path}.level",
                    f"must be {by_id[parent].level + 1}, one below parent "
                    f"{parent!r}, got {category.level!r}",
                )
            )
    problems += _group_problems(groups, by_id)
    return problems


def _cycles(
    by_id: Mapping[str, CategoryLike],
    where: Mapping[str, int],
    problems: list[FieldProblem],
) -> set[str]:
    done: set[str] = set()
    in_cycle: set[str] = set()
    for start in by_id:
        path: list[str] = []
        current: str | None = start
        while current is not None and current in by_id and current not in done:
            if current in path:
                cycle = path[path.index(current) :]
                in_cycle.update(cycle)
                first = min(cycle, key=where.__getitem__)
                at = cycle.index(first)
                loop = [*cycle[at:], *cycle[:at], first]
                problems.append(
                    FieldProblem(
                        f"categories[{where[first]}].parent",
                        "cycle " + " -> ".join(loop),
                    )
                )
                break
            path.append(current)
            current = by_id[current].parent
        done.update(path)
    return in_cycle


def _group_problems(
    groups: Mapping[str, object], by_id: Mapping[str, CategoryLike]
) -> list[FieldProblem]:
    problems = []
    claimed: dict[str, str] = {}
    for group_id, members in groups.items():
        path = f"groups.{group_id}"
        if not SLUG.fullmatch(group_id):
            problems.append(FieldProblem(path, f"id must be a slug, got {group_id!r}"))
        if group_id in by_id:
            problems.append(FieldProblem(path, f"id {group_id!r} is also a category id"))
        if isinstance(members, str) or not isinstance(members, Iterable):
            problems.append(
                FieldProblem(
                    f"{path}.members",
                    f"must be a list of category ids, got {members!r}",
                )
            )
            continue
        listed = list(members)
        if not listed:
            problems.append(FieldProblem(f"{path}.members", "must not be empty"))
        for member in listed:
            if member not in by_id:
                problems.append(
                    FieldProblem(
                        f"{path}.members",
                        f"unknown category {member!r}" + _hint(member, by_id),
                    )
                )
            elif by_id[member].parent is None:
                # A top level's group is its match key, so it can have one.
                if member in claimed and claimed[member] != group_id:
                    problems.append(
                        FieldProblem(
                            f"{path}.members",
                            f"top-level category {member!r} is already in group "
                            f"{claimed[member]!r}; a top level can be in one "
                            "group only",
                        )
                    )
                claimed.setdefault(member, group_id)
    return problems


def _hint(category_id: object, by_id: Mapping[str, object]) -> str:
    if not isinstance(category_id, str):
        return ""
    close = difflib.get_close_matches(category_id, list(by_id), n=3)
    return f"; did you mean {', '.join(map(repr, close))}?" if close else ""


@attrs.frozen
class TaxonomyDocument:
    """A taxonomy document, read field by field but not yet checked as a tree."""

    source: str | None
    categories: list[tuple[int, dict[str, Any]]]
    groups: dict[str, list[str]]
    group_info: dict[str, dict[str, str]]
    problems: list[FieldProblem]


def read_taxonomy(data: object) -> TaxonomyDocument:
    """Read the JSON shape of a taxonomy, collecting every problem."""
    problems: list[FieldProblem] = []
    doc = as_mapping(data, "", ("source", "groups", "categories"), problems)
    source = optional_str(doc.get("source"), "source", problems)
    categories = []
    raw_categories = doc.get("categories")
    if not isinstance(raw_categories, list):
        problems.append(FieldProblem("categories", f"must be a list, got {raw_categories!r}"))
        raw_categories = []
    for index, raw in enumerate(raw_categories):
        path = f"categories[{index}]"
        entry = as_mapping(raw, path, CATEGORY_FIELDS, problems)
        if not isinstance(raw, Mapping):
            continue
        missing = [f for f in ("id", "name", "level") if f not in entry]
        problems += [FieldProblem(f"{path}.{f}", "is missing") for f in missing]
        if not missing:
            categories.append((index, {f: entry[f] for f in CATEGORY_FIELDS if f in entry}))
    groups: dict[str, list[str]] = {}
    group_info: dict[str, dict[str, str]] = {}
    raw_groups = doc.get("groups", {})
    for group_id, raw in as_mapping(raw_groups, "groups", None, problems).items():
        path = f"groups.{group_id}"
        if isinstance(raw, list):
            raw = {"members": raw}  # noqa: PLW2901 -- the short form of a group
        group = as_mapping(raw, path, GROUP_FIELDS, problems)
        members = group.get("members")
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            problems.append(
                FieldProblem(
                    f"{path}.members",
                    f"must be a list of category ids, got {members!r}",
                )
            )
            continue
        groups[group_id] = members
        info = {
            key: value
            for key in ("name", "description")
            if (value := optional_str(group.get(key), f"{path}.{key}", problems))
        }
        if info:
            group_info[group_id] = info
    return TaxonomyDocument(source, categories, groups, group_info, problems)


def read_json(path: str | Path) -> object:
    """Return the JSON document in the file at *path*."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ValidationError.single(
            "", f"{str(path)!r} is not JSON: line {e.lineno}, column {e.colno}: {e.msg}"
        ) from None


def as_mapping(
    value: object,
    path: str,
    fields: Sequence[str] | None,
    problems: list[FieldProblem],
) -> Mapping[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        problems.append(FieldProblem(path, f"must be a JSON object, got {value!r}"))
        return {}
    if fields is not None:
        problems += [
            FieldProblem(f"{path}.{key}" if path else key, "is not a known field")
            for key in value
            if key not in fields
        ]
    return value


def optional_str(value: object, path: str, problems: list[FieldProblem]) -> str | None:
    if value is None or isinstance(value, str):
        return value
    problems.append(FieldProblem(path, f"must be a string, got {value!r}"))
    return None
