"""`monitor schedule`: the weekly digest, report refresh and outbox retry as APScheduler 3 jobs in a persistent store.

Jobs are stored by import path with plain string arguments (the store pickles them), so a restart reads them back
with their next run time: a run missed while the machine was off happens once (coalesced) when it is back.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import logging
import signal
import threading
from pathlib import Path

from .jobstore import JOB_TABLE, only_scheduler, store_error

log = logging.getLogger("monitor.schedule")

DIGEST_JOB, WATCH_JOB, OUTBOX_JOB = "weekly-digest", "refresh-on-change", "retry-outbox"
OUTBOX_MINUTES = 30
DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
             "sat": "Saturday", "sun": "Sunday"}


def digest_trigger(settings):
    """The weekly cron trigger: digest_day at digest_hour:digest_minute in the settings' time zone (DST-aware)."""
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger(day_of_week=settings.digest_day, hour=settings.digest_hour, minute=settings.digest_minute,
                       timezone=settings.timezone)


def job_specs(settings, data_path, out_dir) -> list[dict]:
    """add_job() arguments for every job; functions by import path, arguments as absolute path strings."""
    from apscheduler.triggers.interval import IntervalTrigger

    args = [str(Path(data_path).resolve()), str(Path(out_dir).resolve())]
    common = {"args": args, "coalesce": True, "max_instances": 1}
    return [
        # No grace limit: a machine that was off all Monday still sends the (one, coalesced) digest when back.
        {"id": DIGEST_JOB, "name": "weekly digest, then report refresh", "func": "monitor.schedule:weekly_digest_job",
         "trigger": digest_trigger(settings), "misfire_grace_time": None, **common},
        {"id": WATCH_JOB, "name": "refresh the reports when the data file changes",
         "func": "monitor.schedule:refresh_on_change_job",
         "trigger": IntervalTrigger(seconds=settings.watch_seconds, timezone=settings.timezone),
         "misfire_grace_time": max(60, settings.watch_seconds), **common},
        {"id": OUTBOX_JOB, "name": "retry digests waiting in the outbox", "func": "monitor.schedule:outbox_job",
         "trigger": IntervalTrigger(minutes=OUTBOX_MINUTES, timezone=settings.timezone),
         "misfire_grace_time": OUTBOX_MINUTES * 60, **common},
    ]


def make_scheduler(settings):
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


def _scheduler_class():
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import STATE_STOPPED

    class Scheduler(BackgroundScheduler):
        """APScheduler 3.11 looks for due jobs once more after shutdown() (agronholm/apscheduler#285): it cannot run
        them then, yet moves their next run on in the store, so a missed digest would be lost. Not here."""

        def _process_jobs(self):
            if self.state == STATE_STOPPED:
                return None
            return super()._process_jobs()

    return Scheduler


def start(scheduler, settings, data_path, out_dir) -> None:
    """Start with the stored jobs; add or replace only the jobs whose definition changed (keeps missed runs)."""
    try:
        scheduler.start(paused=True)
        for spec in job_specs(settings, data_path, out_dir):
            job = scheduler.get_job(spec["id"])
            if job is not None and _same(job, spec):
                log.info("job %s read from the store; next run %s", job.id, job.next_run_time)
                continue
            scheduler.add_job(replace_existing=True, **spec)
            log.info("job %s %s", spec["id"], "replaced (settings changed)" if job else "added")
    except Exception as exc:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        if exc.__class__.__module__.startswith("sqlalchemy"):
            raise store_error(settings, exc) from None
        raise
    scheduler.resume()


def _same(job, spec) -> bool:
    zone = str(getattr(job.trigger, "timezone", ""))
    return (job.func_ref == spec["func"] and list(job.args) == spec["args"] and job.name == spec["name"]
            and str(job.trigger) == str(spec["trigger"]) and zone == str(getattr(spec["trigger"], "timezone", ""))
            and job.misfire_grace_time == spec["misfire_grace_time"] and job.coalesce == spec["coalesce"]
            and job.max_instances == spec["max_instances"])


def run_forever(settings, data_path, out_dir) -> int:
    """Run the jobs until Ctrl-C or SIGTERM, then stop cleanly (waiting for a running job); returns 0."""
    import logging as _logging
    import sys

    _logging.basicConfig(level=_logging.INFO, stream=sys.stderr,
                         format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def on_signal(signum, _frame):
        log.info("received %s: stopping after the running job, if any", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with only_scheduler(settings):
            scheduler = make_scheduler(settings)
            try:
                start(scheduler, settings, data_path, out_dir)
                for job in scheduler.get_jobs():
                    log.info("%s: next run %s", job.name, job.next_run_time)
                while not stop.wait(3600):
                    pass
            finally:
                if scheduler.running:
                    scheduler.shutdown(wait=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("stopped")
    return 0


def list_jobs(settings, data_path, out_dir) -> str:
    """The jobs as stored, each with its next run in the settings' time zone, as lines for the terminal."""
    scheduler = make_scheduler(settings)
    try:
        scheduler.start(paused=True)
    except Exception as exc:
        if exc.__class__.__module__.startswith("sqlalchemy"):
            raise store_error(settings, exc) from None
        raise
    try:
        now = dt.datetime.now(dt.timezone.utc)
        lines = [f"Jobs in {settings.jobstore} (time zone {settings.timezone}):"]
        for spec in job_specs(settings, data_path, out_dir):
            job = scheduler.get_job(spec["id"])
            if job is None:
                when, note = spec["trigger"].get_next_fire_time(None, now.astimezone(spec["trigger"].timezone)), \
                    " (not stored yet: 'monitor schedule' adds it)"
            else:
                when, note = job.next_run_time, ""
                if not _same(job, spec):
                    note = " (settings changed: 'monitor schedule' will replace it)"
                elif when is not None and when < now:
                    note = " (missed: runs once as soon as 'monitor schedule' starts)"
            shown = when.strftime("%a %d %b %Y %H:%M %Z") if when else "paused"
            lines.append(f"  {spec['id']:<18} {_describe(spec, settings):<44} next run: {shown}{note}")
        return "\n".join(lines) + "\n"
    finally:
        scheduler.shutdown(wait=False)


def _describe(spec, settings) -> str:
    if spec["id"] == DIGEST_JOB:
        return (f"digest every {DAY_NAMES[settings.digest_day]} at "
                f"{settings.digest_hour:02d}:{settings.digest_minute:02d}")
    if spec["id"] == WATCH_JOB:
        return f"refresh reports if the file changed (every {settings.watch_seconds} s)"
    return f"retry unsent digests (every {OUTBOX_MINUTES} min)"


# -- the jobs: module-level functions the store refers to by import path ------------------------------------------

@contextlib.contextmanager
def _quiet_cleanup():
    """Finalize what a job left behind without a traceback on stderr: a workbook write that failed leaves
    openpyxl generators whose finalizers raise, and Python prints each through sys.unraisablehook. The hook is
    quiet until the job's frames are gone and collected (a gc.collect() costs a few ms per run)."""
    import gc
    import sys

    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: log.debug("ignored while cleaning up: %s", unraisable.exc_value)
    try:
        yield
        gc.collect()
    finally:
        sys.unraisablehook = previous


def _one_line(what: str):
    """A job that fails logs one plain line and returns: APScheduler would log a traceback at every interval,
    and bad data (a control character the workbook refuses, say) fails the same way each time."""
    def wrap(job):
        @functools.wraps(job)
        def run(data_path: str, out_dir: str) -> None:
            from .errors import MonitorError

            with _quiet_cleanup():
                try:
                    job(data_path, out_dir)
                except MonitorError as exc:  # a setting, the mail server, the reports' folder: the message says
                    log.error("%s: %s", what, exc)
                except OSError as exc:
                    log.error("%s: %s%s — check that folder", what, exc.strerror or exc,
                              f" ({exc.filename})" if exc.filename else "")
                except Exception as exc:  # the last resort, as in cli.main: one line, never a traceback
                    first = (str(exc).strip().splitlines() or [""])[0]
                    log.error("%s failed: %s: %s — check %s with 'monitor validate' and run 'monitor report' by "
                              "hand to see more", what, exc.__class__.__name__, first, data_path)
        return run
    return wrap


@_one_line("weekly digest")
def weekly_digest_job(data_path: str, out_dir: str) -> None:
    """Send the weekly digest, then refresh the reports."""
    from .digest import DigestNotSent, run_digest
    from .mail import MailError
    from .outbox import DeliveryError
    from .settings import SettingsError, load_settings
    from .settings import today as today_in

    try:
        settings = load_settings(data_path)
    except SettingsError as exc:
        log.error("weekly digest not made: %s", exc)
        return
    today = today_in(settings.timezone)
    register = _load(data_path, today)
    if register is None:
        log.error("weekly digest not made: %s is not valid (run 'monitor validate')", data_path)
        return
    try:
        log.info(run_digest(register, settings, out_dir=out_dir, send=True, today=today))
    except (SettingsError, MailError, DigestNotSent, DeliveryError) as exc:
        log.error("%s", exc)
    refresh_reports(register, out_dir, today)


@_one_line("report refresh")
def refresh_on_change_job(data_path: str, out_dir: str) -> None:
    """Refresh the reports when the data file's content changed since the last look (kept in the state folder)."""
    from .settings import SettingsError, load_settings
    from .settings import today as today_in
    from .store import write_atomic

    try:
        settings = load_settings(data_path)
    except SettingsError as exc:
        log.error("report refresh skipped: %s", exc)
        return
    from .readfile import read_regular

    seen_file = settings.state_dir / "data-file.json"
    try:
        seen = json.loads(read_regular(seen_file) or b"{}")
    except (OSError, ValueError):
        seen = {}
    path = Path(data_path)
    try:
        stat = path.stat()
        if seen.get("path") == str(path) and seen.get("mtime_ns") == stat.st_mtime_ns and seen.get("size") == stat.st_size:
            return
        fingerprint = hashlib.sha256(read_regular(path) or b"").hexdigest()  # a FIFO there would hang the job
    except OSError as exc:
        log.warning("cannot read %s: %s", path, exc.strerror)
        return
    now = {"path": str(path), "mtime_ns": stat.st_mtime_ns, "size": stat.st_size, "fingerprint": fingerprint}
    # "sha256": the key's name before issue 12, in a state folder written by an older version
    if seen.get("path") != str(path) or seen.get("fingerprint", seen.get("sha256")) != fingerprint:
        today = today_in(settings.timezone)
        register = _load(data_path, today)
        if register is None:
            log.warning("%s changed but is not valid (run 'monitor validate'); reports left as they were", path)
        else:
            log.info("%s changed: refreshing the reports", path)
            refresh_reports(register, out_dir, today)
    write_atomic(seen_file, json.dumps(now).encode("utf-8"))


@_one_line("outbox retry")
def outbox_job(data_path: str, out_dir: str) -> None:
    """Try again to deliver digests that are waiting in the outbox."""
    from .delivery_report import send_waiting
    from .settings import SettingsError, load_settings

    try:
        settings = load_settings(data_path)
        said = send_waiting(settings)
    except SettingsError as exc:
        log.error("outbox not retried: %s", exc)
        return
    if said:
        log.info("%s", said)


def refresh_reports(register, out_dir: str, today: dt.date) -> list:
    """Write the HTML and Excel reports, as `monitor report` does (commands.write_reports)."""
    from .commands import write_reports

    written = write_reports(register, out_dir, today=today)
    log.info("reports refreshed: %d files in %s", len(written), out_dir)
    return written


def _load(data_path: str, today: dt.date):
    from . import validate_file

    register, problems = validate_file(data_path, today=today)
    for problem in problems:
        if problem.is_error:
            log.warning("%s", problem)
    return register
