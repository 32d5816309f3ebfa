"""The bad-file corpus: each file in tests/data/invalid/ holds one kind of mistake a person makes by hand.

tests/data/invalid/expected.txt holds the exact lines `monitor validate` prints for each file. It was written
by running the validator and reading every line; change it only for an intended change of wording.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import monitor
from monitor.messages import CODES

from .conftest import DATA, TODAY

INVALID = DATA / "invalid"
CASES = sorted(p.name for p in INVALID.glob("*.yaml"))


def expected_lines(name: str) -> list[str]:
    lines = (INVALID / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith(name + ":")]


def test_corpus_has_at_least_twenty_kinds_of_mistake():
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", CASES)
def test_each_bad_file_gives_exactly_the_expected_problems(name):
    _, problems = monitor.validate_file(INVALID / name, today=TODAY, shown_as=name)
    assert [str(p) for p in problems] == expected_lines(name)


@pytest.mark.parametrize("name", CASES)
def test_problems_point_inside_the_file_in_file_order(name):
    text = (INVALID / name).read_bytes()
    _, problems = monitor.validate_file(INVALID / name, today=TODAY)
    assert problems
    positions = [(p.line, p.column) for p in problems]
    assert positions == sorted(positions)
    for p in problems:
        assert 1 <= p.line <= text.count(b"\n") + 1
        assert p.column >= 1
        assert p.code in CODES
        assert p.hint, "every problem says what to write instead"


def test_a_misspelt_key_is_reported_once_where_it_stands():
    _, problems = monitor.validate_file(INVALID / "unknown-key.yaml", today=TODAY)
    assert [(p.line, p.column, p.code) for p in problems] == [(33, 5, "unknown-key")]


def test_a_missing_source_is_a_warning_and_the_model_is_built():
    register, problems = monitor.validate_file(INVALID / "missing-source.yaml", today=TODAY)
    assert register is not None
    assert [(p.severity, p.code) for p in problems] == [("warning", "missing-source")]


def test_valid_fixture_builds_the_model(small_file):
    register, problems = monitor.validate_file(small_file, today=TODAY)
    assert problems == []
    demand = register.demand("inquiry-2021")
    assert demand.status is monitor.Status.PARTLY_MET
    assert demand.repeats == ("inquiry-2019",)
    assert demand.history[0].date == dt.date(2021, 5, 20)
    assert register.demand("doe-release-2019").paragraph_checked is False
    assert register.demand("doe-release-2019").text == "calls for the immediate release of Jane Doe"
    assert register.demand("inquiry-2019").text == ("calls for an independent and credible international "
                                                    "investigation into the events")
    assert register.topics == ("political prisoners", "investigation", "assemblies")


def test_future_depends_on_today(small_file):
    _, problems = monitor.validate_file(small_file, today=dt.date(2021, 6, 1))
    assert {p.code for p in problems} == {"future-date"}


def test_load_register_raises_the_projects_error_with_lines():
    with pytest.raises(monitor.DataError) as info:
        monitor.load_register(INVALID / "month-13.yaml", today=TODAY)
    assert [(p.line, p.code) for p in info.value.problems] == [(25, "bad-date")]


def test_validate_text_checks_text_as_the_named_file(small_file):
    text = Path(small_file).read_text(encoding="utf-8").replace("status: met", "status: done", 1)
    register, problems = monitor.validate_text(text, "my.yaml", today=TODAY)
    assert register is None
    assert str(problems[0]).startswith("my.yaml:")
    assert problems[0].code == "unknown-status"


def test_a_crlf_file_with_bom_reads_like_the_plain_one(tmp_path, small_file):
    plain, _ = monitor.validate_file(small_file, today=TODAY)
    crlf = tmp_path / "crlf.yaml"
    crlf.write_bytes(b"\xef\xbb\xbf" + Path(small_file).read_bytes().replace(b"\n", b"\r\n"))
    again, problems = monitor.validate_file(crlf, today=TODAY)
    assert problems == []
    assert again == plain


def test_positions_in_a_crlf_file_count_lines_like_an_editor(tmp_path):
    source = (INVALID / "unknown-status.yaml").read_bytes().replace(b"\n", b"\r\n")
    target = tmp_path / "x.yaml"
    target.write_bytes(source)
    _, problems = monitor.validate_file(target, today=TODAY)
    assert [(p.line, p.column, p.code) for p in problems] == [(26, 17, "unknown-status")]


def test_a_compacted_model_is_the_same_model(small_file, monkeypatch):
    """validate_file(compact=True) rebuilds large models in fresh memory; the result must not change."""
    from monitor import memory

    monkeypatch.setattr(memory, "COMPACT_FROM", 1)
    plain = monitor.validate_file(INVALID / "missing-source.yaml", today=TODAY)
    compacted = monitor.validate_file(INVALID / "missing-source.yaml", today=TODAY, compact=True)
    assert compacted == plain and compacted[0] is not plain[0]
    compact = monitor.validate_file(small_file, today=TODAY, compact=True)
    assert compact == monitor.validate_file(small_file, today=TODAY)


def test_every_field_of_a_demand_reaches_the_model():
    """A field with no attribute in model.Demand is carried in `Demand.more`, which holds single values only."""
    import dataclasses

    from monitor import fields
    from monitor.model import Demand

    attributes = {f.name for f in dataclasses.fields(Demand)}
    for field in fields.DEMAND:
        assert field.name in attributes or field.kind in ("text", "url", "date"), field.name


def test_an_optional_field_without_an_attribute_is_kept_in_more(small_file, monkeypatch):
    from monitor import fields, validate

    extra = fields.Field("deadline", False, "date", "A made-up optional field.")
    monkeypatch.setattr(validate, "_SINGLE_VALUES", validate._SINGLE_VALUES + (extra,))
    monkeypatch.setattr(validate, "DEMAND_KEYS", {**validate.DEMAND_KEYS, "deadline": False})
    text = Path(small_file).read_text(encoding="utf-8").replace(
        "  - id: inquiry-2021\n", "  - id: inquiry-2021\n    deadline: 2021-12-31\n", 1)
    register, problems = monitor.validate_text(text, today=TODAY)
    assert problems == []
    assert register.demand("inquiry-2021").value("deadline") == "2021-12-31"
    assert register.demand("inquiry-2019").value("deadline") == ""
