"""
The ``import`` subcommand: platform exports in, the store as JSON out.

``lazada-eligibility import KIND FILE... --store-id ID --platform P`` reads
the exports with :func:`~lazada_eligibility.importers.import_store` and
writes :meth:`~lazada_eligibility.Store.to_dict` as JSON, ready to put into
an application. What each file held goes to standard error, one summary per
file, unless ``--quiet``.

Exit codes follow ``sysexits.h``: 64 for a bad option or option value
(an unknown ``--platform`` or ``--category`` among them), 65 for an export
that cannot be read (naming the file, line and column), 66 for a file that
is not there, 73 for an output file that cannot be created, 74 for one that
cannot be written to the end.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, TextIO

from .._terminal import one_line
from ..categories import LAZADA_CATEGORIES
from ..exceptions import ExportFormatError, FieldProblem, ValidationError
from ..importers._api import KINDS, import_store
from ..importers._layout import csv_problem
from ..importers._options import sku_table
from ..importers._report import Export
from ..importers._spelling import FLAGS, command_line
from ..platforms import DEFAULT_PLATFORMS

__all__ = ["register", "run"]

EX_USAGE: Final = 64
EX_DATAERR: Final = 65
EX_NOINPUT: Final = 66
EX_CANTCREAT: Final = 73
EX_IOERR: Final = 74

_PASSED: Final = (
    "currency",
    "locale",
    "tz",
    "basis",
    "amount",
    "revenue",
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
    p.add_argument(
        "--revenue",
        choices=("with-shipping", "items"),
        help="count shipping charged to buyers (with-shipping, the default) or items only",
    )
    p.add_argument("--encoding", help="the files' encoding (default utf-8-sig)")
    p.add_argument("--sku-categories", metavar="CSV", help="a sku,category CSV file")
    for column in ("date", "amount", "currency", "category", "sku"):
        p.add_argument(f"--{column}-column", help=f"the {column} column of a 'csv' export")
    p.add_argument("--date-format", help="a strptime format for a 'csv' export's dates")
    p.add_argument(
        "--zone-name",
        dest="zone_names",
        metavar="ABBR=ZONE",
        action="append",
        type=_pair,
        help="a time zone abbreviation the exports use, as an IANA name or offset: IST=Asia/Kolkata",
    )
    p.add_argument(
        "--column",
        dest="columns",
        metavar="FIELD=NAME",
        action="append",
        type=_pair,
        help="the name of a column the importer does not know: sales='Umsatz (brutto)'",
    )
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
    with command_line():
        return _run(args, out)


def _run(args: argparse.Namespace, out: TextIO | None) -> int:
    problem = _check_names(args)
    if problem is not None:
        return _fail(problem, EX_USAGE)
    exports = _exports(args)
    if isinstance(exports, int):
        return exports
    options = _options(args)
    if isinstance(options, str):
        return _fail(options, EX_USAGE)
    try:
        if args.sku_categories is not None:
            options["sku_categories"] = _sku_categories(args.sku_categories)
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
        return _fail(_flagged(e.problems), EX_USAGE)
    except OSError as e:
        return _fail(f"{e.filename or 'an input file'}: {e.strerror or e}", EX_NOINPUT)
    if not args.quiet:
        lines = [r.summary() for r in imported.reports]
        lines.extend(f"left out of the store: {one_line(e.describe())}" for e in imported.excluded)
        sys.stderr.write("\n".join(lines) + "\n")
    text = json.dumps(imported.store.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if args.output is None:
        (out or sys.stdout).write(text)
        return 0
    return _write(args.output, text)


def _write(path: str, text: str) -> int:
    """
    Write *text* to *path*: 73 when it cannot be created, 74 when writing it fails.
    """
    try:
        f = Path(path).open("w", encoding="utf-8")  # noqa: SIM115 -- closed below; opening and writing fail with different statuses
    except OSError as e:
        return _fail(f"-o {path}: cannot create it: {e.strerror or e}", EX_CANTCREAT)
    try:
        with f:
            f.write(text)
    except OSError as e:
        return _fail(f"-o {path}: cannot write it: {e.strerror or e}", EX_IOERR)
    return 0


def _options(args: argparse.Namespace) -> dict[str, Any] | str:
    """
    The importer options the command line gives, or what is wrong with them.
    """
    options: dict[str, Any] = {k: getattr(args, k) for k in _PASSED if getattr(args, k) is not None}
    if args.skip_bad_rows:
        options["errors"] = "report"
    mappings = _mappings(args)
    if isinstance(mappings, str):
        return mappings
    options.update(mappings)
    return options


def _pair(text: str) -> tuple[str, str]:
    """
    Split ``KEY=VALUE`` (of ``--zone-name`` and ``--column``).
    """
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        msg = f"expected KEY=VALUE, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return key.strip(), value.strip()


def _mappings(args: argparse.Namespace) -> dict[str, dict[str, str]] | str:
    """
    ``--zone-name`` and ``--column`` as the zone_names and columns options, or what is wrong.
    """
    found: dict[str, dict[str, str]] = {}
    for name, flag in (("zone_names", "--zone-name"), ("columns", "--column")):
        pairs: list[tuple[str, str]] = getattr(args, name) or []
        mapping = dict(pairs)
        if len(mapping) != len(pairs):
            twice = sorted({k for k, _ in pairs if sum(1 for j, _ in pairs if j == k) > 1})
            return f"{flag}: {', '.join(map(repr, twice))} given more than once"
        if mapping:
            found[name] = mapping
    return found


def _output_is_input(args: argparse.Namespace) -> str | None:
    """
    The input file that ``-o`` names too (also through a link), if any.
    """
    if args.output is None or not Path(args.output).exists():
        return None
    for path in (*args.files, args.sku_categories):
        if path is not None and _same_file(path, args.output):
            return str(path)
    return None


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).samefile(b)
    except OSError:
        return False


def _check_names(args: argparse.Namespace) -> str | None:
    """
    Refuse a --platform the catalog does not know and a --category the taxonomy does not have.
    """
    if DEFAULT_PLATFORMS.resolve(args.platform) is None:
        names = [n for p in DEFAULT_PLATFORMS for n in (p.id, p.name)]
        return (
            f"--platform: {args.platform!r} is not a platform of the catalog "
            f"(such as 'amazon.com', 'Amazon Germany', 'AliExpress')"
            f"{_did_you_mean(args.platform, names)}"
        )
    if args.category is not None and not _known_category(args.category):
        return f"--category: unknown category id {args.category!r}{_category_hint(args.category)}"
    return None


def _known_category(category_id: str) -> bool:
    return category_id in LAZADA_CATEGORIES or category_id in LAZADA_CATEGORIES.groups


def _category_hint(category_id: str) -> str:
    ids = [c.id for c in LAZADA_CATEGORIES] + list(LAZADA_CATEGORIES.groups)
    return _did_you_mean(category_id, ids)


def _did_you_mean(text: str, candidates: Iterable[str]) -> str:
    by_fold: dict[str, str] = {}
    for candidate in candidates:
        by_fold.setdefault(candidate.casefold(), candidate)
    close = difflib.get_close_matches(text.casefold(), list(by_fold), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + ", ".join(repr(by_fold[c]) for c in close) + "?"


def _sku_categories(path: str) -> dict[str, str]:
    """
    Read --sku-categories; every category it names must be in the taxonomy.

    Raises:
        ExportFormatError: A bad row or an unknown category, naming the file.
    """
    try:
        table = sku_table(path) or {}
    except UnicodeDecodeError as e:
        raise ExportFormatError(f"not UTF-8 text ({e.reason})", path=path) from None
    except csv.Error as e:
        raise ExportFormatError(csv_problem(e), path=path) from None
    except ValueError as e:
        raise ExportFormatError(str(e)) from None
    for sku, category in table.items():
        if not _known_category(category):
            msg = (
                f"the SKU {sku!r} maps to the unknown category id {category!r}"
                f"{_category_hint(category)}"
            )
            raise ExportFormatError(msg, path=path)
    return table


def _flagged(problems: Iterable[FieldProblem]) -> str:
    """
    The problems of a ValidationError, each option named by its flag.
    """
    return "; ".join(str(FieldProblem(FLAGS.get(p.path, p.path), p.message)) for p in problems)


def _exports(args: argparse.Namespace) -> list[Export] | int:
    """
    The files as exports, each with its month when ``--month`` is given per file.
    """
    for path in (*args.files, args.sku_categories):
        if path is not None and not Path(path).is_file():
            return _fail(f"{path}: no such file", EX_NOINPUT)
    clash = _output_is_input(args)
    if clash is not None:
        msg = f"-o {args.output}: is the input file {clash}; writing would destroy it"
        return _fail(msg, EX_USAGE)
    months = args.month or []
    if len(months) > 1 and len(months) != len(args.files):
        return _fail(f"--month is given {len(months)} times for {len(args.files)} files", EX_USAGE)
    per_file = months if len(months) > 1 else [months[0] if months else None] * len(args.files)
    return [
        Export(path, args.kind, {"month": month} if month else {})
        for path, month in zip(args.files, per_file, strict=True)
    ]


def _fail(message: str, code: int) -> int:
    # One line, whatever the message quotes: a newline in a cell stays escaped.
    sys.stderr.write("lazada-eligibility import: " + one_line(" ".join(message.split())) + "\n")
    return code
