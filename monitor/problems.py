"""Problems found in a data file, the catalogue of their codes, and the one formatter.

Validation never raises on bad data: every mistake becomes a Problem with a position, a stable code and a
hint that says what to write instead. The README's problem table is generated from CATALOGUE and a test
keeps the two in step.
"""
from __future__ import annotations

from dataclasses import dataclass

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
    text = f"{problem.path}:{problem.line}:{problem.column}: {problem.severity}: {problem.message}"
    if problem.hint:
        text += f" — {problem.hint}"
    return text


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in file order (line, then column), duplicates removed."""
    seen: set[Problem] = set()
    unique = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            unique.append(p)
    return sorted(unique, key=lambda p: (p.path, p.line, p.column))


class DataError(Exception):
    """Raised by library calls that need valid data and did not get it; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sort_problems(problems)
        super().__init__("\n".join(str(p) for p in self.problems if p.is_error) or "invalid data")


# code -> (severity, what it means, an example of the fix). The README's table is built from this.
CATALOGUE: dict[str, tuple[str, str, str]] = {
    "file-missing": (ERROR, "the data file does not exist or cannot be read", "check the path, or pass --file"),
    "file-too-large": (ERROR, "the file is larger than the limit", "keep it under 20 MB: move older resolutions into a second file"),
    "not-utf8": (ERROR, "the file is not UTF-8 text", "save it as UTF-8 in your editor"),
    "control-character": (ERROR, "an invisible control character is in the text", "delete it and retype the text"),
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
    "bad-url": (ERROR, "an address that is not http(s)", "write a full address starting with https://"),
    "unknown-demand": (ERROR, "`repeats` names a demand that does not exist", "use the id of an existing demand"),
    "repeats-not-earlier": (ERROR, "`repeats` names a demand of a resolution that is not earlier",
                            "link only to the same demand made by an earlier resolution"),
    "demand-removed": (ERROR, "a demand that was committed has been removed (monitor validate --against)",
                       "put it back; record what happened to it with a new history entry"),
    "history-removed": (ERROR, "a committed history entry has been removed (monitor validate --against)",
                        "put it back; to correct it, add a new entry at the end"),
    "history-rewritten": (ERROR, "a committed history entry has been edited or moved (monitor validate --against)",
                          "restore it as it was; to correct it, add a new entry at the end"),
    "missing-source": (WARNING, "a status change cites no source", "add a `sources:` list with an http(s) address"),
}


def hint_for(code: str) -> str:
    """The catalogue's hint for a code."""
    return CATALOGUE[code][2]
