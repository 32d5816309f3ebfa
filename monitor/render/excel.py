"""Frames -> the .xlsx workbook as bytes: Summary (with a chart), one sheet per resolution, history, people.

Text from the data is always stored as text (`data_type = "s"`), so `=HYPERLINK(...)` in a note stays words and
never becomes a formula; only http(s) addresses become hyperlinks. Sheet titles are made safe and unique.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ..fields import LOOKS, is_web_address
from ..memory import give_style, style_of
from ..model import Register, Status

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from ..frames import Frames

SUMMARY, HISTORY, PEOPLE = "Summary", "Status history", "People"
# "History" itself is a name Excel reserves for its own use, so the history sheet is called "Status history".
RESERVED_TITLES = {SUMMARY, HISTORY, PEOPLE, "History"}
MAX_CELL = 32767  # Excel's limit on the characters of one cell
DATE_FORMAT = "yyyy-mm-dd"
FILLS = {status.value: look.excel_fill for status, look in LOOKS.items()}
BAR_COLOURS = {status.value: look.excel_bar for status, look in LOOKS.items()}
FONTS = {status.value: look.excel_font for status, look in LOOKS.items()}

RESOLUTION_COLUMNS = [  # (header, frame column, width, kind)
    ("ID", "id", 24, "text"), ("Topic", "topic", 14, "wrap"), ("Paragraph", "paragraph", 10, "text"),
    ("Addressee", "addressee", 18, "wrap"), ("Person", "person", 16, "wrap"), ("Demand", "demand", 36, "wrap"),
    ("Status", "status", 12, "status"), ("Last change", "last_change", 11, "date"),
    ("Days outstanding", "days_outstanding", 11, "number"), ("Latest note", "latest_note", 40, "wrap"),
    ("Text", "text", 50, "wrap"), ("Quoted from", "quoted_from", 24, "link"),
    ("First made", "first_demanded", 11, "date"), ("Repeats", "repeats", 20, "wrap"),
]
HISTORY_COLUMNS = [
    ("Demand ID", "demand", 26, "text"), ("Resolution", "resolution", 12, "text"), ("Step", "step", 6, "number"),
    ("Date", "date", 12, "date"), ("Status", "status", 13, "status"), ("Note", "note", 60, "wrap"),
    ("Source", "source", 40, "link"), ("More sources", "more_sources", 40, "wrap"),
]
PEOPLE_COLUMNS = [
    ("Person", "person", 24, "text"), ("Free?", "free", 8, "text"), ("Demand ID", "demand_id", 26, "text"),
    ("Demand", "demand", 40, "wrap"), ("Status", "status", 13, "status"), ("Since", "since", 12, "date"),
    ("Latest note", "note", 50, "wrap"), ("Resolutions", "resolutions", 14, "text"),
    ("All demands about this person", "demands", 34, "wrap"),
]


def render_workbook(register: Register, frames: Frames) -> bytes:
    """The whole workbook as .xlsx bytes; the same data and `today` give the same bytes."""
    from lxml.etree import ErrorTypes, SerialisationError
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    try:
        return _fill_workbook(wb, register, frames)
    except SerialisationError as exc:
        # Write-only sheets are streamed through lxml into temporary files, so a full temporary folder surfaces
        # as lxml's SerialisationError, whose only argument is the name of libxml2's error code.
        code = getattr(ErrorTypes, str(exc), None)
        number = {ErrorTypes.IO_ENOSPC: errno.ENOSPC, ErrorTypes.IO_EFBIG: errno.EFBIG}.get(code, errno.EIO)
        _abandon(wb)
        raise OSError(number, os.strerror(number), tempfile.gettempdir()) from None


def _abandon(wb: Workbook) -> None:
    """Close and delete a failed workbook's temporary files now, quietly."""
    # Left to the garbage collector, each sheet's writer (openpyxl keeps it in `_writer`) would try to finish its
    # file on the full disk and print "Exception ignored in ..." with a traceback after our one-line message.
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.xf.close()
            with contextlib.suppress(Exception):
                writer.cleanup()


def _fill_workbook(wb: Workbook, register: Register, frames: Frames) -> bytes:
    wb.properties.creator = "monitor"
    wb.properties.title = "Demands and where they stand"
    write_summary(wb.create_sheet(SUMMARY), register, frames)
    titles = sheet_titles([r.id for r in register.resolutions])
    for res in register.resolutions:
        rows = frames.demands[frames.demands["resolution"] == res.id]
        write_table(wb.create_sheet(titles[res.id]), RESOLUTION_COLUMNS, _rows(rows), len(rows))
    history = ({**row, "source": row["sources"][0] if row["sources"] else "",
                "more_sources": "\n".join(row["sources"][1:])} for row in _rows(frames.history))
    write_table(wb.create_sheet(HISTORY), HISTORY_COLUMNS, history, len(frames.history))
    people = [{**row, "demands": "\n".join(row["demands"]), "resolutions": ", ".join(row["resolutions"])}
              for row in _rows(frames.people)]
    write_table(wb.create_sheet(PEOPLE), PEOPLE_COLUMNS, people)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fixed_timestamps(buffer.getvalue(), frames.today)


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


def _rows(frame: pd.DataFrame) -> Iterator[dict]:
    """A frame's rows as dicts, one at a time (a list of 50,000 history rows cost tens of MB at once)."""
    columns = list(frame.columns)
    for values in frame.itertuples(index=False, name=None):
        yield {k: (None if _missing(v) else v) for k, v in zip(columns, values)}


def _missing(value: object) -> bool:
    """True for None and pandas' missing values (NaN, NaT, NA); lists and text are never missing."""
    if value is None:
        return True
    if isinstance(value, (str, list, tuple)):
        return False
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def put_text(cell: Cell, value: str) -> None:
    """Store `value` as text whatever it starts with (=, +, -, @), without characters XML cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL]
    cell.data_type = "s"


def write_table(ws: Worksheet, columns: Sequence[tuple], rows: Iterable[dict], count: int | None = None) -> int:
    """A header row and one row per item: typed cells, frozen header, filter, widths, status colours, print set-up.

    The sheet is write-only (rows are streamed to disk as they are appended): at 10,000 demands an in-memory
    workbook peaked at about 800 MB. Returns the number of rows written, header included.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    top, wrap = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
    header = []
    for col, (title, _, width, _) in enumerate(columns, start=1):
        cell = WriteOnlyCell(ws)
        put_text(cell, title)
        cell.font = Font(bold=True)
        header.append(cell)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[1].height = 15
    last = get_column_letter(len(columns))
    count = len(rows) if count is None and isinstance(rows, Sequence) else (count or 0)
    end = max(count + 1, 2)
    # Sheet settings must be in place before the first row is streamed out.
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{end}"
    for col, (_, _, _, kind) in enumerate(columns, start=1):
        if kind == "status":
            colour_statuses(ws, f"{get_column_letter(col)}2:{get_column_letter(col)}{end}")
    _print_setup(ws)
    ws.append(header)
    styles: dict[tuple[int, bool], object] = {}  # copying a finished style is ~20x faster than setting it again
    for r, item in enumerate(rows, start=2):
        ws.row_dimensions[r].height = row_height(item, columns)
        cells = []
        for col, (_, key, _, kind) in enumerate(columns, start=1):
            value = item.get(key)
            cell = WriteOnlyCell(ws)
            cells.append(cell)
            if value is None or value == "":
                continue
            linked = kind == "link" and is_web_address(str(value))
            if kind == "date":
                cell.value = value
            elif kind == "number":
                cell.value = int(value)
            else:
                put_text(cell, value)
            if linked:
                cell.hyperlink = str(value)
            if (col, linked) in styles:
                give_style(cell, styles[col, linked])
                continue
            if kind == "date":
                cell.number_format = DATE_FORMAT
            if linked:
                cell.style = "Hyperlink"
            cell.alignment = wrap if kind in ("wrap", "link") else top
            styles[col, linked] = style_of(cell)
        ws.append(cells)
    return count + 1


def row_height(item: dict, columns: Sequence[tuple]) -> float:
    """Points enough for the longest wrapped text of the row: LibreOffice does not grow rows by itself on opening."""
    lines = 1
    for _, key, width, kind in columns:
        value = item.get(key)
        if kind in ("wrap", "link") and isinstance(value, str) and value:
            lines = max(lines, sum(-(-max(len(part), 1) // width) for part in value.split("\n")))
    return float(min(409, 15 * lines))  # 409 points: the tallest row Excel allows


def colour_statuses(ws: Worksheet, cells: str) -> None:
    """Conditional formatting: each status word gets its own fill and font colour (the word stays the key)."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill

    for status in Status:
        ws.conditional_formatting.add(cells, CellIsRule(
            operator="equal", formula=[f'"{status.value}"'],
            fill=PatternFill(start_color=FILLS[status.value], end_color=FILLS[status.value], fill_type="solid"),
            font=Font(color=FONTS[status.value], bold=True)))


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4 in the OOXML paper-size table
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def write_summary(ws: Worksheet, register: Register, frames: Frames) -> None:
    """Counts by resolution and status (values, not formulas), a stacked bar chart, and what each status means."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    ws.title = SUMMARY
    columns = [("Resolution", "resolution", 12, "text"), ("Title", "title", 50, "wrap"),
               ("Adopted", "adopted", 12, "date")]
    columns += [(s.value, s.value, 12, "number") for s in Status]
    columns += [("Total", "total", 9, "number"), ("Still open", "open", 10, "number")]
    rows = []
    for res in register.resolutions:
        counts = frames.counts.loc[res.id]
        rows.append({"resolution": res.id, "title": res.title, "adopted": res.adopted,
                     **{k: int(counts[k]) for k in [s.value for s in Status] + ["total", "open"]}})
    write_table(ws, columns, rows)
    n = len(rows)
    total_row = n + 2
    bold = Font(bold=True)
    totals = []
    for col, (_, key, _, kind) in enumerate(columns, start=1):
        cell = WriteOnlyCell(ws)
        if col == 1:
            put_text(cell, "All")
        elif kind == "number":
            cell.value = sum(r[key] for r in rows)
        cell.font = bold
        totals.append(cell)
    ws.append(totals)
    ws.append([])
    at = total_row + 2
    ws.append([_text_cell(ws, f"Situation as of {frames.today.isoformat()}.")])
    ws.append([_text_cell(ws, "Status", bold), _text_cell(ws, "Meaning", bold)])
    for status in Status:
        ws.append([_text_cell(ws, status.value), _text_cell(ws, status.meaning)])
    colour_statuses(ws, f"A{at + 2}:A{at + 1 + len(Status)}")
    if n:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap, chart.gapWidth = "bar", "stacked", 100, 40
        chart.title = "Demands by resolution and current status"
        chart.y_axis.title, chart.x_axis.title = "demands", "resolution"
        chart.add_data(Reference(ws, min_col=4, max_col=3 + len(Status), min_row=1, max_row=n + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
        for series, status in zip(chart.series, Status):
            series.graphicalProperties.solidFill = BAR_COLOURS[status.value]
            series.graphicalProperties.line.solidFill = "FFFFFF"
        chart.height, chart.width = 4 + 1.2 * n, 20
        ws.add_chart(chart, f"A{at + 3 + len(Status)}")


def _text_cell(ws: Worksheet, value: str, font: Font | None = None) -> Cell:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    put_text(cell, value)
    if font is not None:
        cell.font = font
    return cell


def _fixed_timestamps(data: bytes, today: dt.date) -> bytes:
    """The same archive with every date in it set to `today`, so that a workbook depends only on its data."""
    stamp = f"{today.isoformat()}T00:00:00Z"
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(today.year, today.month, today.day, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)
    return out.getvalue()
