"""A throw-away PostgreSQL cluster for the job store tests: Debian's initdb and pg_ctl, a temporary folder, 127.0.0.1.

The `postgres` fixture in conftest.py starts one per test session and stops it at the end; `pg_url` gives each
test an empty database of its own. When the cluster cannot start, the tests that need it fail with the reason
(tests/run.sh installs Debian's `postgresql` package when it runs as root).

PostgreSQL cannot be given port 0, so a free port is chosen (bind to port 0, read it back, close) and the server's
own start proves it: if another program took the port in between, the start fails and another port is tried.
As root, initdb and the server run as the `postgres` user (PostgreSQL refuses root), in a folder it owns.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

TRIES = 5
START_SECONDS = 60


class PostgresUnavailable(RuntimeError):
    """The cluster could not be made or started; the message says why and what to install."""


def find_bin(name: str) -> str:
    """Debian keeps initdb and pg_ctl in /usr/lib/postgresql/<version>/bin, off the PATH: the newest there, or PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[4]))
    path = found[-1] if found else shutil.which(name)
    if path is None:
        raise PostgresUnavailable(f"{name} not found: install Debian's postgresql package "
                                  "(tests/run.sh does it when run as root)")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """initdb in a temporary folder, then a server on 127.0.0.1 and a Unix socket in that folder only."""

    def __init__(self) -> None:
        self.as_postgres = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="monitor-pg-"))  # in /tmp: the postgres user can reach it
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = 0
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = (["runuser", "-u", "postgres", "--"] if self.as_postgres else []) + list(args)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=START_SECONDS + 30,
                              env={**os.environ, "LC_ALL": "C"})

    def start(self) -> "Cluster":
        made = self._run(find_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                         "--encoding=UTF8", "--locale=C", "--no-sync")
        if made.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {made.stderr.strip() or made.stdout.strip()}")
        for _ in range(TRIES):
            self.port = free_port()
            options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                       "-c full_page_writes=off -c synchronous_commit=off")
            started = self._run(find_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                                "-w", "-t", str(START_SECONDS), "start")
            if started.returncode == 0:
                return self
            if "could not bind" not in self.log_tail():  # not a port taken in between: trying again won't help
                break
        raise PostgresUnavailable(f"the PostgreSQL server did not start: {started.stderr.strip()}\n"
                                  f"{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-15:])
        except OSError:
            return ""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        """One statement outside a transaction (CREATE/DROP DATABASE need that)."""
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql)
        finally:
            conn.close()

    def stop(self) -> None:
        if self.data.exists():
            self._run(find_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
