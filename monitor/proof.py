"""Proof that an edit did exactly what was meant: the file read back equals the old file plus the one change.

Before a write, the file as it would be is parsed again and compared, value by value and independent of layout,
with the tree read under the lock plus the intended change (one entry appended to one demand's history, or one
demand appended). Only fingerprints of the old tree are kept while the new one is built (at 10,000 demands the
two trees together would not fit the 300 MB that every command stays under).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .i18n import pgettext
from .load import YList, YMap


def fingerprint(value: object) -> bytes:
    """A digest of a value from the tree: its keys in order and its texts, not where they stand in the file."""
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).digest()


@dataclass(frozen=True)
class Intent:
    """The change an edit means to make: `item` appended to the list at `where`.

    `where` is ("demands",) for a new demand, or ("demands", index, "history") for a new entry.
    """

    where: tuple
    item: dict
    line: int = 1  # in the file as it was: where the list that gets the item ends (for messages)


@dataclass(frozen=True)
class Expected:
    """The fingerprints the file must have after the edit, per top-level key and per item of a top-level list."""

    keys: tuple[str, ...]
    parts: dict  # key -> fingerprint, or list of fingerprints for a list
    lines: dict  # key -> line of each list item in the file as it was (for messages)
    labels: dict  # key -> the id of each list item, where it has one


def expect(tree: YMap, intent: Intent | Changes) -> Expected:
    """The fingerprints of `tree` with `intent` applied (the tree itself is not changed)."""
    if isinstance(intent, Changes):
        return expect_changes(tree, intent)
    expected = expect_nothing(tree)
    top = intent.where[0]
    if len(intent.where) == 1:
        expected.parts[top].append(fingerprint(intent.item))
    else:
        _, index, list_key = intent.where
        changed = dict(tree[top][index])
        changed[list_key] = list(changed[list_key]) + [intent.item]
        expected.parts[top][index] = fingerprint(changed)
    return expected


@dataclass(frozen=True)
class Difference:
    """Where the edited file differs from what was meant: a line of the file as it was, and what differs there.

    `what` is in the reader's language, in the form unsafe-edit's message needs ("the change would also have
    altered {what}"): its words are marked with the context "also altered …" (see words.py).
    """

    line: int
    what: str


def compare(expected: Expected, tree: object) -> Difference | None:
    """None when `tree` is exactly the expected result; else the first place where it is not."""
    if not isinstance(tree, YMap) or tuple(tree) != expected.keys:
        return Difference(1, pgettext("also altered …", "the file's top-level keys"))
    for key in expected.keys:
        want, value = expected.parts[key], tree[key]
        if not isinstance(want, list):
            if not isinstance(value, YList) and fingerprint(value) == want:
                continue
            return Difference(tree.key_pos[key][0], pgettext("also altered …", "'{key}'").format(key=key))
        if not isinstance(value, YList):
            return Difference(tree.key_pos[key][0], pgettext("also altered …", "'{key}'").format(key=key))
        got = [fingerprint(item) for item in value]
        old_lines, labels = expected.lines[key], expected.labels[key]
        for index, (a, b) in enumerate(zip(want, got)):
            if a != b:
                line = old_lines[index] if index < len(old_lines) else value.item_pos[index][0]
                label = labels[index] if index < len(labels) else None
                if label:
                    said = pgettext("also altered …", "the item '{label}' of '{key}'")
                else:
                    said = pgettext("also altered …", "an item of '{key}'")
                return Difference(line, said.format(label=label, key=key))
        if len(want) != len(got):
            line = old_lines[-1] if old_lines else tree.key_pos[key][0]
            said = pgettext("also altered …", "the number of items in '{key}' ({got} instead of {want})")
            return Difference(line, said.format(key=key, got=len(got), want=len(want)))
    return None


@dataclass(frozen=True)
class Changes:
    """Several changes made at once (monitor import): items appended to top-level lists, and items of top-level
    lists replaced by the given values (a demand whose `paragraph` and `text` are set, `quoted_from` removed)."""

    appended: dict    # top-level key -> the items appended to its list, in order
    replaced: dict    # (top-level key, index) -> the item as it must read afterwards
    line: int = 1     # in the file as it was, for messages


def expect_changes(tree: YMap, changes: Changes) -> Expected:
    """The fingerprints of `tree` with `changes` applied (the tree itself is not changed)."""
    expected = expect_nothing(tree)
    for (key, index), item in changes.replaced.items():
        expected.parts[key][index] = fingerprint(item)
    for key, items in changes.appended.items():
        expected.parts[key].extend(fingerprint(item) for item in items)
    return expected


def expect_nothing(tree: YMap) -> Expected:
    """The fingerprints of `tree` as it is."""
    parts: dict[str, Any] = {}
    lines: dict[str, list[int]] = {}
    labels: dict[str, list] = {}
    for key, value in tree.items():
        if isinstance(value, YList):
            parts[key] = [fingerprint(item) for item in value]
            lines[key] = [at[0] for at in value.item_pos]
            labels[key] = [item.get("id") if isinstance(item, YMap) else None for item in value]
        else:
            parts[key] = fingerprint(value)
    return Expected(tuple(tree), parts, lines, labels)
