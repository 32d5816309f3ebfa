"""The command line in the reader's language: help, argparse's own words and errors, and cli's own lines.

The language is known before the parser is built (--lang as written, else MONITOR_LANGUAGE, else monitor.toml's
language beside the data file), since argparse prints help and errors while it parses.
"""
from __future__ import annotations

import argparse
import gettext
import inspect
import os
import re
import subprocess
import sys

import pytest

from monitor.cli import ARGPARSE_WORDS, _argparse_gettext, _argparse_ngettext, main
from monitor.i18n import use

CYRILLIC = re.compile("[а-яА-ЯёЁ]")


def monitor(*argv: str, cwd, **environ: str) -> subprocess.CompletedProcess:
    """`monitor ARGV` in a real process, in `cwd`, with no MONITOR_* variable but `environ`'s."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env.update(COLUMNS="80", **environ)
    return subprocess.run([sys.executable, "-m", "monitor", *argv], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


@pytest.mark.parametrize("how", ["environment", "--lang ru", "--lang=ru"])
def test_a_command_s_help_is_russian(how, tmp_path):
    lang = {"environment": [], "--lang ru": ["--lang", "ru"], "--lang=ru": ["--lang=ru"]}[how]
    proc = monitor("report", *lang, "--help", cwd=tmp_path, **({"MONITOR_LANGUAGE": "ru"} if not lang else {}))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("использование: monitor report [-h]")
    for words in ("создать отчёты о ходе выполнения в HTML и Excel", "параметры:", "показать эту справку и выйти",
                  "папка для результатов (по умолчанию: reports)", "языки отчётов, например ru или en,ru",
                  "пример:\n  monitor report\n"):
        assert words in out, words
    assert "usage:" not in out and "options:" not in out and "example:" not in out


@pytest.mark.parametrize("environ", [{"MONITOR_LANGUAGE": "ru"}, {}])
def test_monitor_s_help_is_russian_from_the_environment_or_the_settings(environ, tmp_path):
    if not environ:
        (tmp_path / "monitor.toml").write_text('language = "ru"\n', encoding="utf-8")
    proc = monitor("--help", cwd=tmp_path, **environ)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("использование: monitor [-h] [--version]")
    for words in ("Отслеживает, чего требовал парламент", "команды:", "параметры:", "показать версию программы",
                  "    validate          проверить файл данных",
                  "Параметры команды и пример её вызова покажет 'monitor COMMAND --help'."):
        assert words in proc.stdout, words


def test_the_settings_beside_the_file_named_choose_the_language(tmp_path):
    register = tmp_path / "register"
    register.mkdir()
    (register / "monitor.toml").write_text('language = ["ru", "en"]\n', encoding="utf-8")
    for argv in (["--file", str(register / "demands.yaml"), "status", "--help"],
                 ["status", f"--file={register / 'demands.yaml'}", "--help"]):
        assert monitor(*argv, cwd=tmp_path).stdout.startswith("использование: monitor status"), argv
    proc = monitor("schema", "--help", cwd=tmp_path, MONITOR_FILE=str(register / "demands.yaml"))
    assert proc.stdout.startswith("использование: monitor schema")
    assert monitor("status", "--lang", "en", "--help", cwd=register).stdout.startswith("usage: monitor status")


def test_argparse_s_errors_are_russian_with_exit_2(tmp_path):
    proc = monitor("report", "--lang", "ru", "--bogus", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("использование: monitor [-h]")
    assert proc.stderr.endswith("monitor: ошибка: нераспознанные аргументы: --bogus\n")
    ru = {"MONITOR_LANGUAGE": "ru"}
    proc = monitor("update", "x", cwd=tmp_path, **ru)
    assert proc.returncode == 2
    assert "monitor update: ошибка: не указаны обязательные аргументы: --status, --note" in proc.stderr
    proc = monitor("frob", cwd=tmp_path, **ru)
    assert proc.returncode == 2
    assert "monitor: ошибка: аргумент COMMAND: недопустимое значение: 'frob' (выберите одно из: 'validate'," \
           in proc.stderr
    proc = monitor("--today", "2022-13-01", "validate", cwd=tmp_path, **ru)
    assert proc.returncode == 2
    assert ("monitor: ошибка: аргумент --today: '2022-13-01' — не дата: укажите её в виде YYYY-MM-DD, например "
            "2022-01-13") in proc.stderr
    proc = monitor("import", cwd=tmp_path, **ru)
    assert proc.returncode == 2
    assert "monitor import: ошибка: нужен один из аргументов --resolution --new" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_english_is_unchanged(tmp_path):
    proc = monitor("--help", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: monitor [-h] [--version] [--file PATH] [--today YYYY-MM-DD] [--debug]\n")
    assert "\noptions:\n  -h, --help          show this help message and exit\n" in proc.stdout
    assert "\ncommands:\n" in proc.stdout and "Run 'monitor COMMAND --help'" in proc.stdout
    assert not CYRILLIC.search(proc.stdout)
    proc = monitor("report", "--bogus", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.endswith("monitor: error: unrecognized arguments: --bogus\n")
    help_en = monitor("report", "--help", cwd=tmp_path).stdout
    assert "\nexample:\n  monitor report\n" in help_en and not CYRILLIC.search(help_en)
    assert monitor("report", "--lang", "en", "--help", cwd=tmp_path, MONITOR_LANGUAGE="ru").stdout == help_en


@pytest.mark.parametrize("toml", ["language = [\n", 'language = "xx"\n', "language = 3\n"])
def test_settings_that_cannot_be_used_give_english_help_not_a_traceback(toml, tmp_path):
    (tmp_path / "monitor.toml").write_text(toml, encoding="utf-8")
    for argv in (["--help"], ["status", "--help"]):
        proc = monitor(*argv, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("usage: monitor") and "Traceback" not in proc.stderr
    proc = monitor("status", cwd=tmp_path)  # the command itself says what is wrong with the settings
    assert proc.returncode != 0 and "monitor.toml" in proc.stderr and "Traceback" not in proc.stderr


def test_an_unknown_language_asked_for_gives_english_help_and_the_command_says_so(tmp_path):
    proc = monitor("status", "--lang", "xx", "--help", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("usage: monitor status")
    proc = monitor("status", "--lang", "xx", cwd=tmp_path)
    assert proc.returncode == 2 and "there is no 'xx' language" in proc.stderr


def test_cli_s_own_lines_and_usage_errors_are_russian(monkeypatch, small_file, capsys, no_monitor_env):
    import monitor as package

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(package, "validate_file", boom)
    assert main(["--file", str(small_file), "validate", "--lang", "ru"]) == 1
    err = capsys.readouterr().err
    assert err == ("monitor: внутренняя ошибка: RuntimeError: disk on fire\nСообщите о ней, указав выполненную "
                   "команду; подробности покажет повторный запуск с --debug.\n")
    base = ["--file", str(small_file), "--today", "2026-11-24", "digest", "--lang", "ru"]
    assert main(base + ["--to", "a@example.org"]) == 2
    assert "monitor: --to указывается вместе с --resend ID" in capsys.readouterr().err
    assert main(base + ["--since", "2030-01-01"]) == 2
    assert "--since 2030-01-01: эта дата ещё не наступила (сегодня 2026-11-24)" in capsys.readouterr().err


def test_argparse_s_words_are_monitor_s_only_while_it_parses(capsys):
    with pytest.raises(SystemExit):
        main(["status", "--lang", "ru", "--help"])
    assert capsys.readouterr().out.startswith("использование:")
    assert getattr(argparse, "_") is gettext.gettext and getattr(argparse, "ngettext") is gettext.ngettext
    with use("ru"):  # another parser in the process, even in Russian, keeps argparse's own words
        assert argparse.ArgumentParser(prog="x").format_usage() == "usage: x [-h]\n"


def test_every_argparse_message_in_the_table_is_argparse_s_own():
    """A Python whose argparse words a message differently leaves it English: this says which ones to update."""
    source = inspect.getsource(argparse)
    assert [m for m in ARGPARSE_WORDS if repr(m)[1:-1] not in source and m not in source] == []
    assert "'expected %s argument'" in source


def test_the_russian_templates_fill_like_argparse_s():
    values = {"prog": "monitor", "message": "m", "argument_name": "--x", "value": "v", "choices": "'a', 'b'",
              "option": "--s", "matches": "--since, --send", "type": "int"}
    with use("ru"):
        for message in ARGPARSE_WORDS:  # filled as argparse fills it: by name, or its one bare %s / %r
            translated = _argparse_gettext(message)
            named = re.findall(r"%\((\w+)\)", message)
            filled = translated % values if named else translated % ("X",) if "%" in message else translated
            assert CYRILLIC.search(filled), message
            assert all(values[name] in filled for name in named) and ("X" in filled) == ("%" in message and not named)
        assert _argparse_gettext("usage: ") == "использование: "
        assert _argparse_gettext("%(prog)s: error: %(message)s\n") == "%(prog)s: ошибка: %(message)s\n"
        assert _argparse_gettext("a message not in the table") == "a message not in the table"
        assert _argparse_ngettext("expected %s argument", "expected %s arguments", 3) % 3 == "нужно 3 значения"
    for message in ARGPARSE_WORDS:
        assert _argparse_gettext(message) is message
    assert _argparse_ngettext("expected %s argument", "expected %s arguments", 2) == "expected %s arguments"
