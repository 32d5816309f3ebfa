"""`monitor import`, `init`, `changes` and `schedule` in the reader's language, as real processes: Russian with
MONITOR_LANGUAGE=ru (these commands have no --lang), English unchanged without it."""
from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.cli import main

from .conftest import ROOT, SHIPPED
from .helpers import SCHEDULE_READY, run_schedule_until
from .test_guard import git, repo  # noqa: F401  (the repository fixture: small.yaml committed)

SAMPLE = "examples/motion-2012-greens-efa.txt"
TODAY = ["--today", "2026-11-24"]
ENGLISH_WORDS = re.compile(r"\b(warning|reference|adopted|recitals?|paragraphs?|demands?|check|closest|Calls no|"
                           r"Found in no|Confidence|wrote|next|Jobs|digest every|next run|Changes to|New|since|"
                           r"resolution)\b")


def monitor(*args: str, language: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`monitor ARGS` as its own process, in `language` (MONITOR_LANGUAGE; '' for none: English)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env["MONITOR_LANGUAGE"] = language
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)


def only_data(text: str) -> str:
    """`text` without what is the data's or the text's own words (ids, quoted calls, titles, paths, commands)."""
    text = re.sub(r"`[^`]*`|<https?://[^>]*>", "", text)
    text = re.sub(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b", "", text)  # ids
    text = re.sub(r"monitor [a-z]+[^\n]*|--[a-z-]+", "", text)
    return text


def test_import_reports_in_russian_and_the_same_numbers_in_english() -> None:
    ru = monitor("--file", str(SHIPPED), *TODAY, "import", SAMPLE, "--resolution", "2012", language="ru")
    en = monitor("--file", str(SHIPPED), *TODAY, "import", SAMPLE, "--resolution", "2012")
    assert (ru.returncode, ru.stderr, en.returncode, en.stderr) == (0, "", 0, "")
    lines = ru.stdout.splitlines()
    assert lines[:5] == [
        f"{SAMPLE} (текст): Greens/EFA motion for a resolution on Kazakhstan",  # the text's own title, as read
        "  номер: нет в тексте · дата принятия: нет в тексте · 0 пунктов преамбулы · 13 пунктов",
        "  предупреждение: текст называет себя проектом резолюции, а не принятым текстом — принятый текст может "
        "отличаться",
        "  предупреждение: номер документа (P<term>_TA(<year>)<number>) не указан — убедитесь, что это принятый текст",
        "Резолюция 2012: 10 требований"]
    assert "  trial-monitoring-eeas-2012     ¶4     0,86  проверить" in lines
    assert "  zhanaozen-investigation-2012   ближе всего: ¶1, 0,63" in lines
    assert any(line.startswith("Не найдены ни в одном пункте (8): ") for line in lines)
    assert "Призывы, которые не отслеживает ни одно требование (10):" in lines
    assert any("адресат не назван (названо 7 человек): Calls for the immediate release" in line for line in lines)
    assert lines[-2].startswith("Надёжность: 1 — слова есть в пункте; 0,9 и выше")
    assert lines[-2].endswith("от 0,7 до 0,9 — «проверить»: похоже, но не то же самое.")
    assert lines[-1] == "Для --write нечего записывать: ни одно надёжное совпадение не отличается от файла."
    # English as it always was; the same ids, paragraphs and quoted words in both
    english = en.stdout.splitlines()
    assert english[4] == "Resolution 2012: 10 demands"
    assert "  trial-monitoring-eeas-2012     ¶4     0.86  check" in english
    assert english[-2].startswith("Confidence: 1 = the words are in the paragraph; 0.9 or more")
    assert len(english) == len(lines)
    assert [line for line in english if line.startswith("      ")] == [line for line in lines
                                                                       if line.startswith("      ")]
    # every sentence of the report is Russian: what is left in English is the text's own words
    ours = [line for line in lines[1:] if not line.startswith("      ")]
    said = "\n".join(line.split("): ", 1)[0] if line.startswith("  ¶") else line for line in ours)
    assert not ENGLISH_WORDS.search(only_data(said.replace("Greens/EFA", ""))), said


def test_import_refusals_are_in_russian(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    run = monitor("--file", str(SHIPPED), *TODAY, "import", str(empty), "--resolution", "2012", language="ru")
    assert run.returncode != 0
    assert run.stderr == f"monitor: {empty}: файл пуст — сохраните страницу принятого текста ещё раз\n"
    run = monitor("--file", str(SHIPPED), *TODAY, "import", SAMPLE, "--resolution", "2099", language="ru")
    assert run.returncode == 2
    assert run.stderr.startswith("monitor: резолюции '2099' нет — ")
    assert run.stderr.endswith("; чтобы добавить новую, используйте --new 2099\n")
    run = monitor("--file", str(SHIPPED), *TODAY, "import", SAMPLE, "--url", "https://example.org/x",
                  "--resolution", "2012", language="ru")
    assert run.returncode == 2
    assert run.stderr == ("monitor: укажите FILE или --url, но не оба сразу; --write используется с --resolution, а "
                          "--dry-run и --adopted — с --new\n")


def test_import_write_says_what_it_wrote_in_russian(tmp_path: Path) -> None:
    data = tmp_path / "demands.yaml"
    shutil.copyfile(ROOT / "tests" / "data" / "valid" / "small.yaml", data)
    text = ROOT / "tests" / "data" / "import" / "examplestan-2019.txt"
    run = monitor("--file", str(data), *TODAY, "import", str(text), "--resolution", "2019", "--write", language="ru")
    assert (run.returncode, run.stderr) == (0, ""), run.stderr
    last = run.stdout.splitlines()[-1]
    assert re.fullmatch(rf"пункт и слова принятого текста записаны для \d+ требовани[яй] в {re.escape(str(data))}: "
                        r"[a-z0-9, -]+", last), last


def test_init_speaks_russian_and_writes_the_same_files(tmp_path: Path) -> None:
    ru = monitor("init", str(tmp_path / "ru"), language="ru")
    en = monitor("init", str(tmp_path / "en"))
    assert (ru.returncode, ru.stderr, en.returncode, en.stderr) == (0, "", 0, "")
    assert ru.stdout.splitlines() == [
        f"в {tmp_path / 'ru'} записано 5 файлов:",
        "  demands.yaml             реестр: в его заголовке сказано, как добавлять записи",
        "  demands.schema.json      позволяет редакторам проверять demands.yaml прямо при наборе (monitor schema "
        "создаёт его заново)",
        "  monitor.toml             настройки: каждая со значением по умолчанию и закомментирована",
        "  .gitignore               не даёт папке состояния, файлам блокировки и reports/ попасть в git",
        "  .pre-commit-config.yaml  проверяет каждый коммит demands.yaml (pip install pre-commit && pre-commit "
        "install)",
        "дальше:",
        f"  cd {tmp_path / 'ru'}",
        "  git init && git add . && git commit -m 'Start the register'",
        "  pip install pre-commit && pre-commit install",
        "  monitor validate && monitor report"]
    assert en.stdout.splitlines()[0] == f"wrote 5 files in {tmp_path / 'en'}:"
    assert en.stdout.splitlines()[6] == "next:"
    # the files are the team's, shared in git whatever each one reads: the same bytes in every language
    for path in (tmp_path / "en").rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "ru" / path.relative_to(tmp_path / "en")).read_bytes(), path
    again = monitor("init", str(tmp_path / "ru"), language="ru")
    assert again.returncode == 1
    assert again.stderr == (f"monitor: в {tmp_path / 'ru'} уже есть demands.yaml, demands.schema.json, monitor.toml, "
                            ".gitignore, .pre-commit-config.yaml — ничего не записано; уберите эти файлы или "
                            "выберите другую папку: monitor init DIR\n")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_changes_is_russian_markdown(repo: Path) -> None:  # noqa: F811
    path = str(repo / "demands.yaml")
    assert main(["--file", path, *TODAY, "update", "roe-release-2021", "--status", "met", "--date", "2024-02-03",
                 "--note", "Freed <at last> with *no* conditions.", "--source", "https://example.org/f"]) == 0
    assert main(["--file", path, *TODAY, "add", "press-law-2021", "--resolution", "2021", "--addressee",
                 "Examplestan authorities", "--topic", "assemblies", "--demand", "Revise the press law",
                 "--text", "calls for a revision of the press law"]) == 0
    ru = monitor(*TODAY, "changes", "--against", "HEAD", language="ru", cwd=repo)
    en = monitor(*TODAY, "changes", "--against", "HEAD", cwd=repo)
    assert (ru.returncode, ru.stderr, en.returncode, en.stderr) == (0, "", 0, "")
    assert ru.stdout == (
        "### Изменения в `demands.yaml` по сравнению с `HEAD`\n\n"
        "**1 новая запись о статусе, 1 новое требование**\n\n"
        "Новые требования:\n\n"
        "- `press-law-2021` Revise the press law (резолюция 2021; Examplestan authorities): ○ **pending** с "
        "2021-05-20\n\n"
        "Новые записи о статусе:\n\n"
        "- `roe-release-2021` Release of Richard Roe: ○ **pending** → ✓ **met**, 2024-02-03 — "
        "Freed \\<at last\\> with \\*no\\* conditions. <https://example.org/f>\n")
    assert en.stdout == (
        "### Changes to `demands.yaml` against `HEAD`\n\n"
        "**1 new status entry, 1 new demand**\n\n"
        "New demands:\n\n"
        "- `press-law-2021` Revise the press law (resolution 2021; Examplestan authorities): ○ **pending** since "
        "2021-05-20\n\n"
        "New status entries:\n\n"
        "- `roe-release-2021` Release of Richard Roe: ○ **pending** → ✓ **met** on 2024-02-03 — "
        "Freed \\<at last\\> with \\*no\\* conditions. <https://example.org/f>\n")
    git(repo, "commit", "-qam", "more")
    nothing = monitor(*TODAY, "changes", "--against", "HEAD", language="ru", cwd=repo)
    assert nothing.stdout.splitlines()[2:] == [
        "**нет изменений**", "",
        "Это изменение не добавляет ни резолюций, ни требований, ни записей о статусе (только комментарии или "
        "оформление)."]


def test_changes_names_a_new_resolution_and_a_correction_in_russian(repo: Path) -> None:  # noqa: F811
    from .test_guard import edit

    edit(repo, "demands:\n", '  - id: "2023"\n    title: Resolution on Examplestan\n    adopted: 2023-01-19\n'
                             'demands:\n')
    text = (repo / "demands.yaml").read_text(encoding="utf-8")
    title = re.search(r"^\s+demand: (.+)$", text, re.M)[1]
    edit(repo, f"demand: {title}", f"demand: {title} (reworded)")
    run = monitor(*TODAY, "changes", "--against", "HEAD", language="ru", cwd=repo)
    assert (run.returncode, run.stderr) == (0, "")
    assert "**1 новая резолюция, 1 исправление**" in run.stdout
    assert "Новые резолюции:\n\n- `2023` Resolution on Examplestan\n" in run.stdout
    assert ("Исправления (изменённый текст; удалённая или переписанная запись истории не пройдёт проверку):"
            in run.stdout)
    assert re.search(r"^- требование `[a-z0-9-]+`, demand: ", run.stdout, re.M), run.stdout


def test_schedule_list_in_russian(tmp_path: Path) -> None:
    assert monitor("init", str(tmp_path)).returncode == 0
    ru = monitor("schedule", "--list", language="ru", cwd=tmp_path)
    en = monitor("schedule", "--list", cwd=tmp_path)
    assert (ru.returncode, ru.stderr, en.returncode, en.stderr) == (0, "", 0, "")
    store = tmp_path / ".monitor" / "jobs.sqlite"
    lines = ru.stdout.splitlines()
    assert lines[0] == f"Задания — файл хранилища заданий {store} (часовой пояс Europe/Brussels):"
    when = r"следующий запуск: (пн|вт|ср|чт|пт|сб|вс) \d\d [а-я]+\.? \d{4} \d\d:\d\d [A-Z]+"
    for line, start in zip(lines[1:], ["  weekly-digest      дайджест каждый понедельник в 08:00 ",
                                       "  refresh-on-change  обновление отчётов при изменении файла (каждые 60 с) ",
                                       "  retry-outbox       повторная отправка неотправленных дайджестов (каждые 30 "
                                       "мин) "]):
        assert line.startswith(start), line
        assert re.search(when + r" \(ещё не сохранено: его добавит 'monitor schedule'\)$", line), line
    assert len({line.index("следующий запуск") for line in lines[1:]}) == 1  # one column, as wide as the longest
    english = en.stdout.splitlines()
    assert english[0] == f"Jobs in the job store file {store} (time zone Europe/Brussels):"
    assert english[1].startswith("  weekly-digest      digest every Monday at 08:00                     next run: ")
    assert re.search(r"next run: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d [A-Z]+ \(not "
                     r"stored yet: 'monitor schedule' adds it\)$", english[1]), english[1]


def test_the_running_scheduler_logs_in_russian(tmp_path: Path) -> None:
    """The log of `monitor schedule` is read by whoever runs it: in its language, the stored jobs the same."""
    assert monitor("init", str(tmp_path)).returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    cmd = [sys.executable, "-m", "monitor", "schedule"]
    log = run_schedule_until(cmd, "еженедельный дайджест, затем обновление отчётов: следующий запуск", cwd=tmp_path,
                             env={**env, "MONITOR_LANGUAGE": "ru"})
    assert "INFO monitor.schedule: задание weekly-digest добавлено" in log  # time, level and logger as they were
    assert "получен сигнал SIGTERM: остановка после завершения текущего задания, если оно выполняется" in log
    assert log.rstrip().endswith("INFO monitor.schedule: остановлено")
    # English next: the same stored jobs, read back as they are (the names kept in the store are not the log's)
    log = run_schedule_until(cmd, SCHEDULE_READY, cwd=tmp_path, env={**env, "MONITOR_LANGUAGE": ""})
    assert "job weekly-digest read from the store; next run " in log and "replaced" not in log


def test_a_job_logs_in_the_settings_language(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A job runs in the scheduler's own thread, which starts without a language: it takes the settings' first."""
    from monitor import schedule

    for name in [n for n in os.environ if n.startswith("MONITOR_")]:
        monkeypatch.delenv(name)
    data = tmp_path / "demands.yaml"
    data.write_text("resolutions: []\ndemands: []\n", encoding="utf-8")
    (tmp_path / "monitor.toml").write_text('language = "ru"\n', encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="monitor.schedule"):
        schedule.refresh_on_change_job(str(data), str(tmp_path / "reports"))
    said = [r.getMessage() for r in caplog.records]
    assert said == [f"{data} изменён: обновляем отчёты", f"отчёты обновлены: 2 файла в {tmp_path / 'reports'}"]
    (tmp_path / "monitor.toml").write_text('language = "xx"\n', encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="monitor.schedule"):
        schedule.outbox_job(str(data), str(tmp_path / "reports"))
    assert caplog.records[0].getMessage().startswith("outbox not retried: ")  # no settings: the service's language
