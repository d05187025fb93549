"""
What the built-in leaf rules share: their base class, their subjects and how they show a rate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ..subjects import ApplicationRef
from ._core import Context, Rule

if TYPE_CHECKING:
    from ._codegen import _Writer


__all__ = ["LeafRule", "Result", "app_subject", "rate_text"]

Result = tuple[str, str]
"""What an explaining template returns: its outcome variable and its verdict expression."""


def rate_text(rate: object) -> str:
    """
    Show a rate the engine would not convert with, shortened when long.
    """
    text = str(rate)
    return text if len(text) <= 40 else f"{text[:32]}..."


@attrs.frozen(repr=False)
class LeafRule(Rule[Any]):
    """
    Base of leaf rules: ``str()`` and ``repr()`` read like the call that built it.

    .. versionadded:: 0.1.0
    """

    def __repr__(self) -> str:
        return str(self)


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _app_subject(ctx: Context) -> ApplicationRef:
    return ctx.subject()


def app_subject(w: _Writer) -> str:
    """
    The application's subject in generated code, made once per function.
    """
    w.need("asub", "asub = _AR(app.id, app.applicant)")
    return "asub"
