"""
Spark executors that decide and claim against PostgreSQL (needs the spark extra, Java and the test server).
"""

from __future__ import annotations

import pytest

from lazada_eligibility import Money, Month
from lazada_eligibility.batch.spark import APPLICATION_SCHEMA, evaluate_dataframe
from lazada_eligibility.registry import PostgresRegistry
from strategies import AS_OF
from test_spark import spark  # noqa: F401 -- the session fixture

pytest.importorskip("pyarrow")

RECORDS = 30
COPIES = 4  # applications per record, spread over the partitions


def rows() -> list[dict]:
    """COPIES applications per record, each of its own applicant, interleaved across partitions."""
    window = [str(Month(2026, m)) for m in (8, 9, 10)]
    turnover = [{"month": m, "amount": Money("1500", "USD").to_dict()} for m in window]
    found = []
    for copy in range(COPIES):
        for r in range(RECORDS):
            store = {"platform": "Amazon US", "store_id": f"REC{r}", "category": "mobiles",
                     "turnover": turnover}  # fmt: skip
            found.append({"id": f"A{copy}-{r}", "applicant": f"Seller {copy}",
                          "category": "mobiles", "stores": [store]})  # fmt: skip
    return found


class TestSparkClaims:
    def test_partitions_racing_end_with_one_holder_per_record(self, spark, postgres_url):  # noqa: F811
        """Eight partitions over overlapping records: one holder per record, every winner eligible."""
        df = spark.createDataFrame(rows(), APPLICATION_SCHEMA).repartition(8)
        decided = evaluate_dataframe(df, as_of=AS_OF, registry=postgres_url).collect()
        assert RECORDS * COPIES == len(decided)
        assert [] == [r.error for r in decided if r.error is not None]
        winners = {r.id for r in decided if r.eligible}
        losers = {r.id: tuple(r.reason_codes) for r in decided if not r.eligible}
        with PostgresRegistry(postgres_url) as registry:
            claims = registry.claims()
        assert RECORDS == len(claims) == len({c.store_id for c in claims})
        assert winners == {c.application_id for c in claims}
        assert {("evidence.reused",)} == set(losers.values())

    def test_a_path_is_not_a_claiming_registry(self, spark):  # noqa: F811
        """A registry string that is not a postgresql:// URL is refused on the driver."""
        df = spark.createDataFrame(rows()[:1], APPLICATION_SCHEMA)
        with pytest.raises(ValueError, match="postgresql://"):
            evaluate_dataframe(df, as_of=AS_OF, registry="claims.db")
