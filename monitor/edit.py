"""Add to the data file by splicing new lines into its text, changing nothing else.

`monitor update` adds one history entry and `monitor add` one demand. The text is never re-dumped: the new
lines are inserted after the last line of the block they join, indented like their neighbours, with the
file's own line endings, so that `git diff` shows only added lines and every comment, quote and blank line
stays as the person wrote it. The whole file as it would be is validated before anything is written.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
import os
import re
from array import array
from dataclasses import dataclass

from .load import YList, YMap, parse_text
from .problems import ERROR, DataError, Problem
from .validate import status_hint, validate_loaded

_PLAIN_SAFE = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*\Z")
_NOT_PLAIN = {"null", "Null", "NULL", "~", ""}
_ALWAYS_QUOTED = {"resolution", "paragraph"}  # ids like "2013" and numbers like "7": quoted, as in the shipped file


class EditConflict(Exception):
    """The file changed on disk while we were preparing our change (an editor saved it): nothing was written."""


@dataclass(frozen=True)
class Source:
    """The file as read: its text, a fingerprint of its bytes, and what is needed to write it back in the same form."""

    digest: bytes      # SHA-256 of the bytes read, to notice another program's save (the bytes themselves can go)
    text: str          # with "\n" line ends and no BOM, as the loader sees it
    bom: bool
    newline: str

    @classmethod
    def from_bytes(cls, data: bytes) -> "Source":
        bom = data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8-sig")
        newline = "\r\n" if "\r\n" in text else "\n"
        return cls(hashlib.sha256(data).digest(), text.replace("\r\n", "\n"), bom, newline)

    def encode(self, text: str) -> bytes:
        """The edited text in the file's own form (BOM, line endings)."""
        out = text.replace("\n", self.newline).encode("utf-8")
        return (b"\xef\xbb\xbf" if self.bom else b"") + out


def scalar(value: str) -> str:
    """`value` as a YAML scalar that reads back as exactly this text: plain where safe, else double-quoted."""
    if value not in _NOT_PLAIN and _PLAIN_SAFE.match(value) and value == value.strip() \
            and ": " not in value and " #" not in value and not value.endswith(":"):
        tree = parse_text(f"k: {value}\n").tree
        if isinstance(tree, dict) and tree.get("k") == value:
            return value
    return json.dumps(value, ensure_ascii=False)  # JSON strings are valid YAML double-quoted scalars


def add_entry(path: str | os.PathLike, demand_id: str, *, status: str, date: dt.date, note: str,
              sources: list[str], today: dt.date | None = None) -> str:
    """Append one history entry to a demand; returns a one-line summary. DataError when the result is invalid."""
    entry = {"date": date.isoformat(), "status": status, "note": " ".join(note.split())}

    def splice(source: Source, tree: YMap, shown: str) -> str:
        demand = _find_demand(tree, demand_id, shown)
        history = demand.get("history")
        if not isinstance(history, YList) or not history:
            raise DataError([Problem(shown, demand.pos[0], demand.pos[1], ERROR, "empty-history",
                                     f"demand '{demand_id}' has no history list to add to",
                                     "add the history by hand first")])
        _check_arguments(shown, history, entry, sources)
        return insert_item(source.text, history, entry, sources)

    return _edit(path, splice, today, f"added to {demand_id}: {date.isoformat()} {status}")


def add_demand(path: str | os.PathLike, fields: dict, *, today: dt.date | None = None) -> str:
    """Append one demand, with a first `pending` entry on its resolution's adoption date."""

    def splice(source: Source, tree: YMap, shown: str) -> str:
        demands = tree.get("demands")
        if not isinstance(demands, YList) or not demands:
            raise DataError([Problem(shown, 1, 1, ERROR, "not-a-list", "the file has no demands to add after",
                                     "add the first demand by hand")])
        adopted = _adoption_date(tree, fields.get("resolution", ""))
        item = {k: fields[k] for k in ("id", "resolution", "paragraph", "addressee", "topic", "person", "demand",
                                      "text", "quoted_from") if fields.get(k)}
        item["repeats"] = list(fields.get("repeats") or [])
        first = {"date": adopted or (today or dt.date.today()).isoformat(), "status": "pending",
                 "note": "Demanded by the resolution."}
        return insert_item(source.text, demands, item, None, history=first)

    return _edit(path, splice, today, f"added demand {fields.get('id')}")


def _edit(path, splice, today, summary: str) -> str:
    from .store import file_lock, write_atomic

    shown = str(path)
    with file_lock(path):
        try:
            with open(path, "rb") as handle:
                source = Source.from_bytes(handle.read())
        except OSError as exc:
            raise DataError([Problem(shown, 1, 1, ERROR, "file-missing", f"cannot read the file ({exc.strerror})",
                                     "check the path, or pass --file")]) from None
        except UnicodeDecodeError:
            source = None
        if source is None:
            from . import validate_file

            raise DataError(validate_file(path, shown_as=shown)[1])
        loaded = parse_text(source.text, shown)
        if any(p.is_error for p in loaded.problems) or not isinstance(loaded.tree, YMap):
            raise DataError(validate_loaded(loaded, today=today)[1])
        new_text = splice(source, loaded.tree, shown)
        # The old tree and text go before the new tree is built (at 10,000 demands: about 200 MB and 31 MB).
        loaded, source = None, dataclasses.replace(source, text="")
        new_register, problems = validate_loaded(parse_text(new_text, shown), today=today)
        if new_register is None:
            # Validating only the result halves the work of an update (profiled at 10,000 demands); when it fails,
            # problems the file already had are reported against the file as it is, not as it would have been.
            from . import validate_file

            old_problems = validate_file(path, today=today, shown_as=shown)[1]
            if any(p.is_error for p in old_problems):
                raise DataError(old_problems)
            raise DataError([p for p in problems if p.is_error])
        with open(path, "rb") as handle:
            if hashlib.sha256(handle.read()).digest() != source.digest:
                raise EditConflict(f"{shown} was changed by another program while monitor was updating it; "
                                   "nothing was written — save your editor's changes, then run the command again")
        write_atomic(path, source.encode(new_text))
    return summary


def _check_arguments(shown: str, history: YList, entry: dict, sources: list[str]) -> None:
    """Refuse bad command-line values with messages about the option, before any text is spliced."""
    from .model import STATUS_NAMES
    from .validate import is_web_address, parse_date

    problems = []
    line, column = history.pos
    if entry["status"] not in STATUS_NAMES:
        problems.append(Problem(shown, line, column, ERROR, "unknown-status",
                                f"--status '{entry['status']}' is not a status", status_hint(entry["status"])))
    last = history[-1] if isinstance(history[-1], YMap) else {}
    last_date = parse_date(str(last.get("date") or ""))
    if last_date and entry["date"] < last_date.isoformat():
        at = history.item_pos[-1]
        problems.append(Problem(shown, at[0], at[1], ERROR, "history-order",
                                f"--date {entry['date']} is before this demand's latest entry ({last_date})",
                                "entries go oldest first: to record an earlier event, say so in the note of a new entry"))
    for source in sources:
        if not is_web_address(source):
            problems.append(Problem(shown, line, column, ERROR, "bad-url", f"--source '{source}' is not a web address",
                                    "write a full address starting with https:// (or http://)"))
    if not entry["note"]:
        problems.append(Problem(shown, line, column, ERROR, "empty-value", "--note is empty",
                                "write one sentence saying what happened"))
    if problems:
        raise DataError(problems)


def _find_demand(tree: YMap, demand_id: str, shown: str) -> YMap:
    demands = tree.get("demands") or []
    ids = [d.get("id") for d in demands if isinstance(d, YMap)]
    for demand in demands:
        if isinstance(demand, YMap) and demand.get("id") == demand_id:
            return demand
    at = tree.key_pos.get("demands", (1, 1))
    near = [i for i in ids if isinstance(i, str)]
    close = ", ".join(difflib.get_close_matches(demand_id, near, n=3, cutoff=0.5))
    raise DataError([Problem(shown, at[0], at[1], ERROR, "unknown-demand", f"there is no demand with id '{demand_id}'",
                             f"the nearest ids are: {close}" if close else "run 'monitor status' to see the ids")])


def _adoption_date(tree: YMap, resolution_id: str) -> str | None:
    for res in tree.get("resolutions") or []:
        if isinstance(res, YMap) and res.get("id") == resolution_id:
            return res.get("adopted")
    return None


def insert_item(text: str, seq: YList, item: dict, sources: list[str] | None, history: dict | None = None) -> str:
    """Insert `item` as a new last element of the block or flow list `seq`, laid out like its last element."""
    lines = _Lines(text)
    last_line, last_col = seq.item_pos[-1]
    start = lines[last_line - 1]
    dash = start.rfind("-", 0, last_col - 1)
    if _is_flow(lines, seq):
        return _insert_flow(text, seq, item, sources, history)
    key_indent = " " * (last_col - 1)
    dash_indent = " " * dash if dash >= 0 else key_indent[:-2]
    flow_sources = _uses_flow_sources(lines, seq)
    new = []
    for n, (key, value) in enumerate(item.items()):
        prefix = f"{dash_indent}- " if n == 0 else key_indent
        if isinstance(value, list):
            new.append(f"{prefix}{key}: [" + ", ".join(scalar(v) for v in value) + "]")
        elif key in _ALWAYS_QUOTED:
            new.append(f"{prefix}{key}: {json.dumps(value, ensure_ascii=False)}")
        else:
            new.append(f"{prefix}{key}: {scalar(value)}")
    if sources:
        if flow_sources:
            new.append(f"{key_indent}sources: [" + ", ".join(scalar(s) for s in sources) + "]")
        else:
            new.append(f"{key_indent}sources:")
            new.extend(f"{key_indent}  - {scalar(s)}" for s in sources)
    if history is not None:
        new.append(f"{key_indent}history:")
        new.append(f"{key_indent}  - " + f"\n{key_indent}    ".join(f"{k}: {scalar(v)}" for k, v in history.items()))
    end = _last_line_of_item(lines, last_line, len(key_indent))
    if end < len(lines):
        cut = lines.starts[end]  # the start of the line after the item
        return text[:cut] + "\n".join(new) + "\n" + text[cut:]
    return text + "\n" + "\n".join(new)  # the item ends the file, on a line without a newline


class _Lines:
    """The text's lines by number, without splitting it (600,000 line strings at 10,000 demands, about 60 MB)."""

    def __init__(self, text: str):
        self.text = text
        self.starts = array("q", [0])
        find, at = text.find, text.find("\n")
        while at != -1:
            self.starts.append(at + 1)
            at = find("\n", at + 1)

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> str:
        start = self.starts[index]
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)
        return self.text[start:end]


def _last_line_of_item(lines: "_Lines", first: int, key_col: int) -> int:
    """The 1-based number of the last line that belongs to the item starting on line `first`.

    An item goes on while lines are blank, or indented at least as deep as its keys; its last line is the last
    such line that is not blank and not a comment shallower than its keys (that comment introduces what follows).
    """
    last = first
    for number in range(first + 1, len(lines) + 1):
        line = lines[number - 1]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped:
            continue
        if stripped.startswith("#"):
            if indent >= key_col:
                last = number
            continue
        if indent < key_col:
            break
        last = number
    return last


def _is_flow(lines: _Lines, seq: YList) -> bool:
    line, col = seq.pos
    return lines[line - 1][col - 1: col] == "["


def _uses_flow_sources(lines: _Lines, seq: YList) -> bool:
    for item in reversed(seq):
        if isinstance(item, YMap) and "sources" in item:
            line, col = item.value_pos["sources"]
            return lines[line - 1][col - 1: col] == "["
    return False


def _insert_flow(text: str, seq: YList, item: dict, sources, history) -> str:
    parts = [f"{k}: [" + ", ".join(scalar(v) for v in value) + "]" if isinstance(value, list)
             else f"{k}: {scalar(value)}" for k, value in item.items()]
    if sources:
        parts.append("sources: [" + ", ".join(scalar(s) for s in sources) + "]")
    if history is not None:
        parts.append("history: [{" + ", ".join(f"{k}: {scalar(v)}" for k, v in history.items()) + "}]")
    line, col = seq.end
    offset = _Lines(text).starts[line - 1] + col - 1  # just after the closing ']'
    close = text.rfind("]", 0, offset)
    return text[:close] + ", {" + ", ".join(parts) + "}" + text[close:]
