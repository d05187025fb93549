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
