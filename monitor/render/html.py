"""Frames + templates/ -> self-contained HTML pages (inline CSS and SVG; every data value escaped).

Jinja2 runs with autoescape on and StrictUndefined; only http(s) addresses become links (`weblink`), and the
SVG charts are built here from escaped text. Nothing depends on the clock: `today` comes from the caller.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..fields import STATUS_SYMBOLS, is_web_address
from ..followup import DUE_DAYS, due
from ..frames import RECENT_DAYS
from ..i18n import _, counted, current, format_number, language_name, ngettext, pgettext
from ..model import Entry, Register, Status
from ..view import View, changes_since
from . import TEMPLATES, duration, long_date, page_names, short_date
from .charts import bar_chart, percent, share_chart
from .languages import alternates, prose_html, prose_text, quote_of

if TYPE_CHECKING:
    import jinja2
    import pandas as pd
    from markupsafe import Markup

    from ..frames import Frames

@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment: templates/ folder, autoescape on, undefined names are errors.

    Made once for every language: each global and filter that gives words (`_`, `status`, `long_date`...) reads the
    active language when it is called, so nothing here keeps the language that was active when it was made.
    """
    import jinja2
    from markupsafe import Markup

    # optimized=False: Jinja's optimizer runs a filter on a constant once, when the template is compiled, which
    # would keep the words of the language active then ({{ "yes"|free }} stayed English on Russian pages). Jinja's
    # code generator still does so for a filter on a literal in {{ }} (3.1), so no template applies a filter that
    # translates to a literal: the words come from _() or from data, looked up when the page is rendered.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, optimized=False)
    env.filters.update(weblink=weblink, status=status_badge, status_heading=status_heading, long_date=long_date,
                       short_date=short_date, duration=duration, iso=lambda d: d.isoformat(), number=format_number,
                       percent=percent, fill=fill, label=lambda s: Status(s).label,
                       meaning=lambda s: Status(s).meaning, free=free_word, prose=jinja2.pass_context(prose_html),
                       prose_text=jinja2.pass_context(prose_text))
    env.globals.update(_=_, ngettext=ngettext, pgettext=pgettext, counted=counted, language_name=language_name,
                       quote_of=jinja2.pass_context(quote_of), long_status_words=long_status_words)
    script = (TEMPLATES / "filter.js").read_text(encoding="utf-8")
    # The page's policy allows this one script by its hash: any other script, from data or elsewhere, is blocked.
    # The script holds no words: what it writes comes from the page's data- attributes, in the page's language.
    env.globals.update(FILTER_SCRIPT=Markup(script), SCRIPT_HASH=_sha256(script))
    env.globals.update(STATUSES=[s.value for s in Status], SYMBOLS=STATUS_SYMBOLS)
    return env


def fill(template: str, **fields: object) -> Markup:
    """A translated template whose fields hold markup (a link, <strong>): `_("{count} open")|fill(count=...)`.

    The template's own text is escaped, and so is each field unless it is markup already.
    """
    from markupsafe import escape

    return escape(template).format(**fields)


def free_word(value: str) -> str:
    """frames' "Free?" value ('yes', 'partly', 'no', 'not known') in the reader's words."""
    words = {"yes": pgettext("free", "yes"), "partly": pgettext("free", "partly"), "no": pgettext("free", "no"),
             "not known": pgettext("free", "not known")}
    return words.get(value, value)


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


LONG_STATUS_WORDS = 50  # letters in all six status words: English has 46 and fits, Russian 64 and does not
_SHORT_WORD = re.compile(r"(?<!\S)(\S{1,2}) (?=\S)")  # a word of one or two letters, and the space after it


def status_badge(value: str) -> Markup:
    """A status as symbol + word (+ colour): never colour alone."""
    return _badge(value, current().code)


def long_status_words() -> bool:
    """True when the six status words of the active language are too long for one line of column headings on a page
    or on A4 ('выполнено частично', 'не выполнено'...): the tables of counts then let their headings wrap."""
    return sum(len(s.label) for s in Status) > LONG_STATUS_WORDS


def status_heading(value: str) -> Markup:
    """A status as a column's heading: the badge, which may take two lines in a narrow column, but never breaks
    after a word of one or two letters ('в процессе', 'не выполнено')."""
    return _badge(value, current().code, heading=True)


@functools.lru_cache(maxsize=None)  # six values per language, asked for per row: 2 s of CPU at 10,000 demands
def _badge(value: str, language: str, heading: bool = False) -> Markup:
    from markupsafe import Markup

    status = Status(value)
    if heading:
        return Markup('<span class="status status-{}"><span class="sym" aria-hidden="true">{}</span> {}</span>').format(
            status.value, STATUS_SYMBOLS[status.value], _SHORT_WORD.sub("\\1\u00a0", status.label))
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


def render_pages(register: Register, frames: Frames, view: View | None = None,
                 languages: tuple[str, ...] = ()) -> dict[str, str]:
    """Every page of the report in the active language: {'index.html': ..., '<resolution page>.html': ...}.

    `languages`: every language the reports are written in, when more than one: each page then links to itself in
    the others (`../ru/index.html`).
    """
    return dict(iter_pages(register, frames, view, languages))


def iter_pages(register: Register, frames: Frames, view: View | None = None,
               languages: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(file name, page text) for every page, one at a time, so a caller can encode each and let the text go."""
    pages = page_names(r.id for r in register.resolutions)
    demands = records(frames.demands)
    yield "index.html", render_index(register, frames, pages, demands, view=view, languages=languages)
    rows = {row["id"]: row for row in demands}
    for res in register.resolutions:
        yield pages[res.id], render_resolution_page(register, frames, res.id, pages, rows, view=view,
                                                    languages=languages)


def _page(register: Register, name: str, languages: tuple[str, ...]) -> dict:
    """What every page's frame needs: its language, the data's language, and the same page in the other languages.

    `data_lang` goes on elements that show the data's untranslated words (topics, addressees) on a page in another
    language, so that a screen reader says them in their own language.
    """
    from markupsafe import Markup

    lang = current().code
    data_lang = Markup(' lang="{}"').format(register.language) if register.language != lang else Markup("")
    return {"lang": lang, "source_language": register.language, "data_lang": data_lang, "register": register,
            "alternates": alternates(name, languages)}


def _counts(frames: Frames, resolution_id: str) -> dict[str, int]:
    row = frames.counts.loc[resolution_id]
    return {s.value: int(row[s.value]) for s in Status}


def render_index(register: Register, frames: Frames, pages: dict[str, str], demands: list[dict] | None = None,
                 *, view: View | None = None, languages: tuple[str, ...] = ()) -> str:
    """The page across all resolutions: charts, year by year, repeats, people, recent changes, every demand."""
    demand_pages = {d.id: pages[d.resolution] for d in register.demands}
    resolutions: list[dict] = [{"id": r.id, "resolution": r, "adopted": r.adopted, "page": pages[r.id],
                    "counts": _counts(frames, r.id), "total": int(frames.counts.loc[r.id, "total"]),
                    "open": int(frames.counts.loc[r.id, "open"])} for r in register.resolutions]
    years: list[dict] = [{"year": int(y), "counts": {s.value: int(row[s.value]) for s in Status},
                          "total": int(row["total"]), "share": _share_met(row)}
                         for y, row in frames.years.iterrows()]
    totals = {"counts": {s.value: sum(r["counts"][s.value] for r in resolutions) for s in Status},
              "total": len(register.demands), "open": sum(r["open"] for r in resolutions)}
    by_id = {d.id: d for d in register.demands}
    context = {
        **_page(register, "index.html", languages),
        "today": frames.today, "resolutions": resolutions, "years": years, "totals": totals,
        "total": len(register.demands), "open": sum(r["open"] for r in resolutions),
        "chains": records(frames.chains), "people": records(frames.people), "recent": records(frames.recent),
        "demands": records(frames.demands) if demands is None else demands, "demand_pages": demand_pages,
        "by_id": by_id, "entries": _entries(register),
        "resolution_chart": bar_chart([(f"{r['id']}", r["counts"]) for r in resolutions], "by-resolution",
                                      _("Demands of each resolution by current status")),
        "year_chart": bar_chart([(str(y["year"]), y["counts"]) for y in years], "by-year",
                                _("Demands by status at the end of each year")),
        "share_chart": share_chart([(str(y["year"]), y["share"]) for y in years], "share-by-year",
                                   _("Share of the demands made so far that were met or partly met, each year")),
        "recent_days": RECENT_DAYS, "filters": _filters(register),
        "view": view or View(frames.today),
        "changes": changes_since(register, view.since, frames.today) if view and view.since else None,
        "due": due(register, frames.today), "due_days": DUE_DAYS,
    }
    return environment().get_template("index.html").render(context)


def _entries(register: Register) -> dict[tuple[str, dt.date, str], Entry]:
    """Each history entry by (demand id, date, note): the frames' rows name an entry by these, its note in the
    file's language, and the page shows the note's translation."""
    found: dict[tuple[str, dt.date, str], Entry] = {}
    for d in register.demands:
        for e in d.history:
            found.setdefault((d.id, e.date, e.note), e)
    return found


def _filters(register: Register) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The index's filters: (key, label, [(value, text)]) for status, resolution, topic and addressee."""
    def distinct(values: Iterable[str]) -> list[tuple[str, str]]:
        return [(v, v) for v in sorted(set(values), key=str.casefold)]

    return [("status", _("Status"), [(s.value, f"{STATUS_SYMBOLS[s.value]} {s.label}") for s in Status]),
            ("resolution", _("Resolution"), [(r.id, r.id) for r in register.resolutions]),
            ("topic", _("Topic"), distinct(d.topic for d in register.demands)),
            ("addressee", _("Addressee"), distinct(d.addressee for d in register.demands))]


def _share_met(counts: pd.Series) -> float | None:
    """Per cent of the demands made so far that are met or partly met (None before any was made)."""
    total = int(counts["total"])
    return 100 * (int(counts[Status.MET.value]) + int(counts[Status.PARTLY_MET.value])) / total if total else None


def render_resolution_page(register: Register, frames: Frames, resolution_id: str, pages: dict[str, str],
                           rows: dict[str, dict] | None = None, *, view: View | None = None,
                           languages: tuple[str, ...] = ()) -> str:
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
            **rows[d.id], "model": d, "history": d.history, "repeats_links": links(d.repeats),
            "repeated_by_links": links(repeated_by.get(d.id, []))})
    topics = [(t, groups[t]) for t in order if t in groups]
    counts = _counts(frames, resolution_id)
    context = {
        **_page(register, pages[res.id], languages),
        "today": frames.today, "view": view or View(frames.today), "resolution": res, "topics": topics,
        "counts": counts, "total": len(own),
        "open": int(frames.counts.loc[resolution_id, "open"]),
        "others": [{"id": r.id, "page": pages[r.id]} for r in register.resolutions if r.id != resolution_id],
        "chart": bar_chart([(res.id, counts)], f"res-{pages[res.id][:-5]}",
                           _("Demands of {resolution} by current status").format(resolution=res.id)),
    }
    return environment().get_template("resolution.html").render(context)
