"""The command line: arguments -> one library call -> output and exit code (0 ok, 1 invalid data, 2 usage).

Each `cmd_*` function parses nothing and decides nothing: it calls the library and turns its result or its
DataError into lines for the user. Only this module (through terminal.py) and schedule.py print.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable

from . import __version__
from .errors import MonitorError
from .terminal import VisibleText, print_problems

EXAMPLES = {
    "validate": "monitor validate\n  monitor validate --against HEAD\n  monitor validate --staged\n"
                "  monitor --file other.yaml validate",
    "schema": "monitor schema > demands.schema.json",
    "report": "monitor report\n  monitor report --out /tmp/reports",
    "status": "monitor status\n  monitor status --resolution 2013",
    "update": 'monitor update kozlov-release-2013 --status met --date 2016-08-04 \\\n'
              '      --note "Released on parole by court order." --source https://example.org/news/123',
    "add": 'monitor add new-demand-2022 --resolution 2022 --addressee "Kazakh authorities" \\\n'
           '      --topic assemblies --demand "Revise the law" --text "calls on ..." --quoted-from https://...',
    "digest": "monitor digest\n  monitor digest --since 2022-01-01 --send\n  monitor digest --status\n"
              "  monitor digest --resend 1a2b3c4d --to someone@example.org",
    "schedule": "monitor schedule\n  monitor schedule --list",
    "init": "monitor init register\n  monitor init register --ci github\n  monitor init demo --example",
    "changes": "monitor changes --against origin/main\n  monitor changes --against HEAD~3",
}


Handler = Callable[[argparse.Namespace], int]  # a command: its parsed arguments in, the exit code out


class UsageError(MonitorError):
    """A wrong argument that argparse cannot see (a bad date, say): exit 2."""

    exit_code = 2


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code. Never lets a traceback reach the user unless --debug."""
    real = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = VisibleText(sys.stdout), VisibleText(sys.stderr)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = real


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    from .problems import DataError

    try:
        return args.handler(args)
    except DataError as exc:  # a command that needed valid data: every problem, then the count
        print_problems(exc.problems, sys.stderr)
        return exc.exit_code
    except MonitorError as exc:  # every failure the user can act on: one line, its exit code
        print(f"monitor: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last resort: one line, a traceback only on request
        if args.debug:
            traceback.print_exc()
        else:
            print(f"monitor: internal error: {exc.__class__.__name__}: {exc}\n"
                  "Please report this with the command you ran; run it again with --debug for details.",
                  file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="monitor",
        description="Track what a parliament demanded, of whom, and whether it happened.",
        epilog="Run 'monitor COMMAND --help' for a command's options and an example.")
    parser.add_argument("--version", action="version", version=f"monitor {__version__}")
    parser.add_argument("--file", metavar="PATH", default=None,
                        help="the data file (default: $MONITOR_FILE, else demands.yaml in this folder)")
    parser.add_argument("--today", metavar="YYYY-MM-DD", type=_date_arg, default=None,
                        help="treat this date as today (for reproducible reports); default: the date in the "
                             "settings' time zone")
    parser.add_argument("--debug", action="store_true", help="show a traceback on an internal error")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    # the same options after the command (`monitor validate --file x.yaml`); SUPPRESS keeps a value given before it
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument("--file", metavar="PATH", default=argparse.SUPPRESS,
                       help="the data file (as before the command)")
    after.add_argument("--today", metavar="YYYY-MM-DD", type=_date_arg, default=argparse.SUPPRESS,
                       help="treat this date as today (as before the command)")
    after.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[after],
                                  epilog=f"example:\n  {EXAMPLES[name]}",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.set_defaults(handler=handler)
        return sub

    sub = command("validate", cmd_validate, "check the data file and list every problem with its line")
    sub.add_argument("--against", metavar="REV", nargs="?", const="HEAD", default=None,
                     help="also refuse demands and history entries removed or rewritten since this git revision "
                          "(default when given alone: HEAD, the last commit; REV:PATH names the file's old path)")
    sub.add_argument("--staged", action="store_true",
                     help="check the version staged for commit (git add) instead of the file, and guard it against "
                          "HEAD unless --against names another revision (the pre-commit hook uses this)")
    command("schema", cmd_schema, "print the JSON Schema of the data file, for editors")
    sub = command("report", cmd_report, "write the HTML and Excel progress reports")
    sub.add_argument("--out", metavar="DIR", default="reports", help="the output folder (default: reports)")
    _view_options(sub)
    sub = command("status", cmd_status, "a short overview in the terminal")
    sub.add_argument("--resolution", metavar="ID", default=None, help="only this resolution")
    sub.add_argument("--due", action="store_true", help="only the follow-up dates passed or due within 30 days")
    _view_options(sub)
    sub = command("update", cmd_update, "add one history entry to a demand, changing nothing else")
    sub.add_argument("id", metavar="ID", help="the demand's id")
    sub.add_argument("--status", required=True, help="pending, in-progress, partly-met, met, not-met or reversed")
    sub.add_argument("--date", type=_date_arg, default=None, help="the date of the event (default: today)")
    sub.add_argument("--note", required=True, help="one sentence: what happened")
    sub.add_argument("--follow-up", type=_date_arg, default=None, dest="follow_up", metavar="YYYY-MM-DD",
                     help="by when to check this demand again (a later entry without one clears it)")
    sub.add_argument("--source", action="append", default=[], metavar="URL", help="an http(s) address; repeat for more")
    sub = command("add", cmd_add, "add a new demand at the end of the file")
    sub.add_argument("id", metavar="ID", help="a new lower-case id, e.g. assembly-law-2022")
    _add_demand_options(sub)
    sub = command("digest", cmd_digest, "write (and with --send, email) what changed since the last digest")
    sub.add_argument("--since", type=_date_arg, default=None, help="cover entries dated from this day on")
    sub.add_argument("--out", metavar="DIR", default="reports", help="digests go to DIR/digests/ (default: reports)")
    sub.add_argument("--send", action="store_true", help="email the digest to MONITOR_MAIL_TO")
    _private_option(sub)
    sub.add_argument("--status", action="store_true",
                     help="show the last digests and who got each one, who is in doubt and who failed")
    sub.add_argument("--resend", metavar="ID", default=None,
                     help="send digest ID (its Message-ID or the short id shown by --status) again, to its "
                          "recipients in doubt or failed")
    sub.add_argument("--to", metavar="ADDRESS", default=None, help="with --resend: send it to this one address only")
    sub = command("schedule", cmd_schedule, "run the weekly digest and report refresh until stopped")
    sub.add_argument("--list", action="store_true", help="show the scheduled jobs and their next run, then exit")
    sub.add_argument("--out", metavar="DIR", default="reports", help="the reports folder (default: reports)")
    sub = command("init", cmd_init, "make a folder for a new register: data file, settings, git and CI files")
    sub.add_argument("dir", metavar="DIR", nargs="?", default=".", help="the folder (default: this one)")
    sub.add_argument("--ci", choices=("github", "gitlab"), action="append", default=[],
                     help="also write the review and publishing workflows for GitHub Actions or GitLab CI")
    sub.add_argument("--example", action="store_true", help="start from the shipped Kazakhstan register instead")
    sub.add_argument("--pin", metavar="VERSION|URL@COMMIT", default=None,
                     help=f"the monitor the workflows install (default: this one, monitor=={__version__})")
    sub = command("changes", cmd_changes, "list what the data file adds since a git revision, in Markdown")
    sub.add_argument("--against", metavar="REV", default="HEAD",
                     help="the git revision to compare with (default: HEAD); REV:PATH names the file's old path")
    return parser


def _add_demand_options(sub: argparse.ArgumentParser) -> None:
    """One option of `monitor add` per field of a demand in fields.DEMAND (its id is the positional ID)."""
    from .fields import DEMAND
    from .model import UNKNOWN_PARAGRAPH

    for field in DEMAND:
        option = "--" + field.name.replace("_", "-")
        if field.name in ("id", "history"):
            continue
        if field.kind == "ids":
            sub.add_argument(option, action="append", default=[], metavar="ID", help=field.description)
        elif field.name == "paragraph":  # required in the file, but "unknown" until checked in the adopted text
            sub.add_argument(option, default=UNKNOWN_PARAGRAPH, help=field.description)
        else:
            sub.add_argument(option, required=field.required, default="", help=field.description,
                             metavar="URL" if field.kind == "url" else None)


def data_path(args: argparse.Namespace) -> str:
    """The data file: --file, else $MONITOR_FILE, else demands.yaml here."""
    return args.file or os.environ.get("MONITOR_FILE") or "demands.yaml"


def _date_arg(value: str) -> dt.date:
    from .fields import parse_date

    day = parse_date(value)
    if day is None:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date — write YYYY-MM-DD, for example 2022-01-13")
    return day


# -- the commands ------------------------------------------------------------------------------------------------

def cmd_validate(args: argparse.Namespace) -> int:
    from .commands import as_of, validate

    against = args.against or ("HEAD" if args.staged else None)
    checked = validate(data_path(args), today=as_of(data_path(args), args.today), against=against, staged=args.staged)
    print_problems(checked.problems, sys.stdout)
    if checked.unchecked:
        print(f"monitor: {checked.unchecked}", file=sys.stderr)
        return 1
    if checked.errors:
        staged = " (the version staged for commit)" if args.staged else ""
        print(f"{data_path(args)}{staged}: {checked.errors:,} error(s), {checked.warnings:,} warning(s)",
              file=sys.stderr)
        return 1
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import schema_json

    sys.stdout.write(schema_json())
    return 0


def _view_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date_arg, default=None, dest="as_of",
                     help="show the register as it stood at the end of this day (entries after it left out)")
    sub.add_argument("--since", metavar="YYYY-MM-DD", type=_date_arg, default=None,
                     help="also list each demand whose status changed after this day")
    _private_option(sub)


def _private_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--include-private", action="store_true", dest="include_private",
                     help="include entries marked private: true and private_notes (for the team only; said at the top)")


def cmd_report(args: argparse.Namespace) -> int:
    from .commands import as_of, report

    written = report(data_path(args), args.out, today=as_of(data_path(args), args.today), as_of=args.as_of,
                     since=args.since, include_private=args.include_private)
    shown = f" (as of {args.as_of})" if args.as_of else ""
    print(f"wrote {len(written)} files to {args.out}/{shown}: " + ", ".join(p.name for p in written))
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

    fields = {f.name: getattr(args, f.name) for f in DEMAND if f.name != "history"}  # every option `add` has
    return _run_edit(args, lambda path, today: add_demand(path, fields, today=today))


def _run_edit(args: argparse.Namespace, edit: Callable[[str, dt.date], str], warnings: list | None = None) -> int:
    from .commands import as_of
    from .errors import FileLocked
    from .problems import DataError

    path = data_path(args)
    today = as_of(path, args.today)
    try:
        message = edit(path, today)
    except DataError as exc:
        print_problems(exc.problems, sys.stderr)
        print(f"{path}: nothing was written", file=sys.stderr)
        return 1
    except FileLocked:
        print(f"monitor: {path} is locked by another monitor command that has not finished; "
              "nothing was written — try again in a minute", file=sys.stderr)
        return 1
    print(message)
    print_problems(warnings or [], sys.stderr)
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    from .commands import as_of, digest, digest_status, resend

    if args.to and not args.resend:
        raise UsageError("--to goes with --resend ID — for example: monitor digest --resend 1a2b3c4d "
                         "--to a@example.org")
    if (args.status or args.resend) and (args.send or args.since):
        raise UsageError("--status and --resend work on digests already made — leave out --send and --since")
    today = as_of(data_path(args), args.today)
    if args.since and args.since > today:
        raise UsageError(f"--since {args.since} is in the future (today is {today}) — give a past date")
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
