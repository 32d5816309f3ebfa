"""A pseudo-language for finding interface strings that escape translation.

Every string of the catalogue template, as extracted from the code and templates right now, is "translated" into
itself wrapped in ⟦ ⟧ ("Summary" -> "⟦Summary⟧", plural forms too, {fields} kept), so that any output rendered
under it shows at a glance which words came through the catalogue. `untranslated(text)` is what remains of a
text once every wrapped part (and any wrapped part inside it) is taken out: words left over are interface words
that were never marked, or were glued together outside the catalogue.

    from tests.i18n_pseudo import pseudo, untranslated
    with use(pseudo()):
        page = render(...)
    assert not untranslated(heading)

Reusable for the pages, the workbook and the digest. The language's code is "qps" (the pseudo-locale code of
ISO 639's private-use range, as Windows uses it), so data written in English counts as written in another
language: translations of the data and the marks of untranslated data show as they would in Russian.
"""
from __future__ import annotations

import dataclasses
import functools
import gettext
import io
import re

from monitor import i18n

OPEN, CLOSE = "⟦", "⟧"
CODE = "qps"
_INNERMOST = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_LETTER = re.compile(r"[^\W\d_]")


@functools.lru_cache(maxsize=1)
def pseudo() -> i18n.Language:
    """The pseudo-language: every msgstr is its msgid in ⟦ ⟧; dates and numbers formatted as in English."""
    from babel import Locale

    return i18n.Language(CODE, gettext.GNUTranslations(io.BytesIO(pseudo_mo())), Locale.parse(i18n.SOURCE))


def pseudo_mo() -> bytes:
    """The pseudo-language's compiled catalogue (.mo), from the strings of the code and templates as they are now."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from monitor.catalogues import extract

    catalog = Catalog(locale="en", domain=i18n.DOMAIN, charset="utf-8")
    for message in extract():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = tuple(wrap(text) for text in ids)
        catalog.add(message.id, strings if len(strings) > 1 else strings[0], context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def wrap(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


def untranslated(text: str) -> str:
    """`text` without its wrapped parts (innermost first, so that a wrapped template around wrapped words goes too),
    stripped; '' when every word of it came through the catalogue."""
    previous = None
    while previous != text:
        previous, text = text, _INNERMOST.sub(" ", text)
    return text.strip()


def has_words(text: str) -> bool:
    """True when `text` has a letter: symbols (○ ✓), digits, punctuation and spaces are not words."""
    return bool(_LETTER.search(text))


def data_strings(register: object) -> set[str]:
    """Every text of the data: its values and their lines (cells join several with new lines or commas)."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.update({value, *value.split("\n"), *value.split(", ")})
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name))
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item)

    walk(register)
    return found
