"""No interface word escapes the catalogue: every page of the report and both parts of the digest, written in a
pseudo-language that wraps every catalogue string in ⟦ ⟧, hold no word outside ⟦ ⟧ but the data's own.

The pseudo-language is installed the way a third language is (README, "Adding a language"): its compiled
catalogue in a locale folder, under its code `qps`. The workbook and `monitor status` have the same check in
test_render_excel_i18n.py and test_status_i18n.py."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from babel import Locale
from lxml import html as lxml_html

from monitor import i18n
from monitor.commands import load_valid
from monitor.digest import preview_digest
from monitor.i18n import use
from monitor.report import render_reports
from monitor.settings import load_settings
from monitor.view import View
from tests.i18n_pseudo import CODE, data_strings, has_words, pseudo_mo, untranslated

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "demands.yaml"
TODAY = dt.date(2026, 11, 24)
VISIBLE_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "aria-description", "data-label")
# words of dates that CLDR writes (month names), not the catalogue
MONTHS = sorted({name for width in ("wide", "abbreviated") for context in ("format", "stand-alone")
                 for name in Locale.parse("en").months[context][width].values()}, key=len, reverse=True)
# and the names of languages (the mark of an untranslated text names the language it is in)
LANGUAGE_NAMES = [Locale.parse("en").languages["en"]]


@pytest.fixture()
def pseudo_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """`qps` installed as a language: its .mo in a copy of the locale folder that monitor reads."""
    locale_dir = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale_dir)
    folder = locale_dir / CODE / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "monitor.mo").write_bytes(pseudo_mo())
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale_dir)
    i18n.language.cache_clear()
    yield CODE
    i18n.language.cache_clear()


def data_texts(register: object) -> list[str]:
    """Every text of the data (i18n_pseudo.data_strings) but single characters, longest first: a long one is taken
    out before a short one inside it."""
    return sorted({t.strip() for t in data_strings(register) if len(t.strip()) > 1}, key=len, reverse=True)


def leftover(text: str, data: list[str]) -> str:
    """What of `text` is neither wrapped, nor data, nor a month's or language's name, nor a language mark like [EN]:
    interface words that escaped. Compared without case (a plain-text heading is the data in capitals)."""
    rest = untranslated(" ".join(text.split())).casefold()
    for value in [*data, *MONTHS, *LANGUAGE_NAMES]:  # whole words only: the code "en" is not a part of "English"
        if value.casefold() in rest:
            rest = re.sub(rf"(?<!\w){re.escape(value.casefold())}(?!\w)", " ", rest)
    rest = re.sub(r"\[(en|qps)\]", " ", rest)
    return rest if has_words(rest) else ""


def html_leaks(page: str, data: list[str], languages: set[str]) -> list[str]:
    """What of a page's visible text and visible attributes is a word outside ⟦ ⟧ and the data. The text is taken
    whole, as a reader sees it: a translated sentence may hold a link or a date in its own element."""
    tree = lxml_html.fromstring(page)
    for hidden in tree.xpath("//script|//style|//head"):
        hidden.drop_tree()
    leaks = []
    for element in tree.iter():
        for name in VISIBLE_ATTRIBUTES:
            value = element.get(name) if isinstance(element.tag, str) else None
            if value and value.strip() not in languages and leftover(value, data):
                leaks.append(f"<{element.tag} {name}> {value.strip()[:120]!r}")
    text = " ".join(part for part in tree.itertext() if part.strip() not in languages)
    rest = leftover(text, data)
    if rest:
        leaks += [" ".join(rest.split())[:2000]]
    return leaks


def test_every_page_of_the_report_speaks_only_through_the_catalogue(pseudo_language):
    register = load_valid(SHIPPED, today=TODAY)
    data = data_texts(register)
    with use(pseudo_language):
        files = render_reports(register, view=View(TODAY, since=dt.date(2022, 1, 1), private=True,
                                                   source="demands.yaml, commit 0123abc"))
    pages = {name: body.decode("utf-8") for name, body in files.items() if name.endswith(".html")}
    assert len(pages) == 1 + len(register.resolutions)
    leaks = {name: html_leaks(page, data, {"en", CODE}) for name, page in pages.items()}
    assert {name: found for name, found in leaks.items() if found} == {}
    assert '<html lang="qps"' in pages["index.html"]
    assert "⟦" in pages["index.html"]


def test_the_digest_speaks_only_through_the_catalogue(pseudo_language, tmp_path):
    data_file = tmp_path / "demands.yaml"
    shutil.copyfile(SHIPPED, data_file)
    register = load_valid(data_file, today=TODAY)
    settings = load_settings(data_file, environ={})
    with use(pseudo_language):
        summary = preview_digest(register, settings, out_dir=tmp_path / "out", since=dt.date(2022, 1, 1),
                                 today=TODAY)
    data = data_texts(register)
    saved = sorted((tmp_path / "out" / "digests").glob(f"*.{CODE}.*"))
    assert [p.suffix for p in saved] == [".html", ".txt"], saved
    page, text = (p.read_text(encoding="utf-8") for p in saved)
    assert html_leaks(page, data, {"en", "EN", CODE}) == []
    assert leftover(text, data) == ""  # whole: a sentence of the text part may be wrapped over several lines
    assert not leftover(summary, data + [str(tmp_path)])


def test_the_check_finds_an_unmarked_word_and_passes_data_dates_and_marks():
    page = ('<html><body><p>⟦Adopted on <b>15 March 2012</b> by ⟦the Parliament⟧⟧ <bdi>Vladimir Kozlov</bdi> '
            '<span title="English">[EN]</span></p><p>Outstanding for</p></body></html>')
    assert html_leaks(page, ["Vladimir Kozlov"], {"en"}) == ["outstanding for"]
    assert html_leaks('<p title="Filter">⟦x⟧</p>', [], set()) == ["<p title> 'Filter'"]
