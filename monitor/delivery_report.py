"""What happened to the digests, in words: one run's result, `monitor digest --status`, `--resend` and the
scheduler's outbox retry. The state is outbox.py's, the sending itself delivery.py's."""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from .delivery import Delivery, deliver, sending_state
from .i18n import _
from .outbox import DeliveryError, DigestState, find_digest, short_id

if TYPE_CHECKING:
    from .delivery import Sleep
    from .settings import Settings


def send_waiting(settings: Settings, *, sleep: Sleep = time.sleep) -> str:
    """Deliver the digests waiting in the outbox (for the scheduler's retry job); '' when none is waiting."""
    path = Path(settings.state_dir) / "digest.sqlite"
    if not path.exists():
        return ""
    with sending_state(settings) as state:
        waiting = state.waiting()
        if waiting:
            settings.check_mail()
        return " ".join(delivery_text(state, deliver(state, settings, mid, sleep=sleep), earlier=True)
                        for mid in waiting)


def resend(settings: Settings, ident: str, to: str | None = None, *, sleep: Sleep = time.sleep) -> tuple[Delivery, str]:
    """Send a digest again on the user's decision: to `to`, else to its in-doubt and failed recipients."""
    from .settings import check_address

    settings.check_mail()
    with sending_state(settings) as state:
        message_id = find_digest(state, ident)
        if to is not None:
            targets = [check_address(to, "--to")]
        else:
            rows = state.deliveries(message_id)
            order = dict.fromkeys(state.outbox_entry(message_id)["recipients"] + list(rows))  # as in mail_to
            targets = [r for r in order if rows.get(r) in ("in-doubt", "failed", "sending")]
            if not targets:
                raise DeliveryError(_("nobody is in doubt or failed for digest {short} — to send it to someone "
                                      "anyway, add --to ADDRESS").format(short=short_id(message_id)))
        d = deliver(state, settings, message_id, to=targets, sleep=sleep)
        return d, delivery_text(state, d)


def digest_status(settings: Settings) -> str:
    """`monitor digest --status`: the last digests and who is in doubt or failed (reads only, never creates)."""
    if not (Path(settings.state_dir) / "digest.sqlite").exists():
        return _("No digest has been sent yet (nothing in the state folder).") + "\n"
    state = DigestState(settings.state_dir)
    try:
        return status_text(state)
    finally:
        state.close()


def delivery_text(state: DigestState, d: Delivery, earlier: bool = False, language: str = "") -> str:
    """What happened to one digest in this run, in plain words ending with what to do. `language`: the name of the
    digest's language, when a run sends one per language."""
    short = short_id(d.message_id)
    parts = []
    if d.sent:
        who = ", ".join(d.sent)
        if earlier:
            sent = _("The earlier digest waiting in the outbox was emailed to {recipients} (Message-ID {message_id}).")
        elif language:
            sent = _("The digest in {language} was emailed to {recipients} (Message-ID {message_id}).")
        else:
            sent = _("It was emailed to {recipients} (Message-ID {message_id}).")
        parts.append(sent.format(recipients=who, message_id=d.message_id, language=language))
    for rcpt, why in d.in_doubt.items():
        parts.append(_("In doubt for {recipient}: {reason}. It is not sent again by itself, to avoid a duplicate; ask "
                       "them whether it arrived, and if not run 'monitor digest --resend {short} --to {address}'.")
                     .format(recipient=rcpt, reason=why, short=short, address=_quoted(rcpt)))
    for rcpt, why in d.failed.items():
        parts.append(_("Failed for {recipient}: {reason} — correct the address in mail_to or ask the mail server's "
                       "keeper, then run 'monitor digest --resend {short} --to ADDRESS'.")
                     .format(recipient=rcpt, reason=why, short=short))
    # one sentence per reason: a server that cannot be reached concerns everyone left, a 4xx only its recipient
    for why in dict.fromkeys(d.waiting.values()):
        who = ", ".join(rcpt for rcpt, reason in d.waiting.items() if reason == why)
        since = [f"{d.deferred[r]:%Y-%m-%d %H:%M} UTC" for r in d.waiting if d.waiting[r] == why and r in d.deferred]
        if since:
            parts.append(_("Not yet delivered to {recipients}: {reason} (so since {since}; if it still says so a day "
                           "after that, it counts as failed).").format(recipients=who, reason=why, since=since[0]))
        else:
            parts.append(_("Not yet delivered to {recipients}: {reason}.").format(recipients=who, reason=why))
    if d.waiting:
        parts.append(_("It is kept in the outbox ({path}) and sent by the next 'monitor digest --send' or by "
                       "'monitor schedule'.").format(path=state.path))
    if d.settled and not d.delivered and not d.waiting:
        parts.append(_("Nobody has confirmed it, so the next digest still contains its changes."))
    if parts:
        return " ".join(parts)
    if earlier:
        return _("The earlier digest waiting in the outbox was already delivered to everyone.")
    if language:
        return _("The digest in {language} was already delivered to everyone.").format(language=language)
    return _("It was already delivered to everyone.")


def _quoted(text: str) -> str:
    return f"'{text}'" if any(c in text for c in " <>\"") else text


def status_text(state: DigestState, limit: int = 10) -> str:
    """The last digests and each recipient's state, as lines for the terminal; who needs a decision first."""
    lines = []
    last = state.latest_snapshot()
    lines.append(_("The next digest covers the changes since {day}.").format(day=last.taken.isoformat()) if last
                 else _("No digest has reached anyone yet: the next one is the first."))
    # the states as the README names them: a row's state word is the key, not translated
    for mid in state.message_ids()[:limit]:
        entry = state.outbox_entry(mid)
        rows, details = state.deliveries(mid), state.details(mid)
        if entry["done"] is None:
            how = _("waiting in the outbox")
        elif entry["delivered"]:
            how = _("delivered")
        else:
            how = _("reached nobody (its changes go into the next digest)")
        lines.append(f"{short_id(mid)}  {entry['digest_date'].isoformat()}  {how}  {entry['subject']}")
        for rcpt in dict.fromkeys(list(entry["recipients"]) + list(rows)):
            st = rows.get(rcpt, "not yet sent")
            extra = f" — {details[rcpt]}" if st in ("in-doubt", "failed", "deferred") and details.get(rcpt) else ""
            st = "not yet sent" if st == "deferred" else st  # the README's four states; the detail says why
            lines.append(f"    {st:<12} {rcpt}{extra}")
    doubt = any(st in ("in-doubt", "failed") for mid in state.message_ids()[:limit]
                for st in state.deliveries(mid).values())
    if doubt:
        lines.append(_("To send a digest again to those in doubt or failed: monitor digest --resend ID "
                       "(add --to ADDRESS for one address)."))
    return "\n".join(lines) + "\n"
