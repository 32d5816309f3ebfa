"""render/excel: the workbook read back with openpyxl: sheets, values, types, dates, text never a formula."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

import monitor
from monitor.frames import build_frames
from monitor.render.excel import render_workbook, sheet_titles

HERE = Path(__file__).resolve().parent
TODAY = dt.date(2026, 11, 24)


def workbook_of(path: Path):
    register = monitor.load_register(path, today=TODAY)
    data = render_workbook(register, build_frames(register, TODAY))
    return register, data, load_workbook(io.BytesIO(data))


def rows(ws) -> list[dict]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def test_sheets_and_summary_counts():
    _, _, wb = workbook_of(HERE / "data" / "valid" / "small.yaml")
    assert wb.sheetnames == ["Summary", "2019", "2021", "Status history", "People"]
    summary = wb["Summary"]
    assert [c.value for c in summary[1]] == ["Resolution", "Title", "Adopted", "pending", "in-progress", "partly-met",
                                             "met", "not-met", "reversed", "Total", "Still open"]
    assert [c.value for c in summary[2]][3:] == [0, 0, 0, 1, 1, 0, 2, 1]
    assert [c.value for c in summary[3]][3:] == [1, 0, 1, 0, 0, 1, 3, 3]
    assert summary["A4"].value == "All" and summary["J4"].value == 5
    assert summary["C2"].value == dt.datetime(2019, 3, 14) and summary["C2"].is_date
    assert len(summary._charts) == 1
    assert summary._charts[0].grouping == "stacked" and len(summary._charts[0].series) == 6


def test_every_sheet_has_frozen_header_filter_and_widths():
    _, _, wb = workbook_of(HERE / "data" / "valid" / "small.yaml")
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.column_dimensions["A"].width >= 12, ws.title
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)  # no formulas anywhere


def test_resolution_sheet_values_types_and_links():
    register, _, wb = workbook_of(HERE / "data" / "valid" / "small.yaml")
    got = rows(wb["2019"])
    assert [r["ID"] for r in got] == [d.id for d in register.demands_of("2019")]
    doe = got[1]
    assert (doe["Status"], doe["Paragraph"], doe["Person"]) == ("met", "unknown", "Jane Doe")
    assert doe["Last change"] == dt.datetime(2019, 9, 2)
    assert doe["Days outstanding"] is None
    assert got[0]["Days outstanding"] == (TODAY - dt.date(2019, 3, 14)).days
    ws = wb["2019"]
    assert ws["H2"].is_date and ws["H2"].number_format == "yyyy-mm-dd"
    assert ws["L3"].hyperlink.target == "https://example.org/press/2019"
    assert ws["K2"].alignment.wrap_text and ws.row_dimensions[2].height >= 15
    rules = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    assert sorted(rules) == sorted(f'"{s}"' for s in monitor.model.STATUS_NAMES)


def test_history_and_people_sheets():
    register, _, wb = workbook_of(HERE / "data" / "valid" / "small.yaml")
    history = rows(wb["Status history"])
    assert len(history) == sum(len(d.history) for d in register.demands)
    assert history[1] == {"Demand ID": "inquiry-2019", "Resolution": "2019", "Step": 2,
                          "Date": dt.datetime(2020, 6, 1), "Status": "not-met",
                          "Note": "The authorities refused international experts.",
                          "Source": "https://example.org/news/refusal", "More sources": None}
    assert wb["Status history"]["G3"].hyperlink.target == "https://example.org/news/refusal"
    people = rows(wb["People"])
    assert [(p["Person"], p["Free?"], p["Status"]) for p in people] == [("Jane Doe", "yes", "met"),
                                                                       ("Richard Roe", "not known", "pending")]


def test_hostile_text_is_stored_as_text():
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


def test_same_data_same_bytes():
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
def test_sheet_titles_are_safe_and_unique(ids, expected):
    assert list(sheet_titles(ids).values()) == expected


def test_any_text_is_stored_as_text():
    """Property: put_text keeps every string as a text cell, whatever it starts with."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from openpyxl import Workbook

    from monitor.render.excel import put_text

    ws = Workbook().active

    @settings(max_examples=200, deadline=None)
    @given(st.sampled_from(["=", "+", "-", "@", "", " ="]), st.text(max_size=40))
    def check(start, rest):
        cell = ws["A1"]
        put_text(cell, start + rest)
        assert cell.data_type == "s"
        saved = io.BytesIO()
        ws.parent.save(saved)
        back = load_workbook(saved)["Sheet"]["A1"]
        assert back.data_type == "s" or back.value is None

    check()
