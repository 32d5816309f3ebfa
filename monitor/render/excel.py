"""Frames -> the .xlsx workbook as bytes: Summary (counts, legend, chart), a sheet per resolution, history, people.

Written with XlsxWriter in its constant-memory mode: each row goes to a temporary file as soon as the next one
starts, so memory stays flat, and at 10,000 demands the workbook takes about 6 s of CPU where openpyxl's
write-only mode took about 22 s (most of it building a style and an lxml element per cell).
Text from the data is always written with `write_string`, so `=HYPERLINK(...)` in a note stays words and never
becomes a formula; only http(s) addresses become links. Sheet titles are made safe and unique. Statuses are
written as on the pages ("◑ partly met"), time outstanding as people say it ("13 years 7 months").

Every word of ours is in the active language (i18n), sheet titles included. In a language other than the one the
data is written in, each text of the data (a demand, a title, a note) shows the file's translation where there is
one, else the original, and a narrow Language column beside it says which: a spreadsheet is sorted, filtered and
copied, so the mark stays out of the text itself. A demand's quoted text is always the original, its unofficial
translation in a column of its own.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import tempfile
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..i18n import N_, _, current
from ..model import Demand, Register
from ..prose import prose, quote
from ..view import View
from .excel_summary import PRIVATE, SUMMARY, write_summary
from .sheets import LINE, MAX_ID_WIDTH, Looks, put_text, sheet_title, status_text, write_table  # noqa: F401

if TYPE_CHECKING:  # pandas is imported by the stage that builds the frames
    import pandas as pd

    from ..frames import Frames

HISTORY, PEOPLE = N_("Status history"), N_("People")
# "History" itself is a name Excel reserves for its own use, so the history sheet is called "Status history".
EXCEL_RESERVED = "History"
LANGUAGE_WIDTH = 6

# (header, frame column, width in characters, kind); the headers are translated where the workbook is written
RESOLUTION_COLUMNS = [
    (N_("ID"), "id", 24, "id"), (N_("Topic"), "topic", 14, "text"), (N_("Paragraph"), "paragraph", 11, "text"),
    (N_("Addressee"), "addressee", 18, "text"), (N_("Person"), "person", 16, "text"),
    (N_("Demand"), "demand", 36, "text"), (N_("Status"), "status", 14, "status"),
    (N_("Last change"), "last_change", 11, "date"), (N_("Outstanding for"), "days_outstanding", 16, "duration"),
    (N_("Days outstanding"), "days_outstanding", 13, "number"), (N_("Latest note"), "latest_note", 40, "text"),
    (N_("Text"), "text", 50, "text"), (N_("Quoted from"), "quoted_from", 24, "link"),
    (N_("First made"), "first_demanded", 11, "date"), (N_("Repeats"), "repeats", 20, "id"),
]
HISTORY_COLUMNS = [
    (N_("Demand ID"), "demand", 26, "id"), (N_("Resolution"), "resolution", 12, "id"),
    (N_("Step"), "step", 6, "number"), (N_("Date"), "date", 12, "date"), (N_("Status"), "status", 14, "status"),
    (N_("Note"), "note", 60, "text"), (N_("Source"), "source", 40, "link"),
    (N_("More sources"), "more_sources", 40, "text"),
]
PEOPLE_COLUMNS = [
    (N_("Person"), "person", 24, "text"), (N_("Free?"), "free", 10, "text"), (N_("Demand ID"), "demand_id", 26, "id"),
    (N_("Demand"), "demand", 40, "text"), (N_("Status"), "status", 14, "status"), (N_("Since"), "since", 12, "date"),
    (N_("Latest note"), "note", 50, "text"), (N_("Resolutions"), "resolutions", 14, "text"),
    (N_("All demands about this person"), "demands", 34, "id"),
]
# The columns of the data's prose in each table: in a workbook of another language than the file's, a Language
# column follows each of them (and the quoted text is followed by its unofficial translation where the file has one).
PROSE = {"resolution": ("demand", "latest_note"), "history": ("note",), "people": ("demand", "note")}
TEXT_TRANSLATION = (N_("Text: unofficial translation"), "text_translation", 50, "text")


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
    reader = Reader(register.language, current().code)
    title = reader.text(register, "title", register.title)[0] or _("Demands and where they stand")
    wb.set_properties({"title": title, "author": "monitor", "created": midnight})
    looks = Looks.of(wb)
    fixed = fixed_titles()
    write_summary(wb, looks, register, frames, view, title=fixed[SUMMARY], reader=reader)
    titles = sheet_titles([r.id for r in register.resolutions])
    by_id = {d.id: d for d in register.demands}
    columns = table_columns(RESOLUTION_COLUMNS, PROSE["resolution"], reader, register)
    by_resolution: dict[str, list[dict]] = {r.id: [] for r in register.resolutions}
    for row in _rows(frames.demands, columns, "resolution"):  # one pass: pandas costs ~1 ms per call
        by_resolution[row["resolution"]].append(reader.demand_row(row, by_id.get(row["id"])))
    longest = _longest(frames.demands, columns)  # the same widths on every resolution's sheet
    for res in register.resolutions:
        write_table(wb.add_worksheet(titles[res.id]), looks, columns, by_resolution[res.id], longest)
    columns = table_columns(HISTORY_COLUMNS, PROSE["history"], reader, register)
    history = (reader.history_row({**row, "source": row["sources"][0] if row["sources"] else "",
                                   "more_sources": "\n".join(row["sources"][1:])}, by_id.get(row["demand"]))
               for row in _rows(frames.history, columns, "sources"))
    write_table(wb.add_worksheet(fixed[HISTORY]), looks, columns, history, _longest(frames.history, columns))
    columns = table_columns(PEOPLE_COLUMNS, PROSE["people"], reader, register)
    people = (reader.person_row({**row, "demands": "\n".join(row["demands"]),
                                 "resolutions": ", ".join(row["resolutions"]),
                                 "free": _(row["free"]) if row["free"] else ""}, by_id.get(row["demand_id"]))
              for row in _rows(frames.people, columns))
    write_table(wb.add_worksheet(fixed[PEOPLE]), looks, columns, people, _longest(frames.people, columns))
    if view.private:
        private = _(PRIVATE).replace("&", "&&")  # a lone & starts a header code
        for sheet in wb.worksheets():
            sheet.set_header(f'&C&"-,Bold"{private}')


def fixed_titles() -> dict[str, str]:
    """The titles of the Summary, Status history and People sheets in the active language (keyed by their English
    titles), made valid and distinct whatever the catalogue says."""
    titles: dict[str, str] = {}
    for name in (SUMMARY, HISTORY, PEOPLE):
        title = sheet_title(_(name), name)
        if title.lower() in {t.lower() for t in titles.values()} | {EXCEL_RESERVED.lower()}:
            title = name  # a translation that repeats another title, or is Excel's own: the English one
        titles[name] = title
    return titles


def sheet_titles(resolution_ids: Iterable[str]) -> dict[str, str]:
    """A sheet title per resolution: at most 31 characters, none of []:*?/\\, unique ignoring case, none of the
    other sheets' titles."""
    used = {t.lower() for t in [*fixed_titles().values(), EXCEL_RESERVED]}
    titles = {}
    for rid in resolution_ids:
        base = sheet_title(rid, "Resolution")
        title, n = base, 2
        while title.lower() in used:
            suffix = f" ({n})"
            title, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(title.lower())
        titles[rid] = title
    return titles


def table_columns(table: list, prose_keys: tuple[str, ...], reader: Reader, register: Register) -> list:
    """`table`'s columns with their headers in the active language. In a workbook of another language than the
    data's, a narrow Language column follows each column of prose (`prose_keys`), the quoted text is headed as
    the original, and its unofficial translation, where the file has any, has a column of its own."""
    columns = []
    for header, key, width, kind in table:
        if key == "text" and reader.bilingual:
            columns.append((_("Text (original, {language})").format(language=reader.source), key, width, kind))
            if any(reader.quoted(d, d.text) for d in register.demands):
                columns.append((_(TEXT_TRANSLATION[0]), *TEXT_TRANSLATION[1:]))
            continue
        columns.append((_(header), key, width, kind))
        if key in prose_keys and reader.bilingual:
            columns.append((_("Language"), f"{key}_language", LANGUAGE_WIDTH, "text"))
    return columns


@dataclass(frozen=True)
class Reader:
    """The data's prose as a reader of `language` sees it: the file's translation where there is one, else the
    original, which is in `source` (the language the file is written in)."""

    source: str
    language: str

    @property
    def bilingual(self) -> bool:
        """True when the reader's language is not the data's: the shown prose then says which language it is in."""
        return self.language != self.source

    def text(self, item: Any, name: str, original: str) -> tuple[str, str]:
        """The text to show of field `name` (whose text is `original`) and the language it is in ('' for no text)."""
        if not original:
            return original, ""
        shown = prose(item, name, original, source=self.source, language=self.language)
        return shown.text, shown.language

    def quoted(self, demand: Any, original: str) -> str:  # Any: prose.Translated asks for a settable attribute
        """The unofficial translation of a demand's quoted `original` text into the reader's language; '' if none."""
        unofficial = quote(demand, original, source=self.source, language=self.language).unofficial
        return unofficial.text if unofficial else ""

    def demand_row(self, row: dict, demand: Demand | None) -> dict:
        """A row of a resolution's sheet with its demand, latest note and quoted text as the reader sees them."""
        if self.bilingual and demand is not None:
            row["demand"], row["demand_language"] = self.text(demand, "demand", row["demand"] or "")
            row["latest_note"], row["latest_note_language"] = self.text(demand.latest, "note", row["latest_note"] or "")
            row["text_translation"] = self.quoted(demand, row["text"] or "")
        return row

    def history_row(self, row: dict, demand: Demand | None) -> dict:
        """A row of the Status history with its note as the reader sees it."""
        if self.bilingual and demand is not None and 0 < row["step"] <= len(demand.history):
            row["note"], row["note_language"] = self.text(demand.history[row["step"] - 1], "note", row["note"] or "")
        return row

    def person_row(self, row: dict, demand: Demand | None) -> dict:
        """A row of People with its demand and latest note as the reader sees them."""
        if self.bilingual and demand is not None:
            row["demand"], row["demand_language"] = self.text(demand, "demand", row["demand"] or "")
            row["note"], row["note_language"] = self.text(demand.latest, "note", row["note"] or "")
        return row


def _rows(frame: pd.DataFrame, columns: list, *more: str) -> Iterator[dict]:
    """The values of `columns` (and `more` of the frame's columns) row by row, pandas' missing values as None."""
    keys = list(dict.fromkeys([key for _title, key, *_unused in columns if key in frame] + list(more)))
    values = [frame[k].astype(object).where(frame[k].notna(), None).tolist() for k in keys]
    for row in zip(*values):
        yield dict(zip(keys, row))


def _longest(frame: pd.DataFrame, columns: list) -> dict[str, int]:
    """The length of the longest id in each id column of `frame` (a column of several ids wraps between them)."""
    def words(value: object) -> list[str]:
        return list(value) if isinstance(value, (list, tuple)) else str(value or "").split()

    return {key: max((len(w) for value in frame[key] for w in words(value)), default=0)
            for _title, key, _width, kind in columns if kind == "id" and key in frame}


