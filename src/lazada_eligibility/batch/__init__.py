"""
Decide many applications: a stream of results in input order, in bounded memory, on all cores.

:func:`evaluate_many` takes any iterable of applications (objects, parsed
JSON mappings, or JSON text such as the lines of a JSON Lines file) and
yields one :class:`BatchResult` per item, in input order, while it reads
the input: memory stays bounded whatever the number of applications. A bad
record does not stop the run; its result names the record's position and
the problem. :class:`BatchSummary` counts what a run decided.

With ``workers > 1`` the work is spread over that many processes. Each
process receives the policy, rates, registry and catalogs once, prepares
the policy once, and then decides chunks of records; at most a few chunks
per process are in flight, so a slow consumer never makes the input pile up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from ..exceptions import FieldProblem
from ..rules import Verdict
from ._workers import DEFAULT_CHUNK_SIZE as _DEFAULT_CHUNK_SIZE
from ._workers import Decided, Job, check_run, reason_codes, stream

if TYPE_CHECKING:
    from ..categories import CategoryTaxonomy
    from ..decision import Decision
    from ..models import Application
    from ..platforms import PlatformCatalog
    from ..policy._policy import Policy
    from ..typing import EvidenceRegistry, ExchangeRates

__all__ = ["DEFAULT_CHUNK_SIZE", "BatchResult", "BatchSummary", "evaluate_many"]

DEFAULT_CHUNK_SIZE: Final = _DEFAULT_CHUNK_SIZE
"""Records per chunk handed to a worker process, enough to make the hand-over cheap."""

_ORDER: Final = (Verdict.PASS, Verdict.FAIL, Verdict.REVIEW)


@attrs.frozen(kw_only=True)
class BatchResult:
    """
    What a batch run said about one record: a decision, or the problem that kept it from one.

    Attributes:
        position: The record's 1-based position in the input (for a JSON
            Lines file read from its start, its line number).
        decision: The decision, or ``None`` when the record could not be decided.
        error: What was wrong with the record, or ``None`` when it was decided.
        problems: For a record that failed validation, every bad field.
        application_id: The application's id, when the record had one.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility.batch import evaluate_many
        >>> [bad] = evaluate_many([{"applicant": "Seller Co."}], as_of=dt.date(2026, 11, 28))
        >>> bad.position, bad.ok, bad.error
        (1, False, '2 problems: category: is required; stores: is required')

    .. versionadded:: 0.1.0
    """

    position: int
    decision: Decision | None = None
    error: str | None = None
    problems: tuple[FieldProblem, ...] = ()
    application_id: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.decision is None) == (self.error is None):
            msg = "a BatchResult holds either a decision or an error"
            raise ValueError(msg)

    @property
    def ok(self) -> bool:
        """
        True when the record was decided (whatever the verdict).
        """
        return self.decision is not None

    @property
    def verdict(self) -> Verdict | None:
        """
        The decision's verdict, or ``None`` for a record that could not be decided.
        """
        return None if self.decision is None else self.decision.verdict

    @property
    def reason_codes(self) -> tuple[str, ...]:
        """
        The codes of the decision's reasons, each once, in the order the reasons give them.
        """
        return () if self.decision is None else reason_codes(self.decision)


@attrs.define
class BatchSummary:
    """
    Counts of a batch run: decisions per verdict, the commonest reasons, and the errors.

    Feed it each result with :meth:`add`; it keeps counts only (and the
    first few errors), so it stays small however long the run.

    Attributes:
        verdicts: How many decisions had each verdict.
        reasons: For each reason code, how many decisions gave it.
        errors: How many records could not be decided.
        first_errors: ``(position, problem)`` of the first few of them.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility.batch import BatchSummary, evaluate_many
        >>> store = {"platform": "Taobao", "store_id": "t1", "category": "mobiles"}
        >>> records = [{"applicant": "A", "category": "mobiles", "stores": [store]}, "{oops"]
        >>> summary = BatchSummary()
        >>> for result in evaluate_many(records, as_of=dt.date(2026, 11, 28)):
        ...     summary.add(result)
        >>> print(summary)
        2 records: 0 pass, 1 fail, 0 review, 1 error
        top reasons: platform.domestic 1, turnover.month-missing 1
        record 2: not JSON: Expecting property name enclosed in double quotes at column 2

    .. versionadded:: 0.1.0
    """

    keep_errors: ClassVar[int] = 10

    verdicts: dict[Verdict, int] = attrs.field(factory=lambda: dict.fromkeys(_ORDER, 0))
    reasons: dict[str, int] = attrs.field(factory=dict)
    errors: int = 0
    first_errors: list[tuple[int, str]] = attrs.field(factory=list)

    def add(self, result: BatchResult) -> None:
        """
        Count *result*.

        .. versionadded:: 0.1.0
        """
        self.count(result.position, result.verdict, result.reason_codes, result.error)

    def count(
        self, position: int, verdict: Verdict | None, codes: Iterable[str], error: str | None
    ) -> None:
        """
        Count one record from its parts: a verdict and its reason codes, or an error.

        .. versionadded:: 0.1.0
        """
        if verdict is None:
            self.errors += 1
            if len(self.first_errors) < self.keep_errors:
                self.first_errors.append((position, error or "not decided"))
            return
        self.verdicts[verdict] += 1
        reasons = self.reasons
        for code in codes:
            reasons[code] = reasons.get(code, 0) + 1

    @property
    def total(self) -> int:
        """
        How many records were counted, decided or not.
        """
        return sum(self.verdicts.values()) + self.errors

    def top_reasons(self, n: int = 5) -> list[tuple[str, int]]:
        """
        Return the *n* commonest reason codes with their counts; ties in code order.

        .. versionadded:: 0.1.0
        """
        return sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def report(self, *, noun: str = "record") -> str:
        """
        Return the summary as a few lines of text, naming records by *noun* (``line`` for files).

        .. versionadded:: 0.1.0
        """
        counts = ", ".join(f"{self.verdicts[v]:,} {v}" for v in _ORDER)
        errors = f"{self.errors:,} error" + ("" if self.errors == 1 else "s")
        total = f"{self.total:,} {noun}" + ("" if self.total == 1 else "s")
        lines = [f"{total}: {counts}, {errors}"]
        if top := self.top_reasons():
            lines.append("top reasons: " + ", ".join(f"{code} {n:,}" for code, n in top))
        lines.extend(f"{noun} {position}: {problem}" for position, problem in self.first_errors)
        if self.errors > len(self.first_errors):
            lines.append(f"... and {self.errors - len(self.first_errors):,} more errors")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()


def evaluate_many(
    applications: Iterable[Application | Mapping[str, Any] | str | bytes],
    *,
    as_of: dt.date,
    policy: Policy | None = None,
    workers: int | None = 1,
    rates: ExchangeRates | None = None,
    registry: EvidenceRegistry | None = None,
    platforms: PlatformCatalog | None = None,
    categories: CategoryTaxonomy | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    start: int = 1,
) -> Iterator[BatchResult]:
    """
    Decide every application in *applications*; yield the results in input order as they come.

    The input is read lazily and at most a few chunks are held at a time,
    so a generator over a file of millions of records runs in bounded
    memory. Each item may be an :class:`~lazada_eligibility.Application`, a
    mapping as :meth:`~lazada_eligibility.Application.from_dict` reads, or
    JSON text (:class:`str` or :class:`bytes`, such as a line of a JSON
    Lines file: with workers, the JSON is then parsed in the workers too).
    An item that is not valid JSON or not a valid application gives a
    result with :attr:`BatchResult.error` set; the run goes on.

    Args:
        applications: The applications, in the order the results should come.
        as_of: The day of the decisions.
        policy: The policy; :data:`~lazada_eligibility.LAZADA_CROSS_BORDER` by default.
        workers: How many processes decide; 1 decides in this process,
            ``None`` uses one process per available CPU. With more than one,
            the policy, rates, registry and catalogs must be picklable (the
            library's own are), and a script that calls this needs the usual
            ``if __name__ == "__main__":`` guard, as processes are spawned.
            Each decision comes back pickled, which costs about as much as
            deciding it: workers pay off when decisions are expensive (a
            slow registry, heavy custom rules). For files, the ``batch``
            command's workers hand back finished JSON lines and scale.
        rates: Exchange rates for turnover not in the minimum's currency.
        registry: The evidence registry, consulted (not claimed) for reuse.
        platforms: The platform catalog (default
            :data:`~lazada_eligibility.DEFAULT_PLATFORMS`).
        categories: The category taxonomy (default
            :data:`~lazada_eligibility.LAZADA_CATEGORIES`).
        chunk_size: Records per chunk handed to a worker process.
        start: The position of the first item (to continue a numbering,
            such as after skipping lines already decided).

    Returns:
        An iterator of results, one per item, in input order.

    Raises:
        ValueError: *workers*, *chunk_size* or *start* is out of range.
        ValidationError: *as_of* is not a date.
        TypeError: ``workers > 1`` and something to hand to the workers
            cannot be pickled.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility.batch import evaluate_many
        >>> months = ("2026-08", "2026-09", "2026-10")
        >>> store = {
        ...     "platform": "Amazon US",
        ...     "store_id": "A1",
        ...     "category": "mobiles",
        ...     "turnover": [{"month": m, "amount": "1500", "currency": "USD"} for m in months],
        ... }
        >>> records = [
        ...     {
        ...         "id": "APP-1",
        ...         "applicant": "Seller Co.",
        ...         "category": "mobiles",
        ...         "stores": [store],
        ...     },
        ...     '{"id": "APP-2", "applicant": "Other Co.", "category": "mobiles"}',
        ... ]
        >>> for result in evaluate_many(records, as_of=dt.date(2026, 11, 28)):
        ...     print(result.position, result.application_id, result.verdict, result.error)
        1 APP-1 pass None
        2 APP-2 None stores: is required

    .. versionadded:: 0.1.0
    """
    job = Job.of(
        as_of, policy, rates=rates, registry=registry, platforms=platforms, categories=categories
    )
    count = check_run(workers, chunk_size, start)
    return _results(stream(applications, job, count, chunk_size, start))


def _results(decided: Iterator[Decided]) -> Iterator[BatchResult]:
    try:
        for position, decision, error, problems, app_id in decided:
            yield BatchResult(
                position=position,
                decision=decision,
                error=error,
                problems=problems,
                application_id=app_id,
            )
    finally:
        # Closing the results stops the workers at once, not when collected.
        close = getattr(decided, "close", None)
        if close is not None:
            close()
