"""`monitor report --lang en,ru`: each language's pages and workbook in its own folder, a page to choose one, all
published together or not at all; the Russian pages checked as a reader and an auditor would (the Nu Html Checker,
axe-core, headless Chromium, printed to PDF with its Cyrillic text and embedded fonts).

The checkers come from tests/run.sh (npm ci in tests/tools, Java, Chromium, poppler-utils, fonts-dejavu-core): a
missing one fails these tests, never skips them.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

import monitor
from monitor import cli
from monitor.report import write_reports
from monitor.view import View

from .test_html_validity import VNU, axe_violations
from .test_report_browser import browser, open_page, pdf_text  # noqa: F401  (the same headless Chromium)
from .translated import INQUIRY_DEMAND, translated

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SMALL = HERE / "data" / "valid" / "small.yaml"
TODAY = dt.date(2026, 11, 24)
EVERY = ["index.html", "en/index.html", "en/2019.html", "en/2021.html", "en/demands.xlsx", "ru/index.html",
         "ru/2019.html", "ru/2021.html", "ru/demands.xlsx"]


def files_in(folder: Path) -> dict[str, bytes]:
    """The reports in `folder` (not the list of them, .monitor-reports, which report.py keeps beside them)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".monitor-reports"}


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """The small fixture, with hand-made Russian translations, in English and Russian."""
    out = tmp_path_factory.mktemp("languages") / "reports"
    register = translated(monitor.load_register(SMALL, today=TODAY))
    write_reports(register, out, view=View(TODAY, since=dt.date(2022, 1, 1)), languages=("en", "ru"))
    return out


def test_each_language_in_its_folder_and_a_page_to_choose(reports):
    assert sorted(files_in(reports)) == sorted(EVERY)
    assert not [p for p in reports.rglob(".staging*")]  # no staging folder left behind
    chooser = (reports / "index.html").read_text(encoding="utf-8")
    assert '<a href="en/index.html" hreflang="en">English</a>' in chooser
    assert '<a href="ru/index.html" hreflang="ru">Русский</a> — Как выполняются требования' in chooser
    assert '<html lang="ru">' in (reports / "ru" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in (reports / "en" / "index.html").read_text(encoding="utf-8")


def test_every_link_between_the_languages_leads_to_a_page_that_is_there(reports):
    from .test_render_html import Page

    for page in sorted(reports.rglob("*.html")):
        tags = Page(page.read_text(encoding="utf-8")).tags
        targets = [a["href"] for t, a in tags if t in ("a", "link") and "hreflang" in a]
        assert targets, page
        for href in targets:
            target = Path(urlparse(urljoin(page.as_uri(), href)).path)
            assert target.is_file(), (page, href)
            assert target.parent.name == next(a["hreflang"] for t, a in tags if a.get("href") == href)


def test_the_workbook_is_written_in_each_language(reports):
    from openpyxl import load_workbook

    english = load_workbook(reports / "en" / "demands.xlsx", read_only=True)
    russian = load_workbook(reports / "ru" / "demands.xlsx", read_only=True)
    assert len(english.sheetnames) == len(russian.sheetnames) >= 1


def test_one_language_writes_into_the_folder_as_before(small_register, tmp_path):
    written = write_reports(small_register, tmp_path / "ru", today=TODAY, languages=("ru",))
    assert [p.name for p in written] == ["index.html", "2019.html", "2021.html", "demands.xlsx"]
    assert '<html lang="ru">' in (tmp_path / "ru" / "index.html").read_text(encoding="utf-8")
    english = write_reports(small_register, tmp_path / "en", today=TODAY, languages=("en",))
    assert files_in(tmp_path / "en") == files_in(write_dir(small_register, tmp_path / "plain"))
    assert [p.name for p in english] == [p.name for p in written]


def test_the_files_of_the_previous_layout_go_and_nothing_else(small_register, tmp_path):
    """One language, then two, then one again: each time only the new set is left, so that pages of an earlier
    report (one with private material, say) are never published beside it by mistake. A file of someone else's
    stays, a link is not followed, and a manifest naming a place outside the folder removes nothing there."""
    out = tmp_path / "reports"
    write_reports(small_register, out, view=View(TODAY, private=True))
    (out / "notes.txt").write_text("ours", encoding="utf-8")
    write_reports(small_register, out, today=TODAY, languages=("en", "ru"))
    names = [f"{code}/{name}" for code in ("en", "ru") for name in ("index.html", "2019.html", "2021.html",
                                                                     "demands.xlsx")]
    assert sorted(files_in(out)) == sorted(["index.html", "notes.txt", *names])
    write_reports(small_register, out, today=TODAY)
    assert sorted(files_in(out)) == ["2019.html", "2021.html", "demands.xlsx", "index.html", "notes.txt"]
    assert not (out / "en").exists() and not (out / "ru").exists()
    outside = tmp_path / "outside.html"
    outside.write_text("keep", encoding="utf-8")
    (out / "elsewhere.html").symlink_to(outside)
    (out / ".monitor-reports").write_text("../outside.html\nelsewhere.html\nnotes.txt/..\n", encoding="utf-8")
    write_reports(small_register, out, today=TODAY)
    assert outside.read_text(encoding="utf-8") == "keep" and (out / "elsewhere.html").is_symlink()


def write_dir(register, out: Path) -> Path:
    write_reports(register, out, today=TODAY)
    return out


def test_a_failure_in_the_second_language_leaves_the_previous_reports(small_register, tmp_path, monkeypatch, capsys):
    out = tmp_path / "reports"
    write_reports(small_register, out, today=TODAY, languages=("en", "ru"))
    before = files_in(out)
    import monitor.render.excel
    from monitor.i18n import current

    real = monitor.render.excel.render_workbook

    def full_disk_in_russian(*args, **kwargs):
        if current().code == "ru":
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(monitor.render.excel, "render_workbook", full_disk_in_russian)
    code = cli.main(["--file", str(SMALL), "--today", "2026-11-25", "report", "--lang", "en,ru", "--out", str(out)])
    assert code == 1
    assert capsys.readouterr().err.startswith("monitor: the disk is full: cannot write to ")
    assert files_in(out) == before
    assert not [p for p in out.rglob(".staging*")]


def test_a_failure_while_writing_the_second_language_leaves_the_previous_reports(small_register, tmp_path,
                                                                                  monkeypatch):
    out = tmp_path / "reports"
    write_reports(small_register, out, today=TODAY, languages=("en", "ru"))
    before = files_in(out)
    import monitor.store

    real_open = open

    def failing_open(path, mode="r", *args, **kwargs):
        if "w" in mode and Path(path).parent.name == "ru" and Path(path).name == "2021.html":
            raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(monitor.store, "open", failing_open, raising=False)
    with pytest.raises(OSError):
        write_reports(small_register, out, today=TODAY + dt.timedelta(days=1), languages=("en", "ru"))
    assert files_in(out) == before


def test_report_lang_en_ru_through_the_command_line(tmp_path):
    out = tmp_path / "reports"
    run = subprocess.run([sys.executable, "-m", "monitor", "--file", str(SMALL), "--today", "2026-11-24", "report",
                          "--lang", "en,ru", "--out", str(out)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == f"wrote 9 files to {out}/: " + ", ".join(EVERY) + "\n"
    assert sorted(files_in(out)) == sorted(EVERY)
    again = subprocess.run([sys.executable, "-m", "monitor", "--file", str(SMALL), "--today", "2026-11-24", "report",
                            "--lang", "ru,en", "--out", str(tmp_path / "again")], capture_output=True, text=True,
                           timeout=300, cwd=ROOT)
    assert again.returncode == 0
    assert again.stdout.startswith(f"записано 9 файлов в {tmp_path / 'again'}/: index.html, ru/index.html, ")
    assert '<html lang="ru">' in (tmp_path / "again" / "index.html").read_text(encoding="utf-8")


def test_an_unknown_language_is_one_plain_message(tmp_path):
    run = subprocess.run([sys.executable, "-m", "monitor", "--file", str(SMALL), "report", "--lang", "en,xx",
                          "--out", str(tmp_path / "reports")], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr == ("monitor: there is no 'xx' language — use one of: en, ru (a language is added with its "
                          "catalogue: see the README's section on languages)\n")
    assert not (tmp_path / "reports").exists()


def test_russian_pages_have_no_nu_checker_errors(reports):
    assert shutil.which("java"), "Java is not installed: run tests/run.sh (as root it installs default-jre-headless)"
    assert VNU.exists(), f"{VNU} is missing: run tests/run.sh (it runs npm ci in tests/tools)"
    pages = [reports / "index.html", *sorted((reports / "ru").glob("*.html"))]
    run = subprocess.run(["java", "-jar", str(VNU), "--format", "json", *map(str, pages)],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr)["messages"]
    errors = [f"{m['url'].rsplit('/', 2)[-2:]}:{m.get('lastLine')}: {m['message']}" for m in messages
              if m["type"] == "error" or m.get("subType") == "fatal"]
    assert errors == []
    warnings = {m["message"] for m in messages if m["type"] != "error"}
    assert all("Content Security Policy" in w for w in warnings), warnings  # the checker does not compute the hash


def test_russian_pages_have_no_axe_violations(reports, browser):
    assert axe_violations(browser, [reports / "index.html", *sorted((reports / "ru").glob("*.html"))]) == {}


def test_the_russian_filter_speaks_russian_and_the_switch_leads_to_english(reports, browser):
    page, outside, dialogs = open_page(browser, reports / "ru" / "index.html")
    page.fill("#filter", "inquiry")  # one of the two inquiries is shown in Russian
    assert page.locator("#all-demands tbody tr:visible").count() == 1
    assert page.locator("#filter-count").inner_text() == "Показано 1 из 5 требований"
    page.fill("#filter", "")
    page.select_option("#filter-resolution", "2021")
    assert page.locator("#filter-count").inner_text() == "Показано 3 из 5 требований"
    page.click('nav.languages a[hreflang="en"]')
    page.wait_for_load_state("load")
    assert page.url.endswith("/en/index.html") and page.locator("h1").inner_text() == "Where the demands stand"
    assert outside == [] and dialogs == []
    page.close()


def test_the_russian_pages_print_with_their_cyrillic_text_and_embedded_fonts(reports, browser, tmp_path):
    assert shutil.which("pdffonts"), "pdffonts is not installed: run tests/run.sh (it installs poppler-utils)"
    for name, words in (("index", ["Как выполняются требования", "требований", "Все требования"]),
                        ("2019", [INQUIRY_DEMAND.split()[0], "Неофициальный перевод", "язык оригинала"])):
        page, __, __ = open_page(browser, reports / "ru" / f"{name}.html")
        pdf = tmp_path / f"{name}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        page.close()
        text = " ".join(pdf_text(pdf).split())
        for word in words:
            assert word in text, (name, word)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
        assert rows, fonts
        assert any("DejaVu" in row[0] for row in rows), fonts  # the font the stylesheet asks for, with Cyrillic
        assert all(row[-5] == "yes" for row in rows), fonts  # every font embedded: it prints the same anywhere
