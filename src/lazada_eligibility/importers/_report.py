"""
What an import returns: the monthly records and a report of what was read.
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from typing import Any, TextIO

import attrs

from .._terminal import escape
from ..models import MonthlyTurnover, Store
from ..money import Money
from ..periods import Month

__all__ = [
    "ExcludedTurnover",
    "Export",
    "ImportReport",
    "ImportResult",
    "SkippedRows",
    "StoreImport",
]

Source = str | PathLike[str] | TextIO
"""A path to an export, or an open text stream of one."""


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


@attrs.frozen
class SkippedRows:
    """
    Rows that were read but not counted, all for one reason.

    Args:
        reason: Why, such as ``type 'Transfer' is not a sale``.
        count: How many rows.
        lines: The 1-based line numbers of the first of them (at most
            ``max_lines``, an option of every importer; 20 by default).
        problem: ``True`` when the rows are malformed (kept only with
            ``errors="report"``); ``False`` when the export's own design
            says they are not turnover (fees, transfers, a footer).

    Example:
        >>> from lazada_eligibility.importers import SkippedRows
        >>> SkippedRows("blank row", 2, (7, 9)).describe()
        'blank row: 2 rows (lines 7, 9)'

    .. versionadded:: 0.1.0
    """

    reason: str
    count: int
    lines: tuple[int, ...]
    problem: bool = False

    def describe(self) -> str:
        """
        Return one line for people: reason, count and line numbers.

        .. versionadded:: 0.1.0
        """
        shown = ", ".join(str(n) for n in self.lines)
        more = ", ..." if self.count > len(self.lines) else ""
        where = f" (line{'s' if self.count > 1 else ''} {shown}{more})" if self.lines else ""
        return f"{self.reason}: {_rows(self.count)}{where}"

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping.

        Example:
            >>> from lazada_eligibility.importers import SkippedRows
            >>> SkippedRows("report footer", 1, (40,)).to_dict()
            {'reason': 'report footer', 'count': 1, 'lines': [40], 'problem': False}

        .. versionadded:: 0.1.0
        """
        return {
            "reason": self.reason,
            "count": self.count,
            "lines": list(self.lines),
            "problem": self.problem,
        }


@attrs.frozen
class ExcludedTurnover:
    """
    A month (and category) that was read but left out of the turnover, and why.

    A month is left out, never changed, when its net turnover is negative
    (refunds exceed sales) or when it holds amounts in several currencies,
    which cannot be added up without exchange rates.

    Args:
        month: The month.
        category: The Lazada category id, or ``None`` for the store's.
        amounts: The sums read, one per currency.
        reason: Why the month is left out.

    Example:
        >>> from lazada_eligibility import Money, Month
        >>> from lazada_eligibility.importers import ExcludedTurnover
        >>> ExcludedTurnover(
        ...     Month(2026, 9), None, (Money("-12.50", "USD"),), "net turnover is negative"
        ... ).describe()
        '2026-09: net turnover is negative (-12.50 USD)'

    .. versionadded:: 0.1.0
    """

    month: Month
    category: str | None
    amounts: tuple[Money, ...]
    reason: str

    def describe(self) -> str:
        """
        Return one line for people.

        .. versionadded:: 0.1.0
        """
        where = str(self.month) if self.category is None else f"{self.month} {self.category}"
        sums = ", ".join(str(a) for a in self.amounts)
        return f"{where}: {self.reason} ({sums})"

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping; amounts keep every digit as strings.

        Example:
            >>> from lazada_eligibility import Money, Month
            >>> from lazada_eligibility.importers import ExcludedTurnover
            >>> ExcludedTurnover(
            ...     Month(2026, 9), None, (Money("-1.50", "USD"),), "negative"
            ... ).to_dict()
            {'month': '2026-09', 'category': None, 'amounts': [{'amount': '-1.50', 'currency': 'USD'}], 'reason': 'negative'}

        .. versionadded:: 0.1.0
        """
        return {
            "month": str(self.month),
            "category": self.category,
            "amounts": [a.to_dict() for a in self.amounts],
            "reason": self.reason,
        }


@attrs.frozen(kw_only=True)
class ImportReport:
    r"""
    What an importer read from one export, so that nothing is dropped unseen.

    ``rows_read == rows_used + rows_skipped`` always holds.

    Args:
        source: The file name, or ``<stream>``.
        kind: The export's kind, such as ``amazon-date-range``.
        header_line: The line of the header row (after any preamble).
        language: The language of the column names (``en``, ``de``, ...).
        locale: The locale numbers and dates were read in.
        counted: The columns whose amounts make up turnover, as the export
            names them.
        rows_read: Data rows after the header.
        rows_used: Rows counted as turnover.
        skipped: Rows not counted, grouped by reason.
        months: The months that rows were counted in, oldest first.
        currencies: The currencies of the counted amounts.
        zones: The time zones the export's timestamps stated.
        unmapped: SKUs or platform categories that had no mapping, so their
            rows went to the default category (at most 50 are listed).
        excluded: Months left out of the turnover, and why.
        sha256: The SHA-256 of the export's bytes (of its text in UTF-8 when
            it was given as a text stream), hexadecimal.
        rows_sha256: The SHA-256 of its data rows, cell by cell, whatever
            its encoding, delimiter, quoting or preamble; ``None`` when it
            has no data rows. Two exports with the same rows are one export.

    Example:
        >>> import io
        >>> from lazada_eligibility import importers
        >>> report = importers.read(
        ...     "csv",
        ...     io.StringIO("day,total\n2026-09-30,10.50\n,\n"),
        ...     date_column="day",
        ...     amount_column="total",
        ...     currency="USD",
        ... ).report
        >>> report.rows_read, report.rows_used, report.rows_skipped
        (2, 1, 1)
        >>> print(report.summary())
        <stream>: csv, header on line 1, 2 rows: 1 used, 1 skipped
          blank row: 1 row (line 3)
          months 2026-09; currencies USD

    .. versionadded:: 0.1.0
    """

    source: str
    kind: str
    header_line: int
    language: str | None
    locale: str
    counted: tuple[str, ...]
    rows_read: int
    rows_used: int
    skipped: tuple[SkippedRows, ...]
    months: tuple[Month, ...]
    currencies: tuple[str, ...]
    zones: tuple[str, ...] = ()
    unmapped: tuple[str, ...] = ()
    excluded: tuple[ExcludedTurnover, ...] = ()
    sha256: str | None = None
    rows_sha256: str | None = None

    @property
    def rows_skipped(self) -> int:
        """
        How many rows were read but not counted.
        """
        return sum(s.count for s in self.skipped)

    @property
    def problems(self) -> tuple[SkippedRows, ...]:
        """
        The skipped rows that were malformed (only with ``errors="report"``).
        """
        return tuple(s for s in self.skipped if s.problem)

    def summary(self) -> str:
        """
        Return a few lines for people: counts, reasons, months, what was left out.

        The class's example shows one.

        .. versionadded:: 0.1.0
        """
        # Cells and file names come from the export: shown escaped, they
        # cannot add a line, move the cursor or turn the text around.
        head = (
            f"{escape(self.source)}: {self.kind}, header on line {self.header_line}, "
            f"{_rows(self.rows_read)}: {self.rows_used} used, {self.rows_skipped} skipped"
        )
        lines = [head]
        lines.extend(
            "  " + ("PROBLEM " if s.problem else "") + escape(s.describe()) for s in self.skipped
        )
        months = ", ".join(str(m) for m in self.months) or "none"
        currencies = ", ".join(self.currencies) or "none"
        lines.append(f"  months {months}; currencies {currencies}")
        if self.unmapped:
            lines.append(
                "  no category mapping for: " + ", ".join(escape(u) for u in self.unmapped)
            )
        lines.extend(f"  left out {escape(e.describe())}" for e in self.excluded)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        r"""
        Return a JSON-ready mapping, for logs and audit trails.

        Example:
            >>> import io
            >>> from lazada_eligibility import importers
            >>> report = importers.read(
            ...     "csv",
            ...     io.StringIO("d,a\n2026-09-01,5\n"),
            ...     date_column="d",
            ...     amount_column="a",
            ...     currency="USD",
            ... ).report
            >>> report.to_dict()["months"], report.to_dict()["rows_used"]
            (['2026-09'], 1)

        .. versionadded:: 0.1.0
        """
        return {
            "source": self.source,
            "kind": self.kind,
            "header_line": self.header_line,
            "language": self.language,
            "locale": self.locale,
            "counted": list(self.counted),
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rows_skipped": self.rows_skipped,
            "skipped": [s.to_dict() for s in self.skipped],
            "months": [str(m) for m in self.months],
            "currencies": list(self.currencies),
            "zones": list(self.zones),
            "unmapped": list(self.unmapped),
            "excluded": [e.to_dict() for e in self.excluded],
            "sha256": self.sha256,
            "rows_sha256": self.rows_sha256,
        }


@attrs.frozen
class ImportResult:
    r"""
    The monthly turnover read from one export, and the report of the reading.

    Args:
        turnover: One record per month and category, oldest first.
        report: What was read, used, skipped and left out.

    Example:
        >>> import io
        >>> from lazada_eligibility import importers
        >>> result = importers.read(
        ...     "csv",
        ...     io.StringIO("day,total\n2026-09-01,600\n2026-09-30,400.00\n"),
        ...     date_column="day",
        ...     amount_column="total",
        ...     currency="USD",
        ... )
        >>> result.turnover
        (MonthlyTurnover(month=Month(2026, 9), amount=Money('1000.00', 'USD'), category=None),)

    .. versionadded:: 0.1.0
    """

    turnover: tuple[MonthlyTurnover, ...]
    report: ImportReport


@attrs.frozen
class StoreImport:
    r"""
    A store built from several exports, with a report for each.

    Args:
        store: The store, its turnover summed over the exports.
        reports: One report per export, in the order given. Each describes
            its file on its own; its ``excluded`` says what that file alone
            would have left out.
        excluded: What was left out of the store's turnover, after the
            exports were added up.

    Example:
        >>> import io
        >>> from lazada_eligibility.importers import Export, import_store
        >>> sep = Export(io.StringIO("day,total\n2026-09-05,1200\n"), "csv")
        >>> oct_ = Export(io.StringIO("day,total\n2026-10-05,1300\n"), "csv")
        >>> imported = import_store(
        ...     "Shopify",
        ...     "my-shop",
        ...     [sep, oct_],
        ...     date_column="day",
        ...     amount_column="total",
        ...     currency="USD",
        ... )
        >>> [str(t.month) for t in imported.store.turnover]
        ['2026-09', '2026-10']

    .. versionadded:: 0.1.0
    """

    store: Store
    reports: tuple[ImportReport, ...]
    excluded: tuple[ExcludedTurnover, ...] = ()


def _options(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return dict(value or {})


@attrs.frozen
class Export:
    """
    One export to read into a store: where it is, its kind, its own options.

    Use it with :func:`~lazada_eligibility.importers.import_store` when the
    exports of one store need different options, such as Business Reports
    by child item, each for its own month.

    Args:
        source: A path, or an open text stream.
        kind: One of :data:`~lazada_eligibility.importers.KINDS`, or
            ``"auto"`` to detect it from the header.
        options: Options for this export only; they override the ones given
            for all exports.

    Example:
        >>> from lazada_eligibility.importers import Export
        >>> Export("BusinessReport-2026-09.csv", options={"month": "2026-09"}).kind
        'auto'

    .. versionadded:: 0.1.0
    """

    source: Source
    kind: str = "auto"
    options: Mapping[str, Any] = attrs.field(factory=dict, converter=_options)
