"""Parser events -> a tree of YMap/YList/str that remembers where each value stands: where the safety rules live.

No tags of any kind, no anchors or aliases, no duplicate keys, no control character (raw or escaped) and no
nesting deeper than MAX_DEPTH: each becomes a Problem where it stands, and the value is left out. Every scalar
stays text (`2022-13-01` included), so that `validate` can parse dates and report a wrong one at its position.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import yaml

from .chars import describe, first_refused, has_refused, visible
from .problems import Findings, problem
from .suggest import shorten

MAX_DEPTH = 64  # a register is 5 levels deep; deeper nesting is refused before Python's recursion limit
_CORE = "tag:yaml.org,2002:"
_QUOTED = ("'", '"')
_NULL_WORDS = ("", "~", "null", "Null", "NULL")
Pos = tuple[int, int]  # 1-based (line, column)
# keys whose plain value is prose: a ` #` after it is almost surely part of the text, not a comment
PROSE_KEYS = frozenset(("title", "addressee", "person", "demand", "text", "private_notes", "note"))
# plain (unquoted) values that other YAML parsers read as something else than text: editors with a YAML 1.2
# parser read numbers and true/false; YAML 1.1 parsers (PyYAML, Ruby's, older libraries) also yes/no/on/off
_NUMBER = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+"
                     r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)\Z")
_TRUE_FALSE = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))
_YES_NO = frozenset(("yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"))
_TYPED_START = frozenset("0123456789+-.tTfFyYnNoO")


def typed_kind(value: str) -> str:
    """What other YAML parsers read this plain value as: "number", "true-false", "yes-no", or "" (text)."""
    if not value or value[0] not in _TYPED_START:
        return ""
    if value in _TRUE_FALSE:
        return "true-false"
    if value in _YES_NO:
        return "yes-no"
    return "number" if _NUMBER.fullmatch(value) else ""


class YMap(dict):
    """A mapping from the file, with the positions of its keys and values."""

    __slots__ = ("pos", "end", "last_line", "key_pos", "value_pos", "typed")

    def __init__(self, pos: Pos, end: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.end = end
        self.last_line = pos[0]  # where its last plain or quoted value ends (a quoted one may end less indented)
        self.key_pos: dict[str, Pos] = {}
        self.value_pos: dict[str, Pos] = {}
        self.typed: dict[str, str] = {}  # key -> typed_kind of its unquoted value, for values that are not text


class YList(list):
    """A list from the file, with the position of each item."""

    __slots__ = ("pos", "end", "last_line", "item_pos", "typed")

    def __init__(self, pos: Pos, end: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.end = end
        self.last_line = pos[0]
        self.item_pos: list[Pos] = []
        self.typed: dict[int, str] = {}  # index -> typed_kind of an unquoted item that is not text


Node = YMap | YList | str | None  # what a value in the file becomes


_ScalarEvent, _AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
_MappingStart, _MappingEnd = yaml.MappingStartEvent, yaml.MappingEndEvent
_SequenceStart, _SequenceEnd = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_DocumentStart = yaml.DocumentStartEvent


class Builder:
    """Builds YMap/YList/str straight from the parser's events, refusing tags, anchors, aliases, duplicate keys.

    Building from events rather than from composed nodes never holds PyYAML's node tree (profiled at 10,000
    demands: about 250 MB) and reports an alias where it is used and an anchor where it is declared.
    """

    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self.text = text if "#" in text else ""  # only needed to find a comment after a value
        self.found = Findings()
        self.depth = 0
        self.last_line = 1  # the line on which the last flow (plain or quoted) scalar ends

    def _add(self, message_id: str, at: Pos, **values: object) -> None:
        self.found.add(problem(message_id, (self.path, *at), **values))

    def stream(self, events: Iterable[Any]) -> Node:
        """The tree of the file's one document (a second document is a problem)."""
        it = iter(events)
        tree = None
        documents = 0
        for event in it:
            if event.__class__ is _DocumentStart:
                documents += 1
                if documents > 1:
                    self._add("syntax.second-document", _pos(event.start_mark))
                    for _ in it:  # the parser still checks the rest for syntax errors
                        pass
                    break
                tree = self.node(next(it), it)
        return tree

    def refuse(self, event: Any) -> None:
        """Record a problem for an anchor or an explicit tag (any tag, `!!str` included) on this event."""
        at = _pos(event.start_mark)
        if event.anchor is not None:
            self._add("alias-not-allowed.anchor", at, name=event.anchor)
        if event.tag is not None:
            self._add("tag-not-allowed", at, tag=event.tag.replace(_CORE, "!!"))

    def scalar(self, event: Any) -> str | None:
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
            self._add("control-character.escaped", _pos(event.start_mark), what=describe(char), escape=visible(char))
            return None
        return None if event.implicit[0] and value in _NULL_WORDS else value

    def comment_after(self, key: str, value: str, end: Any) -> None:
        """Warn when ` #` follows a plain prose value on its line: YAML left the text after it out of the value.

        However many spaces stand before the `#` (`note: See report  #3` is cut as surely as with one): a remark
        about a prose value goes on its own line above it, where nothing can be mistaken for part of the value.
        """
        if self.text[end.index: end.index + 1] not in (" ", "\t"):  # nearly every value ends at its line break
            return
        stop = self.text.find("\n", end.index)
        rest = self.text[end.index: stop if stop >= 0 else None]  # both parsers count in characters of the text
        if not rest.lstrip(" \t").startswith("#"):
            return
        column = end.column + len(rest) - len(rest.lstrip(" \t"))
        whole = (value if len(value) <= 30 else "…" + value[-29:]) + " " + shorten(rest.strip(), 30)
        quoted = "'" + whole.replace("'", "''") + "'" if '"' in whole else '"' + whole.replace("\\", "\\\\") + '"'
        self._add("cut-by-comment", (end.line + 1, column + 1), key=key, quoted=quoted)

    def node(self, event: Any, it: Iterator[Any]) -> Node:
        kind = event.__class__
        if kind is _ScalarEvent:
            return self.scalar(event)
        if kind is _AliasEvent:
            self._add("alias-not-allowed", _pos(event.start_mark), name=event.anchor)
            return None
        start = event.start_mark
        if self.depth >= MAX_DEPTH:
            self._add("too-deep", _pos(start), limit=MAX_DEPTH)
            _skip_subtree(it)
            return None
        refused = event.anchor is not None or event.tag is not None
        if refused:
            self.refuse(event)
        self.depth += 1
        pos = (start.line + 1, start.column + 1)
        built: Node = self.sequence(pos, it) if kind is _SequenceStart else self.mapping(pos, it)
        self.depth -= 1
        return None if refused else built

    def sequence(self, pos: Pos, it: Iterator[Any]) -> YList:
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
                if value and value[0] in _TYPED_START:
                    typed = typed_kind(value)
                    if typed:
                        seq.typed[len(seq) - 1] = typed
            else:
                append(self.scalar(event) if kind is _ScalarEvent else self.node(event, it))
        return seq

    def mapping(self, pos: Pos, it: Iterator[Any]) -> YMap:
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
                self._add("not-text.key", key_at)
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
                self._add("duplicate-key", key_at, key=key, first=key_pos[key][0])
                continue
            key_pos[key] = key_at
            mark = value_event.start_mark
            value_pos[key] = (mark.line + 1, mark.column + 1)
            if value_event.__class__ is _ScalarEvent and not value_event.style and value_event.anchor is None \
                    and value_event.tag is None and not has_refused(value_event.value):  # the common case, inline
                value = value_event.value
                mapping[key] = None if value_event.implicit[0] and value in _NULL_WORDS else value
                if value and value[0] in _TYPED_START:
                    kind = typed_kind(value)
                    if kind:
                        mapping.typed[key] = kind
                if self.text and key in PROSE_KEYS and value:
                    self.comment_after(key, value, value_event.end_mark)
            else:
                mapping[key] = self.scalar(value_event) if value_event.__class__ is _ScalarEvent \
                    else self.node(value_event, it)
        return mapping


def _skip_subtree(it: Iterator[Any]) -> None:
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


def _pos(mark: Any) -> Pos:
    return mark.line + 1, mark.column + 1
