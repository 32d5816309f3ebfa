"""The loader: safety rules (tags, aliases, size) and positions, on real files and generated input."""
from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import monitor
from monitor.load import Loaded, parse_bytes, parse_text, read_file
from monitor.validate import validate_loaded

from .conftest import DATA, TODAY

BILLION_LAUGHS = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(8)]
) + "\n"


def test_billion_laughs_is_refused_with_bounded_memory():
    tracemalloc.start()
    try:
        register, problems = monitor.validate_text(BILLION_LAUGHS, today=TODAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert register is None
    assert problems[0].code == "alias-not-allowed"
    assert (problems[0].line, problems[0].column) == (1, 4)  # the anchor that the aliases repeat
    assert peak < 5 * 1024 * 1024


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    tracemalloc.start()
    try:
        loaded = read_file(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(p.line, p.column, p.code) for p in loaded.problems] == [(1, 1, "file-too-large")]
    assert peak < 1024 * 1024


def test_a_missing_file_is_a_problem_not_an_exception(tmp_path):
    loaded = read_file(tmp_path / "nope.yaml")
    assert [p.code for p in loaded.problems] == ["file-missing"]


@pytest.mark.parametrize("text, code", [
    ("a: !custom {b: 1}\n", "tag-not-allowed"),
    ("a: !!python/object:collections.OrderedDict {}\n", "tag-not-allowed"),
    ("a: &x 1\nb: *x\n", "alias-not-allowed"),
    ("a: 1\na: 2\n", "duplicate-key"),
    ("a:\n\tb: 1\n", "tab-indent"),
    ("a: [1, 2\n", "syntax"),
])
def test_unsafe_or_broken_yaml_becomes_one_problem(text, code):
    loaded = parse_text(text)
    assert code in [p.code for p in loaded.problems]
    assert all(p.line >= 1 for p in loaded.problems)


def test_scalars_stay_text_so_dates_and_numbers_are_checked_where_they_stand():
    tree = parse_text('a: 2022-13-01\nb: 2013\nc: yes\nd:\ne: "x"\n').tree
    assert tree == {"a": "2022-13-01", "b": "2013", "c": "yes", "d": None, "e": "x"}
    assert tree.value_pos["a"] == (1, 4)


def _check_never_raises(loaded: Loaded):
    lines = loaded.text.count("\n") + 2 if loaded.text else 10 ** 9
    register, problems = validate_loaded(loaded, today=TODAY)
    for p in problems:
        assert isinstance(p, monitor.Problem)
        assert p.line >= 1 and p.column >= 1
        assert p.line <= lines
    # the model comes exactly when nothing is wrong; no model comes with at least one error saying why
    if register is None:
        assert any(p.is_error for p in problems), f"no model and no error to say why: {problems!r}"
    else:
        assert problems.errors == 0 and not any(p.is_error for p in problems), problems


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_gives_a_model_or_problems(text):
    _check_never_raises(parse_text(text))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_model_or_problems(data):
    _check_never_raises(parse_bytes(data))


VALID = (DATA / "valid" / "small.yaml").read_text(encoding="utf-8")
NASTY = [":", "-", " ", "\t", "\n", '"', "'", "&a", "*a", "!!", "#", "[", "]", "{", "}", "|", ">", "\x00", "2022-13-01",
         "é", "?"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(VALID)), st.integers(0, 5), st.sampled_from(NASTY)), min_size=1,
                max_size=4))
def test_mutated_valid_files_give_a_model_or_problems_with_lines(edits):
    text = VALID
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut:]
    _check_never_raises(parse_text(text, "mutated.yaml"))
