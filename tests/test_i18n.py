"""The reader's language: catalogues complete and compiled at install, Babel's dates and numbers, Russian plural
forms, and how a language is chosen (--lang, MONITOR_LANGUAGE, monitor.toml)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from monitor import catalogues, i18n
from monitor.i18n import UnknownLanguage, counted, duration, format_number, long_date, short_date, use
from monitor.model import Status
from monitor.settings import SettingsError, languages_of, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_shipped_catalogue_is_complete_and_in_step_with_the_code():
    """Every marked string of the code and templates is in the template and translated in each .po, none fuzzy,
    every {field} kept (a missing or fuzzy entry fails here, naming it)."""
    assert catalogues.check() == []


def test_russian_is_shipped_and_english_needs_no_catalogue():
    assert i18n.available()[0] == "en"
    assert "ru" in i18n.available()
    assert i18n.language("ru").name == "Русский"
    assert i18n.language("en").name == "English"


def test_the_install_compiled_each_catalogue_and_the_mo_says_what_the_po_says():
    """`pip install -e .` (the README's first command, and tests/run.sh) runs setup.py, which writes each .mo."""
    for code, po in catalogues.catalogue_paths().items():
        mo = po.with_suffix(".mo")
        assert mo.is_file(), f"{mo} missing: the install step did not compile the catalogues"
        assert mo.read_bytes() == catalogues.compiled(po).getvalue(), f"{mo} is older than {po}: run pip install -e ."


def test_a_wheel_carries_the_compiled_catalogues(tmp_path):
    """A non-editable build (in an isolated build environment, babel from pyproject.toml's build requirements)
    compiles the catalogues too and packs .po and .mo (the Containerfile installs a wheel)."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("monitor-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "monitor/locale/ru/LC_MESSAGES/monitor.mo" in names
    assert "monitor/locale/ru/LC_MESSAGES/monitor.po" in names


@pytest.mark.parametrize(("count", "demands", "years"), [
    (1, "1 требование", "1 год"), (2, "2 требования", "2 года"), (5, "5 требований", "5 лет"),
    (11, "11 требований", "11 лет"), (21, "21 требование", "21 год"), (0, "0 требований", "0 лет"),
    (104, "104 требования", "104 года"), (112, "112 требований", "112 лет"),
])
def test_russian_has_three_plural_forms(count, demands, years):
    with use("ru"):
        assert counted(count, "{count} demand", "{count} demands") == demands
        assert counted(count, "{count} year", "{count} years") == years


@pytest.mark.parametrize(("count", "expected"), [(1, "1 demand"), (2, "2 demands"), (21, "21 demands"),
                                                 (3000, "3,000 demands")])
def test_english_plurals_are_as_before(count, expected):
    assert counted(count, "{count} demand", "{count} demands") == expected


def test_durations_in_each_language():
    thirteen_years_seven_months = round((13 * 12 + 7) * 30.4375)
    assert duration(thirteen_years_seven_months) == "13 years 7 months"
    assert duration(1) == "1 day"
    assert duration(None) == ""
    with use("ru"):
        assert duration(thirteen_years_seven_months) == "13 лет 7 месяцев"
        assert duration(round(21 * 12 * 30.4375 + 2 * 30.4375)) == "21 год 2 месяца"
        assert duration(5) == "5 дней"
        assert duration(22) == "22 дня"


def test_dates_and_numbers_follow_the_language_not_the_machine():
    day = dt.date(2012, 3, 15)
    assert (long_date(day), short_date(day), format_number(3000)) == ("15 March 2012", "15 Mar 2012", "3,000")
    with use("ru"):
        assert long_date(day) == "15 марта 2012\u202fг."
        assert short_date(day) == "15 мар. 2012\u202fг."
        assert format_number(3000) == "3\u00a0000"


def test_status_keys_stay_and_their_words_are_translated():
    with use("ru"):
        assert Status.NOT_MET.value == "not-met"
        assert Status.NOT_MET.label == "не выполнено"
        assert Status.MET.meaning == "требуемое выполнено"
    assert Status.NOT_MET.label == "not met"


def test_use_restores_the_language_it_replaced():
    with use("ru"):
        with use("en"):
            assert i18n.current().code == "en"
        assert i18n.current().code == "ru"
    assert i18n.current().code == "en"


def test_an_unknown_language_names_the_ones_there_are():
    with pytest.raises(UnknownLanguage) as caught:
        i18n.parse_languages("en,xx")
    assert "there is no 'xx' language — use one of: en, ru" in str(caught.value)
    assert caught.value.exit_code == 2
    with pytest.raises(UnknownLanguage, match=r"^there is no 'x y' language"):
        i18n.parse_languages("x y")
    with pytest.raises(UnknownLanguage, match=r"^there is no 'ru\\u202e' language"):  # shown, never acted on
        i18n.parse_languages("ru\u202e")


def test_no_language_is_a_message_not_english_by_default_and_the_message_speaks_the_readers_language(tmp_path):
    for given in ("", ",", " ", " , "):
        with pytest.raises(UnknownLanguage, match="^no language is given — write a code such as ru"):
            i18n.parse_languages(given)
    with use("ru"), pytest.raises(UnknownLanguage, match="^языка 'xx' нет — используйте один из: en, ru"):
        i18n.parse_languages("xx")
    (tmp_path / "monitor.toml").write_text('language = "ru"\n', encoding="utf-8")
    run = _monitor("--file", str(tmp_path / "demands.yaml"), "report", "--lang", ",", cwd=tmp_path)
    assert (run.returncode, run.stderr.split(" — ")[0]) == (2, "monitor: no language is given")
    (tmp_path / "monitor.toml").write_text("language = []\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="language: no language is given"):
        languages_of(tmp_path / "demands.yaml", environ={})


def test_one_language_per_recipient(tmp_path):
    (tmp_path / "monitor.toml").write_text('mail_to = ["a@example.org:ru:en"]\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="'a@example.org:ru:en' asks for more than one language"):
        load_settings(tmp_path / "demands.yaml", environ={})


def test_the_language_setting_comes_from_the_environment_before_monitor_toml(tmp_path):
    data = tmp_path / "demands.yaml"
    assert languages_of(data, environ={}) == ("en",)
    (tmp_path / "monitor.toml").write_text('language = "ru"\n', encoding="utf-8")
    assert languages_of(data, environ={}) == ("ru",)
    assert languages_of(data, environ={"MONITOR_LANGUAGE": "en, ru"}) == ("en", "ru")
    (tmp_path / "monitor.toml").write_text('language = ["en", "ru"]\n', encoding="utf-8")
    assert load_settings(data, environ={}).language == ("en", "ru")
    (tmp_path / "monitor.toml").write_text('language = "kk"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        languages_of(data, environ={})
    assert str(caught.value).startswith(f"{tmp_path / 'monitor.toml'}: language: there is no 'kk' language")


def _monitor(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "MONITOR_LANGUAGE": "", **(env or {})}, timeout=120)


def test_lang_on_the_command_line_wins_and_a_wrong_one_is_one_plain_line(tmp_path):
    run = _monitor("--file", str(ROOT / "demands.yaml"), "validate", "--lang", "xx", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr == ("monitor: there is no 'xx' language — use one of: en, ru (a language is added with its "
                          "catalogue: see the README's section on languages)\n")
    assert "Traceback" not in run.stderr
