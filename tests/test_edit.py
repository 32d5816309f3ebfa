"""`monitor update` and `monitor add`: one entry added, nothing else changed, nothing half-written, ever."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import monitor
from monitor import edit
from monitor.cli import main
from monitor.edit import EditConflict, add_demand, add_entry
from monitor.load import parse_text
from monitor.splice import scalar

from .conftest import DATA, ROOT, TODAY
from .helpers import only_added_lines

STYLES = DATA / "roundtrip" / "styles.yaml"


def test_update_adds_exactly_one_entry_in_the_neighbours_layout(small_file):
    before = small_file.read_text(encoding="utf-8")
    message = add_entry(small_file, "roe-release-2021", status="met", date=TODAY, note="Released by pardon.",
                        sources=["https://example.org/a", "https://example.org/b"], today=TODAY)
    assert message == "added to roe-release-2021: 2026-11-24 met"
    added = only_added_lines(before, small_file.read_text(encoding="utf-8"))
    assert added == ["      - date: 2026-11-24\n", "        status: met\n", "        note: Released by pardon.\n",
                     "        sources:\n", "          - https://example.org/a\n", "          - https://example.org/b\n"]
    demand = monitor.load_register(small_file, today=TODAY).demand("roe-release-2021")
    assert demand.status is monitor.Status.MET
    assert demand.latest.sources == ("https://example.org/a", "https://example.org/b")


# The new entry's sources are laid out like those of the last entry that has some: a block list in
# aigerim-release (5 lines), a flow list after block-with-flow-sources' `sources: [https://example.org/n/2]` (4).
ENTRY = ["      - date: 2026-11-24", "        status: met", '        note: "Done: \\"yes\\" #1 — Айгерим"']
ADDED = {"aigerim-release": ENTRY + ["        sources:", "          - https://example.org/x"],
         "block-with-flow-sources": ENTRY + ["        sources: [https://example.org/x]"]}


@pytest.mark.parametrize("newline, bom", [("\n", False), ("\r\n", False), ("\r\n", True), ("\n", True)])
@pytest.mark.parametrize("demand_id", ["aigerim-release", "block-with-flow-sources"])
def test_round_trip_fidelity_on_every_style(tmp_path, newline, bom, demand_id):
    target = tmp_path / "styles.yaml"
    original = STYLES.read_text(encoding="utf-8").replace("\n", newline).encode("utf-8")
    target.write_bytes((b"\xef\xbb\xbf" if bom else b"") + original)
    add_entry(target, demand_id, status="met", date=TODAY, note='Done: "yes" #1 — Айгерим',
              sources=["https://example.org/x"], today=TODAY)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == bom
    text = data.decode("utf-8-sig")
    if newline == "\r\n":
        assert text.count("\r\n") == text.count("\n")
    added = only_added_lines(original.decode("utf-8"), text)
    assert added == [line + newline for line in ADDED[demand_id]]
    demand = monitor.load_register(target, today=TODAY).demand(demand_id)
    assert demand.latest.note == 'Done: "yes" #1 — Айгерим'
    assert demand.latest.sources == ("https://example.org/x",)


def test_a_flow_style_history_gets_the_entry_inside_its_brackets(tmp_path):
    target = tmp_path / "styles.yaml"
    target.write_bytes(STYLES.read_bytes())
    add_entry(target, "inquiry-flow", status="not-met", date=TODAY, note="Refused.",
              sources=["https://example.org/r"], today=TODAY)
    before, after = STYLES.read_text(encoding="utf-8").splitlines(), target.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and len(changed) == 1
    assert changed[0][1].endswith(', {date: 2026-11-24, status: not-met, note: Refused., sources: [https://example.org/r]}]}')
    assert monitor.load_register(target, today=TODAY).demand("inquiry-flow").status is monitor.Status.NOT_MET


def test_add_demand_appends_a_pending_demand(small_file):
    before = small_file.read_text(encoding="utf-8")
    add_demand(small_file, {"id": "protest-law-2021", "resolution": "2021", "paragraph": "unknown",
                            "addressee": "Examplestan authorities", "topic": "assemblies",
                            "demand": "Allow peaceful protest", "text": "calls on the authorities to allow protest",
                            "repeats": []}, today=TODAY)
    added = only_added_lines(before, small_file.read_text(encoding="utf-8"))
    assert added[0] == "  - id: protest-law-2021\n"
    assert '    resolution: "2021"\n' in added
    demand = monitor.load_register(small_file, today=TODAY).demand("protest-law-2021")
    assert demand.status is monitor.Status.PENDING
    assert str(demand.history[0].date) == "2021-05-20"


@pytest.mark.parametrize("kwargs, code", [
    ({"status": "done"}, "unknown-status"),
    ({"status": "in progress"}, "unknown-status"),
    ({"date": TODAY.replace(year=2020)}, "history-order"),
    ({"sources": ["javascript:alert(1)"]}, "bad-url"),
    ({"date": TODAY.replace(year=2030)}, "future-date"),
])
def test_invalid_updates_write_nothing_and_say_why(small_file, kwargs, code):
    before = small_file.read_bytes()
    args = {"status": "met", "date": TODAY, "note": "x", "sources": ["https://example.org/x"]} | kwargs
    with pytest.raises(monitor.DataError) as info:
        add_entry(small_file, "inquiry-2021", today=TODAY, **args)
    assert code in [p.code for p in info.value.problems]
    assert small_file.read_bytes() == before


def test_unknown_id_suggests_the_nearest(small_file, capsys):
    code = main(["--file", str(small_file), "update", "inquiry-202", "--status", "met", "--note", "x"])
    err = capsys.readouterr().err
    assert code == 1
    assert "there is no demand with id 'inquiry-202' — the nearest ids are: inquiry-2021, inquiry-2019" in err
    assert "nothing was written" in err


def test_an_invalid_file_is_not_touched(tmp_path):
    target = tmp_path / "bad.yaml"
    target.write_bytes((DATA / "invalid" / "unknown-status.yaml").read_bytes())
    with pytest.raises(monitor.DataError):
        add_entry(target, "inquiry-2021", status="met", date=TODAY, note="x", sources=[], today=TODAY)
    assert target.read_bytes() == (DATA / "invalid" / "unknown-status.yaml").read_bytes()


def test_a_file_changed_by_an_editor_meanwhile_is_not_overwritten(small_file, monkeypatch):
    real = edit.validate_loaded
    calls = []

    def validate_then_editor_saves(loaded, **kwargs):
        result = real(loaded, **kwargs)
        calls.append(1)
        if "note: x\n" in loaded.text:  # the new text was checked; it is about to be written
            small_file.write_text(small_file.read_text(encoding="utf-8") + "# saved by an editor\n", encoding="utf-8")
        return result

    monkeypatch.setattr(edit, "validate_loaded", validate_then_editor_saves)
    with pytest.raises(EditConflict, match="changed by another program"):
        add_entry(small_file, "inquiry-2021", status="met", date=TODAY, note="x", sources=["https://example.org/x"],
                  today=TODAY)
    assert small_file.read_text(encoding="utf-8").endswith("# saved by an editor\n")
    assert "note: x\n" not in small_file.read_text(encoding="utf-8")


def test_permissions_are_kept(small_file):
    os.chmod(small_file, 0o600)
    add_entry(small_file, "inquiry-2021", status="met", date=TODAY, note="x", sources=["https://example.org/x"],
              today=TODAY)
    assert small_file.stat().st_mode & 0o777 == 0o600


def test_twenty_concurrent_update_processes_all_land(small_file):
    before = small_file.read_text(encoding="utf-8")
    procs = [subprocess.Popen([sys.executable, "-m", "monitor", "--file", str(small_file), "--today", "2026-11-24",
                               "update", "roe-release-2021", "--status", "in-progress", "--date", "2026-11-24",
                               "--note", f"Colleague {n} reports a step.", "--source", f"https://example.org/s/{n}"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(20)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert [code for code, _ in results] == [0] * 20, results
    after = small_file.read_text(encoding="utf-8")
    added = only_added_lines(before, after)
    assert len(added) == 20 * 5
    notes = [e.note for e in monitor.load_register(small_file, today=TODAY).demand("roe-release-2021").history[1:]]
    assert sorted(notes) == sorted(f"Colleague {n} reports a step." for n in range(20))


CHILD = textwrap.dedent("""
    import datetime, sys, time
    from monitor.edit import add_entry
    path, start = sys.argv[1], int(sys.argv[2])
    for n in range(start, start + 1000):
        began = time.perf_counter()
        add_entry(path, "roe-release-2021", status="in-progress", date=datetime.date(2026, 11, 24),
                  note=f"step {n}", sources=["https://example.org/s"], today=datetime.date(2026, 11, 24))
        print(n, time.perf_counter() - began, flush=True)
""")


def test_200_sigkills_during_writes_never_leave_a_partial_file(small_file):
    """Kill a writer 200 times, each time at a random moment inside a write: the file is always a whole version.

    Deterministic in what it asserts: each round first waits for one completed write (so the writes go on) and
    then kills at a random point within the duration of the write that follows (measured by the child itself).
    """
    rng = random.Random(20261124)
    done = 0
    torn_writes = 0
    for _ in range(200):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(small_file), str(done)], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True)
        first, seconds = child.stdout.readline().split()
        assert int(first) == done
        time.sleep(rng.uniform(0, float(seconds)))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        strays = [p for p in small_file.parent.iterdir() if p.name.endswith(".tmp")]
        torn_writes += bool(strays)
        for stray in strays:
            stray.unlink()
        register, problems = monitor.validate_file(small_file, today=TODAY)
        assert register is not None, [str(p) for p in problems]
        notes = [e.note for e in register.demand("roe-release-2021").history[1:]]
        assert notes == [f"step {n}" for n in range(len(notes))]  # some complete version: old or new
        assert len(notes) >= done + 1
        done = len(notes)
    print(f"\n200 kills, {done} completed updates, {torn_writes} kills landed inside a write (temp file left)")


def test_the_lock_file_is_beside_the_data_file_and_hidden(small_file):
    add_entry(small_file, "inquiry-2021", status="met", date=TODAY, note="x", sources=["https://example.org/x"],
              today=TODAY)
    assert (small_file.parent / ".demands.yaml.lock").exists()


texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=texts.filter(lambda s: s.strip()), path=st.text(alphabet="abc/?=&#:%", max_size=15))
def test_update_on_any_note_changes_exactly_the_lines_of_the_new_entry(small_file, note, path):
    before = small_file.read_bytes()
    try:
        add_entry(small_file, "assembly-law-2021", status="not-met", date=TODAY, note=note,
                  sources=[f"https://example.org/{path}"], today=TODAY)
        after = small_file.read_text(encoding="utf-8")
        assert len(only_added_lines(before.decode("utf-8"), after)) == 5
        latest = monitor.load_register(small_file, today=TODAY).demand("assembly-law-2021").latest
        assert latest.note == " ".join(note.split())
    finally:
        small_file.write_bytes(before)


@given(texts)
def test_scalar_reads_back_as_the_same_text(value):
    assert parse_text(f"k: {scalar(value)}\n").tree == {"k": value}


KILL_AT = textwrap.dedent("""
    import datetime, os, signal, sys
    from monitor.edit import add_entry
    path, point = sys.argv[1], sys.argv[2]

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    def is_temp(fd):
        return os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp")

    real = {name: getattr(os, name) for name in ("write", "fsync", "chmod", "link", "replace", "unlink")}

    def write(fd, data):
        if not is_temp(fd):
            return real["write"](fd, data)
        if point == "mid-write":
            real["write"](fd, bytes(data[: len(data) // 2]))
        die()

    def after(name):  # do the real step, then die
        def step(*args, **kwargs):
            real[name](*args, **kwargs)
            die()
        return step

    patches = {
        "before-write": ("write", write), "mid-write": ("write", write), "before-fsync": ("fsync", die),
        "before-chmod": ("chmod", die), "before-link": ("link", die), "before-replace": ("replace", die),
        "after-replace": ("replace", after("replace")), "before-cleanup": ("unlink", die),
    }
    name, patch = patches[point]
    setattr(os, name, patch)
    add_entry(path, "roe-release-2021", status="met", date=datetime.date(2026, 11, 24), note="new",
              sources=["https://example.org/s"], today=datetime.date(2026, 11, 24))
""")


@pytest.mark.parametrize("point", ["before-write", "mid-write", "before-fsync", "before-chmod", "before-link",
                                   "before-replace", "after-replace", "before-cleanup"])
def test_sigkill_at_each_step_of_the_write_leaves_a_whole_version(small_file, point):
    """Killed at any step, the file is the old version or the new one, whole; at most hidden .tmp files remain."""
    before = small_file.read_bytes()
    child = subprocess.run([sys.executable, "-c", KILL_AT, str(small_file), point], cwd=ROOT, timeout=120)
    assert child.returncode == -signal.SIGKILL
    register = monitor.validate_file(small_file, today=TODAY)[0]
    assert register is not None
    notes = [e.note for e in register.demand("roe-release-2021").history]
    if point in ("after-replace", "before-cleanup"):
        assert notes[-1] == "new" and only_added_lines(before.decode(), small_file.read_text(encoding="utf-8"))
    else:
        assert small_file.read_bytes() == before
    strays = [p.name for p in small_file.parent.iterdir() if p.name not in ("demands.yaml", ".demands.yaml.lock")]
    assert all(name.startswith(".demands.yaml.") and name.endswith(".tmp") for name in strays), strays


