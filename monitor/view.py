"""What a report shows: the register as it stood at the end of one day, what changed since another, and which
version of the data it was made from.

`register_as_of` cuts the register (entries after the day left out, resolutions adopted after it absent);
`public` leaves out what is for the team only; `changes_since` lists each demand whose status moved between two
days (then those with news but no move); `cite` names the data's version (its git commit, or its SHA-256 where
there is no git) so that a printed report can be cited and made again. Pure functions over the model, except
`cite`, which asks git.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .fields import DEMAND
from .i18n import _, long_date
from .model import Demand, Entry, Register, Status
from .readfile import read_regular

_PRIVATE_FIELDS = frozenset(f.name for f in DEMAND if f.private)


@dataclass(frozen=True)
class View:
    """The day a report shows, the day its changes count from, and the data's version."""

    as_of: dt.date
    since: dt.date | None = None
    past: bool = False  # as_of is before the real today: the pages say "as it stood on"
    source: str = ""    # e.g. "demands.yaml, commit 3f2a9c1 of 29 November 2026"
    private: bool = False  # private material included (--include-private): every page says so at the top


@dataclass(frozen=True)
class Change:
    """A demand whose status moved between two days, with the entries that moved it (oldest first)."""

    demand: Demand
    before: Status | None  # None: the demand had not been made yet
    after: Status
    entries: tuple[Entry, ...]

    @property
    def moved(self) -> bool:
        """False for a demand with new entries but the same status as before."""
        return self.before != self.after


def register_as_of(register: Register, day: dt.date) -> Register:
    """The register as it stood at the end of `day`: later entries left out, later resolutions and their demands
    absent, `repeats` kept only towards demands still there."""
    resolutions = tuple(r for r in register.resolutions if r.adopted <= day)
    kept = {r.id for r in resolutions}
    demands = []
    for demand in register.demands:
        history = tuple(e for e in demand.history if e.date <= day)
        if demand.resolution in kept and history:
            demands.append(demand if history == demand.history else dataclasses.replace(demand, history=history))
    return dataclasses.replace(register, resolutions=resolutions, demands=_without_dangling_repeats(demands))


def public(register: Register) -> Register:
    """The register without what is for the team only: entries marked `private: true` and the demands' private
    fields (fields.DEMAND's `private`). A demand left with no entry at all is left out, and `repeats` towards it.
    The current status is then the one the public entries give."""
    demands = []
    for demand in register.demands:
        history = tuple(e for e in demand.history if not e.private)
        more = tuple((name, value) for name, value in demand.more if name not in _PRIVATE_FIELDS)
        if history:
            demands.append(demand if (history, more) == (demand.history, demand.more)
                           else dataclasses.replace(demand, history=history, more=more))
    return dataclasses.replace(register, demands=_without_dangling_repeats(demands))


def _without_dangling_repeats(demands: list[Demand]) -> tuple[Demand, ...]:
    present = {d.id for d in demands}
    return tuple(d if all(r in present for r in d.repeats)
                 else dataclasses.replace(d, repeats=tuple(r for r in d.repeats if r in present)) for d in demands)


def changes_since(register: Register, since: dt.date, as_of: dt.date) -> list[Change]:
    """Each demand whose status at the end of `as_of` differs from its status at the end of `since`, in file order,
    then each demand that has new entries without a change of status (`moved` tells them apart).

    A demand made after `since` counts only once it is no longer pending (a new resolution's demands are news
    of their own, in the reports' other sections).
    """
    moved, news = [], []
    for demand in register.demands:
        before, after = demand.status_on(since), demand.status_on(as_of)
        if after is None or (before is None and after is Status.PENDING):
            continue
        entries = tuple(e for e in demand.history if since < e.date <= as_of)
        if before != after:
            moved.append(Change(demand, before, after, entries))
        elif entries:
            news.append(Change(demand, before, after, entries))
    return moved + news


def cite(data_path: str | os.PathLike) -> str:
    """The data's version in words: its last git commit (and whether the file has changed since), or, outside
    git or for a file git does not track, the first 12 hex digits of its SHA-256."""
    path = Path(data_path).resolve()
    git = ["git", "-C", str(path.parent)]
    try:
        tracked = _git([*git, "ls-files", "--error-unmatch", "--", path.name])
        if tracked is not None:
            last = _git([*git, "log", "-1", "--format=%h %cs", "--", path.name])
            changed = _git([*git, "status", "--porcelain", "--", path.name])
            if last:
                commit, day = last.split()
                when = dt.date.fromisoformat(day)
                words = _("{file}, commit {commit} of {day}").format(file=path.name, commit=commit,
                                                                     day=long_date(when))
                return _("{source} with changes not yet committed").format(source=words) if changed else words
    except (OSError, ValueError):
        pass  # no git on this machine, or an answer we do not understand: the fingerprint still identifies it
    try:
        data = read_regular(path)  # never blocks: a FIFO or a device where the file should be is refused
    except OSError:
        data = None
    return f"{path.name}, SHA-256 {hashlib.sha256(data).hexdigest()[:12]}" if data is not None else path.name


def _git(command: list[str]) -> str | None:
    """git's output, stripped; None when git says no (not a repository, a file it does not track)."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=30,
                          env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    return done.stdout.strip() if done.returncode == 0 else None
