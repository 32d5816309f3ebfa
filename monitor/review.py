"""What a change to the data file adds, against a git revision: the list a reviewer reads in a pull request.

The committed version is read from git as the history guard reads it (guard.committed_bytes), both versions become
snapshots and are compared as a digest compares them (changes.compare); what comes out is Markdown, short enough
for a CI job summary and plain enough to read in a terminal. Removed or rewritten entries are listed here as
corrections, but refusing them is `monitor validate --against`'s job.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

from .changes import Digest, compare, snapshot_of
from .fields import STATUS_SYMBOLS
from .guard import HistoryUnchecked, committed_bytes
from .i18n import _, counted, pgettext
from .load import parse_bytes
from .model import Register
from .snapshot import Snapshot

_NEVER_STALE = 10 ** 6  # compare() also lists demands that have not moved; a review has no use for them


@dataclass(frozen=True)
class Review:
    """What a change adds to the register since `against`: new resolutions, and the digest's three lists."""

    data_file: str
    against: str
    new_resolutions: tuple[tuple[str, str], ...]  # (id, title)
    digest: Digest
    file_is_new: bool = False  # the revision has no such file: everything in it is new

    @property
    def headline(self) -> str:
        """'1 new resolution, 2 new status entries' or 'no changes', in the active language."""
        count = len(self.new_resolutions)
        rest = self.digest.headline
        if not count:
            return rest
        resolutions = counted(count, "{count} new resolution", "{count} new resolutions")
        return resolutions if not self.digest.change_count else _("{resolutions}, {changes}").format(
            resolutions=resolutions, changes=rest)


def committed_register(data_path: str | os.PathLike, rev: str, *, today: dt.date | None) -> Register | None:
    """The register as committed in `rev` (git's REV or REV:PATH), or None when the file is not there.

    HistoryUnchecked when that version is not valid: there is nothing sound to compare with.
    """
    from .validate import validate_loaded

    data = committed_bytes(data_path, rev)
    if data is None:
        return None
    register, problems = validate_loaded(parse_bytes(data, f"{rev}:{os.path.basename(data_path)}"), today=today)
    if register is None:
        first = next(p for p in problems if p.is_error)
        raise HistoryUnchecked(_(
            "the version of {file} in {rev} is not valid (line {line}: {message}), so what this change adds cannot "
            "be listed — compare with an earlier revision, for example monitor changes --against {rev}~1").format(
            file=os.path.basename(data_path), rev=rev, line=first.line, message=first.message))
    return register


def review(register: Register, before: Register | None, *, data_file: str, against: str,
           today: dt.date) -> Review:
    """What `register` adds to `before` (None: the file is new, so everything in it is)."""
    old = snapshot_of(before) if before is not None else Snapshot({}, {})
    now = snapshot_of(register)
    digest = compare(old, now, today=today, period_start=today, last_digest=None, stale_days=_NEVER_STALE,
                     data_file=data_file)
    added = tuple((r.id, r.title) for r in register.resolutions if r.id not in old.resolutions)
    return Review(data_file, against, added, digest, file_is_new=before is None)


def review_markdown(found: Review) -> str:
    """The review as Markdown: a heading, the headline, then each list (what a CI job summary shows)."""
    headline = f"**{found.headline}**"
    if found.file_is_new:
        headline = _("{headline} ({file} is new)").format(headline=headline, file=found.data_file)
    lines = [_("### Changes to {file} against {revision}").format(file=_code(found.data_file),
                                                                 revision=_code(found.against)), "", headline]
    digest = found.digest
    if found.new_resolutions:
        lines += ["", _("New resolutions:"), ""]
        lines += [f"- {_code(rid)} {_text(title)}" for rid, title in found.new_resolutions]
    if digest.new_demands:
        lines += ["", _("New demands:"), ""]
        said = _("{id} {demand} (resolution {resolution}; {addressee}): {status} since {day}")
        lines += ["- " + said.format(id=_code(d.demand_id), demand=_text(d.demand), resolution=_text(d.resolution),
                                     addressee=_text(d.addressee), status=_status(d.status), day=d.since.isoformat())
                  for d in digest.new_demands]
    if digest.new_entries:
        lines += ["", _("New status entries:"), ""]
        said = _("{id} {demand}: {step} on {day} — {note}")
        for entry in digest.new_entries:
            step = f"{_status(entry.previous)} → {_status(entry.status)}" if entry.previous else _status(entry.status)
            sources = "".join(f" <{_url(url)}>" for url in entry.sources)
            lines.append("- " + said.format(id=_code(entry.demand_id), demand=_text(entry.demand), step=step,
                                            day=entry.date.isoformat(), note=_text(entry.note)) + sources)
    if digest.corrections:
        lines += ["", _("Corrections (changed text; a removed or rewritten history entry fails the check):"), ""]
        lines += [f"- {_kind(c.kind)} {_code(c.item_id)}, {_text(c.field)}: {_text(c.before)} → {_text(c.after)}"
                  for c in digest.corrections]
    if not (found.new_resolutions or digest.change_count):
        lines += ["", _("This change adds no resolution, demand or status entry (comments or layout only).")]
    return "\n".join(lines) + "\n"


def _kind(kind: str) -> str:
    """What a correction changed ('demand', 'resolution', 'history'), as the list's first word."""
    words = {"demand": pgettext("what a correction changed", "demand"),
             "resolution": pgettext("what a correction changed", "resolution"),
             "history": pgettext("what a correction changed", "history")}
    return words.get(kind, kind)


def _status(status: str | None) -> str:
    return f"{STATUS_SYMBOLS.get(status or '', '')} **{status}**"


# Text from the data file stays text in Markdown: its punctuation cannot make links, headings, HTML or tables.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~&])")


def _text(value: str) -> str:
    return _MARKDOWN.sub(r"\\\1", " ".join(value.split()))


def _code(value: str) -> str:
    plain = value.replace("`", "'")
    return f"`{plain}`"


def _url(url: str) -> str:
    """An http(s) address (validated as such) inside <...>, with the characters that would end it escaped."""
    return url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
