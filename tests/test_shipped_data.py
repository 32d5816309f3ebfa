"""The shipped register, demands.yaml: valid, quoted from its sources, cited, and with stable ids.

The quotation and citation checks read the compiled facts and seed documents in ../shared (beside the repository
in CI) and are skipped when that folder is absent.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import monitor

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "demands.yaml"
SHARED = ROOT.parent / "shared"

# Every demand id ever shipped. Ids may be added here, never removed or renamed: reports, digests and users'
# notes refer to them.
SHIPPED_IDS = [
    # 2012
    "zhanaozen-investigation-2012",
    "trial-monitoring-eeas-2012",
    "human-rights-improvement-2012",
    "agreement-conditionality-2012",
    "reform-commitment-2012",
    "odihr-findings-2012",
    "odihr-support-eeas-2012",
    "monitoring-hrvp-2012",
    "follow-up-announcements-2012",
    "families-safety-2012",
    # 2013
    "political-prisoners-release-2013",
    "kozlov-release-2013",
    "kuramshin-release-2013",
    "tuletaeva-release-2013",
    "protection-guarantees-2013",
    "monitoring-eeas-2013",
    "delegation-proactive-role-2013",
    "judicial-independence-2013",
    "article-164-monitoring-2013",
    "extremism-no-pretext-2013",
    "human-rights-dialogue-2013",
    "religion-restrictions-2013",
    "independent-unions-2013",
    # 2022
    "shoot-to-kill-cancel-2022",
    "drop-charges-2022",
    "end-reprisals-2022",
    "free-expression-2022",
    "release-detainees-2022",
    "release-political-prisoners-2022",
    "lift-pretrial-measures-2022",
    "assembly-law-2022",
    "free-media-2022",
    "terrorism-charges-2022",
    "extremism-definition-2022",
    "international-investigation-2022",
    "targeted-sanctions-2022",
    "osce-working-group-2022",
    "halt-financing-2022",
    "human-rights-priority-2022",
    "invite-un-osce-experts-2022",
    "eeas-visits-2022",
]

# Named in the Greens/EFA motion of 7 March 2012 only; not confirmed in the adopted 2012 text.
GREENS_MOTION_NAMES = ["Sokolova", "Aminov", "Kozlov", "Vinyavsk", "Sapargal", "Simbinov", "Amirova"]


def collapse(text: str) -> str:
    """Text with every run of whitespace made one space, as YAML's `>-` folding does."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def raw() -> dict:
    """The shipped file as plain data, read independently of the package under test."""
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demands(raw) -> list[dict]:
    return raw["demands"]


@pytest.fixture(scope="module")
def shared() -> Path:
    if not (SHARED / "facts").is_dir():
        pytest.skip(f"{SHARED} (the compiled facts and seeds) is not beside the repository")
    return SHARED


def is_http(address: str) -> bool:
    return isinstance(address, str) and address.startswith(("http://", "https://"))


def test_shipped_file_validates_without_errors_or_warnings():
    register, problems = monitor.validate_file(SHIPPED)
    assert [str(p) for p in problems] == []
    assert register is not None
    assert len(register.demands) == len(SHIPPED_IDS)


def test_every_quoted_text_is_found_in_the_facts_or_seeds(demands, shared):
    corpus = [collapse((shared / "facts" / "resolutions.md").read_text(encoding="utf-8"))]
    corpus += [collapse(p.read_text(encoding="utf-8")) for p in sorted((shared / "seeds").iterdir()) if p.is_file()]
    missing = [d["id"] for d in demands if not any(collapse(d["text"]) in source for source in corpus)]
    assert missing == [], "text not found word for word in resolutions.md or the seeds"


def test_every_status_change_cites_a_source_found_in_the_facts(demands, shared):
    facts = "\n".join((shared / "facts" / name).read_text(encoding="utf-8") for name in ("events.md", "resolutions.md"))
    unsourced, invented = [], []
    for d in demands:
        if d.get("quoted_from") and (not is_http(d["quoted_from"]) or d["quoted_from"] not in facts):
            invented.append((d["id"], d["quoted_from"]))
        for entry in d["history"]:
            sources = entry.get("sources") or []
            if entry["status"] != "pending" and not any(is_http(s) for s in sources):
                unsourced.append((d["id"], str(entry["date"])))
            invented += [(d["id"], s) for s in sources if not is_http(s) or s not in facts]
    assert unsourced == [], "a status other than pending needs an http(s) source"
    assert invented == [], "every address must come from ../shared/facts"


def test_ids_are_unique_and_none_is_removed_or_renamed(demands):
    ids = [d["id"] for d in demands]
    assert len(ids) == len(set(ids)), "duplicate demand ids"
    assert [i for i in SHIPPED_IDS if i not in ids] == [], "shipped ids may be added, never removed or renamed"
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", i) for i in ids)


def test_paragraphs_are_unknown_or_numbers(demands):
    bad = [(d["id"], d["paragraph"]) for d in demands
           if not (isinstance(d["paragraph"], str) and (d["paragraph"] == "unknown" or d["paragraph"].isdigit()))]
    assert bad == []


def test_no_2012_demand_names_a_person_from_the_greens_motion(demands):
    of_2012 = [d for d in demands if d["resolution"] == "2012"]
    assert of_2012, "the 2012 resolution has demands"
    assert [d["id"] for d in of_2012 if d.get("person")] == []
    named = [d["id"] for d in of_2012
             if any(name in d["demand"] or name in d["text"] for name in GREENS_MOTION_NAMES)]
    assert named == []
