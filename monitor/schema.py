"""The JSON Schema of demands.yaml, so that editors with a YAML language server complete and check as you type.

Generated from the field table in fields.py, which the validator reads too. The schema and `monitor validate`
accept and refuse the same files for all a schema can express (tests/test_agreement.py lists the differences);
`validate` remains the judge: it also checks calendar dates, order, links and the topics list, and warns of a
translation into the file's own language.
"""
from __future__ import annotations

import json

from . import fields
from .fields import Field
from .model import STATUS_MEANINGS

_ID = {"type": "string", "pattern": f"^{fields.ID_REGEX}$", "maxLength": fields.MAX_ID_LENGTH}
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
_URL = {"type": "string", "pattern": "^https?://", "format": "uri"}
_TEXT = {"type": "string", "minLength": 1}
_LANGUAGE = {"type": "string", "pattern": f"^{fields.LANGUAGE_REGEX}$"}
_STATUS = {"enum": list(s.value for s in STATUS_MEANINGS),
           "description": "; ".join(f"{s.value}: {m}" for s, m in STATUS_MEANINGS.items())}
_KINDS: dict[str, dict] = {
    "id": _ID, "text": _TEXT, "date": _DATE, "url": _URL, "status": _STATUS, "flag": {"type": "boolean"},
    "language": _LANGUAGE,
    "texts": {"type": "array", "items": _TEXT}, "ids": {"type": "array", "items": _ID},
    "urls": {"type": "array", "items": _URL},
    "entries": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/entry"}},
    "resolutions": {"type": "array", "items": {"$ref": "#/definitions/resolution"}},  # [] is valid, as in validate
    "demands": {"type": "array", "items": {"$ref": "#/definitions/demand"}},
}


def _translations(table: tuple[Field, ...]) -> dict:
    """`translations:` of a block: language code -> {translatable field -> its text}, at least one of them."""
    return {"type": "object", "propertyNames": _LANGUAGE,
            "additionalProperties": {"type": "object", "additionalProperties": False, "minProperties": 1,
                                     "properties": {name: _TEXT for name in fields.translatable(table)}}}


def _property(field: Field, table: tuple[Field, ...]) -> dict:
    prop = _translations(table) if field.kind == "translations" else dict(_KINDS[field.kind])
    if not field.required and field.kind != "flag":  # `person:` left empty means none, as in validate
        prop["type"] = [prop["type"], "null"]
    if field.description:
        prop["description"] = field.description
    return prop


def _object(table: tuple[Field, ...]) -> dict:
    return {"type": "object", "additionalProperties": False,
            "required": [f.name for f in table if f.required],
            "properties": {f.name: _property(f, table) for f in table}}


def build_schema() -> dict:
    """The JSON Schema (draft-07, which YAML language servers understand) as a dict."""
    top = _object(fields.TOP)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "demands.schema.json",
        "title": "monitor demands file",
        "description": "Resolutions, their demands and each demand's status history. Check with `monitor validate`.",
        "type": "object",
        "additionalProperties": False,
        "required": top["required"],
        "properties": top["properties"],
        "definitions": {"resolution": _object(fields.RESOLUTION), "demand": _object(fields.DEMAND),
                        "entry": _object(fields.ENTRY)},
    }


def schema_json() -> str:
    """The schema as the text of demands.schema.json."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"
