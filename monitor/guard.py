"""The history guard: past statuses may never silently disappear.

Compares the file with a committed version (git): every demand that existed must still exist, and its history
must start with exactly the entries it had, in the same order. Corrections are new entries, never edits.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .load import YList, YMap, parse_bytes, read_file
from .problems import ERROR, Problem

_ENTRY_FIELDS = ("date", "status", "note", "sources")


class GuardUnavailable(Exception):
    """The comparison cannot be made (not a git repository, unknown revision)."""


def committed_bytes(path: str | os.PathLike, rev: str) -> bytes | None:
    """The file's contents at git revision `rev`, or None when the file did not exist there."""
    path = Path(path).resolve()
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=path.parent, capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        raise GuardUnavailable(f"{path.name} is not in a git repository, so there is no earlier version to compare "
                               "with — run without --against") from None
    relative = path.relative_to(Path(top).resolve()).as_posix()
    verify = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=top,
                            capture_output=True)
    if verify.returncode != 0:
        if rev == "HEAD":  # a repository with no commit yet: nothing to protect
            return None
        raise GuardUnavailable(f"git does not know the revision '{rev}' — use a commit, a branch or a tag")
    shown = subprocess.run(["git", "show", f"{rev}:{relative}"], cwd=top, capture_output=True)
    return shown.stdout if shown.returncode == 0 else None


def check_history_kept(path: str | os.PathLike, rev: str = "HEAD") -> list[Problem]:
    """Errors for every demand removed and every history entry removed, edited or reordered since `rev`."""
    old_data = committed_bytes(path, rev)
    if old_data is None:
        return []
    old = parse_bytes(old_data, f"{rev}:{Path(path).name}").tree
    new_loaded = read_file(path)
    new = new_loaded.tree
    shown = str(path)
    if not isinstance(old, YMap) or not isinstance(new, YMap):
        return []
    new_demands = {d.get("id"): d for d in _items(new.get("demands"))}
    anchor = new.key_pos.get("demands", (1, 1))
    problems = []
    for old_demand in _items(old.get("demands")):
        did = old_demand.get("id")
        if did not in new_demands:
            problems.append(Problem(shown, anchor[0], anchor[1], ERROR, "demand-removed",
                                    f"demand '{did}' (line {old_demand.pos[0]} in {rev}) was removed",
                                    f"put it back; mark it with a new history entry instead (git show {rev}:{Path(path).name})"))
            continue
        problems.extend(_compare_histories(shown, rev, did, old_demand, new_demands[did]))
    return problems


def _compare_histories(shown: str, rev: str, did: str, old: YMap, new: YMap) -> list[Problem]:
    old_entries = list(_items(old.get("history")))
    new_history = new.get("history")
    new_entries = list(_items(new_history))
    problems = []
    for index, old_entry in enumerate(old_entries):
        summary = f"{old_entry.get('date')} {old_entry.get('status')}"
        if index >= len(new_entries):
            at = new.key_pos.get("history", new.pos)
            problems.append(Problem(shown, at[0], at[1], ERROR, "history-removed",
                                    f"the history entry '{summary}' of demand '{did}' was removed",
                                    "put it back; to correct it, add a new entry at the end"))
            continue
        new_entry = new_entries[index]
        changed = [f for f in _ENTRY_FIELDS if _norm(old_entry.get(f)) != _norm(new_entry.get(f))]
        if changed:
            at = new_entry.pos
            problems.append(Problem(shown, at[0], at[1], ERROR, "history-rewritten",
                                    f"the history entry '{summary}' of demand '{did}' was changed ({', '.join(changed)})"
                                    f" or moved since {rev}",
                                    "restore it as it was; to correct it, add a new entry at the end"))
    return problems


def _items(seq):
    return [item for item in seq if isinstance(item, YMap)] if isinstance(seq, YList) else []


def _norm(value):
    if isinstance(value, list):
        return tuple(_norm(v) for v in value)
    if isinstance(value, str):
        return " ".join(value.split())
    return value
