"""Helpers shared by several test modules (fixtures are in conftest.py)."""
from __future__ import annotations

import difflib
import threading


def only_added_lines(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`; fails if any line of `before` was changed or removed."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    added = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        assert op in ("equal", "insert"), f"{op}: {a[i1:i2]!r} -> {b[j1:j2]!r}"
        if op == "insert":
            added.extend(b[j1:j2])
    return added


def run_with_guard(call, seconds: float = 60):
    """Run `call` in a thread; fail (rather than hang the test run) if it has not returned after `seconds`."""
    box: dict = {}

    def target():
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the test
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s: it hangs"
    if "error" in box:
        raise box["error"]
    return box.get("value")


SCHEDULE_READY = "weekly digest, then report refresh: next run"  # what `monitor schedule` logs once it is running


def run_schedule_until(cmd: list[str], marker: str = SCHEDULE_READY, *, stop: int = 15, wait: float = 120,
                       **popen) -> str:
    """Start `monitor schedule` (`cmd`), wait until its log shows `marker`, send `stop` (SIGTERM by default) and
    return its whole log; it must exit 0 without a traceback. Killed after `wait` seconds if it never gets there."""
    import subprocess

    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, **popen)
    killer = threading.Timer(wait, proc.kill)
    killer.start()
    try:
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if marker in line:
                proc.send_signal(stop)
                seen.append(proc.stderr.read())
                break
        code = proc.wait()
    finally:
        killer.cancel()
        proc.kill()
    log = "".join(seen)
    assert marker in log and code == 0 and "Traceback" not in log, log
    return log
