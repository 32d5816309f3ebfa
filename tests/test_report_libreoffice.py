"""demands.xlsx opened by LibreOffice (headless): every sheet exported to CSV and compared with the data.

A formula would be computed by LibreOffice on export (=HYPERLINK("http://x","y") would come out as "y"), so the
hostile notes coming back word for word proves they were stored as text.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import monitor
from monitor.frames import first_demanded
from monitor.render import duration
from monitor.render.excel import status_text
from monitor.report import write_reports

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"  # UTF-8, every sheet
# the same, each cell as shown (its number format applied): without it, a date not shown yyyy-mm-dd is exported in
# the machine's default form (03/14/2019 on an en-US machine), whatever the workbook says
CSV_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def convert(tmp_path: Path, workbook: Path, target: str) -> Path:
    out = tmp_path / "converted"
    run = subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                          "--convert-to", target, "--outdir", str(out), str(workbook)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return out


def sheets_as_csv(tmp_path: Path, data: Path, today: dt.date) -> tuple[object, dict[str, list[dict]]]:
    register = monitor.load_register(data, today=today)
    write_reports(register, tmp_path / "reports", today=today)
    out = convert(tmp_path, tmp_path / "reports" / "demands.xlsx", CSV_FILTER)
    sheets = {}
    for path in sorted(out.glob("demands-*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            sheets[path.stem[len("demands-"):]] = list(csv.DictReader(handle))
    return register, sheets


def test_every_sheet_matches_the_data(tmp_path: Path, today: dt.date) -> None:
    register, sheets = sheets_as_csv(tmp_path, HERE / "data" / "valid" / "small.yaml", today)
    assert sorted(sheets) == ["2019", "2021", "People", "Status history", "Summary"]
    summary = {row["Resolution"]: row for row in sheets["Summary"] if row["Resolution"] in ("2019", "2021", "All")}
    for res in register.resolutions:
        row = summary[res.id]
        assert row["Adopted"] == res.adopted.isoformat() and row["Title"] == res.title
        for status in monitor.Status:
            assert row[status_text(status.value)] == str(sum(d.status is status for d in register.demands_of(res.id)))
        assert row["Total"] == str(len(register.demands_of(res.id)))
    assert summary["All"]["Total"] == str(len(register.demands))
    for res in register.resolutions:
        rows = sheets[res.id]
        assert [r["ID"] for r in rows] == [d.id for d in register.demands_of(res.id)]
        for row, demand in zip(rows, register.demands_of(res.id)):
            assert (row["Status"], row["Last change"], row["Text"], row["Paragraph"]) == (
                status_text(demand.status.value), demand.latest.date.isoformat(), demand.text, demand.paragraph)
            days = (today - first_demanded(register, demand)).days if demand.status.is_open else None
            assert (row["Outstanding for"], row["Days outstanding"]) == (duration(days), str(days or ""))
    history = sheets["Status history"]
    expected = [(d.id, e.date.isoformat(), status_text(e.status.value), e.note, (e.sources or ("",))[0])
                for d in register.demands for e in d.history]
    assert [(r["Demand ID"], r["Date"], r["Status"], r["Note"], r["Source"]) for r in history] == expected
    assert [(r["Person"], r["Free?"]) for r in sheets["People"]] == [("Jane Doe", "yes"), ("Richard Roe", "not known")]


def test_hostile_text_comes_back_as_text(tmp_path: Path, today: dt.date) -> None:
    register, sheets = sheets_as_csv(tmp_path, HERE / "data" / "hostile.yaml", today)
    notes = [r["Note"] for r in sheets["Status history"]]
    assert notes == [e.note for d in register.demands for e in d.history]
    assert '=HYPERLINK("http://evil.example/x","y")' in notes and "-SUM(1,2)" in notes
    row = sheets["2020"][0]
    assert (row["Paragraph"], row["Addressee"]) == ("=1+1", "@SUM(A1:A2)")
    assert sheets["2020"][1]["Text"] == register.demand("rtl-2020").text  # 5,000 characters, whole
    assert sheets["2020"][1]["Demand"] == register.demand("rtl-2020").demand  # right-to-left text and overrides
    assert sheets["Summary"][0]["Title"] == register.resolution("2020").title


def printed(tmp_path: Path, data: Path, today: dt.date) -> tuple[object, str]:
    """The workbook of `data` printed to PDF by LibreOffice, as the PDF's text laid out (pdftotext -layout)."""
    register = monitor.load_register(data, today=today)
    write_reports(register, tmp_path / "reports", today=today)
    pdf = convert(tmp_path, tmp_path / "reports" / "demands.xlsx", "pdf") / "demands.pdf"
    assert pdf.stat().st_size > 5_000
    run = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return register, run.stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_libreoffice_prints_the_workbook(tmp_path: Path, today: dt.date) -> None:
    register, text = printed(tmp_path, HERE / "data" / "valid" / "small.yaml", today)
    assert "inquiry-2019" in text and "Situation as of 2026-11-24." in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_printed_workbook_shows_whole_headers_ids_and_a_legend_in_words(tmp_path: Path, today: dt.date) -> None:
    """The shipped data printed: no heading clipped ("Days outstar"), no id cut off, statuses named in words."""
    from monitor.render.excel import HISTORY_COLUMNS, PEOPLE_COLUMNS, RESOLUTION_COLUMNS

    register, text = printed(tmp_path, ROOT / "demands.yaml", today)
    words = set(re.findall(r"[\w?-]+", text))
    headers = {title for columns in (RESOLUTION_COLUMNS, HISTORY_COLUMNS, PEOPLE_COLUMNS) for title, *_ in columns}
    for word in {w for title in headers for w in title.split()}:
        assert word in words, word  # a clipped heading leaves only the start of its word
    for demand in register.demands:  # LibreOffice prints a clipped id as its start: "political-prisoners-release-201"
        start = demand.id[: len(demand.id) * 3 // 4]
        starts = re.findall(rf"(?<![\w/-]){re.escape(start)}[\w-]*", text)
        assert starts and set(starts) == {demand.id}, (demand.id, set(starts))
    for status in monitor.Status:
        label = status_text(status.value)
        assert re.search(rf"{label}\s+{re.escape(status.meaning[:30])}", text), label  # the legend, in words
        assert text.count(label) > 1, label  # the statuses of the demands, symbol and word as on the pages


def russian_workbook(tmp_path: Path, today: dt.date) -> tuple[object, Path]:
    """The small register with a Russian translation of one demand, its workbook written in Russian."""
    import dataclasses

    from monitor.frames import build_frames
    from monitor.i18n import use
    from monitor.render.excel import render_workbook

    register = monitor.load_register(HERE / "data" / "valid" / "small.yaml", today=today)
    register = dataclasses.replace(register, demands=tuple(
        dataclasses.replace(d, translations=(("ru", "demand", "Освобождение Ричарда Роу"),))
        if d.id == "roe-release-2021" else d for d in register.demands))
    path = tmp_path / "demands.xlsx"
    with use("ru"):
        path.write_bytes(render_workbook(register, build_frames(register, today)))
    return register, path


def test_libreoffice_reads_the_russian_workbook_with_its_cyrillic_intact(tmp_path: Path, today: dt.date) -> None:
    """Sheet names, headings, status words and translations come back from LibreOffice's CSV (UTF-8) as written;
    dates come back as the Russian date format shows them."""
    register, path = russian_workbook(tmp_path, today)
    out = convert(tmp_path, path, CSV_AS_SHOWN)
    sheets = {}
    for csv_path in sorted(out.glob("demands-*.csv")):
        with open(csv_path, encoding="utf-8", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        header = [f"{name} 2" if name in header[:i] else name for i, name in enumerate(header)]  # Язык, Язык 2
        sheets[csv_path.stem[len("demands-"):]] = [dict(zip(header, row)) for row in rows]
    assert sorted(sheets) == sorted(["Сводка", "2019", "2021", "История статусов", "Люди"])
    summary = {row["Резолюция"]: row for row in sheets["Сводка"]}
    assert summary["2019"]["Дата принятия"] == "14.03.2019" and summary["Итого"]["Всего"] == "5"
    assert summary["2021"]["◑ выполнено частично"] == "1"
    roe = next(row for row in sheets["2021"] if row["ID"] == "roe-release-2021")
    assert (roe["Требование"], roe["Язык"], roe["Статус"]) == ("Освобождение Ричарда Роу", "ru", "○ ожидает")
    assert roe["Текст (оригинал, en)"] == register.demand("roe-release-2021").text
    assert roe["Не выполняется уже"] == "5 лет 6 месяцев" and roe["Последнее изменение"] == "20.05.2021"
    people = [(r["Человек"], r["На свободе?"], r["Статус"]) for r in sheets["Люди"]]
    assert people == [("Jane Doe", "да", "✓ выполнено"), ("Richard Roe", "неизвестно", "○ ожидает")]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_libreoffice_prints_the_russian_workbook(tmp_path: Path, today: dt.date) -> None:
    """Printed to PDF: Cyrillic text (not boxes or question marks), the legend in words, whole status words."""
    _register, path = russian_workbook(tmp_path, today)
    pdf = convert(tmp_path, path, "pdf") / "demands.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for words in ["Сводка", "Положение на 24.11.2026.", "Что это значит", "стр. 1 из", "История статусов",
                  "Требования по резолюциям и текущему статусу", "Освобождение Ричарда Роу", "◑ выполнено частично",
                  "Не выполняется", "Дней без"]:
        assert words in text, words
    assert re.search(r"◑ выполнено частично\s+часть требуемого выполнена", text)  # the legend, in words
    assert "\ufffd" not in text and "?????" not in text
