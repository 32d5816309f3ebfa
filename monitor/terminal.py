"""What monitor writes to a terminal: control characters made visible, and problems listed (the first ones).

`cli.main` wraps stdout and stderr in VisibleText for the length of a command; every command that meets invalid
data lists its problems with print_problems.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `typing` costs ~6 ms at start-up; every command starts here
    from collections.abc import Sequence
    from typing import Any, TextIO


class VisibleText:
    """A terminal stream that shows control characters as `\\x1b` instead of passing them to the terminal.

    Everything `monitor` prints goes through it (messages quote the user's values, argparse quotes the command
    line): an escape sequence in a value could otherwise retitle the window or write to the clipboard.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        from .chars import visible

        return self.stream.write(visible(text, keep_newlines=True))

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding...: those of the real stream
        return getattr(self.stream, name)


MAX_SHOWN = 200  # problems printed by one command: a file of errors is fixed from the top, not read in full


def print_problems(problems: Sequence[Any], stream: TextIO) -> None:
    """The first MAX_SHOWN problems, one per line, then how many more there are (in the active language)."""
    for problem in problems[:MAX_SHOWN]:
        print(problem, file=stream)
    more = max(getattr(problems, "total", len(problems)), len(problems)) - min(len(problems), MAX_SHOWN)
    if more > 0:
        from .i18n import counted

        print(counted(more, "... and {count} more problem — fix the ones above first, then run monitor validate again",
                      "... and {count} more problems — fix the ones above first, then run monitor validate again"),
              file=stream)
