"""The `monitor status` overview: counts by resolution and status, then the oldest outstanding demands.

Plain text that fits 80 columns; no pandas, so that the command starts quickly.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ..model import Demand, Register, Resolution, Status
from . import duration

WIDTH = 80
# Direction overrides would let a text reorder the rest of its terminal line; the words stay, the overrides go.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
OLDEST = 10


def render_status(register: Register, resolution_id: str | None = None, *, today: dt.date,
                  since: dt.date | None = None) -> str:
    """The overview for all resolutions, or for one, as of `today`; every line at most 80 characters. With
    `since`, it ends with each demand whose status changed between the end of that day and `today`."""
    resolutions = [r for r in register.resolutions if resolution_id in (None, r.id)]
    demands = [d for d in register.demands if d.resolution in {r.id for r in resolutions}]
    open_count = sum(1 for d in demands if d.status.is_open)
    lines = [f"Status on {today.isoformat()}: {len(demands)} demand{_s(len(demands))} in {len(resolutions)} "
             f"resolution{_s(len(resolutions))}, {open_count} still open.", ""]
    lines += _counts_table(register, resolutions)
    lines += ["", "Oldest outstanding demands (counted from when they were first made):"]
    if not demands:
        lines += ["  none: no demands are recorded yet."]
    else:
        lines += _oldest(register, demands, today) or ["  none: every demand is met."]
    if since is not None:
        lines += _changed(register, demands, since, today)
    return "\n".join(_fit(line) for line in lines) + "\n"


def _changed(register: Register, demands: Sequence[Demand], since: dt.date, today: dt.date) -> list[str]:
    from ..view import changes_since

    ids = {d.id for d in demands}
    changes = [c for c in changes_since(register, since, today) if c.demand.id in ids]
    moved = sum(c.moved for c in changes)
    lines = ["", f"Changed since {since.isoformat()}: {moved} demand{_s(moved)}"
             + (f"; {len(changes) - moved} more with new entries, status unchanged." if len(changes) > moved else ".")]
    for c in changes:
        before = c.before.label if c.before else "not yet demanded"
        lines.append(f"  {c.demand.id}: {before} -> {c.after.label}" if c.moved
                     else f"  {c.demand.id}: still {c.after.label}")
        lines += [f"    {e.date.isoformat()} {e.status.label}: {e.note}" for e in c.entries]
    return lines


def render_due(register: Register, resolution_id: str | None = None, *, today: dt.date) -> str:
    """`monitor status --due`: each follow-up date passed or within DUE_DAYS, soonest first, in 80 columns."""
    from ..followup import DUE_DAYS, due

    items = [f for f in due(register, today) if resolution_id in (None, f.demand.resolution)]
    lines = [f"Follow-up dates passed or due within {DUE_DAYS} days of {today.isoformat()}: {len(items)}.", ""]
    for f in items:
        when = (f"overdue by {-f.days} day{_s(-f.days)}" if f.overdue else "today" if f.days == 0
                else f"in {f.days} day{_s(f.days)}")
        lines.append(f"  {f.day.isoformat()}  {when:<20} {f.demand.status.label:<12}{f.demand.id}")
        lines.append(f"      {f.demand.demand}")
    if not items:
        lines.append("  none: add one with monitor update ID ... --follow-up YYYY-MM-DD")
    return "\n".join(_fit(line) for line in lines) + "\n"


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _counts_table(register: Register, resolutions: Sequence[Resolution]) -> list[str]:
    headers = [s.label for s in Status] + ["total"]
    widths = [max(len(h), 3) for h in headers]
    first = 12

    def row(name: str, cells: Sequence[object]) -> str:
        return (f"{_clip(name, first):<{first}}" + "".join(f"  {c:>{w}}" for c, w in zip(cells, widths))).rstrip()

    lines = [row("resolution", headers), row("-" * first, ["-" * w for w in widths])]
    totals = [0] * len(headers)
    for res in resolutions:
        statuses = [d.status for d in register.demands_of(res.id)]
        cells = [statuses.count(s) for s in Status] + [len(statuses)]
        totals = [a + b for a, b in zip(totals, cells)]
        lines.append(row(res.id, cells))
    if len(resolutions) > 1:
        lines.append(row("all", totals))
    return lines


def _oldest(register: Register, demands: Sequence[Demand], today: dt.date) -> list[str]:
    from ..frames import first_demanded

    by_id = {d.id: d for d in register.demands}
    waiting = sorted(((first_demanded(register, d, by_id), i, d) for i, d in enumerate(demands) if d.status.is_open),
                     key=lambda t: (t[0], t[1]))
    lines = []
    for since, _, d in waiting[:OLDEST]:
        lines.append(f"  {since.isoformat()}  {duration((today - since).days):<18}  {d.status.label:<11} {d.id}")
        lines.append(f"      {d.demand}")
    if len(waiting) > OLDEST:
        lines.append(f"  ... and {len(waiting) - OLDEST} more; see the reports (monitor report).")
    return lines


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fit(line: str) -> str:
    return _clip(BIDI_CONTROLS.sub("", " ".join(line.split("\n"))), WIDTH)
