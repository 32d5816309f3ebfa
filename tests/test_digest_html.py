"""digest: what the email says and how its HTML is built for mail clients (received from a real SMTP server).

The look must survive Gmail and Outlook, which drop <style> and know neither CSS custom properties nor grid: every
rule of templates/digest.css is in the elements' style attributes. Words for readers: the register's name and the
resolutions' titles, a link to the published reports, the list of demands that have not moved once a month.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from html.parser import HTMLParser

import pytest

import monitor
from monitor.changes import stale_list_due
from monitor.digest import digest_title, run_digest
from monitor.settings import load_settings
from tests.conftest import DATA, ROOT, SHIPPED
from tests.mail_servers import mail_env

CHANGED = DATA / "digest" / "changed.yaml"
TODAY = dt.date(2026, 11, 24)


class Elements(HTMLParser):
    """Every start tag as (tag, attributes), and the text outside <head>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_head = self._in_head or tag == "head"

    def handle_endtag(self, tag):
        self._in_head = self._in_head and tag != "head"

    def handle_data(self, data):
        if not self._in_head:
            self.text.append(data)


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def css_classes() -> set[str]:
    """The classes digest.css gives rules to."""
    css = (ROOT / "templates" / "digest.css").read_text(encoding="utf-8")
    return set(re.findall(r"\.([a-z][a-z0-9-]*)", re.sub(r"/\*.*?\*/", "", css, flags=re.S)))


def received(tmp_path, smtp, data=CHANGED, *, since=dt.date(2020, 1, 1), today=TODAY, **env):
    """Send one digest of `data` through the real SMTP server; (subject, text part, HTML part) as received."""
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    shutil.copyfile(data, folder / "demands.yaml")
    settings = load_settings(folder / "demands.yaml", environ={**mail_env(smtp.port, tmp_path / "state"), **env})
    register = monitor.load_register(folder / "demands.yaml", today=today)
    run_digest(register, settings, out_dir=tmp_path / "out", since=since, send=True, today=today)
    msg = smtp.parsed(-1)
    # a subject that fits a line only by itself is folded right after "Subject:"; unfolded, that is the usual one
    # space after the colon, which Python's parser keeps in the value
    return (str(msg["Subject"]).lstrip(), msg.get_body(("plain",)).get_content().replace("\r\n", "\n"),
            msg.get_body(("html",)).get_content())


@pytest.mark.parametrize("data", [CHANGED, SHIPPED], ids=["changed", "shipped"])
def test_the_html_part_has_no_style_only_rules_no_variables_no_grid(tmp_path, smtp, data):
    _, _, html = received(tmp_path, smtp, data)
    page = parse(html)
    assert [t for t, _ in page.tags if t in ("style", "link", "script")] == []
    for banned in ("var(", "grid", "flex", "position:", "<style"):
        assert banned not in html.lower(), banned
    styled = css_classes()
    for tag, attrs in page.tags:
        ruled = set(attrs.get("class", "").split()) & styled
        if ruled:  # a class digest.css styles: its rules are in the element itself
            assert attrs.get("style"), (tag, attrs)
    assert all(attrs.get("style") for tag, attrs in page.tags if tag in ("body", "h1", "h2", "a"))
    # layout by tables, with widths a client without CSS still honours
    assert sum(1 for tag, attrs in page.tags if tag == "table" and attrs.get("width") == "100%") >= 3
    assert re.search(r"<!--\[if mso\]><table[^>]* width=\"600\"", html)  # Outlook ignores max-width


def test_status_colours_are_those_of_the_reports():
    ours = (ROOT / "templates" / "digest.css").read_text(encoding="utf-8")
    shared = (ROOT / "templates" / "style.css").read_text(encoding="utf-8")
    variables = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", shared))
    for rule in re.findall(r"\.status-[a-z-]+ \{ color: [^;]+;", shared):
        name, colour = re.match(r"\.(status-[a-z-]+) \{ color: ([^;]+);", rule).groups()
        colour = re.sub(r"var\(--([a-z-]+)\)", lambda m: variables[m.group(1)], colour)
        assert f".{name} {{ color: {colour}; }}" in ours


def test_readers_see_the_register_and_resolution_titles_not_file_names_or_ids(tmp_path, smtp):
    subject, text, html = received(tmp_path, smtp)
    assert subject == "Demands on Examplestan: 7 new status entries, 4 new demands (24 Nov 2026)"
    assert text.startswith("DEMANDS ON EXAMPLESTAN\nDigest of 24 November 2026\n")
    flat = " ".join(text.split())
    assert "in the register: our record of each demand the resolutions make and what has become of it" in flat
    assert "from the Resolution of 20 May 2021 on the human rights situation in Examplestan" in flat
    assert "resolution 2021" not in text.lower() and "resolution 2021" not in html.lower()
    words = " ".join(parse(html).text)
    assert "Demands on Examplestan" in words and "Resolution of 14 March 2019 on Examplestan" in words
    # the data file is named once, in the small print at the end, where it helps whoever keeps it
    assert text.count("demands.yaml") == 1 and re.search(r"data file, demands\.yaml, (SHA-256|commit) \S+", text)
    assert words.count("demands.yaml") == 1 and re.search(r"data file, demands\.yaml, (SHA-256|commit) \S+", words)


def test_the_register_title_goes_in_the_subject_and_heading(tmp_path, smtp):
    shipped = monitor.load_register(SHIPPED, today=TODAY)
    assert shipped.title == "European Parliament demands on Kazakhstan"  # the file's `title:`
    without = dataclasses.replace(shipped, title="")
    assert digest_title(without) == "Demands on Kazakhstan"  # else what the three resolutions' titles share
    subject, text, html = received(tmp_path, smtp, SHIPPED, since=dt.date(2026, 1, 1))
    assert subject.startswith("European Parliament demands on Kazakhstan: ")
    assert text.startswith("EUROPEAN PARLIAMENT DEMANDS ON KAZAKHSTAN\n")
    assert re.search(r"<h1[^>]*>European Parliament demands on Kazakhstan</h1>", html)


def test_reports_url_links_the_reports_and_each_demand_s_page(tmp_path, smtp):
    _, text, html = received(tmp_path, smtp, MONITOR_REPORTS_URL="https://example.org/examplestan")
    assert "The full reports: https://example.org/examplestan\n" in text
    assert 'href="https://example.org/examplestan"' in html
    assert 'href="https://example.org/examplestan/2021.html"' in html  # the resolution's page
    assert 'href="https://example.org/examplestan/2021.html#roe-release-2021"' in html  # the demand on it


def test_without_reports_url_no_link_to_reports(tmp_path, smtp):
    _, text, html = received(tmp_path, smtp)
    assert "full reports" not in text and "full reports" not in html and ".html#" not in html


def test_the_not_moved_list_is_due_on_the_first_digest_of_a_month():
    assert stale_list_due(None, TODAY)  # never delivered
    assert stale_list_due(dt.date(2026, 10, 27), dt.date(2026, 11, 3))  # the last one was last month
    assert not stale_list_due(dt.date(2026, 11, 3), dt.date(2026, 11, 10))  # one already went out this month
    assert stale_list_due(dt.date(2025, 11, 24), TODAY)  # same month, another year


def test_the_not_moved_list_comes_monthly_and_a_count_otherwise(tmp_path, smtp):
    listed = "Open demands whose status has not changed"
    days = [dt.date(2026, 12, 7), dt.date(2026, 12, 14), dt.date(2026, 12, 14), dt.date(2027, 1, 4)]
    texts = []
    for day in days:
        _, text, html = received(tmp_path, smtp, since=day - dt.timedelta(days=7), today=day)
        texts.append(text)
        assert (listed in text) == (listed in html)
    assert [listed in t for t in texts] == [True, False, False, True]
    assert len(smtp.messages) == 3 * 2  # 14 December twice: the same digest, recognised and not sent again
    week = texts[1]
    assert ("3 open demands have not changed status for 365 days or more. The list comes with the first digest of "
            "each month.") in " ".join(week.split())
    assert "assembly-law-2021" not in week.split("NOT MOVED")[1]


def test_a_preview_follows_the_same_monthly_rule(tmp_path, smtp):
    received(tmp_path, smtp, since=dt.date(2026, 11, 30), today=dt.date(2026, 12, 7))  # December's first
    settings = load_settings(tmp_path / "data" / "demands.yaml", environ={"MONITOR_STATE": str(tmp_path / "state")})
    register = monitor.load_register(tmp_path / "data" / "demands.yaml", today=dt.date(2026, 12, 14))
    for since in (None, dt.date(2020, 1, 1)):
        run_digest(register, settings, out_dir=tmp_path / "preview", since=since, today=dt.date(2026, 12, 14))
    for name in ("digest-2026-12-14.txt", "digest-2026-12-14-2.txt"):
        text = (tmp_path / "preview" / "digests" / name).read_text(encoding="utf-8")
        assert "open demands have not changed status" in text and "Open demands whose status" not in text


def test_the_monthly_digest_of_the_shipped_data_is_not_clipped_by_gmail(tmp_path, smtp):
    _, _, html = received(tmp_path, smtp, SHIPPED, since=dt.date(2025, 1, 1))
    assert "Open demands whose status has not changed" in html  # the longest kind: with the monthly list
    assert len(html.encode("utf-8")) < 102_000  # Gmail shows "[Message clipped]" past about 102 KB of HTML
