"""write_reports: model -> frames -> HTML pages and the workbook -> the output folder, all or nothing.

Every file is rendered in memory first; store.publish_files then moves the whole set into place, so a failure
while rendering or writing leaves the previous reports as they were. In several languages the whole set is every
language's files, each language in its own folder (`en/`, `ru/`), with a page at the top to choose one. The files
of the previous reports that the new set does not hold are removed once it is in place (MANIFEST lists them).
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from .model import Register
from .store import classify_write_error, publish_files, read_manifest, remove_files
from .view import View

WORKBOOK = "demands.xlsx"
CHOOSER = "index.html"  # in several languages: the page that links to each language's index
MANIFEST = ".monitor-reports"  # the names of the files the last reports wrote, one per line


def render_reports(register: Register, today: dt.date | None = None, *, view: View | None = None,
                   languages: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every report file as bytes, keyed by its path in the output folder: index.html, one page per resolution,
    demands.xlsx.

    `view` says what they show (as of which day, changes since when, the data's version); `today` alone is
    View(as_of=today). `languages`: one language (or none: the active one) gives the files by plain name;
    several give each language's files in a folder named by its code, and CHOOSER at the top.
    """
    from .i18n import use

    view = _view(today, view)
    codes = tuple(dict.fromkeys(languages))
    if len(codes) < 2:
        if not codes:
            return _render_language(register, view, ())
        with use(codes[0]):
            return _render_language(register, view, ())
    from .render.languages import render_chooser

    files = {CHOOSER: render_chooser(register, codes).encode("utf-8")}
    for code in codes:
        with use(code):
            files.update({f"{code}/{name}": data for name, data in _render_language(register, view, codes).items()})
    return files


def _render_language(register: Register, view: View, languages: tuple[str, ...]) -> dict[str, bytes]:
    """The pages and the workbook in the active language (frames too: they hold the status words)."""
    from .frames import build_frames
    from .render.excel import render_workbook
    from .render.html import iter_pages

    frames = build_frames(register, view.as_of)
    # The workbook first and each page encoded as soon as it is rendered: at 10,000 demands the pages' text
    # (about 80 MB as str) no longer sits in memory beside the workbook being built.
    workbook = render_workbook(register, frames, view)
    files = {name: text.encode("utf-8") for name, text in iter_pages(register, frames, view, languages)}
    files[WORKBOOK] = workbook
    for name in files:  # names made from data must stay plain names inside the output folder
        if Path(name).name != name or name.startswith("."):
            raise ValueError(f"unsafe report file name: {name!r}")
    return files


def write_reports(register: Register, out_dir: str | os.PathLike, *, today: dt.date | None = None,
                  view: View | None = None, languages: tuple[str, ...] = ()) -> list[Path]:
    """Render every report (in each of `languages`) and publish them into `out_dir` together; the paths written.

    Raises store's DiskFull, NameTooLong or UnsafeTarget, or another OSError; the previous reports stay as they were.
    """
    try:
        files = render_reports(register, view=_view(today, view), languages=languages)
    except OSError as exc:  # the workbook's sheets are streamed through temporary files
        raise classify_write_error(exc, exc.filename or tempfile.gettempdir()) from exc
    before = read_manifest(out_dir, MANIFEST)
    written = publish_files(out_dir, {**files, MANIFEST: "".join(f"{name}\n" for name in sorted(files)).encode()})
    # what the last reports held and these do not (another language layout, a resolution renamed, the pages of a
    # report that included private material) must not stay beside them, to be published by mistake
    remove_files(out_dir, sorted(before - set(files)))
    return [path for path in written if path.name != MANIFEST]


def _view(today: dt.date | None, view: View | None) -> View:
    if view is None:
        if today is None:
            raise TypeError("give the day the reports show: today= or view=")
        return View(as_of=today)
    return view
