"""Runs the CI files `monitor init` writes, as far as this machine can: each shell command of a job, in order, with
bash, in a real git checkout, with only what the platform itself provides put in its place.

What is not run, and why: the install line (it downloads monitor from the package index; the monitor under test
is on PATH instead, and the line is checked to pin the version); `actions/setup-python` (this test's Python);
`actions/checkout` (the test makes the checkout first, as the platform would); the cache, upload and Pages actions
(services of GitHub: the test checks that the folders they would upload exist and hold files).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

import monitor

VENV_BIN = Path(sys.executable).parent  # where the monitor under test is installed
INSTALL = f'python -m pip install "monitor=={monitor.__version__}"'
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
                "GIT_COMMITTER_EMAIL": "test@example.org"}


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2's booleans, as GitHub and GitLab read their files: `on:` is a key."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                   list("tTfF"))


def load_yaml(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)


@dataclass
class Ran:
    """What a job did: the commands run in order, the one that failed (if any), the folders it would upload."""

    commands: list[str] = field(default_factory=list)
    failed: subprocess.CompletedProcess | None = None
    artifacts: dict[str, Path] = field(default_factory=dict)
    output: str = ""


def environment(extra: dict[str, str]) -> dict[str, str]:
    """A clean environment: the monitor under test first on PATH, no MONITOR_* of the developer's, CI=true."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONITOR_", "GIT_", "GITHUB_", "CI_"))}
    env.update(GIT_IDENTITY, CI="true", PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}", **extra)
    return env


def bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """A script as both platforms run it with bash: stop at the first failing command, even inside a pipe."""
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def run_github_job(workflow: Path, job_name: str, checkout: Path, env: dict[str, str],
                   variables: dict[str, str] | None = None) -> Ran:
    """Every step of one job of a GitHub workflow, in order, until one fails (as GitHub stops a job)."""
    document = load_yaml(workflow)
    assert document["defaults"]["run"]["shell"] == "bash"  # GitHub's bash: -eo pipefail, as bash() below
    job = document["jobs"][job_name]
    env = environment({**env, **_github_expressions(job.get("env", {}), variables or {})})
    ran = Ran()
    for step in job["steps"]:
        uses = step.get("uses", "")
        if uses.startswith(("actions/upload-artifact@", "actions/upload-pages-artifact@")):
            folder = checkout / step["with"]["path"]
            assert folder.is_dir() and any(folder.iterdir()), f"{step['with']['path']} is missing or empty"
            ran.artifacts[step["with"].get("name", "github-pages")] = folder
        elif uses.startswith(("actions/checkout@", "actions/setup-python@", "actions/cache/", "actions/deploy-pages@")):
            continue
        elif uses:
            raise AssertionError(f"a step this test does not know how to stand in for: {uses}")
        elif step["run"].strip() == INSTALL:
            continue
        else:
            ran.commands.append(step["run"])
            proc = bash(step["run"], checkout, env)
            ran.output += proc.stdout + proc.stderr
            if proc.returncode:
                ran.failed = proc
                return ran
    return ran


def _github_expressions(values: dict[str, str], variables: dict[str, str]) -> dict[str, str]:
    """A job's `env:` with `${{ vars.NAME }}` and `${{ secrets.NAME }}` replaced as GitHub would ('' when unset)."""
    def value(text: str) -> str:
        return re.sub(r"\$\{\{\s*(?:vars|secrets)\.(\w+)\s*\}\}", lambda m: variables.get(m[1], ""), text)

    return {name: value(str(text)) for name, text in values.items()}


def run_gitlab_job(config_path: Path, job_name: str, checkout: Path, env: dict[str, str]) -> Ran:
    """`before_script` then `script` of one GitLab job, in one shell as the runner does; its artifact paths."""
    config = load_yaml(config_path)
    job = config[job_name]
    before = [line for line in config["default"]["before_script"] if line != INSTALL]
    assert len(before) == len(config["default"]["before_script"]) - 1, "the install line pins this version"
    env = environment({**{k: str(v) for k, v in config.get("variables", {}).items()}, **env})
    ran = Ran(commands=before + job["script"])
    proc = bash("\n".join(ran.commands), checkout, env)
    ran.output = proc.stdout + proc.stderr
    if proc.returncode:
        ran.failed = proc
        return ran
    for path in job.get("artifacts", {}).get("paths", []):
        target = checkout / path
        assert target.exists() and (target.is_file() or any(target.iterdir())), f"{path} is missing or empty"
        ran.artifacts[path] = target
    return ran


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env=environment({})).stdout
