"""
``lazada-eligibility registry claim|show|release --db FILE|URL``: the evidence registry from the shell.

``claim`` decides an application and, when it is eligible, claims its store
records in the same transaction (exit status as ``check``: 0 eligible and
claimed, 1 not eligible, 2 needs review). ``show`` lists claims; ``release``
gives an application's records back. A registry that stays locked longer
than its busy timeout ends with status 75 (try again later).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, TextIO

from .._terminal import one_line
from ..claiming import evaluate_and_claim
from ..exceptions import EligibilityError, ValidationError
from ..registry import (
    Claim,
    PostgresRegistry,
    RegistryBusyError,
    RegistryError,
    SqliteRegistry,
    open_registry,
)
from ..registry._postgres import is_postgres_url
from ._common import (
    EXIT_DATAERR,
    EXIT_NOINPUT,
    EXIT_USAGE,
    VERDICT_EXIT,
    CliError,
    add_catalog_options,
    file_name,
    parse_as_of,
    read_application,
    read_catalogs,
    read_policy,
    read_rates,
    terminal_text,
)

__all__ = ["EXIT_TEMPFAIL", "register"]

Registry = SqliteRegistry | PostgresRegistry

EXIT_TEMPFAIL: Final = 75
"""The registry stayed locked by other writers: nothing was written; try again (sysexits)."""


def open_target(target: str, *, must_exist: bool, read_only: bool = False) -> Registry:
    """
    Open the registry an option names: an SQLite file or a ``postgresql://`` URL.

    A file that must exist and does not is status 66; a URL is checked by
    connecting. A URL that is not a connection string is a usage error (64).
    """
    if not is_postgres_url(target) and must_exist and not Path(target).is_file():
        raise CliError(f"{target}: no such registry file", EXIT_NOINPUT)
    try:
        return open_registry(target, read_only=read_only)
    except RegistryBusyError as e:
        raise CliError(str(e), EXIT_TEMPFAIL) from None
    except RegistryError as e:
        raise CliError(str(e), EXIT_NOINPUT) from None
    except ValidationError as e:
        raise CliError(f"registry {one_line(target)!r}: {e}", EXIT_USAGE) from None


@contextmanager
def _registry(target: str, *, must_exist: bool, read_only: bool = False) -> Iterator[Registry]:
    try:
        with open_target(target, must_exist=must_exist, read_only=read_only) as registry:
            yield registry
    except RegistryBusyError as e:
        raise CliError(str(e), EXIT_TEMPFAIL) from None
    except RegistryError as e:
        raise CliError(str(e), EXIT_NOINPUT) from None


def _name(registry: Registry) -> str:
    # A URL is shown without its password.
    return registry.target if isinstance(registry, PostgresRegistry) else registry.path


def _write_claims(out: TextIO, claims: Sequence[Claim], fmt: str, empty: str) -> None:
    if fmt == "json":
        out.write(json.dumps([c.to_dict() for c in claims], indent=2, ensure_ascii=False) + "\n")
    elif not claims:
        out.write(one_line(empty) + "\n")
    else:
        # Each claim one line, whatever its ids and names hold.
        out.writelines(
            f"{one_line(str(c))}, claimed {c.claimed_at.isoformat(timespec='seconds')}\n"
            for c in claims
        )


def _claim(args: argparse.Namespace, out: TextIO) -> int:
    application = read_application(args.application)
    as_of = parse_as_of(args.as_of)
    platforms, categories = read_catalogs(args)
    policy = read_policy(args.policy, categories)
    rates = read_rates(args.rates)
    with _registry(args.db, must_exist=False) as registry:
        try:
            decision = evaluate_and_claim(
                application,
                as_of=as_of,
                registry=registry,
                policy=policy,
                rates=rates,
                platforms=platforms,
                categories=categories,
            )
        except EligibilityError as e:
            if isinstance(e, RegistryError):
                raise
            raise CliError(f"{args.application}: {e}", EXIT_DATAERR) from None
        claims = registry.claims_of(str(application.id)) if decision.eligible else []
    # Operator-facing output: unlike the decision, it names who holds what.
    if args.format == "json":
        document = {
            "decision": decision.to_dict(),
            "claims": [c.to_dict() for c in claims],
            "holders": [c.to_dict() for c in decision.holders],
        }
        out.write(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        out.write(terminal_text(decision.explain(args.locale), application) + "\n")
        if claims:
            where = one_line(f"{application.id} in {_name(registry)}")
            out.write(f"Claimed {len(claims)} store record(s) for {where}:\n")
            out.writelines(
                f"  {one_line(f'{c.namespace}/{c.store_id} (on {c.platform})')}\n" for c in claims
            )
        if decision.holders:
            out.write("Already held (operator view):\n")
            out.writelines(f"  {one_line(str(c))}\n" for c in decision.holders)
    return VERDICT_EXIT[decision.verdict]


def open_read_only(target: str) -> Registry:
    """
    Open a registry only to read, for commands that check reuse and claim nothing.
    """
    return open_target(target, must_exist=True, read_only=True)


def _show(args: argparse.Namespace, out: TextIO) -> int:
    with _registry(args.db, must_exist=True, read_only=True) as registry:
        if args.application is not None:
            claims = registry.claims_of(args.application)
            empty = f"application {args.application!r} holds no store records"
        elif args.store is not None:
            platform, store_id = args.store
            try:
                found = registry.holder(platform, store_id)
            except EligibilityError as e:
                raise CliError(f"--store: {e}", EXIT_DATAERR) from None
            claims = [] if found is None else [found]
            empty = f"{platform}/{store_id} is not claimed"
        else:
            claims = registry.claims()
            empty = f"{_name(registry)} holds no claims"
    _write_claims(out, claims, args.format, empty)
    return 0


def _release(args: argparse.Namespace, out: TextIO) -> int:
    with _registry(args.db, must_exist=True) as registry:
        released = registry.release(args.application_id)
    if args.format == "text" and released:
        who = one_line(args.application_id)
        out.write(f"Released {len(released)} store record(s) of {who}:\n")
    _write_claims(
        out, released, args.format, f"application {args.application_id!r} held no store records"
    )
    return 0


def register(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    """
    Add ``registry claim|show|release`` to the command line.
    """
    parser = commands.add_parser(
        "registry",
        help="claim, show and release store records in an evidence registry",
        description="Keep store records from being used twice: a registry of who holds "
        "which record, in one SQLite file shared by every process of a machine, or in a "
        "PostgreSQL database shared by many machines (--db postgresql://...).",
    )
    sub = parser.add_subparsers(dest="registry_command", required=True, parser_class=type(parser))
    db_help = "the registry: an SQLite file, or a postgresql:// URL"

    def add(name: str, run: Callable[[argparse.Namespace, TextIO], int], **kw: str) -> Any:  # noqa: ANN401 -- an argparse parser
        p = sub.add_parser(name, **kw)
        p.add_argument("--db", required=True, type=file_name, metavar="FILE|URL", help=db_help)
        p.add_argument("--format", choices=("text", "json"), default="text")
        p.set_defaults(run=run)
        return p

    p = add(
        "claim",
        _claim,
        help="decide an application and claim its store records when it is eligible",
        description="Decide one application (a JSON file with an id) and, only when it is "
        "eligible, claim its store records in the same transaction; the file (or the "
        "database's tables) is created when missing. Exit status: 0 eligible and claimed, 1 not eligible, 2 needs "
        "review, 75 registry busy, 64+ usage or input errors.",
    )
    p.add_argument("application", help="the application, as JSON ('-' for standard input)")
    p.add_argument("--as-of", help="the decision date, YYYY-MM-DD (default: today)")
    p.add_argument("--policy", help="a policy document (TOML or JSON); default: the built-in")
    p.add_argument("--rates", help="exchange rates, a CSV file: currency,month,rate_to_usd")
    add_catalog_options(p)
    p.add_argument("--locale", default="en", help="language of the text output (default: en)")

    p = add(
        "show",
        _show,
        help="list claims: all, one application's, or one store's holder",
        description="List the claims in the registry, those of one application, or the "
        "holder of one store record.",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--application", metavar="ID", help="only this application's claims")
    which.add_argument(
        "--store",
        nargs=2,
        metavar=("PLATFORM", "STORE_ID"),
        help="who holds this store (any spelling the platform catalog knows)",
    )

    p = add(
        "release",
        _release,
        help="give back every store record an application holds",
        description="Release every store record an application holds, so others can use them.",
    )
    p.add_argument("application_id", metavar="APPLICATION_ID")
