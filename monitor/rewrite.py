"""Edits `monitor import` makes: set or remove a demand's values, append a drafted resolution with its demands.

Through edit.py's one path (lock, re-read, proof that only the intended values changed, atomic write); the
splices are here, the path is there.
"""
from __future__ import annotations

import datetime as dt
import os

from .edit import Source, Splice, _check_options, _edit, _find_demand
from .i18n import counted, format_number, ngettext
from .load import YList, YMap, parse_text
from .problems import DataError, problem
from .proof import compare, expect
from .validate import validate_loaded


def set_demand_values(path: str | os.PathLike, changes: dict[str, dict[str, str | None]], *,
                      today: dt.date | None = None, summary: str = "") -> str:
    """Set scalar fields of demands to new values, or remove them (value None); nothing else changes.

    `changes`: demand id -> {key: new value or None}. Each key must already be in the demand.
    """
    if not summary:
        summary = counted(len(changes), "changed {count} demand", "changed {count} demands")
    return _edit(path, _values_splice(changes), today, summary)


def append_drafts(path: str | os.PathLike, resolution: dict, demands: list[dict], notes: list[list[str]], *,
                  today: dt.date | None = None, summary: str = "") -> str:
    """Append a resolution and its demands (each with the comment lines in `notes`: the resolution's first)."""
    if not summary:
        summary = ngettext("added resolution {id} and {count} demand", "added resolution {id} and {count} demands",
                           len(demands)).format(id=resolution.get("id"), count=format_number(len(demands)))
    return _edit(path, _drafts_splice(resolution, demands, notes), today, summary)


def preview_drafts(path: str | os.PathLike, resolution: dict, demands: list[dict], notes: list[list[str]], *,
                   today: dt.date | None = None) -> str:
    """The file's text as append_drafts would write it, checked the same way (valid, only the intended change),
    without writing: for --dry-run. Shares the splice with append_drafts; DataError as it would raise."""
    from .load import FileProblem, read_data

    shown = str(path)
    try:
        data, info = read_data(os.path.realpath(path))
    except FileProblem as exc:
        raise DataError([exc.problem(shown)]) from None
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
        raise DataError([problem("unsafe-edit", (shown, difference.line, 1), what=difference.what)])
    return new_text


def _values_splice(changes: dict[str, dict[str, str | None]]) -> Splice:
    from .proof import Changes
    from .splice import blank_lines_after, key_lines, replace_spans, scalar_spans, value_text

    def splice(source: Source, tree: YMap, shown: str) -> tuple[str, Changes]:
        found = {demand_id: _find_demand(tree, demand_id, shown, "monitor import") for demand_id in changes}
        wanted = {demand.value_pos[key] for demand_id, (_index, demand) in found.items() for key in changes[demand_id]
                  if key in demand}
        spans = scalar_spans(source.text, wanted)
        edits: list[tuple[int, int, str]] = []
        replaced = {}
        for demand_id, values in changes.items():
            index, demand = found[demand_id]
            _check_options("monitor import", demand.pos, {k: v for k, v in values.items() if v is not None})
            flow = source.text[_offset(source.text, demand.pos)] == "{"
            item = dict(demand)
            for key, value in values.items():
                span = spans.get(demand.value_pos.get(key, (0, 0)))
                lines = key_lines(source.text, demand.key_pos[key], span.end) if span and value is None else None
                if span is None or (value is None and lines is None):
                    raise DataError([problem("unsafe-edit.value", (shown, demand.key_pos.get(key, demand.pos)[0], 1),
                                             key=key, id=demand_id)])
                if value is None:  # the key's lines go (`lines` is set: checked above)
                    edits.extend([lines] if lines else [])
                    del item[key]
                    continue
                block_end = span.style in ("|", ">") and source.text[span.end - 1:span.end] == "\n"
                end, blanks = blank_lines_after(source.text, span.end) if block_end else (span.end, "")
                edits.append((span.start, end, value_text(value, key_col=demand.key_pos[key][1] - 1, key=key,
                                                          newline=source.newline, flow=flow,
                                                          block_line_break=block_end) + blanks))
                item[key] = value
            replaced[("demands", index)] = item
        first = min((demand.pos[0] for _index, demand in found.values()), default=1)
        return replace_spans(source.text, edits), Changes({}, replaced, first)

    return splice


def _offset(text: str, pos: tuple[int, int]) -> int:
    from .chars import line_starts

    return line_starts(text)[pos[0] - 1] + pos[1] - 1


def _drafts_splice(resolution: dict, demands: list[dict], notes: list[list[str]]) -> Splice:
    from .proof import Changes
    from .splice import append_items

    def splice(source: Source, tree: YMap, shown: str) -> tuple[str, Changes]:
        lists: dict[str, YList] = {}
        for key in ("resolutions", "demands"):
            seq = tree.get(key)
            if not isinstance(seq, YList) or not seq:
                raise DataError([problem("not-a-list.nothing-to-add-after", (shown, 1, 1), key=key)])
            lists[key] = seq
        _check_new_ids(shown, tree, resolution, demands)
        for item in [resolution, *demands]:
            texts = {k: v for k, v in item.items() if isinstance(v, str)}
            _check_options("monitor import", lists["demands"].pos, texts)
        text = source.text
        work = [(lists["resolutions"], [resolution], notes[:1]), (lists["demands"], demands, notes[1:])]
        for seq, items, comments in sorted(work, key=lambda w: w[0].pos, reverse=True):  # the later list first
            new = append_items(text, seq, items, comments, newline=source.newline)
            if new is None:
                raise DataError([problem("unsafe-edit.flow-list", (shown, *seq.pos))])
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
                problems.append(problem("duplicate-id.drafted", (shown, *at), value=item["id"], key=key))
    if problems:
        raise DataError(problems)
