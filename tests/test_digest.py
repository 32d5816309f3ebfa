"""digest: change detection against the last sent snapshot, rendering, and sending exactly once (real SMTP)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

import monitor
from monitor.changes import compare, snapshot_before, snapshot_of
from monitor.digest import DigestNotSent, run_digest
from monitor.outbox import DigestState
from monitor.settings import load_settings
from tests.conftest import DATA, ROOT, SHIPPED
from tests.mail_servers import SmtpServer, mail_env

CHANGED = DATA / "digest" / "changed.yaml"
LAST_WEEK, TODAY = dt.date(2026, 11, 17), dt.date(2026, 11, 24)


def load(path, today=TODAY):
    return monitor.load_register(path, today=today)


@pytest.fixture
def setup(tmp_path):
    """A data file (small.yaml) in its own folder, with a state folder and a reports folder beside it."""
    data = tmp_path / "demands.yaml"
    shutil.copyfile(DATA / "valid" / "small.yaml", data)
    return data, tmp_path / "state", tmp_path / "reports"


def settings_for(data, state, port, **extra):
    return load_settings(data, environ={**mail_env(port, state), **extra})


def no_sleep(seconds):
    pass


def test_compare_finds_each_kind_of_change():
    before, now = snapshot_of(load(DATA / "valid" / "small.yaml")), snapshot_of(load(CHANGED))
    d = compare(before, now, today=TODAY, period_start=LAST_WEEK, last_digest=LAST_WEEK, stale_days=365)
    assert [(e.demand_id, e.date, e.previous, e.status, e.late) for e in d.new_entries] == [
        ("inquiry-2021", dt.date(2026, 11, 2), "partly-met", "in-progress", True),  # entered this week, event earlier
        ("roe-release-2021", dt.date(2026, 11, 20), "pending", "met", False)]
    assert [(n.demand_id, n.status) for n in d.new_demands] == [("monitoring-2021", "pending")]
    assert [(c.item_id, c.field, c.after) for c in d.corrections] == [
        ("doe-release-2019", "text", "calls for the immediate and unconditional release of Jane Doe")]
    assert {c.status: (c.before, c.now) for c in d.counts}["met"] == (1, 2)
    assert {c.status: (c.before, c.now) for c in d.counts}["pending"] == (1, 1)  # roe met, a new one pending
    # open, last moved more than 365 days ago
    assert [s.demand_id for s in d.stale] == ["inquiry-2019", "monitoring-2021", "assembly-law-2021"]
    assert d.subject == "Demands digest: 2 new status entries, 1 new demand, 1 correction (24 Nov 2026)"


def test_removed_and_rewritten_history_are_corrections_not_new_entries():
    before = snapshot_of(load(DATA / "valid" / "small.yaml"))
    now = snapshot_of(load(DATA / "valid" / "small.yaml"))
    law = now.demands["assembly-law-2021"]
    rewritten = law.history[1]._replace(note="The law was revised by parliament.")
    now.demands["assembly-law-2021"] = dataclasses.replace(law, history=(law.history[0], rewritten, *law.history[2:]))
    del now.demands["inquiry-2019"]
    d = compare(before, now, today=TODAY, period_start=LAST_WEEK, last_digest=LAST_WEEK, stale_days=365)
    assert d.new_entries == () and d.new_demands == ()
    assert [(c.kind, c.item_id, c.field) for c in d.corrections] == [
        ("history", "assembly-law-2021", "history entry of 2022-03-01"), ("demand", "inquiry-2019", "demand")]
    assert "removed from the register" in d.corrections[1].after


def test_the_first_digest_covers_the_last_seven_days_or_since():
    now = snapshot_of(load(CHANGED))
    week = compare(snapshot_before(now, LAST_WEEK), now, today=TODAY, period_start=LAST_WEEK, last_digest=None,
                   stale_days=365)
    assert [e.demand_id for e in week.new_entries] == ["roe-release-2021"] and week.new_demands == ()
    since = dt.date(2021, 1, 1)
    longer = compare(snapshot_before(now, since), now, today=TODAY, period_start=since, last_digest=None,
                     stale_days=365)
    assert [n.demand_id for n in longer.new_demands] == ["roe-release-2021", "inquiry-2021", "assembly-law-2021",
                                                         "monitoring-2021"]
    assert [(e.demand_id, e.date.isoformat()) for e in longer.new_entries] == [  # the new demands' later steps
        ("inquiry-2021", "2021-09-01"), ("inquiry-2021", "2022-02-01"), ("assembly-law-2021", "2022-03-01"),
        ("assembly-law-2021", "2023-04-01"), ("inquiry-2021", "2026-11-02"), ("roe-release-2021", "2026-11-20")]
    assert longer.corrections == ()


def stored_before_named_fields(register) -> dict:
    """A snapshot as monitor stored it before its entries had named fields (digest.py's snapshot_of at a0dcc9c):
    history entries as positional lists [date, status, note, [sources]]."""
    def value(v):
        return list(v) if isinstance(v, tuple) else v.isoformat() if isinstance(v, dt.date) else v

    return {"resolutions": {r.id: {f: value(getattr(r, f)) for f in ("title", "adopted", "reference", "procedure",
                                                                      "url")} for r in register.resolutions},
            "demands": {d.id: {**{f: value(getattr(d, f)) for f in ("resolution", "paragraph", "addressee", "topic",
                                                                     "person", "demand", "text", "quoted_from",
                                                                     "repeats")},
                               "history": [[e.date.isoformat(), e.status.value, e.note, list(e.sources)]
                                           for e in d.history]} for d in register.demands}}


def test_a_snapshot_stored_by_the_previous_version_is_still_the_baseline(setup):
    data, state, out = setup
    old = stored_before_named_fields(load(data, LAST_WEEK))
    st = DigestState(state)
    with st.db:
        st.db.execute("INSERT INTO snapshots (taken, message_id, data) VALUES (?, ?, ?)",
                      (LAST_WEEK.isoformat(), "<digest.0123456789@example.org>", json.dumps(old)))
    last = st.latest_snapshot()
    st.close()
    assert last.taken == LAST_WEEK and last.snapshot == snapshot_of(load(data, LAST_WEEK))
    back = last.snapshot.to_json()  # written back in the same layout: older versions can still read it
    for kind in ("resolutions", "demands"):
        assert {k: {f: v[f] for f in old[kind][k]} for k, v in back[kind].items()} == old[kind]
    entry = last.snapshot.demands["roe-release-2021"].history[0]
    assert (entry.date, entry.status) == (dt.date(2021, 5, 20), "pending")
    shutil.copyfile(CHANGED, data)
    settings = load_settings(data, environ={"MONITOR_STATE": str(state)})
    summary = run_digest(load(data), settings, out_dir=out, today=TODAY)
    assert "since the last digest of 17 November 2026: 2 new status entries, 1 new demand, 1 correction" in summary

def test_without_send_it_writes_the_files_and_no_state(setup):
    data, state, out = setup
    settings = load_settings(data, environ={"MONITOR_STATE": str(state)})
    summary = run_digest(load(data), settings, out_dir=out, since=dt.date(2021, 1, 1), today=TODAY)
    assert "Not emailed" in summary
    assert sorted(p.name for p in (out / "digests").iterdir()) == ["digest-2026-11-24.html", "digest-2026-11-24.txt"]
    assert not state.exists()


def send_baseline(data, settings, server):
    """The digest of last week, sent with small.yaml: the snapshot the next digest compares with."""
    run_digest(load(data, LAST_WEEK), settings, out_dir=data.parent / "reports", send=True, today=LAST_WEEK)
    server.messages.clear()
    shutil.copyfile(CHANGED, data)


def test_the_digest_arrives_as_an_email_a_client_can_show(setup, smtp):
    data, state, out = setup
    settings = settings_for(data, state, smtp.port)
    send_baseline(data, settings, smtp)
    summary = run_digest(load(data), settings, out_dir=out, send=True, today=TODAY)
    assert "emailed to a@example.org, Bee <b@example.org>" in summary
    assert [(m[0], m[1]) for m in smtp.messages] == [("monitor@example.org", ["a@example.org"]),
                                                     ("monitor@example.org", ["b@example.org"])]
    msg = smtp.parsed(0)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Message-ID"].startswith("<digest.") and msg["Message-ID"].endswith("@example.org>")
    assert smtp.parsed(1)["Message-ID"] == msg["Message-ID"]
    assert msg["Date"].datetime.tzinfo is not None
    assert msg["To"] == "a@example.org, Bee <b@example.org>" and msg["From"] == "NGO monitor <monitor@example.org>"
    # the register's name (from the resolutions' titles until demands.yaml has a title), what changed, the day
    assert msg["Subject"] == "Demands on Examplestan: 2 new status entries, 1 new demand, 1 correction (24 Nov 2026)"
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    for words in ("since the last digest, of 17 November 2026", "Release of Richard Roe", "pending -> ✓ met",
                  "recorded late", "Trial monitoring by the <b>EU Delegation</b>", "unconditional release",
                  "NEW DEMANDS (1)", "CORRECTIONS (1)"):
        assert words in text
    html = msg.get_body(("html",)).get_content()
    assert "<script>alert" not in html and '&lt;script&gt;alert("x")&lt;/script&gt; &amp; cleared' in html
    assert "<b>EU Delegation</b>" not in html and "&lt;b&gt;EU Delegation&lt;/b&gt;" in html
    assert re.search(r'href="https://example.org/news/roe-free\?a=1&amp;b=2"[^>]*>'
                     r'<bdi>https://example.org/news/roe-free\?a=1&amp;b=2</bdi></a>', html)
    assert 'href="http://evil.example' not in html  # an address inside the text is not a link
    assert "<style" not in html and "var(" not in html  # the look is in style attributes (see test_digest_html)
    saved = (out / "digests" / "digest-2026-11-24.txt").read_text(encoding="utf-8")
    assert saved.strip() == text.strip()


def test_server_down_then_up_delivers_one_digest_and_no_duplicate(setup):
    data, state, out = setup
    server = SmtpServer()  # its port is chosen and held, nothing listens there yet
    settings = settings_for(data, state, server.port)
    with pytest.raises(DigestNotSent) as info:
        run_digest(load(data), settings, out_dir=out, since=dt.date(2021, 1, 1), send=True, today=TODAY,
                   sleep=no_sleep)
    assert "kept in the outbox" in str(info.value) and "connection refused" in str(info.value)
    assert (out / "digests" / "digest-2026-11-24.txt").exists()
    st = DigestState(state)
    assert len(st.waiting()) == 1 and st.latest_snapshot() is None  # nothing delivered: the snapshot stays
    server.start()
    try:
        summary = run_digest(load(data), settings, out_dir=out, send=True, today=TODAY, sleep=no_sleep)
        assert "earlier digest waiting in the outbox was emailed" in summary and "no new digest" in summary
        assert [m[1] for m in server.messages] == [["a@example.org"], ["b@example.org"]]
        assert len({server.parsed(i)["Message-ID"] for i in range(2)}) == 1
        assert st.waiting() == [] and st.latest_snapshot()[0] == TODAY
        run_digest(load(data), settings, out_dir=out, send=True, today=TODAY + dt.timedelta(days=7))
        assert len(server.messages) == 4  # next week's digest: a new one, once per recipient
        assert "no changes" in server.parsed(-1)["Subject"]
    finally:
        server.stop()
        st.close()


def test_a_crash_between_sending_and_recording_never_sends_twice(setup, smtp, monkeypatch):
    data, state, out = setup
    settings = settings_for(data, state, smtp.port)
    real_mark = DigestState.mark

    def crash_after_send(self, message_id, recipient, state_name, detail=""):
        if state_name == "sent":
            raise RuntimeError("power cut")  # the message was handed over; recording it fails
        real_mark(self, message_id, recipient, state_name, detail)

    monkeypatch.setattr(DigestState, "mark", crash_after_send)
    with pytest.raises(RuntimeError):
        run_digest(load(data), settings, out_dir=out, send=True, today=TODAY)
    assert [m[1] for m in smtp.messages] == [["a@example.org"]]
    st = DigestState(state)
    assert st.latest_snapshot() is None and len(st.waiting()) == 1
    monkeypatch.setattr(DigestState, "mark", real_mark)
    with pytest.raises(DigestNotSent) as info:  # a in doubt needs the user: exit 1
        run_digest(load(data), settings, out_dir=out, send=True, today=TODAY)
    assert "In doubt for a@example.org" in str(info.value) and "not sent again" in str(info.value)
    assert [m[1] for m in smtp.messages] == [["a@example.org"], ["b@example.org"]]  # a once, b once
    assert st.deliveries(st.outbox_entry(smtp.parsed(0)["Message-ID"])["message_id"]) == {
        "a@example.org": "in-doubt", "Bee <b@example.org>": "sent"}
    assert st.latest_snapshot()[0] == TODAY and st.waiting() == []
    st.close()


def test_the_same_digest_is_recognised_by_its_message_id(setup, smtp):
    data, state, out = setup
    settings = settings_for(data, state, smtp.port)
    run_digest(load(data), settings, out_dir=out, since=dt.date(2021, 1, 1), send=True, today=TODAY)
    summary = run_digest(load(data), settings, out_dir=out, since=dt.date(2021, 1, 1), send=True, today=TODAY)
    assert "already emailed" in summary and len(smtp.messages) == 2


def test_digest_in_a_real_process_writes_the_files(tmp_path):
    data = tmp_path / "demands.yaml"
    shutil.copyfile(CHANGED, data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-m", "monitor", "--file", str(data), "--today", "2026-11-24", "digest",
                           "--since", "2020-01-01", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and "Not emailed" in proc.stdout
    text = (tmp_path / "out" / "digests" / "digest-2026-11-24.txt").read_text(encoding="utf-8")
    assert text.startswith("DEMANDS ON EXAMPLESTAN\nDigest of 24 November 2026") and "Release of Richard Roe" in text
    assert (tmp_path / "out" / "digests" / "digest-2026-11-24.html").read_text(encoding="utf-8").startswith(
        "<!DOCTYPE html>")
    assert not (tmp_path / ".monitor").exists()


def test_the_shipped_data_makes_a_digest_that_arrives(tmp_path, smtp):
    if not SHIPPED.exists():
        pytest.skip("no shipped demands.yaml yet")
    register, problems = monitor.validate_file(SHIPPED, today=TODAY)
    if register is None:
        pytest.skip("the shipped demands.yaml does not validate yet")
    settings = settings_for(SHIPPED, tmp_path / "state", smtp.port)
    run_digest(register, settings, out_dir=tmp_path / "out", since=dt.date(2024, 1, 1), send=True, today=TODAY)
    msg = smtp.parsed(0)
    text, html = msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()
    assert "ALL DEMANDS BY STATUS" in text and re.search(r"<h2[^>]*>All demands by status</h2>", html)
    assert re.search(rf"^  total +{len(register.demands)}\r?$", text, re.M)


def test_a_second_different_digest_on_the_same_day_keeps_the_first(small_register, tmp_path, monkeypatch):
    from monitor.settings import load_settings

    monkeypatch.setenv("MONITOR_STATE", str(tmp_path / "state"))
    settings = load_settings(tmp_path / "demands.yaml")
    today = dt.date(2026, 11, 24)
    run_digest(small_register, settings, out_dir=tmp_path / "out", since=dt.date(2021, 1, 1), today=today)
    run_digest(small_register, settings, out_dir=tmp_path / "out", since=dt.date(2021, 1, 1), today=today)
    run_digest(small_register, settings, out_dir=tmp_path / "out", since=dt.date(2023, 1, 1), today=today)
    names = sorted(p.name for p in (tmp_path / "out" / "digests").iterdir())
    assert names == ["digest-2026-11-24-2.html", "digest-2026-11-24-2.txt", "digest-2026-11-24.html",
                     "digest-2026-11-24.txt"]
    assert "2021" in (tmp_path / "out" / "digests" / "digest-2026-11-24.txt").read_text(encoding="utf-8")


def test_a_field_that_did_not_exist_when_the_snapshot_was_stored_is_no_correction(setup):
    """A snapshot stored before a field was added to the table (here: before `person` and `quoted_from`) reads
    those fields as absent, so a register that leaves them empty shows no change at all."""
    from monitor.snapshot import Snapshot

    data, _, _ = setup
    register = load(data, LAST_WEEK)
    old = stored_before_named_fields(register)
    for demand in old["demands"].values():
        for name in ("person", "quoted_from"):
            if not demand[name]:
                del demand[name]
    before = Snapshot.from_json(old)
    found = compare(before, snapshot_of(register), today=LAST_WEEK, period_start=LAST_WEEK, last_digest=LAST_WEEK,
                    stale_days=90)
    assert not found.corrections
