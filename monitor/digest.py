"""One `monitor digest`: compare with the last delivered snapshot, save the email, and with --send queue it and
deliver it once; returns the summary the user reads.

What changed is changes.py's (pure); the snapshots and the outbox are outbox.py's, in `<state>/digest.sqlite`;
the sending is delivery.py's, and its words are delivery_report.py's.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .changes import Digest, compare_with_last, snapshot_of, stale_list_due, translations_into
from .delivery import Delivery, deliver, sending_state
from .delivery_report import delivery_text
from .errors import MonitorError
from .followup import due
from .i18n import SOURCE, _, counted, current, format_number, language_name, ngettext, use
from .model import Register
from .outbox import DigestState, short_id
from .readfile import check_regular, read_regular
from .snapshot import Baseline, Snapshot
from .store import publish_files
from .view import cite

if TYPE_CHECKING:
    from .delivery import Sleep
    from .settings import Settings


class PrivateNotSent(MonitorError):
    """--include-private with --send: a digest with private material is saved, never emailed (wrong usage)."""

    exit_code = 2


class DigestNotSent(MonitorError):
    """Someone did not get a digest in this run (this one or an earlier one): in doubt, failed or still waiting."""


def run_digest(register: Register, settings: Settings, *, out_dir: str | Path, since: dt.date | None = None,
               send: bool = False, today: dt.date, sleep: Sleep = time.sleep, include_private: bool = False) -> str:
    """Make the digest, save it under out_dir/digests/, and with `send` email it; returns a summary for the user.

    Each language of the recipients (mail_to's ":ru" suffixes) gets its own digest: one message to that
    language's recipients, saved beside the others. A digest that includes private material is only ever saved:
    an email goes to every recipient, and its snapshot would become the next digest's baseline."""
    if send:
        if include_private:
            raise PrivateNotSent(_("a digest with private material (--include-private) is never emailed — leave out "
                                   "--send to save it for the team, or --include-private to email it"))
        return send_digest(register, settings, out_dir=out_dir, since=since, today=today, sleep=sleep)
    return preview_digest(register, settings, out_dir=out_dir, since=since, today=today, private=include_private)


@dataclasses.dataclass(frozen=True)
class Edition:
    """The digest in one language, for that language's recipients: its content and its two bodies."""

    language: str
    recipients: tuple[str, ...]
    digest: Digest
    subject: str
    text: str
    html: str


def preview_digest(register: Register, settings: Settings, *, out_dir: str | Path, since: dt.date | None,
                   today: dt.date, private: bool = False) -> str:
    """Make and save the digest without sending it, in each recipient's language and the one the command speaks;
    the state folder is read if it exists, never written."""
    last, before = _peek_state(settings.state_dir, today)
    groups = dict(settings.mail_groups())
    groups.setdefault(current().code, ())
    editions = [_edition(register, snapshot_of(register), None if since else last, settings, lang, to,
                         since=since, today=today, stale_listed=stale_list_due(before, today), private=private)
                for lang, to in groups.items()]
    written = save_digest(editions, out_dir)
    return " ".join([summary_of(editions[0].digest, written), _("Not emailed (add --send to email it).")])


def send_digest(register: Register, settings: Settings, *, out_dir: str | Path, since: dt.date | None, today: dt.date,
                sleep: Sleep = time.sleep) -> str:
    """Deliver the digests waiting in the outbox, then make, save, queue and deliver this one (one message per
    language of the recipients); the summary. DigestNotSent when someone did not get one (the message says who
    and what to do)."""
    settings.check_mail()
    with sending_state(settings) as state:
        said, trouble = _deliver_earlier(state, settings, sleep)
        last = state.latest_snapshot()
        now = snapshot_of(register)
        stale_listed = stale_list_due(state.delivered_before(today), today)
        editions = [_edition(register, now, last, settings, lang, to, since=since, today=today,
                             stale_listed=stale_listed) for lang, to in settings.mail_groups()]
        written = save_digest(editions, out_dir)
        digest = editions[0].digest
        summary = summary_of(digest, written)
        if since is None and digest.change_count == 0:
            if said:
                return _told(said + [_("Nothing has changed since then, so no new digest was made.")], trouble)
            if last is not None and last.taken >= today:
                # at most one "no changes" digest a day: a second run (or a second process after the first)
                # would only repeat that nothing happened
                return " ".join([summary, _("Nothing has changed since the digest of {day}, so it was not emailed "
                                            "(at most one digest a day says 'no changes').").format(
                                                day=last.taken.isoformat())])
        parts = [summary] + said
        for edition in editions:
            told, failed = _queue_and_deliver(state, settings, edition, now, several=len(editions) > 1, sleep=sleep)
            parts.append(told)
            trouble = trouble or failed
        return _told(parts, trouble)


def _deliver_earlier(state: DigestState, settings: Settings, sleep: Sleep) -> tuple[list[str], bool]:
    """Deliver what waits in the outbox first: what happened, and whether someone is in doubt or failed.
    DigestNotSent when one of them still waits: a new digest is made only once the earlier ones are out."""
    earlier = [deliver(state, settings, mid, sleep=sleep) for mid in state.waiting()]
    said = [_earlier_not_sent(state, d) if d.waiting else delivery_text(state, d, earlier=True) for d in earlier]
    if any(d.waiting for d in earlier):
        raise DigestNotSent(" ".join(said))
    # someone in doubt or failed for an earlier digest needs the user as much as for this one: exit 1
    return said, any(d.failed or d.in_doubt for d in earlier)


def _queue_and_deliver(state: DigestState, settings: Settings, edition: Edition, now: Snapshot, *, several: bool,
                       sleep: Sleep) -> tuple[str, bool]:
    """Put one language's digest in the outbox (once: a repeat is recognised by its Message-ID) and deliver it:
    what happened, and whether someone is in doubt, failed or still waiting (or it reached nobody before)."""
    message_id, message = _message(edition, settings)
    digest = edition.digest
    named = language_name(edition.language) if several else ""
    if not state.add_to_outbox(message_id, digest.today, edition.subject, edition.recipients, message, now):
        entry = state.outbox_entry(message_id)
        if entry["done"] and entry["delivered"]:
            if named:
                return _("The digest in {language} ({message_id}) was already emailed; it is not sent again.").format(
                    language=named, message_id=message_id), False
            return _("This digest ({message_id}) was already emailed; it is not sent again.").format(
                message_id=message_id), False
        if entry["done"]:
            return _("This digest ({message_id}) was already tried and reached nobody; it is not sent again by "
                     "itself — see 'monitor digest --status', then run 'monitor digest --resend {short}' once the "
                     "problem is solved.").format(message_id=message_id, short=short_id(message_id)), True
    result = deliver(state, settings, message_id, sleep=sleep)
    return delivery_text(state, result, language=named), bool(result.waiting or result.failed or result.in_doubt)


def _told(parts: list[str], trouble: bool) -> str:
    """The run's summary; raised as DigestNotSent (exit 1) when someone is in doubt, failed or still waiting."""
    if trouble:
        raise DigestNotSent(" ".join(parts))
    return " ".join(parts)


def _edition(register: Register, now: Snapshot, last: Baseline | None, settings: Settings, language: str,
             recipients: tuple[str, ...], *, since: dt.date | None, today: dt.date, stale_listed: bool,
             private: bool = False) -> Edition:
    """The digest in `language`: its words, and the register's prose in that language where the data has it."""
    from .render.digest import render_html, render_text

    with use(language):
        digest = compare_with_last(now, last, since=since, today=today, stale_days=settings.stale_days,
                                   data_file=Path(settings.data_path).name, stale_listed=stale_listed)
        title = digest_title(register)
        untranslated = bool(register.title) and title == register.title and language != register.language
        digest = dataclasses.replace(digest, title=title, reports_url=settings.reports_url,
                                     title_language=register.language if untranslated else "",
                                     source=cite(settings.data_path), due=tuple(due(register, today)),
                                     private=private, language=language, source_language=register.language,
                                     translations=translations_into(register, language))
        return Edition(language, recipients, digest, digest.subject, render_text(digest), render_html(digest))


def digest_title(register: Register) -> str:
    """The name a digest goes by, in its subject and heading: the register's title (its translation into the active
    language where the file gives one), else "Demands on <what the resolutions' titles have in common>" (e.g.
    "Demands on Kazakhstan"), else "Demands digest"."""
    from .prose import prose

    if register.title:
        return prose(register, "title", register.title, source=register.language, language=current().code).text
    subject = _common_subject(r.title for r in register.resolutions)
    return _("Demands on {subject}").format(subject=subject) if subject else _("Demands digest")


# the last of these words in the titles' common ending starts what they are about ("... on the situation in X")
_ABOUT = {"on", "in", "of", "about", "concerning", "regarding", "for"}


def _common_subject(titles: Iterable[str]) -> str:
    """What all the titles end with, from after its last "on"/"in"/"of": "Kazakhstan" for "... on Kazakhstan" and
    "... on the situation in Kazakhstan"; "" when they end differently."""
    words = [t.split() for t in titles if t.strip()]
    if not words:
        return ""
    common: list[str] = []
    for column in zip(*(reversed(w) for w in words)):
        if len({c.lower() for c in column}) != 1:
            break
        common.insert(0, column[0])
    cut = max((i + 1 for i, w in enumerate(common) if w.lower() in _ABOUT), default=0)
    return " ".join(common[cut:]).rstrip(".")


def save_digest(editions: list[Edition], out_dir: str | Path) -> list[Path]:
    """Publish each language's digest as digests/digest-<day>.txt and .html (English) and digest-<day>.<code>.txt
    and .html (another language): the paths, two per language in the editions' order."""
    day = editions[0].digest.today.isoformat()
    folder = Path(out_dir) / "digests"
    texts = {_suffix(e.language): e.text.encode("utf-8") for e in editions}
    name = _free_name(folder, f"digest-{day}", texts)
    files: dict[str, bytes] = {}
    for e in editions:
        files[f"digests/{name}{_suffix(e.language)}.txt"] = e.text.encode("utf-8")
        files[f"digests/{name}{_suffix(e.language)}.html"] = e.html.encode("utf-8")
    return publish_files(out_dir, files)


def _suffix(language: str) -> str:
    """What a digest's file name adds for its language: nothing for English (the names digests always had),
    '.ru' for Russian."""
    return "" if language == SOURCE else f".{language}"


def summary_of(digest: Digest, written: list[Path]) -> str:
    """One sentence for the user: which period, what changed, what has not moved, where it was saved (two files
    per language: each language's named when there are several)."""
    from .render import long_date
    if digest.last_digest:
        since_words = _("since the last digest of {day}").format(day=long_date(digest.last_digest))
    else:
        since_words = _("with entries dated from {day} on").format(day=long_date(digest.period_start))
    what = digest.headline
    if digest.stale_total:
        what = ngettext("{changes}; {count} open demand has not moved for {days} or more",
                        "{changes}; {count} open demands have not moved for {days} or more",
                        digest.stale_total).format(changes=what, count=format_number(digest.stale_total),
                                                   days=counted(digest.stale_days, "{count} day", "{count} days"))
    if len(written) == 2:
        saved = _("Saved as {text} and {html}.").format(text=written[0], html=written[1].name)
    else:
        pairs = [_("{text} and {html} ({language})").format(text=t if i == 0 else t.name, html=h.name,
                                                            language=language_name(_language_of(t)))
                 for i, (t, h) in enumerate(zip(written[::2], written[1::2]))]
        saved = _("Saved as {files}.").format(files="; ".join(pairs))
    return " ".join([_("Digest of {day} {since}: {changes}.").format(day=long_date(digest.today), since=since_words,
                                                                      changes=what), saved])


def _language_of(path: Path) -> str:
    """'ru' for digest-2026-11-30.ru.txt, English for digest-2026-11-30.txt."""
    parts = path.name.split(".")
    return parts[-2] if len(parts) == 3 else SOURCE


def _free_name(folder: Path, base: str, texts: dict[str, bytes]) -> str:
    """`base`, or `base-2`, `base-3`...: a second, different digest of the same day never replaces the first. One
    name for every language's files (`texts`: the text body by file-name suffix), so each run's files go together."""
    name, n = base, 2
    while True:
        # only regular files are read or replaced: a FIFO there would hang the read, a folder cannot be replaced
        free = True
        for suffix, text in texts.items():
            existing = read_regular(folder / f"{name}{suffix}.txt")
            check_regular(folder / f"{name}{suffix}.html")
            free = free and (existing is None or existing == text)
        if free:
            return name
        name, n = f"{base}-{n}", n + 1


def _peek_state(state_dir: Path, today: dt.date) -> tuple[Baseline | None, dt.date | None]:
    """The last baseline and the day of the last digest delivered before today, without creating the state
    folder (a preview must not write state)."""
    if not (Path(state_dir) / "digest.sqlite").exists():
        return None, None
    state = DigestState(state_dir)
    try:
        return state.latest_snapshot(), state.delivered_before(today)
    finally:
        state.close()


def _fingerprint(digest: Digest, recipients: Iterable[str]) -> str:
    """Same baseline, same data, same day, same language, same recipients -> same fingerprint, so a repeat is
    recognised."""
    blob = json.dumps([dataclasses.asdict(digest), list(recipients)], default=str, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def _message(edition: Edition, settings: Settings) -> tuple[str, bytes]:
    """One language's email as bytes, to that language's recipients, with a Message-ID made from its fingerprint."""
    from email import policy

    from .mail import build_message, new_message_id

    message_id = new_message_id(settings.mail_from, _fingerprint(edition.digest, edition.recipients))
    msg = build_message(subject=edition.subject, text=edition.text, html=edition.html, sender=settings.mail_from,
                        recipients=edition.recipients, message_id=message_id)
    return message_id, msg.as_bytes(policy=policy.SMTP)


def _earlier_not_sent(state: DigestState, d: Delivery) -> str:
    entry = state.outbox_entry(d.message_id)
    return " ".join([
        _("An earlier digest ({subject}) is still waiting in the outbox and could not be sent:").format(
            subject=entry["subject"]),
        delivery_text(state, d),
        _("No new digest was made; it will include this week's changes once the earlier one is delivered.")])
