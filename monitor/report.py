"""write_reports: model -> frames -> HTML pages and the workbook -> the output folder, all or nothing.

Every file is rendered in memory first; store.publish_files then moves the whole set into place, so a failure
while rendering or writing leaves the previous reports as they were.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from .model import Register
from .store import classify_write_error, publish_files

WORKBOOK = "demands.xlsx"


def render_reports(register: Register, today: dt.date) -> dict[str, bytes]:
    """Every report file as bytes, keyed by its file name: index.html, one page per resolution, demands.xlsx."""
    from .frames import build_frames
    from .render.excel import render_workbook
    from .render.html import iter_pages

    frames = build_frames(register, today)
    # The workbook first and each page encoded as soon as it is rendered: at 10,000 demands the pages' text
    # (about 80 MB as str) no longer sits in memory beside the workbook being built.
    workbook = render_workbook(register, frames)
    files = {name: text.encode("utf-8") for name, text in iter_pages(register, frames)}
    files[WORKBOOK] = workbook
    for name in files:  # names made from data must stay plain names inside the output folder
        if Path(name).name != name or name.startswith("."):
            raise ValueError(f"unsafe report file name: {name!r}")
    return files


def write_reports(register: Register, out_dir: str | os.PathLike, *, today: dt.date) -> list[Path]:
    """Render every report and publish them into `out_dir` together; returns the paths written.

    Raises store's DiskFull, NameTooLong or UnsafeTarget, or another OSError; the previous reports stay as they were.
    """
    try:
        files = render_reports(register, today)
    except OSError as exc:  # the workbook's sheets are streamed through temporary files
        raise classify_write_error(exc, exc.filename or tempfile.gettempdir()) from exc
    return publish_files(out_dir, files)
