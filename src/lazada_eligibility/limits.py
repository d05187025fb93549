"""
The bounds of amounts and rates, and the limits on what one application may hold.

They are stated once, here, and every door checks them: :class:`~lazada_eligibility.Money`,
:class:`~lazada_eligibility.RateTable` (mapping and CSV), policy documents, the
importers, and :class:`~lazada_eligibility.Application` and
:class:`~lazada_eligibility.Store` with their ``from_dict``. A value outside them is a
:class:`~lazada_eligibility.exceptions.ValidationError` (or, in a policy document, a
:class:`~lazada_eligibility.exceptions.PolicyError`) naming the field, before any work starts.

Example:
    >>> from lazada_eligibility import limits
    >>> limits.AMOUNT_LIMIT, limits.AMOUNT_PLACES
    (1000000000000000, 6)

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import datetime as dt
from typing import Final

__all__ = [
    "AMOUNT_LIMIT",
    "AMOUNT_PLACES",
    "AS_OF_RANGE",
    "MAX_DOCUMENT_BYTES",
    "MAX_RECORDS_PER_STORE",
    "MAX_STORES",
    "MAX_TEXT_LENGTH",
    "RATE_LIMIT",
    "RATE_PLACES",
]

AMOUNT_LIMIT: Final = 10**15
"""Every amount's magnitude is below 10^15 (a thousand trillion) units.

The largest monthly turnover of one store in the weakest currency Lazada sellers
report in (Vietnamese dong, about 25,000 to the US dollar) stays below it up to
about US$40 billion a month."""

AMOUNT_PLACES: Final = 6
"""Amounts have at most 6 decimal places, since every currency has at most 4 minor digits,
and exports that give unit prices to a fraction of a cent stay within 6."""

RATE_LIMIT: Final = 10**9
"""Every exchange rate is positive and below 10^9.

A rate says what one unit of a currency is worth in another. The largest such
figures are a strong currency in a weak one: one US dollar is about 25,000
Vietnamese dong and about 16,000 Indonesian rupiah, and even the Iranian rial's
market rate (around a million to the dollar) stays three orders of magnitude below."""

RATE_PLACES: Final = 12
"""Exchange rates have at most 12 decimal places.

The smallest rates are a weak currency in a strong one: one dong is about
0.00004 US dollars and one rupiah about 0.0000625. Twelve places keep seven or
more significant digits for them, finer than any published reference rate."""

MAX_STORES: Final = 50
"""An application lists at most 50 stores."""

MAX_RECORDS_PER_STORE: Final = 600
"""A store has at most 600 monthly records, 10 years of months, each split into up to 5 categories."""

MAX_TEXT_LENGTH: Final = 200
"""The applicant, the application id, categories, platforms, store ids, names and owners
are at most 200 characters each."""

MAX_DOCUMENT_BYTES: Final = 4 * 1024 * 1024
"""An application document (JSON) is at most 4 MiB; the command line refuses larger files
before reading them."""

AS_OF_RANGE: Final = (dt.date(1900, 1, 1), dt.date(2999, 12, 31))
"""The earliest and latest ``as_of`` a decision takes: review windows look back and plans look
ahead years from it, which must stay within the calendar Python has."""
