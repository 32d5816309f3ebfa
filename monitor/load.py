"""Bytes on disk -> a tree of plain values that remembers where each value stands in the file.

The file is read with PyYAML's safe parser (the C one when available, for speed) and its events are turned into
`YMap`/`YList`/`str` by our own builder (tree.py), which is where the safety rules live: no tags of any kind, no
anchors or aliases, no duplicate keys, no control character (raw or escaped), no nesting deeper than MAX_DEPTH.
Here: the size limit, UTF-8, and no line break but LF and CRLF (so that these lines are the lines editors and
`monitor update` count). Every parser failure becomes a Problem with a 1-based line and column (syntax.py).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import yaml

from .chars import describe_line_break, foreign_line_breaks
from .memory import gc_paused
from .problems import Findings, Problem, problem
from .syntax import explain_reader_error, explain_syntax_error
from .tree import MAX_DEPTH, Builder, Node, Pos, YList, YMap

try:  # the C parser is 3-4x faster; the pure one gives the same events and marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

__all__ = ["DEFAULT_MAX_BYTES", "MAX_DEPTH", "FileProblem", "Loaded", "Node", "Pos", "YList", "YMap",
           "parse_bytes", "parse_text", "read_data", "read_file"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Loaded:
    """What reading a file gave: its text, the tree (None when unreadable) and the problems met on the way."""

    path: str
    text: str = ""
    tree: Node = None
    problems: list[Problem] = field(default_factory=list)


def read_file(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES, shown_as: str | None = None) -> Loaded:
    """Read and parse a data file; never raises for a bad or missing file."""
    shown = shown_as or str(path)
    try:
        data, _ = read_data(path, max_bytes)
    except FileProblem as exc:
        return Loaded(shown, problems=[exc.problem(shown)])
    return parse_bytes(data, shown, max_bytes=max_bytes)


class FileProblem(Exception):
    """The file cannot be read as a data file at all (missing, not a regular file, too large)."""

    def __init__(self, message_id: str, **values: object) -> None:
        super().__init__(message_id)
        self.message_id, self.values = message_id, values

    def problem(self, shown: str) -> Problem:
        """The problem to report for the file shown to the user as `shown`."""
        return problem(self.message_id, (shown, 1, 1), **self.values)


def read_data(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, os.stat_result]:
    """The bytes of a data file and its status when read (to notice another program's later save).

    readfile.read_with_status does the reading (a regular file only, never past the limit); its failures
    become FileProblem with the code the user will see.
    """
    from .readfile import NotARegularFile, TooLarge, read_with_status

    try:
        return read_with_status(path, max_bytes)
    except NotARegularFile as exc:
        raise FileProblem("not-a-file", kind=exc.kind) from None
    except TooLarge as exc:
        if exc.size is None:
            raise FileProblem("file-too-large.unknown-size", limit=exc.limit) from None
        raise FileProblem("file-too-large", size=exc.size, limit=exc.limit) from None
    except OSError as exc:
        raise FileProblem("file-missing", reason=exc.strerror, place=os.path.abspath(path)) from None


def parse_bytes(data: bytes, path: str = "demands.yaml", *, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Decode (UTF-8, with or without BOM) and parse file contents."""
    if len(data) > max_bytes:
        return Loaded(path, problems=[problem("file-too-large", (path, 1, 1), size=len(data), limit=max_bytes)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return Loaded(path, problems=[problem("not-utf8", (path, line, column), byte=data[exc.start])])
    return parse_text(text, path)


def parse_text(text: str, path: str = "demands.yaml") -> Loaded:
    """Parse YAML text into a tree of YMap/YList/str (None for an empty value), collecting problems."""
    if text.startswith("\ufeff"):
        text = text[1:]
    loaded = Loaded(path, text=text)
    breaks = Findings()
    line, counted, line_start = 1, 0, 0
    for offset, char in foreign_line_breaks(text):
        newlines = text.count("\n", counted, offset)  # counted on from the last one: a file of CRs stays linear
        if newlines:
            line += newlines
            line_start = text.rfind("\n", counted, offset) + 1
        counted = offset
        column = offset - line_start + 1
        breaks.report("line-break-character", (path, line, column), what=describe_line_break(char))
    if breaks.total:  # the parser's lines would not be the lines that editors, git and `monitor update` count
        loaded.problems = breaks.result()
        return loaded
    builder = Builder(path, text)
    try:
        with gc_paused():
            loaded.tree = builder.stream(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:  # a syntax error hides what was built before it, as a composer would
        loaded.tree = None
        loaded.problems.append(explain_syntax_error(path, text, exc))
        return loaded
    except yaml.YAMLError as exc:  # ReaderError: a control character, reported by character offset
        loaded.tree = None
        in_bytes = _Loader.__name__.startswith("C")  # libyaml counts UTF-8 bytes, the pure reader characters
        loaded.problems.append(explain_reader_error(path, text, exc, offset_in_bytes=in_bytes))
        return loaded
    loaded.problems = builder.found.result()
    return loaded
