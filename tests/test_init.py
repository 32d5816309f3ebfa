"""`monitor init`: the folder it makes validates and reports at once, passes its own pre-commit hook, and its CI
files parse, match the platforms' published JSON Schemas and run, command by command, in real git repositories
(tests/ci_runner.py says what is stood in for)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

import monitor
from monitor.cli import main
from monitor.init import CI_FILES, SETTING_HELP, TEMPLATES, install_spec, starter_files
from monitor.schema import build_schema, schema_json
from monitor.settings import PARSERS, load_settings

from .ci_runner import INSTALL, Yaml12Loader, bash, environment, git, load_yaml, run_github_job, run_gitlab_job
from .conftest import ROOT, SHIPPED
from .mail_servers import SmtpServer

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
STARTER = ["demands.yaml", "demands.schema.json", "monitor.toml", ".gitignore", ".pre-commit-config.yaml"]
GITHUB = [".github/workflows/review.yml", ".github/workflows/publish.yml", ".github/workflows/digest.yml"]


def files_in(folder: Path) -> list[str]:
    """The files in `folder`, but the reports' list of what they wrote (.monitor-reports, beside every report)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and p.name != ".monitor-reports")


def uncomment_examples(text: str) -> str:
    """The starter file with its commented example resolution and demand put in, as its header says to."""
    header, _, rest = text.partition("resolutions: []\n# resolutions:\n")
    rest = rest.replace("demands: []\n# demands:\n", "demands:\n")
    return header + "resolutions:\n" + re.sub(r"(?m)^# (  .*)$", r"\1", rest)


# -- the folder ---------------------------------------------------------------------------------------------------

def test_init_makes_a_folder_that_validates_and_reports(tmp_path: Path, no_monitor_env: None,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "register"
    assert main(["init", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote 5 files in {folder}:\n  demands.yaml ")
    assert files_in(folder) == sorted(STARTER)
    data = str(folder / "demands.yaml")
    assert main(["--file", data, "validate"]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["--file", data, "report", "--out", str(tmp_path / "reports")]) == 0
    assert files_in(tmp_path / "reports") == ["demands.xlsx", "index.html"]


def test_the_starter_file_is_what_the_issue_asks_for(tmp_path: Path) -> None:
    text = starter_files()["demands.yaml"].decode()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=demands.schema.json"
    assert "# HOW TO ADD ENTRIES" in text and "\ntopics:\n  - " in text
    assert starter_files()["demands.schema.json"].decode() == schema_json()
    tree = load_yaml_text(text)
    jsonschema.validate(tree, build_schema())  # what an editor with the modeline checks as you type
    assert tree["resolutions"] == [] and tree["demands"] == []


def load_yaml_text(text: str) -> dict:
    """The file as plain values, read as monitor reads it (dates stay text): what the JSON Schema describes."""
    from monitor.load import parse_text

    return json.loads(json.dumps(parse_text(text).tree))


def test_the_commented_example_validates_once_put_in(tmp_path: Path) -> None:
    path = tmp_path / "demands.yaml"
    path.write_text(uncomment_examples(starter_files()["demands.yaml"].decode()), encoding="utf-8")
    register = monitor.load_register(path)
    assert [r.id for r in register.resolutions] == ["2022"]
    assert [d.id for d in register.demands] == ["shoot-to-kill-cancel-2022"]
    jsonschema.validate(load_yaml_text(path.read_text(encoding="utf-8")), build_schema())


def test_init_refuses_to_overwrite_and_lists_what_is_there(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "demands.yaml").write_text("mine\n")
    (tmp_path / ".gitignore").write_text("mine\n")
    assert main(["init", str(tmp_path), "--ci", "github"]) == 1
    assert capsys.readouterr().err == (f"monitor: {tmp_path} already has demands.yaml, .gitignore — nothing was "
                                       "written; move them away, or choose another folder: monitor init DIR\n")
    assert files_in(tmp_path) == [".gitignore", "demands.yaml"]
    assert (tmp_path / "demands.yaml").read_text() == "mine\n"


def test_init_example_is_the_shipped_register(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not SHIPPED.exists():
        pytest.skip("demands.yaml not present")
    assert main(["init", str(tmp_path), "--example", "--ci", "gitlab"]) == 0
    assert files_in(tmp_path) == sorted([*STARTER, ".gitlab-ci.yml"])
    assert (tmp_path / "demands.yaml").read_bytes() == SHIPPED.read_bytes()
    assert main(["--file", str(tmp_path / "demands.yaml"), "validate"]) == 0


def test_the_settings_file_has_every_setting_at_its_default(tmp_path: Path, no_monitor_env: None) -> None:
    text = starter_files()["monitor.toml"].decode()
    assert set(SETTING_HELP) == set(PARSERS)  # a new setting needs its line here: nothing drifts silently
    assert re.findall(r"(?m)^# (\w+) = ", text) == list(PARSERS)
    assert tomllib.loads(text) == {}  # everything commented out
    (tmp_path / "demands.yaml").write_text("resolutions: []\ndemands: []\n")
    defaults = load_settings(tmp_path / "demands.yaml", environ={})
    at_default = re.sub(r"(?m)^# (\w+ = .*  # default)$", r"\1", text)  # uncomment the lines showing a default
    (tmp_path / "monitor.toml").write_text(at_default)
    assert len(tomllib.loads(at_default)) == 11  # all but the 7 without a default
    assert load_settings(tmp_path / "demands.yaml", environ={}) == defaults
    everything = re.sub(r"(?m)^# (\w+ = )", r"\1", text)  # and the examples of those without one: all accepted
    (tmp_path / "our-ca.pem").write_text("")  # smtp_ca_file's example names a file: it must be there
    (tmp_path / "monitor.toml").write_text(everything)
    assert load_settings(tmp_path / "demands.yaml", environ={}).mail_from == "Demands monitor <monitor@example.org>"


def test_the_gitignore_keeps_state_locks_and_reports_out(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path)]) == 0
    git(tmp_path, "init", "-q")
    for name in [".monitor/digest.sqlite", ".demands.yaml.lock", ".demands.yaml.x1.tmp", "reports/index.html"]:
        assert git(tmp_path, "check-ignore", name).strip() == name
    proc = subprocess.run(["git", "check-ignore", "demands.yaml", "monitor.toml"], cwd=tmp_path, capture_output=True)
    assert proc.returncode == 1  # neither is ignored


@pytest.mark.parametrize(("pin", "spec"), [
    (None, f"monitor=={monitor.__version__}"), ("0.2.0", "monitor==0.2.0"), ("1.0rc1", "monitor==1.0rc1"),
    ("https://git.example.org/ngo/monitor.git@3f2a9c1", "monitor @ git+https://git.example.org/ngo/monitor.git@3f2a9c1"),
    ("git+ssh://git@example.org/monitor.git@v1", "monitor @ git+ssh://git@example.org/monitor.git@v1")])
def test_the_workflows_install_a_pinned_monitor(pin: str | None, spec: str) -> None:
    assert install_spec(pin) == spec
    files = starter_files(ci=("github", "gitlab"), pin=pin)
    for name in [*GITHUB, ".gitlab-ci.yml"]:
        assert f'python -m pip install "{spec}"' in files[name].decode()


@pytest.mark.parametrize("pin", ["3f2a9c1", "latest", "1.0; rm -rf /", 'x"y'])
def test_a_pin_that_is_not_a_version_or_a_commit_is_wrong_usage(pin: str, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path), "--pin", pin]) == 2
    assert capsys.readouterr().err.startswith(f"monitor: --pin {pin if pin.isalnum() else repr(pin)}")
    assert files_in(tmp_path) == []


def test_a_non_editable_install_ships_the_templates() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    globs = config["package-data"]["monitor"]
    shipped = {p for g in globs for p in (ROOT / "monitor").glob(g)}
    catalogues = {p for p in (ROOT / "monitor" / "locale").rglob("*") if p.is_file()}
    assert catalogues  # the translations ship too (test_i18n checks a wheel holds them)
    assert shipped == catalogues | {p for p in TEMPLATES.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert config["package-dir"]["monitor._example"] == "." and config["package-data"]["monitor._example"] == [
        "demands.yaml"]


def test_init_in_a_real_process(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "monitor", "init", "x", "--ci", "github"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert files_in(tmp_path / "x") == sorted([*STARTER, *GITHUB])


# -- its pre-commit hook, run by the pre-commit framework ------------------------------------------------------------

def test_the_folder_passes_its_own_pre_commit_hook_and_refuses_a_removed_entry(tmp_path: Path) -> None:
    folder = tmp_path / "register"
    assert main(["init", str(folder)]) == 0
    data = folder / "demands.yaml"
    data.write_text(uncomment_examples(data.read_text(encoding="utf-8")), encoding="utf-8")
    env = environment({"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")})
    git(folder, "init", "-q")
    assert bash("python -m pre_commit install", folder, env).returncode == 0
    git(folder, "add", ".")
    first = bash("git commit -qm 'Start the register'", folder, env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert re.search(r"monitor validate \(no past status removed or rewritten\)\.+Passed", first.stderr)
    kept = data.read_text(encoding="utf-8")
    data.write_text(kept.replace("        note: Demanded by the European Parliament.\n",
                                 "        note: Asked for by the European Parliament.\n"), encoding="utf-8")
    refused = bash("git commit -qam 'Reword an entry'", folder, env)
    assert refused.returncode == 1
    said = refused.stdout + refused.stderr
    assert "Failed" in said
    assert "of demand 'shoot-to-kill-cancel-2022' was changed (note)" in said
    assert git(folder, "rev-list", "--count", "HEAD").strip() == "1"


# -- the CI files: YAML, the platforms' schemas ------------------------------------------------------------------

def vendored_schema(name: str) -> dict:
    """A published schema as check-jsonschema ships it: SchemaStore's github-workflow.json, GitLab's ci.json."""
    return json.loads(resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(name).read_text("utf-8"))


@pytest.mark.parametrize(("name", "schema"), [(n, "github-workflows.json") for n in GITHUB]
                         + [(".gitlab-ci.yml", "gitlab-ci.json")])
def test_each_ci_file_parses_and_matches_the_platforms_schema(name: str, schema: str, tmp_path: Path) -> None:
    assert main(["init", str(tmp_path), "--ci", "github", "--ci", "gitlab"]) == 0
    document = load_yaml(tmp_path / name)
    published = vendored_schema(schema)
    validator = jsonschema.validators.validator_for(published)(published)
    assert [e.message for e in validator.iter_errors(document)] == []


def test_a_broken_workflow_fails_the_schema() -> None:  # the schema check can fail: it is not vacuous
    published = vendored_schema("github-workflows.json")
    text = starter_files(ci=("github",))[GITHUB[0]].decode()
    broken = yaml.load(text.replace("runs-on:", "runs_on:"), Loader=Yaml12Loader)
    assert list(jsonschema.validators.validator_for(published)(published).iter_errors(broken))


def test_every_template_file_is_written_by_init() -> None:
    used = {"demands.yaml", "gitignore", "pre-commit-config.yaml"} | {s for f in CI_FILES.values() for s in f.values()}
    assert {p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*") if p.is_file()} == used
    assert all(INSTALL in starter_files(ci=("github", "gitlab"))[n].decode() for n in [*GITHUB[:1], ".gitlab-ci.yml"])


# -- the CI files, run: a remote with a base branch, a good change, a bad change, and the base moved on -------

REMOVED_ENTRY = ("      - date: 2023-03-01\n        status: not-met\n"
                 "        note: The order was never publicly cancelled.\n"
                 "        sources:\n          - https://example.org/news/order\n")


def build_remote(root: Path, base: str) -> Path:
    """A bare `origin` whose `base` branch holds a register made by `monitor init --ci github --ci gitlab` (three
    demands: A with two entries, D, B), and branches `good` (an entry for B, a new demand C) and `bad` (A's second
    entry removed); after both were made, `base` moved on (an entry for D), as a busy team's does."""
    origin, seed = root / "origin.git", root / "seed"
    git(root, "init", "-q", "--bare", "-b", base, str(origin))
    assert main(["init", str(seed), "--ci", "github", "--ci", "gitlab"]) == 0
    data = seed / "demands.yaml"
    data.write_text(uncomment_examples(data.read_text(encoding="utf-8")), encoding="utf-8")

    def edit(*args: str) -> None:
        assert main(["--file", str(data), *args]) == 0

    def add(did: str, demand: str) -> None:
        edit("add", did, "--resolution", "2022", "--addressee", "Kazakh authorities", "--topic",
             "freedom of expression", "--demand", demand, "--text", f"calls for this: {demand.lower()}")

    edit("update", "shoot-to-kill-cancel-2022", "--status", "not-met", "--date", "2023-03-01", "--note",
         "The order was never publicly cancelled.", "--source", "https://example.org/news/order")
    add("assembly-law-2022", "Revise the law on peaceful assemblies")  # D
    add("press-law-2022", "Revise the media law")  # B
    git(seed, "init", "-q", "-b", base)
    git(seed, "add", ".")
    git(seed, "commit", "-qm", "Start the register")
    git(seed, "remote", "add", "origin", str(origin))
    git(seed, "push", "-q", "origin", base)
    git(seed, "checkout", "-q", "-b", "good")
    edit("update", "press-law-2022", "--status", "in-progress", "--date", "2024-05-02", "--note",
         "A draft media law was published for comment.", "--source", "https://example.org/news/draft")
    add("internet-shutdowns-2022", "No more internet shutdowns")  # C
    git(seed, "commit", "-qam", "Record the draft media law; add a demand")
    git(seed, "checkout", "-q", "-b", "bad", base)
    data.write_text(data.read_text(encoding="utf-8").replace(REMOVED_ENTRY, ""), encoding="utf-8")
    git(seed, "commit", "-qam", "Tidy up")
    git(seed, "checkout", "-q", base)
    edit("update", "assembly-law-2022", "--status", "partly-met", "--date", "2024-01-15", "--note",
         "Notification replaced permission for some assemblies.", "--source", "https://example.org/news/assembly")
    git(seed, "commit", "-qam", "Record the assembly law change")
    git(seed, "push", "-q", "origin", base, "good", "bad")
    return origin


@pytest.fixture(scope="module")
def github_remote(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_remote(tmp_path_factory.mktemp("github"), "main")


@pytest.fixture(scope="module")
def gitlab_remote(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_remote(tmp_path_factory.mktemp("gitlab"), "trunk")  # whatever the branch is called


def clone(origin: Path, where: Path) -> Path:
    git(where.parent, "clone", "-q", str(origin), str(where))
    return where


def pull_request_checkout(origin: Path, where: Path, branch: str) -> Path:
    """What actions/checkout (fetch-depth 0) gives a pull_request run: the merge of the branch into the base."""
    work = clone(origin, where)
    git(work, "checkout", "-q", "--detach", "origin/main")
    git(work, "merge", "-q", "--no-ff", "--no-edit", f"origin/{branch}")
    return work


def test_the_github_review_passes_a_good_change_and_posts_its_new_entries(github_remote: Path, tmp_path: Path) -> None:
    work = pull_request_checkout(github_remote, tmp_path / "work", "good")
    summary = tmp_path / "summary.md"
    ran = run_github_job(work / GITHUB[0], "review", work, {"GITHUB_BASE_REF": "main",
                                                            "GITHUB_STEP_SUMMARY": str(summary)})
    assert ran.failed is None, ran.output
    assert [c.split()[:2] for c in ran.commands] == [["git", "fetch"], ["monitor", "validate"],
                                                     ["monitor", "changes"], ["monitor", "report"]]
    assert files_in(ran.artifacts["reports"]) == ["2022.html", "demands.xlsx", "index.html"]
    said = summary.read_text(encoding="utf-8")
    assert said.startswith("### Changes to `demands.yaml` against `origin/main`\n\n"
                           "**1 new status entry, 1 new demand**")
    assert "- `internet-shutdowns-2022` No more internet shutdowns (resolution 2022; Kazakh authorities)" in said
    assert "- `press-law-2022` Revise the media law: ○ **pending** → ◔ **in-progress** on 2024-05-02" in said
    assert "assembly-law-2022" not in said  # the base's own new entry is not this change's


def test_the_github_review_fails_a_change_that_removes_an_entry(github_remote: Path, tmp_path: Path) -> None:
    work = pull_request_checkout(github_remote, tmp_path / "work", "bad")
    summary = tmp_path / "summary.md"
    ran = run_github_job(work / GITHUB[0], "review", work, {"GITHUB_BASE_REF": "main",
                                                            "GITHUB_STEP_SUMMARY": str(summary)})
    assert ran.failed is not None and ran.failed.returncode == 1
    assert ran.commands[-1] == 'monitor validate --against "origin/$GITHUB_BASE_REF"'
    assert "the history entry '2023-03-01 not-met' of demand 'shoot-to-kill-cancel-2022' was removed" in ran.output
    assert not summary.exists() and not (work / "reports").exists()  # the job stopped there


def test_the_github_publishing_renders_the_site_from_the_default_branch(github_remote: Path, tmp_path: Path) -> None:
    work = clone(github_remote, tmp_path / "work")
    workflow = load_yaml(work / GITHUB[1])
    assert workflow["jobs"]["build"]["if"] == "github.ref_name == github.event.repository.default_branch"
    ran = run_github_job(work / GITHUB[1], "build", work, {})
    assert ran.failed is None, ran.output
    assert "index.html" in files_in(ran.artifacts["github-pages"])
    assert load_yaml(work / GITHUB[1])["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_the_github_digest_workflow_sends_the_digest(github_remote: Path, tmp_path: Path, smtp: SmtpServer) -> None:
    work = clone(github_remote, tmp_path / "work")
    with (work / "monitor.toml").open("a") as toml:  # what a team would commit: the port and TLS of its server
        toml.write(f'smtp_port = {smtp.port}\nsmtp_tls = "none"\n')
    workflow = load_yaml(work / GITHUB[2])
    assert workflow["jobs"]["digest"]["if"] == "vars.MONITOR_SMTP_HOST != ''"  # off until the team sets it
    ran = run_github_job(work / GITHUB[2], "digest", work, {}, variables={
        "MONITOR_SMTP_HOST": "127.0.0.1", "MONITOR_MAIL_FROM": "monitor@example.org",
        "MONITOR_MAIL_TO": "team@example.org"})
    assert ran.failed is None, ran.output
    assert [rcpt for _, rcpt, _ in smtp.messages] == [["team@example.org"]]
    assert (work / ".monitor").is_dir()  # the state the cache keeps for next week
    assert any(p.endswith(".txt") for p in files_in(ran.artifacts["digest"]))


def merge_request_checkout(origin: Path, where: Path, branch: str) -> Path:
    """What a GitLab merge request pipeline checks out: the source branch's head, detached, and no other branch."""
    work = clone(origin, where)
    git(work, "checkout", "-q", "--detach", f"origin/{branch}")
    for ref in git(work, "for-each-ref", "--format=%(refname)", "refs/remotes/origin/").split():
        git(work, "update-ref", "-d", ref)
    return work


def test_the_gitlab_review_passes_a_good_change_against_where_it_left_the_target(gitlab_remote: Path,
                                                                                 tmp_path: Path) -> None:
    work = merge_request_checkout(gitlab_remote, tmp_path / "work", "good")
    env = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "trunk"}
    ran = run_gitlab_job(work / ".gitlab-ci.yml", "review", work, env)
    assert ran.failed is None, ran.output
    assert ran.commands[0].startswith("git fetch") and ran.commands[-1] == "monitor report --out reports"
    said = (work / "changes.md").read_text(encoding="utf-8")
    assert "**1 new status entry, 1 new demand**" in said and "`press-law-2022`" in said
    assert files_in(ran.artifacts["reports/"]) == ["2022.html", "demands.xlsx", "index.html"]
    # against the target's tip, the target's own new entry would look removed: hence the merge base
    assert bash('monitor validate --against origin/trunk', work, environment({})).returncode == 1


def test_the_gitlab_review_fails_a_change_that_removes_an_entry(gitlab_remote: Path, tmp_path: Path) -> None:
    work = merge_request_checkout(gitlab_remote, tmp_path / "work", "bad")
    env = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "trunk"}
    ran = run_gitlab_job(work / ".gitlab-ci.yml", "review", work, env)
    assert ran.failed is not None and ran.failed.returncode == 1
    assert "of demand 'shoot-to-kill-cancel-2022' was removed" in ran.output
    assert not (work / "changes.md").exists() and not (work / "reports").exists()


def test_the_gitlab_pages_and_digest_jobs_run(gitlab_remote: Path, tmp_path: Path, smtp: SmtpServer) -> None:
    work = clone(gitlab_remote, tmp_path / "work")
    config = load_yaml(work / ".gitlab-ci.yml")
    assert config["pages"]["rules"][0]["if"].startswith("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH")
    ran = run_gitlab_job(work / ".gitlab-ci.yml", "pages", work, {"CI_PIPELINE_SOURCE": "push"})
    assert ran.failed is None, ran.output
    assert "index.html" in files_in(ran.artifacts["public"])
    ran = run_gitlab_job(work / ".gitlab-ci.yml", "digest", work, {
        "CI_PIPELINE_SOURCE": "schedule", "MONITOR_SMTP_HOST": "127.0.0.1", "MONITOR_SMTP_PORT": str(smtp.port),
        "MONITOR_SMTP_TLS": "none", "MONITOR_MAIL_FROM": "monitor@example.org", "MONITOR_MAIL_TO": "team@example.org"})
    assert ran.failed is None, ran.output
    assert len(smtp.messages) == 1
    assert config["digest"]["cache"]["paths"] == [".monitor/"]
