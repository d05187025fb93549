"""
The command line: ``lazada-eligibility COMMAND ...`` (also ``python -m lazada_eligibility``).

Exit status: 0 eligible, 1 not eligible, 2 needs review; 64 usage error,
65 bad input data, 66 an input file that cannot be read. Errors are one line
on standard error, naming the file and the field; never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from .engine import evaluate
from .exceptions import EligibilityError
from .models import Application
from .money import RateTable
from .rules import Verdict

__all__ = ["EXIT_DATAERR", "EXIT_NOINPUT", "EXIT_USAGE", "CliError", "main"]

EXIT_USAGE = 64
EXIT_DATAERR = 65
EXIT_NOINPUT = 66
VERDICT_EXIT = {Verdict.PASS: 0, Verdict.FAIL: 1, Verdict.REVIEW: 2}


class CliError(Exception):
    """
    A problem to report in one line, with the exit status to end on.
    """

    def __init__(self, message: str, status: int = EXIT_DATAERR) -> None:
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    # argparse exits with 2 on usage errors, which here means "needs review".
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise CliError(f"{self.prog}: {message}", EXIT_USAGE)


def read_json(path: str, stdin: TextIO | None = None) -> Any:  # noqa: ANN401 -- any JSON value
    """
    Read a JSON document from *path* (``-`` for standard input).

    Raises:
        CliError: The file is missing (66) or not JSON (65), naming it and the line.
    """
    try:
        text = (stdin or sys.stdin).read() if path == "-" else Path(path).read_text("utf-8")
    except OSError as e:
        raise CliError(f"{path}: cannot read: {e.strerror or e}", EXIT_NOINPUT) from None
    except UnicodeDecodeError as e:
        raise CliError(f"{path}: not UTF-8 text: {e.reason}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise CliError(f"{path}: line {e.lineno}, column {e.colno}: not JSON: {e.msg}") from None


def read_application(path: str) -> Application:
    """
    Read an application from a JSON file in the :meth:`Application.to_dict` form.
    """
    data = read_json(path)
    try:
        return Application.from_dict(data)
    except EligibilityError as e:
        raise CliError(f"{path}: {e}") from None


def parse_as_of(text: str | None) -> dt.date:
    """
    Parse ``--as-of`` (ISO date); without it, today: the one place that reads the clock.
    """
    if text is None:
        return dt.date.today()  # noqa: DTZ011 -- the CLI decides "as of today" by design
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"--as-of: expected a date such as 2026-11-28, got {text!r}",
                       EXIT_USAGE) from None  # fmt: skip


def read_rates(path: str | None) -> RateTable | None:
    """
    Read ``--rates`` (a ``currency,month,rate_to_usd`` CSV file), if given.
    """
    if path is None:
        return None
    if not Path(path).is_file():
        raise CliError(f"{path}: no such rates file", EXIT_NOINPUT)
    try:
        return RateTable.from_csv(path)
    except EligibilityError as e:
        raise CliError(str(e)) from None


def read_policy(path: str | None) -> Any:  # noqa: ANN401 -- a Policy or None
    """
    Read ``--policy`` (a TOML or JSON policy document), if given.
    """
    if path is None:
        return None
    from .policy_io import load_policy  # noqa: PLC0415 -- only commands that take --policy

    if not Path(path).is_file():
        raise CliError(f"{path}: no such policy file", EXIT_NOINPUT)
    try:
        return load_policy(Path(path))
    except EligibilityError as e:
        raise CliError(f"{path}: {e}") from None


def _check(args: argparse.Namespace, out: TextIO) -> int:
    application = read_application(args.application)
    as_of = parse_as_of(args.as_of)
    policy = read_policy(args.policy)
    rates = read_rates(args.rates)
    registry = None
    if args.registry is not None:
        from ._cli_registry import open_read_only  # noqa: PLC0415 -- _cli_registry imports this module

        registry = open_read_only(args.registry)
    decision = evaluate(application, as_of=as_of, policy=policy, rates=rates, registry=registry)
    plan = None
    if args.explain:
        from .planning import earliest_plan  # noqa: PLC0415 -- only --explain plans ahead

        plan = earliest_plan(application, as_of=as_of, policy=policy, rates=rates)
    if args.format == "json":
        data = decision.to_dict()
        if plan is not None:
            data["earliest"] = plan.to_dict()
        out.write(json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    elif plan is not None:
        from .explain import explain  # noqa: PLC0415 -- explain sits above the engine

        out.write(explain(decision, args.locale, passed=True, earliest=plan) + "\n")
    else:
        out.write(decision.explain(args.locale) + "\n")
    return VERDICT_EXIT[decision.verdict]


def _register_check(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    p = commands.add_parser(
        "check",
        help="decide one application",
        description="Decide one application (a JSON file) and say why. Exit status: "
        "0 eligible, 1 not eligible, 2 needs review, 64+ usage or input errors.",
    )
    p.add_argument("application", help="the application, as JSON ('-' for standard input)")
    p.add_argument("--as-of", help="the decision date, YYYY-MM-DD (default: today)")
    p.add_argument("--policy", help="a policy document (TOML or JSON); default: the built-in")
    p.add_argument("--rates", help="exchange rates, a CSV file: currency,month,rate_to_usd")
    p.add_argument(
        "--registry",
        metavar="DB",
        help="an evidence registry (SQLite file) to check reuse against, opened read-only: "
        "nothing is claimed",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--locale",
        default="en",
        help="language of the text output: en, zh_CN (or any zh), ms, th, id, vi, fil; "
        "others fall back to English (default: en)",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="explain in full: the checks that passed, what to do, and the earliest date "
        "to apply (with --format json, adds an 'earliest' key)",
    )
    p.set_defaults(run=_check)


def _register_policy(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    from ._cli_policy import register  # noqa: PLC0415 -- _cli_policy imports this module

    register(commands)


def _register_registry(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    from ._cli_registry import register  # noqa: PLC0415 -- _cli_registry imports this module

    register(commands)


def _register_import(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    from .importers._cli import register  # noqa: PLC0415 -- importers sit above the models

    register(commands)


def _register_when(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    from ._cli_when import register  # noqa: PLC0415 -- _cli_when imports this module

    register(commands)


def _register_batch(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    from ._cli_batch import register  # noqa: PLC0415 -- _cli_batch imports this module

    register(commands)


REGISTRARS: list[Callable[[Any], None]] = [
    _register_check,
    _register_when,
    _register_batch,
    _register_import,
    _register_policy,
    _register_registry,
]


def build_parser() -> argparse.ArgumentParser:
    """
    Return the argument parser with every command.
    """
    parser = _Parser(
        prog="lazada-eligibility",
        description="Decide whether a seller qualifies to open a store on Lazada.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for register in REGISTRARS:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """
    Run the command line; return the exit status.
    """
    out = sys.stdout if out is None else out
    try:
        args = build_parser().parse_args(argv)
        status: int = args.run(args, out)
    except CliError as e:
        print(f"lazada-eligibility: {e}", file=sys.stderr)  # noqa: T201
        return e.status
    except EligibilityError as e:
        print(f"lazada-eligibility: {e}", file=sys.stderr)  # noqa: T201
        return EXIT_DATAERR
    return status


def run() -> None:
    """
    Entry point of the ``lazada-eligibility`` script.
    """
    sys.exit(main())
