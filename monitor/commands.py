"""What the commands do, for the command line and the scheduler alike: arguments in, a result or a MonitorError out.

`cli.py` parses arguments, calls one of these and prints what it returns; `schedule.py`'s jobs call the same
functions. Nothing here prints or exits. (So far: loading a valid register, the reports and the status overview.)
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .errors import MonitorError
from .model import Register


class ReportsNotWritten(MonitorError):
    """The reports could not be written (a full disk, a link or a name too long, a folder we may not write)."""


class NoSuchResolution(MonitorError):
    """A command named a resolution the register does not have: wrong usage."""

    exit_code = 2


def load_valid(data_path: str | os.PathLike, *, today: dt.date | None, compact: bool = True) -> Register:
    """The register in the data file; DataError with every problem when it is not valid.

    `compact`: for commands that go on to heavy work (reports, digests): see memory.py.
    """
    from . import validate_file
    from .problems import DataError

    register, problems = validate_file(data_path, today=today, compact=compact)
    if register is None:
        raise DataError(problems)
    return register


def write_reports(register: Register, out: str, *, today: dt.date) -> list[Path]:
    """Every report written into `out` together; ReportsNotWritten, with the previous reports left as they were."""
    from .report import write_reports as write_all
    from .store import DiskFull, NameTooLong, UnsafeTarget

    unchanged = f"the previous reports in {out}/ are unchanged"
    try:
        return write_all(register, out, today=today)
    except DiskFull as exc:
        raise ReportsNotWritten(f"the disk is full: cannot write to {exc.filename} — {unchanged}; free some space "
                                "(or choose a folder on another disk with --out) and run it again") from None
    except NameTooLong as exc:
        name = os.path.basename(exc.filename or "")
        shown = name if len(name) <= 60 else f"{name[:40]}…{name[-12:]} ({len(name)} characters)"
        raise ReportsNotWritten(f"cannot write the report {shown}: the name is too long for this disk — "
                                f"{unchanged}; give the resolution a shorter id in the data file (each "
                                "resolution's page is named after its id)") from None
    except UnsafeTarget as exc:
        raise ReportsNotWritten(f"cannot write the reports to {out}/: {exc.strerror} — {unchanged}; delete or move "
                                f"{exc.filename}, or choose another folder with --out") from None
    except OSError as exc:  # a folder we may not write to, a workbook held open on Windows
        raise ReportsNotWritten(f"cannot write the reports to {out}/: {exc.strerror or exc} — the previous "
                                "reports are unchanged; choose another folder with --out, or close the workbook "
                                "if it is open") from None


def report(data_path: str | os.PathLike, out: str, *, today: dt.date) -> list[Path]:
    """`monitor report`: the valid register's reports written into `out`."""
    return write_reports(load_valid(data_path, today=today), out, today=today)


def status(data_path: str | os.PathLike, *, resolution: str | None, today: dt.date) -> str:
    """`monitor status`: the overview as text, for all resolutions or for one."""
    from .render.text import render_status

    register = load_valid(data_path, today=today)
    if resolution and resolution not in {r.id for r in register.resolutions}:
        raise NoSuchResolution(f"there is no resolution '{resolution}' — use one of: "
                               + ", ".join(r.id for r in register.resolutions))
    return render_status(register, resolution_id=resolution, today=today)
