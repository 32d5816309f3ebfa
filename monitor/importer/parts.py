"""Plain text -> the parts of a resolution: title, reference, adoption date, recitals and numbered paragraphs.

The Parliament's texts have one form (see shared/facts/ep-page-shapes.md): a header with the reference
(`P9_TA(2022)0012`, run together with the motion's number when the page's markup is dropped), the full title
"European Parliament resolution of <day> on ...", then "The European Parliament," with its citations, the recitals
"A. whereas ...", and the operative paragraphs "1. Calls on ...", some with sub-points "(a)". A marker counts only
in sequence (B after A, 2 after 1), at a line's start or after a clause's end (text pasted as one line), so that a
date or an amount inside a sentence never starts a paragraph.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..i18n import _
from . import ImportRefused

REFERENCE = re.compile(r"\bP(?P<term>\d{1,2})_TA(?P<prov>-PROV)?\((?P<year>\d{4})\)(?P<number>\d{4})"
                       r"(?P<motion>(?:RC-)?[AB]\d{1,2}-\d{4}/\d{4})?")
PROCEDURE = re.compile(r"\b(\d{4}/\d{4}\([A-Z]{3}\))")
_TITLE_START = re.compile(r"European Parliament resolution of (\d{1,2} [A-Z][a-z]+ \d{4})\b")
_SITTING = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),? (\d{1,2} [A-Z][a-z]+ \d{4})")
_BODY = re.compile(r"^\s*The European Parliament\s*,?\s*$", re.M)
_RECITAL = re.compile(r"(?:^|(?<=[;:.] ))[ \t]*(?P<mark>[A-Z]{1,2})\.\s*(?=[Ww]hereas\b)", re.M)
_PARAGRAPH = re.compile(r"(?:^|(?<=[;:.] ))[ \t]*(?P<mark>\d{1,3})\.\s*(?=[A-Z\u2018\u201c'\"(])", re.M)
_POINT = re.compile(r"(?:^|(?<=[:;,.] )|(?<=\band ))\((?P<mark>[a-z])\)\s+")
_LAST_SENTENCE_END = re.compile(r"\.(?=[ \t]*(?:\n|\Z))")


@dataclass(frozen=True)
class Point:
    """A lettered sub-point of a paragraph: "(b) ..."."""

    letter: str
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A numbered operative paragraph: its words on one line, the words before its first sub-point, its points."""

    number: str
    text: str
    lead: str
    points: tuple[Point, ...]
    line: int  # where it starts in the document's text, for messages


@dataclass(frozen=True)
class Recital:
    """A recital: "A. whereas ..."."""

    letter: str
    text: str


@dataclass(frozen=True)
class Parts:
    """What a resolution's text says about itself, and its recitals and paragraphs in order."""

    title: str | None
    reference: str | None      # as printed, e.g. P7_TA(2012)0089 or P7_TA-PROV(2012)0089
    motion_number: str | None  # RC-B7-0135/2012, A6-0128/2007, when printed with the reference
    adopted: dt.date | None
    procedure: str | None
    is_motion: bool            # the text calls itself a motion for a resolution, not a text adopted
    recitals: tuple[Recital, ...]
    paragraphs: tuple[Paragraph, ...]

    def paragraph(self, number: str) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.number == number), None)


def read_parts(text: str, name: str) -> Parts:
    """The parts of a resolution's text; ImportRefused when it has no numbered paragraphs."""
    body_at = _BODY.search(text)
    recitals, paragraphs = _numbered(text, body_at.end() if body_at else 0)
    if not paragraphs:
        raise ImportRefused(_("{name}: no numbered paragraphs (\"1. Calls on ...\", \"2. ...\") were found, so this "
                              "is not a resolution's text — save the page of the adopted text itself (its address "
                              "starts with https://www.europarl.europa.eu/doceo/document/TA-), or its PDF").format(
                                  name=name))
    head_end = body_at.start() if body_at else _first_mark(text)
    header = text[:head_end]
    found = list(REFERENCE.finditer(header))  # not in the body, where citations name other texts
    reference = next((m for m in found if m["motion"]), found[0] if found else None)
    title, adopted, procedure = _title(header)
    procedure = procedure or _procedure_line(header)
    if adopted is None:
        sitting = _SITTING.search(header)
        adopted = _date(sitting[1]) if sitting else None
    return Parts(
        title=title or _short_title(header),
        reference=_reference(reference) if reference else None,
        motion_number=reference["motion"] if reference else None,
        adopted=adopted, procedure=procedure,
        is_motion="motion for a resolution" in header.lower() and not title,
        recitals=tuple(recitals), paragraphs=tuple(paragraphs))


def _reference(match: re.Match) -> str:
    return f"P{match['term']}_TA{match['prov'] or ''}({match['year']}){match['number']}"


def same_reference(a: str | None, b: str | None) -> bool:
    """True when two references name the same text (the provisional `-PROV` form aside)."""
    return bool(a and b) and a.replace("-PROV", "") == b.replace("-PROV", "")  # type: ignore[union-attr]


def _first_mark(text: str) -> int:
    found = [m.start() for m in (_RECITAL.search(text), _PARAGRAPH.search(text)) if m]
    return min(found) if found else len(text)


def _numbered(text: str, start: int) -> tuple[list[Recital], list[Paragraph]]:
    """Recitals and paragraphs from `start` on: each marker in sequence, its words up to the next one."""
    marks = sorted([(m.start(), "recital", m) for m in _RECITAL.finditer(text, start)]
                   + [(m.start(), "paragraph", m) for m in _PARAGRAPH.finditer(text, start)], key=lambda t: t[0])
    kept: list[tuple[str, re.Match]] = []
    letter, number = None, 0
    for _start, kind, match in marks:
        mark = match["mark"]
        if kind == "recital" and not number and (letter is None or mark == next_letter(letter)):
            letter = mark
            kept.append((kind, match))
        elif kind == "paragraph" and int(mark) == number + 1 and mark == str(int(mark)):
            number += 1
            kept.append((kind, match))
    recitals, paragraphs = [], []
    for n, (kind, match) in enumerate(kept):
        end = kept[n + 1][1].start() if n + 1 < len(kept) else _end_of_last(text, match.end())
        words = flatten(text[match.end():end])
        if kind == "recital":
            recitals.append(Recital(match["mark"], words))
        else:
            lead, points = _points(words)
            line = text.count("\n", 0, match.start() + len(match[0]) - len(match[0].lstrip())) + 1
            paragraphs.append(Paragraph(match["mark"], words, lead, points, line))
    return recitals, paragraphs


def _end_of_last(text: str, start: int) -> int:
    """Where the last paragraph ends: at the first full stop that ends a line (a page's footer follows)."""
    found = _LAST_SENTENCE_END.search(text, start)
    return found.end() if found else len(text)


def _points(words: str) -> tuple[str, tuple[Point, ...]]:
    """The words before the first sub-point, and the sub-points (a), (b), ... in sequence."""
    kept, expected = [], "a"
    for match in _POINT.finditer(words):
        if match["mark"] == expected:
            kept.append(match)
            expected = chr(ord(expected) + 1)
    if not kept:
        return words, ()
    points = [Point(m["mark"], words[m.end():(kept[n + 1].start() if n + 1 < len(kept) else len(words))].strip())
              for n, m in enumerate(kept)]
    return words[:kept[0].start()].strip(), tuple(points)


def next_letter(letter: str) -> str:
    """The recital after `letter`: B after A, AA after Z, AB after AA."""
    value = 0
    for ch in letter:
        value = value * 26 + ord(ch) - 64
    value += 1
    out = ""
    while value:
        value, rest = divmod(value - 1, 26)
        out = chr(65 + rest) + out
    return out


def flatten(words: str) -> str:
    """Words on one line with single spaces (line breaks from a page's layout or a paste are not the text's)."""
    return " ".join(words.split())


def _title(header: str) -> tuple[str | None, dt.date | None, str | None]:
    """The full title (the last one printed before the body), its date and the procedure it ends with."""
    lines = header.split("\n")
    starts = [n for n, line in enumerate(lines) if _TITLE_START.match(line.strip())]
    if not starts:
        return None, None, None
    parts = [lines[starts[-1]].strip()]
    for line in lines[starts[-1] + 1:]:
        line = line.strip()
        if parts[-1].endswith(")") or not line or line.startswith("(") or len(" ".join(parts)) > 400:
            break
        parts.append(line)
    title = " ".join(parts)
    procedure = None
    ending = re.search(r"\s*\((\d{4}/\d{4}\([A-Z]{3}\))\)\s*$", title)
    if ending:
        procedure, title = ending[1], title[:ending.start()]
    start = _TITLE_START.match(title)
    return title, _date(start[1]) if start else None, procedure


def _procedure_line(header: str) -> str | None:
    found = re.search(r"Procedure\s*:\s*(\d{4}/\d{4}\([A-Z]{3}\))", header)
    return found[1] if found else None


def _short_title(header: str) -> str | None:
    """Without a full title (a motion, a fragment): the last short lines of the header, as printed."""
    lines = [line.strip() for line in header.split("\n")]
    kept = [line for line in lines if 2 < len(line) <= 200 and "](" not in line and not REFERENCE.search(line)
            and not re.fullmatch(r"[\d\s./|:-]+", line)]
    if not kept:
        return None
    if "motion for a resolution" in kept[-1].lower() and len(kept) > 1 and " on " not in kept[-1]:
        return f"{kept[-1]} on {kept[-2]}"
    return kept[-1]


_MONTHS = {m: n for n, m in enumerate(("January", "February", "March", "April", "May", "June", "July", "August",
                                       "September", "October", "November", "December"), start=1)}


def _date(words: str) -> dt.date | None:
    day, month, year = words.split()
    try:
        return dt.date(int(year), _MONTHS[month], int(day))
    except (KeyError, ValueError):
        return None
