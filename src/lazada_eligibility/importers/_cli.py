"""
The ``import`` subcommand: platform exports in, the store as JSON out.

``lazada-eligibility import KIND FILE... --store-id ID --platform P`` reads
the exports with :func:`~lazada_eligibility.importers.import_store` and
writes :meth:`~lazada_eligibility.Store.to_dict` as JSON, ready to put into
an application. What each file held goes to standard error, one summary per
file, unless ``--quiet``.

Exit codes follow ``sysexits.h``: 64 for a bad option, 65 for an export
that cannot be read, 66 for a file that is not there, 73 for an output file
that cannot be written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Final, TextIO

from ..exceptions import ExportFormatError, ValidationError
from ._api import KINDS, import_store
from ._report import Export

__all__ = ["register", "run"]

EX_USAGE: Final = 64
EX_DATAERR: Final = 65
EX_NOINPUT: Final = 66
EX_CANTCREAT: Final = 73

_PASSED: Final = (
    "currency",
    "locale",
    "tz",
    "basis",
    "amount",
    "encoding",
    "sku_categories",
    "date_column",
    "amount_column",
    "currency_column",
    "category_column",
    "sku_column",
    "date_format",
    "delimiter",
)


def register(subparsers: Any) -> None:  # noqa: ANN401 -- argparse's subparsers action is private
    """
    Add the ``import`` subcommand to *subparsers* (from ``add_subparsers()``).

    Example:
        >>> import argparse
        >>> parser = argparse.ArgumentParser(prog="lazada-eligibility")
        >>> register(parser.add_subparsers())
        >>> args = parser.parse_args(
        ...     ["import", "csv", "a.csv", "--store-id", "s1", "--platform", "AliExpress"]
        ... )
        >>> args.kind, args.files, args.func is args.run is run
        ('csv', ['a.csv'], True)

    .. versionadded:: 0.1.0
    """
    p = subparsers.add_parser(
        "import",
        help="read platform exports into a store, written as JSON",
        description=(
            "Read a store's platform exports (Amazon, eBay, any CSV) into monthly "
            "turnover and write the store as JSON. KIND is 'auto' or one of: "
            + ", ".join(KINDS)
            + "."
        ),
    )
    p.add_argument("kind", metavar="KIND", choices=("auto", *KINDS), help="the exports' kind")
    p.add_argument("files", metavar="FILE", nargs="+", help="the export files")
    p.add_argument("--store-id", required=True, help="the store's id on the platform")
    p.add_argument("--platform", required=True, help="the platform, such as amazon.com")
    p.add_argument("--category", help="the store's Lazada category id")
    p.add_argument("--name", help="the store's display name")
    p.add_argument("--owner", help="who owns the store's records")
    p.add_argument("-o", "--output", metavar="OUT", help="write the JSON here, not to stdout")
    p.add_argument(
        "--month",
        action="append",
        help="the month a Business Report by child item covers; once, or once per FILE",
    )
    p.add_argument("--currency", help="the currency of amounts the export does not state")
    p.add_argument("--locale", help="the locale numbers and dates are written in, like de_DE")
    p.add_argument("--tz", help="the time zone months are counted in")
    p.add_argument("--basis", choices=("gross", "net"), help="count refunds (net) or not")
    p.add_argument("--amount", help="which amount counts, for eBay reports")
    p.add_argument("--encoding", help="the files' encoding (default utf-8-sig)")
    p.add_argument("--sku-categories", metavar="CSV", help="a sku,category CSV file")
    for column in ("date", "amount", "currency", "category", "sku"):
        p.add_argument(f"--{column}-column", help=f"the {column} column of a 'csv' export")
    p.add_argument("--date-format", help="a strptime format for a 'csv' export's dates")
    p.add_argument("--delimiter", help="the delimiter of a 'csv' export")
    p.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="report malformed rows and go on, instead of stopping at the first",
    )
    p.add_argument(
        "--overlap",
        choices=("error", "sum"),
        default="error",
        help="what to do when two files cover the same month",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no summaries on stderr")
    # func= for a dispatcher that calls func(args); run= for lazada_eligibility.cli,
    # which calls run(args, out).
    p.set_defaults(func=run, run=run)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    r"""
    Run ``import`` with parsed *args*; return the exit code.

    Args:
        args: The parsed command line.
        out: Where the JSON goes without ``-o``; standard output by default.

    Example:
        >>> import argparse, io, pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "orders.csv"
        >>> _ = path.write_text("day,total\n2026-09-30,1000.00\n", encoding="utf-8")
        >>> parser = argparse.ArgumentParser(prog="lazada-eligibility")
        >>> register(parser.add_subparsers())
        >>> args = parser.parse_args(
        ...     [
        ...         "import",
        ...         "csv",
        ...         str(path),
        ...         "--store-id",
        ...         "s1",
        ...         "--platform",
        ...         "AliExpress",
        ...         "--date-column",
        ...         "day",
        ...         "--amount-column",
        ...         "total",
        ...         "--currency",
        ...         "USD",
        ...         "-q",
        ...     ]
        ... )
        >>> out = io.StringIO()
        >>> run(args, out)
        0
        >>> print(out.getvalue())
        {
          "platform": "AliExpress",
          "store_id": "s1",
          "turnover": [
            {
              "month": "2026-09",
              "amount": {
                "amount": "1000.00",
                "currency": "USD"
              }
            }
          ]
        }
        <BLANKLINE>

    .. versionadded:: 0.1.0
    """
    exports = _exports(args)
    if isinstance(exports, int):
        return exports
    options = {k: getattr(args, k) for k in _PASSED if getattr(args, k) is not None}
    if args.skip_bad_rows:
        options["errors"] = "report"
    try:
        imported = import_store(
            args.platform,
            args.store_id,
            exports,
            name=args.name,
            owner=args.owner,
            category=args.category,
            overlap=args.overlap,
            **options,
        )
    except ExportFormatError as e:
        return _fail(str(e), EX_DATAERR)
    except ValidationError as e:
        return _fail(str(e), EX_USAGE)
    except OSError as e:
        return _fail(f"{e.filename}: {e.strerror}", EX_NOINPUT)
    if not args.quiet:
        lines = [r.summary() for r in imported.reports]
        lines.extend(f"left out of the store: {e.describe()}" for e in imported.excluded)
        sys.stderr.write("\n".join(lines) + "\n")
    text = json.dumps(imported.store.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if args.output is None:
        (out or sys.stdout).write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as e:
        return _fail(f"{args.output}: {e.strerror}", EX_CANTCREAT)
    return 0


def _exports(args: argparse.Namespace) -> list[Export] | int:
    """
    The files as exports, each with its month when ``--month`` is given per file.
    """
    for path in (*args.files, args.sku_categories):
        if path is not None and not Path(path).is_file():
            return _fail(f"{path}: no such file", EX_NOINPUT)
    months = args.month or []
    if len(months) > 1 and len(months) != len(args.files):
        return _fail(f"--month is given {len(months)} times for {len(args.files)} files", EX_USAGE)
    per_file = months if len(months) > 1 else [months[0] if months else None] * len(args.files)
    return [
        Export(path, args.kind, {"month": month} if month else {})
        for path, month in zip(args.files, per_file, strict=True)
    ]


def _fail(message: str, code: int) -> int:
    sys.stderr.write("lazada-eligibility import: " + " ".join(message.split()) + "\n")
    return code
