"""The snapshot: the register reduced to what a digest compares, and its stored JSON layout.

Each resolution's and each demand's fields, and each demand's history. The snapshot sent with the last delivered
digest is kept by outbox.py as JSON (`Snapshot.to_json` / `Snapshot.from_json` are that boundary); changes.py
makes snapshots from the register and compares them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, NamedTuple, Union

from . import fields

# What a snapshot keeps of each item: every field of the table but the id (the key), the history (kept apart) and
# the translations (unofficial, of the prose: a digest reports what changed in the register, not in them).
DEMAND_FIELDS = tuple(f.name for f in fields.DEMAND if f.name not in ("id", "history") and f.kind != "translations")
RESOLUTION_FIELDS = tuple(f.name for f in fields.RESOLUTION if f.name != "id" and f.kind != "translations")
# What a field the model leaves out looks like in a snapshot: a list kind is (), any other ""
_EMPTY: dict[str, Any] = {f.name: () if f.kind in ("ids", "urls", "texts") else ""
                          for f in (*fields.DEMAND, *fields.RESOLUTION)}

# A field as a snapshot keeps it: text (dates as ISO text), a tuple of texts, or None when an older snapshot
# does not have the field at all.
FieldValue = Union[str, tuple[str, ...], None]


class SnapshotEntry(NamedTuple):
    """One history entry as a snapshot keeps it."""

    date: dt.date
    status: str
    note: str
    sources: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class DemandSnapshot:
    """One demand as a snapshot keeps it: its fields (DEMAND_FIELDS) and its history, oldest first."""

    fields: dict[str, FieldValue]
    history: tuple[SnapshotEntry, ...]

    def text(self, name: str) -> str:
        """A text field ('' where the demand has none)."""
        value = self.fields.get(name)
        return value if isinstance(value, str) else ""


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """The register as the digest compares it: resolutions' fields (RESOLUTION_FIELDS) and demands, by id."""

    resolutions: dict[str, dict[str, FieldValue]]
    demands: dict[str, DemandSnapshot]

    def to_json(self) -> dict[str, Any]:
        """JSON-able data in the stored layout: a history entry is a list [date, status, note, [sources]]."""
        # the layout monitor has always stored, so a state folder stays readable by older and newer versions
        return {"resolutions": {k: {f: _json_value(v) for f, v in r.items()} for k, r in self.resolutions.items()},
                "demands": {k: {**{f: _json_value(v) for f, v in d.fields.items()},
                                "history": [[e.date.isoformat(), e.status, e.note, list(e.sources)] for e in d.history]}
                            for k, d in self.demands.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        """A snapshot read back from `to_json`'s layout. A field the stored one lacks (stored before the field
        existed) reads as an absent value does now, so that adding a field to the table is no 'correction'."""
        return cls(
            resolutions={k: {f: _field(r[f]) if f in r else _EMPTY[f] for f in RESOLUTION_FIELDS}
                         for k, r in data["resolutions"].items()},
            demands={k: DemandSnapshot({f: _field(d[f]) if f in d else _EMPTY[f] for f in DEMAND_FIELDS},
                                       tuple(SnapshotEntry(dt.date.fromisoformat(e[0]), e[1], e[2], tuple(e[3]))
                                             for e in d["history"]))
                     for k, d in data["demands"].items()})


class Baseline(NamedTuple):
    """The snapshot sent with the last delivered digest, and the day that digest was made."""

    taken: dt.date
    snapshot: Snapshot


def _field(value: Any) -> FieldValue:
    return tuple(value) if isinstance(value, list) else value


def _json_value(value: FieldValue) -> Any:
    return list(value) if isinstance(value, tuple) else value
