"""deploy/: the systemd unit and the Containerfile, tried as far as a machine without systemd or a container engine
allows.

The unit: `systemd-analyze verify` (any warning fails), then its [Service] lines played as systemd would: the
ExecStart in the WorkingDirectory with the Environment, stopped with the KillSignal, exit 0. The Containerfile:
hadolint, then its instructions played in order in a scratch folder standing for the image's `/` (COPY, RUN as
root, ENV, USER, VOLUME, WORKDIR), and the ENTRYPOINT + CMD run as the USER until `monitor schedule` is ready,
stopped with the STOPSIGNAL. Paths of the image are moved under the scratch folder; nothing else is changed.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import SCHEDULE_READY, run_schedule_until

DEPLOY = ROOT / "deploy"
WAIT = 300  # seconds; the Containerfile's pip install downloads the package's dependencies
READY = SCHEDULE_READY
VENV_BIN = Path(sys.executable).parent
IMAGE_PYTHON = "/usr/bin/python3"  # Debian's python3 and python3-venv: tests/run.sh installs them


def required(program: str) -> str:
    """The program's path; in CI (MONITOR_REQUIRE_TOOLS=1) its absence fails the test, elsewhere it skips."""
    path = shutil.which(program) or next((str(p) for p in (VENV_BIN / program, Path(program)) if p.exists()), None)
    if path is None:
        if os.environ.get("MONITOR_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{program} is needed for this test (tests/run.sh installs it)", pytrace=False)
        pytest.skip(f"{program} is not installed")
    return path


@pytest.fixture
def scratch():
    """A folder standing for `/`, in /tmp and open to all: a process running as another user can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="monitor-deploy-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def moved(text: str, root: Path, prefixes: tuple[str, ...]) -> str:
    """`text` with every absolute path under one of `prefixes` moved under `root`."""
    pattern = "|".join(re.escape(p) for p in prefixes)
    return re.sub(rf"(?<![\w/.])(?={pattern})", str(root), text)


def run_until_ready(cmd: list[str], stop: signal.Signals, **popen) -> str:
    """Start `cmd`, wait for `monitor schedule` to say it is ready, send `stop`; its log. It must exit 0."""
    return run_schedule_until(cmd, READY, stop=stop, wait=WAIT, **popen)


# -- the systemd unit ---------------------------------------------------------------------------------------------

def unit_service(text: str) -> list[tuple[str, str]]:
    """The [Service] section's key=value lines, in order (comments dropped)."""
    section, lines = "", []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line
        elif section == "[Service]" and line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            lines.append((key.strip(), value.strip()))
    return lines


def test_the_systemd_unit_verifies_and_its_service_starts_and_stops_cleanly(scratch, small_file, no_monitor_env):
    analyze = required("systemd-analyze")
    program = "/opt/monitor/bin/monitor"
    unit = (DEPLOY / "monitor.service").read_text(encoding="utf-8")
    assert program in unit
    here = scratch / "monitor.service"
    here.write_text(unit.replace(program, str(VENV_BIN / "monitor")), encoding="utf-8")  # installed as it says
    verify = subprocess.run([analyze, "verify", "--man=no", str(here)], capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0 and verify.stdout + verify.stderr == "", verify.stdout + verify.stderr

    service = dict(unit_service(here.read_text(encoding="utf-8")))
    prefixes = ("/srv/monitor", "/var/lib/monitor")
    register = Path(moved(service["WorkingDirectory"], scratch, prefixes))
    register.mkdir(parents=True)
    shutil.copyfile(small_file, register / "demands.yaml")
    for folder in (service["ReadWritePaths"], f"/var/lib/{service['StateDirectory']}"):
        Path(moved(folder, scratch, prefixes)).mkdir(parents=True, exist_ok=True)  # what systemd and the README make
    env = {**os.environ, "MONITOR_WATCH_SECONDS": "3600"}
    for key, value in unit_service(here.read_text(encoding="utf-8")):
        if key == "Environment":
            name, _, setting = value.partition("=")
            env[name] = moved(setting, scratch, prefixes)
    command = shlex.split(moved(service["ExecStart"], scratch, prefixes))
    log = run_until_ready(command, signal.Signals[service["KillSignal"]], cwd=register, env=env)
    assert "received SIGTERM" in log and "stopped" in log
    assert (scratch / "var/lib/monitor/jobs.sqlite").exists()  # the state folder systemd keeps across restarts


# -- the Containerfile --------------------------------------------------------------------------------------------

def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip()) for line in joined.splitlines()
            if line.strip()]


def test_the_containerfile_is_lint_free():
    hadolint = required("hadolint")
    lint = subprocess.run([hadolint, str(DEPLOY / "Containerfile")], capture_output=True, text=True, timeout=60)
    assert lint.returncode == 0 and lint.stdout == "", lint.stdout + lint.stderr


def test_the_containerfile_s_steps_run_in_order_and_its_command_runs_monitor_schedule(scratch, small_file,
                                                                                       no_monitor_env):
    required(IMAGE_PYTHON)
    steps = instructions((DEPLOY / "Containerfile").read_text(encoding="utf-8"))
    assert steps[0][0] == "FROM" and re.match(r"python:3\.(1[1-9])", steps[0][1])  # the Python this suite runs on
    prefixes = ("/opt/monitor", "/state", "/reports", "/data")
    # the image's `python`: Debian's, outside any home folder, so that the USER can run what the build made
    (scratch / "usr/local/bin").mkdir(parents=True)
    (scratch / "usr/local/bin/python").symlink_to(IMAGE_PYTHON)
    env = {"PATH": f"{scratch}/usr/local/bin:/usr/bin:/bin", "HOME": str(scratch)}
    user, workdir, stop = None, scratch, signal.SIGTERM
    entrypoint, cmd = [], []
    for op, args in steps[1:]:
        if op == "COPY":
            *sources, target = shlex.split(args)
            dest = Path(moved(target, scratch, prefixes))
            for source in sources:
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, dest, ignore=shutil.ignore_patterns("__pycache__"))
                elif target.endswith("/"):
                    dest.mkdir(parents=True, exist_ok=True)
                    shutil.copy(ROOT / source, dest / source)
                else:
                    shutil.copy(ROOT / source, dest)
        elif op == "RUN":  # as root, as the image is built (ownership given away to the USER included)
            done = subprocess.run(["sh", "-c", moved(args, scratch, prefixes)], capture_output=True, text=True,
                                  env=env, cwd=workdir, timeout=WAIT)
            assert done.returncode == 0, f"RUN {args}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        elif op == "ENV":
            for pair in shlex.split(args):
                name, _, value = pair.partition("=")
                env[name] = moved(re.sub(r"\$(\w+)", lambda m: env.get(m.group(1), ""), value), scratch, prefixes)
        elif op == "USER":
            user = tuple(int(n) for n in args.split(":"))
        elif op == "VOLUME":
            for folder in json.loads(args):
                assert Path(moved(folder, scratch, prefixes)).is_dir(), f"VOLUME {folder} was not made"
        elif op == "WORKDIR":
            workdir = Path(moved(args, scratch, prefixes))
            workdir.mkdir(parents=True, exist_ok=True)
        elif op == "STOPSIGNAL":
            stop = signal.Signals[args]
        elif op in ("ENTRYPOINT", "CMD"):
            (entrypoint if op == "ENTRYPOINT" else cmd)[:] = json.loads(args)
        else:
            pytest.fail(f"the test does not know how to play {op}: teach it")
    assert env["MONITOR_STATE"] and user is not None and user[0] != 0, "it should run as a user of its own"

    shutil.copyfile(small_file, workdir / "demands.yaml")  # the register, mounted read-only at /data
    program = shutil.which(entrypoint[0], path=env["PATH"])
    assert program and program.startswith(str(scratch)), "the entrypoint should be the image's own monitor"
    as_user = {"user": user[0], "group": user[1], "extra_groups": []} if os.geteuid() == 0 else {}
    log = run_until_ready([program] + [moved(a, scratch, prefixes) for a in entrypoint[1:] + cmd], stop, cwd=workdir,
                          env={**env, "MONITOR_WATCH_SECONDS": "3600"}, **as_user)
    assert "job weekly-digest added" in log
    store = Path(env["MONITOR_STATE"]) / "jobs.sqlite"
    assert store.exists() and (os.geteuid() != 0 or store.stat().st_uid == user[0])
