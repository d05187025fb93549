"""
Tests for lazada_eligibility.batch.spark against a real local Spark session (needs the spark extra and Java).
"""

from __future__ import annotations

import json
import os
import sys

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazada_eligibility import LAZADA_CROSS_BORDER, Application, Decision
from lazada_eligibility.batch import evaluate_many
from lazada_eligibility.batch._summary import summary_schema
from lazada_eligibility.batch._workers import Job, decide_lines
from lazada_eligibility.batch.spark import (
    APPLICATION_SCHEMA,
    DECISION_SCHEMA,
    _Partition,
    evaluate_dataframe,
)
from lazada_eligibility.policy.shipped import lazada_cross_border
from strategies import AS_OF, applications, rate_tables
from test_batch import RATES, corpus, jsonl

# The partition function needs pyarrow; Spark itself is asked for by the session fixture.
pa = pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def spark():
    """A local Spark session with two cores, its Python workers on this interpreter."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    saved = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("lazada-eligibility-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    if saved is None:
        del os.environ["PYSPARK_PYTHON"]
    else:
        os.environ["PYSPARK_PYTHON"] = saved


def by_id(results):
    """Spark rows or batch results as {id: (verdict, reason codes, decision JSON, error)}."""
    found = {}
    for r in results:
        if hasattr(r, "asDict"):
            found[r.id] = (r.verdict, tuple(r.reason_codes), r.decision, r.error)
        else:
            decision = r.decision
            verdict = None if decision is None else decision.verdict.value
            text = None if decision is None else decision.to_json()
            found[r.application_id] = (verdict, r.reason_codes, text, r.error)
    return found


class TestPartition:
    def test_decides_arrow_batches(self):
        """The partition function turns Arrow batches of applications into decision batches."""
        records = corpus(30, seed=18)
        records[3] = {"id": "APP-NULLS", "applicant": None, "category": "mobiles", "stores": None}
        job = Job(AS_OF, LAZADA_CROSS_BORDER, rates=RATES)
        batches = [
            pa.RecordBatch.from_pylist(records[:10]),
            pa.RecordBatch.from_pylist(records[10:]),
        ]
        out = pa.Table.from_batches(list(_Partition(job, detail="full")(iter(batches)))).to_pylist()
        results = list(evaluate_many(records, as_of=AS_OF, rates=RATES))
        assert [r.application_id for r in results] == [row["id"] for row in out]
        expected = [None if r.decision is None else r.decision.to_json() for r in results]
        assert expected == [row["decision"] for row in out]
        assert {
            "id": "APP-NULLS",
            "verdict": None,
            "eligible": None,
            "reason_codes": [],
            "decision": None,
            "error": "2 problems: applicant: is required; stores: is required",
        } == out[3]

    def test_float_amounts_are_refused(self):
        """A DOUBLE amount reaches the worker as a float, and the row is refused, not rounded."""
        record = corpus(1, seed=19)[0]
        for store in record["stores"]:
            for t in store["turnover"]:
                t["amount"]["amount"] = float(t["amount"]["amount"])
        job = Job(AS_OF, LAZADA_CROSS_BORDER, rates=RATES)
        [batch] = _Partition(job)(iter([pa.RecordBatch.from_pylist([record])]))
        [row] = batch.to_pylist()
        assert row["decision"] is None
        assert "a float cannot represent money exactly" in row["error"]


class TestEvaluateDataframe:
    def test_same_decisions_as_evaluate_many(self, spark):
        """Spark gives, row for row, the decisions evaluate_many gives for the same applications."""
        records = corpus(400, seed=11)
        df = spark.createDataFrame(records, APPLICATION_SCHEMA).repartition(3)
        rows = evaluate_dataframe(df, as_of=AS_OF, rates=RATES, detail="full").collect()
        expected = by_id(evaluate_many(records, as_of=AS_OF, rates=RATES))
        assert expected == by_id(rows)
        assert {"pass", "fail", "review"} == {v for v, *_ in expected.values()}

    def test_reads_the_json_lines_the_cli_reads(self, spark, tmp_path):
        """A JSON Lines file loads with APPLICATION_SCHEMA and decides as the batch command does."""
        path = tmp_path / "applications.jsonl"
        records = corpus(50, seed=12)
        path.write_bytes(b"".join(line + b"\n" for line in jsonl(records)))
        df = spark.read.schema(APPLICATION_SCHEMA).json(str(path))
        rows = evaluate_dataframe(df, as_of=AS_OF, rates=RATES, detail="full").collect()
        assert by_id(evaluate_many(jsonl(records), as_of=AS_OF, rates=RATES)) == by_id(rows)

    @settings(
        max_examples=4,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(applications(), min_size=1, max_size=25), rate_tables())
    def test_random_applications_and_rates(self, spark, apps, rates):
        """Any applications and rates decide the same on Spark as in evaluate_many."""
        apps = [attrs.evolve(a, id=f"APP-{i}") for i, a in enumerate(apps)]
        df = spark.createDataFrame([a.to_dict() for a in apps], APPLICATION_SCHEMA)
        rows = evaluate_dataframe(df, as_of=AS_OF, rates=rates, detail="full").collect()
        assert by_id(evaluate_many(apps, as_of=AS_OF, rates=rates)) == by_id(rows)

    def test_policy(self, spark):
        """The policy given is the one the executors decide under."""
        strict = lazada_cross_border(id="strict", months=4)
        df = spark.createDataFrame(corpus(20, seed=13), APPLICATION_SCHEMA)
        rows = evaluate_dataframe(
            df, as_of=AS_OF, rates=RATES, policy=strict, detail="full"
        ).collect()
        decisions = [Decision.from_dict(json.loads(r.decision)) for r in rows]
        assert {("strict", strict.digest)} == {(d.policy_id, d.policy_digest) for d in decisions}

    def test_bad_rows_are_errors(self, spark):
        """A row that is not a valid application gets an error and no verdict; the others decide."""
        good = corpus(1, seed=14)[0]
        bad_currency = json.loads(json.dumps(good))
        bad_currency["id"] = "APP-BAD"
        bad_currency["stores"][0]["turnover"][0]["amount"]["currency"] = "XXQ"
        rows = evaluate_dataframe(
            spark.createDataFrame([good, bad_currency, {"id": "APP-EMPTY"}], APPLICATION_SCHEMA),
            as_of=AS_OF,
            rates=RATES,
        ).collect()
        found = {r.id: (r.verdict, r.eligible, r.decision, r.error) for r in rows}
        missing = "3 problems: applicant: is required; category: is required; stores: is required"
        assert (None, None, None, missing) == found["APP-EMPTY"]
        currency = "stores[0].turnover[0].amount.currency: unknown ISO 4217 currency code 'XXQ'"
        assert (None, None, None, currency) == found["APP-BAD"]
        assert found[good["id"]][3] is None

    def test_schema_of_the_result(self, spark):
        """The result has DECISION_SCHEMA, and id and market may be left out of the input."""
        record = {k: v for k, v in corpus(1, seed=15)[0].items() if k != "id"}
        schema = APPLICATION_SCHEMA.replace("id STRING, ", "")
        result = evaluate_dataframe(spark.createDataFrame([record], schema), as_of=AS_OF)
        assert spark.createDataFrame([], DECISION_SCHEMA).schema == result.schema
        [row] = result.collect()
        assert row.id is None
        assert row.error is None

    def test_missing_column(self, spark):
        """A DataFrame without a required column is refused on the driver, naming it."""
        df = spark.createDataFrame([("APP-1", "Seller")], "id STRING, applicant STRING")
        with pytest.raises(ValueError, match="lacks the column\\(s\\) category, stores"):
            evaluate_dataframe(df, as_of=AS_OF)

    def test_decisions_read_back(self, spark):
        """The decision column reads back with Decision.from_dict to what evaluate decides."""
        record = corpus(1, seed=16)[0]
        [row] = evaluate_dataframe(
            spark.createDataFrame([record], APPLICATION_SCHEMA),
            as_of=AS_OF,
            rates=RATES,
            detail="full",
        ).collect()
        app = Application.from_dict(record)
        [expected] = evaluate_many([app], as_of=AS_OF, rates=RATES)
        assert expected.decision == Decision.from_dict(json.loads(row.decision))

    def test_rates_reach_the_executors(self, spark):
        """Rates built on the driver are used on the executors: EUR turnover converts there."""
        record = corpus(1, seed=17)[0]
        for store in record["stores"]:
            store["platform"] = "Amazon US"
            for t in store["turnover"]:
                t["amount"]["currency"] = "EUR"
        df = spark.createDataFrame([record], APPLICATION_SCHEMA)
        [without] = evaluate_dataframe(df, as_of=AS_OF).collect()
        [converted] = evaluate_dataframe(df, as_of=AS_OF, rates=RATES).collect()
        assert ("review", False) == (without.verdict, "fx.rate-missing" not in without.reason_codes)
        assert "fx.rate-missing" not in converted.reason_codes


def summaries(lines):
    """Batch summary output lines as {id: (verdict, reason codes, summary without line, error)}."""
    found = {}
    for _, data, verdict, codes, error in lines:
        record = json.loads(data)
        del record["line"]
        text = None if error is not None else json.dumps(record, sort_keys=True)
        found[record["application_id"]] = (
            None if verdict is None else verdict.value,
            codes,
            text,
            error,
        )
    return found


def summary_rows(rows):
    """Spark rows (or row dicts) as summaries() gives batch lines, the decision column parsed."""
    found = {}
    for row in rows:
        r = row if isinstance(row, dict) else row.asDict()
        text = (
            None if r["decision"] is None else json.dumps(json.loads(r["decision"]), sort_keys=True)
        )
        found[r["id"]] = (r["verdict"], tuple(r["reason_codes"]), text, r["error"])
    return found


class TestSummaryDetail:
    def test_partition_writes_the_batch_summary_line(self):
        """The summary partition writes, row for row, the line batch --detail summary writes, less its number."""
        records = corpus(60, seed=21)
        records[5]["stores"][0]["turnover"][0]["amount"]["currency"] = "XXQ"
        job = Job(AS_OF, LAZADA_CROSS_BORDER, rates=RATES)
        batches = [
            pa.RecordBatch.from_pylist(records[:25]),
            pa.RecordBatch.from_pylist(records[25:]),
        ]
        out = pa.Table.from_batches(list(_Partition(job, detail="summary")(iter(batches))))
        expected = summaries(
            decide_lines(jsonl(records), as_of=AS_OF, rates=RATES, detail="summary")
        )
        assert expected == summary_rows(out.to_pylist())
        assert {"pass", "fail", "review", None} == {v for v, *_ in expected.values()}

    def test_summary_is_the_default_and_agrees_with_full(self, spark):
        """By default the decision column is the summary line; verdicts and codes equal full's."""
        records = corpus(300, seed=22)
        df = spark.createDataFrame(records, APPLICATION_SCHEMA).repartition(3)
        short = evaluate_dataframe(df, as_of=AS_OF, rates=RATES).collect()
        full = evaluate_dataframe(df, as_of=AS_OF, rates=RATES, detail="full").collect()
        expected = summaries(
            decide_lines(jsonl(records), as_of=AS_OF, rates=RATES, detail="summary")
        )
        assert expected == summary_rows(short)
        assert {r.id: (r.verdict, r.eligible, tuple(r.reason_codes)) for r in full} == {
            r.id: (r.verdict, r.eligible, tuple(r.reason_codes)) for r in short
        }

    def test_summary_validates_against_the_shipped_schema(self, spark):
        """Each summary, given back its line number, is a valid batch summary line."""
        df = spark.createDataFrame(corpus(80, seed=23), APPLICATION_SCHEMA)
        validator = jsonschema.Draft202012Validator(
            summary_schema(), format_checker=jsonschema.FormatChecker()
        )
        rows = evaluate_dataframe(df, as_of=AS_OF, rates=RATES).collect()
        for row in rows:
            record = json.loads(row.decision)
            assert "line" not in record
            validator.validate({"line": 1, **record})
        assert {"pass", "fail"} <= {r.verdict for r in rows}

    def test_unknown_detail_is_refused(self):
        """A detail other than summary or full is refused before Spark is touched."""
        with pytest.raises(ValueError, match="detail must be one of summary, full, got 'short'"):
            evaluate_dataframe(object(), as_of=AS_OF, detail="short")
