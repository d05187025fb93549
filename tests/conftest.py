"""
Fixtures shared by several test modules.
"""

from __future__ import annotations

import sqlite3

import pytest


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
