"""What the commands do, for the command line and the scheduler alike: arguments in, a result or a MonitorError out.

`cli.py` parses arguments, calls one of these and prints what it returns; `schedule.py`'s jobs call the same
functions (`digest_of`, `write_reports`, `retry_outbox`). Nothing here prints or exits. `as_of` is the one
"today" of every command. (update and add are edit.add_entry and edit.add_demand.)
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import MonitorError
from .model import Register

if TYPE_CHECKING:
    from .settings import Settings
    from .view import View


class ReportsNotWritten(MonitorError):
    """The reports could not be written (a full disk, a link or a name too long, a folder we may not write)."""


class DigestNotWritten(MonitorError):
    """The digest's files could not be written (a pipe or a folder where a file goes, a folder we may not write)."""


class NoSuchResolution(MonitorError):
    """A command named a resolution the register does not have: wrong usage."""

    exit_code = 2


class BadDays(MonitorError):
    """--as-of after today, or --since not before the day shown: wrong usage."""

    exit_code = 2


def view_of(data_path: str | os.PathLike, *, today: dt.date, as_of: dt.date | None = None,
            since: dt.date | None = None) -> View:
    """What a report or overview shows: the register as of `as_of` (default today), changes since `since`."""
    from .view import View, cite  # noqa: F811  (at run time, not only for the type checker)

    shown = as_of or today
    if shown > today:
        raise BadDays(f"--as-of {shown} is after today ({today}) — give a day that has passed")
    if since is not None and since >= shown:
        raise BadDays(f"--since {since} is not before {shown}, the day the report shows — give an earlier day")
    return View(as_of=shown, since=since, past=shown < today, source=cite(data_path))


def as_of(data_path: str | os.PathLike, given: dt.date | None, *, now: dt.datetime | None = None) -> dt.date:
    """The day a command works as of: `--today` when given, else today in the settings' time zone (settings.today)."""
    from .settings import timezone_of, today

    return given or today(timezone_of(data_path), now=now)


def load_valid(data_path: str | os.PathLike, *, today: dt.date | None, compact: bool = True) -> Register:
    """The register in the data file; DataError with every problem when it is not valid.

    `compact`: for commands that go on to heavy work (reports, digests): see memory.py.
    """
    from . import validate_file
    from .problems import DataError

    register, problems = validate_file(data_path, today=today, compact=compact)
    if register is None:
        raise DataError(problems)
    return register


def write_reports(register: Register, out: str, *, today: dt.date | None = None,
                  view: View | None = None) -> list[Path]:
    """Every report written into `out` together; ReportsNotWritten, with the previous reports left as they were."""
    from .report import write_reports as write_all
    from .store import DiskFull, NameTooLong, UnsafeTarget

    unchanged = f"the previous reports in {out}/ are unchanged"
    try:
        return write_all(register, out, today=today, view=view)
    except DiskFull as exc:
        raise ReportsNotWritten(f"the disk is full: cannot write to {exc.filename} — {unchanged}; free some space "
                                "(or choose a folder on another disk with --out) and run it again") from None
    except NameTooLong as exc:
        name = os.path.basename(exc.filename or "")
        shown = name if len(name) <= 60 else f"{name[:40]}…{name[-12:]} ({len(name)} characters)"
        raise ReportsNotWritten(f"cannot write the report {shown}: the name is too long for this disk — "
                                f"{unchanged}; give the resolution a shorter id in the data file (each "
                                "resolution's page is named after its id)") from None
    except UnsafeTarget as exc:
        raise ReportsNotWritten(f"cannot write the reports to {out}/: {exc.strerror} — {unchanged}; delete or move "
                                f"{exc.filename}, or choose another folder with --out") from None
    except OSError as exc:  # a folder we may not write to, a workbook held open on Windows
        raise ReportsNotWritten(f"cannot write the reports to {out}/: {exc.strerror or exc} — the previous "
                                "reports are unchanged; choose another folder with --out, or close the workbook "
                                "if it is open") from None


def report(data_path: str | os.PathLike, out: str, *, today: dt.date, as_of: dt.date | None = None,
           since: dt.date | None = None) -> list[Path]:
    """`monitor report`: the valid register's reports written into `out`, as it stood at the end of `as_of`
    (default today), with what changed since `since`. The data is validated against the real today."""
    view = view_of(data_path, today=today, as_of=as_of, since=since)
    return write_reports(_shown(load_valid(data_path, today=today), view), out, view=view)


def status(data_path: str | os.PathLike, *, resolution: str | None, today: dt.date, as_of: dt.date | None = None,
           since: dt.date | None = None) -> str:
    """`monitor status`: the overview as text, for all resolutions or for one, as of a day, changes since another."""
    from .render.text import render_status

    view = view_of(data_path, today=today, as_of=as_of, since=since)
    register = _shown(load_valid(data_path, today=today), view)
    if resolution and resolution not in {r.id for r in register.resolutions}:
        raise NoSuchResolution(f"there is no resolution '{resolution}'{' on ' + str(view.as_of) if view.past else ''}"
                               " — use one of: " + (", ".join(r.id for r in register.resolutions) or "(none yet)"))
    return render_status(register, resolution_id=resolution, today=view.as_of, since=view.since)


def _shown(register: Register, view: View) -> Register:
    """The register as the view shows it: cut at its day when that day has passed."""
    from .view import register_as_of

    return register_as_of(register, view.as_of) if view.past else register


@dataclass(frozen=True)
class Checked:
    """What `monitor validate` found: the problems in file order, and why the history could not be checked, if so."""

    problems: list
    unchecked: str | None = None

    @property
    def errors(self) -> int:
        return max(sum(p.is_error for p in self.problems), getattr(self.problems, "errors", 0))

    @property
    def warnings(self) -> int:
        return max(len(self.problems), getattr(self.problems, "total", 0)) - self.errors


def validate(data_path: str | os.PathLike, *, today: dt.date | None, against: str | None = None,
             staged: bool = False) -> Checked:
    """`monitor validate`: every problem of the file (or of its staged version), and with `against` every past
    status removed or rewritten since that git revision."""
    from . import validate_file
    from .guard import HistoryUnchecked, check_history_kept, validate_staged
    from .problems import sort_problems

    problems: list = []
    try:
        if staged:  # what `git commit` will record, not the working file
            register, problems = validate_staged(data_path, today=today)
        else:
            register, problems = validate_file(data_path, today=today)
        if against is not None and register is not None:
            problems = sort_problems(problems + check_history_kept(data_path, against, staged=staged))
    except HistoryUnchecked as exc:  # what was found so far, then why the rest cannot be checked
        return Checked(problems, unchecked=str(exc))
    return Checked(problems)


@contextlib.contextmanager
def _digest_files(out: str):
    """The digest's files and state as plain messages: a pipe where a file goes, a folder we may not write."""
    from .readfile import NotARegularFile

    try:
        yield
    except NotARegularFile as exc:
        raise DigestNotWritten(f"{exc.path}: {exc.strerror} — remove or rename it, or choose another folder with "
                               "--out") from None
    except OSError as exc:
        raise DigestNotWritten(f"cannot write the digest to {out}/digests/: {exc.strerror or exc} — choose another "
                               "folder with --out") from None


def digest(data_path: str | os.PathLike, out: str, *, since: dt.date | None, send: bool, today: dt.date) -> str:
    """`monitor digest`: what changed, saved in `out`/digests/ and with `send` emailed; the summary for the user."""
    from .settings import load_settings

    with _digest_files(out):
        settings = load_settings(data_path)
        register = load_valid(data_path, today=today)
    return digest_of(register, settings, out, since=since, send=send, today=today)


def digest_of(register: Register, settings: Settings, out: str, *, since: dt.date | None, send: bool,
              today: dt.date) -> str:
    """`digest` for a register already loaded: the weekly job refreshes the reports from the same one."""
    from .digest import run_digest

    with _digest_files(out):
        return run_digest(register, settings, out_dir=out, since=since, send=send, today=today)


def retry_outbox(settings: Settings) -> str:
    """The scheduler's retry job: deliver the digests waiting in the outbox; what happened, or '' when none waits."""
    from .delivery_report import send_waiting

    return send_waiting(settings)


def digest_status(data_path: str | os.PathLike, out: str) -> str:
    """`monitor digest --status`: the last digests and what happened to each recipient."""
    from .delivery_report import digest_status as describe
    from .settings import load_settings

    with _digest_files(out):
        return describe(load_settings(data_path))


def resend(data_path: str | os.PathLike, out: str, message_id: str, to: str | None) -> tuple[bool, str]:
    """`monitor digest --resend`: (whether everyone asked for now has it, what happened in words)."""
    from .delivery_report import resend as send_again
    from .settings import load_settings

    with _digest_files(out):
        delivery, said = send_again(load_settings(data_path), message_id, to)
    return not (delivery.waiting or delivery.failed or delivery.in_doubt), said


# -- monitor import -----------------------------------------------------------------------------------------------

class ImportUsage(MonitorError):
    """`monitor import` named an id it cannot use (a new id already taken, or not a slug): wrong usage."""

    exit_code = 2


@dataclass(frozen=True)
class Imported:
    """What `monitor import --resolution` found: the report to show, and the values --write would set."""

    report: str
    changes: dict  # demand id -> {key: new value, or None to remove the key}


def import_check(data_path: str | os.PathLike, file: str | None, *, resolution: str, url: str | None,
                 today: dt.date) -> Imported:
    """`monitor import FILE --resolution ID`: each demand's paragraph in the text, those found nowhere, the calls
    no demand tracks, and the changes --write would make (confident matches only)."""
    from .importer import show
    from .importer.match import POSSIBLE, Match, best_match, untracked

    register = load_valid(data_path, today=today)
    chosen = _resolution_named(register, resolution)
    document, parts = _read_text(file, url or (None if file else chosen.url or None))
    demands = register.demands_of(chosen.id)
    best = {d.id: best_match(d.id, d.text, parts.paragraphs) for d in demands}
    matches = [m if m.confidence >= POSSIBLE else Match(m.demand_id, None, m.confidence, None) for m in best.values()]
    lines = show.describe(document, parts) + show.reference_warning(parts, chosen)
    lines.append(f"Resolution {chosen.id}: {len(demands)} demands")
    lines += show.match_lines(demands, matches, best) + show.untracked_lines(untracked(parts.paragraphs, matches),
                                                                              [m for m in matches if m.possible])
    lines.append(show.legend())
    changes: dict = {}
    for demand, match in zip(demands, matches):
        agrees = not demand.paragraph_checked or demand.paragraph == match.paragraph
        if match.confident and agrees and (demand.paragraph != match.paragraph or demand.text != match.words):
            changes[demand.id] = {"paragraph": match.paragraph, "text": match.words,
                                  **({"quoted_from": None} if demand.quoted_from else {})}
    lines.append(f"Confident matches --write sets (paragraph and adopted words): {', '.join(changes)}" if changes
                 else "Nothing for --write to set: no confident match differs from the file.")
    return Imported("\n".join(lines) + "\n", changes)


def import_new(data_path: str | os.PathLike, file: str | None, *, new_id: str, url: str | None,
               adopted: dt.date | None, dry_run: bool, today: dt.date) -> str:
    """`monitor import FILE --new ID`: a drafted resolution block and its demands, appended to the data file
    (with `dry_run`: the lines it would append)."""
    from .edit import append_drafts, preview_drafts
    from .fields import is_id
    from .importer.draft import draft

    register = load_valid(data_path, today=today)
    if not is_id(new_id):
        raise ImportUsage(f"--new '{new_id}' is not an id — use a-z, 0-9 and '-', e.g. 2024 or kazakhstan-2024")
    if new_id in {r.id for r in register.resolutions}:
        raise ImportUsage(f"there is already a resolution '{new_id}' — choose another id for --new, or check its "
                          f"demands with: monitor import FILE --resolution {new_id}")
    if not file and not url:
        raise ImportUsage("give the text's FILE or --url ADDRESS")
    document, parts = _read_text(file, url)
    day = adopted or parts.adopted
    if day is None:
        raise ImportUsage(f"{document.name}: no adoption date is printed in the text — give it with "
                          "--adopted YYYY-MM-DD")
    made = draft(parts, resolution_id=new_id, source=document.name, adopted=day, url=url, topics=list(register.topics),
                 used_ids={d.id for d in register.demands}, today=today)
    args = (made.resolution, made.demands, made.notes)
    if dry_run:
        with open(data_path, encoding="utf-8-sig", newline="") as file_now:  # line endings as they are
            before = file_now.read()
        return _added_lines(before, preview_drafts(data_path, *args, today=today))
    return append_drafts(data_path, *args, today=today,
                         summary=f"added resolution {new_id} and {len(made.demands)} drafted demands, from "
                                 f"{document.name}: review them (the comments above them say what to check)")


def _resolution_named(register: Register, resolution: str):  # -> Resolution
    """The resolution with this id; NoSuchResolution naming the nearest ids otherwise."""
    import difflib

    ids = [r.id for r in register.resolutions]
    if resolution in ids:
        return register.resolution(resolution)
    near = difflib.get_close_matches(resolution, ids, n=3, cutoff=0.4)
    raise NoSuchResolution(f"there is no resolution '{resolution}' — "
                           + (f"did you mean {', '.join(near)}? " if near else "")
                           + "use one of: " + (", ".join(ids) or "(none yet)")
                           + f"; to add a new one, use --new {resolution}")


def _read_text(file: str | None, url: str | None):  # -> tuple[Document, Parts]
    """The document from FILE or --url, and its parts; ImportRefused with what to do otherwise."""
    from .importer import ImportRefused
    from .importer.document import MAX_BYTES, read_document
    from .importer.fetch import download
    from .importer.parts import read_parts
    from .readfile import TooLarge, read_with_status

    if file:
        try:
            data, _ = read_with_status(file, MAX_BYTES)
        except TooLarge as exc:
            size = f"{exc.size:,} bytes" if exc.size else "larger than that"
            raise ImportRefused(f"{file}: the file is {size}, more than the limit of {MAX_BYTES:,} — save only "
                                "the adopted text's page or its PDF") from None
        except OSError as exc:
            raise ImportRefused(f"{file}: cannot read it ({exc.strerror or exc})") from None
        name = file
    elif url:
        data, name = download(url), url
    else:
        raise ImportUsage("the resolution has no url: in the data file — give the text's FILE or --url ADDRESS")
    document = read_document(data, name)
    return document, read_parts(document.text, name)


def _added_lines(before: str, after: str) -> str:
    """The lines `after` adds to `before`, each run of them after a "…" line."""
    import difflib

    a, b = before.splitlines(), after.splitlines()
    out = []
    for op, _, _, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("insert", "replace"):
            out += ["…"] + b[j1:j2]
    return "\n".join(out) + "\n"


def import_write(data_path: str | os.PathLike, changes: dict, *, today: dt.date) -> str:
    """`monitor import --write`: the confident matches' paragraph and adopted words written (quoted_from dropped)
    through edit.py's proven path; what was written, in one line."""
    from .edit import set_demand_values

    if not changes:
        return "--write: nothing to write (no confident match changes a demand)"
    return set_demand_values(data_path, changes, today=today,
                             summary=f"wrote the paragraph and adopted words of {len(changes)} demand(s) to "
                                     f"{data_path}: {', '.join(changes)}")
