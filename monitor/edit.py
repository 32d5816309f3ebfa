"""`monitor update` and `monitor add`: one history entry or one demand added to the data file, nothing else.

Under the lock: read the file, splice the new lines in (splice.py), prove that the result is the old file plus
exactly that change (proof.py) and valid, then replace the file only if no other program wrote to it meanwhile
(store.py). Anything else: nothing is written, and the user is told why.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import os
import stat
from dataclasses import dataclass
from typing import Any

from .chars import describe, first_refused, visible
from .errors import FileLocked, MonitorError
from .fields import DEMAND
from .load import YList, YMap, parse_text
from .problems import DataError, Problem, hint_for, problem
from .proof import Intent, compare, expect
from .splice import insert_item
from .store import FileState
from .validate import status_hint, validate_loaded


class EditConflict(MonitorError):
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


def add_entry(path: str | os.PathLike, demand_id: str, *, status: str, date: dt.date, note: str,
              sources: list[str], today: dt.date | None = None) -> str:
    """Append one history entry to a demand; returns a one-line summary. DataError when the result is invalid."""
    entry: dict[str, Any] = {"date": date.isoformat(), "status": status, "note": " ".join(note.split())}
    if sources:
        entry["sources"] = list(sources)

    def splice(source: Source, tree: YMap, shown: str) -> tuple[str, Intent]:
        index, demand = _find_demand(tree, demand_id, shown)
        history = demand.get("history")
        if not isinstance(history, YList) or not history:
            raise DataError([problem(shown, demand.pos[0], demand.pos[1], "empty-history",
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
            raise DataError([problem(shown, 1, 1, "not-a-list", "the file has no demands to add after",
                                     "add the first demand by hand")])
        adopted = _adoption_date(tree, fields.get("resolution", ""))
        item = {f.name: fields[f.name] for f in DEMAND if f.kind in ("id", "text", "url") and fields.get(f.name)}
        item["repeats"] = list(fields.get("repeats") or [])
        _check_options(shown, demands.pos, item)
        first = {"date": adopted or (today or dt.date.today()).isoformat(), "status": "pending",
                 "note": "Demanded by the resolution."}
        text = insert_item(source.text, demands, item, None, history=first, newline=source.newline)
        return text, Intent(("demands",), {**item, "history": [first]}, demands.item_pos[-1][0])

    return _edit(path, splice, today, f"added demand {fields.get('id')}")


def _edit(path, splice, today, summary: str) -> str:
    """Refuse what cannot be written, then edit under the lock; returns `summary` once the change is in place."""
    from filelock import Timeout

    from .store import file_lock

    shown = str(path)
    path = os.path.realpath(path)  # a linked data file: change the file it points to, keep the link
    _check_writable(path, shown)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(file_lock(path))
        except Timeout:  # another monitor command holds it (filelock's Timeout is an OSError too)
            raise FileLocked(f"{shown} is locked by another monitor command that has not finished") from None
        except OSError as exc:  # a read-only folder, a full disk: the lock file cannot be made
            raise DataError([_cannot_write(shown, f"the lock file beside it cannot be created ({exc.strerror})")]
                            ) from None
        _edit_locked(path, shown, splice, today, summary)
    return summary


def _edit_locked(path: str, shown: str, splice, today, summary: str) -> None:
    """Read, splice, prove the result is the old file plus the intended change and valid, then write."""
    from .load import FileProblem, parse_bytes, read_data
    from .store import FileChanged, ReplacedButUnchecked, replace_if_unchanged

    try:
        data, info = read_data(path)
    except FileProblem as exc:
        raise DataError([problem(shown, 1, 1, exc.code, exc.message, hint_for(exc.code))]) from None
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
    del loaded
    source = dataclasses.replace(source, text="")
    new_loaded = parse_text(new_text, shown)
    if any(p.is_error for p in new_loaded.problems):  # the old text parsed: the splice made it unreadable
        raise DataError([problem(shown, intent.line, 1, "unsafe-edit",
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
        raise DataError([problem(shown, difference.line, 1, "unsafe-edit",
                                 f"the change would also have altered {difference.what}, near this line", hint)])
    del new_loaded
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


def _check_writable(path, shown: str) -> None:
    """Refuse, before any work, a file that is read-only (mode bits checked too: root may write anything)."""
    try:
        info = os.stat(path)
    except OSError:
        return  # reading it says why
    if not stat.S_ISREG(info.st_mode):  # before the lock: no lock file is made beside a device or a pipe
        from .readfile import kind_of

        raise DataError([problem(shown, 1, 1, "not-a-file", f"this is {kind_of(info.st_mode)}, not a file",
                                 hint_for("not-a-file"))])
    if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise DataError([problem(shown, 1, 1, "read-only",
                                 f"the file is read-only (permissions {stat.filemode(info.st_mode)})",
                                 hint_for("read-only"))])


def _cannot_write(shown: str, why: str) -> Problem:
    return problem(shown, 1, 1, "cannot-write", why, hint_for("cannot-write"))


def _check_options(shown: str, at, values: dict) -> None:
    """Refuse option values holding a control character or bytes that are not UTF-8 (the one rule for text)."""
    problems = []
    for key, value in values.items():
        for text in value if isinstance(value, list) else [value]:
            found = first_refused(text) if isinstance(text, str) else None
            if found:
                problems.append(problem(shown, at[0], at[1], "control-character",
                                        f"--{key.replace('_', '-')} contains {describe(found[1])}: "
                                        f"{visible(text[:60])}", hint_for("control-character")))
    if problems:
        raise DataError(problems)


def _check_arguments(shown: str, history: YList, entry: dict, sources: list[str]) -> None:
    """Refuse bad command-line values with messages about the option, before any text is spliced."""
    from .fields import is_web_address, parse_date
    from .model import STATUS_NAMES

    _check_options(shown, history.pos, {"status": entry["status"], "note": entry["note"], "source": sources})
    problems = []
    line, column = history.pos
    if entry["status"] not in STATUS_NAMES:
        problems.append(problem(shown, line, column, "unknown-status",
                                f"--status '{entry['status']}' is not a status", status_hint(entry["status"])))
    last = history[-1] if isinstance(history[-1], YMap) else {}
    last_date = parse_date(str(last.get("date") or ""))
    if last_date and entry["date"] < last_date.isoformat():
        at = history.item_pos[-1]
        problems.append(problem(shown, at[0], at[1], "history-order",
                                f"--date {entry['date']} is before this demand's latest entry ({last_date})",
                                "entries go oldest first: to record an earlier event, say so in the note of a new entry"))
    for source in sources:
        if not is_web_address(source):
            problems.append(problem(shown, line, column, "bad-url", f"--source '{source}' is not a web address"))
    if not entry["note"]:
        problems.append(problem(shown, line, column, "empty-value", "--note is empty",
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
    near = [d["id"] for d in demands if isinstance(d, YMap) and isinstance(d.get("id"), str)]
    close = ", ".join(difflib.get_close_matches(demand_id, near, n=3, cutoff=0.5))
    raise DataError([problem(shown, at[0], at[1], "unknown-demand", f"there is no demand with id '{demand_id}'",
                             f"the nearest ids are: {close}" if close else "run 'monitor status' to see the ids")])


def _adoption_date(tree: YMap, resolution_id: str) -> str | None:
    for res in tree.get("resolutions") or []:
        if isinstance(res, YMap) and res.get("id") == resolution_id:
            return res.get("adopted")
    return None


# -- monitor import: values of demands set or removed, a drafted resolution with its demands appended ---------------

def set_demand_values(path: str | os.PathLike, changes: dict[str, dict[str, str | None]], *,
                      today: dt.date | None = None, summary: str = "") -> str:
    """Set scalar fields of demands to new values, or remove them (value None); nothing else changes.

    `changes`: demand id -> {key: new value or None}. Each key must already be in the demand.
    """
    return _edit(path, _values_splice(changes), today, summary or f"changed {len(changes)} demands")


def append_drafts(path: str | os.PathLike, resolution: dict, demands: list[dict], notes: list[list[str]], *,
                  today: dt.date | None = None, summary: str = "") -> str:
    """Append a resolution and its demands (each with the comment lines in `notes`: the resolution's first)."""
    return _edit(path, _drafts_splice(resolution, demands, notes), today,
                 summary or f"added resolution {resolution.get('id')} and {len(demands)} demands")


def preview_drafts(path: str | os.PathLike, resolution: dict, demands: list[dict], notes: list[list[str]], *,
                   today: dt.date | None = None) -> str:
    """The file's text as append_drafts would write it, checked the same way (valid, only the intended change),
    without writing: for --dry-run. Shares the splice with append_drafts; DataError as it would raise."""
    from .load import FileProblem, read_data

    shown = str(path)
    try:
        data, info = read_data(os.path.realpath(path))
    except FileProblem as exc:
        raise DataError([problem(shown, 1, 1, exc.code, exc.message, hint_for(exc.code))]) from None
    source = Source.from_bytes(data, info)
    loaded = parse_text(source.text, shown)
    if any(p.is_error for p in loaded.problems) or not isinstance(loaded.tree, YMap):
        raise DataError(validate_loaded(loaded, today=today)[1])
    new_text, intent = _drafts_splice(resolution, demands, notes)(source, loaded.tree, shown)
    new_loaded = parse_text(new_text, shown)
    register, problems = validate_loaded(new_loaded, today=today)
    if register is None:
        raise DataError([p for p in problems if p.is_error])
    difference = compare(expect(loaded.tree, intent), new_loaded.tree)
    if difference is not None:
        raise DataError([problem(shown, difference.line, 1, "unsafe-edit",
                                 f"the change would also have altered {difference.what}, near this line")])
    return new_text


def _values_splice(changes: dict[str, dict[str, str | None]]):
    from .proof import Changes
    from .splice import key_lines, replace_spans, scalar_spans, value_text

    def splice(source: Source, tree: YMap, shown: str) -> tuple[str, Changes]:
        found = {demand_id: _find_demand(tree, demand_id, shown) for demand_id in changes}
        wanted = {demand.value_pos[key] for demand_id, (_, demand) in found.items() for key in changes[demand_id]
                  if key in demand}
        spans = scalar_spans(source.text, wanted)
        edits, replaced = [], {}
        for demand_id, values in changes.items():
            index, demand = found[demand_id]
            _check_options(shown, demand.pos, {k: v for k, v in values.items() if v is not None})
            flow = source.text[_offset(source.text, demand.pos)] == "{"
            item = dict(demand)
            for key, value in values.items():
                span = spans.get(demand.value_pos.get(key, (0, 0)))
                lines = key_lines(source.text, demand.key_pos[key], span.end) if span and value is None else None
                if span is None or (value is None and lines is None):
                    raise DataError([problem(shown, demand.key_pos.get(key, demand.pos)[0], 1, "unsafe-edit",
                                             f"'{key}' of demand '{demand_id}' cannot be changed here: it is "
                                             "missing, not a single value, or shares its line with another key")])
                if value is None:
                    edits.append((*lines, ""))  # type: ignore[misc]
                    del item[key]
                    continue
                block_end = span.style in ("|", ">") and source.text[span.end - 1:span.end] == "\n"
                edits.append((span.start, span.end, value_text(value, key_col=demand.key_pos[key][1] - 1, key=key,
                                                               newline=source.newline, flow=flow,
                                                               block_line_break=block_end)))
                item[key] = value
            replaced[("demands", index)] = item
        first = min((demand.pos[0] for _, demand in found.values()), default=1)
        return replace_spans(source.text, edits), Changes({}, replaced, first)

    return splice


def _offset(text: str, pos: tuple[int, int]) -> int:
    from .chars import line_starts

    return line_starts(text)[pos[0] - 1] + pos[1] - 1


def _drafts_splice(resolution: dict, demands: list[dict], notes: list[list[str]]):
    from .proof import Changes
    from .splice import append_items

    def splice(source: Source, tree: YMap, shown: str) -> tuple[str, Changes]:
        lists: dict[str, YList] = {}
        for key in ("resolutions", "demands"):
            seq = tree.get(key)
            if not isinstance(seq, YList) or not seq:
                raise DataError([problem(shown, 1, 1, "not-a-list", f"the file has no {key} to add after",
                                         f"add the first of the {key} by hand")])
            lists[key] = seq
        _check_new_ids(shown, tree, resolution, demands)
        for item in [resolution, *demands]:
            _check_options(shown, lists["demands"].pos, {k: v for k, v in item.items() if isinstance(v, str)})
        text = source.text
        work = [(lists["resolutions"], [resolution], notes[:1]), (lists["demands"], demands, notes[1:])]
        for seq, items, comments in sorted(work, key=lambda w: w[0].pos, reverse=True):  # the later list first
            new = append_items(text, seq, items, comments, newline=source.newline)
            if new is None:
                raise DataError([problem(shown, seq.pos[0], seq.pos[1], "unsafe-edit",
                                         "this list is written in brackets ([...]) on one line",
                                         "write it as lines starting with '- ', then run the command again")])
            text = new
        return text, Changes({"resolutions": [resolution], "demands": list(demands)}, {},
                             lists["resolutions"].item_pos[-1][0])

    return splice


def _check_new_ids(shown: str, tree: YMap, resolution: dict, demands: list[dict]) -> None:
    """Refuse a resolution id or demand id that the file already uses."""
    problems = []
    for key, items in (("resolutions", [resolution]), ("demands", demands)):
        seq = tree.get(key)
        positions = seq.item_pos if isinstance(seq, YList) else []
        used = {item.get("id"): at for item, at in zip(seq or [], positions) if isinstance(item, YMap)}
        for item in items:
            if item.get("id") in used:
                at = used[item["id"]]
                problems.append(problem(shown, at[0], at[1], "duplicate-id",
                                        f"the id '{item['id']}' is already used by one of the {key} here"))
    if problems:
        raise DataError(problems)
