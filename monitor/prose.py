"""An item's prose in the reader's language: its translation where the file has one, else the original, marked
with the language it is in.

Every translation in the file is unofficial. A demand's `text` (the Parliament's own words) is never replaced:
`quote` gives the original, with any translation beside it for the reader to see as unofficial.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .model import Translations


class Translated(Protocol):
    @property
    def translations(self) -> Translations: ...  # read-only: the model's frozen dataclasses match


@dataclass(frozen=True)
class Prose:
    """Text to show, the language it is in, and whether it is an (unofficial) translation of the original."""

    text: str
    language: str
    translated: bool = False

    def __str__(self) -> str:
        return self.text


def translation(item: Translated, name: str, language: str) -> str:
    """The item's translation of field `name` into `language`; '' when the file gives none."""
    for code, field_name, text in item.translations:
        if code == language and field_name == name and text.strip():
            return text
    return ""


def prose(item: Translated, name: str, original: str, *, source: str, language: str) -> Prose:
    """Field `name` (whose text is `original`, written in `source`) as a reader of `language` sees it: the
    translation when there is one, else the original."""
    if language != source:
        text = translation(item, name, language)
        if text:
            return Prose(text, language, translated=True)
    return Prose(original, source)


@dataclass(frozen=True)
class Quote:
    """A demand's quoted words: always the original; an unofficial translation beside it when there is one."""

    original: Prose
    unofficial: Prose | None


def quote(item: Translated, original: str, *, source: str, language: str) -> Quote:
    """The quoted `text` for a reader of `language`: never a translation instead of the Parliament's words."""
    text = translation(item, "text", language) if language != source else ""
    return Quote(Prose(original, source), Prose(text, language, translated=True) if text else None)
