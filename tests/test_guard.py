"""The history guard, in a real git repository: removed, edited and reordered entries are refused."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from monitor.cli import main
from monitor.guard import HistoryUnchecked, check_history_kept, validate_staged

from .conftest import DATA, TODAY

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "test@example.org")
    git(tmp_path, "config", "user.name", "Test")
    shutil.copyfile(DATA / "valid" / "small.yaml", tmp_path / "demands.yaml")
    git(tmp_path, "add", "demands.yaml")
    git(tmp_path, "commit", "-qm", "data")
    return tmp_path


def codes(repo, rev="HEAD"):
    return [(p.line, p.column, p.code) for p in check_history_kept(repo / "demands.yaml", rev)]


def edit(repo, old, new):
    path = repo / "demands.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_or_extended_file_passes(repo):
    assert codes(repo) == []
    assert main(["--file", str(repo / "demands.yaml"), "--today", "2026-11-24", "update", "roe-release-2021",
                 "--status", "met", "--note", "Freed.", "--source", "https://example.org/f"]) == 0
    assert "Freed." in (repo / "demands.yaml").read_text(encoding="utf-8")  # extended, not left as it was
    assert codes(repo) == []


def test_a_removed_entry_is_an_error(repo):
    edit(repo, "      - date: 2023-04-01\n        status: reversed\n        note: The revision was repealed.\n"
               "        sources:\n          - https://example.org/news/repeal\n", "")
    assert codes(repo) == [(97, 5, "history-removed")]  # at the demand's history: key


def test_an_edited_entry_is_an_error(repo):
    edit(repo, "note: The authorities refused international experts.", "note: The authorities agreed.")
    assert codes(repo) == [(34, 9, "history-rewritten")]


def test_reordered_entries_are_errors(repo):
    edit(repo, "      - date: 2021-09-01\n        status: in-progress\n        note: A commission was announced.\n"
               "        sources:\n          - https://example.org/news/commission\n", "")
    edit(repo, "          - https://example.org/news/experts\n",
         "          - https://example.org/news/experts\n      - date: 2021-09-01\n        status: in-progress\n"
         "        note: A commission was announced.\n        sources:\n          - https://example.org/news/commission\n")
    assert [code for _, _, code in codes(repo)] == ["history-rewritten", "history-rewritten"]


def test_a_removed_demand_is_an_error(repo):
    text = (repo / "demands.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: roe-release-2021")
    end = text.index("  - id: inquiry-2021")
    (repo / "demands.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    assert codes(repo) == [(20, 1, "demand-removed")]  # at demands:


def test_the_cli_defaults_to_head_and_exits_1(repo, capsys):
    edit(repo, "note: The authorities refused international experts.", "note: The authorities agreed.")
    assert main(["--file", str(repo / "demands.yaml"), "--today", "2026-11-24", "validate"]) == 0
    assert main(["--file", str(repo / "demands.yaml"), "--today", "2026-11-24", "validate", "--against"]) == 1
    out = capsys.readouterr().out
    assert "demands.yaml:34:9: error: " in out  # history-rewritten (the wording is in tests/golden/messages.txt)


def test_an_older_revision_can_be_named(repo):
    edit(repo, "note: The authorities refused international experts.", "note: The authorities agreed.")
    git(repo, "commit", "-qam", "rewrite history")
    assert codes(repo) == []
    assert codes(repo, "HEAD~1") == [(34, 9, "history-rewritten")]


def test_outside_git_is_a_usage_message(tmp_path, capsys):
    shutil.copyfile(DATA / "valid" / "small.yaml", tmp_path / "demands.yaml")
    code = main(["--file", str(tmp_path / "demands.yaml"), "--today", "2026-11-24", "validate", "--against"])
    assert code == 2
    assert "is not in a git repository" in capsys.readouterr().err


def test_an_unknown_revision_is_a_usage_message(repo, capsys):
    assert main(["--file", str(repo / "demands.yaml"), "validate", "--against", "nope"]) == 2
    assert "git does not know the revision 'nope'" in capsys.readouterr().err


def test_the_pre_commit_hook_refuses_a_rewritten_history(repo):
    """The hook we ship for plain git (no pre-commit framework) stops the commit."""
    from .conftest import ROOT

    hook = repo / ".git" / "hooks" / "pre-commit"
    shutil.copyfile(ROOT / "hooks" / "pre-commit", hook)
    hook.chmod(0o755)
    edit(repo, "note: The authorities refused international experts.", "note: The authorities agreed.")
    git(repo, "add", "demands.yaml")
    import os
    import sys
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
               MONITOR_PYTHON=sys.executable, PYTHONPATH=str(ROOT))
    result = subprocess.run(["git", "commit", "-qm", "rewrite"], cwd=repo, capture_output=True, text=True, env=env)
    assert result.returncode != 0
    # git shows a hook's output on stderr; the CLI prints the message, not the code
    assert "demands.yaml:34:9: error: the history entry '2020-06-01 not-met' of demand 'inquiry-2019' was changed" \
        in result.stderr
    assert subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True,
                          text=True).stdout.strip() == "1"


# -- a file moved, renamed or unreadable in the revision (issue 11) ----------------------------------------------

IDS = ("inquiry-2019", "doe-release-2019", "roe-release-2021", "inquiry-2021", "assembly-law-2021")


def other_register(text):
    """small.yaml with every demand id changed: a register of its own, sharing no demand."""
    for did in IDS:
        text = text.replace(did, f"other-{did}")
    return text


def validate(repo, name, *args):
    return main(["--file", str(repo / name), "--today", "2026-11-24", "validate", *args])


def test_a_file_renamed_with_git_mv_is_an_error_naming_the_old_path(repo, capsys):
    git(repo, "mv", "demands.yaml", "register.yaml")
    git(repo, "commit", "-qm", "rename")
    with pytest.raises(HistoryUnchecked, match="HEAD~1 has demands.yaml with 5 of the same demands"):
        check_history_kept(repo / "register.yaml", "HEAD~1")
    assert validate(repo, "register.yaml", "--against", "HEAD~1") == 1
    err = capsys.readouterr().err
    assert "monitor --file register.yaml validate --against HEAD~1:demands.yaml" in err
    assert "internal error" not in err


def test_a_file_moved_by_hand_into_a_folder_is_an_error(repo):
    """Moved without git (the new file is not even tracked), and edited on the way: still recognised."""
    (repo / "data").mkdir()
    (repo / "demands.yaml").rename(repo / "data" / "demands.yaml")
    edit(repo / "data", "note: The authorities refused international experts.", "note: The authorities agreed.")
    with pytest.raises(HistoryUnchecked, match="data/demands.yaml is not in HEAD, but HEAD has demands.yaml"):
        check_history_kept(repo / "data" / "demands.yaml")


def test_the_old_path_can_be_named_and_is_then_compared(repo, capsys):
    git(repo, "mv", "demands.yaml", "register.yaml")
    edit_file = repo / "register.yaml"
    edit_file.write_text(edit_file.read_text(encoding="utf-8").replace(
        "note: The authorities refused international experts.", "note: The authorities agreed."), encoding="utf-8")
    assert codes_of(repo / "register.yaml", "HEAD:demands.yaml") == [(34, 9, "history-rewritten")]
    assert validate(repo, "register.yaml", "--against", "HEAD:demands.yaml") == 1
    assert validate(repo, "register.yaml", "--against", "HEAD:nothing.yaml") == 2
    assert "there is no nothing.yaml in HEAD" in capsys.readouterr().err


def test_a_genuinely_new_register_passes(repo):
    """A second register beside the first shares no demand with it: nothing to compare, nothing wrong."""
    (repo / "other.yaml").write_text(other_register((repo / "demands.yaml").read_text(encoding="utf-8")),
                                     encoding="utf-8")
    assert codes_of(repo / "other.yaml", "HEAD") == []
    git(repo, "add", "other.yaml")
    git(repo, "commit", "-qm", "a second register")
    assert codes_of(repo / "other.yaml", "HEAD~1") == []


def test_a_first_commit_has_nothing_to_protect(tmp_path):
    git(tmp_path, "init", "-q")
    shutil.copyfile(DATA / "valid" / "small.yaml", tmp_path / "demands.yaml")
    assert codes_of(tmp_path / "demands.yaml", "HEAD") == []


def test_an_unreadable_committed_version_is_an_error_naming_the_revision(repo, capsys):
    good = (repo / "demands.yaml").read_text(encoding="utf-8")
    (repo / "demands.yaml").write_text(good.replace("demands:\n", "demands\n", 1), encoding="utf-8")
    git(repo, "commit", "-qam", "broken, committed with --no-verify")
    (repo / "demands.yaml").write_text(good, encoding="utf-8")
    with pytest.raises(HistoryUnchecked, match=r"the version of demands.yaml in HEAD cannot be read \(line \d+"):
        check_history_kept(repo / "demands.yaml")
    assert validate(repo, "demands.yaml", "--against") == 1
    assert "monitor validate --against HEAD~1" in capsys.readouterr().err
    assert codes_of(repo / "demands.yaml", "HEAD~1") == []  # the suggested earlier commit can be read


@pytest.mark.parametrize("committed", ["- just\n- a list\n", "demands: not a list\n", "demands: [\n"])
def test_a_committed_version_that_is_not_a_register_is_an_error(repo, committed):
    good = (repo / "demands.yaml").read_text(encoding="utf-8")
    (repo / "demands.yaml").write_text(committed, encoding="utf-8")
    git(repo, "commit", "-qam", "not a register")
    (repo / "demands.yaml").write_text(good, encoding="utf-8")
    with pytest.raises(HistoryUnchecked, match="cannot be read"):
        check_history_kept(repo / "demands.yaml")


def test_an_empty_committed_file_has_nothing_to_protect(repo):
    good = (repo / "demands.yaml").read_text(encoding="utf-8")
    (repo / "demands.yaml").write_text("", encoding="utf-8")
    git(repo, "commit", "-qam", "emptied")
    (repo / "demands.yaml").write_text(good, encoding="utf-8")
    assert codes_of(repo / "demands.yaml", "HEAD") == []


def codes_of(path, rev, **kwargs):
    return [(p.line, p.column, p.code) for p in check_history_kept(path, rev, **kwargs)]


# -- the version staged for commit (issue 11) --------------------------------------------------------------------

REWRITE = ("note: The authorities refused international experts.", "note: The authorities agreed.")


def stage_rewrite_keep_working_file_good(repo):
    good = (repo / "demands.yaml").read_text(encoding="utf-8")
    edit(repo, *REWRITE)
    git(repo, "add", "demands.yaml")
    (repo / "demands.yaml").write_text(good, encoding="utf-8")


def stage_good_keep_working_file_bad(repo):
    assert main(["--file", str(repo / "demands.yaml"), "--today", "2026-11-24", "update", "roe-release-2021",
                 "--status", "met", "--note", "Freed.", "--source", "https://example.org/f"]) == 0
    git(repo, "add", "demands.yaml")
    edit(repo, *REWRITE)
    edit(repo, "status: reversed", "status: done")


def test_staged_checks_the_index_not_the_working_file(repo, capsys):
    stage_rewrite_keep_working_file_good(repo)
    assert codes_of(repo / "demands.yaml", "HEAD") == []
    assert codes_of(repo / "demands.yaml", "HEAD", staged=True) == [(34, 9, "history-rewritten")]
    assert validate(repo, "demands.yaml") == 0
    assert validate(repo, "demands.yaml", "--staged") == 1
    out, err = capsys.readouterr()
    assert "demands.yaml:34:9: error: " in out
    assert "(the version staged for commit): 1 error," in err


def test_staged_accepts_a_good_index_whatever_the_working_file(repo, capsys):
    stage_good_keep_working_file_bad(repo)
    assert validate(repo, "demands.yaml", "--against") == 1
    capsys.readouterr()
    assert validate(repo, "demands.yaml", "--staged") == 0
    assert capsys.readouterr() == ("", "")


def test_staged_reports_an_invalid_staged_file_with_positions(repo, capsys):
    good = (repo / "demands.yaml").read_text(encoding="utf-8")
    edit(repo, "status: reversed", "status: done")
    git(repo, "add", "demands.yaml")
    (repo / "demands.yaml").write_text(good, encoding="utf-8")
    assert validate(repo, "demands.yaml", "--staged") == 1
    assert "demands.yaml:107:17: error: " in capsys.readouterr().out
    _, problems = validate_staged(repo / "demands.yaml", today=TODAY)
    assert [(p.line, p.column, p.code) for p in problems] == [(107, 17, "unknown-status")]


def test_staged_refuses_a_deleted_or_moved_register(repo, capsys):
    git(repo, "mv", "demands.yaml", "register.yaml")
    assert validate(repo, "demands.yaml", "--staged") == 1
    out = capsys.readouterr().out
    assert "demands.yaml:1:1: error: demands.yaml is not in the commit being prepared" in out
    assert "git restore --staged --worktree demands.yaml" in out
    assert validate(repo, "register.yaml", "--staged") == 1  # and the new name is recognised as the old file
    assert "HEAD has demands.yaml with 5 of the same demands" in capsys.readouterr().err


def test_staged_outside_git_is_a_usage_message(tmp_path, capsys):
    shutil.copyfile(DATA / "valid" / "small.yaml", tmp_path / "demands.yaml")
    assert main(["--file", str(tmp_path / "demands.yaml"), "validate", "--staged"]) == 2
    assert "is not in a git repository" in capsys.readouterr().err


def commit_with_hook(repo):
    """`git commit` in a real process, with hooks/pre-commit installed as the README says."""
    import os
    import sys

    from .conftest import ROOT

    hook = repo / ".git" / "hooks" / "pre-commit"
    shutil.copyfile(ROOT / "hooks" / "pre-commit", hook)
    hook.chmod(0o755)
    env = dict(os.environ, MONITOR_PYTHON=sys.executable, PYTHONPATH=str(ROOT))
    return subprocess.run(["git", "commit", "-qm", "change"], cwd=repo, capture_output=True, text=True, env=env)


def test_the_hook_refuses_a_bad_staged_version_when_the_working_file_is_good(repo):
    stage_rewrite_keep_working_file_good(repo)
    result = commit_with_hook(repo)
    assert result.returncode != 0
    # git shows a hook's output on stderr
    assert "demands.yaml:34:9: error: the history entry '2020-06-01 not-met'" in result.stderr
    assert "Traceback" not in result.stderr
    assert subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True,
                          text=True).stdout.strip() == "1"


def test_the_hook_accepts_a_good_staged_version_when_the_working_file_is_bad(repo):
    stage_good_keep_working_file_bad(repo)
    result = commit_with_hook(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    committed = subprocess.run(["git", "show", "HEAD:demands.yaml"], cwd=repo, capture_output=True, text=True).stdout
    assert "Freed." in committed and "status: done" not in committed


def test_the_hook_refuses_deleting_the_register(repo):
    git(repo, "rm", "-q", "demands.yaml")
    result = commit_with_hook(repo)
    assert result.returncode != 0
    assert "is not in the commit being prepared" in result.stderr


def test_the_pre_commit_framework_entry_checks_the_staged_version(repo):
    """The `entry` of .pre-commit-hooks.yaml, run as the framework runs it: in the repository, with the names of the
    staged files that match `files:` after it."""
    import os
    import shlex
    import sys

    import yaml

    from .conftest import ROOT

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["pass_filenames"] is True
    entry = shlex.split(hook["entry"])
    assert entry[0] == "monitor"
    command = [sys.executable, "-m", "monitor", *entry[1:], "demands.yaml"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    stage_rewrite_keep_working_file_good(repo)
    refused = subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env)
    assert refused.returncode == 1
    assert "error: the history entry '2020-06-01 not-met'" in refused.stdout
    git(repo, "reset", "-q", "--hard")
    stage_good_keep_working_file_bad(repo)
    assert subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env).returncode == 0
