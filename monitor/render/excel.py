"""Frames -> the .xlsx workbook as bytes: Summary (counts, legend, chart), a sheet per resolution, history, people.

Written with XlsxWriter in its constant-memory mode: each row goes to a temporary file as soon as the next one
starts, so memory stays flat, and at 10,000 demands the workbook takes about 6 s of CPU where openpyxl's
write-only mode took about 22 s (most of it building a style and an lxml element per cell).
Text from the data is always written with `write_string`, so `=HYPERLINK(...)` in a note stays words and never
becomes a formula; only http(s) addresses become links. Sheet titles are made safe and unique. Statuses are
written as on the pages ("◑ partly met"), time outstanding as people say it ("13 years 7 months").
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import tempfile
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..fields import LOOKS, STATUS_SYMBOLS, is_web_address
from ..model import Register, Status
from ..view import View
from . import duration

if TYPE_CHECKING:  # pandas is imported by the stage that builds the frames
    import pandas as pd

    from ..frames import Frames

SUMMARY, HISTORY, PEOPLE = "Summary", "Status history", "People"
# "History" itself is a name Excel reserves for its own use, so the history sheet is called "Status history".
RESERVED_TITLES = {SUMMARY, HISTORY, PEOPLE, "History"}
DATE_FORMAT = "yyyy-mm-dd"
LINE = 15  # points per line of text at the default 11-point font
MAX_URL = 2079  # Excel ignores a longer link; it is written as text instead
MAX_LINKS = 65_530  # links per sheet that Excel accepts; later addresses are written as text

RESOLUTION_COLUMNS = [  # (header, frame column, width in characters, kind)
    ("ID", "id", 24, "id"), ("Topic", "topic", 14, "text"), ("Paragraph", "paragraph", 11, "text"),
    ("Addressee", "addressee", 18, "text"), ("Person", "person", 16, "text"), ("Demand", "demand", 36, "text"),
    ("Status", "status", 14, "status"), ("Last change", "last_change", 11, "date"),
    ("Outstanding for", "days_outstanding", 16, "duration"),
    ("Days outstanding", "days_outstanding", 13, "number"), ("Latest note", "latest_note", 40, "text"),
    ("Text", "text", 50, "text"), ("Quoted from", "quoted_from", 24, "link"),
    ("First made", "first_demanded", 11, "date"), ("Repeats", "repeats", 20, "id"),
]
HISTORY_COLUMNS = [
    ("Demand ID", "demand", 26, "id"), ("Resolution", "resolution", 12, "id"), ("Step", "step", 6, "number"),
    ("Date", "date", 12, "date"), ("Status", "status", 14, "status"), ("Note", "note", 60, "text"),
    ("Source", "source", 40, "link"), ("More sources", "more_sources", 40, "text"),
]
PEOPLE_COLUMNS = [
    ("Person", "person", 24, "text"), ("Free?", "free", 10, "text"), ("Demand ID", "demand_id", 26, "id"),
    ("Demand", "demand", 40, "text"), ("Status", "status", 14, "status"), ("Since", "since", 12, "date"),
    ("Latest note", "note", 50, "text"), ("Resolutions", "resolutions", 14, "text"),
    ("All demands about this person", "demands", 34, "id"),
]
MAX_ID_WIDTH = 42  # an id column widens to its longest id up to this; a longer id wraps at its hyphens
_STATUS_TEXTS = {s.value: f"{STATUS_SYMBOLS[s.value]} {s.label}" for s in Status}


def status_text(value: str) -> str:
    """A status as the pages show it, symbol and word: '◑ partly met'."""
    return _STATUS_TEXTS[value]


def render_workbook(register: Register, frames: Frames, view: View | None = None) -> bytes:
    """The whole workbook as .xlsx bytes; the same data and `today` give the same bytes.

    Raises OSError when the temporary folder, through which the sheets are streamed, cannot be written.
    """
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    out = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="monitor-workbook-", ignore_cleanup_errors=True) as tmp:
        wb = xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": tmp, "strings_to_numbers": False,
                                       "strings_to_formulas": False, "strings_to_urls": False})
        try:
            _fill_workbook(wb, register, frames, view or View(frames.today))
            wb.close()
        except FileCreateError as exc:  # XlsxWriter wraps the OSError of writing the archive
            error = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else exc
            # The failed frames hold XlsxWriter's half-made ZipFile: let it go now, while `out` is still open, or
            # its finalizer prints "Exception ignored ..." at exit, after our one-line message.
            traceback.clear_frames(error.__traceback__)
            raise error from None
        finally:
            _close_row_files(wb)
    return out.getvalue()


def _close_row_files(wb: Any) -> None:
    """Close the file each sheet streams its rows into, quietly: after a failed write (a full disk) closing it
    fails again, and left to the garbage collector it would print "Exception ignored ..." after our message."""
    for ws in wb.worksheets():
        handle = getattr(ws, "row_data_fh", None)  # XlsxWriter's own attribute, set in constant-memory mode
        if handle is not None:
            with contextlib.suppress(OSError):
                handle.close()


def _fill_workbook(wb: Any, register: Register, frames: Frames, view: View) -> None:
    midnight = dt.datetime.combine(frames.today, dt.time())
    wb.set_properties({"title": register.title or "Demands and where they stand", "author": "monitor",
                       "created": midnight})
    looks = Looks.of(wb)
    write_summary(wb, looks, register, frames, view)
    titles = sheet_titles([r.id for r in register.resolutions])
    by_resolution: dict[str, list[dict]] = {r.id: [] for r in register.resolutions}
    for row in _rows(frames.demands, RESOLUTION_COLUMNS, "resolution"):  # one pass: pandas costs ~1 ms per call
        by_resolution[row["resolution"]].append(row)
    longest = _longest(frames.demands, RESOLUTION_COLUMNS)  # the same widths on every resolution's sheet
    for res in register.resolutions:
        write_table(wb.add_worksheet(titles[res.id]), looks, RESOLUTION_COLUMNS, by_resolution[res.id], longest)
    history = ({**row, "source": row["sources"][0] if row["sources"] else "",
                "more_sources": "\n".join(row["sources"][1:])}
               for row in _rows(frames.history, HISTORY_COLUMNS, "sources"))
    write_table(wb.add_worksheet(HISTORY), looks, HISTORY_COLUMNS, history, _longest(frames.history, HISTORY_COLUMNS))
    people = ({**row, "demands": "\n".join(row["demands"]), "resolutions": ", ".join(row["resolutions"])}
              for row in _rows(frames.people, PEOPLE_COLUMNS))
    write_table(wb.add_worksheet(PEOPLE), looks, PEOPLE_COLUMNS, people, _longest(frames.people, PEOPLE_COLUMNS))
    if view.private:
        for sheet in wb.worksheets():
            sheet.set_header(f'&C&"-,Bold"{PRIVATE}')


@dataclass(frozen=True)
class Looks:
    """The workbook's cell formats, made once (XlsxWriter keeps one record per format, not per cell)."""

    header: Any
    text: Any
    number: Any
    date: Any
    link: Any
    status: Any
    bold: Any
    statuses: dict[str, Any]  # the conditional format of each status word: fill and font from fields.LOOKS

    @classmethod
    def of(cls, wb: Any) -> Looks:
        """The formats, registered with workbook `wb`."""
        top = {"valign": "top"}
        wrap = {**top, "text_wrap": True}
        return cls(
            header=wb.add_format({**wrap, "bold": True, "bottom": 1}),
            text=wb.add_format(wrap), number=wb.add_format(top),
            date=wb.add_format({**top, "num_format": DATE_FORMAT}),
            link=wb.add_format({**wrap, "font_color": "#0563C1", "underline": 1}),
            status=wb.add_format({**top, "bold": True}), bold=wb.add_format({**top, "bold": True}),
            statuses={s.value: wb.add_format({"bg_color": "#" + look.excel_fill, "font_color": "#" + look.excel_font})
                      for s, look in LOOKS.items()})


def sheet_titles(resolution_ids: Iterable[str]) -> dict[str, str]:
    """A sheet title per resolution: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    used = {t.lower() for t in RESERVED_TITLES}
    titles = {}
    for rid in resolution_ids:
        base = re.sub(r"[\[\]:*?/\\]", "_", rid).strip("'").strip()[:31] or "Resolution"
        title, n = base, 2
        while title.lower() in used:
            suffix = f" ({n})"
            title, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(title.lower())
        titles[rid] = title
    return titles


def _rows(frame: pd.DataFrame, columns: list, *more: str) -> Iterator[dict]:
    """The values of `columns` (and `more` of the frame's columns) row by row, pandas' missing values as None."""
    keys = list(dict.fromkeys([key for _, key, _, _ in columns if key in frame] + list(more)))
    values = [frame[k].astype(object).where(frame[k].notna(), None).tolist() for k in keys]
    for row in zip(*values):
        yield dict(zip(keys, row))


def _longest(frame: pd.DataFrame, columns: list) -> dict[str, int]:
    """The length of the longest id in each id column of `frame` (a column of several ids wraps between them)."""
    def words(value: object) -> list[str]:
        return list(value) if isinstance(value, (list, tuple)) else str(value or "").split()

    return {key: max((len(w) for value in frame[key] for w in words(value)), default=0)
            for _, key, _, kind in columns if kind == "id" and key in frame}


def put_text(ws: Any, row: int, col: int, value: object, look: Any = None) -> None:
    """Write `value` as text whatever it starts with (=, +, -, @): never a formula, a number or a link."""
    ws.write_string(row, col, str(value), look)


def write_table(ws: Any, looks: Looks, columns: list, rows: Iterable[dict], longest: dict[str, int]) -> int:
    """A header row and one row per item: typed cells, frozen header, filter, widths, status colours, print set-up.

    `longest` gives the length of the longest value of each id column. Returns the number of rows, header included.
    """
    widths = _widths(columns, longest)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.set_row(0, header_height(columns, widths))
    for col, (title, *_) in enumerate(columns):
        put_text(ws, 0, col, title, looks.header)
    tall = [(key, width) for (_, key, _, kind), width in zip(columns, widths) if kind in ("text", "id", "link")]
    links, r = 0, 0
    write_string = ws.write_string  # text is only ever written as text (see put_text), never by ws.write()
    for r, item in enumerate(rows, start=1):
        height = row_height(item, tall)
        if height > LINE:
            ws.set_row(r, height)
        for col, (_, key, _, kind) in enumerate(columns):
            value = item.get(key)
            if value is None or value == "":
                continue
            if kind == "date":
                ws.write_datetime(r, col, value, looks.date)
            elif kind == "number":
                ws.write_number(r, col, int(value), looks.number)
            elif kind == "duration":
                write_string(r, col, duration(value), looks.text)
            elif kind == "status":
                write_string(r, col, _STATUS_TEXTS[value], looks.status)
            elif kind == "link" and links < MAX_LINKS and len(value) <= MAX_URL and is_web_address(value):
                ws.write_url(r, col, value, looks.link, string=value)
                links += 1
            else:
                write_string(r, col, str(value), looks.text)
    end = max(r, 1)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, end, len(columns) - 1)
    for col, (_, _, _, kind) in enumerate(columns):
        if kind == "status":
            colour_statuses(ws, looks, 1, col, end)
    _print_setup(ws)
    return r + 1


def _widths(columns: list, longest: dict[str, int]) -> list[float]:
    """Each column's width: as set, an id column widened to its longest id (so that ids print whole)."""
    return [max(width, min(longest.get(key, 0) + 2, MAX_ID_WIDTH)) if kind == "id" else width
            for _, key, width, kind in columns]


def header_height(columns: list, widths: list[float]) -> float:
    """Points for the header row, so that every heading shows whole, wrapped at its spaces."""
    return LINE * max(_lines(title, width) for (title, *_), width in zip(columns, widths))


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide, wrapped at spaces (bold: ~10% wider)."""
    room, lines, used = width / 1.1 - 1, 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, 0
        used += len(word) + (1 if used else 0)
    return lines


def row_height(item: dict, tall: list[tuple[str, float]]) -> float:
    """Points enough for the longest wrapped text of the row: LibreOffice does not grow rows by itself on opening."""
    lines = 1
    for key, width in tall:
        value = item.get(key)
        if isinstance(value, str) and len(value) > width:
            lines = max(lines, sum(-(-max(len(part), 1) // int(width)) for part in value.split("\n")))
        elif isinstance(value, str) and "\n" in value:
            lines = max(lines, value.count("\n") + 1)
    return float(min(409, LINE * lines))  # 409 points: the tallest row Excel allows


def colour_statuses(ws: Any, looks: Looks, first: int, col: int, last: int) -> None:
    """Conditional formatting: each status gets its own fill and font colour (the symbol and word stay the key)."""
    for status in Status:
        ws.conditional_format(first, col, last, col, {"type": "cell", "criteria": "==",
                                                      "value": f'"{status_text(status.value)}"',
                                                      "format": looks.statuses[status.value]})


def _print_setup(ws: Any) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many long as needed
    ws.repeat_rows(0)  # the header on every page
    ws.set_footer("&L&A&Rpage &P of &N")
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)


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
    put_text(ws, n + 3, 0, f"As it stood on {frames.today.isoformat()}: entries dated after that day, and "
                           "resolutions adopted after it, are left out." if view.past
             else f"Situation as of {frames.today.isoformat()}.")
    put_text(ws, n + 4, 0, f"Made from {view.source}." if view.source else "Made from the data file.")
    if view.private:  # said here, and at the top of every printed page of every sheet (_fill_workbook)
        put_text(ws, n + 2, 0, PRIVATE, looks.bold)
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
