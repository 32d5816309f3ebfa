"""A demand's `text` -> the paragraph of a resolution that says it, with a confidence from 0 to 1.

Both sides are compared in one plain form: lower case, without quotation marks and punctuation, one kind of dash,
ellipses as gaps, and a summary's wording made the Parliament's ("Members call on" and "They call on" read as
"calls on", "calling for" as "calls for"). A text found whole in a paragraph scores 1. Otherwise rapidfuzz's
partial_ratio (the best-aligned stretch of the paragraph, scored by edit distance) gives the score, each piece
between ellipses on its own, the weakest piece counting. rapidfuzz is maintained, typed and fast (C++): 41
demands against 200 paragraphs take milliseconds.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .calls import Call, calls_of
from .parts import Paragraph

CONFIDENT = 0.9   # written by --write
POSSIBLE = 0.7    # reported for the user to check; below it, "not found"

_QUOTES = re.compile(r"[\"'\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a`\u00b4]")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]")
_ELLIPSIS = re.compile(r"\[\s*(?:\.\s*){3}\]|\(\s*(?:\.\s*){3}\)|(?:\.\s*){3}|\u2026")
_SUBJECT = re.compile(r"^(?:the (?:european )?parliament|the ep|parliament|the house|members|meps|mep s|they|it|"
                      r"the resolution|the text|the meps)\s+(?:also |further |therefore |again )*", re.I)
_VERBS = {"call": "calls", "calling": "calls", "urge": "urges", "urging": "urges", "demand": "demands",
          "demanding": "demands", "ask": "asks", "asking": "asks", "request": "requests", "requesting": "requests",
          "invite": "invites", "inviting": "invites", "encourage": "encourages", "encouraging": "encourages",
          "insist": "insists", "insisting": "insists", "expect": "expects", "expecting": "expects",
          "condemn": "condemns", "condemning": "condemns", "welcome": "welcomes", "welcoming": "welcomes",
          "underline": "underlines", "underlining": "underlines", "stress": "stresses", "stressing": "stresses"}


def plain(text: str) -> str:
    """The form both sides are compared in (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = _DASHES.sub("-", _QUOTES.sub("", text))
    text = _ELLIPSIS.sub(" \u2026 ", text).lower()
    text = re.sub(r"[^\w\s\u2026/-]", " ", text)
    text = " ".join(text.split())
    text = _SUBJECT.sub("", text)
    return " ".join(_VERBS.get(word, word) for word in text.split())


def score(text: str, paragraph_text: str) -> float:
    """How surely `paragraph_text` contains `text`: 1 when whole, else the weakest piece's fuzzy score (0..1)."""
    from rapidfuzz import fuzz

    target = plain(paragraph_text)
    pieces = [p.strip() for p in plain(text).split("\u2026") if len(p.strip()) > 2]
    if not pieces:
        return 0.0
    if all(p in target for p in pieces):
        return 1.0
    return min(fuzz.partial_ratio(p, target) for p in pieces) / 100


@dataclass(frozen=True)
class Match:
    """Where a demand's text was found: the paragraph (or "7(b)"), the confidence, the adopted words it matches."""

    demand_id: str
    paragraph: str | None   # None: found nowhere
    confidence: float
    words: str | None       # the call's or the paragraph's exact words

    @property
    def confident(self) -> bool:
        return self.paragraph is not None and self.confidence >= CONFIDENT

    @property
    def possible(self) -> bool:
        return self.paragraph is not None and POSSIBLE <= self.confidence < CONFIDENT


def best_match(demand_id: str, text: str, paragraphs: tuple[Paragraph, ...]) -> Match:
    """The paragraph that best contains `text`; its words are the call's when one call holds it, else the
    paragraph's (or the sub-point's)."""
    best: tuple[float, Paragraph] | None = None
    for paragraph in paragraphs:
        found = score(text, paragraph.text)
        if best is None or found > best[0]:
            best = (found, paragraph)
    if best is None:
        return Match(demand_id, None, 0.0, None)
    found, paragraph = best
    number, words = _narrowest(text, paragraph, found)
    return Match(demand_id, number, round(found, 2), words)


def _narrowest(text: str, paragraph: Paragraph, found: float) -> tuple[str, str]:
    """The sub-point or call scoring as well as the whole paragraph (the adopted words to quote), else the whole."""
    size = len(plain(text))

    def holds(words: str) -> bool:  # partial_ratio aligns the shorter in the longer: the part must be the longer
        return len(plain(words)) >= size and score(text, words) >= found

    for point in paragraph.points:
        if holds(point.text):
            return f"{paragraph.number}({point.letter})", _strip_end(point.text)
    for call in calls_of(paragraph):
        if holds(call.words):
            return paragraph.number, call.words
    return paragraph.number, _strip_end(paragraph.text)


def _strip_end(words: str) -> str:
    return re.sub(r"\s*[;,:]\s*$", "", words.strip())


def untracked(paragraphs: tuple[Paragraph, ...], matches: list[Match]) -> list[Call]:
    """The calls that no confident match holds: what the register may be missing. A match holds the call whose
    words it shows, or every call of its paragraph when it matched the paragraph as a whole."""
    held = {(m.paragraph, m.words) for m in matches if m.confident}
    found = []
    for paragraph in paragraphs:
        calls = calls_of(paragraph)
        whole = {m.paragraph for m in matches if m.confident and m.words not in {c.words for c in calls}}
        found += [call for call in calls if (call.paragraph, call.words) not in held
                  and call.paragraph not in whole and call.paragraph.split("(")[0] not in whole]
    return found
