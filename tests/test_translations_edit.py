"""`monitor update` and `monitor add` on files with translations: the new entry or demand lands, and every line
of the file, the translations' own included, is kept byte for byte (the property of test_edit_property.py).

Hypothesis writes files in which `translations:` blocks stand in each of their four places, anywhere among their
block's keys and often last, where a new entry or demand goes right after them: nested two levels, indented by 2
or 4, their texts in every quoting style, in block style or on one line in braces.
"""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import monitor
from monitor import store
from monitor.cli import main
from monitor.model import STATUS_NAMES

from .conftest import DATA, TODAY
from .test_edit_property import (
    DAY,
    SETTINGS,
    SLUG,
    URL,
    Page,
    add_case,
    double_quoted,
    num,
    one_in,
    pick,
    sentences,
    update_case,
)

LANGUAGES = ("ru", "kk", "pt-BR", "kk-Latn")
RU = "Освобождение Владимира Козлова, лидера партии «Алга!» — Жанаозен, 2011"


@pytest.fixture(autouse=True)
def no_settle_pause(monkeypatch):
    monkeypatch.setattr(store, "SETTLE_SECONDS", 0)


def texts(draw) -> str:
    """A translation: Russian words, sometimes with the hand-edited file's awkward characters among them."""
    return RU if one_in(draw, 3) else draw(sentences(1, 8)) + " " + RU.split(",")[0]


def translations(page: Page, draw, prefix: str, col: int, fields: tuple[str, ...]) -> None:
    """A `translations:` block after `prefix` (an indent, or '- ' for the first key of an item)."""
    languages = draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=2, unique=True))
    chosen = {code: draw(st.lists(st.sampled_from(fields), min_size=1, max_size=len(fields), unique=True))
              for code in languages}
    if one_in(draw, 6):  # on one line, in braces
        inner = ", ".join(f"{code}: {{{', '.join(f'{name}: {double_quoted(texts(draw), False)}' for name in names)}}}"
                          for code, names in chosen.items())
        page.add(f"{prefix}translations: {{{inner}}}")
        return
    page.add(f"{prefix}translations:")
    code_col = col + pick(draw, [2, 4])
    for code, names in chosen.items():
        page.add(" " * code_col + f"{code}:")
        field_col = code_col + pick(draw, [2, 4])
        for name in names:
            page.value(" " * field_col, name, texts(draw), field_col, multiline=True)


def keys_with_translations(draw, keys: list, fields: tuple[str, ...]) -> list:
    """`keys` with a translations block somewhere after the first (the id), last more often than not."""
    at = len(keys) if one_in(draw, 2) else num(draw, 1, len(keys))
    return keys[:at] + [("translations", fields)] + keys[at:]


def write(page: Page, draw, prefix: str, col: int, key: str, value) -> None:
    if key == "translations":
        translations(page, draw, prefix, col, value)
    elif key == "sources":
        page.url_list(prefix, key, value, col)
    else:
        page.value(prefix, key, value, col, multiline=key in ("title", "demand", "text", "note"))


@st.composite
def registers_with_translations(draw):
    """A valid register with translations (bytes, text, summary as test_edit_property's `files` gives them)."""
    page = Page(draw)
    topics = ["investigation"]
    rid, adopted = "2019", draw(DAY)
    if one_in(draw, 2):
        page.add("language: en")
    page.add("title: Demands on Examplestan")
    if one_in(draw, 2):
        translations(page, draw, "", 0, ("title",))
    page.add("topics: [investigation]")
    page.add("resolutions:")
    keys = [("id", rid), ("title", draw(sentences())), ("adopted", adopted.isoformat())]
    for n, (key, value) in enumerate(keys_with_translations(draw, keys, ("title",))):
        write(page, draw, "  - " if n == 0 else "    ", 4, key, value)
    page.add("demands:")
    dem_ids = [f"d{n}-{s}" for n, s in enumerate(draw(st.lists(SLUG, min_size=1, max_size=3)))]
    for did in dem_ids:
        keys = [("id", did), ("resolution", rid), ("paragraph", "unknown"), ("addressee", draw(sentences(1, 3))),
                ("topic", "investigation"), ("demand", draw(sentences())), ("text", draw(sentences(1, 12)))]
        keys = keys_with_translations(draw, keys, ("demand", "text")) if one_in(draw, 4) or did == dem_ids[-1] \
            else keys
        for n, (key, value) in enumerate(keys + [("history", None)]):
            if key == "history":
                page.add("    history:")
                days = sorted(draw(st.lists(st.dates(min_value=adopted, max_value=TODAY), min_size=1, max_size=3)))
                for day in days:
                    entry = [("date", day.isoformat()), ("status", pick(draw, STATUS_NAMES)),
                             ("note", draw(sentences(1, 8))), ("sources", [draw(URL)])]
                    if one_in(draw, 2) or day == days[-1]:
                        entry = keys_with_translations(draw, entry, ("note",))
                    for m, (ekey, evalue) in enumerate(entry):
                        write(page, draw, "      - " if m == 0 else "        ", 8, ekey, evalue)
            else:
                write(page, draw, "  - " if n == 0 else "    ", 4, key, value)
    lines = [text for text, _breakable in page.lines]
    text = "".join(line + "\n" for line in lines)
    summary = {"topics": topics, "resolutions": {rid: adopted}, "demands": {did: rid for did in dem_ids}}
    return text.encode("utf-8"), text, summary


def translations_of(path) -> list:
    register = monitor.load_register(path, today=TODAY)
    return [register.translations, *(r.translations for r in register.resolutions),
            *(d.translations for d in register.demands),
            *(e.translations for d in register.demands for e in d.history)]


@pytest.mark.parametrize("edit", ["update", "add"])
@SETTINGS
@given(file=registers_with_translations(), data=st.data())
def test_update_and_add_keep_every_translation(tmp_path_factory, edit, file, data):
    """run_edit checks that the new text is the old one plus the new lines only, and reads back as intended."""
    assert {"update": update_case, "add": add_case}[edit](tmp_path_factory, file, data), "the edit was refused"


@pytest.mark.parametrize("command", [
    ["update", "inquiry-2019", "--status", "not-met", "--date", "2021-01-01", "--note", "Still refused.",
     "--source", "https://example.org/x"],
    ["add", "new-2019", "--resolution", "2019", "--addressee", "X", "--topic", "investigation", "--demand", "A thing",
     "--text", "calls for a thing"]], ids=["update", "add"])
def test_the_model_has_the_same_translations_after_an_edit(tmp_path, command):
    """In valid.yaml the last entry and the last demand end with their translations: the new lines follow them."""
    path = tmp_path / "demands.yaml"
    path.write_bytes((DATA / "translations" / "valid.yaml").read_bytes())
    before = translations_of(path)
    assert main(["--file", str(path), "--today", "2026-11-24", *command]) == 0
    after = translations_of(path)
    if command[0] == "update":
        assert after == before + [()]
    else:
        assert after == before[:3] + [()] + before[3:] + [()]
