"""
Explanations of decisions in the seller's language.

Messages are keyed by outcome code. Their English text is marked with
:func:`N_` so that babel's extractor finds it; translations live in gettext
catalogs under ``locale/``. Amounts, months and lists are formatted for the
locale by babel.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import babel.dates
import babel.lists
from babel.support import NullTranslations

from .money import Money
from .periods import Month

if TYPE_CHECKING:
    from .decision import Decision
    from .rules import Outcome


__all__ = ["MESSAGES", "explain", "render_reason"]


def N_(message: str) -> str:  # noqa: N802 -- the gettext convention for "mark, don't translate"
    """
    Mark *message* for extraction without translating it here.
    """
    return message


MESSAGES: Final[Mapping[str, str]] = {
    "platform.cross-border": N_("{subject}: {name} is a cross-border platform."),
    "platform.domestic": N_("{subject}: {name} is a domestic platform; its turnover does not count."),
    "platform.unknown": N_("{subject}: the platform {platform!r} is not in the catalog; it needs review."),
    "category.match": N_("{subject}: its category matches the one applied for."),
    "category.mismatch": N_("{subject}: its turnover is in {categories}, not in {applied}."),
    "category.unknown": N_("{subject}: the category {category} is not known; it needs review."),
    "category.prohibited": N_("The category applied for, {category}, is closed to new sellers ({prohibited})."),
    "category.allowed": N_("The category applied for, {category}, is open."),
    "turnover.ok": N_("{month}: {amount}, at least {minimum}."),
    "turnover.month-missing": N_("{month}: no turnover on record; at least {minimum} is needed."),
    "turnover.below-minimum": N_("{month}: {amount}, {shortfall} short of {minimum}."),
    "fx.rate-missing": N_("{month}: no exchange rate from {currency} to {target}; it needs review."),
    "evidence.unused": N_("{subject}: not used for another Lazada store."),
    "evidence.reused": N_("{subject}: already used by application {holder}; records cannot be used twice."),
    "evidence.unverified": N_("Some store records could not be looked up in the registry."),
    "evidence.unchecked": N_("Whether the store records were already used on Lazada was not checked."),
    "owner.match": N_("{subject}: owned by {owner}."),
    "owner.mismatch": N_("{subject}: owned by {owner}, not by {expected}."),
    "owner.unknown": N_("{subject}: the owner is not on record; it needs review."),
    "stores.none": N_("The application names no store."),
}  # fmt: skip

_HEADLINES: Final = {
    "pass": N_("Eligible: the application meets policy {policy} (version {version})."),
    "fail": N_("Not eligible under policy {policy} (version {version})."),
    "review": N_("Needs review under policy {policy} (version {version})."),
}
_CAVEAT: Final = N_("Caveat: {text}")
_FALLBACK: Final = N_("{subject}: {code} ({verdict}).")


@functools.cache
def _translations(locale: str) -> NullTranslations:
    # Catalogs are added per language; until one exists, English.
    del locale
    return NullTranslations()


def _format(value: object, locale: str) -> str:
    if isinstance(value, Money):
        return value.format(locale)
    if isinstance(value, Month):
        return babel.dates.format_skeleton("yMMMM", value.first_day, locale=locale)
    if isinstance(value, tuple | list):
        return babel.lists.format_list([_format(v, locale) for v in value], locale=locale)
    return str(value)


def render_reason(outcome: Outcome, locale: str = "en") -> str:
    """
    Return one outcome as a sentence in *locale*.

    .. versionadded:: 0.1.0
    """
    translations = _translations(locale)
    template = MESSAGES.get(outcome.code, _FALLBACK)
    values: dict[str, Any] = {k: _format(v, locale) for k, v in outcome.facts.items()}
    values.setdefault("subject", outcome.subject)
    values.setdefault("code", outcome.code)
    values.setdefault("verdict", outcome.verdict.value)
    try:
        return translations.gettext(template).format(**values)
    except (KeyError, IndexError):
        return translations.gettext(_FALLBACK).format(**values)


def explain(decision: Decision, locale: str = "en") -> str:
    """
    Return the verdict, then one line per reason, then the caveats.

    .. versionadded:: 0.1.0
    """
    translations = _translations(locale)
    lines = [
        translations.gettext(_HEADLINES[decision.verdict.value]).format(
            policy=decision.policy_id, version=decision.policy_version
        )
    ]
    lines.extend(f"- {render_reason(r, locale)}" for r in decision.reasons)
    lines.extend(
        "- " + translations.gettext(_CAVEAT).format(text=render_reason(c, locale))
        for c in decision.caveats
    )
    return "\n".join(lines)
