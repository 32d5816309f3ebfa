"""Delivering one queued digest to each of its recipients, exactly once; the rows are in outbox.py's database.

The delivery contract (the README's "What happens to each email" says it for users):
- a recipient's row says "sending" only while the message itself is going out (after the server's 354, before
  its reply); an attempt that then proves not delivered (a 4xx or 5xx reply to the message, a connection lost
  before its end marker went out) puts the row back at once, before any pause; so a row still "sending" on the
  next run means the process stopped in that moment: that recipient is *in doubt*;
- a connection lost in that same moment makes the recipient *in doubt* at once; in doubt is never retried
  automatically (a duplicate is worse than a question), only by `monitor digest --resend`;
- a 5xx reply for a recipient makes it *failed*; failed is not retried automatically either;
- a passing failure of the server or the connection (no connection, a 4xx to the greeting or the sender, a
  process stopped while waiting between attempts) leaves no row and stops this run for everyone left: the digest
  stays in the outbox and they get it on the next run;
- a 4xx about one recipient (e.g. "452 mailbox full" to RCPT) is that recipient's alone: the others are sent now;
  its row says "deferred" since the first such answer, and it is tried again on each run; still deferred a day
  (DEFER_LIMIT) after the first, it counts as failed, so that one full mailbox cannot hold back new digests for
  everyone;
- a digest is settled when nobody is left to try; its snapshot becomes the next digest's baseline only if at
  least one recipient confirmed it ("sent"), so when everyone failed the next digest repeats its changes.
One process sends at a time (a lock beside the database). The database is written by sqlite3, not by store.py.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import _
from .outbox import DeliveryError, DigestState
from .store import file_lock

if TYPE_CHECKING:
    from .settings import Settings

Sleep = Callable[[float], None]  # time.sleep, or a test's stand-in

log = logging.getLogger("monitor.digest")
FINAL = ("sent", "in-doubt", "failed", "refused")  # "refused": the name of "failed" before issue 11
DEFER_LIMIT = dt.timedelta(days=1)  # then a 4xx for one recipient counts as failed (see the docstring)


@contextlib.contextmanager
def sending_state(settings: Settings) -> Iterator[DigestState]:
    """The digest state held by this process alone while it sends; DeliveryError when another one is sending."""
    from filelock import Timeout

    from .settings import state_folder_error

    folder = Path(settings.state_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise state_folder_error(folder, exc.strerror or str(exc)) from None
    lock = file_lock(folder / "digest.sqlite", timeout=0)
    try:
        lock.__enter__()
    except Timeout:  # before OSError: filelock's Timeout is a TimeoutError
        raise DeliveryError(_("another 'monitor digest --send' or 'monitor schedule' is sending digests from {folder} "
                              "right now; nothing was sent — wait until it has finished, then run this again").format(
                                  folder=folder)) from None
    except OSError as exc:  # the lock file cannot be made (a read-only folder, a folder in its place)
        raise state_folder_error(folder, exc) from None
    try:
        state = DigestState(folder)
        try:
            yield state
        finally:
            state.close()
    finally:
        lock.__exit__(None, None, None)


@dataclasses.dataclass
class Delivery:
    """What happened to one digest in this run; the dicts map a recipient to the reason."""

    message_id: str
    sent: list = dataclasses.field(default_factory=list)
    in_doubt: dict = dataclasses.field(default_factory=dict)      # found or left in doubt in this run
    failed: dict = dataclasses.field(default_factory=dict)        # refused with a 5xx in this run
    waiting: dict = dataclasses.field(default_factory=dict)       # not reached now: stays in the outbox
    deferred: dict = dataclasses.field(default_factory=dict)      # of those, by their own 4xx: since when (UTC)
    settled: bool = False
    delivered: bool = False  # its snapshot is the baseline: at least one recipient confirmed it

    @property
    def complete(self) -> bool:
        return self.settled


def deliver(state: DigestState, settings: Settings, message_id: str, *, to: list[str] | None = None,
            sleep: Sleep = time.sleep) -> Delivery:
    """Send a digest to each recipient not yet served (or to `to`, on the user's decision); settle it when
    nobody is left to try."""
    from .mail import Mailer, MailError

    entry = state.outbox_entry(message_id)
    result = Delivery(message_id)
    known = state.deliveries(message_id)
    for rcpt, st in known.items():
        if st == "sending":  # the last run stopped while the message itself was going out
            why = _("the last run stopped while the digest was going out to them")
            state.mark(message_id, rcpt, "in-doubt", why)
            known[rcpt] = "in-doubt"
            result.in_doubt[rcpt] = why
            log.warning("digest %s may or may not have reached %s (%s); it is not sent again", message_id, rcpt, why)
    stopped = ""  # why nobody more can be sent now: the server is unreachable or the settings are wrong
    with Mailer(settings, sleep=sleep) as mailer:
        for rcpt in (entry["recipients"] if to is None else to):
            before = known.get(rcpt)
            if to is None and before in FINAL:
                continue
            if stopped:
                result.waiting[rcpt] = stopped
                continue
            prior = state.row(message_id, rcpt)
            try:
                mailer.send(entry["message"], rcpt,
                            before_data=functools.partial(state.mark, message_id, rcpt, "sending"),
                            not_sent=functools.partial(state.put_back, message_id, rcpt, prior))
            except MailError as exc:
                if exc.kind == "in-doubt":
                    state.mark(message_id, rcpt, "in-doubt", str(exc))
                    result.in_doubt[rcpt] = str(exc)
                elif exc.kind == "refused":
                    state.mark(message_id, rcpt, "failed", str(exc))
                    result.failed[rcpt] = str(exc)
                elif exc.kind == "deferred" and to is None:
                    _defer(state, message_id, rcpt, str(exc), result)
                else:  # nothing reached the server (not_sent put the row back): as it was, none or a resend's
                    result.waiting[rcpt] = str(exc)
                    if exc.kind != "deferred":
                        stopped = str(exc)
                continue
            state.mark(message_id, rcpt, "sent")
            result.sent.append(rcpt)
    if (to is None and not result.waiting) or entry["done"]:
        result.settled = True
        result.delivered = state.settle(message_id)
    return result


def _defer(state: DigestState, message_id: str, rcpt: str, why: str, result: Delivery) -> None:
    """A 4xx for this recipient alone: it waits, unless that has gone on for DEFER_LIMIT already; then it failed."""
    since = state.defer(message_id, rcpt, why)
    if dt.datetime.now(dt.timezone.utc) - since < DEFER_LIMIT:
        result.waiting[rcpt] = why
        result.deferred[rcpt] = since
        return
    why = _("{reason} (and so on every try since {since} UTC, for more than a day, so it counts as failed)").format(
        reason=why, since=f"{since:%Y-%m-%d %H:%M}")
    state.mark(message_id, rcpt, "failed", why)
    result.failed[rcpt] = why
