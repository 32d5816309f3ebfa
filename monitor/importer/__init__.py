"""`monitor import`: a resolution's text as the user saved it -> paragraphs -> matches with the register, or drafts.

The stages, each a module: document.py (HTML, PDF or text -> plain text; fetch.py downloads it), parts.py (plain
text -> title, reference, recitals, numbered paragraphs and their sub-points), calls.py (a paragraph -> the calls
it makes, with addressee and named people), match.py (a demand's text -> the paragraph that says it) and draft.py
(calls -> new demands, and the YAML block that records them). Nothing here knows a country or writes a file: the
command layer (commands.py) hands the changes to edit.py's proven write path.
"""
from __future__ import annotations

from ..errors import MonitorError


class ImportRefused(MonitorError):
    """The document cannot be imported (not a resolution, no text, too large, unreachable): nothing was written."""
