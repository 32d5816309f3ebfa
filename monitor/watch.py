"""Whether the data file changed since the scheduler last looked, for the job that refreshes the reports.

What was seen last (the file's path, time, size and content fingerprint) is kept in `<state>/data-file.json`.
A file whose time and size are those of the last look is not read at all; a touched file (a new time, the same
content) does not count as changed.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, NamedTuple

from .readfile import read_regular

SEEN_FILE = "data-file.json"


class Look(NamedTuple):
    """What the data file is now (written by `remember`), and whether its content changed since the last look."""

    record: dict[str, Any]
    changed: bool


def look(path: Path, state_dir: Path) -> Look | None:
    """None when the file's time and size are those of the last look, else what it is now.

    OSError when the file cannot be read; a FIFO is refused (NotARegularFile), never read: it would hang the job.
    """
    seen = _seen(state_dir / SEEN_FILE)
    stat = path.stat()
    if seen.get("path") == str(path) and seen.get("mtime_ns") == stat.st_mtime_ns and seen.get("size") == stat.st_size:
        return None
    fingerprint = hashlib.sha256(read_regular(path) or b"").hexdigest()
    record = {"path": str(path), "mtime_ns": stat.st_mtime_ns, "size": stat.st_size, "fingerprint": fingerprint}
    # "sha256": the key's name before issue 12, in a state folder written by an older version
    changed = seen.get("path") != str(path) or seen.get("fingerprint", seen.get("sha256")) != fingerprint
    return Look(record, changed)


def remember(state_dir: Path, seen: Look) -> None:
    """Keep what was seen, for the next look (after the refresh: a refresh that failed is tried again)."""
    from .store import write_atomic

    write_atomic(state_dir / SEEN_FILE, json.dumps(seen.record).encode("utf-8"))


def _seen(seen_file: Path) -> dict[str, Any]:
    try:
        seen = json.loads(read_regular(seen_file) or b"{}")
    except (OSError, ValueError):
        return {}
    return seen if isinstance(seen, dict) else {}
