"""What to suggest instead of a wrong value: the nearest allowed word, the date that was meant, a slug.

The catalogue (messages.py) says how a suggestion is worded; this module only finds it.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from .fields import date_parts
from .model import STATUS_NAMES


def nearest(word: str, choices: Iterable[str]) -> str:
    """The choice closest to `word` when one is close enough, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else ""


def nearest_status(word: str) -> str:
    """The status meant by an unknown one ('in progress' -> 'in-progress', 'Met' -> 'met'), or ''."""
    near = re.sub(r"[\s_]+", "-", word.strip().lower())
    return near if near in STATUS_NAMES else nearest(word.strip().lower(), STATUS_NAMES)


def example_date(value: str) -> str:
    """A real YYYY-MM-DD date close to what was written: day and month swapped, the month's last day, or any."""
    written = date_parts(value)
    if written and written[1] > 12 and written[2] <= 12:  # day and month swapped
        return f"{written[0]:04d}-{written[2]:02d}-{written[1]:02d}"
    if written and 1 <= written[1] <= 12:  # a day past the month's end: suggest its last day
        import calendar  # only when a date is wrong (startup time)

        year, month = written[0], written[1]
        return f"{year:04d}-{month:02d}-{calendar.monthrange(max(year, 1), month)[1]:02d}"
    parts = re.findall(r"\d+", value)
    if len(parts) == 3 and len(parts[2]) == 4 and int(parts[1]) <= 12 and int(parts[0]) <= 31:
        return f"{parts[2]}-{int(parts[1]):02d}-{int(parts[0]):02d}"
    return "2022-01-13"


def example_id(value: str) -> str:
    """A lower-case slug made from what was written ('Inquiry 2021' -> 'inquiry-2021')."""
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_value.lower()).strip("-") or "kozlov-release-2013"


def shorten(value: str, limit: int = 60) -> str:
    """A value short enough to quote in a one-line message."""
    return value if len(value) <= limit else value[: limit - 1] + "…"
