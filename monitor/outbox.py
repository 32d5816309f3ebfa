"""The digest's state and delivery: snapshots, the outbox, and one row per recipient, in `<state>/digest.sqlite`.

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
import json
import logging
import sqlite3
import time
from pathlib import Path
from typing import Literal

from .changes import Baseline, Snapshot
from .store import file_lock

log = logging.getLogger("monitor.digest")
RecipientState = Literal["sending", "sent", "in-doubt", "failed", "deferred"]
FINAL = ("sent", "in-doubt", "failed", "refused")  # "refused": the name of "failed" before issue 11
DEFER_LIMIT = dt.timedelta(days=1)  # then a 4xx for one recipient counts as failed (see the docstring)
APPLICATION_ID = 0x6D6F6E69  # "moni": marks the SQLite file as ours (PRAGMA application_id)
TABLES = {"snapshots": {"id", "taken", "message_id", "data"},
          "outbox": {"message_id", "created", "digest_date", "subject", "recipients", "message", "snapshot", "done"},
          "deliveries": {"message_id", "recipient", "state", "at", "detail"}}


class DeliveryError(Exception):
    """Delivery cannot go on as asked (another process is sending, no such digest); the message says what to do."""


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


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
        from .readfile import NotARegularFile, check_regular
        from .settings import SettingsError, state_folder_error

        self.path = Path(state_dir) / "digest.sqlite"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            check_regular(self.path)
            self.db = sqlite3.connect(self.path, timeout=60)
        except NotARegularFile as exc:
            raise SettingsError(_foreign(self.path, exc.strerror)) from None
        except (OSError, sqlite3.Error) as exc:
            raise state_folder_error(self.path.parent, getattr(exc, "strerror", None) or str(exc)) from None
        try:
            self._adopt()
        except sqlite3.DatabaseError as exc:  # random bytes: "file is not a database"
            self.db.close()
            raise SettingsError(_foreign(self.path, str(exc))) from None
        except SettingsError:
            self.db.close()
            raise

    def _adopt(self) -> None:
        """Create our tables in a new file; accept ours (also from before the mark); refuse anyone else's."""
        from .settings import SettingsError

        mark = self.db.execute("PRAGMA application_id").fetchone()[0]
        tables = {name: {c[1] for c in self.db.execute(f"PRAGMA table_info('{name}')")}
                  for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                 "AND name NOT LIKE 'sqlite_%'")}
        if mark not in (0, APPLICATION_ID) or (tables and tables != TABLES):
            other = ", ".join(sorted(set(tables) - set(TABLES))) or "its tables differ from ours"
            raise SettingsError(_foreign(self.path, f"it is another program's SQLite database: {other}"))
        with self.db:
            self.db.executescript(SCHEMA)
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def close(self) -> None:
        self.db.close()

    def latest_snapshot(self) -> Baseline | None:
        """(day taken, snapshot) of the snapshot sent with the last delivered digest, or None before the first."""
        row = self.db.execute("SELECT taken, data FROM snapshots ORDER BY id DESC LIMIT 1").fetchone()
        return Baseline(_day(row[0]), Snapshot.from_json(json.loads(row[1]))) if row else None

    def add_to_outbox(self, message_id: str, digest_date: dt.date, subject: str, recipients, message: bytes,
                      snapshot: Snapshot) -> bool:
        """Queue a digest; False when one with this Message-ID is already known (then nothing changes)."""
        with self.db:
            cur = self.db.execute("INSERT OR IGNORE INTO outbox VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                                  (message_id, _now(), digest_date.isoformat(), subject, json.dumps(list(recipients)),
                                   message, json.dumps(snapshot.to_json())))
        return cur.rowcount == 1

    def outbox_entry(self, message_id: str) -> dict | None:
        """One queued or settled digest as a dict, or None when this Message-ID is unknown."""
        row = self.db.execute("SELECT message_id, digest_date, subject, recipients, message, done FROM outbox "
                              "WHERE message_id = ?", (message_id,)).fetchone()
        if row is None:
            return None
        delivered = self.db.execute("SELECT 1 FROM snapshots WHERE message_id = ?", (message_id,)).fetchone()
        return {"message_id": row[0], "digest_date": _day(row[1]), "subject": row[2],
                "recipients": json.loads(row[3]), "message": row[4], "done": row[5], "delivered": bool(delivered)}

    def waiting(self) -> list[str]:
        """Message-IDs of digests with recipients still to try, oldest first."""
        return [r[0] for r in self.db.execute("SELECT message_id FROM outbox WHERE done IS NULL ORDER BY rowid")]

    def message_ids(self) -> list[str]:
        """Every digest's Message-ID, newest first."""
        return [r[0] for r in self.db.execute("SELECT message_id FROM outbox ORDER BY rowid DESC")]

    def deliveries(self, message_id: str) -> dict[str, str]:
        """recipient -> state ('sending', 'sent', 'in-doubt', 'failed') for one digest."""
        rows = self.db.execute("SELECT recipient, state FROM deliveries WHERE message_id = ?", (message_id,))
        return {rcpt: "failed" if st == "refused" else st for rcpt, st in rows.fetchall()}

    def details(self, message_id: str) -> dict[str, str]:
        """recipient -> what the server or the run said, for one digest."""
        rows = self.db.execute("SELECT recipient, detail FROM deliveries WHERE message_id = ?", (message_id,))
        return dict(rows.fetchall())

    def mark(self, message_id: str, recipient: str, state: RecipientState, detail: str = "") -> None:
        """Record a recipient's state (committed before returning)."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO deliveries VALUES (?, ?, ?, ?, ?)",
                            (message_id, recipient, state, _now(), detail))

    def unmark(self, message_id: str, recipient: str) -> None:
        """Forget a recipient's row: nothing reached the server, so the next run tries again."""
        with self.db:
            self.db.execute("DELETE FROM deliveries WHERE message_id = ? AND recipient = ?", (message_id, recipient))

    def row(self, message_id: str, recipient: str) -> tuple | None:
        """A recipient's whole row (state, at, detail), or None; what put_back() restores."""
        return self.db.execute("SELECT state, at, detail FROM deliveries WHERE message_id = ? AND recipient = ?",
                               (message_id, recipient)).fetchone()

    def put_back(self, message_id: str, recipient: str, row: tuple | None) -> None:
        """Restore a row read by row() (None: no row): an attempt that did not deliver changes nothing."""
        if row is None:
            self.unmark(message_id, recipient)
        else:
            with self.db:
                self.db.execute("INSERT OR REPLACE INTO deliveries VALUES (?, ?, ?, ?, ?)", (message_id, recipient, *row))

    def defer(self, message_id: str, recipient: str, detail: str) -> dt.datetime:
        """Record a "try again later" for one recipient; returns when the first of this run of them came (UTC)."""
        with self.db:
            row = self.row(message_id, recipient)
            first = row[1] if row is not None and row[0] == "deferred" else _now()
            self.db.execute("INSERT OR REPLACE INTO deliveries VALUES (?, ?, 'deferred', ?, ?)",
                            (message_id, recipient, first, detail))
        return dt.datetime.fromisoformat(first)

    def settle(self, message_id: str) -> bool:
        """Nobody is left to try: mark it done and, if someone confirmed it and no later digest reached anyone,
        make its snapshot the next baseline (one transaction). True when its snapshot is (now) the baseline."""
        with self.db:
            confirmed = self.db.execute("SELECT 1 FROM deliveries WHERE message_id = ? AND state = 'sent'",
                                        (message_id,)).fetchone()
            later = self.db.execute(
                "SELECT 1 FROM snapshots s JOIN outbox o ON o.message_id = s.message_id WHERE o.rowid >= "
                "(SELECT rowid FROM outbox WHERE message_id = ?)", (message_id,)).fetchone()
            if confirmed and not later:
                self.db.execute("INSERT INTO snapshots (taken, message_id, data) SELECT digest_date, message_id, "
                                "snapshot FROM outbox WHERE message_id = ?", (message_id,))
            self.db.execute("UPDATE outbox SET done = COALESCE(done, ?) WHERE message_id = ?", (_now(), message_id))
        return bool(self.db.execute("SELECT 1 FROM snapshots WHERE message_id = ?", (message_id,)).fetchone())

    # the name before issue 11, when every settled digest counted as delivered
    complete = settle


def _foreign(path: Path, why: str) -> str:
    return (f"{path} is not monitor's digest database ({why}) — move that file away (monitor then starts a new "
            "one) or set state (MONITOR_STATE) to another folder")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@contextlib.contextmanager
def sending_state(settings):
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
        raise DeliveryError(f"another 'monitor digest --send' or 'monitor schedule' is sending digests from {folder} "
                            "right now; nothing was sent — wait until it has finished, then run this again") from None
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


def deliver(state: DigestState, settings, message_id: str, *, to=None, sleep=time.sleep) -> Delivery:
    """Send a digest to each recipient not yet served (or to `to`, on the user's decision); settle it when
    nobody is left to try."""
    from .mail import Mailer, MailError

    entry = state.outbox_entry(message_id)
    result = Delivery(message_id)
    known = state.deliveries(message_id)
    for rcpt, st in known.items():
        if st == "sending":  # the last run stopped while the message itself was going out
            why = "the last run stopped while the digest was going out to them"
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
                mailer.send(entry["message"], rcpt, before_data=lambda r=rcpt: state.mark(message_id, r, "sending"),
                            not_sent=lambda r=rcpt, p=prior: state.put_back(message_id, r, p))
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
    why = f"{why} (and so on every try since {since:%Y-%m-%d %H:%M} UTC, for more than a day, so it counts as failed)"
    state.mark(message_id, rcpt, "failed", why)
    result.failed[rcpt] = why


def short_id(message_id: str) -> str:
    """The first 8 characters of the digest's key: `<digest.1a2b3c4d...@example.org>` -> `1a2b3c4d`."""
    return _key(message_id)[:8]


def _key(message_id: str) -> str:
    return message_id.strip("<>").split("@", 1)[0].removeprefix("digest.")


def find_digest(state: DigestState, ident: str) -> str:
    """The Message-ID meant by `ident` (the whole Message-ID, with or without <>, or its short form of 6+ characters)."""
    ident = ident.strip()
    known = state.message_ids()
    full = [m for m in known if m == ident or m == f"<{ident.strip('<>')}>"]
    if full:
        return full[0]
    matches = [m for m in known if len(ident) >= 6 and _key(m).startswith(ident)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise DeliveryError(f"there is no digest '{ident}' in {state.path} — 'monitor digest --status' lists them "
                            "with their short ids")
    raise DeliveryError(f"'{ident}' fits {len(matches)} digests — give more of its Message-ID")
