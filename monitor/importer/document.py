"""A saved document -> plain text: the Parliament's or EUR-Lex's HTML page, a PDF of either, or pasted text.

HTML is read with lxml as data only: scripts, styles and embedded objects are dropped unread, nothing is fetched
and nothing runs. Block elements and table rows become lines, table cells sit side by side on their line (the
Parliament's page puts a paragraph's number and its words in separate cells). A PDF's text comes from poppler's
`pdftotext` (or the pypdf library when it is installed), without the lines every page repeats (a journal's
header, "Page 3") and with words hyphenated at a line's end joined again.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from ..i18n import _, format_number
from . import ImportRefused

MAX_BYTES = 10 * 1024 * 1024  # a long adopted text's page is under 1 MB, its PDF a few MB
PDF_SECONDS = 60
Kind = Literal["html", "pdf", "text"]

_DROPPED = ("script", "style", "noscript", "template", "iframe", "object", "embed", "head", "svg", "math",
            "button", "select", "textarea")
_BLOCKS = {"p", "div", "br", "tr", "li", "ul", "ol", "table", "tbody", "thead", "h1", "h2", "h3", "h4", "h5",
           "h6", "section", "article", "header", "footer", "nav", "blockquote", "dd", "dt", "dl", "hr", "main",
           "form", "title", "pre", "address", "figure", "caption"}
_CELLS = {"td", "th"}
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


@dataclass(frozen=True)
class Document:
    """A document's text, one line per line or block of the original, and what kind of file it was."""

    name: str   # the file or address it came from, for messages
    kind: Kind
    text: str


def read_document(data: bytes, name: str) -> Document:
    """The text of `data` (the bytes of a saved page, a PDF or text); ImportRefused when there is none."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("{file}: the file is {size} bytes, more than the limit of {limit} — save only the "
                              "adopted text's page or its PDF").format(file=name, size=format_number(len(data)),
                                                                       limit=format_number(MAX_BYTES)))
    if data.startswith(b"%PDF"):
        kind: Kind = "pdf"
        text = pdf_text(data, name)
    elif data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportRefused(_("{name}: this is a Word or other office file — save the adopted text as a PDF or its "
                              "web page (HTML), or copy its text into a .txt file").format(name=name))
    elif _looks_like_html(data):
        kind, text = "html", html_text(data)
    else:
        kind, text = "text", decode(data)
    text = tidy(text)
    if not text.strip():
        if kind == "pdf":
            said = _("{name}: the PDF has no text (a scanned image?) — find the text version on the Parliament's site")
        else:
            said = _("{name}: the file is empty — save the adopted text's page again")
        raise ImportRefused(said.format(name=name))
    return Document(name, kind, text)


def decode(data: bytes) -> str:
    """Text as UTF-8 (with or without BOM), else as Windows-1252, which every byte decodes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def tidy(text: str) -> str:
    """Lines with single spaces: no-break and other spaces made plain, soft hyphens and zero widths removed."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or bool(
        re.search(rb"<(html|body|div|p|table|span|head|meta)[\s>]", head))


def html_text(data: bytes) -> str:
    """The visible text of an HTML page, one line per block; scripts and styles never read, nothing fetched."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in list(root.iter(*_DROPPED)):
        if element.getparent() is not None:  # its tail (text after it) stays
            element.drop_tree()
    out: list[str] = []
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCKS:
                out.append("\n")
            elif tag in _CELLS:
                out.append(" ")
            if element.text and tag:
                out.append(element.text)
        else:
            if tag in _BLOCKS:
                out.append("\n")
            if element.tail:
                out.append(element.tail)
    return "".join(out)


def pdf_text(data: bytes, name: str) -> str:
    """The text of a PDF, pages in order, without repeated page headers and footers, hyphenation undone."""
    if shutil.which("pdftotext"):
        pages = _pdftotext(data, name, [])
        if _numbers_apart(pages):  # numbers in a column of their own, read before the words: keep the lines
            pages = _pdftotext(data, name, ["-layout"])
    else:
        pages = _pypdf_pages(data, name)
    return dehyphenate("\n".join(without_running_heads(pages)))


def _pdftotext(data: bytes, name: str, options: list[str]) -> list[str]:
    """The pages of a PDF as poppler's pdftotext reads them (in reading order, columns one after the other)."""
    try:
        run = subprocess.run(["pdftotext", *options, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                             timeout=PDF_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise ImportRefused(_("{name}: reading the PDF took more than {seconds} s — save the adopted text's web "
                              "page instead").format(name=name, seconds=format_number(PDF_SECONDS))) from None
    if run.returncode != 0:
        raise ImportRefused(_("{name}: this PDF cannot be read ({reason}) — save the adopted text's web page "
                              "instead").format(name=name, reason=_first_line(run.stderr)))
    return run.stdout.decode("utf-8", errors="replace").split("\f")


def _numbers_apart(pages: list[str]) -> bool:
    """True when three lines in a row hold only a number or letter ("1.", "B."): a layout of two columns."""
    run = 0
    for line in "\n".join(pages).split("\n"):
        if not line.strip():
            continue
        run = run + 1 if re.fullmatch(r"\s*(?:\d{1,3}|[A-Z]{1,2})\.\s*", line) else 0
        if run >= 3:
            return True
    return False


def _pypdf_pages(data: bytes, name: str) -> list[str]:
    try:
        import io

        import pypdf
    except ImportError:
        raise ImportRefused(_("{name}: reading a PDF needs poppler's pdftotext (apt-get install poppler-utils, "
                              "brew install poppler) or the pypdf library (pip install pypdf); or save the adopted "
                              "text's web page instead").format(name=name)) from None
    try:
        return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages]
    except Exception as exc:  # pypdf raises many types for a damaged file
        raise ImportRefused(_("{name}: this PDF cannot be read ({reason}) — save the adopted text's web page "
                              "instead").format(name=name, reason=exc)) from None


def _first_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", errors="replace").strip().splitlines()
    return lines[0][:120] if lines else _("pdftotext failed")


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())


def without_running_heads(pages: list[str]) -> list[str]:
    """The pages without the short lines that open or close most pages (digits aside), and bare page numbers."""
    edges: Counter[str] = Counter()
    for page in pages:
        lines = [line for line in page.split("\n") if line.strip()]
        edges.update({_shape(line) for line in lines[:3] + lines[-3:] if len(line.strip()) <= 80})
    repeated = {shape for shape, count in edges.items() if len(pages) > 1 and count >= max(2, len(pages) // 2)}
    kept = []
    for page in pages:
        lines = page.split("\n")
        filled = [n for n, line in enumerate(lines) if line.strip()]
        edge = set(filled[:3] + filled[-3:])
        kept.append("\n".join(line for n, line in enumerate(lines)
                              if not (n in edge and _shape(line) in repeated) and not re.fullmatch(r"\s*\d{1,4}\s*",
                                                                                                    line)))
    return kept


def dehyphenate(text: str) -> str:
    """'inter-\\nnational' -> 'international' (a lower-case letter on both sides); 'well-\\nknown' stays in doubt
    and keeps its hyphen only when the word before is one the text writes hyphenated elsewhere."""
    hyphenated = set(re.findall(r"\b(\w+-\w+)\b", text))

    def join(match: re.Match) -> str:
        whole = f"{match[1]}-{match[2]}"
        return whole if whole in hyphenated else match[1] + match[2]

    return re.sub(r"\b(\w*[a-z])-\n([a-z]\w*)", join, text)
