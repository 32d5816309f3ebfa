"""The reports in headless Chromium (Debian's, driven by Playwright): offline, inert, legible, printable on A4.

Each page is opened from file:// with every other request aborted and recorded; the test checks that nothing was
requested from the network, that no dialog opened and no script from the data ran, that the key figures are
on the page, then takes a screenshot and prints to PDF, and reads the PDF back with pdftotext.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import monitor
from monitor.report import write_reports

HERE = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]



@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright; tests/run.sh installs both: a missing one fails the tests, never skips."""
    for tool in ("chromium", "pdftotext"):
        assert shutil.which(tool), f"{tool} is not installed: run tests/run.sh (as root it installs it with apt-get)"
    from playwright import sync_api as playwright

    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=ARGS)
        yield chromium
        chromium.close()


def open_page(browser, path: Path, width: int = 1100):
    """Open `path` offline; returns (page, requests made outside file://, dialogs opened, console errors)."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    outside, dialogs = [], []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, outside, dialogs


def reports_of(data: Path, out: Path, today):
    register = monitor.load_register(data, today=today)
    write_reports(register, out, today=today)
    return register


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_small_reports_offline_legible_and_printable(browser, tmp_path, today):
    register = reports_of(HERE / "data" / "valid" / "small.yaml", tmp_path / "reports", today)
    for html in sorted((tmp_path / "reports").glob("*.html")):
        page, outside, dialogs = open_page(browser, html)
        assert outside == [] and dialogs == [], html.name
        assert page.evaluate("typeof window.__pwned") == "undefined"
        page.screenshot(path=str(tmp_path / f"{html.stem}.png"), full_page=True)
        page.pdf(path=str(tmp_path / f"{html.stem}.pdf"), format="A4", print_background=True)
        assert (tmp_path / f"{html.stem}.png").stat().st_size > 10_000
        text = pdf_text(tmp_path / f"{html.stem}.pdf")
        assert text.count("\f") >= 1
        if html.stem == "index":
            rows = page.locator("table.counts tbody tr")
            assert rows.count() == 2
            assert rows.nth(0).locator("td").last.inner_text() == "1"  # still open in 2019
            assert page.locator("table.counts tfoot td").nth(6).inner_text() == "5"  # total demands
            assert page.locator("#all-demands tbody tr").count() == len(register.demands)
            assert "Where the demands stand" in text and "Richard Roe" in text
        else:
            res = register.resolution(html.stem)
            assert page.locator("article.demand").count() == len(register.demands_of(res.id))
            assert page.get_by_text(res.title).first.is_visible()
            assert res.url in text  # the adopted text's address is printed
        page.close()


def test_filter_box_works_and_page_reads_without_script(browser, tmp_path, today):
    reports_of(HERE / "data" / "valid" / "small.yaml", tmp_path / "reports", today)
    page, outside, _ = open_page(browser, tmp_path / "reports" / "index.html")
    page.fill("#filter", "inquiry")
    assert page.locator("#all-demands tbody tr:visible").count() == 2
    assert page.locator("#filter-count").inner_text() == "2 of 5 demands shown"
    page.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((tmp_path / "reports" / "index.html").as_uri())
    assert page.locator("#all-demands tbody tr:visible").count() == 5
    assert not page.locator("#filter").is_visible()  # the box appears only where it can work
    context.close()


def test_index_filters_sort_and_keeps_the_view_in_its_address(browser, tmp_path, today):
    register = reports_of(HERE.parent / "demands.yaml", tmp_path / "reports", today)
    page, outside, _ = open_page(browser, tmp_path / "reports" / "index.html")
    rows = page.locator("#all-demands tbody tr:visible")
    assert rows.count() == len(register.demands)
    kazakh = [d for d in register.demands if d.addressee == "Kazakh authorities"]
    assert kazakh, "the shipped data addresses demands to the Kazakh authorities"
    page.select_option("#filter-addressee", "Kazakh authorities")
    assert rows.count() == len(kazakh)  # the text search found 3 of 14 of these: the column was not on the page
    page.select_option("#filter-status", "pending")
    expected = [d for d in kazakh if d.status.value == "pending"]
    assert rows.count() == len(expected)
    assert page.locator("#filter-count").inner_text() == f"{len(expected)} of {len(register.demands)} demands shown"
    page.click("#all-demands thead th:nth-child(7) button")  # outstanding for: shortest first
    page.click("#all-demands thead th:nth-child(7) button")  # and again: longest first
    assert page.get_attribute("#all-demands thead th:nth-child(7)", "aria-sort") == "descending"
    days = [int(v) for v in page.eval_on_selector_all(
        "#all-demands tbody tr:not([hidden]) td:nth-of-type(6)", "cells => cells.map(c => c.dataset.value)")]
    assert days == sorted(days, reverse=True) and len(days) == len(expected)
    address = page.url
    assert "#all?" in address and "addressee=Kazakh+authorities" in address and "sort=6-desc" in address
    page.close()
    page = browser.new_page()  # the link, opened by a colleague
    page.goto(address)
    page.wait_for_load_state("load")
    assert page.locator("#all-demands tbody tr:visible").count() == len(expected)
    assert page.input_value("#filter-status") == "pending"
    assert page.get_attribute("#all-demands thead th:nth-child(7)", "aria-sort") == "descending"
    assert outside == []
    page.close()


def test_a_large_index_shows_rows_two_hundred_at_a_time(browser, tmp_path):
    """Laying out 10,000 rows after each filter took seconds: a large table shows 200, and a button the next."""
    from .test_benchmarks_generate import TODAY as GENERATED_TODAY
    from .test_benchmarks_generate import _generate_module

    data = _generate_module().write(tmp_path / "demands.yaml", 450, seed=5)
    reports_of(data, tmp_path / "reports", GENERATED_TODAY)
    page, _, _ = open_page(browser, tmp_path / "reports" / "index.html")
    rows = page.locator("#all-demands tbody tr:visible")
    assert rows.count() == 200
    assert page.locator("#filter-count").inner_text() == "450 demands match; the first 200 are shown"
    page.click("#filter-more")
    assert rows.count() == 400 and page.inner_text("#filter-more") == "Show 50 more"
    page.click("#filter-more")
    assert rows.count() == 450 and not page.locator("#filter-more").is_visible()
    page.select_option("#filter-topic", "political prisoners")  # a new filter starts again at 200 ...
    wanted = page.eval_on_selector_all('#all-demands tbody tr[data-topic="political prisoners"] td:nth-of-type(5)',
                                       "cells => cells.map(c => c.dataset.value)")
    assert rows.count() == min(len(wanted), 200)
    page.fill("#filter", "")
    page.select_option("#filter-topic", "")
    assert rows.count() == 200
    every = page.eval_on_selector_all("#all-demands tbody tr td:nth-of-type(5)",
                                      "cells => cells.map(c => c.dataset.value)")
    page.click("#all-demands thead th:nth-child(6) button")  # ... and a sort shows the first 200 of its order
    shown = page.eval_on_selector_all("#all-demands tbody tr:not([hidden]) td:nth-of-type(5)",
                                      "cells => cells.map(c => c.dataset.value)")
    assert shown == sorted(every)[:200]
    page.close()
    context = browser.new_context(java_script_enabled=False)  # without the script every row is on the page
    page = context.new_page()
    page.goto((tmp_path / "reports" / "index.html").as_uri())
    assert page.locator("#all-demands tbody tr:visible").count() == 450
    context.close()


def test_print_shows_addresses_and_keeps_rows_whole(browser, tmp_path, today):
    reports_of(HERE / "data" / "valid" / "small.yaml", tmp_path / "reports", today)
    page, _, _ = open_page(browser, tmp_path / "reports" / "2021.html")
    page.emulate_media(media="print")
    after = page.evaluate(
        """() => getComputedStyle(document.querySelector('dd a[href^="https"]'), '::after').content""")
    assert after == 'none'  # the address is already its own text
    assert page.evaluate("getComputedStyle(document.querySelector('tr')).breakInside") == "avoid"
    page.close()
    page, _, _ = open_page(browser, tmp_path / "reports" / "index.html")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('nav.toc')).display") == "none"
    page.close()


def test_hostile_reports_run_no_data_script(browser, tmp_path, today):
    reports_of(HERE / "data" / "hostile.yaml", tmp_path / "reports", today)
    for html in sorted((tmp_path / "reports").glob("*.html")):
        page, outside, dialogs = open_page(browser, html)
        for link in page.locator("a").all():  # following a link must not run anything either
            href = link.get_attribute("href")
            assert href.startswith(("http://", "https://", "#")) or href.split("#")[0].endswith(".html"), href
        assert page.evaluate("typeof window.__pwned") == "undefined", html.name
        assert outside == [] and dialogs == [], (html.name, outside, dialogs)
        page.pdf(path=str(tmp_path / f"{html.stem}.pdf"), format="A4")
        if html.stem == "2020":
            text = page.inner_text("body")
            assert "<script>window.__pwned = 1; alert('title')</script>" in text
            assert "javascript:window.__pwned=1" in text
            assert '=HYPERLINK("http://evil.example/x","y")' in text
            assert "calls for the release of all persons" in pdf_text(tmp_path / "2020.pdf")
        page.close()


def test_phone_width_has_no_page_wide_scroll(browser, tmp_path, today):
    reports_of(HERE / "data" / "valid" / "small.yaml", tmp_path / "reports", today)
    for html in sorted((tmp_path / "reports").glob("*.html")):
        page, _, _ = open_page(browser, html, width=390)
        # wide tables scroll inside their own box; the page itself fits the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, html.name
        if html.stem == "index":  # every demand is a card: its status is on screen, no word is cut mid-word
            for status in page.locator("#all-demands tbody td:nth-of-type(4) .status").all():
                box = status.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
            assert page.evaluate("""() => [...document.querySelectorAll('#all-demands tbody th a')]
                .every(a => a.scrollWidth <= a.parentElement.clientWidth + 1)""")
        page.screenshot(path=str(tmp_path / f"{html.stem}-phone.png"), full_page=True)
        page.close()


def test_shipped_reports_in_the_browser(browser, tmp_path, today):
    register = reports_of(HERE.parent / "demands.yaml", tmp_path / "reports", today)
    page, outside, dialogs = open_page(browser, tmp_path / "reports" / "index.html")
    assert outside == [] and dialogs == []
    totals = [page.locator("table.counts tbody tr").nth(i).locator("td").nth(6).inner_text()
              for i in range(len(register.resolutions))]
    assert totals == [str(len(register.demands_of(r.id))) for r in register.resolutions]
    page.pdf(path=str(tmp_path / "index.pdf"), format="A4")
    assert "Where the demands stand" in pdf_text(tmp_path / "index.pdf")
    page.close()
    # Small enough to attach to an email (it was 5.9 MB when the chart patterns were printed as bitmaps) ...
    assert (tmp_path / "index.pdf").stat().st_size < 1_000_000
    # ... and no heading is left at the foot of a page without what it introduces.
    pages = pdf_text(tmp_path / "index.pdf").split("\f")
    follows = {"Status now, by resolution": "Each bar is one resolution", "Year by year": "Each bar is one year",
               "Demands the Parliament had to repeat": "Demands made again by a later resolution",
               "People named": "People named in the demands", "Every demand": "Every demand with its current status"}
    for heading, after in follows.items():
        on = [i for i, text in enumerate(pages) if heading in text.replace(after, "")]
        assert on and after in pages[on[0]], f"{heading!r} is on page {on} without {after!r}"
