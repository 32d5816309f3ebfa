"""Private material (`private: true` entries, `private_notes:`) never reaches a report, the workbook or a digest.

A register full of private markers goes through the real commands: every page, every part of the workbook's
XML, the saved digest (text and HTML) and the emails a real SMTP server received are searched for each private
word. With --include-private the words are there, and every output says so at the top.
"""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import monitor
from monitor.view import public

from .conftest import DATA, ROOT, TODAY
from .mail_servers import mail_env

SECRETS = ["SECRET-NOTE-ALPHA", "SECRET-ENTRY-BRAVO", "SECRET-SOURCE-CHARLIE", "SECRET-DEMAND-DELTA",
           "SECRET-PERSON-ECHO"]
PRIVATE_REGISTER = """\
      - date: 2026-11-20
        status: not-met
        note: A lawyer who must stay unnamed, SECRET-ENTRY-BRAVO, told us the appeal was refused.
        sources: [https://secret.example.org/SECRET-SOURCE-CHARLIE]
        private: true
"""
HIDDEN_DEMAND = """\
  - id: hidden-2021
    resolution: "2021"
    paragraph: "9"
    addressee: Examplestan authorities
    topic: political prisoners
    person: SECRET-PERSON-ECHO
    demand: Release of SECRET-DEMAND-DELTA
    text: calls for the release
    history:
      - date: 2021-05-20
        status: pending
        note: Known only from a relative.
        private: true
"""


@pytest.fixture
def data(tmp_path) -> Path:
    """The small register with a private note, a private latest entry and a demand known only privately."""
    text = (DATA / "valid" / "small.yaml").read_text(encoding="utf-8")
    anchor = "    demand: An independent international inquiry into the events of 2018\n"
    text = text.replace(anchor, anchor + "    private_notes: Our contact is SECRET-NOTE-ALPHA, do not name.\n", 1)
    marker = "          - https://example.org/news/refusal\n"
    assert marker in text
    text = text.replace(marker, marker + PRIVATE_REGISTER, 1) + HIDDEN_DEMAND
    path = tmp_path / "demands.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run(data: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "monitor", "--file", str(data), "--today", TODAY.isoformat(), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr
    return done


def everything_in(folder: Path) -> str:
    """Every file below `folder` as text, the workbook's XML parts included."""
    texts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                texts += [book.read(name).decode("utf-8", "replace") for name in book.namelist()]
        elif path.suffix != ".sqlite":
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


def test_the_register_is_valid_and_public_leaves_out_what_is_private(data):
    register = monitor.load_register(data, today=TODAY)
    inquiry = register.demand("inquiry-2019")
    assert inquiry.history[-1].private and inquiry.value("private_notes").startswith("Our contact")
    shown = public(register)
    assert "hidden-2021" not in {d.id for d in shown.demands}
    inquiry = shown.demand("inquiry-2019")
    assert not any(e.private for e in inquiry.history) and inquiry.value("private_notes") == ""
    assert inquiry.status.value == "not-met" and inquiry.latest.date.isoformat() == "2020-06-01"


def test_no_private_word_in_reports_workbook_or_digest(data, tmp_path, smtp):
    out, state = tmp_path / "out", tmp_path / "state"
    run(data, "report", "--out", str(out), "--since", "2019-01-01")
    run(data, "digest", "--out", str(out), "--since", "2019-01-01")
    run(data, "digest", "--out", str(tmp_path / "sent"), "--since", "2019-01-01", "--send",
        env=mail_env(smtp.port, state))
    written = everything_in(out) + everything_in(tmp_path / "sent")
    assert "index.html" in {p.name for p in out.iterdir()} and (out / "demands.xlsx").exists()
    assert len(list((out / "digests").glob("*.txt"))) == 1 and len(list((out / "digests").glob("*.html"))) == 1
    emails = [smtp.parsed(i) for i in range(len(smtp.messages))]
    assert emails, "the digest was sent"
    for message in emails:
        written += "\n".join(part.get_content() for part in message.walk() if part.get_content_maintype() == "text")
    assert "inquiry-2019" in written  # the demand itself is reported ...
    for word in SECRETS:
        assert word not in written, word  # ... nothing private about it is
    assert "private material" not in written.lower()


def test_include_private_shows_it_and_says_so(data, tmp_path):
    out = tmp_path / "out"
    run(data, "report", "--out", str(out), "--include-private")
    run(data, "digest", "--out", str(out), "--since", "2019-01-01", "--include-private")
    pages = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    assert "SECRET-ENTRY-BRAVO" in pages["2019.html"] and "SECRET-DEMAND-DELTA" in pages["index.html"]
    for name, page in pages.items():
        assert "Includes private material" in page, name
    digest = everything_in(out / "digests")
    assert "SECRET-ENTRY-BRAVO" in digest and "INCLUDES PRIVATE MATERIAL" in digest


def test_a_private_digest_is_never_emailed(data, tmp_path, smtp):
    done = subprocess.run([sys.executable, "-m", "monitor", "--file", str(data), "--today", TODAY.isoformat(),
                           "digest", "--send", "--include-private", "--out", str(tmp_path / "out")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                          env={**os.environ, **mail_env(smtp.port, tmp_path / "state")})
    assert done.returncode == 2 and "never emailed" in done.stderr
    assert smtp.messages == []


def test_private_is_true_or_false(tmp_path):
    text = (DATA / "valid" / "small.yaml").read_text(encoding="utf-8")
    marker = "          - https://example.org/news/refusal\n"
    path = tmp_path / "demands.yaml"
    text = text.replace(marker, marker + "        private: yes\n", 1)
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("        private: yes") + 1
    _, problems = monitor.validate_file(path, today=TODAY)
    assert [(p.line, p.column, p.code) for p in problems] == [(line, 18, "not-a-flag")]


def test_the_workbook_says_it_holds_private_material(data, tmp_path):
    out = tmp_path / "out"
    run(data, "report", "--out", str(out), "--include-private")
    with zipfile.ZipFile(out / "demands.xlsx") as book:
        sheets = [book.read(n).decode("utf-8") for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        shared = book.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in book.namelist() \
            else ""
    assert len(sheets) >= 4 and all("Includes private material" in s for s in sheets)  # every printed page's top
    assert "SECRET-ENTRY-BRAVO" in "".join(sheets) + shared
