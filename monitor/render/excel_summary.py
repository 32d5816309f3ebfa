"""The workbook's Summary sheet: counts by resolution and status, what each status means, a stacked bar chart,
and what the workbook shows (as of which day, from which data, private material or not)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..fields import LOOKS
from ..i18n import N_, _, current, language_name, pgettext
from ..model import Register, Status
from ..view import View
from .sheets import (
    LINE,
    Looks,
    _lines,
    colour_statuses,
    numeric_date,
    plain_lines,
    put_text,
    status_text,
    status_width,
    write_table,
)

if TYPE_CHECKING:
    from ..frames import Frames
    from .excel import Reader

SUMMARY = N_("Summary")
TITLE_WIDTH = 50  # the titles' column, where the legend says what each status means


def write_summary(wb: Any, looks: Looks, register: Register, frames: Frames, view: View, *, title: str,
                  reader: Reader) -> None:
    """Counts by resolution and status (values, not formulas), what each status means, a stacked bar chart; the
    sheet is called `title` (Summary in the active language), the resolutions' titles shown as `reader` sees them."""
    ws = wb.add_worksheet(title)
    bilingual = reader.bilingual
    # the first column holds the legend's statuses too
    columns = [(_("Resolution"), "resolution", status_width(12), "id"), (_("Title"), "title", TITLE_WIDTH, "text")]
    if bilingual:  # the language the title is shown in: a translation, or the original where there is none
        columns.append((_("Language"), "title_language", 6, "text"))
    columns.append((_("Adopted"), "adopted", 12, "date"))
    columns += [(status_text(s.value), s.value, 12, "number") for s in Status]
    columns += [(_("Total"), "total", 9, "number"), (_("Still open"), "open", 10, "number")]
    rows: list[dict[str, Any]] = []
    for res in register.resolutions:
        counts = frames.counts.loc[res.id]
        shown, language = reader.text(res, "title", res.title)
        rows.append({"resolution": res.id, "title": shown, "title_language": language, "adopted": res.adopted,
                     **{k: int(counts[k]) for k in [s.value for s in Status] + ["total", "open"]}})
    longest = {"resolution": max((len(r.id) for r in register.resolutions), default=0)}
    n = write_table(ws, looks, columns, rows, longest) - 1
    put_text(ws, n + 1, 0, _("All"), looks.bold)
    for col, (_title, key, _width, kind) in enumerate(columns):
        if kind == "number":
            ws.write_number(n + 1, col, sum(r[key] for r in rows), looks.bold)
    # rows in order: in constant-memory mode XlsxWriter drops a cell written above a row already written
    if view.private:  # said here, and at the top of every printed page of every sheet (_fill_workbook)
        put_text(ws, n + 2, 0, _(PRIVATE), looks.bold)
    day = numeric_date(frames.today)
    put_text(ws, n + 3, 0, _("As it stood on {date}: entries dated after that day, and resolutions adopted after it, "
                             "are left out.").format(date=day) if view.past
             else _("Situation as of {date}.").format(date=day))
    put_text(ws, n + 4, 0, _("Made from {source}.").format(source=view.source) if view.source
             else _("Made from the data file."))
    below = write_legend(ws, looks, n + 6, reader.source if bilingual else None)
    if n:
        first = [key for _title, key, *_unused in columns].index(Status.PENDING.value)
        ws.insert_chart(below + 1, 0, _chart(wb, n, title, first))


def write_legend(ws: Any, looks: Looks, at: int, source: str | None = None) -> int:
    """What each status means, symbol and word first: the key to the colours of every sheet and of the chart; with
    `source` (the language of the data's prose, when the workbook is in another), what the Language columns say.

    Returns the row below it."""
    put_text(ws, at, 0, _("Status"), looks.header)
    put_text(ws, at, 1, _("What it means"), looks.header)
    for i, status in enumerate(Status, start=1):
        lines = plain_lines(status.meaning, TITLE_WIDTH)
        if lines > 1:
            ws.set_row(at + i, LINE * lines)
        put_text(ws, at + i, 0, status_text(status.value), looks.status)
        put_text(ws, at + i, 1, status.meaning, looks.text)
    colour_statuses(ws, looks, at + 1, 0, at + len(Status))
    end = at + len(Status) + 1
    ws.set_row(end, LINE * _lines(_(CHART_KEY), TITLE_WIDTH))
    put_text(ws, end, 1, _(CHART_KEY), looks.text)
    if source is not None:
        end += 1
        ws.set_row(end, LINE * plain_lines(languages_key(source), TITLE_WIDTH))
        put_text(ws, end, 1, languages_key(source), looks.text)
    return end + 1


def languages_key(source: str) -> str:
    """What the Language columns and the unofficial translations are, for a reader of another language than the
    data's `source`."""
    reader = current()
    return _("Language columns give the language of the text on their left: {reader} where it is an unofficial "
             "translation, {source} where it is the original ({source_name}), not yet translated. A demand's quoted "
             "text is always the original; where there is an unofficial translation of it, it is in a column of "
             "its own.").format(reader=reader.code, source=source, source_name=language_name(source))


PRIVATE = N_("Includes private material: for the team only. Do not publish or forward.")
CHART_KEY = N_("In the chart below, each bar is a resolution of the table above, its parts stacked from left to "
               "right in the order of this list; each status has its own colour and pattern, named in the chart's "
               "legend.")


PATTERNS = {  # a bar's pattern by status, so that the chart does not depend on colour alone
    Status.PENDING: "light_upward_diagonal", Status.IN_PROGRESS: "small_grid", Status.PARTLY_MET: "percent_50",
    Status.MET: None, Status.NOT_MET: "wide_downward_diagonal", Status.REVERSED: "large_confetti",
}


def _chart(wb: Any, n: int, sheet: str, first: int) -> Any:
    """A bar per resolution, stacked by status in the legend's order; the series are named as the headings, the
    first status being in column `first` of the Summary sheet called `sheet`."""
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for col, status in enumerate(Status, start=first):
        look = LOOKS[status]
        series = {"name": [sheet, 0, col], "categories": [sheet, 1, 0, n, 0], "values": [sheet, 1, col, n, col],
                  "border": {"color": "#FFFFFF"}, "gap": 40, "overlap": 100}
        pattern = PATTERNS[status]
        if pattern:
            series["pattern"] = {"pattern": pattern, "fg_color": "#" + look.excel_bar, "bg_color": "#FFFFFF"}
        else:
            series["fill"] = {"color": "#" + look.excel_bar}
        chart.add_series(series)
    chart.set_title({"name": _("Demands by resolution and current status")})
    chart.set_x_axis({"name": pgettext("chart axis", "demands")})
    chart.set_y_axis({"name": pgettext("chart axis", "resolution"), "reverse": True})
    chart.set_legend({"position": "bottom"})
    cm = 96 / 2.54  # pixels per centimetre
    chart.set_size({"width": 20 * cm, "height": (4 + 1.2 * n) * cm})
    return chart
