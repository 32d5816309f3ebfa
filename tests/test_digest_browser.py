"""The digest's HTML part in headless Chromium, as a narrow mail window shows it: nothing fetched, no sideways scroll.

Chromium is launched as in test_report_browser.py (Debian's, under Playwright). The page is the HTML part as saved
beside the email (the same bytes), with styles only in style attributes; screenshots go to tmp_path. In English and
in Russian, whose words are longer ("выполнено частично").
"""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

import monitor
from monitor.digest import run_digest
from monitor.i18n import use
from monitor.settings import load_settings
from tests.conftest import DATA, SHIPPED
from tests.test_report_browser import ARGS

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def browser():
    assert shutil.which("chromium"), "chromium is not installed: run tests/run.sh (as root it installs it with apt-get)"
    from playwright import sync_api as playwright

    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=ARGS)
        yield chromium
        chromium.close()


def digest_page(tmp_path, data, since, language="en"):
    """The saved HTML digest of `data` (entries from `since`) in `language`, with a reports address to link to."""
    settings = load_settings(data, environ={"MONITOR_STATE": str(tmp_path / "state"),
                                            "MONITOR_REPORTS_URL": "https://example.org/reports/"})
    with use(language):  # the language the command speaks: a preview is saved in it
        run_digest(monitor.load_register(data, today=TODAY), settings, out_dir=tmp_path, since=since, today=TODAY)
    suffix = "" if language == "en" else f".{language}"
    return tmp_path / "digests" / f"digest-{TODAY.isoformat()}{suffix}.html"


HEADING = {"en": "All demands by status", "ru": "Все требования по статусам"}


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("data, since", [(SHIPPED, dt.date(2025, 1, 1)), (DATA / "digest" / "changed.yaml",
                                                                          dt.date(2020, 1, 1))],
                         ids=["shipped", "changed"])
def test_the_digest_reads_in_a_narrow_mail_window(browser, tmp_path, data, since, language):
    path = digest_page(tmp_path, data, since, language)
    for width in (360, 600, 1000):
        page = browser.new_page(viewport={"width": width, "height": 800})
        outside = []
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
                   else (outside.append(r.request.url), r.abort()))
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client == width, f"{width} px: the page is {scroll} px wide"  # no sideways scrolling
        main = page.locator("table.main").bounding_box()
        assert main["width"] <= 600 and main["x"] >= 0
        assert page.locator("h1").is_visible() and page.get_by_text(HEADING[language]).is_visible()
        assert not page.locator(".preheader").is_visible()  # the inbox preview line, not shown in the message
        font = page.eval_on_selector("td.item", "td => parseFloat(getComputedStyle(td).fontSize)")
        assert font >= 15  # no shrinking to fit
        page.screenshot(path=str(tmp_path / f"digest-{width}.png"), full_page=True)
        assert outside == []
        page.close()
