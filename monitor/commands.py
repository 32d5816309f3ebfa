"""What the commands do, for the command line and the scheduler alike: arguments in, a result or a MonitorError out.

`cli.py` parses arguments, calls one of these and prints what it returns; `schedule.py`'s jobs call the same
functions (`digest_of`, `write_reports`, `retry_outbox`). Nothing here prints or exits. `as_of` is the one
"today" of every command. (update and add are edit.add_entry and edit.add_demand.)
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import MonitorError
from .i18n import _
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
            since: dt.date | None = None, include_private: bool = False) -> View:
    """What a report or overview shows: the register as of `as_of` (default today), changes since `since`, and
    private material only when asked."""
    from .view import View, cite  # noqa: F811  (at run time, not only for the type checker)

    shown = as_of or today
    if shown > today:
        raise BadDays(_("--as-of {day} is after today ({today}) — give a day that has passed").format(
            day=shown, today=today))
    if since is not None and since >= shown:
        raise BadDays(_("--since {since} is not before {day}, the day the report shows — give an earlier day").format(
            since=since, day=shown))
    return View(as_of=shown, since=since, past=shown < today, source=cite(data_path), private=include_private)


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


def write_reports(register: Register, out: str, *, today: dt.date | None = None, view: View | None = None,
                  languages: tuple[str, ...] = ()) -> list[Path]:
    """Every report written into `out` together (in several languages, each in its own folder `out`/CODE/, with a
    page to choose one); ReportsNotWritten, with the previous reports left as they were."""
    from .i18n import _
    from .report import write_reports as write_all
    from .store import DiskFull, NameTooLong, UnsafeTarget
    from .view import public

    private = view is not None and view.private
    try:  # what is for the team only is left out here, the one door to the reports, unless the view includes it
        return write_all(register if private else public(register), out, today=today, view=view, languages=languages)
    except DiskFull as exc:
        raise ReportsNotWritten(_(
            "the disk is full: cannot write to {file} — the previous reports in {folder}/ are unchanged; free some "
            "space (or choose a folder on another disk with --out) and run it again").format(
                file=exc.filename, folder=out)) from None
    except NameTooLong as exc:
        name = os.path.basename(exc.filename or "")
        shown = name if len(name) <= 60 else _("{start}…{end} ({count} characters)").format(
            start=name[:40], end=name[-12:], count=len(name))
        raise ReportsNotWritten(_(
            "cannot write the report {name}: the name is too long for this disk — the previous reports in {folder}/ "
            "are unchanged; give the resolution a shorter id in the data file (each resolution's page is named "
            "after its id)").format(name=shown, folder=out)) from None
    except UnsafeTarget as exc:
        raise ReportsNotWritten(_(
            "cannot write the reports to {folder}/: {reason} — the previous reports in {folder}/ are unchanged; "
            "delete or move {file}, or choose another folder with --out").format(
                folder=out, reason=exc.strerror, file=exc.filename)) from None
    except OSError as exc:  # a folder we may not write to, a workbook held open on Windows
        raise ReportsNotWritten(_(
            "cannot write the reports to {folder}/: {reason} — the previous reports are unchanged; choose another "
            "folder with --out, or close the workbook if it is open").format(
                folder=out, reason=exc.strerror or exc)) from None


def report(data_path: str | os.PathLike, out: str, *, today: dt.date, as_of: dt.date | None = None,
           since: dt.date | None = None, include_private: bool = False,
           languages: tuple[str, ...] = ()) -> list[Path]:
    """`monitor report`: the valid register's reports written into `out`, as it stood at the end of `as_of`
    (default today), with what changed since `since`; in each of `languages` (none: the active one). The data is
    validated against the real today."""
    register = load_valid(data_path, today=today)  # first: a missing or unreadable file is a message
    view = view_of(data_path, today=today, as_of=as_of, since=since, include_private=include_private)
    return write_reports(_cut(register, view), out, view=view, languages=languages)  # which leaves out private material


def status(data_path: str | os.PathLike, *, resolution: str | None, today: dt.date, as_of: dt.date | None = None,
           since: dt.date | None = None, include_private: bool = False, due_only: bool = False) -> str:
    """`monitor status`: the overview as text, for all resolutions or for one, as of a day, changes since another;
    with `due_only`, only the follow-up dates passed or due soon."""
    from .render.text import render_due, render_status

    register = load_valid(data_path, today=today)  # first: a missing or unreadable file is a message
    view = view_of(data_path, today=today, as_of=as_of, since=since, include_private=include_private)
    register = _shown(register, view)
    if resolution and resolution not in {r.id for r in register.resolutions}:
        raise NoSuchResolution(_no_such_resolution(resolution, register, view))
    if due_only:
        return render_due(register, resolution_id=resolution, today=view.as_of)
    return render_status(register, resolution_id=resolution, today=view.as_of, since=view.since)


def _no_such_resolution(resolution: str, register: Register, view: View) -> str:
    """Why `--resolution` names nothing, with the ids there are (on the view's day, when it has passed)."""
    from .words import list_separator

    ids = list_separator().join(r.id for r in register.resolutions) or _("(none yet)")
    if view.past:
        return _("there is no resolution '{id}' on {day} — use one of: {ids}").format(id=resolution, day=view.as_of,
                                                                                      ids=ids)
    return _("there is no resolution '{id}' — use one of: {ids}").format(id=resolution, ids=ids)


def _shown(register: Register, view: View) -> Register:
    """The register as the view shows it: without private material unless included, cut at its day."""
    from .view import public

    return _cut(register if view.private else public(register), view)


def _cut(register: Register, view: View) -> Register:
    """The register cut at the view's day, when that day has passed."""
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
def _digest_files(out: str) -> Iterator[None]:
    """The digest's files and state as plain messages: a pipe where a file goes, a folder we may not write."""
    from .readfile import NotARegularFile
    from .words import system_reason

    try:
        yield
    except NotARegularFile as exc:
        raise DigestNotWritten(_("{path}: {reason} — remove or rename it, or choose another folder with --out").format(
            path=exc.path, reason=exc.strerror)) from None
    except OSError as exc:
        reason = system_reason(exc.strerror) if exc.strerror else str(exc)
        raise DigestNotWritten(_("cannot write the digest to {folder}: {reason} — choose another folder with "
                                 "--out").format(folder=f"{out}/digests/", reason=reason)) from None


def digest(data_path: str | os.PathLike, out: str, *, since: dt.date | None, send: bool, today: dt.date,
           include_private: bool = False) -> str:
    """`monitor digest`: what changed, saved in `out`/digests/ and with `send` emailed; the summary for the user."""
    from .settings import load_settings

    with _digest_files(out):
        settings = load_settings(data_path)
        register = load_valid(data_path, today=today)
    return digest_of(register, settings, out, since=since, send=send, today=today, include_private=include_private)


def digest_of(register: Register, settings: Settings, out: str, *, since: dt.date | None, send: bool,
              today: dt.date, include_private: bool = False) -> str:
    """`digest` for a register already loaded: the weekly job refreshes the reports from the same one. Private
    material is left out unless `include_private` (the digest then says so at the top)."""
    from .digest import run_digest
    from .view import public

    with _digest_files(out):
        return run_digest(register if include_private else public(register), settings, out_dir=out, since=since,
                          send=send, today=today, include_private=include_private)


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


def changes(data_path: str | os.PathLike, *, against: str, today: dt.date) -> str:
    """`monitor changes`: what the data file adds since git revision `against`, as Markdown (for a CI job summary).

    The file must be valid (DataError otherwise); the committed version too (HistoryUnchecked otherwise).
    """
    from .review import committed_register, review, review_markdown

    register = load_valid(data_path, today=today)
    before = committed_register(data_path, against, today=today)
    return review_markdown(review(register, before, data_file=os.path.basename(data_path), against=against,
                                  today=today))
