"""A Digest -> the plain-text and the HTML email body (Jinja2; the HTML autoescaped, the reports' stylesheet inline).

Only http(s) addresses become links; everything from the data is text, whatever characters it holds.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..fields import STATUS_SYMBOLS
from ..model import Status
from . import TEMPLATES, duration, long_date, short_date
from .html import weblink  # one rule for links, in reports and digests alike

if TYPE_CHECKING:
    import jinja2

    from ..digest import Digest


def environment() -> jinja2.Environment:
    """Jinja2 over templates/: autoescape for *.html.j2 only, undefined names are errors."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",),
                                                                 default_for_string=True),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters.update(long_date=long_date, short_date=short_date, duration=duration, label=_label,
                       symbol=lambda s: STATUS_SYMBOLS[s], weblink=weblink, is_web=_is_web)
    env.globals.update(STATUSES=[s.value for s in Status])
    return env


def render_text(digest: Digest) -> str:
    """The plain-text body: readable in any mail client and in a terminal."""
    return environment().get_template("digest.txt.j2").render(d=digest)


def render_html(digest: Digest) -> str:
    """The HTML body: one self-contained page with the shared stylesheet inlined."""
    from markupsafe import Markup

    css_path = TEMPLATES / "style.css"
    css = css_path.read_text(encoding="utf-8") if css_path.exists() else ""
    css = Markup(css.replace("</", "<\\/"))  # our own file, not data; it must not be able to close <style>
    return environment().get_template("digest.html.j2").render(d=digest, css=css)


def _label(status: str) -> str:
    return Status(status).label


def _is_web(address: object) -> bool:
    from ..fields import is_web_address

    return isinstance(address, str) and is_web_address(address)
