"""The `monitor status` overview: counts by resolution and status, then the oldest outstanding demands.

Plain text that fits 80 columns; no pandas, so that the command starts quickly. Written in the active language:
its words from the catalogue, its dates as the workbook shows them (2026-11-24, 24.11.2026), the data's one-line
demands and notes in the reader's language where the file translates them; an untranslated one, in a language other
than the reader's, starts with its language's code in brackets ("[en] Release of ...").
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from ..i18n import _, counted, current, format_number, language_name
from ..model import Demand, Register, Resolution, Status
from ..prose import prose
from . import duration
from .sheets import numeric_date

WIDTH = 80
# Direction overrides would let a text reorder the rest of its terminal line; the words stay, the overrides go.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
OLDEST = 10
GAP = 2  # spaces between the columns of the counts table


def render_status(register: Register, resolution_id: str | None = None, *, today: dt.date,
                  since: dt.date | None = None) -> str:
    """The overview for all resolutions, or for one, as of `today`; every line at most 80 characters. With
    `since`, it ends with each demand whose status changed between the end of that day and `today`."""
    resolutions = [r for r in register.resolutions if resolution_id in (None, r.id)]
    demands = [d for d in register.demands if d.resolution in {r.id for r in resolutions}]
    open_count = sum(1 for d in demands if d.status.is_open)
    shown = _Shown(register)
    lines = _said(_("Status on {date}: {demands} {in_resolutions}, {still_open}.").format(
        date=numeric_date(today), demands=counted(len(demands), "{count} demand", "{count} demands"),
        in_resolutions=counted(len(resolutions), "in {count} resolution", "in {count} resolutions"),
        still_open=_("{count} still open").format(count=format_number(open_count)))) + [""]
    lines += _counts_table(register, resolutions)
    lines += ["", *_said(_("Oldest outstanding demands (counted from when they were first made):"))]
    if not demands:
        lines += _said(_("none: no demands are recorded yet."), "  ")
    else:
        lines += _oldest(register, demands, today, shown) or _said(_("none: every demand is met."), "  ")
    if since is not None:
        lines += _changed(register, demands, since, today, shown)
    lines += shown.key()
    return "\n".join(_fit(line) for line in lines) + "\n"


class _Shown:
    """The data's prose as the reader sees it: the translation where the file has one, else the original, marked
    with its language's code when that is not the reader's language."""

    def __init__(self, register: Register) -> None:
        self.source, self.language = register.language, current().code
        self.marked = False  # whether some text was shown with its language's code

    def __call__(self, item: Any, name: str, original: str) -> str:  # Any: see excel.Reader.quoted
        if self.language == self.source or not original:
            return original
        text = prose(item, name, original, source=self.source, language=self.language)
        if text.translated:
            return text.text
        self.marked = True
        return f"[{self.source}] {original}"

    def key(self) -> list[str]:
        """A closing line saying what the language code before a text means, when one was shown."""
        if not self.marked:
            return []
        return ["", *_said(_("[{code}]: not yet translated; the original text, in {language}.").format(
            code=self.source, language=language_name(self.source)))]


def _changed(register: Register, demands: Sequence[Demand], since: dt.date, today: dt.date,
             shown: _Shown) -> list[str]:
    from ..view import changes_since

    ids = {d.id for d in demands}
    changes = [c for c in changes_since(register, since, today) if c.demand.id in ids]
    moved = sum(c.moved for c in changes)
    count = counted(moved, "{count} demand", "{count} demands")
    if len(changes) > moved:
        head = _("Changed since {date}: {demands}; {more} more with new entries, status unchanged.").format(
            date=numeric_date(since), demands=count, more=format_number(len(changes) - moved))
    else:
        head = _("Changed since {date}: {demands}.").format(date=numeric_date(since), demands=count)
    lines = ["", *_said(head)]
    for c in changes:
        before = c.before.label if c.before else _("not yet demanded")
        lines.append(f"  {c.demand.id}: {before} -> {c.after.label}" if c.moved
                     else f"  {c.demand.id}: " + _("still {status}").format(status=c.after.label))
        lines += [f"    {numeric_date(e.date)} {e.status.label}: {shown(e, 'note', e.note)}" for e in c.entries]
    return lines


def render_due(register: Register, resolution_id: str | None = None, *, today: dt.date) -> str:
    """`monitor status --due`: each follow-up date passed or within DUE_DAYS, soonest first, in 80 columns."""
    from ..followup import DUE_DAYS, due

    items = [f for f in due(register, today) if resolution_id in (None, f.demand.resolution)]
    shown = _Shown(register)
    lines = [*_said(_("Follow-up dates passed or due {within} of {date}: {count}.").format(
        within=counted(DUE_DAYS, "within {count} day", "within {count} days"), date=numeric_date(today),
        count=format_number(len(items)))), ""]
    whens = [counted(-f.days, "overdue by {count} day", "overdue by {count} days") if f.overdue
             else _("today") if f.days == 0 else counted(f.days, "in {count} day", "in {count} days") for f in items]
    when_width = max([20, *(len(w) for w in whens)])
    label_width = max([12, *(len(f.demand.status.label) + 1 for f in items)])
    lines += _listed([(f"  {numeric_date(f.day)}  {when:<{when_width}} {f.demand.status.label:<{label_width}}",
                       f.demand.id, shown(f.demand, "demand", f.demand.demand)) for f, when in zip(items, whens)])
    if not items:
        lines += _said(_("none: add one with monitor update ID ... --follow-up YYYY-MM-DD"), "  ")
    lines += shown.key()
    return "\n".join(_fit(line) for line in lines) + "\n"


def _listed(items: list[tuple[str, str, str]]) -> list[str]:
    """Two lines per (first line, demand id, one-line demand): the first line ending with the id, then the demand.
    When an id would not fit on its first line (a language's longer words), every id begins its second line
    instead, rather than be cut."""
    if all(len(first) + len(demand_id) <= WIDTH for first, demand_id, _demand in items):
        return [line for first, demand_id, demand in items for line in (first + demand_id, f"      {demand}")]
    return [line for first, demand_id, demand in items for line in (first.rstrip(), f"      {demand_id}: {demand}")]


def _counts_table(register: Register, resolutions: Sequence[Resolution]) -> list[str]:
    """Demands by resolution and status. The headings are the status words; where they do not fit 80 columns on
    one line (Russian words are longer), each wraps onto lines of its own words, the last lines aligned."""
    titles = [s.label for s in Status] + [_("total")]
    heads = [[title] for title in titles]
    widths = [max(len(title), 3) for title in titles]
    first = 12
    if first + sum(GAP + w for w in widths) > WIDTH:
        heads = [_wrap(title) for title in titles]
        widths = [max(3, *(len(line) for line in lines)) for lines in heads]
    name = _("resolution")
    if first + sum(GAP + w for w in widths) > WIDTH:  # a narrower first column, as long as the ids fit
        first = max([len(name), 3, *(len(r.id) for r in resolutions), WIDTH - sum(GAP + w for w in widths)])
        first = min(first, 12)

    def row(label: str, cells: Sequence[object]) -> str:
        return (f"{_clip(label, first):<{first}}" + "".join(f"{' ' * GAP}{c:>{w}}" for c, w in zip(cells, widths))
                ).rstrip()

    height = max(len(head) for head in heads)
    heads = [[""] * (height - len(head)) + head for head in heads]  # the last lines of the headings aligned
    lines = [row(name if i == height - 1 else "", [head[i] for head in heads]) for i in range(height)]
    lines.append(row("-" * first, ["-" * w for w in widths]))
    totals = [0] * len(titles)
    for res in resolutions:
        statuses = [d.status for d in register.demands_of(res.id)]
        cells = [statuses.count(s) for s in Status] + [len(statuses)]
        totals = [a + b for a, b in zip(totals, cells)]
        lines.append(row(res.id, cells))
    if len(resolutions) > 1:
        lines.append(row(_("all"), totals))
    return lines


def _wrap(title: str) -> list[str]:
    """A heading on as many lines as it takes at the width of its longest word."""
    words = title.split() or [""]
    room, lines = max(len(word) for word in words), [words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _oldest(register: Register, demands: Sequence[Demand], today: dt.date, shown: _Shown) -> list[str]:
    from ..frames import first_demanded

    by_id = {d.id: d for d in register.demands}
    waiting = sorted(((first_demanded(register, d, by_id), i, d) for i, d in enumerate(demands) if d.status.is_open),
                     key=lambda t: (t[0], t[1]))
    label_width = max([11, *(len(d.status.label) for _since, _i, d in waiting[:OLDEST])])
    lines = _listed([(f"  {numeric_date(since)}  {duration((today - since).days):<18}  "
                      f"{d.status.label:<{label_width}} ", d.id, shown(d, "demand", d.demand))
                     for since, _i, d in waiting[:OLDEST]])
    if len(waiting) > OLDEST:
        lines += _said(_("... and {count} more; see the reports (monitor report).").format(
            count=format_number(len(waiting) - OLDEST)), "  ")
    return lines


def _said(sentence: str, indent: str = "") -> list[str]:
    """A sentence of ours on as many lines of 80 columns as it takes (a language's words may be longer than
    English ones): wrapped, never cut, unlike the lines that quote the data."""
    import textwrap

    return textwrap.wrap(sentence, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_long_words=False, break_on_hyphens=False) or [indent.rstrip()]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fit(line: str) -> str:
    return _clip(BIDI_CONTROLS.sub("", " ".join(line.split("\n"))), WIDTH)
