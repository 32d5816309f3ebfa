"""The one rule for text: which characters are refused, what counts as a line, and how text is shown on a terminal.

Read by the loader (data), the editor (command options), the settings and the command line (output), so that
a control character is refused however it was written: raw, through a YAML escape (`"\\e"`), in an option or in
monitor.toml. A line ends with LF (or CRLF): the YAML parser also ends lines at a lone CR, NEL, U+2028 and
U+2029, so those are refused in data files, and then the parser and the splicer count the same lines.
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Iterator

from .i18n import N_, _

# C0 controls except tab and line feed, DEL, C1 controls (NEL among them), and the Unicode line and paragraph
# separators. Tab and LF are ordinary in multi-line text (a `|` block, a quoted "\n").
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# In a file: a CR that does not start a CRLF, NEL, LS, PS: line breaks for YAML, not for git, diff or editors.
_FOREIGN_LINE_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
# What a terminal could act on (escape sequences, a bell, a carriage return rewriting the line) or that would
# reorder the rest of the line (bidirectional overrides and isolates).
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_LINE_NAMES = {"\r": N_("a carriage return (CR) without a line feed"), "\x85": N_("the line break U+0085 (NEL)"),
               "\u2028": N_("the line separator U+2028"), "\u2029": N_("the paragraph separator U+2029")}


has_refused = _REFUSED.search  # the fast test, for every scalar of a file


def first_refused(text: str) -> tuple[int, str] | None:
    """(index, character) of the first character refused in data, options and settings, or None."""
    match = _REFUSED.search(text)
    return (match.start(), match.group()) if match else None


def describe(char: str) -> str:
    """A refused character's name for a message, in the reader's language: `the invisible control character
    U+001B`, `a byte that is not UTF-8 text`."""
    if "\ud800" <= char <= "\udfff":
        return _("a byte that is not UTF-8 text")
    return _("the invisible control character U+{code}").format(code=f"{ord(char):04X}")


def describe_line_break(char: str) -> str:
    """A foreign line break's name for a message, in the reader's language: `a carriage return (CR) without a line
    feed`, ..."""
    return _(_LINE_NAMES[char])


def foreign_line_breaks(text: str) -> Iterator[tuple[int, str]]:
    """(offset, character) of each line break that is not LF or CRLF, in order."""
    if "\x85" not in text and "\u2028" not in text and "\u2029" not in text \
            and text.count("\r") == text.count("\r\n"):
        return  # the usual case, found by fast substring counts (the regular expression: 0.14 s at 16 MB)
    for match in _FOREIGN_LINE_BREAK.finditer(text):
        yield match.start(), match.group()


def line_starts(text: str) -> array:
    """The offset at which each line starts: the one definition of a line (LF-terminated; CRLF ends at its LF)."""
    starts = array("q", [0])
    find, at = text.find, text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = find("\n", at + 1)
    return starts


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of a character offset, lines as `line_starts` counts them."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control, separator and direction character shown as `\\x1b` / `\\u2028` (for a terminal)."""

    def show(match: re.Match) -> str:
        code = ord(match.group())
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as Python keeps it (surrogateescape)
            return f"\\x{code - 0xDC00:02x}"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    pattern = _INVISIBLE if keep_newlines else _INVISIBLE_OR_NEWLINE
    return pattern.sub(show, text)


_INVISIBLE_OR_NEWLINE = re.compile(_INVISIBLE.pattern[:-1] + "\n]")
