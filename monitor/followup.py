"""Follow-up dates: which demands the team means to check again soon, or should have checked already.

A history entry may carry `follow_up: DATE` (by when to check again, or by when the Parliament asked for a report
back). Only the latest entry's date counts: a new entry without one clears it. Pure functions over the model.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Demand, Register

DUE_DAYS = 30  # the reports, the digest and `monitor status --due` list what falls due within this many days


@dataclass(frozen=True)
class Due:
    """A demand whose follow-up date has passed (`overdue`) or falls within DUE_DAYS."""

    demand: Demand
    day: dt.date
    days: int  # until the date; negative once it has passed

    @property
    def overdue(self) -> bool:
        return self.days < 0


def due(register: Register, today: dt.date, within: int = DUE_DAYS) -> list[Due]:
    """Demands whose follow-up date is before `today` (overdue) or within `within` days of it, soonest first."""
    found = []
    for demand in register.demands:
        day = demand.follow_up
        if day is not None and (day - today).days <= within:
            found.append(Due(demand, day, (day - today).days))
    return sorted(found, key=lambda item: (item.day, item.demand.id))
