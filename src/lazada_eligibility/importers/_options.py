"""
The options every importer takes, checked once, every problem reported at once.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from collections.abc import Callable, Collection, Mapping
from os import PathLike
from pathlib import Path
from typing import Any, Final

import attrs

from ..exceptions import FieldProblem, ValidationError
from ..money import known_currency
from ..periods import Month
from ..platforms import DEFAULT_PLATFORMS, Platform
from ._dates import zone_of
from ._spelling import option_names
from ._values import format_data, locale_of

__all__ = ["COMMON", "Options", "parse_options", "text_encoding"]

COMMON: Final = frozenset(
    {
        "category",
        "columns",
        "currency",
        "encoding",
        "errors",
        "locale",
        "max_lines",
        "platform",
        "sku_categories",
        "tz",
        "zone_names",
    }
)
"""The options every kind takes."""

CategoryMapping = Mapping[str, str] | Callable[[str], str | None]


@attrs.frozen(kw_only=True)
class Options:
    """
    Checked options; see the importers' documentation for what each means.
    """

    category: str | None = None
    columns: Mapping[str, str] = attrs.field(factory=dict)
    currency: str | None = None
    encoding: str = "utf-8-sig"
    errors: str = "raise"
    locale: str | None = None
    max_lines: int = 20
    platform: Platform | None = None
    sku_categories: Mapping[str, str] | None = None
    tz: dt.tzinfo | None = None
    zone_names: Mapping[str, str] = attrs.field(factory=dict)
    month: Month | None = None
    basis: str = "gross"
    revenue: str | None = None
    amount: str | None = None
    date_column: str | None = None
    amount_column: str | None = None
    currency_column: str | None = None
    category_column: str | None = None
    sku_column: str | None = None
    date_format: str | None = None
    delimiter: str | None = None
    only: Mapping[str, frozenset[str]] = attrs.field(factory=dict)
    category_map: CategoryMapping | None = None

    @property
    def marketplace(self) -> Mapping[str, str]:
        """
        The platform's defaults (locale, currency, tz) from ``formats.json``, if known.
        """
        if self.platform is None:
            return {}
        found: Mapping[str, str] = format_data()["marketplaces"].get(self.platform.id, {})
        return found


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = f"expected non-blank text, got {value!r}"
        raise ValueError(msg)
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _choice(*choices: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value not in choices:
            msg = f"expected one of {', '.join(map(repr, choices))}, got {value!r}"
            raise ValueError(msg)
        return str(value)

    return check


# Codecs that decode bytes to text but are not how files are written: they
# would turn an export into something else (IDNA folds case and splits on dots,
# the escape codecs read backslashes, UTF-7 reads "+").
_NOT_FILE_ENCODINGS: Final = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "utf-7", "undefined"}
)
# What every export's structure is written in: it must decode to itself.
_ASCII_PROBE: Final = b'Date,"Sold For";\tTotal\r\n0123456789 $.-/'


def text_encoding(value: object) -> str:
    """
    Return *value* when it names an ASCII-compatible text encoding that files are written in.

    Raises:
        ValueError: Unknown, not a text encoding (``rot13``, ``zip``,
            ``hex``, ``idna``), or not readable line by line (UTF-16).
    """
    name = _text(value)
    try:
        info = codecs.lookup(name)
    except LookupError:
        msg = f"unknown encoding {value!r}; use one such as 'utf-8', 'cp932', 'gbk' or 'latin-1'"
        raise ValueError(msg) from None
    if not info._is_text_encoding or info.name in _NOT_FILE_ENCODINGS:  # noqa: SLF001 -- the codec registry's own flag
        msg = f"{value!r} is not a text encoding of files; use one such as 'utf-8' or 'cp932'"
        raise ValueError(msg)
    try:
        readable = info.decode(_ASCII_PROBE)[0] == _ASCII_PROBE.decode("ascii")
    except UnicodeError:
        readable = False
    if not readable:
        # UTF-16 and UTF-32 hide newline bytes inside characters, so an export
        # cannot be read line by line in them.
        msg = f"{value!r} is not supported: exports are read in an ASCII-compatible encoding"
        raise ValueError(msg)
    return name


def _locale(value: object) -> str | None:
    return None if value is None else str(locale_of(_text(value)))


def _tz(value: object) -> dt.tzinfo | None:
    return None if value is None else zone_of(value)


def _zone_names(value: object) -> Mapping[str, str]:
    names = _str_mapping(value)
    for zone in names.values():
        zone_of(zone)
    return names


def _str_mapping(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
        for k, v in value.items()
    ):
        msg = f"expected a mapping of non-blank text to non-blank text, got {value!r}"
        raise ValueError(msg)
    return {k.strip(): v.strip() for k, v in value.items()}


def _max_lines(value: object) -> int:
    if type(value) is not int or value < 0:
        msg = f"expected a whole number of at least 0, got {value!r}"
        raise ValueError(msg)
    return value


def _platform(value: object) -> Platform | None:
    if value is None or isinstance(value, Platform):
        return value
    return DEFAULT_PLATFORMS.resolve(_text(value))


def _month(value: object) -> Month | None:
    if value is None or isinstance(value, Month):
        return value
    return Month.parse(_text(value))


def _delimiter(value: object) -> str | None:
    if value is not None and (not isinstance(value, str) or len(value) != 1):
        msg = f"expected one character such as ',', ';' or '\\t', got {value!r}"
        raise ValueError(msg)
    return value


def _only(value: object) -> Mapping[str, frozenset[str]]:
    if not isinstance(value, Mapping):
        msg = f"expected a mapping of column -> accepted values, got {value!r}"
        raise TypeError(msg)
    result: dict[str, frozenset[str]] = {}
    for column, accepted in value.items():
        if isinstance(accepted, str) or not isinstance(accepted, Collection):
            msg = f"expected a collection of accepted values for {column!r}, got {accepted!r}"
            raise TypeError(msg)
        result[_text(column)] = frozenset(str(a).strip() for a in accepted)
    return result


def _category_map(value: object) -> CategoryMapping | None:
    if value is None or isinstance(value, Mapping) or callable(value):
        return value
    msg = f"expected a mapping or a function of one platform category, got {value!r}"
    raise TypeError(msg)


def sku_table(value: object) -> dict[str, str] | None:
    """
    Return a SKU -> category mapping from a mapping or a ``sku,category`` CSV file.

    Raises:
        ValueError: Naming the file and line of a bad row, or the header.
    """
    if value is None:
        return None
    if not isinstance(value, str | PathLike):
        return _str_mapping(value)
    path = Path(value)
    table: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [h.strip().casefold() for h in next(reader, [])]
        if header[:2] != ["sku", "category"]:
            msg = f"{path}:1: expected the header 'sku,category', got {','.join(header)!r}"
            raise ValueError(msg)
        for row in reader:
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if len(cells) < 2 or not cells[0] or not cells[1]:
                msg = f"{path}:{reader.line_num}: expected a SKU and a category, got {row!r}"
                raise ValueError(msg)
            if cells[0] in table:
                msg = f"{path}:{reader.line_num}: the SKU {cells[0]!r} is given twice"
                raise ValueError(msg)
            table[cells[0]] = cells[1]
    return table


_CHECKS: Final[dict[str, Callable[[Any], Any]]] = {
    "category": _optional_text,
    "columns": _str_mapping,
    "currency": lambda v: None if v is None else known_currency(v),
    "encoding": text_encoding,
    "errors": _choice("raise", "report"),
    "locale": _locale,
    "max_lines": _max_lines,
    "platform": _platform,
    "sku_categories": sku_table,
    "tz": _tz,
    "zone_names": _zone_names,
    "month": _month,
    "basis": _choice("gross", "net"),
    "revenue": lambda v: None if v is None else _choice("with-shipping", "items")(v),
    "amount": _optional_text,
    "date_column": _optional_text,
    "amount_column": _optional_text,
    "currency_column": _optional_text,
    "category_column": _optional_text,
    "sku_column": _optional_text,
    "date_format": _optional_text,
    "delimiter": _delimiter,
    "only": _only,
    "category_map": _category_map,
}


def parse_options(kind: str, raw: Mapping[str, object], accepted: Collection[str]) -> Options:
    """
    Check *raw* options for *kind*, which accepts *accepted* besides :data:`COMMON`.

    Raises:
        ValidationError: Naming every unknown option and every bad value.
    """
    problems: list[FieldProblem] = []
    values: dict[str, Any] = {}
    allowed = COMMON | frozenset(accepted)
    for name in sorted(raw):
        if name not in allowed:
            known = option_names(allowed)
            problems.append(FieldProblem(name, f"is not an option of {kind!r}; it takes {known}"))
            continue
        try:
            values[name] = _CHECKS[name](raw[name])
        except ValidationError as e:
            problems.extend(FieldProblem(name, p.message) for p in e.problems)
        except (ValueError, TypeError, OSError) as e:
            problems.append(FieldProblem(name, str(e)))
    if problems:
        raise ValidationError(problems)
    return Options(**{k: v for k, v in values.items() if v is not None})
