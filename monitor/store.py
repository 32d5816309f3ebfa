"""The only code that writes files: temp file beside the target, fsync, atomic replace, under a lock.

A reader never sees a half-written file: either the old version or the new one. A crash leaves at most a
stray temp file (`.name.*.tmp`) beside the target, never a damaged target.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

LOCK_TIMEOUT_SECONDS = 60


@contextlib.contextmanager
def file_lock(target: str | os.PathLike, timeout: float = LOCK_TIMEOUT_SECONDS):
    """Hold an exclusive lock for `target` (a `.name.lock` file beside it) for the duration of the block."""
    from filelock import FileLock

    target = Path(target)
    lock = FileLock(str(target.with_name(f".{target.name}.lock")), timeout=timeout)
    with lock:
        yield


def write_atomic(target: str | os.PathLike, data: bytes) -> None:
    """Replace `target` with `data` atomically, keeping the old file's permissions."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def publish_files(out_dir: str | os.PathLike, files: dict[str, bytes]) -> list[Path]:
    """Write a set of files into `out_dir` so that a failure leaves the previous set intact.

    Everything is first written to a hidden temporary folder inside `out_dir`; only when all of it is written
    are the files moved into place, each by an atomic rename (so a failure while rendering or writing leaves
    the previous set intact; the renames themselves are per file). File names must be plain names (no folders, no `..`);
    names with a sub-folder such as `digests/x.txt` are allowed when every part is plain.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in files:
        _check_name(out, name)
    staging = Path(tempfile.mkdtemp(dir=out, prefix=".staging-"))
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(path, 0o644)
        written = []
        for name in files:
            final = out / name
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, final)
            written.append(final)
        _fsync_dir(out)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_name(out: Path, name: str) -> None:
    parts = Path(name).parts
    if not parts or any(p in ("", ".", "..") or p.startswith("/") for p in parts) or Path(name).is_absolute():
        raise ValueError(f"unsafe output file name: {name!r}")
    if not (out / name).resolve().is_relative_to(out.resolve()):
        raise ValueError(f"output file name leaves the output folder: {name!r}")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
