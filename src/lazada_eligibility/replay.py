"""
Replay: decide recorded decisions again and say, line by line, what changed.

A decisions file (``batch`` output, ``--detail summary`` or ``full``, or
decisions from ``check --format json``, one per line) is read beside the
applications it decided, line for line. Each application is decided again
as of the recorded date, with the recorded registry state (the stores it saw
claimed, from the decision's
:class:`~lazada_eligibility.provenance.Provenance`) and with the policy,
rates and catalogs given now. A line is *identical* when the decision is
(verdict, reasons, outcome; for a summary line, the summary), and *differs*
otherwise; either way, the inputs whose digests differ from the recorded
ones are named: ``policy``, ``platforms`` (the platform catalog),
``categories`` (the taxonomy), ``rates``, ``registry``, ``library``.

Example:
    >>> import datetime as dt, json
    >>> from lazada_eligibility import Application, Store, evaluate
    >>> from lazada_eligibility.replay import replay
    >>> app = Application("Seller Co.", "home-living", [Store("Taobao", "shop-1")], id="A-1")
    >>> recorded = evaluate(app, as_of=dt.date(2026, 11, 28)).to_json()
    >>> report = replay([recorded], [json.dumps(app.to_dict())])
    >>> [(r.line, r.status.value, r.changed) for r in report.lines]
    [(1, 'identical', ())]

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from .assemble import store_document_hint
from .batch._io import LineTooLong, load_json
from .batch._summary import summary_record
from .decision import Decision
from .exceptions import EligibilityError, ValidationError
from .models import Application
from .platforms import DEFAULT_PLATFORMS
from .policy.shipped import LAZADA_CROSS_BORDER
from .provenance import INPUTS, Provenance, summary_fingerprints
from .registry import Claim
from .rules import Verdict

if TYPE_CHECKING:
    from .categories import CategoryTaxonomy
    from .platforms import PlatformCatalog
    from .policy._policy import Policy
    from .typing import EvidenceRegistry, ExchangeRates

__all__ = ["LineReplay", "ReplayReport", "ReplayStatus", "replay", "replay_lines"]

_RECORDED_HOLDER: Final = "replay: recorded claim"
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class ReplayStatus(enum.Enum):
    """
    What replaying one line found.

    .. versionadded:: 0.2.0
    """

    IDENTICAL = "identical"
    """The decision made again is the recorded one."""
    DIFFERS = "differs"
    """The decision made again is not the recorded one."""
    ERROR = "error"
    """The line could not be replayed (a bad or mismatched line); the message says why."""


@attrs.frozen(kw_only=True)
class LineReplay:
    """
    What replaying one line of a decisions file found.

    Attributes:
        line: The line number, from 1, in both files.
        status: Identical, differs or error.
        application_id: The application's id, when known.
        changed: The inputs (of :data:`~lazada_eligibility.provenance.INPUTS`)
            whose digests differ from those recorded, in that order; for a
            decision recorded without provenance, only ``policy`` can be told.
        recorded: The verdict recorded (``"error"`` for a line the run could not decide).
        now: The verdict now (``"error"`` when the application cannot be decided now).
        added: Reason codes the decision has now and had not.
        removed: Reason codes the decision had and has not now.
        message: Why the line could not be replayed, or the error recorded or got now.

    .. versionadded:: 0.2.0
    """

    line: int
    status: ReplayStatus
    application_id: str | None = None
    changed: tuple[str, ...] = ()
    recorded: str | None = None
    now: str | None = None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """
        Return a JSON-ready mapping, as ``replay --format json`` writes each line.
        """
        return {
            "line": self.line,
            "status": self.status.value,
            "application_id": self.application_id,
            "changed": list(self.changed),
            "recorded": self.recorded,
            "now": self.now,
            "added": list(self.added),
            "removed": list(self.removed),
            "message": self.message,
        }


@attrs.frozen
class ReplayReport:
    """
    The lines of one replay, in order.

    .. versionadded:: 0.2.0
    """

    lines: tuple[LineReplay, ...]

    @property
    def counts(self) -> dict[str, int]:
        """
        How many lines had each status, keyed by the status's value.
        """
        found = dict.fromkeys((s.value for s in ReplayStatus), 0)
        for line in self.lines:
            found[line.status.value] += 1
        return found

    @property
    def identical(self) -> bool:
        """
        True when every line replayed identically.
        """
        return all(line.status is ReplayStatus.IDENTICAL for line in self.lines)


class _RecordedClaims:
    """
    The registry state a decision recorded, as an evidence registry that only answers :meth:`holder`.
    """

    def __init__(self, held: set[tuple[str, str]]) -> None:
        self._held = held

    def holder(self, platform: str, store_id: str) -> Claim | None:
        if (platform, store_id) not in self._held:
            return None
        return Claim(
            namespace=platform,
            store_id=store_id,
            platform=platform,
            application_id=_RECORDED_HOLDER,
            applicant=_RECORDED_HOLDER,
            claimed_at=_EPOCH,
        )

    def claim(self, application: Application, *, decision: Decision | None = None) -> list[Claim]:  # noqa: ARG002 -- the protocol's signature
        msg = "a replay never claims"
        raise TypeError(msg)

    def release(self, application_id: str) -> list[Claim]:  # noqa: ARG002 -- likewise
        msg = "a replay never releases"
        raise TypeError(msg)

    def claims_of(self, application_id: str) -> list[Claim]:  # noqa: ARG002 -- likewise
        return []


class _LineError(Exception):
    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = message if detail is None else detail


@attrs.frozen
class _Recorded:
    kind: str  # "full", "summary" or "error"
    record: Mapping[str, Any]
    application_id: str | None
    as_of: dt.date | None
    policy_digest: str | None
    fingerprints: Mapping[str, object] | None
    decision: Decision | None = None


def replay(
    decisions: Iterable[object],
    applications: Iterable[object],
    *,
    policy: Policy | None = None,
    rates: ExchangeRates | None = None,
    platforms: PlatformCatalog | None = None,
    categories: CategoryTaxonomy | None = None,
    as_of: dt.date | None = None,
    registry: EvidenceRegistry | None = None,
) -> ReplayReport:
    """
    Decide each recorded decision's application again and compare, line by line.

    Args:
        decisions: The recorded lines: JSON text (or parsed mappings) of
            decisions (:meth:`~lazada_eligibility.Decision.to_dict`), of ``batch`` lines
            (``summary`` or ``full``), or ``batch`` error lines.
        applications: The applications, line for line, as JSON text, mappings
            or :class:`~lazada_eligibility.Application` values.
        policy: The policy now (default
            :data:`~lazada_eligibility.LAZADA_CROSS_BORDER`).
        rates: The exchange rates now.
        platforms: The platform catalog now (default the built-in).
        categories: The category taxonomy now (default the built-in).
        registry: The evidence registry now, to check reuse against
            instead of the registry state each line records (only read:
            nothing is claimed); then a different state names ``registry``.
        as_of: The date to decide lines recorded as errors (which record
            none) as of; by default the date of the last decided line before.

    Returns:
        One :class:`LineReplay` per line of the longer input. A bad line (not
        JSON, not a decision, a tampered provenance, another application's
        decision, a line number that is not its own, a missing partner line)
        is an ``error`` line with a message naming the file, line and field;
        the others are still replayed.

    Example:
        >>> import datetime as dt, json
        >>> from lazada_eligibility import Application, LAZADA_CATEGORIES, Store, evaluate
        >>> from lazada_eligibility.replay import replay
        >>> app = Application("Seller Co.", "mobiles", [Store("Amazon US", "A1")], id="A-1")
        >>> recorded = evaluate(app, as_of=dt.date(2026, 11, 28)).to_json()
        >>> bigger = LAZADA_CATEGORIES.with_group("phones", ["mobiles"])
        >>> [line] = replay([recorded], [app.to_dict()], categories=bigger).lines
        >>> line.status.value, line.changed
        ('identical', ('categories',))

    .. versionadded:: 0.2.0
    """
    lines = replay_lines(
        decisions,
        applications,
        policy=policy,
        rates=rates,
        platforms=platforms,
        categories=categories,
        as_of=as_of,
        registry=registry,
    )
    return ReplayReport(tuple(lines))


def replay_lines(
    decisions: Iterable[object],
    applications: Iterable[object],
    *,
    policy: Policy | None = None,
    rates: ExchangeRates | None = None,
    platforms: PlatformCatalog | None = None,
    categories: CategoryTaxonomy | None = None,
    as_of: dt.date | None = None,
    registry: EvidenceRegistry | None = None,
) -> Iterator[LineReplay]:
    """
    Yield what :func:`replay` finds, one line at a time, reading both inputs as it goes.

    .. versionadded:: 0.2.0
    """
    policy = LAZADA_CROSS_BORDER if policy is None else policy
    env = {"rates": rates, "platforms": platforms, "categories": categories}
    pairs = itertools.zip_longest(decisions, applications, fillvalue=None)
    ctx = _Context(policy, env, [] if as_of is None else [as_of], registry)
    for number, (recorded, application) in enumerate(pairs, 1):
        try:
            yield _one(number, recorded, application, ctx)
        except _LineError as e:
            yield LineReplay(line=number, status=ReplayStatus.ERROR, message=str(e))


@attrs.frozen
class _Context:
    policy: Policy
    env: dict[str, Any]
    dates: list[dt.date]  # the dates of the decided lines so far, for error lines
    registry: EvidenceRegistry | None  # the registry now, instead of the recorded state


def _one(number: int, raw_decision: object, raw_application: object, ctx: _Context) -> LineReplay:
    if raw_decision is None:
        msg = f"decisions line {number}: missing: the applications have more lines"
        raise _LineError(msg)
    if raw_application is None:
        msg = f"applications line {number}: missing: the decisions have more lines"
        raise _LineError(msg)
    recorded = _read_recorded(number, raw_decision)
    if recorded.kind == "error":
        return _replay_error(number, recorded, raw_application, ctx)
    application = _read_application(number, raw_application)
    _same_application(number, recorded, application)
    assert recorded.as_of is not None  # noqa: S101 -- decided lines always have one
    dates = ctx.dates
    if not dates or dates[-1] != recorded.as_of:
        dates.append(recorded.as_of)
    made = functools.partial(LineReplay, line=number, application_id=application.id)
    now, error = _decide(recorded, application, recorded.as_of, ctx)
    was = str(recorded.record.get("verdict"))
    if now is None:
        return made(status=ReplayStatus.DIFFERS, recorded=was, now="error", message=error)
    then_codes = _recorded_codes(recorded)
    now_codes = _codes(now.reasons)
    return made(
        status=ReplayStatus.IDENTICAL if _same(recorded, now) else ReplayStatus.DIFFERS,
        changed=_changed(recorded, now),
        recorded=was,
        now=now.verdict.value,
        added=tuple(c for c in now_codes if c not in then_codes),
        removed=tuple(c for c in then_codes if c not in now_codes),
    )


def _same_application(number: int, recorded: _Recorded, application: Application) -> None:
    if recorded.application_id != application.id:
        msg = (
            f"decisions line {number}: application_id: the decision is for "
            f"{_show(recorded.application_id)}, but applications line {number} is "
            f"{_show(application.id)}"
        )
        raise _LineError(msg)


def _replay_error(
    number: int, recorded: _Recorded, raw_application: object, ctx: _Context
) -> LineReplay:
    # A line the run could not decide: the same error again is identical.
    then = str(recorded.record.get("error"))
    made = functools.partial(
        LineReplay, line=number, application_id=recorded.application_id, recorded="error"
    )
    try:
        application = _read_application(number, raw_application)
    except _LineError as e:
        now_error = e.detail
        same = now_error == then
        return made(
            status=ReplayStatus.IDENTICAL if same else ReplayStatus.DIFFERS,
            now="error",
            message=then if same else f"was: {then}; now: {now_error}",
        )
    if recorded.application_id is not None:
        _same_application(number, recorded, application)
    if not ctx.dates:
        msg = (
            f"decisions line {number}: recorded as not decided ({then}), and no decided line "
            "before it gives the date to decide it as of (give one: --as-of)"
        )
        raise _LineError(msg)
    now, error = _decide(recorded, application, ctx.dates[-1], ctx)
    if now is None:
        same = error == then
        return made(
            status=ReplayStatus.IDENTICAL if same else ReplayStatus.DIFFERS,
            now="error",
            message=then if same else f"was: {then}; now: {error}",
        )
    return made(
        status=ReplayStatus.DIFFERS,
        now=now.verdict.value,
        added=_codes(now.reasons),
        message=f"was: {then}",
    )


def _show(value: object) -> str:
    return "no application id" if value is None else f"application {value!r:.80}"


def _decide(
    recorded: _Recorded, application: Application, as_of: dt.date, ctx: _Context
) -> tuple[Decision | None, str | None]:
    env = ctx.env
    registry = ctx.registry
    if registry is None and recorded.fingerprints is not None:
        claimed = recorded.fingerprints.get("registry")
        if claimed is not None:
            registry = _RecordedClaims(_held(claimed, application, env))  # type: ignore[arg-type]
    try:
        decision = ctx.policy.evaluate(application, as_of=as_of, registry=registry, **env)
    except EligibilityError as e:
        return None, str(e)
    except decimal.DecimalException as e:
        # As batch says it: an amount or rate too large for exact arithmetic.
        return None, f"a number is out of range: {type(e).__name__}"
    return decision, None


def _held(
    claimed: Iterable[tuple[str, str]], application: Application, env: dict[str, Any]
) -> set[tuple[str, str]]:
    # The recorded stores as written; the engine asks by platform id and canonical id.
    catalog = env["platforms"] or DEFAULT_PLATFORMS
    held = set()
    wanted = set(claimed)
    for store in application.stores:
        if (store.platform, store.store_id) not in wanted:
            continue
        platform = catalog.resolve(store.platform)
        if platform is None:
            continue
        try:
            identity = platform.identity(store.store_id)
        except ValidationError:
            continue
        held.add((platform.id, identity.store_id))
    return held


def _same(recorded: _Recorded, now: Decision) -> bool:
    if recorded.kind == "summary":
        line = int(recorded.record["line"])
        made = json.loads(json.dumps(summary_record(line, now)))
        mine = {k: v for k, v in made.items() if k != "provenance"}
        theirs = {k: v for k, v in recorded.record.items() if k != "provenance"}
        return mine == theirs
    assert recorded.decision is not None  # noqa: S101 -- a full record always has one
    mine = now.to_dict()
    theirs = recorded.decision.to_dict()
    for d in (mine, theirs):
        d.pop("provenance", None)
    return mine == theirs


def _changed(recorded: _Recorded, now: Decision) -> tuple[str, ...]:
    found = []
    if recorded.policy_digest != now.policy_digest:
        found.append("policy")
    if recorded.fingerprints is not None and now.provenance is not None:
        mine = now.provenance.fingerprints()
        found.extend(k for k in INPUTS[1:] if mine[k] != recorded.fingerprints[k])
    return tuple(found)


def _codes(reasons: Iterable[Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.code for r in reasons))


def _recorded_codes(recorded: _Recorded) -> tuple[str, ...]:
    if recorded.decision is not None:
        return _codes(recorded.decision.reasons)
    reasons = recorded.record.get("reasons")
    return tuple(dict.fromkeys(str(r.get("code")) for r in reasons or () if isinstance(r, Mapping)))


def _parse(number: int, raw: object, what: str) -> object:
    # Messages as batch words them, so that an error line replays identical.
    if isinstance(raw, LineTooLong):
        raise _LineError(f"{what} line {number}: {raw}", str(raw))
    if isinstance(raw, str | bytes):
        try:
            return load_json(raw)
        except ValidationError as e:
            raise _LineError(f"{what} line {number}: {e}", str(e)) from None
    return raw


def _read_application(number: int, raw: object) -> Application:
    data = _parse(number, raw, "applications")
    if isinstance(data, Application):
        return data
    if not isinstance(data, Mapping):
        detail = f"expected an application as a JSON object, got {type(data).__name__} {data!r:.80}"
    elif (hint := store_document_hint(data)) is not None:
        detail = hint
    else:
        try:
            return Application.from_dict(data)
        except ValidationError as e:
            detail = str(e)
    raise _LineError(f"applications line {number}: {detail}", detail)


def _read_recorded(number: int, raw: object) -> _Recorded:
    data = _parse(number, raw, "decisions")
    where = f"decisions line {number}"
    if isinstance(data, Decision):
        data = data.to_dict()
    if not isinstance(data, Mapping):
        msg = f"{where}: expected a decision as a JSON object, got {type(data).__name__}"
        raise _LineError(msg)
    line = data.get("line", number)
    if type(line) is not int or line != number:
        msg = f"{where}: line: the record says it is line {line!r:.40}, so it is not the decision of this line"
        raise _LineError(msg)
    app_id = data.get("application_id")
    if app_id is not None and not isinstance(app_id, str):
        raise _LineError(f"{where}: application_id: expected a string or null, got {app_id!r:.80}")
    try:
        if "error" in data:
            return _Recorded("error", data, app_id, None, None, None)
        if "outcome" in data:
            return _full(data, app_id)
        if "policy_digest" in data:
            return _summary(data, app_id)
    except ValidationError as e:
        raise _LineError(f"{where}: {e}") from None
    msg = f"{where}: not a decision, a batch summary line or a batch error line"
    raise _LineError(msg)


def _full(data: Mapping[str, Any], app_id: str | None) -> _Recorded:
    decision = Decision.from_dict({k: v for k, v in data.items() if k != "line"})
    provenance: Provenance | None = decision.provenance
    return _Recorded(
        "full",
        data,
        app_id,
        decision.as_of,
        decision.policy_digest,
        None if provenance is None else provenance.fingerprints(),
        decision,
    )


def _summary(data: Mapping[str, Any], app_id: str | None) -> _Recorded:
    if "line" not in data:
        raise ValidationError.single("line", "missing")
    digest = data.get("policy_digest")
    if not isinstance(digest, str):
        raise ValidationError.single("policy_digest", f"expected a string, got {digest!r:.80}")
    text = data.get("as_of")
    try:
        as_of = dt.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        as_of = None
    if as_of is None:
        raise ValidationError.single("as_of", f"expected a date, got {text!r:.80}")
    verdict = data.get("verdict")
    if verdict not in {v.value for v in Verdict}:
        raise ValidationError.single(
            "verdict", f"expected pass, fail or review, got {verdict!r:.80}"
        )
    if "provenance" not in data:
        fingerprints = None
    else:
        raw = data["provenance"]
        try:
            fingerprints = None if raw is None else summary_fingerprints(raw)
        except ValidationError as e:
            raise e.prefixed("provenance") from None
    return _Recorded("summary", data, app_id, as_of, digest, fingerprints)
