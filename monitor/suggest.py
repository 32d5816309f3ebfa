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


# words people write for a status, by meaning: consulted before spelling, so that "released" is never taken
# for a misspelt "reversed" (its opposite)
STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(("released", "freed", "done", "achieved", "fulfilled", "complied", "implemented",
                     "completed"), "met"),
    **dict.fromkeys(("refused", "rejected", "failed", "unmet", "ignored"), "not-met"),
    **dict.fromkeys(("ongoing", "started", "progress", "underway"), "in-progress"),
    **dict.fromkeys(("partial", "partially", "partly", "partially-met"), "partly-met"),
    **dict.fromkeys(("undone", "revoked", "reverted", "withdrawn"), "reversed"),
    **dict.fromkeys(("open", "new", "waiting"), "pending"),
}
SPELLING_CUTOFF = 0.8  # a near miss of the same word; "released" is 0.75 from "reversed" and gets no suggestion


def nearest_status(word: str) -> str:
    """The status meant by an unknown one, or '': by meaning first ('released' -> 'met'), then by spelling only
    for a near miss of a status or of one of those words ('in progress' -> 'in-progress', 'relesed' -> 'met')."""
    near = re.sub(r"[\s_]+", "-", word.strip().lower())
    if near in STATUS_NAMES:
        return near
    if near in STATUS_WORDS:
        return STATUS_WORDS[near]
    close = difflib.get_close_matches(near, [*STATUS_NAMES, *STATUS_WORDS], n=1, cutoff=SPELLING_CUTOFF)
    if not close or _negated(near) != _negated(close[0]):  # 'unreleased' is not a misspelt 'released'
        return ""
    return STATUS_WORDS.get(close[0], close[0])


def _negated(word: str) -> bool:
    return word.startswith(("un", "not", "non", "no-", "dis"))


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
