"""`monitor schedule`: the weekly digest, report refresh and outbox retry as APScheduler 3 jobs in a persistent store.

Jobs are stored by import path with plain string arguments (the store pickles them), so a restart reads them back
with their next run time: a run missed while the machine was off happens once (coalesced) when it is back.

The log speaks the interface language (the settings' first), as does `--list`; what is stored stays the same in
every language (a job's id and name: a stored job is compared with its definition), and so do the log's time,
level and logger name, which log tools read.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from .i18n import N_, SOURCE, _, current, format_number, ngettext, use
from .jobstore import describe_store, make_scheduler, only_scheduler, store_error

if TYPE_CHECKING:
    from apscheduler.job import Job
    from apscheduler.schedulers.base import BaseScheduler
    from apscheduler.triggers.cron import CronTrigger

    from .model import Register
    from .settings import Settings

PathText = str | os.PathLike[str]

log = logging.getLogger("monitor.schedule")

DIGEST_JOB, WATCH_JOB, OUTBOX_JOB = "weekly-digest", "refresh-on-change", "retry-outbox"
OUTBOX_MINUTES = 30
HOLD_CHECK_SECONDS = 60  # how often run_forever makes sure the job store is still reserved for it (jobstore.Hold)
DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
             "sat": "Saturday", "sun": "Sunday"}
# what `--list` says of the weekly digest, one sentence per day (Russian says "every" in the day's gender)
DIGEST_EVERY = {"mon": N_("digest every Monday at {time}"), "tue": N_("digest every Tuesday at {time}"),
                "wed": N_("digest every Wednesday at {time}"), "thu": N_("digest every Thursday at {time}"),
                "fri": N_("digest every Friday at {time}"), "sat": N_("digest every Saturday at {time}"),
                "sun": N_("digest every Sunday at {time}")}
# the jobs' names as the log shows them; the store keeps the English ones (job_specs), whatever the language
JOB_NAMES = {DIGEST_JOB: N_("weekly digest, then report refresh"),
             WATCH_JOB: N_("refresh the reports when the data file changes"),
             OUTBOX_JOB: N_("retry digests waiting in the outbox")}
_service_language = SOURCE  # the language run_forever was started in: the jobs' threads start without one


def digest_trigger(settings: Settings) -> CronTrigger:
    """The weekly cron trigger: digest_day at digest_hour:digest_minute in the settings' time zone (DST-aware)."""
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger(day_of_week=settings.digest_day, hour=settings.digest_hour, minute=settings.digest_minute,
                       timezone=settings.timezone)


def job_specs(settings: Settings, data_path: PathText, out_dir: PathText) -> list[dict[str, Any]]:
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


def start(scheduler: BaseScheduler, settings: Settings, data_path: PathText, out_dir: PathText) -> None:
    """Start with the stored jobs; add or replace only the jobs whose definition changed (keeps missed runs)."""
    try:
        scheduler.start(paused=True)
        for spec in job_specs(settings, data_path, out_dir):
            job = scheduler.get_job(spec["id"])
            if job is not None and _same(job, spec):
                log.info("%s", _("job {id} read from the store; next run {when}").format(id=job.id,
                                                                                         when=job.next_run_time))
                continue
            scheduler.add_job(replace_existing=True, **spec)
            said = _("job {id} replaced (settings changed)") if job else _("job {id} added")
            log.info("%s", said.format(id=spec["id"]))
    except Exception as exc:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        if exc.__class__.__module__.startswith("sqlalchemy"):
            raise store_error(settings, exc) from None
        raise
    scheduler.resume()


def _same(job: Job, spec: dict[str, Any]) -> bool:
    zone = str(getattr(job.trigger, "timezone", ""))
    return (job.func_ref == spec["func"] and list(job.args) == spec["args"] and job.name == spec["name"]
            and str(job.trigger) == str(spec["trigger"]) and zone == str(getattr(spec["trigger"], "timezone", ""))
            and job.misfire_grace_time == spec["misfire_grace_time"] and job.coalesce == spec["coalesce"]
            and job.max_instances == spec["max_instances"])


def run_forever(settings: Settings, data_path: PathText, out_dir: PathText) -> int:
    """Run the jobs until Ctrl-C or SIGTERM, then stop cleanly (waiting for a running job); returns 0."""
    import sys

    global _service_language
    _service_language = current().code
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("%s", _("received {signal}: stopping after the running job, if any").format(
            signal=signal.Signals(signum).name))
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with only_scheduler(settings) as hold:
            scheduler = make_scheduler(settings)
            try:
                start(scheduler, settings, data_path, out_dir)
                for job in scheduler.get_jobs():
                    log.info("%s", _("{job}: next run {when}").format(job=_(JOB_NAMES.get(job.id, job.name)),
                                                                     when=job.next_run_time))
                while not stop.wait(HOLD_CHECK_SECONDS):
                    hold.check()  # a PostgreSQL lock ends with its connection: taken again, or stop here
            finally:
                if scheduler.running:
                    scheduler.shutdown(wait=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("%s", _("stopped"))
    return 0


def list_jobs(settings: Settings, data_path: PathText, out_dir: PathText) -> str:
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
        lines = [_("Jobs in {store} (time zone {zone}):").format(store=describe_store(settings.jobstore),
                                                                zone=settings.timezone)]
        specs = job_specs(settings, data_path, out_dir)
        width = max([44] + [len(_describe(spec, settings)) for spec in specs])  # a column as wide as the longest
        for spec in specs:
            job = scheduler.get_job(spec["id"])
            if job is None:
                when = spec["trigger"].get_next_fire_time(None, now.astimezone(spec["trigger"].timezone))
                said = _("next run: {when} (not stored yet: 'monitor schedule' adds it)")
            else:
                when, said = job.next_run_time, _("next run: {when}")
                if not _same(job, spec):
                    said = _("next run: {when} (settings changed: 'monitor schedule' will replace it)")
                elif when is not None and when < now:
                    said = _("next run: {when} (missed: runs once as soon as 'monitor schedule' starts)")
            shown = _run_time(when) if when else _("paused")
            lines.append(f"  {spec['id']:<18} {_describe(spec, settings):<{width}} " + said.format(when=shown))
        return "\n".join(lines) + "\n"
    finally:
        scheduler.shutdown(wait=False)


def _run_time(when: dt.datetime) -> str:
    """'Mon 16 Mar 2026 08:00 CET' in English (as strftime's C locale writes it), 'пн 16 мар. 2026 08:00 CET'."""
    from babel.dates import format_datetime

    if current().code == SOURCE:
        return when.strftime("%a %d %b %Y %H:%M %Z")
    return f"{format_datetime(when, 'EEE dd MMM y HH:mm', tzinfo=when.tzinfo, locale=current().locale)} " \
           f"{when.tzname() or ''}".rstrip()


def _describe(spec: dict[str, Any], settings: Settings) -> str:
    if spec["id"] == DIGEST_JOB:
        return _(DIGEST_EVERY[settings.digest_day]).format(
            time=f"{settings.digest_hour:02d}:{settings.digest_minute:02d}")
    if spec["id"] == WATCH_JOB:
        return _("refresh reports if the file changed (every {seconds} s)").format(
            seconds=format_number(settings.watch_seconds))
    return _("retry unsent digests (every {minutes} min)").format(minutes=format_number(OUTBOX_MINUTES))


# -- the jobs: module-level functions the store refers to by import path ------------------------------------------

@dataclasses.dataclass(frozen=True)
class JobRun:
    """What every job starts from: its settings, today in their time zone, the data file and the reports' folder."""

    settings: Settings
    today: dt.date
    data_path: str
    out_dir: str

    def register(self) -> Register | None:
        """The register in the data file, or None (each error logged as a warning) when it is not valid."""
        from .commands import load_valid
        from .problems import DataError

        try:
            return load_valid(self.data_path, today=self.today)
        except DataError as exc:
            for problem in exc.problems:
                if problem.is_error:
                    log.warning("%s", problem)
            return None


@contextlib.contextmanager
def _quiet_cleanup() -> Iterator[None]:
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


def _job(what: str, skipped: str) -> Callable[[Callable[[JobRun], None]], Callable[[str, str], None]]:
    """The set-up every job shares: its settings (a wrong one logs "`skipped`: why") and its today, then the job,
    in the settings' first language (`what` and `skipped` are marked with N_ and said in it).

    A job that fails logs one plain line and returns: APScheduler would log a traceback at every interval, and bad
    data (a control character the workbook refuses, say) fails the same way each time."""
    def wrap(job: Callable[[JobRun], None]) -> Callable[[str, str], None]:
        def run(data_path: str, out_dir: str) -> None:
            from .errors import MonitorError
            from .settings import SettingsError, load_settings, today

            with _quiet_cleanup(), use(_service_language):
                try:
                    settings = load_settings(data_path)
                    with use(settings.language[0]):
                        job(JobRun(settings, today(settings.timezone), data_path, out_dir))
                except SettingsError as exc:
                    log.error("%s: %s", _(skipped), exc)
                except MonitorError as exc:  # the mail server, the reports' folder: the message says
                    log.error("%s: %s", _(what), exc)
                except OSError as exc:
                    reason = _(exc.strerror) if exc.strerror else exc
                    said = _("{job}: {reason} ({file}) — check that folder") if exc.filename else \
                        _("{job}: {reason} — check that folder")
                    log.error("%s", said.format(job=_(what), reason=reason, file=exc.filename))
                except Exception as exc:  # the last resort, as in cli.main: one line, never a traceback
                    first = (str(exc).strip().splitlines() or [""])[0]
                    log.error("%s", _("{job} failed: {error}: {message} — check {file} with 'monitor validate' and "
                                      "run 'monitor report' by hand to see more").format(
                        job=_(what), error=exc.__class__.__name__, message=first, file=data_path))

        # the store calls run(data_path, out_dir) by the job's import path: its name, not the job's signature
        run.__module__, run.__name__, run.__qualname__, run.__doc__ = (job.__module__, job.__name__,
                                                                       job.__qualname__, job.__doc__)
        return run
    return wrap


@_job(N_("weekly digest"), skipped=N_("weekly digest not made"))
def weekly_digest_job(run: JobRun) -> None:
    """Send the weekly digest, then refresh the reports."""
    from .commands import digest_of
    from .digest import DigestNotSent
    from .mail import MailError
    from .outbox import DeliveryError
    from .settings import SettingsError

    register = run.register()
    if register is None:
        log.error("%s", _("weekly digest not made: {file} is not valid (run 'monitor validate')").format(
            file=run.data_path))
        return
    try:
        log.info(digest_of(register, run.settings, run.out_dir, since=None, send=True, today=run.today))
    except (SettingsError, MailError, DigestNotSent, DeliveryError) as exc:
        log.error("%s", exc)
    refresh_reports(register, run.out_dir, run.today, run.settings.language)


@_job(N_("report refresh"), skipped=N_("report refresh skipped"))
def refresh_on_change_job(run: JobRun) -> None:
    """Refresh the reports when the data file's content changed since the last look (kept in the state folder)."""
    from .watch import look, remember

    path = Path(run.data_path)
    try:
        seen = look(path, run.settings.state_dir)
    except OSError as exc:
        log.warning("%s", _("cannot read {file}: {reason}").format(
            file=path, reason=_(exc.strerror) if exc.strerror else exc))
        return
    if seen is None:  # untouched since the last look
        return
    if seen.changed:
        register = run.register()
        if register is None:
            log.warning("%s", _("{file} changed but is not valid (run 'monitor validate'); reports left as they "
                                "were").format(file=path))
        else:
            log.info("%s", _("{file} changed: refreshing the reports").format(file=path))
            refresh_reports(register, run.out_dir, run.today, run.settings.language)
    remember(run.settings.state_dir, seen)


@_job(N_("outbox retry"), skipped=N_("outbox not retried"))
def outbox_job(run: JobRun) -> None:
    """Try again to deliver digests that are waiting in the outbox."""
    from .commands import retry_outbox

    said = retry_outbox(run.settings)
    if said:
        log.info("%s", said)


def refresh_reports(register: Register, out_dir: str, today: dt.date, languages: tuple[str, ...] = ()) -> list[Path]:
    """Write the HTML and Excel reports, as `monitor report` does (commands.write_reports), in the settings'
    languages (each in its own folder when there are several)."""
    from .commands import write_reports

    written = write_reports(register, out_dir, today=today, languages=languages)
    said = ngettext("reports refreshed: {count} file in {folder}", "reports refreshed: {count} files in {folder}",
                    len(written))
    log.info("%s", said.format(count=format_number(len(written)), folder=out_dir))
    return written
