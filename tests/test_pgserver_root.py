"""PostgresServer(root=...): a persistent server directory, reused by the next run."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pgserver
import pytest


def test_persistent_root_keeps_the_database():
    try:
        pgserver._bin_dir()
    except pgserver.Unavailable as error:
        pytest.skip(f"no PostgreSQL server for this machine: {error}")
    psycopg = pytest.importorskip("psycopg")
    # Not pytest's tmp_path: the server's unprivileged user must be able to reach it.
    parent = Path(tempfile.mkdtemp(prefix="newsdesk-pgroot-"))
    os.chmod(parent, 0o755)
    try:
        check_restart(psycopg, parent / "pg")
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def check_restart(psycopg, root: Path) -> None:
    settings = {"work_mem": "8MB"}
    with (
        pgserver.PostgresServer(root=root, settings=settings) as server,
        psycopg.connect(server.url, autocommit=True) as connection,
    ):
        assert connection.execute("SHOW work_mem").fetchone() == ("8MB",)
        connection.execute("CREATE TABLE kept (x int)")
        connection.execute("INSERT INTO kept VALUES (7)")
    assert (root / "data" / "PG_VERSION").exists()
    with (
        pgserver.PostgresServer(root=root) as server,  # started as it is: no initdb
        psycopg.connect(server.url, autocommit=True) as connection,
    ):
        assert connection.execute("SELECT x FROM kept").fetchone() == (7,)
        assert connection.execute("SHOW work_mem").fetchone() != ("8MB",)
    assert root.exists()
