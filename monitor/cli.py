"""The command line: arguments -> one library call -> output and exit code (0 ok, 1 invalid data, 2 usage).

The handlers (`cmd_*`, in handlers.py) parse nothing and decide nothing: each calls the library and turns its
result into lines for the user. Only cli, handlers (through terminal.py) and schedule.py print.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import re
import sys
import traceback
from collections.abc import Callable, Iterator

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
from .i18n import N_, SOURCE, _, current, ngettext
from .terminal import VisibleText, print_problems

# each command's example, under "example:" in its help; the ones with words in them are translated as a whole (the
# commands and options stay as they are)
EXAMPLES = {
    "validate": "monitor validate\n  monitor validate --against HEAD\n  monitor validate --staged\n"
                "  monitor --file other.yaml validate",
    "schema": "monitor schema > demands.schema.json",
    "report": "monitor report\n  monitor report --out /tmp/reports",
    "status": "monitor status\n  monitor status --resolution 2013",
    "update": N_('monitor update kozlov-release-2013 --status met --date 2016-08-04 \\\n'
                 '      --note "Released on parole by court order." --source https://example.org/news/123'),
    "add": N_('monitor add new-demand-2022 --resolution 2022 --addressee "Kazakh authorities" \\\n'
              '      --topic assemblies --demand "Revise the law" --text "calls on ..." --quoted-from https://...'),
    "digest": "monitor digest\n  monitor digest --since 2022-01-01 --send\n  monitor digest --status\n"
              "  monitor digest --resend 1a2b3c4d --to someone@example.org",
    "schedule": "monitor schedule\n  monitor schedule --list",
    "init": "monitor init register\n  monitor init register --ci github\n  monitor init demo --example",
    "changes": "monitor changes --against origin/main\n  monitor changes --against HEAD~3",
    "import": N_("monitor import TA-7-2012-0089_EN.html --resolution 2012 [--write]\n"
                 "  monitor import --resolution 2012        (downloads the resolution's url:)\n"
                 "  monitor import TA-9-2024-0001_EN.pdf --new 2024 --dry-run"),
}

# argparse's own words that a user of monitor's command line can meet (its usage line, its headings, its errors),
# each with monitor's catalogue entry for it: argparse writes them as %-templates, the catalogue as {name}
# templates (a bare %s or %r is the only field named in the entry). Babel does not read the standard library, so
# the entries are marked here; a message of argparse not in this table stays English.
ARGPARSE_WORDS = {
    "usage: ": N_("usage: "),
    "positional arguments": N_("positional arguments"),
    "options": N_("options"),
    "show this help message and exit": N_("show this help message and exit"),
    "%(prog)s: error: %(message)s\n": N_("{prog}: error: {message}\n"),
    "argument %(argument_name)s: %(message)s": N_("argument {argument_name}: {message}"),
    "unrecognized arguments: %s": N_("unrecognized arguments: {arguments}"),
    "the following arguments are required: %s": N_("the following arguments are required: {arguments}"),
    "one of the arguments %s is required": N_("one of the arguments {arguments} is required"),
    "not allowed with argument %s": N_("not allowed with argument {argument}"),
    "invalid choice: %(value)r (choose from %(choices)s)": N_("invalid choice: {value} (choose from {choices})"),
    "ambiguous option: %(option)s could match %(matches)s": N_("ambiguous option: {option} could match {matches}"),
    "ignored explicit argument %r": N_("ignored explicit argument {value}"),
    "expected one argument": N_("expected one argument"),
    "expected at most one argument": N_("expected at most one argument"),
    "expected at least one argument": N_("expected at least one argument"),
    "invalid %(type)s value: %(value)r": N_("invalid {type} value: {value}"),
}
_PERCENT_FIELD = re.compile(r"%(?:\((\w+)\))?[sr]")
_FIELD = re.compile(r"\{(\w+)\}")


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
    from .i18n import use

    words = sys.argv[1:] if argv is None else argv
    with use(_language_before_parsing(words)), _argparse_speaks_monitors_language():  # help is printed while parsing
        parser = build_parser(with_demand_fields="add" in words)
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help(sys.stderr)
            return 2
    try:
        chosen = interface_language(args)
    except MonitorError as exc:
        print(f"monitor: {exc}", file=sys.stderr)
        return exc.exit_code
    with use(chosen):
        return _handle(args)


def _language_before_parsing(words: list[str]) -> str:
    """The language of the command line's help and errors, known before the parser is built (argparse prints them
    while parsing): --lang as written in `words`, else the settings' (MONITOR_LANGUAGE, else monitor.toml's language
    beside --file's, $MONITOR_FILE's or demands.yaml), as `interface_language` finds it after parsing. Only a hint:
    the parser still reads and checks every word, and a --lang or settings that cannot be used mean English here (the
    command itself then says what is wrong with them)."""
    from .i18n import SOURCE

    if "--version" in words:  # nothing to translate in "monitor 1.2.3": start-up stays free of the settings
        return SOURCE
    hint = argparse.Namespace(file=_written_value(words, "--file"), lang=_written_value(words, "--lang"))
    try:
        return interface_language(hint)
    except (MonitorError, OSError, ValueError):
        return SOURCE


def _written_value(words: list[str], option: str) -> str | None:
    """The value of the last `option VALUE` or `option=VALUE` in `words` (before a '--'), else None."""
    found = None
    for index, word in enumerate(words):
        if word == "--":
            break
        if word == option and index + 1 < len(words):
            found = words[index + 1]
        elif word.startswith(option + "="):
            found = word[len(option) + 1:]
    return found


@contextlib.contextmanager
def _argparse_speaks_monitors_language() -> Iterator[None]:
    """argparse's own words (ARGPARSE_WORDS) in the active language while monitor's parser is built and parses.

    argparse translates them through `_` and `ngettext` that it imported from gettext into its module, and it looks
    them up there each time it uses them (building a parser: "options"; parsing: "usage:", its errors). So those two
    names are pointed at monitor's catalogue for the time of the block and put back after it, even when argparse
    exits (help, an error): nothing outside the block, and no other parser in the process, sees the change. A
    subclass could not do it as simply: the errors are composed inside argparse's private methods."""
    saved = getattr(argparse, "_"), getattr(argparse, "ngettext")
    setattr(argparse, "_", _argparse_gettext)
    setattr(argparse, "ngettext", _argparse_ngettext)
    try:
        yield
    finally:
        setattr(argparse, "_", saved[0])
        setattr(argparse, "ngettext", saved[1])


def _argparse_gettext(message: str) -> str:
    """argparse's `message` (a %-template) in the active language, as a %-template again; itself when English or
    not in ARGPARSE_WORDS."""
    entry = ARGPARSE_WORDS.get(message)
    if entry is None or current().code == SOURCE:
        return message
    return _as_percent_template(_(entry), entry, message)


def _argparse_ngettext(one: str, many: str, count: int) -> str:
    """argparse's plural messages: the one it can show (a number of arguments expected) in the active language."""
    english = one if count == 1 else many
    if one != "expected %s argument" or current().code == SOURCE:
        return english
    said = ngettext("expected {count} argument", "expected {count} arguments", count)
    return _as_percent_template(said, "expected {count} argument", english)


def _as_percent_template(translated: str, entry: str, message: str) -> str:
    """A translated catalogue entry ({name} fields) made argparse's %-template again, with `message`'s own
    placeholders (its %(name)s by name, its bare %s/%r for the entry's other fields, in order). `message` itself when
    the translation lost or added a field (argparse would fail to fill it)."""
    fields = _FIELD.findall(entry)
    if sorted(_FIELD.findall(translated)) != sorted(fields):
        return message
    named = [m.group(1) for m in _PERCENT_FIELD.finditer(message) if m.group(1)]
    bare = iter(f for f in fields if f not in named)
    placeholders = {}
    for m in _PERCENT_FIELD.finditer(message):
        placeholders[m.group(1) or next(bare, "")] = m.group(0)
    text = translated.replace("%", "%%")
    return _FIELD.sub(lambda m: placeholders.get(m.group(1), m.group(0)), text)


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
            said = _("internal error: {kind}: {error}\n"
                     "Please report this with the command you ran; run it again with --debug for details.")
            print("monitor: " + said.format(kind=exc.__class__.__name__, error=exc), file=sys.stderr)
        return 1


def build_parser(with_demand_fields: bool = True) -> argparse.ArgumentParser:
    """The command line. `monitor add`'s options come from the field table, which only `add` needs: other commands
    leave it unread (it costs ~20 ms of start-up, a third of `monitor --version`)."""
    parser = argparse.ArgumentParser(
        prog="monitor",
        description=_("Track what a parliament demanded, of whom, and whether it happened."),
        epilog=_("Run 'monitor COMMAND --help' for a command's options and an example."))
    parser.add_argument("--version", action="version", version=f"monitor {__version__}",
                        help=_("show program's version number and exit"))
    parser.add_argument("--file", metavar="PATH", default=None,
                        help=_("the data file (default: $MONITOR_FILE, else demands.yaml in this folder)"))
    parser.add_argument("--today", metavar="YYYY-MM-DD", type=_date_arg, default=None,
                        help=_("treat this date as today (for reproducible reports); default: the date in the "
                               "settings' time zone"))
    parser.add_argument("--debug", action="store_true", help=_("show a traceback on an internal error"))
    commands = parser.add_subparsers(title=_("commands"), metavar="COMMAND")
    # the same options after the command (`monitor validate --file x.yaml`); SUPPRESS keeps a value given before it
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument("--file", metavar="PATH", default=argparse.SUPPRESS,
                       help=_("the data file (as before the command)"))
    after.add_argument("--today", metavar="YYYY-MM-DD", type=_date_arg, default=argparse.SUPPRESS,
                       help=_("treat this date as today (as before the command)"))
    after.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[after],
                                  epilog=_("example:") + "\n  " + _(EXAMPLES[name]),
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.set_defaults(handler=handler)
        return sub

    sub = command("validate", cmd_validate, _("check the data file and list every problem with its line"))
    sub.add_argument("--against", metavar="REV", nargs="?", const="HEAD", default=None,
                     help=_("also refuse demands and history entries removed or rewritten since this git revision "
                            "(default when given alone: HEAD, the last commit; REV:PATH names the file's old path)"))
    sub.add_argument("--staged", action="store_true",
                     help=_("check the version staged for commit (git add) instead of the file, and guard it against "
                            "HEAD unless --against names another revision (the pre-commit hook uses this)"))
    sub.add_argument("files", metavar="FILE", nargs="*",
                     help=_("data files to check, each by its own path, as well as --file when it is given "
                            "(the pre-commit framework passes the staged demands.yaml files this way)"))
    _language_option(sub)
    command("schema", cmd_schema, _("print the JSON Schema of the data file, for editors"))
    sub = command("report", cmd_report, _("write the HTML and Excel progress reports"))
    sub.add_argument("--out", metavar="DIR", default="reports", help=_("the output folder (default: reports)"))
    _view_options(sub)
    _language_option(sub, several=True)
    sub = command("status", cmd_status, _("a short overview in the terminal"))
    sub.add_argument("--resolution", metavar="ID", default=None, help=_("only this resolution"))
    sub.add_argument("--due", action="store_true", help=_("only the follow-up dates passed or due within 30 days"))
    _view_options(sub)
    _language_option(sub)
    sub = command("update", cmd_update, _("add one history entry to a demand, changing nothing else"))
    sub.add_argument("id", metavar="ID", help=_("the demand's id"))
    sub.add_argument("--status", required=True, help=_("pending, in-progress, partly-met, met, not-met or reversed"))
    sub.add_argument("--date", type=_date_arg, default=None, help=_("the date of the event (default: today)"))
    sub.add_argument("--note", required=True, help=_("one sentence: what happened"))
    sub.add_argument("--follow-up", type=_date_arg, default=None, dest="follow_up", metavar="YYYY-MM-DD",
                     help=_("by when to check this demand again (a later entry without one clears it)"))
    sub.add_argument("--source", action="append", default=[], metavar="URL",
                     help=_("an http(s) address; repeat for more"))
    sub = command("add", cmd_add, _("add a new demand at the end of the file"))
    sub.add_argument("id", metavar="ID", help=_("a new lower-case id, e.g. assembly-law-2022"))
    if with_demand_fields:
        _add_demand_options(sub)
    sub = command("digest", cmd_digest, _("write (and with --send, email) what changed since the last digest"))
    sub.add_argument("--since", type=_date_arg, default=None, help=_("cover entries dated from this day on"))
    sub.add_argument("--out", metavar="DIR", default="reports", help=_("digests go to DIR/digests/ (default: reports)"))
    sub.add_argument("--send", action="store_true", help=_("email the digest to MONITOR_MAIL_TO"))
    _private_option(sub)
    sub.add_argument("--status", action="store_true",
                     help=_("show the last digests and who got each one, who is in doubt and who failed"))
    sub.add_argument("--resend", metavar="ID", default=None,
                     help=_("send digest ID (its Message-ID or the short id shown by --status) again, to its "
                            "recipients in doubt or failed"))
    sub.add_argument("--to", metavar="ADDRESS", default=None, help=_("with --resend: send it to this one address only"))
    _language_option(sub)
    sub = command("schedule", cmd_schedule, _("run the weekly digest and report refresh until stopped"))
    sub.add_argument("--list", action="store_true", help=_("show the scheduled jobs and their next run, then exit"))
    sub.add_argument("--out", metavar="DIR", default="reports", help=_("the reports folder (default: reports)"))
    sub = command("init", cmd_init, _("make a folder for a new register: data file, settings, git and CI files"))
    sub.add_argument("dir", metavar="DIR", nargs="?", default=".", help=_("the folder (default: this one)"))
    sub.add_argument("--ci", choices=("github", "gitlab"), action="append", default=[],
                     help=_("also write the review and publishing workflows for GitHub Actions or GitLab CI"))
    sub.add_argument("--example", action="store_true", help=_("start from the shipped Kazakhstan register instead"))
    sub.add_argument("--pin", metavar="VERSION|URL@COMMIT", default=None,
                     help=_("the monitor the workflows install (default: this one, monitor=={version})").format(
                         version=__version__))
    sub = command("changes", cmd_changes, _("list what the data file adds since a git revision, in Markdown"))
    sub.add_argument("--against", metavar="REV", default="HEAD",
                     help=_("the git revision to compare with (default: HEAD); REV:PATH names the file's old path"))
    sub = command("import", cmd_import, _("read a resolution's text: check the demands' paragraphs, or draft new ones"))
    sub.add_argument("source", metavar="FILE", nargs="?", help=_("the text as saved: HTML page, PDF or plain text"))
    which = sub.add_mutually_exclusive_group(required=True)
    which.add_argument("--resolution", metavar="ID", help=_("match this resolution's demands with the text"))
    which.add_argument("--new", metavar="ID", help=_("draft a new resolution with this id, and its demands"))
    sub.add_argument("--url", metavar="URL", help=_("download the text (https) instead of reading FILE "
                                                    "(default with --resolution: the resolution's url)"))
    sub.add_argument("--write", action="store_true", help=_("set paragraph and adopted words of confident matches"))
    sub.add_argument("--dry-run", action="store_true", help=_("with --new: print the draft instead of adding it"))
    sub.add_argument("--adopted", metavar="YYYY-MM-DD", type=_date_arg, help=_("with --new: the adoption date"))
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
            sub.add_argument(option, action="append", default=[], metavar="ID", help=_(field.description))
        elif field.name == "paragraph":  # required in the file, but "unknown" until checked in the adopted text
            sub.add_argument(option, default=UNKNOWN_PARAGRAPH, help=_(field.description))
        else:
            sub.add_argument(option, required=field.required, default="", help=_(field.description),
                             metavar="URL" if field.kind == "url" else None)


def _date_arg(value: str) -> dt.date:
    from .fields import parse_date

    day = parse_date(value)
    if day is None:
        raise argparse.ArgumentTypeError(
            _("'{value}' is not a date — write YYYY-MM-DD, for example 2022-01-13").format(value=value))
    return day


# -- the commands ------------------------------------------------------------------------------------------------


def _view_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date_arg, default=None, dest="as_of",
                     help=_("show the register as it stood at the end of this day (entries after it left out)"))
    sub.add_argument("--since", metavar="YYYY-MM-DD", type=_date_arg, default=None,
                     help=_("also list each demand whose status changed after this day"))
    _private_option(sub)


def _language_option(sub: argparse.ArgumentParser, several: bool = False) -> None:
    if several:
        text = _("the reports' languages, e.g. ru or en,ru (each into its own folder, DIR/en/, DIR/ru/); default: "
                 "$MONITOR_LANGUAGE, else monitor.toml's language, else en")
    else:
        text = _("the language to write in, e.g. ru (default: $MONITOR_LANGUAGE, else monitor.toml's language, "
                 "else en)")
    sub.add_argument("--lang", metavar="CODE,..." if several else "CODE", default=None, help=text)


def _private_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--include-private", action="store_true", dest="include_private",
                     help=_("include entries marked private: true and private_notes (for the team only; said at "
                            "the top)"))


