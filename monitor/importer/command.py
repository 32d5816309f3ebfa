"""`monitor import` as commands: check a resolution's demands against its text, write the confident matches, or
draft a new resolution. The pipeline is the package's other modules; this one reads the data file and the text,
and writes through edit.py's proven path."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from ..commands import NoSuchResolution, load_valid
from ..errors import MonitorError
from ..i18n import _, format_number, ngettext
from ..model import Register, Resolution
from .document import Document
from .parts import Parts


class ImportUsage(MonitorError):
    """`monitor import` named an id it cannot use (a new id already taken, or not a slug): wrong usage."""

    exit_code = 2


@dataclass(frozen=True)
class Imported:
    """What `monitor import --resolution` found: the report to show, and the values --write would set."""

    report: str
    changes: dict  # demand id -> {key: new value, or None to remove the key}


def import_check(data_path: str | os.PathLike, file: str | None, *, resolution: str, url: str | None,
                 today: dt.date) -> Imported:
    """`monitor import FILE --resolution ID`: each demand's paragraph in the text, those found nowhere, the calls
    no demand tracks, and the changes --write would make (confident matches only)."""
    from . import show
    from .match import POSSIBLE, Match, best_match, untracked

    register = load_valid(data_path, today=today)
    chosen = _resolution_named(register, resolution)
    document, parts = _read_text(file, url or (None if file else chosen.url or None))
    demands = register.demands_of(chosen.id)
    best = {d.id: best_match(d.id, d.text, parts.paragraphs) for d in demands}
    matches = [m if m.confidence >= POSSIBLE else Match(m.demand_id, None, m.confidence, None) for m in best.values()]
    lines = show.describe(document, parts) + show.reference_warning(parts, chosen)
    lines.append(ngettext("Resolution {id}: {count} demand", "Resolution {id}: {count} demands", len(demands)).format(
        id=chosen.id, count=format_number(len(demands))))
    lines += show.match_lines(demands, matches, best) + show.untracked_lines(untracked(parts.paragraphs, matches),
                                                                              [m for m in matches if m.possible])
    lines.append(show.legend())
    changes: dict = {}
    for demand, match in zip(demands, matches):
        agrees = not demand.paragraph_checked or demand.paragraph == match.paragraph
        if match.confident and agrees and (demand.paragraph != match.paragraph or demand.text != match.words):
            changes[demand.id] = {"paragraph": match.paragraph, "text": match.words,
                                  **({"quoted_from": None} if demand.quoted_from else {})}
    lines.append(_("Confident matches --write sets (paragraph and adopted words): {ids}").format(
        ids=", ".join(changes)) if changes else _("Nothing for --write to set: no confident match differs from the "
                                                  "file."))
    return Imported("\n".join(lines) + "\n", changes)


def import_new(data_path: str | os.PathLike, file: str | None, *, new_id: str, url: str | None,
               adopted: dt.date | None, dry_run: bool, today: dt.date) -> str:
    """`monitor import FILE --new ID`: a drafted resolution block and its demands, appended to the data file
    (with `dry_run`: the lines it would append)."""
    from ..fields import is_id
    from ..rewrite import append_drafts, preview_drafts
    from .draft import draft

    register = load_valid(data_path, today=today)
    if not is_id(new_id):
        raise ImportUsage(_("--new '{id}' is not an id — use a-z, 0-9 and '-', e.g. 2024 or kazakhstan-2024").format(
            id=new_id))
    if new_id in {r.id for r in register.resolutions}:
        raise ImportUsage(_("there is already a resolution '{id}' — choose another id for --new, or check its "
                            "demands with: monitor import FILE --resolution {id}").format(id=new_id))
    if not file and not url:
        raise ImportUsage(_("give the text's FILE or --url ADDRESS"))
    document, parts = _read_text(file, url)
    day = adopted or parts.adopted
    if day is None:
        raise ImportUsage(_("{name}: no adoption date is printed in the text — give it with --adopted "
                            "YYYY-MM-DD").format(name=document.name))
    made = draft(parts, resolution_id=new_id, source=document.name, adopted=day, url=url, topics=list(register.topics),
                 used_ids={d.id for d in register.demands}, today=today)
    args = (made.resolution, made.demands, made.notes)
    if dry_run:
        with open(data_path, encoding="utf-8-sig", newline="") as file_now:  # line endings as they are
            before = file_now.read()
        return _added_lines(before, preview_drafts(data_path, *args, today=today))
    return append_drafts(data_path, *args, today=today,
                         summary=ngettext(
                             "added resolution {id} and {count} drafted demand, from {source}: review it (the "
                             "comments above it say what to check)",
                             "added resolution {id} and {count} drafted demands, from {source}: review them (the "
                             "comments above them say what to check)", len(made.demands)).format(
                             id=new_id, count=format_number(len(made.demands)), source=document.name))


def _resolution_named(register: Register, resolution: str) -> Resolution:
    """The resolution with this id; NoSuchResolution naming the nearest ids otherwise."""
    import difflib

    ids = [r.id for r in register.resolutions]
    if resolution in ids:
        return register.resolution(resolution)
    near = difflib.get_close_matches(resolution, ids, n=3, cutoff=0.4)
    known = ", ".join(ids) or _("(none yet)")
    if near:
        said = _("there is no resolution '{id}' — did you mean {near}? use one of: {ids}; to add a new one, use "
                 "--new {id}")
    else:
        said = _("there is no resolution '{id}' — use one of: {ids}; to add a new one, use --new {id}")
    raise NoSuchResolution(said.format(id=resolution, near=", ".join(near), ids=known))


def _read_text(file: str | None, url: str | None) -> tuple[Document, Parts]:
    """The document from FILE or --url, and its parts; ImportRefused with what to do otherwise."""
    from ..readfile import TooLarge, read_with_status
    from . import ImportRefused
    from .document import MAX_BYTES, read_document
    from .fetch import download
    from .parts import read_parts

    if file:
        try:
            data, _status = read_with_status(file, MAX_BYTES)
        except TooLarge as exc:
            if exc.size:
                said = _("{file}: the file is {size} bytes, more than the limit of {limit} — save only the adopted "
                         "text's page or its PDF")
            else:
                said = _("{file}: the file is larger than that, more than the limit of {limit} — save only the "
                         "adopted text's page or its PDF")
            raise ImportRefused(said.format(file=file, size=format_number(exc.size or 0),
                                            limit=format_number(MAX_BYTES))) from None
        except OSError as exc:
            raise ImportRefused(_("{file}: cannot read it ({reason})").format(
                file=file, reason=_(exc.strerror) if exc.strerror else exc)) from None
        name = file
    elif url:
        data, name = download(url), url
    else:
        raise ImportUsage(_("the resolution has no url: in the data file — give the text's FILE or --url ADDRESS"))
    document = read_document(data, name)
    return document, read_parts(document.text, name)


def _added_lines(before: str, after: str) -> str:
    """The lines `after` adds to `before`, each run of them after a "…" line."""
    import difflib

    a, b = before.splitlines(), after.splitlines()
    out = []
    for op, _i1, _i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("insert", "replace"):
            out += ["…"] + b[j1:j2]
    return "\n".join(out) + "\n"


def import_write(data_path: str | os.PathLike, changes: dict, *, today: dt.date) -> str:
    """`monitor import --write`: the confident matches' paragraph and adopted words written (quoted_from dropped)
    through edit.py's proven path; what was written, in one line."""
    from ..rewrite import set_demand_values

    if not changes:
        return _("--write: nothing to write (no confident match changes a demand)")
    summary = ngettext("wrote the paragraph and adopted words of {count} demand to {path}: {ids}",
                       "wrote the paragraph and adopted words of {count} demands to {path}: {ids}", len(changes))
    return set_demand_values(data_path, changes, today=today,
                             summary=summary.format(count=format_number(len(changes)), path=data_path,
                                                    ids=", ".join(changes)))
