"""Renderers: frames -> HTML pages, the Excel workbook and terminal text; what they share (templates, page names).

Everything here is independent of the clock and the machine's locale, so the same data, `today` and language give
the same bytes. Dates, numbers and lengths of time are written in the active language (i18n.py).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..fields import is_id
from ..i18n import counted, duration, long_date, short_date

__all__ = ["counted", "duration", "long_date", "short_date", "TEMPLATES", "page_name", "page_names"]


def _templates_folder() -> Path:
    """templates/ of the source tree, or its copy installed as package data (monitor/_templates) by `pip install .`."""
    installed = Path(__file__).resolve().parents[1] / "_templates"
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "templates"


TEMPLATES = _templates_folder()

RESERVED_PAGES = {"index"}


def page_name(resolution_id: str) -> str:
    """The file name of a resolution's page: '<id>.html' for a plain slug, never 'index.html' or a path."""
    if is_id(resolution_id) and resolution_id not in RESERVED_PAGES:
        return f"{resolution_id}.html"
    slug = re.sub(r"[^a-z0-9]+", "-", resolution_id.lower()).strip("-")[:60] or "resolution"
    return f"resolution-{slug}.html"


def page_names(resolution_ids: Iterable[str]) -> dict[str, str]:
    """A unique, safe page file name for each resolution id (see page_name)."""
    names: dict[str, str] = {}
    for rid in resolution_ids:
        name, n = page_name(rid), 2
        while name in names.values():
            name, n = f"{page_name(rid)[:-5]}-{n}.html", n + 1
        names[rid] = name
    return names
