"""`monitor changes --against REV`: what a change adds, in Markdown, in a real git repository (small.yaml)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.cli import main

from .conftest import DATA
from .test_guard import edit, git, repo  # noqa: F401  (the repository fixture: small.yaml committed)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
TODAY = ["--today", "2026-11-24"]


def changes(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--file", str(repo / "demands.yaml"), *TODAY, "changes", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_unchanged_file_adds_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = changes(repo, capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == ["### Changes to `demands.yaml` against `HEAD`", "", "**no changes**", "",
                                "This change adds no resolution, demand or status entry (comments or layout only)."]


def test_new_entries_and_demands_are_listed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(repo / "demands.yaml")
    assert main(["--file", path, *TODAY, "update", "roe-release-2021", "--status", "met", "--date", "2024-02-03",
                 "--note", "Freed <at last> with *no* conditions.", "--source", "https://example.org/f"]) == 0
    assert main(["--file", path, *TODAY, "add", "press-law-2021", "--resolution", "2021", "--addressee",
                 "Examplestan authorities", "--topic", "assemblies", "--demand", "Revise the press law",
                 "--text", "calls for a revision of the press law"]) == 0
    capsys.readouterr()
    code, out, _ = changes(repo, capsys, "--against", "HEAD")
    assert code == 0
    assert out == (
        "### Changes to `demands.yaml` against `HEAD`\n\n"
        "**1 new status entry, 1 new demand**\n\n"
        "New demands:\n\n"
        "- `press-law-2021` Revise the press law (resolution 2021; Examplestan authorities): ○ **pending** since "
        "2021-05-20\n\n"
        "New status entries:\n\n"
        "- `roe-release-2021` Release of Richard Roe: ○ **pending** → ✓ **met** on 2024-02-03 — "
        "Freed \\<at last\\> with \\*no\\* conditions. <https://example.org/f>\n")


def test_a_new_resolution_is_listed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "demands:\n",
         '  - id: "2023"\n    title: Resolution on Examplestan\n    adopted: 2023-01-19\ndemands:\n')
    code, out, _ = changes(repo, capsys)
    assert code == 0
    assert "**1 new resolution**" in out
    assert "- `2023` Resolution on Examplestan" in out


def test_a_removed_entry_is_listed_as_a_correction(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "      - date: 2023-04-01\n        status: reversed\n        note: The revision was repealed.\n"
               "        sources:\n          - https://example.org/news/repeal\n", "")
    code, out, _ = changes(repo, capsys)
    assert code == 0  # refusing it is `validate --against`'s job; the list shows it to the reviewer
    assert "**1 correction**" in out
    assert "history entry of 2023-04-01: 2023-04-01 reversed: The revision was repealed." in out
    assert "→ removed" in out


def test_a_file_new_in_this_change_is_all_new(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "-c", "user.email=t@example.org", "-c", "user.name=T", "commit", "-q", "--allow-empty", "-m", "0")
    shutil.copyfile(DATA / "valid" / "small.yaml", tmp_path / "demands.yaml")
    code, out, _ = changes(tmp_path, capsys)
    assert code == 0
    assert "(demands.yaml is new)" in out
    assert "**2 new resolutions" in out


def test_an_invalid_file_is_every_problem_and_exit_1(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "status: met", "status: done")
    code, out, err = changes(repo, capsys)
    assert (code, out) == (1, "")
    assert "unknown status 'done'" in err


def test_an_invalid_committed_version_is_named(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = (repo / "demands.yaml").read_text(encoding="utf-8")
    edit(repo, "status: met", "status: done")
    git(repo, "commit", "-qam", "broken")
    (repo / "demands.yaml").write_text(good, encoding="utf-8")
    code, out, err = changes(repo, capsys)
    assert (code, out) == (1, "")
    assert err.startswith("monitor: the version of demands.yaml in HEAD is not valid (line ")
    assert err.rstrip().endswith("monitor changes --against HEAD~1")


def test_an_unknown_revision_is_wrong_usage(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = changes(repo, capsys, "--against", "no-such-branch")
    assert code == 2
    assert err == "monitor: git does not know the revision 'no-such-branch' — use a commit, a branch or a tag\n"


def test_changes_in_a_real_process(repo: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "monitor", *TODAY, "changes", "--against", "HEAD"], cwd=repo,
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.startswith("### Changes to `demands.yaml` against `HEAD`\n")
