"""The workbook's Summary sheet: counts by resolution and status, what each status means, a stacked bar chart,
and what the workbook shows (as of which day, from which data, private material or not)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..fields import LOOKS
from ..model import Register, Status
from ..view import View
from .sheets import LINE, Looks, _lines, colour_statuses, put_text, status_text, write_table

if TYPE_CHECKING:
    from ..frames import Frames

SUMMARY = "Summary"


def write_summary(wb: Any, looks: Looks, register: Register, frames: Frames, view: View) -> None:
    """Counts by resolution and status (values, not formulas), what each status means, a stacked bar chart."""
    ws = wb.add_worksheet(SUMMARY)
    columns = [("Resolution", "resolution", 12, "id"), ("Title", "title", 50, "text"),
               ("Adopted", "adopted", 12, "date")]
    columns += [(status_text(s.value), s.value, 12, "number") for s in Status]
    columns += [("Total", "total", 9, "number"), ("Still open", "open", 10, "number")]
    rows: list[dict[str, Any]] = []
    for res in register.resolutions:
        counts = frames.counts.loc[res.id]
        rows.append({"resolution": res.id, "title": res.title, "adopted": res.adopted,
                     **{k: int(counts[k]) for k in [s.value for s in Status] + ["total", "open"]}})
    longest = {"resolution": max((len(r.id) for r in register.resolutions), default=0)}
    n = write_table(ws, looks, columns, rows, longest) - 1
    put_text(ws, n + 1, 0, "All", looks.bold)
    for col, (_, key, _, kind) in enumerate(columns):
        if kind == "number":
            ws.write_number(n + 1, col, sum(r[key] for r in rows), looks.bold)
    # rows in order: in constant-memory mode XlsxWriter drops a cell written above a row already written
    if view.private:  # said here, and at the top of every printed page of every sheet (_fill_workbook)
        put_text(ws, n + 2, 0, PRIVATE, looks.bold)
    put_text(ws, n + 3, 0, f"As it stood on {frames.today.isoformat()}: entries dated after that day, and "
                           "resolutions adopted after it, are left out." if view.past
             else f"Situation as of {frames.today.isoformat()}.")
    put_text(ws, n + 4, 0, f"Made from {view.source}." if view.source else "Made from the data file.")
    below = write_legend(ws, looks, n + 6)
    if n:
        ws.insert_chart(below + 1, 0, _chart(wb, n))


def write_legend(ws: Any, looks: Looks, at: int) -> int:
    """What each status means, symbol and word first: the key to the colours of every sheet and of the chart.

    Returns the row below it."""
    put_text(ws, at, 0, "Status", looks.header)
    put_text(ws, at, 1, "What it means", looks.header)
    for i, status in enumerate(Status, start=1):
        put_text(ws, at + i, 0, status_text(status.value), looks.status)
        put_text(ws, at + i, 1, status.meaning, looks.text)
    colour_statuses(ws, looks, at + 1, 0, at + len(Status))
    end = at + len(Status) + 1
    ws.set_row(end, LINE * _lines(CHART_KEY, 50))
    put_text(ws, end, 1, CHART_KEY, looks.text)
    return end + 1


PRIVATE = "Includes private material: for the team only. Do not publish or forward."
CHART_KEY = ("In the chart below, each bar is a resolution of the table above, its parts stacked from left to right "
             "in the order of this list; each status has its own colour and pattern, named in the chart's legend.")


PATTERNS = {  # a bar's pattern by status, so that the chart does not depend on colour alone
    Status.PENDING: "light_upward_diagonal", Status.IN_PROGRESS: "small_grid", Status.PARTLY_MET: "percent_50",
    Status.MET: None, Status.NOT_MET: "wide_downward_diagonal", Status.REVERSED: "large_confetti",
}


def _chart(wb: Any, n: int) -> Any:
    """A bar per resolution, stacked by status in the legend's order; the series are named as the headings."""
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for col, status in enumerate(Status, start=3):
        look = LOOKS[status]
        series = {"name": [SUMMARY, 0, col], "categories": [SUMMARY, 1, 0, n, 0], "values": [SUMMARY, 1, col, n, col],
                  "border": {"color": "#FFFFFF"}, "gap": 40, "overlap": 100}
        pattern = PATTERNS[status]
        if pattern:
            series["pattern"] = {"pattern": pattern, "fg_color": "#" + look.excel_bar, "bg_color": "#FFFFFF"}
        else:
            series["fill"] = {"color": "#" + look.excel_bar}
        chart.add_series(series)
    chart.set_title({"name": "Demands by resolution and current status"})
    chart.set_x_axis({"name": "demands"})
    chart.set_y_axis({"name": "resolution", "reverse": True})
    chart.set_legend({"position": "bottom"})
    cm = 96 / 2.54  # pixels per centimetre
    chart.set_size({"width": 20 * cm, "height": (4 + 1.2 * n) * cm})
    return chart
