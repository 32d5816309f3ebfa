"""Shared fixtures. Helpers used by several test modules are in helpers.py and mail_servers.py; the others live
in the test modules that use them."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHIPPED = ROOT / "demands.yaml"
TODAY = dt.date(2026, 11, 24)  # a fixed "today" so that outputs do not depend on the clock


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def small_file(tmp_path) -> Path:
    """A private copy of tests/data/valid/small.yaml (fictional data covering every status)."""
    target = tmp_path / "demands.yaml"
    shutil.copyfile(DATA / "valid" / "small.yaml", target)
    return target


@pytest.fixture
def no_monitor_env(monkeypatch) -> None:
    """No MONITOR_* variable from the developer's shell reaches the test."""
    import os

    for name in [n for n in os.environ if n.startswith("MONITOR_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def small_register(small_file):
    import monitor

    return monitor.load_register(small_file, today=TODAY)


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on 127.0.0.1, on a port the kernel chose; `smtp.messages` holds what it took."""
    from tests.mail_servers import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def refused_port():
    """A port of 127.0.0.1 where no server listens: connections are refused, and it stays ours for the test."""
    from tests.mail_servers import bound_socket

    with bound_socket() as sock:
        yield sock.getsockname()[1]


@pytest.fixture(scope="session")
def postgres():
    """A throw-away PostgreSQL cluster on 127.0.0.1 for the whole session (tests/postgres.py); a test that needs it
    fails, never skips, when it cannot start."""
    from tests.postgres import Cluster, PostgresUnavailable

    cluster = Cluster()
    try:
        cluster.start()
    except (PostgresUnavailable, OSError, subprocess.SubprocessError) as exc:
        cluster.stop()
        pytest.fail(f"PostgreSQL is needed for this test and could not be started: {exc}", pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(postgres, request):
    """An empty database of its own on the session's cluster, as a job store address; dropped after the test."""
    import hashlib

    name = "t_" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:16]
    postgres.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    postgres.execute(f"CREATE DATABASE {name}")
    yield postgres.url(name)
    postgres.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


REQUIRED_PROGRAMS = ("chromium", "soffice", "pdftotext", "pdftoppm", "git")


def pytest_configure(config):
    """In CI (MONITOR_REQUIRE_TOOLS=1) a missing browser, spreadsheet or git fails the run instead of skipping tests."""
    import os

    if os.environ.get("MONITOR_REQUIRE_TOOLS") == "1":
        missing = [name for name in REQUIRED_PROGRAMS if shutil.which(name) is None]
        if missing:
            raise pytest.UsageError(f"MONITOR_REQUIRE_TOOLS=1 but these programs are missing: {', '.join(missing)}")


def run_with_file_size_limit(args: list[str], limit: int, **kwargs):
    """Run a command whose writes fail with EFBIG beyond `limit` bytes per file: a disk that fills up, on demand.

    RLIMIT_FSIZE with SIGXFSZ ignored makes write(2) return EFBIG instead of killing the process, the same way on
    every machine, with no root and no small file system needed.
    """
    import resource
    import signal
    import subprocess

    def limit_writes():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(args, preexec_fn=limit_writes, capture_output=True, text=True, **kwargs)
