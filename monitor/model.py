"""The register as data: resolutions, demands and their status histories.

Frozen dataclasses with no behaviour beyond what follows from the data itself. The current status of a
demand is derived from its history, never stored. This module imports nothing of ours but i18n, for the words of
the statuses in the reader's language (their keys, `met`, `not-met`..., never change).
"""
from __future__ import annotations

import datetime as _dt
import enum
from dataclasses import dataclass, field, fields

from .i18n import N_, _


class Status(str, enum.Enum):
    """The six statuses a demand can have, in the order reports list them."""

    PENDING = "pending"
    IN_PROGRESS = "in-progress"
    PARTLY_MET = "partly-met"
    MET = "met"
    NOT_MET = "not-met"
    REVERSED = "reversed"

    @property
    def meaning(self) -> str:
        """One sentence for users, in the active language: what this status says about a demand."""
        return _(STATUS_MEANINGS[self])

    @property
    def label(self) -> str:
        """The status as a person reads it, in the active language ("partly met")."""
        return _(STATUS_LABELS[self])

    @property
    def is_open(self) -> bool:
        """True while the demand is still outstanding (nothing, or only part, has happened)."""
        return self in (Status.PENDING, Status.IN_PROGRESS, Status.PARTLY_MET, Status.NOT_MET, Status.REVERSED)


STATUS_MEANINGS: dict[Status, str] = {
    Status.PENDING: N_("demanded; no step towards it is known"),
    Status.IN_PROGRESS: N_("steps towards it have been taken, none of them yet meets it"),
    Status.PARTLY_MET: N_("part of what was demanded has happened"),
    Status.MET: N_("what was demanded has happened"),
    Status.NOT_MET: N_("refused, or the occasion passed without it happening"),
    Status.REVERSED: N_("something had been achieved and was undone"),
}
STATUS_LABELS: dict[Status, str] = {
    Status.PENDING: N_("pending"), Status.IN_PROGRESS: N_("in progress"), Status.PARTLY_MET: N_("partly met"),
    Status.MET: N_("met"), Status.NOT_MET: N_("not met"), Status.REVERSED: N_("reversed"),
}

STATUS_NAMES: tuple[str, ...] = tuple(s.value for s in Status)

UNKNOWN_PARAGRAPH = "unknown"

# Unofficial translations of an item's prose fields: (language code, field name, text), in file order.
Translations = tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Resolution:
    """One resolution of the Parliament (or any body) whose demands are tracked."""

    id: str
    title: str
    adopted: _dt.date
    reference: str = ""
    procedure: str = ""
    url: str = ""
    translations: Translations = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Entry:
    """One dated step in a demand's status history."""

    date: _dt.date
    status: Status
    note: str
    sources: tuple[str, ...] = ()
    private: bool = False  # for the team only (see view.public)
    follow_up: _dt.date | None = None  # by when to check again; only the latest entry's counts
    translations: Translations = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Demand:
    """One demand made by one resolution, with its status history (oldest first)."""

    id: str
    resolution: str
    paragraph: str
    addressee: str
    topic: str
    demand: str
    text: str
    history: tuple[Entry, ...]
    person: str = ""
    quoted_from: str = ""
    repeats: tuple[str, ...] = ()
    more: tuple[tuple[str, str], ...] = ()  # (name, value) of optional fields that have no attribute here
    translations: Translations = ()
    line: int = field(default=0, compare=False)

    def value(self, name: str) -> object:
        """A field's value by its name in the file: its attribute, or its text in `more` ("" when not given)."""
        if name in _DEMAND_ATTRIBUTES:
            return getattr(self, name)
        return dict(self.more).get(name, "")

    @property
    def follow_up(self) -> _dt.date | None:
        """By when the team means to check this demand again: the latest entry's `follow_up`, if it gives one
        (a new entry without one clears an earlier date)."""
        return self.history[-1].follow_up

    @property
    def latest(self) -> Entry:
        """The latest history entry: the one that says where the demand stands."""
        return self.history[-1]

    @property
    def status(self) -> Status:
        """The current status: that of the latest history entry."""
        return self.history[-1].status

    @property
    def status_since(self) -> _dt.date:
        """The day the current status began: the first of the latest run of entries with that status."""
        since = self.history[-1].date
        for entry in reversed(self.history):
            if entry.status is not self.status:
                break
            since = entry.date
        return since

    @property
    def paragraph_checked(self) -> bool:
        """False while the paragraph number has not been checked in the adopted text."""
        return self.paragraph.strip().lower() != UNKNOWN_PARAGRAPH

    def status_on(self, day: _dt.date) -> Status | None:
        """The status as it stood at the end of `day`, or None if the demand was not yet made."""
        current = None
        for entry in self.history:
            if entry.date > day:
                break
            current = entry.status
        return current


_DEMAND_ATTRIBUTES = frozenset(f.name for f in fields(Demand)) - {"more", "line"}


@dataclass(frozen=True)
class Register:
    """Everything one data file holds."""

    resolutions: tuple[Resolution, ...]
    demands: tuple[Demand, ...]
    topics: tuple[str, ...] = ()
    title: str = ""  # what the register is about, for headings and subjects
    language: str = "en"  # the language the file's prose is written in (a code, as in translations:)
    translations: Translations = ()  # of the title

    def resolution(self, resolution_id: str) -> Resolution:
        """The resolution with this id (KeyError if there is none)."""
        for res in self.resolutions:
            if res.id == resolution_id:
                return res
        raise KeyError(resolution_id)

    def demand(self, demand_id: str) -> Demand:
        """The demand with this id (KeyError if there is none)."""
        for dem in self.demands:
            if dem.id == demand_id:
                return dem
        raise KeyError(demand_id)

    def demands_of(self, resolution_id: str) -> tuple[Demand, ...]:
        """The demands made by one resolution, in file order."""
        return tuple(d for d in self.demands if d.resolution == resolution_id)
