"""The shipped register, demands.yaml: valid, quoted from its sources, cited, with stable ids and kept history.

The quotation and citation checks read the compiled facts and seed documents in ../shared (beside the repository
in CI) and are skipped when that folder is absent. Addresses read beyond those facts, and passages read on pages
the facts name but quote only in part, are in tests/data/sources-read.md.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import monitor

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "demands.yaml"
SHARED = ROOT.parent / "shared"
SOURCES_READ = ROOT / "tests" / "data" / "sources-read.md"

# main when the work on issue 16 (the register corrected and brought up to 2026) began: the release whose history
# the shipped file must keep.
PREVIOUS_RELEASE = "3761648661807d93109b785daf6adbd149a1db3d"

# The facts files re-quote their sources, nesting a source's own quotation marks as single ones, and the pages
# themselves use typographic marks (‘ ’ “ ”). A text whose `quoted_from` is named in the facts may differ from the
# facts' copy in these marks only.
QUOTE_MARKS = str.maketrans({mark: "'" for mark in "\"'\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f"})

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
    "living-standards-reforms-2022",
]

# Named in the Greens/EFA motion of 7 March 2012 only; not confirmed in the adopted 2012 text.
GREENS_MOTION_NAMES = ["Sokolova", "Aminov", "Kozlov", "Vinyavsk", "Sapargal", "Simbinov", "Amirova"]


def collapse(text: str) -> str:
    """Text with every run of whitespace made one space, as YAML's `>-` folding does."""
    return re.sub(r"\s+", " ", text).strip()


def unquoted(text: str) -> str:
    """Collapsed text with every kind of quotation mark and apostrophe made one and the same."""
    return collapse(text).translate(QUOTE_MARKS)


def facts_text(shared: Path) -> str:
    """Every compiled facts file, and the list of addresses read beyond them, as one text."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared / "facts").glob("*.md"))]
    return "\n".join(texts + [SOURCES_READ.read_text(encoding="utf-8")])


@pytest.fixture(scope="module")
def raw() -> dict:
    """The shipped file as plain data, read independently of the package under test."""
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demands(raw: dict) -> list[dict]:
    return raw["demands"]


@pytest.fixture(scope="module")
def shared() -> Path:
    if not (SHARED / "facts").is_dir():
        pytest.skip(f"{SHARED} (the compiled facts and seeds) is not beside the repository")
    return SHARED


def is_http(address: str) -> bool:
    return isinstance(address, str) and address.startswith(("http://", "https://"))


def test_shipped_file_validates_without_errors_or_warnings() -> None:
    register, problems = monitor.validate_file(SHIPPED)
    assert [str(p) for p in problems] == []
    assert register is not None
    assert len(register.demands) == len(SHIPPED_IDS)


def test_every_quoted_text_is_found_in_the_facts_or_seeds(demands: list[dict], shared: Path) -> None:
    corpus = [collapse(p.read_text(encoding="utf-8")) for p in sorted((shared / "facts").glob("*.md"))]
    corpus += [collapse(p.read_text(encoding="utf-8")) for p in sorted((shared / "seeds").iterdir()) if p.is_file()]
    corpus.append(collapse(SOURCES_READ.read_text(encoding="utf-8")))
    loose = [source.translate(QUOTE_MARKS) for source in corpus]
    named = facts_text(shared)
    missing, unchecked = [], []
    for d in demands:
        if not d.get("quoted_from"):
            # `text` is then the adopted wording, which only a checked paragraph number vouches for.
            if not d["paragraph"].isdigit():
                unchecked.append(d["id"])
            continue
        if any(collapse(d["text"]) in source for source in corpus):
            continue
        if d["quoted_from"] in named and any(unquoted(d["text"]) in source for source in loose):
            continue
        missing.append(d["id"])
    assert missing == [], "text not found word for word in ../shared/facts or the seeds"
    assert unchecked == [], "a text without quoted_from must be the adopted text, with its paragraph number"


def test_every_status_change_cites_a_source_found_in_the_facts(demands: list[dict], shared: Path) -> None:
    facts = facts_text(shared)
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
    assert invented == [], "every address must come from ../shared/facts or tests/data/sources-read.md"


def test_ids_are_unique_and_none_is_removed_or_renamed(demands: list[dict]) -> None:
    ids = [d["id"] for d in demands]
    assert len(ids) == len(set(ids)), "duplicate demand ids"
    assert [i for i in SHIPPED_IDS if i not in ids] == [], "shipped ids may be added, never removed or renamed"
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", i) for i in ids)


def test_paragraphs_are_unknown_or_numbers(demands: list[dict]) -> None:
    bad = [(d["id"], d["paragraph"]) for d in demands
           if not (isinstance(d["paragraph"], str) and (d["paragraph"] == "unknown" or d["paragraph"].isdigit()))]
    assert bad == []


def test_no_2012_demand_names_a_person_from_the_greens_motion(demands: list[dict]) -> None:
    of_2012 = [d for d in demands if d["resolution"] == "2012"]
    assert of_2012, "the 2012 resolution has demands"
    assert [d["id"] for d in of_2012 if d.get("person")] == []
    named = [d["id"] for d in of_2012
             if any(name in d["demand"] or name in d["text"] for name in GREENS_MOTION_NAMES)]
    assert named == []


@pytest.fixture(scope="module")
def previous_release() -> bytes:
    """demands.yaml as it was in PREVIOUS_RELEASE, read from this clone's git history."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    shown = subprocess.run(["git", "show", f"{PREVIOUS_RELEASE}:demands.yaml"], cwd=ROOT, capture_output=True)
    if shown.returncode != 0:
        pytest.skip(f"commit {PREVIOUS_RELEASE[:7]} is not in this clone's history (a shallow clone?)")
    return shown.stdout


def guard(repo: Path) -> subprocess.CompletedProcess:
    """`monitor validate --against HEAD` on the register in `repo`, run as a user runs it."""
    return subprocess.run([sys.executable, "-m", "monitor", "--file", str(repo / "demands.yaml"), "--today",
                           "2026-11-24", "validate", "--against", "HEAD"], cwd=repo, capture_output=True, text=True)


def test_the_shipped_file_keeps_the_history_of_the_previous_release(previous_release: bytes, tmp_path: Path) -> None:
    repo = tmp_path / "register"
    repo.mkdir()
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(git + ["init", "-q"], cwd=repo, check=True)
    (repo / "demands.yaml").write_bytes(previous_release)
    subprocess.run(git + ["add", "demands.yaml"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "the previous release"], cwd=repo, check=True)
    shutil.copyfile(SHIPPED, repo / "demands.yaml")
    result = guard(repo)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")

    # The same comparison notices an old entry edited, so the pass above is not for want of looking.
    edited = SHIPPED.read_text(encoding="utf-8").replace("        note: Demanded by the European Parliament.",
                                                         "        note: Demanded by Parliament.", 1)
    (repo / "demands.yaml").write_text(edited, encoding="utf-8")
    result = guard(repo)
    assert result.returncode == 1
    assert re.match(r"\S*demands\.yaml:\d+:9: error: .*'zhanaozen-investigation-2012'", result.stdout)
