"""The catalogue of problems: every code with its meaning, and every message with its wording.

A code (`bad-date`) is stable: the README's table lists it, tests assert it, scripts may match on it. A message
id (`syntax.unclosed-quote`) names one way of meeting a code: the part before the dot is the code, and an id without
a dot is the code's plain message. Each message is a `str.format` template for the message and, where the code's
hint is not the right advice, one for the hint. `problems.problem(message_id, where, **values)` fills them in; it
is the only way a Problem is made. Two rules of the filling: a list of values is written "a, b, c", and the value
`near` (a word close to what was written, or "") becomes "did you mean 'word'? " (or nothing).

tests/golden/messages.txt shows every message filled with its example values: a change of wording shows there.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import N_
from .model import STATUS_NAMES

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Code:
    """A stable problem code: how serious it is, what it means and what to do (the README's table)."""

    severity: str
    meaning: str
    hint: str


@dataclass(frozen=True)
class Message:
    """One wording of a code: message and hint templates, and example values (for the golden file)."""

    text: str
    hint: str | None = None  # None: the code's hint
    example: dict[str, object] = field(default_factory=dict)


CODES: dict[str, Code] = {
    "file-missing": Code(ERROR, "the data file does not exist or cannot be read", "check the path, or pass --file"),
    "file-too-large": Code(ERROR, "the file is larger than the limit",
                           "keep it under 20 MB: move older resolutions into a second file"),
    "not-utf8": Code(ERROR, "the file is not UTF-8 text", "save it as UTF-8 in your editor"),
    "not-a-file": Code(ERROR, "the data file is a folder, a named pipe or a device", "give the path of a .yaml file"),
    "control-character": Code(ERROR, "an invisible control character is in the text (raw or as an escape like \\e)",
                              "delete it and retype the text"),
    "line-break-character": Code(ERROR, "a line break other than the usual one (a lone CR, NEL, U+2028 or U+2029), "
                                 "usually pasted from a web page or a PDF",
                                 "delete the invisible character, or retype the text around it"),
    "too-deep": Code(ERROR, "lists and blocks nested more than 64 levels deep", "a register needs at most 5 levels"),
    "tab-indent": Code(ERROR, "a tab is used for indentation", "indent with spaces only"),
    "syntax": Code(ERROR, "the YAML cannot be read (indentation, a missing colon, an unclosed quote)",
                   "line the key up with the keys above it, and close quotes"),
    "tag-not-allowed": Code(ERROR, "a YAML tag (`!!python/...`, `!tag`) is used", "remove the tag; write plain text"),
    "alias-not-allowed": Code(ERROR, "a YAML anchor or alias (`&name`, `*name`) is used",
                              "write the value out in full"),
    "duplicate-key": Code(ERROR, "the same key appears twice in one block", "keep one of them"),
    "not-a-mapping": Code(ERROR, "a block of `key: value` lines was expected", "write `key: value` lines"),
    "not-a-list": Code(ERROR, "a list (lines starting with `- `) was expected",
                       "write each item on a line starting with `- `"),
    "not-text": Code(ERROR, "a single value was expected here", "write plain text after the colon"),
    "missing-key": Code(ERROR, "a required key is missing", "add the key with its value"),
    "unknown-key": Code(ERROR, "a key that the file format does not know", "check its spelling, or remove it"),
    "empty-value": Code(ERROR, "a required value is empty", "write the value after the colon"),
    "bad-id": Code(ERROR, "an id that is not made of lower-case letters, digits and '-'",
                   "use a-z, 0-9 and '-', e.g. kozlov-release-2013"),
    "duplicate-id": Code(ERROR, "two items have the same id", "give one of them another id"),
    "unknown-resolution": Code(ERROR, "a demand names a resolution that is not in `resolutions:`",
                               "use one of the resolution ids"),
    "unknown-topic": Code(ERROR, "a topic that is not in the `topics:` list",
                          "use one of the topics, or add it to `topics:`"),
    "unknown-status": Code(ERROR, "a status that is not one of the six", "write one of the six statuses"),
    "bad-date": Code(ERROR, "a value that is not a real date", "write YYYY-MM-DD, e.g. 2022-01-13"),
    "not-a-flag": Code(ERROR, "a value that is not true or false", "write true (or leave the key out)"),
    "future-date": Code(ERROR, "a date after today", "enter events only once they have happened"),
    "date-before-adoption": Code(ERROR, "a history date before the resolution was adopted",
                                 "use a date on or after the adoption date"),
    "history-order": Code(ERROR, "history entries are not in date order", "put the entries oldest first"),
    "empty-history": Code(ERROR, "a demand has no history entries",
                          "add a first entry: the adoption date, status pending"),
    "bad-url": Code(ERROR, "an address that is not http(s)",
                    "write a full address starting with https:// (or http://)"),
    "unknown-demand": Code(ERROR, "`repeats` names a demand that does not exist", "use the id of an existing demand"),
    "repeats-not-earlier": Code(ERROR, "`repeats` names a demand of a resolution that is not earlier",
                                "link only to the same demand made by an earlier resolution"),
    "bad-language": Code(ERROR, N_("a language code that is not 2 or 3 lower-case letters, with an optional region "
                                   "as in pt-BR"), N_("write a code such as en, ru or kk")),
    "demand-removed": Code(ERROR, "a demand that was committed has been removed (monitor validate --against)",
                           "put it back; record what happened to it with a new history entry"),
    "history-removed": Code(ERROR, "a committed history entry has been removed (monitor validate --against)",
                            "put it back; to correct it, add a new entry at the end"),
    "history-rewritten": Code(ERROR, "a committed history entry has been edited or moved (monitor validate --against)",
                              "restore it as it was; to correct it, add a new entry at the end"),
    "read-only": Code(ERROR, "`monitor update` or `add` was asked to change a read-only file",
                      "nothing was written; make the file writable (chmod u+w FILE) if you mean to change it"),
    "cannot-write": Code(ERROR, "the file or its folder cannot be written (permissions, a full disk)",
                         "nothing was written; free some space or fix the folder's permissions, then run it again"),
    "unsafe-edit": Code(ERROR, "`monitor update` or `add` could not make the change without altering something else",
                        "nothing was written; add it in your editor instead, and report the case with the file"),
    "cut-by-comment": Code(WARNING, "a ' #' after a value starts a comment: the rest of the line is left out",
                           "put the whole value in quotes"),
    "duplicate-entry": Code(ERROR, "`monitor update` was asked to add an entry the demand already has",
                            "nothing was written: the entry is in the file already"),
    "same-day-entry": Code(WARNING, "`monitor update` added an entry with the date and status of one already there",
                           "check the two entries; if they record the same event, delete the new one"),
    "unquoted-value": Code(WARNING, "a value without quotes that editors or other YAML programs read as a number, "
                           "true/false or yes/no, not as text", "put the value in quotes, e.g. resolution: \"2013\""),
    "same-language": Code(WARNING, N_("a translation into the language the file is written in: it is never shown"),
                          N_("remove it, or write the file's own language at its top: language: CODE")),
    "missing-source": Code(WARNING, "a status change cites no source", "add a `sources:` list with an http(s) address"),
}

MESSAGES: dict[str, Message] = {}
NEAR = "did you mean '{}'? "  # how the value `near` is shown, when there is a word close to what was written


def _say(message_id: str, text: str, hint: str | None = None, /, **example: object) -> None:
    MESSAGES[message_id] = Message(text, hint, example)


_STATUSES = ", ".join(STATUS_NAMES)

# -- reading the file (load.py, edit.py) -----------------------------------------------------------------------------
_say("file-missing", "cannot read the file {place} ({reason})", "run monitor in the folder that holds the data "
     "file, or give its path with --file", place="/home/ngo/register/demands.yaml", reason="No such file or directory")
_say("file-missing.not-staged", "{name} is not in the commit being prepared (it was deleted or moved with git)",
     "put it back with: git restore --staged --worktree {name}", name="demands.yaml")
_say("not-a-file", "this is {kind}, not a file", kind="a folder")
_say("file-too-large", "the file is {size:,} bytes, more than the limit of {limit:,}",
     size=52428800, limit=20971520)
_say("file-too-large.unknown-size", "the file is larger than the limit of {limit:,} bytes", limit=20971520)
_say("not-utf8", "byte 0x{byte:02x} is not UTF-8 text", byte=0xE9)
_say("line-break-character", "{what} is in the text here: YAML counts it as a new line, other programs do not",
     what="a line separator (U+2028)")
_say("control-character", "the invisible character U+{codepoint:04X} cannot appear in a YAML file", codepoint=0)
_say("control-character.unknown", "an invisible character cannot appear in a YAML file")
_say("control-character.escaped", "this text contains {what} (written as the escape {escape} or similar)",
     what="the control character ESC (U+001B)", escape="\\x1b")
_say("control-character.option", "--{option} contains {what}: {text}",
     option="note", what="the control character ESC (U+001B)", text="Released\\x1b[2J")

# -- YAML syntax (syntax.py explains the parser's errors; issue #13 adds to these) --------------------------------
_say("tab-indent", "a tab is used here; YAML allows only spaces for indentation")
_say("syntax", "{parser_says}", "", parser_says="found unexpected end of stream")  # no cause known: no hint
_say("syntax.unclosed-quote", "this quoted text is never closed", "add the closing quote at the end of the value")
_say("syntax.second-colon", "a second ':' where a value was expected",
     "put the value in quotes, e.g. note: \"Result: released\"")
_say("syntax.bad-indentation", "this line is not indented like the lines around it",
     "line the key up with the keys above it (spaces only)")
_say("syntax.missing-colon", "a key without ':' (or a value on a line of its own)",
     "write `key: value` on one line, or indent a continued value further than its key")
_say("syntax.missing-colon.key", "'{key}' has no ':' after it", "write {key}: {value}", key="note",
     value="Demanded by the European Parliament.")
_say("syntax.no-space-after-colon", "there is no space after '{key}:'", "write {key}: {value}", key="status",
     value="met")
_say("syntax.no-space-after-dash", "there is no space after '-'", "write {fixed}", fixed="- date: 2013-04-18")
_say("syntax.misplaced", "this line is indented {amount} {way} than the keys it belongs with",
     "start it in column {column}, under the key above it", amount="one space", way="more", column=9)
_say("syntax.unknown-escape", "'\\{char}' is not an escape YAML knows (in \"double quotes\" a backslash starts one)",
     "write the backslash twice (\\\\), or put the value in 'single quotes'", char="q")
_say("syntax.unknown-escape.digits", "'\\{char}' starts an escape that needs hexadecimal digits after it "
     "(in \"double quotes\" a backslash starts an escape)",
     "write the backslash twice (\\\\), or put the value in 'single quotes'", char="U")
_say("syntax.second-document", "a second document starts here ('---')",
     "keep one document: remove the '---' line and what follows, or merge it into the lists above")
_say("too-deep", "the lists and blocks here are nested more than {limit} levels deep", limit=64)
_say("tag-not-allowed", "the tag '{tag}' is not allowed", tag="!!python/object/apply:os.system")
_say("alias-not-allowed", "the alias '*{name}' is not allowed", name="x")
_say("alias-not-allowed.anchor", "the anchor '&{name}' is not allowed (nor are aliases)", name="x")
_say("duplicate-key", "'{key}' appears twice in this block (first on line {first})", key="topic", first=34)
_say("cut-by-comment", "the text after ' #' is left out of the {key}: YAML reads it as a comment",
     "put the whole value in quotes, e.g. {key}: {quoted}", key="note", quoted='"See report #3 of HRW."')
_say("not-text.key", "a key must be a plain word")

# -- the shape of the register (shapes.py, validate.py) ------------------------------------------------------------
_say("not-a-mapping.file", "the file should start with 'resolutions:' and 'demands:'",
     "see the example at the top of the README")
_say("not-a-mapping", "each {what} should be a block of 'key: value' lines",
     "start the item with '- id: ...' and put the other keys under it", what="demand")
_say("not-a-list", "'{key}' should be a list of {what}",
     "write each on its own line starting with '- ', or [] for none", key="sources", what="web addresses")
_say("not-text.block", "'{key}' should be a single value, not a block of keys", "write {key}: followed by text",
     key="addressee")
_say("not-text.list", "'{key}' should be a single value, not a list", "write {key}: followed by text", key="addressee")
_say("not-text.topic", "each topic should be a short name", "write e.g. '- political prisoners'")
_say("not-text.repeats", "each item of 'repeats' should be a demand id", "write e.g. '- kozlov-release-2012'")
_say("unknown-key", "{what} has no key '{key}'", "{near}the keys are: {keys}",
     what="this demand", key="adressee", near="addressee", keys=["id", "resolution", "addressee"])
_say("missing-key", "{what} is missing '{key}'", "add '{key}: ...' to it", what="this demand", key="addressee")
_say("empty-value", "'{key}' is empty", "write the {key} after the colon", key="demand")
_say("empty-value.resolutions", "'resolutions' is empty", "list at least one resolution under it")

# -- the values (validate.py) ----------------------------------------------------------------------------------------
_say("bad-id", "the {what} id '{value}' is not made of lower-case letters, digits and '-' only",
     "use a-z, 0-9 and '-', e.g. {example}",
     what="demand", value="Inquiry 2021", example="inquiry-2021")
_say("bad-id.too-long", "the {what} id is {length} characters long", "use at most {limit} characters, e.g. {example}",
     what="demand", length=95, limit=80, example="kozlov-release-2013-and-the-others-name")
_say("duplicate-id", "the {what} id '{value}' is already used on line {first}",
     "give this {what} another id, e.g. {value}-2", what="demand", value="doe-release-2019", first=13)
_say("not-a-flag", "{key}: {value} is neither true nor false", key="private", value="yes")
_say("bad-date", "{value} is not a date", "write YYYY-MM-DD, for example {example}",
     value="2019-13-02", example="2019-02-13")
_say("bad-date.form", "{value} is not written YYYY-MM-DD", "write {example}", value="2013-4-18", example="2013-04-18")
_say("unquoted-value.number", "{key}: {value} without quotes is a number to editors and other YAML programs, "
     "not text", "write {key}: \"{value}\"", key="resolution", value="2013")
_say("unquoted-value.true-false", "{key}: {value} without quotes is true or false to editors and other YAML "
     "programs, not text", "write {key}: \"{value}\"", key="note", value="false")
_say("unquoted-value.yes-no", "{key}: {value} without quotes is true or false to many YAML programs, not text",
     "write {key}: \"{value}\"", key="note", value="no")
_say("unquoted-value.item", "{value} without quotes, in '{key}', is a number or true/false to editors and other "
     "YAML programs, not text", "write - \"{value}\"", key="topics", value="2013")
_say("bad-url", "'{value}' is not a web address", value="javascript:alert(1)")
_say("bad-url.not-text", "this item is not a web address")
_say("unknown-topic", "the topic '{topic}' is not in the topics list", "{near}write one of: {topics}",
     topic="investigations", near="investigation", topics=["political prisoners", "investigation"])
_say("unknown-resolution", "there is no resolution with id '{id}'", "{near}write one of: {ids}",
     id="2012", near="2021", ids=["2019", "2021"])
_say("unknown-resolution.none-listed", "there is no resolution with id '{id}'", "write one of: (none listed yet)",
     id="2012")
_say("unknown-status", "unknown status '{word}'", "{near}write one of: " + _STATUSES, word="in progress",
     near="in-progress")
_say("empty-history", "this demand has no history entries",
     "add a first entry: '- date: <adoption date>' with 'status: pending'")
_say("date-before-adoption", "{date} is before the resolution was adopted ({adopted})",
     "use a date on or after {adopted}", date="2020-05-20", adopted="2021-05-20")
_say("future-date", "{date} is in the future (today is {today})", "enter an event once it has happened",
     date="2031-09-02", today="2026-11-24")
_say("history-order", "{date} comes after an entry dated {previous}",
     "keep entries oldest first; add corrections as a new entry at the end", date="2019-05-01", previous="2019-09-02")
_say("missing-source", "status '{status}' cites no source", "add a 'sources:' list with an http(s) address",
     status="met")
_say("unknown-demand", "there is no demand with id '{id}'",
     "{near}use the id of the same demand in an earlier resolution", id="doe-releas-2019", near="doe-release-2019")
_say("repeats-not-earlier", "'{id}' is not a demand of an earlier resolution", id="inquiry-2021")

# -- the file's language and the translations of its prose (validate.py, shapes.py) --------------------------------
_say("bad-language", N_("'{value}' is not a language code"),
     N_("{near}write 2 or 3 lower-case letters, e.g. ru or kk, and perhaps a region: pt-BR"),
     value="Russian", near="ru")
_say("same-language", N_("this file is written in '{language}' (language: {language}): a translation into "
                         "'{language}' is never shown"),
     N_("remove it; if the file is written in another language, write its code after 'language:'"), language="en")
_say("same-language.default", N_("this file is taken to be written in 'en', as it has no 'language:': a translation "
                                 "into 'en' is never shown"),
     N_("remove it; if the file is written in another language, say which at its top, e.g. language: ru"))
_say("not-a-mapping.translations", N_("'translations' should be a block of language codes, each with the fields it "
                                      "translates"),
     N_("indent a language code under it, e.g. 'ru:', and under that each translated field, e.g. '{example}: ...'"),
     example="demand")
_say("not-a-mapping.translation", N_("the '{language}' translations should be a block of 'field: text' lines"),
     N_("indent each translated field under '{language}:', e.g. '{example}: ...'"), language="ru", example="demand")
_say("empty-value.language", N_("'{language}:' has no translations under it"),
     N_("indent a translated field under it, e.g. '{example}: ...', or remove the line"), language="ru",
     example="demand")
_say("empty-value.translation", N_("the '{language}' translation of '{key}' is empty"),
     N_("write the translation after the colon, or remove the line"), language="ru", key="demand")
_say("unknown-key.translation", N_("'{key}' cannot be translated"),
     N_("the fields that can be translated here: {keys}"), key="paragraph", keys=["demand", "text"])
_say("unknown-key.translation-unknown", N_("there is no field '{key}' to translate"),
     N_("{near}the fields that can be translated here: {keys}"), key="demnad", near="demand", keys=["demand", "text"])

# -- monitor update and add (edit.py) --------------------------------------------------------------------------------
_say("unknown-demand.update", "there is no demand with id '{id}'", "the nearest ids are: {nearest}",
     id="inquiry-202", nearest=["inquiry-2021", "inquiry-2019"])
_say("unknown-demand.update-none-near", "there is no demand with id '{id}'", "run 'monitor status' to see the ids",
     id="xyz")
_say("unknown-status.option", "--status '{word}' is not a status", "{near}write one of: " + _STATUSES,
     word="done", near="")
_say("history-order.option", "--date {date} is before this demand's latest entry ({latest})",
     "entries go oldest first: to record an earlier event, say so in the note of a new entry",
     date="2020-01-01", latest="2021-05-20")
_say("bad-url.option", "--source '{value}' is not a web address", value="www.example.org")
_say("duplicate-entry", "demand '{id}' already has this entry ({date}, {status}, the same note) on line {line}",
     id="kozlov-release-2013", date="2016-08-19", status="met", line=445)
_say("same-day-entry", "demand '{id}' already had an entry of {date} with status '{status}' (line {line})",
     "check the two; if they record the same event, delete the new one (the one at the end)",
     id="kozlov-release-2013", date="2016-08-19", status="met", line=445)
_say("empty-value.note", "--note is empty", "write one sentence saying what happened")
_say("empty-history.no-list", "demand '{id}' has no history list to add to", "add the history by hand first",
     id="inquiry-2021")
_say("not-a-list.no-demands", "the file has no demands to add after", "add the first demand by hand")
_say("read-only", "the file is read-only (permissions {mode})", mode="-r--r--r--")
_say("cannot-write", "it cannot be written ({reason})", reason="No space left on device")
_say("cannot-write.lock", "the lock file beside it cannot be created ({reason})", reason="Permission denied")
_say("unsafe-edit", "the change would also have altered {what}, near this line", what="demand 'doe-release-2019'")
_say("unsafe-edit.no-final-line-break", "the change would also have altered {what}, near this line",
     "the file does not end with a line break: open it, press Enter after its last line, save, and run the "
     "command again", what="demand 'doe-release-2019'")
_say("unsafe-edit.value", "'{key}' of demand '{id}' cannot be changed here: it is missing, not a single value, or "
     "shares its line with another key", "change it in your editor", key="text", id="doe-release-2019")
_say("unsafe-edit.flow-list", "this list is written in brackets ([...]) on one line",
     "write it as lines starting with '- ', then run the command again")
_say("not-a-list.nothing-to-add-after", "the file has no {key} to add after", "add the first of the {key} by hand",
     key="demands")
_say("duplicate-id.drafted", "the id '{value}' is already used by one of the {key} here",
     "choose another id for --new, or rename the drafted item", value="doe-release-2019", key="demands")
_say("unsafe-edit.unreadable", "the new lines would have made the file unreadable, after the item that starts on "
     "this line")

# -- the history guard (guard.py) ------------------------------------------------------------------------------------
_say("demand-removed", "demand '{id}' (line {line} in {rev}) was removed",
     "put it back; mark it with a new history entry instead (git show {committed})",
     id="roe-release-2021", line=30, rev="HEAD", committed="HEAD:demands.yaml")
_say("history-removed", "the history entry '{entry}' of demand '{id}' was removed",
     entry="2020-06-01 not-met", id="inquiry-2019")
_say("history-rewritten", "the history entry '{entry}' of demand '{id}' was changed ({fields}) or moved since {rev}",
     entry="2020-06-01 not-met", id="inquiry-2019", fields=["note"], rev="HEAD")


def code_of(message_id: str) -> str:
    """The stable code of a message id: the part before the dot."""
    return message_id.partition(".")[0]


def problem_table() -> str:
    """The README's table of problem codes, one row per code."""
    rows = ["| code | kind | what it means | what to do |", "| --- | --- | --- | --- |"]
    rows += [f"| `{name}` | {code.severity} | {code.meaning} | {code.hint} |" for name, code in CODES.items()]
    return "\n".join(rows) + "\n"
