"""render/text and `monitor status`: counts by resolution and status, the oldest outstanding demands, 80 columns."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from monitor import cli
from monitor.render.text import render_status

HERE = Path(__file__).resolve().parent


def test_overview_of_the_small_fixture(small_register, today):
    text = render_status(small_register, today=today)
    lines = text.splitlines()
    assert lines[0] == "Status on 2026-11-24: 5 demands in 2 resolutions, 4 still open."
    assert lines[2].split() == ["resolution", "pending", "in", "progress", "partly", "met", "met", "not", "met",
                                "reversed", "total"]
    assert lines[4].split() == ["2019", "0", "0", "0", "1", "1", "0", "2"]
    assert lines[5].split() == ["2021", "1", "0", "1", "0", "0", "1", "3"]
    assert lines[6].split() == ["all", "1", "0", "1", "1", "1", "1", "5"]
    oldest = [line.split()[-1] for line in lines[9::2]]
    assert oldest == ["inquiry-2019", "inquiry-2021", "roe-release-2021", "assembly-law-2021"]
    assert "doe-release-2019" not in text  # met: not outstanding
    assert all(len(line) <= 80 for line in lines)


def test_one_resolution(small_register, today):
    text = render_status(small_register, "2019", today=today)
    assert text.startswith("Status on 2026-11-24: 2 demands in 1 resolution, 1 still open.")
    assert "2021" not in text.split("Oldest")[0] and "inquiry-2019" in text


def test_long_and_hostile_text_fits_80_columns(today):
    import monitor

    register = monitor.load_register(HERE / "data" / "hostile.yaml", today=today)
    assert all(len(line) <= 80 for line in render_status(register, today=today).splitlines())


def test_status_command(small_file, capsys):
    assert cli.main(["--file", str(small_file), "--today", "2026-11-24", "status", "--resolution", "2021"]) == 0
    out = capsys.readouterr().out
    assert "3 demands in 1 resolution" in out
    assert cli.main(["--file", str(small_file), "status", "--resolution", "1999"]) == 2
    assert "there is no resolution '1999'" in capsys.readouterr().err


def test_status_command_in_a_subprocess(small_file):
    run = subprocess.run([sys.executable, "-m", "monitor", "--file", str(small_file), "--today", "2026-11-24",
                          "status"], capture_output=True, text=True, cwd=HERE.parent)
    assert (run.returncode, run.stderr) == (0, "")
    assert "Oldest outstanding demands" in run.stdout


def test_direction_overrides_do_not_reach_the_terminal(today):
    import dataclasses

    import monitor

    register = monitor.load_register(HERE / "data" / "hostile.yaml", today=today)
    rtl = register.demand("rtl-2020")
    assert "\u202e" in rtl.demand
    still_open = dataclasses.replace(rtl, history=rtl.history[:1])
    register = dataclasses.replace(register, demands=tuple(still_open if d is rtl else d for d in register.demands))
    text = render_status(register, today=today)
    assert "\u202e" not in text and "evil.exe" in text
