"""What changed between two snapshots of the register: the content of one digest, computed without I/O.

The snapshot type and its stored layout are snapshot.py's; here the register becomes a snapshot
(`snapshot_of`), and two snapshots become a Digest (`compare`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Iterator
from typing import Any

from .i18n import _, counted, short_date
from .model import Register, Status
from .prose import Prose
from .snapshot import (
    DEMAND_FIELDS,
    RESOLUTION_FIELDS,
    Baseline,
    DemandSnapshot,
    FieldValue,
    Snapshot,
    SnapshotEntry,
)

FIRST_PERIOD_DAYS = 7
# The monthly list of demands that have not moved shows at most this many (the oldest first); the reports have all.
STALE_LISTED = 100


def snapshot_of(register: Register) -> Snapshot:
    """The register as a snapshot: what a digest compares against next time."""
    def value(v: Any) -> FieldValue:
        return v.isoformat() if isinstance(v, dt.date) else v

    return Snapshot(
        resolutions={r.id: {f: value(getattr(r, f)) for f in RESOLUTION_FIELDS} for r in register.resolutions},
        demands={d.id: DemandSnapshot({f: value(d.value(f)) for f in DEMAND_FIELDS},
                                      tuple(SnapshotEntry(e.date, e.status.value, e.note, tuple(e.sources))
                                            for e in d.history))
                 for d in register.demands})


def snapshot_before(snapshot: Snapshot, day: dt.date) -> Snapshot:
    """The snapshot as it would have been before `day`: only entries dated earlier (the first digest's baseline)."""
    demands = {}
    for key, dem in snapshot.demands.items():
        history = tuple(e for e in dem.history if e.date < day)
        if history:
            demands[key] = dataclasses.replace(dem, history=history)
    return Snapshot(snapshot.resolutions, demands)


# -- what a digest says ----------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class NewEntry:
    """A history entry that was not in the last digest; `late` when its event predates the digest's period."""

    demand_id: str
    demand: str
    person: str
    resolution: str
    date: dt.date
    status: str
    previous: str | None
    note: str
    sources: tuple[str, ...]
    late: bool


@dataclasses.dataclass(frozen=True)
class NewDemand:
    demand_id: str
    demand: str
    person: str
    resolution: str
    addressee: str
    status: str
    since: dt.date


@dataclasses.dataclass(frozen=True)
class Correction:
    """A changed field of a demand or resolution, a changed or removed history entry, or a removed item."""

    kind: str
    item_id: str
    label: str
    field: str
    before: str
    after: str


@dataclasses.dataclass(frozen=True)
class StaleDemand:
    demand_id: str
    demand: str
    person: str
    resolution: str
    status: str
    since: dt.date
    days: int


@dataclasses.dataclass(frozen=True)
class StatusCount:
    status: str
    now: int
    before: int


@dataclasses.dataclass(frozen=True)
class Digest:
    """Everything one digest says, ready for the templates."""

    today: dt.date
    period_start: dt.date
    last_digest: dt.date | None
    new_entries: tuple[NewEntry, ...]
    new_demands: tuple[NewDemand, ...]
    corrections: tuple[Correction, ...]
    stale: tuple[StaleDemand, ...]
    stale_total: int
    stale_days: int
    counts: tuple[StatusCount, ...]
    resolutions: dict
    data_file: str = "demands.yaml"
    stale_listed: bool = True  # this digest lists the demands that have not moved (see stale_list_due)
    title: str = ""  # the register's name, for the subject and the heading (digest.digest_title); see `name`
    title_language: str = ""  # the language `title` is in when it is not the digest's (an untranslated title)
    reports_url: str = ""  # where the reports are published (the reports_url setting); "" for none
    private: bool = False  # private material included (--include-private): said at the top; never emailed
    source: str = ""  # the data's version (view.cite): its git commit, or its SHA-256 outside git
    due: tuple = ()  # followup.Due: follow-up dates passed or within DUE_DAYS (digest._edition)
    language: str = "en"  # the language the digest is written in
    source_language: str = "en"  # the language of the register's prose (Register.language)
    translations: dict = dataclasses.field(default_factory=dict)  # prose_key(...) -> its text in `language`

    def prose(self, kind: str, original: str, *key: object) -> Prose:
        """An item's prose as this digest's reader sees it: the file's (unofficial) translation into the digest's
        language where it has one, else the original, in the register's language. `kind` and `key` as in
        prose_key: ("demand", id), ("resolution", id), ("entry", demand id, date, note)."""
        text = self.translations.get(prose_key(kind, *key)) if self.language != self.source_language else None
        return Prose(text, self.language, translated=True) if text else Prose(original, self.source_language)

    @property
    def change_count(self) -> int:
        return len(self.new_entries) + len(self.new_demands) + len(self.corrections)

    @property
    def headline(self) -> str:
        """What changed, in a few words ('2 new status entries, 1 correction' or 'no changes'), in the active
        language."""
        parts = [counted(len(self.new_entries), "{count} new status entry", "{count} new status entries")
                 if self.new_entries else "",
                 counted(len(self.new_demands), "{count} new demand", "{count} new demands")
                 if self.new_demands else "",
                 counted(len(self.corrections), "{count} correction", "{count} corrections")
                 if self.corrections else ""]
        return ", ".join(p for p in parts if p) or _("no changes")

    @property
    def name(self) -> str:
        """What the digest is called in its subject and heading: `title`, else "Demands digest" in the active
        language."""
        return self.title or _("Demands digest")

    @property
    def subject(self) -> str:
        """The email's subject: the register's name, what changed, and the day (short: the headline comes early)."""
        return _("{title}: {changes} ({day})").format(title=self.name, changes=self.headline,
                                                      day=short_date(self.today))


def prose_key(kind: str, *key: object) -> str:
    """The key of an item's prose field in Digest.translations: 'demand:<id>' (its one-line `demand`),
    'resolution:<id>' (its `title`), 'entry:<demand id>:<date>:<note>' (a history entry's `note`)."""
    return ":".join([kind, *(k.isoformat() if isinstance(k, dt.date) else str(k) for k in key)])


def translations_into(register: Register, language: str) -> dict[str, str]:
    """The register's translations into `language` of what a digest shows: each demand's one-liner, each
    resolution's title and each entry's note, by prose_key; {} for the register's own language."""
    from .prose import translation

    if language == register.language:
        return {}
    found = {prose_key("resolution", r.id): translation(r, "title", language) for r in register.resolutions}
    for d in register.demands:
        found[prose_key("demand", d.id)] = translation(d, "demand", language)
        for e in d.history:
            found[prose_key("entry", d.id, e.date, e.note)] = translation(e, "note", language)
    return {key: text for key, text in found.items() if text}


def stale_list_due(delivered_before: dt.date | None, today: dt.date) -> bool:
    """True when this digest lists the demands that have not moved: the first digest of a calendar month, i.e.
    no digest was delivered earlier this month (`delivered_before`: the last one delivered before today, or None).
    The others give only their number, so the same list does not come every week."""
    return delivered_before is None or (delivered_before.year, delivered_before.month) != (today.year, today.month)


def compare_with_last(now: Snapshot, last: Baseline | None, *, since: dt.date | None, today: dt.date,
                      stale_days: int, data_file: str = "demands.yaml", stale_listed: bool = True) -> Digest:
    """The digest of `now` against the last delivered one; for the first digest, or with `since`, the entries
    dated from `since` (or the last FIRST_PERIOD_DAYS days) on. The demands that have not moved are listed
    when `stale_listed` (see stale_list_due), otherwise counted."""
    if last is not None and since is None:
        return compare(last.snapshot, now, today=today, period_start=last.taken, last_digest=last.taken,
                       stale_days=stale_days, data_file=data_file, stale_listed=stale_listed)
    period_start = since or today - dt.timedelta(days=FIRST_PERIOD_DAYS)
    return compare(snapshot_before(now, period_start), now, today=today, period_start=period_start,
                   last_digest=None, stale_days=stale_days, data_file=data_file, stale_listed=stale_listed)


def compare(before: Snapshot, now: Snapshot, *, today: dt.date, period_start: dt.date, last_digest: dt.date | None,
            stale_days: int, data_file: str = "demands.yaml", stale_listed: bool = True) -> Digest:
    """What changed from `before` to `now`, plus the demands that have not moved for long (listed only when
    `stale_listed`, otherwise counted)."""
    new_entries, new_demands, corrections = [], [], []
    for key, dem in now.demands.items():
        old = before.demands.get(key)
        if old is None:
            new_demands.append(NewDemand(key, dem.text("demand"), dem.text("person"), dem.text("resolution"),
                                         dem.text("addressee"), dem.history[-1].status, dem.history[0].date))
            added = list(range(1, len(dem.history)))  # its later steps are news too
            changed: list[tuple[str, str, str]] = []
        else:
            corrections += _field_corrections("demand", key, dem.fields["demand"], old.fields, dem.fields,
                                              DEMAND_FIELDS)
            added, changed = _history_changes(old.history, dem.history)
        new_entries += [_new_entry(key, dem, index, period_start) for index in added]
        corrections += [Correction("history", key, dem.text("demand"), field, b, a) for field, b, a in changed]
    for key, old in before.demands.items():
        if key not in now.demands:
            corrections.append(Correction("demand", key, old.text("demand"), "demand", old.text("demand"),
                                          _("removed from the register")))
    for key, res in now.resolutions.items():
        if key in before.resolutions:
            corrections += _field_corrections("resolution", key, res["title"], before.resolutions[key], res,
                                              RESOLUTION_FIELDS)
    new_entries.sort(key=lambda e: (e.date, e.demand_id))
    stale = sorted(_stale(now, today, stale_days), key=lambda s: (s.since, s.demand_id))
    return Digest(today=today, period_start=period_start, last_digest=last_digest, new_entries=tuple(new_entries),
                  new_demands=tuple(new_demands), corrections=tuple(corrections),
                  stale=tuple(stale[:STALE_LISTED]) if stale_listed else (), stale_total=len(stale),
                  stale_days=stale_days, counts=_counts(before, now),
                  resolutions={k: r["title"] for k, r in now.resolutions.items()}, data_file=data_file,
                  stale_listed=stale_listed)


def _field_corrections(kind: str, key: str, label: Any, old: dict[str, FieldValue], new: dict[str, FieldValue],
                       names: tuple[str, ...]) -> list[Correction]:
    return [Correction(kind, key, label, f, _shown(old.get(f)), _shown(new.get(f)))
            for f in names if old.get(f) != new.get(f)]


def _new_entry(key: str, dem: DemandSnapshot, index: int, period_start: dt.date) -> NewEntry:
    entry = dem.history[index]
    previous = dem.history[index - 1].status if index else None
    return NewEntry(key, dem.text("demand"), dem.text("person"), dem.text("resolution"), entry.date,
                    entry.status, previous, entry.note, entry.sources, late=entry.date < period_start)


def _history_changes(old: tuple[SnapshotEntry, ...],
                     new: tuple[SnapshotEntry, ...]) -> tuple[list[int], list[tuple[str, str, str]]]:
    """Indexes of entries added to `new`, and (field, before, after) for entries edited or removed."""
    added: list[int] = []
    changed: list[tuple[str, str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "insert":
            added += range(j1, j2)
        elif op in ("delete", "replace"):
            pairs = list(zip(range(i1, i2), range(j1, j2))) if op == "replace" else []
            for i, j in pairs:
                changed.append((_entry_name(old[i]), _entry_text(old[i]), _entry_text(new[j])))
            for i in range(i1 + len(pairs), i2):
                changed.append((_entry_name(old[i]), _entry_text(old[i]), _("removed")))
            added += range(j1 + len(pairs), j2)
    return sorted(added), changed


def _entry_name(entry: SnapshotEntry) -> str:
    # the date as the file writes it (date: 2022-03-01), so that the entry can be found there
    return _("history entry of {date}").format(date=entry.date.isoformat())


def _entry_text(entry: SnapshotEntry) -> str:
    text = f"{entry.date.isoformat()} {entry.status}: {entry.note}"
    return text + (" (" + ", ".join(entry.sources) + ")" if entry.sources else "")


def _stale(now: Snapshot, today: dt.date, stale_days: int) -> Iterator[StaleDemand]:
    for key, dem in now.demands.items():
        latest = dem.history[-1]
        days = (today - latest.date).days
        if Status(latest.status).is_open and days >= stale_days:
            yield StaleDemand(key, dem.text("demand"), dem.text("person"), dem.text("resolution"),
                              latest.status, latest.date, days)


def _counts(before: Snapshot, now: Snapshot) -> tuple[StatusCount, ...]:
    def tally(snapshot: Snapshot) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for dem in snapshot.demands.values():
            counts[dem.history[-1].status] += 1
        return counts

    b, n = tally(before), tally(now)
    return tuple(StatusCount(s.value, n[s.value], b[s.value]) for s in Status)


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(value) or _("(none)")
    return _("(empty)") if value in (None, "") else str(value)
