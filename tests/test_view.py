"""view: the register as of a day, what changed since another, and the data's version (git or SHA-256)."""
from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys

import pytest

import monitor
from monitor.model import Status
from monitor.view import changes_since, cite, register_as_of

from .conftest import DATA, ROOT, TODAY

SMALL = DATA / "valid" / "small.yaml"


def test_as_of_leaves_out_later_entries_and_resolutions(small_register):
    before_2021 = register_as_of(small_register, dt.date(2020, 12, 31))
    assert [r.id for r in before_2021.resolutions] == ["2019"]
    assert [d.id for d in before_2021.demands] == ["inquiry-2019", "doe-release-2019"]
    assert before_2021.demand("inquiry-2019").status is Status.NOT_MET
    mid_2022 = register_as_of(small_register, dt.date(2022, 6, 30))
    law = mid_2022.demand("assembly-law-2021")
    assert law.status is Status.MET and [e.date for e in law.history] == [dt.date(2021, 5, 20), dt.date(2022, 3, 1)]
    assert mid_2022.demand("inquiry-2021").repeats == ("inquiry-2019",)
    assert register_as_of(small_register, TODAY) == small_register
    assert register_as_of(small_register, dt.date(2019, 3, 13)).demands == ()


def test_changes_since_list_status_moves_with_their_entries(small_register):
    changes = {c.demand.id: c for c in changes_since(small_register, dt.date(2021, 12, 31), TODAY)}
    assert sorted(changes) == ["assembly-law-2021", "inquiry-2021"]
    law = changes["assembly-law-2021"]
    assert (law.before, law.after) == (Status.PENDING, Status.REVERSED)
    assert [e.status for e in law.entries] == [Status.MET, Status.REVERSED]
    # a demand made after the day counts once it is no longer pending ("not yet demanded" -> its status)
    made_later = {c.demand.id: c for c in changes_since(small_register, dt.date(2020, 1, 1), dt.date(2021, 12, 31))}
    assert made_later["inquiry-2021"].before is None and made_later["inquiry-2021"].after is Status.IN_PROGRESS
    assert "roe-release-2021" not in made_later  # made, and still pending: nothing moved
    # a new entry that keeps the status is listed after the moves, as news without a change
    import dataclasses

    from monitor.model import Entry

    inquiry = small_register.demand("inquiry-2019")
    again = Entry(dt.date(2022, 6, 1), Status.NOT_MET, "Refused again.", ("https://example.org/again",))
    register = dataclasses.replace(small_register, demands=tuple(
        dataclasses.replace(d, history=d.history + (again,)) if d is inquiry else d for d in small_register.demands))
    news = changes_since(register, dt.date(2022, 2, 15), dt.date(2022, 12, 31))
    assert [(c.demand.id, c.moved, [e.note for e in c.entries]) for c in news] == [
        ("assembly-law-2021", True, ["The law was revised."]), ("inquiry-2019", False, ["Refused again."])]


def git(repo, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def test_cite_names_the_commit_and_uncommitted_changes(tmp_path):
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "t@example.org")
    git(tmp_path, "config", "user.name", "T")
    data = tmp_path / "demands.yaml"
    data.write_bytes(SMALL.read_bytes())
    assert cite(data) == f"demands.yaml, SHA-256 {hashlib.sha256(data.read_bytes()).hexdigest()[:12]}"  # untracked
    git(tmp_path, "add", "demands.yaml")
    git(tmp_path, "commit", "-q", "-m", "data", "--date", "2026-11-20T10:00:00")
    short = git(tmp_path, "log", "-1", "--format=%h").strip()
    day = dt.date.fromisoformat(git(tmp_path, "log", "-1", "--format=%cs").strip())
    assert cite(data) == f"demands.yaml, commit {short} of {day.day} {day:%B %Y}"
    data.write_text(data.read_text(encoding="utf-8") + "# an edit\n", encoding="utf-8")
    assert cite(data) == f"demands.yaml, commit {short} of {day.day} {day:%B %Y} with changes not yet committed"


def test_cite_outside_git_is_the_files_fingerprint(tmp_path):
    data = tmp_path / "demands.yaml"
    data.write_bytes(b"resolutions: []\n")
    fingerprint = hashlib.sha256(data.read_bytes()).hexdigest()[:12]
    assert len(fingerprint) == 12 and cite(data) == f"demands.yaml, SHA-256 {fingerprint}"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_report_as_of_shows_the_register_as_it_stood(tmp_path):
    """The shipped data as of 31 December 2016: no 2022 page, no later entry, labelled, still validated today."""
    out = tmp_path / "reports"
    done = run("report", "--as-of", "2016-12-31", "--since", "2013-01-01", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [".monitor-reports", "2012.html", "2013.html", "demands.xlsx",
                                                     "index.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "As it stood on 31 December 2016" in index and "What changed since 1 January 2013" in index
    register = register_as_of(monitor.load_register(ROOT / "demands.yaml", today=TODAY), dt.date(2016, 12, 31))
    for year in range(2017, 2027):
        assert f'datetime="{year}-' not in index + (out / "2013.html").read_text(encoding="utf-8"), year
    assert f"<strong>{len(register.demands)}</strong> demands made by <strong>2</strong> resolutions" in index
    assert "demands.yaml, commit " in index or "demands.yaml, SHA-256 " in index  # which data it shows
    import zipfile

    with zipfile.ZipFile(out / "demands.xlsx") as book:
        workbook = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
    assert "As it stood on 2016-12-31" in workbook and "Made from demands.yaml, " in workbook


@pytest.mark.parametrize("args, says", [
    (["--as-of", "2999-01-01"], "is after today"),
    (["--as-of", "2016-12-31", "--since", "2016-12-31"], "is not before 2016-12-31"),
])
def test_days_that_cannot_be_shown_are_refused(tmp_path, args, says):
    done = run("report", *args, "--out", str(tmp_path / "reports"))
    assert done.returncode == 2 and says in done.stderr and not (tmp_path / "reports").exists()


def test_status_since_lists_what_changed():
    done = run("--file", str(SMALL), "--today", "2026-11-24", "status", "--since", "2021-12-31")
    assert done.returncode == 0, done.stderr
    tail = done.stdout.split("Changed since 2021-12-31: 2 demands.")[1]
    assert "assembly-law-2021: pending -> reversed" in tail and "2023-04-01 reversed:" in tail
    assert "inquiry-2021: in progress -> partly met" in tail


def test_cite_never_waits_on_a_fifo(tmp_path):
    """A named pipe where the data file should be is named, not read: reading it would wait for a writer forever."""
    import os

    fifo = tmp_path / "demands.yaml"
    os.mkfifo(fifo)
    assert cite(fifo) == "demands.yaml"


def test_the_digest_names_the_datas_version(tmp_path):
    """Both parts of the digest end with the data's version, as the pages do (here: a file outside git)."""
    data = tmp_path / "demands.yaml"
    data.write_bytes(SMALL.read_bytes())
    done = run("--file", str(data), "--today", "2026-11-24", "digest", "--since", "2021-01-01",
               "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    fingerprint = hashlib.sha256(data.read_bytes()).hexdigest()[:12]
    for part in (tmp_path / "out" / "digests").iterdir():
        assert f"demands.yaml, SHA-256 {fingerprint}" in part.read_text(encoding="utf-8"), part.name
