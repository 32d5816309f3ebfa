"""`monitor import`'s matching: a demand's text -> the paragraph that says it, tolerant of how it was copied."""
from __future__ import annotations

import pytest

import monitor
from monitor.importer.document import read_document
from monitor.importer.match import best_match, plain, score
from monitor.importer.parts import read_parts

from .conftest import SHIPPED, TODAY
from .import_forms import SEEDS, seed

PARAGRAPH = ("Calls on the Kazakh authorities to release Mr Vladimir Kozlov – the leader of the ‘Alga!’ party – and to "
             "review the case of Ms Roza Tuletaeva, and urges them to allow independent monitoring;")


@pytest.mark.parametrize("text", [
    "calls on the Kazakh authorities to release Mr Vladimir Kozlov - the leader of the 'Alga!' party -",
    "CALLS ON THE KAZAKH   AUTHORITIES\nto release Mr Vladimir Kozlov — the leader of the “Alga!” party",
    "Members call on the Kazakh authorities to release Mr Vladimir Kozlov",
    "They call on the Kazakh authorities to release ... Kozlov",
    "The European Parliament calls on the Kazakh authorities […] to review the case of Ms Roza Tuletaeva",
    "calling on the Kazakh authorities to release Mr Vladimir Kozlov",
])
def test_the_same_words_however_copied_score_one(text: str) -> None:
    assert score(text, PARAGRAPH) == 1.0


def test_a_few_words_changed_score_high_but_below_one_and_other_words_low() -> None:
    assert 0.9 <= score("calls on the Kazakh authorities to free Mr Vladimir Kozlov, the leader of the Alga party",
                        PARAGRAPH) < 1.0
    assert score("urges the Commission to suspend the trade agreement until elections are held", PARAGRAPH) < 0.7
    assert plain("MEPs “urge” the EEAS…") == "urges the eeas …"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")
def test_the_shipped_2012_demands_against_the_groups_motion() -> None:
    """The register quotes the Legislative Observatory's summary of the adopted text and a news report, not this
    motion: two demands are similar to its paragraphs (to check), none is the same, the rest are not in it."""
    parts = read_parts(read_document(seed("002").encode("utf-8"), "002.txt").text, "002.txt")
    demands = monitor.load_register(SHIPPED, today=TODAY).demands_of("2012")
    found = {d.id: best_match(d.id, d.text, parts.paragraphs) for d in demands}
    similar = {i: m.paragraph for i, m in found.items() if m.confidence >= 0.7}
    assert similar == {"trial-monitoring-eeas-2012": "4", "agreement-conditionality-2012": "2"}
    assert not any(m.confident for m in found.values())
    assert sorted(i for i, m in found.items() if m.confidence < 0.7) == sorted([
        "zhanaozen-investigation-2012", "human-rights-improvement-2012", "reform-commitment-2012",
        "odihr-findings-2012", "odihr-support-eeas-2012", "monitoring-hrvp-2012", "follow-up-announcements-2012",
        "families-safety-2012"])
    # the words shown for a match are the call's, not the whole paragraph's
    assert found["trial-monitoring-eeas-2012"].words.startswith("Calls on the EEAS to follow closely")


def test_a_paragraph_with_two_calls_is_tracked_call_by_call() -> None:
    from monitor.importer.match import untracked
    from monitor.importer.parts import read_parts as parts_of

    parts = parts_of("The European Parliament,\n1. Calls on the Council to act now; urges the Commission to "
                     "report back;\n2. Instructs its President to forward this resolution.\n", "t")
    first = best_match("a", "calls on the Council to act now", parts.paragraphs)
    assert (first.paragraph, first.confidence, first.words) == ("1", 1.0, "Calls on the Council to act now")
    assert [(c.paragraph, c.addressee) for c in untracked(parts.paragraphs, [first])] == [("1", "Commission")]
    both = best_match("b", "Calls on the Council to act now; urges the Commission", parts.paragraphs)
    assert untracked(parts.paragraphs, [both]) == []
