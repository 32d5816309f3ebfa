"""The only code that writes files: temp file beside the target, fsync, atomic replace, under a lock.

A reader never sees a half-written file: either the old version or the new one. A crash leaves at most a
stray temp file (`.name.*.tmp`) beside the target, never a damaged target.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
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
        mode = 0o644
    tmp, fd = _write_temp(target, data, mode)
    os.close(fd)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


@dataclass(frozen=True)
class FileState:
    """What a file was when it was read: enough to notice that another program wrote to it since."""

    inode: int
    size: int
    mtime_ns: int
    fingerprint: bytes  # SHA-256 of the bytes: an in-place save within one clock tick keeps size and time

    @classmethod
    def of(cls, info: os.stat_result, data: bytes) -> "FileState":
        return cls(info.st_ino, info.st_size, info.st_mtime_ns, hashlib.sha256(data).digest())

    def matches(self, fd: int) -> bool:
        """True when the open file `fd` still holds exactly what was read."""
        info = os.fstat(fd)
        if (info.st_ino, info.st_size, info.st_mtime_ns) != (self.inode, self.size, self.mtime_ns):
            return False
        digest, offset = hashlib.sha256(), 0
        while chunk := os.pread(fd, 1 << 20, offset):
            digest.update(chunk)
            offset += len(chunk)
        return digest.digest() == self.fingerprint


class FileChanged(Exception):
    """Another program wrote to the file while monitor was changing it; `kept_copy` names a copy when one was made."""

    def __init__(self, path: Path, kept_copy: Path | None = None):
        super().__init__(str(path))
        self.path, self.kept_copy = path, kept_copy


def replace_if_unchanged(target: str | os.PathLike, data: bytes, expected: FileState) -> None:
    """Replace `target` with `data` atomically, only if it still holds what was read (`expected`); else FileChanged.

    The check is made immediately before the rename, and once more on the replaced file just after it: an editor
    that wrote into the old file in between gets its version put back (it is kept under a second name while we
    look), so that a save is never lost to our rename. What remains is an editor that opened the file before our
    rename and writes into it after our second look; the README says so.
    """
    target = Path(target)
    tmp, tmp_fd = _write_temp(target, data, os.stat(target).st_mode & 0o7777)
    keep = target.with_name(f".{target.name}.{secrets.token_hex(4)}.old.tmp")
    try:
        old_fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not expected.matches(old_fd):
                raise FileChanged(target)
            try:
                os.link(target, keep)  # the old file keeps a name while we look at it once more
            except OSError:  # a file system without hard links: the check above is all we can do
                keep = None
            os.replace(tmp, target)
            if keep is not None and not expected.matches(old_fd):
                _put_back(target, keep, tmp_fd, data)
        finally:
            os.close(old_fd)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        os.close(tmp_fd)
        if keep is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(keep)
    _fsync_dir(target.parent)


def _put_back(target: Path, keep: Path, new_fd: int, data: bytes) -> None:
    """Another program wrote into the file we just replaced: its version goes back, ours goes (FileChanged)."""
    ours_untouched = os.fstat(new_fd).st_size == len(data) and os.pread(new_fd, len(data) + 1, 0) == data
    if ours_untouched:
        os.replace(keep, target)
        raise FileChanged(target)
    # Someone also wrote into our new version: keep both, and let the person decide.
    copy = target.with_name(f"{target.name}.conflict-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(keep, copy)
    raise FileChanged(target, kept_copy=copy)


def _write_temp(target: Path, data: bytes, mode: int) -> tuple[str, int]:
    """A synced temporary file beside `target` holding `data`: its name and an open descriptor."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        view = memoryview(data)
        while view:  # os.write may write less than asked
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.chmod(tmp, mode)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp, fd


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
