"""`monitor init`: a working folder for a new register, in one command.

The data file (empty but valid, with a header on how to add entries and a commented example), its JSON Schema,
a commented monitor.toml made from the settings table, a .gitignore, a pre-commit configuration and, on request,
the CI workflows that review each pull or merge request and publish the reports. Every file but the schema and
monitor.toml is a template in monitor/_init_files/. Nothing is overwritten: `init` lists what is in the way and
writes nothing.
"""
from __future__ import annotations

import dataclasses
import os
import re
import textwrap
from pathlib import Path

from . import __version__
from .errors import MonitorError
from .i18n import N_, _, format_number, ngettext

TEMPLATES = Path(__file__).resolve().parent / "_init_files"
CI_FILES = {
    "github": {".github/workflows/review.yml": "github/review.yml",
               ".github/workflows/publish.yml": "github/publish.yml",
               ".github/workflows/digest.yml": "github/digest.yml"},
    "gitlab": {".gitlab-ci.yml": "gitlab/gitlab-ci.yml"},
}
WHAT = {  # what each file is for, as `init` says when it has written them (translated where shown)
    "demands.yaml": N_("the register: its header says how to add entries"),
    "demands.schema.json": N_("lets editors check demands.yaml as you type (monitor schema makes it again)"),
    "monitor.toml": N_("the settings, each at its default and commented out"),
    ".gitignore": N_("keeps the state folder, lock files and reports/ out of git"),
    ".pre-commit-config.yaml": N_("checks each commit of demands.yaml (pip install pre-commit && pre-commit install)"),
    ".github/workflows/review.yml": N_("reviews each pull request: checks, lists the new entries, attaches the "
                                      "reports"),
    ".github/workflows/publish.yml": N_("publishes the reports on GitHub Pages from the default branch"),
    ".github/workflows/digest.yml": N_("sends the weekly digest, once MONITOR_SMTP_HOST is set as a variable"),
    ".gitlab-ci.yml": N_("reviews each merge request, publishes on GitLab Pages, sends the digest on a schedule"),
}
# The settings in monitor.toml, in the README's words; the names and defaults come from settings.py.
SETTING_HELP = {
    "smtp_host": "the outgoing mail server (needed to send)",
    "smtp_port": "its port: 587 for starttls, 465 for ssl, 25 for none",
    "smtp_tls": "how the connection is secured: starttls (port 587), ssl (port 465), or none (trusted networks only)",
    "smtp_user": "the login name, when the server wants one (its password only in MONITOR_SMTP_PASSWORD)",
    "smtp_ca_file": "a PEM file with the authority that signed the mail server's certificate, when your organisation "
                    "issues it itself (then only that one is trusted); a relative path counts from this file's folder",
    "smtp_timeout": "the most seconds one step of talking to the mail server may take",
    "mail_from": "the sender (needed to send)",
    "mail_to": "the recipients (needed to send); each address once",
    "state": "the folder for the digest history, the outbox and the job store, from this file's folder",
    "jobstore": "where `monitor schedule` keeps its jobs: an SQLAlchemy address (PostgreSQL for a shared server)",
    "digest_day": "the day of the weekly digest: mon ... sun",
    "digest_hour": "its hour, 0-23",
    "digest_minute": "its minute, 0-59",
    "timezone": "the time zone of day and hour, and of 'today' for every command",
    "stale_days": "an open demand whose status has not moved for this many days is listed as not moving",
    "watch_seconds": "how often `monitor schedule` looks whether demands.yaml changed",
    "language": "the language of everything monitor writes (en, ru); a list writes the reports in each, each into "
                "its own folder, and the first is the one of every other output",
    "reports_url": "the web address where the reports are published (with the review workflows: the Pages site); "
                   "the digest then links to them",
}
# Where a setting has no value by default, the line shows an example to fill in instead.
SETTING_EXAMPLES = {
    "smtp_host": "smtp.example.org", "smtp_user": "monitor@example.org",
    "mail_from": "Demands monitor <monitor@example.org>", "mail_to": ["advocacy@example.org"],
    "jobstore": "postgresql+psycopg2://monitor@db.example.org/monitor", "smtp_ca_file": "our-ca.pem",
    "reports_url": "https://example.org/our-register/",
}
DERIVED = {"state": ".monitor", "jobstore": "jobs.sqlite in the state folder"}  # defaults settings.py computes
_VERSION = re.compile(r"[0-9]+(\.[0-9]+)*([a-z]+[0-9]*)?(\.(post|dev)[0-9]+)?")
_PLAIN = re.compile(r"[A-Za-z0-9._~:/@+=-]+")  # all a pin needs: nothing a shell or YAML would read otherwise


class InitRefused(MonitorError):
    """Files `init` would write are already there: nothing was written."""


class BadPin(MonitorError):
    """--pin is neither a version nor a repository address with a commit: wrong usage."""

    exit_code = 2


def install_spec(pin: str | None = None) -> str:
    """What the workflows give pip: this monitor's version, another version, or a repository at a commit."""
    if pin is None:
        return f"monitor=={__version__}"
    pin = pin.strip()
    if not _PLAIN.fullmatch(pin):
        raise BadPin(_("--pin {pin}: write a version such as {version}, or a repository and commit such as "
                       "https://git.example.org/monitor.git@3f2a9c1 (letters, digits and ._~:/@+=- only)").format(
            pin=repr(pin), version=__version__))
    if _VERSION.fullmatch(pin):
        return f"monitor=={pin}"
    if "://" in pin and "@" in pin.split("://", 1)[1]:
        return f"monitor @ {pin if pin.startswith('git+') else 'git+' + pin}"
    if re.fullmatch(r"[0-9a-f]{7,40}", pin):
        raise BadPin(_("--pin {pin} looks like a commit: write the repository with it, for example "
                       "--pin https://git.example.org/monitor.git@{pin}").format(pin=pin))
    raise BadPin(_("--pin {pin}: write a version such as {version}, or a repository and commit such as "
                   "https://git.example.org/monitor.git@3f2a9c1").format(pin=pin, version=__version__))


def starter_files(*, ci: tuple[str, ...] = (), example: bool = False, pin: str | None = None) -> dict[str, bytes]:
    """Every file of a new register folder, by its path in the folder (what `init` writes)."""
    from .schema import schema_json

    package = install_spec(pin)
    files = {
        "demands.yaml": shipped_register() if example else starter_register(),
        "demands.schema.json": schema_json(),
        "monitor.toml": settings_toml(),
        ".gitignore": _template("gitignore"),
        ".pre-commit-config.yaml": _template("pre-commit-config.yaml"),
    }
    for platform in ci:
        files.update({name: _template(source) for name, source in CI_FILES[platform].items()})
    return {name: text.replace("@PACKAGE@", package).encode("utf-8") for name, text in files.items()}


def init(folder: str | os.PathLike, *, ci: tuple[str, ...] = (), example: bool = False,
         pin: str | None = None) -> str:
    """Write the starter files into `folder` (made if missing) and say what was written and what to do next.

    InitRefused, with nothing written, when any of them is already there.
    """
    from .store import publish_files

    files = starter_files(ci=ci, example=example, pin=pin)
    out = Path(folder)
    present = [name for name in files if os.path.lexists(out / name)]
    if present:
        raise InitRefused(ngettext("{folder} already has {names} — nothing was written; move it away, or choose "
                                   "another folder: monitor init DIR",
                                   "{folder} already has {names} — nothing was written; move them away, or choose "
                                   "another folder: monitor init DIR", len(present)).format(
            folder=out, names=", ".join(present)))
    publish_files(out, files)
    width = max(len(name) for name in files)
    lines = [ngettext("wrote {count} file in {folder}:", "wrote {count} files in {folder}:", len(files)).format(
        count=format_number(len(files)), folder=out)]
    lines += [f"  {name.ljust(width)}  {_(WHAT[name])}" for name in files]
    # the commit message is the user's first entry in git's history: theirs to word, so it stays as it is
    lines += [_("next:"), f"  cd {out}", "  git init && git add . && git commit -m 'Start the register'",
              "  pip install pre-commit && pre-commit install", "  monitor validate && monitor report"]
    return "\n".join(lines)


def starter_register() -> str:
    """The new data file: valid and empty, its header saying how to add entries, with the statuses' meanings."""
    from .model import STATUS_MEANINGS

    width = max(len(status.value) for status in STATUS_MEANINGS)
    statuses = "\n".join(f"#   {status.value.ljust(width)}  {meaning}" for status, meaning in STATUS_MEANINGS.items())
    return _template("demands.yaml").replace("@STATUSES@", statuses)


def shipped_register() -> str:
    """The Kazakhstan register shipped with monitor (`init --example`)."""
    installed = Path(__file__).resolve().parent / "_example" / "demands.yaml"  # a non-editable install's copy
    path = installed if installed.is_file() else Path(__file__).resolve().parents[1] / "demands.yaml"
    return path.read_text(encoding="utf-8")


def settings_toml() -> str:
    """monitor.toml with every setting (settings.PARSERS), its default (settings.Settings) and what it is for,
    all commented out: uncommenting a line changes nothing until its value is changed."""
    from .settings import DEFAULT_PORTS, PARSERS, Settings

    defaults = {f.name: f.default for f in dataclasses.fields(Settings)
                if f.default is not dataclasses.MISSING and f.name in PARSERS}
    defaults["smtp_port"] = DEFAULT_PORTS[Settings.smtp_tls]
    defaults["state"] = DERIVED["state"]  # the same folder: a relative path counts from this file's folder
    lines = ["# monitor.toml: settings for `monitor digest --send` and `monitor schedule`, and the language monitor",
             "# writes in; nothing else needs them.",
             "# Each setting below is commented out at its default (or, where it has none, shows an example):",
             "# remove the first '# ' and change the value to set it. An environment variable MONITOR_<NAME> (in",
             "# capitals) overrides this file. The mail password is never kept here: set MONITOR_SMTP_PASSWORD in",
             "# the environment."]
    for key in PARSERS:
        has_default = key in defaults and defaults[key] not in ("", ())
        value = defaults[key] if has_default else SETTING_EXAMPLES[key]
        shown = ("default" if has_default else
                 f"an example; default: {DERIVED[key]}" if key in DERIVED else "no default: an example")
        lines += ["", *textwrap.wrap(f"{SETTING_HELP[key][0].upper()}{SETTING_HELP[key][1:]}.", 116,
                                     initial_indent="# ", subsequent_indent="# "),
                  f"# {key} = {_toml_value(value)}  # {shown}"]
    return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")
