"""
``lazada-eligibility application``: write an application document from store documents.
"""

from __future__ import annotations

import argparse
import json
import re
from typing import Any, TextIO

from .._known import require_known_categories
from ..assemble import application_from_stores
from ..categories import LAZADA_CATEGORIES
from ..exceptions import EligibilityError, FieldProblem, ValidationError
from ._common import CliError, file_name, read_json

__all__ = ["register"]

_STORE: re.Pattern[str] = re.compile(r"stores\[(\d+)\]\.?")


def _where(problem: FieldProblem, paths: list[str]) -> str:
    # stores[1].store_id -> the second file, field store_id.
    found = _STORE.match(problem.path)
    if found is None:
        option = {"applicant": "--applicant", "category": "--category", "market": "--market",
                  "id": "--id"}.get(problem.path, problem.path)  # fmt: skip
        return f"{option}: {problem.message}"
    path = paths[int(found.group(1))]
    rest = problem.path[found.end() :]
    return f"{path}: {rest}: {problem.message}" if rest else f"{path}: {problem.message}"


def _application(args: argparse.Namespace, out: TextIO) -> int:
    stores: list[Any] = []
    for path in args.stores:
        data = read_json(path)
        if isinstance(data, dict) and data.keys() & {"applicant", "stores"}:
            raise CliError(f"{path}: this is an application, not a store")
        if not isinstance(data, dict):
            raise CliError(f"{path}: expected a store (a JSON object), got {data!r:.60}")
        stores.append(data)
    try:
        app = application_from_stores(
            args.applicant, args.category, stores, market=args.market, id=args.id
        )
        require_known_categories(app, LAZADA_CATEGORIES)
    except ValidationError as e:
        raise CliError("\n".join(_where(p, args.stores) for p in e.problems)) from None
    except EligibilityError as e:
        raise CliError(str(e)) from None
    text = json.dumps(app.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        out.write(text)
        return 0
    from ._common import EXIT_CANTCREAT  # noqa: PLC0415 -- only with -o

    try:
        with open(args.output, "w", encoding="utf-8") as f:  # noqa: PTH123 -- a path from the user
            f.write(text)
    except OSError as e:
        raise CliError(f"{args.output}: cannot write: {e.strerror or e}", EXIT_CANTCREAT) from None
    return 0


def register(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    """
    Add ``application`` to the command line.
    """
    p = commands.add_parser(
        "application",
        help="write an application document from store documents",
        description="Write an application (JSON) from stores as 'import' writes them, for "
        "check, when and batch. Exit status 0 when written; 65 with one line per problem, "
        "naming the store file or option.",
    )
    p.add_argument("stores", nargs="+", metavar="STORE.json", help="store documents")
    p.add_argument("--applicant", required=True, help="who applies")
    p.add_argument("--category", required=True, help="the Lazada category id applied for")
    p.add_argument("--market", help="the Lazada market: MY, SG, TH, ID, PH or VN")
    p.add_argument("--id", help="the application's id")
    p.add_argument("-o", "--output", type=file_name, help="write here, not to standard output")
    p.set_defaults(run=_application)
