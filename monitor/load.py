"""Bytes on disk -> a tree of plain values that remembers where each value stands in the file.

The file is read with PyYAML's safe parser (the C one when available, for speed) and its events are turned into
`YMap`/`YList`/`str` by our own builder, which is where the safety rules live: no tags of any kind, no anchors
or aliases, no duplicate keys, no control character (raw or escaped), no nesting deeper than MAX_DEPTH, and no
line break but LF and CRLF (so that these lines are the lines editors and `monitor update` count). Every scalar
stays text (`2022-13-01` included), so that `validate` can parse dates and report a wrong one at its position.
Every parser failure becomes a Problem with a 1-based line and column.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import yaml

from .chars import (
    describe,
    describe_line_break,
    first_refused,
    foreign_line_breaks,
    has_refused,
    position,
    visible,
)
from .memory import gc_paused
from .problems import Findings, Problem, hint_for, problem

try:  # the C parser is 3-4x faster; the pure one gives the same events and marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64  # a register is 5 levels deep; deeper nesting is refused before Python's recursion limit
_CORE = "tag:yaml.org,2002:"
_QUOTED = ("'", '"')
_NULL_WORDS = ("", "~", "null", "Null", "NULL")
Pos = tuple[int, int]  # 1-based (line, column)


class YMap(dict):
    """A mapping from the file, with the positions of its keys and values."""

    __slots__ = ("pos", "end", "last_line", "key_pos", "value_pos")

    def __init__(self, pos: Pos, end: Pos):
        super().__init__()
        self.pos = pos
        self.end = end
        self.last_line = pos[0]  # where its last plain or quoted value ends (a quoted one may end less indented)
        self.key_pos: dict[str, Pos] = {}
        self.value_pos: dict[str, Pos] = {}


class YList(list):
    """A list from the file, with the position of each item."""

    __slots__ = ("pos", "end", "last_line", "item_pos")

    def __init__(self, pos: Pos, end: Pos):
        super().__init__()
        self.pos = pos
        self.end = end
        self.last_line = pos[0]
        self.item_pos: list[Pos] = []


@dataclass
class Loaded:
    """What reading a file gave: its text, the tree (None when unreadable) and the problems met on the way."""

    path: str
    text: str = ""
    tree: object = None
    problems: list[Problem] = field(default_factory=list)


def read_file(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES, shown_as: str | None = None) -> Loaded:
    """Read and parse a data file; never raises for a bad or missing file."""
    shown = shown_as or str(path)
    try:
        data, _ = read_data(path, max_bytes)
    except FileProblem as exc:
        return Loaded(shown, problems=[problem(shown, 1, 1, exc.code, exc.message)])
    return parse_bytes(data, shown, max_bytes=max_bytes)


class FileProblem(Exception):
    """The file cannot be read as a data file at all (missing, not a regular file, too large)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def read_data(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, os.stat_result]:
    """The bytes of a data file and its status when read (to notice another program's later save).

    readfile.read_with_status does the reading (a regular file only, never past the limit); its failures
    become FileProblem with the code the user will see.
    """
    from .readfile import NotARegularFile, TooLarge, read_with_status

    try:
        return read_with_status(path, max_bytes)
    except NotARegularFile as exc:
        raise FileProblem("not-a-file", f"this is {exc.kind}, not a file") from None
    except TooLarge as exc:
        size = f"{exc.size:,} bytes" if exc.size is not None else "more than that"
        raise FileProblem("file-too-large", f"the file is {size}, more than the limit of {exc.limit:,}") from None
    except OSError as exc:
        raise FileProblem("file-missing", f"cannot read the file ({exc.strerror})") from None


def parse_bytes(data: bytes, path: str = "demands.yaml", *, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Decode (UTF-8, with or without BOM) and parse file contents."""
    if len(data) > max_bytes:
        return Loaded(path, problems=[problem(path, 1, 1, "file-too-large",
                                               f"the file is {len(data):,} bytes, more than the limit of {max_bytes:,}")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return Loaded(path, problems=[problem(path, line, column, "not-utf8",
                                               f"byte 0x{data[exc.start]:02x} is not UTF-8 text")])
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
        breaks.report(path, line, column, "line-break-character", f"{describe_line_break(char)} is in the text "
                      "here: YAML counts it as a new line, other programs do not")
    if breaks.total:  # the parser's lines would not be the lines that editors, git and `monitor update` count
        loaded.problems = breaks.result()
        return loaded
    builder = _Builder(path)
    try:
        with gc_paused():
            loaded.tree = builder.stream(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:  # a syntax error hides what was built before it, as a composer would
        loaded.tree = None
        loaded.problems.append(_syntax_problem(path, text, exc))
        return loaded
    except yaml.YAMLError as exc:  # ReaderError: a control character, reported by character offset
        loaded.tree = None
        offset = getattr(exc, "position", 0) or 0
        if _Loader.__name__.startswith("C"):  # libyaml counts UTF-8 bytes, the pure reader characters
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        line, column = position(text, offset)
        char = getattr(exc, "character", None)
        code = ord(char) if isinstance(char, str) and char else char
        what = f"the invisible character U+{code:04X}" if isinstance(code, int) else "an invisible character"
        loaded.problems.append(problem(path, line, column, "control-character",
                                        f"{what} cannot appear in a YAML file"))
        return loaded
    loaded.problems = builder.found.result()
    return loaded


_ScalarEvent, _AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
_MappingStart, _MappingEnd = yaml.MappingStartEvent, yaml.MappingEndEvent
_SequenceStart, _SequenceEnd = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_DocumentStart = yaml.DocumentStartEvent


class _Builder:
    """Builds YMap/YList/str straight from the parser's events, refusing tags, anchors, aliases, duplicate keys.

    Building from events rather than from composed nodes never holds PyYAML's node tree (profiled at 10,000
    demands: about 250 MB) and reports an alias where it is used and an anchor where it is declared.
    """

    def __init__(self, path: str):
        self.path = path
        self.found = Findings()
        self.depth = 0
        self.last_line = 1  # the line on which the last flow (plain or quoted) scalar ends

    def stream(self, events):
        it = iter(events)
        tree = None
        documents = 0
        for event in it:
            if event.__class__ is _DocumentStart:
                documents += 1
                if documents > 1:
                    line, column = _pos(event.start_mark)
                    self.found.add(problem(self.path, line, column, "syntax",
                                                 "a second document starts here ('---')",
                                                 "keep one document: remove the '---' line and what follows, "
                                                 "or merge it into the lists above"))
                    for _ in it:  # the parser still checks the rest for syntax errors
                        pass
                    break
                tree = self.node(next(it), it)
        return tree

    def refuse(self, event) -> None:
        """Record a problem for an anchor or an explicit tag (any tag, `!!str` included) on this event."""
        line, column = _pos(event.start_mark)
        if event.anchor is not None:
            self.found.add(problem(self.path, line, column, "alias-not-allowed",
                                          f"the anchor '&{event.anchor}' is not allowed (nor are aliases)"))
        if event.tag is not None:
            self.found.add(problem(self.path, line, column, "tag-not-allowed",
                                          f"the tag '{event.tag.replace(_CORE, '!!')}' is not allowed"))

    def scalar(self, event) -> str | None:
        """A scalar's text (None for an empty value); a tag, an anchor or a control character is a problem."""
        if event.anchor is not None or event.tag is not None:
            self.refuse(event)
            return None
        value = event.value
        if event.style in _QUOTED:  # only a quoted value may go on at a shallower indent than its key
            self.last_line = event.end_mark.line + 1
        elif value:  # a block: its lines start after the `|` or `>`; a literal's value has one line per line of
            # the file, so its last line is exact even when it is blank or only spaces (folding only undercounts)
            lines = value.count("\n") + (not value.endswith("\n"))
            self.last_line = event.start_mark.line + 1 + lines
            if value.endswith("\n\n"):  # kept blank lines (`|+`, `>+`): the end mark is on the line after them
                self.last_line = max(self.last_line, event.end_mark.line)
        found = first_refused(value)
        if found:
            char = found[1]
            line, column = _pos(event.start_mark)
            self.found.add(problem(self.path, line, column, "control-character",
                                          f"this text contains {describe(char)} (written as the escape "
                                          f"{visible(char)} or similar)"))
            return None
        return None if event.implicit[0] and value in _NULL_WORDS else value

    def node(self, event, it):
        kind = event.__class__
        if kind is _ScalarEvent:
            return self.scalar(event)
        if kind is _AliasEvent:
            line, column = _pos(event.start_mark)
            self.found.add(problem(self.path, line, column, "alias-not-allowed",
                                          f"the alias '*{event.anchor}' is not allowed"))
            return None
        start = event.start_mark
        if self.depth >= MAX_DEPTH:
            self.found.add(problem(self.path, start.line + 1, start.column + 1, "too-deep",
                                          f"the lists and blocks here are nested more than {MAX_DEPTH} levels deep"))
            _skip_subtree(it)
            return None
        refused = event.anchor is not None or event.tag is not None
        if refused:
            self.refuse(event)
        self.depth += 1
        if kind is _SequenceStart:
            built = self.sequence((start.line + 1, start.column + 1), it)
        else:
            built = self.mapping((start.line + 1, start.column + 1), it)
        self.depth -= 1
        return None if refused else built

    def sequence(self, pos: Pos, it) -> YList:
        seq = YList(pos, pos)
        item_pos = seq.item_pos
        append = seq.append
        for event in it:
            kind = event.__class__
            if kind is _SequenceEnd:
                mark = event.end_mark
                seq.end = (mark.line + 1, mark.column + 1)
                seq.last_line = self.last_line
                return seq
            mark = event.start_mark
            item_pos.append((mark.line + 1, mark.column + 1))
            if kind is _ScalarEvent and not event.style and event.anchor is None and event.tag is None \
                    and not has_refused(event.value):  # the common case, inline (profiled: a third of loading)
                value = event.value
                append(None if event.implicit[0] and value in _NULL_WORDS else value)
            else:
                append(self.scalar(event) if kind is _ScalarEvent else self.node(event, it))
        return seq

    def mapping(self, pos: Pos, it) -> YMap:
        mapping = YMap(pos, pos)
        key_pos, value_pos = mapping.key_pos, mapping.value_pos
        for key_event in it:
            kind = key_event.__class__
            if kind is _MappingEnd:
                mark = key_event.end_mark
                mapping.end = (mark.line + 1, mark.column + 1)
                mapping.last_line = self.last_line
                return mapping
            mark = key_event.start_mark
            key_at = (mark.line + 1, mark.column + 1)
            if kind is not _ScalarEvent:
                self.node(key_event, it)  # consume the complex key, then its value
                self.node(next(it), it)
                self.found.add(problem(self.path, *key_at, "not-text", "a key must be a plain word"))
                continue
            value_event = next(it)
            if not key_event.style and key_event.anchor is None and key_event.tag is None \
                    and not has_refused(key_event.value):
                key = key_event.value
            else:
                key = self.scalar(key_event)
            if key is None:
                self.node(value_event, it)
                continue
            if key in mapping:
                self.node(value_event, it)
                self.found.add(problem(self.path, *key_at, "duplicate-key",
                                              f"'{key}' appears twice in this block (first on line {key_pos[key][0]})"))
                continue
            key_pos[key] = key_at
            mark = value_event.start_mark
            value_pos[key] = (mark.line + 1, mark.column + 1)
            if value_event.__class__ is _ScalarEvent and not value_event.style and value_event.anchor is None \
                    and value_event.tag is None and not has_refused(value_event.value):  # the common case, inline
                value = value_event.value
                mapping[key] = None if value_event.implicit[0] and value in _NULL_WORDS else value
            else:
                mapping[key] = self.scalar(value_event) if value_event.__class__ is _ScalarEvent \
                    else self.node(value_event, it)
        return mapping


def _skip_subtree(it) -> None:
    """Consume the events of a list or block whose start was just read, without recursion."""
    level = 1
    for event in it:
        kind = event.__class__
        if kind is _SequenceStart or kind is _MappingStart:
            level += 1
        elif kind is _SequenceEnd or kind is _MappingEnd:
            level -= 1
            if level == 0:
                return


def _pos(mark) -> Pos:
    return mark.line + 1, mark.column + 1


def _syntax_problem(path: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = _pos(mark) if mark else (1, 1)
    what = (exc.problem or "the YAML cannot be read").strip()
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in what or "'\\t'" in what or source_line[: max(column - 1, 0)].strip(" ") == "" and "\t" in source_line[:column]:
        tab_col = source_line.find("\t") + 1 or column
        return problem(path, line, tab_col, "tab-indent", "a tab is used here; YAML allows only spaces for indentation")
    if exc.context and "while scanning a quoted scalar" in exc.context:
        start = _pos(exc.context_mark) if exc.context_mark else (line, column)
        return problem(path, start[0], start[1], "syntax", "this quoted text is never closed",
                       "add the closing quote at the end of the value")
    if "nesting depth" in what:  # libyaml's own limit (1000 levels), met before ours is counted
        return problem(path, line, column, "too-deep",
                        f"the lists and blocks here are nested more than {MAX_DEPTH} levels deep")
    if "mapping values are not allowed" in what:
        return problem(path, line, column, "syntax", "a second ':' where a value was expected",
                       "put the value in quotes, e.g. note: \"Result: released\"")
    if "expected <block end>" in what or "did not find expected key" in what or "expected '-'" in what:
        return problem(path, line, column, "syntax", "this line is not indented like the lines around it",
                       "line the key up with the keys above it (spaces only)")
    if "could not find expected ':'" in what:
        return problem(path, line, column, "syntax", "a key without ':' (or a value on a line of its own)",
                       "write `key: value` on one line, or indent a continued value further than its key")
    return problem(path, line, column, "syntax", what, hint_for("syntax"))
