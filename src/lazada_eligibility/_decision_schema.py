"""
The JSON Schema of :meth:`Decision.to_dict`, generated from the code specs.

The package ships it as ``data/decision.schema.json``; a test keeps the
shipped file equal to :func:`decision_schema` over the built-in codes.
Regenerate it with ``python -m lazada_eligibility._decision_schema``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources
from typing import Any, Final

from .codes import BUILTIN_CODES, CodeSpec, code_specs
from .decision import SCHEMA_VERSION

__all__ = ["decision_schema", "provenance_schema", "shipped_decision_schema"]

_DATA: Final = "decision.schema.json"

_MONTH: Final = {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$"}
_DECIMAL: Final = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?(E[-+]?[0-9]+)?$"}
_DATE: Final = {"type": "string", "format": "date"}
_MONEY: Final = {"$ref": "#/$defs/money"}
_STORE: Final = {"$ref": "#/$defs/store_ref"}

_FACT: Final[dict[str, dict[str, Any]]] = {
    "text": {"type": "string"},
    "texts": {"type": "array", "items": {"type": "string"}},
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
    "decimal": _DECIMAL,
    "date": _DATE,
    "money": _MONEY,
    "month": _MONTH,
    "months": {"type": "array", "items": _MONTH},
    "stores": {"type": "array", "items": _STORE},
}

_OPTIONAL_TEXT: Final = {"type": ["string", "null"]}
_DIGEST: Final = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_CLAIMED: Final = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["platform", "store_id"],
        "additionalProperties": False,
        "properties": {"platform": {"type": "string"}, "store_id": {"type": "string"}},
    },
}


def _fact(kind: str) -> dict[str, Any]:
    return {"anyOf": [_FACT[kind], {"type": "null"}]}


def _code_rule(spec: CodeSpec) -> dict[str, Any]:
    props = {key: _fact(kind) for key, kind in sorted(spec.facts.items())}
    return {
        "if": {"properties": {"code": {"const": spec.code}}, "required": ["code"]},
        "then": {
            "properties": {
                "facts": {
                    "type": "object",
                    "properties": props,
                    "additionalProperties": {"$ref": "#/$defs/tagged_fact"},
                }
            }
        },
    }


def _other_codes(specs: list[CodeSpec]) -> dict[str, Any]:
    # A code without a spec: every fact carries its type (see codes.py).
    return {
        "if": {"properties": {"code": {"not": {"enum": [s.code for s in specs]}}}},
        "then": {
            "properties": {
                "facts": {"additionalProperties": {"$ref": "#/$defs/tagged_fact"}},
            }
        },
    }


def _subject() -> dict[str, Any]:
    stores = {"type": "array", "minItems": 1, "items": _STORE}
    return {
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "kind": {"const": "application"},
                    "id": _OPTIONAL_TEXT,
                    "applicant": {"type": "string"},
                },
                "required": ["kind", "id", "applicant"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "allOf": [{"$ref": "#/$defs/store_ref_fields"}],
                "properties": {"kind": {"const": "store"}},
                "required": ["kind"],
            },
            {
                "type": "object",
                "properties": {"kind": {"const": "stores"}, "stores": stores},
                "required": ["kind", "stores"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"kind": {"const": "month"}, "month": _MONTH, "stores": stores},
                "required": ["kind", "month", "stores"],
                "additionalProperties": False,
            },
        ]
    }


def decision_schema(specs: Iterable[CodeSpec] | None = None) -> dict[str, Any]:
    """
    Return the JSON Schema of a decision document, for the codes of *specs*.

    Args:
        specs: The code specs to describe; by default every registered one
            (the shipped file describes the built-in codes).
    """
    chosen = sorted(code_specs() if specs is None else specs, key=lambda s: s.code)
    ref_fields = {
        "platform": {"type": "string"},
        "store_id": {"type": "string"},
        "platform_id": _OPTIONAL_TEXT,
        "namespace": _OPTIONAL_TEXT,
        "canonical_id": _OPTIONAL_TEXT,
        "label": {"type": "string"},
    }
    tagged_types = ["money", "month", "decimal", "datetime", "date", "store", "float"]
    outcome_list = {"type": "array", "items": {"$ref": "#/$defs/outcome"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://lazada-eligibility.readthedocs.io/schema/decision.schema.json",
        "title": "lazada_eligibility decision",
        "description": (
            f"Decision.to_dict(), schema version {SCHEMA_VERSION}; "
            "generated from the outcome code specs."
        ),
        "type": "object",
        "required": [
            "application_id",
            "as_of",
            "caveats",
            "eligible",
            "outcome",
            "policy",
            "provenance",
            "reasons",
            "remediation",
            "schema_version",
            "verdict",
        ],
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "application_id": _OPTIONAL_TEXT,
            "as_of": _DATE,
            "eligible": {"type": "boolean"},
            "verdict": {"$ref": "#/$defs/verdict"},
            "policy": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "version": {"type": "string"},
                    "digest": {"type": "string"},
                },
                "required": ["id", "version", "digest"],
                "additionalProperties": False,
            },
            "provenance": {"anyOf": [{"$ref": "#/$defs/provenance"}, {"type": "null"}]},
            "outcome": {"$ref": "#/$defs/outcome"},
            "reasons": outcome_list,
            "caveats": outcome_list,
            "remediation": {"type": "array", "items": {"$ref": "#/$defs/remedy"}},
            "relied_on": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"platform": {"type": "string"}, "store_id": {"type": "string"}},
                    "required": ["platform", "store_id"],
                    "additionalProperties": False,
                },
            },
        },
        "$defs": {
            "verdict": {"enum": ["pass", "fail", "review"]},
            "provenance": provenance_schema(),
            "money": {
                "type": "object",
                "properties": {"amount": _DECIMAL, "currency": {"type": "string"}},
                "required": ["amount", "currency"],
                "additionalProperties": False,
            },
            "store_ref_fields": {
                "type": "object",
                "properties": ref_fields,
                "required": sorted(ref_fields),
            },
            "store_ref": {
                "type": "object",
                "properties": ref_fields,
                "required": sorted(ref_fields),
                "additionalProperties": False,
            },
            "subject": _subject(),
            "tagged_fact": {
                "anyOf": [
                    {"type": ["string", "integer", "boolean", "null"]},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"enum": [*tagged_types, "list", "set", "mapping"]},
                            "value": True,
                        },
                        "required": ["type", "value"],
                        "additionalProperties": False,
                    },
                ]
            },
            "outcome": {
                "type": "object",
                "properties": {
                    "rule": {"type": "string"},
                    "verdict": {"$ref": "#/$defs/verdict"},
                    "code": {"type": "string"},
                    "subject": {"$ref": "#/$defs/subject"},
                    "facts": {"type": "object"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/outcome"}},
                },
                "required": ["rule", "verdict", "code", "subject", "facts"],
                "additionalProperties": False,
                "allOf": [*(_code_rule(s) for s in chosen), _other_codes(chosen)],
            },
            "remedy": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "facts": {"type": "object"},
                    "reasons": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "code": {"type": "string"},
                                "subject": {"$ref": "#/$defs/subject"},
                            },
                            "required": ["code", "subject"],
                            "additionalProperties": False,
                        },
                    },
                },
                "required": ["code", "facts", "reasons"],
                "additionalProperties": False,
            },
        },
    }


def provenance_schema() -> dict[str, Any]:
    """
    Return the JSON Schema of a decision's ``provenance`` object.
    """
    return {
        "type": "object",
        "required": ["platforms", "categories", "rates", "registry", "library"],
        "additionalProperties": False,
        "properties": {
            "platforms": _DIGEST,
            "categories": _DIGEST,
            "rates": {
                "type": "object",
                "required": ["digest", "used"],
                "additionalProperties": False,
                "properties": {
                    "digest": _DIGEST,
                    "used": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["currency", "target", "month", "rate"],
                            "additionalProperties": False,
                            "properties": {
                                "currency": {"type": "string"},
                                "target": {"type": "string"},
                                "month": _MONTH,
                                "rate": {"anyOf": [_DECIMAL, {"type": "null"}]},
                            },
                        },
                    },
                },
            },
            "registry": {
                "anyOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["claimed"],
                        "additionalProperties": False,
                        "properties": {"claimed": _CLAIMED},
                    },
                ]
            },
            "library": {"type": "string", "minLength": 1},
        },
    }


def shipped_decision_schema() -> dict[str, Any]:
    """
    Return the schema shipped in the package (``data/decision.schema.json``).
    """
    text = resources.files("lazada_eligibility").joinpath("data", _DATA).read_text("utf-8")
    found: dict[str, Any] = json.loads(text)
    return found


def _text() -> str:
    return json.dumps(decision_schema(BUILTIN_CODES), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover -- regenerates the shipped file
    from pathlib import Path

    Path(__file__).with_name("data").joinpath(_DATA).write_text(_text(), "utf-8")
