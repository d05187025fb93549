r"""
Read platform exports (Amazon, eBay, any CSV) into monthly turnover.

Sellers do not type their turnover: they download reports. :func:`~lazada_eligibility.importers.read`
turns one export into :class:`~lazada_eligibility.MonthlyTurnover` records
and an :class:`~lazada_eligibility.importers.ImportReport` of everything it read, used and skipped;
:func:`~lazada_eligibility.importers.import_store` and :func:`~lazada_eligibility.importers.store_from_exports` build a
:class:`~lazada_eligibility.Store` from several.

Example:
    >>> import io
    >>> from lazada_eligibility import importers
    >>> export = io.StringIO(
    ...     '"Includes Amazon Marketplace, Fulfillment by Amazon (FBA), and Amazon Webstore transactions"\n'
    ...     '"All amounts in USD, unless specified"\n'
    ...     '"date/time","settlement id","type","order id","sku","product sales","shipping credits","total"\n'
    ...     '"Sep 30, 2026 11:30:00 PM PDT","1","Order","111-1","MUG-1","1,200.00","10.00","1,080.00"\n'
    ...     '"Oct 2, 2026 9:00:00 AM PDT","1","Transfer","","","0","0","-1,080.00"\n'
    ... )
    >>> result = importers.read("amazon-date-range", export)
    >>> [(str(t.month), str(t.amount)) for t in result.turnover]
    [('2026-09', '1210.00 USD')]
    >>> result.report.skipped[0].describe()
    "type 'Transfer': not a sale: 1 row (line 5)"
"""

from __future__ import annotations

from ._api import KINDS, detect, import_store, read, store_from_exports
from ._report import (
    ExcludedTurnover,
    Export,
    ImportReport,
    ImportResult,
    SkippedRows,
    StoreImport,
)

__all__ = [
    "KINDS",
    "ExcludedTurnover",
    "Export",
    "ImportReport",
    "ImportResult",
    "SkippedRows",
    "StoreImport",
    "detect",
    "import_store",
    "read",
    "store_from_exports",
]
