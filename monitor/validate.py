"""The tree from `load` -> the model, plus every problem in the file, in file order.

One small function per check. Each check's docstring shows a good and a bad snippet. Nothing here raises on
bad data: a value that cannot be used becomes a Problem and the model is only built when there are no errors.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata

from . import fields
from .fields import MAX_ID_LENGTH, is_id, is_web_address, parse_date
from .load import Loaded, Pos, YList, YMap
from .memory import gc_paused
from .model import STATUS_NAMES, Demand, Entry, Register, Resolution, Status
from .problems import Findings, ProblemList

TOP_KEYS = fields.keys(fields.TOP)
RESOLUTION_KEYS = fields.keys(fields.RESOLUTION)
DEMAND_KEYS = fields.keys(fields.DEMAND)
ENTRY_KEYS = fields.keys(fields.ENTRY)


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


def did_you_mean(word: str, choices) -> str:
    """`did you mean 'x'? ` when one choice is close to `word`, else ''."""
    return _did_you_mean(difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6))


def _did_you_mean(close: list[str]) -> str:
    return f"did you mean '{close[0]}'? " if close else ""


def status_hint(word: str) -> str:
    """What to write instead of an unknown status: 'did you mean ...?' where close, then the six statuses."""
    near = re.sub(r"[\s_]+", "-", word.strip().lower())
    guess = f"did you mean '{near}'? " if near in STATUS_NAMES else did_you_mean(word.strip().lower(), STATUS_NAMES)
    return f"{guess}write one of: {', '.join(STATUS_NAMES)}"


class _Checker:
    def __init__(self, path: str, today: dt.date):
        self.path = path
        self.today = today
        self.found = Findings()
        self.rejected_ids: set[str] = set()  # ids reported as bad; references to them are not reported again

    # -- reporting ---------------------------------------------------------------------------------------------
    def add(self, at: Pos, code: str, message: str, hint: str | None = None) -> None:
        self.found.report(self.path, at[0], at[1], code, message, hint)

    def wants(self, at: Pos) -> bool:
        """False once enough earlier problems are kept: skip the costly hint, count the problem."""
        return self.found.wants(*at)

    # -- shapes --------------------------------------------------------------------------------------------------
    def check_keys(self, mapping: YMap, allowed: dict[str, bool], what: str) -> None:
        """Required keys present, no unknown keys.

        good:  `- id: kozlov-release-2013` with every required key
        bad:   `- id: kozlov-release-2013` + `adressee: ...` (unknown key, did you mean 'addressee'?)
        """
        missing = [key for key, required in allowed.items() if required and key not in mapping]
        misspelt = set()
        for key in mapping:
            if key not in allowed:
                at = mapping.key_pos[key]
                guess = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6) if self.wants(at) else []
                misspelt.update(guess)
                self.add(at, "unknown-key", f"{what} has no key '{key}'",
                         f"{_did_you_mean(guess)}the keys are: {', '.join(allowed)}")
        for key in missing:
            if key not in misspelt:  # a misspelt key is reported once, where it stands
                self.add(mapping.pos, "missing-key", f"{what} is missing '{key}'", f"add '{key}: ...' to it")

    def text(self, mapping: YMap, key: str, required: bool = True) -> str | None:
        """A single value; empty or a list/block where text belongs is a problem.

        good:  `addressee: Kazakh authorities`     bad:  `addressee:` (empty) or `addressee: [a, b]`
        """
        if key not in mapping:
            return None
        value = mapping[key]
        if isinstance(value, (YMap, YList)):
            self.add(mapping.value_pos[key], "not-text", f"'{key}' should be a single value, not a "
                     + ("block of keys" if isinstance(value, YMap) else "list"), f"write {key}: followed by text")
            return None
        if value is None or not value.strip():
            if required:
                self.add(mapping.key_pos[key], "empty-value", f"'{key}' is empty", f"write the {key} after the colon")
            return None
        return value

    def listing(self, mapping: YMap, key: str, what: str) -> YList | None:
        """A list under `key`.

        good:  `sources:` followed by `  - https://...`      bad:  `sources: https://...`
        """
        if key not in mapping or mapping[key] is None:
            return None
        value = mapping[key]
        if not isinstance(value, YList):
            self.add(mapping.value_pos[key], "not-a-list", f"'{key}' should be a list of {what}",
                     "write each on its own line starting with '- ', or [] for none")
            return None
        return value

    def mappings(self, items: YList, what: str):
        """The items of a list that are `key: value` blocks, with their positions."""
        for item, at in zip(items, items.item_pos):
            if isinstance(item, YMap):
                yield item
            else:
                self.add(at, "not-a-mapping", f"each {what} should be a block of 'key: value' lines",
                         "start the item with '- id: ...' and put the other keys under it")

    # -- the file ------------------------------------------------------------------------------------------------
    def check_file(self, tree) -> Register | None:
        if not isinstance(tree, YMap):
            self.add(getattr(tree, "pos", (1, 1)), "not-a-mapping", "the file should start with 'resolutions:' and 'demands:'",
                     "see the example at the top of the README")
            return None
        self.check_keys(tree, TOP_KEYS, "the file")
        topics = self.check_topics(tree)
        resolutions = self.check_resolutions(tree)
        demands = self.check_demands(tree, {r.id: r for r in resolutions}, topics)
        return Register(tuple(resolutions), tuple(demands), tuple(topics or ()))

    def check_topics(self, tree: YMap) -> list[str] | None:
        """The optional fixed set of topics.

        good:  `topics: [political prisoners, investigation]`      bad:  `topics: political prisoners`
        """
        items = self.listing(tree, "topics", "topic names")
        if items is None:
            return None
        topics = []
        for item, at in zip(items, items.item_pos):
            if isinstance(item, str) and item.strip():
                topics.append(item.strip())
            else:
                self.add(at, "not-text", "each topic should be a short name", "write e.g. '- political prisoners'")
        return topics

    def check_resolutions(self, tree: YMap) -> list[Resolution]:
        items = self.listing(tree, "resolutions", "resolutions")
        if items is None:
            if "resolutions" in tree:
                self.add(tree.key_pos["resolutions"], "empty-value", "'resolutions' is empty",
                         "list at least one resolution under it")
            return []
        found: dict[str, Pos] = {}
        result = []
        for item in self.mappings(items, "resolution"):
            self.check_keys(item, RESOLUTION_KEYS, "this resolution")
            rid = self.check_id(item, found, "resolution")
            title = self.text(item, "title")
            adopted = self.date(item, "adopted")
            url = self.address(item, "url")
            values = [self.text(item, k, False) or "" for k in ("reference", "procedure")]
            if rid and title and adopted:
                result.append(Resolution(rid, title.strip(), adopted, values[0].strip(), values[1].strip(),
                                         url or "", item.pos[0]))
        return result

    def check_id(self, item: YMap, found: dict[str, Pos], what: str) -> str | None:
        """A unique lower-case slug.

        good:  `id: kozlov-release-2013`      bad:  `id: Kozlov Release` or the same id twice
        """
        value = self.text(item, "id")
        if value is None:
            return None
        value = value.strip()
        at = item.value_pos["id"]
        if len(value) > MAX_ID_LENGTH:  # ids become file names and URLs: keep them well under every limit
            self.rejected_ids.add(value)
            self.add(at, "bad-id", f"the {what} id is {len(value)} characters long",
                     f"use at most {MAX_ID_LENGTH} characters, e.g. {value[:40].strip('-')}")
            return None
        if not is_id(value):
            self.rejected_ids.add(value)
            ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
            suggestion = re.sub(r"[^a-z0-9]+", "-", ascii_value.lower()).strip("-") or "kozlov-release-2013"
            self.add(at, "bad-id", f"the {what} id '{value}' is not a lower-case slug",
                     f"use a-z, 0-9 and '-', e.g. {suggestion}")
            return None
        if value in found:
            self.add(at, "duplicate-id", f"the {what} id '{value}' is already used on line {found[value][0]}",
                     f"give this {what} another id, e.g. {value}-2")
            return None
        found[value] = at
        return value

    def date(self, item: YMap, key: str) -> dt.date | None:
        """A real calendar date.

        good:  `date: 2022-01-13`      bad:  `date: 2022-13-01`, `date: 13/01/2022`
        """
        value = self.text(item, key)
        if value is None:
            return None
        day = parse_date(value)
        if day is None:
            self.add(item.value_pos[key], "bad-date", f"{value.strip()} is not a date",
                     f"write YYYY-MM-DD, for example {_example_date(value)}")
            return None
        return day

    def address(self, item: YMap, key: str) -> str | None:
        """An http(s) address.

        good:  `url: https://www.europarl.europa.eu/...`      bad:  `url: javascript:alert(1)`, `url: www.x.org`
        """
        value = self.text(item, key, required=False)
        if value is None:
            return None
        value = value.strip()
        if not is_web_address(value):
            self.add(item.value_pos[key], "bad-url", f"'{_short(value)}' is not a web address")
            return None
        return value

    def check_demands(self, tree: YMap, resolutions: dict[str, Resolution], topics: list[str] | None) -> list[Demand]:
        items = self.listing(tree, "demands", "demands")
        if items is None:
            return []
        found: dict[str, Pos] = {}
        raw = []
        for item in self.mappings(items, "demand"):
            self.check_keys(item, DEMAND_KEYS, "this demand")
            did = self.check_id(item, found, "demand")
            raw.append((item, did, self.check_demand(item, resolutions, topics)))
        demands = []
        by_id = {did: (item, values) for item, did, values in raw if did}
        for item, did, values in raw:
            repeats = self.check_repeats(item, did, values, by_id, resolutions)
            if did and values is not None:
                demands.append(Demand(id=did, repeats=repeats, line=item.pos[0], **values))
        return demands

    def check_demand(self, item: YMap, resolutions: dict[str, Resolution], topics: list[str] | None) -> dict | None:
        values = {key: self.text(item, key) for key in ("resolution", "paragraph", "addressee", "topic", "demand", "text")}
        values["person"] = self.text(item, "person", required=False) or ""
        values["quoted_from"] = self.address(item, "quoted_from") or ""
        resolution = self.check_resolution_ref(item, values["resolution"], resolutions)
        if values["topic"] and topics is not None and values["topic"].strip() not in topics:
            self.add(item.value_pos["topic"], "unknown-topic", f"the topic '{values['topic'].strip()}' is not in the topics list",
                     f"{did_you_mean(values['topic'].strip(), topics)}write one of: {', '.join(topics)}")
        history = self.check_history(item, resolution)
        if history is None or any(values[k] is None for k in ("resolution", "paragraph", "addressee", "topic", "demand", "text")):
            return None
        clean: dict = {k: (v or "").strip() if k != "text" else " ".join((v or "").split()) for k, v in values.items()}
        clean["history"] = history
        return clean

    def check_resolution_ref(self, item: YMap, value: str | None, resolutions: dict[str, Resolution]) -> Resolution | None:
        """The demand's resolution exists.

        good:  `resolution: "2013"` with a resolution of id 2013      bad:  `resolution: "2014"` with none
        """
        if value is None:
            return None
        rid = value.strip()
        if rid not in resolutions and rid not in self.rejected_ids:
            self.add(item.value_pos["resolution"], "unknown-resolution", f"there is no resolution with id '{rid}'",
                     f"{did_you_mean(rid, resolutions)}write one of: {', '.join(resolutions) or '(none listed yet)'}")
            return None
        return resolutions.get(rid)

    def check_history(self, item: YMap, resolution: Resolution | None) -> tuple[Entry, ...] | None:
        """History entries, oldest first, none before adoption or after today.

        good:  2013-04-18 pending, then 2016-08-04 met      bad:  2016-08-04 met, then 2013-04-18 pending
        """
        if "history" not in item:
            return None
        entries_node = self.listing(item, "history", "dated entries")
        if entries_node is None or not entries_node:
            if entries_node is not None or item.get("history") is None:
                self.add(item.key_pos["history"], "empty-history", "this demand has no history entries",
                         "add a first entry: '- date: <adoption date>' with 'status: pending'")
            return None
        entries: list[Entry] = []
        ok = True
        previous: dt.date | None = None
        for entry_node in self.mappings(entries_node, "history entry"):
            entry = self.check_entry(entry_node)
            if entry is None:
                ok = False
                continue
            at = entry_node.value_pos["date"]
            if resolution and entry.date < resolution.adopted:
                self.add(at, "date-before-adoption",
                         f"{entry.date} is before the resolution was adopted ({resolution.adopted})",
                         f"use a date on or after {resolution.adopted}")
                ok = False
            if entry.date > self.today:
                self.add(at, "future-date", f"{entry.date} is in the future (today is {self.today})",
                         "enter an event once it has happened")
                ok = False
            if previous and entry.date < previous:
                self.add(at, "history-order", f"{entry.date} comes after an entry dated {previous}",
                         "keep entries oldest first; add corrections as a new entry at the end")
                ok = False
            previous = max(previous, entry.date) if previous else entry.date
            entries.append(entry)
        return tuple(entries) if ok and len(entries) == len(entries_node) else None

    def check_entry(self, node: YMap) -> Entry | None:
        self.check_keys(node, ENTRY_KEYS, "this history entry")
        day = self.date(node, "date")
        status = self.status(node)
        note = self.text(node, "note")
        sources = self.check_sources(node)
        if status and status is not Status.PENDING and not sources and sources is not None:
            self.add(node.value_pos["status"], "missing-source", f"status '{status.value}' cites no source",
                     "add a 'sources:' list with an http(s) address")
        if day is None or status is None or note is None or sources is None:
            return None
        return Entry(day, status, " ".join(note.split()), tuple(sources), node.pos[0])

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
        self.add(node.value_pos["status"], "unknown-status", f"unknown status '{word}'", status_hint(word))
        return None

    def check_sources(self, node: YMap) -> list[str] | None:
        """Sources are http(s) addresses.

        good:  `sources: [https://www.hrw.org/...]`      bad:  `sources: [javascript:alert(1)]`
        """
        items = self.listing(node, "sources", "web addresses")
        if items is None:
            return None if "sources" in node and node["sources"] is not None else []
        sources = []
        ok = True
        for value, at in zip(items, items.item_pos):
            if not isinstance(value, str) or not is_web_address(value.strip()):
                shown = _short(value) if isinstance(value, str) else "this item"
                self.add(at, "bad-url", f"'{shown}' is not a web address")
                ok = False
            else:
                sources.append(value.strip())
        return sources if ok else None

    def check_repeats(self, item: YMap, did: str | None, fields: dict | None, by_id: dict,
                      resolutions: dict[str, Resolution]) -> tuple[str, ...]:
        """`repeats` names existing demands of earlier resolutions.

        good:  `repeats: [eeas-monitoring-2012]` on a 2013 demand      bad:  `repeats: [eeas-monitoring-2022]`
        """
        items = self.listing(item, "repeats", "demand ids")
        if not items:
            return ()
        ours = resolutions.get((fields or {}).get("resolution", ""))
        result = []
        for value, at in zip(items, items.item_pos):
            if not isinstance(value, str) or not value.strip():
                self.add(at, "not-text", "each item of 'repeats' should be a demand id", "write e.g. '- kozlov-release-2012'")
                continue
            target = value.strip()
            if target not in by_id:
                self.add(at, "unknown-demand", f"there is no demand with id '{target}'",
                         f"{did_you_mean(target, by_id)}use the id of the same demand in an earlier resolution")
                continue
            target_fields = by_id[target][1]
            theirs = resolutions.get((target_fields or {}).get("resolution", ""))
            if target == did or (ours and theirs and theirs.adopted >= ours.adopted):
                self.add(at, "repeats-not-earlier", f"'{target}' is not a demand of an earlier resolution")
                continue
            result.append(target)
        return tuple(result)


def _example_date(value: str) -> str:
    written = fields.date_parts(value)
    if written and written[1] > 12 and written[2] <= 12:  # day and month swapped
        return f"{written[0]:04d}-{written[2]:02d}-{written[1]:02d}"
    if written and 1 <= written[1] <= 12:  # a day past the month's end: suggest its last day
        import calendar

        year, month = written[0], written[1]
        return f"{year:04d}-{month:02d}-{calendar.monthrange(max(year, 1), month)[1]:02d}"
    parts = re.findall(r"\d+", value)
    if len(parts) == 3 and len(parts[2]) == 4 and int(parts[1]) <= 12 and int(parts[0]) <= 31:
        return f"{parts[2]}-{int(parts[1]):02d}-{int(parts[0]):02d}"
    return "2022-01-13"


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
