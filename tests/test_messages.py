"""The catalogue of problems: its wording is pinned by golden files, and the code uses exactly its messages.

tests/golden/messages.txt shows every message filled with its example values, messages.ru.txt the same in
Russian. After an intended change of wording or of a translation, regenerate them with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_messages.py`, read the diff, and commit it with the change.
"""
from __future__ import annotations

import ast
import difflib
import os
import re
import string
from pathlib import Path

import pytest

from monitor import i18n
from monitor.i18n import use
from monitor.messages import CODES, GIVEN, MESSAGES, NEAR, code_of
from monitor.problems import problem
from monitor.syntax import RULES
from monitor.words import block_name, direction, id_owner, in_revision, item_name, list_content, since_revision

from .conftest import ROOT

GOLDEN = Path(__file__).resolve().parent / "golden" / "messages.txt"
GOLDEN_RU = GOLDEN.with_name("messages.ru.txt")
PACKAGE = ROOT / "monitor"


def rendered_catalogue() -> str:
    """Every message id with the problem its example values make, in the catalogue's order."""
    lines = []
    for message_id, message in MESSAGES.items():
        made = problem(message_id, ("demands.yaml", 1, 1), **message.example_values())
        lines.append(f"{message_id}\n    {made.severity}: {made.message} — {made.hint}\n")
    return "".join(lines)


@pytest.mark.parametrize("language, golden", [("en", GOLDEN), ("ru", GOLDEN_RU)])
def test_the_wording_of_every_message_is_the_golden_one(language, golden):
    with use(language):
        text = rendered_catalogue()
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            f"golden/{golden.name}", "catalogue", n=1))
        pytest.fail(f"the messages differ from tests/golden/{golden.name} (UPDATE_GOLDEN=1 to accept):\n{diff}")


def catalogue_texts() -> list[str]:
    """Every template of the catalogue: each code's meaning and hint, each message's text and hint, NEAR."""
    texts = [text for code in CODES.values() for text in (code.meaning, code.hint)]
    texts += [text for message in MESSAGES.values() for text in (message.text, message.hint) if text]
    return texts + [NEAR]


def fields_of(text: str) -> list[tuple[str, str, str | None]]:
    """The {fields} of a template with their format spec and conversion, in a comparable order."""
    return sorted((name, spec or "", conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None)


@pytest.mark.parametrize("text", catalogue_texts())
def test_every_message_and_hint_has_a_russian_translation_with_the_same_fields(text):
    with use("ru"):
        translated = i18n._(text)
    assert translated != text, f"no Russian translation of {text!r}"
    assert fields_of(translated) == fields_of(text), f"{text!r} -> {translated!r}"
    assert re.search("[а-яё]", translated, re.IGNORECASE), translated


WORDS = [(block_name, ("file", "resolution", "demand", "entry")), (item_name, ("resolution", "demand", "entry")),
         (id_owner, ("resolution", "demand")),
         (list_content, ("topics", "resolutions", "demands", "entries", "addresses", "ids")),
         (direction, (1, -1)), (in_revision, ("HEAD",)), (since_revision, ("HEAD",))]


@pytest.mark.parametrize("word, kinds", WORDS, ids=[word.__name__ for word, _kinds in WORDS])
def test_the_words_that_fill_messages_are_translated_by_kind(word, kinds):
    english = [word(kind) for kind in kinds]
    with use("ru"):
        russian = [word(kind) for kind in kinds]
    for en, ru in zip(english, russian):
        assert ru != en and re.search("[а-яё]", ru), (en, ru)


def test_a_message_is_translated_when_the_problem_is_made():
    with use("ru"):
        made = problem("unknown-key", ("x.yaml", 3, 4), what=block_name("entry"), key="stauts", near="status",
                       keys=["date", "status"])
    assert (made.line, made.column, made.code, made.severity) == (3, 4, "unknown-key", "error")
    assert made.message == "в этой записи истории не предусмотрен ключ 'stauts'"
    assert made.hint == "вы имели в виду 'status'? допустимые ключи: date, status"
    english = problem("unknown-key", ("x.yaml", 3, 4), what=block_name("entry"), key="stauts", near="", keys=["a"])
    assert str(english) == "x.yaml:3:4: error: this history entry has no key 'stauts' — the keys are: a"


def test_counts_are_written_as_the_language_writes_numbers_and_lines_stay_digits():
    with use("ru"):
        large = problem("file-too-large", ("x.yaml", 1, 1), size=52428800, limit=20971520)
        twice = problem("duplicate-key", ("x.yaml", 12345, 1), key="topic", first=12000)
    assert "52\xa0428\xa0800" in large.message or "52 428 800" in large.message
    assert "12000" in twice.message and str(twice).startswith("x.yaml:12345:1: error: ")
    assert problem("file-too-large", ("x.yaml", 1, 1), size=52428800, limit=20971520).message == \
        "the file is 52,428,800 bytes, more than the limit of 20,971,520"


def test_what_the_system_says_of_a_file_is_translated_when_known():
    with use("ru"):
        known = problem("file-missing", ("x.yaml", 1, 1), place="/x.yaml", reason="No such file or directory")
        unknown = problem("file-missing", ("x.yaml", 1, 1), place="/x.yaml", reason="Stale file handle")
    assert "(нет такого файла или папки)" in known.message
    assert "(Stale file handle)" in unknown.message


def template_fields(message_id: str) -> set[str]:
    message = MESSAGES[message_id]
    texts = [message.text] + ([message.hint] if message.hint else [])
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name} - set(GIVEN)


@pytest.mark.parametrize("message_id", list(MESSAGES))
def test_each_message_belongs_to_a_code_and_its_example_fills_it(message_id):
    assert code_of(message_id) in CODES
    assert set(MESSAGES[message_id].example) == template_fields(message_id)


def test_every_code_has_its_plain_message_or_a_variant():
    assert {code_of(m) for m in MESSAGES} == set(CODES)


def _message_ids_named(call: ast.Call) -> list[ast.expr] | None:
    """The expressions that name a message id in a call that makes or reports a problem, else None."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name in ("problem", "FileProblem") and isinstance(func, ast.Name):
        index = 0
    elif name in ("report", "_add") and isinstance(func, ast.Attribute):
        index = 0
    elif name == "add" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            and func.value.id == "self" and len(call.args) >= 2:  # ShapeChecker.add(at, message_id, ...)
        index = 1
    else:
        return None
    arg = call.args[index]
    return [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]


def problem_calls() -> list[tuple[str, int, str, set[str]]]:
    """(file, line, message id, keyword names) of every call in monitor/ that makes or reports a problem."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("messages.py", "problems.py"):
            continue  # the catalogue and the factory themselves
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (named := _message_ids_named(node)) is not None:
                if any(k.arg is None for k in node.keywords):
                    continue  # passes on the id and values it was given (FileProblem.problem): checked where given
                keywords = {k.arg for k in node.keywords if k.arg}
                for expr in named:
                    value = expr.value if isinstance(expr, ast.Constant) else None
                    found.append((path.name, node.lineno, value, keywords))
    return found


def test_every_problem_is_made_from_a_message_of_the_catalogue_with_its_values():
    calls = problem_calls()
    assert len(calls) > 40
    for file, line, message_id, keywords in calls:
        if file == "syntax.py" and message_id is None:
            continue  # an explanation chosen from RULES: checked below
        assert isinstance(message_id, str), f"{file}:{line}: name the message id as a literal string"
        assert message_id in MESSAGES, f"{file}:{line}: '{message_id}' is not in monitor/messages.py"
        assert keywords == template_fields(message_id), f"{file}:{line}: values for '{message_id}'"


def test_the_syntax_rules_name_messages_without_values():
    for _, message_id in RULES:
        assert message_id in MESSAGES and template_fields(message_id) == set(), message_id


def test_every_message_of_the_catalogue_is_used():
    used = {message_id for _, _, message_id, _ in problem_calls()} | {message_id for _, message_id in RULES}
    assert set(MESSAGES) - used == set()


def test_a_problem_is_only_made_by_the_factory():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name != "problems.py":
            assert not re.search(r"\bProblem\(", path.read_text(encoding="utf-8")), path.name


def test_near_and_lists_are_worded_by_the_factory():
    made = problem("unknown-topic", ("x.yaml", 3, 4), topic="invest", near="investigation", topics=["a", "b"])
    assert (made.line, made.column, made.code) == (3, 4, "unknown-topic")
    assert made.hint == "did you mean 'investigation'? write one of: a, b"
    assert problem("unknown-topic", ("x.yaml", 3, 4), topic="z", near="", topics=["a"]).hint == "write one of: a"
