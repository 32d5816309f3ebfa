"""`monitor schedule` as a real process on a PostgreSQL job store (a throw-away cluster, tests/postgres.py).

What a shared deployment relies on: the jobs outlive the process, a digest missed while it was stopped is sent
once when it is back, a process killed without a chance to clean up does not keep the store from the next one
(the advisory lock ends with its connection), and a scheduler whose connection was cut takes the lock again, or
stops if another one has taken it meanwhile. test_schedule.py runs the other job store tests on PostgreSQL
as well as SQLite.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from monitor import schedule
from monitor.jobstore import AlreadyRunning, only_scheduler
from monitor.settings import load_settings
from tests.conftest import ROOT
from tests.helpers import SCHEDULE_READY, run_schedule_until
from tests.mail_servers import mail_env

WAIT = 120  # seconds; only reached when something is broken
READY = SCHEDULE_READY


@pytest.fixture
def shared(tmp_path, small_file, no_monitor_env, pg_url, smtp, monkeypatch):
    """A data file whose jobs are kept in PostgreSQL, with a real mail server; the environment of `monitor`."""
    env = {**mail_env(smtp.port, tmp_path / "state"), "MONITOR_JOBSTORE": pg_url, "MONITOR_WATCH_SECONDS": "3600"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    cmd = [sys.executable, "-m", "monitor", "--file", str(small_file), "schedule", "--out", str(tmp_path / "out")]
    return small_file, cmd, {**os.environ, "PYTHONPATH": str(ROOT)}


def run_until(cmd: list[str], env: dict, marker: str) -> str:
    """Run `monitor schedule` until its log shows `marker`, then stop it with SIGTERM; its whole log."""
    return run_schedule_until(cmd, marker, wait=WAIT, env=env)


def test_a_digest_missed_while_stopped_is_sent_once_after_a_restart(shared, smtp):
    data, cmd, env = shared
    settings = load_settings(data)
    first = run_until(cmd, env, READY)
    assert "job weekly-digest added" in first

    # Stopped for the last two Mondays: the stored next run lies two weeks back (what a longer stop would leave).
    store = schedule.make_scheduler(settings)
    store.start(paused=True)
    due = store.get_job(schedule.DIGEST_JOB).next_run_time
    store.modify_job(schedule.DIGEST_JOB, next_run_time=due - dt.timedelta(weeks=2))
    store.shutdown()
    listing = subprocess.run(cmd + ["--list"], capture_output=True, text=True, env=env, timeout=WAIT).stdout
    assert "missed: runs once as soon as 'monitor schedule' starts" in listing

    second = run_until(cmd, env, "reports refreshed")
    assert f"job weekly-digest read from the store; next run {due - dt.timedelta(weeks=2)}" in second
    assert "Digest of" in second and [m[1] for m in smtp.messages] == [["a@example.org"], ["b@example.org"]]

    third = run_until(cmd, env, READY)
    assert f"job weekly-digest read from the store; next run {due}" in third
    assert len(smtp.messages) == 2  # sent once: the restart after it found nothing due
    print("".join(f"--- {name} start ---\n{log}" for name, log in (("first", first), ("second", second),
                                                                   ("third", third))))


def test_a_killed_scheduler_leaves_the_store_free_for_the_next(shared):
    data, cmd, env = shared
    settings = load_settings(data)
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    killer = threading.Timer(WAIT, proc.kill)
    killer.start()
    try:
        for line in proc.stderr:
            if READY in line:
                break
        with pytest.raises(AlreadyRunning, match=f"process {proc.pid} on "), only_scheduler(settings):
            pass
        proc.send_signal(signal.SIGKILL)  # no clean-up: only the server seeing the connection end frees the store
        proc.wait()
    finally:
        killer.cancel()
        proc.kill()
    deadline = time.monotonic() + WAIT
    while True:
        try:
            with only_scheduler(settings):
                break
        except AlreadyRunning:
            assert time.monotonic() < deadline, "the advisory lock outlived the killed process"
            time.sleep(0.1)


def cut_connection(postgres, pg_url: str) -> None:
    """End the session holding the advisory lock, as a PostgreSQL restart would; return once it is gone."""
    import psycopg2

    database = pg_url.rsplit("/", 1)[1]
    conn = psycopg2.connect(host="127.0.0.1", port=postgres.port, user="postgres", dbname=database)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND application_name LIKE 'monitor schedule, %%'")
            assert cur.fetchall() == [(True,)]
            deadline = time.monotonic() + WAIT
            while True:
                cur.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
                if cur.fetchone() == (0,):
                    break
                assert time.monotonic() < deadline, "the session did not end"
                time.sleep(0.05)
    finally:
        conn.close()


def test_a_lost_connection_is_noticed_and_the_store_reserved_again(shared, postgres, pg_url, caplog):
    caplog.set_level(logging.INFO)
    settings = load_settings(shared[0])
    with only_scheduler(settings) as hold:
        cut_connection(postgres, pg_url)
        hold.check()
        assert "was lost" in caplog.text and "reserved for this scheduler again" in caplog.text
        with pytest.raises(AlreadyRunning, match=f"process {os.getpid()} on "), only_scheduler(settings):
            pass


def test_a_scheduler_that_lost_the_store_to_another_stops(shared, postgres, pg_url, monkeypatch):
    # with a password in the address (the test cluster trusts 127.0.0.1 and ignores it): never in a message
    monkeypatch.setenv("MONITOR_JOBSTORE", pg_url.replace("//postgres@", "//postgres:hunter2@"))
    settings = load_settings(shared[0])
    with only_scheduler(settings) as hold:
        cut_connection(postgres, pg_url)
        with only_scheduler(settings):  # another one started while the first had no connection
            with pytest.raises(AlreadyRunning, match="already runs the jobs in the PostgreSQL job store t_") as caught:
                hold.check()
    assert "hunter2" not in str(caught.value)
