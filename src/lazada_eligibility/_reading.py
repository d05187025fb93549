r"""
One reader for every input document: bytes, text and JSON, bounded and strict (internal).

Applications, policies, rate files and decision files are read the same
way everywhere: the size is checked before anything is parsed, a UTF-8
byte-order mark is accepted, text that is not UTF-8 is refused naming the
byte, and JSON is refused when it repeats a key (naming the key and its
path), nests deeper than :data:`MAX_DEPTH`, holds a number the interpreter
will not convert, or holds text that is not Unicode (a lone surrogate
escape such as ``\ud800``). Problems are :class:`ValidationError` values
whose path says where; callers add the file name.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Final

from .exceptions import FieldProblem, ValidationError

__all__ = [
    "APPLICATION_BYTES",
    "MAX_DEPTH",
    "RATES_BYTES",
    "DuplicateKeys",
    "check_csv",
    "check_nesting",
    "decode",
    "json_object",
    "loads",
    "read_bytes",
    "read_text",
]

APPLICATION_BYTES: Final = 4 << 20
"""The largest application document read (4 MiB): far above any real one."""
RATES_BYTES: Final = 16 << 20
"""The largest exchange-rate file read (16 MiB): decades of every currency."""
MAX_DEPTH: Final = 64
"""How deep JSON may nest; an application needs 6 levels."""
_INT_DIGITS: Final = 4300
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")


def show_size(limit: int) -> str:
    """
    Return *limit* in bytes as people write it: ``4 MiB``, ``1,000,000 bytes``.
    """
    if limit % (1 << 20) == 0:
        return f"{limit >> 20} MiB"
    return f"{limit:,} bytes"


def read_bytes(path: Path, limit: int, stream: IO[bytes] | None = None) -> bytes:
    """
    Return the bytes of *path* (or of *stream*), refusing more than *limit* before reading them all.

    Raises:
        OSError: The file cannot be opened or read.
        ValidationError: It is larger than *limit*.
    """
    if stream is not None:
        data = stream.read(limit + 1)
    else:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    if len(data) > limit:
        raise ValidationError.single("", f"larger than {show_size(limit)}, the limit for this file")
    return data


def check_csv(text: str) -> None:
    """
    Refuse CSV text with a field longer than :mod:`csv`'s limit, naming the line.

    Raises:
        ValidationError: ``line N: a field longer than 131,072 characters``.
    """
    limit = csv.field_size_limit()
    if len(text) <= limit:
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for _ in reader:
            pass
    except csv.Error as e:
        raise ValidationError.single(
            f"line {reader.line_num}", f"not CSV this library reads: {e}"
        ) from None


def decode(data: bytes) -> str:
    """
    Decode UTF-8 (a leading byte-order mark is dropped), naming the first bad byte.

    Raises:
        ValidationError: The bytes are not UTF-8.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        where = f" (line {line})" if line > 1 else ""
        raise ValidationError.single(
            "", f"not UTF-8 text: {e.reason} at byte {e.start + 1}{where}"
        ) from None


def read_text(path: Path, limit: int, stream: IO[bytes] | None = None) -> str:
    """
    Return the text of *path* (or *stream*): :func:`read_bytes` then :func:`decode`.
    """
    return decode(read_bytes(path, limit, stream))


class DuplicateKeys(dict[str, Any]):
    """
    A JSON object that repeated some keys; :func:`json.loads` would keep the last value.
    """

    duplicates: tuple[str, ...] = ()


def json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """
    ``object_pairs_hook`` for :func:`json.loads` that remembers repeated keys.
    """
    plain = dict(pairs)
    if len(plain) == len(pairs):
        # A plain dict: readers take their fast path only for exact dicts.
        return plain
    result = DuplicateKeys(pairs)
    seen: set[str] = set()
    result.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
    return result


class _Repeated:
    # Set by the hook when some object of the document repeated a key, so
    # that the tree is walked for the paths only when there is one to find.
    found = False


def _int(text: str) -> int:
    if len(text.lstrip("-")) > _INT_DIGITS:
        msg = f"a number with {len(text.lstrip('-')):,} digits (at most {_INT_DIGITS:,})"
        raise _NumberError(msg)
    return int(text)


class _NumberError(ValueError):
    pass


def loads(text: str | bytes) -> Any:  # noqa: ANN401 -- any JSON value
    """
    Parse one JSON document strictly.

    Raises:
        ValidationError: The text is not JSON (naming line and column), or
            repeats a key, nests too deep, holds a number too long or text
            that is not Unicode (naming the path).

    Example:
        >>> loads('{"platform": "Taobao", "platform": "Amazon US"}')
        Traceback (most recent call last):
        ...
        lazada_eligibility.exceptions.ValidationError: platform: repeated key
    """
    if isinstance(text, bytes):
        text = decode(text)
    elif text.startswith("\ufeff"):
        text = text[1:]
    if text.count("[") + text.count("{") > MAX_DEPTH:
        check_nesting(text)
    repeated = _Repeated()

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            repeated.found = True
            return json_object(pairs)
        return result

    value = _parse(text, hook)
    if repeated.found or _SURROGATE_ESCAPE.search(text):
        problems = structure_problems(value)
        if problems:
            raise ValidationError(problems)
    return value


def _parse(text: str, hook: Any) -> Any:  # noqa: ANN401 -- any JSON value
    try:
        return json.loads(text, object_pairs_hook=hook, parse_int=_int)
    except json.JSONDecodeError as e:
        if not e.doc.strip():
            raise ValidationError.single("", "not JSON: empty") from None
        # Some of json's messages end in "at", waiting for the place.
        where = f"column {e.colno}" if e.lineno == 1 else f"line {e.lineno}, column {e.colno}"
        msg = f"not JSON: {e.msg.removesuffix(' at')} at {where}"
        raise ValidationError.single("", msg) from None
    except _NumberError as e:
        raise ValidationError.single("", f"not JSON this library reads: {e}") from None
    except RecursionError:  # pragma: no cover -- check_nesting refuses these first
        raise ValidationError.single("", f"nested deeper than {MAX_DEPTH} levels") from None


def structure_problems(value: object, path: str = "") -> list[FieldProblem]:
    """
    Return the repeated keys and text that is not Unicode in a parsed document, with their paths.

    Walks with an explicit stack, so any depth is safe.
    """
    problems: list[FieldProblem] = []
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if not is_unicode(item):
                problems.append(FieldProblem(where, "text that is not valid Unicode"))
        elif isinstance(item, Mapping):
            problems.extend(
                FieldProblem(join(where, key), "repeated key")
                for key in getattr(item, "duplicates", ())
            )
            for key, child in item.items():
                if isinstance(key, str) and not is_unicode(key):
                    problems.append(FieldProblem(where, "a key that is not valid Unicode"))
                    continue
                stack.append((child, join(where, str(key))))
        elif isinstance(item, list | tuple):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    problems.sort(key=lambda p: p.path)
    return problems


def join(path: str, key: str) -> str:
    """
    Return the path of *key* below *path*, such as ``rule.all``.
    """
    return f"{path}.{key}" if path else key


def is_unicode(text: str) -> bool:
    """
    Return whether *text* can be written as UTF-8 (it holds no lone surrogate).
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_nesting(text: str, limit: int = MAX_DEPTH) -> None:
    """
    Refuse text whose brackets nest deeper than *limit*, before a parser recurses into it.

    Strings and ``#`` comments (TOML) are skipped: a bracket inside them does
    not nest. This never refuses a document that a structural check would
    accept, since every bracket outside a string opens a value.

    Raises:
        ValidationError: Naming the line and column where the limit is passed.
    """
    depth = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "[{":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, i) + 1
                column = i - (text.rfind("\n", 0, i) + 1) + 1
                raise ValidationError.single(
                    "", f"nested deeper than {limit} levels at line {line}, column {column}"
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
