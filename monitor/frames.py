"""Model -> pandas DataFrames: the figures every report shows, computed once and in one place.

Dates stay `datetime.date` objects (object columns) so that renderers write real dates without time zones.
"Outstanding" means the demand's current status is open (see Status.is_open); its age counts from the day the
demand was first made, following `repeats` back to the earliest resolution that made it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .i18n import N_
from .model import Demand, Register, Status

if TYPE_CHECKING:  # pandas is imported by the functions that use it, so that other commands start quickly
    import pandas as pd

RECENT_DAYS = 90
RELEASE_STEM = "releas"  # release, released, releasing: a demand to free someone

# whether a person is free, by the status of their release demand: kept in English in the frame, translated with
# _() where it is shown
FREE = {Status.MET: N_("yes"), Status.PARTLY_MET: N_("partly"), Status.NOT_MET: N_("no"), Status.REVERSED: N_("no"),
        Status.PENDING: N_("not known"), Status.IN_PROGRESS: N_("not known")}


@dataclass(frozen=True)
class Frames:
    """Every table the renderers need, for one register and one `today`."""

    today: dt.date
    demands: pd.DataFrame   # one row per demand, file order
    history: pd.DataFrame   # one row per history entry
    counts: pd.DataFrame    # resolution x status counts, plus total
    years: pd.DataFrame     # year x status counts at the end of each year
    chains: pd.DataFrame    # one row per repeat chain (demands made again by later resolutions)
    people: pd.DataFrame    # one row per person named
    recent: pd.DataFrame    # history entries of the last RECENT_DAYS days, newest first


def build_frames(register: Register, today: dt.date) -> Frames:
    """All frames for `register` as they stand on `today`."""
    return Frames(today, demands_frame(register, today), history_frame(register), counts_frame(register),
                  years_frame(register, today), chains_frame(register, today), people_frame(register),
                  recent_frame(register, today))


def first_demanded(register: Register, demand: Demand, by_id: dict[str, Demand] | None = None) -> dt.date:
    """The day this demand was first made: its own first entry, or that of the earliest demand it repeats."""
    if not demand.repeats:
        return demand.history[0].date
    by_id = by_id if by_id is not None else {d.id: d for d in register.demands}
    seen, todo, first = set(), [demand.id], demand.history[0].date
    while todo:
        did = todo.pop()
        if did in seen or did not in by_id:
            continue
        seen.add(did)
        first = min(first, by_id[did].history[0].date)
        todo.extend(by_id[did].repeats)
    return first


def demands_frame(register: Register, today: dt.date) -> pd.DataFrame:
    """One row per demand: identity, wording, current status, last change and days outstanding."""
    import pandas as pd

    rows, by_id = [], {d.id: d for d in register.demands}
    for order, d in enumerate(register.demands):
        since = first_demanded(register, d, by_id)
        rows.append({
            "id": d.id, "resolution": d.resolution, "paragraph": d.paragraph, "paragraph_checked": d.paragraph_checked,
            "addressee": d.addressee, "topic": d.topic, "person": d.person, "demand": d.demand, "text": d.text,
            "quoted_from": d.quoted_from, "repeats": " ".join(d.repeats), "status": d.status.value,
            "status_label": d.status.label, "is_open": d.status.is_open, "made": d.history[0].date,
            "first_demanded": since, "last_change": d.latest.date, "status_since": d.status_since,
            "latest_note": d.latest.note,
            "days_outstanding": (today - since).days if d.status.is_open else None, "order": order,
        })
    frame = pd.DataFrame(rows, columns=_DEMAND_COLUMNS)
    frame["days_outstanding"] = frame["days_outstanding"].astype("Int64")
    return frame


_DEMAND_COLUMNS = ["id", "resolution", "paragraph", "paragraph_checked", "addressee", "topic", "person", "demand",
                   "text", "quoted_from", "repeats", "status", "status_label", "is_open", "made", "first_demanded",
                   "last_change", "status_since", "latest_note", "days_outstanding", "order"]


def history_frame(register: Register) -> pd.DataFrame:
    """One row per history entry, in file order (each demand's entries oldest first)."""
    import pandas as pd

    rows = [{"demand": d.id, "resolution": d.resolution, "step": step + 1, "date": e.date, "status": e.status.value,
             "status_label": e.status.label, "note": e.note, "sources": e.sources}
            for d in register.demands for step, e in enumerate(d.history)]
    return pd.DataFrame(rows, columns=["demand", "resolution", "step", "date", "status", "status_label", "note",
                                       "sources"])


def counts_frame(register: Register) -> pd.DataFrame:
    """Demands per resolution (rows, in file order) and current status (columns, in Status order), with totals."""
    import pandas as pd

    rows = []
    for res in register.resolutions:
        statuses = [d.status for d in register.demands_of(res.id)]
        row = {"resolution": res.id, **{s.value: statuses.count(s) for s in Status}}
        row["total"] = len(statuses)
        row["open"] = sum(1 for s in statuses if s.is_open)
        rows.append(row)
    return pd.DataFrame(rows, columns=["resolution", *[s.value for s in Status], "total", "open"]).set_index(
        "resolution")


def years_frame(register: Register, today: dt.date) -> pd.DataFrame:
    """Status counts at the end of each year, from the first adoption year to today's year (today for the last)."""
    import pandas as pd

    if not register.resolutions:
        return pd.DataFrame(columns=["year", *[s.value for s in Status], "total"]).set_index("year")
    first = min(r.adopted.year for r in register.resolutions)
    rows = []
    for year in range(first, today.year + 1):
        day = min(dt.date(year, 12, 31), today)
        statuses = [s for s in (d.status_on(day) for d in register.demands) if s is not None]
        rows.append({"year": year, **{s.value: statuses.count(s) for s in Status}, "total": len(statuses)})
    return pd.DataFrame(rows).set_index("year")


def chains_frame(register: Register, today: dt.date) -> pd.DataFrame:
    """One row per chain of repeats: the latest demand, every earlier one it repeats, and how long it has waited."""
    import pandas as pd

    by_id = {d.id: d for d in register.demands}
    repeated = {r for d in register.demands for r in d.repeats}
    rows = []
    for d in register.demands:
        if not d.repeats or d.id in repeated:
            continue  # only the newest demand of each chain starts a row
        members, todo = [], list(d.repeats)
        while todo:
            did = todo.pop(0)
            if did in by_id and did not in members:
                members.append(did)
                todo.extend(by_id[did].repeats)
        earlier = sorted((by_id[m] for m in members), key=lambda x: (x.history[0].date, x.id))
        since = first_demanded(register, d, by_id)
        rows.append({
            "id": d.id, "demand": d.demand, "resolution": d.resolution,
            "resolutions": [x.resolution for x in earlier] + [d.resolution],
            "earlier": [x.id for x in earlier], "times": len(earlier) + 1, "first_demanded": since,
            "status": d.status.value, "status_label": d.status.label, "is_open": d.status.is_open,
            "days_outstanding": (today - since).days if d.status.is_open else None,
        })
    frame = pd.DataFrame(rows, columns=["id", "demand", "resolution", "resolutions", "earlier", "times",
                                        "first_demanded", "status", "status_label", "is_open", "days_outstanding"])
    frame["days_outstanding"] = frame["days_outstanding"].astype("Int64")
    return frame


def is_release(demand: Demand) -> bool:
    """True when the demand asks for a person to be freed (its id or title speaks of release)."""
    return RELEASE_STEM in f"{demand.id} {demand.demand}".lower()


def people_frame(register: Register) -> pd.DataFrame:
    """One row per person named, in order of first mention: their latest release demand and whether they are free.

    `free` is "yes" when that demand is met, "partly" when partly met, "no" when not met or reversed, "not known"
    while it is pending or in progress, and "" when no demand about the person asks for a release.
    """
    import pandas as pd

    people: dict[str, list[Demand]] = {}
    for d in register.demands:
        if d.person.strip():
            people.setdefault(d.person.strip(), []).append(d)
    rows = []
    for person, demands in people.items():
        releases = [d for d in demands if is_release(d)]
        latest = max(demands, key=lambda d: (d.history[0].date, demands.index(d)))
        key = max(releases, key=lambda d: (d.history[0].date, releases.index(d))) if releases else latest
        free = "" if not releases else FREE[key.status]
        rows.append({"person": person, "demands": [d.id for d in demands],
                     "resolutions": sorted({d.resolution for d in demands}), "demand_id": key.id,
                     "demand": key.demand, "status": key.status.value, "status_label": key.status.label,
                     "since": key.status_since, "note": key.latest.note, "free": free})
    return pd.DataFrame(rows, columns=["person", "demands", "resolutions", "demand_id", "demand", "status",
                                       "status_label", "since", "note", "free"])


def recent_frame(register: Register, today: dt.date, days: int = RECENT_DAYS) -> pd.DataFrame:
    """History entries dated within the last `days` days up to today, newest first."""
    import pandas as pd

    start = today - dt.timedelta(days=days)
    rows = [{"date": e.date, "demand": d.id, "title": d.demand, "resolution": d.resolution,
             "status": e.status.value, "status_label": e.status.label, "note": e.note, "sources": e.sources,
             "order": i}
            for i, (d, e) in enumerate((d, e) for d in register.demands for e in d.history)
            if start < e.date <= today]
    frame = pd.DataFrame(rows, columns=["date", "demand", "title", "resolution", "status", "status_label", "note",
                                        "sources", "order"])
    return frame.sort_values(["date", "order"], ascending=[False, True], kind="stable").reset_index(drop=True)
