"""
The engine behind batch runs: deciding records one by one, in this process or in a pool.

A :class:`Job` holds everything a worker needs; it is pickled once per
worker process, which prepares the policy once. Records travel in chunks,
with at most a few chunks per worker in flight, and results come back in
input order. What a worker hands back is small: a decision with its parts
(:meth:`Worker.decide`), or for the command line, the finished output line
(:meth:`Worker.line`), which is far cheaper to send between processes than
a decision's outcome tree.
"""

from __future__ import annotations

import collections
import datetime as dt
import decimal
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from .._reading import structure_problems
from ..assemble import store_document_hint
from ..exceptions import EligibilityError, FieldProblem, ValidationError
from ..models import Application
from ..policy._policy import Policy, as_date
from ..policy.shipped import LAZADA_CROSS_BORDER
from ..rules import Verdict
from ._io import LineTooLong, decision_record, dump_record, error_record, load_json
from ._summary import pass_record, summary_record

if TYPE_CHECKING:
    from ..categories import CategoryTaxonomy
    from ..decision import Decision
    from ..platforms import PlatformCatalog
    from ..typing import EvidenceRegistry, ExchangeRates

_R = TypeVar("_R")

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DETAILS",
    "Decided",
    "Job",
    "Line",
    "Summarised",
    "Worker",
    "check_run",
    "decide_lines",
    "reason_codes",
    "stream",
]

DETAILS: Final = ("summary", "full")
"""What a batch output line holds: the compact summary, or the whole decision."""

DEFAULT_CHUNK_SIZE: Final = 256
"""Records per chunk handed to a worker process, enough to make the hand-over cheap."""

# Chunks in flight per worker: one being decided, one waiting, so a worker
# never idles while the parent collects results.
_IN_FLIGHT: Final = 2

Decided = tuple[int, "Decision | None", str | None, tuple[FieldProblem, ...], str | None]
"""``(position, decision, error, problems, application id)``: one of decision and error is set."""

Line = tuple[int, bytes, "Verdict | None", tuple[str, ...], str | None]
"""``(position, output line, verdict, reason codes, error)``."""

Summarised = tuple[
    int,
    "tuple[dict[str, Any], Verdict, tuple[str, ...]] | None",
    str | None,
    tuple[FieldProblem, ...],
    str | None,
]
"""``(position, (summary record, verdict, reason codes), error, problems, application id)``."""


@attrs.frozen
class Job:
    """
    Everything a worker needs, pickled once per worker process.
    """

    as_of: dt.date
    policy: Policy
    rates: ExchangeRates | None = None
    registry: EvidenceRegistry | None = None
    platforms: PlatformCatalog | None = None
    categories: CategoryTaxonomy | None = None
    lines: bool = False
    detail: str = "full"

    @classmethod
    def of(cls, as_of: object, policy: Policy | None, **options: Any) -> Job:  # noqa: ANN401 -- passed through to the fields
        """
        Build a job, checking *as_of* and *policy* (the default policy when ``None``).
        """
        policy = LAZADA_CROSS_BORDER if policy is None else policy
        if not isinstance(policy, Policy):
            msg = f"policy: expected a Policy, got {policy!r}"
            raise TypeError(msg)
        return cls(as_date(as_of), policy, **options)

    def check_picklable(self) -> None:
        """
        Raise :class:`TypeError` naming the first part that cannot go to a worker process.
        """
        for name in ("policy", "rates", "registry", "platforms", "categories"):
            try:
                pickle.dumps(getattr(self, name))
            except Exception as e:  # pickling fails in many ways
                value = getattr(self, name)
                msg = f"workers > 1 needs a picklable {name}, but {value!r} is not: {e}"
                raise TypeError(msg) from e


def reason_codes(decision: Decision) -> tuple[str, ...]:
    """
    Return the codes of the decision's reasons, each once, in the reasons' order.
    """
    return tuple(dict.fromkeys(r.code for r in decision.reasons))


class _RecordError(Exception):
    def __init__(
        self, message: str, problems: tuple[FieldProblem, ...] = (), app_id: object = None
    ) -> None:
        super().__init__(message)
        self.problems = problems
        self.app_id = app_id if isinstance(app_id, str) else None


def _located(problems: tuple[FieldProblem, ...]) -> tuple[FieldProblem, ...]:
    # A problem of the whole line (not JSON) is the error itself, not a field's.
    return tuple(p for p in problems if p.path)


def _internal(e: BaseException) -> str:
    # Deciding must never stop the run: whatever went wrong with this record
    # (a bug, a recursion or arithmetic limit, text that cannot be written)
    # becomes its error, and the next record is decided.
    return f"could not be decided: internal error: {type(e).__name__}: {e}"


def _application(item: object) -> Application:
    if isinstance(item, Application):
        return item
    if isinstance(item, LineTooLong):
        raise _RecordError(str(item))
    if isinstance(item, str | bytes):
        try:
            item = load_json(item)
        except ValidationError as e:
            raise _RecordError(str(e), _located(e.problems)) from None
    if isinstance(item, Mapping):
        if not isinstance(item, dict) and (problems := structure_problems(item)):
            raise _RecordError(str(ValidationError(problems)), tuple(problems), item.get("id"))
        hint = store_document_hint(item)
        if hint is not None:
            raise _RecordError(hint)
        try:
            return Application.from_dict(item)
        except ValidationError as e:
            raise _RecordError(str(e), e.problems, item.get("id")) from None
    msg = f"expected an application as a JSON object, got {type(item).__name__} {item!r:.80}"
    raise _RecordError(msg)


# For the Spark partitions that claim: the same reading and error records.
RecordError = _RecordError
application_of = _application
internal_error = _internal


class Worker:
    """
    Decides records against a policy prepared once.
    """

    __slots__ = ("_as_of", "_check", "_digest", "_evaluate", "_pass_provenance", "one")

    def __init__(self, job: Job) -> None:
        prepared = job.policy.prepare(
            platforms=job.platforms,
            categories=job.categories,
            rates=job.rates,
            registry=job.registry,
        )
        self._evaluate = prepared.evaluate
        self._check = prepared.check
        self._pass_provenance = prepared.pass_provenance
        self._digest = job.policy.digest
        self._as_of = job.as_of
        self.one: Callable[[int, object], Any]
        if not job.lines:
            self.one = self.decide
        elif job.detail == "summary":
            self.one = self.summary_line
        else:
            self.one = self.line

    def run(self, start: int, items: list[object]) -> list[Any]:  # pragma: no cover -- in workers
        """
        Decide a chunk whose first record is at position *start*.
        """
        one = self.one
        return [one(position, item) for position, item in enumerate(items, start)]

    def _decision(self, item: object) -> Decision:
        application = _application(item)
        return self._guard(self._evaluate, application)

    def _guard(self, decide: Callable[..., _R], application: Application) -> _R:
        # Runs the verdict-only path or the whole evaluation, the same errors either way.
        try:
            return decide(application, as_of=self._as_of)
        except EligibilityError as e:
            # A rule or registry refused this record (say, a store id its
            # platform cannot read); the record fails, the run goes on.
            problems = e.problems if isinstance(e, ValidationError) else ()
            raise _RecordError(str(e), problems, application.id) from None
        except decimal.DecimalException as e:
            # An amount or rate too large for exact arithmetic: the input's.
            message = f"a number is out of range: {type(e).__name__}"
            raise _RecordError(message, (), application.id) from None
        except Exception as e:  # noqa: BLE001 -- one record never stops the run
            raise _RecordError(_internal(e), (), application.id) from None

    def decide(self, position: int, item: object) -> Decided:
        """
        Decide one record; a bad one gives its problem instead of a decision.
        """
        decision, error, problems, app_id = self._attempt(self._whole, position, item)
        if decision is not None:
            app_id = decision.application_id
        return position, decision, error, problems, app_id

    def line(self, position: int, item: object) -> Line:
        """
        Decide one record and return its output line with what the summary counts.
        """
        return self._line(self._full_line, position, item)

    def summary_line(self, position: int, item: object) -> Line:
        """
        Decide one record and return its summary line; reasons are built only when it does not pass.
        """
        return self._line(self._summary_line, position, item)

    def summarise(self, position: int, item: object) -> Summarised:
        """
        Decide one record and return its summary record, as :meth:`summary_line` writes it.
        """
        summary, error, problems, app_id = self._attempt(self._summary, position, item)
        return position, summary, error, problems, app_id

    @staticmethod
    def _attempt(
        build: Callable[[int, object], _R], position: int, item: object
    ) -> tuple[_R | None, str | None, tuple[FieldProblem, ...], str | None]:
        # The one error tail of every way to decide a record: what was
        # built, or (None, the error, its problems, the application id).
        try:
            return build(position, item), None, (), None
        except _RecordError as e:
            return None, str(e), e.problems, e.app_id
        except Exception as e:  # noqa: BLE001 -- one record never stops the run
            return None, _internal(e), (), None

    def _line(
        self,
        build: Callable[[int, object], tuple[bytes, Verdict, tuple[str, ...]]],
        position: int,
        item: object,
    ) -> Line:
        built, error, problems, app_id = self._attempt(build, position, item)
        if built is not None:
            return position, *built, None
        assert error is not None  # noqa: S101 -- _attempt sets one of the two
        return (
            position,
            dump_record(error_record(position, error, problems, app_id)),
            None,
            (),
            error,
        )

    def _whole(self, _position: int, item: object) -> Decision:
        return self._decision(item)

    def _full_line(self, position: int, item: object) -> tuple[bytes, Verdict, tuple[str, ...]]:
        decision = self._decision(item)
        record = decision_record(position, decision.to_dict())
        codes = tuple(dict.fromkeys(r["code"] for r in record["reasons"]))
        return dump_record(record), decision.verdict, codes

    def _summary_line(self, position: int, item: object) -> tuple[bytes, Verdict, tuple[str, ...]]:
        record, verdict, codes = self._summary(position, item)
        return dump_record(record), verdict, codes

    def _summary(
        self, position: int, item: object
    ) -> tuple[dict[str, Any], Verdict, tuple[str, ...]]:
        application = _application(item)
        verdict = self._guard(self._check, application)
        # A pass whose provenance needs the outcome tree is decided in full.
        provenance = None if verdict is not Verdict.PASS else self._pass_provenance(application)
        if provenance is not None:
            record = pass_record(position, application.id, self._as_of, self._digest, provenance)
            return record, verdict, ()
        decision = self._guard(self._evaluate, application)
        record = summary_record(position, decision)
        codes = tuple(dict.fromkeys(r["code"] for r in record["reasons"]))
        return record, decision.verdict, codes


def decide_lines(
    lines: Iterable[bytes | LineTooLong],
    *,
    as_of: dt.date,
    policy: Policy | None = None,
    workers: int | None = 1,
    rates: ExchangeRates | None = None,
    registry: EvidenceRegistry | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    start: int = 1,
    detail: str = "full",
    platforms: PlatformCatalog | None = None,
    categories: CategoryTaxonomy | None = None,
) -> Iterator[Line]:
    """
    Decide JSON Lines; yield ``(line, output line, verdict, reason codes, error)`` in order.

    The command line's engine: the output line is made where the decision
    is, so a worker process hands back bytes rather than a decision tree to
    pickle. *detail* is ``"full"`` (the whole decision) or ``"summary"``
    (the compact line of :mod:`._batch_summary`).
    """
    if detail not in DETAILS:
        msg = f"detail must be one of {', '.join(DETAILS)}, got {detail!r}"
        raise ValueError(msg)
    job = Job.of(
        as_of,
        policy,
        rates=rates,
        registry=registry,
        platforms=platforms,
        categories=categories,
        lines=True,
        detail=detail,
    )
    return stream(lines, job, check_run(workers, chunk_size, start), chunk_size, start)


def check_run(workers: int | None, chunk_size: int, start: int) -> int:
    """
    Check the run's options; return the number of workers (``None``: one per available CPU).
    """
    if workers is None:
        workers = available_cpus()
    for name, value in (("workers", workers), ("chunk_size", chunk_size), ("start", start)):
        if type(value) is not int or value < 1:
            msg = f"{name} must be a positive whole number, got {value!r}"
            raise ValueError(msg)
    return workers


def available_cpus() -> int:
    """
    Return how many CPUs this process may run on.
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover -- macOS and Windows lack sched_getaffinity
        return os.cpu_count() or 1


def stream(
    items: Iterable[object], job: Job, workers: int, chunk_size: int, start: int
) -> Iterator[Any]:
    """
    Decide *items* in order: here for one worker, else in a pool of *workers* processes.
    """
    if workers == 1:
        return _inline(items, job, start)
    job.check_picklable()
    return _pooled(items, job, workers, chunk_size, start)


def _inline(items: Iterable[object], job: Job, start: int) -> Iterator[Any]:
    one = Worker(job).one
    for position, item in enumerate(items, start):
        yield one(position, item)


# The worker process's own state: the prepared policy, set by the initializer.
_STATE: dict[str, Worker] = {}


def _start_worker(job: Job) -> None:  # pragma: no cover -- runs in the worker processes
    # Ctrl-C is the parent's to handle: it stops handing out chunks and
    # shuts the pool down; workers printing tracebacks would only add noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent killed outright (SIGKILL, the OOM killer) cannot shut the
    # pool down, and its workers would wait for work forever: leave with it.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()
    _STATE["worker"] = Worker(job)


def _exit_with(sentinel: int) -> None:  # pragma: no cover -- runs in the worker processes
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _run_chunk(start: int, items: list[object]) -> list[Any]:  # pragma: no cover -- in workers
    return _STATE["worker"].run(start, items)


def _pooled(
    items: Iterable[object], job: Job, workers: int, chunk_size: int, start: int
) -> Iterator[Any]:
    # "spawn" everywhere: the same behaviour on Linux, macOS and Windows, no
    # fork of a process that may hold threads or open connections, and a
    # proof that everything handed to the workers really pickles.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(job,)
    )
    source = iter(items)
    pending: collections.deque[Future[list[Any]]] = collections.deque()
    position = start

    def submit() -> None:
        nonlocal position
        chunk = list(islice(source, chunk_size))
        if chunk:
            pending.append(pool.submit(_run_chunk, position, chunk))
            position += len(chunk)

    try:
        for _ in range(workers * _IN_FLIGHT):
            submit()
        while pending:
            done = pending.popleft().result()
            submit()
            yield from done
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
