"""Bytes on disk -> a tree of plain values that remembers where each value stands in the file.

The file is read with PyYAML's safe parser (the C one when available, for speed) and its events are turned into
`YMap`/`YList`/`str` by our own builder, which is where the safety rules live: no tags, no anchors or aliases,
no duplicate keys. Every scalar stays text (`2022-13-01` included), so that `validate` can parse dates and
report a wrong one at its position. Every parser failure becomes a Problem with a 1-based line and column.
"""
from __future__ import annotations

import contextlib
import gc
import os
from dataclasses import dataclass, field

import yaml

from .problems import ERROR, Problem, hint_for

try:  # the C parser is 3-4x faster; the pure one gives the same events and marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_CORE = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_NULL_WORDS = ("", "~", "null", "Null", "NULL")
Pos = tuple[int, int]  # 1-based (line, column)


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building large acyclic trees.

    Profiled at 10,000 demands: full collections walking millions of young, long-lived nodes took about two
    thirds of compose-and-check time and made it grow faster than the file. Nothing built here forms cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class YMap(dict):
    """A mapping from the file, with the positions of its keys and values."""

    __slots__ = ("pos", "end", "key_pos", "value_pos")

    def __init__(self, pos: Pos, end: Pos):
        super().__init__()
        self.pos = pos
        self.end = end
        self.key_pos: dict[str, Pos] = {}
        self.value_pos: dict[str, Pos] = {}


class YList(list):
    """A list from the file, with the position of each item."""

    __slots__ = ("pos", "end", "item_pos")

    def __init__(self, pos: Pos, end: Pos):
        super().__init__()
        self.pos = pos
        self.end = end
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
        size = os.path.getsize(path)
        if size > max_bytes:
            return Loaded(shown, problems=[_problem(shown, 1, 1, "file-too-large",
                                                    f"the file is {size:,} bytes, more than the limit of {max_bytes:,}")])
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return Loaded(shown, problems=[_problem(shown, 1, 1, "file-missing", f"cannot read the file ({exc.strerror})")])
    return parse_bytes(data, shown, max_bytes=max_bytes)


def parse_bytes(data: bytes, path: str = "demands.yaml", *, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Decode (UTF-8, with or without BOM) and parse file contents."""
    if len(data) > max_bytes:
        return Loaded(path, problems=[_problem(path, 1, 1, "file-too-large",
                                               f"the file is {len(data):,} bytes, more than the limit of {max_bytes:,}")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return Loaded(path, problems=[_problem(path, line, column, "not-utf8",
                                               f"byte 0x{data[exc.start]:02x} is not UTF-8 text")])
    return parse_text(text, path)


def parse_text(text: str, path: str = "demands.yaml") -> Loaded:
    """Parse YAML text into a tree of YMap/YList/str (None for an empty value), collecting problems."""
    if text.startswith("\ufeff"):
        text = text[1:]
    loaded = Loaded(path, text=text)
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
        line, column = _offset_to_pos(text, offset)
        char = getattr(exc, "character", None)
        code = ord(char) if isinstance(char, str) and char else char
        what = f"the invisible character U+{code:04X}" if isinstance(code, int) else "an invisible character"
        loaded.problems.append(_problem(path, line, column, "control-character",
                                        f"{what} cannot appear in a YAML file"))
        return loaded
    loaded.problems.extend(builder.problems)
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
        self.problems: list[Problem] = []

    def stream(self, events):
        it = iter(events)
        tree = None
        documents = 0
        for event in it:
            if event.__class__ is _DocumentStart:
                documents += 1
                if documents > 1:
                    line, column = _pos(event.start_mark)
                    self.problems.append(Problem(self.path, line, column, ERROR, "syntax",
                                                 "a second document starts here ('---')",
                                                 "keep one document: remove the '---' line and what follows, "
                                                 "or merge it into the lists above"))
                    for _ in it:  # the parser still checks the rest for syntax errors
                        pass
                    break
                tree = self.node(next(it), it)
        return tree

    def refuse(self, event) -> bool:
        """Record a problem for an anchor or an explicit tag on this event; True when there was one."""
        refused = False
        if event.anchor is not None:
            line, column = _pos(event.start_mark)
            self.problems.append(_problem(self.path, line, column, "alias-not-allowed",
                                          f"the anchor '&{event.anchor}' is not allowed (nor are aliases)"))
            refused = True
        tag = event.tag
        if tag is not None and tag != "!" and tag not in _PLAIN_TAGS:
            line, column = _pos(event.start_mark)
            self.problems.append(_problem(self.path, line, column, "tag-not-allowed",
                                          f"the tag '{tag.replace(_CORE, '!!')}' is not allowed"))
            refused = True
        return refused

    def node(self, event, it):
        kind = event.__class__
        if kind is _ScalarEvent:
            if (event.anchor is not None or event.tag is not None) and self.refuse(event):
                return None
            value = event.value
            return None if event.implicit[0] and value in _NULL_WORDS else value
        if kind is _AliasEvent:
            line, column = _pos(event.start_mark)
            self.problems.append(_problem(self.path, line, column, "alias-not-allowed",
                                          f"the alias '*{event.anchor}' is not allowed"))
            return None
        refused = (event.anchor is not None or event.tag is not None) and self.refuse(event)
        start = event.start_mark
        if kind is _SequenceStart:
            built = self.sequence((start.line + 1, start.column + 1), it)
        else:
            built = self.mapping((start.line + 1, start.column + 1), it)
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
                return seq
            mark = event.start_mark
            item_pos.append((mark.line + 1, mark.column + 1))
            if kind is _ScalarEvent and event.anchor is None and event.tag is None:
                value = event.value
                append(None if event.implicit[0] and value in _NULL_WORDS else value)
            else:
                append(self.node(event, it))
        return seq

    def mapping(self, pos: Pos, it) -> YMap:
        mapping = YMap(pos, pos)
        key_pos, value_pos = mapping.key_pos, mapping.value_pos
        for key_event in it:
            kind = key_event.__class__
            if kind is _MappingEnd:
                mark = key_event.end_mark
                mapping.end = (mark.line + 1, mark.column + 1)
                return mapping
            mark = key_event.start_mark
            key_at = (mark.line + 1, mark.column + 1)
            if kind is not _ScalarEvent:
                self.node(key_event, it)  # consume the complex key, then its value
                self.node(next(it), it)
                self.problems.append(_problem(self.path, *key_at, "not-text", "a key must be a plain word"))
                continue
            value_event = next(it)
            if key_event.anchor is not None or key_event.tag is not None:
                self.refuse(key_event)
            key = key_event.value
            if key in mapping:
                self.node(value_event, it)
                self.problems.append(_problem(self.path, *key_at, "duplicate-key",
                                              f"'{key}' appears twice in this block (first on line {key_pos[key][0]})"))
                continue
            key_pos[key] = key_at
            mark = value_event.start_mark
            value_pos[key] = (mark.line + 1, mark.column + 1)
            if value_event.__class__ is _ScalarEvent and value_event.anchor is None and value_event.tag is None:
                value = value_event.value
                mapping[key] = None if value_event.implicit[0] and value in _NULL_WORDS else value
            else:
                mapping[key] = self.node(value_event, it)
        return mapping


def _pos(mark) -> Pos:
    return mark.line + 1, mark.column + 1


def _offset_to_pos(text: str, offset: int) -> Pos:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _syntax_problem(path: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = _pos(mark) if mark else (1, 1)
    what = (exc.problem or "the YAML cannot be read").strip()
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in what or "'\\t'" in what or source_line[: max(column - 1, 0)].strip(" ") == "" and "\t" in source_line[:column]:
        tab_col = source_line.find("\t") + 1 or column
        return _problem(path, line, tab_col, "tab-indent", "a tab is used here; YAML allows only spaces for indentation")
    if exc.context and "while scanning a quoted scalar" in exc.context:
        start = _pos(exc.context_mark) if exc.context_mark else (line, column)
        return Problem(path, start[0], start[1], ERROR, "syntax", "this quoted text is never closed",
                       "add the closing quote at the end of the value")
    if "mapping values are not allowed" in what:
        return Problem(path, line, column, ERROR, "syntax", "a second ':' where a value was expected",
                       "put the value in quotes, e.g. note: \"Result: released\"")
    if "expected <block end>" in what or "did not find expected key" in what or "expected '-'" in what:
        return Problem(path, line, column, ERROR, "syntax", "this line is not indented like the lines around it",
                       "line the key up with the keys above it (spaces only)")
    if "could not find expected ':'" in what:
        return Problem(path, line, column, ERROR, "syntax", "a key without ':' (or a value on a line of its own)",
                       "write `key: value` on one line, or indent a continued value further than its key")
    return Problem(path, line, column, ERROR, "syntax", what, hint_for("syntax"))


def _problem(path: str, line: int, column: int, code: str, message: str) -> Problem:
    return Problem(path, line, column, ERROR, code, message, hint_for(code))
