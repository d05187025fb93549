"""
Fixtures shared by several test modules.
"""

from __future__ import annotations

import os
import sqlite3

import pytest
from hypothesis import HealthCheck, settings

# mutmut (see docs/performance.md) runs each test many times in one forked
# process: Hypothesis must not call that flaky, and a mutant is judged on the
# same examples every time.
settings.register_profile(
    "mutmut", derandomize=True, suppress_health_check=[HealthCheck.differing_executors]
)
if "MUTANT_UNDER_TEST" in os.environ:
    settings.load_profile("mutmut")


@pytest.fixture
def connect():
    """Open raw SQLite connections to a registry file; they are closed after the test."""
    opened = []

    def open_connection(path, **options):
        conn = sqlite3.connect(path, **options)
        opened.append(conn)
        return conn

    yield open_connection
    for conn in opened:
        conn.close()


def _postgres_unavailable(reason: str) -> None:
    # In CI the PostgreSQL tests must run: .ci/run starts the server, so a
    # missing one is a failure with its reason, never a skip.
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server():
    """The conninfo of the test server in LAZADA_TEST_POSTGRES (see scripts/postgres_for_tests.sh)."""
    url = os.environ.get("LAZADA_TEST_POSTGRES", "")
    if not url:
        _postgres_unavailable(
            "LAZADA_TEST_POSTGRES is not set: run the tests under scripts/postgres_for_tests.sh"
        )
    try:
        import psycopg
    except ImportError:
        _postgres_unavailable("psycopg is not installed: pip install -e '.[postgres]'")
    try:
        psycopg.connect(url, connect_timeout=10).close()
    except psycopg.Error as e:
        # The variable names a server: one that does not answer is a failure.
        pytest.fail(f"the PostgreSQL server in LAZADA_TEST_POSTGRES does not answer: {e}")
    return url


@pytest.fixture
def postgres_url(postgres_server):
    """A URL whose search_path is a fresh schema of the test server, dropped after the test."""
    import uuid
    from urllib.parse import quote

    import psycopg

    schema = f"t_{uuid.uuid4().hex}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in postgres_server else "?"
    yield f"{postgres_server}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
