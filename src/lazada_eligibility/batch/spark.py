"""
Decide applications on Apache Spark: a DataFrame of applications in, a DataFrame of decisions out.

For a backlog or a policy re-run that outgrows one machine. Needs the
``spark`` extra (``pip install 'lazada-eligibility[spark]'``: pyspark with
pyarrow and pandas) on the driver and on every executor, and Java for Spark
itself. pyspark is imported only when :func:`evaluate_dataframe` runs, so
this module imports without it.

The applications' schema, :data:`APPLICATION_SCHEMA`, is the JSON form of
:meth:`~lazada_eligibility.Application.to_dict` (and of the lines that
``lazada-eligibility batch`` reads), so a JSON Lines file loads as is::

    applications = spark.read.schema(APPLICATION_SCHEMA).json("applications.jsonl")

Amounts are strings, exact decimals as written; never use a floating-point
column for money.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

from ..claiming import evaluate_and_claim
from ..exceptions import EligibilityError, RegistryError, ValidationError
from ..models import Application
from ..rules import Verdict
from ._io import dump_record
from ._summary import summary_record
from ._workers import (
    DETAILS,
    Decided,
    Job,
    RecordError,
    Worker,
    application_of,
    internal_error,
    reason_codes,
)

if TYPE_CHECKING:
    from ..categories import CategoryTaxonomy
    from ..decision import Decision
    from ..platforms import PlatformCatalog
    from ..policy._policy import Policy
    from ..typing import EvidenceRegistry, ExchangeRates

__all__ = ["APPLICATION_SCHEMA", "DECISION_SCHEMA", "evaluate_dataframe"]

APPLICATION_SCHEMA: Final = (
    "id STRING, applicant STRING, category STRING, market STRING, "
    "stores ARRAY<STRUCT<"
    "platform: STRING, store_id: STRING, name: STRING, owner: STRING, category: STRING, "
    "turnover: ARRAY<STRUCT<"
    "month: STRING, amount: STRUCT<amount: STRING, currency: STRING>, category: STRING"
    ">>>>"
)
"""
The applications' schema as a Spark DDL string, one row per application.

Every column is a field of :meth:`~lazada_eligibility.Application.to_dict`;
a null is the same as a missing field. ``applicant``, ``category`` and
``stores`` are required, the others optional (``id`` names the decision
rows, so give one). Each turnover record's ``amount`` is a struct of the
amount as an exact decimal string (``"1250.00"``) and its ISO 4217
currency; ``month`` is ``"2026-09"``.

Example:
    >>> from lazada_eligibility.batch.spark import APPLICATION_SCHEMA
    >>> print(APPLICATION_SCHEMA.replace(", ", ",\\n"))
    id STRING,
    applicant STRING,
    category STRING,
    market STRING,
    stores ARRAY<STRUCT<platform: STRING,
    store_id: STRING,
    name: STRING,
    owner: STRING,
    category: STRING,
    turnover: ARRAY<STRUCT<month: STRING,
    amount: STRUCT<amount: STRING,
    currency: STRING>,
    category: STRING>>>>

.. versionadded:: 0.1.0
"""

DECISION_SCHEMA: Final = (
    "id STRING, verdict STRING, eligible BOOLEAN, reason_codes ARRAY<STRING>, "
    "decision STRING, error STRING"
)
"""
The decisions' schema as a Spark DDL string, one row per application.

``id`` is the application's; ``verdict`` is ``pass``, ``fail`` or
``review``; ``reason_codes`` are the codes of the decision's reasons, each
once, in order. ``decision`` is, with ``detail="summary"`` (the default),
the compact line that ``lazada-eligibility batch --detail summary`` writes,
without its ``line`` (a row has no line number; ``id`` names it): the
verdict, the date, the policy digest, each reason's code, subject and
figures, and the remedy codes (``data/batch-summary.schema.json`` in the
package). With ``detail="full"`` it is
:meth:`~lazada_eligibility.Decision.to_json` (read it back with
:meth:`~lazada_eligibility.Decision.from_dict`). A row that could not be
decided has ``error`` set and ``verdict``, ``eligible`` and ``decision``
null.

Example:
    >>> from lazada_eligibility.batch.spark import DECISION_SCHEMA
    >>> DECISION_SCHEMA.split(", ")[:3]
    ['id STRING', 'verdict STRING', 'eligible BOOLEAN']

.. versionadded:: 0.1.0
"""

_REQUIRED: Final = ("applicant", "category", "stores")
_COLUMNS: Final = ("id", "applicant", "category", "market", "stores")


def evaluate_dataframe(
    df: Any,  # noqa: ANN401 -- a pyspark.sql.DataFrame; pyspark is optional
    *,
    as_of: dt.date,
    policy: Policy | None = None,
    rates: ExchangeRates | None = None,
    registry: EvidenceRegistry | str | None = None,
    platforms: PlatformCatalog | None = None,
    categories: CategoryTaxonomy | None = None,
    detail: str = "summary",
) -> Any:  # noqa: ANN401 -- a pyspark.sql.DataFrame
    """
    Decide every row of *df*; return a DataFrame of decisions with :data:`DECISION_SCHEMA`.

    Built on ``DataFrame.mapInArrow``: Spark hands each partition to a
    Python worker as Arrow record batches; the worker prepares the policy
    once per partition and decides row by row. The result is lazy, like any
    DataFrame: nothing runs until it is written or collected. The decisions
    are the ones :func:`~lazada_eligibility.batch.evaluate_many` and
    :func:`~lazada_eligibility.evaluate` give for the same applications.

    Args:
        df: A ``pyspark.sql.DataFrame`` with the columns of
            :data:`APPLICATION_SCHEMA` (others are ignored; ``id`` and
            ``market`` may be left out).
        as_of: The day of the decisions.
        policy: The policy; :data:`~lazada_eligibility.LAZADA_CROSS_BORDER` by default.
        rates: Exchange rates; shipped to the executors with the task, so
            keep them to the months needed.
        registry: An evidence registry every executor can reach (a
            :class:`~lazada_eligibility.SqliteRegistry` only on one machine
            or a shared file system); consulted, never claimed. A
            ``postgresql://`` URL instead makes the executors decide *and
            claim*: each row goes through
            :func:`~lazada_eligibility.evaluate_and_claim` against a
            :class:`~lazada_eligibility.registry.PostgresRegistry` that each
            task opens, so of rows racing for one store record exactly one is
            eligible. A registry that stays busy fails the task, which Spark
            retries; claiming again for the same application is harmless.
        platforms: The platform catalog (default
            :data:`~lazada_eligibility.DEFAULT_PLATFORMS`).
        categories: The category taxonomy (default
            :data:`~lazada_eligibility.LAZADA_CATEGORIES`).
        detail: What the ``decision`` column holds, as ``batch --detail``:
            ``"summary"`` (the default), the compact summary line, built on
            the verdict-only path for applications that pass; ``"full"``,
            the whole decision.

    Returns:
        A ``pyspark.sql.DataFrame`` with :data:`DECISION_SCHEMA`, one row per input row.

    Raises:
        ValueError: *df* lacks a required column, or *detail* is neither
            ``"summary"`` nor ``"full"``.
        ImportError: pyspark or pyarrow is not installed.

    Example:
        >>> from lazada_eligibility.batch.spark import APPLICATION_SCHEMA, evaluate_dataframe
        >>> from pyspark.sql import SparkSession  # doctest: +SKIP
        >>> spark = SparkSession.builder.master("local[2]").getOrCreate()  # doctest: +SKIP
        >>> apps = spark.read.schema(APPLICATION_SCHEMA).json(
        ...     "applications.jsonl"
        ... )  # doctest: +SKIP
        >>> decisions = evaluate_dataframe(apps, as_of=dt.date(2026, 11, 28))  # doctest: +SKIP
        >>> decisions.groupBy("verdict").count().show()  # doctest: +SKIP

    .. versionadded:: 0.1.0
    .. versionchanged:: Unreleased
       *detail*; the ``decision`` column holds the summary line by default.
    """
    if detail not in DETAILS:
        msg = f"detail must be one of {', '.join(DETAILS)}, got {detail!r}"
        raise ValueError(msg)
    importlib.import_module("pyarrow")  # fail here, on the driver, not in a task
    columns = list(df.columns)
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        msg = (
            f"the DataFrame lacks the column(s) {', '.join(missing)}; "
            f"applications need the schema lazada_eligibility.batch.spark.APPLICATION_SCHEMA"
        )
        raise ValueError(msg)
    claim = isinstance(registry, str)
    if isinstance(registry, str):
        from ..registry._postgres import PostgresRegistry, is_postgres_url  # noqa: PLC0415

        if not is_postgres_url(registry):
            msg = f"registry: expected a postgresql:// URL or a registry object, got {registry!r}"
            raise ValueError(msg)
        # Created here, on the driver: the schema exists before any task runs,
        # and a database that cannot be reached fails the call, not a task.
        registry = PostgresRegistry(registry)
        registry.close()
    job = Job.of(
        as_of, policy, rates=rates, registry=registry, platforms=platforms, categories=categories
    )
    return df.select(*[c for c in _COLUMNS if c in columns]).mapInArrow(
        _Partition(job, claim=claim, detail=detail), DECISION_SCHEMA
    )


class _Partition:
    """
    The function Spark runs on each partition; pickled with the job it carries.
    """

    def __init__(self, job: Job, *, claim: bool = False, detail: str = "full") -> None:
        self.job = job
        self.claim = claim
        self.detail = detail

    def __call__(self, batches: Iterator[Any]) -> Iterator[Any]:
        pa = importlib.import_module("pyarrow")
        schema = pa.schema(
            [
                ("id", pa.string()),
                ("verdict", pa.string()),
                ("eligible", pa.bool_()),
                ("reason_codes", pa.list_(pa.string())),
                ("decision", pa.string()),
                ("error", pa.string()),
            ]
        )
        row_of = self._rows()
        for batch in batches:
            columns: dict[str, list[Any]] = {name: [] for name in schema.names}
            for i, row in enumerate(batch.to_pylist(), 1):
                _append(columns, row_of(i, _without_nulls(row)))
            yield pa.RecordBatch.from_pydict(columns, schema=schema)

    def _rows(self) -> Callable[[int, object], _Row]:
        # How a row is decided (claiming or not) and what its decision column holds.
        if self.claim:
            decide = self._claiming()
            if self.detail == "full":
                return lambda i, item: _full_row(decide(i, item))
            return lambda i, item: _summary_row_of(decide(i, item))
        worker = Worker(self.job)
        if self.detail == "full":
            return lambda i, item: _full_row(worker.decide(i, item))
        return lambda i, item: _summary_row(*worker.summarise(i, item))

    def _claiming(self) -> Callable[[int, object], Decided]:
        # Each row decided and claimed in one registry transaction.
        job = self.job
        registry = job.registry
        if registry is None:  # pragma: no cover -- evaluate_dataframe sets it when claiming
            msg = "a claiming partition needs a registry"
            raise TypeError(msg)

        def decide(position: int, item: object) -> Decided:
            def run(application: Application, *, as_of: dt.date) -> Decision:
                return evaluate_and_claim(
                    application,
                    as_of=as_of,
                    registry=registry,
                    policy=job.policy,
                    rates=job.rates,
                    platforms=job.platforms,
                    categories=job.categories,
                )

            try:
                application = application_of(item)
            except RecordError as e:
                return position, None, str(e), e.problems, e.app_id
            try:
                decision = run(application, as_of=job.as_of)
            except RegistryError:
                raise  # fail the task: Spark retries it, and claims again harmlessly
            except EligibilityError as e:
                problems = e.problems if isinstance(e, ValidationError) else ()
                return position, None, str(e), problems, application.id
            except Exception as e:  # noqa: BLE001 -- one row never stops the partition
                return position, None, internal_error(e), (), application.id
            return position, decision, None, (), decision.application_id

        return decide


# (id, verdict, eligible, reason codes, decision column, error): one output row.
_Row = tuple[str | None, str | None, bool | None, list[str], str | None, str | None]


def _full_row(decided: Decided) -> _Row:
    _, decision, error, _, app_id = decided
    if decision is None:
        return app_id, None, None, [], None, error
    return (
        app_id,
        decision.verdict.value,
        decision.eligible,
        list(reason_codes(decision)),
        decision.to_json(),
        error,
    )


def _summary_row(
    position: int,
    summary: tuple[dict[str, Any], Verdict, tuple[str, ...]] | None,
    error: str | None,
    _problems: object,
    app_id: str | None,
) -> _Row:
    del position
    if summary is None:
        return app_id, None, None, [], None, error
    record, verdict, codes = summary
    # The batch line without its number: the same bytes as batch writes after it.
    text = dump_record({k: v for k, v in record.items() if k != "line"}).decode("utf-8")
    app_id = record["application_id"]
    return app_id, verdict.value, verdict is Verdict.PASS, list(codes), text.rstrip("\n"), None


def _summary_row_of(decided: Decided) -> _Row:
    # A decision made (and claimed) in full, written as its summary line.
    position, decision, error, problems, app_id = decided
    if decision is None:
        return _summary_row(position, None, error, problems, app_id)
    record = summary_record(position, decision)
    codes = tuple(dict.fromkeys(r["code"] for r in record["reasons"]))
    return _summary_row(position, (record, decision.verdict, codes), None, (), app_id)


def _append(columns: dict[str, list[Any]], row: _Row) -> None:
    for name, value in zip(columns, row, strict=True):
        columns[name].append(value)


def _without_nulls(value: Any) -> Any:  # noqa: ANN401 -- a row as Arrow gives it
    # Spark cannot tell a missing field from a null one; both mean "absent".
    if isinstance(value, Mapping):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value
