"""What each command does once its arguments are parsed: call the library, print its result, return the exit code.

cli.py builds the command line and maps every MonitorError to one line and its exit code; the handlers here
parse nothing and decide nothing (the decisions are the library's, in commands.py and the modules it calls).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable

from .errors import MonitorError
from .terminal import print_problems


class UsageError(MonitorError):
    """A wrong argument that argparse cannot see (a bad date, say): exit 2."""

    exit_code = 2


def data_path(args: argparse.Namespace) -> str:
    """The data file: --file, else $MONITOR_FILE, else demands.yaml here."""
    return args.file or os.environ.get("MONITOR_FILE") or "demands.yaml"


def languages(args: argparse.Namespace) -> tuple[str, ...]:
    """The languages asked for: --lang, else the settings' (MONITOR_LANGUAGE, monitor.toml's language), else English.

    A command without --lang speaks the settings' first language when they can be read, else English: a broken
    monitor.toml is that command's to report, if it needs the settings at all.
    """
    from .i18n import SOURCE, parse_languages
    from .settings import languages_of

    if not hasattr(args, "lang"):
        try:
            return languages_of(data_path(args))
        except MonitorError:
            return (SOURCE,)
    return parse_languages(args.lang) if args.lang is not None else languages_of(data_path(args))


def interface_language(args: argparse.Namespace) -> str:
    """The one language a command writes its messages in: the first of `languages`."""
    return languages(args)[0]


def cmd_validate(args: argparse.Namespace) -> int:
    """Each file named (FILE... and --file, or the default data file) is checked by its own path; the worst exit."""
    named = [*getattr(args, "files", []), *([args.file] if args.file else [])]
    seen: dict[str, str] = {}
    for path in named:  # the first spelling of each file, in order
        seen.setdefault(os.path.normpath(path), path)
    paths = list(seen.values()) or [data_path(args)]
    return max(_validate_one(path, args) for path in paths)


def _validate_one(path: str, args: argparse.Namespace) -> int:
    from .commands import as_of, validate

    against = args.against or ("HEAD" if args.staged else None)
    checked = validate(path, today=as_of(path, args.today), against=against, staged=args.staged)
    print_problems(checked.problems, sys.stdout)
    if checked.unchecked:
        print(f"monitor: {checked.unchecked}", file=sys.stderr)
        return 1
    if checked.errors:
        from .i18n import _, counted

        errors = counted(checked.errors, "{count} error", "{count} errors")
        warnings = counted(checked.warnings, "{count} warning", "{count} warnings")
        if args.staged:
            summary = _("{path} (the version staged for commit): {errors}, {warnings}")
        else:
            summary = _("{path}: {errors}, {warnings}")
        print(summary.format(path=path, errors=errors, warnings=warnings), file=sys.stderr)
        return 1
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import schema_json

    sys.stdout.write(schema_json())
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .commands import as_of, report
    from .i18n import format_number, ngettext

    written = report(data_path(args), args.out, today=as_of(data_path(args), args.today), as_of=args.as_of,
                     since=args.since, include_private=args.include_private, languages=languages(args))
    names = ", ".join(p.relative_to(Path(args.out)).as_posix() for p in written)  # en/index.html in several languages
    if args.as_of:
        said = ngettext("wrote {count} file to {folder}/ (as of {day}): {names}",
                        "wrote {count} files to {folder}/ (as of {day}): {names}", len(written))
    else:
        said = ngettext("wrote {count} file to {folder}/: {names}", "wrote {count} files to {folder}/: {names}",
                        len(written))
    print(said.format(count=format_number(len(written)), folder=args.out, day=args.as_of, names=names))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from .commands import as_of, status

    sys.stdout.write(status(data_path(args), resolution=args.resolution, today=as_of(data_path(args), args.today),
                            as_of=args.as_of, since=args.since, include_private=args.include_private,
                            due_only=args.due))
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    from .edit import add_entry

    warnings: list = []  # what validate would warn of in the new entry: printed, the entry written all the same
    return _run_edit(args, lambda path, today: add_entry(
        path, args.id, status=args.status, date=args.date or today, note=args.note, sources=args.source, today=today,
        follow_up=args.follow_up, warnings=warnings), warnings)


def cmd_add(args: argparse.Namespace) -> int:
    from .edit import add_demand
    from .fields import DEMAND

    fields = {f.name: getattr(args, f.name) for f in DEMAND  # every option `add` has
              if f.name != "history" and f.kind != "translations"}
    return _run_edit(args, lambda path, today: add_demand(path, fields, today=today))


def _run_edit(args: argparse.Namespace, edit: Callable[[str, dt.date], str], warnings: list | None = None) -> int:
    from .commands import as_of
    from .errors import FileLocked
    from .i18n import _
    from .problems import DataError

    path = data_path(args)
    today = as_of(path, args.today)
    try:
        message = edit(path, today)
    except DataError as exc:
        print_problems(exc.problems, sys.stderr)
        print(_("{path}: nothing was written").format(path=path), file=sys.stderr)
        return 1
    except FileLocked:
        said = _("{path} is locked by another monitor command that has not finished; nothing was written — try "
                 "again in a minute").format(path=path)
        print(f"monitor: {said}", file=sys.stderr)
        return 1
    print(message)
    print_problems(warnings or [], sys.stderr)
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    from .commands import as_of, digest, digest_status, resend
    from .i18n import _

    if args.to and not args.resend:
        raise UsageError(_("--to goes with --resend ID — for example: monitor digest --resend 1a2b3c4d "
                           "--to a@example.org"))
    if (args.status or args.resend) and (args.send or args.since):
        raise UsageError(_("--status and --resend work on digests already made — leave out --send and --since"))
    today = as_of(data_path(args), args.today)
    if args.since and args.since > today:
        raise UsageError(_("--since {since} is in the future (today is {today}) — give a past date").format(
            since=args.since, today=today))
    if args.status:
        sys.stdout.write(digest_status(data_path(args), args.out))
        return 0
    if args.resend:
        everyone, said = resend(data_path(args), args.out, args.resend, args.to)
        print(said)
        return 0 if everyone else 1
    print(digest(data_path(args), args.out, since=args.since, send=args.send, today=today,
                 include_private=args.include_private))
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    from .schedule import list_jobs, run_forever
    from .settings import load_settings

    settings = load_settings(data_path(args))
    if args.list:
        sys.stdout.write(list_jobs(settings, data_path(args), args.out))
        return 0
    return run_forever(settings, data_path(args), args.out)


def cmd_init(args: argparse.Namespace) -> int:
    from .init import init

    print(init(args.dir, ci=tuple(dict.fromkeys(args.ci)), example=args.example, pin=args.pin))
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    from .commands import as_of, changes

    sys.stdout.write(changes(data_path(args), against=args.against, today=as_of(data_path(args), args.today)))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .commands import as_of
    from .i18n import _
    from .importer.command import import_check, import_new, import_write

    if args.source and args.url or (args.write and args.new) or ((args.dry_run or args.adopted) and args.resolution):
        raise UsageError(_("give FILE or --url, not both; --write goes with --resolution, --dry-run and --adopted "
                           "with --new"))
    if args.new:
        def new(path: str, today: dt.date) -> str:
            return import_new(path, args.source, new_id=args.new, url=args.url, adopted=args.adopted,
                              dry_run=args.dry_run, today=today)
        if args.dry_run:
            sys.stdout.write(new(data_path(args), as_of(data_path(args), args.today)))
            return 0
        return _run_edit(args, new)
    found = import_check(data_path(args), args.source, resolution=args.resolution, url=args.url,
                         today=as_of(data_path(args), args.today))
    sys.stdout.write(found.report)
    return _run_edit(args, lambda path, today: import_write(path, found.changes, today=today)) if args.write else 0
