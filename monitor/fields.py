"""The vocabulary of demands.yaml: its fields, the id, date, link and language rules, and how each status looks.

One place for each: the validator reads which keys exist and which are required, the JSON Schema is generated
from the same table, and the editor, the frames and the renderers take the rules and the status symbols and
colours from here (renderers never import the validator). Adding an optional field to a demand is one line in
DEMAND plus its tests and the schema's regenerated output. A field marked `translatable` may be given in other
languages under its block's `translations:` (`ru:`, then the field's name and its text); every such translation is
unofficial, made by whoever keeps the file.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from .i18n import N_
from .model import Status

Kind = Literal["id", "text", "date", "url", "status", "flag", "texts", "ids", "urls", "entries", "resolutions",
               "demands", "language", "translations"]


@dataclass(frozen=True)
class Field:
    """One key of a block in the file: whether it must be there, what kind of value it holds, what it is for."""

    name: str
    required: bool
    kind: Kind
    description: str = ""
    private: bool = False  # for the team only: never in a report, workbook or digest without --include-private
    translatable: bool = False  # prose that `translations:` may give in other languages (see translatable())


TOP = (
    Field("language", False, "language", "The language the titles, demands, quoted texts and notes of this file are "
          "written in, as a code: en (the default), ru, kk, pt-BR."),
    Field("title", False, "text", "What the register is about, e.g. \"European Parliament demands on Kazakhstan\".",
          translatable=True),
    Field("translations", False, "translations", "Unofficial translations of the title, by language code: `ru:`, "
          "and indented under it `title: ...` in Russian. Reports in that language show the translation."),
    Field("topics", False, "texts", "The fixed set of topic labels."),
    Field("resolutions", True, "resolutions"),
    Field("demands", True, "demands"),
)
RESOLUTION = (
    Field("id", True, "id", "What reports and demands call this resolution, e.g. \"2013\"."),
    Field("title", True, "text", "The resolution's full title.", translatable=True),
    Field("translations", False, "translations", "Unofficial translations of the title, by language code: `ru:`, "
          "and indented under it `title: ...` in Russian. Reports in that language show the translation."),
    Field("adopted", True, "date", "The day it was adopted, YYYY-MM-DD."),
    Field("reference", False, "text", "The Parliament's own number, e.g. P7_TA(2013)0190."),
    Field("procedure", False, "text", "The procedure file, e.g. 2013/2600(RSP)."),
    Field("url", False, "url", "Where the adopted text can be read."),
)
# N_: the descriptions `monitor add --help` shows for its options are translated there (the schema's stay English)
DEMAND = (
    Field("id", True, "id", "A stable, unique id of lower-case letters, digits and '-', e.g. kozlov-release-2013."),
    Field("resolution", True, "text", N_("The id of the resolution that makes the demand.")),
    Field("paragraph", True, "text", N_("As numbered in the adopted text; \"unknown\" until checked there.")),
    Field("addressee", True, "text", N_("Who must act.")),
    Field("topic", True, "text", N_("One of the file's topics.")),
    Field("person", False, "text", N_("The person the demand is about, where it is about one person.")),
    Field("demand", True, "text", N_("One line: what is demanded."), translatable=True),
    Field("text", True, "text", N_("The demand's words, from the adopted text or the source in quoted_from."),
          translatable=True),
    Field("translations", False, "translations", "Unofficial translations of `demand` and `text`, by language code: "
          "`ru:`, and indented under it `demand: ...` in Russian. Reports in that language show the translated "
          "`demand`; a translated `text` only beside the quoted original, never instead of it."),
    Field("quoted_from", False, "url", N_("Where `text` comes from, when it is not the adopted text itself.")),
    Field("repeats", False, "ids", N_("Ids of the same demand made by earlier resolutions.")),
    Field("private_notes", False, "text", N_("For the team only (a source who must stay unnamed, say): never in a "
                                             "report, workbook or digest."), private=True),
    Field("history", True, "entries", "Oldest first; entries are only ever added."),
)
ENTRY = (
    Field("date", True, "date", "When it happened, YYYY-MM-DD."),
    Field("status", True, "status"),
    Field("note", True, "text", "One sentence: what happened.", translatable=True),
    Field("translations", False, "translations", "Unofficial translations of the note, by language code: `ru:`, "
          "and indented under it `note: ...` in Russian. May be added to a past entry: the record is unchanged."),
    Field("sources", False, "urls", "http(s) addresses of the evidence."),
    Field("follow_up", False, "date", "By when the team means to check again, or by when a report back was asked "
          "for, YYYY-MM-DD; a later entry without one clears it."),
    Field("private", False, "flag", "true: the whole entry is for the team only, never in a report, workbook or "
          "digest.", private=True),
)


def keys(fields: tuple[Field, ...]) -> dict[str, bool]:
    """{name: required} in the file's order, for the validator's key check."""
    return {f.name: f.required for f in fields}


def translatable(fields: tuple[Field, ...]) -> tuple[str, ...]:
    """The fields of a block that its `translations:` may translate, in the file's order."""
    return tuple(f.name for f in fields if f.translatable)


# -- languages --------------------------------------------------------------------------------------------------------
# The file's `language:` and the keys of `translations:`. Any plausible code is accepted, not only the languages
# monitor's own words are translated into: a register may carry Kazakh before the interface speaks it.
DEFAULT_LANGUAGE = "en"
# ISO 639 letters, then optionally a script (kk-Latn) and a region (pt-BR, es-419), as BCP 47 writes them
LANGUAGE_REGEX = "[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?"
_LANGUAGE = re.compile(LANGUAGE_REGEX + r"\Z")


def is_language(value: str) -> bool:
    """True for a language code as the file writes it: ru, kk, kk-Latn, pt-BR."""
    return bool(_LANGUAGE.match(value))


# -- ids ------------------------------------------------------------------------------------------------------------
MAX_ID_LENGTH = 80  # ids become file names and addresses: well under every limit
ID_REGEX = "[a-z0-9]+(-[a-z0-9]+)*"  # a lower-case slug; the JSON Schema anchors the same expression
_ID = re.compile(ID_REGEX + r"\Z")


def is_id(value: str) -> bool:
    """True for a lower-case slug such as kozlov-release-2013 (the length is checked apart, for its own message)."""
    return bool(_ID.match(value))


# -- dates ----------------------------------------------------------------------------------------------------------
DATE_REGEX = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_DATE = re.compile(DATE_REGEX + r"\Z")


def parse_date(value: str) -> dt.date | None:
    """A YYYY-MM-DD date, or None when the text is not a real date."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def date_parts(value: str) -> tuple[int, int, int] | None:
    """(year, month, day) as written, real date or not: for suggesting what was meant."""
    match = _DATE.match(value.strip())
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


# -- links ----------------------------------------------------------------------------------------------------------
_SIMPLE_WEB_ADDRESS = re.compile(r"https?://[A-Za-z0-9.-]*[A-Za-z0-9](?::\d+)?(?:[/?#]\S*)?\Z", re.I)
_SPACE = re.compile(r"\s")


def is_web_address(value: str) -> bool:
    """True for an absolute http(s) address: the only kind the file accepts and reports turn into links."""
    if _SIMPLE_WEB_ADDRESS.match(value):  # the common case, without urlsplit (profiled: half of validate)
        return True
    if not value or _SPACE.search(value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. "https://[oops" (an unclosed IPv6 bracket)
        return False


# -- how each status looks --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Look:
    """A status's symbol (so that it never depends on colour alone) and its colours in each output."""

    symbol: str
    accent: str        # style.css's --<status> custom property (a test keeps the two in step)
    chart_fill: str    # the HTML chart's bars (lighter for pending, which would otherwise look like a gap)
    excel_fill: str    # a status cell's background in the workbook
    excel_font: str    # its text, dark enough on that background
    excel_bar: str     # the workbook chart's bars


LOOKS: dict[Status, Look] = {
    Status.PENDING: Look("○", "#8a94a0", "#c9ced5", "E3E6EA", "3D444D", "A9B0B8"),
    Status.IN_PROGRESS: Look("◔", "#2f6fb5", "#2f6fb5", "D6E4F5", "1D4E85", "2F6FB5"),
    Status.PARTLY_MET: Look("◑", "#c98a00", "#c98a00", "FBE8B8", "6B4700", "C98A00"),
    Status.MET: Look("✓", "#1f7a3a", "#1f7a3a", "D3EEDB", "145A2A", "1F7A3A"),
    Status.NOT_MET: Look("✗", "#b42318", "#b42318", "F6D3CF", "8A1A12", "B42318"),
    Status.REVERSED: Look("↺", "#6f3fa8", "#6f3fa8", "E6DAF3", "4E2A7A", "6F3FA8"),
}
STATUS_SYMBOLS: dict[str, str] = {status.value: look.symbol for status, look in LOOKS.items()}
