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
from typing import TYPE_CHECKING, Any

from ..model import Register
from ..view import View
from .excel_summary import PRIVATE, SUMMARY, write_summary
from .sheets import LINE, MAX_ID_WIDTH, Looks, put_text, status_text, write_table  # noqa: F401  (tests use them)

if TYPE_CHECKING:  # pandas is imported by the stage that builds the frames
    import pandas as pd

    from ..frames import Frames

HISTORY, PEOPLE = "Status history", "People"
# "History" itself is a name Excel reserves for its own use, so the history sheet is called "Status history".
RESERVED_TITLES = {SUMMARY, HISTORY, PEOPLE, "History"}

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


