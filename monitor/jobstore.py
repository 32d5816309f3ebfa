"""The job store and the scheduler on it: its table, its failures in plain words, one `monitor schedule` per store.

A second `monitor schedule` on the same store refuses, naming the first one's process and host.

SQLite: a lock file beside the job store, with the holder's process id and host in a file beside it.
PostgreSQL: a session advisory lock, the holder named by its connection's application_name, checked every minute
(a restarted server or a cut connection ends it: it is taken again, unless another scheduler has it by then).
Other databases: no guard (the README says so).
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import MonitorError
from .i18n import _

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
    from sqlalchemy.engine import Connection

    from .settings import Settings

JOB_TABLE = "monitor_jobs"

log = logging.getLogger("monitor.schedule")


def describe_store(url: str) -> str:
    """The job store in words, without its database address (which may hold a user name or a password):
    "the job store file /var/lib/monitor/jobs.sqlite", "the PostgreSQL job store monitor on db.example.org"."""
    from urllib.parse import urlsplit

    if url.startswith("sqlite:///"):
        return _("the job store file {path}").format(path=url[len("sqlite:///"):] or _("(in memory)"))
    try:
        parts = urlsplit(url)
        kind = "PostgreSQL" if parts.scheme.startswith("postgres") else parts.scheme.split("+")[0] or _("database")
        host = parts.hostname or _("this computer")
        if parts.path.strip("/"):
            return _("the {kind} job store {name} on {host}").format(kind=kind, name=parts.path.lstrip("/"), host=host)
        return _("the {kind} job store on {host}").format(kind=kind, host=host)
    except ValueError:
        return _("the job store set in jobstore")


def store_error(settings: Settings, exc: Exception) -> MonitorError:
    """The job store cannot be opened: which setting to check, and the driver PostgreSQL needs."""
    from .settings import SettingsError

    first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return SettingsError(_("{store} cannot be used: {error} — check jobstore (MONITOR_JOBSTORE); for PostgreSQL write "
                           "postgresql+psycopg2://... and install its driver (pip install psycopg2-binary)").format(
        store=describe_store(settings.jobstore), error=first))


def make_scheduler(settings: Settings) -> BackgroundScheduler:
    """A BackgroundScheduler on the settings' job store, one job at a time; not started."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    if settings.jobstore.startswith("sqlite:///"):
        folder = Path(settings.jobstore[len("sqlite:///"):]).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from .settings import state_folder_error

            raise state_folder_error(folder, exc.strerror or str(exc)) from None
    try:
        store = SQLAlchemyJobStore(url=settings.jobstore, tablename=JOB_TABLE)
    except Exception as exc:  # SQLAlchemy's errors for a bad address or a missing driver
        raise store_error(settings, exc) from None
    return _scheduler_class()(jobstores={"default": store}, executors={"default": ThreadPoolExecutor(1)},
                              job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
                              timezone=settings.timezone)


def _scheduler_class() -> type[BackgroundScheduler]:
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import STATE_STOPPED

    class Scheduler(BackgroundScheduler):
        """APScheduler 3.11 looks for due jobs once more after shutdown() (agronholm/apscheduler#285): it cannot run
        them then, yet moves their next run on in the store, so a missed digest would be lost. Not here."""

        def _process_jobs(self) -> float | None:
            if self.state == STATE_STOPPED:
                return None
            return super()._process_jobs()

    return Scheduler


class AlreadyRunning(MonitorError):
    """Another `monitor schedule` holds this job store; the message names its process id and host."""


class Hold:
    """What only_scheduler holds. check(), called now and then while the jobs run, makes sure it still holds it."""

    def check(self) -> None:
        """Nothing to do for a lock file: it is held until the process ends."""


@contextlib.contextmanager
def only_scheduler(settings: Settings) -> Iterator[Hold]:
    """Hold the job store for this process alone while the block runs; AlreadyRunning when another one holds it.

    SQLite: a lock file beside the job store, with the holder's process id and host in a file beside it.
    PostgreSQL: a session advisory lock, the holder named by its connection's application_name. Other
    databases: no guard (the README says so)."""
    me = f"process {os.getpid()} on {socket.gethostname()}"
    if settings.jobstore.startswith("sqlite:///") and settings.jobstore != "sqlite:///:memory:":
        with _sqlite_owner(Path(settings.jobstore[len("sqlite:///"):]), me, settings.jobstore):
            yield Hold()
    elif settings.jobstore.startswith(("postgresql", "postgres:")):
        hold = _PostgresHold(settings, me)
        try:
            yield hold
        finally:
            hold.release()
    else:
        yield Hold()


@contextlib.contextmanager
def _sqlite_owner(store: Path, me: str, where: str) -> Iterator[None]:
    from filelock import Timeout

    from .readfile import read_regular
    from .settings import state_folder_error
    from .store import file_lock, write_atomic

    try:
        store.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise state_folder_error(store.parent, exc.strerror or str(exc)) from None
    owner = store.with_name(f".{store.name}.owner")
    lock = file_lock(store, timeout=0)
    try:
        lock.__enter__()
    except Timeout:  # before OSError: filelock's Timeout is a TimeoutError
        try:
            holder = (read_regular(owner) or b"").decode("utf-8", "replace").strip() or _("a process")
        except OSError:
            holder = _("a process")
        raise AlreadyRunning(_running(holder, where)) from None
    except OSError as exc:  # the lock file cannot be made (a read-only folder, a folder in its place)
        raise state_folder_error(store.parent, exc) from None
    try:
        try:
            write_atomic(owner, f"{me}\n".encode("utf-8"))
        except OSError as exc:
            raise state_folder_error(store.parent, exc) from None
        yield
    finally:
        lock.__exit__(None, None, None)


class _PostgresHold(Hold):
    """A session advisory lock on its own connection (autocommit: never a transaction left open for weeks).

    The lock lives as long as the connection: PostgreSQL restarted, or the connection cut, and it is gone while the
    scheduler goes on. check() notices, and takes it again, or raises AlreadyRunning if another took it meanwhile."""

    def __init__(self, settings: Settings, me: str) -> None:
        from sqlalchemy import create_engine

        self.settings, self.me = settings, me
        self.key = int.from_bytes(hashlib.sha256(JOB_TABLE.encode()).digest()[:8], "big", signed=True)
        self.conn: Connection | None = None
        try:
            self.engine = create_engine(settings.jobstore, isolation_level="AUTOCOMMIT")
            self._take()
        except AlreadyRunning:
            self.release()
            raise
        except Exception as exc:  # SQLAlchemy's errors for a bad address, a missing driver, no server
            self.release()
            raise store_error(settings, exc) from None

    def _take(self) -> None:
        from sqlalchemy import text

        conn = self.engine.connect()
        conn.execute(text("SELECT set_config('application_name', :me, false)"), {"me": f"monitor schedule, {self.me}"})
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar():
            holder = conn.execute(text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.classid = :hi AND l.objid = :lo AND l.granted "
                "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
                {"hi": (self.key >> 32) & 0xFFFFFFFF, "lo": self.key & 0xFFFFFFFF}).scalar()
            conn.close()
            raise AlreadyRunning(_running(str(holder or _("a process")).removeprefix("monitor schedule, "),
                                          self.settings.jobstore))
        self.conn = conn

    def check(self) -> None:
        """Still held? If the connection was lost, take the lock again; AlreadyRunning if another one has it now."""
        from sqlalchemy import text

        if self.conn is not None:
            try:
                self.conn.execute(text("SELECT 1"))
                return
            except Exception as exc:
                log.warning("%s", _("the connection that reserves the job store for this scheduler was lost "
                                    "({error}); taking it again").format(error=_first_line(exc)))
                self.conn.close()
                self.conn = None
        try:
            self._take()
        except AlreadyRunning:
            raise
        except Exception as exc:  # the server is still away: the jobs cannot run either; try again next time
            log.warning("%s", _("the job store cannot be reserved yet ({error}); trying again in a minute").format(
                error=_first_line(exc)))
            return
        log.info("%s", _("the job store is reserved for this scheduler again"))

    def release(self) -> None:
        """Close the connection, which ends the session and with it the lock."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if hasattr(self, "engine"):
            self.engine.dispose()


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]


def _running(holder: str, jobstore: str) -> str:
    """Who holds the job store, named without its address (which may hold a password: describe_store)."""
    return _("another 'monitor schedule' ({holder}) already runs the jobs in {where} — stop that one first "
             "(Ctrl-C or 'kill'), or give this one its own jobstore (MONITOR_JOBSTORE)").format(
        holder=holder, where=describe_store(jobstore))
