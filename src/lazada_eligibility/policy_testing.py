"""
Policy test suites: applications a policy must decide as stated, and which rules they reach.

A suite is a TOML file beside the policy document. It names the policy
(a path relative to the suite, or the id of a shipped policy), the day the
cases are decided, and the cases, each with the verdict, the exact set of
reason codes and optionally the earliest date and golden explanations::

    policy = "lazada-cross-border.toml"  # or "lazada-cross-border", the shipped one
    as_of = "2026-11-28"

    [[case]]
    name = "September short by US$150"
    application = "applications/short-month.json"  # or an inline table
    verdict = "fail"
    reasons = ["turnover.below-minimum"]
    earliest = "2027-01-01"  # optional; "never" when no day can work
    explain.en = "golden/short-month.en.txt"  # optional: golden text per locale

A suite may name ``rates``, an exchange-rate file (``currency,month,rate_to_usd``)
relative to it. A case may also give ``as_of`` (its own decision day) and ``claimed``,
store records other applications already hold: ``claimed = [{ platform =
"amazon.com", store_id = "A1", application_id = "APP-0" }]``. Every case
is decided with an evidence registry in memory holding exactly those
claims (none when ``claimed`` is absent), so reuse is always checked.

:func:`load_suite` reads and validates a suite, naming the file and the
key path of every problem (``case[3].verdict``, cases counted from 0 as in
policy paths). :func:`run_suite` decides every case and measures
**coverage**: for every node of the policy's rule tree, which verdicts
the cases reached, and which outcome codes no case produced.
:func:`generate_suite` writes boundary cases for a policy to review.

.. versionadded:: 0.3.0
"""

from __future__ import annotations

import datetime as dt
import difflib
import pathlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from . import _reading
from ._l10n import LANGUAGES, catalog_language
from .codes import code_specs
from .decision import CAVEAT_CODES, Decision
from .exceptions import EligibilityError, FieldProblem, PolicyError, ValidationError
from .explain import explain
from .limits import AS_OF_RANGE
from .models import Application, MonthlyTurnover, Store
from .money import Money, RateTable, currency_digits
from .periods import Month, review_window
from .planning import earliest_plan
from .policy import _text as _policy_text
from .policy import _toml as _toml_writer
from .policy._documents import load_policy
from .policy._kinds import KINDS
from .policy._policy import Policy
from .policy.shipped import LAZADA_CROSS_BORDER
from .registry import InMemoryRegistry
from .rules import Outcome, Rule, Verdict
from .rules._branching import Branching
from .rules._core import AllOf
from .rules._leaves import MinTurnover
from .rules._quantifiers import CombinedStores, EachMonth, _EachStore

if TYPE_CHECKING:
    from .categories import CategoryTaxonomy
    from .platforms import PlatformCatalog

__all__ = [
    "SHIPPED_POLICIES",
    "SUITE_BYTES",
    "Case",
    "CaseResult",
    "Coverage",
    "GoldenText",
    "NodeCoverage",
    "Suite",
    "SuiteError",
    "SuiteResult",
    "coverage",
    "generate_suite",
    "load_suite",
    "run_suite",
    "write_golden",
]

SUITE_BYTES: Final = _policy_text.MAX_BYTES
"""The largest suite file read, in bytes (as for policy documents)."""
GOLDEN_BYTES: Final = 1 << 20
"""The largest golden text file read (1 MiB)."""
SHIPPED_POLICIES: Final[Mapping[str, Policy]] = {LAZADA_CROSS_BORDER.id: LAZADA_CROSS_BORDER}
"""The policies a suite may name by id instead of by path."""

_TOP_KEYS: Final = ("policy", "as_of", "rates", "case")
_CASE_KEYS: Final = (
    "name",
    "application",
    "verdict",
    "reasons",
    "earliest",
    "explain",
    "as_of",
    "claimed",
)
_CLAIM_KEYS: Final = ("platform", "store_id", "application_id")
_NEVER: Final = "never"


class SuiteError(EligibilityError, ValueError):
    """
    A suite that cannot be run: every problem, each with its key path in the suite.

    Attributes:
        problems: Each problem, with a path such as ``case[3].verdict``.
        missing: Whether some problem is a file that does not exist or cannot be read
            (the command line then exits 66, else 65).

    .. versionadded:: 0.3.0
    """

    problems: tuple[FieldProblem, ...]
    missing: bool

    def __init__(self, problems: Iterable[FieldProblem] | str, *, missing: bool = False) -> None:
        if isinstance(problems, str):
            problems = [FieldProblem("", problems)]
        self.problems = tuple(problems)
        self.missing = missing
        if len(self.problems) == 1:
            message = str(self.problems[0])
        else:
            message = f"{len(self.problems)} problems: " + "; ".join(str(p) for p in self.problems)
        super().__init__(message)


@attrs.frozen(kw_only=True)
class Case:
    """
    One case of a suite: an application and what the policy must say about it.

    Attributes:
        index: The case's place in the suite, from 0 (``case[index]``).
        name: The case's name, unique in the suite.
        application: The application.
        application_file: The file it was read from, or ``None`` when inline.
        verdict: The verdict the policy must give.
        reasons: The exact set of reason codes (empty for ``pass``).
        earliest: Whether the earliest date is checked, and the date
            (``None`` for "never"): ``(False, None)`` when not checked.
        explain: Golden text files by locale.
        as_of: The day the case is decided.
        claimed: ``(platform, store_id, application_id)`` of records other
            applications already hold.

    .. versionadded:: 0.3.0
    """

    index: int
    name: str
    application: Application
    application_file: pathlib.Path | None
    verdict: Verdict
    reasons: frozenset[str]
    earliest: tuple[bool, dt.date | None]
    explain: tuple[tuple[str, pathlib.Path], ...]
    as_of: dt.date
    claimed: tuple[tuple[str, str, str], ...] = ()


@attrs.frozen(kw_only=True)
class Suite:
    """
    A loaded suite: the policy, the day, the cases.

    Attributes:
        path: The suite file.
        policy: The policy the cases are decided under.
        policy_ref: The ``policy`` value as written.
        as_of: The suite's decision day.
        cases: The cases, in order.
        rates: The exchange rates named by ``rates``, if any.

    .. versionadded:: 0.3.0
    """

    path: pathlib.Path
    policy: Policy
    policy_ref: str
    as_of: dt.date
    cases: tuple[Case, ...]
    rates: RateTable | None = None


# Loading -------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.found: list[FieldProblem] = []
        self.missing = False

    def add(self, path: str, message: str, *, missing: bool = False) -> None:
        self.found.append(FieldProblem(path, message))
        self.missing = self.missing or missing

    def unknown_keys(self, table: Mapping[str, Any], known: Sequence[str], path: str) -> None:
        for key in table:
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            expected = ", ".join(known)
            self.add(_reading.join(path, str(key)), f"unknown key{hint} (expected {expected})")


def _show(value: object) -> str:
    return _policy_text.show(value)


def _date(value: object, path: str, problems: _Problems) -> dt.date | None:
    if isinstance(value, dt.datetime):
        problems.add(path, f"expected a date such as 2026-11-28, got a date and time {value}")
        return None
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            problems.add(path, f"expected a date such as 2026-11-28, got {_show(value)}")
            return None
    else:
        problems.add(path, f"expected a date such as 2026-11-28, got {_show(value)}")
        return None
    low, high = AS_OF_RANGE
    if not low <= day <= high:
        problems.add(path, f"expected a date from {low} to {high}, got {day}")
        return None
    return day


def _text(value: object, path: str, problems: _Problems) -> str | None:
    if not isinstance(value, str) or not value.strip():
        problems.add(path, f"expected non-blank text, got {_show(value)}")
        return None
    return value


def _known_codes() -> list[str]:
    codes = {spec.code for spec in code_specs()}
    codes.update(code for kind in KINDS.values() for code, _ in kind.codes)
    return sorted(codes)


def _locale(key: str) -> str | None:
    # A locale the explanations are written in, not one that falls back to English.
    language = catalog_language(key)
    if language != "en":
        return language
    return "en" if key.replace("-", "_").split("_")[0].lower() == "en" else None


def _read_file(path: Path, limit: int) -> bytes:
    return _reading.read_bytes(path, limit)


def _policy(
    ref: str, base: Path, categories: CategoryTaxonomy | None, problems: _Problems
) -> Policy | None:
    if ref in SHIPPED_POLICIES or ref == "default":
        return SHIPPED_POLICIES.get(ref, LAZADA_CROSS_BORDER)
    path = base / ref
    if not path.is_file():
        shipped = ", ".join(repr(k) for k in SHIPPED_POLICIES)
        problems.add(
            "policy",
            f"no such policy file {ref!r} (resolved to {path}), and not a shipped policy id "
            f"({shipped})",
            missing=True,
        )
        return None
    try:
        return load_policy(path, categories=categories)
    except PolicyError as e:
        for p in e.problems:
            problems.add("policy", f"{ref}: {p}")
    except OSError as e:
        problems.add("policy", f"{ref}: cannot read: {e.strerror or e}", missing=True)
    return None


def _application(
    raw: object, where: str, case_name: str, base: Path, problems: _Problems
) -> tuple[Application | None, Path | None]:
    source: Path | None = None
    label = f"in case {case_name!r}: "
    if isinstance(raw, str):
        if not raw.strip():
            problems.add(where, f"{label}expected a file name or a table, got {raw!r}")
            return None, None
        source = base / raw
        if not source.is_file():
            problems.add(where, f"{label}no such file {raw!r} (resolved to {source})", missing=True)
            return None, source
        try:
            data = _reading.loads(_read_file(source, _reading.APPLICATION_BYTES))
        except OSError as e:
            problems.add(where, f"{label}{raw}: cannot read: {e.strerror or e}", missing=True)
            return None, source
        except ValidationError as e:
            problems.add(where, f"{label}{raw}: {e}")
            return None, source
        label = f"{label}{raw}: "
    elif isinstance(raw, Mapping):
        data = raw
    else:
        problems.add(where, f"{label}expected a file name or a table, got {_show(raw)}")
        return None, None
    if not isinstance(data, Mapping):
        problems.add(where, f"{label}expected an application (an object), got {_show(data)}")
        return None, source
    try:
        return Application.from_dict(dict(data)), source
    except EligibilityError as e:
        problems.add(where, f"{label}not a valid application: {e}")
        return None, source


def _reasons(raw: object, where: str, codes: list[str], problems: _Problems) -> frozenset[str]:
    if not isinstance(raw, list):
        problems.add(where, f"expected a list of reason codes, got {_show(raw)}")
        return frozenset()
    seen: set[str] = set()
    for i, code in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(code, str):
            problems.add(at, f"expected a reason code, got {_show(code)}")
        elif code in seen:
            problems.add(at, f"{code!r} is listed twice")
        elif code not in codes:
            close = difflib.get_close_matches(code, codes, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.add(at, f"unknown outcome code {code!r}{hint}")
        else:
            seen.add(code)
    return frozenset(seen)


def _explain(
    raw: object, where: str, base: Path, problems: _Problems
) -> tuple[tuple[str, Path], ...]:
    if not isinstance(raw, Mapping):
        problems.add(where, f"expected a table of locale = golden file, got {_show(raw)}")
        return ()
    found: list[tuple[str, Path]] = []
    for key, value in raw.items():
        at = _reading.join(where, str(key))
        if _locale(str(key)) is None:
            problems.add(
                at,
                f"not a locale the explanations are written in: {key!r} (languages: "
                f"{', '.join(LANGUAGES)}; such as zh_CN)",
            )
            continue
        name = _text(value, at, problems)
        if name is not None:
            found.append((str(key), base / name))
    return tuple(found)


def _claimed(raw: object, where: str, problems: _Problems) -> tuple[tuple[str, str, str], ...]:
    if not isinstance(raw, list):
        problems.add(where, f"expected a list of {{ {', '.join(_CLAIM_KEYS)} }}, got {_show(raw)}")
        return ()
    found: list[tuple[str, str, str]] = []
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(item, Mapping):
            problems.add(at, f"expected a table of {', '.join(_CLAIM_KEYS)}, got {_show(item)}")
            continue
        problems.unknown_keys(item, _CLAIM_KEYS, at)
        values = []
        for key in _CLAIM_KEYS:
            if key not in item:
                problems.add(_reading.join(at, key), "required")
            else:
                values.append(_text(item[key], _reading.join(at, key), problems))
        if len(values) == len(_CLAIM_KEYS) and all(v is not None for v in values):
            platform, store_id, holder = (str(v) for v in values)
            try:
                Store(platform, store_id)
            except ValidationError as e:
                problems.add(at, str(e))
                continue
            found.append((platform, store_id, holder))
    return tuple(found)


def _case(  # noqa: C901, PLR0912 -- one check per key of a case
    raw: object,
    index: int,
    *,
    suite_as_of: dt.date | None,
    base: Path,
    codes: list[str],
    names: dict[str, int],
    problems: _Problems,
) -> Case | None:
    where = f"case[{index}]"
    if not isinstance(raw, Mapping):
        problems.add(where, f"expected a table ([[case]]), got {_show(raw)}")
        return None
    before = len(problems.found)
    problems.unknown_keys(raw, _CASE_KEYS, where)
    for key in ("name", "application", "verdict"):
        if key not in raw:
            problems.add(_reading.join(where, key), "required")
    name = _text(raw["name"], f"{where}.name", problems) if "name" in raw else None
    if name is not None:
        if name in names:
            problems.add(
                f"{where}.name", f"duplicate case name {name!r} (also case[{names[name]}])"
            )
        else:
            names[name] = index
    shown = name or where
    application, source = (
        _application(raw["application"], f"{where}.application", shown, base, problems)
        if "application" in raw
        else (None, None)
    )
    verdict: Verdict | None = None
    if "verdict" in raw:
        try:
            verdict = Verdict(raw["verdict"])
        except ValueError:
            problems.add(
                f"{where}.verdict", f"expected pass, fail or review, got {_show(raw['verdict'])}"
            )
    reasons = _reasons(raw.get("reasons", []), f"{where}.reasons", codes, problems)
    if verdict is Verdict.PASS and reasons:
        problems.add(f"{where}.reasons", "a decision that passes has no reasons; remove them")
    if verdict is not None and verdict is not Verdict.PASS and "reasons" not in raw:
        problems.add(f"{where}.reasons", f"required when the verdict is {verdict.value}")
    earliest: tuple[bool, dt.date | None] = (False, None)
    if "earliest" in raw:
        if raw["earliest"] == _NEVER:
            earliest = (True, None)
        else:
            day = _date(raw["earliest"], f"{where}.earliest", problems)
            earliest = (True, day)
    explain = (
        _explain(raw["explain"], f"{where}.explain", base, problems) if "explain" in raw else ()
    )
    as_of = _date(raw["as_of"], f"{where}.as_of", problems) if "as_of" in raw else suite_as_of
    claimed = _claimed(raw["claimed"], f"{where}.claimed", problems) if "claimed" in raw else ()
    if (
        len(problems.found) > before
        or name is None
        or application is None
        or verdict is None
        or as_of is None
    ):
        return None
    return Case(
        index=index,
        name=name,
        application=application,
        application_file=source,
        verdict=verdict,
        reasons=reasons,
        earliest=earliest,
        explain=explain,
        as_of=as_of,
        claimed=claimed,
    )


def load_suite(
    path: pathlib.Path | str,
    *,
    categories: CategoryTaxonomy | None = None,
) -> Suite:
    """
    Read and validate the suite at *path*; paths in it are relative to its folder.

    Args:
        path: The suite file (TOML).
        categories: The taxonomy the policy's category ids must be in
            (default :data:`~lazada_eligibility.LAZADA_CATEGORIES`).

    Returns:
        The suite, with its policy loaded and every application read.

    Raises:
        SuiteError: With every problem: unknown keys (with the closest known
            one), wrong types, missing or unreadable files, duplicate case
            names, unknown reason codes, bad locales, an invalid policy or
            application (naming the case and the file); each problem's path
            is the TOML key path, such as ``case[3].verdict``.

    Example:
        >>> from lazada_eligibility.policy_testing import SuiteError, load_suite
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "suite.toml").write_text('''
        ... policy = "lazada-cross-border"
        ... as_of = "2026-11-28"
        ... [[case]]
        ... name = "no store"
        ... application = { applicant = "Seller Co.", category = "mobiles", stores = [] }
        ... verdict = "fial"
        ... reasons = ["stores.none"]
        ... ''')
        >>> try:
        ...     load_suite(folder / "suite.toml")
        ... except SuiteError as e:
        ...     print(e)
        case[0].verdict: expected pass, fail or review, got 'fial'

    .. versionadded:: 0.3.0
    """
    path = Path(path)
    if not path.is_file():
        raise SuiteError([FieldProblem("", "no such suite file")], missing=True)
    try:
        text = _reading.decode(_read_file(path, SUITE_BYTES))
        doc = _policy_text.parse(text, ".toml")
    except OSError as e:
        raise SuiteError(f"cannot read: {e.strerror or e}", missing=True) from None
    except (ValidationError, PolicyError) as e:
        raise SuiteError(e.problems) from None
    assert isinstance(doc, dict)  # noqa: S101 -- tomllib gives a table
    base = path.parent
    problems = _Problems()
    problems.unknown_keys(doc, _TOP_KEYS, "")
    for key in ("policy", "as_of", "case"):
        if key not in doc:
            problems.add(key, "required")
    ref = _text(doc["policy"], "policy", problems) if "policy" in doc else None
    policy = _policy(ref, base, categories, problems) if ref is not None else None
    as_of = _date(doc["as_of"], "as_of", problems) if "as_of" in doc else None
    rates = _rates(doc["rates"], base, problems) if "rates" in doc else None
    raw_cases = doc.get("case", [])
    if not isinstance(raw_cases, list) or ("case" in doc and not raw_cases):
        problems.add("case", f"expected one or more [[case]] tables, got {_show(raw_cases)}")
        raw_cases = []
    codes = _known_codes()
    names: dict[str, int] = {}
    cases = [
        _case(c, i, suite_as_of=as_of, base=base, codes=codes, names=names, problems=problems)
        for i, c in enumerate(raw_cases)
    ]
    if problems.found or policy is None or ref is None or as_of is None:
        raise SuiteError(problems.found, missing=problems.missing)
    return Suite(
        path=path,
        policy=policy,
        policy_ref=ref,
        as_of=as_of,
        cases=tuple(c for c in cases if c is not None),
        rates=rates,
    )


def _rates(raw: object, base: Path, problems: _Problems) -> RateTable | None:
    name = _text(raw, "rates", problems)
    if name is None:
        return None
    path = base / name
    if not path.is_file():
        problems.add("rates", f"no such rates file {name!r} (resolved to {path})", missing=True)
        return None
    try:
        # from_csv reads as every input is read, and names the file and line.
        return RateTable.from_csv(path)
    except OSError as e:
        problems.add("rates", f"{name}: cannot read: {e.strerror or e}", missing=True)
    except EligibilityError as e:
        problems.add("rates", str(e))
    return None


# Running -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class GoldenText:
    """
    One golden explanation: the file, what it holds and what the decision says now.

    Attributes:
        locale: The locale, as written in the suite.
        path: The golden file.
        expected: Its text, or ``None`` when it does not exist yet.
        actual: The explanation now, ending in a newline.

    .. versionadded:: 0.3.0
    """

    locale: str
    path: pathlib.Path
    expected: str | None
    actual: str

    @property
    def matches(self) -> bool:
        """
        Whether the file holds exactly the explanation.
        """
        return self.expected == self.actual

    def diff(self) -> str:
        """
        Return a unified diff from the golden text to the explanation now.
        """
        old = (self.expected or "").splitlines(keepends=True)
        new = self.actual.splitlines(keepends=True)
        lines = difflib.unified_diff(old, new, f"{self.path.name} (golden)", "decision now")
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@attrs.frozen(kw_only=True)
class CaseResult:
    """
    What the policy said about one case, against what the case expects.

    Attributes:
        case: The case.
        decision: The decision.
        earliest: The earliest date found, when the case checks it.
        golden: Each golden text with the explanation now.

    .. versionadded:: 0.3.0
    """

    case: Case
    decision: Decision
    earliest: dt.date | None
    golden: tuple[GoldenText, ...]

    @property
    def reasons(self) -> frozenset[str]:
        """
        The decision's reason codes.
        """
        return frozenset(r.code for r in self.decision.reasons)

    @property
    def missing_reasons(self) -> frozenset[str]:
        """
        Reason codes the case expects that the decision does not give.
        """
        return self.case.reasons - self.reasons

    @property
    def extra_reasons(self) -> frozenset[str]:
        """
        Reason codes the decision gives that the case does not expect.
        """
        return self.reasons - self.case.reasons

    def problems(self) -> list[str]:
        """
        Return one line per way the decision differs from the case (empty when it passes).
        """
        case, found = self.case, []
        if self.decision.verdict is not case.verdict:
            found.append(
                f"verdict: expected {case.verdict.value}, got {self.decision.verdict.value}"
            )
        if self.missing_reasons:
            found.append(f"reasons missing: {', '.join(sorted(self.missing_reasons))}")
        if self.extra_reasons:
            found.append(f"reasons not expected: {', '.join(sorted(self.extra_reasons))}")
        checked, want = case.earliest
        if checked and want != self.earliest:
            found.append(f"earliest: expected {_day(want)}, got {_day(self.earliest)}")
        for golden in self.golden:
            if golden.expected is None:
                found.append(
                    f"explain.{golden.locale}: no golden file {golden.path}; "
                    "run with --update-golden to write it"
                )
            elif not golden.matches:
                found.append(f"explain.{golden.locale}: differs from {golden.path}")
        return found

    @property
    def passed(self) -> bool:
        """
        Whether the decision is exactly what the case expects.
        """
        return not self.problems()


def _day(day: dt.date | None) -> str:
    return _NEVER if day is None else day.isoformat()


@attrs.frozen(kw_only=True)
class NodeCoverage:
    """
    One node of the policy's rule tree, and what the suite's cases made it say.

    Attributes:
        path: The node's place in the canonical document (``policy show``),
            such as ``rule.all[0].any_store.all[2]``.
        kind: The rule kind.
        reachable: The verdicts the kind's outcome codes can give; empty for
            a node that is never evaluated as a whole (the ``all`` directly
            inside ``combined_stores``, evaluated through its parts).
        reached: The verdicts some case made it give.
        codes: The outcome codes the kind can give.
        produced: The outcome codes some case made it give.

    .. versionadded:: 0.3.0
    """

    path: str
    kind: str
    reachable: frozenset[Verdict]
    reached: frozenset[Verdict]
    codes: tuple[str, ...]
    produced: frozenset[str]

    @property
    def not_produced(self) -> tuple[str, ...]:
        """
        The kind's codes that no case made this node give.
        """
        return tuple(c for c in self.codes if c not in self.produced)


@attrs.frozen
class Coverage:
    """
    Which node-verdict pairs of the rule tree a suite reached.

    The percentage counts pairs: for every node of the rule tree (nodes
    inside a branch of ``by_market`` or ``by_applied_category`` counted per
    branch), each verdict its kind can give is one reachable pair; a pair is
    reached when some case's outcome tree has that node giving that verdict.
    ``percent`` is reached pairs over reachable pairs, rounded down to 0.1.

    .. versionadded:: 0.3.0
    """

    nodes: tuple[NodeCoverage, ...]

    @property
    def reachable(self) -> int:
        """
        How many node-verdict pairs the policy can give.
        """
        return sum(len(n.reachable) for n in self.nodes)

    @property
    def reached(self) -> int:
        """
        How many of them some case gave.
        """
        return sum(len(n.reached & n.reachable) for n in self.nodes)

    @property
    def percent(self) -> Decimal:
        """
        ``reached / reachable`` as a percentage, rounded down to one decimal place.
        """
        if not self.reachable:
            return Decimal("100.0")
        value = Decimal(self.reached * 100) / Decimal(self.reachable)
        return value.quantize(Decimal("0.1"), rounding=ROUND_FLOOR)


@attrs.frozen(kw_only=True)
class SuiteResult:
    """
    A suite's run: each case's result and the coverage.

    .. versionadded:: 0.3.0
    """

    suite: Suite
    cases: tuple[CaseResult, ...]
    coverage: Coverage

    @property
    def failed(self) -> tuple[CaseResult, ...]:
        """
        The cases whose decision differs from what they expect.
        """
        return tuple(c for c in self.cases if not c.passed)

    @property
    def passed(self) -> bool:
        """
        Whether every case passed.
        """
        return not self.failed


def _registry(case: Case, platforms: PlatformCatalog | None) -> InMemoryRegistry:
    stamp = dt.datetime.combine(case.as_of, dt.time(), tzinfo=dt.UTC)
    registry = InMemoryRegistry(platforms=platforms, clock=lambda: stamp)
    holders: dict[str, list[Store]] = {}
    for platform, store_id, holder in case.claimed:
        holders.setdefault(holder, []).append(Store(platform, store_id))
    for holder, stores in holders.items():
        try:
            registry.claim(
                Application(f"holder of {holder}", case.application.category, stores, id=holder)
            )
        except EligibilityError as e:
            message = f"the records claimed by {holder!r} cannot be claimed: {e}"
            raise SuiteError([FieldProblem(f"case[{case.index}].claimed", message)]) from None
    return registry


def _decide(
    suite: Suite,
    case: Case,
    platforms: PlatformCatalog | None,
    categories: CategoryTaxonomy | None,
) -> CaseResult:
    registry = _registry(case, platforms)
    catalogs: dict[str, Any] = {"platforms": platforms, "categories": categories}
    try:
        decision = suite.policy.evaluate(
            case.application, as_of=case.as_of, rates=suite.rates, registry=registry, **catalogs
        )
        earliest = None
        if case.earliest[0]:
            plan = earliest_plan(
                case.application,
                as_of=case.as_of,
                policy=suite.policy,
                rates=suite.rates,
                registry=registry,
                **catalogs,
            )
            earliest = plan.date
    except ValidationError as e:
        where = f"{case.application_file.name}: " if case.application_file else ""
        raise SuiteError(
            [FieldProblem(f"case[{case.index}].application", f"in case {case.name!r}: {where}{e}")]
        ) from None
    golden = []
    for locale, path in case.explain:
        actual = explain(decision, locale, categories=categories) + "\n"
        try:
            expected: str | None = _reading.decode(_read_file(path, GOLDEN_BYTES))
        except FileNotFoundError:
            expected = None
        except OSError as e:
            raise SuiteError(
                [FieldProblem(f"case[{case.index}].explain.{locale}", f"cannot read: {e}")],
                missing=True,
            ) from None
        except ValidationError as e:
            raise SuiteError(
                [FieldProblem(f"case[{case.index}].explain.{locale}", f"{path.name}: {e}")]
            ) from None
        golden.append(GoldenText(locale=locale, path=path, expected=expected, actual=actual))
    return CaseResult(case=case, decision=decision, earliest=earliest, golden=tuple(golden))


def run_suite(
    suite: Suite,
    *,
    platforms: PlatformCatalog | None = None,
    categories: CategoryTaxonomy | None = None,
) -> SuiteResult:
    """
    Decide every case of *suite* and measure the coverage of the policy's rule tree.

    Each case is decided as of its day, with the suite's rates and an
    evidence registry in memory holding exactly the case's ``claimed``
    records. Nothing is written; see :func:`write_golden`.

    Raises:
        SuiteError: A case cannot be decided (its application names a
            category the taxonomy does not know), or a golden file cannot be read.

    Example:
        >>> import pathlib, tempfile
        >>> from lazada_eligibility.policy_testing import load_suite, run_suite
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "suite.toml").write_text('''
        ... policy = "lazada-cross-border"
        ... as_of = "2026-11-28"
        ... [[case]]
        ... name = "no store"
        ... application = { applicant = "Seller Co.", category = "mobiles", stores = [] }
        ... verdict = "fail"
        ... reasons = ["stores.none"]
        ... ''')
        >>> result = run_suite(load_suite(folder / "suite.toml"))
        >>> result.passed, result.coverage.reached, result.coverage.reachable
        (True, 3, 24)

    .. versionadded:: 0.3.0
    """
    results = tuple(_decide(suite, c, platforms, categories) for c in suite.cases)
    # Every case is decided with a registry: reuse is never left unchecked.
    found = coverage(suite.policy.rule, [r.decision for r in results], impossible=CAVEAT_CODES)
    return SuiteResult(suite=suite, cases=results, coverage=found)


def write_golden(result: SuiteResult) -> tuple[Path, ...]:
    """
    Write every golden text of *result* that differs from the explanation now; return those written.

    Raises:
        OSError: A file cannot be written.

    Example:
        >>> import pathlib, tempfile
        >>> from lazada_eligibility.policy_testing import load_suite, run_suite, write_golden
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "suite.toml").write_text('''
        ... policy = "lazada-cross-border"
        ... as_of = "2026-11-28"
        ... [[case]]
        ... name = "no store"
        ... application = { applicant = "Seller Co.", category = "mobiles", stores = [] }
        ... verdict = "fail"
        ... reasons = ["stores.none"]
        ... explain.ms = "golden/no-store.ms.txt"
        ... ''')
        >>> result = run_suite(load_suite(folder / "suite.toml"))
        >>> result.cases[0].problems()[0].startswith("explain.ms: no golden file")
        True
        >>> [p.name for p in write_golden(result)]
        ['no-store.ms.txt']
        >>> run_suite(load_suite(folder / "suite.toml")).passed
        True

    .. versionadded:: 0.3.0
    """
    written: list[Path] = []
    for case in result.cases:
        for golden in case.golden:
            if not golden.matches:
                golden.path.parent.mkdir(parents=True, exist_ok=True)
                golden.path.write_text(golden.actual, encoding="utf-8", newline="")
                written.append(golden.path)
    return tuple(written)


# Coverage ------------------------------------------------------------------

_VERDICT_WORD: Final = re.compile(r"\b(pass|fail|review)\b")


def _verdicts_of(code: str, meaning: str) -> frozenset[Verdict]:
    # A kind's codes say their verdict first: "pass: ...", "pass or fail: ...".
    head = re.split(r"[:(]", meaning, maxsplit=1)[0]
    found = {Verdict(w) for w in _VERDICT_WORD.findall(head)}
    if not found and code.rsplit(".", 1)[-1] in {v.value for v in Verdict}:
        found = {Verdict(code.rsplit(".", 1)[-1])}
    return frozenset(found or Verdict)


def _kind_codes(kind: str) -> tuple[tuple[str, frozenset[Verdict]], ...]:
    known = KINDS.get(kind)
    pairs = (
        known.codes
        if known is not None and known.codes
        else ((f"{kind}.{v.value}", v.value) for v in Verdict)
    )
    return tuple((code, _verdicts_of(code, meaning)) for code, meaning in pairs)


def _child_paths(rule: Rule[Any], path: str) -> tuple[str, ...]:
    """
    Return the paths of *rule*'s children, *rule* being at *path*, as its document writes them.
    """
    kids = list(rule.children())
    if not kids:
        return ()
    ((kind, value),) = rule.to_doc().items()
    wanted = [k.to_doc() for k in kids]
    found: list[str] = []
    stack: list[tuple[object, str]] = [(value, _reading.join(path, kind))]
    # Depth first, in document order; a node that is the next child is not entered.
    while stack and len(found) < len(wanted):
        item, where = stack.pop()
        if item == wanted[len(found)]:
            found.append(where)
            continue
        if isinstance(item, Mapping):
            stack.extend((v, _reading.join(where, str(k))) for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in reversed(list(enumerate(item))))
    # A custom kind whose document does not hold its children as written: number them.
    return (
        tuple(found)
        if len(found) == len(kids)
        else tuple(f"{_reading.join(path, kind)}[{i}]" for i in range(len(kids)))
    )


def _nodes(rule: Rule[Any], path: str = "rule") -> Iterator[tuple[str, Rule[Any], bool]]:
    # (path, rule, evaluated as a whole), depth first in document order.
    stack: list[tuple[str, Rule[Any], bool]] = [(path, rule, True)]
    while stack:
        where, node, whole = stack.pop()
        yield where, node, whole
        inner_whole = not (isinstance(node, CombinedStores) and isinstance(node.rule, AllOf))
        items = list(zip(_child_paths(node, where), node.children(), strict=True))
        stack.extend((p, c, inner_whole) for p, c in reversed(items))


class _Seen:
    def __init__(self) -> None:
        self.verdicts: dict[str, set[Verdict]] = {}
        self.codes: dict[str, set[str]] = {}

    def add(self, path: str, outcome: Outcome) -> None:
        self.verdicts.setdefault(path, set()).add(outcome.verdict)
        self.codes.setdefault(path, set()).add(outcome.code)


def _observe(rule: Rule[Any], path: str, outcome: Outcome, seen: _Seen) -> None:  # noqa: C901 -- one case per combinator
    stack = [(rule, path, outcome)]
    while stack:
        node, where, out = stack.pop()
        if out.rule != node.kind:
            continue  # not this node's outcome: a custom rule's own tree
        seen.add(where, out)
        kids, paths = node.children(), _child_paths(node, where)
        if not kids:
            continue
        if isinstance(node, _EachStore | EachMonth):
            stack.extend((kids[0], paths[0], c) for c in out.children)
        elif isinstance(node, Branching):
            if out.children:
                case = out.facts.get("case")
                i = case if isinstance(case, int) else len(kids) - 1
                stack.append((kids[i], paths[i], out.children[0]))
        elif isinstance(node, CombinedStores):
            inner, inner_path = kids[0], paths[0]
            if isinstance(inner, AllOf):
                parts = list(zip(_child_paths(inner, inner_path), inner.rules, strict=True))
            else:
                parts = [(inner_path, inner)]
            filters = [(p, r) for p, r in parts if any(r is f for f in node.filters)]
            totals = [(p, r) for p, r in parts if any(r is t for t in node.totals)]
            per_store = [
                c for c in out.children if c.rule == "all" and len(c.children) == len(filters)
            ]
            for store in per_store:
                stack.extend((r, p, c) for (p, r), c in zip(filters, store.children, strict=True))
            rest = [c for c in out.children if c.rule == "each_month"]
            stack.extend((r, p, c) for (p, r), c in zip(totals, rest, strict=False))
        elif len(out.children) == len(kids):
            stack.extend(zip(kids, paths, out.children, strict=True))


def coverage(
    rule: Rule[Any], decisions: Iterable[Decision], *, impossible: Iterable[str] = ()
) -> Coverage:
    """
    Return which verdicts and codes each node of *rule* gave in *decisions*.

    Args:
        rule: The policy's rule tree.
        decisions: Decisions made under it.
        impossible: Outcome codes the decisions could not give, left out of
            each node's codes (:func:`run_suite` leaves out
            ``evidence.unchecked``: a suite's cases are always decided with a registry).

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility import LAZADA_CROSS_BORDER, Application, evaluate
        >>> from lazada_eligibility.policy_testing import coverage
        >>> decision = evaluate(
        ...     Application("Seller Co.", "mobiles", []), as_of=dt.date(2026, 11, 28)
        ... )
        >>> found = coverage(LAZADA_CROSS_BORDER.rule, [decision])
        >>> [(n.path, sorted(v.value for v in n.reached)) for n in found.nodes][:2]
        [('rule', ['fail']), ('rule.all[0]', ['fail'])]

    .. versionadded:: 0.3.0
    """
    seen = _Seen()
    left_out = frozenset(impossible)
    for decision in decisions:
        _observe(rule, "rule", decision.outcome, seen)
    nodes = []
    for path, node, whole in _nodes(rule):
        codes = _kind_codes(node.kind)
        reachable = frozenset(v for _, vs in codes for v in vs) if whole else frozenset()
        nodes.append(
            NodeCoverage(
                path=path,
                kind=node.kind,
                reachable=reachable,
                reached=frozenset(seen.verdicts.get(path, ())),
                codes=tuple(c for c, _ in codes if c not in left_out),
                produced=frozenset(seen.codes.get(path, ())),
            )
        )
    return Coverage(tuple(nodes))


# Boundary cases -------------------------------------------------------------

_TEMPLATE: Final = Application(
    "Boundary Test Co.",
    "mobiles",
    [Store("amazon.com", "BOUNDARY1", category="mobiles")],
    id="BOUNDARY",
)
_SEARCH_DAYS: Final = 400


def _limits(rule: Rule[Any]) -> list[tuple[EachMonth, Money | None]]:
    # Each month window of the policy with each minimum inside it, once.
    found: dict[tuple[int, int, Money | None], tuple[EachMonth, Money | None]] = {}
    for _, node, _ in _nodes(rule):
        if not isinstance(node, EachMonth):
            continue
        minimums = [n.minimum for _, n, _ in _nodes(node.rule) if isinstance(n, MinTurnover)]
        options: list[Money | None] = [*minimums] or [None]
        for minimum in options:
            found.setdefault((node.window, node.lag_days, minimum), (node, minimum))
    return list(found.values())


def _with_turnover(
    template: Application, amounts: Mapping[Month, Decimal], currency: str
) -> Application:
    store = template.stores[0] if template.stores else _TEMPLATE.stores[0]
    records = [
        MonthlyTurnover(m, Money(a, currency), category=None) for m, a in sorted(amounts.items())
    ]
    first = attrs.evolve(store, turnover=records)
    return attrs.evolve(template, stores=[first, *template.stores[1:]])


def _next_move(as_of: dt.date, window: int, lag: int) -> dt.date:
    # The first day after as_of whose review window differs.
    months = review_window(as_of, window, lag)
    day = as_of
    for _ in range(_SEARCH_DAYS):
        day += dt.timedelta(days=1)
        if review_window(day, window, lag) != months:
            return day
    raise AssertionError("a review window moves every month")  # pragma: no cover


def _boundaries(
    template: Application, as_of: dt.date, node: EachMonth, minimum: Money | None
) -> Iterator[tuple[str, dt.date, Application]]:
    window, lag = node.window, node.lag_days
    amount = minimum.amount if minimum is not None else Decimal(1000)
    currency = minimum.currency if minimum is not None else "USD"
    step = Decimal(1).scaleb(-currency_digits(currency))
    shown = f"{amount} {currency}"
    months = review_window(as_of, window, lag)
    at = dict.fromkeys(months, amount)
    where = f"window {window}, lag {lag}, minimum {shown}"
    newest = months[-1]
    if minimum is not None:
        if amount - step >= 0:
            yield (
                f"{where}: {newest} one step below",
                as_of,
                _with_turnover(template, {**at, newest: amount - step}, currency),
            )
        yield f"{where}: every month at the minimum", as_of, _with_turnover(template, at, currency)
        yield (
            f"{where}: {newest} one step above",
            as_of,
            _with_turnover(template, {**at, newest: amount + step}, currency),
        )
    move = _next_move(as_of, window, lag)
    before = review_window(move - dt.timedelta(days=1), window, lag)
    kept = _with_turnover(template, dict.fromkeys(before, amount), currency)
    if lag == 0:
        yield (
            f"{where}: the day before the window moves on {move}",
            move - dt.timedelta(days=1),
            kept,
        )
        yield f"{where}: the day the window moves", move, kept
        return
    # Each lag day of the month the window moves in, and the day it moves.
    for day in range(1, lag + 2):
        when = move.replace(day=day)
        what = "the day the window moves" if when == move else f"lag day {day}"
        yield f"{where}: {what} ({when})", when, kept


def generate_suite(
    policy: Policy,
    *,
    as_of: dt.date,
    policy_ref: str,
    template: Application | None = None,
    rates: RateTable | None = None,
    platforms: PlatformCatalog | None = None,
    categories: CategoryTaxonomy | None = None,
) -> str:
    """
    Return a suite (TOML) of boundary cases for *policy*, each decided by the policy.

    For each month window of the policy and each minimum in it: the newest
    month one money step (the currency's smallest unit) below, at and one
    step above the minimum; the day before the window moves and the day it
    moves (with ``lag_days``, each lag day of that month and the day it
    moves), with turnover at the minimum in exactly the months of the earlier
    window. The applications are *template* (default: one store on
    amazon.com in ``mobiles``) with its first store's turnover replaced,
    written inline. Verdict, reasons and earliest date are what the policy
    decides: review them, then keep the suite.

    Args:
        policy: The policy.
        as_of: The suite's decision day.
        policy_ref: What the suite's ``policy`` key says: a path relative to
            where the suite will be written, or a shipped policy's id.
        template: The application to vary.
        rates: Exchange rates to decide with.
        platforms: The platform catalog.
        categories: The category taxonomy.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility import LAZADA_CROSS_BORDER
        >>> from lazada_eligibility.policy_testing import generate_suite
        >>> text = generate_suite(
        ...     LAZADA_CROSS_BORDER, as_of=dt.date(2026, 11, 28), policy_ref="lazada-cross-border"
        ... )
        >>> [line for line in text.splitlines() if line.startswith(("name", "verdict"))][:4]
        ['name = "window 3, lag 0, minimum 1000 USD: 2026-10 one step below"', 'verdict = "fail"', 'name = "window 3, lag 0, minimum 1000 USD: every month at the minimum"', 'verdict = "pass"']

    .. versionadded:: 0.3.0
    """
    template = _TEMPLATE if template is None else template
    lines = [
        "# Boundary cases written by `lazada-eligibility policy test --generate`.",
        f"# Policy {policy.id} {policy.version} (digest {policy.digest[:12]}).",
        "# Each verdict, reason list and earliest date is what the policy decided:",
        "# review every case before you keep it.",
        _toml_writer.dumps({"policy": policy_ref, "as_of": as_of.isoformat()}).rstrip("\n"),
    ]
    catalogs: dict[str, Any] = {"platforms": platforms, "categories": categories, "rates": rates}
    seen: set[str] = set()
    for node, minimum in _limits(policy.rule):
        for name, day, application in _boundaries(template, as_of, node, minimum):
            if name in seen:
                continue
            seen.add(name)
            registry = InMemoryRegistry(platforms=platforms, clock=lambda: _STAMP)
            try:
                decision = policy.evaluate(application, as_of=day, registry=registry, **catalogs)
                plan = earliest_plan(
                    application, as_of=day, policy=policy, registry=registry, **catalogs
                )
            except ValidationError as e:
                raise SuiteError([FieldProblem("template", str(e))]) from None
            case: dict[str, object] = {"name": name}
            if day != as_of:
                case["as_of"] = day.isoformat()
            case["verdict"] = decision.verdict.value
            case["reasons"] = sorted({r.code for r in decision.reasons})
            case["earliest"] = _day(plan.date)
            body = _toml_writer.dumps(case).rstrip("\n")
            inline = _toml_writer._value(_no_nulls(application.to_dict()), 0)  # noqa: SLF001 -- one inline table
            lines += ["", "[[case]]", body, f"application = {inline}"]
    return "\n".join(lines) + "\n"


_STAMP: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _no_nulls(value: object) -> object:
    if isinstance(value, Mapping):
        return {k: _no_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_no_nulls(v) for v in value]
    return value
