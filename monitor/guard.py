"""The history guard: past statuses may never silently disappear.

Compares the file with a committed version (git): every demand that existed must still exist, and its history
must start with exactly the entries it had, in the same order. Corrections are new entries, never edits.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from .errors import MonitorError
from .i18n import _, format_number, ngettext
from .load import Loaded, YList, YMap, parse_bytes, read_file
from .model import Register
from .problems import Problem, problem
from .words import in_revision, since_revision

_ENTRY_FIELDS = ("date", "status", "note", "sources")


class GuardUnavailable(MonitorError):
    """The comparison cannot be made (not a git repository, unknown revision): wrong usage, exit 2."""

    exit_code = 2


class HistoryUnchecked(MonitorError):
    """The revision holds the register but it cannot be compared (moved elsewhere, or unreadable): exit 1."""


def committed_bytes(path: str | os.PathLike, rev: str) -> bytes | None:
    """The file's contents at git revision `rev` (or at `REV:PATH`), or None when the file did not exist there."""
    top, relative = _locate(path)
    return _committed(top, *_split_rev(rev, relative))


def staged_bytes(path: str | os.PathLike) -> bytes | None:
    """The file's contents in git's index (what `git commit` would record), or None when it is not staged."""
    top, relative = _locate(path)
    return _blob(top, f":{relative}")


def validate_staged(path: str | os.PathLike, *, today: dt.date | None = None) -> tuple[Register | None, list[Problem]]:
    """Validate the version of the file staged for commit, as validate_file does the working file."""
    from .validate import validate_loaded

    top, name = _locate(path)
    data = _blob(top, f":{name}")
    shown = str(path)
    if data is None:
        return None, [problem("file-missing.not-staged", (shown, 1, 1), name=name)]
    return validate_loaded(parse_bytes(data, shown), today=today)


def check_history_kept(path: str | os.PathLike, rev: str = "HEAD", *, staged: bool = False) -> list[Problem]:
    """Errors for every demand removed and every history entry removed, edited or reordered since `rev`.

    With `staged`, the version staged for commit is checked instead of the working file. Raises
    HistoryUnchecked when `rev` has the register elsewhere (moved or renamed) or cannot be read.
    """
    shown = str(path)
    top, relative = _locate(path)
    if staged:
        new_data = _blob(top, f":{relative}")
        if new_data is None:
            return []  # validate_staged has already said that the file is not staged
        new = parse_bytes(new_data, shown).tree
    else:
        new = read_file(path).tree
    if not isinstance(new, YMap):
        return []  # validation has already reported why
    old_rev, old_path = _split_rev(rev, relative)
    old_data = _committed(top, old_rev, old_path)
    if old_data is None:
        if old_path != relative:
            raise GuardUnavailable(_("there is no {path} in {rev} — give the path from the repository's top folder, "
                                     "as 'git ls-tree -r --name-only {rev}' lists it").format(path=old_path,
                                                                                             rev=old_rev))
        _refuse_if_moved(top, relative, old_rev, new)
        return []
    old = _readable_register(parse_bytes(old_data, f"{old_rev}:{old_path}"), old_rev, old_path)
    if old is None:
        return []
    new_demands = {d.get("id"): d for d in _items(new.get("demands"))}
    anchor = new.key_pos.get("demands", (1, 1))
    problems = []
    for old_demand in _items(old.get("demands")):
        did = old_demand.get("id")
        if did not in new_demands:
            problems.append(problem("demand-removed", (shown, *anchor), id=did, line=old_demand.pos[0],
                                    rev=in_revision(rev), committed=f"{old_rev}:{old_path}"))
            continue
        problems.extend(_compare_histories(shown, rev, did, old_demand, new_demands[did]))
    return problems


def _readable_register(old: Loaded, rev: str, relative: str) -> YMap | None:
    """The committed tree, None for an empty file (nothing to protect); HistoryUnchecked when it cannot be read."""
    errors = [p for p in old.problems if p.is_error]
    shape_ok = old.tree is None or (isinstance(old.tree, YMap)
                                    and isinstance(old.tree.get("demands"), (YList, type(None))))
    if not errors and shape_ok:
        return old.tree if isinstance(old.tree, YMap) else None
    if errors:
        why = _("line {line}: {message}").format(line=errors[0].line, message=errors[0].message)
    else:
        why = _("it holds no list of demands")
    raise HistoryUnchecked(_(
        "the version of {path} in {rev} cannot be read ({why}), so the history cannot be checked against it — "
        "check against an earlier commit in which it could be read (git log --oneline -- {path} lists them), "
        "for example: monitor validate --against {rev}~1").format(path=relative, rev=rev, why=why))


def _refuse_if_moved(top: str, relative: str, rev: str, new: YMap) -> None:
    """HistoryUnchecked when `rev` has no file at this path but holds the same register under another name."""
    if not _has_commit(top, rev):
        return  # a repository with no commit yet
    new_ids = {d.get("id") for d in _items(new.get("demands"))} - {None}
    if not new_ids:
        return
    best = None
    for old_path, data in _registers_in(top, rev):
        old = parse_bytes(data, f"{rev}:{old_path}").tree
        old_ids = {d.get("id") for d in _items(old.get("demands"))} - {None} if isinstance(old, YMap) else set()
        shared = len(new_ids & old_ids)
        # Similar means sharing at least half the demands of the smaller file: a move or rename shares all of
        # them, a split shares all of the new file's, while a register of its own rarely shares even one id.
        if shared and shared * 2 >= min(len(new_ids), len(old_ids)) and (best is None or shared > best[1]):
            best = (old_path, shared)
    if best is not None:
        old_path, shared = best
        raise HistoryUnchecked(ngettext(
            "{path} is not in {rev}, but {rev} has {old_path} with {count} of the same demands: the file was "
            "moved, renamed or copied since {rev}, so its history cannot be checked as {path} — check it "
            "against the old name: monitor --file {path} validate --against {rev}:{old_path}",
            "{path} is not in {rev}, but {rev} has {old_path} with {count} of the same demands: the file was "
            "moved, renamed or copied since {rev}, so its history cannot be checked as {path} — check it "
            "against the old name: monitor --file {path} validate --against {rev}:{old_path}", shared).format(
                path=relative, rev=rev, old_path=old_path, count=format_number(shared)))


def _registers_in(top: str, rev: str) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of every YAML file in `rev` whose text has a `demands:` key, read with one git process."""
    listing = subprocess.run(["git", "ls-tree", "-r", "-z", rev], cwd=top, capture_output=True, check=True).stdout
    blobs = []
    for record in listing.split(b"\0"):
        meta, _tab, name = record.partition(b"\t")
        fields = meta.split()
        if len(fields) == 3 and fields[1] == b"blob" and name.lower().endswith((b".yaml", b".yml")):
            blobs.append((name.decode("utf-8", "replace"), fields[2]))
    if not blobs:
        return
    batch = subprocess.run(["git", "cat-file", "--batch"], cwd=top, capture_output=True, check=True,
                           input=b"".join(oid + b"\n" for _path, oid in blobs)).stdout
    at = 0
    for path_name, _oid in blobs:
        header_end = batch.index(b"\n", at)
        size = int(batch[at:header_end].split()[2])
        data = batch[header_end + 1:header_end + 1 + size]
        at = header_end + 1 + size + 1
        if re.search(rb"(?m)^(?:\xef\xbb\xbf)?demands[ \t]*:", data):
            yield path_name, data


def _locate(path: str | os.PathLike) -> tuple[str, str]:
    """The repository's top folder and the file's path inside it; GuardUnavailable outside git."""
    path = Path(path).resolve()
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=path.parent, capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        raise GuardUnavailable(_("{name} is not in a git repository, so there is no earlier version to compare "
                                 "with — run without --against").format(name=path.name)) from None
    return top, path.relative_to(Path(top).resolve()).as_posix()


def _split_rev(rev: str, relative: str) -> tuple[str, str]:
    """`REV:PATH` (git's notation for a file in a revision) into its parts; a bare REV keeps the file's own path."""
    if rev[:1] != ":" and ":" in rev:
        rev, _colon, named = rev.partition(":")
        return rev, named.lstrip("/")
    return rev, relative


def _committed(top: str, rev: str, relative: str) -> bytes | None:
    if not _has_commit(top, rev):
        if rev == "HEAD":  # a repository with no commit yet: nothing to protect
            return None
        raise GuardUnavailable(_("git does not know the revision '{rev}' — use a commit, a branch or a tag").format(
            rev=rev))
    return _blob(top, f"{rev}:{relative}")


def _has_commit(top: str, rev: str) -> bool:
    return subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=top,
                          capture_output=True).returncode == 0


def _blob(top: str, spec: str) -> bytes | None:
    shown = subprocess.run(["git", "show", spec], cwd=top, capture_output=True)
    return shown.stdout if shown.returncode == 0 else None


def _compare_histories(shown: str, rev: str, did: str | None, old: YMap, new: YMap) -> list[Problem]:
    old_entries = list(_items(old.get("history")))
    new_history = new.get("history")
    new_entries = list(_items(new_history))
    problems = []
    for index, old_entry in enumerate(old_entries):
        summary = f"{old_entry.get('date')} {old_entry.get('status')}"
        if index >= len(new_entries):
            at = new.key_pos.get("history", new.pos)
            problems.append(problem("history-removed", (shown, *at), entry=summary, id=did))
            continue
        new_entry = new_entries[index]
        changed = [f for f in _ENTRY_FIELDS if _norm(old_entry.get(f)) != _norm(new_entry.get(f))]
        if changed:
            at = new_entry.pos
            problems.append(problem("history-rewritten", (shown, *at), entry=summary, id=did, fields=changed,
                                    rev=since_revision(rev)))
    return problems


def _items(seq: object) -> list[YMap]:
    return [item for item in seq if isinstance(item, YMap)] if isinstance(seq, YList) else []


def _norm(value: object) -> object:
    if isinstance(value, list):
        return tuple(_norm(v) for v in value)
    if isinstance(value, str):
        return " ".join(value.split())
    return value
