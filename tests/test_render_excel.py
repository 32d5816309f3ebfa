"""render/excel: the workbook read back with openpyxl: sheets, values, types, dates, text never a formula."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

import monitor
from monitor.frames import build_frames
from monitor.model import Register
from monitor.render.excel import render_workbook, sheet_titles, status_text

HERE = Path(__file__).resolve().parent
TODAY = dt.date(2026, 11, 24)


def workbook_of(path: Path) -> tuple[Register, bytes, Workbook]:
    register = monitor.load_register(path, today=TODAY)
    data = render_workbook(register, build_frames(register, TODAY))
    return register, data, load_workbook(io.BytesIO(data))


def rows(ws: Worksheet) -> list[dict]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def test_sheets_and_summary_counts() -> None:
    _, _, wb = workbook_of(HERE / "data" / "valid" / "small.yaml")
    assert wb.sheetnames == ["Summary", "2019", "2021", "Status history", "People"]
    summary = wb["Summary"]
    assert [c.value for c in summary[1]] == ["Resolution", "Title", "Adopted", "○ pending", "◔ in progress",
                                             "◑ partly met", "✓ met", "✗ not met", "↺ reversed", "Total", "Still open"]
    assert [c.value for c in summary[2]][3:] == [0, 0, 0, 1, 1, 0, 2, 1]
    assert [c.value for c in summary[3]][3:] == [1, 0, 1, 0, 0, 1, 3, 3]
    assert summary["A4"].value == "All" and summary["J4"].value == 5
    assert summary["C2"].value == dt.datetime(2019, 3, 14) and summary["C2"].is_date
    assert len(summary._charts) == 1
    assert summary._charts[0].grouping == "stacked" and len(summary._charts[0].series) == 6


def test_every_sheet_has_frozen_header_filter_and_widths() -> None:
    _, _, wb = workbook_of(HERE / "data" / "valid" / "small.yaml")
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.column_dimensions["A"].width >= 12, ws.title
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)  # no formulas anywhere


def column(ws: Worksheet, header: str) -> str:
    """The letter of the column headed `header`."""
    return next(c.column_letter for c in ws[1] if c.value == header)


def test_resolution_sheet_values_types_and_links() -> None:
    register, _, wb = workbook_of(HERE / "data" / "valid" / "small.yaml")
    got = rows(wb["2019"])
    assert [r["ID"] for r in got] == [d.id for d in register.demands_of("2019")]
    doe = got[1]
    assert (doe["Status"], doe["Paragraph"], doe["Person"]) == ("✓ met", "unknown", "Jane Doe")
    assert doe["Last change"] == dt.datetime(2019, 9, 2)
    assert doe["Days outstanding"] is None and doe["Outstanding for"] is None
    days = (TODAY - dt.date(2019, 3, 14)).days
    assert got[0]["Days outstanding"] == days and got[0]["Outstanding for"] == "7 years 8 months"
    assert got[0]["Status"] == "✗ not met"
    ws = wb["2019"]
    last_change = ws[column(ws, "Last change") + "2"]
    assert last_change.is_date and last_change.number_format == "yyyy-mm-dd"
    assert ws[column(ws, "Quoted from") + "3"].hyperlink.target == "https://example.org/press/2019"
    assert ws[column(ws, "Text") + "2"].alignment.wrap_text and ws.row_dimensions[2].height >= 15
    rules = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    assert sorted(rules) == sorted(f'"{status_text(s)}"' for s in monitor.model.STATUS_NAMES)


def test_status_text_is_symbol_and_word_as_on_the_pages() -> None:
    assert [status_text(s.value) for s in monitor.Status] == ["○ pending", "◔ in progress", "◑ partly met", "✓ met",
                                                              "✗ not met", "↺ reversed"]


def width_of(ws: Worksheet, letter: str) -> float:
    """A column's width; XlsxWriter writes neighbours of the same width as one range (openpyxl keys it by its first)."""
    from openpyxl.utils import column_index_from_string

    index = column_index_from_string(letter)
    return next(d.width for d in ws.column_dimensions.values() if d.min <= index <= d.max)


def wrapped_lines(text: str, width: float) -> int:
    """Lines of bold `text` wrapped at spaces in a column `width` characters wide (bold letters ~10% wider)."""
    lines, line = 1, ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width / 1.1 - 1:
            lines, line = lines + 1, word
        else:
            line = f"{line} {word}".strip()
    return lines


def test_headers_wrap_and_ids_fit_their_column() -> None:
    """Print shows what the screen shows: every heading whole on its wrapped lines, every id on one line."""
    _, _, wb = workbook_of(HERE / "data" / "valid" / "small.yaml")
    for ws in wb.worksheets:
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        for cell in ws[1]:
            width = width_of(ws, cell.column_letter)
            assert cell.alignment.wrap_text, (ws.title, cell.value)
            longest_word = max(len(word) for word in cell.value.split())
            assert width >= longest_word * 1.1 + 1, (ws.title, cell.value, width)
            assert (ws.row_dimensions[1].height or 15) >= 15 * wrapped_lines(cell.value, width), (ws.title, cell.value)
    for title, header in [("2019", "ID"), ("Status history", "Demand ID"), ("People", "Demand ID")]:
        ws = wb[title]
        letter = column(ws, header)
        longest = max(len(c.value) for c in ws[letter][1:] if c.value)
        assert width_of(ws, letter) >= longest + 1, (title, longest)


def test_summary_legend_names_every_status_in_words() -> None:
    _, _, wb = workbook_of(HERE / "data" / "valid" / "small.yaml")
    values = [(row[0].value, row[1].value) for row in wb["Summary"].iter_rows(min_row=5)]
    assert ("Status", "What it means") in values
    for status in monitor.Status:
        assert (status_text(status.value), status.meaning) in values
    chart = wb["Summary"]._charts[0]
    fills = [s.graphicalProperties.pattFill for s in chart.series]
    assert sum(f is not None for f in fills) == 5  # every status but one has a pattern, not only a colour


def test_the_summary_says_when_private_material_is_included() -> None:
    """Above the date line, in the cells (XlsxWriter's constant-memory mode loses a row written out of order)."""
    from monitor.render.excel_summary import PRIVATE
    from monitor.view import View

    register = monitor.load_register(HERE / "data" / "valid" / "small.yaml", today=TODAY)
    data = render_workbook(register, build_frames(register, TODAY), View(TODAY, private=True))
    summary = load_workbook(io.BytesIO(data))["Summary"]
    assert [c.value for c in summary["A"][4:7]] == [PRIVATE, "Situation as of 2026-11-24.", "Made from the data file."]
    assert summary["A5"].font.b


def test_history_and_people_sheets() -> None:
    register, _, wb = workbook_of(HERE / "data" / "valid" / "small.yaml")
    history = rows(wb["Status history"])
    assert len(history) == sum(len(d.history) for d in register.demands)
    assert history[1] == {"Demand ID": "inquiry-2019", "Resolution": "2019", "Step": 2,
                          "Date": dt.datetime(2020, 6, 1), "Status": "✗ not met",
                          "Note": "The authorities refused international experts.",
                          "Source": "https://example.org/news/refusal", "More sources": None}
    assert wb["Status history"]["G3"].hyperlink.target == "https://example.org/news/refusal"
    people = rows(wb["People"])
    assert [(p["Person"], p["Free?"], p["Status"]) for p in people] == [("Jane Doe", "yes", "✓ met"),
                                                                       ("Richard Roe", "not known", "○ pending")]


def test_hostile_text_is_stored_as_text() -> None:
    _, _, wb = workbook_of(HERE / "data" / "hostile.yaml")
    assert wb.sheetnames == ["Summary", "2020", "index", "Status history", "People"]
    notes = {c.value: c for c in wb["Status history"]["F"][1:]}
    for value in ('=HYPERLINK("http://evil.example/x","y")', "-SUM(1,2)", '@HYPERLINK("http://evil.example")',
                  "+1 and -1 and @cmd, then {{ 7*7 }} and {% raw %}"):
        assert notes[value].data_type == "s", value
    sheet = wb["2020"]
    texts = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in texts)
    assert sheet["C2"].value == "=1+1" and sheet["D2"].value == "@SUM(A1:A2)"
    assert any(len(c.value) == 5000 for c in texts)
    links = [c.hyperlink.target for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.hyperlink]
    assert links and all(t.startswith(("http://", "https://")) for t in links)
    assert wb["Summary"]["B2"].value.startswith("<script>")


def test_same_data_same_bytes() -> None:
    _, first, _ = workbook_of(HERE / "data" / "valid" / "small.yaml")
    _, second, _ = workbook_of(HERE / "data" / "valid" / "small.yaml")
    assert first == second


@pytest.mark.parametrize("ids, expected", [
    (["2013"], ["2013"]),
    (["a" * 40], ["a" * 31]),
    (["a:b/c?d*e[f]g\\h"], ["a_b_c_d_e_f_g_h"]),
    (["summary", "history", "people"], ["summary (2)", "history (2)", "people (2)"]),
    (["x" * 40, "x" * 45], ["x" * 31, "x" * 27 + " (2)"]),
])
def test_sheet_titles_are_safe_and_unique(ids: list[str], expected: list[str]) -> None:
    assert list(sheet_titles(ids).values()) == expected


def test_any_text_is_stored_as_text() -> None:
    """Property: put_text keeps every string as a text cell, whatever it starts with."""
    import xlsxwriter
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from monitor.render.excel import put_text

    @settings(max_examples=200, deadline=None)
    @given(st.sampled_from(["=", "+", "-", "@", "", " ="]), st.text(max_size=40))
    def check(start: str, rest: str) -> None:
        saved = io.BytesIO()
        with xlsxwriter.Workbook(saved, {"in_memory": True}) as wb:
            put_text(wb.add_worksheet("Sheet"), 0, 0, start + rest)
        back = load_workbook(saved)["Sheet"]["A1"]
        assert back.data_type == "s" or back.value is None

    check()
