"""`monitor validate` (and status's plain messages) in the reader's language: the same codes, lines and columns as
in English, the words in Russian, the summary with Russian plural forms, the language chosen by --lang, the
MONITOR_LANGUAGE variable or monitor.toml."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from monitor import validate_file
from monitor.cli import main
from monitor.i18n import use

from .conftest import DATA, ROOT, TODAY

# One file with several kinds of mistakes: a bad address, an unquoted number, a misspelt status, a duplicate id,
# an unknown topic, a misspelt key, an impossible date, a status without a source, a note cut by ' #'.
SEVERAL_KINDS = """\
topics:
  - political prisoners
  - investigation
resolutions:
  - id: "2019"
    title: Resolution of 14 March 2019 on Examplestan
    adopted: 2019-03-14
    url: example.org/resolutions/2019
demands:
  - id: doe-release-2019
    resolution: 2019
    paragraph: "4"
    addressee: Examplestan authorities
    topic: political prisoners
    demand: Release of Jane Doe
    text: calls for the immediate release of Jane Doe
    history:
      - date: 2019-03-14
        status: pending
        note: Demanded by the Parliament.
      - date: 2019-09-02
        status: Met
        note: Released after serving her sentence.
  - id: doe-release-2019
    resolution: "2019"
    paragraph: unknown
    adressee: Examplestan authorities
    topic: investigations
    demand: An international inquiry
    text: calls for an international investigation
    history:
      - date: 2019-02-30
        status: pending
        note: Demanded by the Parliament.
      - date: 2019-05-01
        status: met
        note: Agreed, see report #3
"""
LINE = re.compile(r"(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): (?P<text>.+)")
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def environment(**extra: str) -> dict[str, str]:
    """This process's environment without MONITOR_* variables (the developer's own), plus `extra`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MONITOR_")}
    return {**env, **extra}


def monitor(*args: str, cwd: os.PathLike, **env: str) -> subprocess.CompletedProcess:
    """`python -m monitor ARGS` in a real process."""
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True, text=True, cwd=cwd,
                          env=environment(PYTHONPATH=str(ROOT), **env), timeout=120)


def entries_with_errors(count: int) -> str:
    """A register whose one demand has `count` entries, each with an unknown status (an error) and an unquoted
    `no` as its note (a warning)."""
    entries = "".join("      - date: 2019-03-14\n        status: done\n        note: no\n" for _n in range(count))
    return ('resolutions:\n  - id: "2019"\n    title: Resolution\n    adopted: 2019-03-14\n'
            'demands:\n  - id: doe-release-2019\n    resolution: "2019"\n    paragraph: "4"\n'
            '    addressee: Examplestan authorities\n    topic: political prisoners\n    demand: Release\n'
            '    text: calls for the release\n    history:\n' + entries)


def problem_lines(stdout: str) -> list[dict[str, str]]:
    lines = stdout.splitlines()
    found = [LINE.fullmatch(line) for line in lines]
    assert all(found), lines
    return [m.groupdict() for m in found if m]


def test_validate_in_russian_in_a_real_process_keeps_codes_lines_and_columns(tmp_path):
    data = tmp_path / "demands.yaml"
    data.write_text(SEVERAL_KINDS, encoding="utf-8")
    english = monitor("validate", "--today", "2026-11-24", "--lang", "en", cwd=tmp_path)
    russian = monitor("validate", "--today", "2026-11-24", "--lang", "ru", cwd=tmp_path)

    assert (english.returncode, russian.returncode) == (1, 1)
    en, ru = problem_lines(english.stdout), problem_lines(russian.stdout)
    where = [(p["path"], int(p["line"]), int(p["column"]), p["severity"]) for p in en]
    assert [(p["path"], int(p["line"]), int(p["column"]), p["severity"]) for p in ru] == where
    assert len(where) == 9 and {p[3] for p in where} == {"error", "warning"}
    for en_problem, ru_problem in zip(en, ru):
        assert not CYRILLIC.search(en_problem["text"]), en_problem
        assert CYRILLIC.search(ru_problem["text"]) and ru_problem["text"] != en_problem["text"], ru_problem
    assert "demands.yaml:22:17: error: неизвестный статус 'Met' — вы имели в виду 'met'? напишите один из " \
           "статусов: pending, in-progress, partly-met, met, not-met, reversed" in russian.stdout.splitlines()
    assert english.stderr == "demands.yaml: 6 errors, 3 warnings\n"
    assert russian.stderr == "demands.yaml: 6 ошибок, 3 предупреждения\n"

    with use("en"):
        _register, english_problems = validate_file(data, today=TODAY)
    with use("ru"):
        _register, russian_problems = validate_file(data, today=TODAY)
    codes = [(p.line, p.column, p.code) for p in english_problems]
    assert [(p.line, p.column, p.code) for p in russian_problems] == codes
    assert [code for _line, _column, code in codes] == [
        "bad-url", "unquoted-value", "unknown-status", "duplicate-id", "unknown-key", "unknown-topic", "bad-date",
        "missing-source", "cut-by-comment"]


@pytest.mark.parametrize("bad", sorted((DATA / "invalid").glob("*.yaml")), ids=lambda path: path.stem)
def test_every_broken_file_gives_the_same_problems_in_russian(bad):
    with use("en"):
        _register, english = validate_file(bad, today=TODAY)
    with use("ru"):
        _register, russian = validate_file(bad, today=TODAY)
    assert [(p.line, p.column, p.code, p.severity) for p in russian] == \
        [(p.line, p.column, p.code, p.severity) for p in english]
    for problem in russian:
        assert CYRILLIC.search(problem.message) and CYRILLIC.search(problem.hint), problem


def test_the_summary_uses_russian_plural_forms(tmp_path):
    names = []
    for count in (1, 2, 5, 11, 21):
        (tmp_path / f"e{count}.yaml").write_text(entries_with_errors(count), encoding="utf-8")
        names.append(f"e{count}.yaml")
    proc = monitor("validate", "--today", "2026-11-24", "--lang", "ru", *names, cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "e1.yaml: 1 ошибка, 1 предупреждение",
        "e2.yaml: 2 ошибки, 2 предупреждения",
        "e5.yaml: 5 ошибок, 5 предупреждений",
        "e11.yaml: 11 ошибок, 11 предупреждений",
        "e21.yaml: 21 ошибка, 21 предупреждение",
    ]
    assert len(problem_lines(proc.stdout)) == 2 * (1 + 2 + 5 + 11 + 21)


@pytest.fixture
def several(tmp_path, no_monitor_env):
    data = tmp_path / "demands.yaml"
    data.write_text(SEVERAL_KINDS, encoding="utf-8")
    return data


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_language_comes_from_monitor_language(several, monkeypatch, capsys):
    monkeypatch.setenv("MONITOR_LANGUAGE", "ru")
    code, out, err = run(["--file", str(several), "--today", "2026-11-24", "validate"], capsys)
    assert code == 1
    assert "не является веб-адресом" in out and err.endswith(": 6 ошибок, 3 предупреждения\n")


def test_the_language_comes_from_monitor_toml(several, capsys):
    (several.parent / "monitor.toml").write_text('language = "ru"\n', encoding="utf-8")
    code, out, err = run(["--file", str(several), "--today", "2026-11-24", "validate"], capsys)
    assert code == 1
    assert "не является веб-адресом" in out and err.endswith(": 6 ошибок, 3 предупреждения\n")


def test_lang_wins_over_the_variable_and_the_settings_file(several, monkeypatch, capsys):
    (several.parent / "monitor.toml").write_text('language = "ru"\n', encoding="utf-8")
    monkeypatch.setenv("MONITOR_LANGUAGE", "ru")
    code, out, err = run(["--file", str(several), "--today", "2026-11-24", "validate", "--lang", "en"], capsys)
    assert code == 1
    assert "is not a web address" in out and not CYRILLIC.search(out + err)
    monkeypatch.setenv("MONITOR_LANGUAGE", "en")
    code, out, err = run(["--file", str(several), "--today", "2026-11-24", "validate", "--lang", "ru"], capsys)
    assert "не является веб-адресом" in out and "ошибок" in err


def test_an_unknown_language_is_one_plain_message_with_exit_2(several, capsys):
    code, out, err = run(["--file", str(several), "validate", "--lang", "xx"], capsys)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith("monitor: there is no 'xx' language — use one of: en, ru")


def test_an_unknown_language_in_the_variable_is_one_plain_message(several, monkeypatch, capsys):
    monkeypatch.setenv("MONITOR_LANGUAGE", "xx")
    code, out, err = run(["--file", str(several), "validate"], capsys)
    assert code != 0 and out == ""
    assert len(err.splitlines()) == 1 and "MONITOR_LANGUAGE" in err and "'xx'" in err


def test_more_problems_than_are_shown_are_counted_in_russian(capsys):
    import sys as system

    from monitor.problems import ProblemList, problem
    from monitor.terminal import print_problems

    shown = ProblemList([problem("bad-url.not-text", ("x.yaml", 3, 4))])
    shown.total = shown.errors = 22
    with use("ru"):
        print_problems(shown, system.stdout)
    assert capsys.readouterr().out.splitlines()[-1] == (
        "... и ещё 21 проблема — сначала исправьте те, что выше, затем снова запустите monitor validate")


def test_status_says_in_russian_that_a_resolution_or_a_day_is_wrong(small_file, no_monitor_env, capsys):
    base = ["--file", str(small_file), "--today", "2026-11-24", "status"]
    code, _out, err = run([*base, "--resolution", "2099", "--lang", "ru"], capsys)
    assert (code, err) == (2, "monitor: резолюции '2099' нет — укажите один из id: 2019, 2021\n")
    code, _out, err = run([*base, "--resolution", "2021", "--as-of", "2020-01-01", "--lang", "ru"], capsys)
    assert (code, err) == (2, "monitor: на 2020-01-01 резолюции '2021' нет — укажите один из id: 2019\n")
    code, _out, err = run([*base, "--as-of", "2030-01-01", "--lang", "ru"], capsys)
    assert (code, err) == (2, "monitor: --as-of 2030-01-01 позже сегодняшнего дня (2026-11-24) — укажите уже "
                              "прошедший день\n")
    code, _out, err = run([*base, "--resolution", "2099"], capsys)  # English stays as it was
    assert err == "monitor: there is no resolution '2099' — use one of: 2019, 2021\n"


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_history_guard_speaks_russian(tmp_path, no_monitor_env, capsys):
    data = tmp_path / "demands.yaml"
    shutil.copyfile(DATA / "valid" / "small.yaml", data)
    argv = ["--file", str(data), "--today", "2026-11-24", "validate", "--against", "HEAD", "--lang", "ru"]
    code, _out, err = run(argv, capsys)
    assert code == 2
    assert err == ("monitor: demands.yaml не находится в git-репозитории, поэтому нет более ранней версии для "
                   "сравнения — запустите без --against\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "test@example.org")
    git(tmp_path, "config", "user.name", "Test")
    git(tmp_path, "add", "demands.yaml")
    git(tmp_path, "commit", "-qm", "data")
    text = data.read_text(encoding="utf-8")
    old = "note: The authorities refused international experts."
    data.write_text(text.replace(old, "note: The authorities agreed."), encoding="utf-8")
    code, out, err = run(argv, capsys)
    assert code == 1
    assert out.endswith(":34:9: error: запись истории '2020-06-01 not-met' требования 'inquiry-2019' изменена "
                        "(note) или перемещена после последнего коммита (HEAD) — восстановите её в прежнем виде; "
                        "чтобы её исправить, добавьте новую запись в конец\n")
    assert err.endswith(": 1 ошибка, 0 предупреждений\n")
