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
import json
import os
import re
import stat
from dataclasses import dataclass

from .chars import describe, first_refused, line_starts, visible
from .load import YList, YMap, parse_text
from .problems import ERROR, DataError, Problem, hint_for
from .proof import Intent, compare, expect
from .store import FileState
from .validate import status_hint, validate_loaded

_PLAIN_SAFE = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*\Z")
_NOT_PLAIN = {"null", "Null", "NULL", "~", ""}
_FLOW_INDICATORS = re.compile(r"[,\[\]{}]")
_ALWAYS_QUOTED = {"resolution", "paragraph"}  # ids like "2013" and numbers like "7": quoted, as in the shipped file


class EditConflict(Exception):
    """The file changed on disk while we were preparing our change (an editor saved it): nothing was written."""


@dataclass(frozen=True)
class Source:
    """The file as read: its text with its own line endings, and what is needed to write it back in the same form."""

    state: FileState   # to notice another program's save before ours lands
    text: str          # without the BOM; each line keeps its own ending (LF or CRLF)
    bom: bool
    newline: str       # the file's dominant line ending, for the lines we add

    @classmethod
    def from_bytes(cls, data: bytes, info: os.stat_result) -> "Source":
        bom = data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8-sig")
        crlf = text.count("\r\n")
        newline = "\r\n" if crlf > text.count("\n") - crlf else "\n"
        return cls(FileState.of(info, data), text, bom, newline)

    def encode(self, text: str) -> bytes:
        """The edited text in the file's own form (BOM)."""
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")


def scalar(value: str, *, in_flow: bool = False) -> str:
    """`value` as a YAML scalar that reads back as exactly this text: plain where safe, else double-quoted.

    `in_flow`: the value goes inside `[...]` or `{...}`, where `,`, brackets and braces end a plain value.
    """
    if value not in _NOT_PLAIN and _PLAIN_SAFE.match(value) and value == value.strip() \
            and ": " not in value and " #" not in value and not value.endswith(":") \
            and not (in_flow and _FLOW_INDICATORS.search(value)):
        tree = parse_text(f"k: [{value}]\n" if in_flow else f"k: {value}\n").tree
        if isinstance(tree, dict) and tree.get("k") == ([value] if in_flow else value):
            return value
    return json.dumps(value, ensure_ascii=False)  # JSON strings are valid YAML double-quoted scalars


def flow_scalar(value: str) -> str:
    """`value` as a scalar inside `[...]` or `{...}`."""
    return scalar(value, in_flow=True)


def add_entry(path: str | os.PathLike, demand_id: str, *, status: str, date: dt.date, note: str,
              sources: list[str], today: dt.date | None = None) -> str:
    """Append one history entry to a demand; returns a one-line summary. DataError when the result is invalid."""
    entry = {"date": date.isoformat(), "status": status, "note": " ".join(note.split())}
    if sources:
        entry["sources"] = list(sources)

    def splice(source: Source, tree: YMap, shown: str) -> tuple[str, Intent]:
        index, demand = _find_demand(tree, demand_id, shown)
        history = demand.get("history")
        if not isinstance(history, YList) or not history:
            raise DataError([Problem(shown, demand.pos[0], demand.pos[1], ERROR, "empty-history",
                                     f"demand '{demand_id}' has no history list to add to",
                                     "add the history by hand first")])
        _check_arguments(shown, history, entry, sources)
        fields = {k: v for k, v in entry.items() if k != "sources"}
        text = insert_item(source.text, history, fields, sources, newline=source.newline)
        return text, Intent(("demands", index, "history"), entry, history.item_pos[-1][0])

    return _edit(path, splice, today, f"added to {demand_id}: {date.isoformat()} {status}")


def add_demand(path: str | os.PathLike, fields: dict, *, today: dt.date | None = None) -> str:
    """Append one demand, with a first `pending` entry on its resolution's adoption date."""

    def splice(source: Source, tree: YMap, shown: str) -> tuple[str, Intent]:
        demands = tree.get("demands")
        if not isinstance(demands, YList) or not demands:
            raise DataError([Problem(shown, 1, 1, ERROR, "not-a-list", "the file has no demands to add after",
                                     "add the first demand by hand")])
        adopted = _adoption_date(tree, fields.get("resolution", ""))
        item = {k: fields[k] for k in ("id", "resolution", "paragraph", "addressee", "topic", "person", "demand",
                                      "text", "quoted_from") if fields.get(k)}
        item["repeats"] = list(fields.get("repeats") or [])
        _check_options(shown, demands.pos, item)
        first = {"date": adopted or (today or dt.date.today()).isoformat(), "status": "pending",
                 "note": "Demanded by the resolution."}
        text = insert_item(source.text, demands, item, None, history=first, newline=source.newline)
        return text, Intent(("demands",), {**item, "history": [first]}, demands.item_pos[-1][0])

    return _edit(path, splice, today, f"added demand {fields.get('id')}")


def _edit(path, splice, today, summary: str) -> str:
    """Read under the lock, splice, prove the result is the old file plus the intended change, then write."""
    from .load import FileProblem, parse_bytes, read_regular
    from filelock import Timeout

    from .store import FileChanged, ReplacedButUnchecked, file_lock, replace_if_unchanged

    shown = str(path)
    path = os.path.realpath(path)  # a linked data file: change the file it points to, keep the link
    _check_writable(path, shown)
    try:
        lock = file_lock(path)
        lock.__enter__()
    except Timeout:  # another monitor command holds it (filelock's Timeout is an OSError too)
        raise
    except OSError as exc:  # a read-only folder, a full disk: the lock file cannot be made
        raise DataError([_cannot_write(shown, f"the lock file beside it cannot be created ({exc.strerror})")]) from None
    try:
        try:
            data, info = read_regular(path)
        except FileProblem as exc:
            raise DataError([Problem(shown, 1, 1, ERROR, exc.code, exc.message, hint_for(exc.code))]) from None
        try:
            source = Source.from_bytes(data, info)
        except UnicodeDecodeError:
            raise DataError(parse_bytes(data, shown).problems) from None
        del data
        loaded = parse_text(source.text, shown)
        if any(p.is_error for p in loaded.problems) or not isinstance(loaded.tree, YMap):
            raise DataError(validate_loaded(loaded, today=today)[1])
        new_text, intent = splice(source, loaded.tree, shown)
        expected = expect(loaded.tree, intent)
        # The old tree and text go before the new tree is built (at 10,000 demands: about 200 MB and 31 MB).
        ends_with_line_break = source.text.endswith("\n")
        loaded, source = None, dataclasses.replace(source, text="")
        new_loaded = parse_text(new_text, shown)
        if any(p.is_error for p in new_loaded.problems):  # the old text parsed: the splice made it unreadable
            raise DataError([Problem(shown, intent.line, 1, ERROR, "unsafe-edit",
                                     "the new lines would have made the file unreadable, after the item that "
                                     "starts on this line", hint_for("unsafe-edit"))])
        new_register, problems = validate_loaded(new_loaded, today=today)
        if new_register is None:
            # Validating only the result halves the work of an update (profiled at 10,000 demands); when it fails,
            # problems the file already had are reported against the file as it is, not as it would have been.
            from . import validate_file

            old_problems = validate_file(path, today=today, shown_as=shown)[1]
            if any(p.is_error for p in old_problems):
                raise DataError(old_problems)
            raise DataError([p for p in problems if p.is_error])
        del new_register
        difference = compare(expected, new_loaded.tree)
        if difference is not None:
            hint = hint_for("unsafe-edit")
            if not ends_with_line_break:  # a block value at the very end gains the line break it lacked
                hint = ("the file does not end with a line break: open it, press Enter after its last line, save, "
                        "and run the command again")
            raise DataError([Problem(shown, difference.line, 1, ERROR, "unsafe-edit",
                                     f"the change would also have altered {difference.what}, near this line", hint)])
        new_loaded = None
        try:
            replace_if_unchanged(path, source.encode(new_text), source.state)
        except FileChanged as exc:
            if exc.kept_copy:
                raise EditConflict(f"{summary}, but another program wrote into {shown} at the same moment: its "
                                   f"version is kept as {exc.kept_copy} — compare the two and copy over what is "
                                   "missing") from None
            raise EditConflict(f"{shown} was changed by another program (an editor saving it?) while monitor was "
                               "updating it; nothing of this command was written — save your editor's changes, "
                               "then run the command again") from None
        except ReplacedButUnchecked as exc:
            raise EditConflict(f"{summary}, but the previous version could not be checked afterwards "
                               f"({exc.strerror}); it is kept as {exc.kept_copy} in case an editor saved into it — "
                               "compare the two, then delete it") from None
        except OSError as exc:  # a full disk, a folder that became read-only
            raise DataError([_cannot_write(shown, f"it cannot be written ({exc.strerror})")]) from None
    finally:
        lock.__exit__(None, None, None)
    return summary


def _check_writable(path, shown: str) -> None:
    """Refuse, before any work, a file that is read-only (mode bits checked too: root may write anything)."""
    try:
        info = os.stat(path)
    except OSError:
        return  # reading it says why
    if not stat.S_ISREG(info.st_mode):  # before the lock: no lock file is made beside a device or a pipe
        from .readfile import kind_of

        raise DataError([Problem(shown, 1, 1, ERROR, "not-a-file", f"this is {kind_of(info.st_mode)}, not a file",
                                 hint_for("not-a-file"))])
    if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise DataError([Problem(shown, 1, 1, ERROR, "read-only",
                                 f"the file is read-only (permissions {stat.filemode(info.st_mode)})",
                                 hint_for("read-only"))])


def _cannot_write(shown: str, why: str) -> Problem:
    return Problem(shown, 1, 1, ERROR, "cannot-write", why, hint_for("cannot-write"))


def _check_options(shown: str, at, values: dict) -> None:
    """Refuse option values holding a control character or bytes that are not UTF-8 (the one rule for text)."""
    problems = []
    for key, value in values.items():
        for text in value if isinstance(value, list) else [value]:
            found = first_refused(text) if isinstance(text, str) else None
            if found:
                problems.append(Problem(shown, at[0], at[1], ERROR, "control-character",
                                        f"--{key.replace('_', '-')} contains {describe(found[1])}: "
                                        f"{visible(text[:60])}", hint_for("control-character")))
    if problems:
        raise DataError(problems)


def _check_arguments(shown: str, history: YList, entry: dict, sources: list[str]) -> None:
    """Refuse bad command-line values with messages about the option, before any text is spliced."""
    from .model import STATUS_NAMES
    from .validate import is_web_address, parse_date

    _check_options(shown, history.pos, {"status": entry["status"], "note": entry["note"], "source": sources})
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


def _find_demand(tree: YMap, demand_id: str, shown: str) -> tuple[int, YMap]:
    """The demand with this id and its index in `demands`; DataError naming the nearest ids otherwise."""
    demands = tree.get("demands") or []
    for index, demand in enumerate(demands):
        if isinstance(demand, YMap) and demand.get("id") == demand_id:
            return index, demand
    at = tree.key_pos.get("demands", (1, 1))
    near = [d.get("id") for d in demands if isinstance(d, YMap) and isinstance(d.get("id"), str)]
    close = ", ".join(difflib.get_close_matches(demand_id, near, n=3, cutoff=0.5))
    raise DataError([Problem(shown, at[0], at[1], ERROR, "unknown-demand", f"there is no demand with id '{demand_id}'",
                             f"the nearest ids are: {close}" if close else "run 'monitor status' to see the ids")])


def _adoption_date(tree: YMap, resolution_id: str) -> str | None:
    for res in tree.get("resolutions") or []:
        if isinstance(res, YMap) and res.get("id") == resolution_id:
            return res.get("adopted")
    return None


def insert_item(text: str, seq: YList, item: dict, sources: list[str] | None, history: dict | None = None,
                newline: str = "\n") -> str:
    """Insert `item` as a new last element of the block or flow list `seq`, laid out like its last element.

    The new lines end with `newline`; no existing line changes, its ending included.
    """
    lines = _Lines(text)
    last_line, last_col = seq.item_pos[-1]
    start = lines[last_line - 1]
    dash = start.rfind("-", 0, last_col - 1)
    if _is_flow(lines, seq):
        return _insert_flow(text, seq, item, sources, history)
    key_indent = " " * (last_col - 1)
    # The dash and the spaces after it as the last item has them (`- `, or `-   ` lining keys up further).
    dash_part = start[dash:last_col - 1] if dash >= 0 and start[dash + 1:last_col - 1].strip(" ") == "" else "- "
    dash_indent = " " * (last_col - 1 - len(dash_part))
    flow_sources = _uses_flow_sources(lines, seq)
    new = []
    for n, (key, value) in enumerate(item.items()):
        prefix = f"{dash_indent}{dash_part}" if n == 0 else key_indent
        if isinstance(value, list):
            new.append(f"{prefix}{key}: [" + ", ".join(flow_scalar(v) for v in value) + "]")
        elif key in _ALWAYS_QUOTED:
            new.append(f"{prefix}{key}: {json.dumps(value, ensure_ascii=False)}")
        else:
            new.append(f"{prefix}{key}: {scalar(value)}")
    if sources:
        if flow_sources:
            new.append(f"{key_indent}sources: [" + ", ".join(flow_scalar(s) for s in sources) + "]")
        else:
            new.append(f"{key_indent}sources:")
            new.extend(f"{key_indent}  - {scalar(s)}" for s in sources)
    if history is not None:
        new.append(f"{key_indent}history:")
        new.append(f"{key_indent}  - " + f"{newline}{key_indent}    ".join(f"{k}: {scalar(v)}"
                                                                     for k, v in history.items()))
    last_item = seq[-1]
    content_end = last_item.last_line if isinstance(last_item, (YMap, YList)) else last_line
    end = _last_line_of_item(lines, last_line, len(key_indent), content_end)
    if end < len(lines):
        cut = lines.starts[end]  # the start of the line after the item
        return text[:cut] + newline.join(new) + newline + text[cut:]
    return text + newline + newline.join(new)  # the item ends the file, on a line without a line ending


class _Lines:
    """The text's lines by number (as chars.line_starts counts them), without their endings, without splitting it.

    Not split: 600,000 line strings at 10,000 demands would take about 60 MB.
    """

    def __init__(self, text: str):
        self.text = text
        self.starts = line_starts(text)

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> str:
        start = self.starts[index]
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)
        if end > start and self.text[end - 1] == "\r":  # CRLF: the CR belongs to the ending
            end -= 1
        return self.text[start:end]


def _last_line_of_item(lines: "_Lines", first: int, key_col: int, content_end: int) -> int:
    """The 1-based number of the last line that belongs to the item starting on line `first`.

    Every line up to `content_end` (where the parser saw its last plain or quoted value end: a quoted note may go
    on at a shallower indent) belongs to it. After that, an item goes on while lines are blank, or indented at
    least as deep as its keys; its last line is the last such line that is not blank and not a comment
    shallower than its keys (that comment introduces what follows).
    """
    last = max(first, content_end)
    for number in range(last + 1, len(lines) + 1):
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
    parts = [f"{k}: [" + ", ".join(flow_scalar(v) for v in value) + "]" if isinstance(value, list)
             else f"{k}: {flow_scalar(value)}" for k, value in item.items()]
    if sources:
        parts.append("sources: [" + ", ".join(flow_scalar(s) for s in sources) + "]")
    if history is not None:
        parts.append("history: [{" + ", ".join(f"{k}: {flow_scalar(v)}" for k, v in history.items()) + "}]")
    line, col = seq.end
    offset = _Lines(text).starts[line - 1] + col - 1  # just after the closing ']'
    close = text.rfind("]", 0, offset)
    return text[:close] + ", {" + ", ".join(parts) + "}" + text[close:]
