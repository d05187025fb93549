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

from .exceptions import FieldProblem, PolicyError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_VALUES", "check_tree", "join", "parse", "read", "show"]

MAX_BYTES: Final = 1_000_000
MAX_DEPTH: Final = 64
MAX_VALUES: Final = 100_000


def join(path: str, key: str) -> str:
    """
    Return the path of *key* below *path*, such as ``rule.all``.
    """
    return f"{path}.{key}" if path else key


def show(value: object) -> str:
    """
    Return ``repr(value)``, shortened for a message.
    """
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class DuplicateKeys(dict[str, Any]):
    """
    A JSON object that repeated some keys; :func:`json.loads` keeps the last value.
    """

    duplicates: tuple[str, ...] = ()


def json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """
    ``object_pairs_hook`` for :func:`json.loads` that remembers repeated keys.
    """
    result = DuplicateKeys(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        result.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
    return result


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
            if not _is_unicode(item):
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
    bad = [key for key in item if not isinstance(key, str) or not _is_unicode(key)]
    problems.extend(FieldProblem(where, f"keys must be text, got {show(key)}") for key in bad)
    return None if bad else [(join(where, key), child) for key, child in item.items()]


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read(path: Path) -> str:
    with path.open("rb") as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        _too_large()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise PolicyError(f"not UTF-8 text: {e.reason} at byte {e.start}") from None


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
    """
    Refuse text whose brackets nest deeper than :data:`MAX_DEPTH`.

    The parsers recurse once per level, so a document 10,000 levels deep
    must be refused before it is parsed. Strings and comments are skipped:
    a bracket inside them does not nest. This never refuses a document
    that the structural check would accept, since every bracket outside a
    string opens a value.
    """
    depth = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, i) + 1
                column = i - (text.rfind("\n", 0, i) + 1) + 1
                raise PolicyError(
                    [
                        FieldProblem(
                            "",
                            f"nested deeper than {MAX_DEPTH} levels at line {line}, column {column}",
                        )
                    ]
                )
        elif ch in "]}":
            depth -= 1
        elif ch == "#":
            i = _skip_to(text, "\n", i + 1)
            continue
        elif ch in "\"'":
            i = _skip_string(text, i)
            continue
        i += 1


def _skip_to(text: str, end: str, start: int) -> int:
    found = text.find(end, start)
    return len(text) if found < 0 else found + len(end)


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    delimiter = quote * 3 if text.startswith(quote * 3, i) else quote
    i += len(delimiter)
    escapes = quote == '"'
    while i < len(text):
        if escapes and text[i] == "\\":
            i += 2
            continue
        if text.startswith(delimiter, i):
            # A multi-line string may end in up to two more quotes.
            i += len(delimiter)
            while len(delimiter) == 3 and i < len(text) and text[i] == quote:
                i += 1
            return i
        if len(delimiter) == 1 and text[i] == "\n":
            return i
        i += 1
    return i
