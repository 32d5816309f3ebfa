"""How one table goes into a worksheet: typed cells, widths, heights, status colours, print set-up.

excel.py decides which sheets a workbook has and fills them through these; excel_summary.py writes the Summary.
Every word comes in the active language (i18n): headers arrive translated, status words and the footer are
translated here, and dates are real dates shown in the language's own numeric form (2026-11-24, 24.11.2026).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..fields import LOOKS, STATUS_SYMBOLS, is_web_address
from ..i18n import _, current, pgettext
from ..model import Status
from . import duration

DATE_FORMAT = "yyyy-mm-dd"  # the dates' number format in English, and wherever a translation gives none we can use
_DATE_FORMAT = re.compile(r"(?=.*d)(?=.*m)(?=.*y)(?:dd?|mm?|yyyy|yy|[ ./-])+\Z")
BAD_TITLE = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in a sheet's title
LINE = 15  # points per line of text at the default 11-point font
MAX_URL = 2079  # Excel ignores a longer link; it is written as text instead
MAX_LINKS = 65_530  # links per sheet that Excel accepts; later addresses are written as text
MAX_ID_WIDTH = 42  # an id column widens to its longest id up to this; a longer id wraps at its hyphens


def status_texts() -> dict[str, str]:
    """Each status as the pages show it, symbol and word in the active language, by its key."""
    return {s.value: f"{STATUS_SYMBOLS[s.value]} {s.label}" for s in Status}


def status_text(value: str) -> str:
    """A status as the pages show it, symbol and word: '◑ partly met', '◑ выполнено частично'."""
    return f"{STATUS_SYMBOLS[value]} {Status(value).label}"


def date_format() -> str:
    """The number format of the workbook's dates in the active language: 'yyyy-mm-dd', 'dd.mm.yyyy'. A
    translation that is not made only of d, m, y and separators falls back to yyyy-mm-dd rather than spoil every
    date."""
    # TRANSLATORS: how the workbook shows a date, as an Excel number format made of dd (day), mm (month),
    # yyyy (year) and the separators . / - or a space; e.g. dd.mm.yyyy
    chosen = pgettext("Excel date format", "yyyy-mm-dd")
    return chosen if _DATE_FORMAT.match(chosen) else DATE_FORMAT


def numeric_date(day: dt.date) -> str:
    """`day` as the workbook's date cells show it ('2026-11-24', '24.11.2026'): for dates written into sentences
    beside those cells, and in the terminal's columns."""
    from babel.dates import format_date

    return format_date(day, date_format().replace("m", "M"), locale=current().locale)


def sheet_title(text: str, fallback: str = "Sheet") -> str:
    """`text` made a valid sheet title: none of []:*?/\\, no apostrophe at either end, at most 31 characters."""
    return BAD_TITLE.sub("_", text).strip("'").strip()[:31].strip() or fallback


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
            date=wb.add_format({**top, "num_format": date_format()}),
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
    for col, (title, *_unused) in enumerate(columns):
        put_text(ws, 0, col, title, looks.header)
    texts = status_texts()
    tall = [(key, width) for (_, key, _, kind), width in zip(columns, widths) if kind in ("text", "id", "link")]
    links, r = 0, 0
    write_string = ws.write_string  # text is only ever written as text (see put_text), never by ws.write()
    for r, item in enumerate(rows, start=1):
        height = row_height(item, tall)
        if height > LINE:
            ws.set_row(r, height)
        for col, (_title, key, _width, kind) in enumerate(columns):
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
                write_string(r, col, texts[value], looks.status)
            elif kind == "link" and links < MAX_LINKS and len(value) <= MAX_URL and is_web_address(value):
                ws.write_url(r, col, value, looks.link, string=value)
                links += 1
            else:
                write_string(r, col, str(value), looks.text)
    end = max(r, 1)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, end, len(columns) - 1)
    for col, (*_unused, kind) in enumerate(columns):
        if kind == "status":
            colour_statuses(ws, looks, 1, col, end)
    _print_setup(ws)
    return r + 1


def _widths(columns: list, longest: dict[str, int]) -> list[float]:
    """Each column's width: as set, an id column widened to its longest id (so that ids print whole), a status
    column to its longest status, and any column to the longest word of its heading (a language's words may be
    longer than English ones)."""
    return [max(status_width(width) if kind == "status" else width,
                min(longest.get(key, 0) + 2, MAX_ID_WIDTH) if kind == "id" else 0, _word_room(title))
            for title, key, width, kind in columns]


def status_width(width: float) -> float:
    """`width`, or more where a status of the active language, symbol and bold word, would not show whole in it.

    Measured in LibreOffice's print: '◔ in progress' (13 characters) shows whole in a column 12 wide (XlsxWriter
    adds 5/7 of a character of padding), while Cyrillic letters are a little wider: a column widened for a status
    gets a character to spare."""
    longest = max(len(text) for text in status_texts().values())
    return width if longest <= width + 1 else longest + 1


def _word_room(title: str) -> int:
    """The width in which the longest word of a bold heading (~10% wider) shows whole, with a character's room to
    spare; XlsxWriter adds 5/7 of a character for the cell's padding."""
    longest = max((len(word) for word in title.split()), default=0)
    return math.ceil(longest * 1.1 + 1 - 5 / 7)


def header_height(columns: list, widths: list[float]) -> float:
    """Points for the header row, so that every heading shows whole, wrapped at its spaces."""
    return LINE * max(_lines(title, width) for (title, *_unused), width in zip(columns, widths))


def plain_lines(text: str, width: float) -> int:
    """How many lines plain (not bold) `text` takes in a column `width` characters wide, wrapped at spaces.

    Measured in LibreOffice's print at the default font: a line holds about 1.27 Latin or 1.17 Cyrillic letters
    per unit of width; 1.15 leaves room."""
    return _lines(text, width * 1.15 * 1.1 + 1.1)


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
    texts = status_texts()
    for status in Status:
        ws.conditional_format(first, col, last, col, {"type": "cell", "criteria": "==",
                                                      "value": f'"{texts[status.value]}"',
                                                      "format": looks.statuses[status.value]})


def _print_setup(ws: Any) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many long as needed
    ws.repeat_rows(0)  # the header on every page
    # &A: the sheet's title, &P: the page's number, &N: the number of pages; a & of the words is written &&
    page = _("page {page} of {pages}").replace("&", "&&").format(page="&P", pages="&N")
    ws.set_footer(f"&L&A&R{page}")
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
