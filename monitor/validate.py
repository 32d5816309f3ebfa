"""The tree from `load` -> the model, plus every problem in the file, in file order.

One small function per check; the checks every block shares (keys, text, lists, ids, dates, addresses) are in
shapes.py. Each check's docstring shows a good and a bad snippet. Nothing here raises on bad data: a value that
cannot be used becomes a Problem and the model is only built when there are no errors.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from . import fields
from .fields import Field, is_web_address
from .load import Loaded, Node, Pos, YMap
from .memory import gc_paused
from .model import STATUS_NAMES, Demand, Entry, Register, Resolution, Status
from .problems import ProblemList
from .shapes import ShapeChecker
from .suggest import nearest, nearest_status, shorten

TOP_KEYS = fields.keys(fields.TOP)
RESOLUTION_KEYS = fields.keys(fields.RESOLUTION)
DEMAND_KEYS = fields.keys(fields.DEMAND)
ENTRY_KEYS = fields.keys(fields.ENTRY)
# A demand's fields that hold one value, checked by their kind; `repeats` (ids) waits until every id is known.
_SINGLE_VALUES = tuple(f for f in fields.DEMAND if f.kind in ("text", "url", "date"))
_REFERENCES = tuple(f for f in fields.DEMAND if f.kind == "ids")
_PROSE = ("text",)  # line breaks and runs of spaces become one space: the words may be a folded block
_ATTRIBUTES = {f.name for f in dataclasses.fields(Demand)}
_TRANSLATABLE_TOP, _TRANSLATABLE_RESOLUTION, _TRANSLATABLE_DEMAND, _TRANSLATABLE_ENTRY = (
    fields.translatable(table) for table in (fields.TOP, fields.RESOLUTION, fields.DEMAND, fields.ENTRY))


def validate_loaded(loaded: Loaded, *, today: dt.date | None = None) -> tuple[Register | None, ProblemList]:
    """Check a loaded file; return the model (None if any error) and the problems sorted by position.

    A file of nothing but errors keeps the first MAX_KEPT problems (the list's `total` counts all of them).
    """
    checker = _Checker(loaded.path, today or dt.date.today())
    checker.found.absorb(loaded.problems)
    register = None
    if not checker.found.errors:
        with gc_paused():
            register = checker.check_file(loaded.tree)
        if checker.found.errors:
            register = None
    return register, checker.found.result()


class _Checker(ShapeChecker):
    def __init__(self, path: str, today: dt.date) -> None:
        super().__init__(path)
        self.today = today

    def check_file(self, tree: Node) -> Register | None:
        if not isinstance(tree, YMap):
            self.add(getattr(tree, "pos", (1, 1)), "not-a-mapping.file")
            return None
        self.check_keys(tree, TOP_KEYS, "file")
        language = self.file_language(tree)
        topics = self.check_topics(tree)
        resolutions = self.check_resolutions(tree)
        demands = self.check_demands(tree, {r.id: r for r in resolutions}, topics)
        title = self.text(tree, "title", required=False) or ""
        return Register(tuple(resolutions), tuple(demands), tuple(topics or ()), " ".join(title.split()),
                        language, self.translations(tree, _TRANSLATABLE_TOP))

    def check_topics(self, tree: YMap) -> list[str] | None:
        """The optional fixed set of topics.

        good:  `topics: [political prisoners, investigation]`      bad:  `topics: political prisoners`
        """
        items = self.listing(tree, "topics", "topics")
        if items is None:
            return None
        topics = []
        for index, (item, at) in enumerate(zip(items, items.item_pos)):
            self.unquoted_item(items, index, "topics")
            if isinstance(item, str) and item.strip():
                topics.append(item.strip())
            else:
                self.add(at, "not-text.topic")
        return topics

    def check_resolutions(self, tree: YMap) -> list[Resolution]:
        items = self.listing(tree, "resolutions", "resolutions")
        if items is None:
            if "resolutions" in tree:
                self.add(tree.key_pos["resolutions"], "empty-value.resolutions")
            return []
        found: dict[str, Pos] = {}
        result = []
        for item in self.mappings(items, "resolution"):
            self.check_keys(item, RESOLUTION_KEYS, "resolution")
            rid = self.check_id(item, found, "resolution")
            title = self.text(item, "title")
            adopted = self.date(item, "adopted")
            url = self.address(item, "url")
            values = [self.text(item, k, False) or "" for k in ("reference", "procedure")]
            translations = self.translations(item, _TRANSLATABLE_RESOLUTION)
            if rid and title and adopted:
                result.append(Resolution(rid, title.strip(), adopted, values[0].strip(), values[1].strip(),
                                         url or "", translations, line=item.pos[0]))
        return result

    def check_demands(self, tree: YMap, resolutions: dict[str, Resolution], topics: list[str] | None) -> list[Demand]:
        items = self.listing(tree, "demands", "demands")
        if items is None:
            return []
        found: dict[str, Pos] = {}
        raw = []
        for item in self.mappings(items, "demand"):
            self.check_keys(item, DEMAND_KEYS, "demand")
            did = self.check_id(item, found, "demand")
            raw.append((item, did, self.check_demand(item, resolutions, topics)))
        demands = []
        by_id = {did: (item, values) for item, did, values in raw if did}
        for item, did, values in raw:
            references = {f.name: self.check_repeats(item, f.name, did, values, by_id, resolutions)
                          for f in _REFERENCES}
            if did and values is not None:
                demands.append(_demand(did, item.pos[0], {**values, **references}))
        return demands

    def check_demand(self, item: YMap, resolutions: dict[str, Resolution], topics: list[str] | None) -> dict | None:
        """Each field that holds one value, by its kind; the resolution and topic it names; its history."""
        values = {f.name: self.single_value(item, f) for f in _SINGLE_VALUES}
        resolution = self.check_resolution_ref(item, values.get("resolution"), resolutions)
        self.check_topic(item, values.get("topic"), topics)
        translations = self.translations(item, _TRANSLATABLE_DEMAND)
        history = self.check_history(item, resolution)
        if history is None or any(values[f.name] is None for f in _SINGLE_VALUES if f.required):
            return None
        clean: dict[str, object] = {name: value or "" for name, value in values.items()}
        clean["history"] = history
        clean["translations"] = translations
        return clean

    def single_value(self, item: YMap, field: Field) -> str | None:
        """A field's value as the model keeps it (text stripped, a date as YYYY-MM-DD); None when unusable."""
        if field.kind == "text":
            value = self.text(item, field.name, field.required)
            if value is None:
                return None
            return " ".join(value.split()) if field.name in _PROSE else value.strip()
        if field.kind == "url":
            return self.address(item, field.name)
        day = self.date(item, field.name, field.required)
        return day.isoformat() if day else None

    def check_resolution_ref(self, item: YMap, value: str | None,
                             resolutions: dict[str, Resolution]) -> Resolution | None:
        """The demand's resolution exists.

        good:  `resolution: "2013"` with a resolution of id 2013      bad:  `resolution: "2014"` with none
        """
        if value is None:
            return None
        rid = value
        if rid not in resolutions and rid not in self.rejected_ids:
            at = item.value_pos["resolution"]
            if resolutions:
                self.add(at, "unknown-resolution", id=rid, near=nearest(rid, resolutions), ids=list(resolutions))
            else:
                self.add(at, "unknown-resolution.none-listed", id=rid)
            return None
        return resolutions.get(rid)

    def check_topic(self, item: YMap, value: str | None, topics: list[str] | None) -> None:
        """The demand's topic is one of the file's topics, when the file lists them.

        good:  `topic: investigation`      bad:  `topic: investigations`
        """
        if value and topics is not None and value not in topics:
            self.add(item.value_pos["topic"], "unknown-topic", topic=value, near=nearest(value, topics), topics=topics)

    def check_history(self, item: YMap, resolution: Resolution | None) -> tuple[Entry, ...] | None:
        """History entries, oldest first, none before adoption or after today.

        good:  2013-04-18 pending, then 2016-08-04 met      bad:  2016-08-04 met, then 2013-04-18 pending
        """
        if "history" not in item:
            return None
        entries_node = self.listing(item, "history", "entries")
        if entries_node is None or not entries_node:
            if entries_node is not None or item.get("history") is None:
                self.add(item.key_pos["history"], "empty-history")
            return None
        entries: list[Entry] = []
        ok = True
        previous: dt.date | None = None
        for entry_node in self.mappings(entries_node, "entry"):
            entry = self.check_entry(entry_node)
            if entry is None:
                ok = False
                continue
            ok = self.check_entry_date(entry_node.value_pos["date"], entry.date, previous, resolution) and ok
            previous = max(previous, entry.date) if previous else entry.date
            entries.append(entry)
        return tuple(entries) if ok and len(entries) == len(entries_node) else None

    def check_entry_date(self, at: Pos, day: dt.date, previous: dt.date | None, resolution: Resolution | None) -> bool:
        """An entry's date is on or after adoption, not after today, and not before the entry above it."""
        ok = True
        if resolution and day < resolution.adopted:
            self.add(at, "date-before-adoption", date=day, adopted=resolution.adopted)
            ok = False
        if day > self.today:
            self.add(at, "future-date", date=day, today=self.today)
            ok = False
        if previous and day < previous:
            self.add(at, "history-order", date=day, previous=previous)
            ok = False
        return ok

    def check_entry(self, node: YMap) -> Entry | None:
        self.check_keys(node, ENTRY_KEYS, "entry")
        day = self.date(node, "date")
        status = self.status(node)
        note = self.text(node, "note")
        sources = self.check_sources(node)
        private = self.flag(node, "private")
        follow_up = self.date(node, "follow_up", required=False)
        translations = self.translations(node, _TRANSLATABLE_ENTRY)
        if follow_up is None and node.get("follow_up") not in (None, ""):
            return None  # not a date: reported by self.date
        if status and status is not Status.PENDING and not sources and sources is not None:
            self.add(node.value_pos["status"], "missing-source", status=status.value)
        if day is None or status is None or note is None or sources is None or private is None:
            return None
        return Entry(day, status, " ".join(note.split()), tuple(sources), private, follow_up, translations,
                     line=node.pos[0])

    def status(self, node: YMap) -> Status | None:
        """One of the six statuses.

        good:  `status: in-progress`      bad:  `status: in progress` (did you mean), `status: done`
        """
        value = self.text(node, "status")
        if value is None:
            return None
        word = value.strip()
        if word in STATUS_NAMES:
            return Status(word)
        self.add(node.value_pos["status"], "unknown-status", word=word, near=nearest_status(word))
        return None

    def check_sources(self, node: YMap) -> list[str] | None:
        """Sources are http(s) addresses.

        good:  `sources: [https://www.hrw.org/...]`      bad:  `sources: [javascript:alert(1)]`
        """
        items = self.listing(node, "sources", "addresses")
        if items is None:
            return None if "sources" in node and node["sources"] is not None else []
        sources = []
        ok = True
        for value, at in zip(items, items.item_pos):
            if not isinstance(value, str):
                self.add(at, "bad-url.not-text")
                ok = False
            elif not is_web_address(value.strip()):
                self.add(at, "bad-url", value=shorten(value))
                ok = False
            else:
                sources.append(value.strip())
        return sources if ok else None

    def check_repeats(self, item: YMap, key: str, did: str | None, values: dict | None, by_id: dict,
                      resolutions: dict[str, Resolution]) -> tuple[str, ...]:
        """`repeats` names existing demands of earlier resolutions.

        good:  `repeats: [eeas-monitoring-2012]` on a 2013 demand      bad:  `repeats: [eeas-monitoring-2022]`
        """
        items = self.listing(item, key, "ids")
        if not items:
            return ()
        ours = resolutions.get((values or {}).get("resolution", ""))
        result = []
        for index, (value, at) in enumerate(zip(items, items.item_pos)):
            self.unquoted_item(items, index, key)
            if not isinstance(value, str) or not value.strip():
                self.add(at, "not-text.repeats")
                continue
            target = value.strip()
            if target not in by_id:
                self.add(at, "unknown-demand", id=target, near=nearest(target, by_id))
                continue
            theirs = resolutions.get((by_id[target][1] or {}).get("resolution", ""))
            if target == did or (ours and theirs and theirs.adopted >= ours.adopted):
                self.add(at, "repeats-not-earlier", id=target)
                continue
            result.append(target)
        return tuple(result)


def _demand(did: str, line: int, values: dict) -> Demand:
    """The model's demand: fields it has an attribute for by name, the other (optional) fields in `more`."""
    known = {name: value for name, value in values.items() if name in _ATTRIBUTES}
    more = tuple((name, value) for name, value in values.items() if name not in _ATTRIBUTES and value)
    return Demand(id=did, line=line, more=more, **known)
