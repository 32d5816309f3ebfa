"""A Digest -> the plain-text and the HTML email body (Jinja2; the HTML autoescaped).

Both are written in the active language (i18n.use): the interface strings through the catalogue, dates, numbers and
lengths of time through i18n; the register's prose through Digest.prose, where a text not translated into the
digest's language is marked with the language it is in (the HTML: lang="en" and a small "EN"; the text: "[EN]").

The HTML has its own stylesheet, templates/digest.css, copied into each element's style attribute by css_inline:
Gmail and Outlook drop or ignore a <style> block, and neither knows CSS custom properties or grid. Only http(s)
addresses become links; everything from the data is text, whatever characters it holds.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from ..fields import STATUS_SYMBOLS
from ..i18n import _, counted, format_number, language_name, ngettext, pgettext
from ..model import Status
from . import TEMPLATES, duration, long_date, page_names, short_date
from .html import weblink  # one rule for links, in reports and digests alike

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

    from ..changes import Digest
    from ..prose import Prose

Item = TypeVar("Item")


def environment() -> jinja2.Environment:
    """Jinja2 over templates/: autoescape for *.html.j2 only, undefined names are errors."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",),
                                                                 default_for_string=True),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters.update(long_date=long_date, short_date=short_date, duration=duration, label=_label,
                       symbol=lambda s: STATUS_SYMBOLS[s], weblink=weblink, is_web=_is_web,
                       by_resolution=by_resolution, number=format_number, fill=fill, plain=plain)
    env.globals.update(STATUSES=[s.value for s in Status], _=_, ngettext=ngettext, counted=counted,
                       pgettext=pgettext, language_name=language_name)
    return env


def fill(template: str, **fields: object) -> Markup:
    """A translated HTML sentence with its {fields} filled: the sentence escaped, Markup fields (links, badges)
    kept, any other field escaped. `{{ _("From the {resolution}")|fill(resolution=link) }}`."""
    from markupsafe import Markup, escape

    return Markup(escape(template)).format(**fields)


def plain(prose: Prose, language: str) -> str:
    """Prose for the text body: as it is when in the digest's `language`, else followed by its language: 'Text [EN]'."""
    return prose.text if prose.language == language else f"{prose.text} [{prose.language.upper()}]"


def render_text(digest: Digest) -> str:
    """The plain-text body: readable in any mail client and in a terminal."""
    return environment().get_template("digest.txt.j2").render(d=digest)


def render_html(digest: Digest) -> str:
    """The HTML body: one self-contained page, its styles in style attributes (no <style> block is left)."""
    import css_inline
    from markupsafe import Markup

    css = (TEMPLATES / "digest.css").read_text(encoding="utf-8")
    css = Markup(css.replace("</", "<\\/"))  # our own file, not data; it must not be able to close <style>
    html = environment().get_template("digest.html.j2").render(d=digest, css=css, pages=report_pages(digest))
    # nothing is fetched: the page names no stylesheet, and a mail body must not depend on the network
    return css_inline.inline(html, load_remote_stylesheets=False)


def report_pages(digest: Digest) -> dict[str, str]:
    """Each resolution's page in the published reports (reports_url + its page name); {} without reports_url."""
    if not digest.reports_url:
        return {}
    base = digest.reports_url
    if base.endswith(".html"):  # the address of index.html itself: its folder
        base = base.rsplit("/", 1)[0]
    base = base if base.endswith("/") else base + "/"
    return {rid: base + name for rid, name in page_names(digest.resolutions).items()}


def by_resolution(items: Iterable[Item], resolutions: Sequence[str] | dict) -> list[tuple[str, list[Item]]]:
    """Items (with a `.resolution`) grouped by resolution, in the register's order of resolutions, each group
    in the items' own order."""
    groups: dict[str, list[Item]] = {rid: [] for rid in resolutions}
    for item in items:
        groups.setdefault(getattr(item, "resolution"), []).append(item)
    return [(rid, group) for rid, group in groups.items() if group]


def _label(status: str) -> str:
    return Status(status).label


def _is_web(address: object) -> bool:
    from ..fields import is_web_address

    return isinstance(address, str) and is_web_address(address)
