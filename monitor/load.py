"""Bytes on disk -> a tree of plain values that remembers where each value stands in the file.

The file is read with PyYAML's safe composer (the C one when available, for speed) and turned into
`YMap`/`YList`/`str` by our own walk, which is where the safety rules live: no tags, no anchors or aliases,
no duplicate keys. Every scalar stays text (`2022-13-01` included), so that `validate` can parse dates and
report a wrong one at its position. Every parser failure becomes a Problem with a 1-based line and column.
"""
from __future__ import annotations

import contextlib
import gc
import os
import re
from dataclasses import dataclass, field

import yaml

from .problems import ERROR, Problem, hint_for

try:  # the C composer is 3-4x faster; the pure one gives the same nodes and marks
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader


class _Loader(_BaseLoader):
    """The safe composer, resolving plain scalars only as "empty" or "text".

    We keep every scalar as text anyway; PyYAML's resolver ran a list of regular expressions in Python for
    each of them (profiled: a fifth of compose time at 10,000 demands). Explicit tags never reach here.
    """

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            return _NULL if implicit[0] and value in _NULL_WORDS else _STR
        return _MAP if kind is yaml.MappingNode else _SEQ


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

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_CORE = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
Pos = tuple[int, int]  # 1-based (line, column)
_NULL, _STR, _MAP, _SEQ = (_CORE + t for t in ("null", "str", "map", "seq"))
_NULL_WORDS = ("", "~", "null", "Null", "NULL")
_Scalar, _Sequence = yaml.ScalarNode, yaml.SequenceNode
# An anchor (&name) can only start a node: after white space, '[', '{', ',' or at the start of a line. A text
# without such an '&' has no anchors, hence no aliases, and the walk can skip tracking the nodes it has seen.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,])&", re.M)


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
    try:
        with gc_paused():
            node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        loaded.problems.append(_syntax_problem(path, text, exc))
        return loaded
    except yaml.YAMLError as exc:  # ReaderError: a control character, reported by character offset
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
    if node is None:
        return loaded
    walker = _Walker(path, check_aliases=_MAYBE_ANCHOR.search(text) is not None)
    with gc_paused():
        loaded.tree = walker.build(node)
    loaded.problems.extend(walker.problems)
    return loaded


class _Walker:
    """Turns composed nodes into YMap/YList/str, refusing tags, aliases and duplicate keys."""

    def __init__(self, path: str, check_aliases: bool = True):
        self.path = path
        self.problems: list[Problem] = []
        self.seen: set[int] | None = set() if check_aliases else None

    def build(self, node, used_at: Pos | None = None):
        # The hot loop of every command: positions are inlined and scalars handled first (profiled at 10,000 demands).
        seen = self.seen
        if seen is not None:
            if id(node) in seen:  # the composer hands an alias back as the very node it names
                line, column = used_at or _pos(node.start_mark)
                self.problems.append(_problem(self.path, line, column, "alias-not-allowed",
                                              "anchors and aliases (&name, *name) are not allowed"))
                return None
            seen.add(id(node))
        tag = node.tag
        if tag not in _PLAIN_TAGS:
            line, column = _pos(node.start_mark)
            self.problems.append(_problem(self.path, line, column, "tag-not-allowed",
                                          f"the tag '{tag.replace(_CORE, '!!')}' is not allowed"))
            return None
        kind = node.__class__
        if kind is _Scalar:
            return None if tag == _NULL and node.value in _NULL_WORDS else node.value
        start, end = node.start_mark, node.end_mark
        if kind is _Sequence:
            seq = YList((start.line + 1, start.column + 1), (end.line + 1, end.column + 1))
            item_pos = seq.item_pos
            for item in node.value:
                mark = item.start_mark
                at = (mark.line + 1, mark.column + 1)
                item_pos.append(at)
                if item.__class__ is _Scalar and item.tag in _PLAIN_TAGS and seen is None:
                    seq.append(None if item.tag == _NULL and item.value in _NULL_WORDS else item.value)
                else:
                    seq.append(self.build(item, at))
            return seq
        mapping = YMap((start.line + 1, start.column + 1), (end.line + 1, end.column + 1))
        key_pos, value_pos = mapping.key_pos, mapping.value_pos
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            key_at = (mark.line + 1, mark.column + 1)
            if key_node.__class__ is not _Scalar:
                self.problems.append(_problem(self.path, *key_at, "not-text", "a key must be a plain word"))
                continue
            key = key_node.value
            if key in mapping:
                first = key_pos[key][0]
                self.problems.append(_problem(self.path, *key_at, "duplicate-key",
                                              f"'{key}' appears twice in this block (first on line {first})"))
                continue
            key_pos[key] = key_at
            mark = value_node.start_mark
            value_pos[key] = (mark.line + 1, mark.column + 1)
            if value_node.__class__ is _Scalar and value_node.tag in _PLAIN_TAGS and seen is None:
                mapping[key] = None if value_node.tag == _NULL and value_node.value in _NULL_WORDS else value_node.value
            else:
                mapping[key] = self.build(value_node, key_at)
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
