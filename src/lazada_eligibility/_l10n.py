"""
Locales, catalogs and formatting shared by explanations and remediation (internal).

A requested locale is resolved once to a catalog language (one of
:data:`LANGUAGES`) and a babel locale to format numbers, money, months,
dates and lists with. Messages are English text marked with :func:`N_`;
their translations live in the gettext catalogs under ``locale/``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import io
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any, Final

import attrs
import babel
import babel.dates
import babel.lists
import babel.numbers
from babel.support import NullTranslations, Translations

from . import _arith
from .categories import LAZADA_CATEGORIES, CategoryTaxonomy
from .money import Money, exact_money
from .periods import Month

__all__ = ["LANGUAGES", "N_", "Speaker", "catalog_language", "speaker"]

LANGUAGES: Final = ("en", "zh_Hans", "ms", "th", "id", "vi", "fil")
"""The catalog languages, English first: the source language and the fallback."""

DOMAIN: Final = "messages"
CATEGORY_CONTEXT: Final = "category"

# The script each catalog is written in: a locale of the same language in
# another script (zh_Hant_HK, ms_Arab) gets the catalog's own formatting, so
# that a sentence never mixes scripts.
_SCRIPTS: Final = {"zh": "Hans", "ms": "Latn"}
_CATALOG_OF: Final = {lang.split("_")[0]: lang for lang in LANGUAGES}

# babel's symbol for US dollars is a bare "$" in English and Filipino, which
# a seller paid in Singapore, Hong Kong or Australian dollars could misread.
_DOLLARS: Final = {"USD": "US$"}

# Keys of facts that hold Lazada category ids; shown by name.
CATEGORY_KEYS: Final = frozenset({"applied", "category", "categories", "prohibited", "scope"})

# A space between two Chinese characters (left where a placeholder sat) is
# not written in Chinese; between Chinese and Latin text it is.
_CJK_SPACE = re.compile(
    r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]) (?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])"
)
# Languages that write a list's joining word ("และ", "和") without spaces:
# the joiner's letters, and the neighbours it may touch. Next to anything
# else (a Latin store label or category name, a quote) it needs a space on
# that side to be read apart. Chinese punctuation (、) has its own width. A
# Thai joiner after digits needs a space ("กันยายน 2026 และ..."); in Chinese
# digits go with the text they belong to: "A1" is Latin, "2026年9月" Chinese.
_JOINERS: Final = {
    "th": (re.compile(r"[\u0e00-\u0e7f]"), re.compile(r"[\u0e00-\u0e7f]"), ""),
    "zh": (
        re.compile(r"[\u4e00-\u9fff]"),
        re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"),
        "0123456789",
    ),
}
# Stand-ins for the items while babel writes the list, so that only the
# joiners it adds are ever touched (private-use characters: never in a label).
_ITEM = re.compile("\ue000(\\d+)\ue001")
# Dates where CLDR's long form does not read as the local reader writes one:
# Thai long dates carry an era (ค.ศ.) that the months do not; Vietnamese puts
# a comma before the year where the months say "năm".
_DATE_FORMS: Final = {"th": ("skeleton", "yMMMMd"), "vi": ("pattern", "d 'tháng' M 'năm' y")}
# Sentence-final stops a placeholder may be followed by in a template.
_STOPS: Final = (".", "\u3002")


def N_(message: str) -> str:  # noqa: N802 -- the gettext convention for "mark, don't translate"
    """
    Mark *message* for extraction without translating it here.
    """
    return message


def _parse(locale: object) -> babel.Locale | None:
    if isinstance(locale, babel.Locale):
        return locale
    if not isinstance(locale, str):
        return None
    # Accept POSIX forms such as zh_CN.UTF-8 and BCP 47 forms such as zh-Hant-HK.
    text = locale.strip().split(".")[0].split("@")[0].replace("-", "_")
    if not text:
        return None
    try:
        return babel.Locale.parse(text)
    except (ValueError, babel.UnknownLocaleError):
        return None


def catalog_language(locale: str | babel.Locale | None) -> str:
    """
    Return the catalog language that serves *locale*: one of ``LANGUAGES``.

    Any Chinese locale gets Simplified Chinese (there is no Traditional
    catalog); a language without a catalog, or text that is not a locale,
    gets English.
    """
    parsed = _parse(locale)
    if parsed is None:
        return "en"
    return _CATALOG_OF.get(parsed.language, "en")


@functools.cache
def _catalog(language: str) -> NullTranslations:
    path = resources.files(__package__) / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        data = path.read_bytes()
    except OSError:
        return NullTranslations()
    return Translations(io.BytesIO(data), domain=DOMAIN)


def _formatting_locale(parsed: babel.Locale | None, language: str) -> babel.Locale:
    catalog_locale = babel.Locale.parse(language)
    if parsed is None or parsed.language != catalog_locale.language:
        return catalog_locale
    wanted = _SCRIPTS.get(parsed.language)
    if wanted is not None and parsed.script not in {None, wanted}:
        return catalog_locale
    return parsed


def _spaced(text: str, symbol: str) -> str:
    # CLDR's currency spacing, which babel leaves out: a symbol made of
    # letters ("USD", "SGD") is kept apart from the digits it touches.
    at = text.find(symbol)
    if at < 0:
        return text
    end = at + len(symbol)
    if symbol[-1].isalpha() and end < len(text) and text[end].isdigit():
        return f"{text[:end]}\u00a0{text[end:]}"
    if symbol[0].isalpha() and at > 0 and text[at - 1].isdigit():
        return f"{text[:at]}\u00a0{text[at:]}"
    return text


@functools.cache
def _symbol(currency: str, locale: babel.Locale) -> tuple[str, str]:
    """
    Return the symbol babel uses for *currency* in *locale*, and the one to show.
    """
    used = babel.numbers.get_currency_symbol(currency, locale=locale)
    if used != "$":
        return used, used
    shown = _DOLLARS.get(currency) or babel.numbers.get_currency_symbol(currency, locale="en")
    return used, currency if shown == "$" else shown


def format_money(money: Money, locale: babel.Locale) -> str:
    """
    Format *money* for *locale*, with an unambiguous dollar sign and CLDR spacing.
    """
    # babel rounds in the current decimal context: a caller's prec=4 would
    # show US$1,000.00 for 999.99, and a 27-digit sum would not format.
    with decimal.localcontext(_arith.ROUNDING):
        text = babel.numbers.format_currency(money.amount, money.currency, locale=locale)
    used, shown = _symbol(money.currency, locale)
    if shown != used:
        text = text.replace(used, shown, 1)
    return _spaced(text, shown)


def shown_figures(values: Mapping[str, Any]) -> Mapping[str, Any]:
    """
    Round a shortfall and the turnover beside it so that what is shown never contradicts the verdict.

    A shortfall rounds *up* to the currency's minor unit, so a seller one
    thousandth of a cent short reads "US$0.01 short", never "US$0.00 short";
    the turnover shown beside it rounds *down*, so it never reads as the
    minimum itself. Other amounts round half-even.
    """
    shortfall = values.get("shortfall")
    if not isinstance(shortfall, Money):
        return values
    found = dict(values)
    found["shortfall"] = exact_money(
        _arith.round_up(shortfall.amount, shortfall.digits), shortfall.currency
    )
    amount = values.get("amount")
    if isinstance(amount, Money):
        found["amount"] = exact_money(
            _arith.round_down(amount.amount, amount.digits), amount.currency
        )
    return found


def _spaced_joiner(
    glue: str, left: str, right: str, joiner: tuple[re.Pattern[str], re.Pattern[str], str]
) -> str:
    """
    Return *glue* with a space where its joining word touches foreign text.

    Thai and Chinese write a list's joining word without spaces ("กและข",
    "甲和乙"); next to a Latin store label or a quoted name the joiner runs
    into it ("A1และB2") unless a space keeps them apart.
    """
    letter, native, neutral = joiner
    if glue[:1] and letter.match(glue[0]) and _foreign(left.rstrip(neutral)[-1:], native):
        glue = " " + glue
    if glue[-1:] and letter.match(glue[-1]) and _foreign(right.lstrip(neutral)[:1], native):
        glue += " "
    return glue


def _one_stop(template: str, text: Mapping[str, str]) -> str:
    """
    Drop a template's full stop that follows a value already ending in one.

    An owner named "Lianhe Holdings (HK) Ltd." ends the sentence with its
    own stop; the template's would double it ("Ltd.." or "Ltd.。").
    """
    for key, value in text.items():
        if value.endswith("."):
            for stop in _STOPS:
                template = template.replace(f"{{{key}}}{stop}", f"{{{key}}}")
    return template


def _foreign(char: str, native: re.Pattern[str]) -> bool:
    # No character left (only digits): the digits stand alone, as in babel's "2026年".
    return bool(char) and not char.isspace() and native.match(char) is None


@attrs.frozen
class Speaker:
    """
    Translates and formats for one requested locale (internal).

    Attributes:
        language: The catalog language, one of :data:`LANGUAGES`.
        locale: The babel locale that numbers, money, months and lists follow.
        categories: The taxonomy that names category ids.
    """

    language: str
    locale: babel.Locale
    categories: CategoryTaxonomy = LAZADA_CATEGORIES

    @property
    def translations(self) -> NullTranslations:
        """
        The compiled catalog of :attr:`language`.
        """
        return _catalog(self.language)

    def gettext(self, message: str) -> str:
        """
        Return *message* translated, or itself when the catalog lacks it.
        """
        return self.translations.gettext(message)

    def money(self, money: Money) -> str:
        """
        Format an amount.
        """
        return format_money(money, self.locale)

    def month(self, month: Month) -> str:
        """
        Format a month as the locale writes a month and year.
        """
        return babel.dates.format_skeleton("yMMMM", month.first_day, locale=self.locale)

    def date(self, day: dt.date) -> str:
        """
        Format a date in the locale's long form, as local readers write one (th, vi).
        """
        form = _DATE_FORMS.get(self.locale.language)
        if form is None:
            return babel.dates.format_date(day, "long", locale=self.locale)
        kind, text = form
        if kind == "skeleton":
            return babel.dates.format_skeleton(text, day, locale=self.locale)
        return babel.dates.format_date(day, text, locale=self.locale)

    def list(self, items: Iterable[str]) -> str:
        """
        Join *items* as the locale writes a list ("A, B and C").
        """
        found = list(items)
        if len(found) < 2:
            return "".join(found)
        pattern = babel.lists.format_list(
            [f"\ue000{i}\ue001" for i in range(len(found))], locale=self.locale
        )
        # [before, "0", glue, "1", glue, "2", after]: item numbers at odd places.
        parts = _ITEM.split(pattern)
        order = [found[int(n)] for n in parts[1::2]]
        glues = parts[2:-1:2]
        joiner = _JOINERS.get(self.locale.language)
        if joiner is not None:
            glues = [
                _spaced_joiner(g, a, b, joiner)
                for g, a, b in zip(glues, order[:-1], order[1:], strict=True)
            ]
        text = [parts[0], order[0]]
        for glue, item in zip(glues, order[1:], strict=True):
            text += [glue, item]
        return "".join([*text, parts[-1]])

    def category(self, category_id: str) -> str:
        """
        Name a category: groups and top levels translated, deeper levels as Lazada names them.
        """
        taxonomy = self.categories
        if taxonomy.is_group(category_id):
            name = taxonomy.group_name(category_id)
        elif category_id in taxonomy:
            name = taxonomy.get(category_id).name
        else:
            return category_id
        return str(self.translations.pgettext(CATEGORY_CONTEXT, name))

    def value(self, key: str, value: object) -> str:
        """
        Format one fact for a message, by its type and, for category ids, its key.
        """
        if isinstance(value, Money):
            return self.money(value)
        if isinstance(value, Month):
            return self.month(value)
        if isinstance(value, dt.date):
            return self.date(value)
        if isinstance(value, tuple | list | frozenset):
            items = [self.value(key, v) for v in value]
            if key in CATEGORY_KEYS and self.language == "th" and len(items) > 1:
                # Every Thai top-level name contains "และ" (and), so a list
                # of them joined by "และ" cannot be told apart: quote each.
                items = [f"\u201c{item}\u201d" for item in items]
            return self.list(items)
        if key in CATEGORY_KEYS and isinstance(value, str):
            return self.category(value)
        return str(value)

    def fill(
        self,
        template: str,
        values: Mapping[str, Any],
        fallback: str | None = None,
        *,
        translations: Mapping[str, str] | None = None,
    ) -> str:
        """
        Translate *template* and fill it with formatted *values*.

        *translations*, keyed by language, are a custom code's own
        messages; they come before the catalogs.

        A sentence that opens with a month or date written in lower case
        (Vietnamese "tháng 9 năm 2026") gets a capital. A translation whose
        placeholders do not fit falls back to the English template, then to
        *fallback*.
        """
        text = {k: self.value(k, v) for k, v in shown_figures(values).items()}
        own = (translations or {}).get(self.language)
        for candidate in (own, self.gettext(template), template, fallback):
            if candidate is None:
                continue
            candidate = _one_stop(candidate, text)  # noqa: PLW2901 -- the same template, cleaned
            try:
                filled = candidate.format(**text)
            except (KeyError, IndexError, ValueError):
                continue
            if self.language == "zh_Hans":
                filled = _CJK_SPACE.sub("", filled)
            return self._capitalised(filled, values)
        return template

    def _capitalised(self, filled: str, values: Mapping[str, Any]) -> str:
        if not filled[:1].islower():
            return filled
        for v in values.values():
            if isinstance(v, Month | dt.date) and filled.startswith(self.value("", v)):
                return filled[:1].upper() + filled[1:]
        return filled


@functools.lru_cache(maxsize=256)
def _resolved(locale: str | babel.Locale | None) -> tuple[str, babel.Locale]:
    language = catalog_language(locale)
    return language, _formatting_locale(_parse(locale), language)


def speaker(
    locale: str | babel.Locale | None, categories: CategoryTaxonomy | None = None
) -> Speaker:
    """
    Return the :class:`Speaker` for *locale*, naming categories from *categories*.
    """
    language, formatting = _resolved(locale)
    return Speaker(language, formatting, LAZADA_CATEGORIES if categories is None else categories)
