"""The editor and `monitor validate` agree on every file of tests/data/agreement/ (issue 13).

Each file goes through `monitor validate` and through `jsonschema` with the shipped demands.schema.json, parsed
as an editor's YAML language server parses it (YAML 1.2 core: `2013` is a number, `true` a boolean, `no` and
`2013-04-18` text). They agree when the schema accepts a file that validate finds nothing in, and refuses one in
which validate finds an error or warns. Every other outcome is listed in DIFFERENCES with its reason, and the
test fails on a disagreement that is not listed (or on a listed one that is gone).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from monitor import validate_file
from monitor.cli import main

from .conftest import DATA, ROOT, TODAY

CORPUS = DATA / "agreement"
OK, WARNS, REFUSES = "ok", "warns", "refuses"

# What validate says of each file (its first problem's code), where both agree.
AGREED: dict[str, str] = {
    "base": OK, "empty-lists": OK, "person-empty": OK, "sources-empty": OK, "follow-up-empty": OK,
    "private-true": OK, "paragraph-word": OK, "note-quoted-no": OK,
    "unknown-status": "unknown-status", "unknown-key": "unknown-key", "missing-topic": "missing-key",
    "bad-id": "bad-id", "id-too-long": "bad-id", "javascript-source": "bad-url", "url-without-scheme": "bad-url",
    "note-empty": "empty-value", "note-null": "empty-value", "note-tilde": "empty-value",
    "history-empty": "empty-history", "date-short-form": "bad-date", "date-slashes": "bad-date",
    "adopted-number": "bad-date", "private-yes": "not-a-flag", "private-empty": "empty-value",
    "resolutions-empty-key": "empty-value", "demands-missing": "missing-key", "sources-not-a-list": "not-a-list",
    "addressee-list": "not-text", "file-is-a-list": "not-a-mapping",
    "paragraph-number": "unquoted-value", "paragraph-decimal": "unquoted-value", "resolution-number": "unquoted-value",
    "note-false": "unquoted-value", "title-true": "unquoted-value", "topic-number": "unquoted-value",
    "repeats-number": "unquoted-value",
}
# The documented differences (README, "monitor validate"): (validate's first code, what the schema does, why).
DIFFERENCES: dict[str, tuple[str, str, str]] = {
    "unknown-topic": ("unknown-topic", "accepts", "the topics list is the file's own, not the schema's"),
    "impossible-date": ("bad-date", "accepts", "a pattern cannot know that 30 February does not exist"),
    "unknown-resolution": ("unknown-resolution", "accepts", "a schema cannot check that an id is listed above"),
    "duplicate-id": ("duplicate-id", "accepts", "a schema cannot compare ids across items"),
    "history-order": ("history-order", "accepts", "a schema cannot compare dates"),
    "future-date": ("future-date", "accepts", "a schema does not know today's date"),
    "unknown-repeats": ("unknown-demand", "accepts", "a schema cannot check that an id is listed"),
    "tag": ("tag-not-allowed", "accepts", "tags are refused by monitor's loader, for safety; not a schema matter"),
    "note-no": ("unquoted-value", "accepts", "editors read `no` as text (YAML 1.2); YAML 1.1 programs as false"),
    "note-on": ("unquoted-value", "accepts", "editors read `On` as text (YAML 1.2); YAML 1.1 programs as true"),
    "missing-source": ("missing-source", "accepts", "a warning about the evidence, not about the file's form"),
    "cut-by-comment": ("cut-by-comment", "accepts", "the editor sees a shorter note, which is valid text"),
}


class _EditorLoader(yaml.SafeLoader):
    """YAML 1.2's core schema, as the YAML language server reads a file: no dates, no yes/no/on/off."""


_EditorLoader.yaml_implicit_resolvers = {}
for _tag, _regex, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
              r"|\.(?:nan|NaN|NAN))$", "-+.0123456789"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    _EditorLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_regex), list(_first))


def _schema_says(path: Path) -> str:
    schema = json.loads((ROOT / "demands.schema.json").read_text(encoding="utf-8"))
    tree = yaml.load(path.read_text(encoding="utf-8"), Loader=_EditorLoader)  # noqa: S506 (a SafeLoader)
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(tree))
    return "refuses" if errors else "accepts"


def _validate_says(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """(ok/warns/refuses as `monitor validate` says it, the code of the first problem or "ok")."""
    exit_code = main(["--file", str(path), "--today", "2026-11-24", "validate"])
    out = capsys.readouterr()
    reported = re.search(r":\d+:\d+: (?:error|warning): ", out.out + out.err)
    _register, problems = validate_file(path, today=TODAY)
    if exit_code == 0 and not reported:
        assert not problems
        return OK, OK
    return (REFUSES if exit_code else WARNS), problems[0].code


def test_every_corpus_file_is_listed():
    names = {p.stem for p in CORPUS.glob("*.yaml")}
    assert names == set(AGREED) | set(DIFFERENCES)
    assert not set(AGREED) & set(DIFFERENCES)


@pytest.mark.parametrize("name", sorted(AGREED))
def test_editor_and_validate_agree(name, capsys):
    path = CORPUS / f"{name}.yaml"
    verdict, code = _validate_says(path, capsys)
    assert code == AGREED[name]
    assert _schema_says(path) == ("accepts" if verdict == OK else "refuses"), f"validate {verdict} ({code})"


@pytest.mark.parametrize("name", sorted(DIFFERENCES))
def test_documented_differences_are_still_the_same(name, capsys):
    path = CORPUS / f"{name}.yaml"
    code, schema, _why = DIFFERENCES[name]
    verdict, found = _validate_says(path, capsys)
    assert (found, _schema_says(path)) == (code, schema)
    assert verdict != OK


def test_the_shipped_file_is_accepted_by_both(capsys):
    path = ROOT / "demands.yaml"
    assert _validate_says(path, capsys) == (OK, OK)
    assert _schema_says(path) == "accepts"
