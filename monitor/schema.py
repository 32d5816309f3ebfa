"""The JSON Schema of demands.yaml, so that editors with a YAML language server complete and check as you type.

It mirrors validate.py's key tables; a test keeps the two (and the shipped demands.schema.json) in step. The
schema is a help for editors: `monitor validate` remains the judge (it also checks dates, order and links).
"""
from __future__ import annotations

import json

from .model import STATUS_MEANINGS
from .validate import DEMAND_KEYS, ENTRY_KEYS, RESOLUTION_KEYS, TOP_KEYS

_ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80}  # validate.MAX_ID_LENGTH
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
_URL = {"type": "string", "pattern": "^https?://", "format": "uri"}
_TEXT = {"type": "string", "minLength": 1}

_PROPERTIES = {
    "resolution": {
        "id": dict(_ID, description="What reports and demands call this resolution, e.g. \"2013\"."),
        "title": dict(_TEXT, description="The resolution's full title."),
        "adopted": dict(_DATE, description="The day it was adopted, YYYY-MM-DD."),
        "reference": dict(_TEXT, description="The Parliament's own number, e.g. P7_TA(2013)0190."),
        "procedure": dict(_TEXT, description="The procedure file, e.g. 2013/2600(RSP)."),
        "url": dict(_URL, description="Where the adopted text can be read."),
    },
    "entry": {
        "date": dict(_DATE, description="When it happened, YYYY-MM-DD."),
        "status": {"enum": list(s.value for s in STATUS_MEANINGS),
                   "description": "; ".join(f"{s.value}: {m}" for s, m in STATUS_MEANINGS.items())},
        "note": dict(_TEXT, description="One sentence: what happened."),
        "sources": {"type": "array", "items": _URL, "description": "http(s) addresses of the evidence."},
    },
    "demand": {
        "id": dict(_ID, description="A stable, unique, lower-case slug, e.g. kozlov-release-2013."),
        "resolution": dict(_TEXT, description="The id of the resolution that makes the demand."),
        "paragraph": dict(_TEXT, description="As numbered in the adopted text; \"unknown\" until checked there."),
        "addressee": dict(_TEXT, description="Who must act."),
        "topic": dict(_TEXT, description="One of the file's topics."),
        "person": dict(_TEXT, description="The person the demand is about, where it is about one person."),
        "demand": dict(_TEXT, description="One line: what is demanded."),
        "text": dict(_TEXT, description="The demand's words, from the adopted text or the source in quoted_from."),
        "quoted_from": dict(_URL, description="Where `text` comes from, when it is not the adopted text itself."),
        "repeats": {"type": "array", "items": _ID, "description": "Ids of the same demand made by earlier resolutions."},
        "history": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/entry"},
                    "description": "Oldest first; entries are only ever added."},
    },
}


def _object(name: str, keys: dict[str, bool]) -> dict:
    props = _PROPERTIES[name]
    assert set(props) == set(keys), f"schema and validator disagree on the keys of a {name}"
    return {"type": "object", "additionalProperties": False,
            "required": [k for k, required in keys.items() if required], "properties": props}


def build_schema() -> dict:
    """The JSON Schema (draft-07, which YAML language servers understand) as a dict."""
    top = {
        "topics": {"type": "array", "items": _TEXT, "description": "The fixed set of topic labels."},
        "resolutions": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/resolution"}},
        "demands": {"type": "array", "items": {"$ref": "#/definitions/demand"}},
    }
    assert set(top) == set(TOP_KEYS)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "demands.schema.json",
        "title": "monitor demands file",
        "description": "Resolutions, their demands and each demand's status history. Check with `monitor validate`.",
        "type": "object",
        "additionalProperties": False,
        "required": [k for k, required in TOP_KEYS.items() if required],
        "properties": top,
        "definitions": {"resolution": _object("resolution", RESOLUTION_KEYS),
                        "demand": _object("demand", DEMAND_KEYS),
                        "entry": _object("entry", ENTRY_KEYS)},
    }


def schema_json() -> str:
    """The schema as the text of demands.schema.json."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"
