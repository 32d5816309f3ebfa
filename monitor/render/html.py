"""Frames + templates/ -> self-contained HTML pages (inline CSS and SVG; every data value escaped).

Jinja2 runs with autoescape on and StrictUndefined; only http(s) addresses become links (`weblink`), and the
SVG charts are built here from escaped text. Nothing depends on the clock: `today` comes from the caller.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..fields import STATUS_SYMBOLS, is_web_address
from ..followup import DUE_DAYS, due
from ..frames import RECENT_DAYS
from ..model import Register, Status
from ..view import View, changes_since
from . import TEMPLATES, duration, long_date, page_names, short_date
from .charts import bar_chart, share_chart

if TYPE_CHECKING:
    import jinja2
    import pandas as pd
    from markupsafe import Markup

    from ..frames import Frames

@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment: templates/ folder, autoescape on, undefined names are errors."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters.update(weblink=weblink, status=status_badge, long_date=long_date, short_date=short_date,
                       duration=duration, iso=lambda d: d.isoformat())
    script = (TEMPLATES / "filter.js").read_text(encoding="utf-8")
    # The page's policy allows this one script by its hash: any other script, from data or elsewhere, is blocked.
    env.globals.update(FILTER_SCRIPT=Markup(script), SCRIPT_HASH=_sha256(script))
    env.globals.update(STATUSES=[s.value for s in Status], STATUS_LABELS={s.value: s.label for s in Status},
                       STATUS_MEANINGS={s.value: s.meaning for s in Status}, SYMBOLS=STATUS_SYMBOLS)
    return env


def _sha256(text: str) -> str:
    import base64
    import hashlib

    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


# ASCII characters that a URL may not hold (WHATWG URL; the Nu Html Checker reports them): percent-encoded in href,
# as a browser would encode them when following the link. The address is shown as written.
_NOT_IN_URLS = {ord(c): f"%{ord(c):02X}" for c in ' "<>\\^`{|}'}


def weblink(address: object, text: object = None) -> Markup:
    """A link when `address` is an http(s) address; otherwise the text (or the address) as plain, escaped text."""
    from markupsafe import Markup, escape

    address = "" if address is None else str(address)
    shown = address if text is None else str(text)
    if is_web_address(address):
        href = address.translate(_NOT_IN_URLS)
        # <bdi>: a right-to-left override inside data text cannot turn the words around it backwards
        if shown == address:  # the address is its own text: print needs no second copy of it
            return Markup('<a class="url" href="{}"><bdi>{}</bdi></a>').format(href, shown)
        return Markup('<a href="{}"><bdi>{}</bdi></a>').format(href, shown)
    return Markup("<bdi>{}</bdi>").format(shown) if shown else escape(shown)


@functools.lru_cache(maxsize=None)  # six values, asked for per row: 2 s of CPU per report at 10,000 demands
def status_badge(value: str) -> Markup:
    """A status as symbol + word (+ colour): never colour alone."""
    from markupsafe import Markup

    status = Status(value)
    return Markup('<span class="status status-{}"><span class="sym" aria-hidden="true">{}</span> {}</span>').format(
        status.value, STATUS_SYMBOLS[status.value], status.label)


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as plain dicts, with pandas' missing values as None (templates test them with `is none`)."""
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _missing(value: object) -> bool:
    try:
        return bool(value != value) or value is None or str(value) == "<NA>"
    except (TypeError, ValueError):
        return False


def render_pages(register: Register, frames: Frames, view: View | None = None) -> dict[str, str]:
    """Every page of the report: {'index.html': ..., '<resolution page>.html': ...}."""
    return dict(iter_pages(register, frames, view))


def iter_pages(register: Register, frames: Frames, view: View | None = None) -> Iterator[tuple[str, str]]:
    """(file name, page text) for every page, one at a time, so a caller can encode each and let the text go."""
    pages = page_names(r.id for r in register.resolutions)
    demands = records(frames.demands)
    yield "index.html", render_index(register, frames, pages, demands, view=view)
    rows = {row["id"]: row for row in demands}
    for res in register.resolutions:
        yield pages[res.id], render_resolution_page(register, frames, res.id, pages, rows, view=view)


def _counts(frames: Frames, resolution_id: str) -> dict[str, int]:
    row = frames.counts.loc[resolution_id]
    return {s.value: int(row[s.value]) for s in Status}


def render_index(register: Register, frames: Frames, pages: dict[str, str], demands: list[dict] | None = None,
                 *, view: View | None = None) -> str:
    """The page across all resolutions: charts, year by year, repeats, people, recent changes, every demand."""
    demand_pages = {d.id: pages[d.resolution] for d in register.demands}
    resolutions: list[dict] = [{"id": r.id, "title": r.title, "adopted": r.adopted, "page": pages[r.id],
                    "counts": _counts(frames, r.id), "total": int(frames.counts.loc[r.id, "total"]),
                    "open": int(frames.counts.loc[r.id, "open"])} for r in register.resolutions]
    years: list[dict] = [{"year": int(y), "counts": {s.value: int(row[s.value]) for s in Status},
                          "total": int(row["total"]), "share": _share_met(row)}
                         for y, row in frames.years.iterrows()]
    totals = {"counts": {s.value: sum(r["counts"][s.value] for r in resolutions) for s in Status},
              "total": len(register.demands), "open": sum(r["open"] for r in resolutions)}
    context = {
        "today": frames.today, "resolutions": resolutions, "years": years, "totals": totals,
        "total": len(register.demands), "open": sum(r["open"] for r in resolutions),
        "chains": records(frames.chains), "people": records(frames.people), "recent": records(frames.recent),
        "demands": records(frames.demands) if demands is None else demands, "demand_pages": demand_pages,
        "resolution_chart": bar_chart([(f"{r['id']}", r["counts"]) for r in resolutions], "by-resolution",
                                      "Demands of each resolution by current status"),
        "year_chart": bar_chart([(str(y["year"]), y["counts"]) for y in years], "by-year",
                                "Demands by status at the end of each year"),
        "share_chart": share_chart([(str(y["year"]), y["share"]) for y in years], "share-by-year",
                                   "Share of the demands made so far that were met or partly met, each year"),
        "recent_days": RECENT_DAYS, "filters": _filters(register), "register_title": register.title,
        "view": view or View(frames.today),
        "changes": changes_since(register, view.since, frames.today) if view and view.since else None,
        "due": due(register, frames.today), "due_days": DUE_DAYS,
    }
    return environment().get_template("index.html").render(context)


def _filters(register: Register) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The index's filters: (key, label, [(value, text)]) for status, resolution, topic and addressee."""
    def distinct(values: Iterable[str]) -> list[tuple[str, str]]:
        return [(v, v) for v in sorted(set(values), key=str.casefold)]

    return [("status", "Status", [(s.value, f"{STATUS_SYMBOLS[s.value]} {s.label}") for s in Status]),
            ("resolution", "Resolution", [(r.id, r.id) for r in register.resolutions]),
            ("topic", "Topic", distinct(d.topic for d in register.demands)),
            ("addressee", "Addressee", distinct(d.addressee for d in register.demands))]


def _share_met(counts: pd.Series) -> float | None:
    """Per cent of the demands made so far that are met or partly met (None before any was made)."""
    total = int(counts["total"])
    return 100 * (int(counts[Status.MET.value]) + int(counts[Status.PARTLY_MET.value])) / total if total else None


def render_resolution_page(register: Register, frames: Frames, resolution_id: str, pages: dict[str, str],
                           rows: dict[str, dict] | None = None, *, view: View | None = None) -> str:
    """One resolution's page: its identity and link, then each demand with its whole history, grouped by topic."""
    res = register.resolution(resolution_id)
    by_id = {d.id: d for d in register.demands}
    if rows is None:
        rows = {row["id"]: row for row in records(frames.demands)}
    repeated_by: dict[str, list[str]] = {}
    for d in register.demands:
        for earlier in d.repeats:
            repeated_by.setdefault(earlier, []).append(d.id)
    groups: dict[str, list[dict]] = {}
    own = register.demands_of(resolution_id)
    order = list(register.topics) + sorted({d.topic for d in own} - set(register.topics))

    def links(ids: Iterable[str]) -> list[dict]:
        return [{"id": i, "page": pages[by_id[i].resolution], "resolution": by_id[i].resolution}
                for i in ids if i in by_id]

    for d in own:
        groups.setdefault(d.topic, []).append({
            **rows[d.id], "history": d.history, "repeats_links": links(d.repeats),
            "repeated_by_links": links(repeated_by.get(d.id, []))})
    topics = [(t, groups[t]) for t in order if t in groups]
    counts = _counts(frames, resolution_id)
    context = {
        "today": frames.today, "view": view or View(frames.today), "resolution": res, "topics": topics,
        "counts": counts, "total": len(own),
        "open": int(frames.counts.loc[resolution_id, "open"]),
        "others": [{"id": r.id, "page": pages[r.id]} for r in register.resolutions if r.id != resolution_id],
        "chart": bar_chart([(res.id, counts)], f"res-{pages[res.id][:-5]}", f"Demands of {res.id} by current status"),
    }
    return environment().get_template("resolution.html").render(context)
