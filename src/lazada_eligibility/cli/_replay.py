"""
``lazada-eligibility replay``: decide recorded decisions again and say what changed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TextIO

from .._terminal import one_line
from ..batch._io import LINE_BYTES, LineTooLong, read_lines
from ..replay import LineReplay, ReplayStatus, replay_lines
from ._common import (
    EXIT_DATAERR,
    EXIT_NOINPUT,
    PROG,
    CliError,
    add_catalog_options,
    file_name,
    parse_as_of,
    read_catalogs,
    read_policy,
    read_rates,
)

__all__ = ["register"]

_DESCRIPTION = """\
Decide each application of APPLICATIONS.jsonl again, as of the date its
decision in DECISIONS.jsonl records and with the registry state it records
(or against --registry DB), under the policy, rates and catalogs given now; say per line whether the
decision is identical or differs, which inputs changed (policy, platforms,
categories, rates, registry, library: their digests against the recorded
ones) and which reason codes moved.

DECISIONS.jsonl is batch output (--detail summary or full; error lines are
replayed too) or decisions from check --format json, one per line (a file
holding one indented decision is read whole). Line N of one file goes with
line N of the other; a decision for another application or line is refused
on that line.

Exit status: 0 every line identical, 1 some differ, 65 some lines could not
be replayed (each reported), 64 usage errors, 66 a file that cannot be read."""


def register(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    """
    Add the ``replay`` command to the command line's subcommands.
    """
    p = commands.add_parser(
        "replay",
        help="decide recorded decisions again and say what changed",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "decisions", type=file_name, metavar="DECISIONS.jsonl", help="the recorded decisions"
    )
    p.add_argument(
        "applications",
        type=file_name,
        metavar="APPLICATIONS.jsonl",
        help="the applications they decided, line for line",
    )
    p.add_argument(
        "--as-of",
        help="the date to decide lines recorded as errors as of (they record none); "
        "default: the date of the decided line before",
    )
    p.add_argument("--policy", help="a policy document (TOML or JSON); default: the built-in")
    p.add_argument("--rates", help="exchange rates, a CSV file: currency,month,rate_to_usd")
    add_catalog_options(p)
    p.add_argument(
        "--registry",
        type=file_name,
        metavar="DB",
        help="check reuse against this evidence registry (SQLite file or postgresql:// URL, "
        "opened read-only) instead of the registry state each line records",
    )
    p.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="'text' (default): a line per line and the counts; 'json': a JSON object per line",
    )
    p.set_defaults(run=_replay)


def _replay(args: argparse.Namespace, out: TextIO) -> int:
    platforms, categories = read_catalogs(args)
    policy = read_policy(args.policy, categories)
    rates = read_rates(args.rates)
    as_of = None if args.as_of is None else parse_as_of(args.as_of)
    counts = dict.fromkeys(ReplayStatus, 0)
    with contextlib.ExitStack() as stack:
        decisions = stack.enter_context(_open(args.decisions))
        applications = stack.enter_context(_open(args.applications))
        registry = None
        if args.registry is not None:
            from ._registry import open_read_only  # noqa: PLC0415 -- only with --registry

            registry = open_read_only(args.registry)
            if hasattr(registry, "close"):
                stack.callback(registry.close)
        results = replay_lines(
            _decision_lines(decisions, args.decisions),
            read_lines(applications, name=args.applications),
            policy=policy,
            rates=rates,
            platforms=platforms,
            categories=categories,
            as_of=as_of,
            registry=registry,
        )
        for result in results:
            counts[result.status] += 1
            if args.format == "json":
                out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            else:
                out.write(_text(result) + "\n")
    if args.format == "text":
        total = sum(counts.values())
        shown = ", ".join(f"{n:,} {s.value}" for s, n in counts.items())
        out.write(f"{total:,} line{'' if total == 1 else 's'}: {shown}\n")
    if counts[ReplayStatus.ERROR]:
        # Like every status from 64 up, 65 comes with its reason on standard error.
        failed, total = counts[ReplayStatus.ERROR], sum(counts.values())
        sys.stderr.write(
            f"{PROG} replay: {failed:,} of {total:,} line{'' if total == 1 else 's'} "
            "could not be replayed; each says why on its line\n"
        )
        return EXIT_DATAERR
    return 1 if counts[ReplayStatus.DIFFERS] else 0


@contextlib.contextmanager
def _open(path: str) -> Iterator[IO[bytes]]:
    if not Path(path).is_file():
        raise CliError(f"{path}: no such file", EXIT_NOINPUT)
    try:
        f = Path(path).open("rb")  # noqa: SIM115 -- closed below
    except OSError as e:
        raise CliError(f"{path}: cannot read: {e.strerror or e}", EXIT_NOINPUT) from None
    with f:
        yield f


def _decision_lines(stream: IO[bytes], name: str) -> Iterator[bytes | LineTooLong]:
    # One indented decision (check --format json) is one record; else a record per line.
    lines = read_lines(stream, name=name)
    first = next(lines, None)
    if first is None:
        return
    if isinstance(first, bytes) and first.strip() == b"{":
        parts, size = [first], len(first)
        for line in lines:
            if isinstance(line, LineTooLong):
                size += line.size
            else:
                size += len(line) + 1
                parts.append(line)
            if size > LINE_BYTES:
                yield LineTooLong(size)
                return
        yield b"\n".join(parts)
        return
    yield first
    yield from lines


def _text(result: LineReplay) -> str:
    head = f"line {result.line}"
    if result.application_id is not None:
        head += f" (application {one_line(result.application_id)})"
    status = result.status.value
    if result.status is ReplayStatus.ERROR:
        return f"{head}: error: {one_line(result.message or '')}"
    parts = [f"{head}: {status}"]
    if result.recorded != result.now:
        parts.append(f"{result.recorded} -> {result.now}")
    if result.changed:
        parts.append(f"inputs changed: {', '.join(result.changed)}")
    elif result.status is ReplayStatus.DIFFERS and result.recorded != "error":
        parts.append("no recorded input changed")
    if result.added:
        parts.append(f"reasons added: {', '.join(result.added)}")
    if result.removed:
        parts.append(f"reasons removed: {', '.join(result.removed)}")
    if result.message and result.status is ReplayStatus.DIFFERS:
        parts.append(one_line(result.message))
    return "; ".join(parts)
