"""The catalogue of problems: its wording is pinned by one golden file, and the code uses exactly its messages.

tests/golden/messages.txt shows every message filled with its example values. After an intended change of
wording, regenerate it with `UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_messages.py`, read the diff,
and commit it with the change.
"""
from __future__ import annotations

import ast
import difflib
import os
import re
import string
from pathlib import Path

import pytest

from monitor.messages import CODES, MESSAGES, code_of
from monitor.problems import problem
from monitor.syntax import RULES

from .conftest import ROOT

GOLDEN = Path(__file__).resolve().parent / "golden" / "messages.txt"
PACKAGE = ROOT / "monitor"


def rendered_catalogue() -> str:
    """Every message id with the problem its example values make, in the catalogue's order."""
    lines = []
    for message_id, message in MESSAGES.items():
        made = problem(message_id, ("demands.yaml", 1, 1), **message.example)
        lines.append(f"{message_id}\n    {made.severity}: {made.message} — {made.hint}\n")
    return "".join(lines)


def test_the_wording_of_every_message_is_the_golden_one():
    text = rendered_catalogue()
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            "golden/messages.txt", "catalogue", n=1))
        pytest.fail(f"the messages differ from tests/golden/messages.txt (UPDATE_GOLDEN=1 to accept):\n{diff}")


def template_fields(message_id: str) -> set[str]:
    message = MESSAGES[message_id]
    texts = [message.text] + ([message.hint] if message.hint else [])
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


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
