"""render/html in the reader's language: Russian golden pages, every interface word translated, the data's own
translations shown as such (the original marked with its language where there is none; a quote never replaced),
the language switch and the hreflang links between the same page in each language.

Regenerate the Russian golden pages after an intended change (read the diff, commit it with the change):
    UPDATE_GOLDEN=1 python -m pytest tests/test_render_html_languages.py
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import re
from pathlib import Path

import pytest

import monitor
from monitor.frames import build_frames
from monitor.i18n import use
from monitor.render.html import render_pages
from monitor.view import View

from .test_render_html import GOLDEN, Page, pages_of
from .translated import INQUIRY_DEMAND, INQUIRY_TEXT, REFUSAL_NOTE, REGISTER_TITLE, RESOLUTION_2019, translated

HERE = Path(__file__).resolve().parent
SMALL = HERE / "data" / "valid" / "small.yaml"
TODAY = dt.date(2026, 11, 24)
SINCE = dt.date(2022, 1, 1)  # the "what changed since" section too, with its sentences and plurals
BOTH = ("en", "ru")
# attributes that hold words for the reader (the others hold keys: data-status="not-met", data-sort="number")
MONTH = ("(January|February|March|April|May|June|July|August|September|October|November|December|"
         "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
DATE = re.compile(rf"\b(\d{{1,2}} {MONTH} \d{{4}}|{MONTH} \d{{1,2}}, \d{{4}})\b")  # the pseudo-language's dates
WORDY = {"aria-label", "title", "data-label", "data-filtered", "data-filtered-many", "data-many", "data-more"}


@pytest.fixture(scope="module")
def register():
    return translated(monitor.load_register(SMALL, today=TODAY))


def render(register, code: str, languages=BOTH, view: View | None = None) -> dict[str, str]:
    with use(code):
        return render_pages(register, build_frames(register, TODAY), view or View(TODAY, since=SINCE), languages)


def text_of(html: str) -> str:
    return " ".join("".join(Page(html).text).split())


def test_golden_russian_pages(register):
    pages = render(register, "ru")
    golden = GOLDEN / "ru"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.mkdir(exist_ok=True)
        for name in ("index.html", "2019.html"):
            (golden / name).write_text(pages[name], encoding="utf-8")
    for name in ("index.html", "2019.html"):
        expected = (golden / name).read_text(encoding="utf-8")
        if pages[name] != expected:
            diff = "".join(difflib.unified_diff(expected.splitlines(True), pages[name].splitlines(True),
                                                f"golden/ru/{name}", f"rendered/{name}", n=2))
            pytest.fail(f"{name} differs from tests/golden/ru (UPDATE_GOLDEN=1 to accept):\n{diff[:6000]}")


def test_a_russian_page_says_so_and_reads_in_russian(register):
    pages = render(register, "ru")
    assert '<html lang="ru">' in pages["index.html"] and '<html lang="ru">' in pages["2019.html"]
    text = text_of(pages["index.html"])
    assert "Как выполняются требования" in text
    assert "На 24 ноября 2026 г.: 5 требований из 2 резолюций; по-прежнему открыты: 4." in text
    assert "(принята 14 марта 2019 г.): 2 требования" in text and "(принята 20 мая 2021 г.): 3 требования" in text
    assert "7 лет 8 месяцев" in text  # durations in Russian, with Russian plural forms
    assert "14 мар. 2019 г." in text  # short dates
    assert "60\u00a0%" in pages["index.html"]  # a share as Russian writes it


def test_no_english_interface_word_is_left_on_a_russian_page(register):
    """Every word on the Russian pages that is not the data's own (titles, notes, names, addresses...) is Russian."""
    pages = render(register, "ru", view=View(TODAY, since=SINCE, source="demands.yaml, commit 3f2a9c1",
                                             private=True))
    data = {register.title, *(r.title for r in register.resolutions), *(r.reference for r in register.resolutions),
            *(r.procedure for r in register.resolutions), *(r.url for r in register.resolutions)}
    for d in register.demands:
        data |= {d.demand, d.text, d.addressee, d.topic, d.person, d.id, d.quoted_from, d.topic.capitalize()}
        data |= {e.note for e in d.history} | {s for e in d.history for s in e.sources}
    data |= {"monitor report --include-private", "monitor report", "demands.yaml, commit 3f2a9c1", "English"}

    def english_words(html: str) -> set[str]:
        page = Page(html)
        words = " ".join(page.text + [v for __, attrs in page.tags for k, v in attrs.items() if v and k in WORDY])
        words = re.sub(r"\{\w+\}", " ", words)  # the filter script's fields: {shown} of {total}
        for known in sorted(data - {""}, key=len, reverse=True):
            words = words.replace(known, " ")
        return set(re.findall(r"\b[A-Za-z]{3,}\b", words))

    for name, html in pages.items():
        assert english_words(html) == set(), name
    english = english_words(render(register, "en")["index.html"])  # the check sees what it looks for
    assert {"Where", "demands", "Free", "Addressee", "Show", "more", "shown"} <= english


def test_translations_are_shown_with_their_language(register):
    pages = render(register, "ru")
    index, page = pages["index.html"], pages["2019.html"]
    assert f'<h1><span lang="ru">{RESOLUTION_2019}</span></h1>' in page
    assert f"<title>2019: {RESOLUTION_2019}</title>" in page
    assert f'<h3><span lang="ru">{INQUIRY_DEMAND}</span></h3>' in page
    assert f'<span lang="ru">{REFUSAL_NOTE}</span>' in page
    assert f'<bdi><span lang="ru">{REGISTER_TITLE[1]}</span></bdi>' in index
    assert f'<span lang="ru">{INQUIRY_DEMAND}</span>' in index


def test_an_original_without_translation_is_marked_with_its_language(register):
    pages = render(register, "ru")
    title = register.resolution("2021").title
    assert (f'<span lang="en">{title}</span><span class="lang-note"> (язык оригинала: английский)</span>'
            in pages["index.html"])
    assert ('<h3><span lang="en">Release of Jane Doe, journalist</span><span class="lang-note"> (язык оригинала: '
            'английский)</span></h3>') in pages["2019.html"]
    assert '<span lang="en">Released after serving her sentence.</span><span class="lang-note">' in pages["2019.html"]
    assert '<h2 lang="en">political prisoners</h2>' in pages["2019.html"]  # the data's words, said in their language


def test_the_quote_is_the_adopted_text_and_its_translation_only_beside_it(register):
    page = render(register, "ru")["2019.html"]
    article = page[page.index('id="inquiry-2019"'):]
    article = article[:article.index("</article>")]
    original = register.demand("inquiry-2019").text
    assert f'<blockquote lang="en">\n<p>“{original}”</p>\n<footer lang="ru">Принятый текст, язык: английский</footer>' \
        in article
    assert (f'<div class="translation" lang="ru">\n<p>«{INQUIRY_TEXT}»</p>\n<p class="label">Неофициальный перевод: '
            "Парламент эти слова не принимал.</p>") in article
    assert article.index("<blockquote") < article.index('class="translation"')  # beside it, after the original
    other = page[page.index('id="doe-release-2019"'):]
    assert 'class="translation"' not in other[:other.index("</article>")]  # no translation: only the original


def test_the_english_pages_of_a_translated_register_show_no_translation(register):
    pages = render(register, "en")
    for html in pages.values():
        assert not re.search("[а-яё]", html.replace("Русский", "")), "Russian on an English page"
        assert "lang-note" not in html.split("</style>")[1]


def test_the_data_written_in_russian_is_marked_on_an_english_page(register):
    russian = dataclasses.replace(register, language="ru", translations=(("en", "title", "In English"),))
    html = render(russian, "en")["index.html"]
    assert '<bdi><span lang="en">In English</span></bdi>' in html
    assert '<span class="lang-note"> (in Russian)</span>' in html
    assert '<td data-label="Topic" lang="ru">investigation</td>' in html


def test_one_language_has_no_switch_and_english_is_the_golden_page(register):
    plain = monitor.load_register(SMALL, today=TODAY)
    for code in ("ru", "en"):  # a Russian render first: nothing of it stays in the cached environment
        pages = pages_of(SMALL) if code == "en" else render(plain, "ru", languages=())
        assert "hreflang" not in pages["index.html"] and 'class="languages"' not in pages["index.html"]
    for name in ("index.html", "2019.html", "2021.html"):
        assert pages[name] == (GOLDEN / name).read_text(encoding="utf-8")


def test_languages_do_not_leak_into_each_other(register):
    first = render(register, "ru")
    english = render(register, "en")
    assert render(register, "ru") == first and render(register, "en") == english


def test_the_language_switch_and_alternate_links(register):
    for code, other in (("ru", "en"), ("en", "ru")):
        html = render(register, code)["2019.html"]
        page = Page(html)
        alternates = [a for t, a in page.tags if t == "link" and a.get("rel") == "alternate"]
        assert alternates == [{"rel": "alternate", "hreflang": "en", "href": "2019.html" if code == "en" else
                               "../en/2019.html"},
                              {"rel": "alternate", "hreflang": "ru", "href": "2019.html" if code == "ru" else
                               "../ru/2019.html"}]
        switch = html[html.index('<nav class="languages"'):]
        switch = switch[:switch.index("</nav>")]
        assert f'href="../{other}/2019.html" hreflang="{other}" lang="{other}">' in switch
        assert f'href="2019.html" hreflang="{code}" lang="{code}" aria-current="page">' in switch
        assert ">English<" in switch and ">Русский<" in switch  # each language named in itself


def test_the_filter_script_is_the_same_in_every_language(register):
    scripts = {code: Page(render(register, code)["index.html"]).scripts for code in BOTH}
    assert scripts["en"] == scripts["ru"] and len(scripts["en"]) == 1
    assert not re.search("[а-яё]", scripts["en"][0])
    russian = render(register, "ru")["index.html"]
    assert 'data-filtered="Показано {shown} из 5 требований"' in russian
    assert 'data-more="Показать ещё {count}"' in russian


def test_no_interface_word_escapes_the_catalogue(register):
    """Under the pseudo-language (every catalogue string wrapped in ⟦ ⟧) the pages' words are the data's, a date or
    a language's name, or wrapped: anything else was never marked for translation, or was glued outside it."""
    from .i18n_pseudo import has_words, pseudo, untranslated

    data = _data_words(register)

    def leftover(html: str) -> str:
        page = Page(html)
        words = " ".join(page.text + [v for __, a in page.tags for k, v in a.items() if v and k in WORDY])
        # the data's longer texts first (a title holds a date), then the dates, then short ones ("2021" is an id
        # and a date's year)
        for known in sorted((k for k in data if len(k) > 4), key=len, reverse=True):
            words = words.replace(known, " ")
        words = DATE.sub(" ", words)
        for known in data:
            words = words.replace(known, " ")
        return re.sub(r"\{\w+\}", " ", untranslated(words))  # the filter script's {shown}

    for view in (View(TODAY, since=SINCE, source="demands.yaml, commit 3f2a9c1", private=True),
                 View(dt.date(2023, 6, 30), since=SINCE, past=True)):
        with use(pseudo()):
            pages = render_pages(register, build_frames(register, view.as_of), view, ("en", "ru"))
        for name, html in pages.items():
            assert not has_words(leftover(html)), (name, leftover(html)[:400])
    assert has_words(leftover(render(register, "en")["index.html"]))  # the check sees an unwrapped word


def _data_words(register) -> set[str]:
    """Every piece of text that comes from the data (or names a language, a file or a command) rather than the
    catalogue."""
    data = {register.title, *(text for __, __, text in register.translations), "English", "Русский",
            "monitor report --include-private", "monitor report", "demands.yaml, commit 3f2a9c1"}
    for r in register.resolutions:
        data |= {r.id, r.title, r.reference, r.procedure, r.url, *(text for __, __, text in r.translations)}
    for d in register.demands:
        data |= {d.demand, d.text, d.addressee, d.topic, d.person, d.id, d.quoted_from, d.topic.capitalize(),
                 *(text for __, __, text in d.translations)}
        for e in d.history:
            data |= {e.note, *e.sources, *(text for __, __, text in e.translations)}
    return data - {""}
