"""How one table goes into a worksheet: typed cells, widths, heights, status colours, print set-up.

excel.py decides which sheets a workbook has and fills them through these; excel_summary.py writes the Summary.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..fields import LOOKS, STATUS_SYMBOLS, is_web_address
from ..model import Status
from . import duration

DATE_FORMAT = "yyyy-mm-dd"
LINE = 15  # points per line of text at the default 11-point font
MAX_URL = 2079  # Excel ignores a longer link; it is written as text instead
MAX_LINKS = 65_530  # links per sheet that Excel accepts; later addresses are written as text
MAX_ID_WIDTH = 42  # an id column widens to its longest id up to this; a longer id wraps at its hyphens
_STATUS_TEXTS = {s.value: f"{STATUS_SYMBOLS[s.value]} {s.label}" for s in Status}


def status_text(value: str) -> str:
    """A status as the pages show it, symbol and word: '◑ partly met'."""
    return _STATUS_TEXTS[value]


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
