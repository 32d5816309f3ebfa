"""Editing help that never misleads (issue #13): each case is the shipped demands.yaml with one line changed the
way a person would change it, and the test asserts the line, column and code that `monitor validate` reports."""
from __future__ import annotations

import pytest

import monitor

from .conftest import SHIPPED, TODAY

SHIPPED_LINES = SHIPPED.read_text(encoding="utf-8").split("\n")


def shipped_with(line: int, new: str) -> str:
    """The shipped file with 1-based `line` replaced by `new` (which may hold several lines)."""
    lines = list(SHIPPED_LINES)
    lines[line - 1] = new
    return "\n".join(lines)


def found(text: str) -> list[tuple[int, int, str, str]]:
    _, problems = monitor.validate_text(text, today=TODAY)
    return [(p.line, p.column, p.severity, p.code) for p in problems]


# -- 1. a ' #' in a prose value cuts it ---------------------------------------------------------------------------

def test_shipped_line_137_is_a_plain_note():
    assert SHIPPED_LINES[136] == "        note: Demanded by the European Parliament."


def test_a_hash_in_a_note_is_a_warning_at_the_hash():
    text = shipped_with(137, "        note: See report #3 of HRW.")
    assert found(text) == [(137, 26, "warning", "cut-by-comment")]
    _, problems = monitor.validate_text(text, today=TODAY)
    assert "put the whole value in quotes, e.g. note: \"See report #3 of HRW.\"" in str(problems[0])


@pytest.mark.parametrize("line", [
    "        note: \"See report #3 of HRW.\"",  # quoted: the '#' is text
    "        note: See report#3 of HRW.",  # no space before '#': not a comment
    "        note: Demanded by the European Parliament.   # set apart: meant as a comment",
])
def test_no_warning_for_a_quoted_hash_or_a_comment_set_apart(line):
    assert found(shipped_with(137, line)) == []


def test_a_comment_after_a_date_or_a_status_is_fine():
    date_line = next(i for i, line in enumerate(SHIPPED_LINES, 1) if line.strip().startswith("- date:"))
    assert found(shipped_with(date_line, SHIPPED_LINES[date_line - 1] + " # approximate")) == []


def test_a_hash_at_the_end_of_a_multi_line_plain_note():
    text = shipped_with(137, "        note: Demanded by the\n          European Parliament #3.")
    assert found(text) == [(138, 31, "warning", "cut-by-comment")]


def test_the_shipped_file_has_no_cut_value():
    assert found(SHIPPED.read_text(encoding="utf-8")) == []


# -- 2. suggestions by meaning, never the opposite ------------------------------------------------------------------

@pytest.mark.parametrize(("word", "meant"), [
    ("released", "met"), ("freed", "met"), ("done", "met"), ("achieved", "met"), ("fulfilled", "met"),
    ("refused", "not-met"), ("rejected", "not-met"), ("failed", "not-met"),
    ("ongoing", "in-progress"), ("started", "in-progress"),
    ("partial", "partly-met"), ("partially", "partly-met"),
    ("undone", "reversed"), ("revoked", "reversed"), ("open", "pending"), ("new", "pending"),
    ("in progress", "in-progress"), ("Met", "met"), ("reversd", "reversed"), ("pendng", "pending"),
    ("notmet", "not-met"), ("relesed", "met"),
    ("unreleased", ""), ("not released", ""), ("denied", ""), ("xyz", ""),
])
def test_a_status_word_is_suggested_by_meaning_then_by_spelling(word, meant):
    from monitor.suggest import nearest_status

    assert nearest_status(word) == meant


def test_validate_suggests_met_for_released():
    text = shipped_with(136, "        status: released")
    _, problems = monitor.validate_text(text, today=TODAY)
    assert [(p.line, p.column, p.code) for p in problems] == [(136, 17, "unknown-status")]
    assert "did you mean 'met'?" in problems[0].hint
    assert "'reversed'?" not in problems[0].hint


def test_update_suggests_met_for_released(tmp_path, capsys):
    from monitor.cli import main

    target = tmp_path / "demands.yaml"
    target.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    before = target.read_bytes()
    code = main(["--file", str(target), "--today", "2026-11-24", "update", "kozlov-release-2013",
                 "--status", "released", "--note", "He was released.", "--date", "2026-11-01"])
    err = capsys.readouterr().err
    assert code != 0 and target.read_bytes() == before
    assert "did you mean 'met'?" in err and "'reversed'?" not in err
