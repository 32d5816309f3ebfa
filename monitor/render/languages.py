"""The pages' languages: the data's prose in the reader's language (or the original, marked with its language), the
language switch and `hreflang` links between the same page in each language, and the page that lets a reader
choose a language when the reports are written in several.

A translation in the data file is unofficial (prose.py): it is shown with its `lang`, and the quoted words of a
demand are always the original, a translation only beside them.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..i18n import _, current, language, language_name, use
from ..prose import Prose, Quote, prose, quote

if TYPE_CHECKING:
    from markupsafe import Markup

    from ..model import Register


def shown_prose(prose_: Prose, page: str) -> Markup:
    """A piece of the data's prose on a page in language `page`: plain text in the page's own language; with its
    `lang` when it is a translation; the original with its `lang` and a visible note of its language otherwise."""
    from markupsafe import Markup, escape

    if not prose_.text or (prose_.language == page and not prose_.translated):
        return escape(prose_.text)
    if prose_.translated:
        return Markup('<span lang="{}">{}</span>').format(prose_.language, prose_.text)
    # TRANSLATORS: after a title or note shown in the original because it has no translation: "(in English)"
    note = _("(in {language})").format(language=language_name(prose_.language))
    # the space inside the note: a link's underline stops at the end of the text
    return Markup('<span lang="{}">{}</span><span class="lang-note"> {}</span>').format(
        prose_.language, prose_.text, note)


def _prose(context: Mapping[str, Any], item: Any, name: str) -> Prose:  # noqa: ANN401 (any model object)
    return prose(item, name, getattr(item, name), source=context["source_language"], language=current().code)


def prose_html(context: Mapping[str, Any], item: Any, name: str) -> Markup:  # noqa: ANN401
    """Filter `item|prose("demand")`: field `name` of a model object (Demand, Resolution, Entry, Register)."""
    return shown_prose(_prose(context, item, name), current().code)


def prose_text(context: Mapping[str, Any], item: Any, name: str) -> str:  # noqa: ANN401
    """Filter `item|prose_text("title")`: the same words as plain text, for <title> where no markup may go."""
    return _prose(context, item, name).text


def quote_of(context: Mapping[str, Any], demand: Any) -> Quote:  # noqa: ANN401
    """A demand's quoted `text`: the original always, an unofficial translation beside it when the file has one."""
    return quote(demand, demand.text, source=context["source_language"], language=current().code)


def alternates(page: str, codes: tuple[str, ...]) -> list[dict[str, Any]]:
    """The same page in each language, for the switch and <link rel="alternate">: [] when there is one language.

    Each language's pages are in a folder named by its code, side by side: `../ru/2019.html` from `en/2019.html`.
    """
    if len(codes) < 2:
        return []
    here = current().code
    return [{"code": code, "name": language(code).name, "href": page if code == here else f"../{code}/{page}",
             "current": code == here} for code in codes]


def render_chooser(register: Register, codes: tuple[str, ...]) -> str:
    """out/index.html when the reports are in several languages: a link to each language's index, each named and
    described in its own language (the page's own words are in the active language, the first one asked for)."""
    from .html import environment

    page = current().code
    choices = []
    for code in codes:
        with use(code):
            title = prose(register, "title", register.title, source=register.language, language=code)
            choices.append({"code": code, "name": language(code).name, "href": f"{code}/index.html",
                            "heading": _("Where the demands stand"), "title": shown_prose(title, code),
                            "choose": _("These reports are written in several languages: choose yours.")})
    return environment().get_template("languages.html").render(lang=page, alternates=[], choices=choices)
