"""
Reading the cells of an export: column names, amounts and currencies.

Numbers are read by :func:`babel.numbers.parse_decimal` in strict mode, so
``1.234,56`` in an English export is an error that names the cell instead of
a silent 1.23456.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Final

import babel
import babel.numbers

from ._spelling import option

__all__ = [
    "CACHE",
    "MAX_AMOUNT",
    "MAX_PLACES",
    "AmountReader",
    "RowError",
    "format_data",
    "locale_of",
    "normalize",
    "stated_currency",
]

_DASHES: Final = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63]")
_SPACES: Final = re.compile(r"\s+")
_AROUND_DASH: Final = re.compile(r"\s*-\s*")
_SPACE_LIKE: Final = frozenset(" \u00a0\u2007\u202f")
_APOSTROPHE_LIKE: Final = frozenset("'\u2019\u02bc")
_AMOUNT: Final = re.compile(
    r"""^(?P<open>\()?\s*(?P<s1>[-+])?\s*
        (?P<pre>[^\d\s.,()+-][^\d()+-]*?)?\s*
        (?P<s2>[-+])?\s*
        (?P<num>\d[\d.,'\u2019\s\u00a0\u202f]*)
        (?P<post>[^\d()+-]*?)\s*(?P<close>\))?$""",
    re.VERBOSE,
)
_ISO_CODE: Final = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])")
_CURRENCIES: Final = frozenset(babel.numbers.list_currencies())
CACHE: Final = 4096
# The bounds the Money type enforces: below 10**15 in magnitude (in dong or
# rupiah, the smallest units sellers use, still tens of millions of US
# dollars, more than one store's month) and at most 6 decimal places (ISO 4217
# currencies have at most 4). Checked per cell, so that a bad amount names its
# line and column, not a month's sum.
MAX_AMOUNT: Final = Decimal(10**15)
MAX_PLACES: Final = 6
# Longer than any amount within the bounds can be written, separators and
# symbols included; a longer cell is refused before it is parsed.
_MAX_AMOUNT_TEXT: Final = 64


class RowError(Exception):
    """
    A cell that cannot be read; the engine adds the file and line.

    *line* names another line than the one being read, for a problem found
    later (an order whose item rows contradict its summary row).
    """

    def __init__(self, message: str, column: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.line = line


@functools.cache
def format_data() -> dict[str, Any]:
    """
    Return the column names, row types and marketplace defaults in ``formats.json``.
    """
    text = resources.files(__package__).joinpath("formats.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def normalize(text: str) -> str:
    """
    Return *text* as column names and row types are compared.

    NFKC (full-width brackets become ASCII ones), case-folded, every dash a
    hyphen with one space either side, runs of spaces as one, no trailing
    colon, apostrophes unified.
    """
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "")
    text = _DASHES.sub("-", text).replace("\u2019", "'")
    text = _SPACES.sub(" ", text).strip().rstrip(":").strip()
    if "-" in text and " " in text:
        text = _AROUND_DASH.sub(" - ", text)
    return text.casefold()


@functools.cache
def locale_of(name: str) -> babel.Locale:
    """
    Return the babel locale *name* (``de_DE``, ``de-DE``, ``ja``).

    Raises:
        ValueError: Not a locale babel knows.
    """
    try:
        return babel.Locale.parse(name.replace("-", "_"))
    except (ValueError, TypeError, babel.UnknownLocaleError) as e:
        msg = f"unknown locale {name!r}; use a name such as 'en_US' or 'de_DE'"
        raise ValueError(msg) from e


def stated_currency(lines: list[list[str]]) -> str | None:
    """
    Return the first ISO currency code in *lines* of preamble, such as "All amounts in USD".
    """
    for cells in lines:
        for code in _ISO_CODE.findall(" ".join(cells)):
            if code in _CURRENCIES:
                return str(code)
    return None


def _symbol_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@functools.cache
def _symbols(locale: str) -> dict[str, str]:
    """
    Currency symbol -> ISO code, as the export's locale writes them.

    English symbols first, then the locale's own (which win), then the
    forms marketplaces print (``US $``, ``AU $``), then ISO codes. A symbol
    two currencies share in the same locale maps to neither.
    """
    table: dict[str, str] = {}
    for name in ("en", locale):
        shared: set[str] = set()
        layer: dict[str, str] = {}
        for code, symbol in locale_of(name).currency_symbols.items():
            key = _symbol_key(symbol)
            if key in layer and layer[key] != code:
                shared.add(key)
            layer[key] = code
        for key in shared:
            del layer[key]
        territory = locale_of(name).territory
        if territory:
            for code in babel.numbers.get_territory_currencies(territory):
                layer[_symbol_key(locale_of(name).currency_symbols.get(code, code))] = code
        table.update(layer)
    table.update({_symbol_key(k): v for k, v in format_data()["symbols"].items()})
    table.update({code: code for code in _CURRENCIES})
    return table


@functools.cache
def _forms_of(currency: str, locale: str) -> frozenset[str]:
    """
    The symbols that may stand for *currency* in an export in *locale*.

    Its symbol in the locale and in English, and those symbols without their
    letters (``CA$`` -> ``$``, ``JP¥`` -> ``¥``): a bare ``$`` in an export
    whose currency is known to be CAD is that currency.
    """
    forms = {currency}
    for name in ("en", locale):
        symbol = _symbol_key(locale_of(name).currency_symbols.get(currency, currency))
        forms.add(symbol)
        bare = "".join(ch for ch in symbol if not ("A" <= ch.upper() <= "Z"))
        if bare:
            forms.add(bare)
    return frozenset(forms)


class AmountReader:
    """
    Reads amounts such as ``$1,234.56``, ``1.234,56 €``, ``￥12,345`` and ``(12.34)``.

    Args:
        locale: The locale the export writes numbers in.
    """

    def __init__(self, locale: str) -> None:
        self._locale = locale_of(locale)
        self.locale = str(self._locale)
        self._group = babel.numbers.get_group_symbol(self._locale)
        self._symbols = _symbols(self.locale)
        base = locale_of(self._locale.language)
        same = (
            babel.numbers.get_decimal_symbol(base) == babel.numbers.get_decimal_symbol(self._locale)
            and babel.numbers.get_group_symbol(base) == self._group
        )
        self._twins = (base,) if same and base != self._locale else ()
        # Exports repeat the same few amounts ("0", "0.00") on most rows.
        self._cached = functools.lru_cache(maxsize=CACHE)(self._read)

    def read(self, text: str, column: str) -> tuple[Decimal, str | None]:
        """
        Return the amount in *text* and its currency symbol, if it has one.

        Raises:
            RowError: *text* is not an amount in the locale, or its symbol
                is not a currency.
        """
        return self._cached(text, column)

    def _read(self, text: str, column: str) -> tuple[Decimal, str | None]:
        if len(text) > _MAX_AMOUNT_TEXT:
            msg = f"expected an amount, got {len(text):,} characters starting {text[:20]!r}"
            raise RowError(msg, column)
        cleaned = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
        match = _AMOUNT.match(cleaned)
        if match is None:
            raise RowError(f"expected an amount such as '1,234.56', got {text!r}", column)
        opened, closed = match["open"] is not None, match["close"] is not None
        signs = [s for s in (match["s1"], match["s2"]) if s]
        pre, post = (match["pre"] or "").strip(), (match["post"] or "").strip()
        if opened != closed or len(signs) > 1 or (opened and signs) or (pre and post):
            raise RowError(f"expected an amount such as '1,234.56', got {text!r}", column)
        number = match["num"].strip()
        if self._group in _SPACE_LIKE:
            number = "".join(self._group if ch in _SPACE_LIKE else ch for ch in number)
        elif self._group in _APOSTROPHE_LIKE:
            number = "".join(self._group if ch in _APOSTROPHE_LIKE else ch for ch in number)
        value = _bounded(self._number(number, text, column), text, column)
        if opened or signs == ["-"]:
            # copy_negate() is exact; unary minus would round in the caller's context.
            value = value.copy_negate()
        return value, _symbol_key(pre or post) or None

    def _number(self, number: str, text: str, column: str) -> Decimal:
        try:
            return babel.numbers.parse_decimal(number, locale=self._locale, strict=True)
        except babel.numbers.NumberFormatError as e:
            error = e
        # en_IN groups 10,00,000 but its accounting format writes 1,000,000:
        # the language's own locale has the same symbols, so reads it alike.
        for twin in self._twins:
            with contextlib.suppress(babel.numbers.NumberFormatError):
                return babel.numbers.parse_decimal(number, locale=twin, strict=True)
        guesses = " or ".join(repr(g) for g in error.suggestions or ())
        hint = f" (perhaps {guesses})" if guesses else ""
        msg = (
            f"{text!r} is not an amount as {self.locale} writes numbers{hint}; "
            f"pass {option('locale')} for the export's locale"
        )
        raise RowError(msg, column) from None

    def resolve(self, symbol: str) -> str | None:
        """
        Return the currency *symbol* stands for in the export's locale, or ``None``.
        """
        return self._symbols.get(symbol) or self._symbols.get(symbol.upper())

    def consistent(self, symbol: str, currency: str) -> bool:
        """
        Whether *symbol* in a cell may stand for *currency*, the export's known currency.
        """
        return symbol in _forms_of(currency, self.locale) or self.resolve(symbol) == currency


def _bounded(value: Decimal, text: str, column: str) -> Decimal:
    """
    Return *value* when it is within the bounds of an amount, else raise naming *text*.
    """
    try:
        finite = value.is_finite()
        places = -int(value.as_tuple().exponent) if finite else 0
        too_large = finite and value.copy_abs() >= MAX_AMOUNT
    except (InvalidOperation, ValueError):  # pragma: no cover -- babel returns finite numbers
        finite, places, too_large = False, 0, False
    if not finite:
        raise RowError(f"expected an amount, got {text!r}", column)
    if too_large:
        msg = f"{text!r} is too large: an amount must be below 10^15 in magnitude"
        raise RowError(msg, column)
    if places > MAX_PLACES:
        msg = f"{text!r} has {places} decimal places; an amount has at most {MAX_PLACES}"
        raise RowError(msg, column)
    return value
