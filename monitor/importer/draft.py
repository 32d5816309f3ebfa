"""Calls -> draft demands for a resolution not yet in the register (`monitor import --new`).

One demand per call, and one per person where a call for release names several; the exact words of the call as
`text`, the paragraph number, who must act as the words say it, a topic from the file's own `topics:` where a
keyword settles it (else the first topic, with a comment asking for review), and a first history entry: the
adoption date, pending, "Demanded by the European Parliament." Every guess gets a comment above its demand.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .calls import _ADDRESSEE, CLAUSE, Call, calls_of
from .parts import Parts

NOT_NAMED = "not named"
FIRST_NOTE = "Demanded by the European Parliament."
# Words that point to a topic whose label holds the key (a label is the file's; these are only its synonyms).
_SYNONYMS = {
    "prisoner": ("release", "detain", "imprison", "political prisoner", "acquit", "pardon", "jail"),
    "investigat": ("investigat", "inquiry", "accountab", "impunity", "perpetrator", "excessive use of force"),
    "assembl": ("assembly", "protest", "demonstrat", "rally", "rallies", "peaceful gathering"),
    "media": ("media", "journalist", "press", "internet", "online", "censorship", "broadcast", "newspaper"),
    "expression": ("expression", "freedom of speech", "opinion"),
    "election": ("election", "electoral", "ballot", "odihr"),
    "opposition": ("opposition", "political part", "pluralis"),
    "civil society": ("civil society", "ngo", "human rights defender", "activist", "religio", "observers"),
    "labour": ("labour", "worker", "trade union", "strike", "wage", "social dialogue"),
    "extremism": ("extremis", "terroris", "social discord"),
    "justice": ("court", "judicia", "fair trial", "rule of law", "torture", "criminal code", "ill-treatment"),
    "eu": ("eeas", "external action service", "commission", "council", "member states", "high representative",
           "hr/vp", "vp/hr", "delegation", "european union"),
}
_STOP = {"the", "a", "an", "of", "to", "and", "or", "in", "on", "for", "its", "their", "all", "with", "by", "from",
         "into", "at", "as", "be", "this", "these", "that", "those", "who", "which", "any", "immediate"}


@dataclass(frozen=True)
class Draft:
    """The resolution block and its demands as the file will hold them; `notes` are the comment lines above the
    resolution (first) and above each demand."""

    resolution: dict
    demands: list[dict]
    notes: list[list[str]]


def draft(parts: Parts, *, resolution_id: str, source: str, adopted: dt.date, url: str | None,
          topics: list[str], used_ids: set[str], today: dt.date) -> Draft:
    """The draft of a new resolution and one demand per call (per person for a call naming several)."""
    resolution: dict = {"id": resolution_id, "title": parts.title or f"Untitled (drafted from {source})",
                        "adopted": adopted.isoformat()}
    resolution.update({k: v for k, v in (("reference", parts.reference), ("procedure", parts.procedure),
                                         ("url", url)) if v})
    head = [f"DRAFTED by `monitor import` from {source} on {today.isoformat()}: check every item below against "
            "the text (paragraph, addressee, topic, wording), then delete these comments."]
    if parts.is_motion or not parts.reference:
        head.append("The text read calls itself a motion for a resolution or prints no reference: it may not be "
                    "the adopted text.")
    demands, notes = [], [head]
    ids = set(used_ids)
    for paragraph in parts.paragraphs:
        for call in calls_of(paragraph):
            for person in call.people or (None,):
                item, review = _demand(call, person, resolution_id, topics, ids)
                item["history"] = [{"date": adopted.isoformat(), "status": "pending", "note": FIRST_NOTE}]
                ids.add(item["id"])
                demands.append(item)
                notes.append(review)
    if demands:
        notes[1].insert(0, f"---- {resolution_id}: drafted by `monitor import`, to be checked ----")
    return Draft(resolution, demands, notes)


def _demand(call: Call, person: str | None, resolution_id: str, topics: list[str], ids: set[str]
            ) -> tuple[dict, list[str]]:
    review = []
    addressee = call.addressee or NOT_NAMED
    if call.addressee is None:
        review.append(f"Paragraph {call.paragraph} names no addressee here: write who must act.")
    elif call.addressee.lower() not in call.words.lower():
        review.append(f"Addressee read from a pronoun in paragraph {call.paragraph}: check it.")
    if person:
        release = "immediate release" if "immediate release" in call.words.lower() else "release"
        summary = f"{release.capitalize()} of {person}"
        stem = f"{_slug(person.split()[-1])}-release" if "releas" in call.words.lower() else _slug(person)
    else:
        summary = summarise(call)
        stem = "-".join([w for w in _slug(summary).split("-") if w not in _STOP][:3]) or "demand"
    topic, clear = guess_topic(call, topics, summary if person else None)
    if not clear:
        review.append(f"Topic: no keyword settles it; '{topic}' is a guess — choose one of the file's topics.")
    item: dict = {"id": _unique(f"{stem}-{_slug(resolution_id)}", ids), "resolution": resolution_id,
                  "paragraph": call.paragraph, "addressee": addressee, "topic": topic}
    if person:
        item["person"] = person
    item["demand"] = summary
    item["text"] = call.words
    return item, review


def summarise(call: Call, limit: int = 100) -> str:
    """A one-line demand: the call's words after its verb and addressee, capitalised, cut at a word near `limit`."""
    words = call.words
    clause = CLAUSE.match(words)
    asked = _ADDRESSEE.match(words[clause.start("verb"):] if clause else words)
    if asked:
        rest = words[words.find(asked[0]) + len(asked[0]):]
    else:
        verb = re.search(r"\b(?:" + re.escape(call.verb).replace(r"\ ", r"\s+") + r")\b\s*(?:on |upon |for )?",
                         words, re.I)
        rest = words[verb.end():] if verb else words
    rest = re.sub(r"^(?:the need )?(?:for |that )?", "", rest.strip())
    if len(rest) > limit:
        rest = rest[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return rest[:1].upper() + rest[1:]


def guess_topic(call: Call, topics: list[str], about: str | None = None) -> tuple[str, bool]:
    """(topic, whether a keyword settles it): the file's topic whose words or synonyms the call uses most, the
    addressee counting double (who must act says most about a topic like "EU relations"). `about`: the words to
    read instead of the call's (a person's item: "Release of A", not the whole list of names)."""
    if not topics:
        return "unsorted", False
    words, who = (about or call.words).lower(), (call.addressee or "").lower()
    scores = []
    for topic in topics:
        own = {w[:6] for w in re.findall(r"[a-z]{4,}", topic.lower())}
        own |= {w.lower() for w in re.findall(r"\b[A-Z]{2,}\b", topic)}
        concepts = [own] + [{synonym} for label, synonyms in _SYNONYMS.items()
                            if re.search(rf"\b{label}", topic.lower()) for synonym in synonyms]
        scores.append(sum(_uses(words, keys) + 2 * _uses(who, keys) for keys in concepts))
    best = max(scores)
    if best == 0 or scores.count(best) > 1:
        return topics[scores.index(best)] if best else topics[0], False
    return topics[scores.index(best)], True


def _uses(words: str, keys: set[str]) -> bool:
    return any(re.search(rf"\b{re.escape(key)}" + (r"\b" if len(key) <= 3 else ""), words) for key in keys)


def _slug(words: str) -> str:
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_words))[:40].strip("-") or "x"


def _unique(wanted: str, ids: set[str]) -> str:
    if wanted not in ids:
        return wanted
    n = 2
    while f"{wanted}-{n}" in ids:
        n += 1
    return f"{wanted}-{n}"
