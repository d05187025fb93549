"""
``lazada-eligibility policy test``: run policy test suites, report coverage, write boundary cases.
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from .._terminal import escape
from ..policy_testing import (
    SHIPPED_POLICIES,
    CaseResult,
    Coverage,
    SuiteError,
    SuiteResult,
    generate_suite,
    load_suite,
    run_suite,
    write_golden,
)
from ..rules import Verdict
from ._common import (
    EXIT_CANTCREAT,
    EXIT_DATAERR,
    EXIT_NOINPUT,
    EXIT_USAGE,
    CliError,
    add_catalog_options,
    file_name,
    parse_as_of,
    read_application,
    read_catalogs,
    read_policy,
    read_rates,
)

__all__ = ["register"]

_VERDICTS = (Verdict.PASS, Verdict.FAIL, Verdict.REVIEW)
_MARK = {True: "yes", False: "no"}


def _percent(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 <= value <= 100:
        msg = f"expected a percentage from 0 to 100, such as 80 or 92.5, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _say(line: str) -> None:
    print(f"lazada-eligibility: {line}", file=sys.stderr)  # noqa: T201


def _suite_error(name: str, e: SuiteError) -> CliError:
    lines = [f"{name}: {p}" for p in e.problems]
    return CliError("\n".join(lines), EXIT_NOINPUT if e.missing else EXIT_DATAERR)


def _check_options(args: argparse.Namespace) -> None:
    if args.output is not None:
        raise CliError(
            "-o/--output goes with --generate; reports go to standard output", EXIT_USAGE
        )
    if args.as_of is not None or args.template is not None or args.rates is not None:
        raise CliError(
            "--as-of, --template and --rates go with --generate; a suite says its own", EXIT_USAGE
        )


def _run(args: argparse.Namespace, out: TextIO) -> int:
    if args.generate:
        return _generate(args, out)
    _check_options(args)
    platforms, categories = read_catalogs(args)
    results: list[SuiteResult] = []
    for name in args.suites:
        try:
            suite = load_suite(Path(name), categories=categories)
            results.append(run_suite(suite, platforms=platforms, categories=categories))
        except SuiteError as e:
            raise _suite_error(name, e) from None
    updated: set[Path] = set()
    if args.update_golden:
        for result in results:
            for path in write_golden(result):
                updated.add(path)
                _say(f"updated golden text {path}")
    low = [
        r
        for r in results
        if args.min_coverage is not None and r.coverage.percent < args.min_coverage
    ]
    failed = [c for r in results for c in r.cases if _problems(c, updated)]
    if args.format == "json":
        out.write(
            json.dumps(_json(results, updated, args.min_coverage), indent=2, ensure_ascii=False)
            + "\n"
        )
    elif args.format == "junit":
        out.write(_junit(results, updated, args.min_coverage))
    else:
        out.write(_text(results, updated, args.min_coverage))
    return 1 if failed or low else 0


def _problems(result: CaseResult, updated: set[Path]) -> list[str]:
    # A golden text just rewritten is no longer a difference.
    skip = {f"explain.{g.locale}" for g in result.golden if g.path in updated}
    return [p for p in result.problems() if p.split(":", 1)[0] not in skip]


def _diffs(result: CaseResult, updated: set[Path]) -> list[str]:
    return [
        g.diff()
        for g in result.golden
        if g.path not in updated and g.expected is not None and not g.matches
    ]


def _expected(result: CaseResult) -> dict[str, Any]:
    case = result.case
    found: dict[str, Any] = {"verdict": case.verdict.value, "reasons": sorted(case.reasons)}
    if case.earliest[0]:
        found["earliest"] = _day(case.earliest[1])
    return found


def _got(result: CaseResult) -> dict[str, Any]:
    found: dict[str, Any] = {
        "verdict": result.decision.verdict.value,
        "reasons": sorted(result.reasons),
    }
    if result.case.earliest[0]:
        found["earliest"] = _day(result.earliest)
    return found


def _day(day: Any) -> str:  # noqa: ANN401 -- a date or None
    return "never" if day is None else day.isoformat()


def _header(result: SuiteResult) -> str:
    policy = result.suite.policy
    return (
        f"{result.suite.path}: policy {policy.id} {policy.version} "
        f"(digest {policy.digest[:12]}), as of {result.suite.as_of}"
    )


def _coverage_lines(coverage: Coverage, minimum: Decimal | None) -> list[str]:
    lines = [
        f"coverage: {coverage.reached} of {coverage.reachable} node-verdict pairs reached "
        f"({coverage.percent}%)"
        + (f"; at least {minimum}% required" if minimum is not None else ""),
    ]
    width = max(len(n.path) for n in coverage.nodes)
    kinds = max(len(n.kind) for n in coverage.nodes)
    lines.append(f"  {'node':<{width}}  {'kind':<{kinds}}  pass  fail  review")
    for n in coverage.nodes:
        cells = [_MARK[v in n.reached] if v in n.reachable else "-" for v in _VERDICTS]
        lines.append(
            f"  {n.path:<{width}}  {n.kind:<{kinds}}  {cells[0]:<4}  {cells[1]:<4}  {cells[2]}"
        )
    missing = [(n.path, n.not_produced) for n in coverage.nodes if n.not_produced and n.reachable]
    if missing:
        lines.append("  codes no case produced:")
        lines.extend(f"    {path}: {', '.join(codes)}" for path, codes in missing)
    return lines


def _text(results: list[SuiteResult], updated: set[Path], minimum: Decimal | None) -> str:
    lines: list[str] = []
    for result in results:
        lines.append(_header(result))
        failed = 0
        for case in result.cases:
            problems = _problems(case, updated)
            if not problems:
                continue
            failed += 1
            lines.append(f"FAIL case[{case.case.index}] {escape(case.case.name)!r}")
            lines.extend(f"  {escape(p)}" for p in problems)
            for diff in _diffs(case, updated):
                lines.extend(f"    {escape(line)}" for line in diff.splitlines())
        total = len(result.cases)
        lines.append(f"{total} cases: {total - failed} passed, {failed} failed")
        lines.extend(_coverage_lines(result.coverage, minimum))
        if minimum is not None and result.coverage.percent < minimum:
            lines.append(f"coverage {result.coverage.percent}% is below the minimum of {minimum}%")
        lines.append("")
    return "\n".join(lines)


def _json(
    results: list[SuiteResult], updated: set[Path], minimum: Decimal | None
) -> dict[str, Any]:
    suites: list[dict[str, Any]] = []
    for result in results:
        cov = result.coverage
        suites.append(
            {
                "suite": str(result.suite.path),
                "policy": {
                    "id": result.suite.policy.id,
                    "version": result.suite.policy.version,
                    "digest": result.suite.policy.digest,
                },
                "as_of": result.suite.as_of.isoformat(),
                "cases": [
                    {
                        "index": c.case.index,
                        "name": c.case.name,
                        "passed": not _problems(c, updated),
                        "problems": _problems(c, updated),
                        "expected": _expected(c),
                        "got": _got(c),
                    }
                    for c in result.cases
                ],
                "coverage": {
                    "reached": cov.reached,
                    "reachable": cov.reachable,
                    "percent": str(cov.percent),
                    "nodes": [
                        {
                            "path": n.path,
                            "kind": n.kind,
                            "reachable": [v.value for v in _VERDICTS if v in n.reachable],
                            "reached": [v.value for v in _VERDICTS if v in n.reached],
                            "codes_not_produced": list(n.not_produced),
                        }
                        for n in cov.nodes
                    ],
                },
                "coverage_ok": minimum is None or cov.percent >= minimum,
            }
        )
    return {"passed": all(s["coverage_ok"] and all(c["passed"] for c in s["cases"]) for s in suites),
            "suites": suites}  # fmt: skip


def _junit(results: list[SuiteResult], updated: set[Path], minimum: Decimal | None) -> str:
    root = ET.Element("testsuites", name="lazada-eligibility policy test")
    total = failures = 0
    for result in results:
        policy = result.suite.policy
        suite = ET.SubElement(root, "testsuite", name=str(result.suite.path))
        props = ET.SubElement(suite, "properties")
        for key, value in (("policy", policy.id), ("version", policy.version),
                           ("digest", policy.digest), ("as_of", result.suite.as_of.isoformat()),
                           ("coverage", str(result.coverage.percent))):  # fmt: skip
            ET.SubElement(props, "property", name=key, value=value)
        count = bad = 0
        for case in result.cases:
            count += 1
            element = ET.SubElement(
                suite, "testcase", classname=f"{policy.id}.{policy.version}", name=case.case.name
            )
            problems = _problems(case, updated)
            if problems:
                bad += 1
                failure = ET.SubElement(
                    element, "failure", message="; ".join(problems), type="mismatch"
                )
                failure.text = "\n".join([*problems, *_diffs(case, updated)])
        if minimum is not None:
            count += 1
            element = ET.SubElement(
                suite,
                "testcase",
                classname=f"{policy.id}.{policy.version}",
                name=f"coverage >= {minimum}%",
            )
            if result.coverage.percent < minimum:
                bad += 1
                message = f"coverage {result.coverage.percent}% is below the minimum of {minimum}%"
                ET.SubElement(element, "failure", message=message, type="coverage").text = message
        suite.set("tests", str(count))
        suite.set("failures", str(bad))
        suite.set("errors", "0")
        total, failures = total + count, failures + bad
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _generate(args: argparse.Namespace, out: TextIO) -> int:
    if args.update_golden or args.min_coverage is not None or args.format != "text":
        raise CliError(
            "--generate takes one policy, --as-of, --template, --rates, -o and the catalog options",
            EXIT_USAGE,
        )
    if len(args.suites) != 1:
        raise CliError("--generate takes one policy: a document or a shipped policy id", EXIT_USAGE)
    platforms, categories = read_catalogs(args)
    ref = args.suites[0]
    as_of = parse_as_of(args.as_of)
    policy = SHIPPED_POLICIES.get("lazada-cross-border" if ref == "default" else ref)
    policy_ref = ref
    if policy is None:
        if not Path(ref).is_file():
            raise CliError(f"{ref}: no such policy file, and not a shipped policy id", EXIT_NOINPUT)
        policy = read_policy(ref, categories)
        if args.output is not None:
            # The suite names its policy relative to itself.
            policy_ref = _relative(Path(ref), Path(args.output).parent)
    template = read_application(args.template) if args.template is not None else None
    try:
        text = generate_suite(
            policy,
            as_of=as_of,
            policy_ref=policy_ref,
            template=template,
            rates=read_rates(args.rates),
            platforms=platforms,
            categories=categories,
        )
    except SuiteError as e:
        raise _suite_error(args.template or ref, e) from None
    if args.output is None:
        out.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as e:
        raise CliError(f"{args.output}: cannot write: {e.strerror or e}", EXIT_CANTCREAT) from None
    _say(f"wrote {text.count('[[case]]')} cases to {args.output}")
    return 0


def _relative(path: Path, start: Path) -> str:
    import os  # noqa: PLC0415 -- only here

    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


def register(sub: Any) -> None:  # noqa: ANN401 -- argparse's private subparsers type
    """
    Add ``policy test`` to the ``policy`` command.
    """
    p = sub.add_parser(
        "test",
        help="run policy test suites, with coverage; or write boundary cases",
        description="Run every case of each suite (TOML; see docs/policy-files.md) and report "
        "each failing case with expected against got, then the coverage of the policy's rule "
        "tree. Exit status: 0 when every case passes (and coverage is at least --min-coverage), "
        "1 when a case fails or coverage is below it, 65 for a bad suite, 66 for a missing "
        "file, 64 for a bad option. With --generate, write boundary cases for a policy instead.",
    )
    p.add_argument(
        "suites",
        nargs="+",
        metavar="SUITE",
        help="suite files; with --generate, one policy (a document or a shipped policy id)",
    )
    p.add_argument("--format", choices=("text", "json", "junit"), default="text",
                   help="the report: text, JSON, or JUnit XML for CI systems")  # fmt: skip
    p.add_argument(
        "--min-coverage",
        type=_percent,
        metavar="PCT",
        help="fail (exit 1) when a suite reaches fewer node-verdict pairs than PCT percent",
    )
    p.add_argument(
        "--update-golden",
        action="store_true",
        help="rewrite the golden texts that differ from the explanation now (and write missing ones)",
    )
    p.add_argument(
        "--generate",
        action="store_true",
        help="write boundary cases for the policy: below, at and above each minimum, the "
        "days a window moves, each lag day; each decided by the policy, for you to review",
    )
    p.add_argument("-o", "--output", type=file_name, metavar="FILE",
                   help="with --generate: the suite file to write (default: standard output)")  # fmt: skip
    p.add_argument("--as-of", help="with --generate: the suite's decision day (default: today)")
    p.add_argument(
        "--template",
        metavar="APPLICATION",
        help="with --generate: the application to vary (JSON; its first store's turnover is "
        "replaced); default: one store on amazon.com in mobiles",
    )
    p.add_argument("--rates", help="with --generate: exchange rates to decide with (CSV)")
    add_catalog_options(p)
    p.set_defaults(run=_run)
