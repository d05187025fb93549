"""
``lazada-eligibility when APPLICATION.json``: the earliest date to apply.

Exit status: 0 when a date exists (it may be today), 1 when no date can
work, 64+ usage or input errors, as for ``check``.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ..explain import render_earliest, render_policy_note
from ..planning import earliest_plan
from ._common import (
    about,
    add_catalog_options,
    parse_as_of,
    read_application,
    read_catalogs,
    read_policy,
    read_rates,
    terminal_text,
)

__all__ = ["register"]


def _when(args: argparse.Namespace, out: TextIO) -> int:
    application = read_application(args.application)
    platforms, categories = read_catalogs(args)
    as_of, rates = parse_as_of(args.as_of), read_rates(args.rates)
    policy = read_policy(args.policy, categories)
    with about(args.application):
        plan = earliest_plan(
            application,
            as_of=as_of,
            policy=policy,
            rates=rates,
            platforms=platforms,
            categories=categories,
        )
    if args.format == "json":
        out.write(json.dumps(plan.to_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    else:
        text = render_earliest(plan, args.locale)
        note = None if policy is None else render_policy_note(policy.digest, args.locale)
        if note is not None:
            text = f"{note}\n{text}"
        out.write(terminal_text(text, application) + "\n")
    return 0 if plan.possible else 1


def register(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    """
    Add the ``when`` command to the command line's subparsers.
    """
    p = commands.add_parser(
        "when",
        help="say the earliest date an application could pass",
        description="Say the earliest date on or after --as-of the application could pass, "
        "assuming every month not yet ended reaches exactly the policy's minimum in the "
        "category applied for. Exit status: 0 a date exists, 1 no date can work, "
        "64+ usage or input errors.",
    )
    p.add_argument("application", help="the application, as JSON ('-' for standard input)")
    p.add_argument("--as-of", help="the day to plan from, YYYY-MM-DD (default: today)")
    p.add_argument("--policy", help="a policy document (TOML or JSON); default: the built-in")
    p.add_argument("--rates", help="exchange rates, a CSV file: currency,month,rate_to_usd")
    add_catalog_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--locale", default="en", help="language of the text output (default: en)")
    p.set_defaults(run=_when)
