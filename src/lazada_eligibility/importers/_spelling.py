"""
How a message names an option: ``month='2026-09'`` in Python, ``--month 2026-09`` on the command line.

The importers are reached through the Python API and through the ``import``
command; a message that tells the caller what to pass must use the caller's
words. The command sets :data:`SURFACE` for the duration of one run (a
context variable: each thread and task sees its own), everything else sees
the Python spelling.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from typing import Final

__all__ = ["FLAGS", "SURFACE", "command_line", "option", "option_names"]

SURFACE: Final[contextvars.ContextVar[str]] = contextvars.ContextVar(
    "lazada_eligibility_importers_surface", default="python"
)

FLAGS: Final = {
    "amount": "--amount",
    "amount_column": "--amount-column",
    "basis": "--basis",
    "category": "--category",
    "category_column": "--category-column",
    "columns": "--column",
    "currency": "--currency",
    "currency_column": "--currency-column",
    "date_column": "--date-column",
    "date_format": "--date-format",
    "delimiter": "--delimiter",
    "encoding": "--encoding",
    "locale": "--locale",
    "month": "--month",
    "overlap": "--overlap",
    "platform": "--platform",
    "revenue": "--revenue",
    "sku_categories": "--sku-categories",
    "sku_column": "--sku-column",
    "store_id": "--store-id",
    "tz": "--tz",
    "zone_names": "--zone-name",
}
"""Option name -> the ``import`` command's flag for it."""


@contextlib.contextmanager
def command_line() -> Iterator[None]:
    """
    Spell options as the ``import`` command's flags inside the ``with`` block.
    """
    token = SURFACE.set("cli")
    try:
        yield
    finally:
        SURFACE.reset(token)


def option(name: str, value: str | None = None) -> str:
    """
    Return how the caller passes option *name* (with *value*, when one is meant).

    Example:
        >>> option("month", "2026-09")
        "month='2026-09'"
        >>> with command_line():
        ...     option("month", "2026-09"), option("currency"), option("zone_names")
        ('--month 2026-09', '--currency', '--zone-name')
        >>> with command_line():
        ...     option("category_map")
        'category_map= (an option of the Python API only)'
    """
    if SURFACE.get() == "cli":
        flag = FLAGS.get(name)
        if flag is None:
            return f"{name}= (an option of the Python API only)"
        return flag if value is None else f"{flag} {value}"
    return f"{name}=" if value is None else f"{name}={value!r}"


def option_names(names: Iterable[str]) -> str:
    """
    Return the caller's names of options *names*, sorted: flags on the command line.

    Example:
        >>> option_names(["month", "basis", "only"])
        'basis, month, only'
        >>> with command_line():
        ...     option_names(["month", "basis", "only"])
        '--basis, --month'
    """
    if SURFACE.get() == "cli":
        return ", ".join(sorted(FLAGS[n] for n in names if n in FLAGS))
    return ", ".join(sorted(names))
