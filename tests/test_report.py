"""report: `monitor report` writes every file or none; same data and today, same bytes; invalid data, nothing."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import monitor
from monitor import cli
from monitor.report import write_reports

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INVALID = HERE / "data" / "invalid" / "month-13.yaml"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_writes_every_report(small_register, today, tmp_path):
    written = write_reports(small_register, tmp_path / "reports", today=today)
    assert [p.name for p in written] == ["index.html", "2019.html", "2021.html", "demands.xlsx"]
    assert sorted(snapshot(tmp_path / "reports")) == [".monitor-reports", "2019.html", "2021.html", "demands.xlsx",
                                                      "index.html"]
    assert (tmp_path / "reports" / ".monitor-reports").read_text() == "2019.html\n2021.html\ndemands.xlsx\nindex.html\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_same_data_and_today_give_identical_files(small_register, today, tmp_path):
    write_reports(small_register, tmp_path / "a", today=today)
    write_reports(small_register, tmp_path / "b", today=today)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_a_failure_while_rendering_leaves_the_previous_reports(small_register, today, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    write_reports(small_register, out, today=today)
    before = snapshot(out)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full while rendering")

    import monitor.render.excel

    monkeypatch.setattr(monitor.render.excel, "render_workbook", broken)
    with pytest.raises(RuntimeError):
        write_reports(small_register, out, today=dt_later(today))
    assert snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_failure_while_writing_leaves_the_previous_reports(small_register, today, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    write_reports(small_register, out, today=today)
    before = snapshot(out)
    import monitor.store

    real_open = open

    def failing_open(path, mode="r", *args, **kwargs):
        if "w" in mode and Path(path).name == "demands.xlsx":
            raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(monitor.store, "open", failing_open, raising=False)
    with pytest.raises(OSError):
        write_reports(small_register, out, today=dt_later(today))
    assert snapshot(out) == before


def dt_later(today):
    import datetime as dt

    return today + dt.timedelta(days=1)


def test_report_command_in_process(small_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["--file", str(small_file), "--today", "2026-11-24", "report", "--out", str(out)]) == 0
    assert "wrote 4 files" in capsys.readouterr().out
    assert (out / "index.html").read_text(encoding="utf-8").count("24 November 2026") >= 1


def test_invalid_data_exits_1_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["--file", str(INVALID), "report", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "month-13.yaml:" in err and "is not a date" in err
    assert not out.exists()


def test_invalid_data_leaves_existing_reports(small_register, today, tmp_path):
    out = tmp_path / "out"
    write_reports(small_register, out, today=today)
    before = snapshot(out)
    assert cli.main(["--file", str(INVALID), "report", "--out", str(out)]) == 1
    assert snapshot(out) == before


def test_invalid_data_in_a_subprocess(tmp_path):
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "monitor", "--file", str(INVALID), "report", "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.splitlines()[0].startswith(str(INVALID)) and "Traceback" not in run.stderr
    assert not out.exists()


def test_hostile_data_writes_pages_inside_the_folder(tmp_path, today):
    register = monitor.load_register(HERE / "data" / "hostile.yaml", today=today)
    written = write_reports(register, tmp_path / "out", today=today)
    assert sorted(p.name for p in written) == ["2020.html", "demands.xlsx", "index.html", "resolution-index.html"]
    assert all(p.parent == tmp_path / "out" for p in written)


@pytest.mark.skipif(not (ROOT / "demands.yaml").exists(), reason="the shipped demands.yaml is not there yet")
def test_the_shipped_data_renders(tmp_path, today):
    register = monitor.load_register(ROOT / "demands.yaml", today=today)
    written = write_reports(register, tmp_path / "out", today=today)
    assert {p.name for p in written} >= {"index.html", "demands.xlsx"} | {f"{r.id}.html" for r in register.resolutions}


def test_a_folder_that_cannot_be_written_is_a_message_not_a_crash(small_file, tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the reports folder should be")
    assert cli.main(["--file", str(small_file), "report", "--out", str(blocker / "reports")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"monitor: cannot write the reports to {blocker / 'reports'}/")
    assert "internal error" not in err


# -- writing failures become messages (issue 11) -----------------------------------------------------------------

def test_a_link_in_the_reports_folder_is_a_message_naming_it(small_file, small_register, today, tmp_path, capsys):
    out = tmp_path / "reports"
    write_reports(small_register, out, today=today)
    outside = tmp_path / "passwd"
    outside.write_text("root:x:0:0")
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(outside)
    before = snapshot(out)
    assert cli.main(["--file", str(small_file), "--today", "2026-11-25", "report", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"monitor: cannot write the reports to {out}/: {out / 'index.html'} is a link to {outside}")
    assert err.rstrip().endswith("or choose another folder with --out") and "internal error" not in err
    assert outside.read_text() == "root:x:0:0"
    assert snapshot(out) == before


def long_id_register(register, long_id):
    """The register with resolution '2019' renamed: built as a model, since validation may limit ids' length."""
    import dataclasses

    return dataclasses.replace(
        register,
        resolutions=tuple(dataclasses.replace(r, id=long_id) if r.id == "2019" else r for r in register.resolutions),
        demands=tuple(dataclasses.replace(d, resolution=long_id) if d.resolution == "2019" else d
                      for d in register.demands))


def test_a_page_name_too_long_for_the_disk_is_a_message(small_file, small_register, today, tmp_path, monkeypatch,
                                                        capsys):
    out = tmp_path / "reports"
    write_reports(small_register, out, today=today)
    before = snapshot(out)
    from monitor import commands

    monkeypatch.setattr(commands, "load_valid", lambda *a, **k: long_id_register(small_register, "r" * 300))
    assert cli.main(["--file", str(small_file), "--today", "2026-11-25", "report", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("monitor: cannot write the report rrrrrrrrrr") and "(305 characters)" in err
    assert "give the resolution a shorter id" in err and "internal error" not in err
    assert snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("limit, where", [
    (1_000, "{tmp}"),                 # the workbook's sheets, streamed through the temporary folder
    (20_000, "{out}/index.html"),     # the biggest page (35 KB), written into the staging folder
])
def test_a_full_disk_is_a_message_and_leaves_the_previous_reports(small_file, small_register, today, tmp_path, limit,
                                                                   where):
    import tempfile

    from .conftest import run_with_file_size_limit

    out = tmp_path / "reports"
    write_reports(small_register, out, today=today)
    before = snapshot(out)
    run = run_with_file_size_limit([sys.executable, "-m", "monitor", "--file", str(small_file), "--today",
                                    "2026-11-25", "report", "--out", str(out)], limit, cwd=ROOT)
    assert run.returncode == 1
    assert run.stdout == ""
    shown = where.format(tmp=tempfile.gettempdir(), out=out)
    assert run.stderr == (f"monitor: the disk is full: cannot write to {shown} — the previous reports in {out}/ are "
                          "unchanged; free some space (or choose a folder on another disk with --out) and run it "
                          "again\n")  # one line: no traceback, no "Exception ignored" from the workbook's writers
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]  # no staging folder left behind
