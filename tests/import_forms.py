"""The forms users will save a resolution's text in, built in the tests from a seed text in ../shared/seeds.

Seed 002 is a political group's motion (recitals A.-Q., paragraphs 1.-13.), not an adopted text: the pages built
here lay its words out as the Parliament's page and EUR-Lex's do (see shared/facts/ep-page-shapes.md), under a
reference, procedure and OJ number that are made up (9999) and a banner saying so, so that no fixture can be
taken for the adopted text. Nothing here copies a real page.
"""
from __future__ import annotations

import html
import re
import subprocess
import textwrap
from pathlib import Path
from xml.sax.saxutils import escape

from .conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
BANNER = "TEST FIXTURE: the words below are a political group's motion, laid out like the page; not an adopted text"
REFERENCE = "P7_TA(2012)9999"
MOTION = "RC-B7-9999/2012"
TITLE = "European Parliament resolution of 15 March 2012 on Kazakhstan"
PROCEDURE = "2012/9999(RSP)"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def items(text: str) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """(citations, recitals as (letter, words), paragraphs as (number, words)) of a complete seed, by its lines;
    a line that starts no item continues the one before (the seed breaks recital O. over a blank line)."""
    citations: list[str] = []
    recitals: list[list[str]] = []
    paragraphs: list[list[str]] = []
    current: list | None = None
    body = text[text.index("The European Parliament,"):text.index("Recommended")]
    for line in body.splitlines()[1:]:
        line = line.strip()
        if not line:
            continue
        if line.startswith("- having regard"):
            citations.append(line[2:])
            current = None
        elif m := re.match(r"([A-Z]{1,2})\. (whereas\b.*)", line):
            current = [m[1], m[2]]
            recitals.append(current)
        elif m := re.match(r"(\d{1,2})\. (.*)", line):
            current = [m[1], m[2]]
            paragraphs.append(current)
        elif current is not None:
            current[1] += " " + line
    return citations, [(a, b) for a, b in recitals], [(a, b) for a, b in paragraphs]


def parliament_html(text: str) -> bytes:
    """Laid out like europarl's TA page: navigation, the procedure box, the reference glued to the motion's number
    (two spans), numbers and words in separate table cells with non-breaking spaces, and a script that must not
    run or be read."""
    citations, recitals, paragraphs = items(text)
    rows = "".join(f'<tr><td class="num">{html.escape(n)}.&nbsp;&nbsp;</td><td><p class="text">{html.escape(w)}'
                   "</p></td></tr>\n" for n, w in recitals + paragraphs)
    cites = "".join(f"<p><span>–&nbsp;</span><span>{html.escape(c)}</span></p>\n" for c in citations)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>Texts adopted - Kazakhstan</title>
<script>document.write("<p>1. Calls for what a script says</p>"); window.location = "https://example.org/"</script>
<style>p {{ margin: 0 }}</style></head>
<body onload="alert('never run')">
<p><!-- {BANNER} -->{BANNER}</p>
<ul><li><a href="#">Index</a></li><li><a href="#">Previous</a></li><li><a href="#">Next</a></li>
<li><a href="#">Full text</a></li></ul>
<table><tr><td>Procedure : {PROCEDURE}</td><td>Document stages in plenary</td></tr>
<tr><td>Document selected :</td><td>{MOTION}</td></tr>
<tr><td>Texts adopted :</td><td>{REFERENCE}</td></tr></table>
<h1>Texts adopted</h1><a href="#">PDF 120k</a> <a href="#">WORD 60k</a>
<p>Thursday, 15 March 2012 - Strasbourg</p>
<p class="title">Kazakhstan</p>
<p><span class="ref">{REFERENCE}</span><span class="doc">{MOTION}</span></p>
<p class="full"><strong>{TITLE} ({PROCEDURE})</strong></p>
<noscript><p>2. Urges the reader to enable scripts</p></noscript>
<p>The European Parliament,</p>
{cites}<table>{rows}</table>
<p>Last updated: 1 January 2013</p><p>Legal notice - Privacy policy</p>
</body></html>
""".encode("utf-8")


def eurlex_html(text: str) -> bytes:
    """Laid out like EUR-Lex: the document number, the title twice, the OJ header as a table, citations as
    two-cell rows ("—" | text), the recitals and paragraphs the same way."""
    citations, recitals, paragraphs = items(text)
    row = "<tr><td><p>{}</p></td><td><p>{}</p></td></tr>\n"
    body = "".join(row.format("—", html.escape(c)) for c in citations)
    body += "".join(row.format(f"{n}.", html.escape(w)) for n, w in recitals + paragraphs)
    return f"""<html><head><title>EUR-Lex - 52012IP9999 - EN</title></head><body>
<div><p>{BANNER}</p><p>Document 52012IP9999</p><h1>{TITLE}</h1><p>OJ C 999E, 31.8.2013, p. 93–97</p>
<p>Languages: BG ES CS DA DE ET EL EN FR IT LV LT HU MT NL PL PT RO SK SL FI SV</p>
<table><tr><td>15.6.2012</td><td>EN</td><td>Official Journal of the European Union</td><td>CE 999/49</td></tr></table>
<p>Thursday 15 March 2012</p><p>Kazakhstan</p><p>{REFERENCE}</p>
<p>{TITLE}</p><p>(2013/C 999 E/99)</p>
<p>The European Parliament,</p>
<table>{body}</table></div></body></html>
""".encode("utf-8")


def pasted(text: str) -> str:
    """As copied from a browser into a text editor: every item broken over lines of about 60 characters, a
    number left alone on its line now and then, and blank lines between some items."""
    citations, recitals, paragraphs = items(text)
    out = [BANNER, "", REFERENCE + MOTION, TITLE, "", "The European Parliament,", ""]
    out += ["– " + c for c in citations]
    for n, (mark, words) in enumerate(recitals + paragraphs):
        lines = textwrap.wrap(words, 60)
        if n % 4 == 0:
            out += [f"{mark}.", *lines]
        else:
            out += [f"{mark}. {lines[0]}", *lines[1:]]
        if n % 3 == 0:
            out.append("")
    return "\n".join(out) + "\n"


def libreoffice_pdf(text: str, folder: Path) -> bytes:
    """A PDF printed by LibreOffice (Calc, the part of it the tests install): numbers in a narrow column, words
    wrapped in a wide one, the sheet's name and "Page N" printed on every page as header and footer."""
    citations, recitals, paragraphs = items(text)

    def cell(words: str) -> str:
        return (f'<table:table-cell table:style-name="wrap" office:value-type="string"><text:p>{escape(words)}'
                "</text:p></table:table-cell>")

    rows = [("", BANNER), ("", REFERENCE + MOTION), ("", f"{TITLE} ({PROCEDURE})"), ("", "The European Parliament,")]
    rows += [("–", c) for c in citations] + [(f"{n}.", w) for n, w in recitals + paragraphs]
    body = "".join(f"<table:table-row>{cell(a)}{cell(b)}</table:table-row>" for a, b in rows)
    ns = {"office": "office:1.0", "style": "style:1.0", "text": "text:1.0", "table": "table:1.0",
          "fo": "xsl-fo-compatible:1.0"}
    attrs = " ".join(f'xmlns:{k}="urn:oasis:names:tc:opendocument:xmlns:{v}"' for k, v in ns.items())
    fods = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {attrs} office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
<style:style style:name="narrow" style:family="table-column"><style:table-column-properties style:column-width="1.2cm"/>
</style:style>
<style:style style:name="wide" style:family="table-column"><style:table-column-properties style:column-width="15cm"/>
</style:style>
<style:style style:name="wrap" style:family="table-cell"><style:table-cell-properties fo:wrap-option="wrap"
 style:vertical-align="top"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet><table:table table:name="Motion">
<table:table-column table:style-name="narrow"/><table:table-column table:style-name="wide"/>{body}
</table:table></office:spreadsheet></office:body></office:document>"""
    return print_pdf(fods, folder)


def print_pdf(fods: str, folder: Path) -> bytes:
    """`fods` (a flat OpenDocument spreadsheet) printed to PDF by LibreOffice."""
    source = folder / "text.fods"
    source.write_text(fods, encoding="utf-8")
    subprocess.run(["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=180)
    return (folder / "text.pdf").read_bytes()
