"""monitor.toml beside the data file + MONITOR_* environment variables -> one Settings value.

Every setting has a key in monitor.toml and a MONITOR_<KEY> environment variable; the environment wins.
Passwords come only from the environment. A bad value raises SettingsError with a message for the user.
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from .errors import MonitorError
from .i18n import _
from .words import list_separator, system_reason

TOML_NAME = "monitor.toml"
TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def state_folder_error(folder: Path | str, reason: str | OSError) -> "SettingsError":
    """The one message for a state folder that cannot be created or written (reason: words, or the OSError)."""
    if isinstance(reason, OSError):
        name = f": {Path(reason.filename).name}" if reason.filename else ""
        reason = f"{system_reason(reason.strerror) if reason.strerror else reason}{name}"
    else:
        reason = system_reason(reason)
    return SettingsError(_("the state folder {folder} cannot be used ({reason}) — set state in monitor.toml or "
                           "MONITOR_STATE to a folder you can write").format(folder=folder, reason=reason))


class SettingsError(MonitorError):
    """A setting is missing or wrong; the message says which, where it came from, and what to write."""


@dataclass(frozen=True)
class Settings:
    """Everything the digest, the mailer and the scheduler need to know, already checked."""

    data_path: Path
    state_dir: Path
    jobstore: str
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_tls: str = "starttls"
    smtp_ca_file: str = ""  # trust only this certificate authority (PEM) for the mail server; "": the system's
    smtp_timeout: float = 60.0
    mail_from: str = ""
    mail_to: tuple[str, ...] = ()
    # the language asked for by each of mail_to's addresses (its ":ru" suffix), "" where none was: see mail_groups
    mail_languages: tuple[str, ...] = ()
    digest_day: str = "mon"
    digest_hour: int = 8
    digest_minute: int = 0
    timezone: str = "Europe/Brussels"
    language: tuple[str, ...] = ("en",)  # the reports' languages; the first is the one every other output uses
    stale_days: int = 365
    watch_seconds: int = 60
    reports_url: str = ""
    sources: dict = field(default_factory=dict, compare=False, repr=False)

    def mail_groups(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The recipients by language, in mail_to's order of first appearance: an address without a language
        suffix gets the settings' first language. ((code, addresses), ...); () without mail_to."""
        groups: dict[str, list[str]] = {}
        for address, code in zip(self.mail_to, self.mail_languages or ("",) * len(self.mail_to)):
            groups.setdefault(code or self.language[0], []).append(address)
        return tuple((code, tuple(addresses)) for code, addresses in groups.items())

    def check_mail(self) -> None:
        """Raise SettingsError unless everything needed to send mail is set."""
        missing = [key for key, value in (("smtp_host", self.smtp_host), ("mail_from", self.mail_from),
                                           ("mail_to", self.mail_to)) if not value]
        if missing:
            names = list_separator().join(f"{k} (MONITOR_{k.upper()})" for k in missing)
            raise SettingsError(_("to send the digest by email, set {names} in {toml} beside {data} or in the "
                                  "environment — see 'Settings' in the README").format(
                names=names, toml=TOML_NAME, data=self.data_path.name))
        if self.smtp_user and not self.smtp_password:
            raise SettingsError(_("smtp_user is set but MONITOR_SMTP_PASSWORD is not — set the password in the "
                                  "environment (it is never read from monitor.toml)"))


def check_text(value: Any, where: str) -> None:
    """Raise SettingsError when a text value (or one inside a list) holds a control character or cannot be encoded.

    The one rule for text (chars.py), and a line break too: CR/LF in an address would inject mail headers.
    """
    from .chars import describe, first_refused

    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, str):
            continue
        found = first_refused(item) or ((item.index("\n"), "\n") if "\n" in item else None)
        if found and "\ud800" <= found[1] <= "\udfff":
            raise SettingsError(_("{where}: is not valid UTF-8 text — set it again, typing the value").format(
                where=where))
        if found:
            raise SettingsError(_("{where}: contains {what} at position {position} — remove it (a line break or an "
                                  "invisible character pasted by mistake); write the value on one line").format(
                where=where, what=describe(found[1]),
                position=found[0] + 1))


# key -> parser; the parser gets the raw value and where it came from, and returns the clean value.
Parser = Callable[[Any, str], Any]


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise SettingsError(_("{where}: write text in quotes, for example \"smtp.example.org\"").format(where=where))
    return value.strip()


def _int(low: int, high: int, example: int) -> Parser:
    def parse(value: Any, where: str) -> int:
        if isinstance(value, str):
            value = value.strip()
            # ASCII digits only, and few of them: int() also takes '١٢', '1_000' and fails on 5,000 digits
            if not re.fullmatch(r"-?[0-9]{1,18}", value):
                raise SettingsError(_("{where}: '{value}' is not a whole number — write a number from {low} to "
                                      "{high}, for example {example}").format(
                    where=where, value=value[:40], low=low, high=high, example=example))
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise SettingsError(_("{where}: {value} is not allowed — write a whole number from {low} to {high}, "
                                  "for example {example}").format(
                where=where, value=repr(value), low=low, high=high, example=example))
        return value
    return parse


def _choice(options: tuple[str, ...]) -> Parser:
    def parse(value: Any, where: str) -> str:
        text = _text(value, where).lower()
        if text not in options:
            raise SettingsError(_("{where}: '{value}' is not allowed — write one of: {options}").format(
                where=where, value=value, options=list_separator().join(options)))
        return text
    return parse


def _address(value: Any, where: str) -> str:
    text = _text(value, where)
    name, addr = parseaddr(text)
    if not addr or "@" not in addr or " " in addr:
        raise SettingsError(_("{where}: '{text}' is not an email address — write one like monitor@example.org").format(
            where=where, text=text))
    return text


def check_address(value: str, where: str) -> str:
    """One address written by the user (e.g. `digest --resend --to`), checked as mail_to's are; SettingsError if bad."""
    check_text(value, where)
    return _address(value, where)


def _addresses(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    """mail_to: ((address, language code or ""), ...); "b@example.org:ru" asks for Russian (see _language_suffix)."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise SettingsError(_("{where}: write a list of addresses, e.g. [\"a@example.org\", "
                              "\"b@example.org:ru\"]").format(where=where))
    split = [_language_suffix(item, where) if isinstance(item, str) else (item, "")
             for item in items if not isinstance(item, str) or item.strip()]
    clean = tuple((_address(item, where), code) for item, code in split)
    seen: dict[str, str] = {}
    for item, _code in clean:
        # one mailbox, however written ('a@x', 'Ann <A@x>'): each entry gets its own copy of the digest
        key = parseaddr(item)[1].lower()
        if key in seen:
            raise SettingsError(_("{where}: {address} is given twice ('{first}' and '{second}') — keep it once, or it "
                                  "gets the digest twice").format(
                where=where, address=parseaddr(item)[1], first=seen[key], second=item))
        seen[key] = item
    return clean


def _language_suffix(item: str, where: str) -> tuple[str, str]:
    """'b@example.org:ru' -> ('b@example.org', 'ru'); 'Bee <b@example.org>:ru' too. A colon after the address's
    domain starts a language suffix (an address has none there); SettingsError when monitor has no such language."""
    from .i18n import UnknownLanguage, available, language

    text = item.strip()
    head, at, domain = text.rpartition("@")
    if not at or ":" not in domain.rpartition("]")[2]:  # a@[IPv6:2001:db8::1] is an address, not a suffix
        return text, ""
    domain, _colon, code = domain.rpartition(":")
    if ":" in domain.rpartition("]")[2]:  # 'a@example.org:ru:en'
        raise SettingsError(_("{where}: '{address}' asks for more than one language — write one code after the "
                              "address, e.g. b@example.org:ru").format(where=where, address=text[:80]))
    try:
        language(code.strip())
    except UnknownLanguage:
        raise SettingsError(_("{where}: '{address}' asks for a language monitor does not have ('{code}') — write "
                              "one of: {languages} after the colon (for example b@example.org:ru), or leave out "
                              "':{code}' to send that address the digest in the settings' first language").format(
            where=where, address=text[:80], code=code.strip()[:20],
            languages=list_separator().join(available()))) from None
    return f"{head}@{domain}".strip(), code.strip()


def _timezone(value: Any, where: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    text = _text(value, where)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # 'Europe' is a folder; a very long name is an OSError
        raise SettingsError(_("{where}: '{text}' is not a time zone — write a name like Europe/Brussels").format(
            where=where, text=text)) from None
    return text


def _languages(value: Any, where: str) -> tuple[str, ...]:
    """'ru', or 'en,ru' (a list in monitor.toml too): each a language monitor has a catalogue for."""
    from .i18n import UnknownLanguage, parse_languages

    text = ",".join(_text(v, where) for v in value) if isinstance(value, list) else _text(value, where)
    try:
        return parse_languages(text)
    except UnknownLanguage as exc:
        raise SettingsError(f"{where}: {exc}") from None


def _web_address(value: Any, where: str) -> str:
    """An http(s) address with a host, as the data file's links are checked (fields.is_web_address)."""
    from .fields import is_web_address

    text = _text(value, where)
    if text and not is_web_address(text):
        raise SettingsError(_("{where}: '{text}' is not a web address — write the address where the reports are "
                              "published, starting with https://, for example https://example.org/kazakhstan/").format(
            where=where, text=text[:80]))
    return text


def _jobstore(value: Any, where: str) -> str:
    text = _text(value, where)
    if "://" not in text:
        raise SettingsError(_("{where}: '{text}' is not a database address — write one like "
                              "sqlite:////var/lib/monitor/jobs.sqlite or postgresql+psycopg2://user@host/monitor").format(
            where=where, text=text))
    return text


def _ca_file(path: Path, where: str) -> str:
    """smtp_ca_file as an absolute path, once it has been read as a certificate authority (PEM)."""
    import ssl

    from .smtp import tls_context

    try:
        tls_context(str(path))
    except (ssl.SSLError, ValueError):  # before OSError: an SSLError is one
        raise SettingsError(_("{where}: {path} holds no certificate — write the path of a PEM file, the kind that "
                              "starts with -----BEGIN CERTIFICATE-----").format(where=where, path=path)) from None
    except OSError as exc:
        raise SettingsError(_("{where}: {path} cannot be read ({reason}) — write the path of the file (PEM) of the "
                              "certificate authority that signed the mail server's certificate").format(
            where=where, path=path, reason=system_reason(exc.strerror) if exc.strerror else exc)) from None
    return str(path)


PARSERS: dict[str, Parser] = {
    "smtp_host": _text, "smtp_port": _int(1, 65535, 587), "smtp_user": _text, "smtp_tls": _choice(TLS_MODES),
    "smtp_ca_file": _text,
    "smtp_timeout": _int(1, 600, 60), "mail_from": _address, "mail_to": _addresses, "state": _text,
    "jobstore": _jobstore, "digest_day": _choice(DAYS), "digest_hour": _int(0, 23, 8),
    "digest_minute": _int(0, 59, 0), "timezone": _timezone, "stale_days": _int(1, 36500, 365),
    "watch_seconds": _int(5, 86400, 60), "reports_url": _web_address, "language": _languages,
}
ENV_ONLY = {"smtp_password"}


def today(timezone: str, *, now: dt.datetime | None = None) -> dt.date:
    """'Today' for every command and job, and the 'as of' day of reports: the date in the settings' time zone.

    `now` (aware) stands for the clock, so that a test can fix it; `--today` overrides the result, not this.
    """
    from zoneinfo import ZoneInfo

    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(ZoneInfo(timezone)).date()


def timezone_of(data_path: str | os.PathLike, environ: Mapping[str, str] | None = None) -> str:
    """The time zone the settings give (MONITOR_TIMEZONE, else monitor.toml's `timezone`, else the default).

    Only what "today" needs is checked here: a wrong mail setting does not stop `monitor report`; a monitor.toml
    that cannot be read, or a time zone that does not exist, does (SettingsError), since the date depends on it.
    """
    return _one_setting(data_path, "timezone", environ) or Settings.timezone


def languages_of(data_path: str | os.PathLike, environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The languages the settings give (MONITOR_LANGUAGE, else monitor.toml's `language`, else English), checked
    like timezone_of: only this setting is read."""
    return _one_setting(data_path, "language", environ) or Settings.language


def _one_setting(data_path: str | os.PathLike, key: str, environ: Mapping[str, str] | None) -> Any:
    """One setting, parsed and checked, from the environment or monitor.toml; None when neither sets it."""
    environ = os.environ if environ is None else environ
    toml_path = Path(data_path).resolve().parent / TOML_NAME
    name = f"MONITOR_{key.upper()}"
    value: Any
    if environ.get(name, "").strip():
        value, where = environ[name], _("environment variable {name}").format(name=name)
    else:
        value, where = _parse_toml(toml_path).get(key), f"{toml_path}: {key}"
    if value is None:
        return None
    check_text(value, where)
    return PARSERS[key](value, where)


def load_settings(data_path: str | os.PathLike, environ: Mapping[str, str] | None = None) -> Settings:
    """The settings for the data file at `data_path`: its monitor.toml, overridden by MONITOR_* variables."""
    environ = os.environ if environ is None else environ
    data_path = Path(data_path)
    folder = data_path.resolve().parent
    raw, sources = {}, {}
    toml_path = folder / TOML_NAME
    for key, value in _read_toml(toml_path).items():
        raw[key], sources[key] = value, f"{toml_path}: {key}"
        check_text(value, sources[key])
    for key in list(PARSERS) + sorted(ENV_ONLY):
        name = f"MONITOR_{key.upper()}"
        if name in environ and environ[name].strip() != "":
            raw[key], sources[key] = environ[name], _("environment variable {name}").format(name=name)
            check_text(raw[key], sources[key])
    clean = {key: PARSERS[key](value, sources[key]) for key, value in raw.items() if key in PARSERS}
    if "mail_to" in clean:
        pairs = clean.pop("mail_to")
        clean["mail_to"], clean["mail_languages"] = tuple(a for a, _c in pairs), tuple(c for _a, c in pairs)
    tls = clean.get("smtp_tls", "starttls")
    state = clean.pop("state", "")
    if state:
        base = folder if sources["state"].startswith(str(toml_path)) else Path.cwd()
        state_dir = (base / state).resolve()
    else:
        state_dir = folder / ".monitor"
    jobstore = clean.pop("jobstore", "") or f"sqlite:///{state_dir / 'jobs.sqlite'}"
    if clean.get("smtp_ca_file"):
        base = folder if sources["smtp_ca_file"].startswith(str(toml_path)) else Path.cwd()
        clean["smtp_ca_file"] = _ca_file(base / clean["smtp_ca_file"], sources["smtp_ca_file"])
    return Settings(data_path=data_path, state_dir=state_dir, jobstore=jobstore,
                    smtp_port=clean.pop("smtp_port", DEFAULT_PORTS[tls]),
                    smtp_password=raw.get("smtp_password", ""), sources=sources, **clean)


def _read_toml(path: Path) -> dict:
    """The settings in monitor.toml (flat `key = value` lines), or {} when there is none; every key checked."""
    values = _parse_toml(path)
    for key, value in values.items():
        if key in ENV_ONLY:
            raise SettingsError(_("{path}: {key} must not be kept in a file — remove that line and set {variable} in "
                                  "the environment instead").format(path=path, key=key,
                                                                    variable=f"MONITOR_{key.upper()}"))
        if key not in PARSERS:
            close = difflib.get_close_matches(key, list(PARSERS), n=1)
            if close:
                said = _("{path}: unknown setting '{key}' — did you mean '{near}'?")
            else:
                said = _("{path}: unknown setting '{key}' — known settings: {keys}")
            raise SettingsError(said.format(path=path, key=key, near=close[0] if close else "",
                                            keys=list_separator().join(PARSERS)))
        if isinstance(value, (dict, dt.date, dt.time, dt.datetime)):
            raise SettingsError(_("{path}: {key}: write a plain value, for example {key} = \"...\"").format(
                path=path, key=key))
    return values


def _parse_toml(path: Path) -> dict[str, Any]:
    """monitor.toml read as TOML, or {} when there is none; SettingsError when it cannot be read or parsed."""
    import tomllib

    from .readfile import NotARegularFile, read_regular

    try:
        data = read_regular(path)
    except NotARegularFile as exc:
        raise SettingsError(_("{path}: cannot be read ({reason}) — replace it with a plain text file, or "
                              "remove it").format(path=path, reason=system_reason(str(exc.strerror)))) from None
    except OSError as exc:
        raise SettingsError(_("{path}: cannot be read ({reason}) — check that you may read it").format(
            path=path, reason=system_reason(str(exc.strerror)))) from None
    if data is None:
        return {}
    try:
        values = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SettingsError(_("{path}: is not UTF-8 text — save it as UTF-8 in your editor").format(
            path=path)) from None
    except tomllib.TOMLDecodeError as exc:  # the parser's own words ("Invalid value (at line 2, column 7)"): English
        raise SettingsError(_("{path}: {reason} — write one setting per line as key = \"value\"").format(
            path=path, reason=exc)) from None
    return values
