"""The checks every block of the file shares: its keys, a single value, a list, an id, a date, a web address.

validate.py's checker builds on these for what is particular to resolutions, demands and history entries. Each
check returns the value when it can be used, or None after reporting why it cannot.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from .fields import MAX_ID_LENGTH, is_id, is_web_address, parse_date
from .problems import Findings, problem
from .suggest import example_date, example_id, nearest, shorten
from .tree import Pos, YList, YMap
from .words import block_name, id_owner, item_name, list_content

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")  # the form the JSON Schema asks for


class ShapeChecker:
    """Reports each problem once, where it stands, into `found`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found = Findings()
        self.rejected_ids: set[str] = set()  # ids reported as bad; references to them are not reported again

    def add(self, at: Pos, message_id: str, **values: object) -> None:
        """Report the catalogue's message `message_id` at `at` (only counted when too many are kept already)."""
        found = self.found
        if found.wants(at[0], at[1]):  # a file of errors: most are only counted (benchmarks/invalid.py)
            found.add(problem(message_id, (self.path, at[0], at[1]), **values))
        else:
            found.count(message_id)

    def wants(self, at: Pos) -> bool:
        """False once enough earlier problems are kept: skip the costly hint, count the problem."""
        return self.found.wants(*at)

    def check_keys(self, mapping: YMap, allowed: dict[str, bool], what: str) -> None:
        """Required keys present, no unknown keys. `what`: the block ("file", "resolution", "demand", "entry").

        good:  `- id: kozlov-release-2013` with every required key
        bad:   `- id: kozlov-release-2013` + `adressee: ...` (unknown key, did you mean 'addressee'?)
        """
        missing = [key for key, required in allowed.items() if required and key not in mapping]
        misspelt = set()
        for key in mapping:
            if key not in allowed:
                at = mapping.key_pos[key]
                near = nearest(key, allowed) if self.wants(at) else ""
                misspelt.add(near)
                self.add(at, "unknown-key", what=block_name(what), key=key, near=near, keys=allowed)
        for key in missing:
            if key not in misspelt:  # a misspelt key is reported once, where it stands
                self.add(mapping.pos, "missing-key", what=block_name(what), key=key)

    def text(self, mapping: YMap, key: str, required: bool = True) -> str | None:
        """A single value; empty or a list/block where text belongs is a problem; a number, true/false or yes/no
        without quotes is a warning: editors and other YAML programs read it as something else than text.

        good:  `addressee: Kazakh authorities`, `paragraph: "7"`     bad:  `addressee:` (empty), `addressee: [a, b]`
        warned:  `resolution: 2013`, `note: no`
        """
        value = self.single(mapping, key, required)
        kind = mapping.typed.get(key) if value is not None else None
        if kind:
            self.unquoted(mapping.value_pos[key], kind, key, value or "")
        return value

    def unquoted(self, at: Pos, kind: str, key: str, value: str) -> None:
        """Warn about a value that other YAML programs read as a number or true/false (tree.typed_kind)."""
        if kind == "number":
            self.add(at, "unquoted-value.number", key=key, value=value)
        elif kind == "true-false":
            self.add(at, "unquoted-value.true-false", key=key, value=value)
        else:
            self.add(at, "unquoted-value.yes-no", key=key, value=value)

    def unquoted_item(self, items: YList, index: int, key: str) -> None:
        """Warn about an item of `key` that other YAML programs read as a number or true/false, not text.

        good:  `- "2012"`      warned:  `- 2012`
        """
        if index in items.typed:
            self.add(items.item_pos[index], "unquoted-value.item", key=key, value=items[index])

    def single(self, mapping: YMap, key: str, required: bool = True) -> str | None:
        """A single value as written (for dates and flags, whose words are not text)."""
        if key not in mapping:
            return None
        value = mapping[key]
        if isinstance(value, (YMap, YList)):
            self.add(mapping.value_pos[key], "not-text.block" if isinstance(value, YMap) else "not-text.list", key=key)
            return None
        if value is None or not value.strip():
            if required:
                self.add(mapping.key_pos[key], "empty-value", key=key)
            return None
        return value

    def listing(self, mapping: YMap, key: str, what: str) -> YList | None:
        """A list under `key`, of `what` (messages.list_content: "topics", "addresses", "ids"...).

        good:  `sources:` followed by `  - https://...`      bad:  `sources: https://...`
        """
        if key not in mapping or mapping[key] is None:
            return None
        value = mapping[key]
        if not isinstance(value, YList):
            self.add(mapping.value_pos[key], "not-a-list", key=key, what=list_content(what))
            return None
        return value

    def mappings(self, items: YList, what: str) -> Iterator[YMap]:
        """The items of a list that are `key: value` blocks; `what` they are ("resolution", "demand", "entry")."""
        for item, at in zip(items, items.item_pos):
            if isinstance(item, YMap):
                yield item
            else:
                self.add(at, "not-a-mapping", what=item_name(what))

    def check_id(self, item: YMap, found: dict[str, Pos], what: str) -> str | None:
        """A unique lower-case slug; `what` it names ("resolution", "demand").

        good:  `id: kozlov-release-2013`      bad:  `id: Kozlov Release` or the same id twice
        """
        value = self.text(item, "id")
        if value is None:
            return None
        value = value.strip()
        at = item.value_pos["id"]
        if len(value) > MAX_ID_LENGTH:  # ids become file names and URLs: keep them well under every limit
            self.rejected_ids.add(value)
            self.add(at, "bad-id.too-long", what=id_owner(what), length=len(value), limit=MAX_ID_LENGTH,
                     example=value[:40].strip("-"))
            return None
        if not is_id(value):
            self.rejected_ids.add(value)
            self.add(at, "bad-id", what=id_owner(what), value=value, example=example_id(value))
            return None
        if value in found:
            self.add(at, "duplicate-id", what=id_owner(what), value=value, first=found[value][0])
            return None
        found[value] = at
        return value

    def date(self, item: YMap, key: str, required: bool = True) -> dt.date | None:
        """A real calendar date.

        good:  `date: 2022-01-13`      bad:  `date: 2022-13-01`, `date: 13/01/2022`
        """
        value = self.single(item, key, required)
        if value is None:
            return None
        day = parse_date(value)
        if day is None:
            self.add(item.value_pos[key], "bad-date", value=value.strip(), example=example_date(value))
            return None
        if not _ISO_DATE.match(value.strip()):  # 2013-4-18: a real day, but editors and sorting need 2013-04-18
            self.add(item.value_pos[key], "bad-date.form", value=value.strip(), example=day.isoformat())
            return None
        return day

    def flag(self, item: YMap, key: str) -> bool | None:
        """An optional true or false (False when the key is not there).

        good:  `private: true`      bad:  `private: yes`, `private: "maybe"`
        """
        if key not in item:
            return False
        value = self.single(item, key)
        if value is None:
            return None
        if value.strip() in ("true", "false"):
            return value.strip() == "true"
        self.add(item.value_pos[key], "not-a-flag", key=key, value=value.strip())
        return None

    def address(self, item: YMap, key: str) -> str | None:
        """An http(s) address.

        good:  `url: https://www.europarl.europa.eu/...`      bad:  `url: javascript:alert(1)`, `url: www.x.org`
        """
        value = self.text(item, key, required=False)
        if value is None:
            return None
        value = value.strip()
        if not is_web_address(value):
            self.add(item.value_pos[key], "bad-url", value=shorten(value))
            return None
        return value
