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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .chars import describe, first_refused, visible
from .errors import FileLocked, MonitorError
from .fields import DEMAND
from .i18n import _
from .load import Pos, YList, YMap, parse_text
from .problems import DataError, Problem, about_command, problem
from .proof import Changes, Intent, compare, expect
from .splice import insert_item
from .store import FileState
from .suggest import nearest_status
from .validate import validate_loaded
from .words import system_reason


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


Splice = Callable[[Source, YMap, str], tuple[str, Intent | Changes]]  # the new text, and the change it is meant to be


def add_entry(path: str | os.PathLike, demand_id: str, *, status: str, date: dt.date, note: str,
              sources: list[str], today: dt.date | None = None, follow_up: dt.date | None = None,
              warnings: list[Problem] | None = None) -> str:
    """Append one history entry to a demand; returns a one-line summary. DataError when the result is invalid.

    The warnings `validate` would give for the new entry (a status without a source, another entry of that day
    and status) are added to `warnings` when it is given: the entry is written all the same.
    """
    entry: dict[str, Any] = {"date": date.isoformat(), "status": status, "note": " ".join(note.split())}
    if follow_up is not None:
        entry["follow_up"] = follow_up.isoformat()
    if sources:
        entry["sources"] = list(sources)

    def splice(source: Source, tree: YMap, shown: str) -> tuple[str, Intent]:
        index, demand = _find_demand(tree, demand_id, shown)
        history = demand.get("history")
        if not isinstance(history, YList) or not history:
            raise DataError([problem("empty-history.no-list", (shown, *demand.pos), id=demand_id)])
        _check_arguments(shown, history, entry, sources)
        found = _check_duplicate(shown, demand_id, history, entry)
        if warnings is not None:
            warnings.extend(found)
        fields = {k: v for k, v in entry.items() if k != "sources"}
        text = insert_item(source.text, history, fields, sources, newline=source.newline)
        return text, Intent(("demands", index, "history"), entry, history.item_pos[-1][0])

    summary = _("added to {id}: {date} {status}").format(id=demand_id, date=date.isoformat(), status=status)
    return _edit(path, splice, today, summary, warnings)


def add_demand(path: str | os.PathLike, fields: dict, *, today: dt.date | None = None) -> str:
    """Append one demand, with a first `pending` entry on its resolution's adoption date."""

    def splice(source: Source, tree: YMap, shown: str) -> tuple[str, Intent]:
        demands = tree.get("demands")
        if not isinstance(demands, YList) or not demands:
            raise DataError([problem("not-a-list.no-demands", (shown, 1, 1))])
        adopted = _adoption_date(tree, fields.get("resolution", ""))
        item = {f.name: fields[f.name] for f in DEMAND if f.kind in ("id", "text", "url") and fields.get(f.name)}
        item["repeats"] = list(fields.get("repeats") or [])
        _check_options("monitor add", demands.pos, item)
        first = {"date": adopted or (today or dt.date.today()).isoformat(), "status": "pending",
                 "note": "Demanded by the resolution."}
        text = insert_item(source.text, demands, item, None, history=first, newline=source.newline)
        return text, Intent(("demands",), {**item, "history": [first]}, demands.item_pos[-1][0])

    return _edit(path, splice, today, _("added demand {id}").format(id=fields.get("id")))


def _edit(path: str | os.PathLike, splice: Splice, today: dt.date | None, summary: str,
          warnings: list[Problem] | None = None) -> str:
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
            raise FileLocked(_("{path} is locked by another monitor command that has not finished").format(
                path=shown)) from None
        except OSError as exc:  # a read-only folder, a full disk: the lock file cannot be made
            raise DataError([problem("cannot-write.lock", (shown, 1, 1), reason=exc.strerror)]) from None
        _edit_locked(path, shown, splice, today, summary, warnings)
    return summary


def _edit_locked(path: str, shown: str, splice: Splice, today: dt.date | None, summary: str,
                 warnings: list[Problem] | None = None) -> None:
    """Read, splice, prove the result is the old file plus the intended change and valid, then write."""
    from .load import FileProblem, parse_bytes, read_data
    from .store import FileChanged, ReplacedButUnchecked, replace_if_unchanged

    try:
        data, info = read_data(path)
    except FileProblem as exc:
        raise DataError([exc.problem(shown)]) from None
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
        raise DataError([problem("unsafe-edit.unreadable", (shown, intent.line, 1))])
    new_register, problems = validate_loaded(new_loaded, today=today)
    if new_register is None:
        # Validating only the result halves the work of an update (profiled at 10,000 demands); when it fails,
        # problems the file already had are reported against the file as it is, not as it would have been.
        from . import validate_file

        old_problems = validate_file(path, today=today, shown_as=shown)[1]
        if any(p.is_error for p in old_problems):
            raise DataError(old_problems)
        # The file was valid, so every error comes from what the options would have written: say so, not a line
        # number of text the user never saw.
        raise DataError([about_command(p, _command_of(intent)) for p in problems if p.is_error])
    del new_register
    if warnings is not None and isinstance(intent, Intent):  # update and add; import's changes give none
        warnings.extend(_warnings_in_new_item(new_loaded.tree, intent, problems))
    difference = compare(expected, new_loaded.tree)
    if difference is not None:
        # without a last line break, a block value at the very end gains the line break it lacked
        raise DataError([problem("unsafe-edit" if ends_with_line_break else "unsafe-edit.no-final-line-break",
                                 (shown, difference.line, 1), what=difference.what)])
    del new_loaded
    try:
        replace_if_unchanged(path, source.encode(new_text), source.state)
    except FileChanged as exc:
        if exc.kept_copy:
            raise EditConflict(_("{summary}, but another program wrote into {path} at the same moment: its "
                                 "version is kept as {copy} — compare the two and copy over what is missing").format(
                summary=summary, path=shown, copy=exc.kept_copy)) from None
        raise EditConflict(_("{path} was changed by another program (an editor saving it?) while monitor was "
                             "updating it; nothing of this command was written — save your editor's changes, "
                             "then run the command again").format(path=shown)) from None
    except ReplacedButUnchecked as exc:
        reason = system_reason(exc.strerror) if exc.strerror else exc.strerror
        raise EditConflict(_("{summary}, but the previous version could not be checked afterwards ({reason}); it "
                             "is kept as {copy} in case an editor saved into it — compare the two, then delete "
                             "it").format(summary=summary, reason=reason, copy=exc.kept_copy)) from None
    except OSError as exc:  # a full disk, a folder that became read-only
        raise DataError([problem("cannot-write", (shown, 1, 1), reason=exc.strerror)]) from None


def _check_writable(path: str, shown: str) -> None:
    """Refuse, before any work, a file that is read-only (mode bits checked too: root may write anything)."""
    try:
        info = os.stat(path)
    except OSError:
        return  # reading it says why
    if not stat.S_ISREG(info.st_mode):  # before the lock: no lock file is made beside a device or a pipe
        from .readfile import kind_of

        raise DataError([problem("not-a-file", (shown, 1, 1), kind=kind_of(info.st_mode))])
    if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise DataError([problem("read-only", (shown, 1, 1), mode=stat.filemode(info.st_mode))])


def _command_of(intent: Intent | Changes) -> str:
    """The command an intent comes from, as messages about its options name it."""
    if isinstance(intent, Changes):
        return "monitor import"
    return "monitor add" if len(intent.where) == 1 else "monitor update"


def _check_options(command: str, at: Pos, values: dict) -> None:
    """Refuse option values holding a control character or bytes that are not UTF-8 (the one rule for text),
    reported against `command` (e.g. "monitor add"): the values are options, not yet a place in the file."""
    problems = []
    for key, value in values.items():
        for text in value if isinstance(value, list) else [value]:
            found = first_refused(text) if isinstance(text, str) else None
            if found:
                problems.append(problem("control-character.option", (command, 0, 0), option=key.replace("_", "-"),
                                        what=describe(found[1]), text=visible(text[:60])))
    if problems:
        raise DataError(problems)


def _check_arguments(shown: str, history: YList, entry: dict, sources: list[str]) -> None:
    """Refuse bad command-line values with messages about the option, before any text is spliced."""
    from .fields import is_web_address, parse_date
    from .model import STATUS_NAMES

    _check_options("monitor update", history.pos, {"status": entry["status"], "note": entry["note"],
                                                   "source": sources})
    problems = []
    where = ("monitor update", 0, 0)  # about the options, not a place in the file
    if entry["status"] not in STATUS_NAMES:
        problems.append(problem("unknown-status.option", where, word=entry["status"],
                                near=nearest_status(entry["status"])))
    last = history[-1] if isinstance(history[-1], YMap) else {}
    last_date = parse_date(str(last.get("date") or ""))
    if last_date and entry["date"] < last_date.isoformat():
        at = history.item_pos[-1]
        problems.append(problem("history-order.option", (shown, *at), date=entry["date"], latest=last_date))
    for source in sources:
        if not is_web_address(source):
            problems.append(problem("bad-url.option", where, value=source))
    if not entry["note"]:
        problems.append(problem("empty-value.note", where))
    if problems:
        raise DataError(problems)


def _check_duplicate(shown: str, demand_id: str, history: YList, entry: dict) -> list[Problem]:
    """Refuse an entry the demand already has (same date, status and note); warn of one of that day and status."""
    same_day = []
    for old, at in zip(history, history.item_pos):
        if not isinstance(old, YMap) or (old.get("date"), old.get("status")) != (entry["date"], entry["status"]):
            continue
        date, status = entry["date"], entry["status"]
        if " ".join(str(old.get("note") or "").split()) == entry["note"]:
            raise DataError([problem("duplicate-entry", (shown, *at), id=demand_id, date=date, status=status,
                                     line=at[0])])
        same_day.append(problem("same-day-entry", (shown, *at), id=demand_id, date=date, status=status, line=at[0]))
    return same_day


def _warnings_in_new_item(tree: Any, intent: Intent, problems: list[Problem]) -> list[Problem]:
    """The warnings `validate` gives for the item just added (a status without a source, say)."""
    node = tree
    for key in intent.where:
        node = node[key]
    item = node[-1] if isinstance(node, YList) and node else None
    if not isinstance(item, YMap):
        return []
    first, after = item.pos[0], max(node.end[0], item.pos[0] + 1)  # the list ends where the next token starts
    return [p for p in problems if not p.is_error and first <= p.line < after]


def _find_demand(tree: YMap, demand_id: str, shown: str, command: str = "monitor update") -> tuple[int, YMap]:
    """The demand with this id and its index in `demands`; DataError naming the nearest ids otherwise."""
    demands = tree.get("demands") or []
    for index, demand in enumerate(demands):
        if isinstance(demand, YMap) and demand.get("id") == demand_id:
            return index, demand
    near = [d["id"] for d in demands if isinstance(d, YMap) and isinstance(d.get("id"), str)]
    close = difflib.get_close_matches(demand_id, near, n=3, cutoff=0.5)
    if close:
        raise DataError([problem("unknown-demand.update", (command, 0, 0), id=demand_id, nearest=close)])
    raise DataError([problem("unknown-demand.update-none-near", (command, 0, 0), id=demand_id)])


def _adoption_date(tree: YMap, resolution_id: str) -> str | None:
    for res in tree.get("resolutions") or []:
        if isinstance(res, YMap) and res.get("id") == resolution_id:
            return res.get("adopted")
    return None


# -- monitor import: values of demands set or removed, a drafted resolution with its demands appended ---------------
