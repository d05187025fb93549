"""
``lazada-eligibility policy validate|show|diff``: policy documents on the command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, TextIO

from .. import _reading
from .._known import require_known_categories
from .._terminal import escape, safe_text
from ..batch._io import LineTooLong, read_lines
from ..categories import LAZADA_CATEGORIES, CategoryTaxonomy
from ..exceptions import EligibilityError, PolicyError, ValidationError
from ..models import Application
from ..policy._documents import dump_policy, load_policy
from ..policy._policy import Policy
from ..policy.diff import ChangedApplication, PolicyDiff, policy_diff
from ..policy.shipped import LAZADA_CROSS_BORDER, SHIPPED_POLICIES
from ..rules import Verdict
from ._common import (
    EXIT_NOINPUT,
    CliError,
    add_catalog_options,
    parse_as_of,
    read_catalogs,
    read_rates,
)

__all__ = ["register"]

_ORDER = (Verdict.PASS, Verdict.REVIEW, Verdict.FAIL)
CORPUS_BYTES = 256 << 20
"""The largest .json corpus file read whole (256 MiB); JSON Lines files have no limit."""
_CORNER = "old \\ new"


def _load(path: str, categories: CategoryTaxonomy | None = None) -> Policy:
    if not Path(path).is_file():
        raise CliError(f"{path}: no such policy file", EXIT_NOINPUT)
    try:
        return load_policy(Path(path), categories=categories)
    except PolicyError as e:
        # One line per problem, each naming the file and the path in it.
        lines = [f"{path}: {p}" if p.path else f"{path}: {p.message}" for p in e.problems]
        raise CliError("\n".join(lines)) from None
    except OSError as e:
        raise CliError(f"{path}: cannot read: {e.strerror or e}", EXIT_NOINPUT) from None


def _load_or_default(text: str, categories: CategoryTaxonomy | None = None) -> Policy:
    # The word 'default' names the built-in policy; write ./default for a file of that name.
    return LAZADA_CROSS_BORDER if text == "default" else _load(text, categories)


def _report(e: CliError) -> int:
    for line in str(e).splitlines():
        print(f"lazada-eligibility: {line}", file=sys.stderr)  # noqa: T201
    return e.status


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    try:
        _, categories = read_catalogs(args)
        policy = _load(args.file, categories)
        clash = _reused_identity(policy)
    except CliError as e:
        return _report(e)
    ident = escape(f"{policy.id} {policy.version}")
    if clash is not None:
        message = (
            f"{args.file}: id {policy.id!r} and version {policy.version!r} are those of a "
            f"shipped policy, but the rule differs (digest {policy.digest[:12]}, shipped "
            f"{clash.digest[:12]}): decisions would read as the shipped policy's; give the "
            "document an id or version of its own"
        )
        if not args.allow_shipped_id:
            return _report(CliError(f"{message}, or pass --allow-shipped-id to only warn"))
        print(f"lazada-eligibility: warning: {escape(message)}", file=sys.stderr)  # noqa: T201
    shipped = "a shipped policy" if _is_shipped(policy) else "not a shipped policy"
    out.write(f"{escape(args.file)}: ok: {ident}, digest {policy.digest} ({shipped})\n")
    return 0


_SHIPPED: Final = SHIPPED_POLICIES
"""The policies the package ships, whose id and version a document may not reuse."""


def _is_shipped(policy: Policy) -> bool:
    return any(policy.digest == p.digest for p in _SHIPPED)


def _reused_identity(policy: Policy) -> Policy | None:
    """
    Return the shipped policy whose id and version *policy* takes with another rule, or ``None``.
    """
    for shipped in _SHIPPED:
        same = (policy.id, policy.version) == (shipped.id, shipped.version)
        if same and policy.digest != shipped.digest:
            return shipped
    return None


def _show(args: argparse.Namespace, out: TextIO) -> int:
    try:
        policy = _load_or_default(args.file)
    except CliError as e:
        return _report(e)
    out.write(dump_policy(policy, args.format))
    # On standard error, so that standard output stays a document.
    print(f"digest {policy.digest}", file=sys.stderr)  # noqa: T201
    return 0


def _applications(
    path: str, skipped: list[str], taxonomy: CategoryTaxonomy
) -> Iterator[Application]:
    """
    Read applications from a JSON Lines file (one per line), or a JSON file of one or a list.

    Both are read as every input is (see :mod:`._reading`): a byte-order
    mark accepted, text that is not UTF-8 refused naming the byte, repeated
    keys refused naming their path. As in ``batch``, a bad application (a
    line or list item) is reported in *skipped* and the reading goes on; a
    file that cannot be read at all stops it.
    """
    if path != "-" and not Path(path).is_file():
        raise CliError(f"{path}: no such file", EXIT_NOINPUT)
    if path.endswith(".json"):
        yield from _json_file(path, skipped, taxonomy)
        return
    stream = sys.stdin.buffer if path == "-" else Path(path).open("rb")  # noqa: SIM115 -- closed below
    try:
        for number, line in enumerate(read_lines(stream, name=path), 1):
            where = f"{path}:{number}"
            if isinstance(line, LineTooLong):
                skipped.append(f"{where}: {line}")
            elif line.strip():
                found = _one(line, where, skipped, taxonomy, parse=True)
                if found is not None:
                    yield found
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _json_file(path: str, skipped: list[str], taxonomy: CategoryTaxonomy) -> Iterator[Application]:
    try:
        raw = _reading.read_bytes(Path(path), CORPUS_BYTES)
    except OSError as e:
        raise CliError(f"{path}: cannot read: {e.strerror or e}", EXIT_NOINPUT) from None
    except ValidationError as e:
        raise CliError(f"{path}: {e}") from None
    data = _json(raw, path)
    items = data if isinstance(data, list) else [data]
    for i, item in enumerate(items):
        found = _one(item, f"{path}[{i}]" if isinstance(data, list) else path, skipped, taxonomy)
        if found is not None:
            yield found


def _one(
    raw: object, where: str, skipped: list[str], taxonomy: CategoryTaxonomy, *, parse: bool = False
) -> Application | None:
    # One application, or None with the reason in *skipped*.
    try:
        return _application(_json(raw, where) if parse else raw, where, taxonomy)  # type: ignore[arg-type]
    except CliError as e:
        skipped.append(str(e))
        return None


def _json(text: str | bytes, where: str) -> Any:  # noqa: ANN401 -- any JSON value
    try:
        return _reading.loads(text)
    except ValidationError as e:
        raise CliError(f"{where}: {e}") from None


def _application(data: object, where: str, taxonomy: CategoryTaxonomy) -> Application:
    if not isinstance(data, dict):
        raise CliError(f"{where}: expected an application (a JSON object), got {data!r:.60}")
    try:
        application = Application.from_dict(data)
        # What the decision's door would refuse, refused here, where the line is known.
        require_known_categories(application, taxonomy)
    except EligibilityError as e:
        raise CliError(f"{where}: {e}") from None
    return application


def _diff(args: argparse.Namespace, out: TextIO) -> int:
    platforms, categories = read_catalogs(args)
    try:
        old, new = _load_or_default(args.old, categories), _load_or_default(args.new, categories)
    except CliError as e:
        return _report(e)
    as_of = parse_as_of(args.as_of)
    rates = read_rates(args.rates)
    skipped: list[str] = []
    taxonomy = LAZADA_CATEGORIES if categories is None else categories
    corpus = (a for path in args.applications for a in _applications(path, skipped, taxonomy))
    diff = policy_diff(
        old, new, corpus, as_of=as_of, rates=rates, platforms=platforms, categories=categories
    )
    shown = [c for c in diff.changed if c.verdict_changed or args.changed == "reasons"]
    if args.format == "json":
        data = diff.to_dict()
        data["changed"] = [c for c in data["changed"] if c["old"]["verdict"] != c["new"]["verdict"]
                           or args.changed == "reasons"]  # fmt: skip
        data["skipped"] = skipped
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        ids = [c.application_id for c in diff.changed if c.application_id]
        ids += [diff.old.id, diff.old.version, diff.new.id, diff.new.version]
        out.write(safe_text(_text(diff, shown, as_of.isoformat(), len(skipped)), ids))
    # As batch does: every bad line on standard error, and 65 when there was one.
    for line in skipped:
        print(f"lazada-eligibility: {line}", file=sys.stderr)  # noqa: T201
    return 65 if skipped else 0


def _text(diff: PolicyDiff, shown: list[ChangedApplication], as_of: str, skipped: int) -> str:
    moved = [c for c in diff.changed if c.verdict_changed]
    others = len(diff.changed) - len(moved)
    summary = f"{diff.total} applications decided as of {as_of}; {len(moved)} verdicts moved"
    summary += f", {others} with other reasons only"
    if skipped:
        summary += f"; {skipped} bad input lines skipped"
    lines = [
        f"old: {diff.old.id} {diff.old.version} (digest {diff.old.digest[:12]})",
        f"new: {diff.new.id} {diff.new.version} (digest {diff.new.digest[:12]})",
        summary,
        "",
        f"{_CORNER:<10}" + "".join(f"{v.value:>8}" for v in _ORDER),
    ]
    lines.extend(
        f"{o.value:<10}" + "".join(f"{diff.counts[o, n]:>8}" for n in _ORDER) for o in _ORDER
    )
    if shown:
        lines.append("")
        lines.extend(str(c) for c in shown)
    return "\n".join(lines) + "\n"


def register(commands: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    """
    Add ``policy validate``, ``policy show`` and ``policy diff`` to the command line.
    """
    policy = commands.add_parser(
        "policy",
        help="validate, show and compare policy documents",
        description="Work with policy documents (TOML or JSON).",
    )
    sub = policy.add_subparsers(dest="policy_command", required=True)

    p = sub.add_parser(
        "validate",
        help="check a policy document",
        description="Check a policy document. Exit status 0 when it is valid; 65 with one "
        "line per problem, naming where in the document, when it is not, or when it reuses "
        "the id and version of a shipped policy with another rule (see --allow-shipped-id). "
        "The output says whether the policy is a shipped one.",
    )
    p.add_argument("file", help="the policy document")
    p.add_argument(
        "--allow-shipped-id",
        action="store_true",
        help="only warn, instead of refusing, when the document takes a shipped policy's id "
        "and version with another rule",
    )
    add_catalog_options(p)
    p.set_defaults(run=_validate)

    p = sub.add_parser(
        "show",
        help="print a policy's canonical form and digest",
        description="Print the canonical form of a policy (every parameter written out) on "
        "standard output, and its digest on standard error.",
    )
    p.add_argument("file", help="the policy document, or 'default' for the built-in policy")
    p.add_argument("--format", choices=("toml", "json"), default="toml")
    p.set_defaults(run=_show)

    p = sub.add_parser(
        "diff",
        help="compare two policies on a corpus of applications",
        description="Decide every application under OLD and NEW, count how the verdicts "
        "move (a table: rows old, columns new), and list the applications whose verdict "
        "moved (with --changed reasons, also those whose reasons changed). As in batch, a bad "
        "application line is reported on standard error and skipped; the exit status is "
        "then 65.",
    )
    p.add_argument("old", help="the policy in force: a document, or 'default'")
    p.add_argument("new", help="the policy proposed: a document, or 'default'")
    p.add_argument(
        "applications",
        nargs="+",
        help="applications: JSON Lines files (one per line; '-' for standard input), "
        "or .json files holding one application or a list",
    )
    p.add_argument("--as-of", help="the decision date, YYYY-MM-DD (default: today)")
    p.add_argument("--rates", help="exchange rates, a CSV file: currency,month,rate_to_usd")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--changed",
        choices=("verdict", "reasons"),
        default="verdict",
        help="which applications to list: those whose verdict moved (default), or also "
        "those whose reasons changed with the same verdict",
    )
    add_catalog_options(p)
    p.set_defaults(run=_diff)

    from ._policy_test import register as register_test  # noqa: PLC0415 -- it imports cli

    register_test(sub)
