"""The slip a person made, found from the lines before a parser error: the line to change and what to write.

The parser stops where the text stops making sense, often a line or a demand after the slip (a key without its
':' is read as the start of a longer value, an unclosed quote runs on to the next quote). Here the lines from the
start of the item before the error down to it are read as a person reads them: each key line should start in the
column of a key above it (or deeper, under a key that opens a block), have ': ' after the key, and close its
quotes. The first line that does not is the slip.
"""
from __future__ import annotations

import re

from .problems import Problem, problem
from .words import direction, spaces

_ITEM = re.compile(r"((?:- +)*)(.*)")  # list dashes, then the content
_KEY = re.compile(r"""([^\s'"#\[\]{},:-][^:#]*?|'[^']*'|"[^"]*"):(?=\s|$)""")  # a key and its ': '
_BLOCK = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")  # a block scalar's header: `|`, `>-`, `|+2`
_BACK = 80  # lines looked at before the error: the item before it (a demand is about 20 lines)


def find_slip(path: str, lines: list[str], error_line: int) -> Problem | None:
    """The first slip in the lines before `error_line` (1-based, included), or None when none is seen."""
    start = _item_start(lines, error_line)
    levels: list[int] = []  # the columns that keys above may be lined up with, innermost last
    opened = deeper = -1  # a key that opens a block (children deeper); a value that may go on deeper
    item: tuple[int, int, int, int] | None = None  # a `- ` line off the usual place: line, indent, usual, width
    plain = False  # whether that value is plain (neither quoted nor a block scalar)
    for number in range(start, min(error_line, len(lines)) + 1):
        text = lines[number - 1].rstrip("\r")
        content = text.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        indent = len(text) - len(content)
        if deeper >= 0 and indent > deeper:  # a folded or quoted value going on, or a block scalar's text
            if plain and _KEY.match(content):  # `key: value` cannot go on a plain value: a stray space before it
                if item and indent == item[2] + item[3]:
                    return _moved_item(path, item)
                return _misplaced_line(path, number, indent, levels[-1])
            continue
        dashes, rest = _ITEM.fullmatch(content).groups()  # type: ignore[union-attr]
        if rest.startswith("-") and rest[1:2] not in (" ", "", "-"):
            at = (path, number, indent + len(dashes) + 1)
            return problem("syntax.no-space-after-dash", at, fixed="- " + rest[1:])
        column = indent + len(dashes)
        found = _misplaced(levels, opened, indent, column, bool(dashes))
        if found is not None and item and indent == item[2] + item[3]:
            return _moved_item(path, item)
        if found is not None:
            return _misplaced_line(path, number, indent, found)
        moved = dashes and opened >= 0 and indent != opened + 2
        item = (number, indent, opened + 2, column - indent) if moved else None
        del levels[_level_index(levels, column):]
        levels.append(column)
        opened = deeper = -1
        if not rest:  # `- ` alone: its block follows deeper
            opened = column
            continue
        slip = _key_slip(path, number, column, rest)
        if slip and (not dashes or _next_is_key_at(lines, number, column)):  # `- a topic` is a list of words
            return slip
        key = _KEY.match(rest)
        value = rest[key.end():].strip() if key else rest
        if key and (not value or value.startswith("#")):
            opened = column
        else:
            deeper = column
            plain = not (_BLOCK.match(value) or value[:1] in ("'", '"'))
    return None


def _item_start(lines: list[str], error_line: int) -> int:
    """The line of the item before the one the error is in (so that a slip at an item's end is found)."""
    seen = 0
    for number in range(min(error_line, len(lines)), max(error_line - _BACK, 1) - 1, -1):
        if re.match(r" {0,2}- ", lines[number - 1]) or re.match(r"[^\s#-]", lines[number - 1]):
            seen += number < error_line
            if seen == 2 or (number < error_line and not lines[number - 1].startswith(" ")):
                return number
    return max(error_line - _BACK, 1)


def _next_is_key_at(lines: list[str], number: int, column: int) -> bool:
    """Whether the next line with content is a `key: value` line starting in `column` (0-based)."""
    for text in lines[number:]:
        content = text.lstrip(" ")
        if content and not content.startswith("#"):
            return len(text) - len(content) == column and bool(_KEY.match(content))
    return False


def _moved_item(path: str, item: tuple[int, int, int, int]) -> Problem:
    """The slip of a `- ` line moved off the usual place (2 deeper than its key), seen from the line under it."""
    return _misplaced_line(path, item[0], item[1], item[2])


def _misplaced_line(path: str, number: int, indent: int, column: int) -> Problem:
    """Line `number` starts at `indent` (0-based) where it should start at `column`."""
    off = indent - column
    return problem("syntax.misplaced", (path, number, indent + 1), amount=spaces(abs(off)), way=direction(off),
                   column=column + 1)


def _level_index(levels: list[int], column: int) -> int:
    for index, level in enumerate(levels):
        if level >= column:
            return index
    return len(levels)


def _misplaced(levels: list[int], opened: int, indent: int, column: int, dash: bool) -> int | None:
    """The column this line should start in when it starts in none it may, else None."""
    if not levels or column in levels or indent in levels:
        return None
    if opened >= 0 and (column > opened or (dash and indent >= opened)):
        return None
    if not dash and column < levels[0]:
        return None  # less indented than the first line looked at: an outer level, not seen here
    near = min(levels, key=lambda level: abs(level - indent))
    return near


def _key_slip(path: str, number: int, column: int, rest: str) -> Problem | None:
    """A key line without its ': ' (`note Demanded`, `- date 2013-04-18`, `status:met`)."""
    if rest[0] in "'\"[{&*!|>%@`" or _KEY.match(rest) or rest.startswith(("http:", "https:")):
        return None
    word = re.match(r"[A-Za-z_][\w-]*", rest)
    if not word:
        return None
    after = rest[word.end():]
    if after.startswith(":") and not after.startswith("://"):
        return problem("syntax.no-space-after-colon", (path, number, column + word.end() + 2), key=word.group(),
                       value=after[1:].strip())
    return problem("syntax.missing-colon.key", (path, number, column + word.end() + 1), key=word.group(),
                   value=after.strip())


def quote_opened(line: str) -> int | None:
    """The 1-based column of a quote that opens a value (`key: "...`, `- '...`) and is not closed on the line."""
    match = re.match(r"""(\s*(?:- +)*(?:[^\s'"#\[\]{},:-][^:#]*?:\s+)?)(['"])(.*)""", line.rstrip("\r"))
    if not match:
        return None
    quote, body = match.group(2), match.group(3)
    body = body.replace("''", "") if quote == "'" else re.sub(r"\\.", "", body)
    return None if quote in body else len(match.group(1)) + 1
