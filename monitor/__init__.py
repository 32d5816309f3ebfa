"""monitor: track what a parliament demanded, of whom, and whether it happened.

The public API: `validate_file` (every problem, never raises on bad data), `load_register` (the model, or
DataError), and the model types. Heavy libraries (pandas, openpyxl, jinja2, apscheduler) are imported only
by the stages that use them, so that `monitor validate` starts quickly.
"""
from __future__ import annotations

import datetime as _dt
import os as _os

from .load import DEFAULT_MAX_BYTES, parse_text, read_file
from .model import Demand, Entry, Register, Resolution, Status
from .problems import DataError, Problem
from .validate import validate_loaded

__version__ = "0.1.0"
__all__ = ["validate_file", "validate_text", "load_register", "DataError", "Problem", "Register", "Resolution",
           "Demand", "Entry", "Status", "__version__"]


def validate_file(path: str | _os.PathLike, *, today: _dt.date | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES, shown_as: str | None = None) -> tuple[Register | None, list[Problem]]:
    """Read and check a data file: the model (None if there is any error) and every problem, in file order."""
    return validate_loaded(read_file(path, max_bytes=max_bytes, shown_as=shown_as), today=today)


def validate_text(text: str, path: str = "demands.yaml", *, today: _dt.date | None = None) -> tuple[Register | None, list[Problem]]:
    """Check YAML text as if it were the file `path` (used before every write)."""
    return validate_loaded(parse_text(text, path), today=today)


def load_register(path: str | _os.PathLike, *, today: _dt.date | None = None) -> Register:
    """The model of a valid data file; raises DataError carrying every problem when it has errors."""
    register, problems = validate_file(path, today=today)
    if register is None:
        raise DataError(problems)
    return register
