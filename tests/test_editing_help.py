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

def test_shipped_line_166_is_a_plain_note():
    assert SHIPPED_LINES[165] == "        note: Demanded by the European Parliament."


def test_a_hash_in_a_note_is_a_warning_at_the_hash():
    text = shipped_with(166, "        note: See report #3 of HRW.")
    assert found(text) == [(166, 26, "warning", "cut-by-comment")]
    _, problems = monitor.validate_text(text, today=TODAY)
    assert "put the whole value in quotes, e.g. note: \"See report #3 of HRW.\"" in str(problems[0])


@pytest.mark.parametrize("line", [
    "        note: \"See report #3 of HRW.\"",  # quoted: the '#' is text
    "        note: See report#3 of HRW.",  # no space before '#': not a comment
])
def test_no_warning_for_a_quoted_hash(line):
    assert found(shipped_with(166, line)) == []


def test_a_comment_set_apart_after_prose_is_a_warning_too():
    """Aligned or not, text after ' #' is not part of the note: a remark about a prose value goes above it."""
    line = "        note: Demanded by the European Parliament.   # set apart"
    assert found(shipped_with(166, line)) == [(166, line.index("#") + 1, "warning", "cut-by-comment")]


def test_a_comment_after_a_date_or_a_status_is_fine():
    date_line = next(i for i, line in enumerate(SHIPPED_LINES, 1) if line.strip().startswith("- date:"))
    assert found(shipped_with(date_line, SHIPPED_LINES[date_line - 1] + " # approximate")) == []


def test_a_hash_at_the_end_of_a_multi_line_plain_note():
    text = shipped_with(166, "        note: Demanded by the\n          European Parliament #3.")
    assert found(text) == [(167, 31, "warning", "cut-by-comment")]


def test_the_hash_column_counts_characters_and_crlf_files_too():
    text = shipped_with(166, "        note: Демандед € 😀 by #3 the EP.").replace("\n", "\r\n")
    assert found(text) == [(166, 31, "warning", "cut-by-comment")]


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
    text = shipped_with(165, "        status: released")
    _, problems = monitor.validate_text(text, today=TODAY)
    assert [(p.line, p.column, p.code) for p in problems] == [(165, 17, "unknown-status")]
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


# -- 3. syntax errors at the line to change, with its cause ---------------------------------------------------------

def test_the_shipped_lines_the_slips_are_made_on():
    assert SHIPPED_LINES[438] == "        note: Demanded by the European Parliament."  # the last line of a demand
    assert SHIPPED_LINES[467:471] == ["    history:", "      - date: 2013-04-18", "        status: pending",
                                      "        note: Demanded by the European Parliament."]


SLIPS = [  # (line, what the person wrote, expected line, column, message id)
    (383, "        note Demanded by the European Parliament.", 383, 13, "syntax.missing-colon.key"),
    (471, "        note Demanded by the European Parliament.", 471, 13, "syntax.missing-colon.key"),
    (470, "        status met", 470, 15, "syntax.missing-colon.key"),
    (469, "      - date 2013-04-18", 469, 13, "syntax.missing-colon.key"),
    (409, "    history", 409, 12, "syntax.missing-colon.key"),
    (408, "    resolution \"2013\"", 408, 15, "syntax.missing-colon.key"),
    (470, "        status:met", 470, 16, "syntax.no-space-after-colon"),
    (407, "    quoted_from:https://bureau.kz/en/other_sources/article_5777/", 407, 17,
     "syntax.no-space-after-colon"),
    (469, "      -date: 2013-04-18", 469, 7, "syntax.no-space-after-dash"),
    (470, "         status: pending", 470, 10, "syntax.misplaced"),
    (470, "       status: pending", 470, 8, "syntax.misplaced"),
    (471, "         note: Demanded by the European Parliament.", 471, 10, "syntax.misplaced"),
    (409, "     history:", 409, 6, "syntax.misplaced"),
    (383, "        note: \"Demanded by the European Parliament.", 383, 15, "syntax.unclosed-quote"),
    (471, "        note: 'Demanded by the European Parliament.", 471, 15, "syntax.unclosed-quote"),
    (408, "    resolution: \"2013", 408, 17, "syntax.unclosed-quote"),
    (471, "        note: \"Demanded by the \\q European Parliament.\"", 471, 32, "syntax.unknown-escape"),
]


@pytest.mark.parametrize(("line", "written", "at_line", "at_column", "message_id"), SLIPS)
def test_a_slip_is_reported_where_it_was_made_with_its_cause(line, written, at_line, at_column, message_id):
    from monitor.messages import MESSAGES

    _, problems = monitor.validate_text(shipped_with(line, written), today=TODAY)
    assert [(p.line, p.column, p.code) for p in problems] == [(at_line, at_column, message_id.partition(".")[0])]
    template = MESSAGES[message_id].text
    assert problems[0].message.startswith(template.split("{")[0])


def test_an_unknown_escape_names_the_escape_and_not_the_indentation_hint():
    _, problems = monitor.validate_text(shipped_with(471, SLIPS[-1][1]), today=TODAY)
    assert "'\\q' is not an escape" in problems[0].message
    assert "line the key up" not in problems[0].hint


def test_a_list_of_plain_words_is_not_taken_for_keys_without_colon():
    from monitor.slips import find_slip

    lines = ["topics:", "  - political prisoners", "  - investigation", "resolutions:", "  - https://x.org/a"]
    assert find_slip("demands.yaml", lines, 5) is None


def _mutations(line: str) -> dict[str, str]:
    """The slips a person makes on a `key: value` line: no colon, no space after it, a space more or less, an
    opening quote never closed."""
    import re

    found = re.match(r"(\s*(?:- )?)([a-z_]+):( .*)?$", line)
    if not found:
        return {}
    lead, key, value = found.group(1), found.group(2), found.group(3) or ""
    made = {"no colon": lead + key + value, "a space more": " " + line}
    if line.startswith("   "):
        made["a space less"] = line[1:]
    if value[1:2] not in ("", '"', "'", ">", "|"):
        made["no space after colon"] = lead + key + ":" + value[1:]
        made["unclosed quote"] = lead + key + ': "' + value[1:]
    return made


def _block_scalar_lines() -> set[int]:
    """The lines inside `>-` or `|` blocks: words of a note or text, not keys, whatever they look like."""
    import yaml

    inside = set()
    for token in yaml.scan("\n".join(SHIPPED_LINES)):
        if isinstance(token, yaml.ScalarToken) and token.style in (">", "|"):
            inside.update(range(token.start_mark.line + 2, token.end_mark.line + 1))
    return inside


def test_slip_corpus_every_slip_on_every_ninth_line_is_reported_on_its_line():
    from monitor.load import parse_text

    wrong, total = [], 0
    shipped_tree, in_blocks = parse_text("\n".join(SHIPPED_LINES)).tree, _block_scalar_lines()
    for number, line in enumerate(SHIPPED_LINES, 1):
        if number % 9 or line.lstrip().startswith("#") or number in in_blocks:
            continue
        for slip, written in _mutations(line).items():
            if parse_text(shipped_with(number, written)).tree == shipped_tree:
                continue  # read as before: the only key of its block (`ru:` under `translations:`) may sit deeper
            _, problems = monitor.validate_text(shipped_with(number, written), today=TODAY)
            errors = [p for p in problems if p.is_error]
            total += 1
            if not errors or errors[0].line != number:
                wrong.append((number, slip, str(errors[0]) if errors else "no error"))
    assert total > 300
    assert wrong == []


# -- 4. update warns as validate does, and refuses an entry already there -------------------------------------------

README_EXAMPLE = ["update", "kozlov-release-2013", "--status", "met", "--date", "2016-08-19",
                  "--note", "Released on parole (date approximate); his conviction stands.",
                  "--source", "https://en.odfoundation.eu/a/7835,satrap-nazarbayev-frees-his-political-opponent-"
                  "vladimir-kozlov-released-from-prison/"]


@pytest.fixture
def shipped_copy(tmp_path):
    target = tmp_path / "demands.yaml"
    target.write_bytes(SHIPPED.read_bytes())
    return target


def update(target, argv, capsys):
    from monitor.cli import main

    code = main(["--file", str(target), "--today", "2026-11-24", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_update_without_a_source_prints_the_warning_validate_gives(shipped_copy, capsys):
    code, out, err = update(shipped_copy, ["update", "kozlov-release-2013", "--status", "reversed",
                                           "--note", "The conviction was confirmed again."], capsys)
    assert code == 0 and out.startswith("added to kozlov-release-2013: 2026-11-24 reversed")
    _, problems = monitor.validate_file(shipped_copy, today=TODAY)
    assert [str(p) for p in problems] and err.splitlines() == [str(p) for p in problems]
    assert "warning: status 'reversed' cites no source" in err


def test_the_readme_example_warns_of_the_entry_of_that_day_and_refuses_a_second_run(shipped_copy, capsys):
    code, _, err = update(shipped_copy, README_EXAMPLE, capsys)
    assert code == 0
    assert ":507:9: warning: demand 'kozlov-release-2013' already had an entry of 2016-08-19 with status 'met'" in err
    after_first = shipped_copy.read_bytes()
    code, _, err = update(shipped_copy, README_EXAMPLE, capsys)
    assert code == 1 and shipped_copy.read_bytes() == after_first
    assert "already has this entry (2016-08-19, met, the same note) on line 515" in err
    assert "nothing was written" in err


def test_an_entry_identical_to_one_there_is_refused_with_its_line(shipped_copy):
    from monitor.edit import add_entry

    before = shipped_copy.read_bytes()
    with pytest.raises(monitor.DataError) as info:
        add_entry(shipped_copy, "political-prisoners-release-2013", status="pending",
                  date=__import__("datetime").date(2013, 4, 18), note=" Demanded by the  European Parliament.",
                  sources=[], today=TODAY)
    assert [(p.line, p.code) for p in info.value.problems] == [(469, "duplicate-entry")]
    assert shipped_copy.read_bytes() == before


# -- 5. the global options after the command too --------------------------------------------------------------------

def test_file_and_today_are_accepted_after_the_command(shipped_copy, tmp_path, capsys):
    from monitor.cli import main

    cut = tmp_path / "cut.yaml"
    cut.write_text(shipped_with(166, "        note: See report #3 of HRW."), encoding="utf-8")
    assert main(["validate", "--file", str(cut), "--today", "2026-11-24"]) == 0
    assert ":166:26: warning:" in capsys.readouterr().out
    assert main(["--file", str(tmp_path / "missing.yaml"), "validate", "--file", str(cut)]) == 0  # after wins
    capsys.readouterr()
    assert main(["status", "--file", str(shipped_copy), "--today", "2026-11-24"]) == 0
    assert capsys.readouterr().out.startswith("Status on 2026-11-24:")
    assert main(["--file", str(shipped_copy), "--today", "2026-11-24", "status"]) == 0  # before still works
    assert capsys.readouterr().out.startswith("Status on 2026-11-24:")
