"""The catalogue of problems: every code with its meaning, and every message with its wording.

A code (`bad-date`) is stable: the README's table lists it, tests assert it, scripts may match on it. A message
id (`syntax.unclosed-quote`) names one way of meeting a code: the part before the dot is the code, and an id without
a dot is the code's plain message. Each message is a `str.format` template for the message and, where the code's
hint is not the right advice, one for the hint. `problems.problem(message_id, where, **values)` fills them in; it
is the only way a Problem is made.

Every text here is English, marked with N_() for the catalogue (monitor/locale) and translated when a problem is
made: `problem()` fills the message and hint in the language active at that moment (i18n.use). Codes and message
ids are never translated. The rules of the filling, the same in every language:
- a list of values is written "a, b, c" (its separator translated);
- the value `near` (a word close to what was written, or "") becomes "did you mean 'word'? " (or nothing);
- `statuses` is always there: the six statuses, as they are written in the file;
- `size`, `limit` and `length` are counts, written as the language writes numbers (20,971,520 or 20 971 520);
  lines and columns stay plain digits, and dates stay as they are written in the file (YYYY-MM-DD);
- `reason` is what the system says of a file it cannot read or write ("Permission denied"), translated when it
  is one of words.SYSTEM_REASONS.
Words that fill a field (`{what}`: "this demand", "a folder") come from words.py, in the reader's language and in
the grammatical form their message needs.

tests/golden/messages.txt shows every message filled with its example values, messages.ru.txt the same in
Russian: a change of wording shows there.
"""
from __future__ import annotations

import stat
from collections.abc import Callable
from dataclasses import dataclass, field

from .i18n import N_, _
from .readfile import kind_of
from .words import block_name, direction, id_owner, item_name, list_content, spaces, statuses

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
    example: dict[str, object] = field(default_factory=dict)  # a callable value: a word, asked for when shown

    def example_values(self) -> dict[str, object]:
        """The example values, the words among them in the active language (for the golden files)."""
        return {name: value() if callable(value) else value for name, value in self.example.items()}


CODES: dict[str, Code] = {
    "file-missing": Code(ERROR, N_("the data file does not exist or cannot be read"),
                         N_("check the path, or pass --file")),
    "file-too-large": Code(ERROR, N_("the file is larger than the limit"),
                           N_("keep it under 20 MB: move older resolutions into a second file")),
    "not-utf8": Code(ERROR, N_("the file is not UTF-8 text"), N_("save it as UTF-8 in your editor")),
    "not-a-file": Code(ERROR, N_("the data file is a folder, a named pipe or a device"),
                       N_("give the path of a .yaml file")),
    "control-character": Code(ERROR, N_("an invisible control character is in the text (raw or as an escape like "
                                        "\\e)"), N_("delete it and retype the text")),
    "line-break-character": Code(ERROR, N_("a line break other than the usual one (a lone CR, NEL, U+2028 or U+2029), "
                                           "usually pasted from a web page or a PDF"),
                                 N_("delete the invisible character, or retype the text around it")),
    "too-deep": Code(ERROR, N_("lists and blocks nested more than 64 levels deep"),
                     N_("a register needs at most 5 levels")),
    "tab-indent": Code(ERROR, N_("a tab is used for indentation"), N_("indent with spaces only")),
    "syntax": Code(ERROR, N_("the YAML cannot be read (indentation, a missing colon, an unclosed quote)"),
                   N_("line the key up with the keys above it, and close quotes")),
    "tag-not-allowed": Code(ERROR, N_("a YAML tag (`!!python/...`, `!tag`) is used"),
                            N_("remove the tag; write plain text")),
    "alias-not-allowed": Code(ERROR, N_("a YAML anchor or alias (`&name`, `*name`) is used"),
                              N_("write the value out in full")),
    "duplicate-key": Code(ERROR, N_("the same key appears twice in one block"), N_("keep one of them")),
    "not-a-mapping": Code(ERROR, N_("a block of `key: value` lines was expected"), N_("write `key: value` lines")),
    "not-a-list": Code(ERROR, N_("a list (lines starting with `- `) was expected"),
                       N_("write each item on a line starting with `- `")),
    "not-text": Code(ERROR, N_("a single value was expected here"), N_("write plain text after the colon")),
    "missing-key": Code(ERROR, N_("a required key is missing"), N_("add the key with its value")),
    "unknown-key": Code(ERROR, N_("a key that the file format does not know"), N_("check its spelling, or remove it")),
    "empty-value": Code(ERROR, N_("a required value is empty"), N_("write the value after the colon")),
    "bad-id": Code(ERROR, N_("an id that is not made of lower-case letters, digits and '-'"),
                   N_("use a-z, 0-9 and '-', e.g. kozlov-release-2013")),
    "duplicate-id": Code(ERROR, N_("two items have the same id"), N_("give one of them another id")),
    "unknown-resolution": Code(ERROR, N_("a demand names a resolution that is not in `resolutions:`"),
                               N_("use one of the resolution ids")),
    "unknown-topic": Code(ERROR, N_("a topic that is not in the `topics:` list"),
                          N_("use one of the topics, or add it to `topics:`")),
    "unknown-status": Code(ERROR, N_("a status that is not one of the six"), N_("write one of the six statuses")),
    "bad-date": Code(ERROR, N_("a value that is not a real date"), N_("write YYYY-MM-DD, e.g. 2022-01-13")),
    "not-a-flag": Code(ERROR, N_("a value that is not true or false"), N_("write true (or leave the key out)")),
    "future-date": Code(ERROR, N_("a date after today"), N_("enter events only once they have happened")),
    "date-before-adoption": Code(ERROR, N_("a history date before the resolution was adopted"),
                                 N_("use a date on or after the adoption date")),
    "history-order": Code(ERROR, N_("history entries are not in date order"), N_("put the entries oldest first")),
    "empty-history": Code(ERROR, N_("a demand has no history entries"),
                          N_("add a first entry: the adoption date, status pending")),
    "bad-url": Code(ERROR, N_("an address that is not http(s)"),
                    N_("write a full address starting with https:// (or http://)")),
    "unknown-demand": Code(ERROR, N_("`repeats` names a demand that does not exist"),
                           N_("use the id of an existing demand")),
    "repeats-not-earlier": Code(ERROR, N_("`repeats` names a demand of a resolution that is not earlier"),
                                N_("link only to the same demand made by an earlier resolution")),
    "bad-language": Code(ERROR, N_("a language code that is not 2 or 3 lower-case letters, with an optional region "
                                   "as in pt-BR"), N_("write a code such as en, ru or kk")),
    "demand-removed": Code(ERROR, N_("a demand that was committed has been removed (monitor validate --against)"),
                           N_("put it back; record what happened to it with a new history entry")),
    "history-removed": Code(ERROR, N_("a committed history entry has been removed (monitor validate --against)"),
                            N_("put it back; to correct it, add a new entry at the end")),
    "history-rewritten": Code(ERROR, N_("a committed history entry has been edited or moved (monitor validate "
                                        "--against)"),
                              N_("restore it as it was; to correct it, add a new entry at the end")),
    "read-only": Code(ERROR, N_("`monitor update` or `add` was asked to change a read-only file"),
                      N_("nothing was written; make the file writable (chmod u+w FILE) if you mean to change it")),
    "cannot-write": Code(ERROR, N_("the file or its folder cannot be written (permissions, a full disk)"),
                         N_("nothing was written; free some space or fix the folder's permissions, then run it again")),
    "unsafe-edit": Code(ERROR, N_("`monitor update` or `add` could not make the change without altering something "
                                  "else"),
                        N_("nothing was written; add it in your editor instead, and report the case with the file")),
    "cut-by-comment": Code(WARNING, N_("a ' #' after a value starts a comment: the rest of the line is left out"),
                           N_("put the whole value in quotes")),
    "duplicate-entry": Code(ERROR, N_("`monitor update` was asked to add an entry the demand already has"),
                            N_("nothing was written: the entry is in the file already")),
    "same-day-entry": Code(WARNING, N_("`monitor update` added an entry with the date and status of one already "
                                       "there"),
                           N_("check the two entries; if they record the same event, delete the new one")),
    "unquoted-value": Code(WARNING, N_("a value without quotes that editors or other YAML programs read as a number, "
                                       "true/false or yes/no, not as text"),
                           N_("put the value in quotes, e.g. resolution: \"2013\"")),
    "same-language": Code(WARNING, N_("a translation into the language the file is written in: it is never shown"),
                          N_("remove it, or write the file's own language at its top: language: CODE")),
    "missing-source": Code(WARNING, N_("a status change cites no source"),
                           N_("add a `sources:` list with an http(s) address")),
}

MESSAGES: dict[str, Message] = {}
NEAR = N_("did you mean '{word}'? ")  # how the value `near` is shown, when there is a word close to what was written
NUMBERS = frozenset(("size", "limit", "length"))  # counts, written as the language writes numbers
GIVEN: dict[str, Callable[[], str]] = {"statuses": statuses}  # fields every message may use without being given


def _say(message_id: str, text: str, hint: str | None = None, /, **example: object) -> None:
    MESSAGES[message_id] = Message(text, hint, example)

# -- reading the file (load.py, edit.py) -----------------------------------------------------------------------------
_say("file-missing", N_("cannot read the file {place} ({reason})"), N_("run monitor in the folder that holds the data "
     "file, or give its path with --file"), place="/home/ngo/register/demands.yaml", reason="No such file or directory")
_say("file-missing.not-staged", N_("{name} is not in the commit being prepared (it was deleted or moved with git)"),
     N_("put it back with: git restore --staged --worktree {name}"), name="demands.yaml")
_say("not-a-file", N_("this is {kind}, not a file"), kind=lambda: kind_of(stat.S_IFDIR))
_say("file-too-large", N_("the file is {size} bytes, more than the limit of {limit}"),
     size=52428800, limit=20971520)
_say("file-too-large.unknown-size", N_("the file is larger than the limit of {limit} bytes"), limit=20971520)
_say("not-utf8", N_("byte 0x{byte:02x} is not UTF-8 text"), byte=0xE9)
_say("line-break-character", N_("{what} is in the text here: YAML counts it as a new line, other programs do not"),
     # TRANSLATORS: an example value, shown only in tests/golden/messages.ru.txt
     what=lambda: _("a line separator (U+2028)"))
_say("control-character", N_("the invisible character U+{codepoint:04X} cannot appear in a YAML file"), codepoint=0)
_say("control-character.unknown", N_("an invisible character cannot appear in a YAML file"))
_say("control-character.escaped", N_("this text contains {what} (written as the escape {escape} or similar)"),
     # TRANSLATORS: an example value, shown only in tests/golden/messages.ru.txt
     what=lambda: _("the control character ESC (U+001B)"), escape="\\x1b")
_say("control-character.option", N_("--{option} contains {what}: {text}"),
     option="note", what=lambda: _("the control character ESC (U+001B)"), text="Released\\x1b[2J")

# -- YAML syntax (syntax.py explains the parser's errors; issue #13 adds to these) --------------------------------
_say("tab-indent", N_("a tab is used here; YAML allows only spaces for indentation"))
# TRANSLATORS: {parser_says} is the YAML parser's own English words ("found unexpected end of stream"): say so
_say("syntax", N_("{parser_says}"), "", parser_says="found unexpected end of stream")  # no cause known: no hint
_say("syntax.unclosed-quote", N_("this quoted text is never closed"),
     N_("add the closing quote at the end of the value"))
_say("syntax.second-colon", N_("a second ':' where a value was expected"),
     N_("put the value in quotes, e.g. note: \"Result: released\""))
_say("syntax.bad-indentation", N_("this line is not indented like the lines around it"),
     N_("line the key up with the keys above it (spaces only)"))
_say("syntax.missing-colon", N_("a key without ':' (or a value on a line of its own)"),
     N_("write `key: value` on one line, or indent a continued value further than its key"))
_say("syntax.missing-colon.key", N_("'{key}' has no ':' after it"), N_("write {key}: {value}"), key="note",
     value="Demanded by the European Parliament.")
_say("syntax.no-space-after-colon", N_("there is no space after '{key}:'"), N_("write {key}: {value}"), key="status",
     value="met")
_say("syntax.no-space-after-dash", N_("there is no space after '-'"), N_("write {fixed}"), fixed="- date: 2013-04-18")
_say("syntax.misplaced", N_("this line is indented {amount} {way} than the keys it belongs with"),
     N_("start it in column {column}, under the key above it"), amount=lambda: spaces(1), way=lambda: direction(1),
     column=9)
_say("syntax.unknown-escape", N_("'\\{char}' is not an escape YAML knows (in \"double quotes\" a backslash starts "
                                 "one)"),
     N_("write the backslash twice (\\\\), or put the value in 'single quotes'"), char="q")
_say("syntax.unknown-escape.digits", N_("'\\{char}' starts an escape that needs hexadecimal digits after it "
     "(in \"double quotes\" a backslash starts an escape)"),
     N_("write the backslash twice (\\\\), or put the value in 'single quotes'"), char="U")
_say("syntax.second-document", N_("a second document starts here ('---')"),
     N_("keep one document: remove the '---' line and what follows, or merge it into the lists above"))
_say("too-deep", N_("the lists and blocks here are nested more than {limit} levels deep"), limit=64)
_say("tag-not-allowed", N_("the tag '{tag}' is not allowed"), tag="!!python/object/apply:os.system")
_say("alias-not-allowed", N_("the alias '*{name}' is not allowed"), name="x")
_say("alias-not-allowed.anchor", N_("the anchor '&{name}' is not allowed (nor are aliases)"), name="x")
_say("duplicate-key", N_("'{key}' appears twice in this block (first on line {first})"), key="topic", first=34)
_say("cut-by-comment", N_("the text after ' #' is left out of the {key}: YAML reads it as a comment"),
     N_("put the whole value in quotes, e.g. {key}: {quoted}"), key="note", quoted='"See report #3 of HRW."')
_say("not-text.key", N_("a key must be a plain word"))

# -- the shape of the register (shapes.py, validate.py) ------------------------------------------------------------
_say("not-a-mapping.file", N_("the file should start with 'resolutions:' and 'demands:'"),
     N_("see the example at the top of the README"))
_say("not-a-mapping", N_("each {what} should be a block of 'key: value' lines"),
     N_("start the item with '- id: ...' and put the other keys under it"), what=lambda: item_name("demand"))
_say("not-a-list", N_("'{key}' should be a list of {what}"),
     N_("write each on its own line starting with '- ', or [] for none"), key="sources",
     what=lambda: list_content("addresses"))
_say("not-text.block", N_("'{key}' should be a single value, not a block of keys"), N_("write {key}: followed by text"),
     key="addressee")
_say("not-text.list", N_("'{key}' should be a single value, not a list"), N_("write {key}: followed by text"),
     key="addressee")
_say("not-text.topic", N_("each topic should be a short name"), N_("write e.g. '- political prisoners'"))
_say("not-text.repeats", N_("each item of 'repeats' should be a demand id"), N_("write e.g. '- kozlov-release-2012'"))
_say("unknown-key", N_("{what} has no key '{key}'"), N_("{near}the keys are: {keys}"),
     what=lambda: block_name("demand"), key="adressee", near="addressee", keys=["id", "resolution", "addressee"])
_say("missing-key", N_("{what} is missing '{key}'"), N_("add '{key}: ...' to it"), what=lambda: block_name("demand"),
     key="addressee")
_say("empty-value", N_("'{key}' is empty"), N_("write the {key} after the colon"), key="demand")
_say("empty-value.resolutions", N_("'resolutions' is empty"), N_("list at least one resolution under it"))

# -- the values (validate.py) ----------------------------------------------------------------------------------------
_say("bad-id", N_("the {what} id '{value}' is not made of lower-case letters, digits and '-' only"),
     N_("use a-z, 0-9 and '-', e.g. {example}"),
     what=lambda: id_owner("demand"), value="Inquiry 2021", example="inquiry-2021")
_say("bad-id.too-long", N_("the {what} id is {length} characters long"),
     N_("use at most {limit} characters, e.g. {example}"),
     what=lambda: id_owner("demand"), length=95, limit=80, example="kozlov-release-2013-and-the-others-name")
_say("duplicate-id", N_("the {what} id '{value}' is already used on line {first}"),
     N_("give this {what} another id, e.g. {value}-2"), what=lambda: id_owner("demand"), value="doe-release-2019",
     first=13)
_say("not-a-flag", N_("{key}: {value} is neither true nor false"), key="private", value="yes")
_say("bad-date", N_("{value} is not a date"), N_("write YYYY-MM-DD, for example {example}"),
     value="2019-13-02", example="2019-02-13")
_say("bad-date.form", N_("{value} is not written YYYY-MM-DD"), N_("write {example}"), value="2013-4-18",
     example="2013-04-18")
_say("unquoted-value.number", N_("{key}: {value} without quotes is a number to editors and other YAML programs, "
     "not text"), N_("write {key}: \"{value}\""), key="resolution", value="2013")
_say("unquoted-value.true-false", N_("{key}: {value} without quotes is true or false to editors and other YAML "
     "programs, not text"), N_("write {key}: \"{value}\""), key="note", value="false")
_say("unquoted-value.yes-no", N_("{key}: {value} without quotes is true or false to many YAML programs, not text"),
     N_("write {key}: \"{value}\""), key="note", value="no")
_say("unquoted-value.item", N_("{value} without quotes, in '{key}', is a number or true/false to editors and other "
     "YAML programs, not text"), N_("write - \"{value}\""), key="topics", value="2013")
_say("bad-url", N_("'{value}' is not a web address"), value="javascript:alert(1)")
_say("bad-url.not-text", N_("this item is not a web address"))
_say("unknown-topic", N_("the topic '{topic}' is not in the topics list"), N_("{near}write one of: {topics}"),
     topic="investigations", near="investigation", topics=["political prisoners", "investigation"])
_say("unknown-resolution", N_("there is no resolution with id '{id}'"), N_("{near}write one of: {ids}"),
     id="2012", near="2021", ids=["2019", "2021"])
_say("unknown-resolution.none-listed", N_("there is no resolution with id '{id}'"),
     N_("write one of: (none listed yet)"), id="2012")
_say("unknown-status", N_("unknown status '{word}'"), N_("{near}write one of: {statuses}"), word="in progress",
     near="in-progress")
_say("empty-history", N_("this demand has no history entries"),
     N_("add a first entry: '- date: <adoption date>' with 'status: pending'"))
_say("date-before-adoption", N_("{date} is before the resolution was adopted ({adopted})"),
     N_("use a date on or after {adopted}"), date="2020-05-20", adopted="2021-05-20")
_say("future-date", N_("{date} is in the future (today is {today})"), N_("enter an event once it has happened"),
     date="2031-09-02", today="2026-11-24")
_say("history-order", N_("{date} comes after an entry dated {previous}"),
     N_("keep entries oldest first; add corrections as a new entry at the end"), date="2019-05-01",
     previous="2019-09-02")
_say("missing-source", N_("status '{status}' cites no source"), N_("add a 'sources:' list with an http(s) address"),
     status="met")
_say("unknown-demand", N_("there is no demand with id '{id}'"),
     N_("{near}use the id of the same demand in an earlier resolution"), id="doe-releas-2019", near="doe-release-2019")
_say("repeats-not-earlier", N_("'{id}' is not a demand of an earlier resolution"), id="inquiry-2021")

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
_say("unknown-demand.update", N_("there is no demand with id '{id}'"), N_("the nearest ids are: {nearest}"),
     id="inquiry-202", nearest=["inquiry-2021", "inquiry-2019"])
_say("unknown-demand.update-none-near", N_("there is no demand with id '{id}'"),
     N_("run 'monitor status' to see the ids"), id="xyz")
_say("unknown-status.option", N_("--status '{word}' is not a status"), N_("{near}write one of: {statuses}"),
     word="done", near="")
_say("history-order.option", N_("--date {date} is before this demand's latest entry ({latest})"),
     N_("entries go oldest first: to record an earlier event, say so in the note of a new entry"),
     date="2020-01-01", latest="2021-05-20")
_say("bad-url.option", N_("--source '{value}' is not a web address"), value="www.example.org")
_say("duplicate-entry", N_("demand '{id}' already has this entry ({date}, {status}, the same note) on line {line}"),
     id="kozlov-release-2013", date="2016-08-19", status="met", line=445)
_say("same-day-entry", N_("demand '{id}' already had an entry of {date} with status '{status}' (line {line})"),
     N_("check the two; if they record the same event, delete the new one (the one at the end)"),
     id="kozlov-release-2013", date="2016-08-19", status="met", line=445)
_say("empty-value.note", N_("--note is empty"), N_("write one sentence saying what happened"))
_say("empty-history.no-list", N_("demand '{id}' has no history list to add to"), N_("add the history by hand first"),
     id="inquiry-2021")
_say("not-a-list.no-demands", N_("the file has no demands to add after"), N_("add the first demand by hand"))
_say("read-only", N_("the file is read-only (permissions {mode})"), mode="-r--r--r--")
_say("cannot-write", N_("it cannot be written ({reason})"), reason="No space left on device")
_say("cannot-write.lock", N_("the lock file beside it cannot be created ({reason})"), reason="Permission denied")
_say("unsafe-edit", N_("the change would also have altered {what}, near this line"), what="demand 'doe-release-2019'")
_say("unsafe-edit.no-final-line-break", N_("the change would also have altered {what}, near this line"),
     N_("the file does not end with a line break: open it, press Enter after its last line, save, and run the "
     "command again"), what="demand 'doe-release-2019'")
_say("unsafe-edit.value", N_("'{key}' of demand '{id}' cannot be changed here: it is missing, not a single value, or "
     "shares its line with another key"), N_("change it in your editor"), key="text", id="doe-release-2019")
_say("unsafe-edit.flow-list", N_("this list is written in brackets ([...]) on one line"),
     N_("write it as lines starting with '- ', then run the command again"))
_say("not-a-list.nothing-to-add-after", N_("the file has no {key} to add after"),
     N_("add the first of the {key} by hand"), key="demands")
_say("duplicate-id.drafted", N_("the id '{value}' is already used by one of the {key} here"),
     N_("choose another id for --new, or rename the drafted item"), value="doe-release-2019", key="demands")
_say("unsafe-edit.unreadable", N_("the new lines would have made the file unreadable, after the item that starts on "
     "this line"))

# -- the history guard (guard.py) ------------------------------------------------------------------------------------
_say("demand-removed", N_("demand '{id}' (line {line} in {rev}) was removed"),
     N_("put it back; mark it with a new history entry instead (git show {committed})"),
     id="roe-release-2021", line=30, rev="HEAD", committed="HEAD:demands.yaml")
_say("history-removed", N_("the history entry '{entry}' of demand '{id}' was removed"),
     entry="2020-06-01 not-met", id="inquiry-2019")
_say("history-rewritten", N_("the history entry '{entry}' of demand '{id}' was changed ({fields}) or moved since "
                             "{rev}"),
     entry="2020-06-01 not-met", id="inquiry-2019", fields=["note"], rev="HEAD")


def code_of(message_id: str) -> str:
    """The stable code of a message id: the part before the dot."""
    return message_id.partition(".")[0]


def problem_table() -> str:
    """The README's table of problem codes, one row per code."""
    rows = ["| code | kind | what it means | what to do |", "| --- | --- | --- | --- |"]
    rows += [f"| `{name}` | {code.severity} | {code.meaning} | {code.hint} |" for name, code in CODES.items()]
    return "\n".join(rows) + "\n"
