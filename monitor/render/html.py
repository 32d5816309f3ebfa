"""Frames + templates/ -> self-contained HTML pages (inline CSS and SVG; every data value escaped).

Jinja2 runs with autoescape on and StrictUndefined; only http(s) addresses become links (`weblink`), and the
SVG charts are built here from escaped text. Nothing depends on the clock: `today` comes from the caller.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..fields import LOOKS, STATUS_SYMBOLS, is_web_address
from ..model import Register, Status
from . import TEMPLATES, duration, long_date, page_names, short_date

if TYPE_CHECKING:
    import jinja2
    import pandas as pd
    from markupsafe import Markup

    from ..frames import Frames

# Fill colours of the chart bars (the same hues as style.css); each status also gets its own pattern.
BAR_COLOURS = {status.value: look.chart_fill for status, look in LOOKS.items()}
_PATTERNS = {
    "in-progress": '<circle cx="2" cy="2" r="1.2" fill="#fff" fill-opacity=".55"/>'
                   '<circle cx="6" cy="6" r="1.2" fill="#fff" fill-opacity=".55"/>',
    "partly-met": '<path d="M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2" stroke="#fff" stroke-opacity=".5" stroke-width="1.6"/>',
    "not-met": '<path d="M0,0 l8,8 M8,0 l-8,8" stroke="#fff" stroke-opacity=".45" stroke-width="1.2"/>',
    "reversed": '<path d="M0,4 h8" stroke="#fff" stroke-opacity=".5" stroke-width="1.6"/>',
}


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


def weblink(address: object, text: object = None) -> Markup:
    """A link when `address` is an http(s) address; otherwise the text (or the address) as plain, escaped text."""
    from markupsafe import Markup, escape

    address = "" if address is None else str(address)
    shown = address if text is None else str(text)
    if is_web_address(address):
        # <bdi>: a right-to-left override inside data text cannot turn the words around it backwards
        if shown == address:  # the address is its own text: print needs no second copy of it
            return Markup('<a class="url" href="{}"><bdi>{}</bdi></a>').format(address, shown)
        return Markup('<a href="{}"><bdi>{}</bdi></a>').format(address, shown)
    return Markup("<bdi>{}</bdi>").format(shown) if shown else escape(shown)


def status_badge(value: str) -> Markup:
    """A status as symbol + word (+ colour): never colour alone."""
    from markupsafe import Markup

    status = Status(value)
    return Markup('<span class="status status-{}"><span class="sym" aria-hidden="true">{}</span> {}</span>').format(
        status.value, STATUS_SYMBOLS[status.value], status.label)


def bar_chart(rows: list[tuple[str, dict[str, int]]], chart_id: str, title: str) -> Markup:
    """An inline SVG of horizontal stacked bars, one per (label, counts by status); numbers drawn on each segment."""
    from markupsafe import Markup, escape

    width, right_w, row_h, gap = 560, 36, 22, 8
    label_w = min(150, 14 + 8 * max([len(_clip(label, 18)) for label, _ in rows] + [4]))
    bar_w = width - label_w - right_w
    most = max([sum(c.values()) for _, c in rows] + [1])
    legend_y = len(rows) * (row_h + gap) + 8
    height = legend_y + 46
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="{chart_id}-t" font-size="14">', f'<title id="{chart_id}-t">{escape(title)}</title>',
           "<defs>"]
    for status, colour in BAR_COLOURS.items():
        out.append(f'<pattern id="{chart_id}-{status}" width="8" height="8" patternUnits="userSpaceOnUse">'
                   f'<rect width="8" height="8" fill="{colour}"/>{_PATTERNS.get(status, "")}</pattern>')
    out.append("</defs>")
    for i, (label, counts) in enumerate(rows):
        y = i * (row_h + gap)
        out.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(_clip(label, 18))}</text>')
        x = float(label_w)
        for status in BAR_COLOURS:
            n = counts.get(status, 0)
            if not n:
                continue
            w = n / most * bar_w
            tip = f"{escape(label)}: {n} {Status(status).label}"
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h}" fill="url(#{chart_id}-{status})" '
                       f'stroke="#fff" stroke-width="1"><title>{tip}</title></rect>')
            if w >= 9 * len(str(n)) + 6:
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + 16}" text-anchor="middle" font-weight="bold" '
                           f'fill="#1b1f24" stroke="#fff" stroke-width="3" paint-order="stroke">{n}</text>')
            x += w
        out.append(f'<text x="{x + 5:.1f}" y="{y + 16}">{sum(counts.values())}</text>')
    for i, status in enumerate(BAR_COLOURS):  # the key: pattern + symbol + word, in two rows of three
        lx, ly = 4 + (i % 3) * 185, legend_y + (i // 3) * 22
        out.append(f'<rect x="{lx}" y="{ly}" width="16" height="14" fill="url(#{chart_id}-{status})" '
                   f'stroke="#1b1f24" stroke-width=".5"/><text x="{lx + 21}" y="{ly + 12}">'
                   f'{STATUS_SYMBOLS[status]} {Status(status).label}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as plain dicts, with pandas' missing values as None (templates test them with `is none`)."""
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _missing(value: object) -> bool:
    try:
        return bool(value != value) or value is None or str(value) == "<NA>"
    except (TypeError, ValueError):
        return False


def render_pages(register: Register, frames: Frames) -> dict[str, str]:
    """Every page of the report: {'index.html': ..., '<resolution page>.html': ...}."""
    return dict(iter_pages(register, frames))


def iter_pages(register: Register, frames: Frames) -> Iterator[tuple[str, str]]:
    """(file name, page text) for every page, one at a time, so a caller can encode each and let the text go."""
    pages = page_names(r.id for r in register.resolutions)
    demands = records(frames.demands)
    yield "index.html", render_index(register, frames, pages, demands)
    rows = {row["id"]: row for row in demands}
    for res in register.resolutions:
        yield pages[res.id], render_resolution_page(register, frames, res.id, pages, rows)


def _counts(frames: Frames, resolution_id: str) -> dict[str, int]:
    row = frames.counts.loc[resolution_id]
    return {s.value: int(row[s.value]) for s in Status}


def render_index(register: Register, frames: Frames, pages: dict[str, str], demands: list[dict] | None = None) -> str:
    """The page across all resolutions: charts, year by year, repeats, people, recent changes, every demand."""
    demand_pages = {d.id: pages[d.resolution] for d in register.demands}
    resolutions: list[dict] = [{"id": r.id, "title": r.title, "adopted": r.adopted, "page": pages[r.id],
                    "counts": _counts(frames, r.id), "total": int(frames.counts.loc[r.id, "total"]),
                    "open": int(frames.counts.loc[r.id, "open"])} for r in register.resolutions]
    years: list[dict] = [{"year": int(y), "counts": {s.value: int(row[s.value]) for s in Status},
                          "total": int(row["total"])}
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
        "recent_days": 90,
    }
    return environment().get_template("index.html").render(context)


def render_resolution_page(register: Register, frames: Frames, resolution_id: str, pages: dict[str, str],
                           rows: dict[str, dict] | None = None) -> str:
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
        "today": frames.today, "resolution": res, "topics": topics, "counts": counts, "total": len(own),
        "open": int(frames.counts.loc[resolution_id, "open"]),
        "others": [{"id": r.id, "page": pages[r.id]} for r in register.resolutions if r.id != resolution_id],
        "chart": bar_chart([(res.id, counts)], f"res-{pages[res.id][:-5]}", f"Demands of {res.id} by current status"),
    }
    return environment().get_template("resolution.html").render(context)
