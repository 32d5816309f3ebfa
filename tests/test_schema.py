"""The JSON Schema for editors agrees with the validator and with the files we ship."""
from __future__ import annotations

import json

import jsonschema
import pytest

from monitor.load import read_file
from monitor.schema import build_schema, schema_json

from .conftest import DATA, ROOT, SHIPPED


def plain(tree):
    """The loader's tree as plain JSON values (what an editor's YAML 1.2 parser sees for our files)."""
    return json.loads(json.dumps(tree))


def test_shipped_schema_file_is_current():
    assert (ROOT / "demands.schema.json").read_text(encoding="utf-8") == schema_json()


def test_schema_is_a_valid_draft7_schema():
    jsonschema.Draft7Validator.check_schema(build_schema())


@pytest.mark.parametrize("path", [DATA / "valid" / "small.yaml", SHIPPED], ids=["small", "shipped"])
def test_valid_files_satisfy_the_schema(path):
    if not path.exists():
        pytest.skip(f"{path.name} not present")
    jsonschema.validate(plain(read_file(path).tree), build_schema())


@pytest.mark.parametrize("name", ["unknown-status.yaml", "unknown-key.yaml", "missing-key.yaml", "bad-id.yaml",
                                  "javascript-source.yaml"])
def test_the_schema_also_refuses_common_mistakes(name):
    tree = plain(read_file(DATA / "invalid" / name).tree)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(tree, build_schema())


def test_shipped_file_points_editors_at_the_schema():
    if not SHIPPED.exists():
        pytest.skip("demands.yaml not present")
    assert SHIPPED.read_text(encoding="utf-8").splitlines()[0] == "# yaml-language-server: $schema=demands.schema.json"
