"""The pages against the Nu Html Checker (vnu.jar) and axe-core, the checkers real users and auditors run.

Both come from the npm registry at the versions pinned in tests/tools/package.json; tests/run.sh installs them
(and Java, which vnu.jar needs). A missing checker fails these tests: it is never a reason to skip them.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import monitor
from monitor.report import write_reports

from .conftest import TODAY
from .test_report_browser import browser  # noqa: F401  (the same headless Chromium)

HERE = Path(__file__).resolve().parent
TOOLS = HERE / "tools" / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"
REGISTERS = {"small": HERE / "data" / "valid" / "small.yaml", "hostile": HERE / "data" / "hostile.yaml",
             "shipped": HERE.parent / "demands.yaml"}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[Path]:
    """Every page of the small fixture, the hostile register and the shipped data."""
    out = tmp_path_factory.mktemp("validity")
    for name, data in REGISTERS.items():
        write_reports(monitor.load_register(data, today=TODAY), out / name, today=TODAY)
    return sorted(out.glob("*/*.html"))


def test_pages_have_no_nu_checker_errors(pages):
    assert shutil.which("java"), "Java is not installed: run tests/run.sh (as root it installs default-jre-headless)"
    assert VNU.exists(), f"{VNU} is missing: run tests/run.sh (it runs npm ci in tests/tools)"
    run = subprocess.run(["java", "-jar", str(VNU), "--format", "json", *map(str, pages)],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr)["messages"]
    checked = {m["url"] for m in messages} | {p.as_uri() for p in pages}
    assert len(checked) >= len(pages) >= 8
    errors = [f"{m['url'].rsplit('/', 2)[-2:]}:{m.get('lastLine')}: {m['message']}" for m in messages
              if m["type"] == "error" or m.get("subType") == "fatal"]
    assert errors == []
    # The one warning left: the checker does not compute the hash that allows our one inline script.
    warnings = {m["message"] for m in messages if m["type"] != "error"}
    assert all("Content Security Policy" in w for w in warnings), warnings


def axe_violations(browser, pages) -> dict:
    """axe-core's violations on each page that has some: {page: ['rule (impact): <element...>', ...]}."""
    assert AXE.exists(), f"{AXE} is missing: run tests/run.sh (it runs npm ci in tests/tools)"
    context = browser.new_context(bypass_csp=True)  # axe is injected by the test, which the page's policy forbids
    found = {}
    try:
        for html in pages:
            page = context.new_page()
            page.goto(html.as_uri())
            page.evaluate(AXE.read_text(encoding="utf-8"))
            violations = page.evaluate("async () => (await axe.run(document)).violations"
                                       ".map(v => `${v.id} (${v.impact}): ${v.nodes[0].html.slice(0, 160)}`)")
            if violations:
                found[html] = violations
            page.close()
    finally:
        context.close()
    return found


def test_pages_have_no_axe_violations(pages, browser):
    assert axe_violations(browser, pages) == {}
