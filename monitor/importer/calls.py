"""A paragraph -> the calls it makes: the words of each call, who is asked to act, and the people it names.

A paragraph's clauses start with a verb in the third person ("Condemns ...", "and calls on ...", "; urges ...").
Clauses led by a verb of asking (calls on/for, urges, demands, asks, requests, invites, encourages, insists,
expects) are calls; those that condemn, regret, welcome, note or instruct the President make none. A lead-in
that asks ("Calls on the Commission:") followed by sub-points makes one call per sub-point.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .parts import Paragraph

_ADVERBS = r"(?:(?:also|further|furthermore|again|once again|strongly|firmly|urgently|therefore|in this regard|" \
           r"in this respect|moreover|equally|likewise|repeatedly|reiterates its call and)\s*,?\s*)*"
_ASKING = r"calls? (?:up)?on|calls? for|urges?|demands?|asks?|requests?|invites?|encourages?|insists?|expects?"
_OTHER = r"condemns?|strongly condemns|deplores?|regrets?|welcomes?|notes?|takes note|takes the view|expresses|" \
         r"underlines?|stresses|emphasises|recalls?|reiterates|believes|considers|instructs|is concerned|" \
         r"is deeply concerned|acknowledges|points out|highlights|recognises|reaffirms|remains|supports|appreciates"
_START = r"(?:^|(?<=[,;:] )|(?<=\band ))"
CLAUSE = re.compile(_START + _ADVERBS + r"(?P<verb>" + _ASKING + "|" + _OTHER + r")\b", re.I)
_ADDRESSEE = re.compile(r"^(?:calls? (?:up)?on|urges?|asks?|requests?|invites?|encourages?)\s+(?P<who>.{2,160}?)"
                        r"(?:,)?\s+(?:to|not to)\s+(?=[a-z])", re.I)
_PRONOUNS = {"them", "it", "they", "him", "her", "these", "those", "both"}
_RELEASE = re.compile(r"\b(release|releasing|free|freed|acquit|charges against|rehabilitat\w*|pardon)\b", re.I)
_NAME_WORD = r"[A-Z][a-z\u00e0-\u017f'\u2019]+(?:-[A-Z]?[a-z\u00e0-\u017f'\u2019]+)?"
_NAME = re.compile(rf"\b{_NAME_WORD}(?: {_NAME_WORD}){{1,3}}\b")
_NOT_NAMES = {"European", "Parliament", "Union", "Council", "Commission", "Member", "States", "Human", "Rights",
              "International", "Bureau", "Party", "Social", "Democratic", "Committee", "Court", "Republic",
              "Government", "Service", "Organisation", "Organization", "National", "Security", "Law", "Rule",
              "United", "Nations", "Office", "Special", "Rapporteur", "Representative", "High", "Vice", "President",
              "Ministry", "Minister", "Foreign", "Affairs", "External", "Action", "Delegation", "Agreement",
              "Partnership", "Cooperation", "Western", "Eastern", "Northern", "Southern", "Central", "Asia",
              "Strategy", "Code", "Criminal", "Constitution", "Supreme", "City", "Region", "The", "Its", "This"}


@dataclass(frozen=True)
class Call:
    """One call of a paragraph: its exact words, the verb, who must act (None when not named), the people named."""

    paragraph: str     # "7", or "7(b)" for a sub-point
    words: str         # exact words of the paragraph, without the ending ";" or "."
    verb: str          # lower case: "calls on", "urges", ...
    addressee: str | None
    people: tuple[str, ...]


def clauses(text: str) -> list[tuple[str, str]]:
    """(verb, words) for each clause of a paragraph's text, in order; the text before the first verb is dropped."""
    starts = [m for m in CLAUSE.finditer(text)]
    out = []
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
        words = text[match.start():end].strip()
        words = re.sub(r"(?:[,;]?\s*\band)?\s*[,;:.]?\s*$", "", words)
        out.append((" ".join(match["verb"].lower().split()), words))
    return out


def is_asking(verb: str) -> bool:
    return re.fullmatch(_ASKING, verb, re.I) is not None


def calls_of(paragraph: Paragraph) -> list[Call]:
    """The calls a paragraph makes, in order: one per asking clause, or one per sub-point of an asking lead-in."""
    if paragraph.points:
        lead = clauses(paragraph.lead)
        if lead and is_asking(lead[-1][0]):
            verb, words = lead[-1]
            who = _addressee(words + " to x", paragraph.lead)
            return [Call(f"{paragraph.number}({p.letter})", _trim(p.text), verb, who, people(p.text))
                    for p in paragraph.points]
    found = []
    for verb, words in clauses(paragraph.text):
        if is_asking(verb):
            found.append(Call(paragraph.number, words, verb, _addressee(words, paragraph.text), people(words)))
    return found


def _trim(words: str) -> str:
    return re.sub(r"(?:[,;]?\s*\band)?\s*[,;:.]?\s*$", "", words.strip())


def _addressee(words: str, context: str) -> str | None:
    """Who must act, from "calls on X to", "urges X to": X without a leading "the"; a pronoun is resolved to the
    government or authorities named before it."""
    found = _ADDRESSEE.match(words)
    if not found:
        return None
    who = re.sub(r"^(?:the|all) ", "", found["who"].strip(" ,"))
    who = re.sub(r"(,| and| or) the ", r"\1 ", who)
    if who.lower() in _PRONOUNS:
        before = context[:context.find(words)] if words in context else context
        named = re.findall(r"\bthe ((?:[A-Z][\w-]* )*(?:government|authorities|Government|Authorities)"
                           r"(?: of [A-Z][\w-]*)?)", before)
        return named[-1] if named else None
    return who


def people(words: str) -> tuple[str, ...]:
    """The people a call for release names, in order ("release of A, B and C" gives A, B, C)."""
    if not _RELEASE.search(words):
        return ()
    found = []
    for match in _NAME.finditer(words):
        name = match[0]
        if not set(name.split()) & _NOT_NAMES and name not in found:
            found.append(name)
    return tuple(found)
