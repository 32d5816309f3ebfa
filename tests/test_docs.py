"""The README's command examples work on a copy of the shipped data (the README is the users' manual)."""
from __future__ import annotations

import os
import re
import shlex
import shutil

import pytest

from monitor.cli import main

from .conftest import ROOT, SHIPPED

SAFE = {"validate", "status", "report", "update", "add", "digest"}


def readme_commands() -> list[str]:
    """Every `monitor ...` line of the README's sh blocks, continuation lines joined, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["monitor"] and len(words) > 1:
                commands.append(words)
    return [" ".join(shlex.quote(w) for w in c) for c in commands]


COMMANDS = [c for c in readme_commands() if set(shlex.split(c)) & SAFE and "--send" not in c]


def test_the_readme_shows_every_kind_of_command():
    used = {w for c in readme_commands() for w in shlex.split(c)}
    assert {"validate", "status", "report", "update", "add", "digest", "schedule"} <= used


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_example_runs_on_the_shipped_data(command, tmp_path, monkeypatch, capsys):
    if not SHIPPED.exists():
        pytest.skip("demands.yaml not present")
    shutil.copyfile(SHIPPED, tmp_path / "demands.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MONITOR_STATE", str(tmp_path / "state"))
    args = shlex.split(command)[1:]
    args = [str(tmp_path / "out") if a == "/tmp/reports" else a for a in args]
    if "--today" not in args:
        args = ["--today", "2026-11-24"] + args
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 0, (command, out, err)


def test_readme_problem_table_is_the_catalogue():
    """The README's table of problem codes is generated from monitor/messages.py (UPDATE_GOLDEN=1 rewrites it)."""
    from monitor.messages import problem_table

    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    found = re.search(r"^\| code \| kind \|.*?\n(?!\|)", text, flags=re.S | re.M)
    assert found, "the README has no table of problem codes"
    if os.environ.get("UPDATE_GOLDEN"):
        text = text[:found.start()] + problem_table() + text[found.end():]
        readme.write_text(text, encoding="utf-8")
        found = re.search(r"^\| code \| kind \|.*?\n(?!\|)", text, flags=re.S | re.M)
    assert found and found.group() == problem_table()
