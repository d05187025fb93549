"""
The entry points: read one export, detect its kind, build a store from several.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Final

from ..exceptions import ExportFormatError, FieldProblem, ValidationError
from ..models import Store
from ..periods import Month
from ._amazon import BusinessReport, DateRange, Settlement
from ._ebay import EbayOrders, EbayTransactions
from ._engine import HEAD_LINES, Importer, Sums, add_exact
from ._generic import GenericCsv
from ._layout import UndecodableError, blank, csv_problem, find_header, open_lines
from ._options import COMMON, Options, parse_options, text_encoding
from ._report import Export, ImportReport, ImportResult, Source, StoreImport
from ._run import finish, result, run
from ._spelling import option

__all__ = ["KINDS", "detect", "import_store", "read", "store_from_exports"]

_IMPORTERS: Final[dict[str, type[Importer]]] = {
    cls.kind: cls
    for cls in (BusinessReport, DateRange, Settlement, EbayOrders, EbayTransactions, GenericCsv)
}

KINDS: Final[tuple[str, ...]] = tuple(_IMPORTERS)
"""
The kinds of export :func:`~lazada_eligibility.importers.read` takes, besides ``"auto"``.

Example:
    >>> KINDS
    ('amazon-business-report', 'amazon-date-range', 'amazon-settlement', 'ebay-orders', 'ebay-transactions', 'csv')

.. versionadded:: 0.1.0
"""

_DETECTABLE: Final = (Settlement, DateRange, BusinessReport, EbayTransactions, EbayOrders)


def detect(source: Source, encoding: str = "utf-8-sig") -> str:
    r"""
    Guess the kind of an export from its header.

    Reads at most the first lines of *source*. A stream is put back where it
    was when it can seek.

    Args:
        source: A path, or an open text or binary stream.
        encoding: How the file is encoded.

    Raises:
        ExportFormatError: No known export's columns are there; the message
            lists the columns found.

    Example:
        >>> import io
        >>> from lazada_eligibility.importers import detect
        >>> detect(io.StringIO('"date/time","type","product sales"\n'))
        'amazon-date-range'

    .. versionadded:: 0.1.0
    """
    try:
        encoding = text_encoding(encoding)
    except ValueError as e:
        raise ValidationError.single("encoding", str(e)) from None
    position = _tell(source)
    with open_lines(source, encoding) as (name, lines):
        try:
            head = list(itertools.islice(lines, HEAD_LINES))
        except UndecodableError as e:
            msg = f"cannot be read as {encoding} ({e.reason}); pass {option('encoding')}"
            raise ExportFormatError(msg, path=name, line=e.line) from None
    if position is not None:
        source.seek(position)  # type: ignore[union-attr]  # _tell() checked it can
    for cls in _DETECTABLE:
        found = find_header(cls(Options()), head, name)
        if not isinstance(found, ExportFormatError):
            return cls.kind
    reader = csv.reader(head)
    try:
        rows = [row for row in reader if not blank(row)]
    except csv.Error as e:
        raise ExportFormatError(csv_problem(e), path=name, line=reader.line_num) from None
    first = ", ".join(repr(c.strip()) for c in rows[0][:40] if c.strip()) if rows else "none"
    kinds = ", ".join(KINDS[:-1])
    msg = f"not an export this library knows ({kinds}); the first row's columns are {first}"
    raise ExportFormatError(msg, path=name)


def _tell(source: object) -> int | None:
    seekable = getattr(source, "seekable", None)
    if seekable is not None and seekable():
        position: int = source.tell()  # type: ignore[attr-defined]  # a seekable stream
        return position
    return None


def _importer(kind: str, source: Source, options: Mapping[str, object]) -> Importer:
    if kind == "auto":
        if hasattr(source, "read") and _tell(source) is None:
            raise ValidationError.single(
                "kind", "'auto' reads the header twice: name the kind for a stream that cannot seek"
            )
        kind = detect(source, str(options.get("encoding", "utf-8-sig")))
    cls = _IMPORTERS.get(kind)
    if cls is None:
        raise ValidationError.single(
            "kind", f"expected 'auto' or one of {', '.join(map(repr, KINDS))}, got {kind!r}"
        )
    opts = parse_options(kind, options, cls.options)
    platform = opts.platform
    if platform is not None and cls.family is not None and platform.family != cls.family:
        raise ValidationError.single(
            "platform",
            f"{kind} is an export of {cls.family}, not of {platform.name} ({platform.family})",
        )
    return cls(opts)


def _read(kind: str, source: Source, options: Mapping[str, object]) -> tuple[ImportReport, Sums]:
    return run(_importer(kind, source, options), source)


def read(kind: str, source: Source, **options: object) -> ImportResult:
    r"""
    Read one export into monthly turnover records and a report.

    Streams the file: memory holds the monthly sums, not the rows.

    Args:
        kind: One of :data:`~lazada_eligibility.importers.KINDS`, or ``"auto"`` to detect it.
        source: A path, or an open text or binary stream.
        **options: See the importers guide: ``category``, ``sku_categories``,
            ``currency``, ``locale``, ``tz``, ``platform``, ``errors``,
            ``revenue``, ...

    Raises:
        ExportFormatError: The file is not of *kind* (naming the missing
            columns and the ones found), or a row is malformed (naming its
            line and column).
        ValidationError: An option is unknown or bad.
        FileNotFoundError: *source* is a path that does not exist.

    Example:
        >>> import io
        >>> from lazada_eligibility.importers import read
        >>> export = io.StringIO(
        ...     '"Date","Ordered Product Sales","Units Ordered"\n'
        ...     '"9/30/2026","$1,234.56","12"\n'
        ...     '"10/1/2026","$99.00","1"\n'
        ... )
        >>> for record in read("amazon-business-report", export).turnover:
        ...     print(record.month, record.amount)
        2026-09 1234.56 USD
        2026-10 99.00 USD

    .. versionadded:: 0.1.0
    """
    report, sums = _read(kind, source, options)
    return result(report, sums)


def import_store(
    platform: str,
    store_id: str,
    files: Iterable[Source | Export],
    *,
    kind: str = "auto",
    name: str | None = None,
    owner: str | None = None,
    category: str | None = None,
    overlap: str = "error",
    **options: object,
) -> StoreImport:
    r"""
    Build a store from its exports, with a report for each.

    The exports' monthly sums are added up, then each month becomes one
    record (per category), or is left out with the reason in the result's
    ``excluded``.

    Args:
        platform: Where the store sells, such as ``"amazon.com"``; also
            gives the exports' default locale, currency and time zone.
        store_id: The store's id on the platform.
        files: Paths, streams or :class:`~lazada_eligibility.importers.Export` values.
        kind: The kind of the files that are not :class:`~lazada_eligibility.importers.Export` values.
        name: The store's display name.
        owner: Who owns the records.
        category: The store's Lazada category: records of rows with no
            mapped category are in it.
        overlap: ``"error"`` (the default) when two exports have turnover in
            the same month, which would be counted twice; ``"sum"`` to add
            them, for exports that do not overlap (one per marketplace).
            Never adds one export to itself: see below.
        **options: Options for every export, as for :func:`~lazada_eligibility.importers.read`. Each
            export gets the ones its kind takes.

    One export is the turnover of one period: an export whose file or data
    rows (the ``sha256`` and ``rows_sha256`` of its
    :class:`~lazada_eligibility.importers.ImportReport`) were already read in
    the same call is refused, naming both uses, whatever its ``month`` and
    ``overlap``.

    Raises:
        ExportFormatError: An export cannot be read, two exports overlap,
            or one export is given twice.
        ValidationError: An option is bad or no export takes it.

    Example:
        >>> import io
        >>> from lazada_eligibility.importers import import_store
        >>> september = io.StringIO("date,amount\n2026-09-02,1500\n")
        >>> imported = import_store(
        ...     "AliExpress",
        ...     "cn-1",
        ...     [september],
        ...     kind="csv",
        ...     date_column="date",
        ...     amount_column="amount",
        ...     currency="USD",
        ... )
        >>> imported.store.turnover[0].amount
        Money('1500', 'USD')

    .. versionadded:: 0.1.0
    """
    if overlap not in ("error", "sum"):
        raise ValidationError.single("overlap", f"expected 'error' or 'sum', got {overlap!r}")
    exports = [f if isinstance(f, Export) else Export(f, kind) for f in files]
    if not exports:
        raise ValidationError.single("files", "expected at least one export")
    unused = set(options)
    merged: Sums = {}
    reports: list[ImportReport] = []
    first_of: dict[Month, str] = {}
    seen: list[tuple[int, Export, ImportReport]] = []
    # Adding exports up, a row two of them count is one sale counted twice.
    row_checks = overlap == "sum" and len(exports) > 1
    rows_seen: dict[bytes, tuple[int, str, int]] = {}
    for number, export in enumerate(exports, 1):
        importer = _store_importer(export, platform, options, unused)
        counted: dict[bytes, int] | None = {} if row_checks else None
        report, sums = run(importer, export.source, counted)
        _refuse_repeat(number, export, report, seen)
        seen.append((number, export, report))
        if counted:
            _refuse_shared_rows(number, report, counted, rows_seen)
        clashes = sorted(m for m in report.months if m in first_of)
        if clashes and overlap == "error":
            months = ", ".join(str(m) for m in clashes)
            msg = (
                f"has turnover in {months}, as {first_of[clashes[0]]} does: the months would "
                f"be counted twice; pass {option('overlap', 'sum')} if the exports do not overlap"
            )
            raise ExportFormatError(msg, path=report.source)
        for month in report.months:
            first_of.setdefault(month, report.source)
        for (month, cat, currency), total in sums.items():
            key = (month, None if cat == category else cat, currency)
            merged[key] = add_exact(merged.get(key, Decimal(0)), total)
        reports.append(result(report, sums).report)
    unused -= COMMON
    if unused:
        raise ValidationError(
            FieldProblem(name, "is not an option of any of the exports' kinds")
            for name in sorted(unused)
        )
    turnover, excluded = finish(merged)
    store = Store(platform, store_id, turnover, name=name, owner=owner, category=category)
    return StoreImport(store, tuple(reports), excluded)


def _refuse_repeat(
    number: int, export: Export, report: ImportReport, seen: list[tuple[int, Export, ImportReport]]
) -> None:
    """
    Refuse an export whose file or rows were given before: one export is one period.

    An export without data rows adds nothing, so it is never a repeat.
    """
    if report.rows_sha256 is None:
        return
    for earlier_number, earlier, earlier_report in seen:
        if report.sha256 == earlier_report.sha256:
            same = "is the same file as"
        elif report.rows_sha256 == earlier_report.rows_sha256:
            same = "has the same rows as"
        else:
            continue
        msg = (
            f"export {number} ({_use(export, report, path=False)}) {same} export "
            f"{earlier_number} ({_use(earlier, earlier_report)}): one export is the turnover "
            "of one period "
            "and is counted once; give each period's own export"
        )
        raise ExportFormatError(msg, path=report.source)


def _refuse_shared_rows(
    number: int,
    report: ImportReport,
    counted: dict[bytes, int],
    rows_seen: dict[bytes, tuple[int, str, int]],
) -> None:
    """
    Refuse an export that counts a row an earlier export counted; else remember its rows.
    """
    for digest, line in counted.items():
        earlier = rows_seen.get(digest)
        if earlier is not None:
            earlier_number, earlier_source, earlier_line = earlier
            msg = (
                f"export {number} counts the row on line {line}, which export {earlier_number} "
                f"({earlier_source}) counts on line {earlier_line}: the exports overlap, so "
                f"adding them ({option('overlap', 'sum')}) would count that sale twice; "
                "give exports of periods or marketplaces that do not overlap"
            )
            raise ExportFormatError(msg, path=report.source, line=line)
    rows_seen.update((d, (number, report.source, line)) for d, line in counted.items())


def _use(export: Export, report: ImportReport, *, path: bool = True) -> str:
    """
    One use of an export in a message: its name, its own month, its content hash.
    """
    parts = [report.source] if path else []
    month = export.options.get("month")
    if month is not None:
        parts.append(option("month", str(month)))
    parts.append(f"sha256 {(report.sha256 or '')[:12]}")
    return ", ".join(parts)


def _store_importer(
    export: Export, platform: str, shared: Mapping[str, object], unused: set[str]
) -> Importer:
    kind = export.kind
    if kind == "auto":
        kind = detect(export.source, str({**shared, **export.options}.get("encoding", "utf-8-sig")))
    cls = _IMPORTERS.get(kind)
    accepted = COMMON | (cls.options if cls is not None else frozenset())
    taken = {k: v for k, v in shared.items() if k in accepted}
    unused -= set(taken)
    return _importer(kind, export.source, {"platform": platform, **taken, **export.options})


def store_from_exports(
    platform: str,
    store_id: str,
    files: Iterable[Source | Export],
    *,
    kind: str = "auto",
    name: str | None = None,
    owner: str | None = None,
    category: str | None = None,
    overlap: str = "error",
    **options: object,
) -> Store:
    r"""
    Build a store from its exports; ``Store.from_exports`` is this.

    Takes the arguments of :func:`~lazada_eligibility.importers.import_store` and returns only the store.
    Use :func:`~lazada_eligibility.importers.import_store` to see the reports.

    Example:
        >>> import io
        >>> from lazada_eligibility.importers import store_from_exports
        >>> store = store_from_exports(
        ...     "amazon.com",
        ...     "A1B2C3",
        ...     [io.StringIO('"Date","Ordered Product Sales"\n"9/30/2026","$1,000.00"\n')],
        ...     category="mobiles",
        ... )
        >>> store.turnover[0].amount, store.category
        (Money('1000.00', 'USD'), 'mobiles')

    .. versionadded:: 0.1.0
    """
    return import_store(
        platform,
        store_id,
        files,
        kind=kind,
        name=name,
        owner=owner,
        category=category,
        overlap=overlap,
        **options,
    ).store
