"""The reader's language: the words of every interface string (gettext catalogues) and the form of dates, numbers and
lengths of time (Babel, with the language's plural rules: Russian has three forms).

One language is active at a time, held in a context variable: `with use("ru"): ...` renders everything inside in
Russian, and `_()`, `ngettext()`, `counted()`, `long_date()`... read it when called. English, the language the
strings are written in, needs no catalogue; another language is available when monitor/locale/<code>/LC_MESSAGES/
monitor.po exists (compiled to monitor.mo when the package is installed: see catalogues.py).

Strings are marked where they are written: `_("text")` translates now; `N_("text")` only marks a string kept in a
table (a code's meaning, a status's word) and is translated with `_()` where it is shown. Templates are
`str.format` templates with named fields: `_("{count} of {total}").format(count=..., total=...)`.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import gettext
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import MonitorError

if TYPE_CHECKING:
    from babel import Locale

SOURCE = "en"  # the language the strings are written in
DOMAIN = "monitor"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# the CLDR locale of a language's dates and numbers, where it is not the language's code itself
FORMAT_LOCALES: dict[str, str] = {}
# date patterns where CLDR's long and medium ones are not what the readers expect: English day first, as written in
# the EU ("14 March 2019"), with CLDR's plain English month abbreviations ("Sep", where British English has "Sept")
DATE_PATTERNS = {"en": {"long": "d MMMM y", "medium": "d MMM y"}}
_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*\Z")


class UnknownLanguage(MonitorError):
    """A language asked for (--lang, MONITOR_LANGUAGE, monitor.toml, a recipient) that has no catalogue: wrong usage."""

    exit_code = 2


def N_(text: str) -> str:
    """Marks a string for the catalogue without translating it: it is translated with _() where it is shown."""
    return text


class Language:
    """One language: its code ('ru'), its catalogue, and the Babel locale that formats its dates and numbers
    (given, or found from the code the first time it is needed: a command that formats nothing, `monitor
    --version` say, never loads Babel). A plain class, not a dataclass: every command imports this module first,
    and `dataclasses` costs 5 ms of the 50 ms `monitor --version` takes. Compared by identity."""

    def __init__(self, code: str, translations: gettext.NullTranslations, given_locale: Locale | None = None) -> None:
        self.code, self.translations, self.given_locale = code, translations, given_locale

    @functools.cached_property
    def locale(self) -> Locale:
        from babel import Locale, UnknownLocaleError

        if self.given_locale is not None:
            return self.given_locale
        try:
            return Locale.parse(FORMAT_LOCALES.get(self.code, self.code).replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            return Locale.parse(SOURCE)

    @property
    def name(self) -> str:
        """The language's name in itself, as a language switch shows it: 'English', 'Русский'."""
        name = self.locale.get_language_name(self.locale) or self.code
        return name[:1].upper() + name[1:]


def available() -> tuple[str, ...]:
    """The languages monitor can write: English and every language with a catalogue, by code."""
    found = {p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    found |= {p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return (SOURCE, *sorted(found - {SOURCE}))


@functools.lru_cache(maxsize=None)
def language(code: str) -> Language:
    """The Language for a code ('ru', 'en'); UnknownLanguage naming the ones there are when it has no catalogue."""
    code = code.strip()
    if code not in available():
        shown = f"'{code}'" if _CODE.match(code) else ascii(code)  # what no code looks like: every character shown
        raise UnknownLanguage(_("there is no {code} language — use one of: {languages} (a language is added with its "
                                "catalogue: see the README's section on languages)").format(
            code=shown, languages=", ".join(available())))
    return Language(code, _translations(code))


def _translations(code: str) -> gettext.NullTranslations:
    """The compiled catalogue; the .po itself when it is newer than the .mo or the .mo is missing (a catalogue
    being edited is read as it stands: catalogues.compile_all writes the .mo again)."""
    if code == SOURCE:
        return gettext.NullTranslations()
    folder = LOCALE_DIR / code / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    from .catalogues import compiled

    return gettext.GNUTranslations(compiled(po))


def parse_languages(value: str) -> tuple[str, ...]:
    """'en,ru' -> ('en', 'ru'): each checked, in the order given, without repeats."""
    codes = [c.strip() for c in value.split(",") if c.strip()]
    if not codes:
        raise UnknownLanguage(_("no language is given — write a code such as ru, or several: en,ru (one of: "
                                "{languages})").format(languages=", ".join(available())))
    for code in codes:
        language(code)
    return tuple(dict.fromkeys(codes))


_active: contextvars.ContextVar[Language | None] = contextvars.ContextVar("monitor_language", default=None)


def current() -> Language:
    """The active language (English when none was chosen)."""
    return _active.get() or language(SOURCE)


@contextlib.contextmanager
def use(lang: Language | str) -> Iterator[Language]:
    """Everything inside speaks `lang` (a Language, or a code)."""
    chosen = language(lang) if isinstance(lang, str) else lang
    token = _active.set(chosen)
    try:
        yield chosen
    finally:
        _active.reset(token)


def _(text: str) -> str:
    """`text` in the active language."""
    return current().translations.gettext(text)


def ngettext(one: str, many: str, count: int) -> str:
    """The form of `one`/`many` that goes with `count` in the active language (Russian has three)."""
    return current().translations.ngettext(one, many, count)


def pgettext(context: str, text: str) -> str:
    """`text` in the active language, where the same English word needs different translations by `context`."""
    return current().translations.pgettext(context, text)


def language_name(code: str) -> str:
    """The name of language `code` in the active language: 'Russian' in English, 'английский' for 'en' in Russian;
    a regional code ('pt-BR') by its own name where CLDR has one, else by its language's; the code itself when
    CLDR knows neither."""
    names = current().locale.languages
    return names.get(code.replace("-", "_")) or names.get(re.split(r"[-_]", code)[0]) or code


def format_number(number: float) -> str:
    """3000 -> '3,000' in English, '3 000' in Russian."""
    return _formatted_number(current(), number)


# Babel takes ~20 µs a number and ~20 µs a date; a report asks for the same few thousand again and again (26,000
# dates and 17,500 numbers for 3,000 demands: 1 s of CPU, 15 % of `monitor report`). Kept per language.
@functools.lru_cache(maxsize=1 << 12)
def _formatted_number(lang: Language, number: float) -> str:
    from babel.numbers import format_decimal

    return format_decimal(number, locale=lang.locale)


def counted(count: int, one: str, many: str) -> str:
    """`one`/`many` are templates with {count}: counted(3, "{count} error", "{count} errors") -> '3 errors'."""
    return ngettext(one, many, count).format(count=format_number(count))


def long_date(day: dt.date) -> str:
    """'14 March 2019', '14 марта 2019 г.': the same whatever the machine's locale."""
    return _date(day, "long")


def short_date(day: dt.date) -> str:
    """'14 Mar 2019': compact for tables, still unambiguous."""
    return _date(day, "medium")


def _date(day: dt.date, form: str) -> str:
    return _formatted_date(current(), day, form)


@functools.lru_cache(maxsize=1 << 16)
def _formatted_date(lang: Language, day: dt.date, form: str) -> str:
    from babel.dates import format_date

    return format_date(day, DATE_PATTERNS.get(lang.code, {}).get(form, form), locale=lang.locale)


def month_year(day: dt.date) -> str:
    """'March 2019', 'март 2019 г.'."""
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", day, locale=current().locale)


def duration(days: int | None) -> str:
    """A length of time as people say it: '12 days', '5 months', '1 year 2 months'; '' for None."""
    if days is None or days != days:  # None, or pandas' missing value
        return ""
    days = int(days)
    if days < 31:
        return counted(days, "{count} day", "{count} days")
    years, months = divmod(int(round(days / 30.4375)), 12)
    parts = []
    if years:
        parts.append(counted(years, "{count} year", "{count} years"))
    if months or not years:
        parts.append(counted(months or 1, "{count} month", "{count} months"))
    return " ".join(parts)
