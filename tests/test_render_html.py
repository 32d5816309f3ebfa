"""render/html: golden pages for the small fixture, the http(s)-only link filter, and hostile data kept inert.

Regenerate the golden pages after an intended change (read the diff, commit it with the change):
    UPDATE_GOLDEN=1 python -m pytest tests/test_render_html.py
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import monitor
from monitor.frames import build_frames
from monitor.model import Status
from monitor.render import duration, page_names
from monitor.render.html import TEMPLATES, render_pages, weblink

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
HOSTILE = HERE / "data" / "hostile.yaml"
TODAY = dt.date(2026, 11, 24)


def pages_of(path: Path, today: dt.date = TODAY) -> dict[str, str]:
    register = monitor.load_register(path, today=today)
    return render_pages(register, build_frames(register, today))


class Page(HTMLParser):
    """Every tag with its attributes, the text of each <script>, and the visible text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts.append(data)
        elif self._in != "style":
            self.text.append(data)


def test_golden_pages_of_the_small_fixture():
    pages = pages_of(HERE / "data" / "valid" / "small.yaml")
    assert sorted(pages) == ["2019.html", "2021.html", "index.html"]
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        for name, html in pages.items():
            (GOLDEN / name).write_text(html, encoding="utf-8")
    for name, html in pages.items():
        expected = (GOLDEN / name).read_text(encoding="utf-8")
        if html != expected:
            diff = "".join(difflib.unified_diff(expected.splitlines(True), html.splitlines(True),
                                                f"golden/{name}", f"rendered/{name}", n=2))
            pytest.fail(f"{name} differs from tests/golden (UPDATE_GOLDEN=1 to accept):\n{diff[:6000]}")


def test_rendering_is_deterministic():
    assert pages_of(HERE / "data" / "valid" / "small.yaml") == pages_of(HERE / "data" / "valid" / "small.yaml")


def test_weblink_links_http_addresses_escaped():
    assert str(weblink("https://example.org/a?b=1&c=2")) == (
        '<a class="url" href="https://example.org/a?b=1&amp;c=2"><bdi>https://example.org/a?b=1&amp;c=2</bdi></a>')
    # characters no URL may hold are percent-encoded in href (as a browser would), and shown as written
    assert str(weblink('http://example.org/"x', "<source 1>")) == (
        '<a href="http://example.org/%22x"><bdi>&lt;source 1&gt;</bdi></a>')
    assert str(weblink("https://e.org/?q=<b>")) == (
        '<a class="url" href="https://e.org/?q=%3Cb%3E"><bdi>https://e.org/?q=&lt;b&gt;</bdi></a>')


def test_weblink_isolates_right_to_left_overrides():
    html = str(weblink("http://b.org/\u202eexe.txt"))
    assert html == '<a class="url" href="http://b.org/\u202eexe.txt"><bdi>http://b.org/\u202eexe.txt</bdi></a>'


@pytest.mark.parametrize("address", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>x</script>",
                                     "vbscript:x", "mailto:a@b.c", "www.example.org", "http://", "//example.org/x",
                                     " javascript:alert(1)", "https://exa mple.org", "file:///etc/passwd", ""])
def test_weblink_shows_anything_else_as_plain_text(address):
    html = str(weblink(address))
    assert "<a" not in html and "href" not in html
    assert "<script" not in html
    assert str(weblink(address, "<b>x</b>")) == "<bdi>&lt;b&gt;x&lt;/b&gt;</bdi>"


def test_unchecked_paragraph_and_status_words():
    pages = pages_of(HERE / "data" / "valid" / "small.yaml")
    page = pages["2019.html"]
    assert "paragraph not yet checked" in page  # doe-release-2019 has paragraph "unknown"
    text = " ".join(Page(pages["2021.html"]).text)
    for word in ("pending", "partly met", "reversed"):
        assert word in text  # by word, not by colour alone
    assert 'id="doe-release-2019"' in page and "Quoted from" in page


def test_tables_have_headers_with_scope_and_nothing_external():
    for name, html in pages_of(HERE / "data" / "valid" / "small.yaml").items():
        page = Page(html)
        assert all("scope" in attrs for tag, attrs in page.tags if tag == "th"), name
        assert not [t for t, a in page.tags if t in ("link", "img", "iframe", "object", "embed")]
        assert not [a for t, a in page.tags if "src" in a]
        assert "@import" not in html and "url(http" not in html


def test_index_shows_the_figures(small_register):
    html = pages_of(HERE / "data" / "valid" / "small.yaml")["index.html"]
    text = " ".join(Page(html).text)
    assert "5 demands made by 2 resolutions; 4 still open" in " ".join(text.split())
    assert "Jane Doe" in text and "Richard Roe" in text
    assert "An international inquiry, repeated" in text and "2019 → 2021" in text
    assert html.count("<svg") == 3  # status by resolution, by year, and the share met by year
    assert "<pattern" not in html  # marks are vector strokes: a printer gets lines, not bitmaps


def test_year_by_year_shows_the_share_met(small_register):
    """The share of demands made so far that are met or partly met, per year, in the table and on the line."""
    html = pages_of(HERE / "data" / "valid" / "small.yaml")["index.html"]
    years = html[html.index('<section id="years">'):html.index('<section id="repeats">')]
    rows = {}
    for row in years.split("<tr>")[2:]:
        cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)
        rows[int(cells[0])] = cells[-1]
    for year in rows:
        day = min(dt.date(year, 12, 31), TODAY)
        made = [d.status_on(day) for d in small_register.demands if d.status_on(day) is not None]
        met = sum(s in (Status.MET, Status.PARTLY_MET) for s in made)
        assert rows[year] == (f"{100 * met / len(made):.0f}%" if made else "—"), year
    assert any(v not in ("0%", "—") for v in rows.values())  # the fixture has progress to show
    for share in set(rows.values()) - {"—"}:
        assert f">{share}</text>" in years or f": {share}</title>" in years  # each figure is on the line too


def test_hostile_data_stays_inert():
    pages = pages_of(HOSTILE)
    assert sorted(pages) == ["2020.html", "index.html", "resolution-index.html"]  # id "index" gets its own name
    script = (TEMPLATES / "filter.js").read_text(encoding="utf-8")
    allowed_pages = set(pages)
    for name, html in pages.items():
        page = Page(html)
        assert page.scripts == ([script] if name == "index.html" else []), name
        for tag, attrs in page.tags:
            assert not [k for k in attrs if k.startswith("on")], (name, tag, attrs)
            href = attrs.get("href")
            if href is not None:
                assert re.match(r"https?://", href) or href.startswith("#") or href.split("#")[0] in allowed_pages, href
        if name != "resolution-index.html":
            assert "<script>window.__pwned = 1; alert('title')</script>" in "".join(page.text)  # shown as words
    page = pages["2020.html"]
    assert "javascript:window.__pwned=1" in page and 'href="javascript' not in page.lower()
    assert 'href="data:' not in page.lower()
    assert "{{ 7*7 }}" in page and "{% raw %}" in page  # template syntax in data is not evaluated
    assert "\u202eevil.exe\u202c" in page and "السلطات" in page


def test_page_names_are_safe_and_unique():
    assert page_names(["2013", "index", "a-b"]) == {"2013": "2013.html", "index": "resolution-index.html",
                                                   "a-b": "a-b.html"}
    names = page_names(["../x", "..-x", "x/y"])
    assert all("/" not in n and not n.startswith(".") for n in names.values())
    assert len(set(names.values())) == 3


def test_duration_reads_like_speech():
    assert [duration(d) for d in (None, 0, 1, 30, 45, 365, 400, 2812)] == [
        "", "0 days", "1 day", "30 days", "1 month", "1 year", "1 year 1 month", "7 years 8 months"]


def test_any_text_in_the_data_stays_text(small_register):
    """Property: whatever a demand's title or note holds, the page gains no tag, attribute or script from it."""
    import dataclasses

    from hypothesis import given, settings
    from hypothesis import strategies as st

    base = pages_of(HERE / "data" / "valid" / "small.yaml")["2021.html"]
    base_tags = [t for t, _ in Page(base).tags]
    alphabet = st.sampled_from(list("<>&\"'=/ :;!-[]{}%#\\`") + ["script", "javascript:", "a href=", "on", "x"])

    @settings(max_examples=40, deadline=None)
    @given(st.lists(alphabet, max_size=30).map("".join))
    def check(text):
        demand = small_register.demand("roe-release-2021")
        entry = dataclasses.replace(demand.history[0], note=text)
        changed = dataclasses.replace(demand, demand=text or "x", history=(entry,))
        register = dataclasses.replace(small_register, demands=tuple(
            changed if d.id == demand.id else d for d in small_register.demands))
        html = render_pages(register, build_frames(register, TODAY))["2021.html"]
        assert [t for t, _ in Page(html).tags] == base_tags

    check()


def test_the_stylesheet_colours_are_those_of_the_status_table():
    """style.css declares each status's colour as a custom property; fields.LOOKS is where they are decided."""
    import re

    from monitor.fields import LOOKS
    from monitor.render import TEMPLATES

    css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    declared = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))
    assert {status.value: declared.get(status.value) for status in LOOKS} == \
        {status.value: look.accent for status, look in LOOKS.items()}
