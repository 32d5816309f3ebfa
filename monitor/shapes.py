"""The checks every block of the file shares: its keys, a single value, a list, an id, a date, a web address.

validate.py's checker builds on these for what is particular to resolutions, demands and history entries. Each
check returns the value when it can be used, or None after reporting why it cannot.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator

from .fields import (
    DEFAULT_LANGUAGE,
    DEMAND,
    ENTRY,
    MAX_ID_LENGTH,
    RESOLUTION,
    TOP,
    is_id,
    is_language,
    is_web_address,
    parse_date,
)
from .model import Translations
from .problems import Findings, problem
from .suggest import example_date, example_id, nearest, shorten
from .tree import Pos, YList, YMap
from .words import block_name, id_owner, item_name, list_content

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")  # the form the JSON Schema asks for
_FIELD_NAMES = frozenset(f.name for table in (TOP, RESOLUTION, DEMAND, ENTRY) for f in table)


class ShapeChecker:
    """Reports each problem once, where it stands, into `found`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found = Findings()
        self.rejected_ids: set[str] = set()  # ids reported as bad; references to them are not reported again
        self.language: str | None = None  # the file's `language:` once read (None: not given, so English)

    def add(self, at: Pos, message_id: str, **values: object) -> None:
        """Report the catalogue's message `message_id` at `at` (only counted when too many are kept already)."""
        found = self.found
        if found.wants(at[0], at[1]):  # a file of errors: most are only counted (benchmarks/invalid.py)
            found.add(problem(message_id, (self.path, at[0], at[1]), **values))
        else:
            found.count(message_id)

    def wants(self, at: Pos) -> bool:
        """False once enough earlier problems are kept: skip the costly hint, count the problem."""
        return self.found.wants(*at)

    def check_keys(self, mapping: YMap, allowed: dict[str, bool], what: str) -> None:
        """Required keys present, no unknown keys. `what`: the block ("file", "resolution", "demand", "entry").

        good:  `- id: kozlov-release-2013` with every required key
        bad:   `- id: kozlov-release-2013` + `adressee: ...` (unknown key, did you mean 'addressee'?)
        """
        missing = [key for key, required in allowed.items() if required and key not in mapping]
        misspelt = set()
        for key in mapping:
            if key not in allowed:
                at = mapping.key_pos[key]
                near = nearest(key, allowed) if self.wants(at) else ""
                misspelt.add(near)
                self.add(at, "unknown-key", what=block_name(what), key=key, near=near, keys=allowed)
        for key in missing:
            if key not in misspelt:  # a misspelt key is reported once, where it stands
                self.add(mapping.pos, "missing-key", what=block_name(what), key=key)

    def text(self, mapping: YMap, key: str, required: bool = True) -> str | None:
        """A single value; empty or a list/block where text belongs is a problem; a number, true/false or yes/no
        without quotes is a warning: editors and other YAML programs read it as something else than text.

        good:  `addressee: Kazakh authorities`, `paragraph: "7"`     bad:  `addressee:` (empty), `addressee: [a, b]`
        warned:  `resolution: 2013`, `note: no`
        """
        value = self.single(mapping, key, required)
        kind = mapping.typed.get(key) if value is not None else None
        if kind:
            self.unquoted(mapping.value_pos[key], kind, key, value or "")
        return value

    def unquoted(self, at: Pos, kind: str, key: str, value: str) -> None:
        """Warn about a value that other YAML programs read as a number or true/false (tree.typed_kind)."""
        if kind == "number":
            self.add(at, "unquoted-value.number", key=key, value=value)
        elif kind == "true-false":
            self.add(at, "unquoted-value.true-false", key=key, value=value)
        else:
            self.add(at, "unquoted-value.yes-no", key=key, value=value)

    def unquoted_item(self, items: YList, index: int, key: str) -> None:
        """Warn about an item of `key` that other YAML programs read as a number or true/false, not text.

        good:  `- "2012"`      warned:  `- 2012`
        """
        if index in items.typed:
            self.add(items.item_pos[index], "unquoted-value.item", key=key, value=items[index])

    def single(self, mapping: YMap, key: str, required: bool = True) -> str | None:
        """A single value as written (for dates and flags, whose words are not text)."""
        if key not in mapping:
            return None
        value = mapping[key]
        if isinstance(value, (YMap, YList)):
            self.add(mapping.value_pos[key], "not-text.block" if isinstance(value, YMap) else "not-text.list", key=key)
            return None
        if value is None or not value.strip():
            if required:
                self.add(mapping.key_pos[key], "empty-value", key=key)
            return None
        return value

    def listing(self, mapping: YMap, key: str, what: str) -> YList | None:
        """A list under `key`, of `what` (messages.list_content: "topics", "addresses", "ids"...).

        good:  `sources:` followed by `  - https://...`      bad:  `sources: https://...`
        """
        if key not in mapping or mapping[key] is None:
            return None
        value = mapping[key]
        if not isinstance(value, YList):
            self.add(mapping.value_pos[key], "not-a-list", key=key, what=list_content(what))
            return None
        return value

    def mappings(self, items: YList, what: str) -> Iterator[YMap]:
        """The items of a list that are `key: value` blocks; `what` they are ("resolution", "demand", "entry")."""
        for item, at in zip(items, items.item_pos):
            if isinstance(item, YMap):
                yield item
            else:
                self.add(at, "not-a-mapping", what=item_name(what))

    def check_id(self, item: YMap, found: dict[str, Pos], what: str) -> str | None:
        """A unique lower-case slug; `what` it names ("resolution", "demand").

        good:  `id: kozlov-release-2013`      bad:  `id: Kozlov Release` or the same id twice
        """
        value = self.text(item, "id")
        if value is None:
            return None
        value = value.strip()
        at = item.value_pos["id"]
        if len(value) > MAX_ID_LENGTH:  # ids become file names and URLs: keep them well under every limit
            self.rejected_ids.add(value)
            self.add(at, "bad-id.too-long", what=id_owner(what), length=len(value), limit=MAX_ID_LENGTH,
                     example=value[:40].strip("-"))
            return None
        if not is_id(value):
            self.rejected_ids.add(value)
            self.add(at, "bad-id", what=id_owner(what), value=value, example=example_id(value))
            return None
        if value in found:
            self.add(at, "duplicate-id", what=id_owner(what), value=value, first=found[value][0])
            return None
        found[value] = at
        return value

    def date(self, item: YMap, key: str, required: bool = True) -> dt.date | None:
        """A real calendar date.

        good:  `date: 2022-01-13`      bad:  `date: 2022-13-01`, `date: 13/01/2022`
        """
        value = self.single(item, key, required)
        if value is None:
            return None
        day = parse_date(value)
        if day is None:
            self.add(item.value_pos[key], "bad-date", value=value.strip(), example=example_date(value))
            return None
        if not _ISO_DATE.match(value.strip()):  # 2013-4-18: a real day, but editors and sorting need 2013-04-18
            self.add(item.value_pos[key], "bad-date.form", value=value.strip(), example=day.isoformat())
            return None
        return day

    def flag(self, item: YMap, key: str) -> bool | None:
        """An optional true or false (False when the key is not there).

        good:  `private: true`      bad:  `private: yes`, `private: "maybe"`
        """
        if key not in item:
            return False
        value = self.single(item, key)
        if value is None:
            return None
        if value.strip() in ("true", "false"):
            return value.strip() == "true"
        self.add(item.value_pos[key], "not-a-flag", key=key, value=value.strip())
        return None

    def address(self, item: YMap, key: str) -> str | None:
        """An http(s) address.

        good:  `url: https://www.europarl.europa.eu/...`      bad:  `url: javascript:alert(1)`, `url: www.x.org`
        """
        value = self.text(item, key, required=False)
        if value is None:
            return None
        value = value.strip()
        if not is_web_address(value):
            self.add(item.value_pos[key], "bad-url", value=shorten(value))
            return None
        return value

    # -- the file's language and the translations of its prose ---------------------------------------------------------
    def file_language(self, tree: YMap) -> str:
        """The language the file's prose is written in: its `language:`, else English. Read before any block, so
        that a translation into it can be pointed out.

        good:  `language: en`      bad:  `language: English` (did you mean 'en'?)
        """
        value = self.text(tree, "language", required=False)
        if value is not None and not is_language(value.strip()):
            self.add(tree.value_pos["language"], "bad-language", value=shorten(value.strip()),
                     near=_language_meant(value.strip()))
        elif value is not None:
            self.language = value.strip()
        return self.language or DEFAULT_LANGUAGE

    def translations(self, item: YMap, translatable: tuple[str, ...]) -> Translations:
        """The block's `translations:` as (language, field, text), in the file's order: each language a code, each
        with some of the fields in `translatable`, each translation a text. One into the file's own language is
        pointed out: it is never shown.

        good:  `translations:` / `  ru:` / `    demand: Освободить Владимира Козлова`
        bad:   `translations: ru`, `  Russian:`, `    paragraph: "7"`, `    demand:` (empty)
        """
        block = item.get("translations")
        if block is None:
            return ()
        if not isinstance(block, YMap):
            self.add(item.value_pos["translations"], "not-a-mapping.translations", example=translatable[0])
            return ()
        found = []
        for code, texts in block.items():
            at = block.key_pos[code]
            if not is_language(code):
                self.add(at, "bad-language", value=shorten(code), near=_language_meant(code))
            elif code == (self.language or DEFAULT_LANGUAGE):
                if self.language:
                    self.add(at, "same-language", language=code)
                else:
                    self.add(at, "same-language.default")
            if texts is None or isinstance(texts, YMap) and not texts:
                self.add(at, "empty-value.language", language=code, example=translatable[0])
            elif not isinstance(texts, YMap):
                self.add(block.value_pos[code], "not-a-mapping.translation", language=code, example=translatable[0])
            else:
                found += [(code, name, text) for name, text in self.translated_fields(code, texts, translatable)]
        return tuple(found)

    def translated_fields(self, code: str, texts: YMap, translatable: tuple[str, ...]) -> list[tuple[str, str]]:
        """(field, text) of one language's translations, each field one that can be translated, each text not empty;
        runs of spaces and line breaks become one space, as in the fields' originals."""
        found = []
        for name, value in texts.items():
            at = texts.key_pos[name]
            if name not in translatable:
                if name in _FIELD_NAMES:
                    self.add(at, "unknown-key.translation", key=name, keys=translatable)
                else:
                    self.add(at, "unknown-key.translation-unknown", key=name, near=nearest(name, translatable),
                             keys=translatable)
            elif value is None or isinstance(value, str) and not value.strip():
                self.add(at, "empty-value.translation", language=code, key=name)
            else:
                text = self.text(texts, name)  # a list or block where text belongs; an unquoted number or yes/no
                if text is not None:
                    found.append((name, " ".join(text.split())))
        return found


def _language_meant(value: str) -> str:
    """The code probably meant by a value that is not one: 'RU' -> 'ru', 'pt_br' -> 'pt-BR', 'Russian' -> 'ru';
    '' when none is near."""
    parts = re.split(r"[-_ ]", value.strip())
    if 1 <= len(parts) <= 3 and all(parts):
        shaped = [parts[0].lower()] + [p.title() if len(p) == 4 else p.upper() for p in parts[1:]]
        if is_language("-".join(shaped)):
            return "-".join(shaped)
    return _language_names().get(value.strip().lower(), "")


@functools.lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """Language names in English and in Russian, lower-cased -> code ('russian' -> 'ru', 'казахский' -> 'kk')."""
    from babel import Locale  # only when a language is misspelt: validate starts without Babel

    names: dict[str, str] = {}
    for where in ("ru", "en"):
        for code, name in Locale.parse(where).languages.items():
            if is_language(code):
                names[name.lower()] = code
    return names
