"""Problems found in a data file: the one factory that makes them, the one formatter, and how they are collected.

Validation never raises on bad data: every mistake becomes a Problem with a position, a stable code and a
hint that says what to write instead. The codes and the wording of every message are in messages.py.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

from .errors import MonitorError
from .i18n import _
from .messages import CODES, ERROR, GIVEN, MESSAGES, NEAR, NUMBERS, code_of
from .words import list_separator, system_reason

Where = tuple[str, int, int]  # a file as shown to the user, and a 1-based line and column in it


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    severity: str
    code: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return format_problem(self)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def format_problem(problem: Problem) -> str:
    """`PATH:LINE:COLUMN: severity: message — hint`, the form editors and CI logs understand. A problem about the
    command line rather than a place in the file has line 0 and the command as its path: `monitor add: error: ...`.

    The severity stays `error` or `warning` in every language, like the code: editors, CI problem matchers and
    scripts find problems by `PATH:LINE:COL: error:`; the message and hint are in the reader's language."""
    from .chars import visible

    place = problem.path if problem.line == 0 else f"{problem.path}:{problem.line}:{problem.column}"
    text = f"{place}: {problem.severity}: {problem.message}"
    if problem.hint:
        text += f" — {problem.hint}"
    return visible(text)  # a value quoted in a message may hold what a terminal would act on


def sort_problems(problems: list[Problem]) -> "ProblemList":
    """Problems in file order (line, then column), duplicates removed; keeps the totals of a ProblemList."""
    seen: set[Problem] = set()
    unique = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            unique.append(p)
    unique.sort(key=lambda p: (p.path, p.line, p.column))
    result = ProblemList(unique)
    result.total = max(len(unique), getattr(problems, "total", 0))
    result.errors = max(sum(p.is_error for p in unique), getattr(problems, "errors", 0))
    return result


MAX_KEPT = 1000  # problems kept from one check; enough to fix a file, bounded for a file of nothing but errors


class ProblemList(list):
    """Problems in file order. `total` and `errors` count every problem found, also those beyond MAX_KEPT."""

    total: int = 0
    errors: int = 0

    @property
    def warnings(self) -> int:
        return self.total - self.errors

    @property
    def not_kept(self) -> int:
        return self.total - len(self)


class Findings:
    """Collects problems, keeping the MAX_KEPT first by position and counting the rest (bounded memory and time)."""

    def __init__(self, limit: int = MAX_KEPT) -> None:
        self.limit = limit
        self._heap: list = []  # (-line, -column, -seq, problem): the root is the last kept problem in file order
        self._seq = 0
        self._kept: set[Problem] = set()
        self.total = 0
        self.errors = 0

    def wants(self, line: int, column: int) -> bool:
        """False when a problem here would not be kept: callers skip building costly hints for it."""
        heap = self._heap
        return len(heap) < self.limit or (line, column) < (-heap[0][0], -heap[0][1])

    def report(self, message_id: str, where: Where, /, **values: object) -> None:
        """Add the problem `problem(message_id, where, **values)`, or, when it would not be kept, only count it."""
        if self.wants(where[1], where[2]):
            self.add(problem(message_id, where, **values))
        else:
            self.count(message_id)

    def count(self, message_id: str) -> None:
        """Count a problem that would not be kept, without making it."""
        self.total += 1
        self.errors += _IS_ERROR[message_id]

    def add(self, problem: Problem) -> None:
        if problem in self._kept:
            return
        self.total += 1
        self.errors += problem.severity == ERROR
        self._seq += 1
        item = (-problem.line, -problem.column, -self._seq, problem)
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, item)
        elif item[:3] > self._heap[0][:3]:
            self._kept.discard(heapq.heapreplace(self._heap, item)[3])
        else:
            return
        self._kept.add(problem)

    def absorb(self, problems: list[Problem]) -> None:
        """Add problems found earlier, counting those of a ProblemList that were not kept then."""
        for problem in problems:
            self.add(problem)
        if isinstance(problems, ProblemList):
            self.total += problems.total - len(problems)
            self.errors += problems.errors - sum(p.is_error for p in problems)

    def result(self) -> ProblemList:
        """The kept problems in file order, with the totals."""
        result = sort_problems([item[3] for item in sorted(self._heap, reverse=True)])
        result.total, result.errors = self.total, self.errors
        return result


def about_command(problem: Problem, command: str) -> Problem:
    """The same problem, reported against the command's options (`monitor update: ...`) instead of a position in
    the file: what the options would have written is not in the file the user can open."""
    import dataclasses

    return dataclasses.replace(problem, path=command, line=0, column=0)


class DataError(MonitorError):
    """Raised by library calls that need valid data and did not get it; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sort_problems(problems)
        super().__init__("\n".join(str(p) for p in self.problems if p.is_error) or _("invalid data"))


_IS_ERROR = {message_id: CODES[code_of(message_id)].severity == ERROR for message_id in MESSAGES}


def problem(message_id: str, where: Where, /, **values: object) -> Problem:
    """The one way to make a Problem: the catalogue's message `message_id` at `where`, filled with `values`.

    Its code is the part of the id before the dot, its severity the code's, its hint the message's or else the code's.
    The message and hint are in the language active now (i18n.use), filled as messages.py says.
    """
    entry = MESSAGES[message_id]
    code = code_of(message_id)
    shown = _Values((name, _shown(name, value)) for name, value in values.items())
    hint = _(CODES[code].hint) if entry.hint is None else _(entry.hint).format_map(shown) if entry.hint else ""
    path, line, column = where
    return Problem(path, line, column, CODES[code].severity, code, _(entry.text).format_map(shown), hint)


class _Values(dict):
    """A message's values, and those every message may use without being given them (messages.GIVEN)."""

    def __missing__(self, name: str) -> object:
        if name in GIVEN:
            return GIVEN[name]()
        raise KeyError(name)


def _shown(name: str, value: object) -> object:
    """A value as a message shows it: a list (or a dict's keys) as "a, b, c"; `near` as messages.NEAR says; a
    count as the language writes numbers; what the system said of a file in the reader's language."""
    if name == "near":
        return _(NEAR).format(word=value) if value else ""
    if isinstance(value, (list, tuple, dict)):  # a dict: its keys
        return list_separator().join(str(item) for item in value)
    if name in NUMBERS and isinstance(value, int):
        from .i18n import format_number

        return format_number(value)
    if name == "reason" and isinstance(value, str):
        return system_reason(value)
    return value
