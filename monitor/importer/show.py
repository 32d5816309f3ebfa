"""What `monitor import` tells the user, as text: what was read, each demand's paragraph, what is missing.

Every sentence is in the reader's language; the text's own words (titles, calls, references) are shown as read.
"""
from __future__ import annotations

from ..i18n import _, counted, current, format_number, ngettext, pgettext
from ..model import Demand, Resolution
from .calls import Call
from .document import Document
from .match import CONFIDENT, POSSIBLE, Match
from .parts import Parts, same_reference

WIDTH = 110


def cut(words: str, width: int = WIDTH) -> str:
    """`words` on one line of at most `width` characters, cut at a word with "…"."""
    return words if len(words) <= width else words[:width - 2].rsplit(" ", 1)[0] + " …"


def confidence(value: float) -> str:
    """0.86 as '0.86' in English, '0,86' in Russian: always two decimals, so the column lines up."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="0.00", locale=current().locale)


def kind_word(kind: str) -> str:
    """The kind of file read ('html', 'pdf', 'text') in the reader's language."""
    words = {"html": pgettext("kind of document", "html"), "pdf": pgettext("kind of document", "pdf"),
             "text": pgettext("kind of document", "text")}
    return words.get(kind, kind)


def describe(document: Document, parts: Parts) -> list[str]:
    """Two lines on what the document is, and warnings where it may not be the adopted text."""
    count = len(parts.recitals)
    if parts.recitals:
        recitals = ngettext("{count} recital ({first}.–{last}.)", "{count} recitals ({first}.–{last}.)",
                            count).format(count=format_number(count), first=parts.recitals[0].letter,
                                          last=parts.recitals[-1].letter)
    else:
        recitals = counted(count, "{count} recital", "{count} recitals")
    points = sum(len(p.points) for p in parts.paragraphs)
    paragraphs = counted(len(parts.paragraphs), "{count} paragraph", "{count} paragraphs")
    if points:
        paragraphs = _("{paragraphs} with {points}").format(
            paragraphs=paragraphs, points=counted(points, "{count} sub-point", "{count} sub-points"))
    reference = parts.reference or _("not printed")
    if parts.motion_number:
        reference = _("{reference} (with {motion})").format(reference=reference, motion=parts.motion_number)
    adopted = str(parts.adopted) if parts.adopted else _("not printed")
    lines = [_("{name} ({kind}): {title}").format(name=document.name, kind=kind_word(document.kind),
                                                  title=parts.title or _("no title found")),
             "  " + _("reference: {reference} · adopted: {adopted} · {recitals} · {paragraphs}").format(
                 reference=reference, adopted=adopted, recitals=recitals, paragraphs=paragraphs)]
    if parts.is_motion:
        lines.append("  " + _("warning: the text calls itself a motion for a resolution, not a text adopted — the "
                              "adopted text may differ"))
    return lines


def reference_warning(parts: Parts, resolution: Resolution) -> list[str]:
    """A warning when the text's reference is not the resolution's (another text, or a motion)."""
    if parts.reference and resolution.reference and not same_reference(parts.reference, resolution.reference):
        return ["  " + _("warning: the text's reference {found} is not resolution {id}'s ({reference}) — is it the "
                         "right text?").format(found=parts.reference, id=resolution.id,
                                               reference=resolution.reference)]
    if not parts.reference:
        return ["  " + _("warning: no reference (P<term>_TA(<year>)<number>) is printed: check that this is the "
                         "adopted text")]
    return []


def match_lines(demands: tuple[Demand, ...], matches: list[Match], best_of: dict[str, Match]) -> list[str]:
    """Per demand: the paragraph found, the confidence, the adopted words; then those found nowhere."""
    width = max([len(d.id) for d in demands] + [6])
    lines = []
    check = _("check")
    for demand, match in zip(demands, matches):
        if match.paragraph is None:
            continue
        mark = "" if match.confident else "  " + check
        conflict = ""
        if demand.paragraph_checked and demand.paragraph != match.paragraph:
            conflict = "  " + _("(the file says {paragraph}: not changed)").format(paragraph=demand.paragraph)
        lines.append(f"  {demand.id:<{width}}  ¶{match.paragraph:<5} {confidence(match.confidence)}{mark}{conflict}")
        lines.append(f"      {cut(match.words or '', WIDTH - 6)}")
    missing = [(d, best_of[d.id]) for d, m in zip(demands, matches) if m.paragraph is None]
    if missing:
        lines.append(_("Found in no paragraph ({count}): the register may quote a summary, a press release or a "
                       "motion — check these in the text:").format(count=format_number(len(missing))))
        for demand, best in missing:
            if best.paragraph:
                closest = _("closest: ¶{paragraph} at {confidence}").format(paragraph=best.paragraph,
                                                                          confidence=confidence(best.confidence))
            else:
                closest = _("no paragraph")
            lines.append(f"  {demand.id:<{width}}  {closest}")
    return lines


def untracked_lines(calls: list[Call], possible: list[Match]) -> list[str]:
    """The calls no demand tracks, with their addressee (and the demands that may, when a match is uncertain)."""
    if not calls:
        return [_("Every call of the text is tracked by a demand found in it.")]
    lines = [_("Calls no demand tracks ({count}):").format(count=format_number(len(calls)))]
    for call in calls:
        who = call.addressee or _("addressee not named")
        if call.people:
            who = _("{who} ({people})").format(
                who=who, people=counted(len(call.people), "{count} person named", "{count} people named"))
        perhaps = [m.demand_id for m in possible if m.paragraph == call.paragraph]
        if perhaps:
            who = _("{who} (perhaps {ids})").format(who=who, ids=", ".join(perhaps))
        lines.append(f"  ¶{call.paragraph:<5} {who}: " + cut(call.words, max(40, WIDTH - 10 - len(who))))
    return lines


def legend() -> str:
    return _("Confidence: 1 = the words are in the paragraph; {confident} or more = the same words bar small "
             "differences (written by --write); {possible} to {confident} = '{check}': similar, not the "
             "same.").format(confident=format_number(CONFIDENT), possible=format_number(POSSIBLE), check=_("check"))
