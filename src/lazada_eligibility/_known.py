"""
Refuse category ids the taxonomy in use does not know, before a decision is made (internal).

A typo in the category applied for (``"mobile"`` for ``"mobiles"``) used to
come out as a manual review that blamed the store's valid category. An id
that is not in the taxonomy is an input error, named with its path and the
closest known ids, wherever an application is decided: :func:`evaluate`,
:meth:`Policy.check`, batch runs and the command line all pass here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .exceptions import FieldProblem, UnknownCategoryError, ValidationError

if TYPE_CHECKING:
    from .categories import CategoryTaxonomy
    from .models import Application

__all__ = ["require_known_categories"]


def require_known_categories(application: Application, taxonomy: CategoryTaxonomy) -> None:
    """
    Raise :class:`ValidationError` naming every category id of *application* not in *taxonomy*.

    The category applied for, each store's category and each turnover
    record's category are checked (a category or a group of categories);
    ``None`` (not given) is left to the rules.
    """
    problems: list[FieldProblem] = []
    if not _known(application.category, taxonomy):
        problems.append(_problem("category", application.category, taxonomy))
    for i, store in enumerate(application.stores):
        if store.category is not None and not _known(store.category, taxonomy):
            problems.append(_problem(f"stores[{i}].category", store.category, taxonomy))
        for j, record in enumerate(store.turnover):
            if record.category is not None and not _known(record.category, taxonomy):
                where = f"stores[{i}].turnover[{j}].category"
                problems.append(_problem(where, record.category, taxonomy))
    if problems:
        raise ValidationError(problems)


def _known(category_id: str, taxonomy: CategoryTaxonomy) -> bool:
    # A group of categories (such as 3C digital) is as good as a category.
    return category_id in taxonomy or taxonomy.is_group(category_id)


def _problem(path: str, category_id: str, taxonomy: CategoryTaxonomy) -> FieldProblem:
    try:
        taxonomy.get(category_id)
    except UnknownCategoryError as e:
        return FieldProblem(path, str(e))
    return FieldProblem(path, f"unknown category id {category_id!r}")  # pragma: no cover
