"""What `monitor import` tells the user, as text: what was read, each demand's paragraph, what is missing."""
from __future__ import annotations

from ..model import Demand, Resolution
from .calls import Call
from .document import Document
from .match import CONFIDENT, POSSIBLE, Match
from .parts import Parts, same_reference

WIDTH = 110


def cut(words: str, width: int = WIDTH) -> str:
    """`words` on one line of at most `width` characters, cut at a word with "…"."""
    return words if len(words) <= width else words[:width - 2].rsplit(" ", 1)[0] + " …"


def describe(document: Document, parts: Parts) -> list[str]:
    """Two lines on what the document is, and warnings where it may not be the adopted text."""
    recitals = f"{len(parts.recitals)} recitals" + (
        f" ({parts.recitals[0].letter}.–{parts.recitals[-1].letter}.)" if parts.recitals else "")
    points = sum(len(p.points) for p in parts.paragraphs)
    lines = [f"{document.name} ({document.kind}): {parts.title or 'no title found'}",
             f"  reference: {parts.reference or 'not printed'}"
             + (f" (with {parts.motion_number})" if parts.motion_number else "")
             + f" · adopted: {parts.adopted or 'not printed'} · {recitals} · {len(parts.paragraphs)} paragraphs"
             + (f" with {points} sub-points" if points else "")]
    if parts.is_motion:
        lines.append("  warning: the text calls itself a motion for a resolution, not a text adopted — the "
                     "adopted text may differ")
    return lines


def reference_warning(parts: Parts, resolution: Resolution) -> list[str]:
    """A warning when the text's reference is not the resolution's (another text, or a motion)."""
    if parts.reference and resolution.reference and not same_reference(parts.reference, resolution.reference):
        return [f"  warning: the text's reference {parts.reference} is not resolution {resolution.id}'s "
                f"({resolution.reference}) — is it the right text?"]
    if not parts.reference:
        return ["  warning: no reference (P<term>_TA(<year>)<number>) is printed: check that this is the adopted "
                "text"]
    return []


def match_lines(demands: tuple[Demand, ...], matches: list[Match], best_of: dict[str, Match]) -> list[str]:
    """Per demand: the paragraph found, the confidence, the adopted words; then those found nowhere."""
    width = max([len(d.id) for d in demands] + [6])
    lines = []
    for demand, match in zip(demands, matches):
        if match.paragraph is None:
            continue
        mark = "" if match.confident else "  check"
        conflict = ""
        if demand.paragraph_checked and demand.paragraph != match.paragraph:
            conflict = f"  (the file says {demand.paragraph}: not changed)"
        lines.append(f"  {demand.id:<{width}}  ¶{match.paragraph:<5} {match.confidence:.2f}{mark}{conflict}")
        lines.append(f"      {cut(match.words or '', WIDTH - 6)}")
    missing = [(d, best_of[d.id]) for d, m in zip(demands, matches) if m.paragraph is None]
    if missing:
        lines.append(f"Found in no paragraph ({len(missing)}): the register may quote a summary, a press release "
                     "or a motion — check these in the text:")
        for demand, best in missing:
            closest = f"closest: ¶{best.paragraph} at {best.confidence:.2f}" if best.paragraph else "no paragraph"
            lines.append(f"  {demand.id:<{width}}  {closest}")
    return lines


def untracked_lines(calls: list[Call], possible: list[Match]) -> list[str]:
    """The calls no demand tracks, with their addressee (and the demands that may, when a match is uncertain)."""
    if not calls:
        return ["Every call of the text is tracked by a demand found in it."]
    lines = [f"Calls no demand tracks ({len(calls)}):"]
    for call in calls:
        who = call.addressee or "addressee not named"
        named = f" ({len(call.people)} people named)" if call.people else ""
        perhaps = [m.demand_id for m in possible if m.paragraph == call.paragraph]
        maybe = f" (perhaps {', '.join(perhaps)})" if perhaps else ""
        lines.append(f"  ¶{call.paragraph:<5} {who}{named}{maybe}: "
                     + cut(call.words, max(40, WIDTH - 10 - len(who + named + maybe))))
    return lines


def legend() -> str:
    return (f"Confidence: 1 = the words are in the paragraph; {CONFIDENT} or more = the same words bar small "
            f"differences (written by --write); {POSSIBLE} to {CONFIDENT} = 'check': similar, not the same.")
