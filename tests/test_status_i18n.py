"""`monitor status` (and --due, --since) in the reader's language: Russian words, plural forms and dates, the data's
translated one-liners with untranslated ones marked, 80 columns kept, and no word outside the catalogue."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

import monitor
from monitor.i18n import use
from monitor.model import Demand, Entry, Register, Resolution, Status
from monitor.render.text import render_due, render_status
from monitor.terminal import print_problems
from tests.i18n_pseudo import has_words, pseudo, untranslated

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TODAY = dt.date(2026, 11, 24)


def demand(n: int, resolution: str, made: dt.date, status: Status = Status.PENDING, **more) -> Demand:
    history = (Entry(made, Status.PENDING, "Demanded."),)
    if status is not Status.PENDING:
        history += (Entry(made + dt.timedelta(days=1), status, "Moved."),)
    return Demand(f"d{n}-{resolution}", resolution, str(n), "Authorities", "topic", f"Demand number {n}",
                  f"calls for {n}", history, **more)


def register_of(demands: int, resolutions: int = 1, made: dt.date = dt.date(2020, 1, 1)) -> Register:
    """`demands` open demands spread over `resolutions` resolutions, made by hand."""
    res = tuple(Resolution(f"r{i}", f"Resolution {i}", made) for i in range(resolutions))
    return Register(res, tuple(demand(n, res[n % resolutions].id, made) for n in range(demands)))


@pytest.mark.parametrize(("demands", "resolutions", "says"), [
    (1, 1, "1 требование в 1 резолюции, из них ещё открыто: 1."),
    (2, 2, "2 требования в 2 резолюциях, из них ещё открыто: 2."),
    (5, 5, "5 требований в 5 резолюциях, из них ещё открыто: 5."),
    (11, 11, "11 требований в 11 резолюциях, из них ещё открыто: 11."),
    (21, 21, "21 требование в 21 резолюции, из них ещё открыто: 21."),
    (22, 1, "22 требования в 1 резолюции, из них ещё открыто: 22."),
])
def test_russian_plural_forms_of_the_first_line(demands, resolutions, says):
    with use("ru"):
        first = render_status(register_of(demands, resolutions), today=TODAY).splitlines()[0]
    assert first == f"Положение на 24.11.2026: {says}"


@pytest.mark.parametrize(("months", "says"), [
    (12 + 1, "1 год 1 месяц"), (24 + 2, "2 года 2 месяца"), (60 + 5, "5 лет 5 месяцев"), (132, "11 лет"),
    (252 + 11, "21 год 11 месяцев"), (3, "3 месяца"),
])
def test_russian_lengths_of_time_in_years_and_months(months, says):
    made = TODAY - dt.timedelta(days=round(months * 30.4375))
    with use("ru"):
        lines = render_status(register_of(1, made=made), today=TODAY).splitlines()
    oldest = lines[lines.index("Дольше всех ждут выполнения (считая с первого выдвижения требования):") + 1]
    assert oldest.split("  ")[1:3] == [made.strftime("%d.%m.%Y"), says], oldest


def test_the_russian_overview_of_the_small_register(small_register):
    with use("ru"):
        lines = render_status(small_register, today=TODAY).splitlines()
    assert lines[0] == "Положение на 24.11.2026: 5 требований в 2 резолюциях, из них ещё открыто: 4."
    assert [line.split() for line in lines[2:8]] == [
        ["в", "выполнено", "не"],
        ["резолюция", "ожидает", "процессе", "частично", "выполнено", "выполнено", "отменено", "всего"],
        ["-" * 11, "-" * 7, "-" * 8, "-" * 9, "-" * 9, "-" * 9, "-" * 8, "-" * 5],
        ["2019", "0", "0", "0", "1", "1", "0", "2"],
        ["2021", "1", "0", "1", "0", "0", "1", "3"],
        ["итого", "1", "0", "1", "1", "1", "1", "5"]]
    ends = [{m.end() for m in re.finditer(r"\S+", line)} for line in lines[2:4]]
    assert ends[0] <= ends[1]  # a heading's lines end where its column ends
    assert lines[10] == "  14.03.2019  7 лет 8 месяцев     не выполнено       inquiry-2019"
    assert lines[12] == "  14.03.2019  7 лет 8 месяцев     выполнено частично inquiry-2021"
    assert lines[11] == "      [en] An independent international inquiry into the events of 2018"
    assert lines[-1] == "[en] — перевода пока нет, приведён текст оригинала (английский)."
    assert all(len(line) <= 80 for line in lines)


def test_a_translated_one_liner_is_shown_and_an_untranslated_one_marked(small_register):
    roe = small_register.demand("roe-release-2021")
    register = dataclasses.replace(small_register, demands=tuple(
        dataclasses.replace(d, translations=(("ru", "demand", "Освобождение Ричарда Роу"),)) if d is roe else d
        for d in small_register.demands))
    with use("ru"):
        text = render_status(register, today=TODAY)
    assert "      Освобождение Ричарда Роу\n" in text and "Release of Richard Roe" not in text
    assert "      [en] Revise the law on public assemblies\n" in text
    with use("en"):
        english = render_status(register, today=TODAY)
    assert "[en]" not in english and "Release of Richard Roe" in english and "Ричарда" not in english


def test_nothing_is_marked_when_everything_is_translated_or_in_the_readers_language(small_register):
    everything = dataclasses.replace(small_register, demands=tuple(
        dataclasses.replace(d, translations=(("ru", "demand", f"Требование {d.id}"),)) for d in small_register.demands))
    with use("ru"):
        text = render_status(everything, today=TODAY)
    assert "[en]" not in text and "перевода пока нет" not in text and "Требование inquiry-2019" in text


def test_long_ids_move_to_the_second_line_rather_than_be_cut(today):
    """Russian status words are longer: where an id no longer fits its line, every id starts the line below."""
    long_id = "political-prisoners-release-2013"
    register = register_of(1)
    register = dataclasses.replace(register, demands=(
        dataclasses.replace(register.demands[0], id=long_id, history=(
            Entry(dt.date(2020, 1, 1), Status.PARTLY_MET, "Some."),)),))
    with use("ru"):
        lines = render_status(register, today=TODAY).splitlines()
    at = lines.index("Дольше всех ждут выполнения (считая с первого выдвижения требования):")
    assert lines[at + 1] == "  01.01.2020  6 лет 11 месяцев    выполнено частично"
    assert lines[at + 2] == f"      {long_id}: [en] Demand number 0"
    with use("en"):  # fits in English: as before
        lines = render_status(register, today=TODAY).splitlines()
    assert lines[lines.index("Oldest outstanding demands (counted from when they were first made):") + 1].endswith(
        f"partly met  {long_id}")


def test_status_since_in_russian(small_register):
    with use("ru"):
        text = render_status(small_register, today=TODAY, since=dt.date(2021, 12, 31))
    tail = text.split("После 31.12.2021 сменили статус: 2 требования.\n")[1]
    assert "  inquiry-2021: в процессе -> выполнено частично\n" in tail
    assert "  assembly-law-2021: ожидает -> отменено\n" in tail
    assert "    01.04.2023 отменено: [en] The revision was repealed.\n" in tail
    roe = small_register.demand("roe-release-2021")
    news = dataclasses.replace(roe, history=(*roe.history, Entry(dt.date(2022, 5, 1), Status.PENDING, "No news.")))
    register = dataclasses.replace(small_register, demands=tuple(
        news if d is roe else d for d in small_register.demands))
    with use("ru"):
        text = render_status(register, today=TODAY, since=dt.date(2021, 12, 31))
    assert "\nПосле 31.12.2021 сменили статус: 2 требования; ещё у 1 — только новые записи.\n" in text
    assert "  roe-release-2021: по-прежнему: ожидает\n    01.05.2022 ожидает: [en] No news.\n" in text
    with use("ru"):
        text = render_status(small_register, today=TODAY, since=dt.date(2021, 5, 19))
    assert "  inquiry-2021: ещё не выдвинуто -> выполнено частично\n" in text


def due_register() -> Register:
    """Follow-up dates 1 day ago, today, in 2 and in 5 days, and 21 days ago."""
    made = dt.date(2026, 1, 1)
    demands = []
    for n, days in enumerate([-1, 0, 2, 5, -21]):
        d = demand(n, "r0", made, Status.IN_PROGRESS if n % 2 else Status.PARTLY_MET)
        last = dataclasses.replace(d.history[-1], follow_up=TODAY + dt.timedelta(days=days))
        demands.append(dataclasses.replace(d, history=(*d.history[:-1], last)))
    return Register((Resolution("r0", "Resolution", made),), tuple(demands))


def test_status_due_in_russian():
    with use("ru"):
        lines = render_due(due_register(), today=TODAY).splitlines()
    assert lines[0] == "Контрольные сроки — прошедшие и ближайшие (в течение 30 дней от 24.11.2026): 5."
    assert lines[2:] == [
        "  03.11.2026  просрочено на 21 день выполнено частично d4-r0",
        "      [en] Demand number 4",
        "  23.11.2026  просрочено на 1 день  выполнено частично d0-r0",
        "      [en] Demand number 0",
        "  24.11.2026  сегодня               в процессе         d1-r0",
        "      [en] Demand number 1",
        "  26.11.2026  через 2 дня           выполнено частично d2-r0",
        "      [en] Demand number 2",
        "  29.11.2026  через 5 дней          в процессе         d3-r0",
        "      [en] Demand number 3",
        "",
        "[en] — перевода пока нет, приведён текст оригинала (английский)."]


def test_status_due_with_nothing_due_in_russian(small_register):
    with use("ru"):
        text = render_due(small_register, today=TODAY)
    assert text.splitlines()[2] == "  нет; добавить срок: monitor update ID ... --follow-up YYYY-MM-DD"


def test_status_in_russian_through_the_real_command(small_file):
    """The real CLI process: --lang ru, and the language from MONITOR_LANGUAGE when there is no --lang."""
    run = subprocess.run([sys.executable, "-m", "monitor", "--file", str(small_file), "--today", "2026-11-24",
                          "status", "--lang", "ru"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.startswith("Положение на 24.11.2026: 5 требований в 2 резолюциях, из них ещё открыто: 4.\n")
    assert "Дольше всех ждут выполнения" in run.stdout and "inquiry-2019" in run.stdout
    import os

    env = {**os.environ, "MONITOR_LANGUAGE": "ru"}
    for args in (["status", "--due"], ["status", "--since", "2021-12-31"]):
        run = subprocess.run([sys.executable, "-m", "monitor", "--file", str(small_file), "--today", "2026-11-24",
                              *args], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
        assert (run.returncode, run.stderr) == (0, ""), args
        assert run.stdout.startswith(("Контрольные сроки", "Положение на 24.11.2026")), run.stdout


def test_every_word_of_status_comes_through_the_catalogue(small_register):
    """Under the pseudo-language every line is wrapped words, the data, dates, numbers and symbols."""
    data = {value for register in (small_register, due_register()) for value in [
        *(d.id for d in register.demands), *(d.demand for d in register.demands), *(r.id for r in register.resolutions),
        *(e.note for d in register.demands for e in d.history)]}
    with use(pseudo()):
        texts = [render_status(small_register, today=TODAY, since=dt.date(2021, 5, 19)),
                 render_due(small_register, today=TODAY), render_due(due_register(), today=TODAY)]
    leaks = []
    for text in texts:  # the counts table's headings, wrapped onto lines of their own, read column by column
        lines = text.splitlines()
        if any(line.startswith("---") for line in lines):
            dashes = next(i for i, line in enumerate(lines) if line.startswith("---"))
            columns: dict[int, list[str]] = {}
            for line in lines[2:dashes]:
                for word in re.finditer(r"\S+", line):
                    columns.setdefault(word.end(), []).append(word.group())
            leaks += [" ".join(words) for words in columns.values() if has_words(untranslated(" ".join(words)))]
            texts[texts.index(text)] = "\n".join(lines[:2] + lines[dashes:])
    for line in "\n".join(texts).splitlines():
        rest = untranslated(line)
        for value in sorted(data, key=len, reverse=True):
            rest = rest.replace(value, " ")
        rest = rest.replace("[en]", " ")  # the language code of an untranslated text
        if has_words(rest) and "monitor update ID" not in line:
            leaks.append(line)
    assert leaks == []


def test_the_count_of_problems_not_shown_in_russian():
    out = io.StringIO()
    with use("ru"):
        print_problems(["problem"] * 3001, out)
        lines = out.getvalue().splitlines()
        assert lines[-1] == ("... и ещё 2\u00a0801 проблема — сначала исправьте те, что выше, затем снова "
                             "запустите monitor validate")
        out = io.StringIO()
        print_problems(["problem"] * 202, out)
    assert out.getvalue().splitlines()[-1].startswith("... и ещё 2 проблемы — ")
    out = io.StringIO()
    print_problems(["problem"] * 205, out)
    assert out.getvalue().splitlines()[-1] == ("... and 5 more problems — fix the ones above first, then run monitor "
                                               "validate again")


def test_english_status_is_as_before(small_register):
    """Nothing changes in English: the same lines as the English tests of test_status.py pin down."""
    text = render_status(small_register, today=TODAY)
    assert text.startswith("Status on 2026-11-24: 5 demands in 2 resolutions, 4 still open.\n\nresolution    pending")
    assert "[en]" not in text and "not yet translated" not in text
    assert monitor.load_register  # the module is used by the fixtures
