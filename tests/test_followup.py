"""Follow-up dates: set with `monitor update --follow-up`, cleared by a later entry, listed where the team looks."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import monitor
from monitor.followup import due

from .conftest import DATA, ROOT, TODAY

SMALL = DATA / "valid" / "small.yaml"


def cli(data, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "monitor", "--file", str(data), "--today", TODAY.isoformat(), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return done


def test_update_sets_a_follow_up_date_and_a_later_entry_clears_it(tmp_path):
    data = tmp_path / "demands.yaml"
    data.write_bytes(SMALL.read_bytes())
    cli(data, "update", "roe-release-2021", "--status", "in-progress", "--note", "A hearing was set.",
        "--source", "https://example.org/hearing", "--date", "2026-11-01", "--follow-up", "2026-12-10")
    assert "        follow_up: 2026-12-10\n" in data.read_text(encoding="utf-8")
    register = monitor.load_register(data, today=TODAY)
    assert register.demand("roe-release-2021").follow_up == dt.date(2026, 12, 10)
    assert [(f.demand.id, f.days) for f in due(register, TODAY)] == [("roe-release-2021", 16)]
    cli(data, "update", "roe-release-2021", "--status", "in-progress", "--note", "The hearing was postponed.",
        "--source", "https://example.org/later", "--date", "2026-11-20")
    register = monitor.load_register(data, today=TODAY)
    assert register.demand("roe-release-2021").follow_up is None and due(register, TODAY) == []


def follow_ups(tmp_path):
    """The small register with three follow-up dates: passed, in 10 days, and in 90 days (not yet listed)."""
    text = SMALL.read_text(encoding="utf-8")
    for marker, day in (("        note: The authorities refused international experts.\n", "2026-11-01"),
                        ("    text: calls for the release of Richard Roe\n    history:\n      - date: 2021-05-20\n"
                         "        status: pending\n        note: Demanded by the Parliament.\n", "2026-12-04"),
                        ("        status: reversed\n", "2027-02-22")):
        assert marker in text, marker
        text = text.replace(marker, marker + f"        follow_up: {day}\n", 1)
    data = tmp_path / "demands.yaml"
    data.write_text(text, encoding="utf-8")
    return data


def test_status_due_and_the_reports_and_the_digest_list_them(tmp_path):
    data = follow_ups(tmp_path)
    register = monitor.load_register(data, today=TODAY)
    listed = [(f.demand.id, f.day.isoformat(), f.overdue) for f in due(register, TODAY)]
    assert listed == [("inquiry-2019", "2026-11-01", True), ("roe-release-2021", "2026-12-04", False)]
    text = cli(data, "status", "--due").stdout
    assert "2026-11-01  overdue by 23 days" in text and "2026-12-04  in 10 days" in text
    assert "assembly-law-2021" not in text  # due in 90 days: not yet
    out = tmp_path / "out"
    cli(data, "report", "--out", str(out))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<section id="due">' in index and "overdue by 23 days" in index and "in 10 days" in index
    cli(data, "digest", "--since", "2026-01-01", "--out", str(out))
    for part in (out / "digests").iterdir():
        words = part.read_text(encoding="utf-8")
        assert "Due for follow-up (2)".lower() in words.lower() and "overdue by 23 days" in words, part.name


def test_a_follow_up_that_is_not_a_date_is_a_problem_at_its_line(tmp_path):
    text = SMALL.read_text(encoding="utf-8").replace(
        "        note: The authorities refused international experts.\n",
        "        note: The authorities refused international experts.\n        follow_up: next week\n", 1)
    data = tmp_path / "demands.yaml"
    data.write_text(text, encoding="utf-8")
    _, problems = monitor.validate_file(data, today=TODAY)
    line = text.splitlines().index("        follow_up: next week") + 1
    assert [(p.line, p.column, p.code) for p in problems] == [(line, 20, "bad-date")]
