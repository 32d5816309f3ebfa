"""monitor: track what a parliament demanded, of whom, and whether it happened.

The public API: `validate_file` (every problem, never raises on bad data), `validate_text`, `load_register`
(the model, or DataError), and the model types. Everything is imported on first use, so that
`monitor --version` starts as fast as Python itself and `monitor validate` loads only the YAML parser.
"""
from __future__ import annotations

import datetime as _dt
import importlib as _importlib
import os as _os

TYPE_CHECKING = False  # `import monitor` does not import typing: names for the type checker only
if TYPE_CHECKING:
    from .model import Register
    from .problems import ProblemList

__version__ = "0.1.0"
__all__ = ["validate_file", "validate_text", "load_register", "DataError", "Problem", "Register", "Resolution",
           "Demand", "Entry", "Status", "__version__"]

_LAZY = {"DataError": "problems", "Problem": "problems", "Register": "model", "Resolution": "model",
         "Demand": "model", "Entry": "model", "Status": "model"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(_importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'monitor' has no attribute {name!r}")


def validate_file(path: str | _os.PathLike, *, today: _dt.date | None = None, max_bytes: int | None = None,
                  shown_as: str | None = None, compact: bool = False) -> tuple[Register | None, ProblemList]:
    """Read and check a data file: the model (None if there is any error) and every problem, in file order.

    With `compact`, a large model is rebuilt in fresh memory once the parse tree is gone, for commands that go
    on to heavy work (reports, digests): see memory.py.
    """
    from .load import DEFAULT_MAX_BYTES, read_file
    from .memory import COMPACT_FROM
    from .validate import validate_loaded

    loaded = read_file(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES, shown_as=shown_as)
    register, problems = validate_loaded(loaded, today=today)
    del loaded
    if compact and register is not None and len(register.demands) >= COMPACT_FROM:
        from .memory import freeze, thaw

        blob = freeze(register, problems)
        register = problems = None  # type: ignore[assignment]  # both go: see memory.py
        register, problems = thaw(blob)
    return register, problems


def validate_text(text: str, path: str = "demands.yaml", *,
                  today: _dt.date | None = None) -> tuple[Register | None, ProblemList]:
    """Check YAML text as if it were the file `path` (used before every write)."""
    from .load import parse_text
    from .validate import validate_loaded

    return validate_loaded(parse_text(text, path), today=today)


def load_register(path: str | _os.PathLike, *, today: _dt.date | None = None) -> Register:
    """The model of a valid data file; raises DataError carrying every problem when it has errors."""
    from .problems import DataError

    register, problems = validate_file(path, today=today)
    if register is None:
        raise DataError(problems)
    return register
