"""The write path of `monitor import`: values of demands set or removed (--write), a drafted block appended (--new).

The property tests draw hand-edited register files with test_edit_property's generator (comments everywhere,
every quoting style, CRLF, BOM, ...) and check that set_demand_values either does exactly what was asked (the
old tree with those values set and `quoted_from` gone; every line before and after the demand kept byte for
byte; the file still valid) or writes nothing.
"""
from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import monitor
from monitor import store
from monitor.chars import first_refused
from monitor.edit import EditConflict
from monitor.load import parse_text
from monitor.rewrite import append_drafts, preview_drafts, set_demand_values

from .conftest import DATA, SHIPPED, TODAY
from .helpers import only_added_lines
from .test_edit_property import SETTINGS, files, plain, sentences

SMALL = DATA / "valid" / "small.yaml"


@pytest.fixture(autouse=True)
def no_settle_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "SETTLE_SECONDS", 0)


PARAGRAPHS = st.sampled_from(["1", "7", "12(b)", "unknown", "3a"])
TEXTS = sentences(1, 40).filter(lambda t: first_refused(t) is None)


def _demand_lines(text: str, demand_id: str) -> tuple[int, int]:
    """The 0-based range of lines from the demand's first line to the next demand's (or the end)."""
    tree = parse_text(text).tree
    demands = tree["demands"]
    index = next(n for n, d in enumerate(demands) if d["id"] == demand_id)
    first = demands.item_pos[index][0] - 1
    last = demands.item_pos[index + 1][0] - 1 if index + 1 < len(demands) else len(text.splitlines())
    return first, last


def values_case(tmp_path_factory: pytest.TempPathFactory, file: tuple, data: st.DataObject, *, must_land: bool) -> bool:
    raw, text, summary = file
    demand_id = data.draw(st.sampled_from(sorted(summary["demands"])))
    tree = parse_text(text).tree
    old = plain(tree) if isinstance(tree, dict) else {"demands": [{"id": demand_id}]}  # unreadable: refused
    demand = next(d for d in old["demands"] if d["id"] == demand_id)
    values = {"paragraph": data.draw(PARAGRAPHS), "text": data.draw(TEXTS)}
    if "quoted_from" in demand:
        values["quoted_from"] = None
    folder = tmp_path_factory.mktemp("values")
    path = folder / "demands.yaml"
    path.write_bytes(raw)
    try:
        set_demand_values(path, {demand_id: values}, today=TODAY)
    except (monitor.DataError, EditConflict) as exc:
        assert path.read_bytes() == raw, "refused, but the file was changed"
        assert not must_land, f"a valid file's demand could not be changed: {exc}"
        return False
    assert isinstance(tree, dict), "an unreadable file was changed"
    new_data = path.read_bytes()
    assert new_data.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
    new_text = new_data.decode("utf-8-sig")
    for key, value in values.items():
        if value is None:
            demand.pop(key)
        else:
            demand[key] = value
    assert plain(parse_text(new_text).tree) == old
    # every line before the demand and after it is kept with its own ending
    first, last = _demand_lines(text, demand_id)
    old_lines, new_lines = text.splitlines(keepends=True), new_text.splitlines(keepends=True)
    assert new_lines[:first] == old_lines[:first]
    tail = len(old_lines) - last
    assert tail == 0 or new_lines[-tail:] == old_lines[-tail:] or not text.endswith("\n")
    assert monitor.validate_file(path, today=TODAY)[0] is not None
    return True


@SETTINGS
@given(file=files(foreign=True), data=st.data())
def test_set_values_changes_exactly_those_values_or_nothing(tmp_path_factory: pytest.TempPathFactory, file: tuple,
                                                            data: st.DataObject) -> None:
    values_case(tmp_path_factory, file, data, must_land=False)


@SETTINGS
@given(file=files(foreign=False), data=st.data())
def test_set_values_on_a_valid_file_succeeds(tmp_path_factory: pytest.TempPathFactory, file: tuple,
                                             data: st.DataObject) -> None:
    values_case(tmp_path_factory, file, data, must_land=True)


def test_set_values_on_the_shipped_file_changes_only_those_lines(tmp_path: Path) -> None:
    path = tmp_path / "demands.yaml"
    shutil.copyfile(SHIPPED, path)
    before = path.read_text(encoding="utf-8")
    words = ("Calls on the EEAS to follow closely and monitor the trial of those accused of organising the "
             "demonstrations and report back to the European Parliament")
    set_demand_values(path, {"trial-monitoring-eeas-2012": {"paragraph": "4", "text": words, "quoted_from": None}},
                      today=TODAY)
    after = path.read_text(encoding="utf-8")
    a, b = before.splitlines(), after.splitlines()
    removed, added = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    assert removed == ['    paragraph: "unknown"',
                       '      They call on the EEAS to undertake close monitoring of the trial of those accused of '
                       'organising the',
                       "      demonstrations, and to report back to Parliament.",
                       "    quoted_from: https://oeil.secure.europarl.europa.eu/oeil/popups/summary.do?id=1198048&t=e&l=en"]
    assert added == ['    paragraph: "4"',
                     "      Calls on the EEAS to follow closely and monitor the trial of those accused of organising "
                     "the demonstrations",
                     "      and report back to the European Parliament"]
    register = monitor.load_register(path, today=TODAY)
    changed = register.demand("trial-monitoring-eeas-2012")
    assert (changed.paragraph, changed.text, changed.quoted_from) == ("4", words, "")
    assert changed.history == monitor.load_register(SHIPPED, today=TODAY).demand("trial-monitoring-eeas-2012").history


def test_a_key_sharing_its_line_is_refused_and_nothing_written(tmp_path: Path) -> None:
    path = tmp_path / "demands.yaml"
    text = ("resolutions:\n- id: r\n  title: t\n  adopted: 2020-01-01\ndemands:\n"
            "- {id: d, resolution: r, paragraph: unknown, addressee: a, topic: t, demand: d, text: t, "
            "quoted_from: 'https://example.org/x', history: [{date: 2020-01-01, status: pending, note: n}]}\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(monitor.DataError) as info:
        set_demand_values(path, {"d": {"paragraph": "2", "quoted_from": None}}, today=TODAY)
    assert [p.code for p in info.value.problems] == ["unsafe-edit"]
    assert path.read_text(encoding="utf-8") == text
    set_demand_values(path, {"d": {"paragraph": "2", "text": "new words, with a comma"}}, today=TODAY)
    tree = plain(parse_text(path.read_text(encoding="utf-8")).tree)
    assert (tree["demands"][0]["paragraph"], tree["demands"][0]["text"]) == ("2", "new words, with a comma")


DRAFT = {"id": "2022", "title": "A drafted title", "adopted": "2022-02-02", "reference": "P9_TA(2022)0099"}
ITEM = {"id": "drafted-2022", "resolution": "2022", "paragraph": "3", "addressee": "Council", "topic": "investigation",
        "demand": "Do what is asked", "text": "calls on the Council to do what is asked " * 6,
        "history": [{"date": "2022-02-02", "status": "pending", "note": "Demanded by the European Parliament."}]}


def test_append_drafts_adds_only_the_block_with_its_comments(tmp_path: Path) -> None:
    path = tmp_path / "demands.yaml"
    shutil.copyfile(DATA / "valid" / "small.yaml", path)
    before = path.read_text(encoding="utf-8")
    item = {**ITEM, "text": ITEM["text"].strip()}
    notes = [["DRAFTED from a test"], ["Topic: a guess"]]
    assert preview_drafts(path, {**DRAFT, "id": "2030"}, [{**item, "resolution": "2030"}], notes,
                          today=TODAY).count("DRAFTED") == 1
    assert path.read_text(encoding="utf-8") == before  # a preview writes nothing
    append_drafts(path, DRAFT, [item], notes, today=TODAY)
    after = path.read_text(encoding="utf-8")
    added = only_added_lines(before, after)
    assert "  # DRAFTED from a test\n" in added and "  # Topic: a guess\n" in added
    assert '  - id: "2022"\n' in added and '    paragraph: "3"\n' in added
    tree = plain(parse_text(after).tree)
    assert tree["resolutions"][-1] == DRAFT and tree["demands"][-1] == item
    assert max(len(line) for line in added) <= 120


def test_append_drafts_refuses_an_id_in_use(tmp_path: Path) -> None:
    path = tmp_path / "demands.yaml"
    shutil.copyfile(DATA / "valid" / "small.yaml", path)
    before = path.read_bytes()
    with pytest.raises(monitor.DataError) as info:
        append_drafts(path, {**DRAFT, "id": "2019"}, [{**ITEM, "id": "inquiry-2019"}], [[], []], today=TODAY)
    assert [(p.code, p.line) for p in info.value.problems] == [("duplicate-id", 8), ("duplicate-id", 21)]
    assert path.read_bytes() == before


def test_removing_a_key_after_a_kept_block_keeps_that_blocks_value(tmp_path: Path) -> None:
    """Found by the property test: the blank line after `quoted_from` would have joined the `>+` block above."""
    path = tmp_path / "demands.yaml"
    text = ("resolutions:\n- id: r\n  title: t\n  adopted: 2020-01-01\ndemands:\n- id: d\n  resolution: r\n"
            "  paragraph: unknown\n  addressee: a\n  topic: t\n  demand: d\n  text: t\n  person: >+\n   P\n"
            "  quoted_from: https://example.org/x\n\n#c\n  history:\n"
            "  - {date: 2020-01-01, status: pending, note: n}\n")
    path.write_text(text, encoding="utf-8")
    set_demand_values(path, {"d": {"paragraph": "1", "quoted_from": None}}, today=TODAY)
    demand = plain(parse_text(path.read_text(encoding="utf-8")).tree)["demands"][0]
    assert (demand["person"], demand["paragraph"], "quoted_from" in demand) == ("P\n", "1", False)


def test_a_block_whose_last_line_is_spaces_beyond_its_indent_is_replaced_whole(tmp_path: Path) -> None:
    """Found by test_set_values_on_a_valid_file_succeeds on a fresh clone: a `|` text whose last line holds only
    spaces, more than the block's indentation (part of the value), was replaced without that line."""
    text = (SMALL.read_text(encoding="utf-8")
            .replace("    text: calls for the release of Richard Roe\n",
                     "    text: |\n      calls for the release\n              \n"))
    path = tmp_path / "demands.yaml"
    path.write_text(text, encoding="utf-8")
    assert monitor.load_register(path, today=TODAY).demand("roe-release-2021").text.startswith("calls for")
    set_demand_values(path, {"roe-release-2021": {"paragraph": "6", "text": "calls for the release of Roe"}},
                      today=TODAY)
    demand = monitor.load_register(path, today=TODAY).demand("roe-release-2021")
    assert (demand.paragraph, demand.text) == ("6", "calls for the release of Roe")
    assert "              \n" not in path.read_text(encoding="utf-8")


def test_a_comment_below_a_removed_key_does_not_join_the_block_above(tmp_path: Path) -> None:
    """Found by test_set_values_on_a_valid_file_succeeds: removing `quoted_from` put a deeper-indented comment line
    right under a `|` block, whose text it would have become; the edit was refused. The comment now moves to the
    key's indentation: kept, still a comment, the block's value unchanged."""
    path = tmp_path / "demands.yaml"
    text = ("resolutions:\n- id: r\n  title: t\n  adopted: 2020-01-01\ndemands:\n- id: d\n  resolution: r\n"
            "  paragraph: unknown\n  addressee: a\n  topic: t\n  demand: d\n  text: t\n  person: |\n   P\n"
            "  quoted_from: https://example.org/x\n        # about the source\n  history:\n"
            "  - {date: 2020-01-01, status: pending, note: n}\n")
    path.write_text(text, encoding="utf-8")
    set_demand_values(path, {"d": {"paragraph": "1", "quoted_from": None}}, today=TODAY)
    written = path.read_text(encoding="utf-8")
    demand = plain(parse_text(written).tree)["demands"][0]
    assert (demand["person"], demand["paragraph"], "quoted_from" in demand) == ("P\n", "1", False)
    assert "  person: |\n   P\n  # about the source\n  history:\n" in written


def test_a_blank_line_with_spaces_after_a_replaced_block_does_not_join_the_new_one(tmp_path: Path) -> None:
    """Found by test_set_values_on_a_valid_file_succeeds: a `|` text indented 7 was followed by a line of 7 spaces
    (blank: not part of it); the new `>-` value, indented 6, would have taken one of those spaces as its text. The
    blank line stays, without its spaces."""
    text = (SMALL.read_text(encoding="utf-8")
            .replace("    text: calls for the release of Richard Roe\n",
                     "    text: |\n       calls for the release\n       \n"))
    path = tmp_path / "demands.yaml"
    path.write_text(text, encoding="utf-8")
    set_demand_values(path, {"roe-release-2021": {"text": "calls for the release of Roe"}}, today=TODAY)
    assert monitor.load_register(path, today=TODAY).demand("roe-release-2021").text == "calls for the release of Roe"
    assert "    text: >-\n      calls for the release of Roe\n\n" in path.read_text(encoding="utf-8")


def test_a_blank_line_with_spaces_below_a_removed_key_does_not_join_the_block_above(tmp_path: Path) -> None:
    """Found by test_set_values_on_a_valid_file_succeeds: after `quoted_from` went, a line of 12 spaces below it
    would have added 4 spaces to the `|` block above (indented 8)."""
    path = tmp_path / "demands.yaml"
    text = ("resolutions:\n- id: r\n  title: t\n  adopted: 2020-01-01\ndemands:\n- id: d\n  resolution: r\n"
            "  paragraph: unknown\n  addressee: a\n  topic: t\n  demand: d\n  text: t\n  person: |\n      P\n"
            "  quoted_from: https://example.org/x\n            \n  history:\n"
            "  - {date: 2020-01-01, status: pending, note: n}\n")
    path.write_text(text, encoding="utf-8")
    set_demand_values(path, {"d": {"quoted_from": None}}, today=TODAY)
    written = path.read_text(encoding="utf-8")
    assert plain(parse_text(written).tree)["demands"][0]["person"] == "P\n"
    assert "  person: |\n      P\n\n  history:\n" in written
