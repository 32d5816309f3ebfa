"""write_reports: model -> frames -> HTML pages and the workbook -> the output folder, all or nothing.

Every file is rendered in memory first; store.publish_files then moves the whole set into place, so a failure
while rendering or writing leaves the previous reports as they were.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .model import Register
from .store import publish_files

WORKBOOK = "demands.xlsx"


def render_reports(register: Register, today: dt.date) -> dict[str, bytes]:
    """Every report file as bytes, keyed by its file name: index.html, one page per resolution, demands.xlsx."""
    from .frames import build_frames
    from .render.excel import render_workbook
    from .render.html import render_pages

    frames = build_frames(register, today)
    files = {name: text.encode("utf-8") for name, text in render_pages(register, frames).items()}
    files[WORKBOOK] = render_workbook(register, frames)
    for name in files:  # names made from data must stay plain names inside the output folder
        if Path(name).name != name or name.startswith("."):
            raise ValueError(f"unsafe report file name: {name!r}")
    return files


def write_reports(register: Register, out_dir: str | os.PathLike, *, today: dt.date) -> list[Path]:
    """Render every report and publish them into `out_dir` together; returns the paths written."""
    return publish_files(out_dir, render_reports(register, today))
