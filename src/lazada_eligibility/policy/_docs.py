"""
The JSON Schema and the reference text of policy documents, from the kind table (internal).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from ._build import DECIMAL, PARAM_NAME
from ._kinds import KINDS, RuleKind, RuleParam

__all__ = ["reference", "schema"]

SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
_REF: Final = {"$ref": "#/$defs/param"}
_TEXT: Final = {"type": "string", "pattern": r"\S"}


def _kind_def(name: str) -> str:
    return f"kind-{name}"


def _item_schema(param: RuleParam) -> dict[str, Any]:
    kind = param.type
    schema: dict[str, Any]
    if kind == "rule":
        return {"$ref": "#/$defs/rule"}
    if kind == "int":
        schema = {"type": "integer"}
    elif kind == "bool":
        schema = {"type": "boolean"}
    elif kind == "decimal":
        schema = {"$ref": "#/$defs/decimal"}
    elif kind == "money":
        schema = {"$ref": "#/$defs/money"}
    elif kind == "currency":
        schema = {"$ref": "#/$defs/currency"}
    elif kind == "str" and param.choices:
        schema = {"enum": list(param.choices)}
    else:
        schema = dict(_TEXT)
    if kind == "int" and param.minimum is not None:
        schema["minimum"] = param.minimum
    if kind == "int" and param.maximum is not None:
        schema["maximum"] = param.maximum
    return {"anyOf": [schema, _REF]}


def _param_schema(param: RuleParam) -> dict[str, Any]:
    item = _item_schema(param)
    if param.many:
        array: dict[str, Any] = {"type": "array", "items": item}
        if param.min_items:
            array["minItems"] = param.min_items
        result: dict[str, Any] = array if param.type == "rule" else {"anyOf": [array, _REF]}
    else:
        result = item
    if param.doc:
        result = {"description": param.doc, **result}
    if not param.required:
        default = param.default
        result["default"] = list(default) if isinstance(default, tuple) else default
    return result


def _value_schema(kind: RuleKind) -> dict[str, Any]:
    if kind.shape == "rules":
        return _param_schema(kind.params[0][1])
    if kind.shape == "rule":
        return {"$ref": "#/$defs/rule"}
    if kind.shape == "cases":
        keys, param = kind.params[0]
        case = {
            "type": "object",
            "additionalProperties": False,
            "required": [keys, "rule"],
            "properties": {keys: _param_schema(param), "rule": {"$ref": "#/$defs/rule"}},
        }
        return {
            "type": "object",
            "additionalProperties": False,
            "required": ["cases", "otherwise"],
            "properties": {
                "cases": {"type": "array", "minItems": 1, "items": case},
                "otherwise": {"$ref": "#/$defs/rule"},
            },
        }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [k for k, p in kind.params if p.required],
        "properties": {k: _param_schema(p) for k, p in kind.params},
    }


def schema(names: Iterable[str]) -> dict[str, Any]:
    """
    Return the JSON Schema of documents that may use the kinds *names*.
    """
    kinds = [KINDS[n] for n in names]
    defs: dict[str, Any] = {
        "rule": {
            "description": "A rule: a table with exactly one rule kind.",
            "oneOf": [{"$ref": f"#/$defs/{_kind_def(k.name)}"} for k in kinds],
        },
        "param": {
            "description": "A reference to a parameter declared in [params].",
            "type": "object",
            "additionalProperties": False,
            "required": ["param"],
            "properties": {"param": {"type": "string", "pattern": f"^{PARAM_NAME.pattern}$"}},
        },
        "decimal": {
            "description": 'A number written as text, such as "1000.50"; floats are refused.',
            "anyOf": [{"type": "string", "pattern": f"^{DECIMAL.pattern}$"}, {"type": "integer"}],
        },
        "currency": {
            "description": 'An ISO 4217 currency code, such as "USD".',
            "type": "string",
            "pattern": "^[A-Za-z]{3}$",
        },
        "money": {
            "description": 'An amount of money: { amount = "1000", currency = "USD" }.',
            "type": "object",
            "additionalProperties": False,
            "required": ["amount", "currency"],
            "properties": {
                "amount": {"anyOf": [{"$ref": "#/$defs/decimal"}, _REF]},
                "currency": {"anyOf": [{"$ref": "#/$defs/currency"}, _REF]},
            },
        },
    }
    for kind in kinds:
        defs[_kind_def(kind.name)] = {
            "description": kind.summary,
            "type": "object",
            "additionalProperties": False,
            "required": [kind.name],
            "properties": {kind.name: _value_schema(kind)},
        }
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "lazada_eligibility policy document",
        "description": "A policy of lazada_eligibility: its identity and its rule tree.",
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "version", "rule"],
        "properties": {
            "$schema": {"type": "string"},
            "id": {**_TEXT, "description": "A stable id, such as lazada-cross-border."},
            "version": {**_TEXT, "description": "Change it whenever the rule changes."},
            "title": {"type": "string", "description": "A one-line title."},
            "source": {"type": "string", "description": "Where each default comes from."},
            "params": {
                "description": "Named values that the rule refers to as { param = NAME }.",
                "type": "object",
                "propertyNames": {"pattern": f"^{PARAM_NAME.pattern}$"},
                "additionalProperties": {
                    "type": ["string", "integer", "boolean", "array", "object"]
                },
            },
            "categories": {
                "description": "Names for lists of categories, usable wherever a list of "
                "categories is: [categories.groups] fashion = [...].",
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "groups": {
                        "type": "object",
                        "propertyNames": {"pattern": f"^{PARAM_NAME.pattern}$"},
                        "additionalProperties": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "string", "minLength": 1},
                        },
                    }
                },
            },
            "rule": {"$ref": "#/$defs/rule"},
        },
        "$defs": defs,
    }


_TYPE_NAMES: Final = {
    "int": "whole number",
    "str": "text",
    "bool": "true or false",
    "decimal": 'number as text ("1000.50")',
    "money": 'money ({ amount = "1000", currency = "USD" })',
    "currency": "ISO 4217 code",
    "month": 'month ("2026-09")',
    "category": "category id or group",
    "rule": "rule",
}


def _describe(param: RuleParam) -> str:
    what = _TYPE_NAMES[param.type]
    if param.choices:
        what = "one of " + ", ".join(f"``{c}``" for c in param.choices)
    if param.many:
        what = f"list of {what}" + (f", at least {param.min_items}" if param.min_items else "")
    bounds = [
        f"at least {param.minimum}" if param.minimum is not None else "",
        f"at most {param.maximum}" if param.maximum is not None else "",
    ]
    what = ", ".join([what, *(b for b in bounds if b)])
    if param.required:
        return f"{what}; required"
    default = param.default
    shown = "[]" if default == () else f'"{default}"' if isinstance(default, str) else default
    return f"{what}; default ``{shown}``"


def reference(names: Iterable[str]) -> str:
    """
    Return reStructuredText describing the kinds *names*: parameters and codes.
    """
    out: list[str] = []
    for name in names:
        kind = KINDS[name]
        title = f"``{name}``"
        out += [title, "-" * len(title), "", kind.summary, ""]
        if kind.subject:
            out += [f"About: {kind.subject}.", ""]
        if kind.factory:
            out += [f"Built by :func:`~{kind.factory}`.", ""]
        if kind.shape == "rules":
            out += [f"Value: a list of rules, as in ``{{ {name} = [ ... ] }}``.", ""]
        elif kind.shape == "rule":
            out += [f"Value: one rule, as in ``{{ {name} = {{ ... }} }}``.", ""]
        elif kind.shape == "cases":
            keys, param = kind.params[0]
            value = f"``{{ cases = [{{ {keys} = [...], rule = {{ ... }} }}, ...], otherwise = {{ ... }} }}``"
            out += [
                f"Value: {value}; the first case that applies decides.",
                "",
                f"- ``{keys}`` ({_describe(param)}).{' ' + param.doc if param.doc else ''}",
                "",
            ]
        elif kind.params:
            out += ["Parameters:", ""]
            for key, param in kind.params:
                doc = f" {param.doc}" if param.doc else ""
                out.append(f"- ``{key}`` ({_describe(param)}).{doc}")
            out.append("")
        else:
            out += ["Parameters: none; write ``{}``.", ""]
        out += ["Outcome codes:", ""]
        out += [f"- ``{code}``: {meaning}" for code, meaning in kind.codes]
        out.append("")
    return "\n".join(out)
