"""New lines spliced into the text of the data file, laid out like their neighbours; nothing else changes.

The text is never re-dumped: the new lines go after the last line of the list item they follow, indented like
it, with the file's own line ending, so that `git diff` shows only added lines. What counts as a line is
chars.line_starts, as for the parser. Whether the result is what was meant is proof.py's question, not ours.
"""
from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass

from .chars import line_starts
from .load import YList, YMap, parse_text

_PLAIN_SAFE = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*\Z")
_NOT_PLAIN = {"null", "Null", "NULL", "~", ""}
_FLOW_INDICATORS = re.compile(r"[,\[\]{}]")
_ALWAYS_QUOTED = {"resolution", "paragraph"}  # ids like "2013" and numbers like "7": quoted, as in the shipped file


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

    def __init__(self, text: str) -> None:
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


def _insert_flow(text: str, seq: YList, item: dict, sources: list[str] | None, history: dict | None) -> str:
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


# -- replacing and removing values, appending several items (monitor import) ---------------------------------------

FOLD_WIDTH = 116  # a folded block's lines stay under the 120 characters the shipped file keeps to


@dataclass(frozen=True)
class Span:
    """Where a scalar value stands in the text: [start, end) as character offsets, and its YAML style."""

    start: int
    end: int
    style: str  # "" plain, "'" or '"' quoted, "|" or ">" block


def scalar_spans(text: str, positions: set[tuple[int, int]]) -> dict[tuple[int, int], Span]:
    """The span of each scalar that starts at one of `positions` (1-based line, column, as the loader gives).

    A block scalar's span ends after its last line that is not blank: blank lines after it stay in the file.
    """
    import yaml

    try:
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import SafeLoader as Loader  # type: ignore[assignment]
    found = {}
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.ScalarEvent):
            at = (event.start_mark.line + 1, event.start_mark.column + 1)
            if at in positions:
                start, end = event.start_mark.index, event.end_mark.index
                style = event.style or ""
                if style in ("|", ">"):
                    end = _after_last_filled_line(text, start, end)
                found[at] = Span(start, end, style)
    return found


def _after_last_filled_line(text: str, start: int, end: int) -> int:
    """The offset just after the line break of the block's last content line in [start, end): a line holding more
    than spaces, or more spaces than the block's indentation (those spaces are part of the value). Blank lines
    after it stay in the file."""
    first = text.find("\n", start, end) + 1
    indent = next((len(line) - len(line.lstrip(" ")) for line in text[first:end].split("\n") if line.strip()), None)
    stop = end
    while stop > start:
        line_start = text.rfind("\n", start, stop - 1) + 1
        line = text[max(line_start, start):stop].rstrip("\r\n")
        if line.strip() or (indent is not None and line_start >= first and len(line) > indent):
            return stop
        stop = line_start
    return end


def blank_lines_after(text: str, end: int) -> tuple[int, str]:
    """The blank lines from `end` on (after a block value's last content line): where they end, and the same lines
    without their spaces. Spaces on a blank line after a block are not part of its value, but under a new value
    indented less they would be: the replacement keeps each line break and drops the spaces."""
    stop, kept = end, []
    while stop < len(text):
        line_end = text.find("\n", stop)
        line = text[stop:line_end + 1 if line_end >= 0 else len(text)]
        if line.strip(" \r\n"):
            break
        kept.append(line.lstrip(" "))
        stop += len(line)
    return stop, "".join(kept)


def value_text(value: str, *, key_col: int, key: str, newline: str, flow: bool = False,
               block_line_break: bool = False) -> str:
    """`value` written after `key: ` at column `key_col`: quoted like insert_item's values, or, when too long for
    one line (or replacing a block that ended with its line break), as a folded block `>-` indented under the key.
    """
    quoted = key in _ALWAYS_QUOTED or (key == "id" and value.isdigit())  # ids like "2013", quoted as in the file
    one_line = json.dumps(value, ensure_ascii=False) if quoted else \
        (flow_scalar(value) if flow else scalar(value))
    words = value.split(" ")
    foldable = not flow and "\n" not in value and "\t" not in value and all(words) and value == value.strip()
    if foldable and (block_line_break or key_col + len(key) + 2 + len(one_line) > 120):
        indent = " " * (key_col + 2)
        lines, line = [], ""
        for word in words:
            if line and len(indent) + len(line) + 1 + len(word) > FOLD_WIDTH:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        block = ">-" + "".join(newline + indent + line for line in lines)
        return block + newline if block_line_break else block
    if block_line_break:
        return one_line + newline
    return one_line


def replace_spans(text: str, changes: list[tuple[int, int, str]]) -> str:
    """`text` with each [start, end) replaced by its new text; the spans must not overlap."""
    out, at = [], 0
    for start, end, new in sorted(changes):
        if start < at:
            raise ValueError("overlapping changes")
        out.append(text[at:start])
        out.append(new)
        at = end
    out.append(text[at:])
    return "".join(out)


def key_lines(text: str, key_pos: tuple[int, int], value_end: int) -> tuple[int, int, str] | None:
    """(start, end, replacement) that removes the whole lines holding a key and its value, or None when other keys
    share those lines (a flow mapping).

    The replacement is "" but for the lines just below when a block value (`|`, `>`) is just above: without the
    key between them, comment lines indented deeper than the key and spaces on blank lines would become that
    block's text, so the comments move to the key's indentation (kept, still comments) and blank lines lose their
    spaces.
    """
    starts = line_starts(text)
    start = starts[key_pos[0] - 1]
    if text[start:start + key_pos[1] - 1].strip(" "):  # a list's dash or another key before it
        return None
    if text[value_end - 1:value_end] == "\n":  # a block value: its span ends with its line break
        end = value_end
    else:
        line_end = text.find("\n", value_end)
        rest = text[value_end:line_end if line_end >= 0 else len(text)]
        if rest.strip() and not rest.strip().startswith("#"):
            return None
        end = line_end + 1 if line_end >= 0 else len(text)
    block = _block_above(text, key_pos)
    if block == "keep":  # blank lines after the key would join that block's value
        while end < len(text):
            next_end = text.find("\n", end)
            if next_end < 0 or text[end:next_end].strip(" \r"):
                break
            end = next_end + 1
    replacement = ""
    if block:
        indent = " " * (key_pos[1] - 1)
        after = end
        moved = []
        while after < len(text):
            next_end = text.find("\n", after)
            line = text[after:next_end + 1 if next_end >= 0 else len(text)]
            body = line.lstrip(" ")
            if body.strip(" \r\n") and not (body.startswith("#") and len(line) - len(body) > len(indent)):
                break
            moved.append(indent + body if body.strip(" \r\n") else body)
            after += len(line)
        if "".join(moved) != text[end:after]:
            end, replacement = after, "".join(moved)
    return start, end, replacement


def _block_above(text: str, key_pos: tuple[int, int]) -> str:
    """'keep' when the lines just above the key hold a block value kept with its blank lines (`|+`, `>+`),
    'block' for another block value (`|`, `>`), '' otherwise."""
    lines = _Lines(text)
    for number in range(key_pos[0] - 1, 0, -1):
        line = lines[number - 1]
        indent = len(line) - len(line.lstrip(" "))
        if not line.strip() or indent >= key_pos[1]:
            continue  # blank, or the block's content
        if line.lstrip().startswith("#"):
            return ""
        if re.search(r":\s*[|>][1-9]?\+[1-9]?\s*(#.*)?$", line):
            return "keep"
        return "block" if re.search(r":\s*[|>][1-9+-]*\s*(#.*)?$", line) else ""
    return ""


def append_items(text: str, seq: YList, items: list[dict], comments: list[list[str]], newline: str = "\n"
                 ) -> str | None:
    """Append `items` to the block list `seq`, each laid out like its last item, each with its comment lines
    above it; a blank line before each when the list's items are set apart by one. A `history` value (a list
    of mappings) becomes a block list under its key; lists of texts are written in flow style. None for a
    flow list (`[...]`), which the caller refuses.
    """
    lines = _Lines(text)
    if _is_flow(lines, seq):
        return None
    last_line, last_col = seq.item_pos[-1]
    start = lines[last_line - 1]
    dash = start.rfind("-", 0, last_col - 1)
    dash_part = start[dash:last_col - 1] if dash >= 0 and start[dash + 1:last_col - 1].strip(" ") == "" else "- "
    dash_indent = " " * (last_col - 1 - len(dash_part))
    key_indent = " " * (last_col - 1)
    apart = last_line >= 2 and not lines[last_line - 2].strip() or _blank_before_comments(lines, last_line)
    new: list[str] = []
    for item, notes in zip(items, comments):
        if apart:
            new.append("")
        for note in notes:  # each comment wrapped to the width the file keeps to
            new.extend(f"{dash_indent}# {line}" for line in textwrap.wrap(note, FOLD_WIDTH - len(dash_indent) - 2,
                                                                           break_on_hyphens=False) or [""])
        for n, (key, value) in enumerate(item.items()):
            prefix = f"{dash_indent}{dash_part}" if n == 0 else key_indent
            new.extend(_field_lines(prefix, key, value, len(key_indent), newline))
    last_item = seq[-1]
    content_end = last_item.last_line if isinstance(last_item, (YMap, YList)) else last_line
    end = _last_line_of_item(lines, last_line, len(key_indent), content_end)
    if end < len(lines):
        cut = lines.starts[end]
        return text[:cut] + newline.join(new) + newline + text[cut:]
    return text + newline + newline.join(new)


def _blank_before_comments(lines: "_Lines", number: int) -> bool:
    """True when a blank line comes before the comment lines just above line `number`."""
    n = number - 2
    while n >= 0 and lines[n].lstrip().startswith("#"):
        n -= 1
    return n >= 0 and n < number - 2 and not lines[n].strip()


def _field_lines(prefix: str, key: str, value: object, key_col: int, newline: str) -> list[str]:
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = [f"{prefix}{key}:"]
        for entry in value:
            for m, (k, v) in enumerate(entry.items()):
                lead = " " * key_col + ("  - " if m == 0 else "    ")
                out.extend(_field_lines(lead, k, v, key_col + 4, newline))
        return out
    if isinstance(value, list):
        return [f"{prefix}{key}: [" + ", ".join(flow_scalar(v) for v in value) + "]"]
    written = value_text(str(value), key_col=key_col, key=key, newline=newline)
    return f"{prefix}{key}: {written}".split(newline)
