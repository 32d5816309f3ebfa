"""The data's own translations (issue 18): `language:` and `translations:` read into the model, checked with
positions, accepted by the JSON Schema as by `monitor validate`, kept by the views and by the history guard.

The files are in tests/data/translations/: valid.yaml carries translations in all four places, each other file
one family of mistakes, with its complete list of (line, column, code) below.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import jsonschema
import pytest

import monitor
from monitor.cli import main
from monitor.fields import is_language
from monitor.guard import check_history_kept
from monitor.prose import prose
from monitor.schema import build_schema
from monitor.view import public, register_as_of

from .conftest import DATA, SHIPPED, TODAY
from .test_agreement import _schema_says

HERE = DATA / "translations"
VALID = HERE / "valid.yaml"


def problems_in(path):
    return [(p.line, p.column, p.code) for p in monitor.validate_file(path, today=TODAY)[1]]


# -- into the model -------------------------------------------------------------------------------------------------

def test_translations_reach_the_model_in_all_four_places():
    register = monitor.load_register(VALID, today=TODAY)
    assert register.language == "en"
    assert register.translations == (("ru", "title", "Требования по Экзампластану"),
                                     ("kk", "title", "Экзампластан бойынша талаптар"))
    assert register.resolution("2019").translations == (
        ("ru", "title", "Резолюция от 14 марта 2019 года об Экзампластане"),)
    demand = register.demand("inquiry-2019")
    assert demand.translations == (
        ("ru", "demand", "Независимое международное расследование событий 2018 года"),
        ("ru", "text", "призывает провести независимое и заслуживающее доверия международное расследование событий"),
        ("pt-BR", "demand", "Uma investigação internacional independente sobre os eventos de 2018"))
    assert [e.translations for e in demand.history] == [(("ru", "note", "Требование Парламента."),),
                                                        (("ru", "note", "Власти отказали международным экспертам."),)]
    assert demand.demand == "An independent international inquiry into the events of 2018"  # the original stays


def test_a_file_without_them_is_in_english_with_none(small_register):
    assert small_register.language == "en" and small_register.translations == ()
    assert all(r.translations == () for r in small_register.resolutions)
    assert all(d.translations == () and all(e.translations == () for e in d.history) for d in small_register.demands)


def test_the_files_language_is_its_own(tmp_path):
    path = tmp_path / "demands.yaml"
    path.write_text(VALID.read_text(encoding="utf-8").replace("language: en\n", "language: kk-Latn\n"),
                    encoding="utf-8")
    register, problems = monitor.validate_file(path, today=TODAY)
    assert problems == [] and register.language == "kk-Latn"


def test_prose_shows_the_translation_in_its_language_and_the_original_elsewhere():
    register = monitor.load_register(VALID, today=TODAY)
    demand = register.demand("inquiry-2019")
    shown = prose(demand, "demand", demand.demand, source=register.language, language="ru")
    assert (shown.text, shown.language, shown.translated) == (
        "Независимое международное расследование событий 2018 года", "ru", True)
    kazakh = prose(demand, "demand", demand.demand, source=register.language, language="kk")
    assert (kazakh.text, kazakh.language, kazakh.translated) == (demand.demand, "en", False)


@pytest.mark.parametrize("code", ["en", "ru", "kk", "haw", "pt-BR", "es-419", "kk-Latn", "sr-Cyrl-RS"])
def test_a_plausible_language_code_is_accepted(code):
    assert is_language(code)


@pytest.mark.parametrize("code", ["", "r", "RU", "Russian", "ru_RU", "ru-ru", "kk-latn", "russ", "ru-", " ru"])
def test_what_is_not_a_language_code_is_refused(code):
    assert not is_language(code)


# -- each mistake, where it stands --------------------------------------------------------------------------------

EXPECTED = {
    "bad-language.yaml": [(2, 11, "bad-language"), (8, 7, "bad-language"), (10, 7, "bad-language"),
                          (21, 7, "bad-language"), (23, 7, "bad-language"), (31, 11, "bad-language")],
    "same-language.yaml": [(7, 3, "same-language")],
    "same-language-default.yaml": [(6, 7, "same-language")],
    "not-translatable.yaml": [(5, 5, "unknown-key"), (11, 9, "unknown-key"), (23, 9, "unknown-key"),
                              (24, 9, "unknown-key"), (32, 13, "unknown-key")],
    "empty.yaml": [(8, 7, "empty-value"), (19, 9, "empty-value"), (20, 9, "empty-value"), (21, 7, "empty-value")],
    "not-a-mapping.yaml": [(3, 15, "not-a-mapping"), (8, 11, "not-a-mapping"), (18, 7, "not-a-mapping"),
                           (28, 15, "not-text"), (30, 13, "not-a-mapping")],
}


def test_every_file_of_the_corpus_is_listed():
    assert {p.name for p in HERE.glob("*.yaml")} == set(EXPECTED) | {VALID.name}


def test_the_valid_file_has_no_problem():
    assert problems_in(VALID) == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mistake_is_reported_where_it_stands(name):
    assert problems_in(HERE / name) == EXPECTED[name]


def test_the_hints_say_what_to_write(capsys):
    assert main(["--file", str(HERE / "bad-language.yaml"), "--today", "2026-11-24", "validate"]) == 1
    out = capsys.readouterr().out
    for meant in ("'en'", "'ru'", "'ru-RU'", "'kk-Latn'"):
        assert f"did you mean {meant}?" in out
    main(["--file", str(HERE / "not-translatable.yaml"), "--today", "2026-11-24", "validate"])
    out = capsys.readouterr().out
    assert "'paragraph' cannot be translated — the fields that can be translated here: demand, text" in out
    assert "did you mean 'demand'?" in out
    assert "the fields that can be translated here: title" in out
    assert "the fields that can be translated here: note" in out


def test_a_translation_into_the_files_language_is_only_a_warning(capsys):
    for name in ("same-language.yaml", "same-language-default.yaml"):
        register, problems = monitor.validate_file(HERE / name, today=TODAY)
        assert register is not None and [p.severity for p in problems] == ["warning"]
    assert main(["--file", str(HERE / "same-language.yaml"), "--today", "2026-11-24", "validate"]) == 0
    assert "is never shown" in capsys.readouterr().out


def test_an_unquoted_number_in_a_translation_is_warned_of_and_a_comment_cut_too(tmp_path):
    path = tmp_path / "demands.yaml"
    text = VALID.read_text(encoding="utf-8")
    text = text.replace("    title: Требования по Экзампластану\n", "    title: 2019\n")
    text = text.replace("            note: Требование Парламента.\n", "            note: Требование #3 Парламента.\n")
    path.write_text(text, encoding="utf-8")
    assert problems_in(path) == [(7, 12, "unquoted-value"), (43, 30, "cut-by-comment")]


# -- the JSON Schema agrees --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [VALID, SHIPPED], ids=["valid", "shipped"])
def test_the_schema_accepts_translations(path):
    """As an editor reads the file (YAML 1.2: `private: true` is a boolean), with the shipped demands.schema.json."""
    assert _schema_says(path) == "accepts"


def test_the_schema_describes_the_shape():
    schema = build_schema()
    demand = schema["definitions"]["demand"]["properties"]["translations"]
    assert set(demand["additionalProperties"]["properties"]) == {"demand", "text"}
    assert "Unofficial" in demand["description"]
    assert set(schema["definitions"]["entry"]["properties"]["translations"]["additionalProperties"]["properties"]) \
        == {"note"}
    assert jsonschema.Draft7Validator(schema["properties"]["language"]).is_valid("pt-BR")
    assert not jsonschema.Draft7Validator(schema["properties"]["language"]).is_valid("Russian")


# One mistake each, made in valid.yaml: (what the file says, what it says instead, validate's code).
ONE_MISTAKE = {
    "language-name": ("language: en\n", "language: English\n", "bad-language"),
    "key-upper-case": ("  kk:\n", "  KK:\n", "bad-language"),
    "field-not-translated": ("        demand: Uma", "        paragraph: Uma", "unknown-key"),
    "field-misspelt": ("            note: Власти", "            nots: Власти", "unknown-key"),
    "empty-text": ("    title: Требования по Экзампластану\n", "    title:\n", "empty-value"),
    "empty-quoted-text": ("    title: Требования по Экзампластану\n", '    title: ""\n', "empty-value"),
    "empty-language": ("  kk:\n    title: Экзампластан бойынша талаптар\n", "  kk:\n", "empty-value"),
    "empty-language-braces": ("  kk:\n    title: Экзампластан бойынша талаптар\n", "  kk: {}\n", "empty-value"),
    "language-is-text": ("  kk:\n    title: Экзампластан бойынша талаптар\n", "  kk: Экзампластан\n",
                         "not-a-mapping"),
    "translations-is-text": ("translations:\n  ru:\n    title: Требования по Экзампластану\n  kk:\n"
                             "    title: Экзампластан бойынша талаптар\n", "translations: ru\n", "not-a-mapping"),
    "translation-is-a-list": ("    title: Требования по Экзампластану\n", "    title: [a, b]\n", "not-text"),
}


@pytest.mark.parametrize("name", sorted(ONE_MISTAKE))
def test_the_editor_and_validate_agree_on_each_mistake(name, tmp_path):
    old, new, code = ONE_MISTAKE[name]
    text = VALID.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    register, problems = monitor.validate_file(path, today=TODAY)
    assert register is None and [p.code for p in problems] == [code]
    assert _schema_says(path) == "refuses"


def test_the_one_documented_difference_a_translation_into_the_files_own_language(tmp_path):
    """A schema cannot compare a key with the file's `language:`: the editor accepts, validate warns."""
    assert _schema_says(HERE / "same-language.yaml") == "accepts"
    assert _schema_says(VALID) == "accepts"


# -- kept by the views and by `monitor add`'s options -------------------------------------------------------------

def test_public_keeps_the_translations_of_what_it_keeps_and_drops_a_private_entry_with_its_own():
    register = monitor.load_register(VALID, today=TODAY)
    shown = public(register)
    assert shown.translations == register.translations
    assert shown.resolution("2019").translations == register.resolution("2019").translations
    demand = shown.demand("inquiry-2019")
    assert demand.translations == register.demand("inquiry-2019").translations
    assert [e.translations for e in demand.history] == [(("ru", "note", "Требование Парламента."),)]
    assert "Власти отказали международным экспертам." not in repr(shown)


def test_register_as_of_keeps_translations():
    register = monitor.load_register(VALID, today=TODAY)
    earlier = register_as_of(register, dt.date(2019, 12, 31))
    assert earlier.translations == register.translations
    assert earlier.resolution("2019").translations == register.resolution("2019").translations
    demand = earlier.demand("inquiry-2019")
    assert demand.translations == register.demand("inquiry-2019").translations
    assert [e.translations for e in demand.history] == [(("ru", "note", "Требование Парламента."),)]


def test_add_has_no_translations_option(capsys):
    with pytest.raises(SystemExit):
        main(["add", "--help"])
    assert "--translations" not in capsys.readouterr().out


def test_a_changed_translation_is_no_correction_in_the_digest(tmp_path):
    from monitor.changes import snapshot_of

    register = monitor.load_register(VALID, today=TODAY)
    path = tmp_path / "demands.yaml"
    path.write_text(VALID.read_text(encoding="utf-8").replace("событий 2018 года\n", "событий 2018 г.\n"),
                    encoding="utf-8")
    changed = monitor.load_register(path, today=TODAY)
    assert changed.demand("inquiry-2019").translations != register.demand("inquiry-2019").translations
    assert snapshot_of(changed) == snapshot_of(register)


# -- the history guard: a translation of a past note changes nothing in the record -----------------------------

@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_translation_added_to_a_past_entry_passes_the_history_guard(tmp_path, capsys):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "test@example.org")
    git("config", "user.name", "Test")
    path = tmp_path / "demands.yaml"
    shutil.copyfile(DATA / "valid" / "small.yaml", path)
    git("add", "demands.yaml")
    git("commit", "-qm", "data")
    text = path.read_text(encoding="utf-8")
    old = "        note: The authorities refused international experts.\n"
    path.write_text(text.replace(old, old + "        translations:\n          ru:\n"
                                 "            note: Власти отказали международным экспертам.\n", 1), encoding="utf-8")
    assert monitor.load_register(path, today=TODAY).demand("inquiry-2019").history[1].translations
    assert check_history_kept(path, "HEAD") == []
    assert main(["--file", str(path), "--today", "2026-11-24", "validate", "--against", "HEAD"]) == 0
    git("commit", "-qam", "a translation")
    path.write_text(text, encoding="utf-8")  # removed again: it was never part of the record either
    assert check_history_kept(path, "HEAD") == []
    path.write_text(text.replace(old, "        note: The authorities agreed.\n", 1), encoding="utf-8")
    assert [p.code for p in check_history_kept(path, "HEAD")] == ["history-rewritten"]  # the note itself is guarded
    capsys.readouterr()


# -- the shipped register, as committed -------------------------------------------------------------------------

def test_the_shipped_register_has_a_russian_title_and_demand_for_every_item():
    """A fact about the example we ship, not a rule for users: a demand added without a translation is valid."""
    register = monitor.load_register(SHIPPED)
    assert register.language == "en"
    assert [f for lang, f, _text in register.translations if lang == "ru"] == ["title"]
    for resolution in register.resolutions:
        assert [f for lang, f, _text in resolution.translations if lang == "ru"] == ["title"], resolution.id
    for demand in register.demands:
        assert [f for lang, f, _text in demand.translations if lang == "ru"] == ["demand"], demand.id
    texts = [t for item in (register, *register.resolutions, *register.demands) for _l, _f, t in item.translations]
    assert all(any("а" <= ch <= "я" for ch in text.lower()) for text in texts)  # Cyrillic: Russian, not a copy
    assert len(set(texts)) == len(texts)


def test_the_shipped_register_says_its_translations_are_unofficial():
    head = SHIPPED.read_text(encoding="utf-8")[:3000]
    assert "unofficial translations made by the project team" in head
    assert "not the\n#   European Parliament's" in head


def test_the_starter_files_example_shows_a_translation_that_validates_once_put_in(tmp_path):
    from monitor.init import starter_register

    from .test_init import uncomment_examples

    path = tmp_path / "demands.yaml"
    path.write_text(uncomment_examples(starter_register()), encoding="utf-8")
    register = monitor.load_register(path)
    assert register.demands[0].translations == (
        ("ru", "demand", "Публичная отмена любого приказа стрелять на поражение без предупреждения"),)
    assert _schema_says(path) == "accepts"
