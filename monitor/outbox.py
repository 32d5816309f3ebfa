"""The digest's state and delivery: snapshots, the outbox, and one row per recipient, in `<state>/digest.sqlite`.

A row is written *before* a message is handed to the server; a row still marked "sending" on the next run
means the process died mid-send: that recipient counts as served (never sent twice) and the log says so.
The database is written by sqlite3, not by store.py.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import sqlite3
import time
from pathlib import Path

from .store import file_lock

log = logging.getLogger("monitor.digest")
FINAL = ("sent", "in-doubt", "refused")


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# -- snapshots, outbox, deliveries --------------------------------------------------------------------

SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (id INTEGER PRIMARY KEY AUTOINCREMENT, taken TEXT NOT NULL,
    message_id TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (message_id TEXT PRIMARY KEY, created TEXT NOT NULL, digest_date TEXT NOT NULL,
    subject TEXT NOT NULL, recipients TEXT NOT NULL, message BLOB NOT NULL, snapshot TEXT NOT NULL, done TEXT);
CREATE TABLE IF NOT EXISTS deliveries (message_id TEXT NOT NULL, recipient TEXT NOT NULL, state TEXT NOT NULL,
    at TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', PRIMARY KEY (message_id, recipient));
"""


class DigestState:
    """The digest database in the state folder; every method commits before it returns."""

    def __init__(self, state_dir: str | Path):
        self.path = Path(state_dir) / "digest.sqlite"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60)
            with self.db:
                self.db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            from .settings import state_folder_error

            raise state_folder_error(self.path.parent, getattr(exc, "strerror", None) or str(exc)) from None

    def close(self) -> None:
        self.db.close()

    def latest_snapshot(self) -> tuple[dt.date, dict] | None:
        """(date taken, data) of the snapshot sent with the last delivered digest, or None before the first."""
        row = self.db.execute("SELECT taken, data FROM snapshots ORDER BY id DESC LIMIT 1").fetchone()
        return (_day(row[0]), json.loads(row[1])) if row else None

    def add_to_outbox(self, message_id: str, digest_date: dt.date, subject: str, recipients, message: bytes,
                      snapshot: dict) -> bool:
        """Queue a digest; False when one with this Message-ID is already known (then nothing changes)."""
        with self.db:
            cur = self.db.execute("INSERT OR IGNORE INTO outbox VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                                  (message_id, _now(), digest_date.isoformat(), subject, json.dumps(list(recipients)),
                                   message, json.dumps(snapshot)))
        return cur.rowcount == 1

    def outbox_entry(self, message_id: str) -> dict | None:
        row = self.db.execute("SELECT message_id, digest_date, subject, recipients, message, done FROM outbox "
                              "WHERE message_id = ?", (message_id,)).fetchone()
        if row is None:
            return None
        return {"message_id": row[0], "digest_date": _day(row[1]), "subject": row[2],
                "recipients": json.loads(row[3]), "message": row[4], "done": row[5]}

    def waiting(self) -> list[str]:
        """Message-IDs of digests not yet delivered to every recipient, oldest first."""
        return [r[0] for r in self.db.execute("SELECT message_id FROM outbox WHERE done IS NULL ORDER BY created")]

    def deliveries(self, message_id: str) -> dict[str, str]:
        rows = self.db.execute("SELECT recipient, state FROM deliveries WHERE message_id = ?", (message_id,))
        return dict(rows.fetchall())

    def mark(self, message_id: str, recipient: str, state: str, detail: str = "") -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO deliveries VALUES (?, ?, ?, ?, ?)",
                            (message_id, recipient, state, _now(), detail))

    def unmark(self, message_id: str, recipient: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM deliveries WHERE message_id = ? AND recipient = ?", (message_id, recipient))

    def complete(self, message_id: str) -> None:
        """Everyone has it: its snapshot becomes the one the next digest compares against (one transaction)."""
        with self.db:
            self.db.execute("INSERT INTO snapshots (taken, message_id, data) SELECT digest_date, message_id, snapshot "
                            "FROM outbox WHERE message_id = ? AND done IS NULL", (message_id,))
            self.db.execute("UPDATE outbox SET done = ? WHERE message_id = ?", (_now(), message_id))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclasses.dataclass
class Delivery:
    """What happened to one queued digest in this run."""

    message_id: str
    sent: list = dataclasses.field(default_factory=list)
    in_doubt: list = dataclasses.field(default_factory=list)
    refused: dict = dataclasses.field(default_factory=dict)
    failed: dict = dataclasses.field(default_factory=dict)
    complete: bool = False


def deliver(state: DigestState, settings, message_id: str, *, sleep=time.sleep) -> Delivery:
    """Send a queued digest to each recipient who has not had it; complete it when nobody is left."""
    from .mail import Mailer, MailError

    entry = state.outbox_entry(message_id)
    result = Delivery(message_id)
    known = state.deliveries(message_id)
    with Mailer(settings, sleep=sleep) as mailer:
        for rcpt in entry["recipients"]:
            if known.get(rcpt) in FINAL:
                continue
            if known.get(rcpt) == "sending":  # the last run died between handing it over and recording it
                state.mark(message_id, rcpt, "in-doubt")
                log.warning("digest %s may or may not have reached %s (the last run stopped while sending); "
                            "it is not sent again", message_id, rcpt)
                result.in_doubt.append(rcpt)
                continue
            if result.failed:  # the server is unreachable or refuses us: do not try the rest now
                result.failed[rcpt] = next(iter(result.failed.values()))
                continue
            state.mark(message_id, rcpt, "sending")
            try:
                mailer.send(entry["message"], rcpt)
            except MailError as exc:
                if exc.permanent and exc.recipient:
                    state.mark(message_id, rcpt, "refused", str(exc))
                    result.refused[rcpt] = str(exc)
                else:
                    state.unmark(message_id, rcpt)
                    result.failed[rcpt] = str(exc)
                continue
            state.mark(message_id, rcpt, "sent")
            result.sent.append(rcpt)
    if not result.failed:
        state.complete(message_id)
        result.complete = True
    return result


def send_waiting(settings, *, sleep=time.sleep) -> str:
    """Deliver the digests waiting in the outbox (for the scheduler's retry job); '' when none is waiting."""
    path = Path(settings.state_dir) / "digest.sqlite"
    if not path.exists():
        return ""
    state = DigestState(settings.state_dir)
    try:
        with file_lock(state.path):
            waiting = state.waiting()
            if waiting:
                settings.check_mail()
            return " ".join(_delivery_line(state, deliver(state, settings, mid, sleep=sleep), earlier=True)
                            for mid in waiting)
    finally:
        state.close()


def _delivery_line(state: DigestState, d: Delivery, earlier: bool = False) -> str:
    what = "The earlier digest waiting in the outbox was" if earlier else "It was"
    parts = []
    if d.sent:
        parts.append(f"{what} emailed to {', '.join(d.sent)} (Message-ID {d.message_id}).")
    if d.in_doubt:
        parts.append(f"The last run stopped while sending to {', '.join(d.in_doubt)}: not sent again, to avoid a "
                     "duplicate; ask them whether it arrived.")
    for rcpt, why in d.refused.items():
        parts.append(f"{rcpt} will not get it: {why} — correct mail_to.")
    if d.failed:
        why = next(iter(d.failed.values()))
        parts.append(f"Not yet delivered to {', '.join(d.failed)}: {why}. It is kept in the outbox ({state.path}) "
                     "and sent by the next 'monitor digest --send' or by 'monitor schedule'.")
    return " ".join(parts) or f"{what} already delivered to everyone."
