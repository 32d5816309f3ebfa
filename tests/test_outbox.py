"""outbox: the delivery contract of issue 11, against a real SMTP server (aiosmtpd) and misbehaving ones (BadSmtp).

In doubt (lost after the message went out) and failed (5xx) are never retried by themselves; a passing failure
or a process stopped between attempts leaves the recipient to the next run; the snapshot moves on only when
someone confirmed the digest; one sender at a time; a foreign file in the state folder is a message.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys

import pytest

import monitor
from monitor.cli import main
from monitor.delivery_report import digest_status, resend
from monitor.digest import DigestNotSent, run_digest
from monitor.outbox import DigestState, short_id
from monitor.settings import load_settings
from tests.conftest import DATA, ROOT
from tests.helpers import run_with_guard
from tests.mail_servers import BadSmtp, SmtpServer, mail_env

CHANGED = DATA / "digest" / "changed.yaml"
LAST_WEEK, TODAY = dt.date(2026, 11, 17), dt.date(2026, 11, 24)
WAIT = 120  # seconds; only reached when something is broken


def no_sleep(seconds):
    pass


def load(path, today=TODAY):
    return monitor.load_register(path, today=today)


@pytest.fixture
def place(tmp_path, small_file, no_monitor_env):
    """small.yaml in its own folder; a state and a reports folder; no MONITOR_* from the developer's shell."""
    return small_file, tmp_path / "state", tmp_path / "reports"


def settings_for(data, state, port, **extra):
    return load_settings(data, environ={**mail_env(port, state), **extra})


def baseline_then_change(data, state, out):
    """Last week's digest reached everyone (with small.yaml); then the file changed: this week has news."""
    server = SmtpServer().start()
    try:
        run_digest(load(data, LAST_WEEK), settings_for(data, state, server.port), out_dir=out, send=True,
                   today=LAST_WEEK)
    finally:
        server.stop()
    shutil.copyfile(CHANGED, data)


def rows(state_dir):
    st = DigestState(state_dir)
    try:
        return {mid: st.deliveries(mid) for mid in st.message_ids()}, st.waiting(), st.latest_snapshot()
    finally:
        st.close()


class RefuseOne(SmtpServer):
    """A real server that refuses one address with 550 (no such user) and takes the others."""

    def __init__(self, refused: str, **options):
        super().__init__(**options)
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_lost_after_data_is_in_doubt_received_once_and_resent_only_on_request(place):
    data, state, out = place
    baseline_then_change(data, state, out)
    with BadSmtp("drop-after-data") as bad:
        settings = settings_for(data, state, bad.port)
        with pytest.raises(DigestNotSent) as info:
            run_digest(load(data), settings, out_dir=out, send=True, today=TODAY, sleep=no_sleep)
        assert len(bad.messages) == 2  # one for a, one for b: nothing sent twice
        assert "In doubt for a@example.org" in str(info.value) and "--resend" in str(info.value)
        deliveries, waiting, snap = rows(state)
        mid = next(iter(deliveries))
        assert deliveries[mid] == {"a@example.org": "in-doubt", "Bee <b@example.org>": "in-doubt"}
        assert waiting == [] and snap[0] == LAST_WEEK  # nobody confirmed it: the baseline stays
        # the same run again (the same digest): not sent by itself
        with pytest.raises(DigestNotSent) as info:
            run_digest(load(data), settings, out_dir=out, send=True, today=TODAY, sleep=no_sleep)
        assert "already tried and reached nobody" in str(info.value) and len(bad.messages) == 2
        status = digest_status(settings)
        assert f"{short_id(mid)}  2026-11-24  reached nobody" in status and "in-doubt     a@example.org" in status
    good = SmtpServer().start()  # the server fixed: the settings now name a server that answers
    try:
        result, said = resend(settings_for(data, state, good.port), short_id(mid))
        assert sorted(m[1][0] for m in good.messages) == ["a@example.org", "b@example.org"]
        assert {good.parsed(i)["Message-ID"] for i in range(2)} == {mid}
        assert result.delivered and "emailed to a@example.org, Bee <b@example.org>" in said
    finally:
        good.stop()
    deliveries, waiting, snap = rows(state)
    assert deliveries[mid] == {"a@example.org": "sent", "Bee <b@example.org>": "sent"} and snap[0] == TODAY


def test_every_recipient_refused_keeps_the_changes_for_the_next_digest(place):
    data, state, out = place
    baseline_then_change(data, state, out)
    with BadSmtp("550-rcpt") as bad:
        with pytest.raises(DigestNotSent) as info:
            run_digest(load(data), settings_for(data, state, bad.port), out_dir=out, send=True, today=TODAY,
                       sleep=no_sleep)
    said = str(info.value)
    assert "Failed for a@example.org" in said and "relaying denied" in said and "next digest still contains" in said
    assert bad.messages == [] and len(bad.rcpts) == 2  # each tried once, no retry
    deliveries, waiting, snap = rows(state)
    assert list(deliveries.values())[0] == {"a@example.org": "failed", "Bee <b@example.org>": "failed"}  # newest
    assert waiting == [] and snap[0] == LAST_WEEK
    server = SmtpServer().start()
    try:
        summary = run_digest(load(data, TODAY + dt.timedelta(days=1)), settings_for(data, state, server.port),
                             out_dir=out, send=True, today=TODAY + dt.timedelta(days=1))
        assert "no changes" not in server.parsed(0)["Subject"]
        assert "2 new status entries, 1 new demand, 1 correction" in server.parsed(0)["Subject"]
        assert "since the last digest of 17 November 2026" in summary
    finally:
        server.stop()


def test_one_recipient_refused_the_other_served_and_resend_to_a_corrected_address(place, capsys):
    data, state, out = place
    server = RefuseOne("b@example.org").start()
    try:
        settings = settings_for(data, state, server.port)
        with pytest.raises(DigestNotSent) as info:
            run_digest(load(data), settings, out_dir=out, since=dt.date(2021, 1, 1), send=True, today=TODAY,
                       sleep=no_sleep)
        assert "emailed to a@example.org" in str(info.value) and "Failed for Bee <b@example.org>" in str(info.value)
        deliveries, waiting, snap = rows(state)
        mid = next(iter(deliveries))
        assert deliveries[mid] == {"a@example.org": "sent", "Bee <b@example.org>": "failed"}
        assert snap[0] == TODAY  # a delivered it: the next digest starts from here (documented choice)
        os.environ.update(mail_env(server.port, state))
        try:
            code = main(["--file", str(data), "digest", "--resend", short_id(mid), "--to", "b2@example.org"])
            out_text = capsys.readouterr().out
            assert code == 0 and "emailed to b2@example.org" in out_text
            assert main(["--file", str(data), "digest", "--status"]) == 0
            status = capsys.readouterr().out
            assert "failed       Bee <b@example.org> — the mail server refused b@example.org: 550" in status
            assert "sent         b2@example.org" in status
            assert main(["--file", str(data), "digest", "--resend", "zzzzzz"]) == 1
            assert "there is no digest 'zzzzzz'" in capsys.readouterr().err
            assert main(["--file", str(data), "digest", "--resend", mid, "--to", "x@example.org\r\nBcc: y"]) == 1
            assert "control character" in capsys.readouterr().err
        finally:
            for key in mail_env(server.port, state):
                os.environ.pop(key, None)
        assert [m[1] for m in server.messages] == [["a@example.org"], ["b2@example.org"]]
    finally:
        server.stop()


def test_a_4xx_leaves_the_recipients_for_the_next_run_and_records_no_sending(place):
    data, state, out = place
    with BadSmtp("4xx-rcpt") as bad:
        with pytest.raises(DigestNotSent) as info:
            run_digest(load(data), settings_for(data, state, bad.port), out_dir=out, since=dt.date(2021, 1, 1),
                       send=True, today=TODAY, sleep=no_sleep)
    said = str(info.value)  # a 4xx to RCPT concerns that recipient alone: each is tried, each named for itself
    assert "Not yet delivered to a@example.org: the mail server refused a@example.org for now: 451" in said
    assert "Not yet delivered to Bee <b@example.org>: the mail server refused b@example.org for now: 451" in said
    deliveries, waiting, snap = rows(state)
    assert list(deliveries.values()) == [{"a@example.org": "deferred", "Bee <b@example.org>": "deferred"}]
    assert len(waiting) == 1 and snap is None
    server = SmtpServer().start()
    try:
        summary = run_digest(load(data), settings_for(data, state, server.port), out_dir=out, send=True, today=TODAY)
        assert "emailed to a@example.org, Bee <b@example.org>" in summary and "doubt" not in summary
        assert [m[1] for m in server.messages] == [["a@example.org"], ["b@example.org"]]
    finally:
        server.stop()


def not_yet(said: str) -> list[str]:
    """Who each "Not yet delivered to ...:" sentence names."""
    import re

    return re.findall(r"Not yet delivered to ([^:]*):", said)


def test_one_full_mailbox_delays_only_its_owner_and_fails_after_a_day(place):
    data, state, out = place
    with BadSmtp("452-a") as bad:
        settings = settings_for(data, state, bad.port)
        with pytest.raises(DigestNotSent) as info:
            run_digest(load(data), settings, out_dir=out, since=dt.date(2021, 1, 1), send=True, today=TODAY,
                       sleep=no_sleep)
        said = str(info.value)
        assert "emailed to Bee <b@example.org>" in said and not_yet(said) == ["a@example.org"]
        assert "the mail server refused a@example.org for now: 452 4.2.2 mailbox full" in said
        deliveries, waiting, snap = rows(state)
        first = next(iter(deliveries))
        assert deliveries[first] == {"a@example.org": "deferred", "Bee <b@example.org>": "sent"} and waiting == [first]
        assert "not yet sent a@example.org — the mail server refused a@example.org for now: 452" in \
            digest_status(settings)

        # the same day: a is tried again first, and still holds back the next digest (for at most a day)
        shutil.copyfile(CHANGED, data)
        with pytest.raises(DigestNotSent) as info:
            run_digest(load(data), settings, out_dir=out, send=True, today=TODAY, sleep=no_sleep)
        assert "No new digest was made" in str(info.value) and not_yet(str(info.value)) == ["a@example.org"]
        assert len(bad.messages) == 1 and sum("<a@example.org>" in r for r in bad.rcpts) == 6

        # a day after the first 452: a counts as failed, the first digest settles, the next one is made
        db = sqlite3.connect(state / "digest.sqlite")
        with db:
            db.execute("UPDATE deliveries SET at = ? WHERE state = 'deferred'",
                       ((dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=25)).isoformat(timespec="seconds"),))
        db.close()
        with pytest.raises(DigestNotSent) as info:
            run_digest(load(data), settings, out_dir=out, send=True, today=TODAY + dt.timedelta(days=1),
                       sleep=no_sleep)
        said = str(info.value)
        assert "Failed for a@example.org: the mail server refused a@example.org for now: 452" in said
        assert "counts as failed" in said and "It was emailed to Bee <b@example.org>" in said
        assert not_yet(said) == ["a@example.org"]  # the new digest: a's own wait starts again
        deliveries, waiting, snap = rows(state)
        assert deliveries[first] == {"a@example.org": "failed", "Bee <b@example.org>": "sent"}
        assert first not in waiting and len(waiting) == 1 and snap[0] == TODAY
        assert len(bad.messages) == 2  # b: the first digest, then the next one


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_process_stopped_while_waiting_to_retry_leaves_nobody_skipped(place, signum):
    data, state, out = place
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with BadSmtp("4xx-rcpt") as bad:
        env.update(mail_env(bad.port, state))
        proc = subprocess.Popen([sys.executable, "-m", "monitor", "--file", str(data), "--today", "2026-11-24",
                                 "digest", "--since", "2021-01-01", "--send", "--out", str(out)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            assert bad.refused.wait(WAIT), "the process never reached the server"
            proc.send_signal(signum)  # after a 451 to RCPT: between attempts, never during DATA
            proc.wait(WAIT)
        finally:
            proc.kill()
            proc.communicate()
    deliveries, waiting, snap = rows(state)
    assert list(deliveries.values()) == [{}] and len(waiting) == 1  # nobody "sending", nobody in doubt
    server = SmtpServer().start()
    try:
        env.update(mail_env(server.port, state))
        done = subprocess.run([sys.executable, "-m", "monitor", "--file", str(data), "--today", "2026-11-24",
                               "digest", "--send", "--out", str(out)], capture_output=True, text=True, env=env,
                              timeout=WAIT)
        assert done.returncode == 0, done.stderr
        assert "emailed to a@example.org, Bee <b@example.org>" in done.stdout and "doubt" not in done.stdout
        assert [m[1] for m in server.messages] == [["a@example.org"], ["b@example.org"]]
    finally:
        server.stop()


def test_a_process_killed_while_waiting_after_a_4xx_to_the_message_leaves_nobody_in_doubt(place):
    data, state, out = place
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "monitor", "--file", str(data), "--today", "2026-11-24", "digest", "--send",
           "--out", str(out)]
    with BadSmtp("451-after-data") as bad:
        env.update(mail_env(bad.port, state))
        proc = subprocess.Popen(cmd[:-3] + ["--since", "2021-01-01"] + cmd[-3:], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        try:
            # the child logs this line right before it sleeps: the kill lands in the pause, never in DATA
            for line in proc.stderr:
                if "trying again in 5 s" in line:
                    break
            assert "451" in line and len(bad.messages) == 1
            proc.send_signal(signal.SIGKILL)
            proc.wait(WAIT)
        finally:
            proc.kill()
            proc.communicate()
    deliveries, waiting, snap = rows(state)
    assert list(deliveries.values()) == [{}] and len(waiting) == 1  # the 'sending' mark did not outlive the 451
    server = SmtpServer().start()
    try:
        env.update(mail_env(server.port, state))
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=WAIT)
        assert done.returncode == 0, done.stderr
        assert "emailed to a@example.org, Bee <b@example.org>" in done.stdout
        assert "doubt" not in done.stdout + done.stderr
        assert [m[1] for m in server.messages] == [["a@example.org"], ["b@example.org"]]
    finally:
        server.stop()


def earlier_digest_waiting(data, state, out):
    """A first digest that could not be sent (451 to every address): it waits in the outbox for both."""
    with BadSmtp("4xx-rcpt") as bad:
        with pytest.raises(DigestNotSent):
            run_digest(load(data), settings_for(data, state, bad.port), out_dir=out, since=dt.date(2021, 1, 1),
                       send=True, today=TODAY, sleep=no_sleep)
    assert len(rows(state)[1]) == 1


def cli_send(data, state, port, *more):
    os.environ.update(mail_env(port, state))
    try:
        return main(["--file", str(data), "--today", "2026-11-25", "digest", "--send", *more])
    finally:
        for key in mail_env(port, state):
            os.environ.pop(key, None)


def test_an_earlier_digest_failing_now_exits_1_even_with_no_changes(place, capsys):
    data, state, out = place
    earlier_digest_waiting(data, state, out)
    server = RefuseOne("b@example.org").start()
    try:
        code = cli_send(data, state, server.port, "--out", str(out))
    finally:
        server.stop()
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert "The earlier digest waiting in the outbox was emailed to a@example.org" in captured.err
    assert "Failed for Bee <b@example.org>: the mail server refused b@example.org: 550" in captured.err
    assert "Nothing has changed since then, so no new digest was made." in captured.err
    assert [m[1] for m in server.messages] == [["a@example.org"]]


def test_an_earlier_digest_in_doubt_exits_1_although_the_new_one_reached_everyone(place, capsys):
    data, state, out = place
    earlier_digest_waiting(data, state, out)
    db = sqlite3.connect(state / "digest.sqlite")  # as a run stopped while the message went out to a leaves it
    with db:
        db.execute("INSERT OR REPLACE INTO deliveries VALUES ((SELECT message_id FROM outbox), 'a@example.org', "
                   "'sending', '2026-11-24T08:00:00+00:00', '')")
    db.close()
    shutil.copyfile(CHANGED, data)
    server = SmtpServer().start()
    try:
        code = cli_send(data, state, server.port, "--out", str(out))
    finally:
        server.stop()
    err = capsys.readouterr().err
    assert code == 1
    assert "In doubt for a@example.org: the last run stopped while the digest was going out to them" in err
    assert "It was emailed to a@example.org, Bee <b@example.org>" in err  # the new digest reached both
    assert [m[1] for m in server.messages] == [["b@example.org"], ["a@example.org"], ["b@example.org"]]


def test_an_endless_greeting_does_not_hang_digest_send(place):
    data, state, out = place
    with BadSmtp("drip-greeting") as bad:
        settings = settings_for(data, state, bad.port, MONITOR_SMTP_TIMEOUT="1")
        with pytest.raises(DigestNotSent) as info:
            run_with_guard(lambda: run_digest(load(data), settings, out_dir=out, since=dt.date(2021, 1, 1),
                                              send=True, today=TODAY, sleep=no_sleep))
    assert "no complete answer within 1 s" in str(info.value) and "kept in the outbox" in str(info.value)


def test_twice_on_one_day_sends_one_no_changes_digest(place, smtp):
    data, state, out = place
    settings = settings_for(data, state, smtp.port)
    run_digest(load(data), settings, out_dir=out, send=True, today=TODAY)
    assert len(smtp.messages) == 2 and "no changes" in smtp.parsed(0)["Subject"]
    summary = run_digest(load(data), settings, out_dir=out, send=True, today=TODAY)
    assert "so it was not emailed" in summary and len(smtp.messages) == 2
    shutil.copyfile(CHANGED, data)  # news the same day: that is sent
    run_digest(load(data), settings, out_dir=out, send=True, today=TODAY)
    assert len(smtp.messages) == 4 and "no changes" not in smtp.parsed(-1)["Subject"]
    summary = run_digest(load(data), settings, out_dir=out, send=True, today=TODAY)
    assert "so it was not emailed" in summary and len(smtp.messages) == 4
    run_digest(load(data), settings, out_dir=out, send=True, today=TODAY + dt.timedelta(days=7))
    assert len(smtp.messages) == 6 and "no changes" in smtp.parsed(-1)["Subject"]  # next week: one again


def test_a_second_sender_at_the_same_time_refuses_with_a_message(place, smtp):
    from monitor.store import file_lock

    data, state, out = place
    state.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), **mail_env(smtp.port, state)}
    with file_lock(state / "digest.sqlite"):  # what a first 'digest --send' holds while it sends
        proc = subprocess.run([sys.executable, "-m", "monitor", "--file", str(data), "--today", "2026-11-24",
                               "digest", "--send", "--out", str(out)], capture_output=True, text=True, env=env,
                              timeout=WAIT)
    assert proc.returncode == 1 and "another 'monitor digest --send'" in proc.stderr
    assert "internal error" not in proc.stderr and smtp.messages == []
    proc = subprocess.run(proc.args, capture_output=True, text=True, env=env, timeout=WAIT)
    assert proc.returncode == 0 and len(smtp.messages) == 2


@pytest.mark.parametrize("make", ["random-bytes", "other-tables", "ours-with-other-tables", "fifo", "folder"])
def test_a_foreign_digest_database_is_a_message(place, make, capsys, refused_port):
    data, state, out = place
    state.mkdir()
    path = state / "digest.sqlite"
    if make == "random-bytes":
        path.write_bytes(bytes(range(256)) * 20)
    elif make == "fifo":
        os.mkfifo(path)
    elif make == "folder":
        path.mkdir()
    else:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE customers (name TEXT)")
        if make == "ours-with-other-tables":
            db.execute("CREATE TABLE snapshots (id INTEGER, taken TEXT)")
        db.commit()
        db.close()
    os.environ.update(mail_env(refused_port, state))
    try:
        code = run_with_guard(lambda: main(["--file", str(data), "--today", "2026-11-24", "digest", "--send",
                                            "--out", str(out)]))
        err = capsys.readouterr().err
        assert code == 1 and "is not monitor's digest database" in err and "internal error" not in err
        assert run_with_guard(lambda: main(["--file", str(data), "digest", "--status"])) == 1
        assert "is not monitor's digest database" in capsys.readouterr().err
    finally:
        for key in mail_env(0, state):
            os.environ.pop(key, None)
    if make == "other-tables":
        tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
        assert tables == [("customers",)]  # left as it was


@pytest.mark.parametrize("command", [["--send"], ["--resend", "1a2b3c4d"]])
def test_a_lock_file_that_cannot_be_made_is_a_state_folder_message(place, capsys, command, refused_port):
    data, state, out = place
    (state / ".digest.sqlite.lock").mkdir(parents=True)  # os.open fails on a folder, even for root
    os.environ.update(mail_env(refused_port, state))
    try:
        code = main(["--file", str(data), "--today", "2026-11-24", "digest", *command, "--out", str(out)])
    finally:
        for key in mail_env(0, state):
            os.environ.pop(key, None)
    err = capsys.readouterr().err
    assert code == 1 and f"the state folder {state} cannot be used" in err and ".digest.sqlite.lock" in err
    assert "cannot write the digest" not in err and "internal error" not in err


def test_a_database_from_before_the_mark_is_still_ours(place, smtp):
    from monitor.outbox import SCHEMA

    data, state, out = place
    state.mkdir()
    db = sqlite3.connect(state / "digest.sqlite")
    db.executescript(SCHEMA)
    db.close()
    run_digest(load(data), settings_for(data, state, smtp.port), out_dir=out, send=True, today=TODAY)
    assert len(smtp.messages) == 2


@pytest.mark.parametrize("name", ["digest-2026-11-24.txt", "digest-2026-11-24.html"])
def test_a_fifo_at_a_digest_path_is_a_message_not_a_hang(small_file, tmp_path, name):
    (tmp_path / "out" / "digests").mkdir(parents=True)
    os.mkfifo(tmp_path / "out" / "digests" / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-m", "monitor", "--file", str(small_file), "--today", "2026-11-24",
                           "digest", "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env,
                          timeout=WAIT)
    assert proc.returncode == 1 and "FIFO" in proc.stderr and name in proc.stderr
    assert "internal error" not in proc.stderr
