"""`monitor update` and `monitor add` in the reader's language: the one-line summary, a refusal and a held lock are
said in Russian (MONITOR_LANGUAGE=ru, as these commands have no --lang), with the same exit code as in English, and
the data file gets exactly the same bytes whatever the language: the words of the interface never reach the data."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from monitor.i18n import use
from monitor.load import parse_text
from monitor.proof import compare, expect_nothing

from .conftest import DATA, ROOT, TODAY

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
UPDATE = ["update", "roe-release-2021", "--status", "met", "--note", "Released by pardon.", "--source",
          "https://example.org/pardon"]
ADD = ["add", "press-law-2021", "--resolution", "2021", "--addressee", "Examplestan authorities", "--topic",
       "assemblies", "--demand", "Revise the press law", "--text", "calls for a revision of the press law"]


def environment(**extra: str) -> dict[str, str]:
    """This process's environment without MONITOR_* variables (the developer's own), plus `extra`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MONITOR_")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def monitor(folder: Path, *args: str, language: str, code: str = "") -> subprocess.CompletedProcess:
    """`python -m monitor --file FOLDER/demands.yaml --today ... ARGS` in a real process, MONITOR_LANGUAGE set;
    `code` is run first (to shorten the lock's wait), then monitor's main."""
    program = textwrap.dedent(f"""
        import sys
        {code}
        from monitor.cli import main
        sys.exit(main(sys.argv[1:]))
    """)
    return subprocess.run([sys.executable, "-c", program, "--file", str(folder / "demands.yaml"),
                           "--today", TODAY.isoformat(), *args], capture_output=True, text=True, cwd=folder,
                          env=environment(MONITOR_LANGUAGE=language), timeout=120)


def copies(tmp_path: Path) -> dict[str, Path]:
    """A folder with the small register for each language."""
    folders = {}
    for language in ("en", "ru"):
        folder = tmp_path / language
        folder.mkdir()
        shutil.copyfile(DATA / "valid" / "small.yaml", folder / "demands.yaml")
        folders[language] = folder
    return folders


@pytest.mark.parametrize("args, english, russian", [
    (UPDATE, "added to roe-release-2021: 2026-11-24 met\n",
     "к требованию roe-release-2021 добавлена запись: 2026-11-24 met\n"),
    (ADD, "added demand press-law-2021\n", "добавлено требование press-law-2021\n"),
])
def test_the_summary_is_in_the_language_and_the_file_gets_the_same_bytes(tmp_path, args, english, russian):
    folders = copies(tmp_path)
    before = (folders["en"] / "demands.yaml").read_bytes()
    done = {language: monitor(folder, *args, language=language) for language, folder in folders.items()}
    assert done["en"].returncode == done["ru"].returncode == 0, (done["en"].stderr, done["ru"].stderr)
    assert done["en"].stdout == english
    assert done["ru"].stdout == russian
    written = (folders["en"] / "demands.yaml").read_bytes()
    assert written != before
    assert (folders["ru"] / "demands.yaml").read_bytes() == written  # the status key, the first note: as in English


def test_an_unknown_demand_is_refused_in_russian_with_the_same_exit_code(tmp_path):
    folders = copies(tmp_path)
    before = (folders["en"] / "demands.yaml").read_bytes()
    wrong = ["update", "roe-release-2012", *UPDATE[2:]]
    done = {language: monitor(folder, *wrong, language=language) for language, folder in folders.items()}
    assert done["en"].returncode == done["ru"].returncode == 1
    assert done["en"].stdout == done["ru"].stdout == ""
    assert done["en"].stderr.endswith("demands.yaml: nothing was written\n")
    lines = done["ru"].stderr.splitlines()
    assert lines[-1] == f"{folders['ru'] / 'demands.yaml'}: ничего не записано"
    assert "roe-release-2012" in lines[0] and "roe-release-2021" in lines[0] and CYRILLIC.search(lines[0])
    assert not CYRILLIC.search(done["en"].stderr)
    for folder in folders.values():
        assert (folder / "demands.yaml").read_bytes() == before


def test_a_held_lock_is_reported_in_russian_with_the_same_exit_code(tmp_path):
    from filelock import FileLock

    folders = copies(tmp_path)
    before = (folders["en"] / "demands.yaml").read_bytes()
    done = {}
    for language, folder in folders.items():
        with FileLock(str(folder / ".demands.yaml.lock")):
            done[language] = monitor(folder, *UPDATE, language=language,
                                     code="from monitor import store; store.LOCK_TIMEOUT_SECONDS = 0.5")
    assert done["en"].returncode == done["ru"].returncode == 1
    assert "is locked by another monitor command" in done["en"].stderr
    assert done["ru"].stderr == (f"monitor: {folders['ru'] / 'demands.yaml'} заблокирован другой командой monitor, "
                                 "которая ещё не завершилась; ничего не записано — повторите через минуту\n")
    for folder in folders.values():
        assert (folder / "demands.yaml").read_bytes() == before


OLD = """\
title: Examplestan
topics:
  - prisoners
demands:
  - id: a
    note: one
  - id: b
    note: two
"""


@pytest.mark.parametrize("new, english, russian", [
    (OLD.replace("title: Examplestan\n", "title: Examplestan\nlanguage: en\n"), "the file's top-level keys",
     "ключи верхнего уровня файла"),
    (OLD.replace("Examplestan", "Elsewhere"), "'title'", "'title'"),
    (OLD.replace("two", "three"), "the item 'b' of 'demands'", "элемент 'b' списка 'demands'"),
    (OLD.replace("prisoners", "elections"), "an item of 'topics'", "один из элементов 'topics'"),
    (OLD + "  - id: c\n", "the number of items in 'demands' (3 instead of 2)",
     "число элементов в 'demands' (3 вместо 2)"),
])
def test_what_an_unsafe_edit_would_have_altered_is_said_in_the_language(new, english, russian):
    expected = expect_nothing(parse_text(OLD).tree)
    with use("en"):
        assert compare(expected, parse_text(new).tree).what == english
    with use("ru"):
        assert compare(expected, parse_text(new).tree).what == russian


def test_a_link_in_the_reports_folder_is_refused_in_russian(tmp_path):
    from monitor.store import UnsafeTarget, publish_files

    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").symlink_to(tmp_path / "elsewhere.html")
    with use("ru"), pytest.raises(UnsafeTarget) as raised:
        publish_files(out, {"index.html": b"<p>"})
    assert raised.value.strerror == (f"{out / 'index.html'} — ссылка на {tmp_path / 'elsewhere.html'}, а monitor "
                                     "никогда не записывает файлы через ссылку")
