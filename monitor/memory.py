"""The tricks bought for speed or memory, in one place, each with what it bought (measured at 10,000 demands).

None of them changes a result: a test compares compacted and plain models, and the reports byte for byte.

- `gc_paused`: the parse tree and the model are large and acyclic; full collections walking millions of young,
  long-lived nodes took about two thirds of compose-and-check time and made it grow faster than the file.
- `freeze` and `thaw` (compacting): after validation the parse tree is freed, but the few objects that live on
  are scattered over its memory, and Python returns an arena to the system only when it is empty. Rebuilding the
  model in fresh memory (a pickle round trip of our own in-memory objects, 0.4 s) took RSS after validation from
  217 MB to 116 MB, and kept `monitor report` under 300 MB.
"""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

COMPACT_FROM = 2000  # demands; below this the model is small and compacting would only cost time


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large acyclic trees (see the module's docstring)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze(*objects: object) -> bytes:
    """Our own in-memory objects as bytes, so that the caller can drop them before `thaw` rebuilds them."""
    import pickle  # our own objects, in memory only: nothing untrusted is ever unpickled

    return pickle.dumps(objects, protocol=pickle.HIGHEST_PROTOCOL)


def thaw(blob: bytes) -> tuple[Any, ...]:
    """The objects given to `freeze`, rebuilt in fresh memory once the old memory is collected."""
    import pickle

    gc.collect()
    return pickle.loads(blob)

