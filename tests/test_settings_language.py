"""The settings' messages in the reader's language: a wrong value in monitor.toml or a MONITOR_* variable is said in
Russian when Russian is chosen (--lang, MONITOR_LANGUAGE or monitor.toml's own `language`), naming the setting and
the value to type as in English, with the same exit code. A monitor.toml that cannot be read says so in English
unless MONITOR_LANGUAGE chose another language: its `language` cannot be known."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.i18n import use
from monitor.settings import SettingsError, load_settings, state_folder_error

from .conftest import DATA, ROOT, TODAY

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def environment(**extra: str) -> dict[str, str]:
    """This process's environment without MONITOR_* variables (the developer's own), plus `extra`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MONITOR_")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def monitor(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m monitor --today ... ARGS` in a real process, in `folder` (which holds demands.yaml)."""
    return subprocess.run([sys.executable, "-m", "monitor", "--today", TODAY.isoformat(), *args], capture_output=True,
                          text=True, cwd=folder, env=environment(**env), timeout=120)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    shutil.copyfile(DATA / "valid" / "small.yaml", tmp_path / "demands.yaml")
    return tmp_path


def test_a_port_that_is_no_number_is_said_in_the_language_of_lang(folder):
    done = {code: monitor(folder, "digest", "--send", "--lang", code, "--out", "out", MONITOR_SMTP_PORT="abc")
            for code in ("en", "ru")}
    assert done["en"].returncode == done["ru"].returncode == 1
    assert done["en"].stderr == ("monitor: environment variable MONITOR_SMTP_PORT: 'abc' is not a whole number — "
                                 "write a number from 1 to 65535, for example 587\n")
    assert done["ru"].stderr == ("monitor: переменная окружения MONITOR_SMTP_PORT: 'abc' не является целым числом — "
                                 "укажите число от 1 до 65535, например 587\n")
    assert not (folder / "out").exists()


def test_an_unknown_setting_is_said_in_the_language_monitor_toml_sets(folder):
    (folder / "monitor.toml").write_text('language = "ru"\nsmpt_host = "mail.example.org"\n', encoding="utf-8")
    done = monitor(folder, "digest", "--out", "out")
    english = monitor(folder, "digest", "--out", "out", MONITOR_LANGUAGE="en")
    assert done.returncode == english.returncode == 1
    toml = folder / "monitor.toml"
    assert done.stderr == f"monitor: {toml}: неизвестная настройка 'smpt_host' — вы имели в виду 'smtp_host'?\n"
    assert english.stderr == f"monitor: {toml}: unknown setting 'smpt_host' — did you mean 'smtp_host'?\n"


def test_missing_mail_settings_are_named_in_russian(folder):
    (folder / "monitor.toml").write_text('language = "ru"\nsmtp_host = "mail.example.org"\n', encoding="utf-8")
    done = monitor(folder, "digest", "--send", "--out", "out")
    assert done.returncode == 1
    assert done.stderr == ("monitor: чтобы отправлять дайджест по электронной почте, укажите mail_from "
                           "(MONITOR_MAIL_FROM), mail_to (MONITOR_MAIL_TO) в monitor.toml рядом с demands.yaml или "
                           "в переменных окружения — см. раздел 'Settings' в README\n")


def test_a_broken_monitor_toml_is_english_unless_the_environment_chose_the_language(folder):
    (folder / "monitor.toml").write_text('language = "ru"\nstate = \n', encoding="utf-8")
    plain = monitor(folder, "digest", "--out", "out")
    chosen = monitor(folder, "digest", "--out", "out", MONITOR_LANGUAGE="ru")
    assert plain.returncode == chosen.returncode == 1
    assert plain.stderr.endswith(" — write one setting per line as key = \"value\"\n")
    assert chosen.stderr.endswith(" — пишите по одной настройке в строке, в виде key = \"value\"\n")


# (monitor.toml, environment, what the Russian message holds)
CASES = [
    ("", {"MONITOR_SMTP_PORT": "70000"}, "значение 70000 недопустимо — укажите целое число от 1 до 65535"),
    ('smtp_tls = "tls"\n', {}, "smtp_tls: значение 'tls' недопустимо — укажите одно из: starttls, ssl, none"),
    ("smtp_host = 25\n", {}, "smtp_host: напишите текст в кавычках"),
    ('mail_from = "monitor"\n', {}, "'monitor' не является адресом электронной почты"),
    ("", {"MONITOR_MAIL_TO": "a@example.org, A <a@example.org>"}, "a@example.org указан дважды"),
    ("mail_to = 3\n", {}, "mail_to: укажите список адресов"),
    ('timezone = "Europe/Bruxelles"\n', {}, "'Europe/Bruxelles' не является часовым поясом"),
    ('reports_url = "example.org"\n', {}, "'example.org' не является веб-адресом"),
    ('jobstore = "jobs.sqlite"\n', {}, "'jobs.sqlite' не является адресом базы данных"),
    ('smtp_ca_file = "missing.pem"\n', {}, "не удаётся прочитать"),
    ('smtp_password = "x"\n', {}, "smtp_password нельзя хранить в файле"),
    ("smtp_host = {a = 1}\n", {}, 'smtp_host: укажите простое значение, например smtp_host = "..."'),
    ("colour = 1\n", {}, "неизвестная настройка 'colour' — известные настройки: smtp_host, smtp_port"),
    ("", {"MONITOR_SMTP_HOST": "mail\x1b.example.org"},
     "переменная окружения MONITOR_SMTP_HOST: в позиции 5 стоит невидимый управляющий символ U+001B"),
    ("", {"MONITOR_SMTP_HOST": "mail\udcff"}, "MONITOR_SMTP_HOST: значение не является корректным текстом"),
]


@pytest.mark.parametrize("toml, environ, russian", CASES)
def test_each_wrong_setting_is_said_in_russian(tmp_path, toml, environ, russian):
    if toml:
        (tmp_path / "monitor.toml").write_text(toml, encoding="utf-8")
    with use("en"), pytest.raises(SettingsError) as english:
        load_settings(tmp_path / "demands.yaml", environ=environ)
    with use("ru"), pytest.raises(SettingsError) as translated:
        load_settings(tmp_path / "demands.yaml", environ=environ)
    assert russian in str(translated.value)
    assert not CYRILLIC.search(str(english.value))


def test_a_state_folder_the_system_refuses_is_said_in_russian_with_the_system_s_reason():
    with use("ru"):
        said = str(state_folder_error("/var/lib/monitor", PermissionError(13, "Permission denied", "/var/lib/x")))
    assert said.startswith("папку состояния /var/lib/monitor нельзя использовать (")
    assert ": x) — укажите в state (в monitor.toml) или в MONITOR_STATE папку" in said
    assert "Permission denied" not in said  # the system's words, translated as words.SYSTEM_REASONS are
