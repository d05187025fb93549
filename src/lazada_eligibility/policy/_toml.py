"""
A small TOML writer for policy documents (internal).

The standard library reads TOML (:mod:`tomllib`) but does not write it, and
the project takes no runtime dependency for that. Documents need only text,
whole numbers, booleans, arrays and tables, so this writes exactly those:
top-level values first, then each top-level table as a ``[section]`` whose
values are inline. Arrays that hold tables go one item per line, which
TOML 1.0 allows even inside an inline table; inline tables themselves must
stay on one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from ..exceptions import PolicyError

__all__ = ["dumps"]

_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
# Inside a multi-line string, newlines and tabs stay as they are.
_MULTILINE_ESCAPES: Final = {k: v for k, v in _ESCAPES.items() if k not in "\n\t"} | {
    "\n": "\n",
    "\t": "\t",
}
_INDENT: Final = "  "


def dumps(doc: Mapping[str, object], *, nested: frozenset[str] = frozenset()) -> str:
    """
    Return *doc* as TOML text that :func:`tomllib.loads` reads back equal.

    The top-level tables named in *nested*, when they hold only tables, are
    written as one ``[key.sub]`` section per table they hold.

    Raises:
        PolicyError: A value TOML cannot hold exactly (a float, ``None``, an
            object), or text that is not Unicode.
    """
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, object]]] = []
    for key, value in doc.items():
        if isinstance(value, Mapping):
            tables.append((key, value))
        elif isinstance(value, str) and "\n" in value:
            lines.append(f"{_key(key)} = {_multiline(value)}")
        else:
            lines.append(f"{_key(key)} = {_value(value, 0)}")
    for key, table in tables:
        if key in nested and all(isinstance(v, Mapping) for v in table.values()):
            # A table of tables, such as [categories.groups], as a section each.
            for sub, inner in table.items():
                assert isinstance(inner, Mapping)  # noqa: S101 -- checked just above, for mypy
                lines.extend(("", f"[{_key(key)}.{_key(sub)}]"))
                lines.extend(f"{_key(k)} = {_value(v, 0)}" for k, v in inner.items())
            continue
        lines.extend(("", f"[{_key(key)}]"))
        lines.extend(f"{_key(k)} = {_value(v, 0)}" for k, v in table.items())
    return "\n".join(lines) + "\n"


def _key(key: object) -> str:
    if not isinstance(key, str):
        raise PolicyError(f"TOML keys are text, got {key!r}")
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _escape(text: str, escapes: Mapping[str, str]) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in escapes:
            out.append(escapes[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise PolicyError(f"text that is not valid Unicode: {text!r}")
        else:
            out.append(ch)
    return "".join(out)


def _string(text: str) -> str:
    return f'"{_escape(text, _ESCAPES)}"'


def _multiline(text: str) -> str:
    # The newline right after the opening quotes is not part of the value.
    return f'"""\n{_escape(text, _MULTILINE_ESCAPES)}"""'


def _value(value: object, depth: int) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = ", ".join(f"{_key(k)} = {_value(v, depth)}" for k, v in value.items())
        return f"{{ {items} }}"
    if isinstance(value, list | tuple):
        if not any(isinstance(v, Mapping | list | tuple) for v in value):
            return f"[{', '.join(_value(v, depth) for v in value)}]"
        pad = _INDENT * (depth + 1)
        items = "".join(f"{pad}{_value(v, depth + 1)},\n" for v in value)
        return f"[\n{items}{_INDENT * depth}]"
    raise PolicyError(
        f"TOML cannot hold {value!r} exactly; a document has text, integers, booleans, lists and tables"
    )
