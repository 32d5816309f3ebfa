"""`monitor import`'s reading: a saved document -> plain text -> parts -> calls, on real texts nobody here wrote.

Seed 002 (a complete motion: citations, recitals A.-Q., paragraphs 1.-13.) is read in the four forms users will
have (tests/import_forms.py builds them): the Parliament's page, EUR-Lex's, a PDF printed by LibreOffice, and text
pasted with stray line breaks. Seed 000 is a fragment pasted as one line.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from monitor.importer import ImportRefused
from monitor.importer.calls import calls_of
from monitor.importer.document import dehyphenate, read_document, without_running_heads
from monitor.importer.parts import read_parts, same_reference

from .import_forms import (
    BANNER,
    MOTION,
    REFERENCE,
    SEEDS,
    TITLE,
    eurlex_html,
    libreoffice_pdf,
    parliament_html,
    pasted,
    seed,
)

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")

SEVEN = ["Natalia Sokolova", "Akhzhanat Aminov", "Vladimir Kozlov", "Igor Vinyavskiy", "Serik Sapargaly",
         "Ruslan Simbinov", "Aizhangul Amirova"]
# paragraph -> addressee of each call, as the words give it (None: "calls for ..." names nobody)
ADDRESSEES = {"1": [None], "3": ["Kazakh government"], "4": ["EEAS"], "5": ["government of Kazakhstan"],
              "6": ["authorities"], "7": [None], "8": ["Kazakh authorities"], "9": ["Kazakh government"],
              "10": [None], "11": ["External Action Service"]}


def _form(name: str, tmp_path: Path) -> bytes:
    text = seed("002")
    if name == "pdf":
        if not shutil.which("soffice") or not shutil.which("pdftotext"):
            pytest.skip("LibreOffice or pdftotext is not installed")
        return libreoffice_pdf(text, tmp_path)
    return {"parliament": parliament_html, "eurlex": eurlex_html}.get(name, lambda t: pasted(t).encode())(text)


@pytest.fixture(scope="module")
def pdf_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return _form("pdf", tmp_path_factory.mktemp("pdf"))


@pytest.mark.parametrize("form", ["parliament", "eurlex", "pdf", "pasted"])
def test_every_form_of_the_motion_gives_the_same_parts_and_calls(form: str, tmp_path: Path,
                                                                 request: pytest.FixtureRequest) -> None:
    data = request.getfixturevalue("pdf_bytes") if form == "pdf" else _form(form, tmp_path)
    document = read_document(data, f"motion.{form}")
    parts = read_parts(document.text, document.name)
    assert [r.letter for r in parts.recitals] == list("ABCDEFGHIJKLMNOPQ")
    assert [p.number for p in parts.paragraphs] == [str(n) for n in range(1, 14)]
    assert parts.reference == REFERENCE and parts.title == TITLE
    assert str(parts.adopted) == "2012-03-15"
    if form != "eurlex":  # the Parliament's page and these copies print the reference glued to the motion's number
        assert parts.motion_number == MOTION
    # the words of every paragraph, whole: nothing of the page's furniture, headers or footers in them
    first, last = parts.paragraphs[0].text, parts.paragraphs[-1].text
    assert first.startswith("Strongly condemns the violent crackdown") and first.endswith("torture of detainees;")
    assert last.endswith("the Organisation for Security and Cooperation in Europe.")
    assert not any(word in p.text for p in parts.paragraphs for word in ("Page ", "Motion", "Legal notice", "script"))
    assert parts.recitals[14].text.startswith("whereas on 28 January around 1000 people")  # O., broken in the seed
    assert "against the repression and calling" in parts.recitals[14].text
    calls = [call for p in parts.paragraphs for call in calls_of(p)]
    assert {p: [c.addressee for c in calls if c.paragraph == p] for p in ADDRESSEES} == ADDRESSEES
    assert len(calls) == 10
    assert [list(c.people) for c in calls if c.people] == [SEVEN]
    assert not calls_of(parts.paragraphs[12]) and not calls_of(parts.paragraphs[1])  # instructs; underlines


def test_the_parliaments_page_gives_the_procedure_and_never_reads_its_scripts() -> None:
    data = parliament_html(seed("002"))
    document = read_document(data, "TA.html")
    assert document.kind == "html"
    assert "script says" not in document.text and "enable scripts" not in document.text
    assert "never run" not in document.text and BANNER in document.text
    assert "1.\u00a0" not in document.text  # no-break spaces made plain
    assert read_parts(document.text, "TA.html").procedure == "2012/9999(RSP)"


def test_the_fragment_pasted_as_one_line_gives_its_recitals_and_paragraphs() -> None:
    parts = read_parts(read_document(seed("000").encode("utf-8"), "000.txt").text, "000.txt")
    assert [r.letter for r in parts.recitals] == list("MNOPQRSTUV")
    assert [p.number for p in parts.paragraphs] == ["1", "2"]
    assert parts.recitals[0].text.startswith("whereas on 6 January, the President of Kazakhstan signed")
    assert parts.paragraphs[0].text.endswith("independent trade unions and independent media sources;")
    assert parts.reference is None and parts.adopted is None


def test_a_reference_glued_to_the_motion_number_and_the_provisional_form() -> None:
    text = ("P6_TA(2007)0165A6-0128/2007\nP7_TA-PROV(2010)0489\nThe European Parliament,\n"
            "1. Calls on the Council to act.\n")
    parts = read_parts(text, "t")
    assert (parts.reference, parts.motion_number) == ("P6_TA(2007)0165", "A6-0128/2007")
    assert same_reference("P7_TA-PROV(2010)0489", "P7_TA(2010)0489")
    assert not same_reference("P7_TA(2010)0489", "P7_TA(2010)0490") and not same_reference(None, "x")


def test_sub_points_and_a_lead_in_that_asks_make_one_call_each() -> None:
    text = ("The European Parliament,\nA. whereas x;\n1. Calls on the Commission:\n(a) to publish the report;\n"
            "(b) to suspend the programme, and\n(c) to report back;\n2. Instructs its President to forward this "
            "resolution to the Council.\n")
    parts = read_parts(text, "t")
    first = parts.paragraphs[0]
    assert first.lead == "Calls on the Commission:" and [p.letter for p in first.points] == ["a", "b", "c"]
    calls = calls_of(first)
    assert [(c.paragraph, c.addressee, c.words) for c in calls] == [
        ("1(a)", "Commission", "to publish the report"), ("1(b)", "Commission", "to suspend the programme"),
        ("1(c)", "Commission", "to report back")]


def test_a_long_text_goes_past_z_to_aa() -> None:
    letters = [chr(c) for c in range(65, 91)] + ["AA", "AB"]
    text = "".join(f"{letter}. whereas item {n};\n" for n, letter in enumerate(letters)) + "1. Urges all to act.\n"
    assert [r.letter for r in read_parts(text, "t").recitals] == letters


def test_numbers_inside_sentences_do_not_start_paragraphs() -> None:
    text = ("The European Parliament,\n1. Notes that on 16 December 2011. 3 000 people rallied; 5. Calls on no one;\n"
            "2. Calls on the Government to act on the 2012. report.\n")
    parts = read_parts(text, "t")
    assert [p.number for p in parts.paragraphs] == ["1", "2"]
    assert "5. Calls on no one" in parts.paragraphs[0].text


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"Minutes of the sitting\nThe sitting opened at 9.00.\n", "no numbered paragraphs"),
    (b"PK\x03\x04rest of a zip", "Word or other office file"),
    (b"<html><body><script>1. Calls on the Council;</script><p>Nothing here.</p></body></html>",
     "no numbered paragraphs"),
])
def test_what_is_not_a_resolutions_text_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ImportRefused, match=message):
        document = read_document(data, "saved")
        read_parts(document.text, document.name)


def test_a_file_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.importer import document

    monkeypatch.setattr(document, "MAX_BYTES", 100)
    with pytest.raises(ImportRefused, match="101 bytes, more than the limit of 100"):
        read_document(b"x" * 101, "big.html")


def test_a_pdf_without_text_is_refused(tmp_path: Path) -> None:
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or pdftotext is not installed")
    from .import_forms import print_pdf

    empty = ('<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:'
             'xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2" '
             'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet>'
             '<table:table table:name=" "><table:table-row><table:table-cell/></table:table-row></table:table>'
             "</office:spreadsheet></office:body></office:document>")
    data = print_pdf(empty, tmp_path)
    assert data.startswith(b"%PDF")
    with pytest.raises(ImportRefused, match="the PDF has no text"):
        read_document(data, "scan.pdf")


def test_running_heads_and_hyphenation_of_a_pdf() -> None:
    pages = ["C 251 E/94\nEN\nOfficial Journal of the European Union\n1. Calls on the inter-\nnational community;\n17",
             "C 251 E/95\nEN\nOfficial Journal of the European Union\n2. Urges a well-\nknown well-known step;\n18"]
    text = dehyphenate("\n".join(without_running_heads(pages)))
    assert "Official Journal" not in text and "C 251" not in text and "\n17" not in text
    assert "international community" in text and "well-known well-known" in text
