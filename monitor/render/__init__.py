"""Renderers: frames -> HTML pages, the Excel workbook and terminal text; helpers they share (dates, durations).

Everything here is independent of the clock and the locale, so the same data and `today` give the same bytes.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from ..fields import is_id

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

def _templates_folder() -> Path:
    """templates/ of the source tree, or its copy installed as package data (monitor/_templates) by `pip install .`."""
    installed = Path(__file__).resolve().parents[1] / "_templates"
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "templates"


TEMPLATES = _templates_folder()

RESERVED_PAGES = {"index"}


def long_date(day: dt.date) -> str:
    """'14 March 2019', the same whatever the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """'14 Mar 2019': compact for tables, still unambiguous."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def counted(count: int, one: str, many: str = "") -> str:
    """'1 error', '3,000 errors', '2 new status entries': a number and its noun as people write them."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def duration(days: int | None) -> str:
    """A length of time as people say it: '12 days', '5 months', '1 year 2 months'; '' for None."""
    if days is None or days != days:  # None, or pandas' missing value
        return ""
    days = int(days)
    if days < 31:
        return f"{days} day" + ("" if days == 1 else "s")
    years, months = divmod(int(round(days / 30.4375)), 12)
    parts = []
    if years:
        parts.append(f"{years} year" + ("" if years == 1 else "s"))
    if months:
        parts.append(f"{months} month" + ("" if months == 1 else "s"))
    return " ".join(parts) or "1 month"


def page_name(resolution_id: str) -> str:
    """The file name of a resolution's page: '<id>.html' for a plain slug, never 'index.html' or a path."""
    if is_id(resolution_id) and resolution_id not in RESERVED_PAGES:
        return f"{resolution_id}.html"
    slug = re.sub(r"[^a-z0-9]+", "-", resolution_id.lower()).strip("-")[:60] or "resolution"
    return f"resolution-{slug}.html"


def page_names(resolution_ids: Iterable[str]) -> dict[str, str]:
    """A unique, safe page file name for each resolution id (see page_name)."""
    names: dict[str, str] = {}
    for rid in resolution_ids:
        name, n = page_name(rid), 2
        while name in names.values():
            name, n = f"{page_name(rid)[:-5]}-{n}.html", n + 1
        names[rid] = name
    return names
