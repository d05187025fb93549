"""
Import paths that moved, kept working for one minor version.

A module that moved into a subpackage leaves an alias behind: a module
whose attributes come from the new place, each with a
:class:`DeprecationWarning` that names the new import.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any, Final

REMOVED_IN: Final = "0.2.0"
"""The release that drops the old import paths."""


def forward(old: str, new: str) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """
    Return a module's ``__getattr__`` and ``__dir__`` that forward to *new*.

    Each name read through the old module *old* warns once per call site,
    naming where to import it from instead.
    """

    def __getattr__(name: str) -> Any:  # noqa: ANN401, N807 -- the module protocol: any attribute
        if name.startswith("__"):
            raise AttributeError(name)
        target = importlib.import_module(new)
        try:
            value = getattr(target, name)
        except AttributeError:
            msg = f"module {old!r} has no attribute {name!r}"
            raise AttributeError(msg) from None
        warnings.warn(
            f"{old} moved to {new}: import {name} from {new}; the old path goes in {REMOVED_IN}",
            DeprecationWarning,
            stacklevel=2,
        )
        return value

    def __dir__() -> list[str]:  # noqa: N807 -- the module protocol's name
        return sorted(set(dir(importlib.import_module(new))) - {"__builtins__"})

    return __getattr__, __dir__
