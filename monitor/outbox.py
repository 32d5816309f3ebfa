"""The digest's state in `<state>/digest.sqlite`: the snapshot sent with each delivered digest, the outbox,
and one row per recipient. What the rows mean, and how they change, is delivery.py's contract.

The database is written by sqlite3, not by store.py.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from .errors import MonitorError
from .i18n import _, format_number, ngettext
from .snapshot import Baseline, Snapshot

RecipientState = Literal["sending", "sent", "in-doubt", "failed", "deferred"]
APPLICATION_ID = 0x6D6F6E69  # "moni": marks the SQLite file as ours (PRAGMA application_id)
TABLES = {"snapshots": {"id", "taken", "message_id", "data"},
          "outbox": {"message_id", "created", "digest_date", "subject", "recipients", "message", "snapshot", "done"},
          "deliveries": {"message_id", "recipient", "state", "at", "detail"}}


class DeliveryError(MonitorError):
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

    def __init__(self, state_dir: str | Path) -> None:
        from .readfile import NotARegularFile, check_regular
        from .settings import SettingsError, state_folder_error

        self.path = Path(state_dir) / "digest.sqlite"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            check_regular(self.path)
            self.db = sqlite3.connect(self.path, timeout=60)
        except NotARegularFile as exc:
            raise SettingsError(_foreign(self.path, exc.strerror or "not a regular file")) from None
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
            other = ", ".join(sorted(set(tables) - set(TABLES))) or _("its tables differ from ours")
            raise SettingsError(_foreign(self.path, _("it is another program's SQLite database: {tables}").format(
                tables=other)))
        with self.db:
            self.db.executescript(SCHEMA)
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def close(self) -> None:
        self.db.close()

    def latest_snapshot(self) -> Baseline | None:
        """(day taken, snapshot) of the snapshot sent with the last delivered digest, or None before the first."""
        row = self.db.execute("SELECT taken, data FROM snapshots ORDER BY id DESC LIMIT 1").fetchone()
        return Baseline(_day(row[0]), Snapshot.from_json(json.loads(row[1]))) if row else None

    def delivered_before(self, day: dt.date) -> dt.date | None:
        """The day of the latest digest delivered before `day`, or None: whether a monthly part is due today
        does not change with today's own delivery, so the same digest made again is still the same."""
        row = self.db.execute("SELECT MAX(taken) FROM snapshots WHERE taken < ?", (day.isoformat(),)).fetchone()
        return _day(row[0]) if row[0] else None

    def add_to_outbox(self, message_id: str, digest_date: dt.date, subject: str, recipients: Iterable[str],
                      message: bytes, snapshot: Snapshot) -> bool:
        """Queue a digest; False when one with this Message-ID is already known (then nothing changes)."""
        with self.db:
            cur = self.db.execute("INSERT OR IGNORE INTO outbox VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                                  (message_id, _now(), digest_date.isoformat(), subject, json.dumps(list(recipients)),
                                   message, json.dumps(snapshot.to_json())))
        return cur.rowcount == 1

    def outbox_entry(self, message_id: str) -> dict:
        """One queued or settled digest as a dict; DeliveryError when this Message-ID is unknown."""
        row = self.db.execute("SELECT message_id, digest_date, subject, recipients, message, done FROM outbox "
                              "WHERE message_id = ?", (message_id,)).fetchone()
        if row is None:
            raise DeliveryError(_("there is no digest {message_id} in {path} — see 'monitor digest --status'").format(
                message_id=message_id, path=self.path))
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
                self.db.execute("INSERT OR REPLACE INTO deliveries VALUES (?, ?, ?, ?, ?)",
                                (message_id, recipient, *row))

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
    return _("{path} is not monitor's digest database ({why}) — move that file away (monitor then starts a new one) "
             "or set state (MONITOR_STATE) to another folder").format(path=path, why=why)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def short_id(message_id: str) -> str:
    """The first 8 characters of the digest's key: `<digest.1a2b3c4d...@example.org>` -> `1a2b3c4d`."""
    return _key(message_id)[:8]


def _key(message_id: str) -> str:
    return message_id.strip("<>").split("@", 1)[0].removeprefix("digest.")


def find_digest(state: DigestState, ident: str) -> str:
    """The Message-ID meant by `ident`: the whole Message-ID, with or without <>, or its short form (6+ characters)."""
    ident = ident.strip()
    known = state.message_ids()
    full = [m for m in known if m == ident or m == f"<{ident.strip('<>')}>"]
    if full:
        return full[0]
    matches = [m for m in known if len(ident) >= 6 and _key(m).startswith(ident)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise DeliveryError(_("there is no digest '{id}' in {path} — 'monitor digest --status' lists them with "
                              "their short ids").format(id=ident, path=state.path))
    # only ever two or more; Russian still has three forms for them ("к 21 дайджесту", "к 2 дайджестам")
    raise DeliveryError(ngettext("'{id}' fits {count} digests — give more of its Message-ID",
                                 "'{id}' fits {count} digests — give more of its Message-ID", len(matches)).format(
        id=ident, count=format_number(len(matches))))
