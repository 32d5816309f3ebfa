"""The digest: the data as of the last sent digest (a snapshot) vs now -> what changed; saved, and sent once.

The snapshot sent with each digest, the outbox and the delivery records live in `<state>/digest.sqlite`,
kept by outbox.py; this module compares, builds the Digest and runs one `monitor digest`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
import logging
import time
from pathlib import Path

from .delivery_report import delivery_text, send_waiting  # noqa: F401  (send_waiting: the name it had here)
from .model import Register, Status
from .outbox import (FINAL, Delivery, DeliveryError, DigestState, _day, deliver,  # noqa: F401
                     sending_state, short_id)
from .readfile import check_regular, read_regular
from .store import publish_files

log = logging.getLogger(__name__)

DEMAND_FIELDS = ("resolution", "paragraph", "addressee", "topic", "person", "demand", "text", "quoted_from", "repeats")
RESOLUTION_FIELDS = ("title", "adopted", "reference", "procedure", "url")
FIRST_PERIOD_DAYS = 7
STALE_SHOWN = 10


class DigestNotSent(Exception):
    """Someone did not get a digest in this run (this one or an earlier one): in doubt, failed or still waiting."""


# -- change detection ----------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class NewEntry:
    """A history entry that was not in the last digest; `late` when its event predates the digest's period."""

    demand_id: str
    demand: str
    person: str
    resolution: str
    date: dt.date
    status: str
    previous: str | None
    note: str
    sources: tuple[str, ...]
    late: bool


@dataclasses.dataclass(frozen=True)
class NewDemand:
    demand_id: str
    demand: str
    person: str
    resolution: str
    addressee: str
    status: str
    since: dt.date


@dataclasses.dataclass(frozen=True)
class Correction:
    """A changed field of a demand or resolution, a changed or removed history entry, or a removed item."""

    kind: str
    item_id: str
    label: str
    field: str
    before: str
    after: str


@dataclasses.dataclass(frozen=True)
class StaleDemand:
    demand_id: str
    demand: str
    person: str
    resolution: str
    status: str
    since: dt.date
    days: int


@dataclasses.dataclass(frozen=True)
class StatusCount:
    status: str
    now: int
    before: int


@dataclasses.dataclass(frozen=True)
class Digest:
    """Everything one digest says, ready for the templates."""

    today: dt.date
    period_start: dt.date
    last_digest: dt.date | None
    new_entries: tuple[NewEntry, ...]
    new_demands: tuple[NewDemand, ...]
    corrections: tuple[Correction, ...]
    stale: tuple[StaleDemand, ...]
    stale_total: int
    stale_days: int
    counts: tuple[StatusCount, ...]
    resolutions: dict
    data_file: str = "demands.yaml"

    @property
    def change_count(self) -> int:
        return len(self.new_entries) + len(self.new_demands) + len(self.corrections)

    @property
    def subject(self) -> str:
        from .render import short_date

        parts = [_n(len(self.new_entries), "new status entry", "new status entries"),
                 _n(len(self.new_demands), "new demand", "new demands"),
                 _n(len(self.corrections), "correction", "corrections")]
        said = ", ".join(p for p in parts if not p.startswith("0 ")) or "no changes"
        return f"Demands digest {short_date(self.period_start)} – {short_date(self.today)}: {said}"


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def snapshot_of(register: Register) -> dict:
    """The register as plain JSON-able data: what a digest compares against next time."""
    def value(v):
        return list(v) if isinstance(v, tuple) else v.isoformat() if isinstance(v, dt.date) else v

    return {
        "resolutions": {r.id: {f: value(getattr(r, f)) for f in RESOLUTION_FIELDS} for r in register.resolutions},
        "demands": {d.id: {**{f: value(getattr(d, f)) for f in DEMAND_FIELDS},
                           "history": [[e.date.isoformat(), e.status.value, e.note, list(e.sources)]
                                       for e in d.history]}
                    for d in register.demands},
    }


def snapshot_before(snapshot: dict, day: dt.date) -> dict:
    """The snapshot as it would have been before `day`: only entries dated earlier (the first digest's baseline)."""
    demands = {}
    for key, dem in snapshot["demands"].items():
        history = [e for e in dem["history"] if e[0] < day.isoformat()]
        if history:
            demands[key] = {**dem, "history": history}
    return {"resolutions": snapshot["resolutions"], "demands": demands}


def compare(before: dict, now: dict, *, today: dt.date, period_start: dt.date, last_digest: dt.date | None,
            stale_days: int, data_file: str = "demands.yaml") -> Digest:
    """What changed from `before` to `now` (both snapshots), plus the demands that have not moved for long."""
    new_entries, new_demands, corrections = [], [], []
    for key, dem in now["demands"].items():
        old = before["demands"].get(key)
        if old is None:
            first = dem["history"][0]
            new_demands.append(NewDemand(key, dem["demand"], dem["person"], dem["resolution"], dem["addressee"],
                                         dem["history"][-1][1], _day(first[0])))
            added, changed = list(range(1, len(dem["history"]))), []  # its later steps are news too
        else:
            corrections += [Correction("demand", key, dem["demand"], f, _shown(old.get(f)), _shown(dem.get(f)))
                            for f in DEMAND_FIELDS if old.get(f) != dem.get(f)]
            added, changed = _history_changes(old["history"], dem["history"])
        for index in added:
            entry = dem["history"][index]
            previous = dem["history"][index - 1][1] if index else None
            new_entries.append(NewEntry(key, dem["demand"], dem["person"], dem["resolution"], _day(entry[0]),
                                        entry[1], previous, entry[2], tuple(entry[3]),
                                        late=_day(entry[0]) < period_start))
        corrections += [Correction("history", key, dem["demand"], field, b, a) for field, b, a in changed]
    for key, old in before["demands"].items():
        if key not in now["demands"]:
            corrections.append(Correction("demand", key, old["demand"], "demand", old["demand"],
                                          f"removed from {data_file}"))
    for key, res in now["resolutions"].items():
        old = before["resolutions"].get(key)
        if old is not None:
            corrections += [Correction("resolution", key, res["title"], f, _shown(old.get(f)), _shown(res.get(f)))
                            for f in RESOLUTION_FIELDS if old.get(f) != res.get(f)]
    new_entries.sort(key=lambda e: (e.date, e.demand_id))
    stale = sorted((s for s in _stale(now, today, stale_days)), key=lambda s: (s.since, s.demand_id))
    return Digest(today=today, period_start=period_start, last_digest=last_digest, new_entries=tuple(new_entries),
                  new_demands=tuple(new_demands), corrections=tuple(corrections), stale=tuple(stale[:STALE_SHOWN]),
                  stale_total=len(stale), stale_days=stale_days, counts=_counts(before, now),
                  resolutions={k: r["title"] for k, r in now["resolutions"].items()}, data_file=data_file)


def _history_changes(old: list, new: list):
    """Indexes of entries added to `new`, and (field, before, after) for entries edited or removed."""
    a = [json.dumps(e) for e in old]
    b = [json.dumps(e) for e in new]
    added, changed = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "insert":
            added += range(j1, j2)
        elif op in ("delete", "replace"):
            pairs = list(zip(range(i1, i2), range(j1, j2))) if op == "replace" else []
            for i, j in pairs:
                changed.append((f"history entry of {old[i][0]}", _entry_text(old[i]), _entry_text(new[j])))
            for i in range(i1 + len(pairs), i2):
                changed.append((f"history entry of {old[i][0]}", _entry_text(old[i]), "removed"))
            added += range(j1 + len(pairs), j2)
    return sorted(added), changed


def _entry_text(entry: list) -> str:
    text = f"{entry[0]} {entry[1]}: {entry[2]}"
    return text + (" (" + ", ".join(entry[3]) + ")" if entry[3] else "")


def _stale(now: dict, today: dt.date, stale_days: int):
    for key, dem in now["demands"].items():
        date, status = dem["history"][-1][0], dem["history"][-1][1]
        days = (today - _day(date)).days
        if Status(status).is_open and days >= stale_days:
            yield StaleDemand(key, dem["demand"], dem["person"], dem["resolution"], status, _day(date), days)


def _counts(before: dict, now: dict) -> tuple[StatusCount, ...]:
    def tally(snapshot):
        counts = {s.value: 0 for s in Status}
        for dem in snapshot["demands"].values():
            counts[dem["history"][-1][1]] += 1
        return counts

    b, n = tally(before), tally(now)
    return tuple(StatusCount(s.value, n[s.value], b[s.value]) for s in Status)


def _shown(value) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "(none)"
    return "(empty)" if value in (None, "") else str(value)


def run_digest(register: Register, settings, *, out_dir, since: dt.date | None = None, send: bool = False,
               today: dt.date, sleep=time.sleep) -> str:
    """Make the digest, save it under out_dir/digests/, and with `send` email it; returns a summary for the user."""
    if not send:
        return _make(register, settings, None, out_dir=out_dir, since=since, today=today)[1]
    settings.check_mail()
    with sending_state(settings) as state:
        earlier = [deliver(state, settings, mid, sleep=sleep) for mid in state.waiting()]
        said = [_earlier_not_sent(state, d) if d.waiting else delivery_text(state, d, earlier=True) for d in earlier]
        if any(d.waiting for d in earlier):
            raise DigestNotSent(" ".join(said))
        # someone in doubt or failed for an earlier digest needs the user as much as for this one: exit 1
        trouble = any(d.failed or d.in_doubt for d in earlier)
        last = state.latest_snapshot()
        digest, summary, files = _make(register, settings, state, out_dir=out_dir, since=since, today=today)
        if since is None and digest.change_count == 0:
            if earlier:
                return _told(said + ["Nothing has changed since then, so no new digest was made."], trouble)
            if last is not None and last[0] >= today:
                # at most one "no changes" digest a day: a second run (or a second process after the first)
                # would only repeat that nothing happened
                return (summary + f" Nothing has changed since the digest of {last[0].isoformat()}, so it was not "
                        "emailed (at most one digest a day says 'no changes').")
        message_id, message = _message(digest, files, settings, register_key=_key(digest, settings))
        if not state.add_to_outbox(message_id, today, digest.subject, settings.mail_to, message,
                                   snapshot_of(register)):
            entry = state.outbox_entry(message_id)
            if entry["done"] and entry["delivered"]:
                return _told([summary] + said + [f"This digest ({message_id}) was already emailed; it is not sent "
                                                 "again."], trouble)
            if entry["done"]:
                raise DigestNotSent(" ".join([summary] + said + [
                    f"This digest ({message_id}) was already tried and reached nobody; it is not sent again by "
                    "itself — see 'monitor digest --status', then run "
                    f"'monitor digest --resend {short_id(message_id)}' once the problem is solved."]))
        result = deliver(state, settings, message_id, sleep=sleep)
        said.append(delivery_text(state, result))
        return _told([summary] + said, trouble or bool(result.waiting or result.failed or result.in_doubt))


def _told(parts: list[str], trouble: bool) -> str:
    """The run's summary; raised as DigestNotSent (exit 1) when someone is in doubt, failed or still waiting."""
    if trouble:
        raise DigestNotSent(" ".join(parts))
    return " ".join(parts)


def _make(register, settings, state, *, out_dir, since, today):
    """Compare, render and save: (digest, summary, (text, html))."""
    from .render import long_date
    from .render.digest import render_html, render_text

    now = snapshot_of(register)
    last = state.latest_snapshot() if state is not None and since is None else None
    if last is None and since is None and state is None:
        last = _peek_snapshot(settings.state_dir)
    if last is not None:
        period_start, before, last_digest = last[0], last[1], last[0]
    else:
        period_start = since or today - dt.timedelta(days=FIRST_PERIOD_DAYS)
        before, last_digest = snapshot_before(now, period_start), None
    digest = compare(before, now, today=today, period_start=period_start, last_digest=last_digest,
                     stale_days=settings.stale_days, data_file=Path(settings.data_path).name)
    text, html = render_text(digest), render_html(digest)
    name = _free_name(Path(out_dir) / "digests", f"digest-{today.isoformat()}", text.encode("utf-8"))
    written = publish_files(out_dir, {f"digests/{name}.txt": text.encode("utf-8"),
                                      f"digests/{name}.html": html.encode("utf-8")})
    since_words = (f"since the last digest of {long_date(last_digest)}" if last_digest
                   else f"with entries dated from {long_date(period_start)} on")
    stale = (f"; {digest.stale_total} open demand(s) have not moved for {settings.stale_days} days or more"
             if digest.stale_total else "")
    summary = (f"Digest of {long_date(today)} {since_words}: {digest.subject.split(': ', 1)[1]}{stale}. "
               f"Saved as {written[0]} and {written[1].name}.")
    if state is None:
        summary += " Not emailed (add --send to email it)."
    return digest, summary, (text, html)


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


def _peek_snapshot(state_dir: Path):
    """The last snapshot without creating the state folder (a preview must not write state)."""
    if not (Path(state_dir) / "digest.sqlite").exists():
        return None
    state = DigestState(state_dir)
    try:
        return state.latest_snapshot()
    finally:
        state.close()


def _key(digest: Digest, settings) -> str:
    """Same baseline, same data, same day, same recipients -> same key, so a repeat is recognised."""
    blob = json.dumps([dataclasses.asdict(digest), list(settings.mail_to)], default=str, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def _message(digest: Digest, files, settings, register_key: str) -> tuple[str, bytes]:
    from email import policy

    from .mail import build_message, new_message_id

    message_id = new_message_id(settings.mail_from, register_key)
    msg = build_message(subject=digest.subject, text=files[0], html=files[1], sender=settings.mail_from,
                        recipients=settings.mail_to, message_id=message_id)
    return message_id, msg.as_bytes(policy=policy.SMTP)


def _earlier_not_sent(state: DigestState, d: Delivery) -> str:
    entry = state.outbox_entry(d.message_id)
    return (f"An earlier digest ({entry['subject']}) is still waiting in the outbox and could not be sent: "
            + delivery_text(state, d) + " No new digest was made; it will include this week's changes once "
            "the earlier one is delivered.")
