"""
The command line: ``lazada-eligibility COMMAND ...`` (also ``python -m lazada_eligibility``).

Exit status: 0 eligible, 1 not eligible, 2 needs review (verdicts only);
64 usage error, 65 bad input data, 66 an input file that cannot be read,
70 internal error (a bug), 73 an output file that cannot be created, 74 an
I/O error while writing, 75 a temporary failure (registry busy), 130
interrupted, 141 the reader of standard output went away. :func:`main` is the
one error boundary: every exception ends in one of these, with one line on
standard error naming the file and the field; a traceback only on request
(``--debug`` or ``LAZADA_ELIGIBILITY_DEBUG=1``).
"""

from __future__ import annotations

import argparse
import contextlib
import decimal
import errno
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from .._terminal import one_line
from ..engine import evaluate
from ..exceptions import EligibilityError
from ..models import Application
from ._common import (
    EXIT_CANTCREAT as EXIT_CANTCREAT,
)
from ._common import (
    EXIT_DATAERR as EXIT_DATAERR,
)
from ._common import (
    EXIT_INTERRUPTED as EXIT_INTERRUPTED,
)
from ._common import (
    EXIT_IOERR as EXIT_IOERR,
)
from ._common import (
    EXIT_NOINPUT as EXIT_NOINPUT,
)
from ._common import (
    EXIT_PIPE as EXIT_PIPE,
)
from ._common import (
    EXIT_SOFTWARE as EXIT_SOFTWARE,
)
from ._common import (
    EXIT_TEMPFAIL as EXIT_TEMPFAIL,
)
from ._common import (
    EXIT_USAGE as EXIT_USAGE,
)
from ._common import (
    PROG as PROG,
)
from ._common import (
    VERDICT_EXIT as VERDICT_EXIT,
)
from ._common import (
    CliError as CliError,
)
from ._common import (
    about as about,
)
from ._common import (
    add_catalog_options as add_catalog_options,
)
from ._common import (
    file_name as file_name,
)
from ._common import (
    parse_as_of as parse_as_of,
)
from ._common import (
    read_application as read_application,
)
from ._common import (
    read_catalogs as read_catalogs,
)
from ._common import (
    read_json as read_json,
)
from ._common import (
    read_policy as read_policy,
)
from ._common import (
    read_rates as read_rates,
)
from ._common import (
    terminal_text as terminal_text,
)

__all__ = [
    "EXIT_CANTCREAT",
    "EXIT_DATAERR",
    "EXIT_INTERRUPTED",
    "EXIT_IOERR",
    "EXIT_NOINPUT",
    "EXIT_PIPE",
    "EXIT_SOFTWARE",
    "EXIT_TEMPFAIL",
    "EXIT_USAGE",
    "CliError",
    "main",
]

DEBUG_ENV = "LAZADA_ELIGIBILITY_DEBUG"
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


class _Parser(argparse.ArgumentParser):
    # argparse exits with 2 on usage errors, which here means "needs review".
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise CliError(message, EXIT_USAGE, prog=self.prog)


def _check(args: argparse.Namespace, out: TextIO) -> int:
    application = read_application(args.application)
    as_of = parse_as_of(args.as_of)
    platforms, categories = read_catalogs(args)
    policy = read_policy(args.policy, categories)
    rates = read_rates(args.rates)
    catalogs = {"platforms": platforms, "categories": categories}
    registry = None
    if args.registry is not None:
        from ._registry import open_read_only  # noqa: PLC0415 -- only with --registry

        registry = open_read_only(args.registry)
    with about(args.application):
        decision = evaluate(
            application, as_of=as_of, policy=policy, rates=rates, registry=registry, **catalogs
        )
        plan = None
        if args.explain:
            from ..planning import earliest_plan  # noqa: PLC0415 -- only --explain plans ahead

            plan = earliest_plan(application, as_of=as_of, policy=policy, rates=rates, **catalogs)
        text = _render(decision, plan, application, args)
    out.write(text)
    return VERDICT_EXIT[decision.verdict]


def _render(decision: Any, plan: Any, application: Application, args: argparse.Namespace) -> str:  # noqa: ANN401 -- a Decision and an EarliestPlan, imported lazily
    if args.format == "json":
        data = decision.to_dict()
        if plan is not None:
            data["earliest"] = plan.to_dict()
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    if plan is not None:
        from ..explain import explain  # noqa: PLC0415 -- explain sits above the engine

        text = explain(decision, args.locale, passed=True, earliest=plan)
        return terminal_text(text, application) + "\n"
    return terminal_text(decision.explain(args.locale), application) + "\n"


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
        help="an evidence registry (SQLite file or postgresql:// URL) to check reuse "
        "against, opened read-only: "
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
    add_catalog_options(p)
    p.set_defaults(run=_check)


def _register_policy(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    from ._policy import register  # noqa: PLC0415 -- loaded when the parser is built

    register(commands)


def _register_registry(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    from ._registry import register  # noqa: PLC0415 -- loaded when the parser is built

    register(commands)


def _register_import(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    from ._import import register  # noqa: PLC0415 -- importers sit above the models

    register(commands)


def _register_when(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    from ._when import register  # noqa: PLC0415 -- loaded when the parser is built

    register(commands)


def _register_batch(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    from ._batch import register  # noqa: PLC0415 -- loaded when the parser is built

    register(commands)


def _register_replay(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    from ._replay import register  # noqa: PLC0415 -- loaded when the parser is built

    register(commands)


def _register_application(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    from ._application import register  # noqa: PLC0415 -- loaded when the parser is built

    register(commands)


REGISTRARS: list[Callable[[Any], None]] = [
    _register_check,
    _register_when,
    _register_batch,
    _register_import,
    _register_application,
    _register_policy,
    _register_registry,
    _register_replay,
]


def build_parser() -> argparse.ArgumentParser:
    """
    Return the argument parser with every command.
    """
    parser = _Parser(
        prog=PROG,
        description="Decide whether a seller qualifies to open a store on Lazada.",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help=f"on an internal error, print the traceback (also: {DEBUG_ENV}=1)",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for register in REGISTRARS:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """
    Run the command line; return the exit status.

    The one error boundary: whatever happens ends in a documented status
    with one line on standard error; 0, 1 and 2 only for verdicts.
    """
    out = sys.stdout if out is None else out
    debug = os.environ.get(DEBUG_ENV, "") not in ("", "0")
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--debug" in argv[:1]:
        debug = True
    try:
        _check_argv(argv)
        args = build_parser().parse_args(argv)
        status: int = args.run(args, out)
        out.flush()
    except BaseException as e:  # noqa: BLE001 -- the boundary: every exception gets a status
        status = _fail(e, debug=debug)
        if status in (EXIT_PIPE, EXIT_IOERR) and out is sys.stdout:
            _quiet_stdout()
    return status


def _check_argv(argv: Sequence[str]) -> None:
    if any("\x00" in a for a in argv):
        # No operating system passes one in a real command line.
        raise CliError("arguments cannot hold a NUL character", EXIT_USAGE)


def _fail(e: BaseException, *, debug: bool) -> int:
    status, message = _classify(e)
    if status == EXIT_SOFTWARE and debug:
        traceback.print_exception(e, file=sys.stderr)
    if message:
        prog = e.prog if isinstance(e, CliError) else PROG
        for line in message.splitlines() or [""]:
            _say(f"{prog}: {one_line(line)}")
    return status


def _say(text: str) -> None:
    # Standard error itself may be gone; there is nowhere left to say so.
    with contextlib.suppress(OSError, ValueError):
        print(text, file=sys.stderr)  # noqa: T201


def _classify(e: BaseException) -> tuple[int, str]:
    if isinstance(e, SystemExit):  # --help, and argparse's own exits
        return (0 if e.code is None else e.code if isinstance(e.code, int) else EXIT_USAGE), ""
    if isinstance(e, CliError):
        return e.status, str(e)
    if isinstance(e, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted"
    if isinstance(e, BrokenPipeError):
        # The reader went away (`... | head -1`): stop quietly, as Unix tools do.
        return EXIT_PIPE, ""
    if isinstance(e, EligibilityError):
        return _library_status(e), str(e)
    if isinstance(e, OSError) and e.errno in _FULL:
        return EXIT_IOERR, f"cannot write the output: {e.strerror or e}"
    if isinstance(e, decimal.DecimalException):
        # Exact arithmetic on numbers from the input that overflow what a
        # Decimal can hold: the input is out of range, not the program.
        return EXIT_DATAERR, f"a number in the input is out of range: {type(e).__name__}"
    if isinstance(e, MemoryError):
        return EXIT_SOFTWARE, "internal error: out of memory"
    return EXIT_SOFTWARE, (
        f"internal error (a bug, please report it): {type(e).__name__}: {e}; "
        f"run again with --debug or {DEBUG_ENV}=1 for the traceback"
    )


def _library_status(e: EligibilityError) -> int:
    registry = sys.modules.get("lazada_eligibility.registry")
    busy = getattr(registry, "RegistryBusyError", None)
    if busy is not None and isinstance(e, busy):
        return EXIT_TEMPFAIL
    unusable = getattr(registry, "RegistryError", None)
    if unusable is not None and isinstance(e, unusable):
        return EXIT_NOINPUT  # the registry file cannot be used, as _cli_registry says
    return EXIT_DATAERR


def _quiet_stdout() -> None:
    # Python flushes standard output again at exit, which would fail the same
    # way and print a second error: point it at /dev/null first.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover -- no real stdout
        pass


def run() -> None:
    """
    Entry point of the ``lazada-eligibility`` script.
    """
    sys.exit(main())
