"""schedule: the weekly trigger across DST, a persistent job store, a missed run sent once, clean stop.

The tests of the job store run twice (the `store` fixture): on the default SQLite file and on a real PostgreSQL
server (a throw-away cluster, tests/postgres.py).

The scheduler runs in-process (BackgroundScheduler); tests wait on threading.Event with a generous timeout,
never on a sleep.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy

from monitor import schedule
from monitor.jobstore import JOB_TABLE
from monitor.settings import load_settings
from tests.conftest import ROOT
from tests.helpers import SCHEDULE_READY, run_schedule_until, run_with_guard
from tests.mail_servers import mail_env

BRUSSELS = ZoneInfo("Europe/Brussels")
WAIT = 120  # seconds; only reached when something is broken


@pytest.fixture
def place(tmp_path, small_file, no_monitor_env, monkeypatch):
    """A data file with its state and reports folders; no MONITOR_* variable from the developer's shell."""
    data = small_file
    monkeypatch.setenv("MONITOR_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("MONITOR_WATCH_SECONDS", "3600")
    return data, tmp_path / "reports"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, place, monkeypatch):
    """The job store of the test: the default SQLite file in the state folder, or an empty PostgreSQL database."""
    if request.param == "postgresql":
        monkeypatch.setenv("MONITOR_JOBSTORE", request.getfixturevalue("pg_url"))
    return request.param


@pytest.mark.parametrize("after, first, second", [
    # the last Sunday of March 2026 is the 29th: 08:00 stays 08:00 in Brussels, UTC goes from 07:00 to 06:00
    (dt.datetime(2026, 3, 20, 12, 0), dt.datetime(2026, 3, 23, 7, 0), dt.datetime(2026, 3, 30, 6, 0)),
    # the last Sunday of October 2026 is the 25th: UTC goes from 06:00 to 07:00
    (dt.datetime(2026, 10, 16, 12, 0), dt.datetime(2026, 10, 19, 6, 0), dt.datetime(2026, 10, 26, 7, 0)),
])
def test_the_weekly_trigger_keeps_local_time_across_dst(tmp_path, after, first, second):
    settings = load_settings(tmp_path / "demands.yaml", environ={"MONITOR_TIMEZONE": "Europe/Brussels"})
    trigger = schedule.digest_trigger(settings)
    one = trigger.get_next_fire_time(None, after.replace(tzinfo=BRUSSELS))
    two = trigger.get_next_fire_time(one, one + dt.timedelta(seconds=1))
    for fire, utc in ((one, first), (two, second)):
        assert (fire.weekday(), fire.hour, fire.minute) == (0, 8, 0)
        assert fire.astimezone(dt.timezone.utc).replace(tzinfo=None) == utc
    assert one.utcoffset() != two.utcoffset()


def test_day_hour_and_zone_come_from_the_settings(tmp_path):
    env = {"MONITOR_DIGEST_DAY": "fri", "MONITOR_DIGEST_HOUR": "17", "MONITOR_DIGEST_MINUTE": "30",
           "MONITOR_TIMEZONE": "America/New_York"}
    trigger = schedule.digest_trigger(load_settings(tmp_path / "demands.yaml", environ=env))
    fire = trigger.get_next_fire_time(None, dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc))
    assert fire.isoformat() == "2026-03-06T17:30:00-05:00"
    fire = trigger.get_next_fire_time(fire, fire + dt.timedelta(seconds=1))
    assert fire.isoformat() == "2026-03-13T17:30:00-04:00"  # New York changed on 8 March


def digest_runs(scheduler):
    """An Event set, and a list appended to, each time the digest job finishes."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

    done, runs = threading.Event(), []

    def listener(event):
        if event.job_id == schedule.DIGEST_JOB:
            runs.append(event)
            done.set()

    scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    return done, runs


def test_restart_keeps_the_stored_job_and_runs_a_missed_digest_once(place, store, smtp, monkeypatch):
    data, out = place
    for key, value in mail_env(smtp.port, os.environ["MONITOR_STATE"]).items():
        monkeypatch.setenv(key, value)
    settings = load_settings(data)

    first = schedule.make_scheduler(settings)
    schedule.start(first, settings, data, out)
    stored = first.get_job(schedule.DIGEST_JOB)
    assert stored.func_ref == "monitor.schedule:weekly_digest_job" and stored.args == (str(data), str(out.resolve()))
    assert (stored.coalesce, stored.max_instances, stored.misfire_grace_time) == (True, 1, None)
    assert stored.next_run_time > dt.datetime.now(dt.timezone.utc)
    first.shutdown()
    assert settings.jobstore.startswith(store)  # the store the test is about, with the jobs in its table
    engine = sqlalchemy.create_engine(settings.jobstore)
    try:
        assert JOB_TABLE in sqlalchemy.inspect(engine).get_table_names()
    finally:
        engine.dispose()

    # The machine was off for the last three Mondays: the stored next run lies three weeks back.
    missed = stored.next_run_time - dt.timedelta(weeks=3)
    paused = schedule.make_scheduler(settings)
    paused.start(paused=True)
    paused.modify_job(schedule.DIGEST_JOB, next_run_time=missed)
    paused.shutdown()
    assert "missed: runs once" in schedule.list_jobs(settings, data, out)

    again = schedule.make_scheduler(settings)
    done, runs = digest_runs(again)
    schedule.start(again, settings, data, out)
    try:
        assert done.wait(WAIT), "the missed digest did not run"
    finally:
        again.shutdown(wait=True)
    assert len(runs) == 1 and runs[0].exception is None
    # read from the store: three missed Mondays, coalesced into one run for the latest of them
    assert runs[0].scheduled_run_time == stored.next_run_time - dt.timedelta(weeks=1)
    assert [m[1] for m in smtp.messages] == [["a@example.org"], ["b@example.org"]]  # one digest, once each
    assert (out / "digests").is_dir()
    try:
        import monitor.report  # noqa: F401
    except ImportError:
        pass
    else:
        assert (out / "index.html").exists()  # reports refreshed after the digest

    later = schedule.make_scheduler(settings)
    later.start(paused=True)
    try:
        assert later.get_job(schedule.DIGEST_JOB).next_run_time > dt.datetime.now(dt.timezone.utc)
    finally:
        later.shutdown()


def test_changed_settings_replace_the_stored_job(place, store, monkeypatch):
    data, out = place
    settings = load_settings(data)
    s = schedule.make_scheduler(settings)
    schedule.start(s, settings, data, out)
    s.shutdown()
    monkeypatch.setenv("MONITOR_DIGEST_HOUR", "9")
    settings = load_settings(data)
    assert "settings changed" in schedule.list_jobs(settings, data, out)
    s = schedule.make_scheduler(settings)
    schedule.start(s, settings, data, out)
    try:
        fire = s.get_job(schedule.DIGEST_JOB).next_run_time.astimezone(BRUSSELS)
        assert (fire.weekday(), fire.hour) == (0, 9)
    finally:
        s.shutdown()


def test_list_before_the_first_start(place, store):
    data, out = place
    text = schedule.list_jobs(load_settings(data), data, out)
    assert "weekly-digest" in text and "digest every Monday at 08:00" in text and "not stored yet" in text
    assert "refresh-on-change" in text and "retry-outbox" in text


def test_reports_are_refreshed_when_the_content_changes(place, monkeypatch):
    data, out = place
    calls = []
    monkeypatch.setattr(schedule, "refresh_reports", lambda register, out_dir, today, languages: calls.append(out_dir))
    schedule.refresh_on_change_job(str(data), str(out))
    assert len(calls) == 1  # first look: the reports may be stale
    schedule.refresh_on_change_job(str(data), str(out))
    os.utime(data, ns=(1, 1))  # touched, same content
    schedule.refresh_on_change_job(str(data), str(out))
    assert len(calls) == 1
    data.write_text(data.read_text(encoding="utf-8").replace("Release of Jane Doe", "Release of Jane Doe, editor"),
                    encoding="utf-8")
    schedule.refresh_on_change_job(str(data), str(out))
    assert len(calls) == 2
    data.write_text("demands: [oops", encoding="utf-8")  # invalid: reports are left alone
    schedule.refresh_on_change_job(str(data), str(out))
    assert len(calls) == 2


def test_the_refresh_job_writes_the_reports_in_the_settings_languages(place, monkeypatch):
    """language = en,ru in the settings: the scheduler refreshes both folders and the page to choose, as
    `monitor report --lang en,ru` writes them."""
    data, out = place
    monkeypatch.setenv("MONITOR_LANGUAGE", "en,ru")
    schedule.refresh_on_change_job(str(data), str(out))
    assert {p.relative_to(out).as_posix() for p in out.glob("*/index.html")} == {"en/index.html", "ru/index.html"}
    assert '<html lang="ru"' in (out / "ru" / "index.html").read_text(encoding="utf-8")
    assert (out / "index.html").is_file() and (out / "ru" / "demands.xlsx").is_file()


def test_the_data_file_fingerprint_stored_by_an_older_version_is_still_read(place, monkeypatch):
    import hashlib
    import json

    data, out = place
    calls = []
    monkeypatch.setattr(schedule, "refresh_reports", lambda register, out_dir, today, languages: calls.append(out_dir))
    seen = data.parent / "state" / "data-file.json"
    seen.parent.mkdir()
    # as written before issue 12: the hash under "sha256", and an mtime that no longer matches (a touch)
    seen.write_text(json.dumps({"path": str(data), "mtime_ns": 1, "size": data.stat().st_size,
                                "sha256": hashlib.sha256(data.read_bytes()).hexdigest()}), encoding="utf-8")
    schedule.refresh_on_change_job(str(data), str(out))
    assert calls == []  # the same content: no refresh
    assert json.loads(seen.read_text(encoding="utf-8"))["fingerprint"] == hashlib.sha256(data.read_bytes()).hexdigest()


def test_the_jobs_work_as_of_today_in_the_settings_time_zone(place, monkeypatch):
    from monitor.settings import today

    data, out = place
    days = []
    monkeypatch.setattr(schedule, "refresh_reports", lambda register, out_dir, today, languages: days.append(today))
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):  # 26 hours apart: their dates always differ
        monkeypatch.setenv("MONITOR_TIMEZONE", zone)
        before = today(zone)
        schedule.weekly_digest_job(str(data), str(out))  # no mail settings: no digest, then the reports
        assert days[-1] in (before, today(zone))
    assert len(days) == 2 and days[0] > days[1]


def test_schedule_stops_cleanly_on_sigterm(place, store, tmp_path):
    data, out = place
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log = run_schedule_until([sys.executable, "-m", "monitor", "--file", str(data), "schedule", "--out", str(out)],
                             wait=WAIT, cwd=tmp_path, env=env)  # SIGTERM once ready; exit 0, no traceback
    rest = log.split(SCHEDULE_READY, 1)[1]
    assert "received SIGTERM" in rest and "stopped" in rest


def test_a_second_schedule_on_the_same_job_store_refuses_naming_the_first(place, store, tmp_path):
    import socket

    data, out = place
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "monitor", "--file", str(data), "schedule", "--out", str(out)]
    first = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
    killer = threading.Timer(WAIT, first.kill)
    killer.start()
    try:
        for line in first.stderr:
            if "weekly digest, then report refresh: next run" in line:
                break
        second = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=WAIT)
        assert second.returncode == 1
        assert f"another 'monitor schedule' (process {first.pid} on {socket.gethostname()})" in second.stderr
        assert "internal error" not in second.stderr and "Traceback" not in second.stderr
        first.send_signal(signal.SIGTERM)
        first.stderr.read()
        assert first.wait() == 0
    finally:
        killer.cancel()
        first.kill()
    # the first one has stopped: the store is free again
    again = subprocess.run(cmd[:-3] + ["schedule", "--list"], capture_output=True, text=True, env=env, timeout=WAIT)
    assert again.returncode == 0


@pytest.mark.parametrize("name", [".jobs.sqlite.lock", ".jobs.sqlite.owner"])
def test_a_lock_or_owner_file_that_cannot_be_made_is_a_state_folder_message(place, tmp_path, name):
    data, out = place
    # a folder where the file goes: os.open fails on it even for root, unlike a read-only folder
    (tmp_path / "state" / name).mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "monitor", "--file", str(data), "schedule", "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=WAIT)
    assert proc.returncode == 1, proc.stderr
    assert f"the state folder {tmp_path / 'state'} cannot be used" in proc.stderr and name in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def with_control_character(data):
    """A source address holding \\x01 written as an escape: refused by validation (the one rule for text)."""
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("https://example.org/news/refusal", '"https://example.org/news/ref\\x01usal"', 1),
                    encoding="utf-8")


def test_a_job_failing_on_bad_data_logs_one_plain_line_and_the_scheduler_keeps_running(place, smtp, monkeypatch,
                                                                                         caplog, capfd):
    import logging

    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

    data, out = place
    for key, value in mail_env(smtp.port, os.environ["MONITOR_STATE"]).items():
        monkeypatch.setenv(key, value)
    with_control_character(data)
    caplog.set_level(logging.INFO)
    settings = load_settings(data)
    scheduler = schedule.make_scheduler(settings)
    events, two = [], threading.Event()

    def listener(event):
        events.append(event)
        if len(events) == 2:
            two.set()

    scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        now = dt.datetime.now(dt.timezone.utc)
        scheduler.add_job("monitor.schedule:weekly_digest_job", args=[str(data), str(out)], next_run_time=now)
        scheduler.add_job("monitor.schedule:refresh_on_change_job", args=[str(data), str(out)], next_run_time=now)
        assert two.wait(WAIT), "the jobs did not run"
    finally:
        scheduler.shutdown(wait=True)
    assert [e.exception for e in events] == [None, None] and all(e.code == EVENT_JOB_EXECUTED for e in events)
    # The escaped control character is now refused by validation (the one rule for text), so both jobs stop
    # before sending or writing anything, each with plain lines that say why.
    ours = [r for r in caplog.records if r.name == "monitor.schedule" and r.levelno >= logging.WARNING]
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in ours)
    assert any("control character U+0001" in r.getMessage() for r in ours)
    assert any("weekly digest not made" in r.getMessage() and "monitor validate" in r.getMessage() for r in ours)
    assert any("reports left as they were" in r.getMessage() for r in ours)
    assert "Traceback" not in caplog.text and "Traceback" not in capfd.readouterr().err
    assert smtp.messages == []


def test_a_job_failing_unexpectedly_logs_one_plain_line_and_returns(place, monkeypatch, caplog, capfd):
    """The last resort of the job wrapper: an error no one foresaw is one line, never a traceback."""
    import logging

    data, out = place
    caplog.set_level(logging.INFO)

    def broken(*args, **kwargs):
        raise RuntimeError("the workbook writer broke\nwith a second line")

    monkeypatch.setattr(schedule, "refresh_reports", broken)
    schedule.refresh_on_change_job(str(data), str(out))  # returns: the scheduler goes on
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is None
    assert "report refresh failed: RuntimeError: the workbook writer broke — check" in errors[0].getMessage()
    assert "second line" not in errors[0].getMessage()
    assert "Traceback" not in caplog.text and "Traceback" not in capfd.readouterr().err


def test_a_fifo_at_the_data_file_does_not_hang_the_refresh_job(place, caplog):
    data, out = place
    data.unlink()
    os.mkfifo(data)
    run_with_guard(lambda: schedule.refresh_on_change_job(str(data), str(out)))
    assert "FIFO" in caplog.text
