"""The pre-commit hooks with the register in a subfolder (issue 13): this repository's `monitor-validate` hook run by
the real pre-commit framework from a local clone, `monitor validate --staged FILE...`, and the plain git hook
(hooks/pre-commit), each in a real git repository whose data file is data/demands.yaml."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from monitor.cli import main

from .ci_runner import bash, environment, git
from .conftest import DATA, ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
REWORDED = ("      - date: 2020-06-01\n        status: not-met\n",
            "      - date: 2020-06-02\n        status: not-met\n")
SAID = "data/demands.yaml:34:9: error: the history entry '2020-06-01 not-met'"


def data_repository(where: Path) -> Path:
    """A data repository as a team keeps one: the register in data/, committed once."""
    (where / "data").mkdir(parents=True)
    shutil.copyfile(DATA / "valid" / "small.yaml", where / "data" / "demands.yaml")
    git(where, "init", "-q")
    git(where, "add", ".")
    git(where, "commit", "-qm", "data", "--no-verify")
    return where


def stage_rewrite(repo: Path, path: str = "data/demands.yaml") -> None:
    """Stage a rewritten past status (the guard's error), so that the commit must be refused."""
    data = repo / path
    text = data.read_text(encoding="utf-8")
    assert REWORDED[0] in text
    data.write_text(text.replace(*REWORDED, 1), encoding="utf-8")
    git(repo, "add", path)


def stage_new_entry(repo: Path) -> None:
    """Stage a new status, as `monitor update` writes it: a change the hook must let through."""
    data = repo / "data" / "demands.yaml"
    assert main(["--file", str(data), "--today", "2026-11-24", "update", "roe-release-2021", "--status",
                 "in-progress", "--date", "2026-11-20", "--note", "Talks began.", "--source",
                 "https://example.org/talks"]) == 0
    git(repo, "add", "data/demands.yaml")


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD").strip())


# -- `monitor validate --staged FILE...`: each file by its own path ---------------------------------------------

def test_validate_staged_checks_each_named_file_by_its_own_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    repo = data_repository(tmp_path)
    monkeypatch.chdir(repo)
    assert main(["validate", "--staged", "data/demands.yaml"]) == 0  # no ./demands.yaml: not an error
    stage_rewrite(repo)
    assert main(["validate", "--staged", "data/demands.yaml"]) == 1
    assert SAID in capsys.readouterr().out
    assert main(["validate", "--staged", "--file", "data/demands.yaml", "data/demands.yaml"]) == 1  # once, not twice
    assert capsys.readouterr().out.count(SAID) == 1


def test_validate_staged_reports_every_file_and_fails_if_any_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    repo = data_repository(tmp_path)
    (repo / "other").mkdir()
    shutil.copyfile(DATA / "valid" / "small.yaml", repo / "other" / "demands.yaml")
    git(repo, "add", "other/demands.yaml")
    git(repo, "commit", "-qm", "other", "--no-verify")
    monkeypatch.chdir(repo)
    assert main(["validate", "--staged", "data/demands.yaml", "other/demands.yaml"]) == 0
    stage_rewrite(repo)
    assert main(["validate", "--staged", "other/demands.yaml", "data/demands.yaml"]) == 1
    err = capsys.readouterr().err
    assert "data/demands.yaml (the version staged for commit): 1 error," in err
    assert "other/demands.yaml" not in err


# -- the pre-commit framework, with this repository as the hook's `repo:` -----------------------------------------

@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This working tree, committed in a repository of its own: what a team's `repo:` would name."""
    clone = tmp_path_factory.mktemp("monitor-clone")
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    git(clone, "init", "-q")
    git(clone, "add", ".")
    git(clone, "commit", "-qm", "monitor", "--no-verify")
    return clone, git(clone, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")  # shared: the hook's environment is built once


def configure(repo: Path, hook_repository: tuple[Path, str], **hook: object) -> None:
    clone, rev = hook_repository
    config = {"repos": [{"repo": str(clone), "rev": rev, "hooks": [{"id": "monitor-validate", **hook}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    git(repo, "add", ".pre-commit-config.yaml")


@pytest.mark.parametrize("hook", [{}, {"args": ["--file", "data/demands.yaml"]}], ids=["files", "args-file"])
def test_the_framework_checks_a_register_in_a_subfolder(tmp_path: Path, hook: dict, hook_repository: tuple[Path, str],
                                                        pre_commit_home: Path) -> None:
    repo = data_repository(tmp_path / "team")
    configure(repo, hook_repository, **hook)
    env = environment({"PRE_COMMIT_HOME": str(pre_commit_home)})
    assert bash("python -m pre_commit install", repo, env).returncode == 0
    stage_new_entry(repo)
    first = bash("git commit -qm 'A new status'", repo, env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert re.search(r"monitor validate \(no past status removed or rewritten\)\.+Passed", first.stdout + first.stderr)
    stage_rewrite(repo)
    refused = bash("git commit -qm 'Reword an entry'", repo, env)
    said = refused.stdout + refused.stderr
    assert refused.returncode == 1, said
    assert "Failed" in said and SAID in said
    assert commits(repo) == 2


def test_the_framework_skips_a_commit_without_a_register(tmp_path: Path, hook_repository: tuple[Path, str],
                                                         pre_commit_home: Path) -> None:
    repo = data_repository(tmp_path / "team")
    configure(repo, hook_repository)
    env = environment({"PRE_COMMIT_HOME": str(pre_commit_home)})
    assert bash("python -m pre_commit install", repo, env).returncode == 0
    (repo / "README.md").write_text("Our register.\n", encoding="utf-8")
    git(repo, "add", "README.md")
    done = bash("git commit -qm 'A README'", repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"monitor validate .*\.+\(no files to check\)Skipped", done.stdout + done.stderr)


# -- the plain git hook, hooks/pre-commit ------------------------------------------------------------------------

def commit_with_plain_hook(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    hook = repo / ".git" / "hooks" / "pre-commit"
    shutil.copyfile(ROOT / "hooks" / "pre-commit", hook)
    hook.chmod(0o755)
    return subprocess.run(["git", "commit", "-qm", "change"], cwd=repo, capture_output=True, text=True, env=env)


def test_the_plain_hook_checks_a_register_in_a_subfolder(tmp_path: Path) -> None:
    repo = data_repository(tmp_path)
    env = environment({})  # the monitor under test is first on PATH
    stage_new_entry(repo)
    done = commit_with_plain_hook(repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    stage_rewrite(repo)
    refused = commit_with_plain_hook(repo, env)
    assert refused.returncode == 1
    assert SAID in refused.stderr and "Traceback" not in refused.stderr
    assert commits(repo) == 2


def test_the_plain_hook_says_how_to_install_monitor_when_it_cannot_find_it(tmp_path: Path) -> None:
    repo = data_repository(tmp_path)
    env = {**environment({}), "PATH": "/usr/bin:/bin"}
    env.pop("PYTHONPATH", None)
    if subprocess.run(["sh", "-c", "command -v monitor || python3 -c 'import monitor'"], cwd=repo, env=env,
                      capture_output=True).returncode == 0:
        pytest.skip("monitor is installed for the system's python3")
    stage_new_entry(repo)
    refused = commit_with_plain_hook(repo, env)
    assert refused.returncode == 1
    assert "monitor is not installed where the hook looks for it" in refused.stderr
    assert ".venv/bin/pip install monitor" in refused.stderr
    assert "No module named" not in refused.stderr and "Traceback" not in refused.stderr
    assert commits(repo) == 1
    env["MONITOR_PYTHON"] = sys.executable  # told which Python has it: the check runs
    assert commit_with_plain_hook(repo, env).returncode == 0


def test_the_readme_shows_a_complete_pre_commit_config_for_this_hook() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "monitor-validate" in b]
    (repo,) = yaml.safe_load(block)["repos"]
    assert set(repo) == {"repo", "rev", "hooks"} and repo["hooks"] == [{"id": "monitor-validate"}]
    (shipped,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert shipped["id"] == "monitor-validate"
    commented = yaml.safe_load(block.replace("# files:", "files:").replace("# args:", "args:"))
    assert commented["repos"][0]["hooks"][0]["args"] == ["--file", "data/register.yaml"]


def test_the_plain_hook_checks_a_register_named_otherwise_when_told(tmp_path: Path) -> None:
    repo = data_repository(tmp_path)
    git(repo, "mv", "data/demands.yaml", "data/register.yaml")
    git(repo, "commit", "-qm", "rename", "--no-verify")
    stage_rewrite(repo, "data/register.yaml")
    env = environment({})
    assert commit_with_plain_hook(repo, env).returncode == 0  # not a demands.yaml: not looked at
    git(repo, "reset", "-q", "--soft", "HEAD~1")
    refused = commit_with_plain_hook(repo, {**env, "MONITOR_HOOK_FILES": "data/register.yaml"})
    assert refused.returncode == 1
    assert SAID.replace("demands", "register") in refused.stderr
