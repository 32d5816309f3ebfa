"""render/excel in the reader's language: the Russian workbook read back (sheet names, headers, status words,
legend, dates still dates), the data's translations beside the originals, sheet names valid in every language, and
the pseudo-language finding any word of the workbook that did not come through the catalogue."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

import monitor
from monitor import i18n
from monitor.frames import build_frames
from monitor.i18n import use
from monitor.model import Register, Status
from monitor.render.excel import fixed_titles, render_workbook, sheet_titles
from monitor.render.sheets import BAD_TITLE
from monitor.view import View
from tests.i18n_pseudo import data_strings, has_words, pseudo, untranslated

HERE = Path(__file__).resolve().parent
TODAY = dt.date(2026, 11, 24)
SMALL = HERE / "data" / "valid" / "small.yaml"


def translated(register: Register) -> Register:
    """The small register with Russian translations made by hand: one resolution's title, two demands' one-liners
    (one of them with its quoted text), one note; everything else stays untranslated."""
    def demand(d: monitor.Demand) -> monitor.Demand:
        if d.id == "inquiry-2019":
            history = (d.history[0], dataclasses.replace(d.history[1], translations=(
                ("ru", "note", "Власти отказались допустить международных экспертов."),)))
            return dataclasses.replace(d, history=history, translations=(
                ("ru", "demand", "Независимое международное расследование событий 2018 года"),
                ("ru", "text", "призывает провести независимое и заслуживающее доверия международное расследование"),
                ("de", "demand", "Eine unabhängige internationale Untersuchung")))
        if d.id == "roe-release-2021":
            return dataclasses.replace(d, translations=(("ru", "demand", "Освобождение Ричарда Роу"),))
        return d

    resolutions = tuple(dataclasses.replace(r, translations=(("ru", "title", "Резолюция от 14 марта 2019 года"),))
                        if r.id == "2019" else r for r in register.resolutions)
    return dataclasses.replace(register, resolutions=resolutions, demands=tuple(demand(d) for d in register.demands))


def workbook(register: Register, language: str | i18n.Language, view: View | None = None) -> Workbook:
    with use(language):
        data = render_workbook(register, build_frames(register, TODAY), view or View(TODAY))
    return load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def register() -> Register:
    return translated(monitor.load_register(SMALL, today=TODAY))


@pytest.fixture(scope="module")
def russian(register) -> Workbook:
    return workbook(register, "ru", View(TODAY, source="demands.yaml, SHA-256 0123456789ab", private=True))


def header(ws: Worksheet) -> list:
    return [c.value for c in ws[1]]


def rows(ws: Worksheet) -> list[dict]:
    """Each row by its headings; a repeated heading (Язык) is numbered from its second time: Язык, Язык 2."""
    names, seen = [], {}
    for name in header(ws):
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return [dict(zip(names, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def test_russian_sheet_names_headers_and_status_words(russian):
    assert russian.sheetnames == ["Сводка", "2019", "2021", "История статусов", "Люди"]
    assert header(russian["Сводка"]) == [
        "Резолюция", "Название", "Язык", "Дата принятия", "○ ожидает", "◔ в процессе", "◑ выполнено частично",
        "✓ выполнено", "✗ не выполнено", "↺ отменено", "Всего", "Ещё открыто"]
    assert header(russian["2019"]) == [
        "ID", "Тема", "Пункт", "Адресат", "Человек", "Требование", "Язык", "Статус", "Последнее изменение",
        "Не выполняется уже", "Дней без выполнения", "Последнее примечание", "Язык", "Текст (оригинал, en)",
        "Текст: неофициальный перевод", "Источник цитаты", "Впервые выдвинуто", "Повторяет"]
    assert header(russian["История статусов"]) == [
        "ID требования", "Резолюция", "Шаг", "Дата", "Статус", "Примечание", "Язык", "Источник", "Другие источники"]
    assert header(russian["Люди"]) == [
        "Человек", "На свободе?", "ID требования", "Требование", "Язык", "Статус", "Статус с",
        "Последнее примечание", "Язык", "Резолюции", "Все требования об этом человеке"]
    first = rows(russian["2019"])[0]
    assert (first["Статус"], first["Не выполняется уже"], first["Дней без выполнения"]) == (
        "✗ не выполнено", "7 лет 8 месяцев", 2812)
    assert [(p["Человек"], p["На свободе?"], p["Статус"]) for p in rows(russian["Люди"])] == [
        ("Jane Doe", "да", "✓ выполнено"), ("Richard Roe", "неизвестно", "○ ожидает")]
    rules = {r.formula[0] for cf in russian["2019"].conditional_formatting for r in cf.rules}
    assert rules == {f'"{s}"' for s in ["○ ожидает", "◔ в процессе", "◑ выполнено частично", "✓ выполнено",
                                        "✗ не выполнено", "↺ отменено"]}  # the colours follow the Russian words


def test_russian_dates_are_still_dates(russian):
    ws = russian["2019"]
    cell = ws.cell(2, header(ws).index("Последнее изменение") + 1)
    assert cell.is_date and cell.value == dt.datetime(2020, 6, 1) and cell.number_format == "dd.mm.yyyy"
    assert russian["Сводка"]["D2"].is_date and russian["Сводка"]["D2"].value == dt.datetime(2019, 3, 14)
    history = russian["История статусов"]
    assert all(c.is_date for c in history["D"][1:])


def test_russian_summary_legend_notes_chart_and_print(russian):
    ws = russian["Сводка"]
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Итого" in cells and "Положение на 24.11.2026." in cells
    assert "Составлено по данным: demands.yaml, SHA-256 0123456789ab." in cells
    assert "Содержит закрытые сведения: только для команды. Не публикуйте и не пересылайте." in cells
    legend = [(row[0].value, row[1].value) for row in ws.iter_rows(min_row=5)]
    assert ("Статус", "Что это значит") in legend
    with use("ru"):
        for status in Status:
            assert (f"{'○◔◑✓✗↺'[list(Status).index(status)]} {status.label}", status.meaning) in legend
    assert any(c.startswith("На диаграмме ниже каждая полоса") for c in cells)
    assert any(c.startswith("Столбцы «Язык» показывают") and "en — оригинал (английский)" in c for c in cells)
    chart = ws._charts[0]
    assert _chart_text(chart.title) == "Требования по резолюциям и текущему статусу"
    axes = {_chart_text(chart.x_axis.title), _chart_text(chart.y_axis.title)}  # a bar chart's axes lie on their side
    assert axes == {"число требований", "резолюция"}
    assert [s.tx.strRef.f.replace("'", "") for s in chart.series] == [f"Сводка!${col}$1" for col in "EFGHIJ"]
    for sheet in russian.worksheets:
        assert sheet.oddFooter.right.text == "стр. &P из &N", sheet.title
        assert sheet.oddHeader.center.text == "Содержит закрытые сведения: только для команды. Не публикуйте и не " \
                                              "пересылайте.", sheet.title


def _chart_text(title) -> str:
    return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))


def test_a_translation_is_shown_with_its_language_and_an_original_with_its_own(russian, register):
    summary = rows(russian["Сводка"])
    assert [(r["Название"], r["Язык"]) for r in summary[:2]] == [
        ("Резолюция от 14 марта 2019 года", "ru"), (register.resolution("2021").title, "en")]
    sheet = {r["ID"]: r for r in rows(russian["2019"])}
    inquiry, doe = sheet["inquiry-2019"], sheet["doe-release-2019"]
    assert (inquiry["Требование"], inquiry["Язык"]) == ("Независимое международное расследование событий 2018 года",
                                                         "ru")
    assert (inquiry["Последнее примечание"], inquiry["Язык 2"]) == (
        "Власти отказались допустить международных экспертов.", "ru")
    assert (doe["Требование"], doe["Язык"]) == ("Release of Jane Doe, journalist", "en")
    assert (doe["Последнее примечание"], doe["Язык 2"]) == ("Released after serving her sentence.", "en")


def test_the_quoted_text_stays_the_original_with_the_translation_beside_it(russian, register):
    sheet = {r["ID"]: r for r in rows(russian["2019"])}
    inquiry = register.demand("inquiry-2019")
    assert sheet["inquiry-2019"]["Текст (оригинал, en)"] == inquiry.text
    assert sheet["inquiry-2019"]["Текст: неофициальный перевод"] == (
        "призывает провести независимое и заслуживающее доверия международное расследование")
    assert sheet["doe-release-2019"]["Текст: неофициальный перевод"] is None


def test_history_and_people_show_translations_where_there_are_some(russian):
    history = rows(russian["История статусов"])
    assert [(h["Примечание"], h["Язык"]) for h in history[:2]] == [
        ("Demanded by the Parliament.", "en"), ("Власти отказались допустить международных экспертов.", "ru")]
    people = rows(russian["Люди"])
    assert (people[1]["Требование"], people[1]["Язык"]) == ("Освобождение Ричарда Роу", "ru")
    assert (people[0]["Требование"], people[0]["Язык"]) == ("Release of Jane Doe, journalist", "en")


def test_no_text_translation_no_column_and_english_shows_the_originals(register):
    plain = dataclasses.replace(register, demands=tuple(
        dataclasses.replace(d, translations=tuple(t for t in d.translations if t[1] != "text"))
        for d in register.demands))
    assert "Текст: неофициальный перевод" not in header(workbook(plain, "ru")["2019"])
    english = workbook(register, "en")
    assert "Language" not in header(english["2019"]) + header(english["Summary"]) + header(english["People"])
    assert rows(english["2019"])[0]["Demand"] == register.demand("inquiry-2019").demand
    assert rows(english["Summary"])[0]["Title"] == register.resolution("2019").title


def test_a_file_written_in_russian_read_in_english(register):
    """The other way round: the file's prose is Russian (language: ru), the workbook English."""
    russian_file = dataclasses.replace(register, language="ru", demands=tuple(
        dataclasses.replace(d, translations=(("en", "demand", "In English: " + d.id),)) if d.id == "roe-release-2021"
        else d for d in register.demands))
    sheet = {r["ID"]: r for r in rows(workbook(russian_file, "en")["2021"])}
    assert (sheet["roe-release-2021"]["Demand"], sheet["roe-release-2021"]["Language"]) == (
        "In English: roe-release-2021", "en")
    assert (sheet["inquiry-2021"]["Demand"], sheet["inquiry-2021"]["Language"]) == (
        "An international inquiry, repeated", "ru")
    assert "Text (original, ru)" in sheet["inquiry-2021"]


@pytest.mark.parametrize("code", [*i18n.available(), "pseudo"])
def test_every_languages_sheet_names_are_valid_and_distinct(code):
    """What the catalogue says, before any repair: at most 31 characters, none of []:*?/\\, no apostrophe at
    either end, not Excel's own 'History', different from each other ignoring case."""
    with use(pseudo() if code == "pseudo" else code):
        names = [i18n._(name) for name in fixed_titles()]
        assert list(fixed_titles().values()) == names  # nothing had to be repaired
        titles = sheet_titles(["2019", "summary", "Сводка", "История статусов", "people", "history"])
    for name in names:
        assert 0 < len(name) <= 31 and not BAD_TITLE.search(name) and name[0] != "'" != name[-1], name
    assert len({n.lower() for n in names} | {"history"}) == len(names) + 1, names
    assert len({t.lower() for t in [*titles.values(), *names]}) == len(titles) + len(names)


def test_a_bad_translation_of_a_sheet_name_is_repaired(monkeypatch):
    import gettext

    class Bad(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return {"Summary": "Sum/mary: [all]?", "Status history": "history", "People": "x" * 40}.get(message,
                                                                                                     message)

    language = i18n.Language("xx", Bad(), i18n.language("en").locale)
    with use(language):
        assert list(fixed_titles().values()) == ["Sum_mary_ _all__", "Status history", "x" * 31]


def test_every_word_of_the_workbook_comes_through_the_catalogue(register):
    """Under the pseudo-language, each text cell, sheet name, chart title and print header is the data, a language
    code, or wrapped in ⟦ ⟧ (symbols, digits and punctuation aside): an unmarked word fails here, named."""
    view = View(TODAY, past=True, private=True, source="demands.yaml, commit 0123abc")
    wb = workbook(register, pseudo(), view)
    data = data_strings(register) | {"en", "qps", "demands.yaml, commit 0123abc"}
    leaks = []
    for ws in wb.worksheets:
        if ws.title not in {r.id for r in register.resolutions} and has_words(untranslated(ws.title)):
            leaks.append(("sheet", ws.title))
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str) or value in data or cell.hyperlink:
                    continue
                if has_words(untranslated(value)) and not set(value.split("\n")) <= data:
                    leaks.append((ws.title, cell.coordinate, value))
        for part in (ws.oddFooter.left, ws.oddFooter.right, ws.oddHeader.center):
            text = re.sub(r"&[A-Z]|&\"[^\"]*\"", "", part.text or "")
            if has_words(untranslated(text)):
                leaks.append((ws.title, "header/footer", part.text))
    chart = wb.worksheets[0]._charts[0]
    for title in (chart.title, chart.x_axis.title, chart.y_axis.title):
        if has_words(untranslated(_chart_text(title))):
            leaks.append(("chart", _chart_text(title)))
    assert leaks == []
    ws = wb.worksheets[0]
    assert ws.title == "⟦Summary⟧" and ws["A1"].value == "⟦Resolution⟧" and ws["E1"].value == "○ ⟦pending⟧"
    assert wb.properties.title == "⟦Demands and where they stand⟧"


def test_the_pseudo_language_check_finds_an_unmarked_word():
    """The check above can fail: a word outside ⟦ ⟧ is found, a wrapped one or a symbol is not."""
    assert has_words(untranslated("⟦As it stood on {date}⟧ and more")) and not has_words(untranslated("○ ⟦met⟧"))
    assert untranslated("⟦Made from ⟦the data file⟧.⟧") == "" and untranslated("2019 ⟦x⟧ ✓").split() == ["2019", "✓"]
