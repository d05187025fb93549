"""
Reading policy documents safely: size, nesting and structure, before anything recurses (internal).

The parsers recurse once per level of nesting, so depth is checked on the
text before parsing; a parsed or given mapping is then walked once, with an
explicit stack, for depth, size, repeated keys (JSON), keys that are not
text and text that is not Unicode.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from .._reading import DuplicateKeys, check_nesting, is_unicode, join, json_object, read_text
from ..exceptions import FieldProblem, PolicyError, ValidationError

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_VALUES",
    "DuplicateKeys",
    "check_tree",
    "join",
    "json_object",
    "parse",
    "read",
    "show",
]

MAX_BYTES: Final = 1_000_000
MAX_DEPTH: Final = 64
MAX_VALUES: Final = 100_000


def show(value: object) -> str:
    """
    Return ``repr(value)``, shortened for a message.
    """
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_tree(value: object, path: str) -> tuple[list[FieldProblem], bool]:
    """
    Walk *value* once, bounded, before anything recurses into it.

    Returns the problems found, and whether the value can be read further
    (every key is text). Raises at once when it is too deep or too large.
    """
    count = 0
    problems: list[FieldProblem] = []
    readable = True
    # An explicit stack: a hostile mapping may be cyclic or deeper than the
    # interpreter's recursion limit.
    stack: list[tuple[object, str, int]] = [(value, path, 1)]
    while stack:
        item, where, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise PolicyError(
                [FieldProblem("", f"the document has more than {MAX_VALUES:,} values")]
            )
        if isinstance(item, str):
            if not is_unicode(item):
                problems.append(FieldProblem(where, "text that is not valid Unicode"))
        elif isinstance(item, Mapping | list | tuple):
            if depth > MAX_DEPTH:
                raise PolicyError([FieldProblem(where, f"nested deeper than {MAX_DEPTH} levels")])
            children = _children(item, where, problems)
            readable = readable and children is not None
            stack.extend((child, at, depth + 1) for at, child in children or ())
    return problems, readable


def _children(
    item: Mapping[Any, Any] | list[Any] | tuple[Any, ...], where: str, problems: list[FieldProblem]
) -> list[tuple[str, object]] | None:
    if not isinstance(item, Mapping):
        return [(f"{where}[{i}]", child) for i, child in enumerate(item)]
    problems.extend(
        FieldProblem(join(where, str(key)), "duplicate key")
        for key in getattr(item, "duplicates", ())
    )
    bad = [key for key in item if not isinstance(key, str) or not is_unicode(key)]
    problems.extend(FieldProblem(where, f"keys must be text, got {show(key)}") for key in bad)
    return None if bad else [(join(where, key), child) for key, child in item.items()]


def read(path: Path) -> str:
    """
    Return the text of the policy file at *path*, read as every input file is.
    """
    try:
        return read_text(path, MAX_BYTES)
    except ValidationError as e:
        raise PolicyError(e.problems) from None


def _too_large() -> None:
    raise PolicyError(f"the document is larger than {MAX_BYTES:,} bytes")


def parse(text: str, suffix: str | None) -> object:
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        _too_large()
    text = text.removeprefix("\ufeff")
    _check_nesting(text)
    is_json = suffix == ".json" or (suffix != ".toml" and text.lstrip().startswith("{"))
    try:
        if is_json:
            return json.loads(text, object_pairs_hook=json_object)
        return tomllib.loads(text)
    except json.JSONDecodeError as e:
        raise PolicyError(f"not JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None
    except tomllib.TOMLDecodeError as e:
        hint = _path_hint(text)
        raise PolicyError(f"not TOML: {e}{hint}") from None
    except (ValueError, RecursionError) as e:
        # Integers past the interpreter's digit limit, and a last guard for depth.
        raise PolicyError(f"not a policy document: {e}") from None


def _path_hint(text: str) -> str:
    stripped = text.strip()
    if "\n" not in stripped and stripped.endswith((".toml", ".json")):
        return f"; to read the file {stripped!r}, pass a pathlib.Path"
    return ""


def _check_nesting(text: str) -> None:
    try:
        check_nesting(text, MAX_DEPTH)
    except ValidationError as e:
        raise PolicyError(e.problems) from None
