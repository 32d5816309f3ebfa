"""Which processes hold a file open for writing, as far as the system tells (Linux's /proc): for store's second look.

This module imports nothing of ours.
"""
from __future__ import annotations

import os
import time
from pathlib import Path


def wait_for_writers(old: os.stat_result, deadline: float) -> None:
    """Return once no process holds the file `old` open for writing, or at `deadline`.

    After our rename nobody can open the old file by its name any more, so once no writer holds it, no save can
    land in it later: the second look is then certain, whatever the machine's load. Linux's /proc tells which
    processes hold it; elsewhere, and for other users' processes, which /proc does not show, store's settle pause
    is all there is. Scanning /proc costs a few milliseconds per hundred processes.
    """
    while writing_elsewhere(old) and time.monotonic() < deadline:
        time.sleep(0.01)


def writing_elsewhere(old: os.stat_result) -> bool:
    """True when another process has the file `old` open for writing (as far as /proc shows)."""
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return False
    me = str(os.getpid())
    for pid in os.listdir(proc):
        if not pid.isdigit() or pid == me:
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:  # gone, or another user's process
            continue
        for fd in fds:
            try:
                info = os.stat(f"/proc/{pid}/fd/{fd}")
                if (info.st_ino, info.st_dev) != (old.st_ino, old.st_dev):
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}", encoding="ascii") as fdinfo:
                    flags = next(int(line.split()[1], 8) for line in fdinfo if line.startswith("flags:"))
            except (OSError, StopIteration, ValueError):
                continue
            if flags & (os.O_WRONLY | os.O_RDWR):
                return True
    return False
