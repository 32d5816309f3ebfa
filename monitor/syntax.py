"""The parser's errors explained: each PyYAML or libyaml error becomes one Problem at a 1-based line and column.

The parser says what it expected ("could not find expected ':'"); the user needs to hear what is wrong in their
words and what to write instead. RULES maps the parser's words to a message of the catalogue (messages.py);
a new explanation is one rule there and one message there.
"""
from __future__ import annotations

import yaml

from .chars import position
from .i18n import _
from .problems import Problem, problem
from .slips import find_slip, quote_opened
from .tree import MAX_DEPTH

# (words in the parser's problem, message id): the first rule that matches explains the error
RULES: tuple[tuple[str, str], ...] = (
    ("mapping values are not allowed", "syntax.second-colon"),
    ("expected <block end>", "syntax.bad-indentation"),
    ("did not find expected key", "syntax.bad-indentation"),
    ("expected '-'", "syntax.bad-indentation"),
    ("could not find expected ':'", "syntax.missing-colon"),
)


def explain_syntax_error(path: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """The problem a parser's syntax error stands for, where the user should look."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = (exc.problem or "").strip()  # the parser's English words, matched below
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if _is_tab_indent(what, source_line, column):
        return problem("tab-indent", (path, line, source_line.find("\t") + 1 or column))
    if exc.context and "while scanning a quoted scalar" in exc.context and "escape" not in what:
        start = (exc.context_mark.line + 1, exc.context_mark.column + 1) if exc.context_mark else (line, column)
        return problem("syntax.unclosed-quote", (path, *start))
    if "nesting depth" in what:  # libyaml's own limit (1000 levels), met before ours is counted
        return problem("too-deep", (path, line, column), limit=MAX_DEPTH)
    slip = _unclosed_quote_before(path, lines, line) or find_slip(path, lines, line)
    if slip:
        return slip
    if "unknown escape character" in what:
        at = source_line.rfind("\\", 0, column)  # the mark is on the backslash or just after it
        return problem("syntax.unknown-escape", (path, line, column), char=source_line[at + 1: at + 2] or "?")
    if "hexdecimal" in what or "hexadecimal" in what:  # `\x`, `\u`, `\U` without their digits (C:\Users)
        at = source_line.rfind("\\", 0, column)
        return problem("syntax.unknown-escape.digits", (path, line, at + 1 if at >= 0 else column),
                       char=source_line[at + 1: at + 2] or "?")
    for words, message_id in RULES:
        if words in what:
            return problem(message_id, (path, line, column))
    return problem("syntax", (path, line, column), parser_says=what or _("the YAML cannot be read"))


def _unclosed_quote_before(path: str, lines: list[str], line: int) -> Problem | None:
    """An unclosed quote on a line before the error: the parser ran on to the next quote, far from the slip.

    A quoted value may go on over lines, so a line that does not close its quote is the slip only when closing it
    there lets the parser read past the error: each of the nearest few such lines is tried.
    """
    tried = 0
    for number in range(line - 1, max(line - 200, 0), -1):
        column = quote_opened(lines[number - 1])
        if column is None:
            continue
        fixed = lines[:number - 1] + [lines[number - 1].rstrip("\r") + lines[number - 1][column - 1]] + lines[number:]
        if _error_line("\n".join(fixed)) > line:
            return problem("syntax.unclosed-quote", (path, number, column))
        tried += 1
        if tried == 3:
            break
    return None


def _error_line(text: str) -> float:
    """The line of the first syntax error in `text`, or infinity when it parses."""
    try:
        for _event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return mark.line + 1 if mark else 0
    except yaml.YAMLError:
        return 0
    return float("inf")


def _is_tab_indent(what: str, source_line: str, column: int) -> bool:
    if "\t" in what or "'\\t'" in what:
        return True
    return source_line[: max(column - 1, 0)].strip(" ") == "" and "\t" in source_line[:column]


def explain_reader_error(path: str, text: str, exc: yaml.YAMLError, *, offset_in_bytes: bool) -> Problem:
    """The problem a reader's error stands for: a control character, found by its offset in the text.

    libyaml counts the offset in UTF-8 bytes, PyYAML's pure reader in characters (`offset_in_bytes`).
    """
    offset = getattr(exc, "position", 0) or 0
    if offset_in_bytes:
        offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
    where = (path, *position(text, offset))
    char = getattr(exc, "character", None)
    codepoint = ord(char) if isinstance(char, str) and char else char
    if isinstance(codepoint, int):
        return problem("control-character", where, codepoint=codepoint)
    return problem("control-character.unknown", where)
