"""
The outcome-code spec type and its registry (internal; public as :mod:`lazada_eligibility.codes`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs

from ..exceptions import ValidationError
from ..money import Money, money_fact
from ..periods import Month
from ..subjects import StoreRef

__all__ = [
    "FACT_TYPES",
    "MONTH_FACTS",
    "CodeSpec",
    "code_reference",
    "code_spec",
    "code_specs",
    "decode_facts",
    "encode_facts",
    "register_code",
    "remedy_spec",
]

FACT_TYPES: Final = (
    "text",
    "texts",
    "int",
    "bool",
    "decimal",
    "date",
    "money",
    "month",
    "months",
    "stores",
)
"""The fact types a :class:`CodeSpec` may declare."""


def _check_facts(_: object, __: object, value: Mapping[str, str]) -> None:
    for key, kind in value.items():
        if kind not in FACT_TYPES:
            msg = f"fact {key!r} has type {kind!r}; expected one of {', '.join(FACT_TYPES)}"
            raise ValueError(msg)


@attrs.frozen
class CodeSpec:
    """
    What one outcome code means: its facts, its message, its remedy.

    Args:
        code: The code, such as ``turnover.below-minimum``.
        facts: Each fact's name and type (see the module).
        message: The English template of the reason, with ``{where}`` and
            ``{fact}`` fields; ``None`` for a code the catch-all says.
        remedy: The remedy code that answers it, if any.
        summary: One line for the code reference.
        translations: The message in other languages, keyed by language
            (``ms``, ``zh_Hans``...); built-in codes are translated by the
            package's catalogs instead.
        remedy_message: For a custom code, the English template of its
            remedy (``{where}`` and the outcome's facts as fields).
        remedy_translations: The remedy in other languages, keyed by language.

    .. versionadded:: 0.2.0
    """

    code: str
    facts: Mapping[str, str] = attrs.field(factory=dict, validator=_check_facts)
    message: str | None = None
    remedy: str | None = None
    summary: str = ""
    translations: Mapping[str, str] = attrs.field(factory=dict)
    remedy_message: str | None = None
    remedy_translations: Mapping[str, str] = attrs.field(factory=dict)

    def encode_facts(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """
        Return *facts* as JSON-ready values, by the types this spec declares.

        Raises:
            TypeError: A declared fact does not have its declared type.
        """
        types = self.facts
        out: dict[str, Any] = {}
        for key, value in facts.items():
            kind = types.get(key)
            out[key] = _encode_tagged(key, value) if kind is None else _encode(key, kind, value)
        return out

    def decode_facts(self, data: object) -> dict[str, Any]:
        """
        Read back facts written by :meth:`encode_facts`.

        Raises:
            ValidationError: Naming the fact that is not of its type.
        """
        if not isinstance(data, Mapping):
            raise ValidationError.single("", f"expected an object, got {data!r}")
        types = self.facts
        out: dict[str, Any] = {}
        for key, value in data.items():
            kind = types.get(key)
            try:
                out[key] = _decode_tagged(value) if kind is None else _decode(kind, value)
            except ValidationError as e:
                if kind == "stores":
                    raise e.prefixed(str(key)) from None
                # A month or money value's own error names the value, not a key below the fact.
                detail = "; ".join(p.message for p in e.problems)
                raise ValidationError.single(
                    str(key), f"not a {kind or 'fact'}: {detail}"
                ) from None
            except (ValueError, TypeError, KeyError, InvalidOperation, AttributeError) as e:
                what = f"a {kind} fact" if kind else "a fact"
                raise ValidationError.single(str(key), f"not {what}: {value!r} ({e})") from None
        return out


_REGISTRY: dict[str, CodeSpec] = {}


def register_code(spec: CodeSpec, *, replace: bool = False) -> CodeSpec:
    """
    Register *spec*, so that decisions encode, decode and explain its code.

    Registering an equal spec again is allowed (a module imported twice).

    Raises:
        ValueError: Another spec holds the code, unless *replace*.

    .. versionadded:: 0.2.0
    """
    held = _REGISTRY.get(spec.code)
    if held is not None and held != spec and not replace:
        msg = f"outcome code {spec.code!r} is registered already, with another spec"
        raise ValueError(msg)
    _REGISTRY[spec.code] = spec
    return spec


_BARE: Final = CodeSpec("")


def code_spec(code: str) -> CodeSpec:
    """
    Return the spec of *code*; an unregistered code gets a spec that declares no facts.

    .. versionadded:: 0.2.0
    """
    return _REGISTRY.get(code) or _BARE


def remedy_spec(remedy: str) -> CodeSpec | None:
    """
    Return the spec whose code brings its own message for the remedy code *remedy*, if any.

    .. versionadded:: 0.2.0
    """
    for spec in _REGISTRY.values():
        if spec.remedy == remedy and spec.remedy_message is not None:
            return spec
    return None


def code_specs() -> tuple[CodeSpec, ...]:
    """
    Return every registered spec, by code.

    .. versionadded:: 0.2.0
    """
    return tuple(_REGISTRY[k] for k in sorted(_REGISTRY))


def code_reference(specs: Iterable[CodeSpec] | None = None) -> str:
    """
    Return reStructuredText: a table of every code with its facts, summary and remedy.

    The docs' code reference is this table over the built-in codes.

    Example:
        >>> from lazada_eligibility.codes import BUILTIN_CODES, code_reference
        >>> print(code_reference(BUILTIN_CODES[:1]))
        .. list-table::
           :header-rows: 1
        <BLANKLINE>
           * - Code
             - Facts
             - Meaning
             - Remedy
           * - ``platform.cross-border``
             - ``platform`` (text), ``name`` (text), ``kind`` (text)
             - The store's platform is of a wanted kind.
             -

    .. versionadded:: 0.2.0
    """
    chosen = sorted(code_specs() if specs is None else specs, key=lambda s: s.code)
    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        "",
        "   * - Code",
        "     - Facts",
        "     - Meaning",
        "     - Remedy",
    ]
    for spec in chosen:
        facts = ", ".join(f"``{k}`` ({t})" for k, t in spec.facts.items())
        remedy = f"``{spec.remedy}``" if spec.remedy else ""
        lines += [
            f"   * - ``{spec.code}``",
            f"     - {facts}".rstrip(),
            f"     - {spec.summary}".rstrip(),
            f"     - {remedy}".rstrip(),
        ]
    return "\n".join(lines)


def encode_facts(code: str, facts: Mapping[str, Any]) -> dict[str, Any]:
    """
    Return the facts of an outcome with *code* as JSON-ready values.

    .. versionadded:: 0.2.0
    """
    if not facts:
        return {}
    return code_spec(code).encode_facts(facts)


def decode_facts(code: str, data: object) -> dict[str, Any]:
    """
    Read back the facts of an outcome with *code*.

    .. versionadded:: 0.2.0
    """
    return code_spec(code).decode_facts(data)


# -- declared types ------------------------------------------------------------------------


def _is_texts(v: object) -> bool:
    return isinstance(v, tuple) and all(isinstance(x, str) for x in v)


def _is_months(v: object) -> bool:
    return isinstance(v, tuple) and all(isinstance(x, Month) for x in v)


def _is_stores(v: object) -> bool:
    return isinstance(v, tuple) and all(isinstance(x, StoreRef) for x in v)


_CHECKS: Final[Mapping[str, Callable[[object], bool]]] = {
    "text": lambda v: isinstance(v, str),
    "texts": _is_texts,
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "decimal": lambda v: isinstance(v, Decimal),
    "date": lambda v: type(v) is dt.date,
    "money": lambda v: isinstance(v, Money),
    "month": lambda v: isinstance(v, Month),
    "months": _is_months,
    "stores": _is_stores,
}


def _encode(key: str, kind: str, value: object) -> object:
    if value is None:
        return None
    if not _CHECKS[kind](value):
        msg = f"fact {key!r} is declared {kind}, got {value!r}"
        raise TypeError(msg)
    if kind in {"text", "int", "bool"}:
        return value
    if kind == "money":
        return {"amount": str(value.amount), "currency": value.currency}  # type: ignore[attr-defined]
    if kind in {"decimal", "month"}:
        return str(value)
    if kind == "date":
        return value.isoformat()  # type: ignore[attr-defined]
    if kind in {"texts", "months"}:
        return [str(x) for x in value]  # type: ignore[attr-defined]
    return [x.ref_dict() for x in value]  # type: ignore[attr-defined]


def _decode(kind: str, value: object) -> object:  # noqa: C901 -- one case per type
    if value is None:
        return None
    if kind == "money":
        if not isinstance(value, Mapping) or set(value) != {"amount", "currency"}:
            raise TypeError("expected an object with amount and currency")
        return money_fact(value)
    if kind == "month":
        return Month.parse(_str(value))
    if kind == "decimal":
        return Decimal(_str(value))
    if kind == "date":
        return dt.date.fromisoformat(_str(value))
    if kind in {"texts", "months", "stores"}:
        if not isinstance(value, list):
            raise TypeError("expected a list")
        if kind == "texts":
            return tuple(_str(x) for x in value)
        if kind == "months":
            return tuple(Month.parse(_str(x)) for x in value)
        return tuple(StoreRef.from_dict(x) for x in value)
    if not _CHECKS[kind](value):
        raise TypeError(f"expected {kind}")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


# -- facts no spec declares: written with their type ------------------------------------


def _encode_tagged(key: str, value: object) -> object:  # noqa: C901 -- one case per type
    if value is None or type(value) in {str, int, bool}:
        return value
    if isinstance(value, Money):
        return {"type": "money", "value": value.to_dict()}
    if isinstance(value, Month):
        return {"type": "month", "value": str(value)}
    if isinstance(value, Decimal):
        return {"type": "decimal", "value": str(value)}
    if isinstance(value, dt.datetime):
        return {"type": "datetime", "value": value.isoformat()}
    if isinstance(value, dt.date):
        return {"type": "date", "value": value.isoformat()}
    if isinstance(value, StoreRef):
        return {"type": "store", "value": value.ref_dict()}
    if isinstance(value, tuple | list):
        return {"type": "list", "value": [_encode_tagged(key, v) for v in value]}
    if isinstance(value, frozenset | set):
        items = sorted((_encode_tagged(key, v) for v in value), key=repr)
        return {"type": "set", "value": items}
    if isinstance(value, Mapping):
        found = {str(k): _encode_tagged(key, v) for k, v in value.items()}
        return {"type": "mapping", "value": found}
    if isinstance(value, float):
        return {"type": "float", "value": value}
    msg = (
        f"fact {key!r} has a value of type {type(value).__name__} that JSON cannot hold: {value!r}"
    )
    raise TypeError(msg)


_TAGGED: Final[Mapping[str, Callable[[Any], object]]] = {
    "money": money_fact,
    "month": lambda v: Month.parse(_str(v)),
    "decimal": lambda v: Decimal(_str(v)),
    "datetime": lambda v: dt.datetime.fromisoformat(_str(v)),
    "date": lambda v: dt.date.fromisoformat(_str(v)),
    "store": StoreRef.from_dict,
    "float": float,
}


def _decode_tagged(value: object) -> object:
    if value is None or type(value) in {str, int, bool}:
        return value
    if not isinstance(value, Mapping) or set(value) != {"type", "value"}:
        raise TypeError("expected a JSON scalar or an object with type and value")
    kind, inner = value["type"], value["value"]
    if kind in {"list", "set"}:
        if not isinstance(inner, list):
            raise TypeError("expected a list")
        items = [_decode_tagged(v) for v in inner]
        return tuple(items) if kind == "list" else frozenset(items)
    if kind == "mapping":
        if not isinstance(inner, Mapping):
            raise TypeError("expected an object")
        return {str(k): _decode_tagged(v) for k, v in inner.items()}
    if kind == "float" and not isinstance(inner, int | float):
        raise TypeError("expected a number")
    reader = _TAGGED.get(kind)
    if reader is None:
        raise TypeError(f"unknown type {kind!r}")
    return reader(inner)


MONTH_FACTS: Final = {"month": "month", "amount": "money", "minimum": "money"}
"""The facts of a month's turnover outcome, shared by the turnover and category codes."""
