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

from .changes import Digest, compare_with_last, snapshot_of, stale_list_due
from .delivery import Delivery, deliver, sending_state
from .delivery_report import delivery_text
from .errors import MonitorError
from .followup import due
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

    A digest that includes private material is only ever saved: an email goes to every recipient, and its
    snapshot would become the next digest's baseline."""
    if send:
        if include_private:
            raise PrivateNotSent("a digest with private material (--include-private) is never emailed — leave out "
                                 "--send to save it for the team, or --include-private to email it")
        return send_digest(register, settings, out_dir=out_dir, since=since, today=today, sleep=sleep)
    return preview_digest(register, settings, out_dir=out_dir, since=since, today=today, private=include_private)


def preview_digest(register: Register, settings: Settings, *, out_dir: str | Path, since: dt.date | None,
                   today: dt.date, private: bool = False) -> str:
    """Make and save the digest without sending it; the state folder is read if it exists, never written."""
    last, before = _peek_state(settings.state_dir, today)
    digest = _digest_of(register, snapshot_of(register), None if since else last, settings, since=since,
                        today=today, stale_listed=stale_list_due(before, today))
    digest = dataclasses.replace(digest, private=private)
    _, written = save_digest(digest, out_dir)
    return summary_of(digest, written) + " Not emailed (add --send to email it)."


def send_digest(register: Register, settings: Settings, *, out_dir: str | Path, since: dt.date | None, today: dt.date,
                sleep: Sleep = time.sleep) -> str:
    """Deliver the digests waiting in the outbox, then make, save, queue and deliver this one; the summary.
    DigestNotSent when someone did not get one (the message says who and what to do)."""
    settings.check_mail()
    with sending_state(settings) as state:
        said, trouble = _deliver_earlier(state, settings, sleep)
        last = state.latest_snapshot()
        now = snapshot_of(register)
        digest = _digest_of(register, now, last, settings, since=since, today=today,
                            stale_listed=stale_list_due(state.delivered_before(today), today))
        bodies, written = save_digest(digest, out_dir)
        summary = summary_of(digest, written)
        if since is None and digest.change_count == 0:
            if said:
                return _told(said + ["Nothing has changed since then, so no new digest was made."], trouble)
            if last is not None and last.taken >= today:
                # at most one "no changes" digest a day: a second run (or a second process after the first)
                # would only repeat that nothing happened
                return (summary + f" Nothing has changed since the digest of {last.taken.isoformat()}, so it was "
                        "not emailed (at most one digest a day says 'no changes').")
        return _queue_and_deliver(state, settings, digest, bodies, now, [summary] + said, trouble, sleep)


def _deliver_earlier(state: DigestState, settings: Settings, sleep: Sleep) -> tuple[list[str], bool]:
    """Deliver what waits in the outbox first: what happened, and whether someone is in doubt or failed.
    DigestNotSent when one of them still waits: a new digest is made only once the earlier ones are out."""
    earlier = [deliver(state, settings, mid, sleep=sleep) for mid in state.waiting()]
    said = [_earlier_not_sent(state, d) if d.waiting else delivery_text(state, d, earlier=True) for d in earlier]
    if any(d.waiting for d in earlier):
        raise DigestNotSent(" ".join(said))
    # someone in doubt or failed for an earlier digest needs the user as much as for this one: exit 1
    return said, any(d.failed or d.in_doubt for d in earlier)


def _queue_and_deliver(state: DigestState, settings: Settings, digest: Digest, bodies: tuple[str, str], now: Snapshot,
                       parts: list[str], trouble: bool, sleep: Sleep) -> str:
    """Put the digest in the outbox (once: a repeat is recognised by its Message-ID) and deliver it."""
    message_id, message = _message(digest, bodies, settings)
    if not state.add_to_outbox(message_id, digest.today, digest.subject, settings.mail_to, message, now):
        entry = state.outbox_entry(message_id)
        if entry["done"] and entry["delivered"]:
            return _told(parts + [f"This digest ({message_id}) was already emailed; it is not sent again."], trouble)
        if entry["done"]:
            raise DigestNotSent(" ".join(parts + [
                f"This digest ({message_id}) was already tried and reached nobody; it is not sent again by "
                "itself — see 'monitor digest --status', then run "
                f"'monitor digest --resend {short_id(message_id)}' once the problem is solved."]))
    result = deliver(state, settings, message_id, sleep=sleep)
    return _told(parts + [delivery_text(state, result)],
                 trouble or bool(result.waiting or result.failed or result.in_doubt))


def _told(parts: list[str], trouble: bool) -> str:
    """The run's summary; raised as DigestNotSent (exit 1) when someone is in doubt, failed or still waiting."""
    if trouble:
        raise DigestNotSent(" ".join(parts))
    return " ".join(parts)


def _digest_of(register: Register, now: Snapshot, last: Baseline | None, settings: Settings, *,
               since: dt.date | None, today: dt.date, stale_listed: bool) -> Digest:
    digest = compare_with_last(now, last, since=since, today=today, stale_days=settings.stale_days,
                               data_file=Path(settings.data_path).name, stale_listed=stale_listed)
    return dataclasses.replace(digest, title=digest_title(register), reports_url=settings.reports_url,
                               source=cite(settings.data_path), due=tuple(due(register, today)))


def digest_title(register: Register) -> str:
    """The name a digest goes by, in its subject and heading: the register's title, else "Demands on <what the
    resolutions' titles have in common>" (e.g. "Demands on Kazakhstan"), else "Demands digest"."""
    subject = _common_subject(r.title for r in register.resolutions)
    return register.title or (f"Demands on {subject}" if subject else "Demands digest")


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


def save_digest(digest: Digest, out_dir: str | Path) -> tuple[tuple[str, str], list[Path]]:
    """Render the digest and publish it as digests/digest-<day>.txt and .html: ((text, html), the paths)."""
    from .render.digest import render_html, render_text

    text, html = render_text(digest), render_html(digest)
    name = _free_name(Path(out_dir) / "digests", f"digest-{digest.today.isoformat()}", text.encode("utf-8"))
    written = publish_files(out_dir, {f"digests/{name}.txt": text.encode("utf-8"),
                                      f"digests/{name}.html": html.encode("utf-8")})
    return (text, html), written


def summary_of(digest: Digest, written: list[Path]) -> str:
    """One sentence for the user: which period, what changed, what has not moved, where it was saved."""
    from .render import counted, long_date

    since_words = (f"since the last digest of {long_date(digest.last_digest)}" if digest.last_digest
                   else f"with entries dated from {long_date(digest.period_start)} on")
    stale = (f"; {counted(digest.stale_total, '{count} open demand has', '{count} open demands have')} not "
             f"moved for {digest.stale_days} days or more"
             if digest.stale_total else "")
    return (f"Digest of {long_date(digest.today)} {since_words}: {digest.headline}{stale}. "
            f"Saved as {written[0]} and {written[1].name}.")


def _free_name(folder: Path, base: str, text: bytes) -> str:
    """`base`, or `base-2`, `base-3`...: a second, different digest of the same day never replaces the first."""
    name, n = base, 2
    while True:
        # only regular files are read or replaced: a FIFO there would hang the read, a folder cannot be replaced
        existing = read_regular(folder / f"{name}.txt")
        check_regular(folder / f"{name}.html")
        if existing is None or existing == text:
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
    """Same baseline, same data, same day, same recipients -> same fingerprint, so a repeat is recognised."""
    blob = json.dumps([dataclasses.asdict(digest), list(recipients)], default=str, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def _message(digest: Digest, bodies: tuple[str, str], settings: Settings) -> tuple[str, bytes]:
    """The email as bytes, with a Message-ID made from the digest's fingerprint."""
    from email import policy

    from .mail import build_message, new_message_id

    message_id = new_message_id(settings.mail_from, _fingerprint(digest, settings.mail_to))
    msg = build_message(subject=digest.subject, text=bodies[0], html=bodies[1], sender=settings.mail_from,
                        recipients=settings.mail_to, message_id=message_id)
    return message_id, msg.as_bytes(policy=policy.SMTP)


def _earlier_not_sent(state: DigestState, d: Delivery) -> str:
    entry = state.outbox_entry(d.message_id)
    return (f"An earlier digest ({entry['subject']}) is still waiting in the outbox and could not be sent: "
            + delivery_text(state, d) + " No new digest was made; it will include this week's changes once "
            "the earlier one is delivered.")
