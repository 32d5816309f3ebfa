"""The command line: arguments -> one library call -> output and exit code (0 ok, 1 invalid data, 2 usage).

The handlers (`cmd_*`, in handlers.py) parse nothing and decide nothing: each calls the library and turns its
result into lines for the user. Only cli, handlers (through terminal.py) and schedule.py print.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import traceback
from collections.abc import Callable

from . import __version__
from .errors import MonitorError
from .handlers import (  # noqa: F401  (UsageError and data_path are part of cli's interface)
    UsageError,
    cmd_add,
    cmd_changes,
    cmd_digest,
    cmd_import,
    cmd_init,
    cmd_report,
    cmd_schedule,
    cmd_schema,
    cmd_status,
    cmd_update,
    cmd_validate,
    data_path,
    interface_language,
)
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
    "import": "monitor import TA-7-2012-0089_EN.html --resolution 2012 [--write]\n"
              "  monitor import --resolution 2012        (downloads the resolution's url:)\n"
              "  monitor import TA-9-2024-0001_EN.pdf --new 2024 --dry-run",
}


Handler = Callable[[argparse.Namespace], int]  # a command: its parsed arguments in, the exit code out


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code. Never lets a traceback reach the user unless --debug."""
    real = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = VisibleText(sys.stdout), VisibleText(sys.stderr)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = real


def _run(argv: list[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(with_demand_fields="add" in words)
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    from .i18n import use

    try:
        chosen = interface_language(args)
    except MonitorError as exc:
        print(f"monitor: {exc}", file=sys.stderr)
        return exc.exit_code
    with use(chosen):
        return _handle(args)


def _handle(args: argparse.Namespace) -> int:
    """The handler, with every failure turned into a message and its exit code."""
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


def build_parser(with_demand_fields: bool = True) -> argparse.ArgumentParser:
    """The command line. `monitor add`'s options come from the field table, which only `add` needs: other commands
    leave it unread (it costs ~20 ms of start-up, a third of `monitor --version`)."""
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
    sub.add_argument("files", metavar="FILE", nargs="*",
                     help="data files to check, each by its own path, as well as --file when it is given "
                          "(the pre-commit framework passes the staged demands.yaml files this way)")
    _language_option(sub)
    command("schema", cmd_schema, "print the JSON Schema of the data file, for editors")
    sub = command("report", cmd_report, "write the HTML and Excel progress reports")
    sub.add_argument("--out", metavar="DIR", default="reports", help="the output folder (default: reports)")
    _view_options(sub)
    _language_option(sub, several=True)
    sub = command("status", cmd_status, "a short overview in the terminal")
    sub.add_argument("--resolution", metavar="ID", default=None, help="only this resolution")
    sub.add_argument("--due", action="store_true", help="only the follow-up dates passed or due within 30 days")
    _view_options(sub)
    _language_option(sub)
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
    if with_demand_fields:
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
    _language_option(sub)
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
    sub = command("import", cmd_import, "read a resolution's text: check the demands' paragraphs, or draft new ones")
    sub.add_argument("source", metavar="FILE", nargs="?", help="the text as saved: HTML page, PDF or plain text")
    which = sub.add_mutually_exclusive_group(required=True)
    which.add_argument("--resolution", metavar="ID", help="match this resolution's demands with the text")
    which.add_argument("--new", metavar="ID", help="draft a new resolution with this id, and its demands")
    sub.add_argument("--url", metavar="URL", help="download the text (https) instead of reading FILE "
                                                  "(default with --resolution: the resolution's url)")
    sub.add_argument("--write", action="store_true", help="set paragraph and adopted words of confident matches")
    sub.add_argument("--dry-run", action="store_true", help="with --new: print the draft instead of adding it")
    sub.add_argument("--adopted", metavar="YYYY-MM-DD", type=_date_arg, help="with --new: the adoption date")
    return parser


def _add_demand_options(sub: argparse.ArgumentParser) -> None:
    """One option of `monitor add` per field of a demand in fields.DEMAND (its id is the positional ID)."""
    from .fields import DEMAND
    from .model import UNKNOWN_PARAGRAPH

    for field in DEMAND:
        option = "--" + field.name.replace("_", "-")
        if field.name in ("id", "history") or field.kind == "translations":
            continue
        if field.kind == "ids":
            sub.add_argument(option, action="append", default=[], metavar="ID", help=field.description)
        elif field.name == "paragraph":  # required in the file, but "unknown" until checked in the adopted text
            sub.add_argument(option, default=UNKNOWN_PARAGRAPH, help=field.description)
        else:
            sub.add_argument(option, required=field.required, default="", help=field.description,
                             metavar="URL" if field.kind == "url" else None)


def _date_arg(value: str) -> dt.date:
    from .fields import parse_date

    day = parse_date(value)
    if day is None:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date — write YYYY-MM-DD, for example 2022-01-13")
    return day


# -- the commands ------------------------------------------------------------------------------------------------


def _view_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date_arg, default=None, dest="as_of",
                     help="show the register as it stood at the end of this day (entries after it left out)")
    sub.add_argument("--since", metavar="YYYY-MM-DD", type=_date_arg, default=None,
                     help="also list each demand whose status changed after this day")
    _private_option(sub)


def _language_option(sub: argparse.ArgumentParser, several: bool = False) -> None:
    if several:
        text = ("the reports' languages, e.g. ru or en,ru (each into its own folder, DIR/en/, DIR/ru/); default: "
                "$MONITOR_LANGUAGE, else monitor.toml's language, else en")
    else:
        text = "the language to write in, e.g. ru (default: $MONITOR_LANGUAGE, else monitor.toml's language, else en)"
    sub.add_argument("--lang", metavar="CODE,..." if several else "CODE", default=None, help=text)


def _private_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--include-private", action="store_true", dest="include_private",
                     help="include entries marked private: true and private_notes (for the team only; said at the top)")


