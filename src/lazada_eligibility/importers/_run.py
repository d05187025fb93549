"""
The reading loop: stream the rows of an export through an importer, then make records.

Memory stays bounded: the monthly sums, the counts of skipped rows and the
first line numbers of each reason; never the rows.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Final

import attrs

from ..exceptions import ExportFormatError
from ..models import MonthlyTurnover
from ..money import Money
from ..periods import Month
from ._engine import HEAD_LINES, FileError, Importer, Sums
from ._layout import UndecodableError, blank, csv_problem, find_header, open_lines
from ._report import ExcludedTurnover, ImportReport, ImportResult, SkippedRows
from ._spelling import option
from ._values import MAX_AMOUNT, RowError

__all__ = ["finish", "result", "run"]

MAX_REASONS: Final = 50
_BLANK: Final = "blank row"


class _Tally:
    """
    Skipped rows by reason, keeping counts and only the first line numbers.
    """

    def __init__(self, max_lines: int) -> None:
        self.max_lines = max_lines
        self.reasons: dict[tuple[str, bool], tuple[int, list[int]]] = {}
        self.blank = 0

    def add(self, reason: str, problem: bool, line: int) -> None:
        if reason == _BLANK:
            self.blank += 1
        key = (reason, problem)
        if key not in self.reasons and len(self.reasons) >= MAX_REASONS:
            key = ("other problems" if problem else "other reasons", problem)
        count, lines = self.reasons.get(key, (0, []))
        if len(lines) < self.max_lines:
            lines.append(line)
        self.reasons[key] = (count + 1, lines)

    def skipped(self) -> tuple[SkippedRows, ...]:
        return tuple(
            SkippedRows(reason, count, tuple(lines), problem)
            for (reason, problem), (count, lines) in self.reasons.items()
        )


def run(
    importer: Importer, source: object, counted_rows: dict[bytes, int] | None = None
) -> tuple[ImportReport, Sums]:
    """
    Read *source* with *importer*; return the report (without exclusions) and the sums.

    When *counted_rows* is given and the export's rows are unique (see
    :meth:`Importer.rows_are_unique`), it gets a digest of every counted row
    -> the row's first line, to find rows that two exports both count.

    Raises:
        ExportFormatError: The header is not found, a row is malformed (with
            ``errors="raise"``), or amounts have no currency.
    """
    opts = importer.opts
    tally = _Tally(opts.max_lines)
    read = used = 0
    content = hashlib.sha256()
    rows = hashlib.sha256()
    with open_lines(source, opts.encoding, content) as (name, lines):
        try:
            for line, cells in _data_rows(importer, name, lines):
                read += 1
                if blank(cells):
                    tally.add(_BLANK, False, line)  # noqa: FBT003 -- a blank row is no problem
                    continue
                canonical = _canonical(cells)
                rows.update(canonical)
                reason = _handle(importer, cells, line, name)
                if reason is None:
                    used += 1
                    if counted_rows is not None and importer.rows_are_unique():
                        digest = hashlib.blake2b(canonical, digest_size=16).digest()
                        counted_rows.setdefault(digest, line)
                else:
                    tally.add(*reason, line)
        except UndecodableError as e:
            raise _decode_error(e, name, opts.encoding) from None
    try:
        importer.end()
    except RowError as e:
        raise ExportFormatError(e.message, path=name, line=e.line, column=e.column) from None
    layout = importer.layout
    report = ImportReport(
        source=name,
        kind=importer.kind,
        header_line=layout.line,
        language=layout.language,
        locale=importer.amounts.locale,
        counted=importer.counted(),
        rows_read=read,
        rows_used=used,
        skipped=tally.skipped(),
        months=tuple(sorted(importer.months)),
        currencies=tuple(sorted({c for _, _, c in importer.sums})),
        zones=tuple(sorted(importer.dates.zones_seen)),
        unmapped=tuple(sorted(importer.unmapped)),
        sha256=content.hexdigest(),
        rows_sha256=rows.hexdigest() if read > tally.blank else None,
    )
    return report, importer.sums


def _canonical(cells: list[str]) -> bytes:
    # Unit and record separators cannot be told from cell text by a reader of
    # the hash, but a cell holding them is read the same way in both exports.
    return "\x1f".join(c.strip() for c in cells).encode("utf-8", "surrogatepass") + b"\x1e"


def _data_rows(
    importer: Importer, name: str, lines: Iterator[str]
) -> Iterator[tuple[int, list[str]]]:
    """
    Find the header, set up *importer*, then yield each data row with its first line.
    """
    head = list(itertools.islice(lines, HEAD_LINES))
    found = find_header(importer, head, name)
    if isinstance(found, ExportFormatError):
        raise found
    layout, header_row = found
    try:
        importer.begin(layout, name)
    except FileError as e:
        raise ExportFormatError(e.message, path=name, column=e.column) from None
    reader = csv.reader(itertools.chain(head, lines), delimiter=layout.delimiter)
    for _ in range(header_row + 1):
        next(reader)
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as e:
            raise ExportFormatError(csv_problem(e), path=name, line=start) from None
        if cells is None:
            return
        yield start, cells
        start = reader.line_num + 1


def _handle(importer: Importer, cells: list[str], line: int, name: str) -> tuple[str, bool] | None:
    """
    Count one row; return ``None``, or why it was skipped and whether it is a problem.
    """
    importer.line = line
    try:
        reason = importer.handle(cells)
    except FileError as e:
        at = e.line or line
        raise ExportFormatError(e.message, path=name, line=at, column=e.column) from None
    except RowError as e:
        if importer.opts.errors == "raise":
            raise ExportFormatError(e.message, path=name, line=line, column=e.column) from None
        where = f"column {e.column!r}: " if e.column else ""
        return where + e.message, True
    return None if reason is None else (reason, False)


def _decode_error(e: UndecodableError, name: str, encoding: str) -> ExportFormatError:
    msg = (
        f"cannot be read as {encoding} ({e.reason}); "
        f"pass {option('encoding')} (Amazon Japan uses cp932)"
    )
    return ExportFormatError(msg, path=name, line=e.line)


def finish(
    sums: Sums, source: str | None = None
) -> tuple[tuple[MonthlyTurnover, ...], tuple[ExcludedTurnover, ...]]:
    """
    Turn the sums into records, leaving out (and saying why) what cannot be one.

    A (month, category) with amounts in several currencies, or with a
    negative sum, is left out: a record must be one non-negative amount, and
    changing the data to make one would hide what the export says.

    Raises:
        ExportFormatError: A month's sum is beyond the bounds of an amount.
    """
    groups: dict[tuple[Month, str | None], dict[str, Decimal]] = {}
    for (month, category, currency), total in sums.items():
        if total.copy_abs() >= MAX_AMOUNT:
            msg = (
                f"the amounts of {month} add up to {total} {currency}, beyond the bounds "
                "of an amount (below 10^15)"
            )
            raise ExportFormatError(msg, path=source)
        groups.setdefault((month, category), {})[currency] = total
    records: list[MonthlyTurnover] = []
    excluded: list[ExcludedTurnover] = []
    for month, category in sorted(groups, key=lambda k: (k[0], k[1] is not None, k[1] or "")):
        by_currency = groups[month, category]
        amounts = tuple(Money(v, c) for c, v in sorted(by_currency.items()))
        if len(amounts) > 1:
            reason = "amounts in several currencies cannot be added up without exchange rates"
            excluded.append(ExcludedTurnover(month, category, amounts, reason))
        elif amounts[0].amount < 0:
            reason = "net turnover is negative: refunds exceed sales"
            excluded.append(ExcludedTurnover(month, category, amounts, reason))
        else:
            records.append(MonthlyTurnover(month, amounts[0], category))
    return tuple(records), tuple(excluded)


def result(report: ImportReport, sums: Sums) -> ImportResult:
    """
    Return the result of one export: its records and its report with the exclusions.
    """
    turnover, excluded = finish(sums, report.source)
    return ImportResult(turnover, attrs.evolve(report, excluded=excluded))
