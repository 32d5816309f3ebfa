"""Problems found in a data file, the catalogue of their codes, and the one formatter.

Validation never raises on bad data: every mistake becomes a Problem with a position, a stable code and a
hint that says what to write instead. The README's problem table is generated from CATALOGUE and a test
keeps the two in step.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

from .errors import MonitorError

ERROR = "error"
WARNING = "warning"


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
    """`PATH:LINE:COLUMN: severity: message — hint`, the form editors and CI logs understand."""
    from .chars import visible

    text = f"{problem.path}:{problem.line}:{problem.column}: {problem.severity}: {problem.message}"
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

    def __init__(self, limit: int = MAX_KEPT):
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

    def report(self, path: str, line: int, column: int, code: str, message: str, hint: str | None = None) -> None:
        """Add a problem, or, when it would not be kept, only count it (without building it)."""
        if self.wants(line, column):
            self.add(problem(path, line, column, code, message, hint))
        else:
            self.total += 1
            self.errors += severity_of(code) == ERROR

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


class DataError(MonitorError):
    """Raised by library calls that need valid data and did not get it; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sort_problems(problems)
        super().__init__("\n".join(str(p) for p in self.problems if p.is_error) or "invalid data")


# code -> (severity, what it means, an example of the fix). The README's table is built from this.
CATALOGUE: dict[str, tuple[str, str, str]] = {
    "file-missing": (ERROR, "the data file does not exist or cannot be read", "check the path, or pass --file"),
    "file-too-large": (ERROR, "the file is larger than the limit", "keep it under 20 MB: move older resolutions into a second file"),
    "not-utf8": (ERROR, "the file is not UTF-8 text", "save it as UTF-8 in your editor"),
    "not-a-file": (ERROR, "the data file is a folder, a named pipe or a device", "give the path of a .yaml file"),
    "control-character": (ERROR, "an invisible control character is in the text (raw or as an escape like \\e)",
                          "delete it and retype the text"),
    "line-break-character": (ERROR, "a line break other than the usual one (a lone CR, NEL, U+2028 or U+2029), "
                             "usually pasted from a web page or a PDF",
                             "delete the invisible character, or retype the text around it"),
    "too-deep": (ERROR, "lists and blocks nested more than 64 levels deep", "a register needs at most 5 levels"),
    "tab-indent": (ERROR, "a tab is used for indentation", "indent with spaces only"),
    "syntax": (ERROR, "the YAML cannot be read (indentation, a missing colon, an unclosed quote)",
               "line the key up with the keys above it, and close quotes"),
    "tag-not-allowed": (ERROR, "a YAML tag (`!!python/...`, `!tag`) is used", "remove the tag; write plain text"),
    "alias-not-allowed": (ERROR, "a YAML anchor or alias (`&name`, `*name`) is used", "write the value out in full"),
    "duplicate-key": (ERROR, "the same key appears twice in one block", "keep one of them"),
    "not-a-mapping": (ERROR, "a block of `key: value` lines was expected", "write `key: value` lines"),
    "not-a-list": (ERROR, "a list (lines starting with `- `) was expected", "write each item on a line starting with `- `"),
    "not-text": (ERROR, "a single value was expected here", "write plain text after the colon"),
    "missing-key": (ERROR, "a required key is missing", "add the key with its value"),
    "unknown-key": (ERROR, "a key that the file format does not know", "check its spelling, or remove it"),
    "empty-value": (ERROR, "a required value is empty", "write the value after the colon"),
    "bad-id": (ERROR, "an id that is not a lower-case slug", "use a-z, 0-9 and '-', e.g. kozlov-release-2013"),
    "duplicate-id": (ERROR, "two items have the same id", "give one of them another id"),
    "unknown-resolution": (ERROR, "a demand names a resolution that is not in `resolutions:`",
                           "use one of the resolution ids"),
    "unknown-topic": (ERROR, "a topic that is not in the `topics:` list", "use one of the topics, or add it to `topics:`"),
    "unknown-status": (ERROR, "a status that is not one of the six", "write one of the six statuses"),
    "bad-date": (ERROR, "a value that is not a real date", "write YYYY-MM-DD, e.g. 2022-01-13"),
    "future-date": (ERROR, "a date after today", "enter events only once they have happened"),
    "date-before-adoption": (ERROR, "a history date before the resolution was adopted",
                             "use a date on or after the adoption date"),
    "history-order": (ERROR, "history entries are not in date order", "put the entries oldest first"),
    "empty-history": (ERROR, "a demand has no history entries", "add a first entry: the adoption date, status pending"),
    "bad-url": (ERROR, "an address that is not http(s)", "write a full address starting with https:// (or http://)"),
    "unknown-demand": (ERROR, "`repeats` names a demand that does not exist", "use the id of an existing demand"),
    "repeats-not-earlier": (ERROR, "`repeats` names a demand of a resolution that is not earlier",
                            "link only to the same demand made by an earlier resolution"),
    "demand-removed": (ERROR, "a demand that was committed has been removed (monitor validate --against)",
                       "put it back; record what happened to it with a new history entry"),
    "history-removed": (ERROR, "a committed history entry has been removed (monitor validate --against)",
                        "put it back; to correct it, add a new entry at the end"),
    "history-rewritten": (ERROR, "a committed history entry has been edited or moved (monitor validate --against)",
                          "restore it as it was; to correct it, add a new entry at the end"),
    "read-only": (ERROR, "`monitor update` or `add` was asked to change a read-only file",
                  "nothing was written; make the file writable (chmod u+w FILE) if you mean to change it"),
    "cannot-write": (ERROR, "the file or its folder cannot be written (permissions, a full disk)",
                     "nothing was written; free some space or fix the folder's permissions, then run it again"),
    "unsafe-edit": (ERROR, "`monitor update` or `add` could not make the change without altering something else",
                    "nothing was written; add it in your editor instead, and report the case with the file"),
    "missing-source": (WARNING, "a status change cites no source", "add a `sources:` list with an http(s) address"),
}


def hint_for(code: str) -> str:
    """The catalogue's hint for a code."""
    return CATALOGUE[code][2]


def severity_of(code: str) -> str:
    """The catalogue's severity for a code: error, or warning (which alone does not fail a command)."""
    return CATALOGUE[code][0]


def problem(path: str, line: int, column: int, code: str, message: str, hint: str | None = None) -> Problem:
    """The one way to make a Problem: its severity is the code's, and the hint the code's unless one is given."""
    return Problem(path, line, column, severity_of(code), code, message, hint_for(code) if hint is None else hint)
