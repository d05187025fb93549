"""
One spec per outcome code: its fact types, its message and its remedy.

Every outcome code the engine can raise has a :class:`CodeSpec` in one
registry. The decision's JSON encoder and decoder read a fact's type from
it (never from the fact's name), the explanations take the message from it,
the remediation the remedy, and the docs' code reference and the shipped
JSON Schema of a decision are generated from it. A custom rule registers
its own codes with :func:`register_code`, with a message in English and in
any other language it ships.

Fact types: ``text``, ``texts`` (a tuple of text), ``int``, ``bool``,
``decimal``, ``date``, ``money``, ``month``, ``months`` (a tuple of months)
and ``stores`` (a tuple of :class:`~lazada_eligibility.subjects.StoreRef`).
Every fact may also be ``None``. A fact that a spec does not declare is
written with its type beside it (``{"type": "decimal", "value": "1.5"}``),
so that it, too, reads back exactly.

Example:
    >>> from decimal import Decimal
    >>> from lazada_eligibility.codes import CodeSpec, code_spec, register_code
    >>> spec = register_code(
    ...     CodeSpec(
    ...         "vat.missing",
    ...         facts={"rate": "decimal"},
    ...         message="{where}: no VAT number; the {rate} rate cannot be checked.",
    ...         translations={"ms": "{where}: tiada nombor VAT; kadar {rate} tidak dapat disemak."},
    ...         summary="The store has no VAT number.",
    ...     )
    ... )
    >>> code_spec("vat.missing").encode_facts({"rate": Decimal("0.06")})
    {'rate': '0.06'}

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from typing import Final

from ._l10n import N_
from .rules import _category, _evidence, _owner, _platform, _turnover
from .rules._spec import (
    FACT_TYPES,
    CodeSpec,
    code_reference,
    code_spec,
    code_specs,
    decode_facts,
    encode_facts,
    register_code,
    remedy_spec,
)

__all__ = [
    "BUILTIN_CODES",
    "FACT_TYPES",
    "CodeSpec",
    "code_reference",
    "code_spec",
    "code_specs",
    "decode_facts",
    "encode_facts",
    "register_code",
    "remedy_spec",
]

# -- the built-in codes --------------------------------------------------------------------

BUILTIN_CODES: Final[tuple[CodeSpec, ...]] = (
    *_platform.CODES,
    *_category.CODES,
    *_turnover.CODES,
    *_evidence.CODES,
    *_owner.CODES,
    CodeSpec("stores.none", {}, N_("The application names no store."), "stores.add", "The application names no store."),
    *(
        CodeSpec(f"{kind}.{verdict}", facts, None, None, f"``{rule}`` gives {verdict}.")
        for kind, rule, facts in (
            ("all", "all_of", {}),
            ("any", "any_of", {}),
            ("not", "not_", {}),
            ("any_store", "any_store", {}),
            ("every_store", "every_store", {}),
            ("combined_stores", "combined_stores", {"stores": "stores"}),
            ("each_month", "each_month", {"months": "months", "window": "int", "lag_days": "int"}),
            ("by_applied_category", "by_applied_category", {"applied": "text", "case": "int", "categories": "texts"}),
            ("by_market", "by_market", {"market": "text", "case": "int", "markets": "texts"}),
        )
        for verdict in ("fail", "review", "pass")
    ),
)  # fmt: skip
"""The specs of every code the built-in rules raise."""

for _builtin in BUILTIN_CODES:
    register_code(_builtin)
